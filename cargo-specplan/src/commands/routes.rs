//! `cargo specplan routes`: the endpoints the code serves.

use std::io::Write;

use specplan_core::{diag, routes, source};

use super::load_workspace;
use crate::CliError;
use crate::cli::{GlobalArgs, HumanOrJson, RoutesArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &RoutesArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    shell.status("Scanning", ws.root.as_str());
    let files = source::walk_workspace(&ws);
    let mut set = routes::extract(&ws, &files);
    set.diagnostics.extend(ws.diagnostics.iter().cloned());
    diag::sort(&mut set.diagnostics);
    let mut out = anstream::stdout().lock();
    let written = match args.format {
        HumanOrJson::Json => {
            let text = serde_json::to_string_pretty(&set.to_json())
                .map_err(|e| CliError::Usage(e.to_string()))?;
            writeln!(out, "{text}")
        }
        HumanOrJson::Human => {
            shell.diagnostics(&ws.root, &set.diagnostics);
            write!(out, "{}", set.render_human())
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
