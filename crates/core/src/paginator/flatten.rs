//! Streams of the items in pages: the elements of the primary result key, or
//! of any JMESPath expression (botocore's `PageIterator.search`).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde_json::Value as Json;

use super::engine::{RawError, RawPages};
use super::error::PaginationError;
use super::pages::dynamic_error;
use crate::dynamic::DynamicError;
use crate::jmes::Expr;
use crate::model::ServiceModel;

/// Which values of a page an item stream yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Elements of lists; other non-null results as they are.
    Items,
    /// botocore's `search`: elements of lists; anything else (`null`
    /// included) as it is.
    Search,
}

/// Items of raw pages, errors still raw.
pub(crate) struct FlatRaw {
    pages: RawPages,
    expr: Option<Expr>,
    mode: Mode,
    buffer: VecDeque<Json>,
}

impl FlatRaw {
    /// Items of `pages` found by `expr` (none when `expr` is `None`).
    pub(crate) fn new(pages: RawPages, expr: Option<Expr>, mode: Mode) -> FlatRaw {
        FlatRaw {
            pages,
            expr,
            mode,
            buffer: VecDeque::new(),
        }
    }

    /// The pages underneath.
    pub(crate) fn pages(&self) -> &RawPages {
        &self.pages
    }

    pub(crate) fn poll_item(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Json, RawError>>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    let Some(expr) = &self.expr else { continue };
                    match expr.search(&page) {
                        Json::Array(items) => self.buffer.extend(items),
                        Json::Null if self.mode == Mode::Items => {}
                        other => self.buffer.push_back(other),
                    }
                }
            }
        }
    }
}

/// A stream of JSON items across pages, from [`Pages::items`](super::Pages::items)
/// or [`Pages::search`](super::Pages::search).
pub struct Items {
    inner: FlatRaw,
    model: Option<Arc<ServiceModel>>,
}

impl Items {
    pub(crate) fn new(inner: FlatRaw, model: Option<Arc<ServiceModel>>) -> Items {
        Items { inner, model }
    }

    /// The token to resume from once the stream has ended because of
    /// `max_items`.
    pub fn resume_token(&self) -> Option<&str> {
        self.inner.pages().resume_token()
    }
}

impl Stream for Items {
    type Item = Result<Json, PaginationError<DynamicError>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let model = this.model.as_deref();
        this.inner
            .poll_item(cx)
            .map(|item| item.map(|r| r.map_err(|e| e.map_service(|raw| dynamic_error(model, raw)))))
    }
}
