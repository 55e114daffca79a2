//! Build-cost figures (clean `cargo build --release` and `cargo check` of the
//! tiny programs in `bench/tiny`, stripped binary sizes) and the builds of the
//! load drivers and the canned server.
//!
//! Every clean measurement gets its own target directory, removed before
//! and after. The binaries that are run or measured for size are built in
//! one kept directory per SDK build (`bin-myaws`, `bin-aws`,
//! `bin-aws-trim`), where the SDK crates are compiled once for the tiny
//! programs, the drivers and the five-service program.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::cmd::{nice_cargo, timed, Timed};
use super::report::{Goal, Report, Row};
use super::timings::slowest_units;
use super::Paths;

/// The peers of the build figures: aws-sdk-rust with its default features
/// and trimmed (`bench/tiny/*-trim`: default features off).
pub const PEERS: [&str; 2] = ["aws-sdk-rust", "aws-sdk-rust trim"];

/// Issue 16's build-time goals for the tiny programs, one per peer of
/// [`PEERS`]: at most a quarter of the default build, half of the trimmed one.
pub const TINY_BUILD_GOALS: [f64; 2] = [0.25, 0.5];

/// The features each build has, for the report.
pub const FEATURES: [(&str, &str); 3] = [
    (
        "myaws",
        "myaws-s3 / myaws-sqs / ... with their default features (rustls with ring, \
         tokio, hyper 1)",
    ),
    (
        "aws-sdk-rust",
        "aws-config, aws-sdk-* with default features (aws-config: default-https-client, \
         rt-tokio, credentials-process, sso; aws-sdk-s3: sigv4a, http-1x, rustls \
         (the legacy hyper 0.14 + rustls 0.21 client), default-https-client (hyper 1 + \
         rustls 0.23 with aws-lc-rs), rt-tokio)",
    ),
    (
        "aws-sdk-rust trim",
        "aws-config, aws-sdk-* with default-features = false and only rt-tokio + \
         default-https-client (no SSO, no credentials-process, no SigV4a, no legacy \
         client)",
    ),
];

/// The tiny programs of one service: myaws's, aws-sdk-rust's, and
/// aws-sdk-rust's trimmed (the same source).
struct Tiny {
    service: &'static str,
    myaws: &'static str,
    peers: [&'static str; 2],
}

const TINY: [Tiny; 2] = [
    Tiny {
        service: "S3",
        myaws: "tiny-myaws-s3",
        peers: ["tiny-aws-s3", "tiny-aws-s3-trim"],
    },
    Tiny {
        service: "SQS",
        myaws: "tiny-myaws-sqs",
        peers: ["tiny-aws-sqs", "tiny-aws-sqs-trim"],
    },
];

/// Where the programs the load figures run were built.
pub struct Binaries {
    /// `bench-server`.
    pub server: PathBuf,
    /// The myaws load driver.
    pub driver_myaws: PathBuf,
    /// The aws-sdk-rust load driver (default features).
    pub driver_aws: PathBuf,
    /// The aws-sdk-rust load driver, trimmed features.
    pub driver_aws_trim: PathBuf,
}

/// Which cargo command a measurement times.
#[derive(Clone, Copy)]
pub enum Kind {
    /// `cargo build --release`.
    Release,
    /// `cargo check`.
    Check,
}

impl Kind {
    /// The target directory of `package`'s builds of this kind.
    pub fn dir(self, paths: &Paths, package: &str) -> PathBuf {
        let suffix = match self {
            Kind::Release => "release",
            Kind::Check => "check",
        };
        paths.build.join(format!("{package}-{suffix}"))
    }
}

/// Cargo run for `package` of kind `kind` in `dir` (with `--timings` when
/// `timings`).
pub fn cargo_run(
    paths: &Paths,
    kind: Kind,
    package: &str,
    dir: &Path,
    timings: bool,
) -> Result<Timed, String> {
    let mut command = nice_cargo(&paths.bench);
    match kind {
        Kind::Release => command.args(["build", "--release"]),
        Kind::Check => command.args(["check"]),
    };
    if timings {
        command.arg("--timings");
    }
    command
        .args(["-j", "2", "-p", package, "--target-dir"])
        .arg(dir);
    timed(
        &mut command,
        &paths.logs.join(format!("build-{package}.log")),
    )
}

/// A clean build: the target directory is removed first. Its slowest units
/// go into `profile`.
pub fn clean_run(
    paths: &Paths,
    kind: Kind,
    package: &str,
    profile: &mut Map<String, Value>,
) -> Result<Timed, String> {
    let dir = kind.dir(paths, package);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    println!("bench: clean {} of {package} ...", kind_name(kind));
    let t = cargo_run(paths, kind, package, &dir, true)?;
    println!("bench:   {:.1} s wall, {:.1} s CPU", t.wall_s, t.cpu_s);
    let key = format!("{package} ({})", kind_name(kind));
    profile.insert(key, json!(slowest_units(&dir, 12)));
    // Only timed, never reused (the binaries are built in `bin_dir`): give
    // the disk back.
    let _ = std::fs::remove_dir_all(&dir);
    Ok(t)
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Release => "cargo build --release -j 2",
        Kind::Check => "cargo check -j 2",
    }
}

