//! The fast path: a byte-level lexer that runs to each candidate attribute;
//! then only that attribute and the header of the item it is on are read.
//!
//! 1. [`Candidates::find`] searches the bytes for the words `implements` and
//!    `verifies` (`memchr::memmem`). An occurrence is a candidate when it is
//!    a whole word followed by `(`, `[`, `{`, `]`, `)`, `=`, `,`, a comment,
//!    or `as` (an import alias: `implements as req`). Prose (`implements
//!    Display`) is not. A file without candidates is done.
//! 2. The lexer jumps from one byte that matters to the next (quotes,
//!    comments, delimiters, `;`, `#`, `!`) without tokenizing identifiers:
//!    comments (line, nested block, doc), strings, raw strings (found by
//!    looking back from `"` or `#` for an `r`, `br`, `cr` prefix), byte and C
//!    strings, char literals versus lifetimes, raw identifiers. It keeps a
//!    stack of open delimiters; for each level it remembers where the current
//!    statement or item began (after the last `;`, `{` or `}` of that level),
//!    which is where an item's attributes and doc comments begin.
//!    Delimiters of macro invocations (`name!(…)`, `macro_rules! name {…}`,
//!    only trivia between the `!` and the delimiter) and of attributes are
//!    opaque: nothing inside counts. It stops after the last candidate.
//! 3. At the `]` of an attribute whose path ends in `implements`/`verifies`,
//!    is an alias, or is a `cfg_attr` holding a candidate, an item is
//!    *pending*. At the next `{` or `;` of the same level, its header is read:
//!    - by hand when it is a common one (`fn`, `struct`, `enum`, `union`,
//!      `trait`, `mod`, an `impl` of a path type, `let`) and its attributes
//!      are simple (annotations with plain or raw string IDs, `cfg_attr` of
//!      those, test attributes, `cfg(test)`, and attributes whose arguments
//!      do not matter here);
//!    - else by `syn`: only the attributes when the header is a common one,
//!      otherwise the text from the start of the item to there (with `{}`
//!      closing a body), as what that level holds: a module item, an `impl`
//!      or trait item, a foreign item, or a statement. When that parse fails
//!      at a `{` (a `const` with a block initializer) the next terminator is
//!      tried.
//!
//!    A body's inner attributes are read too (they can make an item test
//!    code). Doc comments never reach `syn` (blanked, offsets kept).
//! 4. What a level holds is known lazily, only for the ancestors of an
//!    annotation, from the header before its `{`, read the same way: an
//!    `impl` (and its self type), a trait, a `mod`, a function body, a
//!    struct body, a `match`.
//! 5. Import aliases are confirmed when the word is in code inside a `use`
//!    tree; annotations written with an alias that is never confirmed are
//!    dropped at the end.
//!
//! Everything read by hand mirrors what `syn` does, down to the items `syn`
//! keeps as raw tokens (a trait method with a visibility, a body-less `fn`
//! in a module): the tests compare both with the oracle on fixtures,
//! generated files and, on demand, every file of the cargo registry with an
//! annotation inserted before each item.
//!
//! Anything unexpected (an unterminated string, unbalanced delimiters, an
//! item header `syn` rejects, a comment between a macro's name and its `!`)
//! is a [`Fallback`]: the caller parses the file whole instead.

use std::sync::LazyLock;

use memchr::memmem::Finder;
use syn::parse::ParseStream;
use syn::{Attribute, Block, Expr, ForeignItem, ImplItem, Item, Stmt, TraitItem};

use super::attrs::{self, Aliases};
use super::item::{self, Owner};
use super::{Annotation, ItemKind, ItemRef, Kind, LineIndex, Positions, source_start};

static IMPLEMENTS: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"implements"));
static VERIFIES: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"verifies"));

/// Why the fast path gave up on a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fallback {
    pub at: usize,
    pub why: &'static str,
}

fn fail<T>(at: usize, why: &'static str) -> Result<T, Fallback> {
    Err(Fallback { at, why })
}

// ---------------------------------------------------------------------------
// Candidates

#[derive(Debug)]
struct AliasDecl {
    at: usize,
    name: String,
    kind: Kind,
}

/// Where a file may hold annotations.
#[derive(Debug)]
pub(crate) struct Candidates {
    /// Start offsets of candidate words, sorted.
    words: Vec<usize>,
    /// Offsets of `implements as NAME`, sorted.
    aliases: Vec<AliasDecl>,
    /// An `as` whose name could not be read from the bytes.
    unsure: bool,
}

enum Occurrence {
    Word,
    Alias(String),
    Unsure,
}

impl Candidates {
    /// `None` when the file cannot hold an annotation.
    pub(crate) fn find(b: &[u8]) -> Option<Candidates> {
        let mut c = Candidates {
            words: Vec::new(),
            aliases: Vec::new(),
            unsure: false,
        };
        for (finder, kind) in [
            (&*IMPLEMENTS, Kind::Implements),
            (&*VERIFIES, Kind::Verifies),
        ] {
            let len = finder.needle().len();
            for at in finder.find_iter(b) {
                match occurrence(b, at, at + len) {
                    None => {}
                    Some(Occurrence::Word) => c.words.push(at),
                    Some(Occurrence::Alias(name)) => c.aliases.push(AliasDecl { at, name, kind }),
                    Some(Occurrence::Unsure) => c.unsure = true,
                }
            }
        }
        if c.words.is_empty() && c.aliases.is_empty() && !c.unsure {
            return None;
        }
        // Rust's white space includes five non-ASCII characters the byte
        // lexer does not read as such (found by fuzzing:
        // `#[implements\u{2028}()]` was missed): syn reads such a file.
        c.unsure |= has_unicode_white_space(b);
        c.words.sort_unstable();
        c.aliases.sort_by_key(|a| a.at);
        Some(c)
    }
}

/// Whether `b` holds one of Rust's non-ASCII white-space characters
/// (`Pattern_White_Space`: U+0085, U+200E, U+200F, U+2028, U+2029).
fn has_unicode_white_space(b: &[u8]) -> bool {
    memchr::memmem::find(b, "\u{85}".as_bytes()).is_some()
        || memchr::memchr_iter(0xE2, b)
            .any(|i| matches!(b.get(i + 1..i + 3), Some([0x80, 0x8E | 0x8F | 0xA8 | 0xA9])))
}

