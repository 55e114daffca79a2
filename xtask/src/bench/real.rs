//! The five-service program (`bench/real`): one call each to S3, SQS,
//! DynamoDB, STS and KMS, through myaws, aws-sdk-rust (default features)
//! and aws-sdk-rust trimmed. Clean release build time, stripped size, and
//! cold start (process start to the fifth response).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::build::{self, Kind};
use super::coldstart::{self, Program};
use super::report::{Goal, Report, Row};
use super::{Paths, Settings};

/// The programs: peer label and package (= binary) name; myaws first.
const PROGRAMS: [(&str, &str); 3] = [
    ("myaws", "real-myaws"),
    (build::PEERS[0], "real-aws"),
    (build::PEERS[1], "real-aws-trim"),
];

/// Issue 16's build-time goals for this program, one per peer of
/// [`build::PEERS`]: 0.3 of the default build, 0.5 of the trimmed one.
const BUILD_GOALS: [f64; 2] = [0.3, 0.5];

const WHAT: &str = "5-service program (S3, SQS, DynamoDB, STS, KMS)";

/// Clean release builds (or, in quick mode, the last full run's times),
/// then stripped sizes; returns the binaries.
pub fn builds(paths: &Paths, quick: bool, report: &mut Report) -> Result<Vec<PathBuf>, String> {
    let saved = paths.out.join("real-build-times.json");
    let (rows, profile) = if quick {
        build::reused(
            &saved,
            &format!("{WHAT}: clean release build"),
            &BUILD_GOALS,
        )
    } else {
        let mut profile = Map::new();
        let mut times = Vec::new();
        for (_, package) in PROGRAMS {
            times.push(build::clean_run(
                paths,
                Kind::Release,
                package,
                &mut profile,
            )?);
        }
        let mut rows = Vec::new();
        for (i, (peer, _)) in PROGRAMS.iter().enumerate().skip(1) {
            rows.push(
                Row::new(
                    format!("{WHAT}: clean release build, wall s"),
                    Some(times[0].wall_s),
                    Some(times[i].wall_s),
                )
                .peer(peer)
                .goal(Goal::AtMost(BUILD_GOALS[i - 1]))
                .note("-j 2, nice 19, own target dir"),
            );
            rows.push(
                Row::new(
                    format!("{WHAT}: clean release build, CPU s"),
                    Some(times[0].cpu_s),
                    Some(times[i].cpu_s),
                )
                .peer(peer)
                .note("user+sys of the cargo tree"),
            );
        }
        build::save(&saved, &rows, &profile)?;
        (rows, Value::Object(profile))
    };
    report.set("real_build_profile", profile);
    for row in rows {
        report.push(row);
    }
    let sizes: Vec<f64> = PROGRAMS
        .iter()
        .map(|(_, package)| build::stripped_mib(paths, package))
        .collect::<Result<_, _>>()?;
    for (i, (peer, _)) in PROGRAMS.iter().enumerate().skip(1) {
        report.push(
            Row::new(
                format!("{WHAT}: stripped release binary, MiB"),
                Some(sizes[0]),
                Some(sizes[i]),
            )
            .peer(peer)
            .goal(Goal::AtMost(0.4))
            .note("strip(1)"),
        );
    }
    PROGRAMS
        .iter()
        .map(|(_, package)| build::binary(paths, package))
        .collect()
}

/// Cold start of the three programs against `endpoint`.
pub fn cold_start(
    bins: &[PathBuf],
    endpoint: &str,
    s: &Settings,
    cg_dir: &Path,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    let programs: Vec<Program> = PROGRAMS
        .iter()
        .zip(bins)
        .map(|((name, _), bin)| Program {
            name,
            argv: vec![bin.into(), endpoint.into()],
        })
        .collect();
    let label = format!("{WHAT}, process start → fifth response");
    coldstart::compare(&label, &programs, s, cg_dir, report, raw, false)
}
