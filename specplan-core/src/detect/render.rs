//! The human summary of Step 0: the `Detected tech stack:` block.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{Stack, catalog};

/// Renders the `Detected tech stack:` block of Step 0, one `- Key: value`
/// line per aspect, `none` where nothing was found.
///
/// `architecture` is the text of the `Architecture:` line (`"4-Layer DDD"`),
/// which the layout scanner provides; the line is left out without it.
///
/// In a workspace of several members, items carry the members that use them
/// (`axum 0.8.4 (api), actix-web 4.9.0 (admin)`) whenever the members differ
/// on that line; when every member agrees, or there is one, they do not.
pub fn render_human(stack: &Stack, architecture: Option<&str>) -> String {
    let members: Vec<&str> = stack.packages.iter().map(|p| p.name.as_str()).collect();
    let mut out = String::from("Detected tech stack:\n");
    let mut line = |key: &str, value: String| {
        let value = if value.is_empty() {
            "none".into()
        } else {
            value
        };
        let _ = writeln!(out, "- {key}: {value}");
    };

    line("Language", language(stack));
    line(
        "Framework",
        items(
            &members,
            stack.frameworks.iter().map(|f| Item {
                label: versioned(&f.name, f.version.as_deref()),
                package: Some(&f.package),
                detail: Vec::new(),
            }),
        ),
    );
    line("Database", databases(stack, &members));
    line(
        "ORM",
        items(
            &members,
            stack.orms.iter().map(|o| Item {
                label: versioned(&o.name, o.version.as_deref()),
                package: Some(&o.package),
                detail: notable_features(&o.name, &o.features),
            }),
        ),
    );
    line(
        "Migrations",
        stack
            .migrations
            .iter()
            .map(|m| {
                let noun = if m.count == 1 {
                    "migration"
                } else {
                    "migrations"
                };
                let path = if m.path == "." { "./" } else { &m.path };
                let slash = if path.ends_with('/') { "" } else { "/" };
                format!("{}, {} {noun} in {path}{slash}", m.tool, m.count)
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    line(
        "API Style",
        stack
            .api_styles
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(architecture) = architecture {
        line("Architecture", architecture.to_string());
    }
    line("Infrastructure", infrastructure(stack));
    line("Messaging", messaging(stack, &members));
    line(
        "Auth",
        items(
            &members,
            stack.auth.iter().map(|a| Item {
                label: versioned(&a.name, a.version.as_deref()),
                package: Some(&a.package),
                detail: Vec::new(),
            }),
        ),
    );
    if !stack.other.is_empty() {
        line(
            "Other",
            items(
                &members,
                stack.other.iter().map(|o| Item {
                    label: versioned(&o.name, o.version.as_deref()),
                    package: Some(&o.package),
                    detail: Vec::new(),
                }),
            ),
        );
    }
    out
}

/// One thing on a line, before items used by several members are merged.
struct Item<'a> {
    label: String,
    package: Option<&'a str>,
    detail: Vec<String>,
}

fn versioned(name: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("{name} {v}"),
        None => name.to_string(),
    }
}

/// Whether the members differ on a line: each member's set of labels is not
/// the same for all. Items without a member do not count.
fn members_differ<'a>(members: &[&str], labelled: impl Iterator<Item = (&'a str, String)>) -> bool {
    if members.len() < 2 {
        return false;
    }
    let mut per_member: BTreeMap<&str, BTreeSet<String>> =
        members.iter().map(|m| (*m, BTreeSet::new())).collect();
    for (package, label) in labelled {
        per_member.entry(package).or_default().insert(label);
    }
    let mut sets = per_member.values();
    let first = sets.next();
    sets.any(|s| Some(s) != first)
}

