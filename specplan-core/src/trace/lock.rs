//! `specplan.lock`: the text of each requirement that its implementations
//! and tests were confirmed against.
//!
//! IDs are never renumbered when a requirement changes, so an
//! `#[implements("FR-AUTH-01")]` keeps pointing at the requirement after its
//! text is rewritten — and the code may no longer do what it now says. The
//! lock records, for every (requirement, item) pair, a fingerprint of the
//! requirement's text; `check` reports the pairs whose requirement text has
//! changed since (`stale-implementation`), and `confirm` records the new text
//! once a person has re-read the code.
//!
//! - `trace --lock` adds the pairs that are not in the lock yet and forgets
//!   the pairs whose item or requirement is gone; it never re-confirms a
//!   stale pair (that is what `confirm` is for).
//! - `confirm ID…` / `confirm --all` records the current text for every pair
//!   of those requirements.
//!
//! **The text** of a requirement is its definition's section — the heading
//! and its body up to the next heading of the same or a higher level, or for
//! a table-row definition the row — without any generated region inside it,
//! with runs of whitespace collapsed to one space. Reflowing a paragraph does
//! not make code stale; changing a word does.
//!
//! **The fingerprint** is FNV-1a 64 of that text, written `fnv1a64:<16 hex>`.
//! It only has to tell an edited text from the one confirmed (not resist an
//! adversary: the lock is committed next to the documents, and the old text
//! itself is stored for the diagnostic), and it must never change between
//! Rust releases or platforms — which `std`'s `DefaultHasher` does not
//! promise. Ten lines of code instead of a dependency.
//!
//! **An item** is named `file::item` (`src/handlers/auth.rs::login`), without
//! a line number, so that moving code within its file does not unlink it.
//!
//! The file is TOML, sorted (requirements by ID, texts by fingerprint, items
//! by name) and written atomically, so it diffs well and merges cleanly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use camino::Utf8Path;
use serde::Deserialize;
use specplan_ids::{Id, Kind as IdKindTag};

use crate::annotations::{Annotation, Kind};
use crate::diag::{Diagnostic, Span};
use crate::spec::{Document, Spec};
use crate::workspace::Jail;

/// The lock's file name, at the workspace root.
pub const FILE_NAME: &str = "specplan.lock";

const HEADER: &str = "\
# specplan.lock: the text of each requirement that its implementations and
# tests were confirmed against. Written by `cargo specplan trace --lock` and
# `cargo specplan confirm`; commit it, do not edit it by hand.
# `cargo specplan check` reports `stale-implementation` when a requirement's
# text changes: re-read the code and tests, then `cargo specplan confirm <ID>`.
";

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `fnv1a64:` and 16 lower-case hex digits.
pub fn fingerprint(text: &str) -> String {
    format!("fnv1a64:{:016x}", fnv1a64(text.as_bytes()))
}

/// Runs of whitespace collapsed to one space, trimmed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a definition (see the module documentation).
pub fn definition_text(doc: &Document, section: &std::ops::Range<usize>) -> String {
    let mut text = String::new();
    let mut at = section.start;
    let mut regions: Vec<_> = doc
        .regions
        .iter()
        .filter(|r| r.range.start >= section.start && r.range.end <= section.end)
        .collect();
    regions.sort_by_key(|r| r.range.start);
    for r in regions {
        text.push_str(&doc.text[at..r.range.start]);
        text.push(' ');
        at = r.range.end;
    }
    text.push_str(&doc.text[at..section.end.min(doc.text.len())]);
    normalize(&text)
}

/// The current text of every requirement (FR and NFR), by ID; the first
/// definition when an ID is defined twice.
pub fn requirement_texts(spec: &Spec) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (id, defs) in spec.definitions_by_id() {
        if !matches!(id.kind(), IdKindTag::Fr | IdKindTag::Nfr) {
            continue;
        }
        let (doc, def) = defs[0];
        out.insert(id.to_string(), definition_text(doc, &def.section));
    }
    out
}

