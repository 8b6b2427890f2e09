//! "Related code" references (SPEC.md §3.3): workspace-relative paths,
//! optionally with `#L<line>`, `:<line>` or `::<item>`, named
//!
//! - anywhere in the section of a heading that contains "Related code";
//! - after a label that begins a paragraph, list item or table cell with
//!   "Related code" (bold or not): the rest of that paragraph or item, its
//!   nested lists, and the list right after a paragraph label;
//! - in a table, the cells of a column headed "Related code" and the other
//!   cells of a row whose first cell is "Related code".
//!
//! In those places every inline code span, link and bare word that looks
//! like a path is a reference. A link is taken at its destination, resolved
//! from the document (the line from `#L42`); its text still gives `::item`.

use std::ops::Range;

use super::document::*;
use super::markdown::{Flat, HtmlAs, Kind, Node};
use super::structure::{classify_link, plain};
use super::{owners, within};

fn is_label(text: &str) -> bool {
    let t = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    t.starts_with("related code")
}

/// A path, `path#L42`, `path:42`, `path::Item` or `path::Type::method`,
/// parsed; `None` when it does not look like a path.
pub(super) fn parse_ref(raw: &str) -> Option<(String, Option<u32>, Option<String>)> {
    let s = raw.trim().trim_start_matches("./");
    let (path_part, item) = match s.split_once("::") {
        Some((p, i)) => {
            let item = i.trim_end_matches("()").trim();
            let ok = !item.is_empty()
                && item.split("::").all(|seg| {
                    !seg.is_empty() && seg.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            (p, ok.then(|| item.to_string()))
        }
        None => (s, None),
    };
    let (path, line) = if let Some((p, l)) = path_part.split_once("#L") {
        let digits: String = l.chars().take_while(char::is_ascii_digit).collect();
        (p, digits.parse().ok())
    } else if let Some((p, l)) = path_part.split_once(':') {
        // `path:42` or `path:42:7`; any other colon is not in a path.
        (p, Some(l.split(':').next()?.parse().ok()?))
    } else {
        (path_part, None)
    };
    looks_like_path(path).then(|| (path.to_string(), line, item))
}

fn looks_like_path(p: &str) -> bool {
    if p.is_empty() || p.contains("://") || p.starts_with('#') {
        return false;
    }
    let ok_chars = p
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '@' | '+'));
    if !ok_chars {
        return false;
    }
    let name = p.rsplit('/').next().unwrap_or(p);
    // `e.g` and `i.e` are words.
    let has_ext = name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=8).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
            && (stem.len() > 1 || ext.len() > 1)
    });
    let known_name = matches!(
        name,
        "Dockerfile" | "Makefile" | "Justfile" | "Procfile" | "Containerfile"
    );
    has_ext || known_name || (p.contains('/') && !name.is_empty() && !p.starts_with('/'))
}

struct Ctx<'a> {
    src: &'a str,
    doc_path: &'a str,
    out: Vec<RelatedCode>,
}

