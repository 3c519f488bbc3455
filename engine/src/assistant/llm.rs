//! The language-model brain, through async-openai against OpenAI or any compatible server
//! (llama.cpp, vLLM, Ollama): the model sees the shop's context as data, calls the agents as
//! tools ([`tools`]), and its words stream to the shopper as they arrive. A timeout bounds
//! every wait, failed requests are retried a bounded number of times while nothing has been
//! said yet, each shopper has a daily token budget, and when the model fails or the budget is spent
//! the built-in brain answers instead. The system prompt is guarded from being recited
//! ([`prompt::LeakGuard`]).

mod completion;
pub mod prompt;
pub mod tools;

use super::agents::Answer;
use super::brain::{Answered, Brain, Builtin, Question, Sink};
use super::conversation;
use crate::Result;
use async_openai::config::OpenAIConfig;
use completion::{Failure, PendingCall};
use futures::future::BoxFuture;
use model::Part;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use std::time::Duration;

/// Tool rounds per message; one more round without tools lets the model sum up.
const MAX_ROUNDS: usize = 4;
/// Earlier messages given to the model as context.
const HISTORY: usize = 10;
/// Longest reply asked of the model, in tokens.
const MAX_COMPLETION_TOKENS: u32 = 500;

/// The tools' JSON schemas, built once (they are the same for every request).
static TOOLS: std::sync::LazyLock<Value> = std::sync::LazyLock::new(tools::schemas);

/// How to reach the model and how far to trust it with time and tokens.
#[derive(Clone)]
pub struct LlmSettings {
    /// An OpenAI-compatible API base such as `http://127.0.0.1:8080/v1` (None: OpenAI's).
    pub base_url: Option<String>,
    /// The API key (local servers accept any).
    pub api_key: SecretString,
    /// Model name.
    pub model: String,
    /// Longest wait for the response to start and between two streamed chunks.
    pub timeout: Duration,
    /// Retries of a failed request, only while nothing of the reply was received.
    pub max_retries: u32,
    /// Tokens one shopper (account, else client address) may spend a UTC day; past it the
    /// built-in brain answers.
    pub daily_token_budget: u64,
}

impl std::fmt::Debug for LlmSettings {
    // The key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("daily_token_budget", &self.daily_token_budget)
            .finish_non_exhaustive()
    }
}

/// The model asked for when none is configured.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

impl LlmSettings {
    /// Defaults: 20 s timeout, 2 retries, 50,000 tokens per session.
    pub fn new(base_url: Option<String>, api_key: SecretString, model: impl Into<String>) -> Self {
        Self {
            base_url,
            api_key,
            model: model.into(),
            timeout: Duration::from_secs(20),
            max_retries: 2,
            daily_token_budget: 50_000,
        }
    }
}

/// The language-model brain.
pub struct Llm {
    client: async_openai::Client<OpenAIConfig>,
    settings: LlmSettings,
}

impl Llm {
    /// A brain talking to the model `settings` name.
    pub fn new(settings: LlmSettings) -> Self {
        let mut config = OpenAIConfig::new().with_api_key(settings.api_key.expose_secret());
        if let Some(base) = &settings.base_url {
            config = config.with_api_base(base.trim_end_matches('/'));
        }
        Self { client: async_openai::Client::with_config(config), settings }
    }
}

impl Brain for Llm {
    fn answer<'a>(&'a self, q: &'a Question<'a>) -> BoxFuture<'a, Result<Answered>> {
        Box::pin(self.answer_or_fall_back(q))
    }
}

/// Everything one message's conversation with the model produced.
struct Run {
    guard: prompt::LeakGuard,
    /// The agents' answers to the model's tool calls, in order.
    answers: Vec<Answer>,
    /// The latest product list (what "position" refers to).
    shown: Vec<String>,
    shown_changed: bool,
    tokens: u64,
}

