//! Plausible text where endpoint rules or request building read it:
//! members named `*Arn`/`*ARN` become ARNs, members named `*Endpoint`
//! URLs, each within its shape's length bounds.
//!
//! An ARN member bound to an endpoint-rule parameter (`contextParam`) gets
//! the partition, service, region and resource type the rules compare the
//! parsed ARN with (CloudFront KeyValueStore's `KvsARN` must be a global
//! `cloudfront` ARN of a `key-value-store`); any other ARN is one of the
//! service itself. botocore-diff's parameter generator gives the ARN
//! members the rules read the same ARNs ([`arn_requirements`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

/// The account id of generated ARNs.
const ACCOUNT: &str = "123456789012";
/// The URL of `*Endpoint` members.
const ENDPOINT_URL: &str = "https://example.amazonaws.com";

/// What endpoint rules require of a parsed ARN: the literal each field is
/// compared with, where the rules compare it with one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArnParts {
    /// `partition`.
    pub partition: Option<String>,
    /// `service`.
    pub service: Option<String>,
    /// `region` (`""` for a global resource).
    pub region: Option<String>,
    /// `resourceId[0]`: the resource type.
    pub resource_type: Option<String>,
}

impl ArnParts {
    /// The ARN, with the service's `endpoint_prefix`, `us-east-1` and a
    /// `stream` resource where the rules ask nothing.
    pub fn arn(&self, endpoint_prefix: &str) -> String {
        format!(
            "arn:{}:{}:{}:{ACCOUNT}:{}/smoke",
            self.partition.as_deref().unwrap_or("aws"),
            self.service.as_deref().unwrap_or(endpoint_prefix),
            self.region.as_deref().unwrap_or("us-east-1"),
            self.resource_type.as_deref().unwrap_or("stream"),
        )
    }

    /// Records that the rules compare `attr` with `literal` (the first
    /// comparison of a field wins).
    fn require(&mut self, attr: &str, literal: &str) {
        let slot = match attr {
            "partition" => &mut self.partition,
            "service" => &mut self.service,
            "region" => &mut self.region,
            "resourceId[0]" => &mut self.resource_type,
            _ => return,
        };
        slot.get_or_insert_with(|| literal.to_owned());
    }
}

/// Rewrites generated parameters of one service.
pub struct Plausible<'a> {
    shapes: &'a Map<String, Json>,
    endpoint_prefix: &'a str,
    /// What the rules require of ARN parameters, by parameter name.
    arns: BTreeMap<String, ArnParts>,
}

impl<'a> Plausible<'a> {
    /// For the service whose model document is `doc` and rule set `rules`.
    pub fn new(doc: &'a Json, rules: Option<&Json>, endpoint_prefix: &'a str) -> Self {
        static EMPTY: std::sync::OnceLock<Map<String, Json>> = std::sync::OnceLock::new();
        let shapes = doc
            .get("shapes")
            .and_then(Json::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        Plausible {
            shapes,
            endpoint_prefix,
            arns: rules.map(arn_requirements).unwrap_or_default(),
        }
    }

    /// Rewrites `params`, a value of the input shape `input`.
    pub fn apply(&self, params: &mut Json, input: Option<&str>) {
        if let Some(input) = input {
            self.walk(params, input);
        }
    }

    fn shape(&self, name: &str) -> &'a Json {
        static NULL: Json = Json::Null;
        self.shapes.get(name).unwrap_or(&NULL)
    }

    /// Walks `value`, a value of shape `name`.
    fn walk(&self, value: &mut Json, name: &str) {
        let shape = self.shape(name);
        match value {
            Json::Object(members) if shape.get("type").and_then(Json::as_str) == Some("map") => {
                let item = target(shape.get("value"));
                members.values_mut().for_each(|v| self.walk(v, item));
            }
            Json::Object(members) => {
                for (member_name, v) in members.iter_mut() {
                    let member = shape.get("members").and_then(|m| m.get(member_name));
                    let target = target(member);
                    match v {
                        Json::String(text) => {
                            if let Some(new) = self.text(member_name, member, target) {
                                *text = new;
                            }
                        }
                        other => self.walk(other, target),
                    }
                }
            }
            Json::Array(items) => {
                let item = target(shape.get("member"));
                items.iter_mut().for_each(|i| self.walk(i, item));
            }
            _ => {}
        }
    }

    /// The text for string member `name` of shape `target`, if it needs
    /// plausible text.
    fn text(&self, name: &str, member: Option<&Json>, target: &str) -> Option<String> {
        let text = if is_arn_name(name) {
            let param = member
                .and_then(|m| m.get("contextParam"))
                .and_then(|c| c.get("name"))
                .and_then(Json::as_str);
            param
                .and_then(|p| self.arns.get(p))
                .cloned()
                .unwrap_or_default()
                .arn(self.endpoint_prefix)
        } else if name.ends_with("Endpoint") {
            ENDPOINT_URL.to_owned()
        } else {
            return None;
        };
        let shape = self.shape(target);
        let bound = |key: &str| shape.get(key).and_then(Json::as_u64).map(|n| n as usize);
        Some(fit(text, bound("min"), bound("max")))
    }
}

