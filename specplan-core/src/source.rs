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

use crate::diag::{Diagnostic, Span};
use crate::workspace::{Workspace, relative_to};

/// Files larger than this are reported and skipped: they are generated, and
/// parsing them would stall every command.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    pub abs: Utf8PathBuf,
    /// Workspace-relative, `/`-separated.
    pub rel: String,
}

#[derive(Debug, Default)]
pub struct Files {
    pub files: Vec<WalkedFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks the workspace once and returns every file that is part of it,
/// sorted by relative path.
pub fn walk_workspace(ws: &Workspace) -> Files {
    let member_roots: HashSet<Utf8PathBuf> =
        ws.packages.iter().map(|p| p.root().to_owned()).collect();
    walk(&ws.root, &member_roots)
}

/// The `.rs` files of the workspace members.
pub fn rust_files(ws: &Workspace) -> Files {
    let mut all = walk_workspace(ws);
    all.files
        .retain(|f| f.rel.ends_with(".rs") && ws.package_of(&f.abs).is_some());
    all
}

fn is_cargo_target_dir(dir: &Utf8Path) -> bool {
    dir.file_name() == Some("target")
        && (dir.join("CACHEDIR.TAG").exists()
            || dir.join(".rustc_info.json").exists()
            || dir.parent().is_some_and(|p| p.join("Cargo.toml").is_file()))
}

fn walk(root: &Utf8Path, member_roots: &HashSet<Utf8PathBuf>) -> Files {
    let canonical_root = root.canonicalize_utf8().unwrap_or_else(|_| root.to_owned());
    let diagnostics = Mutex::new(Vec::new());
    let diags = std::sync::Arc::new(Mutex::new(Vec::new()));
    let mut files = Vec::new();
    {
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(false)
            .follow_links(true)
            .require_git(false)
            .git_global(false)
            .sort_by_file_name(|a, b| a.cmp(b));
        let root_owned = root.to_owned();
        let filter_diags = diags.clone();
        let member_roots = member_roots.clone();
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
            if entry.path_is_symlink() {
                match path.canonicalize_utf8() {
                    Ok(target) if target.starts_with(&canonical_root) => {}
                    Ok(target) => {
                        filter_diags.lock().unwrap().push(
                            Diagnostic::warning(
                                "symlink-outside-workspace",
                                format!(
                                    "skipped `{}`: it links to `{target}`, outside the workspace",
                                    relative_to(&root_owned, path)
                                ),
                            )
                            .in_file(relative_to(&root_owned, path)),
                        );
                        return false;
                    }
                    // Dangling or looping links are reported by the walker.
                    Err(_) => {}
                }
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir {
                return true;
            }
            if matches!(name, ".git" | "node_modules" | ".hg" | ".svn") || is_cargo_target_dir(path)
            {
                return false;
            }
            // A nested package that is not a member belongs to someone else.
            if path.join("Cargo.toml").is_file() && !member_roots.contains(path) {
                return false;
            }
            true
        });
        let walker = builder.build();
        for result in walker {
            match result {
                Ok(entry) => {
                    if !entry.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    if let Some(p) = Utf8Path::from_path(entry.path()) {
                        files.push(WalkedFile {
                            rel: relative_to(root, p),
                            abs: p.to_owned(),
                        });
                    }
                }
                Err(err) => diagnostics.lock().unwrap().push(walk_error(root, &err)),
            }
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.rel == b.rel);
    let mut diagnostics = diagnostics.into_inner().unwrap_or_default();
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

/// Reads a file as UTF-8 text, or says why it cannot be used.
pub fn read_text(file: &WalkedFile) -> Result<String, Diagnostic> {
    let unreadable = |e: std::io::Error| {
        Diagnostic::warning(
            "unreadable-file",
            format!("could not read `{}`: {e}", file.rel),
        )
        .in_file(&file.rel)
    };
    let meta = std::fs::metadata(&file.abs).map_err(unreadable)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::warning(
            "file-too-large",
            format!(
                "skipped `{}`: {} MiB is more than the {} MiB limit for a source file",
                file.rel,
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .in_file(&file.rel)
        .with_help("a file this large is usually generated; add it to `.gitignore` or an `.ignore` file to silence this"));
    }
    let bytes = std::fs::read(&file.abs).map_err(unreadable)?;
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
        std::os::unix::fs::symlink("/", d.join("src/root")).unwrap();
        let ws = load(d);
        let files = rust_files(&ws);
        let rels: Vec<_> = files.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["src/main.rs"]);
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
}
