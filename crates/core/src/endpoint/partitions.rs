//! Partition data for `aws.partition`: botocore's `partitions.json`, embedded
//! in the crate and parsed once per process.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use regex_lite::Regex;

use super::val::Val;

/// The partitions file shipped with the crate (kept in sync with
/// `models/partitions.json` by the model generator).
const PARTITIONS_JSON: &str = include_str!("../../data/partitions.json");

/// One partition: its region pattern and the record `aws.partition` returns.
#[derive(Debug)]
struct Partition {
    region_regex: Regex,
    outputs: Val,
}

/// All partitions, with an index of explicitly listed regions.
#[derive(Debug)]
pub(crate) struct Partitions {
    partitions: Vec<Partition>,
    /// Explicit region name → partition index (first listing wins).
    regions: HashMap<String, usize>,
}

impl Partitions {
    /// Parses a `partitions.json` document.
    pub(crate) fn from_json(text: &str) -> Result<Partitions, String> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("partitions.json: {e}"))?;
        let list = doc
            .get("partitions")
            .and_then(|p| p.as_array())
            .ok_or("partitions.json: missing `partitions` array")?;
        if list.is_empty() {
            return Err("partitions.json: no partitions".into());
        }
        let mut partitions = Vec::with_capacity(list.len());
        let mut regions = HashMap::new();
        for (index, p) in list.iter().enumerate() {
            let id = p
                .get("id")
                .and_then(|v| v.as_str())
                .ok_or("partitions.json: partition without `id`")?;
            let pattern = p
                .get("regionRegex")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("partitions.json: `{id}` has no `regionRegex`"))?;
            let region_regex = Regex::new(pattern)
                .map_err(|e| format!("partitions.json: `{id}` regionRegex: {e}"))?;
            let outputs = p
                .get("outputs")
                .and_then(|v| v.as_object())
                .ok_or_else(|| format!("partitions.json: `{id}` has no `outputs`"))?;
            let mut fields: Vec<(Cow<'static, str>, Val)> = Vec::with_capacity(outputs.len() + 1);
            for (key, value) in outputs {
                let v = match value {
                    serde_json::Value::String(s) => Val::Str(s.clone()),
                    serde_json::Value::Bool(b) => Val::Bool(*b),
                    // Other kinds are not part of the partition output schema.
                    _ => continue,
                };
                fields.push((Cow::Owned(key.clone()), v));
            }
            if !fields.iter().any(|(k, _)| k == "name") {
                fields.push((Cow::Borrowed("name"), Val::Str(id.to_string())));
            }
            if let Some(map) = p.get("regions").and_then(|v| v.as_object()) {
                for region in map.keys() {
                    regions.entry(region.clone()).or_insert(index);
                }
            }
            partitions.push(Partition {
                region_regex,
                outputs: Val::record(fields),
            });
        }
        Ok(Partitions {
            partitions,
            regions,
        })
    }

    /// The partition record for `region`: an explicitly listed region first,
    /// then the first partition whose `regionRegex` matches, else the first
    /// partition (`aws`).
    pub(crate) fn lookup(&self, region: &str) -> &Val {
        let index = self.regions.get(region).copied().or_else(|| {
            self.partitions
                .iter()
                .position(|p| p.region_regex.is_match(region))
        });
        &self.partitions[index.unwrap_or(0)].outputs
    }
}

/// The embedded partitions, parsed on first use.
pub(crate) fn embedded() -> Result<&'static Partitions, String> {
    static CELL: OnceLock<Result<Partitions, String>> = OnceLock::new();
    CELL.get_or_init(|| Partitions::from_json(PARTITIONS_JSON))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'v>(v: &'v Val, field: &str) -> &'v str {
        match v.field(field) {
            Some(Val::Str(s)) => s,
            other => panic!("{field} is {other:?}"),
        }
    }

    fn name_of(v: &Val) -> &str {
        text(v, "name")
    }

    #[test]
    fn embedded_data_resolves_regions() {
        let p = embedded().unwrap();
        assert_eq!(name_of(p.lookup("us-west-2")), "aws");
        assert_eq!(name_of(p.lookup("cn-north-1")), "aws-cn");
        assert_eq!(name_of(p.lookup("cn-north-9")), "aws-cn");
        assert_eq!(name_of(p.lookup("us-gov-west-1")), "aws-us-gov");
        assert_eq!(name_of(p.lookup("us-isob-east-1")), "aws-iso-b");
        assert_eq!(name_of(p.lookup("aws-cn-global")), "aws-cn");
        assert_eq!(name_of(p.lookup("mars-global")), "aws");
        let cn = p.lookup("cn-north-1");
        assert_eq!(text(cn, "dnsSuffix"), "amazonaws.com.cn");
        assert_eq!(cn.field("supportsFIPS"), Some(&Val::Bool(true)));
    }

    #[test]
    fn explicit_region_beats_regex_of_an_earlier_partition() {
        let text = r#"{"partitions": [
            {"id": "a", "regionRegex": "^x-\\w+-\\d+$", "outputs": {"dnsSuffix": "a.com"}, "regions": {}},
            {"id": "b", "regionRegex": "^y$", "outputs": {"dnsSuffix": "b.com"}, "regions": {"x-special-1": {}}}
        ]}"#;
        let p = Partitions::from_json(text).unwrap();
        assert_eq!(name_of(p.lookup("x-special-1")), "b");
        assert_eq!(name_of(p.lookup("x-other-1")), "a");
        assert_eq!(name_of(p.lookup("zzz")), "a");
    }

    #[test]
    fn bad_documents_are_errors() {
        assert!(Partitions::from_json("[").is_err());
        assert!(Partitions::from_json(r#"{"partitions": []}"#).is_err());
        assert!(Partitions::from_json(
            r#"{"partitions": [{"id": "a", "regionRegex": "(", "outputs": {}}]}"#
        )
        .is_err());
    }
}
