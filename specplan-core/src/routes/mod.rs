//! The endpoints a workspace serves, read from its sources with `syn`.
//!
//! For each endpoint: the method, the path as served (every nest, scope,
//! mount and prefix applied, parameters as `{name}`), the handler as a path
//! the user can jump to, where the route is declared, the framework, the
//! requirement IDs of `#[implements("…")]` on the handler, and the request
//! and response types with their JSON Schema.
//!
//! How: a [symbol index](index) resolves paths across modules and crates;
//! an [abstract interpreter](eval) evaluates every function that builds a
//! router, following calls into the workspace and interpreting the
//! frameworks' builder APIs (axum 0.4–0.8 and utoipa-axum, actix-web,
//! Rocket, poem and poem-openapi, loco, warp); the routers no other
//! function consumes are the roots whose routes are served. gRPC services
//! come from the `.proto` files the build compiles ([`grpc`]), GraphQL root
//! fields from the schema's root types ([`graphql`]).
//!
//! What cannot be resolved statically (a path built at run time, a user's
//! macro, a recursion, a call outside the workspace where a router was
//! expected) is an [`Unresolved`] note with its location: never guessed,
//! never silently dropped. A source file that does not parse is a
//! diagnostic; the rest is still extracted.

mod access;
mod attrs;
mod errors;
mod eval;
mod graphql;
mod grpc;
mod index;
mod listen;
mod path;
mod schema;
mod types;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{Value, json};

use crate::diag::{self, Diagnostic};
use crate::scan::Prefilter;
use crate::source::Files;
use crate::workspace::Workspace;

pub use access::{Access, Auth, Credential, Evidence};
pub use errors::ErrorCase;
pub use listen::Listen;
pub use path::{
    actix_join, axum_nested, loco_join, normalize_path, path_params, path_shape, rocket_join,
};

/// How an endpoint is compared across the router and the documents:
/// the method upper-cased, the path normalised (`{id}` for every parameter).
pub fn endpoint_key(method: &str, path: &str) -> (String, String) {
    (method.to_ascii_uppercase(), normalize_path(path))
}
pub(crate) use schema::type_text;
pub use types::{Param, TypeRef};

use eval::{Entry, Eval, Handler, Layer, Note, Router, Site};
use index::{FnRef, Index, impl_blocks, walk_modules};
use schema::SchemaGen;

/// A framework routes are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Framework {
    #[serde(rename = "axum")]
    Axum,
    #[serde(rename = "actix-web")]
    ActixWeb,
    #[serde(rename = "rocket")]
    Rocket,
    #[serde(rename = "poem")]
    Poem,
    #[serde(rename = "poem-openapi")]
    PoemOpenapi,
    #[serde(rename = "loco")]
    Loco,
    #[serde(rename = "warp")]
    Warp,
    #[serde(rename = "tonic")]
    Tonic,
    #[serde(rename = "async-graphql")]
    AsyncGraphql,
    #[serde(rename = "juniper")]
    Juniper,
}

impl Framework {
    /// The name, as on crates.io (`loco` for `loco-rs`).
    pub fn name(self) -> &'static str {
        match self {
            Framework::Axum => "axum",
            Framework::ActixWeb => "actix-web",
            Framework::Rocket => "rocket",
            Framework::Poem => "poem",
            Framework::PoemOpenapi => "poem-openapi",
            Framework::Loco => "loco",
            Framework::Warp => "warp",
            Framework::Tonic => "tonic",
            Framework::AsyncGraphql => "async-graphql",
            Framework::Juniper => "juniper",
        }
    }

    /// The framework a dependency is.
    pub(crate) fn of_crate(name: &str) -> Option<Framework> {
        Some(match name {
            "axum" | "utoipa-axum" => Framework::Axum,
            "actix-web" => Framework::ActixWeb,
            "rocket" => Framework::Rocket,
            "poem" => Framework::Poem,
            "poem-openapi" => Framework::PoemOpenapi,
            "loco-rs" => Framework::Loco,
            "warp" => Framework::Warp,
            "tonic" => Framework::Tonic,
            "async-graphql" => Framework::AsyncGraphql,
            "juniper" => Framework::Juniper,
            _ => return None,
        })
    }

    fn is_http_router(self) -> bool {
        matches!(
            self,
            Framework::Axum
                | Framework::ActixWeb
                | Framework::Rocket
                | Framework::Poem
                | Framework::Loco
                | Framework::Warp
        )
    }
}

