//! `cargo specplan lsp`: a language server on stdio for the documents and
//! the Rust code of a workspace.
//!
//! The documents are read before the first answer, so hover and go to
//! definition on an ID work at once; the code (annotations, routes, the
//! lock) is indexed on a background thread, and diagnostics, coverage and
//! code lenses follow as soon as it is there. Every open buffer is parsed
//! as the editor has it, with the same parsers and rules as `check`.

mod features;
mod model;
mod text;

use std::collections::HashMap;

use crossbeam_channel::{Receiver, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeLens, CodeLensParams,
    Command, CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentSymbol, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, InitializeParams, Location, MarkupContent, MarkupKind, OneOf,
    PositionEncodingKind, PrepareRenameResponse, PublishDiagnosticsParams, ReferenceParams,
    RenameParams, ServerCapabilities, SymbolInformation, SymbolKind, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use camino::Utf8PathBuf;
use model::{Code, Model, Place};
use text::{Encoding, LineMap};

/// Runs the server until the client says `exit`.
pub fn run() -> Result<(), crate::CliError> {
    let (connection, io) = Connection::stdio();
    let fail = |e: String| crate::CliError::Usage(format!("lsp: {e}"));
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| fail(e.to_string()))?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| fail(e.to_string()))?;
    let encoding = negotiate(&params);
    let root = workspace_root(&params).ok_or_else(|| fail("no workspace folder".into()))?;
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": {"name": "cargo-specplan", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| fail(e.to_string()))?;
    let outcome = match Model::load(&root) {
        Ok(model) => {
            let (tx, index) = crossbeam_channel::bounded(1);
            let ws_root = model.ws.root.clone();
            std::thread::spawn(move || {
                if let Ok(ws) = specplan_core::Workspace::load(None, ws_root.as_std_path()) {
                    let _ = tx.send(Code::build(&ws));
                }
            });
            Server {
                connection: &connection,
                model,
                encoding,
                versions: HashMap::new(),
            }
            .main_loop(index)
        }
        Err(e) => {
            // Say why in the editor, then answer nothing until exit.
            let _ = connection
                .sender
                .send(Message::Notification(Notification::new(
                    lsp_types::notification::ShowMessage::METHOD.to_string(),
                    serde_json::json!({"type": 1, "message": format!("cargo-specplan: {e}")}),
                )));
            idle(&connection)
        }
    };
    drop(connection);
    io.join().map_err(|e| fail(e.to_string()))?;
    outcome.map_err(fail)
}

/// UTF-8 when the client offers it (no conversion), else UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn workspace_root(params: &InitializeParams) -> Option<Utf8PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return text::uri_to_path(&folder.uri);
    }
    #[allow(deprecated)]
    if let Some(uri) = &params.root_uri {
        return text::uri_to_path(uri);
    }
    std::env::current_dir()
        .ok()
        .and_then(|d| Utf8PathBuf::from_path_buf(d).ok())
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "-".into(), " ".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_lens_provider: Some(lsp_types::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// Without a workspace: answer requests with an error until `exit`.
fn idle(connection: &Connection) -> Result<(), String> {
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let resp = Response::new_err(
                    req.id,
                    ErrorCode::RequestFailed as i32,
                    "cargo-specplan could not load the workspace".into(),
                );
                connection
                    .sender
                    .send(Message::Response(resp))
                    .map_err(|e| e.to_string())?;
            }
            Message::Notification(n) if n.method == lsp_types::notification::Exit::METHOD => {
                return Ok(());
            }
            _ => {}
        }
    }
    Ok(())
}

struct Server<'c> {
    connection: &'c Connection,
    model: Model,
    encoding: Encoding,
    /// The version of each open document the client last sent.
    versions: HashMap<String, i32>,
}

