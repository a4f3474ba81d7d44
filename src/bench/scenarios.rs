//! The fixed queries the bench drives, and what they need from the running server: its schema
//! (read by introspection, so scenarios for fields a build lacks are skipped with a note), real
//! ids and slugs, and a cursor deep into `skills`.
use std::collections::HashMap;

use axum::body::Bytes;
use serde_json::{json, Value};

use crate::error::{AppError, AppResult};

/// The nested query of PostGraphile's ESCO benchmark: 50 roles × 20 skills × 5 broader skills.
pub const NESTED: &str = "{ roles(first: 50) { nodes { slug skills(first: 20) { edges { importance level node { slug broader(first: 5) { nodes { slug name } } } } } } } }";
/// A 20-row list.
pub const LIST: &str = "{ roles(first: 20) { nodes { slug name } } }";
const ROLES_SKILLS_FRAMEWORKS: &str = "{ roles(first: 20) { nodes { slug skills(first: 20) { nodes { slug frameworks(first: 5) { nodes { slug name } } } } } } }";
const DEEP_PAGE: &str = "query Deep($after: String!) { skills(first: 20, after: $after) { nodes { slug name } pageInfo { endCursor hasNextPage } } }";
const SKILL_BY_ID: &str = "query ById($id: ID!) { skill(id: $id) { id slug name kind } }";
const SKILL_BY_SLUG: &str =
    "query BySlug($slug: String!) { skill(slug: $slug) { id slug name kind } }";

/// Every scenario, in the order they run: (key, label).
pub const ALL: &[(&str, &str)] = &[
    ("list", "(a) roles(first: 20) list"),
    ("nested", "(b) nested roles×skills×broader 50×20×5"),
    (
        "roles-skills-frameworks",
        "(c) roles→skills→frameworks 20×20×5",
    ),
    ("deep-page", "(d) skills(first: 20, after: ~10k deep)"),
    ("skill-by-id", "(e) skill(id:) random"),
    ("skill-by-slug", "(e) skill(slug:) random"),
    ("search", "(f) search(query:, first: 20)"),
    ("node", "(f) node(id:) random"),
];

pub fn label(key: &str) -> &'static str {
    ALL.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("?")
}

/// A scenario ready to drive: its request bodies (one is picked at random per request).
pub struct Scenario {
    pub key: &'static str,
    pub query: String,
    pub bodies: Vec<Bytes>,
}

pub enum Planned {
    Run(Scenario),
    Skip { key: &'static str, reason: String },
}

fn body(query: &str, variables: Value) -> Bytes {
    Bytes::from(json!({ "query": query, "variables": variables }).to_string())
}

/// Sends one GraphQL request and returns `data`, failing on any error.
pub async fn query(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    variables: Value,
) -> AppResult<Value> {
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(body(query, variables))
        .send()
        .await
        .map_err(|e| AppError::Internal(format!("POST /graphql: {e}")))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| AppError::Internal(format!("POST /graphql ({status}): {e}")))?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| AppError::Internal(format!("POST /graphql ({status}): not JSON: {e}")))?;
    if let Some(errors) = v.get("errors") {
        return Err(AppError::Internal(format!(
            "{query}\n  answered {status} with errors: {errors}"
        )));
    }
    Ok(v["data"].clone())
}

/// The root query fields: name → (argument names, the named type it returns).
struct RootFields(HashMap<String, (Vec<String>, String)>);

const TYPE_REF: &str = "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";

fn named(t: &Value) -> String {
    let mut t = t;
    while t["name"].is_null() && !t["ofType"].is_null() {
        t = &t["ofType"];
    }
    t["name"].as_str().unwrap_or_default().to_owned()
}

async fn root_fields(client: &reqwest::Client, url: &str) -> AppResult<RootFields> {
    let q = format!(
        "{{ __schema {{ queryType {{ fields {{ name args {{ name }} type {{ ...T }} }} }} }} }} {TYPE_REF}"
    );
    let data = query(client, url, &q, json!({})).await?;
    let mut out = HashMap::new();
    for f in data["__schema"]["queryType"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let args = f["args"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str().map(str::to_owned))
            .collect();
        out.insert(
            f["name"].as_str().unwrap_or_default().to_owned(),
            (args, named(&f["type"])),
        );
    }
    Ok(RootFields(out))
}

