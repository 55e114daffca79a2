//! The list of deliberate differences (`xtask/botocore-diff-deliberate.json`).
//!
//! Each entry matches findings by service, operation, case, the finding's
//! key (`*` matches any run of characters) and optionally a substring of
//! its detail, and gives the reason. An entry with `"ignore": true` drops
//! the finding altogether (the value is not compared at all, e.g. the
//! `User-Agent`); otherwise a matched finding makes the case "deliberate"
//! instead of "failed". Every entry must say why.

use std::path::Path;

use serde_json::Value as Json;

use super::compare::Finding;

/// One entry of the list.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Short identifier, shown in the report.
    pub id: String,
    service: String,
    operation: String,
    case: String,
    finding: String,
    detail: Option<String>,
    /// Not compared at all (rather than compared and accepted).
    pub ignore: bool,
    /// Why the difference is deliberate.
    pub reason: String,
}

/// The loaded list.
#[derive(Debug, Clone, Default)]
pub struct Deliberate {
    /// Entries, in file order (the first match wins).
    pub entries: Vec<Entry>,
}

/// Where a finding was found.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// Service (`s3`).
    pub service: &'a str,
    /// Operation (`PutObject`).
    pub operation: &'a str,
    /// Case name (`required`, `output-rich`, `error:NoSuchKey`).
    pub case: &'a str,
}

impl Deliberate {
    /// Reads the list from `path`.
    pub fn load(path: &Path) -> Result<Deliberate, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc: Json =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Deliberate::from_json(&doc).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the list's JSON document.
    pub fn from_json(doc: &Json) -> Result<Deliberate, String> {
        let list = doc
            .get("entries")
            .and_then(Json::as_array)
            .ok_or("expected an object with an `entries` list")?;
        let mut entries = Vec::new();
        for (i, e) in list.iter().enumerate() {
            let field = |k: &str| e.get(k).and_then(Json::as_str).map(str::to_string);
            let id = field("id").ok_or(format!("entry {i}: no `id`"))?;
            let reason = field("reason").ok_or(format!("entry {id}: no `reason`"))?;
            if reason.trim().is_empty() {
                return Err(format!("entry {id}: empty reason"));
            }
            entries.push(Entry {
                service: field("service").unwrap_or_else(|| "*".into()),
                operation: field("operation").unwrap_or_else(|| "*".into()),
                case: field("case").unwrap_or_else(|| "*".into()),
                finding: field("finding").ok_or(format!("entry {id}: no `finding`"))?,
                detail: field("detail"),
                ignore: e.get("ignore").and_then(Json::as_bool).unwrap_or(false),
                id,
                reason,
            });
        }
        Ok(Deliberate { entries })
    }

    /// The first entry matching `finding` at `site`.
    pub fn find(&self, site: Site<'_>, finding: &Finding) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            glob(&e.service, site.service)
                && glob(&e.operation, site.operation)
                && glob(&e.case, site.case)
                && glob(&e.finding, &finding.key)
                && e.detail
                    .as_deref()
                    .is_none_or(|d| finding.detail.contains(d))
        })
    }
}

/// `*` matches any run of characters (none included); nothing else is
/// special.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn globs() {
        assert!(glob("*", ""));
        assert!(glob(
            "header:*:only-botocore",
            "header:expect:only-botocore"
        ));
        assert!(!glob("header:*:only-botocore", "header:expect:only-myaws"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "acb"));
        assert!(glob("s3", "s3"));
        assert!(!glob("s3", "s3control"));
    }

    #[test]
    fn entries_need_reasons_and_match_in_order() {
        assert!(Deliberate::from_json(&json!({"entries": [{"id": "x", "finding": "f"}]})).is_err());
        let list = Deliberate::from_json(&json!({"entries": [
            {"id": "ua", "finding": "header:user-agent:*", "ignore": true, "reason": "differs by design"},
            {"id": "s3", "service": "s3", "finding": "endpoint", "detail": "s3.amazonaws.com",
             "reason": "regional endpoint"}
        ]}))
        .unwrap();
        let site = Site {
            service: "s3",
            operation: "PutObject",
            case: "required",
        };
        let f = |key: &str, detail: &str| Finding {
            key: key.into(),
            detail: detail.into(),
        };
        assert_eq!(
            list.find(site, &f("header:user-agent:differs", ""))
                .unwrap()
                .id,
            "ua"
        );
        assert_eq!(
            list.find(site, &f("endpoint", "botocore https://s3.amazonaws.com"))
                .unwrap()
                .id,
            "s3"
        );
        assert!(list.find(site, &f("endpoint", "other")).is_none());
    }
}
