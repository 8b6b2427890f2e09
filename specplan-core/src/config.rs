//! Configuration: `specplan.toml` at the workspace root, else
//! `[workspace.metadata.specplan]` in the root `Cargo.toml`, else
//! `[package.metadata.specplan]` of a single-package workspace.
//!
//! Unknown keys are errors that point into the file, so a typo never silently
//! turns a setting off.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Span};
use crate::workspace::Workspace;

pub const FILE_NAME: &str = "specplan.toml";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub docs: DocsConfig,
    /// The domains of Step 0.5, in index order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainConfig>,
    /// Rule name → level (`error`, `warning`, `allow`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, String>,
    /// Skill IDs and timeouts of the tasks `plan` emits.
    #[serde(default, skip_serializing_if = "PlanConfig::is_default")]
    pub plan: PlanConfig,
}

/// `[plan]`: the skills and timeouts of the tasks `cargo specplan plan`
/// emits; the defaults are the seed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct PlanConfig {
    pub implementation_skill: String,
    pub critique_skill: String,
    pub testing_skill: String,
    pub implementation_timeout_seconds: u64,
    pub critique_timeout_seconds: u64,
    pub testing_timeout_seconds: u64,
}

impl Default for PlanConfig {
    fn default() -> Self {
        use crate::plan::*;
        PlanConfig {
            implementation_skill: DEFAULT_IMPLEMENTATION_SKILL.into(),
            critique_skill: DEFAULT_CRITIQUE_SKILL.into(),
            testing_skill: DEFAULT_TESTING_SKILL.into(),
            implementation_timeout_seconds: DEFAULT_IMPLEMENTATION_TIMEOUT,
            critique_timeout_seconds: DEFAULT_CRITIQUE_TIMEOUT,
            testing_timeout_seconds: DEFAULT_TESTING_TIMEOUT,
        }
    }
}

