//! Route extraction over the fixture workspaces of `tests/fixtures/routes/`:
//! one tiny workspace per framework and per construct (each with its own
//! `[workspace]` table), and broken inputs. The endpoint list of every
//! fixture is a snapshot; paths in it are relative to the fixture.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use specplan_core::Workspace;
use specplan_core::routes::{self, Endpoint, EndpointKind, RouteSet};
use specplan_core::source::walk_workspace;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/routes")
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/routes exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

fn extract_dir(dir: &Path) -> RouteSet {
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), dir).expect("the workspace loads");
    // `cargo metadata --no-deps --offline` accepts every fixture.
    assert!(
        ws.diagnostics.is_empty(),
        "{}: {:#?}",
        dir.display(),
        ws.diagnostics
    );
    let files = walk_workspace(&ws);
    routes::extract(&ws, &files)
}

fn extract(name: &str) -> RouteSet {
    extract_dir(&fixtures_dir().join(name))
}

/// The endpoint list as SPEC.md §5 shapes it, the unresolved notes, and the
/// problems met.
fn summary(set: &RouteSet) -> Value {
    json!({
        "endpoints": set.endpoints.iter().map(|e| json!({
            "method": e.method,
            "path": e.path,
            "handler": e.handler,
            "file": e.file,
            "line": e.line,
            "framework": e.framework,
            "implements": e.implements,
        })).collect::<Vec<_>>(),
        "unresolved": set.unresolved,
        "diagnostics": set.diagnostics.iter().map(|d| json!({
            "rule": d.rule,
            "file": d.file,
            "line": d.span.map(|s| s.line),
            "message": d.message,
        })).collect::<Vec<_>>(),
    })
}

fn ids(set: &RouteSet) -> Vec<String> {
    set.endpoints.iter().map(Endpoint::id).collect()
}

#[test]
fn routes_snapshot_every_fixture() {
    let all = fixtures();
    assert!(all.len() >= 18, "fixtures missing: {all:?}");
    for (name, dir) in all {
        let set = extract_dir(&dir);
        let text = serde_json::to_string_pretty(&summary(&set)).unwrap();
        insta::assert_snapshot!(name.clone(), text);
    }
}

#[test]
fn request_and_response_types_with_their_schemas() {
    let set = extract("types-serde");
    let mut doc = set.to_json();
    doc.as_object_mut().unwrap().remove("diagnostics");
    insta::assert_snapshot!(
        "types-serde-full",
        serde_json::to_string_pretty(&doc).unwrap()
    );
}

#[test]
fn nested_routers_from_other_crates_resolve() {
    let set = extract("axum-multi-crate");
    assert_eq!(
        ids(&set),
        [
            "GET /health",
            "GET /orders",
            "POST /orders",
            "GET /orders/{order_id}",
            "POST /orders/{order_id}/cancel",
            "GET /products/{sku}",
        ]
    );
    let cancel = &set.endpoints[4];
    assert_eq!(cancel.handler, "orders::handlers::write::cancel");
    assert_eq!(cancel.file, "crates/orders/src/http.rs");
    // `products` is the `catalog-service` package, renamed in the manifest.
    assert_eq!(set.endpoints[5].handler, "catalog::product");
    assert!(set.unresolved.is_empty(), "{:#?}", set.unresolved);
}

