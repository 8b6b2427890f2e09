//! The one rule for every path the tool touches: it resolves inside the
//! workspace root (SPEC.md §8).
//!
//! A workspace is untrusted input. Its configuration, its documents and its
//! symlinks can all name paths, and none of them may lead the tool to read,
//! stat or write anything outside the root. [`Jail::resolve`] walks a path
//! one component at a time from the root, as `openat2(RESOLVE_BENEATH)`
//! does: each component is `lstat`-ed *inside* the root; a symlink's target
//! is read as text and followed only when it stays inside, so a link to
//! `/etc/passwd` is refused without `/etc` ever being looked at. `..` may
//! not climb above the root. [`Jail::open_file`] opens only regular files,
//! so a FIFO or `/dev/zero` named like a source file cannot block or flood a
//! run.
//!
//! [`check_config_path`] is the lexical half, for a value a configuration
//! names (`docs.root`, `docs.templates`): relative, non-empty, no `..`.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// How many symlinks one resolution may follow (Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The workspace root, canonical, as the only place paths may lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jail {
    /// The root as the caller named it (absolute paths may start with it).
    given: PathBuf,
    /// The root with every symlink resolved: what resolved paths start with.
    canonical: PathBuf,
}

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// An absolute path that is not under the root.
    Absolute,
    /// `..` climbs above the root.
    Parent,
    /// A symlink inside the root points outside it.
    Link { link: PathBuf, target: PathBuf },
    /// More than 40 symlinks, or a loop.
    TooManyLinks,
}

/// A path that resolves outside the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    pub path: PathBuf,
    pub why: Escape,
}

impl fmt::Display for Outside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.why {
            Escape::Absolute => write!(f, "`{path}` is outside the workspace"),
            Escape::Parent => write!(f, "`{path}` climbs out of the workspace with `..`"),
            Escape::Link { link, target } => write!(
                f,
                "`{path}` leads outside the workspace: `{}` is a symlink to `{}`",
                link.display(),
                target.display()
            ),
            Escape::TooManyLinks => write!(f, "`{path}` has a symlink loop"),
        }
    }
}

impl std::error::Error for Outside {}

