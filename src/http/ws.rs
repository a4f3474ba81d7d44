//! GraphQL over WebSocket (graphql-transport-ws, or the older graphql-ws) with the limits of
//! HTTP: message size (the body limit), the document budget, depth and cost (the `Pricer`),
//! `--require-key` and the key's budget ([`guard::charge`]), the request timeout for queries
//! and mutations; `connection_init` must come within the init timeout (else 4408) and before
//! any subscribe (else 4401).
use std::{sync::Arc, time::Duration};

use async_graphql::{Data, Executor, Request, Response};
use axum::{
    extract::{
        ws::{CloseFrame, Message, WebSocket},
        State,
    },
    response::Response as HttpResponse,
};
use futures_util::{stream::BoxStream, StreamExt};

use sea_orm::DatabaseConnection;

use crate::{
    auth::Caller,
    graphql::{
        cost::{BudgetLimits, Cost, Pricer},
        guard,
        loaders::Loaders,
        schema::AppSchema,
    },
    http::{
        graphql::{is_mutation, precheck, price, timeout_error},
        HttpState,
    },
    persisted::{Ask, PersistedOps},
    state::AppState,
};

/// The schema behind the budget check, the key's budget and, for queries and mutations, the
/// request timeout.
#[derive(Clone)]
pub(crate) struct LimitedExecutor {
    schema: AppSchema,
    app: AppState,
    /// Who opened the connection (known once `connection_init` is read).
    caller: Caller,
    /// Queries and mutations wait for their turn as over HTTP.
    admission: Arc<crate::http::admission::Admission>,
    pricer: Pricer,
    limits: BudgetLimits,
    timeout: Duration,
    /// In persisted-only mode: the store that says which documents may run.
    persisted: Option<(Arc<PersistedOps>, DatabaseConnection)>,
}

/// A request that passed the checks, with its price.
struct Admitted {
    req: Request,
    is_subscription: bool,
    /// A mutation: kept answers go when it has run.
    writes: bool,
    cost: Cost,
}

impl LimitedExecutor {
    /// The request if it passes the checks, else the error response to send.
    fn admit(&self, mut req: Request) -> Result<Admitted, Box<Response>> {
        match precheck(&mut req, &self.limits, false) {
            Ok((_, extra)) => {
                let cost = match price(&mut req, &self.pricer, extra) {
                    Ok(cost) => cost,
                    Err(errors) => return Err(Box::new(Response::from_errors(errors))),
                };
                let is_subscription = req
                    .parsed_query()
                    .map(|doc| {
                        doc.operations.iter().any(|(_, op)| {
                            op.node.ty == async_graphql::parser::types::OperationType::Subscription
                        })
                    })
                    .unwrap_or(false);
                let operation = req.operation_name.clone();
                let writes = req
                    .parsed_query()
                    .is_ok_and(|doc| is_mutation(doc, operation.as_deref()));
                Ok(Admitted {
                    req,
                    is_subscription,
                    writes,
                    cost,
                })
            }
            Err(err) => Err(Box::new(Response::from_errors(vec![err.1]))),
        }
    }
}

