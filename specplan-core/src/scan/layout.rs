//! The workspace's folder layout and its architecture pattern, for
//! `architecture.md` and the `Architecture:` line of `detect`.
//!
//! Folders get a role from their name (`handlers/` → "Presentation (HTTP
//! handlers)"), a member crate from its name's suffix (`orders-domain`), and a
//! source folder with an unknown name from what its code does (routes and
//! extractors, or SQL queries). Modules written as single files
//! (`src/handlers.rs`) count as their layer too.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use syn::visit::{self, Visit};

use super::{Prefilter, parse_filtered, path_segments};
use crate::source::{Files, WalkedFile};
use crate::workspace::Workspace;

/// A folder (or a notable file) of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Folder {
    /// Workspace-relative, `/`-separated; `.` for the workspace root.
    pub path: String,
    /// The last path component (the root directory's name for the root).
    pub name: String,
    /// Number of path components (0 for the root).
    pub depth: usize,
    /// A notable file (`src/handlers.rs`, `src/main.rs`, `Dockerfile`), not a folder.
    pub is_file: bool,
    /// What the folder is for, e.g. "Presentation (HTTP handlers)".
    pub role: Option<String>,
    /// `.rs` files in this folder and in sub-folders not listed themselves.
    pub rs_files: usize,
    /// `.rs` files in this folder and all its sub-folders.
    pub rs_files_total: usize,
    /// The member crate the folder belongs to.
    pub package: Option<String>,
}

/// A layer of the architecture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// `Presentation`, `Application`, `Domain`, `Infrastructure` or `Ports`.
    pub name: String,
    /// What it holds, e.g. "HTTP handlers".
    pub role: String,
    /// Workspace-relative folders (with a trailing `/`), module files and crates.
    pub paths: Vec<String>,
}

/// The architecture pattern the folders follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Architecture {
    /// `layered`, `mvc`, `hexagonal`, `clean`, `ddd`, `modular` or `unknown`.
    pub pattern: String,
    /// In the order a request goes through them.
    pub layers: Vec<Layer>,
    /// Which folders led to the pattern.
    pub evidence: Vec<String>,
}

impl Architecture {
    /// A title for people: "Layered", "Hexagonal (ports and adapters)"…
    pub fn title(&self) -> &'static str {
        match self.pattern.as_str() {
            "layered" => "Layered",
            "mvc" => "MVC",
            "hexagonal" => "Hexagonal (ports and adapters)",
            "clean" => "Clean architecture",
            "ddd" => "Domain-driven design (DDD)",
            "modular" => "Modular",
            _ => "Not recognised",
        }
    }

    /// The layer a workspace-relative file belongs to (the layer whose path
    /// is the longest prefix of it).
    pub fn layer_for(&self, rel: &str) -> Option<&Layer> {
        self.layers
            .iter()
            .flat_map(|l| l.paths.iter().map(move |p| (l, p)))
            .filter(|(_, p)| match p.strip_suffix('/') {
                Some(".") => true,
                Some(dir) => rel.starts_with(p.as_str()) || rel == dir,
                None => {
                    rel == p.as_str()
                        || p.strip_suffix(".rs")
                            .is_some_and(|stem| rel.starts_with(&format!("{stem}/")))
                }
            })
            .max_by_key(|(_, p)| p.len())
            .map(|(l, _)| l)
    }
}

/// The value of the `Architecture:` line of `detect`, e.g.
/// "Layered (3 layers: handlers → services → repositories)".
pub fn render_architecture_line(a: &Architecture) -> String {
    if a.pattern == "unknown" {
        return "not recognised from the folder layout".to_string();
    }
    let names: Vec<String> = a
        .layers
        .iter()
        .map(|l| {
            // A folder names the layer best; a whole crate (`./`, `api/`)
            // only when nothing more specific is there.
            l.paths
                .iter()
                .map(|p| short_name(p))
                .find(|n| !n.is_empty() && n != ".")
                .unwrap_or_else(|| l.name.to_lowercase())
        })
        .collect();
    if names.is_empty() {
        return a.title().to_string();
    }
    format!(
        "{} ({} layers: {})",
        a.title(),
        names.len(),
        names.join(" → ")
    )
}

fn short_name(path: &str) -> String {
    let p = path.trim_end_matches('/');
    let last = p.rsplit('/').next().unwrap_or(p);
    last.trim_end_matches(".rs").to_string()
}

// ---------------------------------------------------------------------------
// What names mean.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    Handlers,
    Controllers,
    Routes,
    Presentation,
    GraphQl,
    Grpc,
    WebSocket,
    Extractors,
    Views,
    Services,
    UseCases,
    Application,
    Domain,
    Entities,
    Models,
    Aggregates,
    ValueObjects,
    Repositories,
    Db,
    Infrastructure,
    Adapters,
    Clients,
    Ports,
    Middleware,
    Config,
    Migrations,
    Schema,
    Tests,
    Benches,
    Examples,
    Proto,
    Bin,
    Dto,
    Errors,
    Utils,
    State,
    Events,
    Jobs,
    Telemetry,
    Startup,
    Deployment,
    Scripts,
    Docs,
    Static,
    Fixtures,
    Ci,
}

/// The kind a folder, module or crate-name suffix stands for.
pub(crate) fn kind_of(name: &str) -> Option<Kind> {
    use Kind::*;
    let n = name.to_ascii_lowercase().replace('-', "_");
    Some(match n.as_str() {
        "handlers" | "handler" | "endpoints" | "endpoint" | "api" | "apis" | "web" | "http"
        | "rest" | "delivery" | "transport" => Handlers,
        "controllers" | "controller" => Controllers,
        "routes" | "route" | "router" | "routers" | "routing" => Routes,
        "presentation" | "interfaces" | "interface" | "inbound" => Presentation,
        "graphql" | "gql" | "resolvers" => GraphQl,
        "grpc" | "rpc" => Grpc,
        "websocket" | "websockets" | "ws" => WebSocket,
        "extractors" | "extractor" => Extractors,
        "views" | "view" | "templates" | "pages" => Views,
        "services" | "service" | "logic" | "business" => Services,
        "usecases" | "use_cases" | "usecase" | "use_case" | "interactors" => UseCases,
        "application" | "app" => Application,
        "domain" | "domains" | "core" => Domain,
        "entities" | "entity" => Entities,
        "models" | "model" => Models,
        "aggregates" | "aggregate" => Aggregates,
        "value_objects" | "valueobjects" | "values" => ValueObjects,
        "repositories" | "repository" | "repos" | "repo" | "dao" | "daos" | "store" | "stores"
        | "storage" => Repositories,
        "db" | "database" | "persistence" => Db,
        "infrastructure" | "infra" => Infrastructure,
        // Clean architecture's outer ring ("frameworks and drivers").
        "adapters" | "adapter" | "outbound" | "drivers" | "driver" | "driven" => Adapters,
        "clients" | "client" | "integrations" | "external" | "gateways" => Clients,
        "ports" | "port" => Ports,
        "middleware" | "middlewares" | "layers" => Middleware,
        "config" | "configuration" | "settings" | "conf" => Config,
        "migrations" | "migration" | "migrate" => Migrations,
        "schema" => Schema,
        "tests" | "test" | "integration" | "e2e" | "it" => Tests,
        "benches" | "bench" | "benchmarks" => Benches,
        "examples" => Examples,
        "proto" | "protos" | "protobuf" => Proto,
        "bin" => Bin,
        "dto" | "dtos" | "requests" | "responses" | "payloads" | "request" | "response" => Dto,
        "error" | "errors" => Errors,
        "utils" | "util" | "helpers" | "helper" | "common" | "shared" => Utils,
        "state" => State,
        "events" | "event" => Events,
        "jobs" | "job" | "workers" | "worker" | "tasks" | "scheduler" | "consumers"
        | "consumer" | "messaging" | "queue" => Jobs,
        "telemetry" | "observability" | "tracing" | "metrics" | "logging" => Telemetry,
        "startup" | "server" | "bootstrap" => Startup,
        "docker" | "deploy" | "deployment" | "deployments" | "k8s" | "kubernetes" | "helm"
        | "charts" | "terraform" | "ops" => Deployment,
        "scripts" => Scripts,
        "docs" | "doc" => Docs,
        "static" | "assets" | "public" => Static,
        "fixtures" | "testdata" => Fixtures,
        ".github" => Ci,
        _ => return None,
    })
}