impl std::fmt::Display for Framework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointKind {
    /// `METHOD /path`.
    Http,
    /// `POST /package.Service/Method`.
    Grpc,
    /// A root field: method `QUERY`, `MUTATION` or `SUBSCRIPTION`, path the
    /// field's name.
    Graphql,
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// One endpoint the workspace serves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    /// `GET`, `POST`…; `ANY` for a handler of every method.
    pub method: String,
    /// As served, normalised ([`normalize_path`]).
    pub path: String,
    /// The handler, as a path (`storefront::handlers::auth::login`), or as
    /// written when it is not a function of the workspace (`<closure>`).
    pub handler: String,
    /// Where the route is declared (workspace-relative).
    pub file: String,
    pub line: usize,
    pub framework: Framework,
    /// IDs named by `#[implements(…)]` on the handler (and its `impl` block).
    pub implements: Vec<String>,
    pub column: usize,
    pub kind: EndpointKind,
    /// Where the handler is defined, when it is a function of the workspace.
    pub handler_location: Option<Location>,
    /// Path parameters, in order.
    pub params: Vec<Param>,
    pub query: Option<TypeRef>,
    pub request: Option<TypeRef>,
    pub response: Option<TypeRef>,
    /// Other arguments of the handler (`State<AppState>`, `AuthUser`).
    pub extractors: Vec<String>,
    /// Whether it needs a caller, and what in the code says so.
    pub auth: Auth,
    /// The errors its handler can answer with, each where it is produced.
    pub errors: Vec<ErrorCase>,
    /// False when the handler's return type cannot carry an error
    /// (`&'static str`, `Json<T>`, `StatusCode`): it answers no error of its
    /// own.
    #[serde(skip_serializing_if = "is_true")]
    pub fallible: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Endpoint {
    /// The endpoint's ID as documents write it (SPEC.md §3.2): `GET /x/{id}`.
    pub fn id(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A route the extractor could not resolve statically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Unresolved {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The code in question.
    pub what: String,
    /// Why it is not resolved and what is therefore missing.
    pub why: String,
}

/// Everything `routes` knows.
#[derive(Debug, Clone, Default)]
pub struct RouteSet {
    /// Sorted by path, then method.
    pub endpoints: Vec<Endpoint>,
    pub unresolved: Vec<Unresolved>,
    /// Problems met reading the sources (files that do not parse…).
    pub diagnostics: Vec<Diagnostic>,
    /// JSON Schemas of the request and response types, by name.
    pub schemas: BTreeMap<String, Value>,
    /// How the sources were parsed.
    pub parse_stats: ParseStats,
    /// Where the server listens, when the code binds an address.
    pub listen: Option<Listen>,
}

/// How many files the extraction parsed, and how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseStats {
    /// Files parsed (each once, unless counted in `reparsed` too).
    pub parsed: usize,
    /// Of those, parsed as outlines (bodies that build no router left out).
    pub outlines: usize,
    /// Outlines parsed a second time, whole, because a body left out was
    /// called with values after all.
    pub reparsed: usize,
}

/// The byte strings one of which a file that builds routers contains. Each
/// carries the punctuation of its call (`route(`, not `route`), so prose and
/// identifiers such as `services` or `routing_table` do not make a file a
/// candidate: on a large workspace, parsing every file that merely says
/// "service" costs seconds and gigabytes.
const ROUTER_NEEDLES: &[&str] = &[
    "route(",
    "Router",
    "Route",
    "routes!",
    "scope(",
    "mount(",
    "warp",
    "OpenApiService",
    "App::new",
    "configure(",
    "nest(",
    "nest_service(",
    "merge(",
    "service(",
    "services!",
    "serve(",
    "launch",
];

/// Extracts every endpoint of the workspace.
///
/// Runs on a thread of its own with a large stack: routers nest, and the
/// evaluation recurses with them.
pub fn extract(ws: &Workspace, files: &Files) -> RouteSet {
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new()
            .name("specplan-routes".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(s, || extract_here(ws, files));
        match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: the caller's stack will do.
            Err(_) => extract_here(ws, files),
        }
    })
}

