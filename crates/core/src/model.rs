//! The service model: botocore's `service-2.json`, loaded at run time.
//!
//! Everything protocol-specific in myaws is driven by this model, as in
//! botocore's `botocore.model`. Generated crates embed a compact copy of their
//! model (documentation stripped) and load it once per process; the dynamic call
//! path and the protocol test runner load full botocore files with the same code.
//!
//! Shapes are stored in one vector and referenced by [`ShapeId`]; structure
//! members keep the order of the JSON document, which is also the field order of
//! the generated Rust structs (a [`crate::Value::Struct`] is indexed by it).

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// Index of a shape in [`ServiceModel::shapes`].
pub type ShapeId = usize;

/// The wire protocols botocore models use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// AWS query protocol (form-encoded request, XML response).
    Query,
    /// EC2 query protocol.
    Ec2,
    /// AWS JSON 1.0 / 1.1 RPC protocol.
    Json,
    /// REST with JSON bodies.
    RestJson,
    /// REST with XML bodies.
    RestXml,
    /// Smithy RPC v2 with CBOR bodies.
    RpcV2Cbor,
}

impl Protocol {
    /// botocore's priority order for models that list several protocols.
    pub const PRIORITY: [Protocol; 6] = [
        Protocol::Json,
        Protocol::RestJson,
        Protocol::RestXml,
        Protocol::RpcV2Cbor,
        Protocol::Query,
        Protocol::Ec2,
    ];

    /// Parses botocore's protocol name.
    pub fn from_name(name: &str) -> Option<Protocol> {
        Some(match name {
            "query" => Protocol::Query,
            "ec2" => Protocol::Ec2,
            "json" => Protocol::Json,
            "rest-json" => Protocol::RestJson,
            "rest-xml" => Protocol::RestXml,
            "smithy-rpc-v2-cbor" => Protocol::RpcV2Cbor,
            _ => return None,
        })
    }

    /// botocore's name for this protocol.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Query => "query",
            Protocol::Ec2 => "ec2",
            Protocol::Json => "json",
            Protocol::RestJson => "rest-json",
            Protocol::RestXml => "rest-xml",
            Protocol::RpcV2Cbor => "smithy-rpc-v2-cbor",
        }
    }
}

/// The kind of a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShapeKind {
    /// A structure (or union, or document when [`Shape::document`] is set).
    Structure,
    /// A list of `member`.
    List,
    /// A map from `key` to `value`.
    Map,
    /// A string (possibly an enum).
    String,
    /// 8-bit integer.
    Byte,
    /// 16-bit integer.
    Short,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// Boolean.
    Boolean,
    /// Bytes.
    Blob,
    /// A point in time.
    Timestamp,
}

impl ShapeKind {
    fn from_name(name: &str) -> Option<ShapeKind> {
        Some(match name {
            "structure" => ShapeKind::Structure,
            "list" => ShapeKind::List,
            "map" => ShapeKind::Map,
            "string" | "character" => ShapeKind::String,
            "byte" => ShapeKind::Byte,
            "short" => ShapeKind::Short,
            "integer" => ShapeKind::Integer,
            "long" | "bigInteger" => ShapeKind::Long,
            "float" => ShapeKind::Float,
            "double" | "bigDecimal" => ShapeKind::Double,
            "boolean" => ShapeKind::Boolean,
            "blob" => ShapeKind::Blob,
            "timestamp" => ShapeKind::Timestamp,
            _ => return None,
        })
    }
}

/// Where a member is bound in an HTTP message (REST protocols).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Location {
    /// In the body (the default).
    #[default]
    Body,
    /// A URI path label.
    Uri,
    /// A query string parameter.
    Querystring,
    /// A single header.
    Header,
    /// A map of headers sharing a prefix.
    Headers,
    /// The HTTP status code.
    StatusCode,
}

