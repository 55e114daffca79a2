//! A DNS resolver with overrides: host names equal to or ending in a
//! configured suffix resolve to a fixed address (so virtual-hosted S3 names
//! such as `bucket.s3.localhost.localstack.cloud` reach a local server);
//! everything else goes to the system resolver.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};

/// Host suffix → address overrides, checked in order.
#[derive(Clone, Debug)]
pub struct OverrideResolver {
    overrides: Arc<[(String, IpAddr)]>,
    system: GaiResolver,
}

impl OverrideResolver {
    /// A resolver with `overrides` (suffixes compared without case).
    pub fn new(overrides: &[(String, IpAddr)]) -> Self {
        OverrideResolver {
            overrides: overrides
                .iter()
                .map(|(s, ip)| (s.trim_start_matches('.').to_ascii_lowercase(), *ip))
                .collect(),
            system: GaiResolver::new(),
        }
    }

    /// The override for `host`, if one applies.
    pub fn lookup(&self, host: &str) -> Option<IpAddr> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.overrides.iter().find_map(|(suffix, ip)| {
            let hit = host == *suffix
                || host
                    .strip_suffix(suffix.as_str())
                    .is_some_and(|rest| rest.ends_with('.'));
            hit.then_some(*ip)
        })
    }
}

type Addrs = std::vec::IntoIter<SocketAddr>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl tower_service::Service<Name> for OverrideResolver {
    type Response = Addrs;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Addrs, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.system.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        if let Some(ip) = self.lookup(name.as_str()) {
            // The connector puts the URI's port on the address.
            return Box::pin(std::future::ready(Ok(
                vec![SocketAddr::new(ip, 0)].into_iter()
            )));
        }
        let lookup = self.system.call(name);
        Box::pin(async move {
            let addrs = lookup.await?;
            Ok(addrs.collect::<Vec<_>>().into_iter())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_match_whole_labels() {
        let r = OverrideResolver::new(&[
            (
                "localhost.localstack.cloud".into(),
                "127.0.0.1".parse().unwrap(),
            ),
            (".example.test".into(), "127.0.0.2".parse().unwrap()),
        ]);
        let ip = |h: &str| r.lookup(h).map(|ip| ip.to_string());
        assert_eq!(
            ip("localhost.localstack.cloud").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            ip("bucket.s3.LOCALHOST.localstack.cloud.").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(ip("a.b.example.test").as_deref(), Some("127.0.0.2"));
        assert_eq!(ip("notlocalhost.localstack.cloud"), None);
        assert_eq!(ip("example.org"), None);
    }
}
