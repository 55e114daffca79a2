//! SigV4a through the whole pipeline, on a loopback server that rebuilds the
//! string to sign independently and verifies the ECDSA signature with the
//! public key aws-sigv4 derives from the credentials; and the endpoint rules
//! choosing SigV4a (S3 Outposts access points offer `sigv4a` before
//! `sigv4`).

use serde_json::json;

use super::ClientHandle;
use crate::auth::{RequestAuth, SignatureVersion};
use crate::config::{Env, SharedConfig};
use crate::credentials::Credentials;
use crate::service::Service;
use crate::session::{ClientConfig, Session};
use crate::signing::v4a_tests::{derived_public_key, verify};
use crate::test_server::{Reply, TestServer};

#[path = "../../../../tests/src/sigv4_check.rs"]
#[allow(dead_code)]
mod sigv4_check;

fn credentials() -> Credentials {
    Credentials::new("AKIDV4A", "v4a-secret", Some("v4a-token".into()), None)
}

fn s3(config: ClientConfig) -> ClientHandle {
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region("us-west-2")
        .credentials(credentials())
        .build()
        .unwrap();
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/s3");
    ClientHandle::from_service(&session, Service::from_dir(&models).unwrap(), config).unwrap()
}

#[test]
fn sigv4a_signed_calls_verify_at_the_server() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = TestServer::start(|_| Reply::status(200, "object")).await;
        let s3 = s3(ClientConfig::default()
            .endpoint_url(server.url())
            .s3_addressing_style("path")
            .signature_version(SignatureVersion::V4a)
            .sigv4a_signing_region_set("us-west-2,us-east-1"));
        s3.call_json("GetObject", json!({"Bucket": "reports", "Key": "q3.csv"}))
            .await
            .expect("a SigV4a-signed GetObject");
        let request = server.requests().pop().unwrap();
        let (algorithm, auth, string_to_sign) =
            sigv4_check::string_to_sign(&request, true).unwrap();
        assert_eq!(algorithm, "AWS4-ECDSA-P256-SHA256");
        assert_eq!(auth.access_key_id, "AKIDV4A");
        // No region in a SigV4a scope; the region set is a signed header.
        assert!(auth.scope.ends_with("/s3/aws4_request"), "{}", auth.scope);
        assert_eq!(auth.scope.split('/').count(), 3, "{}", auth.scope);
        assert_eq!(
            request.header("x-amz-region-set"),
            Some("us-west-2,us-east-1")
        );
        assert!(auth.signed_headers.iter().any(|h| h == "x-amz-region-set"));
        assert_eq!(request.header("x-amz-security-token"), Some("v4a-token"));
        let public_key = derived_public_key(&credentials()).unwrap();
        verify(&public_key, &string_to_sign, &auth.signature).expect("the signature verifies");
        // Another canonical request (its hash ends the string to sign).
        let mut tampered = string_to_sign.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        assert!(verify(&public_key, &tampered, &auth.signature).is_err());
    });
}

#[test]
fn endpoint_rules_choose_sigv4a_for_outposts_access_points() {
    let s3 = s3(ClientConfig::default());
    let model = s3.model().clone();
    let op = model.operation("GetObject").unwrap();
    let params = json!({
        "Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports",
        "Key": "k"
    });
    let input =
        crate::convert::from_json(&model, op.input.unwrap(), &params, Default::default()).unwrap();
    let endpoint = s3.endpoint_resolver().resolve(&model, op, &input).unwrap();
    assert_eq!(endpoint.signing_name, "s3-outposts");
    let auth = s3.request_auth(&model, op, &endpoint, None).unwrap();
    assert_eq!(
        auth,
        RequestAuth::SigV4a {
            region_set: "*".into()
        }
    );
    // With `auth_scheme_preference = sigv4` the endpoint's own `sigv4`
    // entry is used, with its signing region (botocore's requested scheme).
    let s3 = self::s3(ClientConfig::default().auth_scheme_preference(["sigv4"]));
    let endpoint = s3.endpoint_resolver().resolve(&model, op, &input).unwrap();
    assert_eq!(endpoint.signing_name, "s3-outposts");
    assert_eq!(endpoint.signing_region, "us-west-2");
    let auth = s3.request_auth(&model, op, &endpoint, None).unwrap();
    assert_eq!(auth, RequestAuth::SigV4);
}
