use axum::{
    debug_handler,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, patch},
    Json, Router,
};
use specplan_macros::implements;
use uuid::Uuid;

use crate::{
    error::ApiResult,
    middleware::AuthUser,
    models::{
        CreateOrderRequest, ListOrdersQuery, OrderPage, OrderResponse, UpdateOrderStatusRequest,
    },
    services::OrderService,
    state::AppState,
};

/// Routes mounted under `/api/v1/orders`. Every route requires authentication.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list_orders).post(create_order))
        .route("/{id}", get(get_order).delete(delete_order))
        .route("/{id}/status", patch(update_order_status))
}

/// GET /api/v1/orders?page=&per_page=&status=
#[implements("FR-ORDERS-01")]
#[debug_handler]
pub async fn list_orders(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(query): Query<ListOrdersQuery>,
) -> ApiResult<Json<OrderPage>> {
    let page = OrderService::new(&state).list(auth.user_id, query).await?;
    Ok(Json(page))
}

/// POST /api/v1/orders
#[implements("FR-ORDERS-02")]
#[debug_handler]
pub async fn create_order(
    State(state): State<AppState>,
    auth: AuthUser,
    Json(body): Json<CreateOrderRequest>,
) -> ApiResult<(StatusCode, Json<OrderResponse>)> {
    let order = OrderService::new(&state).create(auth.user_id, body).await?;
    Ok((StatusCode::CREATED, Json(order)))
}

/// GET /api/v1/orders/{id}
#[implements("FR-ORDERS-03")]
#[debug_handler]
pub async fn get_order(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<OrderResponse>> {
    let order = OrderService::new(&state).get(auth.user_id, id).await?;
    Ok(Json(order))
}

/// PATCH /api/v1/orders/{id}/status
#[implements("FR-ORDERS-04")]
#[debug_handler]
pub async fn update_order_status(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateOrderStatusRequest>,
) -> ApiResult<Json<OrderResponse>> {
    let order = OrderService::new(&state)
        .update_status(auth.user_id, id, body.status)
        .await?;
    Ok(Json(order))
}

/// DELETE /api/v1/orders/{id}
#[implements("FR-ORDERS-05")]
#[debug_handler]
pub async fn delete_order(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    OrderService::new(&state).delete(auth.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
