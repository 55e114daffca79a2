//! Build-cost figures (clean `cargo build --release` and `cargo check` of the
//! tiny programs in `bench/tiny`, stripped binary sizes) and the builds of the
//! load drivers and the canned server.
//!
//! Every clean measurement gets its own target directory, removed first.
//! The drivers are built afterwards into the S3 release directories, where
//! the SDKs are already compiled with the same features.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::cmd::{nice_cargo, timed, Timed};
use super::report::{Goal, Report, Row};
use super::timings::slowest_units;
use super::Paths;

/// The tiny programs of one service: myaws's and aws-sdk-rust's.
struct Tiny {
    service: &'static str,
    myaws: &'static str,
    aws: &'static str,
}

const TINY: [Tiny; 2] = [
    Tiny {
        service: "S3",
        myaws: "tiny-myaws-s3",
        aws: "tiny-aws-s3",
    },
    Tiny {
        service: "SQS",
        myaws: "tiny-myaws-sqs",
        aws: "tiny-aws-sqs",
    },
];

/// Where the programs the load figures run were built.
pub struct Binaries {
    /// `bench-server`.
    pub server: PathBuf,
    /// The myaws load driver.
    pub driver_myaws: PathBuf,
    /// The aws-sdk-rust load driver.
    pub driver_aws: PathBuf,
}

/// Which cargo command a measurement times.
#[derive(Clone, Copy)]
enum Kind {
    Release,
    Check,
}

impl Kind {
    fn dir(self, paths: &Paths, package: &str) -> PathBuf {
        let suffix = match self {
            Kind::Release => "release",
            Kind::Check => "check",
        };
        paths.build.join(format!("{package}-{suffix}"))
    }
}

/// Cargo run for `package` of kind `kind` in `dir` (with `--timings` when
/// `timings`).
fn cargo_run(
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
fn clean_run(
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
    Ok(t)
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Release => "cargo build --release -j 2",
        Kind::Check => "cargo check -j 2",
    }
}

/// Measures the build figures (or reuses the last full run's in quick mode),
/// the stripped sizes, and builds the drivers and the server.
pub fn measure(paths: &Paths, quick: bool, report: &mut Report) -> Result<Binaries, String> {
    let saved = paths.out.join("build-times.json");
    let (rows, profile) = if quick {
        reused(&saved)
    } else {
        let mut profile = Map::new();
        let rows = clean_rows(paths, &mut profile)?;
        let record = json!({
            "when": super::now(),
            "rows": rows.iter().map(|r| json!([r.metric, r.myaws, r.peer])).collect::<Vec<_>>(),
            "profile": profile,
        });
        std::fs::write(&saved, record.to_string()).map_err(|e| e.to_string())?;
        (rows, Value::Object(profile))
    };
    report.set("build_profile", profile);
    for row in rows {
        report.push(row);
    }
    for tiny in &TINY {
        let mut sizes = [0.0; 2];
        for (i, package) in [tiny.myaws, tiny.aws].into_iter().enumerate() {
            sizes[i] = stripped_size(paths, package)? as f64 / (1024.0 * 1024.0);
        }
        report.push(
            Row::new(
                format!("{}: stripped release binary, MiB", tiny.service),
                Some(sizes[0]),
                Some(sizes[1]),
            )
            .goal(Goal::AtMost(0.4))
            .note("tiny program, default features, strip(1)"),
        );
    }
    build_drivers(paths)
}

/// Clean release builds, then clean checks, alternating myaws and the peer.
fn clean_rows(paths: &Paths, profile: &mut Map<String, Value>) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (kind, label, goal) in [
        (Kind::Release, "clean release build", 0.25),
        (Kind::Check, "clean cargo check", 0.25),
    ] {
        for tiny in &TINY {
            let m = clean_run(paths, kind, tiny.myaws, profile)?;
            let a = clean_run(paths, kind, tiny.aws, profile)?;
            rows.push(
                Row::new(
                    format!("{}: {label}, wall s", tiny.service),
                    Some(m.wall_s),
                    Some(a.wall_s),
                )
                .goal(Goal::AtMost(goal))
                .note("-j 2, nice 19, own target dir"),
            );
            rows.push(
                Row::new(
                    format!("{}: {label}, CPU s", tiny.service),
                    Some(m.cpu_s),
                    Some(a.cpu_s),
                )
                .note("user+sys of the cargo tree (less load-sensitive)"),
            );
        }
    }
    Ok(rows)
}

/// The previous full run's build rows and profile, or a row saying they
/// were skipped.
fn reused(saved: &Path) -> (Vec<Row>, Value) {
    let record: Option<Value> = std::fs::read_to_string(saved)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let Some(record) = record else {
        let row = Row::new("clean build / check times", None, None)
            .note("skipped (--quick, no earlier full run)");
        return (vec![row], Value::Null);
    };
    let when = record["when"].as_str().unwrap_or("?").to_string();
    let rows = record["rows"].as_array().cloned().unwrap_or_default();
    let rows = rows
        .iter()
        .map(|r| {
            let metric = r[0].as_str().unwrap_or("?").to_string();
            let goal = (metric.contains("wall")).then_some(Goal::AtMost(0.25));
            let mut row = Row::new(metric, r[1].as_f64(), r[2].as_f64())
                .note(format!("reused from the full run of {when} (--quick)"));
            row.goal = goal;
            row
        })
        .collect();
    (rows, record["profile"].clone())
}

/// Builds `package` in its release directory (a no-op when fresh) and
/// returns the size of a stripped copy of its binary, in bytes.
fn stripped_size(paths: &Paths, package: &str) -> Result<u64, String> {
    let dir = Kind::Release.dir(paths, package);
    cargo_run(paths, Kind::Release, package, &dir, false)?;
    let bin = dir.join("release").join(package);
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
    Ok(size)
}

/// Builds the drivers and the server next to the tiny S3 programs.
fn build_drivers(paths: &Paths) -> Result<Binaries, String> {
    let myaws_dir = Kind::Release.dir(paths, "tiny-myaws-s3");
    let aws_dir = Kind::Release.dir(paths, "tiny-aws-s3");
    println!("bench: building the load drivers and the canned server ...");
    for (package, dir) in [
        ("driver-myaws", &myaws_dir),
        ("bench-server", &myaws_dir),
        ("driver-aws", &aws_dir),
    ] {
        cargo_run(paths, Kind::Release, package, dir, false)?;
    }
    Ok(Binaries {
        server: myaws_dir.join("release/bench-server"),
        driver_myaws: myaws_dir.join("release/driver-myaws"),
        driver_aws: aws_dir.join("release/driver-aws"),
    })
}
