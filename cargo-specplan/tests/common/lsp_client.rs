//! A small JSON-RPC client for the language server over stdio, as an
//! editor drives it: shared by the integration test and the benchmark.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: i64,
    /// Notifications received while waiting for responses.
    notes: Vec<Value>,
    root: PathBuf,
}

impl Client {
    /// Starts `cmd` (the binary with `specplan lsp`) in `root`.
    pub fn start(mut cmd: Command, root: &Path) -> Client {
        let mut child = cmd
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

    pub fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root.display())
    }

    pub fn write(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn read(&mut self) -> Value {
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

    pub fn notify(&mut self, method: &str, params: Value) {
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
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
    pub fn diagnostics(&mut self, rel: &str, version: i64) -> Vec<Value> {
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

    pub fn open(&mut self, rel: &str, language: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        text
    }

    pub fn at(&self, rel: &str, text: &str, needle: &str, plus: usize) -> Value {
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
