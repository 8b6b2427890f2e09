//! `unrouted-endpoint`, `undocumented-endpoint`,
//! `endpoint-requirement-mismatch`: the API spec against the real router.
//!
//! Paths are compared after normalisation (`:id`, `<id>` and `{id}` are the
//! same parameter). Undocumented endpoints are reported once the pipeline
//! has an API spec at all; unrouted ones only for HTTP endpoints, and with a
//! note when some routes could not be resolved statically.

use std::collections::{BTreeMap, BTreeSet};

use super::{Cx, at, diag};
use crate::diag::Diagnostic;
use crate::routes::{self, EndpointKind};
use crate::spec::DocKind;

use crate::routes::endpoint_key as key;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = cx.routes else { return };
    let served: BTreeMap<(String, String), Vec<&routes::Endpoint>> =
        set.endpoints.iter().fold(BTreeMap::new(), |mut m, e| {
            m.entry(key(&e.method, &e.path))
                .or_insert_with(Vec::new)
                .push(e);
            m
        });
    let served_any_method: BTreeSet<&str> = set
        .endpoints
        .iter()
        .filter(|e| e.method == "ANY")
        .map(|e| e.path.as_str())
        .collect();
    let documented: BTreeSet<(String, String)> = cx
        .spec
        .endpoints()
        .map(|(_, e)| key(&e.method, &e.path))
        .collect();
    let unresolved_note = (!set.unresolved.is_empty()).then(|| {
        format!(
            "{} route(s) could not be resolved statically; `cargo specplan routes` lists them",
            set.unresolved.len()
        )
    });

    for (doc, ep) in cx.spec.endpoints() {
        let k = key(&ep.method, &ep.path);
        match served.get(&k) {
            None if served_any_method.contains(k.1.as_str()) => {}
            None => {
                let same_path: Vec<&str> = served
                    .keys()
                    .filter(|(_, p)| *p == k.1)
                    .map(|(m, _)| m.as_str())
                    .collect();
                let mut d = at(
                    "unrouted-endpoint",
                    doc,
                    &ep.range,
                    format!("no router serves `{} {}`", k.0, k.1),
                )
                .with_label("documented here");
                d = if same_path.is_empty() {
                    d.with_help("route it, or correct the method and path (parameters as `{name}`)")
                } else {
                    d.with_help(format!(
                        "the router serves this path with {}",
                        same_path.join(", ")
                    ))
                };
                if let Some(n) = &unresolved_note {
                    d = d.with_note(n.clone());
                }
                out.push(d);
            }
            Some(handlers) => {
                let listed: BTreeSet<&str> = ep.ids.iter().map(String::as_str).collect();
                for h in handlers {
                    let missing: Vec<&str> = h
                        .implements
                        .iter()
                        .map(String::as_str)
                        .filter(|id| {
                            specplan_ids::Id::parse(id).is_ok_and(|i| {
                                matches!(i.kind(), specplan_ids::Kind::Fr | specplan_ids::Kind::Nfr)
                            })
                        })
                        .filter(|id| !listed.contains(id))
                        .collect();
                    if !missing.is_empty() {
                        out.push(
                            at(
                                "endpoint-requirement-mismatch",
                                doc,
                                &ep.range,
                                format!(
                                    "`{} {}` is handled by `{}`, which implements {} that this entry does not list",
                                    k.0,
                                    k.1,
                                    h.handler,
                                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                                ),
                            )
                            .with_label("endpoint entry")
                            .with_note(format!("the handler is routed at {}:{}", h.file, h.line))
                            .with_help("list the requirements in the endpoint's section, or correct the #[implements]"),
                        );
                    }
                }
            }
        }
    }

    if cx.spec.documents_of(DocKind::ApiSpec).next().is_none() {
        return;
    }
    for e in set
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Http && e.method != "ANY")
    {
        if documented.contains(&key(&e.method, &e.path)) {
            continue;
        }
        out.push(
            diag("undocumented-endpoint", format!("`{} {}` is served but no api-spec.md documents it", e.method, e.path))
                .in_file(e.file.clone())
                .at(crate::diag::Span::line_only(e.line, e.column.max(1)))
                .with_label(format!("routed to `{}`", e.handler))
                .with_help("add it to the API spec of its domain (`### METHOD /path` or a row of the endpoint catalog)"),
        );
    }
}
