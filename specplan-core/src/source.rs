//! Walking and reading the workspace's files.
//!
//! One gitignore-aware walk from the workspace root: `target/` directories,
//! `.git`, `node_modules` and nested packages that are not workspace members
//! (fixtures, excluded crates, vendored code) are skipped; symlinks are
//! followed only while they stay inside the workspace, and a loop is a
//! diagnostic, never a hang. Reading a file turns every way it can be unusable
//! (too large, not UTF-8, unreadable) into a diagnostic naming it.

use std::collections::HashSet;
use std::sync::Mutex;

use camino::{Utf8Path, Utf8PathBuf};

use specplan_ids::confine::Escape;

use crate::diag::{Diagnostic, Span};
use crate::workspace::{Jail, Workspace, relative_to};

/// Files larger than this are reported and skipped: they are generated, and
/// parsing them would stall every command.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    pub abs: Utf8PathBuf,
    /// Workspace-relative, `/`-separated.
    pub rel: String,
}

#[derive(Debug, Clone, Default)]
pub struct Files {
    pub files: Vec<WalkedFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks the workspace once and returns every file that is part of it,
/// sorted by relative path.
pub fn walk_workspace(ws: &Workspace) -> Files {
    let member_roots: HashSet<Utf8PathBuf> =
        ws.packages.iter().map(|p| p.root().to_owned()).collect();
    walk(&ws.root, &ws.root, &ws.jail, Some(&member_roots), false)
}

/// Every file under `dir` (the docs root), hidden ones left out, with paths
/// relative to the workspace root; symlinks resolved as in
/// [`walk_workspace`].
pub fn walk_docs(jail: &Jail, ws_root: &Utf8Path, dir: &Utf8Path) -> Files {
    walk(ws_root, dir, jail, None, true)
}

/// The `.rs` files of the workspace members.
pub fn rust_files(ws: &Workspace) -> Files {
    let mut all = walk_workspace(ws);
    all.files
        .retain(|f| f.rel.ends_with(".rs") && ws.package_of(&f.abs).is_some());
    all
}

fn is_cargo_target_dir(jail: &Jail, dir: &Utf8Path) -> bool {
    let has = |p: Utf8PathBuf| jail.is_file(p.as_std_path());
    dir.file_name() == Some("target")
        && (has(dir.join("CACHEDIR.TAG"))
            || has(dir.join(".rustc_info.json"))
            || dir.parent().is_some_and(|p| has(p.join("Cargo.toml"))))
}

/// What a symlink met on the walk leads to.
enum Link {
    /// A regular file inside the workspace, at this resolved path.
    File(Utf8PathBuf),
    /// Anything else: a folder (walked at its real place), a device, a
    /// dangling link.
    Skip,
    /// Outside the workspace, or a loop: reported, never followed.
    Refused(Diagnostic),
}

fn follow(jail: &Jail, root: &Utf8Path, path: &Utf8Path) -> Link {
    let rel = relative_to(root, path);
    match jail.resolve(path.as_std_path()) {
        Ok(real) => match (
            std::fs::symlink_metadata(&real),
            Utf8PathBuf::from_path_buf(real),
        ) {
            (Ok(meta), Ok(real)) if meta.is_file() => Link::File(real),
            _ => Link::Skip,
        },
        Err(e) if e.why == Escape::TooManyLinks => Link::Refused(
            Diagnostic::warning(
                "symlink-loop",
                format!("skipped `{rel}`: symbolic link loop"),
            )
            .in_file(&rel),
        ),
        Err(e) => {
            let target = match &e.why {
                Escape::Link { target, .. } => target.display().to_string(),
                _ => path.to_string(),
            };
            Link::Refused(
                Diagnostic::warning(
                    "symlink-outside-workspace",
                    format!("skipped `{rel}`: it links to `{target}`, outside the workspace"),
                )
                .in_file(&rel)
                .with_help("cargo-specplan reads only files inside the workspace root"),
            )
        }
    }
}

/// Walks `start` (the root or a folder under it); `member_roots`, when
/// given, are the packages whose folders belong to the workspace.
fn walk(
    root: &Utf8Path,
    start: &Utf8Path,
    jail: &Jail,
    member_roots: Option<&HashSet<Utf8PathBuf>>,
    skip_hidden: bool,
) -> Files {
    let diags = std::sync::Arc::new(Mutex::new(Vec::new()));
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    {
        let mut builder = ignore::WalkBuilder::new(start);
        // Links are never followed by the walker: each is resolved through
        // the jail below, so nothing outside the workspace is even stat-ed.
        builder
            .hidden(skip_hidden)
            .follow_links(false)
            .require_git(false)
            .git_global(false)
            .sort_by_file_name(|a, b| a.cmp(b));
        let filter_diags = diags.clone();
        let member_roots = member_roots.cloned();
        let filter_jail = jail.clone();
        builder.filter_entry(move |entry| {
            let Some(path) = Utf8Path::from_path(entry.path()) else {
                filter_diags.lock().unwrap().push(Diagnostic::warning(
                    "non-utf8-path",
                    format!(
                        "skipped `{}`: its name is not valid UTF-8",
                        entry.path().display()
                    ),
                ));
                return false;
            };
            let name = path.file_name().unwrap_or("");
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir {
                return true;
            }
            if matches!(name, ".git" | "node_modules" | ".hg" | ".svn")
                || is_cargo_target_dir(&filter_jail, path)
            {
                return false;
            }
            // A nested package that is not a member belongs to someone else.
            if let Some(members) = &member_roots
                && filter_jail.is_file(path.join("Cargo.toml").as_std_path())
                && !members.contains(path)
            {
                return false;
            }
            true
        });
        for result in builder.build() {
            let entry = match result {
                Ok(entry) => entry,
                Err(err) => {
                    diagnostics.push(walk_error(root, &err));
                    continue;
                }
            };
            let Some(path) = Utf8Path::from_path(entry.path()) else {
                continue;
            };
            let Some(kind) = entry.file_type() else {
                continue;
            };
            let abs = if kind.is_file() {
                path.to_owned()
            } else if kind.is_symlink() {
                match follow(jail, root, path) {
                    Link::File(real) => real,
                    Link::Skip => continue,
                    Link::Refused(d) => {
                        diagnostics.push(d);
                        continue;
                    }
                }
            } else {
                continue;
            };
            files.push(WalkedFile {
                rel: relative_to(root, path),
                abs,
            });
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.rel == b.rel);
    diagnostics.extend(std::mem::take(&mut *diags.lock().unwrap()));
    Files { files, diagnostics }
}

fn walk_error(root: &Utf8Path, err: &ignore::Error) -> Diagnostic {
    fn find(err: &ignore::Error) -> Option<(&ignore::Error, Option<&std::path::Path>)> {
        match err {
            ignore::Error::WithPath { path, err } => find(err).map(|(e, p)| (e, p.or(Some(path)))),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err)
            }
            other => Some((other, None)),
        }
    }
    let rel = |p: &std::path::Path| {
        Utf8Path::from_path(p).map_or_else(|| p.display().to_string(), |p| relative_to(root, p))
    };
    match find(err) {
        Some((ignore::Error::Loop { ancestor, child }, _)) => Diagnostic::warning(
            "symlink-loop",
            format!(
                "skipped `{}`: symbolic link loop back to `{}`",
                rel(child),
                rel(ancestor)
            ),
        )
        .in_file(rel(child)),
        Some((inner, Some(path))) => Diagnostic::warning(
            "unreadable-file",
            format!("skipped `{}`: {inner}", rel(path)),
        )
        .in_file(rel(path)),
        _ => Diagnostic::warning(
            "unreadable-file",
            format!("while walking the workspace: {err}"),
        ),
    }
}

