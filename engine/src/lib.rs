//! Everything server-only: the SurrealDB store, the catalog, the seed data and (as the issues land)
//! identity, sessions, cart, checkout, orders, memory and the assistant.
//!
//! No leptos, no axum: the HTTP layers call into [`Services`] and map [`Error`] to their own types.

pub mod assistant;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod client;
pub mod clock;
pub mod error;
pub mod identity;
pub mod mail;
pub mod memory;
pub mod orders;
pub mod seed;
pub mod sessions;
pub mod shopper;
pub mod store;
pub mod terms;
pub mod throttle;

pub use error::{Error, Result};

use catalog::Catalog;
use identity::{Identity, JwtKeys, TokenIssuer};
use std::sync::Arc;
use store::Store;

/// One cheap-to-clone handle to every engine service (each holds an `Arc` or a cloneable client).
#[derive(Clone)]
pub struct Services {
    /// The database handle, for readiness checks and shutdown.
    pub store: Store,
    /// Products and categories.
    pub catalog: Catalog,
    /// Accounts and tokens.
    pub identity: Identity,
    /// Guest and user sessions.
    pub sessions: sessions::Sessions,
    /// Carts, discount codes and totals.
    pub carts: cart::Carts,
    /// Placing orders.
    pub checkout: checkout::Checkout,
    /// Reading and moving orders.
    pub orders: orders::Orders,
    /// The shopping assistant.
    pub assistant: assistant::Assistant,
    /// Preferences, signals, affinities and recommendations.
    pub memory: memory::Memory,
    /// Mail waiting to be sent (the worker drains it; admins list and retry it).
    pub outbox: mail::Outbox,
}

/// Pricing, payment and time for [`Services::with_commerce`].
#[derive(Clone, Debug)]
pub struct CommerceSettings {
    /// Shipping rates, free-shipping threshold, tax rate.
    pub pricing: cart::pricing::PricingSettings,
    /// Where cards are charged.
    pub payments: Arc<dyn checkout::payment::PaymentProvider>,
    /// What time it is.
    pub clock: Arc<dyn clock::Clock>,
    /// How fast affinities fade.
    pub memory: memory::MemorySettings,
    /// The shop's name and public address, for mail.
    pub mail: mail::MailSettings,
    /// The return window and the countries checkout ships to.
    pub terms: terms::Terms,
    /// Days a guest's order link works (`GUEST_ORDER_LINK_DAYS`).
    pub guest_link_days: u32,
}

impl Default for CommerceSettings {
    /// Default pricing, the test-mode payment provider and the system clock.
    fn default() -> Self {
        Self {
            pricing: cart::pricing::PricingSettings::default(),
            payments: Arc::new(checkout::payment::TestPaymentProvider::default()),
            clock: Arc::new(clock::SystemClock),
            memory: memory::MemorySettings::default(),
            mail: mail::MailSettings::default(),
            terms: terms::Terms::default(),
            guest_link_days: 90,
        }
    }
}

/// Token lifetimes and keys for [`Services::new`].
#[derive(Clone, Debug)]
pub struct IdentitySettings {
    /// RS256 key pair.
    pub keys: JwtKeys,
    /// Access-token lifetime in minutes.
    pub access_minutes: u32,
    /// Refresh-token lifetime in days.
    pub refresh_days: u32,
    /// Days a session may go unused before it stops working.
    pub session_idle_days: u32,
    /// Accounts one client address may register an hour (0: no limit).
    pub registrations_per_hour: u32,
}

impl IdentitySettings {
    /// A fresh key pair with the default lifetimes (15 minutes, 7 days, 30 idle days): for tests and tools.
    pub fn ephemeral() -> Result<Self> {
        Ok(Self {
            keys: JwtKeys::generate()?,
            access_minutes: 15,
            refresh_days: 7,
            session_idle_days: 30,
            registrations_per_hour: 20,
        })
    }
}

impl Services {
    /// Builds the services over a connected, migrated store, with default commerce settings.
    pub fn new(store: Store, identity: IdentitySettings) -> Self {
        Self::with_commerce(store, identity, CommerceSettings::default())
    }

