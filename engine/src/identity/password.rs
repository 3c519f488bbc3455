//! Argon2id password hashing with OWASP's parameters, off the async runtime.

use crate::{Error, Result};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

/// A PHC-format argon2id hash. Deliberately not `Serialize` and not `Display`: it stays in the engine.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHashString(String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString(..)")
    }
}

impl PasswordHashString {
    /// The PHC string, for the store.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// OWASP (2023) minimum for argon2id: m = 19 MiB, t = 2, p = 1.
fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| Error::PasswordHash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` on a blocking thread (argon2 takes tens of milliseconds of CPU).
pub async fn hash(password: SecretString) -> Result<PasswordHashString> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        let hash = hasher()?
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map_err(|e| Error::PasswordHash(e.to_string()))?;
        Ok(PasswordHashString(hash.to_string()))
    })
    .await?
}

/// Checks `password` against a stored PHC hash on a blocking thread. A malformed hash is `false`.
pub async fn verify(password: SecretString, phc: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return Ok(false);
        };
        Ok(hasher()?.verify_password(password.expose_secret().as_bytes(), &parsed).is_ok())
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let h = hash(SecretString::from("correct horse battery")).await.unwrap();
        assert!(h.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(SecretString::from("correct horse battery"), h.as_str().into()).await.unwrap());
        assert!(!verify(SecretString::from("wrong horse battery"), h.as_str().into()).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_hash_never_verifies() {
        assert!(!verify(SecretString::from("x"), "not a hash".into()).await.unwrap());
    }

    #[test]
    fn debug_never_shows_the_hash() {
        assert_eq!(format!("{:?}", PasswordHashString("$argon2id$secret".into())), "PasswordHashString(..)");
    }
}