fn too_large(file: &WalkedFile, len: u64) -> Diagnostic {
    Diagnostic::warning(
        "file-too-large",
        format!(
            "skipped `{}`: {} MiB is more than the {} MiB limit for a source file",
            file.rel,
            len / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .in_file(&file.rel)
    .with_help("a file this large is usually generated; add it to `.gitignore` or an `.ignore` file to silence this")
}

/// Reads a file as UTF-8 text, or says why it cannot be used.
pub fn read_text(file: &WalkedFile) -> Result<String, Diagnostic> {
    let unreadable = |e: std::io::Error| {
        Diagnostic::warning(
            "unreadable-file",
            format!("could not read `{}`: {e}", file.rel),
        )
        .in_file(&file.rel)
    };
    // `abs` was resolved by the walk: it has no symlink left, so this is
    // the file's own type, and a FIFO or device is never opened.
    let meta = std::fs::symlink_metadata(&file.abs).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Diagnostic::warning(
            "unreadable-file",
            format!("skipped `{}`: it is not a regular file", file.rel),
        )
        .in_file(&file.rel));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(file, meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(&file.abs)
        .and_then(|f| {
            use std::io::Read;
            f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)
        })
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let (line, column) = crate::diag::line_col(&prefix, prefix.len());
        Diagnostic::warning(
            "non-utf8-file",
            format!("skipped `{}`: it is not valid UTF-8", file.rel),
        )
        .in_file(&file.rel)
        .at(Span::line_only(line, column))
        .with_label(format!("invalid byte 0x{:02x} here", e.as_bytes()[valid]))
    })
}

