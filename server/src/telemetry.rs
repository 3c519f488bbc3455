//! Logging: tracing with `LOG_LEVEL`, human lines by default, JSON lines on request.

use crate::config::{Config, LogFormat};
use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber (once per process: a later call changes nothing).
pub fn init(config: &Config) {
    // Config::from_env already proved the filter parses.
    let filter = EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(true);
    match config.log_format {
        LogFormat::Human => {
            let _ = builder.try_init();
        }
        LogFormat::Json => {
            let _ = builder.json().flatten_event(true).with_current_span(true).try_init();
        }
    }
}
