//! Comparison of the two sides' requests and parsed responses, by meaning.
//!
//! Requests: method; scheme, host and port; the path after percent-decoding;
//! the query as a multiset of decoded pairs; headers by lowercase name
//! (`Host` and `Content-Length` only when they disagree with the URL and the
//! body); the body per protocol (JSON by value with numbers compared
//! numerically, XML as namespace-aware element trees, form bodies as a
//! multiset of pairs, anything else byte for byte); the `Authorization`
//! header's scope, signed header list and, when nothing else differs, its
//! signature. Values both sides generate at random (uuid4 idempotency
//! tokens, `amz-sdk-invocation-id`) compare by shape; the signature is then
//! not comparable.
//!
//! Responses: the parsed output walked along the output shape (timestamps
//! as instants to the microsecond, blobs as bytes, numbers numerically), or
//! the error's code, message, exception, status and members.

use base64::Engine as _;
use myaws_core::model::{ShapeId, ShapeKind};
use myaws_core::{DateTime, ServiceModel};
use serde_json::Value as Json;

use super::wire::{decode_aws_chunked, is_uuid4, pairs, percent_decode, Authorization, Wire};
use crate::protocol_tests::input::xml;

/// One difference. `key` names what differs in a stable, case-independent
/// form (what the deliberate list and the report's categories match);
/// `detail` shows the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable key, e.g. `header:amz-sdk-request:only-botocore`.
    pub key: String,
    /// Values and context.
    pub detail: String,
}

impl Finding {
    fn new(key: impl Into<String>, detail: impl Into<String>) -> Finding {
        Finding {
            key: key.into(),
            detail: detail.into(),
        }
    }
}

/// Longest value quoted in a detail.
const QUOTE: usize = 160;

fn quote(s: &str) -> String {
    if is_uuid4(s) {
        // Random per call: shown by shape, so reports are reproducible.
        return "<a uuid4>".to_string();
    }
    if s.chars().count() > QUOTE {
        let cut: String = s.chars().take(QUOTE).collect();
        format!("{cut:?}…")
    } else {
        format!("{s:?}")
    }
}

fn quote_json(j: &Json) -> String {
    let s = j.to_string();
    if s.chars().count() > QUOTE {
        format!("{}…", s.chars().take(QUOTE).collect::<String>())
    } else {
        s
    }
}

/// What a request comparison found.
#[derive(Debug, Default)]
pub struct RequestComparison {
    /// Differences (root causes; consequences such as the signature are
    /// left out when something else differs).
    pub findings: Vec<Finding>,
    /// Whether the signatures were compared (and matched when no finding
    /// says otherwise).
    pub signature_compared: bool,
}

