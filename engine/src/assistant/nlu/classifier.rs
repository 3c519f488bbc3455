//! The intent classifier: multinomial naive Bayes over word unigrams, word bigrams and
//! character trigrams, trained at start from [`super::TRAINING`] (a few hundred labelled
//! utterances: milliseconds). Numbers, money, order ids and code-shaped words are folded into
//! placeholders so "add 3" and "add 12" teach the same thing.

use super::text::{is_order_id, looks_like_code, stem, words};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a shopper wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Find products.
    ProductSearch,
    /// Ask about one product.
    ProductDetails,
    /// Ask for a suggestion.
    Recommendation,
    /// Compare products.
    CompareProducts,
    /// Put something in the cart.
    AddToCart,
    /// Change a quantity.
    UpdateCart,
    /// Take something out.
    RemoveFromCart,
    /// See the cart.
    ViewCart,
    /// Use a discount code.
    ApplyDiscount,
    /// Pay.
    Checkout,
    /// Where an order is.
    OrderStatus,
    /// Past orders.
    OrderHistory,
    /// Cancel an order.
    CancelOrder,
    /// Send something back, get money back.
    ReturnOrRefund,
    /// Shipping, returns, payment, warranty, privacy questions.
    Faq,
    /// "I'm a size 10", "no leather please".
    RememberPreference,
    /// "Forget that I like red", "delete my data".
    ForgetMe,
    /// Hello, thanks, bye.
    Greeting,
    /// Wants a person.
    HumanHandoff,
    /// Not about shopping here.
    OutOfScope,
}

impl Intent {
    /// Every intent.
    pub const ALL: [Intent; 20] = [
        Intent::ProductSearch,
        Intent::ProductDetails,
        Intent::Recommendation,
        Intent::CompareProducts,
        Intent::AddToCart,
        Intent::UpdateCart,
        Intent::RemoveFromCart,
        Intent::ViewCart,
        Intent::ApplyDiscount,
        Intent::Checkout,
        Intent::OrderStatus,
        Intent::OrderHistory,
        Intent::CancelOrder,
        Intent::ReturnOrRefund,
        Intent::Faq,
        Intent::RememberPreference,
        Intent::ForgetMe,
        Intent::Greeting,
        Intent::HumanHandoff,
        Intent::OutOfScope,
    ];

    /// Wire name (`product_search` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::ProductSearch => "product_search",
            Intent::ProductDetails => "product_details",
            Intent::Recommendation => "recommendation",
            Intent::CompareProducts => "compare_products",
            Intent::AddToCart => "add_to_cart",
            Intent::UpdateCart => "update_cart",
            Intent::RemoveFromCart => "remove_from_cart",
            Intent::ViewCart => "view_cart",
            Intent::ApplyDiscount => "apply_discount",
            Intent::Checkout => "checkout",
            Intent::OrderStatus => "order_status",
            Intent::OrderHistory => "order_history",
            Intent::CancelOrder => "cancel_order",
            Intent::ReturnOrRefund => "return_or_refund",
            Intent::Faq => "faq",
            Intent::RememberPreference => "remember_preference",
            Intent::ForgetMe => "forget_me",
            Intent::Greeting => "greeting",
            Intent::HumanHandoff => "human_handoff",
            Intent::OutOfScope => "out_of_scope",
        }
    }

    /// Parses the wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == raw.trim())
    }
}

/// The classifier's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Most likely intent.
    pub intent: Intent,
    /// Its posterior probability, 0..=1.
    pub confidence: f64,
    /// The runner-up, for a clarifying question.
    pub runner_up: Intent,
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Classifier {
    /// log P(intent).
    priors: Vec<f64>,
    /// log P(feature | intent) per intent, for features seen in training.
    likelihoods: Vec<HashMap<String, f64>>,
    /// log P(unseen feature | intent) per intent.
    unseen: Vec<f64>,
}

/// Why training data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("training line {line}: {problem}")]
pub struct TrainingError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

/// Additive smoothing: small, since the vocabulary is large next to a few hundred examples.
const ALPHA: f64 = 0.1;

/// The features of an utterance.
pub fn features(text: &str) -> Vec<String> {
    let tokens: Vec<String> = words(text).into_iter().map(|w| placeholder(&w).unwrap_or_else(|| stem(&w))).collect();
    let mut out = Vec::with_capacity(tokens.len() * 6);
    for t in &tokens {
        out.push(format!("w:{t}"));
    }
    for pair in tokens.windows(2) {
        out.push(format!("b:{}_{}", pair[0], pair[1]));
    }
    if let Some(first) = tokens.first() {
        // How a message starts says a lot ("where is", "add", "remove").
        out.push(format!("s:{first}"));
    }
    for t in tokens.iter().filter(|t| !t.starts_with('<')) {
        let padded: Vec<char> = format!("#{t}#").chars().collect();
        for tri in padded.windows(3) {
            out.push(format!("c:{}", tri.iter().collect::<String>()));
        }
    }
    out
}

