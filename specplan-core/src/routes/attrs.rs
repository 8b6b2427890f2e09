//! Attributes that declare routes or carry requirement IDs.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;

/// The HTTP methods route attributes and method routers are named after.
pub(crate) const METHODS: [&str; 9] = [
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
];

/// A route declared by an attribute on a function.
#[derive(Debug, Clone)]
pub(crate) struct AttrRoute {
    pub methods: Vec<String>,
    pub path: String,
    pub span: Span,
    /// Rocket's `data = "<param>"`: the argument that is the request body.
    pub data: Option<String>,
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The comma-separated arguments of an attribute, as token groups.
fn split_args(tokens: &TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for tt in tokens.clone() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(Vec::new()),
            _ => out.last_mut().expect("non-empty").push(tt),
        }
    }
    out.retain(|g| !g.is_empty());
    out
}

fn lit_of(tokens: &[TokenTree]) -> Option<(String, Span)> {
    let ts: TokenStream = tokens.iter().cloned().collect();
    match syn::parse2::<syn::Lit>(ts).ok()? {
        syn::Lit::Str(s) => Some((s.value(), s.span())),
        _ => None,
    }
}

/// `key = "value"` → (key, value, span).
fn key_str(tokens: &[TokenTree]) -> Option<(String, String, Span)> {
    let [TokenTree::Ident(key), TokenTree::Punct(eq), rest @ ..] = tokens else {
        return None;
    };
    if eq.as_char() != '=' {
        return None;
    }
    let (v, span) = lit_of(rest)?;
    Some((key.to_string(), v, span))
}

/// actix-web and Rocket route attributes: `#[get("/x")]`,
/// `#[post("/", data = "<form>")]`, `#[route("/x", method = "GET",
/// method = "HEAD")]` (actix), `#[route(GET, uri = "/x")]` (Rocket).
pub(crate) fn route_attrs(attrs: &[syn::Attribute]) -> Vec<AttrRoute> {
    let mut out = Vec::new();
    for a in attrs {
        let name = last_ident(a.path());
        let is_method = METHODS.contains(&name.as_str());
        if !is_method && name != "route" {
            continue;
        }
        // `#[rocket::get]`, `#[actix_web::get]`, `#[get]`; not `#[tokio::test]`
        // or another crate's `get`.
        if a.path().segments.len() > 1 {
            let first = a.path().segments[0].ident.to_string();
            if !matches!(first.as_str(), "rocket" | "actix_web" | "web") {
                continue;
            }
        }
        let Ok(list) = a.meta.require_list() else {
            continue;
        };
        let args = split_args(&list.tokens);
        let mut methods = Vec::new();
        let mut path = None;
        let mut data = None;
        for (i, arg) in args.iter().enumerate() {
            if let Some((key, value, span)) = key_str(arg) {
                match key.as_str() {
                    "method" => methods.push(value.to_ascii_uppercase()),
                    "uri" | "path" => path = Some((value, span)),
                    "data" => {
                        data = Some(
                            value
                                .trim_start_matches('<')
                                .trim_end_matches('>')
                                .trim_end_matches("..")
                                .to_string(),
                        )
                    }
                    _ => {}
                }
            } else if let Some((value, span)) = lit_of(arg) {
                if path.is_none() {
                    path = Some((value, span));
                }
            } else if i == 0
                && let [TokenTree::Ident(m)] = arg.as_slice()
            {
                // Rocket: `#[route(GET, uri = "/")]`.
                methods.push(m.to_string().to_ascii_uppercase());
            }
        }
        if is_method {
            methods = vec![name.to_ascii_uppercase()];
        }
        let Some((path, span)) = path else { continue };
        if methods.is_empty() {
            methods.push("ANY".to_string());
        }
        out.push(AttrRoute {
            methods,
            path,
            span,
            data,
        });
    }
    out
}

/// `#[utoipa::path(get, path = "/x", …)]` or `#[utoipa::path(method(get,
/// head), path = "/x")]`.
pub(crate) fn utoipa_path(attrs: &[syn::Attribute]) -> Option<AttrRoute> {
    let a = attrs.iter().find(|a| {
        let segs: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segs == ["utoipa", "path"]
            || segs == ["path"]
                && a.meta.require_list().is_ok_and(|l| {
                    l.tokens.to_string().contains("path =")
                        || l.tokens.to_string().contains("responses")
                })
    })?;
    let list = a.meta.require_list().ok()?;
    let mut methods = Vec::new();
    let mut path = None;
    for arg in split_args(&list.tokens) {
        if let Some((key, value, span)) = key_str(&arg) {
            if key == "path" {
                path = Some((value, span));
            }
            continue;
        }
        match arg.as_slice() {
            [TokenTree::Ident(m)] if METHODS.contains(&m.to_string().as_str()) => {
                methods.push(m.to_string().to_ascii_uppercase());
            }
            [TokenTree::Ident(k), TokenTree::Group(g)] if k == "method" => {
                for t in g.stream() {
                    if let TokenTree::Ident(m) = t {
                        methods.push(m.to_string().to_ascii_uppercase());
                    }
                }
            }
            _ => {}
        }
    }
    let (path, span) = path.unwrap_or_else(|| (String::new(), list.path.segments[0].ident.span()));
    if methods.is_empty() {
        return None;
    }
    Some(AttrRoute {
        methods,
        path,
        span,
        data: None,
    })
}

