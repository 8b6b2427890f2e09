//! The errors each handler can answer with, as the code says them.
//!
//! An error type is an enum of the workspace that renders itself as a
//! response (axum `IntoResponse`, actix `ResponseError`, rocket
//! `Responder`). Its status per variant is read from the `match` arms of
//! its impls (`Self::Forbidden => StatusCode::FORBIDDEN`,
//! `ApiError::NotFound(_) => HttpResponse::NotFound()`). A handler can
//! answer a variant when its body, or a function of the workspace it calls
//! (a few levels down), names it (`Err(Error::Forbidden)`,
//! `Error::unprocessable_entity(…)` inside `on_constraint`), and a
//! `#[from]` variant when it propagates with `?`. Each case names the place
//! that produces it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Serialize;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::index::{Def, FnRef, Index, ItemRef, ModLoc, impl_blocks, walk_modules};
use crate::scan::Prefilter;

/// One error a handler can answer with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ErrorCase {
    /// The HTTP status its type maps it to; `None` when the mapping is not
    /// in the code the tool reads.
    pub status: Option<u16>,
    /// `Error::Forbidden`.
    pub variant: String,
    /// Where the handler's code produces it.
    pub file: String,
    pub line: usize,
    /// The function of the workspace it is produced in, when not the
    /// handler itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// How deep into the workspace's functions a handler is followed.
const MAX_DEPTH: usize = 4;
/// Functions read per handler at most.
const MAX_FNS: usize = 64;

#[derive(Debug)]
struct From {
    variant: String,
    krate: String,
}

#[derive(Debug)]
struct ErrorType {
    name: String,
    krate: usize,
    /// Variant → status.
    variants: Vec<(String, Option<u16>)>,
    /// Variants converted from other errors with `#[from]`: the variant,
    /// and the crate its source type comes from (`sqlx`, `std`).
    from: Vec<From>,
}

pub(crate) struct ErrorCx<'i> {
    ix: &'i Index,
    types: Vec<ErrorType>,
    /// What each function's body names: paths with their lines, and the
    /// functions it calls by path; read once per function.
    memo: RefCell<HashMap<FnRef, Rc<Body>>>,
}

#[derive(Debug, Default)]
struct Body {
    paths: Vec<(Vec<String>, usize)>,
    calls: Vec<Vec<String>>,
    /// Each `?`: its operand's root path, its line, the types its operand
    /// names ([`Question`]).
    tries: Vec<Try>,
    /// The return type, as written.
    output: String,
}

type Try = (Option<Vec<String>>, usize, Vec<String>);

#[derive(Debug, Clone)]
struct Produced {
    ty: usize,
    variant: String,
    file: usize,
    line: usize,
    via: Option<String>,
}

