//! The workspace being inspected: its members read from `cargo metadata
//! --no-deps` (no network, no dependency resolution), its `Cargo.lock`, and
//! its files.
//!
//! When `cargo metadata` refuses the workspace (a broken member manifest, say),
//! the manifests are read directly with `toml` so that the rest can still be
//! analysed, and each manifest that does not parse becomes a diagnostic that
//! names the file and the line.

use std::collections::BTreeMap;
use std::path::Path;

use camino::{Utf8Path, Utf8PathBuf};
use semver::VersionReq;
use serde_json::Value;

use crate::diag::Diagnostic;
use crate::lockfile::{Lockfile, toml_diagnostic};
pub use specplan_ids::confine::Jail;

/// Why a workspace could not be loaded at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("could not find `Cargo.toml` in `{0}` or any parent directory")]
    NoManifest(Utf8PathBuf),
    #[error("the manifest path `{0}` does not exist")]
    ManifestMissing(Utf8PathBuf),
    #[error("the manifest path `{0}` is not a `Cargo.toml` file")]
    NotAManifest(Utf8PathBuf),
    #[error("the path `{0}` is not valid UTF-8")]
    NonUtf8Path(String),
    #[error("could not read `{path}`: {source}")]
    Io {
        path: Utf8PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a valid manifest: {message}")]
    InvalidRootManifest { path: Utf8PathBuf, message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

/// A dependency as a member's manifest declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The crate's name on its registry (`package = "…"` when renamed).
    pub name: String,
    /// The name the code uses, when renamed.
    pub rename: Option<String>,
    pub req: VersionReq,
    pub kind: DepKind,
    pub optional: bool,
    pub default_features: bool,
    pub features: Vec<String>,
    /// `cfg(…)` or target triple, for `[target.….dependencies]`.
    pub target: Option<String>,
    /// Set for `path = "…"` dependencies.
    pub path: Option<Utf8PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    /// `lib`, `bin`, `test`, `bench`, `example`, `custom-build`, `proc-macro`…
    pub kinds: Vec<String>,
    pub src_path: Utf8PathBuf,
}

/// A workspace member.
#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub edition: String,
    pub rust_version: Option<String>,
    pub manifest_path: Utf8PathBuf,
    pub dependencies: Vec<Dependency>,
    pub targets: Vec<Target>,
    /// `[package.metadata]`.
    pub metadata: Value,
    /// The feature table, `name → what it enables`.
    pub features: BTreeMap<String, Vec<String>>,
}

impl Package {
    /// The directory of the member's `Cargo.toml`.
    pub fn root(&self) -> &Utf8Path {
        self.manifest_path.parent().unwrap_or(Utf8Path::new("."))
    }

