//! Seed inputs: the repository's own documents, sources, plans and
//! configurations (the example backend and the fixture workspaces), plus a
//! few small hand-written ones so that a target always has seeds.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Files under the example and the fixtures whose name ends with one of
/// `suffixes`, sorted, at most 400 of them.
fn files(suffixes: &[&str]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut stack = vec![repo().join("examples"), repo().join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(t) = e.file_type() else { continue };
            let p = e.path();
            if t.is_dir() {
                if e.file_name() != "target" && e.file_name() != "node_modules" {
                    stack.push(p);
                }
            } else if t.is_file()
                && suffixes
                    .iter()
                    .any(|s| e.file_name().to_string_lossy().ends_with(s))
            {
                found.push(p);
            }
        }
    }
    found.sort();
    found.truncate(400);
    found
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|d| d.len() <= 64 * 1024)
        .collect()
}

fn with(mut found: Vec<Vec<u8>>, own: &[&str]) -> Vec<Vec<u8>> {
    found.extend(own.iter().map(|s| s.as_bytes().to_vec()));
    found
}

pub fn markdown() -> Vec<Vec<u8>> {
    with(
        files(&[".md"]),
        &[
            "# Requirements\n\n- **Version:** 0.1.0\n- **Status:** Draft\n\n## 1. Functional\n\n### FR-AUTH-01: Sign in\n\n| ID | Title |\n|---|---|\n| FR-AUTH-02 | Out |\n",
        ],
    )
}

pub fn ids() -> Vec<Vec<u8>> {
    with(
        files(&["requirements.md", "user-stories.md", "use-cases.md"]),
        &["FR-AUTH-01 NFR-AUTH-02 US-ORDERS-10 UC-X-99 FR-auth-1 FR--01"],
    )
}

pub fn rust() -> Vec<Vec<u8>> {
    with(
        files(&[".rs"]),
        &[
            "#[implements(\"FR-AUTH-01\")]\nasync fn login() {}\n#[cfg(test)]\nmod t {\n#[test]\n#[verifies(\"FR-AUTH-01\")]\nfn v() {}\n}\n",
        ],
    )
}

pub fn macro_args() -> Vec<Vec<u8>> {
    vec![
        b"\"FR-AUTH-01\"".to_vec(),
        b"\"FR-AUTH-01\", \"NFR-AUTH-02\",".to_vec(),
        b"\"FR-AUTH-01\", FR_AUTH, 3, \"x\"".to_vec(),
        b"r#\"US-A-01\"#, \"FR-AUTH-01\"".to_vec(),
    ]
}

pub fn plans() -> Vec<Vec<u8>> {
    with(
        files(&[".json"]),
        &["{\"status\": \"planned\", \"tasks\": []}"],
    )
}

pub fn configs() -> Vec<Vec<u8>> {
    with(
        files(&["specplan.toml"]),
        &[
            "[docs]\nlanguage = \"en\"\nroot = \"docs/en/specifications\"\n\n[[domains]]\nname = \"auth\"\nprefix = \"AUTH\"\n\n[rules]\nmissing-meta = \"warning\"\n",
        ],
    )
}
