//! The assistant over HTTP: one JSON reply, or Server-Sent Events.

use crate::helpers::spawn_app;
use crate::helpers::Who;
use serde_json::json;

#[tokio::test]
async fn a_message_gets_a_json_reply_with_intent_parts_and_the_stored_conversation() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let (status, reply) = app
        .call(
            "POST",
            "/v1/interactions",
            &guest,
            Some(json!({"channel": "mobile", "message": "show me headphones"})),
            None,
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["intent"], "product_search");
    assert!(reply["confidence"].as_f64().unwrap() > 0.35);
    assert_eq!(reply["parts"][0]["type"], "products");
    assert!(!reply["text"].as_str().unwrap().is_empty());

    let (status, added) =
        app.call("POST", "/v1/interactions", &guest, Some(json!({"message": "add the first one"})), None).await;
    assert_eq!(status, 200);
    assert_eq!(added["actions"][0]["type"], "CartLineAdded");
    let (_, cart) = app.call("GET", "/v1/cart", &guest, None, None).await;
    assert_eq!(cart["item_count"], 1, "the assistant changed the real cart");

    let (status, conversation) = app.call("GET", "/v1/interactions", &guest, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(conversation["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_guest_conversation_follows_the_login_and_comes_back_with_a_restored_session() {
    let app = spawn_app().await;
    let Who::Session(token) = app.guest().await else { unreachable!() };
    let guest = Who::Session(token.clone());
    app.call("POST", "/v1/interactions", &guest, Some(json!({"message": "show me tents"})), None).await;
    let res = app
        .client
        .post(format!("{}/v1/auth/register", app.address))
        .header("x-session-token", &token)
        .json(&json!({"email": "chat@example.com", "password": "a good password", "name": "Chat"}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["session"]["merged"]["conversation"], 2);

    // On another device, restoring that session brings the conversation along.
    let phone = app
        .client
        .post(format!("{}/v1/auth/login", app.address))
        .json(&json!({"email": "chat@example.com", "password": "a good password"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let phone = Who::Bearer(phone["access_token"].as_str().unwrap().to_string());
    let id = body["session"]["session"]["id"].as_str().unwrap();
    let (status, restored) = app.call("POST", &format!("/v1/sessions/{id}/restore"), &phone, None, None).await;
    assert_eq!(status, 200);
    let turns = restored["conversation"].as_array().unwrap();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["text"], "show me tents");
}

#[tokio::test]
async fn with_accept_event_stream_the_reply_streams_as_server_sent_events() {
    let app = spawn_app().await;
    let Who::Session(token) = app.guest().await else { unreachable!() };
    let res = app
        .client
        .post(format!("{}/v1/interactions", app.address))
        .header("x-session-token", token)
        .header("accept", "text/event-stream")
        .json(&json!({"message": "how long does shipping take?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let body = res.text().await.unwrap();
    let events: Vec<&str> = body.lines().filter_map(|l| l.strip_prefix("event: ")).collect();
    assert_eq!(events.first(), Some(&"typing"));
    assert!(events.iter().filter(|e| **e == "token").count() > 3, "{events:?}");
    assert!(events.contains(&"part"));
    assert_eq!(events.last(), Some(&"done"));
    let done = body.lines().skip_while(|l| *l != "event: done").nth(1).unwrap().strip_prefix("data: ").unwrap();
    let done: serde_json::Value = serde_json::from_str(done).unwrap();
    assert_eq!(done["intent"], "faq");
}

#[tokio::test]
async fn bad_messages_are_422_and_a_caller_without_a_session_is_401() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    for body in
        [json!({"message": ""}), json!({"message": "x".repeat(1001)}), json!({"message": "hi", "channel": "pigeon"})]
    {
        let (status, err) = app.call("POST", "/v1/interactions", &guest, Some(body.clone()), None).await;
        assert_eq!(status, 422, "{body}");
        assert!(["message", "channel"].contains(&err["error"]["field"].as_str().unwrap()));
    }
    let (status, _) = app
        .call("POST", "/v1/interactions", &guest, Some(json!({"message": "hi", "session_id": "someone-else"})), None)
        .await;
    assert_eq!(status, 404, "another session id is not found");
    let (status, err) = app.call("POST", "/v1/interactions", &Who::Nobody, Some(json!({"message": "hi"})), None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (401, Some("session_required")));
}

#[tokio::test]
async fn the_assistants_confirmation_card_places_the_order_only_through_its_own_endpoint() {
    let app = spawn_app().await;
    let me = app.member("oneclick@example.com").await;
    let p = app.product("coffee", 3).await;
    app.call("POST", "/v1/cart/items", &me, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;
    let mut body = crate::commerce::checkout_body("4242 4242 4242 4242");
    body["email"] = serde_json::Value::Null;
    let (status, _) = app.call("POST", "/v1/checkout", &me, Some(body), Some("first")).await;
    assert_eq!(status, 201);
    app.call("POST", "/v1/cart/items", &me, Some(json!({"product_id": p["id"], "quantity": 1})), None).await;

    let (_, reply) = app.call("POST", "/v1/interactions", &me, Some(json!({"message": "checkout please"})), None).await;
    let card = reply["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "checkout_confirm")
        .expect("a confirmation card");
    let token = card["offer"]["token"].as_str().unwrap();

    let (status, _) = app.call("POST", "/v1/checkout/confirm", &me, Some(json!({"token": "forged"})), None).await;
    assert_eq!(status, 404);
    let (status, placed) = app.call("POST", "/v1/checkout/confirm", &me, Some(json!({"token": token})), None).await;
    assert_eq!(status, 201, "{placed}");
    assert_eq!(placed["order"]["card_last4"], "4242");
    let (status, again) = app.call("POST", "/v1/checkout/confirm", &me, Some(json!({"token": token})), None).await;
    assert_eq!((status, &again["order"]["id"]), (201, &placed["order"]["id"]));
    let (_, orders) = app.call("GET", "/v1/orders", &me, None, None).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn with_a_language_model_configured_its_tokens_stream_before_the_reply_is_done() {
    use fake_openai::{FakeOpenAi, Reply};
    use futures::StreamExt;
    let said = "Here is what I can tell you about our tents: the first one sleeps two and packs small, \
                the second one stands up to strong wind, and both come with a two-year warranty.";
    // The model speaks, then stalls until the server's timeout: `done` can only come after that.
    let fake =
        FakeOpenAi::start(vec![Reply::Stall(said.split_inclusive(' ').map(str::to_string).collect())]).await.unwrap();
    let app = crate::helpers::spawn_app_with(&[
        ("OPENAI_BASE_URL", fake.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test-secret"),
        ("OPENAI_TIMEOUT_MS", "1500"),
    ])
    .await;
    let Who::Session(token) = app.guest().await else { unreachable!() };
    let res = app
        .client
        .post(format!("{}/v1/interactions", app.address))
        .header("x-session-token", token.clone())
        .header("accept", "text/event-stream")
        .header("accept-encoding", "gzip")
        .json(&json!({"message": "tell me about tents"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-encoding").is_none(), "no compression layer buffers the stream");

    let mut body = String::new();
    let mut chunks = res.bytes_stream();
    let mut token_seen_before_done = false;
    while let Some(chunk) = chunks.next().await {
        body.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        if body.contains("event: token") && !body.contains("event: done") {
            token_seen_before_done = true;
        }
    }
    assert!(token_seen_before_done, "tokens arrived while the model was still going: {body}");
    assert!(body.contains("event: done"));
    let streamed: String = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    assert!(streamed.starts_with("Here is what I can tell you about our tents"), "{streamed}");
    assert!(!body.contains("sk-test-secret") && !body.contains(&token));
    let sent = serde_json::to_string(&fake.requests()).unwrap();
    assert!(!sent.contains("sk-test-secret") && !sent.contains(&token), "no secret in what the model is sent");
}

#[tokio::test]
async fn the_team_answers_a_request_for_a_person_and_the_reply_is_in_the_shoppers_conversation() {
    let app = spawn_app().await;
    let guest = app.guest().await;
    let (status, asked) =
        app.call("POST", "/v1/interactions", &guest, Some(json!({"message": "i need a human"})), None).await;
    assert_eq!(status, 200, "{asked}");
    let id = asked["actions"][0]["request_id"].as_str().unwrap().to_string();

    // Only admins see the queue or answer it.
    let customer = app.member("curious@example.com").await;
    assert_eq!(app.call("GET", "/v1/admin/handoffs", &customer, None, None).await.0, 403);
    let reply_path = format!("/v1/admin/handoffs/{id}/reply");
    assert_eq!(app.call("POST", &reply_path, &customer, Some(json!({"text": "hi"})), None).await.0, 403);

    let admin = app.admin().await;
    let (status, queue) = app.call("GET", "/v1/admin/handoffs", &admin, None, None).await;
    assert_eq!(status, 200, "{queue}");
    let request = queue["items"].as_array().unwrap().iter().find(|h| h["id"] == id.as_str()).unwrap();
    assert_eq!((request["status"].as_str(), request["shopper"].as_str()), (Some("open"), Some("Guest")));
    let (status, bad) = app.call("GET", "/v1/admin/handoffs?status=maybe", &admin, None, None).await;
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("status")));
    let (status, empty) = app.call("POST", &reply_path, &admin, Some(json!({"text": " "})), None).await;
    assert_eq!((status, empty["error"]["field"].as_str()), (422, Some("text")));

    let (status, answered) =
        app.call("POST", &reply_path, &admin, Some(json!({"text": "Hello, this is the team."})), None).await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["status"], "closed");
    assert_eq!(app.call("POST", &reply_path, &admin, Some(json!({"text": "again"})), None).await.0, 409);
    assert_eq!(
        app.call("POST", "/v1/admin/handoffs/nope/reply", &admin, Some(json!({"text": "hi"})), None).await.0,
        404
    );

    let (_, conversation) = app.call("GET", "/v1/interactions", &guest, None, None).await;
    let last = conversation["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["role"].as_str(), last["text"].as_str()), (Some("staff"), Some("Hello, this is the team.")));
}
