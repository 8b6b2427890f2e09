//! The checks, one module per family. Each produces diagnostics at its
//! rules' default levels; the engine applies the configured levels after.

pub mod coverage;
pub mod endpoints;
pub mod files;
pub mod gate;
pub mod ids;
pub mod links;
pub mod stale;
pub mod structure;

use std::ops::Range;

use crate::annotations::Annotation;
use crate::config::Config;
use crate::diag::{Diagnostic, Level};
use crate::routes::RouteSet;
use crate::source::Files;
use crate::spec::{Document, Spec};
use crate::workspace::Workspace;

use super::registry::{self, RuleLevel};

/// Everything the rules look at, computed once.
pub struct Cx<'a> {
    pub ws: &'a Workspace,
    pub config: &'a Config,
    pub spec: &'a Spec,
    /// Every file of the workspace (the walk `check` made).
    pub files: &'a Files,
    pub annotations: &'a [Annotation],
    pub routes: Option<&'a RouteSet>,
    /// What earlier runs learned about files (their items, whether a path
    /// resolves inside the workspace); `None` for a one-off `check`. The
    /// language server keeps one across edits and forgets a file when it
    /// changes.
    pub memo: Option<&'a Memo>,
}

/// File facts that stay true until the file changes, shared by successive
/// runs of the rules.
#[derive(Debug, Default)]
pub struct Memo {
    items: std::sync::Mutex<std::collections::HashMap<String, Result<Vec<String>, String>>>,
    /// `Jail::resolve_named` of a path: `Err` with why it is refused.
    resolved: std::sync::Mutex<std::collections::HashMap<String, Result<(), String>>>,
    /// Whether a path is a file or a directory.
    exists: std::sync::Mutex<std::collections::HashMap<String, bool>>,
}

impl Memo {
    /// `rel` changed on disk: its items are read again.
    pub fn forget(&self, rel: &str) {
        lock(&self.items).remove(rel);
    }

    /// Files were created or deleted: paths are resolved again.
    pub fn forget_paths(&self) {
        lock(&self.resolved).clear();
        lock(&self.exists).clear();
    }

    pub(crate) fn items(
        &self,
        rel: &str,
        compute: impl FnOnce() -> Result<Vec<String>, String>,
    ) -> Result<Vec<String>, String> {
        if let Some(known) = lock(&self.items).get(rel) {
            return known.clone();
        }
        let found = compute();
        lock(&self.items).insert(rel.to_string(), found.clone());
        found
    }

    pub(crate) fn resolved(
        &self,
        rel: &str,
        compute: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        if let Some(known) = lock(&self.resolved).get(rel) {
            return known.clone();
        }
        let found = compute();
        lock(&self.resolved).insert(rel.to_string(), found.clone());
        found
    }

    pub(crate) fn exists(&self, rel: &str, compute: impl FnOnce() -> bool) -> bool {
        if let Some(&known) = lock(&self.exists).get(rel) {
            return known;
        }
        let found = compute();
        lock(&self.exists).insert(rel.to_string(), found);
        found
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Cx<'_> {
    /// `Jail::resolve_named`, through the memo when there is one.
    pub(crate) fn resolve_named(&self, rel: &str) -> Result<(), String> {
        let compute = || {
            self.ws
                .jail
                .resolve_named(rel)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        match self.memo {
            Some(m) => m.resolved(rel, compute),
            None => compute(),
        }
    }

    /// Whether `rel` is a file or a directory of the workspace.
    pub(crate) fn exists(&self, rel: &str) -> bool {
        let compute = || {
            let p = std::path::Path::new(rel);
            self.ws.jail.is_file(p) || self.ws.jail.is_dir(p)
        };
        match self.memo {
            Some(m) => m.exists(rel, compute),
            None => compute(),
        }
    }
}

/// A diagnostic of `rule` at its default level.
pub fn diag(rule: &'static str, message: impl Into<String>) -> Diagnostic {
    let level = match registry::find(rule).map(|r| r.default_level) {
        Some(RuleLevel::Error) => Level::Error,
        _ => Level::Warning,
    };
    Diagnostic::new(rule, level, message)
}

/// A diagnostic of `rule` on `range` of `doc`.
pub fn at(
    rule: &'static str,
    doc: &Document,
    range: &Range<usize>,
    message: impl Into<String>,
) -> Diagnostic {
    diag(rule, message)
        .in_file(doc.path.clone())
        .at(doc.span(range))
}

/// Runs every family.
pub fn run(cx: &Cx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    ids::check(cx, &mut out);
    coverage::check(cx, &mut out);
    stale::check(cx, &mut out);
    endpoints::check(cx, &mut out);
    files::check(cx, &mut out);
    links::check(cx, &mut out);
    structure::check(cx, &mut out);
    gate::check(cx, &mut out);
    out
}