/// Compares botocore's request `b` with myaws's `m`; `body_kind` is the
/// protocol's body format.
pub fn compare_requests(protocol: &str, mut b: Wire, mut m: Wire) -> RequestComparison {
    let mut out = RequestComparison::default();
    let f = &mut out.findings;
    let mut random = false;
    let mut comparable = true;

    // Which headers each side sends, before the normalization below drops
    // the ones that only restate the URL or the body (and before trailers
    // become headers).
    let sent = |w: &Wire| -> Vec<String> { w.headers.iter().map(|(k, _)| k.clone()).collect() };
    let (b_sent, m_sent) = (sent(&b), sent(&m));

    // aws-chunked framing: compare the payload and trailers as if sent in
    // the body and headers.
    let b_chunked = unchunk(&mut b);
    let m_chunked = unchunk(&mut m);
    if b_chunked.is_some() != m_chunked.is_some() {
        let (side, sha_b, sha_m) = (
            if b_chunked.is_some() {
                "botocore"
            } else {
                "myaws"
            },
            b.header("x-amz-content-sha256").unwrap_or_default(),
            m.header("x-amz-content-sha256").unwrap_or_default(),
        );
        f.push(Finding::new(
            format!("framing:aws-chunked:only-{side}"),
            format!(
                "only {side} frames the body as aws-chunked with a trailing checksum \
                 (x-amz-content-sha256: botocore {sha_b:?}, myaws {sha_m:?}); \
                 payload and checksum compared as plain body and header"
            ),
        ));
        b.remove_header("x-amz-content-sha256");
        m.remove_header("x-amz-content-sha256");
        comparable = false;
    }
    for w in [&mut b, &mut m] {
        if w.header("host").as_deref() == Some(w.authority.as_str()) {
            w.remove_header("host");
        }
        if w.header("content-length") == Some(w.body.len().to_string()) {
            w.remove_header("content-length");
        }
    }

    // Checksums of bodies that differ byte for byte (but may be equal by
    // meaning) cannot agree; each side's must match its own body.
    if b.body != m.body {
        for name in CHECKSUM_HEADERS {
            let (Some(x), Some(y)) = (b.header(name), m.header(name)) else {
                continue;
            };
            if x == y {
                continue;
            }
            for (side, w, value) in [("botocore", &b, &x), ("myaws", &m, &y)] {
                if checksum_matches(name, &w.body, value) == Some(false) {
                    f.push(Finding::new(
                        format!("checksum:{name}:wrong-{side}"),
                        format!("{side}'s {name} {value:?} is not the checksum of its body"),
                    ));
                }
            }
            b.remove_header(name);
            m.remove_header(name);
            comparable = false;
        }
    }

    if b.method != m.method {
        f.push(Finding::new(
            "method",
            format!("botocore {}, myaws {}", b.method, m.method),
        ));
    }
    if b.origin != m.origin {
        f.push(Finding::new(
            "endpoint",
            format!("botocore {}, myaws {}", b.origin, m.origin),
        ));
    }
    let (bp, mp) = (
        percent_decode(&b.path, false),
        percent_decode(&m.path, false),
    );
    if bp != mp {
        f.push(Finding::new(
            "path",
            format!("botocore {}, myaws {}", quote(&b.path), quote(&m.path)),
        ));
    } else if b.path != m.path {
        // Same path, spelled differently: both are valid; the signatures
        // (over the spelled path) cannot agree.
        comparable = false;
    }
    if b.query != m.query {
        comparable = false;
    }
    diff_pairs(
        "query",
        pairs(&b.query, false),
        pairs(&m.query, false),
        f,
        &mut random,
    );

    // Headers (the Authorization header on its own below).
    let mut names: Vec<String> = Vec::new();
    for (k, _) in b.headers.iter().chain(&m.headers) {
        if !names.contains(k) && k != "authorization" {
            names.push(k.clone());
        }
    }
    // A random value only spoils the signature comparison when signed.
    let signed: Vec<String> = [b.header("authorization"), m.header("authorization")]
        .into_iter()
        .flatten()
        .filter_map(|a| Authorization::parse(&a))
        .flat_map(|a| a.signed_headers)
        .collect();
    for name in &names {
        match (b.header(name), m.header(name)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) if is_uuid4(&x) && is_uuid4(&y) => {
                random |= signed.contains(name);
            }
            (Some(x), Some(y)) => f.push(Finding::new(
                format!("header:{name}:differs"),
                format!("botocore {}, myaws {}", quote(&x), quote(&y)),
            )),
            (Some(x), None) => f.push(Finding::new(
                format!("header:{name}:only-botocore"),
                format!("botocore sends {name}: {}", quote(&x)),
            )),
            (None, Some(y)) => f.push(Finding::new(
                format!("header:{name}:only-myaws"),
                format!("myaws sends {name}: {}", quote(&y)),
            )),
            (None, None) => {}
        }
    }

    diff_body(protocol, &b, &m, f, &mut random);
    // Bodies equal in meaning but not in bytes (JSON spacing) are signed
    // differently, unless neither signature covers the payload's bytes.
    let payload_unsigned = |w: &Wire| {
        w.header("x-amz-content-sha256")
            .is_some_and(|v| v.starts_with("UNSIGNED") || v.starts_with("STREAMING"))
    };
    if b.body != m.body && !(payload_unsigned(&b) && payload_unsigned(&m)) {
        comparable = false;
    }

    // Authorization: scope and signed headers always; the signature only
    // when everything it covers is equal.
    match (
        b.header("authorization")
            .as_deref()
            .map(Authorization::parse),
        m.header("authorization")
            .as_deref()
            .map(Authorization::parse),
    ) {
        (Some(Some(x)), Some(Some(y))) => {
            if x.algorithm != y.algorithm || x.credential != y.credential {
                f.push(Finding::new(
                    "auth:scope",
                    format!(
                        "botocore {} {}, myaws {} {}",
                        x.algorithm, x.credential, y.algorithm, y.credential
                    ),
                ));
            }
            let only = |a: &Authorization, c: &Authorization, other: &[String]| -> Vec<String> {
                // Headers the other side does not send at all are already
                // reported as header findings (`host` is always sent).
                a.signed_headers
                    .iter()
                    .filter(|h| !c.signed_headers.contains(h))
                    .filter(|h| other.contains(h) || h.as_str() == "host")
                    .cloned()
                    .collect()
            };
            let (only_b, only_m) = (only(&x, &y, &m_sent), only(&y, &x, &b_sent));
            for (side, other, names) in [
                ("botocore", "myaws", &only_b),
                ("myaws", "botocore", &only_m),
            ] {
                for name in names {
                    f.push(Finding::new(
                        format!("auth:signed-only-by-{side}:{name}"),
                        format!("{side} signs {name}, {other} sends it unsigned"),
                    ));
                }
            }
            // The signature covers the method, host, path, query, payload
            // and the headers either side signs; other differences (headers
            // neither side signs) do not keep it from being compared.
            let signed = |name: &str| {
                x.signed_headers.iter().any(|h| h == name)
                    || y.signed_headers.iter().any(|h| h == name)
            };
            let relevant = f
                .iter()
                .any(|finding| match finding.key.strip_prefix("header:") {
                    Some(rest) => signed(rest.split(':').next().unwrap_or("")),
                    None => true,
                });
            if !relevant && !random && comparable {
                out.signature_compared = true;
                if x.signature != y.signature {
                    f.push(Finding::new(
                        "auth:signature",
                        format!(
                            "everything compared is equal but the signatures differ \
                             (signed headers {})",
                            x.signed_headers.join(";")
                        ),
                    ));
                }
            }
        }
        // Not a signature on either side (a bearer token): equal, or a
        // difference.
        (Some(None), Some(None)) if b.header("authorization") == m.header("authorization") => {}
        (Some(Some(_)), Some(None)) | (Some(None), Some(Some(_))) | (Some(None), Some(None)) => f
            .push(Finding::new(
                "auth:unparsable",
                format!(
                    "botocore {:?}, myaws {:?}",
                    b.header("authorization"),
                    m.header("authorization")
                ),
            )),
        (Some(_), None) => f.push(Finding::new(
            "header:authorization:only-botocore",
            "botocore signs, myaws does not",
        )),
        (None, Some(_)) => f.push(Finding::new(
            "header:authorization:only-myaws",
            "myaws signs, botocore does not",
        )),
        (None, None) => {}
    }
    out
}