fn occurrence(b: &[u8], s: usize, e: usize) -> Option<Occurrence> {
    if s > 0 && IDENT[b[s - 1] as usize] {
        return None;
    }
    if has_unicode_white_space(&b[e..b.len().min(e + 3)]) {
        return Some(Occurrence::Unsure);
    }
    if e >= b.len() || IDENT[b[e] as usize] {
        return None;
    }
    let mut p = e;
    while p < b.len() && b[p].is_ascii_whitespace() {
        p += 1;
    }
    match *b.get(p)? {
        b'(' | b'[' | b'{' | b']' | b')' | b'=' | b',' | b'/' => Some(Occurrence::Word),
        b'a' if b[p..].starts_with(b"as") && b.get(p + 2).is_none_or(|&c| !IDENT[c as usize]) => {
            let mut q = p + 2;
            while q < b.len() && b[q].is_ascii_whitespace() {
                q += 1;
            }
            let start = q;
            if b[q..].starts_with(b"r#") {
                q += 2;
            }
            let name_start = q;
            while q < b.len() && IDENT[b[q] as usize] {
                q += 1;
            }
            if q == name_start || b[name_start].is_ascii_digit() {
                return Some(Occurrence::Unsure);
            }
            match std::str::from_utf8(&b[start..q]) {
                Ok(name) => Some(Occurrence::Alias(name.to_string())),
                Err(_) => Some(Occurrence::Unsure),
            }
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Tokens

const fn ident_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        i += 1;
    }
    t
}

/// Bytes that continue an identifier or a number (non-ASCII included:
/// Unicode identifiers).
static IDENT: [bool; 256] = ident_table();

const fn special_table() -> [bool; 256] {
    let mut t = [false; 256];
    let special = b"\"'/{}()[];#!";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
}

/// The bytes the lexer stops at.
static SPECIAL: [bool; 256] = special_table();

/// The `"` or `#` at `p` follows the `r` of a raw string prefix (`r`, `br`,
/// `cr`) that begins a token.
fn raw_prefix(b: &[u8], p: usize) -> bool {
    if p == 0 || b[p - 1] != b'r' {
        return false;
    }
    let r = p - 1;
    let starts = |i: usize| i == 0 || !IDENT[b[i - 1] as usize];
    starts(r) || (r > 0 && matches!(b[r - 1], b'b' | b'c') && starts(r - 1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Ident,
    Lifetime,
    Literal,
    Punct(u8),
    Eof,
}

/// Skips whitespace and comments (doc comments included) from `pos`.
pub(crate) fn skip_trivia(b: &[u8], pos: usize) -> Result<usize, Fallback> {
    let len = b.len();
    let mut p = pos;
    while p < len {
        match b[p] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => p += 1,
            b'/' if p + 1 < len && b[p + 1] == b'/' => {
                p = memchr::memchr(b'\n', &b[p..]).map_or(len, |i| p + i);
            }
            b'/' if p + 1 < len && b[p + 1] == b'*' => p = block_comment(b, p)?,
            // U+0085, U+200E, U+200F, U+2028, U+2029: whitespace to rustc.
            0xC2 if b.get(p + 1) == Some(&0x85) => p += 2,
            0xE2 if b.get(p + 1) == Some(&0x80)
                && matches!(b.get(p + 2), Some(0x8E | 0x8F | 0xA8 | 0xA9)) =>
            {
                p += 3;
            }
            _ => break,
        }
    }
    Ok(p)
}

fn block_comment(b: &[u8], p: usize) -> Result<usize, Fallback> {
    let mut depth = 1usize;
    let mut q = p + 2;
    while depth > 0 {
        let Some(i) = memchr::memchr2(b'*', b'/', &b[q..]) else {
            return fail(p, "unterminated block comment");
        };
        let r = q + i;
        if b[r] == b'*' && b.get(r + 1) == Some(&b'/') {
            depth -= 1;
            q = r + 2;
        } else if b[r] == b'/' && b.get(r + 1) == Some(&b'*') {
            depth += 1;
            q = r + 2;
        } else {
            q = r + 1;
        }
    }
    Ok(q)
}

/// The end of a `"…"` string whose body starts at `p`.
fn skip_str(b: &[u8], p: usize) -> Result<usize, Fallback> {
    let mut q = p;
    loop {
        let Some(i) = b.get(q..).and_then(|s| memchr::memchr2(b'"', b'\\', s)) else {
            return fail(p, "unterminated string");
        };
        let r = q + i;
        if b[r] == b'\\' {
            q = r + 2;
        } else {
            return Ok(r + 1);
        }
    }
}

/// The end of a raw string whose opening quote is at `quote`.
fn skip_raw(b: &[u8], quote: usize, hashes: usize) -> Result<usize, Fallback> {
    let mut q = quote + 1;
    loop {
        let Some(i) = b.get(q..).and_then(|s| memchr::memchr(b'"', s)) else {
            return fail(quote, "unterminated raw string");
        };
        let r = q + i;
        let close = r + 1 + hashes;
        if close <= b.len() && b[r + 1..close].iter().all(|&c| c == b'#') {
            return Ok(close);
        }
        q = r + 1;
    }
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0..0x80 => 1,
        0x80..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// A char literal or a lifetime (or label) starting with the `'` at `s`.
fn quote(b: &[u8], s: usize) -> Result<(Tok, usize), Fallback> {
    let Some(&n) = b.get(s + 1) else {
        return fail(s, "a lone quote");
    };
    if n == b'\\' {
        let from = s + 3;
        if from > b.len() {
            return fail(s, "unterminated char literal");
        }
        let lim = (from + 10).min(b.len());
        return match memchr::memchr(b'\'', &b[from..lim]) {
            Some(i) => Ok((Tok::Literal, from + i + 1)),
            None => fail(s, "unterminated char literal"),
        };
    }
    let clen = utf8_len(n);
    if b.get(s + 1 + clen) == Some(&b'\'') {
        return Ok((Tok::Literal, s + 2 + clen));
    }
    let mut e = s + 1;
    if b[e..].starts_with(b"r#") {
        e += 2;
    }
    let st = e;
    while e < b.len() && IDENT[b[e] as usize] {
        e += 1;
    }
    if e == st {
        return fail(s, "a lone quote");
    }
    Ok((Tok::Lifetime, e))
}

/// An identifier at `s..e` followed by `n`: a string prefix (`r"`, `b"`,
/// `br#"`, `c"`, `b'`), a raw identifier (`r#type`), or neither.
fn prefixed(b: &[u8], s: usize, e: usize, n: u8) -> Result<Option<(Tok, usize)>, Fallback> {
    let word = &b[s..e];
    let raw_prefix = matches!(word, b"r" | b"br" | b"cr");
    match n {
        b'"' if raw_prefix => Ok(Some((Tok::Literal, skip_raw(b, e, 0)?))),
        b'"' if matches!(word, b"b" | b"c") => Ok(Some((Tok::Literal, skip_str(b, e + 1)?))),
        b'#' if raw_prefix => {
            let mut h = e;
            while h < b.len() && b[h] == b'#' {
                h += 1;
            }
            if b.get(h) == Some(&b'"') {
                return Ok(Some((Tok::Literal, skip_raw(b, h, h - e)?)));
            }
            if word == b"r" && h == e + 1 && b.get(h).is_some_and(|&c| IDENT[c as usize]) {
                let mut q = h;
                while q < b.len() && IDENT[b[q] as usize] {
                    q += 1;
                }
                return Ok(Some((Tok::Ident, q)));
            }
            Ok(None)
        }
        b'\'' if word == b"b" => Ok(Some(quote(b, e)?)),
        _ => Ok(None),
    }
}

/// The next token at or after `pos`: its kind, start and end.
pub(crate) fn next_token(b: &[u8], pos: usize) -> Result<(Tok, usize, usize), Fallback> {
    let s = skip_trivia(b, pos)?;
    let Some(&c) = b.get(s) else {
        return Ok((Tok::Eof, s, s));
    };
    if IDENT[c as usize] {
        let mut e = s + 1;
        while e < b.len() && IDENT[b[e] as usize] {
            e += 1;
        }
        if c.is_ascii_digit() {
            return Ok((Tok::Literal, s, e));
        }
        if let Some(&n) = b.get(e)
            && matches!(n, b'"' | b'#' | b'\'')
            && let Some((tok, end)) = prefixed(b, s, e, n)?
        {
            return Ok((tok, s, end));
        }
        return Ok((Tok::Ident, s, e));
    }
    match c {
        b'"' => Ok((Tok::Literal, s, skip_str(b, s + 1)?)),
        b'\'' => {
            let (tok, e) = quote(b, s)?;
            Ok((tok, s, e))
        }
        _ => Ok((Tok::Punct(c), s, s + 1)),
    }
}

/// `text[start..end]` followed by `suffix`, for `syn`: from its first token
/// on (returned too: where the snippet begins in the file), with the doc
/// comments after that blanked. Doc comments would become `#[doc]`
/// attributes, the costliest part of an item's header to parse, and nothing
/// here needs them; blanking keeps byte offsets.
fn syn_input(text: &str, start: usize, end: usize, suffix: &str) -> (String, usize) {
    let start = skip_trivia(text.as_bytes(), start)
        .unwrap_or(start)
        .min(end);
    let mut s = Vec::with_capacity(end - start + suffix.len());
    s.extend_from_slice(&text.as_bytes()[start..end]);
    blank_doc_comments(&mut s);
    s.extend_from_slice(suffix.as_bytes());
    let s = String::from_utf8(s).expect("ASCII spaces replace whole comments");
    (s, start)
}

fn blank_doc_comments(s: &mut [u8]) {
    let mut p = 0;
    while p < s.len() {
        match s[p] {
            b'/' if s.get(p + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &s[p..]).map_or(s.len(), |i| p + i);
                let doc = s.get(p + 2) == Some(&b'!')
                    || (s.get(p + 2) == Some(&b'/') && s.get(p + 3) != Some(&b'/'));
                if doc {
                    s[p..end].fill(b' ');
                }
                p = end;
            }
            b'/' if s.get(p + 1) == Some(&b'*') => {
                let Ok(end) = block_comment(s, p) else { return };
                let doc = s.get(p + 2) == Some(&b'!')
                    || (s.get(p + 2) == Some(&b'*') && !matches!(s.get(p + 3), Some(b'*' | b'/')));
                if doc {
                    s[p..end].fill(b' ');
                }
                p = end;
            }
            b' ' | b'\t' | b'\n' | b'\r' => p += 1,
            _ => match next_token(s, p) {
                Ok((Tok::Eof, _, _)) | Err(_) => return,
                Ok((_, _, e)) => p = e,
            },
        }
    }
}

/// The end of the delimited group opening at `open`.
pub(crate) fn skip_group(b: &[u8], open: usize) -> Result<usize, Fallback> {
    let mut depth = 0usize;
    let mut q = open;
    loop {
        let (tok, _, e) = next_token(b, q)?;
        match tok {
            Tok::Eof => return fail(open, "unclosed delimiter"),
            Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
            Tok::Punct(b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(e);
                }
            }
            _ => {}
        }
        q = e;
    }
}

/// The end of the inner attributes (`#![…]`) right after `p` (a body's
/// opening brace, or the start of the file); `p` when there are none.
fn inner_attrs_end(b: &[u8], p: usize) -> Result<usize, Fallback> {
    let mut end = p;
    let mut q = p;
    loop {
        q = skip_trivia(b, q)?;
        if b.get(q) != Some(&b'#') {
            break;
        }
        let r = skip_trivia(b, q + 1)?;
        if b.get(r) != Some(&b'!') {
            break;
        }
        let t = skip_trivia(b, r + 1)?;
        if b.get(t) != Some(&b'[') {
            break;
        }
        end = skip_group(b, t)?;
        q = end;
    }
    Ok(end)
}

/// Skips outer and inner attributes and a visibility at the start of `b`;
/// returns where the rest begins.
fn skip_attrs_and_vis(b: &[u8]) -> Result<usize, Fallback> {
    let mut q = 0;
    loop {
        let (tok, s, e) = next_token(b, q)?;
        match tok {
            Tok::Punct(b'#') => {
                let (t2, s2, e2) = next_token(b, e)?;
                let open = match t2 {
                    Tok::Punct(b'!') => {
                        let (t3, s3, _) = next_token(b, e2)?;
                        if t3 != Tok::Punct(b'[') {
                            return Ok(s);
                        }
                        s3
                    }
                    Tok::Punct(b'[') => s2,
                    _ => return Ok(s),
                };
                q = skip_group(b, open)?;
            }
            Tok::Ident if &b[s..e] == b"pub" => {
                let (t2, s2, _) = next_token(b, e)?;
                q = if t2 == Tok::Punct(b'(') {
                    skip_group(b, s2)?
                } else {
                    e
                };
            }
            _ => return Ok(s),
        }
    }
}

/// The text begins (after attributes and a visibility) with `use`.
fn starts_with_use(b: &[u8]) -> Result<bool, Fallback> {
    let q = skip_attrs_and_vis(b)?;
    let (tok, s, e) = next_token(b, q)?;
    Ok(tok == Tok::Ident && &b[s..e] == b"use")
}

/// The text (an item header that `syn` rejected) names an item with a body
/// that can hold items: something is wrong, better parse the file whole.
fn looks_like_item(b: &[u8]) -> Result<bool, Fallback> {
    let mut q = skip_attrs_and_vis(b)?;
    for _ in 0..6 {
        let (tok, s, e) = next_token(b, q)?;
        match tok {
            Tok::Ident => match &b[s..e] {
                b"fn" | b"impl" | b"trait" | b"mod" | b"struct" | b"enum" | b"union"
                | b"macro_rules" => return Ok(true),
                b"unsafe" | b"async" | b"default" | b"safe" | b"auto" | b"const" | b"extern" => {}
                _ => return Ok(false),
            },
            // The ABI of `extern "C"`.
            Tok::Literal => {}
            _ => return Ok(false),
        }
        q = e;
    }
    Ok(false)
}

/// What an item header begins with, read by hand: the common shapes, for
/// which `syn` then parses only the attributes. Anything else is `Complex`
/// and the whole header goes to `syn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadKind {
    Fn,
    Struct,
    Enum,
    Union,
    Trait,
    Mod,
    /// An `impl` whose self type is a path (or a reference to one).
    Impl,
    /// A `let` statement.
    Let,
    /// `match …`.
    Match,
    /// `if`, `while`, `loop`, `for`, `else`, a label, an `unsafe` or `async`
    /// block: a block that is no item.
    Control,
    Complex,
}

