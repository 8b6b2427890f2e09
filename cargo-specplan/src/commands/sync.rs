//! `cargo specplan sync [--check] [--domain D]`: every generated region of
//! every document brought back to what the code and the documents say now,
//! and not a byte outside the regions.

use specplan_core::pipeline::Project;
use specplan_core::sync::{self, Options};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GlobalArgs, SyncArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &SyncArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let config = &loaded.config;
    if let Some(d) = &args.domain {
        Project::load(&ws, config)
            .domain(d)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    shell.status(
        if args.check { "Checking" } else { "Syncing" },
        format!("generated regions under {}", ws.root),
    );
    let options = Options {
        domain: args.domain.clone(),
        today: specplan_core::date::today(),
        skip: None,
    };
    let drift = sync::drift(&ws, config, &options);
    shell.diagnostics(&ws.root, &drift.diagnostics);
    let (files, regions) = (drift.files.len(), drift.regions());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if args.check {
        shell.diagnostics(&ws.root, &drift.to_diagnostics());
        if regions > 0 {
            return Err(CliError::Findings(format!(
                "{} outdated in {}; run `cargo specplan sync{}` to refresh them",
                plural(regions, "region"),
                plural(files, "document"),
                args.domain
                    .as_deref()
                    .map(|d| format!(" --domain {d}"))
                    .unwrap_or_default()
            )));
        }
        shell.status(
            "Finished",
            format!(
                "every generated region of {} is current",
                plural(drift.compared, "document")
            ),
        );
        return Ok(());
    }
    let written = sync::apply(&ws, &drift)?;
    for (rel, names) in &written {
        shell.status("Updating", format!("{rel} (regions: {})", names.join(", ")));
    }
    let orphaned: Vec<_> = drift.orphaned().collect();
    for (f, o) in &orphaned {
        shell.warn(format!(
            "`{}`: the region `{}` describes something the code no longer has; it is left as it is: delete the section, or write `frozen` after the region's name to keep it",
            f.rel, o.region
        ));
    }
    let refreshed: usize = written.iter().map(|(_, names)| names.len()).sum();
    shell.status(
        "Finished",
        format!(
            "{} refreshed in {}, {} already current",
            plural(refreshed, "region"),
            plural(written.len(), "document"),
            drift.compared - written.len()
        ),
    );
    Ok(())
}
