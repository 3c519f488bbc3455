//! Keeps a browser signed in: the access cookie lives minutes (`JWT_EXPIRATION_MINUTES`) and
//! the refresh cookie is only sent to `/v1/auth`, so the page itself trades the refresh token
//! for a new pair before the access cookie lapses, and once on load when the server rendered a
//! signed-out page for a browser that still holds a sign-in. Runs only in the browser.

use super::AuthVersion;
use crate::cart::CartVersion;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// The `signed_in` hint cookie's value: the access token's lifetime in seconds.
fn hint() -> Option<u64> {
    let document = document().dyn_into::<web_sys::HtmlDocument>().ok()?;
    let cookies = document.cookie().ok()?;
    model::cookies::cookie_in(&cookies, model::cookies::SIGNED_IN_COOKIE)?.parse().ok()
}

fn forget_hint() {
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(model::cookies::SIGNED_IN_CLEARED);
    }
}

/// `POST /v1/auth/refresh` with the browser's cookies; true when a new pair was issued.
async fn refresh() -> bool {
    for attempt in 0..2 {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        let promise = window().fetch_with_str_and_init("/v1/auth/refresh", &init);
        let Ok(response) = wasm_bindgen_futures::JsFuture::from(promise).await else { return false };
        let Ok(response) = response.dyn_into::<web_sys::Response>() else { return false };
        match response.status() {
            401 => {
                // The sign-in is gone (signed out elsewhere, expired or revoked): stop trying.
                forget_hint();
                return false;
            }
            // Another tab renewed with the same cookie a moment ago: its new cookies are (or are
            // about to be) this tab's too, so one more try a little later renews with them.
            409 if attempt == 0 => pause(500).await,
            _ => return response.ok(),
        }
    }
    false
}

/// Resolves after `ms` milliseconds.
async fn pause(ms: i32) {
    let promise = wasm_bindgen_futures::js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Starts the renewal for this page. `signed_in` says whether the server rendered the page for
/// a signed-in user.
pub fn keep_signed_in(signed_in: Signal<Option<bool>>, auth: AuthVersion, cart: CartVersion) {
    // On load: signed out on the page, but the browser still has a sign-in to renew.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match signed_in.get() {
            None => false,
            Some(true) => true,
            Some(false) => {
                if hint().is_some() {
                    leptos::task::spawn_local(async move {
                        if refresh().await {
                            auth.bump();
                            cart.bump();
                        }
                    });
                }
                true
            }
        }
    });
    // While the page is open: renew at two thirds of the access token's lifetime.
    Effect::new(move |_| {
        let Some(lifetime) = hint() else { return };
        let every = Duration::from_secs((lifetime * 2 / 3).max(30));
        let _ = set_interval_with_handle(
            move || {
                if hint().is_some() {
                    leptos::task::spawn_local(async move {
                        refresh().await;
                    });
                }
            },
            every,
        );
    });
}
