//! Reading `service-2.json`: the document as written, before shape names are
//! resolved to ids.
//!
//! The reader is written by hand over serde's streaming [`Visitor`] API (no
//! derive macros, no intermediate `serde_json::Value` tree), with the same
//! rules the derived reader had:
//!
//! * objects keep their key order (structure members are indexed by it);
//! * keys the model does not use are skipped;
//! * an absent key takes its default, an absent required key is a
//!   `missing field` error;
//! * a value of the wrong type is an `invalid type` error, with its line and
//!   column when the input is text.
//!
//! Lists that stay in the model are trimmed to their length: the model lives
//! as long as the process.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::{EndpointDiscoveryTrait, ErrorTraits, HttpChecksum, RetryableTrait, XmlNamespace};

/// Reads a `service-2.json` document.
pub(super) fn model_from_str(text: &str) -> Result<RawModel, serde_json::Error> {
    serde_json::from_str::<Obj<RawModel>>(text).map(|o| o.0)
}

/// Reads a model from a parsed JSON value.
pub(super) fn model_from_value(value: serde_json::Value) -> Result<RawModel, serde_json::Error> {
    Obj::deserialize(value).map(|o| o.0)
}

/// Reads one operation definition from a parsed JSON value.
pub(super) fn operation_from_value(
    value: serde_json::Value,
) -> Result<RawOperation, serde_json::Error> {
    Obj::deserialize(value).map(|o| o.0)
}

// ------------------------------------------------------------------ the machinery

/// A JSON object of the model, read key by key into a value that starts as
/// its `Default` (so an absent key keeps its default).
pub(super) trait Object: Default {
    /// What the object is, for `invalid type` errors (`expected …`).
    const EXPECTING: &'static str;
    /// The key that must be present, if any.
    const REQUIRED: Option<&'static str> = None;

    /// Reads the value of `key` into `self`, or skips it if it is not used.
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Deserializes a JSON object into an [`Object`].
struct Obj<T>(T);

impl<'de, T: Object> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjectVisitor(PhantomData)).map(Obj)
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        read_fields(map)
    }
}

/// Reads every entry of `map` into a `T`, then checks its required key.
fn read_fields<'de, T: Object, A: MapAccess<'de>>(mut map: A) -> Result<T, A::Error> {
    let mut object = T::default();
    let mut has_required = T::REQUIRED.is_none();
    while let Some(key) = map.next_key_seed(Key)? {
        has_required |= T::REQUIRED == Some(&*key);
        object.field(&key, &mut map)?;
    }
    match T::REQUIRED {
        Some(name) if !has_required => Err(de::Error::missing_field(name)),
        _ => Ok(object),
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A JSON object of [`Object`]s in document order (a `Vec`, not a map: the
/// order of shapes, operations and members is part of the model).
pub(super) struct Ordered<V>(pub(super) Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Object> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(OrderedVisitor(PhantomData))
    }
}

struct OrderedVisitor<V>(PhantomData<V>);

impl<'de, V: Object> Visitor<'de> for OrderedVisitor<V> {
    type Value = Ordered<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value::<Obj<V>>()?.0;
            entries.push((key.into_owned(), value));
        }
        entries.shrink_to_fit();
        Ok(Ordered(entries))
    }
}

/// An XML namespace: botocore writes either the URI or `{prefix, uri}`.
struct Namespace(XmlNamespace);

impl<'de> Deserialize<'de> for Namespace {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NamespaceVisitor)
    }
}

struct NamespaceVisitor;

impl<'de> Visitor<'de> for NamespaceVisitor {
    type Value = Namespace;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an XML namespace (a URI or an object with prefix and uri)")
    }

    fn visit_str<E: de::Error>(self, uri: &str) -> Result<Namespace, E> {
        self.visit_string(uri.to_owned())
    }

    fn visit_string<E: de::Error>(self, uri: String) -> Result<Namespace, E> {
        Ok(Namespace(XmlNamespace { prefix: None, uri }))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Namespace, A::Error> {
        read_fields(map).map(Namespace)
    }
}

