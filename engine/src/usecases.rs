//! The operations an edge performs that span several services. Each edge operation (a REST
//! handler, a server function, and every later channel) is one call here or on one service,
//! taking the caller the edge resolved (`callers`) and returning what the edge maps: no edge
//! composes engine calls itself.

use crate::memory::PAGE_HISTORY;
use crate::shopper::Shopper;
use crate::{callers, identity, orders, sessions, Result, Services};
use model::cookies::Presented;
use model::memory::{Memory, Preferences, Recommendation, RecommendationContext};
use model::{Channel, Product, ProductPage, ProductSearch};
use secrecy::SecretString;

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
            self.memory.record_view(shopper, &product.id.0, Some(channel.as_str())).await;
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
                self.carts.get(shopper).await?.lines.into_iter().map(|l| l.product_id.0).collect()
            }
            _ => Vec::new(),
        };
        self.memory.recommend(shopper, context, &cart).await
    }

    /// The "What we remember" page: preferences, affinities and the latest signals, including
    /// those still being recorded (the shopper is about to read them).
    pub async fn memory_page(&self, shopper: &Shopper) -> Result<Memory> {
        self.memory.flush().await;
        self.memory.get(shopper, PAGE_HISTORY).await
    }

    /// Replaces the shopper's stated preferences and returns the page as it now reads.
    pub async fn save_preferences(&self, shopper: &Shopper, prefs: &Preferences) -> Result<Memory> {
        self.memory.set_preferences(shopper, prefs).await?;
        self.memory_page(shopper).await
    }

    /// Everything remembered, every signal included, for a download.
    pub async fn export_memory(&self, shopper: &Shopper) -> Result<Memory> {
        self.memory.flush().await;
        self.memory.export(shopper).await
    }

    /// Where a message to the assistant was said: the caller's own session (`own`), or for a
    /// member one of their sessions named in the request (`asked`). The conversation is the
    /// shopper's; the session only records where, and it must be the caller's own: anything
    /// else is "session not found". Empty when neither is known.
    pub async fn speaking_session(&self, shopper: &Shopper, own: Option<&str>, asked: Option<&str>) -> Result<String> {
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
