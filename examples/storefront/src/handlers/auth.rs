use axum::{
    debug_handler,
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};

use specplan_macros::implements;

use crate::{
    error::ApiResult,
    middleware::AuthUser,
    models::{LoginRequest, RegisterRequest, TokenResponse, UserResponse},
    services::AuthService,
    state::AppState,
};

/// Routes mounted under `/api/v1/auth`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
}

/// POST /api/v1/auth/register
#[implements("FR-AUTH-01")]
#[debug_handler]
pub async fn register(
    State(state): State<AppState>,
    Json(body): Json<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<UserResponse>)> {
    let user = AuthService::new(&state).register(body).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// POST /api/v1/auth/login
#[implements("FR-AUTH-02")]
#[debug_handler]
pub async fn login(
    State(state): State<AppState>,
    Json(body): Json<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let tokens = AuthService::new(&state).login(body).await?;
    Ok(Json(tokens))
}

/// POST /api/v1/auth/logout
#[implements("FR-AUTH-03")]
#[debug_handler]
pub async fn logout(State(state): State<AppState>, auth: AuthUser) -> ApiResult<StatusCode> {
    AuthService::new(&state).logout(auth.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /api/v1/auth/me
#[implements("FR-AUTH-04")]
#[debug_handler]
pub async fn me(State(state): State<AppState>, auth: AuthUser) -> ApiResult<Json<UserResponse>> {
    let user = AuthService::new(&state).current_user(auth.user_id).await?;
    Ok(Json(user))
}