// ------------------------------------------------------------------ value helpers

/// Reads a nested object.
fn object<'de, T: Object, A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
    Ok(map.next_value::<Obj<T>>()?.0)
}

/// Reads a nested object that may be `null`.
fn optional<'de, T: Object, A: MapAccess<'de>>(map: &mut A) -> Result<Option<T>, A::Error> {
    Ok(map.next_value::<Option<Obj<T>>>()?.map(|o| o.0))
}

/// Reads a list of objects.
fn objects<'de, T: Object, A: MapAccess<'de>>(map: &mut A) -> Result<Vec<T>, A::Error> {
    let list = map.next_value::<Vec<Obj<T>>>()?;
    Ok(list.into_iter().map(|o| o.0).collect())
}

/// Reads a list of strings, trimmed to its length.
fn strings<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Vec<String>, A::Error> {
    let mut list = map.next_value::<Vec<String>>()?;
    list.shrink_to_fit();
    Ok(list)
}

/// Reads an XML namespace that may be `null`.
fn namespace<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<XmlNamespace>, A::Error> {
    Ok(map.next_value::<Option<Namespace>>()?.map(|n| n.0))
}

/// Skips a value the model does not use.
fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

// ------------------------------------------------------------------ the document

/// The whole document.
#[derive(Default)]
pub(super) struct RawModel {
    pub(super) metadata: RawMetadata,
    pub(super) operations: Ordered<RawOperation>,
    pub(super) shapes: Ordered<RawShape>,
    pub(super) documentation: Option<String>,
}

