//! The backend consultant (04): the endpoints and services the feature is
//! about, their contracts from the real types, where new endpoints go, and
//! the conventions the code already follows.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Feature, Report, Snapshot, cell, code};
use crate::routes::{Access, Endpoint, EndpointKind, TypeRef};

/// The extractors and middleware that authenticate some endpoint, with the
/// place that makes each one authenticate.
pub(super) fn auth_mechanisms(snap: &Snapshot<'_>) -> BTreeMap<String, (String, usize)> {
    let mut out = BTreeMap::new();
    for e in &snap.routes.endpoints {
        if let (Some(by), Some(ev)) = (&e.auth.by, e.auth.evidence.first())
            && !ev.file.is_empty()
        {
            out.entry(by.clone())
                .or_insert_with(|| (ev.file.clone(), ev.line));
        }
    }
    out
}

/// The extractor or middleware an endpoint requires, if any (routes
/// reads it: [`crate::routes::Auth`]).
pub(super) fn endpoint_auth(e: &Endpoint) -> Option<String> {
    e.auth.required().then(|| e.auth.by.clone()).flatten()
}

/// An endpoint's authentication for a table cell.
fn auth_cell(e: &Endpoint) -> String {
    let by = e.auth.by.as_deref().map(code).unwrap_or_default();
    match e.auth.access {
        Access::Required => by,
        Access::Optional => format!("optional {by}"),
        Access::Public => "none".to_string(),
        Access::Unknown => "TODO: not known from the code".to_string(),
    }
}

/// `/api/v1`: the path up to a `v<N>` segment, when most endpoints share it.
pub(super) fn version_prefix(endpoints: &[&Endpoint]) -> Option<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in endpoints {
        let segs: Vec<&str> = e.path.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(i) = segs.iter().position(|s| {
            s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())
        }) {
            *counts
                .entry(format!("/{}", segs[..=i].join("/")))
                .or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(p, n)| (*n, std::cmp::Reverse(p.clone())))
}

/// The domain segment of a path: the first after the version prefix.
pub(super) fn path_domain(path: &str, prefix: Option<&str>) -> Option<String> {
    let rest = match prefix {
        Some(p) if path.starts_with(p) => &path[p.len()..],
        _ => path,
    };
    rest.split('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .map(String::from)
}

/// The fields of a schema as `name: type` (`?` when optional), resolving
/// one `$ref`.
pub(super) fn fields(schemas: &BTreeMap<String, Value>, schema: &Value) -> Vec<String> {
    let resolved = resolve(schemas, schema);
    let Some(props) = resolved.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: BTreeSet<&str> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    props
        .iter()
        .map(|(k, v)| {
            let opt = if required.contains(k.as_str()) {
                ""
            } else {
                "?"
            };
            format!("{k}{opt}: {}", type_name(v))
        })
        .collect()
}

pub(super) fn property_names(schemas: &BTreeMap<String, Value>, schema: &Value) -> Vec<String> {
    resolve(schemas, schema)
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'a>(schemas: &'a BTreeMap<String, Value>, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .and_then(|n| schemas.get(n))
        .unwrap_or(schema)
}

fn type_name(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(any) = v.get("anyOf").and_then(Value::as_array) {
        return any.iter().map(type_name).collect::<Vec<_>>().join(" | ");
    }
    match v.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!("{}[]", v.get("items").map_or("any".into(), type_name))
        }
        Some(Value::String(t)) => match v.get("format").and_then(Value::as_str) {
            Some(f) if t == "string" => format!("string({f})"),
            _ => t.clone(),
        },
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".into(),
    }
}

fn type_ref(schemas: &BTreeMap<String, Value>, t: &Option<TypeRef>) -> String {
    match t {
        None => "—".into(),
        Some(t) if t.rust.is_empty() => t.kind.clone(),
        Some(t) => {
            let f = fields(schemas, &t.schema);
            if f.is_empty() {
                format!("{} {}", t.kind, code(&t.rust))
            } else {
                format!("{} {} {{ {} }}", t.kind, code(&t.rust), cell(&f.join(", ")))
            }
        }
    }
}

/// `{mount}/{slug}`, or `{parent}/{slug}` when the mount point is itself
/// named after the feature (`/password` → `/password-reset`).
fn suggested_path(mount: &str, feature: &Feature) -> String {
    let last = mount.rsplit('/').next().unwrap_or("");
    let base = if !last.is_empty() && feature.matches(last).is_some() {
        &mount[..mount.len() - last.len() - 1]
    } else {
        mount
    };
    format!("{base}/{}", feature.slug)
}

