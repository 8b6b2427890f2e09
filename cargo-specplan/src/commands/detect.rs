//! `cargo specplan detect`: Step 0, the stack; and Step 0.5's proposal.

use std::io::Write;

use specplan_core::inspect;

use super::load_workspace;
use crate::CliError;
use crate::cli::{DetectArgs, GlobalArgs, HumanOrJson};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &DetectArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    shell.status("Inspecting", ws.root.as_str());
    let inspection = inspect::inspect(&ws);
    let mut out = anstream::stdout().lock();
    let written = match args.format {
        HumanOrJson::Json => {
            let text = serde_json::to_string_pretty(&inspection.to_json())
                .map_err(|e| CliError::Usage(e.to_string()))?;
            writeln!(out, "{text}")
        }
        HumanOrJson::Human => {
            shell.diagnostics(&ws.root, &inspection.diagnostics);
            write!(out, "{}", inspection.render_human())
        }
    };
    // A closed pipe (`| head`) is not an error worth a message.
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Usage(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
