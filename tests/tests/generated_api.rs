//! The shape of the generated API: setters from any iterable with per-item
//! appenders, `{Op}Input` / `{Op}Output` names with the model's names as
//! aliases, unions as Rust enums (DynamoDB's `AttributeValue` both ways on
//! the wire, against moto), and the types re-exported by each service crate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

mod dynamodb_common;

use myaws_dynamodb::types::{AttributeValue, GetItemInput, PutItemInput};
use myaws_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName, ReceiveMessageInput, SendMessageInput,
    SendMessageRequest, SendMessageResult, TagQueueInput,
};
use myaws_tests::{offline_session, session, unique};
use serde_json::{json, Value as Json};

#[test]
fn list_setters_take_any_iterable_and_appenders_add_one_item() {
    let input = ReceiveMessageInput::default()
        .message_attribute_names(["All"])
        .push_message_attribute_names("Colour".to_string())
        .push_message_system_attribute_names(MessageSystemAttributeName::All)
        .push_message_system_attribute_names("SentTimestamp");
    assert_eq!(
        input.message_attribute_names,
        Some(vec!["All".to_string(), "Colour".to_string()])
    );
    assert_eq!(
        input.message_system_attribute_names,
        Some(vec![
            "All".into(),
            MessageSystemAttributeName::SentTimestamp
        ])
    );
    // Setting the whole list replaces what was appended.
    let input = input.message_attribute_names(Vec::<String>::new());
    assert_eq!(input.message_attribute_names, Some(vec![]));
}

#[test]
fn map_setters_take_pairs_and_appenders_insert_one_entry() {
    let text = |v: &str| {
        MessageAttributeValue::default()
            .data_type("String")
            .string_value(v)
    };
    let input = SendMessageInput::default()
        .message_attributes([("a", text("1"))])
        .insert_message_attributes("b", text("2"))
        .insert_message_attributes("a", text("3"));
    let attrs = input.message_attributes.unwrap();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs["a"], text("3"));
    assert_eq!(attrs["b"], text("2"));

    let tags = TagQueueInput::default()
        .tags([("team", "blue")])
        .insert_tags("env", String::from("test"))
        .tags;
    let expected = HashMap::from([
        ("team".to_string(), "blue".to_string()),
        ("env".to_string(), "test".to_string()),
    ]);
    assert_eq!(tags, Some(expected));
}

#[test]
fn inputs_and_outputs_are_named_after_the_operation() {
    // The model's names are aliases of the `{Op}Input` / `{Op}Output` types.
    let input: SendMessageRequest = SendMessageInput::default().queue_url("q");
    assert!(std::any::type_name::<SendMessageRequest>().ends_with("::SendMessageInput"));
    assert!(std::any::type_name::<SendMessageResult>().ends_with("::SendMessageOutput"));
    assert_eq!(input.queue_url.as_deref(), Some("q"));
    // A shape the model shares between operations keeps its name and the
    // operation's name is the alias.
    let name = std::any::type_name::<myaws_lambda::types::CreateFunctionOutput>();
    assert!(name.ends_with("::FunctionConfiguration"), "{name}");
    let name = std::any::type_name::<myaws_lambda::types::GetFunctionConfigurationOutput>();
    assert!(name.ends_with("::FunctionConfiguration"), "{name}");
}

#[test]
fn service_crates_re_export_what_users_configure() {
    // Everything below comes from the service crate alone.
    let _mode: myaws_sqs::config::RetryMode = myaws_sqs::config::RetryMode::Adaptive;
    let _when = myaws_sqs::config::RequestChecksumCalculation::WhenRequired;
    let session = myaws_sqs::Session::builder()
        .region("us-east-1")
        .credentials(myaws_sqs::Credentials::new("AKID", "SECRET", None, None))
        .retry_mode(myaws_sqs::config::RetryMode::Standard)
        .build()
        .unwrap();
    let client = myaws_sqs::Client::new(&session).unwrap();
    let stubber = myaws_sqs::Stubber::new(client.handle());
    assert_eq!(stubber.pending(), 0);
    fn provider<P: myaws_sqs::config::ProvideCredentials>(_: &P) {}
    provider(&myaws_sqs::config::EnvironmentProvider::new(
        myaws_sqs::config::Env::default(),
    ));
    // S3's hand-written modules sit at the crate root.
    let _args = myaws_s3::transfer::UploadArgs::default();
}

fn item() -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("id".to_string(), AttributeValue::S("k1".into())),
        ("n".to_string(), AttributeValue::N("42".into())),
        ("flag".to_string(), AttributeValue::Bool(true)),
        ("nothing".to_string(), AttributeValue::Null(true)),
        (
            "set".to_string(),
            AttributeValue::Ss(vec!["a".into(), "b".into()]),
        ),
        (
            "list".to_string(),
            AttributeValue::L(vec![
                AttributeValue::N("1".into()),
                AttributeValue::S("two".into()),
            ]),
        ),
        (
            "map".to_string(),
            AttributeValue::M(HashMap::from([(
                "inner".to_string(),
                AttributeValue::B(myaws_dynamodb::Blob::from_static(b"\x00\x01")),
            )])),
        ),
    ])
}