impl Executor for LimitedExecutor {
    fn execute(&self, request: Request) -> impl std::future::Future<Output = Response> + Send {
        let this = self.clone();
        async move {
            if let Err(refused) = this.allowed(&request.query).await {
                return refused;
            }
            let Admitted {
                req, writes, cost, ..
            } = match this.admit(request) {
                Ok(x) => x,
                Err(resp) => return *resp,
            };
            let _turn = match this.admission.enter(cost.requested).await {
                Ok(turn) => turn,
                Err(e) => return with_cost(Response::from_errors(vec![e]), cost),
            };
            let run = async {
                match this.charge(&cost).await {
                    Ok(slot) => this.schema.execute(req.data(slot)).await,
                    Err(refused) => refused.response(),
                }
            };
            let out = tokio::time::timeout(this.timeout, run).await;
            if writes {
                // As over HTTP: kept answers go before a mutation answers.
                this.app.answers.written();
            }
            out.map(|r| with_cost(r, cost))
                .unwrap_or_else(|_| Response::from_errors(vec![timeout_error()]))
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if self.persisted.is_none() {
            return self.admitted_stream(request, session_data);
        }
        let this = self.clone();
        futures_util::stream::once(async move {
            match this.allowed(&request.query).await {
                Ok(()) => this.admitted_stream(request, session_data),
                Err(refused) => futures_util::stream::once(async move { refused }).boxed(),
            }
        })
        .flatten()
        .boxed()
    }
}

impl LimitedExecutor {
    /// In persisted-only mode, whether the document is registered (WebSocket clients send it
    /// in full: there is no hash-only form here); the coded refusal otherwise.
    async fn allowed(&self, query: &str) -> Result<(), Response> {
        let Some((ops, db)) = &self.persisted else {
            return Ok(());
        };
        let ask = Ask {
            hash: None,
            query: Some(query.to_owned()),
        };
        let (message, code) = match ops.resolve(db, ask, true).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(r)) => (r.message(), r.code()),
            Err(e) => ("the operation store is unavailable", e.code()),
        };
        let mut e = async_graphql::ServerError::new(message, None);
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", code);
        e.extensions = Some(ext);
        Err(Response::from_errors(vec![e]))
    }

    /// `--require-key` and the key's budget, charged the request's price (see
    /// [`guard::charge`]): the charge as request data for the `rateLimit` field, or the refusal.
    async fn charge(&self, cost: &Cost) -> Result<guard::RateSlot, guard::Refused> {
        guard::charge(&self.app, &self.caller, cost.requested as u64).await
    }

    /// The answers to a request the store allows: checked against the document budget and
    /// priced, charged to the key, then run.
    fn admitted_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let Admitted {
            req,
            is_subscription,
            writes,
            cost,
        } = match self.admit(request) {
            Ok(x) => x,
            Err(resp) => return futures_util::stream::once(async move { *resp }).boxed(),
        };
        let this = self.clone();
        let session_data = session_data.unwrap_or_default();
        if is_subscription {
            // Charged once, when it starts.
            return futures_util::stream::once(async move {
                match this.charge(&cost).await {
                    Ok(slot) => this
                        .schema
                        .execute_stream_with_session_data(req.data(slot), session_data),
                    Err(refused) => {
                        futures_util::stream::once(async move { refused.response() }).boxed()
                    }
                }
            })
            .flatten()
            .boxed();
        }
        // A query or mutation: one answer, within the request timeout (the charge included).
        let timeout = self.timeout;
        futures_util::stream::once(async move {
            let _turn = match this.admission.enter(cost.requested).await {
                Ok(turn) => turn,
                Err(e) => return with_cost(Response::from_errors(vec![e]), cost),
            };
            let run = async {
                let slot = match this.charge(&cost).await {
                    Ok(slot) => slot,
                    Err(refused) => return Some(refused.response()),
                };
                this.schema
                    .execute_stream_with_session_data(req.data(slot), session_data)
                    .next()
                    .await
            };
            let out = tokio::time::timeout(timeout, run).await;
            if writes {
                this.app.answers.written();
            }
            match out {
                Ok(Some(r)) => with_cost(r, cost),
                Ok(None) | Err(_) => Response::from_errors(vec![timeout_error()]),
            }
        })
        .boxed()
    }
}

/// A query's or mutation's answer says what it cost, as over HTTP.
fn with_cost(mut r: Response, cost: Cost) -> Response {
    r.extensions.insert("cost".to_owned(), cost.to_value());
    r
}

/// Close codes of graphql-transport-ws.
const UNAUTHORIZED: u16 = 4401;
const INIT_TIMEOUT: u16 = 4408;
const BAD_MESSAGE: u16 = 4400;
const FORBIDDEN: u16 = 4403;

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// What the first message of a connection is.
enum First {
    Init(Message),
    Subscribe,
    Other,
}

