//! `cargo specplan annotate`: the `#[implements]` attributes that the
//! requirements proposed from endpoints imply, as a unified diff, or
//! written with `--write` (insertions only, each file atomically).

use std::io::Write;

use specplan_core::{annotate, routes, source, write};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{AnnotateArgs, GlobalArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &AnnotateArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    if loaded.config.domains.is_empty() {
        return Err(CliError::Usage(
            "no domain is configured: run `cargo specplan init` first".into(),
        ));
    }
    if let Some(d) = &args.domain
        && !loaded.config.domains.iter().any(|x| &x.name == d)
    {
        return Err(CliError::Usage(format!("no domain `{d}` is configured")));
    }
    shell.status("Scanning", ws.root.as_str());
    let files = source::walk_workspace(&ws);
    let set = routes::extract(&ws, &files);
    let plan = annotate::plan(&ws, &loaded.config, &set, args.domain.as_deref());
    for why in &plan.skipped {
        shell.warn(format!("not annotated: {why}"));
    }
    if plan.edits.is_empty() {
        shell.status(
            "Finished",
            "nothing to annotate: every endpoint a requirement names already carries #[implements]",
        );
        return Ok(());
    }
    if args.write {
        for e in &plan.edits {
            write::write_atomic(&ws.jail, &ws.root.join(&e.rel), &e.after)?;
            shell.status("Updating", &e.rel);
        }
        shell.status(
            "Finished",
            format!("{} added in {}", attribute_count(&plan), file_count(&plan)),
        );
        return Ok(());
    }
    let mut out = anstream::stdout().lock();
    for e in &plan.edits {
        let diff = similar::TextDiff::from_lines(&e.before, &e.after);
        let text = diff
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{}", e.rel), &format!("b/{}", e.rel))
            .to_string();
        if let Err(err) = write!(out, "{text}")
            && err.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(CliError::Usage(format!("cannot write to stdout: {err}")));
        }
    }
    shell.status(
        "Finished",
        format!(
            "{} to add in {}; run with --write to apply",
            attribute_count(&plan),
            file_count(&plan)
        ),
    );
    Ok(())
}

/// `19 attributes`.
fn attribute_count(plan: &annotate::Plan) -> String {
    plural(plan.added.len(), "attribute")
}

/// `6 files`.
fn file_count(plan: &annotate::Plan) -> String {
    plural(plan.edits.len(), "file")
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
