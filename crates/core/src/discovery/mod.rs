//! Endpoint discovery, as botocore's `discovery.py` does it, for the
//! services that model it (DynamoDB, Timestream): operations with the
//! `endpointdiscovery` trait are sent to an endpoint the service's
//! `endpointoperation` (`DescribeEndpoints`) names, cached for its
//! `CachePeriodInMinutes`.
//!
//! * `endpoint_discovery_enabled` ([`EndpointDiscovery`]): `true` discovers
//!   for every operation that supports it; `auto` (the default) only for
//!   operations that require it; `false` never (and operations that require
//!   it fail before sending). A client whose endpoint URL was set in code
//!   never discovers, as in botocore ([`DiscoveryMode`]).
//! * The cache ([`EndpointCache`]) is keyed as botocore keys it: by the
//!   operation name and its `endpointdiscoveryid` members' values, when the
//!   discovery operation takes them and there are any (DynamoDB's takes
//!   neither: one entry per client).
//! * A refresh that fails to connect is not tried again for 60 s; meanwhile
//!   stale endpoints are used, else (optional discovery) the regular
//!   endpoint, else (required) the call fails. Other failures of the
//!   discovery call fail the call, as in botocore.
//! * A `421` or `InvalidEndpointException` drops the cached endpoints and
//!   the attempt is retried at once (within `max_attempts`).
//! * The discovery operation itself is sent with `x-amz-api-version`.

pub mod cache;

use crate::model::{Operation, ServiceModel, ShapeId, ShapeKind};
use crate::value::Value;

pub use cache::{CacheKey, DiscoveredEndpoint, EndpointCache};

/// The `endpoint_discovery_enabled` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointDiscovery {
    /// Discover only for operations that require it (botocore's default).
    #[default]
    Auto,
    /// Discover for every operation that supports it.
    Enabled,
    /// Never discover; operations that require it fail.
    Disabled,
}

impl EndpointDiscovery {
    /// Parses `true`, `false` or `auto` (ASCII case and surrounding
    /// whitespace ignored, as botocore does).
    pub fn parse(text: &str) -> Option<EndpointDiscovery> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(EndpointDiscovery::Auto),
            "true" => Some(EndpointDiscovery::Enabled),
            "false" => Some(EndpointDiscovery::Disabled),
            _ => None,
        }
    }
}

/// What a client does about endpoint discovery (botocore's
/// `_register_endpoint_discovery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscoveryMode {
    /// Nothing: the endpoint URL was set in code, or the service has no
    /// discovery operation.
    Off,
    /// Discovery is not on: operations that require it are refused.
    Blocked,
    /// Discovery is on: for every supporting operation (`always`), or only
    /// for those that require it.
    Active {
        /// Discover for optional operations too.
        always: bool,
    },
}

impl DiscoveryMode {
    /// The mode of a client of `model` with `setting`;
    /// `endpoint_url_from_code` is an endpoint URL set in code.
    pub fn for_client(
        setting: EndpointDiscovery,
        endpoint_url_from_code: bool,
        model: &ServiceModel,
    ) -> DiscoveryMode {
        if endpoint_url_from_code || model.endpoint_discovery_operation().is_none() {
            return DiscoveryMode::Off;
        }
        match setting {
            EndpointDiscovery::Enabled => DiscoveryMode::Active { always: true },
            EndpointDiscovery::Auto if model.endpoint_discovery_required() => {
                DiscoveryMode::Active { always: false }
            }
            EndpointDiscovery::Auto | EndpointDiscovery::Disabled => DiscoveryMode::Blocked,
        }
    }

    /// Whether `operation` must be refused before sending (it requires
    /// discovery, which is not on).
    pub fn blocks(self, operation: &Operation) -> bool {
        self == DiscoveryMode::Blocked && operation.endpoint_discovery.is_some_and(|d| d.required)
    }

    /// Whether a call of `operation` takes part in discovery (its endpoint
    /// may be discovered, and a 421 invalidates the cache).
    pub fn applies_to(self, operation: &Operation) -> bool {
        matches!(self, DiscoveryMode::Active { .. }) && operation.endpoint_discovery.is_some()
    }

    /// Whether a call of `operation` looks its endpoint up.
    pub fn discovers(self, operation: &Operation) -> bool {
        match self {
            DiscoveryMode::Active { always } => operation
                .endpoint_discovery
                .is_some_and(|d| always || d.required),
            _ => false,
        }
    }
}

/// Deepest structure nesting searched for `endpointdiscoveryid` members.
const MAX_ID_DEPTH: usize = 32;

/// The values of the input's `endpointdiscoveryid` members, by member name
/// and sorted (botocore's `gather_identifiers`: top-level members and those
/// of nested structures that are set).
pub fn gather_identifiers(
    model: &ServiceModel,
    shape: ShapeId,
    input: &Value,
) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    gather(model, shape, input, &mut ids, 0);
    ids.sort();
    ids.dedup_by(|a, b| a.0 == b.0);
    ids
}

fn gather(
    model: &ServiceModel,
    shape: ShapeId,
    value: &Value,
    ids: &mut Vec<(String, String)>,
    depth: usize,
) {
    let Value::Struct(slots) = value else {
        return;
    };
    if depth > MAX_ID_DEPTH {
        return;
    }
    for (member, slot) in model.shape(shape).members.iter().zip(slots) {
        if slot.is_null() {
            continue;
        }
        if member.endpoint_discovery_id {
            ids.push((member.name.clone(), id_text(slot)));
        } else if model.shape(member.target).kind == ShapeKind::Structure {
            gather(model, member.target, slot, ids, depth + 1);
        }
    }
}

