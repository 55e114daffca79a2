//! The Python virtual environment that holds moto.
//!
//! It lives in `<workspace>/target/moto-venv`, is created on first use with
//! `python3 -m venv` plus `pip install "moto[server]==MOTO_VERSION"`, and is
//! reused for as long as its marker file names that same requirement.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The moto release every test and demo runs against (newest on PyPI that
/// supports Python 3.11 when it was pinned). Bumping it reinstalls the venv.
pub const MOTO_VERSION: &str = "5.2.5";

/// Environment variable naming the Python that creates the venv
/// (default `python3` from `PATH`).
pub const PYTHON_ENV: &str = "MYAWS_PYTHON";

/// File inside the venv recording the requirement it was completed with.
const MARKER: &str = ".myaws-moto-requirement";

/// How many trailing lines of a failed command's output an error quotes.
const TAIL_LINES: usize = 30;

/// The venv directory for the workspace at `workspace_root`.
pub fn venv_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("moto-venv")
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
pub fn requirement() -> String {
    format!("moto[server]=={MOTO_VERSION}")
}

/// Makes sure the venv exists with [`MOTO_VERSION`] installed and returns its
/// Python interpreter.
///
/// Safe to call from several processes at once: installs are serialised by a
/// lock file next to the venv, and a venv whose marker is missing or names
/// another requirement (say, after an interrupted install or a version bump)
/// is deleted and built again.
pub fn ensure_venv(workspace_root: &Path) -> Result<PathBuf, String> {
    let venv = venv_dir(workspace_root);
    let python = venv_python(&venv);
    if is_complete(&venv) {
        return Ok(python);
    }
    let parent = venv.parent().expect("the venv path has a parent");
    fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    let lock_path = parent.join("moto-venv.lock");
    let lock =
        File::create(&lock_path).map_err(|e| format!("creating {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;
    // Another process may have finished the install while we waited.
    if is_complete(&venv) {
        return Ok(python);
    }
    install(&venv, &python)?;
    Ok(python)
}

/// Whether `venv` holds a finished install of the pinned requirement.
fn is_complete(venv: &Path) -> bool {
    venv_python(venv).is_file()
        && fs::read_to_string(venv.join(MARKER)).is_ok_and(|found| found.trim() == requirement())
}

/// Builds the venv from scratch; the caller holds the install lock.
fn install(venv: &Path, python: &Path) -> Result<(), String> {
    // Written to the real stderr, past libtest's output capture, so that a
    // test run explains its half-minute pause.
    let _ = writeln!(
        std::io::stderr(),
        "myaws: installing {} into {} (one-time, about half a minute)",
        requirement(),
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
        .arg(requirement()))?;
    let marker = venv.join(MARKER);
    fs::write(&marker, requirement()).map_err(|e| format!("writing {}: {e}", marker.display()))
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
    Err(format!(
        "{shown} failed ({}):\n{}",
        output.status,
        tail(&printed, TAIL_LINES)
    ))
}

/// The last `lines` lines of `text`.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venv_sits_under_target() {
        let dir = venv_dir(Path::new("/ws"));
        assert_eq!(dir, Path::new("/ws/target/moto-venv"));
    }

    #[test]
    fn requirement_pins_server_extra_and_version() {
        assert_eq!(requirement(), format!("moto[server]=={MOTO_VERSION}"));
        assert!(MOTO_VERSION
            .split('.')
            .all(|part| part.parse::<u32>().is_ok()));
    }

    #[test]
    fn tail_keeps_only_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }

    #[test]
    fn incomplete_venv_is_not_reused() {
        let dir = std::env::temp_dir().join(format!("myaws-venv-test-{}", std::process::id()));
        fs::create_dir_all(dir.join("bin")).unwrap();
        fs::write(venv_python(&dir), "").unwrap();
        assert!(!is_complete(&dir), "no marker yet");
        fs::write(dir.join(MARKER), "moto[server]==0.0.1").unwrap();
        assert!(!is_complete(&dir), "marker names another version");
        fs::write(dir.join(MARKER), requirement()).unwrap();
        assert!(is_complete(&dir));
        fs::remove_dir_all(&dir).unwrap();
    }
}
