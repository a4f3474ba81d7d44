//! `normalizeTitle` / `normalizeTitles`: job titles → ranked roles (see `catalog::titles`).
use async_graphql::{Context, Object, SimpleObject};

use crate::{
    catalog::titles::{self, Normalized},
    error::AppError,
    graphql::{error::ToGraphql, loaders::Loaders, types::Role, ContextExt},
};

#[derive(Default)]
pub struct TitleQuery;

/// A role a job title names.
#[derive(SimpleObject)]
pub struct TitleMatch {
    /// The role.
    pub role: Role,
    /// 0 to 1: above 0.5 every word of the matched label is in the title; 1 is the whole title.
    pub score: f64,
    /// The role name or alias that matched.
    pub matched_label: String,
}

/// A job title read: the roles it names, best first, and the words set aside.
#[derive(SimpleObject)]
pub struct TitleNormalization {
    /// The title as advertised.
    pub title: String,
    /// The roles it names, best first.
    pub matches: Vec<TitleMatch>,
    /// Senior, Sr., Junior, Lead, II…
    pub seniority_words: Vec<String>,
    /// Full-time, contract, freelance, internship…
    pub employment_words: Vec<String>,
    /// Places and work modes: Berlin, Remote, Hybrid…
    pub location_words: Vec<String>,
    /// Gender markers (m/f/d), stop words, numbers, the company after `@`.
    pub other_words: Vec<String>,
}

fn check_first(first: i32) -> Result<usize, AppError> {
    if (1..=titles::MAX_MATCHES as i32).contains(&first) {
        Ok(first as usize)
    } else {
        Err(AppError::Validation(format!(
            "`first` must be between 1 and {}, got {first}",
            titles::MAX_MATCHES
        )))
    }
}

async fn answer(
    ctx: &Context<'_>,
    list: Vec<String>,
    first: i32,
) -> async_graphql::Result<Vec<TitleNormalization>> {
    let first = check_first(first)?;
    let state = ctx.state()?;
    let read = titles::normalize_all(&state.db, &state.titles, &list, first).await?;
    let ids: Vec<i64> = read
        .iter()
        .flat_map(|n| n.matches.iter().map(|m| m.role_id))
        .collect();
    let roles = ctx
        .data::<Loaders>()?
        .role_by_id
        .load_many(ids)
        .await
        .map_err(|e| e.to_graphql())?;
    Ok(read
        .into_iter()
        .map(|n: Normalized| TitleNormalization {
            title: n.title,
            // A role deleted since the index was built is left out.
            matches: n
                .matches
                .into_iter()
                .filter_map(|m| {
                    Some(TitleMatch {
                        role: Role(roles.get(&m.role_id)?.clone()),
                        score: m.score,
                        matched_label: m.label,
                    })
                })
                .collect(),
            seniority_words: n.seniority,
            employment_words: n.employment,
            location_words: n.location,
            other_words: n.other,
        })
        .collect())
}

#[Object]
impl TitleQuery {
    /// Reads a free-text job title ("Sr. Python Backend Engineer (m/f/d) – Remote"): the roles it
    /// names, ranked with a score and the label that matched, and the seniority, employment and
    /// location words set aside. Matches role names and aliases (the catalog's titles, ESCO's
    /// alternative labels and O*NET's reported titles once imported).
    #[graphql(complexity = "1 + first.clamp(1, 20) as usize * child_complexity")]
    async fn normalize_title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A free-text job title, as a posting gives it.")] title: String,
        #[graphql(default = 5, desc = "How many roles at most, 1–20.")] first: i32,
    ) -> async_graphql::Result<TitleNormalization> {
        let mut v = answer(ctx, vec![title], first).await?;
        v.pop()
            .ok_or_else(|| AppError::Internal("no answer for the title".into()).into())
    }

    /// `normalizeTitle` for up to 100 titles at once, in the order given.
    #[graphql(complexity = "1 + titles.len() * first.clamp(1, 20) as usize * child_complexity")]
    async fn normalize_titles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Free-text job titles, at most 100.")] titles: Vec<String>,
        #[graphql(default = 3, desc = "How many roles at most per title, 1–20.")] first: i32,
    ) -> async_graphql::Result<Vec<TitleNormalization>> {
        answer(ctx, titles, first).await
    }
}