fn classify(text: &str) -> First {
    let ty = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
    match ty.as_deref() {
        Some("connection_init") => First::Init(Message::Text(text.into())),
        Some("subscribe") | Some("start") => First::Subscribe,
        _ => First::Other,
    }
}

/// A key in `connection_init`'s payload (`Authorization` or `authorization`), the way browsers,
/// which cannot set headers on a WebSocket, send one.
fn init_authorization(init: &Message) -> Option<String> {
    let Message::Text(t) = init else {
        return None;
    };
    let v: serde_json::Value = serde_json::from_str(t.as_str()).ok()?;
    let p = v.get("payload")?;
    ["Authorization", "authorization"]
        .iter()
        .find_map(|k| p.get(*k)?.as_str().map(str::to_owned))
}

/// API keys: a bad `Authorization` header on the upgrade request is a 401 before upgrading;
/// a bad key in `connection_init` closes the socket with 4403. The caller is session data, so
/// the scopes, `--require-key` and budgets hold for every operation as over HTTP.
pub async fn subscriptions(
    State(s): State<HttpState>,
    headers: axum::http::HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> HttpResponse {
    let header_caller = match crate::http::graphql::authenticate(&s.app, &headers).await {
        Ok(c) => c,
        Err(refused) => {
            return crate::http::graphql::auth_response(
                &s.app.metrics,
                crate::http::graphql::MediaType::Json,
                *refused,
            )
        }
    };
    let app = s.app.clone();
    let mut executor = LimitedExecutor {
        schema: s.schema.clone(),
        app: s.app.clone(),
        caller: Caller::Anonymous,
        admission: Arc::clone(&s.admission),
        pricer: s.pricer.clone(),
        limits: s.app.config.budget,
        timeout: s.app.config.request_timeout,
        persisted: s
            .app
            .config
            .persisted_only
            .then(|| (Arc::clone(&s.app.persisted), s.app.db.clone())),
    };
    let init_timeout = s.app.config.ws_init_timeout;
    let limit = s.app.config.body_limit_bytes;
    let mut data = Data::default();
    data.insert(Loaders::new(&s.app.db));
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |mut socket| async move {
            let deadline = tokio::time::Instant::now() + init_timeout;
            // Wait for connection_init; pings are answered, anything else closes.
            let init = loop {
                let msg = match tokio::time::timeout_at(deadline, socket.recv()).await {
                    Err(_) => {
                        return close(socket, INIT_TIMEOUT, "Connection initialisation timeout")
                            .await
                    }
                    Ok(None) | Ok(Some(Err(_))) => return,
                    Ok(Some(Ok(m))) => m,
                };
                match msg {
                    Message::Text(t) => match classify(t.as_str()) {
                        First::Init(m) => break m,
                        First::Subscribe => {
                            return close(socket, UNAUTHORIZED, "Unauthorized").await
                        }
                        First::Other => {
                            return close(socket, BAD_MESSAGE, "expected connection_init").await
                        }
                    },
                    Message::Close(_) => return,
                    _ => continue,
                }
            };
            let mut data = data;
            let caller = match (header_caller, init_authorization(&init)) {
                (crate::auth::Caller::Anonymous, Some(a)) => {
                    match crate::auth::authenticate(
                        &app.db,
                        app.config.admin_token.as_ref(),
                        Some(&a),
                    )
                    .await
                    {
                        Ok(c) => c,
                        Err(_) => return close(socket, FORBIDDEN, "Forbidden").await,
                    }
                }
                (c, _) => c,
            };
            // The guards read the caller from the session data; the budget from the executor.
            executor.caller = caller.clone();
            data.insert(caller);
            let (sink, stream) = socket.split();
            let stream = futures_util::stream::once(async move { Ok(init) }).chain(stream);
            async_graphql_axum::GraphQLWebSocket::new_with_pair(sink, stream, executor, protocol)
                .with_data(data)
                .serve()
                .await
        })
}
