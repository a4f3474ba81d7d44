//! Salary by skill: what postings asking for a skill (or framework) pay against the same scope
//! without it, per currency (never mixing currencies), with a minimum sample on each side.
//!
//! Each posting counts once, at the midpoint of its annualised range (as `market.salaries`);
//! "asks for" means the posting lists the node, required or preferred. The postings come from
//! one bounded statement ([`salary_rows`]); the percentiles are computed here, so both engines
//! give identical answers. Below the minimum sample on a side, that side's
//! percentiles and the difference are withheld (null) and the status says which side is short:
//! a currency with too few postings does not hide the answer for another currency.
use std::collections::{BTreeMap, BTreeSet};

use sea_orm::ConnectionTrait;

use crate::{
    catalog::pages::Filter,
    error::AppResult,
    market::analytics::{percentile, round, salary_rows, SalaryRead},
    paths::node::Node,
};

/// The minimum sample on each side when the caller gives none.
pub const DEFAULT_MIN_POSTINGS: u64 = 30;

/// Whether a currency's comparison was measured, and if not which side is short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleStatus {
    Measured,
    TooFewWith,
    TooFewWithout,
    TooFewBoth,
}

/// One side of a comparison: its postings with a salary, and their quartiles (None below the
/// minimum sample).
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub postings: u64,
    pub p25: Option<f64>,
    pub median: Option<f64>,
    pub p75: Option<f64>,
}

/// The comparison in one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrencyComparison {
    pub currency: String,
    pub status: SampleStatus,
    pub with: Side,
    pub without: Side,
    /// Median with − median without, rounded to cents; None unless measured.
    pub difference: Option<f64>,
    /// Median with / median without, four decimals; None unless measured.
    pub ratio: Option<f64>,
    /// The sources of the postings counted in this currency (both sides), sorted.
    pub sources: Vec<String>,
}

impl CurrencyComparison {
    /// Why the difference is (or is not) given, in words.
    pub fn reason(&self, min: u64) -> String {
        let (w, wo) = (self.with.postings, self.without.postings);
        match self.status {
            SampleStatus::Measured => {
                format!("{w} postings with it and {wo} without, each at least the minimum of {min}")
            }
            SampleStatus::TooFewWith => format!(
                "only {w} postings in {} ask for it; at least {min} are needed",
                self.currency
            ),
            SampleStatus::TooFewWithout => format!(
                "only {wo} postings in {} do not ask for it; at least {min} are needed",
                self.currency
            ),
            SampleStatus::TooFewBoth => format!(
                "only {w} postings in {} ask for it and {wo} do not; at least {min} are needed \
                 on each side",
                self.currency
            ),
        }
    }
}

/// The comparison in every currency of the scope.
#[derive(Clone, Debug, PartialEq)]
pub struct SkillSalary {
    pub min_postings: u64,
    /// By currency code.
    pub currencies: Vec<CurrencyComparison>,
    /// The sources of every posting counted, sorted.
    pub sources: Vec<String>,
}

fn side(sorted: &[f64], min: u64) -> Side {
    let enough = sorted.len() as u64 >= min && !sorted.is_empty();
    let q = |p: f64| {
        if enough {
            percentile(sorted, p).map(|x| round(x, 2))
        } else {
            None
        }
    };
    Side {
        postings: sorted.len() as u64,
        p25: q(0.25),
        median: q(0.5),
        p75: q(0.75),
    }
}

/// Compares postings in `scope` asking for `node` with those that do not, per currency: one
/// statement. `min_postings` (at least 1) is the sample each side needs.
pub async fn salary_by_skill(
    db: &impl ConnectionTrait,
    scope: &Filter,
    node: Node,
    min_postings: u64,
) -> AppResult<SkillSalary> {
    let min = min_postings.max(1);
    let (edge, col, id) = match node {
        Node::Skill(id) => ("posting_skill", "skill_id", id),
        Node::Framework(id) => ("posting_framework", "framework_id", id),
    };
    let select = format!(
        ", t.source AS source, CASE WHEN EXISTS (SELECT 1 FROM {edge} e \
         WHERE e.posting_id = t.id AND e.{col} = ?) THEN 1 ELSE 0 END AS has"
    );
    let rows = salary_rows(
        db,
        scope,
        SalaryRead {
            select: &select,
            head: vec![id.into()],
            ..SalaryRead::default()
        },
    )
    .await?;
    // currency → (with, without, sources)
    type Acc = (Vec<f64>, Vec<f64>, BTreeSet<String>);
    let mut by_currency: BTreeMap<String, Acc> = BTreeMap::new();
    let mut all_sources = BTreeSet::new();
    for r in &rows {
        let lo: f64 = r.try_get("", "lo")?;
        let hi: f64 = r.try_get("", "hi")?;
        let has: i32 = r.try_get("", "has")?;
        let source: String = r.try_get("", "source")?;
        let e = by_currency.entry(r.try_get("", "currency")?).or_default();
        let side = if has != 0 { &mut e.0 } else { &mut e.1 };
        side.push((lo + hi) / 2.0);
        e.2.insert(source.clone());
        all_sources.insert(source);
    }
    let currencies = by_currency
        .into_iter()
        .map(|(currency, (mut with, mut without, sources))| {
            with.sort_by(f64::total_cmp);
            without.sort_by(f64::total_cmp);
            let status = match (with.len() as u64 >= min, without.len() as u64 >= min) {
                (true, true) => SampleStatus::Measured,
                (false, true) => SampleStatus::TooFewWith,
                (true, false) => SampleStatus::TooFewWithout,
                (false, false) => SampleStatus::TooFewBoth,
            };
            let (with, without) = (side(&with, min), side(&without, min));
            let (difference, ratio) = match (with.median, without.median) {
                (Some(a), Some(b)) if status == SampleStatus::Measured => {
                    (Some(round(a - b, 2)), (b != 0.0).then(|| round(a / b, 4)))
                }
                _ => (None, None),
            };
            CurrencyComparison {
                currency,
                status,
                with,
                without,
                difference,
                ratio,
                sources: sources.into_iter().collect(),
            }
        })
        .collect();
    Ok(SkillSalary {
        min_postings: min,
        currencies,
        sources: all_sources.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_side_withholds_its_quartiles() {
        let s = side(&[1.0, 2.0, 3.0], 3);
        assert_eq!(s.median, Some(2.0));
        let s = side(&[1.0, 2.0], 3);
        assert_eq!((s.postings, s.median, s.p25), (2, None, None));
        assert_eq!(side(&[], 1).median, None);
    }
}
