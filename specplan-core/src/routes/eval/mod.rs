//! An abstract interpreter for router-building code.
//!
//! Every function that may build a router is evaluated over a small value
//! domain: strings, routers (a list of routes, nested routers and notes),
//! method routers, handlers, warp filters, and "unknown" (which may carry
//! the reason it is unknown). Locals are tracked through `let` rebinding and
//! assignment; calls into the workspace are followed (arguments bound to
//! parameters, results memoised when the arguments carry nothing), calls to
//! the frameworks are interpreted, everything else is unknown.
//!
//! A router that a function creates and that is not absorbed into another
//! router (by a nest, a merge, a mount or a method chain) is part of that
//! function's output. A function whose output no other function consumes is
//! a root: its routes are the routes served.
//!
//! Only bodies that can build a router are interpreted: a function whose
//! body names no router vocabulary, that returns no router or filter and is
//! given none, is skipped (handlers and services cost a byte search).
//!
//! An unknown value carries a note (what, where, why); the note is reported
//! only if that value ends up where a router or a route was expected, so a
//! `println!` never becomes a finding and a `nest("/x", my_macro!())` always
//! does.

mod frameworks;
mod layers;
mod warp;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use proc_macro2::Span;
use syn::spanned::Spanned;

use super::Framework;
use super::attrs::{self, METHODS};
use super::index::{Def, FnRef, Index, ItemRef, ModLoc, impl_blocks, items_at, type_name};
use crate::scan::{self, Prefilter};

/// Where something is in the sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Site {
    pub file: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Handler {
    /// The path the user can jump to (`crate::handlers::login`), or what
    /// was written when it is not in the workspace.
    pub name: String,
    pub fn_ref: Option<FnRef>,
    pub site: Site,
}

#[derive(Debug, Clone)]
pub(crate) struct MethodEntry {
    pub method: String,
    pub handler: Option<Handler>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RKind {
    Plain,
    /// actix `web::resource(path)`: its routes have no path of their own;
    /// `guard` is the method of a `.guard(guard::Post())` on the resource,
    /// which its `.to(handler)` routes answer instead of any method.
    ActixResource {
        guard: Option<&'static str>,
    },
}

#[derive(Debug)]
pub(crate) struct Router {
    pub id: u32,
    pub fw: Framework,
    pub kind: RKind,
    /// A prefix of the router itself (actix scope, loco `prefix`,
    /// poem-openapi `prefix_path`).
    pub prefix: Option<String>,
    pub entries: Vec<Entry>,
}

/// A route: a path and a method handled by a handler.
#[derive(Debug, Clone)]
pub(crate) struct RouteEntry {
    pub path: String,
    pub method: String,
    pub handler: Handler,
    pub site: Site,
    pub fw: Framework,
    /// Rocket `data = "<x>"`.
    pub data: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Entry {
    Route(Rc<RouteEntry>),
    Nest {
        prefix: String,
        inner: Rc<Router>,
    },
    Note(Rc<Note>),
    /// A middleware on the router: it wraps the entries before it, or all
    /// of them when [`Layer::whole`].
    Layer(Rc<Layer>),
}

/// A middleware applied to a router: axum `layer` / `route_layer`, actix
/// `wrap` / `wrap_fn`, poem `with`.
#[derive(Debug)]
pub(crate) struct Layer {
    pub site: Site,
    /// The code as written (shortened).
    pub what: String,
    /// The code as written, whole (whitespace collapsed).
    pub code: String,
    /// What its code names, resolved: the workspace's functions and types
    /// (`from_fn(auth::require_user)`, `Authentication`,
    /// `from_extractor::<AuthUser>()`) and paths from outside.
    pub parts: Vec<Def>,
    /// It wraps every route of its router, whenever added (actix `wrap`),
    /// not only those added before it (axum `layer`).
    pub whole: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Note {
    pub site: Site,
    pub what: String,
    pub why: String,
}

/// A warp filter: its alternatives (`or`), each a path, methods and a handler.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub alts: Vec<Alt>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Alt {
    pub segs: Vec<String>,
    pub methods: Vec<String>,
    pub handler: Option<Handler>,
    pub site: Option<Site>,
    pub notes: Vec<Rc<Note>>,
    /// What each extracted value is, in order: a path parameter (index in
    /// `segs`) or another value (`None`).
    pub extracts: Vec<Option<usize>>,
}

#[derive(Clone)]
pub(crate) enum Val {
    Unknown(Option<Rc<Note>>),
    Str(String),
    Router(Rc<Router>),
    Methods(Rc<Vec<MethodEntry>>),
    Handler(Handler),
    Closure(Rc<syn::ExprClosure>),
    Ty(ItemRef),
    /// A path outside the workspace (`MethodFilter::GET`, `Method::POST`).
    Path(Vec<String>),
    Tuple(Vec<Val>),
    Filter(Rc<Filter>),
    /// A service that serves files or API documentation (`ServeDir`,
    /// `Files`, `SwaggerUi`…): resolved, and deliberately not an endpoint.
    Static,
}

impl std::fmt::Debug for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Unknown(n) => write!(f, "Unknown({n:?})"),
            Val::Str(s) => write!(f, "Str({s:?})"),
            Val::Router(r) => write!(f, "Router({r:?})"),
            Val::Methods(m) => write!(f, "Methods({m:?})"),
            Val::Handler(h) => write!(f, "Handler({h:?})"),
            Val::Closure(_) => f.write_str("Closure"),
            Val::Ty(t) => write!(f, "Ty({t:?})"),
            Val::Path(p) => write!(f, "Path({p:?})"),
            Val::Tuple(v) => write!(f, "Tuple({v:?})"),
            Val::Filter(x) => write!(f, "Filter({x:?})"),
            Val::Static => f.write_str("Static"),
        }
    }
}

impl Val {
    fn unit() -> Val {
        Val::Unknown(None)
    }
}

/// What evaluating a function gives.
#[derive(Debug, Clone)]
pub(crate) struct FnOut {
    pub value: Val,
    /// Routers created and left unabsorbed, other than `value`.
    pub extra: Vec<Rc<Router>>,
    /// The parameters' values when the body ends (actix `configure`).
    pub params: Vec<Val>,
}

impl FnOut {
    fn empty() -> FnOut {
        FnOut {
            value: Val::unit(),
            extra: Vec::new(),
            params: Vec::new(),
        }
    }

