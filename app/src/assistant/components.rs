//! The chat panel and how a reply's parts render.

use super::api::{my_conversation, SendToAssistant};
use crate::cart::cart_version;
use leptos::prelude::*;
use model::{Action, Part, Product, Turn};

/// The launcher and the panel, on every page.
#[component]
pub fn ChatPanel() -> impl IntoView {
    let open = RwSignal::new(false);
    let turns = RwSignal::new(Vec::<Turn>::new());
    let loaded = RwSignal::new(false);
    let send = ServerAction::<SendToAssistant>::new();
    let draft = RwSignal::new(String::new());
    let version = cart_version();
    let auth = use_context::<crate::account::AuthVersion>();

    // Load the stored conversation when the panel first opens (and after a sign-in, which
    // moves a guest's conversation to the account).
    Effect::new(move |_| {
        let _ = auth.map(|a| a.0.get());
        if open.get() {
            leptos::task::spawn_local(async move {
                if let Ok(list) = my_conversation().await {
                    turns.set(list);
                    loaded.set(true);
                }
            });
        }
    });
    // Each reply joins the conversation; cart changes refresh the badge.
    Effect::new(move |_| {
        if let Some(Ok(reply)) = send.value().get() {
            let changed_cart = reply.actions.iter().any(|a| {
                matches!(
                    a,
                    Action::CartLineAdded { .. }
                        | Action::CartLineUpdated { .. }
                        | Action::CartLineRemoved { .. }
                        | Action::DiscountApplied { .. }
                )
            });
            turns.update(|t| {
                t.push(Turn {
                    id: reply.message_id.clone(),
                    role: "assistant".into(),
                    text: reply.text.clone(),
                    intent: Some(reply.intent.clone()),
                    parts: reply.parts.clone(),
                    actions: reply.actions.clone(),
                    at: String::new(),
                })
            });
            if changed_cart {
                version.bump();
            }
        }
    });
    let submit = move |text: String| {
        let text = text.trim().to_string();
        if text.is_empty() || send.pending().get_untracked() {
            return;
        }
        turns.update(|t| {
            t.push(Turn {
                id: String::new(),
                role: "user".into(),
                text: text.clone(),
                intent: None,
                parts: vec![],
                actions: vec![],
                at: String::new(),
            })
        });
        draft.set(String::new());
        send.dispatch(SendToAssistant { message: text });
    };

    view! {
        <div class="chat">
            <Show when=move || open.get()>
                <section class="chat__panel" role="dialog" aria-label="Shopping assistant">
                    <header class="chat__header">
                        <strong>"Shopping assistant"</strong>
                        <button class="chat__close" aria-label="Close assistant" on:click=move |_| open.set(false)>"×"</button>
                    </header>
                    <ol class="chat__log" aria-live="polite">
                        {move || (loaded.get() && turns.with(Vec::is_empty)).then(|| view! {
                            <li class="chat__turn chat__turn--assistant">"Hi! Ask me for products, your cart, orders, shipping or returns."</li>
                        })}
                        <For each=move || turns.get().into_iter().enumerate() key=|(i, t)| (*i, t.id.clone()) let:item>
                            <TurnView turn=item.1 submit/>
                        </For>
                        {move || send.pending().get().then(|| view! { <li class="chat__typing" data-testid="typing">"…"</li> })}
                        {move || match send.value().get() {
                            Some(Err(e)) => Some(view! { <li class="form__error" role="alert">{e.to_string()}</li> }),
                            _ => None,
                        }}
                    </ol>
                    <form class="chat__form" on:submit=move |ev| { ev.prevent_default(); submit(draft.get_untracked()); }>
                        <label class="visually-hidden" for="chat-input">"Message"</label>
                        <input id="chat-input" autocomplete="off" maxlength="1000" placeholder="Ask about products, your cart, orders…"
                            prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                        <button type="submit" class="button" disabled=move || send.pending().get()>"Send"</button>
                    </form>
                </section>
            </Show>
            <button class="chat__launcher" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                "Ask the assistant"
            </button>
        </div>
    }
}

#[component]
fn TurnView(turn: Turn, submit: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let class = if turn.role == "user" { "chat__turn chat__turn--user" } else { "chat__turn chat__turn--assistant" };
    view! {
        <li class=class data-intent=turn.intent.clone().unwrap_or_default()>
            <p class="chat__text">{turn.text.clone()}</p>
            {turn.parts.into_iter().map(|part| view! { <PartView part submit/> }).collect_view()}
        </li>
    }
}

#[component]
fn PartView(part: Part, submit: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    match part {
        Part::Products { items } => view! {
            <ul class="chat__cards">{items.into_iter().map(|p| view! { <ChatCard product=p/> }).collect_view()}</ul>
        }
        .into_any(),
        Part::CartSummary { cart } => view! {
            <p class="chat__meta">{format!("Cart: {} items · {}", cart.item_count, cart.totals.total)}" · "<a class="link" href="/cart">"View cart"</a></p>
        }
        .into_any(),
        Part::OrderTimeline { order } => view! {
            <p class="chat__meta">
                {order.events.iter().map(|e| e.status.label()).collect::<Vec<_>>().join(" → ")}" · "
                <a class="link" href=format!("/orders/{}", order.id)>"Open the order"</a>
            </p>
        }
        .into_any(),
        Part::CheckoutPrompt { href, total } => view! {
            <a class="button button--block" href=href>{format!("Review and pay {total}")}</a>
        }
        .into_any(),
        Part::Source { title } => view! { <p class="chat__meta">{format!("Source: {title}")}</p> }.into_any(),
        Part::QuickReplies { options } => view! {
            <p class="chat__quick">
                {options.into_iter().map(|o| {
                    let text = o.clone();
                    view! { <button class="button button--ghost button--small" on:click=move |_| submit(text.clone())>{o}</button> }
                }).collect_view()}
            </p>
        }
        .into_any(),
    }
}

/// A product in the chat: picture, name, price and a one-click add.
#[component]
fn ChatCard(product: Product) -> impl IntoView {
    let add = ServerAction::<crate::cart::AddToCartServerFn>::new();
    let version = cart_version();
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            version.bump();
        }
    });
    let id = product.id.0.clone();
    let sold_out = product.is_sold_out();
    view! {
        <li class="chat__card" data-product-id=product.id.0.clone()>
            <img src=product.image_url.clone() alt="" width="56" height="56"/>
            <span class="chat__card-body">
                <a class="link" href=format!("/product/{}", product.slug)>{product.name.clone()}</a>
                <span class="price">{product.price.to_string()}</span>
            </span>
            <button class="button button--small" disabled=move || sold_out || add.pending().get()
                on:click=move |_| { add.dispatch(crate::cart::AddToCartServerFn { product_id: id.clone(), quantity: 1 }); }>
                {move || match add.value().get() {
                    Some(Ok(_)) => "Added",
                    Some(Err(_)) => "Not added",
                    None if sold_out => "Sold out",
                    None => "Add",
                }}
            </button>
        </li>
    }
}
