//! The packed form of a service model and an endpoint rule set: what
//! generated crates embed so that creating a client reads no JSON.
//!
//! `cargo xtask regen` loads each model and rule set the usual way (from
//! JSON, with every check), then writes the loaded structures out with
//! [`ServiceModel::to_packed`](crate::ServiceModel::to_packed) and
//! [`RuleSet::to_packed`](crate::endpoint::RuleSet::to_packed). At run time
//! `from_packed` reads them back: no tokenizing, no escapes, no shape names
//! to resolve, no templates to parse; what remains is mostly the allocation
//! of the structures themselves.
//!
//! The format is a plain pre-order walk of the structures: unsigned
//! integers as LEB128 varints, signed ones zigzagged, floats as 8
//! little-endian bytes, strings and lists as a length and their items,
//! options and enums as a tag byte. Each value type lists its fields once
//! ([`pack_struct!`]), in the same order both ways. A header names the format
//! and its version: a crate generated for another version of the format is
//! refused with an error that says so.
//!
//! Packed data is embedded by the generator, but it is read as if it were
//! hostile all the same: every read is bounds-checked, nesting is bounded,
//! and references (shape ids, scope slots, function arities) are checked
//! before anything uses them, so a damaged file is an error, never a panic.

use std::fmt;

mod model;
#[cfg(test)]
mod tests;

pub(crate) use model::LazyShapes;

/// The first bytes of every packed file.
const MAGIC: &[u8; 8] = b"myaws-pk";

/// The version of the format; bumped whenever any packed type changes.
const FORMAT_VERSION: u64 = 2;

/// The deepest nesting [`Reader`] accepts (rule trees, expressions).
const MAX_DEPTH: u32 = 200;

/// Why packed data could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackError(pub(crate) String);

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PackError {}

/// A value that can be written to and read from the packed format.
pub(crate) trait Pack: Sized {
    /// Appends this value to `w`.
    fn pack(&self, w: &mut Writer);
    /// Reads a value written by [`Pack::pack`].
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError>;
}

/// Appends packed values to a buffer.
#[derive(Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// A writer whose buffer starts with the header for `kind`.
    pub(crate) fn with_header(kind: &str) -> Writer {
        let mut w = Writer::default();
        w.buf.extend_from_slice(MAGIC);
        w.varint(FORMAT_VERSION);
        kind.to_owned().pack(&mut w);
        w
    }

    /// The bytes written.
    pub(crate) fn finish(self) -> Vec<u8> {
        self.buf
    }

    /// One byte.
    pub(crate) fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    /// An unsigned integer, LEB128.
    pub(crate) fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    /// Raw bytes (after their length, written by the caller).
    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
}

