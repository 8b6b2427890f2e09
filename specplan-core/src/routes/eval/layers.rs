//! Middleware on routers: what a `layer` / `wrap` / `with` argument names.
//!
//! The argument is read, not run: every path it names (a function handed
//! to `from_fn`, a middleware type, the extractor of
//! `from_extractor::<AuthUser>()`, the validator of
//! `HttpAuthentication::bearer(validator)`) is resolved with the index.
//! Whether the middleware authenticates is decided later, with the
//! endpoints ([`crate::routes::access`]).

use std::rc::Rc;

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::{Eval, Frame, Layer};
use crate::routes::index::Def;

/// Paths one layer may name before the rest is ignored: a layer is a call
/// or two, and a pathological argument must not cost more.
const MAX_PARTS: usize = 32;

impl Eval<'_> {
    pub(super) fn layer_of(&self, fr: &Frame, e: &syn::Expr, whole: bool) -> Rc<Layer> {
        let mut paths = Paths::default();
        paths.visit_expr(e);
        let mut parts = Vec::new();
        for path in paths.found.iter().take(MAX_PARTS) {
            let def = self.resolve(fr, path);
            // `AuthLayer::new(…)`: the type, when the associated function
            // does not resolve on its own.
            let def = match def {
                Def::External(_) if path.segments.len() > 1 => {
                    let mut ty = path.clone();
                    ty.segments.pop();
                    ty.segments.pop_punct();
                    match self.resolve(fr, &ty) {
                        d @ Def::Type(_) => d,
                        _ => def,
                    }
                }
                d => d,
            };
            parts.push(def);
        }
        parts.extend(paths.methods.into_iter().map(|m| Def::External(vec![m])));
        Rc::new(Layer {
            site: self.site(fr.loc.file, e.span()),
            what: self.snippet(fr.loc.file, e.span()),
            code: self
                .ix
                .text(fr.loc.file)
                .and_then(|t| crate::scan::span_text(&t, e.span()))
                .unwrap_or_default(),
            parts,
            whole,
        })
    }
}

/// Every path an expression names: called functions, values, types in
/// turbofishes and generic arguments, struct literals.
#[derive(Default)]
struct Paths {
    found: Vec<syn::Path>,
    /// The paths found, as written, to keep each once.
    seen: std::collections::HashSet<Vec<String>>,
    methods: Vec<String>,
}

impl Paths {
    fn push(&mut self, p: &syn::Path) {
        if self.found.len() < MAX_PARTS && self.seen.insert(crate::scan::path_segments(p)) {
            self.found.push(p.clone());
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.push(p);
        visit::visit_path(self, p);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        // `ServiceBuilder::new().layer(from_fn(auth))`: the receiver and the
        // arguments are visited; the method's name is kept as written
        // (`HttpAuthentication::with_fn(v).bearer()`), never resolved as a
        // free function.
        if self.methods.len() < MAX_PARTS {
            self.methods.push(m.method.to_string());
        }
        visit::visit_expr_method_call(self, m);
    }
}
