//! Every direction of every relation of the catalog graph, for the batched edge pages of
//! [`crate::store::edges`].
use crate::store::edges::EdgeSpec;

pub const SKILL_ALIASES: EdgeSpec = EdgeSpec {
    table: "skill_alias",
    parent_col: "skill_id",
    child: None,
    sort_col: "alias",
    attrs: false,
};
pub const FRAMEWORK_ALIASES: EdgeSpec = EdgeSpec {
    table: "framework_alias",
    parent_col: "framework_id",
    child: None,
    sort_col: "alias",
    attrs: false,
};
pub const SKILL_BROADER: EdgeSpec = EdgeSpec {
    table: "skill_broader",
    parent_col: "skill_id",
    child: Some(("skill", "broader_id")),
    sort_col: "slug",
    attrs: false,
};
pub const SKILL_NARROWER: EdgeSpec = EdgeSpec {
    table: "skill_broader",
    parent_col: "broader_id",
    child: Some(("skill", "skill_id")),
    sort_col: "slug",
    attrs: false,
};
pub const SKILL_PREREQUISITES: EdgeSpec = EdgeSpec {
    table: "skill_prerequisite",
    parent_col: "skill_id",
    child: Some(("skill", "prerequisite_id")),
    sort_col: "slug",
    attrs: false,
};
pub const SKILL_REQUIRED_BY: EdgeSpec = EdgeSpec {
    table: "skill_prerequisite",
    parent_col: "prerequisite_id",
    child: Some(("skill", "skill_id")),
    sort_col: "slug",
    attrs: false,
};
pub const SKILL_RELATED: EdgeSpec = EdgeSpec {
    table: "skill_related",
    parent_col: "skill_id",
    child: Some(("skill", "related_id")),
    sort_col: "slug",
    attrs: false,
};
pub const SKILL_FRAMEWORKS: EdgeSpec = EdgeSpec {
    table: "framework_skill",
    parent_col: "skill_id",
    child: Some(("framework", "framework_id")),
    sort_col: "slug",
    attrs: false,
};
pub const FRAMEWORK_SKILLS: EdgeSpec = EdgeSpec {
    table: "framework_skill",
    parent_col: "framework_id",
    child: Some(("skill", "skill_id")),
    sort_col: "slug",
    attrs: false,
};
pub const SKILL_ROLES: EdgeSpec = EdgeSpec {
    table: "role_skill",
    parent_col: "skill_id",
    child: Some(("role", "role_id")),
    sort_col: "slug",
    attrs: true,
};
pub const ROLE_SKILLS: EdgeSpec = EdgeSpec {
    table: "role_skill",
    parent_col: "role_id",
    child: Some(("skill", "skill_id")),
    sort_col: "slug",
    attrs: true,
};
pub const FRAMEWORK_ROLES: EdgeSpec = EdgeSpec {
    table: "role_framework",
    parent_col: "framework_id",
    child: Some(("role", "role_id")),
    sort_col: "slug",
    attrs: true,
};
pub const ROLE_ALIASES: EdgeSpec = EdgeSpec {
    table: "role_alias",
    parent_col: "role_id",
    child: None,
    sort_col: "alias",
    attrs: false,
};
pub const ROLE_RELATED: EdgeSpec = EdgeSpec {
    table: "role_related",
    parent_col: "role_id",
    child: Some(("role", "related_id")),
    sort_col: "slug",
    attrs: false,
};
/// The inverse: the roles that list a role as related.
pub const ROLE_RELATED_FROM: EdgeSpec = EdgeSpec {
    table: "role_related",
    parent_col: "related_id",
    child: Some(("role", "role_id")),
    sort_col: "slug",
    attrs: false,
};
pub const ROLE_FRAMEWORKS: EdgeSpec = EdgeSpec {
    table: "role_framework",
    parent_col: "role_id",
    child: Some(("framework", "framework_id")),
    sort_col: "slug",
    attrs: true,
};
