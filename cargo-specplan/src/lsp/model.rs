//! What the language server knows: the workspace's documents (with the
//! editor's unsaved buffers in place of the files), and, once the background
//! index is built, the annotations, routes and lock of its code — the same
//! models `check` and `trace` use, so the editor and CI never disagree.

use std::collections::BTreeMap;
use std::ops::Range;

use camino::{Utf8Path, Utf8PathBuf};
use specplan_core::Workspace;
use specplan_core::annotations::Annotation;
use specplan_core::check::levels::Levels;
use specplan_core::config::Loaded;
use specplan_core::diag::Diagnostic;
use specplan_core::routes::RouteSet;
use specplan_core::source::Files;
use specplan_core::spec::{self, Document, Spec};
use specplan_core::trace::{self, Matrix};

/// The code side, built in the background: nothing here is needed to
/// answer a hover or a definition from the documents alone.
pub struct Code {
    pub files: Files,
    pub annotations: Vec<Annotation>,
    pub routes: RouteSet,
    pub lock: Option<trace::lock::Lock>,
}

impl Code {
    pub fn build(ws: &Workspace) -> Code {
        let files = specplan_core::source::walk_workspace(ws);
        let (scan, routes) = std::thread::scope(|s| {
            let routes = s.spawn(|| specplan_core::routes::extract(ws, &files));
            let scan = specplan_core::annotations::scan_workspace(ws, &files);
            (scan, routes.join().unwrap_or_default())
        });
        Code {
            annotations: scan.annotations,
            routes,
            lock: trace::lock::Lock::load(&ws.jail).ok().flatten(),
            files,
        }
    }
}

/// An ID under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdHit {
    pub id: String,
    /// The ID's bytes (inside the quotes of an attribute's literal).
    pub range: Range<usize>,
}

/// A place in the workspace: a workspace-relative path and a byte range of
/// its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub rel: String,
    pub range: Range<usize>,
}

pub struct Model {
    pub ws: Workspace,
    pub loaded: Loaded,
    pub levels: Levels,
    ctx: spec::Context,
    pub spec: Spec,
    pub code: Option<Code>,
    /// The editor's open buffers, by workspace-relative path.
    pub open: BTreeMap<String, String>,
    /// A buffer's own problems (a Rust file that does not parse).
    buffer_problems: BTreeMap<String, Vec<Diagnostic>>,
    /// The annotations of the open Rust buffers (known before the index).
    buffer_annotations: BTreeMap<String, Vec<Annotation>>,
    matrix: Option<Matrix>,
    /// What the rules learned about files, kept across edits.
    memo: specplan_core::check::rules::Memo,
}

impl Model {
    /// The documents of the workspace at `root` (the code comes later, with
    /// [`Model::set_code`]).
    pub fn load(root: &Utf8Path) -> Result<Model, String> {
        let ws = Workspace::load(None, root.as_std_path()).map_err(|e| e.to_string())?;
        let loaded = specplan_core::config::load(&ws).map_err(|d| d.message.clone())?;
        let levels = Levels::from_config(&loaded.config, &loaded.source, &ws.root)
            .map_err(|d| d.message.clone())?;
        let domains = domains(&loaded);
        let docs_root = loaded.config.docs.root();
        let ctx = spec::Context::new(&docs_root, &domains);
        let spec = spec::load(&ws.jail, &docs_root, &domains);
        Ok(Model {
            ws,
            loaded,
            levels,
            ctx,
            spec,
            code: None,
            open: BTreeMap::new(),
            buffer_problems: BTreeMap::new(),
            buffer_annotations: BTreeMap::new(),
            matrix: None,
            memo: Default::default(),
        })
    }

    pub fn set_code(&mut self, mut code: Code) {
        // Buffers edited while the index was built win over the files.
        for (rel, text) in &self.open {
            if rel.ends_with(".rs")
                && let Ok(anns) = specplan_core::annotations::scan_text(rel, text)
            {
                code.annotations.retain(|a| a.file != *rel);
                code.annotations.extend(anns);
            }
        }
        self.code = Some(code);
        self.matrix = None;
    }

    /// Workspace-relative path of an absolute one inside the workspace.
    pub fn rel_of(&self, path: &Utf8Path) -> Option<String> {
        let rel = path.strip_prefix(&self.ws.root).ok()?;
        Some(rel.as_str().replace('\\', "/"))
    }

    pub fn abs(&self, rel: &str) -> Utf8PathBuf {
        self.ws.root.join(rel)
    }

    /// The docs root, workspace-relative, with a trailing `/` (empty for
    /// the workspace root).
    fn docs_prefix(&self) -> String {
        let root = self.loaded.config.docs.root();
        if root.is_empty() || root == "." {
            String::new()
        } else {
            format!("{}/", root.trim_end_matches('/'))
        }
    }

    /// Whether `rel` is a document the spec reads.
    pub fn is_document(&self, rel: &str) -> bool {
        rel.ends_with(".md") && rel.starts_with(&self.docs_prefix())
    }