#[test]
fn broken_inputs_are_reported_never_invented() {
    let set = extract("broken-dynamic-path");
    assert_eq!(ids(&set), ["GET /books/{id}", "GET /known"]);
    assert_eq!(set.unresolved.len(), 2, "{:#?}", set.unresolved);
    assert!(set.unresolved.iter().all(|u| u.why.contains("run time")));
    assert!(
        set.unresolved[0]
            .why
            .contains("broken_dynamic_path::plugin")
    );

    let set = extract("broken-recursion");
    assert_eq!(ids(&set), ["GET /ping", "GET /pong", "GET /tree/leaf"]);
    assert!(
        set.unresolved
            .iter()
            .all(|u| u.why.contains("calls itself"))
    );
    assert_eq!(set.unresolved.len(), 2);

    let set = extract("broken-user-macro");
    assert_eq!(ids(&set), ["GET /health"]);
    let whats: Vec<&str> = set.unresolved.iter().map(|u| u.what.as_str()).collect();
    assert_eq!(whats, ["crud!(router, \"/books\", list)", "api_router!()"]);

    let set = extract("broken-parse-error");
    assert_eq!(ids(&set), ["GET /health", "GET /users"]);
    assert_eq!(set.diagnostics.len(), 1);
    assert_eq!(set.diagnostics[0].rule, "rust-parse-error");
    assert_eq!(set.diagnostics[0].file.as_deref(), Some("src/broken.rs"));
    assert!(set.unresolved[0].why.contains("does not parse"));
}

#[test]
fn routers_built_by_methods_and_dead_routers() {
    let set = extract("axum-impl-methods");
    assert_eq!(ids(&set), ["GET /api/admin/items", "GET /api/items"]);
    assert_eq!(set.endpoints[1].handler, "controllers::Api::list");
    // Never mounted, never named: reported, not listed.
    assert_eq!(set.unresolved.len(), 1);
    assert_eq!(set.unresolved[0].what, "controllers::legacy_router");
    assert!(
        set.unresolved[0]
            .why
            .contains("nothing in the workspace mounts it")
    );
}

#[test]
fn every_framework_gives_its_endpoints() {
    let cases: [(&str, &[&str]); 9] = [
        (
            "actix-web",
            &[
                "DELETE /api/v1/admin/books",
                "GET /api/v1/authors",
                "GET /api/v1/books",
                "POST /api/v1/books",
                "GET /api/v1/books/reviews",
                "GET /api/v1/books/{book_id}",
                "DELETE /api/v1/books/{book_id}",
                "GET /legacy/{id}",
                "PUT /legacy/{id}",
                "POST /login",
                "GET /ping",
                "GET /status",
                "HEAD /status",
                "GET /version",
            ],
        ),
        (
            "rocket",
            &[
                "GET /",
                "GET /api/posts",
                "POST /api/posts",
                "GET /api/posts/tags/{*path}",
                "GET /api/posts/{id}",
                "DELETE /api/posts/{id}",
                "GET /hello/{name}/{age}",
            ],
        ),
        (
            "poem-openapi",
            &[
                "POST /api/pets",
                "GET /api/pets/{id}",
                "GET /api/store/inventory",
                "ANY /health",
                "GET /hello/{name}",
            ],
        ),
        (
            "loco",
            &[
                "GET /api/auth/current",
                "POST /api/auth/login",
                "GET /api/notes",
                "POST /api/notes",
                "GET /api/notes/{id}",
                "DELETE /api/notes/{id}",
            ],
        ),
        (
            "warp",
            &[
                "ANY /hello/{name}",
                "GET /todos",
                "POST /todos",
                "DELETE /todos/{id}",
            ],
        ),
        (
            "utoipa-axum",
            &[
                "GET /api/v1/todos",
                "POST /api/v1/todos",
                "PUT /api/v1/todos/{id}",
                "DELETE /api/v1/todos/{id}",
                "GET /health",
            ],
        ),
        (
            "tonic-grpc",
            &[
                "POST /helloworld.Greeter/SayHello",
                "POST /helloworld.Greeter/StreamGreetings",
                "POST /shop.admin.v1.AdminService/GetHTTPStatus",
            ],
        ),
        (
            "async-graphql",
            &[
                "GET /graphql",
                "POST /graphql",
                "QUERY books",
                "QUERY currentUser",
                "MUTATION deleteBook",
                "MUTATION signIn",
            ],
        ),
        (
            "juniper",
            &[
                "POST /graphql",
                "QUERY apiVersion",
                "QUERY human",
                "MUTATION createHuman",
            ],
        ),
    ];
    for (name, want) in cases {
        let set = extract(name);
        assert_eq!(ids(&set), want, "{name}");
    }
    let grpc = extract("tonic-grpc");
    assert!(grpc.endpoints.iter().all(|e| e.kind == EndpointKind::Grpc));
    assert_eq!(grpc.endpoints[0].handler, "greeter::MyGreeter::say_hello");
}

