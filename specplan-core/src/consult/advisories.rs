//! What is known about the locked crates without going online: the curated
//! list shipped with the tool (`data/crate-advisories.toml`) and, when one is
//! on disk, a local copy of the RustSec advisory database as `cargo audit`
//! and `cargo deny` keep it.

use camino::{Utf8Path, Utf8PathBuf};
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::lockfile::Lockfile;

/// The curated list, embedded in the binary.
pub const CURATED: &str = include_str!("../../data/crate-advisories.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Curated {
    pub name: String,
    pub kind: String,
    pub versions: String,
    pub reason: String,
    pub replacement: String,
    pub source: String,
    #[serde(default)]
    pub rustsec: Option<String>,
}

#[derive(Deserialize)]
struct CuratedFile {
    #[serde(rename = "crate")]
    crates: Vec<Curated>,
}

/// The curated entries. The file is part of the binary and tested; a
/// broken one is a bug, reported as an empty list by the caller's test.
pub fn curated() -> Vec<Curated> {
    toml::from_str::<CuratedFile>(CURATED)
        .map(|f| f.crates)
        .unwrap_or_default()
}

/// A locked crate that an advisory names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub name: String,
    pub version: String,
    /// `unmaintained`, `deprecated`, `vulnerable`, or RustSec's
    /// `informational` value.
    pub kind: String,
    pub title: String,
    pub replacement: Option<String>,
    pub id: Option<String>,
    pub source: String,
}

/// The curated entries that apply to the locked versions.
pub fn curated_hits(lock: &Lockfile) -> Vec<Hit> {
    let mut out = Vec::new();
    for c in curated() {
        let Ok(req) = VersionReq::parse(&c.versions) else {
            continue;
        };
        for v in lock.versions(&c.name) {
            if req.matches(v) {
                out.push(Hit {
                    name: c.name.clone(),
                    version: v.to_string(),
                    kind: c.kind.clone(),
                    title: c.reason.clone(),
                    replacement: Some(c.replacement.clone()),
                    id: c.rustsec.clone(),
                    source: c.source.clone(),
                });
            }
        }
    }
    out
}

/// Where a local advisory database may be: `$CARGO_HOME/advisory-db`
/// (cargo-audit), `$CARGO_HOME/advisory-dbs/*` (cargo-deny), then the same
/// under `~/.cargo`.
pub fn find_local_db() -> Option<Utf8PathBuf> {
    let mut homes: Vec<Utf8PathBuf> = Vec::new();
    if let Ok(h) = std::env::var("CARGO_HOME") {
        homes.push(Utf8PathBuf::from(h));
    }
    if let Ok(h) = std::env::var("HOME") {
        homes.push(Utf8PathBuf::from(h).join(".cargo"));
    }
    for home in homes {
        let audit = home.join("advisory-db");
        if audit.join("crates").is_dir() {
            return Some(audit);
        }
        if let Ok(entries) = std::fs::read_dir(home.join("advisory-dbs")) {
            let mut dirs: Vec<Utf8PathBuf> = entries
                .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
                .filter(|p| p.join("crates").is_dir())
                .collect();
            dirs.sort();
            if let Some(d) = dirs.into_iter().next() {
                return Some(d);
            }
        }
    }
    None
}

#[derive(Deserialize)]
struct Front {
    advisory: FrontAdvisory,
    #[serde(default)]
    versions: FrontVersions,
}

#[derive(Deserialize)]
struct FrontAdvisory {
    id: String,
    package: String,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize, Default)]
struct FrontVersions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

/// Splits a RustSec advisory file (```` ```toml ```` front matter, then
/// Markdown whose first heading is the title).
fn parse_advisory(text: &str) -> Option<(Front, String)> {
    let rest = text.trim_start().strip_prefix("```toml")?;
    let end = rest.find("\n```")?;
    let front: Front = toml::from_str(&rest[..end]).ok()?;
    let body = &rest[end + 4..];
    let title = body
        .lines()
        .find_map(|l| l.trim().strip_prefix("# "))
        .unwrap_or("")
        .trim()
        .to_string();
    Some((front, title))
}

fn any_matches(reqs: &[String], v: &Version) -> bool {
    reqs.iter().any(|r| {
        r.split(',')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(", ")
            .parse::<VersionReq>()
            .is_ok_and(|req| req.matches(v))
    })
}

