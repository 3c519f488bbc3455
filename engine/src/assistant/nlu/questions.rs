//! A question about how something works is answered, never acted on: "how do I cancel an
//! order?" asks for the policy, it does not cancel. The classifier is statistical; this rule is
//! not, for the intents that destroy something.

use super::classifier::Prediction;
use super::Intent;

/// Openings that ask how (or whether) something is done rather than ask for it to be done.
const ASKING_HOW: &[&str] = &[
    "how do i",
    "how do you",
    "how can i",
    "how could i",
    "how would i",
    "how does",
    "how to",
    "what happens if",
    "what happens when",
    "where can i",
    "where do i",
    "is it possible to",
    "is there a way to",
    "what is the way to",
    "what's the way to",
];

/// The intents whose agents prepare something irreversible.
fn destroys(intent: Intent) -> bool {
    matches!(intent, Intent::CancelOrder | Intent::ForgetMe | Intent::RemoveFromCart)
}

/// True when `text` asks how something is done.
pub fn asks_how(text: &str) -> bool {
    let lowered = text.to_lowercase();
    let not_a_letter = |c: char| !c.is_alphanumeric();
    let t = lowered.trim_start_matches(not_a_letter);
    let t = t.strip_prefix("please").unwrap_or(t).trim_start_matches(not_a_letter);
    ASKING_HOW.iter().any(|opening| t.starts_with(opening))
}

/// The prediction to act on: a how-question read as a destructive intent becomes `faq`.
pub fn answer_questions(prediction: Prediction, text: &str) -> Prediction {
    if destroys(prediction.intent) && asks_how(text) {
        return Prediction { intent: Intent::Faq, runner_up: prediction.intent, ..prediction };
    }
    prediction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_questions_are_told_from_requests() {
        assert!(asks_how("How do I cancel an order?"));
        assert!(asks_how("  what happens if I cancel"));
        assert!(asks_how("please, how can I delete my data"));
        assert!(!asks_how("cancel my order"));
        assert!(!asks_how("can you cancel the order"));
        assert!(!asks_how("forget everything"));
    }
}
