//! Which authentication a request gets, as botocore resolves it: the
//! client's `signature_version` set in code, the operation's (else the
//! service's) `auth` trait in model order, reordered by the user's
//! `auth_scheme_preference`, and the endpoint rule set's `authSchemes`
//! (which turn SigV4 into SigV4a for multi-region access points, or into an
//! S3 Express session for directory buckets, and replace a model's legacy
//! SigV2).

use crate::endpoint_resolution::{EndpointScheme, ResolvedEndpoint};
use crate::model::{Operation, ServiceModel};

/// How a client authenticates its requests when set in code (boto3's
/// `Config(signature_version=...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// SigV4, every AWS service's default.
    V4,
    /// SigV4a (multi-region signatures); needs the `sigv4a` cargo feature.
    V4a,
    /// A bearer token, for services whose model allows one.
    Bearer,
    /// No authentication at all (boto3's `UNSIGNED`): reading a public S3
    /// bucket with no credentials, say.
    Unsigned,
}

/// The authentication of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestAuth {
    /// Sent as it is.
    None,
    /// SigV4 with the client's credentials.
    SigV4,
    /// SigV4a with the client's credentials, valid in `region_set`
    /// (comma-separated regions or `*`).
    SigV4a {
        /// The regions the signature is valid in.
        region_set: String,
    },
    /// SigV4 with S3 Express session credentials of `bucket` (from
    /// `CreateSession`), sent with `x-amz-s3session-token`.
    S3Express {
        /// The directory bucket.
        bucket: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// The legacy Signature Version 2 with the client's credentials: form
    /// parameters (`AWSAccessKeyId`, `Signature`, ...), for models whose
    /// `signatureVersion` is `v2` and whose endpoint names no other scheme
    /// (SimpleDB).
    SigV2,
}

/// The auth schemes a model can name, in the forms botocore accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modeled {
    NoAuth,
    SigV4,
    SigV4a,
    Bearer,
    SigV2,
}

impl Modeled {
    fn parse(name: &str) -> Option<Modeled> {
        Some(match name {
            "smithy.api#noAuth" | "none" => Modeled::NoAuth,
            "aws.auth#sigv4" | "v4" | "s3v4" | "s3" | "v4-unsigned-body" => Modeled::SigV4,
            "aws.auth#sigv4a" | "v4a" => Modeled::SigV4a,
            "smithy.api#httpBearerAuth" | "bearer" => Modeled::Bearer,
            "v2" => Modeled::SigV2,
            _ => return None,
        })
    }

    /// The name `auth_scheme_preference` uses (botocore strips the trait
    /// prefix: `sigv4`, `sigv4a`, `httpBearerAuth`, `noAuth`; SigV2 has no
    /// trait, so no preference names it).
    fn preference_name(self) -> &'static str {
        match self {
            Modeled::NoAuth => "noAuth",
            Modeled::SigV4 => "sigv4",
            Modeled::SigV4a => "sigv4a",
            Modeled::Bearer => "httpBearerAuth",
            Modeled::SigV2 => "v2",
        }
    }

    fn from_version(version: SignatureVersion) -> Option<Modeled> {
        match version {
            SignatureVersion::V4 => Some(Modeled::SigV4),
            SignatureVersion::V4a => Some(Modeled::SigV4a),
            SignatureVersion::Bearer => Some(Modeled::Bearer),
            SignatureVersion::Unsigned => None,
        }
    }
}

/// What decides a request's authentication besides the model and endpoint.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthSettings<'a> {
    /// The signature version set in code, if any.
    pub signature_version: Option<SignatureVersion>,
    /// `auth_scheme_preference`, most preferred first.
    pub preference: &'a [String],
    /// `sigv4a_signing_region_set`, if configured.
    pub sigv4a_region_set: Option<&'a str>,
    /// Whether a bearer token is configured in the environment for this
    /// service (`AWS_BEARER_TOKEN_<NAME>`, botocore's Bedrock rule).
    pub env_bearer_token: bool,
}

