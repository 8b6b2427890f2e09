//! Router-level tests that need neither Postgres nor Redis.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use serde_json::Value;
use specplan_macros::verifies;
use sqlx::postgres::PgPoolOptions;
use storefront::{routes, AppState, Config};
use tower::ServiceExt;

/// Full application with a lazily connecting pool and an unconnected Redis
/// client: fine as long as a request is rejected before reaching either.
fn offline_app() -> Router {
    let config = Config {
        database_url: "postgres://storefront:storefront@127.0.0.1:1/storefront".to_owned(),
        redis_url: "redis://127.0.0.1:1".to_owned(),
        jwt_secret: "integration-test-secret-of-32-bytes-min".to_owned(),
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        access_token_ttl_secs: 900,
    };
    let db = PgPoolOptions::new()
        .connect_lazy(&config.database_url)
        .expect("valid database url");
    let redis = redis::Client::open(config.redis_url.as_str()).expect("valid redis url");
    routes::app(AppState::new(db, redis, config))
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.oneshot(request).await.expect("router is infallible");
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn health_reports_ok_and_version() {
    let (status, body) = send(routes::health_router(), get("/health")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn full_app_serves_health() {
    let (status, body) = send(offline_app(), get("/health")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
#[verifies("NFR-AUTH-03")]
async fn protected_routes_require_a_bearer_token() {
    for (method, uri) in [
        ("GET", "/api/v1/auth/me"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/orders"),
        ("GET", "/api/v1/orders/7f9c24e8-3b12-4fef-91e0-3c6b6f1f2a10"),
        (
            "DELETE",
            "/api/v1/orders/7f9c24e8-3b12-4fef-91e0-3c6b6f1f2a10",
        ),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let (status, body) = send(offline_app(), request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert_eq!(body["error"]["code"], "unauthorized", "{method} {uri}");
    }
}

#[verifies("NFR-AUTH-02", "NFR-AUTH-03")]
#[tokio::test]
async fn forged_token_is_rejected_with_json_error() {
    let request = Request::get("/api/v1/orders")
        .header(header::AUTHORIZATION, "Bearer not.a.valid-token")
        .body(Body::empty())
        .unwrap();
    let response = offline_app().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["message"].is_string());
}

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let (status, body) = send(offline_app(), get("/api/v1/nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}
