//! Query-string parsing that names the parameter at fault (axum's own rejection would not).

use super::ApiError;
use std::str::FromStr;

/// Parses an optional parameter, answering 422 naming `field` when it does not parse.
pub fn parse_opt<T: FromStr>(field: &str, raw: Option<&str>, expected: &str) -> Result<Option<T>, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| ApiError::invalid(field, format!("expected {expected}, got `{s}`"))),
    }
}
