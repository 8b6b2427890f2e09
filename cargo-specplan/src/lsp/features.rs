//! What the editor asks for, answered from the [`Model`]: hover, go to
//! definition, references, completion, symbols, rename, code lenses and
//! code actions. Each function works on byte offsets and workspace-relative
//! paths; [`super::Server`] converts to and from the protocol.

use std::collections::BTreeMap;
use std::ops::Range;

use specplan_core::spec::{DocKind, Document};
use specplan_core::trace::Gap;
use specplan_ids::Id;

use super::model::{IdHit, Model, Place};

/// Hover text (Markdown) and the range it is about.
pub fn hover(model: &mut Model, rel: &str, at: usize) -> Option<(String, Range<usize>)> {
    if let Some(hit) = model.id_at(rel, at) {
        return Some((id_hover(model, &hit.id), hit.range));
    }
    let (target, range) = code_target(model, rel, at)?;
    let mut text = format!("`{}`", target.rel);
    if let Some(line) = target_line(model, &target) {
        text.push_str(&format!(", line {line}"));
    }
    if let Some(t) = model.text(&target.rel) {
        let snippet: String = t[target.range.start.min(t.len())..]
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n");
        if !snippet.trim().is_empty() {
            let lang = if target.rel.ends_with(".rs") {
                "rust"
            } else {
                ""
            };
            text.push_str(&format!("\n\n```{lang}\n{snippet}\n```"));
        }
    }
    Some((text, range))
}

fn target_line(model: &Model, target: &Place) -> Option<usize> {
    let text = model.text(&target.rel)?;
    Some(specplan_core::diag::line_col(&text, target.range.start.min(text.len())).0)
}