/// The names of the schemes the operation allows, in model order: its own
/// `auth` trait, else the service's `auth`, else the service's
/// `signatureVersion`.
fn modeled_names<'m>(model: &'m ServiceModel, op: &'m Operation) -> Vec<&'m str> {
    if !op.auth.is_empty() {
        op.auth.iter().map(String::as_str).collect()
    } else if !model.metadata.auth.is_empty() {
        model.metadata.auth.iter().map(String::as_str).collect()
    } else {
        vec![model.metadata.signature_version.as_str()]
    }
}

/// The schemes the operation allows that myaws knows, in model order.
fn modeled(model: &ServiceModel, op: &Operation) -> Vec<Modeled> {
    modeled_names(model, op)
        .into_iter()
        .filter_map(Modeled::parse)
        .collect()
}

/// Whether an operation needs no authentication at all (its first usable
/// scheme is `noAuth`), whatever the client is configured with.
pub fn is_unauthenticated(model: &ServiceModel, op: &Operation) -> bool {
    modeled(model, op).first() == Some(&Modeled::NoAuth)
}

/// Picks the authentication of one request to `endpoint`. `bucket` is the
/// request's S3 bucket, if any (for S3 Express sessions).
pub fn for_request(
    model: &ServiceModel,
    op: &Operation,
    endpoint: &ResolvedEndpoint,
    settings: &AuthSettings<'_>,
    bucket: Option<&str>,
) -> Result<RequestAuth, String> {
    let Some(order) = ordered(model, op, settings) else {
        return Ok(RequestAuth::None);
    };
    for scheme in &order {
        match scheme {
            Modeled::NoAuth => return Ok(RequestAuth::None),
            Modeled::Bearer => return Ok(RequestAuth::Bearer),
            Modeled::SigV4 => return Ok(from_endpoint(endpoint, settings, bucket)),
            Modeled::SigV2 => return Ok(sigv2_or_endpoint(endpoint, settings, bucket)),
            Modeled::SigV4a if cfg!(feature = "sigv4a") => {
                return Ok(RequestAuth::SigV4a {
                    region_set: region_set(endpoint, settings),
                })
            }
            Modeled::SigV4a => {}
        }
    }
    if order.contains(&Modeled::SigV4a) {
        return Err(
            "this operation needs SigV4a, which needs myaws-core's `sigv4a` cargo feature \
             (enable the `sigv4a` feature of the service crate)"
                .to_owned(),
        );
    }
    Err(format!(
        "none of the operation's auth schemes ({}) is supported",
        modeled_names(model, op).join(", ")
    ))
}

/// The signer the user asked for (a signature version set in code, or
/// `auth_scheme_preference`) among the schemes the operation allows, by the
/// name an endpoint's `authSchemes` use (`sigv4`, `sigv4a`). botocore looks
/// for this scheme among the endpoint's first, so a model that lists SigV4a
/// then SigV4, with `auth_scheme_preference = sigv4`, signs with the
/// endpoint's `sigv4` entry and its signing region. Without either setting
/// the endpoint's own first supported scheme wins (`None`).
pub fn requested_endpoint_scheme(
    model: &ServiceModel,
    op: &Operation,
    settings: &AuthSettings<'_>,
) -> Option<&'static str> {
    if settings.signature_version.is_none() && settings.preference.is_empty() {
        return None;
    }
    // The first scheme this build can use, as `for_request` picks it.
    let usable = |s: &Modeled| *s != Modeled::SigV4a || cfg!(feature = "sigv4a");
    match ordered(model, op, settings)?.into_iter().find(usable)? {
        Modeled::SigV4 => Some("sigv4"),
        Modeled::SigV4a => Some("sigv4a"),
        Modeled::NoAuth | Modeled::Bearer | Modeled::SigV2 => None,
    }
}

