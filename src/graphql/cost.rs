//! Query cost: every request is priced before it runs (connections cost their page size times
//! their nodes), refused over the limits with QUERY_TOO_COMPLEX / QUERY_TOO_DEEP, and every
//! response says what it cost: `extensions.cost { requested, limit, depth, maxDepth }`.
//!
//! Pricing is one pass of async-graphql's validator over the parsed document, on a schema of its
//! own ([`Pricer`]) whose extension reads the validator's complexity and depth and whose
//! execution is a no-op. The schema that runs requests has no extension: with any extension
//! installed, async-graphql builds a `ResolveInfo` (two registry lookups) and goes through the
//! extension chain for every field it resolves (Q1 resolves about 7,000).
use std::sync::{Arc, Mutex};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation},
    futures_util::FutureExt,
    indexmap::IndexMap,
    parser::types::ExecutableDocument,
    Name, Response, SchemaBuilder, ServerError, ValidationResult, Value, Variables,
};

use crate::graphql::{
    mutation::MutationRoot, query::QueryRoot, schema::AppSchema, subscription::SubscriptionRoot,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostLimits {
    pub max_complexity: usize,
    pub max_depth: usize,
}

/// What a request costs: the validator's complexity plus the expensive fields' price, and its
/// depth, with the limits they were checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub requested: usize,
    pub limit: usize,
    pub depth: usize,
    pub max_depth: usize,
}

impl Cost {
    /// `extensions.cost` of a response.
    pub fn to_value(self) -> Value {
        let mut cost = IndexMap::new();
        cost.insert(Name::new("requested"), Value::from(self.requested as u64));
        cost.insert(Name::new("limit"), Value::from(self.limit as u64));
        cost.insert(Name::new("depth"), Value::from(self.depth as u64));
        cost.insert(Name::new("maxDepth"), Value::from(self.max_depth as u64));
        Value::Object(cost)
    }
}

/// Validates and prices requests without running them (see the module comment). Cheap to clone.
#[derive(Clone)]
pub struct Pricer {
    schema: AppSchema,
    limits: CostLimits,
}

impl Pricer {
    /// A pricer over the types of `builder`'s schema (the served schema's builder, without data).
    pub fn new(
        builder: SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>,
        limits: CostLimits,
    ) -> Self {
        Pricer {
            schema: builder.extension(PricingFactory).finish(),
            limits,
        }
    }

    pub fn limits(&self) -> CostLimits {
        self.limits
    }

    /// Validates the parsed document (every rule) and measures it: its cost, or the errors a
    /// client gets (validation errors, QUERY_TOO_COMPLEX, QUERY_TOO_DEEP).
    pub fn price(
        &self,
        doc: ExecutableDocument,
        operation_name: Option<String>,
        variables: Variables,
        extra: ExtraCost,
    ) -> Result<Cost, Vec<ServerError>> {
        let measured = self.validate(doc, operation_name, variables)?;
        self.judge(measured, extra)
    }

    /// Validates the parsed document (every rule) and measures it, before the expensive
    /// fields' price and the limits: what depends only on the document, the operation and the
    /// variables (what a cache of validated documents may keep, see `http::graphql::documents`).
    pub fn validate(
        &self,
        doc: ExecutableDocument,
        operation_name: Option<String>,
        variables: Variables,
    ) -> Result<Validated, Vec<ServerError>> {
        let slot = Measure::default();
        let mut req = async_graphql::Request::new(String::new())
            .variables(variables)
            .data(slot.clone());
        req.operation_name = operation_name;
        req.set_parsed_query(doc);
        // Nothing in validation waits, and execution is a no-op: ready at the first poll.
        let Some(resp) = self.schema.execute(req).now_or_never() else {
            return Err(vec![coded(
                "the request could not be priced".to_owned(),
                "INTERNAL",
            )]);
        };
        if !resp.errors.is_empty() {
            return Err(resp.errors);
        }
        slot.0.lock().ok().and_then(|m| *m).ok_or_else(|| {
            vec![coded(
                "the request could not be priced".to_owned(),
                "INTERNAL",
            )]
        })
    }

    /// The cost of a validated request, its expensive fields' price added, checked against the
    /// limits: QUERY_TOO_COMPLEX, then QUERY_TOO_DEEP.
    pub fn judge(&self, measured: Validated, extra: ExtraCost) -> Result<Cost, Vec<ServerError>> {
        let cost = Cost {
            requested: measured.complexity.saturating_add(extra.0),
            limit: self.limits.max_complexity,
            depth: measured.depth,
            max_depth: self.limits.max_depth,
        };
        if cost.requested > cost.limit {
            return Err(vec![coded(
                format!(
                    "query costs {} which is over the limit of {}: ask for smaller pages or fewer levels",
                    cost.requested, cost.limit
                ),
                "QUERY_TOO_COMPLEX",
            )]);
        }
        if cost.depth > cost.max_depth {
            return Err(vec![coded(
                format!(
                    "query is {} levels deep, over the limit of {}",
                    cost.depth, cost.max_depth
                ),
                "QUERY_TOO_DEEP",
            )]);
        }
        Ok(cost)
    }
}