impl<'i> ErrorCx<'i> {
    /// Finds the workspace's error types and their status mappings.
    pub(crate) fn new(ix: &'i Index) -> Self {
        let filter = Prefilter::new(&[
            "IntoResponse for",
            "ResponseError for",
            "Responder<'r",
            "Responder for",
        ]);
        let mut types: Vec<ErrorType> = Vec::new();
        let mut seen: HashSet<(usize, String)> = HashSet::new();
        for file in ix.matching(&filter) {
            let Some(src) = ix.parsed(file) else { continue };
            let base = ix.file_loc(file);
            let mut found: Vec<(ModLoc, String)> = Vec::new();
            walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
                for item in impl_blocks(items) {
                    let syn::Item::Impl(imp) = item else { continue };
                    let Some((tr, _)) = &imp.trait_ else { continue };
                    let Some(t) = tr.segments.last() else {
                        continue;
                    };
                    if !matches!(
                        t.ident.to_string().as_str(),
                        "IntoResponse" | "ResponseError" | "Responder"
                    ) {
                        continue;
                    }
                    if let Some(name) = super::index::type_name(&imp.self_ty) {
                        let mut loc = base.clone();
                        loc.inline = inline.to_vec();
                        found.push((loc, name));
                    }
                }
            });
            for (loc, name) in found {
                let Def::Type(item) = ix.resolve(&loc, std::slice::from_ref(&name)) else {
                    continue;
                };
                if !seen.insert((item.loc.krate, item.name.clone())) {
                    continue;
                }
                if let Some(t) = read_type(ix, &item) {
                    types.push(t);
                }
            }
        }
        ErrorCx {
            ix,
            types,
            memo: RefCell::default(),
        }
    }

    /// The errors a handler can answer with.
    pub(crate) fn of(&self, handler: &FnRef) -> Vec<ErrorCase> {
        if self.types.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Produced> = Vec::new();
        let mut visited: HashSet<FnRef> = HashSet::new();
        self.walk(handler, 0, None, &mut visited, &mut out);
        // `?` in the handler on an error from outside the workspace: the
        // `#[from]` variant of its crate's error type that takes it
        // (`std::fs::read_to_string(…)?` → `Io(#[from] std::io::Error)`), or
        // one that takes any error; a `?` on a function of the workspace
        // passes its error through (already followed above).
        let body = self.body(handler);
        // The handler's error type: the one its return type names
        // (`Result<HttpResponse, SubscribeError>`), else the only one of its
        // crate (`Result<Json<T>>` through an alias).
        let output = &body.output;
        let crate_types: Vec<usize> = (0..self.types.len())
            .filter(|&i| self.types[i].krate == handler.loc.krate)
            .collect();
        let named: Vec<usize> = crate_types
            .iter()
            .copied()
            .filter(|&i| crate::scan::mentions_ident(output, &self.types[i].name))
            .collect();
        let mine = if named.is_empty() { crate_types } else { named };
        if let [one] = mine.as_slice() {
            let t = &self.types[*one];
            for (root, line, owners) in body.tries.iter().cloned() {
                // `.ok_or(Error::NotFound)?`: the error is already the
                // handler's (followed above), nothing is converted.
                if owners.iter().any(|o| *o == t.name || o == "Self") {
                    continue;
                }
                let krate = match root {
                    Some(segs) => match self.ix.resolve(&handler.loc, &segs) {
                        Def::External(full) if full.len() > 1 => full.first().cloned(),
                        // A function of the workspace returning the same
                        // error passes it through (followed above); one
                        // returning another error is converted.
                        Def::Fn(callee) => {
                            let err = self
                                .ix
                                .with_fn(&callee, |v, _| match &v.sig.output {
                                    syn::ReturnType::Type(_, ty) => error_arg(ty),
                                    syn::ReturnType::Default => None,
                                })
                                .flatten();
                            // `Result<T, E>`: the same type when `E`
                            // resolves to it; `Result<T>` (an alias) is
                            // taken as the crate's own.
                            let same = match &err {
                                Some(segs) => matches!(
                                    self.ix.resolve(&callee.loc, segs),
                                    Def::Type(item) if item.name == t.name && item.loc.krate == t.krate
                                ),
                                None => true,
                            };
                            if same {
                                continue;
                            }
                            // `std::io::Error`: its crate says which
                            // `#[from]` variant takes it.
                            err.filter(|segs| segs.len() > 1)
                                .map(|segs| segs[0].clone())
                        }
                        // A local value.
                        _ => None,
                    },
                    None => None,
                };
                let from = krate
                    .as_deref()
                    .and_then(|k| {
                        t.from
                            .iter()
                            .find(|f| f.krate == k || (k == "std" && f.krate == "io"))
                    })
                    // Otherwise only a single `#[from]` variant is certain
                    // (`tokio::fs::read` returns a `std::io::Error`; a
                    // local value's type is not known).
                    .or(match t.from.as_slice() {
                        [only] => Some(only),
                        _ => None,
                    });
                if let Some(f) = from {
                    out.push(Produced {
                        ty: *one,
                        variant: f.variant.clone(),
                        file: handler.loc.file,
                        line,
                        via: Some(format!(
                            "`?` converts into `{}::{}` (`#[from]`)",
                            t.name, f.variant
                        )),
                    });
                }
            }
        }
        let mut cases: Vec<ErrorCase> = Vec::new();
        let mut seen = HashSet::new();
        for p in out {
            let t = &self.types[p.ty];
            if !seen.insert((p.ty, p.variant.clone())) {
                continue;
            }
            let status = t
                .variants
                .iter()
                .find(|(v, _)| *v == p.variant)
                .and_then(|(_, s)| *s);
            cases.push(ErrorCase {
                status,
                variant: format!("{}::{}", t.name, p.variant),
                file: self.ix.rel(p.file).to_string(),
                line: p.line,
                via: p.via,
            });
        }
        cases.sort_by(|a, b| (a.status, &a.variant).cmp(&(b.status, &b.variant)));
        cases
    }

    /// What a function's body names, read once per function.
    fn body(&self, f: &FnRef) -> Rc<Body> {
        if let Some(b) = self.memo.borrow().get(f) {
            return b.clone();
        }
        let b = self
            .ix
            .with_fn_whole(f, |v, _| {
                let mut n = Names::default();
                n.visit_block(v.block);
                let mut q = Question::default();
                q.visit_block(v.block);
                Body {
                    paths: n
                        .paths
                        .into_iter()
                        .map(|(p, span)| (p, crate::scan::line_col(span).0))
                        .collect(),
                    calls: n.calls,
                    tries: q.roots,
                    output: match &v.sig.output {
                        syn::ReturnType::Type(_, ty) => crate::routes::schema::type_text(ty),
                        syn::ReturnType::Default => String::new(),
                    },
                }
            })
            .unwrap_or_default();
        let b = Rc::new(b);
        self.memo.borrow_mut().insert(f.clone(), b.clone());
        b
    }

    fn walk(
        &self,
        f: &FnRef,
        depth: usize,
        via: Option<&str>,
        visited: &mut HashSet<FnRef>,
        out: &mut Vec<Produced>,
    ) {
        if depth > MAX_DEPTH || visited.len() >= MAX_FNS || !visited.insert(f.clone()) {
            return;
        }
        let body = self.body(f);
        let mut mine: Vec<Produced> = Vec::new();
        let self_ty = f.impl_ty.as_deref();
        for (segs, line) in &body.paths {
            let [.., owner, variant] = segs.as_slice() else {
                continue;
            };
            let owner = if owner == "Self" {
                match self_ty {
                    Some(t) => t,
                    None => continue,
                }
            } else {
                owner.as_str()
            };
            for (i, t) in self.types.iter().enumerate() {
                if t.name == owner && t.variants.iter().any(|(v, _)| v == variant) {
                    mine.push(Produced {
                        ty: i,
                        variant: variant.clone(),
                        file: f.loc.file,
                        line: *line,
                        via: None,
                    });
                }
            }
        }
        if depth == 0 {
            out.extend(mine);
        } else {
            let name = self.ix.fn_display(f);
            out.extend(mine.into_iter().map(|mut p| {
                p.via = Some(via.map_or_else(|| format!("in `{name}`"), String::from));
                p
            }));
        }
        for segs in &body.calls {
            let def = if segs.first().is_some_and(|s| s == "Self")
                && let Some(t) = &f.impl_ty
            {
                let ty = ItemRef {
                    loc: f.loc.clone(),
                    name: t.clone(),
                };
                match &segs[1..] {
                    [m] => self.ix.method_of(&ty, m).map(Def::Fn),
                    _ => None,
                }
            } else {
                Some(self.ix.resolve(&f.loc, segs))
            };
            if let Some(Def::Fn(callee)) = def {
                let name = self.ix.fn_display(&callee);
                let via = via.map_or_else(|| format!("in `{name}`"), String::from);
                self.walk(&callee, depth + 1, Some(&via), visited, out);
            }
        }
    }
}

