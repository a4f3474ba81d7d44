//! Stored co-occurrence counts behind `relatedSkills` (`related_list`): for one skill or
//! framework, one row holding its most related nodes in answer order, each with the counts its
//! score is computed from (shared broader skills, co-requiring roles, co-mentioning postings and
//! the partners' totals), stamped with the data version they were counted at. A row whose stamp
//! is not the current data version (row 2 of `graph_version`, moved by every write to a table a
//! read can show) is stale and never used, so a stored list can only be missing, never wrong.
use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult};

/// A node's kind in the stored rows.
pub const KIND_SKILL: i16 = 0;
pub const KIND_FRAMEWORK: i16 = 1;

/// One related node and the counts behind its score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub other_kind: i16,
    pub other_id: i64,
    pub related: bool,
    pub shared_broader: i64,
    pub broader_total: i64,
    pub co_roles: i64,
    pub roles_total: i64,
    pub co_postings: i64,
    pub postings_total: i64,
}

impl StoredEntry {
    fn encode(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            self.other_kind,
            self.other_id,
            u8::from(self.related),
            self.shared_broader,
            self.broader_total,
            self.co_roles,
            self.roles_total,
            self.co_postings,
            self.postings_total
        );
    }

    fn decode(s: &str) -> Option<Self> {
        let mut f = s.split(',').map(|x| x.parse::<i64>().ok());
        let mut next = || f.next().flatten();
        let e = StoredEntry {
            other_kind: i16::try_from(next()?).ok()?,
            other_id: next()?,
            related: next()? != 0,
            shared_broader: next()?,
            broader_total: next()?,
            co_roles: next()?,
            roles_total: next()?,
            co_postings: next()?,
            postings_total: next()?,
        };
        Some(e)
    }
}

/// A node's stored list: its own totals and its related nodes, best first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredList {
    pub own_broader: i64,
    pub own_roles: i64,
    pub own_postings: i64,
    pub entries: Vec<StoredEntry>,
}

/// What a read found: the current data version, and the node's list when it was counted at
/// that version (its first `limit` entries).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookup {
    pub version: i64,
    pub list: Option<StoredList>,
}

/// The data version and, when current, the node's stored list: one statement (the version row
/// joined to the node's row by primary key). A row that does not decode counts as missing.
///
/// A current list is kept in [`super::answers`] for the read-only requests that follow (it
/// moves only with the data version, which drops what is kept); a stale or missing one is not,
/// since the request that found it counts and stores it for the next.
pub async fn read(
    db: &impl ConnectionTrait,
    kind: i16,
    id: i64,
    limit: usize,
) -> AppResult<Lookup> {
    super::answers::through_when(
        || format!("related_list:{kind}:{id}:{limit}"),
        |l: &Lookup| l.list.as_ref().map(|l| l.entries.len()),
        read_stored(db, kind, id, limit),
    )
    .await
}

async fn read_stored(
    db: &impl ConnectionTrait,
    kind: i16,
    id: i64,
    limit: usize,
) -> AppResult<Lookup> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(stmt(
            backend,
            "SELECT v.version AS current_version, l.data_version, l.own_broader, l.own_roles, \
             l.own_postings, l.entries \
             FROM graph_version v LEFT JOIN related_list l \
             ON l.node_kind = ? AND l.node_id = ? WHERE v.id = 2",
            vec![kind.into(), id.into()],
        ))
        .await?;
    let Some(r) = row else {
        return Ok(Lookup::default());
    };
    let version: i64 = r.try_get("", "current_version")?;
    let stamp: Option<i64> = r.try_get("", "data_version")?;
    if stamp != Some(version) {
        return Ok(Lookup {
            version,
            list: None,
        });
    }
    let entries: String = r.try_get("", "entries")?;
    let decoded: Option<Vec<StoredEntry>> = entries
        .split(';')
        .filter(|s| !s.is_empty())
        .take(limit)
        .map(StoredEntry::decode)
        .collect();
    let list = match decoded {
        Some(entries) => Some(StoredList {
            own_broader: r.try_get("", "own_broader")?,
            own_roles: r.try_get("", "own_roles")?,
            own_postings: r.try_get("", "own_postings")?,
            entries,
        }),
        None => None,
    };
    Ok(Lookup { version, list })
}

/// Stores a node's list counted at `version`: one statement, so a reader sees the old row or
/// the new one. A list counted at an older version never replaces a newer one.
pub async fn write(
    db: &impl ConnectionTrait,
    kind: i16,
    id: i64,
    version: i64,
    list: &StoredList,
) -> AppResult<()> {
    let mut entries = String::with_capacity(list.entries.len() * 32);
    for (i, e) in list.entries.iter().enumerate() {
        if i > 0 {
            entries.push(';');
        }
        e.encode(&mut entries);
    }
    db.execute_raw(stmt(
        db.get_database_backend(),
        "INSERT INTO related_list (node_kind, node_id, data_version, own_broader, own_roles, \
         own_postings, entries) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (node_kind, node_id) DO UPDATE SET data_version = excluded.data_version, \
         own_broader = excluded.own_broader, own_roles = excluded.own_roles, \
         own_postings = excluded.own_postings, entries = excluded.entries \
         WHERE related_list.data_version <= excluded.data_version",
        vec![
            kind.into(),
            id.into(),
            version.into(),
            list.own_broader.into(),
            list.own_roles.into(),
            list.own_postings.into(),
            entries.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The `limit` skills most roles require (ties by id): the lists worth counting ahead.
pub async fn most_demanded_skills(db: &impl ConnectionTrait, limit: usize) -> AppResult<Vec<i64>> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(stmt(
            backend,
            "SELECT skill_id FROM role_skill GROUP BY skill_id \
             ORDER BY COUNT(*) DESC, skill_id LIMIT ?",
            vec![i64::try_from(limit).unwrap_or(i64::MAX).into()],
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<i64>("", "skill_id").map_err(Into::into))
        .collect()
}

/// How many lists are stored, and how many of them at the current data version.
pub async fn stored_count(db: &impl ConnectionTrait) -> AppResult<(u64, u64)> {
    let backend = db.get_database_backend();
    let sql = "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN data_version = \
               (SELECT version FROM graph_version WHERE id = 2) THEN 1 ELSE 0 END), 0) AS cur \
               FROM related_list";
    let row = db.query_one_raw(stmt(backend, sql, vec![])).await?;
    let (n, cur): (i64, i64) = match row {
        Some(r) => (r.try_get("", "n")?, r.try_get("", "cur")?),
        None => (0, 0),
    };
    Ok((n.max(0) as u64, cur.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let e = StoredEntry {
            other_kind: KIND_FRAMEWORK,
            other_id: 42,
            related: true,
            shared_broader: 1,
            broader_total: 3,
            co_roles: 17,
            roles_total: 250,
            co_postings: 0,
            postings_total: 9,
        };
        let mut s = String::new();
        e.encode(&mut s);
        assert_eq!(StoredEntry::decode(&s), Some(e));
        assert_eq!(StoredEntry::decode("1,2,3"), None);
    }
}
