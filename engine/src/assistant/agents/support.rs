//! Support: answers from the shop's policies and FAQ naming their source, and hand-offs to a person.

use super::*;

/// faq and return_or_refund: answers from the seeded policies and FAQ, naming the source.
pub async fn support(t: &Context<'_>, intent: Intent, text: &str) -> Result<Answer> {
    let lowered = text.to_lowercase();
    if let Some(answer) = faq_answer(t, &lowered).await? {
        return Ok(answer);
    }
    let topic = if intent == Intent::ReturnOrRefund
        || ["return", "refund", "exchange", "send back"].iter().any(|w| lowered.contains(w))
    {
        "returns"
    } else if ["warranty", "guarantee", "broken", "defect"].iter().any(|w| lowered.contains(w)) {
        "warranty"
    } else if ["pay", "card", "paypal", "apple pay"].iter().any(|w| lowered.contains(w)) {
        "payment"
    } else if ["data", "privacy", "information", "personal"].iter().any(|w| lowered.contains(w)) {
        "privacy"
    } else {
        "shipping"
    };
    let Some(policy) = t.policies.on(topic).await? else {
        return Ok(Answer::say("I don't have that policy at hand; a person can help."));
    };
    let mut answer = Answer::say(t.checkout.facts().render(&policy.body));
    answer.parts.push(Part::Source { title: policy.title });
    Ok(answer)
}

/// The FAQ entry a question about an irreversible step asks for (how to cancel, how to erase
/// one's data, how to empty the cart), with its question as the source.
async fn faq_answer(t: &Context<'_>, lowered: &str) -> Result<Option<Answer>> {
    let has = |words: &[&str]| words.iter().any(|w| lowered.contains(w));
    let needle = if has(&["cancel"]) {
        "cancel an order"
    } else if has(&["cart", "basket"]) && has(&["empty", "clear", "remove everything", "remove all"]) {
        "empty my cart"
    } else if has(&["delete", "erase", "forget", "remove", "wipe"])
        && has(&["data", "about me", "know", "history", "remember", "preferences", "profile"])
    {
        "delete what you know"
    } else {
        return Ok(None);
    };
    Ok(t.policies.faq(needle).await?.map(|faq| {
        let mut answer = Answer::say(t.checkout.facts().render(&faq.answer));
        answer.parts.push(Part::Source { title: format!("FAQ: {}", faq.question) });
        answer
    }))
}

/// human_handoff: records the request for staff.
pub async fn handoff(t: &Context<'_>, text: &str) -> Result<Answer> {
    let id = crate::assistant::conversation::request_handoff(t.store, t.shopper, t.session_id, text).await?;
    let mut answer = Answer::say("I've asked a person from our team to pick this up; they'll reply here.");
    answer.actions.push(Action::HandoffRequested { request_id: id });
    Ok(answer)
}
