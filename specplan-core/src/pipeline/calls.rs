//! The call chain behind a handler, followed with `syn`: handler → service →
//! repository, as the files and methods a sequence diagram names.
//!
//! Resolution is deliberately simple and never guesses: a method call is
//! followed when its receiver's type is known (`self`, `self.field` of a
//! struct of the workspace, `Type::new(..)`, a local bound to `Type::…(..)`),
//! a path call when it names a workspace type's associated function
//! (`Type::method(..)`) or a free function whose name is unique in the
//! workspace. Constructors (`new`, `default`, `from`) are not steps.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use syn::visit::Visit;

use crate::scan::layout::Architecture;
use crate::source::Files;
use crate::workspace::Workspace;

/// A receiver whose type the visitor can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recv {
    SelfValue,
    SelfField(String),
    Type(String),
    Local(String),
    /// `state.di_container.article_usecase`: a local's (or `self`'s,
    /// when `None`) fields, followed.
    Fields(Option<String>, Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RawCall {
    Method {
        recv: Recv,
        method: String,
    },
    Path {
        segs: Vec<String>,
    },
    /// A statement sent to the database, where it is written.
    Db(DbAccess),
}

/// A statement a function sends to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbAccess {
    pub sql: super::sql::SqlAccess,
    /// The line of the query (the SQL literal, or the diesel call).
    pub line: usize,
}

/// One step of a function, in source order: a call to a function of the
/// workspace, or a statement sent to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Call(usize),
    Db(&'a DbAccess),
}

/// sqlx's query macros whose SQL is their first argument; the `_as`
/// forms take the row type first.
const SQLX_MACROS: &[&str] = &[
    "query",
    "query_unchecked",
    "query_scalar",
    "query_scalar_unchecked",
    "query_as",
    "query_as_unchecked",
];
/// Functions whose first argument is SQL: sqlx's and diesel's `sql_query`.
const SQL_FNS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "sql_query",
];
/// diesel's methods that run a query.
const DIESEL_RUN: &[&str] = &[
    "load",
    "load_iter",
    "get_result",
    "get_results",
    "first",
    "execute",
];

/// The SQL of a string literal argument.
fn sql_literal(e: &syn::Expr) -> Option<(String, usize)> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some((s.value(), crate::scan::line_col(s.span()).0)),
        syn::Expr::Group(g) => sql_literal(&g.expr),
        syn::Expr::Paren(p) => sql_literal(&p.expr),
        _ => None,
    }
}

/// The diesel tables (`users::table`) a query expression names, and what
/// its root call does (`insert_into` → INSERT, `update`, `delete`).
fn diesel_parts(e: &syn::Expr, tables: &mut Vec<String>, op: &mut Option<&'static str>) {
    match e {
        syn::Expr::MethodCall(m) => {
            diesel_parts(&m.receiver, tables, op);
            for a in &m.args {
                diesel_parts(a, tables, op);
            }
        }
        syn::Expr::Call(c) => {
            if let syn::Expr::Path(p) = &*c.func {
                let segs = path_segs(&p.path);
                let root = segs.first().map(String::as_str);
                let last = segs.last().map(String::as_str);
                if segs.len() <= 2 && (segs.len() == 1 || root == Some("diesel")) {
                    *op = match last {
                        Some("insert_into" | "insert_or_ignore_into" | "replace_into") => {
                            Some("INSERT")
                        }
                        Some("update") => Some("UPDATE"),
                        Some("delete") => Some("DELETE"),
                        _ => *op,
                    };
                }
            }
            for a in &c.args {
                diesel_parts(a, tables, op);
            }
        }
        syn::Expr::Path(p) => {
            let segs = path_segs(&p.path);
            if segs.len() >= 2 && segs.last().is_some_and(|s| s == "table") {
                let t = segs[segs.len() - 2].clone();
                if !tables.contains(&t) {
                    tables.push(t);
                }
            }
        }
        syn::Expr::Reference(r) => diesel_parts(&r.expr, tables, op),
        syn::Expr::Paren(p) => diesel_parts(&p.expr, tables, op),
        syn::Expr::Try(t) => diesel_parts(&t.expr, tables, op),
        syn::Expr::Await(a) => diesel_parts(&a.base, tables, op),
        _ => {}
    }
}

/// A function or method of the workspace.
#[derive(Debug, Clone)]
pub struct FnInfo {
    /// Workspace-relative file.
    pub file: String,
    pub line: usize,
    /// The `impl`'s self type (last segment), for a method.
    pub self_ty: Option<String>,
    pub name: String,
    /// The return type as written, whitespace collapsed; empty for `()`.
    pub ret: String,
    calls: Vec<RawCall>,
    /// Local variables bound to a type (`let svc = OrderService::new(..)`).
    locals: HashMap<String, String>,
    /// HTTP statuses the body names (`StatusCode::CREATED` → 201), in order.
    pub statuses: Vec<u16>,
}

