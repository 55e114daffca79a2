//! Client instructions per request under `valgrind --tool=callgrind`.
//!
//! Each driver runs twice after the same warm-up, with `n1` and then `n2`
//! requests; (Ir(n2) - Ir(n1)) / (n2 - n1) leaves out start-up, client
//! construction and warm-up. The profiles are kept for `callgrind_annotate`.

use std::path::Path;
use std::time::Duration;

use super::driver::{Driver, Load};
use super::report::{Goal, Report, Row};
use super::Settings;

/// The operations measured under callgrind.
pub const OPS: [&str; 3] = ["s3-get-small", "sqs-send", "s3-put-small"];

/// Instructions/request for each of [`OPS`] (only the 1 KiB GET over
/// HTTPS), myaws (`drivers[0]`) against each peer.
pub fn measure(
    drivers: &[&Driver],
    endpoint: &str,
    s: &Settings,
    dir: &Path,
    report: &mut Report,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let https = endpoint.starts_with("https:");
    let (ops, scheme): (&[&str], &str) = if https {
        (&["s3-get-small"], " HTTPS")
    } else {
        (&OPS, "")
    };
    for &op in ops {
        let mut per_request = Vec::new();
        for driver in drivers {
            let mut totals = [0u64; 2];
            for (j, n) in [s.cg_n1, s.cg_n2].into_iter().enumerate() {
                let tag = if https { "-https" } else { "" };
                let name = driver.name.replace(' ', "-");
                let out = dir.join(format!("{name}-{op}{tag}-{n}.out"));
                let prefix = prefix(&out);
                let load = Load {
                    op,
                    n,
                    concurrency: 1,
                    secs: 600.0,
                    warmup: s.cg_warmup,
                    size: 0,
                };
                driver.run_with(&prefix, endpoint, &load, Duration::from_secs(900))?;
                totals[j] = total_ir(&out)?;
            }
            per_request.push((totals[1] as f64 - totals[0] as f64) / (s.cg_n2 - s.cg_n1) as f64);
        }
        for (i, driver) in drivers.iter().enumerate().skip(1) {
            report.push(
                Row::new(
                    format!("{op}{scheme}: client instructions / request"),
                    Some(per_request[0]),
                    Some(per_request[i]),
                )
                .peer(driver.name)
                // Issue 16: keep ≤ 0.5 over plain HTTP, reach ≤ 0.7 over TLS.
                .goal(Goal::AtMost(if https { 0.7 } else { 0.5 }))
                .note(format!(
                    "callgrind Ir, ({} - {}) requests after {} warm-up",
                    s.cg_n2, s.cg_n1, s.cg_warmup
                )),
            );
        }
    }
    Ok(())
}

/// The command prefix running a program under callgrind, its profile
/// written to `out`.
pub fn prefix(out: &Path) -> Vec<String> {
    vec![
        "valgrind".to_string(),
        "--tool=callgrind".to_string(),
        format!("--callgrind-out-file={}", out.display()),
    ]
}

/// The total instruction count of a callgrind output file.
pub fn total_ir(path: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_total(&text).ok_or_else(|| format!("{}: no totals line", path.display()))
}

fn parse_total(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_totals() {
        let text = "events: Ir\nfn=main\n1 5\nsummary: 1234\ntotals: 1234\n";
        assert_eq!(super::parse_total(text), Some(1234));
        assert_eq!(super::parse_total("events: Ir\n"), None);
    }
}
