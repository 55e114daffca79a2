//! The packed format: every model and rule set in `models/` survives the
//! round trip unchanged, and damaged data is an error, never a panic.

use std::path::{Path, PathBuf};

use super::{Pack, Writer, FORMAT_VERSION, MAGIC};
use crate::endpoint::{Params, RuleSet};
use crate::service::{LoadedService, Service, ServiceData};
use crate::ServiceModel;

/// Every service directory under `models/`.
fn service_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("models/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "models/ holds {} services", dirs.len());
    dirs
}

fn rule_set_text(dir: &Path) -> Option<String> {
    let versions = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> = versions
        .filter_map(|e| e.ok().map(|e| e.path().join("endpoint-rule-set-1.json")))
        .chain([dir.join("endpoint-rule-set-1.json")])
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    std::fs::read_to_string(files.pop()?).ok()
}

/// The model's contents as text: everything but the name indexes (hash
/// maps print in any order; the tests look names up instead).
fn contents(m: &ServiceModel) -> String {
    let shapes: Vec<_> = m.shapes().collect();
    let (meta, ops, docs) = (&m.metadata, &m.operations, &m.documentation);
    format!("{meta:?} {:?} {ops:?} {shapes:?} {docs:?}", m.protocol)
}

#[test]
fn every_model_round_trips_unchanged() {
    for dir in service_dirs() {
        let service = Service::from_dir(&dir).unwrap();
        let model = &service.model;
        let packed = model.to_packed();
        let at = dir.display();
        let eager = ServiceModel::from_packed(&packed).unwrap_or_else(|e| panic!("{at}: {e}"));
        let leaked: &'static [u8] = Box::leak(packed.clone().into_boxed_slice());
        let lazy = ServiceModel::from_embedded(leaked).unwrap_or_else(|e| panic!("{at}: {e}"));
        // Shapes looked up before any is decoded, then all decoded.
        for back in [&lazy, &eager] {
            assert_eq!(back.shape_count(), model.shape_count(), "{at}");
            for id in 0..model.shape_count() {
                let name = model.shape_name(id);
                assert_eq!(back.shape_name(id), name, "{at}");
                assert_eq!(back.shape_id(name), model.shape_id(name), "{at}: {name}");
            }
            assert_eq!(back.shape_id("NoSuchShape!"), None);
            assert_eq!(back.exception_ids(), model.exception_ids(), "{at}");
            for op in &model.operations {
                assert_eq!(back.operation_id(&op.name), model.operation_id(&op.name));
            }
            assert_eq!(contents(back), contents(model), "{at}");
            assert_eq!(back.to_packed(), packed, "{at}: not deterministic");
        }
    }
}

#[test]
fn an_embedded_model_decodes_only_the_shapes_used() {
    let dir = service_dirs()
        .into_iter()
        .find(|d| d.ends_with("s3"))
        .unwrap();
    let model = Service::from_dir(&dir).unwrap().model;
    let leaked: &'static [u8] = Box::leak(model.to_packed().into_boxed_slice());
    let lazy = ServiceModel::from_embedded(leaked).unwrap();
    let decoded = |m: &ServiceModel| {
        let text = format!("{m:?}");
        let at = text.find("decoded: ").expect("a lazy store") + "decoded: ".len();
        text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
    };
    assert_eq!(decoded(&lazy), 0);
    let op = lazy.operation("GetObject").unwrap();
    let input = lazy.shape(op.input.unwrap());
    assert_eq!(input.name, "GetObjectRequest");
    assert_eq!(decoded(&lazy), 1);
    assert!(lazy.shape_count() > 100);
}

#[test]
fn every_rule_set_round_trips_unchanged() {
    let mut count = 0;
    for dir in service_dirs() {
        let Some(text) = rule_set_text(&dir) else {
            continue;
        };
        let rules = RuleSet::from_json(&text).unwrap();
        let packed = rules.to_packed();
        let back =
            RuleSet::from_packed(&packed).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert_eq!(
            format!("{back:?}"),
            format!("{rules:?}"),
            "{}",
            dir.display()
        );
        assert_eq!(back.to_packed(), packed);
        let params = Params::new().with_str("Region", "eu-west-1");
        assert_eq!(
            back.resolve(&params).map_err(|e| e.to_string()),
            rules.resolve(&params).map_err(|e| e.to_string())
        );
        count += 1;
    }
    assert!(count >= 10, "{count} rule sets");
}

