//! A compiled [`RuleSet`] in myaws's packed form (see `crate::packed`):
//! what generated crates embed, so that no rule set is parsed or compiled
//! when a client is created.
//!
//! Reading checks what the compiler guarantees and the evaluator relies on:
//! every scope slot is in range and every call has its function's number of
//! arguments.

use std::borrow::Cow;

use super::params::{ParamType, ParamValue, Parameter};
use super::path::{AttrPath, Step};
use super::ruleset::RuleSet;
use super::template::{Part, Template};
use super::tree::{Action, Call, Condition, EndpointNode, Expr, Func, Prop, Rule};
use super::val::Val;
use super::EndpointError;
use crate::packed::{pack_struct, pack_unit_enum, Pack, PackError, Reader, Writer};

/// The header's name for a packed rule set.
const KIND: &str = "endpoint rule set";

impl RuleSet {
    /// This rule set in myaws's packed form, which generated crates embed
    /// (written by `cargo xtask regen`, read by [`from_packed`](Self::from_packed)).
    pub fn to_packed(&self) -> Vec<u8> {
        let mut w = Writer::with_header(KIND);
        self.version.pack(&mut w);
        self.slot_count.pack(&mut w);
        self.parameters.pack(&mut w);
        self.rules.pack(&mut w);
        w.finish()
    }

    /// Reads a rule set written by [`to_packed`](Self::to_packed), checking
    /// every slot reference and call arity. Data from another version of
    /// the packed format is refused with an error that says so.
    pub fn from_packed(data: &[u8]) -> Result<RuleSet, EndpointError> {
        let invalid = |e: PackError| EndpointError::invalid_rule_set(e.0);
        let read = |r: &mut Reader<'_>| -> Result<_, PackError> {
            let version = String::unpack(r)?;
            r.slots = usize::unpack(r)?;
            let parameters: Vec<Parameter> = Vec::unpack(r)?;
            if parameters.len() > r.slots {
                return Err(PackError(format!(
                    "{} parameters but {} scope slots",
                    parameters.len(),
                    r.slots
                )));
            }
            let rules = Vec::unpack(r)?;
            r.finish()?;
            Ok((version, parameters, rules, r.slots))
        };
        let mut r = Reader::with_header(data, KIND).map_err(invalid)?;
        let (version, parameters, rules, slot_count) = read(&mut r).map_err(invalid)?;
        RuleSet::assemble(version, parameters, rules, slot_count)
    }
}

pack_unit_enum!(ParamType {
    String,
    Boolean,
    StringArray,
});

pack_struct!(Parameter {
    name,
    param_type,
    built_in,
    default,
    required,
    documentation,
    deprecated,
});