    /// Every router the function outputs.
    pub(crate) fn routers(&self) -> Vec<Rc<Router>> {
        let mut out = Vec::new();
        collect_routers(&self.value, &mut out);
        out.extend(self.extra.iter().cloned());
        out
    }

    fn is_routerish(&self) -> bool {
        !self.extra.is_empty()
            || matches!(
                self.value,
                Val::Router(_) | Val::Methods(_) | Val::Filter(_) | Val::Tuple(_)
            )
    }
}

fn collect_routers(v: &Val, out: &mut Vec<Rc<Router>>) {
    match v {
        Val::Router(r) => out.push(r.clone()),
        Val::Tuple(vs) => vs.iter().for_each(|v| collect_routers(v, out)),
        _ => {}
    }
}

struct Frame {
    loc: ModLoc,
    self_ty: Option<ItemRef>,
    locals: HashMap<String, Val>,
    created: Vec<Rc<Router>>,
    absorbed: HashSet<u32>,
    returns: Vec<Val>,
}

const MAX_DEPTH: usize = 48;

/// Function evaluations with arguments before arguments stop counting.
const EVALUATION_BUDGET: usize = 20_000;

pub(crate) struct Eval<'i> {
    pub ix: &'i Index,
    /// Words a function that builds routers contains.
    needles: Prefilter,
    memo: RefCell<HashMap<FnRef, Rc<FnOut>>>,
    stack: RefCell<Vec<FnRef>>,
    pub consumed: RefCell<HashSet<FnRef>>,
    next_id: Cell<u32>,
    evaluations: Cell<usize>,
    /// Filters passed to `warp::serve`.
    pub warp_served: RefCell<Vec<Rc<Filter>>>,
}

/// Macros that never build routes and whose arguments are only read.
const QUIET_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format_args",
    "write",
    "writeln",
    "info",
    "debug",
    "warn",
    "error",
    "trace",
    "event",
    "span",
    "info_span",
    "debug_span",
    "warn_span",
    "error_span",
    "trace_span",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "todo",
    "unimplemented",
    "unreachable",
    "dbg",
    "matches",
    "env",
    "option_env",
    "include_str",
    "include_bytes",
    "include",
    "file",
    "line",
    "column",
    "module_path",
    "cfg",
    "json",
    "select",
    "join",
    "try_join",
    "pin",
    "query",
    "query_as",
    "query_scalar",
    "query_file",
    "query_file_as",
    "migrate",
    "html",
    "anyhow",
    "bail",
    "ensure",
    "debug_handler",
    "instrument",
    "lazy_static",
    "thread_local",
    "compile_error",
    "concat_idents",
    "doc",
    "main",
    "test",
];

