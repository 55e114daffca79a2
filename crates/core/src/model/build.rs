//! From the document as read to a [`ServiceModel`]: defaults applied, shape
//! names resolved to ids, lists and maps checked.
//!
//! Every `Vec` kept in the model is allocated at its final length: a model
//! lives as long as the process.

use std::collections::HashMap;

use super::read::{RawMember, RawMetadata, RawModel, RawOperation, RawShape, RawShapeRef};
use super::{
    HttpBinding, Location, Member, Metadata, ModelError, ModelParts, Operation, Protocol,
    ServiceModel, Shape, ShapeId, ShapeKind, ShapeStore, TimestampFormat,
};

/// Builds the model: metadata, shapes, then operations (whose references are
/// resolved against the shapes).
pub(super) fn service_model(raw: RawModel) -> Result<ServiceModel, ModelError> {
    let (metadata, protocol) = metadata(raw.metadata)?;
    let shape_index = shape_index(&raw.shapes.0);
    let lookup = |name: &str| shape_index.get(name).copied();
    let resolver = Resolver(&lookup);
    let shapes = shapes(raw.shapes.0, &resolver)?;
    check_lists_and_maps(&shapes)?;
    let operations = operations(raw.operations.0, &resolver)?;
    let parts = ModelParts {
        metadata,
        protocol,
        operations,
        documentation: raw.documentation,
    };
    Ok(assemble(parts, ShapeStore::built(shapes, shape_index)))
}

/// The model of these parts and shapes, with its operation index.
fn assemble(parts: ModelParts, shapes: ShapeStore) -> ServiceModel {
    ServiceModel {
        metadata: parts.metadata,
        protocol: parts.protocol,
        operation_index: operation_index(&parts.operations),
        operations: parts.operations,
        shapes,
        documentation: parts.documentation,
    }
}

/// A model whose shapes are packed and decoded when first used; the
/// operations' shape references are checked against the number of shapes.
pub(super) fn with_lazy_shapes(
    parts: ModelParts,
    shapes: crate::packed::LazyShapes,
) -> Result<ServiceModel, ModelError> {
    check_operation_references(&parts.operations, shapes.len())?;
    Ok(assemble(parts, ShapeStore::Packed(shapes)))
}

/// A model from already built parts (the packed reader): the name indexes
/// are rebuilt and every shape reference is checked to be in range.
pub(super) fn from_parts(
    parts: ModelParts,
    shapes: Vec<Shape>,
) -> Result<ServiceModel, ModelError> {
    for shape in &shapes {
        check_shape(shape, shapes.len())?;
    }
    check_operation_references(&parts.operations, shapes.len())?;
    let mut shape_index = HashMap::with_capacity(shapes.len());
    for (id, shape) in shapes.iter().enumerate() {
        shape_index.insert(shape.name.clone(), id);
    }
    Ok(assemble(parts, ShapeStore::built(shapes, shape_index)))
}

/// Operation name → index.
pub(super) fn operation_index(operations: &[Operation]) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(operations.len());
    for (id, op) in operations.iter().enumerate() {
        index.insert(op.name.clone(), id);
    }
    index
}

/// An error naming `ctx` unless `id` is one of `count` shapes.
fn check_id(id: ShapeId, count: usize, ctx: &str) -> Result<(), ModelError> {
    match id < count {
        true => Ok(()),
        false => Err(ModelError(format!("{ctx} refers to shape {id} of {count}"))),
    }
}

/// Checks a shape read from packed data: every member targets one of
/// `count` shapes, a list has a member, a map a key and a value.
pub(crate) fn check_shape(shape: &Shape, count: usize) -> Result<(), ModelError> {
    check_list_or_map(shape)?;
    let singles = [&shape.member, &shape.key, &shape.value];
    let members = shape
        .members
        .iter()
        .chain(singles.into_iter().flatten().map(|m| &**m));
    for m in members {
        check_id(m.target, count, &shape.name)?;
    }
    Ok(())
}

/// Checks that every shape an operation refers to is one of `count`.
pub(super) fn check_operation_references(
    operations: &[Operation],
    count: usize,
) -> Result<(), ModelError> {
    for op in operations {
        for &id in op.input.iter().chain(&op.output).chain(&op.errors) {
            check_id(id, count, &op.name)?;
        }
    }
    Ok(())
}

/// Resolves shape names to ids through a lookup (an index being built, or a
/// loaded model's).
pub(super) struct Resolver<'a>(pub(super) &'a dyn Fn(&str) -> Option<ShapeId>);

