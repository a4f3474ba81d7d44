//! Typed filters for the top-level lists, combinable with AND / OR / NOT, compiled to SQL over
//! the listed table aliased `t`. Every value is bound, never spliced into the SQL text.
use sea_orm::{DbBackend, Value};

use crate::{
    catalog::{
        pages::{EdgeSpec, Filter, Importance},
        EntityRef,
    },
    error::{AppError, AppResult},
};

/// Filters nest at most this deep and hold at most this many conditions.
const MAX_DEPTH: usize = 8;
const MAX_CONDITIONS: usize = 64;

/// A condition on skills.
#[derive(Clone, Debug)]
pub enum SkillCond {
    And(Vec<SkillCond>),
    Or(Vec<SkillCond>),
    Not(Box<SkillCond>),
    KindIn(Vec<String>),
    /// In the name or any alias, case-insensitively.
    NameContains(String),
    HasEscoId(bool),
    HasOnetId(bool),
    /// Narrower than this skill, at any distance.
    Under(EntityRef),
    RequiredByRole {
        role: EntityRef,
        min_level: Option<i32>,
        essential_only: bool,
    },
    UsedByFramework(EntityRef),
    ReleasedBetween {
        from: Option<i32>,
        to: Option<i32>,
    },
    LicenseIn(Vec<String>),
}

#[derive(Clone, Debug)]
pub enum FrameworkCond {
    And(Vec<FrameworkCond>),
    Or(Vec<FrameworkCond>),
    Not(Box<FrameworkCond>),
    LanguageIn(Vec<EntityRef>),
    CategoryIn(Vec<String>),
    ReleasedBetween { from: Option<i32>, to: Option<i32> },
    LicenseIn(Vec<String>),
    NameContains(String),
    UsesSkill(EntityRef),
}

#[derive(Clone, Debug)]
pub enum RoleCond {
    And(Vec<RoleCond>),
    Or(Vec<RoleCond>),
    Not(Box<RoleCond>),
    /// Requires every one of these skills.
    RequiresSkills(Vec<EntityRef>),
    /// Requires at least one of these skills.
    RequiresAnySkill(Vec<EntityRef>),
    UsesFramework(EntityRef),
    NameContains(String),
}

/// SQL text with its bound values.
#[derive(Default)]
struct Sql {
    text: String,
    values: Vec<Value>,
    conditions: usize,
}

impl Sql {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    fn bind(&mut self, v: impl Into<Value>) {
        self.text.push('?');
        self.values.push(v.into());
    }
    /// The id of a named entity, as SQL.
    fn entity(&mut self, table: &str, r: &EntityRef) {
        match r {
            EntityRef::Id(id) => self.bind(*id),
            EntityRef::Slug(s) => {
                self.push(&format!("(SELECT x.id FROM {table} x WHERE x.slug = "));
                self.bind(s.clone());
                self.push(")");
            }
        }
    }
    fn count(&mut self) -> AppResult<()> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(AppError::Validation(format!(
                "a filter may hold at most {MAX_CONDITIONS} conditions"
            )));
        }
        Ok(())
    }
    fn like(&mut self, column: &str, needle: &str) {
        self.push(&format!("LOWER({column}) LIKE "));
        self.bind(like_pattern(needle));
        self.push(" ESCAPE '\\'");
    }
    fn list(&mut self, items: &[String]) {
        self.push("(");
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v.clone());
        }
        self.push(")");
    }
}

/// `%needle%`, lowercased, with LIKE's wildcards escaped.
fn like_pattern(needle: &str) -> String {
    let mut p = String::from("%");
    for ch in needle.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Writes `(a AND b …)` / `(a OR b …)`; an empty AND is true, an empty OR false.
fn combine<C>(
    sql: &mut Sql,
    parts: &[C],
    op: &str,
    depth: usize,
    write: fn(&mut Sql, &C, usize) -> AppResult<()>,
) -> AppResult<()> {
    if parts.is_empty() {
        sql.push(if op == "AND" { "1 = 1" } else { "1 = 0" });
        return Ok(());
    }
    sql.push("(");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            sql.push(&format!(" {op} "));
        }
        write(sql, p, depth + 1)?;
    }
    sql.push(")");
    Ok(())
}

fn check_depth(depth: usize) -> AppResult<()> {
    if depth > MAX_DEPTH {
        Err(AppError::Validation(format!(
            "filters nest at most {MAX_DEPTH} levels deep"
        )))
    } else {
        Ok(())
    }
}

