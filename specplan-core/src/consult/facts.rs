//! The workspace's Rust sources read once into plain, thread-safe facts.
//!
//! `syn` trees hold `proc_macro2` values, which cannot cross threads; the
//! consultants run in parallel, so every source file is parsed once here and
//! what they look at is kept as strings with their file and line: structs
//! and their fields, trait impls, functions, calls, macro invocations,
//! string constants. Nothing is guessed at this stage; each consultant draws
//! its own conclusions from the facts.

use serde::Serialize;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::diag::Diagnostic;
use crate::scan::{
    collapse_ws, is_test_item, is_test_path, line_col, lit_str, macro_args, span_text,
};
use crate::source::{self, WalkedFile};

/// A struct (or the `Model` of a sea-orm entity) of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StructFact {
    pub name: String,
    pub file: String,
    pub line: usize,
    /// Last segments of the derived traits (`FromRow`, `Serialize`, …).
    pub derives: Vec<String>,
    /// Every outer attribute other than `derive` and docs, as written
    /// (`serde(rename_all = "camelCase")`, `sea_orm(table_name = "users")`).
    pub attrs: Vec<String>,
    pub fields: Vec<FieldFact>,
    pub test: bool,
}

impl StructFact {
    pub fn derives(&self, name: &str) -> bool {
        self.derives.iter().any(|d| d == name)
    }

    /// The value of `key = "…"` inside an attribute `ns(…)`.
    pub fn attr_value(&self, ns: &str, key: &str) -> Option<String> {
        attr_value(&self.attrs, ns, key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldFact {
    pub name: String,
    /// The type as written, whitespace collapsed (`Option<String>`).
    pub ty: String,
    pub line: usize,
    pub attrs: Vec<String>,
}

/// `impl Trait for Type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImplFact {
    /// Last segment of the trait (`FromRequestParts`, `IntoResponse`).
    pub trait_name: String,
    /// Last segment of the type.
    pub self_ty: String,
    pub file: String,
    pub line: usize,
    pub test: bool,
}

/// A function or method definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FnFact {
    pub name: String,
    /// The type of the `impl` block it is in.
    pub owner: Option<String>,
    pub file: String,
    pub line: usize,
    pub public: bool,
    pub test: bool,
}

/// A call: `path(args)` or `receiver.method(args)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallFact {
    /// The path as written (`CorsLayer::permissive`, `Argon2::default`) or,
    /// for a method call, `.method`.
    pub name: String,
    /// The arguments as written, whitespace collapsed.
    pub args: Vec<String>,
    pub file: String,
    pub line: usize,
    pub test: bool,
}

impl CallFact {
    /// The last segment of the name, without the leading `.` of methods.
    pub fn last(&self) -> &str {
        let n = self.name.trim_start_matches('.');
        n.rsplit("::").next().unwrap_or(n)
    }

    pub fn is_method(&self) -> bool {
        self.name.starts_with('.')
    }
}

/// A macro invocation in expression or statement position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MacroFact {
    /// The path as written (`format`, `tracing::info`, `diesel::table`).
    pub name: String,
    /// The first argument when it is a string literal (a format string).
    pub literal: Option<String>,
    /// The tokens, as `proc_macro2` prints them.
    pub tokens: String,
    pub file: String,
    pub line: usize,
    pub test: bool,
}

impl MacroFact {
    pub fn last(&self) -> &str {
        self.name.rsplit("::").next().unwrap_or(&self.name)
    }
}

/// A string literal bound to a name: `const X: &str = "…"`, `static`,
/// `let x = "…"`, or a struct field initialiser `x: "…".into()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StringFact {
    /// The name it is bound to, when there is one.
    pub name: Option<String>,
    pub value: String,
    pub file: String,
    pub line: usize,
    pub test: bool,
}

/// Everything read from the workspace's Rust sources.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CodeFacts {
    pub structs: Vec<StructFact>,
    pub impls: Vec<ImplFact>,
    pub fns: Vec<FnFact>,
    pub calls: Vec<CallFact>,
    pub macros: Vec<MacroFact>,
    /// Every string literal of the code with its binding, when it has one.
    pub strings: Vec<StringFact>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CodeFacts {
    /// The struct called `name`, outside test code first.
    pub fn struct_named(&self, name: &str) -> Option<&StructFact> {
        self.structs
            .iter()
            .filter(|s| s.name == name)
            .min_by_key(|s| s.test)
    }
}

/// Parses every Rust source once and collects the facts.
pub fn collect(sources: &[&WalkedFile]) -> CodeFacts {
    let mut facts = CodeFacts::default();
    for file in sources {
        let text = match source::read_text(file) {
            Ok(t) => t,
            Err(d) => {
                facts.diagnostics.push(d);
                continue;
            }
        };
        let ast = match source::parse_rust(file, &text) {
            Ok(ast) => ast,
            Err(d) => {
                facts.diagnostics.push(d);
                continue;
            }
        };
        let mut v = Collector {
            src: &text,
            file: &file.rel,
            test: is_test_path(&file.rel),
            owner: None,
            out: &mut facts,
        };
        v.visit_file(&ast);
    }
    facts
}

