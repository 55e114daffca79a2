//! The page loop, botocore's `PageIterator.__iter__`, over any source of
//! pages, and [`RawPages`], the stream that drives it.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use futures_util::Stream;
use serde_json::{Map, Value as Json};

use super::error::PaginationError;
use super::spec::PaginatorSpec;
use super::token;
use super::PaginationConfig;
use crate::client::{ClientHandle, RawServiceError};
use crate::error::SdkError;
use crate::jmes::{self, SearchData};

/// The future of one page request.
pub type PageFuture = BoxFuture<'static, Result<Json, SdkError<RawServiceError>>>;

/// Makes page requests: called with the operation's JSON parameters, returns
/// the output as JSON. A client's operation, or a closure in tests.
pub type PageSource = Arc<dyn Fn(Json) -> PageFuture + Send + Sync>;

/// Errors of the loop before they are given the caller's error type.
pub(crate) type RawError = PaginationError<RawServiceError>;

/// A source calling operation number `op` of `handle`.
pub(crate) fn client_source(handle: ClientHandle, op: usize) -> PageSource {
    Arc::new(move |params: Json| -> PageFuture {
        let handle = handle.clone();
        Box::pin(async move { handle.invoke_json(op, &params).await.map(|r| r.output) })
    })
}

/// A source calling operation number `op` of `handle` whose pages go to a
/// user of the dynamic path: values botocore returns as documents are
/// documents (see [`ClientHandle::apply_json_handlers`]).
pub(crate) fn user_source(handle: ClientHandle, op: usize) -> PageSource {
    Arc::new(move |params: Json| -> PageFuture {
        let handle = handle.clone();
        Box::pin(async move {
            let mut output = handle.invoke_json(op, &params).await?.output;
            handle.apply_json_handlers(op, &mut output);
            Ok(output)
        })
    })
}

/// Input token name → value, in the paginator's order.
type Tokens = Vec<(String, Json)>;

/// The state of one pagination.
pub(crate) struct Engine {
    spec: Arc<PaginatorSpec>,
    source: PageSource,
    config: PaginationConfig,
    params: Map<String, Json>,
    started: bool,
    done: bool,
    /// An error to report on the next request (after the page that found it).
    pending_error: Option<RawError>,
    /// The tokens of the request being made.
    next_token: Tokens,
    previous_next_token: Option<Tokens>,
    starting_truncation: u64,
    total_items: u64,
    pub(crate) resume_token: Option<String>,
    pub(crate) non_aggregate: Json,
}

impl Engine {
    fn new(
        spec: Arc<PaginatorSpec>,
        source: PageSource,
        params: Json,
        config: PaginationConfig,
    ) -> Engine {
        let params = match params {
            Json::Object(map) => map,
            _ => Map::new(),
        };
        let next_token = spec
            .input_token
            .iter()
            .map(|k| (k.clone(), Json::Null))
            .collect();
        Engine {
            spec,
            source,
            config,
            params,
            started: false,
            done: false,
            pending_error: None,
            next_token,
            previous_next_token: None,
            starting_truncation: 0,
            total_items: 0,
            resume_token: None,
            non_aggregate: Json::Object(Map::new()),
        }
    }

    /// Injects the starting token and the page size into the parameters.
    fn start(&mut self) -> Result<(), RawError> {
        if let Some(text) = &self.config.starting_token {
            let start = token::decode(text, &self.spec.input_token)
                .map_err(PaginationError::BadStartingToken)?;
            self.next_token = start.tokens;
            self.starting_truncation = start.truncate_amount;
            inject(&mut self.params, &self.next_token);
        }
        if let Some(size) = self.config.page_size {
            let key = self.spec.limit_key.as_ref().ok_or_else(|| {
                PaginationError::Unsupported(
                    "PageSize parameter is not supported for the pagination interface for this operation."
                        .to_string(),
                )
            })?;
            let value = if self.spec.limit_is_string {
                Json::String(size.to_string())
            } else {
                Json::from(size)
            };
            self.params.insert(key.clone(), value);
        }
        Ok(())
    }

