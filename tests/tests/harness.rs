//! Smoke tests for the harness: moto starts, answers, is shared, and goes
//! away with the process that started it.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use myaws_tests::moto::{self, MotoServer};
use myaws_tests::{moto as shared_moto, workspace_root};

const TIMEOUT: Duration = Duration::from_secs(10);
/// Set for the child process of `server_dies_with_the_process_that_started_it`.
const CHILD_ENV: &str = "MYAWS_HARNESS_CHILD";

#[test]
fn moto_answers_and_resets() {
    let moto = shared_moto();
    assert!(
        moto.endpoint.starts_with("http://127.0.0.1:"),
        "{}",
        moto.endpoint
    );
    let dashboard = moto::request(&moto.endpoint, "GET", "/moto-api/", TIMEOUT).unwrap();
    assert_eq!(dashboard.status, 200);
    let reset = moto::request(&moto.endpoint, "POST", "/moto-api/reset", TIMEOUT).unwrap();
    assert_eq!(reset.status, 200);
    assert!(reset.body.contains("ok"), "reset said {:?}", reset.body);
    moto.reset().unwrap();
}

#[test]
fn endpoint_from_xtask_is_used_when_set() {
    let moto = shared_moto();
    match std::env::var(moto::ENDPOINT_ENV) {
        Ok(endpoint) if !endpoint.is_empty() => {
            assert_eq!(moto.endpoint, endpoint.trim_end_matches('/'));
            assert!(!moto.is_own());
        }
        _ => assert!(moto.is_own()),
    }
}

#[test]
fn every_caller_gets_the_same_server() {
    let first = std::thread::spawn(|| shared_moto() as *const _ as usize);
    let second = shared_moto() as *const _ as usize;
    assert_eq!(first.join().unwrap(), second);
}

#[test]
fn stop_ends_the_server_through_its_stdin() {
    let server = MotoServer::start(&workspace_root()).unwrap();
    let endpoint = server.endpoint().to_string();
    assert_eq!(
        moto::request(&endpoint, "GET", "/moto-api/", TIMEOUT)
            .unwrap()
            .status,
        200
    );
    // `stop` reports an error if it had to kill instead of the watchdog exiting.
    server.stop().unwrap();
    assert!(moto::request(&endpoint, "GET", "/moto-api/", TIMEOUT).is_err());
}

#[test]
fn server_dies_with_the_process_that_started_it() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_holding_its_own_moto", "--ignored"])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .env_remove(moto::ENDPOINT_ENV)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "child failed: {stdout}");
    // libtest prints the test name on the same line, so search the text.
    let endpoint = stdout
        .split_once("ENDPOINT=")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("child printed no endpoint: {stdout}"));
    // The child exited without dropping its static server; the watchdog must
    // notice its stdin closing and take moto down.
    let deadline = Instant::now() + TIMEOUT;
    while moto::request(endpoint, "GET", "/moto-api/", Duration::from_secs(1)).is_ok() {
        assert!(
            Instant::now() < deadline,
            "moto on {endpoint} outlived its process"
        );
        sleep(Duration::from_millis(100));
    }
}

/// Runs only as the child of `server_dies_with_the_process_that_started_it`.
#[test]
#[ignore = "helper process for server_dies_with_the_process_that_started_it"]
fn child_holding_its_own_moto() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let moto = shared_moto();
    assert!(moto.is_own());
    println!("ENDPOINT={}", moto.endpoint);
}
