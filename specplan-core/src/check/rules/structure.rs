//! The document rules of the seed: `missing-meta`, `missing-navigation`,
//! `toc-mismatch`, `section-numbering`, `missing-diagram`,
//! `invalid-mermaid`, `missing-acceptance-criteria`, `missing-examples`,
//! `participant-notation`; and `missing-docs` when there is nothing to check.

use super::{Cx, at, diag};
use crate::diag::Diagnostic;
use crate::spec::{DocKind, Document, MermaidKind, MetaField, NavDirection, StepKeyword};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.spec.root_exists {
        out.push(
            diag(
                "missing-docs",
                format!("the docs root `{}` does not exist", cx.spec.docs_root),
            )
            .with_help(
                "run `cargo specplan init` to scaffold it, or set `[docs] root` in specplan.toml",
            ),
        );
        return;
    }
    let order = pipeline_order(cx);
    for doc in &cx.spec.documents {
        if let Some(problem) = &doc.region_error {
            out.push(
                at(
                    "broken-region",
                    doc,
                    &problem.range,
                    problem.message.clone(),
                )
                .with_label("the generated regions of this document cannot be refreshed")
                .with_help("restore or rename the marker; `cargo specplan explain broken-region`"),
            );
        }
        meta(doc, out);
        navigation(cx, doc, &order, out);
        sections(doc, out);
        diagrams(doc, out);
        mermaid(doc, out);
        stories(doc, out);
        use_cases(doc, out);
    }
}

fn meta(doc: &Document, out: &mut Vec<Diagnostic>) {
    let anchor = doc.anchor_range();
    if doc.title.is_none() {
        out.push(
            at("missing-meta", doc, &anchor, "the document has no H1 title")
                .with_label("expected `# Title` first")
                .with_help("start the document with `# <Title>` followed by the meta block"),
        );
    }
    let after = doc.meta.range.clone().unwrap_or(anchor.clone());
    for field in [
        MetaField::Version,
        MetaField::LastUpdated,
        MetaField::Status,
    ] {
        match doc.meta.get(field) {
            None => out.push(
                at(
                    "missing-meta",
                    doc,
                    &after,
                    format!("the meta block has no `{}`", field.key()),
                )
                .with_label("missing here")
                .with_help(match field {
                    MetaField::Version => "add `- **Version:** 0.1.0`",
                    MetaField::LastUpdated => "add `- **Last Updated:** YYYY-MM-DD`",
                    MetaField::Status => {
                        "add `- **Status:** Draft` (Draft, In Review, Approved or Deprecated)"
                    }
                }),
            ),
            Some(e) => {
                let value = e.value.trim();
                let problem = match field {
                    MetaField::Version => {
                        crate::spec::leading_version(value).is_none().then(|| {
                            (
                                format!("`{value}` is not a semantic version"),
                                "write e.g. `1.2.0`",
                            )
                        })
                    }
                    MetaField::LastUpdated => {
                        crate::spec::leading_date(value).is_none().then(|| {
                            (
                                format!("`{value}` is not a date"),
                                "write the date as YYYY-MM-DD",
                            )
                        })
                    }
                    MetaField::Status => crate::spec::Status::parse(value).is_none().then(|| {
                        (
                            format!("`{value}` is not a status"),
                            "use Draft, In Review, Approved or Deprecated",
                        )
                    }),
                };
                if let Some((message, help)) = problem {
                    out.push(
                        at(
                            "missing-meta",
                            doc,
                            &e.value_range,
                            format!("invalid `{}`: {message}", field.key()),
                        )
                        .with_label("invalid value")
                        .with_help(help),
                    );
                }
            }
        }
    }
}

/// The pipeline documents that exist, across domains in index order.
fn pipeline_order<'a>(cx: &'a Cx<'_>) -> Vec<&'a Document> {
    order_of(cx.config, cx.spec)
}

/// The pipeline documents in reading order: each domain's five steps, the
/// configured domains first.
fn order_of<'a>(config: &crate::config::Config, spec: &'a crate::spec::Spec) -> Vec<&'a Document> {
    let mut domains: Vec<String> = config.domains.iter().map(|d| d.name.clone()).collect();
    // Domains on disk but not configured come after, alphabetically.
    for doc in &spec.documents {
        if let Some(d) = &doc.domain
            && doc.kind.step().is_some()
            && !domains.contains(d)
        {
            domains.push(d.clone());
        }
    }
    let mut order = Vec::new();
    for d in &domains {
        for kind in DocKind::PIPELINE {
            if let Some(doc) = spec.domain_document(d, kind) {
                order.push(doc);
            }
        }
    }
    order
}

