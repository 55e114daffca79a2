//! S3's handlers (botocore `handlers.py`): bucket-name validation, SSE-C
//! keys, `CopySource` quoting, ASCII metadata, `EncodingType=url` listings,
//! XML payload escaping, the raw `Expires` header, the bucket-less request
//! path and the endpoint built-ins of `GetBucketLocation` and ARNs.

use base64::Engine as _;
use md5::{Digest, Md5};

use super::super::values::{input_str, quote, set, slot, slot_mut, unquote};
use super::super::{Builtin, CallNotes, Context, Handler};
use crate::body::ByteStream;
use crate::endpoint::BuiltIns;
use crate::http::BufferedResponse;
use crate::protocol::SerializedRequest;
use crate::value::Value;

/// S3's handlers, in botocore's registration order.
pub(in super::super) static HANDLERS: &[Builtin] = &[
    Builtin {
        event: "before-parameter-build.s3",
        name: "validate_bucket_name",
        handler: Handler::Params(validate_bucket_name),
    },
    Builtin {
        event: "before-parameter-build.s3.ListObjects",
        name: "set_list_objects_encoding_type_url",
        handler: Handler::Params(set_list_objects_encoding_type_url),
    },
    Builtin {
        event: "before-parameter-build.s3.ListObjectsV2",
        name: "set_list_objects_encoding_type_url",
        handler: Handler::Params(set_list_objects_encoding_type_url),
    },
    Builtin {
        event: "before-parameter-build.s3.ListObjectVersions",
        name: "set_list_objects_encoding_type_url",
        handler: Handler::Params(set_list_objects_encoding_type_url),
    },
    Builtin {
        event: "before-parameter-build.s3.CopyObject",
        name: "handle_copy_source_param",
        handler: Handler::Params(handle_copy_source_param),
    },
    Builtin {
        event: "before-parameter-build.s3.UploadPartCopy",
        name: "handle_copy_source_param",
        handler: Handler::Params(handle_copy_source_param),
    },
    Builtin {
        event: "before-parameter-build.s3.CopyObject",
        name: "validate_ascii_metadata",
        handler: Handler::Params(validate_ascii_metadata),
    },
    Builtin {
        event: "before-parameter-build.s3.PutObject",
        name: "validate_ascii_metadata",
        handler: Handler::Params(validate_ascii_metadata),
    },
    Builtin {
        event: "before-parameter-build.s3.CreateMultipartUpload",
        name: "validate_ascii_metadata",
        handler: Handler::Params(validate_ascii_metadata),
    },
    Builtin {
        event: "before-endpoint-resolution.s3",
        name: "customize_endpoint_resolver_builtins",
        handler: Handler::Builtins(customize_endpoint_resolver_builtins),
    },
    Builtin {
        event: "before-call.s3.DeleteObjects",
        name: "escape_xml_payload",
        handler: Handler::Serialized(escape_xml_payload),
    },
    Builtin {
        event: "before-call.s3.PutBucketLifecycleConfiguration",
        name: "escape_xml_payload",
        handler: Handler::Serialized(escape_xml_payload),
    },
    Builtin {
        event: "after-call.s3.GetBucketLocation",
        name: "parse_get_bucket_location",
        handler: Handler::Json(location_constraint_always_present),
    },
    Builtin {
        event: "before-parse.s3",
        name: "handle_expires_header",
        handler: Handler::Response(handle_expires_header),
    },
    Builtin {
        event: "after-call.s3",
        name: "handle_expires_header",
        handler: Handler::Output(set_expires_string),
    },
    Builtin {
        event: "after-call.s3.ListObjects",
        name: "decode_list_object",
        handler: Handler::Output(decode_list_object),
    },
    Builtin {
        event: "after-call.s3.ListObjectsV2",
        name: "decode_list_object_v2",
        handler: Handler::Output(decode_list_object_v2),
    },
    Builtin {
        event: "after-call.s3.ListObjectVersions",
        name: "decode_list_object_versions",
        handler: Handler::Output(decode_list_object_versions),
    },
    // sse_md5 / copy_source_sse_md5, for the operations botocore lists.
    sse("HeadObject"),
    sse("GetObject"),
    sse("PutObject"),
    sse("CopyObject"),
    copy_source_sse("CopyObject"),
    sse("CreateMultipartUpload"),
    sse("UploadPart"),
    sse("UploadPartCopy"),
    copy_source_sse("UploadPartCopy"),
    sse("CompleteMultipartUpload"),
    sse("SelectObjectContent"),
];

/// The `sse_md5` registration for `operation`.
const fn sse(operation: &'static str) -> Builtin {
    Builtin {
        event: sse_event(operation),
        name: "sse_md5",
        handler: Handler::Params(sse_md5),
    }
}