/// The STS model and rule set, small enough to damage byte by byte.
fn sts() -> (Vec<u8>, Vec<u8>) {
    let dir = service_dirs()
        .into_iter()
        .find(|d| d.ends_with("sts"))
        .unwrap();
    let service = Service::from_dir(&dir).unwrap();
    let rules = service.rule_set().unwrap().unwrap();
    (service.model.to_packed(), rules.to_packed())
}

#[test]
fn truncated_data_is_an_error() {
    let (model, rules) = sts();
    for n in (0..model.len()).step_by(3) {
        assert!(
            ServiceModel::from_packed(&model[..n]).is_err(),
            "model cut at {n}"
        );
    }
    for n in (0..rules.len()).step_by(3) {
        assert!(
            RuleSet::from_packed(&rules[..n]).is_err(),
            "rules cut at {n}"
        );
    }
    let mut longer = model.clone();
    longer.push(0);
    let err = ServiceModel::from_packed(&longer).unwrap_err();
    assert!(err.0.contains("left over"), "{err}");
}

#[test]
fn damaged_bytes_never_panic() {
    let (model, rules) = sts();
    // Every seventh byte (a debug build reads a few thousand copies a
    // second) replaced by a few values; any outcome but a panic will do (a
    // changed string or flag may still read as a valid model).
    for (data, is_model) in [(model, true), (rules, false)] {
        for i in (0..data.len()).step_by(7) {
            for value in [0x00, 0x7f, 0x80, 0xff] {
                let mut bad = data.clone();
                bad[i] = value;
                if is_model {
                    let _ = ServiceModel::from_packed(&bad);
                    let _ = ServiceModel::from_embedded(Box::leak(bad.into_boxed_slice()));
                } else {
                    let _ = RuleSet::from_packed(&bad);
                }
            }
        }
    }
}

#[test]
fn a_damaged_shape_is_an_error_read_eagerly_and_a_named_panic_read_lazily() {
    let (mut model, _) = sts();
    // The last byte is the last shape's last flag (`json_value`).
    *model.last_mut().unwrap() = 7;
    let err = ServiceModel::from_packed(&model).unwrap_err();
    assert!(err.0.contains("unknown boolean tag 7"), "{err}");
    let lazy = ServiceModel::from_embedded(Box::leak(model.into_boxed_slice())).unwrap();
    let last = lazy.shape_count() - 1;
    let name = lazy.shape_name(last).to_owned();
    let panic = std::panic::catch_unwind(|| lazy.shape(last).kind).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.contains(&format!("damaged (shape `{name}`)")),
        "{message}"
    );
    assert!(message.contains("cargo xtask regen"), "{message}");
}

#[test]
fn headers_are_checked() {
    let (model, rules) = sts();
    let err = ServiceModel::from_packed(b"{\"metadata\":{}}").unwrap_err();
    assert!(err.0.contains("not packed myaws data"), "{err}");
    let err = ServiceModel::from_packed(&rules).unwrap_err();
    assert!(err.0.contains("holds a endpoint rule set"), "{err}");
    let err = RuleSet::from_packed(&model).unwrap_err();
    assert!(err.to_string().contains("not a endpoint rule set"), "{err}");
    let mut newer = model.clone();
    newer[MAGIC.len()] = (FORMAT_VERSION + 1) as u8;
    let err = ServiceModel::from_packed(&newer).unwrap_err();
    assert!(err.0.contains("different releases"), "{err}");
}

#[test]
fn shape_references_are_checked() {
    let dir = service_dirs()
        .into_iter()
        .find(|d| d.ends_with("sqs"))
        .unwrap();
    let mut model = (*Service::from_dir(&dir).unwrap().model).clone();
    let count = model.shape_count();
    let op = model
        .operations
        .iter_mut()
        .find(|o| o.input.is_some())
        .unwrap();
    op.input = Some(count);
    let err = ServiceModel::from_packed(&model.to_packed()).unwrap_err();
    assert!(err.0.contains(&format!("refers to shape {count}")), "{err}");
}