/// The navigation line a pipeline document should have, as `generate`
/// writes it; `None` outside the pipeline.
pub fn expected_navigation(
    config: &crate::config::Config,
    spec: &crate::spec::Spec,
    doc: &Document,
) -> Option<String> {
    let order = order_of(config, spec);
    let i = order.iter().position(|d| d.path == doc.path)?;
    let index = if spec.docs_root.is_empty() {
        "README.md".to_string()
    } else {
        format!("{}/README.md", spec.docs_root)
    };
    let link = |j: Option<usize>| -> (String, String) {
        match j.and_then(|j| order.get(j)) {
            Some(d) => {
                let title = d
                    .kind
                    .step()
                    .and_then(|n| crate::pipeline::Step::ALL.get(usize::from(n) - 1))
                    .map_or("Document", |s| s.title());
                let title = if d.domain == doc.domain {
                    title.to_string()
                } else {
                    format!("{title}: {}", d.domain.as_deref().unwrap_or(""))
                };
                (title, relative_href(&doc.path, &d.path))
            }
            None => (
                "Specifications".to_string(),
                relative_href(&doc.path, &index),
            ),
        }
    };
    let (prev, prev_href) = link(i.checked_sub(1));
    let (next, next_href) = link(Some(i + 1));
    Some(format!(
        "**Previous:** [{prev}]({prev_href}) | **Next:** [{next}]({next_href})"
    ))
}

