//! DataLoaders, created per request: one per (entity, key) — rows by id, and for every direction
//! of every relation one for pages of edges and one for edge counts, each batching all parents
//! of a level into one statement (one per distinct page request and edge filter).
use std::{
    collections::HashMap,
    marker::PhantomData,
    sync::{Arc, OnceLock},
};

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{company, framework, job_posting, role, skill, source};
use sea_orm::DatabaseConnection;

use crate::{
    catalog::{filters::EdgeFilter, specs},
    error::AppError,
    market::postings::{self, Linked},
    market::specs as posting_specs,
    store::{
        self,
        columns::Node,
        edges::{EdgeSpec, Select},
        pages::{AliasRow, EdgeRow, Filter, Page, PageArgs},
    },
};

/// Every direction of every relation a connection can follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rel {
    SkillAliases,
    FrameworkAliases,
    SkillBroader,
    SkillNarrower,
    SkillPrerequisites,
    SkillRequiredBy,
    SkillRelated,
    SkillFrameworks,
    SkillRoles,
    FrameworkSkills,
    FrameworkRoles,
    RoleSkills,
    RoleFrameworks,
    RoleAliases,
    RoleRelated,
    RoleRelatedFrom,
    SkillPostings,
    FrameworkPostings,
    RolePostings,
}

impl Rel {
    pub fn spec(self) -> &'static EdgeSpec {
        match self {
            Rel::SkillAliases => &specs::SKILL_ALIASES,
            Rel::FrameworkAliases => &specs::FRAMEWORK_ALIASES,
            Rel::SkillBroader => &specs::SKILL_BROADER,
            Rel::SkillNarrower => &specs::SKILL_NARROWER,
            Rel::SkillPrerequisites => &specs::SKILL_PREREQUISITES,
            Rel::SkillRequiredBy => &specs::SKILL_REQUIRED_BY,
            Rel::SkillRelated => &specs::SKILL_RELATED,
            Rel::SkillFrameworks => &specs::SKILL_FRAMEWORKS,
            Rel::SkillRoles => &specs::SKILL_ROLES,
            Rel::FrameworkSkills => &specs::FRAMEWORK_SKILLS,
            Rel::FrameworkRoles => &specs::FRAMEWORK_ROLES,
            Rel::RoleSkills => &specs::ROLE_SKILLS,
            Rel::RoleFrameworks => &specs::ROLE_FRAMEWORKS,
            Rel::RoleAliases => &specs::ROLE_ALIASES,
            Rel::RoleRelated => &specs::ROLE_RELATED,
            Rel::RoleRelatedFrom => &specs::ROLE_RELATED_FROM,
            Rel::SkillPostings => &posting_specs::SKILL_POSTINGS,
            Rel::FrameworkPostings => &posting_specs::FRAMEWORK_POSTINGS,
            Rel::RolePostings => &posting_specs::ROLE_POSTINGS,
        }
    }

    const ALL: [Rel; 19] = [
        Rel::SkillAliases,
        Rel::FrameworkAliases,
        Rel::SkillBroader,
        Rel::SkillNarrower,
        Rel::SkillPrerequisites,
        Rel::SkillRequiredBy,
        Rel::SkillRelated,
        Rel::SkillFrameworks,
        Rel::SkillRoles,
        Rel::FrameworkSkills,
        Rel::FrameworkRoles,
        Rel::RoleSkills,
        Rel::RoleFrameworks,
        Rel::RoleAliases,
        Rel::RoleRelated,
        Rel::RoleRelatedFrom,
        Rel::SkillPostings,
        Rel::FrameworkPostings,
        Rel::RolePostings,
    ];
}

/// A page of one parent's edges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageKey {
    pub parent: i64,
    pub args: PageArgs,
    /// Which node columns and edge attributes the query reads; most nested queries show only
    /// names.
    pub select: Select,
    /// Which edges the list keeps (empty: all of them).
    pub filter: EdgeFilter,
}

