//! The code scan: every `#[implements("…")]` and `#[verifies("…")]` of the
//! workspace, with the position of each ID string and the item it sits on.
//!
//! # Spellings
//!
//! An attribute counts when its path ends in `implements` or `verifies`
//! (`#[implements(…)]`, `#[specplan_macros::implements(…)]`,
//! `#[::specplan_macros::verifies(…)]`, a renamed crate `#[reqs::implements(…)]`),
//! when its path is a name the file imports with
//! `use …::implements as req;` (or `verifies`, also inside `{…}` groups), or
//! when such an attribute sits inside `#[cfg_attr(predicate, …)]`, nested or
//! not. Aliases are per file: a re-export used from another file
//! (`pub use specplan_macros::implements as req;` in `lib.rs`, `#[req]` in
//! `a.rs`) is not followed, because that needs name resolution.
//!
//! Only outer attributes on items count: items of modules and blocks (also
//! inside function bodies and `const` blocks), associated items of `impl`s
//! and traits, and items of `extern` blocks. Attributes on fields, variants,
//! parameters, statements and expressions are ignored (rustc rejects an
//! attribute macro there), and so are inner attributes (`#![implements]`),
//! which stable Rust does not allow for attribute macros.
//!
//! Attributes inside macro invocations (`macro_rules!` bodies, `foo! { … }`)
//! are not reported: neither `syn` nor rustc knows what the macro does with
//! them until it is expanded, and a `macro_rules!` pattern such as
//! `$(#[$m:meta])*` is no annotation at all.
//!
//! # Two scanners, one answer
//!
//! Parsing a whole file with `syn` costs 75–110 ns per byte, so the fast path
//! ([`scanner`]) never does: files without a candidate byte pattern are only
//! searched (`memchr::memmem`), and in a file with one a small lexer (comments,
//! strings, raw strings, char literals and lifetimes, delimiter nesting) runs
//! to each candidate attribute; only that attribute and the header of the item
//! it sits on (plus the headers of the enclosing `impl`, `trait`, `mod` and
//! `fn`) are read, by hand for the common shapes and by `syn` for the rest.
//! The oracle ([`oracle`]) parses the whole file and walks it with
//! `syn::visit`; tests show both find exactly the same annotations. When the
//! fast path meets something it does not handle, it falls back to the oracle
//! for that file.
//!
//! On a generated workspace of 1,068 files and 620k lines (`cargo bench -p
//! specplan-core --bench scan`), scanning takes about as long as `rg -c -t
//! rust 'implements\('` over the same tree, and under 10 MiB.
//!
//! `is_test` is set when the item, or an enclosing `mod`, `fn`, method,
//! `impl`, `trait` or `extern` block, or the file (`#![cfg(test)]`), carries a
//! test attribute (`#[test]`, `#[tokio::test]`, `#[rstest]`, `#[test_case]`,
//! … — any path ending in `test`) or `#[cfg(test)]` (also inside `all`/`any`,
//! not under `not`).

mod attrs;
mod item;
mod oracle;
pub(crate) mod scanner;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::diag::{Diagnostic, Span};
use crate::source::{self, Files, WalkedFile};
use crate::workspace::Workspace;

pub use oracle::scan_text_with_syn;

/// Which attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Implements,
    Verifies,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Implements => "implements",
            Kind::Verifies => "verifies",
        }
    }
}

/// One ID string of an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdRef {
    /// The literal's value (escapes resolved).
    pub text: String,
    /// The string literal, quotes included.
    pub span: Span,
}

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Fn,
    /// A function in an `impl` or a `trait`.
    Method,
    Struct,
    Enum,
    Union,
    Trait,
    TraitAlias,
    Impl,
    Mod,
    /// Also an associated constant (`Type::NAME`).
    Const,
    Static,
    /// A type alias, also an associated type (`Type::Name`).
    Type,
    /// A `macro_rules!` definition.
    Macro,
    /// A macro invocation in item position (`foo! { … }`).
    MacroCall,
    Use,
    ExternCrate,
    ExternBlock,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Fn => "fn",
            ItemKind::Method => "method",
            ItemKind::Struct => "struct",
            ItemKind::Enum => "enum",
            ItemKind::Union => "union",
            ItemKind::Trait => "trait",
            ItemKind::TraitAlias => "trait-alias",
            ItemKind::Impl => "impl",
            ItemKind::Mod => "mod",
            ItemKind::Const => "const",
            ItemKind::Static => "static",
            ItemKind::Type => "type",
            ItemKind::Macro => "macro",
            ItemKind::MacroCall => "macro-call",
            ItemKind::Use => "use",
            ItemKind::ExternCrate => "extern-crate",
            ItemKind::ExternBlock => "extern-block",
        }
    }
}

