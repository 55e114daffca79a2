//! The blocking (synchronous) facade, for programs without an async runtime
//! (cargo feature `blocking`).
//!
//! Every generated crate built with `blocking` has a `blocking::Client`: the
//! same client and the same methods (names, arguments and return types) as
//! the async one, synchronous. Underneath, each call runs the async method's
//! future to completion on the calling thread with [`block_on`]; I/O, timers
//! and connection pools live in one process-wide tokio runtime (two worker
//! threads named `myaws-blocking`), created on first use and shared by every
//! blocking client of every service.
//!
//! - **Thread safety** is the async client's: a blocking client is cheap to
//!   clone and `Send + Sync`; any number of threads may call it (and
//!   [`block_on`]) at once, each call blocking only its own thread.
//! - **Inside a tokio runtime** (an `async fn`, a task, `#[tokio::main]`, or
//!   any thread inside a runtime's context, `spawn_blocking` threads
//!   included) a blocking call would stall the runtime's threads, so it is
//!   refused, never a panic: [`block_on`] returns a [`BlockingError`], and a
//!   client method returns [`SdkError::Construction`] with the same message.
//!   Use the async client there (`client.as_async()` gives it).
//! - **Paginators** are [`Iterator`]s of pages ([`BlockingIter`]).
//!   Waiters, S3 transfers, event streams and streaming bodies are futures or
//!   streams of the async client: drive them with `client.block_on(..)`
//!   ([`block_on`]) or iterate them with [`BlockingIter`].
//! - If the runtime cannot be built (say, the process may not start
//!   threads), every call returns that error; it is not retried.
//!
//! A service crate's blocking client (`myaws-sqs = { features = ["blocking"] }`;
//! compiled in the README's doc tests, which can name service crates):
//!
//! ```text
//! let sqs = myaws_sqs::blocking::Client::new(&session)?;
//! let out = sqs.send_message(input)?; // the async client: `.send_message(input).await?`
//! for page in sqs.list_queues_paginator(ListQueuesRequest::default()) {
//!     println!("{:?}", page?.queue_urls);
//! }
//! ```
//!
//! The pieces underneath, usable alone:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myaws_core::blocking::{block_on, BlockingIter};
//!
//! // Any future, on the shared runtime's timers and I/O.
//! let answer = block_on(async {
//!     tokio::time::sleep(std::time::Duration::from_millis(10)).await;
//!     6 * 7
//! })?;
//! assert_eq!(answer, 42);
//!
//! // Any stream (here of results, as pages are) as an iterator.
//! let pages = futures_util::stream::iter([Ok::<_, myaws_core::SdkError<()>>(1), Ok(2)]);
//! let all: Vec<i32> = BlockingIter::new(pages)
//!     .collect::<Result<_, _>>()
//!     .map_err(|e| e.to_string())?;
//! assert_eq!(all, [1, 2]);
//! # Ok(())
//! # }
//! ```

// Errors carry an `SdkError`, large by design and rare (as in `client`).
#![allow(clippy::result_large_err)]

use std::fmt;
use std::future::Future;
use std::sync::OnceLock;

use futures_util::{Stream, StreamExt};
use tokio::runtime::{Handle, Runtime};

use crate::error::SdkError;
use crate::paginator::{PaginationConfig, PaginationError, TypedItems, TypedPages};

/// Worker threads of the shared runtime: calls block their callers'
/// threads, the workers only drive I/O, timers and spawned tasks.
const WORKER_THREADS: usize = 2;
/// Name of the shared runtime's threads.
const THREAD_NAME: &str = "myaws-blocking";

/// Why a blocking call could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingError {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Called from inside a tokio runtime.
    InRuntime,
    /// The shared runtime could not be built (the reason).
    Runtime(String),
}

