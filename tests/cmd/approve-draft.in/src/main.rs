mod handlers;
mod services;

use axum::{Router, routing::get};

fn app() -> Router {
    Router::new().nest("/api/notes", handlers::notes::router())
}

#[tokio::main]
async fn main() {
    let _ = app();
}
