//! Inputs built to abort, hang or exhaust the tool, run through the real
//! binary: each command finishes with a findings exit code (0 or 1), never
//! a stack-overflow abort (134) or a panic (101), and reports what it
//! skipped by file.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-specplan"))
        .current_dir(dir)
        .env("SPECPLAN_TODAY", "2026-01-15")
        .env("CARGO_TERM_COLOR", "never")
        .arg("specplan")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn assert_finishes(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?} exited {:?}:\n{err}",
        out.status.code()
    );
    assert!(!err.contains("overflowed its stack"), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    err
}

/// Rust nested thousands of levels (blocks, parentheses, inside
/// `#[implements(...)]`, prefix operators) and Markdown nested thousands of
/// levels (lists, block quotes, emphasis).
#[test]
fn deeply_nested_rust_and_markdown_are_reported_not_aborted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("Cargo.toml"),
        "[package]\nname = \"deep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\n\n[package.metadata.specplan]\ndomains = [{ name = \"auth\" }]\n",
    );
    write(
        &dir.join("src/main.rs"),
        "mod blocks;\nmod parens;\nmod attr;\nmod unary;\nfn main() {}\n",
    );
    write(
        &dir.join("src/blocks.rs"),
        &format!(
            "pub fn h() -> axum::Router {{ axum::Router::new() }}\npub fn g() {}{}\n",
            "{".repeat(1600),
            "}".repeat(1600)
        ),
    );
    write(
        &dir.join("src/parens.rs"),
        &format!(
            "pub fn app() -> axum::Router {{ let _ = {}1{}; axum::Router::new() }}\n",
            "(".repeat(21_000),
            ")".repeat(21_000)
        ),
    );
    write(
        &dir.join("src/attr.rs"),
        &format!(
            "#[implements({}\"FR-AUTH-01\"{})]\npub fn h() {{}}\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
    );
    write(
        &dir.join("src/unary.rs"),
        &format!("pub fn h() -> bool {{ {}true }}\n", "!".repeat(50_000)),
    );
    let docs = dir.join("docs/en/specifications/auth");
    let lists: String = (0..12_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    write(
        &docs.join("requirements/requirements.md"),
        &format!("# Requirements\n\n{lists}"),
    );
    write(
        &docs.join("requirements/user-stories.md"),
        &format!("# Stories\n\n{} deep\n", ">".repeat(6_000)),
    );
    write(
        &docs.join("requirements/api-spec.md"),
        &format!("# API\n\n{}x{}\n", "*".repeat(17_000), "*".repeat(17_000)),
    );
    for args in [
        &["check"][..],
        &["detect"],
        &["routes"],
        &["trace"],
        &["status"],
        &["plan"],
        &["init", "--yes"],
    ] {
        let err = assert_finishes(dir, args);
        if args == ["check"] {
            assert!(
                err.contains("src/attr.rs") && err.contains("more than 80 deep"),
                "{err}"
            );
        }
    }
}

/// A FIFO named `Cargo.lock` (or `specplan.toml`) would block `open`
/// forever: only regular files are opened.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_file_does_not_block() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("Cargo.toml"),
        "[package]\nname = \"fifo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&dir.join("src/main.rs"), "fn main() {}\n");
    let made = Command::new("mkfifo")
        .arg(dir.join("Cargo.lock"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    for args in [&["detect"][..], &["check"], &["init", "--yes"]] {
        let err = assert_finishes(dir, args);
        assert!(err.contains("Cargo.lock"), "{args:?}: {err}");
    }
}
