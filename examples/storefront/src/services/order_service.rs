use specplan_macros::implements;
use uuid::Uuid;

use crate::{
    error::{ApiError, ApiResult},
    models::{
        CreateOrderRequest, ListOrdersQuery, OrderItemInput, OrderPage, OrderResponse, OrderStatus,
    },
    repositories::{NewOrder, OrderRepository},
    state::AppState,
};

pub const MAX_ITEMS_PER_ORDER: usize = 100;
pub const MAX_PER_PAGE: u32 = 100;

pub struct OrderService {
    orders: OrderRepository,
}

impl OrderService {
    pub fn new(state: &AppState) -> Self {
        Self {
            orders: OrderRepository::new(state.db.clone()),
        }
    }

    pub async fn list(&self, user_id: Uuid, query: ListOrdersQuery) -> ApiResult<OrderPage> {
        let (page, per_page) = normalize_pagination(query.page, query.per_page);
        let limit = i64::from(per_page);
        let offset = i64::from(page - 1) * limit;

        let (orders, total) = tokio::try_join!(
            self.orders
                .list_for_user(user_id, query.status, limit, offset),
            self.orders.count_for_user(user_id, query.status),
        )?;

        Ok(OrderPage {
            data: orders
                .into_iter()
                .map(|order| OrderResponse::new(order, None))
                .collect(),
            page,
            per_page,
            total,
        })
    }

    pub async fn create(&self, user_id: Uuid, req: CreateOrderRequest) -> ApiResult<OrderResponse> {
        let currency = normalize_currency(&req.currency)?;
        let total_cents = compute_total(&req.items)?;
        let shipping_address = non_blank(req.shipping_address.as_deref());
        let notes = non_blank(req.notes.as_deref());

        let (order, items) = self
            .orders
            .create(NewOrder {
                user_id,
                currency: &currency,
                total_cents,
                shipping_address,
                notes,
                items: &req.items,
            })
            .await?;
        tracing::info!(order_id = %order.id, %user_id, total_cents, "order created");
        Ok(OrderResponse::new(order, Some(items)))
    }

    pub async fn get(&self, user_id: Uuid, order_id: Uuid) -> ApiResult<OrderResponse> {
        let order = self
            .orders
            .find_for_user(order_id, user_id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        let items = self.orders.items_for_order(order.id).await?;
        Ok(OrderResponse::new(order, Some(items)))
    }

    pub async fn update_status(
        &self,
        user_id: Uuid,
        order_id: Uuid,
        next: OrderStatus,
    ) -> ApiResult<OrderResponse> {
        let current = self
            .orders
            .find_for_user(order_id, user_id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;

        let order = if current.status == next {
            // Idempotent: repeating the same transition is not an error.
            current
        } else {
            if !current.status.can_transition_to(next) {
                return Err(ApiError::Conflict(format!(
                    "cannot change order status from {} to {next}",
                    current.status
                )));
            }
            self.orders
                .update_status(order_id, user_id, current.status, next)
                .await?
                .ok_or_else(|| ApiError::Conflict("order was modified concurrently".to_owned()))?
        };

        let items = self.orders.items_for_order(order.id).await?;
        Ok(OrderResponse::new(order, Some(items)))
    }

    pub async fn delete(&self, user_id: Uuid, order_id: Uuid) -> ApiResult<()> {
        let order = self
            .orders
            .find_for_user(order_id, user_id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        if !order.status.is_deletable() {
            return Err(ApiError::Conflict(format!(
                "a {} order cannot be deleted",
                order.status
            )));
        }
        if !self.orders.delete(order_id, user_id).await? {
            return Err(ApiError::Conflict(
                "order was modified concurrently".to_owned(),
            ));
        }
        tracing::info!(%order_id, %user_id, "order deleted");
        Ok(())
    }
}

/// Clamps `page` to at least 1 and `per_page` to `1..=MAX_PER_PAGE`.
#[implements("FR-ORDERS-01")]
pub fn normalize_pagination(page: u32, per_page: u32) -> (u32, u32) {
    (page.max(1), per_page.clamp(1, MAX_PER_PAGE))
}

/// Validates line items and returns the order total in cents.
#[implements("FR-ORDERS-02", "NFR-ORDERS-01")]
pub fn compute_total(items: &[OrderItemInput]) -> ApiResult<i64> {
    if items.is_empty() {
        return Err(ApiError::Validation(
            "an order needs at least one item".to_owned(),
        ));
    }
    if items.len() > MAX_ITEMS_PER_ORDER {
        return Err(ApiError::Validation(format!(
            "an order can contain at most {MAX_ITEMS_PER_ORDER} items"
        )));
    }

    items
        .iter()
        .enumerate()
        .try_fold(0_i64, |total, (index, item)| {
            if item.sku.trim().is_empty() {
                return Err(ApiError::Validation(format!(
                    "items[{index}].sku must not be empty"
                )));
            }
            if item.quantity <= 0 {
                return Err(ApiError::Validation(format!(
                    "items[{index}].quantity must be positive"
                )));
            }
            if item.unit_price_cents < 0 {
                return Err(ApiError::Validation(format!(
                    "items[{index}].unitPriceCents must not be negative"
                )));
            }
            i64::from(item.quantity)
                .checked_mul(item.unit_price_cents)
                .and_then(|line| total.checked_add(line))
                .ok_or_else(|| ApiError::Validation("order total is too large".to_owned()))
        })
}

/// Accepts three-letter ISO 4217 style codes, returned upper-cased.
#[implements("FR-ORDERS-02")]
pub fn normalize_currency(raw: &str) -> ApiResult<String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ApiError::Validation(
            "currency must be a three-letter code such as USD".to_owned(),
        ))
    }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use specplan_macros::verifies;

