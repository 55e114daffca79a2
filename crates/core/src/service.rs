//! A service's embedded model data, loaded once per process.

use std::sync::{Arc, OnceLock};

use crate::endpoint::RuleSet;

use crate::model::{ModelError, ServiceModel};

/// The model files a generated crate embeds: the model and the endpoint rule
/// set in myaws's packed form (loaded and checked from botocore's JSON by
/// `cargo xtask regen`, so creating a client reads no JSON), paginators and
/// waiters as compact JSON (read when first used).
#[derive(Debug)]
pub struct ServiceData {
    /// `service-2.json` without documentation, packed
    /// ([`ServiceModel::to_packed`]).
    pub model: &'static [u8],
    /// `endpoint-rule-set-1.json`, compiled and packed
    /// ([`RuleSet::to_packed`]).
    pub endpoint_rules: Option<&'static [u8]>,
    /// `paginators-1.json`.
    pub paginators: Option<&'static str>,
    /// `waiters-2.json`.
    pub waiters: Option<&'static str>,
}

/// A service ready for clients: the parsed model and the raw documents of its
/// endpoint rules, paginators and waiters.
#[derive(Debug, Clone)]
pub struct Service {
    /// The parsed model.
    pub model: Arc<ServiceModel>,
    /// Where the endpoint rule set comes from, if the service has one.
    endpoint_rules: Option<RulesSource>,
    /// Paginators JSON.
    pub paginators: Option<Arc<str>>,
    /// Waiters JSON.
    pub waiters: Option<Arc<str>>,
    /// The compiled endpoint rule set, built on first use and shared by every
    /// client of this service in the process.
    rules: Arc<OnceLock<Result<Arc<RuleSet>, String>>>,
}

impl Service {
    /// The compiled endpoint rule set (`None` when the service has none).
    pub fn rule_set(&self) -> Option<Result<Arc<RuleSet>, String>> {
        Some(self.compiled_rules()?.clone())
    }

    /// [`Service::rule_set`] borrowed: what each endpoint resolution reads,
    /// without a reference count touched per call.
    pub(crate) fn compiled_rules(&self) -> Option<&Result<Arc<RuleSet>, String>> {
        let source = self.endpoint_rules.as_ref()?;
        Some(self.rules.get_or_init(|| {
            let rules = match source {
                RulesSource::Json(text) => RuleSet::from_json(text),
                RulesSource::Packed(bytes) => RuleSet::from_packed(bytes),
            };
            rules
                .map(Arc::new)
                .map_err(|e| format!("invalid endpoint rule set: {e}"))
        }))
    }

    /// Whether the service has an endpoint rule set.
    pub fn has_endpoint_rules(&self) -> bool {
        self.endpoint_rules.is_some()
    }

    /// Whether the rule set has been decoded (by a client's first call).
    #[cfg(test)]
    pub(crate) fn rules_decoded(&self) -> bool {
        self.rules.get().is_some()
    }

    /// Whether the rule set (if any) is a generated crate's packed one,
    /// already loaded and checked by `cargo xtask regen`.
    pub(crate) fn endpoint_rules_prechecked(&self) -> bool {
        !matches!(self.endpoint_rules, Some(RulesSource::Json(_)))
    }

    /// Loads a service from a botocore model directory: either a directory
    /// holding `service-2.json` (and optionally `endpoint-rule-set-1.json`,
    /// `paginators-1.json`, `waiters-2.json`), or a botocore data directory
    /// `<root>/<service>/<api-version>/` given as `<root>/<service>`, where the
    /// version that sorts last is used, as botocore does. Every file may also
    /// be gzipped (`service-2.json.gz`, as botocore's wheel ships them), and
    /// `*.sdk-extras.json` files are merged as botocore's loader merges them.
    pub fn from_dir(dir: &std::path::Path) -> Result<Service, ModelError> {
        let has_model = |d: &std::path::Path| model_file(d, "service-2.json").is_some();
        let dir = if has_model(dir) {
            dir.to_path_buf()
        } else {
            let mut versions: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| ModelError(format!("{}: {e}", dir.display())))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| has_model(p))
                .collect();
            versions.sort();
            versions
                .pop()
                .ok_or_else(|| ModelError(format!("{}: no service-2.json found", dir.display())))?
        };
        let read = |name: &str| read_model_file(&dir, name);
        let model_text = read("service-2.json")?
            .ok_or_else(|| ModelError(format!("{}: no service-2.json", dir.display())))?;
        let model_text = with_extras(
            &dir,
            model_text,
            read("service-2.sdk-extras.json")?,
            service_name(&dir).and_then(crate::model::extras::myaws_extras),
        )?;
        let paginators = match read("paginators-1.json")? {
            Some(text) => Some(with_extras(
                &dir,
                text,
                read("paginators-1.sdk-extras.json")?,
                None,
            )?),
            None => None,
        };
        Ok(Service {
            model: Arc::new(ServiceModel::from_json(&model_text)?),
            endpoint_rules: read("endpoint-rule-set-1.json")?.map(RulesSource::Json),
            paginators,
            waiters: read("waiters-2.json")?,
            rules: Arc::default(),
        })
    }
}

