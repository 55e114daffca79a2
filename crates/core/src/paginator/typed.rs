//! Typed pages and items, for the generated `<operation>_paginator` methods.
//!
//! Pages run through the same JSON loop as [`Pages`](super::Pages) (tokens
//! are found with JMESPath on JSON); each page is converted to the typed
//! output after `max_items` truncation. Items are typed as the element of
//! the primary result key when that key names a list member of the output
//! (every paginator in the bundled models), else they are JSON
//! ([`crate::Document`]).

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde_json::Value as Json;

use super::engine::{RawError, RawPages};
use super::error::PaginationError;
use super::flatten::{FlatRaw, Mode};
use super::spec::PaginatorSpec;
use super::PaginationConfig;
use crate::convert;
use crate::error::OperationError;
use crate::json_call::output_options;
use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::value::{FromValue, Value};

/// Marks the output, error and item types without owning them (keeps the
/// streams `Send`/`Sync` whatever they are).
type Marker<O, E, T> = PhantomData<fn() -> (O, E, T)>;

/// Raw pages with what typing them needs (not generic).
pub(crate) struct RawTyped {
    raw: RawPages,
    model: Arc<ServiceModel>,
    output: Option<ShapeId>,
    item: Option<ShapeId>,
}

impl RawTyped {
    pub(crate) fn new(
        raw: RawPages,
        model: Arc<ServiceModel>,
        op: usize,
        spec: &PaginatorSpec,
    ) -> RawTyped {
        let output = model.operations.get(op).and_then(|o| o.output);
        let item = output.and_then(|o| item_shape(&model, o, spec));
        RawTyped {
            raw,
            model,
            output,
            item,
        }
    }

    pub(crate) fn failed(error: RawError, model: Arc<ServiceModel>) -> RawTyped {
        RawTyped {
            raw: RawPages::failed(error),
            model,
            output: None,
            item: None,
        }
    }

    /// A page as the output [`Value`].
    fn page_value(&self, page: &Json) -> Result<Value, RawError> {
        match self.output {
            Some(shape) => convert::from_json(&self.model, shape, page, output_options())
                .map_err(|e| PaginationError::Conversion(e.to_string())),
            None => Ok(Value::Struct(Vec::new())),
        }
    }
}

/// The element shape of the primary result key, when it names a list
/// member of the output.
fn item_shape(model: &ServiceModel, output: ShapeId, spec: &PaginatorSpec) -> Option<ShapeId> {
    let key = spec.primary_result_key()?.as_str();
    let shape = model.shape(output);
    let member = &shape.members[shape.member_index(key)?];
    let list = model.shape(member.target);
    (list.kind == ShapeKind::List)
        .then(|| list.member.as_ref().map(|m| m.target))
        .flatten()
}

/// An item as a [`Value`] of its element shape, or a document.
fn item_value(model: &ServiceModel, item: Option<ShapeId>, json: Json) -> Result<Value, RawError> {
    match item {
        Some(shape) => convert::from_json(model, shape, &json, output_options())
            .map_err(|e| PaginationError::Conversion(e.to_string())),
        None => Ok(Value::Document(Box::new(json))),
    }
}

fn typed_error<E: OperationError>(e: RawError) -> PaginationError<E> {
    e.map_service(|raw| E::from_service_error(raw.shape.as_deref(), raw.value))
}

fn convert_value<T: FromValue, E>(value: Result<Value, RawError>) -> Result<T, PaginationError<E>>
where
    E: OperationError,
{
    match value {
        Ok(v) => T::from_value(v).map_err(|e| PaginationError::Conversion(e.message)),
        Err(e) => Err(typed_error(e)),
    }
}

/// Typed pages of an operation: a [`Stream`] of `Result<O, PaginationError<E>>`
/// (`O` the operation's output, `E` its error); [`items`](Self::items)
/// streams the primary result key's elements as `T`.
pub struct TypedPages<O, E, T> {
    inner: RawTyped,
    _types: Marker<O, E, T>,
}

impl<O, E, T> TypedPages<O, E, T> {
    pub(crate) fn from_raw(inner: RawTyped) -> Self {
        TypedPages {
            inner,
            _types: PhantomData,
        }
    }

    /// Sets max items, page size and starting token. Takes effect only
    /// before the first page is requested.
    pub fn with_config(mut self, config: PaginationConfig) -> Self {
        self.inner.raw.set_config(config);
        self
    }

    /// When `max_items` ended the pagination: the token to resume from.
    pub fn resume_token(&self) -> Option<&str> {
        self.inner.raw.resume_token()
    }

    /// The paginator configuration (`None` when the operation has none).
    pub fn spec(&self) -> Option<&PaginatorSpec> {
        self.inner.raw.spec().map(|s| &**s)
    }

    /// The primary result key's elements across pages.
    pub fn items(self) -> TypedItems<T, E> {
        let expr = self
            .inner
            .raw
            .spec()
            .and_then(|s| s.primary_result_key().cloned());
        TypedItems {
            flat: FlatRaw::new(self.inner.raw, expr, Mode::Items),
            model: self.inner.model,
            item: self.inner.item,
            _types: PhantomData,
        }
    }
}

impl<O: FromValue, E: OperationError, T> Stream for TypedPages<O, E, T> {
    type Item = Result<O, PaginationError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let inner = &mut this.inner;
        Pin::new(&mut inner.raw)
            .poll_next(cx)
            .map(|item| item.map(|page| convert_value(page.and_then(|p| inner.page_value(&p)))))
    }
}

/// Typed items across pages, from [`TypedPages::items`].
pub struct TypedItems<T, E> {
    flat: FlatRaw,
    model: Arc<ServiceModel>,
    item: Option<ShapeId>,
    _types: Marker<(), E, T>,
}

impl<T, E> TypedItems<T, E> {
    /// When `max_items` ended the pagination: the token to resume from.
    pub fn resume_token(&self) -> Option<&str> {
        self.flat.pages().resume_token()
    }
}

impl<T: FromValue, E: OperationError> Stream for TypedItems<T, E> {
    type Item = Result<T, PaginationError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let (model, item) = (&this.model, this.item);
        this.flat.poll_item(cx).map(|next| {
            next.map(|json| convert_value(json.and_then(|j| item_value(model, item, j))))
        })
    }
}