/// How deeply brackets may nest in a Rust file before it is refused. `syn`
/// parses nested expressions, blocks and types recursively, several stack
/// frames a level, so a file built to nest thousands of levels would
/// overflow any thread's stack. 80 levels parse on a 2 MiB thread in a
/// debug build (the test below); the deepest of 2,472 files of meilisearch,
/// qdrant and zero-to-production nests 54.
pub const MAX_NESTING: usize = 80;

/// How many prefix operators (`!`, `-`, `*`, `&`) may follow each other:
/// each is one more level of `syn`'s recursion, without a bracket.
pub const MAX_PREFIX_RUN: usize = 128;

/// How many Rust files were parsed in this process: tests hold the code
/// model to its promise of one parse per file per run.
pub static PARSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Why a Rust file gave no syntax tree.
#[derive(Debug)]
pub enum ParseFailure {
    Syntax(syn::Error),
    /// Nested deeper than [`MAX_NESTING`] (or a run of prefix operators
    /// longer than [`MAX_PREFIX_RUN`]), at this 1-based line and column.
    TooDeep {
        line: usize,
        column: usize,
        what: &'static str,
    },
}

/// Parses a Rust file with `syn`, as `syn::parse_file` does (a BOM and a
/// shebang line are skipped), but lexes it once, iteratively, and refuses
/// a file nested so deeply that `syn`'s recursion would overflow the stack.
pub fn parse_rust_text(text: &str) -> Result<syn::File, ParseFailure> {
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut content = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut shebang = None;
    if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let end = content.find('\n').unwrap_or(content.len());
        shebang = Some(content[..end].to_string());
        content = &content[end..];
    }
    // Line numbers stay those of `text`: the shebang's newline is kept.
    let mut file: syn::File = parse_str_with(<syn::File as syn::parse::Parse>::parse, content)?;
    file.shebang = shebang;
    Ok(file)
}

/// `parser.parse_str(text)` with the nesting bound: every parse of text the
/// workspace holds goes through here (syn builds its token buffer
/// recursively too, one frame a bracket level).
pub fn parse_str_with<P: syn::parse::Parser>(
    parser: P,
    text: &str,
) -> Result<P::Output, ParseFailure> {
    let tokens: proc_macro2::TokenStream = text.parse().map_err(|e: proc_macro2::LexError| {
        ParseFailure::Syntax(syn::Error::new(
            e.span(),
            "cannot parse string into token stream",
        ))
    })?;
    check_nesting(&tokens)?;
    parser.parse2(tokens).map_err(ParseFailure::Syntax)
}

/// Walks the tokens without recursion: the deepest bracket and the
/// longest run of prefix operators.
fn check_nesting(tokens: &proc_macro2::TokenStream) -> Result<(), ParseFailure> {
    use proc_macro2::TokenTree;
    let too_deep = |span: proc_macro2::Span, what| {
        let at = span.start();
        ParseFailure::TooDeep {
            line: at.line,
            column: at.column + 1,
            what,
        }
    };
    let mut stack = vec![tokens.clone().into_iter()];
    let mut run = 0;
    while let Some(iter) = stack.last_mut() {
        let Some(tt) = iter.next() else {
            stack.pop();
            continue;
        };
        match tt {
            TokenTree::Group(g) => {
                run = 0;
                // `stack.len()` is the depth this group opens.
                if stack.len() > MAX_NESTING {
                    return Err(too_deep(g.span(), "brackets nest"));
                }
                stack.push(g.stream().into_iter());
            }
            TokenTree::Punct(p) if matches!(p.as_char(), '!' | '-' | '*' | '&') => {
                run += 1;
                if run > MAX_PREFIX_RUN {
                    return Err(too_deep(p.span(), "prefix operators follow each other"));
                }
            }
            _ => run = 0,
        }
    }
    Ok(())
}