/// The code of a `StatusCode::NAME` constant (or actix's
/// `HttpResponse::Name()`).
fn status_code(name: &str) -> Option<u16> {
    let norm: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Some(match norm.as_str() {
        "OK" => 200,
        "CREATED" => 201,
        "ACCEPTED" => 202,
        "NOCONTENT" => 204,
        "BADREQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "FORBIDDEN" => 403,
        "NOTFOUND" => 404,
        "CONFLICT" => 409,
        "UNPROCESSABLEENTITY" => 422,
        "TOOMANYREQUESTS" => 429,
        "INTERNALSERVERERROR" => 500,
        "SERVICEUNAVAILABLE" => 503,
        _ => return None,
    })
}

impl FnInfo {
    /// `AuthService::login` or `hash_password`.
    pub fn display(&self) -> String {
        match &self.self_ty {
            Some(t) => format!("{t}::{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Every function of the workspace and how they call each other.
#[derive(Debug, Default)]
pub struct CallGraph {
    pub fns: Vec<FnInfo>,
    /// Struct name → field → the field's type (last segment, smart
    /// pointers looked through).
    fields: HashMap<String, HashMap<String, String>>,
    /// Struct, enum and trait names → the files defining them.
    pub types: HashMap<String, Vec<String>>,
    /// Enum name → its variants.
    pub variants: HashMap<String, Vec<String>>,
    /// `impl Trait for Type`: (trait, type, file).
    pub trait_impls: Vec<(String, String, String)>,
    /// Function name → the indices in `fns` of the functions so named, in
    /// order: every lookup by name goes through it (a backend has tens of
    /// thousands of functions and asks for hundreds of handlers).
    by_name: HashMap<String, Vec<usize>>,
}

const CONSTRUCTORS: &[&str] = &["new", "default", "from", "into", "clone", "builder"];

fn is_type_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s != "Self" && s != "Some" && s != "Ok"
}

/// The last path segment of a type, with `Arc<T>`, `Box<T>`, `Rc<T>`,
/// `Option<T>` and references looked through.
fn type_last(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            // Smart pointers, locks, and the extractors that hand over
            // shared state (actix `web::Data`, axum `State` / `Extension`).
            if matches!(
                name.as_str(),
                "Arc"
                    | "Box"
                    | "Rc"
                    | "Option"
                    | "RwLock"
                    | "Mutex"
                    | "Data"
                    | "State"
                    | "Extension"
            ) && let syn::PathArguments::AngleBracketed(a) = &seg.arguments
                && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
            {
                return type_last(inner);
            }
            Some(name)
        }
        syn::Type::Reference(r) => type_last(&r.elem),
        syn::Type::Paren(p) => type_last(&p.elem),
        syn::Type::Group(g) => type_last(&g.elem),
        // `dyn Repository + Send` / `impl Repository`: the trait, which
        // calls resolve to its one implementation in the workspace.
        syn::Type::TraitObject(t) => trait_bound(&t.bounds),
        syn::Type::ImplTrait(t) => trait_bound(&t.bounds),
        _ => None,
    }
}

/// The first trait of a bound list that is not an auto trait.
fn trait_bound(
    bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
) -> Option<String> {
    bounds.iter().find_map(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            let name = t.path.segments.last()?.ident.to_string();
            (!matches!(name.as_str(), "Send" | "Sync" | "Unpin" | "Sized")).then_some(name)
        }
        _ => None,
    })
}

fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Await(a) => strip(&a.base),
        syn::Expr::Try(t) => strip(&t.expr),
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Reference(r) => strip(&r.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

fn path_segs(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

fn recv_of(e: &syn::Expr) -> Option<Recv> {
    match strip(e) {
        syn::Expr::Path(p) if p.path.is_ident("self") => Some(Recv::SelfValue),
        syn::Expr::Path(p) if p.path.segments.len() == 1 => {
            Some(Recv::Local(p.path.segments[0].ident.to_string()))
        }
        syn::Expr::Field(f) => {
            let syn::Member::Named(name) = &f.member else {
                return None;
            };
            match (strip(&f.base), recv_of(&f.base)?) {
                (syn::Expr::Path(p), _) if p.path.is_ident("self") => {
                    Some(Recv::SelfField(name.to_string()))
                }
                (_, Recv::SelfField(first)) => {
                    Some(Recv::Fields(None, vec![first, name.to_string()]))
                }
                (_, Recv::Local(root)) => Some(Recv::Fields(Some(root), vec![name.to_string()])),
                (_, Recv::Fields(root, mut path)) if path.len() < 8 => {
                    path.push(name.to_string());
                    Some(Recv::Fields(root, path))
                }
                _ => None,
            }
        }
        syn::Expr::Call(c) => type_of_call(&c.func).map(Recv::Type),
        // `Type::new(..).with(..).method(..)`: the builder's type.
        syn::Expr::MethodCall(m) => match recv_of(&m.receiver)? {
            Recv::Type(t) if CONSTRUCTORS.contains(&m.method.to_string().as_str()) => {
                Some(Recv::Type(t))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `Type` from a call to `Type::f` / `path::Type::f`.
fn type_of_call(func: &syn::Expr) -> Option<String> {
    let syn::Expr::Path(p) = func else {
        return None;
    };
    let segs = path_segs(&p.path);
    if segs.len() < 2 {
        return None;
    }
    let ty = &segs[segs.len() - 2];
    is_type_name(ty).then(|| ty.clone())
}

#[derive(Default)]
struct BodyVisitor {
    calls: Vec<RawCall>,
    locals: HashMap<String, String>,
    statuses: Vec<u16>,
    /// Locals bound to a diesel query (`let t = users::table.find(id)`):
    /// its tables and root operation.
    diesel: HashMap<String, (Vec<String>, Option<&'static str>)>,
}

impl BodyVisitor {
    fn sql(&mut self, sql: &str, line: usize) {
        if let Some(access) = super::sql::read(sql) {
            self.calls.push(RawCall::Db(DbAccess { sql: access, line }));
        }
    }
}

impl<'ast> Visit<'ast> for BodyVisitor {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        syn::visit::visit_expr_method_call(self, m);
        let method = m.method.to_string();
        if DIESEL_RUN.contains(&method.as_str()) {
            let mut tables = Vec::new();
            let mut op = None;
            diesel_parts(&m.receiver, &mut tables, &mut op);
            // A query built in a local first: `let t = users::table…; t.load(conn)`.
            if let syn::Expr::Path(p) = strip(&m.receiver)
                && let Some(id) = p.path.get_ident()
                && let Some((t, o)) = self.diesel.get(&id.to_string())
            {
                tables.extend(t.iter().cloned());
                op = op.or(*o);
            }
            for a in &m.args {
                diesel_parts(a, &mut tables, &mut op);
            }
            if !tables.is_empty() {
                let op = op.unwrap_or(if method == "execute" { "SQL" } else { "SELECT" });
                self.calls.push(RawCall::Db(DbAccess {
                    sql: super::sql::SqlAccess {
                        op: op.to_string(),
                        returns_rows: method != "execute",
                        tables,
                    },
                    line: crate::scan::line_col(m.method.span()).0,
                }));
            }
        }
        if let Some(recv) = recv_of(&m.receiver) {
            self.calls.push(RawCall::Method { recv, method });
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        syn::visit::visit_expr_call(self, c);
        if let syn::Expr::Path(p) = &*c.func {
            let segs = path_segs(&p.path);
            if segs.last().is_some_and(|l| SQL_FNS.contains(&l.as_str()))
                && (segs.len() == 1 || segs.first().is_some_and(|f| f == "sqlx" || f == "diesel"))
                && let Some((sql, line)) = c.args.first().and_then(sql_literal)
            {
                self.sql(&sql, line);
            }
            self.calls.push(RawCall::Path { segs });
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        syn::visit::visit_macro(self, m);
        let segs = path_segs(&m.path);
        let Some(last) = segs.last() else { return };
        let sqlx = segs.len() == 1 || segs.first().is_some_and(|f| f == "sqlx");
        if !sqlx || !SQLX_MACROS.contains(&last.as_str()) {
            return;
        }
        let Ok(args) = m.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) else {
            return;
        };
        let at = usize::from(last.starts_with("query_as"));
        if let Some((sql, line)) = args.iter().nth(at).and_then(sql_literal) {
            self.sql(&sql, line);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        syn::visit::visit_path(self, p);
        let segs = path_segs(p);
        if let Some(i) = segs
            .iter()
            .position(|s| s == "StatusCode" || s == "HttpResponse")
            && let Some(code) = segs.get(i + 1).and_then(|n| status_code(n))
        {
            self.statuses.push(code);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        syn::visit::visit_local(self, l);
        let (name, ty) = match &l.pat {
            syn::Pat::Ident(i) => (i.ident.to_string(), None),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(i) => (i.ident.to_string(), type_last(&t.ty)),
                _ => return,
            },
            _ => return,
        };
        let ty = ty.or_else(|| {
            l.init.as_ref().and_then(|init| match recv_of(&init.expr) {
                Some(Recv::Type(t)) => Some(t),
                _ => None,
            })
        });
        if let Some(init) = &l.init {
            let mut tables = Vec::new();
            let mut op = None;
            diesel_parts(&init.expr, &mut tables, &mut op);
            if !tables.is_empty() {
                self.diesel.insert(name.clone(), (tables, op));
            }
        }
        if let Some(t) = ty.filter(|t| is_type_name(t)) {
            self.locals.insert(name, t);
        }
    }

    // Closures and nested items are still code of this function; nested
    // fns are not (they are indexed on their own when at item level).
    fn visit_item_fn(&mut self, _: &'ast syn::ItemFn) {}
}

fn ret_text(out: &syn::ReturnType) -> String {
    match out {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => {
            let t = quote_type(ty);
            if t == "()" { String::new() } else { t }
        }
    }
}

fn quote_type(ty: &syn::Type) -> String {
    crate::routes::type_text(ty)
}

fn fn_of(
    file: &str,
    self_ty: Option<String>,
    sig: &syn::Signature,
    block: &syn::Block,
    attrs: &[syn::Attribute],
) -> Option<FnInfo> {
    if crate::scan::is_test_item(attrs) {
        return None;
    }
    let mut v = BodyVisitor::default();
    v.visit_block(block);
    // Typed arguments are locals too (`svc: &OrderService`).
    for input in &sig.inputs {
        let syn::FnArg::Typed(t) = input else {
            continue;
        };
        // `ctx: Extension<ApiContext>`, or destructured:
        // `State(state): State<AppState>`.
        let ident = match &*t.pat {
            syn::Pat::Ident(i) => Some(&i.ident),
            syn::Pat::TupleStruct(ts) => match ts.elems.iter().collect::<Vec<_>>().as_slice() {
                [syn::Pat::Ident(i)] => Some(&i.ident),
                _ => None,
            },
            _ => None,
        };
        if let Some(i) = ident
            && let Some(ty) = type_last(&t.ty).filter(|t| is_type_name(t))
        {
            v.locals.entry(i.to_string()).or_insert(ty);
        }
    }
    Some(FnInfo {
        file: file.to_string(),
        line: crate::scan::line_col(sig.ident.span()).0,
        self_ty,
        name: sig.ident.to_string(),
        ret: ret_text(&sig.output),
        calls: v.calls,
        locals: v.locals,
        statuses: v.statuses,
    })
}

impl CallGraph {
    /// Parses every Rust source of the workspace members (tests excluded).
    pub fn build(ws: &Workspace, files: &Files) -> CallGraph {
        let mut g = CallGraph::default();
        for file in crate::scan::rust_sources(ws, files) {
            if crate::scan::is_test_path(&file.rel) {
                continue;
            }
            let Ok(text) = crate::source::read_text(file) else {
                continue;
            };
            let Ok(ast) = crate::source::parse_rust_text(&text) else {
                continue;
            };
            g.add_items(&file.rel, &ast.items);
        }
        g.index();
        g
    }

    fn index(&mut self) {
        self.by_name.clear();
        for (i, f) in self.fns.iter().enumerate() {
            self.by_name.entry(f.name.clone()).or_default().push(i);
        }
    }

    /// The indices of the functions named `name`, in order.
    fn named(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        self.by_name.get(name).into_iter().flatten().copied()
    }

    fn add_items(&mut self, file: &str, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Fn(f) => {
                    if let Some(info) = fn_of(file, None, &f.sig, &f.block, &f.attrs) {
                        self.fns.push(info);
                    }
                }
                syn::Item::Impl(imp) => {
                    if crate::scan::is_test_item(&imp.attrs) {
                        continue;
                    }
                    let Some(ty) = type_last(&imp.self_ty) else {
                        continue;
                    };
                    if let Some((tr, _)) = &imp.trait_
                        && let Some(last) = tr.segments.last()
                    {
                        self.trait_impls.push((
                            last.ident.to_string(),
                            ty.clone(),
                            file.to_string(),
                        ));
                    }
                    for it in &imp.items {
                        if let syn::ImplItem::Fn(f) = it
                            && let Some(info) =
                                fn_of(file, Some(ty.clone()), &f.sig, &f.block, &f.attrs)
                        {
                            self.fns.push(info);
                        }
                    }
                }
                syn::Item::Struct(s) => {
                    let name = s.ident.to_string();
                    self.types
                        .entry(name.clone())
                        .or_default()
                        .push(file.to_string());
                    let fields = self.fields.entry(name).or_default();
                    for f in &s.fields {
                        if let (Some(id), Some(ty)) = (&f.ident, type_last(&f.ty)) {
                            fields.insert(id.to_string(), ty);
                        }
                    }
                }
                syn::Item::Enum(e) => {
                    self.types
                        .entry(e.ident.to_string())
                        .or_default()
                        .push(file.to_string());
                    self.variants.insert(
                        e.ident.to_string(),
                        e.variants.iter().map(|v| v.ident.to_string()).collect(),
                    );
                }
                syn::Item::Trait(t) => self
                    .types
                    .entry(t.ident.to_string())
                    .or_default()
                    .push(file.to_string()),
                syn::Item::Mod(m) => {
                    if crate::scan::is_test_item(&m.attrs) {
                        continue;
                    }
                    if let Some((_, items)) = &m.content {
                        self.add_items(file, items);
                    }
                }
                _ => {}
            }
        }
    }

    /// The function `name` defined in `file` (a method when `name` is
    /// `Type::method`).
    pub fn find(&self, file: &str, name: &str) -> Option<usize> {
        let (ty, f) = match name.rsplit_once("::") {
            Some((t, f)) => (Some(t.rsplit("::").next().unwrap_or(t)), f),
            None => (None, name),
        };
        self.named(f).find(|&i| {
            let x = &self.fns[i];
            x.file == file && (ty.is_none() || x.self_ty.as_deref() == ty)
        })
    }

    /// The method `method` of type `ty`; for a trait, of its one
    /// implementation in the workspace (a trait object or `impl Trait`
    /// with several implementations stays unresolved).
    pub fn method(&self, ty: &str, method: &str) -> Option<usize> {
        let own = self
            .named(method)
            .find(|&i| self.fns[i].self_ty.as_deref() == Some(ty));
        if own.is_some() {
            return own;
        }
        let mut impls = self.trait_impls.iter().filter(|(t, _, _)| t == ty);
        match (impls.next(), impls.next()) {
            (Some((_, imp, _)), None) if imp != ty => self
                .named(method)
                .find(|&i| self.fns[i].self_ty.as_deref() == Some(imp.as_str())),
            _ => None,
        }
    }

    /// The free function `name`, when exactly one exists.
    pub fn unique_fn(&self, name: &str) -> Option<usize> {
        let mut all = self.named(name).filter(|&i| self.fns[i].self_ty.is_none());
        match (all.next(), all.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// The file that defines type `name`, when exactly one does.
    pub fn type_file(&self, name: &str) -> Option<&str> {
        match self.types.get(name).map(Vec::as_slice) {
            Some([one]) => Some(one.as_str()),
            _ => None,
        }
    }

    fn free_fn(&self, name: &str, near: &str) -> Option<usize> {
        let all: Vec<usize> = self
            .named(name)
            .filter(|&i| self.fns[i].self_ty.is_none())
            .collect();
        match all.as_slice() {
            [one] => Some(*one),
            many => many.iter().copied().find(|&i| self.fns[i].file == near),
        }
    }

    /// What function `idx` calls, resolved, in source order, once each.
    pub fn callees(&self, idx: usize) -> Vec<usize> {
        self.steps(idx)
            .into_iter()
            .filter_map(|s| match s {
                Step::Call(c) => Some(c),
                Step::Db(_) => None,
            })
            .collect()
    }

    /// What function `idx` does, in source order: the functions it calls
    /// (resolved, once each) and the statements it sends to the database.
    pub fn steps(&self, idx: usize) -> Vec<Step<'_>> {
        let f = &self.fns[idx];
        let mut out = Vec::new();
        for call in &f.calls {
            let target = match call {
                RawCall::Db(access) => {
                    out.push(Step::Db(access));
                    continue;
                }
                RawCall::Method { recv, method } => {
                    if CONSTRUCTORS.contains(&method.as_str()) {
                        continue;
                    }
                    let ty = match recv {
                        Recv::SelfValue => f.self_ty.clone(),
                        Recv::SelfField(field) => f
                            .self_ty
                            .as_ref()
                            .and_then(|t| self.fields.get(t))
                            .and_then(|m| m.get(field))
                            .cloned(),
                        Recv::Type(t) => Some(t.clone()),
                        Recv::Local(v) => f.locals.get(v).cloned(),
                        Recv::Fields(root, path) => {
                            let start = match root {
                                None => f.self_ty.clone(),
                                Some(v) => f.locals.get(v).cloned(),
                            };
                            path.iter()
                                .try_fold(start, |ty, field| {
                                    Some(ty.and_then(|t| self.fields.get(&t)?.get(field).cloned()))
                                })
                                .flatten()
                        }
                    };
                    ty.and_then(|t| self.method(&t, method))
                }
                RawCall::Path { segs } => {
                    let Some(last) = segs.last() else { continue };
                    if CONSTRUCTORS.contains(&last.as_str()) {
                        continue;
                    }
                    if segs.len() >= 2 {
                        let ty = &segs[segs.len() - 2];
                        if ty == "Self" {
                            f.self_ty.as_ref().and_then(|t| self.method(t, last))
                        } else if is_type_name(ty) {
                            self.method(ty, last)
                        } else {
                            self.free_fn(last, &f.file)
                        }
                    } else {
                        self.free_fn(last, &f.file)
                    }
                }
            };
            if let Some(t) = target
                && t != idx
                && !out.contains(&Step::Call(t))
            {
                out.push(Step::Call(t));
            }
        }
        out
    }
}

/// A participant of a flow: a file of the workspace and its layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub alias: String,
    /// Outside the code (the database): declared with `actor`, no file.
    pub actor: bool,
    /// Workspace-relative.
    pub file: String,
    /// As a diagram names it: the bare file name when it is unique in the
    /// workspace, else the workspace-relative path.
    pub name: String,
    pub layer: String,
}

/// One arrow of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arrow {
    pub from: String,
    pub to: String,
    /// `->>` for a call, `-->>` for a return.
    pub arrow: String,
    /// Mermaid-safe text.
    pub text: String,
}

/// A call followed from one function, as a sequence diagram draws it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub participants: Vec<Participant>,
    pub arrows: Vec<Arrow>,
    /// `path::Item` references, in call order, for "Related code".
    pub related: Vec<String>,
    /// The deepest participant (for error flows: where a backing service
    /// fails).
    pub deepest: Option<String>,
}

/// Names files the way diagrams must: bare when unique in the workspace.
pub struct FileNamer {
    counts: HashMap<String, usize>,
}

impl FileNamer {
    pub fn new(files: &Files) -> FileNamer {
        let mut counts = HashMap::new();
        for f in &files.files {
            let name = f.rel.rsplit('/').next().unwrap_or(&f.rel).to_string();
            *counts.entry(name).or_insert(0) += 1;
        }
        FileNamer { counts }
    }

    pub fn name(&self, rel: &str) -> String {
        let bare = rel.rsplit('/').next().unwrap_or(rel);
        if self.counts.get(bare).copied().unwrap_or(0) <= 1 {
            bare.to_string()
        } else {
            rel.to_string()
        }
    }
}

/// The layer a file belongs to, for `FileName<br/>(Layer)`.
pub fn layer_of(arch: &Architecture, rel: &str) -> String {
    if let Some(l) = arch.layer_for(rel) {
        return l.name.clone();
    }
    let has = |seg: &str| rel.split('/').any(|s| s.trim_end_matches(".rs") == seg);
    if has("middleware") || has("extractors") || has("auth") {
        "Middleware".into()
    } else if has("models") || has("domain") || has("entities") {
        "Domain".into()
    } else if has("error") || has("errors") {
        "Cross-cutting".into()
    } else {
        "Application".into()
    }
}

/// Text safe in a Mermaid message or note: no `;` (a statement separator),
/// `#` (entity codes) or angle brackets (HTML).
pub fn mermaid_text(s: &str) -> String {
    s.replace('#', "")
        .replace(';', ",")
        .replace('<', "‹")
        .replace('>', "›")
        .replace('\n', " ")
}

/// Builds flows over a call graph.
pub struct FlowBuilder<'a> {
    pub graph: &'a CallGraph,
    pub arch: &'a Architecture,
    pub namer: &'a FileNamer,
    /// How diagrams name the database the queries go to (`PostgreSQL`).
    pub database: &'a str,
}

/// The alias of the database in a flow.
pub const DATABASE: &str = "DB";

impl FlowBuilder<'_> {
    /// The flow from `start` (a function of the graph), entered by `actor`
    /// with `request`; the entry function's file answers with `response`.
    pub fn flow(&self, start: usize, actor: &str, request: &str, response: &str) -> Flow {
        let mut flow = Flow::default();
        let entry = self.participant(&mut flow, &self.graph.fns[start].file);
        flow.arrows.push(Arrow {
            from: actor.to_string(),
            to: entry.clone(),
            arrow: "->>".into(),
            text: mermaid_text(request),
        });
        flow.related.push(self.related(start));
        let mut visited = HashSet::from([start]);
        let mut budget = 10usize;
        self.walk(start, 0, &mut flow, &mut visited, &mut budget);
        flow.arrows.push(Arrow {
            from: entry,
            to: actor.to_string(),
            arrow: "-->>".into(),
            text: mermaid_text(response),
        });
        flow
    }

    fn related(&self, idx: usize) -> String {
        let f = &self.graph.fns[idx];
        format!("{}::{}", f.file, f.display())
    }

    fn participant(&self, flow: &mut Flow, file: &str) -> String {
        if let Some(p) = flow.participants.iter().find(|p| p.file == file) {
            return p.alias.clone();
        }
        let layer = layer_of(self.arch, file);
        let initial = layer.chars().next().unwrap_or('P').to_ascii_uppercase();
        let n = flow
            .participants
            .iter()
            .filter(|p| p.alias.starts_with(initial))
            .count();
        let alias = if n == 0 {
            initial.to_string()
        } else {
            format!("{initial}{}", n + 1)
        };
        flow.participants.push(Participant {
            alias: alias.clone(),
            actor: false,
            file: file.to_string(),
            name: self.namer.name(file),
            layer,
        });
        alias
    }

    /// The database, declared once as an `actor` (it is not code).
    fn database(&self, flow: &mut Flow) -> String {
        if !flow.participants.iter().any(|p| p.alias == DATABASE) {
            flow.participants.push(Participant {
                alias: DATABASE.into(),
                actor: true,
                file: String::new(),
                name: self.database.to_string(),
                layer: String::new(),
            });
        }
        DATABASE.into()
    }

    fn walk(
        &self,
        idx: usize,
        depth: usize,
        flow: &mut Flow,
        visited: &mut HashSet<usize>,
        budget: &mut usize,
    ) {
        if depth >= 4 {
            return;
        }
        let from_file = self.graph.fns[idx].file.clone();
        for step in self.graph.steps(idx) {
            let c = match step {
                Step::Call(c) => c,
                Step::Db(access) => {
                    if *budget == 0 {
                        continue;
                    }
                    *budget -= 1;
                    let from = self.participant(flow, &from_file);
                    let db = self.database(flow);
                    let tables = access.sql.tables.join(", ");
                    flow.arrows.push(Arrow {
                        from: from.clone(),
                        to: db.clone(),
                        arrow: "->>".into(),
                        text: mermaid_text(&format!("{} {tables}", access.sql.op)),
                    });
                    flow.deepest = Some(db.clone());
                    flow.related.push(format!("{from_file}:{}", access.line));
                    flow.arrows.push(Arrow {
                        from: db,
                        to: from,
                        arrow: "-->>".into(),
                        text: if access.sql.returns_rows {
                            "rows"
                        } else {
                            "done"
                        }
                        .into(),
                    });
                    continue;
                }
            };
            if *budget == 0 || !visited.insert(c) {
                continue;
            }
            let callee = &self.graph.fns[c];
            if callee.file == from_file {
                // A helper in the same file: look through it.
                flow.related.push(self.related(c));
                self.walk(c, depth + 1, flow, visited, budget);
                continue;
            }
            *budget -= 1;
            let from = self.participant(flow, &from_file);
            let to = self.participant(flow, &callee.file.clone());
            flow.arrows.push(Arrow {
                from: from.clone(),
                to: to.clone(),
                arrow: "->>".into(),
                text: mermaid_text(&format!("{}()", callee.display())),
            });
            flow.related.push(self.related(c));
            flow.deepest = Some(to.clone());
            self.walk(c, depth + 1, flow, visited, budget);
            let ret = if callee.ret.is_empty() {
                "done".to_string()
            } else {
                callee.ret.clone()
            };
            flow.arrows.push(Arrow {
                from: to,
                to: from,
                arrow: "-->>".into(),
                text: mermaid_text(&ret),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(src: &str) -> CallGraph {
        let mut g = CallGraph::default();
        let ast = syn::parse_file(src).unwrap();
        g.add_items("src/lib.rs", &ast.items);
        g.index();
        g
    }

    #[test]
    fn follows_constructors_fields_and_locals() {
        let g = graph(
            r#"
            struct Repo;
            impl Repo { async fn create(&self) -> Result<(), E> { Ok(()) } }
            struct Svc { repo: std::sync::Arc<Repo> }
            impl Svc {
                fn new() -> Self { todo!() }
                async fn register(&self) -> Result<(), E> { helper(); self.repo.create().await?; Ok(()) }
            }
            fn helper() {}
            async fn handler() { Svc::new().register().await.unwrap(); let s = Svc::new(); s.register().await; }
            "#,
        );
        let h = g.find("src/lib.rs", "handler").unwrap();
        let callees: Vec<String> = g.callees(h).iter().map(|&i| g.fns[i].display()).collect();
        assert_eq!(callees, ["Svc::register"]);
        let s = g.find("src/lib.rs", "Svc::register").unwrap();
        let callees: Vec<String> = g.callees(s).iter().map(|&i| g.fns[i].display()).collect();
        assert_eq!(callees, ["helper", "Repo::create"]);
        assert_eq!(g.fns[s].ret, "Result<(), E>");
    }

    fn db_steps(g: &CallGraph, name: &str) -> Vec<String> {
        let i = g.find("src/lib.rs", name).unwrap();
        g.steps(i)
            .into_iter()
            .map(|s| match s {
                Step::Db(d) => format!("{} {} @{}", d.sql.op, d.sql.tables.join(","), d.line),
                Step::Call(c) => format!("call {}", g.fns[c].display()),
            })
            .collect()
    }

    #[test]
    fn database_statements_in_source_order() {
        let g = graph(
            r##"
async fn create(db: &PgPool) -> Result<(), E> {
    let slug = sqlx::query_scalar!(
        r#"insert into article (slug, title) values ($1, $2) returning slug"#,
        a, b
    )
    .fetch_one(db)
    .await?;
    helper();
    let rows = sqlx::query_as!(Row, "select a.slug from article a join tag using (tag_id)").fetch_all(db).await?;
    sqlx::query_as::<_, Order>("UPDATE orders SET status = ? WHERE id = ?").execute(db).await?;
    query!("delete from follow where id = $1", id).execute(db).await?;
    other::query!("select 1 from nowhere");
    sqlx::query(NOT_A_LITERAL).execute(db).await?;
    Ok(())
}
fn helper() {}
fn with_diesel(conn: &mut PgConnection) {
    let user = diesel::insert_into(users::table).values(&new).get_result::<User>(conn)?;
    let t = follows::table.filter(x).filter(y);
    let f = t.get_result::<Follow>(conn);
    diesel::update(articles::table.find(id)).set(&changes).execute(conn)?;
    let n = some_vec.first();
}
"##,
        );
        assert_eq!(
            db_steps(&g, "create"),
            [
                "INSERT article @4",
                "call helper",
                "SELECT article,tag @10",
                "UPDATE orders @11",
                "DELETE follow @12",
            ]
        );
        assert_eq!(
            db_steps(&g, "with_diesel"),
            [
                "INSERT users @19",
                "SELECT follows @21",
                "UPDATE articles @22"
            ]
        );
    }

    #[test]
    fn field_chains_from_extracted_state() {
        let g = graph(
            r#"
            struct Usecase;
            impl Usecase { fn create(&self) {} }
            struct Di { article_usecase: Usecase }
            struct AppState { di: Di }
            async fn actix(state: web::Data<AppState>) { state.di.article_usecase.create(); }
            async fn axum(State(state): State<AppState>) { state.di.article_usecase.create(); }
            "#,
        );
        for h in ["actix", "axum"] {
            let i = g.find("src/lib.rs", h).unwrap();
            let callees: Vec<String> = g.callees(i).iter().map(|&c| g.fns[c].display()).collect();
            assert_eq!(callees, ["Usecase::create"], "{h}");
        }
    }

    #[test]
    fn trait_objects_resolve_to_their_one_implementation() {
        let g = graph(
            r#"
            trait Repo { fn save(&self); }
            struct PgRepo;
            impl Repo for PgRepo { fn save(&self) { sqlx::query("insert into t (a) values (1)"); } }
            trait Many { fn go(&self); }
            struct A; struct B;
            impl Many for A { fn go(&self) {} }
            impl Many for B { fn go(&self) {} }
            struct Usecase { repo: Arc<dyn Repo + Send + Sync>, many: Box<dyn Many> }
            impl Usecase { fn run(&self) { self.repo.save(); self.many.go(); } }
            fn generic(r: impl Repo) { r.save(); }
            "#,
        );
        let u = g.find("src/lib.rs", "Usecase::run").unwrap();
        let callees: Vec<String> = g.callees(u).iter().map(|&i| g.fns[i].display()).collect();
        assert_eq!(callees, ["PgRepo::save"]);
        let generic = g.find("src/lib.rs", "generic").unwrap();
        assert_eq!(g.callees(generic).len(), 1);
    }

    #[test]
    fn mermaid_text_is_safe() {
        assert_eq!(mermaid_text("A<B>; #x"), "A‹B›, x");
    }
}
