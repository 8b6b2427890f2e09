//! Routes an authenticating middleware lets through, from the literal
//! lists beside it: `const SKIP_AUTH_ROUTES: [SkipAuthRoute; 6] = [...]` in
//! its file, or `let api_key_whitelist = vec![WhitelistItem::exact("/"),
//! ...]` handed to it where it is applied.

use syn::spanned::Spanned;

use super::AccessCx;
use crate::routes::eval::Layer;
use crate::routes::index::walk_modules;

/// Words in a const's name that make it a list of routes exempt from
/// authentication.
const EXEMPT_WORDS: &[&str] = &[
    "SKIP",
    "IGNORE",
    "EXEMPT",
    "PUBLIC",
    "ALLOW",
    "WHITELIST",
    "UNAUTH",
    "ANONYMOUS",
    "NO_AUTH",
    "BYPASS",
    "EXCLUDE",
    "UNPROTECTED",
];

/// A route an authenticating middleware lets through.
#[derive(Debug, Clone)]
pub(super) struct Exempt {
    pub(super) method: Option<String>,
    pub(super) path: String,
    /// Every path under it (`WhitelistItem::prefix("/readyz")`).
    pub(super) prefix: bool,
    pub(super) list: String,
    pub(super) file: String,
    pub(super) line: usize,
}

impl AccessCx<'_> {
    /// Literal lists of exempt routes in a middleware's file:
    /// `const SKIP_AUTH_ROUTES: [SkipAuthRoute; 6] = [SkipAuthRoute { path:
    /// "/api/tags", method: Method::GET }, …]`, `static PUBLIC: &[&str] =
    /// &["/health"]`.
    pub(super) fn exemptions(&self, file: usize) -> Vec<Exempt> {
        let Some(src) = self.ix.parsed(file) else {
            return Vec::new();
        };
        let rel = self.ix.rel(file).to_string();
        let mut out = Vec::new();
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |_, items| {
            for item in items {
                let (ident, expr) = match item {
                    syn::Item::Const(c) => (&c.ident, &*c.expr),
                    syn::Item::Static(s) => (&s.ident, &*s.expr),
                    _ => continue,
                };
                let name = ident.to_string();
                let upper = name.to_ascii_uppercase();
                if !EXEMPT_WORDS.iter().any(|w| upper.contains(w)) {
                    continue;
                }
                for el in elements(expr) {
                    let mut lits = Lits::default();
                    syn::visit::Visit::visit_expr(&mut lits, &el);
                    let Some(path) = lits.paths.first() else {
                        continue;
                    };
                    out.push(Exempt {
                        method: lits.methods.first().cloned(),
                        path: path.clone(),
                        prefix: lits.prefix,
                        list: name.clone(),
                        file: rel.clone(),
                        line: crate::scan::line_col(el.span()).0,
                    });
                }
            }
        });
        out
    }

    /// A list built where the middleware is applied and handed to it:
    /// `let api_key_whitelist = vec![WhitelistItem::exact("/healthz"), …];
    /// … .wrap(AuthTransform::new(keys, api_key_whitelist.clone()))`.
    pub(super) fn local_exemptions(&self, layer: &Layer) -> Vec<Exempt> {
        let Some(src) = self.ix.parsed(layer.site.file) else {
            return Vec::new();
        };
        let rel = self.ix.rel(layer.site.file).to_string();
        struct Lets<'a> {
            layer: &'a Layer,
            rel: &'a str,
            out: Vec<Exempt>,
        }
        impl<'ast> syn::visit::Visit<'ast> for Lets<'_> {
            fn visit_local(&mut self, l: &'ast syn::Local) {
                let ident = match &l.pat {
                    syn::Pat::Ident(i) => Some(&i.ident),
                    syn::Pat::Type(t) => match &*t.pat {
                        syn::Pat::Ident(i) => Some(&i.ident),
                        _ => None,
                    },
                    _ => None,
                };
                if let (Some(ident), Some(init)) = (ident, &l.init) {
                    let name = ident.to_string();
                    let upper = name.to_ascii_uppercase();
                    if EXEMPT_WORDS.iter().any(|w| upper.contains(w))
                        && crate::scan::mentions_ident(&self.layer.code, &name)
                    {
                        for el in elements(&init.expr) {
                            let mut lits = Lits::default();
                            syn::visit::Visit::visit_expr(&mut lits, &el);
                            let Some(path) = lits.paths.first() else {
                                continue;
                            };
                            self.out.push(Exempt {
                                method: lits.methods.first().cloned(),
                                path: path.clone(),
                                prefix: lits.prefix,
                                list: name.clone(),
                                file: self.rel.to_string(),
                                line: crate::scan::line_col(el.span()).0,
                            });
                        }
                    }
                }
                syn::visit::visit_local(self, l);
            }
        }
        let mut v = Lets {
            layer,
            rel: &rel,
            out: Vec::new(),
        };
        syn::visit::Visit::visit_file(&mut v, &src.ast);
        v.out
    }
}

