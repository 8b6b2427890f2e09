pub mod book_repository;
