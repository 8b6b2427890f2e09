use redis::{aio::MultiplexedConnection, AsyncCommands, RedisResult};
use specplan_macros::implements;
use uuid::Uuid;

/// Server-side login sessions in Redis. Every access token carries a session id;
/// deleting the key (logout) revokes the token before it expires.
#[derive(Clone)]
pub struct SessionStore {
    client: redis::Client,
}

#[implements("FR-AUTH-03", "NFR-AUTH-03")]
impl SessionStore {
    const KEY_PREFIX: &'static str = "storefront:session:";

    pub fn new(client: redis::Client) -> Self {
        Self { client }
    }

    fn key(session_id: Uuid) -> String {
        format!("{}{session_id}", Self::KEY_PREFIX)
    }

    async fn connection(&self) -> RedisResult<MultiplexedConnection> {
        self.client.get_multiplexed_async_connection().await
    }

    pub async fn create(&self, session_id: Uuid, user_id: Uuid, ttl_secs: u64) -> RedisResult<()> {
        let mut conn = self.connection().await?;
        conn.set_ex::<_, _, ()>(Self::key(session_id), user_id.to_string(), ttl_secs)
            .await
    }

    /// The user owning a live session, or `None` if it expired or was revoked.
    pub async fn user_id(&self, session_id: Uuid) -> RedisResult<Option<Uuid>> {
        let mut conn = self.connection().await?;
        let value: Option<String> = conn.get(Self::key(session_id)).await?;
        Ok(value.and_then(|raw| Uuid::parse_str(&raw).ok()))
    }

    pub async fn revoke(&self, session_id: Uuid) -> RedisResult<()> {
        let mut conn = self.connection().await?;
        conn.del::<_, ()>(Self::key(session_id)).await
    }
}
