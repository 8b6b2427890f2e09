pub mod order;
pub mod user;

pub use order::{
    CreateOrderRequest, ListOrdersQuery, Order, OrderItem, OrderItemInput, OrderItemResponse,
    OrderPage, OrderResponse, OrderStatus, UpdateOrderStatusRequest,
};
pub use user::{LoginRequest, RegisterRequest, TokenResponse, User, UserResponse};
