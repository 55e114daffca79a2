//! Profiles: the sections of `~/.aws/config` and `~/.aws/credentials`.
//!
//! [`ProfileFile::parse`] turns the text of one file into named [`Profile`]s
//! the way botocore's `configloader` does:
//!
//! * in the **config** file, `[default]` is the profile `default`,
//!   `[profile NAME]` is the profile `NAME` (the name may be quoted:
//!   `[profile "my profile"]`), `[sso-session NAME]` and `[services NAME]` go
//!   to their own maps, and any other section is kept aside;
//! * in the **credentials** file every section name is a profile name as
//!   written (`[default]`, `[dev]`);
//! * a header whose words do not split into exactly a keyword and one name
//!   (`[profile a b]`, `[profile "no end quote]`) is ignored;
//! * an option whose value starts on the next, indented line is a nested
//!   sub-section (`s3 =` then `  addressing_style = path`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::ini::{self, ParseError, RawSection};
use super::ConfigError;

/// One setting's value in a profile.
#[derive(Clone, PartialEq, Eq)]
pub enum ProfileValue {
    /// A plain `key = value` setting.
    Text(String),
    /// A nested sub-section: `key =` followed by indented `name = value` lines.
    Nested(BTreeMap<String, String>),
}

/// A named block of settings: a profile, or an `sso-session` or `services`
/// section.
///
/// Keys are lower-case (as configparser stores them); keys inside a nested
/// sub-section keep their case. `Debug` hides the values of keys that look
/// secret (containing `secret`, `token` or `password`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Profile {
    name: String,
    values: BTreeMap<String, ProfileValue>,
}

impl Profile {
    /// An empty profile called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Profile {
            name: name.into(),
            values: BTreeMap::new(),
        }
    }

    /// Adds or replaces a plain setting (builder style, handy in tests).
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.values
            .insert(key.into(), ProfileValue::Text(value.into()));
        self
    }

    /// Adds or replaces a nested sub-section (builder style).
    pub fn with_sub<K, V>(
        mut self,
        key: impl Into<String>,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.values.insert(key.into(), ProfileValue::Nested(map));
        self
    }

    /// The profile's (or section's) name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A plain setting's value. `None` when the key is absent or holds a
    /// nested sub-section.
    pub fn get(&self, key: &str) -> Option<&str> {
        match self.values.get(key)? {
            ProfileValue::Text(text) => Some(text),
            ProfileValue::Nested(_) => None,
        }
    }

    /// A nested sub-section (e.g. `s3`). `None` when the key is absent or holds
    /// a plain value.
    pub fn sub(&self, key: &str) -> Option<&BTreeMap<String, String>> {
        match self.values.get(key)? {
            ProfileValue::Nested(map) => Some(map),
            ProfileValue::Text(_) => None,
        }
    }

    /// A setting's value of either kind.
    pub fn value(&self, key: &str) -> Option<&ProfileValue> {
        self.values.get(key)
    }

    /// Whether `key` is set (to a value of either kind).
    pub fn contains_key(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// All settings in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ProfileValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether the profile has no settings.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `self`'s settings with `other`'s on top (same name as `self`).
    pub(crate) fn overlaid_with(&self, other: &Profile) -> Profile {
        let mut merged = self.clone();
        for (key, value) in &other.values {
            merged.values.insert(key.clone(), value.clone());
        }
        merged
    }
}

/// Whether a key's value must never be printed.
fn is_sensitive(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("secret") || key.contains("token") || key.contains("password")
}

impl fmt::Debug for ProfileValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileValue::Text(text) => fmt::Debug::fmt(text, f),
            ProfileValue::Nested(map) => f
                .debug_map()
                .entries(map.iter().map(|(k, v)| {
                    let shown: &dyn fmt::Debug = if is_sensitive(k) {
                        &"** redacted **"
                    } else {
                        v
                    };
                    (k, shown)
                }))
                .finish(),
        }
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Values<'a>(&'a BTreeMap<String, ProfileValue>);
        impl fmt::Debug for Values<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(k, v)| {
                        let shown: &dyn fmt::Debug = if is_sensitive(k) {
                            &"** redacted **"
                        } else {
                            v
                        };
                        (k, shown)
                    }))
                    .finish()
            }
        }
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("values", &Values(&self.values))
            .finish()
    }
}

