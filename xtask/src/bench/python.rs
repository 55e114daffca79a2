//! The boto3 peer: a venv under target/bench/venv with bench/requirements.txt,
//! and bench/boto3_bench.py run against the same canned server.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::cmd::timed;
use super::driver::{Driver, Load, Outcome};
use super::load::{alternate, med, SMALL_OPS};
use super::report::{Goal, Report, Row};
use super::{Paths, Settings};

/// Creates the venv and installs the pinned boto3 unless already done;
/// returns the boto3 driver (the venv's python and the script).
pub fn boto3_driver(paths: &Paths) -> Result<Driver, String> {
    let venv = paths.out.join("venv");
    let python = venv.join("bin/python");
    let requirements = paths.bench.join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| e.to_string())?;
    let stamp = venv.join("installed-requirements.txt");
    let log = paths.logs.join("venv.log");
    if !python.exists() {
        println!("bench: creating {} ...", venv.display());
        timed(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            &log,
        )?;
    }
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        println!("bench: installing {} ...", requirements.display());
        timed(
            Command::new(&python)
                .args(["-m", "pip", "install", "-q", "-r"])
                .arg(&requirements),
            &log,
        )?;
        std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())?;
    }
    Ok(Driver {
        name: "boto3",
        argv: vec![python, script(&paths.bench)],
    })
}

fn script(bench: &Path) -> PathBuf {
    bench.join("boto3_bench.py")
}

/// Requests/s of one client for the small operations, myaws and boto3
/// alternating in ABBA order: sequential, then with [`CONCURRENCY`] tasks (myaws) or
/// threads sharing the client (boto3).
pub fn compare(
    myaws: &Driver,
    boto3: &Driver,
    endpoint: &str,
    s: &Settings,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    let pair = [myaws, boto3];
    for op in SMALL_OPS {
        let [m, b] = alternate(pair, endpoint, &small_load(op, 1, s), s.rounds, raw)?;
        let rounds = s.rounds;
        report.push(
            Row::new(
                format!("{op}, sequential: requests/s"),
                med(&m, Outcome::rps),
                med(&b, Outcome::rps),
            )
            .peer("boto3")
            .goal(Goal::AtLeast(10.0))
            .note(format!("one client each, ABBA order, median of {rounds}")),
        );
        report.push(
            Row::new(
                format!("{op}, sequential: client CPU ms / 1,000 req"),
                med(&m, Outcome::cpu_ms_per_1k),
                med(&b, Outcome::cpu_ms_per_1k),
            )
            .peer("boto3")
            .note("less load-sensitive than requests/s"),
        );
        report.push(
            Row::new(
                format!("{op}, sequential: client user CPU µs / request"),
                med(&m, Outcome::user_us_per_req),
                med(&b, Outcome::user_us_per_req),
            )
            .peer("boto3")
            .note("getrusage user time"),
        );
    }
    for op in SMALL_OPS {
        let load = small_load(op, CONCURRENCY, s);
        let [m, b] = alternate(pair, endpoint, &load, s.rounds, raw)?;
        report.push(
            Row::new(
                format!("{op}, {CONCURRENCY} tasks/threads: requests/s"),
                med(&m, Outcome::rps),
                med(&b, Outcome::rps),
            )
            .peer("boto3")
            .goal(Goal::AtLeast(10.0))
            .note(format!(
                "one client each (boto3: {CONCURRENCY} threads, pool of {CONCURRENCY}), \
                 ABBA order, median of {}",
                s.rounds
            )),
        );
    }
    Ok(())
}

/// Tasks (myaws) or threads (boto3) of the concurrent comparison.
const CONCURRENCY: usize = 64;

/// The bounded loop of a small operation at `concurrency`.
fn small_load(op: &'static str, concurrency: usize, s: &Settings) -> Load<'static> {
    Load {
        op,
        n: s.n_small,
        concurrency,
        secs: s.secs,
        warmup: 20,
        size: 0,
    }
}
