//! Service-specific handlers, one module per service (or small group).

mod ec2;
mod glacier;
mod misc;
mod s3;

use super::Builtin;

#[cfg(test)]
pub(super) use glacier::tree_hash as glacier_tree_hash;

/// Every service's handlers.
pub(super) static HANDLERS: &[&[Builtin]] = &[
    s3::HANDLERS,
    ec2::HANDLERS,
    glacier::HANDLERS,
    misc::HANDLERS,
];
