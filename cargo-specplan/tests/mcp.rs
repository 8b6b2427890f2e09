//! `cargo specplan mcp` driven by the official MCP TypeScript SDK's client
//! (`tests/mcp`, `npm ci --prefix tests/mcp`): tools, resources and prompts
//! listed; the Step 0–6 flow through tools alone on a fixture backend that
//! has no documents yet, ending with `check` clean; the review gate, bad
//! arguments and confinement.
//!
//! Without Node.js or the SDK installed the test is skipped with a message,
//! except under `CI=true`, where it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The client's folder, when its SDK is installed.
fn client() -> Option<PathBuf> {
    let dir = repo().join("tests/mcp");
    let node = Command::new("node").arg("--version").output();
    let why = if !node.is_ok_and(|o| o.status.success()) {
        "Node.js is not installed (Debian: `apt-get install -y nodejs npm`)"
    } else if !dir
        .join("node_modules/@modelcontextprotocol/sdk/package.json")
        .is_file()
    {
        "the MCP client SDK is not installed: run `npm ci --prefix tests/mcp`"
    } else {
        return Some(dir);
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the MCP client test must run in CI: {why}");
    }
    eprintln!("skipped: {why}");
    None
}

#[test]
fn the_whole_flow_through_an_mcp_client() {
    let Some(dir) = client() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("api");
    common::copy_dir(&repo().join("tests/fixtures/routes/auth-axum"), &ws);
    let out = Command::new("node")
        .arg(dir.join("client.mjs"))
        .arg(env!("CARGO_BIN_EXE_cargo-specplan"))
        .arg(ws.join("Cargo.toml"))
        .arg("users")
        .env("SPECPLAN_TODAY", "2026-01-15")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the client failed:\n{stderr}");
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();

    let names = |key: &str| -> Vec<String> {
        seen[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names("tools"),
        [
            "detect",
            "routes",
            "status",
            "init",
            "generate",
            "approve",
            "index",
            "sync",
            "check",
            "explain",
            "trace",
            "plan",
            "plan_validate",
            "consult",
            "annotate"
        ]
    );
    assert_eq!(
        names("prompts"),
        ["backend-planning", "backend-planner", "backend-consultants"]
    );
    assert_eq!(seen["server"]["name"], "cargo-specplan");
    // The fixture serves eight endpoints; the five steps were written and
    // approved, each reporting its TODOs; check ends without an error.
    assert_eq!(seen["endpoints"], 8);
    let steps: Vec<&str> = seen["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "requirements",
            "user-stories",
            "api-spec",
            "use-cases",
            "sequence-diagram"
        ]
    );
    assert!(
        seen["steps"].as_array().unwrap()[0]["todos"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(seen["check"]["errors"], 0);
    assert!(
        seen["gate_message"]
            .as_str()
            .unwrap()
            .contains("waits for Step 1 (requirements) to be approved"),
        "{seen}"
    );
    assert!(
        seen["gate_message"]
            .as_str()
            .unwrap()
            .contains("the MCP tools never pass the review gate"),
        "{seen}"
    );
    assert_eq!(
        names("consult_documents"),
        [
            "00-backend-summary.md",
            "04-api-design.md",
            "05-data-model.md",
            "06-tech-recommendations.md",
            "07-security-requirements.md",
            "08-compliance-requirements.md"
        ]
    );
    assert!(seen["progress"].as_u64().unwrap() > 0, "{seen}");
    // Bad arguments: each named.
    let errors = &seen["errors"];
    assert_eq!(
        errors["generate "],
        "MCP error -32602: `generate`: `domain` must be given (a non-empty string)"
    );
    assert_eq!(
        errors["status verbose"],
        "MCP error -32602: `status` has no argument `verbose`: it takes no arguments"
    );
    assert!(
        errors["generate_done"]
            .as_str()
            .unwrap()
            .contains("every step of `users` has its document")
    );
    // The server wrote inside the workspace only.
    assert!(ws.join("docs/en/specifications/README.md").is_file());
    assert!(
        ws.join("planning-docs/password-reset/00-backend-summary.md")
            .is_file()
    );
    let outside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, [std::ffi::OsString::from("api")]);
}
