//! The language server, driven over stdio as an editor drives it.
//!
//! ```sh
//! cargo bench -p cargo-specplan --bench lsp
//! SPECPLAN_BENCH_WORKSPACE=/path/to/backend cargo bench -p cargo-specplan --bench lsp
//! ```
//!
//! Generates the routed workspace of the `scan` benchmark (25 crates that
//! depend on axum, 1,200 Rust files, 790 routes, 2,800 annotations) — or
//! takes a real one — starts `cargo-specplan specplan lsp` (the release
//! binary), opens a requirements document and reports:
//! - the first hover on it (answered from the documents, while the code is
//!   still being indexed in the background);
//! - the first diagnostics (the background index done);
//! - for 30 edits of the document, the time from the change to the
//!   diagnostics of that version (median, p95, max; the target is 50 ms);
//! - the server's peak memory (`VmHWM`).

#[path = "../../specplan-core/benches/support/workspace.rs"]
mod workspace;

#[allow(dead_code)]
#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use lsp_client::Client;
use serde_json::{Value, json};

fn binary() -> PathBuf {
    // The release binary next to this benchmark's executable.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("cargo-specplan");
    if !bin.is_file() {
        eprintln!("building the release binary…");
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "-p", "cargo-specplan"])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
    bin
}

fn first_requirements(root: &Path) -> PathBuf {
    let mut stack = vec![root.join("docs")];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "requirements.md") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .next()
        .expect("the workspace has a requirements.md under docs/")
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let root = match std::env::var_os("SPECPLAN_BENCH_WORKSPACE") {
        Some(p) => PathBuf::from(p),
        None => {
            let root = tmp.path().join("routed");
            let (tree, routes) = workspace::generate_routed(&root);
            println!(
                "generated: {} files ({} .rs), {} lines, {routes} routes, {} annotations",
                tree.files, tree.rs_files, tree.lines, tree.annotations
            );
            root
        }
    };
    let root = root.canonicalize().unwrap();
    let doc = first_requirements(&root);
    let rel = doc.strip_prefix(&root).unwrap().display().to_string();
    let text = std::fs::read_to_string(&doc).unwrap();

    let started = Instant::now();
    let mut cmd = Command::new(binary());
    cmd.args(["specplan", "lsp"]);
    let mut c = Client::start(cmd, &root);
    let uri = c.uri(&rel);
    let pid = c.child.id();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    // Hover on the first ID definition of the document.
    let at = text.find("FR-").unwrap_or(0);
    let line = text[..at].matches('\n').count();
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count()
        + 1;
    let pos = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}});
    let hover = c.request("textDocument/hover", pos);
    let first_hover = started.elapsed();
    let hovered = hover["contents"]["value"].as_str().unwrap_or("");
    let indexing = hovered.contains("indexing");
    let diags = c.diagnostics(&rel, 1).len();
    let indexed = started.elapsed();

    const EDITS: i64 = 30;
    let mut times = Vec::new();
    for v in 2..=EDITS + 1 {
        let edited = format!("{text}\nSee FR-NOPE-{v:02} and the note {v}.\n");
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": edited}]}),
        );
        let n = c.diagnostics(&rel, v).len();
        times.push(t.elapsed());
        assert!(n > diags.min(n.saturating_sub(1)), "the edit is diagnosed");
    }
    times.sort();
    let peak = vm_hwm_kib(pid);
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let _ = c.child.wait();

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!("workspace: {}", root.display());
    println!("document:  {}", doc.strip_prefix(&root).unwrap().display());
    println!(
        "first hover      {} after start ({})",
        ms(first_hover),
        if indexing {
            "answered from the documents while the code was indexed"
        } else {
            "the index was already there"
        }
    );
    println!(
        "first diagnostics {} after start (background index done; {diags} findings)",
        ms(indexed)
    );
    println!(
        "diagnostics after an edit, {EDITS} edits: median {}, p95 {}, max {} (target ≤ 50 ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(*times.last().unwrap())
    );
    match peak {
        Some(kib) => println!("server peak memory {:.1} MiB (VmHWM)", kib as f64 / 1024.0),
        None => println!("server peak memory unknown (no /proc)"),
    }
}