/// The example backend: exactly the ten endpoints of its router
/// (`examples/storefront/src/routes.rs` and the handlers' routers).
#[test]
fn storefront_endpoints_match_its_router() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/storefront");
    let set = extract_dir(&dir);
    assert_eq!(
        ids(&set),
        [
            "POST /api/v1/auth/login",
            "POST /api/v1/auth/logout",
            "GET /api/v1/auth/me",
            "POST /api/v1/auth/register",
            "GET /api/v1/orders",
            "POST /api/v1/orders",
            "GET /api/v1/orders/{id}",
            "DELETE /api/v1/orders/{id}",
            "PATCH /api/v1/orders/{id}/status",
            "GET /health",
        ]
    );
    assert!(set.unresolved.is_empty(), "{:#?}", set.unresolved);
    assert!(set.diagnostics.is_empty(), "{:#?}", set.diagnostics);
    let handlers: Vec<&str> = set.endpoints.iter().map(|e| e.handler.as_str()).collect();
    assert_eq!(
        handlers,
        [
            "storefront::handlers::auth::login",
            "storefront::handlers::auth::logout",
            "storefront::handlers::auth::me",
            "storefront::handlers::auth::register",
            "storefront::handlers::orders::list_orders",
            "storefront::handlers::orders::create_order",
            "storefront::handlers::orders::get_order",
            "storefront::handlers::orders::delete_order",
            "storefront::handlers::orders::update_order_status",
            "storefront::handlers::health",
        ]
    );
    let register = &set.endpoints[3];
    let request = register.request.as_ref().unwrap();
    assert_eq!(
        (request.kind.as_str(), request.rust.as_str()),
        ("json", "RegisterRequest")
    );
    assert_eq!(register.response.as_ref().unwrap().rust, "UserResponse");
    assert!(register.extractors.iter().any(|x| x == "State<AppState>"));
    let get_order = &set.endpoints[6];
    assert_eq!(get_order.params[0].name, "id");
    assert_eq!(get_order.params[0].rust.as_deref(), Some("Uuid"));
    assert!(get_order.extractors.iter().any(|x| x == "AuthUser"));
    let list = &set.endpoints[4];
    assert_eq!(list.query.as_ref().unwrap().rust, "ListOrdersQuery");
    // serde's `rename_all = "camelCase"` and `#[serde(default)]`.
    let req = &set.schemas["RegisterRequest"];
    assert!(req["properties"].get("displayName").is_some(), "{req:#}");
    assert_eq!(req["required"], json!(["email", "password"]));
}

#[test]
fn json_document_has_the_spec_shape() {
    let set = extract("axum-modules");
    let doc = set.to_json();
    assert_eq!(doc["version"], 1);
    let first = &doc["endpoints"][0];
    for key in [
        "method",
        "path",
        "handler",
        "file",
        "line",
        "framework",
        "implements",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first:#}");
    }
    assert_eq!(first["framework"], "axum");
    assert!(doc["unresolved"].is_array());
}

/// The re-export shape that hung `routes` on zero-to-production: handlers
/// reached through three levels of `pub use …::*`, children that
/// `use super::*` back, and a fn named like its module.
#[test]
fn glob_reexport_chains_resolve_to_the_handlers() {
    let set = extract("actix-glob-reexports");
    let handlers: Vec<(String, &str)> = set
        .endpoints
        .iter()
        .map(|e| (e.id(), e.handler.as_str()))
        .collect();
    assert_eq!(
        handlers,
        [
            ("GET /".to_string(), "newsroom::routes::home::home"),
            (
                "GET /admin/digest".to_string(),
                "newsroom::routes::admin::digest::digest"
            ),
            (
                "GET /admin/password".to_string(),
                "newsroom::routes::admin::password::get::password_form"
            ),
            (
                "POST /admin/password".to_string(),
                "newsroom::routes::admin::password::post::change_password"
            ),
            (
                "GET /login".to_string(),
                "newsroom::routes::login::get::login_form"
            ),
            (
                "POST /login".to_string(),
                "newsroom::routes::login::post::login"
            ),
        ]
    );
}

