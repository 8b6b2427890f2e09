//! The shape every document shares (SPEC.md §3.1): headings and their
//! anchors, the H1, the meta block, navigation, the table of contents,
//! numbered sections, and links.

use std::collections::HashMap;
use std::ops::Range;

use super::document::*;
use super::markdown::{Flat, HtmlAs, Kind, Node, trim_end};

pub(super) fn extract(doc: &mut Document, src: &str, root: &Node) {
    headings(doc, src, root);
    doc.title = doc.headings.iter().find(|h| h.level == 1).map(|h| Title {
        text: h.text.clone(),
        range: h.range.clone(),
    });
    doc.sections = doc
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .map(|h| Section {
            number: h.number.clone(),
            title: h.title().to_string(),
            slug: h.slug.clone(),
            heading_range: h.range.clone(),
            range: h.section.clone(),
        })
        .collect();
    top_matter(doc, src, root);
    toc(doc, src, root);
    links(doc, src, root);
}

/// GitHub's anchors (github-slugger): a repeated slug gets `-1`, `-2`, …,
/// skipping any that is already taken.
#[derive(Default)]
pub(super) struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        let base = crate::slug::github_slug(text);
        let mut slug = base.clone();
        while self.seen.contains_key(&slug) {
            let n = self.seen.get_mut(&base).expect("base is seen");
            *n += 1;
            slug = format!("{base}-{n}");
        }
        self.seen.insert(slug.clone(), 0);
        slug
    }
}

/// The plain text of a heading (or cell): text and inline code, breaks as
/// spaces, HTML dropped — as specplan-ids reads it.
pub(super) fn plain<'a>(src: &str, nodes: impl IntoIterator<Item = &'a Node>) -> Flat {
    let mut f = Flat::of(src, nodes, HtmlAs::Nothing);
    f.text = f.text.replace('\n', " ");
    f
}

fn headings(doc: &mut Document, src: &str, root: &Node) {
    let mut found: Vec<&Node> = Vec::new();
    root.walk(&mut |n| {
        if n.heading_level().is_some() {
            found.push(n);
        }
    });
    let mut slugger = Slugger::default();
    let mut out: Vec<Heading> = found
        .iter()
        .map(|n| {
            let text = plain(src, &n.children).text.trim().to_string();
            Heading {
                level: n.heading_level().unwrap_or(1),
                slug: slugger.slug(&text),
                number: split_number(&text).map(|(n, _)| n.to_string()),
                text,
                range: trim_end(src, n.range.clone()),
                section: n.range.start..src.len(),
            }
        })
        .collect();
    for i in 0..out.len() {
        let level = out[i].level;
        if let Some(next) = out[i + 1..].iter().find(|h| h.level <= level) {
            out[i].section.end = next.range.start;
        }
    }
    doc.headings = out;
}

/// The top-level blocks between the H1 (or the start) and the next heading.
fn top_blocks(root: &Node) -> Vec<&Node> {
    let start = root
        .children
        .iter()
        .position(|n| n.heading_level() == Some(1))
        .map_or(0, |i| i + 1);
    root.children[start..]
        .iter()
        .take_while(|n| n.heading_level().is_none())
        .collect()
}

/// The lines of a block: each a run of inline nodes between breaks.
fn lines_of(block: &Node) -> Vec<Vec<&Node>> {
    let mut out = Vec::new();
    collect_lines(block, &mut out);
    out
}

