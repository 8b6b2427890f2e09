//! The crate catalog: what a direct dependency on a crate says about the
//! stack.
//!
//! One static table, sorted by crate name, drives every dependency-based
//! finding of [`detect`](super::detect). Adding a crate is adding a line; the
//! tests below keep the table sorted and free of duplicates.

/// What kind of API a framework serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FrameworkKind {
    /// An HTTP framework; evidence of a REST API.
    Web,
    Graphql,
    Grpc,
}

/// The role a crate plays in the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A server framework. `low_level` frameworks (hyper) are reported only
    /// when the workspace uses no other framework. `carrier` names the web
    /// framework an integration crate plugs into (`async-graphql-axum` →
    /// `axum`): in a package that uses it, that web framework carries the
    /// GraphQL endpoint and is not by itself evidence of a REST API.
    Framework {
        kind: FrameworkKind,
        low_level: bool,
        carrier: Option<&'static str>,
    },
    /// A database driver or client; the database it talks to.
    Driver(&'static str),
    /// An ORM or query layer; its databases come from its features.
    Orm,
    /// A crate whose only message is the databases its features select
    /// (`rocket_db_pools`).
    Pool,
    /// A message broker client; the broker's id.
    Messaging(&'static str),
    /// Authentication or authorization; what it is for.
    Auth(&'static str),
    /// A hosting platform the code deploys to through its dependencies.
    Hosting(&'static str),
    /// Anything else a backend team wants to see; the category.
    Other(&'static str),
}

/// One line of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrateInfo {
    /// The crate's name on crates.io.
    pub krate: &'static str,
    /// The name it is reported under (`loco-rs` → `loco`, integration crates
    /// → their framework).
    pub report_as: &'static str,
    pub role: Role,
    /// Features of the crate that select a database, `feature → database id`.
    /// A feature may appear more than once (`sqlx-all`).
    pub db_features: &'static [(&'static str, &'static str)],
}

impl CrateInfo {
    /// The databases the given enabled features select, sorted, deduplicated.
    pub fn databases_for<'a>(
        &self,
        features: impl IntoIterator<Item = &'a str>,
    ) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = features
            .into_iter()
            .flat_map(|f| {
                self.db_features
                    .iter()
                    .filter(move |(feature, _)| *feature == f)
                    .map(|(_, db)| *db)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The entry for `krate`, if the catalog knows it.
pub fn lookup(krate: &str) -> Option<&'static CrateInfo> {
    CATALOG
        .binary_search_by(|c| c.krate.cmp(krate))
        .ok()
        .map(|i| &CATALOG[i])
}

const fn entry(krate: &'static str, role: Role) -> CrateInfo {
    CrateInfo {
        krate,
        report_as: krate,
        role,
        db_features: &[],
    }
}

const fn web(krate: &'static str) -> CrateInfo {
    entry(
        krate,
        Role::Framework {
            kind: FrameworkKind::Web,
            low_level: false,
            carrier: None,
        },
    )
}

/// A GraphQL or gRPC framework, or an integration crate reported as one.
const fn api(
    krate: &'static str,
    report_as: &'static str,
    kind: FrameworkKind,
    carrier: Option<&'static str>,
) -> CrateInfo {
    CrateInfo {
        report_as,
        ..entry(
            krate,
            Role::Framework {
                kind,
                low_level: false,
                carrier,
            },
        )
    }
}

const fn driver(krate: &'static str, db: &'static str) -> CrateInfo {
    entry(krate, Role::Driver(db))
}

const fn orm(
    krate: &'static str,
    db_features: &'static [(&'static str, &'static str)],
) -> CrateInfo {
    CrateInfo {
        db_features,
        ..entry(krate, Role::Orm)
    }
}

const fn with_dbs(
    info: CrateInfo,
    db_features: &'static [(&'static str, &'static str)],
) -> CrateInfo {
    CrateInfo {
        db_features,
        ..info
    }
}

const fn messaging(krate: &'static str, broker: &'static str) -> CrateInfo {
    entry(krate, Role::Messaging(broker))
}

const fn auth(krate: &'static str, purpose: &'static str) -> CrateInfo {
    entry(krate, Role::Auth(purpose))
}

const fn hosting(krate: &'static str, platform: &'static str) -> CrateInfo {
    entry(krate, Role::Hosting(platform))
}

const fn other(krate: &'static str, category: &'static str) -> CrateInfo {
    entry(krate, Role::Other(category))
}

use FrameworkKind::{Graphql, Grpc};

const SQLX_DBS: &[(&str, &str)] = &[
    ("mssql", "mssql"),
    ("mysql", "mysql"),
    ("postgres", "postgres"),
    ("sqlite", "sqlite"),
];
const DIESEL_DBS: &[(&str, &str)] = &[
    ("mysql", "mysql"),
    ("mysql_backend", "mysql"),
    ("postgres", "postgres"),
    ("postgres_backend", "postgres"),
    ("sqlite", "sqlite"),
];
const SEA_ORM_DBS: &[(&str, &str)] = &[
    ("sqlx-all", "mysql"),
    ("sqlx-all", "postgres"),
    ("sqlx-all", "sqlite"),
    ("sqlx-mysql", "mysql"),
    ("sqlx-postgres", "postgres"),
    ("sqlx-sqlite", "sqlite"),
];
const SHUTTLE_DBS: &[(&str, &str)] = &[
    ("mariadb", "mariadb"),
    ("mongodb", "mongodb"),
    ("mysql", "mysql"),
    ("postgres", "postgres"),
];
const ROCKET_POOL_DBS: &[(&str, &str)] = &[
    ("deadpool_postgres", "postgres"),
    ("deadpool_redis", "redis"),
    ("diesel_mysql", "mysql"),
    ("diesel_mysql_pool", "mysql"),
    ("diesel_postgres", "postgres"),
    ("diesel_postgres_pool", "postgres"),
    ("diesel_sqlite_pool", "sqlite"),
    ("mongodb", "mongodb"),
    ("postgres_pool", "postgres"),
    ("sqlite_pool", "sqlite"),
    ("sqlx_mysql", "mysql"),
    ("sqlx_postgres", "postgres"),
    ("sqlx_sqlite", "sqlite"),
];

/// Every crate the detector knows, sorted by crate name.
pub static CATALOG: &[CrateInfo] = &[
    auth("actix-identity", "identity"),
    auth("actix-session", "sessions"),
    web("actix-web"),
    auth("actix-web-httpauth", "http-auth"),
    other("aide", "openapi"),
    messaging("amiquip", "rabbitmq"),
    auth("argon2", "password-hashing"),
    other("askama", "templating"),
    api("async-graphql", "async-graphql", Graphql, None),
    api(
        "async-graphql-actix-web",
        "async-graphql",
        Graphql,
        Some("actix-web"),
    ),
    api("async-graphql-axum", "async-graphql", Graphql, Some("axum")),
    api("async-graphql-poem", "async-graphql", Graphql, Some("poem")),
    api(
        "async-graphql-rocket",
        "async-graphql",
        Graphql,
        Some("rocket"),
    ),
    api("async-graphql-tide", "async-graphql", Graphql, Some("tide")),
    api("async-graphql-warp", "async-graphql", Graphql, Some("warp")),
    messaging("async-nats", "nats"),
    auth("async-session", "sessions"),
    other("async-std", "runtime"),
    driver("aws-sdk-dynamodb", "dynamodb"),
    messaging("aws-sdk-kinesis", "kinesis"),
    other("aws-sdk-s3", "object-storage"),
    messaging("aws-sdk-sns", "sns"),
    messaging("aws-sdk-sqs", "sqs"),
    web("axum"),
    auth("axum-login", "login"),
    messaging("bb8-lapin", "rabbitmq"),
    driver("bb8-postgres", "postgres"),
    driver("bb8-redis", "redis"),
    auth("bcrypt", "password-hashing"),
    auth("biscuit", "jwt"),
    auth("biscuit-auth", "tokens"),
    auth("casbin", "authorization"),
    orm("charybdis", &[]),
    driver("clickhouse", "clickhouse"),
    orm("clorinde", &[]),
    other("config", "configuration"),
    orm("cornucopia", &[]),
    messaging("deadpool-lapin", "rabbitmq"),
    driver("deadpool-postgres", "postgres"),
    driver("deadpool-redis", "redis"),
    driver("deadpool-sqlite", "sqlite"),
    orm("diesel", DIESEL_DBS),
    orm(
        "diesel-async",
        &[
            ("mysql", "mysql"),
            ("postgres", "postgres"),
            ("sqlite", "sqlite"),
        ],
    ),
    other("dotenvy", "configuration"),
    web("dropshot"),
    driver("duckdb", "duckdb"),
    driver("elasticsearch", "elasticsearch"),
    messaging("fe2o3-amqp", "amqp"),
    other("figment", "configuration"),
    driver("fred", "redis"),
    other("garde", "validation"),
    messaging("google-cloud-pubsub", "google-pubsub"),
    web("gotham"),
    api("grpcio", "grpcio", Grpc, None),
    entry(
        "hyper",
        Role::Framework {
            kind: FrameworkKind::Web,
            low_level: true,
            carrier: None,
        },
    ),
    driver("influxdb", "influxdb"),
    driver("influxdb2", "influxdb"),
    other("isahc", "http-client"),
    auth("josekit", "jwt"),
    auth("jsonwebtoken", "jwt"),
    api("juniper", "juniper", Graphql, None),
    api("juniper_actix", "juniper", Graphql, Some("actix-web")),
    api("juniper_axum", "juniper", Graphql, Some("axum")),
    api("juniper_hyper", "juniper", Graphql, Some("hyper")),
    api("juniper_rocket", "juniper", Graphql, Some("rocket")),
    api("juniper_warp", "juniper", Graphql, Some("warp")),
    auth("jwt-simple", "jwt"),
    messaging("kafka", "kafka"),
    messaging("lapin", "rabbitmq"),
    other("lettre", "email"),
    driver("libsql", "sqlite"),
    api("loco-rs", "loco", FrameworkKind::Web, None),
    driver("meilisearch-sdk", "meilisearch"),
    driver("memcache", "memcached"),
    other("metrics", "observability"),
    driver("mobc-redis", "redis"),
    other("moka", "cache"),
    driver("mongodb", "mongodb"),
    driver("mysql", "mysql"),
    driver("mysql_async", "mysql"),
    messaging("nats", "nats"),
    driver("neo4rs", "neo4j"),
    web("ntex"),
    auth("oauth2", "oauth"),
    other("object_store", "object-storage"),
    other("okapi", "openapi"),
    auth("openidconnect", "oidc"),
    driver("opensearch", "opensearch"),
    other("opentelemetry", "observability"),
    orm(
        "ormlite",
        &[
            ("mysql", "mysql"),
            ("postgres", "postgres"),
            ("sqlite", "sqlite"),
        ],
    ),
    messaging("paho-mqtt", "mqtt"),
    auth("password-hash", "password-hashing"),
    web("pavex"),
    auth("pbkdf2", "password-hashing"),
    web("poem"),
    web("poem-openapi"),
    driver("postgres", "postgres"),
    orm(
        "prisma-client-rust",
        &[
            ("mysql", "mysql"),
            ("postgresql", "postgres"),
            ("sqlite", "sqlite"),
        ],
    ),
    other("prometheus", "observability"),
    messaging("pulsar", "pulsar"),
    driver("qdrant-client", "qdrant"),
    driver("r2d2_mysql", "mysql"),
    driver("r2d2_postgres", "postgres"),
    driver("r2d2_sqlite", "sqlite"),
    orm("rbatis", &[]),
    driver("rbdc-mssql", "mssql"),
    driver("rbdc-mysql", "mysql"),
    driver("rbdc-pg", "postgres"),
    driver("rbdc-sqlite", "sqlite"),
    messaging("rdkafka", "kafka"),
    driver("redis", "redis"),
    other("reqwest", "http-client"),
    web("rocket"),
    with_dbs(entry("rocket_db_pools", Role::Pool), ROCKET_POOL_DBS),
    with_dbs(entry("rocket_sync_db_pools", Role::Pool), ROCKET_POOL_DBS),
    driver("rocksdb", "rocksdb"),
    messaging("rskafka", "kafka"),
    messaging("rumqttc", "mqtt"),
    driver("rusqlite", "sqlite"),
    driver("rustis", "redis"),
    web("salvo"),
    auth("scrypt", "password-hashing"),
    driver("scylla", "scylladb"),
    orm("sea-orm", SEA_ORM_DBS),
    other("sentry", "observability"),
    hosting("shuttle-actix-web", "shuttle"),
    with_dbs(hosting("shuttle-aws-rds", "shuttle"), SHUTTLE_DBS),
    hosting("shuttle-axum", "shuttle"),
    hosting("shuttle-poem", "shuttle"),
    hosting("shuttle-rocket", "shuttle"),
    hosting("shuttle-runtime", "shuttle"),
    hosting("shuttle-salvo", "shuttle"),
    with_dbs(hosting("shuttle-shared-db", "shuttle"), SHUTTLE_DBS),
    hosting("shuttle-tide", "shuttle"),
    hosting("shuttle-tower", "shuttle"),
    hosting("shuttle-warp", "shuttle"),
    driver("sled", "sled"),
    other("smol", "runtime"),
    orm("sqlx", SQLX_DBS),
    driver("sqlx-mysql", "mysql"),
    driver("sqlx-postgres", "postgres"),
    driver("sqlx-sqlite", "sqlite"),
    other("surf", "http-client"),
    driver("surrealdb", "surrealdb"),
    other("tera", "templating"),
    driver("tiberius", "mssql"),
    web("tide"),
    orm("toasty", &[]),
    other("tokio", "runtime"),
    driver("tokio-postgres", "postgres"),
    driver("tokio-rusqlite", "sqlite"),
    api("tonic", "tonic", Grpc, None),
    auth("totp-rs", "totp"),
    auth("tower-sessions", "sessions"),
    other("tracing", "observability"),
    other("tracing-opentelemetry", "observability"),
    web("trillium"),
    other("ureq", "http-client"),
    other("utoipa", "openapi"),
    other("validator", "validation"),
    web("viz"),
    api("volo-grpc", "volo-grpc", Grpc, None),
    web("warp"),
    auth("webauthn-rs", "webauthn"),
    orm(
        "welds",
        &[
            ("mssql", "mssql"),
            ("mysql", "mysql"),
            ("postgres", "postgres"),
            ("sqlite", "sqlite"),
        ],
    ),
    messaging("zeromq", "zeromq"),
    messaging("zmq", "zeromq"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sorted_and_unique() {
        for pair in CATALOG.windows(2) {
            assert!(
                pair[0].krate < pair[1].krate,
                "`{}` must come before `{}`",
                pair[1].krate,
                pair[0].krate
            );
        }
        for c in CATALOG {
            let mut features: Vec<_> = c.db_features.to_vec();
            features.sort();
            assert_eq!(
                features, c.db_features,
                "{}: keep db_features sorted",
                c.krate
            );
        }
    }

    #[test]
    fn lookup_and_features() {
        let sqlx = lookup("sqlx").unwrap();
        assert_eq!(sqlx.role, Role::Orm);
        assert_eq!(
            sqlx.databases_for(["runtime-tokio", "postgres", "sqlite"]),
            ["postgres", "sqlite"]
        );
        assert_eq!(
            lookup("sea-orm").unwrap().databases_for(["sqlx-all"]),
            ["mysql", "postgres", "sqlite"]
        );
        assert_eq!(lookup("loco-rs").unwrap().report_as, "loco");
        assert_eq!(
            lookup("async-graphql-axum").unwrap().report_as,
            "async-graphql"
        );
        assert!(lookup("serde").is_none());
        assert!(lookup("").is_none());
    }
}