fn placeholder(word: &str) -> Option<String> {
    let bare = word.trim_start_matches(['$', '€']).trim_end_matches(['%', '€']);
    if is_order_id(word) {
        Some("<order>".into())
    } else if word.starts_with(['$', '€']) || word.ends_with('€') {
        Some("<money>".into())
    } else if word.ends_with('%') {
        Some("<percent>".into())
    } else if !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit() || c == '.') {
        Some("<num>".into())
    } else if word.len() > 1 && word.ends_with('x') && word[..word.len() - 1].chars().all(|c| c.is_ascii_digit()) {
        Some("<times>".into())
    } else if looks_like_code(word) {
        Some("<code>".into())
    } else {
        None
    }
}

impl Classifier {
    /// Trains from `intent<TAB>utterance` lines (`#` comments and blank lines skipped).
    pub fn train(data: &str) -> Result<Self, TrainingError> {
        let n = Intent::ALL.len();
        let mut counts: Vec<HashMap<String, f64>> = vec![HashMap::new(); n];
        let mut docs = vec![0f64; n];
        for (i, line) in data.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |problem: &str| TrainingError { line: i + 1, problem: problem.into() };
            let (label, text) = line.split_once('\t').ok_or_else(|| err("expected intent<TAB>utterance"))?;
            let intent = Intent::parse(label).ok_or_else(|| err("unknown intent"))?;
            let k = intent as usize;
            docs[k] += 1.0;
            for f in features(text) {
                *counts[k].entry(f).or_default() += 1.0;
            }
        }
        let total_docs: f64 = docs.iter().sum();
        if let Some(missing) = Intent::ALL.iter().find(|i| docs[**i as usize] == 0.0) {
            return Err(TrainingError { line: 0, problem: format!("no example of {}", missing.as_str()) });
        }
        let vocabulary = counts.iter().flat_map(|c| c.keys()).collect::<std::collections::HashSet<_>>().len() as f64;
        let mut likelihoods = Vec::with_capacity(n);
        let mut unseen = Vec::with_capacity(n);
        for class in &counts {
            let total: f64 = class.values().sum();
            let denominator = total + ALPHA * vocabulary;
            likelihoods.push(class.iter().map(|(f, c)| (f.clone(), ((c + ALPHA) / denominator).ln())).collect());
            unseen.push((ALPHA / denominator).ln());
        }
        let priors = docs.iter().map(|d| (d / total_docs).ln()).collect();
        Ok(Self { priors, likelihoods, unseen })
    }

    /// The built-in classifier, trained on the shipped data.
    pub fn builtin() -> Result<Self, TrainingError> {
        Self::train(super::TRAINING)
    }

    /// Classifies `text`.
    pub fn predict(&self, text: &str) -> Prediction {
        let feats = features(text);
        let scores: Vec<f64> = (0..Intent::ALL.len())
            .map(|k| {
                self.priors[k]
                    + feats.iter().map(|f| self.likelihoods[k].get(f).copied().unwrap_or(self.unseen[k])).sum::<f64>()
            })
            .collect();
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|a, b| scores[*b].partial_cmp(&scores[*a]).unwrap_or(std::cmp::Ordering::Equal));
        let best = scores[order[0]];
        // Posterior by softmax, shifted by the best score so nothing overflows.
        let z: f64 = scores.iter().map(|s| (s - best).exp()).sum();
        Prediction { intent: Intent::ALL[order[0]], confidence: 1.0 / z, runner_up: Intent::ALL[order[1]] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_training_data_trains() {
        let c = Classifier::builtin().unwrap();
        let p = c.predict("where is my order");
        assert_eq!(p.intent, Intent::OrderStatus);
        assert!((0.0..=1.0).contains(&p.confidence));
    }

    #[test]
    fn bad_training_lines_are_named() {
        assert_eq!(Classifier::train("nonsense").unwrap_err().line, 1);
        assert_eq!(Classifier::train("# c\nflying\thi").unwrap_err().line, 2);
        assert!(Classifier::train("greeting\thi").unwrap_err().problem.contains("no example"));
    }

    #[test]
    fn numbers_and_codes_become_placeholders() {
        let f = features("add 3x of WELCOME10 for $80");
        assert!(f.contains(&"w:<times>".to_string()) && f.contains(&"w:<code>".to_string()));
        assert!(f.contains(&"w:<money>".to_string()));
    }
}
