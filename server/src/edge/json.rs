//! `ApiJson<T>`: a JSON body whose rejections use the API's error shape and name the field.

use super::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// A JSON request body of type `T`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                Err(ApiError::invalid(field_in(&text).unwrap_or("body"), simplify(&text)))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::malformed("Send the body as JSON with Content-Type: application/json."))
            }
            Err(_) => Err(ApiError::malformed("The body is not valid JSON.")),
        }
    }
}

/// The field serde complained about: "missing field `email`" or "email: invalid type ...".
fn field_in(text: &str) -> Option<&str> {
    let detail = text.rsplit_once("target type: ").map_or(text, |(_, d)| d);
    if let Some(rest) = detail.split_once("field `").map(|(_, r)| r) {
        return rest.split('`').next();
    }
    detail
        .split_once(": ")
        .map(|(path, _)| path)
        .filter(|p| p.chars().all(|c| c.is_alphanumeric() || "_.[]".contains(c)))
}

fn simplify(text: &str) -> String {
    let detail = text.rsplit_once("target type: ").map_or(text, |(_, d)| d);
    detail.split(" at line ").next().unwrap_or(detail).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_is_found_in_serde_messages() {
        let missing =
            "Failed to deserialize the JSON body into the target type: missing field `email` at line 1 column 2";
        assert_eq!(field_in(missing), Some("email"));
        let wrong = "Failed to deserialize the JSON body into the target type: password: invalid type: integer `5`, expected a string at line 1 column 14";
        assert_eq!(field_in(wrong), Some("password"));
        assert_eq!(simplify(wrong), "password: invalid type: integer `5`, expected a string");
    }
}