/// What introspection says about one named type.
struct TypeInfo {
    kind: String,
    fields: HashMap<String, String>,
    possible: Vec<String>,
}

async fn type_info(client: &reqwest::Client, url: &str, name: &str) -> AppResult<TypeInfo> {
    let q = format!(
        "query($n: String!) {{ __type(name: $n) {{ kind fields {{ name type {{ ...T }} }} possibleTypes {{ name }} }} }} {TYPE_REF}"
    );
    let data = query(client, url, &q, json!({ "n": name })).await?;
    let t = &data["__type"];
    Ok(TypeInfo {
        kind: t["kind"].as_str().unwrap_or_default().to_owned(),
        fields: t["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["name"].as_str().unwrap_or_default().to_owned(),
                    named(&f["type"]),
                )
            })
            .collect(),
        possible: t["possibleTypes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect(),
    })
}

/// A selection that loads each result's identity: `__typename` plus `slug name` of skills,
/// frameworks and roles, through fragments for unions and interfaces.
async fn item_selection(
    client: &reqwest::Client,
    url: &str,
    name: &str,
    depth: usize,
) -> AppResult<String> {
    let t = type_info(client, url, name).await?;
    let mut sel = String::from("__typename");
    match t.kind.as_str() {
        "UNION" | "INTERFACE" => {
            for p in ["Skill", "Framework", "Role"] {
                if t.possible.iter().any(|x| x == p) {
                    sel.push_str(&format!(" ... on {p} {{ slug name }}"));
                }
            }
        }
        "OBJECT" => {
            for f in ["slug", "name"] {
                if t.fields.contains_key(f) {
                    sel.push(' ');
                    sel.push_str(f);
                }
            }
            // A hit wrapping its entity, e.g. `{ score node { … } }`.
            if depth > 0 {
                for f in ["node", "item", "entity"] {
                    if let Some(inner) = t.fields.get(f) {
                        let s = Box::pin(item_selection(client, url, inner, depth - 1)).await?;
                        sel.push_str(&format!(" {f} {{ {s} }}"));
                    }
                }
            }
        }
        _ => return Ok(String::new()),
    }
    Ok(sel)
}

/// The selection for a field returning `name`: a connection's nodes (or edges' nodes), a list
/// or a single result.
async fn result_selection(client: &reqwest::Client, url: &str, name: &str) -> AppResult<String> {
    let t = type_info(client, url, name).await?;
    if t.kind == "OBJECT" {
        if let Some(item) = t.fields.get("nodes") {
            let s = item_selection(client, url, item, 1).await?;
            return Ok(format!("{{ nodes {{ {s} }} }}"));
        }
        if let Some(edge) = t.fields.get("edges") {
            let s = item_selection(client, url, edge, 1).await?;
            return Ok(format!("{{ edges {{ {s} }} }}"));
        }
    }
    let s = item_selection(client, url, name, 1).await?;
    Ok(if s.is_empty() {
        s
    } else {
        format!("{{ {s} }}")
    })
}

/// Ids, slugs and the deep cursor, read from the server itself.
pub struct Pools {
    pub skill_ids: Vec<String>,
    pub skill_slugs: Vec<String>,
    pub node_ids: Vec<String>,
    pub deep_cursor: Option<String>,
    pub deep_offset: usize,
}

