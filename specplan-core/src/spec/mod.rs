//! The spec model: every Markdown document under the docs root, parsed with
//! a CommonMark parser and kept with byte offsets.
//!
//! One model serves `check` (the rules turn its ranges into diagnostics),
//! `generate`, `trace`, `plan` and the macro's ID lookup. It records what a
//! document holds — title, meta block, navigation, table of contents,
//! numbered sections, headings with GitHub anchors, links, Mermaid blocks
//! (sequence-diagram participants, messages and blocks), generated regions,
//! ID definitions and references (SPEC.md §3.2), endpoints, related-code
//! references (§3.3), Given/When/Then scenarios of user stories, curl and
//! fetch examples of use cases — and never decides what is an error.
//!
//! Scanning for IDs: every well-formed ID written as a whole word in prose
//! (paragraphs, headings, list items, table cells, link *text*), in inline
//! code spans (people write `` `FR-AUTH-01` ``) and in Mermaid blocks is a
//! definition or a reference; link destinations, HTML and code blocks other
//! than Mermaid (curl examples, JSON, ASCII art) are not scanned. What is a
//! definition is specplan-ids' rule ([`specplan_ids::definitions_in`]), and
//! the ID grammar is its [`specplan_ids::Id::parse`].

use std::collections::BTreeMap;
use std::ops::Range;

use camino::Utf8Path;
use serde::Serialize;

use crate::diag::Diagnostic;

mod acceptance;
mod document;
mod ids;
mod markdown;
mod mermaid;
mod related;
mod structure;
#[cfg(test)]
mod tests;

pub use acceptance::is_error_text;
pub use document::*;
pub use ids::{METHODS, find_endpoint, normalize_endpoint_path};
pub use mermaid::{parse_sequence, split_participant_label};
pub use specplan_ids::Id;

/// What parsing a document needs to know besides its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The docs root, workspace-relative, `/`-separated, no trailing `/`.
    pub docs_root: String,
    /// The configured domains, in index order: (name, ID prefix).
    pub domains: Vec<(String, String)>,
}

impl Context {
    pub fn new<D: AsRef<str>, P: AsRef<str>>(docs_root: &str, domains: &[(D, P)]) -> Context {
        Context {
            docs_root: normalize_root(docs_root),
            domains: domains
                .iter()
                .map(|(d, p)| (d.as_ref().to_string(), p.as_ref().to_string()))
                .collect(),
        }
    }

    /// The configured prefix of a domain.
    pub fn prefix_of(&self, domain: &str) -> Option<&str> {
        self.domains
            .iter()
            .find(|(d, _)| d == domain)
            .map(|(_, p)| p.as_str())
    }

    /// Whether `word` is a configured prefix, in any case.
    pub(crate) fn is_prefix(&self, word: &str) -> bool {
        self.domains
            .iter()
            .any(|(_, p)| p.eq_ignore_ascii_case(word))
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new::<&str, &str>("docs/en/specifications", &[])
    }
}

fn normalize_root(root: &str) -> String {
    let r = root.replace('\\', "/");
    let r = r.trim_start_matches("./").trim_end_matches('/');
    if r == "." {
        String::new()
    } else {
        r.to_string()
    }
}

/// Every document under the docs root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spec {
    /// The docs root, workspace-relative.
    pub docs_root: String,
    /// Whether the docs root is a directory. When it is not there is no
    /// document, and no diagnostic: saying so is the caller's choice.
    pub root_exists: bool,
    /// Sorted by path.
    pub documents: Vec<Document>,
    /// Files that could not be read (not UTF-8, unreadable, too large) and
    /// walk errors; warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

