//! The rules-engine standard library and the AWS functions, as plain Rust
//! functions over already-evaluated arguments.
//!
//! The functions that decide which arguments to evaluate (`isSet`,
//! `coalesce`, `ite`) live in the evaluator; everything here is pure.

use std::borrow::Cow;

use super::url::looks_like_ipv4;
use super::val::Val;

/// True for an RFC 1123 host label (`[A-Za-z0-9-]{1,63}`, no leading or
/// trailing hyphen). With `allow_subdomains`, each dot-separated label must
/// be one.
pub(crate) fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        value.split('.').all(is_host_label)
    } else {
        is_host_label(value)
    }
}

fn is_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// True for a bucket name usable as a virtual-hosted-style host label: at
/// least 3 characters, lower case, not an IPv4 address, and a valid host
/// label (or labels, with `allow_subdomains`).
pub(crate) fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    value.len() >= 3
        && !value.bytes().any(|b| b.is_ascii_uppercase())
        && !looks_like_ipv4(value)
        && is_valid_host_label(value, allow_subdomains)
}

/// Percent-encodes every byte except the RFC 3986 unreserved characters.
pub(crate) fn uri_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// `value[start..stop]` (counted from the end with `reverse`); `None` when
/// the range is empty or out of bounds, or the string is not ASCII.
pub(crate) fn substring(value: &str, start: i64, stop: i64, reverse: bool) -> Option<String> {
    let len = value.len() as i64;
    if start < 0 || start >= stop || stop > len || !value.is_ascii() {
        return None;
    }
    let (from, to) = if reverse {
        (len - stop, len - start)
    } else {
        (start, stop)
    };
    // In bounds and on char boundaries: the string is ASCII.
    value.get(from as usize..to as usize).map(str::to_string)
}

/// Splits `value` on `delimiter` into at most `limit` parts (0 = no limit).
pub(crate) fn split(value: &str, delimiter: &str, limit: i64) -> Result<Vec<String>, String> {
    if delimiter.is_empty() {
        return Err("split: the delimiter must not be empty".into());
    }
    let parts: Vec<String> = match limit {
        0 => value.split(delimiter).map(str::to_string).collect(),
        n if n > 0 => value
            .splitn(usize::try_from(n).unwrap_or(usize::MAX), delimiter)
            .map(str::to_string)
            .collect(),
        n => return Err(format!("split: the limit must not be negative, got {n}")),
    };
    Ok(parts)
}

/// Parses `arn:partition:service:region:account:resource`; `None` unless
/// partition, service and resource are non-empty. `resourceId` is the
/// resource split on `:` and `/`.
pub(crate) fn parse_arn(value: &str) -> Option<Val> {
    let mut parts = value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id = resource
        .split([':', '/'])
        .map(|s| Val::Str(s.to_string()))
        .collect();
    Some(Val::record(vec![
        (Cow::Borrowed("partition"), Val::Str(partition.to_string())),
        (Cow::Borrowed("service"), Val::Str(service.to_string())),
        (Cow::Borrowed("region"), Val::Str(region.to_string())),
        (Cow::Borrowed("accountId"), Val::Str(account.to_string())),
        (Cow::Borrowed("resourceId"), Val::Array(resource_id)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("3aws4", false));
        assert!(!is_valid_host_label("part1.part2", false));
        assert!(is_valid_host_label("part1.part2", true));
        assert!(!is_valid_host_label("part1..part2", true));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("a b", false));
        assert!(!is_valid_host_label("-a", false));
        assert!(!is_valid_host_label("a-", false));
        assert!(!is_valid_host_label("a_b", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("é", false));
    }

    #[test]
    fn virtual_hostable_buckets() {
        assert!(is_virtual_hostable_s3_bucket("bucket-name", false));
        assert!(is_virtual_hostable_s3_bucket("bucket.name", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket.name", false));
        assert!(!is_virtual_hostable_s3_bucket("BucketName", false));
        assert!(!is_virtual_hostable_s3_bucket("aa", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.5.4", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket-.name", true));
        assert!(!is_virtual_hostable_s3_bucket(".bucket", true));
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(uri_encode("abc:defg"), "abc%3Adefg");
        assert_eq!(uri_encode("0.u_d-T~"), "0.u_d-T~");
        assert_eq!(uri_encode("a b/"), "a%20b%2F");
        assert_eq!(uri_encode("\u{1F639}"), "%F0%9F%98%B9");
        assert_eq!(uri_encode(""), "");
    }

    #[test]
    fn substrings() {
        assert_eq!(substring("abcdefg", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcdefg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(substring("defg", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abcd", 2, 2, false), None);
        assert_eq!(substring("abcd", -1, 2, false), None);
        assert_eq!(substring("abcdef\u{80}", 0, 4, false), None);
    }

    #[test]
    fn splitting() {
        assert_eq!(split("a--b--c", "--", 0).unwrap(), ["a", "b", "c"]);
        assert_eq!(split("a--b--c", "--", 2).unwrap(), ["a", "b--c"]);
        assert_eq!(split("a--b--c", "--", 1).unwrap(), ["a--b--c"]);
        assert_eq!(split("", "-", 0).unwrap(), [""]);
        assert!(split("a", "", 0).is_err());
        assert!(split("a", "-", -1).is_err());
    }

    #[test]
    fn arns() {
        let arn = parse_arn("arn:aws:s3:us-east-2:012345678:outpost:op-1234").unwrap();
        assert_eq!(arn.field("region"), Some(&Val::Str("us-east-2".into())));
        assert_eq!(arn.field("accountId"), Some(&Val::Str("012345678".into())));
        assert_eq!(
            arn.field("resourceId"),
            Some(&Val::Array(vec![
                Val::Str("outpost".into()),
                Val::Str("op-1234".into())
            ]))
        );
        let arn = parse_arn("arn:aws:s3:::a/b:c").unwrap();
        assert_eq!(
            arn.field("resourceId"),
            Some(&Val::Array(vec![
                Val::Str("a".into()),
                Val::Str("b".into()),
                Val::Str("c".into())
            ]))
        );
        for bad in [
            "asdf",
            "arn:aws:s3:us-west-2:123456789012:",
            "arn:aws::us-west-2:123456789012:resource-id",
            "arn::s3:us-west-2:123456789012:resource-id",
            "arn:aws:s3:us-west-2",
            "xarn:aws:s3:r:a:res",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }
}
