use specplan_macros::implements;
use sqlx::PgPool;
use uuid::Uuid;

use crate::models::{Order, OrderItem, OrderItemInput, OrderStatus};

/// Validated input for [`OrderRepository::create`].
#[derive(Debug)]
pub struct NewOrder<'a> {
    pub user_id: Uuid,
    pub currency: &'a str,
    pub total_cents: i64,
    pub shipping_address: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub items: &'a [OrderItemInput],
}

#[derive(Clone)]
pub struct OrderRepository {
    pool: PgPool,
}

#[implements("NFR-ORDERS-02", "NFR-ORDERS-03", "NFR-ORDERS-04")]
impl OrderRepository {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Inserts the order and all of its line items in one transaction.
    pub async fn create(&self, new: NewOrder<'_>) -> Result<(Order, Vec<OrderItem>), sqlx::Error> {
        let mut tx = self.pool.begin().await?;

        let order = sqlx::query_as::<_, Order>(
            "INSERT INTO orders (id, user_id, status, currency, total_cents, shipping_address, notes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING id, user_id, status, currency, total_cents, shipping_address, notes, \
                       created_at, updated_at",
        )
        .bind(Uuid::new_v4())
        .bind(new.user_id)
        .bind(OrderStatus::Pending)
        .bind(new.currency)
        .bind(new.total_cents)
        .bind(new.shipping_address)
        .bind(new.notes)
        .fetch_one(&mut *tx)
        .await?;

        let skus: Vec<String> = new.items.iter().map(|item| item.sku.clone()).collect();
        let quantities: Vec<i32> = new.items.iter().map(|item| item.quantity).collect();
        let prices: Vec<i64> = new.items.iter().map(|item| item.unit_price_cents).collect();

        let mut items = sqlx::query_as::<_, OrderItem>(
            "INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents) \
             SELECT $1, t.line_no::int4, t.sku, t.quantity, t.unit_price_cents \
             FROM UNNEST($2::text[], $3::int4[], $4::int8[]) \
                  WITH ORDINALITY AS t(sku, quantity, unit_price_cents, line_no) \
             RETURNING id, order_id, line_no, sku, quantity, unit_price_cents",
        )
        .bind(order.id)
        .bind(&skus)
        .bind(&quantities)
        .bind(&prices)
        .fetch_all(&mut *tx)
        .await?;
        items.sort_by_key(|item| item.line_no);

        tx.commit().await?;
        Ok((order, items))
    }

    pub async fn list_for_user(
        &self,
        user_id: Uuid,
        status: Option<OrderStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Order>, sqlx::Error> {
        sqlx::query_as::<_, Order>(
            "SELECT id, user_id, status, currency, total_cents, shipping_address, notes, \
                    created_at, updated_at \
             FROM orders \
             WHERE user_id = $1 AND ($2::text IS NULL OR status = $2) \
             ORDER BY created_at DESC, id \
             LIMIT $3 OFFSET $4",
        )
        .bind(user_id)
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn count_for_user(
        &self,
        user_id: Uuid,
        status: Option<OrderStatus>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM orders WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)",
        )
        .bind(user_id)
        .bind(status)
        .fetch_one(&self.pool)
        .await
    }

    /// Looks an order up by id, scoped to its owner so users never see each other's orders.
    pub async fn find_for_user(
        &self,
        id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Order>, sqlx::Error> {
        sqlx::query_as::<_, Order>(
            "SELECT id, user_id, status, currency, total_cents, shipping_address, notes, \
                    created_at, updated_at \
             FROM orders WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn items_for_order(&self, order_id: Uuid) -> Result<Vec<OrderItem>, sqlx::Error> {
        sqlx::query_as::<_, OrderItem>(
            "SELECT id, order_id, line_no, sku, quantity, unit_price_cents \
             FROM order_items WHERE order_id = $1 ORDER BY line_no",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Compare-and-set on the status: returns `None` if the order is gone or its
    /// status is no longer `expected` (a concurrent update won).
    pub async fn update_status(
        &self,
        id: Uuid,
        user_id: Uuid,
        expected: OrderStatus,
        next: OrderStatus,
    ) -> Result<Option<Order>, sqlx::Error> {
        sqlx::query_as::<_, Order>(
            "UPDATE orders SET status = $4, updated_at = now() \
             WHERE id = $1 AND user_id = $2 AND status = $3 \
             RETURNING id, user_id, status, currency, total_cents, shipping_address, notes, \
                       created_at, updated_at",
        )
        .bind(id)
        .bind(user_id)
        .bind(expected)
        .bind(next)
        .fetch_optional(&self.pool)
        .await
    }

    /// Deletes a pending or cancelled order (items cascade). Returns whether a row went.
    pub async fn delete(&self, id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "DELETE FROM orders \
             WHERE id = $1 AND user_id = $2 AND status IN ('pending', 'cancelled')",
        )
        .bind(id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }
}
