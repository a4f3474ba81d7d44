//! The nodes paths walk: skills and frameworks, one id space for both.
//!
//! A framework takes part in the computed answers like a skill. Its one prerequisite is its
//! language (Django needs Python); the skills it lists (`framework_skill`) are what it uses or
//! teaches, not what must come first, so they are not prerequisites. A slug given without a type
//! names a skill when a skill has it, else a framework.
use std::collections::{HashMap, HashSet};

use entity::{framework, skill};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::store::RowSource;
use crate::{
    catalog::EntityRef,
    db::stmt,
    error::{AppError, AppResult},
    paths::{id_in, rows_by_ids, text_in, MAX_KNOWN},
};

/// A node by id: a skill or a framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Skill(i64),
    Framework(i64),
}

impl Node {
    pub fn skill_id(self) -> Option<i64> {
        match self {
            Node::Skill(id) => Some(id),
            Node::Framework(_) => None,
        }
    }

    pub fn framework_id(self) -> Option<i64> {
        match self {
            Node::Framework(id) => Some(id),
            Node::Skill(_) => None,
        }
    }
}

/// A node's row.
#[derive(Clone, Debug)]
pub enum NodeModel {
    Skill(skill::Model),
    Framework(framework::Model),
}

impl NodeModel {
    pub fn node(&self) -> Node {
        match self {
            NodeModel::Skill(m) => Node::Skill(m.id),
            NodeModel::Framework(m) => Node::Framework(m.id),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            NodeModel::Skill(m) => &m.name,
            NodeModel::Framework(m) => &m.name,
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            NodeModel::Skill(m) => &m.slug,
            NodeModel::Framework(m) => &m.slug,
        }
    }

    /// The language a framework is written in; None for a skill.
    pub fn language(&self) -> Option<i64> {
        match self {
            NodeModel::Skill(_) => None,
            NodeModel::Framework(m) => Some(m.language_id),
        }
    }
}

/// How a caller names a node: by a typed id, or by a slug of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeRef {
    Skill(EntityRef),
    Framework(EntityRef),
    /// A slug: a skill's when a skill has it, else a framework's.
    Slug(String),
}

impl std::fmt::Display for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeRef::Skill(r) | NodeRef::Framework(r) => write!(f, "{r}"),
            NodeRef::Slug(s) => write!(f, "'{s}'"),
        }
    }
}

/// Rows of `table` named by ids or slugs, in one statement.
async fn find<M: FromQueryResult + Clone + Send + Sync + 'static>(
    db: &impl ConnectionTrait,
    table: &str,
    ids: &[i64],
    slugs: &[String],
) -> AppResult<Vec<M>> {
    if ids.is_empty() && slugs.is_empty() {
        return Ok(Vec::new());
    }
    // A read-only request may be answered from memory (`store::answers`), like a lookup.
    let key = || format!("{table}:find:{ids:?}:{slugs:?}");
    crate::store::answers::through(key, Vec::len, async {
        let backend = db.get_database_backend();
        let (by_id_sql, ids_value) = id_in(backend, "t.id", ids);
        let (by_slug_sql, slugs_value) = text_in(backend, "t.slug", slugs);
        // Two arms rather than one OR, so that each uses its index.
        let sql = format!(
            "SELECT t.* FROM {table} t WHERE {by_id_sql} UNION ALL SELECT t.* FROM {table} t WHERE {by_slug_sql}"
        );
        let rows = db
            .query_all_raw(stmt(backend, &sql, vec![ids_value, slugs_value]))
            .await?;
        rows.iter()
            .map(|r| M::from_query_result(r, "").map_err(Into::into))
            .collect()
    })
    .await
}

