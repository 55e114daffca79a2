//! Generates one service crate: Cargo.toml, lib.rs, client.rs, types.rs,
//! error.rs and the embedded model data.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::docs::{doc_comment, html_to_markdown_with};
use super::names::{dedupe, setter_name, snake_ident, type_name, variant_name, xform_name};
use super::package::{keywords, readme, ReadmeFacts};
use super::{compact, events, CrateFiles, HEADER};

/// Generates the files of the crate for `svc` from the model directory `dir`.
pub fn generate(svc: &str, dir: &Path, botocore: &str) -> Result<CrateFiles, String> {
    let read = |name: &str| crate::models::read_with_extras(dir, name);
    let model = read("service-2.json")?.ok_or("missing service-2.json")?;
    let rules = read("endpoint-rule-set-1.json")?;
    let paginators = read("paginators-1.json")?;
    let waiters = read("waiters-2.json")?;

    let gen = Gen::new(svc, &model)?;
    let mut files = CrateFiles::new();
    files.insert(
        PathBuf::from("Cargo.toml"),
        gen.cargo_toml(botocore, &dir.join("../..")).into(),
    );
    files.insert(
        PathBuf::from("README.md"),
        readme(&ReadmeFacts {
            svc,
            full_name: gen.full_name(),
            service_id: gen.service_id(),
            api_version: gen.api_version(),
            botocore,
        })
        .into(),
    );
    files.insert(
        PathBuf::from("src/lib.rs"),
        gen.lib_rs(botocore, &dir.join("../..")).into(),
    );
    files.insert(PathBuf::from("src/client.rs"), gen.client_rs().into());
    files.insert(PathBuf::from("src/types.rs"), gen.types_rs().into());
    files.insert(PathBuf::from("src/error.rs"), gen.error_rs().into());
    files.insert(
        PathBuf::from("src/data/model.bin"),
        super::packed::model(svc, &model)?,
    );
    if let Some(r) = &rules {
        files.insert(
            PathBuf::from("src/data/endpoint-rule-set.bin"),
            super::packed::rule_set(svc, r)?,
        );
    }
    if let Some(p) = &paginators {
        files.insert(
            PathBuf::from("src/data/paginators.json"),
            compact::minified(p).into(),
        );
    }
    if let Some(w) = &waiters {
        files.insert(
            PathBuf::from("src/data/waiters.json"),
            compact::minified(w).into(),
        );
    }
    let inputs = super::extras::Inputs {
        model: &model,
        paginators: paginators.as_ref(),
        waiters: waiters.as_ref(),
        rust_type: &|shape| gen.rust_type(shape, false),
    };
    files.extend(
        super::extras::files(&inputs)
            .into_iter()
            .map(|(path, text)| (path, text.into_bytes())),
    );
    let blocking = super::blocking::blocking_rs(&super::blocking::Blocking {
        inputs: &inputs,
        full_name: gen.full_name(),
        op_types: &|op| gen.op_types(op),
    });
    files.insert(PathBuf::from("src/blocking.rs"), blocking.into());
    Ok(files)
}

/// What a shape is used for, deciding which trait impls it needs.
#[derive(Default, Clone, Copy)]
struct Usage {
    input: bool,
    output: bool,
}

struct Gen<'a> {
    svc: &'a str,
    model: &'a Json,
    shapes: &'a serde_json::Map<String, Json>,
    /// Operation names in model order.
    operations: Vec<&'a str>,
    /// Rust type names of named (structure / enum) shapes.
    type_names: HashMap<&'a str, String>,
    usage: HashMap<&'a str, Usage>,
    /// (structure, member) edges that must be boxed to break recursion.
    boxed: HashSet<(String, String)>,
    /// Rust names of the enum types.
    enum_types: HashSet<String>,
    /// Shapes that are some operation's output: they carry the response
    /// metadata.
    op_outputs: HashSet<&'a str>,
    /// Operation → the generated output type of an operation the model
    /// gives no output (only the response metadata); operations whose
    /// `{Op}Output` name a shape already has return `()`.
    empty_outputs: HashMap<&'a str, String>,
    /// `(alias, type)`: the other name of each operation's input and output
    /// (the model's name, or `{Op}Input` / `{Op}Output` where the type keeps
    /// the model's name because other operations or shapes share it).
    aliases: Vec<(String, String)>,
}

/// Names each operation's input `{Op}Input` and output `{Op}Output`. A shape
/// used only as that operation's input (or output) is renamed, keeping the
/// model's name as an alias; a shared one keeps its name and gets the
/// `{Op}…` alias. Names another shape already has are left alone.
fn canonical_io_names<'a>(
    model: &'a Json,
    shapes: &'a serde_json::Map<String, Json>,
    operations: &[&'a str],
    type_names: &mut HashMap<&'a str, String>,
    used: &mut HashSet<String>,
) -> Vec<(String, String)> {
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for shape in shapes.values() {
        for child in children(shape) {
            *uses.entry(child).or_default() += 1;
        }
    }
    for op in operations {
        let o = &model["operations"][*op];
        for key in ["/input/shape", "/output/shape"] {
            if let Some(shape) = o.pointer(key).and_then(Json::as_str) {
                *uses.entry(shape).or_default() += 1;
            }
        }
    }
    let mut aliases = Vec::new();
    for op in operations {
        for (key, suffix) in [("/input/shape", "Input"), ("/output/shape", "Output")] {
            let o = &model["operations"][*op];
            let Some((shape, _)) = o
                .pointer(key)
                .and_then(Json::as_str)
                .and_then(|s| shapes.get_key_value(s))
            else {
                continue;
            };
            let canonical = format!("{}{suffix}", type_name(op));
            let Some(current) = type_names.get(shape.as_str()).cloned() else {
                continue;
            };
            if current == canonical || !used.insert(canonical.clone()) {
                continue;
            }
            if uses.get(shape.as_str()) == Some(&1) {
                type_names.insert(shape.as_str(), canonical.clone());
                aliases.push((current, canonical));
            } else {
                aliases.push((canonical, current));
            }
        }
    }
    aliases
}

/// Shapes generated as Rust enums though the model does not mark them as
/// unions (service, shape): DynamoDB's `AttributeValue` has exactly one
/// member set by the API's contract.
const FORCED_UNIONS: &[(&str, &str)] = &[
    ("dynamodb", "AttributeValue"),
    ("dynamodbstreams", "AttributeValue"),
];