impl Object for RawModel {
    const EXPECTING: &'static str = "a service model object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "metadata" => self.metadata = object(map)?,
            "operations" => self.operations = map.next_value()?,
            "shapes" => self.shapes = map.next_value()?,
            "documentation" => self.documentation = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `metadata`.
#[derive(Default)]
pub(super) struct RawMetadata {
    pub(super) api_version: Option<String>,
    pub(super) endpoint_prefix: Option<String>,
    pub(super) service_id: Option<String>,
    pub(super) service_full_name: Option<String>,
    pub(super) signing_name: Option<String>,
    pub(super) signature_version: Option<String>,
    pub(super) json_version: Option<String>,
    pub(super) target_prefix: Option<String>,
    pub(super) xml_namespace: Option<String>,
    /// `awsQueryCompatible` is present and not `null` (its value is unused).
    pub(super) aws_query_compatible: bool,
    pub(super) global_endpoint: Option<String>,
    pub(super) uid: Option<String>,
    pub(super) protocol: Option<String>,
    pub(super) protocols: Vec<String>,
    pub(super) auth: Vec<String>,
}

impl Object for RawMetadata {
    const EXPECTING: &'static str = "a metadata object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "apiVersion" => self.api_version = map.next_value()?,
            "endpointPrefix" => self.endpoint_prefix = map.next_value()?,
            "serviceId" => self.service_id = map.next_value()?,
            "serviceFullName" => self.service_full_name = map.next_value()?,
            "signingName" => self.signing_name = map.next_value()?,
            "signatureVersion" => self.signature_version = map.next_value()?,
            "jsonVersion" => self.json_version = map.next_value()?,
            "targetPrefix" => self.target_prefix = map.next_value()?,
            "xmlNamespace" => self.xml_namespace = map.next_value()?,
            "awsQueryCompatible" => {
                self.aws_query_compatible = map.next_value::<Option<IgnoredAny>>()?.is_some()
            }
            "globalEndpoint" => self.global_endpoint = map.next_value()?,
            "uid" => self.uid = map.next_value()?,
            "protocol" => self.protocol = map.next_value()?,
            "protocols" => self.protocols = strings(map)?,
            "auth" => self.auth = strings(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ operations

/// An entry of `operations`.
#[derive(Default)]
pub(super) struct RawOperation {
    pub(super) name: Option<String>,
    pub(super) http: RawHttp,
    pub(super) input: Option<RawShapeRef>,
    pub(super) output: Option<RawShapeRef>,
    pub(super) errors: Vec<RawShapeRef>,
    /// `endpoint.hostPrefix`.
    pub(super) host_prefix: Option<String>,
    pub(super) auth: Vec<String>,
    pub(super) authtype: Option<String>,
    pub(super) http_checksum_required: bool,
    pub(super) http_checksum: Option<HttpChecksum>,
    pub(super) static_context_params: Ordered<RawStaticParam>,
    pub(super) operation_context_params: Ordered<RawOpContextParam>,
    /// `requestcompression.encodings`.
    pub(super) request_compression: Vec<String>,
    pub(super) endpoint_discovery: Option<EndpointDiscoveryTrait>,
    pub(super) endpoint_operation: bool,
    pub(super) unsigned_payload: bool,
    pub(super) documentation: Option<String>,
    pub(super) deprecated: bool,
}

impl Object for RawOperation {
    const EXPECTING: &'static str = "an operation object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "name" => self.name = map.next_value()?,
            "http" => self.http = object(map)?,
            "input" => self.input = optional(map)?,
            "output" => self.output = optional(map)?,
            "errors" => self.errors = objects(map)?,
            "endpoint" => self.host_prefix = optional::<RawEndpoint, _>(map)?.and_then(|e| e.0),
            "auth" => self.auth = strings(map)?,
            "authtype" => self.authtype = map.next_value()?,
            "httpChecksumRequired" => self.http_checksum_required = map.next_value()?,
            "httpChecksum" => self.http_checksum = optional(map)?,
            "staticContextParams" => self.static_context_params = map.next_value()?,
            "operationContextParams" => self.operation_context_params = map.next_value()?,
            "requestcompression" => {
                self.request_compression = optional::<RawCompression, _>(map)?
                    .map(|c| c.0)
                    .unwrap_or_default()
            }
            "endpointdiscovery" => self.endpoint_discovery = optional(map)?,
            "endpointoperation" => {
                self.endpoint_operation = map.next_value::<Option<bool>>()?.unwrap_or(false)
            }
            "unsignedPayload" => self.unsigned_payload = map.next_value()?,
            "documentation" => self.documentation = map.next_value()?,
            "deprecated" => self.deprecated = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

impl Object for EndpointDiscoveryTrait {
    const EXPECTING: &'static str = "an endpoint discovery object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "required" => self.required = map.next_value::<Option<bool>>()?.unwrap_or(false),
            _ => skip(map)?,
        }
        Ok(())
    }
}

impl Object for RetryableTrait {
    const EXPECTING: &'static str = "a retryable trait object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "throttling" => self.throttling = map.next_value::<Option<bool>>()?.unwrap_or(false),
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// An operation's `http`.
#[derive(Default)]
pub(super) struct RawHttp {
    pub(super) method: Option<String>,
    pub(super) request_uri: Option<String>,
    pub(super) response_code: Option<u16>,
}

impl Object for RawHttp {
    const EXPECTING: &'static str = "an HTTP binding object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "method" => self.method = map.next_value()?,
            "requestUri" => self.request_uri = map.next_value()?,
            "responseCode" => self.response_code = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// An operation's `input`, `output` or one of its `errors`.
#[derive(Default)]
pub(super) struct RawShapeRef {
    pub(super) shape: String,
    pub(super) result_wrapper: Option<String>,
    pub(super) location_name: Option<String>,
    pub(super) xml_namespace: Option<XmlNamespace>,
}

impl Object for RawShapeRef {
    const EXPECTING: &'static str = "a shape reference object";
    const REQUIRED: Option<&'static str> = Some("shape");

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "shape" => self.shape = map.next_value()?,
            "resultWrapper" => self.result_wrapper = map.next_value()?,
            "locationName" => self.location_name = map.next_value()?,
            "xmlNamespace" => self.xml_namespace = namespace(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// An operation's `endpoint`: its `hostPrefix`.
#[derive(Default)]
struct RawEndpoint(Option<String>);

impl Object for RawEndpoint {
    const EXPECTING: &'static str = "an endpoint object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "hostPrefix" => self.0 = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// An operation's `requestcompression`: its `encodings`.
#[derive(Default)]
struct RawCompression(Vec<String>);

impl Object for RawCompression {
    const EXPECTING: &'static str = "a request compression object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "encodings" => self.0 = strings(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

impl Object for HttpChecksum {
    const EXPECTING: &'static str = "an HTTP checksum object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "requestChecksumRequired" => self.request_checksum_required = map.next_value()?,
            "requestAlgorithmMember" => self.request_algorithm_member = map.next_value()?,
            "requestValidationModeMember" => {
                self.request_validation_mode_member = map.next_value()?
            }
            "responseAlgorithms" => self.response_algorithms = strings(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// An entry of `staticContextParams`.
#[derive(Default)]
pub(super) struct RawStaticParam(pub(super) serde_json::Value);

impl Object for RawStaticParam {
    const EXPECTING: &'static str = "a static context parameter object";
    const REQUIRED: Option<&'static str> = Some("value");

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "value" => self.0 = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// An entry of `operationContextParams`: its JMESPath `path`.
#[derive(Default)]
pub(super) struct RawOpContextParam(pub(super) String);

impl Object for RawOpContextParam {
    const EXPECTING: &'static str = "an operation context parameter object";
    const REQUIRED: Option<&'static str> = Some("path");

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "path" => self.0 = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ shapes

/// An entry of `shapes`.
#[derive(Default)]
pub(super) struct RawShape {
    /// `type`.
    pub(super) kind: String,
    pub(super) members: Ordered<RawMember>,
    /// Boxed, like the other two: most shapes have none, and a `RawShape`
    /// stays small while the document is read.
    pub(super) member: Option<Box<RawMember>>,
    pub(super) key: Option<Box<RawMember>>,
    pub(super) value: Option<Box<RawMember>>,
    pub(super) required: Vec<String>,
    /// `enum`.
    pub(super) enum_values: Vec<String>,
    pub(super) flattened: bool,
    pub(super) location_name: Option<String>,
    pub(super) xml_namespace: Option<XmlNamespace>,
    pub(super) payload: Option<String>,
    pub(super) exception: bool,
    pub(super) error: Option<ErrorTraits>,
    pub(super) retryable: Option<RetryableTrait>,
    pub(super) union: bool,
    pub(super) document: bool,
    pub(super) sensitive: bool,
    pub(super) streaming: bool,
    pub(super) eventstream: bool,
    pub(super) event: bool,
    pub(super) timestamp_format: Option<String>,
    pub(super) min: Option<f64>,
    pub(super) max: Option<f64>,
    pub(super) documentation: Option<String>,
    pub(super) jsonvalue: bool,
}

impl Object for RawShape {
    const EXPECTING: &'static str = "a shape object";
    const REQUIRED: Option<&'static str> = Some("type");

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "type" => self.kind = map.next_value()?,
            "members" => self.members = map.next_value()?,
            "member" => self.member = optional(map)?.map(Box::new),
            "key" => self.key = optional(map)?.map(Box::new),
            "value" => self.value = optional(map)?.map(Box::new),
            "required" => self.required = map.next_value()?,
            "enum" => self.enum_values = strings(map)?,
            "flattened" => self.flattened = map.next_value()?,
            "locationName" => self.location_name = map.next_value()?,
            "xmlNamespace" => self.xml_namespace = namespace(map)?,
            "payload" => self.payload = map.next_value()?,
            "exception" => self.exception = map.next_value()?,
            "error" => self.error = optional(map)?,
            "retryable" => self.retryable = optional(map)?,
            "union" => self.union = map.next_value()?,
            "document" => self.document = map.next_value()?,
            "sensitive" => self.sensitive = map.next_value()?,
            "streaming" => self.streaming = map.next_value()?,
            "eventstream" => self.eventstream = map.next_value()?,
            "event" => self.event = map.next_value()?,
            "timestampFormat" => self.timestamp_format = map.next_value()?,
            "min" => self.min = map.next_value()?,
            "max" => self.max = map.next_value()?,
            "documentation" => self.documentation = map.next_value()?,
            "jsonvalue" => self.jsonvalue = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// A structure member, or a list's `member`, or a map's `key` or `value`.
#[derive(Default)]
pub(super) struct RawMember {
    pub(super) shape: String,
    pub(super) location: Option<String>,
    pub(super) location_name: Option<String>,
    pub(super) query_name: Option<String>,
    pub(super) flattened: bool,
    pub(super) xml_attribute: bool,
    pub(super) xml_namespace: Option<XmlNamespace>,
    pub(super) jsonvalue: bool,
    pub(super) idempotency_token: bool,
    pub(super) host_label: bool,
    pub(super) timestamp_format: Option<String>,
    pub(super) streaming: bool,
    pub(super) eventpayload: bool,
    pub(super) eventheader: bool,
    /// `contextParam.name`.
    pub(super) context_param: Option<String>,
    pub(super) endpoint_discovery_id: bool,
}

impl Object for RawMember {
    const EXPECTING: &'static str = "a member object";
    const REQUIRED: Option<&'static str> = Some("shape");

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "shape" => self.shape = map.next_value()?,
            "location" => self.location = map.next_value()?,
            "locationName" => self.location_name = map.next_value()?,
            "queryName" => self.query_name = map.next_value()?,
            "flattened" => self.flattened = map.next_value()?,
            "xmlAttribute" => self.xml_attribute = map.next_value()?,
            "xmlNamespace" => self.xml_namespace = namespace(map)?,
            "jsonvalue" => self.jsonvalue = map.next_value()?,
            "idempotencyToken" => self.idempotency_token = map.next_value()?,
            "hostLabel" => self.host_label = map.next_value()?,
            "timestampFormat" => self.timestamp_format = map.next_value()?,
            "streaming" => self.streaming = map.next_value()?,
            "eventpayload" => self.eventpayload = map.next_value()?,
            "eventheader" => self.eventheader = map.next_value()?,
            "contextParam" => {
                self.context_param = optional::<RawContextParam, _>(map)?.map(|c| c.0)
            }
            "endpointdiscoveryid" => {
                self.endpoint_discovery_id = map.next_value::<Option<bool>>()?.unwrap_or(false)
            }
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// A member's `contextParam`: the endpoint parameter's `name`.
#[derive(Default)]
struct RawContextParam(String);

impl Object for RawContextParam {
    const EXPECTING: &'static str = "a context parameter object";
    const REQUIRED: Option<&'static str> = Some("name");

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "name" => self.0 = map.next_value()?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

impl Object for ErrorTraits {
    const EXPECTING: &'static str = "an error traits object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "code" => self.code = map.next_value()?,
            "httpStatusCode" => self.http_status_code = map.next_value()?,
            "senderFault" => self.sender_fault = map.next_value::<Option<bool>>()?.unwrap_or(false),
            _ => skip(map)?,
        }
        Ok(())
    }
}

impl Object for XmlNamespace {
    const EXPECTING: &'static str = "an XML namespace object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "prefix" => self.prefix = map.next_value()?,
            "uri" => self.uri = map.next_value::<Option<String>>()?.unwrap_or_default(),
            _ => skip(map)?,
        }
        Ok(())
    }
}
