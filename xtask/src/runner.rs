//! `cargo xtask demo` and `cargo xtask test`: the quickstart and the full
//! check suite, each against a moto server started for the run.
//!
//! The server is stopped when the run ends, however it ends: explicitly on
//! the way out, by `Drop` on an early return or panic, and by moto's own
//! watchdog if xtask is killed outright.

pub(crate) mod command;
mod counts;
pub mod docs;
mod report;
pub mod scope;

/// moto's venv and server, shared with the `myaws-tests` harness crate.
#[path = "../../tests/src/moto/mod.rs"]
pub mod moto;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use self::command::{cargo, run, run_counting_tests};
use self::counts::TestCounts;
use self::moto::MotoServer;
use self::report::Report;
use self::scope::{package_args, test_packages};
use crate::{codegen, workspace_root};

/// Package of the example `cargo xtask demo` runs.
pub const QUICKSTART_PACKAGE: &str = "myaws-examples";
/// Name of the example `cargo xtask demo` runs.
pub const QUICKSTART_EXAMPLE: &str = "quickstart";

/// Runs the quickstart example against a local moto server.
pub fn demo(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("`demo` takes no arguments, got `{arg}`"));
    }
    let root = workspace_root();
    let server = MotoServer::start(&root)?;
    println!(
        "demo: moto {} listening on {} (log: {})",
        moto::MOTO_VERSION,
        server.endpoint(),
        server.log_path().display()
    );
    let mut example = cargo(&root);
    example
        .args(["run", "--package", QUICKSTART_PACKAGE])
        .args(["--bin", QUICKSTART_EXAMPLE]);
    aws_env(&mut example, server.endpoint());
    println!(
        "demo: AWS_ENDPOINT_URL={} cargo run --package {QUICKSTART_PACKAGE} --bin {QUICKSTART_EXAMPLE}",
        server.endpoint()
    );
    let start = Instant::now();
    let result = run(&mut example);
    let served = served_requests(server.log_path());
    let stopped = server.stop();
    result.map_err(|e| {
        format!("the quickstart ({QUICKSTART_PACKAGE} binary {QUICKSTART_EXAMPLE}) failed: {e}")
    })?;
    println!(
        "demo: quickstart ran OK (cargo run, build included, took {:.1}s); moto answered {served} AWS request(s)",
        start.elapsed().as_secs_f64()
    );
    stopped
}

/// Points `command` at moto with moto's dummy credentials, overriding any
/// AWS settings in the environment.
fn aws_env(command: &mut Command, endpoint: &str) {
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", moto::SECRET_ACCESS_KEY)
        .env("AWS_REGION", moto::REGION)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE");
}

/// Requests in moto's log other than the harness's own `/moto-api/` calls.
fn served_requests(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains(" HTTP/1.1\" ") && !line.contains(" /moto-api/"))
        .count()
}

/// One step of `cargo xtask test`, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Fmt,
    Clippy,
    Features,
    Regen,
    Docs,
    BotocoreDiff,
    Smoke,
    Tests,
}

impl Check {
    const ALL: [Check; 8] = [
        Check::Fmt,
        Check::Clippy,
        Check::Features,
        Check::Regen,
        Check::Docs,
        Check::BotocoreDiff,
        Check::Smoke,
        Check::Tests,
    ];

    /// Short name, also the suffix of the `--skip-NAME` flag.
    fn name(self) -> &'static str {
        match self {
            Check::Fmt => "fmt",
            Check::Clippy => "clippy",
            Check::Features => "features",
            Check::Regen => "regen",
            Check::Docs => "docs",
            Check::BotocoreDiff => "botocore-diff",
            Check::Smoke => "smoke",
            Check::Tests => "tests",
        }
    }

    /// The command the step stands for, as a person would type it.
    fn command(self) -> &'static str {
        match self {
            Check::Fmt => "cargo fmt --all -- --check",
            Check::Clippy => CLIPPY_COMMAND,
            Check::Features => FEATURES_COMMAND,
            Check::Regen => "cargo xtask regen --check",
            Check::Docs => "cargo xtask docs",
            Check::BotocoreDiff => "cargo xtask botocore-diff",
            Check::Smoke => "cargo xtask smoke",
            Check::Tests => TESTS_COMMAND,
        }
    }

    fn skip_flag(self) -> String {
        format!("--skip-{}", self.name())
    }
}

/// Every crate's library and binaries (all generated crates included),
/// then the tests, benches and examples of the default members (the
/// hand-written crates): a generated crate's test target holds no test
/// code, and linting it would check the whole crate a second time.
const CLIPPY_COMMAND: &str = "cargo clippy --workspace -- -D warnings; \
     cargo clippy --all-targets -- -D warnings   (default members)";

