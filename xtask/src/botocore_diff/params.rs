//! Deterministic operation parameters generated from the raw botocore model
//! (`models/<svc>/service-2.json`, which keeps `min`, `max`, `enum`,
//! `pattern`, `idempotencyToken` and the endpoint-binding traits).
//!
//! Three sets per operation, in the JSON form `call_json` takes (blobs as
//! base64, timestamps as ISO 8601 strings):
//!
//! * [`ParamSet::Required`]: the required members only, recursively, with
//!   plain values; idempotency tokens are left out (both SDKs fill a uuid4);
//! * [`ParamSet::Rich`]: every member to a bounded depth, two items per list
//!   and map, strings with characters that need escaping and non-ASCII
//!   (ASCII only where the member is an HTTP header), timestamps with
//!   milliseconds, binary blobs, explicit idempotency tokens (but not the
//!   `…KeyMD5` of SSE-C keys, which botocore computes only when absent);
//! * [`ParamSet::Empty`]: every member with its empty value where the model
//!   allows one (`""`, `[]`, `{}`, `0`, `false`, the epoch).
//!
//! Members that feed the endpoint rules or the host (`contextParam`,
//! `hostLabel`) always get plain, valid values, so the sets exercise
//! serialization rather than endpoint validation: an ARN member bound to
//! a parameter the rules parse as an ARN gets one they accept (see
//! [`Generator::with_endpoint_rules`]).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{json, Map, Value as Json};

use crate::smoke::plausible;

/// Which parameter set to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamSet {
    /// Required members only.
    Required,
    /// Every member.
    Rich,
    /// Empty values where allowed.
    Empty,
    /// Required members, with host-bound members (bucket names, account
    /// ids) that are not valid host labels: both sides should refuse.
    BadLabels,
    /// Required members plus every header member, with non-ASCII (latin-1)
    /// text in the header values.
    HeaderLatin1,
    /// Required members with an S3 access point ARN as the bucket.
    BucketArn,
}

impl ParamSet {
    /// Every set, in the order cases are run.
    pub const ALL: [ParamSet; 6] = [
        ParamSet::Required,
        ParamSet::Rich,
        ParamSet::Empty,
        ParamSet::BadLabels,
        ParamSet::HeaderLatin1,
        ParamSet::BucketArn,
    ];

    /// Short name used in case ids.
    pub fn name(self) -> &'static str {
        match self {
            ParamSet::Required => "required",
            ParamSet::Rich => "rich",
            ParamSet::Empty => "empty",
            ParamSet::BadLabels => "bad-labels",
            ParamSet::HeaderLatin1 => "header-latin1",
            ParamSet::BucketArn => "bucket-arn",
        }
    }

    /// The set whose counts and plain values this one uses.
    fn base(self) -> ParamSet {
        match self {
            ParamSet::Rich => ParamSet::Rich,
            ParamSet::Empty => ParamSet::Empty,
            _ => ParamSet::Required,
        }
    }
}

/// Endpoint-rule parameters that end up in the host name.
const HOST_PARAMS: [&str; 5] = [
    "Bucket",
    "AccountId",
    "AccessPointName",
    "OutpostId",
    "ResourceArn",
];
/// The bucket of [`ParamSet::BucketArn`].
pub const ACCESS_POINT_ARN: &str = "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point";

/// Deepest structure nesting the rich set fills optional members at.
const MAX_DEPTH: usize = 4;
/// The bucket every S3 case uses (a valid, documentation-reserved name).
pub const BUCKET: &str = "amzn-s3-demo-bucket";
/// The account id every case uses.
pub const ACCOUNT_ID: &str = "123456789012";
/// The explicit idempotency token of the rich set (not a uuid4, so it is
/// never mistaken for a generated one).
pub const RICH_TOKEN: &str = "rich-idempotency-token-0001-0002-0003";
/// Blob bytes of the rich set: NUL, high bytes, UTF-8.
const RICH_BLOB: &[u8] = b"\x00\x01 binary \xfe\xff \xe2\x98\x83 ";
/// Timestamp of the required set (whole seconds).
const PLAIN_TIME: &str = "2024-01-15T10:30:00Z";
/// Timestamp of the rich set (with milliseconds).
const RICH_TIME: &str = "2024-02-29T12:34:56.789Z";

/// Where a value goes on the wire, as far as generation cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Body, query or path: any character.
    Any,
    /// An HTTP header: ASCII only.
    Header,
    /// Feeds the endpoint or host: a plain, valid host label.
    Label,
}

