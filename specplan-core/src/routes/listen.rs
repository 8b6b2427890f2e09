//! Where the server listens, as the code says it: the address handed to
//! `bind` (axum `TcpListener::bind("0.0.0.0:8080")`, hyper
//! `Server::bind(&"0.0.0.0:8080".parse()?)`, actix `.bind(("0.0.0.0",
//! 8080))`, `SocketAddr::from(([0, 0, 0, 0], 3000))`), through consts of the
//! workspace and an environment variable's literal default; rocket's
//! `Rocket.toml` or its documented default port. What is bound from a
//! value known only at run time is said, with the place, never guessed.

use serde::Serialize;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::index::{Def, Index, ModLoc, walk_modules};
use crate::scan::Prefilter;
use crate::workspace::Workspace;

/// The port the server listens on, and where the code says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listen {
    /// `None` when the code binds a run-time value or several ports.
    pub port: Option<u16>,
    /// `0.0.0.0:8080`, `("0.0.0.0", 8080)`, or what is bound.
    pub what: String,
    pub file: String,
    pub line: usize,
    /// How it was read, or why the port is unknown.
    pub note: String,
}

/// How deep consts are followed.
const MAX_DEPTH: usize = 4;

pub(crate) fn listen(ix: &Index, ws: &Workspace, rocket: bool) -> Option<Listen> {
    let filter = Prefilter::new(&["bind(", "SocketAddr", "bind_rustls", "bind_openssl"]);
    let mut found: Vec<Listen> = Vec::new();
    for file in ix.matching(&filter) {
        // `mod tests;` in its own file: test code.
        let rel = ix.rel(file);
        if rel.ends_with("/tests.rs") || rel.contains("/tests/") || rel.ends_with("_test.rs") {
            continue;
        }
        let Some(src) = ix.parsed_whole(file) else {
            continue;
        };
        let base = ix.file_loc(file);
        let mut sites: Vec<(ModLoc, syn::Expr)> = Vec::new();
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
            let mut v = Binds::default();
            for item in items {
                match item {
                    syn::Item::Fn(f) if !crate::scan::is_test_item(&f.attrs) => {
                        v.visit_item_fn(f);
                    }
                    syn::Item::Impl(imp) if !crate::scan::is_test_item(&imp.attrs) => {
                        for it in &imp.items {
                            if let syn::ImplItem::Fn(f) = it {
                                v.visit_impl_item_fn(f);
                            }
                        }
                    }
                    _ => {}
                }
            }
            let mut loc = base.clone();
            loc.inline = inline.to_vec();
            sites.extend(v.args.into_iter().map(|a| (loc.clone(), a)));
        });
        for (loc, arg) in sites {
            let (line, _) = crate::scan::line_col(arg.span());
            let text = ix
                .text(file)
                .and_then(|t| crate::scan::span_text(&t, arg.span()))
                .unwrap_or_default();
            let (port, note) = match port_of(ix, &loc, &arg, 0) {
                Ok((p, how)) => (Some(p), how),
                Err(why) => (None, why),
            };
            found.push(Listen {
                port,
                what: text,
                file: ix.rel(file).to_string(),
                line,
                note,
            });
        }
    }
    // Port 0 asks the system for any free port: a test's server.
    found.retain(|l| l.port != Some(0));
    let known: Vec<&Listen> = found.iter().filter(|l| l.port.is_some()).collect();
    let mut ports: Vec<u16> = known.iter().filter_map(|l| l.port).collect();
    ports.sort_unstable();
    ports.dedup();
    match ports.as_slice() {
        [_] => return known.first().map(|l| (*l).clone()),
        [] => {}
        _ => {
            let first = known[0];
            return Some(Listen {
                port: None,
                what: first.what.clone(),
                file: first.file.clone(),
                line: first.line,
                note: format!(
                    "the code binds several ports: {}",
                    known
                        .iter()
                        .map(|l| format!("{} ({}:{})", l.port.unwrap_or_default(), l.file, l.line))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    if let Some(first) = found.into_iter().next() {
        return Some(first);
    }
    rocket.then(|| rocket_port(ws))
}

/// Rocket: `port` in a `Rocket.toml` at the workspace root or beside a
/// package's manifest (read through the workspace's jail), else its
/// documented default.
fn rocket_port(ws: &Workspace) -> Listen {
    let mut dirs = vec![ws.root.clone()];
    dirs.extend(ws.packages.iter().map(|p| p.root().to_owned()));
    dirs.dedup();
    for dir in dirs {
        let path = dir.join("Rocket.toml");
        let Ok(text) = ws
            .jail
            .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
        else {
            continue;
        };
        let Ok(v) = text.parse::<toml::Table>() else {
            continue;
        };
        for profile in ["default", "debug", "release", "global"] {
            if let Some(port) = v
                .get(profile)
                .and_then(|p| p.get("port"))
                .and_then(toml::Value::as_integer)
                .and_then(|p| u16::try_from(p).ok())
            {
                return Listen {
                    port: Some(port),
                    what: format!("[{profile}] port = {port}"),
                    file: ws.relative(&path),
                    line: text
                        .lines()
                        .position(|l| l.trim_start().starts_with("port"))
                        .map_or(1, |i| i + 1),
                    note: "read from Rocket.toml (`ROCKET_PORT` overrides it)".into(),
                };
            }
        }
    }
    Listen {
        port: Some(8000),
        what: String::new(),
        file: String::new(),
        line: 0,
        note: "Rocket's default port: no `Rocket.toml` sets one (`ROCKET_PORT` overrides it)"
            .into(),
    }
}

/// The arguments of every `bind(…)` call and `SocketAddr::from/new(…)`.
#[derive(Default)]
struct Binds {
    args: Vec<syn::Expr>,
}

impl<'ast> Visit<'ast> for Binds {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let name = m.method.to_string();
        if (name == "bind" || name.starts_with("bind_"))
            && let Some(a) = m.args.first()
        {
            self.args.push(a.clone());
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func
            && let Some(last) = p.path.segments.last()
            && last.ident == "bind"
            && let Some(a) = c.args.first()
        {
            self.args.push(a.clone());
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The port an address expression names.
fn port_of(ix: &Index, loc: &ModLoc, e: &syn::Expr, depth: usize) -> Result<(u16, String), String> {
    if depth > MAX_DEPTH {
        return Err("the address is built through too many steps to read".into());
    }
    let unknown = || {
        Err("the address is a value known only at run time (configuration, arguments)".to_string())
    };
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => {
            let v = s.value();
            let port = v.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
            port.map(|p| (p, "bound literally".to_string()))
                .ok_or_else(|| format!("`{v}` names no port"))
        }
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i
            .base10_parse::<u16>()
            .map(|p| (p, "bound literally".to_string()))
            .map_err(|_| "not a port".to_string()),
        syn::Expr::Reference(r) => port_of(ix, loc, &r.expr, depth + 1),
        syn::Expr::Paren(p) => port_of(ix, loc, &p.expr, depth + 1),
        syn::Expr::Group(g) => port_of(ix, loc, &g.expr, depth + 1),
        syn::Expr::Try(t) => port_of(ix, loc, &t.expr, depth + 1),
        // `"0.0.0.0:8080".parse()`, `addr.to_string()`; an environment
        // variable with a literal default: the default, said as such.
        syn::Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if matches!(name.as_str(), "unwrap_or" | "unwrap_or_else")
                && let Some(a) = m.args.first()
            {
                let default = match a {
                    syn::Expr::Closure(c) => port_of(ix, loc, &c.body, depth + 1),
                    a => port_of(ix, loc, a, depth + 1),
                };
                return default.map(|(p, _)| {
                    (
                        p,
                        "the default of a value read at run time (an environment variable or configuration can change it)".to_string(),
                    )
                });
            }
            port_of(ix, loc, &m.receiver, depth + 1)
        }
        // `("0.0.0.0", 8080)`.
        syn::Expr::Tuple(t) if t.elems.len() == 2 => port_of(ix, loc, &t.elems[1], depth + 1),
        // `SocketAddr::from(([0, 0, 0, 0], 3000))`, `SocketAddr::new(ip, 3000)`.
        syn::Expr::Call(c) => {
            let last = match &*c.func {
                syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            };
            match (last.as_deref(), c.args.len()) {
                (Some("from"), 1) => port_of(ix, loc, &c.args[0], depth + 1),
                (Some("new"), 2) => port_of(ix, loc, &c.args[1], depth + 1),
                (Some("String" | "to_string"), 1) => port_of(ix, loc, &c.args[0], depth + 1),
                _ => unknown(),
            }
        }
        syn::Expr::Path(p) => match ix.resolve(loc, &crate::scan::path_segments(&p.path)) {
            Def::Const(c) => ix
                .with_item(&c, |item, _| match item {
                    syn::Item::Const(k) => port_of(ix, &c.loc, &k.expr, depth + 1)
                        .map(|(p, _)| (p, format!("the const `{}`", c.name))),
                    syn::Item::Static(k) => port_of(ix, &c.loc, &k.expr, depth + 1)
                        .map(|(p, _)| (p, format!("the static `{}`", c.name))),
                    _ => unknown(),
                })
                .unwrap_or_else(unknown),
            _ => unknown(),
        },
        _ => unknown(),
    }
}
