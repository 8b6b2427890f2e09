//! Storefront backend: user accounts (`auth`) and orders (`orders`).
//!
//! Layering: `handlers` (HTTP) -> `services` (business rules) -> `repositories`
//! (Postgres via sqlx, sessions in Redis). `main.rs` only wires things together,
//! so integration tests can build the router from this library.

pub mod config;
pub mod error;
pub mod handlers;
pub mod middleware;
pub mod models;
pub mod repositories;
pub mod routes;
pub mod services;
pub mod state;

pub use config::Config;
pub use error::{ApiError, ApiResult};
pub use state::AppState;
