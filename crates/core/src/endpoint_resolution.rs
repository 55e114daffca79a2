//! Picks the endpoint (URL, headers, signing name and region) of each call by
//! evaluating the service's endpoint rule set with the client's built-ins and
//! the operation's context parameters.

use crate::endpoint::{bind_params, BuiltIns};
use crate::model::{Operation, ServiceModel};
use crate::service::Service;
use crate::session::ResolvedConfig;
use crate::value::Value;

/// The auth scheme an endpoint's rules ask for (`authSchemes`), when they
/// name one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointScheme {
    /// The rules name no scheme: the model's auth applies.
    Default,
    /// `sigv4`.
    SigV4,
    /// `sigv4a`, valid in `region_set` (comma-separated; may be `*`).
    SigV4a {
        /// The regions the signature is valid in.
        region_set: String,
    },
    /// `sigv4-s3express`: S3 Express session credentials.
    S3Express,
}

/// Where to send a request and how to sign it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// Base URL (scheme, host, optional port and path).
    pub url: String,
    /// Headers the endpoint requires.
    pub headers: Vec<(String, Vec<String>)>,
    /// SigV4 signing name.
    pub signing_name: String,
    /// SigV4 signing region.
    pub signing_region: String,
    /// S3-style path encoding (no double encoding).
    pub disable_double_encoding: bool,
    /// The auth scheme the rules chose.
    pub scheme: EndpointScheme,
}

/// Resolves endpoints for one client.
#[derive(Debug)]
pub struct EndpointResolver {
    /// The service, whose rule set is decoded on the first resolution (and
    /// then shared by every client of the service in the process).
    service: Service,
    builtins: BuiltIns,
    /// The signature version set in code, which picks among an endpoint's
    /// auth schemes as the model's auth does.
    signature_version: Option<crate::auth::SignatureVersion>,
    /// `auth_scheme_preference`, likewise.
    auth_scheme_preference: Vec<String>,
}

impl EndpointResolver {
    /// Prepares resolution for a client of `service` with `config`. A rule
    /// set a generated crate embeds (packed, checked by `cargo xtask regen`)
    /// is decoded on the first call, which keeps it out of a client that
    /// never calls (most of an idle S3 client's heap, 3.6M of its 4.3M
    /// instructions); one read at run time from JSON is compiled now, so a
    /// broken file fails the client's creation.
    pub fn new(service: &Service, config: &ResolvedConfig) -> Result<Self, String> {
        if !service.endpoint_rules_prechecked() {
            if let Some(Err(e)) = service.compiled_rules() {
                return Err(e.clone());
            }
        }
        let force_path_style = config.s3_addressing_style.as_deref() == Some("path");
        let builtins = BuiltIns {
            region: config.region.clone(),
            use_fips: config.use_fips,
            use_dual_stack: config.use_dual_stack,
            endpoint: config.endpoint_url.clone(),
            force_path_style,
            use_global_endpoint: config.sts_use_global_endpoint && config.service_id == "STS",
            disable_s3_express_session_auth: config.disable_s3_express_session_auth,
            client_context: config
                .disable_s3_express_session_auth
                .map(|b| {
                    (
                        "DisableS3ExpressSessionAuth".to_owned(),
                        crate::endpoint::ParamValue::Bool(b),
                    )
                })
                .into_iter()
                .collect(),
            ..BuiltIns::default()
        };
        Ok(EndpointResolver {
            service: service.clone(),
            builtins,
            signature_version: config.signature_version,
            auth_scheme_preference: config.auth_scheme_preference.clone(),
        })
    }

    /// Resolves the endpoint of one call. Errors (a bad region, an invalid
    /// custom endpoint, an error rule) come before anything is sent.
    pub fn resolve(
        &self,
        model: &ServiceModel,
        op: &Operation,
        input: &Value,
    ) -> Result<ResolvedEndpoint, String> {
        self.resolve_with(model, op, input, &self.builtins)
    }

    /// Resolves the endpoint of one call in `region` (the client's when
    /// `None`), with `customize` changing the built-ins for this call first
    /// (botocore's `before-endpoint-resolution` handlers).
    pub fn resolve_customized(
        &self,
        model: &ServiceModel,
        op: &Operation,
        input: &Value,
        region: Option<&str>,
        customize: &dyn Fn(&mut BuiltIns),
    ) -> Result<ResolvedEndpoint, String> {
        let mut builtins = self.builtins.clone();
        if let Some(region) = region {
            builtins.region = Some(region.to_owned());
        }
        customize(&mut builtins);
        self.resolve_with(model, op, input, &builtins)
    }

