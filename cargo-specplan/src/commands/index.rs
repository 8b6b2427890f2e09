//! `cargo specplan index`: Step 6, the specifications README (merged: only
//! its generated regions are rewritten) and, for two or more domains, a
//! README per domain.

use specplan_core::pipeline;
use specplan_core::write::Outcome;

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GlobalArgs, IndexArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, _args: &IndexArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    if loaded.config.domains.is_empty() {
        return Err(CliError::Usage(
            "no domain is configured: run `cargo specplan init` first".into(),
        ));
    }
    let today = specplan_core::date::today();
    let written = pipeline::index(&ws, &loaded.config, &today).map_err(|e| match e {
        pipeline::PipelineError::Write(w) => CliError::from(w),
        other => CliError::Usage(other.to_string()),
    })?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for (rel, outcome) in &written {
        match outcome {
            Outcome::Created | Outcome::Replaced { .. } => {
                created += 1;
                shell.status("Creating", rel);
            }
            Outcome::Updated { regions, .. } => {
                updated += 1;
                shell.status(
                    "Updating",
                    format!("{rel} (regions: {})", regions.join(", ")),
                );
            }
            Outcome::Unchanged { .. } => {
                unchanged += 1;
                shell.verbose_status("Unchanged", rel);
            }
        }
    }
    shell.status(
        "Finished",
        format!(
            "{}: {created} written, {updated} updated, {unchanged} unchanged",
            loaded.config.docs.root()
        ),
    );
    Ok(())
}
