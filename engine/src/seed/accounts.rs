//! The seed's two accounts: one admin and one demo shopper, created once.

use crate::identity::{Accounts, Role};
use crate::store::Store;
use crate::{Error, Result};
use model::Email;
use rand::distributions::{Alphanumeric, DistString};
use secrecy::SecretString;

/// Who to create, and with which password (`None`: generate one and report it once).
#[derive(Debug, Clone)]
pub struct AccountSpec {
    /// Login email (stored lower-cased).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Password from the environment, if one was given.
    pub password: Option<SecretString>,
}

/// A password the seed generated, to be shown once to the operator.
#[derive(Debug)]
pub struct GeneratedCredential {
    /// Account email.
    pub email: String,
    /// The generated password.
    pub password: SecretString,
}

/// Creates the account unless one with that email exists. Returns the password when it was
/// generated here, so the caller can print it once.
pub(super) async fn ensure(store: &Store, spec: &AccountSpec, role: Role) -> Result<Option<GeneratedCredential>> {
    let email = Email::parse(&spec.email).map_err(|e| Error::invalid("email", e.to_string()))?;
    let (secret, generated) = match &spec.password {
        Some(p) => (p.clone(), false),
        None => (SecretString::from(Alphanumeric.sample_string(&mut rand::thread_rng(), 20)), true),
    };
    match Accounts::new(store.clone()).create(email.clone(), secret.clone(), &spec.name, role, None).await {
        Ok(_) => {
            tracing::info!(email = %email, role = role.as_str(), "created seed account");
            Ok(generated.then_some(GeneratedCredential { email: email.to_string(), password: secret }))
        }
        // Already there: the seed never touches an existing account.
        Err(Error::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