/// The Markdown of an ID's hover: its definition, status and coverage.
fn id_hover(model: &mut Model, id: &str) -> String {
    let mut out = String::new();
    let Some((doc, def)) = model.definition(id) else {
        return format!("**{id}** is not defined in any document");
    };
    out.push_str(&format!("**{id}**"));
    if !def.title.is_empty() {
        out.push_str(&format!(": {}", def.title));
    }
    let status = doc
        .meta
        .get(specplan_core::spec::MetaField::Status)
        .map(|e| e.value.clone())
        .unwrap_or_else(|| "no status".into());
    let version = doc
        .meta
        .get(specplan_core::spec::MetaField::Version)
        .map(|e| format!(" · v{}", e.value))
        .unwrap_or_default();
    out.push_str(&format!("\n\n`{}` · {status}{version}", doc.path));
    // The definition's own words (its section, or its row), briefly.
    let body: Vec<&str> = doc.text[def.section.clone()]
        .lines()
        .skip(1)
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("<!--"))
        .take(6)
        .collect();
    if !body.is_empty() {
        out.push_str("\n\n");
        out.push_str(&body.join("\n"));
    }
    let Some(matrix) = model.matrix() else {
        out.push_str("\n\n---\n*coverage: indexing the code…*");
        return out;
    };
    let Some(req) = matrix.requirements.iter().find(|r| r.id == id) else {
        return out;
    };
    out.push_str("\n\n---\n");
    let items = |list: &[specplan_core::trace::CodeItem]| -> String {
        if list.is_empty() {
            return "none".into();
        }
        list.iter()
            .map(|c| format!("`{}` ({}:{})", c.item, c.file, c.line))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let linked = |list: &[specplan_core::trace::Linked]| -> String {
        if list.is_empty() {
            return "none".into();
        }
        list.iter()
            .map(|l| l.id.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "- implemented by: {}\n- verified by: {}\n- user stories: {}\n- use cases: {}\n- endpoints: {}\n",
        items(&req.implementations),
        items(&req.tests),
        linked(&req.stories),
        linked(&req.use_cases),
        if req.endpoints.is_empty() {
            "none".to_string()
        } else {
            req.endpoints
                .iter()
                .map(|e| format!("`{} {}`", e.method, e.path))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    if req.gaps.contains(&Gap::Stale) {
        out.push_str(
            "\n**stale**: its text changed since its code was confirmed (`cargo specplan confirm`)",
        );
    }
    out
}

/// The file (and line) a participant, a related-code entry or an endpoint
/// under the cursor stands for, and the range of what was pointed at.
fn code_target(model: &Model, rel: &str, at: usize) -> Option<(Place, Range<usize>)> {
    let doc = model.document(rel)?;
    let within = |r: &Range<usize>| r.start <= at && at <= r.end;
    for m in &doc.mermaid {
        let Some(seq) = &m.sequence else { continue };
        for p in seq.participants.iter().filter(|p| !p.actor) {
            if within(&p.range) {
                let file = model.resolve_file(&p.file)?;
                return Some((
                    Place {
                        rel: file,
                        range: 0..0,
                    },
                    p.range.clone(),
                ));
            }
        }
    }
    if let Some(r) = doc.related_code.iter().find(|r| within(&r.range)) {
        let file = model.resolve_file(&r.path)?;
        let place = match (r.line, &r.item) {
            (Some(line), _) => model.line_place(&file, line as usize),
            (None, Some(item)) => item_place(model, &file, item).unwrap_or(Place {
                rel: file,
                range: 0..0,
            }),
            (None, None) => Place {
                rel: file,
                range: 0..0,
            },
        };
        return Some((place, r.range.clone()));
    }
    let endpoint = doc
        .endpoints
        .iter()
        .map(|e| (&e.method, &e.path, &e.range))
        .chain(
            doc.endpoint_refs
                .iter()
                .map(|e| (&e.method, &e.path, &e.range)),
        )
        .find(|(_, _, r)| within(r));
    if let Some((method, path, range)) = endpoint {
        let routes = &model.code.as_ref()?.routes;
        let key = specplan_core::routes::endpoint_key(method, path);
        let e = routes
            .endpoints
            .iter()
            .find(|e| specplan_core::routes::endpoint_key(&e.method, &e.path) == key)?;
        // The handler's own definition (looked up in the file as the
        // editor has it), else where it is routed.
        let place = match &e.handler_location {
            Some(h) => item_place(model, &h.file, &e.handler)
                .unwrap_or_else(|| model.line_place(&h.file, h.line)),
            None => model.line_place(&e.file, e.line),
        };
        return Some((place, range.clone()));
    }
    None
}

/// Where `item` (`login`, `AuthService::login`) is defined in `file`.
fn item_place(model: &Model, file: &str, item: &str) -> Option<Place> {
    let text = model.text(file)?;
    let ast = specplan_core::source::parse_rust_text(&text).ok()?;
    let last = item.rsplit("::").next()?;
    let line = find_item(&ast.items, last)?;
    Some(model.line_place(file, line))
}

fn find_item(items: &[syn::Item], name: &str) -> Option<usize> {
    for item in items {
        let ident = match item {
            syn::Item::Fn(f) => Some(&f.sig.ident),
            syn::Item::Struct(s) => Some(&s.ident),
            syn::Item::Enum(e) => Some(&e.ident),
            syn::Item::Trait(t) => Some(&t.ident),
            syn::Item::Const(c) => Some(&c.ident),
            syn::Item::Static(s) => Some(&s.ident),
            syn::Item::Type(t) => Some(&t.ident),
            _ => None,
        };
        if ident.is_some_and(|i| i == name) {
            return Some(ident?.span().start().line);
        }
        match item {
            syn::Item::Impl(imp) => {
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it
                        && f.sig.ident == name
                    {
                        return Some(f.sig.ident.span().start().line);
                    }
                }
            }
            syn::Item::Trait(t) => {
                for it in &t.items {
                    if let syn::TraitItem::Fn(f) = it
                        && f.sig.ident == name
                    {
                        return Some(f.sig.ident.span().start().line);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content
                    && let Some(l) = find_item(inner, name)
                {
                    return Some(l);
                }
            }
            _ => {}
        }
    }
    None
}

/// Go to definition: an ID's defining heading or row; a participant's or
/// related-code entry's file and item; an endpoint's handler.
pub fn definition(model: &Model, rel: &str, at: usize) -> Option<Place> {
    if let Some(hit) = model.id_at(rel, at) {
        let (doc, def) = model.definition(&hit.id)?;
        return Some(Place {
            rel: doc.path.clone(),
            range: def.range.clone(),
        });
    }
    code_target(model, rel, at).map(|(p, _)| p)
}

/// Every place the ID under the cursor is written.
pub fn references(model: &Model, rel: &str, at: usize, declaration: bool) -> Vec<Place> {
    let Some(hit) = model.id_at(rel, at) else {
        return Vec::new();
    };
    let def = model
        .definition(&hit.id)
        .map(|(d, def)| (d.path.clone(), def.range.clone()));
    model
        .places(&hit.id)
        .into_iter()
        .filter(|p| declaration || Some((p.rel.clone(), p.range.clone())) != def)
        .collect()
}

/// A completion item: label, detail, sort key.
pub struct Completion {
    pub label: String,
    pub detail: String,
    pub sort: String,
    pub kind: CompletionKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Id,
    File,
}

/// Completion at `at`: IDs inside `#[implements("…")]` / `#[verifies("…")]`
/// and where an ID is being typed in a document; file names on a
/// sequence diagram's participant line.
pub fn completion(model: &Model, rel: &str, text: &str, at: usize) -> Vec<Completion> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    if rel.ends_with(".rs") {
        if !in_attribute_string(before) {
            return Vec::new();
        }
        // Nearest domain first: the domains this file already names.
        let near: Vec<String> = model
            .annotations_in(rel)
            .flat_map(|a| a.ids.iter())
            .filter_map(|i| Id::parse(&i.text).ok().map(|id| id.domain().to_string()))
            .collect();
        return ids(model, &near);
    }
    if !model.is_document(rel) {
        return Vec::new();
    }
    if let Some(doc) = model.document(rel)
        && doc
            .mermaid
            .iter()
            .any(|m| m.range.start <= at && at <= m.range.end)
    {
        let trimmed = before.trim_start();
        if trimmed.starts_with("participant ") {
            return files(model);
        }
        return Vec::new();
    }
    // An ID being typed: the word before the cursor is made of ID characters
    // and starts like a kind.
    let word_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map_or(0, |i| i + 1);
    let word = &before[word_start..];
    let kinds = ["FR-", "NFR-", "US-", "UC-"];
    if word.is_empty()
        || !kinds
            .iter()
            .any(|k| k.starts_with(word) || word.starts_with(k))
    {
        return Vec::new();
    }
    let near: Vec<String> = model
        .document(rel)
        .and_then(|d| d.prefix.clone())
        .into_iter()
        .collect();
    ids(model, &near)
}

/// Whether the cursor (at the end of `before`, the line so far) is inside
/// a string argument of an `#[implements(` / `#[verifies(` attribute.
fn in_attribute_string(before: &str) -> bool {
    let open = ["implements(", "verifies("]
        .iter()
        .filter_map(|k| before.rfind(k).map(|i| i + k.len()))
        .max();
    let Some(open) = open else { return false };
    let args = &before[open..];
    if args.contains(')') {
        return false;
    }
    let mut quotes = 0;
    let mut escaped = false;
    for c in args.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => quotes += 1,
            _ => escaped = false,
        }
    }
    quotes % 2 == 1
}

fn ids(model: &Model, near: &[String]) -> Vec<Completion> {
    let mut out: Vec<Completion> = model
        .spec
        .definitions()
        .map(|(doc, d)| {
            let id = d.id.to_string();
            let rank = if near.iter().any(|n| n == d.id.domain()) {
                0
            } else {
                1
            };
            Completion {
                sort: format!("{rank}{id}"),
                detail: format!("{} ({})", d.title, doc.rel),
                label: id,
                kind: CompletionKind::Id,
            }
        })
        .collect();
    out.sort_by(|a, b| a.sort.cmp(&b.sort));
    out.dedup_by(|a, b| a.label == b.label);
    out
}

fn files(model: &Model) -> Vec<Completion> {
    let Some(code) = &model.code else {
        return Vec::new();
    };
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in code.files.files.iter().filter(|f| f.rel.ends_with(".rs")) {
        by_name
            .entry(f.rel.rsplit('/').next().unwrap_or(&f.rel))
            .or_default()
            .push(&f.rel);
    }
    let mut out = Vec::new();
    for (name, paths) in by_name {
        // A name two files share would be ambiguous in a diagram: offer
        // the paths instead.
        if paths.len() == 1 {
            out.push(Completion {
                label: name.to_string(),
                detail: paths[0].to_string(),
                sort: name.to_string(),
                kind: CompletionKind::File,
            });
        } else {
            for p in paths {
                out.push(Completion {
                    label: p.to_string(),
                    detail: p.to_string(),
                    sort: p.to_string(),
                    kind: CompletionKind::File,
                });
            }
        }
    }
    out
}

/// A document's outline: its requirements, stories, use cases and endpoints.
pub struct Symbol {
    pub name: String,
    pub detail: String,
    pub kind: specplan_ids::Kind,
    /// `None` for an endpoint.
    pub is_endpoint: bool,
    pub range: Range<usize>,
    pub selection: Range<usize>,
    pub rel: String,
}

pub fn document_symbols(model: &Model, rel: &str) -> Vec<Symbol> {
    let Some(doc) = model.document(rel) else {
        return Vec::new();
    };
    let mut out = symbols_of(doc);
    out.sort_by_key(|s| s.range.start);
    out
}

fn symbols_of(doc: &Document) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = doc
        .definitions
        .iter()
        .map(|d| Symbol {
            name: d.id.to_string(),
            detail: d.title.clone(),
            kind: d.id.kind(),
            is_endpoint: false,
            range: d.section.start.min(d.range.start)..d.section.end.max(d.range.end),
            selection: d.range.clone(),
            rel: doc.path.clone(),
        })
        .collect();
    out.extend(doc.endpoints.iter().map(|e| Symbol {
        name: format!("{} {}", e.method, e.path),
        detail: e.title.clone(),
        kind: specplan_ids::Kind::Fr,
        is_endpoint: true,
        range: e.range.clone(),
        selection: e.range.clone(),
        rel: doc.path.clone(),
    }));
    out
}

