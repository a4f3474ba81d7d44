//! The API conventions (README "GraphQL API" → "Conventions"), checked over the generated SDL so
//! that a new field cannot quietly break them. Each rule lists every offender in one failure.
use async_graphql::parser::{
    parse_schema,
    types::{
        BaseType, FieldDefinition, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
    },
};
use std::collections::{BTreeMap, BTreeSet};

/// Plain lists of objects that are bounded (at most 100 items), with the reason. Anything else
/// that can grow must be a connection.
const BOUNDED_LISTS: &[(&str, &str)] = &[
    ("QueryRoot.nodes", "at most 100 ids per call"),
    ("QueryRoot.relatedSkills", "a ranked top-N, `first` ≤ 100"),
    (
        "QueryRoot.extractSkills",
        "mentions in one text, text ≤ the body limit; a computed answer",
    ),
    ("QueryRoot.normalizeTitles", "at most 100 titles per call"),
    ("TitleNormalization.matches", "a ranked top-N, `first` ≤ 20"),
    (
        "Demand.months",
        "one per month of the window, windows are at most 100 months",
    ),
    ("TopSkills.skills", "a ranked top-N, `first` ≤ 100"),
    ("TopFrameworks.frameworks", "a ranked top-N, `first` ≤ 100"),
    ("CoOccurrenceReport.skills", "a ranked top-N, `first` ≤ 100"),
    ("TrendReport.skills", "a ranked top-N, `first` ≤ 100"),
    (
        "SalaryReport.currencies",
        "one per currency of the postings in scope (ISO 4217)",
    ),
    ("Role.requirementEvidence", "a ranked top-N, `first` ≤ 100"),
    ("Role.frameworkEvidence", "a ranked top-N, `first` ≤ 100"),
    (
        "Role.equivalentRoles",
        "one per imported release sharing the role's ESCO URI or O*NET code",
    ),
    (
        "JobPosting.skills",
        "what one posting asks for: at most 100, enforced on write",
    ),
    (
        "JobPosting.frameworks",
        "what one posting asks for: at most 100, enforced on write",
    ),
    (
        "LearningPath.steps",
        "a computed answer over one role's requirements",
    ),
    ("LearningPath.known", "echoes the `known` argument"),
    (
        "LearningPath.satisfied",
        "a computed answer over one role's requirements",
    ),
    (
        "LearningStep.pulledInBy",
        "a computed answer over one role's requirements",
    ),
    (
        "LearningStep.unlocks",
        "a computed answer over one role's requirements",
    ),
    ("SkillGap.known", "echoes the `known` argument"),
    (
        "SkillGap.missingEssential",
        "a computed answer over one role's requirements",
    ),
    (
        "SkillGap.missingOptional",
        "a computed answer over one role's requirements",
    ),
    (
        "SkillGap.frameworks",
        "a computed answer over one role's frameworks",
    ),
    ("FrameworkFit.missing", "the skills of one framework"),
    ("SkillPath.hops", "a shortest chain in the skill hierarchy"),
    ("QueryRoot.roleTransitions", "a ranked top-N, `first` ≤ 20"),
    (
        "RoleTransition.skillsToAdd",
        "a computed answer over one role's requirements",
    ),
    (
        "RoleTransition.learningSteps",
        "a computed answer over one role's requirements",
    ),
    (
        "SkillSalary.currencies",
        "one per currency of the postings in scope (ISO 4217)",
    ),
    (
        "TransitionSalary.currencies",
        "one per currency of the postings in scope (ISO 4217)",
    ),
];

/// Names that, typed `String`, would be an enum or a scalar in disguise.
const ENUM_LIKE: &[&str] = &[
    "kind",
    "category",
    "employmentType",
    "period",
    "via",
    "month",
    "workplace",
    "workplaces",
    "importance",
    "backend",
    "matchedField",
    "reuseLevel",
];

/// Fields that may name a skill, framework or role and be null, and why.
const NULLABLE_ENTITY_FIELDS: &[(&str, &str)] = &[
    (
        "JobPosting.role",
        "null when the posting names no role the catalog knows",
    ),
    ("LearningPath.role", "the target, when it is a role"),
    ("LearningPath.skill", "the target, when it is a skill"),
    (
        "LearningPath.framework",
        "the target, when it is a framework",
    ),
];

struct Schema {
    kinds: BTreeMap<String, &'static str>,
    descriptions: Vec<String>,
    objects: Vec<(String, Vec<FieldDefinition>)>,
    inputs: Vec<(String, Vec<InputValueDefinition>, bool)>,
}

