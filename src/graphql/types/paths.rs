//! GraphQL types of learning paths, skill gaps, related skills and skill chains. Built from the
//! domain results of `crate::paths`; they add no queries of their own (nested relations of the
//! skills, roles and frameworks they hold go through the request's loaders).
use async_graphql::{Enum, Interface, OneofObject, SimpleObject, ID};

use crate::{
    graphql::types::{Framework, Importance, Role, Skill},
    paths::{gap, learning, node::NodeModel, related, route},
};

/// A node of the computed answers (learning paths, gaps, related skills, skill chains): a
/// skill or a framework. Select `slug` and `name` directly, anything else with
/// `... on Skill` / `... on Framework`.
// Short-lived values of one response; boxing would buy nothing. Two fields of the same type
// read to clippy as a duplicated attribute.
#[allow(clippy::large_enum_variant, clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque, stable global id."),
    field(name = "slug", ty = "&str", desc = "Its stable, URL-friendly name."),
    field(name = "name", ty = "&str", desc = "Its display name.")
)]
pub enum PathNode {
    Skill(Skill),
    Framework(Framework),
}

impl From<NodeModel> for PathNode {
    fn from(m: NodeModel) -> Self {
        match m {
            NodeModel::Skill(s) => PathNode::Skill(Skill(s)),
            NodeModel::Framework(f) => PathNode::Framework(Framework(f)),
        }
    }
}

/// A node's `skill` and `framework` fields: the one that it is, the other null.
fn split(m: &NodeModel) -> (Option<Skill>, Option<Framework>) {
    match m {
        NodeModel::Skill(s) => (Some(Skill(s.clone())), None),
        NodeModel::Framework(f) => (None, Some(Framework(f.clone()))),
    }
}

fn nodes(v: Vec<NodeModel>) -> Vec<PathNode> {
    v.into_iter().map(Into::into).collect()
}

/// What a learning path leads to: a role, a skill or a framework, exactly one.
#[derive(OneofObject)]
pub enum LearningTarget {
    /// Meet this role's requirements.
    Role(crate::graphql::types::refs::RoleRef),
    /// Learn this skill.
    Skill(crate::graphql::types::refs::SkillRef),
    /// Learn this framework.
    Framework(crate::graphql::types::refs::FrameworkRef),
}

/// What to learn, in order, to meet a role's requirements or learn a skill or framework.
#[derive(SimpleObject)]
pub struct LearningPath {
    /// The target, when it is a role.
    pub role: Option<Role>,
    /// The target, when it is a skill.
    pub skill: Option<Skill>,
    /// The target, when it is a framework.
    pub framework: Option<Framework>,
    /// The steps, each after all of its prerequisites (a framework after its language). Known
    /// skills and frameworks, and the prerequisites they imply, are left out.
    pub steps: Vec<LearningStep>,
    /// The known skills and frameworks as given.
    pub known: Vec<PathNode>,
    /// Requirements of the target already met: known, or a prerequisite (transitively) of a
    /// known skill or framework.
    pub satisfied: Vec<PathNode>,
}

/// One skill or framework to learn, and why.
#[derive(SimpleObject)]
pub struct LearningStep {
    /// 1-based position in the path.
    pub position: i32,
    /// What to learn: a skill or a framework.
    pub node: PathNode,
    /// The step's skill; null when the step is a framework.
    #[graphql(deprecation = "Use `node` (`... on Skill`).")]
    pub skill: Option<Skill>,
    /// The step's framework; null when the step is a skill.
    #[graphql(deprecation = "Use `node` (`... on Framework`).")]
    pub framework: Option<Framework>,
    /// True when the node is itself a requirement of the target (a skill or framework the role
    /// requires, or the target); false when it is only a prerequisite of one.
    pub requirement: bool,
    /// For a role: ESSENTIAL when an essential requirement or a prerequisite of one, else
    /// OPTIONAL. Null for a skill or framework target.
    pub importance: Option<Importance>,
    /// The level the role requires, for a role requirement. Null for a prerequisite that the
    /// role does not require itself, and for a skill target: prerequisite links carry no level.
    pub level: Option<i32>,
    /// Market demand for the skill: the number of roles requiring it plus the number of job
    /// postings asking for it.
    pub demand: i32,
    /// The requirements of the target (other than this step) that need it, directly or
    /// through other steps, in path order.
    pub pulled_in_by: Vec<PathNode>,
    /// The later steps that have this step as a direct prerequisite, in path order.
    pub unlocks: Vec<PathNode>,
    /// Why the step is there, in words.
    pub reason: String,
}

