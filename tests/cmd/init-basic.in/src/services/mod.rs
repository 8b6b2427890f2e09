pub mod book_service;