/// Headers whose value is a checksum of the body.
const CHECKSUM_HEADERS: [&str; 7] = [
    "content-md5",
    "x-amz-content-sha256",
    "x-amz-checksum-crc32",
    "x-amz-checksum-crc32c",
    "x-amz-checksum-crc64nvme",
    "x-amz-checksum-sha1",
    "x-amz-checksum-sha256",
];

/// Whether `value` is the checksum `header` names of `body`; `None` when it
/// is not a checksum at all (`UNSIGNED-PAYLOAD`, a streaming marker).
fn checksum_matches(header: &str, body: &[u8], value: &str) -> Option<bool> {
    use myaws_core::checksum::ChecksumAlgorithm;
    if header == "x-amz-content-sha256" {
        if value.len() != 64 || !value.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let mut h = ChecksumAlgorithm::Sha256.hasher();
        h.update(body);
        let hex: String = h.finish().iter().map(|b| format!("{b:02x}")).collect();
        return Some(hex.eq_ignore_ascii_case(value));
    }
    let algorithm = if header == "content-md5" {
        ChecksumAlgorithm::Md5
    } else {
        ChecksumAlgorithm::from_name(header.strip_prefix("x-amz-checksum-")?)?
    };
    Some(algorithm.checksum_of(body) == value)
}

