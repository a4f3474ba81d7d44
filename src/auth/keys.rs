//! API keys: made by `skillgraph keys create`, shown once, stored as a SHA-256 hash.
//!
//! A key reads `sg_<id>_<64 hex digits>`: 256 random bits from the operating system's CSPRNG
//! (`getrandom`), and the row id so a request finds its row with a primary-key lookup. Only
//! the SHA-256 of the random part is stored, compared in constant time (`subtle`). A slow
//! password hash (argon2) earns nothing here: it exists to make guessing low-entropy passwords
//! expensive, and 2^256 possibilities cannot be guessed at any hash speed; but it would cost
//! every request tens of milliseconds of CPU (README "Keys and budgets" has the figures) and
//! hand anyone with a made-up key a way to burn that CPU. GitHub stores its tokens the same way.
//! The row is read on every request, so a revocation holds at once on every instance.
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Budget, KeyCaller, Scopes};
use crate::{
    error::{AppError, AppResult},
    store,
};

const PREFIX: &str = "sg_";
/// Random bytes in a secret (256 bits).
const SECRET_BYTES: usize = 32;
/// How stale `last_used_at` may get before a request updates it (one write a minute per key
/// rather than one per request).
const TOUCH_EVERY_SECS: i64 = 60;
/// The window of a budget given without one.
pub const DEFAULT_WINDOW_SECS: i64 = 3600;

/// What `keys create` asks for.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub name: String,
    pub scopes: Scopes,
    pub budget: Option<Budget>,
}

/// A key as `keys list` shows it (never the secret).
#[derive(Clone, Debug)]
pub struct KeyInfo {
    pub id: i64,
    pub name: String,
    /// `sg_<id>_<first hex digits>…`
    pub shown: String,
    pub scopes: Scopes,
    pub budget: Option<Budget>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Compares without an early exit, so timing does not tell how much matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Hex SHA-256 of a key's random part: what is stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_secret() -> AppResult<String> {
    let mut buf = [0u8; SECRET_BYTES];
    getrandom::fill(&mut buf)
        .map_err(|e| AppError::Internal(format!("no random numbers from the OS: {e}")))?;
    Ok(hex::encode(buf))
}

/// Splits `sg_<id>_<secret>`; `None` when the token does not have that shape.
fn parse(token: &str) -> Option<(i64, &str)> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let id: i64 = id.parse().ok()?;
    (secret.len() == SECRET_BYTES * 2 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some((id, secret))
}

fn validate(new: &NewKey) -> AppResult<()> {
    if new.name.trim().is_empty() || new.name.len() > 200 {
        return Err(AppError::Validation(
            "a key needs a name of 1 to 200 characters".into(),
        ));
    }
    if new.scopes.is_empty() {
        return Err(AppError::Validation(format!(
            "a key needs at least one scope: {}",
            Scopes::all()
        )));
    }
    if let Some(b) = new.budget {
        if b.points <= 0 || b.window_secs <= 0 {
            return Err(AppError::Validation(
                "budget and window must be positive".into(),
            ));
        }
    }
    Ok(())
}

/// Creates a key; returns its id and the secret, which is never shown again.
pub async fn create(db: &impl sea_orm::ConnectionTrait, new: &NewKey) -> AppResult<(i64, String)> {
    validate(new)?;
    let secret = random_secret()?;
    let row = store::keys::insert(
        db,
        store::keys::NewRow {
            name: new.name.trim(),
            prefix: &secret[..6],
            hash: &hash_secret(&secret),
            scopes: &new.scopes.to_string(),
            budget: new.budget,
            created_at: Utc::now(),
        },
    )
    .await?;
    Ok((row.id, format!("{PREFIX}{}_{secret}", row.id)))
}

fn info(m: entity::api_key::Model) -> KeyInfo {
    KeyInfo {
        id: m.id,
        shown: format!("{PREFIX}{}_{}…", m.id, m.prefix),
        // Written by `create` only, from parsed scopes.
        scopes: Scopes::parse(&m.scopes).unwrap_or_default(),
        budget: budget_of(&m),
        name: m.name,
        created_at: m.created_at,
        revoked_at: m.revoked_at,
        last_used_at: m.last_used_at,
    }
}

fn budget_of(m: &entity::api_key::Model) -> Option<Budget> {
    m.budget.map(|points| Budget {
        points,
        window_secs: m.window_secs.unwrap_or(DEFAULT_WINDOW_SECS),
    })
}

/// Every key, oldest first.
pub async fn list(db: &impl sea_orm::ConnectionTrait) -> AppResult<Vec<KeyInfo>> {
    Ok(store::keys::all(db).await?.into_iter().map(info).collect())
}

/// Revokes a key at once (every instance reads the row on each request). Revoking a revoked
/// key keeps its first revocation time.
pub async fn revoke(db: &impl sea_orm::ConnectionTrait, id: i64) -> AppResult<KeyInfo> {
    store::keys::revoke(db, id, Utc::now()).await?;
    store::keys::find(db, id)
        .await?
        .map(info)
        .ok_or_else(|| AppError::not_found("API key", id))
}

/// The key a token names, if the token is a well-formed, known, unrevoked key whose secret
/// matches; `None` otherwise.
pub async fn verify(
    db: &impl sea_orm::ConnectionTrait,
    token: &str,
) -> AppResult<Option<KeyCaller>> {
    let Some((id, secret)) = parse(token) else {
        return Ok(None);
    };
    let Some(row) = store::keys::find(db, id).await? else {
        return Ok(None);
    };
    let matches = constant_time_eq(hash_secret(secret).as_bytes(), row.hash.as_bytes());
    if !matches || row.revoked_at.is_some() {
        return Ok(None);
    }
    let now = Utc::now();
    if row
        .last_used_at
        .is_none_or(|t| (now - t).num_seconds() >= TOUCH_EVERY_SECS)
    {
        store::keys::touch(db, id, now).await?;
    }
    Ok(Some(KeyCaller {
        id,
        budget: budget_of(&row),
        scopes: Scopes::parse(&row.scopes).unwrap_or_default(),
        name: row.name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_strictly() {
        let s = "ab".repeat(32);
        assert_eq!(parse(&format!("sg_12_{s}")), Some((12, s.as_str())));
        assert_eq!(parse(&format!("sg_x_{s}")), None);
        assert_eq!(parse(&format!("sg_12_{}", &s[1..])), None);
        assert_eq!(parse(&format!("sg_12_{}zz", &s[2..])), None);
        assert_eq!(parse("sg_12"), None);
        assert_eq!(parse(&format!("xx_12_{s}")), None);
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let (a, b) = (
            random_secret().expect("random"),
            random_secret().expect("random"),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