/// The feature combinations checked besides the default (rustls): TLS,
/// HTTP/2, and the core without SigV4a (xtask enables `sigv4a`, so the
/// workspace steps build the core with it). myaws-core only: the service
/// crates' features just forward to it.
const FEATURES_COMMAND: &str = "cargo check -p myaws-core --no-default-features \
     [--features native-tls]; --features http2; clippy and test --lib without sigv4a";

/// The default members' tests and the generated sample's doc tests (a
/// generated crate has no other tests; every one is built and linted by
/// clippy, the sample's examples compiled here).
const TESTS_COMMAND: &str = "cargo test --no-fail-fast -p <default members> -p <docs sample>";

/// Name of the set-up step in the summary.
const MOTO_STEP: &str = "moto";

/// Usage of `cargo xtask test`.
const TEST_USAGE: &str = "\
usage: cargo xtask test [--skip-fmt] [--skip-clippy] [--skip-features] [--skip-regen]
                        [--skip-docs] [--skip-botocore-diff] [--skip-smoke] [--skip-tests]

Starts moto, then runs in order (stopping at the first failure):
  fmt     cargo fmt --all -- --check   (every crate)
  clippy  cargo clippy --workspace -- -D warnings; \
     cargo clippy --all-targets -- -D warnings   (default members)
  features cargo check -p myaws-core --no-default-features [--features native-tls]; --features http2; clippy and test --lib without sigv4a
  regen   cargo xtask regen --check   (every service in models/)
  docs    cargo xtask docs   (core, waiters, customized crates and a sample of generated ones;
          cargo xtask docs --all documents every crate)
  botocore-diff cargo xtask botocore-diff   (the differential test against botocore, every service)
  smoke   cargo xtask smoke   (every operation of every service in models/, answered and parsed)
  tests   cargo test --no-fail-fast -p <default members> -p <docs sample>   (with MYAWS_TEST_ENDPOINT set to moto)
The --skip flags are for local use; CI runs every step.";

/// Runs every check and test, with moto up for the tests.
pub fn test(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{TEST_USAGE}");
        return Ok(());
    }
    let skipped = parse_skips(args)?;
    let mut plan = vec![(MOTO_STEP, format!("start moto {}", moto::MOTO_VERSION))];
    plan.extend(
        Check::ALL
            .iter()
            .map(|c| (c.name(), c.command().to_string())),
    );
    let mut report = Report::new(&plan);
    let root = workspace_root();
    let mut counts = None;
    let result = run_checks(&root, &skipped, &mut report, &mut counts);
    println!("\n{}", report.render());
    if let Some(counts) = counts {
        // Last, as a plain closing line for whoever reads the log's end.
        println!("tests: {counts}");
    }
    result
}

/// The checks left out: those named by `--skip-NAME` flags in `args`.
fn parse_skips(args: &[String]) -> Result<Vec<Check>, String> {
    let mut skipped = Vec::new();
    for arg in args {
        let check = Check::ALL
            .into_iter()
            .find(|check| *arg == check.skip_flag())
            .ok_or_else(|| format!("unknown option `{arg}`\n\n{TEST_USAGE}"))?;
        if !skipped.contains(&check) {
            skipped.push(check);
        }
    }
    Ok(skipped)
}

/// Starts moto (unless the tests are skipped) and runs the checks in order,
/// stopping at the first failure; `counts` receives the test totals.
fn run_checks(
    root: &Path,
    skipped: &[Check],
    report: &mut Report,
    counts: &mut Option<TestCounts>,
) -> Result<(), String> {
    let server = if skipped.contains(&Check::Tests) {
        report.skip(MOTO_STEP, &Check::Tests.skip_flag());
        None
    } else {
        let server = report.run(MOTO_STEP, || MotoServer::start(root))?;
        println!(
            "moto listening on {} (log: {})",
            server.endpoint(),
            server.log_path().display()
        );
        Some(server)
    };
    for check in Check::ALL {
        if skipped.contains(&check) {
            report.skip(check.name(), &check.skip_flag());
            continue;
        }
        report.run(check.name(), || {
            run_check(check, root, server.as_ref(), counts)
        })?;
    }
    match server.map(MotoServer::stop) {
        Some(Err(error)) => Err(format!("stopping moto: {error}")),
        _ => Ok(()),
    }
}

