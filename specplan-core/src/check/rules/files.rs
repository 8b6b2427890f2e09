//! `missing-file`, `ambiguous-file`, `missing-item`: the files and items
//! that sequence diagrams and related-code lists name (SPEC.md §3.3).

use std::collections::HashMap;

use super::{Cx, at};
use crate::diag::Diagnostic;
use crate::spec::Document;

/// Whether a workspace-relative path stays inside the workspace. Paths that
/// do not are reported and never read.
fn stays_inside(path: &str) -> bool {
    let absolute = path.starts_with('/') || path.contains('\\');
    let drive = path.len() > 1 && path.as_bytes()[1] == b':';
    !absolute && !drive && path.split('/').all(|c| c != "..")
}

/// A workspace file a document names, read through the jail.
fn read(cx: &Cx<'_>, rel: &str) -> Result<String, String> {
    cx.ws
        .jail
        .read_to_string(std::path::Path::new(rel), crate::source::MAX_FILE_BYTES)
        .map_err(|e| e.to_string())
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in &cx.files.files {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        by_name.entry(name).or_default().push(&f.rel);
    }
    let exists = |rel: &str| {
        cx.files
            .files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .is_ok()
            || cx.ws.jail.is_file(std::path::Path::new(rel))
    };
    let mut items = ItemCache::default();

    for doc in &cx.spec.documents {
        for m in &doc.mermaid {
            let Some(seq) = &m.sequence else { continue };
            for p in seq.participants.iter().filter(|p| p.notation && !p.actor) {
                let file = p.file.trim();
                if file.is_empty() {
                    continue;
                }
                resolve_file(cx, doc, &p.file_range, file, &by_name, &exists, out);
            }
        }
        for r in &doc.related_code {
            let Some(rel) = resolve_file(cx, doc, &r.range, &r.path, &by_name, &exists, out) else {
                continue;
            };
            if let Some(line) = r.line {
                let lines = read(cx, &rel)
                    .map(|t| t.lines().count())
                    .unwrap_or(usize::MAX);
                if line as usize > lines || line == 0 {
                    out.push(
                        at(
                            "missing-item",
                            doc,
                            &r.range,
                            format!("`{rel}` has {lines} lines; line {line} does not exist"),
                        )
                        .with_label("line out of range"),
                    );
                }
            }
            if let Some(item) = &r.item {
                if !rel.ends_with(".rs") {
                    continue;
                }
                match items.names(cx, &rel) {
                    Err(why) => out.push(
                        at(
                            "missing-item",
                            doc,
                            &r.range,
                            format!("cannot look for `{item}` in `{rel}`: {why}"),
                        )
                        .with_label("file not parsed"),
                    ),
                    Ok(names) if !names.iter().any(|n| n == item) => {
                        let mut close: Vec<(usize, &String)> = names
                            .iter()
                            .map(|n| (strsim::levenshtein(item, n), n))
                            .filter(|(d, _)| *d <= item.len() / 3 + 1)
                            .collect();
                        close.sort();
                        let mut d = at(
                            "missing-item",
                            doc,
                            &r.range,
                            format!("`{rel}` has no item `{item}`"),
                        )
                        .with_label("not found in the file");
                        if let Some((_, n)) = close.first() {
                            d = d.with_help(format!("did you mean `{n}`?"));
                        }
                        out.push(d);
                    }
                    Ok(_) => {}
                }
            }
        }
    }
}