/// The item an attribute sits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    /// `login`; `SessionStore::create` for a method (the `impl`'s self type,
    /// or the trait for a method declared in a trait); `impl SessionStore`,
    /// `impl Store for PgStore` for an `impl`; `foo!` for a macro call.
    pub name: String,
    /// Where the name is (the `impl` keyword for an `impl`, the `extern`
    /// keyword for an `extern` block), 1-based.
    pub line: usize,
    pub column: usize,
}

/// An argument that is not an ID string, or a missing argument list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArgError {
    pub message: String,
    pub span: Span,
}

/// One `#[implements(…)]` or `#[verifies(…)]` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub kind: Kind,
    /// Workspace-relative, `/`-separated.
    pub file: String,
    /// The whole attribute, `#[` to `]` (the `cfg_attr` around it included).
    pub attr: Span,
    /// The ID strings, in order.
    pub ids: Vec<IdRef>,
    pub item: ItemRef,
    /// The item is test code (see the module documentation).
    pub is_test: bool,
    /// Arguments that are not string literals, or no arguments at all: the
    /// material of a malformed-annotation diagnostic.
    pub arg_errors: Vec<ArgError>,
}

/// What [`scan_workspace`] found.
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    /// Sorted by file, then position.
    pub annotations: Vec<Annotation>,
    /// Files that could not be read, or that the scanner had to parse whole
    /// and `syn` could not parse.
    pub diagnostics: Vec<Diagnostic>,
    pub stats: ScanStats,
}

/// How much work the scan did (for the benchmark and `-v`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Rust files of the workspace members.
    pub files: usize,
    pub bytes: u64,
    /// Files with a candidate byte pattern, which the lexer ran over.
    pub lexed: usize,
    /// Files the fast path handed to the full `syn` parse.
    pub fallbacks: usize,
}

/// Finds every annotation in the `.rs` files of the workspace members,
/// reading the files on all available cores.
pub fn scan_workspace(ws: &Workspace, files: &Files) -> ScanResult {
    scan_files(&member_sources(ws, files))
}

/// The `.rs` files of the workspace members, sorted by path: what
/// [`crate::scan::rust_sources`] returns, by string prefixes (a large
/// workspace has thousands of files).
fn member_sources<'a>(ws: &Workspace, files: &'a Files) -> Vec<&'a WalkedFile> {
    let sep = std::path::MAIN_SEPARATOR;
    let roots: Vec<String> = ws
        .packages
        .iter()
        .map(|p| {
            let mut r = p.root().as_str().to_string();
            if !r.ends_with(sep) {
                r.push(sep);
            }
            r
        })
        .collect();
    let mut out: Vec<&WalkedFile> = files
        .files
        .iter()
        .filter(|f| {
            f.rel.ends_with(".rs") && roots.iter().any(|r| f.abs.as_str().starts_with(r.as_str()))
        })
        .collect();
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// [`scan_workspace`] over a given list of files (sorted by path).
pub fn scan_files(sources: &[&WalkedFile]) -> ScanResult {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sources.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, FileOutcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut buf = Vec::new();
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = sources.get(i) else { break };
                    let outcome = scan_one(file, &mut buf);
                    if outcome.used_syn {
                        // Spans live in a per-thread table that only grows;
                        // nothing of this file's syntax trees is kept.
                        proc_macro2::extra::invalidate_current_thread_spans();
                    }
                    local.push((i, outcome));
                }
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(local);
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let mut out = ScanResult::default();
    out.stats.files = sources.len();
    for (_, o) in results {
        out.annotations.extend(o.annotations);
        out.diagnostics.extend(o.diagnostic);
        out.stats.bytes += o.bytes;
        out.stats.lexed += usize::from(o.lexed);
        out.stats.fallbacks += usize::from(o.fell_back);
    }
    crate::diag::sort(&mut out.diagnostics);
    out
}

#[derive(Default)]
struct FileOutcome {
    annotations: Vec<Annotation>,
    diagnostic: Option<Diagnostic>,
    bytes: u64,
    lexed: bool,
    fell_back: bool,
    used_syn: bool,
}