impl Pack for ParamValue {
    fn pack(&self, w: &mut Writer) {
        match self {
            ParamValue::String(s) => {
                w.byte(0);
                s.pack(w);
            }
            ParamValue::Bool(b) => {
                w.byte(1);
                b.pack(w);
            }
            ParamValue::StringArray(items) => {
                w.byte(2);
                items.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.tag("parameter value", 3)? {
            0 => ParamValue::String(Pack::unpack(r)?),
            1 => ParamValue::Bool(Pack::unpack(r)?),
            _ => ParamValue::StringArray(Pack::unpack(r)?),
        })
    }
}

impl Pack for Val {
    fn pack(&self, w: &mut Writer) {
        match self {
            Val::Str(s) => {
                w.byte(0);
                s.pack(w);
            }
            Val::Bool(b) => {
                w.byte(1);
                b.pack(w);
            }
            Val::Int(i) => {
                w.byte(2);
                i.pack(w);
            }
            Val::Array(items) => {
                w.byte(3);
                items.pack(w);
            }
            Val::Record(fields) => {
                w.byte(4);
                w.varint(fields.len() as u64);
                for (key, value) in fields.iter() {
                    key.to_string().pack(w);
                    value.pack(w);
                }
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        r.nested(|r| {
            Ok(match r.tag("value", 5)? {
                0 => Val::Str(Pack::unpack(r)?),
                1 => Val::Bool(Pack::unpack(r)?),
                2 => Val::Int(Pack::unpack(r)?),
                3 => Val::Array(Pack::unpack(r)?),
                _ => {
                    let fields: Vec<(String, Val)> = Pack::unpack(r)?;
                    let fields = fields.into_iter().map(|(k, v)| (Cow::Owned(k), v));
                    Val::record(fields.collect())
                }
            })
        })
    }
}

impl Pack for Step {
    fn pack(&self, w: &mut Writer) {
        match self {
            Step::Field(name) => {
                w.byte(0);
                name.pack(w);
            }
            Step::Index(i) => {
                w.byte(1);
                i.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.tag("path step", 2)? {
            0 => Step::Field(Pack::unpack(r)?),
            _ => Step::Index(Pack::unpack(r)?),
        })
    }
}

impl Pack for AttrPath {
    fn pack(&self, w: &mut Writer) {
        self.0.pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Vec::unpack(r).map(AttrPath)
    }
}

impl Pack for Part {
    fn pack(&self, w: &mut Writer) {
        match self {
            Part::Lit(s) => {
                w.byte(0);
                s.pack(w);
            }
            Part::Ref { slot, path, text } => {
                w.byte(1);
                slot.pack(w);
                path.pack(w);
                text.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        Ok(match r.tag("template part", 2)? {
            0 => Part::Lit(Pack::unpack(r)?),
            _ => Part::Ref {
                slot: r.slot()?,
                path: Pack::unpack(r)?,
                text: Pack::unpack(r)?,
            },
        })
    }
}

pack_struct!(Template { parts });

pack_unit_enum!(Func {
    IsSet,
    Not,
    StringEquals,
    BooleanEquals,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Split,
    Coalesce,
    Ite,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
});

impl Pack for Call {
    fn pack(&self, w: &mut Writer) {
        self.func.pack(w);
        self.args.pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let func = Func::unpack(r)?;
        let args: Vec<Expr> = Vec::unpack(r)?;
        // The evaluator indexes arguments by position: the count must be
        // the one the compiler checked.
        let arity = Func::by_name(func.name()).and_then(|(_, n)| n);
        let fits = match arity {
            Some(n) => args.len() == n,
            None => args.len() >= 2,
        };
        if !fits {
            return Err(PackError(format!(
                "`{}` called with {} arguments",
                func.name(),
                args.len()
            )));
        }
        Ok(Call { func, args })
    }
}

impl Pack for Expr {
    fn pack(&self, w: &mut Writer) {
        match self {
            Expr::Lit(v) => {
                w.byte(0);
                v.pack(w);
            }
            Expr::Template(t) => {
                w.byte(1);
                t.pack(w);
            }
            Expr::Ref(slot) => {
                w.byte(2);
                slot.pack(w);
            }
            Expr::GetAttr(target, path) => {
                w.byte(3);
                target.pack(w);
                path.pack(w);
            }
            Expr::Call(call) => {
                w.byte(4);
                call.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        r.nested(|r| {
            Ok(match r.tag("expression", 5)? {
                0 => Expr::Lit(Pack::unpack(r)?),
                1 => Expr::Template(Pack::unpack(r)?),
                2 => Expr::Ref(r.slot()?),
                3 => Expr::GetAttr(Pack::unpack(r)?, Pack::unpack(r)?),
                _ => Expr::Call(Pack::unpack(r)?),
            })
        })
    }
}

impl Pack for Condition {
    fn pack(&self, w: &mut Writer) {
        self.expr.pack(w);
        self.assign.pack(w);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        let expr = Expr::unpack(r)?;
        let assign = match r.tag("option", 2)? {
            0 => None,
            _ => Some(r.slot()?),
        };
        Ok(Condition { expr, assign })
    }
}

pack_struct!(Rule { conditions, action });

impl Pack for Action {
    fn pack(&self, w: &mut Writer) {
        match self {
            Action::Endpoint(node) => {
                w.byte(0);
                node.pack(w);
            }
            Action::Error(message) => {
                w.byte(1);
                message.pack(w);
            }
            Action::Tree(rules) => {
                w.byte(2);
                rules.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        r.nested(|r| {
            Ok(match r.tag("rule action", 3)? {
                0 => Action::Endpoint(Pack::unpack(r)?),
                1 => Action::Error(Pack::unpack(r)?),
                _ => Action::Tree(Pack::unpack(r)?),
            })
        })
    }
}

pack_struct!(EndpointNode {
    url,
    headers,
    properties,
});

impl Pack for Prop {
    fn pack(&self, w: &mut Writer) {
        match self {
            Prop::Json(json) => {
                w.byte(0);
                json.pack(w);
            }
            Prop::Template(t) => {
                w.byte(1);
                t.pack(w);
            }
            Prop::Array(items) => {
                w.byte(2);
                items.pack(w);
            }
            Prop::Object(fields) => {
                w.byte(3);
                fields.pack(w);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, PackError> {
        r.nested(|r| {
            Ok(match r.tag("property", 4)? {
                0 => Prop::Json(Pack::unpack(r)?),
                1 => Prop::Template(Pack::unpack(r)?),
                2 => Prop::Array(Pack::unpack(r)?),
                _ => Prop::Object(Pack::unpack(r)?),
            })
        })
    }
}