fn extract_here(ws: &Workspace, files: &Files) -> RouteSet {
    // Files are parsed as outlines: the body of a function is kept when it
    // names router vocabulary or returns a router, the only bodies the
    // evaluation reads unprompted.
    let filter = Prefilter::new(ROUTER_NEEDLES);
    let body_needles = filter.clone();
    let sig_needles = Prefilter::new(eval::ROUTING_TYPE_NAMES);
    let ix = Index::new(ws, files).with_outlines(Box::new(move |sig, body| {
        body_needles.matches(body) || sig_needles.matches(sig)
    }));
    let ev = Eval::new(&ix, filter.clone());
    let router_files = ix.matching(&filter);

    // Every function of those files is a candidate root.
    let mut candidates: Vec<FnRef> = Vec::new();
    for &file in &router_files {
        let Some(src) = ix.parsed(file) else { continue };
        let base = ix.file_loc(file);
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
            let mut loc = base.clone();
            loc.inline = inline.to_vec();
            for item in items {
                if let syn::Item::Fn(f) = item
                    && !crate::scan::is_test_item(&f.attrs)
                {
                    candidates.push(FnRef {
                        loc: loc.clone(),
                        impl_ty: None,
                        impl_idx: 0,
                        name: f.sig.ident.to_string(),
                    });
                }
            }
            for (idx, item) in impl_blocks(items).enumerate() {
                let syn::Item::Impl(imp) = item else { continue };
                let Some(ty) = index::type_name(&imp.self_ty) else {
                    continue;
                };
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it
                        && !crate::scan::is_test_item(&f.attrs)
                    {
                        candidates.push(FnRef {
                            loc: loc.clone(),
                            impl_ty: Some(ty.clone()),
                            impl_idx: idx,
                            name: f.sig.ident.to_string(),
                        });
                    }
                }
            }
        });
    }
    let outputs: Vec<(FnRef, Rc<eval::FnOut>)> = candidates
        .into_iter()
        .map(|f| {
            let out = ev.call_fn(&f, Vec::new(), None);
            (f, out)
        })
        .collect();

    let consumed = ev.consumed.borrow().clone();
    let roots: Vec<&(FnRef, Rc<eval::FnOut>)> = outputs
        .iter()
        .filter(|(f, out)| {
            !consumed.contains(f)
                && (!out.routers().is_empty() || matches!(out.value, eval::Val::Filter(_)))
        })
        .collect();
    // An entry point: `main`, `#[launch]`/`#[…::main]`, or a trait method
    // the framework calls (loco's `Hooks::routes`).
    let is_entry = |f: &FnRef| {
        ix.with_fn(f, |v, _| {
            (f.name == "main" && f.impl_ty.is_none())
                || v.in_trait_impl
                || v.attrs.iter().any(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "main" || s.ident == "launch")
                })
        })
        .unwrap_or(false)
    };
    let has_entry = roots.iter().any(|(f, _)| is_entry(f));
    let mut raws = Vec::new();
    let mut notes: Vec<Rc<Note>> = Vec::new();
    for (f, out) in roots {
        let mut own = Vec::new();
        let mut own_notes = Vec::new();
        for r in out.routers() {
            flatten(&r, "", &[], &mut own, &mut own_notes);
        }
        if let eval::Val::Filter(flt) = &out.value
            && ev.warp_served.borrow().is_empty()
        {
            warp_endpoints(flt, &mut own, &mut own_notes, true);
        }
        // A router nothing mounts and nothing in the application names,
        // beside an entry point that serves others: dead code, or mounted
        // by code outside the workspace. Said, not listed.
        if has_entry && !own.is_empty() && !is_entry(f) && !ix.referenced(&f.name) {
            let site = ix
                .with_fn(f, |v, _| ev.site(f.loc.file, v.sig.ident.span()))
                .unwrap_or(own[0].site);
            notes.push(Rc::new(Note {
                site,
                what: ix.fn_display(f),
                why: format!(
                    "builds {} route{} but nothing in the workspace mounts it or names it: not listed",
                    own.len(),
                    if own.len() == 1 { "" } else { "s" }
                ),
            }));
            continue;
        }
        raws.extend(own);
        notes.extend(own_notes);
    }
    for flt in ev.warp_served.borrow().iter() {
        warp_endpoints(flt, &mut raws, &mut notes, false);
    }

    let mut sg = SchemaGen::new(&ix);
    let acx = access::AccessCx::new(&ix);
    let ecx = errors::ErrorCx::new(&ix);
    let mut endpoints = Vec::new();
    let mut seen = HashSet::new();
    for raw in raws {
        let path = normalize_path(&raw.path);
        if !seen.insert((
            raw.method.clone(),
            path.clone(),
            raw.site,
            raw.handler.name.clone(),
        )) {
            continue;
        }
        endpoints.push(endpoint_of(
            &ix,
            &mut sg,
            &acx,
            &ecx,
            raw,
            path,
            EndpointKind::Http,
        ));
    }
    for e in &mut endpoints {
        acx.finish(&mut e.auth);
    }
    endpoints.extend(grpc::endpoints(&ix, ws, files));
    endpoints.extend(graphql::endpoints(&ix, &mut sg));
    endpoints.sort_by(|a, b| {
        // GraphQL fields group by operation (queries, then mutations…).
        let op = |e: &Endpoint| {
            if e.kind == EndpointKind::Graphql {
                method_rank(&e.method)
            } else {
                0
            }
        };
        (
            a.kind,
            op(a),
            &a.path,
            method_rank(&a.method),
            &a.method,
            &a.file,
            a.line,
            &a.handler,
        )
            .cmp(&(
                b.kind,
                op(b),
                &b.path,
                method_rank(&b.method),
                &b.method,
                &b.file,
                b.line,
                &b.handler,
            ))
    });

    let mut unresolved: Vec<Unresolved> = notes
        .iter()
        .map(|n| Unresolved {
            file: ix.rel(n.site.file).to_string(),
            line: n.site.line,
            column: n.site.column,
            what: n.what.clone(),
            why: n.why.clone(),
        })
        .collect();
    unresolved.sort();
    unresolved.dedup();

    let mut diagnostics = files.diagnostics.clone();
    diagnostics.extend(ix.diagnostics.borrow().iter().cloned());
    diag::sort(&mut diagnostics);
    let rocket = endpoints.iter().any(|e| e.framework == Framework::Rocket);
    let listen = if endpoints.is_empty() {
        None
    } else {
        listen::listen(&ix, ws, rocket)
    };
    RouteSet {
        endpoints,
        unresolved,
        diagnostics,
        schemas: sg.defs,
        parse_stats: ix.parse_stats(),
        listen,
    }
}

