//! Loads configuration and runs the server, seeds the database with `server seed`, or resets an
//! account's password with `server admin reset-password EMAIL [--stdin]`.

use anyhow::Context;
use server::{telemetry, Application, Config};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is normal; a malformed one is reported by the variables it breaks.
    let _ = dotenvy::dotenv();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    let command = std::env::args().nth(1);
    let result = match command.as_deref() {
        None | Some("serve") => serve(config).await,
        Some("seed") => server::bootstrap::seed(&config).await.map(|_| ()),
        Some("admin") => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            server::bootstrap::admin(&config, &args).await
        }
        Some(other) => {
            eprintln!(
                "error: unknown command `{other}`; expected `serve` (default), `seed` or `admin reset-password EMAIL`"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let path = config.leptos_config.display().to_string();
    let leptos = leptos::prelude::get_configuration(Some(&path))
        .with_context(|| format!("reading the Leptos site settings from {path} (LEPTOS_CONFIG)"))?;
    let app = Application::build(&config, leptos.leptos_options).await?;
    app.run_until(shutdown_signal()).await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
