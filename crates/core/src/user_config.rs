//! Everything a [`Session`] or [`ClientConfig`]
//! is configured with, in one place. Every service crate re-exports this
//! module as `config` (`myaws_sqs::config::RetryMode`), so a program that
//! depends on one service crate never names `myaws-core`.

pub use crate::auth::SignatureVersion;
pub use crate::checksum::{RequestChecksumCalculation, ResponseChecksumValidation};
pub use crate::config::{Env, Profile, RetryConfig, RetryMode, SharedConfig};
pub use crate::credentials::{
    AssumeRoleProvider, ContainerProvider, Credentials, CredentialsError, DefaultChain,
    EnvironmentProvider, ImdsProvider, LoginProvider, MfaTokenProvider, ProcessProvider,
    ProfileProvider, ProvideCredentials, ProviderContext, SsoProvider, WebIdentityProvider,
};
pub use crate::discovery::EndpointDiscovery;
pub use crate::http::{
    HttpTransport, HyperTransport, PoolSettings, ProxyConfig, SharedTransport,
    StalledStreamProtection,
};
pub use crate::retry::Clock;
pub use crate::session::{ClientConfig, Session, SessionBuilder};
pub use crate::stub::Stubber;
pub use crate::time::TimeSource;
pub use crate::token::{ProvideToken, TokenChain};
