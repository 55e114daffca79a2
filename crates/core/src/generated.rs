//! Support for the generated service crates: the macros that write their
//! setters and union impls (one line per member in the generated source
//! instead of five), and the union reading and writing those impls call.
//!
//! Nothing here is meant to be called by hand; the macros are public only
//! because generated crates expand them.

use crate::value::{ConversionError, Value};

/// What a union's value holds.
#[derive(Debug)]
pub enum UnionMember {
    /// The one member set: its index in model order and its value.
    Known(usize, Value),
    /// A member the model does not know (its name from the wire), or an
    /// empty name when no member was set.
    Unknown(String),
}

/// Reads a union's value (a structure with `members` slots, at most one
/// set). A member this model does not know is `Unknown` with its name; two
/// members set is an error.
pub fn read_union(value: Value, members: usize) -> Result<UnionMember, ConversionError> {
    let slots = match value {
        Value::Struct(slots) => slots,
        other => return Err(ConversionError::expected("union", &other)),
    };
    // The parsers record an unknown member's name in one extra slot.
    if slots.len() == members + 1 {
        if let Some(Value::String(name)) = slots.last() {
            return Ok(UnionMember::Unknown(name.clone()));
        }
    }
    let mut set = slots.into_iter().enumerate().filter(|(_, v)| !v.is_null());
    match (set.next(), set.next()) {
        (None, _) => Ok(UnionMember::Unknown(String::new())),
        (Some((index, value)), None) => Ok(UnionMember::Known(index, value)),
        (Some((a, _)), Some((b, _))) => Err(ConversionError {
            message: format!("a union has more than one member set (members {a} and {b})"),
        }),
    }
}

/// A union's value with member `index` set to `value` (no member set when
/// `index` is out of range, which parameter validation refuses).
pub fn union_value(members: usize, index: usize, value: Value) -> Value {
    let mut slots: Vec<Value> = std::iter::repeat_with(|| Value::Null)
        .take(members)
        .collect();
    if let Some(slot) = slots.get_mut(index) {
        *slot = value;
    }
    Value::Struct(slots)
}

/// The setters of a generated structure, one line per member:
/// `kind field("Member") [as method]: Type[, appender];` (the setter is
/// named after the field unless `as` names it: a member whose name is that
/// of a method every structure has, such as `Default`, gets `set_default`).
/// Kinds: `into` (takes
/// `impl Into<Type>`), `value` (takes `Type`), `boxed` (takes `Type`, stores
/// `Box<Type>`), `events` (an input event stream), `list` / `list_into` (a
/// list from any `IntoIterator` of items, or of items converted `Into` the
/// element type, plus an appender for one item) and `map` / `map_into` (a
/// map from any `IntoIterator` of pairs, plus an appender for one entry).
#[doc(hidden)]
#[macro_export]
macro_rules! setters {
    ($t:ident { $($kind:ident $field:ident ($member:literal) $(as $method:ident)?: $ty:ty $(, $extra:ident)?;)* }) => {
        impl $t {
            $($crate::__setter!($kind $field [$($method)?] $member $ty $(, $extra)?);)*
        }
    };
}

/// One member's setter (and appender) for [`setters!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __setter {
    // No `as method`: the setter is named after the field.
    ($kind:ident $field:ident [] $member:literal $ty:ty $(, $extra:ident)?) => {
        $crate::__setter!($kind $field [$field] $member $ty $(, $extra)?);
    };
    (into $field:ident [$method:ident] $member:literal $ty:ty) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $method(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (value $field:ident [$method:ident] $member:literal $ty:ty) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $method(mut self, value: $ty) -> Self {
            self.$field = Some(value);
            self
        }
    };
    (boxed $field:ident [$method:ident] $member:literal $ty:ty) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $method(mut self, value: $ty) -> Self {
            self.$field = Some(Box::new(value));
            self
        }
    };
    (events $field:ident [$method:ident] $member:literal $ty:ty) => {
        #[doc = concat!("Sets `", $member, "`: the events to send, from any stream.")]
        pub fn $method(
            mut self,
            value: impl $crate::eventstream::Stream<Item = $ty> + Send + 'static,
        ) -> Self {
            self.$field = Some($crate::eventstream::EventStreamInput::new(value));
            self
        }
    };
    (list $field:ident [$method:ident] $member:literal $ty:ty, $push:ident) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field) from any iterable.")]
        pub fn $method(mut self, items: impl IntoIterator<Item = $ty>) -> Self {
            self.$field = Some(items.into_iter().collect());
            self
        }
        #[doc = concat!("Appends one item to `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $push(mut self, item: $ty) -> Self {
            self.$field.get_or_insert_with(Vec::new).push(item);
            self
        }
    };
    (list_into $field:ident [$method:ident] $member:literal $ty:ty, $push:ident) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field) from any iterable.")]
        pub fn $method(mut self, items: impl IntoIterator<Item = impl Into<$ty>>) -> Self {
            self.$field = Some(items.into_iter().map(Into::into).collect());
            self
        }
        #[doc = concat!("Appends one item to `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $push(mut self, item: impl Into<$ty>) -> Self {
            self.$field.get_or_insert_with(Vec::new).push(item.into());
            self
        }
    };
    (map $field:ident [$method:ident] $member:literal $ty:ty, $insert:ident) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field) from any iterable of pairs.")]
        pub fn $method<K: Into<String>>(mut self, entries: impl IntoIterator<Item = (K, $ty)>) -> Self {
            self.$field = Some(entries.into_iter().map(|(k, v)| (k.into(), v)).collect());
            self
        }
        #[doc = concat!("Inserts one entry into `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $insert(mut self, key: impl Into<String>, value: $ty) -> Self {
            self.$field
                .get_or_insert_with(Default::default)
                .insert(key.into(), value);
            self
        }
    };
    (map_into $field:ident [$method:ident] $member:literal $ty:ty, $insert:ident) => {
        #[doc = concat!("Sets `", $member, "` (the `", stringify!($field), "` field) from any iterable of pairs.")]
        pub fn $method<K: Into<String>, V: Into<$ty>>(
            mut self,
            entries: impl IntoIterator<Item = (K, V)>,
        ) -> Self {
            self.$field = Some(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            );
            self
        }
        #[doc = concat!("Inserts one entry into `", $member, "` (the `", stringify!($field), "` field).")]
        pub fn $insert(mut self, key: impl Into<String>, value: impl Into<$ty>) -> Self {
            self.$field
                .get_or_insert_with(Default::default)
                .insert(key.into(), value.into());
            self
        }
    };
}