    fn resolve_with(
        &self,
        model: &ServiceModel,
        op: &Operation,
        input: &Value,
        builtins: &BuiltIns,
    ) -> Result<ResolvedEndpoint, String> {
        let rules = match self.service.compiled_rules() {
            None => return self.fallback(model, builtins),
            Some(Ok(rules)) => &**rules,
            Some(Err(e)) => return Err(e.clone()),
        };
        let params = bind_params(rules, builtins, model, op, input);
        let endpoint = rules
            .resolve_shared(&params)
            .map_err(|e| format!("endpoint resolution failed: {e}"))?;
        let default_region = builtins
            .region
            .clone()
            .unwrap_or_else(|| "us-east-1".into());
        let schemes = endpoint.auth_schemes();
        let (signing_name, signing_region, disable_double_encoding, scheme) = if schemes.is_empty()
        {
            (
                model.signing_name().to_string(),
                default_region,
                false,
                EndpointScheme::Default,
            )
        } else {
            let settings = crate::auth::AuthSettings {
                signature_version: self.signature_version,
                preference: &self.auth_scheme_preference,
                ..Default::default()
            };
            let requested = crate::auth::requested_endpoint_scheme(model, op, &settings);
            let (rule, scheme) = supported_scheme(&schemes, requested)?;
            (
                rule.signing_name
                    .clone()
                    .unwrap_or_else(|| model.signing_name().to_string()),
                rule.signing_region.clone().unwrap_or(default_region),
                rule.disable_double_encoding,
                scheme,
            )
        };
        Ok(ResolvedEndpoint {
            url: endpoint.url.clone(),
            headers: endpoint.headers.clone(),
            signing_name,
            signing_region,
            disable_double_encoding,
            scheme,
        })
    }

    /// Resolves the endpoint of one call as if the client's region were
    /// `region` (S3 sends a bucket's requests to the bucket's own region).
    pub fn resolve_in_region(
        &self,
        model: &ServiceModel,
        op: &Operation,
        input: &Value,
        region: &str,
    ) -> Result<ResolvedEndpoint, String> {
        self.resolve_customized(model, op, input, Some(region), &|_| {})
    }

    /// For a model without a rule set: the custom endpoint, or the classic
    /// `https://{endpointPrefix}.{region}.amazonaws.com`.
    fn fallback(
        &self,
        model: &ServiceModel,
        builtins: &BuiltIns,
    ) -> Result<ResolvedEndpoint, String> {
        let region = builtins.region.clone();
        let url = match (&builtins.endpoint, &region) {
            (Some(url), _) => url.clone(),
            (None, Some(r)) => format!(
                "https://{}.{r}.amazonaws.com",
                model.metadata.endpoint_prefix
            ),
            (None, None) => return Err(
                "no region configured: set one on the session, with AWS_REGION, or in the profile"
                    .into(),
            ),
        };
        Ok(ResolvedEndpoint {
            url,
            headers: Vec::new(),
            signing_name: model.signing_name().to_string(),
            signing_region: region.unwrap_or_else(|| "us-east-1".to_string()),
            disable_double_encoding: false,
            scheme: EndpointScheme::Default,
        })
    }
}

