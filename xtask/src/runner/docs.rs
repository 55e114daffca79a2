//! `cargo xtask docs [--all]`: the library crates' documentation with
//! rustdoc's lints as errors (no broken or private intra-doc links, no bare
//! addresses, no unclosed HTML tags).
//!
//! By default the hand-written crates and the generated sample
//! ([`super::scope::docs_packages`]); `--all` every library crate of the
//! workspace, a few crates per `cargo doc` run. Each rustdoc run merges its
//! crate into files shared by every crate in `target/doc` (the search
//! index, the lists of trait and type implementations), so one run over
//! hundreds of crates costs time quadratic in their number; `--all`
//! therefore empties `target/doc` before each batch and leaves only the last
//! batch's pages there. Its lints are what it is for.

use std::path::{Path, PathBuf};

use super::command::{cargo, run};
use super::scope::{docs_packages, package_args};
use crate::workspace_root;

/// Usage of `cargo xtask docs`.
pub const USAGE: &str = "\
usage: cargo xtask docs [--all]

RUSTDOCFLAGS='-D warnings' cargo doc --no-deps for myaws-core, myaws-waiters,
the service crates with hand-written code and a fixed sample of generated
crates (every protocol, the largest documentation); --all: every library
crate, in batches (target/doc keeps the last batch only).";

/// Crates per `cargo doc` run with `--all`: small enough that the shared
/// files each rustdoc run rewrites stay small, large enough for both cores.
const BATCH: usize = 8;

/// Runs `docs` with its command-line arguments.
pub fn main(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    match args {
        [] => sample(&root),
        [all] if all == "--all" => everything(&root),
        _ => Err(format!("docs: unexpected arguments {args:?}\n\n{USAGE}")),
    }
}

/// The default scope: what `cargo xtask test` documents.
pub fn sample(root: &Path) -> Result<(), String> {
    document(root, &docs_packages(root))
}

/// Every library crate, [`BATCH`] at a time on an empty `target/doc`.
fn everything(root: &Path) -> Result<(), String> {
    let packages = library_packages(root)?;
    let batches = packages.chunks(BATCH).count();
    for (i, batch) in packages.chunks(BATCH).enumerate() {
        println!("docs --all: batch {}/{batches}: {}", i + 1, batch.join(" "));
        let doc_dir = target_dir(root).join("doc");
        if doc_dir.exists() {
            std::fs::remove_dir_all(&doc_dir)
                .map_err(|e| format!("emptying {}: {e}", doc_dir.display()))?;
        }
        document(root, batch)?;
    }
    println!(
        "docs --all: {} crates documented without warnings",
        packages.len()
    );
    Ok(())
}

fn document(root: &Path, packages: &[String]) -> Result<(), String> {
    run(cargo(root)
        .args(["doc", "--no-deps"])
        .args(package_args(packages))
        .env("RUSTDOCFLAGS", "-D warnings"))
}

/// myaws-core, myaws-waiters and every service crate under `crates/`.
fn library_packages(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("crates");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .filter_map(|e| e.file_name().to_str().map(|n| format!("myaws-{n}")))
        .collect();
    names.sort();
    Ok(names)
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, else `target/`).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_every_library_and_the_sample_a_part_of_it() {
        let root = workspace_root();
        let all = library_packages(&root).unwrap();
        assert!(all.contains(&"myaws-core".to_string()));
        assert!(all.contains(&"myaws-waiters".to_string()));
        assert!(all.contains(&"myaws-sqs".to_string()));
        for package in docs_packages(&root) {
            assert!(all.contains(&package), "{package}");
        }
        assert!(docs_packages(&root).len() < all.len());
    }

    #[test]
    fn rejects_unknown_arguments() {
        let error = main(&["--everything".to_string()]).unwrap_err();
        assert!(error.contains("usage: cargo xtask docs"), "{error}");
    }
}
