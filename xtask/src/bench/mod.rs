//! `cargo xtask bench [--quick]`: myaws against aws-sdk-rust and boto3.
//!
//! Builds the peer workspace in `bench/` (tiny programs, load drivers, the
//! canned server) under `target/bench/`, measures build cost, binary size,
//! requests/s, CPU and instructions per request, large-object throughput and
//! peak memory, and prints one table of figures and ratios (myaws / peer),
//! also written to `target/bench/results.{json,md}`.
//!
//! `--quick` reuses the last full run's clean-build times, makes one round
//! instead of five, and shorter loops.

mod build;
mod callgrind;
mod cmd;
mod driver;
mod load;
mod python;
mod report;
mod server;
mod timings;

use std::path::PathBuf;

use serde_json::{json, Value};

use self::driver::Driver;
use self::report::Report;
use crate::workspace_root;

/// Directories the benchmark uses.
pub struct Paths {
    /// The peer workspace (`bench/`).
    pub bench: PathBuf,
    /// Outputs (`target/bench/`).
    pub out: PathBuf,
    /// One target directory per measurement (`target/bench/build/`).
    pub build: PathBuf,
    /// Build and venv logs (`target/bench/logs/`).
    pub logs: PathBuf,
}

/// Sizes of the loops (bounded in count and time).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Rounds of each request figure (alternating myaws and the peer).
    pub rounds: usize,
    /// Most requests of a small-request loop.
    pub n_small: u64,
    /// Time bound of a small-request loop, seconds.
    pub secs: f64,
    /// Callgrind: warm-up requests, then the two request counts.
    pub cg_warmup: u64,
    /// Callgrind: the smaller request count.
    pub cg_n1: u64,
    /// Callgrind: the larger request count.
    pub cg_n2: u64,
    /// Size of the large GET/PUT, bytes.
    pub big_size: u64,
    /// Rounds of the large GET/PUT (a fresh process each).
    pub big_rounds: usize,
    /// Large GETs/PUTs per process.
    pub big_n: u64,
    /// Requests of the memory figure.
    pub rss_requests: u64,
}

impl Settings {
    fn new(quick: bool) -> Settings {
        Settings {
            rounds: if quick { 1 } else { 5 },
            n_small: if quick { 3_000 } else { 20_000 },
            secs: if quick { 2.0 } else { 4.0 },
            cg_warmup: 10,
            cg_n1: 10,
            cg_n2: if quick { 30 } else { 110 },
            big_size: 256 << 20,
            big_rounds: if quick { 1 } else { 5 },
            big_n: if quick { 2 } else { 5 },
            rss_requests: 10_000,
        }
    }
}

/// UTC date and time now (`date -u`), for the records.
pub fn now() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Entry point of `cargo xtask bench`.
pub fn main(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            other => return Err(format!("`bench` takes only --quick, got `{other}`")),
        }
    }
    let root = workspace_root();
    let out = root.join("target/bench");
    let paths = Paths {
        bench: root.join("bench"),
        build: out.join("build"),
        logs: out.join("logs"),
        out,
    };
    for dir in [&paths.build, &paths.logs] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let settings = Settings::new(quick);
    let mut report = Report::default();
    report.set("mode", json!(if quick { "quick" } else { "full" }));
    report.set("started", json!(now()));
    report.set("load_average_start", json!(cmd::load_average()));
    report.set("versions", versions(&paths));
    report.set("myaws_commit", json!(commit(&root)));
    let mut raw = Vec::new();

    // Not --locked: bench/Cargo.lock pins the peers, but myaws's own
    // dependencies move with the main workspace.
    let fetch = cmd::timed(
        cmd::nice_cargo(&paths.bench).arg("fetch"),
        &paths.logs.join("fetch.log"),
    );
    fetch.map_err(|e| format!("cargo fetch in bench/: {e}"))?;
    let bins = build::measure(&paths, quick, &mut report)?;
    let boto3 = python::boto3_driver(&paths)?;

    let server = server::Server::start(&bins.server, 7200)?;
    let endpoint = server.endpoint().to_string();
    println!("bench: canned server on {endpoint}");
    let myaws = Driver::binary("myaws", &bins.driver_myaws);
    let aws = Driver::binary("aws-sdk-rust", &bins.driver_aws);
    let drivers = [&myaws, &aws];
    load::requests(drivers, &endpoint, &settings, &mut report, &mut raw)?;
    python::compare(&myaws, &boto3, &endpoint, &settings, &mut report, &mut raw)?;
    let cg_dir = paths.out.join("callgrind");
    callgrind::measure(drivers, &endpoint, &settings, &cg_dir, &mut report)?;
    load::throughput(drivers, &endpoint, &settings, &mut report, &mut raw)?;
    load::rss(drivers, &endpoint, &settings, &mut report, &mut raw)?;
    drop(server);

    report.set("finished", json!(now()));
    report.set("load_average_end", json!(cmd::load_average()));
    report.set("settings", json!(format!("{settings:?}")));
    report.set("raw", Value::Array(raw));
    write_outputs(&paths, &report)
}