/// A reference from a structure, list or map to a shape, with its traits.
#[derive(Debug, Clone, Default)]
pub struct Member {
    /// The member's name (the key in the structure's `members`).
    pub name: String,
    /// The target shape.
    pub target: ShapeId,
    /// Where the member goes on the wire.
    pub location: Location,
    /// Wire name (`locationName`), if different from the member name.
    pub location_name: Option<String>,
    /// EC2 query name (`queryName`).
    pub query_name: Option<String>,
    /// Whether the member is required.
    pub required: bool,
    /// Member-level `flattened`.
    pub flattened: bool,
    /// Serialized as an XML attribute.
    pub xml_attribute: bool,
    /// XML namespace `(prefix, uri)`.
    pub xml_namespace: Option<XmlNamespace>,
    /// JSON-encoded (and base64'd) header value.
    pub json_value: bool,
    /// Filled with a UUID when absent.
    pub idempotency_token: bool,
    /// Substituted into the endpoint host prefix.
    pub host_label: bool,
    /// Timestamp format override.
    pub timestamp_format: Option<TimestampFormat>,
    /// Streaming payload member.
    pub streaming: bool,
    /// Event stream payload member.
    pub event_payload: bool,
    /// Endpoint rule parameter bound from this member.
    pub context_param: Option<String>,
}

impl Member {
    /// The name on the wire: `locationName` or the member name.
    pub fn wire_name(&self) -> &str {
        self.location_name.as_deref().unwrap_or(&self.name)
    }
}

/// An XML namespace declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlNamespace {
    /// Prefix (`xmlns:prefix`), or none for the default namespace.
    pub prefix: Option<String>,
    /// Namespace URI.
    pub uri: String,
}

/// Timestamp wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampFormat {
    /// `2014-04-29T18:30:38Z`
    Iso8601,
    /// `Tue, 29 Apr 2014 18:30:38 GMT`
    Rfc822,
    /// Seconds since the epoch, possibly fractional.
    UnixTimestamp,
}

impl TimestampFormat {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "iso8601" => Some(Self::Iso8601),
            "rfc822" => Some(Self::Rfc822),
            "unixTimestamp" => Some(Self::UnixTimestamp),
            _ => None,
        }
    }
}

/// Modeled error traits of an exception shape.
#[derive(Debug, Clone, Default)]
pub struct ErrorTraits {
    /// Error code used on the wire, if it differs from the shape name.
    pub code: Option<String>,
    /// HTTP status the service uses.
    pub http_status_code: Option<u16>,
    /// True for client faults.
    pub sender_fault: bool,
}

/// A shape: a type in the service's API.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The shape's name.
    pub name: String,
    /// The shape's kind.
    pub kind: ShapeKind,
    /// Structure members in model order.
    pub members: Vec<Member>,
    /// List member, or map key.
    pub member: Option<Box<Member>>,
    /// Map key.
    pub key: Option<Box<Member>>,
    /// Map value.
    pub value: Option<Box<Member>>,
    /// Allowed values of an enum string.
    pub enum_values: Vec<String>,
    /// Shape-level `flattened`.
    pub flattened: bool,
    /// Shape-level `locationName` (XML element name).
    pub location_name: Option<String>,
    /// Shape-level XML namespace.
    pub xml_namespace: Option<XmlNamespace>,
    /// Name of the payload member (REST protocols).
    pub payload: Option<String>,
    /// This structure is an exception.
    pub exception: bool,
    /// Error traits of an exception.
    pub error: Option<ErrorTraits>,
    /// This structure is a union (exactly one member set).
    pub union: bool,
    /// This structure is an open document.
    pub document: bool,
    /// Values are secret and never printed.
    pub sensitive: bool,
    /// Streaming blob.
    pub streaming: bool,
    /// Event stream structure.
    pub event_stream: bool,
    /// Event structure.
    pub event: bool,
    /// Timestamp format of a timestamp shape.
    pub timestamp_format: Option<TimestampFormat>,
    /// Minimum length / value.
    pub min: Option<f64>,
    /// Maximum length / value.
    pub max: Option<f64>,
    /// Documentation HTML (absent in compact models).
    pub documentation: Option<String>,
    /// Service-level `jsonvalue` on string shapes.
    pub json_value: bool,
}

impl Shape {
    /// Finds a structure member by name.
    pub fn member_index(&self, name: &str) -> Option<usize> {
        self.members.iter().position(|m| m.name == name)
    }
}

/// HTTP binding of an operation.
#[derive(Debug, Clone, Default)]
pub struct HttpBinding {
    /// HTTP method.
    pub method: String,
    /// Request URI template (`/{Bucket}/{Key+}?uploads`).
    pub request_uri: String,
    /// Success status code.
    pub response_code: Option<u16>,
}