#[derive(Debug, Clone, Copy)]
struct Head {
    kind: HeadKind,
    /// Where the outer (and leading inner) attributes end.
    attrs_end: usize,
    /// The item's name.
    name: (usize, usize),
    /// A visibility (`pub`, `pub(crate)`) comes first.
    vis: bool,
    /// For an `impl`: the `impl` keyword, the trait's name, `!` before it.
    impl_kw: usize,
    trait_name: Option<(usize, usize)>,
    negative: bool,
}

/// Skips the generic arguments or parameters opening with the `<` at
/// `open`; returns where they end. `->` inside does not close them.
fn skip_angle(b: &[u8], open: usize) -> Result<usize, Fallback> {
    let mut depth = 0usize;
    let mut q = open;
    let mut arrow = false;
    loop {
        let (tok, s, e) = next_token(b, q)?;
        match tok {
            Tok::Eof => return fail(open, "unclosed `<`"),
            Tok::Punct(b'<') => depth += 1,
            Tok::Punct(b'>') if !arrow => {
                depth -= 1;
                if depth == 0 {
                    return Ok(e);
                }
            }
            Tok::Punct(b'(' | b'[' | b'{') => {
                q = skip_group(b, s)?;
                arrow = false;
                continue;
            }
            _ => {}
        }
        arrow = tok == Tok::Punct(b'-');
        q = e;
    }
}

/// The position after a `::` that is the next token, if it is.
fn path_sep(b: &[u8], q: usize) -> Result<Option<usize>, Fallback> {
    let (tok, s, _) = next_token(b, q)?;
    Ok((tok == Tok::Punct(b':') && b.get(s + 1) == Some(&b':')).then_some(s + 2))
}

/// The position after generic arguments that are the next token, if they are.
fn angle_at(b: &[u8], q: usize) -> Result<Option<usize>, Fallback> {
    match next_token(b, q)? {
        (Tok::Punct(b'<'), s, _) => Ok(Some(skip_angle(b, s)?)),
        _ => Ok(None),
    }
}

/// Reads a type that is a path, or a reference to one, from `q`: the last
/// path segment's name and where the type ends. `None` for other types.
fn path_type(b: &[u8], mut q: usize) -> Result<Option<(Bytes, usize)>, Fallback> {
    loop {
        let (tok, s, e) = next_token(b, q)?;
        if matches!(tok, Tok::Punct(b'&') | Tok::Lifetime)
            || (tok == Tok::Ident && &b[s..e] == b"mut")
        {
            q = e;
        } else {
            break;
        }
    }
    if let Some(after) = path_sep(b, q)? {
        q = after;
    }
    loop {
        let (tok, s, e) = next_token(b, q)?;
        if tok != Tok::Ident
            || matches!(
                &b[s..e],
                b"for" | b"where" | b"dyn" | b"impl" | b"fn" | b"unsafe" | b"extern" | b"const"
            )
        {
            return Ok(None);
        }
        let name = (s, e);
        q = e;
        if let Some(after) = angle_at(b, q)? {
            q = after;
        }
        let Some(after) = path_sep(b, q)? else {
            return Ok(Some((name, q)));
        };
        q = after;
        // A turbofish: `Foo::<T>`, maybe followed by more segments.
        if let Some(after) = angle_at(b, q)? {
            q = after;
            match path_sep(b, q)? {
                Some(after) => q = after,
                None => return Ok(Some((name, q))),
            }
        }
    }
}

/// Reads the header in `b[start..end]`. The header may be cut short (at
/// the `{` of `Foo<{ N }>`): what does not read is `Complex`.
fn head(b: &[u8], start: usize, end: usize) -> Result<Head, Fallback> {
    Ok(read_head(&b[..end], start).unwrap_or(Head {
        kind: HeadKind::Complex,
        attrs_end: start,
        name: (0, 0),
        vis: false,
        impl_kw: 0,
        trait_name: None,
        negative: false,
    }))
}

fn read_head(b: &[u8], start: usize) -> Result<Head, Fallback> {
    let mut h = Head {
        kind: HeadKind::Complex,
        attrs_end: start,
        name: (0, 0),
        vis: false,
        impl_kw: 0,
        trait_name: None,
        negative: false,
    };
    let word = |s: usize, e: usize| &b[s..e];
    let mut q = start;
    loop {
        let (tok, _, e) = next_token(b, q)?;
        if tok != Tok::Punct(b'#') {
            break;
        }
        let (t2, s2, e2) = next_token(b, e)?;
        let open = match t2 {
            Tok::Punct(b'[') => s2,
            Tok::Punct(b'!') => match next_token(b, e2)? {
                (Tok::Punct(b'['), s3, _) => s3,
                _ => return Ok(h),
            },
            _ => return Ok(h),
        };
        q = skip_group(b, open)?;
        h.attrs_end = q;
    }
    let (mut tok, mut s, mut e) = next_token(b, q)?;
    let mut vis = false;
    if tok == Tok::Ident && word(s, e) == b"pub" {
        vis = true;
        (tok, s, e) = next_token(b, e)?;
        if tok == Tok::Punct(b'(') {
            (tok, s, e) = next_token(b, skip_group(b, s)?)?;
        }
    }
    let statement = |kind| Ok(Head { kind, ..h });
    match tok {
        Tok::Lifetime if !vis => return statement(HeadKind::Control),
        Tok::Ident => {}
        _ => return Ok(h),
    }
    if !vis {
        match word(s, e) {
            b"let" => return statement(HeadKind::Let),
            b"match" => return statement(HeadKind::Match),
            b"if" | b"while" | b"loop" | b"for" | b"else" => return statement(HeadKind::Control),
            _ => {}
        }
    }
    // Function qualifiers, in the order the grammar allows.
    let mut qualified = false;
    let mut only_unsafe = true;
    loop {
        let w = word(s, e);
        let (t2, s2, e2) = next_token(b, e)?;
        let next = (t2 == Tok::Ident).then(|| word(s2, e2));
        match w {
            b"const" if matches!(next, Some(b"fn" | b"async" | b"unsafe" | b"extern")) => {
                only_unsafe = false;
            }
            b"async" if matches!(next, Some(b"fn" | b"unsafe")) => only_unsafe = false,
            b"async" | b"unsafe" if !vis && t2 == Tok::Punct(b'{') => {
                return statement(HeadKind::Control);
            }
            b"async" if !vis && matches!(next, Some(b"move")) => {
                return statement(HeadKind::Control);
            }
            b"unsafe" if matches!(next, Some(b"fn" | b"extern" | b"trait" | b"impl")) => {}
            b"extern" if t2 == Tok::Literal => {
                only_unsafe = false;
                let (t3, s3, e3) = next_token(b, e2)?;
                if t3 != Tok::Ident || word(s3, e3) != b"fn" {
                    return Ok(h);
                }
                qualified = true;
                (tok, s, e) = (t3, s3, e3);
                continue;
            }
            b"extern" if matches!(next, Some(b"fn")) => only_unsafe = false,
            _ => break,
        }
        qualified = true;
        (tok, s, e) = (t2, s2, e2);
    }
    let _ = tok;
    if word(s, e) == b"impl" && only_unsafe && !vis {
        return impl_head(b, Head { impl_kw: s, ..h }, e);
    }
    let kind = match word(s, e) {
        b"fn" => HeadKind::Fn,
        b"trait" if only_unsafe => HeadKind::Trait,
        b"struct" if !qualified => HeadKind::Struct,
        b"enum" if !qualified => HeadKind::Enum,
        b"mod" if !qualified => HeadKind::Mod,
        b"union" if !qualified => HeadKind::Union,
        _ => return Ok(h),
    };
    match next_token(b, e)? {
        (Tok::Ident, ns, ne) => Ok(Head {
            kind,
            name: (ns, ne),
            vis,
            ..h
        }),
        _ => Ok(h),
    }
}