/// Whether a member named `name` holds an ARN (`*Arn`, `*ARN`).
pub fn is_arn_name(name: &str) -> bool {
    name.ends_with("Arn") || name.ends_with("ARN")
}

/// The shape a member, list item or map value (`r`) refers to.
fn target(r: Option<&Json>) -> &str {
    r.and_then(|r| r.get("shape"))
        .and_then(Json::as_str)
        .unwrap_or("")
}

/// Pads (with `x`) or truncates `text` to the length bounds, in characters.
fn fit(mut text: String, min: Option<usize>, max: Option<usize>) -> String {
    if let Some(max) = max {
        if text.chars().count() > max {
            text = text.chars().take(max).collect();
        }
    }
    if let Some(min) = min {
        let missing = min.saturating_sub(text.chars().count());
        text.extend(std::iter::repeat_n('x', missing));
    }
    text
}

/// What a rule set requires of each ARN parameter: for every
/// `aws.parseArn` of a parameter (an entry even where nothing is compared),
/// the literals its fields are compared with by `stringEquals` (directly
/// through `getAttr`, or through a name `getAttr` assigned), outside any
/// `not`. A name a condition assigns is seen by the conditions after it
/// and the rules nested in the same rule only: Kinesis parses `StreamARN`,
/// `ConsumerARN` and `ResourceARN` into the same name `arn` in three
/// branches.
pub fn arn_requirements(rules: &Json) -> BTreeMap<String, ArnParts> {
    let mut out = BTreeMap::new();
    for rule in nested_rules(rules) {
        requirements_in(rule, &Names::default(), &mut out);
    }
    out
}

/// The rules nested in `node` (a rule set or a tree rule).
fn nested_rules(node: &Json) -> impl Iterator<Item = &Json> {
    node.get("rules")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
}

/// Adds the requirements of `rule` and the rules nested in it to `out`;
/// `outer` holds the names the enclosing rules assigned.
fn requirements_in(rule: &Json, outer: &Names, out: &mut BTreeMap<String, ArnParts>) {
    let mut names = outer.clone();
    let conditions = rule.get("conditions").and_then(Json::as_array);
    for condition in conditions.into_iter().flatten() {
        names.assign(condition);
        for (arn, attr, literal) in comparisons(condition, &names) {
            if let Some(param) = names.parsed.get(&arn) {
                out.entry(param.clone())
                    .or_default()
                    .require(&attr, &literal);
            }
        }
    }
    for param in names.parsed.values() {
        out.entry(param.clone()).or_default();
    }
    for nested in nested_rules(rule) {
        requirements_in(nested, &names, out);
    }
}

/// The names rule conditions assign, where they are in scope.
#[derive(Debug, Default, Clone)]
struct Names {
    /// Parsed ARN name → the parameter it was parsed from.
    parsed: BTreeMap<String, String>,
    /// Name → (parsed ARN name, attribute) it was read from.
    attrs: BTreeMap<String, (String, String)>,
}

impl Names {
    /// Records what `condition` assigns, if it parses an ARN parameter or
    /// reads an attribute.
    fn assign(&mut self, condition: &Json) {
        let Some(map) = condition.as_object() else {
            return;
        };
        let Some(assign) = map.get("assign").and_then(Json::as_str) else {
            return;
        };
        match (map.get("fn").and_then(Json::as_str), argv(map)) {
            (Some("aws.parseArn"), [arg]) => {
                if let Some(param) = reference(arg) {
                    self.parsed.insert(assign.to_owned(), param.to_owned());
                }
            }
            (Some("getAttr"), [_, _]) => {
                if let Some(attr) = get_attr(map) {
                    self.attrs.insert(assign.to_owned(), attr);
                }
            }
            _ => {}
        }
    }
}

/// Every `stringEquals(<ARN field>, "literal")` outside a `not`, as
/// (parsed ARN name, attribute, literal); templates are not literals.
fn comparisons(node: &Json, names: &Names) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Json::Object(map) => {
                match map.get("fn").and_then(Json::as_str) {
                    Some("not") => continue,
                    Some("stringEquals") => {
                        if let Some(found) = comparison(argv(map), names) {
                            out.push(found);
                        }
                    }
                    _ => {}
                }
                stack.extend(map.values().rev());
            }
            Json::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out
}

/// One `stringEquals`'s ARN field and literal, if it compares them.
fn comparison(args: &[Json], names: &Names) -> Option<(String, String, String)> {
    let [a, b] = args else { return None };
    let (field, literal) = match (a.as_str(), b.as_str()) {
        (None, Some(literal)) => (a, literal),
        (Some(literal), None) => (b, literal),
        _ => return None,
    };
    if literal.contains('{') {
        return None;
    }
    let (arn, attr) = match field.as_object() {
        Some(map) if map.get("fn").and_then(Json::as_str) == Some("getAttr") => get_attr(map)?,
        _ => names.attrs.get(reference(field)?)?.clone(),
    };
    Some((arn, attr, literal.to_owned()))
}

