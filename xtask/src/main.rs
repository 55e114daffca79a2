//! `cargo xtask`: developer tasks for the myaws workspace.
//!
//! Every task is a subcommand; `cargo xtask help` lists them.

use std::process::ExitCode;

use xtask::{
    bench, botocore_diff, codegen, endpoint_tests, jmespath_tests, models, protocol_tests, runner,
    sigv4_tests, smoke,
};

const HELP: &str = "\
cargo xtask <task> [options]

tasks:
  update-models --botocore VERSION [--service NAME ...] [--all]
                     fetch a botocore release from PyPI and refresh every service in
                     models/ (or the --service ones, or --all of the release's)
  regen [--service NAME] [--check] [--out DIR]
                     regenerate service crates from models/ (--check: fail if stale)
  protocol-tests [FILE ...]
                     run botocore-format protocol test files (default: tests/protocols)
  endpoint-tests [--ruleset RULESET.json TESTS.json ...] [--engine-suite DIR ...]
                     run endpoint-tests-1.json files against rule sets
                     (default: every service in models/ and the engine suite)
  sigv4-tests [DIR ...]
                     run the AWS SigV4 test suite (default: tests/vectors/sigv4)
  jmespath-tests [FILE ...]
                     run JMESPath compliance files (default: tests/vectors/jmespath)
  botocore-diff [--service NAME ...] [--verbose]
                     compare myaws's requests and parsed responses with botocore's
                     (the pinned version, in a local venv; nothing is sent)
  smoke [--service NAME ...]
                     every operation of every service in models/ through the dynamic
                     path: built, validated, resolved, signed, answered and parsed
  docs [--all]       rustdoc with warnings as errors: core, waiters, customized crates
                     and a sample of generated ones (--all: every crate, in batches)
  demo               run examples/quickstart against a local moto server
  test               fmt check, clippy, regen --check, docs, botocore-diff, smoke and
                     the tests (with moto); `cargo xtask test --help` lists each step's scope
  bench [--quick]    myaws vs aws-sdk-rust and boto3: build time, size, req/s, memory
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprint!("{HELP}");
        return ExitCode::from(2);
    }
    let task = args.remove(0);
    let result = match task.as_str() {
        "update-models" => models::update_models(&args),
        "regen" => codegen::regen(&args),
        "protocol-tests" => protocol_tests::main(&args),
        "endpoint-tests" => endpoint_tests::main(&args),
        "sigv4-tests" => sigv4_tests::main(&args),
        "jmespath-tests" => jmespath_tests::main(&args),
        "botocore-diff" => botocore_diff::main(&args),
        "smoke" => smoke::main(&args),
        "docs" => runner::docs::main(&args),
        "demo" => runner::demo(&args),
        "test" => runner::test(&args),
        "bench" => bench::main(&args),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
