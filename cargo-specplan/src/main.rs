//! `cargo specplan`: a thin dispatch over `specplan-core`.

mod cli;
mod commands;
mod lsp;
mod mcp;
mod shell;

use std::process::ExitCode;

use shell::{Shell, Verbosity};

/// Why a command stopped; each maps to a documented exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments, no workspace, invalid configuration: exit 2.
    #[error("{0}")]
    Usage(String),
    /// A diagnostic about the configuration or workspace that stops the run: exit 2.
    #[error("{}", .diag.message)]
    Config {
        root: camino::Utf8PathBuf,
        diag: Box<specplan_core::Diagnostic>,
    },
    /// The run completed and found problems: exit 1.
    #[error("{0}")]
    Findings(String),
}

impl From<specplan_core::LoadError> for CliError {
    fn from(e: specplan_core::LoadError) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<specplan_core::write::WriteError> for CliError {
    fn from(e: specplan_core::write::WriteError) -> Self {
        CliError::Usage(e.to_string())
    }
}

/// A panic is a bug: say so plainly, ask for a report, exit 101.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        eprintln!(
            "error: internal failure in cargo-specplan {}: this is a bug, please report it with the message below",
            env!("CARGO_PKG_VERSION")
        );
        default(info);
        std::process::exit(101);
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = cli::parse();
    let verbosity = if cli.global.quiet {
        Verbosity::Quiet
    } else if cli.global.verbose > 0 {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let shell = Shell::new(cli.global.color, verbosity);
    match commands::run(&cli, &shell) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Findings(summary)) => {
            if !summary.is_empty() {
                shell.error(summary);
            }
            ExitCode::from(1)
        }
        Err(CliError::Config { root, diag }) => {
            shell.diagnostics(&root, std::slice::from_ref(&diag));
            ExitCode::from(2)
        }
        Err(CliError::Usage(message)) => {
            shell.error(message);
            ExitCode::from(2)
        }
    }
}