#[tokio::test]
async fn attribute_values_are_enums_in_rust_and_structures_on_the_wire() {
    let ddb = myaws_dynamodb::Client::new(&session()).unwrap();
    let table = unique("unions");
    ddb.create_table(dynamodb_common::create_table_input(&table))
        .await
        .unwrap();
    let sent = Arc::new(Mutex::new(None));
    let s = sent.clone();
    ddb.events()
        .register("before-send.dynamodb.PutItem", move |e| {
            let body = e.request.as_deref().unwrap().body().clone();
            *s.lock().unwrap() = Some(serde_json::from_slice::<Json>(&body).unwrap());
            None
        });
    let mut input = PutItemInput::default().table_name(&table);
    for (name, value) in item() {
        input = input.insert_item(name, value);
    }
    ddb.put_item(input).await.unwrap();
    let sent = sent.lock().unwrap().take().expect("PutItem was sent");
    assert_eq!(
        sent["Item"],
        json!({
            "id": {"S": "k1"}, "n": {"N": "42"}, "flag": {"BOOL": true},
            "nothing": {"NULL": true}, "set": {"SS": ["a", "b"]},
            "list": {"L": [{"N": "1"}, {"S": "two"}]},
            "map": {"M": {"inner": {"B": "AAE="}}}
        })
    );

    let got = ddb
        .get_item(
            GetItemInput::default()
                .table_name(&table)
                .insert_key("id", AttributeValue::S("k1".into())),
        )
        .await
        .unwrap()
        .item
        .expect("the item");
    assert_eq!(got, item());
    assert_eq!(got["n"].as_n().map(String::as_str), Some("42"));
    assert_eq!(got["n"].as_s(), None);
    match &got["list"] {
        AttributeValue::L(items) => assert_eq!(items.len(), 2),
        other => panic!("expected a list, got {other:?}"),
    }
}

/// Answers every `before-send` of `client` with `body` (status 200).
fn answer(events: &myaws_core::events::Events, body: &Arc<Mutex<String>>) {
    let b = body.clone();
    events.register("before-send", move |_| {
        Some(myaws_dynamodb::HookOutcome::Respond(
            myaws_dynamodb::HttpResponse {
                status: 200,
                headers: Default::default(),
                body: b.lock().unwrap().clone().into(),
            },
        ))
    });
}

#[tokio::test]
async fn unknown_union_members_and_malformed_unions_in_responses() {
    // A member of a modeled union this model does not know is `Unknown`
    // with its name.
    let bedrock = myaws_bedrock_runtime::Client::new(&offline_session()).unwrap();
    let body = Arc::new(Mutex::new(String::new()));
    answer(bedrock.events(), &body);
    *body.lock().unwrap() = r#"{"output": {"message": {"role": "assistant",
        "content": [{"text": "hi"}, {"hologram": {"x": 1}}]}},
        "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1,
        "totalTokens": 2}, "metrics": {"latencyMs": 1}}"#
        .into();
    let out = bedrock
        .converse(myaws_bedrock_runtime::types::ConverseInput::default().model_id("m"))
        .await
        .unwrap();
    let message = out.output.unwrap();
    let message = message.as_message().unwrap();
    use myaws_bedrock_runtime::types::ContentBlock;
    assert_eq!(
        message.content.as_deref().unwrap(),
        [
            ContentBlock::Text("hi".into()),
            ContentBlock::Unknown("hologram".into())
        ]
    );

    // DynamoDB's `AttributeValue` is an enum only in Rust (botocore's model
    // does not mark it a union, so an unknown member's name is not kept);
    // two members set is a malformed response.
    let ddb = myaws_dynamodb::Client::new(&offline_session()).unwrap();
    let body = Arc::new(Mutex::new(String::new()));
    answer(ddb.events(), &body);
    let get = || {
        ddb.get_item(
            GetItemInput::default()
                .table_name("t")
                .insert_key("id", AttributeValue::S("k".into())),
        )
    };
    *body.lock().unwrap() = r#"{"Item": {"id": {"FUTURE": "x"}}}"#.into();
    let item = get().await.unwrap().item.unwrap();
    assert_eq!(item["id"], AttributeValue::Unknown(String::new()));
    *body.lock().unwrap() = r#"{"Item": {"id": {"S": "x", "N": "1"}}}"#.into();
    let err = get().await.unwrap_err().to_string();
    assert!(err.contains("more than one member"), "{err}");
}

/// A member named like a method every structure has gets `set_<name>`, so
/// the trait method stays callable (EC2's `PortRange.From`).
#[test]
fn members_named_like_trait_methods_get_set_setters() {
    use myaws_ec2::types::PortRange;
    let range = PortRange::default().set_from(22).to(23);
    assert_eq!(range.from, Some(22));
    assert_eq!(range.to, Some(23));
    assert!(range.eq(&PortRange::default().set_from(22).to(23)));
    assert!(range.ne(&PortRange::default()));
}
