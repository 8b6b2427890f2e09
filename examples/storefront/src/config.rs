use std::{fmt, net::SocketAddr};

/// Version baked in at compile time; reported by `/health` and the startup log.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The shortest HMAC secret we accept for signing access tokens.
const MIN_JWT_SECRET_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required but not set")]
    Missing(&'static str),
    #[error("environment variable {key} is invalid: {reason}")]
    Invalid { key: &'static str, reason: String },
}

/// Runtime configuration, read once at startup from the process environment.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub redis_url: String,
    pub jwt_secret: String,
    pub bind_addr: SocketAddr,
    pub access_token_ttl_secs: u64,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let database_url =
            std::env::var("DATABASE_URL").map_err(|_| ConfigError::Missing("DATABASE_URL"))?;

        let redis_url =
            std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());

        let jwt_secret =
            std::env::var("JWT_SECRET").map_err(|_| ConfigError::Missing("JWT_SECRET"))?;
        if jwt_secret.len() < MIN_JWT_SECRET_LEN {
            return Err(ConfigError::Invalid {
                key: "JWT_SECRET",
                reason: format!("must be at least {MIN_JWT_SECRET_LEN} bytes long"),
            });
        }

        let bind_addr = std::env::var("BIND_ADDR")
            .unwrap_or_else(|_| "0.0.0.0:8080".to_owned())
            .parse()
            .map_err(|err: std::net::AddrParseError| ConfigError::Invalid {
                key: "BIND_ADDR",
                reason: err.to_string(),
            })?;

        let access_token_ttl_secs = std::env::var("ACCESS_TOKEN_TTL_SECS")
            .unwrap_or_else(|_| "900".to_owned())
            .parse::<u64>()
            .ok()
            .filter(|secs| *secs > 0)
            .ok_or_else(|| ConfigError::Invalid {
                key: "ACCESS_TOKEN_TTL_SECS",
                reason: "must be a positive number of seconds".to_owned(),
            })?;

        Ok(Self {
            database_url,
            redis_url,
            jwt_secret,
            bind_addr,
            access_token_ttl_secs,
        })
    }
}

// Hand-written so the JWT secret and database credentials never reach the logs.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &"<redacted>")
            .field("redis_url", &self.redis_url)
            .field("jwt_secret", &"<redacted>")
            .field("bind_addr", &self.bind_addr)
            .field("access_token_ttl_secs", &self.access_token_ttl_secs)
            .finish()
    }
}