/// A generator over one service's raw model.
pub struct Generator<'a> {
    shapes: &'a Map<String, Json>,
    /// The ARN of each endpoint-rule parameter the rules parse as one, by
    /// parameter name.
    rule_arns: BTreeMap<String, String>,
}

impl<'a> Generator<'a> {
    /// A generator for the model document `model` (`service-2.json`).
    pub fn new(model: &'a Json) -> Result<Generator<'a>, String> {
        let shapes = model
            .get("shapes")
            .and_then(Json::as_object)
            .ok_or("model has no shapes")?;
        Ok(Generator {
            shapes,
            rule_arns: BTreeMap::new(),
        })
    }

    /// The generator, with ARNs that the endpoint rule set `rules` accepts
    /// for the ARN parameters it parses (CloudFront KeyValueStore's global
    /// `cloudfront` `key-value-store` ARN, Kinesis' `StreamARN`), made as
    /// the smoke test makes them ([`plausible::arn_requirements`]).
    pub fn with_endpoint_rules(mut self, rules: &Json, endpoint_prefix: &str) -> Generator<'a> {
        self.rule_arns = plausible::arn_requirements(rules)
            .into_iter()
            .map(|(param, parts)| (param, parts.arn(endpoint_prefix)))
            .collect();
        self
    }

    /// The ARN for an ARN member bound to an endpoint-rule parameter the
    /// rules parse, if `member` is one. Host-bound parameters (S3's and
    /// S3 Control's `Bucket`, `ResourceArn`, ...) keep their plain values.
    fn rule_arn(&self, member_name: &str, member: &Json, place: Place) -> Option<&str> {
        if place == Place::Label || !plausible::is_arn_name(member_name) {
            return None;
        }
        let param = member
            .get("contextParam")
            .and_then(|c| c.get("name"))
            .and_then(Json::as_str)?;
        self.rule_arns.get(param).map(String::as_str)
    }