struct Collector<'a> {
    src: &'a str,
    file: &'a str,
    test: bool,
    owner: Option<String>,
    out: &'a mut CodeFacts,
}

/// The source text of a node, whitespace collapsed.
fn text(src: &str, node: &impl Spanned) -> String {
    span_text(src, node.span()).unwrap_or_default()
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn type_last(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => Some(last_segment(&p.path)),
        syn::Type::Reference(r) => type_last(&r.elem),
        _ => None,
    }
}

fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs {
        if !a.path().is_ident("derive") {
            continue;
        }
        let _ = a.parse_nested_meta(|m| {
            out.push(last_segment(&m.path));
            Ok(())
        });
    }
    out
}

fn other_attrs(src: &str, attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| !a.path().is_ident("derive") && !a.path().is_ident("doc"))
        .map(|a| text(src, &a.meta))
        .collect()
}

/// The value of `key = "…"` in an attribute `ns(…)` among `attrs` (as
/// [`other_attrs`] writes them).
pub fn attr_value(attrs: &[String], ns: &str, key: &str) -> Option<String> {
    for a in attrs {
        let Some(rest) = a.strip_prefix(ns) else {
            continue;
        };
        let rest = rest.trim_start();
        if !rest.starts_with('(') {
            continue;
        }
        let mut search = rest;
        while let Some(i) = search.find(key) {
            let after = search[i + key.len()..].trim_start();
            let before_ok = search[..i]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_');
            if before_ok && let Some(v) = after.strip_prefix('=') {
                let v = v.trim_start();
                if let Some(v) = v.strip_prefix('"') {
                    return v.split('"').next().map(String::from);
                }
            }
            search = &search[i + key.len()..];
        }
    }
    None
}

impl Collector<'_> {
    fn in_test<F: FnOnce(&mut Self)>(&mut self, test: bool, f: F) {
        let was = self.test;
        self.test |= test;
        f(self);
        self.test = was;
    }

    fn string(&mut self, name: Option<String>, expr: &syn::Expr) {
        if let Some((value, span)) = lit_str(strip_into(expr)) {
            self.out.strings.push(StringFact {
                name,
                value,
                file: self.file.to_string(),
                line: line_col(span).0,
                test: self.test,
            });
        }
    }
}

