//! `/v1/auth`: register, login, refresh, logout and me. Browsers also get the tokens as cookies.

use crate::caller::{self, AuthUser};
use crate::client::{ClientKey, Via};
use crate::edge::ApiJson;
use crate::edge::{ApiError, ErrorBody};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use engine::identity::IssuedTokens;
use engine::usecases::{Arrival, SignIn};
use model::cookies::{self, Presented, Transport};
use model::{Channel, Email, SessionInfo, User};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/auth/register` body.
#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// Login email (case and surrounding spaces are ignored).
    email: String,
    /// 8 to 128 characters.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
    /// Display name, 1 to 100 characters.
    name: String,
}

/// `POST /v1/auth/login` body.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login email.
    email: String,
    /// Password.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// `POST /v1/auth/refresh` and `/logout` body; browsers may send the cookie instead.
#[derive(Deserialize, ToSchema, Default)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[schema(value_type = Option<String>)]
    refresh_token: Option<SecretString>,
}

/// A signed-in session's tokens.
#[derive(Serialize, ToSchema)]
pub struct AuthResponse {
    /// The account.
    user: User,
    /// RS256 JWT for `Authorization: Bearer`.
    access_token: String,
    /// Single-use refresh token.
    refresh_token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: u64,
    /// The session this sign-in continues (absent on refresh).
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<SessionOutcome>,
}

/// What signing in did to the caller's session.
#[derive(Serialize, ToSchema)]
pub struct SessionOutcome {
    /// The session this client continues in.
    session: SessionInfo,
    /// Set when a new session was started for this client, or its guest session was promoted
    /// (the token rotates on promotion): send it as `X-Session-Token` from now on.
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<String>,
    /// True when the guest session the client came with was promoted into the account now.
    promoted: bool,
    /// Per kind of data (cart, conversation ...), how many items the promotion merged.
    merged: std::collections::BTreeMap<String, u64>,
}

/// `POST /v1/auth/verify-email` body.
#[derive(Deserialize, ToSchema)]
pub struct VerifyEmailRequest {
    /// The token from the mailed link (`/verify?token=…`).
    #[schema(value_type = String)]
    token: SecretString,
}

/// `POST /v1/auth/password-reset` body.
#[derive(Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    /// The account's email.
    email: String,
}

/// `POST /v1/auth/password-reset/confirm` body.
#[derive(Deserialize, ToSchema)]
pub struct PasswordResetConfirm {
    /// The token from the mailed link (`/reset?token=…`).
    #[schema(value_type = String)]
    token: SecretString,
    /// The new password, 8 to 128 characters.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// `DELETE /v1/auth/account` body.
#[derive(Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    /// The account's password: deleting is for good.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// `POST /v1/auth/password` body.
#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[schema(value_type = String, format = Password)]
    current_password: SecretString,
    /// The new password, 8 to 128 characters.
    #[schema(value_type = String, format = Password)]
    new_password: SecretString,
}

/// `POST /v1/auth/email` body.
#[derive(Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    /// The new address; it takes effect when the link mailed to it is opened.
    email: String,
    /// The password in use now.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// An accepted request whose effect arrives by mail.
#[derive(Serialize, ToSchema)]
pub struct Accepted {
    /// What happens next.
    message: &'static str,
}

/// `GET /v1/auth/me` answer.
#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    /// The signed-in account.
    user: User,
}

/// Creates a customer account and signs it in.
#[utoipa::path(post, path = "/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AuthResponse), (status = 409, description = "Email taken", body = ErrorBody),
              (status = 422, description = "A field is invalid", body = ErrorBody),
              (status = 429, description = "Too many registrations from this address", body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    ClientKey(client): ClientKey,
    Via(transport): Via,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let email = Email::parse(&body.email).map_err(|e| ApiError::invalid("email", e.to_string()))?;
    let how = SignIn::Register { client: &client, email, password: body.password, name: &body.name };
    let (presented, channel, device) = arrival(&headers, transport);
    let done = state.services.sign_in(how, Arrival { presented: presented.as_ref(), channel, device: &device }).await?;
    Ok(signed_in(StatusCode::CREATED, transport, &state, done.issued, Some(done.session.into())))
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AuthResponse), (status = 401, description = "Wrong email or password", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Via(transport): Via,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let how = SignIn::Login { email: &body.email, password: body.password };
    let (presented, channel, device) = arrival(&headers, transport);
    let arrival = Arrival { presented: presented.as_ref(), channel, device: &device };
    let done = state.services.sign_in(how, arrival).await.map_err(|e| match e {
        engine::Error::Unauthorized => ApiError::bad_credentials(),
        other => other.into(),
    })?;
    Ok(signed_in(StatusCode::OK, transport, &state, done.issued, Some(done.session.into())))
}

/// Trades a refresh token (body or cookie) for a new pair; the old one is spent.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = AuthResponse), (status = 401, description = "Unknown, spent, expired or revoked", body = ErrorBody),
              (status = 409, description = "Renewed by another request within the last 10 s (two tabs at once); nothing revoked, use the newest token", body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    Via(transport): Via,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let token = refresh_token(&headers, transport, &body)?.ok_or_else(ApiError::unauthenticated)?;
    let issued = state.services.identity.refresh(&token).await?;
    Ok(signed_in(StatusCode::OK, transport, &state, issued, None))
}

/// Ends this login (revokes its token family), ends the caller's session when it is the
/// signed-in user's, and clears the cookies.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")))]
pub async fn logout(
    State(state): State<AppState>,
    Via(transport): Via,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let refresh = refresh_token(&headers, transport, &body)?;
    // An expired access token must not stop a sign-out, so it is not extracted (refused) here.
    state.services.sign_out(refresh.as_ref(), &Presented::from_headers(&headers, transport)).await?;
    let [a, r, h] = cookies::logout_cookies(transport);
    // AppendHeaders: one Set-Cookie header each, not one overwriting the other.
    let cookies = AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, r), (header::SET_COOKIE, h)]);
    Ok((StatusCode::NO_CONTENT, cookies).into_response())
}

/// The signed-in account.
#[utoipa::path(get, path = "/v1/auth/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<MeResponse>, ApiError> {
    let user = state.services.identity.accounts.by_id(&user.claims.sub).await.map_err(|e| match e {
        // A token for a deleted account is no longer a valid token.
        engine::Error::NotFound(_) => ApiError::bad_token(),
        other => other.into(),
    })?;
    Ok(Json(MeResponse { user }))
}

/// Opens a verification link: the address it was mailed to is proven (and becomes the
/// account's, for an email change), and guest orders placed with it join the account.
#[utoipa::path(post, path = "/v1/auth/verify-email", tag = "auth", request_body = VerifyEmailRequest,
    responses((status = 200, body = MeResponse), (status = 409, description = "The address now belongs to another account", body = ErrorBody),
              (status = 422, description = "Unknown, expired or used link", body = ErrorBody)))]
pub async fn verify_email(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<VerifyEmailRequest>,
) -> Result<Json<MeResponse>, ApiError> {
    Ok(Json(MeResponse { user: state.services.verify_email(&body.token).await? }))
}

/// Mails a new verification link to the signed-in user's address (once a minute, five a day).
#[utoipa::path(post, path = "/v1/auth/verify-email/resend", tag = "auth",
    responses((status = 202, body = Accepted), (status = 401, body = ErrorBody),
              (status = 409, description = "Already verified", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn resend_verification(State(state): State<AppState>, user: AuthUser) -> Result<Response, ApiError> {
    state.services.identity.resend_verification(&user.claims.sub).await?;
    Ok(accepted("A new verification link is on its way."))
}

/// Mails a password-reset link when the address has an account. The answer is 202 either way:
/// it never tells whether an address is registered.
#[utoipa::path(post, path = "/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202, body = Accepted), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn password_reset(
    State(state): State<AppState>,
    ClientKey(client): ClientKey,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> Result<Response, ApiError> {
    state.services.identity.request_password_reset(&body.email, &client).await?;
    Ok(accepted("If an account uses this address, a link to reset its password is on its way."))
}

/// Sets a new password through a mailed link; every login of the account ends.
#[utoipa::path(post, path = "/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses((status = 204, description = "Password changed; sign in with it"),
              (status = 422, description = "Unknown, expired or used link, or a password that breaks the rules", body = ErrorBody)))]
pub async fn password_reset_confirm(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetConfirm>,
) -> Result<StatusCode, ApiError> {
    state.services.identity.confirm_password_reset(&body.token, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the signed-in user's password (the current one must match).
#[utoipa::path(post, path = "/v1/auth/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state.services.identity.change_password(&user.claims.sub, body.current_password, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the signed-in account for good: logins, cart, memory and conversation go; orders stay
/// as records of sale without name, street, email or saved card. The browser's cookies are cleared.
#[utoipa::path(delete, path = "/v1/auth/account", tag = "auth", request_body = DeleteAccountRequest,
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
              (status = 422, description = "Wrong password", body = ErrorBody)))]
pub async fn delete_account(
    State(state): State<AppState>,
    user: AuthUser,
    Via(transport): Via,
    ApiJson(body): ApiJson<DeleteAccountRequest>,
) -> Result<Response, ApiError> {
    state.services.delete_account(&user.claims.sub, body.password).await?;
    let [a, r, h] = cookies::logout_cookies(transport);
    let cookies = AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, r), (header::SET_COOKIE, h)]);
    Ok((StatusCode::NO_CONTENT, cookies).into_response())
}

/// Starts moving the signed-in account to a new address: a link goes to it, and the change
/// takes effect when it is opened.
#[utoipa::path(post, path = "/v1/auth/email", tag = "auth", request_body = ChangeEmailRequest,
    responses((status = 202, body = Accepted), (status = 401, body = ErrorBody),
              (status = 409, description = "Taken", body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_email(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<ChangeEmailRequest>,
) -> Result<Response, ApiError> {
    let email = Email::parse(&body.email).map_err(|e| ApiError::invalid("email", e.to_string()))?;
    state.services.identity.request_email_change(&user.claims.sub, body.password, email).await?;
    Ok(accepted("Open the link we sent to the new address to finish the change."))
}

pub(super) fn accepted(message: &'static str) -> Response {
    (StatusCode::ACCEPTED, Json(Accepted { message })).into_response()
}

/// The refresh token from an optional JSON body, else from the browser's cookie.
fn refresh_token(headers: &HeaderMap, transport: Transport, body: &[u8]) -> Result<Option<SecretString>, ApiError> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let parsed: RefreshRequest = serde_json::from_slice(body)
            .map_err(|_| ApiError::invalid("refresh_token", "send {\"refresh_token\": \"...\"} or no body"))?;
        parsed.refresh_token.filter(|t| !t.expose_secret().is_empty())
    };
    Ok(from_body.or_else(|| cookies::cookie(headers, transport.refresh()).map(SecretString::from)))
}

/// Where this sign-in happens: the session token presented, the channel (a browser sends
/// Origin on these posts; anything else is an API client unless it says) and the device.
fn arrival(headers: &HeaderMap, transport: Transport) -> (Option<SecretString>, Channel, String) {
    let default = if headers.contains_key(header::ORIGIN) { Channel::Web } else { Channel::Api };
    let presented = cookies::presented_session(headers, transport).map(SecretString::from);
    (presented, caller::channel(headers, default), cookies::device(headers))
}

impl From<engine::sessions::SignInSession> for SessionOutcome {
    fn from(outcome: engine::sessions::SignInSession) -> Self {
        Self {
            session: outcome.session,
            session_token: outcome.new_token.map(|t| t.expose_secret().to_string()),
            promoted: outcome.promoted,
            merged: outcome.merged.into_iter().collect(),
        }
    }
}

fn signed_in(
    status: StatusCode,
    transport: Transport,
    state: &AppState,
    issued: IssuedTokens,
    session: Option<SessionOutcome>,
) -> Response {
    let refresh_secs = u64::from(state.services.identity.refresh.ttl_days()) * 24 * 3600;
    let [a, r, h] = cookies::login_cookies(
        &issued.access_token,
        issued.expires_in,
        issued.refresh_token.expose_secret(),
        refresh_secs,
        transport,
    );
    let session_cookie =
        session.as_ref().and_then(|s| s.session_token.as_ref()).map(|t| cookies::session_cookie(t, transport));
    let body = AuthResponse {
        user: issued.user,
        access_token: issued.access_token,
        refresh_token: issued.refresh_token.expose_secret().to_string(),
        token_type: "Bearer",
        expires_in: issued.expires_in,
        session,
    };
    // AppendHeaders: several Set-Cookie headers, none overwriting another.
    let mut cookies = vec![(header::SET_COOKIE, a), (header::SET_COOKIE, r), (header::SET_COOKIE, h)];
    cookies.extend(session_cookie.map(|c| (header::SET_COOKIE, c)));
    (status, AppendHeaders(cookies), [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