/// Whether a handler's return type can carry an error: `Result`, `Option`,
/// `impl Trait`, a type of the workspace or anything else not known to be
/// a plain success (`&'static str`, `String`, `Json<T>`, `Html<T>`,
/// `StatusCode`, `()`).
pub(crate) fn fallible(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    let ty = match &**ty {
        syn::Type::Reference(r) => &*r.elem,
        t => t,
    };
    match ty {
        syn::Type::Tuple(t) => !t.elems.is_empty(),
        syn::Type::Path(p) => !p.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "str" | "String" | "Json" | "Html" | "StatusCode" | "Value" | "Bytes" | "NoContent"
            )
        }),
        _ => true,
    }
}

/// The error type path of a `Result<T, E>` return type.
fn error_arg(ty: &syn::Type) -> Option<Vec<String>> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    let mut types = a.args.iter().filter_map(|g| match g {
        syn::GenericArgument::Type(syn::Type::Path(tp)) => {
            Some(crate::scan::path_segments(&tp.path))
        }
        syn::GenericArgument::Type(_) => Some(Vec::new()),
        _ => None,
    });
    types.nth(1).filter(|s| !s.is_empty())
}

/// The variants of an error enum and their statuses.
fn read_type(ix: &Index, item: &ItemRef) -> Option<ErrorType> {
    let (variants, from) = ix
        .with_item(item, |it, _| match it {
            syn::Item::Enum(e) => {
                let names: Vec<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
                let from: Vec<From> = e
                    .variants
                    .iter()
                    .filter_map(|v| {
                        let f = v
                            .fields
                            .iter()
                            .find(|f| f.attrs.iter().any(|a| a.path().is_ident("from")))?;
                        let krate = match &f.ty {
                            syn::Type::Path(p) => p
                                .path
                                .segments
                                .first()
                                .map(|s| s.ident.to_string())
                                .unwrap_or_default(),
                            _ => String::new(),
                        };
                        Some(From {
                            variant: v.ident.to_string(),
                            krate,
                        })
                    })
                    .collect();
                Some((names, from))
            }
            _ => None,
        })
        .flatten()?;
    let mut status: HashMap<String, u16> = HashMap::new();
    for (loc, idx) in ix
        .impls_of(item.loc.krate, &item.name, Some(item.loc.file))
        .iter()
    {
        ix.with_impl(loc, *idx, true, |imp| {
            Arms {
                variants: &variants,
                status: &mut status,
            }
            .visit_item_impl(imp);
        });
    }
    Some(ErrorType {
        name: item.name.clone(),
        krate: item.loc.krate,
        variants: variants
            .into_iter()
            .map(|v| {
                let s = status.get(&v).copied();
                (v, s)
            })
            .collect(),
        from,
    })
}

