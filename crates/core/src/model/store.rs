//! Where a [`ServiceModel`](super::ServiceModel) keeps its shapes: all built
//! at once (a model read from JSON), or packed and each decoded when first
//! used (the models generated crates embed: a client of a service with
//! thousands of shapes decodes the few its calls touch).

use std::collections::HashMap;

use super::{Shape, ShapeId};
use crate::packed::LazyShapes;

/// A model's shapes, by id.
#[derive(Debug, Clone)]
pub(crate) enum ShapeStore {
    /// Every shape built, with the index by name and the exceptions' ids.
    Built {
        shapes: Vec<Shape>,
        index: HashMap<String, ShapeId>,
        exceptions: Vec<ShapeId>,
    },
    /// Packed shapes, decoded on first use.
    Packed(LazyShapes),
}

impl ShapeStore {
    /// A store of built shapes.
    pub(crate) fn built(shapes: Vec<Shape>, index: HashMap<String, ShapeId>) -> ShapeStore {
        let exceptions = (0..shapes.len())
            .filter(|&id| shapes[id].exception)
            .collect();
        ShapeStore::Built {
            shapes,
            index,
            exceptions,
        }
    }

    /// The number of shapes.
    pub(crate) fn len(&self) -> usize {
        match self {
            ShapeStore::Built { shapes, .. } => shapes.len(),
            ShapeStore::Packed(lazy) => lazy.len(),
        }
    }

    /// Shape `id` (decoded now if packed and not yet used).
    pub(crate) fn get(&self, id: ShapeId) -> &Shape {
        match self {
            ShapeStore::Built { shapes, .. } => &shapes[id],
            ShapeStore::Packed(lazy) => lazy.get(id),
        }
    }

    /// Shape `id`, to change it (decoded first if packed).
    pub(crate) fn get_mut(&mut self, id: ShapeId) -> &mut Shape {
        match self {
            ShapeStore::Built { shapes, .. } => &mut shapes[id],
            ShapeStore::Packed(lazy) => lazy.get_mut(id),
        }
    }

    /// The id of the shape called `name`.
    pub(crate) fn id(&self, name: &str) -> Option<ShapeId> {
        match self {
            ShapeStore::Built { index, .. } => index.get(name).copied(),
            ShapeStore::Packed(lazy) => lazy.id(name),
        }
    }

    /// The name of shape `id`, without decoding it.
    pub(crate) fn name(&self, id: ShapeId) -> &str {
        match self {
            ShapeStore::Built { shapes, .. } => &shapes[id].name,
            ShapeStore::Packed(lazy) => lazy.name(id),
        }
    }

    /// The ids of the exception shapes, in id order.
    pub(crate) fn exceptions(&self) -> &[ShapeId] {
        match self {
            ShapeStore::Built { exceptions, .. } => exceptions,
            ShapeStore::Packed(lazy) => lazy.exceptions(),
        }
    }
}
