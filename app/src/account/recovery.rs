//! The pages a mailed link opens, and the way to ask for one: `/verify` (prove an address),
//! `/forgot` (ask for a reset link) and `/reset` (choose a new password). Each is a plain form,
//! so it works before the page has hydrated; nothing changes on a mere visit (mail scanners
//! open links too).

use super::api::{RequestPasswordReset, ResetPassword, VerifyEmail};
use super::AuthVersion;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The `token` of this page's address.
fn token_from_query() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("token").unwrap_or_default())
}

/// A refusal to show under a form: the field's message for `field`, else the error itself.
fn refusal<T>(value: Option<Result<T, AppError>>) -> Option<String> {
    match value {
        Some(Err(AppError::Invalid { message, .. })) => Some(capitalize(&message)),
        Some(Err(e)) => Some(capitalize(&e.to_string())),
        _ => None,
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `/verify?token=…`: confirms the address the link was mailed to.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let token = token_from_query();
    let value = action.value();
    let version = use_context::<AuthVersion>();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(v)) = (value.get(), version) {
            v.bump();
        }
    });
    view! {
        <Title text=format!("Confirm your email · {}", crate::SHOP_NAME)/>
        <section class="auth-card">
            <h1>"Confirm your email"</h1>
            {move || match value.get() {
                Some(Ok(user)) => view! {
                    <p class="notice notice--ok" role="status" data-verified="true">
                        {format!("Thank you: {} is verified.", user.email)}
                    </p>
                    <p><a class="link" href="/account">"Go to your account"</a></p>
                }.into_any(),
                _ => view! {
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="token" prop:value=move || token.get()/>
                        <p class="muted">"Confirm that this address is yours to finish setting up your account."</p>
                        {move || refusal(value.get()).map(|e| view! { <p class="form__error" role="alert">{e}</p> })}
                        <button type="submit" class="button" disabled=move || action.pending().get()>"Confirm my email"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

/// `/forgot`: asks for a reset link.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    view! {
        <Title text=format!("Forgot your password · {}", crate::SHOP_NAME)/>
        <section class="auth-card">
            <h1>"Forgot your password?"</h1>
            {move || match value.get() {
                Some(Ok(())) => view! {
                    <p class="notice notice--ok" role="status">
                        "If an account uses this address, a link to reset its password is on its way. It works once, for 30 minutes."
                    </p>
                }.into_any(),
                _ => view! {
                    <ActionForm action=action attr:class="form">
                        <label for="forgot-email">"Email"</label>
                        <input id="forgot-email" type="email" name="email" autocomplete="email" required/>
                        {move || refusal(value.get()).map(|e| view! { <p class="form__error" role="alert">{e}</p> })}
                        <button type="submit" class="button" disabled=move || action.pending().get()>"Send me a link"</button>
                    </ActionForm>
                }.into_any(),
            }}
            <p class="muted"><a class="link" href="/login">"Back to sign in"</a></p>
        </section>
    }
}

/// `/reset?token=…`: chooses a new password.
#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let token = token_from_query();
    let value = action.value();
    view! {
        <Title text=format!("Choose a new password · {}", crate::SHOP_NAME)/>
        <section class="auth-card">
            <h1>"Choose a new password"</h1>
            {move || match value.get() {
                Some(Ok(())) => view! {
                    <p class="notice notice--ok" role="status">
                        "Your password is changed, and every device that was signed in is signed out."
                    </p>
                    <p><a class="link" href="/login">"Sign in with your new password"</a></p>
                }.into_any(),
                _ => view! {
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="token" prop:value=move || token.get()/>
                        <label for="reset-password">"New password"</label>
                        <input id="reset-password" type="password" name="password" autocomplete="new-password" minlength="8" maxlength="128" required/>
                        <p class="muted form__hint">"8 to 128 characters."</p>
                        {move || refusal(value.get()).map(|e| view! { <p class="form__error" role="alert">{e}</p> })}
                        <button type="submit" class="button" disabled=move || action.pending().get()>"Set new password"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}