/// A module graph built to be slow: 400 modules, each glob-importing three
/// others and its parent (cycles everywhere), a handler at the far end and
/// a name that exists nowhere. Resolution memoises per (module, name), so
/// this terminates and finds what exists.
#[test]
fn a_pathological_module_graph_terminates_and_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let n = 400;
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"maze\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\n\n[workspace]\n",
    )
    .unwrap();
    let mut lib = String::new();
    for i in 0..n {
        lib.push_str(&format!("pub mod m{i};\npub use m{i}::*;\n"));
        let mut m = format!(
            "pub use crate::m{}::*;\npub use crate::m{}::*;\npub use crate::m{}::*;\n#[allow(unused_imports)]\nuse super::*;\n",
            (i + 1) % n,
            (i * 7 + 3) % n,
            (i * 13 + 5) % n
        );
        if i == n - 1 {
            m.push_str("pub async fn far_away() -> &'static str { \"x\" }\n");
        }
        std::fs::write(dir.join(format!("src/m{i}.rs")), m).unwrap();
    }
    lib.push_str(
        "pub fn app() -> axum::Router {\n    axum::Router::new()\n        .route(\"/far\", axum::routing::get(m0::far_away))\n        .route(\"/nowhere\", axum::routing::get(m0::does_not_exist))\n}\n",
    );
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    let set = extract_dir(dir);
    let far = set
        .endpoints
        .iter()
        .find(|e| e.path == "/far")
        .expect("the handler behind the maze is found");
    assert_eq!(far.handler, format!("maze::m{}::far_away", n - 1));
    // The missing one is not invented as a workspace handler.
    assert!(
        set.endpoints
            .iter()
            .filter(|e| e.path == "/nowhere")
            .all(|e| !e.handler.starts_with("maze::m")),
        "{:#?}",
        set.endpoints
    );
}

/// Files reached while resolving are parsed as outlines; one is parsed
/// again, whole, only when a body the outline left out is called with
/// values (`paths::versioned("/users")`), and never otherwise.
#[test]
fn outlines_are_read_whole_only_when_a_left_out_body_is_called() {
    let set = extract("axum-helper-args");
    let ids: Vec<String> = set.endpoints.iter().map(|e| e.id()).collect();
    assert_eq!(ids, ["GET /health", "GET /users"], "{:#?}", set.unresolved);
    assert_eq!(set.parse_stats.reparsed, 1, "{:?}", set.parse_stats);
    assert_eq!(set.parse_stats.parsed, 3, "{:?}", set.parse_stats);
    // handlers.rs stays an outline: its bodies are never read.
    assert_eq!(set.parse_stats.outlines, 1, "{:?}", set.parse_stats);
    for name in [
        "axum-multi-crate",
        "axum-modules",
        "actix-glob-reexports",
        "rocket",
    ] {
        let set = extract(name);
        assert_eq!(set.parse_stats.reparsed, 0, "{name}: {:?}", set.parse_stats);
    }
}