/// Joins items, merging equal ones; each carries `(members; detail)` as
/// needed.
fn items<'a>(members: &[&str], items: impl Iterator<Item = Item<'a>>) -> String {
    let items: Vec<Item<'a>> = items.collect();
    let show = members_differ(
        members,
        items
            .iter()
            .filter_map(|i| Some((i.package?, i.label.clone()))),
    );
    let mut merged: Vec<(String, Vec<String>, BTreeSet<&str>)> = Vec::new();
    for item in items {
        let at = merged
            .iter()
            .position(|(label, detail, _)| *label == item.label && *detail == item.detail)
            .unwrap_or_else(|| {
                merged.push((item.label, item.detail, BTreeSet::new()));
                merged.len() - 1
            });
        merged[at].2.extend(item.package);
    }
    merged
        .into_iter()
        .map(|(label, detail, packages)| {
            let mut parts = Vec::new();
            if show && !packages.is_empty() {
                parts.push(packages.into_iter().collect::<Vec<_>>().join(", "));
            }
            if !detail.is_empty() {
                parts.push(detail.join(", "));
            }
            if parts.is_empty() {
                label
            } else {
                format!("{label} ({})", parts.join("; "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Rust (edition 2021, rust-version 1.80)`; members that differ from the
/// most common edition and `rust-version` are named after it
/// (`…; admin: edition 2024, rust-version 1.85`).
fn language(stack: &Stack) -> String {
    let mut groups: BTreeMap<(&str, Option<&str>), Vec<&str>> = BTreeMap::new();
    for p in &stack.packages {
        groups
            .entry((&p.edition, p.rust_version.as_deref()))
            .or_default()
            .push(&p.name);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    // The most common first; ties in edition order.
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let describe = |(edition, rust_version): (&str, Option<&str>)| match rust_version {
        Some(v) => format!("edition {edition}, rust-version {v}"),
        None => format!("edition {edition}"),
    };
    let parts: Vec<String> = groups
        .into_iter()
        .enumerate()
        .map(|(i, (key, packages))| {
            if i == 0 {
                describe(key)
            } else {
                format!("{}: {}", packages.join(", "), describe(key))
            }
        })
        .collect();
    if parts.is_empty() {
        "Rust".to_string()
    } else {
        format!("Rust ({})", parts.join("; "))
    }
}

/// `PostgreSQL (sqlx), Redis (redis)`; compose images count only for a
/// database no crate talks to.
fn databases(stack: &Stack, members: &[&str]) -> String {
    let show = members_differ(
        members,
        stack
            .databases
            .iter()
            .filter_map(|d| Some((d.package.as_deref()?, d.name.clone()))),
    );
    let mut by_db: BTreeMap<&str, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    for d in &stack.databases {
        let vias = by_db.entry(&d.name).or_default();
        vias.entry(&d.via).or_default().extend(d.package.as_deref());
    }
    by_db
        .into_iter()
        .map(|(db, mut vias)| {
            if vias.len() > 1 {
                vias.remove("docker-compose");
            }
            let sep = if show { "; " } else { ", " };
            let vias: Vec<String> = vias
                .into_iter()
                .map(|(via, packages)| {
                    if show && !packages.is_empty() {
                        let packages: Vec<&str> = packages.into_iter().collect();
                        format!("{via} in {}", packages.join(", "))
                    } else {
                        via.to_string()
                    }
                })
                .collect();
            format!("{} ({})", database_name(db), vias.join(sep))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `RabbitMQ (lapin 2.5.0)`.
fn messaging(stack: &Stack, members: &[&str]) -> String {
    let show = members_differ(
        members,
        stack
            .messaging
            .iter()
            .map(|m| (m.package.as_str(), m.broker.clone())),
    );
    let mut by_broker: BTreeMap<&str, Vec<Item<'_>>> = BTreeMap::new();
    for m in &stack.messaging {
        by_broker.entry(&m.broker).or_default().push(Item {
            label: versioned(&m.name, m.version.as_deref()),
            package: Some(&m.package),
            detail: Vec::new(),
        });
    }
    by_broker
        .into_iter()
        .map(|(broker, clients)| {
            let mut merged: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
            for c in clients {
                merged.entry(c.label).or_default().extend(c.package);
            }
            let clients: Vec<String> = merged
                .into_iter()
                .map(|(label, packages)| {
                    if show {
                        let packages: Vec<&str> = packages.into_iter().collect();
                        format!("{label} in {}", packages.join(", "))
                    } else {
                        label
                    }
                })
                .collect();
            format!("{} ({})", broker_name(broker), clients.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Docker (Dockerfile), docker-compose (app, postgres, redis)`.
fn infrastructure(stack: &Stack) -> String {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for infra in &stack.infrastructure {
        let d = &infra.details;
        let facts: Vec<String> = match infra.name.as_str() {
            "docker" => vec![infra.file.clone()],
            "docker-compose" => d.services.clone(),
            "kubernetes" => d.resources.clone(),
            "helm" => d
                .app
                .iter()
                .map(|app| format!("chart {}", versioned(app, d.version.as_deref())))
                .collect(),
            "shuttle" => infra.package.iter().chain(&d.app).cloned().collect(),
            "procfile" | "render" => d.services.clone(),
            _ => d.app.iter().cloned().collect(),
        };
        let group = groups.entry(&infra.name).or_default();
        for fact in facts {
            if !group.contains(&fact) {
                group.push(fact);
            }
        }
    }
    groups
        .into_iter()
        .map(|(name, mut facts)| {
            if name == "docker-compose" {
                facts.sort();
            }
            const MAX: usize = 8;
            if facts.len() > MAX {
                let more = facts.len() - MAX;
                facts.truncate(MAX);
                facts.push(format!("{more} more"));
            }
            let name = infra_name(name);
            if facts.is_empty() {
                name.to_string()
            } else {
                format!("{name} ({})", facts.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Of an ORM's features, those a reader wants: the databases and the runtime.
fn notable_features(orm: &str, features: &[String]) -> Vec<String> {
    let info = catalog::lookup(orm);
    features
        .iter()
        .filter(|f| {
            f.starts_with("runtime-")
                || info.is_some_and(|i| !i.databases_for([f.as_str()]).is_empty())
        })
        .cloned()
        .collect()
}

/// The display name of a database id (`postgres` → `PostgreSQL`).
pub fn database_name(id: &str) -> &str {
    match id {
        "cassandra" => "Cassandra",
        "clickhouse" => "ClickHouse",
        "duckdb" => "DuckDB",
        "dynamodb" => "DynamoDB",
        "elasticsearch" => "Elasticsearch",
        "influxdb" => "InfluxDB",
        "mariadb" => "MariaDB",
        "meilisearch" => "Meilisearch",
        "memcached" => "Memcached",
        "mongodb" => "MongoDB",
        "mssql" => "SQL Server",
        "mysql" => "MySQL",
        "neo4j" => "Neo4j",
        "opensearch" => "OpenSearch",
        "postgres" => "PostgreSQL",
        "qdrant" => "Qdrant",
        "redis" => "Redis",
        "rocksdb" => "RocksDB",
        "scylladb" => "ScyllaDB",
        "sled" => "sled",
        "sqlite" => "SQLite",
        "surrealdb" => "SurrealDB",
        other => other,
    }
}

/// The display name of a broker id (`kafka` → `Kafka`).
pub fn broker_name(id: &str) -> &str {
    match id {
        "amqp" => "AMQP",
        "google-pubsub" => "Google Pub/Sub",
        "kafka" => "Kafka",
        "kinesis" => "Kinesis",
        "mqtt" => "MQTT",
        "nats" => "NATS",
        "pulsar" => "Pulsar",
        "rabbitmq" => "RabbitMQ",
        "sns" => "SNS",
        "sqs" => "SQS",
        "zeromq" => "ZeroMQ",
        other => other,
    }
}

fn infra_name(id: &str) -> &str {
    match id {
        "docker" => "Docker",
        "docker-compose" => "docker-compose",
        "fly" => "Fly.io",
        "helm" => "Helm",
        "kubernetes" => "Kubernetes",
        "procfile" => "Procfile",
        "railway" => "Railway",
        "render" => "Render",
        "shuttle" => "Shuttle",
        other => other,
    }
}