/// What validation measured of a valid request: the validator's complexity (without the
/// expensive fields' [`ExtraCost`]) and depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validated {
    pub complexity: usize,
    pub depth: usize,
}

/// Where the pricing extension leaves what validation measured.
#[derive(Clone, Default)]
struct Measure(Arc<Mutex<Option<Validated>>>);

struct PricingFactory;

impl ExtensionFactory for PricingFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PricingExtension)
    }
}

struct PricingExtension;

fn coded(message: String, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}

#[async_trait::async_trait]
impl Extension for PricingExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some(Measure(slot)) = ctx.data_opt::<Measure>() {
            if let Ok(mut m) = slot.lock() {
                *m = Some(Validated {
                    complexity: result.complexity,
                    depth: result.depth,
                });
            }
        }
        Ok(result)
    }

    /// Pricing never runs anything.
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        Response::default()
    }
}

/// Extra cost of a request's expensive fields (introspection, text size, computed answers),
/// priced on the parsed document before validation and added to the complexity the
/// validation computes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExtraCost(pub usize);

/// Limits checked on the parsed document, fragments expanded, before validation runs: the
/// validator expands fragment spreads without a budget (10 spreads × 8 levels in 693 bytes
/// took it 7 s of CPU).
#[derive(Clone, Copy, Debug)]
pub struct BudgetLimits {
    /// Fields once every fragment spread is expanded.
    pub max_nodes: u64,
    /// Top-level fields of the operation (aliases included).
    pub max_root_fields: u64,
    /// Aliased fields anywhere, expanded.
    pub max_aliases: u64,
    /// Fields in one selection set, expanded.
    pub max_width: u64,
    /// Nesting of selection sets, expanded (as the validator counts it, with some slack).
    pub max_depth: u64,
}

impl Default for BudgetLimits {
    fn default() -> Self {
        BudgetLimits {
            max_nodes: 5_000,
            max_root_fields: 50,
            max_aliases: 200,
            max_width: 500,
            max_depth: 64,
        }
    }
}

/// What the budget check measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measured {
    pub nodes: u64,
    pub root_fields: u64,
    pub aliases: u64,
    pub width: u64,
    pub depth: u64,
    /// The price of the expensive fields (see [`field_price`]).
    pub price: u64,
}

/// One selection set's totals, fragments expanded.
#[derive(Clone, Copy, Debug, Default)]
struct Summary {
    nodes: u64,
    /// Fields directly in this selection set (fragments inlined).
    width: u64,
    /// The widest selection set inside, this one included.
    max_width: u64,
    depth: u64,
    aliases: u64,
    price: u64,
}

impl Summary {
    fn merge_inline(&mut self, o: Summary) {
        self.nodes = self.nodes.saturating_add(o.nodes);
        self.width = self.width.saturating_add(o.width);
        self.max_width = self.max_width.max(o.max_width);
        self.depth = self.depth.max(o.depth);
        self.aliases = self.aliases.saturating_add(o.aliases);
        self.price = self.price.saturating_add(o.price);
    }
}

/// Price of one field beyond the complexity model, from what it really costs on this machine
/// (ESCO-sized graph): the limit of 50,000 then holds about one second of work.
///
/// - `__schema`: the whole schema (~107 KB of JSON, ~10 ms): 1,000; `__type`: 50.
/// - `extractSkills(text)`: 10 + 1 per 30 bytes of text (release build, full ESCO + O*NET:
///   2 × 900 KB took 0.9–1.25 s of CPU; the default budget now admits one such text).
/// - `relatedSkills`: 1,500; `learningPath`, `skillGap`, `skillPath`: 300 (graph walks);
///   `roleTransitions`: 2,500 (60 roles scored and planned, and their postings' salaries).
/// - `normalizeTitle(title)`: 5 + 1 per 10 bytes; `normalizeTitles(titles)`: 5 + 5 a title +
///   1 per 10 bytes (scoring against the role labels of an imported graph).
/// - market analytics (`demand(window:)`, `topSkills`, `topFrameworks`, `salaries`,
///   `coOccurringSkills`, `trendingSkills`, `skillSalary`): 2,500 (scans of the postings; 50 aliased took 2.3 s of CPU at 500).
pub fn field_price(
    field: &async_graphql::parser::types::Field,
    variables: &async_graphql::Variables,
) -> u64 {
    let name = field.name.node.as_str();
    match name {
        "__schema" => 1_000,
        "__type" => 50,
        "extractSkills" => {
            let len = field
                .get_argument("text")
                .map(|v| string_len(&v.node, variables))
                .unwrap_or(0);
            10 + (len as u64) / 30
        }
        // Priced so that the default budget (50,000) buys under 1 s of CPU (release build,
        // full ESCO + O*NET, README "Limits"): 50 aliased relatedSkills took 1,060 ms and 50
        // aliased topSkills 2,290 ms at the old prices (300 and 500).
        "relatedSkills" => 1_500,
        "learningPath" | "skillGap" | "skillPath" => 300,
        // Up to 60 roles scored and planned, plus a salary scan of their postings.
        "roleTransitions" => 2_500,
        "normalizeTitle" => {
            let len = field
                .get_argument("title")
                .map(|v| string_len(&v.node, variables))
                .unwrap_or(0);
            5 + (len as u64) / 10
        }
        "normalizeTitles" => {
            let (n, len) = field
                .get_argument("titles")
                .map(|v| list_len(&v.node, variables))
                .unwrap_or((0, 0));
            5 + 5 * n as u64 + (len as u64) / 10
        }
        "topSkills" | "topFrameworks" | "salaries" | "coOccurringSkills" | "trendingSkills"
        | "skillSalary" => 2_500,
        "demand" if field.get_argument("window").is_some() => 2_500,
        _ => 0,
    }
}

