//! What the end-to-end tests share: the binary with a fixed date and no
//! colour, and copies of fixture workspaces.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

pub mod lsp_client;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary, its date fixed and colour off.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-specplan"));
    cmd.env("SPECPLAN_TODAY", "2026-01-15")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("NO_COLOR");
    cmd
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `cargo-specplan specplan ARGS` in `dir`.
pub fn specplan(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .arg("specplan")
        .args(args)
        .output()
        .expect("the binary runs")
}

/// [`specplan`], which must succeed; its stderr.
pub fn specplan_ok(dir: &Path, args: &[&str]) -> String {
    let out = specplan(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?} failed:\n{stderr}");
    stderr
}

/// The five steps, in order.
pub const STEPS: [&str; 5] = [
    "requirements",
    "user-stories",
    "api-spec",
    "use-cases",
    "sequence-diagram",
];

/// A copy of `tests/fixtures/sync/shop` with `init` run and the first
/// `steps` of its `items` domain generated and approved by the binary.
pub fn documented_shop(steps: usize) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shop");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sync/shop"),
        &dir,
    );
    specplan_ok(&dir, &["init", "--yes"]);
    for step in &STEPS[..steps] {
        specplan_ok(&dir, &["generate", "items", "--yes"]);
        specplan_ok(&dir, &["approve", "items", step]);
    }
    (tmp, dir)
}

/// `#[implements("FR-ITEMS-01")]` on the shop's `create_item` (without
/// its `use`).
pub fn annotate_create_item(dir: &Path) {
    let items = dir.join("src/handlers/items.rs");
    let text = std::fs::read_to_string(&items).unwrap();
    std::fs::write(
        &items,
        text.replace(
            "pub async fn create_item(",
            "#[implements(\"FR-ITEMS-01\")]\npub async fn create_item(",
        ),
    )
    .unwrap();
}
