//! Tracing setup: human-readable logs filtered by `RUST_LOG` (default: info for this crate).
use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // A second init (in tests) is harmless.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
