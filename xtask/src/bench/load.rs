//! Request figures: requests/s and client CPU per 1,000 requests (sequential
//! and 64 concurrent tasks), 256 MiB throughput with peak RSS, and the peak
//! RSS of 10,000 requests on one client.
//!
//! Each figure is measured for myaws and aws-sdk-rust in the same run,
//! alternating them in ABBA order over `rounds` rounds (myaws, peer, peer,
//! myaws, ...), and the medians are compared.

use serde_json::Value;

use super::driver::{median, Driver, Load, Outcome};
use super::report::{Goal, Report, Row};
use super::Settings;

/// The small-request operations.
pub const SMALL_OPS: [&str; 3] = ["s3-get-small", "s3-put-small", "sqs-send"];

/// The order the drivers run in round `round` (ABBA): forward in even
/// rounds, backward in odd ones, so no driver always runs first (or last).
pub fn round_order(n: usize, round: usize) -> Vec<usize> {
    if round.is_multiple_of(2) {
        (0..n).collect()
    } else {
        (0..n).rev().collect()
    }
}

/// Runs `load` `rounds` times on each driver, alternating in ABBA order;
/// returns the outcomes of each and records them raw.
pub fn alternate<const N: usize>(
    drivers: [&Driver; N],
    endpoint: &str,
    load: &Load,
    rounds: usize,
    raw: &mut Vec<Value>,
) -> Result<[Vec<Outcome>; N], String> {
    let mut out: [Vec<Outcome>; N] = std::array::from_fn(|_| Vec::new());
    for round in 0..rounds {
        for i in round_order(N, round) {
            let driver = drivers[i];
            let o = driver.run(endpoint, load)?;
            raw.push(serde_json::json!({"driver": driver.name, "round": round, "report": o.raw}));
            out[i].push(o);
        }
    }
    Ok(out)
}

pub fn med(outcomes: &[Outcome], f: fn(&Outcome) -> f64) -> Option<f64> {
    Some(median(outcomes.iter().map(f).collect()))
}

/// Rows of one figure: myaws (`outcomes[0]`) against each peer.
fn rows(
    drivers: &[&Driver],
    outcomes: &[Vec<Outcome>],
    metric: &str,
    f: fn(&Outcome) -> f64,
    goal: Option<Goal>,
    note: &str,
) -> Vec<Row> {
    (1..drivers.len())
        .map(|i| {
            let mut row = Row::new(metric, med(&outcomes[0], f), med(&outcomes[i], f))
                .peer(drivers[i].name)
                .note(note);
            row.goal = goal;
            row
        })
        .collect()
}

/// The peak RSS a workload adds to an idle client, myaws against each peer.
fn growth_rows(drivers: &[&Driver], outcomes: &[Vec<Outcome>], what: &str) -> Vec<Row> {
    rows(
        drivers,
        outcomes,
        &format!("{what}: peak RSS above idle client, MiB"),
        Outcome::growth_mib,
        None,
        "VmHWM - VmRSS before the first request",
    )
}

