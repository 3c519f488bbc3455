//! The memory agent: "I'm a size 10", "no leather please", "I love Patagonia", "my budget for
//! jackets is $200" become stated preferences through the memory service; "forget that I like
//! red" removes one, "forget me" erases everything (orders stay: they are records of sale).

use super::{Answer, Context};
use crate::assistant::nlu::{entities, Entities, Vocabulary};
use crate::Result;
use model::memory::Preferences;
use model::{Action, Part};

/// Materials and diets a shopper may want to avoid, as they say them.
const AVOIDABLE: &[&str] = &[
    "leather",
    "suede",
    "wool",
    "down",
    "feathers",
    "fur",
    "silk",
    "plastic",
    "polyester",
    "nylon",
    "latex",
    "gluten",
    "dairy",
    "lactose",
    "nuts",
    "peanuts",
    "soy",
    "caffeine",
    "sugar",
    "meat",
    "alcohol",
    "palm oil",
];

/// Words that turn a liking into an aversion.
fn negative(text: &str) -> bool {
    let t = format!(" {} ", text.to_lowercase());
    [" no ", " not ", "n't ", " never ", " hate ", " avoid ", " dislike ", " without ", " allergic ", " can't stand "]
        .iter()
        .any(|w| t.contains(w))
}

fn avoidables(text: &str) -> Vec<String> {
    let t = text.to_lowercase();
    let mut found: Vec<String> = AVOIDABLE.iter().filter(|w| t.contains(*w)).map(|w| (*w).to_string()).collect();
    if t.contains("vegan") {
        for w in ["leather", "wool", "down", "silk"] {
            if !found.iter().any(|f| f == w) {
                found.push(w.to_string());
            }
        }
    }
    found
}

/// What a statement says to remember, applied to `prefs`; the changes in words.
fn apply_statement(prefs: &mut Preferences, e: &Entities, text: &str) -> Vec<String> {
    let mut said = Vec::new();
    let scope = e.category.clone().unwrap_or_else(|| "*".into());
    let in_scope = if scope == "*" { String::new() } else { format!(" in {}", scope.replace('-', " ")) };
    let against = negative(text);
    if let Some(size) = &e.size {
        prefs.sizes.insert(scope.clone(), size.clone());
        said.push(format!("size {size}{in_scope}"));
    }
    if let Some(max) = e.max_price {
        prefs.budgets.insert(scope.clone(), max);
        said.push(format!("a budget of {}{in_scope}", model::Money::new(max, model::Currency::USD)));
    }
    if let Some(brand) = &e.brand {
        prefs.brands_liked.retain(|b| !b.eq_ignore_ascii_case(brand));
        prefs.brands_avoided.retain(|b| !b.eq_ignore_ascii_case(brand));
        if against {
            prefs.brands_avoided.push(brand.clone());
            said.push(format!("no {brand}"));
        } else {
            prefs.brands_liked.push(brand.clone());
            said.push(format!("you like {brand}"));
        }
    }
    if let Some(color) = &e.color {
        prefs.colors_liked.retain(|c| c != color);
        prefs.colors_avoided.retain(|c| c != color);
        if against {
            prefs.colors_avoided.push(color.clone());
            said.push(format!("no {color}"));
        } else {
            prefs.colors_liked.push(color.clone());
            said.push(format!("you like {color}"));
        }
    }
    for word in avoidables(text) {
        if !prefs.avoid.contains(&word) {
            prefs.avoid.push(word.clone());
        }
        said.push(format!("no {word}"));
    }
    said
}

/// What a "forget that …" message names, removed from `prefs`; the removals in words.
fn remove_statement(prefs: &mut Preferences, e: &Entities, text: &str) -> Vec<String> {
    let t = text.to_lowercase();
    let mut said = Vec::new();
    if let Some(color) = &e.color {
        prefs.colors_liked.retain(|c| c != color);
        prefs.colors_avoided.retain(|c| c != color);
        said.push(format!("your {color} preference"));
    }
    if let Some(brand) = &e.brand {
        prefs.brands_liked.retain(|b| !b.eq_ignore_ascii_case(brand));
        prefs.brands_avoided.retain(|b| !b.eq_ignore_ascii_case(brand));
        said.push(format!("what you said about {brand}"));
    }
    if t.contains("size") {
        match &e.category {
            Some(c) => {
                prefs.sizes.remove(c);
            }
            None => prefs.sizes.clear(),
        }
        said.push("your size".into());
    }
    if t.contains("budget") {
        prefs.budgets.clear();
        said.push("your budget".into());
    }
    for word in avoidables(text) {
        prefs.avoid.retain(|w| *w != word);
        said.push(format!("avoiding {word}"));
    }
    said
}