/// [`parse_rust_text`] for a walked file, a failure as the diagnostic that
/// names it.
pub fn parse_rust(file: &WalkedFile, text: &str) -> Result<syn::File, Diagnostic> {
    parse_rust_text(text).map_err(|f| failure_diagnostic(file, text, &f))
}

/// The diagnostic for a file [`parse_rust_text`] refused.
pub fn failure_diagnostic(file: &WalkedFile, text: &str, failure: &ParseFailure) -> Diagnostic {
    match failure {
        ParseFailure::Syntax(e) => syn_error(file, text, e),
        ParseFailure::TooDeep { line, column, what } => Diagnostic::warning(
            "rust-parse-error",
            format!(
                "could not parse `{}`: {what} more than {} deep",
                file.rel,
                if *what == "brackets nest" { MAX_NESTING } else { MAX_PREFIX_RUN }
            ),
        )
        .in_file(&file.rel)
        .at(Span::line_only(*line, *column))
        .with_label("too deep from here")
        .with_help("a file nested this deeply is usually generated; the rest of the workspace is still analysed, this file is skipped"),
    }
}

/// A diagnostic for a Rust file that `syn` cannot parse.
pub fn syn_error(file: &WalkedFile, text: &str, err: &syn::Error) -> Diagnostic {
    let start = err.span().start();
    let end = err.span().end();
    let s = crate::diag::byte_offset(text, start.line, start.column + 1).unwrap_or(0);
    let e = crate::diag::byte_offset(text, end.line, end.column + 1).unwrap_or(s);
    Diagnostic::warning(
        "rust-parse-error",
        format!("could not parse `{}`: {err}", file.rel),
    )
    .in_file(&file.rel)
    .at(Span::from_bytes(text, s, e.max(s + 1)))
    .with_label(err.to_string())
    .with_help("the rest of the workspace is still analysed; this file is skipped")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn write(dir: &Path, rel: &str, text: &[u8]) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn load(dir: &Path) -> Workspace {
        Workspace::load(None, dir).unwrap()
    }

    #[test]
    fn skips_target_nested_packages_and_reports_bad_files() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(
            d,
            "Cargo.toml",
            b"[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
        );
        write(d, "src/main.rs", b"fn main() {}\n");
        write(d, "src/latin1.rs", b"// caf\xe9\n");
        write(d, "target/debug/build/x/out/gen.rs", b"fn x() {}\n");
        write(
            d,
            "fixtures/other/Cargo.toml",
            b"[package]\nname = \"other\"\nversion = \"0.1.0\"\n",
        );
        write(d, "fixtures/other/src/lib.rs", b"");
        write(d, ".gitignore", b"ignored.rs\n");
        write(d, "src/ignored.rs", b"");
        let ws = load(d);
        let files = rust_files(&ws);
        let rels: Vec<_> = files.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["src/latin1.rs", "src/main.rs"]);
        let latin = read_text(&files.files[0]).unwrap_err();
        assert_eq!(latin.rule, "non-utf8-file");
        assert_eq!(latin.span.unwrap().line, 1);
        assert_eq!(latin.span.unwrap().column, 7);
        assert!(read_text(&files.files[1]).is_ok());
    }

    #[test]
    fn huge_files_are_reported_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(
            d,
            "Cargo.toml",
            b"[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
        );
        let big = vec![b'/'; MAX_FILE_BYTES as usize + 1];
        write(d, "src/generated.rs", &big);
        let ws = load(d);
        let files = rust_files(&ws);
        let err = read_text(&files.files[0]).unwrap_err();
        assert_eq!(err.rule, "file-too-large");
        assert_eq!(err.file.as_deref(), Some("src/generated.rs"));
    }

    #[test]
    fn virtual_manifest_without_members_is_empty_not_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(d, "Cargo.toml", b"[workspace]\nmembers = []\n");
        let ws = load(d);
        assert!(ws.packages.is_empty());
        assert!(rust_files(&ws).files.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(
            d,
            "Cargo.toml",
            b"[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
        );
        write(d, "src/main.rs", b"fn main() {}\n");
        std::os::unix::fs::symlink(d.join("src"), d.join("src/again")).unwrap();
        std::os::unix::fs::symlink("loop.rs", d.join("src/loop.rs")).unwrap();
        std::os::unix::fs::symlink("/", d.join("src/root")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", d.join("src/passwd.rs")).unwrap();
        std::os::unix::fs::symlink("main.rs", d.join("src/alias.rs")).unwrap();
        let ws = load(d);
        let files = rust_files(&ws);
        let rels: Vec<_> = files.files.iter().map(|f| f.rel.as_str()).collect();
        // A link to a file inside is read at its real place; a link to a
        // folder inside is walked there, not twice.
        assert_eq!(rels, ["src/alias.rs", "src/main.rs"]);
        assert_eq!(files.files[0].abs, ws.root.join("src/main.rs"));
        assert_eq!(
            files
                .diagnostics
                .iter()
                .filter(|d| d.rule == "symlink-outside-workspace")
                .count(),
            2,
            "{:?}",
            files.diagnostics
        );
        assert!(
            files.diagnostics.iter().any(|d| d.rule == "symlink-loop"),
            "{:?}",
            files.diagnostics
        );
        assert!(
            files
                .diagnostics
                .iter()
                .any(|d| d.rule == "symlink-outside-workspace")
        );
    }

    /// At the limit, on a test thread's 2 MiB stack in a debug build, `syn`
    /// still parses; past it, the file is refused instead of aborting the
    /// process with a stack overflow.
    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        // The wrapping `fn` body is one more level: exactly the limit.
        let depth = MAX_NESTING - 1;
        for (open, close, wrap) in [
            ("(", ")", ("fn f() { let _ = ", "; }")),
            ("{", "}", ("fn f() ", "")),
            ("[", "]", ("fn f() { let _ = ", "; }")),
        ] {
            let inner = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            let inner = if open == "{" {
                format!("{}{}", open.repeat(depth), close.repeat(depth))
            } else {
                inner
            };
            let ok = format!("{}{inner}{}\n", wrap.0, wrap.1);
            assert!(parse_rust_text(&ok).is_ok(), "{open} at {depth}");
            let deep = 50_000;
            let bad = format!(
                "{}{}1{}{}\n",
                wrap.0,
                open.repeat(deep),
                close.repeat(deep),
                wrap.1
            );
            match parse_rust_text(&bad) {
                Err(ParseFailure::TooDeep { line, .. }) => assert_eq!(line, 1),
                Err(other) => panic!("{open}: {other:?}"),
                Ok(_) => panic!("{open}: parsed at {deep}"),
            }
        }
        let unary = format!("fn f() {{ let _ = {}x; }}\n", "!".repeat(MAX_PREFIX_RUN));
        assert!(parse_rust_text(&unary).is_ok());
        let unary = format!("fn f() {{ let _ = {}x; }}\n", "-".repeat(20_000));
        assert!(matches!(
            parse_rust_text(&unary),
            Err(ParseFailure::TooDeep { .. })
        ));
    }

    #[test]
    fn parses_like_syn_parse_file() {
        let text = "\u{feff}#!/usr/bin/env run-cargo-script\nfn main() {}\n";
        let f = parse_rust_text(text).unwrap();
        assert_eq!(
            f.shebang.as_deref(),
            Some("#!/usr/bin/env run-cargo-script")
        );
        assert_eq!(f.items.len(), 1);
        let attr = "#![allow(dead_code)]\nfn main() {}\n";
        assert_eq!(parse_rust_text(attr).unwrap().attrs.len(), 1);
        assert!(matches!(
            parse_rust_text("fn oops( {"),
            Err(ParseFailure::Syntax(_))
        ));
    }
}
