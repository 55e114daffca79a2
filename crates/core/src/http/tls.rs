//! TLS for the connector, by cargo feature: rustls (default) or the
//! platform's library (`native-tls`). A build with neither speaks plain HTTP
//! only.
//!
//! With rustls, a CA bundle's certificates are trust anchors the way OpenSSL
//! (curl, botocore) treats them: a server presenting exactly one of them as
//! its own certificate is trusted even when it is marked as a CA, which
//! `openssl req -x509` does by default and webpki alone refuses
//! (`CaUsedAsEndEntity`). Its name and validity period are still checked.

use std::path::Path;

#[cfg(any(feature = "rustls", feature = "native-tls"))]
use tokio::io::{AsyncRead, AsyncWrite};

/// What the connector wraps streams in.
#[derive(Clone)]
pub(crate) struct TlsConnector {
    #[cfg(feature = "rustls")]
    inner: tokio_rustls::TlsConnector,
    #[cfg(all(not(feature = "rustls"), feature = "native-tls"))]
    inner: tokio_native_tls::TlsConnector,
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsConnector")
    }
}

/// A boxed byte stream (TCP, TLS, TLS inside a proxy's TLS).
pub(crate) trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Io for T {}

/// A boxed stream.
pub(crate) type BoxIo = Box<dyn Io>;

/// True when this build can speak TLS.
pub(crate) const TLS_AVAILABLE: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// The error of a CA bundle in a build without TLS.
const NO_TLS_FOR_CA_BUNDLE: &str = "a CA bundle was configured but this build has no TLS support";

/// A CA bundle's connector, built on the first TLS connection and kept.
#[derive(Debug)]
pub(crate) struct LazyBundle {
    path: std::path::PathBuf,
    built: std::sync::OnceLock<Result<Option<TlsConnector>, String>>,
}

impl LazyBundle {
    /// A bundle at `path`; only a cheap check now (readable, holds a PEM
    /// certificate), so a wrong path or file fails the client's creation.
    pub(crate) fn new(path: &Path) -> Result<LazyBundle, String> {
        if !TLS_AVAILABLE {
            return Err(NO_TLS_FOR_CA_BUNDLE.into());
        }
        let text = std::fs::read(path).map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
        let marker = b"-----BEGIN CERTIFICATE-----";
        if !text.windows(marker.len()).any(|w| w == marker) {
            return Err(format!(
                "CA bundle {} holds no certificates",
                path.display()
            ));
        }
        Ok(LazyBundle {
            path: path.to_path_buf(),
            built: std::sync::OnceLock::new(),
        })
    }

    /// The connector trusting the bundle's certificates (only those).
    pub(crate) fn connector(&self) -> Result<Option<TlsConnector>, String> {
        self.built
            .get_or_init(|| TlsConnector::new(Some(&self.path)))
            .clone()
    }
}

impl TlsConnector {
    /// A connector trusting the PEM certificates in `ca_bundle` (only those,
    /// as botocore), or without one the system's roots.
    pub(crate) fn new(ca_bundle: Option<&Path>) -> Result<Option<TlsConnector>, String> {
        build(ca_bundle)
    }

    /// The connector trusting the system's roots, built on first use and
    /// shared by the whole process: reading and parsing the system's
    /// certificates is most of a client's creation cost otherwise, and
    /// plain-HTTP endpoints never need it.
    pub(crate) fn system() -> Result<Option<TlsConnector>, String> {
        static SYSTEM: std::sync::OnceLock<Result<Option<TlsConnector>, String>> =
            std::sync::OnceLock::new();
        SYSTEM.get_or_init(|| build(None)).clone()
    }

    /// The TLS handshake with `host` over `io`; the stream and whether the
    /// server chose HTTP/2 (ALPN).
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    pub(crate) async fn connect<S>(&self, host: &str, io: S) -> std::io::Result<(BoxIo, bool)>
    where
        S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        #[cfg(feature = "rustls")]
        {
            let name = rustls::pki_types::ServerName::try_from(host.to_owned())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
            let stream = self.inner.connect(name, io).await?;
            let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
            Ok((Box::new(stream), h2))
        }
        #[cfg(all(not(feature = "rustls"), feature = "native-tls"))]
        {
            let stream = self
                .inner
                .connect(host, io)
                .await
                .map_err(std::io::Error::other)?;
            Ok((Box::new(stream), false))
        }
    }

    /// Without TLS support there is nothing to connect with.
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    pub(crate) async fn connect<S>(&self, _host: &str, _io: S) -> std::io::Result<(BoxIo, bool)> {
        Err(std::io::Error::other("this build has no TLS support"))
    }
}

#[cfg(feature = "rustls")]
fn build(ca_bundle: Option<&Path>) -> Result<Option<TlsConnector>, String> {
    use std::sync::Arc;

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    let config = match ca_bundle {
        // Only `TlsConnector::system` builds without a bundle, once per process.
        None => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            Arc::new(client_config(roots, Vec::new())?)
        }
        // As botocore's `verify` and the AWS CLI's `--ca-bundle`: the bundle
        // replaces the system's roots instead of adding to them.
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("CA bundle {}: {e}", path.display()))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "CA bundle {} holds no certificates",
                    path.display()
                ));
            }
            for cert in &certs {
                roots
                    .add(cert.clone())
                    .map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
            }
            Arc::new(client_config(roots, certs)?)
        }
    };
    Ok(Some(TlsConnector {
        inner: tokio_rustls::TlsConnector::from(config),
    }))
}

