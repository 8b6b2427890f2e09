//! Step 0.5: the domains the code is organised around, proposed from
//! evidence the code already holds.
//!
//! - route paths given to routers (`.route`, `.nest`, `web::scope`, `.mount`,
//!   `.at`…) and to route attributes (`#[get("/…")]`, `#[oai(path = "…")]`,
//!   `#[utoipa::path(…, path = "…")]`): their first meaningful segment, after
//!   `api`, versions, parameters and technical endpoints (`health`, `docs`…);
//! - modules below handler, route, controller, service, domain, model and
//!   repository folders (`src/handlers/orders.rs` → `orders`), and feature
//!   folders that hold layers of their own (`src/orders/handlers.rs`);
//! - member crates, without suffixes such as `-service` or `-api` and
//!   without the project's own name.
//!
//! Singular and plural forms (`order`/`orders`) and synonyms (`login`,
//! `session` → `auth`) are merged; the route form wins, then the most used.
//! There is always at least one domain: without evidence, the main crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use syn::visit::{self, Visit};

use crate::scan::layout::{Kind, LayerName, file_module_kind, kind_of, layer_of};
use crate::scan::{
    Imports, Prefilter, is_test_item, is_test_path, key_values, line_col, lit_str, parse_filtered,
    rust_sources,
};
use crate::source::Files;
use crate::workspace::Workspace;

/// A proposed domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    /// Lower-case slug: `auth`, `orders`, `user-profile`.
    pub name: String,
    /// The ID prefix: `AUTH`, `ORDERS`, `USERPROFILE`.
    pub prefix: String,
    /// Why it is proposed, strongest first: `route prefix /api/v1/auth
    /// (src/routes.rs:12)`, `module src/handlers/auth.rs`, `crate orders-service`.
    pub evidence: Vec<String>,
}

/// Checks a domain name given by a person (`--domain auth`).
pub fn validate_domain_name(s: &str) -> Result<(), String> {
    let Some(first) = s.chars().next() else {
        return Err("a domain name cannot be empty".to_string());
    };
    if !first.is_ascii_lowercase() {
        return Err(format!(
            "`{s}` is not a valid domain name: it must start with a lower-case letter"
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "`{s}` is not a valid domain name: `{bad}` is not allowed (use lower-case letters, digits and `-`)"
        ));
    }
    Ok(())
}

/// The ID prefix of a domain: upper-cased, non-alphanumerics removed
/// (`auth` → `AUTH`, `user-profile` → `USERPROFILE`).
pub fn prefix_for(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A valid domain name made from any text: `User_Profile` → `user-profile`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    match out.chars().next() {
        None => "app".to_string(),
        Some(c) if !c.is_ascii_lowercase() => format!("app-{out}"),
        _ => out,
    }
}