/// Flexible checksum traits of an operation.
#[derive(Debug, Clone, Default)]
pub struct HttpChecksum {
    /// A checksum is always required.
    pub request_checksum_required: bool,
    /// Input member naming the request checksum algorithm.
    pub request_algorithm_member: Option<String>,
    /// Input member enabling response validation.
    pub request_validation_mode_member: Option<String>,
    /// Algorithms the response may carry.
    pub response_algorithms: Vec<String>,
}

/// An operation of the service.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Operation name (`SendMessage`).
    pub name: String,
    /// HTTP binding.
    pub http: HttpBinding,
    /// Input structure.
    pub input: Option<ShapeId>,
    /// Output structure.
    pub output: Option<ShapeId>,
    /// Output `resultWrapper` (query protocol).
    pub output_result_wrapper: Option<String>,
    /// `locationName` on the input reference: the XML root element name of a
    /// rest-xml request body.
    pub input_location_name: Option<String>,
    /// `xmlNamespace` on the input reference (rest-xml request body root).
    pub input_xml_namespace: Option<XmlNamespace>,
    /// Modeled errors.
    pub errors: Vec<ShapeId>,
    /// Endpoint host prefix template.
    pub host_prefix: Option<String>,
    /// Auth types (`v4`, `none`, `bearer`, ...), from `auth` or `authtype`.
    pub auth: Vec<String>,
    /// `httpChecksumRequired` (Content-MD5 needed).
    pub http_checksum_required: bool,
    /// Flexible checksum traits.
    pub http_checksum: Option<HttpChecksum>,
    /// Static endpoint context parameters.
    pub static_context_params: Vec<(String, serde_json::Value)>,
    /// Endpoint context parameters bound by JMESPath expressions on the input.
    pub operation_context_params: Vec<(String, String)>,
    /// Request compression encodings.
    pub request_compression: Vec<String>,
    /// `unsignedPayload` trait.
    pub unsigned_payload: bool,
    /// Documentation HTML (absent in compact models).
    pub documentation: Option<String>,
    /// Deprecated operation.
    pub deprecated: bool,
}

/// Service-wide metadata.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// API version (`2012-11-05`).
    pub api_version: String,
    /// Endpoint prefix (`sqs`).
    pub endpoint_prefix: String,
    /// Service id (`SQS`), used in event names (lower-cased, hyphenated).
    pub service_id: String,
    /// Full service name.
    pub service_full_name: String,
    /// Signing name (defaults to the endpoint prefix).
    pub signing_name: Option<String>,
    /// Signature version (`v4`, `s3v4`, `bearer`).
    pub signature_version: String,
    /// JSON version (`1.0` / `1.1`).
    pub json_version: Option<String>,
    /// `X-Amz-Target` prefix.
    pub target_prefix: Option<String>,
    /// XML namespace of query/rest-xml services.
    pub xml_namespace: Option<String>,
    /// Service supports query-compatible error codes.
    pub aws_query_compatible: bool,
    /// Global endpoint host, if any.
    pub global_endpoint: Option<String>,
    /// Unique service id.
    pub uid: Option<String>,
    /// All protocols the model lists.
    pub protocols: Vec<String>,
    /// Auth schemes of the service (`aws.auth#sigv4`, ...).
    pub auth: Vec<String>,
}

/// A loaded service model.
#[derive(Debug, Clone)]
pub struct ServiceModel {
    /// Service metadata.
    pub metadata: Metadata,
    /// The protocol myaws speaks to this service.
    pub protocol: Protocol,
    /// Operations in model order.
    pub operations: Vec<Operation>,
    /// All shapes.
    pub shapes: Vec<Shape>,
    /// Service documentation HTML, if kept.
    pub documentation: Option<String>,
    operation_index: HashMap<String, usize>,
    shape_index: HashMap<String, ShapeId>,
}

/// A problem found while loading a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid service model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

impl ServiceModel {
    /// Parses a botocore `service-2.json` document.
    pub fn from_json(text: &str) -> Result<ServiceModel, ModelError> {
        let raw: RawModel = serde_json::from_str(text).map_err(|e| ModelError(e.to_string()))?;
        Self::from_raw(raw)
    }

    /// Builds a model from a parsed JSON value (e.g. a protocol test case).
    pub fn from_value(value: serde_json::Value) -> Result<ServiceModel, ModelError> {
        let raw: RawModel = serde_json::from_value(value).map_err(|e| ModelError(e.to_string()))?;
        Self::from_raw(raw)
    }