    /// Direct dependencies the application is built with: normal ones (not
    /// dev- or build-only).
    pub fn runtime_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies
            .iter()
            .filter(|d| d.kind == DepKind::Normal)
    }

    /// Every feature of dependency `dep` that this package can turn on:
    /// those on the dependency line, and those its own features enable
    /// through `dep/feature` or `dep?/feature`.
    pub fn features_of(&self, dep: &Dependency) -> Vec<String> {
        let key = dep.rename.as_deref().unwrap_or(&dep.name);
        let mut out: Vec<String> = dep.features.clone();
        for enabled in self.features.values().flatten() {
            if let Some((d, f)) = enabled.split_once('/')
                && d.trim_end_matches('?') == key
            {
                out.push(f.to_string());
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// A loaded workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root, canonical (every symlink resolved).
    pub root: Utf8PathBuf,
    /// The root as the only place the tool reads and writes (SPEC.md §8):
    /// every path a configuration, a document or a symlink names goes
    /// through it.
    pub jail: Jail,
    pub manifest_path: Utf8PathBuf,
    pub packages: Vec<Package>,
    pub lock: Option<Lockfile>,
    /// `[workspace.metadata]` of the root manifest (`Null` when absent).
    pub metadata: Value,
    /// Problems met while loading; the workspace is still usable.
    pub diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    /// Finds the manifest (`manifest_path`, else `Cargo.toml` in `cwd` or a
    /// parent) and loads the workspace it belongs to.
    pub fn load(manifest_path: Option<&Path>, cwd: &Path) -> Result<Workspace, LoadError> {
        let manifest = locate_manifest(manifest_path, cwd)?;
        match cargo_metadata(&manifest) {
            Ok(meta) => Ok(from_metadata(meta, &manifest)),
            Err(message) => {
                let mut ws = load_manifests_directly(&manifest)?;
                let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let mut d = Diagnostic::warning(
                    "cargo-metadata-failed",
                    format!(
                        "`cargo metadata` failed: {}",
                        first.trim_start_matches("error: ")
                    ),
                )
                .with_help(
                    "the manifests were read directly instead, so the results may be incomplete",
                );
                // When reading the manifests found the culprit, that
                // diagnostic points at it; otherwise show what cargo said.
                if ws.diagnostics.is_empty() {
                    d = d.with_note(message.trim().to_string());
                }
                ws.diagnostics.insert(0, d);
                Ok(ws)
            }
        }
    }

    /// The name documents call the project by: the only member's name, else
    /// the root package's, else the workspace folder's.
    pub fn project_name(&self) -> String {
        if let [only] = self.packages.as_slice() {
            return only.name.clone();
        }
        if let Some(root_pkg) = self.packages.iter().find(|p| p.root() == self.root) {
            return root_pkg.name.clone();
        }
        self.root
            .file_name()
            .map(String::from)
            .unwrap_or_else(|| "workspace".into())
    }

    /// Path of `abs` relative to the workspace root, with `/` separators.
    pub fn relative(&self, abs: &Utf8Path) -> String {
        relative_to(&self.root, abs)
    }

    /// The member that owns the file at `abs` (the deepest member root
    /// containing it).
    pub fn package_of(&self, abs: &Utf8Path) -> Option<&Package> {
        self.packages
            .iter()
            .filter(|p| abs.starts_with(p.root()))
            .max_by_key(|p| p.root().as_str().len())
    }

    /// The locked version of a dependency, else the lowest version its
    /// requirement allows, as text.
    pub fn version_of(&self, dep: &Dependency) -> Option<String> {
        if let Some(v) = self
            .lock
            .as_ref()
            .and_then(|l| l.resolve(&dep.name, &dep.req))
        {
            return Some(v.to_string());
        }
        let req = dep.req.to_string();
        (req != "*").then(|| req.trim_start_matches(['^', '=', '~']).to_string())
    }
}

pub fn relative_to(root: &Utf8Path, abs: &Utf8Path) -> String {
    match abs.strip_prefix(root) {
        Ok(rel) if rel.as_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.as_str().replace('\\', "/"),
        Err(_) => abs.as_str().replace('\\', "/"),
    }
}

fn utf8(p: &Path) -> Result<Utf8PathBuf, LoadError> {
    Utf8PathBuf::from_path_buf(p.to_path_buf())
        .map_err(|p| LoadError::NonUtf8Path(p.display().to_string()))
}

fn locate_manifest(manifest_path: Option<&Path>, cwd: &Path) -> Result<Utf8PathBuf, LoadError> {
    let cwd = utf8(cwd)?;
    if let Some(p) = manifest_path {
        let p = utf8(p)?;
        let p = if p.is_absolute() { p } else { cwd.join(p) };
        if !p.exists() {
            return Err(LoadError::ManifestMissing(p));
        }
        if p.file_name() != Some("Cargo.toml") || !p.is_file() {
            return Err(LoadError::NotAManifest(p));
        }
        return Ok(canonical_dir(p));
    }
    cwd.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file())
        .map(canonical_dir)
        .ok_or(LoadError::NoManifest(cwd))
}

/// `dir/Cargo.toml` with `dir` canonical, so that the workspace root (and
/// every path under it) has no symlink in it.
fn canonical_dir(manifest: Utf8PathBuf) -> Utf8PathBuf {
    manifest
        .parent()
        .and_then(|d| d.canonicalize_utf8().ok())
        .map(|d| d.join("Cargo.toml"))
        .unwrap_or(manifest)
}

fn cargo_metadata(manifest: &Utf8Path) -> Result<cargo_metadata::Metadata, String> {
    cargo_metadata::MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .other_options(vec!["--offline".to_string()])
        .exec()
        .map_err(|e| match e {
            cargo_metadata::Error::CargoMetadata { stderr } => stderr,
            other => other.to_string(),
        })
}

fn from_metadata(meta: cargo_metadata::Metadata, manifest: &Utf8Path) -> Workspace {
    let root = meta.workspace_root.clone();
    let members: std::collections::HashSet<_> = meta.workspace_members.iter().collect();
    let mut packages: Vec<Package> = meta
        .packages
        .iter()
        .filter(|p| members.contains(&p.id))
        .map(|p| Package {
            name: p.name.to_string(),
            version: p.version.to_string(),
            edition: p.edition.to_string(),
            rust_version: p.rust_version.as_ref().map(|v| v.to_string()),
            manifest_path: p.manifest_path.clone(),
            dependencies: p
                .dependencies
                .iter()
                .map(|d| Dependency {
                    name: d.name.clone(),
                    rename: d.rename.clone(),
                    req: d.req.clone(),
                    kind: match d.kind {
                        cargo_metadata::DependencyKind::Development => DepKind::Dev,
                        cargo_metadata::DependencyKind::Build => DepKind::Build,
                        _ => DepKind::Normal,
                    },
                    optional: d.optional,
                    default_features: d.uses_default_features,
                    features: d.features.clone(),
                    target: d.target.as_ref().map(|t| t.to_string()),
                    path: d.path.clone(),
                })
                .collect(),
            targets: p
                .targets
                .iter()
                .map(|t| Target {
                    name: t.name.clone(),
                    kinds: t.kind.iter().map(|k| k.to_string()).collect(),
                    src_path: t.src_path.clone(),
                })
                .collect(),
            metadata: p.metadata.clone(),
            features: p.features.clone().into_iter().collect(),
        })
        .collect();
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    let mut diagnostics = Vec::new();
    let jail = jail_of(&root);
    let root = Utf8PathBuf::from_path_buf(jail.root().to_path_buf()).unwrap_or(root);
    drop_members_outside(&root, &mut packages, &mut diagnostics);
    let mut ws = Workspace {
        manifest_path: root.join("Cargo.toml"),
        root,
        jail,
        packages,
        lock: None,
        metadata: meta.workspace_metadata.clone(),
        diagnostics,
    };
    if !ws.manifest_path.is_file() {
        ws.manifest_path = manifest.to_owned();
    }
    read_lockfile(&mut ws);
    ws
}

/// The jail of a root that exists (it was just found by its manifest).
fn jail_of(root: &Utf8Path) -> Jail {
    Jail::new(root.as_std_path()).unwrap_or_else(|_| {
        // The root vanished while it was loaded; a jail of the path as given
        // still refuses everything outside it.
        Jail::new(Path::new(".")).expect("the current directory exists")
    })
}

/// A member outside the workspace root (`members = ["../../etc"]`) is not
/// part of this workspace: the tool never reads it.
fn drop_members_outside(
    root: &Utf8Path,
    packages: &mut Vec<Package>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    packages.retain(|p| {
        let inside = p.root().starts_with(root);
        if !inside {
            diagnostics.push(
                Diagnostic::warning(
                    "member-outside-workspace",
                    format!(
                        "skipped member `{}`: `{}` is outside the workspace root",
                        p.name, p.manifest_path
                    ),
                )
                .in_file("Cargo.toml")
                .with_help("cargo-specplan reads only files inside the workspace root"),
            );
        }
        inside
    });
}

fn read_lockfile(ws: &mut Workspace) {
    match ws
        .jail
        .read(Path::new("Cargo.lock"), crate::source::MAX_FILE_BYTES)
    {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => match Lockfile::parse(&text, "Cargo.lock") {
                Ok(lock) => ws.lock = Some(lock),
                Err(d) => ws.diagnostics.push(d.with_help(
                    "versions are taken from the manifests' requirements instead; `cargo generate-lockfile` rebuilds it",
                )),
            },
            Err(_) => ws.diagnostics.push(
                Diagnostic::warning("non-utf8-file", "`Cargo.lock` is not valid UTF-8")
                    .in_file("Cargo.lock"),
            ),
        },
        Err(e) if e.is_not_found() => {}
        Err(e) => ws.diagnostics.push(
            Diagnostic::warning("unreadable-file", format!("skipped `Cargo.lock`: {e}"))
                .in_file("Cargo.lock"),
        ),
    }
}

