//! What the build-time check knows about the workspace being compiled: its
//! specplan configuration and the IDs its documents define.
//!
//! The documents are read and parsed once per compiler process, not once
//! per attribute: the result is kept in a process-wide cache keyed by the
//! package directory. A long-lived process (rust-analyzer's proc-macro
//! server) sees edits too: an entry older than a second is re-validated
//! against the modification times and sizes of everything it was built
//! from, and rebuilt when one changed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use specplan_ids::{Detail, Docs, Domain, Id, Project};

/// Turns the existence check off when `0`, `false`, `off` or `no`.
pub const ENV_BUILD_CHECK: &str = "SPECPLAN_BUILD_CHECK";
/// A `specplan.toml` (or a `Cargo.toml` with a metadata table) to use
/// instead of the one found from the package upward.
pub const ENV_CONFIG: &str = "SPECPLAN_CONFIG";
/// The rule whose level (`[rules] dangling-implements = "allow"`) also
/// turns the build-time existence check off.
pub const RULE: &str = "dangling-implements";

const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

/// Why IDs are only checked for syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Off {
    /// `SPECPLAN_BUILD_CHECK=0`.
    Env,
    /// `[rules] dangling-implements = "allow"` (or `"warning"`).
    Rule(String),
    /// A dependency unpacked from a registry, a git checkout or a vendor
    /// folder: its documents are not ours to check against.
    Dependency,
    /// No specplan configuration in the workspace; the root manifest, if
    /// any, is tracked so that adding `[workspace.metadata.specplan]` to it
    /// turns the check on.
    NoConfig(Option<PathBuf>),
    /// Not compiled by cargo (no `CARGO_MANIFEST_DIR`).
    NoManifestDir,
}

/// The workspace's documents, ready for checking.
#[derive(Debug)]
pub struct Workspace {
    pub project: Project,
    pub docs: Docs,
    pub domains: Vec<Domain>,
    /// The files the verdict depends on (configuration and documents),
    /// sorted: the expansion makes cargo track them.
    pub tracked: Vec<PathBuf>,
    /// The git work tree that holds the workspace, for links to the
    /// repository's web pages.
    pub git_root: Option<PathBuf>,
    /// The defined IDs by their text, sorted by it.
    by_text: Vec<(Box<str>, Id)>,
}

impl Workspace {
    pub fn new(
        project: Project,
        docs: Docs,
        tracked: Vec<PathBuf>,
        git_root: Option<PathBuf>,
    ) -> Self {
        let mut by_text: Vec<(Box<str>, Id)> = docs
            .definitions
            .keys()
            .map(|id| (id.to_string().into_boxed_str(), id.clone()))
            .collect();
        by_text.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Workspace {
            domains: docs.domains.clone(),
            project,
            docs,
            tracked,
            git_root,
            by_text,
        }
    }

    /// The defined ID written `text`, exactly.
    pub fn lookup(&self, text: &str) -> Option<&Id> {
        let at = self
            .by_text
            .binary_search_by(|(t, _)| t.as_bytes().cmp(text.as_bytes()))
            .ok()?;
        Some(&self.by_text[at].1)
    }
}

#[derive(Debug, Clone)]
pub enum State {
    Ready(Arc<Workspace>),
    Off(Off),
    /// The configuration or a document cannot be read: reported once.
    Broken(String),
}

/// The state for the package being compiled, its documents read to
/// `detail` (titles and anchors only where a rustdoc line shows them).
pub fn current(detail: Detail) -> State {
    if env_off(std::env::var(ENV_BUILD_CHECK).ok().as_deref()) {
        return State::Off(Off::Env);
    }
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return State::Off(Off::NoManifestDir);
    };
    let config = std::env::var_os(ENV_CONFIG)
        .filter(|v| !v.is_empty())
        .map(|v| manifest_dir.join(v));
    cached(Key {
        manifest_dir,
        config,
        detail,
    })
}

pub fn env_off(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "off" | "no"
        )
    })
}

/// Reports a broken configuration once per process, not once per attribute.
pub fn first_report() -> bool {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    !REPORTED.swap(true, Ordering::Relaxed)
}

#[derive(Debug, Clone)]
struct Key {
    manifest_dir: PathBuf,
    config: Option<PathBuf>,
    detail: Detail,
}

struct Entry {
    state: State,
    /// What the state was built from, with modification time and size
    /// (`None`: did not exist).
    stamps: Vec<(PathBuf, Option<Stamp>)>,
    checked: Instant,
}

