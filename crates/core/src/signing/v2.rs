//! Signature Version 2 (`HmacSHA256`), botocore's `SigV2Auth`: the legacy
//! signature of the query-protocol services whose model says
//! `signatureVersion: v2` and whose endpoint rules name no other scheme
//! (SimpleDB).
//!
//! The signature is a form parameter, not a header: `AWSAccessKeyId`,
//! `SignatureVersion=2`, `SignatureMethod=HmacSHA256`, `Timestamp` and
//! (with a session token) `SecurityToken` are set among the request's
//! parameters (the form body, or the query string of a request without a
//! body), then `Signature`: the base64 HMAC-SHA256, keyed with the secret
//! key, of
//!
//! ```text
//! METHOD\nhost[:port]\n/path\nk1=v1&k2=v2...
//! ```
//!
//! where the pairs are every parameter but `Signature`, sorted by name,
//! both sides URI-encoded (every byte but `A-Z a-z 0-9 - . _ ~`).

use std::time::SystemTime;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_LENGTH};
use http::{Request, Uri};

use super::date::Stamp;
use super::encoding::{encode_into, form_decode};
use crate::credentials::Credentials;
use crate::protocol::ser::text::form_encode;

/// The parameter that carries the signature (never signed itself).
const SIGNATURE: &str = "Signature";

/// Signs `request` with SigV2 at `time`: the authentication parameters go
/// into its form body (its query string when the body is empty), whose
/// `Content-Length` follows.
pub(crate) fn sign(
    request: &mut Request<Bytes>,
    credentials: &Credentials,
    time: SystemTime,
) -> Result<(), String> {
    let in_body = !request.body().is_empty();
    let raw = if in_body {
        std::str::from_utf8(request.body())
            .map_err(|_| "a SigV2 request body must be form-encoded text".to_owned())?
    } else {
        request.uri().query().unwrap_or("")
    };
    let mut params = Params::parse(raw);
    params.set("AWSAccessKeyId", credentials.access_key_id());
    params.set("SignatureVersion", "2");
    params.set("SignatureMethod", "HmacSHA256");
    params.set("Timestamp", &Stamp::new(time)?.iso8601());
    if let Some(token) = credentials.session_token() {
        params.set("SecurityToken", token);
    }
    let to_sign = string_to_sign(request.method().as_str(), request.uri(), &params);
    let signature = signature(credentials.secret_access_key(), &to_sign);
    params.set(SIGNATURE, &signature);
    let encoded = params.form_encoded();
    if in_body {
        *request
            .headers_mut()
            .entry(CONTENT_LENGTH)
            .or_insert(HeaderValue::from(0)) = HeaderValue::from(encoded.len());
        *request.body_mut() = Bytes::from(encoded);
    } else {
        *request.uri_mut() = with_query(request.uri(), &encoded)?;
    }
    Ok(())
}

/// The request's parameters, decoded, in order; setting an existing name
/// replaces its value in place (botocore keeps them in a dict).
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    /// The pairs of a form-encoded string (`a=1&b=2`).
    fn parse(raw: &str) -> Params {
        let pairs = raw
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (
                    form_decode(name).into_owned(),
                    form_decode(value).into_owned(),
                )
            })
            .collect();
        Params(pairs)
    }

    fn set(&mut self, name: &str, value: &str) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(pair) => value.clone_into(&mut pair.1),
            None => self.0.push((name.to_owned(), value.to_owned())),
        }
    }

    /// Every pair but `Signature`, sorted by name, URI-encoded.
    fn canonical(&self) -> String {
        let mut pairs: Vec<&(String, String)> = self
            .0
            .iter()
            .filter(|(name, _)| name != SIGNATURE)
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::new();
        for (i, (name, value)) in pairs.into_iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            encode_into(&mut out, name, false);
            out.push('=');
            encode_into(&mut out, value, false);
        }
        out
    }

    /// The pairs in order, form-encoded as Python's `urlencode` writes them.
    fn form_encoded(&self) -> String {
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
            .collect();
        pairs.join("&")
    }
}

