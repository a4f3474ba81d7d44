//! Typed filters for the top-level lists, combinable with AND / OR / NOT, compiled to SQL over
//! the listed table aliased `t`. Every value is bound, never spliced into the SQL text.
use sea_orm::{DbBackend, Value};

use crate::{
    catalog::{pages::Filter, EntityRef},
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
}