impl Spec {
    /// The document at `rel`, relative to the docs root.
    pub fn document(&self, rel: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.rel == rel)
    }

    /// The pipeline document of a domain.
    pub fn domain_document(&self, domain: &str, kind: DocKind) -> Option<&Document> {
        self.documents
            .iter()
            .find(|d| d.kind == kind && d.domain.as_deref() == Some(domain))
    }

    /// The documents of a kind, in path order.
    pub fn documents_of(&self, kind: DocKind) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }

    /// Every definition, with its document.
    pub fn definitions(&self) -> impl Iterator<Item = (&Document, &Definition)> {
        self.documents
            .iter()
            .flat_map(|d| d.definitions.iter().map(move |x| (d, x)))
    }

    /// Definitions by ID, in ID order; more than one is a duplicate.
    pub fn definitions_by_id(&self) -> BTreeMap<&Id, Vec<(&Document, &Definition)>> {
        let mut map: BTreeMap<&Id, Vec<_>> = BTreeMap::new();
        for (doc, def) in self.definitions() {
            map.entry(&def.id).or_default().push((doc, def));
        }
        map
    }

    /// Every reference, with its document.
    pub fn references(&self) -> impl Iterator<Item = (&Document, &Reference)> {
        self.documents
            .iter()
            .flat_map(|d| d.references.iter().map(move |x| (d, x)))
    }

    /// Every documented endpoint, with its document.
    pub fn endpoints(&self) -> impl Iterator<Item = (&Document, &Endpoint)> {
        self.documents
            .iter()
            .flat_map(|d| d.endpoints.iter().map(move |x| (d, x)))
    }
}

/// Reads every `.md` file under `ws_root/docs_root_rel`, sorted by path.
/// A file that cannot be used becomes a warning in
/// [`Spec::diagnostics`]; a missing docs root gives an empty spec with
/// `root_exists: false`.
pub fn load<D: AsRef<str>, P: AsRef<str>>(
    jail: &crate::workspace::Jail,
    docs_root_rel: &str,
    domains: &[(D, P)],
) -> Spec {
    let ws_root = Utf8Path::from_path(jail.root()).unwrap_or(Utf8Path::new("."));
    let ctx = Context::new(docs_root_rel, domains);
    let root = if ctx.docs_root.is_empty() {
        ws_root.to_owned()
    } else {
        ws_root.join(&ctx.docs_root)
    };
    let mut spec = Spec {
        docs_root: ctx.docs_root.clone(),
        root_exists: jail.is_dir(root.as_std_path()),
        documents: Vec::new(),
        diagnostics: Vec::new(),
    };
    if !spec.root_exists {
        if let Err(e) = jail.resolve(root.as_std_path()) {
            spec.diagnostics.push(
                Diagnostic::error("invalid-config", format!("the docs root is refused: {e}"))
                    .in_file(ctx.docs_root.clone())
                    .with_help("cargo-specplan reads and writes only inside the workspace root"),
            );
        }
        return spec;
    }
    let walked = crate::source::walk_docs(jail, ws_root, &root);
    spec.diagnostics.extend(walked.diagnostics);
    let docs_prefix = crate::workspace::relative_to(ws_root, &root);
    for file in walked.files {
        let is_md = Utf8Path::new(&file.rel)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        if !is_md {
            continue;
        }
        let rel_docs = if docs_prefix == "." {
            file.rel.clone()
        } else {
            file.rel
                .strip_prefix(&docs_prefix)
                .and_then(|r| r.strip_prefix('/'))
                .unwrap_or(&file.rel)
                .to_string()
        };
        match crate::source::read_text(&file) {
            Ok(text) => spec.documents.push(parse_document(&rel_docs, &text, &ctx)),
            Err(d) => spec.diagnostics.push(d),
        }
    }
    spec.documents.sort_by(|a, b| a.path.cmp(&b.path));
    crate::diag::sort(&mut spec.diagnostics);
    spec
}

/// Which document `rel` (relative to the docs root) is, and its domain
/// folder.
pub fn classify(rel: &str, ctx: &Context) -> (DocKind, Option<String>) {
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let kind = match parts.as_slice() {
        ["README.md"] => DocKind::Index,
        ["architecture.md"] => DocKind::Architecture,
        ["config.md"] => DocKind::Config,
        ["infrastructure.md"] => DocKind::Infrastructure,
        [_, "README.md"] => DocKind::DomainIndex,
        [_, "requirements", "requirements.md"] => DocKind::Requirements,
        [_, "requirements", "user-stories.md"] => DocKind::UserStories,
        [_, "requirements", "api-spec.md"] => DocKind::ApiSpec,
        [_, "workflows", "use-cases.md"] => DocKind::UseCases,
        [_, "workflows", "sequence-diagram.md"] => DocKind::SequenceDiagram,
        _ => DocKind::Other,
    };
    let domain = match (kind, parts.first()) {
        (DocKind::Other, Some(first)) if parts.len() > 1 => ctx
            .domains
            .iter()
            .any(|(d, _)| d == first)
            .then(|| first.to_string()),
        (k, Some(first)) if k.path_in_domain().is_some() => Some(first.to_string()),
        _ => None,
    };
    (kind, domain)
}

