//! The template contexts of Steps 1–5: what the code says (routes, types,
//! call chains, annotations, the stack) and what the earlier steps'
//! documents say (their IDs), put together per step.

use serde_json::{Value, json};

use super::calls::{CallGraph, FileNamer, Flow, FlowBuilder, layer_of, mermaid_text};
use super::examples;
use super::{Answers, Project, Step};
use crate::annotations::{self, Annotation, ItemKind, Kind as AnnKind};
use crate::config::DomainConfig;
use crate::inspect::{self, Inspection};
use crate::routes::{self, Access, Credential, Endpoint, EndpointKind, RouteSet};
use crate::spec::Document;
use crate::templates::mermaid_id;

/// What the workspace's code says, the same for every domain and step:
/// read once per run, however many documents are rendered from it. The
/// expensive parts (the call graph parses every file) are computed on
/// first use: rendering a requirements document never needs them.
pub struct CodeFacts<'w> {
    ws: &'w crate::Workspace,
    files: crate::source::Files,
    pub routes: RouteSet,
    pub namer: FileNamer,
    pub annotations: Vec<Annotation>,
    inspection: std::sync::OnceLock<Inspection>,
    graph: std::sync::OnceLock<CallGraph>,
    auth: std::sync::OnceLock<super::auth::Scheme>,
    database: std::sync::OnceLock<String>,
    /// Each endpoint's flow through the code, by endpoint and handler:
    /// the same for every document that draws or cites it.
    flows: std::sync::Mutex<std::collections::HashMap<String, Option<Flow>>>,
}

impl<'w> CodeFacts<'w> {
    pub fn gather(ws: &'w crate::Workspace) -> CodeFacts<'w> {
        let files = crate::source::walk_workspace(ws);
        let routes = routes::extract(ws, &files);
        let annotations = annotations::scan_workspace(ws, &files).annotations;
        CodeFacts::from_parts(ws, files, routes, annotations)
    }

    /// The facts around routes and annotations already extracted from
    /// `files` (as `check` does for its own rules).
    pub fn from_parts(
        ws: &'w crate::Workspace,
        files: crate::source::Files,
        routes: RouteSet,
        annotations: Vec<Annotation>,
    ) -> CodeFacts<'w> {
        CodeFacts {
            ws,
            namer: FileNamer::new(&files),
            files,
            routes,
            annotations,
            inspection: std::sync::OnceLock::new(),
            graph: std::sync::OnceLock::new(),
            auth: std::sync::OnceLock::new(),
            database: std::sync::OnceLock::new(),
            flows: Default::default(),
        }
    }

    /// Every file of the workspace (the one walk of the run).
    pub fn files(&self) -> &crate::source::Files {
        &self.files
    }

    /// The stack, architecture and infrastructure.
    pub fn inspection(&self) -> &Inspection {
        self.inspection.get_or_init(|| inspect::inspect(self.ws))
    }

    /// Functions and their calls, for the flows.
    pub fn graph(&self) -> &CallGraph {
        self.graph
            .get_or_init(|| CallGraph::build(self.ws, &self.files))
    }

    /// The Authorization scheme the code expects.
    pub fn auth(&self) -> &super::auth::Scheme {
        self.auth
            .get_or_init(|| super::auth::scheme(self.ws, &self.files))
    }

    /// How diagrams name the SQL database the code's queries go to.
    pub fn database(&self) -> &str {
        self.database
            .get_or_init(|| database_label(self.inspection()))
    }
}

/// Everything the contexts of one domain are built from, gathered once.
pub(super) struct Facts<'p> {
    pub project: &'p Project<'p>,
    pub domain: &'p DomainConfig,
    pub prefix: String,
    pub answers: &'p Answers,
    code: &'p CodeFacts<'p>,
    pub routes: &'p RouteSet,
    pub namer: &'p FileNamer,
    pub annotations: &'p [Annotation],
    /// Indices into `routes.endpoints`: this domain's HTTP endpoints.
    pub endpoints: Vec<usize>,
    base_url: std::sync::OnceLock<(String, String)>,
    /// The endpoints each requirement's own words name
    /// ([`super::named_endpoints`]), read once.
    pub named: std::collections::BTreeMap<String, Vec<String>>,
}

/// The SQL database the code talks to through a crate (`PostgreSQL`), when
/// it is one; `Database` otherwise.
fn database_label(inspection: &Inspection) -> String {
    let mut names: Vec<&str> = inspection
        .stack
        .databases
        .iter()
        .filter(|d| d.package.is_some())
        .map(|d| d.name.as_str())
        .filter(|n| matches!(*n, "postgres" | "mysql" | "sqlite" | "mssql"))
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [one] => crate::detect::database_name(one).to_string(),
        _ => "Database".to_string(),
    }
}

/// The errors of an endpoint for its API section: each variant its
/// handler can answer with, its status and where the code produces it;
/// the framework's own answers (a missing credential, a body that does not
/// parse) beside them. Without an error type the tool can read, the
/// generic cases.
fn error_lines(e: &Endpoint) -> Vec<String> {
    let mut errors: Vec<String> = Vec::new();
    let has = |code: u16| e.errors.iter().any(|c| c.status == Some(code));
    if requires_auth(e) && !has(401) {
        errors.push("`401 Unauthorized`: missing, invalid or expired credential".into());
    }
    if e.request.is_some() {
        errors.push("`4xx`: the body does not parse or fails validation".into());
    }
    if e.errors.is_empty() {
        // A handler returning a plain success (`&'static str`,
        // `Json<T>`) answers no error of its own.
        if e.fallible {
            if !e.params.is_empty() {
                errors.push("`404 Not Found`: no such resource".into());
            }
            errors.push("`5xx`: a backing service failed".into());
        }
        return errors;
    }
    for c in &e.errors {
        let status = c.status.map_or_else(
            || "TODO: status (not mapped in the code the tool reads)".to_string(),
            |s| code(&status_text(s)),
        );
        let via = c.via.as_deref().map_or(String::new(), |v| {
            format!(", {}", crate::templates::cell(v))
        });
        errors.push(format!(
            "{status}: {} ({}:{}{via})",
            code(&c.variant),
            c.file,
            c.line
        ));
    }
    if !e.errors.iter().any(|c| c.status.is_some_and(|s| s >= 500)) {
        errors.push(
            "`5xx`: a backing service failed (errors converted by hand-written `From` impls are not read)"
                .into(),
        );
    }
    errors
}

fn requires_auth(e: &Endpoint) -> bool {
    e.auth.required()
}

/// The workspace type or middleware that authenticates an endpoint
/// (`AuthUser`), when one decides it.
fn auth_extractor(e: &Endpoint) -> Option<String> {
    match e.auth.access {
        Access::Required | Access::Optional => e.auth.by.clone(),
        _ => None,
    }
}

/// What a request to the endpoint carries, as a document says it: the
/// `Authorization` header with the code's scheme, another header, a
/// session cookie, or a TODO when the code does not say.
fn credential_text(header: &str, e: &Endpoint) -> String {
    match &e.auth.credential {
        Some(Credential::Authorization) => format!("`{header}`"),
        Some(Credential::Header(h)) => format!("`{h}: <key>`"),
        Some(Credential::Session) => "a session cookie".to_string(),
        None => format!(
            "TODO: the credential {} reads",
            e.auth.by.as_deref().map_or("the code".to_string(), code)
        ),
    }
}

/// An endpoint's authentication for a table cell: the header when it is
/// required or optional, `none` when public, a TODO when the code does not
/// say; with `why`, the places that decide it.
fn auth_cell(header: &str, e: &Endpoint, why: bool) -> String {
    let reason = if why && !e.auth.evidence.is_empty() {
        format!(" — {}", crate::templates::cell(&e.auth.reason()))
    } else {
        String::new()
    };
    match e.auth.access {
        Access::Required => format!("{}{reason}", credential_text(header, e)),
        Access::Optional => format!("optional: {}{reason}", credential_text(header, e)),
        Access::Public => format!("none{reason}"),
        Access::Unknown => format!(
            "TODO: the code does not say whether a caller is required{}",
            if why { reason } else { String::new() }
        ),
    }
}

fn is_login(e: &Endpoint) -> bool {
    let p = e.path.to_ascii_lowercase();
    e.method == "POST"
        && ["login", "signin", "sign-in", "sign_in", "token", "sessions"]
            .iter()
            .any(|w| p.split('/').any(|seg| seg == *w))
}

/// `list_orders` → `List orders`.
fn humanize(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A title for an endpoint's requirement, story or section: its handler's
/// name in words (`list_orders` → `List orders`), or, for a closure or any
/// handler that is not a plain name (`<closure>` would be read as an HTML
/// tag), the last literal segment of its path (`GET /health` → `Health`).
fn endpoint_title(e: &Endpoint) -> String {
    let name = e.handler.rsplit("::").next().unwrap_or(&e.handler);
    let plain = name.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        return humanize(name);
    }
    e.path
        .split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with(['{', ':', '<', '*']))
        .map_or_else(|| "Root".to_string(), |s| humanize(&s.replace('-', "_")))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn status_text(code: u16) -> String {
    let reason = match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        402 => "Payment Required",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    format!("{code} {reason}").trim().to_string()
}