impl Resolver<'_> {
    /// The id of shape `name`, referred to from `ctx` (named in the error).
    fn resolve(&self, name: &str, ctx: &str) -> Result<ShapeId, ModelError> {
        (self.0)(name).ok_or_else(|| ModelError(format!("{ctx} refers to unknown shape `{name}`")))
    }

    /// The id of an optional reference.
    fn resolve_optional(
        &self,
        r: Option<&RawShapeRef>,
        ctx: &str,
    ) -> Result<Option<ShapeId>, ModelError> {
        r.map(|r| self.resolve(&r.shape, ctx)).transpose()
    }

    /// The ids of `refs`, in order.
    fn resolve_all(&self, refs: &[RawShapeRef], ctx: &str) -> Result<Vec<ShapeId>, ModelError> {
        let mut ids = Vec::with_capacity(refs.len());
        for r in refs {
            ids.push(self.resolve(&r.shape, ctx)?);
        }
        Ok(ids)
    }
}

// ------------------------------------------------------------------ metadata

/// The metadata, with its defaults, and the protocol myaws will speak.
fn metadata(m: RawMetadata) -> Result<(Metadata, Protocol), ModelError> {
    let protocols = if m.protocols.is_empty() {
        m.protocol.iter().cloned().collect()
    } else {
        m.protocols
    };
    let protocol = pick_protocol(&protocols, m.protocol.as_deref())?;
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
        aws_query_compatible: m.aws_query_compatible,
        global_endpoint: m.global_endpoint,
        uid: m.uid,
        protocols,
        auth: m.auth,
    };
    Ok((metadata, protocol))
}

/// The first of `protocols` in botocore's priority order, else `protocol`.
fn pick_protocol(protocols: &[String], protocol: Option<&str>) -> Result<Protocol, ModelError> {
    Protocol::PRIORITY
        .into_iter()
        .find(|p| protocols.iter().any(|n| n == p.name()))
        .or_else(|| protocol.and_then(Protocol::from_name))
        .ok_or_else(|| ModelError(format!("no supported protocol among {protocols:?}")))
}

// ------------------------------------------------------------------ shapes

/// Shape name → id (the shape's position in the document).
fn shape_index(shapes: &[(String, RawShape)]) -> HashMap<String, ShapeId> {
    let mut index = HashMap::with_capacity(shapes.len());
    for (id, (name, _)) in shapes.iter().enumerate() {
        index.insert(name.clone(), id);
    }
    index
}

/// All shapes, in document order.
fn shapes(raw: Vec<(String, RawShape)>, resolver: &Resolver) -> Result<Vec<Shape>, ModelError> {
    let mut shapes = Vec::with_capacity(raw.len());
    for (name, rs) in raw {
        shapes.push(shape(name, rs, resolver)?);
    }
    Ok(shapes)
}

fn shape(name: String, rs: RawShape, resolver: &Resolver) -> Result<Shape, ModelError> {
    let kind = ShapeKind::from_name(&rs.kind)
        .ok_or_else(|| ModelError(format!("shape `{name}` has unknown type `{}`", rs.kind)))?;
    let members = structure_members(rs.members.0, &rs.required, resolver, &name)?;
    let single = |rm: Option<Box<RawMember>>, label: &str| {
        rm.map(|rm| member(label.to_owned(), *rm, resolver, &name).map(Box::new))
            .transpose()
    };
    Ok(Shape {
        kind,
        members,
        member: single(rs.member, "member")?,
        key: single(rs.key, "key")?,
        value: single(rs.value, "value")?,
        enum_values: rs.enum_values,
        flattened: rs.flattened,
        location_name: rs.location_name,
        xml_namespace: rs.xml_namespace,
        payload: rs.payload,
        exception: rs.exception,
        error: rs.error,
        retryable: rs.retryable,
        union: rs.union,
        document: rs.document,
        sensitive: rs.sensitive,
        streaming: rs.streaming,
        event_stream: rs.eventstream,
        event: rs.event,
        timestamp_format: timestamp_format(rs.timestamp_format.as_deref()),
        min: rs.min,
        max: rs.max,
        documentation: rs.documentation,
        json_value: rs.jsonvalue,
        name,
    })
}

/// A structure's members, in document order, marked if `required`.
fn structure_members(
    raw: Vec<(String, RawMember)>,
    required: &[String],
    resolver: &Resolver,
    shape: &str,
) -> Result<Vec<Member>, ModelError> {
    let mut members = Vec::with_capacity(raw.len());
    for (name, rm) in raw {
        let is_required = required.contains(&name);
        let mut m = member(name, rm, resolver, shape)?;
        m.required = is_required;
        members.push(m);
    }
    Ok(members)
}