/// The proposal as `init` shows it.
pub fn render_human(domains: &[Domain]) -> String {
    let mut out = String::from("Proposed domains:\n");
    for d in domains {
        let shown: Vec<&str> = d.evidence.iter().take(3).map(String::as_str).collect();
        let more = d.evidence.len().saturating_sub(shown.len());
        let _ = write!(out, "- {} ({})", d.name, d.prefix);
        if !shown.is_empty() {
            let _ = write!(out, ": {}", shown.join("; "));
        }
        if more > 0 {
            let _ = write!(out, "; and {more} more");
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Evidence.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Route,
    Module,
    Crate,
}

#[derive(Debug, Clone)]
struct Evidence {
    /// The name as found, normalised (`order`, `orders`, `auth`).
    form: String,
    source: Source,
    /// Counts for a domain on its own (routes, handlers, services, crates).
    strong: bool,
    text: String,
    /// Sort key within a source: route prefixes first, then by place.
    at: (bool, String, usize),
}

/// Segments that name no domain: prefixes, versions, technical endpoints.
const GENERIC_SEGMENTS: &[&str] = &[
    "api",
    "apis",
    "rest",
    "v",
    "version",
    "versions",
    "health",
    "healthz",
    "healthcheck",
    "health-check",
    "metrics",
    "static",
    "assets",
    "public",
    "docs",
    "doc",
    "swagger",
    "swagger-ui",
    "openapi",
    "api-docs",
    "redoc",
    "rapidoc",
    "scalar",
    "ready",
    "readyz",
    "live",
    "livez",
    "liveness",
    "readiness",
    "ping",
    "status",
    "graphql",
    "graphiql",
    "playground",
    "ws",
    "websocket",
    "internal",
    "me",
    "search",
    "list",
    "new",
    "create",
    "update",
    "delete",
    "edit",
    "index",
    "home",
    "root",
    "favicon",
    "robots",
    "callback",
    "webhook",
    "hooks",
    "debug",
    "rpc",
    "grpc",
    "sse",
    "stream",
    "echo",
    "test",
    "hello",
    "info",
    "about",
    "config",
    "settings",
    "version-info",
    "build-info",
];

/// Folders that gather feature folders (`src/app/features/article/…`):
/// the domain is the folder inside, never the container.
const CONTAINERS: &[&str] = &[
    "features",
    "feature",
    "modules",
    "components",
    "contexts",
    "bounded-contexts",
    "slices",
    "verticals",
];

/// Module and crate names that name no domain.
const GENERIC_NAMES: &[&str] = &[
    "mod",
    "lib",
    "main",
    "common",
    "utils",
    "util",
    "helpers",
    "helper",
    "error",
    "errors",
    "health",
    "healthz",
    "healthcheck",
    "health-check",
    "home",
    "index",
    "prelude",
    "types",
    "type",
    "shared",
    "base",
    "middleware",
    "extractors",
    "extractor",
    "state",
    "config",
    "configuration",
    "settings",
    "dto",
    "dtos",
    "response",
    "responses",
    "request",
    "requests",
    "pagination",
    "pool",
    "tests",
    "test",
    "mock",
    "mocks",
    "fixtures",
    "traits",
    "macros",
    "cli",
    "xtask",
    "bench",
    "benches",
    "e2e",
    "integration",
    "migration",
    "migrations",
    "schema",
    "proto",
    "protos",
    "docs",
    "cargo",
    "server",
    "app",
    "application",
    "api",
    "core",
    "web",
    "http",
    "rest",
    "grpc",
    "gateway",
    "client",
    "sdk",
    "bin",
    "build",
    "support",
    "testing",
    "test-utils",
    "testutils",
    "telemetry",
    "metrics",
    "tracing",
    "logging",
    "startup",
    "routes",
    "router",
    "handlers",
    "openapi",
    "docs",
    "swagger",
    "index",
    "impls",
    "impl",
    "internal",
    "infra",
    "db",
    "database",
    "store",
    "storage",
    "postgres",
    "pg",
    "redis",
    "sqlite",
    "mysql",
    "memory",
    "in-memory",
    "cache",
    "json",
    "validation",
    "validators",
    "auth-middleware",
    "security",
    "jwt",
    "crypto",
    "hash",
    "password-hash",
    "time",
    "clock",
    "id",
    "ids",
    "uuid",
    "money",
    "email",
    "mail",
    "mailer",
];

/// Synonyms folded into one domain.
fn synonym(form: &str) -> &str {
    match form {
        "authentication" | "authn" | "authorization" | "authz" | "login" | "logout" | "signin"
        | "sign-in" | "signout" | "sign-out" | "signup" | "sign-up" | "register"
        | "registration" | "token" | "tokens" | "refresh" | "oauth" | "oauth2" | "sso"
        | "session" | "sessions" | "password" | "passwords" | "credentials" | "authenticate" => {
            "auth"
        }
        other => other,
    }
}

/// `/api/v1/auth/login` → `auth`; parameters and generic segments are skipped.
pub(crate) fn route_domain(path: &str) -> Option<String> {
    for raw in path.split('/') {
        let seg = raw.split(['?', '#']).next().unwrap_or("").trim();
        if seg.is_empty() {
            continue;
        }
        if seg.starts_with(['{', ':', '<', '*', '$']) || seg.ends_with(['}', '>']) {
            continue;
        }
        if seg.contains('.') {
            // `favicon.ico`, `openapi.json`: a file, not a resource.
            return None;
        }
        let norm = normalise(seg);
        if norm.is_empty() || is_version(&norm) || GENERIC_SEGMENTS.contains(&norm.as_str()) {
            continue;
        }
        if !norm.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            continue;
        }
        return Some(synonym(&norm).to_string());
    }
    None
}

fn normalise(s: &str) -> String {
    let lower: String = s
        .chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    lower.trim_matches('-').to_string()
}

/// `v1`, `v2`, `v10`, `2024-01-01`…
fn is_version(s: &str) -> bool {
    let digits = s.strip_prefix('v').unwrap_or(s);
    !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
}

/// The key under which singular and plural forms meet.
fn singular(s: &str) -> String {
    let (head, last) = match s.rsplit_once('-') {
        Some((h, l)) => (format!("{h}-"), l),
        None => (String::new(), s),
    };
    let one = if let Some(stem) = last.strip_suffix("ies").filter(|s| s.len() >= 2) {
        format!("{stem}y")
    } else if last.ends_with("sses")
        || last.ends_with("ches")
        || last.ends_with("shes")
        || last.ends_with("xes")
        || last.ends_with("zes")
    {
        last[..last.len() - 2].to_string()
    } else if last.len() > 3
        && last.ends_with('s')
        && !last.ends_with("ss")
        && !last.ends_with("us")
        && !last.ends_with("is")
    {
        last[..last.len() - 1].to_string()
    } else {
        last.to_string()
    };
    format!("{head}{one}")
}

/// Strips layer suffixes from a module name: `order_service` → `order`.
fn strip_layer_affixes(name: &str) -> String {
    let mut n = normalise(name);
    const SUFFIXES: &[&str] = &[
        "-service",
        "-services",
        "-svc",
        "-handler",
        "-handlers",
        "-controller",
        "-controllers",
        "-repository",
        "-repositories",
        "-repo",
        "-repos",
        "-routes",
        "-router",
        "-route",
        "-api",
        "-model",
        "-models",
        "-store",
        "-dao",
        "-entity",
        "-entities",
        "-usecase",
        "-usecases",
        "-use-case",
        "-use-cases",
        "-dto",
        "-dtos",
        "-resolver",
        "-resolvers",
        "-endpoint",
        "-endpoints",
        "-impl",
        "-port",
        "-adapter",
        "-query",
        "-queries",
        "-commands",
        "-command",
        "-events",
        "-event",
        "-aggregate",
        "-manager",
        "-provider",
        "-web",
        "-http",
        "-grpc",
        "-rest",
        "-core",
        "-domain",
        "-infra",
        "-lib",
        "-server",
        "-worker",
        "-client",
        "-types",
        "-db",
        "-persistence",
        "-app",
        "-application",
    ];
    const PREFIXES: &[&str] = &[
        "pg-",
        "postgres-",
        "sql-",
        "sqlx-",
        "redis-",
        "in-memory-",
        "mock-",
    ];
    loop {
        let before = n.clone();
        for s in SUFFIXES {
            if let Some(stem) = n.strip_suffix(s)
                && !stem.is_empty()
            {
                n = stem.to_string();
            }
        }
        for p in PREFIXES {
            if let Some(rest) = n.strip_prefix(p)
                && !rest.is_empty()
            {
                n = rest.to_string();
            }
        }
        if n == before {
            return n;
        }
    }
}

fn usable_name(n: &str) -> bool {
    // `open_api_utils`, `test_helpers`: a generic last word makes the
    // whole name generic.
    let last = n.rsplit('-').next().unwrap_or(n);
    let generic_tail = n.contains('-')
        && matches!(
            last,
            "utils" | "util" | "helpers" | "helper" | "common" | "types" | "macros" | "testing"
        );
    !n.is_empty()
        && n.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && !GENERIC_NAMES.contains(&n)
        && !generic_tail
        && !is_version(n)
        && kind_of(n).is_none()
}

/// Kinds of folders whose modules are named after domains.
fn domain_revealing(kind: Kind) -> bool {
    layer_of(kind).is_some() || matches!(kind, Kind::Dto | Kind::Events)
}

/// Kinds whose modules make a domain on their own.
fn strong_kind(kind: Kind) -> bool {
    use Kind::*;
    matches!(
        kind,
        Handlers
            | Controllers
            | Routes
            | Presentation
            | GraphQl
            | Grpc
            | Services
            | UseCases
            | Application
            | Domain
            | Aggregates
    )
}

// ---------------------------------------------------------------------------
// Routes, with syn.

struct RouteVisitor<'a> {
    rel: &'a str,
    imports: Imports,
    test_depth: usize,
    out: Vec<Evidence>,
}

