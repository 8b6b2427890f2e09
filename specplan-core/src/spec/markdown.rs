//! A small owned tree over pulldown-cmark's events, with byte ranges.
//!
//! The extractors of the spec model need structure (which list follows
//! which label, which cells form a row, which lines a paragraph has), so the
//! event stream is folded once into [`Node`]s. Text is flattened on demand
//! into a [`Flat`]: the plain text of some inlines plus a map from every
//! byte of that text back to the document.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag};

/// The CommonMark extensions: tables, and nothing else, exactly as
/// specplan-ids reads the documents, so that both see the same text in a
/// heading or cell (`### ~~FR-AUTH-01~~` and `### FR-AUTH-01[^1]` keep their
/// `~~` and `[^1]` as text for both).
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    // Blocks.
    Paragraph,
    Heading(u8),
    BlockQuote,
    /// `Some(info)` for a fenced block (the info string may be empty),
    /// `None` for an indented one.
    CodeBlock(Option<String>),
    HtmlBlock,
    List(Option<u64>),
    Item,
    Table,
    TableHead,
    TableRow,
    TableCell,
    OtherBlock,
    Rule,
    // Inlines.
    Text(String),
    Code(String),
    Html(String),
    SoftBreak,
    HardBreak,
    Emphasis,
    Strong,
    Strikethrough,
    Link {
        dest: String,
        autolink: bool,
    },
    Image {
        dest: String,
    },
    OtherInline,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub range: Range<usize>,
    pub children: Vec<Node>,
}

impl Node {
    pub fn is_inline(&self) -> bool {
        matches!(
            self.kind,
            Kind::Text(_)
                | Kind::Code(_)
                | Kind::Html(_)
                | Kind::SoftBreak
                | Kind::HardBreak
                | Kind::Emphasis
                | Kind::Strong
                | Kind::Strikethrough
                | Kind::Link { .. }
                | Kind::Image { .. }
                | Kind::OtherInline
        )
    }

    pub fn heading_level(&self) -> Option<u8> {
        match self.kind {
            Kind::Heading(l) => Some(l),
            _ => None,
        }
    }

    /// Visits this node and every descendant, depth first, in order.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }
}

/// How deep the tree goes. pulldown-cmark's events are flat, but every
/// reader of the tree walks it recursively: a list nested 3,000 levels in a
/// 6 KB document would overflow the stack. Deeper elements are read as
/// part of the one at this depth: their text is kept, their nesting is not
/// (no document the tool or a person writes nests anywhere near this).
pub(crate) const MAX_DEPTH: usize = 64;

/// Parses `text` into a tree whose root holds the top-level blocks.
pub(crate) fn parse(text: &str) -> Node {
    let mut stack = vec![Node {
        kind: Kind::Root,
        range: 0..text.len(),
        children: Vec::new(),
    }];
    let leaf = |kind, range| Node {
        kind,
        range,
        children: Vec::new(),
    };
    // Start events past `MAX_DEPTH` not pushed, whose end events are owed.
    let mut flattened = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let node = match event {
            Event::Start(_) if stack.len() > MAX_DEPTH => {
                flattened += 1;
                continue;
            }
            Event::Start(tag) => {
                stack.push(leaf(kind_of(tag), range));
                continue;
            }
            Event::End(_) if flattened > 0 => {
                flattened -= 1;
                continue;
            }
            Event::End(_) => {
                // Start and end events are balanced; the root is never popped.
                if stack.len() > 1
                    && let Some(node) = stack.pop()
                {
                    node
                } else {
                    continue;
                }
            }
            Event::Text(t) => leaf(Kind::Text(t.into_string()), range),
            Event::Code(t) => leaf(Kind::Code(t.into_string()), range),
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                leaf(Kind::Text(t.into_string()), range)
            }
            Event::Html(t) | Event::InlineHtml(t) => leaf(Kind::Html(t.into_string()), range),
            Event::SoftBreak => leaf(Kind::SoftBreak, range),
            Event::HardBreak => leaf(Kind::HardBreak, range),
            Event::Rule => leaf(Kind::Rule, range),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {
                leaf(Kind::OtherInline, range)
            }
        };
        if let Some(parent) = stack.last_mut() {
            parent.children.push(node);
        }
    }
    while stack.len() > 1 {
        let node = stack.pop().expect("len > 1");
        stack.last_mut().expect("root").children.push(node);
    }
    stack.pop().expect("root")
}

