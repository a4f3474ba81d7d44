//! Who is calling and what they may do: API keys (scopes and a cost budget per window, see
//! [`keys`] and [`budget`]) and the admin token, kept as a bootstrap with every scope.
//! Nothing here knows GraphQL or HTTP: the HTTP layer hands over the `Authorization` header,
//! the GraphQL layer asks [`Caller::allows`] and charges through [`budget::charge`].
pub mod budget;
pub mod keys;

use std::fmt;

use sea_orm::DatabaseConnection;

use crate::{
    config::Secret,
    error::{AppError, AppResult},
};

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Queries and subscriptions (required of every request with `--require-key`).
    Read,
    /// Mutations of skills, frameworks and roles.
    WriteCatalog,
    /// Mutations of job postings.
    WritePostings,
    /// Imports of releases and posting files.
    Import,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::Read,
        Scope::WriteCatalog,
        Scope::WritePostings,
        Scope::Import,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::WriteCatalog => "write:catalog",
            Scope::WritePostings => "write:postings",
            Scope::Import => "import",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scopes(u8);

impl Scopes {
    pub fn all() -> Self {
        Scope::ALL.into_iter().collect()
    }

    pub fn contains(self, s: Scope) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Parses `read,write:catalog,…` (spaces allowed); an unknown name is an error.
    pub fn parse(list: &str) -> AppResult<Self> {
        let mut out = Scopes::default();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let s = Scope::ALL
                .into_iter()
                .find(|s| s.as_str().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    AppError::Validation(format!("unknown scope `{name}`: use {}", Scopes::all()))
                })?;
            out.0 |= s.bit();
        }
        Ok(out)
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        Scopes(iter.into_iter().fold(0, |acc, s| acc | s.bit()))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Scope::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .map(Scope::as_str)
            .collect();
        f.write_str(&names.join(","))
    }
}

/// A key's spending limit: `points` of query cost per window of `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub points: i64,
    pub window_secs: i64,
}

/// A verified API key, as a request carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyCaller {
    pub id: i64,
    pub name: String,
    pub scopes: Scopes,
    pub budget: Option<Budget>,
}

/// Who sent a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Caller {
    /// No `Authorization` header.
    #[default]
    Anonymous,
    /// The admin token: every scope, no budget.
    Admin,
    Key(KeyCaller),
}

impl Caller {
    pub fn allows(&self, scope: Scope) -> bool {
        match self {
            Caller::Anonymous => false,
            Caller::Admin => true,
            Caller::Key(k) => k.scopes.contains(scope),
        }
    }

    /// The budget charged for this caller's requests, if any.
    pub fn budget(&self) -> Option<(i64, Budget)> {
        match self {
            Caller::Key(KeyCaller {
                id,
                budget: Some(b),
                ..
            }) => Some((*id, *b)),
            _ => None,
        }
    }
}

/// Reads an `Authorization` header value: `Bearer <admin token>` or `Bearer <API key>` (the
/// scheme is case-insensitive, RFC 9110). No header is an anonymous caller; a header that is
/// not a valid, unrevoked credential is refused (UNAUTHENTICATED) rather than ignored, so a
/// mistyped or revoked key fails loudly instead of falling back to anonymous access.
pub async fn authenticate(
    db: &DatabaseConnection,
    admin_token: Option<&Secret>,
    authorization: Option<&str>,
) -> AppResult<Caller> {
    let Some(value) = authorization else {
        return Ok(Caller::Anonymous);
    };
    let token = value
        .trim()
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthenticated("the Authorization header must be `Bearer <key>`".into())
        })?;
    if admin_token.is_some_and(|a| keys::constant_time_eq(token.as_bytes(), a.expose().as_bytes()))
    {
        return Ok(Caller::Admin);
    }
    if let Some(k) = keys::verify(db, token).await? {
        return Ok(Caller::Key(k));
    }
    Err(AppError::Unauthenticated(if admin_token.is_none() {
        "invalid or revoked API key (and no admin token is configured: SKILLGRAPH_ADMIN_TOKEN)"
            .into()
    } else {
        "invalid or revoked API key or admin token".into()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_print() {
        let s = Scopes::parse("read, write:catalog").expect("parse");
        assert!(s.contains(Scope::Read) && s.contains(Scope::WriteCatalog));
        assert!(!s.contains(Scope::WritePostings) && !s.contains(Scope::Import));
        assert_eq!(s.to_string(), "read,write:catalog");
        assert_eq!(
            Scopes::all().to_string(),
            "read,write:catalog,write:postings,import"
        );
        assert!(Scopes::parse("read,admin").is_err());
        assert!(Scopes::parse("").expect("empty").is_empty());
    }
}
