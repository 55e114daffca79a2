//! [`Pages`]: a pagination as a stream of JSON pages, with botocore's
//! `search`, `build_full_result`, `resume_token` and `non_aggregate_part`.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use serde_json::{Map, Value as Json};

use super::engine::{PageSource, RawPages};
use super::error::PaginationError;
use super::flatten::{FlatRaw, Items, Mode};
use super::spec::PaginatorSpec;
use super::PaginationConfig;
use crate::client::RawServiceError;
use crate::dynamic::DynamicError;
use crate::jmes::{self, Expr, ExprError};
use crate::model::ServiceModel;

/// A raw service error as the dynamic path reports it.
pub(crate) fn dynamic_error(model: Option<&ServiceModel>, raw: RawServiceError) -> DynamicError {
    let members = model
        .map(|m| crate::json_call::error_members(m, &raw))
        .unwrap_or(Json::Null);
    DynamicError {
        exception: raw.shape,
        members,
    }
}

/// The pages of a pagination as JSON, from [`Paginator::paginate`](super::Paginator::paginate).
///
/// A [`Stream`] of `Result<serde_json::Value, PaginationError<DynamicError>>`;
/// it ends after the last page, after `max_items`, or after the first error.
pub struct Pages {
    raw: RawPages,
    model: Option<Arc<ServiceModel>>,
}

impl Pages {
    pub(crate) fn from_parts(raw: RawPages, model: Option<Arc<ServiceModel>>) -> Pages {
        Pages { raw, model }
    }

    /// Pages from any source of JSON pages: `source` is called with the
    /// parameters of each request (tokens and page size injected) and
    /// returns the output as JSON. This drives the same loop as a client's
    /// paginator, without a client.
    pub fn with_source(
        spec: PaginatorSpec,
        source: PageSource,
        params: Json,
        config: PaginationConfig,
    ) -> Pages {
        Pages::from_parts(RawPages::new(Arc::new(spec), source, params, config), None)
    }

    /// The paginator configuration.
    pub fn spec(&self) -> Option<&PaginatorSpec> {
        self.raw.spec().map(|s| &**s)
    }

    /// When `max_items` ended the pagination: the token to pass as
    /// [`PaginationConfig::starting_token`] to go on where it stopped.
    pub fn resume_token(&self) -> Option<&str> {
        self.raw.resume_token()
    }

    /// The `non_aggregate_keys` values of the first page.
    pub fn non_aggregate_part(&self) -> &Json {
        self.raw.non_aggregate()
    }

    /// The elements of the primary result key across pages.
    pub fn items(self) -> Items {
        let expr = self
            .raw
            .spec()
            .and_then(|s| s.primary_result_key().cloned());
        Items::new(FlatRaw::new(self.raw, expr, Mode::Items), self.model)
    }

    /// botocore's `search`: applies `expression` to every page and yields
    /// the elements of list results, other results (`null` too) as they are.
    pub fn search(self, expression: &str) -> Result<Items, ExprError> {
        let expr = Expr::compile(expression)?;
        Ok(Items::new(
            FlatRaw::new(self.raw, Some(expr), Mode::Search),
            self.model,
        ))
    }

    /// botocore's `build_full_result`: every page merged into one result.
    /// Lists of the result keys are concatenated, numbers added and strings
    /// joined; the non-aggregate keys are merged in, and `NextToken` holds
    /// the resume token when `max_items` stopped the pagination.
    pub async fn build_full_result(mut self) -> Result<Json, PaginationError<DynamicError>> {
        let result_keys: Vec<Expr> = self
            .raw
            .spec()
            .map(|s| s.result_keys.clone())
            .unwrap_or_default();
        let mut complete = Json::Object(Map::new());
        while let Some(page) = self.next().await {
            let page = page?;
            for key in &result_keys {
                add_page_value(&mut complete, key, key.search(&page));
            }
        }
        merge(&mut complete, self.non_aggregate_part().clone());
        if let (Some(token), Json::Object(map)) = (self.resume_token(), &mut complete) {
            map.insert("NextToken".into(), Json::String(token.to_string()));
        }
        Ok(complete)
    }
}

/// Adds one page's value of a result key to the full result.
fn add_page_value(complete: &mut Json, key: &Expr, value: Json) {
    if value.is_null() {
        return;
    }
    let merged = match (key.search(complete), value) {
        (Json::Null, value) => value,
        (Json::Array(mut existing), Json::Array(more)) => {
            existing.extend(more);
            Json::Array(existing)
        }
        (Json::Number(a), Json::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => Json::from(a.saturating_add(b)),
            _ => {
                serde_json::Number::from_f64(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0))
                    .map_or(Json::Null, Json::Number)
            }
        },
        (Json::String(a), Json::String(b)) => Json::String(a + &b),
        (existing, _) => existing,
    };
    jmes::set_value(complete, key.as_str(), merged);
}

/// botocore's `merge_dicts`: objects merge recursively, other values replace.
fn merge(into: &mut Json, from: Json) {
    let (Json::Object(target), Json::Object(source)) = (into, from) else {
        return;
    };
    for (k, v) in source {
        match target.get_mut(&k) {
            Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
            _ => {
                target.insert(k, v);
            }
        }
    }
}

impl Stream for Pages {
    type Item = Result<Json, PaginationError<DynamicError>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let model = this.model.as_deref();
        Pin::new(&mut this.raw)
            .poll_next(cx)
            .map(|item| item.map(|r| r.map_err(|e| e.map_service(|raw| dynamic_error(model, raw)))))
    }
}
