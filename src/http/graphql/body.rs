//! The body of an executed request, serialised under the response cap: writing stops at the
//! cap, so an oversized answer is never built whole (a 100 MB answer used to be serialised in
//! full before it was refused), and is replaced by a `RESPONSE_TOO_LARGE` error.
use axum::{http::StatusCode, response::Response};

use super::{
    errors::{coded, error_json, request_error},
    media::{json_response, MediaType},
};
use crate::{graphql::json, metrics::Metrics};

/// A buffer that refuses to grow past `max` bytes.
struct CappedBuf {
    buf: Vec<u8>,
    max: usize,
    over: bool,
}

impl std::io::Write for CappedBuf {
    #[inline]
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.write_all(b)?;
        Ok(b.len())
    }

    /// What the serialiser calls, once per token (tens of thousands per nested answer): kept
    /// small enough to inline, as `Vec`'s own writer is.
    #[inline]
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        if self.buf.len() + b.len() > self.max {
            self.over = true;
            return Err(std::io::Error::other("response over the cap"));
        }
        self.buf.extend_from_slice(b);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `resp` as JSON, or RESPONSE_TOO_LARGE when it would exceed `max` bytes.
pub(crate) fn respond(
    metrics: &Metrics,
    media: MediaType,
    resp: &async_graphql::Response,
    max: usize,
    operation: &str,
) -> Response {
    // Written as async-graphql serialises it, except that planned answers are JSON text
    // already and are copied as they are.
    let mut out = CappedBuf {
        buf: Vec::new(),
        max,
        over: false,
    };
    let written = json::write_response(&mut out, resp);
    match written {
        Ok(()) => json_response(StatusCode::OK, media, out.buf),
        Err(_) if out.over => {
            tracing::warn!(limit = max, %operation, "response too large");
            let e = coded(
                format!("the response would be over the limit of {max} bytes: ask for less"),
                "RESPONSE_TOO_LARGE",
            );
            metrics
                .errors
                .with_label_values(&["RESPONSE_TOO_LARGE"])
                .inc();
            let body = serde_json::to_vec(&serde_json::json!({
                "data": null,
                "errors": [error_json(&e, "RESPONSE_TOO_LARGE")],
            }))
            .unwrap_or_default();
            json_response(StatusCode::OK, media, body)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a response");
            request_error(
                metrics,
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                vec![coded("internal error", "INTERNAL")],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(r: Response) -> String {
        let b = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&b).into_owned()
    }

    #[tokio::test]
    async fn stops_writing_at_the_cap() {
        let metrics = Metrics::default();
        let too_large = || {
            metrics
                .errors
                .with_label_values(&["RESPONSE_TOO_LARGE"])
                .get()
        };
        let big = async_graphql::Response::new(async_graphql::Value::String("x".repeat(10_000)));
        let body = text(respond(&metrics, MediaType::Json, &big, 1_000, "-")).await;
        assert!(
            body.len() < 1_000 && body.contains("RESPONSE_TOO_LARGE"),
            "{body}"
        );
        assert_eq!(too_large(), 1);
        let small = async_graphql::Response::new(async_graphql::Value::String("x".into()));
        let body = text(respond(&metrics, MediaType::Json, &small, 1_000, "-")).await;
        assert_eq!(body, r#"{"data":"x"}"#);
        assert_eq!(too_large(), 1);
    }
}