fn kind_of(tag: Tag<'_>) -> Kind {
    match tag {
        Tag::Paragraph => Kind::Paragraph,
        Tag::Heading { level, .. } => Kind::Heading(level as u8),
        Tag::BlockQuote(_) => Kind::BlockQuote,
        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Kind::CodeBlock(Some(info.into_string())),
        Tag::CodeBlock(CodeBlockKind::Indented) => Kind::CodeBlock(None),
        Tag::HtmlBlock => Kind::HtmlBlock,
        Tag::List(start) => Kind::List(start),
        Tag::Item => Kind::Item,
        Tag::Table(_) => Kind::Table,
        Tag::TableHead => Kind::TableHead,
        Tag::TableRow => Kind::TableRow,
        Tag::TableCell => Kind::TableCell,
        Tag::Emphasis => Kind::Emphasis,
        Tag::Strong => Kind::Strong,
        Tag::Strikethrough => Kind::Strikethrough,
        Tag::Link {
            link_type,
            dest_url,
            ..
        } => Kind::Link {
            dest: dest_url.into_string(),
            autolink: matches!(link_type, LinkType::Autolink | LinkType::Email),
        },
        Tag::Image { dest_url, .. } => Kind::Image {
            dest: dest_url.into_string(),
        },
        Tag::FootnoteDefinition(_)
        | Tag::DefinitionList
        | Tag::DefinitionListTitle
        | Tag::DefinitionListDefinition
        | Tag::MetadataBlock(_) => Kind::OtherBlock,
        Tag::Superscript | Tag::Subscript => Kind::OtherInline,
    }
}

/// What a stretch of flattened text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Text,
    /// An inline code span.
    Code,
    /// The text of an autolink (`<https://…>`): a destination, not prose.
    Autolink,
    /// A break or separator the flattener inserted.
    Break,
}

#[derive(Debug, Clone)]
struct Seg {
    /// Where the segment starts in the flat text.
    at: usize,
    len: usize,
    /// The document bytes it came from.
    src: Range<usize>,
    /// `src` holds exactly the segment's text, byte for byte.
    exact: bool,
    origin: Origin,
}

/// The plain text of some inlines (or of a code block's lines) and where
/// each of its bytes is in the document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flat {
    pub text: String,
    segs: Vec<Seg>,
}

/// How inline HTML (`<br/>`, `<sup>`) is flattened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HtmlAs {
    /// Dropped, as GitHub drops tags from a heading's anchor.
    Nothing,
    /// A space, so words on both sides stay apart (`FR-A-01<br>FR-A-02`).
    Space,
    /// As [`HtmlAs::Space`], but a bare `<name>` that is no HTML element
    /// is kept as written: CommonMark reads the `<id>` of `GET /users/<id>`
    /// as a tag.
    Params,
}

/// HTML elements people write in Markdown; `<id>` is none of them.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "cite",
    "code",
    "col",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// `<id>`, `<rest..>`, `<int:id>`: a path parameter, not an element.
fn is_param_tag(html: &str) -> bool {
    let Some(inner) = html.strip_prefix('<').and_then(|s| s.strip_suffix('>')) else {
        return false;
    };
    let name = inner.trim_end_matches("..");
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-'))
        && !HTML_TAGS.contains(&name.to_ascii_lowercase().as_str())
}

