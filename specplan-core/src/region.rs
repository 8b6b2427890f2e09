//! Generated regions: the only parts of a document the tool may rewrite.
//!
//! Content derived from code lives between `<!-- specplan:begin NAME -->` and
//! `<!-- specplan:end NAME -->`. Markers are found with a CommonMark parser,
//! so a marker quoted inside a code block or an inline code span is text,
//! not a marker. Regenerating a document replaces the inside of each region
//! and leaves every other byte — the person's words — exactly as it was.
//!
//! A person freezes a region by writing `frozen` after its name,
//! `<!-- specplan:begin api-overview frozen -->`: from then on its content
//! is theirs: no command rewrites it and `check` does not report it as
//! outdated.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

/// A region found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    /// `<!-- specplan:begin NAME frozen -->`: kept as the person left it.
    pub frozen: bool,
    /// The begin marker's bytes.
    pub begin: Range<usize>,
    /// Between the markers (what regeneration replaces).
    pub inner: Range<usize>,
    /// The end marker's bytes.
    pub end: Range<usize>,
}

/// Why a document's regions cannot be trusted; the file is then left alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("line {line}: `specplan:begin {name}` has no matching `specplan:end {name}`")]
    Unterminated { name: String, line: usize },
    #[error("line {line}: `specplan:end {name}` without a `specplan:begin {name}` before it")]
    UnexpectedEnd { name: String, line: usize },
    #[error("line {line}: region `{name}` begins inside region `{outer}`; regions do not nest")]
    Nested {
        name: String,
        outer: String,
        line: usize,
    },
    #[error("line {line}: a second region named `{name}`")]
    Duplicate { name: String, line: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Begin,
    End,
}

/// Parses `<!-- specplan:begin NAME [frozen] -->` / `<!-- specplan:end NAME -->`;
/// the flag is whether the region is frozen.
fn parse_marker(html: &str) -> Option<(Marker, &str, bool)> {
    let body = html
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let rest = body.strip_prefix("specplan:")?;
    let (kind, name) = rest.split_once(char::is_whitespace)?;
    let kind = match kind {
        "begin" => Marker::Begin,
        "end" => Marker::End,
        _ => return None,
    };
    let (name, frozen) = match name.trim().split_once(char::is_whitespace) {
        Some((name, flag)) if flag.trim() == "frozen" && kind == Marker::Begin => (name, true),
        Some(_) => return None,
        None => (name.trim(), false),
    };
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    valid.then_some((kind, name, frozen))
}

fn line_of(text: &str, at: usize) -> usize {
    crate::diag::line_col(text, at).0
}

/// Every region of `text`, in order.
pub fn find_regions(text: &str) -> Result<Vec<Region>, RegionError> {
    let mut regions: Vec<Region> = Vec::new();
    let mut open: Option<(String, Range<usize>, bool)> = None;
    let parser = Parser::new_ext(text, Options::all()).into_offset_iter();
    for (event, range) in parser {
        let html = match &event {
            Event::Html(h) | Event::InlineHtml(h) => h,
            _ => continue,
        };
        // An HTML block may hold several lines; look at each comment in it.
        let mut offset = range.start;
        for line in html.split_inclusive('\n') {
            let line_range = offset..offset + line.trim_end_matches(['\n', '\r']).len();
            offset += line.len();
            let Some((kind, name, frozen)) = parse_marker(line) else {
                continue;
            };
            // Extend the marker over the whole line, including its newline,
            // so replacing `inner` never disturbs the markers' lines.
            let marker = line_range.start..(line_range.end + 1).min(text.len());
            let marker = if text.as_bytes().get(line_range.end) == Some(&b'\n') {
                marker
            } else {
                line_range.clone()
            };
            match (kind, open.take()) {
                (Marker::Begin, None) => {
                    if regions.iter().any(|r| r.name == name) {
                        return Err(RegionError::Duplicate {
                            name: name.to_string(),
                            line: line_of(text, line_range.start),
                        });
                    }
                    open = Some((name.to_string(), marker, frozen));
                }
                (Marker::Begin, Some((outer, _, _))) => {
                    return Err(RegionError::Nested {
                        name: name.to_string(),
                        outer,
                        line: line_of(text, line_range.start),
                    });
                }
                (Marker::End, Some((open_name, begin, frozen))) if open_name == name => {
                    regions.push(Region {
                        name: open_name,
                        frozen,
                        inner: begin.end..line_range.start,
                        begin,
                        end: marker,
                    });
                }
                (Marker::End, Some((open_name, begin, _))) => {
                    return Err(RegionError::Unterminated {
                        line: line_of(text, begin.start),
                        name: open_name,
                    });
                }
                (Marker::End, None) => {
                    return Err(RegionError::UnexpectedEnd {
                        name: name.to_string(),
                        line: line_of(text, line_range.start),
                    });
                }
            }
        }
    }
    if let Some((name, begin, _)) = open {
        return Err(RegionError::Unterminated {
            name,
            line: line_of(text, begin.start),
        });
    }
    Ok(regions)
}

/// The result of merging freshly generated content into an existing document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// Regions whose content changed.
    pub updated: Vec<String>,
    /// Regions the generator produced that the document no longer has: the
    /// person removed them, so they are not brought back.
    pub dropped: Vec<String>,
}

impl Merged {
    pub fn changed(&self) -> bool {
        !self.updated.is_empty()
    }
}