fn named(t: &Type) -> &str {
    match &t.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

fn is_list(t: &Type) -> bool {
    matches!(t.base, BaseType::List(_))
}

fn deprecated(f: &FieldDefinition) -> bool {
    f.directives
        .iter()
        .any(|d| d.node.name.node.as_str() == "deprecated")
}

fn load(sdl: &str) -> Schema {
    let doc = parse_schema(sdl).expect("the SDL parses");
    let mut s = Schema {
        kinds: BTreeMap::new(),
        descriptions: Vec::new(),
        objects: Vec::new(),
        inputs: Vec::new(),
    };
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let t = t.node;
        let name = t.name.node.to_string();
        if t.description.is_none() {
            s.descriptions.push(format!("type {name}"));
        }
        let (kind, fields, input, one_of): (&str, Vec<FieldDefinition>, Vec<_>, bool) = match t.kind
        {
            TypeKind::Object(o) => (
                "object",
                o.fields.into_iter().map(|f| f.node).collect(),
                vec![],
                false,
            ),
            TypeKind::Interface(i) => (
                "interface",
                i.fields.into_iter().map(|f| f.node).collect(),
                vec![],
                false,
            ),
            TypeKind::Union(_) => ("union", vec![], vec![], false),
            TypeKind::Scalar => ("scalar", vec![], vec![], false),
            TypeKind::Enum(e) => {
                for v in e.values {
                    if v.node.description.is_none() {
                        s.descriptions
                            .push(format!("enum value {name}.{}", v.node.value.node));
                    }
                }
                ("enum", vec![], vec![], false)
            }
            TypeKind::InputObject(i) => {
                let one_of = t
                    .directives
                    .iter()
                    .any(|d| d.node.name.node.as_str() == "oneOf");
                (
                    "input",
                    vec![],
                    i.fields.into_iter().map(|f| f.node).collect(),
                    one_of,
                )
            }
        };
        s.kinds.insert(name.clone(), kind);
        for f in &fields {
            if f.description.is_none() {
                s.descriptions.push(format!("field {name}.{}", f.name.node));
            }
            for a in &f.arguments {
                if a.node.description.is_none() {
                    s.descriptions.push(format!(
                        "argument {name}.{}({})",
                        f.name.node, a.node.name.node
                    ));
                }
            }
        }
        for f in &input {
            if f.description.is_none() {
                s.descriptions
                    .push(format!("input field {name}.{}", f.name.node));
            }
        }
        if kind == "object" || kind == "interface" {
            s.objects.push((name, fields));
        } else if kind == "input" {
            s.inputs.push((name, input, one_of));
        }
    }
    s
}

/// Every rule, as the list of offences; empty when the SDL follows the conventions.
fn lint(sdl: &str) -> BTreeMap<&'static str, Vec<String>> {
    let s = load(sdl);
    let bounded: BTreeSet<&str> = BOUNDED_LISTS.iter().map(|(f, _)| *f).collect();
    let nullable_ok: BTreeSet<&str> = NULLABLE_ENTITY_FIELDS.iter().map(|(f, _)| *f).collect();
    let entity = |n: &str| matches!(n, "Skill" | "Framework" | "Role" | "JobPosting");
    let composite = |n: &str| {
        matches!(
            s.kinds.get(n).copied(),
            Some("object") | Some("interface") | Some("union")
        )
    };
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut add = |rule: &'static str, what: String| out.entry(rule).or_default().push(what);

    for d in &s.descriptions {
        add(DESCRIPTIONS, d.clone());
    }

    // Arguments and input fields that name an entity: a `...Ref`, never a bare ID, except the
    // Relay lookups by global id and the `id` of a ref itself.
    let id_ok = |owner: &str, name: &str| {
        matches!(
            (owner, name),
            ("QueryRoot.node", "id") | ("QueryRoot.nodes", "ids") | ("QueryRoot.jobPosting", "id")
        ) || (owner.ends_with("Ref") && name == "id")
    };
    let check_value =
        |owner: &str, v: &InputValueDefinition, add: &mut dyn FnMut(&'static str, String)| {
            let ty = named(&v.ty.node);
            let n = v.name.node.as_str();
            if ty == "ID" && !id_ok(owner, n) {
                add(
                    "an entity is named by its `...Ref` input, not a bare ID",
                    format!("{owner}({n}: {})", v.ty.node),
                );
            }
            if ty == "String" && ENUM_LIKE.contains(&n) {
                add(
                    "an enum-like value is an enum or a scalar, not a String",
                    format!("{owner}.{n}"),
                );
            }
            if n == "limit" {
                add(
                    "the size of a page or a ranked answer is `first`",
                    format!("{owner}({n})"),
                );
            }
        };

    for (name, fields) in &s.objects {
        for f in fields {
            let fname = format!("{name}.{}", f.name.node);
            let ty = &f.ty.node;
            let inner = named(ty);
            for a in &f.arguments {
                check_value(&fname, &a.node, &mut add);
            }
            if is_list(ty)
                && composite(inner)
                && !name.ends_with("Connection")
                && f.name.node.as_str() != "userErrors"
                && !bounded.contains(fname.as_str())
            {
                add(
                    "a list that can grow is a connection (or on the bounded allow-list)",
                    format!("{fname}: {ty}"),
                );
            }
            if inner == "String"
                && (ENUM_LIKE.contains(&f.name.node.as_str()) || fname == "Source.name")
            {
                add(
                    "an enum-like value is an enum or a scalar, not a String",
                    fname.clone(),
                );
            }
            if entity(inner)
                && !is_list(ty)
                && ty.nullable
                && !deprecated(f)
                && !nullable_ok.contains(fname.as_str())
                && !name.ends_with("Payload")
                && !matches!(name.as_str(), "QueryRoot")
            {
                add(
                    "an entity field that is always there is non-null (one of several: a union/interface)",
                    format!("{fname}: {ty}"),
                );
            }
            if is_list(ty)
                && (ty.nullable || matches!(&ty.base, BaseType::List(i) if i.nullable))
                && !matches!(fname.as_str(), "QueryRoot.nodes" | "UserError.field")
            {
                add("lists are [T!]!", format!("{fname}: {ty}"));
            }
        }
    }

    for (name, fields, _) in &s.inputs {
        for f in fields {
            check_value(name, f, &mut add);
        }
    }

    // Lookups: `skill(by: SkillRef!)`, and the refs are @oneOf { id, slug }.
    let query = s.objects.iter().find(|(n, _)| n == "QueryRoot");
    for (field, ty) in [
        ("skill", "Skill"),
        ("framework", "Framework"),
        ("role", "Role"),
    ] {
        let ok = query
            .and_then(|(_, fs)| fs.iter().find(|f| f.name.node.as_str() == field))
            .is_some_and(|f| {
                f.arguments.len() == 1
                    && f.arguments[0].node.name.node.as_str() == "by"
                    && f.arguments[0].node.ty.node.to_string() == format!("{ty}Ref!")
            });
        if !ok {
            add(
                "root lookups take `by: <Entity>Ref!`",
                format!("QueryRoot.{field}"),
            );
        }
    }
    for (name, fields, one_of) in &s.inputs {
        if name.ends_with("Ref") {
            let names: Vec<&str> = fields.iter().map(|f| f.name.node.as_str()).collect();
            if !one_of || names != ["id", "slug"] {
                add(
                    "a `...Ref` is @oneOf { id: ID, slug: String }",
                    name.clone(),
                );
            }
        }
    }

    // Mutations return `<Name>Payload!` with `userErrors: [UserError!]!`.
    if let Some((_, fields)) = s.objects.iter().find(|(n, _)| n == "MutationRoot") {
        for f in fields {
            let n = f.name.node.as_str();
            let mut want = n.to_owned();
            want[..1].make_ascii_uppercase();
            want.push_str("Payload");
            let ty = &f.ty.node;
            let has_errors = s
                .objects
                .iter()
                .find(|(o, _)| *o == want)
                .and_then(|(_, fs)| fs.iter().find(|f| f.name.node.as_str() == "userErrors"))
                .is_some_and(|f| f.ty.node.to_string() == "[UserError!]!");
            if ty.to_string() != format!("{want}!") || !has_errors {
                add(
                    "a mutation returns `<Name>Payload!` with `userErrors: [UserError!]!`",
                    format!("MutationRoot.{n}: {ty}"),
                );
            }
        }
    }
    out
}