// ---------------------------------------------------------------------------
// Reading manifests directly, when `cargo metadata` refuses the workspace.

fn read_toml(path: &Utf8Path, root: &Utf8Path) -> Result<toml::Table, Diagnostic> {
    let rel = relative_to(root, path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error("unreadable-file", format!("could not read `{rel}`: {e}")).in_file(&rel)
    })?;
    toml::from_str::<toml::Table>(&text).map_err(|e| toml_diagnostic(&e, &text, &rel))
}

fn load_manifests_directly(manifest: &Utf8Path) -> Result<Workspace, LoadError> {
    // The workspace root is the nearest manifest at or above `manifest` with
    // a `[workspace]` table; without one, `manifest` stands alone.
    let start_dir = manifest.parent().unwrap_or(Utf8Path::new("."));
    let mut root_manifest = manifest.to_owned();
    let mut root_table = None;
    for dir in start_dir.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if !candidate.is_file() {
            continue;
        }
        if let Ok(t) = read_toml(&candidate, dir)
            && t.contains_key("workspace")
        {
            root_manifest = candidate;
            root_table = Some(t);
            break;
        }
    }
    let root = root_manifest
        .parent()
        .unwrap_or(Utf8Path::new("."))
        .to_owned();
    let mut diagnostics = Vec::new();
    let root_table = match root_table {
        Some(t) => t,
        None => match read_toml(&root_manifest, &root) {
            Ok(t) => t,
            Err(d) => {
                // The root itself is broken: nothing else can be found.
                return Err(LoadError::InvalidRootManifest {
                    path: root_manifest.clone(),
                    message: format!(
                        "{}{}",
                        d.message,
                        d.span
                            .map(|s| format!(" (line {}, column {})", s.line, s.column))
                            .unwrap_or_default()
                    ),
                });
            }
        },
    };
    let ws_table = root_table.get("workspace").and_then(|v| v.as_table());
    let jail = jail_of(&root);
    let mut member_dirs: Vec<Utf8PathBuf> = Vec::new();
    if root_table.contains_key("package") {
        member_dirs.push(root.clone());
    }
    if let Some(ws) = ws_table {
        let excludes: Vec<Utf8PathBuf> = string_list(ws.get("exclude"))
            .iter()
            .map(|e| root.join(e))
            .collect();
        for pattern in string_list(ws.get("members")) {
            if specplan_ids::confine::check_config_path(&pattern).is_err() {
                diagnostics.push(
                    Diagnostic::warning(
                        "member-outside-workspace",
                        format!("skipped the members entry `{pattern}`: it is outside the workspace root"),
                    )
                    .in_file("Cargo.toml")
                    .with_help("cargo-specplan reads only files inside the workspace root"),
                );
                continue;
            }
            for dir in expand_member_glob(&jail, &root, &pattern) {
                if !excludes.iter().any(|e| dir.starts_with(e)) && !member_dirs.contains(&dir) {
                    member_dirs.push(dir);
                }
            }
        }
    }
    let ws_package = ws_table
        .and_then(|w| w.get("package"))
        .and_then(|v| v.as_table());
    let ws_deps = ws_table
        .and_then(|w| w.get("dependencies"))
        .and_then(|v| v.as_table());
    let mut packages = Vec::new();
    for dir in member_dirs {
        let path = dir.join("Cargo.toml");
        let table = if dir == root {
            Ok(root_table.clone())
        } else {
            read_toml(&path, &root)
        };
        match table {
            Ok(t) => {
                if let Some(p) = package_from_table(&jail, &t, &path, ws_package, ws_deps) {
                    packages.push(p);
                }
            }
            Err(d) => diagnostics.push(Diagnostic {
                level: crate::diag::Level::Warning,
                message: format!("skipped this member: {}", d.message),
                ..d
            }),
        }
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    let metadata = ws_table
        .and_then(|w| w.get("metadata"))
        .map(toml_to_json)
        .unwrap_or(Value::Null);
    drop_members_outside(&root, &mut packages, &mut diagnostics);
    let mut ws = Workspace {
        manifest_path: root_manifest,
        root,
        jail,
        packages,
        lock: None,
        metadata,
        diagnostics,
    };
    read_lockfile(&mut ws);
    Ok(ws)
}