/// IDs (and endpoints) of every document matching `query` (case-insensitive,
/// in the ID or the title).
pub fn workspace_symbols(model: &Model, query: &str) -> Vec<Symbol> {
    let q = query.to_lowercase();
    model
        .spec
        .documents
        .iter()
        .flat_map(symbols_of)
        .filter(|s| {
            q.is_empty()
                || s.name.to_lowercase().contains(&q)
                || s.detail.to_lowercase().contains(&q)
        })
        .collect()
}

/// The ID a rename starts from.
pub fn prepare_rename(model: &Model, rel: &str, at: usize) -> Option<IdHit> {
    let hit = model.id_at(rel, at)?;
    model.definition(&hit.id).map(|_| hit)
}

/// Every edit that renames the ID under the cursor to `new`, in every
/// document and attribute; or why not.
pub fn rename(
    model: &Model,
    rel: &str,
    at: usize,
    new: &str,
) -> Result<Vec<(Place, String)>, String> {
    let hit = model
        .id_at(rel, at)
        .ok_or("there is no requirement ID here")?;
    let parsed = Id::parse(new).map_err(|e| e.to_string())?;
    let old = Id::parse(&hit.id).map_err(|e| e.to_string())?;
    if parsed.kind() != old.kind() {
        return Err(format!(
            "`{new}` is not the same kind of ID as `{}`: a rename keeps the kind",
            hit.id
        ));
    }
    if new != hit.id && model.definition(new).is_some() {
        return Err(format!("`{new}` is already defined"));
    }
    Ok(model
        .places(&hit.id)
        .into_iter()
        .map(|p| (p, new.to_string()))
        .collect())
}

