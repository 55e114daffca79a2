//! An independent SigV4 verifier for the tests' servers: given a recorded
//! request and the secret key it should have been signed with, rebuilds the
//! canonical request from the `SignedHeaders` the request names and checks
//! the signature. Written from the SigV4 specification, sharing no code
//! with myaws's signer. For SigV4a (`AWS4-ECDSA-P256-SHA256`) it rebuilds
//! the string to sign ([`string_to_sign`]); checking the ECDSA signature is
//! up to the caller (myaws-core's SigV4a tests, which include this file).

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::test_server::Recorded;

/// What the `Authorization` header of a SigV4 request says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id.
    pub access_key_id: String,
    /// `DATE/REGION/SERVICE/aws4_request`.
    pub scope: String,
    /// The signed header names.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

/// The algorithm names of SigV4 and SigV4a.
const ALGORITHMS: [&str; 2] = ["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"];

/// Parses a SigV4 or SigV4a `Authorization` header.
pub fn authorization(request: &Recorded) -> Result<Authorization, String> {
    let header = request
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = ALGORITHMS
        .iter()
        .find_map(|a| header.strip_prefix(a)?.strip_prefix(' '))
        .ok_or_else(|| format!("not SigV4: {header}"))?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or("bad Authorization part")?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let credential = credential.ok_or("no Credential")?;
    let (key, scope) = credential.split_once('/').ok_or("bad Credential")?;
    Ok(Authorization {
        access_key_id: key.to_owned(),
        scope: scope.to_owned(),
        signed_headers: signed
            .ok_or("no SignedHeaders")?
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: signature.ok_or("no Signature")?.to_owned(),
    })
}

/// The algorithm, `Authorization` and string to sign of a recorded request,
/// rebuilt from the headers it says it signed. `s3` selects S3's rules (the
/// path is used as sent, not encoded again).
pub fn string_to_sign(
    request: &Recorded,
    s3: bool,
) -> Result<(&'static str, Authorization, String), String> {
    let auth = authorization(request)?;
    let header = request.header("authorization").unwrap_or_default();
    let algorithm = ALGORITHMS
        .into_iter()
        .find(|a| header.starts_with(a))
        .unwrap_or(ALGORITHMS[0]);
    let amz_date = request.header("x-amz-date").ok_or("no x-amz-date")?;
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let canonical_path = if s3 {
        path.to_owned()
    } else {
        path.replace('%', "%25")
    };
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    params.sort();
    let canonical_query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut canonical_headers = String::new();
    for name in &auth.signed_headers {
        let values: Vec<String> = request
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if values.is_empty() {
            return Err(format!("signed header {name} is missing"));
        }
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload_hash = match request.header("x-amz-content-sha256") {
        Some(hash) => hash.to_owned(),
        None => hex(&Sha256::digest(&request.body)),
    };
    let canonical = format!(
        "{}\n{canonical_path}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
        request.method,
        canonical_query.join("&"),
        auth.signed_headers.join(";")
    );
    let string_to_sign = format!(
        "{algorithm}\n{amz_date}\n{}\n{}",
        auth.scope,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    Ok((algorithm, auth, string_to_sign))
}

/// Checks the request's SigV4 signature against `secret`. `s3` selects S3's
/// rules (the path is used as sent, not encoded again).
pub fn verify(request: &Recorded, secret: &str, s3: bool) -> Result<Authorization, String> {
    let (algorithm, auth, string_to_sign) = string_to_sign(request, s3)?;
    if algorithm != ALGORITHMS[0] {
        return Err(format!("{algorithm} is not SigV4"));
    }
    let mut parts = auth.scope.split('/');
    let (date, region, service) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let expected = hex(&hmac(&key, string_to_sign.as_bytes()));
    if expected == auth.signature {
        Ok(auth)
    } else {
        Err(format!(
            "signature mismatch for {}: string to sign was\n{string_to_sign}",
            request.target
        ))
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
