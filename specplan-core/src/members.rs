//! Keeping the user's workspace buildable: a folder the tool creates
//! (`docs/`, `planning-docs/`) must not be adopted by a `members` glob of
//! the root manifest. With `members = ["*"]`, cargo treats every folder at
//! the root as a package and fails on one without a `Cargo.toml` ("failed to
//! load manifest for workspace member …/docs"), so `cargo build` would break
//! the moment `init` wrote its documents.

use camino::Utf8Path;

use crate::workspace::Workspace;

/// A folder the tool is about to write into that a `members` pattern of the
/// root manifest would adopt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adopted {
    /// Workspace-relative, `/`-separated: the folder cargo would take for a
    /// member (`docs`), which may be an ancestor of the one being written.
    pub folder: String,
    /// The `members` entry that matches it, as written.
    pub pattern: String,
}

impl Adopted {
    /// What to tell a person who wants to fix it by hand.
    pub fn help(&self) -> String {
        format!(
            "add `exclude = [\"{}\"]` to the `[workspace]` table of Cargo.toml (its `members` entry `{}` would make `{}/` a package)",
            self.folder, self.pattern, self.folder
        )
    }
}

/// The first folder on the way from the workspace root to `target` (a
/// workspace-relative folder the tool will create or write into) that a
/// `members` glob of the root manifest matches, is not excluded, and has no
/// `Cargo.toml` of its own.
pub fn adopted_by_members(ws: &Workspace, target: &str) -> Option<Adopted> {
    let text = ws
        .jail
        .read_to_string(
            ws.manifest_path.as_std_path(),
            crate::source::MAX_FILE_BYTES,
        )
        .ok()?;
    let table: toml::Table = text.parse().ok()?;
    let workspace = table.get("workspace")?.as_table()?;
    let list = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let members = list("members");
    let excludes = list("exclude");
    let segments: Vec<&str> = target
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    for depth in 1..=segments.len() {
        let folder = segments[..depth].join("/");
        if excludes
            .iter()
            .any(|e| folder == *e || folder.starts_with(&format!("{e}/")))
        {
            return None;
        }
        if ws
            .jail
            .is_file(ws.root.join(&folder).join("Cargo.toml").as_std_path())
        {
            continue;
        }
        if let Some(pattern) = members.iter().find(|p| glob_matches(p, &folder)) {
            return Some(Adopted {
                folder,
                pattern: pattern.clone(),
            });
        }
    }
    None
}

/// Whether a `members` pattern names `folder`, segment by segment as cargo
/// expands it (a `*` never crosses a `/`). Only patterns with a glob adopt
/// a folder by accident; a literal entry is the person's own choice.
fn glob_matches(pattern: &str, folder: &str) -> bool {
    if !pattern.contains(['*', '?', '[']) {
        return false;
    }
    let pats: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = folder.split('/').collect();
    pats.len() == segs.len()
        && pats.iter().zip(&segs).all(|(p, s)| {
            globset::Glob::new(p)
                .map(|g| g.compile_matcher().is_match(s))
                .unwrap_or(false)
        })
}

/// The root manifest's text with `folder` added to `[workspace] exclude`,
/// every other byte kept (comments, order, formatting).
pub fn add_exclude(manifest: &str, folder: &str) -> Result<String, toml_edit::TomlError> {
    let mut doc: toml_edit::DocumentMut = manifest.parse()?;
    let workspace = doc
        .entry("workspace")
        .or_insert_with(toml_edit::table)
        .as_table_like_mut();
    let Some(workspace) = workspace else {
        return Ok(manifest.to_string());
    };
    let exclude = workspace
        .entry("exclude")
        .or_insert(toml_edit::value(toml_edit::Array::new()));
    if let Some(array) = exclude.as_array_mut()
        && !array.iter().any(|v| v.as_str() == Some(folder))
    {
        array.push(folder);
    }
    Ok(doc.to_string())
}

