//! Accounts: registration with a unique normalized email, password checks that take the same
//! time whether or not the account exists.

use super::password::{Hasher, PasswordHashString};
use crate::store::Store;
use crate::{Error, Result};
use model::{identity::password_rules, Email, Role, User};
use secrecy::{ExposeSecret, SecretString};
use surrealdb::types::SurrealValue;

/// Account storage and password verification.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    hasher: Hasher,
}

#[derive(SurrealValue)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    role: String,
}

#[derive(SurrealValue)]
struct CredentialRow {
    id: String,
    email: String,
    name: String,
    role: String,
    password_hash: String,
}

#[derive(SurrealValue)]
struct NewUser {
    email: String,
    name: String,
    role: String,
    password_hash: String,
}

const USER_FIELDS: &str = "record::id(id) AS id, email, name, role";

impl UserRow {
    fn into_model(self) -> Result<User> {
        let corrupt = || Error::invalid("user", "stored account is malformed");
        Ok(User {
            email: Email::parse(&self.email).map_err(|_| corrupt())?,
            role: Role::parse(&self.role).ok_or_else(corrupt)?,
            id: self.id,
            name: self.name,
        })
    }
}

impl Accounts {
    /// Accounts over `store`.
    pub fn new(store: Store) -> Self {
        Self { store, hasher: Hasher::new() }
    }

    /// The password hasher (bounded concurrency), shared with the seed.
    pub fn hasher(&self) -> &Hasher {
        &self.hasher
    }

    /// Creates a customer account. 422 for a bad name or password, 409 for a taken email.
    pub async fn register(&self, email: Email, password: SecretString, name: &str) -> Result<User> {
        self.create(email, password, name, Role::Customer).await
    }

    /// Creates an account with `role` (the seed's admin; customers come through [`Self::register`]).
    pub async fn create(&self, email: Email, password: SecretString, name: &str, role: Role) -> Result<User> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid("name", "must be 1 to 100 characters"));
        }
        if let Some(problem) = password_rules::problem(password.expose_secret()) {
            return Err(Error::invalid("password", problem));
        }
        let hash: PasswordHashString = self.hasher.hash(password).await?;
        let row = NewUser {
            email: email.as_str().into(),
            name: name.into(),
            role: role.as_str().into(),
            password_hash: hash.as_str().into(),
        };
        let sql = format!("CREATE user CONTENT $user RETURN {USER_FIELDS}");
        let result = self.store.db().query(sql).bind(("user", row)).await?.check();
        match result {
            Ok(mut res) => {
                let created: Option<UserRow> = res.take(0)?;
                created.ok_or(Error::NotFound("user"))?.into_model()
            }
            // The unique index on email decides races between two registrations.
            Err(e) if e.to_string().contains("user_email") => Err(Error::Conflict("email is already registered")),
            Err(e) => Err(e.into()),
        }
    }

    /// The account for `email` if `password` matches. Unknown emails verify a dummy hash so
    /// both failures take the same time and give the same error.
    pub async fn authenticate(&self, email: &str, password: SecretString) -> Result<User> {
        let Ok(email) = Email::parse(email) else {
            self.hasher.verify_dummy(password).await?;
            return Err(Error::Unauthorized);
        };
        let sql =
            "SELECT record::id(id) AS id, email, name, role, password_hash FROM user WHERE email = $email LIMIT 1";
        let mut res = self.store.db().query(sql).bind(("email", email.as_str().to_string())).await?;
        let row: Option<CredentialRow> = res.take(0)?;
        let Some(row) = row else {
            self.hasher.verify_dummy(password).await?;
            return Err(Error::Unauthorized);
        };
        if !self.hasher.verify(password, row.password_hash).await? {
            return Err(Error::Unauthorized);
        }
        UserRow { id: row.id, email: row.email, name: row.name, role: row.role }.into_model()
    }

    /// One account by id.
    pub async fn by_id(&self, id: &str) -> Result<User> {
        let sql = format!("SELECT {USER_FIELDS} FROM type::record('user', $id)");
        let mut res = self.store.db().query(sql).bind(("id", id.to_string())).await?;
        let row: Option<UserRow> = res.take(0)?;
        row.ok_or(Error::NotFound("user"))?.into_model()
    }
}