fn string_list(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Expands a `members` entry: each path segment may be a glob. Folders that
/// lead outside the workspace (through a symlink) are left out.
fn expand_member_glob(jail: &Jail, root: &Utf8Path, pattern: &str) -> Vec<Utf8PathBuf> {
    let mut dirs = vec![root.to_owned()];
    for seg in pattern.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let is_glob = seg.contains(['*', '?', '[']);
        let mut next = Vec::new();
        for d in &dirs {
            if jail.resolve(d.as_std_path()).is_err() {
                continue;
            }
            if !is_glob {
                next.push(d.join(seg));
                continue;
            }
            let Ok(glob) = globset::Glob::new(seg) else {
                continue;
            };
            let m = glob.compile_matcher();
            let Ok(rd) = d.read_dir_utf8() else { continue };
            let mut found: Vec<Utf8PathBuf> = rd
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && m.is_match(e.file_name()))
                .map(|e| e.path().to_owned())
                .collect();
            found.sort();
            next.extend(found);
        }
        dirs = next;
    }
    dirs.into_iter()
        .filter(|d| jail.is_file(d.join("Cargo.toml").as_std_path()))
        .collect()
}

fn inherited<'a>(
    pkg: &'a toml::Table,
    key: &str,
    ws_package: Option<&'a toml::Table>,
) -> Option<&'a toml::Value> {
    let v = pkg.get(key)?;
    if v.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
        ws_package?.get(key)
    } else {
        Some(v)
    }
}

