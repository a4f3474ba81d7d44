//! SeaORM entities of the skills graph: one module per table, no GraphQL in here.
pub mod company;
pub mod framework;
pub mod framework_alias;
pub mod framework_skill;
pub mod job_posting;
pub mod role;
pub mod role_alias;
pub mod role_framework;
pub mod role_related;
pub mod role_skill;
pub mod role_skill_choice;
pub mod skill;
pub mod skill_alias;
pub mod skill_broader;
pub mod skill_prerequisite;
pub mod skill_related;
pub mod source;
