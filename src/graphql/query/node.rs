use crate::graphql::error::ToGraphql;
use std::collections::HashMap;

use async_graphql::{Context, Object, ID};

use crate::{
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{decode_global_id, Framework, JobPosting, Node, NodeType, Role, Skill},
    },
};

/// `nodes` takes at most this many ids.
const MAX_IDS: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

fn parse(id: &ID) -> Result<(NodeType, i64), AppError> {
    decode_global_id(id)
        .ok_or_else(|| AppError::Validation(format!("'{}' is not a global id", id.as_str())))
}

/// Loads nodes of every type through the by-id loaders: one statement per type, whatever the count.
async fn load(
    ctx: &Context<'_>,
    ids: &[(NodeType, i64)],
) -> async_graphql::Result<HashMap<(NodeType, i64), Node>> {
    let loaders = ctx.data::<Loaders>()?;
    let of = |t: NodeType| {
        ids.iter()
            .filter(move |(x, _)| *x == t)
            .map(|(_, id)| *id)
            .collect::<Vec<_>>()
    };
    let (skills, frameworks, roles, postings) = futures_util::try_join!(
        loaders.skill_by_id.load_many(of(NodeType::Skill)),
        loaders.framework_by_id.load_many(of(NodeType::Framework)),
        loaders.role_by_id.load_many(of(NodeType::Role)),
        loaders.posting_by_id.load_many(of(NodeType::JobPosting)),
    )
    .map_err(|e| e.to_graphql())?;
    let mut out = HashMap::new();
    out.extend(
        skills
            .into_iter()
            .map(|(id, m)| ((NodeType::Skill, id), Node::Skill(Skill(m)))),
    );
    out.extend(
        frameworks
            .into_iter()
            .map(|(id, m)| ((NodeType::Framework, id), Node::Framework(Framework(m)))),
    );
    out.extend(
        roles
            .into_iter()
            .map(|(id, m)| ((NodeType::Role, id), Node::Role(Role(m)))),
    );
    out.extend(
        postings
            .into_iter()
            .map(|(id, m)| ((NodeType::JobPosting, id), Node::JobPosting(JobPosting(m)))),
    );
    Ok(out)
}

#[Object]
impl NodeQuery {
    /// Any skill, framework, role or job posting by its global id; null when it does not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as every `id` field gives it.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let key = parse(&id)?;
        Ok(load(ctx, &[key]).await?.remove(&key))
    }

    /// Several nodes at once (at most 100), in the order asked, null where one does not exist.
    #[graphql(complexity = "1 + ids.len() * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(AppError::Validation(format!(
                "`nodes` takes at most {MAX_IDS} ids, got {}",
                ids.len()
            ))
            .into());
        }
        let keys = ids.iter().map(parse).collect::<Result<Vec<_>, _>>()?;
        let found = load(ctx, &keys).await?;
        Ok(keys.iter().map(|k| found.get(k).map(clone_node)).collect())
    }
}

fn clone_node(n: &Node) -> Node {
    match n {
        Node::Skill(s) => Node::Skill(s.clone()),
        Node::Framework(f) => Node::Framework(f.clone()),
        Node::Role(r) => Node::Role(r.clone()),
        Node::JobPosting(p) => Node::JobPosting(p.clone()),
    }
}
