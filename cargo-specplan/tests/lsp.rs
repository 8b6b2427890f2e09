//! `cargo specplan lsp`, driven over stdio by a small JSON-RPC client, the
//! way an editor drives it: every feature on a fixture backend whose
//! documents the binary wrote itself.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use common::{bin, copy_dir};
use serde_json::{Value, json};

const REQS: &str = "docs/en/specifications/items/requirements/requirements.md";
const API: &str = "docs/en/specifications/items/requirements/api-spec.md";
const SEQ: &str = "docs/en/specifications/items/workflows/sequence-diagram.md";
const ITEMS: &str = "src/handlers/items.rs";

fn ok(dir: &Path, args: &[&str]) {
    let out = bin()
        .current_dir(dir)
        .arg("specplan")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixture with its five documents, and `#[implements("FR-ITEMS-01")]`
/// on the handler that creates an item (without its `use`).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shop");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sync/shop"),
        &dir,
    );
    ok(&dir, &["init", "--yes"]);
    for step in [
        "requirements",
        "user-stories",
        "api-spec",
        "use-cases",
        "sequence-diagram",
    ] {
        ok(&dir, &["generate", "items", "--yes"]);
        ok(&dir, &["approve", "items", step]);
    }
    let items = dir.join(ITEMS);
    let text = std::fs::read_to_string(&items).unwrap();
    std::fs::write(
        &items,
        text.replace(
            "pub async fn create_item(",
            "#[implements(\"FR-ITEMS-01\")]\npub async fn create_item(",
        ),
    )
    .unwrap();
    (tmp, dir)
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: i64,
    /// Notifications received while waiting for responses.
    notes: Vec<Value>,
    root: PathBuf,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = bin()
            .arg("specplan")
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client {
            child,
            stdin,
            stdout,
            next: 1,
            notes: Vec::new(),
            root: root.to_path_buf(),
        }
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root.display())
    }

    fn write(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.write(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.read();
            if msg["id"] == id && msg.get("method").is_none() {
                if let Some(e) = msg.get("error") {
                    return json!({"error": e});
                }
                return msg["result"].clone();
            }
            self.notes.push(msg);
        }
    }

    /// The diagnostics published for version `version` of `rel`.
    fn diagnostics(&mut self, rel: &str, version: i64) -> Vec<Value> {
        let uri = self.uri(rel);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(i) = self.notes.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics"
                    && n["params"]["uri"] == uri
                    && n["params"]["version"] == version
            }) {
                let n = self.notes.remove(i);
                return n["params"]["diagnostics"].as_array().unwrap().clone();
            }
            assert!(Instant::now() < deadline, "no diagnostics for {rel}");
            let msg = self.read();
            self.notes.push(msg);
        }
    }

    fn open(&mut self, rel: &str, language: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        text
    }

    fn at(&self, rel: &str, text: &str, needle: &str, plus: usize) -> Value {
        let offset = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` in {rel}"))
            + plus;
        let line = text[..offset].matches('\n').count();
        let col = text[..offset]
            .rsplit('\n')
            .next()
            .unwrap()
            .encode_utf16()
            .count();
        json!({"textDocument": {"uri": self.uri(rel)}, "position": {"line": line, "character": col}})
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count()
}

#[test]
fn an_editor_session() {
    let (_tmp, dir) = workspace();
    let mut c = Client::start(&dir);
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
