use axum::{Router, routing::get};

pub fn router() -> Router {
    Router::new().route("/", get(list_authors))
}

async fn list_authors() -> &'static str {
    "authors"
}
