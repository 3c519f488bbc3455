//! RS256 key pair: loaded from PEM files, or generated there on first start.

use crate::{Error, Result};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use jsonwebtoken::{DecodingKey, EncodingKey};
use std::path::Path;

/// The signing and verification keys, and the key id (`kid`) stamped into tokens.
#[derive(Clone)]
pub struct JwtKeys {
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
    /// First 16 hex digits of the SHA-256 of the public key.
    pub kid: String,
    /// A secret derived from the private key, for the server's other MACs (guest order links):
    /// one key file to guard and rotate, and nothing secret in the database.
    derived: [u8; 32],
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Reads both PEM files; when both are missing, generates a 2048-bit pair and writes it
    /// there (private key mode 0600). Returns the keys and whether they were generated.
    pub fn load_or_generate(private: &Path, public: &Path) -> Result<(Self, bool)> {
        let generated = match (private.exists(), public.exists()) {
            (true, true) => false,
            (false, false) => {
                generate_into(private, public)?;
                true
            }
            (has_private, _) => {
                let missing = if has_private { public } else { private };
                return Err(Error::Keys(format!(
                    "{} is missing while its pair exists; restore it or remove both to generate a new pair",
                    missing.display()
                )));
            }
        };
        let private_pem =
            std::fs::read(private).map_err(|e| Error::Keys(format!("reading {}: {e}", private.display())))?;
        let public_pem =
            std::fs::read(public).map_err(|e| Error::Keys(format!("reading {}: {e}", public.display())))?;
        Ok((Self::from_pem(&private_pem, &public_pem)?, generated))
    }

    /// Keys from PEM text (PKCS#8 private key, SPKI public key).
    pub fn from_pem(private_pem: &[u8], public_pem: &[u8]) -> Result<Self> {
        let encoding = EncodingKey::from_rsa_pem(private_pem).map_err(|e| Error::Keys(format!("private key: {e}")))?;
        let decoding = DecodingKey::from_rsa_pem(public_pem).map_err(|e| Error::Keys(format!("public key: {e}")))?;
        let der = pem::parse(public_pem).map_err(|e| Error::Keys(format!("public key: {e}")))?;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der.contents());
        let mut seed = b"waypoint-market derived secret v1\0".to_vec();
        seed.extend_from_slice(private_pem);
        let derived = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &seed);
        let derived: [u8; 32] = derived.as_ref().try_into().map_err(|_| Error::Keys("deriving a secret".into()))?;
        Ok(Self { encoding, decoding, kid: hex::encode(&digest.as_ref()[..8]), derived })
    }

    /// An HMAC-SHA256 key for `purpose`, derived from the private key (stable across restarts,
    /// different per purpose).
    pub(crate) fn mac_key(&self, purpose: &str) -> aws_lc_rs::hmac::Key {
        let base = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &self.derived);
        let tag = aws_lc_rs::hmac::sign(&base, purpose.as_bytes());
        aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, tag.as_ref())
    }

    /// A fresh in-memory pair (tests).
    pub fn generate() -> Result<Self> {
        let (private_pem, public_pem) = generate_pem()?;
        Self::from_pem(private_pem.as_bytes(), public_pem.as_bytes())
    }
}

/// A fresh 2048-bit pair as PEM text: (PKCS#8 private key, SPKI public key).
pub fn generate_pem() -> Result<(String, String)> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| Error::Keys("RSA key generation failed".into()))?;
    let private: Pkcs8V1Der = pair.as_der().map_err(|_| Error::Keys("encoding the private key".into()))?;
    let public: PublicKeyX509Der =
        pair.public_key().as_der().map_err(|_| Error::Keys("encoding the public key".into()))?;
    let private_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", private.as_ref().to_vec()));
    let public_pem = pem::encode(&pem::Pem::new("PUBLIC KEY", public.as_ref().to_vec()));
    Ok((private_pem, public_pem))
}

fn generate_into(private: &Path, public: &Path) -> Result<()> {
    let (private_pem, public_pem) = generate_pem()?;
    for path in [private, public] {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Keys(format!("creating {}: {e}", dir.display())))?;
        }
    }
    write_private(private, private_pem.as_bytes())?;
    std::fs::write(public, public_pem).map_err(|e| Error::Keys(format!("writing {}: {e}", public.display())))?;
    tracing::warn!(private = %private.display(), public = %public.display(), "generated a new RS256 key pair");
    Ok(())
}

/// Writes the private key readable by its owner only (0600), created that way, never widened.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Error::Keys(format!("creating {}: {e}", path.display())))?;
    file.write_all(bytes).map_err(|e| Error::Keys(format!("writing {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_are_generated_once_with_a_private_file_only_the_owner_can_read() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = (dir.path().join("k/private.pem"), dir.path().join("k/public.pem"));
        let (first, generated) = JwtKeys::load_or_generate(&private, &public).unwrap();
        assert!(generated);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (second, generated) = JwtKeys::load_or_generate(&private, &public).unwrap();
        assert!(!generated, "the second start reads the same pair");
        assert_eq!(first.kid, second.kid);
    }

    #[test]
    fn half_a_pair_is_an_error_not_a_silent_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = (dir.path().join("private.pem"), dir.path().join("public.pem"));
        JwtKeys::load_or_generate(&private, &public).unwrap();
        std::fs::remove_file(&public).unwrap();
        assert!(matches!(JwtKeys::load_or_generate(&private, &public), Err(Error::Keys(_))));
    }
}
