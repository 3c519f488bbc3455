//! Identity: accounts with argon2id passwords, RS256 access tokens, and rotating refresh tokens
//! grouped in families (one family per login).

pub mod accounts;
pub mod deletion;
pub mod keys;
pub(crate) mod links;
pub(crate) mod opaque;
pub mod password;
pub mod refresh;
pub mod tokens;

pub use accounts::Accounts;
pub use keys::JwtKeys;
pub use model::Role;
pub use refresh::RefreshTokens;
pub use tokens::{AccessClaims, TokenIssuer};

use crate::mail::{Composer, Outbox};
use crate::store::Store;
use crate::throttle;
use crate::{Error, Result};
use links::Purpose;
use model::{Email, User};
use secrecy::{ExposeSecret, SecretString};

/// What a successful register, login or refresh hands the client.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The signed-in account.
    pub user: User,
    /// RS256 JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque, single-use refresh token.
    pub refresh_token: SecretString,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The login (refresh-token family) these tokens belong to; the session a sign-in
    /// continues records it, so ending that session ends this login.
    pub family: String,
}

/// Accounts plus tokens: the one place sign-in rules live, for every channel.
#[derive(Clone)]
pub struct Identity {
    /// Account storage and password checks.
    pub accounts: Accounts,
    /// Access-token signing and validation.
    pub tokens: TokenIssuer,
    /// Refresh-token rotation and revocation.
    pub refresh: RefreshTokens,
    store: Store,
    mail: Composer,
    outbox: Outbox,
    registrations_per_hour: u32,
}

impl Identity {
    /// Identity over `store`, signing with `issuer`; refresh tokens live `refresh_days`; account
    /// mail is composed by `mail` and queued in `outbox`.
    pub fn new(store: Store, issuer: TokenIssuer, refresh_days: u32, mail: Composer, outbox: Outbox) -> Self {
        Self {
            accounts: Accounts::new(store.clone()),
            tokens: issuer,
            refresh: RefreshTokens::new(store.clone(), refresh_days),
            store,
            mail,
            outbox,
            registrations_per_hour: 20,
        }
    }

    /// The same identity allowing `n` registrations per client address an hour (0: no limit).
    pub fn with_registrations_per_hour(mut self, n: u32) -> Self {
        self.registrations_per_hour = n;
        self
    }

    /// [`Self::register`] for a request from `client` (its network address): at most
    /// `REGISTRATIONS_PER_HOUR` accounts an hour from one address, so nobody mass-creates
    /// accounts (each one mails a stranger's address).
    pub async fn register_from(
        &self,
        client: &str,
        email: Email,
        password: SecretString,
        name: &str,
    ) -> Result<IssuedTokens> {
        if self.registrations_per_hour > 0 {
            throttle::hit(&self.store, throttle::registrations(self.registrations_per_hour), client).await?;
        }
        self.register(email, password, name).await
    }

    /// Creates a customer account and signs it in (a new token family). The account's email is
    /// unproven until the link mailed with it (in the same transaction) is opened.
    pub async fn register(&self, email: Email, password: SecretString, name: &str) -> Result<IssuedTokens> {
        let (token, hash) = opaque::new_token();
        let mail = self.mail.verify_email(email.as_str(), name.trim(), token.expose_secret());
        let welcome = accounts::Welcome { hash, mail };
        let user = self.accounts.create(email, password, name, model::Role::Customer, Some(welcome)).await?;
        self.outbox.wake();
        self.issue(user, None).await
    }

    /// Mails a new verification link to the account's address (once a minute, five a day).
    /// An address already proven is 409.
    pub async fn resend_verification(&self, user_id: &str) -> Result<()> {
        let user = self.accounts.by_id(user_id).await?;
        if user.email_verified {
            return Err(Error::Conflict("this email address is already verified"));
        }
        throttle::hit(&self.store, throttle::VERIFY_RESEND, user_id).await?;
        throttle::hit(&self.store, throttle::VERIFY_RESEND_DAILY, user_id).await?;
        self.mail_link(Purpose::VerifyEmail, &user, user.email.as_str()).await
    }

    /// Opens a verification link: the address it proves becomes the account's, verified.
    pub async fn verify_email(&self, token: &SecretString) -> Result<User> {
        let user_id = links::spend_verification(&self.store, &opaque::hash_of(token)).await?;
        self.accounts.by_id(&user_id).await
    }

    /// Starts moving the account to `new_email`: the current password must match, and the
    /// change takes effect when the link mailed to the new address is opened.
    pub async fn request_email_change(&self, user_id: &str, password: SecretString, new_email: Email) -> Result<()> {
        if !self.accounts.password_matches(user_id, password).await? {
            return Err(Error::invalid("password", "is not your current password"));
        }
        let user = self.accounts.by_id(user_id).await?;
        if user.email == new_email {
            return Err(Error::invalid("email", "is already your address"));
        }
        if self.accounts.by_email(&new_email).await?.is_some() {
            return Err(Error::Conflict("email is already registered"));
        }
        throttle::hit(&self.store, throttle::VERIFY_RESEND, user_id).await?;
        self.mail_link(Purpose::VerifyEmail, &user, new_email.as_str()).await
    }

