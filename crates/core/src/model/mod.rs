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
//!
//! Loading takes two steps: `read` streams the JSON into the document's own
//! structure (serde visitors written by hand, no derive macros), and `build`
//! applies the defaults and resolves shape names to ids.

use std::collections::HashMap;
use std::fmt;

mod build;
pub mod extras;
mod read;
mod store;

pub(crate) use build::check_shape;
pub(crate) use store::ShapeStore;

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
    /// The member of an event that is the message's whole payload
    /// (`eventpayload`).
    pub event_payload: bool,
    /// The member of an event carried in a message header of its name
    /// (`eventheader`).
    pub event_header: bool,
    /// Endpoint rule parameter bound from this member.
    pub context_param: Option<String>,
    /// `endpointdiscoveryid`: the member identifies the resource whose
    /// endpoint is discovered (part of the discovery cache key).
    pub endpoint_discovery_id: bool,
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

/// The `retryable` trait of an exception shape: errors of this shape may be
/// retried (botocore's `ModeledRetryableChecker`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryableTrait {
    /// The error is a throttling error (it feeds adaptive mode's rate
    /// limiter and is retried as throttling).
    pub throttling: bool,
}

/// The `endpointdiscovery` trait of an operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointDiscoveryTrait {
    /// Discovery is required: the operation cannot be called without it.
    pub required: bool,
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
    /// The `retryable` trait of an exception.
    pub retryable: Option<RetryableTrait>,
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
    /// The `endpointdiscovery` trait: the operation's endpoint may (or must)
    /// be discovered.
    pub endpoint_discovery: Option<EndpointDiscoveryTrait>,
    /// `endpointoperation`: this is the service's endpoint discovery
    /// operation (`DescribeEndpoints`).
    pub endpoint_operation: bool,
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
    /// Service documentation HTML, if kept.
    pub documentation: Option<String>,
    /// The shapes, by id ([`shape`](Self::shape)).
    shapes: ShapeStore,
    operation_index: HashMap<String, usize>,
}

/// Everything of a model but its shapes (what the packed reader reads
/// before them).
#[derive(Debug)]
pub(crate) struct ModelParts {
    pub(crate) metadata: Metadata,
    pub(crate) protocol: Protocol,
    pub(crate) operations: Vec<Operation>,
    pub(crate) documentation: Option<String>,
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
        build::service_model(read::model_from_str(text).map_err(invalid)?)
    }

    /// Builds a model from a parsed JSON value (e.g. a protocol test case).
    ///
    /// Member order is the value's key order, which `serde_json` keeps only
    /// with its `preserve_order` feature; [`from_json`](Self::from_json)
    /// always keeps it.
    pub fn from_value(value: serde_json::Value) -> Result<ServiceModel, ModelError> {
        build::service_model(read::model_from_value(value).map_err(invalid)?)
    }

    /// A model from its parts and every shape, built (the packed reader's
    /// eager path, [`crate::packed`]): indexes rebuilt, every shape
    /// reference checked.
    pub(crate) fn from_parts(
        parts: ModelParts,
        shapes: Vec<Shape>,
    ) -> Result<ServiceModel, ModelError> {
        build::from_parts(parts, shapes)
    }

    /// A model whose shapes are packed and decoded when first used (the
    /// models generated crates embed); operation references are checked
    /// against the number of shapes.
    pub(crate) fn with_lazy_shapes(
        parts: ModelParts,
        shapes: crate::packed::LazyShapes,
    ) -> Result<ServiceModel, ModelError> {
        build::with_lazy_shapes(parts, shapes)
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
        self.shapes.id(name)
    }

    /// The number of shapes (ids are `0..shape_count()`).
    pub fn shape_count(&self) -> usize {
        self.shapes.len()
    }

    /// The name of shape `id` (without decoding a packed shape).
    pub fn shape_name(&self, id: ShapeId) -> &str {
        self.shapes.name(id)
    }

    /// The ids of the service's exception shapes, in id order.
    pub fn exception_ids(&self) -> &[ShapeId] {
        self.shapes.exceptions()
    }

    /// Every shape, in id order (decoding any packed shape not used yet).
    pub fn shapes(&self) -> impl Iterator<Item = &Shape> + '_ {
        (0..self.shapes.len()).map(|id| self.shapes.get(id))
    }

    /// Shape `id`, to change it (test runners adjusting a model).
    pub fn shape_mut(&mut self, id: ShapeId) -> &mut Shape {
        self.shapes.get_mut(id)
    }

    /// The exception shape whose error code (or, failing that, name) is `code`.
    pub fn error_shape_for_code(&self, code: &str) -> Option<ShapeId> {
        let exceptions = || self.exception_ids().iter().copied();
        exceptions()
            .find(|&id| {
                let s = self.shape(id);
                s.error
                    .as_ref()
                    .and_then(|e| e.code.as_deref())
                    .unwrap_or(&s.name)
                    == code
            })
            .or_else(|| exceptions().find(|&id| self.shape_name(id) == code))
    }

    /// The index of the service's endpoint discovery operation (the one
    /// marked `endpointoperation`, DynamoDB's `DescribeEndpoints`), if any.
    pub fn endpoint_discovery_operation(&self) -> Option<usize> {
        self.operations.iter().position(|o| o.endpoint_operation)
    }

    /// Some operation of the service requires endpoint discovery.
    pub fn endpoint_discovery_required(&self) -> bool {
        self.operations
            .iter()
            .any(|o| o.endpoint_discovery.is_some_and(|d| d.required))
    }

    /// The shape with this id (decoded now if it is packed and not used
    /// yet). Ids come from the model itself; one out of range panics, as an
    /// index does.
    pub fn shape(&self, id: ShapeId) -> &Shape {
        self.shapes.get(id)
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

    /// Adds an operation to the model (used by test runners whose cases carry
    /// their own operation definitions). Returns its index.
    pub fn add_operation(&mut self, json: serde_json::Value) -> Result<usize, ModelError> {
        let ro = read::operation_from_value(json).map_err(invalid)?;
        let name = ro.name.clone().unwrap_or_default();
        let lookup = |name: &str| self.shapes.id(name);
        let op = build::operation(name.clone(), ro, &build::Resolver(&lookup))?;
        self.operations.push(op);
        let id = self.operations.len() - 1;
        self.operation_index.insert(name, id);
        Ok(id)
    }
}

/// A document that is not a model (bad JSON, a wrong type, a missing key).
fn invalid(e: serde_json::Error) -> ModelError {
    ModelError(e.to_string())
}

#[cfg(test)]
mod tests;
