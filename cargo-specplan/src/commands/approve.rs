//! `cargo specplan approve <domain> <step>`: the review gate's record.

use specplan_core::pipeline;

use super::generate::step_of;
use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{ApproveArgs, GlobalArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &ApproveArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let step = step_of(args.step);
    let today = specplan_core::date::today();
    let done = pipeline::approve(&ws, &loaded.config, &args.domain, step, args.force, &today)
        .map_err(|e| match e {
            pipeline::PipelineError::Write(w) => CliError::from(w),
            other => CliError::Usage(other.to_string()),
        })?;
    if let Some(gate) = &done.forced {
        shell.warn(format!(
            "--force: approved although an earlier step is not: {}",
            gate.reason
        ));
    }
    if done.changed {
        shell.status(
            "Approved",
            format!(
                "{} (Version {} → {}, Last Updated {today})",
                done.rel, done.old_version, done.new_version
            ),
        );
    } else {
        shell.status(
            "Unchanged",
            format!(
                "{} is already Approved (Version {})",
                done.rel, done.new_version
            ),
        );
    }
    Ok(())
}