/// Decodes an `aws-chunked` body in place: payload as the body, trailers
/// as headers, framing headers removed. `Some(())` when the body was framed.
fn unchunk(w: &mut Wire) -> Option<()> {
    let encoding = w.header("content-encoding")?;
    if !encoding.split(',').any(|e| e.trim() == "aws-chunked") {
        return None;
    }
    let (payload, trailers) = decode_aws_chunked(&w.body)?;
    w.body = payload;
    for (k, v) in trailers {
        w.set_header(&k, v);
    }
    for h in [
        "x-amz-trailer",
        "x-amz-decoded-content-length",
        "transfer-encoding",
        "content-length",
    ] {
        w.remove_header(h);
    }
    let rest: Vec<&str> = encoding
        .split(',')
        .map(str::trim)
        .filter(|e| *e != "aws-chunked")
        .collect();
    if rest.is_empty() {
        w.remove_header("content-encoding");
    } else {
        w.set_header("content-encoding", rest.join(","));
    }
    Some(())
}

/// `a.1.b.22` → `a.N.b.N`: list positions of query/form keys.
fn generalize_form_key(key: &str) -> String {
    key.split('.')
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) {
                "N"
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Compares two multisets of pairs (query strings, form bodies).
/// Two URLs with the same scheme, host and path and the same query
/// parameters, whatever their order.
fn same_url(a: &str, b: &str) -> bool {
    let split = |u: &str| {
        u.split_once('?')
            .map(|(base, q)| (base.to_owned(), pairs(q, false)))
    };
    match (split(a), split(b)) {
        (Some((base_a, mut qa)), Some((base_b, mut qb))) if a.starts_with("http") => {
            qa.sort();
            qb.sort();
            base_a == base_b && qa == qb
        }
        _ => false,
    }
}

fn diff_pairs(
    what: &str,
    mut b: Vec<(String, String)>,
    mut m: Vec<(String, String)>,
    f: &mut Vec<Finding>,
    random: &mut bool,
) {
    b.sort();
    m.sort();
    if b == m {
        return;
    }
    let mut keys: Vec<&String> = b.iter().chain(&m).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let bv: Vec<&String> = b.iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect();
        let mv: Vec<&String> = m.iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect();
        if bv == mv {
            continue;
        }
        // URLs (presigned `PresignedUrl`s) are equal when their query
        // parameters are, in any order.
        if bv.len() == 1 && mv.len() == 1 && same_url(bv[0], mv[0]) {
            continue;
        }
        let general = generalize_form_key(key);
        let (kind, detail) = match (bv.is_empty(), mv.is_empty()) {
            (false, true) => (
                "only-botocore",
                format!("botocore sends {key}={}", quote(bv[0])),
            ),
            (true, false) => ("only-myaws", format!("myaws sends {key}={}", quote(mv[0]))),
            _ if bv.len() == 1 && mv.len() == 1 && is_uuid4(bv[0]) && is_uuid4(mv[0]) => {
                *random = true;
                continue;
            }
            _ => (
                "differs",
                format!(
                    "{key}: botocore {}, myaws {}",
                    quote(
                        &bv.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ),
                    quote(
                        &mv.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    )
                ),
            ),
        };
        f.push(Finding::new(format!("{what}:{general}:{kind}"), detail));
    }
}

/// Replaces every uuid4 text in a CBOR item with one placeholder; true when
/// there was one.
fn mask_uuids(item: &mut crate::protocol_tests::input::cbor::Item) -> bool {
    use crate::protocol_tests::input::cbor::Item;
    match item {
        Item::Text(t) if is_uuid4(t) => {
            *t = "<uuid4>".into();
            true
        }
        Item::Array(items) => items.iter_mut().fold(false, |any, i| mask_uuids(i) | any),
        Item::Map(entries) => entries
            .iter_mut()
            .fold(false, |any, (_, v)| mask_uuids(v) | any),
        Item::Tag(_, inner) => mask_uuids(inner),
        _ => false,
    }
}