    fn shape(&self, name: &str) -> &'a Json {
        static NULL: Json = Json::Null;
        self.shapes.get(name).unwrap_or(&NULL)
    }

    /// The parameters of an operation whose input shape is `input` (`None`:
    /// no input, `{}`).
    pub fn params(&self, input: Option<&str>, set: ParamSet) -> Json {
        match input {
            Some(name) => {
                let mut stack = Vec::new();
                self.structure(name, set, 0, &mut stack)
                    .unwrap_or_else(|| json!({}))
            }
            None => json!({}),
        }
    }

    fn structure(
        &self,
        name: &str,
        set: ParamSet,
        depth: usize,
        stack: &mut Vec<String>,
    ) -> Option<Json> {
        let shape = self.shape(name);
        if shape.get("document").and_then(Json::as_bool) == Some(true) {
            return Some(match set.base() {
                ParamSet::Rich => json!({"doc": [1, "two", true, null], "n": {"x": 2.5}}),
                ParamSet::Empty => json!({}),
                _ => json!({"a": "b"}),
            });
        }
        let required: Vec<&str> = shape
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let members = shape.get("members").and_then(Json::as_object)?;
        let union = shape.get("union").and_then(Json::as_bool) == Some(true);
        // Below the depth limit (or inside a recursive shape), only what is
        // required.
        let recursive = stack.iter().any(|s| s == name);
        let set = if (depth > MAX_DEPTH || recursive) && set.base() != ParamSet::Required {
            ParamSet::Required
        } else {
            set
        };
        // A union inside a recursive shape takes a member that leads back
        // to no shape being generated, so that generation ends.
        let union_pick = (union && recursive)
            .then(|| self.terminating_member(members, stack))
            .flatten();
        stack.push(name.to_string());
        let mut out = Map::new();
        for (member_name, member) in members {
            if let Some(pick) = union_pick {
                if member_name != pick {
                    continue;
                }
                if let Some(v) = self.member_value(member_name, member, set, depth, stack) {
                    out.insert(member_name.clone(), v);
                }
                continue;
            }
            let is_required = required.contains(&member_name.as_str());
            if member.get("idempotencyToken").and_then(Json::as_bool) == Some(true) {
                if set == ParamSet::Rich {
                    let target =
                        self.shape(member.get("shape").and_then(Json::as_str).unwrap_or(""));
                    let (min, max) = (
                        target.get("min").and_then(Json::as_f64).map(|m| m as usize),
                        target.get("max").and_then(Json::as_f64).map(|m| m as usize),
                    );
                    out.insert(member_name.clone(), json!(fit(RICH_TOKEN.into(), min, max)));
                }
                continue;
            }
            // The MD5 of an SSE-C key is left to the SDK (botocore computes
            // it only when it is absent).
            let derived = member_name.ends_with("KeyMD5") && !is_required;
            let in_header = matches!(
                member.get("location").and_then(Json::as_str),
                Some("header" | "headers")
            );
            let wanted = match set {
                ParamSet::Rich | ParamSet::Empty => !derived,
                ParamSet::HeaderLatin1 => is_required || (in_header && !derived),
                _ => is_required,
            };
            // A union takes exactly one member: the first (even when none
            // is required, so that a required union is valid).
            let wanted = wanted || (union && out.is_empty());
            if !wanted || (union && !out.is_empty()) {
                continue;
            }
            if recursive && !is_required {
                continue;
            }
            if let Some(v) = self.member_value(member_name, member, set, depth, stack) {
                out.insert(member_name.clone(), v);
            }
        }
        stack.pop();
        Some(Json::Object(out))
    }

    /// The value of structure member `member_name`, placed where the
    /// member goes on the wire.
    fn member_value(
        &self,
        member_name: &str,
        member: &Json,
        set: ParamSet,
        depth: usize,
        stack: &mut Vec<String>,
    ) -> Option<Json> {
        let in_header = matches!(
            member.get("location").and_then(Json::as_str),
            Some("header" | "headers")
        );
        let host_param = member
            .get("contextParam")
            .and_then(|c| c.get("name"))
            .and_then(Json::as_str)
            .is_some_and(|n| HOST_PARAMS.contains(&n));
        let place = if host_param || member.get("hostLabel").and_then(Json::as_bool) == Some(true) {
            Place::Label
        } else if in_header {
            Place::Header
        } else {
            Place::Any
        };
        let target = member.get("shape").and_then(Json::as_str).unwrap_or("");
        self.value(target, member_name, member, set, place, depth, stack, 0)
    }

    /// The first member of a union whose shape reaches none of the shapes
    /// on `stack` (being generated), if any.
    fn terminating_member<'m>(
        &self,
        members: &'m Map<String, Json>,
        stack: &[String],
    ) -> Option<&'m String> {
        members.iter().find_map(|(name, member)| {
            let target = member.get("shape").and_then(Json::as_str).unwrap_or("");
            let mut seen = Vec::new();
            (!self.reaches(target, stack, &mut seen)).then_some(name)
        })
    }

    /// Whether shape `name` is, or refers (through members, list items,
    /// map keys and values) to, one of `targets`.
    fn reaches<'s>(&'s self, name: &'s str, targets: &[String], seen: &mut Vec<&'s str>) -> bool {
        if targets.iter().any(|t| t == name) {
            return true;
        }
        if seen.contains(&name) {
            return false;
        }
        seen.push(name);
        let shape = self.shape(name);
        let refs = shape
            .get("members")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|m| m.values())
            .chain(
                ["member", "key", "value"]
                    .iter()
                    .filter_map(|k| shape.get(*k)),
            );
        let targets_of: Vec<&'s str> = refs
            .filter_map(|r| r.get("shape").and_then(Json::as_str))
            .collect();
        targets_of
            .into_iter()
            .any(|target| self.reaches(target, targets, seen))
    }

    /// A value of shape `name` for member `member_name` (item `index` of a
    /// list or map, for variety).
    #[allow(clippy::too_many_arguments)]
    fn value(
        &self,
        name: &str,
        member_name: &str,
        member: &Json,
        set: ParamSet,
        place: Place,
        depth: usize,
        stack: &mut Vec<String>,
        index: usize,
    ) -> Option<Json> {
        let shape = self.shape(name);
        let kind = shape.get("type").and_then(Json::as_str).unwrap_or("");
        let min = shape.get("min").and_then(Json::as_f64);
        let max = shape.get("max").and_then(Json::as_f64);
        let empty_ok = min.is_none_or(|m| m <= 0.0);
        match kind {
            "structure" => self.structure(name, set, depth + 1, stack),
            "list" => {
                let item = shape.get("member")?;
                let target = item.get("shape").and_then(Json::as_str).unwrap_or("");
                let count = match set.base() {
                    ParamSet::Empty if empty_ok => 0,
                    ParamSet::Rich => 2,
                    _ => 1,
                };
                let count = clamp_count(count, min, max);
                let mut items = Vec::new();
                for i in 0..count {
                    items.push(self.value(
                        target,
                        member_name,
                        item,
                        set_for_items(set),
                        place,
                        depth,
                        stack,
                        i,
                    )?);
                }
                Some(Json::Array(items))
            }
            "map" => {
                let key = shape.get("key")?;
                let value = shape.get("value")?;
                let key_shape = self.shape(key.get("shape").and_then(Json::as_str).unwrap_or(""));
                let target = value.get("shape").and_then(Json::as_str).unwrap_or("");
                let count = match set.base() {
                    ParamSet::Empty if empty_ok => 0,
                    ParamSet::Rich => 2,
                    _ => 1,
                };
                let count = clamp_count(count, min, max);
                let mut out = Map::new();
                for i in 0..count {
                    let k = map_key(key_shape, place, set, i);
                    let v = self.value(
                        target,
                        member_name,
                        value,
                        set_for_items(set),
                        place,
                        depth,
                        stack,
                        i,
                    )?;
                    out.insert(k, v);
                }
                Some(Json::Object(out))
            }
            "string" => Some(Json::String(
                match self.rule_arn(member_name, member, place) {
                    Some(arn) => fit(arn.to_string(), len_bound(min), len_bound(max)),
                    None => string_value(shape, member_name, member, set, place, index),
                },
            )),
            "blob" => {
                let bytes: Vec<u8> = match set.base() {
                    ParamSet::Empty if empty_ok => Vec::new(),
                    ParamSet::Rich => {
                        let mut b = RICH_BLOB.to_vec();
                        b.extend_from_slice(member_name.as_bytes());
                        b
                    }
                    _ => format!("blob {member_name}").into_bytes(),
                };
                Some(Json::String(
                    base64::engine::general_purpose::STANDARD.encode(bytes),
                ))
            }
            "boolean" => Some(Json::Bool(set.base() != ParamSet::Empty)),
            "byte" | "short" | "integer" | "long" => {
                let want: i64 = match set.base() {
                    ParamSet::Empty => 0,
                    ParamSet::Rich => match kind {
                        "long" => 1_234_567_890_123,
                        "integer" => 123_456,
                        "short" => 1234,
                        _ => 12,
                    },
                    _ => 1,
                };
                let mut v = want as f64;
                if let Some(hi) = max {
                    v = v.min(hi);
                }
                if let Some(lo) = min {
                    v = v.max(lo);
                }
                Some(json!(v as i64))
            }
            "float" | "double" => {
                let want = match set.base() {
                    ParamSet::Empty => 0.0,
                    ParamSet::Rich => 1234.5,
                    _ => 1.5,
                };
                let mut v: f64 = want;
                if let Some(hi) = max {
                    v = v.min(hi);
                }
                if let Some(lo) = min {
                    v = v.max(lo);
                }
                Some(json!(v))
            }
            "timestamp" => Some(json!(match set.base() {
                ParamSet::Rich => RICH_TIME,
                ParamSet::Empty => "1970-01-01T00:00:00Z",
                _ => PLAIN_TIME,
            })),
            _ => None,
        }
    }
}