/// A rustls configuration trusting `roots`, with `anchors` (the CA bundle's
/// certificates) also accepted as server certificates themselves.
#[cfg(feature = "rustls")]
fn client_config(
    roots: rustls::RootCertStore,
    anchors: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, String> {
    use std::sync::Arc;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let mut config = if anchors.is_empty() {
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        let webpki =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| e.to_string())?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(anchor::AnchorVerifier { webpki, anchors }))
            .with_no_client_auth()
    };
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        Vec::new()
    };
    Ok(config)
}

#[cfg(all(not(feature = "rustls"), feature = "native-tls"))]
fn build(ca_bundle: Option<&Path>) -> Result<Option<TlsConnector>, String> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = ca_bundle {
        // The bundle replaces the platform's roots, as with rustls.
        builder.disable_built_in_roots(true);
        let pem = std::fs::read(path).map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
        let certs = native_tls::Certificate::stack_from_pem(&pem)
            .map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "CA bundle {} holds no certificates",
                path.display()
            ));
        }
        for cert in certs {
            builder.add_root_certificate(cert);
        }
    }
    let tls = builder.build().map_err(|e| e.to_string())?;
    Ok(Some(TlsConnector { inner: tls.into() }))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn build(ca_bundle: Option<&Path>) -> Result<Option<TlsConnector>, String> {
    if ca_bundle.is_some() {
        return Err(NO_TLS_FOR_CA_BUNDLE.into());
    }
    Ok(None)
}

#[cfg(feature = "rustls")]
mod anchor {
    //! The CA-bundle certificate as a server certificate.

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

    /// webpki's verification, and on failure the OpenSSL rule: a server
    /// certificate that is byte for byte one of the bundle's trust anchors is
    /// trusted if its name matches and it is within its validity period.
    #[derive(Debug)]
    pub(super) struct AnchorVerifier {
        pub(super) webpki: std::sync::Arc<rustls::client::WebPkiServerVerifier>,
        pub(super) anchors: Vec<CertificateDer<'static>>,
    }

    impl ServerCertVerifier for AnchorVerifier {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            let first = match self.webpki.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(ok) => return Ok(ok),
                Err(e) => e,
            };
            if !self
                .anchors
                .iter()
                .any(|a| a.as_ref() == end_entity.as_ref())
            {
                return Err(first);
            }
            let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
            rustls::client::verify_server_name(&parsed, server_name)?;
            let (not_before, not_after) = super::der::validity(end_entity.as_ref())
                .ok_or(Error::InvalidCertificate(CertificateError::BadEncoding))?;
            let now = now.as_secs() as i64;
            if now < not_before {
                return Err(Error::InvalidCertificate(CertificateError::NotValidYet));
            }
            if now > not_after {
                return Err(Error::InvalidCertificate(CertificateError::Expired));
            }
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.webpki.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.webpki.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.webpki.supported_verify_schemes()
        }
    }
}

#[cfg(feature = "rustls")]
pub(crate) mod der {
    //! Just enough DER to read a certificate's validity period.

    /// One TLV: tag, contents, and the rest of the input.
    fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, &rest[n..])
        };
        (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
    }

    /// `notBefore` and `notAfter` of a DER certificate, in Unix seconds.
    pub(crate) fn validity(cert: &[u8]) -> Option<(i64, i64)> {
        let (0x30, cert, _) = tlv(cert)? else {
            return None;
        };
        let (0x30, tbs, _) = tlv(cert)? else {
            return None;
        };
        let mut rest = tbs;
        // [0] version (optional), serial, signature algorithm, issuer.
        let (tag, _, r) = tlv(rest)?;
        rest = r;
        if tag == 0xa0 {
            rest = tlv(rest)?.2;
        }
        rest = tlv(rest)?.2;
        rest = tlv(rest)?.2;
        let (0x30, validity, _) = tlv(rest)? else {
            return None;
        };
        let (t1, nb, r) = tlv(validity)?;
        let (t2, na, _) = tlv(r)?;
        Some((time(t1, nb)?, time(t2, na)?))
    }

    /// A UTCTime (0x17) or GeneralizedTime (0x18) ending in `Z`.
    fn time(tag: u8, text: &[u8]) -> Option<i64> {
        let text = std::str::from_utf8(text).ok()?.strip_suffix('Z')?;
        let (year, rest) = match tag {
            0x17 if text.len() == 12 => {
                let yy: i64 = text[..2].parse().ok()?;
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &text[2..])
            }
            0x18 if text.len() == 14 => (text[..4].parse().ok()?, &text[4..]),
            _ => return None,
        };
        let field = |i: usize| rest.get(i..i + 2)?.parse::<i64>().ok();
        let (month, day) = (field(0)?, field(2)?);
        let (hour, minute, second) = (field(4)?, field(6)?, field(8)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn times() {
            assert_eq!(super::time(0x17, b"700101000000Z"), Some(0));
            assert_eq!(super::time(0x18, b"20260102030405Z"), Some(1_767_323_045));
            assert_eq!(super::time(0x17, b"491231235959Z"), Some(2_524_607_999));
            assert_eq!(super::time(0x17, b"7001010000Z"), None);
        }
    }
}