impl<'i> Eval<'i> {
    pub(crate) fn new(ix: &'i Index, needles: Prefilter) -> Eval<'i> {
        Eval {
            ix,
            needles,
            memo: RefCell::new(HashMap::new()),
            stack: RefCell::new(Vec::new()),
            consumed: RefCell::new(HashSet::new()),
            next_id: Cell::new(1),
            evaluations: Cell::new(0),
            warp_served: RefCell::new(Vec::new()),
        }
    }

    /// Whether the text of a function's body names any router vocabulary.
    fn mentions_routers(&self, f: &FnRef, view: &super::index::FnView<'_>) -> bool {
        let Some(text) = self.ix.text(f.loc.file) else {
            return false;
        };
        let range = view.block.brace_token.span.join().byte_range();
        text.get(range)
            .is_some_and(|body| self.needles.matches(body.as_bytes()))
    }

    /// Whether the outline left this function's body out: empty in the
    /// tree, not in the text.
    fn body_left_out(&self, f: &FnRef, view: &super::index::FnView<'_>) -> bool {
        if !view.block.stmts.is_empty() {
            return false;
        }
        let Some(text) = self.ix.text(f.loc.file) else {
            return false;
        };
        let range = view.block.brace_token.span.join().byte_range();
        text.get(range).is_some_and(|body| {
            !body
                .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
                .is_empty()
        })
    }

    fn id(&self) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    pub(crate) fn site(&self, file: usize, span: Span) -> Site {
        let (line, column) = scan::line_col(span);
        Site { file, line, column }
    }

    fn snippet(&self, file: usize, span: Span) -> String {
        let text = self.ix.text(file).unwrap_or_else(|| Rc::from(""));
        let s = scan::span_text(&text, span).unwrap_or_default();
        if s.chars().count() > 90 {
            let cut: String = s.chars().take(87).collect();
            format!("{cut}...")
        } else {
            s
        }
    }

    fn note(&self, fr: &Frame, span: Span, why: impl Into<String>) -> Rc<Note> {
        Rc::new(Note {
            site: self.site(fr.loc.file, span),
            what: self.snippet(fr.loc.file, span),
            why: why.into(),
        })
    }

    fn new_router(
        &self,
        fr: &mut Frame,
        fw: Framework,
        kind: RKind,
        prefix: Option<String>,
        entries: Vec<Entry>,
    ) -> Val {
        Val::Router(self.new_router_rc(fr, fw, kind, prefix, entries))
    }

    /// A router created in this frame (pending until something absorbs it).
    fn new_router_rc(
        &self,
        fr: &mut Frame,
        fw: Framework,
        kind: RKind,
        prefix: Option<String>,
        entries: Vec<Entry>,
    ) -> Rc<Router> {
        let r = Rc::new(Router {
            id: self.id(),
            fw,
            kind,
            prefix,
            entries,
        });
        fr.created.push(r.clone());
        r
    }

    fn absorb(&self, fr: &mut Frame, v: &Val) {
        match v {
            Val::Router(r) => {
                fr.absorbed.insert(r.id);
            }
            Val::Tuple(vs) => vs.iter().for_each(|v| self.absorb(fr, v)),
            _ => {}
        }
    }

    // -----------------------------------------------------------------
    // Functions.

    /// Evaluates a workspace function with `args` bound to its parameters.
    pub(crate) fn call_fn(
        &self,
        f: &FnRef,
        mut args: Vec<Val>,
        call_site: Option<(Site, String)>,
    ) -> Rc<FnOut> {
        let mut memo_ok = args.iter().all(|a| matches!(a, Val::Unknown(_)));
        if memo_ok && let Some(out) = self.memo.borrow().get(f) {
            return out.clone();
        }
        // A budget against pathological code (helpers calling helpers with
        // arguments, each call evaluated afresh): past it, arguments are
        // ignored and results shared.
        self.evaluations.set(self.evaluations.get() + 1);
        if !memo_ok && self.evaluations.get() > EVALUATION_BUDGET {
            memo_ok = true;
            args.clear();
            if let Some(out) = self.memo.borrow().get(f) {
                return out.clone();
            }
        }
        let recursion = self.stack.borrow().contains(f);
        if recursion || self.stack.borrow().len() > MAX_DEPTH {
            let why = if recursion {
                format!(
                    "`{}` calls itself while building its router: the recursion is not followed",
                    self.ix.fn_display(f)
                )
            } else {
                "calls nest too deeply to follow".to_string()
            };
            let (site, what) = call_site.unwrap_or((
                Site {
                    file: f.loc.file,
                    line: 0,
                    column: 0,
                },
                f.name.clone(),
            ));
            let note = Rc::new(Note { site, what, why });
            return Rc::new(FnOut {
                value: Val::Unknown(Some(note)),
                extra: Vec::new(),
                params: Vec::new(),
            });
        }
        self.stack.borrow_mut().push(f.clone());
        // A body that never names a router, returns none and is given none
        // cannot build one: not interpreted (handlers, services). Such a
        // body may have been left out of the file's outline; given values,
        // it is read whole.
        let given = args.iter().any(|a| !matches!(a, Val::Unknown(_)));
        let wanted = self.ix.with_fn(f, |view, src| {
            let wanted = given || routing_type(&view.sig.output) || self.mentions_routers(f, view);
            (wanted, src.outline && self.body_left_out(f, view))
        });
        let out = match wanted {
            Some((true, false)) => self
                .ix
                .with_fn(f, |view, _| self.eval_fn(f, view.sig, view.block, args)),
            Some((true, true)) => self
                .ix
                .with_fn_whole(f, |view, _| self.eval_fn(f, view.sig, view.block, args)),
            _ => None,
        }
        .unwrap_or_else(FnOut::empty);
        self.stack.borrow_mut().pop();
        let out = Rc::new(out);
        if memo_ok {
            self.memo.borrow_mut().insert(f.clone(), out.clone());
        }
        out
    }

    fn eval_fn(
        &self,
        f: &FnRef,
        sig: &syn::Signature,
        block: &syn::Block,
        args: Vec<Val>,
    ) -> FnOut {
        let self_ty = f.impl_ty.as_ref().map(|t| ItemRef {
            loc: f.loc.clone(),
            name: t.clone(),
        });
        let mut fr = Frame {
            loc: f.loc.clone(),
            self_ty,
            locals: HashMap::new(),
            created: Vec::new(),
            absorbed: HashSet::new(),
            returns: Vec::new(),
        };
        let mut param_names = Vec::new();
        let mut args = args.into_iter();
        for input in &sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                continue;
            };
            let mut v = args.next().unwrap_or(Val::unit());
            if matches!(v, Val::Unknown(_)) {
                v = self.default_param(&mut fr, &pt.ty);
            }
            if let Val::Router(r) = &v
                && !fr.created.iter().any(|c| c.id == r.id)
            {
                fr.created.push(r.clone());
            }
            let names = pat_names(&pt.pat);
            if let [name] = names.as_slice() {
                param_names.push(name.clone());
            } else {
                param_names.push(String::new());
            }
            self.bind(&mut fr, &pt.pat, v);
        }
        let tail = self.eval_block(&mut fr, block);
        let mut value = tail;
        for r in std::mem::take(&mut fr.returns) {
            value = self.join_values(&mut fr, value, r);
        }
        if let Val::Unknown(note) = &value
            && router_like_type(&sig.output)
        {
            let note = note.clone().unwrap_or_else(|| {
                self.note(
                    &fr,
                    sig.ident.span(),
                    "the router this function returns could not be followed",
                )
            });
            let fw = self.crate_default_fw(fr.loc.krate, "");
            value = self.new_router(&mut fr, fw, RKind::Plain, None, vec![Entry::Note(note)]);
        }
        let mut in_value = Vec::new();
        collect_routers(&value, &mut in_value);
        let keep: HashSet<u32> = in_value.iter().map(|r| r.id).collect();
        let mut seen = HashSet::new();
        let extra: Vec<Rc<Router>> = fr
            .created
            .iter()
            .filter(|r| !fr.absorbed.contains(&r.id) && !keep.contains(&r.id))
            .filter(|r| seen.insert(r.id))
            .cloned()
            .collect();
        let params = param_names
            .iter()
            .map(|n| fr.locals.get(n).cloned().unwrap_or(Val::unit()))
            .collect();
        FnOut {
            value,
            extra,
            params,
        }
    }

    /// The value of a parameter no caller gave: a fresh router for the
    /// parameters frameworks fill in (actix `&mut ServiceConfig`).
    fn default_param(&self, fr: &mut Frame, ty: &syn::Type) -> Val {
        let name = type_name(ty).unwrap_or_default();
        if name == "ServiceConfig" {
            return self.new_router(fr, Framework::ActixWeb, RKind::Plain, None, Vec::new());
        }
        Val::unit()
    }

    fn bind(&self, fr: &mut Frame, pat: &syn::Pat, v: Val) {
        match pat {
            syn::Pat::Ident(p) => {
                fr.locals.insert(p.ident.to_string(), v);
            }
            syn::Pat::Type(t) => self.bind(fr, &t.pat, v),
            syn::Pat::Reference(r) => self.bind(fr, &r.pat, v),
            syn::Pat::Paren(p) => self.bind(fr, &p.pat, v),
            syn::Pat::Tuple(t) => {
                let vals = match v {
                    Val::Tuple(vs) => vs,
                    _ => Vec::new(),
                };
                for (i, p) in t.elems.iter().enumerate() {
                    self.bind(fr, p, vals.get(i).cloned().unwrap_or(Val::unit()));
                }
            }
            other => {
                for n in pat_names(other) {
                    fr.locals.insert(n, Val::unit());
                }
            }
        }
    }

    // -----------------------------------------------------------------
    // Statements and expressions.

    fn eval_block(&self, fr: &mut Frame, b: &syn::Block) -> Val {
        let mut last = Val::unit();
        for stmt in &b.stmts {
            last = match stmt {
                syn::Stmt::Local(l) => {
                    if scan::is_test_item(&l.attrs) {
                        continue;
                    }
                    let v = match &l.init {
                        Some(init) => {
                            let v = self.eval_expr(fr, &init.expr);
                            if let Some((_, e)) = &init.diverge {
                                self.eval_expr(fr, e);
                            }
                            v
                        }
                        None => Val::unit(),
                    };
                    self.bind(fr, &l.pat, v);
                    Val::unit()
                }
                syn::Stmt::Item(_) => Val::unit(),
                syn::Stmt::Expr(e, semi) => {
                    let v = self.eval_expr(fr, e);
                    if semi.is_some() {
                        self.write_back(fr, e, &v);
                        Val::unit()
                    } else {
                        v
                    }
                }
                syn::Stmt::Macro(m) => {
                    let v = self.eval_macro(fr, &m.mac);
                    if m.semi_token.is_some() {
                        Val::unit()
                    } else {
                        v
                    }
                }
            };
        }
        last
    }

    /// `cfg.service(x);` or `app.route(…);` as a statement: the result is the
    /// new value of the local the chain starts from (actix's `ServiceConfig`
    /// is changed in place).
    fn write_back(&self, fr: &mut Frame, e: &syn::Expr, v: &Val) {
        if !matches!(v, Val::Router(_)) {
            return;
        }
        let syn::Expr::MethodCall(_) = e else { return };
        let mut root = e;
        while let syn::Expr::MethodCall(m) = root {
            root = &m.receiver;
        }
        let root = strip(root);
        if let syn::Expr::Path(p) = root
            && let Some(id) = p.path.get_ident()
            && fr.locals.contains_key(&id.to_string())
        {
            fr.locals.insert(id.to_string(), v.clone());
        }
    }

    fn eval_expr(&self, fr: &mut Frame, e: &syn::Expr) -> Val {
        match e {
            syn::Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => Val::Str(s.value()),
                _ => Val::unit(),
            },
            syn::Expr::Path(p) => self.eval_path(fr, &p.path, p.qself.is_some()),
            syn::Expr::Call(c) => self.eval_call(fr, c),
            syn::Expr::MethodCall(m) => self.eval_method_call(fr, m),
            syn::Expr::Macro(m) => self.eval_macro(fr, &m.mac),
            syn::Expr::Reference(r) => self.eval_expr(fr, &r.expr),
            syn::Expr::Paren(p) => self.eval_expr(fr, &p.expr),
            syn::Expr::Group(g) => self.eval_expr(fr, &g.expr),
            syn::Expr::Try(t) => self.eval_expr(fr, &t.expr),
            syn::Expr::Await(a) => self.eval_expr(fr, &a.base),
            syn::Expr::Cast(c) => self.eval_expr(fr, &c.expr),
            syn::Expr::Block(b) => self.eval_block(fr, &b.block),
            syn::Expr::Unsafe(b) => self.eval_block(fr, &b.block),
            syn::Expr::Async(b) => self.eval_block(fr, &b.block),
            syn::Expr::Closure(c) => Val::Closure(Rc::new(c.clone())),
            syn::Expr::Tuple(t) => {
                Val::Tuple(t.elems.iter().map(|e| self.eval_expr(fr, e)).collect())
            }
            syn::Expr::Array(a) => {
                Val::Tuple(a.elems.iter().map(|e| self.eval_expr(fr, e)).collect())
            }
            syn::Expr::Assign(a) => {
                let v = self.eval_expr(fr, &a.right);
                if let syn::Expr::Path(p) = strip(&a.left)
                    && let Some(id) = p.path.get_ident()
                {
                    fr.locals.insert(id.to_string(), v);
                }
                Val::unit()
            }
            syn::Expr::Return(r) => {
                if let Some(e) = &r.expr {
                    let v = self.eval_expr(fr, e);
                    fr.returns.push(v);
                }
                Val::unit()
            }
            syn::Expr::If(i) => {
                self.eval_expr(fr, &i.cond);
                let a = self.eval_block(fr, &i.then_branch);
                match &i.else_branch {
                    Some((_, b)) => {
                        let b = self.eval_expr(fr, b);
                        self.join_values(fr, a, b)
                    }
                    None => a,
                }
            }
            syn::Expr::Match(m) => {
                self.eval_expr(fr, &m.expr);
                let mut acc: Option<Val> = None;
                for arm in &m.arms {
                    let v = self.eval_expr(fr, &arm.body);
                    acc = Some(match acc {
                        None => v,
                        Some(a) => self.join_values(fr, a, v),
                    });
                }
                acc.unwrap_or(Val::unit())
            }
            syn::Expr::Let(l) => {
                let v = self.eval_expr(fr, &l.expr);
                self.bind(fr, &l.pat, v);
                Val::unit()
            }
            syn::Expr::ForLoop(f) => {
                self.eval_expr(fr, &f.expr);
                self.bind(fr, &f.pat, Val::unit());
                self.eval_block(fr, &f.body);
                Val::unit()
            }
            syn::Expr::While(w) => {
                self.eval_expr(fr, &w.cond);
                self.eval_block(fr, &w.body);
                Val::unit()
            }
            syn::Expr::Loop(l) => {
                self.eval_block(fr, &l.body);
                Val::unit()
            }
            syn::Expr::Binary(b) => {
                self.eval_expr(fr, &b.left);
                self.eval_expr(fr, &b.right);
                Val::unit()
            }
            syn::Expr::Struct(s) => {
                for f in &s.fields {
                    self.eval_expr(fr, &f.expr);
                }
                Val::unit()
            }
            _ => Val::unit(),
        }
    }

    /// Either value: two routers become one holding both (both are served in
    /// some configuration).
    fn join_values(&self, fr: &mut Frame, a: Val, b: Val) -> Val {
        match (&a, &b) {
            (Val::Router(x), Val::Router(y)) if x.id == y.id => a,
            (Val::Router(x), Val::Router(y)) => {
                let fw = x.fw;
                let entries = vec![
                    Entry::Nest {
                        prefix: String::new(),
                        inner: x.clone(),
                    },
                    Entry::Nest {
                        prefix: String::new(),
                        inner: y.clone(),
                    },
                ];
                self.absorb(fr, &a);
                self.absorb(fr, &b);
                self.new_router(fr, fw, RKind::Plain, None, entries)
            }
            (Val::Router(_), _) => a,
            (_, Val::Router(_)) => b,
            (Val::Unknown(None), _) => b,
            _ => a,
        }
    }

    fn eval_path(&self, fr: &mut Frame, path: &syn::Path, qself: bool) -> Val {
        if qself {
            return Val::unit();
        }
        if let Some(id) = path.get_ident()
            && let Some(v) = fr.locals.get(&id.to_string())
        {
            return v.clone();
        }
        let site = self.site(fr.loc.file, path.span());
        match self.resolve(fr, path) {
            Def::Fn(f) => Val::Handler(Handler {
                name: self.ix.fn_display(&f),
                fn_ref: Some(f),
                site,
            }),
            Def::Const(c) => self.const_value(&c),
            Def::Type(t) => Val::Ty(t),
            Def::Module(_) => Val::unit(),
            Def::External(segs) => Val::Path(self.ix.expand(&fr.loc, &segs)),
        }
    }

    fn resolve(&self, fr: &Frame, path: &syn::Path) -> Def {
        let segs = scan::path_segments(path);
        if segs.first().is_some_and(|s| s == "Self")
            && let Some(ty) = &fr.self_ty
        {
            return match &segs[1..] {
                [] => Def::Type(ty.clone()),
                [m] => self
                    .ix
                    .method_of(ty, m)
                    .map(Def::Fn)
                    .unwrap_or_else(|| Def::External(segs.clone())),
                _ => Def::External(segs.clone()),
            };
        }
        self.ix.resolve(&fr.loc, &segs)
    }

    /// A `const`/`static` string (`const API: &str = "/api";`).
    fn const_value(&self, c: &ItemRef) -> Val {
        self.ix
            .with_item(c, |item, _| {
                let expr = match item {
                    syn::Item::Const(c) => &*c.expr,
                    syn::Item::Static(s) => &*s.expr,
                    _ => return Val::unit(),
                };
                let mut fr = Frame {
                    loc: c.loc.clone(),
                    self_ty: None,
                    locals: HashMap::new(),
                    created: Vec::new(),
                    absorbed: HashSet::new(),
                    returns: Vec::new(),
                };
                match self.eval_expr(&mut fr, expr) {
                    v @ Val::Str(_) => v,
                    _ => Val::unit(),
                }
            })
            .unwrap_or(Val::unit())
    }

    // -----------------------------------------------------------------
    // Calls.

    fn eval_args(
        &self,
        fr: &mut Frame,
        args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
    ) -> Vec<Val> {
        args.iter().map(|a| self.eval_expr(fr, a)).collect()
    }

    /// Arguments passed where nothing is known: closures run in place (an
    /// actix `HttpServer::new(|| App::new()…)`), the rest is evaluated for
    /// what it builds.
    fn run_opaque(&self, fr: &mut Frame, vals: &[Val]) {
        for v in vals {
            if let Val::Closure(c) = v {
                self.run_closure(fr, c, Vec::new());
            }
        }
    }

    fn run_closure(&self, fr: &mut Frame, c: &syn::ExprClosure, args: Vec<Val>) -> Val {
        let mut args = args.into_iter();
        for p in &c.inputs {
            let v = args.next().unwrap_or(Val::unit());
            self.bind(fr, p, v);
        }
        self.eval_expr(fr, &c.body)
    }

    fn eval_call(&self, fr: &mut Frame, c: &syn::ExprCall) -> Val {
        let syn::Expr::Path(fp) = strip(&c.func) else {
            let vals = self.eval_args(fr, &c.args);
            self.run_opaque(fr, &vals);
            return Val::unit();
        };
        let call_span = c.span();
        if let Some(id) = fp.path.get_ident()
            && fr.locals.contains_key(&id.to_string())
        {
            let vals = self.eval_args(fr, &c.args);
            self.run_opaque(fr, &vals);
            return Val::unit();
        }
        match self.resolve(fr, &fp.path) {
            Def::Fn(f) => {
                let vals = self.eval_args(fr, &c.args);
                for v in &vals {
                    self.absorb(fr, v);
                }
                let site = self.site(fr.loc.file, call_span);
                let what = self.snippet(fr.loc.file, call_span);
                let out = self.call_fn(&f, vals, Some((site, what)));
                // A local router passed by reference to a function that adds
                // to it (actix's `fn routes(cfg: &mut ServiceConfig)` called
                // directly, not through `.configure`): afterwards the local
                // holds what the function added.
                for (arg, after) in c.args.iter().zip(&out.params) {
                    if let syn::Expr::Path(p) = strip(arg)
                        && let Some(id) = p.path.get_ident().map(|i| i.to_string())
                        && let Some(Val::Router(before)) = fr.locals.get(&id)
                        && let Val::Router(now) = after
                        && before.id != now.id
                    {
                        self.consumed.borrow_mut().insert(f.clone());
                        fr.locals.insert(id, Val::Router(now.clone()));
                    }
                }
                self.take_output(fr, &f, &out)
            }
            Def::Type(_) => {
                let vals = self.eval_args(fr, &c.args);
                self.run_opaque(fr, &vals);
                Val::unit()
            }
            Def::Const(_) | Def::Module(_) => Val::unit(),
            Def::External(segs) => {
                let segs = self.ix.expand(&fr.loc, &segs);
                self.builtin_call(fr, &segs, c, call_span)
            }
        }
    }

    fn call_method(&self, fr: &mut Frame, f: &FnRef, m: &syn::ExprMethodCall) -> Val {
        let vals = self.eval_args(fr, &m.args);
        for v in &vals {
            self.absorb(fr, v);
        }
        let site = self.site(fr.loc.file, m.span());
        let what = self.snippet(fr.loc.file, m.span());
        let out = self.call_fn(f, vals, Some((site, what)));
        self.take_output(fr, f, &out)
    }

    /// The result of a workspace call, in the caller's frame.
    fn take_output(&self, fr: &mut Frame, f: &FnRef, out: &FnOut) -> Val {
        if out.is_routerish() {
            self.consumed.borrow_mut().insert(f.clone());
        }
        for r in &out.extra {
            fr.created.push(r.clone());
        }
        let mut rs = Vec::new();
        collect_routers(&out.value, &mut rs);
        fr.created.extend(rs);
        out.value.clone()
    }

    fn crate_default_fw(&self, krate: usize, op: &str) -> Framework {
        let fws = &self.ix.crates[krate].frameworks;
        let web: Vec<Framework> = fws.iter().copied().filter(|f| f.is_http_router()).collect();
        if let [only] = web.as_slice() {
            return *only;
        }
        match op {
            "service" | "configure" => Framework::ActixWeb,
            "mount" => Framework::Rocket,
            "at" => Framework::Poem,
            "add" | "add_route" | "prefix" => Framework::Loco,
            _ => web.first().copied().unwrap_or(Framework::Axum),
        }
    }

    /// A handler from an expression: a workspace fn, a closure (or the
    /// workspace fn it calls), or what was written.
    fn as_handler(&self, fr: &mut Frame, v: &Val, e: &syn::Expr) -> Handler {
        let site = self.site(fr.loc.file, e.span());
        match v {
            Val::Handler(h) => h.clone(),
            Val::Closure(c) => {
                // `|x| async move { handler(x).await }`: the fn it calls.
                if let Some(h) = self.closure_callee(fr, &c.body) {
                    return h;
                }
                Handler {
                    name: "<closure>".into(),
                    fn_ref: None,
                    site,
                }
            }
            Val::Path(p) => Handler {
                name: p.join("::"),
                fn_ref: None,
                site,
            },
            _ => Handler {
                name: self.snippet(fr.loc.file, e.span()),
                fn_ref: None,
                site,
            },
        }
    }

    fn closure_callee(&self, fr: &mut Frame, body: &syn::Expr) -> Option<Handler> {
        match strip(body) {
            syn::Expr::Async(a) => match a.block.stmts.last()? {
                syn::Stmt::Expr(e, None) => self.closure_callee(fr, e),
                _ => None,
            },
            syn::Expr::Block(b) => match b.block.stmts.last()? {
                syn::Stmt::Expr(e, None) => self.closure_callee(fr, e),
                _ => None,
            },
            syn::Expr::Await(a) => self.closure_callee(fr, &a.base),
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = strip(&c.func) else {
                    return None;
                };
                match self.resolve(fr, &p.path) {
                    Def::Fn(f) => Some(Handler {
                        name: self.ix.fn_display(&f),
                        fn_ref: Some(f),
                        site: self.site(fr.loc.file, body.span()),
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A method chain is evaluated from its root outwards, in a loop: a
    /// router of a thousand `.route(…)` calls is one level deep, not a
    /// thousand.
    fn eval_method_call(&self, fr: &mut Frame, m: &syn::ExprMethodCall) -> Val {
        let mut chain = vec![m];
        let mut root = &*m.receiver;
        while let syn::Expr::MethodCall(inner) = root {
            chain.push(inner);
            root = &inner.receiver;
        }
        let innermost = chain.pop().expect("the chain holds `m`");
        let mut recv = self.apply_method(fr, None, innermost);
        while let Some(call) = chain.pop() {
            recv = self.apply_method(fr, Some(recv), call);
        }
        recv
    }

    /// One call of a chain, on `recv` (the receiver's value, or `None` to
    /// evaluate `m.receiver`).
    fn apply_method(&self, fr: &mut Frame, recv: Option<Val>, m: &syn::ExprMethodCall) -> Val {
        let name = m.method.to_string();
        // `self.routes()` in an impl block: the method of the same type.
        if recv.is_none()
            && let syn::Expr::Path(p) = strip(&m.receiver)
            && p.path.is_ident("self")
            && let Some(ty) = fr.self_ty.clone()
            && let Some(f) = self.ix.method_of(&ty, &name)
        {
            return self.call_method(fr, &f, m);
        }
        // `routes.append(&mut more)`, `routes.extend(more)` on a local list
        // or router: the local now holds both.
        if recv.is_none()
            && matches!(name.as_str(), "append" | "extend")
            && m.args.len() == 1
            && let syn::Expr::Path(p) = strip(&m.receiver)
            && let Some(id) = p.path.get_ident().map(|i| i.to_string())
            && let Some(cur @ (Val::Router(_) | Val::Tuple(_))) = fr.locals.get(&id).cloned()
        {
            let more = self.eval_expr(fr, &m.args[0]);
            let joined = self.join_routes(fr, cur, more, m);
            fr.locals.insert(id, joined);
            return Val::unit();
        }
        let recv = match recv {
            Some(v) => v,
            None => self.eval_expr(fr, &m.receiver),
        };
        if let Val::Ty(ty) = &recv
            && let Some(f) = self.ix.method_of(ty, &name)
        {
            return self.call_method(fr, &f, m);
        }
        match recv {
            Val::Router(r) => self.router_op(fr, r, &name, m),
            Val::Methods(ms) => self.methods_op(fr, ms, &name, m),
            Val::Filter(f) => self.warp_op(fr, f, &name, m),
            Val::Str(s) => match name.as_str() {
                "to_string" | "to_owned" | "into" | "as_str" | "clone" | "as_ref" => Val::Str(s),
                _ => Val::unit(),
            },
            Val::Handler(h) => match name.as_str() {
                "layer" | "with_state" | "clone" | "into" | "boxed" => Val::Handler(h),
                _ => Val::unit(),
            },
            Val::Static => {
                let vals = self.eval_args(fr, &m.args);
                self.run_opaque(fr, &vals);
                Val::Static
            }
            other => {
                if is_router_op(&name) && self.args_look_like_routes(fr, &name, m) {
                    // A route added to a router we cannot see (a field, a
                    // parameter): the route is real, its base unknown.
                    let fw = self.crate_default_fw(fr.loc.krate, &name);
                    let base = self.new_router_rc(fr, fw, RKind::Plain, None, Vec::new());
                    return self.router_op(fr, base, &name, m);
                }
                let vals = self.eval_args(fr, &m.args);
                self.run_opaque(fr, &vals);
                if matches!(
                    name.as_str(),
                    "clone" | "into" | "unwrap" | "expect" | "to_owned"
                ) {
                    return other;
                }
                Val::Unknown(Some(self.note(
                    fr,
                    m.span(),
                    format!("the value `.{name}(…)` is called on could not be followed"),
                )))
            }
        }
    }

    /// Two lists of routes as one: what `append` or `extend` leaves in the
    /// receiver.
    fn join_routes(&self, fr: &mut Frame, cur: Val, more: Val, m: &syn::ExprMethodCall) -> Val {
        match (cur, more) {
            (Val::Tuple(mut a), Val::Tuple(b)) => {
                a.extend(b);
                Val::Tuple(a)
            }
            (Val::Tuple(a), Val::Router(r)) if a.is_empty() => Val::Router(r),
            (Val::Router(r), Val::Tuple(b)) if b.is_empty() => Val::Router(r),
            (Val::Router(r), Val::Router(s)) => {
                fr.absorbed.insert(s.id);
                self.extend(
                    fr,
                    r,
                    vec![Entry::Nest {
                        prefix: String::new(),
                        inner: s,
                    }],
                )
            }
            (cur, more) => {
                self.absorb(fr, &more);
                let note = self.note(fr, m.span(), "routes appended here could not be followed");
                match cur {
                    Val::Router(r) => self.extend(fr, r, vec![Entry::Note(note)]),
                    _ => Val::Unknown(Some(note)),
                }
            }
        }
    }

    fn args_look_like_routes(&self, fr: &mut Frame, name: &str, m: &syn::ExprMethodCall) -> bool {
        match name {
            "route" | "at" | "add" | "nest" | "mount" => {
                m.args.len() == 2 && matches!(strip(&m.args[0]), syn::Expr::Lit(_))
            }
            "service" | "configure" | "merge" | "add_route" => {
                let v = m.args.first().map(|a| self.eval_expr(fr, a));
                matches!(v, Some(Val::Router(_) | Val::Handler(_)))
            }
            _ => false,
        }
    }

    /// The result of an operation that adds `entries` to `r`.
    fn extend(&self, fr: &mut Frame, r: Rc<Router>, entries: Vec<Entry>) -> Val {
        fr.absorbed.insert(r.id);
        // The router extended is dead: the frame lets go of it (it is usually
        // the last created). When nothing else holds it (a local may), its
        // entries move to the new router instead of being copied, so a chain
        // of n `.route(…)` calls is O(n) in time and memory, not O(n²).
        if let Some(at) = fr.created.iter().rposition(|c| c.id == r.id) {
            fr.created.remove(at);
        }
        let (fw, kind, prefix, mut all) = match Rc::try_unwrap(r) {
            Ok(r) => (r.fw, r.kind, r.prefix, r.entries),
            Err(shared) => (
                shared.fw,
                shared.kind,
                shared.prefix.clone(),
                shared.entries.clone(),
            ),
        };
        all.extend(entries);
        self.new_router(fr, fw, kind, prefix, all)
    }

    fn path_arg(&self, fr: &mut Frame, e: &syn::Expr) -> Result<String, Rc<Note>> {
        match self.eval_expr(fr, e) {
            Val::Str(s) => Ok(s),
            Val::Unknown(Some(n)) if n.why.contains("macro") => Err(n),
            _ => Err(self.note(
                fr,
                e.span(),
                "path built at run time: the route is not listed",
            )),
        }
    }

    /// A mount or nest path whose leading part is known only at run time
    /// (`[basepath, "/api"].concat()`, `format!("{base}/api")`,
    /// `base.to_owned() + "/api"`): the static rest and the source of the
    /// dynamic part. The routes are listed under the static part, with a
    /// note naming the prefix, rather than dropped or listed without it.
    fn dynamic_prefix(&self, fr: &mut Frame, e: &syn::Expr) -> Option<(String, String)> {
        // Each part is evaluated once: leading parts not known, then only
        // strings.
        let split = |this: &Self, fr: &mut Frame, parts: Vec<&syn::Expr>| {
            let vals: Vec<Val> = parts.iter().map(|p| this.eval_expr(fr, p)).collect();
            let first_known = vals.iter().position(|v| matches!(v, Val::Str(_)))?;
            if first_known == 0 {
                return None;
            }
            let mut rest = String::new();
            for v in &vals[first_known..] {
                let Val::Str(s) = v else { return None };
                rest.push_str(s);
            }
            let dynamic: Vec<String> = parts[..first_known]
                .iter()
                .map(|p| this.snippet(fr.loc.file, p.span()))
                .collect();
            Some((rest, dynamic.join(" + ")))
        };
        match strip(e) {
            // `[a, "/api"].concat()`, `[a, "/api"].join("")`
            syn::Expr::MethodCall(m)
                if (m.method == "concat" && m.args.is_empty())
                    || (m.method == "join"
                        && m.args.len() == 1
                        && scan::lit_str(&m.args[0]).is_some_and(|(s, _)| s.is_empty())) =>
            {
                let syn::Expr::Array(a) = strip(&m.receiver) else {
                    return None;
                };
                split(self, fr, a.elems.iter().collect())
            }
            // `a + "/api"`, `a.to_owned() + "/api"`
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                split(self, fr, vec![&b.left, &b.right])
            }
            // `format!("{}/api", a)`, `format!("{a}/api")`
            syn::Expr::Macro(m) if m.mac.path.is_ident("format") => {
                let args = scan::macro_args(&m.mac)?;
                let (fmt, _) = scan::lit_str(args.first()?)?;
                let close = fmt
                    .strip_prefix('{')
                    .filter(|r| !r.starts_with('{'))?
                    .find('}')?;
                let (placeholder, rest) = fmt.split_at(close + 2);
                if rest.contains(['{', '}']) {
                    return None;
                }
                let name = placeholder.trim_matches(|c| c == '{' || c == '}');
                let dynamic = if name.is_empty() {
                    self.snippet(fr.loc.file, args.get(1)?.span())
                } else {
                    name.to_string()
                };
                Some((rest.to_string(), dynamic))
            }
            _ => None,
        }
    }

    /// The note for a value that should have been a router.
    fn unfollowed_entries(&self, fr: &mut Frame, v: Val, e: &syn::Expr, what: &str) -> Vec<Entry> {
        match v {
            Val::Static => Vec::new(),
            v => vec![Entry::Note(self.unfollowed(fr, v, e, what))],
        }
    }

    fn unfollowed(&self, fr: &mut Frame, v: Val, e: &syn::Expr, what: &str) -> Rc<Note> {
        match v {
            Val::Unknown(Some(n)) => n,
            _ => self.note(fr, e.span(), format!("{what} could not be followed")),
        }
    }

    fn eval_macro(&self, fr: &mut Frame, mac: &syn::Macro) -> Val {
        let segs = scan::path_segments(&mac.path);
        let name = segs.last().map(String::as_str).unwrap_or("");
        let span = mac.span();
        match name {
            "format" => self.format_value(fr, mac),
            "concat" => {
                let Some(args) = scan::macro_args(mac) else {
                    return Val::unit();
                };
                let mut s = String::new();
                for a in &args {
                    match self.eval_expr(fr, a) {
                        Val::Str(x) => s.push_str(&x),
                        _ => return Val::unit(),
                    }
                }
                Val::Str(s)
            }
            "vec" => match scan::macro_args(mac) {
                Some(args) => Val::Tuple(args.iter().map(|a| self.eval_expr(fr, a)).collect()),
                None => Val::unit(),
            },
            "routes" => {
                let Some(hs) = self.macro_handlers(fr, mac) else {
                    return Val::Unknown(Some(self.note(
                        fr,
                        span,
                        "`routes!` arguments not understood",
                    )));
                };
                let entries = self.rocket_routes_of(&hs, None);
                let fw = entries
                    .iter()
                    .find_map(|e| match e {
                        Entry::Route(r) => Some(r.fw),
                        _ => None,
                    })
                    .unwrap_or(Framework::Rocket);
                self.new_router(fr, fw, RKind::Plain, None, entries)
            }
            "services" => match self.macro_handlers(fr, mac) {
                Some(hs) => Val::Tuple(hs.into_iter().map(Val::Handler).collect()),
                None => Val::unit(),
            },
            "path"
                if segs.len() == 1
                    && self.ix.crates[fr.loc.krate]
                        .frameworks
                        .contains(&Framework::Warp)
                    || segs.first().is_some_and(|s| s == "warp") =>
            {
                self.warp_path_macro(fr, mac)
            }
            _ => {
                let quiet = QUIET_MACROS.contains(&name);
                // A user's macro given a router: whatever it adds is not
                // seen, and that is said.
                if !quiet {
                    let note = self.note(
                        fr,
                        span,
                        format!(
                            "macro `{name}!` is not expanded: routes it may add are not listed"
                        ),
                    );
                    let mentioned = macro_idents(&mac.tokens);
                    for id in mentioned {
                        if let Some(Val::Router(r)) = fr.locals.get(&id).cloned() {
                            let v = self.extend(fr, r, vec![Entry::Note(note.clone())]);
                            fr.locals.insert(id, v);
                        }
                    }
                    return Val::Unknown(Some(note));
                }
                // Read the arguments (a closure may build something).
                if let Some(args) = scan::macro_args(mac) {
                    for a in &args {
                        let v = self.eval_expr(fr, a);
                        self.run_opaque(fr, &[v]);
                    }
                }
                Val::unit()
            }
        }
    }

    fn format_value(&self, fr: &mut Frame, mac: &syn::Macro) -> Val {
        let Some(args) = scan::macro_args(mac) else {
            return Val::unit();
        };
        let Some((fmt, rest)) = args.split_first() else {
            return Val::unit();
        };
        let Some((fmt, _)) = scan::lit_str(fmt) else {
            return Val::unit();
        };
        let mut positional = Vec::new();
        let mut named = HashMap::new();
        for a in rest {
            if let syn::Expr::Assign(asg) = a
                && let syn::Expr::Path(p) = strip(&asg.left)
                && let Some(id) = p.path.get_ident()
            {
                named.insert(id.to_string(), self.eval_expr(fr, &asg.right));
            } else {
                positional.push(self.eval_expr(fr, a));
            }
        }
        let mut out = String::new();
        let mut next = 0;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    let mut spec = String::new();
                    for d in chars.by_ref() {
                        if d == '}' {
                            break;
                        }
                        spec.push(d);
                    }
                    let key = spec.split(':').next().unwrap_or("").trim().to_string();
                    let v = if key.is_empty() {
                        next += 1;
                        positional.get(next - 1).cloned()
                    } else if let Ok(i) = key.parse::<usize>() {
                        positional.get(i).cloned()
                    } else {
                        named.get(&key).cloned().or_else(|| {
                            fr.locals.get(&key).cloned().or_else(|| {
                                let path: syn::Path = syn::parse_str(&key).ok()?;
                                Some(self.eval_path(fr, &path, false))
                            })
                        })
                    };
                    match v {
                        Some(Val::Str(s)) => out.push_str(&s),
                        _ => return Val::unit(),
                    }
                }
                c => out.push(c),
            }
        }
        Val::Str(out)
    }

    // -----------------------------------------------------------------
    // warp.
}

