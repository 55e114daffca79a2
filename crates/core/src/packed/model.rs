//! A [`ServiceModel`] in the packed format: read all at once, or (the
//! models generated crates embed) its shapes each when first used.

use std::fmt;
use std::sync::OnceLock;

use super::{pack_struct, pack_unit_enum, unpack_str, Pack, PackError, Reader, Writer};
use crate::model::{
    check_shape, EndpointDiscoveryTrait, ErrorTraits, HttpBinding, HttpChecksum, Location, Member,
    Metadata, ModelError, ModelParts, Operation, Protocol, RetryableTrait, ServiceModel, Shape,
    ShapeId, ShapeKind, TimestampFormat, XmlNamespace,
};

/// The header's name for a packed model.
const KIND: &str = "service model";

impl ServiceModel {
    /// This model in myaws's packed form, which generated crates embed
    /// (written by `cargo xtask regen`, read by [`from_packed`](Self::from_packed)).
    ///
    /// After the metadata and the operations come the shapes' names (in id
    /// order), their ids sorted by name, the exceptions' ids, a table of
    /// where each shape starts (4 bytes each) and the shapes themselves, so
    /// that a reader can decode one shape without reading the others.
    pub fn to_packed(&self) -> Vec<u8> {
        let mut w = Writer::with_header(KIND);
        self.metadata.pack(&mut w);
        self.protocol.pack(&mut w);
        self.documentation.pack(&mut w);
        self.operations.pack(&mut w);
        let count = self.shape_count();
        count.pack(&mut w);
        for id in 0..count {
            self.shape_name(id).to_owned().pack(&mut w);
        }
        let mut by_name: Vec<ShapeId> = (0..count).collect();
        by_name.sort_by(|&a, &b| self.shape_name(a).cmp(self.shape_name(b)));
        for id in by_name {
            id.pack(&mut w);
        }
        self.exception_ids().to_vec().pack(&mut w);
        let mut bodies = Writer::default();
        for shape in self.shapes() {
            let offset = u32::try_from(bodies.buf.len()).expect("a packed model under 4 GiB");
            w.raw(&offset.to_le_bytes());
            // The name is in the table already.
            let body = Shape {
                name: String::new(),
                ..shape.clone()
            };
            body.pack(&mut bodies);
        }
        w.raw(&bodies.buf);
        w.finish()
    }

    /// Reads a model written by [`to_packed`](Self::to_packed), every shape
    /// at once, checking every shape reference. Data from another version
    /// of the packed format is refused with an error that says so.
    pub fn from_packed(data: &[u8]) -> Result<ServiceModel, ModelError> {
        let layout = Layout::read(data)?;
        let shapes = (0..layout.names.len())
            .map(|id| layout.shape(id))
            .collect::<Result<Vec<_>, _>>()?;
        ServiceModel::from_parts(layout.parts, shapes)
    }

    /// Reads a model embedded in a generated crate: the metadata and the
    /// operations now, each shape when first used. Everything read now is
    /// checked (names, tables, the operations' shape references); a shape
    /// is checked when it is decoded, and one that fails its checks is a
    /// defect of the generated crate (it panics, naming the shape).
    pub(crate) fn from_embedded(data: &'static [u8]) -> Result<ServiceModel, ModelError> {
        let layout = Layout::read(data)?;
        let shapes = LazyShapes {
            cells: layout.names.iter().map(|_| OnceLock::new()).collect(),
            names: layout.names,
            by_name: layout.by_name,
            exceptions: layout.exceptions,
            offsets: layout.offsets,
            bodies: layout.bodies,
        };
        ServiceModel::with_lazy_shapes(layout.parts, shapes)
    }
}

/// A packed model with its tables read and checked, its shapes not yet.
struct Layout<'a> {
    parts: ModelParts,
    names: Vec<&'a str>,
    by_name: Vec<u32>,
    exceptions: Vec<ShapeId>,
    /// Where each shape starts in `bodies`, 4 little-endian bytes each.
    offsets: &'a [u8],
    bodies: &'a [u8],
}