fn diff_body(protocol: &str, b: &Wire, m: &Wire, f: &mut Vec<Finding>, random: &mut bool) {
    if b.body == m.body {
        return;
    }
    let show = |w: &Wire| quote(&String::from_utf8_lossy(&w.body));
    if b.body.is_empty() || m.body.is_empty() {
        let side = if b.body.is_empty() {
            "myaws"
        } else {
            "botocore"
        };
        f.push(Finding::new(
            format!("body:only-{side}"),
            format!("botocore {}, myaws {}", show(b), show(m)),
        ));
        return;
    }
    match protocol {
        "json" | "rest-json" => {
            if let (Ok(x), Ok(y)) = (
                serde_json::from_slice::<Json>(&b.body),
                serde_json::from_slice::<Json>(&m.body),
            ) {
                let mut found = Vec::new();
                json_diff("$", &x, &y, &mut found, random);
                for (path, kind, detail) in found {
                    f.push(Finding::new(format!("body:{path}:{kind}"), detail));
                }
                return;
            }
        }
        "rest-xml" => {
            if let (Ok(x), Ok(y)) = (xml::canonical(&b.body), xml::canonical(&m.body)) {
                let mut found = Vec::new();
                xml_diff("", &x, &y, &mut found, random);
                for (path, kind, detail) in found {
                    f.push(Finding::new(format!("body:{path}:{kind}"), detail));
                }
                return;
            }
        }
        "smithy-rpc-v2-cbor" => {
            use crate::protocol_tests::input::cbor;
            if let (Ok(mut x), Ok(mut y)) = (cbor::decode(&b.body), cbor::decode(&m.body)) {
                // Idempotency tokens both sides fill in are random uuid4s.
                if mask_uuids(&mut x) | mask_uuids(&mut y) {
                    *random = true;
                }
                if x != y {
                    f.push(Finding::new(
                        "body:cbor:differs",
                        format!("botocore {x:?}, myaws {y:?}"),
                    ));
                }
                return;
            }
        }
        "query" | "ec2" => {
            if let (Ok(x), Ok(y)) = (std::str::from_utf8(&b.body), std::str::from_utf8(&m.body)) {
                diff_pairs("form", pairs(x, true), pairs(y, true), f, random);
                return;
            }
        }
        _ => {}
    }
    f.push(Finding::new(
        "body:bytes:differs",
        format!("botocore {}, myaws {}", show(b), show(m)),
    ));
}

/// Map keys the generator makes (and any key that is not an identifier)
/// generalize to `*` in paths.
fn generalize_key(key: &str) -> String {
    let generated = key.starts_with("key") && key[3..].bytes().all(|c| c.is_ascii_digit());
    if generated
        || !key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        "*".to_string()
    } else {
        key.to_string()
    }
}

fn numbers_equal(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    match (x.as_i64(), y.as_i64()) {
        (Some(i), Some(j)) => i == j,
        _ => x.as_f64() == y.as_f64(),
    }
}