impl RouteVisitor<'_> {
    fn add(&mut self, path: &str, prefix: bool, method: Option<&str>, span: proc_macro2::Span) {
        if self.test_depth > 0 {
            return;
        }
        let Some(form) = route_domain(path) else {
            return;
        };
        let (line, _) = line_col(span);
        let what = match (prefix, method) {
            (true, _) => "route prefix".to_string(),
            (false, Some(m)) => format!("route {}", m.to_ascii_uppercase()),
            (false, None) => "route".to_string(),
        };
        self.out.push(Evidence {
            form,
            source: Source::Route,
            strong: true,
            text: format!("{what} {path} ({}:{line})", self.rel),
            at: (!prefix, self.rel.to_string(), line),
        });
    }

    fn attribute(&mut self, a: &syn::Attribute) {
        let segs = crate::scan::path_segments(a.path());
        let Some(last) = segs.last().map(String::as_str) else {
            return;
        };
        let Ok(list) = a.meta.require_list() else {
            return;
        };
        const METHODS: &[&str] = &[
            "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
        ];
        let kv = key_values(&list.tokens);
        if METHODS.contains(&last) || last == "route" {
            // `#[get("/orders")]`: the path comes first.
            let first = list.tokens.clone().into_iter().next();
            if let Some(proc_macro2::TokenTree::Literal(l)) = first
                && let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string())
            {
                let method = if last == "route" {
                    kv.iter()
                        .find(|(k, _)| k == "method")
                        .and_then(|(_, v)| v.as_ref())
                        .and_then(lit_str)
                        .map(|(m, _)| m)
                } else {
                    Some(last.to_string())
                };
                self.add(&s.value(), false, method.as_deref(), l.span());
            }
            return;
        }
        // `#[oai(path = "/x", method = "get")]`, `#[utoipa::path(get, path = "/x")]`.
        if let Some((path, span)) = kv
            .iter()
            .find(|(k, _)| k == "path")
            .and_then(|(_, v)| v.as_ref())
            .and_then(lit_str)
        {
            if !path.starts_with('/') {
                return;
            }
            let method = kv
                .iter()
                .find(|(k, _)| k == "method")
                .and_then(|(_, v)| v.as_ref())
                .and_then(lit_str)
                .map(|(m, _)| m)
                .or_else(|| {
                    kv.iter()
                        .find(|(k, v)| v.is_none() && METHODS.contains(&k.as_str()))
                        .map(|(k, _)| k.clone())
                });
            self.add(&path, false, method.as_deref(), span);
        }
    }
}

