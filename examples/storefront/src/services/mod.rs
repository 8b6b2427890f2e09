pub mod auth_service;
pub mod order_service;

pub use auth_service::{AuthService, Claims};
pub use order_service::OrderService;
