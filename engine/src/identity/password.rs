//! Argon2id password hashing with OWASP's parameters, off the async runtime.

use crate::{Error, Result};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::sync::{OnceCell, Semaphore};

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

/// Hashes and verifies passwords on blocking threads, at most one per core at a time, so a
/// flood of logins queues here instead of starving the async runtime or the memory (19 MiB each).
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    dummy: Arc<OnceCell<String>>,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    /// One permit per available core.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self { permits: Arc::new(Semaphore::new(cores)), dummy: Arc::new(OnceCell::new()) }
    }

    /// Hashes `password` into a PHC string with a fresh salt.
    pub async fn hash(&self, password: SecretString) -> Result<PasswordHashString> {
        let _permit = self.permits.acquire().await.map_err(|_| Error::PasswordHash("hasher closed".into()))?;
        tokio::task::spawn_blocking(move || hash_now(&password)).await?
    }

    /// Checks `password` against a stored PHC hash. A malformed hash is `false`.
    pub async fn verify(&self, password: SecretString, phc: String) -> Result<bool> {
        let _permit = self.permits.acquire().await.map_err(|_| Error::PasswordHash("hasher closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return Ok(false);
            };
            Ok(hasher()?.verify_password(password.expose_secret().as_bytes(), &parsed).is_ok())
        })
        .await?
    }

    /// Spends the same work as a real check, for unknown accounts (no timing oracle).
    pub async fn verify_dummy(&self, password: SecretString) -> Result<()> {
        let dummy = self
            .dummy
            .get_or_try_init(|| async {
                let random = SecretString::from(uuid::Uuid::new_v4().to_string());
                self.hash(random).await.map(|h| h.0)
            })
            .await?
            .clone();
        self.verify(password, dummy).await.map(|_| ())
    }
}

fn hash_now(password: &SecretString) -> Result<PasswordHashString> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher()?
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|e| Error::PasswordHash(e.to_string()))?;
    Ok(PasswordHashString(hash.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = Hasher::new();
        let h = hasher.hash(SecretString::from("correct horse battery")).await.unwrap();
        assert!(h.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify(SecretString::from("correct horse battery"), h.as_str().into()).await.unwrap());
        assert!(!hasher.verify(SecretString::from("wrong horse battery"), h.as_str().into()).await.unwrap());
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_salt() {
        let hasher = Hasher::new();
        let a = hasher.hash(SecretString::from("same password")).await.unwrap();
        let b = hasher.hash(SecretString::from("same password")).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn a_malformed_hash_never_verifies() {
        assert!(!Hasher::new().verify(SecretString::from("x"), "not a hash".into()).await.unwrap());
    }

    #[test]
    fn debug_never_shows_the_hash() {
        assert_eq!(format!("{:?}", PasswordHashString("$argon2id$secret".into())), "PasswordHashString(..)");
    }
}