fn package_from_table(
    jail: &Jail,
    t: &toml::Table,
    manifest_path: &Utf8Path,
    ws_package: Option<&toml::Table>,
    ws_deps: Option<&toml::Table>,
) -> Option<Package> {
    let pkg = t.get("package")?.as_table()?;
    let s = |k: &str| {
        inherited(pkg, k, ws_package)
            .and_then(|v| v.as_str())
            .map(String::from)
    };
    let mut dependencies = Vec::new();
    let mut add = |table: Option<&toml::Value>, kind: DepKind, target: Option<&str>| {
        let Some(table) = table.and_then(|v| v.as_table()) else {
            return;
        };
        for (key, spec) in table {
            if let Some(d) = dependency_from_toml(key, spec, kind, target, ws_deps, manifest_path) {
                dependencies.push(d);
            }
        }
    };
    for (name, kind) in [
        ("dependencies", DepKind::Normal),
        ("dev-dependencies", DepKind::Dev),
        ("dev_dependencies", DepKind::Dev),
        ("build-dependencies", DepKind::Build),
        ("build_dependencies", DepKind::Build),
    ] {
        add(t.get(name), kind, None);
        if let Some(targets) = t.get("target").and_then(|v| v.as_table()) {
            for (cfg, tt) in targets {
                add(tt.get(name), kind, Some(cfg));
            }
        }
    }
    let dir = manifest_path.parent().unwrap_or(Utf8Path::new("."));
    let mut targets = Vec::new();
    let name = s("name")?;
    if jail.is_file(dir.join("src/lib.rs").as_std_path()) {
        targets.push(Target {
            name: name.replace('-', "_"),
            kinds: vec!["lib".into()],
            src_path: dir.join("src/lib.rs"),
        });
    }
    if jail.is_file(dir.join("src/main.rs").as_std_path()) {
        targets.push(Target {
            name: name.clone(),
            kinds: vec!["bin".into()],
            src_path: dir.join("src/main.rs"),
        });
    }
    let features = t
        .get("features")
        .and_then(|v| v.as_table())
        .map(|f| {
            f.iter()
                .map(|(k, v)| (k.clone(), string_list(Some(v))))
                .collect()
        })
        .unwrap_or_default();
    Some(Package {
        version: s("version").unwrap_or_else(|| "0.0.0".into()),
        edition: s("edition").unwrap_or_else(|| "2015".into()),
        rust_version: s("rust-version"),
        manifest_path: manifest_path.to_owned(),
        dependencies,
        targets,
        metadata: pkg.get("metadata").map(toml_to_json).unwrap_or(Value::Null),
        features,
        name,
    })
}

