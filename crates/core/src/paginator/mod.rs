//! Paginators from botocore's `paginators-1.json`, as boto3's
//! `client.get_paginator(...)`.
//!
//! - [`ClientHandle::get_paginator`] gives a JSON [`Paginator`]; its
//!   [`paginate`](Paginator::paginate) is a [`Stream`](futures_util::Stream)
//!   of JSON pages ([`Pages`]) with [`items`](Pages::items),
//!   [`search`](Pages::search) and [`build_full_result`](Pages::build_full_result).
//! - Generated clients add typed `<operation>_paginator(input)` methods
//!   returning [`TypedPages`], whose [`items`](TypedPages::items) are typed.
//!
//! The page loop is botocore's `PageIterator`: input/output tokens (several,
//! and JMESPath output tokens such as `NextMarker || Contents[-1].Key`),
//! `more_results`, `limit_key` with [`PaginationConfig::page_size`],
//! `max_items` truncation with a resume token, `non_aggregate_keys`, and an
//! error when the service returns the same next token twice. Resume tokens are
//! botocore's: base64 of the JSON object of input tokens (plus
//! `truncate_amount`), so tokens move between boto3 and myaws.

// Errors carry an `SdkError`, large by design and rare (as in `client`).
#![allow(clippy::result_large_err)]

mod engine;
mod error;
mod flatten;
mod pages;
mod spec;
#[cfg(test)]
mod tests;
pub mod token;
mod typed;

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::client::ClientHandle;
use crate::value::IntoValue;

pub use engine::{PageFuture, PageSource};
pub use error::PaginationError;
pub use flatten::Items;
pub use pages::Pages;
pub use spec::{PaginatorSpec, SpecError};
pub use typed::{TypedItems, TypedPages};

/// How much to fetch and where to start, as botocore's `PaginationConfig`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaginationConfig {
    /// Stop after this many items of the primary result key; the last page
    /// is truncated and [`Pages::resume_token`] tells where to go on.
    pub max_items: Option<u64>,
    /// Items per request (sent as the operation's `limit_key`).
    pub page_size: Option<u64>,
    /// Where to start: a resume token from an earlier pagination, or the
    /// service's own next token.
    pub starting_token: Option<String>,
}

impl PaginationConfig {
    /// Sets [`Self::max_items`].
    pub fn max_items(mut self, value: u64) -> Self {
        self.max_items = Some(value);
        self
    }

    /// Sets [`Self::page_size`].
    pub fn page_size(mut self, value: u64) -> Self {
        self.page_size = Some(value);
        self
    }

    /// Sets [`Self::starting_token`].
    pub fn starting_token(mut self, value: impl Into<String>) -> Self {
        self.starting_token = Some(value.into());
        self
    }
}

/// The operation has no paginator; lists those that do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPaginator {
    /// The name asked for.
    pub name: String,
    /// The snake_case names of the operations that can be paginated, sorted.
    pub valid: Vec<String>,
}

impl fmt::Display for UnknownPaginator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no paginator for operation `{}`", self.name)?;
        if self.valid.is_empty() {
            write!(f, "; this service has no paginators")
        } else {
            write!(f, "; valid names: {}", self.valid.join(", "))
        }
    }
}

impl std::error::Error for UnknownPaginator {}

/// A paginator for one operation of a client, working on JSON like boto3's.
#[derive(Debug, Clone)]
pub struct Paginator {
    handle: ClientHandle,
    op: usize,
    spec: Arc<PaginatorSpec>,
}

impl Paginator {
    /// The paginator's configuration (tokens, result keys, limit key).
    pub fn spec(&self) -> &PaginatorSpec {
        &self.spec
    }

    /// Pages of the operation called with JSON `params` (`null` for none).
    pub fn paginate(&self, params: Json, config: PaginationConfig) -> Pages {
        let source = engine::user_source(self.handle.clone(), self.op);
        Pages::from_parts(
            engine::RawPages::new(self.spec.clone(), source, params, config),
            Some(self.handle.model().clone()),
        )
    }
}

impl ClientHandle {
    /// Whether `operation` (API or snake_case name) has a paginator.
    pub fn can_paginate(&self, operation: &str) -> bool {
        self.get_paginator(operation).is_ok()
    }

    /// The snake_case names of the operations that have a paginator, sorted.
    pub fn paginator_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .service()
            .paginators
            .as_deref()
            .map(spec::operation_names)
            .unwrap_or_default()
            .iter()
            .map(|n| crate::names::xform_name(n))
            .collect();
        names.sort();
        names
    }

    /// The paginator of `operation` (`list_objects_v2` or `ListObjectsV2`).
    pub fn get_paginator(&self, operation: &str) -> Result<Paginator, UnknownPaginator> {
        let unknown = || UnknownPaginator {
            name: operation.to_string(),
            valid: self.paginator_names(),
        };
        let op = self.operation_index(operation).ok_or_else(unknown)?;
        let spec = self.paginator_spec(op).ok_or_else(unknown)?;
        Ok(Paginator {
            handle: self.clone(),
            op,
            spec,
        })
    }

    /// Typed pages of operation number `op` (what generated
    /// `<operation>_paginator` methods return). `T` is the element type of
    /// the primary result key when it is a list member of the output, else
    /// [`crate::Document`].
    pub fn typed_paginator<I: IntoValue, O, E, T>(
        &self,
        op: usize,
        input: I,
    ) -> TypedPages<O, E, T> {
        TypedPages::from_raw(self.raw_pages(op, input.into_value()))
    }

    fn raw_pages(&self, op: usize, input: crate::value::Value) -> typed::RawTyped {
        let params = self.input_json(op, &input);
        let model = self.model().clone();
        match self.paginator_spec(op) {
            Some(spec) => {
                let source = engine::client_source(self.clone(), op);
                let raw = engine::RawPages::new(
                    spec.clone(),
                    source,
                    params,
                    PaginationConfig::default(),
                );
                typed::RawTyped::new(raw, model, op, &spec)
            }
            None => {
                let name = model
                    .operations
                    .get(op)
                    .map(|o| o.name.clone())
                    .unwrap_or_default();
                typed::RawTyped::failed(
                    PaginationError::Unsupported(format!("operation `{name}` has no paginator")),
                    model,
                )
            }
        }
    }

    /// The compiled paginator of operation number `op`, if it has one.
    fn paginator_spec(&self, op: usize) -> Option<Arc<PaginatorSpec>> {
        let model = self.model();
        let operation = model.operations.get(op)?;
        let document = self.service().paginators.as_deref()?;
        let mut spec = spec::lookup(document, &operation.name).ok()??;
        spec.bind_model(model, operation);
        Some(Arc::new(spec))
    }
}

impl fmt::Display for Paginator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "paginator for {}", self.spec.operation)
    }
}