/// The operation's schemes in the order they are tried: the signature
/// version set in code alone, else model order reordered by the
/// preference. `None` when the request goes unsigned whatever else is set.
fn ordered(
    model: &ServiceModel,
    op: &Operation,
    settings: &AuthSettings<'_>,
) -> Option<Vec<Modeled>> {
    let mut order = modeled(model, op);
    if order.first() == Some(&Modeled::NoAuth) {
        return None;
    }
    match settings.signature_version {
        Some(SignatureVersion::Unsigned) => return None,
        Some(version) => order = Modeled::from_version(version).into_iter().collect(),
        None if !settings.preference.is_empty() => {
            let rank = |m: &Modeled| {
                settings
                    .preference
                    .iter()
                    .position(|p| p == m.preference_name())
                    .unwrap_or(usize::MAX)
            };
            order.sort_by_key(rank);
        }
        None if settings.env_bearer_token && order.contains(&Modeled::Bearer) => {
            order = vec![Modeled::Bearer];
        }
        None => {}
    }
    Some(order)
}

/// SigV2, unless the endpoint names a scheme: botocore lets an endpoint's
/// `authSchemes` replace the model's signature version, so a `v2` model
/// whose rules say `sigv4` (Import/Export) is signed with SigV4.
fn sigv2_or_endpoint(
    endpoint: &ResolvedEndpoint,
    settings: &AuthSettings<'_>,
    bucket: Option<&str>,
) -> RequestAuth {
    match endpoint.scheme {
        EndpointScheme::Default => RequestAuth::SigV2,
        _ => from_endpoint(endpoint, settings, bucket),
    }
}

/// SigV4, or what the endpoint's auth scheme turns it into.
fn from_endpoint(
    endpoint: &ResolvedEndpoint,
    settings: &AuthSettings<'_>,
    bucket: Option<&str>,
) -> RequestAuth {
    match (&endpoint.scheme, bucket) {
        (EndpointScheme::SigV4a { .. }, _) => RequestAuth::SigV4a {
            region_set: region_set(endpoint, settings),
        },
        (EndpointScheme::S3Express, Some(bucket)) => RequestAuth::S3Express {
            bucket: bucket.to_owned(),
        },
        _ => RequestAuth::SigV4,
    }
}