impl Server<'_> {
    fn main_loop(&mut self, index: Receiver<Code>) -> Result<(), String> {
        let mut index = Some(index);
        loop {
            let msg = match &index {
                Some(rx) => select! {
                    recv(self.connection.receiver) -> msg => match msg {
                        Ok(m) => m,
                        Err(_) => return Ok(()),
                    },
                    recv(rx) -> code => {
                        index = None;
                        if let Ok(code) = code {
                            self.model.set_code(code);
                            self.publish_open();
                        }
                        continue;
                    }
                },
                None => match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if self
                        .connection
                        .handle_shutdown(&req)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    let id = req.id.clone();
                    let resp = match self.request(req) {
                        Ok(value) => Response::new_ok(id, value),
                        Err((code, message)) => Response::new_err(id, code as i32, message),
                    };
                    self.send(Message::Response(resp))?;
                }
                Message::Notification(n) => {
                    if n.method == lsp_types::notification::Exit::METHOD {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, msg: Message) -> Result<(), String> {
        self.connection.sender.send(msg).map_err(|e| e.to_string())
    }

    fn rel(&self, uri: &Uri) -> Option<String> {
        self.model.rel_of(&text::uri_to_path(uri)?)
    }

    fn uri(&self, rel: &str) -> Uri {
        text::path_to_uri(&self.model.abs(rel))
    }

    /// A place as a protocol location.
    fn location(&self, place: &Place) -> Option<Location> {
        let text = self.model.text(&place.rel)?;
        let map = LineMap::new(&text);
        Some(Location::new(
            self.uri(&place.rel),
            map.range(&text, &place.range, self.encoding),
        ))
    }

    /// The workspace-relative path, text and byte offset of a position.
    fn at(&self, p: &TextDocumentPositionParams) -> Option<(String, String, usize)> {
        let rel = self.rel(&p.text_document.uri)?;
        let text = self.model.text(&rel)?;
        let offset = LineMap::new(&text).offset(&text, p.position, self.encoding);
        Some((rel, text, offset))
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification::*;
        let method = n.method.as_str();
        if method == DidOpenTextDocument::METHOD {
            if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params)
                && let Some(rel) = self.rel(&p.text_document.uri)
            {
                self.versions.insert(rel.clone(), p.text_document.version);
                self.model.set_text(&rel, p.text_document.text);
                self.publish_open();
            }
        } else if method == DidChangeTextDocument::METHOD {
            if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params)
                && let Some(rel) = self.rel(&p.text_document.uri)
                && let Some(change) = p.content_changes.into_iter().last()
            {
                self.versions.insert(rel.clone(), p.text_document.version);
                self.model.set_text(&rel, change.text);
                self.publish_open();
            }
        } else if method == DidCloseTextDocument::METHOD {
            if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params)
                && let Some(rel) = self.rel(&p.text_document.uri)
            {
                self.versions.remove(&rel);
                self.model.close(&rel);
                let _ = self.publish(&rel, Vec::new());
                self.publish_open();
            }
        } else if method == DidSaveTextDocument::METHOD {
            if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params)
                && let Some(rel) = self.rel(&p.text_document.uri)
            {
                self.model.saved(&rel);
                self.publish_open();
            }
        } else if method == DidChangeWatchedFiles::METHOD
            && let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params)
        {
            for change in p.changes {
                if let Some(rel) = self.rel(&change.uri) {
                    self.model.reload(&rel);
                }
            }
            self.publish_open();
        }
    }

    /// Diagnostics of every open file, from one run of the rules.
    fn publish_open(&mut self) {
        let open: Vec<String> = self.model.open.keys().cloned().collect();
        let Some(mut by_file) = self.model.diagnostics(&open) else {
            return;
        };
        for rel in open {
            let diags = by_file.remove(&rel).unwrap_or_default();
            let _ = self.publish(&rel, diags);
        }
    }

    fn publish(&self, rel: &str, diags: Vec<specplan_core::Diagnostic>) -> Result<(), String> {
        let text = self.model.text(rel).unwrap_or_default();
        let map = LineMap::new(&text);
        let diagnostics = diags
            .into_iter()
            .map(|d| to_lsp_diagnostic(&d, &text, &map, self.encoding))
            .collect();
        let params = PublishDiagnosticsParams {
            uri: self.uri(rel),
            diagnostics,
            version: self.versions.get(rel).copied(),
        };
        self.send(Message::Notification(Notification::new(
            lsp_types::notification::PublishDiagnostics::METHOD.to_string(),
            params,
        )))
    }

    fn request(&mut self, req: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        use lsp_types::request::*;
        fn params<T: serde::de::DeserializeOwned>(
            v: serde_json::Value,
        ) -> Result<T, (ErrorCode, String)> {
            serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
        }
        let json = |v: serde_json::Value| Ok(v);
        let m = req.method.as_str();
        if m == HoverRequest::METHOD {
            let p: HoverParams = params(req.params)?;
            let Some((rel, text, at)) = self.at(&p.text_document_position_params) else {
                return json(serde_json::Value::Null);
            };
            let Some((markdown, range)) = features::hover(&mut self.model, &rel, at) else {
                return json(serde_json::Value::Null);
            };
            let map = LineMap::new(&text);
            return to_json(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: markdown,
                }),
                range: Some(map.range(&text, &range, self.encoding)),
            });
        }
        if m == GotoDefinition::METHOD {
            let p: GotoDefinitionParams = params(req.params)?;
            let Some((rel, _, at)) = self.at(&p.text_document_position_params) else {
                return json(serde_json::Value::Null);
            };
            return match features::definition(&self.model, &rel, at)
                .and_then(|place| self.location(&place))
            {
                Some(loc) => to_json(GotoDefinitionResponse::Scalar(loc)),
                None => json(serde_json::Value::Null),
            };
        }
        if m == References::METHOD {
            let p: ReferenceParams = params(req.params)?;
            let Some((rel, _, at)) = self.at(&p.text_document_position) else {
                return json(serde_json::Value::Null);
            };
            let places = features::references(&self.model, &rel, at, p.context.include_declaration);
            let locations: Vec<Location> = places.iter().filter_map(|p| self.location(p)).collect();
            return to_json(locations);
        }
        if m == Completion::METHOD {
            let p: CompletionParams = params(req.params)?;
            let Some((rel, text, at)) = self.at(&p.text_document_position) else {
                return json(serde_json::Value::Null);
            };
            let items: Vec<CompletionItem> = features::completion(&self.model, &rel, &text, at)
                .into_iter()
                .map(|c| CompletionItem {
                    label: c.label,
                    detail: Some(c.detail),
                    sort_text: Some(c.sort),
                    kind: Some(match c.kind {
                        features::CompletionKind::Id => CompletionItemKind::REFERENCE,
                        features::CompletionKind::File => CompletionItemKind::FILE,
                    }),
                    ..Default::default()
                })
                .collect();
            return to_json(CompletionResponse::Array(items));
        }
        if m == DocumentSymbolRequest::METHOD {
            let p: DocumentSymbolParams = params(req.params)?;
            let Some(rel) = self.rel(&p.text_document.uri) else {
                return json(serde_json::Value::Null);
            };
            let text = self.model.text(&rel).unwrap_or_default();
            let map = LineMap::new(&text);
            #[allow(deprecated)]
            let symbols: Vec<DocumentSymbol> = features::document_symbols(&self.model, &rel)
                .into_iter()
                .map(|s| DocumentSymbol {
                    kind: symbol_kind(&s),
                    name: s.name,
                    detail: (!s.detail.is_empty()).then_some(s.detail),
                    tags: None,
                    deprecated: None,
                    range: map.range(&text, &s.range, self.encoding),
                    selection_range: map.range(&text, &s.selection, self.encoding),
                    children: None,
                })
                .collect();
            return to_json(DocumentSymbolResponse::Nested(symbols));
        }
        if m == WorkspaceSymbolRequest::METHOD {
            let p: WorkspaceSymbolParams = params(req.params)?;
            #[allow(deprecated)]
            let symbols: Vec<SymbolInformation> =
                features::workspace_symbols(&self.model, &p.query)
                    .into_iter()
                    .filter_map(|s| {
                        let location = self.location(&Place {
                            rel: s.rel.clone(),
                            range: s.selection.clone(),
                        })?;
                        Some(SymbolInformation {
                            kind: symbol_kind(&s),
                            name: s.name,
                            tags: None,
                            deprecated: None,
                            location,
                            container_name: Some(s.rel),
                        })
                    })
                    .collect();
            return to_json(WorkspaceSymbolResponse::Flat(symbols));
        }
        if m == PrepareRenameRequest::METHOD {
            let p: TextDocumentPositionParams = params(req.params)?;
            let Some((rel, text, at)) = self.at(&p) else {
                return json(serde_json::Value::Null);
            };
            return match features::prepare_rename(&self.model, &rel, at) {
                Some(hit) => {
                    let map = LineMap::new(&text);
                    to_json(PrepareRenameResponse::Range(map.range(
                        &text,
                        &hit.range,
                        self.encoding,
                    )))
                }
                None => json(serde_json::Value::Null),
            };
        }
        if m == Rename::METHOD {
            let p: RenameParams = params(req.params)?;
            let Some((rel, _, at)) = self.at(&p.text_document_position) else {
                return json(serde_json::Value::Null);
            };
            let edits = features::rename(&self.model, &rel, at, &p.new_name)
                .map_err(|e| (ErrorCode::RequestFailed, e))?;
            // `Uri` caches its parse inside; it is never changed as a key.
            #[allow(clippy::mutable_key_type)]
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            for (place, new) in edits {
                if let Some(loc) = self.location(&place) {
                    changes
                        .entry(loc.uri)
                        .or_default()
                        .push(TextEdit::new(loc.range, new));
                }
            }
            return to_json(WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            });
        }
        if m == CodeLensRequest::METHOD {
            let p: CodeLensParams = params(req.params)?;
            let Some(rel) = self.rel(&p.text_document.uri) else {
                return json(serde_json::Value::Null);
            };
            let text = self.model.text(&rel).unwrap_or_default();
            let map = LineMap::new(&text);
            let lenses: Vec<CodeLens> = features::code_lenses(&mut self.model, &rel)
                .into_iter()
                .map(|(range, title)| CodeLens {
                    range: map.range(&text, &range, self.encoding),
                    command: Some(Command::new(title, "specplan.references".into(), None)),
                    data: None,
                })
                .collect();
            return to_json(lenses);
        }
        if m == CodeActionRequest::METHOD {
            let p: CodeActionParams = params(req.params)?;
            let Some(rel) = self.rel(&p.text_document.uri) else {
                return json(serde_json::Value::Null);
            };
            let text = self.model.text(&rel).unwrap_or_default();
            let map = LineMap::new(&text);
            let uri = p.text_document.uri.clone();
            let actions: Vec<CodeActionOrCommand> = features::fixes(&self.model, &rel, &text)
                .into_iter()
                .map(|fix| {
                    let edits = fix
                        .edits
                        .iter()
                        .map(|(r, new)| {
                            TextEdit::new(map.range(&text, r, self.encoding), new.clone())
                        })
                        .collect();
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(uri.clone(), edits)])),
                            ..Default::default()
                        }),
                        diagnostics: Some(
                            p.context
                                .diagnostics
                                .iter()
                                .filter(|d| {
                                    d.code
                                        == Some(lsp_types::NumberOrString::String(
                                            fix.rule.to_string(),
                                        ))
                                })
                                .cloned()
                                .collect(),
                        ),
                        is_preferred: Some(true),
                        ..Default::default()
                    })
                })
                .collect();
            return to_json(actions);
        }
        Err((
            ErrorCode::MethodNotFound,
            format!("cargo-specplan does not answer `{m}`"),
        ))
    }
}

