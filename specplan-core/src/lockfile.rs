//! `Cargo.lock`, read with `toml`: which version of each crate the workspace
//! really builds with.

use semver::{Version, VersionReq};
use serde::Deserialize;

use crate::diag::{Diagnostic, Span};

#[derive(Debug, Clone, Default)]
pub struct Lockfile {
    pub packages: Vec<LockedPackage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: String,
    pub version: Version,
    /// `registry+…`, `git+…`, or `None` for path (workspace) packages.
    pub source: Option<String>,
}

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    package: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    source: Option<String>,
}

impl Lockfile {
    /// Parses the text of a `Cargo.lock`. `rel` names the file in diagnostics.
    pub fn parse(text: &str, rel: &str) -> Result<Lockfile, Diagnostic> {
        let raw: RawLock = toml::from_str(text).map_err(|e| toml_diagnostic(&e, text, rel))?;
        let packages = raw
            .package
            .into_iter()
            .filter_map(|p| {
                Some(LockedPackage {
                    version: Version::parse(&p.version).ok()?,
                    name: p.name,
                    source: p.source,
                })
            })
            .collect();
        Ok(Lockfile { packages })
    }

    /// Every locked version of the crate `name`, highest first.
    pub fn versions(&self, name: &str) -> Vec<&Version> {
        let mut v: Vec<&Version> = self
            .packages
            .iter()
            .filter(|p| p.name == name)
            .map(|p| &p.version)
            .collect();
        v.sort_by(|a, b| b.cmp(a));
        v.dedup();
        v
    }

    /// The locked version of `name` that satisfies `req` (the highest when
    /// several do); `None` when the crate is not locked.
    pub fn resolve(&self, name: &str, req: &VersionReq) -> Option<&Version> {
        let versions = self.versions(name);
        versions.iter().copied().find(|v| req.matches(v))
    }
}

/// A diagnostic for a TOML parse error, pointing at the offending bytes.
pub fn toml_diagnostic(e: &toml::de::Error, text: &str, rel: &str) -> Diagnostic {
    let mut d = Diagnostic::error(
        "invalid-toml",
        format!("could not parse `{rel}`: {}", e.message()),
    )
    .in_file(rel);
    if let Some(r) = e.span() {
        d = d.at(Span::from_bytes(text, r.start, r.end.max(r.start + 1)));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "axum"
version = "0.7.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "axum"
version = "0.8.4"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "app"
version = "0.1.0"
"#;

    #[test]
    fn resolves_the_version_the_requirement_selects() {
        let lock = Lockfile::parse(LOCK, "Cargo.lock").unwrap();
        let req = VersionReq::parse("0.7").unwrap();
        assert_eq!(lock.resolve("axum", &req).unwrap().to_string(), "0.7.9");
        let req = VersionReq::parse("0.8.1").unwrap();
        assert_eq!(lock.resolve("axum", &req).unwrap().to_string(), "0.8.4");
        assert!(lock.resolve("actix-web", &VersionReq::STAR).is_none());
        assert_eq!(lock.versions("axum").len(), 2);
    }

    #[test]
    fn broken_lockfile_is_a_diagnostic_with_a_line() {
        let err = Lockfile::parse("[[package]\nname = 1", "Cargo.lock").unwrap_err();
        assert_eq!(err.file.as_deref(), Some("Cargo.lock"));
        assert_eq!(err.span.unwrap().line, 1);
    }
}
