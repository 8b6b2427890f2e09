//! `cargo specplan check`: documents and code against each other.

use specplan_core::check::{self, baseline::Baseline};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{CheckArgs, GlobalArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &CheckArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let baseline_path = |p: &std::path::Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }
    };
    let mut options = check::Options::default();
    if let Some(path) = &args.baseline {
        let path = baseline_path(path);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                options.baseline = Some(Baseline::parse(&text).map_err(|e| {
                    CliError::Usage(format!(
                        "`{}` is not a specplan baseline: {e}",
                        path.display()
                    ))
                })?);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && args.write_baseline.is_some() => {
            }
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "cannot read the baseline `{}`: {e}",
                    path.display()
                )));
            }
        }
    }
    if args.write_baseline.is_some() {
        // The baseline records everything there is today.
        options.baseline = None;
    }
    shell.status("Checking", ws.root.as_str());
    let report = check::run(&ws, &loaded, &options).map_err(|diag| CliError::Config {
        root: ws.root.clone(),
        diag: Box::new(diag),
    })?;

    if let Some(path) = args
        .write_baseline
        .as_ref()
        .or(args.baseline.as_ref())
        .filter(|_| args.write_baseline.is_some())
    {
        let path = baseline_path(path);
        std::fs::write(&path, Baseline::from_report(&report).to_json())
            .map_err(|e| CliError::Usage(format!("cannot write `{}`: {e}", path.display())))?;
        shell.status(
            "Recorded",
            format!(
                "{} finding(s) in {}",
                report.diagnostics.len(),
                path.display()
            ),
        );
        return Ok(());
    }

    super::render_report(&report, args.format, shell, &ws.root)?;
    if report.fixed_since_baseline > 0 {
        shell.note(format!(
            "{} baselined finding(s) no longer occur; run with --write-baseline to shrink the baseline",
            report.fixed_since_baseline
        ));
    }
    let failed = report.errors() > 0 || (args.deny.is_some() && report.warnings() > 0);
    let summary = report.summary_line();
    if failed {
        return Err(CliError::Findings(format!("check failed: {summary}")));
    }
    shell.status("Finished", format!("check: {summary}"));
    Ok(())
}