    /// The next page, `None` at the end.
    pub(crate) async fn next_page(&mut self) -> Option<Result<Json, RawError>> {
        if self.done {
            return None;
        }
        if let Some(e) = self.pending_error.take() {
            self.done = true;
            return Some(Err(e));
        }
        let first_request = !self.started;
        if first_request {
            self.started = true;
            if let Err(e) = self.start() {
                self.done = true;
                return Some(Err(e));
            }
        }
        let mut page = match (self.source)(Json::Object(self.params.clone())).await {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Some(Err(PaginationError::Call(e)));
            }
        };
        if first_request {
            if self.config.starting_token.is_some() {
                self.handle_first_page(&mut page);
            }
            self.record_non_aggregate(&page);
        } else {
            self.starting_truncation = 0;
        }
        let primary = self.spec.primary_result_key().cloned();
        let count = primary.as_ref().map_or(0, |k| item_count(&k.search(&page)));
        if let Some(max) = self.config.max_items {
            let truncate_amount = (self.total_items + count).saturating_sub(max);
            if truncate_amount > 0 {
                if let Some(key) = &primary {
                    self.truncate(&mut page, key, count - truncate_amount);
                }
                self.done = true;
                return Some(Ok(page));
            }
        }
        self.total_items += count;
        let next_token = self.get_next_token(&page);
        if next_token.iter().all(|(_, v)| v.is_null()) {
            self.done = true;
        } else if self.config.max_items == Some(self.total_items) {
            // On a page boundary: the next token is where to resume.
            self.resume_token = Some(token::encode(&next_token, None));
            self.done = true;
        } else if self.previous_next_token.as_ref() == Some(&next_token) {
            self.pending_error = Some(PaginationError::RepeatedToken(tokens_text(&next_token)));
        } else {
            inject(&mut self.params, &next_token);
            self.previous_next_token = Some(next_token.clone());
            self.next_token = next_token;
        }
        Some(Ok(page))
    }

    /// Skips the items a resume token says were returned already, and
    /// empties the secondary result keys (they were returned in full).
    fn handle_first_page(&self, page: &mut Json) {
        let Some(primary) = self.spec.primary_result_key() else {
            return;
        };
        let data = slice(
            &primary.search(page),
            self.starting_truncation as usize,
            None,
        );
        jmes::set_value(page, primary.as_str(), data);
        for key in self.spec.result_keys.iter().skip(1) {
            let empty = match key.search(page) {
                Json::Array(_) => Json::Array(Vec::new()),
                Json::String(_) => Json::String(String::new()),
                Json::Number(_) => Json::from(0),
                _ => Json::Null,
            };
            jmes::set_value(page, key.as_str(), empty);
        }
    }

    /// Cuts the primary result key to `keep` items and records where to
    /// resume.
    fn truncate(&mut self, page: &mut Json, primary: &crate::jmes::Expr, keep: u64) {
        let original = primary.search(page);
        let kept = match original {
            Json::Null => Json::Array(Vec::new()),
            other => slice(&other, 0, Some(keep as usize)),
        };
        jmes::set_value(page, primary.as_str(), kept);
        self.resume_token = Some(token::encode(
            &self.next_token,
            Some(keep + self.starting_truncation),
        ));
    }

    fn record_non_aggregate(&mut self, page: &Json) {
        let data = SearchData::new(page);
        let mut part = Json::Object(Map::new());
        for key in &self.spec.non_aggregate_keys {
            jmes::set_value(&mut part, key.as_str(), key.search_in(&data));
        }
        self.non_aggregate = part;
    }

    /// The tokens for the next request; empty when `more_results` says
    /// there is nothing more. Empty values count as no token.
    fn get_next_token(&self, page: &Json) -> Tokens {
        let data = SearchData::new(page);
        if let Some(more) = &self.spec.more_results {
            if !jmes::truthy(&more.search_in(&data)) {
                return Vec::new();
            }
        }
        self.spec
            .output_token
            .iter()
            .zip(&self.spec.input_token)
            .map(|(expr, name)| {
                let value = expr.search_in(&data);
                let value = if jmes::truthy(&value) {
                    value
                } else {
                    Json::Null
                };
                (name.clone(), value)
            })
            .collect()
    }
}