    /// Mails a reset link when `email` has an account; the answer is the same either way, so
    /// nobody learns whether an address is registered. Throttled per address and per `client`.
    pub async fn request_password_reset(&self, email: &str, client: &str) -> Result<()> {
        let email = Email::parse(email).map_err(|e| Error::invalid("email", e.to_string()))?;
        throttle::hit(&self.store, throttle::RESET_PER_CLIENT, client).await?;
        throttle::hit(&self.store, throttle::RESET_PER_EMAIL, email.as_str()).await?;
        match self.accounts.by_email(&email).await? {
            Some(user) => self.mail_link(Purpose::PasswordReset, &user, email.as_str()).await,
            None => Ok(()),
        }
    }

    /// A one-time reset link for `email` that is not mailed: the operator's recovery of a lost
    /// admin password (`server admin reset-password`). Returns the link.
    pub async fn reset_link_for_operator(&self, email: &Email) -> Result<String> {
        let token = self.unmailed_reset_token(email).await?;
        Ok(format!("{}/reset?token={}", self.mail.public_url(), token.expose_secret()))
    }

    async fn unmailed_reset_token(&self, email: &Email) -> Result<SecretString> {
        let user = self.accounts.by_email(email).await?.ok_or(Error::NotFound("account"))?;
        let (token, hash) = opaque::new_token();
        links::create(&self.store, Purpose::PasswordReset, &hash, &user.id, email.as_str(), None).await?;
        Ok(token)
    }

    /// Sets a new password through a reset link. Every login of the account is revoked and
    /// every session ends: whoever had them must sign in with the new password.
    pub async fn confirm_password_reset(&self, token: &SecretString, password: SecretString) -> Result<User> {
        let hash = opaque::hash_of(token);
        // Checked before hashing, so a made-up token costs no password hash.
        links::peek(&self.store, Purpose::PasswordReset, &hash).await?;
        let password_hash = self.accounts.new_password_hash(password).await?;
        let user_id = links::spend_reset(&self.store, &hash, password_hash.as_str()).await?;
        self.accounts.by_id(&user_id).await
    }

    /// Sets a password directly (the operator's `server admin reset-password --stdin`), with
    /// the same effect on logins and sessions as a reset link.
    pub async fn set_password_for_operator(&self, email: &Email, password: SecretString) -> Result<User> {
        let token = self.unmailed_reset_token(email).await?;
        self.confirm_password_reset(&token, password).await
    }

    /// Changes the signed-in user's password; the current one must match. Other logins stay:
    /// the account page offers to end them.
    pub async fn change_password(&self, user_id: &str, current: SecretString, new: SecretString) -> Result<()> {
        if !self.accounts.password_matches(user_id, current).await? {
            return Err(Error::invalid("current_password", "is not your current password"));
        }
        let hash = self.accounts.new_password_hash(new).await?;
        links::set_password(&self.store, user_id, hash.as_str()).await
    }

    /// Deletes the signed-in user's account for good (see [`deletion`]); the password confirms
    /// it is really them and really meant.
    pub async fn delete_account(&self, user_id: &str, password: SecretString) -> Result<()> {
        // A token outliving its account (access tokens live minutes) finds no account, not a
        // wrong password.
        self.accounts.by_id(user_id).await?;
        if !self.accounts.password_matches(user_id, password).await? {
            return Err(Error::invalid("password", "is not your current password"));
        }
        deletion::delete(&self.store, user_id).await
    }

    async fn mail_link(&self, purpose: Purpose, user: &User, to: &str) -> Result<()> {
        let (token, hash) = opaque::new_token();
        let mail = match purpose {
            Purpose::VerifyEmail => self.mail.verify_email(to, &user.name, token.expose_secret()),
            Purpose::PasswordReset => self.mail.password_reset(to, &user.name, token.expose_secret()),
        };
        links::create(&self.store, purpose, &hash, &user.id, to, Some(mail)).await?;
        self.outbox.wake();
        Ok(())
    }

    /// Checks the password and signs in (a new token family). After ten failures for one
    /// address within 15 minutes every attempt is refused until the window ends, so a password
    /// cannot be guessed online.
    pub async fn login(&self, email: &str, password: SecretString) -> Result<IssuedTokens> {
        let subject = email.trim().to_lowercase();
        throttle::check(&self.store, throttle::LOGIN_FAILURES, &subject).await?;
        match self.accounts.authenticate(email, password).await {
            Ok(user) => self.issue(user, None).await,
            Err(Error::Unauthorized) => {
                throttle::hit(&self.store, throttle::LOGIN_FAILURES, &subject).await?;
                Err(Error::Unauthorized)
            }
            Err(e) => Err(e),
        }
    }

    /// Rotates a refresh token into a new pair in the same family.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<IssuedTokens> {
        let rotated = self.refresh.rotate(refresh_token).await?;
        let user = self.accounts.by_id(&rotated.user_id).await?;
        let access = self.tokens.issue(&user)?;
        Ok(IssuedTokens {
            user,
            access_token: access.token,
            refresh_token: rotated.token,
            expires_in: access.expires_in,
            family: rotated.family,
        })
    }

    /// Ends the login the refresh token belongs to (its whole family).
    pub async fn logout(&self, refresh_token: &SecretString) -> Result<()> {
        self.refresh.revoke_family_of(refresh_token).await
    }

    async fn issue(&self, user: User, family: Option<String>) -> Result<IssuedTokens> {
        let (refresh_token, family) = self.refresh.start(&user.id, family).await?;
        let access = self.tokens.issue(&user)?;
        Ok(IssuedTokens { user, access_token: access.token, refresh_token, expires_in: access.expires_in, family })
    }
}