/// `getAttr(ref, "attr")` as (ref, attr).
fn get_attr(map: &Map<String, Json>) -> Option<(String, String)> {
    let [target, attr] = argv(map) else {
        return None;
    };
    Some((reference(target)?.to_owned(), attr.as_str()?.to_owned()))
}

/// The arguments of a function call.
fn argv(map: &Map<String, Json>) -> &[Json] {
    map.get("argv")
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The name a `{"ref": name}` refers to.
fn reference(node: &Json) -> Option<&str> {
    node.get("ref").and_then(Json::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// CloudFront KeyValueStore's conditions, reduced.
    fn rules() -> Json {
        json!({"rules": [{"conditions": [
            {"fn": "aws.parseArn", "argv": [{"ref": "KvsARN"}], "assign": "parsedArn"},
            {"fn": "stringEquals", "argv": [
                {"fn": "getAttr", "argv": [{"ref": "parsedArn"}, "service"]}, "cloudfront"]},
            {"fn": "stringEquals", "argv": [
                {"fn": "getAttr", "argv": [{"ref": "parsedArn"}, "region"]}, ""]},
            {"fn": "getAttr", "argv": [{"ref": "parsedArn"}, "resourceId[0]"], "assign": "arnType"},
            {"fn": "not", "argv": [{"fn": "stringEquals", "argv": [{"ref": "arnType"}, "x"]}]},
            {"fn": "stringEquals", "argv": [{"ref": "arnType"}, "key-value-store"]},
            {"fn": "stringEquals", "argv": [
                {"fn": "getAttr", "argv": [{"ref": "parsedArn"}, "partition"]},
                "{partitionResult#name}"]}
        ]}]})
    }

    #[test]
    fn the_rules_say_what_an_arn_parameter_must_be() {
        let arns = arn_requirements(&rules());
        let parts = &arns["KvsARN"];
        assert_eq!(
            parts.arn("cloudfront-keyvaluestore"),
            "arn:aws:cloudfront::123456789012:key-value-store/smoke"
        );
    }

    #[test]
    fn a_name_assigned_in_one_branch_is_not_seen_in_another() {
        // Kinesis parses each of its ARN parameters into `arn`, in its own
        // branch; one is compared with nothing.
        let parse =
            |param: &str| json!({"fn": "aws.parseArn", "argv": [{"ref": param}], "assign": "arn"});
        let service = json!({"fn": "stringEquals", "argv": [
            {"fn": "getAttr", "argv": [{"ref": "arn"}, "service"]}, "kinesis"]});
        let rules = json!({"rules": [
            {"conditions": [parse("StreamARN")], "rules": [{"conditions": [service]}]},
            {"conditions": [
                parse("ConsumerARN"),
                {"fn": "getAttr", "argv": [{"ref": "arn"}, "resourceId[0]"], "assign": "arnType"},
                {"fn": "stringEquals", "argv": [{"ref": "arnType"}, "consumer"]}
            ]},
            {"conditions": [parse("ResourceARN")]}
        ]});
        let arns = arn_requirements(&rules);
        assert_eq!(
            arns["StreamARN"].arn("other"),
            "arn:aws:kinesis:us-east-1:123456789012:stream/smoke"
        );
        assert_eq!(
            arns["ConsumerARN"].arn("kinesis"),
            "arn:aws:kinesis:us-east-1:123456789012:consumer/smoke"
        );
        assert_eq!(arns["ResourceARN"], ArnParts::default());
    }

    #[test]
    fn arns_follow_context_params_and_length_bounds() {
        let doc = json!({"shapes": {
            "In": {"type": "structure", "members": {
                "KvsARN": {"shape": "Kvs", "contextParam": {"name": "KvsARN"}},
                "resourceArn": {"shape": "Long"},
                "Items": {"shape": "List"},
                "Plain": {"shape": "Kvs"}
            }},
            "Kvs": {"type": "string", "max": 2048},
            "Long": {"type": "string", "min": 70},
            "List": {"type": "list", "member": {"shape": "Item"}},
            "Item": {"type": "structure", "members": {"RoleArn": {"shape": "Kvs"}}}
        }});
        let rules = rules();
        let plausible = Plausible::new(&doc, Some(&rules), "svc");
        let mut params = json!({"KvsARN": "a", "resourceArn": "b",
            "Items": [{"RoleArn": "c"}], "Plain": "d"});
        plausible.apply(&mut params, Some("In"));
        assert_eq!(
            params["KvsARN"],
            "arn:aws:cloudfront::123456789012:key-value-store/smoke"
        );
        let long = params["resourceArn"].as_str().unwrap();
        assert!(long.starts_with("arn:aws:svc:us-east-1:123456789012:stream/smoke"));
        assert_eq!(long.len(), 70);
        assert_eq!(
            params["Items"][0]["RoleArn"],
            "arn:aws:svc:us-east-1:123456789012:stream/smoke"
        );
        assert_eq!(params["Plain"], "d");
    }
}
