//! Splitting an object into parts: numbers, offsets, lengths and the HTTP
//! `Range` of each.

/// One part of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    /// Part number, from 1 (S3's `PartNumber`).
    pub number: u32,
    /// Offset of the first byte.
    pub offset: u64,
    /// Length in bytes (at least 1).
    pub len: u64,
}

impl Part {
    /// The inclusive HTTP byte range (`bytes=0-8388607`).
    pub fn range(&self) -> String {
        format!("bytes={}-{}", self.offset, self.offset + self.len - 1)
    }
}

/// The parts of `size` bytes in pieces of `part_size` (the last may be
/// shorter); none for an empty object. `part_size` must not be zero.
pub(crate) fn parts(size: u64, part_size: u64) -> impl Iterator<Item = Part> + Send {
    let count = size.div_ceil(part_size.max(1));
    (0..count).map(move |i| {
        let offset = i * part_size;
        Part {
            number: (i + 1) as u32,
            offset,
            len: part_size.min(size - offset),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_object_exactly_once() {
        for (size, part_size) in [(0, 5), (1, 5), (5, 5), (6, 5), (23, 5), (100, 1), (7, 100)] {
            let all: Vec<Part> = parts(size, part_size).collect();
            assert_eq!(all.len() as u64, size.div_ceil(part_size));
            let mut next = 0;
            for (i, p) in all.iter().enumerate() {
                assert_eq!(p.number as usize, i + 1);
                assert_eq!(p.offset, next);
                assert!(p.len >= 1 && p.len <= part_size);
                next += p.len;
            }
            assert_eq!(next, size, "size {size} part {part_size}");
        }
    }

    #[test]
    fn ranges_are_inclusive() {
        let all: Vec<String> = parts(12, 5).map(|p| p.range()).collect();
        assert_eq!(all, ["bytes=0-4", "bytes=5-9", "bytes=10-11"]);
    }
}