fn report(offences: &BTreeMap<&'static str, Vec<String>>) -> String {
    offences
        .iter()
        .map(|(rule, v)| format!("{rule} ({}):\n  {}", v.len(), v.join("\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every type, field, argument and enum value says what it is.
const DESCRIPTIONS: &str = "every type, field, argument and enum value has a description";

#[test]
fn schema_follows_the_conventions() {
    // `SCHEMA_LINT_FILE=path` lints another SDL (e.g. an older schema.graphql) instead.
    let sdl = std::env::var("SCHEMA_LINT_FILE")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_else(skillgraph::graphql::schema::sdl);
    let offences = lint(&sdl);
    assert!(
        offences.is_empty(),
        "schema.graphql breaks the README conventions:\n{}",
        report(&offences)
    );
}

/// The lint is not vacuous: each rule catches a schema that breaks it.
#[test]
fn schema_lint_catches_each_rule() {
    let bad = r#"
        type QueryRoot { skill(id: ID, slug: String): Skill  top(limit: Int!): [Skill!]! }
        """A skill."""
        type Skill { """Kind.""" kind: String! }
        """D."""
        type SkillDemand { """S.""" skill: Skill }
        """M."""
        type MutationRoot { """C.""" createSkill(skill: ID!): Skill! }
        """R."""
        input SkillRef { """I.""" id: ID """S.""" slug: String }
        schema { query: QueryRoot mutation: MutationRoot }
    "#;
    let offences = lint(bad);
    let rules: Vec<&str> = offences.keys().copied().collect();
    for rule in [
        "every type, field, argument and enum value has a description",
        "an entity is named by its `...Ref` input, not a bare ID",
        "an enum-like value is an enum or a scalar, not a String",
        "the size of a page or a ranked answer is `first`",
        "a list that can grow is a connection (or on the bounded allow-list)",
        "an entity field that is always there is non-null (one of several: a union/interface)",
        "root lookups take `by: <Entity>Ref!`",
        "a `...Ref` is @oneOf { id: ID, slug: String }",
        "a mutation returns `<Name>Payload!` with `userErrors: [UserError!]!`",
    ] {
        assert!(
            rules.contains(&rule),
            "not caught: {rule}\n{}",
            report(&offences)
        );
    }
}
