//! Tests of loading the shared files, including every botocore fixture in
//! `tests/vectors/config-files/` (expected results from its README).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::test_support::{vectors_dir, TempDir};
use super::*;

fn fixture(name: &str) -> PathBuf {
    vectors_dir().join("config-files").join(name)
}

fn read_config(name: &str) -> Result<ProfileFile, ConfigError> {
    ProfileFile::read(&fixture(name), FileKind::Config)
}

fn names(file: &ProfileFile) -> Vec<&str> {
    file.profile_names().collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn fixture_aws_config() {
    let file = read_config("aws_config").unwrap();
    assert_eq!(names(&file), ["default", "personal"]);
    let personal = file.profile("personal").unwrap();
    assert_eq!(personal.get("aws_security_token"), Some("fiebaz"));
    assert_eq!(personal.get("aws_access_key_id"), Some("fie"));
    assert_eq!(
        file.profile("default").unwrap().get("aws_access_key_id"),
        Some("foo")
    );
}

#[test]
fn fixture_aws_config_bad() {
    let err = read_config("aws_config_bad").unwrap_err();
    match &err {
        ConfigError::Parse { path, error } => {
            assert_eq!(path.as_deref(), Some(fixture("aws_config_bad").as_path()));
            assert_eq!(error.line(), Some(1));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert!(err.to_string().contains("aws_config_bad"), "{err}");
}

#[test]
fn fixture_aws_config_badbytes() {
    let err = read_config("aws_config_badbytes").unwrap_err();
    assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
    assert!(err.to_string().contains("UTF-8"), "{err}");
}

#[test]
fn fixture_aws_bad_profile() {
    let file = read_config("aws_bad_profile").unwrap();
    assert_eq!(names(&file), ["default", "my profile", "personal1"]);
    assert_eq!(
        file.profile("personal1").unwrap().get("aws_access_key_id"),
        Some("access_personal1")
    );
}

#[test]
fn fixture_aws_config_nested() {
    let file = read_config("aws_config_nested").unwrap();
    let default = file.profile("default").unwrap();
    assert_eq!(
        default.sub("s3"),
        Some(&map(&[
            ("signature_version", "s3v4"),
            ("addressing_style", "path")
        ]))
    );
    assert_eq!(
        default.sub("cloudwatch"),
        Some(&map(&[("signature_version", "v4")]))
    );
    assert_eq!(default.get("region"), Some("us-west-2"));
    // The raw (un-nested) text is what botocore sees with sub-sections off.
    let raw = ini::parse(&std::fs::read_to_string(fixture("aws_config_nested")).unwrap()).unwrap();
    assert_eq!(
        raw[0].options["s3"].text,
        "\nsignature_version = s3v4\naddressing_style = path"
    );
    assert_eq!(
        raw[0].options["cloudwatch"].text,
        "\nsignature_version = v4"
    );
}

#[test]
fn fixture_aws_config_nested_bad() {
    let err = read_config("aws_config_nested_bad").unwrap_err();
    match err {
        ConfigError::Parse { error, .. } => {
            assert_eq!(error.line(), Some(5));
            assert!(error.message().contains("`s3`"), "{error}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn fixture_multi_file_merge_first_wins() {
    let missing = ProfileFile::read(&fixture("does_not_exist"), FileKind::Config).unwrap();
    assert!(missing.is_empty());
    let merged = ProfileFile::merge_first_wins([
        read_config("aws_config_other").unwrap(),
        read_config("aws_config").unwrap(),
        missing,
        read_config("aws_third_config").unwrap(),
    ]);
    assert_eq!(names(&merged), ["default", "personal", "third"]);
    let get =
        |profile: &str, key: &str| merged.profile(profile).unwrap().get(key).map(str::to_owned);
    assert_eq!(
        get("default", "aws_access_key_id").as_deref(),
        Some("other_foo")
    );
    assert_eq!(
        get("default", "aws_secret_access_key").as_deref(),
        Some("other_bar")
    );
    assert_eq!(get("personal", "aws_access_key_id").as_deref(), Some("fie"));
    assert_eq!(
        get("personal", "aws_secret_access_key").as_deref(),
        Some("baz")
    );
    assert_eq!(
        get("personal", "aws_security_token").as_deref(),
        Some("fiebaz")
    );
    assert_eq!(
        get("third", "aws_access_key_id").as_deref(),
        Some("third_fie")
    );
    assert_eq!(
        get("third", "aws_secret_access_key").as_deref(),
        Some("third_baz")
    );
    assert_eq!(
        get("third", "aws_security_token").as_deref(),
        Some("third_fiebaz")
    );
}

#[test]
fn fixture_aws_sso_session_config() {
    let file = read_config("aws_sso_session_config").unwrap();
    let sso = file.sso_session("sso").unwrap();
    assert_eq!(sso.get("sso_region"), Some("us-east-1"));
    assert_eq!(sso.get("sso_start_url"), Some("https://example.com"));
    assert_eq!(
        file.profile("default").unwrap().get("sso_session"),
        Some("sso")
    );
    assert_eq!(names(&file), ["default"]);
}

#[test]
fn fixture_aws_services_config() {
    let file = read_config("aws_services_config").unwrap();
    let services = file.services("my-services").unwrap();
    assert_eq!(
        services.sub("s3"),
        Some(&map(&[("endpoint_url", "https://localhost:5678/")]))
    );
    assert_eq!(
        services.sub("dynamodb"),
        Some(&map(&[("endpoint_url", "https://localhost:8888/")]))
    );
    let default = file.profile("default").unwrap();
    assert_eq!(default.get("endpoint_url"), Some("https://localhost:1234/"));
    assert_eq!(default.get("services"), Some("my-services"));
}

#[test]
fn fixture_aws_config_nocreds() {
    let file = read_config("aws_config_nocreds").unwrap();
    let default = file.profile("default").unwrap();
    assert_eq!(default.iter().count(), 1);
    assert_eq!(default.get("region"), Some("us-west-2"));
}

#[test]
fn fixture_foo_config() {
    let file = read_config("foo_config").unwrap();
    assert_eq!(
        file.profile("default").unwrap().get("foo_region"),
        Some("us-west-1")
    );
    assert_eq!(
        file.profile("foo").unwrap().get("aws_access_key_id"),
        Some("fie")
    );
}

#[test]
fn fixture_boto_configs() {
    let file = read_config("boto_config").unwrap();
    assert_eq!(names(&file), Vec::<&str>::new());
    let section = file.other_section("Credentials").unwrap();
    assert_eq!(section.get("aws_access_key_id"), Some("foo"));

    let empty = read_config("boto_config_empty").unwrap();
    assert!(empty.other_section("Credentials").unwrap().is_empty());

    // With boto_config_empty as the config file, asking for `default` fails.
    let env = Env::from_pairs([
        (
            CONFIG_FILE_ENV,
            fixture("boto_config_empty").to_str().unwrap(),
        ),
        (
            CREDENTIALS_FILE_ENV,
            fixture("does_not_exist").to_str().unwrap(),
        ),
    ]);
    let shared = SharedConfig::load(&env).unwrap();
    let err = shared.select_profile(&env, Some("default")).unwrap_err();
    assert!(
        matches!(err, ConfigError::ProfileNotFound { ref profile, .. } if profile == "default"),
        "{err}"
    );
    // ...while the implicit default may be missing.
    let active = shared.select_profile(&env, None).unwrap();
    assert_eq!((active.name.as_str(), active.profile), ("default", None));
}

#[test]
fn fixture_aws_credentials_legacy_format_is_not_ini() {
    let err = ProfileFile::read(&fixture("aws_credentials"), FileKind::Credentials).unwrap_err();
    assert!(
        matches!(err, ConfigError::Parse { ref error, .. } if error.line() == Some(1)),
        "{err}"
    );
}

#[test]
fn every_fixture_is_covered() {
    let covered = [
        "aws_bad_profile",
        "aws_config",
        "aws_config_bad",
        "aws_config_badbytes",
        "aws_config_nested",
        "aws_config_nested_bad",
        "aws_config_nocreds",
        "aws_config_other",
        "aws_credentials",
        "aws_services_config",
        "aws_sso_session_config",
        "aws_third_config",
        "boto_config",
        "boto_config_empty",
        "foo_config",
    ];
    let mut present: Vec<String> = std::fs::read_dir(vectors_dir().join("config-files"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    present.sort();
    assert_eq!(present, covered);
}

// ---- SharedConfig::load ----

fn env_for(dir: &TempDir, extra: &[(&str, &str)]) -> Env {
    let mut pairs = vec![("HOME".to_owned(), dir.path().to_str().unwrap().to_owned())];
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Env::from_pairs(pairs)
}

#[test]
fn load_uses_home_defaults() {
    let dir = TempDir::new();
    dir.write(
        ".aws/config",
        "[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-2\n",
    );
    dir.write(
        ".aws/credentials",
        "[dev]\naws_access_key_id = A\n[ci]\nx = 1\n",
    );
    let shared = SharedConfig::load(&env_for(&dir, &[])).unwrap();
    assert_eq!(
        shared.config_path(),
        Some(dir.path().join(".aws/config").as_path())
    );
    assert_eq!(shared.profile_names(), ["ci", "default", "dev"]);
    let dev = shared.profile("dev").unwrap();
    assert_eq!(dev.get("region"), Some("eu-west-2"));
    assert_eq!(dev.get("aws_access_key_id"), Some("A"));
    assert!(shared.has_profile("ci"));
    assert!(!shared.has_profile("nope"));
}

#[test]
fn credentials_file_values_win_over_config_values() {
    let shared = SharedConfig::parse(
        "[profile p]\nregion = from-config\nk = config\n",
        "[p]\nk = credentials\n",
    )
    .unwrap();
    let p = shared.profile("p").unwrap();
    assert_eq!(p.get("k"), Some("credentials"));
    assert_eq!(p.get("region"), Some("from-config"));
}

#[test]
fn load_honours_env_paths_with_expansion() {
    let dir = TempDir::new();
    dir.write("custom/cfg", "[profile x]\nregion = ap-south-1\n");
    dir.write("custom/creds", "[y]\naws_access_key_id = B\n");
    let env = env_for(
        &dir,
        &[
            ("AWS_CONFIG_FILE", "~/custom/cfg"),
            ("SUB", "custom"),
            ("AWS_SHARED_CREDENTIALS_FILE", "$HOME/${SUB}/creds"),
        ],
    );
    let shared = SharedConfig::load(&env).unwrap();
    assert_eq!(shared.profile_names(), ["x", "y"]);
    assert_eq!(
        shared.credentials_path(),
        Some(dir.path().join("custom/creds").as_path())
    );
}

#[test]
fn missing_files_and_no_home_are_empty() {
    let dir = TempDir::new();
    let shared = SharedConfig::load(&env_for(&dir, &[])).unwrap();
    assert!(shared.profile_names().is_empty());
    let shared = SharedConfig::load(&Env::empty()).unwrap();
    assert!(shared.profile_names().is_empty());
    assert_eq!(shared.config_path(), None);
    // An empty variable means "no file", even if the default exists.
    dir.write(".aws/config", "[default]\nregion = x\n");
    let shared = SharedConfig::load(&env_for(&dir, &[("AWS_CONFIG_FILE", "")])).unwrap();
    assert!(shared.profile_names().is_empty());
    // A directory where the file should be is skipped too.
    let shared = SharedConfig::load(&env_for(
        &dir,
        &[("AWS_CONFIG_FILE", dir.path().to_str().unwrap())],
    ))
    .unwrap();
    assert!(shared.profile_names().is_empty());
}

#[test]
fn malformed_files_are_errors_naming_the_file() {
    let dir = TempDir::new();
    let path = dir.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = A\nno delimiter here\n",
    );
    let err = SharedConfig::load(&env_for(&dir, &[])).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(path.to_str().unwrap()) && text.contains("line 3"),
        "{text}"
    );
    assert!(!text.contains("no delimiter here"), "{text}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new();
    let path = dir.write(".aws/config", "[default]\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reads, nothing to test.
        return;
    }
    let err = SharedConfig::load(&env_for(&dir, &[])).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
}

// ---- profile selection ----

#[test]
fn profile_selection_precedence() {
    let shared = SharedConfig::parse("[default]\n[profile a]\n[profile b]\n", "[c]\n").unwrap();
    let env = Env::from_pairs([("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "b")]);

    let active = shared.select_profile(&env, Some("c")).unwrap();
    assert_eq!(
        (active.name.as_str(), &active.source),
        ("c", &SettingSource::Session)
    );
    assert!(active.profile.is_some());

    let active = shared.select_profile(&env, None).unwrap();
    assert_eq!(active.name, "a");
    assert_eq!(active.source, SettingSource::Env("AWS_PROFILE".into()));

    let env = Env::from_pairs([("AWS_PROFILE", ""), ("AWS_DEFAULT_PROFILE", "b")]);
    assert_eq!(shared.select_profile(&env, None).unwrap().name, "b");

    let active = shared.select_profile(&Env::empty(), None).unwrap();
    assert_eq!(
        (active.name.as_str(), &active.source),
        ("default", &SettingSource::Default)
    );
}

#[test]
fn requested_profiles_must_exist() {
    let shared = SharedConfig::parse("[profile a]\n", "").unwrap();
    let err = shared
        .select_profile(&Env::empty(), Some("zzz"))
        .unwrap_err();
    match &err {
        ConfigError::ProfileNotFound {
            profile,
            source,
            available,
        } => {
            assert_eq!(profile, "zzz");
            assert_eq!(source, &SettingSource::Session);
            assert_eq!(available, &["a"]);
        }
        other => panic!("{other:?}"),
    }
    let env = Env::from_pairs([("AWS_PROFILE", "ghost")]);
    let err = shared.select_profile(&env, None).unwrap_err();
    assert!(err.to_string().contains("AWS_PROFILE"), "{err}");
}
