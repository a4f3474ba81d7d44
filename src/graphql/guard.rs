//! Who may write: every mutation needs the admin bearer token.
use async_graphql::{Context, Guard};

use crate::error::AppError;

/// What the HTTP layer learned from the `Authorization` header.
#[derive(Clone, Copy, Debug, Default)]
pub struct Auth {
    pub token_configured: bool,
    pub is_admin: bool,
}

pub struct AdminGuard;

impl Guard for AdminGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let auth = ctx.data_opt::<Auth>().copied().unwrap_or_default();
        if !auth.token_configured {
            return Err(AppError::Unauthenticated(
                "mutations are disabled: no admin token is configured (SKILLGRAPH_ADMIN_TOKEN)"
                    .into(),
            )
            .into());
        }
        if !auth.is_admin {
            return Err(AppError::Unauthenticated(
                "mutations need a valid `Authorization: Bearer <token>` header".into(),
            )
            .into());
        }
        Ok(())
    }
}

/// Compares without an early exit, so timing does not reveal how much of a token matched.
pub fn token_matches(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, x) in b.iter().enumerate() {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ x);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::token_matches;

    #[test]
    fn compares_tokens() {
        assert!(token_matches("abcdefghijklmnop", "abcdefghijklmnop"));
        assert!(!token_matches("abcdefghijklmnoq", "abcdefghijklmnop"));
        assert!(!token_matches("abc", "abcdefghijklmnop"));
        assert!(!token_matches("abcdefghijklmnopq", "abcdefghijklmnop"));
        assert!(!token_matches("", "abcdefghijklmnop"));
    }
}
