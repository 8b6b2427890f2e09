//! The `Authorization` scheme the code expects, read from the code: a
//! scheme literal the code compares the header with (`"Token "`,
//! `"Bearer "`), or a typed header (`Authorization<Bearer>`,
//! actix-web-httpauth's `BearerAuth`). The documents' headers, curl and
//! fetch examples use it; when the code names none, or several, they say
//! `<scheme>` rather than assume `Bearer` (a wrong scheme makes every
//! example a 401).

use syn::visit::{self, Visit};

use crate::scan::{self, Prefilter};
use crate::source::Files;
use crate::workspace::Workspace;

/// The scheme, and where the code says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// `Bearer`, `Token`, `Basic`; `None` when the code does not say, or
    /// says several.
    pub word: Option<String>,
    /// `file:line` of each place that names a scheme (the first of each).
    pub evidence: Vec<(String, String)>,
}

impl Scheme {
    /// The scheme word for a header: the code's, or `<scheme>`.
    pub fn header_word(&self) -> &str {
        self.word.as_deref().unwrap_or("<scheme>")
    }

    /// `Authorization: Token <token>`.
    pub fn header(&self) -> String {
        format!("Authorization: {} <token>", self.header_word())
    }

    /// Where the scheme comes from, for a document: `the literal "Token "
    /// at src/auth.rs:12`, or what is unknown.
    pub fn source(&self) -> String {
        match (&self.word, self.evidence.as_slice()) {
            (Some(w), [(_, at), ..]) => format!("the scheme `{w}` is read from {at}"),
            (None, []) => {
                "TODO: the code names no Authorization scheme (no scheme literal, no typed header); write the one your extractor expects".to_string()
            }
            (None, found) => format!(
                "TODO: the code names several schemes ({}); say which endpoints take which",
                found
                    .iter()
                    .map(|(w, at)| format!("`{w}` at {at}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Some(w), []) => format!("the scheme `{w}`"),
        }
    }
}

/// Reads the scheme from the workspace's non-test code.
pub fn scheme(ws: &Workspace, files: &Files) -> Scheme {
    let filter = Prefilter::new(&[
        "\"Bearer",
        "\"Token",
        "\"Basic",
        "\"bearer ",
        "\"token ",
        "\"basic ",
        "Bearer>",
        "BearerAuth",
        "BasicAuth",
        "Basic>",
        "uthorization",
        "UTHORIZATION",
    ]);
    let mut ignored = Vec::new();
    let mut found: Vec<(String, String)> = Vec::new();
    // `const TOKEN_PREFIX: &str = "Token ";` in one file, used where the
    // header is read in another (realworld-rust-rocket's config.rs and
    // auth.rs): consts holding a scheme, and the names header files use.
    let mut consts: Vec<(String, String, String)> = Vec::new();
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    for f in scan::rust_sources(ws, files) {
        if scan::is_test_path(&f.rel) {
            continue;
        }
        let Some(p) = scan::parse_filtered(f, &filter, &mut ignored) else {
            continue;
        };
        let mut v = Finder {
            rel: &f.rel,
            mentions_header: p.text.to_ascii_lowercase().contains("authorization"),
            found: &mut found,
            consts: &mut consts,
            used: &mut used,
        };
        v.visit_file(&p.ast);
    }
    for (name, word, at) in consts {
        if used.contains(&name) && !found.iter().any(|(_, a)| *a == at) {
            found.push((word, at));
        }
    }
    let mut words: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
    words.sort_unstable();
    words.dedup();
    let word = match words.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    };
    // The first place of each scheme.
    let mut evidence: Vec<(String, String)> = Vec::new();
    for (w, at) in found {
        if !evidence.iter().any(|(e, _)| *e == w) {
            evidence.push((w, at));
        }
    }
    Scheme { word, evidence }
}

struct Finder<'a> {
    rel: &'a str,
    /// The file speaks of the Authorization header: a scheme literal in it
    /// is the header's (elsewhere `"Token "` may be any text).
    mentions_header: bool,
    found: &'a mut Vec<(String, String)>,
    /// `(name, scheme, file:line)` of consts whose value is a scheme.
    consts: &'a mut Vec<(String, String, String)>,
    /// Names used in files that read the header.
    used: &'a mut std::collections::HashSet<String>,
}

impl Finder<'_> {
    fn push(&mut self, word: &str, span: proc_macro2::Span) {
        let (line, _) = scan::line_col(span);
        self.found
            .push((word.to_string(), format!("{}:{line}", self.rel)));
    }
}