pub(crate) fn role(kind: Kind) -> &'static str {
    use Kind::*;
    match kind {
        Handlers => "Presentation (HTTP handlers)",
        Controllers => "Presentation (HTTP controllers)",
        Routes => "Presentation (routing)",
        Presentation => "Presentation",
        GraphQl => "Presentation (GraphQL)",
        Grpc => "Presentation (gRPC)",
        WebSocket => "Presentation (WebSocket)",
        Extractors => "Presentation (request extractors)",
        Views => "Presentation (views and templates)",
        Services => "Application (business logic)",
        UseCases => "Application (use cases)",
        Application => "Application (business logic)",
        Domain => "Domain (entities and rules)",
        Entities => "Domain (entities)",
        Models => "Domain (models)",
        Aggregates => "Domain (aggregates)",
        ValueObjects => "Domain (value objects)",
        Repositories => "Infrastructure (persistence)",
        Db => "Infrastructure (persistence)",
        Infrastructure => "Infrastructure",
        Adapters => "Infrastructure (adapters)",
        Clients => "Infrastructure (external services)",
        Ports => "Ports (interfaces)",
        Middleware => "Middleware",
        Config => "Configuration",
        Migrations => "Database migrations",
        Schema => "Database schema",
        Tests => "Tests",
        Benches => "Benchmarks",
        Examples => "Examples",
        Proto => "Protocol Buffers definitions",
        Bin => "Binaries (entry points)",
        Dto => "DTOs (request/response types)",
        Errors => "Error types",
        Utils => "Utilities",
        State => "Application state",
        Events => "Events",
        Jobs => "Background jobs and messaging",
        Telemetry => "Telemetry",
        Startup => "Startup (server wiring)",
        Deployment => "Deployment",
        Scripts => "Scripts",
        Docs => "Documentation",
        Static => "Static assets",
        Fixtures => "Test fixtures",
        Ci => "CI workflows",
    }
}

/// The four layers (and the ports of a hexagon), in request order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum LayerName {
    Presentation,
    Application,
    Ports,
    Domain,
    Infrastructure,
}

impl LayerName {
    fn as_str(self) -> &'static str {
        match self {
            LayerName::Presentation => "Presentation",
            LayerName::Application => "Application",
            LayerName::Ports => "Ports",
            LayerName::Domain => "Domain",
            LayerName::Infrastructure => "Infrastructure",
        }
    }
}

pub(crate) fn layer_of(kind: Kind) -> Option<LayerName> {
    use Kind::*;
    Some(match kind {
        Handlers | Controllers | Routes | Presentation | GraphQl | Grpc | WebSocket | Views => {
            LayerName::Presentation
        }
        Services | UseCases | Application => LayerName::Application,
        Domain | Entities | Models | Aggregates | ValueObjects => LayerName::Domain,
        Repositories | Db | Infrastructure | Adapters | Clients => LayerName::Infrastructure,
        Ports => LayerName::Ports,
        _ => return None,
    })
}

/// The kind a module written as a single file stands for. Only names that
/// are layers wherever they appear count: `http.rs` is as often a client as a
/// server, `templates.rs` or `core.rs` anything at all.
pub(crate) fn file_module_kind(stem: &str) -> Option<Kind> {
    let n = stem.to_ascii_lowercase();
    if matches!(
        n.as_str(),
        "core"
            | "domains"
            | "templates"
            | "views"
            | "view"
            | "pages"
            | "app"
            | "application"
            | "http"
            | "web"
            | "rest"
            | "transport"
            | "delivery"
            | "interface"
            | "interfaces"
            | "client"
            | "clients"
            | "external"
            | "values"
            | "logic"
            | "business"
            | "storage"
            | "store"
            | "stores"
    ) {
        return None;
    }
    kind_of(&n).filter(|k| layer_of(*k).is_some())
}

/// Kinds whose folders hold no Rust code worth listing below them.
fn collapsed(kind: Kind) -> bool {
    use Kind::*;
    matches!(
        kind,
        Migrations | Proto | Deployment | Scripts | Docs | Static | Fixtures | Ci | Views
    )
}

/// The kind a member crate's name suggests: `orders-domain` → Domain.
fn crate_kind(name: &str) -> Option<Kind> {
    let last = name.rsplit(['-', '_']).next()?;
    if last == name {
        return None;
    }
    if matches!(last, "core" | "app" | "common" | "shared") {
        // `foo-core` is the heart of any project, not a domain layer.
        return None;
    }
    let kind = kind_of(last)?;
    layer_of(kind).is_some().then_some(kind).or(match kind {
        Kind::Startup => Some(Kind::Handlers),
        _ => None,
    })
}

// ---------------------------------------------------------------------------
// The members and where their sources are.

struct Member<'a> {
    name: &'a str,
    /// Workspace-relative root, `""` for the workspace root.
    root: String,
    /// Workspace-relative source root (`src`, `crates/api/src`).
    src: String,
    kind: &'static str,
}