/// Sets the tokens in the parameters; absent ones (and botocore's `"None"`)
/// are removed.
fn inject(params: &mut Map<String, Json>, tokens: &Tokens) {
    for (name, value) in tokens {
        if value.is_null() || value.as_str() == Some("None") {
            params.remove(name);
        } else {
            params.insert(name.clone(), value.clone());
        }
    }
}

/// Python's `len()` of a result, 0 where it has none.
fn item_count(value: &Json) -> u64 {
    match value {
        Json::Array(a) => a.len() as u64,
        Json::String(s) => s.chars().count() as u64,
        Json::Object(o) => o.len() as u64,
        _ => 0,
    }
}

/// Python's `value[start:end]` for lists and strings; `null` otherwise.
fn slice(value: &Json, start: usize, end: Option<usize>) -> Json {
    match value {
        Json::Array(items) => {
            let end = end.unwrap_or(items.len()).min(items.len());
            Json::Array(items.get(start.min(end)..end).unwrap_or_default().to_vec())
        }
        Json::String(s) => {
            let chars = s.chars().skip(start);
            Json::String(match end {
                Some(end) => chars.take(end.saturating_sub(start)).collect(),
                None => chars.collect(),
            })
        }
        _ => Json::Null,
    }
}

fn tokens_text(tokens: &Tokens) -> String {
    let map: Map<String, Json> = tokens.iter().cloned().collect();
    Json::Object(map).to_string()
}

type Step = BoxFuture<'static, (Box<Engine>, Option<Result<Json, RawError>>)>;

enum State {
    Idle(Box<Engine>),
    Busy(Step),
    /// Ended; a final error may still be due.
    Done(Option<RawError>),
}

/// A stream of JSON pages with the loop's errors (service errors raw).
pub(crate) struct RawPages {
    spec: Option<Arc<PaginatorSpec>>,
    state: State,
    resume_token: Option<String>,
    non_aggregate: Json,
}

impl RawPages {
    /// A pagination of `source` with `params`.
    pub(crate) fn new(
        spec: Arc<PaginatorSpec>,
        source: PageSource,
        params: Json,
        config: PaginationConfig,
    ) -> RawPages {
        RawPages {
            spec: Some(spec.clone()),
            state: State::Idle(Box::new(Engine::new(spec, source, params, config))),
            resume_token: None,
            non_aggregate: Json::Object(Map::new()),
        }
    }

    /// A pagination that yields only `error`.
    pub(crate) fn failed(error: RawError) -> RawPages {
        RawPages {
            spec: None,
            state: State::Done(Some(error)),
            resume_token: None,
            non_aggregate: Json::Object(Map::new()),
        }
    }

    /// Replaces the configuration; only before the first page is requested.
    pub(crate) fn set_config(&mut self, config: PaginationConfig) {
        if let State::Idle(engine) = &mut self.state {
            if !engine.started {
                engine.config = config;
            }
        }
    }

    /// The paginator configuration (`None` for a failed pagination).
    pub(crate) fn spec(&self) -> Option<&Arc<PaginatorSpec>> {
        self.spec.as_ref()
    }

    pub(crate) fn resume_token(&self) -> Option<&str> {
        self.resume_token.as_deref()
    }

    pub(crate) fn non_aggregate(&self) -> &Json {
        &self.non_aggregate
    }
}

impl Stream for RawPages {
    type Item = Result<Json, RawError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done(None)) {
                State::Done(error) => return Poll::Ready(error.map(Err)),
                State::Idle(mut engine) => {
                    this.state = State::Busy(Box::pin(async move {
                        let page = engine.next_page().await;
                        (engine, page)
                    }));
                }
                State::Busy(mut step) => match step.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Busy(step);
                        return Poll::Pending;
                    }
                    Poll::Ready((engine, page)) => {
                        this.resume_token.clone_from(&engine.resume_token);
                        this.non_aggregate.clone_from(&engine.non_aggregate);
                        if page.is_some() {
                            this.state = State::Idle(engine);
                        }
                        return Poll::Ready(page);
                    }
                },
            }
        }
    }
}
