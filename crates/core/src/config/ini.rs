//! A reader for the INI dialect of Python's `configparser.RawConfigParser`,
//! which is what botocore and the AWS CLI use for `~/.aws/config` and
//! `~/.aws/credentials`.
//!
//! Why not a crate: `rust-ini` (0.21) can read indented multi-line values, but
//! it trims the leading line break of such a value, so `s3 =` followed by an
//! indented block cannot be told apart from `s3 = key=value` on one line, and
//! only the first is a nested sub-section in botocore. It also keeps key case,
//! merges repeated sections and strips quotes, where configparser lower-cases
//! keys, rejects repeated sections/keys and keeps quotes. The rules below are
//! few enough to write out directly:
//!
//! * `#` or `;` as the first non-blank character makes a comment line; there
//!   are no inline comments (`region = x # y` has the value `x # y`).
//! * `[name]`: the header is everything between the first `[` and the *last*
//!   `]` of the trimmed line.
//! * `key = value` or `key: value`: split at the first `=` or `:`; key and
//!   value are trimmed and the key is lower-cased.
//! * A line indented deeper than the line that started the current option
//!   continues that option's value (joined with `\n`); blank lines inside a
//!   value are kept, trailing ones dropped.
//! * `[DEFAULT]` holds fallback values for every other section.
//! * Errors: text before the first header, a line that is neither header nor
//!   option, an empty key, a section or key that appears twice.
//!
//! Error messages give line numbers but never echo the offending line, which
//! might hold a secret key.

use std::collections::BTreeMap;
use std::fmt;

/// Why a shared config or credentials file could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    line: Option<usize>,
    message: String,
}

impl ParseError {
    pub(crate) fn new(line: Option<usize>, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
    }

    /// The 1-based line the problem was found on, when it is tied to one line.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What is wrong, without the line number.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// One option's value as read: the joined text and the line it started on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawValue {
    pub text: String,
    pub line: usize,
}

/// One `[section]` with its options, in file order of sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawSection {
    pub name: String,
    pub line: usize,
    pub options: BTreeMap<String, RawValue>,
}

/// Options being collected for one section; values are still lists of lines.
struct Pending {
    name: String,
    line: usize,
    options: BTreeMap<String, (Vec<String>, usize)>,
}

impl Pending {
    fn new(name: String, line: usize) -> Self {
        Pending {
            name,
            line,
            options: BTreeMap::new(),
        }
    }
}

/// Where new options currently go.
#[derive(Clone, Copy)]
enum Target {
    None,
    Defaults,
    Section(usize),
}

/// Parses `text` into sections, configparser-style (see the module docs).
pub(crate) fn parse(text: &str) -> Result<Vec<RawSection>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Pending> = Vec::new();
    let mut defaults = Pending::new("DEFAULT".to_owned(), 0);
    let mut target = Target::None;
    let mut option: Option<String> = None;
    let mut indent_level = 0usize;

    for (index, line) in text.split('\n').enumerate() {
        let lineno = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim();
        let is_comment = trimmed.starts_with('#') || trimmed.starts_with(';');
        if trimmed.is_empty() || is_comment {
            // A blank line inside a value is kept (comment lines are not).
            if !is_comment {
                if let Some(lines) = current_lines(&mut sections, &mut defaults, target, &option) {
                    lines.push(String::new());
                }
            }
            continue;
        }
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();
        if option.is_some() && !matches!(target, Target::None) && indent > indent_level {
            if let Some(lines) = current_lines(&mut sections, &mut defaults, target, &option) {
                lines.push(trimmed.to_owned());
            }
            continue;
        }
        indent_level = indent;

        if let Some(name) = section_header(trimmed) {
            option = None;
            if name == "DEFAULT" {
                target = Target::Defaults;
                continue;
            }
            if let Some(previous) = sections.iter().find(|s| s.name == name) {
                return Err(ParseError::new(
                    Some(lineno),
                    format!(
                        "section [{name}] appears twice (first on line {})",
                        previous.line
                    ),
                ));
            }
            sections.push(Pending::new(name.to_owned(), lineno));
            target = Target::Section(sections.len() - 1);
            continue;
        }

        let pending = match target {
            Target::None => {
                return Err(ParseError::new(
                    Some(lineno),
                    "settings appear before any [section] header",
                ))
            }
            Target::Defaults => &mut defaults,
            Target::Section(i) => &mut sections[i],
        };
        let Some((key, value)) = split_option(trimmed) else {
            return Err(ParseError::new(
                Some(lineno),
                "expected `key = value` or a [section] header",
            ));
        };
        if key.is_empty() {
            return Err(ParseError::new(Some(lineno), "a setting has an empty name"));
        }
        let key = key.to_lowercase();
        if let Some((_, first)) = pending.options.get(&key) {
            return Err(ParseError::new(
                Some(lineno),
                format!(
                    "`{key}` is set twice in section [{}] (first on line {first})",
                    pending.name
                ),
            ));
        }
        pending
            .options
            .insert(key.clone(), (vec![value.to_owned()], lineno));
        option = Some(key);
    }

    let defaults = finish(defaults.options);
    Ok(sections
        .into_iter()
        .map(|pending| {
            let mut options = finish(pending.options);
            for (key, value) in &defaults {
                options.entry(key.clone()).or_insert_with(|| value.clone());
            }
            RawSection {
                name: pending.name,
                line: pending.line,
                options,
            }
        })
        .collect())
}

/// The value lines of the option being read, if any.
fn current_lines<'a>(
    sections: &'a mut [Pending],
    defaults: &'a mut Pending,
    target: Target,
    option: &Option<String>,
) -> Option<&'a mut Vec<String>> {
    let pending = match target {
        Target::None => return None,
        Target::Defaults => defaults,
        Target::Section(i) => &mut sections[i],
    };
    pending
        .options
        .get_mut(option.as_deref()?)
        .map(|(lines, _)| lines)
}