/// "implemented by 2 · verified by 1" above each requirement's heading.
pub fn code_lenses(model: &mut Model, rel: &str) -> Vec<(Range<usize>, String)> {
    let defs: Vec<(String, Range<usize>)> = match model.document(rel) {
        Some(doc) if doc.kind == DocKind::Requirements => doc
            .definitions
            .iter()
            .filter(|d| {
                matches!(
                    d.id.kind(),
                    specplan_ids::Kind::Fr | specplan_ids::Kind::Nfr
                )
            })
            .map(|d| (d.id.to_string(), d.range.clone()))
            .collect(),
        _ => return Vec::new(),
    };
    let Some(matrix) = model.matrix() else {
        return Vec::new();
    };
    defs.into_iter()
        .filter_map(|(id, range)| {
            let r = matrix.requirements.iter().find(|r| r.id == id)?;
            let mut title = format!(
                "implemented by {} · verified by {}",
                r.implementations.len(),
                r.tests.len()
            );
            if r.gaps.contains(&Gap::Stale) {
                title.push_str(" · stale");
            }
            Some((range, title))
        })
        .collect()
}

/// A fix with one right answer: a title and the edits of one file.
pub struct Fix {
    pub title: String,
    pub rule: &'static str,
    pub edits: Vec<(Range<usize>, String)>,
}

