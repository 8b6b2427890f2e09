use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;

/// Shared application state handed to every handler. Cloning is cheap:
/// the pool, the Redis client and the config are all reference counted.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub redis: redis::Client,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(db: PgPool, redis: redis::Client, config: Config) -> Self {
        Self {
            db,
            redis,
            config: Arc::new(config),
        }
    }
}
