use std::path::Path;

use super::*;
use crate::source::walk_workspace;

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn package(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}")
}

fn detect_in(dir: &Path) -> Stack {
    let ws = Workspace::load(None, dir).unwrap();
    assert!(ws.diagnostics.is_empty(), "{:?}", ws.diagnostics);
    let files = walk_workspace(&ws);
    detect(&ws, &files)
}

fn names<T>(items: &[T], f: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().map(f).collect()
}

#[test]
fn only_direct_normal_dependencies_count() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        package(
            "app",
            "[dependencies]\nweb = { package = \"axum\", version = \"0.8\" }\n\
             [target.'cfg(unix)'.dependencies]\naxum = \"0.8\"\n\
             [dev-dependencies]\nactix-web = \"4\"\n\
             [build-dependencies]\ntonic = \"0.12\"\n\
             [workspace]\n",
        ),
    );
    write(d, "src/main.rs", "fn main() {}\n");
    write(
        d,
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"axum\"\nversion = \"0.8.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
         [[package]]\nname = \"warp\"\nversion = \"0.3.7\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    let stack = detect_in(d);
    assert_eq!(
        names(&stack.frameworks, |f| format!(
            "{} {:?} {}",
            f.name, f.version, f.package
        )),
        ["axum Some(\"0.8.4\") app"]
    );
    assert_eq!(stack.api_styles, [ApiStyle::Rest]);
}

#[test]
fn databases_from_features_and_drivers() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        package(
            "app",
            "[dependencies]\nsqlx = { version = \"0.8\", features = [\"runtime-tokio\"] }\n\
             deadpool-redis = \"0.18\"\ntokio-postgres = \"0.7\"\n\
             [features]\ndefault = [\"pg\"]\npg = [\"sqlx/postgres\"]\n[workspace]\n",
        ),
    );
    write(d, "src/main.rs", "fn main() {}\n");
    let stack = detect_in(d);
    assert_eq!(
        names(&stack.databases, |d| format!("{} via {}", d.name, d.via)),
        [
            "postgres via sqlx",
            "postgres via tokio-postgres",
            "redis via deadpool-redis"
        ]
    );
    assert_eq!(names(&stack.orms, |o| o.name.clone()), ["sqlx"]);
    assert_eq!(stack.orms[0].features, ["postgres", "runtime-tokio"]);
    // A driver is not an ORM.
    assert!(stack.orms.iter().all(|o| o.name != "tokio-postgres"));
}

#[test]
fn hyper_only_without_a_higher_framework() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        "[workspace]\nmembers = [\"proxy\"]\nresolver = \"2\"\n",
    );
    write(
        d,
        "proxy/Cargo.toml",
        package("proxy", "[dependencies]\nhyper = \"1\"\n"),
    );
    write(d, "proxy/src/main.rs", "fn main() {}\n");
    let stack = detect_in(d);
    assert_eq!(names(&stack.frameworks, |f| f.name.clone()), ["hyper"]);

    write(
        d,
        "Cargo.toml",
        "[workspace]\nmembers = [\"proxy\", \"api\"]\nresolver = \"2\"\n",
    );
    write(
        d,
        "api/Cargo.toml",
        package("api", "[dependencies]\nhyper = \"1\"\naxum = \"0.8\"\n"),
    );
    write(d, "api/src/main.rs", "fn main() {}\n");
    let stack = detect_in(d);
    assert_eq!(names(&stack.frameworks, |f| f.name.clone()), ["axum"]);
}

#[test]
fn graphql_integration_reports_its_framework() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        package(
            "gql",
            "[dependencies]\naxum = \"0.8\"\nasync-graphql-axum = \"7\"\nasync-graphql = \"7.0.1\"\n[workspace]\n",
        ),
    );
    write(d, "src/main.rs", "fn main() {}\n");
    write(d, "schema.graphql", "type Query { hello: String }\n");
    let stack = detect_in(d);
    assert_eq!(
        names(&stack.frameworks, |f| format!(
            "{} {}",
            f.name,
            f.version.as_deref().unwrap_or("-")
        )),
        ["axum 0.8", "async-graphql 7.0.1"]
    );
    // axum only carries the GraphQL endpoint here.
    assert_eq!(stack.api_styles, [ApiStyle::Graphql]);
    assert_eq!(
        names(&stack.api_evidence, |e| e.evidence.clone()),
        ["async-graphql", "schema.graphql"]
    );
}