/// Adds `adopted.folder` to the root manifest's `exclude`, atomically.
pub fn exclude(ws: &Workspace, adopted: &Adopted) -> Result<(), String> {
    let path: &Utf8Path = &ws.manifest_path;
    let text = ws
        .jail
        .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
        .map_err(|e| format!("could not read `{}`: {e}", ws.relative(path)))?;
    let edited = add_exclude(&text, &adopted.folder)
        .map_err(|e| format!("could not edit `{}`: {e}", ws.relative(path)))?;
    crate::write::write_atomic(&ws.jail, path, &edited).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(manifest: &str, dirs: &[&str]) -> (tempfile::TempDir, Workspace) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
        for d in dirs {
            std::fs::create_dir_all(root.join(d).join("src")).unwrap();
            std::fs::write(
                root.join(d).join("Cargo.toml"),
                format!("[package]\nname = \"{d}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            )
            .unwrap();
            std::fs::write(root.join(d).join("src/lib.rs"), "").unwrap();
        }
        let ws = Workspace::load(Some(&root.join("Cargo.toml")), root).unwrap();
        (tmp, ws)
    }

    #[test]
    fn a_star_at_the_root_adopts_the_docs_folder() {
        let (_t, ws) = workspace("[workspace]\nmembers = [\"*\"]\n", &["api"]);
        let hit = adopted_by_members(&ws, "docs/en/specifications").unwrap();
        assert_eq!(hit.folder, "docs");
        assert_eq!(hit.pattern, "*");
        assert!(
            hit.help().contains("exclude = [\"docs\"]"),
            "{}",
            hit.help()
        );
        // planning-docs too.
        assert_eq!(
            adopted_by_members(&ws, "planning-docs/x").unwrap().folder,
            "planning-docs"
        );
    }

    #[test]
    fn nested_globs_literals_and_excludes() {
        let (_t, ws) = workspace(
            "[workspace]\nmembers = [\"crates/*\", \"docs\"]\n",
            &["crates/a"],
        );
        // `docs` literal is the person's own; `crates/*` does not reach it.
        assert_eq!(adopted_by_members(&ws, "docs/en/specifications"), None);
        // A docs root under crates/ would be adopted.
        assert_eq!(
            adopted_by_members(&ws, "crates/docs/specs").unwrap().folder,
            "crates/docs"
        );
        let (_t, ws) = workspace(
            "[workspace]\nmembers = [\"*\"]\nexclude = [\"docs\"]\n",
            &["api"],
        );
        assert_eq!(adopted_by_members(&ws, "docs/en/specifications"), None);
        // No workspace table: nothing to adopt.
        let (_t, ws) = workspace(
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            &[],
        );
        assert_eq!(adopted_by_members(&ws, "docs"), None);
    }

    #[test]
    fn exclude_keeps_the_manifest_as_written() {
        let text = "# top\n[workspace]\nmembers = [\"*\"] # all of them\nresolver = \"2\"\n";
        let out = add_exclude(text, "docs").unwrap();
        assert_eq!(
            out,
            "# top\n[workspace]\nmembers = [\"*\"] # all of them\nresolver = \"2\"\nexclude = [\"docs\"]\n"
        );
        let out2 = add_exclude(&out, "planning-docs").unwrap();
        assert!(
            out2.contains("exclude = [\"docs\", \"planning-docs\"]"),
            "{out2}"
        );
        assert_eq!(add_exclude(&out2, "docs").unwrap(), out2);
    }

    #[test]
    fn excluding_makes_cargo_metadata_load_again() {
        let (_t, ws) = workspace("[workspace]\nmembers = [\"*\"]\n", &["api"]);
        std::fs::create_dir_all(ws.root.join("docs/en")).unwrap();
        let metadata = |ws: &Workspace| {
            std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
                .args([
                    "metadata",
                    "--no-deps",
                    "--offline",
                    "--format-version",
                    "1",
                ])
                .arg("--manifest-path")
                .arg(ws.manifest_path.as_std_path())
                .output()
                .unwrap()
                .status
                .success()
        };
        assert!(!metadata(&ws), "cargo adopts docs/ and fails");
        let hit = adopted_by_members(&ws, "docs/en/specifications").unwrap();
        exclude(&ws, &hit).unwrap();
        assert!(metadata(&ws), "with the exclude, cargo loads the workspace");
        assert_eq!(adopted_by_members(&ws, "docs/en/specifications"), None);
    }
}
