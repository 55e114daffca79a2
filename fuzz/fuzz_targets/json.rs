//! JSON bodies through the awsJson and rest-json parsers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let headers = http::HeaderMap::new();
    for protocol in ["json", "rest-json"] {
        myaws_fuzz::parse_everything(myaws_fuzz::model(protocol), &headers, data, 400);
    }
});
