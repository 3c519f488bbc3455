use crate::helpers::spawn_app;

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn ready_reports_the_database() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/ready").await;
    assert_eq!(status, 200);
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_echoed() {
    let app = spawn_app().await;
    let res = app.get("/health").await;
    let id = res.headers().get("x-request-id").expect("a generated id").to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let res = app.client.get(format!("{}/health", app.address)).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
}
