//! Step 0: what the workspace is built with.
//!
//! [`detect`] reads what the workspace already says about itself and never
//! guesses beyond it:
//!
//! - the members' **direct, normal dependencies** (not dev- or build-only, not
//!   transitive: a crate that appears only in `Cargo.lock` is not used by the
//!   code), classified by the static [crate catalog](catalog::CATALOG) into
//!   frameworks, databases, ORMs, messaging, auth and the rest, with the
//!   version from `Cargo.lock` (else the requirement) and the member that
//!   depends on it;
//! - the databases an ORM's or pool's **features** select (`sqlx/postgres`,
//!   `sea-orm/sqlx-mysql`), and the database images of compose files;
//! - **files**: migrations, `.proto` services and GraphQL schemas, Dockerfiles,
//!   compose files, Kubernetes manifests, Helm charts, `fly.toml`, Shuttle,
//!   `Procfile`, `render.yaml`, Railway.
//!
//! Nothing here fails: a file that cannot be read or parsed becomes a
//! [`Diagnostic`] in [`Stack::diagnostics`] naming the file and the line, and
//! the rest is still detected. Every list is sorted, so the output is stable.

pub mod catalog;
mod infra;
mod migrations;
mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::diag::{self, Diagnostic};
use crate::source::{self, Files};
use crate::workspace::{Dependency, Package, Workspace};

pub use catalog::FrameworkKind;
use catalog::Role;
pub use infra::{ComposeFile, ComposeService, InfraDetails, Infrastructure};
pub use render::{broker_name, database_name, render_human};

/// The detected stack of a workspace (`detect --format json` → `"stack"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stack {
    /// Always `"rust"`.
    pub language: &'static str,
    /// Every member with its edition and `rust-version`, by name.
    pub packages: Vec<PackageInfo>,
    pub frameworks: Vec<Framework>,
    pub databases: Vec<Database>,
    pub orms: Vec<Orm>,
    pub migrations: Vec<Migrations>,
    /// `rest`, `graphql`, `grpc`, in that order.
    pub api_styles: Vec<ApiStyle>,
    /// Why each API style was detected.
    pub api_evidence: Vec<ApiEvidence>,
    pub infrastructure: Vec<Infrastructure>,
    /// Every service of every compose file, for `infrastructure.md`.
    pub compose: Vec<ComposeFile>,
    pub messaging: Vec<Messaging>,
    pub auth: Vec<Auth>,
    /// Runtime, observability, HTTP clients, OpenAPI, configuration…
    pub other: Vec<OtherCrate>,
    /// Files that could not be read or parsed; detection went on without them.
    pub diagnostics: Vec<Diagnostic>,
}

/// A workspace member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageInfo {
    pub name: String,
    pub version: String,
    pub edition: String,
    /// `rust-version`, as written (`1.80`, not `1.80.0`).
    pub rust_version: Option<String>,
    /// The member's directory, workspace-relative (`.` for the root).
    pub path: String,
}

/// A server framework a member depends on directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framework {
    /// As on crates.io (`axum`, `actix-web`), except `loco` for `loco-rs`;
    /// integration crates (`async-graphql-axum`) report their framework.
    pub name: String,
    /// From `Cargo.lock`, else the requirement.
    pub version: Option<String>,
    pub package: String,
    pub kind: FrameworkKind,
}

/// A database the workspace talks to, and what says so.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Database {
    /// `postgres`, `mysql`, `sqlite`, `mssql`, `mongodb`, `redis`, …
    pub name: String,
    /// The crate that talks to it (`sqlx`, `redis`), or `docker-compose`.
    pub via: String,
    /// The member depending on `via`; `None` for compose evidence.
    pub package: Option<String>,
    /// The compose file, for compose evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// An ORM or query layer (drivers such as `tokio-postgres` are only
/// [`Database`]s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Orm {
    pub name: String,
    pub version: Option<String>,
    pub package: String,
    /// Every feature the member can enable on it, sorted.
    pub features: Vec<String>,
}

/// A directory of migrations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Migrations {
    /// `sqlx`, `diesel`, `sea-orm`, `refinery`.
    pub tool: String,
    /// Workspace-relative directory (for sea-orm, the migration crate).
    pub path: String,
    /// How many migrations (an up/down pair is one).
    pub count: usize,
    /// The member whose directory holds them.
    pub package: Option<String>,
}

/// An API style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiStyle {
    Rest,
    Graphql,
    Grpc,
}