fn to_json<T: serde::Serialize>(v: T) -> Result<serde_json::Value, (ErrorCode, String)> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn symbol_kind(s: &features::Symbol) -> SymbolKind {
    if s.is_endpoint {
        return SymbolKind::METHOD;
    }
    match s.kind {
        specplan_ids::Kind::Fr => SymbolKind::FUNCTION,
        specplan_ids::Kind::Nfr => SymbolKind::PROPERTY,
        specplan_ids::Kind::Us => SymbolKind::EVENT,
        specplan_ids::Kind::Uc => SymbolKind::CLASS,
    }
}

/// A `check` diagnostic as the editor shows it: the same rule name (as the
/// code), level, message, label, help and notes.
fn to_lsp_diagnostic(
    d: &specplan_core::Diagnostic,
    text: &str,
    map: &LineMap,
    enc: Encoding,
) -> lsp_types::Diagnostic {
    let range = match d.span {
        Some(s) if s.start_byte != usize::MAX && s.end_byte <= text.len() => {
            map.range(text, &(s.start_byte..s.end_byte), enc)
        }
        Some(s) => {
            let start = specplan_core::diag::byte_offset(text, s.line, s.column).unwrap_or(0);
            let end = specplan_core::diag::byte_offset(text, s.end_line, s.end_column)
                .unwrap_or(start)
                .max(start);
            map.range(text, &(start..end), enc)
        }
        None => lsp_types::Range::default(),
    };
    let mut message = d.message.clone();
    if let Some(label) = &d.label {
        message.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.level {
            specplan_core::Level::Error => lsp_types::DiagnosticSeverity::ERROR,
            _ => lsp_types::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp_types::NumberOrString::String(d.rule.clone())),
        source: Some("cargo-specplan".into()),
        message,
        ..Default::default()
    }
}
