//! The trust model end to end (SPEC.md §8): a cloned repository cannot make
//! the real binary write, read or even stat anything outside its root.
//!
//! Each case builds `tmp/ws` (the workspace) beside `tmp/outside` (what an
//! attacker aims at: it stands for `/etc`), runs the binary, and checks that
//! `outside` is byte-for-byte unchanged. The symlink and document cases also
//! run under `strace`: no file syscall of the tool itself (threads included,
//! `cargo metadata` excluded) names a path under `outside`, and the links
//! that point there are only ever `lstat`-ed and `readlink`-ed, never
//! followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::bin;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

struct Case {
    _tmp: tempfile::TempDir,
    ws: PathBuf,
    outside: PathBuf,
}

const MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\n";

/// A workspace and, beside it, a folder full of things worth stealing.
fn case(manifest_extra: &str) -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let ws = root.join("ws");
    let outside = root.join("outside");
    write(
        &ws.join("Cargo.toml"),
        &format!("{MANIFEST}{manifest_extra}"),
    );
    write(
        &ws.join("src/main.rs"),
        "fn main() { let _ = std::env::var(\"APP_PORT\"); }\n",
    );
    write(
        &outside.join("secret.rs"),
        "pub fn leaked() { let _ = std::env::var(\"LEAKED_SECRET_VAR\"); }\n",
    );
    write(&outside.join("secret.md"), "# Leaked heading\n");
    write(&outside.join("Dockerfile"), "FROM leaked-base-image:1\n");
    write(
        &outside.join("compose.yml"),
        "services:\n  leakedsvc:\n    image: leaked/image:1\n",
    );
    write(&outside.join("env"), "LEAKED_ENV_EXAMPLE=1\n");
    write(
        &outside.join("migrations/0001_leak.sql"),
        "CREATE TABLE leaked_table (id INT);\n",
    );
    write(
        &outside.join("member/Cargo.toml"),
        "[package]\nname = \"leaked-member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&outside.join("member/src/lib.rs"), "");
    write(
        &outside.join("templates/os-release"),
        "LEAKED_TEMPLATE_TEXT\n",
    );
    Case {
        _tmp: tmp,
        ws,
        outside,
    }
}

impl Case {
    fn run(&self, args: &[&str]) -> Output {
        bin()
            .current_dir(&self.ws)
            .arg("specplan")
            .args(args)
            .output()
            .expect("the binary runs")
    }

    fn link(&self, at: &str, to: &Path) {
        let at = self.ws.join(at);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(to, at).unwrap();
    }

    /// Every file under `outside` with its bytes.
    fn outside_tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.outside.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                } else {
                    out.insert(e.path(), std::fs::read(e.path()).unwrap());
                }
            }
        }
        out
    }

    /// Every generated file's text under the workspace's docs.
    fn written_text(&self) -> String {
        let mut out = String::new();
        let mut stack = vec![self.ws.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let e = e.unwrap();
                let t = e.file_type().unwrap();
                if t.is_dir() {
                    stack.push(e.path());
                } else if t.is_file() && e.path().extension().is_some_and(|x| x == "md") {
                    out.push_str(&std::fs::read_to_string(e.path()).unwrap());
                }
            }
        }
        out
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A configured folder that leaves the workspace is a configuration error
/// (exit 2) naming the key, and nothing is written anywhere.
#[test]
fn configured_folders_outside_the_workspace_are_refused() {
    let probe = case("");
    let abs = probe.outside.display().to_string();
    for (extra, key) in [
        (
            "\n[package.metadata.specplan.docs]\nroot = \"../../../../../../outside\"\n",
            "docs.root",
        ),
        (
            "\n[package.metadata.specplan.docs]\nroot = \"../outside\"\n",
            "docs.root",
        ),
        (
            "\n[package.metadata.specplan.docs]\nroot = \"\"\n",
            "docs.root",
        ),
        (
            &format!("\n[package.metadata.specplan.docs]\nroot = \"{abs}\"\n"),
            "docs.root",
        ),
        (
            "\n[package.metadata.specplan.docs]\nlanguage = \"..\"\n",
            "docs.language",
        ),
        (
            "\n[package.metadata.specplan.docs]\ntemplates = \"../outside/templates\"\n",
            "docs.templates",
        ),
    ] {
        let c = case(extra);
        let before = c.outside_tree();
        let out = c.run(&["init", "--yes"]);
        assert_eq!(out.status.code(), Some(2), "{extra}\n{}", stderr(&out));
        assert!(stderr(&out).contains(key), "{extra}\n{}", stderr(&out));
        assert_eq!(c.outside_tree(), before, "{extra}");
        assert!(!c.ws.join("docs").exists(), "{extra}");
    }
}

