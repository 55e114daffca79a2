//! Runs one task per part with at most `concurrency` in flight; on the first
//! failure, stops the others and waits until they are gone.

use std::future::Future;

use tokio::task::JoinSet;

use super::plan::Part;
use super::TransferError;

/// Runs `task` for every part, at most `concurrency` at once, and returns
/// the results in completion order. On the first error, the tasks still
/// running are cancelled and awaited (so none is left sending) before the
/// error is returned.
pub(crate) async fn run_parts<I, F, Fut, T>(
    parts: I,
    concurrency: usize,
    task: F,
) -> Result<Vec<T>, TransferError>
where
    I: IntoIterator<Item = Part>,
    F: Fn(Part) -> Fut,
    Fut: Future<Output = Result<T, TransferError>> + Send + 'static,
    T: Send + 'static,
{
    let mut parts = parts.into_iter();
    let mut running = Running::new();
    let mut done = Vec::new();
    loop {
        while running.len() < concurrency.max(1) {
            match parts.next() {
                Some(part) => running.spawn(task(part)),
                None => break,
            }
        }
        match running.next().await {
            None => return Ok(done),
            Some(Ok(value)) => done.push(value),
            Some(Err(e)) => {
                running.cancel().await;
                return Err(e);
            }
        }
    }
}

/// Part tasks in flight, for callers that produce parts as they go (a
/// stream upload reads the next part only once a task has finished).
pub(crate) struct Running<T> {
    tasks: JoinSet<Result<T, TransferError>>,
}

impl<T: Send + 'static> Running<T> {
    /// No tasks yet.
    pub fn new() -> Self {
        Running {
            tasks: JoinSet::new(),
        }
    }

    /// How many tasks are in flight.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Starts `task` on its own tokio task.
    pub fn spawn<Fut>(&mut self, task: Fut)
    where
        Fut: Future<Output = Result<T, TransferError>> + Send + 'static,
    {
        self.tasks.spawn(task);
    }

    /// The next task to finish, or `None` when none is left; a task that
    /// panicked or was cancelled is an error.
    pub async fn next(&mut self) -> Option<Result<T, TransferError>> {
        let joined = self.tasks.join_next().await?;
        Some(match joined {
            Ok(result) => result,
            Err(e) if e.is_panic() => Err(TransferError::Task("a part's task panicked".into())),
            Err(e) => Err(TransferError::Task(e.to_string())),
        })
    }

    /// Cancels every task and waits until all are gone.
    pub async fn cancel(&mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custom::transfer::plan::parts;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn never_exceeds_the_concurrency() {
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let out = run_parts(parts(20, 1), 3, |p| {
            let (now, peak) = (now.clone(), peak.clone());
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(p.number)
            }
        })
        .await
        .unwrap();
        let mut numbers = out;
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=20).collect::<Vec<u32>>());
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn first_failure_stops_the_rest() {
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let err = run_parts(parts(100, 1), 4, |p| {
            let (started, finished) = (started.clone(), finished.clone());
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                if p.number == 2 {
                    return Err(TransferError::Unexpected("part 2".into()));
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        })
        .await
        .unwrap_err();
        assert!(matches!(err, TransferError::Unexpected(m) if m == "part 2"));
        assert!(started.load(Ordering::SeqCst) <= 5);
        assert_eq!(finished.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_panicking_task_is_an_error() {
        let err = run_parts(parts(3, 1), 2, |p| async move {
            if p.number == 3 {
                panic!("callback bug");
            }
            Ok(())
        })
        .await
        .unwrap_err();
        assert!(matches!(err, TransferError::Task(_)), "{err}");
    }
}