    /// Builds the services with explicit pricing, payment provider and clock.
    pub fn with_commerce(store: Store, identity: IdentitySettings, commerce: CommerceSettings) -> Self {
        let links = orders::GuestLinks::new(&identity.keys, commerce.guest_link_days);
        let issuer = TokenIssuer::new(identity.keys, identity.access_minutes);
        let composer = mail::Composer::new(commerce.mail);
        let outbox = mail::Outbox::new(store.clone());
        let letters = mail::Letters { composer: composer.clone(), outbox: outbox.clone() };
        let catalog = Catalog::new(store.clone());
        let memory = memory::Memory::new(store.clone(), catalog.clone(), commerce.clock.clone(), commerce.memory);
        let carts = cart::Carts::new(store.clone(), commerce.pricing, commerce.clock.clone(), memory.clone());
        let orders = orders::Orders::new(
            store.clone(),
            commerce.payments.clone(),
            catalog.index().clone(),
            memory.clone(),
            letters.clone(),
            links.clone(),
        );
        let checkout = checkout::Checkout::new(
            store.clone(),
            carts.clone(),
            commerce.payments,
            commerce.clock,
            catalog.index().clone(),
            memory.clone(),
            letters.clone(),
            commerce.terms,
            links,
        );
        Self {
            identity: Identity::new(store.clone(), issuer, identity.refresh_days, composer, outbox.clone())
                .with_registrations_per_hour(identity.registrations_per_hour),
            sessions: sessions::Sessions::new(store.clone(), identity.session_idle_days),
            checkout: checkout.clone(),
            assistant: assistant::Assistant::new(
                store.clone(),
                catalog.clone(),
                carts.clone(),
                orders.clone(),
                checkout.clone(),
                memory.clone(),
                letters,
            ),
            memory,
            outbox,
            catalog,
            carts,
            orders,
            store,
        }
    }

    /// After a successful sign-in or registration: continues (or promotes) the client's
    /// session, merging its cart, records the login on it (so ending the session ends the
    /// login), and lets guest orders join the account where there is proof they are its
    /// owner's: the account's email is verified, or this sign-in promoted the very guest
    /// session that placed them.
    pub async fn continue_signed_in(
        &self,
        issued: &identity::IssuedTokens,
        presented: Option<&secrecy::SecretString>,
        channel: model::Channel,
        device: &str,
    ) -> Result<sessions::SignInSession> {
        let user = &issued.user;
        let session = self.sessions.continue_for(&user.id, presented, channel, device).await?;
        self.sessions.attach_login(&session.session.id, &issued.family).await?;
        // The promotion may have merged a guest's memory into the account's.
        self.memory.changed(&format!("user:{}", user.id));
        let mut claimed = 0;
        if user.email_verified {
            claimed +=
                self.orders.claim_guest_orders(&user.id, orders::Proof::VerifiedEmail(user.email.as_str())).await?;
        }
        if session.promoted {
            let placed_by = format!("session:{}", session.session.id);
            claimed += self.orders.claim_guest_orders(&user.id, orders::Proof::PlacedBy(&placed_by)).await?;
        }
        if claimed > 0 {
            tracing::info!(user = %user.id, claimed, "guest orders joined the account");
        }
        Ok(session)
    }

    /// Deletes an account (password-confirmed): signals still buffered are written first, so
    /// none lands after the deletion, and the memory's cached profile is dropped.
    pub async fn delete_account(&self, user_id: &str, password: secrecy::SecretString) -> Result<()> {
        self.memory.flush().await;
        self.identity.delete_account(user_id, password).await?;
        self.memory.changed(&format!("user:{user_id}"));
        tracing::info!(user = %user_id, "account deleted; its orders are kept, anonymised");
        Ok(())
    }

    /// Opens a verification link: the account's address is proven, and guest orders placed
    /// with it join the account.
    pub async fn verify_email(&self, token: &secrecy::SecretString) -> Result<model::User> {
        let user = self.identity.verify_email(token).await?;
        let claimed =
            self.orders.claim_guest_orders(&user.id, orders::Proof::VerifiedEmail(user.email.as_str())).await?;
        if claimed > 0 {
            tracing::info!(user = %user.id, claimed, "guest orders joined the account on verification");
        }
        Ok(user)
    }
}