impl BlockingError {
    /// True when the call was made from inside a tokio runtime (use the
    /// async client there).
    pub fn is_in_runtime(&self) -> bool {
        self.kind == Kind::InRuntime
    }
}

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::InRuntime => f.write_str(
                "a blocking myaws call was made inside a tokio runtime, where it would \
                 block the runtime's thread: use the async client there \
                 (`blocking::Client::as_async`, and `.await` its methods)",
            ),
            Kind::Runtime(reason) => {
                write!(
                    f,
                    "could not start the blocking client's tokio runtime: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for BlockingError {}

/// The process-wide runtime, built on first use (an error is kept too).
fn runtime() -> Result<&'static Runtime, BlockingError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name(THREAD_NAME)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|reason| BlockingError {
            kind: Kind::Runtime(reason.clone()),
        })
}

/// Runs `future` to completion on the calling thread, with the shared
/// runtime's I/O and timers (tasks it spawns run on the runtime's workers).
///
/// Many threads may call this at once. Inside a tokio runtime it returns an
/// error instead of blocking (or panicking, as tokio's `block_on` would).
///
/// ```
/// let n = myaws_core::blocking::block_on(async {
///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
///     1
/// })
/// .expect("not inside a runtime");
/// assert_eq!(n, 1);
/// ```
pub fn block_on<F: Future>(future: F) -> Result<F::Output, BlockingError> {
    if Handle::try_current().is_ok() {
        return Err(BlockingError {
            kind: Kind::InRuntime,
        });
    }
    Ok(runtime()?.handle().block_on(future))
}

/// [`block_on`] for a call's future, keeping the call's return type: a
/// [`BlockingError`] becomes [`SdkError::Construction`] with its message.
/// The generated blocking clients' methods use it.
pub fn call<T, E>(future: impl Future<Output = Result<T, SdkError<E>>>) -> Result<T, SdkError<E>> {
    block_on(future).unwrap_or_else(FromBlockingError::from_blocking_error)
}

/// Items that can carry a [`BlockingError`]: what [`BlockingIter`] yields
/// when it cannot run (inside a tokio runtime).
pub trait FromBlockingError {
    /// The item standing for `error`.
    fn from_blocking_error(error: BlockingError) -> Self;
}

impl<T, E> FromBlockingError for Result<T, SdkError<E>> {
    fn from_blocking_error(error: BlockingError) -> Self {
        Err(SdkError::Construction(error.to_string()))
    }
}

impl<T, E> FromBlockingError for Result<T, PaginationError<E>> {
    fn from_blocking_error(error: BlockingError) -> Self {
        Err(PaginationError::Call(SdkError::Construction(
            error.to_string(),
        )))
    }
}

impl<T> FromBlockingError for Result<T, BlockingError> {
    fn from_blocking_error(error: BlockingError) -> Self {
        Err(error)
    }
}

/// A [`Stream`] as a blocking [`Iterator`]: each `next()` waits for the
/// stream's next item with [`block_on`]. The blocking clients' paginators
/// return one over their pages.
///
/// `Iterator` needs items that can carry the error of a call made inside a
/// tokio runtime ([`FromBlockingError`]: results whose error is an
/// [`SdkError`] or a [`PaginationError`]): that call yields one error item,
/// then the iterator ends. For other streams, [`Self::try_next`] returns the
/// error instead.
#[derive(Debug)]
pub struct BlockingIter<S> {
    stream: S,
    done: bool,
}

impl<S> BlockingIter<S> {
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        BlockingIter {
            stream,
            done: false,
        }
    }

    /// The stream inside.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream inside, to use it asynchronously.
    pub fn into_inner(self) -> S {
        self.stream
    }
}

impl<S: Stream + Unpin> BlockingIter<S> {
    /// The next item (`None` at the end), or why it could not be waited for.
    pub fn try_next(&mut self) -> Result<Option<S::Item>, BlockingError> {
        if self.done {
            return Ok(None);
        }
        let next = block_on(self.stream.next());
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next
    }
}

impl<S> Iterator for BlockingIter<S>
where
    S: Stream + Unpin,
    S::Item: FromBlockingError,
{
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        self.try_next()
            .unwrap_or_else(|e| Some(FromBlockingError::from_blocking_error(e)))
    }
}

impl<O, E, T> BlockingIter<TypedPages<O, E, T>> {
    /// Sets max items, page size and starting token (as
    /// [`TypedPages::with_config`]): before the first page only.
    pub fn with_config(self, config: PaginationConfig) -> Self {
        BlockingIter {
            stream: self.stream.with_config(config),
            done: self.done,
        }
    }