impl<'ast> Visit<'ast> for RouteVisitor<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let name = m.method.to_string();
        let prefix = match name.as_str() {
            "nest" | "nest_service" | "mount" | "scope" | "prefix" | "with_path" => Some(true),
            "route" | "route_service" | "resource" | "at" => Some(false),
            _ => None,
        };
        if let (Some(prefix), Some(first)) = (prefix, m.args.first())
            && let Some((path, span)) = lit_str(first)
            && path.starts_with('/')
        {
            self.add(&path, prefix, None, span);
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            let segs = self.imports.resolve(&p.path);
            let s: Vec<&str> = segs.iter().map(String::as_str).collect();
            let prefix = match s[..] {
                [.., "web", "scope"] | [.., "Scope", "new"] => Some(true),
                [.., "web", "resource"] | [.., "Resource", "new"] => Some(false),
                ["warp", .., "path"] => Some(true),
                _ => None,
            };
            if let (Some(prefix), Some(first)) = (prefix, c.args.first())
                && let Some((path, span)) = lit_str(first)
            {
                let path = if path.starts_with('/') {
                    path
                } else {
                    format!("/{path}")
                };
                self.add(&path, prefix, None, span);
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Route calls inside `macro!(…)` bodies that are expressions.
        if mac.path.is_ident("macro_rules") {
            return;
        }
        if let Some(args) = crate::scan::macro_args(mac) {
            for a in &args {
                self.visit_expr(a);
            }
        }
    }

    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        self.attribute(a);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let test = is_test_item(&f.attrs);
        self.test_depth += usize::from(test);
        visit::visit_item_fn(self, f);
        self.test_depth -= usize::from(test);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = is_test_item(&m.attrs);
        self.test_depth += usize::from(test);
        visit::visit_item_mod(self, m);
        self.test_depth -= usize::from(test);
    }
}

fn route_evidence(ws: &Workspace, files: &Files) -> Vec<Evidence> {
    let filter = Prefilter::new(&[
        "route",
        "nest",
        "scope",
        "resource",
        "mount",
        ".at(",
        "#[get",
        "#[post",
        "#[put",
        "#[delete",
        "#[patch",
        "#[head",
        "#[options",
        "oai(",
        "path =",
        "prefix(",
        "with_path",
        "warp",
    ]);
    // Parse problems are reported by the environment scan, which reads the
    // same files; here they only mean less evidence.
    let mut ignored = Vec::new();
    let mut out = Vec::new();
    for f in rust_sources(ws, files) {
        if is_test_path(&f.rel) {
            continue;
        }
        let Some(p) = parse_filtered(f, &filter, &mut ignored) else {
            continue;
        };
        let mut v = RouteVisitor {
            rel: &f.rel,
            imports: Imports::of(&p.ast),
            test_depth: 0,
            out: Vec::new(),
        };
        v.visit_file(&p.ast);
        out.extend(v.out);
    }
    out
}

// ---------------------------------------------------------------------------
// Modules and crates.

fn module_evidence(ws: &Workspace, files: &Files) -> Vec<Evidence> {
    // Feature folders: those whose children are two layers or more.
    let mut feature_layers: BTreeMap<(String, String), BTreeSet<LayerName>> = BTreeMap::new();
    for f in rust_sources(ws, files) {
        let Some(pkg) = ws.package_of(&f.abs) else {
            continue;
        };
        let src = ws.relative(&pkg.root().join("src"));
        let Some(rest) = f.rel.strip_prefix(&format!("{src}/")) else {
            continue;
        };
        let comps: Vec<&str> = rest.split('/').collect();
        if comps.len() >= 2 {
            let child = comps[1].trim_end_matches(".rs");
            let kind = if comps.len() == 2 {
                file_module_kind(child)
            } else {
                kind_of(child)
            };
            if let Some(l) = kind.and_then(layer_of) {
                feature_layers
                    .entry((src.clone(), comps[0].to_string()))
                    .or_default()
                    .insert(l);
            }
        }
    }
    let mut out: BTreeMap<String, Evidence> = BTreeMap::new();
    for f in rust_sources(ws, files) {
        if is_test_path(&f.rel) {
            continue;
        }
        let Some(pkg) = ws.package_of(&f.abs) else {
            continue;
        };
        let src = ws.relative(&pkg.root().join("src"));
        let Some(rest) = f.rel.strip_prefix(&format!("{src}/")) else {
            continue;
        };
        let comps: Vec<&str> = rest.split('/').collect();
        let is_last = |i: usize| i + 1 == comps.len();
        let name_at = |i: usize| -> String {
            if is_last(i) {
                comps[i].trim_end_matches(".rs").to_string()
            } else {
                comps[i].to_string()
            }
        };
        let label_at = |i: usize| -> String {
            let p = format!("{src}/{}", comps[..=i].join("/"));
            if is_last(i) { p } else { format!("{p}/") }
        };
        // The first layer folder on the way.
        let layer = (0..comps.len().saturating_sub(1))
            .find(|&i| comps[i] != "core" && kind_of(comps[i]).is_some_and(domain_revealing));
        let found = match layer {
            Some(i) => {
                let kind = kind_of(comps[i]);
                let j = (i + 1..comps.len()).find(|&j| {
                    let n = normalise(&name_at(j));
                    !(is_version(&n) || kind_of(&n).is_some() || CONTAINERS.contains(&n.as_str()))
                });
                // Inside a technical folder (`drivers/middlewares/cors.rs`)
                // files name mechanisms, not domains.
                let technical = (i + 1..j.unwrap_or(comps.len())).any(|k| {
                    kind_of(&normalise(&name_at(k))).is_some_and(|kind| !domain_revealing(kind))
                });
                let j = j.filter(|_| !technical);
                // A file straight in a domain-model folder is a type
                // (`src/domain/subscriber_email.rs`), part of some domain;
                // a folder there (`src/domain/orders/`) is one.
                let model_file =
                    |j: usize| is_last(j) && matches!(kind, Some(Kind::Domain | Kind::Aggregates));
                j.map(|j| (j, kind.is_some_and(strong_kind) && !model_file(j)))
            }
            // Feature folders gathered in a container:
            // `src/features/orders/handlers.rs`.
            None if comps.len() >= 3 && CONTAINERS.contains(&normalise(comps[0]).as_str()) => {
                Some((1, true))
            }
            None => {
                // A feature folder holding layers: `src/orders/handlers.rs`.
                (comps.len() >= 2
                    && kind_of(comps[0]).is_none()
                    && !CONTAINERS.contains(&normalise(comps[0]).as_str())
                    && feature_layers
                        .get(&(src.clone(), comps[0].to_string()))
                        .is_some_and(|ls| ls.len() >= 2))
                .then_some((0, true))
            }
        };
        let Some((j, strong)) = found else { continue };
        let name = name_at(j);
        if name == "mod" {
            continue;
        }
        let form = strip_layer_affixes(&name);
        if !usable_name(&form) {
            continue;
        }
        let label = label_at(j);
        out.entry(label.clone()).or_insert(Evidence {
            form: synonym(&form).to_string(),
            source: Source::Module,
            strong,
            text: format!("module {label}"),
            at: (false, label, 0),
        });
    }
    out.into_values().collect()
}

