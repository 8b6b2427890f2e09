//! One module per subcommand; each maps its arguments onto specplan-core.

mod annotate;
mod approve;
mod check;
mod confirm;
mod consult;
mod detect;
mod explain;
mod generate;
mod index;
mod init;
mod plan;
mod routes;
mod status;
mod sync;
mod trace;

use specplan_core::Workspace;

use crate::CliError;
use crate::cli::{Cli, Command, GlobalArgs};
use crate::shell::Shell;

pub fn run(cli: &Cli, shell: &Shell) -> Result<(), CliError> {
    match &cli.command {
        Command::Detect(args) => detect::run(&cli.global, args, shell),
        Command::Routes(args) => routes::run(&cli.global, args, shell),
        Command::Annotate(args) => annotate::run(&cli.global, args, shell),
        Command::Init(args) => init::run(&cli.global, args, shell),
        Command::Check(args) => check::run(&cli.global, args, shell),
        Command::Trace(args) => trace::run(&cli.global, args, shell),
        Command::Confirm(args) => confirm::run(&cli.global, args, shell),
        Command::Plan(args) => plan::run(&cli.global, args, shell),
        Command::Generate(args) => generate::run(&cli.global, args, shell),
        Command::Approve(args) => approve::run(&cli.global, args, shell),
        Command::Status(args) => status::run(&cli.global, args, shell),
        Command::Index(args) => index::run(&cli.global, args, shell),
        Command::Sync(args) => sync::run(&cli.global, args, shell),
        Command::Consult(args) => consult::run(&cli.global, args, shell),
        Command::Explain(args) => explain::run(args),
        Command::Mcp(_) => crate::mcp::run(&cli.global),
        Command::Lsp(_) => crate::lsp::run(),
    }
}

/// Loads the workspace named by `--manifest-path` (else the one around the
/// current directory).
fn load_workspace(global: &GlobalArgs) -> Result<Workspace, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::Usage(format!("cannot read the current directory: {e}")))?;
    Ok(Workspace::load(global.manifest_path.as_deref(), &cwd)?)
}

/// Before the tool creates `folder` (workspace-relative): when a `members`
/// glob of the root manifest would adopt it and break `cargo build`, the
/// folder is added to `[workspace] exclude` if the person agrees (at the
/// prompt, or with `--yes`); otherwise nothing is written and they are told
/// the line to add.
fn keep_buildable(ws: &Workspace, folder: &str, yes: bool, shell: &Shell) -> Result<(), CliError> {
    use specplan_core::members;
    let Some(hit) = members::adopted_by_members(ws, folder) else {
        return Ok(());
    };
    let agreed = yes
        || (shell.is_interactive()
            && dialoguer::Confirm::new()
                .with_prompt(format!(
                    "`{}/` would become a member of the workspace through its `members` entry `{}` and break `cargo build`. Add it to `exclude` in Cargo.toml?",
                    hit.folder, hit.pattern
                ))
                .default(true)
                .interact()
                .map_err(|e| CliError::Usage(format!("prompt failed: {e}")))?);
    if !agreed {
        return Err(CliError::Usage(format!(
            "`{}/` would break the workspace's build; nothing was written: {} (or pass `--yes` to let cargo-specplan add it)",
            hit.folder,
            hit.help()
        )));
    }
    members::exclude(ws, &hit).map_err(CliError::Usage)?;
    shell.status(
        "Updating",
        format!(
            "Cargo.toml: `{}` added to [workspace] exclude, so that `members = [\"{}\"]` does not take it for a package",
            hit.folder, hit.pattern
        ),
    );
    Ok(())
}

/// Loads the configuration; an invalid one stops the command (exit 2).
fn load_config(ws: &Workspace) -> Result<specplan_core::config::Loaded, CliError> {
    specplan_core::config::load(ws).map_err(|d| CliError::Config {
        root: ws.root.clone(),
        diag: Box::new(d),
    })
}

/// Prints a report of diagnostics in the chosen format: human on stderr
/// (rustc-style), the machine formats on stdout.
fn render_report(
    report: &specplan_core::check::report::Report,
    format: crate::cli::CheckFormat,
    shell: &Shell,
    root: &camino::Utf8Path,
) -> Result<(), CliError> {
    use crate::cli::CheckFormat;
    use std::io::Write;
    let mut out = anstream::stdout().lock();
    let written = match format {
        CheckFormat::Human => {
            shell.diagnostics(root, &report.diagnostics);
            Ok(())
        }
        CheckFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
        CheckFormat::Sarif => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report.to_sarif(env!("CARGO_PKG_VERSION")))
                .unwrap_or_default()
        ),
        CheckFormat::Github => write!(out, "{}", report.to_github()),
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Usage(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