/// The field every operation output has (see `myaws_core::ResponseMetadata`).
const RESPONSE_METADATA_FIELD: &str = "    /// The response's request id, status, headers and retries (boto3's `ResponseMetadata`).\n    pub response_metadata: Option<myaws_core::ResponseMetadata>,\n";

/// `impl WithResponseMetadata` for the output types, one macro call.
fn with_response_metadata(s: &mut String, tnames: &[String]) {
    if tnames.is_empty() {
        return;
    }
    s.push_str("\nmyaws_core::with_response_metadata!(\n");
    for t in tnames {
        let _ = writeln!(s, "    {t},");
    }
    s.push_str(");\n");
}

fn obj(v: &Json) -> &serde_json::Map<String, Json> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Json>> = std::sync::OnceLock::new();
    v.as_object()
        .unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new))
}

fn str_of<'j>(v: &'j Json, key: &str) -> Option<&'j str> {
    v.get(key).and_then(Json::as_str)
}

impl<'a> Gen<'a> {
    fn new(svc: &'a str, model: &'a Json) -> Result<Self, String> {
        let shapes = model
            .get("shapes")
            .and_then(Json::as_object)
            .ok_or("model has no shapes")?;
        let operations: Vec<&str> = obj(&model["operations"])
            .keys()
            .map(String::as_str)
            .collect();
        let mut used = HashSet::new();
        let mut type_names = HashMap::new();
        for (name, shape) in shapes {
            if is_named_type(shape) {
                type_names.insert(name.as_str(), dedupe(type_name(name), &mut used));
            }
        }
        let mut op_outputs = HashSet::new();
        let mut empty_outputs = HashMap::new();
        for op in &operations {
            match model["operations"][*op]
                .pointer("/output/shape")
                .and_then(Json::as_str)
            {
                Some(out) => {
                    op_outputs.insert(out);
                }
                None => {
                    let name = format!("{}Output", type_name(op));
                    if used.insert(name.clone()) {
                        empty_outputs.insert(*op, name);
                    }
                }
            }
        }
        let aliases = canonical_io_names(model, shapes, &operations, &mut type_names, &mut used);
        let enum_types = shapes
            .iter()
            .filter(|(_, sh)| sh.get("enum").is_some())
            .filter_map(|(n, _)| type_names.get(n.as_str()).cloned())
            .collect();
        let mut g = Gen {
            enum_types,
            svc,
            model,
            shapes,
            operations,
            type_names,
            usage: HashMap::new(),
            boxed: HashSet::new(),
            op_outputs,
            empty_outputs,
            aliases,
        };
        g.compute_usage();
        g.compute_boxing();
        Ok(g)
    }

    /// The model's HTML documentation as Markdown, its links to operations
    /// and shapes (`<a>SendMessage</a>`) turned into intra-doc links; in
    /// `types.rs` (`in_types`) a type whose Rust name is the model's is
    /// linked by its name alone (rustdoc's `redundant_explicit_links`).
    fn docs(&self, html: &str, in_types: bool) -> Vec<String> {
        html_to_markdown_with(html, &|text| {
            if self.operations.contains(&text) {
                return Some(format!("crate::Client::{}", snake_ident(text)));
            }
            let generated = self.usage.contains_key(text);
            let tname = self.type_names.get(text).filter(|_| generated)?;
            Some(if in_types && tname == text {
                String::new()
            } else {
                format!("crate::types::{tname}")
            })
        })
    }

