//! Name transformations shared by the generator and the dynamic call path.

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

#[cfg(test)]
mod tests {
    use super::xform_name;

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
            ("GetBucketACLs", "get_bucket_acls"),
            ("SSEKMSKeyId", "ssekms_key_id"),
            ("ETag", "e_tag"),
            ("already_snake", "already_snake"),
        ] {
            assert_eq!(xform_name(input), want, "{input}");
        }
    }
}
