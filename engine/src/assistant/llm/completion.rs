//! One request to the model: the streamed chat-completion wire format, decoding its chunks
//! into words (streamed to the shopper at once) and tool calls, retries while nothing has
//! arrived, and what kind of failure ends it.

use super::{Llm, Run, MAX_COMPLETION_TOKENS, TOOLS};
use crate::assistant::brain::Sink;
use async_openai::error::OpenAIError;
use futures::StreamExt;
use serde_json::Value;
use std::time::Duration;

/// Why a request to the model did not complete.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) reason: String,
    /// Worth another try (connection, timeout, 429, 5xx).
    pub(super) retryable: bool,
    /// Something of the reply had arrived (so a retry would repeat it).
    pub(super) received: bool,
    /// The shopper's client went away.
    pub(super) cancelled: bool,
}

impl Failure {
    pub(super) fn new(reason: impl Into<String>, retryable: bool, received: bool) -> Self {
        Self { reason: reason.into(), retryable, received, cancelled: false }
    }

    pub(super) fn cancelled() -> Self {
        Self { cancelled: true, ..Self::new("the client went away", false, true) }
    }

    pub(super) fn from_openai(e: &OpenAIError, received: bool) -> Self {
        let retryable = match e {
            OpenAIError::ApiError(api) => api.status_code.as_u16() == 429 || api.status_code.is_server_error(),
            OpenAIError::Reqwest(_) | OpenAIError::StreamError(_) => true,
            _ => false,
        };
        Self::new(e.to_string(), retryable, received)
    }
}

/// A streamed chat completion request, serialized straight from borrowed parts (the tools'
/// schemas and the messages are not copied into a typed request for every call).
#[derive(serde::Serialize)]
pub(super) struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Value],
    tools: &'a Value,
    tool_choice: &'static str,
    stream: bool,
    stream_options: StreamOptions,
    max_completion_tokens: u32,
}

#[derive(serde::Serialize)]
pub(super) struct StreamOptions {
    include_usage: bool,
}

/// One streamed chunk: only what the brain reads (the other fields are skipped, not parsed).
#[derive(serde::Deserialize)]
pub(super) struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    usage: Option<ChunkUsage>,
}

#[derive(serde::Deserialize)]
pub(super) struct ChunkChoice {
    #[serde(default)]
    index: u32,
    #[serde(default)]
    delta: Delta,
}

#[derive(serde::Deserialize, Default)]
pub(super) struct Delta {
    content: Option<String>,
    tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(serde::Deserialize)]
pub(super) struct ToolCallDelta {
    #[serde(default)]
    index: u32,
    id: Option<String>,
    function: Option<FunctionDelta>,
}

#[derive(serde::Deserialize)]
pub(super) struct FunctionDelta {
    name: Option<String>,
    arguments: Option<String>,
}

#[derive(serde::Deserialize)]
pub(super) struct ChunkUsage {
    total_tokens: u64,
}

/// A tool call being streamed in.
#[derive(Debug, Default, Clone)]
pub(super) struct PendingCall {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) arguments: String,
}

/// What one completion asked for.
#[derive(Debug, Default)]
pub(super) struct Completion {
    pub(super) text: String,
    pub(super) calls: Vec<PendingCall>,
}

impl Llm {
    /// One completion, retried while nothing of it was received.
    pub(super) async fn complete(
        &self,
        messages: &[Value],
        sink: &Sink,
        run: &mut Run,
        with_tools: bool,
    ) -> std::result::Result<Completion, Failure> {
        let mut attempt = 0;
        loop {
            match self.complete_once(messages, sink, run, with_tools).await {
                Err(f) if f.retryable && !f.received && attempt < self.settings.max_retries => {
                    attempt += 1;
                    tracing::warn!(attempt, reason = %f.reason, "retrying the language model");
                    tokio::time::sleep(Duration::from_millis(100 * 2u64.pow(attempt))).await;
                }
                other => return other,
            }
        }
    }

    async fn complete_once(
        &self,
        messages: &[Value],
        sink: &Sink,
        run: &mut Run,
        with_tools: bool,
    ) -> std::result::Result<Completion, Failure> {
        let request = ChatRequest {
            model: &self.settings.model,
            messages,
            tools: &TOOLS,
            tool_choice: if with_tools { "auto" } else { "none" },
            stream: true,
            stream_options: StreamOptions { include_usage: true },
            max_completion_tokens: MAX_COMPLETION_TOKENS,
        };
        let timeout = self.settings.timeout;
        let chat = self.client.chat();
        let mut stream = tokio::select! {
            () = sink.closed() => return Err(Failure::cancelled()),
            started = tokio::time::timeout(timeout, chat.create_stream_byot::<_, Chunk>(&request)) => match started {
                Err(_) => return Err(Failure::new("timed out waiting for the response", true, false)),
                Ok(Err(e)) => return Err(Failure::from_openai(&e, false)),
                Ok(Ok(stream)) => stream,
            },
        };
        let mut completion = Completion::default();
        let mut received = false;
        let mut usage = None;
        loop {
            let next = tokio::select! {
                () = sink.closed() => return Err(Failure::cancelled()),
                next = tokio::time::timeout(timeout, stream.next()) => next,
            };
            let item = match next {
                Err(_) => return Err(Failure::new("timed out waiting for the next chunk", true, received)),
                Ok(None) => break,
                Ok(Some(item)) => item,
            };
            let chunk = item.map_err(|e| Failure::from_openai(&e, received))?;
            if let Some(u) = chunk.usage {
                usage = Some(u.total_tokens);
            }
            let Some(choice) = chunk.choices.into_iter().find(|c| c.index == 0) else { continue };
            if let Some(content) = choice.delta.content.filter(|c| !c.is_empty()) {
                received = true;
                completion.text.push_str(&content);
                let visible = run.guard.push(&content);
                if run.guard.leaked {
                    // Stop listening: the stream is dropped with this function.
                    tracing::warn!("the model began reciting its instructions; the reply was cut");
                    completion.calls.clear();
                    return Ok(completion);
                }
                if !sink.token(&visible).await {
                    return Err(Failure::cancelled());
                }
            }
            for chunk in choice.delta.tool_calls.unwrap_or_default() {
                received = true;
                let ix = usize::try_from(chunk.index).unwrap_or(usize::MAX).min(16);
                if completion.calls.len() <= ix {
                    completion.calls.resize(ix + 1, PendingCall::default());
                }
                let call = &mut completion.calls[ix];
                if let Some(id) = chunk.id {
                    call.id = id;
                }
                if let Some(f) = chunk.function {
                    call.name.push_str(f.name.as_deref().unwrap_or_default());
                    call.arguments.push_str(f.arguments.as_deref().unwrap_or_default());
                }
            }
        }
        let rest = run.guard.flush();
        if !sink.token(&rest).await {
            return Err(Failure::cancelled());
        }
        // Servers that do not report usage are charged an estimate (four characters a token).
        let estimate = || (serde_json::to_string(messages).map_or(0, |s| s.len()) + completion.text.len()) as u64 / 4;
        run.tokens += usage.unwrap_or_else(estimate);
        // Calls on the last round (tools off) or without a name are not run.
        completion.calls.retain(|c| with_tools && !c.name.is_empty());
        for (i, call) in completion.calls.iter_mut().enumerate() {
            if call.id.is_empty() {
                call.id = format!("call_{i}");
            }
        }
        Ok(completion)
    }
}
