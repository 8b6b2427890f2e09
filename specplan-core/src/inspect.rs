//! Steps 0 and 0.5 in one pass: the workspace is walked once, and every
//! scanner (stack, layout, environment, domains) shares that walk.

use serde::Serialize;
use serde_json::{Value, json};

use crate::detect::{self, Stack};
use crate::diag::{self, Diagnostic};
use crate::domains::{self, Domain};
use crate::scan::env::{self, EnvScan};
use crate::scan::layout::{self, Architecture, Folder};
use crate::source;
use crate::workspace::Workspace;

/// Everything `detect` and `init` know about a workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub stack: Stack,
    pub architecture: Architecture,
    pub folders: Vec<Folder>,
    pub env: EnvScan,
    pub domains: Vec<Domain>,
    /// How many `.rs` files the workspace members hold.
    pub rust_files: usize,
    /// Every problem met on the way (loading, walking, reading, parsing),
    /// sorted and deduplicated.
    pub diagnostics: Vec<Diagnostic>,
}

pub fn inspect(ws: &Workspace) -> Inspection {
    let files = source::walk_workspace(ws);
    let mut stack = detect::detect(ws, &files);
    let architecture = layout::architecture(ws, &files);
    let folders = layout::folder_tree(ws, &files);
    let mut env = env::env_vars(ws, &files);
    let mut domains = domains::propose(ws, &files);
    let capped = domains::cap(&mut domains);
    let rust_files = files
        .files
        .iter()
        .filter(|f| f.rel.ends_with(".rs") && ws.package_of(&f.abs).is_some())
        .count();
    let mut diagnostics = ws.diagnostics.clone();
    diagnostics.extend(files.diagnostics.iter().cloned());
    diagnostics.append(&mut stack.diagnostics);
    diagnostics.append(&mut env.diagnostics);
    diagnostics.extend(capped);
    diag::sort(&mut diagnostics);
    Inspection {
        stack,
        architecture,
        folders,
        env,
        domains,
        rust_files,
        diagnostics,
    }
}

impl Inspection {
    /// The `detect --format json` document (SPEC.md §5): `version`, `stack`
    /// (with `architecture`), `domains`, and the problems met.
    pub fn to_json(&self) -> Value {
        let mut stack = serde_json::to_value(&self.stack).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut stack {
            map.remove("diagnostics");
            map.insert(
                "architecture".into(),
                serde_json::to_value(&self.architecture).unwrap_or(Value::Null),
            );
        }
        json!({
            "version": 1,
            "stack": stack,
            "domains": self.domains,
            "diagnostics": self.diagnostics,
        })
    }

    /// The seed's "Detected tech stack" block, with the architecture line,
    /// followed by the proposed domains.
    pub fn render_human(&self) -> String {
        let mut out = detect::render_human(
            &self.stack,
            Some(&layout::render_architecture_line(&self.architecture)),
        );
        out.push('\n');
        out.push_str(&domains::render_human(&self.domains));
        out
    }
}
