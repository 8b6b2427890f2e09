//! Migration directories, recognised by the names their tools give files:
//!
//! | tool | layout |
//! |---|---|
//! | sqlx | `migrations/<VERSION>_<name>.sql`, or `.up.sql` / `.down.sql` pairs |
//! | diesel | `migrations/<timestamp>_<name>/up.sql` (directory from `diesel.toml`) |
//! | refinery | `migrations/V<N>__<name>.sql` (or `.rs`) |
//! | sea-orm | a member depending on `sea-orm-migration`, with `src/m<YYYYMMDD>_…​.rs` |
//!
//! `migrations/` is looked for at the workspace root and at every member's
//! root.

use std::collections::BTreeSet;

use super::Migrations;
use crate::diag::{Diagnostic, Level};
use crate::lockfile::toml_diagnostic;
use crate::source::{self, Files};
use crate::workspace::Workspace;

pub(super) fn scan(ws: &Workspace, files: &Files) -> (Vec<Migrations>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut roots: BTreeSet<String> = BTreeSet::from([String::new()]);
    roots.extend(ws.packages.iter().map(|p| rel_dir(&ws.relative(p.root()))));
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for root in &roots {
        dirs.insert(join(root, "migrations"));
        let diesel_toml = join(root, "diesel.toml");
        if let Some(file) = files.files.iter().find(|f| f.rel == diesel_toml) {
            match source::read_text(file) {
                Ok(text) => {
                    if let Some(dir) = diesel_dir(&text, &diesel_toml, &mut diagnostics) {
                        dirs.insert(join(root, &dir));
                    }
                }
                Err(d) => diagnostics.push(d),
            }
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        let package = ws.package_of(&ws.root.join(&dir)).map(|p| p.name.clone());
        for (tool, count) in count_in(&dir, files) {
            out.push(Migrations {
                tool: tool.to_string(),
                path: dir.clone(),
                count,
                package: package.clone(),
            });
        }
    }
    for pkg in &ws.packages {
        if !pkg
            .runtime_dependencies()
            .any(|d| d.name == "sea-orm-migration")
        {
            continue;
        }
        let root = rel_dir(&ws.relative(pkg.root()));
        let src = join(&root, "src");
        let count = files
            .files
            .iter()
            .filter_map(|f| f.rel.strip_prefix(&src)?.strip_prefix('/'))
            .filter(|name| is_sea_orm_migration(name))
            .count();
        out.push(Migrations {
            tool: "sea-orm".to_string(),
            path: if root.is_empty() { ".".into() } else { root },
            count,
            package: Some(pkg.name.clone()),
        });
    }
    out.sort();
    out.dedup();
    (out, diagnostics)
}

/// `.` → ``, so that paths join without a leading `./`.
fn rel_dir(rel: &str) -> String {
    if rel == "." {
        String::new()
    } else {
        rel.to_string()
    }
}

/// Joins a workspace-relative directory and a relative path, resolving `.`
/// and `..` (never above the workspace root).
fn join(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The `[migrations_directory] dir` of a `diesel.toml`; a file that does
/// not parse is a warning.
fn diesel_dir(text: &str, rel: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let mut d = toml_diagnostic(&e, text, rel);
            d.level = Level::Warning;
            diagnostics.push(d);
            return None;
        }
    };
    table
        .get("migrations_directory")
        .and_then(|m| m.get("dir"))
        .and_then(|d| d.as_str())
        .map(String::from)
}