/// Differences between JSON values as `(path, kind, detail)`.
fn json_diff(
    path: &str,
    b: &Json,
    m: &Json,
    out: &mut Vec<(String, &'static str, String)>,
    random: &mut bool,
) {
    match (b, m) {
        (Json::Object(x), Json::Object(y)) => {
            for (k, v) in x {
                let p = format!("{path}.{}", generalize_key(k));
                match y.get(k) {
                    Some(w) => json_diff(&p, v, w, out, random),
                    None => out.push((p, "only-botocore", format!("botocore {}", quote_json(v)))),
                }
            }
            for (k, w) in y {
                if !x.contains_key(k) {
                    let p = format!("{path}.{}", generalize_key(k));
                    out.push((p, "only-myaws", format!("myaws {}", quote_json(w))));
                }
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            let p = format!("{path}[]");
            if x.len() != y.len() {
                out.push((
                    p.clone(),
                    "length",
                    format!("botocore {} items, myaws {}", x.len(), y.len()),
                ));
            }
            for (v, w) in x.iter().zip(y) {
                json_diff(&p, v, w, out, random);
            }
        }
        (Json::Number(x), Json::Number(y)) if numbers_equal(x, y) => {}
        (Json::String(x), Json::String(y)) if x == y => {}
        (Json::String(x), Json::String(y)) if is_uuid4(x) && is_uuid4(y) => *random = true,
        _ if b == m => {}
        _ => out.push((
            path.to_string(),
            "differs",
            format!("botocore {}, myaws {}", quote_json(b), quote_json(m)),
        )),
    }
}

fn xml_name(e: &xml::Element) -> String {
    match &e.ns {
        Some(ns) => format!("{{{ns}}}{}", e.name),
        None => e.name.clone(),
    }
}

fn xml_text(e: &xml::Element) -> String {
    e.children
        .iter()
        .filter_map(|c| match c {
            xml::Node::Text(t) => Some(t.as_str()),
            xml::Node::Element(_) => None,
        })
        .collect::<Vec<_>>()
        .join("")
}

/// Differences between XML elements as `(path, kind, detail)`.
fn xml_diff(
    parent: &str,
    b: &xml::Element,
    m: &xml::Element,
    out: &mut Vec<(String, &'static str, String)>,
    random: &mut bool,
) {
    let path = format!("{parent}/{}", generalize_key(&b.name));
    if xml_name(b) != xml_name(m) {
        out.push((
            path,
            "element",
            format!("botocore <{}>, myaws <{}>", xml_name(b), xml_name(m)),
        ));
        return;
    }
    if b.attrs != m.attrs {
        out.push((
            path.clone(),
            "attributes",
            format!("botocore {:?}, myaws {:?}", b.attrs, m.attrs),
        ));
    }
    let (bt, mt) = (xml_text(b), xml_text(m));
    if bt != mt {
        if is_uuid4(&bt) && is_uuid4(&mt) {
            *random = true;
        } else {
            out.push((
                path.clone(),
                "text",
                format!("botocore {}, myaws {}", quote(&bt), quote(&mt)),
            ));
        }
    }
    let children = |e: &xml::Element| -> Vec<(String, Vec<xml::Element>)> {
        let mut groups: Vec<(String, Vec<xml::Element>)> = Vec::new();
        for c in &e.children {
            if let xml::Node::Element(el) = c {
                let name = xml_name(el);
                match groups.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, v)) => v.push(el.clone()),
                    None => groups.push((name, vec![el.clone()])),
                }
            }
        }
        groups
    };
    let (bg, mg) = (children(b), children(m));
    for (name, items) in &bg {
        let local = items[0].name.clone();
        let p = format!("{path}/{}", generalize_key(&local));
        match mg.iter().find(|(n, _)| n == name) {
            None => out.push((p, "only-botocore", format!("botocore has <{name}>"))),
            Some((_, others)) => {
                if items.len() != others.len() {
                    out.push((
                        p.clone(),
                        "count",
                        format!("botocore {} <{local}>, myaws {}", items.len(), others.len()),
                    ));
                }
                for (x, y) in items.iter().zip(others) {
                    xml_diff(&path, x, y, out, random);
                }
            }
        }
    }
    for (name, items) in &mg {
        if !bg.iter().any(|(n, _)| n == name) {
            let p = format!("{path}/{}", generalize_key(&items[0].name));
            out.push((p, "only-myaws", format!("myaws has <{name}>")));
        }
    }
    let order =
        |g: &[(String, Vec<xml::Element>)]| g.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let (bo, mo) = (order(&bg), order(&mg));
    if bo != mo && {
        let (mut x, mut y) = (bo.clone(), mo.clone());
        x.sort();
        y.sort();
        x == y
    } {
        out.push((
            path,
            "order",
            format!("botocore [{}], myaws [{}]", bo.join(", "), mo.join(", ")),
        ));
    }
}

// ---------------------------------------------------------------------------
// Responses.

/// Compares a parsed output (or error members) along `shape`.
pub fn compare_output(
    model: &ServiceModel,
    shape: Option<ShapeId>,
    prefix: &str,
    b: &Json,
    m: &Json,
) -> Vec<Finding> {
    let mut out = Vec::new();
    match shape {
        Some(id) => value_diff(model, id, "$", b, m, &mut out),
        None => json_diff("$", b, m, &mut out, &mut false),
    }
    out.into_iter()
        .map(|(path, kind, detail)| Finding::new(format!("{prefix}:{path}:{kind}"), detail))
        .collect()
}

