//! The dynamic call path, event hooks, client metadata and models loaded at
//! run time, against moto (SQS, json protocol).

use std::sync::{Arc, Mutex};

use myaws_sqs::types::{CreateQueueRequest, ListQueuesRequest};
use myaws_sqs::{Client, ClientConfig, Credentials, HookOutcome, SdkError, Session};
use myaws_tests::{session, unique};
use serde_json::json;

#[tokio::test]
async fn dynamic_calls_take_and_return_json() {
    let sqs = Client::new(&session()).unwrap();
    let name = unique("dyn");
    let created = sqs
        .call(
            "CreateQueue",
            json!({"QueueName": name, "Attributes": {"DelaySeconds": "2"}}),
        )
        .await
        .unwrap();
    let url = created["QueueUrl"].as_str().unwrap().to_string();
    sqs.call(
        "send_message",
        json!({"QueueUrl": url, "MessageBody": "dynamic", "DelaySeconds": 0}),
    )
    .await
    .unwrap();
    let mut attrs = sqs
        .call(
            "GetQueueAttributes",
            json!({"QueueUrl": url, "AttributeNames": ["DelaySeconds"]}),
        )
        .await
        .unwrap();
    let metadata = attrs.as_object_mut().unwrap().remove("ResponseMetadata");
    assert_eq!(metadata.unwrap()["HTTPStatusCode"], 200);
    assert_eq!(attrs, json!({"Attributes": {"DelaySeconds": "2"}}));

    let err = sqs
        .call("GetQueueUrl", json!({"QueueName": unique("absent")}))
        .await
        .unwrap_err();
    let kind = err.service_kind().unwrap();
    assert_eq!(kind.exception.as_deref(), Some("QueueDoesNotExist"));
    assert!(kind.members["message"].is_string(), "{kind:?}");
}

