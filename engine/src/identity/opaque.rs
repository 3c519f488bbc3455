//! Opaque bearer secrets (refresh and session tokens): 32 random bytes, base64url, stored only
//! as their SHA-256 so a database leak hands out no usable token.

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};

/// A new token and the hash to store for it.
pub(crate) fn new_token() -> (SecretString, String) {
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::rngs::OsRng, &mut bytes);
    let token = SecretString::from(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_of(&token);
    (token, hash)
}

/// The stored form of a token: SHA-256, hex.
pub(crate) fn hash_of(token: &SecretString) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.expose_secret().as_bytes()))
}
