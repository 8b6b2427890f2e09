pub fn list() -> &'static str {
    crate::repositories::book_repository::all()
}
