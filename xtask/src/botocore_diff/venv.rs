//! The Python virtual environment that holds the botocore oracle.
//!
//! It lives in `<workspace>/target/botocore-venv`, is created on first use
//! with `python3 -m venv` plus `pip install botocore==VERSION` (the version
//! in `models/BOTOCORE_VERSION`), and is reused for as long as its marker
//! file names that same requirement: the same scheme as moto's venv
//! (`tests/src/moto/venv.rs`).

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Environment variable naming the Python that creates the venv (shared
/// with the moto harness; default `python3` from `PATH`).
pub const PYTHON_ENV: &str = "MYAWS_PYTHON";

/// File inside the venv recording the requirement it was completed with.
const MARKER: &str = ".myaws-botocore-requirement";

/// How many trailing lines of a failed command's output an error quotes.
const TAIL_LINES: usize = 30;

/// The venv directory for the workspace at `workspace_root`.
pub fn venv_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("botocore-venv")
}

/// The Python interpreter inside the venv at `venv`.
pub fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The pip requirement installed into the venv.
pub fn requirement(version: &str) -> String {
    format!("botocore=={version}")
}

/// Makes sure the venv exists with botocore `version` installed and
/// returns its Python interpreter. Installs are serialised by a lock file
/// next to the venv; a venv whose marker is missing or names another
/// requirement is deleted and built again.
pub fn ensure_venv(workspace_root: &Path, version: &str) -> Result<PathBuf, String> {
    let venv = venv_dir(workspace_root);
    let python = venv_python(&venv);
    if is_complete(&venv, version) {
        return Ok(python);
    }
    let parent = venv.parent().expect("the venv path has a parent");
    fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    let lock_path = parent.join("botocore-venv.lock");
    let lock =
        File::create(&lock_path).map_err(|e| format!("creating {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;
    if is_complete(&venv, version) {
        return Ok(python);
    }
    install(&venv, &python, version)?;
    Ok(python)
}

/// Whether `venv` holds a finished install of botocore `version`.
fn is_complete(venv: &Path, version: &str) -> bool {
    venv_python(venv).is_file()
        && fs::read_to_string(venv.join(MARKER))
            .is_ok_and(|found| found.trim() == requirement(version))
}

/// Builds the venv from scratch; the caller holds the install lock.
fn install(venv: &Path, python: &Path, version: &str) -> Result<(), String> {
    let _ = writeln!(
        std::io::stderr(),
        "botocore-diff: installing {} into {} (one-time)",
        requirement(version),
        venv.display()
    );
    if venv.exists() {
        fs::remove_dir_all(venv).map_err(|e| format!("removing {}: {e}", venv.display()))?;
    }
    let base = std::env::var_os(PYTHON_ENV).unwrap_or_else(|| "python3".into());
    run(Command::new(&base).args(["-m", "venv"]).arg(venv))?;
    run(Command::new(python)
        .args(["-m", "pip", "install", "--quiet", "--no-input"])
        .arg("--disable-pip-version-check")
        .arg(requirement(version)))?;
    let marker = venv.join(MARKER);
    fs::write(&marker, requirement(version))
        .map_err(|e| format!("writing {}: {e}", marker.display()))
}

/// Runs `command` with no stdin, capturing its output; on failure the error
/// names the command and quotes the end of what it printed.
fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {shown}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let mut printed = String::from_utf8_lossy(&output.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = printed.lines().collect();
    Err(format!(
        "{shown} failed ({}):\n{}",
        output.status,
        lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venv_sits_under_target_and_pins_the_version() {
        assert_eq!(
            venv_dir(Path::new("/ws")),
            Path::new("/ws/target/botocore-venv")
        );
        assert_eq!(requirement("1.43.67"), "botocore==1.43.67");
    }

    #[test]
    fn incomplete_venv_is_not_reused() {
        let dir = std::env::temp_dir().join(format!("myaws-bc-venv-test-{}", std::process::id()));
        fs::create_dir_all(dir.join("bin")).unwrap();
        fs::write(venv_python(&dir), "").unwrap();
        assert!(!is_complete(&dir, "1.2.3"), "no marker yet");
        fs::write(dir.join(MARKER), "botocore==0.0.1").unwrap();
        assert!(!is_complete(&dir, "1.2.3"), "marker names another version");
        fs::write(dir.join(MARKER), requirement("1.2.3")).unwrap();
        assert!(is_complete(&dir, "1.2.3"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