fn members(ws: &Workspace) -> Vec<Member<'_>> {
    let mut out: Vec<Member> = ws
        .packages
        .iter()
        .map(|p| {
            let root = rel_dir(ws, p.root());
            let src_abs = p.root().join("src");
            let src = if ws.jail.is_dir(src_abs.as_std_path()) {
                rel_dir(ws, &src_abs)
            } else {
                p.targets
                    .iter()
                    .find(|t| t.kinds.iter().any(|k| k == "lib" || k == "bin"))
                    .and_then(|t| t.src_path.parent())
                    .map(|d| rel_dir(ws, d))
                    .unwrap_or_else(|| join(&root, "src"))
            };
            let kinds: BTreeSet<&str> = p
                .targets
                .iter()
                .flat_map(|t| t.kinds.iter().map(String::as_str))
                .collect();
            let kind = if kinds.contains("proc-macro") {
                "Crate (proc-macro)"
            } else if kinds.contains("bin") && kinds.contains("lib") {
                "Crate (library and binary)"
            } else if kinds.contains("bin") {
                "Crate (binary)"
            } else {
                "Crate (library)"
            };
            Member {
                name: &p.name,
                root,
                src,
                kind,
            }
        })
        .collect();
    out.sort_by(|a, b| a.root.cmp(&b.root));
    out
}

fn rel_dir(ws: &Workspace, abs: &camino::Utf8Path) -> String {
    let r = ws.relative(abs);
    if r == "." { String::new() } else { r }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Whether `path` is `dir` or inside it (`dir` `""` holds everything).
fn within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

/// The path components of `path` below `dir`.
fn below<'p>(path: &'p str, dir: &str) -> Vec<&'p str> {
    let rest = if dir.is_empty() {
        path
    } else {
        path.get(dir.len() + 1..).unwrap_or("")
    };
    rest.split('/').filter(|s| !s.is_empty()).collect()
}

/// The member that owns a workspace-relative path (the deepest root).
fn member_of<'m, 'a>(members: &'m [Member<'a>], rel: &str) -> Option<&'m Member<'a>> {
    members
        .iter()
        .filter(|m| within(rel, &m.root))
        .max_by_key(|m| m.root.len())
}

const MAX_SRC_DEPTH: usize = 4;
const MAX_OTHER_DEPTH: usize = 2;

/// The folder a `.rs` file's folder is shown as: itself, or its ancestor at
/// the depth limit.
fn capped(member: &Member, dir: &str) -> String {
    let (base, max) = if within(dir, &member.src) {
        (member.src.as_str(), MAX_SRC_DEPTH)
    } else {
        (member.root.as_str(), MAX_OTHER_DEPTH)
    };
    let parts = below(dir, base);
    if parts.len() <= max {
        return dir.to_string();
    }
    let mut out = base.to_string();
    for p in &parts[..max] {
        out = join(&out, p);
    }
    out
}

fn is_hidden(rel: &str) -> bool {
    rel.split('/')
        .any(|c| c.starts_with('.') && c != ".github" && c != "." && c != "..")
}

/// Files worth naming in the tree although they are not folders.
fn notable_file(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("dockerfile") || lower.ends_with(".dockerfile") {
        return Some("Container image");
    }
    if (lower.contains("compose") && (lower.ends_with(".yml") || lower.ends_with(".yaml")))
        || lower == "compose.yml"
    {
        return Some("Local services (Docker Compose)");
    }
    None
}

/// Non-Rust files that make their folder worth listing.
fn special_dir_role(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".proto") {
        Some("Protocol Buffers definitions")
    } else if lower.ends_with(".sql") {
        Some("SQL")
    } else if lower.ends_with(".graphql") || lower.ends_with(".gql") {
        Some("GraphQL schema")
    } else {
        notable_file(name).map(|_| "Container build")
    }
}

// ---------------------------------------------------------------------------
// The folder tree.

#[derive(Default)]
struct Node {
    is_file: bool,
    role: Option<String>,
    rs_files: usize,
    package: Option<String>,
}

/// The folders that matter, in tree order (a parent before its children,
/// folders before files, by name).
pub fn folder_tree(ws: &Workspace, files: &Files) -> Vec<Folder> {
    let members = members(ws);
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    nodes.insert(String::new(), Node::default());

    for m in &members {
        let node = nodes.entry(m.root.clone()).or_default();
        node.package = Some(m.name.to_string());
        if !m.root.is_empty() {
            node.role = Some(
                crate_kind(m.name)
                    .map(|k| format!("{} — {}", m.kind, role(k)))
                    .unwrap_or_else(|| m.kind.to_string()),
            );
        }
    }

    // Folders that hold Rust code of a member, at any depth.
    let mut rs_dirs: BTreeSet<&str> = BTreeSet::new();
    for f in files.files.iter().filter(|f| f.rel.ends_with(".rs")) {
        if member_of(&members, &f.rel).is_none() {
            continue;
        }
        let mut d = parent(&f.rel);
        while !d.is_empty() && rs_dirs.insert(d) {
            d = parent(d);
        }
    }

    let mut unnamed_code_dirs: BTreeSet<String> = BTreeSet::new();
    for f in &files.files {
        let rel = f.rel.as_str();
        if is_hidden(rel) {
            continue;
        }
        let dir = parent(rel);
        let name = file_name(rel);
        let member = member_of(&members, rel).filter(|_| rel.ends_with(".rs"));
        if let Some(m) = member {
            // Counted in every ancestor.
            let mut d = dir;
            loop {
                *totals.entry(d.to_string()).or_default() += 1;
                if d.is_empty() {
                    break;
                }
                d = parent(d);
            }
            let shown = capped(m, dir);
            let node = nodes.entry(shown.clone()).or_default();
            node.rs_files += 1;
            if within(&shown, &m.src) && shown != m.src {
                let base = file_name(&shown);
                if kind_of(base).is_none() {
                    unnamed_code_dirs.insert(shown.clone());
                }
            }
            // Module files that are layers, and the crate's roots.
            let stem = name.trim_end_matches(".rs");
            let file_role = if dir == m.src && (stem == "main" || stem == "lib") {
                Some(if stem == "main" {
                    "Entry point"
                } else {
                    "Library root"
                })
            } else if dir == m.root && stem == "build" {
                Some("Build script")
            } else if dir == m.src {
                file_module_kind(stem)
                    .or_else(|| {
                        kind_of(stem).filter(|k| {
                            matches!(
                                k,
                                Kind::Config
                                    | Kind::Errors
                                    | Kind::State
                                    | Kind::Middleware
                                    | Kind::Schema
                                    | Kind::Startup
                                    | Kind::Telemetry
                                    | Kind::Dto
                                    | Kind::Extractors
                            )
                        })
                    })
                    .map(role)
            } else {
                None
            };
            if let Some(r) = file_role {
                let n = nodes.entry(rel.to_string()).or_default();
                n.is_file = true;
                n.role = Some(r.to_string());
            }
            continue;
        }
        // Non-Rust files: under a recognised folder (migrations/, docs/…),
        // or notable themselves.
        let comps: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        let mut shown = None;
        let mut acc = String::new();
        for c in &comps {
            acc = join(&acc, c);
            if let Some(k) = kind_of(c) {
                let code_dir = rs_dirs.contains(acc.as_str());
                if collapsed(k) || !code_dir {
                    shown = Some((acc.clone(), k, code_dir));
                    break;
                }
            }
        }
        if let Some((d, k, code_dir)) = shown {
            let n = nodes.entry(d).or_default();
            if n.role.is_none() {
                let r = match k {
                    Kind::Infrastructure if !code_dir => "Deployment (infrastructure as code)",
                    Kind::Views => "Views (templates)",
                    _ => role(k),
                };
                n.role = Some(r.to_string());
            }
        } else if let Some(r) = special_dir_role(name) {
            let d = dir.to_string();
            if comps.len() <= 4 {
                let n = nodes.entry(d).or_default();
                if n.role.is_none() && !comps.is_empty() {
                    n.role = Some(r.to_string());
                }
            }
        }
        if let Some(r) = notable_file(name)
            && comps.len() <= 4
        {
            let n = nodes.entry(rel.to_string()).or_default();
            n.is_file = true;
            n.role = Some(r.to_string());
        }
    }

    // Every listed folder's ancestors are listed too.
    let keys: Vec<String> = nodes.keys().cloned().collect();
    for k in keys {
        let mut d = parent(&k).to_string();
        while !d.is_empty() {
            nodes.entry(d.clone()).or_default();
            d = parent(&d).to_string();
        }
    }

    // Roles from names, then from the code of folders with unknown names.
    let content_roles = content_roles(ws, files, &unnamed_code_dirs);
    for (path, node) in nodes.iter_mut() {
        if path.is_empty() {
            continue;
        }
        if node.package.is_none() {
            node.package = member_of(&members, path).map(|m| m.name.to_string());
        }
        if node.role.is_some() {
            continue;
        }
        let name = file_name(path);
        let in_src = members
            .iter()
            .any(|m| within(path, &m.src) && path != &m.src);
        let holds_members = members
            .iter()
            .any(|m| !m.root.is_empty() && within(&m.root, path) && &m.root != path);
        if holds_members && !in_src {
            node.role = Some("Workspace members".to_string());
        } else if let Some(k) = kind_of(name) {
            node.role = Some(role(k).to_string());
        } else if let Some(r) = content_roles.get(path.as_str()) {
            node.role = Some(r.to_string());
        }
    }

    let root_name = ws.project_name();
    let mut out: Vec<Folder> = nodes
        .into_iter()
        .map(|(path, n)| {
            let depth = if path.is_empty() {
                0
            } else {
                path.split('/').count()
            };
            let total = if n.is_file {
                usize::from(path.ends_with(".rs"))
            } else {
                totals.get(&path).copied().unwrap_or(0)
            };
            Folder {
                name: if path.is_empty() {
                    root_name.clone()
                } else {
                    file_name(&path).to_string()
                },
                path: if path.is_empty() { ".".into() } else { path },
                depth,
                is_file: n.is_file,
                role: n.role,
                rs_files: if n.is_file { 0 } else { n.rs_files },
                rs_files_total: total,
                package: n.package,
            }
        })
        .collect();
    sort_tree(&mut out);
    out
}

