//! `cargo xtask bench [--quick]`: myaws against aws-sdk-rust and boto3.
//!
//! Builds the peer workspace in `bench/` (tiny programs, load drivers, the
//! canned server) under `target/bench/`, measures build cost, binary size,
//! requests/s, CPU and instructions per request, large-object throughput and
//! peak memory, and prints one table of figures and ratios (myaws / peer),
//! also written to `target/bench/results.{json,md}`.
//!
//! `--quick` reuses the last full run's clean-build times, makes two rounds
//! (one ABBA pair) instead of six, and shorter loops. `--only PART[,PART]`
//! runs only those parts (see [`PARTS`]); the binaries they need are built
//! (incrementally) either way.

mod build;
mod callgrind;
mod cmd;
mod coldstart;
mod driver;
mod load;
mod python;
mod real;
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
    /// Runs of each cold-start wall-time figure.
    pub cold_runs: usize,
}

impl Settings {
    fn new(quick: bool) -> Settings {
        Settings {
            rounds: if quick { 2 } else { 6 },
            n_small: if quick { 3_000 } else { 20_000 },
            secs: if quick { 2.0 } else { 4.0 },
            cg_warmup: 10,
            cg_n1: 10,
            cg_n2: if quick { 30 } else { 110 },
            big_size: 256 << 20,
            big_rounds: if quick { 2 } else { 6 },
            big_n: if quick { 2 } else { 5 },
            rss_requests: 10_000,
            cold_runs: if quick { 6 } else { 20 },
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

/// The parts of a run, in the order they run.
pub const PARTS: [&str; 10] = [
    "build",      // clean release builds and checks of the tiny programs
    "size",       // stripped sizes of the tiny programs
    "requests",   // requests/s and CPU, sequential and 64 tasks
    "boto3",      // the same against boto3
    "callgrind",  // instructions per request
    "throughput", // 256 MiB GET/PUT, and peak RSS of 10,000 GETs
    "coldstart",  // process start to first response, client creation
    "checksum",   // both SDKs reject a GET whose CRC32 is wrong
    "https",      // the canned server over TLS
    "real",       // the five-service program: build, size, cold start
];

fn parse_args(args: &[String]) -> Result<(bool, Vec<String>), String> {
    let mut quick = false;
    let mut only: Vec<String> = PARTS.iter().map(|p| p.to_string()).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => {
                let list = it.next().ok_or("--only needs PART[,PART...]")?;
                only = list.split(',').map(str::to_string).collect();
                if let Some(bad) = only.iter().find(|p| !PARTS.contains(&p.as_str())) {
                    return Err(format!("unknown part `{bad}`; parts: {}", PARTS.join(", ")));
                }
            }
            other => {
                return Err(format!(
                    "`bench` takes --quick and --only PART[,PART], got `{other}`"
                ))
            }
        }
    }
    Ok((quick, only))
}

/// Entry point of `cargo xtask bench`.
pub fn main(args: &[String]) -> Result<(), String> {
    let (quick, only) = parse_args(args)?;
    let part = |name: &str| only.iter().any(|p| p == name);
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
    report.set("parts", json!(only));
    report.set("started", json!(now()));
    report.set("load_average_start", json!(cmd::load_average()));
    report.set("versions", versions(&paths));
    report.set("myaws_commit", json!(commit(&root)));
    report.set("environment", coldstart::environment());
    report.set(
        "features",
        Value::Object(
            build::FEATURES
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
        ),
    );
    let mut raw = Vec::new();

    // Not --locked: bench/Cargo.lock pins the peers, but myaws's own
    // dependencies move with the main workspace.
    let fetch = cmd::timed(
        cmd::nice_cargo(&paths.bench).arg("fetch"),
        &paths.logs.join("fetch.log"),
    );
    fetch.map_err(|e| format!("cargo fetch in bench/: {e}"))?;
    let bins = build::measure(&paths, quick, part("build"), part("size"), &mut report)?;
    let real_bins = if part("real") {
        real::builds(&paths, quick, &mut report)?
    } else {
        Vec::new()
    };

    let ca = paths.out.join("bench-ca.pem");
    let ca_flag = ca.display().to_string();
    let server = server::Server::start(&bins.server, 7200, &["--tls-ca-out", &ca_flag])?;
    let endpoint = server.endpoint().to_string();
    let tls_endpoint = server.tls_endpoint().unwrap_or_default().to_string();
    println!("bench: canned server on {endpoint} and {tls_endpoint}");
    let myaws = Driver::binary("myaws", &bins.driver_myaws);
    let aws = Driver::binary(build::PEERS[0], &bins.driver_aws);
    let trim = Driver::binary(build::PEERS[1], &bins.driver_aws_trim);
    let all = [&myaws, &aws, &trim];
    let cg_dir = paths.out.join("callgrind");
    if part("requests") {
        load::requests(all, &endpoint, &settings, &mut report, &mut raw)?;
    }
    if part("boto3") {
        let boto3 = python::boto3_driver(&paths)?;
        python::compare(&myaws, &boto3, &endpoint, &settings, &mut report, &mut raw)?;
    }
    if part("callgrind") {
        callgrind::measure(&all, &endpoint, &settings, &cg_dir, &mut report)?;
    }
    if part("throughput") {
        load::throughput([&myaws, &aws], &endpoint, &settings, &mut report, &mut raw)?;
        load::rss([&myaws, &aws], &endpoint, &settings, &mut report, &mut raw)?;
    }
    if part("coldstart") {
        let named = [
            (&myaws, "myaws"),
            (&aws, build::PEERS[0]),
            (&trim, build::PEERS[1]),
        ];
        coldstart::drivers(&named, &endpoint, &settings, &cg_dir, &mut report, &mut raw)?;
    }
    if part("checksum") {
        let verdicts = checksum_check(&bins.server, &all)?;
        report.set("checksum_validation", verdicts);
    }
    if part("https") {
        let m = myaws.with_ca_bundle(&ca);
        let a = aws.with_ca_bundle(&ca);
        let t = trim.with_ca_bundle(&ca);
        let tls = &tls_endpoint;
        load::requests([&m, &a, &t], tls, &settings, &mut report, &mut raw)?;
        callgrind::measure(&[&m, &a, &t], tls, &settings, &cg_dir, &mut report)?;
        load::throughput([&m, &a], tls, &settings, &mut report, &mut raw)?;
    }
    if part("real") {
        real::cold_start(
            &real_bins,
            &endpoint,
            &settings,
            &cg_dir,
            &mut report,
            &mut raw,
        )?;
    }
    drop(server);

    report.set("finished", json!(now()));
    report.set("load_average_end", json!(cmd::load_average()));
    report.set("settings", json!(format!("{settings:?}")));
    report.set("raw", Value::Array(raw));
    write_outputs(&paths, &report)
}

/// Checks that each driver validates the CRC32 of a GET: against a server
/// started with `--bad-checksums`, one 1 KiB GET must fail with an error
/// that names the checksum. Returns each driver's verdict and error.
fn checksum_check(server_bin: &std::path::Path, drivers: &[&Driver]) -> Result<Value, String> {
    let bad = server::Server::start(server_bin, 300, &["--bad-checksums"])?;
    let load = driver::Load {
        op: "s3-get-small",
        n: 1,
        concurrency: 1,
        secs: 30.0,
        warmup: 0,
        size: 0,
    };
    let mut out = serde_json::Map::new();
    for d in drivers {
        let verdict = match d.run(bad.endpoint(), &load) {
            Ok(_) => json!({"validated": false, "error": null}),
            Err(e) => {
                // The driver's first error, from its report line.
                let detail = e
                    .split("\"first_error\":\"")
                    .nth(1)
                    .and_then(|rest| rest.split("\",\"wall_s\"").next())
                    .unwrap_or(&e);
                let validated = detail.to_ascii_lowercase().contains("checksum");
                json!({"validated": validated, "error": detail})
            }
        };
        println!(
            "bench: checksum check, {}: {}",
            d.name,
            if verdict["validated"] == json!(true) {
                "rejects a wrong x-amz-checksum-crc32"
            } else {
                "DOES NOT reject a wrong x-amz-checksum-crc32"
            }
        );
        out.insert(d.name.to_string(), verdict);
    }
    Ok(Value::Object(out))
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
    for name in [
        "aws-sdk-s3",
        "aws-sdk-sqs",
        "aws-sdk-dynamodb",
        "aws-sdk-sts",
        "aws-sdk-kms",
        "aws-config",
    ] {
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

/// What each build has, as a Markdown list.
fn features_markdown(meta: &serde_json::Map<String, Value>) -> String {
    let mut out = String::from("\n## Builds and their features\n\n");
    for (name, features) in meta["features"].as_object().into_iter().flatten() {
        out.push_str(&format!("- {name}: {}\n", features.as_str().unwrap_or("?")));
    }
    out
}

/// Whether each client rejected a wrong response checksum.
fn checksum_markdown(meta: &serde_json::Map<String, Value>) -> String {
    let Some(verdicts) = meta.get("checksum_validation").and_then(Value::as_object) else {
        return String::new();
    };
    let mut out = String::from(
        "\n## Response checksums\n\nEvery 1 KiB and 256 MiB GET answer carries \
         `x-amz-checksum-crc32` (the client asks with `x-amz-checksum-mode: ENABLED`). \
         Against a server sending a wrong one, a 1 KiB GET:\n\n",
    );
    for (name, v) in verdicts {
        let what = if v["validated"] == json!(true) {
            "fails (validated)"
        } else {
            "DOES NOT fail (not validated)"
        };
        let error = v["error"].as_str().unwrap_or("");
        let error: String = error.chars().take(300).collect();
        out.push_str(&format!("- {name}: {what}: {error}\n"));
    }
    out
}

/// The environment every program ran with, as a Markdown list.
fn environment_markdown(meta: &serde_json::Map<String, Value>) -> String {
    let mut out = String::from("\n## Environment of every program (the same for all)\n\n");
    for (name, value) in meta["environment"].as_object().into_iter().flatten() {
        out.push_str(&format!("- `{name}`: {value}\n"));
    }
    out
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
        "# myaws benchmark (`cargo xtask bench`)\n\nPeers: {}; myaws at {}; parts: {}.\n\n\
         {}\n{caveat}\n{}{}{}{}",
        meta["versions"],
        meta["myaws_commit"].as_str().unwrap_or("?"),
        meta["parts"],
        report.to_markdown(),
        features_markdown(meta),
        checksum_markdown(meta),
        environment_markdown(meta),
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