    pub fn document(&self, rel: &str) -> Option<&Document> {
        self.spec.documents.iter().find(|d| d.path == rel)
    }

    /// The text of `rel` as the editor has it (else as on disk).
    pub fn text(&self, rel: &str) -> Option<String> {
        if let Some(t) = self.open.get(rel) {
            return Some(t.clone());
        }
        if let Some(d) = self.document(rel) {
            return Some(d.text.clone());
        }
        self.ws
            .jail
            .read_to_string(
                self.abs(rel).as_std_path(),
                specplan_core::source::MAX_FILE_BYTES,
            )
            .ok()
    }

    /// The editor's text of `rel` replaces the file's.
    pub fn set_text(&mut self, rel: &str, text: String) {
        self.apply(rel, &text);
        self.open.insert(rel.to_string(), text);
    }

    /// The editor closed `rel`: the file on disk counts again.
    pub fn close(&mut self, rel: &str) {
        self.open.remove(rel);
        self.buffer_annotations.remove(rel);
        let disk = self
            .ws
            .jail
            .read_to_string(
                self.abs(rel).as_std_path(),
                specplan_core::source::MAX_FILE_BYTES,
            )
            .ok();
        match disk {
            Some(text) => self.apply(rel, &text),
            None => {
                self.spec.documents.retain(|d| d.path != rel);
                if let Some(code) = &mut self.code {
                    code.annotations.retain(|a| a.file != rel);
                }
                self.buffer_problems.remove(rel);
                self.matrix = None;
            }
        }
    }

    /// A file changed on disk (saved, created, deleted, or changed by
    /// another tool).
    pub fn reload(&mut self, rel: &str) {
        self.memo.forget(rel);
        self.memo.forget_paths();
        if !self.open.contains_key(rel) {
            self.close(rel);
        }
    }

    /// The editor saved `rel`: what the rules read from the file is new.
    pub fn saved(&mut self, rel: &str) {
        self.memo.forget(rel);
    }

    fn apply(&mut self, rel: &str, text: &str) {
        self.matrix = None;
        if self.is_document(rel) {
            let in_docs = rel.strip_prefix(&self.docs_prefix()).unwrap_or(rel);
            let doc = spec::parse_document(in_docs, text, &self.ctx);
            match self
                .spec
                .documents
                .binary_search_by(|d| d.path.as_str().cmp(rel))
            {
                Ok(i) => self.spec.documents[i] = doc,
                Err(i) => self.spec.documents.insert(i, doc),
            }
        } else if rel.ends_with(".rs") {
            match specplan_core::annotations::scan_text(rel, text) {
                Ok(anns) => {
                    self.buffer_problems.remove(rel);
                    if let Some(code) = &mut self.code {
                        code.annotations.retain(|a| a.file != rel);
                        code.annotations.extend(anns.iter().cloned());
                    }
                    self.buffer_annotations.insert(rel.to_string(), anns);
                }
                Err(d) => {
                    // The last annotations that parsed stay until it parses again.
                    self.buffer_problems.insert(rel.to_string(), vec![d]);
                }
            }
        }
    }

    /// The trace matrix of the model as it is (cached until a change).
    pub fn matrix(&mut self) -> Option<&Matrix> {
        if self.matrix.is_none() {
            let code = self.code.as_ref()?;
            let domains = domains(&self.loaded);
            self.matrix = Some(trace::build(&trace::Inputs {
                spec: &self.spec,
                annotations: &code.annotations,
                routes: Some(&code.routes),
                domains: &domains,
                lock: code.lock.as_ref(),
            }));
        }
        self.matrix.as_ref()
    }

    /// Every `check` finding in each of `rels`, on the editor's text, at
    /// the configured levels, from one run of the rules; `None` until the
    /// code is indexed (coverage cannot be judged without it).
    /// `outdated-region` is `check`'s and `sync`'s: rendering every region
    /// again is too slow for each keystroke.
    pub fn diagnostics(&self, rels: &[String]) -> Option<BTreeMap<String, Vec<Diagnostic>>> {
        let code = self.code.as_ref()?;
        let cx = specplan_core::check::rules::Cx {
            ws: &self.ws,
            config: &self.loaded.config,
            spec: &self.spec,
            files: &code.files,
            annotations: &code.annotations,
            routes: Some(&code.routes),
            memo: Some(&self.memo),
        };
        let mut by_file: BTreeMap<String, Vec<Diagnostic>> =
            rels.iter().map(|r| (r.clone(), Vec::new())).collect();
        let found = specplan_core::check::rules::run(&cx)
            .into_iter()
            .chain(self.spec.diagnostics.iter().cloned())
            .chain(self.buffer_problems.values().flatten().cloned());
        for d in found {
            if let Some(list) = d.file.as_ref().and_then(|f| by_file.get_mut(f)) {
                list.push(d);
            }
        }
        for list in by_file.values_mut() {
            *list = specplan_core::check::apply_levels(std::mem::take(list), &self.levels);
        }
        Some(by_file)
    }