/// `METHOD\nhost\npath\ncanonical-pairs`; the host keeps an explicit port,
/// an empty path is `/`.
fn string_to_sign(method: &str, uri: &Uri, params: &Params) -> String {
    let host = uri.authority().map_or("", |a| a.as_str());
    let path = match uri.path() {
        "" => "/",
        path => path,
    };
    format!("{method}\n{host}\n{path}\n{}", params.canonical())
}

/// The base64 HMAC-SHA256 of `text` keyed with `secret`.
fn signature(secret: &str, text: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, text.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// `uri` with its query string replaced by `query`.
fn with_query(uri: &Uri, query: &str) -> Result<Uri, String> {
    let path_and_query = format!("{}?{query}", uri.path());
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().map_err(|e| format!("{e}"))?);
    Uri::from_parts(parts).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new("AKID", "SECRET", token.map(str::to_owned), None)
    }

    fn time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_714_566_896)
    }

    fn post(body: &'static str) -> Request<Bytes> {
        Request::post("https://sdb.amazonaws.com/")
            .header(CONTENT_LENGTH, body.len())
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    /// botocore 1.43.67's `SigV2Auth` on the same request, time and
    /// credentials (`Timestamp` frozen at 2024-05-01T12:34:56Z).
    #[test]
    fn signs_a_form_body_as_botocore() {
        let mut request =
            post("Action=Select&Version=2009-04-15&SelectExpression=select+%2A+from+x");
        sign(&mut request, &creds(Some("TOK")), time()).unwrap();
        let body = std::str::from_utf8(request.body()).unwrap();
        assert_eq!(
            body,
            "Action=Select&Version=2009-04-15&SelectExpression=select+%2A+from+x\
             &AWSAccessKeyId=AKID&SignatureVersion=2&SignatureMethod=HmacSHA256\
             &Timestamp=2024-05-01T12%3A34%3A56Z&SecurityToken=TOK\
             &Signature=IlMd1mKFVGZu5mSyIOWuFEFkZc7UOTXVSQPDX6lgCWc%3D"
        );
        assert_eq!(
            request.headers()[CONTENT_LENGTH],
            body.len().to_string().as_str()
        );
        assert!(request.headers().get("authorization").is_none());
    }

    #[test]
    fn the_string_to_sign_sorts_and_encodes_every_pair_but_the_signature() {
        let mut params = Params::parse("b=x+y&a=%C3%A9%2F~&Signature=old");
        params.set("c", "1:2");
        let uri: Uri = "https://host.example:8443".parse().unwrap();
        assert_eq!(
            string_to_sign("POST", &uri, &params),
            "POST\nhost.example:8443\n/\na=%C3%A9%2F~&b=x%20y&c=1%3A2"
        );
    }

    #[test]
    fn a_request_without_a_body_is_signed_in_its_query_string() {
        let mut request = Request::get("https://sdb.amazonaws.com/?Action=ListDomains")
            .body(Bytes::new())
            .unwrap();
        sign(&mut request, &creds(None), time()).unwrap();
        // botocore's URL for the same request.
        assert_eq!(
            request.uri().query().unwrap(),
            "Action=ListDomains&AWSAccessKeyId=AKID&SignatureVersion=2\
             &SignatureMethod=HmacSHA256&Timestamp=2024-05-01T12%3A34%3A56Z\
             &Signature=PgBlQnF9SwJsLh7%2FWv81NHTOdUqOmBmNfJkn%2FNRDUqs%3D"
        );
        assert!(request.body().is_empty());
    }

    #[test]
    fn signing_again_replaces_the_previous_parameters() {
        let mut request = post("Action=ListDomains&Version=2009-04-15");
        sign(&mut request, &creds(None), time()).unwrap();
        let once = request.body().clone();
        sign(&mut request, &creds(None), time()).unwrap();
        assert_eq!(request.body(), &once);
    }
}
