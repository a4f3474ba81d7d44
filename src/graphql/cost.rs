//! Query cost: every request is priced before it runs (connections cost their page size times
//! their nodes), refused over the limits with QUERY_TOO_COMPLEX / QUERY_TOO_DEEP, and every
//! response says what it cost: `extensions.cost { requested, limit, depth, maxDepth }`.
use std::sync::{Arc, Mutex};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation},
    Name, Response, ServerError, ValidationResult, Value,
};

#[derive(Clone, Copy, Debug)]
pub struct CostLimits {
    pub max_complexity: usize,
    pub max_depth: usize,
}

impl ExtensionFactory for CostLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostExtension {
            limits: *self,
            measured: Mutex::new(None),
        })
    }
}

struct CostExtension {
    limits: CostLimits,
    measured: Mutex<Option<(usize, usize)>>,
}

fn coded(message: String, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}

#[async_trait::async_trait]
impl Extension for CostExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut resp = next.run(ctx).await;
        let measured = self.measured.lock().ok().and_then(|m| *m);
        if let Some((complexity, depth)) = measured {
            let mut cost = async_graphql::indexmap::IndexMap::new();
            cost.insert(Name::new("requested"), Value::from(complexity as u64));
            cost.insert(
                Name::new("limit"),
                Value::from(self.limits.max_complexity as u64),
            );
            cost.insert(Name::new("depth"), Value::from(depth as u64));
            cost.insert(
                Name::new("maxDepth"),
                Value::from(self.limits.max_depth as u64),
            );
            resp.extensions
                .insert("cost".to_owned(), Value::Object(cost));
        }
        resp
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Ok(mut m) = self.measured.lock() {
            *m = Some((result.complexity, result.depth));
        }
        if result.complexity > self.limits.max_complexity {
            return Err(vec![coded(
                format!(
                    "query costs {} which is over the limit of {}: ask for smaller pages or fewer levels",
                    result.complexity, self.limits.max_complexity
                ),
                "QUERY_TOO_COMPLEX",
            )]);
        }
        if result.depth > self.limits.max_depth {
            return Err(vec![coded(
                format!(
                    "query is {} levels deep, over the limit of {}",
                    result.depth, self.limits.max_depth
                ),
                "QUERY_TOO_DEEP",
            )]);
        }
        Ok(result)
    }
}