/// The migrations of each tool whose layout appears in `dir`.
fn count_in(dir: &str, files: &Files) -> Vec<(&'static str, usize)> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut diesel: BTreeSet<&str> = BTreeSet::new();
    let mut sqlx: BTreeSet<&str> = BTreeSet::new();
    let mut refinery = 0;
    for file in &files.files {
        let Some(sub) = file.rel.strip_prefix(&prefix) else {
            continue;
        };
        match sub.split_once('/') {
            Some((migration, "up.sql")) => {
                diesel.insert(migration);
            }
            Some(_) => {}
            None if is_refinery(sub) => refinery += 1,
            None => {
                if let Some(version) = sqlx_version(sub) {
                    sqlx.insert(version);
                }
            }
        }
    }
    [
        ("diesel", diesel.len()),
        ("refinery", refinery),
        ("sqlx", sqlx.len()),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// `20240101120000_create_users.sql` (or `.up.sql` / `.down.sql`) → its
/// version, so that an up/down pair counts once.
fn sqlx_version(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".sql")?;
    let (version, desc) = stem.split_once('_')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) && !desc.is_empty())
        .then_some(version)
}

/// `V1__create_users.sql`, `U2__add_index.rs`, `V1.1__fix.sql`.
fn is_refinery(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(['V', 'U']) else {
        return false;
    };
    let Some((version, desc)) = rest.split_once("__") else {
        return false;
    };
    !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && (desc.ends_with(".sql") || desc.ends_with(".rs"))
}

/// `m20220101_000001_create_table.rs`, as `sea-orm-cli migrate generate`
/// names them.
fn is_sea_orm_migration(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".rs") else {
        return false;
    };
    let Some(rest) = stem.strip_prefix('m') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits >= 8 && rest[digits..].starts_with('_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::WalkedFile;

    fn files(rels: &[&str]) -> Files {
        Files {
            files: rels
                .iter()
                .map(|r| WalkedFile {
                    abs: camino::Utf8PathBuf::from("/nowhere").join(r),
                    rel: r.to_string(),
                })
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn names() {
        assert_eq!(sqlx_version("20240101_init.sql"), Some("20240101"));
        assert_eq!(sqlx_version("0001_users.up.sql"), Some("0001"));
        assert_eq!(sqlx_version("users.sql"), None);
        assert_eq!(sqlx_version("_x.sql"), None);
        assert!(is_refinery("V1__init.sql"));
        assert!(is_refinery("V1.2__fix.rs"));
        assert!(!is_refinery("V__init.sql"));
        assert!(!is_refinery("Vendor__x.sql"));
        assert!(is_sea_orm_migration("m20220101_000001_create_table.rs"));
        assert!(!is_sea_orm_migration("main.rs"));
        assert!(!is_sea_orm_migration("lib.rs"));
        assert_eq!(join("crates/db", "./migrations/"), "crates/db/migrations");
        assert_eq!(join("", "../../etc"), "etc");
    }

    #[test]
    fn counts_per_tool() {
        let f = files(&[
            "migrations/0001_users.up.sql",
            "migrations/0001_users.down.sql",
            "migrations/0002_orders.sql",
            "migrations/README.md",
            "db/migrations/2024-01-01-000000_create_users/up.sql",
            "db/migrations/2024-01-01-000000_create_users/down.sql",
            "db/migrations/00000000000000_diesel_initial_setup/up.sql",
            "db/migrations/.keep",
            "other/migrations/V1__init.sql",
        ]);
        assert_eq!(count_in("migrations", &f), [("sqlx", 2)]);
        assert_eq!(count_in("db/migrations", &f), [("diesel", 2)]);
        assert_eq!(count_in("other/migrations", &f), [("refinery", 1)]);
        assert!(count_in("nothing", &f).is_empty());
    }

    #[test]
    fn diesel_toml_dir() {
        let mut diags = Vec::new();
        assert_eq!(
            diesel_dir(
                "[migrations_directory]\ndir = \"db/migrations\"\n",
                "diesel.toml",
                &mut diags
            ),
            Some("db/migrations".to_string())
        );
        assert_eq!(diesel_dir("", "diesel.toml", &mut diags), None);
        assert!(diags.is_empty());
        assert_eq!(
            diesel_dir("[print_schema\n", "diesel.toml", &mut diags),
            None
        );
        assert_eq!(diags[0].level, Level::Warning);
        assert_eq!(diags[0].span.unwrap().line, 1);
    }
}
