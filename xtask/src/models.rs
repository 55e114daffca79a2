//! `cargo xtask update-models`: refresh `models/` from a botocore wheel on PyPI.
//!
//! The wheel is fetched with `pip download` (so the user's pip configuration and
//! proxies apply) and its `botocore/data/<service>/<version>/*.json.gz` files are
//! unpacked as plain JSON. As botocore does, the API version whose name sorts last
//! is the one used.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::workspace_root;

/// The services myaws generates clients for: every directory of `models/`
/// holding a `service-2.json`, sorted.
pub fn services() -> Result<Vec<String>, String> {
    let root = workspace_root().join("models");
    let mut names: Vec<String> = fs::read_dir(&root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| is_service_dir(&e.path()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

/// The per-service files copied into `models/<service>/` (the
/// `*.sdk-extras.json` files only where botocore has them).
const SERVICE_FILES: &[&str] = &[
    "service-2.json",
    "service-2.sdk-extras.json",
    "paginators-1.json",
    "paginators-1.sdk-extras.json",
    "waiters-2.json",
    "endpoint-rule-set-1.json",
];

/// Top-level data files copied into `models/`.
const DATA_FILES: &[&str] = &["partitions.json", "_retry.json"];

/// Runs `update-models` with its command-line arguments: refreshes every
/// service `models/` holds (or the `--service` ones, which may be new, or
/// with `--all` every service of the release) from a botocore release.
pub fn update_models(args: &[String]) -> Result<(), String> {
    let mut version = None;
    let mut services = Vec::new();
    let mut all = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--botocore" => version = it.next().cloned(),
            "--service" => services.push(it.next().cloned().ok_or("--service needs a name")?),
            "--all" => all = true,
            other => return Err(format!("update-models: unexpected argument `{other}`")),
        }
    }
    let version = version.ok_or("update-models needs --botocore VERSION")?;
    if services.is_empty() && !all {
        services = self::services()?;
    }

    let download = std::env::temp_dir().join(format!("myaws-botocore-{version}"));
    fs::create_dir_all(&download).map_err(|e| e.to_string())?;
    let status = Command::new(python())
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "-d",
        ])
        .arg(&download)
        .arg(format!("botocore=={version}"))
        .status()
        .map_err(|e| format!("running pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip download botocore=={version} failed"));
    }
    let wheel = fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(&format!("botocore-{version}-")) && name.ends_with(".whl")
        })
        .ok_or("pip did not leave a botocore wheel")?;
    let file = fs::File::open(&wheel).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;

    // Collect the files of the newest API version of each wanted service.
    let mut newest: BTreeMap<String, String> = BTreeMap::new();
    for name in archive.file_names() {
        let parts: Vec<&str> = name.split('/').collect();
        if parts.len() == 5 && parts[0] == "botocore" && parts[1] == "data" {
            let (svc, api) = (parts[2], parts[3]);
            if all || services.iter().any(|s| s == svc) {
                let entry = newest.entry(svc.to_string()).or_default();
                if api > entry.as_str() {
                    *entry = api.to_string();
                }
            }
        }
    }
    if all {
        services = newest.keys().cloned().collect();
    }
    let root = workspace_root().join("models");
    for svc in &services {
        let api = newest
            .get(svc)
            .ok_or_else(|| format!("botocore {version} has no service `{svc}`"))?;
        let dir = root.join(svc);
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| e.to_string())?;
        }
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        for file in SERVICE_FILES {
            let base = format!("botocore/data/{svc}/{api}/{file}");
            if let Some(text) = read_entry(&mut archive, &base)? {
                fs::write(dir.join(file), text).map_err(|e| e.to_string())?;
            }
        }
        fs::write(dir.join("api-version"), format!("{api}\n")).map_err(|e| e.to_string())?;
        println!("models/{svc}: {api}");
    }
    for file in DATA_FILES {
        let text = read_entry(&mut archive, &format!("botocore/data/{file}"))?
            .ok_or_else(|| format!("wheel lacks botocore/data/{file}"))?;
        fs::write(root.join(file), text).map_err(|e| e.to_string())?;
    }
    for (entry, target) in [("LICENSE.txt", "LICENSE.txt"), ("NOTICE", "NOTICE")] {
        let path = format!("botocore-{version}.dist-info/{entry}");
        if let Some(text) = read_entry(&mut archive, &path)? {
            fs::write(root.join(target), text).map_err(|e| e.to_string())?;
        }
    }
    fs::write(root.join("BOTOCORE_VERSION"), format!("{version}\n")).map_err(|e| e.to_string())?;
    println!("models/ now holds botocore {version}");
    Ok(())
}

/// Reads `path` (or `path.gz`, decompressed) from the wheel, if present.
fn read_entry(
    archive: &mut zip::ZipArchive<fs::File>,
    path: &str,
) -> Result<Option<String>, String> {
    if let Ok(mut entry) = archive.by_name(path) {
        let mut text = String::new();
        entry.read_to_string(&mut text).map_err(|e| e.to_string())?;
        return Ok(Some(text));
    }
    let gz = format!("{path}.gz");
    if let Ok(entry) = archive.by_name(&gz) {
        let mut text = String::new();
        flate2::read::GzDecoder::new(entry)
            .read_to_string(&mut text)
            .map_err(|e| format!("{gz}: {e}"))?;
        return Ok(Some(text));
    }
    Ok(None)
}

/// The Python interpreter used for pip (overridable with `PYTHON`).
pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// True when `dir` looks like a service model directory.
pub fn is_service_dir(dir: &Path) -> bool {
    dir.join("service-2.json").is_file()
}

/// Reads the model file `name` (`service-2.json`, ...) of the service in
/// `dir`, merged with botocore's `*.sdk-extras.json` if there is one (as
/// botocore's loader does) and, for `service-2.json`, with myaws's own
/// extras (`crates/core/data/model-extras/<service>.json`). `Ok(None)` when
/// the file does not exist.
pub fn read_with_extras(dir: &Path, name: &str) -> Result<Option<serde_json::Value>, String> {
    let read = |path: &Path| -> Result<Option<serde_json::Value>, String> {
        if !path.exists() {
            return Ok(None);
        }
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let Some(mut doc) = read(&dir.join(name))? else {
        return Ok(None);
    };
    let extras_name = name.replace(".json", ".sdk-extras.json");
    if let Some(extras) = read(&dir.join(extras_name))? {
        myaws_core::model::extras::apply(&mut doc, &extras);
    }
    if name == "service-2.json" {
        let service = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if let Some(text) = myaws_core::model::extras::myaws_extras(service) {
            let extras: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| format!("myaws extras of {service}: {e}"))?;
            myaws_core::model::extras::apply(&mut doc, &extras);
        }
    }
    Ok(Some(doc))
}