    fn shape(&self, name: &str) -> &'a Json {
        self.shapes.get(name).unwrap_or(&Json::Null)
    }

    fn op(&self, name: &str) -> &'a Json {
        &self.model["operations"][name]
    }

    fn compute_usage(&mut self) {
        let mut roots: Vec<(&'a str, bool)> = Vec::new();
        for op in &self.operations {
            let o = &self.model["operations"][*op];
            if let Some(i) = o.pointer("/input/shape").and_then(Json::as_str) {
                roots.push((i, true));
            }
            if let Some(out) = o.pointer("/output/shape").and_then(Json::as_str) {
                roots.push((out, false));
            }
            for e in o
                .get("errors")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(s) = str_of(e, "shape") {
                    roots.push((s, false));
                }
            }
        }
        // Every exception is an error any operation may return.
        for (name, shape) in self.shapes {
            if shape.get("exception").is_some_and(|e| e == true) {
                roots.push((name.as_str(), false));
            }
        }
        for (root, input) in roots {
            let mut stack = vec![root];
            while let Some(name) = stack.pop() {
                let u = self.usage.entry(name).or_default();
                let seen = if input { u.input } else { u.output };
                if seen {
                    continue;
                }
                if input {
                    u.input = true;
                } else {
                    u.output = true;
                }
                for t in children(self.shapes.get(name).unwrap_or(&Json::Null)) {
                    if let Some((k, _)) = self.shapes.get_key_value(t) {
                        stack.push(k.as_str());
                    }
                }
            }
        }
    }

    /// Boxes struct→struct member edges that lie on a cycle of direct
    /// (unboxed) structure containment.
    fn compute_boxing(&mut self) {
        let direct = |name: &str| -> Vec<(String, String)> {
            let s = self.shape(name);
            obj(&s["members"])
                .iter()
                .filter_map(|(m, r)| {
                    let t = str_of(r, "shape")?;
                    let ts = self.shape(t);
                    (str_of(ts, "type") == Some("structure")
                        && !ts.get("document").is_some_and(|d| d == true))
                    .then(|| (m.clone(), t.to_string()))
                })
                .collect()
        };
        let mut boxed = HashSet::new();
        for (name, shape) in self.shapes {
            if str_of(shape, "type") != Some("structure") {
                continue;
            }
            for (member, target) in direct(name) {
                // Is `name` reachable from `target` through direct edges?
                let mut seen = HashSet::new();
                let mut stack = vec![target.clone()];
                let mut cyclic = false;
                while let Some(n) = stack.pop() {
                    if n == *name {
                        cyclic = true;
                        break;
                    }
                    if !seen.insert(n.clone()) {
                        continue;
                    }
                    stack.extend(direct(&n).into_iter().map(|(_, t)| t));
                }
                if cyclic {
                    boxed.insert((name.clone(), member));
                }
            }
        }
        self.boxed = boxed;
    }

    fn service_id(&self) -> &str {
        str_of(&self.model["metadata"], "serviceId").unwrap_or(self.svc)
    }

    fn full_name(&self) -> &str {
        str_of(&self.model["metadata"], "serviceFullName").unwrap_or(self.service_id())
    }

    fn api_version(&self) -> &str {
        str_of(&self.model["metadata"], "apiVersion").unwrap_or("?")
    }

    // ---------------------------------------------------------------- Cargo.toml

    fn cargo_toml(&self, botocore: &str, root: &Path) -> String {
        // Hand-written modules (src/custom/) may need more dependencies: one
        // `name = spec` line each in src/custom/dependencies.toml.
        let extra = fs::read_to_string(
            root.join("crates")
                .join(self.svc)
                .join("src/custom/dependencies.toml"),
        )
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        })
        .unwrap_or_default();
        // Published as they are: the workspace's version, licence and
        // repository; README.md, LICENSE and NOTICE sit beside this file.
        let keywords = keywords(self.svc, self.service_id())
            .iter()
            .map(|k| format!("{k:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            r#"# Code generated by `cargo xtask regen` from botocore models. DO NOT EDIT.
[package]
name = "myaws-{svc}"
description = "{full} client for myaws (generated from botocore {botocore})."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
readme = "README.md"
keywords = [{keywords}]
categories.workspace = true

[features]
default = ["rustls"]
## TLS through rustls (ring provider).
rustls = ["myaws-core/rustls"]
## TLS through the platform's native library.
native-tls = ["myaws-core/native-tls"]
## HTTP/2 over TLS (ALPN); off by default, AWS APIs speak HTTP/1.1.
http2 = ["myaws-core/http2"]
## SigV4a signing (AWS4-ECDSA-P256-SHA256, e.g. S3 multi-region access
## points); off by default, the elliptic-curve stack costs build time.
sigv4a = ["myaws-core/sigv4a"]
## A synchronous client (`blocking::Client`) for programs without an async runtime.
blocking = ["myaws-core/blocking"]

[dependencies]
myaws-core.workspace = true
myaws-waiters.workspace = true
{extra}
[dev-dependencies]
tokio = {{ workspace = true, features = ["rt-multi-thread", "macros"] }}
"#,
            svc = self.svc,
            full = self.full_name().replace('"', "'"),
        )
    }

    // ---------------------------------------------------------------- lib.rs

    fn lib_rs(&self, botocore: &str, root: &Path) -> String {
        let mut s = String::from(HEADER);
        let doc = str_of(self.model, "documentation").unwrap_or("");
        let _ = root;
        let _ = writeln!(s, "//! # myaws-{}: {}\n//!", self.svc, self.full_name());
        let _ = writeln!(
            s,
            "//! A thin client generated from botocore {botocore}'s model of {} (API version {}).\n//! Every operation is a method on [`Client`]; inputs, outputs and errors are in\n//! [`types`] and [`error`].\n//!",
            self.service_id(),
            self.api_version(),
        );
        for line in self.docs(doc, false) {
            if line.is_empty() {
                s.push_str("//!\n");
            } else {
                let _ = writeln!(s, "//! {line}");
            }
        }
        s.push_str(&self.example());
        s.push_str(
            r#"
#![allow(
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::too_long_first_doc_paragraph,
    clippy::empty_docs,
    clippy::upper_case_acronyms,
    clippy::enum_variant_names,
    clippy::large_enum_variant,
    clippy::module_inception,
    clippy::field_reassign_with_default,
    clippy::should_implement_trait
)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
pub mod error;
pub mod paginators;
pub mod types;
pub mod waiters;

pub use client::Client;
pub use error::Error;
pub use myaws_core::events::{Event, Events, HookOutcome, HttpResponse};
pub use myaws_core::stub::Stubber;
pub use myaws_core::user_config as config;
pub use myaws_core::{
    BuildError, ClientConfig, Credentials, DateTime, Document, ResponseMetadata, SdkError,
    ServiceError, Session,
};
pub use myaws_core::body::ByteStream;
pub use myaws_core::Bytes as Blob;

/// The model files this crate embeds (model and endpoint rules packed by
/// `cargo xtask regen`); myaws-core loads them once.
static DATA: myaws_core::service::ServiceData = myaws_core::service::ServiceData {
    model: include_bytes!("data/model.bin"),
"#,
        );
        if self.shapes.values().any(events::is_event_stream) {
            s = s.replace(
                "pub use myaws_core::Bytes as Blob;\n",
                "pub use myaws_core::Bytes as Blob;\npub use myaws_core::eventstream::{EventReceiver, EventStreamError, EventStreamInput};\n",
            );
        }
        // Hand-written additions (never generated) live in src/custom/.
        if root
            .join("crates")
            .join(self.svc)
            .join("src/custom/mod.rs")
            .exists()
        {
            s = s.replace(
                "pub mod types;\n",
                "pub mod types;\n\n/// Hand-written additions to the generated client (re-exported here).\npub mod custom;\npub use custom::*;\n",
            );
        }
        for (field, file) in [
            ("endpoint_rules", "endpoint-rule-set.bin"),
            ("paginators", "paginators.json"),
            ("waiters", "waiters.json"),
        ] {
            let has = match field {
                "endpoint_rules" => self.svc_has(root, "endpoint-rule-set-1.json"),
                "paginators" => self.svc_has(root, "paginators-1.json"),
                _ => self.svc_has(root, "waiters-2.json"),
            };
            if has {
                let include = if file.ends_with(".bin") {
                    "include_bytes"
                } else {
                    "include_str"
                };
                let _ = writeln!(s, "    {field}: Some({include}!(\"data/{file}\")),");
            } else {
                let _ = writeln!(s, "    {field}: None,");
            }
        }
        s.push_str(
            r#"};

/// The service description shared by every client of this crate (loaded on first use).
fn service() -> &'static myaws_core::service::LoadedService {
    static SERVICE: std::sync::OnceLock<myaws_core::service::LoadedService> =
        std::sync::OnceLock::new();
    SERVICE.get_or_init(|| myaws_core::service::LoadedService::load(&DATA))
}
"#,
        );
        s
    }

    /// The crate's front-page example (compiled as a doc test): a session,
    /// a client and one cheap call — the shortest `List*` (else `Describe*`,
    /// else `Get*`) operation without required input members or streams.
    fn example(&self) -> String {
        let krate = format!("myaws_{}", self.svc.replace('-', "_"));
        // Required members, when every one is a string (set to a placeholder).
        let required_strings = |op: &str| -> Option<Vec<String>> {
            let input = self.op(op).pointer("/input/shape").and_then(Json::as_str);
            let Some(input) = input else {
                return Some(Vec::new());
            };
            let shape = self.shape(input);
            let members = obj(&shape["members"]);
            let mut setters = Vec::new();
            for r in shape
                .get("required")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let m = r.as_str()?;
                let target = members.get(m).and_then(|mr| str_of(mr, "shape"))?;
                let t = self.shape(target);
                if str_of(t, "type") != Some("string") || t.get("enum").is_some() {
                    return None;
                }
                setters.push(format!(".{}(\"...\")", setter_name(&snake_ident(m))));
            }
            Some(setters)
        };
        let streams = |op: &str| {
            let output = self.op(op).pointer("/output/shape").and_then(Json::as_str);
            output.is_some_and(|out| {
                obj(&self.shape(out)["members"]).values().any(|m| {
                    m.get("streaming").is_some_and(|v| v == true)
                        || str_of(m, "shape")
                            .is_some_and(|t| events::is_event_stream(self.shape(t)))
                })
            })
        };
        // Fewest required members, then List, Describe, Get, then the shortest name.
        let cheapest = self
            .operations
            .iter()
            .filter_map(|op| {
                let rank = ["List", "Describe", "Get"]
                    .iter()
                    .position(|p| op.starts_with(p))?;
                let deprecated = self.op(op).get("deprecated").is_some_and(|d| d == true);
                if deprecated || streams(op) {
                    return None;
                }
                required_strings(op).map(|r| (r.len(), rank, op.len(), *op, r))
            })
            .min();
        let call = match cheapest {
            Some((_, _, _, op, setters)) => {
                let method = snake_ident(op);
                let input = self
                    .op(op)
                    .pointer("/input/shape")
                    .and_then(Json::as_str)
                    .map(|i| {
                        format!(
                            "{krate}::types::{}::default(){}",
                            self.type_names[i],
                            setters.concat()
                        )
                    })
                    .unwrap_or_default();
                format!("//! let output = client.{method}({input}).await?;\n//! println!(\"{{output:?}}\");\n")
            }
            None => {
                "//! // Every operation is a method of `client`.\n//! let _ = client;\n".to_string()
            }
        };
        format!(
            "//!\n//! # Example\n//!\n//! ```no_run\n//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n//! // Region and credentials come from the environment and ~/.aws, as boto3 finds them.\n//! let session = {krate}::Session::from_env()?;\n//! let client = {krate}::Client::new(&session)?;\n{call}//! # Ok(())\n//! # }}\n//! ```\n"
        )
    }

    fn svc_has(&self, root: &Path, file: &str) -> bool {
        root.join("models").join(self.svc).join(file).exists()
    }

    // ---------------------------------------------------------------- client.rs

    fn client_rs(&self) -> String {
        let mut s = String::from(HEADER);
        s.push_str("//! The service client.\n\n");
        s.push_str("use myaws_core::client::ClientHandle;\nuse myaws_core::{ClientConfig, SdkError, Session};\n\n");
        let _ = writeln!(
            s,
            "/// Client for {}.\n///\n/// Cheap to clone (an `Arc` inside), `Send + Sync`: share one client across tasks.",
            self.full_name()
        );
        s.push_str(
            r#"#[derive(Clone, Debug)]
pub struct Client {
    handle: ClientHandle,
}

impl Client {
    /// Creates a client from a session's configuration.
    pub fn new(session: &Session) -> Result<Self, myaws_core::BuildError> {
        Self::with_config(session, ClientConfig::default())
    }

    /// Creates a client with per-client overrides (region, endpoint URL, retries, timeouts).
    pub fn with_config(session: &Session, config: ClientConfig) -> Result<Self, myaws_core::BuildError> {
        let handle = ClientHandle::new(session, crate::service(), config)?;
        Ok(Client { handle })
    }

    /// The service-independent client underneath: metadata, dynamic calls, events.
    pub fn handle(&self) -> &ClientHandle {
        &self.handle
    }

    /// Read-only metadata: region, endpoint URL, service model, config, events.
    pub fn meta(&self) -> myaws_core::client::ClientMeta<'_> {
        self.handle.meta()
    }

    /// The event registry: register hooks such as `before-call.<service>.<Operation>`.
    pub fn events(&self) -> &myaws_core::events::Events {
        self.handle.events()
    }

    /// Calls any operation by name (`"SendMessage"` or `"send_message"`) with
    /// JSON parameters, returning JSON, as boto3's dicts. For streams (event
    /// streams, bodies read as they arrive) use `self.handle().call_stream(..)`.
    pub async fn call(
        &self,
        operation: &str,
        params: myaws_core::Document,
    ) -> Result<myaws_core::Document, SdkError<myaws_core::dynamic::DynamicError>> {
        self.handle.call_json(operation, params).await
    }
"#,
        );
        for (index, op_name) in self.operations.iter().enumerate() {
            let op = self.op(op_name);
            let method = snake_ident(op_name);
            let doc = self.docs(str_of(op, "documentation").unwrap_or(""), false);
            s.push('\n');
            s.push_str(&doc_comment(&doc, "    "));
            if op.get("deprecated").is_some_and(|d| d == true) {
                s.push_str("    #[deprecated]\n");
            }
            let (input, output) = self.op_types(op_name);
            let error = format!("crate::error::{}Error", type_name(op_name));
            match input {
                Some(input) => {
                    let _ = writeln!(
                        s,
                        "    pub async fn {method}(&self, input: {input}) -> Result<{output}, SdkError<{error}>> {{\n        self.handle.call({index}, input).await\n    }}"
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "    pub async fn {method}(&self) -> Result<{output}, SdkError<{error}>> {{\n        self.handle.call({index}, ()).await\n    }}"
                    );
                }
            }
        }
        s.push_str("}\n");
        s
    }

    /// The Rust types of operation `op`'s method: its input (`None`: it
    /// takes none) and its output (`()` when the model gives none and the
    /// `{Op}Output` name is taken).
    fn op_types(&self, op: &str) -> (Option<String>, String) {
        let o = self.op(op);
        let input = o
            .pointer("/input/shape")
            .and_then(Json::as_str)
            .map(|i| format!("crate::types::{}", self.type_names[i]));
        let output = match o.pointer("/output/shape").and_then(Json::as_str) {
            Some(out) => format!("crate::types::{}", self.type_names[out]),
            None => match self.empty_outputs.get(op) {
                Some(name) => format!("crate::types::{name}"),
                None => "()".to_string(),
            },
        };
        (input, output)
    }

    // ---------------------------------------------------------------- error.rs

    fn error_rs(&self) -> String {
        let mut s = String::from(HEADER);
        s.push_str("//! The service's errors: [`Error`], one variant per modeled exception of the service plus\n//! `Unmodeled`, returned by every operation (as boto3's `client.exceptions`); each\n//! operation's `{Op}Error` names it.\n\n");
        s.push_str("#![allow(unused_imports)]\n\nuse myaws_core::{FromValue as _, OperationError, Value};\n");
        let exceptions = self.exceptions();
        let owner = format!("every operation of {}", self.full_name());
        self.error_enum(&mut s, "Error", &owner, &exceptions);
        for op_name in &self.operations {
            let op = self.op(op_name);
            let listed: Vec<String> = op
                .get("errors")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| str_of(e, "shape"))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|e| format!("[`{0}`](Error::{0})", self.type_names[e]))
                .collect();
            let method = snake_ident(op_name);
            let listed = if listed.is_empty() {
                String::from("the model lists none for it")
            } else {
                format!("the model lists {}", listed.join(", "))
            };
            let _ = writeln!(
                s,
                "\n/// Errors of [`Client::{method}`](crate::Client::{method}): the service's [`Error`] ({listed}).\npub type {}Error = Error;",
                type_name(op_name)
            );
        }
        // The exception events of each received event stream.
        let mut unions: Vec<&str> = self
            .shapes
            .iter()
            .filter(|(n, sh)| {
                events::is_event_stream(sh) && self.usage.get(n.as_str()).is_some_and(|u| u.output)
            })
            .map(|(n, _)| n.as_str())
            .collect();
        unions.sort_by(|a, b| self.type_names[a].cmp(&self.type_names[b]));
        for union in unions {
            let tname = &self.type_names[union];
            let ename = events::error_type(tname);
            let owner =
                format!("the [`{tname}`](crate::types::{tname}) event stream's exception events");
            let errors = events::exceptions(self.shape(union), self.shapes);
            self.error_enum(&mut s, &ename, &owner, &errors);
        }
        s
    }

    /// Every exception shape of the service (sorted by type name).
    fn exceptions(&self) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = self
            .shapes
            .iter()
            .filter(|(_, sh)| sh.get("exception").is_some_and(|e| e == true))
            .map(|(n, _)| n.as_str())
            .filter(|n| self.type_names.contains_key(n))
            .collect();
        out.sort_by(|a, b| self.type_names[a].cmp(&self.type_names[b]));
        out
    }

    /// An error enum `ename` with one variant per exception shape in
    /// `errors` (sorted) and `Unmodeled`, or an alias of the core's
    /// `UnmodeledError` when there are none.
    fn error_enum(&self, s: &mut String, ename: &str, owner: &str, errors: &[&str]) {
        if errors.is_empty() {
            // No modeled exceptions: one shared core type keeps the crate small.
            let _ = writeln!(
                s,
                "\n/// Errors of {owner} (the model lists no exceptions).\npub type {ename} = myaws_core::error::UnmodeledError;"
            );
            return;
        }
        let _ = writeln!(
            s,
            "\n/// Errors of {owner}.\n#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub enum {ename} {{"
        );
        for e in errors {
            let doc = self.docs(str_of(self.shape(e), "documentation").unwrap_or(""), false);
            let doc = if doc.is_empty() {
                vec![format!("The `{e}` exception.")]
            } else {
                doc
            };
            s.push_str(&doc_comment(&doc, "    "));
            let t = &self.type_names[e];
            let _ = writeln!(s, "    {t}(crate::types::{t}),");
        }
        s.push_str("    /// An error the model does not describe (see the error's code).\n    Unmodeled,\n}\n");
        let _ = writeln!(s, "\nimpl {ename} {{");
        for e in errors {
            let t = &self.type_names[e];
            let _ = writeln!(
                s,
                "    /// True if this is the `{e}` exception.\n    pub fn is_{}(&self) -> bool {{\n        matches!(self, Self::{t}(_))\n    }}",
                xform_name(t).trim_start_matches("r#")
            );
        }
        s.push_str("}\n");
        let _ = writeln!(
            s,
            "\nimpl OperationError for {ename} {{\n    fn from_service_error(shape: Option<&str>, value: Value) -> Self {{\n        match shape {{"
        );
        for e in errors {
            let t = &self.type_names[e];
            let _ = writeln!(
                s,
                "            Some({e:?}) => crate::types::{t}::from_value(value).map(Self::{t}).unwrap_or(Self::Unmodeled),"
            );
        }
        s.push_str("            _ => Self::Unmodeled,\n        }\n    }\n\n    fn modeled_name(&self) -> Option<&'static str> {\n        match self {\n");
        for e in errors {
            let t = &self.type_names[e];
            let _ = writeln!(s, "            Self::{t}(_) => Some({e:?}),");
        }
        s.push_str("            Self::Unmodeled => None,\n        }\n    }\n}\n");
        let _ = writeln!(
            s,
            "\nimpl std::fmt::Display for {ename} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(self.modeled_name().unwrap_or(\"unmodeled service error\"))\n    }}\n}}\n\nimpl std::error::Error for {ename} {{}}"
        );
    }

    // ---------------------------------------------------------------- types.rs

    fn types_rs(&self) -> String {
        let mut s = String::from(HEADER);
        s.push_str("//! Inputs, outputs, exceptions and enums of the service.\n\n");
        s.push_str("#![allow(unused_imports)]\n\n");
        s.push_str("use std::collections::HashMap;\n\nuse myaws_core::{ConversionError, FromValue, IntoValue, StructReader, Value};\n");
        let mut names: Vec<(&str, &Json)> = self
            .shapes
            .iter()
            .filter(|(n, sh)| is_named_type(sh) && self.usage.contains_key(n.as_str()))
            .map(|(n, sh)| (n.as_str(), sh))
            .collect();
        names.sort_by(|a, b| self.type_names[a.0].cmp(&self.type_names[b.0]));
        for (name, shape) in names {
            if events::is_event_stream(shape) {
                let usage = self.usage.get(name).copied().unwrap_or_default();
                events::union_enum(
                    &mut s,
                    &self.type_names[name],
                    shape,
                    self.shapes,
                    &|target| self.rust_type(target, false),
                    (usage.input, usage.output),
                );
            } else if str_of(shape, "type") == Some("structure") {
                self.structure(&mut s, name, shape);
            } else {
                self.enumeration(&mut s, name, shape);
            }
        }
        let mut empty: Vec<(&&str, &String)> = self.empty_outputs.iter().collect();
        empty.sort_by(|a, b| a.1.cmp(b.1));
        for (op, tname) in empty {
            let _ = writeln!(
                s,
                "\n/// The output of `{op}`, which returns no data: only the response's metadata.\n#[derive(Clone, Debug, Default, PartialEq)]\n#[non_exhaustive]\npub struct {tname} {{\n{RESPONSE_METADATA_FIELD}}}\n\nimpl FromValue for {tname} {{\n    fn from_value(_: Value) -> Result<Self, ConversionError> {{\n        Ok(Self::default())\n    }}\n}}"
            );
        }
        let mut outputs: Vec<String> = self
            .op_outputs
            .iter()
            .filter(|o| self.usage.contains_key(**o))
            .map(|o| self.type_names[*o].clone())
            .chain(self.empty_outputs.values().cloned())
            .collect();
        outputs.sort();
        outputs.dedup();
        with_response_metadata(&mut s, &outputs);
        let mut aliases = self.aliases.clone();
        aliases.sort();
        for (alias, target) in aliases {
            let _ = writeln!(
                s,
                "\n/// Another name of [`{target}`].\npub type {alias} = {target};"
            );
        }
        s
    }

    /// The Rust type of a member targeting `target`.
    fn rust_type(&self, target: &str, boxed: bool) -> String {
        let sh = self.shape(target);
        let t = match str_of(sh, "type").unwrap_or("string") {
            "structure" if sh.get("document").is_some_and(|d| d == true) => {
                "myaws_core::Document".to_string()
            }
            "structure" => format!("crate::types::{}", self.type_names[target]),
            "list" => format!(
                "Vec<{}>",
                self.rust_type(
                    sh.pointer("/member/shape")
                        .and_then(Json::as_str)
                        .unwrap_or(""),
                    false
                )
            ),
            "map" => format!(
                "HashMap<String, {}>",
                self.rust_type(
                    sh.pointer("/value/shape")
                        .and_then(Json::as_str)
                        .unwrap_or(""),
                    false
                )
            ),
            "string" if sh.get("enum").is_some() => {
                format!("crate::types::{}", self.type_names[target])
            }
            "string" | "character" => "String".to_string(),
            "byte" => "i8".to_string(),
            "short" => "i16".to_string(),
            "integer" => "i32".to_string(),
            "long" | "bigInteger" => "i64".to_string(),
            "float" => "f32".to_string(),
            "double" | "bigDecimal" => "f64".to_string(),
            "boolean" => "bool".to_string(),
            "blob" if sh.get("streaming").is_some_and(|d| d == true) => {
                "myaws_core::body::ByteStream".to_string()
            }
            "blob" => "myaws_core::Bytes".to_string(),
            "timestamp" => "myaws_core::DateTime".to_string(),
            _ => "String".to_string(),
        };
        if boxed {
            format!("Box<{t}>")
        } else {
            t
        }
    }

    /// True for the shapes generated as Rust enums of their members: the
    /// model's unions and the shapes [`FORCED_UNIONS`] lists.
    fn is_union(&self, name: &str, shape: &Json) -> bool {
        shape.get("union").is_some_and(|u| u == true) || FORCED_UNIONS.contains(&(self.svc, name))
    }

    /// A union as a Rust enum: one variant per member plus `Unknown`; on the
    /// wire it is still the structure with one member set.
    fn union_enum(&self, s: &mut String, name: &str, shape: &Json) {
        let usage = self.usage.get(name).copied().unwrap_or_default();
        let tname = &self.type_names[name];
        let members = obj(&shape["members"]);
        let mut used = HashSet::from(["Unknown".to_string()]);
        let variants: Vec<(String, &str, String, &Json)> = members
            .iter()
            .map(|(m, r)| {
                let target = str_of(r, "shape").unwrap_or("");
                let boxed = self.boxed.contains(&(name.to_string(), m.clone()));
                (
                    dedupe(variant_name(m), &mut used),
                    m.as_str(),
                    self.rust_type(target, boxed),
                    r,
                )
            })
            .collect();
        let sensitive = shape.get("sensitive").is_some_and(|v| v == true)
            || members.values().any(|r| {
                self.shape(str_of(r, "shape").unwrap_or(""))
                    .get("sensitive")
                    .is_some_and(|v| v == true)
            });
        s.push('\n');
        let mut doc = self.docs(str_of(shape, "documentation").unwrap_or(""), true);
        if doc.is_empty() {
            doc.push(format!("The `{name}` union."));
        }
        doc.push(String::new());
        doc.push(format!(
            "A union: exactly one member is set (on the wire, the `{name}` structure with that member)."
        ));
        s.push_str(&doc_comment(&doc, ""));
        let derives = if sensitive {
            "Clone, PartialEq"
        } else {
            "Clone, Debug, PartialEq"
        };
        let _ = writeln!(
            s,
            "#[derive({derives})]\n#[non_exhaustive]\npub enum {tname} {{"
        );
        for (variant, member, ty, mref) in &variants {
            let mut mdoc = self.docs(str_of(mref, "documentation").unwrap_or(""), true);
            if mdoc.is_empty() {
                mdoc.push(format!("The `{member}` member."));
            }
            s.push_str(&doc_comment(&mdoc, "    "));
            let _ = writeln!(s, "    {variant}({ty}),");
        }
        s.push_str("    /// A member this version of the model does not know (its name; empty when the\n    /// response set none). Sending it sends no member, which the service refuses.\n    Unknown(String),\n}\n");
        if sensitive {
            let _ = writeln!(s, "\nimpl std::fmt::Debug for {tname} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(match self {{");
            for (variant, ..) in &variants {
                let _ = writeln!(
                    s,
                    "            Self::{variant}(_) => \"{tname}::{variant}(*** Sensitive Data Redacted ***)\","
                );
            }
            s.push_str("            Self::Unknown(_) => \"Unknown\",\n        })\n    }\n}\n");
        }
        let _ = writeln!(
            s,
            "\nmyaws_core::union_impls!({tname}, {}, input = {}, output = {};",
            variants.len(),
            usage.input,
            usage.output
        );
        let mut accessors: HashSet<String> = HashSet::new();
        for (index, (variant, member, ty, _)) in variants.iter().enumerate() {
            let accessor = dedupe(
                format!("as_{}", snake_ident(member).trim_start_matches("r#")),
                &mut accessors,
            );
            let _ = writeln!(s, "    {index} {variant} {accessor}: {ty};");
        }
        s.push_str(");\n");
    }

    fn structure(&self, s: &mut String, name: &str, shape: &Json) {
        if self.is_union(name, shape) && !events::is_event_stream(shape) {
            return self.union_enum(s, name, shape);
        }
        let usage = self.usage.get(name).copied().unwrap_or_default();
        let tname = &self.type_names[name];
        let members = obj(&shape["members"]);
        let required: HashSet<&str> = shape
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let mut used = HashSet::new();
        let carries_metadata = self.op_outputs.contains(name);
        if carries_metadata {
            used.insert("response_metadata".to_string());
        }
        let fields: Vec<(String, &str, String, bool)> = members
            .iter()
            .map(|(m, r)| {
                let target = str_of(r, "shape").unwrap_or("");
                let boxed = self.boxed.contains(&(name.to_string(), m.clone()));
                let field = dedupe(snake_ident(m), &mut used);
                let sensitive = self
                    .shape(target)
                    .get("sensitive")
                    .is_some_and(|v| v == true)
                    || shape.get("sensitive").is_some_and(|v| v == true);
                // `streaming` sits on the member reference in most models
                // (S3's `Body`), on the blob shape in a few.
                let ty = if events::is_event_stream(self.shape(target)) {
                    events::member_type(&self.type_names[target], usage.input)
                } else if r.get("streaming").is_some_and(|v| v == true)
                    && str_of(self.shape(target), "type") == Some("blob")
                {
                    "myaws_core::body::ByteStream".to_string()
                } else {
                    self.rust_type(target, boxed)
                };
                (field, m.as_str(), ty, sensitive)
            })
            .collect();
        let any_sensitive = fields.iter().any(|f| f.3);

        s.push('\n');
        let mut doc = self.docs(str_of(shape, "documentation").unwrap_or(""), true);
        if doc.is_empty() {
            doc.push(format!("The `{name}` structure."));
        }
        s.push_str(&doc_comment(&doc, ""));
        // An event stream is neither cloned nor compared.
        let streams = fields
            .iter()
            .any(|f| f.2.starts_with("myaws_core::eventstream::"));
        let derives = match (streams, any_sensitive) {
            (true, true) => "Default",
            (true, false) => "Debug, Default",
            (false, true) => "Clone, Default, PartialEq",
            (false, false) => "Clone, Debug, Default, PartialEq",
        };
        let _ = writeln!(s, "#[derive({derives})]");
        s.push_str("#[non_exhaustive]\n");
        let _ = writeln!(s, "pub struct {tname} {{");
        for ((field, member, ty, _), (_, mref)) in fields.iter().zip(members.iter()) {
            let mut mdoc = self.docs(str_of(mref, "documentation").unwrap_or(""), true);
            if mdoc.is_empty() {
                mdoc.push(format!("The `{member}` member."));
            }
            if required.contains(member) && usage.input {
                mdoc.push(String::new());
                mdoc.push("Required.".into());
            }
            s.push_str(&doc_comment(&mdoc, "    "));
            let _ = writeln!(s, "    pub {field}: Option<{ty}>,");
        }
        if carries_metadata {
            s.push_str(RESPONSE_METADATA_FIELD);
        }
        s.push_str("}\n");

        if any_sensitive {
            let _ = writeln!(s, "\nimpl std::fmt::Debug for {tname} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        let mut d = f.debug_struct({tname:?});");
            for (field, _, _, sensitive) in &fields {
                let label = field.trim_start_matches("r#");
                if *sensitive {
                    let _ = writeln!(s, "        d.field({label:?}, &self.{field}.as_ref().map(|_| myaws_core::REDACTED));");
                } else {
                    let _ = writeln!(s, "        d.field({label:?}, &self.{field});");
                }
            }
            if carries_metadata {
                s.push_str("        d.field(\"response_metadata\", &self.response_metadata);\n");
            }
            s.push_str("        d.finish()\n    }\n}\n");
        }

        if !fields.is_empty() {
            // One `setters!` line per member (expanded by myaws-core), with
            // an appender for list and map members.
            let mut method_names: HashSet<String> = fields.iter().map(|f| f.0.clone()).collect();
            let _ = writeln!(s, "\nmyaws_core::setters!({tname} {{");
            for (field, member, ty, _) in &fields {
                let (kind, arg) = self.setter_kind(ty);
                let appender = match kind {
                    "list" | "list_into" => Some("push"),
                    "map" | "map_into" => Some("insert"),
                    _ => None,
                };
                let method = setter_name(field);
                let named = if method == *field {
                    String::new()
                } else {
                    format!(" as {}", dedupe(method, &mut method_names))
                };
                match appender {
                    Some(verb) => {
                        let name = dedupe(
                            format!(
                                "{verb}_{}",
                                field.trim_start_matches("r#").trim_start_matches('_')
                            ),
                            &mut method_names,
                        );
                        let _ =
                            writeln!(s, "    {kind} {field}({member:?}){named}: {arg}, {name};");
                    }
                    None => {
                        let _ = writeln!(s, "    {kind} {field}({member:?}){named}: {arg};");
                    }
                }
            }
            s.push_str("});\n");
        }

        if usage.input {
            let _ = writeln!(
                s,
                "\nimpl IntoValue for {tname} {{\n    fn into_value(self) -> Value {{"
            );
            if fields.is_empty() {
                s.push_str("        Value::Struct(Vec::new())\n");
            } else {
                s.push_str("        Value::Struct(vec![\n");
                for (field, _, _, _) in &fields {
                    let _ = writeln!(s, "            self.{field}.into_value(),");
                }
                s.push_str("        ])\n");
            }
            s.push_str("    }\n}\n");
        }
        if usage.output {
            let _ = writeln!(
                s,
                "\nimpl FromValue for {tname} {{\n    fn from_value(value: Value) -> Result<Self, ConversionError> {{"
            );
            if fields.is_empty() {
                s.push_str("        StructReader::new(value)?;\n        Ok(Self::default())\n");
            } else {
                // Members are assigned one by one into a default value, so
                // an error drops one value, not each member read so far (a
                // struct literal with `?` per field needs drop code for every
                // prefix: quadratic in the number of members).
                s.push_str(
                    "        let mut r = StructReader::new(value)?;\n        let mut out = Self::default();\n",
                );
                for (field, member, _, _) in &fields {
                    let _ = writeln!(s, "        out.{field} = r.next({member:?})?;");
                }
                s.push_str("        Ok(out)\n");
            }
            s.push_str("    }\n}\n");
        }
    }

    /// The `setters!` kind of a member of Rust type `ty` and the type the
    /// macro is given (the element or value type for lists and maps).
    fn setter_kind(&self, ty: &str) -> (&'static str, String) {
        let converts = |t: &str| {
            t == "String"
                || t == "myaws_core::body::ByteStream"
                || t == "myaws_core::Bytes"
                || (t.starts_with("crate::types::") && self.is_enum_type(t))
        };
        let inner = |prefix: &str| {
            ty.strip_prefix(prefix)
                .and_then(|t| t.strip_suffix('>'))
                .map(str::to_string)
        };
        if let Some(event) = inner("myaws_core::eventstream::EventStreamInput<") {
            ("events", event)
        } else if let Some(boxed) = inner("Box<") {
            ("boxed", boxed)
        } else if let Some(item) = inner("Vec<") {
            (if converts(&item) { "list_into" } else { "list" }, item)
        } else if let Some(value) = inner("HashMap<String, ") {
            (if converts(&value) { "map_into" } else { "map" }, value)
        } else if converts(ty) {
            ("into", ty.to_string())
        } else {
            ("value", ty.to_string())
        }
    }

    fn is_enum_type(&self, ty: &str) -> bool {
        self.enum_types
            .contains(ty.trim_start_matches("crate::types::"))
    }

    fn enumeration(&self, s: &mut String, name: &str, shape: &Json) {
        let tname = &self.type_names[name];
        let values: Vec<&str> = shape
            .get("enum")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let mut used = HashSet::new();
        let variants: Vec<(String, &str)> = values
            .iter()
            .map(|v| (dedupe(variant_name(v), &mut used), *v))
            .collect();
        s.push('\n');
        let mut doc = self.docs(str_of(shape, "documentation").unwrap_or(""), true);
        if doc.is_empty() {
            doc.push(format!("Values of `{name}`."));
        }
        s.push_str(&doc_comment(&doc, ""));
        s.push_str("#[derive(Clone, Debug, PartialEq, Eq, Hash)]\n#[non_exhaustive]\n");
        let _ = writeln!(s, "pub enum {tname} {{");
        for (v, wire) in &variants {
            let _ = writeln!(s, "    /// `{}`", wire.replace('`', "'"));
            let _ = writeln!(s, "    {v},");
        }
        s.push_str(
            "    /// A value this version of the model does not know.\n    Unknown(String),\n}\n",
        );
        let _ = writeln!(s, "\nimpl {tname} {{\n    /// Every value the model knows, in model order.\n    pub const VALUES: &'static [&'static str] = &[");
        for (_, wire) in &variants {
            let _ = writeln!(s, "        {wire:?},");
        }
        s.push_str("    ];\n\n    /// The value on the wire.\n    pub fn as_str(&self) -> &str {\n        match self {\n");
        for (v, wire) in &variants {
            let _ = writeln!(s, "            Self::{v} => {wire:?},");
        }
        s.push_str("            Self::Unknown(s) => s,\n        }\n    }\n}\n");
        let _ = writeln!(
            s,
            "\nimpl From<&str> for {tname} {{\n    fn from(s: &str) -> Self {{\n        match s {{"
        );
        for (v, wire) in &variants {
            let _ = writeln!(s, "            {wire:?} => Self::{v},");
        }
        s.push_str("            other => Self::Unknown(other.to_string()),\n        }\n    }\n}\n");
        let _ = writeln!(
            s,
            r#"
impl From<String> for {tname} {{
    fn from(s: String) -> Self {{
        Self::from(s.as_str())
    }}
}}

impl std::str::FromStr for {tname} {{
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {{
        Ok(Self::from(s))
    }}
}}

impl std::fmt::Display for {tname} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        f.write_str(self.as_str())
    }}
}}

