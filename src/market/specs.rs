//! The relations that lead from the catalog to job postings, for the batched edge pages of
//! [`crate::store::edges`].
use crate::store::edges::EdgeSpec;

pub const SKILL_POSTINGS: EdgeSpec = EdgeSpec {
    table: "posting_skill",
    parent_col: "skill_id",
    child: Some(("job_posting", "posting_id")),
    sort_col: "posted_date",
    attrs: false,
};
pub const FRAMEWORK_POSTINGS: EdgeSpec = EdgeSpec {
    table: "posting_framework",
    parent_col: "framework_id",
    child: Some(("job_posting", "posting_id")),
    sort_col: "posted_date",
    attrs: false,
};
/// A posting names its role itself: the row is both edge and node.
pub const ROLE_POSTINGS: EdgeSpec = EdgeSpec {
    table: "job_posting",
    parent_col: "role_id",
    child: None,
    sort_col: "posted_date",
    attrs: false,
};
