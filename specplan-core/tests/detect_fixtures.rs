//! Step 0 over the fixture workspaces of `tests/fixtures/detect/`: each is a
//! tiny workspace of its own (its own `[workspace]` table and a hand-written
//! `Cargo.lock` fragment). The JSON and the human block of every fixture are
//! snapshots; paths in them are relative to the fixture, so they do not
//! depend on the machine.

use std::path::{Path, PathBuf};

use specplan_core::Workspace;
use specplan_core::detect::{self, Stack};
use specplan_core::source::walk_workspace;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/detect")
}

/// Every fixture, by name.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/detect exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

fn detect_fixture(dir: &Path) -> Stack {
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), dir).expect("the fixture loads");
    // `cargo metadata --no-deps --offline` must accept every fixture: no
    // network, no resolution.
    assert!(
        ws.diagnostics.is_empty(),
        "{}: {:#?}",
        dir.display(),
        ws.diagnostics
    );
    let files = walk_workspace(&ws);
    detect::detect(&ws, &files)
}

#[test]
fn detect_snapshots_every_fixture() {
    let all = fixtures();
    assert!(all.len() >= 15, "fixtures missing: {all:?}");
    for (name, dir) in all {
        let stack = detect_fixture(&dir);
        let json = serde_json::to_string_pretty(&stack).unwrap();
        insta::assert_snapshot!(name.clone(), json);
        insta::assert_snapshot!(format!("{name}-human"), detect::render_human(&stack, None));
    }
}

fn framework_names(stack: &Stack) -> Vec<String> {
    stack
        .frameworks
        .iter()
        .map(|f| format!("{} ({})", f.name, f.package))
        .collect()
}

#[test]
fn detect_ignores_dev_dependencies() {
    let stack = detect_fixture(&fixtures_dir().join("dev-only-axum"));
    assert!(stack.frameworks.is_empty(), "{:?}", stack.frameworks);
    assert!(stack.orms.is_empty() && stack.databases.is_empty());
    assert!(stack.api_styles.is_empty());
}

#[test]
fn detect_ignores_crates_only_in_the_lockfile() {
    let stack = detect_fixture(&fixtures_dir().join("transitive-only"));
    assert!(stack.frameworks.is_empty(), "{:?}", stack.frameworks);
    assert!(stack.orms.is_empty() && stack.databases.is_empty());
}

#[test]
fn detect_reports_frameworks_per_member() {
    let stack = detect_fixture(&fixtures_dir().join("multi-crate"));
    assert_eq!(
        framework_names(&stack),
        ["actix-web (admin)", "axum (api)", "tonic (grpc)"]
    );
}

#[test]
fn detect_survives_a_broken_compose_file() {
    let stack = detect_fixture(&fixtures_dir().join("broken-compose"));
    let d = &stack.diagnostics[0];
    assert_eq!(d.rule, "invalid-yaml");
    assert_eq!(d.file.as_deref(), Some("docker-compose.yml"));
    assert_eq!(d.span.map(|s| s.line), Some(8));
    // The rest is still detected.
    assert_eq!(framework_names(&stack), ["axum (half-done)"]);
    assert_eq!(stack.infrastructure.len(), 1);
    assert_eq!(stack.infrastructure[0].name, "docker");
}