/// The rest of an `impl` header, after the keyword (which ends at `q`).
fn impl_head(b: &[u8], mut h: Head, mut q: usize) -> Result<Head, Fallback> {
    let complex = Head {
        kind: HeadKind::Complex,
        ..h
    };
    let (tok, s, e) = next_token(b, q)?;
    if tok == Tok::Punct(b'<') {
        q = skip_angle(b, s)?;
    }
    let (tok, _, e2) = next_token(b, q)?;
    if tok == Tok::Punct(b'!') {
        h.negative = true;
        q = e2;
    }
    let _ = e;
    let Some((first, end)) = path_type(b, q)? else {
        return Ok(complex);
    };
    let (tok, s, e) = next_token(b, end)?;
    if tok == Tok::Ident && &b[s..e] == b"for" {
        let Some((second, _)) = path_type(b, e)? else {
            return Ok(complex);
        };
        h.trait_name = Some(first);
        h.name = second;
    } else if h.negative {
        return Ok(complex);
    } else {
        h.name = first;
    }
    h.kind = HeadKind::Impl;
    Ok(h)
}

/// What [`hand_attrs`] read from a run of attributes.
struct HandAttrs {
    found: Vec<attrs::Found>,
    test: bool,
}

/// Reads the attributes in `text[start..end]` by hand when every one of them
/// is simple: annotations whose arguments are plain or raw string literals
/// without escapes; test attributes; `cfg(test)`; and attributes that do not
/// matter here (their arguments are skipped). `None` when `syn` must read
/// them (`cfg_attr`, another `cfg`, escapes, a malformed argument list).
fn hand_attrs(
    text: &str,
    start: usize,
    end: usize,
    aliases: &Aliases,
    lines: &LineIndex,
) -> Result<Option<HandAttrs>, Fallback> {
    let b = &text.as_bytes()[..end];
    let mut out = HandAttrs {
        found: Vec::new(),
        test: false,
    };
    let mut q = start;
    loop {
        let (tok, hash, e) = next_token(b, q)?;
        match tok {
            Tok::Eof => return Ok(Some(out)),
            Tok::Punct(b'#') => {}
            _ => return Ok(None),
        }
        let (mut tok, mut s, mut e) = next_token(b, e)?;
        let inner = tok == Tok::Punct(b'!');
        if inner {
            (tok, s, e) = next_token(b, e)?;
        }
        if tok != Tok::Punct(b'[') {
            return Ok(None);
        }
        let open = s;
        // The path.
        let mut segs = 0;
        let mut leading = false;
        let mut r = e;
        if let Some(after) = path_sep(b, r)? {
            leading = true;
            r = after;
        }
        let last = loop {
            let (t, s2, e2) = next_token(b, r)?;
            if t != Tok::Ident {
                return Ok(None);
            }
            segs += 1;
            r = e2;
            match path_sep(b, r)? {
                Some(after) => r = after,
                None => break (s2, e2),
            }
        };
        let word = &b[last.0..last.1];
        let name = std::str::from_utf8(word).unwrap_or("");
        let alias = (segs == 1 && !leading).then(|| aliases.get(name)).flatten();
        // Inner attributes are never annotations.
        let kind = alias
            .or_else(|| attrs::kind_of_word(word))
            .filter(|_| !inner);
        if let Some(kind) = kind {
            let Some((ids, close)) = hand_ids(b, r, lines)? else {
                return Ok(None);
            };
            out.found.push(attrs::Found {
                kind,
                attr: lines.span(hash, close),
                ids,
                arg_errors: Vec::new(),
                alias: alias.map(|_| name.to_string()),
            });
            q = close;
            continue;
        }
        if segs == 1 && !leading && word == b"cfg_attr" && !inner {
            let Some(close) = hand_cfg_attr(b, r, hash, aliases, lines, &mut out.found)? else {
                return Ok(None);
            };
            q = close;
            continue;
        }
        if segs == 1 && !leading && matches!(word, b"cfg_attr" | b"cfg") {
            if word == b"cfg" && is_cfg_test(b, r)? {
                out.test = true;
            } else {
                return Ok(None);
            }
        } else if attrs::is_test_name(name) {
            out.test = true;
        }
        q = skip_group(b, open)?;
    }
}

/// A byte range of the file.
type Bytes = (usize, usize);

/// A path read by hand.
struct PathRead {
    segs: usize,
    leading: bool,
    /// The last segment.
    last: Bytes,
    end: usize,
}

/// A path from `q`.
fn hand_path(b: &[u8], q: usize) -> Result<Option<PathRead>, Fallback> {
    let mut r = q;
    let leading = match path_sep(b, r)? {
        Some(after) => {
            r = after;
            true
        }
        None => false,
    };
    let mut segs = 0;
    loop {
        let (t, s, e) = next_token(b, r)?;
        if t != Tok::Ident {
            return Ok(None);
        }
        segs += 1;
        r = e;
        match path_sep(b, r)? {
            Some(after) => r = after,
            None => {
                return Ok(Some(PathRead {
                    segs,
                    leading,
                    last: (s, e),
                    end: r,
                }));
            }
        }
    }
}

/// Skips the tokens of one `cfg_attr` argument from `q` up to the `,` or `)`
/// that ends it; returns that delimiter's position.
fn skip_meta_rest(b: &[u8], mut q: usize) -> Result<usize, Fallback> {
    loop {
        let (t, s, e) = next_token(b, q)?;
        match t {
            Tok::Punct(b',' | b')') => return Ok(s),
            Tok::Punct(b'(' | b'[' | b'{') => q = skip_group(b, s)?,
            Tok::Eof | Tok::Punct(b']' | b'}') => return fail(s, "unbalanced attribute"),
            _ => q = e,
        }
    }
}

/// `cfg_attr(predicate, attr, …)` from `q` (after the path) to the end of
/// the attribute, when its annotations are simple and it holds no nested
/// `cfg_attr`. Returns the end of the attribute.
fn hand_cfg_attr(
    b: &[u8],
    q: usize,
    hash: usize,
    aliases: &Aliases,
    lines: &LineIndex,
    found: &mut Vec<attrs::Found>,
) -> Result<Option<usize>, Fallback> {
    let (t, _, mut q) = next_token(b, q)?;
    if t != Tok::Punct(b'(') {
        return Ok(None);
    }
    // The predicate: a path, then a list or `= literal`.
    let Some(PathRead { end: mut r, .. }) = hand_path(b, q)? else {
        return Ok(None);
    };
    match next_token(b, r)? {
        (Tok::Punct(b'('), s, _) => r = skip_group(b, s)?,
        (Tok::Punct(b'='), _, e) => match next_token(b, e)? {
            (Tok::Literal, _, e2) => r = e2,
            _ => return Ok(None),
        },
        _ => {}
    }
    match next_token(b, r)? {
        (Tok::Punct(b','), _, e) => q = e,
        _ => return Ok(None),
    }
    let mut mine = Vec::new();
    loop {
        let (t, s, e) = next_token(b, q)?;
        if t == Tok::Punct(b')') {
            q = e;
            break;
        }
        let Some(PathRead {
            segs,
            leading,
            last,
            end: r,
        }) = hand_path(b, s)?
        else {
            return Ok(None);
        };
        let word = &b[last.0..last.1];
        let name = std::str::from_utf8(word).unwrap_or("");
        if segs == 1 && !leading && word == b"cfg_attr" {
            return Ok(None);
        }
        let alias = (segs == 1 && !leading).then(|| aliases.get(name)).flatten();
        let end = match alias.or_else(|| attrs::kind_of_word(word)) {
            Some(kind) => {
                let Some((ids, end)) = hand_list(b, r, lines)? else {
                    return Ok(None);
                };
                mine.push((kind, ids, alias.map(|_| name.to_string())));
                end
            }
            // Another attribute: a path, a path with a delimited list, or
            // `path = expression`, as syn's `Meta` reads it. Anything else
            // is not an attribute syn accepts (`e f()`, `a()("")`, found by
            // fuzzing): the attribute goes to syn.
            None => match next_token(b, r)? {
                (Tok::Punct(b',' | b')'), _, _) => r,
                (Tok::Punct(b'(' | b'[' | b'{'), s, _) => skip_group(b, s)?,
                (Tok::Punct(b'='), _, e) => skip_meta_rest(b, e)?,
                _ => return Ok(None),
            },
        };
        match next_token(b, end)? {
            (Tok::Punct(b','), _, e) => q = e,
            (Tok::Punct(b')'), _, e) => {
                q = e;
                break;
            }
            _ => return Ok(None),
        }
        let _ = e;
    }
    let close = match next_token(b, q)? {
        (Tok::Punct(b']'), _, e) => e,
        _ => return Ok(None),
    };
    let attr = lines.span(hash, close);
    for (kind, ids, alias) in mine {
        found.push(attrs::Found {
            kind,
            attr,
            ids,
            arg_errors: Vec::new(),
            alias,
        });
    }
    Ok(Some(close))
}

