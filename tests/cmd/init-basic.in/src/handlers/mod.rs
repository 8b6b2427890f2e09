pub mod authors;
pub mod books;
