//! Glacier's handlers: the API version header, the default account id
//! (`-`, the caller's account), and the SHA-256 and tree-hash checksums of
//! uploaded archives and parts.

use http::header::{HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use super::super::values::{set, slot};
use super::super::{Builtin, CallNotes, Context, Handler};
use crate::body::ByteStream;
use crate::protocol::SerializedRequest;
use crate::signing::hex;
use crate::value::Value;

/// Glacier's handlers.
pub(in super::super) static HANDLERS: &[Builtin] = &[
    Builtin {
        event: "before-call.glacier",
        name: "add_glacier_version",
        handler: Handler::Serialized(add_glacier_version),
    },
    Builtin {
        event: "before-call.glacier.UploadArchive",
        name: "add_glacier_checksums",
        handler: Handler::Serialized(add_glacier_checksums),
    },
    Builtin {
        event: "before-call.glacier.UploadMultipartPart",
        name: "add_glacier_checksums",
        handler: Handler::Serialized(add_glacier_checksums),
    },
    Builtin {
        event: "before-parameter-build.glacier",
        name: "inject_account_id",
        handler: Handler::Params(inject_account_id),
    },
];

/// `x-amz-glacier-version: <apiVersion>`.
fn add_glacier_version(
    ctx: &Context<'_>,
    request: &mut SerializedRequest,
    _: Option<&ByteStream>,
) -> Result<(), String> {
    let value = HeaderValue::try_from(ctx.model.metadata.api_version.as_str())
        .map_err(|e| e.to_string())?;
    request
        .headers
        .insert(HeaderName::from_static("x-amz-glacier-version"), value);
    Ok(())
}

/// `accountId` defaults to `-` (the account of the credentials).
fn inject_account_id(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    let Some(shape) = ctx.op.input else {
        return Ok(());
    };
    if slot(ctx.model, shape, input, "accountId").is_none() {
        set(
            ctx.model,
            shape,
            input,
            "accountId",
            Value::String("-".into()),
        );
    }
    Ok(())
}

/// One MiB, the leaf size of Glacier's tree hash.
const TREE_LEAF: usize = 1 << 20;

/// `x-amz-content-sha256` and `x-amz-sha256-tree-hash` of the body, unless
/// given. The body must be in memory (bytes); a file or stream body needs
/// both headers set by the caller (`checksum` and a computed SHA-256).
fn add_glacier_checksums(
    _: &Context<'_>,
    request: &mut SerializedRequest,
    payload: Option<&ByteStream>,
) -> Result<(), String> {
    let has = |name: &str| request.headers.contains_key(name);
    if has("x-amz-content-sha256") && has("x-amz-sha256-tree-hash") {
        return Ok(());
    }
    let body = match payload {
        None => request.body.clone(),
        Some(stream) => stream.as_bytes().cloned().ok_or(
            "Glacier needs the SHA-256 and tree hash of the body: give the archive as bytes, \
             or set `checksum` and the x-amz-content-sha256 header yourself",
        )?,
    };
    let mut insert = |name: &'static str, value: String| -> Result<(), String> {
        if !request.headers.contains_key(name) {
            let value = HeaderValue::try_from(value).map_err(|e| e.to_string())?;
            request.headers.insert(HeaderName::from_static(name), value);
        }
        Ok(())
    };
    insert("x-amz-content-sha256", hex(&Sha256::digest(&body)))?;
    insert("x-amz-sha256-tree-hash", tree_hash(&body))
}

/// Glacier's SHA-256 tree hash (botocore's `calculate_tree_hash`): SHA-256
/// of each 1 MiB leaf, then of concatenated pairs, level by level.
pub(crate) fn tree_hash(body: &[u8]) -> String {
    let mut level: Vec<Vec<u8>> = if body.is_empty() {
        vec![Sha256::digest(b"").to_vec()]
    } else {
        body.chunks(TREE_LEAF)
            .map(|c| Sha256::digest(c).to_vec())
            .collect()
    };
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => {
                    let mut h = Sha256::new();
                    h.update(a);
                    h.update(b);
                    h.finalize().to_vec()
                }
                [a] => a.clone(),
                _ => Vec::new(),
            })
            .collect();
    }
    hex(&level[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_hash_of_small_and_multi_leaf_bodies() {
        // One leaf: the plain SHA-256.
        assert_eq!(tree_hash(b"foo"), hex(&Sha256::digest(b"foo")));
        // Three leaves: ((h0 h1) h2).
        let body = vec![b'a'; 2 * TREE_LEAF + 5];
        let leaves: Vec<Vec<u8>> = body
            .chunks(TREE_LEAF)
            .map(|c| Sha256::digest(c).to_vec())
            .collect();
        let mut h = Sha256::new();
        h.update(&leaves[0]);
        h.update(&leaves[1]);
        let left = h.finalize().to_vec();
        let mut h = Sha256::new();
        h.update(&left);
        h.update(&leaves[2]);
        assert_eq!(tree_hash(&body), hex(&h.finalize()));
    }
}