/// Joins each option's lines with `\n` and drops trailing whitespace.
fn finish(options: BTreeMap<String, (Vec<String>, usize)>) -> BTreeMap<String, RawValue> {
    options
        .into_iter()
        .map(|(key, (lines, line))| {
            let text = lines.join("\n").trim_end().to_owned();
            (key, RawValue { text, line })
        })
        .collect()
}

/// `[name]` → `name` (between the first `[` and the last `]`, non-empty).
fn section_header(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    let name = &rest[..end];
    (!name.is_empty()).then_some(name)
}

/// Splits at the first `=` or `:` into a trimmed key and a trimmed value.
fn split_option(trimmed: &str) -> Option<(&str, &str)> {
    let at = trimmed.find(['=', ':'])?;
    Some((trimmed[..at].trim_end(), trimmed[at + 1..].trim()))
}

/// Parses a nested block (a value that starts with a line break) into its
/// `key = value` pairs, as botocore's `_parse_nested` does: blank lines are
/// skipped, each other line must contain `=`, keys keep their case and a
/// repeated key keeps the last value. `Err` carries the 0-based index of the
/// first line without `=` within the block.
pub(crate) fn parse_nested(text: &str) -> Result<BTreeMap<String, String>, usize> {
    let mut parsed = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or(index)?;
        parsed.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section<'a>(sections: &'a [RawSection], name: &str) -> &'a RawSection {
        sections
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no section {name} in {sections:?}"))
    }

    fn value<'a>(sections: &'a [RawSection], name: &str, key: &str) -> &'a str {
        &section(sections, name).options[key].text
    }

    #[test]
    fn reads_sections_keys_and_values() {
        let parsed =
            parse("[default]\nregion = us-east-1\nOutput: json\n\n[profile b]\nx=1\n").unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(value(&parsed, "default", "region"), "us-east-1");
        // Keys are lower-cased; `:` is a delimiter too.
        assert_eq!(value(&parsed, "default", "output"), "json");
        assert_eq!(value(&parsed, "profile b", "x"), "1");
        assert_eq!(section(&parsed, "profile b").line, 5);
    }

    #[test]
    fn splits_at_the_first_delimiter() {
        let parsed = parse("[s]\nendpoint_url = https://h:1/p\nodd: a = b\n").unwrap();
        assert_eq!(value(&parsed, "s", "endpoint_url"), "https://h:1/p");
        assert_eq!(value(&parsed, "s", "odd"), "a = b");
    }

    #[test]
    fn comments_only_at_line_start() {
        let parsed = parse("# c\n; c\n[s]\n  # indented comment\nk = v # not a comment\n").unwrap();
        assert_eq!(value(&parsed, "s", "k"), "v # not a comment");
        assert_eq!(section(&parsed, "s").options.len(), 1);
    }

    #[test]
    fn indented_lines_continue_a_value() {
        let text = "[s]\ns3 =\n    a = 1\n\n    b = 2\n\nnext = x\n";
        let parsed = parse(text).unwrap();
        assert_eq!(value(&parsed, "s", "s3"), "\na = 1\n\nb = 2");
        assert_eq!(value(&parsed, "s", "next"), "x");
    }

    #[test]
    fn indented_first_option_is_not_a_continuation() {
        let parsed = parse("[s]\n  a = 1\n  b = 2\n").unwrap();
        assert_eq!(value(&parsed, "s", "a"), "1");
        assert_eq!(value(&parsed, "s", "b"), "2");
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let parsed = parse("\u{feff}[s]\r\nk = v\r\nn =\r\n  x = y\r\n").unwrap();
        assert_eq!(value(&parsed, "s", "k"), "v");
        assert_eq!(value(&parsed, "s", "n"), "\nx = y");
    }

    #[test]
    fn header_runs_to_the_last_bracket() {
        let parsed = parse("[a]b] trailing\nk=v\n").unwrap();
        assert_eq!(parsed[0].name, "a]b");
    }

    #[test]
    fn default_section_supplies_fallbacks() {
        let parsed = parse("[DEFAULT]\nk = d\nj = d\n[s]\nk = own\n").unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(value(&parsed, "s", "k"), "own");
        assert_eq!(value(&parsed, "s", "j"), "d");
    }

    #[test]
    fn errors_carry_line_numbers_but_not_content() {
        let err = parse("secret_value_here\n[s]\n").unwrap_err();
        assert_eq!(err.line(), Some(1));
        assert!(!err.to_string().contains("secret_value_here"), "{err}");

        let err = parse("[s]\nk = 1\nwJalrXUtnFEMI\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(!err.to_string().contains("wJalr"), "{err}");

        let err = parse("[s]\n= v\n").unwrap_err();
        assert_eq!(err.line(), Some(2));

        let err = parse("[s]\nK = 1\nk = 2\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.message().contains("`k`"), "{err}");

        let err = parse("[s]\n[t]\n[s]\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.message().contains("first on line 1"), "{err}");

        // `[]` is not a header, and has no delimiter either.
        assert_eq!(parse("[s]\n[]\n").unwrap_err().line(), Some(2));
    }

    #[test]
    fn nested_blocks() {
        assert_eq!(
            parse_nested("\na = 1\n\n B=x=y \n"),
            Ok(BTreeMap::from([
                ("a".to_owned(), "1".to_owned()),
                ("B".to_owned(), "x=y".to_owned())
            ]))
        );
        assert_eq!(parse_nested("\na = 1\nbad @ line"), Err(2));
    }
}