fn collect_lines<'a>(block: &'a Node, out: &mut Vec<Vec<&'a Node>>) {
    let mut line: Vec<&Node> = Vec::new();
    for c in &block.children {
        if c.is_inline() {
            if matches!(c.kind, Kind::SoftBreak | Kind::HardBreak) {
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
            } else {
                line.push(c);
            }
        } else {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            collect_lines(c, out);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
}

fn is_blank(n: &Node) -> bool {
    matches!(&n.kind, Kind::Text(t) if t.trim().is_empty())
}

fn span_of(nodes: &[&Node]) -> Range<usize> {
    match (nodes.first(), nodes.last()) {
        (Some(a), Some(b)) => a.range.start..b.range.end,
        _ => 0..0,
    }
}

/// The alphabetic words of a label, lower-cased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `Previous` / `Next` from a link's text: its first word.
fn nav_direction_of_link(text: &str) -> Option<NavDirection> {
    match words(text).first().map(String::as_str) {
        Some("previous" | "prev") => Some(NavDirection::Previous),
        Some("next") => Some(NavDirection::Next),
        _ => None,
    }
}

/// `Previous` / `Next` from a label (`**Previous:**`, `← Prev`, `Next step`).
fn nav_direction(label: &str) -> Option<NavDirection> {
    let w = words(label);
    let dir = match w.first().map(String::as_str) {
        Some("previous" | "prev") => NavDirection::Previous,
        Some("next") => NavDirection::Next,
        _ => return None,
    };
    let rest_ok = w[1..]
        .iter()
        .all(|x| matches!(x.as_str(), "step" | "document" | "doc" | "page"));
    rest_ok.then_some(dir)
}

fn top_matter(doc: &mut Document, src: &str, root: &Node) {
    let mut meta_blocks: Vec<Range<usize>> = Vec::new();
    for block in top_blocks(root) {
        for line in lines_of(block) {
            let line: Vec<&Node> = line.into_iter().filter(|n| !is_blank(n)).collect();
            if line.is_empty() {
                continue;
            }
            if let Some(entry) = meta_line(src, &line) {
                doc.meta.entries.push(entry);
                if meta_blocks.last() != Some(&block.range) {
                    meta_blocks.push(block.range.clone());
                }
                continue;
            }
            nav_line(doc, src, &line);
        }
    }
    if let (Some(a), Some(b)) = (meta_blocks.first(), meta_blocks.last()) {
        doc.meta.range = Some(trim_end(src, a.start..b.end));
    }
}

/// `**Key:** value` or `**Key**: value`, unless the key is a navigation
/// label.
fn meta_line(src: &str, line: &[&Node]) -> Option<MetaEntry> {
    let first = line.first()?;
    if first.kind != Kind::Strong {
        return None;
    }
    let label = plain(src, &first.children).text;
    let label = label.trim();
    let mut rest: Vec<Node> = line[1..].iter().map(|n| (*n).clone()).collect();
    let key = if let Some(k) = label.strip_suffix(':') {
        k.trim_end()
    } else {
        // `**Key**: value`: the colon opens the next text.
        let Some(Node {
            kind: Kind::Text(t),
            range,
            ..
        }) = rest.first_mut()
        else {
            return None;
        };
        let lead = t.len() - t.trim_start().len();
        if !t[lead..].starts_with(':') {
            return None;
        }
        let cut = lead + 1;
        if src.get(range.clone()) == Some(t.as_str()) {
            range.start += cut;
        }
        *t = t[cut..].to_string();
        label
    };
    if key.is_empty() || nav_direction(key).is_some() {
        return None;
    }
    let flat = Flat::of(src, &rest, HtmlAs::Space);
    let (lead, value) = super::markdown::trimmed(&flat.text);
    let key_range = first.range.clone();
    let value_range = if value.is_empty() {
        key_range.end..key_range.end
    } else {
        flat.src_range_outer(src, lead..lead + value.len())
    };
    let range = span_of(line);
    Some(MetaEntry {
        key: key.to_string(),
        field: MetaField::from_key(key),
        value: value.to_string(),
        range: range.start..range.end.max(value_range.end),
        key_range,
        value_range,
    })
}

/// The `Previous` / `Next` links of a line: a link after a label
/// (`**Previous:** [Requirements](requirements.md)`) or whose text begins
/// with the direction (`[← Previous: Requirements](requirements.md)`).
fn nav_line(doc: &mut Document, src: &str, line: &[&Node]) {
    let line_range = trim_end(src, span_of(line));
    let mut pending: Option<NavDirection> = None;
    let mut found = Vec::new();
    let mut visit = Vec::new();
    for n in line {
        // A label may hold the link: `**Next: [A](a.md)**`.
        if n.kind == Kind::Strong
            && n.children
                .iter()
                .any(|c| matches!(c.kind, Kind::Link { .. }))
        {
            visit.extend(n.children.iter());
        } else {
            visit.push(*n);
        }
    }
    for n in visit {
        match &n.kind {
            Kind::Link { dest, .. } => {
                let text = plain(src, &n.children).text.trim().to_string();
                let own = nav_direction_of_link(&text);
                let dir = pending.take().or(own);
                let Some(direction) = dir else { continue };
                let title = if own.is_some() {
                    strip_direction(&text)
                } else {
                    text
                };
                found.push(NavLink {
                    direction,
                    title,
                    dest: dest.clone(),
                    range: n.range.clone(),
                    line_range: line_range.clone(),
                });
            }
            _ => {
                let t = plain(src, std::slice::from_ref(n)).text;
                if let Some(d) = nav_direction(&t) {
                    pending = Some(d);
                } else if t.contains(char::is_alphanumeric) {
                    pending = None;
                }
            }
        }
    }
    doc.navigation.extend(found);
}

/// `Requirements` from `← Previous: Requirements`.
fn strip_direction(text: &str) -> String {
    let t = text.trim_start_matches(|c: char| !c.is_alphabetic());
    let lower = t.to_lowercase();
    let cut = ["previous", "prev", "next"]
        .iter()
        .find(|w| lower.starts_with(*w))
        .map_or(0, |w| w.len());
    t[cut..]
        .trim_matches(|c: char| !c.is_alphanumeric() && c != ')' && c != '`')
        .to_string()
}

fn is_toc_title(title: &str) -> bool {
    let t = title.trim().trim_end_matches(':').to_lowercase();
    matches!(t.as_str(), "table of contents" | "contents" | "toc")
}

fn toc(doc: &mut Document, src: &str, root: &Node) {
    let Some(h) = doc.headings.iter().find(|h| is_toc_title(h.title())) else {
        return;
    };
    let mut toc = Toc {
        heading_range: h.range.clone(),
        range: h.section.clone(),
        entries: Vec::new(),
    };
    let body = h.range.end..h.section.end;
    fn visit(src: &str, n: &Node, depth: usize, body: &Range<usize>, out: &mut Vec<TocEntry>) {
        if n.range.end <= body.start || n.range.start >= body.end {
            return;
        }
        match &n.kind {
            Kind::Link { dest, .. } if n.range.start >= body.start => {
                out.push(TocEntry {
                    text: plain(src, &n.children).text.trim().to_string(),
                    dest: dest.clone(),
                    depth,
                    range: n.range.clone(),
                });
            }
            Kind::Heading(_) => {}
            _ => {
                let d = match n.kind {
                    Kind::List(_) if n.range.start >= body.start => depth + 1,
                    _ => depth,
                };
                for c in &n.children {
                    visit(src, c, d, body, out);
                }
            }
        }
    }
    visit(src, root, 0, &body, &mut toc.entries);
    // The outermost list is depth 0.
    let min = toc.entries.iter().map(|e| e.depth).min().unwrap_or(0);
    for e in &mut toc.entries {
        e.depth -= min;
    }
    doc.toc = Some(toc);
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// Percent-decodes `%20` and friends; invalid sequences stay as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Joins a relative path to the document's folder and normalises it;
/// `None` when it climbs out of the workspace.
pub(super) fn resolve(doc_path: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = doc_path.split('/').collect();
    parts.pop();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

pub(super) fn classify_link(
    doc_path: &str,
    dest: &str,
) -> (LinkKind, Option<String>, Option<String>, Option<String>) {
    let (before, anchor) = match dest.split_once('#') {
        Some((b, a)) => (b, Some(a.to_string())),
        None => (dest, None),
    };
    let path = before.split('?').next().unwrap_or("");
    let kind = if dest.starts_with('#') {
        LinkKind::Anchor
    } else if dest.starts_with("//") || has_scheme(dest) {
        LinkKind::External
    } else if dest.starts_with('/') {
        LinkKind::Absolute
    } else {
        LinkKind::Relative
    };
    match kind {
        LinkKind::External => (kind, None, None, None),
        LinkKind::Anchor => (kind, None, anchor, None),
        LinkKind::Absolute => (kind, Some(path.to_string()), anchor, None),
        LinkKind::Relative => {
            let resolved = resolve(doc_path, &percent_decode(path));
            (kind, Some(path.to_string()), anchor, resolved)
        }
    }
}

fn links(doc: &mut Document, src: &str, root: &Node) {
    let mut out = Vec::new();
    root.walk(&mut |n| {
        let (dest, image) = match &n.kind {
            Kind::Link { dest, .. } => (dest, false),
            Kind::Image { dest } => (dest, true),
            _ => return,
        };
        let (kind, path, anchor, resolved) = classify_link(&doc.path, dest);
        out.push(Link {
            text: plain(src, &n.children).text.trim().to_string(),
            dest: dest.clone(),
            kind,
            image,
            path,
            anchor,
            resolved,
            range: n.range.clone(),
        });
    });
    doc.links = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_github_slugger() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Overview"), "overview");
        assert_eq!(s.slug("Overview"), "overview-1");
        assert_eq!(s.slug("Overview-1"), "overview-1-1");
        assert_eq!(s.slug("Overview"), "overview-2");
    }

    #[test]
    fn links_resolve_from_the_document() {
        let p = "docs/en/specifications/auth/requirements/api-spec.md";
        let (k, path, anchor, resolved) = classify_link(p, "../workflows/use-cases.md#uc-auth-01");
        assert_eq!(k, LinkKind::Relative);
        assert_eq!(path.as_deref(), Some("../workflows/use-cases.md"));
        assert_eq!(anchor.as_deref(), Some("uc-auth-01"));
        assert_eq!(
            resolved.as_deref(),
            Some("docs/en/specifications/auth/workflows/use-cases.md")
        );
        let (_, _, _, r) = classify_link(p, "../../../../../src/my%20file.rs#L3");
        assert_eq!(r.as_deref(), Some("src/my file.rs"));
        assert_eq!(classify_link(p, "../../../../../../x").3, None);
        assert_eq!(classify_link(p, "https://x.y/z").0, LinkKind::External);
        assert_eq!(classify_link(p, "mailto:a@b").0, LinkKind::External);
        assert_eq!(classify_link(p, "#top").0, LinkKind::Anchor);
        assert_eq!(classify_link(p, "/README.md").0, LinkKind::Absolute);
    }

    #[test]
    fn section_numbers() {
        assert_eq!(split_number("1. Overview"), Some(("1", "Overview")));
        assert_eq!(split_number("2.1 Sign in"), Some(("2.1", "Sign in")));
        assert_eq!(split_number("2.1. Sign in"), Some(("2.1", "Sign in")));
        assert_eq!(split_number("Overview"), None);
        assert_eq!(split_number("1.Overview"), None);
        assert_eq!(split_number("3"), Some(("3", "")));
    }

    #[test]
    fn nav_labels() {
        assert_eq!(nav_direction("Previous:"), Some(NavDirection::Previous));
        assert_eq!(nav_direction("← Prev"), Some(NavDirection::Previous));
        assert_eq!(nav_direction("Next step:"), Some(NavDirection::Next));
        assert_eq!(nav_direction("Next-gen auth"), None);
        assert_eq!(strip_direction("← Previous: Requirements"), "Requirements");
        assert_eq!(strip_direction("Next: API Spec →"), "API Spec");
    }
}
