//! The shopping assistant: [`Assistant::stream_message`] reads the conversation's end (the
//! products shown last, the earlier turns), classifies the intent and extracts entities
//! ([`nlu`]), and hands the message to a brain ([`brain`]): the built-in one routes the intent
//! to an agent ([`agents`]), the language-model one ([`llm`]) lets the model call the agents as
//! tools; either way agents act through the shop's own services with the shopper's principal.
//! The message is stored while the brain works; the reply streams into a [`Sink`] and is stored
//! with its parts and typed actions ([`conversation`]).

pub mod agents;
pub mod brain;
pub mod confirmations;
pub mod conversation;
pub mod handoffs;
pub mod llm;
pub mod nlu;

use crate::cart::Carts;
use crate::catalog::Catalog;
use crate::orders::Orders;
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use agents::{Answer, Context};
use brain::Brain;
use model::{Channel, Reply, Turn};
use nlu::{Classifier, Vocabulary};
use std::sync::Arc;

pub use brain::{Progress, Sink, CLARIFY_BELOW};

/// Longest message accepted, in characters.
pub const MAX_MESSAGE: usize = 1_000;

/// Turns of the conversation the chat panel and `GET /v1/interactions` show.
pub const CONVERSATION_TURNS: u32 = 50;

/// A message as the assistant accepts it: trimmed, 1 to [`MAX_MESSAGE`] characters.
pub fn parse_message(text: &str) -> Result<&str> {
    bounded_text("message", text, MAX_MESSAGE)
}

/// `text` trimmed, refused (naming `field`) when empty or longer than `max` characters.
pub(crate) fn bounded_text<'a>(field: &'static str, text: &'a str, max: usize) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if text.chars().count() > max {
        return Err(Error::invalid(field, format!("must be at most {max} characters")));
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
    memory: crate::memory::Memory,
    letters: crate::mail::Letters,
    policies: crate::policies::Policies,
    /// Trained once at start from the shipped file (a unit test proves it trains).
    classifier: Arc<std::result::Result<Classifier, nlu::classifier::TrainingError>>,
    /// Who answers: the built-in brain, or a language model falling back to it.
    brain: Arc<dyn Brain>,
    /// The vocabulary of the catalog's current brands, rebuilt only when they change.
    vocabulary: Arc<std::sync::Mutex<Option<Arc<Vocabulary>>>>,
}

impl std::fmt::Debug for Assistant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assistant").finish_non_exhaustive()
    }
}

impl Assistant {
    /// The assistant over the shop's services, with the built-in classifier.
    pub fn new(
        store: Store,
        catalog: Catalog,
        carts: Carts,
        orders: Orders,
        checkout: crate::checkout::Checkout,
        memory: crate::memory::Memory,
        letters: crate::mail::Letters,
    ) -> Self {
        Self {
            policies: crate::policies::Policies::new(store.clone()),
            store,
            catalog,
            carts,
            orders,
            checkout,
            memory,
            letters,
            classifier: Arc::new(Classifier::builtin()),
            brain: Arc::new(brain::Builtin),
            vocabulary: Arc::default(),
        }
    }

    /// The same assistant answering through a language model (falling back to the built-in brain).
    pub fn with_llm(mut self, settings: llm::LlmSettings) -> Self {
        self.brain = Arc::new(llm::Llm::new(settings));
        self
    }

    /// The shop's words: brands from the catalog, categories and colors built in.
    async fn vocabulary(&self) -> Result<Arc<Vocabulary>> {
        let listing = self.catalog.index().entries().await?;
        // A poisoned lock only means a panic mid-swap of an Arc: the value is whole.
        let mut cached = self.vocabulary.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match cached.as_ref() {
            Some(v) if v.brands().eq(listing.brands.iter().map(String::as_str)) => Ok(v.clone()),
            _ => {
                let fresh = Arc::new(Vocabulary::with_brands(listing.brands.clone()));
                *cached = Some(fresh.clone());
                Ok(fresh)
            }
        }
    }

    /// Answers one message from `shopper` on `session_id`, as one reply.
    pub async fn process_message(
        &self,
        shopper: &Shopper,
        session_id: &str,
        channel: Channel,
        text: &str,
    ) -> Result<Reply> {
        self.stream_message(shopper, session_id, channel, text, &Sink::none()).await
    }

    /// [`Assistant::process_message`] from a guest's network address `client` (the key of a
    /// guest's daily language-model budget; a member's is their account).
    pub async fn process_message_from(
        &self,
        client: &str,
        shopper: &Shopper,
        session_id: &str,
        channel: Channel,
        text: &str,
    ) -> Result<Reply> {
        self.stream_message_from(Some(client), shopper, session_id, channel, text, &Sink::none()).await
    }

    /// Answers one message, streaming tokens, parts and actions into `sink` as they come; the
    /// whole reply is stored and returned at the end.
    pub async fn stream_message(
        &self,
        shopper: &Shopper,
        session_id: &str,
        channel: Channel,
        text: &str,
        sink: &Sink,
    ) -> Result<Reply> {
        self.stream_message_from(None, shopper, session_id, channel, text, sink).await
    }

