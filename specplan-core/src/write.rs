//! Writing documents without ever losing a person's words (SPEC.md §3.4).
//!
//! - A new file is written whole.
//! - An existing file has only its generated regions rewritten.
//! - `--force` replaces the file, and the old one is first kept beside it.
//! - Every write goes to a temporary file in the same directory and is then
//!   renamed over the target, so a crash never leaves half a document.

use std::io::Write;

use camino::{Utf8Path, Utf8PathBuf};

use crate::region::{self, RegionError};

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
}

fn io(path: &Utf8Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `contents` to `path` atomically (temporary file + rename).
pub fn write_atomic(path: &Utf8Path, contents: &str) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_str().is_empty())
        .unwrap_or(Utf8Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".specplan-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(path))?;
    tmp.write_all(contents.as_bytes()).map_err(io(path))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| WriteError::Io {
        path: path.to_owned(),
        source: e.error,
    })?;
    Ok(())
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

/// Writes a generated document by the rules above.
pub fn write_document(
    path: &Utf8Path,
    generated: &str,
    force: bool,
) -> Result<Outcome, WriteError> {
    let existing = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(path)(e)),
    };
    let Some(existing) = existing else {
        write_atomic(path, generated)?;
        return Ok(Outcome::Created);
    };
    if force {
        if existing == generated.as_bytes() {
            return Ok(Outcome::Unchanged { dropped: vec![] });
        }
        let backup = backup_path(path);
        std::fs::copy(path, &backup).map_err(io(&backup))?;
        write_atomic(path, generated)?;
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
    write_atomic(path, &merged.text)?;
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
        let path = Utf8PathBuf::from_path_buf(tmp.path().join("docs/a.md")).unwrap();
        let v1 = "# A\n\n<!-- specplan:begin t -->\none\n<!-- specplan:end t -->\n";
        assert_eq!(write_document(&path, v1, false).unwrap(), Outcome::Created);
        // A person edits outside the region.
        let edited = v1.replace("# A\n", "# A\n\nWritten by hand.\n");
        std::fs::write(&path, &edited).unwrap();
        let v2 = v1.replace("one", "two");
        assert_eq!(
            write_document(&path, &v2, false).unwrap(),
            Outcome::Updated {
                regions: vec!["t".into()],
                dropped: vec![]
            }
        );
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(now.contains("Written by hand."));
        assert!(now.contains("two"));
        assert_eq!(
            write_document(&path, &v2, false).unwrap(),
            Outcome::Unchanged { dropped: vec![] }
        );
        // --force replaces, keeping the old file beside it.
        let Outcome::Replaced { backup } = write_document(&path, v1, true).unwrap() else {
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
        let path = Utf8PathBuf::from_path_buf(tmp.path().join("a.md")).unwrap();
        let mine = "# A\n\n<!-- specplan:begin t -->\nmine, and the end marker is gone\n";
        std::fs::write(&path, mine).unwrap();
        let err = write_document(
            &path,
            "<!-- specplan:begin t -->\nx\n<!-- specplan:end t -->\n",
            false,
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Regions { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);
    }
}
