//! DPoP proofs (RFC 9449) for Sign-In's `CreateOAuth2Token`, as botocore's
//! `_build_dpop_header`: an ES256 JWT whose header carries the public key
//! (`jwk`) and whose payload names the request (`htm`, `htu`, `iat`, `jti`),
//! signed with the session's P-256 key from the token cache (`dpopKey`, a
//! PKCS#8 PEM).

use std::fmt;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

/// A DPoP signing key: an EC P-256 key pair and its public coordinates.
///
/// `Debug` never shows the private key.
pub(crate) struct DpopKey {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
    /// The `jwk` member of the JWT header, as botocore writes it.
    jwk: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("jwk", &self.jwk)
            .finish_non_exhaustive()
    }
}

impl DpopKey {
    /// The key of a PEM-encoded PKCS#8 EC P-256 private key (botocore's
    /// `_load_private_key`: the lines between `-----BEGIN`/`-----END`,
    /// base64-decoded).
    pub(crate) fn from_pem(pem: &str) -> Result<DpopKey, String> {
        let body: String = pem
            .lines()
            .filter(|line| !line.starts_with("-----BEGIN") && !line.starts_with("-----END"))
            .collect::<String>()
            .trim()
            .to_owned();
        let der = STANDARD
            .decode(body.as_bytes())
            .map_err(|e| format!("the key is not base64: {e}"))?;
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
            .map_err(|e| format!("the key is not a PKCS#8 EC P-256 private key: {e}"))?;
        let jwk = jwk(pair.public_key().as_ref())?;
        Ok(DpopKey { pair, rng, jwk })
    }

    /// The `DPoP` header for a `POST` to `url` at `iat` (seconds since the
    /// epoch), with a fresh random `jti`.
    pub(crate) fn proof(&self, url: &str, iat: i64) -> Result<String, String> {
        let jti = uuid_v4(&self.rng)?;
        let header = format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#, self.jwk);
        let url = serde_json::to_string(url).map_err(|e| e.to_string())?;
        let payload = format!(r#"{{"htm":"POST","htu":{url},"iat":{iat},"jti":"{jti}"}}"#);
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = self
            .pair
            .sign(&self.rng, signing_input.as_bytes())
            .map_err(|_| "signing the DPoP proof failed".to_owned())?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

/// The JWK of an uncompressed P-256 public key (`04 || x || y`), members in
/// botocore's order.
fn jwk(public_key: &[u8]) -> Result<String, String> {
    if public_key.len() != 65 || public_key[0] != 4 {
        return Err("the key's public point is not an uncompressed P-256 point".to_owned());
    }
    let (x, y) = public_key[1..].split_at(32);
    Ok(format!(
        r#"{{"kty":"EC","x":"{}","y":"{}","crv":"P-256"}}"#,
        URL_SAFE_NO_PAD.encode(x),
        URL_SAFE_NO_PAD.encode(y)
    ))
}

/// A random (version 4) UUID in its usual text form.
fn uuid_v4(rng: &SystemRandom) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes)
        .map_err(|_| "no random numbers for the DPoP proof".to_owned())?;
    Ok(crate::protocol::uuid_v4_text(bytes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
    use serde_json::Value as Json;

    /// The throwaway key of botocore's login test vectors.
    pub(crate) const TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+PNauWi/ihtwHHbq\n1tgc8Vgpwx0qQlNSN38y+z0igWehRANCAAR2Ntw6BXJ1v8jb9XjzKZJ+gL5f/3Jq\nIqiH2PUGKWxoFwNlcNB83FivEXEzlTbuCQK5OezOYb3gbvHuzKkB0nDX\n-----END PRIVATE KEY-----";

    /// A verified DPoP proof: its payload and the public key (an
    /// uncompressed point) its header names.
    #[derive(Debug)]
    pub(crate) struct Proof {
        pub(crate) payload: Json,
        pub(crate) public_key: Vec<u8>,
    }

    /// The public key (an uncompressed point) of a PEM private key.
    pub(crate) fn public_key(pem: &str) -> Vec<u8> {
        let key = DpopKey::from_pem(pem).expect("key");
        key.pair.public_key().as_ref().to_vec()
    }

    /// Parses a DPoP JWT, checks its header as botocore writes it, and
    /// verifies its ES256 signature with the header's own `jwk`.
    pub(crate) fn verify(jwt: &str) -> Result<Proof, String> {
        let parts: Vec<&str> = jwt.split('.').collect();
        let [header_b64, payload_b64, signature_b64] = parts[..] else {
            return Err(format!("not three parts: {jwt}"));
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|e| e.to_string());
        let header: Json =
            serde_json::from_slice(&decode(header_b64)?).map_err(|e| e.to_string())?;
        let payload: Json =
            serde_json::from_slice(&decode(payload_b64)?).map_err(|e| e.to_string())?;
        if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" {
            return Err(format!("bad header {header}"));
        }
        let jwk = &header["jwk"];
        if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
            return Err(format!("bad jwk {jwk}"));
        }
        let coordinate = |name: &str| decode(jwk[name].as_str().unwrap_or_default());
        let mut point = vec![4u8];
        point.extend(coordinate("x")?);
        point.extend(coordinate("y")?);
        let signing_input = format!("{header_b64}.{payload_b64}");
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
            .verify(signing_input.as_bytes(), &decode(signature_b64)?)
            .map_err(|_| "the signature does not verify".to_owned())?;
        Ok(Proof {
            payload,
            public_key: point,
        })
    }

    #[test]
    fn proofs_are_signed_es256_jwts_as_botocore_builds_them() {
        let key = DpopKey::from_pem(TEST_KEY).unwrap();
        let jwt = key
            .proof("https://signin.us-east-1.api.aws/v1/token", 1_763_510_400)
            .unwrap();
        let proof = verify(&jwt).unwrap();
        assert_eq!(proof.public_key, public_key(TEST_KEY));
        assert_eq!(proof.payload["htm"], "POST");
        assert_eq!(
            proof.payload["htu"],
            "https://signin.us-east-1.api.aws/v1/token"
        );
        assert_eq!(proof.payload["iat"], 1_763_510_400);
        let jti = proof.payload["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 36);
        assert_eq!(&jti[14..15], "4", "{jti}");
        // Field order as botocore's json.dumps of its dicts.
        let header_json = String::from_utf8(
            URL_SAFE_NO_PAD
                .decode(jwt.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert!(
            header_json.starts_with(r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":""#),
            "{header_json}"
        );
        // A tampered payload fails verification.
        let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(r#"{"htm":"GET"}"#);
        assert!(verify(&parts.join(".")).is_err());
        // Two proofs never share a jti.
        let again = verify(&key.proof("https://x/", 1).unwrap()).unwrap();
        assert_ne!(again.payload["jti"], proof.payload["jti"]);
    }

    #[test]
    fn bad_keys_are_errors() {
        for pem in [
            "",
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----",
        ] {
            assert!(DpopKey::from_pem(pem).is_err(), "{pem:?}");
        }
        let key = DpopKey::from_pem(TEST_KEY).unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("MIGHAgEA"), "{shown}");
    }
}
