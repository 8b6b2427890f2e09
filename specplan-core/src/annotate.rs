//! `cargo specplan annotate`: the `#[implements]` attributes the documents
//! already imply.
//!
//! A requirement proposed from an endpoint says so in its own words
//! ("Proposed from `GET /api/profiles/{username}`", as Step 1 writes it);
//! an endpoint a requirement merely mentions may still need new behaviour
//! and is left alone. For every such
//! endpoint whose handler carries no `#[implements]`, the attribute is
//! added above the handler, with `use specplan_macros::implements;` in the
//! file (the attribute's full path inside an inline module) and the
//! `specplan-macros` dependency in the package's manifest. Nothing else of
//! any file changes: insertions only, found with `syn` and `toml_edit`.

use std::collections::BTreeMap;

use camino::Utf8PathBuf;
use syn::spanned::Spanned;

use crate::config::Config;
use crate::pipeline::{Project, Step};
use crate::routes::RouteSet;
use crate::workspace::Workspace;

/// One file's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// Workspace-relative.
    pub rel: String,
    pub before: String,
    pub after: String,
}

/// What annotate would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<FileEdit>,
    /// `(handler, IDs)` per attribute added.
    pub added: Added,
    /// Handlers that could not be annotated, and why.
    pub skipped: Vec<String>,
}

/// The version of `specplan-macros` a manifest is given.
const MACROS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Plans the attributes for every domain, or one.
pub fn plan(ws: &Workspace, config: &Config, routes: &RouteSet, domain: Option<&str>) -> Plan {
    let project = Project::load(ws, config);
    // Endpoint ID → the requirements that name it, in document order.
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &config.domains {
        if domain.is_some_and(|x| x != d.name) {
            continue;
        }
        let Some(req) = project.doc(&d.name, Step::Requirements) else {
            continue;
        };
        for (id, keys) in crate::pipeline::proposed_from(req) {
            if !id.starts_with("FR-") {
                continue;
            }
            for key in keys {
                let ids = wanted.entry(key).or_default();
                if !ids.contains(&id) {
                    ids.push(id.clone());
                }
            }
        }
    }
    // File → (handler line, handler name, IDs).
    let mut per_file: BTreeMap<String, Vec<(usize, String, Vec<String>)>> = BTreeMap::new();
    let mut out = Plan::default();
    for e in &routes.endpoints {
        let Some(ids) = wanted.get(&e.id()) else {
            continue;
        };
        if !e.implements.is_empty() {
            continue;
        }
        let Some(loc) = &e.handler_location else {
            out.skipped.push(format!(
                "{}: its handler `{}` is not a function of the workspace",
                e.id(),
                e.handler
            ));
            continue;
        };
        let list = per_file.entry(loc.file.clone()).or_default();
        match list.iter_mut().find(|(l, _, _)| *l == loc.line) {
            Some((_, _, have)) => {
                for id in ids {
                    if !have.contains(id) {
                        have.push(id.clone());
                    }
                }
            }
            None => list.push((loc.line, e.handler.clone(), ids.clone())),
        }
    }
    let mut manifests: BTreeMap<Utf8PathBuf, ()> = BTreeMap::new();
    for (rel, handlers) in per_file {
        let path = ws.root.join(&rel);
        let Ok(before) = read(ws, &path) else {
            out.skipped.push(format!("{rel}: cannot be read"));
            continue;
        };
        match annotate_file(&before, &handlers) {
            Ok((after, added)) => {
                if after != before {
                    out.edits.push(FileEdit {
                        rel: rel.clone(),
                        before,
                        after,
                    });
                    out.added.extend(added);
                    if let Some(p) = ws
                        .packages
                        .iter()
                        .filter(|p| path.starts_with(p.root()))
                        .max_by_key(|p| p.root().as_str().len())
                    {
                        manifests.insert(p.manifest_path.clone(), ());
                    }
                }
            }
            Err(why) => out.skipped.push(format!("{rel}: {why}")),
        }
    }
    for manifest in manifests.keys() {
        let Ok(before) = read(ws, manifest) else {
            continue;
        };
        match add_dependency(&before) {
            Ok(Some(after)) => out.edits.push(FileEdit {
                rel: ws.relative(manifest),
                before,
                after,
            }),
            Ok(None) => {}
            Err(why) => out
                .skipped
                .push(format!("{}: {why}", ws.relative(manifest))),
        }
    }
    out
}

/// A workspace file, read through the workspace's jail.
fn read(ws: &Workspace, path: &camino::Utf8Path) -> Result<String, String> {
    ws.jail
        .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
        .map_err(|e| e.to_string())
}

/// Where an item starts after its attributes, and whether it is at the
/// file's top level.
struct Site {
    at: usize,
    top_level: bool,
}

/// `(handler, IDs)` per attribute added.
type Added = Vec<(String, Vec<String>)>;

