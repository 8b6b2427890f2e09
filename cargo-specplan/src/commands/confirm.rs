//! `cargo specplan confirm`: record in `specplan.lock` that the code and
//! tests of some requirements were re-read against their current text.

use std::collections::BTreeSet;

use specplan_core::trace::Collected;
use specplan_core::trace::lock::{self, Lock};

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{ConfirmArgs, GlobalArgs};
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &ConfirmArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let collected = Collected::read(&ws, &loaded.config);
    shell.diagnostics(&ws.root, &collected.diagnostics);
    let texts = lock::requirement_texts(&collected.spec);

    let ids: Option<BTreeSet<String>> = if args.all {
        None
    } else {
        let mut unknown = Vec::new();
        for id in &args.ids {
            if !texts.contains_key(id) {
                let mut close: Vec<(usize, &String)> = texts
                    .keys()
                    .map(|k| (strsim_distance(id, k), k))
                    .filter(|(d, _)| *d <= 3)
                    .collect();
                close.sort();
                let hint = close
                    .first()
                    .map_or(String::new(), |(_, k)| format!(" (did you mean `{k}`?)"));
                unknown.push(format!("`{id}`{hint}"));
            }
        }
        if !unknown.is_empty() {
            return Err(CliError::Usage(format!(
                "no requirement is defined as {}",
                unknown.join(", ")
            )));
        }
        Some(args.ids.iter().cloned().collect())
    };

    let before = collected
        .lock
        .as_ref()
        .map(|l| lock::stale_pairs(l, &collected.spec, &collected.annotations))
        .unwrap_or_default();
    let new = Lock::confirm(
        collected.lock.as_ref(),
        &texts,
        &collected.annotations,
        ids.as_ref(),
    );
    if collected.lock.as_ref() != Some(&new) {
        new.save(&ws.jail)?;
    }
    let selected = |id: &str| ids.as_ref().is_none_or(|ids| ids.contains(id));
    let mut confirmed: Vec<&str> = before
        .iter()
        .filter(|s| selected(&s.requirement))
        .map(|s| s.requirement.as_str())
        .collect();
    confirmed.dedup();
    for id in &confirmed {
        let n = before.iter().filter(|s| s.requirement == *id).count();
        shell.status(
            "Confirmed",
            format!("{id}: {n} implementation(s) and test(s) now match its current text"),
        );
    }
    if confirmed.is_empty() {
        shell.status(
            "Finished",
            format!("nothing was stale; {} is up to date", lock::FILE_NAME),
        );
    } else {
        let left = lock::stale_pairs(&new, &collected.spec, &collected.annotations).len();
        shell.status(
            "Finished",
            format!(
                "{} requirement(s) confirmed in {}; {left} stale implementation(s) and test(s) left",
                confirmed.len(),
                lock::FILE_NAME
            ),
        );
    }
    Ok(())
}

/// Levenshtein distance, for "did you mean".
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
