//! Mutation results (README "Conventions"): what was written, and `userErrors` for what the
//! caller's user can fix — Shopify's shape. Errors nobody can fix by changing the input
//! (unauthenticated, internal) stay top-level GraphQL errors with `extensions.code`.
use async_graphql::{Enum, SimpleObject};

/// The kind of a fixable error.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserErrorCode {
    /// A skill, framework, role, alias or link named in the input does not exist.
    NotFound,
    /// The input is not acceptable: a bad slug, an empty name, a level outside 1–5, a cycle…
    Validation,
    /// The input clashes with what is stored: a duplicate slug, a language still in use.
    Conflict,
}

/// An error in the input of a mutation that its user can fix; nothing was written.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path to the argument or input field at fault (`["input", "slug"]`), when known.
    pub field: Option<Vec<String>>,
    /// What kind of error.
    pub code: UserErrorCode,
    /// What is wrong, in words.
    pub message: String,
}

/// The outcome of a mutation body: a fixable error becomes the payload's `userErrors` (through
/// `failed`), any other error stays a top-level error.
pub(crate) fn payload<P>(
    r: async_graphql::Result<P>,
    failed: impl FnOnce(Vec<UserError>) -> P,
) -> async_graphql::Result<P> {
    let e = match r {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    let code = e
        .extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.as_str()),
            _ => None,
        });
    let code = match code {
        Some("NOT_FOUND") => UserErrorCode::NotFound,
        Some("VALIDATION") => UserErrorCode::Validation,
        Some("CONFLICT") => UserErrorCode::Conflict,
        _ => return Err(e),
    };
    Ok(failed(vec![UserError {
        field: None,
        code,
        message: e.message,
    }]))
}

/// A payload type: the entities a mutation wrote (null when it failed) and its `userErrors`.
macro_rules! payload_type {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $fdoc:literal])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            $($(#[doc = $fdoc])* pub $field: Option<$ty>,)*
            /// What the caller can fix; empty when the mutation was applied.
            pub user_errors: Vec<crate::graphql::mutation::payload::UserError>,
        }
        impl $name {
            /// The payload of a mutation that wrote nothing.
            pub fn failed(user_errors: Vec<crate::graphql::mutation::payload::UserError>) -> Self {
                Self { $($field: None,)* user_errors }
            }
        }
    };
}
pub(crate) use payload_type;
