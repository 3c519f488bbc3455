//! `/account/memory`: "What we remember": stated preferences (editable), affinities with their
//! reasons, the latest signals, each deletable; export and forget everything.

use super::api::{get_memory, DeleteMemoryItem, ForgetMemory, SavePreferences};
use crate::layout::ErrorNotice;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use model::memory::{MemoryItem, Preferences, Remembered};

fn pairs<V: ToString>(map: &std::collections::BTreeMap<String, V>, show: impl Fn(&V) -> String) -> String {
    map.iter().map(|(k, v)| if k == "*" { show(v) } else { format!("{k}: {}", show(v)) }).collect::<Vec<_>>().join(", ")
}

/// The page.
#[component]
pub fn MemoryPage() -> impl IntoView {
    let save = ServerAction::<SavePreferences>::new();
    let delete = ServerAction::<DeleteMemoryItem>::new();
    let forget = ServerAction::<ForgetMemory>::new();
    let memory =
        Resource::new(move || (save.version().get(), delete.version().get(), forget.version().get()), |_| get_memory());
    view! {
        <Title text=format!("What we remember · {}", crate::SHOP_NAME)/>
        <h1 class="page-title">"What we remember"</h1>
        <p class="muted">"What you tell us and what you do here shapes your recommendations and the assistant's searches. Change or delete any of it; your orders stay, as records of sale."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match memory.await {
                    Ok(memory) => view! { <MemoryView memory save delete forget/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MemoryView(
    memory: Remembered,
    save: ServerAction<SavePreferences>,
    delete: ServerAction<DeleteMemoryItem>,
    forget: ServerAction<ForgetMemory>,
) -> impl IntoView {
    let p: Preferences = memory.preferences.clone();
    let dollars = |cents: &i64| model::Money::new(*cents, model::Currency::USD).to_string();
    view! {
        <section class="section memory">
            <h2>"Your preferences"</h2>
            <ActionForm action=save attr:class="form memory__form">
                <label>"Sizes " <span class="muted">"(e.g. running-shoes: 10, M)"</span>
                    <input name="sizes" value=pairs(&p.sizes, |v| v.clone())/></label>
                <label>"Budgets " <span class="muted">"(e.g. jackets: 200)"</span>
                    <input name="budgets" value=pairs(&p.budgets, dollars)/></label>
                <label>"Brands you like" <input name="brands_liked" value=p.brands_liked.join(", ")/></label>
                <label>"Brands to avoid" <input name="brands_avoided" value=p.brands_avoided.join(", ")/></label>
                <label>"Colors you like" <input name="colors_liked" value=p.colors_liked.join(", ")/></label>
                <label>"Colors to avoid" <input name="colors_avoided" value=p.colors_avoided.join(", ")/></label>
                <label>"Materials or ingredients to avoid" <input name="avoid" value=p.avoid.join(", ")/></label>
                <button class="button" type="submit">"Save preferences"</button>
                {move || match save.value().get() {
                    Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any()),
                    Some(Ok(_)) => Some(view! { <p class="form__ok" role="status">"Saved."</p> }.into_any()),
                    None => None,
                }}
            </ActionForm>
            <Items title="Stated preferences" empty="Nothing stated yet." items=memory.preference_items delete/>
            <Items title="What you seem to like" empty="Nothing yet: browse a little and this fills in." items=memory.affinities delete/>
            <Items title="Recent activity" empty="No activity remembered." items=memory.history delete/>
            <p class="memory__actions">
                <a class="button button--secondary" href="/v1/memory/export" download="waypoint-memory.json">"Export everything (JSON)"</a>
                <button class="button button--danger" type="button"
                    on:click=move |_| {
                        let sure = window().confirm_with_message("Forget everything we remember about you? Your orders stay.");
                        if sure.unwrap_or(false) { forget.dispatch(ForgetMemory {}); }
                    }>
                    "Forget everything"
                </button>
            </p>
        </section>
    }
}

#[component]
fn Items(
    title: &'static str,
    empty: &'static str,
    items: Vec<MemoryItem>,
    delete: ServerAction<DeleteMemoryItem>,
) -> impl IntoView {
    view! {
        <h3>{title}</h3>
        {if items.is_empty() {
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! {
                <ul class="memory__items">
                    {items.into_iter().map(|item| {
                        let id = item.id.clone();
                        view! {
                            <li class="memory__item" data-memory-id=item.id.clone()>
                                <span class="memory__label">{item.label}</span>
                                <span class="muted">{item.reason}</span>
                                {item.score.map(|s| view! { <span class="muted">{format!("{s:+.2}")}</span> })}
                                <button class="button button--small" type="button" aria-label="Delete"
                                    on:click=move |_| { delete.dispatch(DeleteMemoryItem { id: id.clone() }); }>
                                    "Delete"
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