/// Requests/s and CPU/1,000 requests of the small operations, myaws
/// (`drivers[0]`) against each peer, over plain HTTP or (`tls`) HTTPS.
pub fn requests<const N: usize>(
    drivers: [&Driver; N],
    endpoint: &str,
    s: &Settings,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    let https = endpoint.starts_with("https:");
    let ops: &[&str] = if https { &["s3-get-small"] } else { &SMALL_OPS };
    for concurrency in [1, 64] {
        for &op in ops {
            let load = Load {
                op,
                n: s.n_small,
                concurrency,
                secs: s.secs,
                warmup: 20,
                size: 0,
            };
            let out = alternate(drivers, endpoint, &load, s.rounds, raw)?;
            let label = if concurrency == 1 {
                "sequential".to_string()
            } else {
                format!("{concurrency} tasks")
            };
            let scheme = if https { " HTTPS" } else { "" };
            // Issue 16: keep ≥ 2× at 64 tasks over plain HTTP, reach ≥ 1.3× over TLS.
            let floor = if https { 1.3 } else { 2.0 };
            let goal = (concurrency == 64).then_some(Goal::AtLeast(floor));
            let mut all = rows(
                &drivers,
                &out,
                &format!("{op}{scheme}, {label}: requests/s"),
                Outcome::rps,
                goal,
                &format!("median of {} (ABBA order)", s.rounds),
            );
            all.extend(rows(
                &drivers,
                &out,
                &format!("{op}{scheme}, {label}: client CPU ms / 1,000 req"),
                Outcome::cpu_ms_per_1k,
                None,
                "getrusage user+sys of the driver",
            ));
            if concurrency == 1 {
                // Where a sequential request's client time goes: the library
                // (user) or the loopback TCP round trip (kernel).
                all.extend(rows(
                    &drivers,
                    &out,
                    &format!("{op}{scheme}, sequential: client user CPU µs / request"),
                    Outcome::user_us_per_req,
                    None,
                    "getrusage user time of the driver",
                ));
                all.extend(rows(
                    &drivers,
                    &out,
                    &format!("{op}{scheme}, sequential: client kernel CPU µs / request"),
                    Outcome::sys_us_per_req,
                    None,
                    "getrusage system time: syscalls and loopback TCP",
                ));
            }
            for row in all {
                report.push(row);
            }
        }
    }
    Ok(())
}

/// 256 MiB GET and PUT: throughput, client CPU per GB and the process's
/// peak RSS.
pub fn throughput<const N: usize>(
    drivers: [&Driver; N],
    endpoint: &str,
    s: &Settings,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    let scheme = if endpoint.starts_with("https:") {
        " HTTPS"
    } else {
        ""
    };
    for op in ["s3-get-big", "s3-put-big"] {
        let load = Load {
            op,
            n: s.big_n,
            concurrency: 1,
            secs: 300.0,
            warmup: 0,
            size: s.big_size,
        };
        let out = alternate(drivers, endpoint, &load, s.big_rounds, raw)?;
        let mib = s.big_size >> 20;
        let what = format!("{op}{scheme} {mib} MiB");
        let mut all = rows(
            &drivers,
            &out,
            &format!("{what}: throughput MB/s"),
            Outcome::mb_per_s,
            Some(Goal::AtLeast(1.0)),
            &format!(
                "streamed; {} per process, median of {} processes (ABBA order)",
                s.big_n, s.big_rounds
            ),
        );
        all.extend(rows(
            &drivers,
            &out,
            &format!("{what}: client CPU s / GB"),
            Outcome::cpu_s_per_gb,
            // Issue 16's goal is for the production path, over TLS.
            (!scheme.is_empty()).then_some(Goal::AtMost(0.8)),
            "getrusage user+sys per 10^9 body bytes",
        ));
        if scheme.is_empty() {
            all.extend(rows(
                &drivers,
                &out,
                &format!("{what}: peak RSS MiB"),
                Outcome::hwm_mib,
                Some(Goal::AtMost(0.6)),
                "VmHWM of a fresh process",
            ));
            all.extend(growth_rows(&drivers, &out, &what));
        }
        for row in all {
            report.push(row);
        }
    }
    Ok(())
}

/// Peak RSS of one client making `s.rss_requests` sequential 1 KiB GETs.
pub fn rss<const N: usize>(
    drivers: [&Driver; N],
    endpoint: &str,
    s: &Settings,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    let load = Load {
        op: "s3-get-small",
        n: s.rss_requests,
        concurrency: 1,
        secs: 300.0,
        warmup: 0,
        size: 0,
    };
    let out = alternate(drivers, endpoint, &load, 1, raw)?;
    let what = format!("{} x s3-get-small", s.rss_requests);
    let mut all = rows(
        &drivers,
        &out,
        &format!("{what}, one client: peak RSS MiB"),
        Outcome::hwm_mib,
        None,
        "VmHWM",
    );
    all.extend(growth_rows(&drivers, &out, &what));
    for row in all {
        report.push(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn abba_order() {
        let orders: Vec<Vec<usize>> = (0..4).map(|r| super::round_order(2, r)).collect();
        assert_eq!(orders, vec![vec![0, 1], vec![1, 0], vec![0, 1], vec![1, 0]]);
        assert_eq!(super::round_order(3, 1), vec![2, 1, 0]);
    }
}