impl From<learning::LearningPath> for LearningPath {
    fn from(p: learning::LearningPath) -> Self {
        let (skill, framework) = p.node.as_ref().map(split).unwrap_or((None, None));
        LearningPath {
            role: p.role.map(Role),
            skill,
            framework,
            steps: p
                .steps
                .into_iter()
                .map(|s| {
                    let (skill, framework) = split(&s.node);
                    LearningStep {
                        position: i32::try_from(s.position).unwrap_or(i32::MAX),
                        node: s.node.into(),
                        skill,
                        framework,
                        requirement: s.requirement,
                        importance: s.importance.map(Into::into),
                        level: s.level,
                        demand: clamp(s.demand.score()),
                        pulled_in_by: nodes(s.pulled_in_by),
                        unlocks: nodes(s.unlocks),
                        reason: s.reason,
                    }
                })
                .collect(),
            known: nodes(p.known),
            satisfied: nodes(p.satisfied),
        }
    }
}

fn clamp(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// How far someone is from a role.
#[derive(SimpleObject)]
pub struct SkillGap {
    /// The role.
    pub role: Role,
    /// The known skills and frameworks as given.
    pub known: Vec<PathNode>,
    /// Coverage of the role's essential skills.
    pub essential: Coverage,
    /// Coverage of the role's optional skills.
    pub optional: Coverage,
    /// Essential skills and frameworks not covered, by demand (highest first), then evidence
    /// (equivalent imported occupations requiring it), then name.
    pub missing_essential: Vec<GapSkill>,
    /// Optional skills and frameworks not covered, in the same order. An
    /// optional framework counts only when its language is covered or kept (as in learning
    /// paths).
    pub missing_optional: Vec<GapSkill>,
    /// The role's frameworks ranked by how much of their skill set (language included) is
    /// covered: share, then number covered, essential before optional, then evidence (how many
    /// equivalent imported occupations use it), then name.
    pub frameworks: Vec<FrameworkFit>,
}

/// Requirements (skills and frameworks) covered: known, or a prerequisite (transitively) of a
/// known skill or framework.
#[derive(SimpleObject)]
pub struct Coverage {
    /// How many of them required it (the rest preferred it).
    pub required: i32,
    /// How many of them are covered.
    pub covered: i32,
    /// How many of them are not covered.
    pub missing: i32,
    /// covered / required in percent, one decimal; 100 when nothing is required.
    pub percent: f64,
}

/// A requirement of the role that is not covered: a skill or a framework.
#[derive(SimpleObject)]
pub struct GapSkill {
    /// The skill or framework.
    pub node: PathNode,
    /// The missing skill; null when it is a framework.
    #[graphql(deprecation = "Use `node` (`... on Skill`).")]
    pub skill: Option<Skill>,
    /// The missing framework; null when it is a skill.
    #[graphql(deprecation = "Use `node` (`... on Framework`).")]
    pub framework: Option<Framework>,
    /// The level the role requires; null on imported edges (ESCO and O*NET give none).
    pub level: Option<i32>,
    /// Market demand: roles requiring it plus job postings asking for it.
    pub demand: i32,
}

/// How well someone's skills fit one of the role's frameworks.
#[derive(SimpleObject)]
pub struct FrameworkFit {
    /// The framework.
    pub framework: Framework,
    /// ESSENTIAL or OPTIONAL.
    pub importance: Importance,
    /// The level the role requires; null on imported edges.
    pub level: Option<i32>,
    /// Size of the framework's skill set, its language included.
    pub skills: i32,
    /// How many of them are covered.
    pub covered: i32,
    /// covered / skills in percent, one decimal; 100 for a framework with no skills.
    pub percent: f64,
    /// The framework's skills not covered, by name.
    pub missing: Vec<Skill>,
}

impl From<gap::SkillGap> for SkillGap {
    fn from(g: gap::SkillGap) -> Self {
        let coverage = |c: gap::Coverage| Coverage {
            required: clamp(c.required),
            covered: clamp(c.covered),
            missing: clamp(c.required - c.covered),
            percent: c.percent,
        };
        let gaps = |v: Vec<gap::GapSkill>| {
            v.into_iter()
                .map(|g| {
                    let (skill, framework) = split(&g.node);
                    GapSkill {
                        node: g.node.into(),
                        skill,
                        framework,
                        level: g.level,
                        demand: clamp(g.demand.score()),
                    }
                })
                .collect()
        };
        SkillGap {
            role: Role(g.role),
            known: nodes(g.known),
            essential: coverage(g.essential),
            optional: coverage(g.optional),
            missing_essential: gaps(g.missing_essential),
            missing_optional: gaps(g.missing_optional),
            frameworks: g
                .frameworks
                .into_iter()
                .map(|f| FrameworkFit {
                    framework: Framework(f.framework),
                    importance: f.importance.into(),
                    level: f.level,
                    skills: clamp(f.skills),
                    covered: clamp(f.covered),
                    percent: f.percent,
                    missing: f.missing.into_iter().map(Skill).collect(),
                })
                .collect(),
        }
    }
}

/// A skill or framework related to another, with its score and every signal behind it.
#[derive(SimpleObject)]
pub struct RelatedSkill {
    /// The skill or framework.
    pub node: PathNode,
    /// The related skill; null when it is a framework.
    #[graphql(deprecation = "Use `node` (`... on Skill`).")]
    pub skill: Option<Skill>,
    /// The related framework; null when it is a skill.
    #[graphql(deprecation = "Use `node` (`... on Framework`).")]
    pub framework: Option<Framework>,
    /// 0.4 × related + 0.2 × sharedBroader + 0.3 × coRequirement + 0.1 × postings, between 0
    /// and 1.
    pub score: f64,
    /// The signals behind the score.
    pub components: RelatednessComponents,
}

/// The signals of a relatedness score.
#[derive(SimpleObject)]
pub struct RelatednessComponents {
    /// 1 when curators linked the two as related, one is a direct prerequisite of the other,
    /// or one is a framework and the other its language or one of its skills. Evidence: 1 or 0.
    pub related: ScoreComponent,
    /// Jaccard index of their broader skills. Evidence: how many broader skills they share.
    pub shared_broader: ScoreComponent,
    /// Jaccard index of the roles requiring them. Evidence: how many roles require both.
    pub co_requirement: ScoreComponent,
    /// Jaccard index of the job postings asking for them. Evidence: how many postings ask for
    /// both.
    pub postings: ScoreComponent,
}

/// One signal: its value, its weight in the score and what it is computed from.
#[derive(SimpleObject)]
pub struct ScoreComponent {
    /// Between 0 and 1.
    pub value: f64,
    /// Its weight in the score.
    pub weight: f64,
    /// value × weight: its share of the score.
    pub contribution: f64,
    /// The count the value comes from.
    pub evidence: i32,
}

impl From<related::Component> for ScoreComponent {
    fn from(c: related::Component) -> Self {
        ScoreComponent {
            value: c.value,
            weight: c.weight,
            contribution: c.contribution,
            evidence: clamp(c.evidence),
        }
    }
}

impl From<related::RelatedSkill> for RelatedSkill {
    fn from(r: related::RelatedSkill) -> Self {
        let (skill, framework) = split(&r.node);
        RelatedSkill {
            node: r.node.into(),
            skill,
            framework,
            score: r.score,
            components: RelatednessComponents {
                related: r.components.related.into(),
                shared_broader: r.components.shared_broader.into(),
                co_requirement: r.components.co_requirement.into(),
                postings: r.components.postings.into(),
            },
        }
    }
}

/// The kind of link a hop of a skill chain follows.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillLinkType {
    /// A prerequisite link.
    Prerequisite,
    /// A broader/narrower link.
    Broader,
    /// A framework and the language it is written in.
    Language,
}