/// Items and total characters of a list of strings (a literal or a variable).
fn list_len(
    v: &async_graphql_value::Value,
    variables: &async_graphql::Variables,
) -> (usize, usize) {
    use async_graphql_value::Value as V;
    let strings = |items: Vec<usize>| (items.len(), items.iter().sum());
    match v {
        V::List(items) => strings(items.iter().map(|i| string_len(i, variables)).collect()),
        V::Variable(name) => match variables.get(name) {
            Some(async_graphql::Value::List(items)) => strings(
                items
                    .iter()
                    .map(|i| match i {
                        async_graphql::Value::String(s) => s.len(),
                        _ => 0,
                    })
                    .collect(),
            ),
            _ => (0, 0),
        },
        _ => (0, 0),
    }
}

fn string_len(v: &async_graphql_value::Value, variables: &async_graphql::Variables) -> usize {
    use async_graphql_value::Value as V;
    match v {
        V::String(s) => s.len(),
        V::Variable(name) => match variables.get(name) {
            Some(async_graphql::Value::String(s)) => s.len(),
            _ => 0,
        },
        _ => 0,
    }
}

/// Why a document is refused before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetError {
    pub message: String,
    pub code: &'static str,
}

struct Walker<'a> {
    doc: &'a async_graphql::parser::types::ExecutableDocument,
    variables: &'a async_graphql::Variables,
    memo: std::collections::HashMap<&'a str, Summary>,
    visiting: std::collections::HashSet<&'a str>,
}

/// Deeper than this the walk stops (the parser already bounds nesting; this keeps the stack
/// safe whatever it allows).
const MAX_RECURSION: usize = 256;

impl<'a> Walker<'a> {
    fn selection_set(
        &mut self,
        set: &'a async_graphql::parser::types::SelectionSet,
        level: usize,
    ) -> Result<Summary, BudgetError> {
        use async_graphql::parser::types::Selection;
        if level > MAX_RECURSION {
            return Err(too_deep(level as u64));
        }
        let mut sum = Summary::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let child = if f.selection_set.node.items.is_empty() {
                        Summary::default()
                    } else {
                        self.selection_set(&f.selection_set.node, level + 1)?
                    };
                    sum.nodes = sum.nodes.saturating_add(1).saturating_add(child.nodes);
                    sum.width = sum.width.saturating_add(1);
                    sum.max_width = sum.max_width.max(child.max_width);
                    sum.depth = sum.depth.max(child.depth.saturating_add(1));
                    sum.aliases = sum
                        .aliases
                        .saturating_add(u64::from(f.alias.is_some()))
                        .saturating_add(child.aliases);
                    sum.price = sum
                        .price
                        .saturating_add(field_price(f, self.variables))
                        .saturating_add(child.price);
                }
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    if let Some(done) = self.memo.get(name) {
                        sum.merge_inline(*done);
                        continue;
                    }
                    let Some(def) = self.doc.fragments.get(&s.node.fragment_name.node) else {
                        // An unknown fragment is the validator's to report.
                        continue;
                    };
                    if !self.visiting.insert(name) {
                        return Err(BudgetError {
                            message: format!("fragment {name} spreads itself"),
                            code: "GRAPHQL_VALIDATION_FAILED",
                        });
                    }
                    let inner = self.selection_set(&def.node.selection_set.node, level + 1)?;
                    self.visiting.remove(name);
                    self.memo.insert(name, inner);
                    sum.merge_inline(inner);
                }
                Selection::InlineFragment(i) => {
                    let inner = self.selection_set(&i.node.selection_set.node, level + 1)?;
                    sum.merge_inline(inner);
                }
            }
        }
        sum.max_width = sum.max_width.max(sum.width);
        Ok(sum)
    }
}

