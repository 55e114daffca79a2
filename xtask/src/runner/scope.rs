//! Which crates each step of `cargo xtask test` covers, so that the run
//! stays within CI's budget with every botocore service generated.
//!
//! The workspace's `default-members` (root `Cargo.toml`) are the
//! hand-written crates: myaws-core, myaws-waiters, every service crate with
//! hand-written code in `src/custom/`, xtask, the tests and the examples.
//! A plain `cargo build` or `cargo test` builds those (and the service
//! crates they use), not every service. Generated crates are all written by
//! the same generator, so besides linting every one of them (`clippy
//! --workspace`), the slower steps (documentation, doc tests) take a fixed
//! sample of them ([`GENERATED_SAMPLE`]) that covers every protocol and the
//! largest documentation.

use std::fs;
use std::path::Path;

/// Generated service crates documented and doc-tested like the
/// hand-written ones: every protocol (ec2; json: sqs, dynamodb; rest-json:
/// lambda, bedrock-runtime with event streams; query: iam; rest-xml:
/// route53; smithy-rpc-v2-cbor: cloudwatch) and the largest documentation
/// (ec2). Crates with hand-written code (s3, rds) are covered anyway, as
/// default members.
pub const GENERATED_SAMPLE: [&str; 8] = [
    "ec2",
    "sqs",
    "dynamodb",
    "lambda",
    "bedrock-runtime",
    "iam",
    "route53",
    "cloudwatch",
];

/// The published crates that are not generated.
const HAND_WRITTEN_LIBRARIES: [&str; 2] = ["myaws-core", "myaws-waiters"];

/// Service crates (directory names) with hand-written code in `src/custom/`.
pub fn customized_services(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("crates"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("src/custom/mod.rs").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The library crates `cargo xtask docs` documents by default: the
/// hand-written ones, the customized service crates and the sample.
pub fn docs_packages(root: &Path) -> Vec<String> {
    let mut packages: Vec<String> = HAND_WRITTEN_LIBRARIES.map(String::from).to_vec();
    let mut services = customized_services(root);
    services.extend(GENERATED_SAMPLE.map(String::from));
    services.sort();
    services.dedup();
    packages.extend(services.iter().map(|svc| format!("myaws-{svc}")));
    packages
}

/// The packages the tests step runs the tests of: the default members and
/// the sample (whose only tests are their documentation's examples).
pub fn test_packages(root: &Path) -> Result<Vec<String>, String> {
    let mut packages = default_members(root)?;
    for package in docs_packages(root) {
        if !packages.contains(&package) {
            packages.push(package);
        }
    }
    Ok(packages)
}

/// `-p NAME` for each package.
pub fn package_args(packages: &[String]) -> Vec<String> {
    packages
        .iter()
        .flat_map(|p| ["-p".to_string(), p.clone()])
        .collect()
}

/// Package names of the root manifest's `default-members`.
pub fn default_members(root: &Path) -> Result<Vec<String>, String> {
    let manifest =
        fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    default_member_paths(&manifest)?
        .iter()
        .map(|dir| package_name(&root.join(dir).join("Cargo.toml")))
        .collect()
}

/// The paths listed in `default-members = [...]` (which may span lines).
fn default_member_paths(manifest: &str) -> Result<Vec<String>, String> {
    let start = manifest
        .find("\ndefault-members")
        .ok_or("Cargo.toml has no `default-members`")?;
    let rest = &manifest[start..];
    let open = rest.find('[').ok_or("default-members: no `[`")?;
    let close = rest.find(']').ok_or("default-members: no `]`")?;
    Ok(rest[open + 1..close]
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(|line| line.split(','))
        .map(|item| item.trim().trim_matches('"').to_string())
        .filter(|item| !item.is_empty())
        .collect())
}

/// The `name` of a package manifest's `[package]` table.
fn package_name(manifest: &Path) -> Result<String, String> {
    let text = fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.lines()
        .skip_while(|line| line.trim() != "[package]")
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "name").then(|| value.trim().trim_matches('"').to_string())
        })
        .ok_or_else(|| format!("{}: no package name", manifest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    #[test]
    fn sample_covers_every_protocol_in_models() {
        let root = workspace_root();
        let protocol = |svc: &str| {
            let model =
                crate::models::read_with_extras(&root.join("models").join(svc), "service-2.json")
                    .unwrap()
                    .unwrap_or_else(|| panic!("the sample's `{svc}` has no model in models/"));
            model["metadata"]["protocol"].as_str().unwrap().to_string()
        };
        let sampled: Vec<String> = docs_packages(&root)
            .iter()
            .filter_map(|p| p.strip_prefix("myaws-"))
            .filter(|svc| !["core", "waiters"].contains(svc))
            .map(protocol)
            .collect();
        for svc in crate::models::services().unwrap() {
            let wanted = protocol(&svc);
            assert!(
                sampled.contains(&wanted),
                "no crate of the sample speaks {wanted} (as {svc} does): add one to GENERATED_SAMPLE"
            );
        }
    }

    #[test]
    fn default_members_are_the_hand_written_crates() {
        let root = workspace_root();
        let members = default_members(&root).unwrap();
        for package in [
            "myaws-core",
            "myaws-waiters",
            "xtask",
            "myaws-tests",
            "myaws-examples",
        ] {
            assert!(
                members.contains(&package.to_string()),
                "{package}: {members:?}"
            );
        }
        let customized = customized_services(&root);
        assert!(customized.contains(&"s3".to_string()), "{customized:?}");
        for svc in customized {
            let package = format!("myaws-{svc}");
            assert!(
                members.contains(&package),
                "{package} has hand-written code (src/custom/): list crates/{svc} in default-members"
            );
        }
        // Nothing else: a generated crate there would make every plain
        // `cargo build` build it.
        assert_eq!(
            members.len(),
            5 + customized_services(&root).len(),
            "{members:?}"
        );
    }

    #[test]
    fn reads_default_members_over_lines() {
        let manifest = "[workspace]\nmembers = [\"a\"]\ndefault-members = [\n    \"crates/core\", # the core\n    \"xtask\",\n]\n";
        assert_eq!(
            default_member_paths(manifest).unwrap(),
            ["crates/core", "xtask"]
        );
        assert_eq!(
            package_args(&["a".to_string(), "b".to_string()]),
            ["-p", "a", "-p", "b"]
        );
    }
}
