//! Everything server-only: the SurrealDB store, the catalog, the seed data and (as the issues land)
//! identity, sessions, cart, checkout, orders, memory and the assistant.
//!
//! No leptos, no axum: the HTTP layers call into [`Services`] and map [`Error`] to their own types.

pub mod assistant;
pub mod callers;
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
pub mod payments;
pub mod policies;
pub mod seed;
pub mod sessions;
pub mod shopper;
pub mod store;
pub mod terms;
pub mod throttle;
pub mod usecases;

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
    /// Who is calling (every edge resolves its caller here).
    pub callers: callers::Callers,
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
    /// The shop's policies and FAQ.
    pub policies: policies::Policies,
    /// Mail waiting to be sent (the worker drains it; admins list and retry it).
    pub outbox: mail::Outbox,
}

/// Everything the services are built from besides the store: one value, so every service
/// (the language model included) is built in one step by [`Services::new`].
#[derive(Clone, Debug)]
pub struct Settings {
    /// Keys and token and session lifetimes.
    pub identity: IdentitySettings,
    /// Pricing, payments, clock, memory, mail, terms.
    pub commerce: CommerceSettings,
    /// The language-model brain, when one is configured (else the built-in brain answers).
    pub llm: Option<assistant::llm::LlmSettings>,
}

impl Settings {
    /// A fresh key pair, default commerce settings and no language model: for tests and tools.
    pub fn ephemeral() -> Result<Self> {
        Ok(Self { identity: IdentitySettings::ephemeral()?, commerce: CommerceSettings::default(), llm: None })
    }
}

/// Pricing, payment and time, part of [`Settings`].
#[derive(Clone, Debug)]
pub struct CommerceSettings {
    /// Shipping rates, free-shipping threshold, tax rate.
    pub pricing: cart::pricing::PricingSettings,
    /// Where cards are charged.
    pub payments: Arc<dyn payments::PaymentProvider>,
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
            payments: Arc::new(payments::TestPaymentProvider::default()),
            clock: Arc::new(clock::SystemClock),
            memory: memory::MemorySettings::default(),
            mail: mail::MailSettings::default(),
            terms: terms::Terms::default(),
            guest_link_days: 90,
        }
    }
}

/// Token lifetimes and keys, part of [`Settings`].
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

/// The default lifetimes and limits of [`IdentitySettings`] (everything but the keys): the
/// one place they are written; the server's configuration starts from them.
#[derive(Clone, Copy, Debug)]
pub struct IdentityDefaults {
    /// Access-token lifetime in minutes.
    pub access_minutes: u32,
    /// Refresh-token lifetime in days.
    pub refresh_days: u32,
    /// Days a session may go unused before it stops working.
    pub session_idle_days: u32,
    /// Accounts one client address may register an hour.
    pub registrations_per_hour: u32,
}

impl Default for IdentityDefaults {
    fn default() -> Self {
        Self { access_minutes: 15, refresh_days: 7, session_idle_days: 30, registrations_per_hour: 20 }
    }
}

impl IdentitySettings {
    /// A fresh key pair with the default lifetimes: for tests and tools.
    pub fn ephemeral() -> Result<Self> {
        let d = IdentityDefaults::default();
        Ok(Self {
            keys: JwtKeys::generate()?,
            access_minutes: d.access_minutes,
            refresh_days: d.refresh_days,
            session_idle_days: d.session_idle_days,
            registrations_per_hour: d.registrations_per_hour,
        })
    }
}

impl Services {
    /// Builds every service over a connected, migrated store.
    pub fn new(store: Store, settings: Settings) -> Self {
        let Settings { identity, commerce, llm } = settings;
        // One clock: every service reads it from the store, which binds it as `$now`.
        let store = store.with_clock(commerce.clock);
        let links = orders::GuestLinks::new(&identity.keys, commerce.guest_link_days);
        let issuer = TokenIssuer::new(identity.keys, identity.access_minutes);
        let composer = mail::Composer::new(commerce.mail);
        let outbox = mail::Outbox::new(store.clone());
        let letters = mail::Letters { composer: composer.clone(), outbox: outbox.clone() };
        let catalog = Catalog::new(store.clone());
        let memory = memory::Memory::new(store.clone(), catalog.clone(), commerce.memory);
        let carts = cart::Carts::new(store.clone(), commerce.pricing, memory.sender());
        let orders = orders::Orders::new(
            store.clone(),
            commerce.payments.clone(),
            catalog.index().clone(),
            memory.sender(),
            letters.clone(),
            links.clone(),
        );
        let checkout = checkout::Checkout::new(
            store.clone(),
            carts.clone(),
            commerce.payments,
            catalog.index().clone(),
            memory.sender(),
            letters.clone(),
            commerce.terms,
            links,
        );
        let sessions = sessions::Sessions::new(store.clone(), identity.session_idle_days);
        let policies = policies::Policies::new(store.clone());
        let assistant = assistant::Assistant::new(
            store.clone(),
            catalog.clone(),
            carts.clone(),
            orders.clone(),
            checkout.clone(),
            memory.clone(),
            letters,
        );
        Self {
            callers: callers::Callers::new(issuer.clone(), sessions.clone()),
            identity: Identity::new(store.clone(), issuer, identity.refresh_days, composer, outbox.clone())
                .with_registrations_per_hour(identity.registrations_per_hour),
            sessions,
            checkout: checkout.clone(),
            assistant: match llm {
                Some(llm) => assistant.with_llm(llm),
                None => assistant,
            },
            policies,
            memory,
            outbox,
            catalog,
            carts,
            orders,
            store,
        }
    }
}
