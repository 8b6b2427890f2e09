pub mod order_repository;
pub mod session_store;
pub mod user_repository;

pub use order_repository::{NewOrder, OrderRepository};
pub use session_store::SessionStore;
pub use user_repository::UserRepository;
