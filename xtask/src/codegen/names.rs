//! Rust names for model names: botocore's `xform_name` for snake_case, and
//! safe type and enum variant names.

/// Rust keywords that need a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NON_RAW: &[&str] = &["self", "Self", "super", "crate", "extern"];

/// Type names the generated code uses unqualified; shapes with these names are
/// renamed with a `Shape` suffix.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "Box", "String", "Some", "None", "Ok", "Err", "Self", "Value",
    "HashMap", "Client",
];

/// botocore's `xform_name` (shared with the core's dynamic path).
pub use myaws_core::names::xform_name;

/// A field, method or module name: snake_case, made a valid identifier.
pub fn snake_ident(name: &str) -> String {
    let mut s: String = xform_name(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// Adds `r#` or a trailing `_` to keywords.
pub fn escape_keyword(s: String) -> String {
    if NON_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Methods every generated structure has (from `Default`, `Clone`,
/// `PartialEq`, `Debug`, `Into`/`From`, `ToOwned`, myaws's value
/// conversions, ...): a setter of that name would shadow them
/// (`FontFamily::default()` would need arguments), so such a member's setter
/// is `set_<name>` instead.
const SHADOWED_METHODS: &[&str] = &[
    "default",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "into",
    "from",
    "try_into",
    "try_from",
    "to_owned",
    "borrow",
    "borrow_mut",
    "type_id",
    "into_value",
    "from_value",
];

/// The setter of a structure field: the field's name, or `set_<name>` when
/// that would shadow a method every structure has.
pub fn setter_name(field: &str) -> String {
    let bare = field.trim_start_matches("r#");
    if SHADOWED_METHODS.contains(&bare) {
        format!("set_{bare}")
    } else {
        field.to_string()
    }
}

/// A type name for a shape name.
pub fn type_name(shape: &str) -> String {
    // Upper camel case: separators (`_`, `-`, `.`) start a new word, as
    // Rust's type naming (and clippy's `non_camel_case_types`) wants:
    // `AbpV1_0_x` → `AbpV10X`.
    let mut s = String::with_capacity(shape.len());
    let mut word_start = false;
    for c in shape.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(if word_start {
                c.to_ascii_uppercase()
            } else {
                c
            });
            word_start = false;
        } else {
            word_start = true;
        }
    }
    if let Some(first) = s.get(0..1) {
        let upper = first.to_ascii_uppercase();
        s.replace_range(0..1, &upper);
    }
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Shape");
    }
    s
}

/// An enum variant name for a wire value: `us-east-1` → `UsEast1`, `ALL` → `All`.
pub fn variant_name(value: &str) -> String {
    let mut out = String::new();
    for word in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let all_upper = word.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_upper {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Unknown" || out == "Self_" || out == "Self" {
        out.push_str("Value");
    }
    out
}

/// Makes `name` unique among `used` by appending a number.
pub fn dedupe(name: String, used: &mut std::collections::HashSet<String>) -> String {
    if used.insert(name.clone()) {
        return name;
    }
    let mut n = 2;
    loop {
        let candidate = match name.strip_prefix("r#") {
            Some(bare) => format!("{bare}_{n}"),
            None => format!("{name}{n}"),
        };
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_keywords() {
        assert_eq!(snake_ident("Type"), "r#type");
        assert_eq!(snake_ident("Self"), "self_");
        assert_eq!(snake_ident("3Way"), "_3_way");
    }

    #[test]
    fn setters_never_shadow_trait_methods() {
        assert_eq!(setter_name("default"), "set_default");
        assert_eq!(setter_name("from"), "set_from");
        assert_eq!(setter_name("eq"), "set_eq");
        assert_eq!(setter_name("queue_url"), "queue_url");
        assert_eq!(setter_name("r#type"), "r#type");
    }

    #[test]
    fn makes_camel_case_type_names() {
        assert_eq!(type_name("AbpV1_0_x"), "AbpV10X");
        assert_eq!(type_name("SendMessageRequest"), "SendMessageRequest");
        assert_eq!(type_name("foo-bar.baz"), "FooBarBaz");
        assert_eq!(type_name("3d"), "T3d");
    }

    #[test]
    fn makes_variant_names() {
        assert_eq!(variant_name("us-east-1"), "UsEast1");
        assert_eq!(variant_name("ALL"), "All");
        assert_eq!(variant_name("SentTimestamp"), "SentTimestamp");
        assert_eq!(variant_name("t2.micro"), "T2Micro");
        assert_eq!(variant_name("1.0"), "V10");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("UNKNOWN"), "UnknownValue");
    }
}