/// A member of `shape` (not yet marked required).
fn member(
    name: String,
    rm: RawMember,
    resolver: &Resolver,
    shape: &str,
) -> Result<Member, ModelError> {
    Ok(Member {
        target: resolver.resolve(&rm.shape, shape)?,
        location: location(rm.location.as_deref(), shape)?,
        location_name: rm.location_name,
        query_name: rm.query_name,
        required: false,
        flattened: rm.flattened,
        xml_attribute: rm.xml_attribute,
        xml_namespace: rm.xml_namespace,
        json_value: rm.jsonvalue,
        idempotency_token: rm.idempotency_token,
        host_label: rm.host_label,
        timestamp_format: timestamp_format(rm.timestamp_format.as_deref()),
        streaming: rm.streaming,
        event_payload: rm.eventpayload,
        event_header: rm.eventheader,
        context_param: rm.context_param,
        endpoint_discovery_id: rm.endpoint_discovery_id,
        name,
    })
}

/// A member's `location` (absent: the body).
fn location(name: Option<&str>, shape: &str) -> Result<Location, ModelError> {
    Ok(match name {
        None => Location::Body,
        Some("uri") => Location::Uri,
        Some("querystring") => Location::Querystring,
        Some("header") => Location::Header,
        Some("headers") => Location::Headers,
        Some("statusCode") => Location::StatusCode,
        Some(other) => return Err(ModelError(format!("{shape}: unknown location `{other}`"))),
    })
}

/// A `timestampFormat` (an unknown one is ignored, as botocore does).
fn timestamp_format(name: Option<&str>) -> Option<TimestampFormat> {
    name.and_then(TimestampFormat::from_name)
}

/// Lists need a `member`, maps a `key` and a `value`.
fn check_lists_and_maps(shapes: &[Shape]) -> Result<(), ModelError> {
    shapes.iter().try_for_each(check_list_or_map)
}

/// A list must have a member, a map a key and a value.
fn check_list_or_map(shape: &Shape) -> Result<(), ModelError> {
    if shape.kind == ShapeKind::List && shape.member.is_none() {
        return Err(ModelError(format!("list `{}` has no member", shape.name)));
    }
    if shape.kind == ShapeKind::Map && (shape.key.is_none() || shape.value.is_none()) {
        return Err(ModelError(format!(
            "map `{}` lacks key or value",
            shape.name
        )));
    }
    Ok(())
}

// ------------------------------------------------------------------ operations

/// All operations in document order.
fn operations(
    raw: Vec<(String, RawOperation)>,
    resolver: &Resolver,
) -> Result<Vec<Operation>, ModelError> {
    let mut operations = Vec::with_capacity(raw.len());
    for (key, ro) in raw {
        // botocore's operation name is the key (`OperationModel.name`); the
        // `name` member can differ (CloudFront's `...2016_09_07` wire names)
        // and no protocol sends it.
        operations.push(operation(key, ro, resolver)?);
    }
    Ok(operations)
}

/// One operation, its shape references resolved.
pub(super) fn operation(
    name: String,
    ro: RawOperation,
    resolver: &Resolver,
) -> Result<Operation, ModelError> {
    Ok(Operation {
        http: HttpBinding {
            method: ro.http.method.unwrap_or_else(|| "POST".into()),
            request_uri: ro.http.request_uri.unwrap_or_else(|| "/".into()),
            response_code: ro.http.response_code,
        },
        input: resolver.resolve_optional(ro.input.as_ref(), &name)?,
        output: resolver.resolve_optional(ro.output.as_ref(), &name)?,
        errors: resolver.resolve_all(&ro.errors, &name)?,
        input_location_name: ro.input.as_ref().and_then(|i| i.location_name.clone()),
        input_xml_namespace: ro.input.and_then(|i| i.xml_namespace),
        output_result_wrapper: ro.output.and_then(|o| o.result_wrapper),
        host_prefix: ro.host_prefix,
        auth: auth(ro.auth, ro.authtype),
        http_checksum_required: ro.http_checksum_required,
        http_checksum: ro.http_checksum,
        static_context_params: (ro.static_context_params.0.into_iter())
            .map(|(k, v)| (k, v.0))
            .collect(),
        operation_context_params: (ro.operation_context_params.0.into_iter())
            .map(|(k, v)| (k, v.0))
            .collect(),
        request_compression: ro.request_compression,
        endpoint_discovery: ro.endpoint_discovery,
        endpoint_operation: ro.endpoint_operation,
        unsigned_payload: ro.unsigned_payload,
        documentation: ro.documentation,
        deprecated: ro.deprecated,
        name,
    })
}

/// `auth`, or else the older single `authtype`.
fn auth(auth: Vec<String>, authtype: Option<String>) -> Vec<String> {
    match authtype {
        Some(t) if auth.is_empty() => vec![t],
        _ => auth,
    }
}