impl Ctx<'_> {
    fn push(&mut self, raw: &str, range: Range<usize>) {
        if let Some((path, line, item)) = parse_ref(raw) {
            self.out.push(RelatedCode {
                path,
                line,
                item,
                raw: raw.trim().to_string(),
                within: None,
                range,
            });
        }
    }

    /// References in a run of inline nodes.
    fn inlines(&mut self, nodes: &[&Node]) {
        for n in nodes {
            match &n.kind {
                Kind::Code(t) => {
                    let r = n.range.clone();
                    self.push(t, r);
                }
                Kind::Link { dest, .. } => self.link(n, dest),
                Kind::Text(_) => {
                    let flat = Flat::of(self.src, [*n], HtmlAs::Space);
                    self.words(&flat);
                }
                Kind::Emphasis | Kind::Strong | Kind::Strikethrough => {
                    let kids: Vec<&Node> = n.children.iter().collect();
                    self.inlines(&kids);
                }
                _ => {}
            }
        }
    }

    fn words(&mut self, flat: &Flat) {
        let text = &flat.text;
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let word_char = i < text.len()
                && !c.is_whitespace()
                && !matches!(
                    c,
                    ',' | ';' | '(' | ')' | '[' | ']' | '"' | '\'' | '|' | '<' | '>'
                );
            match (start, word_char) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    let w = text[s..i].trim_end_matches(['.', ':']);
                    if !w.is_empty() && parse_ref(w).is_some() {
                        let r = flat.src_range(s..s + w.len());
                        self.push(w, r);
                    }
                    start = None;
                }
                _ => {}
            }
        }
    }

    fn link(&mut self, n: &Node, dest: &str) {
        let text = plain(self.src, &n.children).text.trim().to_string();
        let (kind, _, anchor, resolved) = classify_link(self.doc_path, dest);
        let from_text = parse_ref(&text);
        let item = from_text.as_ref().and_then(|(_, _, i)| i.clone());
        match (kind, resolved) {
            (LinkKind::Relative, Some(path)) if looks_like_path(&path) => {
                let line = anchor
                    .as_deref()
                    .and_then(|a| a.strip_prefix('L'))
                    .and_then(|l| l.split('-').next())
                    .and_then(|l| l.parse().ok())
                    .or(from_text.as_ref().and_then(|(_, l, _)| *l));
                self.out.push(RelatedCode {
                    path,
                    line,
                    item,
                    raw: text,
                    within: None,
                    range: n.range.clone(),
                });
            }
            _ => {
                if from_text.is_some() {
                    self.push(&text, n.range.clone());
                }
            }
        }
    }

    /// Everything below a node: every run of inlines (list items, cells,
    /// paragraphs), every nested block.
    fn all(&mut self, n: &Node) {
        match n.kind {
            Kind::CodeBlock(_) | Kind::HtmlBlock => {}
            _ => {
                let mut run: Vec<&Node> = Vec::new();
                for c in &n.children {
                    if c.is_inline() {
                        run.push(c);
                    } else {
                        self.inlines(&std::mem::take(&mut run));
                        self.all(c);
                    }
                }
                self.inlines(&run);
            }
        }
    }

    /// A block outside a "Related code" section: look for labels.
    fn labelled(&mut self, siblings: &[Node]) {
        let mut take_next_list = false;
        for n in siblings {
            if take_next_list && matches!(n.kind, Kind::List(_)) {
                self.all(n);
                take_next_list = false;
                continue;
            }
            take_next_list = false;
            match n.kind {
                Kind::Paragraph => {
                    let text = plain(self.src, &n.children).text;
                    if is_label(&text) {
                        self.all(n);
                        take_next_list = true;
                    }
                }
                Kind::Item => {
                    let text = plain(
                        self.src,
                        n.children.iter().take_while(|c| c.is_inline()).chain(
                            n.children
                                .iter()
                                .find(|c| c.kind == Kind::Paragraph)
                                .into_iter()
                                .flat_map(|p| p.children.iter()),
                        ),
                    )
                    .text;
                    if is_label(&text) {
                        self.all(n);
                    } else {
                        self.labelled(&n.children);
                    }
                }
                Kind::Table => self.table(n),
                Kind::CodeBlock(_) | Kind::HtmlBlock | Kind::Heading(_) => {}
                _ => self.labelled(&n.children),
            }
        }
    }

    fn table(&mut self, t: &Node) {
        let head: Vec<&Node> = t
            .children
            .iter()
            .filter(|c| c.kind == Kind::TableHead)
            .flat_map(|h| h.children.iter())
            .collect();
        let cols: Vec<usize> = head
            .iter()
            .enumerate()
            .filter(|(_, c)| is_label(&plain(self.src, &c.children).text))
            .map(|(i, _)| i)
            .collect();
        // `| Related code | `src/a.rs` |` as the header row.
        if head
            .first()
            .is_some_and(|c| is_label(&plain(self.src, &c.children).text))
        {
            for cell in &head[1..] {
                self.all(cell);
            }
        }
        for row in t.children.iter().filter(|c| c.kind == Kind::TableRow) {
            let row_label = row
                .children
                .first()
                .is_some_and(|c| is_label(&plain(self.src, &c.children).text));
            for (i, cell) in row.children.iter().enumerate() {
                if cols.contains(&i) || (row_label && i > 0) {
                    self.all(cell);
                }
            }
        }
    }
}

pub(super) fn extract(doc: &mut Document, src: &str, root: &Node) {
    let path = doc.path.clone();
    let mut cx = Ctx {
        src,
        doc_path: &path,
        out: Vec::new(),
    };
    // Sections of "Related code" headings.
    let sections: Vec<Range<usize>> = doc
        .headings
        .iter()
        .filter(|h| h.text.to_lowercase().contains("related code"))
        .map(|h| h.range.end..h.section.end)
        .collect();
    // Runs of blocks outside those sections are read for labels together,
    // so that a label paragraph reaches the list after it.
    let mut run_start = 0;
    for (i, c) in root.children.iter().enumerate() {
        if sections.iter().any(|s| s.contains(&c.range.start)) {
            cx.labelled(&root.children[run_start..i]);
            run_start = i + 1;
            if c.heading_level().is_none() {
                cx.all(c);
            }
        }
    }
    cx.labelled(&root.children[run_start..]);
    let mut out = cx.out;
    out.sort_by_key(|r| r.range.start);
    out.dedup_by(|a, b| a.range == b.range);
    let owners = owners(doc);
    for r in &mut out {
        r.within = within(&owners, r.range.start);
    }
    doc.related_code = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse() {
        let p = |s: &str| parse_ref(s);
        assert_eq!(
            p("src/handlers/auth.rs"),
            Some(("src/handlers/auth.rs".into(), None, None))
        );
        assert_eq!(
            p("./src/a.rs#L42"),
            Some(("src/a.rs".into(), Some(42), None))
        );
        assert_eq!(
            p("src/a.rs#L42-L50"),
            Some(("src/a.rs".into(), Some(42), None))
        );
        assert_eq!(p("src/a.rs:42"), Some(("src/a.rs".into(), Some(42), None)));
        assert_eq!(
            p("src/a.rs:42:7"),
            Some(("src/a.rs".into(), Some(42), None))
        );
        assert_eq!(
            p("src/a.rs::AuthService::login()"),
            Some(("src/a.rs".into(), None, Some("AuthService::login".into())))
        );
        assert_eq!(p("auth.rs"), Some(("auth.rs".into(), None, None)));
        assert_eq!(p("Dockerfile"), Some(("Dockerfile".into(), None, None)));
        assert_eq!(p("login()"), None);
        assert_eq!(p("AuthService::login"), None);
        assert_eq!(p("https://x.y/a.rs"), None);
        assert_eq!(p("see"), None);
        assert_eq!(p("e.g."), None);
        assert_eq!(p("e.g"), None);
        assert_eq!(p("src/handlers"), Some(("src/handlers".into(), None, None)));
        assert_eq!(p("a.rs:x"), None);
    }
}