/// How the second skill of a hop relates to the first (named like the `Skill` fields).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillRelation {
    /// `to` is a prerequisite of `from`.
    Prerequisite,
    /// `to` has `from` as a prerequisite.
    RequiredBy,
    /// `to` is a broader skill of `from`.
    Broader,
    /// `to` is a narrower skill of `from`.
    Narrower,
    /// `to` is the language framework `from` is written in.
    Language,
    /// `to` is a framework written in language `from`.
    Framework,
}

/// The shortest chain of prerequisite, broader and language links between two skills or
/// frameworks.
#[derive(SimpleObject)]
pub struct SkillPath {
    /// The first day, included.
    pub from: PathNode,
    /// The last day, included.
    pub to: PathNode,
    /// Number of hops (0 when `from` and `to` are the same skill).
    pub length: i32,
    /// The links, in order from `from` to `to`.
    pub hops: Vec<SkillPathHop>,
}

/// One link of a chain.
#[derive(SimpleObject)]
pub struct SkillPathHop {
    /// The first day, included.
    pub from: PathNode,
    /// The last day, included.
    pub to: PathNode,
    /// The kind of link followed.
    pub link: SkillLinkType,
    /// How `to` relates to `from`.
    pub relation: SkillRelation,
}

impl From<route::SkillPath> for SkillPath {
    fn from(p: route::SkillPath) -> Self {
        SkillPath {
            from: p.from.into(),
            to: p.to.into(),
            length: clamp(p.hops.len()),
            hops: p
                .hops
                .into_iter()
                .map(|h| SkillPathHop {
                    from: h.from.into(),
                    to: h.to.into(),
                    link: match h.link {
                        route::LinkType::Prerequisite => SkillLinkType::Prerequisite,
                        route::LinkType::Broader => SkillLinkType::Broader,
                        route::LinkType::Language => SkillLinkType::Language,
                    },
                    relation: match h.relation {
                        route::Relation::Prerequisite => SkillRelation::Prerequisite,
                        route::Relation::RequiredBy => SkillRelation::RequiredBy,
                        route::Relation::Broader => SkillRelation::Broader,
                        route::Relation::Narrower => SkillRelation::Narrower,
                        route::Relation::Language => SkillRelation::Language,
                        route::Relation::Framework => SkillRelation::Framework,
                    },
                })
                .collect(),
        }
    }
}
