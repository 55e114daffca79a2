//! Arbitrary text as a botocore service model: loading gives a model or an
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myaws_core::model::ServiceModel;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ServiceModel::from_json(text);
    }
});