/// Hashes the parent and the columns only: the DataLoader hashes every key many times over (a
/// callgrind profile of Q1 counted 37,000 hashes of page arguments and filters per request, with
/// SipHash at 8 % of its instructions), and keys that differ only in their page or filter are
/// rare in one request; equal keys still hash alike, and `Eq` tells the others apart.
impl std::hash::Hash for PageKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parent.hash(state);
        self.select.hash(state);
    }
}

/// The edge count of one parent, under a filter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountKey {
    pub parent: i64,
    pub filter: EdgeFilter,
}

/// The SQL conditions of an edge filter on `spec`'s edge rows (none for an empty filter).
/// Loaders group their keys by filter (and page request): one statement per group, so parents
/// asking with different filters in one request are batched per filter and never mixed.
fn compile(spec: &EdgeSpec, filter: &EdgeFilter) -> Result<Filter, LoadError> {
    if filter.is_empty() {
        Ok(Filter::default())
    } else {
        filter.compile(spec).map_err(Arc::new)
    }
}

pub type LoadError = Arc<AppError>;

/// Pages of edges of one relation, for many parents at once.
pub struct EdgePageLoader<M> {
    db: DatabaseConnection,
    spec: &'static EdgeSpec,
    _node: PhantomData<fn() -> M>,
}

impl<M> Loader<PageKey> for EdgePageLoader<M>
where
    M: Node + Clone + Send + Sync + 'static,
{
    /// Shared: the DataLoader hands every requester a clone of its value, which for a page of
    /// rows would copy every string in it.
    type Value = Arc<Page<EdgeRow<M>>>;
    type Error = LoadError;

    async fn load(&self, keys: &[PageKey]) -> Result<HashMap<PageKey, Self::Value>, Self::Error> {
        // Parents asking for the same page of the same filter (the usual case) share one
        // statement.
        let mut groups: HashMap<(&PageArgs, Select, &EdgeFilter), Vec<i64>> = HashMap::new();
        for k in keys {
            groups
                .entry((&k.args, k.select, &k.filter))
                .or_default()
                .push(k.parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((args, select, filter), parents) in groups {
            let sql_filter = compile(self.spec, filter)?;
            let mut pages = store::edges::edge_pages::<M>(
                &self.db,
                self.spec,
                &parents,
                args,
                select,
                &sql_filter,
            )
            .await
            .map_err(Arc::new)?;
            for parent in parents {
                let page = pages.remove(&parent).unwrap_or_default();
                out.insert(
                    PageKey {
                        parent,
                        args: args.clone(),
                        select,
                        filter: filter.clone(),
                    },
                    Arc::new(page),
                );
            }
        }
        Ok(out)
    }
}

/// Edge counts of one relation, for many parents at once (one statement per distinct filter).
pub struct EdgeCountLoader {
    db: DatabaseConnection,
    spec: &'static EdgeSpec,
}

impl Loader<CountKey> for EdgeCountLoader {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[CountKey]) -> Result<HashMap<CountKey, u64>, Self::Error> {
        let mut groups: HashMap<&EdgeFilter, Vec<i64>> = HashMap::new();
        for k in keys {
            groups.entry(&k.filter).or_default().push(k.parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (filter, parents) in groups {
            let sql_filter = compile(self.spec, filter)?;
            let mut counts = store::edges::edge_counts(&self.db, self.spec, &parents, &sql_filter)
                .await
                .map_err(Arc::new)?;
            for parent in parents {
                let n = counts.remove(&parent).unwrap_or(0);
                out.insert(
                    CountKey {
                        parent,
                        filter: filter.clone(),
                    },
                    n,
                );
            }
        }
        Ok(out)
    }
}

/// Rows of one table by id.
pub struct ByIdLoader<M> {
    db: DatabaseConnection,
    table: &'static str,
    id_of: fn(&M) -> i64,
}

impl<M> Loader<i64> for ByIdLoader<M>
where
    M: Node + Clone + Send + Sync + 'static,
{
    type Value = M;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, M>, Self::Error> {
        store::by_ids(&self.db, self.table, keys, self.id_of)
            .await
            .map_err(Arc::new)
    }
}

/// The skills or frameworks of postings, with whether each is required.
pub struct PostingLinksLoader<M> {
    db: DatabaseConnection,
    _node: PhantomData<fn() -> M>,
}

impl Loader<i64> for PostingLinksLoader<skill::Model> {
    type Value = Vec<Linked<skill::Model>>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        postings::skills_of(&self.db, keys).await.map_err(Arc::new)
    }
}

impl Loader<i64> for PostingLinksLoader<framework::Model> {
    type Value = Vec<Linked<framework::Model>>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        postings::frameworks_of(&self.db, keys)
            .await
            .map_err(Arc::new)
    }
}

/// A batch holds up to this many keys; ids travel as one bound JSON array, so a large batch is
/// still one statement.
const MAX_BATCH: usize = 50_000;

fn loader<T: Loader<K>, K: Send + Sync + std::hash::Hash + Eq + Clone + 'static>(
    t: T,
) -> DataLoader<T> {
    DataLoader::new(t, tokio::spawn).max_batch_size(MAX_BATCH)
}