fn write_skill(sql: &mut Sql, c: &SkillCond, depth: usize) -> AppResult<()> {
    check_depth(depth)?;
    sql.count()?;
    match c {
        SkillCond::And(v) => combine(sql, v, "AND", depth, write_skill)?,
        SkillCond::Or(v) => combine(sql, v, "OR", depth, write_skill)?,
        SkillCond::Not(inner) => {
            sql.push("NOT (");
            write_skill(sql, inner, depth + 1)?;
            sql.push(")");
        }
        SkillCond::KindIn(kinds) => {
            if kinds.is_empty() {
                sql.push("1 = 0");
            } else {
                sql.push("t.kind IN ");
                sql.list(kinds);
            }
        }
        SkillCond::NameContains(n) => {
            sql.push("(");
            sql.like("t.name", n);
            sql.push(" OR EXISTS (SELECT 1 FROM skill_alias a WHERE a.skill_id = t.id AND ");
            sql.like("a.alias", n);
            sql.push("))");
        }
        SkillCond::HasEscoId(b) => sql.push(if *b {
            "t.esco_uri IS NOT NULL"
        } else {
            "t.esco_uri IS NULL"
        }),
        SkillCond::HasOnetId(b) => sql.push(if *b {
            "t.onet_name IS NOT NULL"
        } else {
            "t.onet_name IS NULL"
        }),
        SkillCond::Under(r) => {
            sql.push(
                "t.id IN (WITH RECURSIVE sg_under(id) AS (SELECT b.skill_id FROM skill_broader b WHERE b.broader_id = ",
            );
            sql.entity("skill", r);
            sql.push(
                " UNION SELECT b.skill_id FROM skill_broader b JOIN sg_under u ON b.broader_id = u.id) SELECT id FROM sg_under)",
            );
        }
        SkillCond::RequiredByRole {
            role,
            min_level,
            essential_only,
        } => {
            sql.push(
                "EXISTS (SELECT 1 FROM role_skill rs WHERE rs.skill_id = t.id AND rs.role_id = ",
            );
            sql.entity("role", role);
            if let Some(l) = min_level {
                sql.push(" AND rs.level >= ");
                sql.bind(*l);
            }
            if *essential_only {
                sql.push(" AND rs.importance = 'essential'");
            }
            sql.push(")");
        }
        SkillCond::ReleasedBetween { from, to } => released_between(sql, *from, *to),
        SkillCond::LicenseIn(l) => license_in(sql, l),
        SkillCond::UsedByFramework(f) => {
            sql.push("EXISTS (SELECT 1 FROM framework_skill fs WHERE fs.skill_id = t.id AND fs.framework_id = ");
            sql.entity("framework", f);
            sql.push(")");
        }
    }
    Ok(())
}

/// Skills and frameworks share their release facts' columns.
fn released_between(sql: &mut Sql, from: Option<i32>, to: Option<i32>) {
    sql.push("(t.first_release_year IS NOT NULL");
    if let Some(f) = from {
        sql.push(" AND t.first_release_year >= ");
        sql.bind(f);
    }
    if let Some(t) = to {
        sql.push(" AND t.first_release_year <= ");
        sql.bind(t);
    }
    sql.push(")");
}

fn license_in(sql: &mut Sql, l: &[String]) {
    if l.is_empty() {
        sql.push("1 = 0");
    } else {
        sql.push("t.license IN ");
        sql.list(l);
    }
}

fn write_framework(sql: &mut Sql, c: &FrameworkCond, depth: usize) -> AppResult<()> {
    check_depth(depth)?;
    sql.count()?;
    match c {
        FrameworkCond::And(v) => combine(sql, v, "AND", depth, write_framework)?,
        FrameworkCond::Or(v) => combine(sql, v, "OR", depth, write_framework)?,
        FrameworkCond::Not(inner) => {
            sql.push("NOT (");
            write_framework(sql, inner, depth + 1)?;
            sql.push(")");
        }
        FrameworkCond::LanguageIn(langs) => {
            if langs.is_empty() {
                sql.push("1 = 0");
            } else {
                sql.push("t.language_id IN (");
                for (i, l) in langs.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.entity("skill", l);
                }
                sql.push(")");
            }
        }
        FrameworkCond::CategoryIn(cats) => {
            if cats.is_empty() {
                sql.push("1 = 0");
            } else {
                sql.push("t.category IN ");
                sql.list(cats);
            }
        }
        FrameworkCond::ReleasedBetween { from, to } => released_between(sql, *from, *to),
        FrameworkCond::LicenseIn(l) => license_in(sql, l),
        FrameworkCond::NameContains(n) => sql.like("t.name", n),
        FrameworkCond::UsesSkill(s) => {
            sql.push("EXISTS (SELECT 1 FROM framework_skill fs WHERE fs.framework_id = t.id AND fs.skill_id = ");
            sql.entity("skill", s);
            sql.push(")");
        }
    }
    Ok(())
}

