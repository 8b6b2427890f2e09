//! Writing documents without ever losing a person's words (SPEC.md §3.4).
//!
//! - A new file is written whole.
//! - An existing file has only its generated regions rewritten.
//! - `--force` replaces the file, and the old one is first kept beside it.
//! - Every write goes to a temporary file in the same directory and is then
//!   renamed over the target, so a crash never leaves half a document. The
//!   temporary file is locked while it is written; one left by a run that
//!   was killed is no longer locked and is removed by the next write to that
//!   folder.
//! - An existing file keeps its permissions; a new one gets the process
//!   umask's (usually 0644), as any editor would create it.
//! - Every path resolves inside the workspace (SPEC.md §8): a docs folder
//!   that is a symlink to `/etc` is refused, not written through.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Mutex;

use camino::{Utf8Path, Utf8PathBuf};

use crate::region::{self, RegionError};
use crate::workspace::Jail;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Regions rewritten; the names of those that changed.
    Updated {
        regions: Vec<String>,
        dropped: Vec<String>,
    },
    Unchanged {
        dropped: Vec<String>,
    },
    /// Replaced with `--force`; the old file was kept at `backup`.
    Replaced {
        backup: Utf8PathBuf,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("could not write `{path}`: {source}")]
    Io {
        path: Utf8PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "`{path}` was left untouched: its generated regions are broken ({source}); fix the markers or pass `--force` to replace the file (the old one is kept)"
    )]
    Regions {
        path: Utf8PathBuf,
        #[source]
        source: RegionError,
    },
    #[error("`{path}` was left untouched: it is not valid UTF-8")]
    NotUtf8 { path: Utf8PathBuf },
    #[error("refused to write `{path}`: {why}")]
    Outside { path: Utf8PathBuf, why: String },
}

fn io(path: &Utf8Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

const TMP_PREFIX: &str = ".specplan-";
const TMP_SUFFIX: &str = ".tmp";

/// `path` resolved inside the workspace, or why not.
fn confined(jail: &Jail, path: &Utf8Path) -> Result<Utf8PathBuf, WriteError> {
    let outside = |why: String| WriteError::Outside {
        path: path.to_owned(),
        why,
    };
    let real = jail
        .resolve(path.as_std_path())
        .map_err(|e| outside(e.to_string()))?;
    Utf8PathBuf::from_path_buf(real).map_err(|p| outside(format!("`{}` is not UTF-8", p.display())))
}

/// Writes `contents` to `path`, which must resolve inside the workspace,
/// atomically (temporary file + rename).
pub fn write_atomic(jail: &Jail, path: &Utf8Path, contents: &str) -> Result<(), WriteError> {
    let real = confined(jail, path)?;
    let dir = real.parent().unwrap_or(Utf8Path::new("."));
    jail.create_dir_all(dir.as_std_path())
        .map_err(|e| WriteError::Outside {
            path: path.to_owned(),
            why: e.to_string(),
        })?;
    replace(&real, contents)
}

/// Writes a file the user named on the command line (`-o FILE`,
/// `--write-baseline FILE`), atomically. Only for paths a person typed: a
/// path that comes from the workspace goes through [`write_atomic`].
pub fn write_user_file(path: &Utf8Path, contents: &str) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_str().is_empty())
        .unwrap_or(Utf8Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    replace(path, contents)
}

/// The temporary-file dance, in `path`'s folder (which exists).
fn replace(path: &Utf8Path, contents: &str) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_str().is_empty())
        .unwrap_or(Utf8Path::new("."));
    remove_stale_temporaries(dir);
    // Another run's clean-up may take a temporary file in the instant
    // between its creation and its lock; then the rename finds it gone, and
    // the write is simply done again.
    for attempt in 0..3 {
        match replace_once(path, dir, contents) {
            Err(WriteError::Io { source, .. })
                if attempt < 2 && source.kind() == std::io::ErrorKind::NotFound => {}
            other => return other,
        }
    }
    unreachable!("the last attempt returns")
}