/// Parses one document. `rel` is its path relative to the docs root (it
/// decides the kind and domain); ranges index `text`.
pub fn parse_document(rel: &str, text: &str, ctx: &Context) -> Document {
    let rel = rel.replace('\\', "/");
    let rel = rel.trim_start_matches("./").to_string();
    let (kind, domain) = classify(&rel, ctx);
    let prefix = domain
        .as_deref()
        .and_then(|d| ctx.prefix_of(d))
        .map(str::to_string);
    let path = if ctx.docs_root.is_empty() {
        rel.clone()
    } else {
        format!("{}/{rel}", ctx.docs_root)
    };
    let mut doc = Document {
        path,
        rel,
        kind,
        domain,
        prefix,
        text: text.to_string(),
        lines: Default::default(),
        within_index: Default::default(),
        title: None,
        meta: Meta::default(),
        navigation: Vec::new(),
        toc: None,
        headings: Vec::new(),
        sections: Vec::new(),
        links: Vec::new(),
        mermaid: Vec::new(),
        regions: Vec::new(),
        region_error: None,
        definitions: Vec::new(),
        references: Vec::new(),
        malformed_ids: Vec::new(),
        endpoints: Vec::new(),
        endpoint_refs: Vec::new(),
        related_code: Vec::new(),
        stories: Vec::new(),
        use_cases: Vec::new(),
        examples: Vec::new(),
    };
    let tree = markdown::parse(text);
    structure::extract(&mut doc, text, &tree);
    mermaid::extract(&mut doc, text, &tree);
    ids::extract(&mut doc, text, &tree, ctx);
    related::extract(&mut doc, text, &tree);
    acceptance::extract(&mut doc, text, &tree);
    regions(&mut doc);
    doc
}

fn regions(doc: &mut Document) {
    use crate::region::RegionError;
    match crate::region::find_regions(&doc.text) {
        Ok(found) => {
            doc.regions = found
                .into_iter()
                .map(|r| RegionSpan {
                    name: r.name,
                    range: r.begin.start..r.end.end,
                    inner: r.inner,
                })
                .collect();
        }
        Err(e) => {
            let line = match &e {
                RegionError::Unterminated { line, .. }
                | RegionError::UnexpectedEnd { line, .. }
                | RegionError::Nested { line, .. }
                | RegionError::Duplicate { line, .. } => *line,
            };
            let start = crate::diag::byte_offset(&doc.text, line, 1).unwrap_or(0);
            let end = doc.text[start..]
                .find('\n')
                .map_or(doc.text.len(), |i| start + i);
            doc.region_error = Some(RegionProblem {
                message: e.to_string(),
                range: start..end,
            });
        }
    }
}

/// The definitions and endpoints of a document as (section, name) pairs,
/// for [`within`].
pub(crate) fn owners(doc: &Document) -> Vec<(Range<usize>, String)> {
    let mut out: Vec<(Range<usize>, String)> = doc
        .definitions
        .iter()
        .map(|d| (d.section.clone(), d.id.to_string()))
        .chain(doc.endpoints.iter().map(|e| (e.section.clone(), e.key())))
        .collect();
    out.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    out
}

/// The innermost owner whose section holds `at`.
pub(crate) fn within(owners: &[(Range<usize>, String)], at: usize) -> Option<String> {
    owners
        .iter()
        .filter(|(r, _)| r.contains(&at))
        .min_by_key(|(r, _)| r.end - r.start)
        .map(|(_, n)| n.clone())
}
