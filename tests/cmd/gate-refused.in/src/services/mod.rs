pub mod note_service;