/// The fixes for the open file `rel` with `text`.
pub fn fixes(model: &Model, rel: &str, text: &str) -> Vec<Fix> {
    let mut out = Vec::new();
    if rel.ends_with(".rs") {
        out.extend(missing_use(text));
        return out;
    }
    let Some(doc) = model.document(rel) else {
        return out;
    };
    out.extend(toc_fix(doc));
    out.extend(numbering_fix(doc));
    out.extend(navigation_fix(model, doc));
    out
}

/// The Previous/Next line in pipeline order, replacing the one there (or
/// added after the meta block).
fn navigation_fix(model: &Model, doc: &Document) -> Option<Fix> {
    let line = specplan_core::check::rules::structure::expected_navigation(
        &model.loaded.config,
        &model.spec,
        doc,
    )?;
    let (range, new) = match doc.navigation.first() {
        Some(n) => {
            let current = doc.text.get(n.line_range.clone())?;
            if current.trim() == line {
                return None;
            }
            (n.line_range.clone(), line)
        }
        None => {
            let after = doc
                .meta
                .range
                .clone()
                .or(doc.title.as_ref().map(|t| t.range.clone()))?;
            let at = doc.text[after.end..]
                .find('\n')
                .map_or(doc.text.len(), |i| after.end + i + 1);
            (at..at, format!("\n{line}\n"))
        }
    };
    Some(Fix {
        title: "Write the Previous/Next navigation in pipeline order".into(),
        rule: "missing-navigation",
        edits: vec![(range, new)],
    })
}

/// `use specplan_macros::implements;` (and `verifies`) where a bare
/// `#[implements]` has no import.
fn missing_use(text: &str) -> Option<Fix> {
    let file = specplan_core::source::parse_rust_text(text).ok()?;
    let mut used = BTreeMap::new();
    attrs_named(&file.items, &mut used);
    let imported = imports(&file.items);
    let missing: Vec<&str> = ["implements", "verifies"]
        .into_iter()
        .filter(|n| used.contains_key(*n) && !imported.iter().any(|i| i == n || i == "*"))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let line = if missing.len() == 1 {
        format!("use specplan_macros::{};\n", missing[0])
    } else {
        format!("use specplan_macros::{{{}}};\n", missing.join(", "))
    };
    // After the inner attributes and doc comments at the top of the file.
    let at = top_of_items(text);
    Some(Fix {
        title: format!("Add `{}`", line.trim_end()),
        rule: "dangling-implements",
        edits: vec![(at..at, line)],
    })
}

/// The byte offset after the leading `//!` lines and `#![…]` attributes.
fn top_of_items(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("//!") || t.starts_with("#![") || t.trim().is_empty() {
            at += line.len();
        } else {
            break;
        }
    }
    at
}

fn attrs_named(items: &[syn::Item], out: &mut BTreeMap<String, ()>) {
    fn note(attrs: &[syn::Attribute], out: &mut BTreeMap<String, ()>) {
        for a in attrs {
            if let Some(i) = a.path().get_ident() {
                let name = i.to_string();
                if name == "implements" || name == "verifies" {
                    out.insert(name, ());
                }
            }
        }
    }
    for item in items {
        match item {
            syn::Item::Fn(f) => note(&f.attrs, out),
            syn::Item::Struct(s) => note(&s.attrs, out),
            syn::Item::Enum(e) => note(&e.attrs, out),
            syn::Item::Trait(t) => {
                note(&t.attrs, out);
                for it in &t.items {
                    if let syn::TraitItem::Fn(f) = it {
                        note(&f.attrs, out);
                    }
                }
            }
            syn::Item::Impl(imp) => {
                note(&imp.attrs, out);
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        note(&f.attrs, out);
                    }
                }
            }
            // An inline module has its own imports: not this file's fix.
            _ => {}
        }
    }
}