    /// Looks up an operation by name.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operation_index.get(name).map(|&i| &self.operations[i])
    }

    /// Index of an operation by name.
    pub fn operation_id(&self, name: &str) -> Option<usize> {
        self.operation_index.get(name).copied()
    }

    /// Looks up a shape id by name.
    pub fn shape_id(&self, name: &str) -> Option<ShapeId> {
        self.shape_index.get(name).copied()
    }

    /// The exception shape whose error code (or, failing that, name) is `code`.
    pub fn error_shape_for_code(&self, code: &str) -> Option<ShapeId> {
        let exceptions = || (0..self.shapes.len()).filter(|&id| self.shapes[id].exception);
        exceptions()
            .find(|&id| {
                let s = &self.shapes[id];
                s.error
                    .as_ref()
                    .and_then(|e| e.code.as_deref())
                    .unwrap_or(&s.name)
                    == code
            })
            .or_else(|| exceptions().find(|&id| self.shapes[id].name == code))
    }

    /// The shape with this id.
    pub fn shape(&self, id: ShapeId) -> &Shape {
        &self.shapes[id]
    }

    /// The name used in event names: the service id, lower-cased with hyphens
    /// (`SQS` → `sqs`, `CloudWatch Logs` → `cloudwatch-logs`), as botocore does.
    pub fn event_name(&self) -> String {
        let id = if self.metadata.service_id.is_empty() {
            &self.metadata.endpoint_prefix
        } else {
            &self.metadata.service_id
        };
        id.trim().replace(' ', "-").to_ascii_lowercase()
    }

    /// The signing name: `signingName` or the endpoint prefix.
    pub fn signing_name(&self) -> &str {
        self.metadata
            .signing_name
            .as_deref()
            .unwrap_or(&self.metadata.endpoint_prefix)
    }

    fn from_raw(raw: RawModel) -> Result<ServiceModel, ModelError> {
        let m = raw.metadata;
        let protocols = if m.protocols.is_empty() {
            m.protocol.iter().cloned().collect()
        } else {
            m.protocols.clone()
        };
        let protocol = Protocol::PRIORITY
            .into_iter()
            .find(|p| protocols.iter().any(|n| n == p.name()))
            .or_else(|| m.protocol.as_deref().and_then(Protocol::from_name))
            .ok_or_else(|| ModelError(format!("no supported protocol among {protocols:?}")))?;
        let metadata = Metadata {
            api_version: m.api_version.unwrap_or_default(),
            endpoint_prefix: m.endpoint_prefix.unwrap_or_default(),
            service_id: m.service_id.unwrap_or_default(),
            service_full_name: m.service_full_name.unwrap_or_default(),
            signing_name: m.signing_name,
            signature_version: m.signature_version.unwrap_or_else(|| "v4".into()),
            json_version: m.json_version,
            target_prefix: m.target_prefix,
            xml_namespace: m.xml_namespace,
            aws_query_compatible: m.aws_query_compatible.is_some(),
            global_endpoint: m.global_endpoint,
            uid: m.uid,
            protocols,
            auth: m.auth,
        };

        let mut shape_index = HashMap::with_capacity(raw.shapes.0.len());
        for (i, (name, _)) in raw.shapes.0.iter().enumerate() {
            shape_index.insert(name.clone(), i);
        }
        let resolve = |name: &str, ctx: &str| -> Result<ShapeId, ModelError> {
            shape_index
                .get(name)
                .copied()
                .ok_or_else(|| ModelError(format!("{ctx} refers to unknown shape `{name}`")))
        };

        let mut shapes = Vec::with_capacity(raw.shapes.0.len());
        for (name, rs) in raw.shapes.0 {
            let kind = ShapeKind::from_name(&rs.kind).ok_or_else(|| {
                ModelError(format!("shape `{name}` has unknown type `{}`", rs.kind))
            })?;
            let mut members = Vec::with_capacity(rs.members.0.len());
            for (mname, rm) in rs.members.0 {
                let required = rs.required.contains(&mname);
                let mut member = build_member(rm, &resolve, &name)?;
                member.name = mname;
                member.required = required;
                members.push(member);
            }
            let single =
                |rm: Option<RawMember>, label: &str| -> Result<Option<Box<Member>>, ModelError> {
                    match rm {
                        None => Ok(None),
                        Some(rm) => {
                            let mut m = build_member(rm, &resolve, &name)?;
                            m.name = label.to_string();
                            Ok(Some(Box::new(m)))
                        }
                    }
                };
            let error = rs.error.map(|e| ErrorTraits {
                code: e.code,
                http_status_code: e.http_status_code,
                sender_fault: e.sender_fault.unwrap_or(false),
            });
            shapes.push(Shape {
                kind,
                members,
                member: single(rs.member, "member")?,
                key: single(rs.key, "key")?,
                value: single(rs.value, "value")?,
                enum_values: rs.enum_values,
                flattened: rs.flattened,
                location_name: rs.location_name,
                xml_namespace: rs.xml_namespace.map(XmlNamespace::from),
                payload: rs.payload,
                exception: rs.exception,
                error,
                union: rs.union,
                document: rs.document,
                sensitive: rs.sensitive,
                streaming: rs.streaming,
                event_stream: rs.eventstream,
                event: rs.event,
                timestamp_format: rs
                    .timestamp_format
                    .as_deref()
                    .and_then(TimestampFormat::from_name),
                min: rs.min,
                max: rs.max,
                documentation: rs.documentation,
                json_value: rs.jsonvalue,
                name,
            });
        }
        for shape in &shapes {
            if shape.kind == ShapeKind::List && shape.member.is_none() {
                return Err(ModelError(format!("list `{}` has no member", shape.name)));
            }
            if shape.kind == ShapeKind::Map && (shape.key.is_none() || shape.value.is_none()) {
                return Err(ModelError(format!(
                    "map `{}` lacks key or value",
                    shape.name
                )));
            }
        }

        let mut operations = Vec::with_capacity(raw.operations.0.len());
        let mut operation_index = HashMap::with_capacity(raw.operations.0.len());
        for (key, ro) in raw.operations.0 {
            let name = ro.name.clone().unwrap_or(key);
            operations.push(build_operation(name.clone(), ro, &resolve)?);
            operation_index.insert(name, operations.len() - 1);
        }
        Ok(ServiceModel {
            metadata,
            protocol,
            operations,
            shapes,
            documentation: raw.documentation,
            operation_index,
            shape_index,
        })
    }

    /// Adds an operation to the model (used by test runners whose cases carry
    /// their own operation definitions). Returns its index.
    pub fn add_operation(&mut self, json: serde_json::Value) -> Result<usize, ModelError> {
        let ro: RawOperation =
            serde_json::from_value(json).map_err(|e| ModelError(e.to_string()))?;
        let name = ro.name.clone().unwrap_or_default();
        let index = &self.shape_index;
        let resolve = |n: &str, ctx: &str| -> Result<ShapeId, ModelError> {
            index
                .get(n)
                .copied()
                .ok_or_else(|| ModelError(format!("{ctx} refers to unknown shape `{n}`")))
        };
        let op = build_operation(name.clone(), ro, &resolve)?;
        self.operations.push(op);
        let id = self.operations.len() - 1;
        self.operation_index.insert(name, id);
        Ok(id)
    }
}

