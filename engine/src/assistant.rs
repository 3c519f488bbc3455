//! The shopping assistant with its built-in brain: [`Assistant::process_message`] stores the
//! message, builds the context (the shopper, the products shown last), classifies the intent
//! and extracts entities ([`nlu`]), routes to an agent ([`agents`]) that acts through the
//! shop's own services with the shopper's principal, and stores the reply with its parts and
//! typed actions ([`conversation`]). Below a confidence threshold it asks instead of guessing.

pub mod agents;
pub mod conversation;
pub mod nlu;

use crate::cart::Carts;
use crate::catalog::Catalog;
use crate::orders::Orders;
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use agents::{Answer, Tools};
use model::{Channel, Reply, Turn};
use nlu::{Classifier, Intent, Vocabulary};
use std::sync::Arc;

/// Below this confidence the assistant asks which of the two likeliest intents was meant.
pub const CLARIFY_BELOW: f64 = 0.35;
/// Longest message accepted, in characters.
pub const MAX_MESSAGE: usize = 1_000;

/// A message as the assistant accepts it: trimmed, 1 to [`MAX_MESSAGE`] characters.
pub fn parse_message(text: &str) -> Result<&str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("message", "is empty"));
    }
    if text.chars().count() > MAX_MESSAGE {
        return Err(Error::invalid("message", format!("must be at most {MAX_MESSAGE} characters")));
    }
    Ok(text)
}

/// The assistant service.
#[derive(Clone)]
pub struct Assistant {
    store: Store,
    catalog: Catalog,
    carts: Carts,
    orders: Orders,
    checkout: crate::checkout::Checkout,
    /// Trained once at start from the shipped file (a unit test proves it trains).
    classifier: Arc<std::result::Result<Classifier, nlu::classifier::TrainingError>>,
}

impl std::fmt::Debug for Assistant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assistant").finish_non_exhaustive()
    }
}

fn ask_between(a: Intent, b: Intent) -> Answer {
    let phrase = |i: Intent| match i {
        Intent::ProductSearch => "find products",
        Intent::ProductDetails => "hear more about a product",
        Intent::Recommendation => "get a recommendation",
        Intent::CompareProducts => "compare products",
        Intent::AddToCart => "add something to your cart",
        Intent::UpdateCart => "change a quantity",
        Intent::RemoveFromCart => "remove something from your cart",
        Intent::ViewCart => "see your cart",
        Intent::ApplyDiscount => "use a discount code",
        Intent::Checkout => "check out",
        Intent::OrderStatus => "track an order",
        Intent::OrderHistory => "see your orders",
        Intent::CancelOrder => "cancel an order",
        Intent::ReturnOrRefund => "return something",
        Intent::Faq => "ask about shipping, returns, payment or warranty",
        Intent::RememberPreference => "tell me a preference",
        Intent::ForgetMe => "have me forget something",
        Intent::Greeting => "say hello",
        Intent::HumanHandoff => "talk to a person",
        Intent::OutOfScope => "ask something else",
    };
    let mut answer = Answer::say(format!("Sorry, I'm not sure: do you want to {} or to {}?", phrase(a), phrase(b)));
    answer.parts.push(model::Part::QuickReplies { options: vec![capitalize(phrase(a)), capitalize(phrase(b))] });
    answer
}