    /// The primary result key's elements across pages (as
    /// [`TypedPages::items`]).
    pub fn items(self) -> BlockingIter<TypedItems<T, E>> {
        BlockingIter::new(self.stream.items())
    }

    /// When `max_items` ended the pagination: the token to resume from.
    pub fn resume_token(&self) -> Option<&str> {
        self.stream.resume_token()
    }
}

impl<T, E> BlockingIter<TypedItems<T, E>> {
    /// When `max_items` ended the pagination: the token to resume from.
    pub fn resume_token(&self) -> Option<&str> {
        self.stream.resume_token()
    }
}

/// The blocking client of a generated crate: a `Client` wrapping the async
/// `$async` client, with constructors, the dynamic `call`, `block_on` and
/// the paginator adapter; the operations come from
/// [`blocking_client_methods!`](crate::blocking_client_methods) and
/// [`blocking_paginator_methods!`](crate::blocking_paginator_methods).
#[macro_export]
#[doc(hidden)]
macro_rules! blocking_client {
    ($async:ty, $service:literal) => {
        #[doc = concat!("Blocking client for ", $service, ": every operation of [`crate::Client`], synchronous.")]
        ///
        /// Cheap to clone (an `Arc` inside), `Send + Sync`: share one client across
        /// threads. Calls made inside a tokio runtime return an error (use the async
        /// client there); see [`myaws_core::blocking`].
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: $async,
        }

        impl Client {
            /// Creates a client from a session's configuration.
            pub fn new(session: &$crate::Session) -> ::core::result::Result<Self, $crate::BuildError> {
                <$async>::new(session).map(Self::from_async)
            }

            /// Creates a client with per-client overrides (region, endpoint URL, retries, timeouts).
            pub fn with_config(
                session: &$crate::Session,
                config: $crate::ClientConfig,
            ) -> ::core::result::Result<Self, $crate::BuildError> {
                <$async>::with_config(session, config).map(Self::from_async)
            }

            /// The blocking form of an async client (they share connections and caches).
            pub fn from_async(client: $async) -> Self {
                Client { inner: client }
            }

            /// The async client inside: metadata, events, waiters, everything async.
            pub fn as_async(&self) -> &$async {
                &self.inner
            }

            /// Calls any operation by name with JSON parameters (blocking form of the
            /// async client's `call`).
            pub fn call(
                &self,
                operation: &str,
                params: $crate::Document,
            ) -> ::core::result::Result<
                $crate::Document,
                $crate::SdkError<$crate::dynamic::DynamicError>,
            > {
                $crate::blocking::call(self.inner.call(operation, params))
            }

            /// Runs any future of the async client (a waiter, a transfer, a body read)
            /// to completion on this thread; an error inside a tokio runtime.
            pub fn block_on<F: ::core::future::Future>(
                &self,
                future: F,
            ) -> ::core::result::Result<F::Output, $crate::blocking::BlockingError> {
                $crate::blocking::block_on(future)
            }
        }
    };
}

