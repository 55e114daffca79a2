//! CBOR bodies through the generic decoder and the RPC v2 CBOR parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = myaws_core::protocol::de::cbor::decode(data);
    let headers = http::HeaderMap::new();
    myaws_fuzz::parse_everything(myaws_fuzz::model("smithy-rpc-v2-cbor"), &headers, data, 400);
});