/// `match self { Self::Forbidden => StatusCode::FORBIDDEN, … }`: the
/// status of each variant an arm names, the first one met.
struct Arms<'a> {
    variants: &'a [String],
    status: &'a mut HashMap<String, u16>,
}

impl<'ast> Visit<'ast> for Arms<'_> {
    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let mut names = Vec::new();
        pat_variants(&arm.pat, self.variants, &mut names);
        if !names.is_empty() {
            let mut s = Status::default();
            s.visit_expr(&arm.body);
            if let Some(code) = s.code {
                for n in names {
                    self.status.entry(n).or_insert(code);
                }
            }
        }
        visit::visit_arm(self, arm);
    }
}

fn pat_variants(p: &syn::Pat, variants: &[String], out: &mut Vec<String>) {
    let path = match p {
        syn::Pat::Path(p) => Some(&p.path),
        syn::Pat::TupleStruct(t) => Some(&t.path),
        syn::Pat::Struct(s) => Some(&s.path),
        syn::Pat::Ident(i) if i.subpat.is_none() => {
            let n = i.ident.to_string();
            if variants.contains(&n) {
                out.push(n);
            }
            None
        }
        syn::Pat::Or(o) => {
            for c in &o.cases {
                pat_variants(c, variants, out);
            }
            None
        }
        syn::Pat::Reference(r) => {
            pat_variants(&r.pat, variants, out);
            None
        }
        _ => None,
    };
    if let Some(last) = path.and_then(|p| p.segments.last()) {
        let n = last.ident.to_string();
        if variants.contains(&n) {
            out.push(n);
        }
    }
}

/// The first HTTP status an expression names.
#[derive(Default)]
struct Status {
    code: Option<u16>,
}

impl<'ast> Visit<'ast> for Status {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if self.code.is_none()
            && let Some(last) = p.segments.last()
        {
            let name = last.ident.to_string();
            let name = name.strip_prefix("Error").unwrap_or(&name);
            self.code = status_named(name);
        }
        visit::visit_path(self, p);
    }

    fn visit_expr_lit(&mut self, l: &'ast syn::ExprLit) {
        // `StatusCode::from_u16(403)`, `(403, body)`.
        if self.code.is_none()
            && let syn::Lit::Int(i) = &l.lit
            && let Ok(n) = i.base10_parse::<u16>()
            && (400..600).contains(&n)
        {
            self.code = Some(n);
        }
    }
}