impl fmt::Display for ApiStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiStyle::Rest => "REST",
            ApiStyle::Graphql => "GraphQL",
            ApiStyle::Grpc => "gRPC",
        })
    }
}

/// Where an API style was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceSource {
    /// A framework a member depends on.
    Dependency,
    /// A `.proto` file declaring a service, or a GraphQL schema file.
    File,
}

/// One reason for an API style.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ApiEvidence {
    pub style: ApiStyle,
    pub source: EvidenceSource,
    /// The framework as reported, or the workspace-relative file.
    pub evidence: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

/// A message broker client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Messaging {
    pub name: String,
    pub version: Option<String>,
    pub package: String,
    /// `rabbitmq`, `kafka`, `nats`, `pulsar`, `sqs`, …
    pub broker: String,
}

/// An authentication or authorization crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Auth {
    pub name: String,
    pub version: Option<String>,
    pub package: String,
    /// `jwt`, `password-hashing`, `oauth`, `sessions`, …
    pub purpose: String,
}

/// Any other crate worth naming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherCrate {
    pub name: String,
    pub version: Option<String>,
    pub package: String,
    /// `runtime`, `observability`, `http-client`, `openapi`, …
    pub category: String,
}

/// Detects the stack of `ws`. `files` is [`source::walk_workspace`]`(ws)`,
/// computed once by the caller and shared with the other scanners; its own
/// walk diagnostics stay there and are not repeated here.
pub fn detect(ws: &Workspace, files: &Files) -> Stack {
    let mut stack = Stack {
        language: "rust",
        packages: ws
            .packages
            .iter()
            .map(|p| PackageInfo {
                name: p.name.clone(),
                version: p.version.clone(),
                edition: p.edition.clone(),
                rust_version: p.rust_version.as_deref().map(short_rust_version),
                path: ws.relative(p.root()),
            })
            .collect(),
        ..Stack::default()
    };

    let mut deps = DependencyScan::default();
    for pkg in &ws.packages {
        // A path dependency is the workspace's own code, even when it is
        // called `config` or `metrics`.
        for dep in pkg.runtime_dependencies().filter(|d| d.path.is_none()) {
            if let Some(info) = catalog::lookup(&dep.name) {
                deps.add(&mut stack, ws, pkg, dep, info);
            }
        }
    }
    deps.settle_frameworks(&mut stack);
    keep_grpc_servers(ws, files, &mut stack);
    api_files(files, &mut stack);

    let found = infra::scan(files);
    stack.infrastructure.extend(found.infrastructure);
    stack.compose = found.compose;
    stack.databases.extend(found.databases);
    stack.diagnostics.extend(found.diagnostics);

    let (migrations, diags) = migrations::scan(ws, files);
    stack.migrations = migrations;
    stack.diagnostics.extend(diags);

    finish(&mut stack);
    stack
}

/// `cargo metadata` spells `rust-version = "1.80"` as `1.80.0`; say it as
/// people write it.
fn short_rust_version(v: &str) -> String {
    match v.strip_suffix(".0") {
        Some(short) if short.matches('.').count() == 1 => short.to_string(),
        _ => v.to_string(),
    }
}

/// The members' dependencies, classified by the catalog. Everything but
/// frameworks goes straight into the [`Stack`]; frameworks wait until every
/// member is seen, because hyper counts only when nothing higher does.
#[derive(Default)]
struct DependencyScan {
    /// By `(reported name, package)`.
    frameworks: BTreeMap<(String, String), FoundFramework>,
    /// `(package, web framework)`: the framework carries a GraphQL
    /// integration in that package.
    carriers: BTreeSet<(String, String)>,
}

/// A framework found in a member, before low-level ones are filtered.
struct FoundFramework {
    framework: Framework,
    low_level: bool,
    /// Found through the framework's own crate, not an integration crate.
    exact: bool,
}

