//! Models loaded at run time as botocore's loader reads them: gzipped files
//! (as botocore's wheel ships them), the latest API version of a service
//! directory, and botocore's data path (`AWS_DATA_PATH`, then
//! `~/.aws/models`); a client built that way calls moto.

use std::io::Write as _;
use std::path::Path;

use myaws_core::{ClientConfig, Session};
use myaws_tests::{moto, Home};
use serde_json::json;

/// Copies `models/sqs` into `<root>/sqs/<version>/`, every file gzipped.
fn gzipped_sqs(root: &Path, version: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/sqs");
    let dst = root.join("sqs").join(version);
    std::fs::create_dir_all(&dst).unwrap();
    for name in [
        "service-2.json",
        "endpoint-rule-set-1.json",
        "paginators-1.json",
    ] {
        let text = std::fs::read(src.join(name)).unwrap();
        let file = std::fs::File::create(dst.join(format!("{name}.gz"))).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        gz.write_all(&text).unwrap();
        gz.finish().unwrap();
    }
}

fn session(home: &Home, vars: &[(&str, &str)]) -> Session {
    Session::builder()
        .env(home.env(vars))
        .region("us-east-1")
        .credentials(myaws_core::Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url(&moto().endpoint)
        .build()
        .unwrap()
}

#[tokio::test]
async fn gzipped_models_on_the_data_path_make_working_clients() {
    let home = Home::new();
    let data = home.path().join("botocore-data");
    gzipped_sqs(&data, "2012-11-05");
    let data_path = data.display().to_string();
    let session = session(&home, &[("AWS_DATA_PATH", &data_path)]);
    let sqs = session
        .client_from_data_path("sqs", ClientConfig::default())
        .unwrap();
    let name = myaws_tests::unique("runtime-model");
    let created = sqs
        .call_json("CreateQueue", json!({"QueueName": name}))
        .await
        .unwrap();
    let url = created["QueueUrl"].as_str().unwrap().to_string();
    let listed = sqs
        .call_json("ListQueues", json!({"QueueNamePrefix": name}))
        .await
        .unwrap();
    assert_eq!(listed["QueueUrls"], json!([url]));
    // The gzipped paginators were read too.
    assert!(sqs.can_paginate("ListQueues"));
    sqs.call_json("DeleteQueue", json!({"QueueUrl": url}))
        .await
        .unwrap();
}

#[test]
fn the_latest_version_and_the_first_directory_win() {
    let home = Home::new();
    let first = home.path().join("first");
    let second = home.path().join("second");
    gzipped_sqs(&first, "2012-11-05");
    // A later API version in the same directory wins: make it recognisable
    // by keeping only one operation in its model.
    let later = first.join("sqs/2099-01-01");
    std::fs::create_dir_all(&later).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/sqs/service-2.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let ops = model["operations"].as_object_mut().unwrap();
    ops.retain(|name, _| name == "ListQueues");
    std::fs::write(later.join("service-2.json"), model.to_string()).unwrap();
    // A second data directory with the full model is not consulted.
    gzipped_sqs(&second, "2012-11-05");
    let joined = std::env::join_paths([&first, &second]).unwrap();
    let session = session(&home, &[("AWS_DATA_PATH", joined.to_str().unwrap())]);
    let sqs = session
        .client_from_data_path("sqs", ClientConfig::default())
        .unwrap();
    let names: Vec<String> = sqs
        .meta()
        .service_model()
        .operations
        .iter()
        .map(|op| op.name.clone())
        .collect();
    assert_eq!(names, ["ListQueues"]);
}

#[test]
fn home_models_are_searched_after_aws_data_path() {
    let home = Home::new();
    gzipped_sqs(&home.path().join(".aws/models"), "2012-11-05");
    let session = session(&home, &[]);
    let sqs = session
        .client_from_data_path("sqs", ClientConfig::default())
        .unwrap();
    assert!(sqs.meta().service_model().operations.len() > 10);
}

#[test]
fn unknown_services_and_bad_names_are_clear_errors() {
    let home = Home::new();
    let data = home.path().join("nothing-here");
    let session = session(&home, &[("AWS_DATA_PATH", data.to_str().unwrap())]);
    let err = session
        .client_from_data_path("sqs", ClientConfig::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no model for service `sqs`"), "{err}");
    assert!(err.contains("nothing-here"), "{err}");
    assert!(err.contains(".aws/models"), "{err}");
    let err = session
        .client_from_data_path("../etc", ClientConfig::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a service name"), "{err}");
}

#[test]
fn a_gzip_bomb_is_refused() {
    let home = Home::new();
    let dir = home.path().join("bomb/sqs/2012-11-05");
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::File::create(dir.join("service-2.json.gz")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..65 {
        gz.write_all(&zeros).unwrap();
    }
    gz.finish().unwrap();
    let root = home.path().join("bomb");
    let session = session(&home, &[("AWS_DATA_PATH", root.to_str().unwrap())]);
    let err = session
        .client_from_data_path("sqs", ClientConfig::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a model file"), "{err}");
}