/// `dest` (without its anchor) resolved against the document's folder.
fn resolve(doc_path: &str, dest: &str) -> Option<String> {
    let dest = dest.split('#').next().unwrap_or("");
    if dest.is_empty() {
        return Some(doc_path.to_string());
    }
    let mut parts: Vec<&str> = doc_path.split('/').collect();
    parts.pop();
    for p in dest.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn navigation(cx: &Cx<'_>, doc: &Document, order: &[&Document], out: &mut Vec<Diagnostic>) {
    let anchor = doc.meta.range.clone().unwrap_or(doc.anchor_range());
    if doc.navigation.is_empty() {
        out.push(
            at("missing-navigation", doc, &anchor, "the document has no Previous/Next navigation")
                .with_label("expected a navigation line after this")
                .with_help("add `**Previous:** [Title](path.md) | **Next:** [Title](path.md)` after the meta block"),
        );
        return;
    }
    let Some(i) = order.iter().position(|d| d.path == doc.path) else {
        return; // outside the pipeline: only that its links resolve (broken-link)
    };
    let index = if cx.spec.docs_root.is_empty() {
        "README.md".to_string()
    } else {
        format!("{}/README.md", cx.spec.docs_root)
    };
    let expect = |dir: NavDirection| -> String {
        let j = match dir {
            NavDirection::Previous => i.checked_sub(1),
            NavDirection::Next => Some(i + 1),
        };
        j.and_then(|j| order.get(j))
            .map_or(index.clone(), |d| d.path.clone())
    };
    for dir in [NavDirection::Previous, NavDirection::Next] {
        let wanted = expect(dir);
        let name = match dir {
            NavDirection::Previous => "Previous",
            NavDirection::Next => "Next",
        };
        let href = relative_href(&doc.path, &wanted);
        match doc.navigation.iter().find(|n| n.direction == dir) {
            None => out.push(
                at(
                    "missing-navigation",
                    doc,
                    &doc.navigation[0].line_range,
                    format!("the navigation has no `{name}` link"),
                )
                .with_label("incomplete navigation")
                .with_help(format!("in pipeline order, {name} is `{href}`")),
            ),
            Some(n) => {
                if resolve(&doc.path, &n.dest).as_deref() != Some(wanted.as_str()) {
                    out.push(
                        at("missing-navigation", doc, &n.range, format!("`{name}` should link to `{href}` in pipeline order"))
                            .with_label(format!("links to `{}`", n.dest))
                            .with_help("the pipeline order is requirements → user stories → API spec → use cases → sequence diagrams, domains in index order"),
                    );
                }
            }
        }
    }
}

/// The relative link from the document at `from` to `to`.
fn relative_href(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

fn sections(doc: &Document, out: &mut Vec<Diagnostic>) {
    let numbered: Vec<_> = doc.sections.iter().filter(|s| s.number.is_some()).collect();
    let mut expected = 1u32;
    for s in &numbered {
        let n = s.number.as_deref().unwrap_or("");
        let top = n.split('.').next().and_then(|x| x.parse::<u32>().ok());
        if n.contains('.') || top != Some(expected) {
            out.push(
                at(
                    "section-numbering",
                    doc,
                    &s.heading_range,
                    format!("section `{n}. {}` should be number {expected}", s.title),
                )
                .with_label("out of sequence")
                .with_help("number the `##` sections 1, 2, 3, … and update the table of contents"),
            );
        }
        expected = top.map_or(expected + 1, |t| t.max(expected) + 1);
    }
    if doc.kind.step().is_some() {
        for s in doc
            .sections
            .iter()
            .filter(|s| s.number.is_none() && !s.title.eq_ignore_ascii_case("Table of Contents"))
        {
            out.push(
                at(
                    "section-numbering",
                    doc,
                    &s.heading_range,
                    format!("section `{}` is not numbered", s.title),
                )
                .with_label("unnumbered")
                .with_help("pipeline documents number their `##` sections: `## 3. Title`"),
            );
        }
    }
    if numbered.is_empty() {
        return;
    }
    let Some(toc) = &doc.toc else {
        out.push(
            at(
                "toc-mismatch",
                doc,
                &numbered[0].heading_range,
                "the document has numbered sections but no Table of Contents",
            )
            .with_label("first numbered section")
            .with_help("add `## Table of Contents` with a link to each numbered section"),
        );
        return;
    };
    let top: Vec<_> = toc.entries.iter().filter(|e| e.depth <= 1).collect();
    for (k, s) in numbered.iter().enumerate() {
        match top.get(k) {
            Some(e) if e.anchor() == Some(s.slug.as_str()) => {}
            Some(e) => {
                out.push(
                    at(
                        "toc-mismatch",
                        doc,
                        &e.range,
                        format!(
                            "entry {} of the Table of Contents should link to `#{}`",
                            k + 1,
                            s.slug
                        ),
                    )
                    .with_label(format!("links to `{}`", e.dest))
                    .with_help(format!(
                        "the section is `## {}. {}`",
                        s.number.as_deref().unwrap_or(""),
                        s.title
                    )),
                );
                return;
            }
            None => {
                out.push(
                    at(
                        "toc-mismatch",
                        doc,
                        &s.heading_range,
                        format!("the Table of Contents does not list `{}`", s.title),
                    )
                    .with_label("missing from the Table of Contents")
                    .with_help(format!(
                        "add `{}. [{}](#{})`",
                        k + 1,
                        s.title,
                        s.slug
                    )),
                );
                return;
            }
        }
    }
    for e in top.iter().skip(numbered.len()) {
        out.push(
            at(
                "toc-mismatch",
                doc,
                &e.range,
                format!(
                    "the Table of Contents lists `{}`, which is not a numbered section",
                    e.text
                ),
            )
            .with_label("no such section"),
        );
    }
}

fn diagrams(doc: &Document, out: &mut Vec<Diagnostic>) {
    let has = |k: MermaidKind| doc.diagrams(k).next().is_some();
    let needs: &[(MermaidKind, &str, &str)] = match doc.kind {
        DocKind::Requirements => &[(
            MermaidKind::C4,
            "a `C4Context` system-context diagram",
            "C4Context",
        )],
        DocKind::ApiSpec => &[(
            MermaidKind::Sequence,
            "an authentication-flow `sequenceDiagram`",
            "sequenceDiagram",
        )],
        DocKind::UseCases => &[
            (
                MermaidKind::Flowchart,
                "a use-case diagram (`graph TD` or `graph LR`)",
                "graph TD",
            ),
            (
                MermaidKind::Sequence,
                "main flows as `sequenceDiagram`s",
                "sequenceDiagram",
            ),
        ],
        DocKind::SequenceDiagram => &[(
            MermaidKind::Sequence,
            "at least one `sequenceDiagram`",
            "sequenceDiagram",
        )],
        _ => &[],
    };
    for (kind, what, keyword) in needs {
        if !has(*kind) {
            out.push(
                at(
                    "missing-diagram",
                    doc,
                    &doc.anchor_range(),
                    format!("the document needs {what}"),
                )
                .with_label("no such diagram in this document")
                .with_help(format!("add a ```mermaid block starting with `{keyword}`")),
            );
        }
    }
}

fn mermaid(doc: &Document, out: &mut Vec<Diagnostic>) {
    for m in &doc.mermaid {
        match m.kind {
            MermaidKind::Empty => out.push(
                at("invalid-mermaid", doc, &m.range, "the Mermaid block is empty")
                    .with_label("nothing to render"),
            ),
            MermaidKind::Unknown => out.push(
                at("invalid-mermaid", doc, &m.keyword_range, format!("`{}` is not a Mermaid diagram type", m.keyword))
                    .with_label("unknown diagram type")
                    .with_help("start with sequenceDiagram, C4Context, graph TD, flowchart LR, erDiagram, classDiagram or stateDiagram-v2"),
            ),
            _ => {}
        }
        let Some(seq) = &m.sequence else { continue };
        for b in &seq.blocks {
            if b.close.is_none() {
                out.push(
                    at(
                        "invalid-mermaid",
                        doc,
                        &b.open,
                        format!("`{}` block is never closed", b.keyword),
                    )
                    .with_label("opened here")
                    .with_help("close it with `end`"),
                );
            }
        }
        for x in &seq.misplaced {
            out.push(
                at(
                    "invalid-mermaid",
                    doc,
                    &x.range,
                    format!("`{}` outside any block", x.keyword),
                )
                .with_label("nothing to close here"),
            );
        }
        for p in &seq.participants {
            if let Some(first) = seq.uses.iter().find(|u| u.name == p.alias)
                && first.range.start < p.range.start
            {
                out.push(
                    at(
                        "invalid-mermaid",
                        doc,
                        &p.range,
                        format!("participant `{}` is declared after it is used", p.alias),
                    )
                    .with_label("declared here")
                    .with_note(format!(
                        "first used at line {}",
                        doc.span(&first.range).line
                    ))
                    .with_help("declare participants at the top of the diagram"),
                );
            }
            if !p.actor && !p.notation {
                out.push(
                    at("participant-notation", doc, &p.range, format!("participant `{}` is not written `FileName<br/>(Layer)`", p.alias))
                        .with_label("expected e.g. `participant H as auth_handler.rs<br/>(Presentation)`")
                        .with_help("name the file and its layer, or declare a person or outside system with `actor`"),
                );
            }
        }
    }
}

fn stories(doc: &Document, out: &mut Vec<Diagnostic>) {
    if doc.kind != DocKind::UserStories {
        return;
    }
    for s in &doc.stories {
        let complete = |sc: &&crate::spec::Scenario| {
            sc.has(StepKeyword::Given) && sc.has(StepKeyword::When) && sc.has(StepKeyword::Then)
        };
        let normal = s.scenarios.iter().filter(complete).any(|sc| !sc.error_case);
        let error = s.scenarios.iter().filter(complete).any(|sc| sc.error_case);
        let missing = match (normal, error) {
            (true, true) => continue,
            (false, false) => "no Given/When/Then acceptance criteria",
            (false, true) => "no Given/When/Then criteria for the normal case",
            (true, false) => "no Given/When/Then criteria for an error case",
        };
        out.push(
            at("missing-acceptance-criteria", doc, &s.range, format!("`{}` has {missing}", s.id))
                .with_label("this story")
                .with_help("add e.g. `- Given …, When …, Then …` for the normal case and for an error case (invalid input, not found, unauthorized)"),
        );
    }
}

fn use_cases(doc: &Document, out: &mut Vec<Diagnostic>) {
    if doc.kind != DocKind::UseCases {
        return;
    }
    for uc in &doc.use_cases {
        let missing: Vec<&str> = [
            ("a `curl` example", uc.curl.is_empty()),
            ("a JavaScript `fetch` example", uc.fetch.is_empty()),
        ]
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(w, _)| w)
        .collect();
        if !missing.is_empty() {
            out.push(
                at("missing-examples", doc, &uc.range, format!("`{}` lacks {}", uc.id, missing.join(" and ")))
                    .with_label("this use case")
                    .with_help("add test scenarios as fenced code blocks: a `curl …` command and a `fetch(…)` call"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hrefs() {
        assert_eq!(
            relative_href(
                "d/auth/requirements/requirements.md",
                "d/auth/requirements/user-stories.md"
            ),
            "user-stories.md"
        );
        assert_eq!(
            relative_href(
                "d/auth/requirements/api-spec.md",
                "d/auth/workflows/use-cases.md"
            ),
            "../workflows/use-cases.md"
        );
        assert_eq!(
            relative_href("d/auth/workflows/sequence-diagram.md", "d/README.md"),
            "../../README.md"
        );
        assert_eq!(
            resolve("d/auth/workflows/x.md", "../../README.md#top").as_deref(),
            Some("d/README.md")
        );
    }
}
