//! Finding a workspace's specplan configuration from a directory inside it.
//!
//! The rules are cargo-specplan's: the configuration lives at the
//! **workspace root**, in `specplan.toml`, else in the root `Cargo.toml`'s
//! `[workspace.metadata.specplan]` or `[package.metadata.specplan]` table.
//! The workspace root is found as cargo finds it: the nearest ancestor
//! `Cargo.toml` with a `[workspace]` table (unless it excludes the package),
//! else the package itself.
//!
//! Only the keys this crate needs are read (`docs.language`, `docs.root`,
//! `[[domains]] name, prefix`, `[rules]`); other keys are ignored, so a newer
//! configuration never breaks an older build. cargo-specplan validates the
//! whole file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::id::DocKind;

/// The configuration file's name.
pub const CONFIG_FILE: &str = "specplan.toml";

/// The parts of the configuration shared by the CLI and the macros.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    pub docs: DocsConfig,
    /// The configured domains, in index order (may be empty: see
    /// [`Project::domains`]).
    pub domains: Vec<Domain>,
    /// Rule name → level (`error`, `warning`, `allow`), as written.
    pub rules: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsConfig {
    /// The language folder, `en` by default.
    pub language: String,
    /// The docs root relative to the workspace root, if set.
    pub root: Option<String>,
}

impl Default for DocsConfig {
    fn default() -> Self {
        DocsConfig {
            language: "en".to_string(),
            root: None,
        }
    }
}

impl DocsConfig {
    /// The docs root relative to the workspace root, `/`-separated:
    /// `docs/<language>/specifications` unless set.
    pub fn root(&self) -> String {
        self.root
            .clone()
            .unwrap_or_else(|| format!("docs/{}/specifications", self.language))
    }
}

/// A domain with its ID prefix resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// The folder name: `auth`, `order-history`.
    pub name: String,
    /// The ID prefix: `AUTH`, `ORDERHISTORY`.
    pub prefix: String,
}

impl Domain {
    /// A domain with the default prefix.
    pub fn new(name: &str) -> Domain {
        Domain {
            name: name.to_string(),
            prefix: default_prefix(name),
        }
    }
}

/// The default ID prefix of a domain: `auth` → `AUTH`, `order-history` →
/// `ORDERHISTORY`.
pub fn default_prefix(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A configuration that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file at fault.
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid specplan configuration in `{}`: {}",
            self.path.display(),
            self.message
        )
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the text of a `specplan.toml`.
    pub fn parse(text: &str) -> Result<Config, String> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| e.to_string().trim_end().to_string())?;
        Config::from_table(&table)
    }

    /// Reads an already parsed table (the file, or a manifest's
    /// `metadata.specplan`).
    pub fn from_table(table: &toml::Table) -> Result<Config, String> {
        let mut config = Config::default();
        if let Some(docs) = table.get("docs") {
            let docs = docs.as_table().ok_or("`docs` must be a table")?;
            if let Some(v) = docs.get("language") {
                let language = string(v, "docs.language")?;
                crate::confine::check_language(&language)
                    .map_err(|why| format!("invalid `docs.language` `{language}`: {why}"))?;
                config.docs.language = language;
            }
            if let Some(v) = docs.get("root") {
                let root = string(v, "docs.root")?;
                crate::confine::check_config_path(&root)
                    .map_err(|why| format!("invalid `docs.root` `{root}`: {why}"))?;
                config.docs.root = Some(root);
            }
        }
        if let Some(domains) = table.get("domains") {
            let domains = domains
                .as_array()
                .ok_or("`domains` must be an array of tables (`[[domains]]`)")?;
            for (i, d) in domains.iter().enumerate() {
                let d = d
                    .as_table()
                    .ok_or("`domains` must be an array of tables (`[[domains]]`)")?;
                let name = d
                    .get("name")
                    .ok_or_else(|| format!("domain {} has no `name`", i + 1))
                    .and_then(|v| string(v, "domains.name"))?;
                let prefix = match d.get("prefix") {
                    Some(v) => string(v, "domains.prefix")?,
                    None => default_prefix(&name),
                };
                config.domains.push(Domain { name, prefix });
            }
        }
        if let Some(rules) = table.get("rules") {
            let rules = rules.as_table().ok_or("`rules` must be a table")?;
            for (k, v) in rules {
                config
                    .rules
                    .insert(k.clone(), string(v, &format!("rules.{k}"))?);
            }
        }
        Ok(config)
    }

    /// The level configured for a rule (`error`, `warning`, `allow`), if any.
    pub fn rule_level(&self, rule: &str) -> Option<&str> {
        self.rules.get(rule).map(String::as_str)
    }
}