/// A loader made on its first use. A request touches a few of the ~45 loaders it may need
/// (Q3, one role by slug, none): making them all up front cost every request ~45 `Arc`s,
/// boxed spawners and six hash maps.
pub struct Lazy<T> {
    cell: OnceLock<T>,
    db: DatabaseConnection,
    make: fn(&DatabaseConnection) -> T,
}

impl<T> Lazy<T> {
    fn new(db: &DatabaseConnection, make: fn(&DatabaseConnection) -> T) -> Self {
        Lazy {
            cell: OnceLock::new(),
            db: db.clone(),
            make,
        }
    }
}

impl<T> std::ops::Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.cell.get_or_init(|| (self.make)(&self.db))
    }
}

/// One slot per relation, filled on first use.
type PerRel<T> = [OnceLock<T>; Rel::ALL.len()];

/// All loaders of one request, each made on first use.
pub struct Loaders {
    db: DatabaseConnection,
    pub skill_by_id: Lazy<DataLoader<ByIdLoader<skill::Model>>>,
    pub framework_by_id: Lazy<DataLoader<ByIdLoader<framework::Model>>>,
    pub role_by_id: Lazy<DataLoader<ByIdLoader<role::Model>>>,
    /// The imported release a row comes from.
    pub source_by_id: Lazy<DataLoader<ByIdLoader<source::Model>>>,
    pub posting_by_id: Lazy<DataLoader<ByIdLoader<job_posting::Model>>>,
    pub company_by_id: Lazy<DataLoader<ByIdLoader<company::Model>>>,
    pub posting_skills: Lazy<DataLoader<PostingLinksLoader<skill::Model>>>,
    pub posting_frameworks: Lazy<DataLoader<PostingLinksLoader<framework::Model>>>,
    /// Equivalent occupations and their evidence, by curated role.
    pub role_evidence: Lazy<DataLoader<crate::graphql::types::evidence::RoleEvidenceLoader>>,
    /// O*NET's tier and index of related-role links, by (role, related).
    pub related_links: Lazy<DataLoader<crate::graphql::types::related::RelatedLinkLoader>>,
    posting_pages: PerRel<DataLoader<EdgePageLoader<job_posting::Model>>>,
    skill_pages: PerRel<DataLoader<EdgePageLoader<skill::Model>>>,
    framework_pages: PerRel<DataLoader<EdgePageLoader<framework::Model>>>,
    role_pages: PerRel<DataLoader<EdgePageLoader<role::Model>>>,
    alias_pages: PerRel<DataLoader<EdgePageLoader<AliasRow>>>,
    counts: PerRel<DataLoader<EdgeCountLoader>>,
}

/// Which node type a relation leads to.
fn node_table(rel: Rel) -> &'static str {
    match rel.spec().child {
        Some((table, _)) => table,
        None => rel.spec().table,
    }
}

/// Whether pages of `rel` are rows of `table` (`alias`: any alias table).
fn leads_to(rel: Rel, table: &str) -> bool {
    node_table(rel) == table || (table == "alias" && node_table(rel).ends_with("_alias"))
}