    /// The ID at byte `at` of `rel`: a definition or a reference in a
    /// document, an argument of `#[implements]` / `#[verifies]` in Rust.
    pub fn id_at(&self, rel: &str, at: usize) -> Option<IdHit> {
        let within = |r: &Range<usize>| r.start <= at && at <= r.end;
        if let Some(doc) = self.document(rel) {
            let hit = doc
                .definitions
                .iter()
                .map(|d| (d.id.to_string(), &d.range))
                .chain(doc.references.iter().map(|r| (r.id.to_string(), &r.range)))
                .find(|(_, r)| within(r));
            return hit.map(|(id, r)| IdHit {
                id,
                range: r.clone(),
            });
        }
        if rel.ends_with(".rs") {
            let text = self.text(rel)?;
            for a in self.annotations_in(rel) {
                for id in &a.ids {
                    let r = literal_inner(&text, &id.span)?;
                    if within(&r) {
                        return Some(IdHit {
                            id: id.text.clone(),
                            range: r,
                        });
                    }
                }
            }
        }
        None
    }

    pub fn annotations_in<'a>(
        &'a self,
        rel: &'a str,
    ) -> Box<dyn Iterator<Item = &'a Annotation> + 'a> {
        if let Some(own) = self.buffer_annotations.get(rel) {
            return Box::new(own.iter());
        }
        Box::new(
            self.code
                .iter()
                .flat_map(|c| c.annotations.iter())
                .filter(move |a| a.file == rel),
        )
    }

    /// Where `id` is defined.
    pub fn definition(&self, id: &str) -> Option<(&Document, &spec::Definition)> {
        self.spec
            .definitions()
            .find(|(_, d)| d.id.to_string() == id)
    }

    /// Every place `id` is written: its definition, the documents'
    /// references, the attributes of the code.
    pub fn places(&self, id: &str) -> Vec<Place> {
        let mut out: Vec<Place> = Vec::new();
        for doc in &self.spec.documents {
            for d in doc.definitions.iter().filter(|d| d.id.to_string() == id) {
                out.push(Place {
                    rel: doc.path.clone(),
                    range: d.range.clone(),
                });
            }
            for r in doc.references.iter().filter(|r| r.id.to_string() == id) {
                out.push(Place {
                    rel: doc.path.clone(),
                    range: r.range.clone(),
                });
            }
        }
        let mut texts: BTreeMap<&str, Option<String>> = BTreeMap::new();
        if let Some(code) = &self.code {
            for a in &code.annotations {
                for i in a.ids.iter().filter(|i| i.text == id) {
                    let text = texts
                        .entry(a.file.as_str())
                        .or_insert_with(|| self.text(&a.file));
                    if let Some(r) = text.as_deref().and_then(|t| literal_inner(t, &i.span)) {
                        out.push(Place {
                            rel: a.file.clone(),
                            range: r,
                        });
                    }
                }
            }
        }
        out
    }

    /// A file a diagram or a related-code entry names: a workspace-relative
    /// path, or a file name that only one file of the workspace has.
    pub fn resolve_file(&self, name: &str) -> Option<String> {
        let name = name.trim().trim_start_matches("./");
        if name.is_empty() || name.split('/').any(|p| p == "..") {
            return None;
        }
        let files = &self.code.as_ref()?.files.files;
        if name.contains('/') {
            return files
                .binary_search_by(|f| f.rel.as_str().cmp(name))
                .ok()
                .map(|i| files[i].rel.clone());
        }
        let mut found = files
            .iter()
            .filter(|f| f.rel.rsplit('/').next() == Some(name));
        match (found.next(), found.next()) {
            (Some(one), None) => Some(one.rel.clone()),
            _ => None,
        }
    }

    /// The file of `rel` and the byte range of line `line` (1-based).
    pub fn line_place(&self, rel: &str, line: usize) -> Place {
        let range = self
            .text(rel)
            .and_then(|t| {
                let start = specplan_core::diag::byte_offset(&t, line.max(1), 1)?;
                let end = t[start..].find('\n').map_or(t.len(), |i| start + i);
                Some(start..end)
            })
            .unwrap_or(0..0);
        Place {
            rel: rel.to_string(),
            range,
        }
    }
}

fn domains(loaded: &Loaded) -> Vec<(String, String)> {
    loaded
        .config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect()
}

/// The bytes between the quotes of a string literal at `span`.
fn literal_inner(text: &str, span: &specplan_core::Span) -> Option<Range<usize>> {
    let (start, end) = if span.start_byte != usize::MAX && span.end_byte <= text.len() {
        (span.start_byte, span.end_byte)
    } else {
        (
            specplan_core::diag::byte_offset(text, span.line, span.column)?,
            specplan_core::diag::byte_offset(text, span.end_line, span.end_column)?,
        )
    };
    let lit = text.get(start..end)?;
    let open = lit.find('"')? + 1;
    let close = lit.rfind('"')?;
    (open <= close).then(|| start + open..start + close)
}
