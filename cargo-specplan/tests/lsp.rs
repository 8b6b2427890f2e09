//! `cargo specplan lsp`, driven over stdio by a small JSON-RPC client, the
//! way an editor drives it: every feature on a fixture backend whose
//! documents the binary wrote itself.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use common::lsp_client::Client;
use common::{STEPS, annotate_create_item, bin, documented_shop};
use serde_json::{Value, json};

const REQS: &str = "docs/en/specifications/items/requirements/requirements.md";
const API: &str = "docs/en/specifications/items/requirements/api-spec.md";
const SEQ: &str = "docs/en/specifications/items/workflows/sequence-diagram.md";
const ITEMS: &str = "src/handlers/items.rs";

/// The fixture with its five documents, and `#[implements("FR-ITEMS-01")]`
/// on the handler that creates an item (without its `use`).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = documented_shop(STEPS.len());
    annotate_create_item(&dir);
    (tmp, dir)
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count()
}

#[test]
fn an_editor_session() {
    let (_tmp, dir) = workspace();
    let mut cmd = bin();
    cmd.args(["specplan", "lsp"]);
    let mut c = Client::start(cmd, &dir);
    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": c.uri(""),
            "workspaceFolders": [{"uri": c.uri("").trim_end_matches('/'), "name": "shop"}],
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}}
        }),
    );
    let caps = &init["capabilities"];
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "completionProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "renameProvider",
        "codeLensProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap}: {init}");
    }
    assert_eq!(caps["positionEncoding"], "utf-16");
    c.notify("initialized", json!({}));

    let items = c.open(ITEMS, "rust");
    let reqs = c.open(REQS, "markdown");

    // Hover on the ID in the attribute: title, document, status, coverage.
    let hover = c.request("textDocument/hover", c.at(ITEMS, &items, "FR-ITEMS-01", 3));
    let value = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(value.contains("**FR-ITEMS-01**: Create item"), "{value}");
    assert!(
        value.contains("requirements.md") && value.contains("Approved"),
        "{value}"
    );

    // Diagnostics arrive once the code is indexed; the annotation counts.
    let diags = c.diagnostics(ITEMS, 1);
    assert!(diags.is_empty(), "{diags:?}");
    let _ = c.diagnostics(REQS, 1);
    let hover = c.request("textDocument/hover", c.at(ITEMS, &items, "FR-ITEMS-01", 3));
    let value = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(
        value.contains("implemented by: `create_item` (src/handlers/items.rs:"),
        "{value}"
    );

    // Go to definition: the requirement's heading.
    let def = c.request(
        "textDocument/definition",
        c.at(ITEMS, &items, "FR-ITEMS-01", 2),
    );
    assert_eq!(def["uri"], c.uri(REQS), "{def}");
    assert_eq!(
        def["range"]["start"]["line"],
        line_of(&reqs, "### FR-ITEMS-01")
    );

    // References: the documents and the code.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": c.uri(REQS)}, "position": c.at(REQS, &reqs, "### FR-ITEMS-01", 6)["position"], "context": {"includeDeclaration": true}}),
    );
    let uris: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&c.uri(ITEMS).as_str()), "{uris:?}");
    assert!(
        uris.iter().any(|u| u.ends_with("user-stories.md")),
        "{uris:?}"
    );
    assert!(uris.contains(&c.uri(REQS).as_str()), "{uris:?}");

    // Completion inside `#[implements("`.
    let edited = items.replace(
        "pub async fn get_item(",
        "#[implements(\"\")]\npub async fn get_item(",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri(ITEMS), "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let completion = c.request(
        "textDocument/completion",
        c.at(ITEMS, &edited, "#[implements(\"\")]", 14),
    );
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"FR-ITEMS-02"), "{labels:?}");
    assert!(labels.contains(&"US-ITEMS-01"), "{labels:?}");
    // The empty ID is a diagnostic of the buffer, not of the file on disk.
    let diags = c.diagnostics(ITEMS, 2);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "malformed-id" || d["code"] == "dangling-implements"),
        "{diags:?}"
    );

    // Symbols of a document, and of the workspace.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": c.uri(REQS)}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.starts_with(&["FR-ITEMS-01", "FR-ITEMS-02"]),
        "{names:?}"
    );
    let found = c.request("workspace/symbol", json!({"query": "get item"}));
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "FR-ITEMS-02"),
        "{found}"
    );

    // Code lenses on the requirement headings.
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": c.uri(REQS)}}),
    );
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[0], "implemented by 1 · verified by 0", "{titles:?}");

    // An edit in a document: diagnostics on the unsaved buffer, quickly.
    let broken = reqs.replacen(
        "### FR-ITEMS-02: Get item",
        "### FR-ITEMS-02: Get item\n\nSee FR-ITEMS-99.",
        1,
    );
    let started = Instant::now();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri(REQS), "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diags = c.diagnostics(REQS, 2);
    let took = started.elapsed();
    let undefined: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "undefined-id")
        .collect();
    assert_eq!(undefined.len(), 1, "{diags:?}");
    assert_eq!(
        undefined[0]["range"]["start"]["line"],
        line_of(&broken, "See FR-ITEMS-99")
    );
    assert_eq!(undefined[0]["severity"], 1);
    eprintln!("diagnostics after an edit: {took:?}");

    // Hover and definition from a diagram participant and an endpoint.
    let seq = c.open(SEQ, "markdown");
    let hover = c.request(
        "textDocument/hover",
        c.at(SEQ, &seq, "participant P as items.rs", 12),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`src/handlers/items.rs`"),
        "{hover}"
    );
    // File names on a participant line of a diagram.
    let with_line = seq.replacen(
        "    participant P as items.rs<br/>(Presentation)",
        "    participant P as items.rs<br/>(Presentation)\n    participant Q as ",
        1,
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri(SEQ), "version": 2}, "contentChanges": [{"text": with_line}]}),
    );
    let completion = c.request(
        "textDocument/completion",
        c.at(SEQ, &with_line, "participant Q as ", 17),
    );
    let files: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"items.rs") && files.contains(&"auth.rs"),
        "{files:?}"
    );
    assert!(!files.iter().any(|f| f.starts_with("FR-")), "{files:?}");
    let api = c.open(API, "markdown");
    let def = c.request(
        "textDocument/definition",
        c.at(API, &api, "### GET /api/items/{id}", 6),
    );
    assert_eq!(def["uri"], c.uri(ITEMS), "{def}");
    assert_eq!(
        def["range"]["start"]["line"],
        line_of(&edited, "pub async fn get_item")
    );

    // Code actions: the missing `use`, and a Table of Contents out of date.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri(ITEMS)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    );
    let add_use = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Add `use specplan_macros::implements;`")
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &add_use["edit"]["changes"][c.uri(ITEMS)][0];
    assert_eq!(edit["newText"], "use specplan_macros::implements;\n");
    let stale_toc = broken.replacen("(#3-functional-requirements)", "(#3-functional)", 1);
    assert_ne!(stale_toc, broken);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri(REQS), "version": 3}, "contentChanges": [{"text": stale_toc}]}),
    );
    let diags = c.diagnostics(REQS, 3);
    assert!(
        diags.iter().any(|d| d["code"] == "toc-mismatch"),
        "{diags:?}"
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri(REQS)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": diags}}),
    );
    let toc = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Regenerate the Table of Contents from the sections")
        .unwrap_or_else(|| panic!("{actions}"));
    let new_text = toc["edit"]["changes"][c.uri(REQS)][0]["newText"]
        .as_str()
        .unwrap();
    assert!(
        new_text.contains("3. [Functional Requirements](#3-functional-requirements)"),
        "{new_text}"
    );
    // The edit replaces the list, not the heading above it.
    let edit = &toc["edit"]["changes"][c.uri(REQS)][0];
    assert_eq!(
        edit["range"]["start"]["line"],
        line_of(&stale_toc, "1. [Overview]")
    );
    assert!(!new_text.contains("Table of Contents"));
    assert_eq!(toc["diagnostics"][0]["code"], "toc-mismatch");
    // The navigation line, as generate writes it.
    let nav_line = broken
        .lines()
        .find(|l| l.starts_with("**Previous:**"))
        .unwrap()
        .to_string();
    let wrong_nav = broken.replacen(&nav_line, "**Previous:** [Nowhere](nowhere.md)", 1);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri(REQS), "version": 4}, "contentChanges": [{"text": wrong_nav}]}),
    );
    let diags = c.diagnostics(REQS, 4);
    assert!(
        diags.iter().any(|d| d["code"] == "missing-navigation"),
        "{diags:?}"
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri(REQS)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": diags}}),
    );
    let nav = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Write the Previous/Next navigation in pipeline order")
        .unwrap_or_else(|| panic!("{actions}"));
    assert_eq!(
        nav["edit"]["changes"][c.uri(REQS)][0]["newText"],
        nav_line.as_str()
    );
    // On the document as generated, there is nothing to fix.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri(REQS), "version": 5}, "contentChanges": [{"text": reqs}]}),
    );
    let _ = c.diagnostics(REQS, 5);
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri(REQS)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, json!([]), "a generated document needs no fix");

    // Rename an ID across documents and attributes.
    let prepared = c.request(
        "textDocument/prepareRename",
        c.at(ITEMS, &edited, "FR-ITEMS-01", 1),
    );
    assert_eq!(prepared["start"]["line"], line_of(&edited, "FR-ITEMS-01"));
    let mut rename = c.at(ITEMS, &edited, "FR-ITEMS-01", 1);
    rename["newName"] = json!("FR-ITEMS-07");
    let edit = c.request("textDocument/rename", rename.clone());
    let changes = edit["changes"].as_object().unwrap();
    assert!(changes.contains_key(&c.uri(ITEMS)), "{edit}");
    assert!(changes.contains_key(&c.uri(REQS)), "{edit}");
    assert!(
        changes
            .values()
            .flat_map(|v| v.as_array().unwrap())
            .all(|e| e["newText"] == "FR-ITEMS-07")
    );
    rename["newName"] = json!("FR-ITEMS-02");
    let refused = c.request("textDocument/rename", rename);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already defined"),
        "{refused}"
    );

    let _ = c.request("shutdown", json!(null));
    c.notify("exit", json!(null));
    let status = c.child.wait().unwrap();
    assert!(status.success());
}