    /// [`Assistant::stream_message`] from a known client address (see `process_message_from`).
    pub async fn stream_message_from(
        &self,
        client: Option<&str>,
        shopper: &Shopper,
        session_id: &str,
        channel: Channel,
        text: &str,
        sink: &Sink,
    ) -> Result<Reply> {
        let text = parse_message(text)?;
        let meter = conversation::meter(shopper, client, self.store.clock().now_unix());
        // One read of the conversation's end: what "the second one" refers to, and the earlier
        // turns a language model is given.
        let latest = conversation::latest(&self.store, shopper).await?;
        let shown = latest.shown();

        let classifier = self.classifier.as_ref().as_ref().map_err(|e| Error::invalid("assistant", e.to_string()))?;
        let prediction = nlu::questions::answer_questions(classifier.predict(text), text);
        let entities = nlu::entities::extract(text, &*self.vocabulary().await?);
        let tools = Context {
            catalog: &self.catalog,
            carts: &self.carts,
            orders: &self.orders,
            checkout: &self.checkout,
            store: &self.store,
            policies: &self.policies,
            memory: &self.memory,
            shopper,
            session_id,
            meter: &meter,
            shown: &shown,
        };
        let question =
            brain::Question { tools, text, latest: &latest, prediction: prediction.clone(), entities: &entities, sink };
        // The message is stored by its own task while the brain works, so a model's first words
        // do not wait for the write (and the write completes even if the shopper leaves). It is
        // stored before the reply, whose time comes after it; a failed write fails the reply.
        let user_message = {
            let (store, shopper, session_id, channel, text) =
                (self.store.clone(), shopper.clone(), session_id.to_string(), channel.as_str(), text.to_string());
            tokio::spawn(async move {
                let message = conversation::NewMessage {
                    role: model::Speaker::User,
                    text: &text,
                    intent: None,
                    confidence: None,
                    parts: &[],
                    actions: &[],
                    shown: Vec::new(),
                    brain: None,
                    tokens: None,
                    meter: None,
                };
                conversation::store(&store, &shopper, &session_id, channel, message).await
            })
        };
        let answered = self.brain.answer(&question).await;
        user_message.await??;
        // A brain that fails answers helpfully; the cause is logged, never shown.
        let answered = answered.unwrap_or_else(|e| {
            tracing::error!(error = %crate::error::error_chain(&e), intent = prediction.intent.as_str(), "assistant agent failed");
            brain::Answered {
                answer: Answer::say("Something went wrong on my side. You can still shop with the search and the cart; try me again in a moment."),
                brain: "builtin",
                tokens: None,
            }
        });
        let answer = answered.answer;
        sink.finish(&answer).await;
        let message_id = conversation::store(
            &self.store,
            shopper,
            session_id,
            channel.as_str(),
            conversation::NewMessage {
                role: model::Speaker::Assistant,
                text: &answer.text,
                intent: Some(prediction.intent.as_str()),
                confidence: Some(prediction.confidence),
                parts: &answer.parts,
                actions: &answer.actions,
                shown: answer.shown.clone(),
                brain: Some(answered.brain),
                tokens: answered.tokens,
                meter: Some(&meter),
            },
        )
        .await?;
        // The conversation is history too (its intent only; the words stay in the conversation).
        let mut signal = crate::memory::signals::Signal::about(
            crate::memory::signals::SignalKind::Assistant,
            None,
            None,
            Some(prediction.intent.as_str().to_string()),
        );
        signal.channel = Some(channel.as_str().to_string());
        self.memory.record(shopper, signal).await;
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

    /// The shopper's conversation, last `limit` turns, oldest first.
    pub async fn conversation(&self, shopper: &Shopper, limit: u32) -> Result<Vec<Turn>> {
        conversation::recent(&self.store, shopper, limit).await
    }

    /// The team's queue: requests for a person of `status`, newest first (admins only: the
    /// caller checks).
    pub async fn handoffs(&self, status: handoffs::HandoffStatus) -> Result<Vec<model::Handoff>> {
        handoffs::list(&self.store, status).await
    }

    /// How many requests for a person wait for the team.
    pub async fn open_handoffs(&self) -> Result<u64> {
        handoffs::open_count(&self.store).await
    }

    /// The shopper's click on a confirmation card the assistant showed (cancel an order, forget
    /// everything, empty the cart); see [`confirmations::confirm`].
    pub async fn confirm_action(&self, shopper: &Shopper, token: &str) -> Result<model::ActionOutcome> {
        let effects = confirmations::Effects { orders: &self.orders, memory: &self.memory, carts: &self.carts };
        confirmations::confirm(&self.store, &effects, shopper, token.trim()).await
    }

    /// A team member (`staff`, their name) answers hand-off `id`; see [`handoffs::reply`].
    pub async fn reply_to_handoff(&self, id: &str, staff: &str, text: &str) -> Result<model::Handoff> {
        handoffs::reply(&self.store, &self.letters, id, staff, text).await
    }
}
