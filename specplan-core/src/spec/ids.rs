//! IDs and endpoints (SPEC.md §3.2): definitions, references, malformed
//! candidates.
//!
//! What is a definition follows specplan-ids exactly (a heading whose text
//! begins with an ID-like word, the first cell of a row of a table whose
//! first header cell is `ID`, in the document of its kind), so the macro and
//! the checker agree. Every other well-formed ID written as a whole word is
//! a reference. A word that looks like an attempt at an ID but does not
//! parse is a [`MalformedId`]: in definition position in the three defining
//! documents, whatever specplan-ids' `leading_id_word` accepts (it reports
//! those too); elsewhere, an upper-case kind (`FR`, `NFR`, `US`, `UC`) and a
//! `-` followed by a last part that starts with a digit or a domain part that
//! is a configured prefix in any case (`FR-AUTH-1`, `FR-auth-01`, `FR-01`,
//! `fr-auth-01` when `AUTH` is a prefix). `US-based` and `FR-XXX-NN` are
//! words, not IDs.

use std::ops::Range;

use specplan_ids::{Id, Kind, leading_id_word};

use super::document::*;
use super::markdown::{Flat, HtmlAs, Kind as NodeKind, Node, Origin, trim_end};
use super::structure::plain;
use super::{Context, owners, within};

/// The HTTP methods an endpoint may have.
pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// A path as the router and the API spec must agree on it: parameters
/// written `:id`, `<id>`, `{id}` or `{id:regex}` become `{id}`; wildcards
/// `*rest`, `{*rest}`, `<rest..>` become `{*rest}`; a query string or
/// fragment is dropped.
pub fn normalize_endpoint_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/').map(segment).collect::<Vec<_>>().join("/")
}

fn segment(seg: &str) -> String {
    if let Some(name) = seg.strip_prefix(':')
        && !name.is_empty()
    {
        return format!("{{{name}}}");
    }
    if let Some(name) = seg.strip_prefix('*') {
        return format!("{{*{name}}}");
    }
    if let Some(inner) = seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        // Rocket `<rest..>`, Flask `<int:id>`.
        let inner = inner.rsplit(':').next().unwrap_or(inner);
        return match inner.strip_suffix("..") {
            Some(rest) => format!("{{*{rest}}}"),
            None => format!("{{{inner}}}"),
        };
    }
    if let Some(inner) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
        && !inner.contains(['{', '}'])
    {
        // actix `{id:\d+}`, axum `{*rest}`.
        let name = inner.split(':').next().unwrap_or(inner).trim();
        return format!("{{{name}}}");
    }
    seg.to_string()
}

/// The end of a path that starts at `text[0] == '/'`.
fn path_end(text: &str) -> usize {
    let end = text
        .find(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '`' | '|' | '"' | '\'' | '(' | ')' | '[' | ']' | ',' | ';' | '!'
                )
        })
        .unwrap_or(text.len());
    let trimmed = text[..end].trim_end_matches(['.', ':', '?']);
    trimmed.len().max(1)
}

/// `METHOD /path` at the start of `text` (after spaces): the method, the
/// path as written, and the byte range of both in `text`.
pub fn find_endpoint(text: &str) -> Option<(&str, &str, Range<usize>)> {
    let start = text.len() - text.trim_start().len();
    endpoint_at(text, start)
}