/// Walks `skills` 100 at a time to about `deep` skills in, collecting ids and slugs on the way.
pub async fn pools(client: &reqwest::Client, url: &str, deep: usize) -> AppResult<Pools> {
    let mut p = Pools {
        skill_ids: Vec::new(),
        skill_slugs: Vec::new(),
        node_ids: Vec::new(),
        deep_cursor: None,
        deep_offset: 0,
    };
    let mut after: Option<String> = None;
    while p.skill_ids.len() < deep {
        let data = query(
            client,
            url,
            "query($after: String) { skills(first: 100, after: $after) { nodes { id slug } pageInfo { endCursor hasNextPage } } }",
            json!({ "after": after }),
        )
        .await?;
        let conn = &data["skills"];
        for n in conn["nodes"].as_array().into_iter().flatten() {
            if let (Some(id), Some(slug)) = (n["id"].as_str(), n["slug"].as_str()) {
                p.skill_ids.push(id.to_owned());
                p.skill_slugs.push(slug.to_owned());
            }
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        if after.is_none() || conn["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
    }
    p.deep_offset = p.skill_ids.len();
    p.deep_cursor = after;
    let data = query(
        client,
        url,
        "{ roles(first: 100) { nodes { id } } frameworks(first: 60) { nodes { id } } }",
        json!({}),
    )
    .await?;
    p.node_ids = p.skill_ids.iter().take(2_000).cloned().collect();
    for list in ["roles", "frameworks"] {
        for n in data[list]["nodes"].as_array().into_iter().flatten() {
            if let Some(id) = n["id"].as_str() {
                p.node_ids.push(id.to_owned());
            }
        }
    }
    Ok(p)
}

/// Terms a person would search for: the words skill names are made of, and some pairs.
fn search_terms() -> Vec<String> {
    use crate::bench::graph::{NOUNS, VERBS};
    let mut terms: Vec<String> = NOUNS.iter().map(|w| (*w).to_owned()).collect();
    for (i, v) in VERBS.iter().enumerate() {
        terms.push(format!("{v} {}", NOUNS[(i * 7) % NOUNS.len()]));
    }
    terms
}

fn fixed(key: &'static str, q: &str) -> Planned {
    Planned::Run(Scenario {
        key,
        query: q.to_owned(),
        bodies: vec![body(q, json!({}))],
    })
}

fn each(key: &'static str, q: &str, var: &str, values: &[String]) -> Planned {
    if values.is_empty() {
        return Planned::Skip {
            key,
            reason: "no values to query with".into(),
        };
    }
    Planned::Run(Scenario {
        key,
        query: q.to_owned(),
        bodies: values.iter().map(|v| body(q, json!({ var: v }))).collect(),
    })
}

/// The scenarios for this server, those whose fields it lacks skipped with the reason.
pub async fn plan(
    client: &reqwest::Client,
    url: &str,
    pools: &Pools,
    wanted: &[String],
) -> AppResult<Vec<Planned>> {
    let root = root_fields(client, url).await?;
    let mut out = Vec::new();
    for (key, _) in ALL {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == key) {
            continue;
        }
        let planned = match *key {
            "list" => fixed(key, LIST),
            "nested" => fixed(key, NESTED),
            "roles-skills-frameworks" => fixed(key, ROLES_SKILLS_FRAMEWORKS),
            "deep-page" => match &pools.deep_cursor {
                Some(c) => Planned::Run(Scenario {
                    key,
                    query: DEEP_PAGE.to_owned(),
                    bodies: vec![body(DEEP_PAGE, json!({ "after": c }))],
                }),
                None => Planned::Skip {
                    key,
                    reason: "too few skills for a deep page".into(),
                },
            },
            "skill-by-id" => each(key, SKILL_BY_ID, "id", &pools.skill_ids),
            "skill-by-slug" => each(key, SKILL_BY_SLUG, "slug", &pools.skill_slugs),
            "search" => match root.0.get("search") {
                None => Planned::Skip {
                    key,
                    reason: "the schema has no `search` field".into(),
                },
                Some((args, _)) if !args.iter().any(|a| a == "query") => Planned::Skip {
                    key,
                    reason: "`search` has no `query` argument".into(),
                },
                Some((args, ty)) => {
                    let sel = result_selection(client, url, ty).await?;
                    let first = if args.iter().any(|a| a == "first") {
                        ", first: 20"
                    } else {
                        ""
                    };
                    let q =
                        format!("query Search($q: String!) {{ search(query: $q{first}) {sel} }}");
                    each(key, &q, "q", &search_terms())
                }
            },
            "node" => match root.0.get("node") {
                None => Planned::Skip {
                    key,
                    reason: "the schema has no `node` field".into(),
                },
                Some((_, ty)) => {
                    let sel = result_selection(client, url, ty).await?;
                    let q = format!("query Node($id: ID!) {{ node(id: $id) {sel} }}");
                    each(key, &q, "id", &pools.node_ids)
                }
            },
            _ => continue,
        };
        out.push(planned);
    }
    Ok(out)
}