/// Adds the attributes to a file's handlers (by the line of their name).
fn annotate_file(
    text: &str,
    handlers: &[(usize, String, Vec<String>)],
) -> Result<(String, Added), String> {
    let file = syn::parse_file(text).map_err(|e| {
        let (line, _) = crate::scan::line_col(e.span());
        format!("does not parse (line {line}): {e}")
    })?;
    let mut sites: BTreeMap<usize, Site> = BTreeMap::new();
    collect(&file.items, true, &mut sites);
    let has_use = file.items.iter().any(|i| match i {
        syn::Item::Use(u) => {
            let mut found = false;
            crate::scan::for_each_import(Vec::new(), &u.tree, &mut |i| {
                if let crate::scan::Import::Name(name, full) = i {
                    found |= name == "implements"
                        && full.first().is_some_and(|f| f == "specplan_macros");
                }
            });
            found
        }
        _ => false,
    });
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut added = Vec::new();
    let mut need_use = false;
    for (line, name, ids) in handlers {
        let Some(site) = sites.get(line) else {
            continue;
        };
        let line_start = text[..site.at].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = text[line_start..site.at]
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect();
        let path = if site.top_level {
            need_use = true;
            "implements"
        } else {
            "specplan_macros::implements"
        };
        let list = ids
            .iter()
            .map(|i| format!("\"{i}\""))
            .collect::<Vec<_>>()
            .join(", ");
        inserts.push((line_start, format!("{indent}#[{path}({list})]\n")));
        added.push((name.clone(), ids.clone()));
    }
    if need_use && !has_use {
        // Before the first `use`, else before the first item.
        let first = file
            .items
            .iter()
            .find(|i| matches!(i, syn::Item::Use(_)))
            .or(file.items.first())
            .map(item_start);
        let at = first.map_or(text.len(), |at| text[..at].rfind('\n').map_or(0, |i| i + 1));
        inserts.push((at, "use specplan_macros::implements;\n".to_string()));
    }
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut after = text.to_string();
    for (at, s) in inserts {
        after.insert_str(at, &s);
    }
    Ok((after, added))
}

/// Where an item starts, its outer attributes and doc comments included
/// (a `use` inserted there takes none of them).
fn item_start(i: &syn::Item) -> usize {
    i.span().byte_range().start
}

fn fn_start(vis: &syn::Visibility, sig: &syn::Signature) -> usize {
    match vis {
        syn::Visibility::Inherited => sig.span().byte_range().start,
        v => v.span().byte_range().start,
    }
}

/// Every function's start (after attributes) by the line of its name.
fn collect(items: &[syn::Item], top: bool, out: &mut BTreeMap<usize, Site>) {
    let mut add = |vis: &syn::Visibility, sig: &syn::Signature| {
        out.insert(
            crate::scan::line_col(sig.ident.span()).0,
            Site {
                at: fn_start(vis, sig),
                top_level: top,
            },
        );
    };
    let mut inline: Vec<&[syn::Item]> = Vec::new();
    for item in items {
        match item {
            syn::Item::Fn(f) => add(&f.vis, &f.sig),
            syn::Item::Impl(imp) => {
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        add(&f.vis, &f.sig);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, content)) = &m.content {
                    inline.push(content);
                }
            }
            _ => {}
        }
    }
    for content in inline {
        collect(content, false, out);
    }
}

/// `specplan-macros` in `[dependencies]`, every other byte kept; `None`
/// when it is there already.
fn add_dependency(manifest: &str) -> Result<Option<String>, String> {
    let mut doc: toml_edit::DocumentMut = manifest
        .parse()
        .map_err(|e| format!("does not parse as TOML: {e}"))?;
    let deps = doc
        .entry("dependencies")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let Some(deps) = deps.as_table_like_mut() else {
        return Err("`dependencies` is not a table".into());
    };
    if deps.contains_key("specplan-macros") {
        return Ok(None);
    }
    deps.insert("specplan-macros", toml_edit::value(MACROS_VERSION));
    Ok(Some(doc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_go_above_the_handler_and_nothing_else_moves() {
        let text = "//! Handlers.\n\nuse axum::Json;\n\n/// Lists.\n#[tracing::instrument]\npub async fn list() -> Json<u8> {\n    Json(1)\n}\n\nmod inner {\n    pub fn get() {}\n}\n";
        let (after, added) = annotate_file(
            text,
            &[
                (7, "list".into(), vec!["FR-A-01".into(), "FR-A-02".into()]),
                (12, "get".into(), vec!["FR-A-03".into()]),
            ],
        )
        .unwrap();
        assert_eq!(
            after,
            "//! Handlers.\n\nuse specplan_macros::implements;\nuse axum::Json;\n\n/// Lists.\n#[tracing::instrument]\n#[implements(\"FR-A-01\", \"FR-A-02\")]\npub async fn list() -> Json<u8> {\n    Json(1)\n}\n\nmod inner {\n    #[specplan_macros::implements(\"FR-A-03\")]\n    pub fn get() {}\n}\n"
        );
        assert_eq!(added.len(), 2);
        // Removing what was inserted gives the file back, byte for byte.
        let back = after
            .replace("use specplan_macros::implements;\n", "")
            .replace("#[implements(\"FR-A-01\", \"FR-A-02\")]\n", "")
            .replace("    #[specplan_macros::implements(\"FR-A-03\")]\n", "");
        assert_eq!(back, text);
    }

    #[test]
    fn the_dependency_is_added_once_keeping_the_manifest() {
        let m = "[package]\nname = \"x\" # the app\n\n[dependencies]\naxum = \"0.7\"\n";
        let after = add_dependency(m).unwrap().unwrap();
        assert!(after.starts_with("[package]\nname = \"x\" # the app\n"));
        assert!(after.contains("specplan-macros = "));
        assert_eq!(add_dependency(&after).unwrap(), None);
    }

    #[test]
    fn the_use_goes_above_the_first_items_attributes() {
        let text = "/// Shared.\n#[cfg(feature = \"x\")]\nuse a::b;\n\npub fn h() {}\n";
        let (after, _) = annotate_file(text, &[(5, "h".into(), vec!["FR-A-01".into()])]).unwrap();
        assert!(
            after.starts_with("use specplan_macros::implements;\n/// Shared.\n#[cfg("),
            "{after}"
        );
    }

    #[test]
    fn broken_rust_is_said_not_touched() {
        let err = annotate_file("fn (", &[(1, "x".into(), vec!["FR-A-01".into()])]).unwrap_err();
        assert!(err.contains("does not parse"), "{err}");
    }
}