#[test]
fn protobuf_without_services_is_not_grpc() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Cargo.toml", package("app", "[workspace]\n"));
    write(d, "src/lib.rs", "");
    write(
        d,
        "proto/events.proto",
        "syntax = \"proto3\";\n// service Nope {}\nmessage Event {}\n",
    );
    assert!(detect_in(d).api_styles.is_empty());
    write(
        d,
        "proto/api.proto",
        "syntax = \"proto3\";\nservice Greeter {\n  rpc Hi (Event) returns (Event);\n}\n",
    );
    assert_eq!(detect_in(d).api_styles, [ApiStyle::Grpc]);
}

#[test]
fn nothing_to_find_is_fine() {
    // A virtual manifest without members.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Cargo.toml", "[workspace]\nresolver = \"2\"\n");
    let stack = detect_in(d);
    assert!(stack.packages.is_empty());
    assert!(stack.frameworks.is_empty() && stack.diagnostics.is_empty());
    assert_eq!(
        render_human(&stack, None),
        "Detected tech stack:\n- Language: Rust\n- Framework: none\n- Database: none\n- ORM: none\n\
         - Migrations: none\n- API Style: none\n- Infrastructure: none\n- Messaging: none\n- Auth: none\n"
    );

    // A package with no dependencies, and files that cannot be used.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Cargo.toml", package("app", "[workspace]\n"));
    write(d, "src/main.rs", "fn main() {}\n");
    write(d, "Dockerfile", b"FROM rust\n# caf\xe9\n");
    write(d, "docker-compose.yml", "services: [\n  {{{\n");
    write(d, "k8s/garbage.yaml", "apiVersion: v1\nkind: : :\n\t- x\n");
    write(d, "fly.toml", "app = [\n");
    write(d, "chart/Chart.yaml", "name: api\nversion: 0.1.0\n");
    write(
        d,
        "chart/templates/deploy.yaml",
        "apiVersion: v1\nkind: {{ .Values.kind }}\n",
    );
    let stack = detect_in(d);
    let diags = names(&stack.diagnostics, |d| {
        format!(
            "{} {} {}",
            d.rule,
            d.file.as_deref().unwrap_or("-"),
            d.span.map_or(0, |s| s.line)
        )
    });
    assert_eq!(
        diags,
        [
            "non-utf8-file Dockerfile 2",
            "invalid-yaml docker-compose.yml 3",
            "invalid-toml fly.toml 1",
            "invalid-yaml k8s/garbage.yaml 2",
        ]
    );
    assert!(
        stack
            .diagnostics
            .iter()
            .all(|d| d.level == crate::Level::Warning)
    );
    assert_eq!(names(&stack.infrastructure, |i| i.name.clone()), ["helm"]);
}

#[test]
fn renders_the_seed_block() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"1.80\"\n\
         [dependencies]\naxum = \"0.8\"\nsqlx = { version = \"0.8\", features = [\"runtime-tokio\", \"postgres\", \"migrate\"] }\n\
         redis = \"0.32\"\njsonwebtoken = \"9\"\nargon2 = \"0.5\"\n[workspace]\n",
    );
    write(d, "src/main.rs", "fn main() {}\n");
    write(
        d,
        "Cargo.lock",
        [
            ("axum", "0.8.4"),
            ("sqlx", "0.8.6"),
            ("redis", "0.32.5"),
            ("jsonwebtoken", "9.3.1"),
            ("argon2", "0.5.3"),
        ]
        .iter()
        .fold("version = 4\n".to_string(), |acc, (n, v)| {
            acc + &format!("\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\n")
        }),
    );
    write(d, "migrations/20240101000000_users.sql", "");
    write(d, "migrations/20240102000000_orders.sql", "");
    write(d, "Dockerfile", "FROM rust:1.80\nEXPOSE 8080\n");
    write(
        d,
        "docker-compose.yml",
        "services:\n  app:\n    build: .\n  postgres:\n    image: postgres:16\n  redis:\n    image: redis:7\n",
    );
    let stack = detect_in(d);
    assert_eq!(
        render_human(&stack, Some("Layered (handlers → services → repositories)")),
        "\
Detected tech stack:
- Language: Rust (edition 2021, rust-version 1.80)
- Framework: axum 0.8.4
- Database: PostgreSQL (sqlx), Redis (redis)
- ORM: sqlx 0.8.6 (postgres, runtime-tokio)
- Migrations: sqlx, 2 migrations in migrations/
- API Style: REST
- Architecture: Layered (handlers → services → repositories)
- Infrastructure: Docker (Dockerfile), docker-compose (app, postgres, redis)
- Messaging: none
- Auth: argon2 0.5.3, jsonwebtoken 9.3.1
"
    );
}

