use axum::{Json, Router, extract::Path, routing::get};
use specplan_macros::implements;

use crate::services::note_service::NoteService;

pub fn router() -> Router {
    Router::new()
        .route("/", get(list_notes).post(create_note))
        .route("/{id}", get(get_note))
}

#[implements("FR-NOTES-01")]
async fn list_notes() -> Json<Vec<String>> {
    Json(NoteService::list())
}

#[implements("FR-NOTES-02")]
async fn create_note(Json(text): Json<String>) -> Json<String> {
    Json(NoteService::create(text))
}

#[implements("FR-NOTES-03")]
async fn get_note(Path(id): Path<u32>) -> Json<String> {
    Json(NoteService::get(id))
}
