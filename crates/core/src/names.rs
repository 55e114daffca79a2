//! Name transformations shared by the generator and the dynamic call path.

/// The names botocore's `xform_name` does not derive by rule (its
/// pre-populated `_xform_cache`).
const SPECIAL_CASES: &[(&str, &str)] = &[
    ("CreateCachediSCSIVolume", "create_cached_iscsi_volume"),
    (
        "DescribeCachediSCSIVolumes",
        "describe_cached_iscsi_volumes",
    ),
    (
        "DescribeStorediSCSIVolumes",
        "describe_stored_iscsi_volumes",
    ),
    ("CreateStorediSCSIVolume", "create_stored_iscsi_volume"),
    (
        "ListHITsForQualificationType",
        "list_hits_for_qualification_type",
    ),
    ("ExecutePartiQLStatement", "execute_partiql_statement"),
    ("ExecutePartiQLTransaction", "execute_partiql_transaction"),
    ("ExecutePartiQLBatch", "execute_partiql_batch"),
    ("CreateOAuth2Token", "create_oauth2_token"),
    ("CreateOAuth2TokenWithIAM", "create_oauth2_token_with_iam"),
    (
        "IntrospectOAuth2TokenWithIAM",
        "introspect_oauth2_token_with_iam",
    ),
    ("RevokeOAuth2TokenWithIAM", "revoke_oauth2_token_with_iam"),
    (
        "AssociateWhatsAppBusinessAccount",
        "associate_whatsapp_business_account",
    ),
    ("CreateWhatsAppDataset", "create_whatsapp_dataset"),
    ("CreateWhatsAppFlow", "create_whatsapp_flow"),
    (
        "CreateWhatsAppMessageTemplate",
        "create_whatsapp_message_template",
    ),
    (
        "CreateWhatsAppMessageTemplateFromLibrary",
        "create_whatsapp_message_template_from_library",
    ),
    (
        "CreateWhatsAppMessageTemplateMedia",
        "create_whatsapp_message_template_media",
    ),
    ("DeleteWhatsAppFlow", "delete_whatsapp_flow"),
    (
        "DeleteWhatsAppMessageMedia",
        "delete_whatsapp_message_media",
    ),
    (
        "DeleteWhatsAppMessageTemplate",
        "delete_whatsapp_message_template",
    ),
    ("DeprecateWhatsAppFlow", "deprecate_whatsapp_flow"),
    (
        "DisassociateWhatsAppBusinessAccount",
        "disassociate_whatsapp_business_account",
    ),
    (
        "GetLinkedWhatsAppBusinessAccount",
        "get_linked_whatsapp_business_account",
    ),
    (
        "GetLinkedWhatsAppBusinessAccountPhoneNumber",
        "get_linked_whatsapp_business_account_phone_number",
    ),
    ("GetOTelEnrichment", "get_otel_enrichment"),
    ("GetWhatsAppFlow", "get_whatsapp_flow"),
    ("GetWhatsAppFlowPreview", "get_whatsapp_flow_preview"),
    ("GetWhatsAppMessageMedia", "get_whatsapp_message_media"),
    (
        "GetWhatsAppMessageTemplate",
        "get_whatsapp_message_template",
    ),
    (
        "ListLinkedWhatsAppBusinessAccounts",
        "list_linked_whatsapp_business_accounts",
    ),
    ("ListWhatsAppFlowAssets", "list_whatsapp_flow_assets"),
    ("ListWhatsAppFlows", "list_whatsapp_flows"),
    (
        "ListWhatsAppMessageTemplates",
        "list_whatsapp_message_templates",
    ),
    (
        "ListWhatsAppTemplateLibrary",
        "list_whatsapp_template_library",
    ),
    ("PostWhatsAppMessageMedia", "post_whatsapp_message_media"),
    ("PublishWhatsAppFlow", "publish_whatsapp_flow"),
    (
        "PutWhatsAppBusinessAccountEventDestinations",
        "put_whatsapp_business_account_event_destinations",
    ),
    (
        "SendWhatsAppConversionEvent",
        "send_whatsapp_conversion_event",
    ),
    ("SendWhatsAppMessage", "send_whatsapp_message"),
    ("StartOTelEnrichment", "start_otel_enrichment"),
    ("StopOTelEnrichment", "stop_otel_enrichment"),
    ("UpdateWhatsAppFlow", "update_whatsapp_flow"),
    ("UpdateWhatsAppFlowAssets", "update_whatsapp_flow_assets"),
    (
        "UpdateWhatsAppMessageTemplate",
        "update_whatsapp_message_template",
    ),
];

/// Method names botocore also accepts for an operation (its
/// `getattr.<service>.<alias>` `ClientMethodAlias` handlers): (service
/// event name, alias, method name).
pub const METHOD_ALIASES: &[(&str, &str, &str)] = &[
    (
        "mturk",
        "list_hi_ts_for_qualification_type",
        "list_hits_for_qualification_type",
    ),
    (
        "socialmessaging",
        "delete_whatsapp_media_message",
        "delete_whatsapp_message_media",
    ),
    ("cloudwatch", "get_o_tel_enrichment", "get_otel_enrichment"),
    (
        "cloudwatch",
        "start_o_tel_enrichment",
        "start_otel_enrichment",
    ),
    (
        "cloudwatch",
        "stop_o_tel_enrichment",
        "stop_otel_enrichment",
    ),
    ("signin", "create_o_auth2_token", "create_oauth2_token"),
];

/// The method name `alias` stands for in the service called `service` in
/// events (botocore's `ClientMethodAlias`), if it is an alias.
pub fn method_alias(service: &str, alias: &str) -> Option<&'static str> {
    METHOD_ALIASES
        .iter()
        .find(|(s, a, _)| *s == service && *a == alias)
        .map(|(_, _, name)| *name)
}

/// botocore's `xform_name`: `MD5OfMessageBody` → `md5_of_message_body`,
/// `ListObjectsV2` → `list_objects_v2`, `DescribeDBInstances` →
/// `describe_db_instances`, with its special cases
/// (`CreateCachediSCSIVolume` → `create_cached_iscsi_volume`). A name that
/// already contains `_` is returned as it is.
pub fn xform_name(name: &str) -> String {
    if let Some((_, special)) = SPECIAL_CASES.iter().find(|(n, _)| *n == name) {
        return (*special).to_owned();
    }
    if name.contains('_') {
        return name.to_owned();
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
            ("CreateCachediSCSIVolume", "create_cached_iscsi_volume"),
            ("GetOTelEnrichment", "get_otel_enrichment"),
            ("CreateOAuth2Token", "create_oauth2_token"),
            ("ExecutePartiQLStatement", "execute_partiql_statement"),
            ("already_snake", "already_snake"),
            ("Mixed_Case", "Mixed_Case"),
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