/// One blocking method per operation, inside `impl Client` of a generated
/// `blocking.rs`: `name(Input) -> Output, Error;`, or `name() -> ..` for
/// operations without input, attributes such as `#[deprecated]` first.
#[macro_export]
#[doc(hidden)]
macro_rules! blocking_client_methods {
    ($($(#[$attr:meta])* $name:ident($($input:ty)?) -> $output:ty, $error:ty;)*) => {
        $(
            #[doc = concat!("Blocking form of [`crate::Client::", stringify!($name), "`].")]
            $(#[$attr])*
            #[allow(deprecated)]
            pub fn $name(
                &self $(, input: $input)?
            ) -> ::core::result::Result<$output, $crate::SdkError<$error>> {
                $crate::blocking::call(self.inner.$name($($crate::blocking::arg::<$input>(input))?))
            }
        )*
    };
}

/// One blocking paginator method per typed paginator, inside `impl Client`
/// of a generated `blocking.rs`: `name_paginator(Input) -> Output, Error, Item;`.
#[macro_export]
#[doc(hidden)]
macro_rules! blocking_paginator_methods {
    ($($name:ident($input:ty) -> $output:ty, $error:ty, $item:ty;)*) => {
        $(
            #[doc = concat!("Every page, as an iterator: blocking form of [`crate::Client::", stringify!($name), "`].")]
            pub fn $name(
                &self,
                input: $input,
            ) -> $crate::blocking::BlockingIter<$crate::paginator::TypedPages<$output, $error, $item>> {
                $crate::blocking::BlockingIter::new(self.inner.$name(input))
            }
        )*
    };
}

/// Identity, naming the input's type for [`blocking_client_methods!`](crate::blocking_client_methods).
#[doc(hidden)]
#[inline(always)]
pub fn arg<T>(input: T) -> T {
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_returns_the_output() {
        assert_eq!(block_on(async { 6 * 7 }), Ok(42));
        // Timers and I/O come from the shared runtime.
        let slept = block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            "slept"
        });
        assert_eq!(slept, Ok("slept"));
    }

    #[test]
    fn spawned_tasks_run_on_the_shared_workers() {
        let name = block_on(async {
            tokio::spawn(async { std::thread::current().name().map(str::to_string) })
                .await
                .expect("task")
        })
        .expect("block_on");
        assert_eq!(name.as_deref(), Some(THREAD_NAME));
    }

    #[test]
    fn many_threads_block_at_once() {
        let threads: Vec<_> = (0..8u64)
            .map(|i| {
                std::thread::spawn(move || {
                    (0..5u64)
                        .map(|j| {
                            block_on(async move {
                                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                                i * 10 + j
                            })
                            .expect("block_on")
                        })
                        .sum::<u64>()
                })
            })
            .collect();
        let sums: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let expected: Vec<u64> = (0..8u64).map(|i| 50 * i + 10).collect();
        assert_eq!(sums, expected);
    }

    #[tokio::test]
    async fn inside_a_runtime_is_an_error_not_a_panic() {
        let err = block_on(async { 1 }).expect_err("inside a runtime");
        assert!(err.is_in_runtime());
        assert!(err.to_string().contains("async client"), "{err}");

        let err = call(async { Ok::<(), SdkError<()>>(()) }).expect_err("inside a runtime");
        match err {
            SdkError::Construction(message) => assert!(message.contains("async client")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inside_block_on_itself_is_an_error() {
        let inner = block_on(async { block_on(async { 1 }) }).expect("outer call");
        assert!(inner.expect_err("nested").is_in_runtime());
    }

    #[test]
    fn call_keeps_the_result() {
        assert_eq!(call(async { Ok::<_, SdkError<()>>(3) }).ok(), Some(3));
        let err = call(async { Err::<(), _>(SdkError::<()>::Construction("no".into())) });
        assert!(matches!(err, Err(SdkError::Construction(m)) if m == "no"));
    }

    #[test]
    fn iterates_a_stream() {
        let stream = futures_util::stream::iter(vec![Ok::<_, SdkError<()>>(1), Ok(2), Ok(3)]);
        let items: Vec<_> = BlockingIter::new(stream).map(Result::unwrap).collect();
        assert_eq!(items, [1, 2, 3]);

        let mut any = BlockingIter::new(futures_util::stream::iter(["a"]));
        assert_eq!(any.try_next(), Ok(Some("a")));
        assert_eq!(any.try_next(), Ok(None));
        assert_eq!(any.try_next(), Ok(None));
    }

    #[tokio::test]
    async fn iterating_inside_a_runtime_yields_one_error() {
        let stream = futures_util::stream::iter(vec![Ok::<_, PaginationError<()>>(1)]);
        let mut pages = BlockingIter::new(stream);
        match pages.next() {
            Some(Err(PaginationError::Call(SdkError::Construction(m)))) => {
                assert!(m.contains("async client"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        assert!(pages.next().is_none());
    }

    #[test]
    fn errors_are_std_errors() {
        fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
        let err = BlockingError {
            kind: Kind::Runtime("no threads".into()),
        };
        is_error(&err);
        assert!(!err.is_in_runtime());
        assert!(err.to_string().contains("no threads"));
    }
}
