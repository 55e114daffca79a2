//! Error responses for every protocol, with fuzzed status codes and bound
//! headers.
//!
//! Input layout: byte 0 picks the protocol, byte 1 the status, byte 2 the
//! length `n` of a header value taken from the next `n` bytes (used for every
//! bound and error header), the rest is the body.
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 301, 400, 403, 404, 429, 500, 503];
const HEADERS: [&str; 8] = [
    "x-amzn-errortype",
    "x-amzn-query-error",
    "x-amzn-requestid",
    "x-str",
    "x-int",
    "x-times",
    "x-json",
    "x-meta-key",
];

fuzz_target!(|data: &[u8]| {
    let [p, s, n, rest @ ..] = data else {
        return;
    };
    let models = myaws_fuzz::models();
    let model = &models[usize::from(*p) % models.len()];
    let status = STATUSES[usize::from(*s) % STATUSES.len()];
    let split = usize::from(*n).min(rest.len());
    let (value, body) = rest.split_at(split);
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(value) {
        for name in HEADERS {
            headers.insert(name, v.clone());
        }
    }
    myaws_fuzz::parse_everything(model, &headers, body, status);
});