/// `src/handlers/auth.rs::login`.
pub fn item_key(a: &Annotation) -> String {
    format!("{}::{}", a.file, a.item.name)
}

/// The items of one text version of a requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirmed {
    pub fingerprint: String,
    pub text: String,
    #[serde(default)]
    pub implements: BTreeSet<String>,
    #[serde(default)]
    pub verifies: BTreeSet<String>,
}

impl Confirmed {
    fn items(&self, kind: Kind) -> &BTreeSet<String> {
        match kind {
            Kind::Implements => &self.implements,
            Kind::Verifies => &self.verifies,
        }
    }

    fn items_mut(&mut self, kind: Kind) -> &mut BTreeSet<String> {
        match kind {
            Kind::Implements => &mut self.implements,
            Kind::Verifies => &mut self.verifies,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedRequirement {
    pub id: String,
    #[serde(default)]
    pub confirmed: Vec<Confirmed>,
}

/// The contents of `specplan.lock`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    #[serde(default, rename = "requirement")]
    pub requirements: Vec<LockedRequirement>,
}

/// One (requirement, item) pair of today's code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    pub requirement: String,
    pub kind: Kind,
    pub item_key: String,
}

/// Today's pairs: every ID of every annotation that names a requirement
/// defined in the documents.
pub fn current_pairs(
    texts: &BTreeMap<String, String>,
    annotations: &[Annotation],
) -> BTreeSet<Pair> {
    annotations
        .iter()
        .flat_map(|a| {
            a.ids
                .iter()
                .filter(|i| texts.contains_key(&i.text))
                .map(move |i| Pair {
                    requirement: i.text.clone(),
                    kind: a.kind,
                    item_key: item_key(a),
                })
        })
        .collect()
}

/// A pair confirmed against a text that is no longer the requirement's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StalePair {
    pub requirement: String,
    pub kind: Kind,
    pub item_key: String,
    pub old_text: String,
    pub new_text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("`{path}` could not be read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a valid specplan lock: {message}")]
    Invalid {
        path: String,
        message: String,
        /// 1-based line and column, when the parser knows.
        at: Option<(usize, usize)>,
    },
}

impl LockError {
    /// The error as a diagnostic (`invalid-toml` at the line, when known).
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            LockError::Io { path, .. } => {
                Diagnostic::warning("unreadable-file", self.to_string()).in_file(path.clone())
            }
            LockError::Invalid { path, at, .. } => {
                let mut d = Diagnostic::warning("invalid-toml", self.to_string())
                    .in_file(path.clone())
                    .with_help("fix it, or delete it and run `cargo specplan trace --lock`");
                if let Some((l, c)) = at {
                    d = d.at(Span::line_only(*l, *c));
                }
                d
            }
        }
    }
}

impl Lock {
    /// Parses a lock file's text.
    pub fn parse(text: &str, path: &str) -> Result<Lock, LockError> {
        let lock: Lock = toml::from_str(text).map_err(|e| LockError::Invalid {
            path: path.to_string(),
            message: e.message().to_string(),
            at: e
                .span()
                .map(|s| crate::diag::line_col(text, s.start.min(text.len()))),
        })?;
        if lock.version != 1 {
            return Err(LockError::Invalid {
                path: path.to_string(),
                message: format!(
                    "version {} is not known to this cargo-specplan (it knows version 1)",
                    lock.version
                ),
                at: None,
            });
        }
        Ok(lock)
    }