fn write_role(sql: &mut Sql, c: &RoleCond, depth: usize) -> AppResult<()> {
    check_depth(depth)?;
    sql.count()?;
    match c {
        RoleCond::And(v) => combine(sql, v, "AND", depth, write_role)?,
        RoleCond::Or(v) => combine(sql, v, "OR", depth, write_role)?,
        RoleCond::Not(inner) => {
            sql.push("NOT (");
            write_role(sql, inner, depth + 1)?;
            sql.push(")");
        }
        RoleCond::RequiresSkills(skills) | RoleCond::RequiresAnySkill(skills) => {
            let all = matches!(c, RoleCond::RequiresSkills(_));
            if skills.is_empty() {
                sql.push(if all { "1 = 1" } else { "1 = 0" });
                return Ok(());
            }
            sql.push("(");
            for (i, s) in skills.iter().enumerate() {
                if i > 0 {
                    sql.push(if all { " AND " } else { " OR " });
                }
                sql.push("EXISTS (SELECT 1 FROM role_skill rs WHERE rs.role_id = t.id AND rs.skill_id = ");
                sql.entity("skill", s);
                sql.push(")");
            }
            sql.push(")");
        }
        RoleCond::UsesFramework(f) => {
            sql.push("EXISTS (SELECT 1 FROM role_framework rf WHERE rf.role_id = t.id AND rf.framework_id = ");
            sql.entity("framework", f);
            sql.push(")");
        }
        RoleCond::NameContains(n) => sql.like("t.name", n),
    }
    Ok(())
}

fn finish(sql: Sql) -> Filter {
    Filter::default().and(&sql.text, sql.values)
}

pub fn skill_filter(_backend: DbBackend, c: &SkillCond) -> AppResult<Filter> {
    let mut sql = Sql::default();
    write_skill(&mut sql, c, 0)?;
    Ok(finish(sql))
}

pub fn framework_filter(_backend: DbBackend, c: &FrameworkCond) -> AppResult<Filter> {
    let mut sql = Sql::default();
    write_framework(&mut sql, c, 0)?;
    Ok(finish(sql))
}

pub fn role_filter(_backend: DbBackend, c: &RoleCond) -> AppResult<Filter> {
    let mut sql = Sql::default();
    write_role(&mut sql, c, 0)?;
    Ok(finish(sql))
}

/// The levels a requirement edge can carry.
pub const LEVELS: std::ops::RangeInclusive<i32> = 1..=5;

/// A condition on the edges of a nested list between roles and skills or frameworks (seen from
/// either end): the edge's importance and level, and the skill's kind or the framework's
/// category at the other end. Lists are kept sorted and without repeats, so two filters that
/// mean the same are equal and share a statement.
///
/// A level bound keeps only edges that have a level: edges imported from ESCO or O*NET's
/// technology lists carry none, and an unknown level is neither at least 4 nor at most 2.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EdgeFilter {
    /// Any of these importances.
    pub importance: Option<Vec<Importance>>,
    pub min_level: Option<i32>,
    pub max_level: Option<i32>,
    /// The skill at the other end is of one of these kinds (stored values).
    pub kind: Option<Vec<String>>,
    /// The framework at the other end is in one of these categories (stored values).
    pub category: Option<Vec<String>>,
}

fn sorted<T: Ord + Clone>(v: Option<Vec<T>>) -> Option<Vec<T>> {
    v.map(|mut v| {
        v.sort();
        v.dedup();
        v
    })
}

impl EdgeFilter {
    /// Checks the level bounds (1–5, `min_level` ≤ `max_level`) and normalises the lists.
    pub fn new(
        importance: Option<Vec<Importance>>,
        min_level: Option<i32>,
        max_level: Option<i32>,
        kind: Option<Vec<String>>,
        category: Option<Vec<String>>,
    ) -> AppResult<Self> {
        for (name, level) in [("minLevel", min_level), ("maxLevel", max_level)] {
            if let Some(l) = level {
                if !LEVELS.contains(&l) {
                    return Err(AppError::Validation(format!(
                        "`{name}` must be between {} and {}, got {l}",
                        LEVELS.start(),
                        LEVELS.end()
                    )));
                }
            }
        }
        if let (Some(lo), Some(hi)) = (min_level, max_level) {
            if lo > hi {
                return Err(AppError::Validation(format!(
                    "`minLevel` ({lo}) must not exceed `maxLevel` ({hi})"
                )));
            }
        }
        let importance = importance.map(|mut v| {
            v.sort_by_key(|i| i.as_str());
            v.dedup();
            v
        });
        Ok(EdgeFilter {
            importance,
            min_level,
            max_level,
            kind: sorted(kind),
            category: sorted(category),
        })
    }