/// Which shared file a text comes from; it decides how section names map to
/// profile names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`,
    /// `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: `[NAME]`.
    Credentials,
}

/// The profiles and other sections of one parsed file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileFile {
    profiles: BTreeMap<String, Profile>,
    sso_sessions: BTreeMap<String, Profile>,
    services: BTreeMap<String, Profile>,
    other: BTreeMap<String, Profile>,
}

impl ProfileFile {
    /// Parses the text of a config or credentials file.
    pub fn parse(text: &str, kind: FileKind) -> Result<ProfileFile, ParseError> {
        let mut file = ProfileFile::default();
        for raw in ini::parse(text)? {
            let (map, name) = match kind {
                FileKind::Credentials => (&mut file.profiles, Some(raw.name.clone())),
                FileKind::Config => file.classify(&raw.name),
            };
            let Some(name) = name else { continue };
            let profile = to_profile(name.clone(), &raw)?;
            map.insert(name, profile);
        }
        Ok(file)
    }

    /// Reads and parses the file at `path`. A missing file (or a directory,
    /// as botocore only reads regular files) is an empty `ProfileFile`; a file
    /// that cannot be read, is not UTF-8 or is malformed is an error naming
    /// the path.
    pub fn read(path: &Path, kind: FileKind) -> Result<ProfileFile, ConfigError> {
        if path.is_dir() {
            return Ok(ProfileFile::default());
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ProfileFile::default())
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })
            }
        };
        let parse_error = |error| ConfigError::Parse {
            path: Some(path.to_owned()),
            error,
        };
        let text = String::from_utf8(bytes).map_err(|err| {
            let offset = err.utf8_error().valid_up_to();
            let line = err.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            parse_error(ParseError::new(
                Some(line),
                format!("the file is not valid UTF-8 text (bad byte at offset {offset})"),
            ))
        })?;
        ProfileFile::parse(&text, kind).map_err(parse_error)
    }

    /// Where a config-file section goes, and under which name (`None`: drop).
    fn classify(&mut self, section: &str) -> (&mut BTreeMap<String, Profile>, Option<String>) {
        if section == "default" {
            return (&mut self.profiles, Some(section.to_owned()));
        }
        for (keyword, map) in [
            ("profile", &mut self.profiles),
            ("sso-session", &mut self.sso_sessions),
            ("services", &mut self.services),
        ] {
            if section.starts_with(keyword) {
                let name = match shlex_split(section).as_deref() {
                    Some([first, name]) if first == keyword => Some(name.clone()),
                    _ => None,
                };
                return (map, name);
            }
        }
        (&mut self.other, Some(section.to_owned()))
    }

    /// Combines several files; for each profile (and each sso-session,
    /// services or other section) the first file that defines it wins, whole.
    /// This is botocore's multi-file rule.
    pub fn merge_first_wins(files: impl IntoIterator<Item = ProfileFile>) -> ProfileFile {
        let mut merged = ProfileFile::default();
        for file in files {
            for (target, source) in [
                (&mut merged.profiles, file.profiles),
                (&mut merged.sso_sessions, file.sso_sessions),
                (&mut merged.services, file.services),
                (&mut merged.other, file.other),
            ] {
                for (name, profile) in source {
                    target.entry(name).or_insert(profile);
                }
            }
        }
        merged
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// All profile names, sorted.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The `[sso-session NAME]` section called `name` (config file only).
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// The `[services NAME]` section called `name` (config file only).
    pub fn services(&self, name: &str) -> Option<&Profile> {
        self.services.get(name)
    }

    /// A config-file section that is neither a profile nor an sso-session or
    /// services section (e.g. `[preview]`), by its full header text.
    pub fn other_section(&self, header: &str) -> Option<&Profile> {
        self.other.get(header)
    }

    /// Whether the file defines nothing at all.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
            && self.sso_sessions.is_empty()
            && self.services.is_empty()
            && self.other.is_empty()
    }
}

/// Turns a raw section into a profile, parsing nested sub-sections.
fn to_profile(name: String, raw: &RawSection) -> Result<Profile, ParseError> {
    let mut profile = Profile::new(name);
    for (key, value) in &raw.options {
        let parsed = if value.text.starts_with('\n') {
            let nested = ini::parse_nested(&value.text).map_err(|index| {
                ParseError::new(
                    Some(value.line + index),
                    format!(
                        "the nested settings under `{key}` in [{}] must each be `name = value`",
                        raw.name
                    ),
                )
            })?;
            ProfileValue::Nested(nested)
        } else {
            ProfileValue::Text(value.text.clone())
        };
        profile.values.insert(key.clone(), parsed);
    }
    Ok(profile)
}

