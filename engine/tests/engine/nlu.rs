//! The built-in brain's language understanding measured on a held-out, labelled set of shopper
//! messages (engine/tests/data/nlu_eval.tsv, no line shared with the training file).

use engine::assistant::nlu::{entities, Classifier, Intent, Vocabulary};
use std::collections::HashMap;

const EVAL: &str = include_str!("../data/nlu_eval.tsv");

struct Case {
    intent: Intent,
    text: &'static str,
    entities: Vec<(&'static str, &'static str)>,
}

fn cases() -> Vec<Case> {
    EVAL.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split('\t');
            let intent = Intent::parse(parts.next().unwrap()).unwrap_or_else(|| panic!("bad intent in {l}"));
            let text = parts.next().unwrap();
            let entities = parts
                .next()
                .map(|e| e.split(';').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap()).collect())
                .unwrap_or_default();
            Case { intent, text, entities }
        })
        .collect()
}

fn vocabulary() -> Vocabulary {
    let brands = ["Northpeak", "Stridelab", "Aerofoot", "Velox", "Fjellkraft", "Wildroot", "Metro Supply", "Ironbark"];
    Vocabulary::with_brands(brands.iter().map(|b| b.to_string()).collect())
}

#[test]
fn the_evaluation_set_is_large_and_held_out() {
    let cases = cases();
    assert!(cases.len() >= 400, "{} cases", cases.len());
    let training: std::collections::HashSet<&str> =
        engine::assistant::nlu::TRAINING.lines().filter_map(|l| l.split_once('\t')).map(|(_, t)| t.trim()).collect();
    let shared: Vec<&str> = cases.iter().map(|c| c.text.trim()).filter(|t| training.contains(t)).collect();
    assert!(shared.is_empty(), "shared with the training file: {shared:?}");
    for intent in Intent::ALL {
        assert!(cases.iter().filter(|c| c.intent == intent).count() >= 15, "{} has too few cases", intent.as_str());
    }
}

#[test]
fn the_built_in_classifier_is_at_least_90_percent_accurate() {
    let classifier = Classifier::builtin().unwrap();
    let cases = cases();
    let mut tp: HashMap<Intent, f64> = HashMap::new();
    let mut predicted: HashMap<Intent, f64> = HashMap::new();
    let mut actual: HashMap<Intent, f64> = HashMap::new();
    let mut misses = Vec::new();
    for case in &cases {
        let p = classifier.predict(case.text);
        *predicted.entry(p.intent).or_default() += 1.0;
        *actual.entry(case.intent).or_default() += 1.0;
        if p.intent == case.intent {
            *tp.entry(case.intent).or_default() += 1.0;
        } else {
            misses.push(format!(
                "{} -> {} ({:.2}): {}",
                case.intent.as_str(),
                p.intent.as_str(),
                p.confidence,
                case.text
            ));
        }
    }
    let accuracy = tp.values().sum::<f64>() / cases.len() as f64;
    let f1 = |i: Intent| {
        let (t, p, a) = (tp.get(&i).copied().unwrap_or(0.0), predicted.get(&i).copied().unwrap_or(0.0), actual[&i]);
        if t == 0.0 {
            0.0
        } else {
            2.0 * (t / p) * (t / a) / ((t / p) + (t / a))
        }
    };
    let macro_f1 = Intent::ALL.iter().map(|i| f1(*i)).sum::<f64>() / Intent::ALL.len() as f64;
    println!(
        "built-in classifier on {} held-out messages: accuracy {:.1}%, macro-F1 {:.3}",
        cases.len(),
        accuracy * 100.0,
        macro_f1
    );
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(accuracy >= 0.90, "accuracy {:.1}% is below 90%", accuracy * 100.0);
}

#[test]
fn entities_are_extracted_from_the_labelled_messages() {
    let vocabulary = vocabulary();
    let (mut right, mut total) = (0, 0);
    let mut wrong = Vec::new();
    for case in cases() {
        let e = entities::extract(case.text, &vocabulary);
        for (key, expected) in &case.entities {
            total += 1;
            let got = match *key {
                "category" => e.category.clone(),
                "brand" => e.brand.clone(),
                "color" => e.color.clone(),
                "size" => e.size.clone(),
                "min_price" => e.min_price.map(|v| v.to_string()),
                "max_price" => e.max_price.map(|v| v.to_string()),
                "quantity" => e.quantity.map(|v| v.to_string()),
                "ordinal" => e.ordinal.map(|v| v.to_string()),
                "order_id" => e.order_id.clone(),
                "code" => e.code.clone(),
                other => panic!("unknown entity {other}"),
            };
            if got.as_deref() == Some(*expected) {
                right += 1;
            } else {
                wrong.push(format!("{key}={expected} got {got:?}: {}", case.text));
            }
        }
    }
    let accuracy = f64::from(right) / f64::from(total);
    println!("entities: {right}/{total} labelled values extracted ({:.1}%)", accuracy * 100.0);
    for w in &wrong {
        println!("  wrong: {w}");
    }
    assert!(total >= 140, "{total} labelled entity values");
    assert!(accuracy >= 0.90, "entity accuracy {:.1}% is below 90%", accuracy * 100.0);
}