impl Flat {
    /// The plain text of `nodes` (inlines, or blocks whose inlines are taken
    /// in order with a newline between blocks).
    pub fn of<'a>(src: &str, nodes: impl IntoIterator<Item = &'a Node>, html: HtmlAs) -> Flat {
        let mut flat = Flat::default();
        for n in nodes {
            flat.push_node(src, n, html, false);
        }
        flat
    }

    /// The lines of a code block's content.
    pub fn of_code_block(src: &str, block: &Node) -> Flat {
        let mut flat = Flat::default();
        for n in &block.children {
            if let Kind::Text(t) = &n.kind {
                flat.push_text(src, t, n.range.clone(), Origin::Text);
            }
        }
        flat
    }

    fn push_text(&mut self, src: &str, text: &str, range: Range<usize>, origin: Origin) {
        if text.is_empty() {
            return;
        }
        let exact = src.get(range.clone()) == Some(text);
        self.segs.push(Seg {
            at: self.text.len(),
            len: text.len(),
            src: range,
            exact,
            origin,
        });
        self.text.push_str(text);
    }

    fn push_break(&mut self, sep: &str, range: Range<usize>) {
        if sep.is_empty() {
            return;
        }
        self.segs.push(Seg {
            at: self.text.len(),
            len: sep.len(),
            src: range,
            exact: false,
            origin: Origin::Break,
        });
        self.text.push_str(sep);
    }

    fn push_node(&mut self, src: &str, node: &Node, html: HtmlAs, autolink: bool) {
        match &node.kind {
            Kind::Text(t) => {
                let origin = if autolink {
                    Origin::Autolink
                } else {
                    Origin::Text
                };
                self.push_text(src, t, node.range.clone(), origin);
            }
            Kind::Code(t) => {
                // The range covers the backticks; find the content inside.
                let inner = src
                    .get(node.range.clone())
                    .and_then(|s| s.find(t.as_str()))
                    .map(|i| node.range.start + i..node.range.start + i + t.len());
                match inner {
                    Some(r) => self.push_text(src, t, r, Origin::Code),
                    None => {
                        self.segs.push(Seg {
                            at: self.text.len(),
                            len: t.len(),
                            src: node.range.clone(),
                            exact: false,
                            origin: Origin::Code,
                        });
                        self.text.push_str(t);
                    }
                }
            }
            Kind::Html(h) => match html {
                HtmlAs::Nothing => {}
                HtmlAs::Params if is_param_tag(h) => {
                    self.push_text(src, h, node.range.clone(), Origin::Text);
                }
                HtmlAs::Space | HtmlAs::Params => self.push_break(" ", node.range.clone()),
            },
            Kind::SoftBreak | Kind::HardBreak => self.push_break("\n", node.range.clone()),
            Kind::Link { autolink: a, .. } => {
                for c in &node.children {
                    self.push_node(src, c, html, *a);
                }
            }
            Kind::CodeBlock(_) | Kind::HtmlBlock | Kind::Rule => {}
            _ => {
                let block = !node.is_inline();
                if block && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.push_break("\n", node.range.start..node.range.start);
                }
                for c in &node.children {
                    self.push_node(src, c, html, autolink);
                }
            }
        }
    }

    fn seg_at(&self, i: usize) -> Option<&Seg> {
        let idx = self.segs.partition_point(|s| s.at <= i).checked_sub(1)?;
        self.segs.get(idx)
    }

    /// Where the flat byte range `r` is in the document.
    pub fn src_range(&self, r: Range<usize>) -> Range<usize> {
        let Some(first) = self.seg_at(r.start) else {
            return 0..0;
        };
        let start = if first.exact {
            first.src.start + (r.start - first.at)
        } else {
            first.src.start
        };
        let last = if r.end > r.start {
            self.seg_at(r.end - 1).unwrap_or(first)
        } else {
            first
        };
        let end = if last.exact {
            last.src.start + (r.end - last.at).min(last.len)
        } else {
            last.src.end
        };
        start..end.max(start)
    }

    /// As [`Flat::src_range`], widened over emphasis and code markup
    /// (`*`, `_`, `` ` ``, `~`) around it in the document, so that the range
    /// of `Given` in `**Given** a user` starts at the `**`.
    pub fn src_range_outer(&self, src: &str, r: Range<usize>) -> Range<usize> {
        let mut out = self.src_range(r);
        let b = src.as_bytes();
        while out.start > 0 && matches!(b[out.start - 1], b'*' | b'_' | b'`' | b'~') {
            out.start -= 1;
        }
        while out.end < b.len() && matches!(b[out.end], b'*' | b'_' | b'`' | b'~') {
            out.end += 1;
        }
        out
    }

    /// What the byte at flat offset `i` came from.
    pub fn origin(&self, i: usize) -> Origin {
        self.seg_at(i).map_or(Origin::Break, |s| s.origin)
    }

    /// The lines of the text with their flat ranges (without the newline).
    pub fn lines(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, b) in self.text.bytes().enumerate() {
            if b == b'\n' {
                out.push(start..i);
                start = i + 1;
            }
        }
        if start < self.text.len() {
            out.push(start..self.text.len());
        }
        out
    }
}