/// Measures the build figures (or reuses the last full run's in quick mode;
/// none unless `clean`), the stripped sizes (when `sizes`), and builds the
/// drivers and the server.
pub fn measure(
    paths: &Paths,
    quick: bool,
    clean: bool,
    sizes: bool,
    report: &mut Report,
) -> Result<Binaries, String> {
    let saved = paths.out.join("build-times.json");
    if clean {
        let (rows, profile) = if quick {
            reused(&saved, "clean build / check times", &TINY_BUILD_GOALS)
        } else {
            let mut profile = Map::new();
            let rows = clean_rows(paths, &mut profile)?;
            save(&saved, &rows, &profile)?;
            (rows, Value::Object(profile))
        };
        report.set("build_profile", profile);
        for row in rows {
            report.push(row);
        }
    }
    if sizes {
        for tiny in &TINY {
            let m = stripped_mib(paths, tiny.myaws)?;
            for (peer, package) in PEERS.iter().zip(tiny.peers) {
                let p = stripped_mib(paths, package)?;
                report.push(
                    Row::new(
                        format!("{}: stripped release binary, MiB", tiny.service),
                        Some(m),
                        Some(p),
                    )
                    .peer(peer)
                    .goal(Goal::AtMost(0.4))
                    .note("tiny program, strip(1)"),
                );
            }
        }
    }
    build_drivers(paths)
}

/// Records build rows for later quick runs.
pub fn save(path: &Path, rows: &[Row], profile: &Map<String, Value>) -> Result<(), String> {
    let record = json!({
        "when": super::now(),
        "rows": rows
            .iter()
            .map(|r| json!([r.metric, r.myaws, r.peer, r.peer_name]))
            .collect::<Vec<_>>(),
        "profile": profile,
    });
    std::fs::write(path, record.to_string()).map_err(|e| e.to_string())
}

/// Clean release builds, then clean checks: myaws, then both peers, the
/// order reversed from one service to the next.
fn clean_rows(paths: &Paths, profile: &mut Map<String, Value>) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (kind, label) in [
        (Kind::Release, "clean release build"),
        (Kind::Check, "clean cargo check"),
    ] {
        for (s, tiny) in TINY.iter().enumerate() {
            let packages = [tiny.myaws, tiny.peers[0], tiny.peers[1]];
            let mut times = [Timed::default(); 3];
            for i in super::load::round_order(3, s) {
                times[i] = clean_run(paths, kind, packages[i], profile)?;
            }
            for (p, peer) in PEERS.iter().enumerate() {
                let (m, a) = (times[0], times[p + 1]);
                rows.push(
                    Row::new(
                        format!("{}: {label}, wall s", tiny.service),
                        Some(m.wall_s),
                        Some(a.wall_s),
                    )
                    .peer(peer)
                    .goal(Goal::AtMost(TINY_BUILD_GOALS[p]))
                    .note("-j 2, nice 19, own target dir"),
                );
                rows.push(
                    Row::new(
                        format!("{}: {label}, CPU s", tiny.service),
                        Some(m.cpu_s),
                        Some(a.cpu_s),
                    )
                    .peer(peer)
                    .note("user+sys of the cargo tree (less load-sensitive)"),
                );
            }
        }
    }
    Ok(rows)
}