fn by_id<M>(
    db: &DatabaseConnection,
    table: &'static str,
    id_of: fn(&M) -> i64,
) -> DataLoader<ByIdLoader<M>>
where
    M: Node + Clone + Send + Sync + 'static,
{
    loader(ByIdLoader {
        db: db.clone(),
        table,
        id_of,
    })
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Loaders {
            db: db.clone(),
            skill_by_id: Lazy::new(db, |db| by_id(db, "skill", |m: &skill::Model| m.id)),
            framework_by_id: Lazy::new(db, |db| {
                by_id(db, "framework", |m: &framework::Model| m.id)
            }),
            role_by_id: Lazy::new(db, |db| by_id(db, "role", |m: &role::Model| m.id)),
            source_by_id: Lazy::new(db, |db| by_id(db, "source", |m: &source::Model| m.id)),
            posting_by_id: Lazy::new(db, |db| {
                by_id(db, "job_posting", |m: &job_posting::Model| m.id)
            }),
            company_by_id: Lazy::new(db, |db| by_id(db, "company", |m: &company::Model| m.id)),
            posting_skills: Lazy::new(db, |db| {
                loader(PostingLinksLoader {
                    db: db.clone(),
                    _node: PhantomData,
                })
            }),
            posting_frameworks: Lazy::new(db, |db| {
                loader(PostingLinksLoader {
                    db: db.clone(),
                    _node: PhantomData,
                })
            }),
            role_evidence: Lazy::new(db, |db| {
                loader(crate::graphql::types::evidence::RoleEvidenceLoader { db: db.clone() })
            }),
            related_links: Lazy::new(db, |db| {
                loader(crate::graphql::types::related::RelatedLinkLoader { db: db.clone() })
            }),
            posting_pages: Default::default(),
            skill_pages: Default::default(),
            framework_pages: Default::default(),
            role_pages: Default::default(),
            alias_pages: Default::default(),
            counts: Default::default(),
        }
    }

    pub fn counts(&self, rel: Rel) -> Option<&DataLoader<EdgeCountLoader>> {
        let slot = self.counts.get(rel as usize)?;
        Some(slot.get_or_init(|| {
            loader(EdgeCountLoader {
                db: self.db.clone(),
                spec: rel.spec(),
            })
        }))
    }

    /// The page loader of `rel` from `slots`, when its pages are rows of `table`.
    fn pages_in<'a, M>(
        &self,
        slots: &'a PerRel<DataLoader<EdgePageLoader<M>>>,
        table: &str,
        rel: Rel,
    ) -> Option<&'a DataLoader<EdgePageLoader<M>>>
    where
        M: Node + Clone + Send + Sync + 'static,
    {
        if !leads_to(rel, table) {
            return None;
        }
        let slot = slots.get(rel as usize)?;
        Some(slot.get_or_init(|| {
            loader(EdgePageLoader {
                db: self.db.clone(),
                spec: rel.spec(),
                _node: PhantomData,
            })
        }))
    }
}

/// The page loader of a relation, by the type of node it yields.
pub trait PagesOf<M> {
    fn pages(&self, rel: Rel) -> Option<&DataLoader<EdgePageLoader<M>>>;
}

impl PagesOf<skill::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&DataLoader<EdgePageLoader<skill::Model>>> {
        self.pages_in(&self.skill_pages, "skill", rel)
    }
}

impl PagesOf<framework::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&DataLoader<EdgePageLoader<framework::Model>>> {
        self.pages_in(&self.framework_pages, "framework", rel)
    }
}

impl PagesOf<role::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&DataLoader<EdgePageLoader<role::Model>>> {
        self.pages_in(&self.role_pages, "role", rel)
    }
}

impl PagesOf<AliasRow> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&DataLoader<EdgePageLoader<AliasRow>>> {
        self.pages_in(&self.alias_pages, "alias", rel)
    }
}

impl PagesOf<job_posting::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&DataLoader<EdgePageLoader<job_posting::Model>>> {
        self.pages_in(&self.posting_pages, "job_posting", rel)
    }
}