/// An endpoint rule set as a service holds it until first used.
#[derive(Debug, Clone)]
enum RulesSource {
    /// `endpoint-rule-set-1.json` read from a model directory.
    Json(Arc<str>),
    /// Packed by `cargo xtask regen` and embedded in a generated crate.
    Packed(&'static [u8]),
}

/// The largest model file read (after decompression): the biggest of
/// botocore's models is under 10 MB; anything far beyond is not a model.
const MAX_MODEL_FILE: u64 = 64 << 20;

/// The path of `name` in `dir`, plain or gzipped (`name.gz`), if present.
fn model_file(dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    let plain = dir.join(name);
    if plain.is_file() {
        return Some(plain);
    }
    let gz = dir.join(format!("{name}.gz"));
    gz.is_file().then_some(gz)
}

/// Reads `name` from `dir`, plain or gzipped; `None` when neither exists.
fn read_model_file(dir: &std::path::Path, name: &str) -> Result<Option<Arc<str>>, ModelError> {
    use std::io::Read as _;
    let Some(path) = model_file(dir, name) else {
        return Ok(None);
    };
    let failed = |e: std::io::Error| ModelError(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(&path).map_err(failed)?;
    let mut text = String::new();
    let read = if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(file)
            .take(MAX_MODEL_FILE + 1)
            .read_to_string(&mut text)
    } else {
        file.take(MAX_MODEL_FILE + 1).read_to_string(&mut text)
    };
    read.map_err(failed)?;
    if text.len() as u64 > MAX_MODEL_FILE {
        return Err(ModelError(format!(
            "{}: larger than {} MiB, not a model file",
            path.display(),
            MAX_MODEL_FILE >> 20
        )));
    }
    Ok(Some(Arc::from(text)))
}

/// Botocore's data path for `env`: the directories of `AWS_DATA_PATH`
/// (separated as the platform separates `PATH`), then `~/.aws/models`.
pub fn data_path(env: &crate::config::Env) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<std::path::PathBuf> = env
        .get_os("AWS_DATA_PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .filter(|d| !d.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(home) = env.home_dir() {
        dirs.push(home.join(".aws").join("models"));
    }
    dirs
}

/// Finds service `name` (`sqs`, `s3`) on the data path, as botocore's
/// loader does: the first directory holding `<name>/<api-version>/` (or
/// `<name>/service-2.json`) wins.
pub fn find_on_data_path(name: &str, dirs: &[std::path::PathBuf]) -> Result<Service, ModelError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(ModelError(format!("`{name}` is not a service name")));
    }
    for dir in dirs {
        let candidate = dir.join(name);
        if candidate.is_dir() {
            return Service::from_dir(&candidate);
        }
    }
    let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    Err(ModelError(format!(
        "no model for service `{name}` on the data path (AWS_DATA_PATH, then ~/.aws/models): searched {}",
        if searched.is_empty() {
            "nothing (AWS_DATA_PATH is unset and there is no home directory)".to_string()
        } else {
            searched.join(", ")
        }
    )))
}

/// The botocore service name of a model directory: `<root>/<service>` or
/// `<root>/<service>/<api-version>` (a directory named like a date).
fn service_name(dir: &std::path::Path) -> Option<&str> {
    let last = dir.file_name()?.to_str()?;
    if last.starts_with(|c: char| c.is_ascii_digit()) {
        dir.parent()?.file_name()?.to_str()
    } else {
        Some(last)
    }
}

/// `text` with botocore's extras and myaws's merged over it, as botocore's
/// loader merges `*.sdk-extras.json`.
fn with_extras(
    dir: &std::path::Path,
    text: Arc<str>,
    botocore: Option<Arc<str>>,
    myaws: Option<&str>,
) -> Result<Arc<str>, ModelError> {
    if botocore.is_none() && myaws.is_none() {
        return Ok(text);
    }
    let parse = |t: &str| -> Result<serde_json::Value, ModelError> {
        serde_json::from_str(t).map_err(|e| ModelError(format!("{}: {e}", dir.display())))
    };
    let mut doc = parse(&text)?;
    for extras in [botocore.as_deref(), myaws].into_iter().flatten() {
        crate::model::extras::apply(&mut doc, &parse(extras)?);
    }
    Ok(Arc::from(doc.to_string()))
}

/// The outcome of loading embedded data (kept, so a defect is reported by
/// every client constructor rather than by a panic).
#[derive(Debug)]
pub struct LoadedService(Result<Service, ModelError>);

impl LoadedService {
    /// Reads the embedded data.
    pub fn load(data: &ServiceData) -> LoadedService {
        LoadedService(
            ServiceModel::from_embedded(data.model).map(|model| Service {
                model: Arc::new(model),
                endpoint_rules: data.endpoint_rules.map(RulesSource::Packed),
                paginators: data.paginators.map(Arc::from),
                waiters: data.waiters.map(Arc::from),
                rules: Arc::default(),
            }),
        )
    }

    /// The service, or the error found while loading it.
    pub fn get(&self) -> Result<&Service, &ModelError> {
        self.0.as_ref()
    }
}
