//! `uncovered-requirement`, `story-without-use-case`,
//! `unimplemented-requirement`, `unverified-requirement`.
//!
//! Story and use-case coverage is reported once the domain's pipeline has
//! reached that step (its `user-stories.md` / `use-cases.md` exists): a
//! domain that is still at Step 1 has no stories yet by design.

use std::collections::BTreeSet;

use specplan_ids::Kind as IdKindTag;

use super::{Cx, at};
use crate::annotations::Kind;
use crate::diag::Diagnostic;
use crate::spec::DocKind;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let referenced_from = |kind: DocKind| -> BTreeSet<String> {
        cx.spec
            .references()
            .filter(|(d, _)| d.kind == kind)
            .map(|(_, r)| r.id.to_string())
            .collect()
    };
    let storied = referenced_from(DocKind::UserStories);
    let in_use_cases = referenced_from(DocKind::UseCases);
    let annotated = |kind: Kind| -> BTreeSet<&str> {
        cx.annotations
            .iter()
            .filter(|a| a.kind == kind)
            .flat_map(|a| a.ids.iter().map(|i| i.text.as_str()))
            .collect()
    };
    let implemented = annotated(Kind::Implements);
    let verified = annotated(Kind::Verifies);
    // Requirements whose documented endpoint the router serves: the
    // handler that serves it, for the help of `unimplemented-requirement`.
    let mut served: std::collections::BTreeMap<&str, (String, String)> = Default::default();
    if let Some(set) = cx.routes {
        let norm = crate::routes::endpoint_key;
        let handlers: std::collections::BTreeMap<(String, String), String> = set
            .endpoints
            .iter()
            .map(|e| {
                let h = format!("`{}` (routed at {}:{})", e.handler, e.file, e.line);
                (norm(&e.method, &e.path), h)
            })
            .collect();
        for (_, ep) in cx.spec.endpoints() {
            if let Some(h) = handlers.get(&norm(&ep.method, &ep.path)) {
                for id in &ep.ids {
                    served
                        .entry(id.as_str())
                        .or_insert_with(|| (format!("{} {}", ep.method, ep.path), h.clone()));
                }
            }
        }
    }
    let has_step = |domain: Option<&str>, kind: DocKind| {
        domain.is_some_and(|d| cx.spec.domain_document(d, kind).is_some())
    };

    for (doc, def) in cx.spec.definitions() {
        let id = def.id.to_string();
        match def.id.kind() {
            IdKindTag::Fr => {
                let domain = doc.domain.as_deref();
                if has_step(domain, DocKind::UserStories) && !storied.contains(&id) {
                    out.push(
                        at(
                            "uncovered-requirement",
                            doc,
                            &def.range,
                            format!("no user story covers `{id}`"),
                        )
                        .with_help(
                            "list it under a story's related requirements in user-stories.md",
                        ),
                    );
                }
                if !implemented.contains(id.as_str()) {
                    let d = at(
                        "unimplemented-requirement",
                        doc,
                        &def.range,
                        format!("no code implements `{id}`"),
                    );
                    out.push(match served.get(id.as_str()) {
                        // The code is there; the link is not.
                        Some((endpoint, handler)) => d
                            .with_help(format!("`{endpoint}`, which the documents link to `{id}`, is served by {handler}: `cargo specplan annotate` adds #[implements(\"{id}\")] to it")),
                        None => d.with_help(format!("annotate the handler or service that implements it: #[implements(\"{id}\")]")),
                    });
                }
                if !verified.contains(id.as_str()) {
                    out.push(
                        at(
                            "unverified-requirement",
                            doc,
                            &def.range,
                            format!("no test verifies `{id}`"),
                        )
                        .with_help(format!(
                            "annotate a test that checks it: #[verifies(\"{id}\")]"
                        )),
                    );
                }
            }
            IdKindTag::Us
                if has_step(doc.domain.as_deref(), DocKind::UseCases)
                    && !in_use_cases.contains(&id) =>
            {
                out.push(
                    at(
                        "story-without-use-case",
                        doc,
                        &def.range,
                        format!("no use case references `{id}`"),
                    )
                    .with_help("list the story in a use case's basic information table"),
                );
            }
            _ => {}
        }
    }
}

/// The FRs no code implements, in ID order (for the closing summary).
pub fn unimplemented(cx: &Cx<'_>) -> Vec<String> {
    let implemented: BTreeSet<&str> = cx
        .annotations
        .iter()
        .filter(|a| a.kind == Kind::Implements)
        .flat_map(|a| a.ids.iter().map(|i| i.text.as_str()))
        .collect();
    let mut ids: Vec<_> = cx
        .spec
        .definitions()
        .filter(|(_, d)| {
            d.id.kind() == IdKindTag::Fr && !implemented.contains(d.id.to_string().as_str())
        })
        .map(|(_, d)| d.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter().map(|i| i.to_string()).collect()
}