/// The checked-out commit, with `+wip` when the work tree has changes.
fn commit(root: &std::path::Path) -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let head = git(&["rev-parse", "--short", "HEAD"]);
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty();
    if dirty {
        format!("{head}+wip")
    } else {
        head
    }
}

/// Versions of the peers, from bench/Cargo.lock and bench/requirements.txt.
fn versions(paths: &Paths) -> Value {
    let lock = std::fs::read_to_string(paths.bench.join("Cargo.lock")).unwrap_or_default();
    let mut out = serde_json::Map::new();
    for name in ["aws-sdk-s3", "aws-sdk-sqs", "aws-config"] {
        let needle = format!("name = \"{name}\"\nversion = \"");
        if let Some(rest) = lock.split(&needle).nth(1) {
            out.insert(name.into(), json!(rest.split('"').next().unwrap_or("?")));
        }
    }
    let reqs = std::fs::read_to_string(paths.bench.join("requirements.txt")).unwrap_or_default();
    if let Some(pin) = reqs.lines().find(|l| l.starts_with("boto3==")) {
        out.insert("boto3".into(), json!(&pin["boto3==".len()..]));
    }
    Value::Object(out)
}

/// The slowest units of each clean build, as a Markdown list.
fn build_profile_markdown(profile: &Value) -> String {
    let Some(builds) = profile.as_object() else {
        return String::new();
    };
    let mut out = String::from("\n## Where the clean build time goes (slowest units, s)\n\n");
    for (build, units) in builds {
        let units: Vec<String> = units
            .as_array()
            .into_iter()
            .flatten()
            .take(8)
            .map(|u| {
                format!(
                    "{} {:.1}",
                    u[0].as_str().unwrap_or("?"),
                    u[1].as_f64().unwrap_or(0.0)
                )
            })
            .collect();
        out.push_str(&format!("- {build}: {}\n", units.join(", ")));
    }
    out
}

fn write_outputs(paths: &Paths, report: &Report) -> Result<(), String> {
    let meta = &report.meta;
    let caveat = format!(
        "Measured {} to {} ({} mode) on a shared 2-core machine; 1-minute load \
         average {} at the start and {} at the end. Wall-clock figures move with \
         the load; CPU and instruction figures much less.",
        meta["started"].as_str().unwrap_or("?"),
        meta["finished"].as_str().unwrap_or("?"),
        meta["mode"].as_str().unwrap_or("?"),
        meta["load_average_start"],
        meta["load_average_end"],
    );
    let markdown = format!(
        "# myaws benchmark (`cargo xtask bench`)\n\nPeers: {}; myaws at {}.\n\n{}\n{caveat}\n{}",
        meta["versions"],
        meta["myaws_commit"].as_str().unwrap_or("?"),
        report.to_markdown(),
        build_profile_markdown(meta.get("build_profile").unwrap_or(&Value::Null)),
    );
    let json_path = paths.out.join("results.json");
    let md_path = paths.out.join("results.md");
    let pretty = serde_json::to_string_pretty(&report.to_json()).map_err(|e| e.to_string())?;
    std::fs::write(&json_path, pretty).map_err(|e| e.to_string())?;
    std::fs::write(&md_path, markdown).map_err(|e| e.to_string())?;
    println!("\n{}\n{caveat}", report.to_text());
    println!(
        "bench: wrote {} and {}",
        json_path.display(),
        md_path.display()
    );
    Ok(())
}
