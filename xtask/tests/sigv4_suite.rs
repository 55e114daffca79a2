//! The AWS SigV4 test suite, through myaws's signer.

use xtask::{sigv4_tests, workspace_root};

#[test]
fn every_sigv4_case_passes() {
    let root = workspace_root().join("tests/vectors/sigv4");
    let (tally, failures) = sigv4_tests::run(std::slice::from_ref(&root)).expect("suite runs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Count the cases on disk so a case that silently vanished would show.
    fn count(dir: &std::path::Path) -> usize {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let own = usize::from(dir.join(format!("{name}.req")).is_file());
        own + std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| count(&e.path()))
            .sum::<usize>()
    }
    assert_eq!(tally.passed, count(&root));
    assert_eq!(tally.passed, 34);
}

#[test]
fn a_wrong_secret_is_caught() {
    // Copy one case and corrupt its expected signature: the runner must fail it.
    let src = workspace_root().join("tests/vectors/sigv4/get-vanilla");
    let dir = std::env::temp_dir()
        .join(format!("myaws-sigv4-{}", std::process::id()))
        .join("get-vanilla");
    std::fs::create_dir_all(&dir).unwrap();
    for ext in ["req", "creq"] {
        std::fs::copy(
            src.join(format!("get-vanilla.{ext}")),
            dir.join(format!("get-vanilla.{ext}")),
        )
        .unwrap();
    }
    let authz = std::fs::read_to_string(src.join("get-vanilla.authz")).unwrap();
    std::fs::write(
        dir.join("get-vanilla.authz"),
        authz.replace("Signature=5", "Signature=6"),
    )
    .unwrap();
    let (tally, _) = sigv4_tests::run(std::slice::from_ref(&dir)).unwrap();
    assert_eq!((tally.passed, tally.failed), (0, 1));
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}