/// Splits words like a POSIX shell (Python's `shlex.split`): whitespace
/// separates words, `'…'` is literal, `"…"` allows `\"` and `\\`, and a
/// backslash outside quotes escapes the next character. `None` when a quote
/// is not closed or the text ends in a lone backslash.
fn shlex_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => words.extend(word.take()),
            '\'' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => word.push(other),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            escaped @ ('\\' | '"' | '$' | '`' | '\n') => word.push(escaped),
                            other => {
                                word.push('\\');
                                word.push(other);
                            }
                        },
                        other => word.push(other),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            other => word.get_or_insert_with(String::new).push(other),
        }
    }
    words.extend(word);
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shlex_like_python() {
        let split = |s: &str| shlex_split(s);
        assert_eq!(split("profile a"), Some(vec!["profile".into(), "a".into()]));
        assert_eq!(
            split("profile \"my profile\""),
            Some(vec!["profile".into(), "my profile".into()])
        );
        assert_eq!(
            split("profile 'x y'z"),
            Some(vec!["profile".into(), "x yz".into()])
        );
        assert_eq!(
            split("profile \"a\\\"b\""),
            Some(vec!["profile".into(), "a\"b".into()])
        );
        assert_eq!(split("a\\ b"), Some(vec!["a b".into()]));
        assert_eq!(
            split("profile \"\""),
            Some(vec!["profile".into(), String::new()])
        );
        assert_eq!(split("profile \"open"), None);
        assert_eq!(split("trailing\\"), None);
    }

    #[test]
    fn config_sections_are_classified() {
        let text = "[default]\na=1\n[profile dev]\nb=2\n[sso-session s]\nc=3\n\
                    [services svc]\ns3 =\n  endpoint_url = http://x\n[preview]\nd=4\n\
                    [profile]\ne=5\n[profiles x]\nf=6\n";
        let file = ProfileFile::parse(text, FileKind::Config).unwrap();
        assert_eq!(file.profile_names().collect::<Vec<_>>(), ["default", "dev"]);
        assert_eq!(file.profile("dev").unwrap().get("b"), Some("2"));
        assert_eq!(file.sso_session("s").unwrap().get("c"), Some("3"));
        let svc = file.services("svc").unwrap();
        assert_eq!(svc.sub("s3").unwrap()["endpoint_url"], "http://x");
        assert_eq!(file.other_section("preview").unwrap().get("d"), Some("4"));
        assert!(file.other_section("profile").is_none());
    }

    #[test]
    fn credentials_sections_are_profiles_as_written() {
        let text = "[default]\naws_access_key_id=a\n[profile dev]\nx=1\n[dev]\ny=2\n";
        let file = ProfileFile::parse(text, FileKind::Credentials).unwrap();
        assert_eq!(
            file.profile_names().collect::<Vec<_>>(),
            ["default", "dev", "profile dev"]
        );
    }

    #[test]
    fn get_and_sub_distinguish_kinds() {
        let p = Profile::new("p")
            .with("region", "x")
            .with_sub("s3", [("a", "b")]);
        assert_eq!(p.get("region"), Some("x"));
        assert_eq!(p.sub("region"), None);
        assert_eq!(p.get("s3"), None);
        assert_eq!(p.sub("s3").unwrap()["a"], "b");
        assert_eq!(p.get("nope"), None);
    }

    #[test]
    fn debug_hides_secret_values() {
        let p = Profile::new("p")
            .with("aws_access_key_id", "AKIDEXAMPLE")
            .with("aws_secret_access_key", "s3cr3t-value")
            .with("aws_session_token", "t0ken-value")
            .with_sub("x", [("client_secret", "nested-s3cr3t")]);
        let shown = format!("{p:?}");
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
        for secret in ["s3cr3t-value", "t0ken-value", "nested-s3cr3t"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn bad_nested_line_is_an_error_with_its_line() {
        let err =
            ProfileFile::parse("[default]\ns3 =\n  ok = 1\n  bad\n", FileKind::Config).unwrap_err();
        assert_eq!(err.line(), Some(4));
        assert!(err.message().contains("`s3`"), "{err}");
    }
}
