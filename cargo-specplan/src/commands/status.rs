//! `cargo specplan status`: per domain, each step's document, its status
//! and what is still TODO, and the next command.

use specplan_core::pipeline;

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GlobalArgs, HumanOrJson, StatusArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &StatusArgs, _shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let status = pipeline::status(&ws, &loaded.config);
    match args.format {
        HumanOrJson::Human => print!("{}", status.render_human()),
        HumanOrJson::Json => println!(
            "{}",
            serde_json::to_string_pretty(&status.to_json()).unwrap_or_default()
        ),
    }
    Ok(())
}
