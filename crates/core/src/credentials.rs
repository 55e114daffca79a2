//! AWS credentials and the providers that find them.
//!
//! * [`Credentials`]: an access key pair, an optional session token and
//!   expiry. Its `Debug` never shows the secret key or the token.
//! * [`ProvideCredentials`]: the async provider interface.
//! * Providers: [`StaticProvider`], [`EnvironmentProvider`]
//!   (`AWS_ACCESS_KEY_ID`, …), [`ProfileProvider`] (the shared credentials
//!   file, then the shared config file), and [`DefaultChain`] (environment,
//!   then profile).
//!
//! Providers that need a network call (assume-role, web identity, SSO,
//! container and instance metadata) are not implemented yet: a profile that
//! needs one yields [`CredentialsError::Unsupported`] instead of silently
//! falling through to other credentials.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use crate::config::{Env, Profile, SharedConfig};
use crate::time::DateTime;

/// An AWS access key pair with an optional session token and expiry time.
///
/// Fields are private; `Debug` shows the access key id, whether a token is
/// present, the expiry and the provider, and never the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expires_at: Option<DateTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts. `provider_name` is `"static"`; change it
    /// with [`with_provider_name`](Credentials::with_provider_name).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at: Option<DateTime>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expires_at,
            provider_name: "static",
        }
    }

    /// The same credentials labelled as coming from `provider_name`.
    pub fn with_provider_name(mut self, provider_name: &'static str) -> Self {
        self.provider_name = provider_name;
        self
    }

    /// The access key id (`AKIA…`/`ASIA…`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials stop working, if known.
    pub fn expires_at(&self) -> Option<DateTime> {
        self.expires_at
    }

    /// Which provider produced these credentials (`"env"`,
    /// `"shared-credentials-file"`, …).
    pub fn provider_name(&self) -> &'static str {
        self.provider_name
    }

    /// Whether the credentials have expired at `now`.
    pub fn is_expired_at(&self, now: DateTime) -> bool {
        self.expires_at.is_some_and(|expiry| expiry <= now)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Credentials");
        debug
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **");
        if self.session_token.is_some() {
            debug.field("session_token", &"** redacted **");
        }
        debug
            .field("expires_at", &self.expires_at)
            .field("provider_name", &self.provider_name)
            .finish()
    }
}