fn method_rank(m: &str) -> usize {
    [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
        "TRACE",
        "CONNECT",
        "ANY",
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
    ]
    .iter()
    .position(|x| *x == m)
    .unwrap_or(99)
}

/// A route with its full path, before it becomes an [`Endpoint`].
struct Raw {
    method: String,
    path: String,
    handler: Handler,
    site: Site,
    fw: Framework,
    data: Option<String>,
    /// Middleware wrapping it, outermost first.
    layers: Vec<Rc<Layer>>,
}

fn flatten(
    r: &Router,
    base: &str,
    layers: &[Rc<Layer>],
    out: &mut Vec<Raw>,
    notes: &mut Vec<Rc<Note>>,
) {
    let base = match &r.prefix {
        Some(p) => path::join(r.fw, base, p, false),
        None => base.to_string(),
    };
    // Middleware on this router: actix `wrap` wraps every entry, axum
    // `layer` those added before it.
    let mut positioned: Vec<(usize, &Rc<Layer>)> = Vec::new();
    for (i, e) in r.entries.iter().enumerate() {
        if let Entry::Layer(l) = e {
            positioned.push((if l.whole { 0 } else { i }, l));
        }
    }
    let active = |i: usize| -> Vec<Rc<Layer>> {
        let mut v = layers.to_vec();
        v.extend(
            positioned
                .iter()
                .filter(|(at, l)| l.whole || *at > i)
                .map(|(_, l)| Rc::clone(l)),
        );
        v
    };
    for (i, e) in r.entries.iter().enumerate() {
        match e {
            Entry::Route(route) => out.push(Raw {
                method: route.method.clone(),
                path: path::join(r.fw, &base, &route.path, true),
                handler: route.handler.clone(),
                site: route.site,
                fw: route.fw,
                data: route.data.clone(),
                layers: active(i),
            }),
            Entry::Nest { prefix, inner } => {
                let nb = if prefix.is_empty() {
                    base.clone()
                } else {
                    path::join(r.fw, &base, prefix, false)
                };
                flatten(inner, &nb, &active(i), out, notes);
            }
            Entry::Note(n) => notes.push(n.clone()),
            Entry::Layer(_) => {}
        }
    }
}

