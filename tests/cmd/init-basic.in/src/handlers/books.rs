use axum::{Router, routing::get};

pub fn router() -> Router {
    Router::new()
        .route("/", get(list_books).post(create_book))
        .route("/{id}", get(get_book))
}

async fn list_books() -> &'static str {
    crate::services::book_service::list()
}

async fn create_book() -> &'static str {
    "created"
}

async fn get_book() -> &'static str {
    "book"
}