/// Reads one file into `buf` and scans it. Only files with a candidate
/// pattern are checked for UTF-8.
fn scan_one(file: &WalkedFile, buf: &mut Vec<u8>) -> FileOutcome {
    let mut out = FileOutcome::default();
    buf.clear();
    let read = std::fs::File::open(&file.abs).and_then(|f| {
        let len = f.metadata()?.len();
        if len > source::MAX_FILE_BYTES {
            return Ok(false);
        }
        buf.reserve(len as usize);
        // The size `fstat` gave, without a last `read` to find the end.
        (&f).take(len).read_to_end(buf)?;
        Ok(true)
    });
    match read {
        Ok(true) => {}
        // Too large, or unreadable: `read_text` words the diagnostic.
        Ok(false) | Err(_) => {
            out.diagnostic = source::read_text(file).err();
            return out;
        }
    }
    out.bytes = buf.len() as u64;
    let Some(candidates) = scanner::Candidates::find(buf) else {
        return out;
    };
    let Ok(text) = std::str::from_utf8(buf) else {
        out.diagnostic = source::read_text(file).err();
        return out;
    };
    out.lexed = true;
    out.used_syn = true;
    match scanner::scan(&file.rel, text, &candidates) {
        Ok(annotations) => out.annotations = annotations,
        Err(_) => {
            out.fell_back = true;
            match oracle::scan_text_with_syn(&file.rel, text) {
                Ok(annotations) => out.annotations = annotations,
                Err(d) => out.diagnostic = Some(d),
            }
        }
    }
    out
}

/// Scans one file's text: the fast path, or the full `syn` parse when the
/// fast path cannot handle the file. `Err` when the file had to be parsed
/// whole and does not parse.
pub fn scan_text(rel: &str, text: &str) -> Result<Vec<Annotation>, Diagnostic> {
    let Some(candidates) = scanner::Candidates::find(text.as_bytes()) else {
        return Ok(Vec::new());
    };
    scanner::scan(rel, text, &candidates).or_else(|_| scan_text_with_syn(rel, text))
}

/// Where the Rust text of a file starts, as `syn::parse_file` sees it: after
/// a byte-order mark, and after a `#!` line that is not an inner attribute.
/// The newline that ends a shebang line is kept, so lines count the same.
pub(crate) fn source_start(text: &str) -> usize {
    let mut base = 0;
    if text.starts_with('\u{feff}') {
        base = '\u{feff}'.len_utf8();
    }
    let rest = &text[base..];
    if rest.starts_with("#!") {
        let after = scanner::skip_trivia(rest.as_bytes(), 2).unwrap_or(rest.len());
        if rest.as_bytes().get(after) != Some(&b'[') {
            base += rest.find('\n').unwrap_or(rest.len());
        }
    }
    base
}

/// Turns byte offsets of a file into lines and columns. Offsets come
/// nearly in order, so it keeps a cursor (a line start and its number) and
/// counts newlines from there, forwards or backwards.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and column (in chars) of a byte offset.
    pub(crate) fn line_col(&self, at: usize) -> (usize, usize) {
        let b = self.text.as_bytes();
        let at = at.min(b.len());
        // A plain count vectorizes; an iterator of positions does not.
        let newlines = |s: &[u8]| s.iter().filter(|&&c| c == b'\n').count();
        let (pos, mut line) = self.cursor.get();
        let line_start = if at >= pos {
            line += newlines(&b[pos..at]);
            memchr::memrchr(b'\n', &b[pos..at]).map_or(pos, |i| pos + i + 1)
        } else {
            line -= newlines(&b[at..pos]);
            memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1)
        };
        self.cursor.set((line_start, line));
        let column = self
            .text
            .get(line_start..at)
            .map_or(at - line_start, |s| s.chars().count())
            + 1;
        (line, column)
    }

    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.line_col(start);
        let (end_line, end_column) = self.line_col(end);
        Span {
            line,
            column,
            end_line,
            end_column,
            start_byte: start,
            end_byte: end,
        }
    }
}

/// Maps spans of a snippet parsed by `syn` back to the file: the snippet is
/// the file's text from byte `base` on (plus, at most, a closing suffix).
pub(crate) struct Positions<'i, 'a> {
    pub base: usize,
    pub lines: &'i LineIndex<'a>,
}

impl Positions<'_, '_> {
    pub(crate) fn range(&self, span: proc_macro2::Span) -> std::ops::Range<usize> {
        let r = span.byte_range();
        self.base + r.start..self.base + r.end
    }

    pub(crate) fn span(&self, span: proc_macro2::Span) -> Span {
        let r = self.range(span);
        self.lines.span(r.start, r.end)
    }

    pub(crate) fn span_between(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        let a = self.range(first);
        let b = self.range(last);
        self.lines.span(a.start, b.end.max(a.start))
    }

    /// The file's text under `span`, whitespace runs collapsed.
    pub(crate) fn text_of(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> String {
        let a = self.range(first);
        let b = self.range(last);
        let s = self
            .lines
            .text()
            .get(a.start..b.end.max(a.start))
            .unwrap_or("");
        crate::scan::collapse_ws(s)
    }
}