/// Items of lists and maps in the empty set are themselves plain (an empty
/// list of empty strings says little).
fn set_for_items(set: ParamSet) -> ParamSet {
    match set {
        ParamSet::Empty => ParamSet::Required,
        other => other,
    }
}

/// A length bound of the model as a count.
fn len_bound(bound: Option<f64>) -> Option<usize> {
    bound.map(|b| b as usize)
}

fn clamp_count(count: usize, min: Option<f64>, max: Option<f64>) -> usize {
    let mut n = count;
    if let Some(lo) = min {
        n = n.max(lo as usize);
    }
    if let Some(hi) = max {
        n = n.min(hi as usize);
    }
    n.min(8)
}

fn enum_values(shape: &Json) -> Vec<&str> {
    shape
        .get("enum")
        .and_then(Json::as_array)
        .map(|e| e.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

fn map_key(key_shape: &Json, place: Place, set: ParamSet, index: usize) -> String {
    let values = enum_values(key_shape);
    if !values.is_empty() {
        let v = values[index % values.len()];
        return if index < values.len() {
            v.to_string()
        } else {
            format!("{v}{index}")
        };
    }
    match (place, set.base()) {
        (Place::Any, ParamSet::Rich) if index == 0 => "key one &/é".to_string(),
        (Place::Header, ParamSet::Rich) if index == 0 => "Key-One".to_string(),
        _ => format!("key{}", index + 1),
    }
}

/// A string for member `member_name`.
fn string_value(
    shape: &Json,
    member_name: &str,
    member: &Json,
    set: ParamSet,
    place: Place,
    index: usize,
) -> String {
    let values = enum_values(shape);
    if !values.is_empty() {
        return values[index % values.len()].to_string();
    }
    let min = shape.get("min").and_then(Json::as_f64).map(|m| m as usize);
    let max = shape.get("max").and_then(Json::as_f64).map(|m| m as usize);
    let context = member
        .get("contextParam")
        .and_then(|c| c.get("name"))
        .and_then(Json::as_str);
    let lower = member_name.to_ascii_lowercase();
    let text = if set == ParamSet::BadLabels && place == Place::Label {
        format!("Bad Label/é?{index}")
    } else if set == ParamSet::BucketArn && (context == Some("Bucket") || member_name == "Bucket") {
        ACCESS_POINT_ARN.to_string()
    } else if context == Some("Bucket") || member_name == "Bucket" {
        BUCKET.to_string()
    } else if context == Some("AccountId") || member_name == "AccountId" {
        ACCOUNT_ID.to_string()
    } else if place == Place::Label {
        format!("{lower}-{}", index + 1)
    } else if lower.ends_with("region") {
        "us-west-2".to_string()
    } else {
        match set {
            ParamSet::Empty if min.unwrap_or(0) == 0 => String::new(),
            ParamSet::Rich if place == Place::Header => {
                format!("{member_name} &<>/ +%~ x{index}")
            }
            ParamSet::HeaderLatin1 if place == Place::Header => {
                format!("{member_name} caf\u{e9} x{index}")
            }
            ParamSet::Rich => format!("{member_name} &<>/ +%~é☃ \"q'\t\n x{index}"),
            _ => format!("{lower}-{}", index + 1),
        }
    };
    fit(text, min, max)
}

/// Pads (with `x`) or truncates `text` to the model's length bounds, in
/// characters.
fn fit(mut text: String, min: Option<usize>, max: Option<usize>) -> String {
    if let Some(hi) = max {
        if text.chars().count() > hi {
            text = text.chars().take(hi).collect();
        }
    }
    if let Some(lo) = min {
        while text.chars().count() < lo {
            text.push('x');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Json {
        json!({"shapes": {
            "In": {"type": "structure", "required": ["Name", "Items"], "members": {
                "Name": {"shape": "Str"},
                "Items": {"shape": "List"},
                "Token": {"shape": "Str", "idempotencyToken": true},
                "Header": {"shape": "Str", "location": "header", "locationName": "x-h"},
                "Bucket": {"shape": "Str", "contextParam": {"name": "Bucket"}},
                "Short": {"shape": "Short"},
                "Color": {"shape": "Color"},
                "When": {"shape": "Time"},
                "Self": {"shape": "In"}
            }},
            "Str": {"type": "string"},
            "Short": {"type": "string", "min": 2, "max": 3},
            "Color": {"type": "string", "enum": ["red", "blue"]},
            "List": {"type": "list", "member": {"shape": "Color"}, "min": 1},
            "Time": {"type": "timestamp"}
        }})
    }

    #[test]
    fn required_set_has_only_required_members() {
        let m = model();
        let g = Generator::new(&m).unwrap();
        let p = g.params(Some("In"), ParamSet::Required);
        assert_eq!(p, json!({"Name": "name-1", "Items": ["red"]}));
    }

    #[test]
    fn rich_set_fills_everything_within_bounds() {
        let m = model();
        let g = Generator::new(&m).unwrap();
        let p = g.params(Some("In"), ParamSet::Rich);
        assert_eq!(p["Token"], json!(RICH_TOKEN));
        assert_eq!(p["Items"], json!(["red", "blue"]));
        assert_eq!(p["Bucket"], json!(BUCKET));
        assert!(p["Header"].as_str().unwrap().is_ascii());
        assert!(!p["Name"].as_str().unwrap().is_ascii());
        assert_eq!(p["Short"].as_str().unwrap().chars().count(), 3);
        assert_eq!(p["When"], json!(RICH_TIME));
        // The recursive member gets only its required members.
        assert_eq!(p["Self"], json!({"Name": "name-1", "Items": ["red"]}));
    }

    #[test]
    fn empty_set_respects_minimums() {
        let m = model();
        let g = Generator::new(&m).unwrap();
        let p = g.params(Some("In"), ParamSet::Empty);
        assert_eq!(p["Name"], json!(""));
        assert_eq!(p["Items"], json!(["red"]), "min 1");
        let short = p["Short"].as_str().unwrap().chars().count();
        assert!((2..=3).contains(&short), "min 2, max 3: {}", p["Short"]);
        assert!(p.get("Token").is_none());
    }

    #[test]
    fn extra_sets_change_only_what_they_test() {
        let m = model();
        let g = Generator::new(&m).unwrap();
        let bad = g.params(Some("In"), ParamSet::BadLabels);
        assert_eq!(bad["Name"], json!("name-1"));
        assert_eq!(bad["Items"], json!(["red"]));
        let latin1 = g.params(Some("In"), ParamSet::HeaderLatin1);
        assert_eq!(latin1["Header"], json!("Header caf\u{e9} x0"));
        assert!(latin1.get("Bucket").is_none(), "not a header member");
    }

    #[test]
    fn a_recursive_union_takes_a_member_that_ends_the_recursion() {
        // Connect's evaluation forms: an item is a section (of items) or a
        // question.
        let m = json!({"shapes": {
            "In": {"type": "structure", "required": ["Items"], "members": {
                "Items": {"shape": "Items"}
            }},
            "Items": {"type": "list", "member": {"shape": "Item"}},
            "Item": {"type": "structure", "union": true, "members": {
                "Section": {"shape": "Section"},
                "Question": {"shape": "Question"}
            }},
            "Section": {"type": "structure", "required": ["Items"], "members": {
                "Items": {"shape": "Items"}
            }},
            "Question": {"type": "structure", "required": ["Title"], "members": {
                "Title": {"shape": "Str"}
            }},
            "Str": {"type": "string"}
        }});
        let g = Generator::new(&m).unwrap();
        let p = g.params(Some("In"), ParamSet::Required);
        assert_eq!(
            p,
            json!({"Items": [{"Section": {"Items": [{"Question": {"Title": "title-1"}}]}}]})
        );
    }

    #[test]
    fn arn_parameters_of_the_endpoint_rules_get_arns_they_accept() {
        let m = json!({"shapes": {
            "In": {"type": "structure", "required": ["KvsARN", "ResourceArn"], "members": {
                "KvsARN": {"shape": "Arn", "contextParam": {"name": "KvsARN"}},
                "ResourceArn": {"shape": "Arn", "contextParam": {"name": "ResourceArn"}},
                "RoleArn": {"shape": "Arn"}
            }},
            "Arn": {"type": "string", "min": 1, "max": 2048}
        }});
        let get = |attr: &str| json!({"fn": "getAttr", "argv": [{"ref": "kvs"}, attr]});
        let rules = json!({"rules": [{"conditions": [
            {"fn": "aws.parseArn", "argv": [{"ref": "KvsARN"}], "assign": "kvs"},
            {"fn": "stringEquals", "argv": [get("service"), "cloudfront"]},
            {"fn": "stringEquals", "argv": [get("region"), ""]},
            {"fn": "stringEquals", "argv": [get("resourceId[0]"), "key-value-store"]},
            {"fn": "aws.parseArn", "argv": [{"ref": "ResourceArn"}], "assign": "res"}
        ]}]});
        let g = Generator::new(&m)
            .unwrap()
            .with_endpoint_rules(&rules, "cloudfront-keyvaluestore");
        for set in ParamSet::ALL {
            let p = g.params(Some("In"), set);
            assert_eq!(
                p["KvsARN"], "arn:aws:cloudfront::123456789012:key-value-store/smoke",
                "{set:?}"
            );
        }
        let rich = g.params(Some("In"), ParamSet::Rich);
        // A host-bound parameter keeps its plain label; an ARN member the
        // rules do not read keeps the rich text.
        assert_eq!(rich["ResourceArn"], "resourcearn-1");
        assert!(rich["RoleArn"].as_str().unwrap().starts_with("RoleArn &<>"));
    }

    #[test]
    fn generation_is_deterministic() {
        let m = model();
        let g = Generator::new(&m).unwrap();
        for set in ParamSet::ALL {
            assert_eq!(g.params(Some("In"), set), g.params(Some("In"), set));
        }
    }
}
