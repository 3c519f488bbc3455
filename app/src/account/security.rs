//! The account page's security section: whether the address is verified (and a new link),
//! changing the password (the current one is needed) and moving to a new address (verified
//! before it takes effect).

use super::api::{ChangeEmail, ChangePassword, DeleteAccount, ResendVerification};
use crate::error::AppError;
use leptos::prelude::*;
use model::User;

fn message<T>(value: Option<Result<T, AppError>>, ok: &'static str) -> Option<(bool, String)> {
    match value? {
        Ok(_) => Some((true, ok.to_string())),
        Err(e) => Some((false, e.to_string())),
    }
}

fn outcome(result: Option<(bool, String)>) -> impl IntoView {
    result.map(|(ok, text)| {
        let class = if ok { "notice notice--ok" } else { "form__error" };
        view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
    })
}

/// Verification, password and address.
#[component]
pub fn AccountSecurity(user: User) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    // The account is gone: what shows the user (the header, the cart) reloads, so the page the
    // server redirects to shows a signed-out browser.
    let (auth, cart) = (use_context::<super::AuthVersion>(), use_context::<crate::cart::CartVersion>());
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            if let Some(v) = auth {
                v.bump();
            }
            if let Some(v) = cart {
                v.bump();
            }
        }
    });
    let verified = user.email_verified;
    view! {
        <section class="account__security">
            <h2>"Sign-in and security"</h2>
            // A div, not a p: a form may not sit inside a paragraph (the browser would move it and
            // the page would no longer match what hydration expects).
            <div class="account__email" data-email-verified=verified.to_string()>
                {user.email.to_string()}
                {if verified {
                    view! { <span class="badge">"Verified"</span> }.into_any()
                } else {
                    view! {
                        <span class="badge badge--warn">"Not verified"</span>
                        <span class="muted">" Open the link we mailed you to confirm it. "</span>
                        <ActionForm action=resend attr:class="inline-form">
                            <button type="submit" class="button button--ghost" disabled=move || resend.pending().get()>"Send the link again"</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
            {move || outcome(message(resend.value().get(), "A new link is on its way."))}
            <details class="account__form">
                <summary>"Change password"</summary>
                <ActionForm action=password attr:class="form">
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" type="password" name="current_password" autocomplete="current-password" required/>
                    <label for="new-password">"New password"</label>
                    <input id="new-password" type="password" name="new_password" autocomplete="new-password" minlength="8" maxlength="128" required/>
                    {move || outcome(message(password.value().get(), "Your password is changed."))}
                    <button type="submit" class="button" disabled=move || password.pending().get()>"Change password"</button>
                </ActionForm>
            </details>
            <details class="account__form">
                <summary>"Change email"</summary>
                <ActionForm action=email attr:class="form">
                    <label for="new-email">"New email"</label>
                    <input id="new-email" type="email" name="email" autocomplete="email" required/>
                    <label for="email-password">"Current password"</label>
                    <input id="email-password" type="password" name="password" autocomplete="current-password" required/>
                    {move || outcome(message(email.value().get(), "Open the link we sent to the new address to finish the change."))}
                    <button type="submit" class="button" disabled=move || email.pending().get()>"Change email"</button>
                </ActionForm>
            </details>
            <details class="account__form account__delete">
                <summary>"Delete account"</summary>
                <ActionForm action=delete attr:class="form">
                    <p class="muted">"This cannot be undone. Your sign-ins, cart, saved preferences, history and conversation are erased. Orders stay in our records of sale, without your name, street, email or saved card."</p>
                    <label for="delete-password">"Current password"</label>
                    <input id="delete-password" type="password" name="password" autocomplete="current-password" required/>
                    <label class="checkbox"><input type="checkbox" name="understood" value="yes" required/>" I understand my account is deleted for good"</label>
                    {move || outcome(message(delete.value().get(), "Your account is deleted."))}
                    <button type="submit" class="button button--danger" disabled=move || delete.pending().get()>"Delete my account"</button>
                </ActionForm>
            </details>
        </section>
    }
}
