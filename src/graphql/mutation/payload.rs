//! Mutation results (README "Conventions"): what was written, and `userErrors` for what the
//! caller's user can fix — Shopify's shape. Errors nobody can fix by changing the input
//! (unauthenticated, internal) stay top-level GraphQL errors with `extensions.code`.
use async_graphql::{Enum, SimpleObject};

use crate::error::AppError;

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
    /// The path to the argument or input field at fault, from the mutation's arguments:
    /// `["input", "slug"]`, `["input", "aliases", "2"]`, `["level"]`, `["prerequisite"]`; null
    /// only when no single input is at fault.
    pub field: Option<Vec<String>>,
    /// What kind of error.
    pub code: UserErrorCode,
    /// What is wrong, in words.
    pub message: String,
}

/// Why a mutation body failed: an error of the domain, which may name the input at fault (see
/// [`AppError::at`]), or one of the GraphQL layer (no database handle, …).
pub(crate) enum Failure {
    App(AppError),
    Gql(async_graphql::Error),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

impl From<async_graphql::Error> for Failure {
    fn from(e: async_graphql::Error) -> Self {
        Failure::Gql(e)
    }
}

/// Where a mutation's inputs are, to turn the name of an input at fault (`slug`, `aliases.2`,
/// `role`, `other`) into the path a client sees (`["input", "slug"]`, `["input", "aliases",
/// "2"]`, `["role"]`, `["broader"]`): a name that is one of `args` (after `renames`) is that
/// argument; any other is a field of the `input` argument.
pub(crate) struct Inputs {
    /// The mutation's top-level arguments.
    pub args: &'static [&'static str],
    /// Domain names that an argument spells otherwise (`other` → `prerequisite`).
    pub renames: &'static [(&'static str, &'static str)],
}

impl Inputs {
    /// Inputs named as the mutation's arguments are.
    pub const fn args(args: &'static [&'static str]) -> Self {
        Inputs { args, renames: &[] }
    }

    pub fn path(&self, name: &str) -> Vec<String> {
        let mut path: Vec<String> = name.split('.').map(str::to_owned).collect();
        if let Some((_, to)) = self.renames.iter().find(|(from, _)| path[0] == *from) {
            path[0] = (*to).to_owned();
        }
        if !self.args.contains(&path[0].as_str()) && self.args.contains(&"input") {
            path.insert(0, "input".to_owned());
        }
        path
    }
}

fn user_code(code: &str) -> Option<UserErrorCode> {
    match code {
        "NOT_FOUND" => Some(UserErrorCode::NotFound),
        "VALIDATION" => Some(UserErrorCode::Validation),
        "CONFLICT" => Some(UserErrorCode::Conflict),
        _ => None,
    }
}

/// The outcome of a mutation body: a fixable error becomes the payload's `userErrors` (through
/// `failed`), with the path to the input at fault when the error names one; any other error
/// stays a top-level error.
pub(crate) fn payload<P>(
    r: Result<P, Failure>,
    inputs: &Inputs,
    failed: impl FnOnce(Vec<UserError>) -> P,
) -> async_graphql::Result<P> {
    match r {
        Ok(p) => Ok(p),
        Err(Failure::App(e)) => match user_code(e.code()) {
            Some(code) => Ok(failed(vec![UserError {
                field: e.field().map(|f| inputs.path(f)),
                code,
                message: e.detail(),
            }])),
            None => Err(e.into()),
        },
        Err(Failure::Gql(e)) => {
            let code = e
                .extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .and_then(|v| match v {
                    async_graphql::Value::String(s) => user_code(s),
                    _ => None,
                });
            match code {
                Some(code) => Ok(failed(vec![UserError {
                    field: None,
                    code,
                    message: e.message,
                }])),
                None => Err(e),
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_names_become_argument_paths() {
        let create = Inputs::args(&["input"]);
        assert_eq!(create.path("slug"), ["input", "slug"]);
        assert_eq!(create.path("aliases.2"), ["input", "aliases", "2"]);
        let update = Inputs::args(&["skill", "input"]);
        assert_eq!(update.path("skill"), ["skill"]);
        assert_eq!(update.path("kind"), ["input", "kind"]);
        let link = Inputs {
            args: &["skill", "prerequisite"],
            renames: &[("other", "prerequisite")],
        };
        assert_eq!(link.path("other"), ["prerequisite"]);
        assert_eq!(link.path("skill"), ["skill"]);
        // A mutation without an `input` argument: the name is the argument's.
        assert_eq!(Inputs::args(&["role", "level"]).path("level"), ["level"]);
    }

    #[test]
    fn the_innermost_name_wins_and_internal_errors_get_none() {
        let e = AppError::Validation("bad".into()).at("slug").at("input");
        assert_eq!(e.field(), Some("slug"));
        assert_eq!(e.code(), "VALIDATION");
        assert_eq!(e.detail(), "bad");
        let e = e.untagged().at("name");
        assert_eq!(e.field(), Some("name"));
        let internal = AppError::Internal("x".into()).at("slug");
        assert_eq!(internal.field(), None);
        assert!(internal.is_internal());
    }
}