fn replace_once(path: &Utf8Path, dir: &Utf8Path, contents: &str) -> Result<(), WriteError> {
    let existing = std::fs::metadata(path).ok().filter(|m| m.is_file());
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with 0666 and the umask applied, as `open(2)` does for
        // any new file (tempfile's default is 0600).
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io(path))?;
    // Held until the rename: a temporary file that is not locked belongs to
    // a run that died.
    tmp.as_file().lock().map_err(io(path))?;
    tmp.write_all(contents.as_bytes()).map_err(io(path))?;
    if let Some(meta) = existing {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(io(path))?;
    }
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| WriteError::Io {
        path: path.to_owned(),
        source: e.error,
    })?;
    Ok(())
}

/// Removes the temporary files a killed run left in `dir` (which must
/// resolve inside the workspace): those nobody holds the lock of.
pub fn sweep(jail: &Jail, dir: &Utf8Path) {
    if let Ok(real) = confined(jail, dir) {
        remove_stale_temporaries(&real);
    }
}

/// Removes the temporary files a killed run left in `dir`: those nobody
/// holds the lock of. Each folder is looked at once per run.
fn remove_stale_temporaries(dir: &Utf8Path) {
    static SEEN: Mutex<Option<HashSet<Utf8PathBuf>>> = Mutex::new(None);
    {
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if !seen.get_or_insert_with(HashSet::new).insert(dir.to_owned()) {
            return;
        }
    }
    let Ok(entries) = dir.read_dir_utf8() else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !(name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)) {
            continue;
        }
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let Ok(file) = std::fs::File::open(entry.path()) else {
            continue;
        };
        if file.try_lock().is_ok() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The first free `NAME.bak`, `NAME.bak.2`, … beside `path`.