/// Why a file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    Outside(Outside),
    /// Not a regular file (a directory, FIFO, socket or device).
    NotAFile(PathBuf),
    /// Larger than the caller's limit.
    TooLarge {
        path: PathBuf,
        len: u64,
        limit: u64,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl OpenError {
    /// True when the file (or a folder on its way) does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, OpenError::Io { error, .. } if error.kind() == io::ErrorKind::NotFound)
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Outside(o) => o.fmt(f),
            OpenError::NotAFile(p) => write!(f, "`{}` is not a regular file", p.display()),
            OpenError::TooLarge { path, len, limit } => write!(
                f,
                "`{}` is {} MiB, more than the {} MiB limit",
                path.display(),
                len / (1024 * 1024),
                limit / (1024 * 1024)
            ),
            OpenError::Io { path, error } => {
                write!(f, "could not read `{}`: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for OpenError {}

impl From<Outside> for OpenError {
    fn from(o: Outside) -> Self {
        OpenError::Outside(o)
    }
}

impl Jail {
    /// The jail of a workspace root (which must exist).
    pub fn new(root: &Path) -> io::Result<Jail> {
        Ok(Jail {
            given: root.to_path_buf(),
            canonical: root.canonicalize()?,
        })
    }

    /// The canonical root.
    pub fn root(&self) -> &Path {
        &self.canonical
    }

    /// `path` (absolute, or relative to the root) with every symlink
    /// resolved, when it stays inside the root; components that do not exist
    /// yet are kept as written. Nothing outside the root is touched.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Outside> {
        let outside = |why| Outside {
            path: path.to_path_buf(),
            why,
        };
        let rel = if path.is_absolute() {
            self.strip_root(path)
                .ok_or_else(|| outside(Escape::Absolute))?
        } else {
            path.to_path_buf()
        };
        let mut pending: VecDeque<OsString> = VecDeque::new();
        push_front(&mut pending, &rel).map_err(outside)?;
        let mut inside: Vec<OsString> = Vec::new();
        let mut links = 0;
        let mut exists = true;
        // The last symlink followed: a `..` of its target that climbs above
        // the root is reported as that link's escape.
        let mut last_link: Option<(PathBuf, PathBuf)> = None;
        while let Some(part) = pending.pop_front() {
            if part == ".." {
                if inside.pop().is_none() {
                    return Err(outside(match last_link {
                        Some((link, target)) => Escape::Link { link, target },
                        None => Escape::Parent,
                    }));
                }
                exists = true;
                continue;
            }
            let here = self.join(&inside).join(&part);
            // Once a component is missing, nothing below it exists.
            let meta = if exists {
                std::fs::symlink_metadata(&here).ok()
            } else {
                None
            };
            exists = meta.is_some();
            if !meta.is_some_and(|m| m.file_type().is_symlink()) {
                inside.push(part);
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(outside(Escape::TooManyLinks));
            }
            let target = std::fs::read_link(&here).map_err(|_| outside(Escape::TooManyLinks))?;
            let escaped = || {
                outside(Escape::Link {
                    link: self.relative(&here),
                    target: target.clone(),
                })
            };
            if target.is_absolute() {
                let rest = self.strip_root(&target).ok_or_else(escaped)?;
                inside.clear();
                push_front(&mut pending, &rest).map_err(|_| escaped())?;
            } else {
                push_front(&mut pending, &target).map_err(|_| escaped())?;
            }
            last_link = Some((self.relative(&here), target));
            exists = true;
        }
        Ok(self.join(&inside))
    }

    /// Like [`Jail::resolve`] for a path the workspace's own text names (a
    /// document's link or participant, a configured folder): it must be
    /// relative.
    pub fn resolve_named(&self, rel: &str) -> Result<PathBuf, Outside> {
        let path = Path::new(rel);
        if path.is_absolute() || rel.starts_with('/') || rel.starts_with('\\') {
            return Err(Outside {
                path: path.to_path_buf(),
                why: Escape::Absolute,
            });
        }
        self.resolve(path)
    }

    /// True when `path` resolves inside the root to a regular file.
    pub fn is_file(&self, path: &Path) -> bool {
        self.resolve(path)
            .ok()
            .and_then(|p| std::fs::symlink_metadata(p).ok())
            .is_some_and(|m| m.is_file())
    }

    /// True when `path` resolves inside the root to a folder.
    pub fn is_dir(&self, path: &Path) -> bool {
        self.resolve(path)
            .ok()
            .and_then(|p| std::fs::symlink_metadata(p).ok())
            .is_some_and(|m| m.is_dir())
    }

    /// Opens a regular file inside the root for reading; returns it with its
    /// resolved path and length.
    pub fn open_file(&self, path: &Path) -> Result<(File, PathBuf, u64), OpenError> {
        let real = self.resolve(path)?;
        let io_err = |error| OpenError::Io {
            path: path.to_path_buf(),
            error,
        };
        // `real` has no symlink left in it, so this is the file's own type:
        // a FIFO is refused before `open` could block on it.
        let meta = std::fs::symlink_metadata(&real).map_err(io_err)?;
        if !meta.is_file() {
            return Err(OpenError::NotAFile(path.to_path_buf()));
        }
        let file = File::open(&real).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if !meta.is_file() {
            return Err(OpenError::NotAFile(path.to_path_buf()));
        }
        Ok((file, real, meta.len()))
    }

    /// Reads a regular file inside the root, at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, OpenError> {
        let (file, _, len) = self.open_file(path)?;
        if len > limit {
            return Err(OpenError::TooLarge {
                path: path.to_path_buf(),
                len,
                limit,
            });
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // `take` bounds a file that grows while it is read.
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| OpenError::Io {
                path: path.to_path_buf(),
                error,
            })?;
        if bytes.len() as u64 > limit {
            return Err(OpenError::TooLarge {
                path: path.to_path_buf(),
                len: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    /// Reads a regular UTF-8 file inside the root, at most `limit` bytes.
    pub fn read_to_string(&self, path: &Path, limit: u64) -> Result<String, OpenError> {
        let bytes = self.read(path, limit)?;
        String::from_utf8(bytes).map_err(|_| OpenError::Io {
            path: path.to_path_buf(),
            error: io::Error::new(io::ErrorKind::InvalidData, "it is not valid UTF-8"),
        })
    }

    /// Creates `dir` and its missing parents, each inside the root; returns
    /// the resolved folder.
    pub fn create_dir_all(&self, dir: &Path) -> Result<PathBuf, OpenError> {
        let real = self.resolve(dir)?;
        std::fs::create_dir_all(&real).map_err(|error| OpenError::Io {
            path: dir.to_path_buf(),
            error,
        })?;
        // A folder swapped for a symlink while it was created is caught here.
        let again = self.resolve(dir)?;
        if again != real {
            return Err(OpenError::Outside(Outside {
                path: dir.to_path_buf(),
                why: Escape::TooManyLinks,
            }));
        }
        Ok(real)
    }

    fn strip_root(&self, path: &Path) -> Option<PathBuf> {
        [&self.canonical, &self.given]
            .into_iter()
            .find_map(|root| path.strip_prefix(root).ok())
            .map(Path::to_path_buf)
    }

    fn join(&self, parts: &[OsString]) -> PathBuf {
        let mut p = self.canonical.clone();
        p.extend(parts);
        p
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.canonical)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// Puts the components of a relative `path` in front of `pending`.
fn push_front(pending: &mut VecDeque<OsString>, path: &Path) -> Result<(), Escape> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => parts.push(n.to_os_string()),
            Component::ParentDir => parts.push(OsString::from("..")),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return Err(Escape::Absolute),
        }
    }
    for p in parts.into_iter().rev() {
        pending.push_front(p);
    }
    Ok(())
}

/// Checks a folder or file a configuration names (`docs.root`,
/// `docs.templates`): relative to the workspace root, not empty, without
/// `..`. Returns why not.
pub fn check_config_path(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("it is empty; name a folder inside the workspace".into());
    }
    let path = Path::new(value);
    if path.is_absolute() || value.starts_with(['/', '\\']) || value.contains(':') {
        return Err("it must be relative to the workspace root, not absolute".into());
    }
    if value.contains('\\') {
        return Err("use `/` to separate folders".into());
    }
    if value.split('/').any(|part| part == "..") {
        return Err("it must stay inside the workspace: `..` is not allowed".into());
    }
    if value.split('/').all(|part| part.is_empty() || part == ".") {
        return Err("it names the workspace root itself; name a folder inside it".into());
    }
    Ok(())
}

/// Checks `docs.language`: one folder name such as `en`, `pt-BR` or
/// `zh_Hans`.
pub fn check_language(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 32
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("a language is one folder name of letters, digits, `-` and `_`, such as `en` or `pt-BR`".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Jail, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("ws");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(ws.join("src")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s").unwrap();
        std::fs::write(ws.join("src/lib.rs"), "").unwrap();
        let jail = Jail::new(&ws).unwrap();
        (tmp, jail, outside)
    }

    #[test]
    fn plain_paths_resolve_inside() {
        let (_t, jail, _) = setup();
        let root = jail.root().to_path_buf();
        assert_eq!(
            jail.resolve(Path::new("src/lib.rs")).unwrap(),
            root.join("src/lib.rs")
        );
        assert_eq!(
            jail.resolve(Path::new("src/../src/./lib.rs")).unwrap(),
            root.join("src/lib.rs")
        );
        assert_eq!(
            jail.resolve(Path::new("new/dir/x.md")).unwrap(),
            root.join("new/dir/x.md")
        );
        assert_eq!(jail.resolve(&root.join("src")).unwrap(), root.join("src"));
        assert!(jail.is_file(Path::new("src/lib.rs")));
        assert!(!jail.is_file(Path::new("src")));
    }

    #[test]
    fn parents_and_absolute_paths_are_refused() {
        let (_t, jail, outside) = setup();
        for p in [
            "..",
            "../outside/secret",
            "src/../../outside",
            "/etc/passwd",
        ] {
            assert!(jail.resolve(Path::new(p)).is_err(), "{p}");
        }
        assert_eq!(
            jail.resolve(&outside.join("secret")).unwrap_err().why,
            Escape::Absolute
        );
        assert!(jail.resolve_named("/etc").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_are_refused_and_symlinks_in_followed() {
        use std::os::unix::fs::symlink;
        let (_t, jail, outside) = setup();
        let root = jail.root().to_path_buf();
        symlink(outside.join("secret"), root.join("src/abs.rs")).unwrap();
        symlink("../../outside", root.join("src/rel")).unwrap();
        symlink("/", root.join("slash")).unwrap();
        symlink("lib.rs", root.join("src/alias.rs")).unwrap();
        symlink(root.join("src"), root.join("code")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        for p in [
            "src/abs.rs",
            "src/rel/secret",
            "slash/etc/passwd",
            "src/rel",
        ] {
            let e = jail.resolve(Path::new(p)).unwrap_err();
            assert!(matches!(e.why, Escape::Link { .. }), "{p}: {e:?}");
            assert!(e.to_string().contains("symlink"), "{e}");
        }
        assert_eq!(
            jail.resolve(Path::new("src/alias.rs")).unwrap(),
            root.join("src/lib.rs")
        );
        assert_eq!(
            jail.resolve(Path::new("code/lib.rs")).unwrap(),
            root.join("src/lib.rs")
        );
        assert_eq!(
            jail.resolve(Path::new("loop")).unwrap_err().why,
            Escape::TooManyLinks
        );
        assert!(matches!(
            jail.read(Path::new("src/abs.rs"), 10),
            Err(OpenError::Outside(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened() {
        let (_t, jail, _) = setup();
        let root = jail.root().to_path_buf();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("Cargo.lock"))
            .status();
        if status.is_ok_and(|s| s.success()) {
            // Would block forever in `open` if it were opened.
            assert!(matches!(
                jail.read(Path::new("Cargo.lock"), 10),
                Err(OpenError::NotAFile(_))
            ));
        }
        assert!(matches!(
            jail.read(Path::new("src"), 10),
            Err(OpenError::NotAFile(_))
        ));
        std::fs::write(root.join("big"), "0123456789ab").unwrap();
        assert!(matches!(
            jail.read(Path::new("big"), 10),
            Err(OpenError::TooLarge { .. })
        ));
        assert!(
            jail.read(Path::new("missing"), 10)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn folders_are_not_created_through_links_out() {
        use std::os::unix::fs::symlink;
        let (_t, jail, outside) = setup();
        let root = jail.root().to_path_buf();
        symlink(&outside, root.join("docs")).unwrap();
        assert!(
            jail.create_dir_all(Path::new("docs/en/specifications"))
                .is_err()
        );
        assert!(!outside.join("en").exists());
        assert!(jail.create_dir_all(Path::new("other/en")).is_ok());
        assert!(root.join("other/en").is_dir());
    }

    #[test]
    fn configured_paths() {
        assert!(check_config_path("docs/en/specifications").is_ok());
        assert!(check_config_path("./docs").is_ok());
        for bad in [
            "",
            ".",
            "/etc",
            "../../etc",
            "docs/../../x",
            "C:\\x",
            "docs\\x",
            "./",
        ] {
            assert!(check_config_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_language("pt-BR").is_ok());
        for bad in ["", "..", "en/../..", "e n", "/"] {
            assert!(check_language(bad).is_err(), "{bad:?}");
        }
    }
}
