//! `cargo specplan check`: the rule engine.
//!
//! Rules are data ([`registry`]); each family's checks produce diagnostics at
//! the rule's default level, then [`levels`] applies the configuration and
//! notes where each level came from, and [`report`] renders the result.

pub mod baseline;
pub mod levels;
pub mod registry;
pub mod report;

use crate::diag::{Diagnostic, Level};
use levels::Levels;
use registry::RuleLevel;

/// Applies configured levels: drops allowed findings, sets each finding's
/// level and adds the note saying where the level came from. Diagnostics of
/// unknown rules keep their level.
pub fn apply_levels(diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter_map(|mut d| {
            if registry::find(&d.rule).is_none() {
                return Some(d);
            }
            d.level = match levels.level(&d.rule) {
                RuleLevel::Allow => return None,
                RuleLevel::Error => Level::Error,
                RuleLevel::Warning => Level::Warning,
            };
            d.notes.push(levels.note(&d.rule));
            Some(d)
        })
        .collect()
}

pub mod rules;

use std::collections::HashMap;

use crate::config::{Config, Loaded};
use crate::diag::Span;
use crate::workspace::Workspace;

/// What a check run needs besides the workspace.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Findings recorded earlier; they are not reported again.
    pub baseline: Option<baseline::Baseline>,
}

/// Runs every rule over the workspace. `Err` only when the check cannot run
/// (invalid configuration): exit code 2.
pub fn run(
    ws: &Workspace,
    loaded: &Loaded,
    options: &Options,
) -> Result<report::Report, Diagnostic> {
    let config: &Config = &loaded.config;
    let levels = Levels::from_config(config, &loaded.source, &ws.root)?;
    let files = crate::source::walk_workspace(ws);
    let domains: Vec<(String, String)> = config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect();
    // The documents and the routes are read while the code scan runs.
    let docs_root = config.docs.root();
    let (spec, scan, routes) = std::thread::scope(|s| {
        let spec = s.spawn(|| crate::spec::load(&ws.jail, &docs_root, &domains));
        let routes = s.spawn(|| crate::routes::extract(ws, &files));
        let scan = crate::annotations::scan_workspace(ws, &files);
        let spec = spec.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        let routes = routes
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (spec, scan, routes)
    });
    let scan_diagnostics = scan.diagnostics;
    let route_diagnostics = routes.diagnostics.clone();
    let code = crate::pipeline::CodeFacts::from_parts(ws, files, routes, scan.annotations);
    let project = crate::pipeline::Project::from_spec(ws, config, spec);
    let cx = rules::Cx {
        ws,
        config,
        spec: &project.spec,
        files: code.files(),
        annotations: &code.annotations,
        routes: Some(&code.routes),
        memo: None,
    };
    let mut diags = rules::run(&cx);
    if levels.level(crate::sync::RULE) != RuleLevel::Allow {
        let drift = crate::sync::drift_with(
            &project,
            &code,
            &crate::sync::Options {
                domain: None,
                today: crate::date::today(),
                skip: None,
            },
        );
        diags.extend(drift.to_diagnostics());
        diags.extend(drift.diagnostics);
    }
    diags.extend(ws.diagnostics.iter().cloned());
    diags.extend(code.files().diagnostics.iter().cloned());
    diags.extend(project.spec.diagnostics.iter().cloned());
    diags.extend(scan_diagnostics);
    diags.extend(route_diagnostics);
    fill_spans(ws, &mut diags);
    let mut report = report::Report {
        diagnostics: apply_levels(diags, &levels),
        unimplemented: rules::coverage::unimplemented(&cx),
        ..report::Report::default()
    };
    if let Some(b) = &options.baseline {
        b.apply(&mut report);
    }
    report.sort();
    Ok(report)
}

/// Gives byte offsets to spans that only know their line and column, so
/// every diagnostic can show its source line.
fn fill_spans(ws: &Workspace, diags: &mut [Diagnostic]) {
    let mut texts: HashMap<String, Option<(String, specplan_ids::lines::LineIndex)>> =
        HashMap::new();
    for d in diags.iter_mut() {
        let (Some(file), Some(span)) = (&d.file, d.span) else {
            continue;
        };
        if span.start_byte != usize::MAX {
            continue;
        }
        let text = texts.entry(file.clone()).or_insert_with(|| {
            ws.jail
                .read_to_string(std::path::Path::new(file), crate::source::MAX_FILE_BYTES)
                .ok()
                .map(|text| {
                    let lines = specplan_ids::lines::LineIndex::new(&text);
                    (text, lines)
                })
        });
        let Some((text, lines)) = text else { continue };
        if let Some(start) = lines.offset(text, span.line, span.column) {
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            // Underline the word that starts there.
            let end = text[start..line_end]
                .find(|c: char| c.is_whitespace() || c == '(' || c == ',')
                .map_or(line_end, |i| start + i.max(1));
            d.span = Some(Span::from_bytes_indexed(text, lines, start, end));
        }
    }
}