impl Run {
    fn into_answer(self, sink: &Sink) -> Answer {
        let mut text = sink.text_sent();
        if self.guard.leaked {
            text.push_str(if text.is_empty() { "" } else { " " });
            text.push_str("I can't share how I'm set up, but I'm glad to help you shop.");
        } else if text.trim().is_empty() {
            // The model acted but said nothing: the agents' own words say what was done.
            text = self.answers.iter().map(|a| a.text.as_str()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
        }
        let mut answer =
            Answer { text, shown: if self.shown_changed { self.shown } else { Vec::new() }, ..Answer::default() };
        for a in self.answers {
            answer.parts.extend(a.parts);
            answer.actions.extend(a.actions);
        }
        answer
    }
}

impl Llm {
    async fn answer_or_fall_back(&self, q: &Question<'_>) -> Result<Answered> {
        let t = &q.tools;
        // The meter and the context are independent reads: one wait, not two.
        let (spent, context) = tokio::join!(conversation::tokens_spent(t.store, t.meter), self.context(q));
        let spent = spent?;
        if spent >= self.settings.daily_token_budget {
            tracing::info!(
                spent,
                "this shopper's language-model budget for today is spent; the built-in brain answers"
            );
            return Builtin.answer(q).await;
        }
        let mut run = Run {
            guard: prompt::LeakGuard::new(),
            answers: Vec::new(),
            shown: t.shown.to_vec(),
            shown_changed: false,
            tokens: 0,
        };
        match self.converse(q, &context, &mut run).await {
            Ok(()) => {}
            Err(f) if f.cancelled => tracing::info!("the shopper left mid-reply; the model's stream was dropped"),
            Err(f) if !f.received && run.answers.is_empty() => {
                tracing::warn!(reason = %f.reason, "the language model failed; the built-in brain answers");
                let mut answered = Builtin.answer(q).await?;
                answered.tokens = Some(run.tokens);
                return Ok(answered);
            }
            Err(f) => {
                // Part of the reply is out (or tools acted): keep it, say the rest plainly.
                tracing::warn!(reason = %f.reason, "the language model failed mid-reply");
                if !q.sink.text_sent().is_empty() {
                    q.sink.token(" … Sorry, I lost my train of thought there.").await;
                }
            }
        }
        let tokens = run.tokens;
        Ok(Answered { answer: run.into_answer(q.sink), brain: "llm", tokens: Some(tokens) })
    }

    async fn converse(&self, q: &Question<'_>, context: &Value, run: &mut Run) -> std::result::Result<(), Failure> {
        let mut messages = vec![
            json!({ "role": "system", "content": prompt::SYSTEM_PROMPT }),
            json!({ "role": "system", "content": format!("The conversation so far and the shopper's cart: {}", prompt::data(context)) }),
            json!({ "role": "user", "content": q.text }),
        ];
        for round in 0..=MAX_ROUNDS {
            let completion = self.complete(&messages, q.sink, run, round < MAX_ROUNDS).await?;
            if run.guard.leaked || completion.calls.is_empty() {
                return Ok(());
            }
            let calls: Vec<Value> = completion
                .calls
                .iter()
                .map(|c| json!({ "id": c.id, "type": "function", "function": { "name": c.name, "arguments": c.arguments } }))
                .collect();
            messages.push(json!({ "role": "assistant", "content": completion.text, "tool_calls": calls }));
            for call in completion.calls {
                let result = self.call_tool(q, run, &call).await?;
                messages.push(json!({ "role": "tool", "tool_call_id": call.id, "content": prompt::data(&result) }));
            }
        }
        Ok(())
    }

