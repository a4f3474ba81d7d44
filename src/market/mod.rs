//! The job market: postings (model, writes, lists), ingestion, skill extraction, analytics and
//! the live feed of new postings. Plain functions over a connection; nothing here knows GraphQL.
pub mod analytics;
pub mod demo;
pub mod extract;
pub mod feed;
pub mod ingest;
pub mod postings;
pub mod salary_by_skill;
pub mod specs;