/// Tree order: by path components, folders before files among siblings.
fn sort_tree(folders: &mut [Folder]) {
    fn key(f: &Folder) -> Vec<(bool, String)> {
        if f.path == "." {
            return Vec::new();
        }
        let comps: Vec<&str> = f.path.split('/').collect();
        comps
            .iter()
            .enumerate()
            .map(|(i, c)| (f.is_file && i + 1 == comps.len(), c.to_string()))
            .collect()
    }
    folders.sort_by_key(key);
}

/// Draws the folders as an ASCII tree with `# role` comments aligned.
pub fn render_tree(folders: &[Folder]) -> String {
    if folders.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<Folder> = folders.to_vec();
    sort_tree(&mut sorted);
    let paths: BTreeSet<&str> = sorted
        .iter()
        .filter(|f| !f.is_file)
        .map(|f| f.path.as_str())
        .collect();
    // Each entry's parent: the deepest listed folder above it (or the root).
    let root = sorted.iter().find(|f| f.path == ".");
    let parent_of = |p: &str| -> String {
        let mut d = parent(p);
        loop {
            if d.is_empty() {
                return ".".to_string();
            }
            if paths.contains(d) {
                return d.to_string();
            }
            d = parent(d);
        }
    };
    let mut children: BTreeMap<String, Vec<&Folder>> = BTreeMap::new();
    for f in sorted.iter().filter(|f| f.path != ".") {
        children.entry(parent_of(&f.path)).or_default().push(f);
    }
    let mut lines: Vec<(String, Option<&str>)> = Vec::new();
    let root_label = root.map_or(".".to_string(), |r| format!("{}/", r.name));
    lines.push((root_label, root.and_then(|r| r.role.as_deref())));
    fn walk<'f>(
        at: &str,
        prefix: &str,
        children: &BTreeMap<String, Vec<&'f Folder>>,
        lines: &mut Vec<(String, Option<&'f str>)>,
    ) {
        let Some(kids) = children.get(at) else { return };
        for (i, f) in kids.iter().enumerate() {
            let last = i + 1 == kids.len();
            let label = if at == "." {
                f.path.clone()
            } else {
                f.path.get(at.len() + 1..).unwrap_or(&f.path).to_string()
            };
            let label = if f.is_file {
                label
            } else {
                format!("{label}/")
            };
            let branch = if last { "└── " } else { "├── " };
            lines.push((format!("{prefix}{branch}{label}"), f.role.as_deref()));
            let next = format!("{prefix}{}", if last { "    " } else { "│   " });
            walk(&f.path, &next, children, lines);
        }
    }
    walk(".", "", &children, &mut lines);
    let width = lines
        .iter()
        .filter(|(_, r)| r.is_some())
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (label, role) in &lines {
        match role {
            Some(r) => {
                let pad = width.saturating_sub(label.chars().count()) + 2;
                let _ = writeln!(out, "{label}{}# {r}", " ".repeat(pad));
            }
            None => {
                let _ = writeln!(out, "{label}");
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

// ---------------------------------------------------------------------------
// Roles from code, for source folders whose names say nothing.

#[derive(Default)]
struct Markers {
    presentation: usize,
    persistence: usize,
}

impl<'ast> Visit<'ast> for Markers {
    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        let segs = path_segments(a.path());
        let last = segs.last().map(String::as_str).unwrap_or("");
        match last {
            "get" | "post" | "put" | "delete" | "patch" | "route" | "handler" | "oai"
            | "endpoint" => self.presentation += 1,
            "path" if segs.first().is_some_and(|s| s == "utoipa") => self.presentation += 1,
            "derive" => {
                if let Ok(list) = a.meta.require_list() {
                    for tt in list.tokens.clone() {
                        if let proc_macro2::TokenTree::Ident(i) = tt {
                            let s = i.to_string();
                            if matches!(
                                s.as_str(),
                                "FromRow"
                                    | "Queryable"
                                    | "Insertable"
                                    | "Selectable"
                                    | "DeriveEntityModel"
                                    | "AsChangeset"
                            ) {
                                self.persistence += 1;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        visit::visit_attribute(self, a);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let first = p
            .segments
            .first()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        // `sqlx::query`, not a variable named `sqlx`.
        if p.segments.len() >= 2
            && matches!(
                first.as_str(),
                "sqlx"
                    | "diesel"
                    | "sea_orm"
                    | "mongodb"
                    | "redis"
                    | "tokio_postgres"
                    | "rusqlite"
                    | "deadpool_postgres"
                    | "deadpool_redis"
                    | "scylla"
            )
        {
            self.persistence += 1;
        }
        if let Some(last) = p.segments.last() {
            let l = last.ident.to_string();
            if matches!(
                l.as_str(),
                "IntoResponse" | "HttpResponse" | "Responder" | "Router" | "HttpRequest"
            ) {
                self.presentation += 1;
            }
        }
        visit::visit_path(self, p);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let name = m.method.to_string();
        let route_literal = m
            .args
            .first()
            .and_then(super::lit_str)
            .is_some_and(|(p, _)| p.starts_with('/'));
        if matches!(name.as_str(), "route" | "nest" | "mount" | "at") && route_literal {
            self.presentation += 1;
        }
        if matches!(
            name.as_str(),
            "fetch_one" | "fetch_all" | "fetch_optional" | "get_result" | "get_results"
        ) {
            self.persistence += 1;
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if let Some(last) = m.path.segments.last()
            && matches!(
                last.ident.to_string().as_str(),
                "query" | "query_as" | "query_scalar" | "query_file" | "table"
            )
        {
            self.persistence += 1;
        }
        visit::visit_macro(self, m);
    }
}

fn content_roles(
    ws: &Workspace,
    files: &Files,
    dirs: &BTreeSet<String>,
) -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    if dirs.is_empty() {
        return out;
    }
    let filter = Prefilter::new(&[
        "sqlx",
        "diesel",
        "sea_orm",
        "mongodb",
        "redis",
        "postgres",
        "rusqlite",
        "Router",
        ".route(",
        "#[get",
        "#[post",
        "#[handler",
        "IntoResponse",
        "HttpResponse",
        "Responder",
        "FromRow",
        "Queryable",
    ]);
    let members = members(ws);
    let mut by_dir: BTreeMap<&str, Vec<&WalkedFile>> = BTreeMap::new();
    for f in files.files.iter().filter(|f| f.rel.ends_with(".rs")) {
        let Some(m) = member_of(&members, &f.rel) else {
            continue;
        };
        let shown = capped(m, parent(&f.rel));
        if let Some(d) = dirs.get(&shown) {
            by_dir.entry(d.as_str()).or_default().push(f);
        }
    }
    let mut ignored = Vec::new();
    for (dir, fs) in by_dir {
        let mut markers = Markers::default();
        for f in fs {
            if let Some(p) = parse_filtered(f, &filter, &mut ignored) {
                markers.visit_file(&p.ast);
            }
        }
        // One mention is chance; two are a habit.
        if markers.presentation >= 2 && markers.presentation >= markers.persistence {
            out.insert(dir.to_string(), "Presentation (HTTP handlers)");
        } else if markers.persistence >= 2 {
            out.insert(dir.to_string(), "Infrastructure (persistence)");
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The architecture pattern.

/// A folder, module file or crate whose name (or code) says which layer it is.
#[derive(Debug, Clone)]
struct Signal {
    /// `src/handlers/`, `src/handlers.rs`, or `crate orders-domain`.
    label: String,
    /// Workspace-relative path of the folder (for a module file: the path
    /// without `.rs`), used to tell nesting.
    path: String,
    kind: Kind,
    /// The folder that holds it.
    parent: String,
    from_code: bool,
    /// 1 for a folder or module directly in a source root; 0 for a crate.
    depth: usize,
}

fn signals(ws: &Workspace, files: &Files) -> Vec<Signal> {
    let members = members(ws);
    let mut out: BTreeMap<String, Signal> = BTreeMap::new();
    let mut unnamed: BTreeSet<String> = BTreeSet::new();
    for f in files.files.iter().filter(|f| f.rel.ends_with(".rs")) {
        let Some(m) = member_of(&members, &f.rel) else {
            continue;
        };
        if !within(&f.rel, &m.src) {
            continue;
        }
        let comps = below(&f.rel, &m.src);
        // Folders on the way, up to the depth limit.
        let mut acc = m.src.clone();
        for (i, c) in comps.iter().enumerate() {
            let is_file = i + 1 == comps.len();
            if i >= MAX_SRC_DEPTH {
                break;
            }
            let parent_path = acc.clone();
            acc = join(&acc, c);
            let name = if is_file {
                let stem = c.trim_end_matches(".rs");
                if matches!(stem, "mod" | "lib" | "main" | "app") {
                    break;
                }
                stem
            } else {
                c
            };
            let path = if is_file {
                acc.trim_end_matches(".rs").to_string()
            } else {
                acc.clone()
            };
            let kind = if is_file {
                file_module_kind(name)
            } else {
                kind_of(name).filter(|k| layer_of(*k).is_some())
            };
            match kind {
                Some(kind) => {
                    let label = if is_file {
                        acc.clone()
                    } else {
                        format!("{acc}/")
                    };
                    out.entry(path.clone()).or_insert(Signal {
                        label,
                        path,
                        kind,
                        parent: parent_path,
                        from_code: false,
                        depth: i + 1,
                    });
                }
                None if !is_file => {
                    unnamed.insert(acc.clone());
                }
                None => {}
            }
        }
    }
    // Folders with unknown names whose code is handlers or queries.
    let roles = content_roles(ws, files, &unnamed);
    for (dir, r) in roles {
        let kind = if r.starts_with("Presentation") {
            Kind::Handlers
        } else {
            Kind::Repositories
        };
        let depth = members
            .iter()
            .filter(|m| within(&dir, &m.src))
            .map(|m| below(&dir, &m.src).len())
            .min()
            .unwrap_or(1);
        out.entry(dir.clone()).or_insert(Signal {
            label: format!("{dir}/"),
            parent: parent(&dir).to_string(),
            path: dir,
            kind,
            from_code: true,
            depth,
        });
    }
    for m in &members {
        if let Some(kind) = crate_kind(m.name) {
            out.entry(format!("crate {}", m.name)).or_insert(Signal {
                label: format!("crate {}", m.name),
                path: m.root.clone(),
                kind,
                parent: String::new(),
                from_code: false,
                depth: 0,
            });
        }
    }
    // Names deep inside folders that are no layers say little
    // (`src/detect/infra.rs`): keep what sits directly in a source root,
    // inside a kept layer folder, or in a feature folder holding two layers
    // or more (`src/orders/{handlers,repository}.rs`).
    let all: Vec<Signal> = out.into_values().collect();
    let mut layers_by_parent: BTreeMap<&str, BTreeSet<LayerName>> = BTreeMap::new();
    for s in &all {
        if let Some(l) = layer_of(s.kind) {
            layers_by_parent
                .entry(s.parent.as_str())
                .or_default()
                .insert(l);
        }
    }
    let slice = |s: &Signal| {
        s.depth <= 3
            && layers_by_parent
                .get(s.parent.as_str())
                .is_some_and(|ls| ls.len() >= 2)
    };
    let mut order: Vec<&Signal> = all.iter().collect();
    order.sort_by_key(|s| s.depth);
    let mut kept: Vec<Signal> = Vec::new();
    for s in order {
        let inside_kept = kept.iter().any(|k| {
            k.depth > 0 && !k.label.ends_with(".rs") && within(&s.path, &k.path) && k.path != s.path
        });
        if s.depth <= 1 || inside_kept || slice(s) {
            kept.push(s.clone());
        }
    }
    kept.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.label.cmp(&b.label)));
    kept
}

/// Recognises the architecture pattern from the folder layout.
pub fn architecture(ws: &Workspace, files: &Files) -> Architecture {
    let sigs = signals(ws, files);
    let has = |kinds: &[Kind]| sigs.iter().any(|s| kinds.contains(&s.kind));
    let of = |kinds: &[Kind]| -> Vec<&Signal> {
        sigs.iter().filter(|s| kinds.contains(&s.kind)).collect()
    };
    use Kind::*;

    // Outermost signals: those not inside another signal's folder.
    let outer: Vec<&Signal> = sigs
        .iter()
        .filter(|s| {
            !sigs.iter().any(|o| {
                o.path != s.path && !o.label.starts_with("crate ") && within(&s.path, &o.path)
            })
        })
        .collect();

    // Vertical slices: feature folders that each hold several layers.
    let mut features: BTreeMap<&str, BTreeSet<LayerName>> = BTreeMap::new();
    let mut feature_kinds: BTreeMap<&str, BTreeSet<Kind>> = BTreeMap::new();
    let src_roots: BTreeSet<String> = members(ws).into_iter().map(|m| m.src).collect();
    for s in &sigs {
        if s.label.starts_with("crate ")
            || src_roots.contains(&s.parent)
            || kind_of(file_name(&s.parent)).is_some()
            || sigs.iter().any(|o| o.path == s.parent)
        {
            continue;
        }
        if let Some(l) = layer_of(s.kind) {
            features.entry(s.parent.as_str()).or_default().insert(l);
            feature_kinds
                .entry(s.parent.as_str())
                .or_default()
                .insert(s.kind);
        }
    }
    let slices: Vec<&str> = features
        .iter()
        .filter(|(_, ls)| ls.len() >= 2)
        .map(|(f, _)| *f)
        .collect();
    let service_crates: Vec<&str> = ws
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| {
            let last = n.rsplit(['-', '_']).next().unwrap_or(n);
            last != *n && matches!(last, "service" | "svc")
        })
        .collect();

    let layers_from = |list: &[&Signal]| -> Vec<Layer> {
        let mut by: BTreeMap<LayerName, Vec<&Signal>> = BTreeMap::new();
        for s in list {
            if let Some(l) = layer_of(s.kind) {
                by.entry(l).or_default().push(s);
            }
        }
        by.into_iter()
            .map(|(l, ss)| {
                let r = role(ss[0].kind);
                let detail = r
                    .split_once(" (")
                    .map(|(_, d)| d.trim_end_matches(')').to_string())
                    .unwrap_or_else(|| default_layer_role(l).to_string());
                let mut paths: Vec<String> = ss
                    .iter()
                    .map(|s| {
                        if s.label.starts_with("crate ") {
                            // A crate stands in the layer as its folder.
                            if s.path.is_empty() {
                                "./".to_string()
                            } else {
                                format!("{}/", s.path)
                            }
                        } else {
                            s.label.clone()
                        }
                    })
                    .collect();
                paths.sort();
                paths.dedup();
                Layer {
                    name: l.as_str().to_string(),
                    role: capitalize(&detail),
                    paths,
                }
            })
            .collect()
    };
    let folders_line = |list: &[&Signal]| -> String {
        let mut items: Vec<(LayerName, String)> = list
            .iter()
            .filter_map(|s| {
                let l = layer_of(s.kind)?;
                let how = if s.from_code { ", from its code" } else { "" };
                Some((
                    l,
                    format!("{} ({}{how})", s.label, l.as_str().to_lowercase()),
                ))
            })
            .collect();
        items.sort();
        items.dedup();
        items
            .into_iter()
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let result = |pattern: &str, list: Vec<&Signal>, reason: String| -> Architecture {
        let mut evidence = vec![folders_line(&list)];
        evidence.push(reason);
        evidence.retain(|e| !e.is_empty());
        Architecture {
            pattern: pattern.to_string(),
            layers: layers_from(&list),
            evidence,
        }
    };

    // 1. Hexagonal: ports and adapters.
    if has(&[Ports]) && has(&[Adapters]) {
        let list: Vec<&Signal> = outer
            .iter()
            .copied()
            .filter(|s| layer_of(s.kind).is_some())
            .collect();
        let ports: Vec<String> = of(&[Ports]).iter().map(|s| s.label.clone()).collect();
        let adapters: Vec<String> = of(&[Adapters]).iter().map(|s| s.label.clone()).collect();
        return result(
            "hexagonal",
            list,
            format!(
                "ports ({}) and adapters ({}): a hexagonal (ports and adapters) architecture",
                ports.join(", "),
                adapters.join(", ")
            ),
        );
    }

    // 2. Clean architecture and DDD.
    let domainish = has(&[Domain, Entities, Aggregates]);
    let applicationish = has(&[Application, UseCases]);
    let infraish = has(&[Infrastructure, Adapters]);
    let ddd_markers: Vec<&Signal> = of(&[Aggregates, ValueObjects]);
    let domain_children: Vec<String> = {
        let domains = of(&[Domain]);
        let mut kids: BTreeSet<String> = BTreeSet::new();
        for f in files.files.iter().filter(|f| f.rel.ends_with(".rs")) {
            for d in &domains {
                if d.label.starts_with("crate ") {
                    continue;
                }
                let comps = below(&f.rel, &d.path);
                if within(&f.rel, &d.path) && comps.len() >= 2 {
                    // A folder directly inside domain/.
                    let c = comps[0];
                    if kind_of(c).is_none() {
                        kids.insert(format!("{}/{c}/", d.path));
                    }
                }
            }
        }
        kids.into_iter().collect()
    };
    let slice_is_ddd = slices.iter().any(|f| {
        feature_kinds.get(f).is_some_and(|ks| {
            ks.iter()
                .any(|k| matches!(k, Domain | Entities | Aggregates))
                && ks
                    .iter()
                    .any(|k| matches!(k, Application | UseCases | Services))
                && ks
                    .iter()
                    .any(|k| matches!(k, Infrastructure | Adapters | Repositories | Db))
        })
    });
    if has(&[UseCases]) && domainish && ddd_markers.is_empty() {
        let list: Vec<&Signal> = outer
            .iter()
            .copied()
            .filter(|s| layer_of(s.kind).is_some())
            .collect();
        let uc: Vec<String> = of(&[UseCases]).iter().map(|s| s.label.clone()).collect();
        let ent: Vec<String> = of(&[Entities, Domain])
            .iter()
            .map(|s| s.label.clone())
            .collect();
        return result(
            "clean",
            list,
            format!(
                "use cases ({}) around entities ({}): clean architecture",
                uc.join(", "),
                ent.join(", ")
            ),
        );
    }
    if (domainish && applicationish && infraish)
        || (domainish && !ddd_markers.is_empty())
        || slice_is_ddd
    {
        let list: Vec<&Signal> = outer
            .iter()
            .copied()
            .filter(|s| layer_of(s.kind).is_some())
            .collect();
        let mut why = Vec::new();
        if !ddd_markers.is_empty() {
            why.push(format!(
                "the domain holds {}",
                ddd_markers
                    .iter()
                    .map(|s| s.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if domain_children.len() >= 2 {
            why.push(format!("per-domain folders {}", domain_children.join(", ")));
        }
        if slice_is_ddd {
            why.push(format!(
                "bounded contexts {}",
                slices
                    .iter()
                    .map(|s| format!("{s}/"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let reason = if why.is_empty() {
            "domain, application and infrastructure layers in separate folders: a layered domain-driven design".to_string()
        } else {
            format!("domain-driven design: {}", why.join("; "))
        };
        return result("ddd", list, reason);
    }

    // 3. Vertical slices.
    if slices.len() >= 2 || service_crates.len() >= 2 {
        let list: Vec<&Signal> = sigs.iter().filter(|s| layer_of(s.kind).is_some()).collect();
        let reason = if slices.len() >= 2 {
            format!(
                "feature modules that each hold their own layers: {}",
                slices
                    .iter()
                    .map(|s| format!("{s}/"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("one crate per service: {}", service_crates.join(", "))
        };
        let mut a = result("modular", list, reason);
        if a.evidence.len() == 2 && slices.len() < 2 {
            a.evidence.remove(0);
        }
        return a;
    }

    // 4. MVC.
    if has(&[Controllers])
        && has(&[Models])
        && (has(&[Views]) || !has(&[Services, Repositories, Db]))
    {
        let list: Vec<&Signal> = outer
            .iter()
            .copied()
            .filter(|s| matches!(s.kind, Controllers | Models | Views | Routes))
            .collect();
        return result(
            "mvc",
            list,
            "controllers, models and views: model-view-controller".to_string(),
        );
    }

    // 5. Layered.
    let p = has(&[Handlers, Controllers, Routes, Presentation, GraphQl, Grpc]);
    let a = has(&[Services, Application, UseCases]);
    let i = has(&[Repositories, Db, Infrastructure, Clients, Adapters]);
    if (p && (a || i)) || (a && i) {
        let list: Vec<&Signal> = outer
            .iter()
            .copied()
            .filter(|s| layer_of(s.kind).is_some())
            .collect();
        let mut tiers = Vec::new();
        if p {
            tiers.push("presentation");
        }
        if a {
            tiers.push("application");
        }
        if i {
            tiers.push("infrastructure");
        }
        return result(
            "layered",
            list,
            format!(
                "{} in separate folders: a layered architecture",
                join_words(&tiers)
            ),
        );
    }

    let list: Vec<&Signal> = outer
        .iter()
        .copied()
        .filter(|s| layer_of(s.kind).is_some())
        .collect();
    Architecture {
        pattern: "unknown".to_string(),
        layers: layers_from(&list),
        evidence: if list.is_empty() {
            Vec::new()
        } else {
            vec![folders_line(&list)]
        },
    }
}

fn default_layer_role(l: LayerName) -> &'static str {
    match l {
        LayerName::Presentation => "HTTP handlers and routing",
        LayerName::Application => "business logic",
        LayerName::Ports => "interfaces the domain depends on",
        LayerName::Domain => "entities and rules",
        LayerName::Infrastructure => "persistence and external services",
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn join_words(words: &[&str]) -> String {
    let text = match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    capitalize(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::testutil;

    fn arch(files: &[(&str, &str)]) -> Architecture {
        let t = testutil::single(files);
        architecture(&t.ws, &t.files)
    }

    const EMPTY: &str = "";

    #[test]
    fn layered_example() {
        let a = arch(&[
            (
                "src/main.rs",
                "mod handlers; mod services; mod repositories; mod models;",
            ),
            ("src/handlers/mod.rs", EMPTY),
            ("src/handlers/orders.rs", EMPTY),
            ("src/services/mod.rs", EMPTY),
            ("src/services/order_service.rs", EMPTY),
            ("src/repositories/mod.rs", EMPTY),
            ("src/repositories/order_repository.rs", EMPTY),
            ("src/models/order.rs", EMPTY),
            ("src/config.rs", EMPTY),
        ]);
        assert_eq!(a.pattern, "layered");
        assert_eq!(
            a.evidence[0],
            "src/handlers/ (presentation), src/services/ (application), src/models/ (domain), src/repositories/ (infrastructure)"
        );
        let names: Vec<&str> = a.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            ["Presentation", "Application", "Domain", "Infrastructure"]
        );
        assert_eq!(a.layers[0].role, "HTTP handlers");
        assert_eq!(a.layers[0].paths, ["src/handlers/"]);
        assert_eq!(
            a.layer_for("src/handlers/orders.rs")
                .map(|l| l.name.as_str()),
            Some("Presentation")
        );
        assert_eq!(a.layer_for("src/config.rs"), None);
        assert_eq!(
            render_architecture_line(&a),
            "Layered (4 layers: handlers → services → models → repositories)"
        );
    }

    #[test]
    fn single_file_modules_count_as_layers() {
        let a = arch(&[
            ("src/main.rs", EMPTY),
            ("src/routes.rs", EMPTY),
            ("src/db.rs", EMPTY),
        ]);
        assert_eq!(a.pattern, "layered");
        assert_eq!(
            a.evidence[0],
            "src/routes.rs (presentation), src/db.rs (infrastructure)"
        );
    }

    #[test]
    fn hexagonal_example() {
        let a = arch(&[
            ("src/lib.rs", EMPTY),
            ("src/domain/order.rs", EMPTY),
            ("src/ports/order_repository.rs", EMPTY),
            ("src/adapters/http/mod.rs", EMPTY),
            ("src/adapters/postgres/mod.rs", EMPTY),
        ]);
        assert_eq!(a.pattern, "hexagonal");
        assert!(a.evidence[1].contains("src/ports/"), "{:?}", a.evidence);
        assert!(a.evidence[1].contains("src/adapters/"), "{:?}", a.evidence);
        let names: Vec<&str> = a.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Ports", "Domain", "Infrastructure"]);
    }

    #[test]
    fn ddd_example() {
        let a = arch(&[
            ("src/main.rs", EMPTY),
            ("src/domain/mod.rs", EMPTY),
            ("src/domain/order/aggregate.rs", EMPTY),
            ("src/domain/order/mod.rs", EMPTY),
            ("src/domain/customer/mod.rs", EMPTY),
            ("src/domain/value_objects/money.rs", EMPTY),
            ("src/application/place_order.rs", EMPTY),
            ("src/infrastructure/postgres.rs", EMPTY),
            ("src/interfaces/http.rs", EMPTY),
        ]);
        assert_eq!(a.pattern, "ddd");
        assert!(
            a.evidence[1].contains("src/domain/value_objects/"),
            "{:?}",
            a.evidence
        );
        assert!(
            a.evidence[1].contains("src/domain/customer/, src/domain/order/"),
            "{:?}",
            a.evidence
        );
        let names: Vec<&str> = a.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            ["Presentation", "Application", "Domain", "Infrastructure"]
        );
    }

    #[test]
    fn clean_mvc_modular_and_crates() {
        let clean = arch(&[
            ("src/lib.rs", EMPTY),
            ("src/entities/user.rs", EMPTY),
            ("src/usecases/register_user.rs", EMPTY),
            ("src/adapters/db.rs", EMPTY),
        ]);
        assert_eq!(clean.pattern, "clean");

        let mvc = arch(&[
            ("src/main.rs", EMPTY),
            ("src/controllers/users.rs", EMPTY),
            ("src/models/user.rs", EMPTY),
            ("src/views/users.rs", EMPTY),
        ]);
        assert_eq!(mvc.pattern, "mvc");

        let modular = arch(&[
            ("src/main.rs", EMPTY),
            ("src/orders/handlers.rs", EMPTY),
            ("src/orders/service.rs", EMPTY),
            ("src/users/handlers.rs", EMPTY),
            ("src/users/repository.rs", EMPTY),
        ]);
        assert_eq!(modular.pattern, "modular");
        assert!(modular.evidence[1].contains("src/orders/, src/users/"));

        let t = testutil::workspace(
            &[
                ("crates/shop-api", "shop-api"),
                ("crates/shop-domain", "shop-domain"),
                ("crates/shop-infra", "shop-infra"),
                ("crates/shop-application", "shop-application"),
            ],
            &[
                ("crates/shop-api/src/lib.rs", EMPTY),
                ("crates/shop-domain/src/lib.rs", EMPTY),
                ("crates/shop-infra/src/lib.rs", EMPTY),
                ("crates/shop-application/src/lib.rs", EMPTY),
            ],
        );
        let crates = architecture(&t.ws, &t.files);
        assert_eq!(crates.pattern, "ddd", "{crates:#?}");
        assert!(crates.evidence[0].contains("crate shop-domain (domain)"));
        assert_eq!(
            crates
                .layer_for("crates/shop-domain/src/lib.rs")
                .map(|l| l.name.as_str()),
            Some("Domain")
        );

        let unknown = arch(&[("src/main.rs", EMPTY), ("src/cli.rs", EMPTY)]);
        assert_eq!(unknown.pattern, "unknown");
        assert!(unknown.layers.is_empty());
    }

    #[test]
    fn folders_by_content() {
        let a = arch(&[
            ("src/main.rs", EMPTY),
            (
                "src/web_layer/mod.rs",
                "pub fn app() -> axum::Router { axum::Router::new().route(\"/x\", get(h)) }",
            ),
            (
                "src/persist/mod.rs",
                "pub async fn f(p: &sqlx::PgPool) { sqlx::query!(\"select 1\").fetch_one(p).await; }",
            ),
            ("src/services/mod.rs", EMPTY),
        ]);
        assert_eq!(a.pattern, "layered");
        assert_eq!(
            a.evidence[0],
            "src/web_layer/ (presentation, from its code), src/services/ (application), src/persist/ (infrastructure, from its code)"
        );
    }

    #[test]
    fn tree_of_a_workspace() {
        let t = testutil::workspace(
            &[("", "shop"), ("crates/orders-domain", "orders-domain")],
            &[
                ("src/main.rs", EMPTY),
                ("src/handlers/mod.rs", EMPTY),
                ("src/handlers/orders.rs", EMPTY),
                ("src/handlers/v1/a/b/c/deep.rs", EMPTY),
                ("src/services.rs", EMPTY),
                ("src/config.rs", EMPTY),
                ("src/helpers_x.rs", EMPTY),
                ("src/bin/worker.rs", EMPTY),
                ("crates/orders-domain/src/lib.rs", EMPTY),
                ("crates/orders-domain/src/domain/mod.rs", EMPTY),
                ("tests/api.rs", EMPTY),
                ("migrations/20240101_init.sql", EMPTY),
                ("migrations/20240102_more.sql", EMPTY),
                ("proto/orders/v1/orders.proto", EMPTY),
                ("docs/en/specifications/README.md", EMPTY),
                ("assets-unknown/logo.png", EMPTY),
                ("Dockerfile", EMPTY),
                ("docker-compose.yml", EMPTY),
                ("README.md", EMPTY),
            ],
        );
        let folders = folder_tree(&t.ws, &t.files);
        let handlers = folders.iter().find(|f| f.path == "src/handlers").unwrap();
        assert_eq!(handlers.rs_files, 2);
        assert_eq!(handlers.rs_files_total, 3);
        assert_eq!(handlers.package.as_deref(), Some("shop"));
        let capped = folders
            .iter()
            .find(|f| f.path == "src/handlers/v1/a/b")
            .unwrap();
        assert_eq!(capped.rs_files, 1);
        assert!(!folders.iter().any(|f| f.path == "src/handlers/v1/a/b/c"));
        assert!(!folders.iter().any(|f| f.path.starts_with("assets-unknown")));
        let tree = render_tree(&folders);
        let name = t.ws.project_name();
        let expected = format!(
            "{name}/
├── crates/              # Workspace members
│   └── orders-domain/   # Crate (library) — Domain (entities and rules)
│       └── src/
│           ├── domain/  # Domain (entities and rules)
│           └── lib.rs   # Library root
├── docs/                # Documentation
├── migrations/          # Database migrations
├── proto/               # Protocol Buffers definitions
├── src/
│   ├── bin/             # Binaries (entry points)
│   ├── handlers/        # Presentation (HTTP handlers)
│   │   └── v1/
│   │       └── a/
│   │           └── b/
│   ├── config.rs        # Configuration
│   ├── main.rs          # Entry point
│   └── services.rs      # Application (business logic)
├── tests/               # Tests
├── Dockerfile           # Container image
└── docker-compose.yml   # Local services (Docker Compose)"
        );
        assert_eq!(tree, expected, "\n{tree}");
    }

    #[test]
    fn storefront_layout() {
        let Some((ws, files)) = testutil::storefront() else {
            return;
        };
        let a = architecture(&ws, &files);
        assert_eq!(a.pattern, "layered", "{a:#?}");
        let tree = render_tree(&folder_tree(&ws, &files));
        assert!(tree.contains("handlers/"), "{tree}");
        assert!(tree.contains("# Presentation (HTTP handlers)"), "{tree}");
    }
}