/// `FORBIDDEN`, `Forbidden`, `UNPROCESSABLE_ENTITY`, `UnprocessableEntity`.
fn status_named(name: &str) -> Option<u16> {
    let key: String = name
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match key.as_str() {
        "badrequest" => 400,
        "unauthorized" => 401,
        "paymentrequired" => 402,
        "forbidden" => 403,
        "notfound" => 404,
        "methodnotallowed" => 405,
        "notacceptable" => 406,
        "requesttimeout" => 408,
        "conflict" => 409,
        "gone" => 410,
        "preconditionfailed" => 412,
        "payloadtoolarge" => 413,
        "unsupportedmediatype" => 415,
        "unprocessableentity" | "unprocessablecontent" => 422,
        "locked" => 423,
        "toomanyrequests" => 429,
        "internalservererror" => 500,
        "notimplemented" => 501,
        "badgateway" => 502,
        "serviceunavailable" => 503,
        "gatewaytimeout" => 504,
        _ => return None,
    })
}

/// Paths of two segments or more an expression names, and the functions it
/// calls by path.
#[derive(Default)]
struct Names {
    paths: Vec<(Vec<String>, proc_macro2::Span)>,
    calls: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Names {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.path.segments.len() >= 2 && self.paths.len() < 512 {
            self.paths
                .push((crate::scan::path_segments(&p.path), p.path.span()));
        }
        visit::visit_expr_path(self, p);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        if s.path.segments.len() >= 2 && self.paths.len() < 512 {
            self.paths
                .push((crate::scan::path_segments(&s.path), s.path.span()));
        }
        visit::visit_expr_struct(self, s);
    }

    fn visit_pat(&mut self, _: &'ast syn::Pat) {
        // Patterns match errors, they do not produce them.
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func
            && self.calls.len() < 64
        {
            self.calls.push(crate::scan::path_segments(&p.path));
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // `json!`, `format!`… hold no error; `bail!(Error::X)` and
        // `Err(Error::X)?` in `ensure!` do: read what parses as arguments.
        if let Ok(args) = m.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) {
            for a in &args {
                self.visit_expr(a);
            }
        }
    }
}

/// What each `?` of a body applies to: the path at the root of its
/// operand (`sqlx::query!(…).fetch_one(…).await?` → `sqlx::query`;
/// `find(&slug)?` → `find`; `None` for a local value's method), and its line.
#[derive(Default)]
struct Question {
    /// Per `?`: its operand's root path, its line, and the types its
    /// operand names in paths (`Error` of `.ok_or(Error::NotFound)?`).
    roots: Vec<Try>,
}

/// The owners of the two-segment-or-longer paths an expression names
/// (`Error` for `Error::NotFound`).
#[derive(Default)]
struct Owners(Vec<String>);

impl<'ast> Visit<'ast> for Owners {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.segments.len() >= 2 && self.0.len() < 32 {
            let segs = crate::scan::path_segments(p);
            self.0.push(segs[segs.len() - 2].clone());
        }
        visit::visit_path(self, p);
    }
}

fn root(e: &syn::Expr) -> Option<Vec<String>> {
    match e {
        syn::Expr::Await(a) => root(&a.base),
        syn::Expr::MethodCall(m) => root(&m.receiver),
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => Some(crate::scan::path_segments(&p.path)),
            _ => None,
        },
        syn::Expr::Macro(m) => Some(crate::scan::path_segments(&m.mac.path)),
        syn::Expr::Paren(p) => root(&p.expr),
        syn::Expr::Reference(r) => root(&r.expr),
        syn::Expr::Field(f) => root(&f.base),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Question {
    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        if self.roots.len() < 64 {
            let mut owners = Owners::default();
            owners.visit_expr(&t.expr);
            self.roots.push((
                root(&t.expr),
                crate::scan::line_col(t.question_token.span).0,
                owners.0,
            ));
        }
        visit::visit_expr_try(self, t);
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
        // A `?` inside a closure returns from the closure.
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names() {
        assert_eq!(status_named("FORBIDDEN"), Some(403));
        assert_eq!(status_named("UnprocessableEntity"), Some(422));
        assert_eq!(status_named("UNPROCESSABLE_ENTITY"), Some(422));
        assert_eq!(status_named("Ok"), None);
    }
}