fn value_diff(
    model: &ServiceModel,
    id: ShapeId,
    path: &str,
    b: &Json,
    m: &Json,
    out: &mut Vec<(String, &'static str, String)>,
) {
    let shape = model.shape(id);
    let differs = |out: &mut Vec<(String, &'static str, String)>| {
        out.push((
            path.to_string(),
            "differs",
            format!("botocore {}, myaws {}", quote_json(b), quote_json(m)),
        ))
    };
    match shape.kind {
        ShapeKind::Structure if !shape.document => {
            let (Some(x), Some(y)) = (b.as_object(), m.as_object()) else {
                if b != m {
                    differs(out);
                }
                return;
            };
            for (k, v) in x {
                let p = format!("{path}.{k}");
                let member = shape.members.iter().find(|mm| &mm.name == k);
                match (y.get(k), member) {
                    (Some(w), Some(mm)) => value_diff(model, mm.target, &p, v, w, out),
                    (Some(w), None) => json_diff(&p, v, w, out, &mut false),
                    (None, _) => {
                        out.push((p, "only-botocore", format!("botocore {}", quote_json(v))))
                    }
                }
            }
            for (k, w) in y {
                if !x.contains_key(k) {
                    out.push((
                        format!("{path}.{k}"),
                        "only-myaws",
                        format!("myaws {}", quote_json(w)),
                    ));
                }
            }
        }
        ShapeKind::List => {
            let (Some(x), Some(y)) = (b.as_array(), m.as_array()) else {
                if b != m {
                    differs(out);
                }
                return;
            };
            let p = format!("{path}[]");
            if x.len() != y.len() {
                out.push((
                    p.clone(),
                    "length",
                    format!("botocore {} items, myaws {}", x.len(), y.len()),
                ));
            }
            if let Some(member) = &shape.member {
                for (v, w) in x.iter().zip(y) {
                    value_diff(model, member.target, &p, v, w, out);
                }
            }
        }
        ShapeKind::Map => {
            let (Some(x), Some(y)) = (b.as_object(), m.as_object()) else {
                if b != m {
                    differs(out);
                }
                return;
            };
            let target = shape.value.as_ref().map(|v| v.target);
            for (k, v) in x {
                let p = format!("{path}.{}", generalize_key(k));
                match (y.get(k), target) {
                    (Some(w), Some(t)) => value_diff(model, t, &p, v, w, out),
                    (Some(w), None) => json_diff(&p, v, w, out, &mut false),
                    (None, _) => {
                        out.push((p, "only-botocore", format!("botocore key {}", quote(k))))
                    }
                }
            }
            for k in y.keys() {
                if !x.contains_key(k) {
                    out.push((
                        format!("{path}.{}", generalize_key(k)),
                        "only-myaws",
                        format!("myaws key {}", quote(k)),
                    ));
                }
            }
        }
        ShapeKind::Timestamp => {
            let instant = |j: &Json| -> Option<(i64, u32)> {
                let t = match j {
                    Json::String(s) => DateTime::parse(s)?,
                    Json::Number(n) => DateTime::from_secs_f64(n.as_f64()?)?,
                    _ => return None,
                };
                Some((t.secs(), t.subsec_nanos() / 1000))
            };
            match (instant(b), instant(m)) {
                (Some(x), Some(y)) if x == y => {}
                _ => differs(out),
            }
        }
        ShapeKind::Blob => {
            let bytes = |j: &Json| {
                j.as_str()
                    .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            };
            match (bytes(b), bytes(m)) {
                (Some(x), Some(y)) if x == y => {}
                _ => differs(out),
            }
        }
        ShapeKind::Float | ShapeKind::Double => {
            let num = |j: &Json| match j {
                Json::Number(n) => n.as_f64(),
                Json::String(s) => s.parse::<f64>().ok().or(match s.as_str() {
                    "NaN" => Some(f64::NAN),
                    "Infinity" => Some(f64::INFINITY),
                    "-Infinity" => Some(f64::NEG_INFINITY),
                    _ => None,
                }),
                _ => None,
            };
            match (num(b), num(m)) {
                (Some(x), Some(y)) if x == y || (x.is_nan() && y.is_nan()) => {}
                _ => differs(out),
            }
        }
        _ => {
            let mut found = Vec::new();
            json_diff(path, b, m, &mut found, &mut false);
            if !found.is_empty() {
                differs(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Wire {
        let request = serde_json::json!({
            "method": method, "url": url,
            "headers": headers.iter().map(|(k, v)| vec![*k, *v]).collect::<Vec<_>>(),
            "body": base64::engine::general_purpose::STANDARD.encode(body),
        });
        Wire::from_botocore(&request).unwrap()
    }

    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AK/20240501/us-east-1/sqs/aws4_request, \
                        SignedHeaders=host;x-amz-date, Signature=aa";

    #[test]
    fn equal_requests_compare_their_signatures() {
        let b = wire(
            "POST",
            "https://h/",
            &[("X-Amz-Date", "1"), ("Authorization", AUTH)],
            "{\"a\": 1}",
        );
        let m = |body: &str| {
            wire(
                "POST",
                "https://h:443/",
                &[("x-amz-date", "1"), ("authorization", AUTH), ("host", "h")],
                body,
            )
        };
        let c = compare_requests("json", b.clone(), m("{\"a\": 1}"));
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert!(c.signature_compared);
        // Equal in meaning, not in bytes: the payload hashes differ, so the
        // signatures are not compared.
        let c = compare_requests("json", b, m("{\"a\":1.0}"));
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert!(!c.signature_compared);
    }

    #[test]
    fn differences_are_root_causes_not_signatures() {
        let b = wire(
            "POST",
            "https://h/?x=1",
            &[("amz-sdk-request", "attempt=1"), ("Authorization", AUTH)],
            "Action=A&B=a+b",
        );
        let m = wire(
            "POST",
            "https://h/?x=2",
            &[("Authorization", &AUTH.replace("aa", "bb"))],
            "B=a%20b&Action=A",
        );
        let c = compare_requests("query", b, m);
        let keys: Vec<&str> = c.findings.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            vec!["query:x:differs", "header:amz-sdk-request:only-botocore"]
        );
        assert!(!c.signature_compared);
    }

    #[test]
    fn random_tokens_compare_by_shape() {
        let b = wire(
            "POST",
            "https://h/",
            &[],
            "{\"T\": \"33c671cb-60cd-42c2-8990-95f26fb13101\"}",
        );
        let m = wire(
            "POST",
            "https://h/",
            &[],
            "{\"T\": \"5e247a62-e7d7-4d07-ae35-10b62a8fc490\"}",
        );
        let c = compare_requests("json", b, m);
        assert!(c.findings.is_empty());
        assert!(
            !c.signature_compared,
            "random content is not signature-comparable"
        );
    }

    #[test]
    fn xml_bodies_compare_as_trees() {
        let b = wire(
            "PUT",
            "https://h/",
            &[],
            "<A xmlns=\"n\"><B>1</B><C>x</C></A>",
        );
        let m = wire(
            "PUT",
            "https://h/",
            &[],
            "<p:A xmlns:p=\"n\"><p:B>1</p:B></p:A>",
        );
        let c = compare_requests("rest-xml", b, m);
        let keys: Vec<&str> = c.findings.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, vec!["body:/A/C:only-botocore"]);
    }

    #[test]
    fn aws_chunked_is_unframed() {
        let b = wire(
            "PUT",
            "https://h/k",
            &[
                ("Content-Encoding", "aws-chunked"),
                ("X-Amz-Trailer", "x-amz-checksum-crc32"),
                ("X-Amz-Content-SHA256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ],
            "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
        );
        let m = wire(
            "PUT",
            "https://h/k",
            &[
                ("x-amz-checksum-crc32", "NhCmhg=="),
                ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            ],
            "hello",
        );
        let c = compare_requests("rest-xml", b, m);
        let keys: Vec<&str> = c.findings.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, vec!["framing:aws-chunked:only-botocore"]);
    }

    #[test]
    fn form_keys_generalize_list_positions() {
        assert_eq!(
            generalize_form_key("Tags.member.12.Key"),
            "Tags.member.N.Key"
        );
    }
}