fn too_deep(depth: u64) -> BudgetError {
    BudgetError {
        message: format!("query is nested {depth} levels deep, too deep to run"),
        code: "QUERY_TOO_DEEP",
    }
}

/// Measures the operation that would run (all of them when it is ambiguous) with every
/// fragment expanded, memoised per fragment so the walk is linear in the document's size,
/// and refuses it over the limits.
pub fn check_budget(
    doc: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
    limits: &BudgetLimits,
) -> Result<Measured, BudgetError> {
    let mut w = Walker {
        doc,
        variables,
        memo: Default::default(),
        visiting: Default::default(),
    };
    let mut m = Measured::default();
    for (name, op) in doc.operations.iter() {
        if let (Some(wanted), Some(name)) = (operation_name, name) {
            if wanted != name.as_str() {
                continue;
            }
        }
        let s = w.selection_set(&op.node.selection_set.node, 1)?;
        m.nodes = m.nodes.saturating_add(s.nodes);
        m.root_fields = m.root_fields.max(s.width);
        m.aliases = m.aliases.saturating_add(s.aliases);
        m.width = m.width.max(s.max_width);
        m.depth = m.depth.max(s.depth);
        m.price = m.price.saturating_add(s.price);
    }
    let over = |what: &str, n: u64, limit: u64| BudgetError {
        message: format!("query has {n} {what}, over the limit of {limit}"),
        code: "QUERY_TOO_COMPLEX",
    };
    if m.depth > limits.max_depth {
        return Err(too_deep(m.depth));
    }
    if m.nodes > limits.max_nodes {
        return Err(over(
            "fields once its fragments are expanded",
            m.nodes,
            limits.max_nodes,
        ));
    }
    if m.root_fields > limits.max_root_fields {
        return Err(over(
            "top-level fields",
            m.root_fields,
            limits.max_root_fields,
        ));
    }
    if m.aliases > limits.max_aliases {
        return Err(over("aliased fields", m.aliases, limits.max_aliases));
    }
    if m.width > limits.max_width {
        return Err(over(
            "fields in one selection set",
            m.width,
            limits.max_width,
        ));
    }
    Ok(m)
}

#[cfg(test)]
mod budget_tests {
    use super::*;
    use async_graphql::{parser::parse_query, Variables};

    fn nested_fragments(spreads: usize, levels: usize) -> String {
        let mut q = String::from("query { ...F0 }\n");
        for l in 0..levels {
            q.push_str(&format!("fragment F{l} on QueryRoot {{ "));
            for _ in 0..spreads {
                q.push_str(&format!("...F{} ", l + 1));
            }
            q.push_str("}\n");
        }
        q.push_str(&format!(
            "fragment F{levels} on QueryRoot {{ info {{ version }} }}\n"
        ));
        q
    }

    #[test]
    fn expanded_fragments_are_counted_without_expanding_them() {
        let doc = parse_query(nested_fragments(10, 9)).expect("parse");
        let started = std::time::Instant::now();
        let e = check_budget(&doc, None, &Variables::default(), &BudgetLimits::default())
            .expect_err("10^9 fields refused");
        assert_eq!(e.code, "QUERY_TOO_COMPLEX");
        assert!(
            e.message.contains("fragments are expanded"),
            "{}",
            e.message
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn small_documents_pass_with_their_sizes() {
        let doc = parse_query(nested_fragments(2, 3)).expect("parse");
        let m = check_budget(&doc, None, &Variables::default(), &BudgetLimits::default())
            .expect("fits");
        // 2^3 copies of `info { version }`.
        assert_eq!(m.nodes, 16);
        assert_eq!(m.root_fields, 8);
        assert_eq!(m.depth, 2);
    }

    #[test]
    fn cycles_and_prices() {
        let doc = parse_query(
            "query { ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }",
        )
        .expect("parse");
        let e = check_budget(&doc, None, &Variables::default(), &BudgetLimits::default())
            .expect_err("cycle");
        assert_eq!(e.code, "GRAPHQL_VALIDATION_FAILED");

        let doc = parse_query("query($t: String!) { a: extractSkills(text: $t) { label } b: __schema { types { name } } }")
            .expect("parse");
        let vars = Variables::from_json(serde_json::json!({ "t": "x".repeat(5_000) }));
        let m = check_budget(&doc, None, &vars, &BudgetLimits::default()).expect("fits");
        assert_eq!(m.price, 10 + 5_000 / 30 + 1_000);
        assert_eq!(m.aliases, 2);
    }
}
