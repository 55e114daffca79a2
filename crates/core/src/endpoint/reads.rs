//! Which parameters a compiled rule set reads: a reference in a condition,
//! an error message, an endpoint's URL, headers or properties. A parameter
//! that nothing reads cannot change the result, so the resolution cache
//! leaves it out of its key.

use super::template::{Part, Template};
use super::tree::{Action, EndpointNode, Expr, Prop, Rule};

/// For each of the first `parameters` scope slots (the parameters), whether
/// any rule reads it.
pub(super) fn parameters_read(rules: &[Rule], parameters: usize) -> Vec<bool> {
    let mut reads = Reads {
        read: vec![false; parameters],
    };
    reads.rules(rules);
    reads.read
}

struct Reads {
    read: Vec<bool>,
}

impl Reads {
    fn slot(&mut self, slot: usize) {
        if let Some(read) = self.read.get_mut(slot) {
            *read = true;
        }
    }

    fn rules(&mut self, rules: &[Rule]) {
        for rule in rules {
            for condition in &rule.conditions {
                self.expr(&condition.expr);
            }
            match &rule.action {
                Action::Endpoint(endpoint) => self.endpoint(endpoint),
                Action::Error(message) => self.expr(message),
                Action::Tree(rules) => self.rules(rules),
            }
        }
    }

    fn endpoint(&mut self, endpoint: &EndpointNode) {
        self.expr(&endpoint.url);
        for value in endpoint.headers.iter().flat_map(|(_, values)| values) {
            self.expr(value);
        }
        for (_, prop) in &endpoint.properties {
            self.prop(prop);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Lit(_) => {}
            Expr::Template(template) => self.template(template),
            Expr::Ref(slot) => self.slot(*slot),
            Expr::GetAttr(inner, _) => self.expr(inner),
            Expr::Call(call) => {
                for arg in &call.args {
                    self.expr(arg);
                }
            }
        }
    }

    fn template(&mut self, template: &Template) {
        for part in &template.parts {
            if let Part::Ref { slot, .. } = part {
                self.slot(*slot);
            }
        }
    }

    fn prop(&mut self, prop: &Prop) {
        match prop {
            Prop::Json(_) => {}
            Prop::Template(template) => self.template(template),
            Prop::Array(items) => items.iter().for_each(|p| self.prop(p)),
            Prop::Object(fields) => fields.iter().for_each(|(_, p)| self.prop(p)),
        }
    }
}