/// An identifier's value as text (they are strings in practice).
fn id_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// The members of the discovery operation's input, by name: what it takes
/// of `Operation` and `Identifiers`.
fn discovery_members(
    model: &ServiceModel,
    discovery: &Operation,
) -> (Option<usize>, Option<usize>) {
    let Some(input) = discovery.input.map(|id| model.shape(id)) else {
        return (None, None);
    };
    (
        input.member_index("Operation"),
        input.member_index("Identifiers"),
    )
}

/// The cache key of a call of `operation` with identifiers `ids`
/// (botocore's `_create_cache_key`: `Operation` and `Identifiers` only
/// count when there are identifiers and the discovery operation takes them).
pub fn cache_key(
    model: &ServiceModel,
    discovery: &Operation,
    operation: &str,
    ids: &[(String, String)],
) -> CacheKey {
    if ids.is_empty() {
        return CacheKey::default();
    }
    let (op_member, ids_member) = discovery_members(model, discovery);
    CacheKey {
        operation: op_member.map(|_| operation.to_owned()),
        identifiers: ids_member.map(|_| ids.to_vec()).unwrap_or_default(),
    }
}

/// The discovery operation's input for a call of `operation` with `ids`
/// (botocore's `discovery_operation_kwargs`).
pub fn discovery_input(
    model: &ServiceModel,
    discovery: &Operation,
    operation: &str,
    ids: &[(String, String)],
) -> Value {
    let Some(input) = discovery.input.map(|id| model.shape(id)) else {
        return Value::Null;
    };
    let mut slots = vec![Value::Null; input.members.len()];
    if !ids.is_empty() {
        let (op_member, ids_member) = discovery_members(model, discovery);
        if let Some(i) = op_member {
            slots[i] = Value::String(operation.to_owned());
        }
        if let Some(i) = ids_member {
            slots[i] = Value::Map(
                ids.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            );
        }
    }
    Value::Struct(slots)
}

/// Most endpoints kept from one discovery response.
pub const MAX_ENDPOINTS: usize = 16;
/// Longest cache period honoured, in minutes (a week).
pub const MAX_CACHE_MINUTES: i64 = 7 * 24 * 60;

/// The endpoints of a discovery response (`Endpoints[].Address`,
/// `CachePeriodInMinutes`), expiring from `now` (seconds by the cache's
/// clock). Addresses without a scheme get `https://`. An endpoint without
/// an address or period, or with an address that is not a URL, makes the
/// response unusable.
pub fn parse_endpoints(
    model: &ServiceModel,
    discovery: &Operation,
    output: &Value,
    now: f64,
) -> Result<Vec<DiscoveredEndpoint>, String> {
    let shape = discovery
        .output
        .map(|id| model.shape(id))
        .ok_or("the discovery operation has no output")?;
    let Value::Struct(slots) = output else {
        return Err("the response has no endpoints".into());
    };
    let index = shape
        .member_index("Endpoints")
        .ok_or("the discovery operation's output has no `Endpoints`")?;
    let Some(Value::List(items)) = slots.get(index) else {
        return Err("the response has no `Endpoints` list".into());
    };
    let item_shape = shape.members[index].target;
    let endpoint_shape = model
        .shape(item_shape)
        .member
        .as_ref()
        .map(|m| model.shape(m.target))
        .ok_or("`Endpoints` is not a list of endpoints")?;
    let address_at = endpoint_shape.member_index("Address");
    let period_at = endpoint_shape.member_index("CachePeriodInMinutes");
    let mut endpoints = Vec::new();
    for item in items.iter().take(MAX_ENDPOINTS) {
        let Value::Struct(fields) = item else {
            return Err("an endpoint is not a structure".into());
        };
        let field = |at: Option<usize>| at.and_then(|i| fields.get(i));
        let Some(Value::String(address)) = field(address_at) else {
            return Err("an endpoint has no `Address`".into());
        };
        let Some(Value::Integer(minutes)) = field(period_at) else {
            return Err(format!(
                "endpoint {address:?} has no `CachePeriodInMinutes`"
            ));
        };
        endpoints.push(DiscoveredEndpoint {
            url: endpoint_url(address)?,
            expires: now + (*minutes).clamp(0, MAX_CACHE_MINUTES) as f64 * 60.0,
        });
    }
    Ok(endpoints)
}

/// A discovered address as a URL (botocore prefixes `https://` when it does
/// not start with `http`).
fn endpoint_url(address: &str) -> Result<String, String> {
    let http = address.starts_with("http://") || address.starts_with("https://");
    if address.contains("://") && !http {
        return Err(format!(
            "discovered endpoint {address:?} is not an HTTP(S) URL"
        ));
    }
    let url = if address.starts_with("http") {
        address.to_owned()
    } else {
        format!("https://{address}")
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|_| format!("discovered endpoint {address:?} is not a URL"))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let host_ok = uri.host().is_some_and(|h| !h.is_empty());
    if !scheme_ok || !host_ok || uri.query().is_some() {
        return Err(format!(
            "discovered endpoint {address:?} is not an HTTP(S) URL"
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests;
