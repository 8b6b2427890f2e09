use std::sync::Arc;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use specplan_macros::implements;
use uuid::Uuid;

use crate::{
    config::Config,
    error::{ApiError, ApiResult},
    models::{LoginRequest, RegisterRequest, TokenResponse, UserResponse},
    repositories::{SessionStore, UserRepository},
    state::AppState,
};

const MIN_PASSWORD_LEN: usize = 8;
const MAX_PASSWORD_LEN: usize = 128;
const MAX_EMAIL_LEN: usize = 254;

/// JWT payload of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: Uuid,
    /// Session id; the session must still exist in Redis for the token to be accepted.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
}

pub struct AuthService {
    users: UserRepository,
    sessions: SessionStore,
    config: Arc<Config>,
}

impl AuthService {
    pub fn new(state: &AppState) -> Self {
        Self {
            users: UserRepository::new(state.db.clone()),
            sessions: SessionStore::new(state.redis.clone()),
            config: Arc::clone(&state.config),
        }
    }

    pub async fn register(&self, req: RegisterRequest) -> ApiResult<UserResponse> {
        let email = normalize_email(&req.email)?;
        validate_password(&req.password)?;
        let display_name = req
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty());

        let password = req.password;
        let password_hash = run_blocking(move || hash_password(&password)).await?;

        match self
            .users
            .create(&email, &password_hash, display_name)
            .await
        {
            Ok(user) => {
                tracing::info!(user_id = %user.id, "user registered");
                Ok(user.into())
            }
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => Err(
                ApiError::Conflict("an account with this email already exists".to_owned()),
            ),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn login(&self, req: LoginRequest) -> ApiResult<TokenResponse> {
        let email = req.email.trim().to_lowercase();
        let user = self
            .users
            .find_by_email(&email)
            .await?
            .ok_or(ApiError::InvalidCredentials)?;

        let password = req.password;
        let stored_hash = user.password_hash.clone();
        if !run_blocking(move || verify_password(&password, &stored_hash)).await? {
            return Err(ApiError::InvalidCredentials);
        }

        let ttl = self.config.access_token_ttl_secs;
        let session_id = Uuid::new_v4();
        self.sessions.create(session_id, user.id, ttl).await?;
        let access_token = issue_token(&self.config.jwt_secret, user.id, session_id, ttl)?;
        tracing::info!(user_id = %user.id, %session_id, "user logged in");

        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: ttl,
            user: user.into(),
        })
    }

    pub async fn logout(&self, session_id: Uuid) -> ApiResult<()> {
        self.sessions.revoke(session_id).await?;
        Ok(())
    }

    pub async fn current_user(&self, user_id: Uuid) -> ApiResult<UserResponse> {
        self.users
            .find_by_id(user_id)
            .await?
            .map(Into::into)
            .ok_or(ApiError::NotFound("user"))
    }

    /// Verifies a bearer token's signature and expiry, then checks that its
    /// session has not been revoked.
    pub async fn authenticate(&self, token: &str) -> ApiResult<Claims> {
        let claims = decode_token(&self.config.jwt_secret, token)?;
        match self.sessions.user_id(claims.sid).await? {
            Some(owner) if owner == claims.sub => Ok(claims),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// Runs CPU-heavy work (argon2) off the async worker threads.
async fn run_blocking<T, F>(work: F) -> ApiResult<T>
where
    F: FnOnce() -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ApiError::Internal(format!("blocking task failed: {err}")))?
}

#[implements("FR-AUTH-01")]
pub fn normalize_email(raw: &str) -> ApiResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= MAX_EMAIL_LEN
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(ApiError::Validation(
            "email address is not valid".to_owned(),
        ))
    }
}

#[implements("FR-AUTH-01")]
pub fn validate_password(password: &str) -> ApiResult<()> {
    let len = password.chars().count();
    if (MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&len) {
        Ok(())
    } else {
        Err(ApiError::Validation(format!(
            "password must be between {MIN_PASSWORD_LEN} and {MAX_PASSWORD_LEN} characters"
        )))
    }
}

#[implements("NFR-AUTH-01")]
pub fn hash_password(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| ApiError::Internal(format!("password hashing failed: {err}")))
}

#[implements("NFR-AUTH-01")]
pub fn verify_password(password: &str, stored_hash: &str) -> ApiResult<bool> {
    let parsed = PasswordHash::new(stored_hash)
        .map_err(|err| ApiError::Internal(format!("stored password hash is malformed: {err}")))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

#[implements("NFR-AUTH-02")]
pub fn issue_token(
    secret: &str,
    user_id: Uuid,
    session_id: Uuid,
    ttl_secs: u64,
) -> ApiResult<String> {
    let now = Utc::now().timestamp();
    let ttl = i64::try_from(ttl_secs)
        .map_err(|_| ApiError::Internal("token ttl out of range".to_owned()))?;
    let claims = Claims {
        sub: user_id,
        sid: session_id,
        iat: now,
        exp: now.saturating_add(ttl),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|err| ApiError::Internal(format!("token signing failed: {err}")))
}

#[implements("NFR-AUTH-02")]
pub fn decode_token(secret: &str, token: &str) -> ApiResult<Claims> {
    let validation = Validation::new(Algorithm::HS256);
    jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|_| ApiError::Unauthorized)
}

#[cfg(test)]
mod tests {
    use specplan_macros::verifies;

    use super::*;

    const SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

    #[test]
    #[verifies("NFR-AUTH-01")]
    fn password_hash_round_trip() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash).unwrap());
        assert!(!verify_password("wrong password", &hash).unwrap());
        // Fresh salt per hash: equal passwords never share a hash.
        assert_ne!(hash, hash_password("correct horse battery staple").unwrap());
    }

    #[test]
    #[verifies("FR-AUTH-02", "NFR-AUTH-02")]
    fn token_round_trip() {
        let (user_id, session_id) = (Uuid::new_v4(), Uuid::new_v4());
        let token = issue_token(SECRET, user_id, session_id, 900).unwrap();
        let claims = decode_token(SECRET, &token).unwrap();
        assert_eq!(claims.sub, user_id);
        assert_eq!(claims.sid, session_id);
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    #[verifies("NFR-AUTH-02")]
    fn token_with_wrong_secret_or_garbage_is_rejected() {
        let token = issue_token(SECRET, Uuid::new_v4(), Uuid::new_v4(), 900).unwrap();
        let other = "another-secret-that-is-also-32-bytes-long!";
        assert!(matches!(
            decode_token(other, &token),
            Err(ApiError::Unauthorized)
        ));
        assert!(matches!(
            decode_token(SECRET, "not.a.jwt"),
            Err(ApiError::Unauthorized)
        ));
    }

    #[test]
    #[verifies("NFR-AUTH-02")]
    fn expired_token_is_rejected() {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            iat: now - 7200,
            exp: now - 3600,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap();
        assert!(matches!(
            decode_token(SECRET, &token),
            Err(ApiError::Unauthorized)
        ));
    }

    #[test]
    #[verifies("FR-AUTH-01")]
    fn emails_are_normalised_and_validated() {
        assert_eq!(
            normalize_email("  Alice@Example.COM ").unwrap(),
            "alice@example.com"
        );
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@example",
            "alice@.com",
            "al ice@example.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    #[verifies("FR-AUTH-01")]
    fn password_length_is_enforced() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("long enough").is_ok());
        assert!(validate_password(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
    }
}