/// A method name that adds routes in some framework.
fn is_router_op(name: &str) -> bool {
    matches!(
        name,
        "route" | "at" | "add" | "nest" | "mount" | "service" | "configure" | "merge" | "add_route"
    )
}

fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        syn::Expr::Reference(r) => strip(&r.expr),
        _ => e,
    }
}

pub(crate) fn pat_names(p: &syn::Pat) -> Vec<String> {
    match p {
        syn::Pat::Ident(i) => vec![i.ident.to_string()],
        syn::Pat::Type(t) => pat_names(&t.pat),
        syn::Pat::Reference(r) => pat_names(&r.pat),
        syn::Pat::Paren(p) => pat_names(&p.pat),
        syn::Pat::Tuple(t) => t.elems.iter().flat_map(pat_names).collect(),
        syn::Pat::TupleStruct(t) => t.elems.iter().flat_map(pat_names).collect(),
        syn::Pat::Struct(s) => s.fields.iter().flat_map(|f| pat_names(&f.pat)).collect(),
        syn::Pat::Slice(s) => s.elems.iter().flat_map(pat_names).collect(),
        _ => Vec::new(),
    }
}

fn macro_idents(ts: &proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for tt in ts.clone() {
        match tt {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(macro_idents(&g.stream())),
            _ => {}
        }
    }
    out
}

