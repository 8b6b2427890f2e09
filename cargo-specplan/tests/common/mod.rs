//! What the end-to-end tests share: the binary with a fixed date and no
//! colour, and copies of fixture workspaces.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

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