fn code(s: &str) -> String {
    crate::templates::code(s)
}

/// The domain an endpoint belongs to: an `#[implements]` ID's prefix, else
/// a path segment or a handler module named like the domain.
fn endpoint_domain(e: &Endpoint, domains: &[DomainConfig]) -> Option<String> {
    for id in &e.implements {
        if let Ok(id) = specplan_ids::Id::parse(id)
            && let Some(d) = domains.iter().find(|d| d.prefix() == id.domain())
        {
            return Some(d.name.clone());
        }
    }
    let matches = |seg: &str, name: &str| {
        let seg = seg.to_ascii_lowercase();
        seg == name
            || seg.trim_end_matches('s') == name.trim_end_matches('s')
            || seg.replace('_', "-") == name
    };
    for d in domains {
        if e.path.split('/').any(|s| matches(s, &d.name)) {
            return Some(d.name.clone());
        }
    }
    for d in domains {
        if e.handler.split("::").any(|s| matches(s, &d.name)) {
            return Some(d.name.clone());
        }
    }
    None
}

/// The port the app listens on, from compose or the Dockerfile.
/// The base URL of the examples and where it comes from: the port the
/// server binds in the code, else the one a compose service or Dockerfile
/// publishes; otherwise a `<port>` placeholder and a TODO saying what is
/// unknown.
fn base_url(inspection: &Inspection, routes: &RouteSet) -> (String, String) {
    // A port the code binds wins; a framework's default (rocket) only
    // when no container publishes one.
    let bound = routes.listen.as_ref().filter(|l| l.port.is_some());
    if let Some(l) = bound.filter(|l| !l.file.is_empty())
        && let Some(port) = l.port
    {
        let at = if l.file.is_empty() {
            String::new()
        } else if l.what.is_empty() {
            format!(" at {}:{}", l.file, l.line)
        } else {
            format!(" (`{}` at {}:{})", l.what, l.file, l.line)
        };
        return (
            format!("http://localhost:{port}"),
            format!("the server listens on port {port}{at}: {}", l.note),
        );
    }
    let published = inspection
        .stack
        .compose
        .iter()
        .flat_map(|f| &f.services)
        .filter(|s| s.build.is_some())
        .flat_map(|s| s.ports.iter())
        .chain(
            inspection
                .stack
                .infrastructure
                .iter()
                .filter(|i| i.name == "docker")
                .flat_map(|i| i.details.ports.iter()),
        )
        .find_map(|p| {
            let host = p.split(':').rev().nth(1).unwrap_or(p);
            let host = host.split('/').next().unwrap_or(host);
            host.parse::<u16>().ok()
        });
    if let Some(port) = published {
        return (
            format!("http://localhost:{port}"),
            format!("the port the container publishes ({port})"),
        );
    }
    if let Some(l) = bound
        && let Some(port) = l.port
    {
        return (
            format!("http://localhost:{port}"),
            format!("the server listens on port {port}: {}", l.note),
        );
    }
    let why = match &routes.listen {
        Some(l) if !l.file.is_empty() => format!(
            "TODO: the port the server listens on: it binds `{}` at {}:{} ({})",
            l.what, l.file, l.line, l.note
        ),
        _ => "TODO: the port the server listens on (no `bind` with a literal port in the code)"
            .to_string(),
    };
    ("http://localhost:<port>".to_string(), why)
}

impl<'p> Facts<'p> {
    pub fn gather(
        project: &'p Project<'p>,
        code: &'p CodeFacts<'p>,
        domain: &'p DomainConfig,
        answers: &'p Answers,
    ) -> Facts<'p> {
        let routes = &code.routes;
        let domains = &project.config.domains;
        let first = domains.first().map(|d| d.name.as_str());
        let endpoints = routes
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EndpointKind::Http && e.method != "ANY")
            .filter(|(_, e)| {
                match endpoint_domain(e, domains) {
                    Some(d) => d == domain.name,
                    // Endpoints of no domain are documented in the first.
                    None => first == Some(domain.name.as_str()),
                }
            })
            .map(|(i, _)| i)
            .collect();
        Facts {
            project,
            domain,
            prefix: domain.prefix(),
            answers,
            code,
            routes,
            namer: &code.namer,
            annotations: &code.annotations,
            endpoints,
            base_url: std::sync::OnceLock::new(),
            named: project
                .doc(&domain.name, Step::Requirements)
                .map(super::named_endpoints)
                .unwrap_or_default(),
        }
    }

    fn inspection(&self) -> &'p Inspection {
        self.code.inspection()
    }

    fn graph(&self) -> &'p CallGraph {
        self.code.graph()
    }

    fn auth(&self) -> &'p super::auth::Scheme {
        self.code.auth()
    }

    fn database(&self) -> &'p str {
        self.code.database()
    }

    /// The examples' base URL and where it comes from (or what is unknown).
    fn base_url(&self) -> &(String, String) {
        self.base_url.get_or_init(|| match &self.answers.base_url {
            Some(u) => (u.clone(), "given in the answers".to_string()),
            None => base_url(self.inspection(), self.routes),
        })
    }

    fn endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().map(|&i| &self.routes.endpoints[i])
    }

    fn endpoint_by_key(&self, key: &str) -> Option<&Endpoint> {
        let (m, p) = key.split_once(' ')?;
        let p = routes::normalize_path(p);
        self.routes
            .endpoints
            .iter()
            .find(|e| e.method == m && e.path == p)
    }

    fn doc(&self, step: Step) -> Option<&Document> {
        self.project.doc(&self.domain.name, step)
    }

    fn handler_fn(&self, e: &Endpoint) -> Option<usize> {
        let loc = e.handler_location.as_ref()?;
        let name = e.handler.rsplit("::").next()?;
        // A method handler: `Type::method`.
        let parts: Vec<&str> = e.handler.split("::").collect();
        let with_ty = (parts.len() >= 2).then(|| parts[parts.len() - 2..].join("::"));
        with_ty
            .and_then(|n| self.graph().find(&loc.file, &n))
            .or_else(|| self.graph().find(&loc.file, name))
    }

    /// `src/handlers/auth.rs::register`.
    fn handler_ref(&self, e: &Endpoint) -> String {
        match (self.handler_fn(e), &e.handler_location) {
            (Some(i), _) => {
                let f = &self.graph().fns[i];
                format!("{}::{}", f.file, f.display())
            }
            (None, Some(loc)) => format!("{}#L{}", loc.file, loc.line),
            (None, None) => e.handler.clone(),
        }
    }

    fn success_status(&self, e: &Endpoint) -> u16 {
        self.handler_fn(e)
            .and_then(|i| {
                self.graph().fns[i]
                    .statuses
                    .iter()
                    .copied()
                    .find(|c| (200..300).contains(c))
            })
            .unwrap_or(200)
    }

    fn flow_builder(&self) -> FlowBuilder<'_> {
        FlowBuilder {
            graph: self.graph(),
            arch: &self.inspection().architecture,
            namer: self.namer,
            database: self.database(),
        }
    }

    /// The flow of a request to `e`, from its handler down.
    fn endpoint_flow(&self, e: &Endpoint) -> Option<Flow> {
        let key = format!("{}|{}|{:?}", e.id(), e.handler, e.handler_location);
        let cache = |m: &std::sync::Mutex<std::collections::HashMap<String, Option<Flow>>>| {
            m.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&key)
                .cloned()
        };
        if let Some(known) = cache(&self.code.flows) {
            return known;
        }
        let flow = self.compute_flow(e);
        self.code
            .flows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, flow.clone());
        flow
    }

    fn compute_flow(&self, e: &Endpoint) -> Option<Flow> {
        let start = self.handler_fn(e)?;
        let mut request = e.id();
        if let Some(r) = &e.request
            && !r.rust.is_empty()
        {
            request.push_str(&format!(" ({})", r.rust));
        }
        let status = self.success_status(e);
        let response = match &e.response {
            Some(r) if !r.rust.is_empty() && status != 204 => {
                format!("{} {}", status_text(status), r.rust)
            }
            _ => status_text(status),
        };
        Some(self.flow_builder().flow(start, "C", &request, &response))
    }

    fn example_request(&self, e: &Endpoint) -> examples::Request {
        let credential = if requires_auth(e) {
            match &e.auth.credential {
                Some(Credential::Header(h)) => Some(examples::Credential::Header(h.clone())),
                Some(Credential::Session) => Some(examples::Credential::Cookie),
                Some(Credential::Authorization) | None => Some(examples::Credential::Scheme(
                    self.auth().header_word().to_string(),
                )),
            }
        } else {
            None
        };
        examples::request(e, &self.routes.schemas, &self.base_url().0, credential)
    }

    /// IDs that code implementing them names: `(file::item)` per ID.
    fn implementers(&self, id: &str, kind: AnnKind) -> Vec<String> {
        let mut out: Vec<String> = self
            .annotations
            .iter()
            .filter(|a| a.kind == kind && a.ids.iter().any(|i| i.text == id))
            .map(|a| format!("{}::{}", a.file, item_path(a)))
            .collect();
        out.dedup();
        out
    }

    /// The handlers (endpoint keys) implementing `id`.
    fn endpoints_implementing(&self, id: &str) -> Vec<&Endpoint> {
        self.routes
            .endpoints
            .iter()
            .filter(|e| e.implements.iter().any(|i| i == id))
            .collect()
    }

    /// The endpoints a requirement is about: those whose handler
    /// `#[implements]` it, else those its section in the requirements
    /// names (a requirement proposed from an endpoint, not annotated yet).
    fn endpoints_of(&self, id: &str) -> Vec<&Endpoint> {
        let implementing = self.endpoints_implementing(id);
        if !implementing.is_empty() {
            return implementing;
        }
        self.named
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|k| self.endpoint_by_key(k))
            .collect()
    }

    /// The requirements of an endpoint: the IDs its handler implements,
    /// then those whose section in the requirements names it, marked as
    /// not annotated.
    fn requirements_of(&self, e: &Endpoint) -> Vec<String> {
        let mut out: Vec<String> = e.implements.clone();
        let key = e.id();
        for (id, keys) in &self.named {
            if id.starts_with("FR-") && !e.implements.contains(id) && keys.contains(&key) {
                out.push(format!("{id} (not annotated)"));
            }
        }
        out
    }

    fn role(&self) -> String {
        self.answers.role.clone().unwrap_or_else(|| "user".into())
    }

    fn externals(&self) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = Vec::new();
        let mut dbs: Vec<&crate::detect::Database> =
            self.inspection().stack.databases.iter().collect();
        // A crate the code uses says more than a compose service.
        dbs.sort_by_key(|d| d.package.is_none());
        for db in dbs {
            let name = crate::detect::database_name(&db.name).to_string();
            if !out.iter().any(|(n, _, _)| *n == name) {
                out.push((name, "SystemDb_Ext".into(), db.via.clone()));
            }
        }
        for m in &self.inspection().stack.messaging {
            let name = crate::detect::broker_name(&m.broker).to_string();
            if !out.iter().any(|(n, _, _)| *n == name) {
                out.push((name, "SystemQueue_Ext".into(), m.name.clone()));
            }
        }
        out
    }
}