/// A docs or domain folder that is a symlink out is refused, not written
/// through.
#[cfg(unix)]
#[test]
fn docs_folders_that_link_out_are_not_written_through() {
    for (link, args) in [
        ("docs", vec!["init", "--yes"]),
        ("docs/en", vec!["init", "--yes"]),
        (
            "docs/en/specifications/auth",
            vec!["init", "--yes", "--domain", "auth"],
        ),
    ] {
        let c = case("");
        c.link(link, &c.outside);
        let before = c.outside_tree();
        let out = c.run(&args);
        assert_eq!(out.status.code(), Some(2), "{link}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("outside the workspace"),
            "{link}: {}",
            stderr(&out)
        );
        assert_eq!(c.outside_tree(), before, "{link}");
        let leftovers: Vec<_> = std::fs::read_dir(&c.outside)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{link}: {leftovers:?}");
    }
}

/// A template override cannot include a file outside its folder.
#[test]
fn template_includes_stay_in_the_templates_folder() {
    let c = case("\n[package.metadata.specplan.docs]\ntemplates = \"specplan/templates\"\n");
    let secret = c.outside.join("templates/os-release");
    write(
        &c.ws.join("specplan/templates/config.md.j2"),
        &format!("{{% include \"{}\" %}}\n", secret.display()),
    );
    let out = c.run(&["init", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("templates folder"),
        "{}",
        stderr(&out)
    );
    assert!(!c.written_text().contains("LEAKED"));
}

/// Sources, Dockerfiles, compose files, migrations and `.env.example`
/// that are symlinks out are reported and never read; a member outside the
/// root is not analysed.
#[cfg(unix)]
#[test]
fn workspace_files_that_link_out_are_not_read() {
    let c = case("\n[workspace]\nmembers = [\".\", \"../outside/member\"]\n");
    c.link("src/leak.rs", &c.outside.join("secret.rs"));
    c.link("Dockerfile", &c.outside.join("Dockerfile"));
    c.link("compose.yml", &c.outside.join("compose.yml"));
    c.link(".env.example", &c.outside.join("env"));
    c.link("migrations", &c.outside.join("migrations"));
    c.link("src/zero.rs", Path::new("/dev/zero"));
    c.link("src/parent", &c.outside);
    let out = c.run(&["init", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("outside the workspace"),
        "{}",
        stderr(&out)
    );
    let text = c.written_text();
    assert!(
        text.contains("APP_PORT"),
        "the workspace's own code is read"
    );
    assert!(!text.contains("LEAKED"), "{text}");
    assert!(!text.to_lowercase().contains("leaked"), "{text}");
    let detect = c.run(&["detect", "--format", "json"]);
    assert!(!stdout(&detect).contains("leaked"), "{}", stdout(&detect));
}

// ---------------------------------------------------------------------------
// Under strace: nothing outside is touched at all.

fn strace() -> Option<PathBuf> {
    let found = ["/usr/bin/strace", "/bin/strace"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "strace is missing: `apt-get install strace` (.ci/run installs it)"
        );
        eprintln!("skipped: strace is not installed (`apt-get install strace`)");
    }
    found
}

/// The file syscalls of the tool's own process and threads (not of the
/// `cargo metadata` it runs), as `(syscall line, path argument)`.
fn traced(c: &Case, strace: &Path, args: &[&str]) -> (Output, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("t");
    let out = Command::new(strace)
        .arg("-f")
        .arg("-ff")
        .arg("-qq")
        .args(["-e", "trace=%file", "-s", "4096", "-o"])
        .arg(&prefix)
        .arg(env!("CARGO_BIN_EXE_cargo-specplan"))
        .arg("specplan")
        .args(args)
        .current_dir(&c.ws)
        .env("SPECPLAN_TODAY", "2026-01-15")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    let ours = env!("CARGO_BIN_EXE_cargo-specplan");
    let mut calls = Vec::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        // A process that executed anything else is cargo (or rustc under it).
        let foreign = text
            .lines()
            .any(|l| l.starts_with("execve(") && !l.starts_with(&format!("execve(\"{ours}\"")));
        if foreign {
            continue;
        }
        for line in text.lines() {
            if let Some(path) = line.split('"').nth(1) {
                calls.push((line.to_string(), path.to_string()));
            }
        }
    }
    (out, calls)
}