fn dependency_from_toml(
    key: &str,
    spec: &toml::Value,
    kind: DepKind,
    target: Option<&str>,
    ws_deps: Option<&toml::Table>,
    manifest_path: &Utf8Path,
) -> Option<Dependency> {
    let mut features = Vec::new();
    let mut optional = false;
    let mut default_features = true;
    let mut spec = spec.clone();
    if let Some(t) = spec.as_table() {
        features = string_list(t.get("features"));
        optional = t.get("optional").and_then(|v| v.as_bool()).unwrap_or(false);
        if t.get("workspace").and_then(|v| v.as_bool()) == Some(true) {
            let inherited = ws_deps?.get(key)?.clone();
            if let Some(it) = inherited.as_table() {
                features.extend(string_list(it.get("features")));
            }
            spec = inherited;
        }
    }
    let (req, package, path) = match &spec {
        toml::Value::String(v) => (v.clone(), None, None),
        toml::Value::Table(t) => {
            if let Some(df) = t
                .get("default-features")
                .or_else(|| t.get("default_features"))
                .and_then(|v| v.as_bool())
            {
                default_features = df;
            }
            (
                t.get("version")
                    .and_then(|v| v.as_str())
                    .unwrap_or("*")
                    .to_string(),
                t.get("package").and_then(|v| v.as_str()).map(String::from),
                t.get("path").and_then(|v| v.as_str()).map(String::from),
            )
        }
        _ => return None,
    };
    let dir = manifest_path.parent().unwrap_or(Utf8Path::new("."));
    Some(Dependency {
        name: package.clone().unwrap_or_else(|| key.to_string()),
        rename: package.map(|_| key.to_string()),
        req: VersionReq::parse(&req).unwrap_or(VersionReq::STAR),
        kind,
        optional,
        default_features,
        features,
        target: target.map(String::from),
        path: path.map(|p| dir.join(p)),
    })
}

fn toml_to_json(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn missing_manifest_is_a_load_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Workspace::load(None, tmp.path()).unwrap_err();
        assert!(matches!(err, LoadError::NoManifest(_)), "{err}");
        let err = Workspace::load(Some(Path::new("nope/Cargo.toml")), tmp.path()).unwrap_err();
        assert!(matches!(err, LoadError::ManifestMissing(_)), "{err}");
    }

    #[test]
    fn broken_member_falls_back_and_keeps_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(
            d,
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\naxum = \"0.8\"\n",
        );
        write(
            d,
            "crates/api/Cargo.toml",
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\naxum = { workspace = true, features = [\"macros\"] }\n",
        );
        write(d, "crates/api/src/lib.rs", "");
        write(
            d,
            "crates/broken/Cargo.toml",
            "[package]\nname = \"broken\"\nversion = = 1\n",
        );
        write(d, "crates/broken/src/lib.rs", "");
        let ws = Workspace::load(None, d).unwrap();
        assert_eq!(ws.packages.len(), 1);
        let api = &ws.packages[0];
        assert_eq!(api.name, "api");
        let axum = &api.dependencies[0];
        assert_eq!(axum.name, "axum");
        assert_eq!(axum.req.to_string(), "^0.8");
        assert_eq!(axum.features, vec!["macros".to_string()]);
        assert!(
            ws.diagnostics
                .iter()
                .any(|d| d.rule == "cargo-metadata-failed")
        );
        let broken = ws
            .diagnostics
            .iter()
            .find(|d| d.rule == "invalid-toml")
            .unwrap();
        assert_eq!(broken.file.as_deref(), Some("crates/broken/Cargo.toml"));
        assert_eq!(broken.span.unwrap().line, 3);
    }

    #[test]
    fn features_enabled_through_own_features_count() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(
            d,
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"runtime-tokio\"] }\n[features]\npg = [\"sqlx/postgres\"]\n[workspace]\n",
        );
        write(d, "src/main.rs", "fn main() {}\n");
        let ws = Workspace::load(None, d).unwrap();
        let app = &ws.packages[0];
        let sqlx = &app.dependencies[0];
        assert_eq!(app.features_of(sqlx), vec!["postgres", "runtime-tokio"]);
    }
}
