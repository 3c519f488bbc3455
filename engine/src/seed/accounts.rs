//! The seed's two accounts: one admin and one demo shopper, created once.

use crate::identity::password::Hasher;
use crate::identity::Role;
use crate::store::Store;
use crate::Result;
use rand::distributions::{Alphanumeric, DistString};
use secrecy::SecretString;
use surrealdb::types::SurrealValue;

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

#[derive(SurrealValue)]
struct NewUser {
    email: String,
    name: String,
    role: String,
    password_hash: String,
}

/// Creates the account unless one with that email exists. Returns the password when it was
/// generated here, so the caller can print it once.
pub(super) async fn ensure(store: &Store, spec: &AccountSpec, role: Role) -> Result<Option<GeneratedCredential>> {
    let email = spec.email.trim().to_lowercase();
    let mut res = store
        .db()
        .query("SELECT VALUE record::id(id) FROM user WHERE email = $email LIMIT 1")
        .bind(("email", email.clone()))
        .await?;
    let existing: Option<surrealdb::types::Value> = res.take(0)?;
    if existing.is_some() {
        return Ok(None);
    }
    let (secret, generated) = match &spec.password {
        Some(p) => (p.clone(), false),
        None => (SecretString::from(Alphanumeric.sample_string(&mut rand::thread_rng(), 20)), true),
    };
    let hash = Hasher::new().hash(secret.clone()).await?;
    let user = NewUser {
        email: email.clone(),
        name: spec.name.clone(),
        role: role.as_str().into(),
        password_hash: hash.as_str().into(),
    };
    store.db().query("CREATE user CONTENT $user").bind(("user", user)).await?.check()?;
    tracing::info!(%email, role = role.as_str(), "created seed account");
    Ok(generated.then_some(GeneratedCredential { email, password: secret }))
}