    /// Reads `specplan.lock` at the workspace root; `Ok(None)` when there is
    /// none.
    pub fn load(jail: &Jail) -> Result<Option<Lock>, LockError> {
        match jail.read_to_string(Path::new(FILE_NAME), crate::source::MAX_FILE_BYTES) {
            Ok(text) => Lock::parse(&text, FILE_NAME).map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(LockError::Io {
                path: FILE_NAME.to_string(),
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }

    /// Writes the lock at the workspace root, atomically.
    pub fn save(&self, jail: &Jail) -> Result<(), crate::write::WriteError> {
        crate::write::write_atomic(jail, Utf8Path::new(FILE_NAME), &self.render())
    }

    /// The fingerprint and text each pair was confirmed against.
    fn confirmed_texts(&self) -> BTreeMap<Pair, (&str, &str)> {
        let mut out = BTreeMap::new();
        for r in &self.requirements {
            for c in &r.confirmed {
                for kind in [Kind::Implements, Kind::Verifies] {
                    for item in c.items(kind) {
                        out.insert(
                            Pair {
                                requirement: r.id.clone(),
                                kind,
                                item_key: item.clone(),
                            },
                            (c.fingerprint.as_str(), c.text.as_str()),
                        );
                    }
                }
            }
        }
        out
    }

    /// A lock of these pairs, each confirmed against the text given.
    fn from_pairs(pairs: BTreeMap<Pair, String>) -> Lock {
        let mut by_req: BTreeMap<String, BTreeMap<String, Confirmed>> = BTreeMap::new();
        for (pair, text) in pairs {
            let fp = fingerprint(&text);
            let c = by_req
                .entry(pair.requirement.clone())
                .or_default()
                .entry(fp.clone())
                .or_insert_with(|| Confirmed {
                    fingerprint: fp,
                    text,
                    ..Confirmed::default()
                });
            c.items_mut(pair.kind).insert(pair.item_key);
        }
        let mut requirements: Vec<LockedRequirement> = by_req
            .into_iter()
            .map(|(id, texts)| LockedRequirement {
                id,
                confirmed: texts.into_values().collect(),
            })
            .collect();
        requirements.sort_by(|a, b| {
            Id::parse(&a.id)
                .ok()
                .cmp(&Id::parse(&b.id).ok())
                .then_with(|| a.id.cmp(&b.id))
        });
        Lock {
            version: 1,
            requirements,
        }
    }

    /// `trace --lock`: keeps the pairs that still exist as they were
    /// confirmed, adds today's new pairs with today's text, forgets the rest.
    pub fn update(
        old: Option<&Lock>,
        texts: &BTreeMap<String, String>,
        annotations: &[Annotation],
    ) -> Lock {
        let known = old.map(Lock::confirmed_texts).unwrap_or_default();
        let pairs = current_pairs(texts, annotations)
            .into_iter()
            .map(|p| {
                let text = match known.get(&p) {
                    Some((_, t)) => t.to_string(),
                    None => texts[&p.requirement].clone(),
                };
                (p, text)
            })
            .collect();
        Lock::from_pairs(pairs)
    }

    /// `confirm`: every pair of the requirements in `ids` (all when `None`)
    /// is confirmed against today's text; the other pairs are kept as in
    /// [`Lock::update`]. Returns the lock and the pairs that were stale.
    pub fn confirm(
        old: Option<&Lock>,
        texts: &BTreeMap<String, String>,
        annotations: &[Annotation],
        ids: Option<&BTreeSet<String>>,
    ) -> Lock {
        let known = old.map(Lock::confirmed_texts).unwrap_or_default();
        let pairs = current_pairs(texts, annotations)
            .into_iter()
            .map(|p| {
                let refresh = ids.is_none_or(|ids| ids.contains(&p.requirement));
                let text = match known.get(&p) {
                    Some((_, t)) if !refresh => t.to_string(),
                    _ => texts[&p.requirement].clone(),
                };
                (p, text)
            })
            .collect();
        Lock::from_pairs(pairs)
    }

    /// The TOML text: a header comment, then sorted tables.
    pub fn render(&self) -> String {
        let s = |v: &str| toml::Value::String(v.to_string()).to_string();
        let mut out = String::from(HEADER);
        out.push_str(&format!("version = {}\n", self.version));
        for r in &self.requirements {
            out.push_str(&format!("\n[[requirement]]\nid = {}\n", s(&r.id)));
            for c in &r.confirmed {
                out.push_str(&format!(
                    "\n[[requirement.confirmed]]\nfingerprint = {}\ntext = {}\n",
                    s(&c.fingerprint),
                    s(&c.text)
                ));
                for (key, items) in [("implements", &c.implements), ("verifies", &c.verifies)] {
                    if items.is_empty() {
                        continue;
                    }
                    out.push_str(&format!("{key} = [\n"));
                    for i in items {
                        out.push_str(&format!("    {},\n", s(i)));
                    }
                    out.push_str("]\n");
                }
            }
        }
        out
    }
}

/// The pairs of today's code whose requirement text differs from the text
/// they were confirmed against. Pairs the lock does not know are not stale:
/// `trace --lock` records them.
pub fn stale_pairs(lock: &Lock, spec: &Spec, annotations: &[Annotation]) -> Vec<StalePair> {
    let texts = requirement_texts(spec);
    let known = lock.confirmed_texts();
    current_pairs(&texts, annotations)
        .into_iter()
        .filter_map(|p| {
            let (fp, old) = known.get(&p)?;
            let new = &texts[&p.requirement];
            (fingerprint(new) != *fp).then(|| StalePair {
                old_text: old.to_string(),
                new_text: new.clone(),
                requirement: p.requirement,
                kind: p.kind,
                item_key: p.item_key,
            })
        })
        .collect()
}

/// The two texts around their first difference, each at most about `max`
/// characters, with `…` where cut.
pub fn excerpts(old: &str, new: &str, max: usize) -> (String, String) {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let cut = |chars: &[char]| -> String {
        let changed_end = chars.len() - suffix;
        // Some context before the change, started at a word.
        let context = 40.min(max / 3);
        let mut start = prefix.saturating_sub(context);
        if start > 0 {
            while start < prefix && !chars[start - 1].is_whitespace() {
                start += 1;
            }
        }
        let mut end = (start + max).min(chars.len());
        if end < chars.len() {
            let floor = changed_end.clamp(start + 1, end);
            while end > floor && !chars[end].is_whitespace() {
                end -= 1;
            }
        }
        let mut s = String::new();
        if start > 0 {
            s.push('…');
        }
        s.extend(&chars[start..end]);
        if end < chars.len() {
            s.push('…');
        }
        s
    };
    (cut(&a), cut(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_values() {
        // Test vectors of the FNV reference implementation.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(fingerprint("a"), "fnv1a64:af63dc4c8601ec8c");
    }

    #[test]
    fn whitespace_does_not_matter() {
        assert_eq!(
            normalize("### FR-A-01: X\n\nOne  two\nthree\n"),
            "### FR-A-01: X One two three"
        );
    }

    #[test]
    fn excerpts_show_the_change() {
        let old = "FR-A-01: Sign in. The password must be 8 to 128 characters long and is checked with argon2.";
        let new = "FR-A-01: Sign in. The password must be 12 to 128 characters long and is checked with argon2.";
        let (a, b) = excerpts(old, new, 60);
        assert!(a.contains("8 to 128"), "{a}");
        assert!(b.contains("12 to 128"), "{b}");
        assert!(a.chars().count() <= 62, "{a}");
        let (a, b) = excerpts("short", "shorter", 60);
        assert_eq!((a.as_str(), b.as_str()), ("short", "shorter"));
    }

    #[test]
    fn render_parses_back() {
        let mut pairs = BTreeMap::new();
        pairs.insert(
            Pair {
                requirement: "FR-A-01".into(),
                kind: Kind::Implements,
                item_key: "src/a.rs::f".into(),
            },
            "### FR-A-01: \"quoted\" text".to_string(),
        );
        pairs.insert(
            Pair {
                requirement: "FR-A-01".into(),
                kind: Kind::Verifies,
                item_key: "tests/a.rs::t".into(),
            },
            "### FR-A-01: \"quoted\" text".to_string(),
        );
        let lock = Lock::from_pairs(pairs);
        let text = lock.render();
        assert_eq!(Lock::parse(&text, "specplan.lock").unwrap(), lock);
        assert_eq!(lock.requirements[0].confirmed.len(), 1);
        assert!(Lock::parse("version = 2\n", "x").is_err());
        assert!(Lock::parse("version = 1\nother = 1\n", "x").is_err());
    }
}
