//! `cargo specplan plan`: the maker → checker task plan of seed 001, its
//! JSON Schema, and the validation of a plan file. stdout carries only JSON
//! (or, for `--validate`, the chosen report format); status lines go to
//! stderr.

use std::io::Write;

use specplan_core::check::{self, levels::Levels, report::Report};
use specplan_core::plan::{self, validate};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GlobalArgs, PlanArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &PlanArgs, shell: &Shell) -> Result<(), CliError> {
    if args.schema {
        return print(plan::SCHEMA.trim_end());
    }
    if let Some(path) = &args.validate {
        return run_validate(global, args, path, shell);
    }
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let request = plan::Request {
        domains: args.domains.clone(),
        requirements: args.requirements.clone(),
        prompt: args.prompt.clone(),
    };
    shell.status("Planning", ws.root.as_str());
    let plan = plan::run(&ws, &loaded, &request).map_err(|e| CliError::Usage(e.to_string()))?;
    let json = plan.to_json_pretty();
    let tasks = plan.tasks.len();
    match &args.output {
        Some(out) => {
            let path = camino::Utf8PathBuf::from_path_buf(absolute(out))
                .map_err(|p| CliError::Usage(format!("`{}` is not a UTF-8 path", p.display())))?;
            specplan_core::write::write_user_file(&path, &format!("{json}\n"))?;
            shell.status("Wrote", format!("{} ({tasks} tasks)", out.display()));
        }
        None => print(&json)?,
    }
    if tasks == 0 {
        shell.note("every requirement in scope is implemented: the plan has no task");
    } else {
        shell.status("Finished", format!("plan: {tasks} tasks"));
    }
    Ok(())
}

fn absolute(p: &std::path::Path) -> std::path::PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    }
}

fn print(text: &str) -> Result<(), CliError> {
    let mut out = anstream::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Usage(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// `--validate FILE`: the seed's rules, rendered like `check`. The levels of
/// `[rules]` apply when the file is validated inside a configured workspace.
fn run_validate(
    global: &GlobalArgs,
    args: &PlanArgs,
    path: &std::path::Path,
    shell: &Shell,
) -> Result<(), CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::Usage(format!("cannot read the current directory: {e}")))?;
    let root = camino::Utf8PathBuf::from_path_buf(cwd.clone())
        .map_err(|p| CliError::Usage(format!("`{}` is not a UTF-8 path", p.display())))?;
    let shown = path.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(cwd.join(path))
        .map_err(|e| CliError::Usage(format!("cannot read the plan `{shown}`: {e}")))?;

    // The configuration, if there is a workspace around: its critique skill
    // and rule levels. Without one, the defaults.
    let ws = load_workspace(global).ok();
    let loaded = match &ws {
        Some(ws) => Some(load_config(ws)?),
        None => None,
    };
    let levels = match (&ws, &loaded) {
        (Some(ws), Some(l)) => {
            Levels::from_config(&l.config, &l.source, &ws.root).map_err(|diag| {
                CliError::Config {
                    root: ws.root.clone(),
                    diag: Box::new(diag),
                }
            })?
        }
        _ => Levels::defaults(),
    };
    let options = plan::validate_options(loaded.as_ref());
    shell.status("Validating", &shown);
    // Text that is not JSON is an invalid plan: reported like the other
    // findings, in the chosen format, exit 1.
    let diags = validate::validate_text(&shown, &text, &options).unwrap_or_else(|diag| vec![diag]);
    let mut report = Report {
        diagnostics: check::apply_levels(diags, &levels),
        ..Report::default()
    };
    report.sort();

    super::render_report(&report, args.format, shell, &root)?;
    let summary = report.summary_line();
    if report.errors() > 0 {
        return Err(CliError::Findings(format!("plan is invalid: {summary}")));
    }
    shell.status("Finished", format!("plan --validate: {summary}"));
    Ok(())
}
