//! Scanning the workspace's sources: the folder layout and architecture
//! pattern ([`layout`]), and the environment variables the code reads
//! ([`env`]). Step 0.5's domain analysis ([`crate::domains`]) builds on the
//! helpers here.
//!
//! Rust files are read with `syn`. Each scanner first looks for a few byte
//! strings in a file (with `memchr::memmem`) and parses only the files that
//! can contain what it looks for; a file that does not parse becomes a
//! `rust-parse-error` diagnostic and the scan goes on.

pub mod env;
pub mod layout;

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::source::{self, Files, WalkedFile};
use crate::workspace::Workspace;

/// The `.rs` files that belong to a workspace member, sorted by path.
pub fn rust_sources<'a>(ws: &Workspace, files: &'a Files) -> Vec<&'a WalkedFile> {
    let mut out: Vec<&WalkedFile> = files
        .files
        .iter()
        .filter(|f| f.rel.ends_with(".rs") && ws.package_of(&f.abs).is_some())
        .collect();
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// A cheap test on a file's bytes: does it contain any of the needles? One
/// pass over the bytes for all of them (Aho-Corasick with its SIMD
/// prefilter), not one pass per needle.
#[derive(Clone)]
pub(crate) struct Prefilter {
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl Prefilter {
    pub(crate) fn new<S: AsRef<[u8]>>(needles: &[S]) -> Prefilter {
        Prefilter {
            automaton: aho_corasick::AhoCorasick::new(needles).ok(),
        }
    }

    pub(crate) fn matches(&self, text: &[u8]) -> bool {
        // An automaton that could not be built (never for these needles)
        // filters nothing out.
        self.automaton.as_ref().is_none_or(|a| a.is_match(text))
    }
}

/// A parsed Rust file.
pub(crate) struct Parsed<'a> {
    pub file: &'a WalkedFile,
    pub text: String,
    pub ast: syn::File,
}

/// Reads `file` and, when `filter` matches its bytes, parses it. Problems
/// (unreadable, not UTF-8, does not parse) are pushed to `diags`.
pub(crate) fn parse_filtered<'a>(
    file: &'a WalkedFile,
    filter: &Prefilter,
    diags: &mut Vec<Diagnostic>,
) -> Option<Parsed<'a>> {
    let text = match source::read_text(file) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if !filter.matches(text.as_bytes()) {
        return None;
    }
    match source::parse_rust(file, &text) {
        Ok(ast) => Some(Parsed { file, text, ast }),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// 1-based line and column of a span's start.
pub(crate) fn line_col(span: proc_macro2::Span) -> (usize, usize) {
    let start = span.start();
    (start.line.max(1), start.column + 1)
}

/// Whether `code` names `name` as a whole identifier (`Error` in
/// `Result<T, Error>`, not in `ErrorKind`).
pub(crate) fn mentions_ident(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(i, _)| {
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(code[..i].chars().next_back()) && !ident(code[i + name.len()..].chars().next())
    })
}

/// The source text a span covers, if it lies inside `text`.
pub(crate) fn span_text(text: &str, span: proc_macro2::Span) -> Option<String> {
    let r = span.byte_range();
    let s = text.get(r)?.trim();
    (!s.is_empty()).then(|| collapse_ws(s))
}

/// Multi-line code on one line, whitespace runs collapsed.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Whether a workspace-relative path is test, bench or example code.
pub(crate) fn is_test_path(rel: &str) -> bool {
    rel.split('/').any(|seg| {
        matches!(
            seg,
            "tests" | "test" | "benches" | "examples" | "fixtures" | "testdata"
        )
    })
}

/// `#[cfg(test)]` (or `#[cfg(all(test, …))]`) among the attributes, or `#[test]`.
pub(crate) fn is_test_item(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let p = a.path();
        if p.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        if !p.is_ident("cfg") {
            return false;
        }
        let Ok(list) = a.meta.require_list() else {
            return false;
        };
        list.tokens.clone().into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => i == "test",
            proc_macro2::TokenTree::Group(g) => g
                .stream()
                .into_iter()
                .any(|t| matches!(t, proc_macro2::TokenTree::Ident(ref i) if i == "test")),
            _ => false,
        }) && !list.tokens.to_string().contains("not")
    })
}

