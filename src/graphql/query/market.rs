//! Job postings: one by id, the filtered list, and skill extraction from free text.
use crate::graphql::error::ToGraphql;
use crate::graphql::ContextExt;
use async_graphql::{Context, Object, ID};

use crate::{
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{
            conn_cost,
            connection::{page_args, PageInput},
            decode_global_id,
            market::{order, JobPostingFilter, JobPostingOrder, SkillMention},
            paths::PathNode,
            Conn, Framework, JobPosting, JobPostingConnection, NodeType, Skill,
        },
    },
    market::{extract, postings},
};

#[derive(Default)]
pub struct MarketQuery;

/// The largest text `extractSkills` takes, in bytes.
const MAX_EXTRACT: usize = 1_000_000;

#[Object]
impl MarketQuery {
    /// One job posting by its global id (postings have no slug); null when there is none.
    async fn job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The posting's global id.")] id: ID,
    ) -> async_graphql::Result<Option<JobPosting>> {
        let n = match decode_global_id(&id) {
            Some((NodeType::JobPosting, n)) => n,
            _ => {
                return Err(AppError::Validation(format!(
                    "'{}' is not a JobPosting id",
                    id.as_str()
                ))
                .into())
            }
        };
        let m = ctx
            .data::<Loaders>()?
            .posting_by_id
            .load_one(n)
            .await
            .map_err(|e| e.to_graphql())?;
        Ok(m.map(JobPosting))
    }

    /// Job postings, filtered, newest first unless `orderBy` says otherwise.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn job_postings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which postings (every condition must hold).")] filter: Option<
            JobPostingFilter,
        >,
        #[graphql(desc = "The order; see the field's description for the default.")]
        order_by: Option<JobPostingOrder>,
        #[graphql(desc = "Page size forwards, 0 to 100; default 25.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (with `first`).")] after: Option<String>,
        #[graphql(desc = "Page size backwards, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (with `last`).")] before: Option<String>,
    ) -> async_graphql::Result<JobPostingConnection> {
        let db = ctx.db()?;
        let args = page_args(
            PageInput {
                first,
                after,
                last,
                before,
            },
            order(order_by),
        )?;
        let f = filter.unwrap_or_default().into_domain()?;
        let listing = postings::list(db, &f, &args).await?;
        Ok(JobPostingConnection(Conn::from_listing(listing)))
    }

    /// The skills and frameworks a text mentions (names and aliases of the catalog), with
    /// their spans (in Unicode scalar values and in UTF-16 code units). See the README for the
    /// rules on ambiguous names (Go, R, Spring, ROR).
    async fn extract_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text, at most 1,000,000 bytes.")] text: String,
    ) -> async_graphql::Result<Vec<SkillMention>> {
        if text.len() > MAX_EXTRACT {
            return Err(
                AppError::Validation(format!("text must be at most {MAX_EXTRACT} bytes")).into(),
            );
        }
        let state = ctx.state()?;
        let ex = state.extractor.get(&state.db).await?;
        let mentions = ex.extract(&text);
        let loaders = ctx.data::<Loaders>()?;
        let skill_ids: Vec<i64> = mentions
            .iter()
            .filter(|m| m.kind == extract::Kind::Skill)
            .map(|m| m.id)
            .collect();
        let fw_ids: Vec<i64> = mentions
            .iter()
            .filter(|m| m.kind == extract::Kind::Framework)
            .map(|m| m.id)
            .collect();
        let (skills, fws) = futures_util::try_join!(
            loaders.skill_by_id.load_many(skill_ids),
            loaders.framework_by_id.load_many(fw_ids),
        )
        .map_err(|e| e.to_graphql())?;
        let utf16 = utf16_offsets(&text, mentions.iter().flat_map(|m| [m.start, m.end]));
        let at = |c: usize| i32::try_from(utf16.get(&c).copied().unwrap_or(0)).unwrap_or(i32::MAX);
        // A mention of an entity deleted since the extractor was built is left out.
        Ok(mentions
            .into_iter()
            .filter_map(|m| {
                let node = match m.kind {
                    extract::Kind::Skill => PathNode::Skill(Skill(skills.get(&m.id)?.clone())),
                    extract::Kind::Framework => {
                        PathNode::Framework(Framework(fws.get(&m.id)?.clone()))
                    }
                };
                Some(SkillMention {
                    node,
                    start: i32::try_from(m.start).unwrap_or(i32::MAX),
                    end: i32::try_from(m.end).unwrap_or(i32::MAX),
                    start_utf16: at(m.start),
                    end_utf16: at(m.end),
                    text: m.text,
                })
            })
            .collect())
    }
}

/// The UTF-16 offset of each of the given character (Unicode scalar) offsets of `text`, in one
/// pass; an offset at or past the end maps to the text's UTF-16 length.
fn utf16_offsets(
    text: &str,
    chars: impl Iterator<Item = usize>,
) -> std::collections::HashMap<usize, usize> {
    let mut wanted: Vec<usize> = chars.collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = std::collections::HashMap::with_capacity(wanted.len());
    let mut next = wanted.iter().peekable();
    let mut units = 0;
    for (i, c) in text.chars().enumerate() {
        while next.peek().is_some_and(|&&w| w == i) {
            out.insert(i, units);
            next.next();
        }
        if next.peek().is_none() {
            break;
        }
        units += c.len_utf16();
    }
    for &w in next {
        out.insert(w, units);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::utf16_offsets;

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        // "😀" is one scalar value and two UTF-16 code units.
        let text = "a😀 Rust é";
        let m = utf16_offsets(text, [0, 1, 2, 3, 7, 9, 10].into_iter());
        assert_eq!(m[&0], 0);
        assert_eq!(m[&1], 1);
        assert_eq!(m[&2], 3);
        assert_eq!(m[&3], 4);
        assert_eq!(m[&7], 8);
        assert_eq!(m[&9], 10);
        assert_eq!(m[&10], 10);
    }
}