/// Reads packed values from a byte slice, checking every bound.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    depth: u32,
    /// The number of scope slots of the rule set being read: every slot
    /// reference must be below it.
    pub(crate) slots: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `data` that checks its header is one for `kind`.
    pub(crate) fn with_header(data: &'a [u8], kind: &str) -> Result<Reader<'a>, PackError> {
        let mut r = Reader::over(data);
        if r.take(MAGIC.len()).ok() != Some(&MAGIC[..]) {
            return Err(PackError(format!(
                "not packed myaws data (expected a {kind})"
            )));
        }
        let version = r.varint()?;
        if version != FORMAT_VERSION {
            return Err(PackError(format!(
                "packed {kind} has format version {version}, this myaws-core reads version \
                 {FORMAT_VERSION}: the service crate and myaws-core come from different \
                 releases; use the myaws-core version the service crate was generated for"
            )));
        }
        let found = String::unpack(&mut r)?;
        if found != kind {
            return Err(PackError(format!(
                "packed data holds a {found}, not a {kind}"
            )));
        }
        Ok(r)
    }

    /// A reader of `data` with no header (one shape of a packed model).
    pub(crate) fn over(data: &'a [u8]) -> Reader<'a> {
        Reader {
            data,
            pos: 0,
            depth: 0,
            slots: 0,
        }
    }

    /// An error unless every byte was read.
    pub(crate) fn finish(&self) -> Result<(), PackError> {
        match self.data.len() - self.pos {
            0 => Ok(()),
            n => Err(PackError(format!(
                "{n} bytes left over after the packed data"
            ))),
        }
    }

    /// The bytes not read yet.
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// The next `n` bytes.
    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8], PackError> {
        match self.data.get(self.pos..self.pos.saturating_add(n)) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(self.truncated()),
        }
    }

    // Errors are built out of line: reading is a hot loop at client creation.
    #[cold]
    #[inline(never)]
    fn truncated(&self) -> PackError {
        PackError(format!("packed data ends early (at byte {})", self.pos))
    }

    /// One byte.
    #[inline]
    pub(crate) fn byte(&mut self) -> Result<u8, PackError> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.truncated()),
        }
    }

    /// An unsigned LEB128 integer.
    #[inline]
    pub(crate) fn varint(&mut self) -> Result<u64, PackError> {
        // Most are one byte: shape ids, lengths, slots.
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.long_varint()
    }

    /// A varint of more than one byte (or a truncated one).
    fn long_varint(&mut self) -> Result<u64, PackError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(PackError(format!("overlong integer at byte {}", self.pos)))
    }

    /// A length of a list or string: at most the bytes left (every item
    /// takes at least one), so a damaged length cannot make a huge
    /// allocation.
    #[inline]
    pub(crate) fn len(&mut self) -> Result<usize, PackError> {
        let n = self.varint()?;
        if n > self.remaining() as u64 {
            return Err(self.truncated());
        }
        Ok(n as usize)
    }

    /// Reads a value one level deeper, refusing nesting past [`MAX_DEPTH`].
    pub(crate) fn nested<T>(
        &mut self,
        read: impl FnOnce(&mut Reader<'a>) -> Result<T, PackError>,
    ) -> Result<T, PackError> {
        if self.depth >= MAX_DEPTH {
            return Err(PackError(format!(
                "packed data nested deeper than {MAX_DEPTH}"
            )));
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    /// A scope-slot index of the rule set being read.
    pub(crate) fn slot(&mut self) -> Result<usize, PackError> {
        let slot = usize::unpack(self)?;
        if slot >= self.slots {
            return Err(PackError(format!(
                "scope slot {slot} out of range ({} slots)",
                self.slots
            )));
        }
        Ok(slot)
    }

    /// A tag byte: an enum variant index below `count`.
    #[inline]
    pub(crate) fn tag(&mut self, what: &str, count: u8) -> Result<u8, PackError> {
        let tag = self.byte()?;
        if tag >= count {
            return Err(unknown_tag(what, tag));
        }
        Ok(tag)
    }
}

#[cold]
#[inline(never)]
fn unknown_tag(what: &str, tag: u8) -> PackError {
    PackError(format!("unknown {what} tag {tag}"))
}

// ------------------------------------------------------------------ primitives

impl Pack for bool {
    fn pack(&self, w: &mut Writer) {
        w.byte(u8::from(*self));
    }
    #[inline]
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(r.tag("boolean", 2)? == 1)
    }
}

impl Pack for u64 {
    fn pack(&self, w: &mut Writer) {
        w.varint(*self);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        r.varint()
    }
}

impl Pack for usize {
    fn pack(&self, w: &mut Writer) {
        w.varint(*self as u64);
    }
    #[inline]
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        usize::try_from(r.varint()?).map_err(|_| PackError("integer too large".into()))
    }
}

impl Pack for u16 {
    fn pack(&self, w: &mut Writer) {
        w.varint(u64::from(*self));
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        u16::try_from(r.varint()?).map_err(|_| PackError("integer too large for u16".into()))
    }
}

