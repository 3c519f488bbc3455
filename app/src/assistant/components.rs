//! The chat panel and how a reply's parts render.

use super::api::my_conversation;
use crate::cart::cart_version;
use leptos::prelude::*;
use model::chat::ChatEvent;
use model::{Action, Part, Product, Speaker, Turn};

/// Seconds between two reads of the conversation while a person's answer is awaited.
const HANDOFF_POLL_SECONDS: u64 = 5;

/// The launcher and the panel, on every page.
#[component]
pub fn ChatPanel() -> impl IntoView {
    let open = RwSignal::new(false);
    let turns = RwSignal::new(Vec::<Turn>::new());
    let loaded = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let typing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let draft = RwSignal::new(String::new());
    let version = cart_version();
    let auth = use_context::<crate::account::AuthVersion>();
    // A mailed link back to the chat (`/?chat=open`) opens the panel.
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if query.read().get("chat").as_deref() == Some("open") {
            open.set(true);
        }
    });

    // Load the stored conversation when the panel opens (and after a sign-in, which moves a
    // guest's conversation to the account).
    Effect::new(move |_| {
        let _ = auth.map(|a| a.0.get());
        if open.get() && !pending.get_untracked() {
            leptos::task::spawn_local(async move {
                if let Ok(list) = my_conversation().await {
                    turns.set(list);
                    loaded.set(true);
                }
            });
        }
    });
    // A person from the team answers a hand-off in this conversation: while one is waiting and
    // the panel is open, the conversation is read again every few seconds so the answer shows
    // up here (the request says "they'll reply here").
    let awaiting_person = move || {
        turns.with(|t| {
            let asked =
                t.iter().rposition(|turn| turn.actions.iter().any(|a| matches!(a, Action::HandoffRequested { .. })));
            let answered = t.iter().rposition(|turn| turn.role == Speaker::Staff);
            matches!((asked, answered), (Some(a), b) if b.is_none_or(|b| b < a))
        })
    };
    Effect::new(move |_| {
        if !(open.get() && awaiting_person()) {
            return;
        }
        let poll = move || {
            if pending.get_untracked() {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(list) = my_conversation().await {
                    if !pending.get_untracked() && list.len() > turns.with_untracked(Vec::len) {
                        turns.set(list);
                    }
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_secs(HANDOFF_POLL_SECONDS)) {
            on_cleanup(move || handle.clear());
        }
    });
    let submit = move |text: String| {
        let text = text.trim().to_string();
        if text.is_empty() || pending.get_untracked() {
            return;
        }
        let turn = |role: Speaker, text: &str| Turn {
            id: String::new(),
            role,
            text: text.into(),
            intent: None,
            parts: vec![],
            actions: vec![],
            at: String::new(),
        };
        turns.update(|t| {
            t.push(turn(Speaker::User, &text));
            t.push(turn(Speaker::Assistant, ""));
        });
        draft.set(String::new());
        error.set(None);
        pending.set(true);
        // The reply streams in: each event updates the last turn as it arrives.
        leptos::task::spawn_local(async move {
            let update = move |f: &dyn Fn(&mut Turn)| {
                turns.update(|t| {
                    if let Some(last) = t.last_mut() {
                        f(last);
                    }
                })
            };
            let result = super::stream::send(&text, |event| match event {
                ChatEvent::Typing => typing.set(true),
                ChatEvent::Token(token) => {
                    typing.set(false);
                    update(&|t| t.text.push_str(&token.text));
                }
                ChatEvent::Part(part) => update(&|t| t.parts.push(part.clone())),
                ChatEvent::Action(action) => {
                    let changes_cart =
                        !matches!(action, Action::OrderCancelled { .. } | Action::HandoffRequested { .. });
                    update(&|t| t.actions.push(action.clone()));
                    if changes_cart {
                        version.bump();
                    }
                }
                ChatEvent::Done(done) => update(&|t| {
                    t.id = done.message_id.clone();
                    t.intent = Some(done.intent.clone());
                }),
                ChatEvent::Error(body) => error.set(Some(body.error.message)),
            })
            .await;
            if let Err(message) = result {
                error.set(Some(message));
            }
            // Drop an assistant turn that never received a word.
            turns.update(|t| {
                if t.last().is_some_and(|l| l.role == Speaker::Assistant && l.text.is_empty() && l.parts.is_empty()) {
                    t.pop();
                }
            });
            typing.set(false);
            pending.set(false);
        });
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
                        {move || turns.get().into_iter().filter(|t| !(t.role == Speaker::Assistant && t.text.is_empty() && t.parts.is_empty()))
                            .map(|turn| view! { <TurnView turn submit/> }).collect_view()}
                        {move || typing.get().then(|| view! { <li class="chat__typing" data-testid="typing">"…"</li> })}
                        {move || error.get().map(|e| view! { <li class="form__error" role="alert">{e}</li> })}
                    </ol>
                    <form class="chat__form" on:submit=move |ev| { ev.prevent_default(); submit(draft.get_untracked()); }>
                        <label class="visually-hidden" for="chat-input">"Message"</label>
                        <input id="chat-input" autocomplete="off" maxlength="1000" placeholder="Ask about products, your cart, orders…"
                            prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                        <button type="submit" class="button" disabled=move || pending.get()>"Send"</button>
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
    let class = match turn.role.as_str() {
        "user" => "chat__turn chat__turn--user",
        "staff" => "chat__turn chat__turn--staff",
        _ => "chat__turn chat__turn--assistant",
    };
    // A person from the team answered a hand-off: say so, the shopper asked for one.
    let from_team = (turn.role == Speaker::Staff).then(|| view! { <p class="chat__from">"From our team"</p> });
    view! {
        <li class=class data-intent=turn.intent.clone().unwrap_or_default()>
            {from_team}
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
        Part::CheckoutConfirm { offer } => view! { <ConfirmCard offer/> }.into_any(),
        Part::ConfirmAction { confirmation } => view! { <ActionCard confirmation/> }.into_any(),
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

/// The one-click confirmation: only this button places the order the assistant prepared.
#[component]
fn ConfirmCard(offer: model::CheckoutOffer) -> impl IntoView {
    let confirm = ServerAction::<super::api::ConfirmAssistantCheckout>::new();
    let version = cart_version();
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            version.bump();
        }
    });
    let token = offer.token.clone();
    view! {
        <div class="chat__confirm" data-testid="confirm-card">
            <p class="chat__meta">{format!("{} · ships to {} · card ending {}", offer.total, offer.ship_to, offer.card_last4)}</p>
            {move || match confirm.value().get() {
                Some(Ok(placed)) => view! {
                    <p>"Order placed: "<a class="link" href=format!("/orders/{}?placed=1", placed.order.id)>{placed.order.id.clone()}</a></p>
                }.into_any(),
                other => {
                    let token = token.clone();
                    view! {
                        {other.and_then(Result::err).map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
                        <button class="button button--small" disabled=move || confirm.pending().get()
                            on:click=move |_| { confirm.dispatch(super::api::ConfirmAssistantCheckout { token: token.clone() }); }>
                            {format!("Place order for {}", offer.total)}
                        </button>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// A card for an irreversible step: says exactly what will happen; only the click does it.
#[component]
fn ActionCard(confirmation: model::ActionConfirmation) -> impl IntoView {
    let confirm = ServerAction::<super::api::ConfirmAssistantAction>::new();
    let version = cart_version();
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            version.bump();
        }
    });
    let token = confirmation.token.clone();
    let button = confirmation.button.clone();
    view! {
        <div class="chat__confirm" data-testid="action-card" data-kind=confirmation.kind.clone()>
            <p class="chat__meta">{confirmation.summary.clone()}</p>
            {move || match confirm.value().get() {
                Some(Ok(done)) => view! { <p class="notice notice--ok" role="status">{done.text}</p> }.into_any(),
                other => {
                    let token = token.clone();
                    view! {
                        {other.and_then(Result::err).map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
                        <button class="button button--small" disabled=move || confirm.pending().get()
                            on:click=move |_| { confirm.dispatch(super::api::ConfirmAssistantAction { token: token.clone() }); }>
                            {button.clone()}
                        </button>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// A product in the chat: picture, name, price and a one-click add.
#[component]
fn ChatCard(product: Product) -> impl IntoView {
    let add = ServerAction::<crate::cart::AddToCart>::new();
    let version = cart_version();
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            version.bump();
        }
    });
    let id = product.id.to_string();
    let sold_out = product.is_sold_out();
    view! {
        <li class="chat__card" data-product-id=product.id.to_string()>
            <img src=product.image_url.clone() alt="" width="56" height="56"/>
            <span class="chat__card-body">
                <a class="link" href=format!("/product/{}", product.slug)>{product.name.clone()}</a>
                <span class="price">{product.price.to_string()}</span>
            </span>
            <button class="button button--small" disabled=move || sold_out || add.pending().get()
                on:click=move |_| { add.dispatch(crate::cart::AddToCart { product_id: id.clone(), quantity: 1 }); }>
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
