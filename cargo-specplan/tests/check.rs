//! `check` end to end on copies of the fixture workspaces: the baseline
//! flow a team uses to adopt the check on a legacy codebase, and exit codes.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::copy_dir;

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/check")
            .join(name),
        &dir,
    );
    (tmp, dir)
}

fn check(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cargo-specplan"))
        .current_dir(dir)
        .env("CARGO_TERM_COLOR", "never")
        .args(["specplan", "check"])
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn edit(path: PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn baseline_reports_only_new_findings() {
    let (_tmp, dir) = fixture("broken");
    assert_eq!(check(&dir, &["-q"]).status.code(), Some(1));

    let out = check(&dir, &["--write-baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let baseline = std::fs::read_to_string(dir.join("specplan-baseline.json")).unwrap();
    assert!(
        baseline.contains("\"rule\": \"undefined-id\""),
        "{baseline}"
    );

    let out = check(&dir, &["--baseline", "specplan-baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("baselined"), "{}", stderr(&out));

    // Lines move above a recorded finding: still recorded.
    edit(
        dir.join("docs/en/specifications/notes/requirements/user-stories.md"),
        "## 1. Stories\n",
        "## 1. Stories\n\nAn added paragraph.\n",
    );
    assert_eq!(
        check(&dir, &["--baseline", "specplan-baseline.json", "-q"])
            .status
            .code(),
        Some(0)
    );

    // A new finding fails the run, and only it is reported.
    edit(
        dir.join("docs/en/specifications/notes/requirements/user-stories.md"),
        "Related requirements: FR-NOTES-01",
        "Related requirements: FR-NOTES-01, FR-NOTES-42",
    );
    let out = check(
        &dir,
        &["--baseline", "specplan-baseline.json", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{json:#}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("FR-NOTES-42")
    );

    // A recorded finding is fixed: the baseline can shrink.
    edit(
        dir.join("docs/en/specifications/README.md"),
        "(notes/requirements/requirement.md)",
        "(notes/requirements/requirements.md)",
    );
    let out = check(&dir, &["--baseline", "specplan-baseline.json"]);
    assert!(stderr(&out).contains("no longer occur"), "{}", stderr(&out));
}

#[test]
fn exit_codes() {
    let (_tmp, dir) = fixture("clean");
    assert_eq!(check(&dir, &["-q"]).status.code(), Some(0));
    // An unknown rule in the configuration: the check cannot run.
    let cfg = dir.join("specplan.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        format!("{text}\n[rules]\nundefined-ids = \"allow\"\n"),
    )
    .unwrap();
    let out = check(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `undefined-id`?"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("--> specplan.toml:9:1"),
        "{}",
        stderr(&out)
    );
    // No Cargo.toml at all.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(check(empty.path(), &[]).status.code(), Some(2));
}