/// Checks that a named file exists and is unique; returns its
/// workspace-relative path.
fn resolve_file(
    cx: &Cx<'_>,
    doc: &Document,
    range: &std::ops::Range<usize>,
    name: &str,
    by_name: &HashMap<&str, Vec<&str>>,
    exists: &dyn Fn(&str) -> bool,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let name = name.trim_start_matches("./");
    // Lexically first, so that `../../etc/passwd` is not even looked up;
    // then through the jail, which refuses a symlink out.
    let refused = if stays_inside(name) {
        cx.resolve_named(name).err()
    } else {
        Some(format!("`{name}` is outside the workspace"))
    };
    if let Some(why) = refused {
        out.push(
            at("missing-file", doc, range, why)
                .with_label("not read")
                .with_help("name files of the workspace by their workspace-relative path"),
        );
        return None;
    }
    if name.contains('/') {
        if exists(name) {
            return Some(name.to_string());
        }
        out.push(
            at(
                "missing-file",
                doc,
                range,
                format!("`{name}` does not exist in the workspace"),
            )
            .with_label("no such file")
            .with_help("update the path, or declare a participant that is not code with `actor`"),
        );
        return None;
    }
    match by_name.get(name).map(Vec::as_slice) {
        Some([one]) => Some(one.to_string()),
        Some(many) if !many.is_empty() => {
            out.push(
                at(
                    "ambiguous-file",
                    doc,
                    range,
                    format!("`{name}` matches {} files", many.len()),
                )
                .with_label("which one?")
                .with_help(format!(
                    "write the workspace-relative path: {}",
                    many.iter()
                        .take(5)
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            None
        }
        _ => {
            // Jaro-Winkler favours a shared stem (`note_svc.rs` → `note_service.rs`).
            let mut close: Vec<(u64, &&str)> = by_name
                .keys()
                .map(|k| ((strsim::jaro_winkler(name, k) * 1000.0) as u64, k))
                .filter(|(score, _)| *score >= 850)
                .collect();
            close.sort_by(|a, b| b.cmp(a));
            let mut d = at(
                "missing-file",
                doc,
                range,
                format!("no file of the workspace is named `{name}`"),
            )
            .with_label("no such file");
            d = match close.first() {
                Some((_, k)) => d.with_help(format!("did you mean `{k}`?")),
                None => d.with_help(
                    "update the name, or declare a participant that is not code with `actor`",
                ),
            };
            out.push(d);
            None
        }
    }
}

/// The item names each Rust file defines, parsed with syn once per file.
#[derive(Default)]
struct ItemCache {
    parsed: HashMap<String, Result<Vec<String>, String>>,
}

impl ItemCache {
    fn names(&mut self, cx: &Cx<'_>, rel: &str) -> Result<&Vec<String>, String> {
        let entry = self
            .parsed
            .entry(rel.to_string())
            .or_insert_with(|| match cx.memo {
                Some(memo) => memo.items(rel, || item_names(cx, rel)),
                None => item_names(cx, rel),
            });
        entry.as_ref().map_err(Clone::clone)
    }
}

/// The item names `rel` defines, parsed with syn.
fn item_names(cx: &Cx<'_>, rel: &str) -> Result<Vec<String>, String> {
    let text = read(cx, rel)?;
    let file = crate::source::parse_rust_text(&text).map_err(|f| match f {
        crate::source::ParseFailure::Syntax(e) => {
            let at = e.span().start();
            format!("it does not parse (line {}: {e})", at.line)
        }
        crate::source::ParseFailure::TooDeep { line, what, .. } => {
            format!("it is nested too deeply to parse ({what} too deep at line {line})")
        }
    })?;
    let mut names = Vec::new();
    collect(&file.items, &mut names);
    names.sort();
    names.dedup();
    Ok(names)
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => None,
    }
}

fn collect(items: &[syn::Item], out: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(f.sig.ident.to_string()),
            syn::Item::Struct(s) => out.push(s.ident.to_string()),
            syn::Item::Enum(e) => out.push(e.ident.to_string()),
            syn::Item::Union(u) => out.push(u.ident.to_string()),
            syn::Item::Trait(t) => {
                out.push(t.ident.to_string());
                for ti in &t.items {
                    if let syn::TraitItem::Fn(f) = ti {
                        out.push(format!("{}::{}", t.ident, f.sig.ident));
                    }
                }
            }
            syn::Item::Type(t) => out.push(t.ident.to_string()),
            syn::Item::Const(c) => out.push(c.ident.to_string()),
            syn::Item::Static(s) => out.push(s.ident.to_string()),
            syn::Item::Macro(m) => {
                if let Some(i) = &m.ident {
                    out.push(i.to_string());
                }
            }
            syn::Item::Mod(m) => {
                out.push(m.ident.to_string());
                if let Some((_, inner)) = &m.content {
                    collect(inner, out);
                }
            }
            syn::Item::Impl(i) => {
                let Some(self_ty) = type_name(&i.self_ty) else {
                    continue;
                };
                let trait_name = i
                    .trait_
                    .as_ref()
                    .and_then(|(p, _)| p.segments.last())
                    .map(|s| s.ident.to_string());
                for ii in &i.items {
                    let name = match ii {
                        syn::ImplItem::Fn(f) => f.sig.ident.to_string(),
                        syn::ImplItem::Const(c) => c.ident.to_string(),
                        syn::ImplItem::Type(t) => t.ident.to_string(),
                        _ => continue,
                    };
                    out.push(format!("{self_ty}::{name}"));
                    if let Some(t) = &trait_name {
                        out.push(format!("{t}::{name}"));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_workspace() {
        assert!(stays_inside("src/main.rs"));
        assert!(!stays_inside("../../etc/passwd"));
        assert!(!stays_inside("/etc/passwd"));
        assert!(!stays_inside("C:/x"));
        assert!(!stays_inside("src/../../x"));
    }

    #[test]
    fn item_names_include_methods_of_impls() {
        let f = syn::parse_file(
            "struct S; impl S { fn a(&self) {} } trait T { fn t(); } impl T for S { fn t() {} } mod m { pub fn inner() {} }",
        )
        .unwrap();
        let mut names = Vec::new();
        collect(&f.items, &mut names);
        for n in ["S", "S::a", "T", "T::t", "S::t", "m", "inner"] {
            assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
        }
    }
}
