//! XML bodies through the query, ec2 and rest-xml parsers (and the element
//! tree builder on its own).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = myaws_core::protocol::de::xml_dom::parse(data);
    let headers = http::HeaderMap::new();
    for protocol in ["query", "ec2", "rest-xml"] {
        myaws_fuzz::parse_everything(myaws_fuzz::model(protocol), &headers, data, 400);
    }
});
