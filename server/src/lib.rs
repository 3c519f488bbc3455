//! The HTTP server: [`build_router`] assembles the `/v1` API, health checks, product pictures
//! and the Leptos app; [`Application`] binds it and runs it until shutdown.

pub mod api;
pub mod bootstrap;
pub mod caller;
pub mod client;
pub mod config;
pub mod cross_site;
pub mod edge;
pub mod health;
pub mod middleware;
pub mod pictures;
pub mod rate_limit;
pub mod telemetry;

use anyhow::Context;
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use engine::Services;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub use config::Config;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos site settings (for SSR and static files).
    pub leptos_options: LeptosOptions,
    /// The engine.
    pub services: Services,
}

/// The whole router: API, health, pictures, server functions and pages.
pub fn build_router(state: AppState, config: &Config) -> Router {
    let routes = generate_route_list(app::App);
    let services = state.services.clone();
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/images/products/{file}", get(pictures::product_picture))
        .merge(api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(services.clone()),
            move || app::shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .with_state(state);
    let limits = rate_limit::Limits::new(
        config.rate_limit_per_minute,
        config.server_fn_rate_limit_per_minute,
        config.page_rate_limit_per_minute,
    );
    let policy = std::sync::Arc::new(client::ClientPolicy {
        trusted: config.trusted_proxies.clone(),
        cookie_secure: config.cookie_secure,
    });
    // Outermost last: the client is resolved, then limited, then cross-site writes refused,
    // all before a handler touches the database.
    let router = router
        .layer(axum::middleware::from_fn(cross_site::reject_cross_site_writes))
        .layer(axum::middleware::from_fn_with_state(limits, rate_limit::limit))
        .layer(axum::middleware::from_fn_with_state(policy, client::resolve));
    middleware::apply(router)
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    services: Services,
    mail: engine::mail::MailWorker,
}

impl Application {
    /// Connects and migrates the database, seeds it when empty (if allowed), and binds the
    /// address in `leptos_options.site_addr` (port 0 picks a free port).
    pub async fn build(config: &Config, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        Self::build_at(config, leptos_options, std::sync::Arc::new(engine::clock::SystemClock)).await
    }

    /// [`Application::build`] reading time from `clock` (tests move it instead of back-dating rows).
    pub async fn build_at(
        config: &Config,
        leptos_options: LeptosOptions,
        clock: std::sync::Arc<dyn engine::clock::Clock>,
    ) -> anyhow::Result<Self> {
        let services = bootstrap::services(config, clock).await?;
        let mail = bootstrap::mail_worker(config, &services)?;
        let addr = leptos_options.site_addr;
        let listener = TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
        let router = build_router(AppState { leptos_options, services: services.clone() }, config);
        Ok(Self { listener, router, services, mail })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The engine this application serves (tests use it to arrange data).
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish (each is bounded
    /// by the request timeout) and releases the database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let Self { listener, router, services, mail } = self;
        tracing::info!(addr = %listener.local_addr()?, "serving");
        // Mail queued before a restart is sent now; mail queued while serving, as it commits.
        let mail = mail.spawn();
        // Charges that never became orders (a crash or timeout between the charge and the
        // commit) are given back now and then every five minutes.
        let reconciliation = services.checkout.spawn_reconciliation(std::time::Duration::from_secs(300));
        // No Nagle delay: a streamed reply's first small write (an SSE event after the
        // headers) must leave at once, not wait ~40 ms for the client's delayed ACK.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")?;
        // Signals recorded off the request path are written before the datastore closes.
        services.memory.flush().await;
        // A message cut off mid-send stays in the outbox and is sent again on the next start.
        mail.abort();
        reconciliation.abort();
        // Dropping the last handle closes the datastore; SurrealKV fsyncs every commit, so
        // nothing acknowledged is lost even if the process is killed right after.
        drop(services);
        tracing::info!("stopped");
        Ok(())
    }
}
