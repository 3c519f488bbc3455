//! Accounts in the UI: register, sign in and out, verify the address, recover a forgotten
//! password, and the account page with its security settings and the user's sessions on
//! every device.

mod api;
mod pages;
mod recovery;
mod renew;
mod security;

pub use api::{current_account, end_my_session, my_sessions, register_account, sign_in, sign_out};
pub use pages::{AccountPage, LoginPage, RegisterPage};
pub use recovery::{ForgotPage, ResetPage, VerifyPage};
pub use renew::keep_signed_in;

use leptos::prelude::*;

/// Bumped after sign-in or sign-out so everything showing the user reloads it.
#[derive(Clone, Copy)]
pub struct AuthVersion(pub RwSignal<u32>);

impl AuthVersion {
    /// Marks the signed-in user as changed.
    pub fn bump(self) {
        self.0.update(|v| *v += 1);
    }
}
