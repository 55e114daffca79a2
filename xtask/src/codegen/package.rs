//! What makes a crate publishable on crates.io beyond its code: the
//! keywords of a generated `Cargo.toml`, a generated crate's `README.md`, and
//! the `LICENSE` and `NOTICE` every published crate carries.
//!
//! Cargo packs only files inside the package directory (`include` cannot
//! reach outside it), so each published crate holds its own copy of the
//! root `LICENSE` and `NOTICE`. The copies are byte-for-byte identical, so
//! git stores each once however many crates there are; `regen` writes them
//! and `regen --check` keeps them in step with the root files.

use std::fs;
use std::path::{Path, PathBuf};

use super::CrateFiles;

/// The hand-written crates (`crates/<dir>`) that are published too: `regen`
/// keeps their `LICENSE` and `NOTICE` copies as it does a generated crate's.
pub const HAND_WRITTEN_PUBLISHED: [&str; 2] = ["core", "waiters"];

/// crates.io takes at most five keywords per crate.
const MAX_KEYWORDS: usize = 5;

/// `LICENSE` and `NOTICE` for a published crate: copies of the root files.
/// The root `NOTICE` must carry botocore's (`models/NOTICE`) verbatim, so a
/// botocore update that changes it is noticed.
pub fn legal_files(root: &Path) -> Result<CrateFiles, String> {
    let read = |rel: &str| fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"));
    let notice = read("NOTICE")?;
    let botocore = read("models/NOTICE")?;
    if !notice.contains(botocore.trim()) {
        return Err(
            "NOTICE does not include botocore's NOTICE (models/NOTICE) verbatim; \
             copy the new text into NOTICE"
                .to_string(),
        );
    }
    let mut files = CrateFiles::new();
    files.insert(PathBuf::from("LICENSE"), read("LICENSE")?.into());
    files.insert(PathBuf::from("NOTICE"), notice.into());
    Ok(files)
}

/// Whether crates.io accepts `word` as a keyword: at most 20 characters,
/// ASCII letters, digits, `-` and `_`, starting with a letter.
fn valid_keyword(word: &str) -> bool {
    (1..=20).contains(&word.len())
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `ApiGatewayManagementApi` → `Api`, `Gateway`, `Management`, `Api`;
/// `Route53GlobalResolver` → `Route53`, `Global`, `Resolver`.
fn camel_words(word: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in word.char_indices() {
        if c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            words.push(&word[start..i]);
            start = i;
        }
        prev = Some(c);
    }
    words.push(&word[start..]);
    words
}

/// A generated crate's keywords: `aws`, `sdk`, then the crate's service
/// name (`bedrock-runtime`), its parts (`bedrock`, `runtime`) and the words
/// of the model's `serviceId` (`CloudWatch Logs` → `cloudwatch`, `logs`),
/// each kept only if crates.io accepts it and not already there, at most
/// five in all. Names longer than 20 characters
/// (`route53-recovery-control-config`) thus still get their parts.
pub fn keywords(svc: &str, service_id: &str) -> Vec<String> {
    let id_words = service_id
        .split([' ', '-', '_'])
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            if valid_keyword(&w.to_ascii_lowercase()) {
                vec![w]
            } else {
                camel_words(w)
            }
        });
    let candidates = std::iter::once(svc)
        .chain(svc.split('-'))
        .chain(id_words)
        .map(str::to_ascii_lowercase);
    let mut out = vec!["aws".to_string(), "sdk".to_string()];
    for word in candidates {
        if out.len() == MAX_KEYWORDS {
            break;
        }
        if valid_keyword(&word) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// What a generated crate's README says about its service.
pub struct ReadmeFacts<'a> {
    /// Directory name under `crates/` (`sqs`).
    pub svc: &'a str,
    /// The model's `serviceFullName` (`Amazon Simple Queue Service`).
    pub full_name: &'a str,
    /// The model's `serviceId` (`SQS`).
    pub service_id: &'a str,
    /// The model's `apiVersion`.
    pub api_version: &'a str,
    /// The botocore version the models come from.
    pub botocore: &'a str,
}