/// `IntoValue`, `FromValue` and the `as_*` accessors of a generated union
/// enum: `Union, member_count; index Variant as_variant: Type; ...`. Input
/// and output impls are optional (`input` / `output` flags).
#[doc(hidden)]
#[macro_export]
macro_rules! union_impls {
    ($t:ident, $n:literal, input = $input:tt, output = $output:tt;
     $($index:literal $variant:ident $as:ident: $ty:ty;)*) => {
        impl $t {
            $(
                #[doc = concat!("The `", stringify!($variant), "` member, if that is the one set.")]
                pub fn $as(&self) -> Option<&$ty> {
                    match self {
                        Self::$variant(v) => Some(v),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            )*
        }
        $crate::__union_input!($input $t, $n; $($index $variant;)*);
        $crate::__union_output!($output $t, $n; $($index $variant;)*);
    };
}

/// `IntoValue` of a union enum (when `true`), for [`union_impls!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __union_input {
    (false $($rest:tt)*) => {};
    (true $t:ident, $n:literal; $($index:literal $variant:ident;)*) => {
        impl $crate::IntoValue for $t {
            fn into_value(self) -> $crate::Value {
                match self {
                    $(Self::$variant(v) => $crate::generated::union_value($n, $index, $crate::IntoValue::into_value(v)),)*
                    // Nothing set: parameter validation names the union.
                    Self::Unknown(_) => $crate::generated::union_value($n, usize::MAX, $crate::Value::Null),
                }
            }
        }
    };
}

/// `FromValue` of a union enum (when `true`), for [`union_impls!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __union_output {
    (false $($rest:tt)*) => {};
    (true $t:ident, $n:literal; $($index:literal $variant:ident;)*) => {
        impl $crate::FromValue for $t {
            fn from_value(value: $crate::Value) -> Result<Self, $crate::ConversionError> {
                match $crate::generated::read_union(value, $n)? {
                    $($crate::generated::UnionMember::Known($index, v) => {
                        $crate::FromValue::from_value(v).map(Self::$variant)
                    })*
                    $crate::generated::UnionMember::Known(_, _) => unreachable!("a union slot beyond its members"),
                    $crate::generated::UnionMember::Unknown(name) => Ok(Self::Unknown(name)),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_one_member_set() {
        let v = union_value(3, 1, Value::String("x".into()));
        match read_union(v, 3).unwrap() {
            UnionMember::Known(1, Value::String(s)) => assert_eq!(s, "x"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_and_empty_unions() {
        let unknown = Value::Struct(vec![Value::Null, Value::Null, Value::String("New".into())]);
        assert!(matches!(read_union(unknown, 2).unwrap(), UnionMember::Unknown(n) if n == "New"));
        let empty = union_value(2, usize::MAX, Value::Null);
        assert!(matches!(read_union(empty, 2).unwrap(), UnionMember::Unknown(n) if n.is_empty()));
    }

    #[test]
    fn two_members_set_is_an_error() {
        let v = Value::Struct(vec![Value::Bool(true), Value::Bool(false)]);
        let e = read_union(v, 2).unwrap_err();
        assert!(e.to_string().contains("more than one member"), "{e}");
        assert!(read_union(Value::Bool(true), 2).is_err());
    }
}