/// The segments of a path, as strings.
pub(crate) fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// One thing a `use` tree brings into scope.
pub(crate) enum Import {
    /// A local name and the full path it stands for.
    Name(String, Vec<String>),
    /// `prefix::*`.
    Glob(Vec<String>),
}

/// Flattens a `use` tree (`a::{b, c as d, e::*, self}`) into the names and
/// globs it imports; `_` renames bring no name. Shared by every scanner that
/// resolves paths through imports.
pub(crate) fn for_each_import(prefix: Vec<String>, tree: &syn::UseTree, f: &mut dyn FnMut(Import)) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            for_each_import(next, &p.tree, f);
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    f(Import::Name(last.clone(), prefix.clone()));
                }
            } else {
                let mut full = prefix;
                full.push(name.clone());
                f(Import::Name(name, full));
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let full = if name == "self" {
                prefix
            } else {
                let mut full = prefix;
                full.push(name);
                full
            };
            if r.rename != "_" {
                f(Import::Name(r.rename.to_string(), full));
            }
        }
        syn::UseTree::Glob(_) => f(Import::Glob(prefix)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                for_each_import(prefix.clone(), t, f);
            }
        }
    }
}

/// The `use` declarations of a file: which local name stands for which path.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    names: BTreeMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

impl Imports {
    /// Collects every `use` of the file, in any module or block (an
    /// approximation: scopes are not told apart).
    pub(crate) fn of(file: &syn::File) -> Imports {
        struct V(Imports);
        impl<'ast> syn::visit::Visit<'ast> for V {
            fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
                self.0.add_tree(Vec::new(), &u.tree);
            }
        }
        let mut v = V(Imports::default());
        syn::visit::Visit::visit_file(&mut v, file);
        v.0
    }

    fn add_tree(&mut self, prefix: Vec<String>, tree: &syn::UseTree) {
        for_each_import(prefix, tree, &mut |import| match import {
            Import::Name(name, full) => {
                self.names.insert(name, full);
            }
            Import::Glob(prefix) => self.globs.push(prefix),
        });
    }

    /// The path with its first segment replaced by what it was imported as.
    /// `crate::`, `self::` and `super::` prefixes are dropped, so that a
    /// re-export is at least recognised by its tail.
    pub(crate) fn resolve(&self, path: &syn::Path) -> Vec<String> {
        let segs = path_segments(path);
        self.resolve_segments(&segs, path.leading_colon.is_some())
    }

    pub(crate) fn resolve_segments(&self, segs: &[String], absolute: bool) -> Vec<String> {
        let Some(first) = segs.first() else {
            return Vec::new();
        };
        if absolute {
            return segs.to_vec();
        }
        if let Some(full) = self.names.get(first) {
            let mut out: Vec<String> = full
                .iter()
                .filter(|s| !matches!(s.as_str(), "crate" | "self" | "super"))
                .cloned()
                .collect();
            out.extend(segs[1..].iter().cloned());
            return out;
        }
        segs.to_vec()
    }

    /// Glob imports (`use figment::providers::*;`): their base paths.
    pub(crate) fn globs(&self) -> &[Vec<String>] {
        &self.globs
    }

    /// Whether `name` was imported explicitly.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }
}

/// A string literal, through `&`, parentheses and invisible groups.
pub(crate) fn lit_str(expr: &syn::Expr) -> Option<(String, proc_macro2::Span)> {
    match expr {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => Some((s.value(), s.span())),
            _ => None,
        },
        syn::Expr::Reference(r) => lit_str(&r.expr),
        syn::Expr::Paren(p) => lit_str(&p.expr),
        syn::Expr::Group(g) => lit_str(&g.expr),
        _ => None,
    }
}

/// Parses a macro's body as comma-separated expressions, when it is one.
pub(crate) fn macro_args(mac: &syn::Macro) -> Option<Vec<syn::Expr>> {
    use syn::parse::Parser;
    let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    parser
        .parse2(mac.tokens.clone())
        .ok()
        .map(|p| p.into_iter().collect())
}

