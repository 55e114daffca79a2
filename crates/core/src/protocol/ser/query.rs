//! The query and EC2 protocols: `Action`, `Version` and the input flattened
//! into form parameters (`Foo.Bar.member.1=x`), sent as a form-encoded body.
//!
//! The dialects differ in names and lists. query names a member by its
//! `locationName`; lists are `Name.member.N` (the item `locationName` replacing
//! `member`), flattened lists `Name.N`, and an empty list is sent as `Name=`.
//! EC2 names a member by `queryName`, else its capitalized `locationName`;
//! lists are always `Name.N`, and empty lists are left out.

use std::collections::HashMap;

use bytes::Bytes;
use http::HeaderMap;

use crate::model::{Member, Operation, ServiceModel, Shape, ShapeKind, TimestampFormat};
use crate::value::Value;

use super::super::{ProtocolError, SerializedRequest};
use super::traits::{self, mismatch};
use super::{check_depth, method_of, set_header, text};

/// Which query protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// awsQuery.
    Query,
    /// ec2Query.
    Ec2,
}

/// Serializes a query or EC2 request (`POST /` with a form body).
pub(crate) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    dialect: Dialect,
) -> Result<SerializedRequest, ProtocolError> {
    let mut params = Params::default();
    params.set("Action".into(), op.name.clone());
    params.set("Version".into(), model.metadata.api_version.clone());
    if let Some(id) = op.input {
        let w = Writer { model, dialect };
        w.structure(&mut params, "", model.shape(id), input, 0)?;
    }
    let mut headers = HeaderMap::new();
    set_header(
        &mut headers,
        "Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )?;
    Ok(SerializedRequest {
        method: method_of(op)?,
        path: "/".into(),
        query: String::new(),
        headers,
        body: Bytes::from(params.encode()),
        host_prefix: None,
    })
}

/// Form parameters in insertion order; a repeated name replaces the earlier
/// value in place (botocore builds them in a dict).
#[derive(Debug, Default)]
struct Params {
    pairs: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

impl Params {
    fn set(&mut self, name: String, value: String) {
        match self.index.get(&name) {
            Some(&i) => self.pairs[i].1 = value,
            None => {
                self.index.insert(name.clone(), self.pairs.len());
                self.pairs.push((name, value));
            }
        }
    }

    fn encode(&self) -> String {
        let parts: Vec<String> = self
            .pairs
            .iter()
            .map(|(k, v)| format!("{}={}", text::form_encode(k), text::form_encode(v)))
            .collect();
        parts.join("&")
    }
}

struct Writer<'m> {
    model: &'m ServiceModel,
    dialect: Dialect,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

impl Writer<'_> {
    /// The name of a member in this dialect, or `default`.
    fn name(&self, m: &Member, default: &str) -> String {
        match self.dialect {
            Dialect::Query => traits::serialized_name(self.model, m)
                .unwrap_or(default)
                .to_string(),
            Dialect::Ec2 => {
                if let Some(q) = m.query_name.as_deref() {
                    return q.to_string();
                }
                match traits::serialized_name(self.model, m) {
                    Some(n) => {
                        let mut chars = n.chars();
                        match chars.next() {
                            Some(first) => first.to_uppercase().chain(chars).collect(),
                            None => String::new(),
                        }
                    }
                    None => default.to_string(),
                }
            }
        }
    }

    fn structure(
        &self,
        params: &mut Params,
        prefix: &str,
        shape: &Shape,
        value: &Value,
        depth: usize,
    ) -> Result<(), ProtocolError> {
        for (m, v) in traits::set_members(shape, value)? {
            let name = join(prefix, &self.name(m, &m.name));
            self.value(params, &name, m, v, depth + 1)?;
        }
        Ok(())
    }

    fn value(
        &self,
        params: &mut Params,
        prefix: &str,
        m: &Member,
        value: &Value,
        depth: usize,
    ) -> Result<(), ProtocolError> {
        check_depth(depth)?;
        let shape = self.model.shape(m.target);
        match (shape.kind, value) {
            // A null list item or map value has no form; leave it out.
            (_, Value::Null) => Ok(()),
            (ShapeKind::Structure, Value::Struct(_)) if !shape.document => {
                self.structure(params, prefix, shape, value, depth)
            }
            (ShapeKind::List, Value::List(items)) => {
                self.list(params, prefix, m, shape, items, depth)
            }
            (ShapeKind::Map, Value::Map(entries)) => {
                self.map(params, prefix, m, shape, entries, depth)
            }
            (ShapeKind::Structure | ShapeKind::List | ShapeKind::Map, _) => {
                Err(mismatch(shape, value))
            }
            _ => {
                let format =
                    traits::timestamp_format(self.model, m).unwrap_or(TimestampFormat::Iso8601);
                params.set(
                    prefix.to_string(),
                    text::scalar(shape, value, format, text::Precision::of(self.model))?,
                );
                Ok(())
            }
        }
    }

    fn list(
        &self,
        params: &mut Params,
        prefix: &str,
        m: &Member,
        shape: &Shape,
        items: &[Value],
        depth: usize,
    ) -> Result<(), ProtocolError> {
        let item = element(shape, &shape.member)?;
        let list_prefix = match self.dialect {
            Dialect::Ec2 => prefix.to_string(),
            Dialect::Query if items.is_empty() => {
                params.set(prefix.to_string(), String::new());
                return Ok(());
            }
            Dialect::Query if traits::flattened(self.model, m) => {
                match traits::serialized_name(self.model, item) {
                    // A flattened list's item name replaces the last part.
                    Some(name) => match prefix.rsplit_once('.') {
                        Some((parent, _)) => format!("{parent}.{name}"),
                        None => name.to_string(),
                    },
                    None => prefix.to_string(),
                }
            }
            Dialect::Query => join(
                prefix,
                traits::serialized_name(self.model, item).unwrap_or("member"),
            ),
        };
        for (i, v) in items.iter().enumerate() {
            self.value(
                params,
                &format!("{list_prefix}.{}", i + 1),
                item,
                v,
                depth + 1,
            )?;
        }
        Ok(())
    }

    fn map(
        &self,
        params: &mut Params,
        prefix: &str,
        m: &Member,
        shape: &Shape,
        entries: &[(String, Value)],
        depth: usize,
    ) -> Result<(), ProtocolError> {
        let key = element(shape, &shape.key)?;
        let val = element(shape, &shape.value)?;
        let base = if traits::flattened(self.model, m) {
            prefix.to_string()
        } else {
            join(prefix, "entry")
        };
        let key_name = self.name(key, "key");
        let val_name = self.name(val, "value");
        for (i, (k, v)) in entries.iter().enumerate() {
            let entry = format!("{base}.{}", i + 1);
            params.set(format!("{entry}.{key_name}"), k.clone());
            self.value(params, &format!("{entry}.{val_name}"), val, v, depth + 1)?;
        }
        Ok(())
    }
}

fn element<'a>(shape: &Shape, m: &'a Option<Box<Member>>) -> Result<&'a Member, ProtocolError> {
    m.as_deref()
        .ok_or_else(|| ProtocolError::new(format!("shape `{}` has no element shape", shape.name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{from_json, JsonOptions};
    use serde_json::{json, Value as Json};

    const SHAPES: &str = r#"{
        "In": {"type": "structure", "members": {
            "Name": {"shape": "S", "locationName": "name"},
            "Q": {"shape": "S", "locationName": "xmlName", "queryName": "QName"},
            "L": {"shape": "SL"},
            "FL": {"shape": "SL", "flattened": true},
            "RL": {"shape": "RenamedList", "flattened": true},
            "M": {"shape": "SM"},
            "N": {"shape": "In"},
            "T": {"shape": "T"},
            "E": {"shape": "T", "timestampFormat": "unixTimestamp"},
            "B": {"shape": "B"},
            "F": {"shape": "D"}}},
        "S": {"type": "string"}, "T": {"type": "timestamp"}, "B": {"type": "blob"},
        "D": {"type": "double"},
        "SL": {"type": "list", "member": {"shape": "S"}},
        "RenamedList": {"type": "list", "member": {"shape": "S", "locationName": "Item"}},
        "SM": {"type": "map", "key": {"shape": "S", "locationName": "k"}, "value": {"shape": "S"}}
    }"#;

    fn body(protocol: &str, params: Json) -> String {
        let text = format!(
            r#"{{"metadata": {{"protocol": "{protocol}", "apiVersion": "2020-01-08"}}, "shapes": {SHAPES}}}"#
        );
        let mut m = crate::protocol::ser::test_model(&text).unwrap();
        let i = m
            .add_operation(json!({"name": "Op", "input": {"shape": "In"}}))
            .unwrap();
        let op = &m.operations[i];
        let opts = JsonOptions::VECTORS;
        let v = from_json(&m, op.input.unwrap(), &params, opts).unwrap();
        let dialect = if protocol == "ec2" {
            Dialect::Ec2
        } else {
            Dialect::Query
        };
        let req = serialize(&m, op, &v, dialect).unwrap();
        assert_eq!(
            req.headers["content-type"],
            "application/x-www-form-urlencoded; charset=utf-8"
        );
        String::from_utf8(req.body.to_vec()).unwrap()
    }

    #[test]
    fn query_names_lists_and_maps() {
        let params = json!({"Name": "a b", "Q": "q", "L": ["x", "y"], "FL": ["z"], "RL": ["r"],
                            "M": {"k1": "v1"}, "N": {"L": [], "Name": "n"}, "T": 0, "E": 1,
                            "B": "hi", "F": 10.0});
        assert_eq!(
            body("query", params),
            "Action=Op&Version=2020-01-08&name=a+b&xmlName=q&L.member.1=x&L.member.2=y&FL.1=z\
             &Item.1=r&M.entry.1.k=k1&M.entry.1.value=v1&N.name=n&N.L=&T=1970-01-01T00%3A00%3A00Z\
             &E=1&B=aGk%3D&F=10.0"
        );
    }

    #[test]
    fn ec2_names_lists_and_maps() {
        let params = json!({"Name": "a", "Q": "q", "L": ["x"], "FL": [], "M": {"k1": "v1"},
                            "N": {"L": ["y"]}});
        assert_eq!(
            body("ec2", params),
            "Action=Op&Version=2020-01-08&Name=a&QName=q&L.1=x&M.entry.1.K=k1&M.entry.1.value=v1&N.L.1=y"
        );
    }
}
