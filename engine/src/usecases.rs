//! The operations an edge performs that span several services. Each edge operation (a REST
//! handler, a server function, and every later channel) is one call here or on one service,
//! taking the caller the edge resolved (`callers`) and returning what the edge maps: no edge
//! composes engine calls itself.

use crate::memory::PAGE_HISTORY;
use crate::shopper::Shopper;
use crate::{callers, identity, orders, sessions, Result, Services};
use model::cookies::Presented;
use model::memory::{Preferences, Recommendation, RecommendationContext, Remembered};
use model::{Channel, Product, ProductPage, ProductSearch};
use secrecy::SecretString;

/// Turns of the conversation a restored session brings back.
const RESTORED_TURNS: u32 = 20;

/// How a client signs in: with an account's password, or by creating the account.
#[derive(Debug)]
pub enum SignIn<'a> {
    /// Email and password.
    Login { email: &'a str, password: SecretString },
    /// A new account; `client` is the address the registration throttle counts.
    Register { client: &'a str, email: model::Email, password: SecretString, name: &'a str },
}

/// Where a sign-in happens: the session token the client presented (a guest's, to promote),
/// its channel and device.
#[derive(Debug)]
pub struct Arrival<'a> {
    /// The session token the client presented, if any.
    pub presented: Option<&'a SecretString>,
    /// The channel it speaks through.
    pub channel: Channel,
    /// Its device description (User-Agent).
    pub device: &'a str,
}

/// A completed sign-in: the login's tokens and the session it continues in.
#[derive(Debug)]
pub struct SignedIn {
    /// Access and refresh tokens and the user.
    pub issued: identity::IssuedTokens,
    /// The session (continued, promoted or new).
    pub session: sessions::SignInSession,
}

/// A message to the assistant as an edge received it.
#[derive(Debug, Clone, Copy)]
pub struct Said<'a> {
    /// The guest's network address (their daily language-model budget's key).
    pub client: Option<&'a str>,
    /// Who said it.
    pub shopper: &'a Shopper,
    /// The session the caller presented.
    pub own_session: Option<&'a str>,
    /// The session the request names (a member may name one of theirs).
    pub asked_session: Option<&'a str>,
    /// The channel it came through.
    pub channel: Channel,
    /// The words.
    pub text: &'a str,
}

/// A message the assistant accepted, ready to be answered (owned, so a streaming edge can
/// answer it in its own task).
#[derive(Debug)]
pub struct Interaction {
    assistant: crate::assistant::Assistant,
    client: Option<String>,
    shopper: Shopper,
    session_id: String,
    channel: Channel,
    text: String,
}

impl Interaction {
    /// Answers, streaming tokens, parts and actions into `sink` (`Sink::none()` for one reply).
    pub async fn answer(self, sink: &crate::assistant::Sink) -> Result<model::Reply> {
        let Self { assistant, client, shopper, session_id, channel, text } = self;
        assistant.stream_message_from(client.as_deref(), &shopper, &session_id, channel, &text, sink).await
    }
}

