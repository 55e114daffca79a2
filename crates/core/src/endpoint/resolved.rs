//! The result of resolution: an [`Endpoint`] and its auth schemes.

use serde_json::{Map, Value as Json};

/// A resolved endpoint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoint {
    /// The URL requests go to (scheme, host, optional port and base path).
    pub url: String,
    /// Headers to add to the request: name → values.
    pub headers: Vec<(String, Vec<String>)>,
    /// Properties (`authSchemes`, `backend`, ...), as JSON.
    pub properties: Map<String, Json>,
}

/// One entry of the `authSchemes` property.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthScheme {
    /// Scheme name: `sigv4`, `sigv4a`, `sigv4-s3express`, ...
    pub name: String,
    /// `signingName`: the service name to sign for.
    pub signing_name: Option<String>,
    /// `signingRegion`: the region to sign for (SigV4).
    pub signing_region: Option<String>,
    /// `signingRegionSet`: the regions to sign for (SigV4a).
    pub signing_region_set: Vec<String>,
    /// `disableDoubleEncoding`: do not encode the path a second time (S3).
    pub disable_double_encoding: bool,
}

impl AuthScheme {
    /// Reads one `authSchemes` entry; `None` when it has no `name`.
    pub fn from_json(json: &Json) -> Option<AuthScheme> {
        let text = |key: &str| json.get(key).and_then(Json::as_str).map(str::to_string);
        Some(AuthScheme {
            name: text("name")?,
            signing_name: text("signingName"),
            signing_region: text("signingRegion"),
            signing_region_set: json
                .get("signingRegionSet")
                .and_then(Json::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            disable_double_encoding: json
                .get("disableDoubleEncoding")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        })
    }
}

impl Endpoint {
    /// The `authSchemes` property, in order of preference (entries without a
    /// name are left out).
    pub fn auth_schemes(&self) -> Vec<AuthScheme> {
        self.properties
            .get("authSchemes")
            .and_then(Json::as_array)
            .map(|list| list.iter().filter_map(AuthScheme::from_json).collect())
            .unwrap_or_default()
    }

    /// The values of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[String]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_auth_schemes() {
        let props = json!({"authSchemes": [
            {"name": "sigv4a", "signingName": "s3", "signingRegionSet": ["*"], "disableDoubleEncoding": true},
            {"name": "sigv4", "signingName": "s3", "signingRegion": "us-west-2"},
            {"signingName": "nameless"}
        ]});
        let e = Endpoint {
            url: "https://x".into(),
            headers: vec![("x-amz-a".into(), vec!["1".into()])],
            properties: props.as_object().unwrap().clone(),
        };
        let schemes = e.auth_schemes();
        assert_eq!(schemes.len(), 2);
        assert_eq!(schemes[0].name, "sigv4a");
        assert_eq!(schemes[0].signing_region_set, ["*"]);
        assert!(schemes[0].disable_double_encoding);
        assert_eq!(schemes[1].signing_region.as_deref(), Some("us-west-2"));
        assert!(!schemes[1].disable_double_encoding);
        assert_eq!(e.header("X-Amz-A"), Some(&["1".to_string()][..]));
        assert_eq!(e.header("nope"), None);
        assert!(Endpoint::default().auth_schemes().is_empty());
    }
}