fn backup_path(path: &Utf8Path) -> Utf8PathBuf {
    let first = Utf8PathBuf::from(format!("{path}.bak"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| Utf8PathBuf::from(format!("{path}.bak.{n}")))
        .find(|p| !p.exists())
        .expect("an unbounded range always has a free name")
}

/// Writes a generated document by the rules above; `path` must resolve
/// inside the workspace.
pub fn write_document(
    jail: &Jail,
    path: &Utf8Path,
    generated: &str,
    force: bool,
) -> Result<Outcome, WriteError> {
    let real = confined(jail, path)?;
    // A killed run's temporary file goes even when this write turns out
    // to change nothing.
    if let Some(dir) = real.parent() {
        remove_stale_temporaries(dir);
    }
    let existing = match jail.read(real.as_std_path(), crate::source::MAX_FILE_BYTES) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            return Err(WriteError::Io {
                path: path.to_owned(),
                source: std::io::Error::other(e.to_string()),
            });
        }
    };
    let path = real.as_path();
    let Some(existing) = existing else {
        write_atomic(jail, path, generated)?;
        return Ok(Outcome::Created);
    };
    if force {
        if existing == generated.as_bytes() {
            return Ok(Outcome::Unchanged { dropped: vec![] });
        }
        let backup = backup_path(path);
        std::fs::copy(path, &backup).map_err(io(&backup))?;
        write_atomic(jail, path, generated)?;
        return Ok(Outcome::Replaced { backup });
    }
    let existing = String::from_utf8(existing).map_err(|_| WriteError::NotUtf8 {
        path: path.to_owned(),
    })?;
    let merged = region::merge(&existing, generated).map_err(|source| WriteError::Regions {
        path: path.to_owned(),
        source,
    })?;
    if !merged.changed() {
        return Ok(Outcome::Unchanged {
            dropped: merged.dropped,
        });
    }
    write_atomic(jail, path, &merged.text)?;
    Ok(Outcome::Updated {
        regions: merged.updated,
        dropped: merged.dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_merges_and_forces() {
        let tmp = tempfile::tempdir().unwrap();
        let jail = Jail::new(tmp.path()).unwrap();
        let path = Utf8PathBuf::from_path_buf(jail.root().join("docs/a.md")).unwrap();
        let v1 = "# A\n\n<!-- specplan:begin t -->\none\n<!-- specplan:end t -->\n";
        assert_eq!(
            write_document(&jail, &path, v1, false).unwrap(),
            Outcome::Created
        );
        // A person edits outside the region.
        let edited = v1.replace("# A\n", "# A\n\nWritten by hand.\n");
        std::fs::write(&path, &edited).unwrap();
        let v2 = v1.replace("one", "two");
        assert_eq!(
            write_document(&jail, &path, &v2, false).unwrap(),
            Outcome::Updated {
                regions: vec!["t".into()],
                dropped: vec![]
            }
        );
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(now.contains("Written by hand."));
        assert!(now.contains("two"));
        assert_eq!(
            write_document(&jail, &path, &v2, false).unwrap(),
            Outcome::Unchanged { dropped: vec![] }
        );
        // --force replaces, keeping the old file beside it.
        let Outcome::Replaced { backup } = write_document(&jail, &path, v1, true).unwrap() else {
            panic!("expected a replacement");
        };
        assert_eq!(backup.file_name(), Some("a.md.bak"));
        assert!(
            std::fs::read_to_string(&backup)
                .unwrap()
                .contains("Written by hand.")
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), v1);
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn broken_markers_leave_the_file_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let jail = Jail::new(tmp.path()).unwrap();
        let path = Utf8PathBuf::from_path_buf(jail.root().join("a.md")).unwrap();
        let mine = "# A\n\n<!-- specplan:begin t -->\nmine, and the end marker is gone\n";
        std::fs::write(&path, mine).unwrap();
        let err = write_document(
            &jail,
            &path,
            "<!-- specplan:begin t -->\nx\n<!-- specplan:end t -->\n",
            false,
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Regions { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_new_files_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let jail = Jail::new(tmp.path()).unwrap();
        let root = Utf8PathBuf::from_path_buf(jail.root().to_path_buf()).unwrap();
        let mode = |p: &Utf8Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // The test process's umask is not known without libc: a file that
        // `std::fs::write` creates shows it.
        std::fs::write(root.join("probe"), "").unwrap();
        let umask_mode = mode(&root.join("probe"));
        write_atomic(&jail, &root.join("new.md"), "x").unwrap();
        assert_eq!(mode(&root.join("new.md")), umask_mode);
        let old = root.join("old.md");
        std::fs::write(
            &old,
            "<!-- specplan:begin t -->\na\n<!-- specplan:end t -->\n",
        )
        .unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_document(
            &jail,
            &old,
            "<!-- specplan:begin t -->\nb\n<!-- specplan:end t -->\n",
            false,
        )
        .unwrap();
        assert!(std::fs::read_to_string(&old).unwrap().contains("b"));
        assert_eq!(mode(&old), 0o640);
    }

    #[test]
    fn a_dead_runs_temporary_files_are_removed_and_a_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let jail = Jail::new(tmp.path()).unwrap();
        let root = Utf8PathBuf::from_path_buf(jail.root().to_path_buf()).unwrap();
        let dead = root.join(".specplan-dead.tmp");
        std::fs::write(&dead, "half a docu").unwrap();
        let live = root.join(".specplan-live.tmp");
        std::fs::write(&live, "being written").unwrap();
        let holder = std::fs::File::open(&live).unwrap();
        holder.lock().unwrap();
        write_atomic(&jail, &root.join("doc.md"), "x").unwrap();
        assert!(!dead.exists());
        assert!(live.exists(), "a run still writing keeps its file");
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_through_a_link_out_of_the_workspace() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("ws");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, ws.join("docs")).unwrap();
        std::os::unix::fs::symlink(outside.join("victim"), ws.join("README.md")).unwrap();
        let jail = Jail::new(&ws).unwrap();
        let root = Utf8PathBuf::from_path_buf(jail.root().to_path_buf()).unwrap();
        for p in ["docs/a.md", "README.md", "../outside/b.md", "/etc/x.md"] {
            let err = write_document(&jail, &root.join(p), "x", false).unwrap_err();
            assert!(matches!(err, WriteError::Outside { .. }), "{p}: {err}");
        }
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    }
}