fn string(v: &toml::Value, key: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{key}` must be a string"))
}

/// Where a configuration was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A `specplan.toml`.
    File(PathBuf),
    /// A metadata table of a `Cargo.toml`: `workspace.metadata.specplan` or
    /// `package.metadata.specplan`.
    Manifest { path: PathBuf, table: &'static str },
}

impl ConfigSource {
    /// The file the configuration was read from.
    pub fn path(&self) -> &Path {
        match self {
            ConfigSource::File(p) | ConfigSource::Manifest { path: p, .. } => p,
        }
    }
}

/// A workspace with a specplan configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The workspace root (absolute when found from an absolute path).
    pub root: PathBuf,
    pub source: ConfigSource,
    pub config: Config,
}

impl Project {
    /// Finds the configuration of the workspace that contains `start` (a
    /// package directory such as `CARGO_MANIFEST_DIR`). `Ok(None)` when the
    /// workspace has no specplan configuration.
    pub fn discover(start: &Path) -> Result<Option<Project>, ConfigError> {
        Project::at_root(&workspace_root(start))
    }

    /// Reads the configuration at a known workspace root.
    pub fn at_root(root: &Path) -> Result<Option<Project>, ConfigError> {
        let file = root.join(CONFIG_FILE);
        if file.is_file() {
            return Project::from_file(&file).map(Some);
        }
        let manifest = root.join("Cargo.toml");
        if manifest.is_file() {
            return from_manifest(&manifest, root);
        }
        Ok(None)
    }

    /// Reads a given `specplan.toml`, or the metadata table of a given
    /// `Cargo.toml`; the workspace root is the file's folder.
    pub fn from_file(path: &Path) -> Result<Project, ConfigError> {
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            return from_manifest(path, &root)?.ok_or_else(|| ConfigError {
                path: path.to_path_buf(),
                message: "it has no `[workspace.metadata.specplan]` or `[package.metadata.specplan]` table".into(),
            });
        }
        let text = read(path)?;
        let config = Config::parse(&text).map_err(|message| ConfigError {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(Project {
            root,
            source: ConfigSource::File(path.to_path_buf()),
            config,
        })
    }

    /// The workspace root as the only place documents are read from
    /// (`None` when the root no longer exists).
    pub fn jail(&self) -> Option<crate::confine::Jail> {
        crate::confine::Jail::new(&self.root).ok()
    }

    /// The docs root, e.g. `<root>/docs/en/specifications`.
    pub fn docs_root(&self) -> PathBuf {
        join_slashed(&self.root, &self.config.docs.root())
    }

    /// The domains: the configured ones, else every folder of the docs root
    /// that holds a `requirements` or `workflows` folder (by name), with the
    /// default prefix.
    pub fn domains(&self) -> Vec<Domain> {
        if !self.config.domains.is_empty() {
            return self.config.domains.clone();
        }
        let mut found = Vec::new();
        let Some(jail) = self.jail() else {
            return found;
        };
        let docs_root = self.docs_root();
        let entries = jail
            .is_dir(&docs_root)
            .then(|| std::fs::read_dir(&docs_root).ok())
            .flatten();
        if let Some(entries) = entries {
            for entry in entries.flatten() {
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if jail.is_dir(&path.join("requirements")) || jail.is_dir(&path.join("workflows")) {
                    found.push(Domain::new(name));
                }
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    /// The document of a kind for a domain.
    pub fn document(&self, domain: &Domain, kind: DocKind) -> PathBuf {
        join_slashed(&self.docs_root().join(&domain.name), kind.path_in_domain())
    }

    /// A path relative to the workspace root, `/`-separated (unchanged when
    /// it is outside).
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        parts.join("/")
    }
}

fn join_slashed(base: &Path, rel: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    for part in rel.split('/').filter(|s| !s.is_empty() && *s != ".") {
        p.push(part);
    }
    p
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        message: format!("could not read it: {e}"),
    })
}

fn parse_manifest(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = read(path)?;
    text.parse().map_err(|e: toml::de::Error| ConfigError {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })
}

fn from_manifest(manifest: &Path, root: &Path) -> Result<Option<Project>, ConfigError> {
    let text = read(manifest)?;
    if !text.contains("specplan") {
        return Ok(None);
    }
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError {
        path: manifest.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    for (section, name) in [
        ("workspace", "workspace.metadata.specplan"),
        ("package", "package.metadata.specplan"),
    ] {
        let Some(meta) = table
            .get(section)
            .and_then(|t| t.get("metadata"))
            .and_then(|t| t.get("specplan"))
        else {
            continue;
        };
        let meta = meta.as_table().ok_or_else(|| ConfigError {
            path: manifest.to_path_buf(),
            message: format!("`{name}` must be a table"),
        })?;
        let config = Config::from_table(meta).map_err(|message| ConfigError {
            path: manifest.to_path_buf(),
            message: format!("in `[{name}]`: {message}"),
        })?;
        return Ok(Some(Project {
            root: root.to_path_buf(),
            source: ConfigSource::Manifest {
                path: manifest.to_path_buf(),
                table: name,
            },
            config,
        }));
    }
    Ok(None)
}

/// The workspace root of the package at `start`, as cargo finds it: the
/// nearest ancestor with a `Cargo.toml` holding a `[workspace]` table (or the
/// one `package.workspace` names), unless that workspace excludes the
/// package; else the package's own folder; else `start`. Manifests that
/// cannot be read or parsed are passed over.
pub fn workspace_root(start: &Path) -> PathBuf {
    let mut package: Option<PathBuf> = None;
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let Ok(table) = parse_manifest(&manifest) else {
            continue;
        };
        if let Some(ws) = table.get("workspace") {
            if let Some(pkg) = &package
                && excludes(dir, ws, pkg)
            {
                return pkg.clone();
            }
            return dir.to_path_buf();
        }
        if package.is_none() {
            package = Some(dir.to_path_buf());
            if let Some(explicit) = table
                .get("package")
                .and_then(|p| p.get("workspace"))
                .and_then(toml::Value::as_str)
            {
                return normalize(&join_slashed(dir, explicit));
            }
        }
    }
    package.unwrap_or_else(|| start.to_path_buf())
}

fn excludes(ws_dir: &Path, ws: &toml::Value, package: &Path) -> bool {
    let Some(exclude) = ws.get("exclude").and_then(toml::Value::as_array) else {
        return false;
    };
    exclude
        .iter()
        .filter_map(toml::Value::as_str)
        .any(|e| package.starts_with(normalize(&join_slashed(ws_dir, e))))
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn parses_the_shared_keys_and_ignores_others() {
        let c = Config::parse(
            "[docs]\nlanguage = \"ko\"\ntemplates = \"t\"\n\n[[domains]]\nname = \"auth\"\n\n[[domains]]\nname = \"order-history\"\nprefix = \"OH\"\n\n[rules]\ndangling-implements = \"allow\"\n\n[future]\nx = 1\n",
        )
        .unwrap();
        assert_eq!(c.docs.root(), "docs/ko/specifications");
        assert_eq!(
            c.domains,
            [
                Domain {
                    name: "auth".into(),
                    prefix: "AUTH".into()
                },
                Domain {
                    name: "order-history".into(),
                    prefix: "OH".into()
                }
            ]
        );
        assert_eq!(c.rule_level("dangling-implements"), Some("allow"));
        assert_eq!(Config::parse("").unwrap(), Config::default());
        assert_eq!(default_prefix("order-history"), "ORDERHISTORY");
    }

    #[test]
    fn wrong_types_are_errors() {
        assert_eq!(
            Config::parse("[docs]\nroot = 1\n").unwrap_err(),
            "`docs.root` must be a string"
        );
        assert_eq!(
            Config::parse("[[domains]]\nprefix = \"A\"\n").unwrap_err(),
            "domain 1 has no `name`"
        );
        assert!(
            Config::parse("[docs\n")
                .unwrap_err()
                .contains("TOML parse error")
        );
    }

    #[test]
    fn finds_specplan_toml_at_the_workspace_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/api\"]\n",
        );
        write(
            &root.join("crates/api/Cargo.toml"),
            "[package]\nname = \"api\"\n",
        );
        // Only the root's configuration counts.
        write(
            &root.join("crates/api/specplan.toml"),
            "[docs]\nroot = \"x\"\n",
        );
        assert_eq!(Project::discover(&root.join("crates/api")).unwrap(), None);
        write(
            &root.join("specplan.toml"),
            "[docs]\nroot = \"specs\"\n[[domains]]\nname = \"auth\"\n",
        );
        let p = Project::discover(&root.join("crates/api"))
            .unwrap()
            .unwrap();
        assert_eq!(p.root, root);
        assert_eq!(p.source, ConfigSource::File(root.join("specplan.toml")));
        assert_eq!(p.docs_root(), root.join("specs"));
        assert_eq!(
            p.document(&p.domains()[0], DocKind::UseCases),
            root.join("specs/auth/workflows/use-cases.md")
        );
        assert_eq!(p.relative(&root.join("specs/auth/x.md")), "specs/auth/x.md");
    }

    #[test]
    fn reads_manifest_metadata() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            &root.join("Cargo.toml"),
            "[workspace]\n[workspace.metadata.specplan.docs]\nlanguage = \"de\"\n",
        );
        let p = Project::discover(root).unwrap().unwrap();
        assert_eq!(
            p.source,
            ConfigSource::Manifest {
                path: root.join("Cargo.toml"),
                table: "workspace.metadata.specplan"
            }
        );
        assert_eq!(p.docs_root(), root.join("docs/de/specifications"));

        write(
            &root.join("solo/Cargo.toml"),
            "[package]\nname = \"solo\"\n[package.metadata.specplan]\n[[package.metadata.specplan.domains]]\nname = \"billing\"\nprefix = \"BILL\"\n",
        );
        // Excluded from the outer workspace: its own root.
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nexclude = [\"solo\"]\n",
        );
        let p = Project::discover(&root.join("solo")).unwrap().unwrap();
        assert_eq!(p.root, root.join("solo"));
        assert_eq!(p.config.domains[0].prefix, "BILL");
        assert!(matches!(
            Project::from_file(&root.join("Cargo.toml")),
            Err(ConfigError { .. })
        ));
    }

    #[test]
    fn workspace_root_follows_cargo() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(&root.join("Cargo.toml"), "[workspace]\n");
        write(&root.join("a/b/Cargo.toml"), "[package]\nname = \"b\"\n");
        assert_eq!(workspace_root(&root.join("a/b")), root);
        write(
            &root.join("x/Cargo.toml"),
            "[package]\nname = \"x\"\nworkspace = \"../a\"\n",
        );
        assert_eq!(workspace_root(&root.join("x")), root.join("a"));
        write(
            &root.join("a/b/Cargo.toml"),
            "[package]\nname = \"b\"\n[workspace]\n",
        );
        assert_eq!(workspace_root(&root.join("a/b")), root.join("a/b"));
        // A broken manifest on the way is passed over.
        write(&root.join("a/Cargo.toml"), "[package\n");
        write(&root.join("a/b/Cargo.toml"), "[package]\nname = \"b\"\n");
        assert_eq!(workspace_root(&root.join("a/b")), root);
    }

    #[test]
    fn domains_from_folders_when_none_configured() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(&root.join("specplan.toml"), "");
        let docs = root.join("docs/en/specifications");
        write(&docs.join("orders/requirements/requirements.md"), "");
        write(&docs.join("auth/workflows/use-cases.md"), "");
        write(&docs.join("README.md"), "");
        std::fs::create_dir_all(docs.join("assets")).unwrap();
        let p = Project::discover(root).unwrap().unwrap();
        assert_eq!(p.domains(), [Domain::new("auth"), Domain::new("orders")]);
    }
}