/// Name tokens of the project itself (`specplan` in `specplan-core`,
/// `cargo-specplan`), which name no domain.
fn project_tokens(ws: &Workspace) -> BTreeSet<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in &ws.packages {
        let toks: BTreeSet<String> = p.name.split(['-', '_']).map(normalise).collect();
        for t in toks {
            *counts.entry(t).or_default() += 1;
        }
    }
    let mut out: BTreeSet<String> = counts
        .into_iter()
        .filter(|(_, n)| *n >= 2 && ws.packages.len() >= 2)
        .map(|(t, _)| t)
        .collect();
    if let Some(root) = ws.root.file_name() {
        out.extend(root.split(['-', '_']).map(normalise));
    }
    if let Some(main) = main_package(ws) {
        out.extend(main.split(['-', '_']).map(normalise));
    }
    out
}

/// The workspace's main crate: the root package, else the only binary, else
/// the only member.
fn main_package(ws: &Workspace) -> Option<&str> {
    if let Some(p) = ws.packages.iter().find(|p| p.root() == ws.root) {
        return Some(&p.name);
    }
    let bins: Vec<&str> = ws
        .packages
        .iter()
        .filter(|p| p.targets.iter().any(|t| t.kinds.iter().any(|k| k == "bin")))
        .map(|p| p.name.as_str())
        .collect();
    if let [one] = bins[..] {
        return Some(one);
    }
    match &ws.packages[..] {
        [one] => Some(&one.name),
        _ => None,
    }
}

