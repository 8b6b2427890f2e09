//! The result of a check and its renderers: human (rustc-style), JSON
//! (SPEC.md §6), SARIF 2.1.0 (GitHub code scanning) and GitHub workflow
//! commands. Diagnostics are sorted before rendering so output is stable.

use serde_json::{Value, json};

use super::registry::{self, RuleLevel};
use crate::diag::{self, Diagnostic, Level};

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Requirements no code implements, for the closing summary.
    pub unimplemented: Vec<String>,
    /// Findings hidden by the baseline.
    pub baselined: usize,
    /// Baseline entries that no longer occur: the baseline can shrink.
    pub fixed_since_baseline: usize,
}

impl Report {
    pub fn sort(&mut self) {
        diag::sort(&mut self.diagnostics);
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count()
    }

    /// `N errors, M warnings` and what else a person should know.
    pub fn summary_line(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let mut s = format!(
            "{}, {}",
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning")
        );
        if self.baselined > 0 {
            s.push_str(&format!(" ({} baselined)", self.baselined));
        }
        if !self.unimplemented.is_empty() {
            let shown: Vec<&str> = self
                .unimplemented
                .iter()
                .take(8)
                .map(String::as_str)
                .collect();
            let more = self.unimplemented.len().saturating_sub(shown.len());
            s.push_str(&format!("; unimplemented: {}", shown.join(", ")));
            if more > 0 {
                s.push_str(&format!(" and {more} more"));
            }
        }
        s
    }

    pub fn to_json(&self) -> Value {
        let diagnostics: Vec<Value> = self
            .diagnostics
            .iter()
            .map(|d| {
                let span = d.span;
                json!({
                    "rule": d.rule,
                    "level": d.level,
                    "message": d.message,
                    "file": d.file,
                    "line": span.map(|s| s.line),
                    "column": span.map(|s| s.column),
                    "end_line": span.map(|s| s.end_line),
                    "end_column": span.map(|s| s.end_column),
                    "help": d.help,
                    "label": d.label,
                    "notes": d.notes,
                })
            })
            .collect();
        json!({
            "version": 1,
            "diagnostics": diagnostics,
            "summary": {
                "errors": self.errors(),
                "warnings": self.warnings(),
                "baselined": self.baselined,
                "fixed_since_baseline": self.fixed_since_baseline,
                "unimplemented": self.unimplemented,
            },
        })
    }

    /// SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rule
    /// table from the registry, one result per diagnostic with a physical
    /// location relative to `%SRCROOT%`.
    pub fn to_sarif(&self, tool_version: &str) -> Value {
        let rules: Vec<Value> = registry::RULES
            .iter()
            .map(|r| {
                json!({
                    "id": r.name,
                    "name": kebab_to_pascal(r.name),
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": r.summary},
                    "help": {"text": strip_markdown(r.explain), "markdown": r.explain},
                    "helpUri": format!("https://docs.rs/specplan-core/{tool_version}/specplan_core/check/registry/index.html#{}", r.name),
                    "defaultConfiguration": {"level": sarif_level(r.default_level)},
                    "properties": {"tags": [r.family.as_str()]},
                })
            })
            .collect();
        let results: Vec<Value> = self
            .diagnostics
            .iter()
            .map(|d| {
                let mut result = json!({
                    "ruleId": d.rule,
                    "level": match d.level { Level::Error => "error", Level::Warning => "warning", Level::Note => "note" },
                    "message": {"text": sarif_message(d)},
                });
                if let Some(index) = registry::RULES.iter().position(|r| r.name == d.rule) {
                    result["ruleIndex"] = json!(index);
                }
                if let Some(file) = &d.file {
                    let mut physical = json!({
                        "artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                    });
                    if let Some(s) = d.span {
                        physical["region"] = json!({
                            "startLine": s.line.max(1),
                            "startColumn": s.column.max(1),
                            "endLine": s.end_line.max(s.line).max(1),
                            "endColumn": if s.end_line > s.line { s.end_column.max(1) } else { s.end_column.max(s.column + 1) },
                        });
                    }
                    result["locations"] = json!([{"physicalLocation": physical}]);
                }
                result
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "cargo-specplan",
                    "semanticVersion": tool_version,
                    "informationUri": "https://github.com/cargo-specplan/cargo-specplan",
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        })
    }

    /// GitHub Actions workflow commands: `::error file=…,line=…::message`.
    pub fn to_github(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let command = match d.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "notice",
            };
            let mut props = Vec::new();
            if let Some(f) = &d.file {
                props.push(format!("file={}", escape_property(f)));
                if let Some(s) = d.span {
                    props.push(format!("line={}", s.line));
                    props.push(format!("endLine={}", s.end_line));
                    props.push(format!("col={}", s.column));
                    if s.end_line == s.line {
                        props.push(format!("endColumn={}", s.end_column));
                    }
                }
            }
            props.push(format!("title={}", escape_property(&d.rule)));
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                props.join(","),
                escape_data(&message)
            ));
        }
        out
    }
}