/// Runs one check; `server` is the moto the tests use, `counts` receives
/// the test totals.
fn run_check(
    check: Check,
    root: &Path,
    server: Option<&MotoServer>,
    counts: &mut Option<TestCounts>,
) -> Result<(), String> {
    match check {
        Check::Fmt => run(cargo(root).args(["fmt", "--all", "--", "--check"])),
        Check::Clippy => {
            run(cargo(root).args(["clippy", "--workspace", "--", "-D", "warnings"]))?;
            // No package flags: the default members.
            run(cargo(root).args(["clippy", "--all-targets", "--", "-D", "warnings"]))
        }
        Check::Features => {
            // No TLS at all (plain HTTP only), then native-tls instead of rustls.
            run(cargo(root).args(["check", "-p", "myaws-core", "--no-default-features"]))?;
            run(cargo(root).args([
                "check",
                "-p",
                "myaws-core",
                "--no-default-features",
                "--features",
                "native-tls",
            ]))?;
            // HTTP/2 is opt-in.
            run(cargo(root).args(["check", "-p", "myaws-core", "--features", "http2"]))?;
            // So is SigV4a, but xtask enables it (smoke calls operations
            // whose endpoints ask for it), so every workspace step builds the
            // core with it: the core without it is linted and its signing
            // tests run here (SigV4a asked for is then a clear error).
            run(cargo(root)
                .args(["clippy", "-p", "myaws-core", "--all-targets"])
                .args(["--", "-D", "warnings"]))?;
            run(cargo(root)
                .args(["test", "-p", "myaws-core", "--lib"])
                .args(["--", "signing", "sigv4a"]))
        }
        Check::Regen => codegen::regen(&["--check".to_string()]),
        Check::Docs => docs::sample(root),
        Check::BotocoreDiff => crate::botocore_diff::main(&[]),
        Check::Smoke => crate::smoke::main(&[]),
        Check::Tests => {
            let server = server.expect("moto runs whenever the tests do");
            let packages = test_packages(root)?;
            println!("tests: {}", packages.join(" "));
            let mut tests = cargo(root);
            tests
                .args(["test", "--no-fail-fast"])
                .args(package_args(&packages))
                .env(moto::ENDPOINT_ENV, server.endpoint());
            let (result, totals) = run_counting_tests(&mut tests);
            *counts = Some(totals);
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_flags_map_to_checks() {
        let args = ["--skip-clippy".to_string(), "--skip-tests".to_string()];
        assert_eq!(
            parse_skips(&args).unwrap(),
            vec![Check::Clippy, Check::Tests]
        );
        assert_eq!(parse_skips(&[]).unwrap(), vec![]);
        assert_eq!(
            parse_skips(&["--skip-botocore-diff".to_string()]).unwrap(),
            vec![Check::BotocoreDiff]
        );
        let error = parse_skips(&["--skip-moto".to_string()]).unwrap_err();
        assert!(error.starts_with("unknown option `--skip-moto`"), "{error}");
    }

    #[test]
    fn usage_lists_every_skip_flag_and_command() {
        for check in Check::ALL {
            assert!(TEST_USAGE.contains(&check.skip_flag()), "{check:?}");
            assert!(TEST_USAGE.contains(check.command()), "{check:?}");
        }
    }

    #[test]
    fn demo_rejects_arguments() {
        assert!(demo(&["--fast".to_string()]).is_err());
    }

    #[test]
    fn served_requests_skip_moto_api_calls() {
        let log = std::env::temp_dir().join(format!("myaws-served-{}.log", std::process::id()));
        std::fs::write(
            &log,
            "127.0.0.1 - - [x] \"GET /moto-api/ HTTP/1.1\" 200 -\n\
             127.0.0.1 - - [x] \"POST / HTTP/1.1\" 200 -\n\
             * Running on http://127.0.0.1:5000\n\
             127.0.0.1 - - [x] \"POST /123/q HTTP/1.1\" 400 -\n",
        )
        .unwrap();
        assert_eq!(served_requests(&log), 2);
        std::fs::remove_file(&log).unwrap();
    }

    #[test]
    fn aws_env_points_at_moto() {
        let mut command = Command::new("true");
        aws_env(&mut command, "http://127.0.0.1:1");
        let envs: Vec<_> = command.get_envs().collect();
        assert!(envs.contains(&(
            "AWS_ENDPOINT_URL".as_ref(),
            Some("http://127.0.0.1:1".as_ref())
        )));
        assert!(envs.contains(&("AWS_REGION".as_ref(), Some("us-east-1".as_ref()))));
        assert!(envs.contains(&("AWS_SESSION_TOKEN".as_ref(), None)));
    }
}