fn endpoint_at(text: &str, start: usize) -> Option<(&str, &str, Range<usize>)> {
    let rest = &text[start..];
    let method = METHODS.iter().find(|m| rest.starts_with(*m))?;
    let after = &rest[method.len()..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    if gap == 0 || !after[gap..].starts_with('/') {
        return None;
    }
    let path_start = start + method.len() + gap;
    let len = path_end(&text[path_start..]);
    Some((
        &text[start..start + method.len()],
        &text[path_start..path_start + len],
        start..path_start + len,
    ))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Every `METHOD /path` in `text`, with the method a whole word.
fn endpoints_in(text: &str) -> Vec<(&str, &str, Range<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let prev_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
        if prev_ok && let Some(found) = endpoint_at(text, i) {
            i = found.2.end;
            out.push(found);
            continue;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// The whole words of `text` that contain a `-`, trimmed of `-`.
fn dashed_words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word_char(c) && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let w = &text[s..i];
                let lead = w.len() - w.trim_start_matches('-').len();
                let core = w.trim_matches('-');
                if core.contains('-') {
                    out.push(s + lead..s + lead + core.len());
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A would-be ID outside definition position: see the module docs.
fn is_candidate(word: &str, ctx: &Context) -> bool {
    let parts: Vec<&str> = word.split('-').collect();
    let [kind, rest @ ..] = parts.as_slice() else {
        return false;
    };
    let exact = Kind::from_tag(kind).is_some();
    if !exact && Kind::from_tag(&kind.to_ascii_uppercase()).is_none() {
        return false;
    }
    let Some(last) = rest.last() else {
        return false;
    };
    let known = rest.len() >= 2 && ctx.is_prefix(rest[0]);
    let digit = last.starts_with(|c: char| c.is_ascii_digit());
    if exact {
        digit || known
    } else {
        known && digit
    }
}

fn site_of(flat: &Flat, at: usize) -> Option<RefSite> {
    match flat.origin(at) {
        Origin::Text | Origin::Break => Some(RefSite::Text),
        Origin::Code => Some(RefSite::Code),
        Origin::Autolink => None,
    }
}

/// `Sign in with email` from `FR-AUTH-01: Sign in with email` (as
/// specplan-ids).
fn title_after(text: &str, word: &str) -> String {
    let t = text.trim_start();
    t.get(word.len()..)
        .unwrap_or("")
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '.'))
        .trim_end()
        .to_string()
}

/// A definition position: how it is written and what belongs to it.
struct Position {
    site: DefSite,
    /// For a table row, its second cell.
    title_cell: Option<String>,
    anchor: String,
    section: Range<usize>,
}

struct Extractor<'a> {
    src: &'a str,
    ctx: &'a Context,
    /// Start offsets of words already recorded in definition position.
    claimed: Vec<usize>,
}

impl Extractor<'_> {
    /// A heading's text or an `ID` table's first cell: a definition, a
    /// misplaced one, or a malformed one.
    fn definition_position(
        &mut self,
        doc: &mut Document,
        flat: &Flat,
        params: &Flat,
        pos: Position,
    ) {
        let Position {
            site,
            title_cell,
            anchor,
            section,
        } = pos;
        let text = &flat.text;
        if let Some(word) = leading_id_word(text) {
            let at = text.find(word).unwrap_or(0);
            let range = flat.src_range(at..at + word.len());
            let title = title_cell
                .clone()
                .unwrap_or_else(|| title_after(text, word));
            let ref_site = site_of(flat, at).unwrap_or(RefSite::Text);
            match Id::parse(word) {
                Ok(id) if doc.kind.defines(id.kind()) => {
                    self.claimed.push(range.start);
                    doc.definitions.push(Definition {
                        id,
                        site,
                        title,
                        anchor: anchor.clone(),
                        range,
                        section: section.clone(),
                    });
                }
                Ok(id) => {
                    self.claimed.push(range.start);
                    doc.references.push(Reference {
                        id,
                        site: ref_site,
                        misplaced_definition: true,
                        within: None,
                        range,
                    });
                }
                Err(e) => {
                    let defining = doc.kind.ids_doc_kind().is_some();
                    if defining || is_candidate(word, self.ctx) {
                        self.claimed.push(range.start);
                        doc.malformed_ids.push(MalformedId {
                            text: word.to_string(),
                            error: e.to_string(),
                            suggestion: e.suggestion().map(str::to_string),
                            definition: defining,
                            site: ref_site,
                            range,
                        });
                    }
                }
            }
        }
        let text = &params.text;
        let flat = params;
        if let Some((method, path, r)) = find_endpoint(text) {
            let range = flat.src_range(r.clone());
            let title = title_cell.unwrap_or_else(|| {
                text[r.end..]
                    .trim_start_matches(|c: char| {
                        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '.')
                    })
                    .trim_end()
                    .to_string()
            });
            self.claimed.push(range.start);
            if doc.kind == DocKind::ApiSpec {
                doc.endpoints.push(Endpoint {
                    method: method.to_string(),
                    path: normalize_endpoint_path(path),
                    raw: format!("{method} {path}"),
                    site,
                    title,
                    ids: Vec::new(),
                    range,
                    section,
                });
            } else {
                doc.endpoint_refs.push(EndpointRef {
                    method: method.to_string(),
                    path: normalize_endpoint_path(path),
                    raw: format!("{method} {path}"),
                    site: site_of(flat, r.start).unwrap_or(RefSite::Text),
                    misplaced_definition: true,
                    within: None,
                    range,
                });
            }
        }
    }

    /// IDs, malformed IDs and endpoints anywhere in a stretch of text.
    fn scan(&self, doc: &mut Document, flat: &Flat, mermaid: bool) {
        let text = &flat.text;
        for w in dashed_words(text) {
            let word = &text[w.clone()];
            if !word.starts_with(['F', 'N', 'U', 'f', 'n', 'u']) {
                continue;
            }
            let Some(site) = (if mermaid {
                Some(RefSite::Mermaid)
            } else {
                site_of(flat, w.start)
            }) else {
                continue;
            };
            let range = flat.src_range(w.clone());
            if self.claimed.contains(&range.start) {
                continue;
            }
            match Id::parse(word) {
                Ok(id) => doc.references.push(Reference {
                    id,
                    site,
                    misplaced_definition: false,
                    within: None,
                    range,
                }),
                Err(e) if is_candidate(word, self.ctx) => doc.malformed_ids.push(MalformedId {
                    text: word.to_string(),
                    error: e.to_string(),
                    suggestion: e.suggestion().map(str::to_string),
                    definition: false,
                    site,
                    range,
                }),
                Err(_) => {}
            }
        }
        for (method, path, r) in endpoints_in(text) {
            let site = if mermaid {
                RefSite::Mermaid
            } else {
                match site_of(flat, r.start) {
                    Some(s) => s,
                    None => continue,
                }
            };
            let range = flat.src_range(r);
            if self.claimed.contains(&range.start) {
                continue;
            }
            doc.endpoint_refs.push(EndpointRef {
                method: method.to_string(),
                path: normalize_endpoint_path(path),
                raw: format!("{method} {path}"),
                site,
                misplaced_definition: false,
                within: None,
                range,
            });
        }
    }
}