impl<'a> Layout<'a> {
    fn read(data: &'a [u8]) -> Result<Layout<'a>, ModelError> {
        let invalid = |e: PackError| ModelError(e.0);
        let mut r = Reader::with_header(data, KIND).map_err(invalid)?;
        Self::read_from(&mut r).map_err(invalid)
    }

    fn read_from(r: &mut Reader<'a>) -> Result<Layout<'a>, PackError> {
        let parts = ModelParts {
            metadata: Metadata::unpack(r)?,
            protocol: Protocol::unpack(r)?,
            documentation: Option::unpack(r)?,
            operations: Vec::unpack(r)?,
        };
        let count = r.len()?;
        let mut names = Vec::with_capacity(count);
        for _ in 0..count {
            names.push(unpack_str(r)?);
        }
        let mut by_name = Vec::with_capacity(count);
        for _ in 0..count {
            let id = r.varint()?;
            let name = names.get(id as usize).ok_or_else(|| bad_id(id, count))?;
            if let Some(&last) = by_name.last() {
                if names[last as usize] > *name {
                    return Err(PackError("the shape name index is not sorted".into()));
                }
            }
            by_name.push(id as u32);
        }
        let exceptions: Vec<ShapeId> = Vec::unpack(r)?;
        if let Some(&id) = exceptions.iter().find(|&&id| id >= count) {
            return Err(bad_id(id as u64, count));
        }
        let offsets = r.take(count * 4)?;
        let bodies = r.take(r.remaining())?;
        let mut previous = 0;
        for offset in offsets.chunks_exact(4).map(read_u32) {
            if offset < previous || offset > bodies.len() {
                return Err(PackError(format!("shape offset {offset} out of order")));
            }
            previous = offset;
        }
        Ok(Layout {
            parts,
            names,
            by_name,
            exceptions,
            offsets,
            bodies,
        })
    }

    /// Decodes and checks shape `id`.
    fn shape(&self, id: ShapeId) -> Result<Shape, ModelError> {
        decode_shape(self.offsets, self.bodies, id, &self.names)
    }
}

fn bad_id(id: u64, count: usize) -> PackError {
    PackError(format!("shape id {id} out of range ({count} shapes)"))
}

fn read_u32(bytes: &[u8]) -> usize {
    let mut word = [0u8; 4];
    word.copy_from_slice(bytes);
    u32::from_le_bytes(word) as usize
}

/// Decodes shape `id` (named `names[id]`) from its place in `bodies` and
/// checks it.
fn decode_shape(
    offsets: &[u8],
    bodies: &[u8],
    id: ShapeId,
    names: &[&str],
) -> Result<Shape, ModelError> {
    let count = names.len();
    let invalid = |e: PackError| ModelError(e.0);
    let at = |i: usize| offsets.get(i * 4..i * 4 + 4).map(read_u32);
    let start = at(id).ok_or_else(|| invalid(bad_id(id as u64, count)))?;
    let end = at(id + 1).unwrap_or(bodies.len());
    let body = bodies
        .get(start..end)
        .ok_or_else(|| ModelError(format!("shape {id} lies outside the packed data")))?;
    let mut r = Reader::over(body);
    let mut shape = Shape::unpack(&mut r).map_err(invalid)?;
    r.finish().map_err(invalid)?;
    shape.name = names[id].to_owned();
    check_shape(&shape, count)?;
    Ok(shape)
}

/// The shapes of an embedded model, each decoded when first used.
#[derive(Clone)]
pub(crate) struct LazyShapes {
    /// Shape names in id order, borrowed from the embedded data.
    names: Vec<&'static str>,
    /// Shape ids sorted by name.
    by_name: Vec<u32>,
    /// The exceptions' ids, in id order.
    exceptions: Vec<ShapeId>,
    /// Where each shape starts in `bodies` (4 bytes each).
    offsets: &'static [u8],
    bodies: &'static [u8],
    /// The shapes decoded so far.
    cells: Box<[OnceLock<Box<Shape>>]>,
}

impl LazyShapes {
    /// The number of shapes.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Shape `id`, decoded now if this is its first use.
    pub(crate) fn get(&self, id: ShapeId) -> &Shape {
        self.cells[id].get_or_init(|| Box::new(self.decode(id)))
    }

    /// Shape `id`, to change it.
    pub(crate) fn get_mut(&mut self, id: ShapeId) -> &mut Shape {
        if self.cells[id].get().is_none() {
            let shape = Box::new(self.decode(id));
            let _ = self.cells[id].set(shape);
        }
        self.cells[id].get_mut().expect("decoded above")
    }

    fn decode(&self, id: ShapeId) -> Shape {
        decode_shape(self.offsets, self.bodies, id, &self.names).unwrap_or_else(|e| {
            panic!(
                "the packed model embedded in this service crate is damaged (shape `{}`): {e}; \
                 regenerate it with `cargo xtask regen`",
                self.names[id]
            )
        })
    }

    /// The id of the shape called `name`.
    pub(crate) fn id(&self, name: &str) -> Option<ShapeId> {
        self.by_name
            .binary_search_by(|&id| self.names[id as usize].cmp(name))
            .ok()
            .map(|i| self.by_name[i] as usize)
    }

    /// The name of shape `id`.
    pub(crate) fn name(&self, id: ShapeId) -> &str {
        self.names[id]
    }

    /// The exceptions' ids.
    pub(crate) fn exceptions(&self) -> &[ShapeId] {
        &self.exceptions
    }
}

impl fmt::Debug for LazyShapes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decoded = self.cells.iter().filter(|c| c.get().is_some()).count();
        f.debug_struct("LazyShapes")
            .field("shapes", &self.len())
            .field("decoded", &decoded)
            .finish()
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
