//! SigV2 through the whole pipeline: a query-protocol model whose
//! `signatureVersion` is `v2` (SimpleDB) gets its authentication as form
//! parameters, signed as botocore signs them, and no `Authorization`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde_json::json;

use super::ClientHandle;
use crate::config::test_support::TempDir;
use crate::config::{Env, SharedConfig};
use crate::credentials::Credentials;
use crate::events::{HookOutcome, HttpResponse};
use crate::service::Service;
use crate::session::{ClientConfig, Session};
use crate::time::TimeSource;

/// SimpleDB's metadata and `ListDomains`, reduced (no endpoint rules).
const MODEL: &str = r#"{"version":"2.0","metadata":{"apiVersion":"2009-04-15",
  "endpointPrefix":"sdb","protocol":"query","serviceId":"SimpleDB","signatureVersion":"v2",
  "xmlNamespace":"http://sdb.amazonaws.com/doc/2009-04-15/"},
  "operations":{"ListDomains":{"name":"ListDomains","http":{"method":"POST","requestUri":"/"},
    "input":{"shape":"ListDomainsRequest"},
    "output":{"shape":"ListDomainsResult","resultWrapper":"ListDomainsResult"}}},
  "shapes":{"ListDomainsRequest":{"type":"structure","members":{
      "MaxNumberOfDomains":{"shape":"Integer"}}},
    "ListDomainsResult":{"type":"structure","members":{"NextToken":{"shape":"String"}}},
    "Integer":{"type":"integer"},"String":{"type":"string"}}}"#;

#[test]
fn sigv2_services_are_signed_with_form_parameters() {
    let dir = TempDir::new();
    dir.write("sdb/service-2.json", MODEL);
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_566_896);
    let config = ClientConfig::default().time_source(TimeSource::fixed(time));
    let service = Service::from_dir(&dir.path().join("sdb")).unwrap();
    let client = ClientHandle::from_service(&session, service, config).unwrap();
    let sent = Arc::new(Mutex::new(None));
    let seen = sent.clone();
    client.events().register("before-send", move |event| {
        let request = event.request.as_deref()?;
        *seen.lock().unwrap() = Some(request.clone());
        Some(HookOutcome::Respond(HttpResponse {
            status: 200,
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(
                b"<ListDomainsResponse><ListDomainsResult/></ListDomainsResponse>",
            ),
        }))
    });
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(client.call_json("ListDomains", json!({"MaxNumberOfDomains": 5})))
        .expect("a SigV2-signed ListDomains");
    let request = sent.lock().unwrap().take().expect("a request was sent");
    // botocore 1.43.67's body for the same request, credentials and time.
    let body = "Action=ListDomains&Version=2009-04-15&MaxNumberOfDomains=5&AWSAccessKeyId=AKID\
                &SignatureVersion=2&SignatureMethod=HmacSHA256\
                &Timestamp=2024-05-01T12%3A34%3A56Z\
                &Signature=YE37AT7lCvX%2FzNzq%2F9fB2KJ3yYvIGwEYe8VuGrciSy4%3D";
    assert_eq!(request.uri(), "https://sdb.us-west-2.amazonaws.com/");
    assert_eq!(std::str::from_utf8(request.body()).unwrap(), body);
    assert_eq!(
        request.headers()["content-length"],
        body.len().to_string().as_str()
    );
    assert!(request.headers().get("authorization").is_none());
    assert!(request.headers().get("x-amz-date").is_none());
}