/// How a product is asked for.
#[derive(Debug, Clone, Copy)]
pub enum ProductKey<'a> {
    /// By its slug only (the page's URL).
    Slug(&'a str),
    /// By id or slug (the API's path).
    IdOrSlug(&'a str),
}

impl Services {
    /// One page of a search or category listing. A known shopper's results lean (a little)
    /// toward what they like, and the search is remembered; anyone else gets the plain listing.
    pub async fn search(
        &self,
        shopper: Option<&Shopper>,
        search: &ProductSearch,
        channel: Channel,
    ) -> Result<ProductPage> {
        match shopper {
            Some(shopper) => self.memory.search(shopper, search, Some(channel.as_str())).await,
            None => self.catalog.list(search).await,
        }
    }

    /// One product; a known shopper's view of it is remembered.
    pub async fn view_product(
        &self,
        shopper: Option<&Shopper>,
        key: ProductKey<'_>,
        channel: Channel,
    ) -> Result<Product> {
        let product = match key {
            ProductKey::Slug(slug) => self.catalog.by_slug(slug).await?,
            ProductKey::IdOrSlug(key) => self.catalog.by_id_or_slug(key).await?,
        };
        if let Some(shopper) = shopper {
            self.memory.record_view(shopper, product.id.as_str(), Some(channel.as_str())).await;
        }
        Ok(product)
    }

    /// Products for the shopper in `context` with a reason each (for the cart context, next to
    /// what is in their cart); without a shopper, what sells and is in stock.
    pub async fn recommendations(
        &self,
        shopper: Option<&Shopper>,
        context: &RecommendationContext,
    ) -> Result<Vec<Recommendation>> {
        let cart: Vec<String> = match (shopper, context) {
            (Some(shopper), RecommendationContext::Cart) => {
                self.carts.get(shopper).await?.lines.into_iter().map(|l| l.product_id.into_string()).collect()
            }
            _ => Vec::new(),
        };
        self.memory.recommend(shopper, context, &cart).await
    }

    /// The "What we remember" page: preferences, affinities and the latest signals, including
    /// those still being recorded (the shopper is about to read them).
    pub async fn memory_page(&self, shopper: &Shopper) -> Result<Remembered> {
        self.memory.flush().await;
        self.memory.get(shopper, PAGE_HISTORY).await
    }

    /// Replaces the shopper's stated preferences and returns the page as it now reads.
    pub async fn save_preferences(&self, shopper: &Shopper, prefs: &Preferences) -> Result<Remembered> {
        self.memory.set_preferences(shopper, prefs).await?;
        self.memory_page(shopper).await
    }

    /// Everything remembered, every signal included, for a download.
    pub async fn export_memory(&self, shopper: &Shopper) -> Result<Remembered> {
        self.memory.flush().await;
        self.memory.export(shopper).await
    }

    /// Accepts a message for the assistant: checks it and resolves where it was said, so an
    /// edge can refuse before it starts streaming; the returned [`Interaction`] then answers.
    pub async fn interact(&self, said: Said<'_>) -> Result<Interaction> {
        let session_id = self.speaking_session(said.shopper, said.own_session, said.asked_session).await?;
        let text = crate::assistant::parse_message(said.text)?.to_string();
        Ok(Interaction {
            assistant: self.assistant.clone(),
            client: said.client.map(str::to_string),
            shopper: said.shopper.clone(),
            session_id,
            channel: said.channel,
            text,
        })
    }

    /// Where a message to the assistant was said: the caller's own session (`own`), or for a
    /// member one of their sessions named in the request (`asked`). The conversation is the
    /// shopper's; the session only records where, and it must be the caller's own: anything
    /// else is "session not found". Empty when neither is known.
    async fn speaking_session(&self, shopper: &Shopper, own: Option<&str>, asked: Option<&str>) -> Result<String> {
        match (own, asked) {
            (Some(own), Some(asked)) if own != asked => Err(crate::Error::NotFound("session")),
            (Some(own), _) => Ok(own.to_string()),
            (None, Some(asked)) => match shopper.user_id() {
                Some(user) => Ok(self.sessions.owned(user, asked).await?.id),
                None => Err(crate::Error::NotFound("session")),
            },
            (None, None) => Ok(String::new()),
        }
    }

    /// Continues one of the user's sessions here (another user's is not found), with the cart
    /// and the recent conversation it brings back.
    pub async fn restore_session(&self, user_id: &str, session_id: &str) -> Result<model::RestoredSession> {
        let session = self.sessions.restore(user_id, session_id).await?;
        let shopper = Shopper::member(user_id);
        let cart = self.carts.get(&shopper).await?;
        let conversation = self.assistant.conversation(&shopper, RESTORED_TURNS).await?;
        Ok(model::RestoredSession { session, cart, conversation })
    }

    /// The user's live sessions, marking the one this request came from.
    pub async fn my_sessions(&self, user_id: &str, presented: &Presented) -> Result<model::SessionList> {
        let items = self.sessions.list(user_id).await?;
        let current = self.callers.session(presented).await?.map(|s| s.info.id);
        let current = current.filter(|id| items.iter().any(|i| &i.id == id));
        Ok(model::SessionList { items, current })
    }

    /// Signs out: ends the login of `refresh` (its token family), and the presented session
    /// when it is the signed-in user's (with the login it was signed in with). An expired
    /// access token does not stop it. The edge clears its cookies afterwards.
    pub async fn sign_out(&self, refresh: Option<&SecretString>, presented: &Presented) -> Result<()> {
        if let Some(token) = refresh {
            self.identity.logout(token).await?;
        }
        if let (Some(user), Some(token)) = (self.callers.user_if_valid(presented), callers::session_token(presented)) {
            self.sessions.end_by_token(&user.sub, &token).await?;
        }
        Ok(())
    }

    /// Signs a client in (or registers it) and continues its session: the one call behind
    /// every sign-in edge. A wrong password is `Unauthorized`; the edge words it.
    pub async fn sign_in(&self, how: SignIn<'_>, arrival: Arrival<'_>) -> Result<SignedIn> {
        let issued = match how {
            SignIn::Login { email, password } => self.identity.login(email, password).await?,
            SignIn::Register { client, email, password, name } => {
                self.identity.register_from(client, email, password, name).await?
            }
        };
        let session = self.continue_signed_in(&issued, arrival.presented, arrival.channel, arrival.device).await?;
        Ok(SignedIn { issued, session })
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
        self.memory.changed(&Shopper::member(&user.id).scope());
        let mut claimed = 0;
        if user.email_verified {
            claimed +=
                self.orders.claim_guest_orders(&user.id, orders::Proof::VerifiedEmail(user.email.as_str())).await?;
        }
        if session.promoted {
            let placed_by = Shopper::guest(&session.session.id).scope();
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
        self.memory.changed(&Shopper::member(user_id).scope());
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
