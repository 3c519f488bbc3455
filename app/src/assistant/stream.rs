//! Reads the assistant's Server-Sent Events in the browser: `POST /v1/interactions` with
//! `Accept: text/event-stream` through `fetch` (an `EventSource` cannot POST), the body read
//! chunk by chunk, split into events as they arrive and read as `model::chat::ChatEvent`, the
//! type the server writes them from. Runs only in the browser.

use model::chat::ChatEvent;
use model::error::ErrorBody;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// One event as received.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    /// `typing`, `token`, `part`, `action`, `done` or `error`.
    pub name: String,
    /// Its JSON payload.
    pub data: String,
}

/// Splits complete events off the front of `buffer` (events end with a blank line); what is left
/// is an incomplete event waiting for more bytes.
pub fn take_events(buffer: &mut String) -> Vec<SseEvent> {
    let mut events = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let frame: String = buffer.drain(..end + 2).collect();
        let mut name = String::from("message");
        let mut data = Vec::new();
        for line in frame.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
            }
            // Lines starting with ':' are keep-alive comments.
        }
        if !data.is_empty() {
            events.push(SseEvent { name, data: data.join("\n") });
        }
    }
    events
}

/// Set once this page made sure the browser has a session.
static SESSION_READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sends `message` and calls `on_event` for each event as it arrives. A browser that has only
/// browsed has no session yet (page views start none): the page's first message makes sure of
/// one, and should it have ended since, the refusal starts a new one and the message is resent.
pub async fn send(message: &str, mut on_event: impl FnMut(ChatEvent)) -> Result<(), String> {
    use std::sync::atomic::Ordering;
    let fail = |e: JsValue| format!("{e:?}");
    if !SESSION_READY.load(Ordering::Relaxed) {
        super::api::start_chat_session().await.map_err(|e| e.to_string())?;
        SESSION_READY.store(true, Ordering::Relaxed);
    }
    let mut response = post(message).await?;
    if response.status() == 401 && error_of(&response).await?.0.as_deref() == Some("session_required") {
        super::api::start_chat_session().await.map_err(|e| e.to_string())?;
        response = post(message).await?;
    }
    if !response.ok() {
        let (_, message) = error_of(&response).await?;
        return Err(message.unwrap_or_else(|| format!("the assistant answered {}", response.status())));
    }
    let stream = response.body().ok_or("no body")?;
    let reader: web_sys::ReadableStreamDefaultReader =
        stream.get_reader().dyn_into().map_err(|_| "the body is not a stream".to_string())?;
    let mut bytes = Vec::new();
    let mut buffer = String::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(fail)?;
        let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done")).map_err(fail)?.as_bool().unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &JsValue::from_str("value")).map_err(fail)?;
        bytes.extend(js_sys::Uint8Array::new(&value).to_vec());
        // Decode only whole UTF-8 sequences; keep a split character for the next chunk.
        let valid = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            Err(e) => e.valid_up_to(),
        };
        buffer.push_str(std::str::from_utf8(&bytes[..valid]).unwrap_or_default());
        bytes.drain(..valid);
        for event in take_events(&mut buffer) {
            // An event this page does not know (a newer server's) is skipped; one that does not
            // read as its name says is a broken answer.
            match ChatEvent::parse(&event.name, &event.data) {
                Ok(Some(event)) => on_event(event),
                Ok(None) => {}
                Err(_) => return Err("The assistant's answer could not be read.".into()),
            }
        }
    }
    Ok(())
}

/// `POST /v1/interactions` asking for a stream, with this browser's cookies.
async fn post(message: &str) -> Result<web_sys::Response, String> {
    let fail = |e: JsValue| format!("{e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let headers = web_sys::Headers::new().map_err(fail)?;
    headers.set("content-type", "application/json").map_err(fail)?;
    headers.set("accept", "text/event-stream").map_err(fail)?;
    headers.set("x-channel", "web").map_err(fail)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_headers(&headers);
    let body = serde_json::json!({ "channel": "web", "message": message }).to_string();
    init.set_body(&JsValue::from_str(&body));
    let response = JsFuture::from(window.fetch_with_str_and_init("/v1/interactions", &init)).await.map_err(fail)?;
    response.dyn_into().map_err(fail)
}

/// The error body's `code` and `message` (read from a clone, so the body stays readable).
async fn error_of(response: &web_sys::Response) -> Result<(Option<String>, Option<String>), String> {
    let fail = |e: JsValue| format!("{e:?}");
    let copy = response.clone().map_err(fail)?;
    let text = JsFuture::from(copy.text().map_err(fail)?).await.map_err(fail)?;
    Ok(match serde_json::from_str::<ErrorBody>(&text.as_string().unwrap_or_default()) {
        Ok(body) => (Some(body.error.code), Some(body.error.message)),
        Err(_) => (None, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_split_at_blank_lines_and_partial_ones_wait() {
        let mut buffer = String::from(
            "event: typing\ndata: {}\n\n: keep-alive\n\nevent: token\ndata: {\"text\":\"Hi \"}\n\nevent: do",
        );
        let events = take_events(&mut buffer);
        assert_eq!(events.len(), 2);
        assert_eq!(events[1], SseEvent { name: "token".into(), data: "{\"text\":\"Hi \"}".into() });
        assert_eq!(buffer, "event: do");
    }
}