/// The elements of an array, slice or `vec!` expression (a reference
/// stripped).
fn elements(e: &syn::Expr) -> Vec<syn::Expr> {
    match e {
        syn::Expr::Reference(r) => elements(&r.expr),
        syn::Expr::Paren(p) => elements(&p.expr),
        syn::Expr::Group(g) => elements(&g.expr),
        syn::Expr::Array(a) => a.elems.iter().cloned().collect(),
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => m
            .mac
            .parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            .map(|p| p.into_iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// String literals that look like paths, and HTTP method names, in one
/// element of an exemption list.
#[derive(Default)]
struct Lits {
    paths: Vec<String>,
    methods: Vec<String>,
    /// Named as a prefix (`WhitelistItem::prefix("/readyz")`,
    /// `starts_with`).
    prefix: bool,
}

impl<'ast> syn::visit::Visit<'ast> for Lits {
    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        let v = l.value();
        if v.starts_with('/') {
            self.paths.push(v);
        } else if crate::routes::attrs::METHODS.contains(&v.to_ascii_lowercase().as_str()) {
            self.methods.push(v.to_ascii_uppercase());
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method.to_string().contains("prefix") || m.method == "starts_with" {
            self.prefix = true;
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if let Some(last) = p.segments.last() {
            let name = last.ident.to_string();
            if name.contains("prefix") || name == "starts_with" {
                self.prefix = true;
            }
            if crate::routes::attrs::METHODS.contains(&name.to_ascii_lowercase().as_str()) {
                self.methods.push(name.to_ascii_uppercase());
            }
        }
        syn::visit::visit_path(self, p);
    }
}

/// Whether an exempt route covers an endpoint: same method (or any), and
/// the same path segment by segment, a parameter (`{x}`, `:x`, `<x>`, `*`)
/// on either side matching any segment; a trailing `*` matches the rest.
pub(super) fn exempt_matches(x: &Exempt, method: &str, path: &str) -> bool {
    if let Some(m) = &x.method
        && !m.eq_ignore_ascii_case(method)
    {
        return false;
    }
    let a: Vec<&str> = x.path.trim_end_matches('/').split('/').collect();
    let b: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let param = |s: &str| {
        (s.starts_with('{') && s.ends_with('}'))
            || s.starts_with(':')
            || (s.starts_with('<') && s.ends_with('>'))
            || s == "*"
    };
    if x.prefix {
        return b.len() >= a.len()
            && a.iter()
                .zip(&b)
                .all(|(p, q)| p == q || param(p) || param(q));
    }
    if a.last().is_some_and(|s| *s == "*" || *s == "**") && b.len() >= a.len() - 1 {
        return a[..a.len() - 1]
            .iter()
            .zip(&b)
            .all(|(p, q)| p == q || param(p) || param(q));
    }
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, q)| p == q || param(p) || param(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(method: Option<&str>, path: &str) -> Exempt {
        Exempt {
            method: method.map(String::from),
            path: path.into(),
            prefix: false,
            list: "SKIP".into(),
            file: "m.rs".into(),
            line: 1,
        }
    }

    #[test]
    fn exemptions_match_by_segment() {
        assert!(exempt_matches(
            &x(Some("GET"), "/api/tags"),
            "GET",
            "/api/tags"
        ));
        assert!(!exempt_matches(
            &x(Some("GET"), "/api/tags"),
            "POST",
            "/api/tags"
        ));
        assert!(!exempt_matches(
            &x(Some("GET"), "/api/tags"),
            "GET",
            "/api/tags/x"
        ));
        assert!(exempt_matches(
            &x(Some("GET"), "/api/articles/{slug}"),
            "GET",
            "/api/articles/{id}"
        ));
        assert!(exempt_matches(
            &x(Some("GET"), "/api/articles/:slug"),
            "GET",
            "/api/articles/{slug}"
        ));
        assert!(exempt_matches(&x(None, "/public/*"), "PUT", "/public/a/b"));
        assert!(!exempt_matches(&x(None, "/public/*"), "PUT", "/private/a"));
        // `ANY` is not exempted by a list naming one method.
        assert!(!exempt_matches(&x(Some("GET"), "/x"), "ANY", "/x"));
    }
}