/// `"x".into()`, `"x".to_string()`, `String::from("x")`: the literal.
fn strip_into(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "into" | "to_string" | "to_owned"
            ) && m.args.is_empty() =>
        {
            strip_into(&m.receiver)
        }
        syn::Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            syn::Expr::Path(p) if last_segment(&p.path) == "from" => strip_into(&c.args[0]),
            _ => expr,
        },
        _ => expr,
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = is_test_item(&m.attrs);
        self.in_test(test, |s| visit::visit_item_mod(s, m));
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let test = is_test_item(&f.attrs);
        self.out.fns.push(FnFact {
            name: f.sig.ident.to_string(),
            owner: None,
            file: self.file.to_string(),
            line: line_col(f.sig.ident.span()).0,
            public: matches!(f.vis, syn::Visibility::Public(_)),
            test: self.test || test,
        });
        self.in_test(test, |s| visit::visit_item_fn(s, f));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let test = is_test_item(&i.attrs);
        let self_ty = type_last(&i.self_ty);
        if let (Some((path, _)), Some(ty)) = (&i.trait_, &self_ty) {
            self.out.impls.push(ImplFact {
                trait_name: last_segment(path),
                self_ty: ty.clone(),
                file: self.file.to_string(),
                line: line_col(
                    path.segments
                        .last()
                        .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
                )
                .0,
                test: self.test || test,
            });
        }
        let was = std::mem::replace(&mut self.owner, self_ty);
        self.in_test(test, |s| visit::visit_item_impl(s, i));
        self.owner = was;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let test = is_test_item(&f.attrs);
        self.out.fns.push(FnFact {
            name: f.sig.ident.to_string(),
            owner: self.owner.clone(),
            file: self.file.to_string(),
            line: line_col(f.sig.ident.span()).0,
            public: matches!(f.vis, syn::Visibility::Public(_)),
            test: self.test || test,
        });
        self.in_test(test, |s| visit::visit_impl_item_fn(s, f));
    }

    fn visit_item_struct(&mut self, st: &'ast syn::ItemStruct) {
        let fields = st
            .fields
            .iter()
            .filter_map(|f| {
                Some(FieldFact {
                    name: f.ident.as_ref()?.to_string(),
                    ty: crate::routes::type_text(&f.ty),
                    line: line_col(f.ident.as_ref()?.span()).0,
                    attrs: other_attrs(self.src, &f.attrs),
                })
            })
            .collect();
        self.out.structs.push(StructFact {
            name: st.ident.to_string(),
            file: self.file.to_string(),
            line: line_col(st.ident.span()).0,
            derives: derives(&st.attrs),
            attrs: other_attrs(self.src, &st.attrs),
            fields,
            test: self.test || is_test_item(&st.attrs),
        });
        visit::visit_item_struct(self, st);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.string(Some(c.ident.to_string()), &c.expr);
        visit::visit_item_const(self, c);
    }

    fn visit_item_static(&mut self, c: &'ast syn::ItemStatic) {
        self.string(Some(c.ident.to_string()), &c.expr);
        visit::visit_item_static(self, c);
    }

    fn visit_impl_item_const(&mut self, c: &'ast syn::ImplItemConst) {
        self.string(Some(c.ident.to_string()), &c.expr);
        visit::visit_impl_item_const(self, c);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (syn::Pat::Ident(p), Some(init)) = (&l.pat, &l.init) {
            self.string(Some(p.ident.to_string()), &init.expr);
        } else if let (syn::Pat::Type(pt), Some(init)) = (&l.pat, &l.init)
            && let syn::Pat::Ident(p) = &*pt.pat
        {
            self.string(Some(p.ident.to_string()), &init.expr);
        }
        visit::visit_local(self, l);
    }

    fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
        if let syn::Member::Named(name) = &fv.member {
            self.string(Some(name.to_string()), &fv.expr);
        }
        visit::visit_field_value(self, fv);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            self.out.calls.push(CallFact {
                name: path_text(&p.path),
                args: c.args.iter().map(|a| text(self.src, a)).collect(),
                file: self.file.to_string(),
                line: line_col(
                    p.path
                        .segments
                        .last()
                        .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
                )
                .0,
                test: self.test,
            });
        }
        for a in &c.args {
            self.string(None, a);
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.out.calls.push(CallFact {
            name: format!(".{}", m.method),
            args: m.args.iter().map(|a| text(self.src, a)).collect(),
            file: self.file.to_string(),
            line: line_col(m.method.span()).0,
            test: self.test,
        });
        for a in &m.args {
            self.string(None, a);
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let literal =
            macro_args(mac).and_then(|args| args.first().and_then(|a| lit_str(a).map(|(s, _)| s)));
        let line = line_col(
            mac.path
                .segments
                .first()
                .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
        )
        .0;
        self.out.macros.push(MacroFact {
            name: path_text(&mac.path),
            literal,
            tokens: span_text(self.src, mac.delimiter.span().join())
                .unwrap_or_else(|| collapse_ws(&mac.tokens.to_string())),
            file: self.file.to_string(),
            line,
            test: self.test,
        });
        // Expressions inside well-formed macro arguments (`vec![…]`,
        // `format!(…)`) are code too.
        if let Some(args) = macro_args(mac) {
            for a in &args {
                self.visit_expr(a);
            }
        }
        visit::visit_macro(self, mac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::testutil;

    #[test]
    fn collects_structs_calls_macros_and_strings() {
        let t = testutil::single(&[(
            "src/lib.rs",
            r#"
#[derive(Debug, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User { pub id: i64, pub email: String }

const JWT_SECRET: &str = "hunter2hunter2";

pub fn q(name: &str) -> String {
    let cors = CorsLayer::new().allow_origin(Any);
    format!("SELECT * FROM users WHERE name = '{name}'")
}

impl IntoResponse for ApiError { fn into_response(self) -> Response { todo!() } }

#[cfg(test)]
mod tests { const PASSWORD: &str = "in-a-test"; }
"#,
        )]);
        let sources = crate::scan::rust_sources(&t.ws, &t.files);
        let f = collect(&sources);
        let user = f.struct_named("User").unwrap();
        assert!(user.derives("FromRow"));
        assert_eq!(
            user.attr_value("serde", "rename_all").as_deref(),
            Some("camelCase")
        );
        assert_eq!(user.fields[1].name, "email");
        assert!(
            f.calls
                .iter()
                .any(|c| c.name == ".allow_origin" && c.args == ["Any"])
        );
        let fmt = f.macros.iter().find(|m| m.name == "format").unwrap();
        assert!(fmt.literal.as_deref().unwrap().starts_with("SELECT"));
        assert_eq!(fmt.line, 10);
        let secret = f
            .strings
            .iter()
            .find(|s| s.name.as_deref() == Some("JWT_SECRET"))
            .unwrap();
        assert!(!secret.test);
        let in_test = f
            .strings
            .iter()
            .find(|s| s.name.as_deref() == Some("PASSWORD"))
            .unwrap();
        assert!(in_test.test);
        assert_eq!(f.impls[0].trait_name, "IntoResponse");
    }
}
