pub fn all() -> &'static str {
    "books"
}
