use std::time::Duration;

use axum::{
    http::{header, Method},
    routing::get,
    Router,
};
use tower_http::{
    cors::{Any, CorsLayer},
    trace::TraceLayer,
};

use crate::{handlers, state::AppState};

/// The complete application: versioned API, health probe, JSON 404s, tracing and CORS.
pub fn app(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api_router())
        .fallback(handlers::not_found)
        .with_state(state)
        .merge(health_router())
        .layer(TraceLayer::new_for_http())
        .layer(cors())
}

/// Stateless routes that never touch a backing service; usable without a database.
pub fn health_router() -> Router {
    Router::new().route("/health", get(handlers::health))
}

fn api_router() -> Router<AppState> {
    Router::new()
        .nest("/auth", handlers::auth::router())
        .nest("/orders", handlers::orders::router())
}

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(3600))
}
