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

/// A small axum workspace with two domains' worth of routes.
fn backend(dir: &Path) {
    write(
        &dir.join("Cargo.toml"),
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\n",
    );
    write(
        &dir.join("src/main.rs"),
        "use axum::{Router, routing::{get, post}};\n\
         async fn login() {}\nasync fn list_orders() {}\n\
         fn main() { let _app: Router = Router::new()\n\
         .route(\"/auth/login\", post(login))\n\
         .route(\"/orders\", get(list_orders)); }\n",
    );
}

/// Every `.specplan-*.tmp` below `dir`.
fn temporaries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else if e.file_name().to_string_lossy().starts_with(".specplan-")
                && e.file_name().to_string_lossy().ends_with(".tmp")
            {
                out.push(p);
            }
        }
    }
    out
}

/// SIGKILL at every moment of `init`, `index` and `trace --write`: a killed
/// run may leave a temporary file, and the next complete run removes it,
/// even where it has nothing to change. No document is ever truncated.
#[cfg(unix)]
#[test]
fn temporary_files_of_killed_runs_are_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    backend(dir);
    assert_finishes(
        dir,
        &["init", "--yes", "--domain", "auth", "--domain", "orders"],
    );
    // Plant what a killed run leaves in every folder the tool writes to: a
    // temporary file nobody holds a lock on.
    let docs = dir.join("docs/en/specifications");
    let folders = [
        docs.clone(),
        docs.join("auth"),
        docs.join("auth/requirements"),
        docs.join("orders/workflows"),
        dir.to_path_buf(),
    ];
    for (i, f) in folders.iter().enumerate() {
        write(&f.join(format!(".specplan-killed{i}.tmp")), "half a docu");
    }
    // And real kills, at spread-out moments of real runs.
    let mut killed = 0;
    for i in 0..24u64 {
        let args: &[&str] = match i % 3 {
            0 => &["init", "--yes", "--force"],
            1 => &["index"],
            _ => &["trace", "--write"],
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-specplan"))
            .current_dir(dir)
            .env("SPECPLAN_TODAY", "2026-01-15")
            .arg("specplan")
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(i * 3 % 40));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(killed > 0, "no run was killed mid-way");
    // Whatever the kills left, and a planted one in every folder again: the
    // next run cleans up even where the last killed run was its only writer.
    for (i, f) in folders.iter().enumerate() {
        write(&f.join(format!(".specplan-late{i}.tmp")), "half a docu");
    }
    // One complete run of a command that, here, changes nothing.
    assert_finishes(dir, &["init", "--yes"]);
    let left = temporaries(dir);
    assert!(left.is_empty(), "left behind: {left:?}");
    // Nothing was truncated: every document still parses with its meta.
    for doc in [
        "README.md",
        "architecture.md",
        "config.md",
        "infrastructure.md",
    ] {
        let text = std::fs::read_to_string(docs.join(doc)).unwrap();
        assert!(text.contains("**Status:**"), "{doc}: {text}");
    }
}

/// Existing files keep their permissions; new ones follow the umask.
#[cfg(unix)]
#[test]
fn rewritten_files_keep_their_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    backend(dir);
    assert_finishes(dir, &["init", "--yes", "--domain", "auth"]);
    let docs = dir.join("docs/en/specifications");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // The test runner's umask is the one the binary inherits: a new file
    // is 0666 less it, never the 0600 of a temporary file.
    let created = mode(&docs.join("config.md"));
    assert_ne!(created, 0o600, "a new document is not private");
    assert_eq!(created & 0o600, 0o600);
    std::fs::set_permissions(
        docs.join("config.md"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    // Rewrite it: a new env var changes its region.
    write(
        &dir.join("src/env.rs"),
        "pub fn port() -> Option<String> { std::env::var(\"APP_PORT\").ok() }\n",
    );
    let before = std::fs::read_to_string(docs.join("config.md")).unwrap();
    assert_finishes(dir, &["init", "--yes"]);
    let after = std::fs::read_to_string(docs.join("config.md")).unwrap();
    assert_ne!(before, after, "config.md was rewritten");
    assert_eq!(mode(&docs.join("config.md")), 0o640);
}

/// `members = ["*"]` would take the `docs/` folder `init` creates for a
/// package and break `cargo build`: `--yes` adds it to `exclude`, without
/// `--yes` nothing is written and the person is told the line to add.
#[test]
fn a_members_glob_never_adopts_the_docs_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"*\"] # every example\nresolver = \"2\"\n",
    );
    backend(&dir.join("svc"));
    // Without a terminal and without --yes: refused, nothing written.
    let out = run(dir, &["consult", "Password reset"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("exclude = [\"planning-docs\"]"), "{err}");
    assert!(!dir.join("planning-docs").exists());
    // init --yes: the folder is excluded and the manifest otherwise kept.
    let err = assert_finishes(dir, &["init", "--yes", "--domain", "auth"]);
    assert!(err.contains("added to [workspace] exclude"), "{err}");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert_eq!(
        manifest,
        "[workspace]\nmembers = [\"*\"] # every example\nresolver = \"2\"\nexclude = [\"docs\"]\n"
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let meta = Command::new(cargo)
        .current_dir(dir)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        meta.status.success(),
        "{}",
        String::from_utf8_lossy(&meta.stderr)
    );
    // A second run has nothing to add.
    let err = assert_finishes(dir, &["init", "--yes"]);
    assert!(!err.contains("exclude"), "{err}");
}
