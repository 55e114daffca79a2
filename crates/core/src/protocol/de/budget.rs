//! How much memory the value parsed from a response may take.
//!
//! The parsers build the output [`Value`] straight from the body (no
//! document tree in between), and charge every value they make to a
//! [`Budget`]: a [`Value`] slot, plus the heap bytes of strings and map
//! keys. A response whose value would outgrow the budget is refused with a
//! clear error instead of taking the process's memory: a 60 MiB body of
//! empty elements would otherwise become gigabytes of empty structures.
//!
//! The budget is [`MIN_BUDGET`] or [`RATIO`] times the body, whichever is
//! larger; DynamoDB, whose `AttributeValue` union makes every tiny
//! attribute a ten-member structure, gets [`DYNAMODB_RATIO`].

use std::cell::Cell;

use super::ProtocolError;
use crate::model::ServiceModel;
use crate::value::Value;

/// The budget of a small response, whatever its size.
pub const MIN_BUDGET: usize = 32 << 20;
/// The budget of a large response, as a multiple of its body.
pub const RATIO: usize = 2;
/// DynamoDB's multiple (its responses are at most 16 MB).
pub const DYNAMODB_RATIO: usize = 48;

/// The memory one value slot takes.
pub(crate) const SLOT: usize = std::mem::size_of::<Value>();

/// What is left of a response's budget.
#[derive(Debug)]
pub(crate) struct Budget {
    left: Cell<usize>,
    limit: usize,
    body: usize,
}

impl Budget {
    /// The budget of a `body_len`-byte response of `model`'s service.
    pub(crate) fn for_body(model: &ServiceModel, body_len: usize) -> Budget {
        let ratio = if model.metadata.endpoint_prefix == "dynamodb" {
            DYNAMODB_RATIO
        } else {
            RATIO
        };
        Budget::new(MIN_BUDGET.max(body_len.saturating_mul(ratio)), body_len)
    }

    /// A budget of `limit` bytes.
    pub(crate) fn new(limit: usize, body: usize) -> Budget {
        Budget {
            left: Cell::new(limit),
            limit,
            body,
        }
    }

    /// Takes `bytes` from the budget.
    pub(crate) fn charge(&self, bytes: usize) -> Result<(), ProtocolError> {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(ProtocolError::new(format!(
                "the response would take more than {} MiB in memory once parsed ({} times its {}-byte body): refused as malformed or hostile",
                self.limit >> 20,
                self.limit / self.body.max(1),
                self.body
            ))),
        }
    }

    /// Charges `n` value slots.
    pub(crate) fn slots(&self, n: usize) -> Result<(), ProtocolError> {
        self.charge(n.saturating_mul(SLOT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_until_empty() {
        let b = Budget::new(100, 10);
        b.charge(60).unwrap();
        b.charge(40).unwrap();
        let err = b.charge(1).unwrap_err();
        assert!(
            err.message.contains("refused as malformed or hostile"),
            "{err}"
        );
    }
}
