//! Built-in language understanding: no network, deterministic. [`Classifier`] tells the
//! intent with a confidence; [`entities::extract`] finds what the message is about.

pub mod classifier;
pub mod entities;
pub mod questions;
pub mod text;

pub use classifier::{Classifier, Intent, Prediction};
pub use entities::{Entities, Vocabulary};

/// The labelled utterances the built-in classifier learns from (`intent<TAB>utterance`).
pub const TRAINING: &str = include_str!("nlu/training.tsv");