/// The previous full run's build rows and profile, or a row saying they
/// were skipped. Their goals are today's `goals` (one per peer of
/// [`PEERS`], on the wall-time rows), not the ones of that run.
pub fn reused(saved: &Path, what: &str, goals: &[f64; 2]) -> (Vec<Row>, Value) {
    let record: Option<Value> = std::fs::read_to_string(saved)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let Some(record) = record else {
        let row = Row::new(what, None, None).note("skipped (--quick, no earlier full run)");
        return (vec![row], Value::Null);
    };
    let when = record["when"].as_str().unwrap_or("?").to_string();
    let rows = record["rows"].as_array().cloned().unwrap_or_default();
    let rows = rows
        .iter()
        .map(|r| {
            let metric = r[0].as_str().unwrap_or("?").to_string();
            let peer = PEERS
                .iter()
                .position(|p| Some(*p) == r[3].as_str())
                .unwrap_or(0);
            let mut row = Row::new(metric, r[1].as_f64(), r[2].as_f64())
                .peer(PEERS[peer])
                .note(format!("reused from the full run of {when} (--quick)"));
            if row.metric.ends_with(", wall s") {
                row = row.goal(Goal::AtMost(goals[peer]));
            }
            row
        })
        .collect();
    (rows, record["profile"].clone())
}

/// The target directory where `package`'s binary is built (incrementally,
/// kept between runs): one per SDK build, shared by its tiny programs,
/// driver and five-service program (the same features, so the SDK crates
/// are compiled once). The server is built with myaws's.
pub fn bin_dir(paths: &Paths, package: &str) -> PathBuf {
    let family = if package.contains("myaws") || package == "bench-server" {
        "myaws"
    } else if package.ends_with("-trim") {
        "aws-trim"
    } else {
        "aws"
    };
    paths.build.join(format!("bin-{family}"))
}

/// Builds `package` (a no-op when fresh) and returns its binary.
pub fn binary(paths: &Paths, package: &str) -> Result<PathBuf, String> {
    let dir = bin_dir(paths, package);
    cargo_run(paths, Kind::Release, package, &dir, false)?;
    Ok(dir.join("release").join(package))
}

/// Builds `package` and returns the size of a stripped copy of its binary,
/// in MiB.
pub fn stripped_mib(paths: &Paths, package: &str) -> Result<f64, String> {
    let bin = binary(paths, package)?;
    let stripped = paths.out.join(format!("{package}.stripped"));
    let status = std::process::Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(&bin)
        .status()
        .map_err(|e| format!("strip: {e}"))?;
    if !status.success() {
        return Err(format!("strip {} failed", bin.display()));
    }
    let size = std::fs::metadata(&stripped)
        .map_err(|e| e.to_string())?
        .len();
    let _ = std::fs::remove_file(&stripped);
    Ok(size as f64 / (1024.0 * 1024.0))
}

/// Builds the drivers and the server.
fn build_drivers(paths: &Paths) -> Result<Binaries, String> {
    println!("bench: building the load drivers and the canned server ...");
    Ok(Binaries {
        server: binary(paths, "bench-server")?,
        driver_myaws: binary(paths, "driver-myaws")?,
        driver_aws: binary(paths, "driver-aws")?,
        driver_aws_trim: binary(paths, "driver-aws-trim")?,
    })
}