    /// Runs one tool call; what the model is told back.
    async fn call_tool(
        &self,
        q: &Question<'_>,
        run: &mut Run,
        call: &PendingCall,
    ) -> std::result::Result<Value, Failure> {
        let parsed = match tools::parse(&call.name, &call.arguments) {
            Ok(parsed) => parsed,
            Err(bad) => {
                tracing::info!(tool = %call.name, field = %bad.field, "the model's tool call was refused");
                return Ok(json!({ "error": { "field": bad.field, "message": bad.message } }));
            }
        };
        let shown = run.shown.clone();
        let answer = match tools::run(&q.tools.with_shown(&shown), &parsed).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::error!(tool = %call.name, error = %crate::error::error_chain(&e), "a tool failed");
                return Ok(json!({ "error": { "message": "the shop could not do that just now" } }));
            }
        };
        for part in &answer.parts {
            if !q.sink.part(part).await {
                return Err(Failure::cancelled());
            }
        }
        for action in &answer.actions {
            if !q.sink.action(action).await {
                return Err(Failure::cancelled());
            }
        }
        if !answer.shown.is_empty() {
            run.shown.clone_from(&answer.shown);
            run.shown_changed = true;
        }
        let result = for_model(&answer);
        run.answers.push(answer);
        Ok(result)
    }

    /// The shop's context for the model: earlier turns, the cart and the latest product list,
    /// all as data. Nothing secret: no ids of sessions or users, no tokens.
    async fn context(&self, q: &Question<'_>) -> Value {
        let t = &q.tools;
        let (cart, remembered, products) = tokio::join!(
            t.carts.get(t.shopper),
            t.memory.preferences(t.shopper),
            async {
                // From the listing snapshot: names and prices for the model, no database reads.
                let mut products = Vec::new();
                if let Ok(listing) = t.catalog.index().entries().await {
                    for (i, id) in t.shown.iter().enumerate() {
                        if let Some(p) =
                            listing.by_id.get(id).and_then(|ix| listing.entries.get(*ix)).map(|e| &e.product)
                        {
                            products.push(json!({ "position": i + 1, "name": p.name, "brand": p.brand, "price": p.price.to_string() }));
                        }
                    }
                }
                products
            }
        );
        let earlier: Vec<Value> =
            q.latest.words(HISTORY).iter().map(|(role, text)| json!({ "role": role, "text": text })).collect();
        let cart = cart.ok().map(|cart| {
            json!({
                "lines": cart.lines.iter().enumerate().map(|(i, l)| json!({
                    "line": i + 1, "name": l.name, "quantity": l.quantity, "line_total": l.line_total.to_string(),
                })).collect::<Vec<_>>(),
                "total": cart.totals.total.to_string(),
            })
        });
        json!({
            "signed_in": t.shopper.user_id().is_some(),
            "earlier_turns": earlier,
            "cart": cart,
            "latest_products": products,
            // What the shopper told the shop to remember (sizes, budgets, brands, colors, avoids).
            "remembered_preferences": remembered.ok().filter(|p| !p.is_empty()),
        })
    }
}

/// What the model is told about an agent's answer: its words and the facts behind its parts.
/// Confirmation tokens and other secrets in parts are never passed on.
fn for_model(answer: &Answer) -> Value {
    let mut result = json!({ "result": answer.text });
    for part in &answer.parts {
        match part {
            Part::Products { items } => {
                result["products"] = items
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        json!({
                            "position": i + 1, "name": p.name, "brand": p.brand, "price": p.price.to_string(),
                            "in_stock": p.stock, "description": p.description,
                        })
                    })
                    .collect();
            }
            Part::CartSummary { cart } => {
                result["cart_total"] = json!(cart.totals.total.to_string());
                result["cart_items"] = json!(cart.item_count);
            }
            Part::CheckoutConfirm { .. } => result["confirmation_card_shown"] = json!(true),
            // The token stays with the card: the model is told a card waits for the click.
            Part::ConfirmAction { confirmation } => {
                result["confirmation_card_shown"] = json!(true);
                result["waiting_for_the_shoppers_click"] = json!(confirmation.summary);
            }
            Part::CheckoutPrompt { href, .. } => result["checkout_page"] = json!(href),
            Part::OrderTimeline { order } => {
                result["order"] =
                    json!({ "id": order.id, "status": order.status.label(), "total": order.totals.total.to_string() });
            }
            Part::Source { title } => result["source"] = json!(title),
            Part::QuickReplies { .. } => {}
        }
    }
    result
}

impl std::fmt::Debug for Llm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Llm").field("settings", &self.settings).finish_non_exhaustive()
    }
}
