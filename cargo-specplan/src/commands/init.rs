//! `cargo specplan init`: Steps 0 and 0.5 confirmed by the person (or by
//! `--yes` in CI), then the configuration, the domain folders and the three
//! workspace documents.

use camino::Utf8PathBuf;
use specplan_core::Workspace;
use specplan_core::config::{self, Config, DomainConfig, Source};
use specplan_core::inspect::{self, Inspection};
use specplan_core::scaffold;
use specplan_core::write::{Outcome, write_atomic, write_document};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GlobalArgs, InitArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &InitArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    for name in &args.domains {
        config::validate_domain_name(name)
            .map_err(|why| CliError::Usage(format!("invalid domain name `{name}`: {why}")))?;
    }
    shell.status("Inspecting", ws.root.as_str());
    let inspection = inspect::inspect(&ws);
    shell.diagnostics(&ws.root, &inspection.diagnostics);

    let mut cfg = loaded.config.clone();
    if let Some(root) = &args.docs_root {
        cfg.docs.root = Some(root.trim_end_matches('/').to_string());
    }
    cfg.domains = choose_domains(args, &cfg, &inspection);
    if !args.yes {
        if !shell.is_interactive() {
            return Err(CliError::Usage(
                "`init` needs confirmation and this is not a terminal: pass `--yes` to accept the detected stack and domains, and `--domain NAME` (repeatable) to choose the domains".into(),
            ));
        }
        eprint!("{}", inspection.render_human());
        match confirm(&cfg.docs.root(), &cfg.domains)? {
            Some(domains) => cfg.domains = domains,
            None => return Err(CliError::Usage("cancelled; nothing was written".into())),
        }
    } else if shell.verbosity() != crate::shell::Verbosity::Quiet {
        eprint!("{}", inspection.render_human());
    }
    if cfg.domains.is_empty() {
        return Err(CliError::Usage(
            "no domain to scaffold: pass `--domain NAME`".into(),
        ));
    }

    super::keep_buildable(&ws, &cfg.docs.root(), args.yes, shell)?;
    // A killed run's temporary file beside the configuration goes too,
    // even when there is nothing to write there.
    specplan_core::write::sweep(&ws.jail, &ws.root);
    write_config(&ws, &loaded.source, &cfg, args.config_in_cargo, shell)?;
    // The configuration now holds the domains it had and the new ones; the
    // index lists them all.
    let mut all = loaded.config.domains.clone();
    for d in &cfg.domains {
        if !all.iter().any(|a| a.name == d.name) {
            all.push(d.clone());
        }
    }
    let docs_root = ws.root.join(cfg.docs.root());
    let mut created_any = false;
    for d in &cfg.domains {
        // The domain's own folder holds its README (`index`, two or more
        // domains): a killed index leaves its temporary there.
        specplan_core::write::sweep(&ws.jail, &docs_root.join(&d.name));
        for sub in ["requirements", "workflows"] {
            let dir = docs_root.join(&d.name).join(sub);
            specplan_core::write::sweep(&ws.jail, &dir);
            if !ws.jail.is_dir(dir.as_std_path()) {
                ws.jail.create_dir_all(dir.as_std_path()).map_err(|e| {
                    CliError::Usage(format!("could not create `{}`: {e}", ws.relative(&dir)))
                })?;
                // Git does not keep empty folders.
                write_atomic(&ws.jail, &dir.join(".gitkeep"), "")?;
                shell.status("Creating", format!("{}/", ws.relative(&dir)));
                created_any = true;
            }
        }
    }
    // The documents describe the workspace as it is after this run (with
    // its docs folder and documents), so that running `init` again changes
    // nothing: when this run creates anything, the documents are rendered
    // a second time from a fresh look at the workspace.
    let index_cfg = Config {
        domains: all,
        ..cfg.clone()
    };
    let today = specplan_core::date::today();
    let mut outcomes: Vec<(Utf8PathBuf, Outcome)> = Vec::new();
    let mut inspection = inspection;
    for pass in 0..2 {
        if pass == 1 {
            let created = created_any || outcomes.iter().any(|(_, o)| *o == Outcome::Created);
            if !created {
                break;
            }
            inspection = inspect::inspect(&ws);
        }
        let docs = scaffold::workspace_docs(&ws, &inspection, &index_cfg, &today)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        for doc in docs {
            let path = ws.root.join(&doc.rel);
            let outcome = write_document(&ws.jail, &path, &doc.text, args.force && pass == 0)?;
            match outcomes.iter_mut().find(|(p, _)| *p == path) {
                Some((_, first)) => merge_outcome(first, outcome),
                None => outcomes.push((path, outcome)),
            }
        }
    }
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for (path, outcome) in outcomes {
        match outcome {
            Outcome::Created | Outcome::Replaced { .. } => created += 1,
            Outcome::Updated { .. } => updated += 1,
            Outcome::Unchanged { .. } => unchanged += 1,
        }
        report(shell, &ws, &path, outcome);
    }
    shell.status(
        "Finished",
        format!(
            "{}: {created} written, {updated} updated, {unchanged} unchanged",
            cfg.docs.root()
        ),
    );
    Ok(())
}

