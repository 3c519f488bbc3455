//! Server functions for accounts and sessions: the same engine calls as `/v1/auth` and
//! `/v1/sessions`, with the tokens in cookies.

use crate::error::AppError;
use leptos::prelude::*;
use model::{SessionList, User};

/// The signed-in user, if any.
#[server]
pub async fn current_account() -> Result<Option<User>, AppError> {
    let Some(claims) = crate::ssr::current_claims()? else { return Ok(None) };
    match crate::ssr::services()?.identity.accounts.by_id(&claims.sub).await {
        Ok(user) => Ok(Some(user)),
        Err(engine::Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Creates an account, signs it in and keeps this browser's guest session (and its cart).
#[server]
pub async fn register_account(email: String, password: String, name: String) -> Result<User, AppError> {
    let services = crate::ssr::services()?;
    let email =
        model::Email::parse(&email).map_err(|e| AppError::Invalid { field: "email".into(), message: e.to_string() })?;
    let client = crate::ssr::client_address();
    let how = engine::usecases::SignIn::Register { client: &client, email, password: password.into(), name: &name };
    crate::ssr::sign_in_browser(&services, how).await
}

/// Signs in with email and password.
#[server]
pub async fn sign_in(email: String, password: String) -> Result<User, AppError> {
    let services = crate::ssr::services()?;
    let how = engine::usecases::SignIn::Login { email: &email, password: password.into() };
    crate::ssr::sign_in_browser(&services, how).await.map_err(|e| match e {
        AppError::Unauthorized(_) => AppError::Unauthorized("Wrong email or password.".into()),
        other => other,
    })
}

/// Signs out: ends this login's token family and this browser's session, clears the cookies.
#[server]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::cookies;
    let transport = crate::ssr::transport();
    // The refresh cookie is scoped to /v1/auth, so a browser's server function rarely has it.
    let refresh = cookies::cookie(&crate::ssr::request_headers(), transport.refresh()).map(secrecy::SecretString::from);
    crate::ssr::services()?.sign_out(refresh.as_ref(), &crate::ssr::presented()).await?;
    for cookie in cookies::logout_cookies(transport) {
        crate::ssr::set_cookie(&cookie);
    }
    Ok(())
}

/// The signed-in user's sessions on every device (none when signed out: the page then offers
/// to sign in, and a page that was open while signing out must not fail).
#[server]
pub async fn my_sessions() -> Result<SessionList, AppError> {
    let Some(claims) = crate::ssr::current_claims()? else {
        return Ok(SessionList { items: vec![], current: None });
    };
    Ok(crate::ssr::services()?.my_sessions(&claims.sub, &crate::ssr::presented()).await?)
}

/// Ends one of the signed-in user's sessions ("sign out this device").
#[server]
pub async fn end_my_session(id: String) -> Result<(), AppError> {
    let claims = crate::ssr::require_claims()?;
    Ok(crate::ssr::services()?.sessions.end(&claims.sub, &id).await?)
}

/// Opens a verification link (`/verify?token=…`): the address is proven, and guest orders
/// placed with it join the account.
#[server]
pub async fn verify_email(token: String) -> Result<User, AppError> {
    Ok(crate::ssr::services()?.verify_email(&token.into()).await?)
}

/// Mails the signed-in user a new verification link.
#[server]
pub async fn resend_verification() -> Result<(), AppError> {
    let claims = crate::ssr::require_claims()?;
    Ok(crate::ssr::services()?.identity.resend_verification(&claims.sub).await?)
}

/// Mails a reset link when the address has an account (the answer never says whether it has).
#[server]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let client = crate::ssr::client_address();
    Ok(crate::ssr::services()?.identity.request_password_reset(&email, &client).await?)
}

/// Sets a new password through a reset link; every login of the account ends.
#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    crate::ssr::services()?.identity.confirm_password_reset(&token.into(), password.into()).await?;
    Ok(())
}

/// Changes the signed-in user's password.
#[server]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let claims = crate::ssr::require_claims()?;
    let services = crate::ssr::services()?;
    Ok(services.identity.change_password(&claims.sub, current_password.into(), new_password.into()).await?)
}

/// Deletes the signed-in account for good (the password and the ticked box say it is meant),
/// clears the browser's cookies and goes to the home page.
#[server]
pub async fn delete_account(password: String, understood: Option<String>) -> Result<(), AppError> {
    use crate::ssr::cookies;
    if understood.is_none() {
        return Err(AppError::Invalid {
            field: "understood".into(),
            message: "Tick the box to confirm you want the account deleted.".into(),
        });
    }
    let claims = crate::ssr::require_claims()?;
    let services = crate::ssr::services()?;
    services.delete_account(&claims.sub, password.into()).await?;
    for cookie in cookies::logout_cookies(crate::ssr::transport()) {
        crate::ssr::set_cookie(&cookie);
    }
    leptos_axum::redirect("/?account=deleted");
    Ok(())
}

/// Starts moving the signed-in account to a new address (a link goes to it).
#[server]
pub async fn change_email(email: String, password: String) -> Result<(), AppError> {
    let claims = crate::ssr::require_claims()?;
    let email =
        model::Email::parse(&email).map_err(|e| AppError::Invalid { field: "email".into(), message: e.to_string() })?;
    Ok(crate::ssr::services()?.identity.request_email_change(&claims.sub, password.into(), email).await?)
}