impl Pack for i64 {
    fn pack(&self, w: &mut Writer) {
        w.varint(((*self << 1) ^ (*self >> 63)) as u64);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let v = r.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

impl Pack for f64 {
    fn pack(&self, w: &mut Writer) {
        w.raw(&self.to_le_bytes());
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let bytes: [u8; 8] = r.take(8)?.try_into().map_err(|_| r.truncated())?;
        Ok(f64::from_le_bytes(bytes))
    }
}

/// A string's bytes, checked to be UTF-8.
fn unpack_str<'a>(r: &mut Reader<'a>) -> Result<&'a str, PackError> {
    let n = r.len()?;
    let at = r.pos;
    std::str::from_utf8(r.take(n)?)
        .map_err(|_| PackError(format!("string at byte {at} is not UTF-8")))
}

impl Pack for String {
    fn pack(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        w.raw(self.as_bytes());
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        unpack_str(r).map(str::to_owned)
    }
}

impl Pack for Box<str> {
    fn pack(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        w.raw(self.as_bytes());
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        unpack_str(r).map(Box::from)
    }
}

/// JSON values (static context parameters, rule-set properties) are packed
/// as their text: they are few and small.
impl Pack for serde_json::Value {
    fn pack(&self, w: &mut Writer) {
        self.to_string().pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        serde_json::from_str(unpack_str(r)?)
            .map_err(|e| PackError(format!("packed JSON value: {e}")))
    }
}

// ------------------------------------------------------------------ containers

impl<T: Pack> Pack for Option<T> {
    fn pack(&self, w: &mut Writer) {
        match self {
            None => w.byte(0),
            Some(v) => {
                w.byte(1);
                v.pack(w);
            }
        }
    }
    #[inline]
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        match r.tag("option", 2)? {
            0 => Ok(None),
            _ => T::unpack(r).map(Some),
        }
    }
}

impl<T: Pack> Pack for Vec<T> {
    fn pack(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        for item in self {
            item.pack(w);
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let n = r.len()?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(T::unpack(r)?);
        }
        Ok(items)
    }
}

impl<T: Pack> Pack for Box<T> {
    fn pack(&self, w: &mut Writer) {
        (**self).pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        T::unpack(r).map(Box::new)
    }
}

impl<A: Pack, B: Pack> Pack for (A, B) {
    fn pack(&self, w: &mut Writer) {
        self.0.pack(w);
        self.1.pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok((A::unpack(r)?, B::unpack(r)?))
    }
}

// ------------------------------------------------------------------ macros

/// Packs a struct as its listed fields, in order. Every field must be listed
/// (unpacking builds the struct from them, so a missing one does not compile).
macro_rules! pack_struct {
    ($t:ident { $($field:ident),* $(,)? }) => {
        impl $crate::packed::Pack for $t {
            fn pack(&self, w: &mut $crate::packed::Writer) {
                $(self.$field.pack(w);)*
            }
            fn unpack(
                r: &mut $crate::packed::Reader<'_>,
            ) -> Result<Self, $crate::packed::PackError> {
                Ok($t { $($field: $crate::packed::Pack::unpack(r)?,)* })
            }
        }
    };
}

/// Packs a field-less enum as the index of its variant. Every variant must
/// be listed (the exhaustive match below does not compile otherwise).
macro_rules! pack_unit_enum {
    ($t:ident { $($variant:ident),* $(,)? }) => {
        impl $crate::packed::Pack for $t {
            fn pack(&self, w: &mut $crate::packed::Writer) {
                const ALL: &[$t] = &[$($t::$variant),*];
                match self {
                    $($t::$variant)|* => {}
                }
                let index = ALL.iter().position(|v| v == self).unwrap_or_default();
                w.byte(index as u8);
            }
            fn unpack(
                r: &mut $crate::packed::Reader<'_>,
            ) -> Result<Self, $crate::packed::PackError> {
                const ALL: &[$t] = &[$($t::$variant),*];
                let tag = r.tag(stringify!($t), ALL.len() as u8)?;
                Ok(ALL[usize::from(tag)])
            }
        }
    };
}

pub(crate) use {pack_struct, pack_unit_enum};
