//! The GraphQL requests the bench drives, and the real ids and slugs they rotate over, read
//! from the server itself after the import.
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Q1, the nested query of the performance issue: 50 roles × 20 skills × 5 broader skills.
pub const Q1_NESTED: &str = "{ roles(first: 50) { nodes { name skills(first: 20) { edges { importance node { name broader(first: 5) { nodes { name } } } } } } } }";
/// Q2, a list of 20 skills with their (long) descriptions.
pub const Q2_LIST: &str = "{ skills(first: 20) { nodes { name description } } }";
/// Q3, one role by slug (the bench rotates over every role's slug).
pub const Q3_LOOKUP: &str = "query Role($slug: String!) { role(by: { slug: $slug }) { name } }";
/// Roles → skills → frameworks: 20 × 20 × 5.
pub const ROLES_SKILLS_FRAMEWORKS: &str = "{ roles(first: 20) { nodes { name skills(first: 20) { nodes { name frameworks(first: 5) { nodes { name } } } } } } }";
/// A learning path to a role (rotating over roles).
pub const LEARNING_PATH: &str = "query Path($role: ID!) { learningPath(target: { role: { id: $role } }) { steps { position requirement node { name } } } }";
/// Related skills of one of the most demanded skills (rotating over them).
pub const RELATED_SKILLS: &str = "query Related($skill: ID!) { relatedSkills(skill: { id: $skill }, first: 10) { score node { name } } }";

/// The same shapes in the schema PostGraphile 5 generates from the same tables (the amber
/// preset with simplified inflection, `bench/postgraphile/graphile.config.mjs`), in its own
/// default orders (primary keys, where skillgraph orders by slug): what a team gets from
/// pointing a generic engine at this database.
pub mod postgraphile {
    pub const Q1_NESTED: &str = "{ roles(first: 50) { nodes { name roleSkills(first: 20) { nodes { importance skill { name skillBroaders(first: 5) { nodes { broader { name } } } } } } } } }";
    pub const Q2_LIST: &str = "{ skills(first: 20) { nodes { name description } } }";
    pub const Q3_LOOKUP: &str = "query Role($slug: String!) { roleBySlug(slug: $slug) { name } }";
    pub const ROLES_SKILLS_FRAMEWORKS: &str = "{ roles(first: 20) { nodes { name roleSkills(first: 20) { nodes { skill { name frameworkSkills(first: 5) { nodes { framework { name } } } } } } } } }";
}

/// Which server the requests are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Skillgraph,
    PostGraphile,
}

/// Every scenario, in the order they run: (key, label).
pub const ALL: &[(&str, &str)] = &[
    ("q1", "Q1 nested roles×skills×broader 50×20×5"),
    ("q2", "Q2 skills(first: 20) name description"),
    ("q3", "Q3 role(slug:) name, every role"),
    ("rsf", "roles→skills→frameworks 20×20×5"),
    ("learning-path", "learningPath(target: role)"),
    ("related-skills", "relatedSkills, 50 most demanded skills"),
];

pub fn label(key: &str) -> &'static str {
    ALL.iter().find(|(k, _)| *k == key).map_or("?", |(_, l)| *l)
}

/// A request body.
pub fn body(query: &str, variables: Value) -> String {
    json!({ "query": query, "variables": variables }).to_string()
}

/// Sends one GraphQL request and returns `data`, failing on any error.
pub async fn query(
    client: &reqwest::Client,
    url: &str,
    q: &str,
    variables: Value,
) -> Result<Value> {
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(body(q, variables))
        .send()
        .await
        .context("POST /graphql")?;
    let status = resp.status();
    let bytes = resp.bytes().await.context("POST /graphql")?;
    let v: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("POST /graphql ({status}): not JSON"))?;
    if let Some(errors) = v.get("errors") {
        bail!("answered {status} with errors: {errors}");
    }
    Ok(v["data"].clone())
}

/// Real ids and slugs to rotate over.
pub struct Pools {
    pub role_ids: Vec<String>,
    pub role_slugs: Vec<String>,
    pub top_skill_ids: Vec<String>,
}

