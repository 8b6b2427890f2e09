//! `broken-link`: relative links whose file or anchor does not resolve.

use std::collections::HashMap;

use super::{Cx, at};
use crate::diag::Diagnostic;
use crate::spec::{self, Document, LinkKind};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    // Anchors of Markdown files outside the docs root, parsed on demand.
    let mut outside: HashMap<String, Option<Document>> = HashMap::new();
    for doc in &cx.spec.documents {
        for link in &doc.links {
            match link.kind {
                LinkKind::Anchor => {
                    let Some(anchor) = link.anchor.as_deref().filter(|a| !a.is_empty()) else {
                        continue;
                    };
                    if doc.heading_by_slug(anchor).is_none() {
                        out.push(missing_anchor(
                            doc,
                            &link.range,
                            anchor,
                            doc,
                            "this document",
                        ));
                    }
                }
                LinkKind::Relative => {
                    let Some(target) = &link.resolved else {
                        out.push(
                            at(
                                "broken-link",
                                doc,
                                &link.range,
                                format!("`{}` leaves the workspace", link.dest),
                            )
                            .with_label("not followed")
                            .with_help(
                                "link to files inside the workspace, or use an absolute URL",
                            ),
                        );
                        continue;
                    };
                    let jail = &cx.ws.jail;
                    let abs = std::path::Path::new(target.as_str());
                    if let Err(e) = cx.resolve_named(target) {
                        out.push(
                            at("broken-link", doc, &link.range, e)
                                .with_label("not followed")
                                .with_help(
                                    "link to files inside the workspace, or use an absolute URL",
                                ),
                        );
                        continue;
                    }
                    if target.is_empty() || !cx.exists(target) {
                        out.push(
                            at(
                                "broken-link",
                                doc,
                                &link.range,
                                format!(
                                    "`{}` does not exist",
                                    link.path.as_deref().unwrap_or(&link.dest)
                                ),
                            )
                            .with_label(format!("resolves to `{target}`"))
                            .with_help("correct the path, or create the document"),
                        );
                        continue;
                    }
                    let Some(anchor) = link.anchor.as_deref().filter(|a| !a.is_empty()) else {
                        continue;
                    };
                    if target.ends_with(".md") {
                        let target_doc = match cx.spec.documents.iter().find(|d| &d.path == target)
                        {
                            Some(d) => Some(d),
                            None => outside
                                .entry(target.clone())
                                .or_insert_with(|| {
                                    read(jail, abs).map(|text| {
                                        spec::parse_document(
                                            target,
                                            &text,
                                            &spec::Context::default(),
                                        )
                                    })
                                })
                                .as_ref(),
                        };
                        if let Some(t) = target_doc
                            && t.heading_by_slug(anchor).is_none()
                        {
                            out.push(missing_anchor(doc, &link.range, anchor, t, target));
                        }
                    } else if let Some(line) = line_anchor(anchor) {
                        let lines = read(jail, abs)
                            .map(|t| t.lines().count())
                            .unwrap_or(usize::MAX);
                        if line > lines {
                            out.push(
                                at(
                                    "broken-link",
                                    doc,
                                    &link.range,
                                    format!("`{target}` has {lines} lines, not {line}"),
                                )
                                .with_label("line out of range"),
                            );
                        }
                    }
                }
                LinkKind::Absolute | LinkKind::External => {}
            }
        }
    }
}

/// `L12` or `L12-L20` → 20 (the last line the anchor needs).
fn line_anchor(anchor: &str) -> Option<usize> {
    let last = anchor.rsplit('-').next()?;
    let n = last.strip_prefix('L')?.parse().ok()?;
    anchor.starts_with('L').then_some(n)
}

fn missing_anchor(
    doc: &Document,
    range: &std::ops::Range<usize>,
    anchor: &str,
    target: &Document,
    name: &str,
) -> Diagnostic {
    let slugs: Vec<&str> = target.headings.iter().map(|h| h.slug.as_str()).collect();
    let mut close: Vec<(usize, &str)> = slugs
        .iter()
        .map(|s| (strsim::levenshtein(anchor, s), *s))
        .filter(|(d, _)| *d <= anchor.len().max(4) / 3 + 1)
        .collect();
    close.sort();
    let mut d = at(
        "broken-link",
        doc,
        range,
        format!("no heading in {name} has the anchor `#{anchor}`"),
    )
    .with_label("anchor not found");
    d = match close.first() {
        Some((_, s)) => d.with_help(format!("did you mean `#{s}`?")),
        None if slugs.is_empty() => d.with_help("the target has no headings"),
        None => d.with_help(format!(
            "its anchors are: {}",
            slugs
                .iter()
                .take(12)
                .map(|s| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    d
}

/// A linked workspace file, read through the jail.
fn read(jail: &crate::workspace::Jail, path: &std::path::Path) -> Option<String> {
    jail.read_to_string(path, crate::source::MAX_FILE_BYTES)
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_anchors() {
        assert_eq!(super::line_anchor("L12"), Some(12));
        assert_eq!(super::line_anchor("L12-L20"), Some(20));
        assert_eq!(super::line_anchor("overview"), None);
    }
}
