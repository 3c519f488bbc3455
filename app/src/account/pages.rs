//! Sign-in, registration and account pages.

use super::api::{current_account, my_sessions, RegisterAccount, SignIn, SignOut};
use super::AuthVersion;
use crate::error::AppError;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The message for `field` when the server refused it.
fn field_error(result: Option<Result<model::User, AppError>>, field: &str) -> Option<String> {
    match result {
        Some(Err(AppError::Invalid { field: f, message })) if f == field => Some(message),
        _ => None,
    }
}

/// An error not tied to one field (wrong password, taken email, server failure).
fn form_error(result: Option<Result<model::User, AppError>>) -> Option<String> {
    match result {
        Some(Err(AppError::Invalid { .. })) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(e.to_string()),
    }
}

/// After a successful sign-in: reload what shows the user and go to the account page.
fn on_signed_in(value: impl Get<Value = Option<Result<model::User, AppError>>> + Send + Sync + 'static) {
    let navigate = use_navigate();
    let version = use_context::<AuthVersion>();
    Effect::new(move |_| {
        if let Some(Ok(_)) = value.get() {
            if let Some(v) = version {
                v.bump();
            }
            navigate("/account", Default::default());
        }
    });
}

/// `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    on_signed_in(action.value());
    let value = action.value();
    view! {
        <Title text=format!("Sign in · {}", crate::SHOP_NAME)/>
        <section class="auth-card">
            <h1>"Sign in"</h1>
            <ActionForm action=action attr:class="form">
                <label for="login-email">"Email"</label>
                <input id="login-email" type="email" name="email" autocomplete="email" required/>
                <label for="login-password">"Password"</label>
                <input id="login-password" type="password" name="password" autocomplete="current-password" required/>
                {move || form_error(value.get()).map(|e| view! { <p class="form__error" role="alert">{e}</p> })}
                <button type="submit" class="button" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="muted">"New here? " <a class="link" href="/register">"Create an account"</a></p>
            <p class="muted"><a class="link" href="/forgot">"Forgot your password?"</a></p>
        </section>
    }
}

/// `/register`.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<RegisterAccount>::new();
    on_signed_in(action.value());
    let value = action.value();
    let error_for = move |field: &'static str| {
        move || field_error(value.get(), field).map(|e| view! { <p class="form__error" role="alert">{e}</p> })
    };
    view! {
        <Title text=format!("Create an account · {}", crate::SHOP_NAME)/>
        <section class="auth-card">
            <h1>"Create an account"</h1>
            <ActionForm action=action attr:class="form">
                <label for="register-name">"Name"</label>
                <input id="register-name" type="text" name="name" autocomplete="name" maxlength="100" required/>
                {error_for("name")}
                <label for="register-email">"Email"</label>
                <input id="register-email" type="email" name="email" autocomplete="email" required/>
                {error_for("email")}
                <label for="register-password">"Password"</label>
                <input id="register-password" type="password" name="password" autocomplete="new-password" minlength="8" maxlength="128" required/>
                <p class="muted form__hint">"8 to 128 characters."</p>
                {error_for("password")}
                {move || form_error(value.get()).map(|e| view! { <p class="form__error" role="alert">{e}</p> })}
                <button type="submit" class="button" disabled=move || action.pending().get()>"Create account"</button>
            </ActionForm>
            <p class="muted">"Already have an account? " <a class="link" href="/login">"Sign in"</a></p>
        </section>
    }
}

/// `/account`: who is signed in, and their sessions on every device.
#[component]
pub fn AccountPage() -> impl IntoView {
    let version = use_context::<AuthVersion>();
    let end = ServerAction::<super::api::EndMySession>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(move || version.map(|v| v.0.get()), |_| current_account());
    let sessions = Resource::new(move || (version.map(|v| v.0.get()), end.version().get()), |_| my_sessions());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            if let Some(v) = version {
                v.bump();
            }
            navigate("/", Default::default());
        }
    });
    view! {
        <Title text=format!("Your account · {}", crate::SHOP_NAME)/>
        <Suspense fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! {
                        <section class="account">
                            <h1>{format!("Hello, {}", user.name)}</h1>
                            <p><a class="link" href="/account/memory">"What we remember about you"</a></p>
                            <ActionForm action=sign_out>
                                <button type="submit" class="button button--ghost">"Sign out"</button>
                            </ActionForm>
                            <super::security::AccountSecurity user=user.clone()/>
                            <h2>"Your sessions"</h2>
                            <SessionList sessions end/>
                        </section>
                    }.into_any(),
                    Ok(None) => view! {
                        <section class="notice">
                            <h1>"You are not signed in"</h1>
                            <p><a class="link" href="/login">"Sign in"</a>" or "<a class="link" href="/register">"create an account"</a></p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionList(
    sessions: Resource<Result<model::SessionList, AppError>>,
    end: ServerAction<super::api::EndMySession>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match sessions.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) => {
                    let current = list.current.clone();
                    view! {
                        <ul class="sessions">
                            {list.items.into_iter().map(|s| {
                                let is_current = current.as_deref() == Some(s.id.as_str());
                                let id = s.id.clone();
                                view! {
                                    <li class="sessions__item" data-session-id=s.id.clone()>
                                        <div>
                                            <strong>{s.device.clone()}</strong>
                                            <span class="muted">{format!(" · {:?} · last seen {}", s.channel, short_time(&s.last_seen_at))}</span>
                                            {is_current.then(|| view! { <span class="badge">"This device"</span> })}
                                        </div>
                                        {(!is_current).then(|| view! {
                                            <button class="button button--ghost" on:click=move |_| { end.dispatch(super::api::EndMySession { id: id.clone() }); }>
                                                "Sign out this device"
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `2026-11-26T15:04:05.123Z` as `2026-11-26 15:04`.
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| rfc3339.to_string())
}