/// Routers' type names, as return types say them.
/// Names whose presence in a signature (bytes, before parsing) means the
/// function may return something that routes: [`ROUTER_TYPES`] and warp's
/// filters. A superset of what [`routing_type`] accepts.
pub(crate) const ROUTING_TYPE_NAMES: &[&str] =
    &["Route", "Scope", "Rocket", "HttpServiceFactory", "Filter"];

const ROUTER_TYPES: &[&str] = &[
    "Router",
    "Route",
    "Routes",
    "AppRoutes",
    "Scope",
    "Rocket",
    "OpenApiRouter",
    "HttpServiceFactory",
];

/// Whether a declared return type is a router of some framework.
fn router_like_type(out: &syn::ReturnType) -> bool {
    type_mentions(out, ROUTER_TYPES)
}

/// Whether a function may return something that routes: a router, or a
/// warp filter (`impl Filter<…>`, `BoxedFilter<…>`).
fn routing_type(out: &syn::ReturnType) -> bool {
    router_like_type(out) || type_mentions(out, &["Filter", "BoxedFilter"])
}

fn type_mentions(out: &syn::ReturnType, names: &[&str]) -> bool {
    let syn::ReturnType::Type(_, ty) = out else {
        return false;
    };
    struct V<'n>(bool, &'n [&'n str]);
    impl<'ast> syn::visit::Visit<'ast> for V<'_> {
        fn visit_ident(&mut self, i: &'ast syn::Ident) {
            if self.1.iter().any(|n| i == n) {
                self.0 = true;
            }
        }
    }
    let mut v = V(false, names);
    syn::visit::Visit::visit_type(&mut v, ty);
    v.0
}
