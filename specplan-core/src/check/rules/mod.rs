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