/// The SigV4a region set: configured, else the endpoint's, else `*`.
fn region_set(endpoint: &ResolvedEndpoint, settings: &AuthSettings<'_>) -> String {
    if let Some(set) = settings.sigv4a_region_set {
        return set.to_owned();
    }
    match &endpoint.scheme {
        EndpointScheme::SigV4a { region_set } if !region_set.is_empty() => region_set.clone(),
        _ => "*".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ServiceModel;

    fn model(metadata_auth: &str, op_auth: &str) -> ServiceModel {
        let text = format!(
            r#"{{"version":"2.0","metadata":{{"protocol":"json","apiVersion":"1","endpointPrefix":"x",
            "serviceId":"X","signatureVersion":"v4","jsonVersion":"1.0","targetPrefix":"X","auth":[{metadata_auth}]}},
            "operations":{{"Op":{{"name":"Op","http":{{"method":"POST","requestUri":"/"}},"auth":[{op_auth}]}}}},
            "shapes":{{}}}}"#
        );
        ServiceModel::from_json(&text).unwrap()
    }

    fn endpoint(scheme: EndpointScheme) -> ResolvedEndpoint {
        ResolvedEndpoint {
            url: "https://x".into(),
            headers: Vec::new(),
            signing_name: "x".into(),
            signing_region: "us-east-1".into(),
            disable_double_encoding: false,
            scheme,
        }
    }

    fn pick(
        m: &ServiceModel,
        e: &ResolvedEndpoint,
        s: &AuthSettings<'_>,
        bucket: Option<&str>,
    ) -> Result<RequestAuth, String> {
        for_request(m, &m.operations[0], e, s, bucket)
    }

    #[test]
    fn model_order_and_no_auth() {
        let plain = endpoint(EndpointScheme::Default);
        let s = AuthSettings::default();
        let m = model(r#""aws.auth#sigv4","aws.auth#sigv4a""#, "");
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::SigV4));
        let m = model(r#""aws.auth#sigv4""#, r#""smithy.api#noAuth""#);
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::None));
        assert!(is_unauthenticated(&m, &m.operations[0]));
        let m = model(r#""smithy.api#httpBearerAuth""#, "");
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::Bearer));
        // Unsigned in code wins over the model, but noAuth ops stay unsigned
        // whatever is set.
        let m = model(r#""aws.auth#sigv4""#, "");
        let unsigned = AuthSettings {
            signature_version: Some(SignatureVersion::Unsigned),
            ..Default::default()
        };
        assert_eq!(pick(&m, &plain, &unsigned, None), Ok(RequestAuth::None));
    }

    #[test]
    fn preference_and_env_bearer() {
        let plain = endpoint(EndpointScheme::Default);
        let m = model(r#""aws.auth#sigv4","smithy.api#httpBearerAuth""#, "");
        let pref = vec!["httpBearerAuth".to_owned()];
        let s = AuthSettings {
            preference: &pref,
            ..Default::default()
        };
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::Bearer));
        let s = AuthSettings {
            env_bearer_token: true,
            ..Default::default()
        };
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::Bearer));
        // ...unless a signature version is set in code.
        let s = AuthSettings {
            env_bearer_token: true,
            signature_version: Some(SignatureVersion::V4),
            ..Default::default()
        };
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::SigV4));
    }

    #[test]
    fn endpoint_schemes_turn_sigv4_into_express_or_sigv4a() {
        let m = model(r#""aws.auth#sigv4""#, "");
        let s = AuthSettings::default();
        let express = endpoint(EndpointScheme::S3Express);
        assert_eq!(
            pick(&m, &express, &s, Some("b--usw2-az1--x-s3")),
            Ok(RequestAuth::S3Express {
                bucket: "b--usw2-az1--x-s3".into()
            })
        );
        let mrap = endpoint(EndpointScheme::SigV4a {
            region_set: "*".into(),
        });
        assert_eq!(
            pick(&m, &mrap, &s, None),
            Ok(RequestAuth::SigV4a {
                region_set: "*".into()
            })
        );
        let configured = AuthSettings {
            sigv4a_region_set: Some("us-west-2"),
            ..Default::default()
        };
        assert_eq!(
            pick(&m, &mrap, &configured, None),
            Ok(RequestAuth::SigV4a {
                region_set: "us-west-2".into()
            })
        );
    }

    #[test]
    fn sigv2_models_sign_with_sigv2_unless_the_endpoint_names_a_scheme() {
        let text = r#"{"version":"2.0","metadata":{"protocol":"query","apiVersion":"1",
            "endpointPrefix":"sdb","serviceId":"SimpleDB","signatureVersion":"v2"},
            "operations":{"Op":{"name":"Op","http":{"method":"POST","requestUri":"/"}}},
            "shapes":{}}"#;
        let m = ServiceModel::from_json(text).unwrap();
        let s = AuthSettings::default();
        let plain = endpoint(EndpointScheme::Default);
        assert_eq!(pick(&m, &plain, &s, None), Ok(RequestAuth::SigV2));
        let sigv4 = endpoint(EndpointScheme::SigV4);
        assert_eq!(pick(&m, &sigv4, &s, None), Ok(RequestAuth::SigV4));
        let unknown = text.replace(r#""v2""#, r#""v9""#);
        let m = ServiceModel::from_json(&unknown).unwrap();
        assert_eq!(
            pick(&m, &plain, &s, None),
            Err("none of the operation's auth schemes (v9) is supported".to_owned())
        );
    }

    #[test]
    fn sigv4a_only_models_need_the_feature() {
        let m = model(r#""aws.auth#sigv4a""#, "");
        let got = pick(
            &m,
            &endpoint(EndpointScheme::Default),
            &AuthSettings::default(),
            None,
        );
        if cfg!(feature = "sigv4a") {
            assert_eq!(
                got,
                Ok(RequestAuth::SigV4a {
                    region_set: "*".into()
                })
            );
        } else {
            assert!(got.unwrap_err().contains("`sigv4a` cargo feature"));
        }
    }
}