/// Rewrites the inside of each region of `existing` with the same region of
/// `generated`. Everything outside the regions, and the inside of frozen
/// regions, is kept byte for byte.
pub fn merge(existing: &str, generated: &str) -> Result<Merged, RegionError> {
    let old = find_regions(existing)?;
    let new = find_regions(generated)?;
    let mut text = String::with_capacity(existing.len() + 256);
    let mut updated = Vec::new();
    let mut at = 0;
    for region in &old {
        text.push_str(&existing[at..region.inner.start]);
        match new.iter().find(|n| n.name == region.name) {
            Some(n) if !region.frozen => {
                let fresh = &generated[n.inner.clone()];
                if fresh != &existing[region.inner.clone()] {
                    updated.push(region.name.clone());
                }
                text.push_str(fresh);
            }
            _ => text.push_str(&existing[region.inner.clone()]),
        }
        at = region.inner.end;
    }
    text.push_str(&existing[at..]);
    let dropped = new
        .iter()
        .filter(|n| !old.iter().any(|o| o.name == n.name))
        .map(|n| n.name.clone())
        .collect();
    Ok(Merged {
        text,
        updated,
        dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Title\n\nMy words.\n\n<!-- specplan:begin env -->\nold table\n<!-- specplan:end env -->\n\nMore of my words.\n";

    #[test]
    fn finds_regions_with_byte_ranges() {
        let r = find_regions(DOC).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].name, "env");
        assert_eq!(&DOC[r[0].inner.clone()], "old table\n");
        assert_eq!(&DOC[r[0].begin.clone()], "<!-- specplan:begin env -->\n");
    }

    #[test]
    fn merge_rewrites_only_regions() {
        let generated = "# Other title\n\n<!-- specplan:begin env -->\nnew table\n<!-- specplan:end env -->\n<!-- specplan:begin extra -->\nx\n<!-- specplan:end extra -->\n";
        let m = merge(DOC, generated).unwrap();
        assert_eq!(
            m.text,
            "# Title\n\nMy words.\n\n<!-- specplan:begin env -->\nnew table\n<!-- specplan:end env -->\n\nMore of my words.\n"
        );
        assert_eq!(m.updated, ["env"]);
        assert_eq!(m.dropped, ["extra"]);
        // Merging the result again changes nothing.
        let again = merge(&m.text, generated).unwrap();
        assert_eq!(again.text, m.text);
        assert!(!again.changed());
    }

    #[test]
    fn frozen_regions_keep_the_persons_content() {
        let doc = "<!-- specplan:begin a frozen -->\nmine\n<!-- specplan:end a -->\n<!-- specplan:begin b -->\nold\n<!-- specplan:end b -->\n";
        let r = find_regions(doc).unwrap();
        assert_eq!((r[0].name.as_str(), r[0].frozen), ("a", true));
        assert!(!r[1].frozen);
        let generated = "<!-- specplan:begin a -->\nnew\n<!-- specplan:end a -->\n<!-- specplan:begin b -->\nnew\n<!-- specplan:end b -->\n";
        let m = merge(doc, generated).unwrap();
        assert_eq!(m.updated, ["b"]);
        assert!(m.text.contains("mine") && !m.text.contains("old"));
        // Only `frozen` is a flag, and only on a begin marker.
        assert!(
            find_regions("<!-- specplan:begin a stale -->\n")
                .unwrap()
                .is_empty()
        );
        assert!(
            find_regions("<!-- specplan:begin a -->\n<!-- specplan:end a frozen -->\n").is_err()
        );
    }

    #[test]
    fn markers_in_code_are_text() {
        let doc =
            "```\n<!-- specplan:begin x -->\n```\n\nSay `<!-- specplan:end x -->` to close.\n";
        assert_eq!(find_regions(doc).unwrap(), vec![]);
    }

    #[test]
    fn broken_regions_are_errors_not_guesses() {
        let e = find_regions("a\n\n<!-- specplan:begin x -->\nb\n").unwrap_err();
        assert_eq!(
            e,
            RegionError::Unterminated {
                name: "x".into(),
                line: 3
            }
        );
        let e = find_regions("<!-- specplan:end x -->\n").unwrap_err();
        assert!(matches!(e, RegionError::UnexpectedEnd { .. }));
        let e = find_regions(
            "<!-- specplan:begin a -->\n<!-- specplan:begin b -->\n<!-- specplan:end b -->\n<!-- specplan:end a -->\n",
        )
        .unwrap_err();
        assert!(matches!(e, RegionError::Nested { .. }), "{e}");
        let e = find_regions(
            "<!-- specplan:begin a -->\n<!-- specplan:end a -->\n\n<!-- specplan:begin a -->\n<!-- specplan:end a -->\n",
        )
        .unwrap_err();
        assert!(matches!(e, RegionError::Duplicate { .. }), "{e}");
    }

    #[test]
    fn region_at_end_of_file_without_newline() {
        let doc = "<!-- specplan:begin a -->\nx\n<!-- specplan:end a -->";
        let m = merge(
            doc,
            "<!-- specplan:begin a -->\ny\n<!-- specplan:end a -->\n",
        )
        .unwrap();
        assert_eq!(
            m.text,
            "<!-- specplan:begin a -->\ny\n<!-- specplan:end a -->"
        );
    }
}
