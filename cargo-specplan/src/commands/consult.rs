//! `cargo specplan consult "<feature>"`: seed 002's five backend consultants
//! and their summary, in `planning-docs/<slug>/`.
//!
//! Each document is the command's primary output, so its line goes to
//! stdout in the seed's "minimal return" form:
//!
//! ```text
//! ✓ Design complete. Saved to planning-docs/password-reset/04-api-design.md
//!   Key decisions: …
//! ```
//!
//! Status lines and diagnostics go to stderr. A document that already exists
//! is never replaced (SPEC.md §3.4): only its generated regions are
//! refreshed, and a document whose region markers are broken is kept as it
//! is and reported. `--force` replaces documents whole, keeping each old one
//! as `NAME.bak`.

use std::io::Write;

use camino::Utf8PathBuf;
use specplan_core::consult::{self, ConsultError, Options};
use specplan_core::write::{Outcome, WriteError, write_document};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{ConsultArgs, GlobalArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &ConsultArgs, shell: &Shell) -> Result<(), CliError> {
    if consult::slug(&args.feature).trim_matches('-').is_empty() {
        return Err(CliError::Usage(
            ConsultError::EmptySlug(args.feature.clone()).to_string(),
        ));
    }
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    shell.status("Consulting", format!("{} on {:?}", ws.root, args.feature));
    let advisory_db = match &args.advisory_db {
        Some(p) => Some(
            Utf8PathBuf::from_path_buf(p.clone())
                .map_err(|p| CliError::Usage(format!("`{}` is not valid UTF-8", p.display())))?,
        ),
        None => None,
    };
    let options = Options {
        today: specplan_core::date::today(),
        advisory_db,
        no_advisory_db: args.no_advisory_db,
    };
    let consultation =
        consult::consult(&ws, &loaded.config, &args.feature, &options).map_err(|e| match e {
            ConsultError::EmptySlug(_) => CliError::Usage(e.to_string()),
            ConsultError::Template(t) => CliError::Usage(t.to_string()),
        })?;
    shell.diagnostics(&ws.root, &consultation.diagnostics);
    if let Some(first) = consultation.docs.first() {
        let folder = first.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        super::keep_buildable(&ws, folder, args.yes, shell)?;
    }

    let mut out = anstream::stdout().lock();
    let (mut written, mut updated, mut unchanged, mut kept) = (0, 0, 0, 0);
    for doc in &consultation.docs {
        let path = ws.root.join(&doc.rel);
        let line = match write_document(&ws.jail, &path, &doc.text, args.force) {
            Ok(Outcome::Created) => {
                written += 1;
                format!("✓ Design complete. Saved to {}", doc.rel)
            }
            Ok(Outcome::Replaced { backup }) => {
                written += 1;
                format!(
                    "✓ Design complete. Saved to {} (the old file is kept as {})",
                    doc.rel,
                    ws.relative(&backup)
                )
            }
            Ok(Outcome::Updated { regions, .. }) => {
                updated += 1;
                format!(
                    "✓ Design complete. Updated {} (generated regions: {}; everything else kept)",
                    doc.rel,
                    regions.join(", ")
                )
            }
            Ok(Outcome::Unchanged { dropped }) if !dropped.is_empty() => {
                // The person's file has none (or not all) of the generated
                // regions: it is theirs, and stays as it is.
                kept += 1;
                format!(
                    "! Kept existing {} (it has no `{}` region{} to refresh)",
                    doc.rel,
                    dropped.join("`, `"),
                    if dropped.len() == 1 { "" } else { "s" }
                )
            }
            Ok(Outcome::Unchanged { .. }) => {
                unchanged += 1;
                format!("✓ Design complete. {} is up to date", doc.rel)
            }
            Err(e @ (WriteError::Regions { .. } | WriteError::NotUtf8 { .. })) => {
                kept += 1;
                shell.warn(e.to_string());
                format!("! Kept existing {} unchanged", doc.rel)
            }
            Err(e) => return Err(e.into()),
        };
        let written_ok = writeln!(out, "{line}\n  Key decisions: {}", doc.key_decisions);
        if let Err(e) = written_ok
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(CliError::Usage(format!("cannot write to stdout: {e}")));
        }
    }
    let mut tally = format!("{written} written, {updated} updated, {unchanged} unchanged");
    if kept > 0 {
        tally.push_str(&format!(", {kept} kept as they were"));
    }
    shell.status("Finished", format!("{}: {tally}", consultation.dir));
    Ok(())
}