/// Rocket mounts under a base path from configuration
/// (`[basepath, "/api"].concat()`, `basepath.to_owned() + "/identity"`,
/// `format!("{basepath}/admin")`), with route lists appended to an empty
/// `Vec`: every route is listed under the static part of its mount (never
/// at the root, never dropped), and each dynamic prefix is a note naming it.
#[test]
fn dynamic_mount_prefixes_keep_their_static_part() {
    let set = extract("rocket-dynamic-mount");
    let ids: Vec<String> = set.endpoints.iter().map(|e| e.id()).collect();
    assert_eq!(
        ids,
        [
            "GET /admin",
            "POST /api/accounts/prelogin",
            "GET /api/accounts/profile",
            "GET /api/alive",
            "DELETE /api/ciphers/{id}",
            "GET /api/sync",
            "POST /identity/connect/token",
        ],
        "{:#?}",
        set.unresolved
    );
    let notes: Vec<&str> = set.unresolved.iter().map(|u| u.why.as_str()).collect();
    assert_eq!(notes.len(), 3, "{notes:#?}");
    assert!(
        notes
            .iter()
            .all(|n| n.contains("a prefix known only at run time")),
        "{notes:#?}"
    );
    assert!(
        notes[0].contains("`basepath`") && notes[0].contains("under `/api`"),
        "{notes:#?}"
    );
}

/// actix-web: a method guard on a resource gives its routes that method
/// (they were `ANY`), and a scope whose configuring closure calls a
/// module's `fn routes(cfg: &mut ServiceConfig)` directly keeps its prefix
/// (the routes were listed at the root).
#[test]
fn actix_guards_and_configuring_closures() {
    let set = extract("actix-guards-configure");
    let ids: Vec<String> = set.endpoints.iter().map(|e| e.id()).collect();
    assert_eq!(
        ids,
        [
            "POST /",
            "POST /auth/login",
            "POST /auth/logout",
            "GET /favicon.ico",
            "GET /items",
            "POST /v2/login",
        ],
        "{:#?}",
        set.unresolved
    );
    assert!(set.unresolved.is_empty(), "{:#?}", set.unresolved);
}

/// Who may call each endpoint, as `access by: evidence` lines.
fn access(name: &str) -> Vec<String> {
    extract(name)
        .endpoints
        .iter()
        .map(|e| {
            format!(
                "{} {}: {:?} by {} — {}",
                e.method,
                e.path,
                e.auth.access,
                e.auth.by.as_deref().unwrap_or("-"),
                e.auth.reason()
            )
        })
        .collect()
}

#[test]
fn access_from_extractors_layers_and_handler_bodies_axum() {
    insta::assert_debug_snapshot!("auth-axum-access", access("auth-axum"));
}

#[test]
fn access_from_middleware_with_exemptions_actix() {
    insta::assert_debug_snapshot!("auth-actix-access", access("auth-actix"));
}

#[test]
fn access_from_request_guards_rocket() {
    insta::assert_debug_snapshot!("auth-rocket-access", access("auth-rocket"));
}

/// The errors each handler can answer with, as `status variant at via`.
#[test]
fn errors_per_handler_from_the_error_type_and_the_handlers_code() {
    let lines: Vec<String> = extract("errors-axum")
        .endpoints
        .iter()
        .map(|e| {
            let errors: Vec<String> = e
                .errors
                .iter()
                .map(|c| {
                    format!(
                        "{} {} at {}:{}{}",
                        c.status.map_or("?".to_string(), |s| s.to_string()),
                        c.variant,
                        c.file,
                        c.line,
                        c.via
                            .as_deref()
                            .map_or(String::new(), |v| format!(" ({v})"))
                    )
                })
                .collect();
            format!("{}: {}", e.id(), errors.join("; "))
        })
        .collect();
    insta::assert_debug_snapshot!("errors-axum-cases", lines);
}

/// Where the server listens: a literal `bind`, a tuple, rocket's default.
#[test]
fn the_port_the_server_binds() {
    let port = |name: &str| extract(name).listen.map(|l| (l.port, l.file, l.line));
    assert_eq!(
        port("auth-axum"),
        Some((Some(8080), "src/main.rs".into(), 30))
    );
    assert_eq!(
        port("auth-actix"),
        Some((Some(8080), "src/main.rs".into(), 29))
    );
    let rocket = extract("auth-rocket").listen.unwrap();
    assert_eq!(rocket.port, Some(8000));
    assert!(rocket.note.contains("Rocket's default"), "{}", rocket.note);
}
