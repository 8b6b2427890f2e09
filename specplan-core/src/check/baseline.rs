//! Adopting `check` on a legacy codebase: `--write-baseline FILE` records
//! today's findings; `--baseline FILE` then reports only new ones, and says
//! how many recorded findings have disappeared so the file can shrink.
//!
//! A finding is identified by its rule, file and message — not its line,
//! which moves whenever someone edits above it — and by its occurrence
//! number among identical findings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::report::Report;
use crate::diag::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub message: String,
    /// Line when recorded: informative only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

type Key = (String, Option<String>, String);

fn key(d: &Diagnostic) -> Key {
    (d.rule.clone(), d.file.clone(), d.message.clone())
}

impl Baseline {
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .diagnostics
            .iter()
            .map(|d| Entry {
                rule: d.rule.clone(),
                file: d.file.clone(),
                message: d.message.clone(),
                line: d.span.map(|s| s.line),
            })
            .collect();
        findings.sort();
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Removes baselined findings from `report`, counting them, and counts
    /// the baseline entries that no longer occur.
    pub fn apply(&self, report: &mut Report) {
        let mut budget: BTreeMap<Key, usize> = BTreeMap::new();
        for e in &self.findings {
            *budget
                .entry((e.rule.clone(), e.file.clone(), e.message.clone()))
                .or_default() += 1;
        }
        let before = report.diagnostics.len();
        report
            .diagnostics
            .retain(|d| match budget.get_mut(&key(d)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
        report.baselined = before - report.diagnostics.len();
        report.fixed_since_baseline = budget.values().sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    fn finding(msg: &str, line: usize) -> Diagnostic {
        let text = "a\nb\nc\nd\ne\n";
        Diagnostic::error("broken-link", msg)
            .in_file("docs/a.md")
            .at(Span::from_bytes(text, (line - 1) * 2, (line - 1) * 2 + 1))
    }

    #[test]
    fn only_new_findings_remain_and_fixed_ones_are_counted() {
        let old = Report {
            diagnostics: vec![finding("x", 1), finding("x", 2), finding("y", 3)],
            ..Report::default()
        };
        let baseline = Baseline::parse(&Baseline::from_report(&old).to_json()).unwrap();
        // Lines moved, one `x` was fixed, `y` remains, `z` is new.
        let mut now = Report {
            diagnostics: vec![finding("x", 4), finding("y", 5), finding("z", 1)],
            ..Report::default()
        };
        baseline.apply(&mut now);
        assert_eq!(now.diagnostics.len(), 1);
        assert_eq!(now.diagnostics[0].message, "z");
        assert_eq!(now.baselined, 2);
        assert_eq!(now.fixed_since_baseline, 1);
    }
}
