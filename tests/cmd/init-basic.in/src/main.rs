mod handlers;
mod repositories;
mod services;

use axum::{Router, routing::get};

#[tokio::main]
async fn main() {
    let database_url = std::env::var("DATABASE_URL").expect("DATABASE_URL must be set");
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_string());
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .nest("/api/books", handlers::books::router())
        .nest("/api/authors", handlers::authors::router());
    let _ = (database_url, port, app);
}
