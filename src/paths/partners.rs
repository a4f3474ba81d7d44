//! The nodes that share edge partners with a skill or framework — broader skills, roles,
//! postings — counted in the database for [`super::related`]: one statement per signal and kind
//! of candidate (skills, frameworks), the most shared first.
use sea_orm::{ConnectionTrait, DbBackend};

use crate::{
    db::stmt,
    error::AppResult,
    paths::{id_in, node::Node},
};

/// A node sharing edge partners (broader skills, roles, postings) with the one asked about.
#[derive(Clone, Copy, Debug)]
pub(super) struct Partner {
    pub(super) other: Node,
    pub(super) shared: i64,
    /// The other node's number of partners.
    pub(super) total: i64,
    /// The asked node's number of partners.
    pub(super) own: i64,
    /// One of the `keep` nodes.
    pub(super) kept: bool,
}

/// An edge table seen from one kind of node: `role_skill` by `skill_id`, `role_framework` by
/// `framework_id`…
#[derive(Clone, Copy, Debug)]
pub(super) struct Side {
    table: &'static str,
    col: &'static str,
    framework: bool,
}

/// The tables of a signal, for skills and for frameworks (None: frameworks have no such edge).
pub(super) struct Signal {
    partner_col: &'static str,
    skills: Side,
    frameworks: Option<Side>,
}

pub(super) const BROADER: Signal = Signal {
    partner_col: "broader_id",
    skills: Side {
        table: "skill_broader",
        col: "skill_id",
        framework: false,
    },
    frameworks: None,
};
pub(super) const ROLES: Signal = Signal {
    partner_col: "role_id",
    skills: Side {
        table: "role_skill",
        col: "skill_id",
        framework: false,
    },
    frameworks: Some(Side {
        table: "role_framework",
        col: "framework_id",
        framework: true,
    }),
};
pub(super) const POSTINGS: Signal = Signal {
    partner_col: "posting_id",
    skills: Side {
        table: "posting_skill",
        col: "skill_id",
        framework: false,
    },
    frameworks: Some(Side {
        table: "posting_framework",
        col: "framework_id",
        framework: true,
    }),
};

impl Signal {
    /// The side the asked node's own edges are on.
    fn own_side(&self, me: Node) -> Option<Side> {
        match me {
            Node::Skill(_) => Some(self.skills),
            Node::Framework(_) => self.frameworks,
        }
    }
}

/// Nodes of one kind (`cand`) sharing an edge partner with `me` (its edges on `own`), in one
/// statement: the `keep` ones first, then by how many partners they share, at most `limit`.
#[allow(clippy::too_many_arguments)]
async fn shared_partners(
    db: &impl ConnectionTrait,
    partner_col: &str,
    own: Side,
    cand: Side,
    me: Node,
    keep: &[Node],
    limit: Option<usize>,
) -> AppResult<Vec<Partner>> {
    let backend = db.get_database_backend();
    let id = match me {
        Node::Skill(id) | Node::Framework(id) => id,
    };
    let keep_ids: Vec<i64> = keep
        .iter()
        .filter_map(|n| {
            if cand.framework {
                n.framework_id()
            } else {
                n.skill_id()
            }
        })
        .collect();
    let (ot, oc) = (own.table, own.col);
    let (ct, cc) = (cand.table, cand.col);
    let (keep_sql, keep_value) = id_in(backend, &format!("o.{cc}"), &keep_ids);
    // The partners of `me`, then every edge to one of them: one index range per partner.
    // PostgreSQL gets them as an array (it would rather hash-join the whole table).
    let partners = format!("SELECT a.{partner_col} FROM {ot} a WHERE a.{oc} = ?");
    let of_partners = match backend {
        DbBackend::Postgres => format!("o.{partner_col} = ANY(ARRAY({partners}))"),
        _ => format!("o.{partner_col} IN ({partners})"),
    };
    // The asked node itself is left out when it is of the candidates' kind.
    let not_me = if own.framework == cand.framework {
        id
    } else {
        -1
    };
    let sql = format!(
        "SELECT g.other, g.shared, g.kept, \
         (SELECT COUNT(*) FROM {ct} x WHERE x.{cc} = g.other) AS total, \
         (SELECT COUNT(*) FROM {ot} y WHERE y.{oc} = ?) AS own \
         FROM (SELECT o.{cc} AS other, COUNT(*) AS shared, \
         CASE WHEN {keep_sql} THEN 1 ELSE 0 END AS kept \
         FROM {ct} o WHERE {of_partners} AND o.{cc} <> ? GROUP BY o.{cc} \
         ORDER BY kept DESC, shared DESC, other LIMIT ?) g"
    );
    let limit = limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let rows = db
        .query_all_raw(stmt(
            backend,
            &sql,
            vec![
                id.into(),
                keep_value,
                id.into(),
                not_me.into(),
                limit.into(),
            ],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let kept: i32 = r.try_get("", "kept")?;
        let other: i64 = r.try_get("", "other")?;
        out.push(Partner {
            other: if cand.framework {
                Node::Framework(other)
            } else {
                Node::Skill(other)
            },
            shared: r.try_get("", "shared")?,
            total: r.try_get("", "total")?,
            own: r.try_get("", "own")?,
            kept: kept != 0,
        });
    }
    Ok(out)
}

/// One signal's partners, skill and framework candidates alike, and whether a list was cut.
pub(super) struct Shared {
    pub(super) partners: Vec<Partner>,
    pub(super) own: i64,
    /// The smallest share among the cut lists' unkept rows (None: no list was cut).
    pub(super) cut_at: Option<i64>,
}

pub(super) async fn shared(
    db: &impl ConnectionTrait,
    signal: &Signal,
    me: Node,
    keep: &[Node],
    limit: Option<usize>,
) -> AppResult<Shared> {
    let mut out = Shared {
        partners: Vec::new(),
        own: 0,
        cut_at: None,
    };
    let Some(own) = signal.own_side(me) else {
        return Ok(out);
    };
    for cand in std::iter::once(signal.skills).chain(signal.frameworks) {
        let list = shared_partners(db, signal.partner_col, own, cand, me, keep, limit).await?;
        if let Some(p) = list.first() {
            out.own = p.own;
        }
        if limit.is_some_and(|l| list.len() >= l) {
            let m = list
                .iter()
                .filter(|p| !p.kept)
                .map(|p| p.shared)
                .min()
                .unwrap_or(0);
            out.cut_at = Some(out.cut_at.map_or(m, |c: i64| c.min(m)));
        }
        out.partners.extend(list);
    }
    Ok(out)
}
