//! [`ProcessProvider`]: credentials printed by an external command
//! (`credential_process`), as botocore's `ProcessProvider`.

use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::Value as Json;

use super::{Credentials, CredentialsError, CredentialsFuture, ProvideCredentials};
use crate::time::DateTime;

/// Largest output read from the command.
const MAX_STDOUT: u64 = 1 << 20;
/// Largest part of its standard error kept for the error message.
const MAX_STDERR: u64 = 16 << 10;

/// Runs the profile's `credential_process` and reads the Version 1 JSON it
/// prints: `AccessKeyId`, `SecretAccessKey`, optional `SessionToken`,
/// `Expiration` (ISO 8601) and `AccountId`.
///
/// The command line is split as a POSIX shell would split words (quotes and
/// backslashes), without running a shell, as botocore does. It runs on
/// tokio's blocking pool; a command that fails gives an error naming the
/// profile with what the command wrote to standard error.
#[derive(Debug, Clone)]
pub struct ProcessProvider {
    profile: String,
    command: String,
    account_id: Option<String>,
}

impl ProcessProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "custom-process";

    /// Runs `command` for profile `profile`; `account_id` is the profile's
    /// `aws_account_id`, used when the output has no `AccountId`.
    pub fn new(profile: &str, command: &str, account_id: Option<String>) -> Self {
        ProcessProvider {
            profile: profile.to_owned(),
            command: command.to_owned(),
            account_id,
        }
    }

    fn error(&self, message: String) -> CredentialsError {
        CredentialsError::Provider {
            provider: Self::NAME,
            profile: Some(self.profile.clone()),
            message,
            source: None,
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let words = split_command(&self.command).ok_or_else(|| {
            self.error(format!(
                "credential_process `{}` has an unterminated quote",
                self.command
            ))
        })?;
        if words.is_empty() {
            return Err(self.error("credential_process is empty".to_owned()));
        }
        let run = tokio::task::spawn_blocking(move || run(&words))
            .await
            .map_err(|e| self.error(format!("credential_process task failed: {e}")))?;
        let output = run.map_err(|e| self.error(e))?;
        self.parse(&output)
    }

    /// Credentials from the command's standard output.
    fn parse(&self, stdout: &str) -> Result<Credentials, CredentialsError> {
        let doc: Json = serde_json::from_str(stdout)
            .map_err(|e| self.error(format!("credential_process printed invalid JSON: {e}")))?;
        match doc.get("Version") {
            Some(v) if v.as_i64() == Some(1) => {}
            Some(other) => {
                return Err(self.error(format!(
                    "unsupported Version {other} in the credential_process output; supported versions: 1"
                )))
            }
            None => {
                return Err(self.error(
                    "the credential_process output has no Version (supported versions: 1)"
                        .to_owned(),
                ))
            }
        }
        let text = |key: &str| {
            doc.get(key)
                .and_then(Json::as_str)
                .filter(|v| !v.is_empty())
        };
        let required = |key: &str| {
            text(key)
                .ok_or_else(|| self.error(format!("the credential_process output has no {key}")))
        };
        let expires_at = match text("Expiration") {
            Some(raw) => Some(DateTime::parse(raw).ok_or_else(|| {
                self.error(format!(
                    "the credential_process output has an unreadable Expiration {raw:?}"
                ))
            })?),
            None => None,
        };
        Ok(Credentials::new(
            required("AccessKeyId")?,
            required("SecretAccessKey")?,
            text("SessionToken").map(str::to_owned),
            expires_at,
        )
        .with_account_id(
            text("AccountId")
                .map(str::to_owned)
                .or_else(|| self.account_id.clone()),
        )
        .with_provider_name(Self::NAME))
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// Runs the command and returns its standard output, or an error with its
/// exit status and standard error.
fn run(words: &[String]) -> Result<String, String> {
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run credential_process `{}`: {e}", words[0]))?;
    let stderr = child.stderr.take();
    let stderr_reader = std::thread::spawn(move || {
        let mut kept = Vec::new();
        if let Some(mut stderr) = stderr {
            let _ = (&mut stderr).take(MAX_STDERR).read_to_end(&mut kept);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        }
        kept
    });
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        let _ = out.take(MAX_STDOUT + 1).read_to_end(&mut stdout);
    }
    if stdout.len() as u64 > MAX_STDOUT {
        let _ = child.kill();
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for credential_process: {e}"))?;
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        return Err(format!(
            "credential_process `{}` failed ({status}): {}",
            words[0],
            stderr.trim()
        ));
    }
    if stdout.len() as u64 > MAX_STDOUT {
        return Err(format!(
            "credential_process printed more than {MAX_STDOUT} bytes"
        ));
    }
    String::from_utf8(stdout).map_err(|_| "credential_process printed invalid UTF-8".to_owned())
}

/// Splits a command line into words as a POSIX shell does (Python's
/// `shlex.split`): whitespace separates words; single quotes keep text as
/// is; double quotes keep text but let a backslash escape `"`, `\`, `$` and
/// `` ` ``; elsewhere a backslash escapes the next character. `None` for an
/// unterminated quote.
pub(crate) fn split_command(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            '\n' => {}
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(c) => word.push(c),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_shlex() {
        let cases: [(&str, &[&str]); 7] = [
            (
                "/bin/creds --profile dev",
                &["/bin/creds", "--profile", "dev"],
            ),
            ("  a   b  ", &["a", "b"]),
            ("'/path with space/x' 'a b'", &["/path with space/x", "a b"]),
            (r#""a \"q\" \$x \n""#, &[r#"a "q" $x \n"#]),
            (r"a\ b c", &["a b", "c"]),
            ("x''y", &["xy"]),
            ("''", &[""]),
        ];
        for (line, words) in cases {
            assert_eq!(split_command(line).unwrap(), words, "{line}");
        }
        assert_eq!(split_command("'open"), None);
        assert_eq!(split_command("\"open"), None);
    }

    #[test]
    fn parses_version_1_output() {
        let p = ProcessProvider::new("dev", "x", Some("999".into()));
        let c = p
            .parse(
                r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T",
                    "Expiration":"2040-01-01T00:00:00Z"}"#,
            )
            .unwrap();
        assert_eq!(
            (c.access_key_id(), c.session_token(), c.account_id()),
            ("A", Some("T"), Some("999"))
        );
        assert_eq!(c.provider_name(), "custom-process");
        for (bad, needle) in [
            (r#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#, "Version"),
            (
                r#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}"#,
                "Version 2",
            ),
            (r#"{"Version":1,"SecretAccessKey":"S"}"#, "AccessKeyId"),
            (
                r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"x"}"#,
                "Expiration",
            ),
            ("nope", "invalid JSON"),
        ] {
            let err = p.parse(bad).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(needle) && text.contains("`dev`"), "{text}");
        }
    }
}