fn build_member(
    rm: RawMember,
    resolve: &dyn Fn(&str, &str) -> Result<ShapeId, ModelError>,
    ctx: &str,
) -> Result<Member, ModelError> {
    Ok(Member {
        name: String::new(),
        target: resolve(&rm.shape, ctx)?,
        location: match rm.location.as_deref() {
            None => Location::Body,
            Some("uri") => Location::Uri,
            Some("querystring") => Location::Querystring,
            Some("header") => Location::Header,
            Some("headers") => Location::Headers,
            Some("statusCode") => Location::StatusCode,
            Some(other) => return Err(ModelError(format!("{ctx}: unknown location `{other}`"))),
        },
        location_name: rm.location_name,
        query_name: rm.query_name,
        required: false,
        flattened: rm.flattened,
        xml_attribute: rm.xml_attribute,
        xml_namespace: rm.xml_namespace.map(XmlNamespace::from),
        json_value: rm.jsonvalue,
        idempotency_token: rm.idempotency_token,
        host_label: rm.host_label,
        timestamp_format: rm
            .timestamp_format
            .as_deref()
            .and_then(TimestampFormat::from_name),
        streaming: rm.streaming,
        event_payload: rm.eventpayload,
        context_param: rm.context_param.map(|c| c.name),
    })
}