/// `served`: routes or handler modules already make domains. Then a crate counts on its own
/// only when its name says it is a service (`billing-service`,
/// `catalog-api`); a plain library crate (`filter-parser`) joins a domain
/// its routes or modules make, and makes none by itself.
fn crate_evidence(ws: &Workspace, served: bool) -> Vec<Evidence> {
    let project = project_tokens(ws);
    let main = main_package(ws);
    let mut out = Vec::new();
    for p in &ws.packages {
        if Some(p.name.as_str()) == main {
            continue;
        }
        let stripped = strip_layer_affixes(&p.name);
        let toks: Vec<String> = stripped
            .split('-')
            .map(str::to_string)
            .filter(|t| !project.contains(t))
            .collect();
        let form = toks.join("-");
        if !usable_name(&form) {
            continue;
        }
        const SERVICE: &[&str] = &[
            "-service",
            "-services",
            "-svc",
            "-api",
            "-server",
            "-app",
            "-web",
            "-http",
            "-grpc",
            "-rest",
            "-backend",
        ];
        let service = SERVICE.iter().any(|s| normalise(&p.name).ends_with(s));
        out.push(Evidence {
            form: synonym(&form).to_string(),
            source: Source::Crate,
            strong: service || !served,
            text: format!("crate {}", p.name),
            at: (false, p.name.clone(), 0),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Merging and ranking.

/// Proposes the workspace's domains, most evidence first.
pub fn propose(ws: &Workspace, files: &Files) -> Vec<Domain> {
    let mut evidence = route_evidence(ws, files);
    // Where the code serves routes, a crate is a domain through them (or
    // its modules); a crate with neither is a library of the workspace
    // (meilisearch's `filter-parser`, `depth-checker`).
    evidence.extend(module_evidence(ws, files));
    let served = evidence.iter().any(|e| e.strong);
    evidence.extend(crate_evidence(ws, served));
    let mut domains = merge(evidence);
    if domains.is_empty() {
        let name = main_package(ws)
            .map(str::to_string)
            .or_else(|| ws.packages.first().map(|p| p.name.clone()))
            .or_else(|| ws.root.file_name().map(str::to_string))
            .unwrap_or_else(|| "app".to_string());
        let slug = slugify(&strip_cargo_prefix(&name));
        domains.push(Domain {
            prefix: prefix_for(&slug),
            evidence: vec![format!(
                "crate {name} (no routes or domain modules were found; one domain for the whole project)"
            )],
            name: slug,
        });
    }
    domains
}

/// How many domains are proposed at most: a person confirms each one, and a
/// backend with more feature areas than this names them with `--domain`.
pub const MAX_PROPOSED: usize = 12;

/// Keeps the [`MAX_PROPOSED`] domains with the most evidence (they come
/// ranked from [`propose`]) and says which were set aside, so that a router
/// of 2,000 one-off paths does not make 2,000 domains.
pub fn cap(domains: &mut Vec<Domain>) -> Option<crate::diag::Diagnostic> {
    if domains.len() <= MAX_PROPOSED {
        return None;
    }
    let rest = domains.split_off(MAX_PROPOSED);
    let mut named: Vec<&str> = rest.iter().take(10).map(|d| d.name.as_str()).collect();
    if rest.len() > named.len() {
        named.push("…");
    }
    Some(
        crate::diag::Diagnostic::new(
            "domains-capped",
            crate::diag::Level::Note,
            format!(
                "{} more domain candidates with less evidence were not proposed: {}",
                rest.len(),
                named.join(", ")
            ),
        )
        .with_help(
            "choose the domains yourself with `cargo specplan init --domain NAME` (repeatable)",
        ),
    )
}

fn strip_cargo_prefix(name: &str) -> String {
    name.strip_prefix("cargo-").unwrap_or(name).to_string()
}

fn merge(evidence: Vec<Evidence>) -> Vec<Domain> {
    let mut groups: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for e in evidence {
        groups.entry(singular(&e.form)).or_default().push(e);
    }
    let mut candidates: Vec<(Domain, bool)> = groups
        .into_values()
        .map(|mut evs| {
            // The route form wins, then the form used most, then the longer.
            let mut forms: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            for e in &evs {
                let c = forms.entry(e.form.as_str()).or_default();
                c.0 += usize::from(e.source == Source::Route);
                c.1 += 1;
            }
            let name = forms
                .iter()
                .max_by(|a, b| {
                    (a.1, a.0.len(), std::cmp::Reverse(a.0)).cmp(&(
                        b.1,
                        b.0.len(),
                        std::cmp::Reverse(b.0),
                    ))
                })
                .map(|(f, _)| slugify(f))
                .unwrap_or_default();
            let strong = evs.iter().any(|e| e.strong);
            evs.sort_by(|a, b| (a.source, &a.at, &a.text).cmp(&(b.source, &b.at, &b.text)));
            let mut seen = BTreeSet::new();
            let texts: Vec<String> = evs
                .into_iter()
                .filter(|e| seen.insert(e.text.clone()))
                .map(|e| e.text)
                .collect();
            (
                Domain {
                    prefix: prefix_for(&name),
                    name,
                    evidence: texts,
                },
                strong,
            )
        })
        .filter(|(d, _)| validate_domain_name(&d.name).is_ok())
        .collect();
    // Names only models, entities or repositories mention are parts of
    // other domains (a `user` model in `auth`); keep them only when nothing
    // better was found.
    if candidates.iter().any(|(_, strong)| *strong) {
        candidates.retain(|(_, strong)| *strong);
    }
    let mut out: Vec<Domain> = candidates.into_iter().map(|(d, _)| d).collect();
    // A module named after another domain and a word more, with no route
    // of its own (`routes/subscriptions_confirm.rs` beside the
    // `subscriptions` routes), is part of that domain.
    let names: Vec<String> = out.iter().map(|d| d.name.clone()).collect();
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (i, d) in out.iter().enumerate() {
        let modules_only = d.evidence.iter().all(|e| e.starts_with("module "));
        if !modules_only {
            continue;
        }
        if let Some(j) = names.iter().position(|n| {
            n != &d.name
                && d.name
                    .strip_prefix(n.as_str())
                    .is_some_and(|rest| rest.starts_with('-'))
        }) {
            folded.push((i, j));
        }
    }
    for &(i, j) in folded.iter().rev() {
        let moved = std::mem::take(&mut out[i].evidence);
        out[j].evidence.extend(moved);
    }
    out.retain(|d| !d.evidence.is_empty());
    // Two forms can meet in one slug after merging (`order` routes and an
    // `orders` crate): fold duplicates.
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|b, a| {
        if a.name == b.name {
            a.evidence.append(&mut b.evidence);
            true
        } else {
            false
        }
    });
    out.sort_by(|a, b| {
        b.evidence
            .len()
            .cmp(&a.evidence.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::testutil;

    fn names(ds: &[Domain]) -> Vec<&str> {
        ds.iter().map(|d| d.name.as_str()).collect()
    }

    fn domain<'a>(ds: &'a [Domain], name: &str) -> &'a Domain {
        ds.iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {ds:#?}"))
    }

    #[test]
    fn names_and_prefixes() {
        assert_eq!(prefix_for("auth"), "AUTH");
        assert_eq!(prefix_for("user-profile"), "USERPROFILE");
        assert!(validate_domain_name("auth").is_ok());
        assert!(validate_domain_name("orders-2").is_ok());
        assert!(validate_domain_name("").is_err());
        assert!(validate_domain_name("2fa").is_err());
        assert!(validate_domain_name("Auth").is_err());
        assert!(
            validate_domain_name("user_profile")
                .unwrap_err()
                .contains("`_`")
        );
        assert_eq!(slugify("User_Profile"), "user-profile");
        assert_eq!(slugify("2fa"), "app-2fa");
    }

    #[test]
    fn proposals_are_capped_and_the_rest_named() {
        let mut ds: Vec<Domain> = (0..2000)
            .map(|i| Domain {
                name: format!("r{i}"),
                prefix: format!("R{i}"),
                evidence: vec![format!("route GET /r{i} (src/main.rs:{i})")],
            })
            .collect();
        let note = cap(&mut ds).unwrap();
        assert_eq!(ds.len(), MAX_PROPOSED);
        assert_eq!(ds[0].name, "r0");
        assert!(
            note.message.starts_with("1988 more domain candidates"),
            "{}",
            note.message
        );
        assert!(note.message.ends_with(", …"), "{}", note.message);
        let mut few = ds[..3].to_vec();
        assert!(cap(&mut few).is_none());
        assert_eq!(few.len(), 3);
    }

    #[test]
    fn route_segments() {
        assert_eq!(route_domain("/api/v1/auth/login").as_deref(), Some("auth"));
        assert_eq!(
            route_domain("/api/v2/orders/{id}").as_deref(),
            Some("orders")
        );
        assert_eq!(
            route_domain("/{tenant}/invoices").as_deref(),
            Some("invoices")
        );
        assert_eq!(route_domain("/:id/items").as_deref(), Some("items"));
        assert_eq!(route_domain("/<id>/carts").as_deref(), Some("carts"));
        assert_eq!(route_domain("/login").as_deref(), Some("auth"));
        assert_eq!(
            route_domain("/user_profiles").as_deref(),
            Some("user-profiles")
        );
        for generic in [
            "/",
            "/health",
            "/healthz",
            "/metrics",
            "/api/docs",
            "/swagger-ui",
            "/openapi.json",
            "/api/v1",
            "/ready",
            "/live",
            "/static/app.js",
            "/{id}",
        ] {
            assert_eq!(route_domain(generic), None, "{generic}");
        }
    }

    #[test]
    fn singular_forms_meet() {
        for (a, b) in [
            ("orders", "order"),
            ("users", "user"),
            ("categories", "category"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("status", "status"),
            ("user-profiles", "user-profile"),
        ] {
            assert_eq!(singular(a), singular(b), "{a} / {b}");
        }
        assert_eq!(strip_layer_affixes("order_service"), "order");
        assert_eq!(strip_layer_affixes("pg_user_repository"), "user");
        assert_eq!(strip_layer_affixes("orders-service"), "orders");
    }

    /// zero-to-production: `routes/subscriptions_confirm.rs` beside the
    /// `/subscriptions` routes is part of `subscriptions`; `routes/home/`
    /// is the landing page.
    #[test]
    fn compound_modules_fold_into_their_domain() {
        let t = testutil::single(&[
            (
                "src/startup.rs",
                r#"
use actix_web::web;
pub fn run() {
    App::new()
        .route("/subscriptions", web::post().to(subscribe))
        .route("/subscriptions/confirm", web::get().to(confirm))
        .route("/", web::get().to(home));
}
"#,
            ),
            ("src/routes/mod.rs", ""),
            ("src/routes/subscriptions.rs", ""),
            ("src/routes/subscriptions_confirm.rs", ""),
            ("src/routes/home/mod.rs", ""),
        ]);
        let ds = propose(&t.ws, &t.files);
        assert_eq!(names(&ds), ["subscriptions"], "{ds:#?}");
        assert!(
            domain(&ds, "subscriptions")
                .evidence
                .iter()
                .any(|e| e.contains("subscriptions_confirm.rs")),
            "{ds:#?}"
        );
    }

    /// Clean architecture (`src/app/drivers/…`, `src/app/features/<f>/…`,
    /// as realworld-actix-diesel): the layering and container folders are
    /// no domains; the features inside are.
    #[test]
    fn layering_and_container_folders_are_not_domains() {
        let t = testutil::single(&[
            ("src/main.rs", "mod app;"),
            ("src/app/drivers/routes.rs", ""),
            ("src/app/drivers/middlewares/auth.rs", ""),
            ("src/app/drivers/middlewares/cors.rs", ""),
            ("src/app/features/healthcheck/controllers.rs", ""),
            ("src/app/features/article/controllers.rs", ""),
            ("src/app/features/article/usecases.rs", ""),
            ("src/app/features/article/repositories.rs", ""),
            ("src/app/features/comment/controllers.rs", ""),
            ("src/app/features/comment/repositories.rs", ""),
            ("src/modules/billing/handlers.rs", ""),
            ("src/modules/billing/service.rs", ""),
            ("src/domain/subscriber_email.rs", ""),
            ("src/routes/open_api_utils.rs", ""),
        ]);
        let ds = propose(&t.ws, &t.files);
        let got = names(&ds);
        for layer in [
            "app",
            "drivers",
            "features",
            "modules",
            "middlewares",
            "cors",
            "healthcheck",
        ] {
            assert!(!got.contains(&layer), "{layer} proposed: {got:?}");
        }
        for feature in ["article", "comment", "billing"] {
            assert!(
                got.iter().any(|n| n.trim_end_matches('s') == feature),
                "{feature} missing: {got:?}"
            );
        }
    }

    #[test]
    fn routes_modules_and_merging() {
        let t = testutil::single(&[
            (
                "src/routes.rs",
                r#"
use axum::{Router, routing::{get, post}};
pub fn app() -> Router {
    Router::new()
        .nest("/api/v1/orders", orders())
        .route("/api/v1/auth/login", post(login))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .nest("/api/v1/users", users())
}
#[cfg(test)]
mod tests {
    fn t() { Router::new().route("/api/v1/testonly", get(x)); }
}
"#,
            ),
            ("src/handlers/mod.rs", ""),
            ("src/handlers/orders.rs", ""),
            ("src/handlers/auth.rs", ""),
            ("src/handlers/health.rs", ""),
            ("src/services/order_service.rs", ""),
            ("src/repositories/order_repository.rs", ""),
            ("src/repositories/user_repository.rs", ""),
            ("src/repositories/session_store.rs", ""),
            ("src/models/order.rs", ""),
            ("src/models/payment.rs", ""),
            ("src/utils/mod.rs", ""),
        ]);
        let ds = propose(&t.ws, &t.files);
        // `order` (3 modules) and `orders` (a route and a handler) are one
        // domain, named as the route names it.
        assert_eq!(names(&ds), ["orders", "auth", "users"], "{ds:#?}");
        let orders = domain(&ds, "orders");
        assert_eq!(orders.prefix, "ORDERS");
        assert_eq!(
            orders.evidence,
            [
                "route prefix /api/v1/orders (src/routes.rs:5)",
                "module src/handlers/orders.rs",
                "module src/models/order.rs",
                "module src/repositories/order_repository.rs",
                "module src/services/order_service.rs",
            ]
        );
        let auth = domain(&ds, "auth");
        assert_eq!(
            auth.evidence,
            [
                "route /api/v1/auth/login (src/routes.rs:6)",
                "module src/handlers/auth.rs",
                "module src/repositories/session_store.rs",
            ]
        );
        // Models and repositories alone make no domain when routes do.
        assert!(!names(&ds).contains(&"payment"));
        assert!(!names(&ds).contains(&"testonly"));
    }

    #[test]
    fn attributes_scopes_and_crates() {
        let t = testutil::workspace(
            &[
                ("gateway", "shop-gateway"),
                ("services/billing", "billing-service"),
                ("services/catalog", "catalog-api"),
                ("common", "shop-common"),
                // A library crate of a workspace that serves routes: no
                // domain by itself.
                ("libs/parser", "filter-parser"),
            ],
            &[
                (
                    "gateway/src/main.rs",
                    r#"
use actix_web::{web, get, post, App};
#[get("/api/carts/{id}")]
async fn cart() {}
#[post("/v1/checkout")]
async fn checkout() {}
#[poem_openapi::OpenApi]
impl Api {
    #[oai(path = "/wishlists", method = "get")]
    async fn wish(&self) {}
}
#[utoipa::path(get, path = "/api/reviews/{id}")]
async fn review() {}
fn main() { App::new().service(web::scope("/api/shipping").service(web::resource("/rates"))); }
"#,
                ),
                ("services/billing/src/lib.rs", ""),
                ("services/catalog/src/lib.rs", ""),
                ("common/src/lib.rs", ""),
                ("libs/parser/src/lib.rs", ""),
            ],
        );
        let ds = propose(&t.ws, &t.files);
        let mut got = names(&ds);
        got.sort();
        assert_eq!(
            got,
            [
                "billing",
                "carts",
                "catalog",
                "checkout",
                "rates",
                "reviews",
                "shipping",
                "wishlists"
            ],
            "{ds:#?}"
        );
        assert_eq!(
            domain(&ds, "carts").evidence,
            ["route GET /api/carts/{id} (gateway/src/main.rs:3)"]
        );
        assert_eq!(
            domain(&ds, "wishlists").evidence,
            ["route GET /wishlists (gateway/src/main.rs:9)"]
        );
        assert_eq!(
            domain(&ds, "shipping").evidence,
            ["route prefix /api/shipping (gateway/src/main.rs:14)"]
        );
        assert_eq!(domain(&ds, "billing").evidence, ["crate billing-service"]);
    }

    #[test]
    fn weak_evidence_is_kept_when_there_is_nothing_else() {
        let t = testutil::single(&[("src/main.rs", ""), ("src/models/invoice.rs", "")]);
        let ds = propose(&t.ws, &t.files);
        assert_eq!(names(&ds), ["invoice"]);
        assert_eq!(ds[0].evidence, ["module src/models/invoice.rs"]);
    }

    #[test]
    fn nothing_found_gives_the_main_crate() {
        let t = testutil::workspace(&[("", "cargo-tool")], &[("src/main.rs", "fn main() {}")]);
        let ds = propose(&t.ws, &t.files);
        assert_eq!(names(&ds), ["tool"]);
        assert_eq!(ds[0].prefix, "TOOL");
        assert!(ds[0].evidence[0].starts_with("crate cargo-tool"));
        let text = render_human(&ds);
        assert!(
            text.starts_with("Proposed domains:\n- tool (TOOL): crate cargo-tool"),
            "{text}"
        );
    }

    #[test]
    fn a_file_that_does_not_parse_leaves_the_rest() {
        let t = testutil::single(&[
            (
                "src/broken.rs",
                "fn x( { Router::new().route(\"/api/nope\", get(h)) }",
            ),
            (
                "src/routes.rs",
                "fn r() { Router::new().route(\"/api/items\", get(h)); }",
            ),
        ]);
        let ds = propose(&t.ws, &t.files);
        assert_eq!(names(&ds), ["items"]);
    }

    #[test]
    fn storefront_domains() {
        let Some((ws, files)) = testutil::storefront() else {
            return;
        };
        let ds = propose(&ws, &files);
        let got = names(&ds);
        assert!(got.contains(&"auth"), "{ds:#?}");
        assert!(got.contains(&"orders"), "{ds:#?}");
    }
}
