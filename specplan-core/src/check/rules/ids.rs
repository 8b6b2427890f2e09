//! `malformed-id`, `duplicate-id`, `undefined-id`, `dangling-implements`.

use std::collections::BTreeSet;
use std::collections::HashSet;

use specplan_ids::Id;

use super::{Cx, at, diag};
use crate::diag::Diagnostic;
use crate::spec::RefSite;

/// "did you mean …?" and where an ID of this kind and prefix belongs.
pub fn help_for(cx: &Cx<'_>, id: &Id, defined: &BTreeSet<&Id>) -> String {
    let close = specplan_ids::closest(id, defined.iter().copied(), 3);
    let placement = match cx.config.domains.iter().find(|d| d.prefix() == id.domain()) {
        Some(d) => format!(
            "{} IDs of domain `{}` are defined in `{}/{}/{}`",
            id.kind().tag(),
            d.name,
            cx.spec.docs_root,
            d.name,
            id.kind().document().path_in_domain()
        ),
        None => format!(
            "no configured domain has the prefix `{}` (the domains are {})",
            id.domain(),
            if cx.config.domains.is_empty() {
                "not configured".to_string()
            } else {
                cx.config
                    .domains
                    .iter()
                    .map(|d| format!("`{}`", d.prefix()))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
    };
    if close.is_empty() {
        placement
    } else {
        format!(
            "did you mean {}? {placement}",
            close
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    }
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let by_id = cx.spec.definitions_by_id();
    let defined: BTreeSet<&Id> = by_id.keys().copied().collect();

    for (id, sites) in &by_id {
        let (first_doc, first) = sites[0];
        let first_line = first_doc.span(&first.range).line;
        for (doc, def) in &sites[1..] {
            out.push(
                at(
                    "duplicate-id",
                    doc,
                    &def.range,
                    format!("`{id}` is defined more than once"),
                )
                .with_label("defined again here")
                .with_note(format!("first defined at {}:{first_line}", first_doc.path))
                .with_help("give this one the next free number; IDs are never reused"),
            );
        }
    }

    for doc in &cx.spec.documents {
        for m in &doc.malformed_ids {
            if m.site == RefSite::Mermaid {
                continue;
            }
            let mut d =
                at("malformed-id", doc, &m.range, m.error.clone()).with_label("not a valid ID");
            if let Some(s) = &m.suggestion {
                d = d.with_help(format!("write `{s}`"));
            }
            out.push(d);
        }
    }

    // IDs the code's attributes name: where a generated region repeats one
    // that no document defines, `dangling-implements` already reports it at
    // the attribute (one diagnostic per root cause).
    let named_in_code: HashSet<String> = cx
        .annotations
        .iter()
        .flat_map(|a| a.ids.iter().map(|i| i.text.clone()))
        .collect();
    for (doc, r) in cx.spec.references() {
        if defined.contains(&r.id) {
            continue;
        }
        if named_in_code.contains(&r.id.to_string())
            && doc
                .regions
                .iter()
                .any(|g| g.inner.start <= r.range.start && r.range.end <= g.inner.end)
        {
            continue;
        }
        let mut d = at(
            "undefined-id",
            doc,
            &r.range,
            format!("`{}` is not defined", r.id),
        )
        .with_label("no document defines this ID")
        .with_help(help_for(cx, &r.id, &defined));
        if r.misplaced_definition {
            d = d.with_note(format!(
                "a heading here cannot define it: {} IDs are defined in `{}`",
                r.id.kind().tag(),
                r.id.kind().document().path_in_domain()
            ));
        }
        out.push(d);
    }

    for ann in cx.annotations {
        for e in &ann.arg_errors {
            out.push(
                diag(
                    "malformed-id",
                    format!("#[{}]: {}", ann.kind.as_str(), e.message),
                )
                .in_file(ann.file.clone())
                .at(e.span)
                .with_label("expected a string literal such as \"FR-AUTH-01\""),
            );
        }
        for idref in &ann.ids {
            match Id::parse(&idref.text) {
                Err(e) => {
                    let mut d = diag("malformed-id", e.to_string())
                        .in_file(ann.file.clone())
                        .at(idref.span)
                        .with_label("not a valid ID");
                    if let Some(s) = e.suggestion() {
                        d = d.with_help(format!("write `{s}`"));
                    }
                    out.push(d);
                }
                Ok(id) if !defined.contains(&id) => out.push(
                    diag(
                        "dangling-implements",
                        format!(
                            "`{id}` in #[{}] on `{}` is not defined in the documents",
                            ann.kind.as_str(),
                            ann.item.name
                        ),
                    )
                    .in_file(ann.file.clone())
                    .at(idref.span)
                    .with_label("no document defines this ID")
                    .with_help(help_for(cx, &id, &defined)),
                ),
                Ok(_) => {}
            }
        }
    }
}