/// Walks every role, 100 at a time, and reads the 50 skills most roles require.
pub async fn pools(client: &reqwest::Client, url: &str) -> Result<Pools> {
    let mut p = Pools {
        role_ids: Vec::new(),
        role_slugs: Vec::new(),
        top_skill_ids: Vec::new(),
    };
    let mut after: Option<String> = None;
    loop {
        let data = query(
            client,
            url,
            "query($after: String) { roles(first: 100, after: $after) { nodes { id slug } pageInfo { endCursor hasNextPage } } }",
            json!({ "after": after }),
        )
        .await?;
        let page = &data["roles"];
        for n in page["nodes"].as_array().into_iter().flatten() {
            if let (Some(id), Some(slug)) = (n["id"].as_str(), n["slug"].as_str()) {
                p.role_ids.push(id.to_owned());
                p.role_slugs.push(slug.to_owned());
            }
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        if after.is_none() || page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
    }
    let data = query(
        client,
        url,
        "{ skills(first: 50, orderBy: { field: POPULARITY, direction: DESC }) { nodes { id } } }",
        json!({}),
    )
    .await?;
    p.top_skill_ids = data["skills"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(str::to_owned))
        .collect();
    Ok(p)
}

/// A scenario ready to drive: one of its bodies is picked at random per request.
pub struct Scenario {
    pub key: &'static str,
    pub query: &'static str,
    pub bodies: Vec<String>,
    /// Why it is not run on this server.
    pub skip: Option<&'static str>,
}

fn each(key: &'static str, q: &'static str, var: &str, values: &[String]) -> Scenario {
    Scenario {
        key,
        query: q,
        bodies: values.iter().map(|v| body(q, json!({ var: v }))).collect(),
        skip: None,
    }
}

/// The scenarios wanted (all when `wanted` is empty), written for `dialect`; one with no
/// values to rotate over has no bodies and is reported as skipped, as is one the dialect has
/// no counterpart for (PostGraphile computes no learning paths or related skills).
pub fn plan(pools: &Pools, wanted: &[String], dialect: Dialect) -> Vec<Scenario> {
    ALL.iter()
        .filter(|(k, _)| wanted.is_empty() || wanted.iter().any(|w| w == k))
        .map(|&(key, _)| {
            let fixed = |q: &'static str| Scenario {
                key,
                query: q,
                bodies: vec![body(q, json!({}))],
                skip: None,
            };
            let none = || Scenario {
                key,
                query: "",
                bodies: Vec::new(),
                skip: Some("no counterpart in PostGraphile's generated schema"),
            };
            match (dialect, key) {
                (Dialect::Skillgraph, "q1") => fixed(Q1_NESTED),
                (Dialect::Skillgraph, "q2") => fixed(Q2_LIST),
                (Dialect::Skillgraph, "q3") => each(key, Q3_LOOKUP, "slug", &pools.role_slugs),
                (Dialect::Skillgraph, "rsf") => fixed(ROLES_SKILLS_FRAMEWORKS),
                (Dialect::Skillgraph, "learning-path") => {
                    each(key, LEARNING_PATH, "role", &pools.role_ids)
                }
                (Dialect::Skillgraph, _) => {
                    each(key, RELATED_SKILLS, "skill", &pools.top_skill_ids)
                }
                (Dialect::PostGraphile, "q1") => fixed(postgraphile::Q1_NESTED),
                (Dialect::PostGraphile, "q2") => fixed(postgraphile::Q2_LIST),
                (Dialect::PostGraphile, "q3") => {
                    each(key, postgraphile::Q3_LOOKUP, "slug", &pools.role_slugs)
                }
                (Dialect::PostGraphile, "rsf") => fixed(postgraphile::ROLES_SKILLS_FRAMEWORKS),
                (Dialect::PostGraphile, _) => none(),
            }
        })
        .collect()
}

/// How many named objects an answer holds (objects with a `name`).
pub fn count_named(v: &Value) -> usize {
    match v {
        Value::Object(m) => {
            usize::from(m.contains_key("name")) + m.values().map(count_named).sum::<usize>()
        }
        Value::Array(a) => a.iter().map(count_named).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_rotate_over_real_values_and_keep_the_order() {
        let pools = Pools {
            role_ids: vec!["r1".into(), "r2".into()],
            role_slugs: vec!["a".into(), "b".into(), "c".into()],
            top_skill_ids: vec![],
        };
        let all = plan(&pools, &[], Dialect::Skillgraph);
        let keys: Vec<_> = all.iter().map(|s| s.key).collect();
        assert_eq!(
            keys,
            ["q1", "q2", "q3", "rsf", "learning-path", "related-skills"]
        );
        assert_eq!(all[2].bodies.len(), 3);
        assert!(
            all[2].bodies[1].contains(r#""slug":"b""#),
            "{}",
            all[2].bodies[1]
        );
        assert_eq!(all[4].bodies.len(), 2);
        assert!(all[5].bodies.is_empty());
        let some = plan(&pools, &["q2".into()], Dialect::Skillgraph);
        assert_eq!(some.len(), 1);
        assert_eq!(some[0].query, Q2_LIST);
        let rival = plan(&pools, &[], Dialect::PostGraphile);
        assert_eq!(rival.len(), 6);
        assert!(rival[..4].iter().all(|s| s.skip.is_none()));
        assert!(rival[2].bodies[0].contains("roleBySlug") && rival[2].bodies.len() == 3);
        assert!(rival[4..]
            .iter()
            .all(|s| s.skip.is_some() && s.bodies.is_empty()));
    }

    #[test]
    fn named_objects_are_counted() {
        let v =
            json!({"roles":{"nodes":[{"name":"a","skills":{"edges":[{"node":{"name":"b"}}]}}]}});
        assert_eq!(count_named(&v), 2);
    }
}
