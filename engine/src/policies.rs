//! The shop's policies and FAQ as seeded (shipping, returns, warranty, payment, privacy), read by
//! the assistant's support answers: its agents ask here instead of querying the database.

use crate::store::Store;
use crate::Result;
use surrealdb::types::SurrealValue;

/// A policy text.
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct Policy {
    /// Its title, shown as the answer's source.
    pub title: String,
    /// The text, with `{placeholders}` for the shop's facts.
    pub body: String,
}

/// One FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct FaqEntry {
    /// The question, shown as the answer's source.
    pub question: String,
    /// The answer, with `{placeholders}` for the shop's facts.
    pub answer: String,
}

/// Policies and FAQ over the store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Policies {
    store: Store,
}

impl Policies {
    /// Policies read from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The policy on `topic` (`shipping`, `returns`, `warranty`, `payment`, `privacy`).
    pub async fn on(&self, topic: &str) -> Result<Option<Policy>> {
        let mut res = self
            .store
            .query("SELECT title, body FROM policy WHERE topic = $topic LIMIT 1")
            .bind(("topic", topic.to_string()))
            .await?;
        Ok(res.take(0)?)
    }

    /// The first FAQ entry whose question contains `needle` (case-insensitive).
    pub async fn faq(&self, needle: &str) -> Result<Option<FaqEntry>> {
        let mut res = self
            .store
            .query(
                "SELECT question, answer FROM faq WHERE string::contains(string::lowercase(question), $needle) LIMIT 1",
            )
            .bind(("needle", needle.to_lowercase()))
            .await?;
        Ok(res.take(0)?)
    }
}