impl DependencyScan {
    fn add(
        &mut self,
        stack: &mut Stack,
        ws: &Workspace,
        pkg: &Package,
        dep: &Dependency,
        info: &'static catalog::CrateInfo,
    ) {
        let version = ws.version_of(dep);
        let package = pkg.name.clone();
        let name = info.report_as.to_string();
        let features = pkg.features_of(dep);
        for db in info.databases_for(features.iter().map(String::as_str)) {
            stack.databases.push(Database {
                name: db.to_string(),
                via: info.krate.to_string(),
                package: Some(package.clone()),
                file: None,
            });
        }
        match info.role {
            Role::Framework {
                kind,
                low_level,
                carrier,
            } => {
                if let Some(c) = carrier {
                    self.carriers.insert((package.clone(), c.to_string()));
                }
                let found = FoundFramework {
                    framework: Framework {
                        name: name.clone(),
                        version,
                        package: package.clone(),
                        kind,
                    },
                    low_level,
                    exact: info.krate == info.report_as,
                };
                // The framework's own crate gives the version, not an
                // integration crate.
                let key = (name, package);
                if self
                    .frameworks
                    .get(&key)
                    .is_none_or(|f| found.exact && !f.exact)
                {
                    self.frameworks.insert(key, found);
                }
            }
            Role::Driver(db) => stack.databases.push(Database {
                name: db.to_string(),
                via: info.krate.to_string(),
                package: Some(package),
                file: None,
            }),
            Role::Orm => stack.orms.push(Orm {
                name,
                version,
                package,
                features,
            }),
            Role::Pool => {}
            Role::Messaging(broker) => stack.messaging.push(Messaging {
                name,
                version,
                package,
                broker: broker.to_string(),
            }),
            Role::Auth(purpose) => stack.auth.push(Auth {
                name,
                version,
                package,
                purpose: purpose.to_string(),
            }),
            Role::Hosting(platform) => {
                let file = ws.relative(&pkg.manifest_path);
                let existing = stack.infrastructure.iter_mut().find(|i| {
                    i.name == platform && i.file == file && i.package.as_deref() == Some(&package)
                });
                match existing {
                    Some(i) => i.details.crates.push(info.krate.to_string()),
                    None => stack.infrastructure.push(Infrastructure {
                        name: platform.to_string(),
                        file,
                        package: Some(package),
                        details: InfraDetails {
                            crates: vec![info.krate.to_string()],
                            ..InfraDetails::default()
                        },
                    }),
                }
            }
            Role::Other(category) => stack.other.push(OtherCrate {
                name,
                version,
                package,
                category: category.to_string(),
            }),
        }
    }

    /// Settles the frameworks (hyper only when the workspace uses nothing
    /// higher) and the API styles they are evidence of.
    fn settle_frameworks(self, stack: &mut Stack) {
        let has_high = self.frameworks.values().any(|f| !f.low_level);
        stack.frameworks = self
            .frameworks
            .into_values()
            .filter(|f| !(has_high && f.low_level))
            .map(|f| f.framework)
            .collect();
        for f in &stack.frameworks {
            let style = match f.kind {
                // A web framework that only carries a GraphQL integration is
                // not by itself a REST API.
                FrameworkKind::Web
                    if self.carriers.contains(&(f.package.clone(), f.name.clone())) =>
                {
                    continue;
                }
                FrameworkKind::Web => ApiStyle::Rest,
                FrameworkKind::Graphql => ApiStyle::Graphql,
                FrameworkKind::Grpc => ApiStyle::Grpc,
            };
            stack.api_evidence.push(ApiEvidence {
                style,
                source: EvidenceSource::Dependency,
                evidence: f.name.clone(),
                package: Some(f.package.clone()),
            });
        }
    }
}