/// `login`, `AuthService::login`, `SessionStore` (for an impl).
fn item_path(a: &Annotation) -> String {
    let name = a.item.name.as_str();
    match a.item.kind {
        ItemKind::Impl => {
            // `impl SessionStore` / `impl Store for PgStore`.
            let rest = name.trim_start_matches("impl ").trim();
            let ty = rest.rsplit(" for ").next().unwrap_or(rest);
            ty.split('<').next().unwrap_or(ty).trim().to_string()
        }
        _ => name.trim_end_matches('!').to_string(),
    }
}

/// A sequence diagram for the templates: participants and lines.
#[derive(Default)]
struct Seq {
    participants: Vec<Value>,
    lines: Vec<Value>,
}

impl Seq {
    fn actor(&mut self, alias: &str, label: &str) {
        self.participants
            .push(json!({"alias": alias, "actor": true, "label": mermaid_text(label)}));
    }

    fn add_flow(&mut self, flow: &Flow) {
        for p in &flow.participants {
            if self
                .participants
                .iter()
                .any(|x| x["alias"] == p.alias.as_str())
            {
                continue;
            }
            let label = if p.actor {
                mermaid_text(&p.name)
            } else {
                format!("{}<br/>({})", p.name, p.layer)
            };
            self.participants.push(json!({
                "alias": p.alias,
                "actor": p.actor,
                "label": label,
            }));
        }
    }

    fn arrow(&mut self, from: &str, arrow: &str, to: &str, text: &str) {
        self.lines.push(json!({"kind": "arrow", "from": from, "arrow": arrow, "to": to, "text": mermaid_text(text)}));
    }

    fn flow_arrows(&mut self, flow: &Flow) {
        for a in &flow.arrows {
            self.lines.push(json!({"kind": "arrow", "from": a.from, "arrow": a.arrow, "to": a.to, "text": a.text}));
        }
    }

    fn open(&mut self, kw: &str, label: &str) {
        self.lines
            .push(json!({"kind": "open", "keyword": kw, "text": mermaid_text(label)}));
    }

    fn else_(&mut self, label: &str) {
        self.lines
            .push(json!({"kind": "else", "text": mermaid_text(label)}));
    }

    fn end(&mut self) {
        self.lines.push(json!({"kind": "end"}));
    }

    fn note(&mut self, over: &str, text: &str) {
        self.lines
            .push(json!({"kind": "note", "over": over, "text": mermaid_text(text)}));
    }

    fn value(self) -> Value {
        json!({"participants": self.participants, "lines": self.lines})
    }
}

/// The flow with the deepest call failing: errors travel back up.
fn failing(flow: &Flow) -> Option<(Vec<super::calls::Arrow>, String, String)> {
    let deepest = flow.deepest.clone()?;
    let mut out = Vec::new();
    let mut stack: Vec<(String, String)> = Vec::new();
    for a in &flow.arrows {
        out.push(a.clone());
        if a.arrow == "->>" {
            stack.push((a.from.clone(), a.to.clone()));
            if a.to == deepest {
                break;
            }
        } else {
            stack.pop();
        }
    }
    let mut errs = Vec::new();
    while let Some((from, to)) = stack.pop() {
        if from == "C" {
            continue;
        }
        errs.push(super::calls::Arrow {
            from: to,
            to: from,
            arrow: "-->>".into(),
            text: String::new(),
        });
    }
    out.extend(errs);
    Some((out, deepest, flow.participants.first()?.alias.clone()))
}

/// Step N's context.
pub(super) fn context(f: &Facts<'_>, step: Step) -> Value {
    let mut ctx = match step {
        Step::Requirements => requirements(f),
        Step::UserStories => user_stories(f),
        Step::ApiSpec => api_spec(f),
        Step::UseCases => use_cases(f),
        Step::SequenceDiagram => sequence_diagrams(f),
    };
    ctx["project"] = json!(f.project.ws.project_name());
    ctx["domain"] = json!({"name": f.domain.name, "prefix": f.prefix});
    ctx["role"] = json!(f.role());
    let (url, source) = f.base_url();
    ctx["base_url"] = json!(url);
    ctx["base_url_source"] = json!(crate::templates::cell(source));
    ctx
}