pub(super) fn consult(snap: &Snapshot<'_>, feature: &Feature) -> Report {
    let schemas = &snap.routes.schemas;
    let http: Vec<&Endpoint> = snap
        .routes
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Http)
        .collect();
    let all: Vec<&Endpoint> = snap.routes.endpoints.iter().collect();
    let prefix = version_prefix(&http);
    let prefix_path = prefix.as_ref().map(|(p, _)| p.as_str());

    // Related by name: the path, the handler, or a field of its types.
    let mut by_name: BTreeMap<usize, String> = BTreeMap::new();
    for (i, e) in all.iter().enumerate() {
        let handler_tail = e.handler.rsplit("::").next().unwrap_or(&e.handler);
        if let Some(k) = feature.matches(&e.path) {
            by_name.insert(i, format!("path mentions `{k}`"));
        } else if let Some(k) = feature.matches(handler_tail) {
            by_name.insert(i, format!("handler mentions `{k}`"));
        } else {
            for (what, t) in [("request", &e.request), ("query", &e.query)] {
                let Some(t) = t else { continue };
                if let Some((prop, k)) = property_names(schemas, &t.schema)
                    .into_iter()
                    .find_map(|p| feature.matches(&p).map(|k| (p.clone(), k.to_string())))
                {
                    by_name.insert(i, format!("{what} field `{prop}` mentions `{k}`"));
                    break;
                }
            }
        }
    }
    // Related by domain: the domains of those endpoints, and the configured
    // domains whose code mentions the feature.
    let mut domains: BTreeSet<String> = by_name
        .keys()
        .filter_map(|&i| path_domain(&all[i].path, prefix_path))
        .filter(|d| snap.domains.contains(d))
        .collect();
    let mut domain_evidence: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &snap.domains {
        let in_domain = |file: &str| file.split('/').any(|seg| seg.contains(d.as_str()));
        let mut ev: Vec<String> = snap
            .facts
            .fns
            .iter()
            .filter(|f| !f.test && in_domain(&f.file) && feature.matches(&f.name).is_some())
            .map(|f| match &f.owner {
                Some(o) => format!("{o}::{}", f.name),
                None => f.name.clone(),
            })
            .collect();
        ev.sort();
        ev.dedup();
        if !ev.is_empty() {
            domains.insert(d.clone());
            domain_evidence.insert(d.clone(), ev);
        }
    }
    let mut related: Vec<Value> = Vec::new();
    let mut related_idx: Vec<usize> = Vec::new();
    for (i, e) in all.iter().enumerate() {
        let d = path_domain(&e.path, prefix_path);
        let why = match (by_name.get(&i), &d) {
            (Some(w), _) => format!("by name: {w}"),
            (None, Some(d)) if domains.contains(d) => format!("by domain: `{d}`"),
            _ => continue,
        };
        related_idx.push(i);
        let handler_at = e.handler_location.as_ref().map_or_else(
            || snap.link(&e.file, e.line),
            |l| snap.link(&l.file, l.line),
        );
        related.push(json!({
            "id": format!("{} {}", e.method, e.path),
            "method": e.method,
            "path": e.path,
            "handler": e.handler.rsplit("::").next().unwrap_or(&e.handler),
            "handler_at": handler_at,
            "route_at": snap.link(&e.file, e.line),
            "why": cell(&why),
            "auth": auth_cell(e),
            "params": e.params.iter().map(|p| format!("{}: {}", p.name, p.rust.clone().unwrap_or_else(|| "string".into()))).collect::<Vec<_>>().join(", "),
            "query": type_ref(schemas, &e.query),
            "request": type_ref(schemas, &e.request),
            "response": type_ref(schemas, &e.response),
            "implements": e.implements.join(", "),
        }));
    }

    // Services: impl blocks of types named like services, stores or
    // repositories, in a related domain or named after the feature.
    // (type, file) → its methods: (name, line, named after the feature).
    type Methods = Vec<(String, usize, bool)>;
    let mut services: BTreeMap<(String, String), Methods> = BTreeMap::new();
    for f in snap.facts.fns.iter().filter(|f| !f.test && f.public) {
        let Some(owner) = &f.owner else { continue };
        let is_service = [
            "Service",
            "Store",
            "Repository",
            "Repo",
            "Manager",
            "Client",
        ]
        .iter()
        .any(|s| owner.ends_with(s));
        if !is_service {
            continue;
        }
        let relevant = domains
            .iter()
            .any(|d| owner.to_lowercase().contains(d.as_str()) || f.file.contains(d.as_str()))
            || feature.matches(owner).is_some()
            || feature.matches(&f.name).is_some();
        if relevant {
            services
                .entry((owner.clone(), f.file.clone()))
                .or_default()
                .push((f.name.clone(), f.line, feature.matches(&f.name).is_some()));
        }
    }
    let free_fns: Vec<Value> = snap
        .facts
        .fns
        .iter()
        .filter(|f| !f.test && f.owner.is_none() && feature.matches(&f.name).is_some())
        .map(|f| json!({"name": f.name, "at": snap.link(&f.file, f.line)}))
        .collect();
    let services: Vec<Value> = services
        .into_iter()
        .map(|((owner, file), methods)| {
            let line = snap
                .facts
                .structs
                .iter()
                .find(|s| s.name == owner && s.file == file)
                .map_or(methods.first().map_or(0, |m| m.1), |s| s.line);
            json!({
                "name": owner,
                "at": snap.link(&file, line),
                "methods": methods.iter().map(|(n, _, hit)| if *hit { format!("**{n}**") } else { n.clone() }).collect::<Vec<_>>().join(", "),
            })
        })
        .collect();

    // Conventions.
    let mut conventions: Vec<Value> = Vec::new();
    let errors: Vec<&super::facts::ImplFact> = snap
        .facts
        .impls
        .iter()
        .filter(|i| {
            !i.test
                && matches!(
                    i.trait_name.as_str(),
                    "IntoResponse" | "ResponseError" | "Responder" | "ResponseErr"
                )
                && i.self_ty.contains("Error")
        })
        .collect();
    conventions.push(json!({
        "what": "Error type",
        "convention": match errors.first() {
            Some(e) => format!("{} ({} impl) renders every handler error", code(&e.self_ty), e.trait_name),
            None => "no error type implementing `IntoResponse`/`ResponseError` found".into(),
        },
        "evidence": errors.first().map_or(String::new(), |e| snap.link(&e.file, e.line)),
    }));
    let mut pagination: Vec<String> = Vec::new();
    let mut pagination_at = String::new();
    for e in &http {
        let Some(q) = &e.query else { continue };
        let props = property_names(schemas, &q.schema);
        let paging: Vec<&String> = props
            .iter()
            .filter(|p| {
                matches!(
                    p.as_str(),
                    "page"
                        | "per_page"
                        | "perPage"
                        | "page_size"
                        | "pageSize"
                        | "limit"
                        | "offset"
                        | "cursor"
                        | "after"
                        | "before"
                )
            })
            .collect();
        if !paging.is_empty() {
            let envelope = e
                .response
                .as_ref()
                .map(|r| {
                    format!(
                        " → {} {{ {} }}",
                        code(&r.rust),
                        property_names(schemas, &r.schema).join(", ")
                    )
                })
                .unwrap_or_default();
            pagination.push(format!(
                "{} {} `?{}`{envelope}",
                e.method,
                e.path,
                paging
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join("&")
            ));
            if pagination_at.is_empty() {
                pagination_at = snap.link(&e.file, e.line);
            }
        }
    }
    conventions.push(json!({
        "what": "Pagination",
        "convention": if pagination.is_empty() { "no paginated endpoint found".to_string() } else { cell(&pagination.join("; ")) },
        "evidence": pagination_at,
    }));
    conventions.push(json!({
        "what": "Versioning prefix",
        "convention": match &prefix {
            Some((p, n)) => format!("{} ({n} of {} HTTP endpoints)", code(p), http.len()),
            None => "no version prefix (`/v1`) in the paths".into(),
        },
        "evidence": "",
    }));
    let mut auth_use: BTreeMap<String, usize> = BTreeMap::new();
    let mut auth_at: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for e in &http {
        if let Some(a) = endpoint_auth(e) {
            if let Some(ev) = e.auth.evidence.first().filter(|ev| !ev.file.is_empty()) {
                auth_at
                    .entry(a.clone())
                    .or_insert((ev.file.clone(), ev.line));
            }
            *auth_use.entry(a).or_default() += 1;
        }
    }
    let main_auth = auth_use
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(a, n)| (a.clone(), *n));
    conventions.push(json!({
        "what": "Authentication",
        "convention": match &main_auth {
            Some((a, n)) => format!("{} on {n} of {} HTTP endpoints", code(a), http.len()),
            None => "no authenticating extractor or middleware on any HTTP endpoint".into(),
        },
        "evidence": main_auth.as_ref().and_then(|(a, _)| auth_at.get(a)).map_or(String::new(), |(f, l)| snap.link(f, *l)),
    }));
    let mut casing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in &http {
        for t in [&e.request, &e.response, &e.query].into_iter().flatten() {
            if let Some(s) = snap.facts.struct_named(&t.rust) {
                let c = s
                    .attr_value("serde", "rename_all")
                    .unwrap_or_else(|| "snake_case field names".into());
                let v = casing.entry(c).or_default();
                if !v.contains(&s.name) {
                    v.push(s.name.clone());
                }
            }
        }
    }
    let main_casing = casing.iter().max_by_key(|(_, v)| v.len());
    conventions.push(json!({
        "what": "JSON field names",
        "convention": match main_casing {
            Some((c, v)) => format!("{c} ({} of {} request/response types)", v.len(), casing.values().map(Vec::len).sum::<usize>()),
            None => "no request or response type of the workspace".into(),
        },
        "evidence": "",
    }));

    // Placement: the router of the related domain with most endpoints.
    let mut by_file: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for &i in &related_idx {
        let e = all[i];
        if e.kind != EndpointKind::Http {
            continue;
        }
        let d = path_domain(&e.path, prefix_path);
        *by_file.entry((e.file.clone(), d)).or_default() += 1;
    }
    let placement = by_file
        .iter()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone())))
        .map(|((file, domain), _)| {
            let first = related_idx
                .iter()
                .map(|&i| all[i])
                .find(|e| &e.file == file)
                .map_or(0, |e| e.line);
            let router = snap
                .facts
                .fns
                .iter()
                .filter(|f| &f.file == file && f.line <= first)
                .max_by_key(|f| f.line);
            let mount = match (prefix_path, domain) {
                (Some(p), Some(d)) => format!("{p}/{d}"),
                (None, Some(d)) => format!("/{d}"),
                (Some(p), None) => p.to_string(),
                (None, None) => String::new(),
            };
            json!({
                "file": file,
                "router": router.map(|f| f.name.clone()),
                "at": snap.link(file, router.map_or(first, |f| f.line)),
                "mount": mount,
                "suggested": suggested_path(&mount, feature),
            })
        });

    let n = related.len();
    let key = {
        let mut s = format!(
            "{n} existing endpoint{} related to {}",
            if n == 1 { "" } else { "s" },
            feature.name
        );
        if !domains.is_empty() {
            s.push_str(&format!(
                " (domain {})",
                domains.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some(p) = &placement {
            s.push_str(&format!(
                "; new routes belong in `{}{}` under `{}`",
                p["file"].as_str().unwrap_or(""),
                p["router"]
                    .as_str()
                    .map_or(String::new(), |r| format!("::{r}")),
                p["mount"].as_str().unwrap_or("")
            ));
        }
        s.push('.');
        let mut follow: Vec<String> = Vec::new();
        if let Some((a, _)) = &main_auth {
            follow.push(format!("take `{a}`"));
        }
        if let Some(e) = errors.first() {
            follow.push(format!("return `{}`", e.self_ty));
        }
        if let Some((c, _)) = main_casing
            && !c.starts_with("snake_case")
        {
            follow.push(format!("use {c} JSON"));
        }
        if !follow.is_empty() {
            s.push_str(&format!(
                " Match the existing conventions: {}.",
                follow.join(", ")
            ));
        }
        s
    };
    let mut summary: Vec<String> = Vec::new();
    for r in &related {
        summary.push(format!(
            "`{}` — request {}, response {}, auth {}",
            r["id"].as_str().unwrap_or(""),
            r["request"].as_str().unwrap_or("—"),
            r["response"].as_str().unwrap_or("—"),
            r["auth"].as_str().unwrap_or("none")
        ));
    }
    if let Some(p) = &placement {
        summary.push(format!(
            "New endpoints: under `{}`, declared in {} (suggested starting point `{}`)",
            p["mount"].as_str().unwrap_or(""),
            p["at"].as_str().unwrap_or(""),
            p["suggested"].as_str().unwrap_or("")
        ));
    }
    Report {
        context: json!({
            "keywords": feature.keywords,
            "endpoint_count": all.len(),
            "related": related,
            "domains": domains.iter().cloned().collect::<Vec<_>>(),
            "domain_evidence": domain_evidence.iter().map(|(d, ev)| json!({"domain": d, "evidence": ev.iter().map(|e| code(e)).collect::<Vec<_>>().join(", ")})).collect::<Vec<_>>(),
            "services": services,
            "free_fns": free_fns,
            "conventions": conventions,
            "placement": placement,
            "unresolved": snap.routes.unresolved.len(),
        }),
        key_decisions: key,
        summary,
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_domains() {
        assert_eq!(
            path_domain("/api/v1/auth/login", Some("/api/v1")).as_deref(),
            Some("auth")
        );
        assert_eq!(
            path_domain("/health", Some("/api/v1")).as_deref(),
            Some("health")
        );
    }
}
