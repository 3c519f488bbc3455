//! The two brains behind one trait ([`Brain`]), and the [`Sink`] a reply streams into.
//! The built-in brain ([`Builtin`]) routes the classifier's intent to an agent; the language-
//! model brain (`super::llm`) lets the model pick agents as tools and falls back to this one.

use super::agents::{self, Answer, Context};
use super::nlu::{classifier::Prediction, Entities, Intent};
use crate::Result;
use futures::future::BoxFuture;
use model::{Action, Part};
use std::sync::Mutex;
use tokio::sync::mpsc;

/// One piece of a reply as it is produced.
#[derive(Debug, Clone)]
// Sent once each through a channel; boxing the part would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Progress {
    /// Words of the reply.
    Token(String),
    /// A structured part.
    Part(Part),
    /// A state change.
    Action(Action),
}

/// Where a reply streams to (or nowhere, for a one-shot JSON reply). It remembers what was
/// sent, so [`Sink::finish`] sends only what a brain did not stream itself.
#[derive(Debug, Default)]
pub struct Sink {
    tx: Option<mpsc::Sender<Progress>>,
    sent: Mutex<Sent>,
}

#[derive(Debug, Default)]
struct Sent {
    text: String,
    parts: usize,
    actions: usize,
}

impl Sink {
    /// A sink that sends nothing.
    pub fn none() -> Self {
        Self::default()
    }

    /// A sink feeding `tx`.
    pub fn new(tx: mpsc::Sender<Progress>) -> Self {
        Self { tx: Some(tx), sent: Mutex::default() }
    }

    fn sent(&self) -> std::sync::MutexGuard<'_, Sent> {
        // A poisoned lock only means another sender panicked mid-append; the text is still valid.
        self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The text streamed so far.
    pub fn text_sent(&self) -> String {
        self.sent().text.clone()
    }

    async fn send(&self, progress: Progress) -> bool {
        match &self.tx {
            Some(tx) => tx.send(progress).await.is_ok(),
            None => true,
        }
    }

    /// Streams words; false once the reader is gone.
    pub async fn token(&self, text: &str) -> bool {
        if text.is_empty() {
            return true;
        }
        self.sent().text.push_str(text);
        self.send(Progress::Token(text.to_string())).await
    }

    /// Streams a part.
    pub async fn part(&self, part: &Part) -> bool {
        self.sent().parts += 1;
        self.send(Progress::Part(part.clone())).await
    }

    /// Streams an action.
    pub async fn action(&self, action: &Action) -> bool {
        self.sent().actions += 1;
        self.send(Progress::Action(action.clone())).await
    }

    /// Resolves when the reader has gone away (never, without one).
    pub async fn closed(&self) {
        match &self.tx {
            Some(tx) => tx.closed().await,
            None => std::future::pending().await,
        }
    }

    /// Sends what of `answer` was not streamed yet: the rest of its words one token per word,
    /// then its remaining parts and actions.
    pub async fn finish(&self, answer: &Answer) {
        let (rest, parts, actions) = {
            let sent = self.sent();
            let rest = answer.text.strip_prefix(sent.text.as_str()).unwrap_or(&answer.text).to_string();
            (rest, sent.parts, sent.actions)
        };
        let mut rest = rest.as_str();
        while !rest.is_empty() {
            // One token per word, keeping the space that follows it.
            let end = rest.find(' ').map_or(rest.len(), |i| i + 1);
            let (word, tail) = rest.split_at(end);
            if !self.token(word).await {
                return;
            }
            rest = tail;
        }
        for part in answer.parts.iter().skip(parts) {
            if !self.part(part).await {
                return;
            }
        }
        for action in answer.actions.iter().skip(actions) {
            if !self.action(action).await {
                return;
            }
        }
    }
}

/// One message for a brain to answer.
pub struct Question<'a> {
    /// The shop's services with the shopper's principal.
    pub tools: Context<'a>,
    /// What the shopper said (validated).
    pub text: &'a str,
    /// The conversation's latest messages before this one.
    pub latest: &'a super::conversation::Latest,
    /// The built-in classifier's reading of it.
    pub prediction: Prediction,
    /// Entities found in it.
    pub entities: &'a Entities,
    /// Where the reply streams.
    pub sink: &'a Sink,
}

/// What a brain answered, and how.
#[derive(Debug)]
pub struct Answered {
    /// The reply.
    pub answer: Answer,
    /// `builtin` or `llm`.
    pub brain: &'static str,
    /// Language-model tokens spent.
    pub tokens: Option<u64>,
}

/// A brain answers a message by acting through the agents.
pub trait Brain: Send + Sync {
    /// Answers `question`, streaming into its sink as it goes (whatever is not streamed is sent
    /// by the caller with [`Sink::finish`]).
    fn answer<'a>(&'a self, question: &'a Question<'a>) -> BoxFuture<'a, Result<Answered>>;
}

/// Below this confidence the built-in brain asks which of the two likeliest intents was meant.
pub const CLARIFY_BELOW: f64 = 0.35;

/// The built-in brain: the classifier's intent picks the agent; below [`CLARIFY_BELOW`] it asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Builtin;

impl Brain for Builtin {
    fn answer<'a>(&'a self, q: &'a Question<'a>) -> BoxFuture<'a, Result<Answered>> {
        Box::pin(async move {
            let answer = if q.prediction.confidence < CLARIFY_BELOW {
                ask_between(q.prediction.intent, q.prediction.runner_up)
            } else {
                route(&q.tools, q.prediction.intent, q.entities, q.text).await?
            };
            Ok(Answered { answer, brain: "builtin", tokens: None })
        })
    }
}

/// The agent for an intent.
pub async fn route(t: &Context<'_>, intent: Intent, e: &Entities, text: &str) -> Result<Answer> {
    match intent {
        Intent::ProductSearch | Intent::Recommendation => agents::find_products(t, intent, e).await,
        Intent::ProductDetails => agents::describe(t, e).await,
        Intent::CompareProducts => agents::compare(t, e).await,
        Intent::AddToCart => agents::add(t, e).await,
        Intent::UpdateCart => agents::update(t, e).await,
        Intent::RemoveFromCart => agents::remove(t, e, text).await,
        Intent::ViewCart => agents::show_cart(t).await,
        Intent::ApplyDiscount => agents::apply_code(t, e).await,
        Intent::Checkout => agents::prepare_checkout(t).await,
        Intent::OrderStatus | Intent::OrderHistory | Intent::CancelOrder => agents::orders(t, intent, e).await,
        Intent::Faq | Intent::ReturnOrRefund => agents::support(t, intent, text).await,
        Intent::HumanHandoff => agents::handoff(t, text).await,
        Intent::RememberPreference => agents::memory::remember(t, e, text).await,
        Intent::ForgetMe => agents::memory::forget(t, e, text).await,
        Intent::Greeting => Ok(Answer::say(
            "Hi! I can find products, manage your cart, track orders and answer questions about shipping and returns.",
        )),
        Intent::OutOfScope => {
            Ok(Answer::say("I can only help with shopping here: products, your cart, orders, shipping and returns."))
        }
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
    answer.parts.push(Part::QuickReplies { options: vec![capitalize(phrase(a)), capitalize(phrase(b))] });
    answer
}

fn capitalize(text: &str) -> String {
    let mut c = text.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