#[tokio::test]
async fn bad_dynamic_input_is_rejected_before_sending() {
    // Nothing listens on this endpoint: only validation errors can come back.
    let session = myaws_tests::offline_session();
    let sqs = Client::new(&session).unwrap();
    let cases = [
        ("SendMesage", json!({}), "unknown operation `SendMesage`"),
        (
            "SendMessage",
            json!({"QueueUrl": 5, "MessageBody": "x"}),
            "QueueUrl",
        ),
        (
            "SendMessage",
            json!({"QueueUrl": "u", "MessageBody": "x", "Colour": 1}),
            "unknown parameter \"Colour\"",
        ),
        (
            "SendMessage",
            json!({"MessageBody": "x"}),
            "missing required parameter QueueUrl",
        ),
        (
            "SendMessage",
            json!({"QueueUrl": "u", "MessageBody": "x", "DelaySeconds": 1e20}),
            "DelaySeconds",
        ),
        (
            "GetQueueAttributes",
            json!({"QueueUrl": "u", "AttributeNames": ["NotAnAttribute"]}),
            "AttributeNames[0]",
        ),
    ];
    for (op, params, needle) in cases {
        match sqs.call(op, params).await {
            Err(SdkError::Validation(v)) => {
                assert!(v.to_string().contains(needle), "{op}: {v} lacks {needle}")
            }
            other => panic!("{op}: expected a validation error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn hooks_see_and_change_every_stage() {
    let sqs = Client::new(&session()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    for kind in [
        "provide-client-params",
        "before-parameter-build",
        "before-call",
        "request-created",
        "before-sign",
        "before-send",
        "after-call",
    ] {
        let seen = seen.clone();
        sqs.events()
            .register(&format!("{kind}.sqs.CreateQueue"), move |e| {
                seen.lock()
                    .unwrap()
                    .push(e.name.split('.').next().unwrap().to_string());
                None
            });
    }
    // Rename the queue before validation, add a header, and tag the output.
    let renamed = unique("hooked");
    let new_name = renamed.clone();
    sqs.events()
        .register("provide-client-params.sqs.CreateQueue", move |e| {
            e.params.as_deref_mut().unwrap()["QueueName"] = json!(new_name);
            None
        });
    sqs.events().register("request-created.sqs", |e| {
        let req = e.request.as_deref_mut().unwrap();
        req.headers_mut()
            .insert("x-myaws-test", "hooked".parse().unwrap());
        None
    });
    let header = Arc::new(Mutex::new(None));
    let h = header.clone();
    sqs.events()
        .register("before-send.*.CreateQueue", move |e| {
            *h.lock().unwrap() = e
                .request
                .as_deref()
                .and_then(|r| r.headers().get("x-myaws-test"))
                .map(|v| v.to_str().unwrap().to_string());
            None
        });
    sqs.events().register("after-call.sqs.CreateQueue", |e| {
        let parsed = e.parsed.as_deref_mut().unwrap();
        let url = parsed["QueueUrl"].as_str().unwrap().to_string();
        parsed["QueueUrl"] = json!(format!("{url}#seen"));
        None
    });
    let out = sqs
        .create_queue(CreateQueueRequest::default().queue_name("original-name"))
        .await
        .unwrap();
    let url = out.queue_url.unwrap();
    assert!(url.ends_with(&format!("{renamed}#seen")), "{url}");
    assert_eq!(header.lock().unwrap().as_deref(), Some("hooked"));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "provide-client-params",
            "before-parameter-build",
            "before-call",
            "request-created",
            "before-sign",
            "before-send",
            "after-call"
        ]
    );
}

#[tokio::test]
async fn hooks_can_short_circuit_and_decide_retries() {
    let sqs = Client::with_config(&session(), ClientConfig::default().max_attempts(5)).unwrap();
    // before-call answers without any request being sent.
    let id = sqs.events().register("before-call.sqs.ListQueues", |_| {
        Some(HookOutcome::Return(json!({"QueueUrls": ["from-a-hook"]})))
    });
    let out = sqs.list_queues(ListQueuesRequest::default()).await.unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["from-a-hook"]);
    assert!(sqs.events().unregister(id));

    // before-send returns a canned throttling response; needs-retry says stop.
    let attempts = Arc::new(Mutex::new(0u32));
    let a = attempts.clone();
    sqs.events()
        .register("before-send.sqs.ListQueues", move |_| {
            *a.lock().unwrap() += 1;
            let mut headers = http::HeaderMap::new();
            headers.insert(
                "content-type",
                "application/x-amz-json-1.0".parse().unwrap(),
            );
            Some(HookOutcome::Respond(myaws_core::events::HttpResponse {
                status: 400,
                headers,
                body: r#"{"__type": "ThrottlingException", "message": "slow"}"#.into(),
            }))
        });
    sqs.events().register("needs-retry.sqs.ListQueues", |e| {
        (e.attempt >= 2).then_some(HookOutcome::NoRetry)
    });
    let err = sqs
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert_eq!(*attempts.lock().unwrap(), 2);
}

#[tokio::test]
async fn meta_describes_the_client() {
    let sqs = Client::new(&session()).unwrap();
    let meta = sqs.meta();
    assert_eq!(meta.region(), Some(myaws_tests::REGION));
    assert_eq!(
        meta.endpoint_url().as_deref(),
        Some(myaws_tests::moto().endpoint.as_str())
    );
    assert_eq!(meta.operation_names().len(), 23);
    assert!(meta.operation_names().contains(&"SendMessage"));
    assert!(meta.exceptions().contains(&"QueueDoesNotExist"));
    assert_eq!(
        meta.exception_for_code("QueueDoesNotExist"),
        Some("QueueDoesNotExist")
    );
    assert_eq!(meta.service_model().metadata.service_id, "SQS");

    // Without a custom endpoint, the rule set gives the regional endpoint.
    let plain = Session::builder()
        .region("eu-west-3")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let meta_client = Client::new(&plain).unwrap();
    assert_eq!(
        meta_client.meta().endpoint_url().as_deref(),
        Some("https://sqs.eu-west-3.amazonaws.com")
    );
}

#[tokio::test]
async fn a_model_loaded_at_run_time_is_callable() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/sqs");
    let client = session()
        .client_from_model(&dir, ClientConfig::default())
        .unwrap();
    let name = unique("runtime");
    let created = client
        .call_json("CreateQueue", json!({"QueueName": name}))
        .await
        .unwrap();
    assert!(created["QueueUrl"].as_str().unwrap().ends_with(&name));
    let listed = client
        .call_json("ListQueues", json!({"QueueNamePrefix": name}))
        .await
        .unwrap();
    assert_eq!(listed["QueueUrls"], json!([created["QueueUrl"]]));
}

#[tokio::test]
async fn bad_region_and_endpoint_fail_before_sending() {
    for region in ["us-east-1/evil", "", "us east 1"] {
        let result = Session::builder()
            .region(region)
            .credentials(Credentials::new("AKID", "SECRET", None, None))
            .build()
            .map_err(|e| e.to_string())
            .and_then(|s| Client::new(&s).map_err(|e| e.to_string()));
        let err = result.expect_err(region);
        assert!(err.to_lowercase().contains("region"), "{region:?}: {err}");
    }
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    for url in ["not a url", "ftp://example.com", "http://"] {
        let err = Client::with_config(&session, ClientConfig::default().endpoint_url(url))
            .expect_err(url);
        assert!(
            err.to_string().to_lowercase().contains("endpoint"),
            "{url}: {err}"
        );
    }
}
