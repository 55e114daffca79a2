//! A [`ServiceModel`] in the packed format.

use super::{pack_struct, pack_unit_enum, Pack, PackError, Reader, Writer};
use crate::model::{
    EndpointDiscoveryTrait, ErrorTraits, HttpBinding, HttpChecksum, Location, Member, Metadata,
    ModelError, Operation, Protocol, RetryableTrait, ServiceModel, Shape, ShapeKind,
    TimestampFormat, XmlNamespace,
};

/// The header's name for a packed model.
const KIND: &str = "service model";

impl ServiceModel {
    /// This model in myaws's packed form, which generated crates embed
    /// (written by `cargo xtask regen`, read by [`from_packed`](Self::from_packed)).
    pub fn to_packed(&self) -> Vec<u8> {
        let mut w = Writer::with_header(KIND);
        self.metadata.pack(&mut w);
        self.protocol.pack(&mut w);
        self.documentation.pack(&mut w);
        self.shapes.pack(&mut w);
        self.operations.pack(&mut w);
        w.finish()
    }

    /// Reads a model written by [`to_packed`](Self::to_packed), checking that
    /// every shape reference is in range. Data from another version of the
    /// packed format is refused with an error that says so.
    pub fn from_packed(data: &[u8]) -> Result<ServiceModel, ModelError> {
        let invalid = |e: PackError| ModelError(e.0);
        let mut r = Reader::with_header(data, KIND).map_err(invalid)?;
        let metadata = Metadata::unpack(&mut r).map_err(invalid)?;
        let protocol = Protocol::unpack(&mut r).map_err(invalid)?;
        let documentation = Option::unpack(&mut r).map_err(invalid)?;
        let shapes = Vec::unpack(&mut r).map_err(invalid)?;
        let operations = Vec::unpack(&mut r).map_err(invalid)?;
        r.finish().map_err(invalid)?;
        ServiceModel::from_parts(metadata, protocol, operations, shapes, documentation)
    }
}

pack_unit_enum!(Protocol {
    Query,
    Ec2,
    Json,
    RestJson,
    RestXml,
    RpcV2Cbor,
});

pack_unit_enum!(ShapeKind {
    Structure,
    List,
    Map,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Blob,
    Timestamp,
});

pack_unit_enum!(Location {
    Body,
    Uri,
    Querystring,
    Header,
    Headers,
    StatusCode,
});

pack_unit_enum!(TimestampFormat {
    Iso8601,
    Rfc822,
    UnixTimestamp,
});

pack_struct!(XmlNamespace { prefix, uri });
pack_struct!(ErrorTraits {
    code,
    http_status_code,
    sender_fault,
});
pack_struct!(RetryableTrait { throttling });
pack_struct!(EndpointDiscoveryTrait { required });
pack_struct!(HttpBinding {
    method,
    request_uri,
    response_code,
});
pack_struct!(HttpChecksum {
    request_checksum_required,
    request_algorithm_member,
    request_validation_mode_member,
    response_algorithms,
});

pack_struct!(Metadata {
    api_version,
    endpoint_prefix,
    service_id,
    service_full_name,
    signing_name,
    signature_version,
    json_version,
    target_prefix,
    xml_namespace,
    aws_query_compatible,
    global_endpoint,
    uid,
    protocols,
    auth,
});

pack_struct!(Member {
    name,
    target,
    location,
    location_name,
    query_name,
    required,
    flattened,
    xml_attribute,
    xml_namespace,
    json_value,
    idempotency_token,
    host_label,
    timestamp_format,
    streaming,
    event_payload,
    event_header,
    context_param,
    endpoint_discovery_id,
});

pack_struct!(Shape {
    name,
    kind,
    members,
    member,
    key,
    value,
    enum_values,
    flattened,
    location_name,
    xml_namespace,
    payload,
    exception,
    error,
    retryable,
    union,
    document,
    sensitive,
    streaming,
    event_stream,
    event,
    timestamp_format,
    min,
    max,
    documentation,
    json_value,
});

pack_struct!(Operation {
    name,
    http,
    input,
    output,
    output_result_wrapper,
    input_location_name,
    input_xml_namespace,
    errors,
    host_prefix,
    auth,
    http_checksum_required,
    http_checksum,
    static_context_params,
    operation_context_params,
    request_compression,
    endpoint_discovery,
    endpoint_operation,
    unsigned_payload,
    documentation,
    deprecated,
});