/// `(test)` at `q`, then `]`.
fn is_cfg_test(b: &[u8], q: usize) -> Result<bool, Fallback> {
    let mut q = q;
    for want in [
        Tok::Punct(b'('),
        Tok::Ident,
        Tok::Punct(b')'),
        Tok::Punct(b']'),
    ] {
        let (t, s, e) = next_token(b, q)?;
        if t != want || (t == Tok::Ident && &b[s..e] != b"test") {
            return Ok(false);
        }
        q = e;
    }
    Ok(true)
}

/// The arguments of an annotation, from `q` (after its path) to its `]`:
/// string literals without escapes, then the end of the attribute.
fn hand_ids(
    b: &[u8],
    q: usize,
    lines: &LineIndex,
) -> Result<Option<(Vec<super::IdRef>, usize)>, Fallback> {
    let Some((ids, q)) = hand_list(b, q, lines)? else {
        return Ok(None);
    };
    match next_token(b, q)? {
        (Tok::Punct(b']'), _, e) => Ok(Some((ids, e))),
        _ => Ok(None),
    }
}

/// The delimited list of ID strings from `q`; returns where it ends.
fn hand_list(
    b: &[u8],
    q: usize,
    lines: &LineIndex,
) -> Result<Option<(Vec<super::IdRef>, usize)>, Fallback> {
    let (t, s, mut q) = next_token(b, q)?;
    let close = match t {
        Tok::Punct(b'(') => b')',
        Tok::Punct(b'[') => b']',
        Tok::Punct(b'{') => b'}',
        _ => return Ok(None),
    };
    let _ = s;
    let mut ids = Vec::new();
    loop {
        let (t, s, e) = next_token(b, q)?;
        if t == Tok::Punct(close) && !ids.is_empty() {
            q = e;
            break;
        }
        if t != Tok::Literal {
            return Ok(None);
        }
        let lit = &b[s..e];
        let inner = if lit[0] == b'"' {
            &lit[1..lit.len() - 1]
        } else if lit[0] == b'r' {
            let hashes = lit[1..].iter().take_while(|&&c| c == b'#').count();
            let body = &lit[1 + hashes..lit.len() - hashes];
            if body.len() < 2 || body[0] != b'"' || body[body.len() - 1] != b'"' {
                return Ok(None);
            }
            &body[1..body.len() - 1]
        } else {
            return Ok(None);
        };
        if lit[0] == b'"' && (inner.contains(&b'\\') || lit[lit.len() - 1] != b'"') {
            return Ok(None);
        }
        // `\r` alone is no line break to syn; keep the two readings apart.
        if inner.contains(&b'\r') {
            return Ok(None);
        }
        let Ok(value) = std::str::from_utf8(inner) else {
            return Ok(None);
        };
        ids.push(super::IdRef {
            text: value.to_string(),
            span: lines.span(s, e),
        });
        let (t, _, e2) = next_token(b, e)?;
        q = e2;
        if t == Tok::Punct(close) {
            break;
        }
        if t != Tok::Punct(b',') {
            return Ok(None);
        }
    }
    Ok(Some((ids, q)))
}

/// The attributes in `text[start..end]` (inner ones first, as at the start
/// of a body, then outer ones), doc comments left out.
fn parse_attrs(text: &str, start: usize, end: usize) -> Option<(Vec<Attribute>, usize)> {
    let (src, base) = syn_input(text, start, end, "");
    let parser = |input: ParseStream| -> syn::Result<Vec<Attribute>> {
        let mut attrs = input.call(Attribute::parse_inner)?;
        attrs.extend(input.call(Attribute::parse_outer)?);
        Ok(attrs)
    };
    crate::source::parse_str_with(parser, &src)
        .ok()
        .map(|a| (a, base))
}

/// A keyword: no macro can have it as its name, so a `!` after it is a
/// negation or the never type (`impl Serialize for ! {`).
fn is_keyword_before_bang(word: &[u8]) -> bool {
    matches!(
        word,
        b"as"
            | b"async"
            | b"await"
            | b"box"
            | b"break"
            | b"const"
            | b"continue"
            | b"crate"
            | b"do"
            | b"dyn"
            | b"else"
            | b"enum"
            | b"extern"
            | b"false"
            | b"fn"
            | b"for"
            | b"gen"
            | b"if"
            | b"impl"
            | b"in"
            | b"let"
            | b"loop"
            | b"match"
            | b"mod"
            | b"move"
            | b"mut"
            | b"pub"
            | b"ref"
            | b"return"
            | b"self"
            | b"Self"
            | b"static"
            | b"struct"
            | b"super"
            | b"trait"
            | b"true"
            | b"try"
            | b"type"
            | b"unsafe"
            | b"use"
            | b"where"
            | b"while"
            | b"yield"
    )
}

// ---------------------------------------------------------------------------
// The scanner

/// What a delimited level holds.
#[derive(Debug, Clone)]
enum Ctx {
    /// A file or a `mod { … }`: items.
    Module,
    /// An `impl` or a trait: associated items.
    Owner(Owner),
    /// An `extern { … }` block.
    Foreign,
    /// A function body or any other block: statements.
    Block,
    /// A struct, enum or union body: fields and variants.
    Fields,
    /// A `match` body or a struct literal: no items.
    Expr,
    /// Parentheses and brackets: no items.
    NoItems,
    /// Inside a macro invocation or an attribute: nothing counts.
    Opaque,
}

#[derive(Debug, Clone)]
struct Class {
    ctx: Ctx,
    /// The level is test code.
    test: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interest {
    None,
    /// The path ends in `implements` or `verifies`.
    Word,
    /// The path is a (possible) alias.
    Alias,
    CfgAttr,
}

#[derive(Debug, Clone, Copy)]
struct AttrFrame {
    hash: usize,
    inner: bool,
    interest: Interest,
}

#[derive(Debug)]
struct Frame {
    open: u8,
    pos: usize,
    /// Where the statement or item this delimiter belongs to began.
    outer_header: usize,
    opaque: bool,
    attr: Option<AttrFrame>,
    /// What the level holds, once asked (boxed: most frames are never asked).
    class: Option<Box<Class>>,
}

/// A `!` after a name that is not a keyword: a macro invocation when a
/// delimiter follows (for `macro_rules!`, after one more name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bang {
    /// Just after the `!`.
    end: usize,
    rules: bool,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    depth: usize,
    start: usize,
    attempts: u8,
}

#[derive(Debug, Clone, Copy)]
enum Term {
    Brace(usize),
    Semi(usize),
    Close(usize),
}

enum Parsed {
    Item(Item),
    Impl(ImplItem),
    Trait(TraitItem),
    Foreign(ForeignItem),
    Stmt(Stmt),
}

/// Parses `src` as one thing of what a level of kind `ctx` holds, after any
/// inner attributes of that level.
fn parse_in(ctx: &Ctx, src: &str) -> syn::Result<Parsed> {
    let parser = |input: ParseStream| -> syn::Result<Parsed> {
        input.call(Attribute::parse_inner)?;
        Ok(match ctx {
            Ctx::Module => Parsed::Item(input.parse()?),
            Ctx::Owner(Owner::Impl(_)) => Parsed::Impl(input.parse()?),
            Ctx::Owner(Owner::Trait(_)) => Parsed::Trait(input.parse()?),
            Ctx::Foreign => Parsed::Foreign(input.parse()?),
            _ => {
                let mut stmts = Block::parse_within(input)?;
                if stmts.len() != 1 {
                    return Err(input.error("not one statement"));
                }
                Parsed::Stmt(stmts.remove(0))
            }
        })
    };
    crate::source::parse_str_with(parser, src).map_err(|f| match f {
        crate::source::ParseFailure::Syntax(e) => e,
        crate::source::ParseFailure::TooDeep { what, .. } => {
            syn::Error::new(proc_macro2::Span::call_site(), format!("{what} too deep"))
        }
    })
}

const MAX_ATTEMPTS: u8 = 8;

struct Scanner<'a, 'l> {
    rel: &'a str,
    text: &'a str,
    b: &'a [u8],
    lines: &'l LineIndex<'a>,
    base: usize,
    words: &'a [usize],
    alias_decls: &'a [AliasDecl],
    alias_i: usize,
    alias_next: usize,
    potential: Aliases,
    confirmed: Aliases,
    stop_after: usize,
    pos: usize,
    header: usize,
    frames: Vec<Frame>,
    attr_open: usize,
    bang: Option<Bang>,
    pendings: Vec<Pending>,
    root: Option<Class>,
    out: Vec<(Annotation, Option<String>)>,
}