/// The rules' auth scheme named `requested` (the one the model and settings
/// pick), else the first myaws supports (`sigv4a` only with the `sigv4a`
/// cargo feature), as botocore picks among them.
fn supported_scheme<'a>(
    schemes: &'a [crate::endpoint::AuthScheme],
    requested: Option<&str>,
) -> Result<(&'a crate::endpoint::AuthScheme, EndpointScheme), String> {
    let wanted = schemes
        .iter()
        .filter(|s| Some(s.name.as_str()) == requested);
    for rule in wanted.chain(schemes) {
        let scheme = match rule.name.as_str() {
            "sigv4" => EndpointScheme::SigV4,
            "sigv4a" if cfg!(feature = "sigv4a") => EndpointScheme::SigV4a {
                region_set: rule.signing_region_set.join(","),
            },
            "sigv4-s3express" => EndpointScheme::S3Express,
            _ => continue,
        };
        return Ok((rule, scheme));
    }
    let names: Vec<&str> = schemes.iter().map(|s| s.name.as_str()).collect();
    let hint = if names.contains(&"sigv4a") {
        "; SigV4a needs myaws-core's `sigv4a` cargo feature (enable the `sigv4a` feature of the service crate)"
    } else {
        ""
    };
    Err(format!(
        "the endpoint requires an auth scheme myaws does not support ({}){hint}",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{from_json, JsonOptions};
    use crate::credentials::Credentials;
    use crate::session::{ClientConfig, Session};
    use serde_json::json;

    fn resolve(
        svc: &str,
        region: &str,
        op: &str,
        params: serde_json::Value,
    ) -> Result<ResolvedEndpoint, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../models")
            .join(svc);
        let service = Service::from_dir(&dir).unwrap();
        let session = Session::builder()
            .region(region)
            .credentials(Credentials::new("AKID", "SECRET", None, None))
            .build()
            .unwrap();
        let config = session
            .resolve(&service.model.metadata.service_id, &ClientConfig::default())
            .unwrap();
        let resolver = EndpointResolver::new(&service, &config)?;
        let model = service.model.clone();
        let operation = model.operation(op).unwrap();
        let input = from_json(
            &model,
            operation.input.unwrap(),
            &params,
            JsonOptions::default(),
        )
        .unwrap();
        resolver.resolve(&model, operation, &input)
    }

    #[test]
    fn s3_virtual_hosted_with_sigv4_scope() {
        let e = resolve(
            "s3",
            "us-west-2",
            "GetObject",
            json!({"Bucket": "my-bucket", "Key": "k"}),
        )
        .unwrap();
        assert_eq!(e.url, "https://my-bucket.s3.us-west-2.amazonaws.com");
        assert_eq!(
            (e.signing_name.as_str(), e.signing_region.as_str()),
            ("s3", "us-west-2")
        );
        assert!(e.disable_double_encoding);
    }

    #[test]
    fn sts_regional_endpoints_setting() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/sts");
        let service = Service::from_dir(&dir).unwrap();
        let url = |mode: Option<&str>, region: &str| {
            let env =
                crate::config::Env::from_pairs(mode.map(|m| ("AWS_STS_REGIONAL_ENDPOINTS", m)));
            let session = Session::builder()
                .env(env)
                .shared_config(crate::config::SharedConfig::empty())
                .region(region)
                .build()
                .unwrap();
            let config = session.resolve("STS", &ClientConfig::default()).unwrap();
            let resolver = EndpointResolver::new(&service, &config).unwrap();
            let model = service.model.clone();
            let op = model.operation("GetCallerIdentity").unwrap();
            let input = Value::Struct(Vec::new());
            resolver.resolve(&model, op, &input).unwrap().url
        };
        assert_eq!(
            url(None, "us-west-2"),
            "https://sts.us-west-2.amazonaws.com"
        );
        assert_eq!(
            url(Some("regional"), "us-west-2"),
            "https://sts.us-west-2.amazonaws.com"
        );
        assert_eq!(
            url(Some("legacy"), "us-west-2"),
            "https://sts.amazonaws.com"
        );
        // Regions launched after the global endpoint stay regional.
        assert_eq!(
            url(Some("legacy"), "ap-east-1"),
            "https://sts.ap-east-1.amazonaws.com"
        );
    }

    #[test]
    fn regional_endpoint_for_json_services() {
        let e = resolve("sqs", "ap-southeast-2", "ListQueues", json!({})).unwrap();
        assert_eq!(e.url, "https://sqs.ap-southeast-2.amazonaws.com");
        assert_eq!(e.signing_name, "sqs");
    }

    #[test]
    fn multi_region_access_points_need_sigv4a() {
        // Their endpoints name only `sigv4a`: without the feature, a clear
        // error.
        let mrap = "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap";
        let resolved = resolve(
            "s3",
            "us-east-1",
            "GetObject",
            json!({"Bucket": mrap, "Key": "k"}),
        );
        if cfg!(feature = "sigv4a") {
            let scheme = resolved.unwrap().scheme;
            let region_set = "*".to_owned();
            assert_eq!(scheme, EndpointScheme::SigV4a { region_set });
        } else {
            let err = resolved.unwrap_err();
            assert!(err.contains("sigv4a"), "{err}");
        }
    }

    #[test]
    fn error_rules_surface_before_sending() {
        // An access point ARN in another partition is rejected by the rules.
        let arn = "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint:ap";
        let err = resolve(
            "s3",
            "us-east-1",
            "GetObject",
            json!({"Bucket": arn, "Key": "k"}),
        )
        .unwrap_err();
        assert!(err.starts_with("endpoint resolution failed"), "{err}");
    }
}
