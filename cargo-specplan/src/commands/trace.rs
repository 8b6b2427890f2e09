//! `cargo specplan trace`: the traceability matrix, the `traceability`
//! regions (`--write`) and the lock (`--lock`).

use std::io::Write;

use camino::Utf8PathBuf;
use specplan_core::trace::{self, Collected, Filter, LinkBase, RegionOutcome, lock::Lock};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GlobalArgs, TraceArgs, TraceFormat};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &TraceArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    shell.status("Tracing", ws.root.as_str());
    let collected = Collected::read(&ws, &loaded.config);
    shell.diagnostics(&ws.root, &collected.diagnostics);
    let matrix = collected.matrix();

    let unknown: Vec<&String> = args
        .domains
        .iter()
        .filter(|d| !matrix.domains.iter().any(|m| &m.name == *d))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = matrix.domains.iter().map(|d| d.name.as_str()).collect();
        return Err(CliError::Usage(format!(
            "no domain named {}; the domains are: {}",
            unknown
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if known.is_empty() {
                "none (run `cargo specplan init`)".to_string()
            } else {
                known.join(", ")
            }
        )));
    }

    if args.lock {
        let texts = trace::lock::requirement_texts(&collected.spec);
        let lock = Lock::update(collected.lock.as_ref(), &texts, &collected.annotations);
        if collected.lock.as_ref() == Some(&lock) {
            shell.verbose_status("Fresh", trace::lock::FILE_NAME);
        } else {
            lock.save(&ws.jail)?;
            let pairs: usize = lock
                .requirements
                .iter()
                .flat_map(|r| &r.confirmed)
                .map(|c| c.implements.len() + c.verifies.len())
                .sum();
            shell.status(
                "Locked",
                format!(
                    "{pairs} implementation(s) and test(s) of {} requirement(s) in {}",
                    lock.requirements.len(),
                    trace::lock::FILE_NAME
                ),
            );
        }
        let stale = trace::lock::stale_pairs(&lock, &collected.spec, &collected.annotations);
        if !stale.is_empty() {
            shell.note(format!(
                "{} implementation(s) and test(s) were confirmed against an older requirement text; `cargo specplan check` lists them, `cargo specplan confirm <ID>` records the new text once they are re-read",
                stale.len()
            ));
        }
    }

    let mut failed = Vec::new();
    if args.write {
        for outcome in trace::write_regions(&ws.jail, &collected.spec, &matrix, &args.domains) {
            match outcome {
                RegionOutcome::Updated { path } => shell.status("Updated", path),
                RegionOutcome::Unchanged { path } => shell.verbose_status("Fresh", path),
                RegionOutcome::NoRegion { path } => shell.note(format!(
                    "`{path}` has no `{}` region, so it was left alone; to keep the matrix there, add these two lines where it belongs and run `cargo specplan trace --write` again:\n    {}",
                    trace::REGION,
                    trace::region_markers().replace('\n', "\n    ")
                )),
                RegionOutcome::NoDocument { domain } => shell.verbose_status(
                    "Skipping",
                    format!("domain `{domain}`: it has no requirements.md yet"),
                ),
                RegionOutcome::Failed { error, .. } => {
                    shell.error(error.to_string());
                    failed.push(error.to_string());
                }
            }
        }
    }

    let filtered = matrix.filtered(&Filter {
        domains: args.domains.clone(),
        uncovered: args.uncovered,
    });
    let print = !(args.write || args.lock) || args.format.is_some() || args.output.is_some();
    if print {
        let cwd = std::env::current_dir().unwrap_or_default();
        let out_path = args.output.as_ref().map(|p| {
            let abs = if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            };
            Utf8PathBuf::from_path_buf(abs)
                .map_err(|p| CliError::Usage(format!("`{}` is not a UTF-8 path", p.display())))
        });
        let out_path = out_path.transpose()?;
        let base = match (&args.source_url, &out_path) {
            (Some(url), _) if !trace::is_web_url(url) => {
                return Err(CliError::Usage(format!(
                    "`--source-url {url}` is not an `http://` or `https://` URL"
                )));
            }
            (Some(url), _) => LinkBase::Url(url.clone()),
            (None, Some(p)) => LinkBase::for_output(&ws.root, p),
            (None, None) => LinkBase::Relative(String::new()),
        };
        let text = match args.format.unwrap_or(TraceFormat::Markdown) {
            TraceFormat::Markdown => trace::markdown::report(&filtered, &base),
            TraceFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&filtered.to_json())
                    .map_err(|e| CliError::Usage(e.to_string()))?
            ),
            TraceFormat::Html => trace::html::page(&filtered, &base, &ws.project_name()),
        };
        match &out_path {
            Some(p) => {
                specplan_core::write::write_user_file(p, &text)?;
                let shown = args
                    .output
                    .as_ref()
                    .map_or(String::new(), |o| o.display().to_string());
                shell.status("Wrote", shown);
            }
            None => {
                let mut out = anstream::stdout().lock();
                if let Err(e) = out.write_all(text.as_bytes())
                    && e.kind() != std::io::ErrorKind::BrokenPipe
                {
                    return Err(CliError::Usage(format!("cannot write to stdout: {e}")));
                }
            }
        }
    }
    if !failed.is_empty() {
        return Err(CliError::Usage(format!(
            "{} document(s) could not be updated",
            failed.len()
        )));
    }
    let t = &filtered.total;
    shell.status(
        "Finished",
        format!(
            "trace: {} requirement(s); implemented {}%, verified {}%, storied {}%",
            t.requirements, t.percent.implemented, t.percent.verified, t.percent.storied
        ),
    );
    Ok(())
}