/// poem-openapi: `#[oai(path = "/x", method = "get")]` on a method.
pub(crate) fn oai_route(attrs: &[syn::Attribute]) -> Option<AttrRoute> {
    let a = attrs.iter().find(|a| a.path().is_ident("oai"))?;
    let list = a.meta.require_list().ok()?;
    let mut methods = Vec::new();
    let mut path = None;
    for arg in split_args(&list.tokens) {
        if let Some((key, value, span)) = key_str(&arg) {
            match key.as_str() {
                "path" => path = Some((value, span)),
                "method" => methods.push(value.to_ascii_uppercase()),
                _ => {}
            }
        }
    }
    let (path, span) = path?;
    if methods.is_empty() {
        methods.push("GET".to_string());
    }
    Some(AttrRoute {
        methods,
        path,
        span,
        data: None,
    })
}

/// A `key = "value"` argument of the attribute named `attr` (last segment).
pub(crate) fn attr_str_arg(attrs: &[syn::Attribute], attr: &str, key: &str) -> Option<String> {
    attrs
        .iter()
        .filter(|a| last_ident(a.path()) == attr)
        .filter_map(|a| a.meta.require_list().ok())
        .flat_map(|l| split_args(&l.tokens))
        .find_map(|arg| {
            key_str(&arg)
                .filter(|(k, _, _)| k == key)
                .map(|(_, v, _)| v)
        })
}

/// Whether an attribute named `name` (last path segment) is present.
pub(crate) fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| last_ident(a.path()) == name)
}

/// The requirement IDs of `#[implements("FR-X-01", …)]` in any spelling:
/// `implements`, `specplan_macros::implements`, or inside
/// `cfg_attr(…, implements(…))`.
pub(crate) fn implements(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs {
        collect_implements(&a.meta, &mut out);
    }
    out
}

fn collect_implements(meta: &syn::Meta, out: &mut Vec<String>) {
    let syn::Meta::List(list) = meta else { return };
    let name = last_ident(&list.path);
    if name == "implements" {
        for arg in split_args(&list.tokens) {
            if let Some((v, _)) = lit_of(&arg) {
                for id in v.split(',') {
                    let id = id.trim();
                    if !id.is_empty() && !out.iter().any(|x| x == id) {
                        out.push(id.to_string());
                    }
                }
            }
        }
    } else if name == "cfg_attr" {
        let parser = Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated;
        if let Ok(metas) = parser.parse2(list.tokens.clone()) {
            for m in metas.iter().skip(1) {
                collect_implements(m, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(src: &str) -> Vec<syn::Attribute> {
        let f: syn::ItemFn = syn::parse_str(&format!("{src} fn f() {{}}")).unwrap();
        f.attrs
    }

    #[test]
    fn implements_in_every_spelling() {
        let a = attrs(
            r#"#[implements("FR-A-01", "NFR-A-02")]
               #[specplan_macros::implements("FR-A-03")]
               #[cfg_attr(feature = "specplan", implements("FR-A-04"))]
               #[doc = "x"]"#,
        );
        assert_eq!(
            implements(&a),
            ["FR-A-01", "NFR-A-02", "FR-A-03", "FR-A-04"]
        );
    }

    #[test]
    fn route_attributes() {
        let r = route_attrs(&attrs(r#"#[get("/users/{id}")]"#));
        assert_eq!(r[0].methods, ["GET"]);
        assert_eq!(r[0].path, "/users/{id}");
        let r = route_attrs(&attrs(r#"#[route("/x", method = "GET", method = "head")]"#));
        assert_eq!(r[0].methods, ["GET", "HEAD"]);
        let r = route_attrs(&attrs(r#"#[route(PUT, uri = "/y")]"#));
        assert_eq!(
            (r[0].methods.as_slice(), r[0].path.as_str()),
            (&["PUT".to_string()][..], "/y")
        );
        let r = route_attrs(&attrs(r#"#[post("/", data = "<form>")]"#));
        assert_eq!(r[0].data.as_deref(), Some("form"));
        assert!(route_attrs(&attrs("#[tokio::test]")).is_empty());
        let u = utoipa_path(&attrs(
            r#"#[utoipa::path(get, path = "/todo", responses((status = 200)))]"#,
        ))
        .unwrap();
        assert_eq!((u.methods[0].as_str(), u.path.as_str()), ("GET", "/todo"));
        let o = oai_route(&attrs(r#"#[oai(path = "/hello", method = "post")]"#)).unwrap();
        assert_eq!((o.methods[0].as_str(), o.path.as_str()), ("POST", "/hello"));
    }
}
