//! Orders from chat: status, history and cancellation (on the shopper's click) of the shopper's own orders.

use super::*;

/// order_status, order_history, cancel_order.
pub async fn orders(t: &Context<'_>, intent: Intent, e: &Entities) -> Result<Answer> {
    let Some(user) = t.shopper.user_id() else {
        return Ok(Answer::say(
            "Sign in to see your orders. A guest order opens from the link on its confirmation page.",
        ));
    };
    let viewer = OrderViewer::Member(user.to_string());
    let list = t.orders.list(user).await?;
    let target = match &e.order_id {
        Some(id) => match t.orders.get(&viewer, id).await {
            Ok(order) => Some(order),
            Err(Error::NotFound(_)) => return Ok(Answer::say(format!("I can't find an order {id} on your account."))),
            Err(other) => return Err(other),
        },
        None => list.first().cloned(),
    };
    match intent {
        Intent::OrderHistory => {
            if list.is_empty() {
                return Ok(Answer::say("You haven't ordered anything yet."));
            }
            let lines: Vec<String> =
                list.iter().take(5).map(|o| format!("{} ({}, {})", o.id, o.status.label(), o.totals.total)).collect();
            Ok(Answer::say(format!("Your orders, newest first: {}.", lines.join("; "))))
        }
        Intent::CancelOrder => {
            let Some(order) = target else { return Ok(Answer::say("You have no orders to cancel.")) };
            if !order.status.is_cancellable() {
                return Ok(Answer::say(format!(
                    "Order {} is {} and can't be cancelled any more; you can return it once it arrives.",
                    order.id,
                    order.status.as_str()
                )));
            }
            // Nothing is cancelled here: the card says exactly what will happen, and only the
            // shopper's click on it does it.
            let summary = format!(
                "Cancel order {} ({}, placed {}): nothing ships, the stock goes back and {} is refunded to the card ending {}.",
                order.id,
                order.totals.total,
                order.placed_at.get(..10).unwrap_or_default(),
                order.totals.total,
                order.card_last4
            );
            let card = confirmations::prepare(
                t.store,
                t.shopper,
                confirmations::Step::CancelOrder { order_id: order.id.clone() },
                summary,
                &format!("Cancel order {}", order.id),
            )
            .await?;
            let mut answer = Answer::say(format!(
                "Here is what cancelling order {} does. Confirm on the card if you want it.",
                order.id
            ));
            answer.parts.push(Part::ConfirmAction { confirmation: card });
            answer.parts.push(Part::OrderTimeline { order });
            Ok(answer)
        }
        _ => {
            let Some(order) = target else { return Ok(Answer::say("You have no orders yet.")) };
            let mut answer = Answer::say(format!(
                "Order {} is {} (placed {}).",
                order.id,
                order.status.label().to_lowercase(),
                order.placed_at.get(..10).unwrap_or_default()
            ));
            answer.parts.push(Part::OrderTimeline { order });
            Ok(answer)
        }
    }
}