fn build_operation(
    name: String,
    ro: RawOperation,
    resolve: &dyn Fn(&str, &str) -> Result<ShapeId, ModelError>,
) -> Result<Operation, ModelError> {
    let input = ro
        .input
        .as_ref()
        .map(|r| resolve(&r.shape, &name))
        .transpose()?;
    let output = ro
        .output
        .as_ref()
        .map(|r| resolve(&r.shape, &name))
        .transpose()?;
    let errors = ro
        .errors
        .iter()
        .map(|r| resolve(&r.shape, &name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut auth = ro.auth;
    if auth.is_empty() {
        if let Some(t) = ro.authtype {
            auth.push(t);
        }
    }
    Ok(Operation {
        http: HttpBinding {
            method: ro.http.method.unwrap_or_else(|| "POST".into()),
            request_uri: ro.http.request_uri.unwrap_or_else(|| "/".into()),
            response_code: ro.http.response_code,
        },
        input,
        output,
        input_location_name: ro.input.as_ref().and_then(|i| i.location_name.clone()),
        input_xml_namespace: ro
            .input
            .and_then(|i| i.xml_namespace)
            .map(XmlNamespace::from),
        output_result_wrapper: ro.output.and_then(|o| o.result_wrapper),
        errors,
        host_prefix: ro.endpoint.and_then(|e| e.host_prefix),
        auth,
        http_checksum_required: ro.http_checksum_required,
        http_checksum: ro.http_checksum.map(|c| HttpChecksum {
            request_checksum_required: c.request_checksum_required,
            request_algorithm_member: c.request_algorithm_member,
            request_validation_mode_member: c.request_validation_mode_member,
            response_algorithms: c.response_algorithms,
        }),
        static_context_params: ro
            .static_context_params
            .0
            .into_iter()
            .map(|(k, v)| (k, v.value))
            .collect(),
        operation_context_params: ro
            .operation_context_params
            .0
            .into_iter()
            .map(|(k, v)| (k, v.path))
            .collect(),
        request_compression: ro
            .requestcompression
            .map(|r| r.encodings)
            .unwrap_or_default(),
        unsigned_payload: ro.unsigned_payload,
        documentation: ro.documentation,
        deprecated: ro.deprecated,
        name,
    })
}

/// A JSON object whose key order is kept (model order matters for members).
#[derive(Debug)]
struct Ordered<V>(Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawModel {
    #[serde(default)]
    metadata: RawMetadata,
    #[serde(default)]
    operations: Ordered<RawOperation>,
    #[serde(default)]
    shapes: Ordered<RawShape>,
    #[serde(default)]
    documentation: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    api_version: Option<String>,
    endpoint_prefix: Option<String>,
    service_id: Option<String>,
    service_full_name: Option<String>,
    signing_name: Option<String>,
    signature_version: Option<String>,
    json_version: Option<String>,
    target_prefix: Option<String>,
    xml_namespace: Option<String>,
    aws_query_compatible: Option<serde_json::Value>,
    global_endpoint: Option<String>,
    uid: Option<String>,
    protocol: Option<String>,
    #[serde(default)]
    protocols: Vec<String>,
    #[serde(default)]
    auth: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawHttp {
    method: Option<String>,
    request_uri: Option<String>,
    response_code: Option<u16>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawShapeRef {
    shape: String,
    result_wrapper: Option<String>,
    location_name: Option<String>,
    xml_namespace: Option<RawNs>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEndpoint {
    host_prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChecksum {
    #[serde(default)]
    request_checksum_required: bool,
    request_algorithm_member: Option<String>,
    request_validation_mode_member: Option<String>,
    #[serde(default)]
    response_algorithms: Vec<String>,
}

#[derive(Deserialize)]
struct RawStaticParam {
    value: serde_json::Value,
}

#[derive(Deserialize)]
struct RawOpContextParam {
    path: String,
}

#[derive(Deserialize)]
struct RawCompression {
    #[serde(default)]
    encodings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOperation {
    name: Option<String>,
    #[serde(default)]
    http: RawHttp,
    input: Option<RawShapeRef>,
    output: Option<RawShapeRef>,
    #[serde(default)]
    errors: Vec<RawShapeRef>,
    endpoint: Option<RawEndpoint>,
    #[serde(default)]
    auth: Vec<String>,
    authtype: Option<String>,
    #[serde(default)]
    http_checksum_required: bool,
    http_checksum: Option<RawChecksum>,
    #[serde(default)]
    static_context_params: Ordered<RawStaticParam>,
    #[serde(default)]
    operation_context_params: Ordered<RawOpContextParam>,
    requestcompression: Option<RawCompression>,
    #[serde(default)]
    unsigned_payload: bool,
    documentation: Option<String>,
    #[serde(default)]
    deprecated: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNamespace {
    prefix: Option<String>,
    uri: Option<String>,
}

/// botocore writes namespaces either as a string (URI) or an object.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawNs {
    Uri(String),
    Full(RawNamespace),
}

impl From<RawNs> for XmlNamespace {
    fn from(ns: RawNs) -> Self {
        match ns {
            RawNs::Uri(uri) => XmlNamespace { prefix: None, uri },
            RawNs::Full(n) => XmlNamespace {
                prefix: n.prefix,
                uri: n.uri.unwrap_or_default(),
            },
        }
    }
}

#[derive(Deserialize)]
struct RawContextParam {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMember {
    shape: String,
    location: Option<String>,
    location_name: Option<String>,
    query_name: Option<String>,
    #[serde(default)]
    flattened: bool,
    #[serde(default)]
    xml_attribute: bool,
    xml_namespace: Option<RawNs>,
    #[serde(default)]
    jsonvalue: bool,
    #[serde(default)]
    idempotency_token: bool,
    #[serde(default)]
    host_label: bool,
    timestamp_format: Option<String>,
    #[serde(default)]
    streaming: bool,
    #[serde(default)]
    eventpayload: bool,
    context_param: Option<RawContextParam>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawError {
    code: Option<String>,
    http_status_code: Option<u16>,
    sender_fault: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawShape {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    members: Ordered<RawMember>,
    member: Option<RawMember>,
    key: Option<RawMember>,
    value: Option<RawMember>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default, rename = "enum")]
    enum_values: Vec<String>,
    #[serde(default)]
    flattened: bool,
    location_name: Option<String>,
    xml_namespace: Option<RawNs>,
    payload: Option<String>,
    #[serde(default)]
    exception: bool,
    error: Option<RawError>,
    #[serde(default)]
    union: bool,
    #[serde(default)]
    document: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    streaming: bool,
    #[serde(default)]
    eventstream: bool,
    #[serde(default)]
    event: bool,
    timestamp_format: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    documentation: Option<String>,
    #[serde(default)]
    jsonvalue: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"{
      "metadata": {"protocol": "json", "protocols": ["query", "json"], "jsonVersion": "1.0",
                   "serviceId": "CloudWatch Logs", "endpointPrefix": "logs", "apiVersion": "1"},
      "operations": {"Put": {"name": "Put", "http": {"method": "POST", "requestUri": "/"},
                     "input": {"shape": "PutInput"}, "errors": [{"shape": "Oops"}]}},
      "shapes": {
        "PutInput": {"type": "structure", "required": ["Zeta"],
                     "members": {"Zeta": {"shape": "S"}, "Alpha": {"shape": "L"}}},
        "S": {"type": "string"},
        "L": {"type": "list", "member": {"shape": "S"}},
        "Oops": {"type": "structure", "members": {}, "exception": true,
                 "error": {"code": "Oops.Code", "httpStatusCode": 400, "senderFault": true}}
      }
    }"#;

    #[test]
    fn keeps_member_order_and_resolves_references() {
        let m = ServiceModel::from_json(MINI).unwrap();
        let input = m.shape(m.operation("Put").unwrap().input.unwrap());
        let names: Vec<_> = input.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Zeta", "Alpha"]);
        assert!(input.members[0].required);
        assert!(!input.members[1].required);
        assert_eq!(m.shape(input.members[1].target).kind, ShapeKind::List);
    }

    #[test]
    fn picks_protocol_by_botocore_priority() {
        let m = ServiceModel::from_json(MINI).unwrap();
        assert_eq!(m.protocol, Protocol::Json);
        assert_eq!(m.event_name(), "cloudwatch-logs");
    }

    #[test]
    fn rejects_dangling_references() {
        let bad = MINI.replace(
            r#""member": {"shape": "S"}"#,
            r#""member": {"shape": "Nope"}"#,
        );
        let err = ServiceModel::from_json(&bad).unwrap_err();
        assert!(err.0.contains("Nope"), "{err}");
    }

    #[test]
    fn reads_error_traits() {
        let m = ServiceModel::from_json(MINI).unwrap();
        let oops = m.shape(m.shape_id("Oops").unwrap());
        let e = oops.error.as_ref().unwrap();
        assert_eq!(e.code.as_deref(), Some("Oops.Code"));
        assert_eq!(e.http_status_code, Some(400));
    }
}