/// Names `use specplan_macros::…` brings in at the top level.
fn imports(items: &[syn::Item]) -> Vec<String> {
    fn walk(tree: &syn::UseTree, under_macros: bool, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                let is = p.ident == "specplan_macros";
                walk(&p.tree, under_macros || is, out);
            }
            syn::UseTree::Name(n) if under_macros => out.push(n.ident.to_string()),
            syn::UseTree::Rename(r) if under_macros => out.push(r.rename.to_string()),
            syn::UseTree::Glob(_) if under_macros => out.push("*".into()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    walk(t, under_macros, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for item in items {
        if let syn::Item::Use(u) = item {
            walk(&u.tree, false, &mut out);
        }
    }
    out
}

/// The Table of Contents as the numbered sections say it should be.
fn toc_fix(doc: &Document) -> Option<Fix> {
    let toc = doc.toc.as_ref()?;
    let numbered: Vec<_> = doc.sections.iter().filter(|s| s.number.is_some()).collect();
    if numbered.is_empty() {
        return None;
    }
    let mut list = String::new();
    for (k, s) in numbered.iter().enumerate() {
        list.push_str(&format!("{}. [{}](#{})\n", k + 1, s.title, s.slug));
    }
    // The list under the heading; the heading stays.
    let list_start = toc.heading_range.end.max(toc.range.start);
    let current = doc.text.get(list_start..toc.range.end)?;
    if current.trim() == list.trim() {
        return None;
    }
    // Keep the blank lines around the list as they are.
    let lead = current.len() - current.trim_start().len();
    let trail = current.len() - current.trim_end().len();
    let range = list_start + lead..toc.range.end - trail;
    Some(Fix {
        title: "Regenerate the Table of Contents from the sections".into(),
        rule: "toc-mismatch",
        edits: vec![(range, list.trim_end().to_string())],
    })
}

/// `## 1.`, `## 2.` … in order, for a pipeline document whose `##`
/// sections are misnumbered.
fn numbering_fix(doc: &Document) -> Option<Fix> {
    doc.kind.step()?;
    let mut edits = Vec::new();
    let mut n = 0;
    for s in doc
        .sections
        .iter()
        .filter(|s| !s.title.eq_ignore_ascii_case("Table of Contents"))
    {
        n += 1;
        if s.number.as_deref() == Some(n.to_string().as_str()) {
            continue;
        }
        let heading = doc.text.get(s.heading_range.clone())?;
        let hashes = heading.len() - heading.trim_start_matches('#').len();
        edits.push((
            s.heading_range.clone(),
            format!("{} {n}. {}", &heading[..hashes], s.title),
        ));
    }
    (!edits.is_empty()).then(|| Fix {
        title: "Renumber the sections 1, 2, 3, …".into(),
        rule: "section-numbering",
        edits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_string_context() {
        assert!(in_attribute_string("#[implements(\""));
        assert!(in_attribute_string("#[implements(\"FR-A-01\", \"FR"));
        assert!(in_attribute_string("    #[specplan_macros::verifies(\"US-"));
        assert!(!in_attribute_string("#[implements(\"FR-A-01\""));
        assert!(!in_attribute_string("#[implements(\"FR-A-01\")]"));
        assert!(!in_attribute_string("let s = \"implements"));
    }

    #[test]
    fn the_missing_use_is_found_with_syn() {
        let fix = missing_use("//! Handlers.\n\n#[implements(\"FR-A-01\")]\nfn a() {}\n").unwrap();
        assert_eq!(fix.edits[0].1, "use specplan_macros::implements;\n");
        assert_eq!(fix.edits[0].0, 15..15);
        assert!(
            missing_use(
                "use specplan_macros::implements;\n#[implements(\"FR-A-01\")]\nfn a() {}\n"
            )
            .is_none()
        );
        assert!(
            missing_use("use specplan_macros::*;\n#[implements(\"FR-A-01\")]\nfn a() {}\n")
                .is_none()
        );
        // A path attribute needs no import.
        assert!(missing_use("#[specplan_macros::implements(\"FR-A-01\")]\nfn a() {}\n").is_none());
        let both = missing_use(
            "#[implements(\"FR-A-01\")]\nfn a() {}\n#[test]\n#[verifies(\"FR-A-01\")]\nfn t() {}\n",
        )
        .unwrap();
        assert_eq!(
            both.edits[0].1,
            "use specplan_macros::{implements, verifies};\n"
        );
    }
}
