//! Loaders, created per request and batched by [`Batcher`]: one per (entity, key) — rows by id, and for every direction
//! of every relation one for pages of edges and one for edge counts, each batching all parents
//! of a level into one statement (one per distinct page request and edge filter).
use std::{
    collections::HashMap,
    marker::PhantomData,
    sync::{Arc, Mutex, OnceLock},
};

use async_graphql::dataloader::Loader;
use entity::{company, framework, job_posting, role, skill, source};
use sea_orm::DatabaseConnection;

use crate::{
    catalog::{filters::EdgeFilter, specs},
    error::AppError,
    graphql::batch::Batcher,
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

/// Hashes the parent and the columns only: the loaders hash every key several times over (a
/// callgrind profile of Q1 under the DataLoader counted 37,000 hashes of page arguments and filters per request, with
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
    /// By value: the batcher hands a page to its (usually only) requester without a copy.
    type Value = Page<EdgeRow<M>>;
    type Error = LoadError;

    async fn load(&self, keys: &[PageKey]) -> Result<HashMap<PageKey, Self::Value>, Self::Error> {
        // Parents asking for the same page of the same filter (the usual case) share one
        // statement. Found by a scan, not hashed: a batch rarely has more than one group, and
        // hashing each key's page arguments and filter cost more than its page's rows.
        let mut groups: Vec<(&PageArgs, Select, &EdgeFilter, Vec<i64>)> = Vec::new();
        let mut group_of = Vec::with_capacity(keys.len());
        for k in keys {
            let g = groups
                .iter()
                .position(|(args, select, filter, _)| {
                    **args == k.args && *select == k.select && **filter == k.filter
                })
                .unwrap_or_else(|| {
                    groups.push((&k.args, k.select, &k.filter, Vec::new()));
                    groups.len() - 1
                });
            if let Some(group) = groups.get_mut(g) {
                group.3.push(k.parent);
            }
            group_of.push(g);
        }
        let mut pages = Vec::with_capacity(groups.len());
        for (args, select, filter, parents) in &groups {
            let sql_filter = compile(self.spec, filter)?;
            pages.push(
                store::edges::edge_pages::<M>(
                    &self.db,
                    self.spec,
                    parents,
                    args,
                    *select,
                    &sql_filter,
                )
                .await
                .map_err(Arc::new)?,
            );
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (k, g) in keys.iter().zip(group_of) {
            let page = pages
                .get_mut(g)
                .and_then(|p| p.remove(&k.parent))
                .unwrap_or_default();
            out.insert(k.clone(), page);
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

/// A batcher over `t` (ids travel as one bound array, so a batch of any size is one
/// statement).
fn loader<T, K>(t: T) -> Batcher<T, K>
where
    T: Loader<K>,
    T::Error: Sync,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
{
    Batcher::new(t)
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
    pub skill_by_id: Lazy<Batcher<ByIdLoader<skill::Model>, i64>>,
    pub framework_by_id: Lazy<Batcher<ByIdLoader<framework::Model>, i64>>,
    pub role_by_id: Lazy<Batcher<ByIdLoader<role::Model>, i64>>,
    /// The imported release a row comes from.
    pub source_by_id: Lazy<Batcher<ByIdLoader<source::Model>, i64>>,
    pub posting_by_id: Lazy<Batcher<ByIdLoader<job_posting::Model>, i64>>,
    pub company_by_id: Lazy<Batcher<ByIdLoader<company::Model>, i64>>,
    pub posting_skills: Lazy<Batcher<PostingLinksLoader<skill::Model>, i64>>,
    pub posting_frameworks: Lazy<Batcher<PostingLinksLoader<framework::Model>, i64>>,
    /// Equivalent occupations and their evidence, by curated role.
    pub role_evidence: Lazy<Batcher<crate::graphql::types::evidence::RoleEvidenceLoader, i64>>,
    /// O*NET's tier and index of related-role links, by (role, related).
    pub related_links: Lazy<Batcher<crate::graphql::types::related::RelatedLinkLoader, (i64, i64)>>,
    posting_pages: PerRel<Batcher<EdgePageLoader<job_posting::Model>, PageKey>>,
    skill_pages: PerRel<Batcher<EdgePageLoader<skill::Model>, PageKey>>,
    framework_pages: PerRel<Batcher<EdgePageLoader<framework::Model>, PageKey>>,
    role_pages: PerRel<Batcher<EdgePageLoader<role::Model>, PageKey>>,
    alias_pages: PerRel<Batcher<EdgePageLoader<AliasRow>, PageKey>>,
    counts: PerRel<Batcher<EdgeCountLoader, CountKey>>,
}

/// The columns each connection field of one request's document reads, worked out once per
/// field: every parent's copy of a nested field asks again (962 times in Q1, about 870
/// instructions each from the look-ahead). Keyed by the address of the field's node in the
/// parsed document, so it belongs to one execution, whose document stays put while it runs:
/// HTTP requests carry one each; where none is given (WebSocket operations, whose `Loaders`
/// serve the whole connection), the columns are worked out every time.
#[derive(Default)]
pub struct Selects(Mutex<store::FastMap<usize, Select>>);

impl Selects {
    /// What the field at `field` reads, from `work_out` the first time.
    pub fn get_or(&self, field: usize, work_out: impl FnOnce() -> Select) -> Select {
        let known = self.0.lock().ok().and_then(|m| m.get(&field).copied());
        known.unwrap_or_else(|| {
            let select = work_out();
            if let Ok(mut m) = self.0.lock() {
                m.insert(field, select);
            }
            select
        })
    }
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
) -> Batcher<ByIdLoader<M>, i64>
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

    pub fn counts(&self, rel: Rel) -> Option<&Batcher<EdgeCountLoader, CountKey>> {
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
        slots: &'a PerRel<Batcher<EdgePageLoader<M>, PageKey>>,
        table: &str,
        rel: Rel,
    ) -> Option<&'a Batcher<EdgePageLoader<M>, PageKey>>
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
pub trait PagesOf<M: Node + Clone + Send + Sync + 'static> {
    fn pages(&self, rel: Rel) -> Option<&Batcher<EdgePageLoader<M>, PageKey>>;
}

impl PagesOf<skill::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&Batcher<EdgePageLoader<skill::Model>, PageKey>> {
        self.pages_in(&self.skill_pages, "skill", rel)
    }
}

impl PagesOf<framework::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&Batcher<EdgePageLoader<framework::Model>, PageKey>> {
        self.pages_in(&self.framework_pages, "framework", rel)
    }
}

impl PagesOf<role::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&Batcher<EdgePageLoader<role::Model>, PageKey>> {
        self.pages_in(&self.role_pages, "role", rel)
    }
}

impl PagesOf<AliasRow> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&Batcher<EdgePageLoader<AliasRow>, PageKey>> {
        self.pages_in(&self.alias_pages, "alias", rel)
    }
}

impl PagesOf<job_posting::Model> for Loaders {
    fn pages(&self, rel: Rel) -> Option<&Batcher<EdgePageLoader<job_posting::Model>, PageKey>> {
        self.pages_in(&self.posting_pages, "job_posting", rel)
    }
}