impl AsRef<str> for {tname} {{
    fn as_ref(&self) -> &str {{
        self.as_str()
    }}
}}

impl IntoValue for {tname} {{
    fn into_value(self) -> Value {{
        Value::String(match self {{
            Self::Unknown(s) => s,
            known => known.as_str().to_string(),
        }})
    }}
}}

impl FromValue for {tname} {{
    fn from_value(value: Value) -> Result<Self, ConversionError> {{
        String::from_value(value).map(Self::from)
    }}
}}"#
        );
    }
}

/// True for shapes that become named Rust types: structures (not documents)
/// and enum strings.
fn is_named_type(shape: &Json) -> bool {
    match str_of(shape, "type") {
        Some("structure") => !shape.get("document").is_some_and(|d| d == true),
        Some("string") => shape.get("enum").is_some(),
        _ => false,
    }
}

/// Shapes a shape refers to.
fn children(shape: &Json) -> Vec<&str> {
    let mut out = Vec::new();
    if let Some(m) = shape.get("members").and_then(Json::as_object) {
        out.extend(m.values().filter_map(|r| str_of(r, "shape")));
    }
    for k in ["member", "key", "value"] {
        if let Some(t) = shape.get(k).and_then(|r| str_of(r, "shape")) {
            out.push(t);
        }
    }
    out
}
