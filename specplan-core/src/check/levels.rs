//! Rule levels: each rule's default, overridden in `[rules]` of the
//! configuration. Every diagnostic says where its level came from.

use std::collections::BTreeMap;

use camino::Utf8Path;

use super::registry::{self, Rule, RuleLevel};
use crate::config::{Config, Source};
use crate::diag::{Diagnostic, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelSource {
    Default,
    /// Set in a configuration file, at a line.
    Config {
        file: String,
        line: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Levels {
    set: BTreeMap<&'static str, (RuleLevel, LevelSource)>,
}

impl Levels {
    /// Every rule at its default level.
    pub fn defaults() -> Levels {
        Levels {
            set: registry::RULES
                .iter()
                .map(|r| (r.name, (r.default_level, LevelSource::Default)))
                .collect(),
        }
    }

    /// The defaults overridden by `config.rules`. An unknown rule name or
    /// level is an error pointing into the configuration file.
    pub fn from_config(
        config: &Config,
        source: &Source,
        root: &Utf8Path,
    ) -> Result<Levels, Diagnostic> {
        let mut levels = Levels::defaults();
        if config.rules.is_empty() {
            return Ok(levels);
        }
        let located = locate(source, root);
        for (name, level) in &config.rules {
            let (file, key_span, value_span) = match &located {
                Some((rel, text, spans)) => {
                    let (k, v) = spans.get(name.as_str()).cloned().unwrap_or_default();
                    (
                        Some(rel.clone()),
                        k.map(|r| Span::from_bytes(text, r.start, r.end)),
                        v.map(|r| Span::from_bytes(text, r.start, r.end)),
                    )
                }
                None => (None, None, None),
            };
            let fail = |message: String, span: Option<Span>, label: &str| {
                let mut d = Diagnostic::error("invalid-config", message).with_label(label);
                if let Some(f) = &file {
                    d = d.in_file(f.clone());
                }
                if let Some(s) = span {
                    d = d.at(s);
                }
                d
            };
            let Some(rule) = registry::find(name) else {
                let suggestions = registry::suggest(name);
                let mut d = fail(
                    format!("unknown rule `{name}` in `[rules]`"),
                    key_span,
                    "no rule has this name",
                );
                d = if suggestions.is_empty() {
                    d.with_help("`cargo specplan explain --list` names every rule")
                } else {
                    d.with_help(format!("did you mean `{}`?", suggestions.join("`, `")))
                };
                return Err(d);
            };
            let Some(level) = RuleLevel::parse(level) else {
                return Err(fail(
                    format!("invalid level `{level}` for rule `{name}`"),
                    value_span,
                    "expected \"error\", \"warning\" or \"allow\"",
                ));
            };
            let src = match (&file, key_span) {
                (Some(f), Some(s)) => LevelSource::Config {
                    file: f.clone(),
                    line: s.line,
                },
                (Some(f), None) => LevelSource::Config {
                    file: f.clone(),
                    line: 0,
                },
                _ => LevelSource::Default,
            };
            levels.set.insert(rule.name, (level, src));
        }
        Ok(levels)
    }

    pub fn level(&self, rule: &str) -> RuleLevel {
        self.set.get(rule).map_or(RuleLevel::Warning, |(l, _)| *l)
    }

    /// The note every diagnostic carries about its level.
    pub fn note(&self, rule: &str) -> String {
        match self.set.get(rule) {
            Some((level, LevelSource::Default)) => {
                format!("`{rule}` is {} by default", article(*level))
            }
            Some((level, LevelSource::Config { file, line })) if *line > 0 => {
                format!("`{rule}` is set to {} in {file}:{line}", level.as_str())
            }
            Some((level, LevelSource::Config { file, .. })) => {
                format!("`{rule}` is set to {} in {file}", level.as_str())
            }
            None => format!("`{rule}` is a warning"),
        }
    }

    pub fn rules(&self) -> impl Iterator<Item = (&'static Rule, RuleLevel)> + '_ {
        registry::RULES.iter().map(|r| (r, self.level(r.name)))
    }
}

fn article(level: RuleLevel) -> &'static str {
    match level {
        RuleLevel::Error => "an error",
        RuleLevel::Warning => "a warning",
        RuleLevel::Allow => "allowed",
    }
}

type KeySpans = BTreeMap<
    String,
    (
        Option<std::ops::Range<usize>>,
        Option<std::ops::Range<usize>>,
    ),
>;

/// The configuration file's relative path, text, and the byte spans of
/// each `[rules]` key and value in it.
fn locate(source: &Source, root: &Utf8Path) -> Option<(String, String, KeySpans)> {
    let (path, table_path): (&camino::Utf8PathBuf, Vec<&str>) = match source {
        Source::Default => return None,
        Source::File(p) => (p, vec!["rules"]),
        Source::Manifest { path, table } => {
            let mut t: Vec<&str> = table.split('.').collect();
            t.push("rules");
            (path, t)
        }
    };
    let text = crate::workspace::Jail::new(root.as_std_path())
        .ok()?
        .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
        .ok()?;
    let doc = toml_edit::Document::parse(text.clone()).ok()?;
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    for key in &table_path {
        table = table.get(key)?.as_table_like()?;
    }
    let spans = table
        .iter()
        .map(|(k, item)| {
            let key_span = table.key(k).and_then(|k| k.span());
            (k.to_string(), (key_span, item.span()))
        })
        .collect();
    Some((crate::workspace::relative_to(root, path), text, spans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use camino::Utf8PathBuf;

    fn with_file(text: &str) -> (tempfile::TempDir, Config, Source, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        let path = root.join("specplan.toml");
        std::fs::write(&path, text).unwrap();
        let config = crate::config::parse(text, "specplan.toml").unwrap();
        (tmp, config, Source::File(path), root)
    }

    #[test]
    fn defaults_and_overrides_say_where_they_came_from() {
        let (_t, config, source, root) =
            with_file("[rules]\nbroken-link = \"warning\"\n\"review-gate\" = \"allow\"\n");
        let levels = Levels::from_config(&config, &source, &root).unwrap();
        assert_eq!(levels.level("broken-link"), RuleLevel::Warning);
        assert_eq!(levels.level("review-gate"), RuleLevel::Allow);
        assert_eq!(levels.level("duplicate-id"), RuleLevel::Error);
        assert_eq!(
            levels.note("duplicate-id"),
            "`duplicate-id` is an error by default"
        );
        assert_eq!(
            levels.note("broken-link"),
            "`broken-link` is set to warning in specplan.toml:2"
        );
    }

    #[test]
    fn unknown_rule_points_at_the_key_with_a_suggestion() {
        let (_t, config, source, root) =
            with_file("[docs]\nlanguage = \"en\"\n\n[rules]\nbroken-links = \"allow\"\n");
        let d = Levels::from_config(&config, &source, &root).unwrap_err();
        assert_eq!(d.file.as_deref(), Some("specplan.toml"));
        assert_eq!(d.span.unwrap().line, 5);
        assert_eq!(d.help.as_deref(), Some("did you mean `broken-link`?"));
    }

    #[test]
    fn invalid_level_points_at_the_value() {
        let (_t, config, source, root) = with_file("[rules]\nbroken-link = \"fatal\"\n");
        let d = Levels::from_config(&config, &source, &root).unwrap_err();
        assert_eq!(d.span.unwrap().line, 2);
        assert_eq!(d.span.unwrap().column, 15);
    }
}