/// `range` without trailing whitespace and newlines.
pub(crate) fn trim_end(src: &str, range: Range<usize>) -> Range<usize> {
    let s = src.get(range.clone()).unwrap_or("");
    range.start..range.start + s.trim_end().len()
}

/// `text` without surrounding whitespace, and how many bytes were cut at
/// the start.
pub(crate) fn trimmed(text: &str) -> (usize, &str) {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    (lead, t.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_and_flat_text_map_back_to_the_document() {
        let src =
            "# A `b` c\n\n- one **two**\n- `x` [y](z.md)\n\n| h | i |\n|---|---|\n| 1 | 2 |\n";
        let root = parse(src);
        let kinds: Vec<&Kind> = root.children.iter().map(|n| &n.kind).collect();
        assert!(matches!(kinds[0], Kind::Heading(1)));
        assert!(matches!(kinds[1], Kind::List(None)));
        assert!(matches!(kinds[2], Kind::Table));
        let h = Flat::of(src, &root.children[0].children, HtmlAs::Nothing);
        assert_eq!(h.text, "A b c");
        let r = h.src_range(2..3);
        assert_eq!(&src[r], "b");
        assert_eq!(h.origin(2), Origin::Code);
        let list = Flat::of(src, &root.children[1].children, HtmlAs::Space);
        assert_eq!(list.text, "one two\nx y");
        let r = list.src_range(10..11);
        assert_eq!(&src[r], "y");
    }

    #[test]
    fn escapes_and_entities_map_approximately() {
        let src = "a \\* b &amp; c\n";
        let root = parse(src);
        let f = Flat::of(src, &root.children[0].children, HtmlAs::Space);
        assert_eq!(f.text, "a * b & c");
        let amp = f.text.find('&').unwrap();
        assert_eq!(&src[f.src_range(amp..amp + 1)], "&amp;");
        let c = f.text.find('c').unwrap();
        assert_eq!(&src[f.src_range(c..c + 1)], "c");
    }

    fn depth(n: &Node) -> usize {
        1 + n.children.iter().map(depth).max().unwrap_or(0)
    }

    #[test]
    fn nesting_is_bounded_and_the_text_kept() {
        let lists: String = (0..3000)
            .map(|i| format!("{}- item{i}\n", "  ".repeat(i)))
            .collect();
        let quotes = format!("{} deep quote\n", ">".repeat(6000));
        let stars = format!("{}x{}\n", "*".repeat(17000), "*".repeat(17000));
        for text in [lists.as_str(), quotes.as_str(), stars.as_str()] {
            let root = parse(text);
            assert!(depth(&root) <= MAX_DEPTH + 2, "{}", depth(&root));
            let mut words = String::new();
            root.walk(&mut |n| {
                if let Kind::Text(t) = &n.kind {
                    words.push_str(t);
                }
            });
            assert!(!words.is_empty());
        }
        let root = parse(&lists);
        let mut last = false;
        root.walk(&mut |n| {
            if let Kind::Text(t) = &n.kind {
                last |= t == "item2999";
            }
        });
        assert!(last, "the text below the limit is still read");
    }
}
