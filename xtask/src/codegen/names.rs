//! Rust names for model names: botocore's `xform_name` for snake_case, and
//! safe type and enum variant names.

/// Rust keywords that need a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NON_RAW: &[&str] = &["self", "Self", "super", "crate", "extern"];

/// Type names the generated code uses unqualified; shapes with these names are
/// renamed with a `Shape` suffix.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "Box", "String", "Some", "None", "Ok", "Err", "Self", "Value",
    "HashMap", "Client",
];

/// botocore's `xform_name`: `MD5OfMessageBody` → `md5_of_message_body`,
/// `ListObjectsV2` → `list_objects_v2`, `DescribeDBInstances` → `describe_db_instances`.
pub fn xform_name(name: &str) -> String {
    if name.contains('_') {
        return name.to_ascii_lowercase();
    }
    let chars: Vec<char> = name.chars().collect();
    // Special case: a trailing run of 2+ capitals followed by `s` (ARNs, ACLs).
    let mut base: Vec<char> = chars.clone();
    if chars.len() >= 3 && *chars.last().unwrap() == 's' {
        let mut i = chars.len() - 1;
        while i > 0 && chars[i - 1].is_ascii_uppercase() {
            i -= 1;
        }
        if chars.len() - 1 - i >= 2 {
            let mut s: Vec<char> = chars[..i].to_vec();
            s.push('_');
            s.extend(chars[i..].iter().map(|c| c.to_ascii_lowercase()));
            base = s;
        }
    }
    // (.)([A-Z][a-z]+) → \1_\2, non-overlapping, left to right.
    let mut s1: Vec<char> = Vec::with_capacity(base.len() + 8);
    let mut i = 0;
    while i < base.len() {
        if i + 2 < base.len()
            && base[i + 1].is_ascii_uppercase()
            && base[i + 2].is_ascii_lowercase()
        {
            let mut j = i + 2;
            while j < base.len() && base[j].is_ascii_lowercase() {
                j += 1;
            }
            s1.push(base[i]);
            s1.push('_');
            s1.extend_from_slice(&base[i + 1..j]);
            i = j;
        } else {
            s1.push(base[i]);
            i += 1;
        }
    }
    // ([a-z0-9])([A-Z]) → \1_\2
    let mut out = String::with_capacity(s1.len() + 8);
    let mut i = 0;
    while i < s1.len() {
        out.push(s1[i]);
        if i + 1 < s1.len()
            && (s1[i].is_ascii_lowercase() || s1[i].is_ascii_digit())
            && s1[i + 1].is_ascii_uppercase()
        {
            out.push('_');
            out.push(s1[i + 1]);
            i += 2;
            continue;
        }
        i += 1;
    }
    out.to_ascii_lowercase()
}

/// A field, method or module name: snake_case, made a valid identifier.
pub fn snake_ident(name: &str) -> String {
    let mut s: String = xform_name(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// Adds `r#` or a trailing `_` to keywords.
pub fn escape_keyword(s: String) -> String {
    if NON_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// A type name for a shape name.
pub fn type_name(shape: &str) -> String {
    let mut s: String = shape
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if let Some(first) = s.get(0..1) {
        let upper = first.to_ascii_uppercase();
        s.replace_range(0..1, &upper);
    }
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Shape");
    }
    s
}

/// An enum variant name for a wire value: `us-east-1` → `UsEast1`, `ALL` → `All`.
pub fn variant_name(value: &str) -> String {
    let mut out = String::new();
    for word in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let all_upper = word.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_upper {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Unknown" || out == "Self_" || out == "Self" {
        out.push_str("Value");
    }
    out
}

/// Makes `name` unique among `used` by appending a number.
pub fn dedupe(name: String, used: &mut std::collections::HashSet<String>) -> String {
    if used.insert(name.clone()) {
        return name;
    }
    let mut n = 2;
    loop {
        let candidate = match name.strip_prefix("r#") {
            Some(bare) => format!("{bare}_{n}"),
            None => format!("{name}{n}"),
        };
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_botocore_xform_name() {
        for (input, want) in [
            ("SendMessage", "send_message"),
            ("QueueUrl", "queue_url"),
            ("MD5OfMessageBody", "md5_of_message_body"),
            ("ListObjectsV2", "list_objects_v2"),
            ("DescribeDBInstances", "describe_db_instances"),
            ("CreateCachediSCSIVolume", "create_cachedi_scsi_volume"),
            ("ListIAMRoles", "list_iam_roles"),
            (
                "ListAccessPointsForObjectLambda",
                "list_access_points_for_object_lambda",
            ),
            ("GetBucketACLs", "get_bucket_acls"),
            ("SSEKMSKeyId", "ssekms_key_id"),
            ("ETag", "e_tag"),
            ("already_snake", "already_snake"),
        ] {
            assert_eq!(xform_name(input), want, "{input}");
        }
    }

    #[test]
    fn escapes_keywords() {
        assert_eq!(snake_ident("Type"), "r#type");
        assert_eq!(snake_ident("Self"), "self_");
        assert_eq!(snake_ident("3Way"), "_3_way");
    }

    #[test]
    fn makes_variant_names() {
        assert_eq!(variant_name("us-east-1"), "UsEast1");
        assert_eq!(variant_name("ALL"), "All");
        assert_eq!(variant_name("SentTimestamp"), "SentTimestamp");
        assert_eq!(variant_name("t2.micro"), "T2Micro");
        assert_eq!(variant_name("1.0"), "V10");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("UNKNOWN"), "UnknownValue");
    }
}
