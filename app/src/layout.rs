//! The shop's frame: header with search, cart and category navigation, footer, the assistant
//! launcher, and the not-found and error notices.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use model::{Category, User};

/// Header: logo, search box, cart icon, and the category navigation under them.
#[component]
pub fn Header(
    categories: Resource<Result<Vec<Category>, AppError>>,
    user: Resource<Result<Option<User>, AppError>>,
) -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <a class="logo" href="/">{crate::SHOP_NAME}</a>
                // A plain GET form: search works before (and without) the WASM bundle.
                <form class="search" action="/search" method="get" role="search">
                    <label class="visually-hidden" for="search-q">"Search products"</label>
                    <input id="search-q" type="search" name="q" placeholder="Search shoes, coffee, headphones…" autocomplete="off" required/>
                    <button type="submit" class="button">"Search"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(user)) => view! {
                                <a class="account-link" href="/account">{user.name}</a>
                                <a class="header-link" href="/orders">"Orders"</a>
                                {(user.role == model::Role::Admin).then(|| view! { <a class="header-link" href="/admin/orders">"Admin"</a> })}
                            }.into_any(),
                            _ => view! { <a class="account-link" href="/login">"Sign in"</a> }.into_any(),
                        }
                    })}
                </Suspense>
                <crate::cart::CartLink/>
            </div>
            <nav class="category-nav" aria-label="Categories">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        categories.await.map(|list| view! {
                            <ul>
                                {list.into_iter().map(|c| view! {
                                    <li><a href=format!("/category/{}", c.slug)>{c.name}</a></li>
                                }).collect_view()}
                            </ul>
                        }).ok()
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

/// Footer with the store's promises.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Free standard shipping over $75 · 30-day returns · 1-year warranty on everything"</p>
            <p class="muted">{format!("© {} · Prices in US dollars", crate::SHOP_NAME)}</p>
        </footer>
    }
}

/// The shopping-assistant launcher. The assistant itself arrives with its own issue; until
/// then the panel says so rather than pretending.
#[component]
pub fn ChatLauncher() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="chat">
            <Show when=move || open.get()>
                <section class="chat__panel" role="dialog" aria-label="Shopping assistant">
                    <header class="chat__header">
                        <strong>"Shopping assistant"</strong>
                        <button class="chat__close" aria-label="Close assistant" on:click=move |_| open.set(false)>"×"</button>
                    </header>
                    <p class="chat__body">"The assistant is not available yet. Meanwhile, search or browse the categories above."</p>
                </section>
            </Show>
            <button
                class="chat__launcher"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Ask the assistant"
            </button>
        </div>
    }
}

/// The page for an unknown address (status 404 on the server).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(404);
    view! {
        <Title text=format!("Not found · {}", crate::SHOP_NAME)/>
        <section class="notice">
            <h1>"We couldn't find that page"</h1>
            <p><a class="link" href="/">"Back to the shop"</a></p>
        </section>
    }
}

/// A failed load, in words a shopper can act on.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! { <p class="notice notice--error" role="alert">{error.to_string()}</p> }
}
