//! Resume tokens in botocore's format.
//!
//! A resume token is the base64 of Python's `json.dumps` of an object that
//! maps each input token name to its value (in the paginator's order), plus
//! `truncate_amount` when the last page was cut short by `max_items`. Tokens
//! botocore writes for byte values (`boto_encoded_keys`) decode too: their
//! values are already base64 strings, which is how myaws's JSON carries blobs.
//! A starting token that is not such a token is read as botocore reads it:
//! the old `a___b___3` form, or else the service's own token for the first
//! input token.

use base64::Engine as _;
use serde_json::{Map, Value as Json};

/// The key holding the number of items of the primary result key already
/// returned from the page the token points at.
pub const TRUNCATE_AMOUNT: &str = "truncate_amount";

/// The key botocore adds for values that were bytes.
const ENCODED_KEYS: &str = "boto_encoded_keys";

/// Encodes input tokens (and a truncate amount) as a resume token.
pub fn encode(tokens: &[(String, Json)], truncate_amount: Option<u64>) -> String {
    let mut text = String::from("{");
    let mut first = true;
    let extra = truncate_amount.map(|n| (TRUNCATE_AMOUNT.to_string(), Json::from(n)));
    for (key, value) in tokens.iter().chain(extra.as_ref()) {
        if !first {
            text.push_str(", ");
        }
        first = false;
        crate::python_json::write_string(&mut text, key);
        text.push_str(": ");
        crate::python_json::write(&mut text, value);
    }
    text.push('}');
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// A decoded starting token: the input tokens and how many items of the
/// first page to skip.
#[derive(Debug, Clone, PartialEq)]
pub struct StartingToken {
    /// Input token name → value (`null` for none).
    pub tokens: Vec<(String, Json)>,
    /// Items of the primary result key to skip on the first page.
    pub truncate_amount: u64,
}

/// Decodes a starting token for a paginator with `input_tokens`.
pub fn decode(token: &str, input_tokens: &[String]) -> Result<StartingToken, String> {
    match decode_new_style(token) {
        Some(mut map) => {
            let truncate_amount = match map.remove(TRUNCATE_AMOUNT) {
                None => 0,
                Some(n) => n
                    .as_u64()
                    .ok_or_else(|| format!("{token} (truncate_amount is not a count)"))?,
            };
            map.remove(ENCODED_KEYS);
            // Keep the paginator's order; keys it does not know still go
            // to the request, as botocore sends them.
            let mut tokens: Vec<(String, Json)> = input_tokens
                .iter()
                .filter_map(|k| map.remove(k).map(|v| (k.clone(), v)))
                .collect();
            tokens.extend(map);
            Ok(StartingToken {
                tokens,
                truncate_amount,
            })
        }
        None => decode_old_style(token, input_tokens),
    }
}

fn decode_new_style(token: &str) -> Option<Map<String, Json>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Json::Object(map) => Some(map),
        _ => None,
    }
}

/// botocore's deprecated form: parts joined by `___`, `None` for a missing
/// token, optionally a final truncate amount; anything else is the service's
/// token for the first input token.
fn decode_old_style(token: &str, input_tokens: &[String]) -> Result<StartingToken, String> {
    let mut parts: Vec<&str> = token.split("___").collect();
    let mut truncate_amount = 0;
    if parts.len() == input_tokens.len() + 1 {
        match parts.last().and_then(|p| p.parse::<u64>().ok()) {
            Some(n) => {
                truncate_amount = n;
                parts.pop();
            }
            None => parts = vec![token],
        }
    }
    if parts.len() > input_tokens.len() {
        return Err(token.to_string());
    }
    let tokens = input_tokens
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = match parts.get(i) {
                None | Some(&"None") => Json::Null,
                Some(p) => Json::String((*p).to_string()),
            };
            (name.clone(), value)
        })
        .collect();
    Ok(StartingToken {
        tokens,
        truncate_amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn encodes_like_python_json_dumps() {
        let t = encode(&[("Marker".into(), json!("abc"))], None);
        assert_eq!(t, b64(r#"{"Marker": "abc"}"#));
        let t = encode(
            &[
                ("KeyMarker".into(), json!("k")),
                ("UploadIdMarker".into(), Json::Null),
            ],
            Some(3),
        );
        assert_eq!(
            t,
            b64(r#"{"KeyMarker": "k", "UploadIdMarker": null, "truncate_amount": 3}"#)
        );
        let t = encode(&[("K".into(), json!({"S": ["é\"\n", 1, true]}))], None);
        assert_eq!(t, b64(r#"{"K": {"S": ["\u00e9\"\n", 1, true]}}"#));
        let t = encode(&[("K".into(), json!("\u{1F600}\u{7f}"))], None);
        assert_eq!(t, b64(r#"{"K": "\ud83d\ude00\u007f"}"#));
    }

    #[test]
    fn decodes_what_it_encodes() {
        let names = vec!["KeyMarker".to_string(), "VersionIdMarker".to_string()];
        let tokens = vec![
            ("KeyMarker".to_string(), json!("key/é")),
            ("VersionIdMarker".to_string(), json!("v1")),
        ];
        let got = decode(&encode(&tokens, Some(7)), &names).unwrap();
        assert_eq!(got.tokens, tokens);
        assert_eq!(got.truncate_amount, 7);
    }

    #[test]
    fn decodes_botocore_byte_tokens() {
        let token = b64(
            r#"{"ExclusiveStartKey": {"id": {"B": "AAE="}}, "boto_encoded_keys": [["ExclusiveStartKey", "id", "B"]]}"#,
        );
        let got = decode(&token, &["ExclusiveStartKey".to_string()]).unwrap();
        assert_eq!(
            got.tokens,
            vec![(
                "ExclusiveStartKey".to_string(),
                json!({"id": {"B": "AAE="}})
            )]
        );
        assert_eq!(got.truncate_amount, 0);
    }

    #[test]
    fn falls_back_to_old_style_and_raw_tokens() {
        let names = vec!["A".to_string(), "B".to_string()];
        let got = decode("x___None___4", &names).unwrap();
        assert_eq!(
            got.tokens,
            vec![("A".into(), json!("x")), ("B".into(), Json::Null)]
        );
        assert_eq!(got.truncate_amount, 4);
        // A service token is the first input token.
        let got = decode("opaque-service-token", &["NextToken".to_string()]).unwrap();
        assert_eq!(
            got.tokens,
            vec![("NextToken".into(), json!("opaque-service-token"))]
        );
        // Three parts where the last is not a number: one opaque token.
        let got = decode("a___b___c", &names).unwrap();
        assert_eq!(got.tokens[0].1, json!("a___b___c"));
        assert_eq!(got.tokens[1].1, Json::Null);
        // Too many parts for the paginator.
        assert!(decode("a___b___c___d", &names).is_err());
        // A new-style token with a bad truncate amount.
        assert!(decode(&b64(r#"{"A": "x", "truncate_amount": "many"}"#), &names).is_err());
    }
}