/// The advisories of a local RustSec database that affect the locked
/// versions. Files that do not parse are reported, not fatal.
pub fn rustsec_hits(db: &Utf8Path, lock: &Lockfile) -> (Vec<Hit>, Vec<Diagnostic>) {
    let mut hits = Vec::new();
    let mut diags = Vec::new();
    let mut names: Vec<&str> = lock.packages.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let dir = db.join("crates").join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<Utf8PathBuf> = entries
            .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
            .filter(|p| p.extension() == Some("md"))
            .collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let Some((front, title)) = parse_advisory(&text) else {
                diags.push(
                    Diagnostic::warning(
                        "advisory-parse-error",
                        format!("could not read the RustSec advisory `{file}`"),
                    )
                    .with_help("the other advisories are still checked"),
                );
                continue;
            };
            if front.advisory.withdrawn.is_some() || front.advisory.package != name {
                continue;
            }
            for v in lock.versions(name) {
                if any_matches(&front.versions.patched, v)
                    || any_matches(&front.versions.unaffected, v)
                {
                    continue;
                }
                hits.push(Hit {
                    name: name.to_string(),
                    version: v.to_string(),
                    kind: front
                        .advisory
                        .informational
                        .clone()
                        .unwrap_or_else(|| "vulnerability".into()),
                    title: title.clone(),
                    replacement: (!front.versions.patched.is_empty())
                        .then(|| format!("upgrade to {}", front.versions.patched.join(" or "))),
                    id: Some(front.advisory.id.clone()),
                    source: front.advisory.url.clone().unwrap_or_else(|| {
                        format!("https://rustsec.org/advisories/{}", front.advisory.id)
                    }),
                });
            }
        }
    }
    (hits, diags)
}

/// `(name, [versions])` of crates locked in more than one semver-incompatible
/// version (`0.7` and `0.8`, `1` and `2`).
pub fn duplicate_majors(lock: &Lockfile) -> Vec<(String, Vec<String>)> {
    let mut names: Vec<&str> = lock.packages.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let versions = lock.versions(name);
        let mut majors: Vec<String> = versions
            .iter()
            .map(|v| {
                if v.major > 0 {
                    v.major.to_string()
                } else if v.minor > 0 {
                    format!("0.{}", v.minor)
                } else {
                    format!("0.0.{}", v.patch)
                }
            })
            .collect();
        majors.dedup();
        if majors.len() > 1 {
            let mut vs: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
            vs.reverse();
            out.push((name.to_string(), vs));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curated_list_is_well_formed() {
        let list = curated();
        assert!(list.len() >= 10, "the data file did not parse");
        let mut names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
        let sorted = {
            let mut s = names.clone();
            s.sort_unstable();
            s
        };
        assert_eq!(names, sorted, "keep the list sorted by name");
        names.dedup();
        assert_eq!(names.len(), list.len());
        for c in &list {
            assert!(VersionReq::parse(&c.versions).is_ok(), "{}", c.name);
            assert!(c.source.starts_with("https://"), "{}", c.name);
            assert!(
                matches!(
                    c.kind.as_str(),
                    "unmaintained" | "deprecated" | "vulnerable"
                ),
                "{}",
                c.name
            );
            if let Some(id) = &c.rustsec {
                assert!(c.source.ends_with(id.as_str()), "{}", c.name);
            }
        }
    }

    fn lock(pkgs: &[(&str, &str)]) -> Lockfile {
        let mut text = String::from("version = 4\n");
        for (n, v) in pkgs {
            text.push_str(&format!("[[package]]\nname = \"{n}\"\nversion = \"{v}\"\n"));
        }
        Lockfile::parse(&text, "Cargo.lock").unwrap()
    }

    #[test]
    fn curated_hits_respect_versions() {
        let l = lock(&[
            ("dotenv", "0.15.0"),
            ("chrono", "0.4.41"),
            ("time", "0.1.45"),
        ]);
        let hits = curated_hits(&l);
        let names: Vec<_> = hits.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["dotenv", "time"]);
    }

    #[test]
    fn duplicates_and_rustsec() {
        let l = lock(&[
            ("axum", "0.7.9"),
            ("axum", "0.8.4"),
            ("serde", "1.0.1"),
            ("serde", "1.0.2"),
        ]);
        assert_eq!(
            duplicate_majors(&l),
            [(
                "axum".to_string(),
                vec!["0.7.9".to_string(), "0.8.4".to_string()]
            )]
        );
        let tmp = tempfile::tempdir().unwrap();
        let db = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        std::fs::create_dir_all(db.join("crates/axum")).unwrap();
        std::fs::write(
            db.join("crates/axum/RUSTSEC-2099-0001.md"),
            "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"axum\"\ndate = \"2099-01-01\"\n\n[versions]\npatched = [\">= 0.8.0\"]\n```\n\n# Something bad in old axum\n\nDetails.\n",
        )
        .unwrap();
        let (hits, diags) = rustsec_hits(&db, &l);
        assert!(diags.is_empty());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].version, "0.7.9");
        assert_eq!(hits[0].title, "Something bad in old axum");
        assert_eq!(hits[0].id.as_deref(), Some("RUSTSEC-2099-0001"));
    }
}