/// Looks up many nodes in the order given, without duplicates: one statement for the skills,
/// and one for the frameworks only when a framework is named or a slug is no skill's. Every
/// ref must exist: the missing ones are named in a NOT_FOUND error.
pub async fn resolve_nodes(
    db: &impl ConnectionTrait,
    refs: &[NodeRef],
) -> AppResult<Vec<NodeModel>> {
    if refs.len() > MAX_KNOWN {
        return Err(AppError::Validation(format!(
            "at most {MAX_KNOWN} skills or frameworks may be given, got {}",
            refs.len()
        )));
    }
    let mut skill_ids = Vec::new();
    let mut skill_slugs = Vec::new();
    let mut fw_ids = Vec::new();
    let mut fw_slugs = Vec::new();
    for r in refs {
        match r {
            NodeRef::Skill(EntityRef::Id(id)) => skill_ids.push(*id),
            NodeRef::Skill(EntityRef::Slug(s)) | NodeRef::Slug(s) => skill_slugs.push(s.clone()),
            NodeRef::Framework(EntityRef::Id(id)) => fw_ids.push(*id),
            NodeRef::Framework(EntityRef::Slug(s)) => fw_slugs.push(s.clone()),
        }
    }
    let skills: Vec<skill::Model> = find(db, "skill", &skill_ids, &skill_slugs).await?;
    let skill_by_slug: HashMap<&str, &skill::Model> =
        skills.iter().map(|m| (m.slug.as_str(), m)).collect();
    let skill_by_id: HashMap<i64, &skill::Model> = skills.iter().map(|m| (m.id, m)).collect();
    for r in refs {
        if let NodeRef::Slug(s) = r {
            if !skill_by_slug.contains_key(s.as_str()) {
                fw_slugs.push(s.clone());
            }
        }
    }
    let frameworks: Vec<framework::Model> = find(db, "framework", &fw_ids, &fw_slugs).await?;
    let fw_by_slug: HashMap<&str, &framework::Model> =
        frameworks.iter().map(|m| (m.slug.as_str(), m)).collect();
    let fw_by_id: HashMap<i64, &framework::Model> = frameworks.iter().map(|m| (m.id, m)).collect();

    let mut out = Vec::with_capacity(refs.len());
    let mut seen = HashSet::new();
    let mut missing = Vec::new();
    for r in refs {
        let found = match r {
            NodeRef::Skill(EntityRef::Id(id)) => {
                skill_by_id.get(id).map(|m| NodeModel::Skill((*m).clone()))
            }
            NodeRef::Skill(EntityRef::Slug(s)) => skill_by_slug
                .get(s.as_str())
                .map(|m| NodeModel::Skill((*m).clone())),
            NodeRef::Framework(EntityRef::Id(id)) => {
                fw_by_id.get(id).map(|m| NodeModel::Framework((*m).clone()))
            }
            NodeRef::Framework(EntityRef::Slug(s)) => fw_by_slug
                .get(s.as_str())
                .map(|m| NodeModel::Framework((*m).clone())),
            NodeRef::Slug(s) => match skill_by_slug.get(s.as_str()) {
                Some(m) => Some(NodeModel::Skill((*m).clone())),
                None => fw_by_slug
                    .get(s.as_str())
                    .map(|m| NodeModel::Framework((*m).clone())),
            },
        };
        match found {
            Some(m) => {
                if seen.insert(m.node()) {
                    out.push(m);
                }
            }
            None => missing.push(r.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(AppError::NotFound(format!(
            "skill or framework {} not found",
            missing.join(", ")
        )));
    }
    Ok(out)
}

/// The rows of many nodes, in two statements at most (none for no ids of a kind).
pub async fn node_models(
    db: &impl RowSource,
    nodes: impl IntoIterator<Item = Node>,
) -> AppResult<HashMap<Node, NodeModel>> {
    let mut skill_ids = Vec::new();
    let mut fw_ids = Vec::new();
    for n in nodes {
        match n {
            Node::Skill(id) => skill_ids.push(id),
            Node::Framework(id) => fw_ids.push(id),
        }
    }
    for v in [&mut skill_ids, &mut fw_ids] {
        v.sort_unstable();
        v.dedup();
    }
    let skills: HashMap<i64, skill::Model> =
        rows_by_ids(db, "skill", &skill_ids, |m: &skill::Model| m.id).await?;
    let fws: HashMap<i64, framework::Model> =
        rows_by_ids(db, "framework", &fw_ids, |m: &framework::Model| m.id).await?;
    let mut out: HashMap<Node, NodeModel> = skills
        .into_values()
        .map(|m| (Node::Skill(m.id), NodeModel::Skill(m)))
        .collect();
    out.extend(
        fws.into_values()
            .map(|m| (Node::Framework(m.id), NodeModel::Framework(m))),
    );
    Ok(out)
}

/// A row of `models`, or an INTERNAL error naming what vanished (rows read in one request
/// missing later means the graph changed underneath).
pub fn model_of(
    models: &HashMap<Node, NodeModel>,
    node: Node,
    doing: &str,
) -> AppResult<NodeModel> {
    models
        .get(&node)
        .cloned()
        .ok_or_else(|| AppError::Internal(format!("{node:?} vanished while {doing}")))
}