impl PlanConfig {
    fn is_default(&self) -> bool {
        *self == PlanConfig::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocsConfig {
    /// Language folder of the documents.
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the specifications live, relative to the workspace root.
    /// Defaults to `docs/<language>/specifications`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// A folder of templates that override the built-in ones, by file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
}

fn default_language() -> String {
    "en".to_string()
}

impl Default for DocsConfig {
    fn default() -> Self {
        DocsConfig {
            language: default_language(),
            root: None,
            templates: None,
        }
    }
}

impl DocsConfig {
    /// The docs root relative to the workspace root, `/`-separated.
    pub fn root(&self) -> String {
        self.root
            .clone()
            .unwrap_or_else(|| format!("docs/{}/specifications", self.language))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DomainConfig {
    pub name: String,
    /// ID prefix (`AUTH` in `FR-AUTH-01`); defaults to the name upper-cased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl DomainConfig {
    pub fn prefix(&self) -> String {
        self.prefix
            .clone()
            .unwrap_or_else(|| default_prefix(&self.name))
    }
}

/// `auth` → `AUTH`, `user-profile` → `USERPROFILE`.
pub fn default_prefix(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Where the configuration was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// No configuration: defaults.
    Default,
    File(Utf8PathBuf),
    /// A metadata table in a manifest (`workspace.metadata.specplan` or
    /// `package.metadata.specplan`).
    Manifest {
        path: Utf8PathBuf,
        table: String,
    },
}

impl Source {
    pub fn describe(&self, root: &Utf8Path) -> String {
        match self {
            Source::Default => "the defaults".to_string(),
            Source::File(p) => format!("`{}`", crate::workspace::relative_to(root, p)),
            Source::Manifest { path, table } => {
                format!(
                    "`[{table}]` in `{}`",
                    crate::workspace::relative_to(root, path)
                )
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub source: Source,
}

#[derive(Deserialize)]
struct ManifestShim {
    workspace: Option<MetadataShim>,
    package: Option<MetadataShim>,
}

#[derive(Deserialize)]
struct MetadataShim {
    metadata: Option<SpecplanShim>,
}

#[derive(Deserialize)]
struct SpecplanShim {
    specplan: Option<Config>,
}

/// Reads the configuration. An invalid configuration is an `Err` diagnostic
/// pointing at the offending key (the caller exits with code 2).
pub fn load(ws: &Workspace) -> Result<Loaded, Diagnostic> {
    let file = ws.root.join(FILE_NAME);
    if ws.jail.is_file(file.as_std_path()) {
        let text = read(&file, ws)?;
        let config = parse_valid(&text, FILE_NAME)?;
        return Ok(Loaded {
            config,
            source: Source::File(file),
        });
    }
    let manifest = &ws.manifest_path;
    if manifest.is_file() {
        let text = read(manifest, ws)?;
        if text.contains("specplan") {
            let rel = ws.relative(manifest);
            let shim: ManifestShim = toml::from_str(&text)
                .map_err(|e| crate::lockfile::toml_diagnostic(&e, &text, &rel))
                .map_err(|d| Diagnostic {
                    rule: "invalid-config".into(),
                    ..d
                })?;
            for (table, meta) in [("workspace", shim.workspace), ("package", shim.package)] {
                if let Some(config) = meta.and_then(|m| m.metadata).and_then(|m| m.specplan) {
                    validate(&config, &text, &rel)?;
                    return Ok(Loaded {
                        config,
                        source: Source::Manifest {
                            path: manifest.clone(),
                            table: format!("{table}.metadata.specplan"),
                        },
                    });
                }
            }
        }
    }
    Ok(Loaded {
        config: Config::default(),
        source: Source::Default,
    })
}

fn read(path: &Utf8Path, ws: &Workspace) -> Result<String, Diagnostic> {
    ws.jail
        .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
        .map_err(|e| Diagnostic::error("invalid-config", e.to_string()).in_file(ws.relative(path)))
}

/// Parses `specplan.toml` text.
pub fn parse(text: &str, rel: &str) -> Result<Config, Diagnostic> {
    toml::from_str(text)
        .map_err(|e| crate::lockfile::toml_diagnostic(&e, text, rel))
        .map_err(|d| Diagnostic {
            rule: "invalid-config".into(),
            ..d
        })
}

/// Parses `specplan.toml` text and checks what serde cannot (paths,
/// domain names, prefixes, duplicates): the configuration `load` accepts.
pub fn parse_valid(text: &str, rel: &str) -> Result<Config, Diagnostic> {
    let config = parse(text, rel)?;
    validate(&config, text, rel)?;
    Ok(config)
}

/// Checks what serde cannot: domain names, prefixes, duplicates.
fn validate(config: &Config, text: &str, rel: &str) -> Result<(), Diagnostic> {
    validate_paths(&config.docs, text, rel)?;
    let mut seen = std::collections::BTreeSet::new();
    for d in &config.domains {
        let point = |needle: &str| {
            let quoted = format!("\"{needle}\"");
            text.find(&quoted)
                .map(|i| Span::from_bytes(text, i, i + quoted.len()))
        };
        let fail = |message: String, needle: &str| {
            let mut diag = Diagnostic::error("invalid-config", message).in_file(rel);
            if let Some(span) = point(needle) {
                diag = diag.at(span);
            }
            diag
        };
        if let Err(why) = validate_domain_name(&d.name) {
            return Err(fail(format!("invalid domain name `{}`: {why}", d.name), &d.name)
                .with_help("domain names are lower-case letters, digits and `-`, starting with a letter, e.g. `auth` or `order-history`"));
        }
        if let Some(p) = &d.prefix
            && (p.is_empty()
                || !p
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                || !p.starts_with(|c: char| c.is_ascii_uppercase()))
        {
            return Err(fail(
                format!("invalid ID prefix `{p}` for domain `{}`", d.name),
                p,
            )
            .with_help(
                "a prefix is upper-case letters and digits, starting with a letter, e.g. `AUTH`",
            ));
        }
        if !seen.insert(d.name.clone()) {
            return Err(fail(
                format!("domain `{}` is listed twice", d.name),
                &d.name,
            ));
        }
    }
    Ok(())
}

/// The folders the configuration names stay inside the workspace
/// (SPEC.md §8): a cloned repository's configuration must never make the
/// tool write to `/etc`.
fn validate_paths(docs: &DocsConfig, text: &str, rel: &str) -> Result<(), Diagnostic> {
    use specplan_ids::confine::{check_config_path, check_language};
    let at_key = |key: &str, value: &str, why: String| {
        let mut diag = Diagnostic::error(
            "invalid-config",
            format!("invalid `docs.{key}` `{value}`: {why}"),
        )
        .in_file(rel)
        .with_help("cargo-specplan reads and writes only inside the workspace root");
        if let Some(span) = key_span(text, key) {
            diag = diag.at(span);
        }
        diag
    };
    check_language(&docs.language).map_err(|why| at_key("language", &docs.language, why))?;
    for (key, value) in [("root", &docs.root), ("templates", &docs.templates)] {
        if let Some(value) = value {
            check_config_path(value).map_err(|why| at_key(key, value, why))?;
        }
    }
    Ok(())
}

/// The span of `key = …` in a TOML text: the first line that assigns it.
fn key_span(text: &str, key: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - trimmed.len());
            let end = offset + line.trim_end().len();
            return Some(Span::from_bytes(text, start, end.max(start + 1)));
        }
        offset += line.len();
    }
    None
}

/// Domain names: lower-case ASCII letters, digits and `-`, starting with a
/// letter (they become folder names and ID prefixes).
pub fn validate_domain_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Err("it is empty".into()),
        Some(c) if !c.is_ascii_lowercase() => {
            return Err(format!("it must start with a lower-case letter, not `{c}`"));
        }
        _ => {}
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!("`{c}` is not allowed"));
    }
    if name.ends_with('-') || name.contains("--") {
        return Err("dashes separate words".into());
    }
    Ok(())
}

/// The text of a new `specplan.toml`.
pub fn render_file(config: &Config) -> String {
    let mut out =
        String::from("# cargo-specplan configuration. See `cargo specplan --help`.\n\n[docs]\n");
    out.push_str(&format!(
        "language = {}\n",
        toml_string(&config.docs.language)
    ));
    let root = config.docs.root();
    out.push_str(&format!("root = {}\n", toml_string(&root)));
    if let Some(t) = &config.docs.templates {
        out.push_str(&format!("templates = {}\n", toml_string(t)));
    } else {
        out.push_str(
            "# templates = \"specplan/templates\"  # override built-in templates by file name\n",
        );
    }
    out.push_str("\n# Domains in index order; `prefix` is the ID prefix (FR-<PREFIX>-01).\n");
    for d in &config.domains {
        out.push_str(&format!(
            "[[domains]]\nname = {}\nprefix = {}\n\n",
            toml_string(&d.name),
            toml_string(&d.prefix())
        ));
    }
    out.push_str("[rules]\n# Rule levels: \"error\", \"warning\" or \"allow\". `cargo specplan explain --list` names them.\n");
    for (k, v) in &config.rules {
        out.push_str(&format!("{} = {}\n", toml_string(k), toml_string(v)));
    }
    out
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The metadata table `init --config-in-cargo` writes to in a manifest:
/// the workspace's when the manifest has a `[workspace]` table, else the
/// package's.
pub fn manifest_table(manifest_text: &str) -> [&'static str; 3] {
    let is_workspace = manifest_text
        .parse::<toml_edit::DocumentMut>()
        .is_ok_and(|d| d.contains_key("workspace"));
    if is_workspace {
        ["workspace", "metadata", "specplan"]
    } else {
        ["package", "metadata", "specplan"]
    }
}

/// Adds `domains` missing from an existing `specplan.toml` (or manifest
/// metadata table), keeping the file's comments and layout.
pub fn add_domains_to_document(
    text: &str,
    table_path: &[&str],
    domains: &[DomainConfig],
    docs_root: Option<&str>,
) -> Result<String, toml_edit::TomlError> {
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    let mut table = doc.as_table_mut();
    for key in table_path {
        let entry = table.entry(key).or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        });
        // A dotted or inline table is turned into a normal table.
        if let Some(inline) = entry.as_inline_table().cloned() {
            *entry = toml_edit::Item::Table(inline.into_table());
        }
        table = entry.as_table_mut().expect("just made a table");
    }
    let docs = table.entry("docs").or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.insert("language", toml_edit::value("en"));
        toml_edit::Item::Table(t)
    });
    if let (Some(root), Some(docs)) = (docs_root, docs.as_table_like_mut())
        && docs.get("root").and_then(|v| v.as_str()) != Some(root)
    {
        docs.insert("root", toml_edit::value(root));
    }
    let arr = table
        .entry("domains")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ));
    if let Some(arr) = arr.as_array_of_tables_mut() {
        let existing: Vec<String> = arr
            .iter()
            .filter_map(|t| t.get("name").and_then(|v| v.as_str()).map(String::from))
            .collect();
        for d in domains.iter().filter(|d| !existing.contains(&d.name)) {
            let mut t = toml_edit::Table::new();
            t.insert("name", toml_edit::value(d.name.clone()));
            t.insert("prefix", toml_edit::value(d.prefix()));
            arr.push(t);
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = parse("", FILE_NAME).unwrap();
        assert_eq!(c.docs.root(), "docs/en/specifications");
        let c = parse("[docs]\nlanguage = \"ko\"\n", FILE_NAME).unwrap();
        assert_eq!(c.docs.root(), "docs/ko/specifications");
    }

    #[test]
    fn unknown_key_points_into_the_file() {
        let text = "[docs]\nlanguage = \"en\"\nrot = \"docs\"\n";
        let d = parse(text, FILE_NAME).unwrap_err();
        assert_eq!(d.rule, "invalid-config");
        assert_eq!(d.file.as_deref(), Some(FILE_NAME));
        assert_eq!(d.span.unwrap().line, 3);
        assert!(d.message.contains("rot"), "{}", d.message);
    }

    #[test]
    fn configured_folders_stay_inside_the_workspace() {
        for (text, key, line) in [
            ("[docs]\nroot = \"../../../../../../etc\"\n", "root", 2),
            ("[docs]\nroot = \"\"\n", "root", 2),
            ("[docs]\nroot = \"/etc\"\n", "root", 2),
            ("[docs]\nlanguage = \"..\"\n", "language", 2),
            (
                "[docs]\nlanguage = \"en\"\ntemplates = \"../x\"\n",
                "templates",
                3,
            ),
        ] {
            let c = parse(text, FILE_NAME).unwrap();
            let d = validate(&c, text, FILE_NAME).unwrap_err();
            assert_eq!(d.rule, "invalid-config");
            assert!(d.message.contains(&format!("docs.{key}")), "{}", d.message);
            assert_eq!(d.span.unwrap().line, line, "{text}");
        }
        let ok = "[docs]\nroot = \"docs/specs\"\nlanguage = \"pt-BR\"\n";
        assert!(validate(&parse(ok, FILE_NAME).unwrap(), ok, FILE_NAME).is_ok());
    }

    #[test]
    fn bad_domain_names_are_rejected_with_position() {
        let text = "[[domains]]\nname = \"Auth\"\n";
        let c = parse(text, FILE_NAME).unwrap();
        let d = validate(&c, text, FILE_NAME).unwrap_err();
        assert!(
            d.message.contains("invalid domain name `Auth`"),
            "{}",
            d.message
        );
        assert_eq!(d.span.unwrap().line, 2);
        assert!(validate_domain_name("order-history").is_ok());
        assert!(validate_domain_name("2fa").is_err());
        assert!(validate_domain_name("a_b").is_err());
        assert!(validate_domain_name("a-").is_err());
        assert_eq!(default_prefix("order-history"), "ORDERHISTORY");
    }

    #[test]
    fn rendered_file_round_trips() {
        let config = Config {
            domains: vec![
                DomainConfig {
                    name: "auth".into(),
                    prefix: None,
                },
                DomainConfig {
                    name: "orders".into(),
                    prefix: Some("ORD".into()),
                },
            ],
            ..Config::default()
        };
        let text = render_file(&config);
        let back = parse(&text, FILE_NAME).unwrap();
        assert_eq!(back.domains[0].prefix(), "AUTH");
        assert_eq!(back.domains[1].prefix(), "ORD");
        assert_eq!(back.docs.root(), "docs/en/specifications");
    }

    #[test]
    fn adding_domains_keeps_comments() {
        let text = "# mine\n[docs]\nlanguage = \"en\" # keep\n\n[[domains]]\nname = \"auth\"\n";
        let out = add_domains_to_document(
            text,
            &[],
            &[
                DomainConfig {
                    name: "auth".into(),
                    prefix: None,
                },
                DomainConfig {
                    name: "orders".into(),
                    prefix: None,
                },
            ],
            None,
        )
        .unwrap();
        assert!(
            out.starts_with("# mine\n[docs]\nlanguage = \"en\" # keep\n"),
            "{out}"
        );
        assert_eq!(out.matches("[[domains]]").count(), 2, "{out}");
        assert!(
            out.contains("name = \"orders\"\nprefix = \"ORDERS\""),
            "{out}"
        );
        let cargo = "[workspace]\nmembers = []\n";
        let out = add_domains_to_document(
            cargo,
            &["workspace", "metadata", "specplan"],
            &[DomainConfig {
                name: "auth".into(),
                prefix: None,
            }],
            Some("docs/specs"),
        )
        .unwrap();
        assert!(out.contains("root = \"docs/specs\""), "{out}");
        assert!(
            out.contains("[[workspace.metadata.specplan.domains]]"),
            "{out}"
        );
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        assert!(parsed["workspace"]["metadata"]["specplan"]["domains"].is_array());
    }
}
