//! The edge kit every HTTP handler and extractor shares: the API's error shape and the JSON body
//! extractor whose rejections use it. It depends on no handler, so the extractors (`auth`,
//! `session`, `client`) and the handlers (`api`) both build on it without importing each other.

mod error;
mod json;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use json::ApiJson;
