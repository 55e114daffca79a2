//! Request figures: requests/s and client CPU per 1,000 requests (sequential
//! and 64 concurrent tasks), 256 MiB throughput with peak RSS, and the peak
//! RSS of 10,000 requests on one client.
//!
//! Each figure is measured for myaws and aws-sdk-rust in the same run,
//! alternating the two over `rounds` rounds, and the medians are compared.

use serde_json::Value;

use super::driver::{median, Driver, Load, Outcome};
use super::report::{Goal, Report, Row};
use super::Settings;

/// The small-request operations.
pub const SMALL_OPS: [&str; 3] = ["s3-get-small", "s3-put-small", "sqs-send"];

/// Runs `load` `rounds` times on each driver, alternating; returns the
/// outcomes of each and records them raw.
pub fn alternate(
    drivers: [&Driver; 2],
    endpoint: &str,
    load: &Load,
    rounds: usize,
    raw: &mut Vec<Value>,
) -> Result<[Vec<Outcome>; 2], String> {
    let mut out = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        for (i, driver) in drivers.iter().enumerate() {
            let o = driver.run(endpoint, load)?;
            raw.push(serde_json::json!({"driver": driver.name, "report": o.raw}));
            out[i].push(o);
        }
    }
    Ok(out)
}

pub fn med(outcomes: &[Outcome], f: fn(&Outcome) -> f64) -> Option<f64> {
    Some(median(outcomes.iter().map(f).collect()))
}

/// Requests/s and CPU/1,000 requests of the small operations.
pub fn requests(
    drivers: [&Driver; 2],
    endpoint: &str,
    s: &Settings,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    for concurrency in [1, 64] {
        for op in SMALL_OPS {
            let load = Load {
                op,
                n: s.n_small,
                concurrency,
                secs: s.secs,
                warmup: 20,
                size: 0,
            };
            let [m, a] = alternate(drivers, endpoint, &load, s.rounds, raw)?;
            let label = if concurrency == 1 {
                "sequential".to_string()
            } else {
                format!("{concurrency} tasks")
            };
            let mut row = Row::new(
                format!("{op}, {label}: requests/s"),
                med(&m, Outcome::rps),
                med(&a, Outcome::rps),
            )
            .note(format!("median of {}", s.rounds));
            if concurrency == 64 {
                row = row.goal(Goal::AtLeast(1.3));
            }
            report.push(row);
            report.push(
                Row::new(
                    format!("{op}, {label}: client CPU ms / 1,000 req"),
                    med(&m, Outcome::cpu_ms_per_1k),
                    med(&a, Outcome::cpu_ms_per_1k),
                )
                .note("getrusage user+sys of the driver"),
            );
            if concurrency == 1 {
                // Where a sequential request's client time goes: the library
                // (user) or the loopback TCP round trip (kernel).
                report.push(
                    Row::new(
                        format!("{op}, sequential: client user CPU µs / request"),
                        med(&m, Outcome::user_us_per_req),
                        med(&a, Outcome::user_us_per_req),
                    )
                    .note("getrusage user time of the driver"),
                );
                report.push(
                    Row::new(
                        format!("{op}, sequential: client kernel CPU µs / request"),
                        med(&m, Outcome::sys_us_per_req),
                        med(&a, Outcome::sys_us_per_req),
                    )
                    .note("getrusage system time: syscalls and loopback TCP"),
                );
            }
        }
    }
    Ok(())
}

/// 256 MiB GET and PUT: throughput and the process's peak RSS.
pub fn throughput(
    drivers: [&Driver; 2],
    endpoint: &str,
    s: &Settings,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    for op in ["s3-get-big", "s3-put-big"] {
        let load = Load {
            op,
            n: s.big_n,
            concurrency: 1,
            secs: 300.0,
            warmup: 0,
            size: s.big_size,
        };
        let [m, a] = alternate(drivers, endpoint, &load, s.big_rounds, raw)?;
        let mib = s.big_size >> 20;
        report.push(
            Row::new(
                format!("{op} {mib} MiB: throughput MB/s"),
                med(&m, Outcome::mb_per_s),
                med(&a, Outcome::mb_per_s),
            )
            .goal(Goal::AtLeast(1.0))
            .note(format!(
                "streamed; {} per process, median of {} processes",
                s.big_n, s.big_rounds
            )),
        );
        report.push(
            Row::new(
                format!("{op} {mib} MiB: peak RSS MiB"),
                med(&m, Outcome::hwm_mib),
                med(&a, Outcome::hwm_mib),
            )
            .goal(Goal::AtMost(0.5))
            .note("VmHWM of a fresh process"),
        );
        report.push(growth_row(format!("{op} {mib} MiB"), &m, &a));
    }
    Ok(())
}

/// Peak RSS of one client making `s.rss_requests` sequential 1 KiB GETs.
pub fn rss(
    drivers: [&Driver; 2],
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
    let [m, a] = alternate(drivers, endpoint, &load, 1, raw)?;
    report.push(
        Row::new(
            format!(
                "{} x s3-get-small, one client: peak RSS MiB",
                s.rss_requests
            ),
            med(&m, Outcome::hwm_mib),
            med(&a, Outcome::hwm_mib),
        )
        .note("VmHWM"),
    );
    report.push(growth_row(
        format!("{} x s3-get-small", s.rss_requests),
        &m,
        &a,
    ));
    Ok(())
}

/// Peak RSS above the resident set with the client built: the memory the
/// requests themselves took.
fn growth_row(what: String, m: &[Outcome], a: &[Outcome]) -> Row {
    Row::new(
        format!("{what}: peak RSS above idle client, MiB"),
        med(m, Outcome::growth_mib),
        med(a, Outcome::growth_mib),
    )
    .note("VmHWM - VmRSS before the first request")
}
