use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use storefront::{config::APP_VERSION, routes, AppState, Config};
use tokio::net::TcpListener;
use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A missing .env file is fine: in containers the variables come from the environment.
    dotenvy::dotenv().ok();
    init_tracing();

    let config = Config::from_env()?;

    let db = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&config.database_url)
        .await?;
    sqlx::migrate!().run(&db).await?;
    tracing::info!("database migrations applied");

    // Opening a client only parses the URL; connections are made per request.
    let redis = redis::Client::open(config.redis_url.as_str())?;

    let bind_addr = config.bind_addr;
    let app = routes::app(AppState::new(db, redis, config));

    let listener = TcpListener::bind(bind_addr).await?;
    tracing::info!(%bind_addr, version = APP_VERSION, "storefront listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("storefront=info,tower_http=info,sqlx=warn"));
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer())
        .init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c()
            .await
            .expect("failed to install Ctrl+C handler");
    };

    #[cfg(unix)]
    let terminate = async {
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("failed to install SIGTERM handler")
            .recv()
            .await;
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, draining connections");
}