/// `--domain` wins; then the domains already configured; then the proposal.
fn choose_domains(args: &InitArgs, cfg: &Config, inspection: &Inspection) -> Vec<DomainConfig> {
    if !args.domains.is_empty() {
        let mut out: Vec<DomainConfig> = Vec::new();
        for name in &args.domains {
            if out.iter().any(|d| &d.name == name) {
                continue;
            }
            let prefix = cfg
                .domains
                .iter()
                .find(|d| &d.name == name)
                .and_then(|d| d.prefix.clone());
            out.push(DomainConfig {
                name: name.clone(),
                prefix,
            });
        }
        return out;
    }
    if !cfg.domains.is_empty() {
        return cfg.domains.clone();
    }
    inspection
        .domains
        .iter()
        .map(|d| DomainConfig {
            name: d.name.clone(),
            prefix: (d.prefix != config::default_prefix(&d.name)).then(|| d.prefix.clone()),
        })
        .collect()
}

/// Asks the person to accept or edit the domains. `None` when they decline.
fn confirm(
    docs_root: &str,
    domains: &[DomainConfig],
) -> Result<Option<Vec<DomainConfig>>, CliError> {
    let prompt_err = |e: dialoguer::Error| CliError::Usage(format!("prompt failed: {e}"));
    let names: Vec<&str> = domains.iter().map(|d| d.name.as_str()).collect();
    let ok = dialoguer::Confirm::new()
        .with_prompt(format!(
            "Scaffold {docs_root}/ for this stack with domains [{}]?",
            names.join(", ")
        ))
        .default(true)
        .interact()
        .map_err(prompt_err)?;
    if ok {
        return Ok(Some(domains.to_vec()));
    }
    let edited: String = dialoguer::Input::new()
        .with_prompt("Domains (comma-separated, empty to cancel)")
        .with_initial_text(names.join(", "))
        .allow_empty(true)
        .validate_with(|input: &String| -> Result<(), String> {
            input
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .try_for_each(|n| {
                    config::validate_domain_name(n).map_err(|w| format!("`{n}`: {w}"))
                })
        })
        .interact_text()
        .map_err(prompt_err)?;
    let chosen: Vec<DomainConfig> = edited
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|n| {
            domains
                .iter()
                .find(|d| d.name == n)
                .cloned()
                .unwrap_or(DomainConfig {
                    name: n.to_string(),
                    prefix: None,
                })
        })
        .collect();
    Ok((!chosen.is_empty()).then_some(chosen))
}

/// Creates the configuration, or adds new domains to the existing one
/// without touching anything else in it.
fn write_config(
    ws: &Workspace,
    source: &Source,
    cfg: &Config,
    in_cargo: bool,
    shell: &Shell,
) -> Result<(), CliError> {
    let (path, table_path): (Utf8PathBuf, Vec<&str>) = match source {
        Source::File(p) => (p.clone(), vec![]),
        Source::Manifest { path, table } => (path.clone(), table.split('.').collect()),
        Source::Default if in_cargo => {
            let text = std::fs::read_to_string(&ws.manifest_path).unwrap_or_default();
            (
                ws.manifest_path.clone(),
                config::manifest_table(&text).to_vec(),
            )
        }
        Source::Default => {
            let path = ws.root.join(config::FILE_NAME);
            write_atomic(&ws.jail, &path, &config::render_file(cfg))?;
            shell.status("Creating", ws.relative(&path));
            return Ok(());
        }
    };
    let text = ws
        .jail
        .read_to_string(path.as_std_path(), specplan_core::source::MAX_FILE_BYTES)
        .map_err(|e| CliError::Usage(format!("could not read `{}`: {e}", ws.relative(&path))))?;
    let updated =
        config::add_domains_to_document(&text, &table_path, &cfg.domains, cfg.docs.root.as_deref())
            .map_err(|e| {
                CliError::Usage(format!("could not edit `{}`: {e}", ws.relative(&path)))
            })?;
    if updated != text {
        write_atomic(&ws.jail, &path, &updated)?;
        shell.status("Updating", ws.relative(&path));
    } else {
        shell.verbose_status("Unchanged", ws.relative(&path));
    }
    Ok(())
}

/// What a file went through over both passes, as the person should hear it.
fn merge_outcome(first: &mut Outcome, second: Outcome) {
    match (&mut *first, second) {
        (_, Outcome::Unchanged { .. }) | (Outcome::Created | Outcome::Replaced { .. }, _) => {}
        (
            Outcome::Updated { regions, dropped },
            Outcome::Updated {
                regions: more,
                dropped: gone,
            },
        ) => {
            regions.extend(
                more.into_iter()
                    .filter(|r| !regions.contains(r))
                    .collect::<Vec<_>>(),
            );
            dropped.extend(
                gone.into_iter()
                    .filter(|r| !dropped.contains(r))
                    .collect::<Vec<_>>(),
            );
        }
        (_, second) => *first = second,
    }
}

fn report(shell: &Shell, ws: &Workspace, path: &camino::Utf8Path, outcome: Outcome) {
    let rel = ws.relative(path);
    let dropped = match &outcome {
        Outcome::Updated { dropped, .. } | Outcome::Unchanged { dropped } => dropped.clone(),
        _ => Vec::new(),
    };
    match outcome {
        Outcome::Created => shell.status("Creating", rel.clone()),
        Outcome::Updated { regions, .. } => shell.status(
            "Updating",
            format!("{rel} (regions: {})", regions.join(", ")),
        ),
        Outcome::Unchanged { .. } => shell.verbose_status("Unchanged", rel.clone()),
        Outcome::Replaced { backup } => shell.status(
            "Replacing",
            format!("{rel} (the old file is kept as {})", ws.relative(&backup)),
        ),
    }
    for name in dropped {
        shell.note(format!(
            "`{rel}` has no `{name}` region any more; it was removed by hand and is not brought back"
        ));
    }
}