/// Why credentials could not be provided.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No provider had credentials; `tried` describes each place looked at.
    NotFound {
        /// Human-readable descriptions of the places tried, in order.
        tried: Vec<String>,
    },
    /// Credentials were found but a required part is missing.
    Incomplete {
        /// The provider that found them.
        provider: &'static str,
        /// The missing variable or key.
        missing: String,
        /// Where the other parts were found.
        location: String,
    },
    /// The profile needs a kind of provider that is not implemented yet.
    Unsupported {
        /// Where the configuration was found (a profile or the environment).
        location: String,
        /// What kind of credentials it asks for.
        kind: String,
        /// The settings that ask for it.
        keys: Vec<String>,
    },
    /// A value is present but unusable (e.g. a bad expiry timestamp).
    Invalid {
        /// The provider.
        provider: &'static str,
        /// The variable or key.
        setting: String,
        /// Why it is unusable.
        reason: String,
    },
    /// Any other failure of a (custom) provider.
    Provider {
        /// The provider's name.
        provider: &'static str,
        /// What went wrong.
        message: String,
        /// The underlying error, if any.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl CredentialsError {
    /// Whether this is [`NotFound`](CredentialsError::NotFound), i.e. a chain
    /// may go on to the next provider.
    pub fn is_not_found(&self) -> bool {
        matches!(self, CredentialsError::NotFound { .. })
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound { tried } => {
                f.write_str("no AWS credentials found")?;
                if !tried.is_empty() {
                    write!(f, "; tried: {}", tried.join("; "))?;
                }
                Ok(())
            }
            CredentialsError::Incomplete {
                provider,
                missing,
                location,
            } => write!(
                f,
                "partial credentials found in {location} ({provider}): {missing} is missing"
            ),
            CredentialsError::Unsupported { location, kind, keys } => write!(
                f,
                "{location} asks for {kind} credentials ({}), which myaws does not support yet; \
                 use static keys (aws_access_key_id/aws_secret_access_key) or set credentials in code",
                keys.join(", ")
            ),
            CredentialsError::Invalid {
                provider,
                setting,
                reason,
            } => write!(f, "invalid {setting} ({provider}): {reason}"),
            CredentialsError::Provider {
                provider, message, ..
            } => write!(f, "credentials provider {provider} failed: {message}"),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Provider {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// The future a [`ProvideCredentials`] implementation returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that can produce credentials, possibly asynchronously.
///
/// Implementations must keep secrets out of their `Debug` output.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Produces credentials, or says why it cannot.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Always returns the same credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// Wraps fixed credentials.
    pub fn new(credentials: Credentials) -> Self {
        StaticProvider { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let credentials = self.credentials.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`
/// (or the older `AWS_SECURITY_TOKEN`) and `AWS_CREDENTIAL_EXPIRATION`
/// (ISO 8601) from an [`Env`] snapshot.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "env";

    /// Reads from `env`.
    pub fn new(env: Env) -> Self {
        EnvironmentProvider { env }
    }

    /// The synchronous lookup behind the async interface.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some(access_key_id) = self.env.get_non_empty("AWS_ACCESS_KEY_ID") else {
            return Err(CredentialsError::NotFound {
                tried: vec!["environment variables (AWS_ACCESS_KEY_ID not set)".to_owned()],
            });
        };
        let Some(secret) = self.env.get_non_empty("AWS_SECRET_ACCESS_KEY") else {
            return Err(CredentialsError::Incomplete {
                provider: Self::NAME,
                missing: "AWS_SECRET_ACCESS_KEY".to_owned(),
                location: "the environment".to_owned(),
            });
        };
        let token = self
            .env
            .get_non_empty("AWS_SESSION_TOKEN")
            .or_else(|| self.env.get_non_empty("AWS_SECURITY_TOKEN"))
            .map(str::to_owned);
        let expires_at = match self.env.get_non_empty("AWS_CREDENTIAL_EXPIRATION") {
            Some(raw) => Some(
                DateTime::parse(raw).ok_or_else(|| CredentialsError::Invalid {
                    provider: Self::NAME,
                    setting: "AWS_CREDENTIAL_EXPIRATION".to_owned(),
                    reason: format!("{raw:?} is not an ISO 8601 timestamp"),
                })?,
            ),
            None => None,
        };
        Ok(Credentials::new(access_key_id, secret, token, expires_at)
            .with_provider_name(Self::NAME))
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }
}

/// Static keys from a profile: `aws_access_key_id`, `aws_secret_access_key`
/// and `aws_session_token` (or `aws_security_token`), looked up first in the
/// shared credentials file and then in the shared config file.
///
/// A profile configured for assume-role, web identity, SSO, `login_session`
/// or `credential_process` gives [`CredentialsError::Unsupported`], in the
/// order botocore would have tried those providers.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    shared: Arc<SharedConfig>,
    profile: String,
}

/// Keys that make a profile need a provider that is not implemented yet,
/// with a name for that kind, in botocore's order of precedence.
const UNSUPPORTED_BEFORE_STATIC: [(&str, &[&str]); 4] = [
    (
        "web identity (AssumeRoleWithWebIdentity)",
        &["web_identity_token_file"],
    ),
    ("assume-role", &["role_arn"]),
    (
        "SSO",
        &[
            "sso_session",
            "sso_start_url",
            "sso_account_id",
            "sso_role_name",
        ],
    ),
    ("login session", &["login_session"]),
];

impl ProfileProvider {
    /// Reads the profile `profile` of `shared`.
    pub fn new(shared: Arc<SharedConfig>, profile: impl Into<String>) -> Self {
        ProfileProvider {
            shared,
            profile: profile.into(),
        }
    }

    /// The synchronous lookup behind the async interface.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = &self.profile;
        if let Some(merged) = self.shared.profile(name) {
            let location = format!("profile `{name}`");
            for (kind, keys) in UNSUPPORTED_BEFORE_STATIC {
                let present: Vec<String> = keys
                    .iter()
                    .filter(|key| merged.contains_key(key))
                    .map(|key| (*key).to_owned())
                    .collect();
                if !present.is_empty() {
                    return Err(CredentialsError::Unsupported {
                        location,
                        kind: kind.to_owned(),
                        keys: present,
                    });
                }
            }
            let credentials_file = self.shared.credentials_file().profile(name);
            if let Some(found) = static_keys(
                credentials_file,
                "shared-credentials-file",
                &self.file_label(true),
            )? {
                return Ok(found);
            }
            if merged.contains_key("credential_process") {
                return Err(CredentialsError::Unsupported {
                    location,
                    kind: "external process (credential_process)".to_owned(),
                    keys: vec!["credential_process".to_owned()],
                });
            }
            let config_file = self.shared.config_file().profile(name);
            if let Some(found) = static_keys(config_file, "config-file", &self.file_label(false))? {
                return Ok(found);
            }
        }
        Err(CredentialsError::NotFound {
            tried: vec![
                format!("{} (no keys in profile `{name}`)", self.file_label(true)),
                format!("{} (no keys in profile `{name}`)", self.file_label(false)),
            ],
        })
    }

    /// "shared credentials file /path" or "shared config file /path".
    fn file_label(&self, credentials: bool) -> String {
        let (what, path) = if credentials {
            ("shared credentials file", self.shared.credentials_path())
        } else {
            ("shared config file", self.shared.config_path())
        };
        match path {
            Some(path) => format!("{what} {}", display(path)),
            None => what.to_owned(),
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Static keys from one file's profile: `Ok(None)` when it has no access key.
fn static_keys(
    profile: Option<&Profile>,
    provider: &'static str,
    file: &str,
) -> Result<Option<Credentials>, CredentialsError> {
    let Some(profile) = profile else {
        return Ok(None);
    };
    let value = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
    let Some(access_key_id) = value("aws_access_key_id") else {
        return Ok(None);
    };
    let Some(secret) = value("aws_secret_access_key") else {
        return Err(CredentialsError::Incomplete {
            provider,
            missing: "aws_secret_access_key".to_owned(),
            location: format!("profile `{}` of the {file}", profile.name()),
        });
    };
    let token = value("aws_session_token")
        .or_else(|| value("aws_security_token"))
        .map(str::to_owned);
    Ok(Some(
        Credentials::new(access_key_id, secret, token, None).with_provider_name(provider),
    ))
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }
}

/// The default chain: environment variables, then the active profile.
///
/// When the profile was chosen explicitly in code, the environment is skipped
/// (as botocore does), so the named profile's credentials are used. Any error
/// other than "not found" stops the chain; if every step finds nothing, the
/// error lists everything that was tried.
#[derive(Debug, Clone)]
pub struct DefaultChain {
    env: Option<EnvironmentProvider>,
    web_identity_env: Env,
    profile: ProfileProvider,
}

impl DefaultChain {
    /// A chain over `env` and the profile `profile` of `shared`.
    /// `use_env` is false when the profile was set explicitly in code.
    pub fn new(
        env: Env,
        shared: Arc<SharedConfig>,
        profile: impl Into<String>,
        use_env: bool,
    ) -> Self {
        DefaultChain {
            env: use_env.then(|| EnvironmentProvider::new(env.clone())),
            web_identity_env: env,
            profile: ProfileProvider::new(shared, profile),
        }
    }

    /// The synchronous lookup behind the async interface.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut tried = Vec::new();
        if let Some(env) = &self.env {
            match env.load() {
                Err(CredentialsError::NotFound { tried: more }) => tried.extend(more),
                other => return other,
            }
        }
        let env = &self.web_identity_env;
        if env.get_non_empty("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
            && env.get_non_empty("AWS_ROLE_ARN").is_some()
        {
            return Err(CredentialsError::Unsupported {
                location: "the environment".to_owned(),
                kind: "web identity (AssumeRoleWithWebIdentity)".to_owned(),
                keys: vec![
                    "AWS_WEB_IDENTITY_TOKEN_FILE".to_owned(),
                    "AWS_ROLE_ARN".to_owned(),
                ],
            });
        }
        match self.profile.load() {
            Err(CredentialsError::NotFound { tried: more }) => tried.extend(more),
            other => return other,
        }
        tried.push("container and instance metadata credentials (not supported yet)".to_owned());
        Err(CredentialsError::NotFound { tried })
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    fn shared(config: &str, credentials: &str) -> Arc<SharedConfig> {
        Arc::new(SharedConfig::parse(config, credentials).expect("parse"))
    }

    #[test]
    fn debug_never_prints_secret_or_token() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("FwoGZXIvYXdzEXAMPLETOKEN".into()),
            Some(DateTime::from_secs(1_700_000_000)),
        );
        for shown in [
            format!("{creds:?}"),
            format!("{creds:#?}"),
            format!("{:?}", StaticProvider::new(creds.clone())),
        ] {
            assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
            assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
            assert!(!shown.contains("FwoGZXIvYXdz"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        assert_eq!(
            creds.secret_access_key(),
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        );
        assert_eq!(creds.session_token(), Some("FwoGZXIvYXdzEXAMPLETOKEN"));
        assert!(creds.is_expired_at(DateTime::from_secs(1_700_000_000)));
        assert!(!creds.is_expired_at(DateTime::from_secs(1_699_999_999)));
    }

    #[test]
    fn static_provider_returns_its_credentials() {
        let creds = Credentials::new("a", "b", None, None);
        let got = block_on(StaticProvider::new(creds.clone()).provide_credentials()).unwrap();
        assert_eq!(got, creds);
        assert_eq!(got.provider_name(), "static");
    }

    #[test]
    fn environment_provider() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SECURITY_TOKEN", "OLD"),
            ("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z"),
        ]);
        let got = block_on(EnvironmentProvider::new(env).provide_credentials()).unwrap();
        assert_eq!(got.access_key_id(), "AKID");
        assert_eq!(got.secret_access_key(), "SECRET");
        assert_eq!(got.session_token(), Some("OLD"));
        assert_eq!(
            got.expires_at().map(|t| t.to_iso8601()).as_deref(),
            Some("2030-01-02T03:04:05Z")
        );
        assert_eq!(got.provider_name(), "env");

        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_SESSION_TOKEN", "NEW"),
            ("AWS_SECURITY_TOKEN", "OLD"),
        ]);
        assert_eq!(
            EnvironmentProvider::new(env)
                .load()
                .unwrap()
                .session_token(),
            Some("NEW")
        );

        let missing = EnvironmentProvider::new(Env::empty()).load().unwrap_err();
        assert!(missing.is_not_found());

        let partial = EnvironmentProvider::new(Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]))
            .load()
            .unwrap_err();
        assert!(
            matches!(partial, CredentialsError::Incomplete { ref missing, .. } if missing == "AWS_SECRET_ACCESS_KEY"),
            "{partial}"
        );

        let bad_time = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_CREDENTIAL_EXPIRATION", "soon"),
        ]);
        assert!(matches!(
            EnvironmentProvider::new(bad_time).load(),
            Err(CredentialsError::Invalid { .. })
        ));
    }

    #[test]
    fn profile_provider_prefers_credentials_file() {
        let shared = shared(
            "[profile dev]\naws_access_key_id = CFG\naws_secret_access_key = CFGSECRET\n\
             [profile cfgonly]\naws_access_key_id = C2\naws_secret_access_key = S2\naws_session_token = T2\n",
            "[dev]\naws_access_key_id = CRED\naws_secret_access_key = CREDSECRET\n",
        );
        let dev = ProfileProvider::new(shared.clone(), "dev").load().unwrap();
        assert_eq!(
            (dev.access_key_id(), dev.secret_access_key()),
            ("CRED", "CREDSECRET")
        );
        assert_eq!(dev.provider_name(), "shared-credentials-file");

        let cfg = ProfileProvider::new(shared.clone(), "cfgonly")
            .load()
            .unwrap();
        assert_eq!(
            (cfg.access_key_id(), cfg.session_token()),
            ("C2", Some("T2"))
        );
        assert_eq!(cfg.provider_name(), "config-file");

        let none = ProfileProvider::new(shared, "absent").load().unwrap_err();
        assert!(none.is_not_found());
        assert!(none.to_string().contains("profile `absent`"), "{none}");
    }

    #[test]
    fn profile_provider_reports_partial_keys() {
        let shared = shared("", "[default]\naws_access_key_id = A\n");
        let err = ProfileProvider::new(shared, "default").load().unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("aws_secret_access_key") && text.contains("profile `default`"),
            "{text}"
        );
    }

    #[test]
    fn unsupported_profiles_say_so() {
        let cases = [
            (
                "role_arn = arn:aws:iam::1:role/r\nsource_profile = default\n",
                "assume-role",
            ),
            (
                "role_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = /t\n",
                "web identity",
            ),
            ("sso_session = corp\nsso_account_id = 1\n", "SSO"),
            ("sso_start_url = https://x\n", "SSO"),
            ("credential_process = /bin/creds\n", "credential_process"),
            ("login_session = arn:aws:iam::1:user/u\n", "login session"),
        ];
        for (body, kind) in cases {
            let shared = shared(&format!("[profile p]\n{body}"), "");
            let err = ProfileProvider::new(shared, "p").load().unwrap_err();
            assert!(
                matches!(err, CredentialsError::Unsupported { .. }),
                "{body}: {err}"
            );
            let text = err.to_string();
            assert!(
                text.contains(kind) && text.contains("not support"),
                "{text}"
            );
        }
        // Static keys in the credentials file win over credential_process.
        let shared = shared(
            "[profile p]\ncredential_process = /bin/creds\n",
            "[p]\naws_access_key_id = A\naws_secret_access_key = S\n",
        );
        assert_eq!(
            ProfileProvider::new(shared, "p")
                .load()
                .unwrap()
                .access_key_id(),
            "A"
        );
        // ...but role_arn wins over static keys, as in botocore.
        let shared = shared_role();
        assert!(matches!(
            ProfileProvider::new(shared, "p").load(),
            Err(CredentialsError::Unsupported { .. })
        ));
    }

    fn shared_role() -> Arc<SharedConfig> {
        shared(
            "[profile p]\nrole_arn = arn:aws:iam::1:role/r\n",
            "[p]\naws_access_key_id = A\naws_secret_access_key = S\n",
        )
    }

    #[test]
    fn default_chain_order_and_not_found_message() {
        let files = shared(
            "",
            "[default]\naws_access_key_id = FILE\naws_secret_access_key = S\n",
        );
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")]);

        let chain = DefaultChain::new(env.clone(), files.clone(), "default", true);
        assert_eq!(
            block_on(chain.provide_credentials())
                .unwrap()
                .access_key_id(),
            "ENV"
        );

        let explicit_profile = DefaultChain::new(env, files.clone(), "default", false);
        assert_eq!(explicit_profile.load().unwrap().access_key_id(), "FILE");

        let empty = DefaultChain::new(Env::empty(), files, "other", true);
        let err = empty.load().unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("no AWS credentials found"), "{text}");
        for part in [
            "environment variables",
            "shared credentials file",
            "shared config file",
            "profile `other`",
            "instance metadata",
        ] {
            assert!(text.contains(part), "missing {part:?} in {text}");
        }
    }

    #[test]
    fn default_chain_flags_web_identity_from_env() {
        let env = Env::from_pairs([
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
        ]);
        let chain = DefaultChain::new(env, Arc::new(SharedConfig::empty()), "default", true);
        assert!(matches!(
            chain.load(),
            Err(CredentialsError::Unsupported { .. })
        ));
    }
}