/// tonic is a gRPC framework only where a package serves with it: it is
/// also the client library of other services and of OpenTelemetry's OTLP
/// exporter. A package that depends on tonic and builds no server in its
/// code (no `Server::builder()`, no `.add_service(…)`, read with `syn`) is
/// a client: tonic is then neither its framework nor evidence of a gRPC API.
fn keep_grpc_servers(ws: &Workspace, files: &Files, stack: &mut Stack) {
    use syn::visit::{self, Visit};
    struct Serves(bool);
    impl<'ast> Visit<'ast> for Serves {
        // A server a test starts (a mock of another service) is not the
        // package serving.
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if !crate::scan::is_test_item(&f.attrs) {
                visit::visit_item_fn(self, f);
            }
        }
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            if !crate::scan::is_test_item(&m.attrs) {
                visit::visit_item_mod(self, m);
            }
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if matches!(
                m.method.to_string().as_str(),
                "add_service" | "add_optional_service"
            ) {
                self.0 = true;
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func
                && crate::scan::path_segments(&p.path)
                    .ends_with(&["Server".to_string(), "builder".to_string()])
            {
                self.0 = true;
            }
            visit::visit_expr_call(self, c);
        }
    }
    let clients: Vec<String> = stack
        .frameworks
        .iter()
        .filter(|f| f.kind == FrameworkKind::Grpc && f.name == "tonic")
        .map(|f| f.package.clone())
        .collect();
    if clients.is_empty() {
        return;
    }
    let filter =
        crate::scan::Prefilter::new(&["Server::builder", "add_service", "add_optional_service"]);
    let sources = crate::scan::rust_sources(ws, files);
    let mut ignored = Vec::new();
    for package in clients {
        let Some(pkg) = ws.packages.iter().find(|p| p.name == package) else {
            continue;
        };
        let serves = sources
            .iter()
            .filter(|f| f.abs.starts_with(pkg.root()))
            // `mod tests;` files and test folders are test code.
            .filter(|f| {
                let name = f.rel.rsplit('/').next().unwrap_or("");
                !crate::scan::is_test_path(&f.rel) && !matches!(name, "tests.rs" | "test.rs")
            })
            .filter_map(|f| crate::scan::parse_filtered(f, &filter, &mut ignored))
            .any(|p| {
                let mut v = Serves(false);
                v.visit_file(&p.ast);
                v.0
            });
        if !serves {
            stack
                .frameworks
                .retain(|f| !(f.package == package && f.name == "tonic"));
            stack.api_evidence.retain(|e| {
                !(e.source == EvidenceSource::Dependency
                    && e.evidence == "tonic"
                    && e.package.as_deref() == Some(package.as_str()))
            });
        }
    }
}

/// `.proto` files that declare a service are gRPC; GraphQL schema files are
/// GraphQL.
fn api_files(files: &Files, stack: &mut Stack) {
    for file in &files.files {
        let ext = file.rel.rsplit_once('.').map_or("", |(_, e)| e);
        let style = match ext.to_ascii_lowercase().as_str() {
            "graphql" | "graphqls" | "gql" => ApiStyle::Graphql,
            "proto" => match source::read_text(file) {
                Ok(text) if declares_service(&text) => ApiStyle::Grpc,
                Ok(_) => continue,
                Err(d) => {
                    stack.diagnostics.push(d);
                    continue;
                }
            },
            _ => continue,
        };
        stack.api_evidence.push(ApiEvidence {
            style,
            source: EvidenceSource::File,
            evidence: file.rel.clone(),
            package: None,
        });
    }
}

/// Whether a protobuf file declares an RPC `service` (a file of messages
/// only is plain protobuf, not gRPC).
fn declares_service(proto: &str) -> bool {
    proto.lines().any(|l| {
        let l = l.trim_start();
        l.strip_prefix("service")
            .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    })
}

/// Sorts and deduplicates every list, and derives the API styles.
fn finish(stack: &mut Stack) {
    let Stack {
        frameworks,
        databases,
        orms,
        migrations,
        api_styles,
        api_evidence,
        infrastructure,
        compose,
        messaging,
        auth,
        other,
        diagnostics,
        ..
    } = stack;
    frameworks.sort_by(|a, b| (a.kind, &a.name, &a.package).cmp(&(b.kind, &b.name, &b.package)));
    databases.sort();
    databases.dedup();
    orms.sort_by(|a, b| (&a.name, &a.package).cmp(&(&b.name, &b.package)));
    orms.dedup_by(|a, b| (&a.name, &a.package) == (&b.name, &b.package));
    migrations.sort();
    api_evidence.sort();
    api_evidence.dedup();
    *api_styles = api_evidence
        .iter()
        .map(|e| e.style)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    infrastructure
        .sort_by(|a, b| (&a.name, &a.file, &a.package).cmp(&(&b.name, &b.file, &b.package)));
    infrastructure
        .dedup_by(|a, b| (&a.name, &a.file, &a.package) == (&b.name, &b.file, &b.package));
    compose.sort_by(|a, b| a.file.cmp(&b.file));
    messaging
        .sort_by(|a, b| (&a.broker, &a.name, &a.package).cmp(&(&b.broker, &b.name, &b.package)));
    messaging.dedup_by(|a, b| (&a.name, &a.package) == (&b.name, &b.package));
    auth.sort_by(|a, b| (&a.name, &a.package).cmp(&(&b.name, &b.package)));
    auth.dedup_by(|a, b| (&a.name, &a.package) == (&b.name, &b.package));
    other.sort_by(|a, b| (&a.name, &a.package).cmp(&(&b.name, &b.package)));
    other.dedup_by(|a, b| (&a.name, &a.package) == (&b.name, &b.package));
    diag::sort(diagnostics);
}

#[cfg(test)]
mod tests;
