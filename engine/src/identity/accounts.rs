//! Accounts: registration with a unique normalized email, password checks that take the same
//! time whether or not the account exists.

use super::password::{Hasher, PasswordHashString};
use crate::store::failure::{classify, Constraint, Failure};
use crate::store::tx::Tx;
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
    email_verified: bool,
}

#[derive(SurrealValue)]
struct CredentialRow {
    id: String,
    email: String,
    name: String,
    role: String,
    email_verified: bool,
    password_hash: String,
}

/// The proof a new account's email still needs: a verification link (stored as `hash`) and the
/// mail carrying it, queued in the account's own transaction.
pub struct Welcome {
    /// SHA-256 of the link's token.
    pub hash: String,
    /// The verification mail.
    pub mail: crate::mail::Mail,
}

#[derive(SurrealValue)]
struct NewUser {
    email: String,
    name: String,
    role: String,
    password_hash: String,
}

const USER_FIELDS: &str = "record::id(id) AS id, email, name, role, email_verified_at != NONE AS email_verified";

impl UserRow {
    fn into_model(self) -> Result<User> {
        let corrupt = || Error::invalid("user", "stored account is malformed");
        Ok(User {
            email: Email::parse(&self.email).map_err(|_| corrupt())?,
            role: Role::parse(&self.role).ok_or_else(corrupt)?,
            id: self.id,
            name: self.name,
            email_verified: self.email_verified,
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

    /// Creates an account with `role`. With a `welcome` its email awaits proof (the link and its
    /// mail are written in the same transaction); without one (the seed's accounts, whose
    /// addresses the operator chose) it counts as verified. 422 for a bad name or password,
    /// 409 for a taken email.
    pub async fn create(
        &self,
        email: Email,
        password: SecretString,
        name: &str,
        role: Role,
        welcome: Option<Welcome>,
    ) -> Result<User> {
        let name = valid_name(name)?;
        let hash = self.new_password_hash(password).await?;
        let row = NewUser {
            email: email.as_str().into(),
            name: name.into(),
            role: role.as_str().into(),
            password_hash: hash.as_str().into(),
        };
        let (link_hash, mail) = match welcome {
            Some(w) => (Some(w.hash), Some(w.mail)),
            None => (None, None),
        };
        let mut tx = Tx::begin();
        tx.push(&format!(
            "LET $u = (CREATE user CONTENT $user RETURN VALUE id)[0];
             IF $link = NONE {{
                 UPDATE $u SET email_verified_at = $now;
             }} ELSE {{
                 CREATE type::record('account_token', $link) SET purpose = 'verify_email', user_id = record::id($u),
                     email = $user.email, expires_at = $now + {}h;
             }};",
            crate::mail::compose::VERIFY_HOURS,
        ))
        .bind("user", row)
        .bind("link", link_hash);
        // The welcome mail exactly when there is a link to verify (both come from `welcome`).
        crate::mail::outbox::queue(&mut tx, mail, None);
        tx.push(&format!("SELECT {USER_FIELDS} FROM ONLY $u;"));
        let result = tx.commit(&self.store).await?.check();
        match result {
            Ok(mut res) => {
                let created: Option<UserRow> = res.take(res.num_statements().saturating_sub(2))?;
                created.ok_or(Error::NotFound("user"))?.into_model()
            }
            // The unique index on email decides races between two registrations.
            Err(e) if classify(&e) == Failure::Unique(Constraint::UserEmail) => {
                Err(Error::Conflict("email is already registered"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The stored form of a new password, after the password rules.
    pub(crate) async fn new_password_hash(&self, password: SecretString) -> Result<PasswordHashString> {
        if let Some(problem) = password_rules::problem(password.expose_secret()) {
            return Err(Error::invalid("password", problem));
        }
        self.hasher.hash(password).await
    }

    /// True when `password` is the account's (a wrong one and an unknown account are `false`).
    pub async fn password_matches(&self, user_id: &str, password: SecretString) -> Result<bool> {
        let mut res = self
            .store
            .query("SELECT VALUE password_hash FROM type::record('user', $id)")
            .bind(("id", user_id.to_string()))
            .await?;
        let hash: Option<String> = res.take(0)?;
        match hash {
            Some(hash) => self.hasher.verify(password, hash).await,
            None => {
                self.hasher.verify_dummy(password).await?;
                Ok(false)
            }
        }
    }

    /// The account registered with `email`, if any.
    pub async fn by_email(&self, email: &Email) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_FIELDS} FROM user WHERE email = $email LIMIT 1");
        let mut res = self.store.query(sql).bind(("email", email.as_str().to_string())).await?;
        let row: Option<UserRow> = res.take(0)?;
        row.map(UserRow::into_model).transpose()
    }

    /// The account for `email` if `password` matches. Unknown emails verify a dummy hash so
    /// both failures take the same time and give the same error.
    pub async fn authenticate(&self, email: &str, password: SecretString) -> Result<User> {
        let Ok(email) = Email::parse(email) else {
            self.hasher.verify_dummy(password).await?;
            return Err(Error::Unauthorized);
        };
        let sql =
            "SELECT record::id(id) AS id, email, name, role, email_verified_at != NONE AS email_verified, password_hash
             FROM user WHERE email = $email LIMIT 1";
        let mut res = self.store.query(sql).bind(("email", email.as_str().to_string())).await?;
        let row: Option<CredentialRow> = res.take(0)?;
        let Some(row) = row else {
            self.hasher.verify_dummy(password).await?;
            return Err(Error::Unauthorized);
        };
        if !self.hasher.verify(password, row.password_hash).await? {
            return Err(Error::Unauthorized);
        }
        UserRow { id: row.id, email: row.email, name: row.name, role: row.role, email_verified: row.email_verified }
            .into_model()
    }

    /// One account by id.
    pub async fn by_id(&self, id: &str) -> Result<User> {
        let sql = format!("SELECT {USER_FIELDS} FROM type::record('user', $id)");
        let mut res = self.store.query(sql).bind(("id", id.to_string())).await?;
        let row: Option<UserRow> = res.take(0)?;
        row.ok_or(Error::NotFound("user"))?.into_model()
    }
}

/// The address of account `user_id`, if it exists (for services that key things on it).
pub(crate) async fn email_of(store: &Store, user_id: &str) -> Result<Option<String>> {
    let mut res =
        store.query("SELECT VALUE email FROM type::record('user', $id)").bind(("id", user_id.to_string())).await?;
    Ok(res.take::<Vec<String>>(0)?.into_iter().next())
}

/// A display name, trimmed: 1 to 100 characters.
fn valid_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(name)
}