/// Scans one file whose bytes hold `candidates`.
pub(crate) fn scan(
    rel: &str,
    text: &str,
    candidates: &Candidates,
) -> Result<Vec<Annotation>, Fallback> {
    if candidates.unsure {
        return fail(
            0,
            "an alias the byte search cannot read, or non-ASCII white space",
        );
    }
    let mut potential = Aliases::default();
    for a in &candidates.aliases {
        if potential.get(&a.name).is_some_and(|k| k != a.kind) {
            return fail(a.at, "one alias for both attributes");
        }
        potential.insert(a.name.clone(), a.kind);
    }
    let lines = LineIndex::new(text);
    let base = source_start(text);
    let stop_after = if potential.is_empty() {
        candidates
            .words
            .last()
            .map_or(0, |&w| w + "implements".len())
    } else {
        usize::MAX
    };
    let mut s = Scanner {
        rel,
        text,
        b: text.as_bytes(),
        lines: &lines,
        base,
        words: &candidates.words,
        alias_decls: &candidates.aliases,
        alias_i: 0,
        alias_next: candidates.aliases.first().map_or(usize::MAX, |a| a.at),
        potential,
        confirmed: Aliases::default(),
        stop_after,
        pos: base,
        header: base,
        frames: Vec::with_capacity(32),
        attr_open: 0,
        bang: None,
        pendings: Vec::new(),
        root: None,
        out: Vec::new(),
    };
    s.run()?;
    let confirmed = s.confirmed;
    let mut out: Vec<Annotation> = s
        .out
        .into_iter()
        .filter(|(a, alias)| alias.as_ref().is_none_or(|n| confirmed.contains(n, a.kind)))
        .map(|(a, _)| a)
        .collect();
    out.sort_by_key(|a| a.attr.start_byte);
    Ok(out)
}

impl Scanner<'_, '_> {
    /// Jumps from one byte that matters to the next: quotes, comments,
    /// delimiters, `;`, `#` and `!`. Identifiers and everything else are
    /// skipped without being tokenized.
    fn run(&mut self) -> Result<(), Fallback> {
        let b = self.b;
        let mut p = self.pos;
        loop {
            if p > self.stop_after && self.pendings.is_empty() && self.attr_open == 0 {
                return Ok(());
            }
            if self.alias_next < p {
                self.alias_word(p, false)?;
            }
            let limit = self.alias_next.min(b.len());
            while p < limit && !SPECIAL[b[p] as usize] {
                p += 1;
            }
            if p >= b.len() {
                break;
            }
            if p == self.alias_next {
                self.alias_word(p, true)?;
                continue;
            }
            let c = b[p];
            p = match c {
                b'/' => match b.get(p + 1) {
                    Some(b'/') => memchr::memchr(b'\n', &b[p..]).map_or(b.len(), |i| p + i),
                    Some(b'*') => block_comment(b, p)?,
                    _ => p + 1,
                },
                b'"' if raw_prefix(b, p) => skip_raw(b, p, 0)?,
                b'"' => skip_str(b, p + 1)?,
                b'\'' => quote(b, p)?.1,
                b'#' if raw_prefix(b, p) => {
                    let mut h = p;
                    while h < b.len() && b[h] == b'#' {
                        h += 1;
                    }
                    if b.get(h) == Some(&b'"') {
                        skip_raw(b, h, h - p)?
                    } else {
                        // A raw identifier (`r#type`): skipped as a name.
                        p + 1
                    }
                }
                b'#' => self.hash(p)?,
                b'{' | b'(' | b'[' => {
                    self.open(c, p)?;
                    p + 1
                }
                b'}' | b')' | b']' => {
                    self.close(c, p)?;
                    p + 1
                }
                b';' => {
                    self.semi(p)?;
                    p + 1
                }
                b'!' => {
                    self.bang(p)?;
                    p + 1
                }
                _ => p + 1,
            };
        }
        if let Some(f) = self.frames.last() {
            return fail(f.pos, "unclosed delimiter");
        }
        if let Some(p) = self.pendings.last() {
            return fail(p.start, "an attribute on nothing");
        }
        Ok(())
    }

    fn opaque(&self) -> bool {
        self.frames.last().is_some_and(|f| f.opaque)
    }

    fn pending_here(&self) -> bool {
        self.pendings
            .last()
            .is_some_and(|p| p.depth == self.frames.len())
    }

    /// The lexer reached `s`, in code when `in_code`: at or past the next
    /// `implements as NAME`.
    fn alias_word(&mut self, s: usize, in_code: bool) -> Result<(), Fallback> {
        while self.alias_i < self.alias_decls.len() && self.alias_decls[self.alias_i].at < s {
            self.alias_i += 1;
        }
        if in_code
            && let Some(d) = self.alias_decls.get(self.alias_i)
            && d.at == s
        {
            if !self.opaque() && self.in_use_tree(s)? {
                self.confirmed.insert(d.name.clone(), d.kind);
            }
            self.alias_i += 1;
        }
        self.alias_next = self
            .alias_decls
            .get(self.alias_i)
            .map_or(usize::MAX, |d| d.at);
        Ok(())
    }

