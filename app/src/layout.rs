//! The shop's frame: header with search, cart and category navigation, footer, and the
//! not-found and error notices.

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
                                <a class="header-link" href="/account/memory">"What we remember"</a>
                                {(user.role == model::Role::Admin).then(|| view! { <crate::admin::AdminLinks/> })}
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

/// The footer's promises, with the numbers checkout uses.
#[server]
pub async fn shop_promises() -> Result<String, AppError> {
    let services = crate::ssr::services()?;
    Ok(services.checkout.facts().render(engine::terms::FOOTER))
}

/// Footer with the store's promises.
#[component]
pub fn Footer() -> impl IntoView {
    let promises = Resource::new(|| (), |_| shop_promises());
    view! {
        <footer class="site-footer">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { promises.await.ok().map(|text| view! { <p>{text}</p> }) })}
            </Suspense>
            <p class="muted">{format!("© {} · Prices in US dollars", crate::SHOP_NAME)}</p>
        </footer>
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
