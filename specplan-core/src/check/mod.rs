//! `cargo specplan check`: the rule engine.
//!
//! Rules are data ([`registry`]); each family's checks produce diagnostics at
//! the rule's default level, then [`levels`] applies the configuration and
//! notes where each level came from, and [`report`] renders the result.

pub mod baseline;
pub mod levels;
pub mod registry;
pub mod report;

use crate::diag::{Diagnostic, Level};
use levels::Levels;
use registry::RuleLevel;

/// Applies configured levels: drops allowed findings, sets each finding's
/// level and adds the note saying where the level came from. Diagnostics of
/// unknown rules keep their level.
pub fn apply_levels(diags: Vec<Diagnostic>, levels: &Levels) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter_map(|mut d| {
            if registry::find(&d.rule).is_none() {
                return Some(d);
            }
            d.level = match levels.level(&d.rule) {
                RuleLevel::Allow => return None,
                RuleLevel::Error => Level::Error,
                RuleLevel::Warning => Level::Warning,
            };
            d.notes.push(levels.note(&d.rule));
            Some(d)
        })
        .collect()
}
