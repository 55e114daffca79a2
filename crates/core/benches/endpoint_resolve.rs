//! Endpoint resolution cost: `cargo bench -p myaws-core --bench endpoint_resolve`.
//!
//! Loads the real rule sets from `models/` and reports nanoseconds per
//! resolution (best of several timed rounds), plus the one-off compile cost.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use myaws_core::convert::{from_json, JsonOptions};
use myaws_core::endpoint::{bind_params, BuiltIns, Params, RuleSet};
use myaws_core::ServiceModel;

const ROUNDS: usize = 5;
const ROUND_TIME: Duration = Duration::from_millis(300);

fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models")
}

fn read(rel: &str) -> String {
    let path = models_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `f` in timed rounds; returns the best mean time per call in ns.
fn bench(name: &str, mut f: impl FnMut()) -> f64 {
    // Warm up and size a batch that takes about a millisecond.
    let mut batch = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        if start.elapsed() >= Duration::from_millis(1) {
            break;
        }
        batch *= 2;
    }
    let mut best = f64::INFINITY;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < ROUND_TIME {
            for _ in 0..batch {
                f();
            }
            calls += batch;
        }
        best = best.min(start.elapsed().as_nanos() as f64 / calls as f64);
    }
    println!("{name:<44} {best:>10.0} ns/iter");
    best
}

fn main() {
    let s3_text = read("s3/endpoint-rule-set-1.json");
    let sqs_text = read("sqs/endpoint-rule-set-1.json");

    let start = Instant::now();
    let s3 = RuleSet::from_json(&s3_text).expect("s3 rule set");
    println!(
        "{:<44} {:>10.0} us (once per client)",
        "compile s3 rule set",
        start.elapsed().as_secs_f64() * 1e6
    );
    let sqs = RuleSet::from_json(&sqs_text).expect("sqs rule set");

    let get_object = Params::new()
        .with_str("Region", "us-west-2")
        .with_str("Bucket", "my-bucket")
        .with_str("Key", "photos/2024/cat.jpg");
    let url = s3.resolve(&get_object).expect("s3 endpoint").url;
    assert_eq!(url, "https://my-bucket.s3.us-west-2.amazonaws.com");
    bench("s3 GetObject virtual-hosted resolve", || {
        black_box(s3.resolve(black_box(&get_object)).ok());
    });

    let sqs_params = Params::new().with_str("Region", "us-west-2");
    let url = sqs.resolve(&sqs_params).expect("sqs endpoint").url;
    assert_eq!(url, "https://sqs.us-west-2.amazonaws.com");
    bench("sqs resolve", || {
        black_box(sqs.resolve(black_box(&sqs_params)).ok());
    });

    // The full per-call path for S3: bind parameters from the input, then resolve.
    let model = ServiceModel::from_json(&read("s3/service-2.json")).expect("s3 model");
    let op = model.operation("GetObject").expect("GetObject");
    let input_json = serde_json::json!({"Bucket": "my-bucket", "Key": "photos/2024/cat.jpg"});
    let input = from_json(
        &model,
        op.input.expect("input"),
        &input_json,
        JsonOptions::default(),
    )
    .expect("input");
    let builtins = BuiltIns {
        region: Some("us-west-2".into()),
        ..BuiltIns::default()
    };
    bench("s3 GetObject bind_params + resolve", || {
        let params = bind_params(&s3, &builtins, &model, op, black_box(&input));
        black_box(s3.resolve(&params).ok());
    });
}
