//! The diagnostic model, kept apart from its renderers.
//!
//! Every finding and every problem met while reading a workspace (a manifest
//! that does not parse, a file that is not UTF-8, a symlink loop) is a
//! [`Diagnostic`]. Renderers turn a list of them into rustc-style text
//! ([`render_human`]) or machine formats; nothing here prints.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        })
    }
}

/// A location in a file: 1-based lines and columns (columns count chars),
/// plus the byte range it covers in the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip)]
    pub start_byte: usize,
    #[serde(skip)]
    pub end_byte: usize,
}

impl Span {
    /// The span of `text[start..end]`, with lines and columns computed.
    pub fn from_bytes(text: &str, start: usize, end: usize) -> Span {
        Span::located(text, start, end, |at| line_col(text, at))
    }

    /// The same, with positions looked up in `lines` (built once for a
    /// text that gets many spans).
    pub fn from_bytes_indexed(
        text: &str,
        lines: &specplan_ids::lines::LineIndex,
        start: usize,
        end: usize,
    ) -> Span {
        Span::located(text, start, end, |at| lines.line_col(text, at))
    }

    fn located(
        text: &str,
        start: usize,
        end: usize,
        line_col: impl Fn(usize) -> (usize, usize),
    ) -> Span {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let (line, column) = line_col(start);
        let (end_line, end_column) = line_col(end);
        Span {
            line,
            column,
            end_line,
            end_column,
            start_byte: start,
            end_byte: end,
        }
    }

    /// A span that knows only its line (and optionally column), when the
    /// byte offsets are not known (e.g. a message from another tool).
    pub fn line_only(line: usize, column: usize) -> Span {
        Span {
            line,
            column,
            end_line: line,
            end_column: column,
            start_byte: usize::MAX,
            end_byte: usize::MAX,
        }
    }

    fn has_bytes(&self) -> bool {
        self.start_byte != usize::MAX
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in chars) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = text[line_start..at].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based line and column (in chars), if inside `text`.
pub fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += memchr::memchr(b'\n', &text.as_bytes()[start..])? + 1;
    }
    let rest = &text[start..];
    let line_text = &rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
    let col = column.saturating_sub(1);
    let within = line_text
        .char_indices()
        .nth(col)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

/// One finding or problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case name of the rule or problem kind.
    pub rule: String,
    pub level: Level,
    pub message: String,
    /// Workspace-relative path with `/` separators, when the diagnostic is
    /// about a file.
    pub file: Option<String>,
    pub span: Option<Span>,
    /// Label on the primary span (what is wrong right there).
    pub label: Option<String>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(rule: impl Into<String>, level: Level, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.into(),
            level,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn error(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Level::Error, message)
    }

    pub fn warning(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Level::Warning, message)
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sort key: file, position, rule, message; diagnostics without a file first.
    pub fn sort_key(&self) -> (Option<&str>, usize, usize, &str, &str) {
        let (line, col) = self.span.map_or((0, 0), |s| (s.line, s.column));
        (
            self.file.as_deref(),
            line,
            col,
            self.rule.as_str(),
            self.message.as_str(),
        )
    }
}

/// Sort diagnostics deterministically and drop exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// Renders diagnostics as rustc does. `source` gives the text of a
/// workspace-relative file when it is available, so the offending line can be
/// shown with the span underlined.
pub fn render_human(
    diag: &Diagnostic,
    source: &dyn Fn(&str) -> Option<String>,
    styled: bool,
) -> String {
    let level = match diag.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
        Level::Note => SnippetLevel::NOTE,
    };
    let text = diag.file.as_deref().and_then(source);
    let location;
    let mut group = Group::with_title(level.primary_title(&diag.message).id(&diag.rule));
    match (&diag.file, diag.span, &text) {
        (Some(file), Some(span), Some(text)) if span.has_bytes() && span.end_byte <= text.len() => {
            let mut ann = AnnotationKind::Primary.span(span.start_byte..span.end_byte);
            if let Some(label) = &diag.label {
                ann = ann.label(label);
            }
            group = group.element(
                Snippet::source(text.as_str())
                    .path(file.as_str())
                    .annotation(ann),
            );
        }
        (Some(file), span, _) => {
            location = match span {
                Some(s) => format!("{file}:{}:{}", s.line, s.column),
                None => file.clone(),
            };
            group = group.element(annotate_snippets::Origin::path(location.as_str()));
            if let Some(label) = &diag.label {
                group = group.element(SnippetLevel::NOTE.message(label.as_str()));
            }
        }
        (None, _, _) => {
            if let Some(label) = &diag.label {
                group = group.element(SnippetLevel::NOTE.message(label.as_str()));
            }
        }
    }
    for note in &diag.notes {
        group = group.element(SnippetLevel::NOTE.message(note.as_str()));
    }
    if let Some(help) = &diag.help {
        group = group.element(SnippetLevel::HELP.message(help.as_str()));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_from_one() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'd' comes after the two-byte 'ç'
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(byte_offset(text, 2, 2), Some(5));
        assert_eq!(byte_offset(text, 3, 1), Some(7));
        assert_eq!(byte_offset(text, 9, 1), None);
    }

    #[test]
    fn span_clamps_to_char_boundaries() {
        let text = "é";
        let s = Span::from_bytes(text, 1, 9);
        assert_eq!((s.start_byte, s.end_byte), (0, 2));
    }

    #[test]
    fn renders_like_rustc() {
        let src = "[package]\nname = 3\n".to_string();
        let d = Diagnostic::error(
            "invalid-manifest",
            "invalid type: integer, expected a string",
        )
        .in_file("Cargo.toml")
        .at(Span::from_bytes(&src, 17, 18))
        .with_label("expected a string")
        .with_help("write the name in quotes");
        let out = render_human(&d, &|_| Some(src.clone()), false);
        assert!(
            out.contains("error[invalid-manifest]: invalid type"),
            "{out}"
        );
        assert!(out.contains("--> Cargo.toml:2:8"), "{out}");
        assert!(out.contains("^ expected a string"), "{out}");
        assert!(out.contains("help: write the name in quotes"), "{out}");
    }

    #[test]
    fn renders_without_source() {
        let d = Diagnostic::warning("unreadable-file", "could not read file").in_file("src/x.rs");
        let out = render_human(&d, &|_| None, false);
        assert!(
            out.contains("warning[unreadable-file]: could not read file"),
            "{out}"
        );
        assert!(out.contains("src/x.rs"), "{out}");
    }
}