/// The runs of inline nodes that make one stretch of prose each.
fn text_units<'a>(n: &'a Node, out: &mut Vec<Vec<&'a Node>>) {
    match n.kind {
        NodeKind::Heading(_) | NodeKind::Paragraph | NodeKind::TableCell => {
            out.push(n.children.iter().collect());
        }
        NodeKind::CodeBlock(_) | NodeKind::HtmlBlock => {}
        _ => {
            let mut run: Vec<&Node> = Vec::new();
            for c in &n.children {
                if c.is_inline() {
                    run.push(c);
                } else {
                    if !run.is_empty() {
                        out.push(std::mem::take(&mut run));
                    }
                    text_units(c, out);
                }
            }
            if !run.is_empty() {
                out.push(run);
            }
        }
    }
}

pub(super) fn is_mermaid(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::CodeBlock(Some(info)) if info.split_whitespace().next() == Some("mermaid"))
}

pub(super) fn extract(doc: &mut Document, src: &str, root: &Node, ctx: &Context) {
    let mut ex = Extractor {
        src,
        ctx,
        claimed: Vec::new(),
    };

    // Definition positions, in document order: headings and `ID` rows.
    let mut positions: Vec<&Node> = Vec::new();
    root.walk(&mut |n| {
        if matches!(n.kind, NodeKind::Heading(_) | NodeKind::Table) {
            positions.push(n);
        }
    });
    let mut heading_index = 0;
    for n in positions {
        if n.heading_level().is_some() {
            let (anchor, section) = doc
                .headings
                .get(heading_index)
                .map(|h| (h.slug.clone(), h.section.clone()))
                .unwrap_or_default();
            heading_index += 1;
            let flat = plain(ex.src, &n.children);
            let params = Flat::of(ex.src, &n.children, HtmlAs::Params);
            let pos = Position {
                site: DefSite::Heading,
                title_cell: None,
                anchor,
                section,
            };
            ex.definition_position(doc, &flat, &params, pos);
            continue;
        }
        let Some(head) = n.children.iter().find(|c| c.kind == NodeKind::TableHead) else {
            continue;
        };
        let id_table = head.children.first().is_some_and(|c| {
            plain(ex.src, &c.children)
                .text
                .trim()
                .eq_ignore_ascii_case("ID")
        });
        if !id_table {
            continue;
        }
        let anchor = doc
            .headings
            .iter()
            .take_while(|h| h.range.start < n.range.start)
            .last()
            .map(|h| h.slug.clone())
            .unwrap_or_default();
        for row in n.children.iter().filter(|c| c.kind == NodeKind::TableRow) {
            let Some(first) = row.children.first() else {
                continue;
            };
            let flat = plain(ex.src, &first.children);
            let params = Flat::of(ex.src, &first.children, HtmlAs::Params);
            let title = row
                .children
                .get(1)
                .map(|c| plain(ex.src, &c.children).text.trim().to_string())
                .unwrap_or_default();
            let section = trim_end(ex.src, row.range.clone());
            let pos = Position {
                site: DefSite::TableRow,
                title_cell: Some(title),
                anchor: anchor.clone(),
                section,
            };
            ex.definition_position(doc, &flat, &params, pos);
        }
    }

    // Everything else.
    let mut units = Vec::new();
    text_units(root, &mut units);
    for unit in units {
        let flat = Flat::of(ex.src, unit, HtmlAs::Params);
        ex.scan(doc, &flat, false);
    }
    let mut mermaid_blocks = Vec::new();
    root.walk(&mut |n| {
        if is_mermaid(n) {
            mermaid_blocks.push(n);
        }
    });
    for block in mermaid_blocks {
        let flat = Flat::of_code_block(ex.src, block);
        ex.scan(doc, &flat, true);
    }

    doc.references.sort_by_key(|r| r.range.start);
    doc.malformed_ids.sort_by_key(|m| m.range.start);
    doc.endpoint_refs.sort_by_key(|r| r.range.start);
    let owners = owners(doc);
    for r in &mut doc.references {
        r.within = within(&owners, r.range.start);
    }
    for r in &mut doc.endpoint_refs {
        r.within = within(&owners, r.range.start);
    }
    for e in &mut doc.endpoints {
        let mut ids: Vec<String> = Vec::new();
        for r in &doc.references {
            let id = r.id.to_string();
            if e.section.contains(&r.range.start) && !ids.contains(&id) {
                ids.push(id);
            }
        }
        e.ids = ids;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths_normalise() {
        for (a, b) in [
            ("/users/:id", "/users/{id}"),
            ("/users/<id>", "/users/{id}"),
            ("/users/{id}", "/users/{id}"),
            ("/users/{id:\\d+}", "/users/{id}"),
            ("/files/*rest", "/files/{*rest}"),
            ("/files/{*rest}", "/files/{*rest}"),
            ("/files/<rest..>", "/files/{*rest}"),
            ("/x/<int:id>/y", "/x/{id}/y"),
            ("/search?q=1", "/search"),
            ("/", "/"),
            ("/a/b/", "/a/b/"),
        ] {
            assert_eq!(normalize_endpoint_path(a), b, "{a}");
        }
    }

    #[test]
    fn endpoints_in_text() {
        assert_eq!(
            find_endpoint("  POST /auth/login: Sign in"),
            Some(("POST", "/auth/login", 2..18))
        );
        assert_eq!(
            find_endpoint("POST /users/:id."),
            Some(("POST", "/users/:id", 0..15))
        );
        assert_eq!(find_endpoint("POSTS /x"), None);
        assert_eq!(find_endpoint("post /x"), None);
        assert_eq!(find_endpoint("GET x"), None);
        let found: Vec<_> = endpoints_in("Calls GET /a, then `DELETE /b/{id}`; not XGET /c.")
            .into_iter()
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect();
        assert_eq!(found, ["GET /a", "DELETE /b/{id}"]);
    }

    #[test]
    fn candidates() {
        let ctx = Context::new("docs", &[("auth", "AUTH")]);
        for w in [
            "FR-AUTH-1",
            "FR-auth-01",
            "FR-01",
            "fr-auth-01",
            "FR-ORDER-HISTORY-01",
            "US-EAST-1",
        ] {
            assert!(is_candidate(w, &ctx), "{w}");
        }
        for w in [
            "US-based",
            "FR-XXX-NN",
            "fr-x-01",
            "UC-Berkeley",
            "SFR-A-01",
            "us-east-1",
        ] {
            assert!(!is_candidate(w, &ctx), "{w}");
        }
        assert_eq!(
            dashed_words("(FR-AUTH-01), --x-y-- a_b-c é-1"),
            [1..11, 16..19, 22..27, 28..32]
        );
    }
}
