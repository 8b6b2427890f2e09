use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specplan_macros::implements;
use uuid::Uuid;

/// Lifecycle of an order. Stored as TEXT guarded by a CHECK constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[implements("FR-ORDERS-04", "FR-ORDERS-05")]
impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    /// Allowed moves: pending -> paid | cancelled, paid -> shipped | cancelled,
    /// shipped -> delivered. Delivered and cancelled are final.
    pub fn can_transition_to(self, next: Self) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Pending, Paid)
                | (Pending, Cancelled)
                | (Paid, Shipped)
                | (Paid, Cancelled)
                | (Shipped, Delivered)
        )
    }

    /// Only orders that never went through payment may be deleted outright.
    pub fn is_deletable(self) -> bool {
        matches!(self, Self::Pending | Self::Cancelled)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row of the `orders` table.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Order {
    pub id: Uuid,
    pub user_id: Uuid,
    pub status: OrderStatus,
    pub currency: String,
    pub total_cents: i64,
    pub shipping_address: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A row of the `order_items` table.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderItem {
    pub id: Uuid,
    pub order_id: Uuid,
    pub line_no: i32,
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateOrderRequest {
    pub items: Vec<OrderItemInput>,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default)]
    pub shipping_address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemInput {
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Deserialize)]
pub struct UpdateOrderStatusRequest {
    pub status: OrderStatus,
}

/// Query string of `GET /orders`, e.g. `?page=2&per_page=20&status=paid`.
#[derive(Debug, Deserialize)]
pub struct ListOrdersQuery {
    #[serde(default = "default_page")]
    pub page: u32,
    #[serde(default = "default_per_page")]
    pub per_page: u32,
    #[serde(default)]
    pub status: Option<OrderStatus>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemResponse {
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
}

impl From<OrderItem> for OrderItemResponse {
    fn from(item: OrderItem) -> Self {
        Self {
            line_total_cents: i64::from(item.quantity) * item.unit_price_cents,
            sku: item.sku,
            quantity: item.quantity,
            unit_price_cents: item.unit_price_cents,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderResponse {
    pub id: Uuid,
    pub status: OrderStatus,
    pub currency: String,
    pub total_cents: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Present on single-order responses, omitted from list pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<OrderItemResponse>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrderResponse {
    pub fn new(order: Order, items: Option<Vec<OrderItem>>) -> Self {
        Self {
            id: order.id,
            status: order.status,
            currency: order.currency,
            total_cents: order.total_cents,
            shipping_address: order.shipping_address,
            notes: order.notes,
            items: items.map(|items| items.into_iter().map(Into::into).collect()),
            created_at: order.created_at,
            updated_at: order.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPage {
    pub data: Vec<OrderResponse>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

fn default_currency() -> String {
    "USD".to_owned()
}

fn default_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    20
}