    /// No condition at all: the whole list.
    pub fn is_empty(&self) -> bool {
        *self == EdgeFilter::default()
    }

    /// The filter as conditions on the edge row of `spec`, aliased `e` (the node at the other
    /// end is reached by its id on the edge row, so the conditions do not depend on how the
    /// page statement joins it). Every value is bound.
    pub fn compile(&self, spec: &EdgeSpec) -> AppResult<Filter> {
        let mut sql = Sql::default();
        let mut parts: Vec<String> = Vec::new();
        let edge_only = |what: &str| {
            AppError::Internal(format!(
                "{what} filter on {}, which has no edge data",
                spec.table
            ))
        };
        if let Some(imp) = &self.importance {
            if !spec.attrs {
                return Err(edge_only("importance"));
            }
            if imp.is_empty() {
                parts.push("1 = 0".into());
            } else {
                let names: Vec<String> = imp.iter().map(|i| i.as_str().to_owned()).collect();
                sql.push("e.importance IN ");
                sql.list(&names);
                parts.push(std::mem::take(&mut sql.text));
            }
        }
        for (bound, cmp) in [(self.min_level, ">="), (self.max_level, "<=")] {
            if let Some(l) = bound {
                if !spec.attrs {
                    return Err(edge_only("level"));
                }
                sql.push(&format!("e.level {cmp} "));
                sql.bind(l);
                parts.push(std::mem::take(&mut sql.text));
            }
        }
        for (values, table, column) in [
            (&self.kind, "skill", "kind"),
            (&self.category, "framework", "category"),
        ] {
            let Some(values) = values else { continue };
            let child_col = match spec.child {
                Some((t, col)) if t == table => col,
                _ => {
                    return Err(AppError::Internal(format!(
                        "{column} filter on {}, which does not lead to {table}",
                        spec.table
                    )))
                }
            };
            if values.is_empty() {
                parts.push("1 = 0".into());
            } else {
                sql.push(&format!(
                    "EXISTS (SELECT 1 FROM {table} k WHERE k.id = e.{child_col} AND k.{column} IN "
                ));
                sql.list(values);
                sql.push(")");
                parts.push(std::mem::take(&mut sql.text));
            }
        }
        Ok(Filter {
            conditions: parts,
            values: sql.values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Node_JS 100% "), "%node\\_js 100\\%%");
    }

    #[test]
    fn filters_compile_with_bound_values() {
        let c = SkillCond::And(vec![
            SkillCond::KindIn(vec!["language".into()]),
            SkillCond::Not(Box::new(SkillCond::NameContains("java".into()))),
        ]);
        let f = skill_filter(DbBackend::Sqlite, &c).expect("filter");
        assert_eq!(f.values.len(), 3);
        assert!(f.conditions[0].starts_with("(t.kind IN (?) AND NOT ("));
        let deep = (0..20).fold(SkillCond::HasEscoId(true), |acc, _| {
            SkillCond::Not(Box::new(acc))
        });
        assert!(skill_filter(DbBackend::Sqlite, &deep).is_err());
    }

    #[test]
    fn edge_filters_check_levels_and_normalise() {
        use crate::catalog::specs::{ROLE_SKILLS, SKILL_BROADER};
        for (lo, hi) in [(Some(0), None), (None, Some(6)), (Some(4), Some(3))] {
            let e = EdgeFilter::new(None, lo, hi, None, None).expect_err("refused");
            assert!(matches!(e, AppError::Validation(_)), "{e:?}");
        }
        let a = EdgeFilter::new(
            Some(vec![
                Importance::Optional,
                Importance::Essential,
                Importance::Optional,
            ]),
            Some(4),
            None,
            Some(vec!["tool".into(), "language".into()]),
            None,
        )
        .expect("valid");
        let b = EdgeFilter::new(
            Some(vec![Importance::Essential, Importance::Optional]),
            Some(4),
            None,
            Some(vec!["language".into(), "tool".into(), "tool".into()]),
            None,
        )
        .expect("valid");
        assert_eq!(a, b);
        let f = a.compile(&ROLE_SKILLS).expect("compiles");
        assert_eq!(
            f.conditions,
            vec![
                "e.importance IN (?, ?)",
                "e.level >= ?",
                "EXISTS (SELECT 1 FROM skill k WHERE k.id = e.skill_id AND k.kind IN (?, ?))"
            ]
        );
        assert_eq!(f.values.len(), 5);
        assert!(a.compile(&SKILL_BROADER).is_err());
        assert!(EdgeFilter::default().is_empty());
        assert!(EdgeFilter::default()
            .compile(&SKILL_BROADER)
            .expect("empty")
            .conditions
            .is_empty());
    }
}