/// A generated crate's `README.md`: what crates.io shows. Short, since
/// there is one per service; the crate documentation has the example and
/// the workspace README the rest.
pub fn readme(facts: &ReadmeFacts) -> String {
    let ReadmeFacts {
        svc,
        full_name,
        service_id,
        api_version,
        botocore,
    } = facts;
    let krate = svc.replace('-', "_");
    let name = if full_name == service_id {
        full_name.to_string()
    } else {
        format!("{full_name} ({service_id})")
    };
    format!(
        "<!-- Generated by `cargo xtask regen` from botocore models. DO NOT EDIT. -->
# myaws-{svc}

The {name} client of myaws, an AWS SDK for Rust in the spirit of
boto3/botocore's low-level clients: generated from botocore {botocore}'s model
of the service (API version {api_version}).

```sh
cargo add myaws-{svc}
```

Every operation is an async method on `myaws_{krate}::Client`, with typed
inputs, outputs and errors, and the service's waiters and paginators where
the model has them; the `blocking` feature adds a synchronous
`blocking::Client`. The crate documentation starts with an example, and
myaws's README covers sessions, configuration, credentials, retries and the
cargo features (`rustls` by default, `native-tls`, `http2`, `sigv4a`,
`blocking`).

Licensed under the Apache License 2.0 (`LICENSE`). The crate embeds data
derived from botocore's model of the service; botocore's notices are in
`NOTICE`.
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_follow_crates_io_rules() {
        assert_eq!(keywords("sqs", "SQS"), ["aws", "sdk", "sqs"]);
        assert_eq!(
            keywords("logs", "CloudWatch Logs"),
            ["aws", "sdk", "logs", "cloudwatch"]
        );
        assert_eq!(
            keywords("bedrock-runtime", "Bedrock Runtime"),
            ["aws", "sdk", "bedrock-runtime", "bedrock", "runtime"]
        );
        // Longer than 20 characters: its parts instead.
        assert_eq!(
            keywords(
                "route53-recovery-control-config",
                "Route53 Recovery Control Config"
            ),
            ["aws", "sdk", "route53", "recovery", "control"]
        );
        // "sdk" is already there.
        assert_eq!(
            keywords("chime-sdk-media-pipelines", "Chime SDK Media Pipelines"),
            ["aws", "sdk", "chime", "media", "pipelines"]
        );
        // One long word: the serviceId's camel-case words.
        assert_eq!(
            keywords("apigatewaymanagementapi", "ApiGatewayManagementApi"),
            ["aws", "sdk", "api", "gateway", "management"]
        );
        assert_eq!(
            keywords("route53globalresolver", "Route53GlobalResolver"),
            ["aws", "sdk", "route53", "global", "resolver"]
        );
        assert_eq!(
            keywords(
                "marketplacecommerceanalytics",
                "Marketplace Commerce Analytics"
            ),
            ["aws", "sdk", "marketplace", "commerce", "analytics"]
        );
    }

    #[test]
    fn keyword_validity() {
        assert!(valid_keyword("s3"));
        assert!(valid_keyword("sso-oidc"));
        assert!(valid_keyword("a2345678901234567890"));
        assert!(!valid_keyword("a23456789012345678901"));
        assert!(!valid_keyword("2fa"));
        assert!(!valid_keyword("a.b"));
        assert!(!valid_keyword(""));
    }

    #[test]
    fn readme_names_the_crate_and_its_licence() {
        let text = readme(&ReadmeFacts {
            svc: "sso-oidc",
            full_name: "AWS SSO OIDC",
            service_id: "SSO OIDC",
            api_version: "2019-06-10",
            botocore: "1.2.3",
        });
        assert!(text.contains("# myaws-sso-oidc\n"), "{text}");
        assert!(
            text.contains("The AWS SSO OIDC (SSO OIDC) client"),
            "{text}"
        );
        assert!(text.contains("`myaws_sso_oidc::Client`"), "{text}");
        assert!(text.contains("botocore 1.2.3's model"), "{text}");
        assert!(text.contains("`LICENSE`") && text.contains("`NOTICE`"));
    }

    #[test]
    fn root_notice_carries_botocores() {
        let files = legal_files(&crate::workspace_root()).unwrap();
        assert!(String::from_utf8_lossy(&files[Path::new("LICENSE")]).contains("Apache License"));
        assert!(String::from_utf8_lossy(&files[Path::new("NOTICE")]).contains("Botocore"));
    }
}