fn warp_endpoints(f: &eval::Filter, out: &mut Vec<Raw>, notes: &mut Vec<Rc<Note>>, orphan: bool) {
    for alt in &f.alts {
        notes.extend(alt.notes.iter().cloned());
        // An alternative with an unresolved part is reported, not guessed.
        if !alt.notes.is_empty() {
            continue;
        }
        let Some(h) = &alt.handler else { continue };
        if orphan && alt.segs.is_empty() && alt.methods.is_empty() {
            continue;
        }
        let path = format!("/{}", alt.segs.join("/"));
        let methods = if alt.methods.is_empty() {
            vec!["ANY".to_string()]
        } else {
            alt.methods.clone()
        };
        for m in methods {
            out.push(Raw {
                method: m,
                path: path.clone(),
                handler: h.clone(),
                site: alt.site.unwrap_or(h.site),
                fw: Framework::Warp,
                data: None,
                layers: Vec::new(),
            });
        }
    }
}

fn endpoint_of(
    ix: &Index,
    sg: &mut SchemaGen<'_>,
    acx: &access::AccessCx<'_>,
    ecx: &errors::ErrorCx<'_>,
    raw: Raw,
    path: String,
    kind: EndpointKind,
) -> Endpoint {
    let mut e = Endpoint {
        method: raw.method,
        handler: raw.handler.name.clone(),
        file: ix.rel(raw.site.file).to_string(),
        line: raw.site.line,
        column: raw.site.column,
        framework: raw.fw,
        implements: Vec::new(),
        kind,
        handler_location: None,
        params: Vec::new(),
        query: None,
        request: None,
        response: None,
        extractors: Vec::new(),
        auth: Auth::unknown(""),
        errors: Vec::new(),
        fallible: true,
        path,
    };
    let names = path_params(&e.path);
    let data = raw.data.clone();
    let found = raw.handler.fn_ref.as_ref().and_then(|f| {
        ix.with_fn(f, |view, _src| {
            let mut ids = attrs::implements(view.attrs);
            for id in attrs::implements(view.impl_attrs) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let (line, _) = crate::scan::line_col(view.sig.ident.span());
            let span = syn::spanned::Spanned::span(view.sig).byte_range().start
                ..syn::spanned::Spanned::span(view.block).byte_range().end;
            (f, ids, line, view.sig.clone(), span)
        })
    });
    e.auth = acx.of(&access::Handler {
        method: &e.method,
        path: &e.path,
        code: found.as_ref().map(|(f, _, _, sig, span)| access::Code {
            loc: &f.loc,
            sig,
            span: span.clone(),
        }),
        layers: &raw.layers,
    });
    let Some((f, ids, line, sig, _)) = found else {
        let loc = raw
            .handler
            .fn_ref
            .as_ref()
            .map_or_else(|| ix.file_loc(raw.site.file), |f| f.loc.clone());
        e.params = types::path_params(sg, &names, None, &[], &loc);
        return e;
    };
    e.errors = ecx.of(f);
    e.fallible = errors::fallible(&sig.output);
    e.implements = ids;
    e.handler_location = Some(Location {
        file: ix.rel(f.loc.file).to_string(),
        line,
    });
    let st = types::sig_types(sg, &sig, &f.loc, data.as_deref());
    e.params = types::path_params(sg, &names, st.path_type.as_ref(), &st.args, &f.loc);
    e.request = st.request;
    e.query = st.query;
    e.response = st.response;
    e.extractors = st.extractors;
    if raw.fw == Framework::Rocket {
        // Rocket's path parameters are arguments too, not extractors.
        let params: HashSet<&str> = names.iter().map(String::as_str).collect();
        e.extractors = st
            .args
            .iter()
            .filter(|(n, _)| !params.contains(n.as_str()) && data.as_deref() != Some(n.as_str()))
            .map(|(_, t)| schema::type_text(t))
            .collect();
    }
    e
}