fn sarif_level(l: RuleLevel) -> &'static str {
    match l {
        RuleLevel::Error => "error",
        RuleLevel::Warning => "warning",
        RuleLevel::Allow => "none",
    }
}

fn sarif_message(d: &Diagnostic) -> String {
    let mut m = d.message.clone();
    if let Some(l) = &d.label {
        m.push_str(&format!(": {l}"));
    }
    if let Some(h) = &d.help {
        m.push_str(&format!(" (help: {h})"));
    }
    m
}

fn kebab_to_pascal(s: &str) -> String {
    s.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn strip_markdown(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("```"))
        .map(|l| l.trim_start_matches("## "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escaping for workflow command data (the message).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for workflow command properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    fn report() -> Report {
        let text = "# Title\n\nsee FR-AUTH-09 here\n";
        let mut r = Report {
            diagnostics: vec![
                Diagnostic::error("undefined-id", "`FR-AUTH-09` is not defined")
                    .in_file("docs/en/specifications/auth/requirements/user-stories.md")
                    .at(Span::from_bytes(text, 13, 23))
                    .with_help("did you mean `FR-AUTH-02`?"),
                Diagnostic::warning(
                    "unimplemented-requirement",
                    "no code implements `FR-AUTH-01`, 100%, a:b",
                ),
            ],
            unimplemented: vec!["FR-AUTH-01".into()],
            ..Report::default()
        };
        r.sort();
        r
    }

    #[test]
    fn json_has_the_documented_shape() {
        let j = report().to_json();
        assert_eq!(j["version"], 1);
        let d = &j["diagnostics"][1];
        assert_eq!(d["rule"], "undefined-id");
        assert_eq!(d["level"], "error");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(3), Some(5))
        );
        assert_eq!(
            (d["end_line"].as_u64(), d["end_column"].as_u64()),
            (Some(3), Some(15))
        );
        assert_eq!(j["summary"]["errors"], 1);
        assert_eq!(j["summary"]["warnings"], 1);
    }

    #[test]
    fn github_commands_escape_their_data() {
        let g = report().to_github();
        assert!(g.contains("::error file=docs/en/specifications/auth/requirements/user-stories.md,line=3,endLine=3,col=5,endColumn=15,title=undefined-id::`FR-AUTH-09` is not defined%0Ahelp: did you mean `FR-AUTH-02`?\n"), "{g}");
        assert!(g.contains("::warning title=unimplemented-requirement::no code implements `FR-AUTH-01`, 100%25, a:b\n"), "{g}");
    }

    #[test]
    fn summary_line() {
        assert_eq!(
            report().summary_line(),
            "1 error, 1 warning; unimplemented: FR-AUTH-01"
        );
    }

    #[test]
    fn sarif_results_reference_registered_rules() {
        let s = report().to_sarif("0.1.0");
        let run = &s["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        let loc = &run["results"][1]["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"]["startLine"], 3);
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }
}
