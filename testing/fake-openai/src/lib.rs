//! A fake OpenAI-compatible server on 127.0.0.1 for tests and benchmarks. It answers
//! `POST /v1/chat/completions` with scripted streamed replies (text in chunks, tool calls with
//! their arguments in fragments, HTTP errors, a response that never starts), records every
//! request body, and counts streams the client dropped before the end.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted response.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Streams these pieces of text as `delta.content`.
    Text(Vec<String>),
    /// Streams tool calls `(name, arguments JSON)`, the arguments cut into fragments.
    ToolCalls(Vec<(String, String)>),
    /// Answers with this HTTP status and an OpenAI error body.
    Status(u16),
    /// Never answers (a server that hangs).
    Hang,
    /// Streams these pieces of text, then stalls forever without finishing.
    Stall(Vec<String>),
}

impl Reply {
    /// Text cut into word tokens.
    pub fn words(text: &str) -> Self {
        Self::Text(text.split_inclusive(' ').map(str::to_string).collect())
    }

    /// One tool call.
    pub fn tool(name: &str, arguments: &str) -> Self {
        Self::ToolCalls(vec![(name.to_string(), arguments.to_string())])
    }
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Reply>>,
    /// Answered once the script is used up (None: 500).
    fallback: Mutex<Option<Reply>>,
    requests: Mutex<Vec<Value>>,
    first_chunk_delay: Mutex<Duration>,
    dropped: AtomicUsize,
}

/// A running fake server.
pub struct FakeOpenAi {
    /// `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FakeOpenAi {
    /// Starts a server answering `script` in order (then HTTP 500).
    pub async fn start(script: Vec<Reply>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        *lock(&shared.script) = script.into();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}/v1", listener.local_addr()?);
        let app = Router::new().route("/v1/chat/completions", post(completions)).with_state(shared.clone());
        // Small streamed writes leave at once, as from a real model server (no Nagle delay).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { base_url, shared, task })
    }

    /// Answers `reply` to every request once the script is used up.
    pub fn always(&self, reply: Reply) -> &Self {
        *lock(&self.shared.fallback) = Some(reply);
        self
    }

    /// Waits this long before the first chunk of every reply (a model's own latency).
    pub fn first_chunk_delay(&self, delay: Duration) -> &Self {
        *lock(&self.shared.first_chunk_delay) = delay;
        self
    }

    /// Every request body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        lock(&self.shared.requests).clone()
    }

    /// Streams the client dropped before their end.
    pub fn dropped_streams(&self) -> usize {
        self.shared.dropped.load(Ordering::SeqCst)
    }
}

fn chunk(delta: Value, finish: Option<&str>) -> String {
    let body = json!({
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": "fake",
        "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
    });
    format!("data: {body}\n\n")
}

fn usage(tokens: u32) -> String {
    let body = json!({
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": "fake", "choices": [],
        "usage": { "prompt_tokens": tokens / 2, "completion_tokens": tokens - tokens / 2, "total_tokens": tokens },
    });
    format!("data: {body}\n\n")
}

/// The SSE events of a reply; `stall` ends without `[DONE]` and waits forever.
fn events(reply: &Reply) -> (Vec<String>, bool) {
    match reply {
        Reply::Text(pieces) | Reply::Stall(pieces) => {
            let mut out = vec![chunk(json!({ "role": "assistant", "content": "" }), None)];
            out.extend(pieces.iter().map(|p| chunk(json!({ "content": p }), None)));
            if matches!(reply, Reply::Stall(_)) {
                return (out, true);
            }
            out.push(chunk(json!({}), Some("stop")));
            out.push(usage(100 + 10 * pieces.len() as u32));
            out.push("data: [DONE]\n\n".into());
            (out, false)
        }
        Reply::ToolCalls(calls) => {
            let mut out = vec![chunk(json!({ "role": "assistant", "content": null }), None)];
            for (i, (name, arguments)) in calls.iter().enumerate() {
                out.push(chunk(
                    json!({ "tool_calls": [{ "index": i, "id": format!("call_{i}"), "type": "function",
                        "function": { "name": name, "arguments": "" } }] }),
                    None,
                ));
                let chars: Vec<char> = arguments.chars().collect();
                for piece in chars.chunks(7) {
                    let piece: String = piece.iter().collect();
                    out.push(chunk(
                        json!({ "tool_calls": [{ "index": i, "function": { "arguments": piece } }] }),
                        None,
                    ));
                }
            }
            out.push(chunk(json!({}), Some("tool_calls")));
            out.push(usage(150));
            out.push("data: [DONE]\n\n".into());
            (out, false)
        }
        Reply::Status(_) | Reply::Hang => (Vec::new(), false),
    }
}

/// Counts a stream as dropped unless it reached its end.
struct EndGuard {
    shared: Arc<Shared>,
    finished: bool,
}

impl EndGuard {
    fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for EndGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.dropped.fetch_add(1, Ordering::SeqCst);
        }
    }
}

async fn completions(State(shared): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    // The model's latency counts from the request's arrival, as a real server's does.
    let arrived = std::time::Instant::now();
    lock(&shared.requests).push(body);
    let next = lock(&shared.script).pop_front();
    let Some(reply) = next.or_else(|| lock(&shared.fallback).clone()) else {
        return status(500);
    };
    match reply {
        Reply::Status(code) => return status(code),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return status(504);
        }
        _ => {}
    }
    let (events, stall) = events(&reply);
    let delay = *lock(&shared.first_chunk_delay);
    let guard = EndGuard { shared: shared.clone(), finished: false };
    let stream =
        futures::stream::unfold((events.into_iter(), guard, true), move |(mut events, mut guard, first)| async move {
            if first && !delay.is_zero() {
                wait_until(arrived + delay).await;
            }
            match events.next() {
                Some(event) => Some((Ok::<_, Infallible>(Bytes::from(event)), (events, guard, false))),
                None if stall => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    None
                }
                None => {
                    guard.finish();
                    None
                }
            }
        });
    ([(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")], Body::from_stream(stream))
        .into_response()
}

/// Waits until `deadline` to within a fraction of a millisecond. Tokio's timer rounds up to
/// whole milliseconds and often wakes a millisecond or two late, which a benchmark would count
/// as the shop's overhead; a sleeping blocking thread wakes on the kernel's high-resolution
/// timer and costs no CPU while it waits.
async fn wait_until(deadline: std::time::Instant) {
    let _ = tokio::task::spawn_blocking(move || {
        let now = std::time::Instant::now();
        if deadline > now {
            std::thread::sleep(deadline - now);
        }
    })
    .await;
}

fn status(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "error": { "message": format!("fake error {code}"), "type": "server_error", "param": null, "code": null } });
    (status, Json(body)).into_response()
}
