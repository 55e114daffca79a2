//! The bounded load loops and their report.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::probe::{cpu_split, status_kib};
use crate::Args;

/// Figures of one measured loop, printed as one JSON line.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Operation name.
    pub op: String,
    /// Concurrent tasks.
    pub concurrency: usize,
    /// Requests that succeeded in the measured loop.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u64,
    /// The first failure, if any.
    pub first_error: Option<String>,
    /// Wall-clock seconds of the measured loop.
    pub wall_s: f64,
    /// Process CPU seconds (user + system) spent in the measured loop.
    pub cpu_s: f64,
    /// The user part of `cpu_s` (the rest is the kernel's).
    pub user_s: f64,
    /// Body bytes moved in the measured loop.
    pub bytes: u64,
    /// Peak resident set of the process at the end, KiB.
    pub vm_hwm_kib: u64,
    /// Resident set at the end, KiB.
    pub vm_rss_kib: u64,
    /// Resident set before the first request (client built), KiB.
    pub rss_before_kib: u64,
}

impl Report {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        let err = match &self.first_error {
            Some(e) => format!("\"{}\"", e.replace('\\', "\\\\").replace('"', "'")),
            None => "null".into(),
        };
        format!(
            "{{\"op\":\"{}\",\"concurrency\":{},\"requests\":{},\"errors\":{},\"first_error\":{},\
             \"wall_s\":{:.6},\"cpu_s\":{:.6},\"user_s\":{:.6},\"bytes\":{},\"vm_hwm_kib\":{},\"vm_rss_kib\":{},\
             \"rss_before_kib\":{}}}",
            self.op,
            self.concurrency,
            self.requests,
            self.errors,
            err.replace('\n', " "),
            self.wall_s,
            self.cpu_s,
            self.user_s,
            self.bytes,
            self.vm_hwm_kib,
            self.vm_rss_kib,
            self.rss_before_kib
        )
    }
}

/// The runtime a driver uses: a current-thread runtime for sequential runs
/// (and callgrind), a two-worker runtime (one per core) otherwise.
pub fn runtime(concurrency: usize) -> tokio::runtime::Runtime {
    let mut builder = if concurrency <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    };
    builder.enable_all().build().expect("tokio runtime")
}

struct Tally {
    ok: AtomicU64,
    errors: AtomicU64,
    bytes: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Tally {
    fn record(&self, result: Result<u64, String>) {
        match result {
            Ok(n) => {
                self.ok.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(n, Ordering::Relaxed);
            }
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                let mut first = self.first_error.lock().unwrap();
                first.get_or_insert(e);
            }
        }
    }
}

/// Makes `args.warmup` unmeasured calls of `op`, then at most `args.n` calls
/// within `args.secs` seconds on `args.concurrency` tasks, and reports.
/// `op` returns the body bytes it moved.
pub async fn run<F, Fut>(args: &Args, op: F) -> Report
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<u64, String>> + Send + 'static,
{
    let rss_before_kib = status_kib("VmRSS").unwrap_or(0);
    let tally = Arc::new(Tally {
        ok: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        first_error: Mutex::new(None),
    });
    for _ in 0..args.warmup {
        if let Err(e) = op().await {
            tally.record(Err(format!("warm-up: {e}")));
            break;
        }
    }
    let limit = Duration::from_secs_f64(args.secs);
    let (user0, sys0) = cpu_split();
    let start = Instant::now();
    if tally.errors.load(Ordering::Relaxed) == 0 {
        if args.concurrency <= 1 {
            let mut i = 0;
            while i < args.n && start.elapsed() < limit {
                tally.record(op().await);
                i += 1;
            }
        } else {
            let op = Arc::new(op);
            let tickets = Arc::new(AtomicU64::new(0));
            let mut tasks = Vec::with_capacity(args.concurrency);
            for _ in 0..args.concurrency {
                let (op, tickets, tally, n) = (op.clone(), tickets.clone(), tally.clone(), args.n);
                tasks.push(tokio::spawn(async move {
                    while tickets.fetch_add(1, Ordering::Relaxed) < n && start.elapsed() < limit {
                        tally.record(op().await);
                    }
                }));
            }
            for task in tasks {
                if let Err(e) = task.await {
                    tally.record(Err(format!("task: {e}")));
                }
            }
        }
    }
    let wall_s = start.elapsed().as_secs_f64();
    let (user1, sys1) = cpu_split();
    let user_s = user1 - user0;
    let cpu_s = user_s + (sys1 - sys0);
    let first_error = tally.first_error.lock().unwrap().clone();
    Report {
        op: args.op.clone(),
        concurrency: args.concurrency,
        requests: tally.ok.load(Ordering::Relaxed),
        errors: tally.errors.load(Ordering::Relaxed),
        first_error,
        wall_s,
        cpu_s,
        user_s,
        bytes: tally.bytes.load(Ordering::Relaxed),
        vm_hwm_kib: status_kib("VmHWM").unwrap_or(0),
        vm_rss_kib: status_kib("VmRSS").unwrap_or(0),
        rss_before_kib,
    }
}