    fn in_use_tree(&self, s: usize) -> Result<bool, Fallback> {
        if starts_with_use(&self.b[self.header..s])? {
            return Ok(true);
        }
        for f in self.frames.iter().rev() {
            if f.open != b'{' || f.opaque {
                return Ok(false);
            }
            let h = &self.b[f.outer_header..f.pos];
            if !h.trim_ascii_end().ends_with(b"::") {
                return Ok(false);
            }
            if starts_with_use(h)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A `!` at `s`: remembers it when a name (not a keyword) comes right
    /// before it.
    fn bang(&mut self, s: usize) -> Result<(), Fallback> {
        let b = self.b;
        if self.opaque() || b.get(s + 1) == Some(&b'=') {
            return Ok(());
        }
        let mut e = s;
        while e > 0 && b[e - 1].is_ascii_whitespace() {
            e -= 1;
        }
        let mut st = e;
        while st > 0 && IDENT[b[st - 1] as usize] {
            st -= 1;
        }
        if st == e {
            if b[..e].ends_with(b"*/") {
                // `name /* … */ !`: too odd to guess.
                return fail(s, "a comment before `!`");
            }
            return Ok(());
        }
        let word = &b[st..e];
        if word[0].is_ascii_digit() || is_keyword_before_bang(word) {
            return Ok(());
        }
        self.bang = Some(Bang {
            end: s + 1,
            rules: word == b"macro_rules",
        });
        Ok(())
    }

    /// The delimiter at `s` opens a macro invocation's arguments.
    fn macro_delimiter(&mut self, s: usize) -> Result<bool, Fallback> {
        let Some(bang) = self.bang.take() else {
            return Ok(false);
        };
        if bang.end > s {
            return Ok(false);
        }
        let mut q = skip_trivia(self.b, bang.end)?;
        if bang.rules && q < s {
            let (tok, _, e) = next_token(self.b, q)?;
            if tok != Tok::Ident {
                return Ok(false);
            }
            q = skip_trivia(self.b, e)?;
        }
        Ok(q == s)
    }

    fn open(&mut self, c: u8, s: usize) -> Result<(), Fallback> {
        let parent_opaque = self.opaque();
        let is_macro = !parent_opaque && self.macro_delimiter(s)?;
        // A const generic argument (`Foo<{ N }>`) is no terminator either,
        // but trying it costs one failed parse.
        if c == b'{' && !parent_opaque && self.pending_here() {
            self.attempt(Term::Brace(s))?;
        }
        self.frames.push(Frame {
            open: c,
            pos: s,
            outer_header: self.header,
            opaque: parent_opaque || is_macro,
            attr: None,
            class: None,
        });
        self.header = s + 1;
        Ok(())
    }

    fn close(&mut self, c: u8, s: usize) -> Result<(), Fallback> {
        let Some(top) = self.frames.last() else {
            return fail(s, "unbalanced closing delimiter");
        };
        let expected = match top.open {
            b'{' => b'}',
            b'(' => b')',
            _ => b']',
        };
        if c != expected {
            return fail(s, "mismatched closing delimiter");
        }
        // An item still pending in the frame being closed ends here. Its
        // container is that frame, so it is tried while the frame is still
        // on the stack (found by fuzzing: tried after the pop, the
        // container lookup read past the stack).
        if top.attr.is_none() {
            let depth = self.frames.len();
            if self.pendings.last().is_some_and(|p| p.depth >= depth) {
                self.attempt(Term::Close(s))?;
            }
            if self.pendings.last().is_some_and(|p| p.depth >= depth) {
                return fail(s, "an item left open at a closing delimiter");
            }
        }
        let f = self.frames.pop().expect("looked at above");
        // After a body, the next item begins; after a const generic
        // argument (`Foo<{ N }>`, `Foo<A, { N }, B>`) the header goes on.
        self.header = if c == b'}' && !self.const_generic_close(s) {
            s + 1
        } else {
            f.outer_header
        };
        if let Some(a) = f.attr {
            self.attr_open -= 1;
            let interesting = match a.interest {
                Interest::None => false,
                Interest::Word | Interest::Alias => true,
                Interest::CfgAttr => self.holds_candidate(a.hash, s + 1),
            };
            if interesting && !a.inner {
                self.interesting_attr()?;
            }
        }
        Ok(())
    }

    /// The `}` at `s` is followed by `>` or `,`.
    fn const_generic_close(&self, s: usize) -> bool {
        skip_trivia(self.b, s + 1)
            .ok()
            .and_then(|p| self.b.get(p))
            .is_some_and(|&c| c == b'>' || c == b',')
    }

    fn semi(&mut self, s: usize) -> Result<(), Fallback> {
        if self.opaque() {
            return Ok(());
        }
        if self.pending_here() {
            self.attempt(Term::Semi(s))?;
        }
        self.header = s + 1;
        Ok(())
    }

    /// A `#` at `s`: an attribute when `[` or `![` follows. Returns where
    /// to go on.
    fn hash(&mut self, s: usize) -> Result<usize, Fallback> {
        if self.opaque() {
            return Ok(s + 1);
        }
        let mut p = skip_trivia(self.b, s + 1)?;
        let inner = self.b.get(p) == Some(&b'!');
        if inner {
            p = skip_trivia(self.b, p + 1)?;
        }
        if self.b.get(p) != Some(&b'[') {
            return Ok(s + 1);
        }
        let interest = if inner {
            Interest::None
        } else {
            self.attr_interest(p + 1)?
        };
        self.frames.push(Frame {
            open: b'[',
            pos: p,
            outer_header: self.header,
            opaque: true,
            attr: Some(AttrFrame {
                hash: s,
                inner,
                interest,
            }),
            class: None,
        });
        self.attr_open += 1;
        self.header = p + 1;
        Ok(p + 1)
    }

    /// Reads the path of the attribute whose `[` ends right before `p`.
    fn attr_interest(&self, p: usize) -> Result<Interest, Fallback> {
        let b = self.b;
        let mut q = skip_trivia(b, p)?;
        let leading = b[q..].starts_with(b"::");
        if leading {
            q += 2;
        }
        let mut segs = 0;
        let mut last = (0, 0);
        loop {
            let (tok, s, e) = next_token(b, q)?;
            if tok != Tok::Ident {
                break;
            }
            segs += 1;
            last = (s, e);
            let r = skip_trivia(b, e)?;
            if b[r..].starts_with(b"::") {
                q = r + 2;
            } else {
                break;
            }
        }
        if segs == 0 {
            return Ok(Interest::None);
        }
        let word = &b[last.0..last.1];
        if segs == 1 && !leading {
            if std::str::from_utf8(word).is_ok_and(|w| self.potential.get(w).is_some()) {
                return Ok(Interest::Alias);
            }
            if word == b"cfg_attr" {
                return Ok(Interest::CfgAttr);
            }
        }
        Ok(if attrs::kind_of_word(word).is_some() {
            Interest::Word
        } else {
            Interest::None
        })
    }

    /// A candidate word or a possible alias lies in `start..end`.
    fn holds_candidate(&self, start: usize, end: usize) -> bool {
        let i = self.words.partition_point(|&w| w < start);
        if self.words.get(i).is_some_and(|&w| w < end) {
            return true;
        }
        let hay = &self.b[start..end];
        self.potential.names().any(|name| {
            memchr::memmem::find_iter(hay, name.as_bytes()).any(|i| {
                let before = i == 0 || !IDENT[hay[i - 1] as usize];
                let after = hay.get(i + name.len()).is_none_or(|&c| !IDENT[c as usize]);
                before && after
            })
        })
    }

    /// The `]` of an annotation-like attribute was just read.
    fn interesting_attr(&mut self) -> Result<(), Fallback> {
        if self.pending_here() {
            return Ok(());
        }
        let depth = self.frames.len();
        let class = self.container(depth)?;
        if matches!(
            class.ctx,
            Ctx::Module | Ctx::Owner(_) | Ctx::Foreign | Ctx::Block
        ) {
            self.pendings.push(Pending {
                depth,
                start: self.header,
                attempts: 0,
            });
        }
        Ok(())
    }

    /// What the level at `depth` holds (`0`: the file).
    fn container(&mut self, depth: usize) -> Result<Class, Fallback> {
        if depth == 0 {
            self.root_class()
        } else {
            self.class_of(depth - 1)
        }
    }

    fn root_class(&mut self) -> Result<Class, Fallback> {
        if let Some(c) = &self.root {
            return Ok(c.clone());
        }
        let end = inner_attrs_end(self.b, self.base)?;
        let test = if end > self.base {
            let attrs =
                crate::source::parse_str_with(Attribute::parse_inner, &self.text[self.base..end])
                    .or_else(|_| fail(self.base, "file attributes syn rejects"))?;
            attrs::is_test_attrs(&attrs)
        } else {
            false
        };
        let c = Class {
            ctx: Ctx::Module,
            test,
        };
        self.root = Some(c.clone());
        Ok(c)
    }

    fn class_of(&mut self, i: usize) -> Result<Class, Fallback> {
        if let Some(c) = &self.frames[i].class {
            return Ok(Class::clone(c));
        }
        let parent = self.container(i)?;
        let f = &self.frames[i];
        let class = if f.opaque {
            Class {
                ctx: Ctx::Opaque,
                test: parent.test,
            }
        } else if f.open != b'{' {
            Class {
                ctx: Ctx::NoItems,
                test: parent.test,
            }
        } else {
            match parent.ctx {
                Ctx::Opaque => Class {
                    ctx: Ctx::Opaque,
                    test: parent.test,
                },
                Ctx::Fields => Class {
                    ctx: Ctx::Fields,
                    test: parent.test,
                },
                Ctx::NoItems | Ctx::Expr => Class {
                    ctx: Ctx::Block,
                    test: parent.test,
                },
                Ctx::Module | Ctx::Owner(_) | Ctx::Foreign | Ctx::Block => {
                    self.classify_brace(i, &parent)?
                }
            }
        };
        self.frames[i].class = Some(Box::new(class.clone()));
        Ok(class)
    }

    /// Whether the attributes in `start..attrs_end` and the inner
    /// attributes of the body opening at `brace` make test code.
    fn test_attrs(
        &self,
        start: usize,
        attrs_end: usize,
        brace: Option<usize>,
    ) -> Result<Option<bool>, Fallback> {
        let outer = &self.b[start..attrs_end];
        if attrs::may_be_test(outer) {
            if let Some(h) = hand_attrs(self.text, start, attrs_end, &self.potential, self.lines)? {
                if h.test {
                    return Ok(Some(true));
                }
            } else {
                match parse_attrs(self.text, start, attrs_end) {
                    Some((a, _)) if attrs::is_test_attrs(&a) => return Ok(Some(true)),
                    Some(_) => {}
                    None => return Ok(None),
                }
            }
        }
        if let Some(brace) = brace {
            let inner_end = inner_attrs_end(self.b, brace + 1)?;
            if inner_end > brace + 1 && attrs::may_be_test(&self.b[brace + 1..inner_end]) {
                return Ok(parse_attrs(self.text, brace + 1, inner_end)
                    .map(|(a, _)| attrs::is_test_attrs(&a)));
            }
        }
        Ok(Some(false))
    }

    /// What the `{` of frame `i` opens, from its header read by hand, when
    /// the header is a common one.
    fn classify_by_hand(&self, i: usize, parent: &Class) -> Result<Option<Class>, Fallback> {
        let f = &self.frames[i];
        let h = head(self.b, f.outer_header, f.pos)?;
        let items = matches!(parent.ctx, Ctx::Module | Ctx::Block);
        let ctx = match h.kind {
            HeadKind::Fn if items || matches!(parent.ctx, Ctx::Owner(Owner::Impl(_))) => Ctx::Block,
            // `syn` keeps a trait item with a visibility as raw tokens.
            HeadKind::Fn if !h.vis && matches!(parent.ctx, Ctx::Owner(Owner::Trait(_))) => {
                Ctx::Block
            }
            HeadKind::Mod if items => Ctx::Module,
            HeadKind::Impl if items => Ctx::Owner(Owner::Impl(
                String::from_utf8_lossy(&self.b[h.name.0..h.name.1]).into_owned(),
            )),
            HeadKind::Trait if items => Ctx::Owner(Owner::Trait(
                String::from_utf8_lossy(&self.b[h.name.0..h.name.1]).into_owned(),
            )),
            HeadKind::Struct | HeadKind::Enum | HeadKind::Union if items => {
                return Ok(Some(Class {
                    ctx: Ctx::Fields,
                    test: parent.test,
                }));
            }
            HeadKind::Let | HeadKind::Control if matches!(parent.ctx, Ctx::Block) => {
                return Ok(Some(Class {
                    ctx: Ctx::Block,
                    test: parent.test,
                }));
            }
            HeadKind::Match if matches!(parent.ctx, Ctx::Block) => {
                return Ok(Some(Class {
                    ctx: Ctx::Expr,
                    test: parent.test,
                }));
            }
            _ => return Ok(None),
        };
        let Some(own) = self.test_attrs(f.outer_header, h.attrs_end, Some(f.pos))? else {
            return Ok(None);
        };
        Ok(Some(Class {
            ctx,
            test: parent.test || own,
        }))
    }

    /// Parses the header of the `{` of frame `i` in its parent's context.
    fn classify_brace(&self, i: usize, parent: &Class) -> Result<Class, Fallback> {
        if let Some(c) = self.classify_by_hand(i, parent)? {
            return Ok(c);
        }
        let f = &self.frames[i];
        let inner_end = inner_attrs_end(self.b, f.pos + 1)?;
        let (src, base) = syn_input(self.text, f.outer_header, inner_end, "}");
        let pos = Positions {
            base,
            lines: self.lines,
        };
        let inherit = |ctx| Class {
            ctx,
            test: parent.test,
        };
        let own = |ctx, attrs: &[Attribute]| Class {
            ctx,
            test: parent.test || attrs::is_test_attrs(attrs),
        };
        let parsed = match parse_in(&parent.ctx, &src) {
            Ok(p) => p,
            Err(_) => {
                if looks_like_item(&self.b[f.outer_header..f.pos])? {
                    return fail(f.pos, "an item header syn rejects");
                }
                return Ok(inherit(Ctx::Block));
            }
        };
        let item_class = |item: &Item| match item {
            Item::Fn(x) => own(Ctx::Block, &x.attrs),
            Item::Mod(x) => own(Ctx::Module, &x.attrs),
            Item::Impl(x) => own(
                Ctx::Owner(Owner::Impl(item::impl_names(x, &pos).0)),
                &x.attrs,
            ),
            Item::Trait(x) => own(Ctx::Owner(Owner::Trait(x.ident.to_string())), &x.attrs),
            Item::ForeignMod(x) => own(Ctx::Foreign, &x.attrs),
            Item::Struct(_) | Item::Enum(_) | Item::Union(_) => inherit(Ctx::Fields),
            // Raw tokens to `syn`, so nothing inside counts.
            Item::Macro(_) | Item::Verbatim(_) => inherit(Ctx::Opaque),
            _ => inherit(Ctx::Block),
        };
        Ok(match &parsed {
            Parsed::Item(x) | Parsed::Stmt(Stmt::Item(x)) => item_class(x),
            Parsed::Impl(ImplItem::Fn(x)) => own(Ctx::Block, &x.attrs),
            Parsed::Trait(TraitItem::Fn(x)) => own(Ctx::Block, &x.attrs),
            Parsed::Impl(ImplItem::Macro(_) | ImplItem::Verbatim(_))
            | Parsed::Trait(TraitItem::Macro(_) | TraitItem::Verbatim(_))
            | Parsed::Foreign(ForeignItem::Macro(_) | ForeignItem::Verbatim(_))
            | Parsed::Stmt(Stmt::Macro(_)) => inherit(Ctx::Opaque),
            Parsed::Stmt(Stmt::Expr(Expr::Match(_) | Expr::Struct(_), _)) => inherit(Ctx::Expr),
            _ => inherit(Ctx::Block),
        })
    }

    /// Tries to parse the pending item up to `term`.
    fn attempt(&mut self, term: Term) -> Result<(), Fallback> {
        let Some(&p) = self.pendings.last() else {
            return Ok(());
        };
        let container = self.container(p.depth)?;
        if self.attempt_by_hand(&p, &container, term)? {
            self.pendings.pop();
            return Ok(());
        }
        let text = self.text;
        let (src, base) = match term {
            Term::Semi(s) => syn_input(text, p.start, s + 1, ""),
            Term::Brace(s) => syn_input(text, p.start, inner_attrs_end(self.b, s + 1)?, "}"),
            Term::Close(s) => syn_input(text, p.start, s, ""),
        };
        match parse_in(&container.ctx, &src) {
            Ok(parsed) => {
                self.pendings.pop();
                self.record(&parsed, &container, base);
                Ok(())
            }
            Err(_) => match term {
                Term::Brace(s) => {
                    let top = self.pendings.last_mut().expect("just read");
                    top.attempts += 1;
                    if top.attempts > MAX_ATTEMPTS {
                        return fail(s, "no item header found");
                    }
                    Ok(())
                }
                Term::Semi(s) => fail(s, "an item syn rejects"),
                Term::Close(s) => {
                    if matches!(container.ctx, Ctx::Block) {
                        // Not a statement (a match arm, a field of a struct
                        // literal): not an item either.
                        self.pendings.pop();
                        Ok(())
                    } else {
                        fail(s, "an attribute on nothing")
                    }
                }
            },
        }
    }

    /// Resolves the pending item when its header is a common one: only its
    /// attributes go to `syn`. `false` when the header needs `syn`.
    fn attempt_by_hand(
        &mut self,
        p: &Pending,
        container: &Class,
        term: Term,
    ) -> Result<bool, Fallback> {
        let (end, brace) = match term {
            Term::Brace(s) => (s, Some(s)),
            Term::Semi(s) => (s, None),
            Term::Close(_) => return Ok(false),
        };
        let h = head(self.b, p.start, end)?;
        let name = || String::from_utf8_lossy(&self.b[h.name.0..h.name.1]).into_owned();
        let items = matches!(container.ctx, Ctx::Module | Ctx::Block);
        let (kind, name) = match (h.kind, &container.ctx, brace.is_some()) {
            (HeadKind::Let, Ctx::Block, _) => return Ok(true),
            (HeadKind::Fn, Ctx::Module | Ctx::Block, true) => (ItemKind::Fn, name()),
            (HeadKind::Fn, Ctx::Owner(o @ Owner::Impl(_)), true) => {
                (ItemKind::Method, format!("{}::{}", o.name(), name()))
            }
            // `syn` keeps a trait item with a visibility as raw tokens.
            (HeadKind::Fn, Ctx::Owner(o @ Owner::Trait(_)), _) if !h.vis => {
                (ItemKind::Method, format!("{}::{}", o.name(), name()))
            }
            (HeadKind::Fn, Ctx::Foreign, false) => (ItemKind::Fn, name()),
            (HeadKind::Struct, _, _) if items => (ItemKind::Struct, name()),
            (HeadKind::Enum, _, true) if items => (ItemKind::Enum, name()),
            (HeadKind::Union, _, true) if items => (ItemKind::Union, name()),
            (HeadKind::Trait, _, true) if items => (ItemKind::Trait, name()),
            (HeadKind::Mod, _, _) if items => (ItemKind::Mod, name()),
            (HeadKind::Impl, _, true) if items => {
                let text = |(a, z): (usize, usize)| String::from_utf8_lossy(&self.b[a..z]);
                let shown = match h.trait_name {
                    Some(t) => format!(
                        "impl {}{} for {}",
                        if h.negative { "!" } else { "" },
                        text(t),
                        text(h.name)
                    ),
                    None => format!("impl {}", text(h.name)),
                };
                (ItemKind::Impl, shown)
            }
            _ => return Ok(false),
        };
        let (found, own_test) =
            match hand_attrs(self.text, p.start, h.attrs_end, &self.potential, self.lines)? {
                Some(hand) => (hand.found, hand.test),
                None => {
                    let Some((attrs, base)) = parse_attrs(self.text, p.start, h.attrs_end) else {
                        return Ok(false);
                    };
                    let pos = Positions {
                        base,
                        lines: self.lines,
                    };
                    (
                        attrs::extract(&attrs, &self.potential, &pos),
                        attrs::is_test_attrs(&attrs),
                    )
                }
            };
        let mut is_test = container.test || own_test;
        if !is_test && let Some(brace) = brace {
            match self.test_attrs(brace, brace, Some(brace))? {
                Some(t) => is_test = t,
                None => return Ok(false),
            }
        }
        let at = if kind == ItemKind::Impl {
            h.impl_kw
        } else {
            h.name.0
        };
        let (line, column) = self.lines.line_col(at);
        let item = ItemRef {
            kind,
            name,
            line,
            column,
        };
        for f in found {
            self.out.push((
                Annotation {
                    kind: f.kind,
                    file: self.rel.to_string(),
                    attr: f.attr,
                    ids: f.ids,
                    item: item.clone(),
                    is_test,
                    arg_errors: f.arg_errors,
                },
                f.alias,
            ));
        }
        Ok(true)
    }

    fn record(&mut self, parsed: &Parsed, container: &Class, base: usize) {
        let pos = Positions {
            base,
            lines: self.lines,
        };
        let described = match (parsed, &container.ctx) {
            (Parsed::Item(i) | Parsed::Stmt(Stmt::Item(i)), _) => item::of_item(i, &pos),
            (Parsed::Impl(i), Ctx::Owner(o)) => item::of_impl_item(i, o, &pos),
            (Parsed::Trait(i), Ctx::Owner(o)) => item::of_trait_item(i, o, &pos),
            (Parsed::Foreign(i), _) => item::of_foreign_item(i, &pos),
            _ => None,
        };
        let Some((r, attrs)) = described else {
            return;
        };
        let is_test = container.test || attrs::is_test_attrs(attrs);
        for f in attrs::extract(attrs, &self.potential, &pos) {
            self.out.push((
                Annotation {
                    kind: f.kind,
                    file: self.rel.to_string(),
                    attr: f.attr,
                    ids: f.ids,
                    item: r.clone(),
                    is_test,
                    arg_errors: f.arg_errors,
                },
                f.alias,
            ));
        }
    }
}