impl RouteSet {
    /// The `routes --format json` document (SPEC.md §5).
    pub fn to_json(&self) -> Value {
        json!({
            "version": 1,
            "endpoints": self.endpoints,
            "unresolved": self.unresolved,
            "schemas": self.schemas,
            "listen": self.listen,
            "diagnostics": self.diagnostics,
        })
    }

    /// An aligned table, `METHOD  PATH  HANDLER  FILE:LINE  IDS`, then the
    /// unresolved notes.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        if self.endpoints.is_empty() {
            out.push_str("No endpoints found.\n");
        } else {
            let rows: Vec<[String; 5]> = self
                .endpoints
                .iter()
                .map(|e| {
                    [
                        e.method.clone(),
                        e.path.clone(),
                        e.handler.clone(),
                        format!("{}:{}", e.file, e.line),
                        if e.implements.is_empty() {
                            "-".to_string()
                        } else {
                            e.implements.join(", ")
                        },
                    ]
                })
                .collect();
            let header = ["METHOD", "PATH", "HANDLER", "LOCATION", "IDS"].map(String::from);
            let mut widths = [0usize; 5];
            for row in std::iter::once(&header).chain(rows.iter()) {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            for row in std::iter::once(&header).chain(rows.iter()) {
                let mut line = String::new();
                for (i, cell) in row.iter().enumerate() {
                    if i + 1 < row.len() {
                        let _ = write!(line, "{cell:<w$}  ", w = widths[i]);
                    } else {
                        line.push_str(cell);
                    }
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
            let n = self.endpoints.len();
            let _ = writeln!(out, "\n{n} endpoint{}", if n == 1 { "" } else { "s" });
        }
        if !self.unresolved.is_empty() {
            let n = self.unresolved.len();
            let _ = writeln!(
                out,
                "\n{n} place{} where the routes are not fully known (not resolved statically, not mounted, or under a run-time prefix):",
                if n == 1 { "" } else { "s" }
            );
            for u in &self.unresolved {
                let _ = writeln!(
                    out,
                    "  {}:{}:{}: `{}`: {}",
                    u.file, u.line, u.column, u.what, u.why
                );
            }
        }
        out
    }
}