    use super::*;

    fn item(sku: &str, quantity: i32, unit_price_cents: i64) -> OrderItemInput {
        OrderItemInput {
            sku: sku.to_owned(),
            quantity,
            unit_price_cents,
        }
    }

    #[verifies("FR-ORDERS-02", "NFR-ORDERS-01")]
    #[test]
    fn total_sums_quantity_times_unit_price() {
        let items = [
            item("TSHIRT-M", 2, 1_999),
            item("MUG", 1, 1_250),
            item("STICKER", 10, 0),
        ];
        assert_eq!(compute_total(&items).unwrap(), 5_248);
    }

    #[verifies("FR-ORDERS-02")]
    #[test]
    fn total_rejects_invalid_items() {
        assert!(compute_total(&[]).is_err());
        assert!(compute_total(&[item("  ", 1, 100)]).is_err());
        assert!(compute_total(&[item("MUG", 0, 100)]).is_err());
        assert!(compute_total(&[item("MUG", 1, -1)]).is_err());
        let too_many = vec![item("MUG", 1, 1); MAX_ITEMS_PER_ORDER + 1];
        assert!(compute_total(&too_many).is_err());
    }

    #[verifies("NFR-ORDERS-01")]
    #[test]
    fn total_overflow_is_a_validation_error() {
        let items = [item("GOLD", i32::MAX, i64::MAX / 2)];
        assert!(matches!(
            compute_total(&items),
            Err(ApiError::Validation(_))
        ));
    }

    #[verifies("FR-ORDERS-01")]
    #[test]
    fn pagination_is_clamped() {
        assert_eq!(normalize_pagination(0, 0), (1, 1));
        assert_eq!(normalize_pagination(3, 25), (3, 25));
        assert_eq!(normalize_pagination(1, 10_000), (1, MAX_PER_PAGE));
    }

    #[verifies("FR-ORDERS-02")]
    #[test]
    fn currency_codes_are_normalised() {
        assert_eq!(normalize_currency(" eur ").unwrap(), "EUR");
        assert!(normalize_currency("EURO").is_err());
        assert!(normalize_currency("U$D").is_err());
    }

    #[verifies("FR-ORDERS-04", "FR-ORDERS-05")]
    #[test]
    fn status_transitions_follow_the_lifecycle() {
        use OrderStatus::*;
        assert!(Pending.can_transition_to(Paid));
        assert!(Paid.can_transition_to(Shipped));
        assert!(Shipped.can_transition_to(Delivered));
        assert!(Paid.can_transition_to(Cancelled));
        assert!(!Shipped.can_transition_to(Cancelled));
        assert!(!Delivered.can_transition_to(Pending));
        assert!(!Cancelled.can_transition_to(Paid));
        assert!(Pending.is_deletable() && Cancelled.is_deletable());
        assert!(!Paid.is_deletable());
    }

    #[verifies("FR-ORDERS-04")]
    #[test]
    fn status_uses_snake_case_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&OrderStatus::Cancelled).unwrap(),
            "\"cancelled\""
        );
        let parsed: OrderStatus = serde_json::from_str("\"shipped\"").unwrap();
        assert_eq!(parsed, OrderStatus::Shipped);
    }
}