/// A rule set holding `rules` (already packed) and nothing else.
fn rule_set_with(slots: usize, rules: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::with_header("endpoint rule set");
    "1.0".to_string().pack(&mut w);
    slots.pack(&mut w);
    w.varint(0); // no parameters
    rules(&mut w);
    w.finish()
}

#[test]
fn slots_and_arities_are_checked() {
    // One error rule whose message is a reference to slot 0, of 0 slots.
    let bad_slot = rule_set_with(0, |w| {
        for b in [1, 0, 1, 2, 0] {
            w.varint(b); // 1 rule, 0 conditions, error action, Ref, slot 0
        }
    });
    let err = RuleSet::from_packed(&bad_slot).unwrap_err();
    assert!(
        err.to_string().contains("scope slot 0 out of range"),
        "{err}"
    );
    // An error rule whose message is `isSet()` with no argument.
    let bad_call = rule_set_with(1, |w| {
        for b in [1, 0, 1, 4, 0, 0] {
            w.varint(b); // ..., Call, isSet, 0 arguments
        }
    });
    let err = RuleSet::from_packed(&bad_call).unwrap_err();
    assert!(err.to_string().contains("`isSet` called with 0"), "{err}");
}

#[test]
fn nesting_is_bounded() {
    // Trees of trees, far deeper than any rule set.
    let deep = rule_set_with(0, |w| {
        for _ in 0..10_000 {
            for b in [1, 0, 2] {
                w.varint(b); // 1 rule, 0 conditions, tree action
            }
        }
        w.varint(0);
    });
    let err = RuleSet::from_packed(&deep).unwrap_err();
    assert!(err.to_string().contains("nested deeper"), "{err}");
}

#[test]
fn damaged_embedded_data_fails_client_creation_not_the_process() {
    let data: &'static ServiceData = Box::leak(Box::new(ServiceData {
        model: b"myaws-pk",
        endpoint_rules: None,
        paginators: None,
        waiters: None,
    }));
    let loaded = LoadedService::load(data);
    let err = loaded.get().unwrap_err();
    assert!(err.to_string().contains("packed data ends early"), "{err}");
}

/// A generated crate's rule set is decoded on the client's first call, not
/// at its creation (most of an idle S3 client's memory and instructions);
/// damaged rules then fail that call with an error.
#[test]
fn embedded_rule_sets_are_decoded_on_the_first_call() {
    let dir = service_dirs()
        .into_iter()
        .find(|d| d.ends_with("sqs"))
        .unwrap();
    let service = Service::from_dir(&dir).unwrap();
    let model = service.model.to_packed();
    let rules = service.rule_set().unwrap().unwrap().to_packed();
    let client = |rules: Vec<u8>| {
        let data: &'static ServiceData = Box::leak(Box::new(ServiceData {
            model: Box::leak(model.clone().into_boxed_slice()),
            endpoint_rules: Some(Box::leak(rules.into_boxed_slice())),
            paginators: None,
            waiters: None,
        }));
        let service = LoadedService::load(data).get().unwrap().clone();
        let session = crate::Session::builder()
            .region("eu-west-1")
            .credentials(crate::Credentials::new("AKID", "SECRET", None, None))
            .build()
            .unwrap();
        let client = crate::client::ClientHandle::from_service(
            &session,
            service.clone(),
            Default::default(),
        )
        .unwrap();
        (service, client)
    };
    let resolve = |client: &crate::client::ClientHandle| {
        let model = client.model().clone();
        let op = model.operation("ListQueues").unwrap();
        let input = crate::value::Value::Struct(vec![
            crate::value::Value::Null;
            model.shape(op.input.unwrap()).members.len()
        ]);
        client.endpoint_resolver().resolve(&model, op, &input)
    };

    let (service, sqs) = client(rules);
    assert!(!service.rules_decoded(), "decoded at client creation");
    let endpoint = resolve(&sqs).unwrap();
    assert_eq!(endpoint.url, "https://sqs.eu-west-1.amazonaws.com");
    assert!(service.rules_decoded());

    let (_, broken) = client(b"myaws-pk".to_vec());
    let err = resolve(&broken).unwrap_err();
    assert!(err.contains("invalid endpoint rule set"), "{err}");
}
