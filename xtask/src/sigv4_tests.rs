//! `cargo xtask sigv4-tests [DIR ...]`: runs the AWS SigV4 test suite (the
//! `aws-sig-v4-test-suite` layout: one directory per case holding
//! `<case>.req` and `<case>.authz`) through myaws's signer and compares the
//! `Authorization` header.
//!
//! Fixed inputs, as botocore's runner uses them: access key `AKIDEXAMPLE`,
//! the example secret key, time 2015-08-30T12:36:00Z, region `us-east-1`,
//! service `service`; a session token only when the case's `.creq` signs one.

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use myaws_core::credentials::Credentials;
use myaws_core::signing::{sign_request_with, PathEncoding, SigningAlgorithm, SigningOptions};

use crate::{workspace_root, Tally};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z.
const SIGNING_TIME: u64 = 1_440_938_160;

/// Entry point: directories to search for cases (default: the repo's copy).
pub fn main(args: &[String]) -> Result<(), String> {
    let roots: Vec<PathBuf> = if args.is_empty() {
        vec![workspace_root().join("tests/vectors/sigv4")]
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let (tally, failures) = run(&roots)?;
    for f in &failures {
        println!("FAIL {f}");
    }
    println!("{tally}");
    if tally.failed > 0 {
        Err(format!("{} SigV4 case(s) failed", tally.failed))
    } else {
        Ok(())
    }
}

/// Runs every case found under `roots`.
pub fn run(roots: &[PathBuf]) -> Result<(Tally, Vec<String>), String> {
    let mut cases = Vec::new();
    for root in roots {
        find_cases(root, &mut cases)?;
    }
    cases.sort();
    if cases.is_empty() {
        return Err("no SigV4 cases found".into());
    }
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for case in cases {
        match run_case(&case) {
            Ok(()) => tally.passed += 1,
            Err(why) => {
                tally.failed += 1;
                failures.push(format!("{}: {why}", case.display()));
            }
        }
    }
    Ok((tally, failures))
}

fn find_cases(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let name = dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    if dir.join(format!("{name}.req")).is_file() {
        out.push(dir.to_path_buf());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            find_cases(&entry.path(), out)?;
        }
    }
    Ok(())
}

fn run_case(dir: &Path) -> Result<(), String> {
    let name = dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{name}.{ext}")));
    let raw = read("req").map_err(|e| e.to_string())?;
    let want = read("authz").map_err(|e| e.to_string())?;
    let token = read("creq").ok().and_then(|c| {
        c.lines()
            .find_map(|l| l.strip_prefix("x-amz-security-token:"))
            .map(str::to_string)
    });
    let (mut request, body) = parse_request(&raw)?;
    let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, token, None);
    // The suite's paths are raw text: the URI holds them encoded once, so the
    // signer must not encode them a second time (it still normalizes them).
    sign_request_with(
        &mut request,
        body.as_bytes(),
        &credentials,
        &SigningOptions {
            region: "us-east-1",
            name: "service",
            s3: false,
            unsigned_payload: false,
            presign_expires: None,
            time: UNIX_EPOCH + Duration::from_secs(SIGNING_TIME),
            algorithm: SigningAlgorithm::SigV4,
        },
        |settings| settings.percent_encoding_mode = PathEncoding::Single,
    )?;
    let got = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if got == want.trim_end() {
        Ok(())
    } else {
        Err(format!(
            "Authorization differs:\n  want {want}\n  got  {got}"
        ))
    }
}

/// Parses a raw `.req` file: request line (split on the first and last
/// space), `Name:value` headers with folded continuation lines, body.
fn parse_request(raw: &str) -> Result<(http::Request<()>, String), String> {
    let (head, body) = match raw.split_once("\n\n") {
        Some((h, b)) => (h, b.to_string()),
        None => (raw, String::new()),
    };
    let mut lines = head.lines();
    let request_line = lines.next().ok_or("empty request")?;
    let first = request_line.find(' ').ok_or("bad request line")?;
    let last = request_line.rfind(' ').ok_or("bad request line")?;
    let method = &request_line[..first];
    let target = &request_line[first + 1..last];
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().ok_or("continuation before any header")?;
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (k, v) = line
                .split_once(':')
                .ok_or_else(|| format!("bad header {line:?}"))?;
            headers.push((k.to_string(), v.to_string()));
        }
    }
    let host = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .ok_or("no Host header")?;
    // The path is raw text: URI-encode it once (unreserved characters and
    // `/` stay) so it fits a URI; the query is left as written.
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let mut target: String = path
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect();
    if let Some(q) = query {
        target.push('?');
        target.push_str(q);
    }
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("https://{host}{target}"));
    for (k, v) in &headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder.body(()).map_err(|e| e.to_string())?;
    Ok((request, body))
}