/// The syscalls that look at a path without following a final symlink.
fn no_follow(line: &str) -> bool {
    line.starts_with("readlink")
        || line.starts_with("lstat")
        || line.contains("AT_SYMLINK_NOFOLLOW")
        || line.contains("O_NOFOLLOW")
}

#[cfg(unix)]
#[test]
fn under_strace_nothing_outside_is_touched() {
    let Some(strace) = strace() else { return };
    let c = case("\n[workspace]\nmembers = [\".\", \"../outside/member\"]\n");
    let links = [
        "src/leak.rs",
        "Dockerfile",
        "compose.yml",
        ".env.example",
        "migrations",
        "Cargo.lock",
        "docs/en/specifications/auth/requirements/requirements.md",
    ];
    c.link("src/leak.rs", &c.outside.join("secret.rs"));
    c.link("Dockerfile", &c.outside.join("Dockerfile"));
    c.link("compose.yml", &c.outside.join("compose.yml"));
    c.link(".env.example", &c.outside.join("env"));
    c.link("migrations", &c.outside.join("migrations"));
    c.link("Cargo.lock", &c.outside.join("env"));
    let out = c.run(&["init", "--yes", "--domain", "auth"]);
    assert!(out.status.success(), "{}", stderr(&out));
    c.link(
        "docs/en/specifications/auth/requirements/requirements.md",
        &c.outside.join("secret.md"),
    );
    // A document that names paths outside: participants, related code and
    // links, relative and absolute.
    let outside = c.outside.display();
    write(
        &c.ws
            .join("docs/en/specifications/auth/workflows/sequence-diagram.md"),
        &format!(
            "# Sequence Diagrams\n\n## 1. Login\n\n```mermaid\nsequenceDiagram\n    participant A as ../../outside/secret.rs<br/>(Presentation)\n    participant B as {outside}/secret.rs<br/>(Data)\n    A->>B: x\n```\n\nRelated code:\n- `../../outside/secret.rs::leaked`\n- `{outside}/secret.rs#L1`\n\n[a](../../../../../../outside/secret.md#leaked-heading) [b]({outside}/secret.md)\n"
        ),
    );
    for args in [
        vec!["detect"],
        vec!["init", "--yes"],
        vec!["check"],
        vec!["trace", "--format", "html", "-o", "target/trace.html"],
        vec!["routes"],
        vec!["status"],
    ] {
        let (out, calls) = traced(&c, &strace, &args);
        assert!(
            out.status.code().is_some_and(|c| c <= 2),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!calls.is_empty(), "strace recorded nothing for {args:?}");
        for (line, path) in &calls {
            // Absolute, or relative to the workspace (the working folder).
            let abs = if Path::new(path).is_absolute() {
                PathBuf::from(path)
            } else {
                c.ws.join(path)
            };
            let lexical: PathBuf = abs.components().fold(PathBuf::new(), |mut p, part| {
                match part {
                    std::path::Component::ParentDir => {
                        p.pop();
                    }
                    other => p.push(other),
                }
                p
            });
            assert!(
                !lexical.starts_with(&c.outside),
                "{args:?} touched a path outside the workspace: {line}"
            );
            for link in links {
                let abs = c.ws.join(link);
                if path == &*abs.to_string_lossy() || path == link {
                    assert!(
                        no_follow(line),
                        "{args:?} followed the link `{link}` out of the workspace: {line}"
                    );
                }
            }
        }
    }
}

/// `--source-url` takes only `http(s)`, and a file named like a script URL
/// is a relative link.
#[test]
fn the_html_report_links_only_web_and_relative_urls() {
    let c = case("");
    let out = c.run(&[
        "trace",
        "--format",
        "html",
        "--source-url",
        "javascript:alert(1)",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
}