/// A heading-sized title from a definition's title, which for a table row
/// is the whole requirement sentence: its first clause, at most ~60
/// characters, cut at a word.
fn short_title(t: &str) -> String {
    let t = t.trim().trim_end_matches('.');
    let clause = t.find([',', ';', '(', ':']).map_or(t, |i| &t[..i]).trim();
    if clause.chars().count() <= 60 {
        return clause.to_string();
    }
    let mut out = String::new();
    for w in clause.split_whitespace() {
        if out.chars().count() + w.chars().count() + 1 > 60 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// (id, title) of the definitions of a kind in a document.
fn defs(doc: Option<&Document>, kind: specplan_ids::Kind) -> Vec<(String, String)> {
    doc.map(|d| {
        d.definitions
            .iter()
            .filter(|x| x.id.kind() == kind)
            .map(|x| (x.id.to_string(), short_title(&x.title)))
            .collect()
    })
    .unwrap_or_default()
}

/// The IDs referenced within definition `id`'s section, of a kind.
fn refs_within(doc: &Document, id: &str, kind: specplan_ids::Kind) -> Vec<String> {
    doc.within().ids(id, kind).map(str::to_string).collect()
}

fn endpoint_refs_within(doc: &Document, id: &str) -> Vec<String> {
    doc.within().endpoints(id).to_vec()
}

fn id_of(prefix: &str, kind: &str, n: usize) -> String {
    format!("{kind}-{prefix}-{n:02}")
}

// ---------------------------------------------------------------- Step 1

fn requirements(f: &Facts<'_>) -> Value {
    let a = f.answers;
    let prefix = &f.prefix;
    // Functional requirements: the answers' features, then candidates
    // from the handlers.
    let mut frs: Vec<Value> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let mut next = 1usize;
    let mut take_next = |used: &Vec<String>| loop {
        let id = id_of(prefix, "FR", next);
        next += 1;
        if !used.contains(&id) {
            return id;
        }
    };
    // IDs the handlers already name are reserved.
    for e in f.endpoints() {
        used.extend(
            e.implements
                .iter()
                .filter(|i| i.starts_with(&format!("FR-{prefix}-")))
                .cloned(),
        );
    }
    let reserved = used.clone();
    let mut listed: Vec<String> = Vec::new();
    for feat in &a.features {
        let (id, title, description) = feat.parts();
        let id = id.unwrap_or_else(|| take_next(&used));
        used.push(id.clone());
        listed.push(id.clone());
        frs.push(json!({"id": id, "title": title, "description": description, "source": null}));
    }
    let mut candidates: Vec<Value> = Vec::new();
    for e in f.endpoints() {
        let ids: Vec<&String> = e
            .implements
            .iter()
            .filter(|i| i.starts_with(&format!("FR-{prefix}-")))
            .collect();
        let title = endpoint_title(e);
        let handler = f.handler_ref(e);
        let proposal = if let Some(id) = ids.iter().find(|i| !listed.contains(i)) {
            listed.push((*id).clone());
            frs.push(json!({
                "id": id, "title": title, "description": "",
                "source": format!("{} ({})", code(&e.id()), code(&handler)),
            }));
            (*id).clone()
        } else if ids.is_empty() && a.features.is_empty() {
            let id = take_next(&used);
            used.push(id.clone());
            listed.push(id.clone());
            frs.push(json!({
                "id": id, "title": title, "description": "",
                "source": format!("{} ({})", code(&e.id()), code(&handler)),
            }));
            id
        } else if ids.is_empty() {
            "—".to_string()
        } else {
            ids.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        candidates.push(json!({
            "endpoint": code(&e.id()),
            "handler": code(&handler),
            "implements": if ids.is_empty() { "—".to_string() } else { ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") },
            "proposal": proposal,
        }));
    }
    let _ = reserved;
    // IDs of this domain the code names (`#[implements]`, `#[verifies]`)
    // that are not listed yet: candidates too, so no annotation dangles.
    let mut named: Vec<(String, String)> = Vec::new();
    for an in f.annotations {
        for id in &an.ids {
            let Ok(parsed) = specplan_ids::Id::parse(&id.text) else {
                continue;
            };
            if parsed.domain() != prefix.as_str() || named.iter().any(|(i, _)| *i == id.text) {
                continue;
            }
            named.push((id.text.clone(), format!("{}::{}", an.file, item_path(an))));
        }
    }
    named.sort_by(|a, b| {
        let (x, y) = (
            specplan_ids::Id::parse(&a.0).ok(),
            specplan_ids::Id::parse(&b.0).ok(),
        );
        x.cmp(&y)
    });
    for (id, at) in &named {
        if id.starts_with("FR-") && !listed.contains(id) {
            listed.push(id.clone());
            frs.push(json!({
                "id": id, "title": "TODO: title", "description": "",
                "source": format!("`#[implements]` on {}", code(at)),
            }));
        }
    }
    frs.sort_by_key(|x| specplan_ids::Id::parse(x["id"].as_str().unwrap_or("")).ok());
    let mut nfrs: Vec<Value> = Vec::new();
    let mut nfr_used: Vec<String> = Vec::new();
    for (id, at) in named.iter().filter(|(i, _)| i.starts_with("NFR-")) {
        nfr_used.push(id.clone());
        nfrs.push(json!({"id": id, "requirement": format!("TODO: what it requires (named by {})", code(at)), "category": "TODO", "measure": "TODO"}));
    }
    let mut n = 1;
    for item in &a.nfrs {
        let (req, cat, measure) = item.parts();
        let id = loop {
            let id = id_of(prefix, "NFR", n);
            n += 1;
            if !nfr_used.contains(&id) {
                break id;
            }
        };
        nfrs.push(json!({"id": id, "requirement": crate::templates::cell(&req), "category": cat, "measure": crate::templates::cell(&measure)}));
    }

    // Traceability: the document's own definitions when it exists.
    let existing = f.doc(Step::Requirements);
    let mut ids: Vec<(String, String)> = match existing {
        Some(d) => {
            let mut v = defs(Some(d), specplan_ids::Kind::Fr);
            v.extend(defs(Some(d), specplan_ids::Kind::Nfr));
            v
        }
        None => frs
            .iter()
            .chain(nfrs.iter())
            .map(|x| (x["id"].as_str().unwrap_or("").to_string(), String::new()))
            .collect(),
    };
    ids.dedup();
    let trace: Vec<Value> = ids
        .iter()
        .map(|(id, _)| {
            let eps: Vec<String> = f
                .endpoints_implementing(id)
                .iter()
                .map(|e| code(&e.id()))
                .collect();
            let code_refs: Vec<String> = f
                .implementers(id, AnnKind::Implements)
                .iter()
                .map(|c| code(c))
                .collect();
            let tests: Vec<String> = f
                .implementers(id, AnnKind::Verifies)
                .iter()
                .map(|c| code(c))
                .collect();
            json!({
                "id": id,
                "endpoints": if eps.is_empty() { "—".into() } else { eps.join(", ") },
                "code": if code_refs.is_empty() { "not implemented yet".into() } else { code_refs.join(", ") },
                "tests": if tests.is_empty() { "not verified yet".into() } else { tests.join(", ") },
            })
        })
        .collect();

    // System context.
    let system_id = mermaid_id(&f.project.ws.project_name());
    let framework = f
        .inspection()
        .stack
        .frameworks
        .first()
        .map(|fw| fw.name.clone())
        .unwrap_or_else(|| "Rust".into());
    let prefixes: Vec<String> = {
        let mut v: Vec<String> = f
            .endpoints()
            .map(|e| {
                let segs: Vec<&str> = e.path.split('/').filter(|s| !s.is_empty()).collect();
                let n = segs
                    .iter()
                    .position(|s| s.starts_with('{'))
                    .unwrap_or(segs.len())
                    .min(3);
                format!("/{}", segs[..n].join("/"))
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let externals: Vec<Value> = f
        .externals()
        .into_iter()
        .map(|(name, kind, via)| {
            json!({"id": mermaid_id(&name.to_ascii_lowercase()), "kind": kind, "label": name, "via": via})
        })
        .collect();
    let derived_constraints = derived_constraints(f);
    let stakeholders: Vec<Value> = a
        .stakeholders
        .iter()
        .map(|s| {
            let (role, interest) = s.parts("Stakeholder");
            json!({"role": crate::templates::cell(&role), "interest": crate::templates::cell(&interest)})
        })
        .collect();
    let constraints: Vec<Value> = a
        .constraints
        .iter()
        .map(|c| {
            let (kind, text) = c.parts("Technical");
            json!({"kind": crate::templates::cell(&kind), "text": crate::templates::cell(&text)})
        })
        .collect();
    json!({
        "purpose": a.purpose,
        "stakeholders": stakeholders,
        "c4": {
            "system": {"id": system_id, "label": f.project.ws.project_name(), "descr": format!("Rust, {framework}: {}", prefixes.join(", ")).replace('"', "'")},
            "externals": externals,
        },
        "frs": frs,
        "candidates": candidates,
        "nfrs": nfrs,
        "constraints": constraints,
        "derived_constraints": derived_constraints,
        "trace": trace,
    })
}

fn derived_constraints(f: &Facts<'_>) -> Vec<Value> {
    let s = &f.inspection().stack;
    let mut out = Vec::new();
    let edition = s
        .packages
        .first()
        .map(|p| {
            let mut t = format!("Rust (edition {})", p.edition);
            if let Some(rv) = &p.rust_version {
                t.push_str(&format!(", rust-version {rv}"));
            }
            t
        })
        .unwrap_or_else(|| "Rust".into());
    let fws: Vec<String> = s
        .frameworks
        .iter()
        .map(|fw| match &fw.version {
            Some(v) => format!("{} {v}", fw.name),
            None => fw.name.clone(),
        })
        .collect();
    let mut tech = edition;
    if !fws.is_empty() {
        tech.push_str(&format!(", {}", fws.join(", ")));
    }
    out.push(json!({"kind": "Technical", "text": tech}));
    let mut seen: Vec<&str> = Vec::new();
    let mut dbs: Vec<&crate::detect::Database> = s.databases.iter().collect();
    dbs.sort_by_key(|d| d.package.is_none());
    for db in dbs {
        if seen.contains(&db.name.as_str()) {
            continue;
        }
        seen.push(&db.name);
        out.push(json!({"kind": "Technical", "text": format!("{} through `{}`", crate::detect::database_name(&db.name), db.via)}));
    }
    let arch = &f.inspection().architecture;
    if !arch.layers.is_empty() {
        let layers: Vec<String> = arch
            .layers
            .iter()
            .map(|l| {
                format!(
                    "{} ({})",
                    l.name,
                    l.paths
                        .iter()
                        .map(|p| code(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        out.push(json!({"kind": "Architecture", "text": format!("{}: {}", arch.title(), layers.join(" → "))}));
    }
    out
}

// ---------------------------------------------------------------- Step 2

struct StoryDraft {
    id: String,
    title: String,
    frs: Vec<String>,
    nfrs: Vec<String>,
    endpoints: Vec<String>,
}

/// Criteria for a story from its first endpoint: (normal, error).
fn criteria(
    f: &Facts<'_>,
    role: &str,
    capability: &str,
    ep: Option<&Endpoint>,
) -> (String, String) {
    let Some(e) = ep else {
        return (
            format!("Given a {role}, When they {capability}, Then TODO: the observable result"),
            format!(
                "Given invalid input, When a {role} tries to {capability}, Then TODO: the error they receive"
            ),
        );
    };
    let who = if requires_auth(e) {
        format!("a signed-in {role}")
    } else {
        format!("a {role}")
    };
    let call = code(&e.id());
    let status = f.success_status(e);
    let body = match &e.request {
        Some(r) if !r.rust.is_empty() => format!(" with a valid {}", code(&r.rust)),
        _ => String::new(),
    };
    let answer = match &e.response {
        Some(r) if !r.rust.is_empty() && status != 204 => {
            format!(
                "the service answers {} with {}",
                status_text(status),
                code(&r.rust)
            )
        }
        _ => format!("the service answers {}", status_text(status)),
    };
    let normal = format!("Given {who}, When they call {call}{body}, Then {answer}");
    let error = if requires_auth(e) {
        format!(
            "Given a caller without a valid access token, When they call {call}, Then the request is rejected with 401 Unauthorized in the standard error format"
        )
    } else if let Some(r) = e.request.as_ref().filter(|r| !r.rust.is_empty()) {
        format!(
            "Given an invalid {}, When a {role} calls {call}, Then the request is rejected with a 4xx error and nothing is changed",
            code(&r.rust)
        )
    } else if !e.params.is_empty() {
        format!(
            "Given an unknown `{{{}}}`, When a {role} calls {call}, Then the service answers 404 not found",
            e.params[0].name
        )
    } else {
        format!(
            "Given a backing service is unavailable, When a {role} calls {call}, Then the service answers a 5xx error in the standard error format"
        )
    };
    (normal, error)
}

fn user_stories(f: &Facts<'_>) -> Value {
    let req = f.doc(Step::Requirements);
    let frs = defs(req, specplan_ids::Kind::Fr);
    let nfrs = defs(req, specplan_ids::Kind::Nfr);
    let role = f.role();
    let error = error_type(f);
    let nfr_code: Vec<(&String, Vec<String>)> = nfrs
        .iter()
        .map(|(nid, _)| (nid, f.implementers(nid, AnnKind::Implements)))
        .collect();
    let drafts: Vec<StoryDraft> = frs
        .iter()
        .enumerate()
        .map(|(i, (id, title))| {
            let eps: Vec<&Endpoint> = f.endpoints_of(id);
            // NFRs implemented by code the endpoints' flows run through.
            let mut touched: Vec<String> = Vec::new();
            for e in &eps {
                if let Some(flow) = f.endpoint_flow(e) {
                    touched.extend(flow.related);
                }
                if let Some(ty) = auth_extractor(e)
                    && let Some(file) = f.graph().type_file(&ty)
                {
                    touched.push(format!("{file}::{ty}"));
                }
                if let (Some(file), Some(name)) = (error["file"].as_str(), error["name"].as_str()) {
                    touched.push(format!("{file}::{name}"));
                }
            }
            let nfr_ids: Vec<String> = nfr_code
                .iter()
                .filter(|(_, code)| {
                    code.iter().any(|c| {
                        touched
                            .iter()
                            .any(|t| t == c || t.starts_with(&format!("{c}::")))
                    })
                })
                .map(|(nid, _)| (*nid).clone())
                .collect();
            StoryDraft {
                id: id_of(&f.prefix, "US", i + 1),
                title: if title.is_empty() {
                    id.clone()
                } else {
                    title.clone()
                },

                frs: vec![id.clone()],
                nfrs: nfr_ids,
                endpoints: eps.iter().map(|e| e.id()).collect(),
            }
        })
        .collect();
    let stories: Vec<Value> = drafts
        .iter()
        .map(|s| {
            let capability = lower_first(&s.title);
            let ep = s.endpoints.first().and_then(|k| f.endpoint_by_key(k));
            let (normal, error) = criteria(f, &role, &capability, ep);
            json!({
                "id": s.id,
                "title": s.title,
                "capability": capability,
                "frs": s.frs,
                "nfrs": s.nfrs,
                "endpoints": s.endpoints.iter().map(|e| code(e)).collect::<Vec<_>>(),
                "normal": normal,
                "error": error,
            })
        })
        .collect();
    // The traceability table: the document's own stories when it exists.
    let trace: Vec<Value> = match f.doc(Step::UserStories) {
        Some(d) => d
            .definitions
            .iter()
            .filter(|x| x.id.kind() == specplan_ids::Kind::Us)
            .map(|x| {
                let id = x.id.to_string();
                let mut reqs = refs_within(d, &id, specplan_ids::Kind::Fr);
                reqs.extend(refs_within(d, &id, specplan_ids::Kind::Nfr));
                let eps = endpoint_refs_within(d, &id);
                json!({"story": id, "requirements": join_or_dash(&reqs), "endpoints": join_or_dash(&eps.iter().map(|e| code(e)).collect::<Vec<_>>())})
            })
            .collect(),
        None => drafts
            .iter()
            .map(|s| {
                let mut reqs = s.frs.clone();
                reqs.extend(s.nfrs.clone());
                json!({"story": s.id, "requirements": join_or_dash(&reqs), "endpoints": join_or_dash(&s.endpoints.iter().map(|e| code(e)).collect::<Vec<_>>())})
            })
            .collect(),
    };
    let uncovered: Vec<String> = frs
        .iter()
        .filter(|(id, _)| !drafts.iter().any(|s| s.frs.contains(id)))
        .map(|(id, _)| id.clone())
        .collect();
    json!({
        "requirements_found": req.is_some(),
        "fr_count": frs.len(),
        "nfrs": nfrs.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>(),
        "stories": stories,
        "trace": trace,
        "uncovered": uncovered,
    })
}

fn join_or_dash(v: &[String]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        v.join(", ")
    }
}

// ---------------------------------------------------------------- Step 3

/// Schemas reachable from the domain's endpoints, by name.
/// The data model a request or response schema is, or is a list of: the
/// name of its `### Name` heading under Data Models. `None` for a type
/// with no model of its own (`String`, `i64`, a map), or whose schema was
/// not derived.
fn model_of(schema: &Value, models: &std::collections::BTreeMap<String, Value>) -> Option<String> {
    examples::ref_name(schema)
        .or_else(|| {
            (schema.get("type").and_then(Value::as_str) == Some("array"))
                .then(|| schema.get("items").and_then(examples::ref_name))
                .flatten()
        })
        .filter(|n| models.contains_key(*n))
        .map(str::to_string)
}

fn reachable_schemas(f: &Facts<'_>, eps: &[&Endpoint]) -> Vec<(String, Value)> {
    let mut todo: Vec<String> = Vec::new();
    let collect = |v: &Value, out: &mut Vec<String>| {
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(name) = examples::ref_name(v) {
                        out.push(name.to_string());
                    }
                    for x in m.values() {
                        walk(x, out);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        walk(v, out);
    };
    for e in eps {
        for t in [&e.request, &e.response, &e.query].into_iter().flatten() {
            collect(&t.schema, &mut todo);
        }
    }
    let mut seen: Vec<String> = Vec::new();
    while let Some(n) = todo.pop() {
        if seen.contains(&n) {
            continue;
        }
        if let Some(s) = f.routes.schemas.get(&n) {
            collect(s, &mut todo);
        }
        seen.push(n);
    }
    seen.sort();
    seen.into_iter()
        .filter_map(|n| f.routes.schemas.get(&n).map(|s| (n, s.clone())))
        .collect()
}

fn region_name(e: &Endpoint) -> String {
    let mut s = format!("endpoint-{}", e.method.to_ascii_lowercase());
    for seg in e.path.split('/').filter(|s| !s.is_empty()) {
        s.push('-');
        s.extend(
            seg.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-'),
        );
    }
    s
}

/// The sequence diagram of authentication: signing in (when some
/// endpoint does) and a protected request through the auth extractor.
fn auth_flow(f: &Facts<'_>, eps: &[&Endpoint]) -> Value {
    let mut seq = Seq::default();
    seq.actor("C", "Client");
    let login = f.routes.endpoints.iter().find(|e| is_login(e));
    let protected = eps.iter().copied().find(|e| requires_auth(e));
    let mut any = false;
    if let Some(login) = login
        && let Some(flow) = f.endpoint_flow(login)
    {
        seq.add_flow(&flow);
        seq.flow_arrows(&flow);
        any = true;
    }
    if let Some(p) = protected {
        let extractor = auth_extractor(p);
        // The extractor's `from_request*`, or the middleware: an actix
        // `Transform`'s service `call`, or a `from_fn` function.
        let ext_fn = extractor.as_ref().and_then(|t| {
            ["from_request_parts", "from_request", "from_request_ref"]
                .iter()
                .find_map(|m| f.graph().method(t, m))
                .or_else(|| f.graph().method(&format!("{t}Middleware"), "call"))
                .or_else(|| f.graph().method(t, "call"))
                .or_else(|| f.graph().unique_fn(t))
        });
        let handler = f.endpoint_flow(p);
        let h_alias = handler
            .as_ref()
            .and_then(|h| h.participants.first().map(|x| x.alias.clone()));
        if let Some(i) = ext_fn {
            let mut flow = f.flow_builder().flow(
                i,
                "C",
                &format!("{} with {}", p.id(), f.auth().header()),
                "",
            );
            flow.arrows.pop(); // the extractor answers inside the alt below
            // Keep aliases apart from the login flow's.
            let mw = format!("M{}", seq.participants.len());
            let old = flow.participants[0].alias.clone();
            for a in &mut flow.arrows {
                if a.from == old {
                    a.from = mw.clone();
                }
                if a.to == old {
                    a.to = mw.clone();
                }
            }
            flow.participants[0].alias = mw.clone();
            flow.participants[0].layer = "Middleware".into();
            // Other participants may already be declared by the login flow.
            let mut renames: Vec<(String, String)> = Vec::new();
            for p in flow.participants.iter_mut().skip(1) {
                if let Some(existing) = seq.participants.iter().find(|x| {
                    x["label"]
                        .as_str()
                        .is_some_and(|l| l.starts_with(&format!("{}<br/>", p.name)))
                }) {
                    renames.push((
                        p.alias.clone(),
                        existing["alias"].as_str().unwrap_or("").to_string(),
                    ));
                } else if seq
                    .participants
                    .iter()
                    .any(|x| x["alias"] == p.alias.as_str())
                {
                    let fresh = format!("{}{}", p.alias, seq.participants.len() + 1);
                    renames.push((p.alias.clone(), fresh.clone()));
                    p.alias = fresh;
                }
            }
            for a in &mut flow.arrows {
                for (from, to) in &renames {
                    if &a.from == from {
                        a.from = to.clone();
                    }
                    if &a.to == from {
                        a.to = to.clone();
                    }
                }
            }
            flow.participants.retain(|p| {
                !renames
                    .iter()
                    .any(|(from, to)| &p.alias == from && from != to)
            });
            seq.add_flow(&flow);
            // The handler of the protected endpoint.
            let mut handler_alias = None;
            if let Some(h) = &handler
                && let Some(hp) = h.participants.first()
            {
                let existing = seq.participants.iter().find(|x| {
                    x["label"]
                        .as_str()
                        .is_some_and(|l| l.starts_with(&format!("{}<br/>", hp.name)))
                });
                let alias = match existing {
                    Some(x) => x["alias"].as_str().unwrap_or("H").to_string(),
                    None => {
                        let alias = format!("P{}", seq.participants.len());
                        seq.participants.push(json!({"alias": alias, "actor": false, "label": format!("{}<br/>({})", hp.name, hp.layer)}));
                        alias
                    }
                };
                handler_alias = Some(alias);
            }
            let _ = h_alias;
            seq.flow_arrows(&flow);
            seq.open(
                "alt",
                "missing, invalid or expired token, or revoked session",
            );
            seq.arrow(&mw, "-->>", "C", "401 Unauthorized");
            seq.else_("valid token and live session");
            match &handler_alias {
                Some(h) => {
                    seq.arrow(
                        &mw,
                        "->>",
                        h,
                        &format!(
                            "{} runs for the caller",
                            p.handler.rsplit("::").next().unwrap_or("handler")
                        ),
                    );
                    seq.arrow(h, "-->>", "C", &status_text(f.success_status(p)));
                }
                None => seq.arrow(&mw, "-->>", "C", "the handler's response"),
            }
            seq.end();
            any = true;
        }
    }
    if !any {
        match eps
            .first()
            .and_then(|e| f.endpoint_flow(e).map(|fl| (e, fl)))
        {
            Some((_, flow)) => {
                seq.add_flow(&flow);
                let entry = flow
                    .participants
                    .first()
                    .map(|p| p.alias.clone())
                    .unwrap_or_default();
                match protected {
                    Some(p) => seq.note(
                        &entry,
                        &format!(
                            "TODO: draw how {} authenticates {}",
                            p.auth.by.as_deref().unwrap_or("the code"),
                            p.id()
                        ),
                    ),
                    None if eps.iter().all(|e| e.auth.access == Access::Public) => {
                        seq.note(&entry, "No authentication: these endpoints are public")
                    }
                    None => seq.note(
                        &entry,
                        "TODO: whether these endpoints need a caller is not fully known from the code",
                    ),
                }
                seq.flow_arrows(&flow);
            }
            None => seq.note("C", "TODO: how clients authenticate"),
        }
    }
    seq.value()
}

/// The error type the handlers answer with, and its variants.
fn error_type(f: &Facts<'_>) -> Value {
    let found = f.graph().trait_impls.iter().find(|(tr, ty, _)| {
        matches!(
            tr.as_str(),
            "IntoResponse" | "ResponseError" | "Responder" | "ResponseErrorExt"
        ) && ty.contains("Error")
    });
    match found {
        Some((tr, ty, file)) => json!({
            "name": ty,
            "trait": tr,
            "file": file,
            "variants": f.graph().variants.get(ty).cloned().unwrap_or_default(),
        }),
        None => Value::Null,
    }
}

fn api_spec(f: &Facts<'_>) -> Value {
    let eps: Vec<&Endpoint> = f.endpoints().collect();
    let stories_doc = f.doc(Step::UserStories);
    let req_doc = f.doc(Step::Requirements);
    let frs = defs(req_doc, specplan_ids::Kind::Fr);
    let uc_doc = f.doc(Step::UseCases);
    // Each story with the endpoints and FRs its section names, and each
    // use case with its endpoints: read once, not once per endpoint.
    let story_links: Vec<(String, &[String], Vec<&str>)> = stories_doc
        .map(|d| {
            d.definitions
                .iter()
                .filter(|x| x.id.kind() == specplan_ids::Kind::Us)
                .map(|x| {
                    let us = x.id.to_string();
                    let w = d.within();
                    let eps = w.endpoints(&us);
                    let frs = w.ids(&us, specplan_ids::Kind::Fr).collect();
                    (us, eps, frs)
                })
                .collect()
        })
        .unwrap_or_default();
    let stories_of = |e: &Endpoint| -> Vec<String> {
        let key = e.id();
        story_links
            .iter()
            .filter(|(_, eps, frs)| {
                eps.contains(&key) || frs.iter().any(|fr| e.implements.iter().any(|i| i == fr))
            })
            .map(|(us, _, _)| us.clone())
            .collect()
    };
    let uc_links: Vec<(String, &[String])> = uc_doc
        .map(|d| {
            d.definitions
                .iter()
                .filter(|x| x.id.kind() == specplan_ids::Kind::Uc)
                .map(|x| {
                    let uc = x.id.to_string();
                    let eps = d.within().endpoints(&uc);
                    (uc, eps)
                })
                .collect()
        })
        .unwrap_or_default();
    let use_cases_of = |e: &Endpoint| -> Vec<String> {
        let key = e.id();
        uc_links
            .iter()
            .filter(|(_, eps)| eps.contains(&key))
            .map(|(uc, _)| uc.clone())
            .collect()
    };
    let catalog: Vec<Value> = eps
        .iter()
        .map(|e| {
            json!({
                "endpoint": code(&e.id()),
                "handler": code(&f.handler_ref(e)),
                "auth": auth_cell(&f.auth().header(), e, false),
                "requirements": join_or_dash(&f.requirements_of(e)),
                "stories": join_or_dash(&stories_of(e)),
            })
        })
        .collect();
    // One section per endpoint ID: a second handler of the same method and
    // path (Rocket routes that differ by query or rank) joins its section,
    // which would otherwise define the endpoint twice.
    let mut sections: Vec<(&Endpoint, Vec<&Endpoint>)> = Vec::new();
    let mut section_of: std::collections::HashMap<String, usize> = Default::default();
    for &e in &eps {
        match section_of.get(&e.id()) {
            Some(&i) => sections[i].1.push(e),
            None => {
                section_of.insert(e.id(), sections.len());
                sections.push((e, Vec::new()));
            }
        }
    }
    let endpoints: Vec<Value> = sections
        .iter()
        .map(|(e, more)| {
            let e: &Endpoint = e;
            let handler = std::iter::once(e)
                .chain(more.iter().copied())
                .map(|h| code(&f.handler_ref(h)))
                .collect::<Vec<_>>()
                .join(" or ");
            let title = e
                .implements
                .iter()
                .find_map(|id| frs.iter().find(|(fid, _)| fid == id).map(|(_, t)| t.clone()))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| endpoint_title(e));
            let req = f.example_request(e);
            let status = f.success_status(e);
            let response = e.response.as_ref().filter(|r| !r.rust.is_empty() && status != 204).map(|r| {
                let example = examples::example(&r.schema, &f.routes.schemas);
                // `null` or `[null]`: the code gives the body no type (an
                // `HttpResponse` built at run time, `impl Responder`): say
                // what is unknown instead of showing an empty example.
                let unknown = match &example {
                    Value::Null => true,
                    Value::Array(items) => items.iter().all(Value::is_null),
                    _ => false,
                };
                json!({
                    "rust": r.rust,
                    "kind": r.kind,
                    "model": model_of(&r.schema, &f.routes.schemas),
                    "example": serde_json::to_string_pretty(&example).unwrap_or_default(),
                    "unknown": unknown,
                })
            });
            let request = e.request.as_ref().filter(|r| !r.rust.is_empty()).map(|r| {
                json!({"rust": r.rust, "kind": r.kind, "model": model_of(&r.schema, &f.routes.schemas), "example": req.body})
            });
            let params: Vec<Value> = e
                .params
                .iter()
                .map(|p| json!({"name": p.name, "rust": p.rust.clone().unwrap_or_else(|| "string".into())}))
                .collect();
            let query = e.query.as_ref().map(|q| {
                let props: Vec<String> = q.schema.get("properties").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).or_else(|| {
                    let name = examples::ref_name(&q.schema)?;
                    f.routes.schemas.get(name)?.get("properties")?.as_object().map(|m| m.keys().cloned().collect())
                }).unwrap_or_default();
                json!({"rust": q.rust, "params": props})
            });
            let errors = error_lines(e);
            let seq_exists = f.doc(Step::SequenceDiagram).is_some();
            json!({
                "key": e.id(),
                "region": region_name(e),
                "title": title,
                "handler": handler,
                "route": format!("{}:{}", e.file, e.line),
                "auth": requires_auth(e),
                "auth_text": auth_cell(&f.auth().header(), e, true),
                "credential": credential_text(&f.auth().header(), e),
                "requirements": f.requirements_of(e),
                "stories": stories_of(e),
                "use_cases": use_cases_of(e),
                "sequence": seq_exists,
                "status": status_text(status),
                "params": params,
                "query": query,
                "request": request,
                "response": response,
                "errors": errors,
                "curl": req.curl(),
                "fetch": req.fetch(),
            })
        })
        .collect();
    let models: Vec<Value> = reachable_schemas(f, &eps)
        .into_iter()
        .map(|(name, schema)| {
            let mut s = schema.clone();
            if let Value::Object(m) = &mut s {
                let mut with_id = serde_json::Map::new();
                with_id.insert("$id".into(), json!(format!("#/schemas/{name}")));
                with_id.insert("title".into(), json!(name));
                for (k, v) in m.iter() {
                    with_id.insert(k.clone(), v.clone());
                }
                s = Value::Object(with_id);
            }
            json!({"name": name, "schema": serde_json::to_string_pretty(&s).unwrap_or_default()})
        })
        .collect();
    let auth_count = eps.iter().filter(|e| requires_auth(e)).count();
    let count = |a: Access| eps.iter().filter(|e| e.auth.access == a).count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut summary: Vec<String> = Vec::new();
    if auth_count > 0 {
        // Each credential once, in the order first met.
        let mut creds: Vec<String> = Vec::new();
        for e in eps.iter().filter(|e| requires_auth(e)) {
            let mut text = credential_text(&f.auth().header(), e);
            if e.auth.credential == Some(Credential::Authorization) {
                text = format!("{text} ({})", crate::templates::cell(&f.auth().source()));
            }
            if !creds.contains(&text) {
                creds.push(text);
            }
        }
        summary.push(format!(
            "{auth_count} of {} endpoint{} require{} {}",
            eps.len(),
            plural(eps.len()),
            if auth_count == 1 { "s" } else { "" },
            creds.join(" or ")
        ));
    }
    let optional = count(Access::Optional);
    if optional > 0 {
        summary.push(format!(
            "{optional} accept{} it optionally (the handler runs without a caller too)",
            if optional == 1 { "s" } else { "" }
        ));
    }
    let public = count(Access::Public);
    if public > 0 {
        summary.push(format!(
            "{public} {} public",
            if public == 1 { "is" } else { "are" }
        ));
    }
    let unknown = count(Access::Unknown);
    if unknown > 0 {
        summary.push(format!(
            "TODO: for {unknown} the code does not say whether a caller is required (see each endpoint)"
        ));
    }
    let auth_summary = if summary.is_empty() {
        "— (no endpoints)".to_string()
    } else {
        summary.join("; ")
    };
    json!({
        "endpoints": endpoints,
        "catalog": catalog,
        "models": models,
        "auth_flow": auth_flow(f, &eps),
        "auth_count": auth_count,
        "auth_summary": auth_summary,
        "auth_header": f.auth().header(),
        "auth_source": f.auth().source(),
        "endpoint_count": eps.len(),
        "error": error_type(f),
        "use_cases_exist": uc_doc.is_some(),
    })
}

// ---------------------------------------------------------------- Step 4

fn use_cases(f: &Facts<'_>) -> Value {
    let stories_doc = f.doc(Step::UserStories);
    let stories = defs(stories_doc, specplan_ids::Kind::Us);
    let role = f.role();
    let login = f.routes.endpoints.iter().find(|e| is_login(e));
    let mut ucs: Vec<Value> = Vec::new();
    let mut drafts: Vec<(String, String, Option<&Endpoint>)> = Vec::new();
    for (i, (us, title)) in stories.iter().enumerate() {
        let d = stories_doc.expect("stories come from the document");
        let eps = endpoint_refs_within(d, us);
        let frs = refs_within(d, us, specplan_ids::Kind::Fr);
        let ep = eps.iter().find_map(|k| f.endpoint_by_key(k)).or_else(|| {
            frs.iter()
                .find_map(|fr| f.endpoints_of(fr).into_iter().next())
        });
        let id = id_of(&f.prefix, "UC", i + 1);
        let title = if title.is_empty() {
            us.clone()
        } else {
            title.clone()
        };
        drafts.push((id.clone(), title.clone(), ep));
        let (flow, steps, related) = match ep.and_then(|e| f.endpoint_flow(e).map(|fl| (e, fl))) {
            Some((_, flow)) => {
                let mut seq = Seq::default();
                seq.actor("C", &humanize(&role));
                seq.add_flow(&flow);
                seq.flow_arrows(&flow);
                let steps: Vec<String> = flow
                    .arrows
                    .iter()
                    .filter(|a| a.arrow == "->>")
                    .map(|a| {
                        let name = |alias: &str| {
                            flow.participants
                                .iter()
                                .find(|p| p.alias == alias)
                                .map(|p| code(&p.name))
                                .unwrap_or_else(|| format!("The {}", lower_first(&humanize(&role))))
                        };
                        let what = code(&a.text.replace('‹', "<").replace('›', ">"));
                        if a.to == super::calls::DATABASE {
                            let db = flow
                                .participants
                                .iter()
                                .find(|p| p.alias == a.to)
                                .map_or("the database", |p| p.name.as_str());
                            format!("{} runs {what} on {db}", name(&a.from))
                        } else {
                            format!("{} calls {what} on {}", name(&a.from), name(&a.to))
                        }
                    })
                    .collect();
                (Some(seq.value()), steps, flow.related)
            }
            None => (None, Vec::new(), Vec::new()),
        };
        let auth = ep.is_some_and(requires_auth);
        let mut alternatives: Vec<String> = Vec::new();
        if let Some(e) = ep {
            if auth {
                alternatives.push(format!("**A1: not signed in.** At step 1 the access token is missing, invalid or expired: {} answers 401 Unauthorized and nothing else happens.", code(&e.id())));
            }
            if e.request.is_some() {
                alternatives.push(format!("**A{}: invalid input.** At step 1 the body fails validation: the service answers a 4xx error in the standard error format and nothing is stored.", alternatives.len() + 1));
            }
            // The errors the handler's code produces, each where it is
            // produced (the branch point); else the generic cases.
            let coded: Vec<_> = e
                .errors
                .iter()
                .filter(|c| {
                    c.status
                        .is_some_and(|s| (400..500).contains(&s) && s != 401)
                })
                .collect();
            for c in &coded {
                alternatives.push(format!(
                    "**A{}: {}.** At {}:{} the handler answers `{}`: {}.",
                    alternatives.len() + 1,
                    c.variant.rsplit("::").next().unwrap_or(&c.variant),
                    c.file,
                    c.line,
                    c.variant,
                    status_text(c.status.unwrap_or(0))
                ));
            }
            if coded.is_empty() && !e.params.is_empty() {
                alternatives.push(format!("**A{}: not found.** The `{{{}}}` names nothing the caller may see: 404 Not Found.", alternatives.len() + 1, e.params[0].name));
            }
            alternatives.push(format!("**A{}: backing service failure.** The database or cache does not answer: 5xx in the standard error format; the client may retry.", alternatives.len() + 1));
        }
        let tests = ep.map(|e| {
            let req = f.example_request(e);
            let mut bad = req.clone();
            let error_title;
            if auth {
                bad.auth = None;
                error_title = "Error case: without a token (expect 401)";
            } else if bad.body.is_some() {
                bad.body = Some("{}".into());
                error_title = "Error case: an empty body (expect 4xx)";
            } else {
                bad.url = format!("{}/does-not-exist", bad.url);
                error_title = "Error case: an unknown path (expect 404)";
            }
            json!({
                "curl": req.curl(),
                "fetch": req.fetch(),
                "error_title": error_title,
                "error_curl": bad.curl(),
                "error_fetch": bad.fetch(),
                "status": status_text(f.success_status(e)),
            })
        });
        ucs.push(json!({
            "id": id,
            "num": i + 1,
            "node": format!("UC{}", i + 1),
            "title": title,
            "story": us,
            "frs": frs,
            "endpoint": ep.map(|e| code(&e.id())),
            "auth": auth,
            "actor": humanize(&role),
            "flow": flow,
            "steps": steps,
            "alternatives": alternatives,
            "tests": tests,
            "related": related.iter().map(|r| code(r)).collect::<Vec<_>>(),
            "region": format!("uc-{:02}", i + 1),
        }));
    }
    // include: protected use cases include signing in (a use case of this
    // domain when there is one, else the sign-in endpoint elsewhere).
    let login_uc = drafts
        .iter()
        .find(|(_, _, e)| e.is_some_and(is_login))
        .map(|(id, _, _)| id.clone());
    let mut relations: Vec<Value> = Vec::new();
    for (id, _, e) in &drafts {
        if e.is_some_and(requires_auth) {
            match (&login_uc, login) {
                (Some(l), _) if l != id => relations.push(json!({"from": id, "kind": "include", "to": l, "why": "needs a signed-in caller"})),
                (None, Some(le)) => relations.push(json!({"from": id, "kind": "include", "to": format!("Sign in ({})", code(&le.id())), "why": "needs a signed-in caller"})),
                _ => {}
            }
        }
    }
    let externals: Vec<Value> = f
        .externals()
        .into_iter()
        .map(|(name, _, via)| json!({"id": mermaid_id(&name.to_ascii_lowercase()), "name": name, "via": via}))
        .collect();
    json!({
        "use_cases": ucs,
        "relations": relations,
        "externals": externals,
        "login_node": login_uc.is_none() && login.is_some() && relations.iter().any(|r| r["to"].as_str().is_some_and(|t| t.starts_with("Sign in"))),
        "stories_found": stories_doc.is_some(),
        "system": f.project.ws.project_name(),
    })
}

// ---------------------------------------------------------------- Step 5

fn layers_ascii(f: &Facts<'_>) -> String {
    let arch = &f.inspection().architecture;
    let mut boxes: Vec<(String, String)> = vec![("Client".into(), "HTTP / JSON".into())];
    for l in &arch.layers {
        boxes.push((format!("{}: {}", l.name, l.role), l.paths.join(", ")));
    }
    for (name, _, via) in f.externals() {
        boxes.push((name, format!("through {via}")));
    }
    let width = boxes
        .iter()
        .map(|(a, b)| a.chars().count().max(b.chars().count()))
        .max()
        .unwrap_or(10)
        + 4;
    let mut out = String::new();
    for (i, (title, detail)) in boxes.iter().enumerate() {
        let pad = |s: &str| format!("| {s}{} |", " ".repeat(width - 4 - s.chars().count()));
        out.push_str(&format!("+{}+\n", "-".repeat(width - 2)));
        out.push_str(&pad(title));
        out.push('\n');
        if !detail.is_empty() {
            out.push_str(&pad(detail));
            out.push('\n');
        }
        out.push_str(&format!("+{}+\n", "-".repeat(width - 2)));
        if i + 1 < boxes.len() {
            let mid = width / 2;
            out.push_str(&format!("{}|\n{}v\n", " ".repeat(mid), " ".repeat(mid)));
        }
    }
    out.trim_end().to_string()
}

fn sequence_diagrams(f: &Facts<'_>) -> Value {
    let uc_doc = f.doc(Step::UseCases);
    let mut flows: Vec<Value> = Vec::new();
    let mut items: Vec<(String, Option<String>, &Endpoint)> = Vec::new();
    match uc_doc {
        Some(d) => {
            for x in d
                .definitions
                .iter()
                .filter(|x| x.id.kind() == specplan_ids::Kind::Uc)
            {
                let id = x.id.to_string();
                if let Some(e) = endpoint_refs_within(d, &id)
                    .iter()
                    .find_map(|k| f.endpoint_by_key(k))
                {
                    items.push((
                        if x.title.is_empty() {
                            id.clone()
                        } else {
                            short_title(&x.title)
                        },
                        Some(id),
                        e,
                    ));
                }
            }
        }
        None => {
            for e in f.endpoints() {
                items.push((endpoint_title(e), None, e));
            }
        }
    }
    let mut first_failing: Option<(Flow, String)> = None;
    let mut perf: Vec<String> = Vec::new();
    for (n, (title, uc, e)) in items.iter().enumerate() {
        let Some(flow) = f.endpoint_flow(e) else {
            continue;
        };
        let mut seq = Seq::default();
        seq.actor("C", "Client");
        seq.add_flow(&flow);
        seq.flow_arrows(&flow);
        let steps: Vec<String> = flow
            .arrows
            .iter()
            .filter(|a| a.arrow == "->>" && a.from != "C")
            .map(|a| a.text.replace('‹', "<").replace('›', ">"))
            .collect();
        let infra_calls = flow
            .arrows
            .iter()
            .filter(|a| {
                a.arrow == "->>"
                    && flow
                        .participants
                        .iter()
                        .any(|p| p.alias == a.to && p.layer == "Infrastructure")
            })
            .count();
        if infra_calls > 0 {
            perf.push(format!(
                "{} makes {infra_calls} call{} to the persistence layer per request.",
                code(&e.id()),
                if infra_calls == 1 { "" } else { "s" }
            ));
        }
        let queries = flow
            .arrows
            .iter()
            .filter(|a| a.arrow == "->>" && a.to == super::calls::DATABASE)
            .count();
        if queries > 0 {
            perf.push(format!(
                "{}'s code path writes {queries} statement{} to {} (its branches and loops decide how many run per request).",
                code(&e.id()),
                if queries == 1 { "" } else { "s" },
                f.database()
            ));
        }
        if first_failing.is_none()
            && flow.participants.iter().any(|p| {
                Some(&p.alias) == flow.deepest.as_ref() && (p.layer == "Infrastructure" || p.actor)
            })
        {
            first_failing = Some((flow.clone(), e.id()));
        }
        flows.push(json!({
            "num": format!("2.{}", n + 1),
            "title": title,
            "uc": uc,
            "endpoint": code(&e.id()),
            "diagram": seq.value(),
            "steps": steps.iter().map(|s| code(s)).collect::<Vec<_>>(),
            "related": flow.related.iter().map(|r| code(r)).collect::<Vec<_>>(),
        }));
    }
    // Error flows: an authentication failure and a backing-service failure.
    let mut errors: Vec<Value> = Vec::new();
    let eps: Vec<&Endpoint> = f.endpoints().collect();
    if let Some(p) = eps.iter().copied().find(|e| requires_auth(e))
        && let Some(ty) = auth_extractor(p)
        && let Some(i) = ["from_request_parts", "from_request"]
            .iter()
            .find_map(|m| f.graph().method(&ty, m))
    {
        let mut flow = f.flow_builder().flow(
            i,
            "C",
            &format!("{} with an expired or revoked token", p.id()),
            "",
        );
        flow.arrows.pop();
        let entry = flow.participants[0].alias.clone();
        let mut seq = Seq::default();
        seq.actor("C", "Client");
        seq.add_flow(&flow);
        let first = flow.arrows.remove(0);
        seq.lines.push(json!({"kind": "arrow", "from": first.from, "arrow": first.arrow, "to": first.to, "text": first.text}));
        seq.open("alt", "no Authorization header");
        seq.arrow(&entry, "-->>", "C", "401 Unauthorized");
        seq.else_("token present");
        seq.flow_arrows(&flow);
        seq.arrow(&entry, "-->>", "C", "401 Unauthorized");
        seq.end();
        let related = flow.related.iter().map(|r| code(r)).collect::<Vec<_>>();
        errors.push(json!({
            "title": "Expired or revoked session",
            "description": format!("A protected endpoint such as {} is called with a token that is expired, tampered with, or whose session was revoked: the request stops in `{}` and never reaches the handler.", code(&p.id()), ty),
            "diagram": seq.value(),
            "related": related,
        }));
    }
    if let Some((flow, key)) = &first_failing
        && let Some((arrows, deepest, _)) = failing(flow)
    {
        let mut seq = Seq::default();
        seq.actor("C", "Client");
        seq.add_flow(flow);
        let n_err = arrows.iter().filter(|a| a.text.is_empty()).count();
        let mut k = 0;
        for a in &arrows {
            if a.text.is_empty() {
                k += 1;
                if k == 1 {
                    seq.note(&deepest, "the database or cache does not answer");
                }
                let text = if k == n_err {
                    "Err: mapped to 5xx by the error type".to_string()
                } else {
                    "Err(…)".to_string()
                };
                seq.arrow(&a.from, "--x", &a.to, &text);
            } else {
                seq.arrow(&a.from, &a.arrow, &a.to, &a.text);
            }
        }
        let entry = flow.participants[0].alias.clone();
        seq.arrow(
            &entry,
            "-->>",
            "C",
            "500 or 503 in the standard error format",
        );
        errors.push(json!({
            "title": "Backing service failure",
            "description": format!("{} while its storage is unavailable: the error travels back up the chain and the client receives the standard error body, without internal details.", code(key)),
            "diagram": seq.value(),
            "related": flow.related.iter().map(|r| code(r)).collect::<Vec<_>>(),
        }));
    }
    let files: Vec<Value> = {
        let mut seen: Vec<String> = Vec::new();
        for fl in &flows {
            for r in fl["related"].as_array().into_iter().flatten() {
                let s = r.as_str().unwrap_or("").trim_matches('`');
                let file = s.split("::").next().unwrap_or(s).to_string();
                if !seen.contains(&file) {
                    seen.push(file);
                }
            }
        }
        seen.iter()
            .map(|file| json!({"file": code(file), "layer": layer_of(&f.inspection().architecture, file)}))
            .collect()
    };
    json!({
        "layers_ascii": layers_ascii(f),
        "layers": f.inspection().architecture.layers.iter().map(|l| json!({"name": l.name, "role": l.role, "paths": l.paths.iter().map(|p| code(p)).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        "flows": flows,
        "errors": errors,
        "performance": perf,
        "files": files,
        "use_cases_found": uc_doc.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles() {
        assert_eq!(
            short_title("List my orders, newest first, a page at a time"),
            "List my orders"
        );
        assert_eq!(short_title("Sign out"), "Sign out");
        assert_eq!(humanize("list_orders"), "List orders");
        assert_eq!(status_text(201), "201 Created");
    }
}