/// The `copy_source_sse_md5` registration for `operation`.
const fn copy_source_sse(operation: &'static str) -> Builtin {
    Builtin {
        event: sse_event(operation),
        name: "copy_source_sse_md5",
        handler: Handler::Params(copy_source_sse_md5),
    }
}

/// `before-parameter-build.s3.<operation>` for the SSE registrations.
const fn sse_event(operation: &'static str) -> &'static str {
    match operation.as_bytes() {
        b"HeadObject" => "before-parameter-build.s3.HeadObject",
        b"GetObject" => "before-parameter-build.s3.GetObject",
        b"PutObject" => "before-parameter-build.s3.PutObject",
        b"CopyObject" => "before-parameter-build.s3.CopyObject",
        b"CreateMultipartUpload" => "before-parameter-build.s3.CreateMultipartUpload",
        b"UploadPart" => "before-parameter-build.s3.UploadPart",
        b"UploadPartCopy" => "before-parameter-build.s3.UploadPartCopy",
        b"CompleteMultipartUpload" => "before-parameter-build.s3.CompleteMultipartUpload",
        _ => "before-parameter-build.s3.SelectObjectContent",
    }
}

/// botocore's `VALID_BUCKET`: `^[a-zA-Z0-9.\-_]{1,255}$`.
fn is_valid_bucket_name(bucket: &str) -> bool {
    (1..=255).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// botocore's `VALID_S3_ARN`: an access point (S3 or Object Lambda) or an
/// Outposts access point ARN.
fn is_valid_s3_arn(bucket: &str) -> bool {
    let Some(rest) = bucket.strip_prefix("arn:aws") else {
        return false;
    };
    // `(aws).*:` lets the partition run on (aws-cn, aws-us-gov, ...).
    let Some(colon) = rest.find(':') else {
        return false;
    };
    let parts: Vec<&str> = rest[colon + 1..].splitn(4, ':').collect();
    let [service, region, account, resource] = parts[..] else {
        return false;
    };
    let region_ok = |r: &str, nonempty: bool| {
        (!nonempty || !r.is_empty())
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let name_ok = |n: &str, dots: bool| {
        (1..=63).contains(&n.len())
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || (dots && b == b'.'))
    };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !account_ok {
        return false;
    }
    let split = |s: &str| -> Vec<String> { s.split(['/', ':']).map(str::to_owned).collect() };
    match service {
        "s3" | "s3-object-lambda" if region_ok(region, false) => {
            let parts = split(resource);
            parts.len() == 2 && parts[0] == "accesspoint" && name_ok(&parts[1], true)
        }
        "s3-outposts" if region_ok(region, true) => {
            let parts = split(resource);
            parts.len() == 4
                && parts[0] == "outpost"
                && name_ok(&parts[1], false)
                && parts[2] == "accesspoint"
                && name_ok(&parts[3], false)
        }
        _ => false,
    }
}

/// Refuses a bucket name that is neither a valid name nor an access point
/// ARN before anything is sent (an empty one would turn `PutObject` into
/// the wire form of `CreateBucket`).
fn validate_bucket_name(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    let Some(bucket) = input_str(ctx.model, ctx.op.input, input, "Bucket") else {
        return Ok(());
    };
    if is_valid_bucket_name(bucket) || is_valid_s3_arn(bucket) {
        return Ok(());
    }
    Err(format!(
        "Invalid bucket name \"{bucket}\": Bucket name must match the regex \
         \"^[a-zA-Z0-9.\\-_]{{1,255}}$\" or be an ARN matching the regex of an S3 or \
         S3 Outposts access point ARN"
    ))
}

/// Asks for `EncodingType=url` when the caller did not choose one, so keys
/// with characters XML 1.0 cannot carry come back intact (decoded below).
fn set_list_objects_encoding_type_url(
    ctx: &Context<'_>,
    input: &mut Value,
    notes: &mut CallNotes,
) -> Result<(), String> {
    let Some(shape) = ctx.op.input else {
        return Ok(());
    };
    if slot(ctx.model, shape, input, "EncodingType").is_some() {
        return Ok(());
    }
    set(
        ctx.model,
        shape,
        input,
        "EncodingType",
        Value::String("url".into()),
    );
    notes.encoding_type_auto_set = true;
    Ok(())
}

/// botocore's `SAFE_CHARS` plus `/`.
const COPY_SOURCE_SAFE: &[u8] = b"-._~/";

/// Percent-encodes `CopySource` (`bucket/key`, with an optional
/// `?versionId=...` left as it is), as S3 requires.
fn handle_copy_source_param(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    let Some(shape) = ctx.op.input else {
        return Ok(());
    };
    let Some(Value::String(source)) = slot_mut(ctx.model, shape, input, "CopySource") else {
        return Ok(());
    };
    *source = quote_copy_source(source);
    Ok(())
}

/// botocore's `_quote_source_header`.
fn quote_copy_source(value: &str) -> String {
    match version_id_suffix(value) {
        Some(at) => format!("{}{}", quote(&value[..at], COPY_SOURCE_SAFE), &value[at..]),
        None => quote(value, COPY_SOURCE_SAFE),
    }
}

/// Where a trailing `?versionId=<non-space>` starts (botocore's
/// `VERSION_ID_SUFFIX`, `\?versionId=[^\s]+$`).
fn version_id_suffix(value: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(found) = value[search..].find("?versionId=") {
        let at = search + found;
        let id = &value[at + "?versionId=".len()..];
        if !id.is_empty() && !id.chars().any(char::is_whitespace) {
            return Some(at);
        }
        search = at + 1;
    }
    None
}

/// Refuses non-ASCII user metadata, which S3 cannot carry in headers.
fn validate_ascii_metadata(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    let Some(Value::Map(entries)) = ctx
        .op
        .input
        .and_then(|shape| slot(ctx.model, shape, input, "Metadata"))
    else {
        return Ok(());
    };
    for (key, value) in entries {
        let value = value.as_str().unwrap_or_default();
        if !key.is_ascii() || !value.is_ascii() {
            return Err(format!(
                "Non ascii characters found in S3 metadata for key \"{key}\", value: \"{value}\".  \
                 S3 metadata can only contain ASCII characters. "
            ));
        }
    }
    Ok(())
}

/// `SSECustomerKey`: sent base64-encoded with its base64 MD5, unless the
/// caller set the MD5 (then both are taken as given).
fn sse_md5(ctx: &Context<'_>, input: &mut Value, _: &mut CallNotes) -> Result<(), String> {
    encode_sse_key(ctx, input, "SSECustomerKey", "SSECustomerKeyMD5");
    Ok(())
}

/// The same for `CopySourceSSECustomerKey`.
fn copy_source_sse_md5(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    encode_sse_key(
        ctx,
        input,
        "CopySourceSSECustomerKey",
        "CopySourceSSECustomerKeyMD5",
    );
    Ok(())
}

/// botocore's `_sse_md5`: the key's UTF-8 bytes, base64-encoded, and the
/// base64 of their MD5.
fn encode_sse_key(ctx: &Context<'_>, input: &mut Value, key_member: &str, md5_member: &str) {
    let Some(shape) = ctx.op.input else {
        return;
    };
    if slot(ctx.model, shape, input, md5_member).is_some() {
        return;
    }
    let key: Vec<u8> = match slot(ctx.model, shape, input, key_member) {
        Some(Value::String(key)) => key.as_bytes().to_vec(),
        Some(Value::Blob(key)) => key.to_vec(),
        _ => return,
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let md5 = b64.encode(Md5::digest(&key));
    set(
        ctx.model,
        shape,
        input,
        key_member,
        Value::String(b64.encode(&key)),
    );
    set(ctx.model, shape, input, md5_member, Value::String(md5));
}

/// `GetBucketLocation` is always path-style (it may be called for a bucket
/// in any region); access point ARNs never are.
fn customize_endpoint_resolver_builtins(ctx: &Context<'_>, input: &Value, builtins: &mut BuiltIns) {
    if ctx.op.name == "GetBucketLocation" {
        builtins.force_path_style = true;
    } else if input_str(ctx.model, ctx.op.input, input, "Bucket")
        .is_some_and(|b| b.starts_with("arn:"))
    {
        builtins.force_path_style = false;
    }
}

/// Escapes CR and LF in the XML body so S3's parser keeps them (XML
/// normalizes raw line breaks).
fn escape_xml_payload(
    _: &Context<'_>,
    request: &mut SerializedRequest,
    _: Option<&ByteStream>,
) -> Result<(), String> {
    if !request.body.iter().any(|b| matches!(b, b'\r' | b'\n')) {
        return Ok(());
    }
    let mut escaped = Vec::with_capacity(request.body.len() + 16);
    for &b in request.body.iter() {
        match b {
            b'\r' => escaped.extend_from_slice(b"&#xD;"),
            b'\n' => escaped.extend_from_slice(b"&#xA;"),
            b => escaped.push(b),
        }
    }
    request.body = escaped.into();
    Ok(())
}

/// Keeps the raw `Expires` header for `ExpiresString`, and drops an
/// `Expires` that is not a timestamp (so the response still parses; the raw
/// value stays available).
fn handle_expires_header(
    ctx: &Context<'_>,
    response: &mut BufferedResponse,
    notes: &mut CallNotes,
) {
    let has_expires = ctx
        .op
        .output
        .is_some_and(|o| ctx.model.shape(o).member_index("Expires").is_some());
    if !has_expires {
        return;
    }
    let Some(raw) = response
        .head
        .headers
        .get("expires")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return;
    };
    if crate::time::DateTime::parse(&raw).is_none() {
        tracing::warn!("S3 sent an Expires header that is not a timestamp; it is in ExpiresString");
        response.head.headers.remove("expires");
    }
    notes.expires_string = Some(raw);
}

/// Sets `ExpiresString` from the raw header kept by
/// [`handle_expires_header`].
fn set_expires_string(ctx: &Context<'_>, notes: &CallNotes, output: &mut Value) {
    if let (Some(shape), Some(raw)) = (ctx.op.output, &notes.expires_string) {
        set(
            ctx.model,
            shape,
            output,
            "ExpiresString",
            Value::String(raw.clone()),
        );
    }
}

fn decode_list_object(ctx: &Context<'_>, notes: &CallNotes, output: &mut Value) {
    decode_listing(
        ctx,
        notes,
        output,
        &["Delimiter", "Marker", "NextMarker"],
        &[("Contents", "Key"), ("CommonPrefixes", "Prefix")],
    );
}

fn decode_list_object_v2(ctx: &Context<'_>, notes: &CallNotes, output: &mut Value) {
    decode_listing(
        ctx,
        notes,
        output,
        &["Delimiter", "Prefix", "StartAfter"],
        &[("Contents", "Key"), ("CommonPrefixes", "Prefix")],
    );
}

fn decode_list_object_versions(ctx: &Context<'_>, notes: &CallNotes, output: &mut Value) {
    decode_listing(
        ctx,
        notes,
        output,
        &["KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"],
        &[
            ("Versions", "Key"),
            ("DeleteMarkers", "Key"),
            ("CommonPrefixes", "Prefix"),
        ],
    );
}

/// botocore's `_decode_list_object`: when myaws asked for
/// `EncodingType=url` and S3 used it, the listed names are URL-decoded.
fn decode_listing(
    ctx: &Context<'_>,
    notes: &CallNotes,
    output: &mut Value,
    top: &[&str],
    nested: &[(&str, &str)],
) {
    let (model, Some(shape)) = (ctx.model, ctx.op.output) else {
        return;
    };
    let url = slot(model, shape, output, "EncodingType").and_then(Value::as_str) == Some("url");
    if !(url && notes.encoding_type_auto_set) {
        return;
    }
    for key in top {
        if let Some(Value::String(s)) = slot_mut(model, shape, output, key) {
            *s = unquote(s, true);
        }
    }
    for (list, child) in nested {
        let Some(list_member) = model.shape(shape).member_index(list) else {
            continue;
        };
        let Some(item_shape) = model
            .shape(model.shape(shape).members[list_member].target)
            .member
            .as_ref()
            .map(|m| m.target)
        else {
            continue;
        };
        if let Some(Value::List(items)) = slot_mut(model, shape, output, list) {
            for item in items {
                if let Some(Value::String(s)) = slot_mut(model, item_shape, item, child) {
                    *s = unquote(s, true);
                }
            }
        }
    }
}

/// botocore's `parse_get_bucket_location` always sets `LocationConstraint`,
/// `None` for buckets in us-east-1 (an empty element): boto3 code reads
/// `response["LocationConstraint"]`, so the dynamic path keeps the key.
fn location_constraint_always_present(_: &Context<'_>, output: &mut serde_json::Value) {
    if let Some(map) = output.as_object_mut() {
        map.entry("LocationConstraint")
            .or_insert(serde_json::Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_and_arns_as_botocore() {
        for ok in [
            "my-bucket",
            "My_Bucket.1",
            "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap",
            "arn:aws:s3:us-west-2:123456789012:accesspoint:my.ap",
            "arn:aws-cn:s3-object-lambda:cn-north-1:123456789012:accesspoint/olap",
            "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports",
        ] {
            assert!(is_valid_bucket_name(ok) || is_valid_s3_arn(ok), "{ok}");
        }
        for bad in [
            "",
            "has space",
            "a/b",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:us-west-2:12345:accesspoint/ap",
            "arn:aws:s3-outposts::123456789012:outpost/op/accesspoint/ap",
            &"x".repeat(256),
        ] {
            assert!(
                !(is_valid_bucket_name(bad) || is_valid_s3_arn(bad)),
                "{bad}"
            );
        }
    }

    #[test]
    fn copy_source_quoting_keeps_the_version_id() {
        assert_eq!(quote_copy_source("bucket/key"), "bucket/key");
        assert_eq!(
            quote_copy_source("bucket/ünïcode key+1?versionId=abc+def"),
            "bucket/%C3%BCn%C3%AFcode%20key%2B1?versionId=abc+def"
        );
        assert_eq!(
            quote_copy_source("bucket/a?versionId=has space"),
            "bucket/a%3FversionId%3Dhas%20space"
        );
    }
}
