pub mod auth;
pub mod orders;

use axum::Json;
use serde::Serialize;

use crate::{config::APP_VERSION, error::ApiError};

#[derive(Debug, Serialize)]
pub struct HealthResponse {
    pub status: &'static str,
    pub version: &'static str,
}

/// Liveness probe: answers without touching Postgres or Redis.
pub async fn health() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok",
        version: APP_VERSION,
    })
}

/// JSON 404 for unknown paths, so clients always get the same error shape.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("route")
}