/// `Bearer` for `"Bearer "`, `"bearer "` or `"Bearer"`; `None` for other text.
fn scheme_word(literal: &str) -> Option<&'static str> {
    let word = literal.strip_suffix(' ').unwrap_or(literal);
    ["Bearer", "Token", "Basic"]
        .into_iter()
        .find(|w| w.eq_ignore_ascii_case(word))
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !scan::is_test_item(&f.attrs) {
            visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !scan::is_test_item(&m.attrs) {
            visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(l),
            ..
        }) = &*c.expr
            && let Some(w) = scheme_word(&l.value())
        {
            let (line, _) = scan::line_col(l.span());
            self.consts.push((
                c.ident.to_string(),
                w.to_string(),
                format!("{}:{line}", self.rel),
            ));
        }
        visit::visit_item_const(self, c);
    }

    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        if self.mentions_header
            && let Some(w) = scheme_word(&l.value())
        {
            self.push(w, l.span());
        }
    }

    /// `value.as_bytes().starts_with(b"Token ")`.
    fn visit_lit_byte_str(&mut self, l: &'ast syn::LitByteStr) {
        if self.mentions_header
            && let Ok(text) = String::from_utf8(l.value())
            && let Some(w) = scheme_word(&text)
        {
            self.push(w, l.span());
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if self.mentions_header
            && let Some(last) = p.segments.last()
        {
            self.used.insert(last.ident.to_string());
        }
        visit::visit_path(self, p);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        // actix-web-httpauth's `BearerAuth` / `BasicAuth` extractors, as
        // types only: `AuthType::BasicAuth`, a value an HTTP client is
        // configured with, is not what the server expects (seen on
        // vaultwarden's SSO client).
        if let Some(last) = t.path.segments.last() {
            let w = match last.ident.to_string().as_str() {
                "BearerAuth" => Some("Bearer"),
                "BasicAuth" => Some("Basic"),
                _ => None,
            };
            if let Some(w) = w {
                self.push(w, last.ident.span());
            }
        }
        visit::visit_type_path(self, t);
    }

    fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
        // The `Bearer` in `Authorization<Bearer>`.
        if s.ident == "Authorization"
            && let syn::PathArguments::AngleBracketed(a) = &s.arguments
        {
            for arg in &a.args {
                if let syn::GenericArgument::Type(syn::Type::Path(t)) = arg
                    && let Some(inner) = t.path.segments.last()
                    && let Some(w) = scheme_word(&inner.ident.to_string())
                {
                    self.push(w, inner.ident.span());
                }
            }
        }
        visit::visit_path_segment(self, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme_of(files: &[(&str, &str)]) -> Scheme {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(
            d.join("Cargo.toml"),
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
        )
        .unwrap();
        for (rel, text) in files {
            let p = d.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let ws = Workspace::load(None, d).unwrap();
        let files = crate::source::walk_workspace(&ws);
        scheme(&ws, &files)
    }

    #[test]
    fn a_scheme_literal_next_to_the_header() {
        let s = scheme_of(&[(
            "src/extractor.rs",
            "const SCHEME_PREFIX: &str = \"Token \";\nfn parse(h: &HeaderMap) { let v = h.get(AUTHORIZATION); v.strip_prefix(SCHEME_PREFIX); }\n",
        )]);
        assert_eq!(s.word.as_deref(), Some("Token"));
        assert_eq!(s.header(), "Authorization: Token <token>");
        assert!(s.source().contains("src/extractor.rs:1"), "{}", s.source());
    }

    #[test]
    fn a_byte_string_scheme_next_to_the_header() {
        let s = scheme_of(&[(
            "src/mw.rs",
            "fn ok(r: &ServiceRequest) -> bool { r.headers().get(AUTHORIZATION).is_some_and(|v| v.as_bytes().starts_with(b\"Token \")) }\n",
        )]);
        assert_eq!(s.word.as_deref(), Some("Token"));
    }

    #[test]
    fn a_scheme_const_used_where_the_header_is_read() {
        let s = scheme_of(&[
            (
                "src/config.rs",
                "pub const TOKEN_PREFIX: &'static str = \"Token \";\n",
            ),
            (
                "src/auth.rs",
                "fn token(r: &Request) -> Option<&str> { let h = r.headers().get_one(\"authorization\")?; h.strip_prefix(crate::config::TOKEN_PREFIX) }\n",
            ),
        ]);
        assert_eq!(s.word.as_deref(), Some("Token"));
        assert!(s.source().contains("src/config.rs:1"), "{}", s.source());
        // The same const nobody uses where the header is read: nothing.
        let s = scheme_of(&[(
            "src/config.rs",
            "pub const TOKEN_PREFIX: &str = \"Token \";\n",
        )]);
        assert_eq!(s.word, None);
    }

    #[test]
    fn typed_headers_and_httpauth() {
        let s = scheme_of(&[(
            "src/lib.rs",
            "async fn h(TypedHeader(Authorization(b)): TypedHeader<Authorization<Bearer>>) {}\n",
        )]);
        assert_eq!(s.word.as_deref(), Some("Bearer"));
        let s = scheme_of(&[("src/lib.rs", "async fn h(auth: BearerAuth) {}\n")]);
        assert_eq!(s.word.as_deref(), Some("Bearer"));
        // An outgoing client's auth type is not the server's scheme.
        let s = scheme_of(&[
            (
                "src/lib.rs",
                "fn f(h: Authorization) { h.rsplit(\"Bearer \"); }\n",
            ),
            (
                "src/sso.rs",
                "fn c(b: Client) { b.set_auth_type(AuthType::BasicAuth); }\n",
            ),
        ]);
        assert_eq!(s.word.as_deref(), Some("Bearer"));
    }

    #[test]
    fn nothing_or_several_is_a_todo_not_bearer() {
        let s = scheme_of(&[("src/lib.rs", "fn f() -> &'static str { \"Token \" }\n")]);
        // "Token " in a file that never speaks of the header is any text.
        assert_eq!(s.word, None);
        assert_eq!(s.header(), "Authorization: <scheme> <token>");
        assert!(s.source().starts_with("TODO"), "{}", s.source());
        let s = scheme_of(&[
            (
                "src/a.rs",
                "fn a(h: Authorization) { h.strip_prefix(\"Bearer \"); }\n",
            ),
            (
                "src/b.rs",
                "fn b(h: Authorization) { h.strip_prefix(\"Basic \"); }\n",
            ),
        ]);
        assert_eq!(s.word, None);
        assert!(
            s.source().contains("`Basic` at src/b.rs:1"),
            "{}",
            s.source()
        );
        // Test code does not count.
        let s = scheme_of(&[(
            "src/lib.rs",
            "#[cfg(test)]\nmod t { fn a(h: Authorization) { h.strip_prefix(\"Token \"); } }\n",
        )]);
        assert_eq!(s.word, None);
    }
}