fn capitalize(text: &str) -> String {
    let mut c = text.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

impl Assistant {
    /// The assistant over the shop's services, with the built-in classifier.
    pub fn new(
        store: Store,
        catalog: Catalog,
        carts: Carts,
        orders: Orders,
        checkout: crate::checkout::Checkout,
    ) -> Self {
        Self { store, catalog, carts, orders, checkout, classifier: Arc::new(Classifier::builtin()) }
    }

    /// The shop's words: brands from the catalog, categories and colors built in.
    async fn vocabulary(&self) -> Result<Vocabulary> {
        let listing = self.catalog.index().entries().await?;
        Ok(Vocabulary::with_brands(listing.brands.clone()))
    }

    /// Answers one message from `shopper` on `session_id`.
    pub async fn process_message(
        &self,
        shopper: &Shopper,
        session_id: &str,
        channel: Channel,
        text: &str,
    ) -> Result<Reply> {
        let text = parse_message(text)?;
        let shown = conversation::last_shown(&self.store, shopper).await?;
        conversation::store(
            &self.store,
            shopper,
            session_id,
            channel.as_str(),
            conversation::NewMessage {
                role: "user",
                text,
                intent: None,
                confidence: None,
                parts: &[],
                actions: &[],
                shown: Vec::new(),
            },
        )
        .await?;

        let classifier = self.classifier.as_ref().as_ref().map_err(|e| Error::invalid("assistant", e.to_string()))?;
        let prediction = classifier.predict(text);
        let entities = nlu::entities::extract(text, &self.vocabulary().await?);
        let tools = Tools {
            catalog: &self.catalog,
            carts: &self.carts,
            orders: &self.orders,
            checkout: &self.checkout,
            store: &self.store,
            shopper,
            session_id,
            shown: &shown,
        };
        let answer = if prediction.confidence < CLARIFY_BELOW {
            Ok(ask_between(prediction.intent, prediction.runner_up))
        } else {
            self.route(&tools, prediction.intent, &entities, text).await
        };
        // An agent that fails answers helpfully; the cause is logged, never shown.
        let answer = answer.unwrap_or_else(|e| {
            tracing::error!(error = %crate::error::error_chain(&e), intent = prediction.intent.as_str(), "assistant agent failed");
            Answer::say("Something went wrong on my side. You can still shop with the search and the cart; try me again in a moment.")
        });
        let message_id = conversation::store(
            &self.store,
            shopper,
            session_id,
            channel.as_str(),
            conversation::NewMessage {
                role: "assistant",
                text: &answer.text,
                intent: Some(prediction.intent.as_str()),
                confidence: Some(prediction.confidence),
                parts: &answer.parts,
                actions: &answer.actions,
                shown: answer.shown.clone(),
            },
        )
        .await?;
        Ok(Reply {
            message_id,
            session_id: session_id.to_string(),
            intent: prediction.intent.as_str().to_string(),
            confidence: prediction.confidence,
            entities,
            text: answer.text,
            parts: answer.parts,
            actions: answer.actions,
        })
    }

    async fn route(&self, t: &Tools<'_>, intent: Intent, e: &nlu::Entities, text: &str) -> Result<Answer> {
        match intent {
            Intent::ProductSearch | Intent::Recommendation => agents::find_products(t, intent, e).await,
            Intent::ProductDetails => agents::describe(t, e).await,
            Intent::CompareProducts => agents::compare(t, e).await,
            Intent::AddToCart => agents::add(t, e).await,
            Intent::UpdateCart => agents::update(t, e).await,
            Intent::RemoveFromCart => agents::remove(t, e).await,
            Intent::ViewCart => agents::show_cart(t).await,
            Intent::ApplyDiscount => agents::apply_code(t, e).await,
            Intent::Checkout => agents::prepare_checkout(t).await,
            Intent::OrderStatus | Intent::OrderHistory | Intent::CancelOrder => agents::orders(t, intent, e).await,
            Intent::Faq | Intent::ReturnOrRefund => agents::support(t, intent, text).await,
            Intent::HumanHandoff => agents::handoff(t, text).await,
            // The memory service arrives with its own issue; until then, say so plainly.
            Intent::RememberPreference | Intent::ForgetMe => Ok(Answer::say(
                "I can't remember preferences yet; that is coming soon. Nothing about you was stored.",
            )),
            Intent::Greeting => Ok(Answer::say("Hi! I can find products, manage your cart, track orders and answer questions about shipping and returns.")),
            Intent::OutOfScope => Ok(Answer::say("I can only help with shopping here: products, your cart, orders, shipping and returns.")),
        }
    }

    /// The shopper's conversation, last `limit` turns, oldest first.
    pub async fn conversation(&self, shopper: &Shopper, limit: u32) -> Result<Vec<Turn>> {
        conversation::recent(&self.store, shopper, limit).await
    }
}
