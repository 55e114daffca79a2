//! [`Env`]: an immutable snapshot of environment variables.
//!
//! Configuration code never calls `std::env::var` deep inside: it is handed an
//! `Env`, taken once from the process ([`Env::from_process`]) or built from
//! fixed pairs in tests ([`Env::from_pairs`]). This keeps resolution pure and
//! makes every precedence rule testable without touching the real environment
//! or the real home directory.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A snapshot of environment variables.
///
/// Cheap to clone (the map is shared). Its `Debug` output lists variable
/// *names* only, never values, because the environment commonly holds
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
#[derive(Clone, Default)]
pub struct Env {
    vars: Arc<BTreeMap<String, OsString>>,
}

impl Env {
    /// Takes a snapshot of the current process environment.
    ///
    /// Variables whose *names* are not valid Unicode are skipped (no AWS
    /// setting has such a name); values are kept as they are.
    pub fn from_process() -> Env {
        let vars = std::env::vars_os()
            .filter_map(|(name, value)| name.into_string().ok().map(|name| (name, value)))
            .collect();
        Env {
            vars: Arc::new(vars),
        }
    }

    /// Builds an environment from fixed name/value pairs (for tests and
    /// embedding). Nothing is read from the process.
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = pairs
            .into_iter()
            .map(|(name, value)| (name.into(), OsString::from(value.into())))
            .collect();
        Env {
            vars: Arc::new(vars),
        }
    }

    /// An environment with no variables at all.
    pub fn empty() -> Env {
        Env::default()
    }

    /// The value of `name`, if set and valid Unicode.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).and_then(|value| value.to_str())
    }

    /// The value of `name` with surrounding whitespace removed, or `None` when
    /// it is unset, not valid Unicode, or blank.
    ///
    /// Settings read from the environment use this: an exported but empty
    /// variable (`AWS_REGION=`) counts as not set.
    pub fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// The raw value of `name`, which need not be valid Unicode (for paths).
    pub fn get_os(&self, name: &str) -> Option<&OsString> {
        self.vars.get(name)
    }

    /// Whether `name` is set (to anything, even an empty string).
    pub fn contains(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// The names of all variables, in sorted order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// The user's home directory as this environment describes it.
    ///
    /// `HOME` wins; on Windows `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`,
    /// are tried as well. Only the snapshot is consulted, so a test `Env`
    /// without `HOME` has no home directory and never sees the real one.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.get_os("HOME").filter(|home| !home.is_empty()) {
            return Some(PathBuf::from(home));
        }
        if cfg!(windows) {
            if let Some(profile) = self.get_os("USERPROFILE").filter(|p| !p.is_empty()) {
                return Some(PathBuf::from(profile));
            }
            if let (Some(drive), Some(path)) = (self.get_os("HOMEDRIVE"), self.get_os("HOMEPATH")) {
                let mut joined = drive.clone();
                joined.push(path);
                return Some(PathBuf::from(joined));
            }
        }
        None
    }

    /// Expands a configured path the way botocore does (`os.path.expandvars`
    /// then `os.path.expanduser`): `$NAME` and `${NAME}` are replaced by the
    /// variable's value when it is set (and left as written otherwise), and a
    /// leading `~` or `~/` becomes the home directory.
    ///
    /// Returns `None` only when the path starts with `~` and there is no home
    /// directory to put there.
    pub fn expand_path(&self, raw: &str) -> Option<PathBuf> {
        let expanded = self.expand_vars(raw);
        if expanded == "~" {
            return self.home_dir();
        }
        if let Some(rest) = expanded
            .strip_prefix("~/")
            .or_else(|| expanded.strip_prefix("~\\").filter(|_| cfg!(windows)))
        {
            return self.home_dir().map(|home| home.join(rest));
        }
        Some(PathBuf::from(expanded))
    }

    /// Replaces `$NAME` and `${NAME}` with the values of set variables.
    fn expand_vars(&self, raw: &str) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(dollar) = rest.find('$') {
            out.push_str(&rest[..dollar]);
            let after = &rest[dollar + 1..];
            let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
                match braced.find('}') {
                    Some(end) => (&braced[..end], end + 2),
                    None => ("", 0),
                }
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            };
            match self.get(name).filter(|_| !name.is_empty()) {
                Some(value) => out.push_str(value),
                None => out.push_str(&rest[dollar..dollar + 1 + consumed]),
            }
            rest = &rest[dollar + 1 + consumed..];
        }
        out.push_str(rest);
        out
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn from_pairs_reads_only_the_pairs() {
        let env = Env::from_pairs([("AWS_REGION", "eu-west-1"), ("EMPTY", "")]);
        assert_eq!(env.get("AWS_REGION"), Some("eu-west-1"));
        assert_eq!(env.get("PATH"), None);
        assert!(env.contains("EMPTY"));
        assert_eq!(env.get("EMPTY"), Some(""));
        assert_eq!(env.get_non_empty("EMPTY"), None);
        assert_eq!(env.names().collect::<Vec<_>>(), ["AWS_REGION", "EMPTY"]);
    }

    #[test]
    fn get_non_empty_trims() {
        let env = Env::from_pairs([("A", "  x  "), ("B", "   ")]);
        assert_eq!(env.get_non_empty("A"), Some("x"));
        assert_eq!(env.get_non_empty("B"), None);
    }

    #[test]
    fn debug_never_shows_values() {
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "very-secret-value")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"), "{shown}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
    }

    #[test]
    fn home_dir_comes_from_the_snapshot_only() {
        assert_eq!(Env::empty().home_dir(), None);
        let env = Env::from_pairs([("HOME", "/home/tester")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from("/home/tester")));
        assert_eq!(Env::from_pairs([("HOME", "")]).home_dir(), None);
    }

    #[test]
    fn expand_path_handles_tilde_and_variables() {
        let env = Env::from_pairs([("HOME", "/h"), ("DIR", "conf"), ("X", "y")]);
        assert_eq!(env.expand_path("~").as_deref(), Some(Path::new("/h")));
        assert_eq!(
            env.expand_path("~/.aws/config").as_deref(),
            Some(Path::new("/h/.aws/config"))
        );
        assert_eq!(
            env.expand_path("/etc/$DIR/${X}z").as_deref(),
            Some(Path::new("/etc/conf/yz"))
        );
        // Unknown variables and stray dollars stay as written.
        assert_eq!(
            env.expand_path("/a/$NOPE/${NOPE}/$/${").as_deref(),
            Some(Path::new("/a/$NOPE/${NOPE}/$/${"))
        );
        // `~user` is not expanded; a tilde without a home is unresolvable.
        assert_eq!(
            env.expand_path("~bob/x").as_deref(),
            Some(Path::new("~bob/x"))
        );
        assert_eq!(Env::empty().expand_path("~/x"), None);
    }
}
