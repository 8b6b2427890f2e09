use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderMap},
};
use specplan_macros::implements;
use uuid::Uuid;

use crate::{error::ApiError, services::AuthService, state::AppState};

/// The authenticated caller. Add it as a handler argument to require a valid
/// `Authorization: Bearer <token>` header whose session is still live.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub user_id: Uuid,
    pub session_id: Uuid,
}

#[implements("NFR-AUTH-03")]
impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let claims = AuthService::new(state).authenticate(token).await?;
        Ok(Self {
            user_id: claims.sub,
            session_id: claims.sid,
        })
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use specplan_macros::verifies;

    use super::*;

    fn headers(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
        headers
    }

    #[test]
    #[verifies("NFR-AUTH-03")]
    fn extracts_bearer_token() {
        assert_eq!(
            bearer_token(&headers("Bearer abc.def.ghi")),
            Some("abc.def.ghi")
        );
        assert_eq!(bearer_token(&headers("bearer  abc")), Some("abc"));
    }

    #[test]
    #[verifies("NFR-AUTH-03")]
    fn rejects_other_schemes_and_empty_tokens() {
        assert_eq!(bearer_token(&HeaderMap::new()), None);
        assert_eq!(bearer_token(&headers("Basic dXNlcjpwYXNz")), None);
        assert_eq!(bearer_token(&headers("Bearer ")), None);
        assert_eq!(bearer_token(&headers("Bearer")), None);
    }
}
