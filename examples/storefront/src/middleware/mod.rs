pub mod auth;

pub use auth::AuthUser;