#[test]
fn renders_members_only_where_they_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        "[workspace]\nmembers = [\"api\", \"admin\", \"worker\"]\nresolver = \"2\"\n",
    );
    let common = "tokio = \"1\"\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n";
    write(
        d,
        "api/Cargo.toml",
        package(
            "api",
            &format!("[dependencies]\naxum = \"0.8.4\"\n{common}"),
        ),
    );
    write(
        d,
        "admin/Cargo.toml",
        package(
            "admin",
            &format!("[dependencies]\nactix-web = \"4.9.0\"\n{common}"),
        ),
    );
    write(
        d,
        "worker/Cargo.toml",
        package(
            "worker",
            &format!("[dependencies]\nlapin = \"2.5\"\n{common}"),
        ),
    );
    for m in ["api", "admin", "worker"] {
        write(d, &format!("{m}/src/main.rs"), "fn main() {}\n");
    }
    let stack = detect_in(d);
    let out = render_human(&stack, None);
    assert!(
        out.contains("- Framework: actix-web 4.9.0 (admin), axum 0.8.4 (api)\n"),
        "{out}"
    );
    // Every member uses sqlx with postgres and tokio: no suffix.
    assert!(out.contains("- Database: PostgreSQL (sqlx)\n"), "{out}");
    assert!(out.contains("- ORM: sqlx 0.8 (postgres)\n"), "{out}");
    assert!(
        out.contains("- Messaging: RabbitMQ (lapin 2.5 in worker)\n"),
        "{out}"
    );
    assert!(out.contains("- Other: tokio 1\n"), "{out}");
    assert!(out.contains("- Language: Rust (edition 2021)\n"), "{out}");
}

#[test]
fn a_member_named_like_a_known_crate_is_not_that_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"config\", \"metrics\"]\nresolver = \"2\"\n",
    );
    write(
        d,
        "app/Cargo.toml",
        package(
            "app",
            "[dependencies]\nconfig = { path = \"../config\" }\nmetrics = { path = \"../metrics\" }\n",
        ),
    );
    write(d, "app/src/main.rs", "fn main() {}\n");
    for m in ["config", "metrics"] {
        write(d, &format!("{m}/Cargo.toml"), package(m, ""));
        write(d, &format!("{m}/src/lib.rs"), "");
    }
    let stack = detect_in(d);
    assert!(stack.other.is_empty(), "{:?}", stack.other);
    assert_eq!(
        names(&stack.packages, |p| p.path.clone()),
        ["app", "config", "metrics"]
    );
}

#[test]
fn tonic_is_a_grpc_framework_only_where_it_serves() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // The OpenTelemetry exporter's transport, and a client of another
    // service: no server.
    write(
        d,
        "Cargo.toml",
        package(
            "app",
            "[dependencies]\naxum = \"0.8\"\ntonic = \"0.12\"\n[workspace]\n",
        ),
    );
    write(
        d,
        "src/main.rs",
        "fn main() { let _c = tonic::transport::Channel::from_static(\"http://[::1]:50051\"); }\n",
    );
    // A mock server in the tests does not make it a server.
    write(
        d,
        "src/tests.rs",
        "async fn mock() { tonic::transport::Server::builder().add_service(m()); }\n",
    );
    write(
        d,
        "src/lib.rs",
        "#[cfg(test)]\nmod t { async fn mock() { tonic::transport::Server::builder().add_service(m()); } }\n",
    );
    let stack = detect_in(d);
    assert_eq!(names(&stack.frameworks, |f| f.name.clone()), ["axum"]);
    assert_eq!(stack.api_styles, [ApiStyle::Rest]);
    // A server.
    write(
        d,
        "src/main.rs",
        "use tonic::transport::Server;\nasync fn serve() { Server::builder().add_service(svc()).serve(addr()).await; }\nfn main() {}\n",
    );
    let stack = detect_in(d);
    assert_eq!(
        names(&stack.frameworks, |f| f.name.clone()),
        ["axum", "tonic"]
    );
    assert!(
        stack.api_styles.contains(&ApiStyle::Grpc),
        "{:?}",
        stack.api_styles
    );
}