type Stamp = (SystemTime, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Key {
    /// Byte equality of the paths: every expansion looks its key up, and
    /// hashing or comparing paths component by component costs more than
    /// the rest of an expansion.
    fn same(&self, other: &Key) -> bool {
        fn bytes(p: &Path) -> &[u8] {
            p.as_os_str().as_encoded_bytes()
        }
        self.detail == other.detail
            && bytes(&self.manifest_dir) == bytes(&other.manifest_dir)
            && self.config.as_deref().map(bytes) == other.config.as_deref().map(bytes)
    }
}

fn cached(key: Key) -> State {
    // A rustc process compiles one package (one key); a rust-analyzer
    // proc-macro server a few: a list, most recent first.
    static CACHE: OnceLock<Mutex<Vec<(Key, Entry)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(at) = cache.iter().position(|(k, _)| k.same(&key)) {
        if at != 0 {
            cache[..=at].rotate_right(1);
        }
        let entry = &mut cache[0].1;
        if entry.checked.elapsed() < REVALIDATE_AFTER {
            return entry.state.clone();
        }
        if entry.stamps.iter().all(|(p, s)| stamp(p) == *s) {
            entry.checked = Instant::now();
            return entry.state.clone();
        }
    }
    let (state, watched) = load(&key);
    let stamps = watched
        .into_iter()
        .map(|p| {
            let s = stamp(&p);
            (p, s)
        })
        .collect();
    cache.retain(|(k, _)| !k.same(&key));
    cache.insert(
        0,
        (
            key,
            Entry {
                state: state.clone(),
                stamps,
                checked: Instant::now(),
            },
        ),
    );
    state
}

/// Builds the state, with the paths it depends on.
fn load(key: &Key) -> (State, Vec<PathBuf>) {
    if is_dependency_source(&key.manifest_dir) {
        return (State::Off(Off::Dependency), Vec::new());
    }
    let found = match &key.config {
        Some(path) => Project::from_file(path).map(Some),
        None => Project::discover(&key.manifest_dir),
    };
    let project = match found {
        Ok(Some(p)) => p,
        Ok(None) => {
            let root = specplan_ids::workspace_root(&key.manifest_dir);
            let manifest = root.join("Cargo.toml");
            let watched = vec![root.join(specplan_ids::CONFIG_FILE), manifest.clone()];
            let manifest = manifest.is_file().then_some(manifest);
            return (State::Off(Off::NoConfig(manifest)), watched);
        }
        Err(e) => {
            let watched = key.config.iter().cloned().chain([e.path.clone()]).collect();
            return (State::Broken(e.to_string()), watched);
        }
    };
    let config_path = project.source.path().to_path_buf();
    if let Some(level) = project.config.rule_level(RULE)
        && matches!(level, "allow" | "warning" | "warn")
    {
        return (State::Off(Off::Rule(level.to_string())), vec![config_path]);
    }
    let docs = match Docs::read_with(&project, key.detail) {
        Ok(d) => d,
        Err(e) => return (State::Broken(e.to_string()), vec![config_path, e.path]),
    };
    let mut watched: Vec<PathBuf> = vec![config_path.clone(), project.docs_root()];
    watched.extend(docs.files.iter().cloned());
    watched.extend(docs.missing.iter().cloned());
    let mut tracked: Vec<PathBuf> = std::iter::once(config_path)
        .chain(docs.files.iter().cloned())
        .collect();
    tracked.sort();
    tracked.dedup();
    let git_root = project
        .root
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf);
    let ws = Workspace::new(project, docs, tracked, git_root);
    (State::Ready(Arc::new(ws)), watched)
}

/// Whether the package was unpacked by cargo rather than written by the
/// workspace's people: a registry package (its folder, or one above it for
/// a git checkout, holds cargo's `.cargo-ok` marker), a vendored one
/// (`.cargo-checksum.json`), or anything under `$CARGO_HOME/registry` or
/// `$CARGO_HOME/git`.
///
/// `CARGO_PRIMARY_PACKAGE` is not used: cargo sets it only for the packages
/// named on the command line, so `cargo build -p api` would skip the
/// checks of the workspace members `api` depends on.
pub fn is_dependency_source(dir: &Path) -> bool {
    if dir.join(".cargo-checksum.json").is_file() {
        return true;
    }
    if dir.ancestors().any(|a| a.join(".cargo-ok").is_file()) {
        return true;
    }
    let cargo_home = std::env::var_os("CARGO_HOME").map(PathBuf::from);
    let parts: Vec<String> = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.windows(3).any(|w| {
        w[0] == ".cargo"
            && ((w[1] == "registry" && w[2] == "src") || (w[1] == "git" && w[2] == "checkouts"))
    }) || cargo_home.is_some_and(|home| {
        dir.starts_with(home.join("registry")) || dir.starts_with(home.join("git"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values() {
        for v in ["0", "false", "OFF", " no "] {
            assert!(env_off(Some(v)), "{v}");
        }
        for v in ["1", "true", "", "yes"] {
            assert!(!env_off(Some(v)), "{v}");
        }
        assert!(!env_off(None));
    }

    #[test]
    fn dependency_sources() {
        let tmp = tempfile::tempdir().unwrap();
        let reg = tmp
            .path()
            .join("home/.cargo/registry/src/index.crates.io-1/foo-1.0.0");
        std::fs::create_dir_all(&reg).unwrap();
        assert!(is_dependency_source(&reg));
        let git = tmp.path().join("cache/checkouts/repo-1/abc");
        std::fs::create_dir_all(git.join("crates/foo")).unwrap();
        std::fs::write(git.join(".cargo-ok"), "").unwrap();
        assert!(is_dependency_source(&git.join("crates/foo")));
        let vendored = tmp.path().join("vendor/foo");
        std::fs::create_dir_all(&vendored).unwrap();
        std::fs::write(vendored.join(".cargo-checksum.json"), "{}").unwrap();
        assert!(is_dependency_source(&vendored));
        let mine = tmp.path().join("work/api");
        std::fs::create_dir_all(&mine).unwrap();
        assert!(!is_dependency_source(&mine));
    }
}
