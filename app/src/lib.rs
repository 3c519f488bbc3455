//! The Leptos app: the HTML shell, routes, pages and components per feature, and the server
//! functions next to the UI that calls them. Compiled twice: with `ssr` into the server and with
//! `hydrate` into the WASM bundle (never both).

pub mod account;
pub mod admin;
pub mod assistant;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod error;
pub mod layout;
pub mod memory;
pub mod orders;
#[cfg(feature = "ssr")]
pub mod ssr;

use account::{AccountPage, AuthVersion, LoginPage, RegisterPage};
use catalog::{CategoryPage, HomePage, ProductDetailPage, SearchPage};
use layout::{Footer, Header, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The shop's name, shown in the header and page titles.
pub const SHOP_NAME: &str = "Waypoint Market";

/// The full HTML document the server renders around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The shop: layout around the routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let categories = Resource::new(|| (), |_| catalog::list_categories());
    let auth_version = AuthVersion(RwSignal::new(0));
    provide_context(auth_version);
    let user = Resource::new(move || auth_version.0.get(), |_| account::current_account());
    let cart_version = cart::CartVersion(RwSignal::new(0));
    provide_context(cart_version);
    let signed_in = Signal::derive(move || user.get().map(|u| matches!(u, Ok(Some(_)))));
    account::keep_signed_in(signed_in, auth_version, cart_version);
    // Effects run only in the browser: this flips once the WASM bundle has hydrated the page,
    // which the end-to-end tests wait for before they click.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <Stylesheet id="leptos" href="/pkg/shop.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="Running shoes, jackets, coffee, books and more, with a shopping assistant that knows the shop."/>
        <Title text=SHOP_NAME/>
        <Router>
            <div class="app" data-hydrated=move || hydrated.get().to_string()>
                <Header categories user/>
                <main class="main" id="main">
                    <Routes fallback=NotFound>
                        <Route path=path!("") view=HomePage/>
                        <Route path=path!("/category/:slug") view=CategoryPage/>
                        <Route path=path!("/product/:slug") view=ProductDetailPage/>
                        <Route path=path!("/search") view=SearchPage/>
                        <Route path=path!("/login") view=LoginPage/>
                        <Route path=path!("/register") view=RegisterPage/>
                        <Route path=path!("/account") view=AccountPage/>
                        <Route path=path!("/verify") view=account::VerifyPage/>
                        <Route path=path!("/forgot") view=account::ForgotPage/>
                        <Route path=path!("/reset") view=account::ResetPage/>
                        <Route path=path!("/account/memory") view=memory::MemoryPage/>
                        <Route path=path!("/cart") view=cart::CartPage/>
                        <Route path=path!("/checkout") view=checkout::CheckoutPage/>
                        <Route path=path!("/orders") view=orders::OrdersPage/>
                        <Route path=path!("/orders/:id") view=orders::OrderPage/>
                        <Route path=path!("/order-links") view=orders::OrderLinksPage/>
                        <Route path=path!("/admin/orders") view=admin::AdminOrdersPage/>
                        <Route path=path!("/admin/handoffs") view=admin::AdminHandoffsPage/>
                        <Route path=path!("/admin/products") view=admin::AdminProductsPage/>
                    </Routes>
                </main>
                <Footer/>
                <assistant::ChatPanel/>
            </div>
        </Router>
    }
}