/// `key`, `key = value` pairs of an attribute's arguments, at the top level.
pub(crate) fn key_values(tokens: &proc_macro2::TokenStream) -> Vec<(String, Option<syn::Expr>)> {
    let mut out = Vec::new();
    let mut part: Vec<proc_macro2::TokenTree> = Vec::new();
    let mut flush = |part: &mut Vec<proc_macro2::TokenTree>| {
        let mut it = part.drain(..);
        let Some(proc_macro2::TokenTree::Ident(key)) = it.next() else {
            return;
        };
        let rest: Vec<_> = it.collect();
        let value = match rest.first() {
            Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '=' => {
                let ts: proc_macro2::TokenStream = rest[1..].iter().cloned().collect();
                syn::parse2::<syn::Expr>(ts).ok()
            }
            _ => None,
        };
        out.push((key.to_string(), value));
    };
    for tt in tokens.clone() {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => flush(&mut part),
            _ => part.push(tt),
        }
    }
    flush(&mut part);
    out
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Temporary workspaces for the scanners' tests, built without running
    //! `cargo metadata`.

    use std::path::Path;

    use camino::Utf8PathBuf;

    use crate::source::{self, Files};
    use crate::workspace::{Package, Target, Workspace};

    pub struct TestWs {
        /// Kept so that the directory lives as long as the workspace.
        pub _dir: tempfile::TempDir,
        pub ws: Workspace,
        pub files: Files,
    }

    pub fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn package(root: &Utf8PathBuf, dir: &str, name: &str) -> Package {
        let croot = if dir.is_empty() {
            root.clone()
        } else {
            root.join(dir)
        };
        Package {
            name: name.to_string(),
            version: "0.1.0".into(),
            edition: "2021".into(),
            rust_version: None,
            manifest_path: croot.join("Cargo.toml"),
            dependencies: Vec::new(),
            targets: vec![Target {
                name: name.replace('-', "_"),
                kinds: vec!["lib".into()],
                src_path: croot.join("src/lib.rs"),
            }],
            metadata: serde_json::Value::Null,
            features: Default::default(),
        }
    }

    /// A workspace of members `(dir, name)` (`""` for the root) holding `files`.
    pub fn workspace(members: &[(&str, &str)], files: &[(&str, &str)]) -> TestWs {
        let dir = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(dir.path().canonicalize().unwrap()).unwrap();
        let mut packages = Vec::new();
        for (d, name) in members {
            let manifest = if d.is_empty() {
                "Cargo.toml".to_string()
            } else {
                format!("{d}/Cargo.toml")
            };
            let ws_table = if d.is_empty() { "[workspace]\n" } else { "" };
            write(
                root.as_std_path(),
                &manifest,
                &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n{ws_table}"),
            );
            packages.push(package(&root, d, name));
        }
        if !members.iter().any(|(d, _)| d.is_empty()) {
            write(root.as_std_path(), "Cargo.toml", "[workspace]\n");
        }
        for (rel, text) in files {
            write(root.as_std_path(), rel, text);
        }
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        let ws = Workspace {
            manifest_path: root.join("Cargo.toml"),
            jail: crate::workspace::Jail::new(root.as_std_path()).unwrap(),
            root,
            packages,
            lock: None,
            metadata: serde_json::Value::Null,
            diagnostics: Vec::new(),
        };
        let files = source::walk_workspace(&ws);
        TestWs {
            _dir: dir,
            ws,
            files,
        }
    }

    /// A single-crate workspace named `app` at the root.
    pub fn single(files: &[(&str, &str)]) -> TestWs {
        workspace(&[("", "app")], files)
    }

    /// The example backend, when it is there.
    pub fn storefront() -> Option<(Workspace, Files)> {
        let manifest = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/storefront/Cargo.toml"
        ));
        if !manifest.is_file() {
            eprintln!(
                "skipped: the example backend {} is not there yet",
                manifest.display()
            );
            return None;
        }
        let ws = Workspace::load(Some(manifest), manifest.parent().unwrap()).unwrap();
        let files = source::walk_workspace(&ws);
        Some((ws, files))
    }
}