/// Edits the stored preferences with `edit`; what changed, in words, or the answer to give when
/// the change could not be saved.
async fn edit_preferences(
    t: &Context<'_>,
    edit: impl FnOnce(&mut Preferences) -> Vec<String>,
) -> std::result::Result<Vec<String>, Answer> {
    let mut said = Vec::new();
    match t.memory.change(t.shopper, |prefs| said = edit(prefs)).await {
        Ok(_) => Ok(said),
        Err(e) => Err(Answer::say(format!("I couldn't save that: {e}."))),
    }
}

/// remember_preference.
pub async fn remember(t: &Context<'_>, e: &Entities, text: &str) -> Result<Answer> {
    let said = match edit_preferences(t, |prefs| apply_statement(prefs, e, text)).await {
        Ok(said) => said,
        Err(answer) => return Ok(answer),
    };
    if said.is_empty() {
        return Ok(Answer::say(
            "I couldn't tell what to remember. Try \"I'm a size 10\", \"no leather please\", \"I love Patagonia\" or \"my budget for jackets is $200\".",
        ));
    }
    let summary = said.join(", ");
    let mut answer = Answer::say(format!(
        "Got it, I'll remember: {summary}. I'll use it when I search for you; you can see or change it on the \"What we remember\" page."
    ));
    answer.actions.push(Action::MemoryUpdated { summary });
    Ok(answer)
}

/// forget_me: one named thing, or everything.
pub async fn forget(t: &Context<'_>, e: &Entities, text: &str) -> Result<Answer> {
    let said = match edit_preferences(t, |prefs| remove_statement(prefs, e, text)).await {
        Ok(said) => said,
        Err(answer) => return Ok(answer),
    };
    if !said.is_empty() {
        let summary = format!("forgot {}", said.join(", "));
        let mut answer = Answer::say(format!("Done: I {summary}."));
        answer.actions.push(Action::MemoryUpdated { summary });
        return Ok(answer);
    }
    let t_lower = format!(" {} ", text.to_lowercase());
    if [" everything", " all ", " me ", " me.", " my data", "about me", "my history"]
        .iter()
        .any(|w| t_lower.contains(w))
    {
        // Erasing everything cannot be undone: the card says what goes, the click does it.
        let summary = "Forget everything: your stated preferences (sizes, budgets, brands, colors), your history \
            (views, searches, carts, purchases as signals) and what you like. Your orders stay, as records of sale."
            .to_string();
        let step = crate::assistant::confirmations::Step::ForgetEverything;
        let card =
            crate::assistant::confirmations::prepare(t.store, t.shopper, step, summary, "Forget everything").await?;
        let mut answer = Answer::say("Here is what forgetting everything erases. Confirm on the card if you want it.");
        answer.parts.push(Part::ConfirmAction { confirmation: card });
        return Ok(answer);
    }
    Ok(Answer::say("What should I forget? Name it (\"forget that I like red\"), or say \"forget everything\"."))
}

/// The language model's remember_preference / forget_me: the statement read like a message.
pub async fn from_statement(t: &Context<'_>, remembering: bool, statement: &str) -> Result<Answer> {
    let brands = t.catalog.index().entries().await?.brands.clone();
    let e = entities::extract(statement, &Vocabulary::with_brands(brands));
    if remembering {
        remember(t, &e, statement).await
    } else {
        forget(t, &e, statement).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_become_preferences() {
        let mut p = Preferences::default();
        let e = Entities { size: Some("10".into()), category: Some("running-shoes".into()), ..Entities::default() };
        assert_eq!(apply_statement(&mut p, &e, "I'm a size 10 in running shoes"), vec!["size 10 in running shoes"]);
        assert_eq!(p.sizes.get("running-shoes").map(String::as_str), Some("10"));

        let e = Entities::default();
        apply_statement(&mut p, &e, "no leather please, I'm vegan");
        assert!(p.avoid.contains(&"leather".to_string()) && p.avoid.contains(&"wool".to_string()));

        let e = Entities { brand: Some("Acme".into()), ..Entities::default() };
        apply_statement(&mut p, &e, "I don't like Acme");
        assert_eq!(p.brands_avoided, vec!["Acme"]);
        apply_statement(&mut p, &e, "actually I love Acme");
        assert_eq!((p.brands_liked.clone(), p.brands_avoided.len()), (vec!["Acme".to_string()], 0));

        let e = Entities { color: Some("red".into()), ..Entities::default() };
        apply_statement(&mut p, &e, "I like red");
        assert_eq!(remove_statement(&mut p, &e, "forget that I like red"), vec!["your red preference"]);
        assert!(p.colors_liked.is_empty());
    }
}
