//! Deriving the plan from the workspace and its specs, deterministically:
//! the same workspace and arguments give the same bytes.
//!
//! - **Targets**: the requirements (FRs) no `#[implements]` names, or whose
//!   implementation is stale (its text changed since the code was confirmed
//!   against it in `specplan.lock`, or an endpoint the docs link to it is
//!   not routed); or the requirements named with `--requirement`.
//! - **Links**, per target: the user stories that reference it, the use cases
//!   that reference those, the API-spec endpoints that list any of them (and
//!   `METHOD /path` written in the requirement's own section), the NFRs
//!   referenced from any of them plus the domain's NFRs that reference no
//!   requirement (those hold domain-wide), and the sequence diagrams whose
//!   section references a linked ID or whose messages name a linked endpoint.
//! - **Files**: the diagrams' participants (`file.rs<br/>(Layer)`) and the
//!   section's related code; a file that exists is modified, one that does
//!   not is created (a bare name goes to its layer's folder); the router file
//!   where the closest routed sibling is registered is modified for every
//!   endpoint not routed yet; new tables get a migration.
//! - **Tasks**, per domain: migrations → models → services → handlers →
//!   tests, each present only when it has files, each followed by its
//!   critique.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use specplan_ids::Kind as IdKind;

use super::model::*;
use super::validate::{is_security_criterion, is_sensitive};
use crate::annotations::{Annotation, Kind as AnnKind};
use crate::config::{Config, PlanConfig};
use crate::detect::Stack;
use crate::routes::{self, Access, RouteSet};
use crate::scan::layout;
use crate::source::Files;
use crate::spec::{DocKind, Document, MermaidKind, Spec};
use crate::workspace::Workspace;

/// What the plan is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// Only these domains (all configured ones when empty).
    pub domains: Vec<String>,
    /// Only these requirements, implemented or not (every unimplemented FR
    /// of the domains when empty).
    pub requirements: Vec<String>,
    /// The user's request, in their words: the critiques' `original_prompt`.
    pub prompt: Option<String>,
}

/// Why no plan could be made: a usage error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no domain is named `{name}`; the domains are: {known}")]
    UnknownDomain { name: String, known: String },
    #[error("no document defines `{id}`{hint}")]
    UnknownRequirement { id: String, hint: String },
}

/// Everything the derivation reads, computed once by the caller.
pub struct Sources<'a> {
    pub ws: &'a Workspace,
    pub config: &'a Config,
    pub spec: &'a Spec,
    pub files: &'a Files,
    pub annotations: &'a [Annotation],
    pub routes: &'a RouteSet,
    pub stack: &'a Stack,
    pub layout: &'a layout::Architecture,
    /// Requirements whose code was confirmed against a text that has since
    /// changed (`specplan.lock`, see [`crate::trace::lock::stale_pairs`]):
    /// ID → the items.
    pub stale: &'a BTreeMap<String, Vec<String>>,
}

/// The seed's implementation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Step {
    Migrations,
    Models,
    Services,
    Handlers,
    Tests,
}

/// The four layers a participant can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LayerKind {
    Presentation,
    Application,
    Domain,
    Infrastructure,
}

impl LayerKind {
    fn from_text(text: &str) -> Option<LayerKind> {
        let t = text.to_ascii_lowercase();
        let has = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
        if has(&[
            "present",
            "handler",
            "controller",
            "http",
            "route",
            "web",
            "api",
        ]) {
            Some(LayerKind::Presentation)
        } else if has(&["applic", "service", "business", "use case", "usecase"]) {
            Some(LayerKind::Application)
        } else if has(&["domain", "model", "entit"]) {
            Some(LayerKind::Domain)
        } else if has(&[
            "infra",
            "persist",
            "data",
            "repositor",
            "storage",
            "store",
            "db",
            "cache",
        ]) {
            Some(LayerKind::Infrastructure)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            LayerKind::Presentation => "Presentation",
            LayerKind::Application => "Application",
            LayerKind::Domain => "Domain",
            LayerKind::Infrastructure => "Infrastructure",
        }
    }

    /// The folder when the workspace has none for the layer.
    fn default_folder(self) -> &'static str {
        match self {
            LayerKind::Presentation => "src/handlers/",
            LayerKind::Application => "src/services/",
            LayerKind::Domain => "src/models/",
            LayerKind::Infrastructure => "src/repositories/",
        }
    }

    fn step(self) -> Step {
        match self {
            LayerKind::Presentation => Step::Handlers,
            LayerKind::Application | LayerKind::Infrastructure => Step::Services,
            LayerKind::Domain => Step::Models,
        }
    }
}

/// A requirement the plan is for.
#[derive(Debug, Clone)]
struct Target {
    id: String,
    domain: String,
    title: String,
    /// Why an implemented requirement is planned again.
    stale: Option<String>,
}

/// An endpoint in scope.
#[derive(Debug, Clone)]
struct Ep {
    method: String,
    path: String,
    purpose: String,
    auth: bool,
    routed: Option<usize>,
}

impl Ep {
    fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What one domain's part of the plan holds.
#[derive(Debug, Default)]
struct Group {
    domain: String,
    targets: Vec<Target>,
    stories: Vec<String>,
    /// Given/When/Then lines of the linked stories.
    scenarios: Vec<(String, bool)>,
    nfrs: Vec<String>,
    endpoints: Vec<Ep>,
    /// path → (step, exists).
    files: BTreeMap<String, (Step, bool)>,
    models: Vec<DataModel>,
    new_tables: Vec<String>,
    actors: Vec<String>,
}

/// Method, path, title and the API-spec section of an endpoint in scope.
type DocumentedEndpoint<'a> = (
    String,
    String,
    String,
    Option<(&'a Document, std::ops::Range<usize>)>,
);

fn key_of(method: &str, path: &str) -> (String, String) {
    (method.to_ascii_uppercase(), routes::path_shape(path))
}

/// Builds the plan.
pub fn build(src: &Sources<'_>, req: &Request) -> Result<Plan, PlanError> {
    let settings = &src.config.plan;
    let domains = domains_in_scope(src, req)?;
    let (targets, served) = targets(src, req, &domains)?;
    let existing: HashSet<&str> = src.files.files.iter().map(|f| f.rel.as_str()).collect();
    let tables = existing_tables(src);

    let mut groups = Vec::new();
    for domain in &domains {
        let mine: Vec<Target> = targets
            .iter()
            .filter(|t| &t.domain == domain)
            .cloned()
            .collect();
        if mine.is_empty() {
            continue;
        }
        groups.push(group(src, domain, mine, &existing, &tables));
    }

    let all_targets: Vec<&Target> = groups.iter().flat_map(|g| &g.targets).collect();
    let prompt = req.prompt.clone().unwrap_or_else(|| {
        let ids: Vec<&str> = all_targets.iter().map(|t| t.id.as_str()).collect();
        if req.requirements.is_empty() {
            format!(
                "Implement the requirements no code implements yet: {}",
                ids.join(", ")
            )
        } else {
            format!("Implement {}", ids.join(", "))
        }
    });

    let mut tasks: Vec<Task> = Vec::new();
    for g in &groups {
        emit_tasks(src, settings, g, &prompt, &existing, &mut tasks);
    }

    let mut endpoints: Vec<EndpointPlan> = Vec::new();
    let mut data_models: Vec<DataModel> = Vec::new();
    let mut services: Vec<String> = Vec::new();
    for g in &groups {
        for e in &g.endpoints {
            endpoints.push(EndpointPlan {
                method: e.method.clone(),
                path: e.path.clone(),
                purpose: e.purpose.clone(),
                auth: if e.auth { "required" } else { "public" }.to_string(),
            });
        }
        for m in &g.models {
            if !data_models.iter().any(|d| d.name == m.name) {
                data_models.push(m.clone());
            }
        }
        for (path, (step, exists)) in &g.files {
            if *step == Step::Services
                && layer_of(src, path) != Some(LayerKind::Infrastructure)
                && path.ends_with(".rs")
            {
                let ids: Vec<&str> = g.targets.iter().map(|t| t.id.as_str()).collect();
                let line = format!(
                    "{} - {} {} ({path})",
                    service_name(src, path),
                    if *exists { "extended for" } else { "new, for" },
                    ids.join(", ")
                );
                if !services.contains(&line) {
                    services.push(line);
                }
            }
        }
    }
    let integrations = integrations(src, &groups);
    let mut summary = summary(src, req, &groups);
    if !served.is_empty() {
        summary = summary.replace(
            "every requirement in scope is implemented; nothing to plan",
            "no requirement in scope needs new code",
        );
        summary.push_str(&format!(
            "; {} already served by existing handlers without #[implements] ({}): `cargo specplan annotate` links them",
            served.len(),
            served.join(", ")
        ));
    }
    Ok(Plan {
        status: if tasks.is_empty() {
            STATUS_UP_TO_DATE
        } else {
            STATUS_PLANNED
        }
        .to_string(),
        category: "backend".to_string(),
        architecture: Architecture {
            summary,
            endpoints,
            data_models,
            services,
            external_integrations: integrations,
        },
        tasks,
    })
}

fn domains_in_scope(src: &Sources<'_>, req: &Request) -> Result<Vec<String>, PlanError> {
    let mut known: Vec<String> = src.config.domains.iter().map(|d| d.name.clone()).collect();
    let mut from_docs: Vec<String> = src
        .spec
        .documents
        .iter()
        .filter_map(|d| d.domain.clone())
        .filter(|d| !known.contains(d))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    known.append(&mut from_docs);
    if req.domains.is_empty() {
        return Ok(known);
    }
    for d in &req.domains {
        if !known.contains(d) {
            return Err(PlanError::UnknownDomain {
                name: d.clone(),
                known: if known.is_empty() {
                    "(none: run `cargo specplan init`)".to_string()
                } else {
                    known.join(", ")
                },
            });
        }
    }
    Ok(known
        .into_iter()
        .filter(|d| req.domains.contains(d))
        .collect())
}

fn implemented_ids(src: &Sources<'_>) -> BTreeSet<String> {
    src.annotations
        .iter()
        .filter(|a| a.kind == AnnKind::Implements)
        .flat_map(|a| a.ids.iter().map(|i| i.text.clone()))
        .collect()
}

/// The requirements to plan, and those the code already serves without
/// `#[implements]` (their own words name endpoints that are all routed:
/// the handlers exist, they are linked with `cargo specplan annotate`, not
/// written again).
fn targets(
    src: &Sources<'_>,
    req: &Request,
    domains: &[String],
) -> Result<(Vec<Target>, Vec<String>), PlanError> {
    let implemented = implemented_ids(src);
    let served: BTreeSet<(String, String)> = src
        .routes
        .endpoints
        .iter()
        .map(|e| key_of(&e.method, &e.path))
        .collect();
    let defs = src.spec.definitions_by_id();
    let mut out = Vec::new();
    if !req.requirements.is_empty() {
        for id in &req.requirements {
            let found = defs.iter().find(|(k, _)| k.to_string() == *id);
            let Some((_, list)) = found else {
                let known: Vec<String> = defs
                    .keys()
                    .filter(|k| matches!(k.kind(), IdKind::Fr | IdKind::Nfr))
                    .map(|k| k.to_string())
                    .collect();
                let mut close: Vec<(usize, &String)> = known
                    .iter()
                    .map(|k| (strsim::levenshtein(id, k), k))
                    .filter(|(d, _)| *d <= 3)
                    .collect();
                close.sort();
                let hint = match close.first() {
                    Some((_, k)) => format!("; did you mean `{k}`?"),
                    None => String::new(),
                };
                return Err(PlanError::UnknownRequirement {
                    id: id.clone(),
                    hint,
                });
            };
            let (doc, def) = list[0];
            let domain = doc.domain.clone().unwrap_or_default();
            if !req.domains.is_empty() && !domains.contains(&domain) {
                continue;
            }
            out.push(Target {
                id: id.clone(),
                domain,
                title: def.title.clone(),
                stale: None,
            });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        return Ok((out, Vec::new()));
    }
    let mut served_unannotated: Vec<String> = Vec::new();
    for (id, list) in &defs {
        if id.kind() != IdKind::Fr {
            continue;
        }
        let (doc, def) = list[0];
        let Some(domain) = doc.domain.clone() else {
            continue;
        };
        if !domains.contains(&domain) {
            continue;
        }
        let text = id.to_string();
        let stale = if let Some(items) = src.stale.get(&text) {
            Some(format!(
                "its text changed since {} was confirmed against it",
                items.join(", ")
            ))
        } else if implemented.contains(&text) {
            let unrouted: Vec<String> = linked_endpoint_keys(src.spec, &domain, &text)
                .into_iter()
                .filter(|(m, p)| !served.contains(&key_of(m, p)))
                .map(|(m, p)| format!("{m} {p}"))
                .collect();
            if unrouted.is_empty() {
                continue;
            }
            Some(format!(
                "implemented, but {} not routed",
                if unrouted.len() == 1 {
                    format!("`{}` is", unrouted[0])
                } else {
                    format!("`{}` are", unrouted.join("`, `"))
                }
            ))
        } else {
            let named: Vec<String> = src
                .spec
                .domain_document(&domain, DocKind::Requirements)
                .and_then(|d| crate::pipeline::proposed_from(d).remove(&text))
                .unwrap_or_default();
            let all_served = !named.is_empty()
                && named.iter().all(|k| {
                    k.split_once(' ')
                        .is_some_and(|(m, p)| served.contains(&key_of(m, p)))
                });
            if all_served {
                served_unannotated.push(text);
                continue;
            }
            None
        };
        out.push(Target {
            id: text,
            domain,
            title: def.title.clone(),
            stale,
        });
    }
    Ok((out, served_unannotated))
}

/// The endpoints the docs link to a requirement: API-spec entries that list
/// it and `METHOD /path` written in its own section.
fn linked_endpoint_keys(spec: &Spec, domain: &str, id: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(api) = spec.domain_document(domain, DocKind::ApiSpec) {
        for e in &api.endpoints {
            if e.ids.iter().any(|i| i == id) {
                out.push((e.method.clone(), e.path.clone()));
            }
        }
    }
    if let Some(req) = spec.domain_document(domain, DocKind::Requirements) {
        for r in &req.endpoint_refs {
            if r.within.as_deref() == Some(id) {
                out.push((r.method.clone(), r.path.clone()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn group(
    src: &Sources<'_>,
    domain: &str,
    targets: Vec<Target>,
    existing: &HashSet<&str>,
    tables: &BTreeMap<String, String>,
) -> Group {
    let spec = src.spec;
    let mut g = Group {
        domain: domain.to_string(),
        ..Group::default()
    };
    let target_ids: BTreeSet<String> = targets.iter().map(|t| t.id.clone()).collect();

    // Stories and their scenarios.
    let mut linked: BTreeSet<String> = target_ids.clone();
    if let Some(us) = spec.domain_document(domain, DocKind::UserStories) {
        for story in &us.stories {
            let sid = story.id.to_string();
            let refs = us.references.iter().any(|r| {
                target_ids.contains(&r.id.to_string()) && r.within.as_deref() == Some(&sid)
            });
            if refs {
                g.stories.push(sid.clone());
                for sc in &story.scenarios {
                    let line = sc
                        .steps
                        .iter()
                        .map(|s| format!("{:?} {}", s.keyword, s.text.trim().trim_end_matches('.')))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let line = format!("{sid}: {line}");
                    if !g.scenarios.iter().any(|(l, _)| *l == line) {
                        g.scenarios.push((line, sc.error_case));
                    }
                }
            }
        }
    }
    linked.extend(g.stories.iter().cloned());
    if let Some(uc) = spec.domain_document(domain, DocKind::UseCases) {
        for r in &uc.references {
            if linked.contains(&r.id.to_string())
                && let Some(w) = &r.within
                && w.starts_with("UC-")
            {
                linked.insert(w.clone());
            }
        }
    }

    // Endpoints.
    let served: BTreeMap<(String, String), usize> = src
        .routes
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| (key_of(&e.method, &e.path), i))
        .collect();
    let mut keys: Vec<DocumentedEndpoint<'_>> = Vec::new();
    if let Some(api) = spec.domain_document(domain, DocKind::ApiSpec) {
        for e in &api.endpoints {
            if e.ids.iter().any(|i| linked.contains(i)) {
                keys.push((
                    e.method.clone(),
                    e.path.clone(),
                    e.title.clone(),
                    Some((api, e.section.clone())),
                ));
            }
        }
    }
    for t in &targets {
        for (m, p) in linked_endpoint_keys(spec, domain, &t.id) {
            if !keys
                .iter()
                .any(|(km, kp, _, _)| key_of(km, kp) == key_of(&m, &p))
            {
                keys.push((m, p, t.title.clone(), None));
            }
        }
    }
    keys.sort_by(|a, b| (routes::path_shape(&a.1), &a.0).cmp(&(routes::path_shape(&b.1), &b.0)));
    for (method, path, title, section) in keys {
        let routed = served.get(&key_of(&method, &path)).copied();
        let purpose = if title.is_empty() {
            targets
                .iter()
                .find(|t| {
                    linked_endpoint_keys(spec, domain, &t.id)
                        .contains(&(method.clone(), path.clone()))
                })
                .map(|t| t.title.clone())
                .unwrap_or_default()
        } else {
            title
        };
        let auth = endpoint_auth(src, &path, routed, section);
        g.endpoints.push(Ep {
            method,
            path,
            purpose,
            auth,
            routed,
        });
    }
    let endpoint_keys: BTreeSet<(String, String)> = g
        .endpoints
        .iter()
        .map(|e| key_of(&e.method, &e.path))
        .collect();

    // NFRs: referenced from a linked definition or endpoint, or domain-wide.
    if let Some(rq) = spec.domain_document(domain, DocKind::Requirements) {
        let nfrs: Vec<&crate::spec::Definition> = rq
            .definitions
            .iter()
            .filter(|d| d.id.kind() == IdKind::Nfr)
            .collect();
        let owners: BTreeSet<String> = linked
            .iter()
            .cloned()
            .chain(g.endpoints.iter().map(Ep::key))
            .collect();
        for nfr in nfrs {
            let id = nfr.id.to_string();
            let refs: Vec<(&Document, &crate::spec::Reference)> = spec
                .references()
                .filter(|(_, r)| r.id.to_string() == id)
                .collect();
            let anchored: Vec<&str> = refs
                .iter()
                .filter_map(|(_, r)| r.within.as_deref())
                .collect();
            let applies = anchored.is_empty() || anchored.iter().any(|w| owners.contains(*w));
            if applies {
                let line = if nfr.title.is_empty() {
                    id.clone()
                } else {
                    format!("{id}: {}", nfr.title)
                };
                g.nfrs.push(line);
            }
        }
    }

    // Files from the sequence diagrams.
    if let Some(sd) = spec.domain_document(domain, DocKind::SequenceDiagram) {
        for block in sd.diagrams(MermaidKind::Sequence) {
            let Some(seq) = &block.sequence else { continue };
            let section = sd
                .headings
                .iter()
                .filter(|h| h.section.contains(&block.range.start))
                .min_by_key(|h| h.section.end - h.section.start)
                .map_or(0..sd.text.len(), |h| h.section.clone());
            let by_id = sd
                .references
                .iter()
                .any(|r| section.contains(&r.range.start) && linked.contains(&r.id.to_string()));
            let by_endpoint = seq
                .messages
                .iter()
                .any(|m| message_endpoint(&m.text).is_some_and(|k| endpoint_keys.contains(&k)));
            if !by_id && !by_endpoint {
                continue;
            }
            for p in &seq.participants {
                if p.actor || p.file.is_empty() {
                    if p.actor {
                        let name = p.label.clone().unwrap_or_else(|| p.alias.clone());
                        if !is_person(&name) && !g.actors.contains(&name) {
                            g.actors.push(name);
                        }
                    }
                    continue;
                }
                if !looks_like_file(&p.file) {
                    continue;
                }
                let layer = p.layer.as_deref().and_then(LayerKind::from_text);
                let path = resolve_file(src, existing, &p.file, layer);
                let step = step_of(src, &path, layer);
                let exists = existing.contains(path.as_str());
                g.files.entry(path).or_insert((step, exists));
            }
            for rc in &sd.related_code {
                if !section.contains(&rc.range.start) {
                    continue;
                }
                let path = rc.path.clone();
                let step = step_of(src, &path, None);
                let exists = existing.contains(path.as_str());
                g.files.entry(path).or_insert((step, exists));
            }
        }
    }

    // The router file of every endpoint not routed yet.
    for e in g.endpoints.iter().filter(|e| e.routed.is_none()) {
        if let Some(file) = router_file(src, &e.path) {
            let exists = existing.contains(file.as_str());
            g.files.insert(file, (Step::Handlers, exists));
        }
    }

    // Fallback: the domain's own files in each layer the code has.
    let has = |g: &Group, s: Step| g.files.values().any(|(st, _)| *st == s);
    if !has(&g, Step::Handlers)
        && !g.endpoints.is_empty()
        && let Some(f) = domain_file(src, existing, domain, LayerKind::Presentation)
    {
        g.files.insert(f.0, (Step::Handlers, f.1));
    }
    if !has(&g, Step::Services)
        && let Some(f) = domain_file(src, existing, domain, LayerKind::Application)
    {
        g.files.insert(f.0, (Step::Services, f.1));
    }
    if g.files.is_empty() {
        let f = domain_file(src, existing, domain, LayerKind::Presentation).unwrap_or_else(|| {
            let path = format!("src/{}.rs", snake(domain));
            let exists = existing.contains(path.as_str());
            (path, exists)
        });
        g.files.insert(f.0, (Step::Handlers, f.1));
    }

    // Data models: the domain's erDiagram entities and the real types of
    // the routed endpoints.
    for doc in spec
        .documents
        .iter()
        .filter(|d| d.domain.as_deref() == Some(domain))
    {
        for block in doc.diagrams(MermaidKind::Er) {
            for (entity, fields) in er_entities(&block.text) {
                let base = snake(&entity);
                let table = tables
                    .keys()
                    .find(|t| **t == base || **t == plural(&base))
                    .cloned()
                    .unwrap_or_else(|| plural(&base));
                let is_new = !tables.contains_key(&table);
                let name = pascal(&singular(&base));
                if g.models.iter().any(|m| m.name == name) {
                    continue;
                }
                g.models.push(DataModel {
                    name,
                    purpose: format!(
                        "{} of the {domain} domain ({}, erDiagram in {})",
                        if is_new { "New entity" } else { "Entity" },
                        if is_new {
                            "new table"
                        } else {
                            "existing table"
                        },
                        doc.path
                    ),
                    table: Some(table.clone()),
                    key_fields: fields,
                });
                if is_new && !g.new_tables.contains(&table) {
                    g.new_tables.push(table);
                }
            }
        }
    }
    for e in &g.endpoints {
        let Some(i) = e.routed else { continue };
        let r = &src.routes.endpoints[i];
        for (what, tr) in [("Request body", &r.request), ("Response body", &r.response)] {
            let Some(tr) = tr else { continue };
            // Only the workspace's own types: `String` or `Vec<u8>` model
            // nothing.
            if tr.rust.is_empty() || tr.kind != "json" || tr.schema.get("$ref").is_none() {
                continue;
            }
            let name = tr.rust.clone();
            if g.models.iter().any(|m| m.name == name) {
                continue;
            }
            let schema = match tr.schema.get("$ref").and_then(|v| v.as_str()) {
                Some(r) => src
                    .routes
                    .schemas
                    .get(r.trim_start_matches("#/schemas/"))
                    .cloned()
                    .unwrap_or_default(),
                None => tr.schema.clone(),
            };
            let fields: Vec<String> = schema
                .get("properties")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            let stem = name
                .trim_end_matches("Request")
                .trim_end_matches("Response")
                .trim_end_matches("Input")
                .trim_end_matches("Page");
            let base = snake(stem);
            let table = tables
                .keys()
                .find(|t| **t == base || **t == plural(&base))
                .cloned();
            g.models.push(DataModel {
                name,
                purpose: format!("{what} of `{}`", e.key()),
                table,
                key_fields: fields,
            });
        }
    }
    if !g.new_tables.is_empty() {
        if let Some(m) = migration_file(src, &g.new_tables) {
            g.files.insert(m, (Step::Migrations, false));
        }
        // A new table needs its model.
        for t in g.new_tables.clone() {
            let name = snake(&singular(&t));
            if !g
                .files
                .iter()
                .any(|(p, (s, _))| *s == Step::Models && file_stem(p) == name)
            {
                let folder = layer_folder(src, LayerKind::Domain);
                let path = format!("{folder}{name}.rs");
                let exists = existing.contains(path.as_str());
                g.files.insert(path, (Step::Models, exists));
            }
        }
    }
    g.targets = targets;
    g
}

fn emit_tasks(
    src: &Sources<'_>,
    settings: &PlanConfig,
    g: &Group,
    prompt: &str,
    existing: &HashSet<&str>,
    tasks: &mut Vec<Task>,
) {
    let ids: Vec<&str> = g.targets.iter().map(|t| t.id.as_str()).collect();
    let ids_text = ids.join(", ");
    let sensitive = g
        .endpoints
        .iter()
        .any(|e| e.auth || is_sensitive(&format!("{} {}", e.path, e.purpose)))
        || g.targets.iter().any(|t| is_sensitive(&t.title));
    let requirement_lines: Vec<String> = g
        .targets
        .iter()
        .map(|t| {
            let mut s = t.id.clone();
            if !t.title.is_empty() {
                s.push_str(&format!(" ({})", t.title));
            }
            if let Some(why) = &t.stale {
                s.push_str(&format!(" [{why}]"));
            }
            s
        })
        .collect();
    let security_line =
        "No secret (password, token, key) is stored in plain text, logged or returned";
    let mut built: Vec<String> = Vec::new();
    let mut previous_critique: Option<u32> = None;

    for step in [
        Step::Migrations,
        Step::Models,
        Step::Services,
        Step::Handlers,
        Step::Tests,
    ] {
        let (create, modify): (Vec<String>, Vec<String>) = {
            let mine: Vec<(&String, bool)> = g
                .files
                .iter()
                .filter(|(_, (s, _))| *s == step)
                .map(|(p, (_, e))| (p, *e))
                .collect();
            (
                mine.iter()
                    .filter(|(_, e)| !e)
                    .map(|(p, _)| (*p).clone())
                    .collect(),
                mine.iter()
                    .filter(|(_, e)| *e)
                    .map(|(p, _)| (*p).clone())
                    .collect(),
            )
        };
        if step != Step::Tests && create.is_empty() && modify.is_empty() {
            continue;
        }
        if step == Step::Tests && built.is_empty() {
            continue;
        }
        let order = tasks.len() as u32 + 1;
        let mut crit = Criteria::default();
        let mut inputs = Inputs::default();
        let endpoint_list = g
            .endpoints
            .iter()
            .map(Ep::key)
            .collect::<Vec<_>>()
            .join(", ");
        let ((verb, noun), description, skill, timeout) = match step {
            Step::Migrations => {
                crit.critical
                    .push("The migration applies cleanly to the current schema".into());
                for t in &g.new_tables {
                    let fields = g
                        .models
                        .iter()
                        .find(|m| m.table.as_deref() == Some(t.as_str()))
                        .map(|m| m.key_fields.join(", "))
                        .unwrap_or_default();
                    crit.critical.push(if fields.is_empty() {
                        format!("Creates the table `{t}`")
                    } else {
                        format!("Creates the table `{t}` with {fields}")
                    });
                }
                crit.expected
                    .push("Constraints and indexes back the rules the requirements state".into());
                crit.nice_to_have
                    .push("A down migration, or a note that the change is irreversible".into());
                (
                    ("Create", "migrations"),
                    format!(
                        "Add the database migrations for the tables {}",
                        g.new_tables.join(", ")
                    ),
                    &settings.implementation_skill,
                    settings.implementation_timeout_seconds,
                )
            }
            Step::Models => {
                for m in g.models.iter().filter(|m| m.table.is_some()) {
                    crit.critical.push(format!(
                        "`{}` maps the table `{}` ({})",
                        m.name,
                        m.table.as_deref().unwrap_or_default(),
                        m.key_fields.join(", ")
                    ));
                }
                crit.critical
                    .push("The models compile and (de)serialize as the API spec shows".into());
                crit.expected.extend(g.nfrs.iter().cloned());
                (
                    ("Implement", "models"),
                    "Add or extend the domain models and their validation".to_string(),
                    &settings.implementation_skill,
                    settings.implementation_timeout_seconds,
                )
            }
            Step::Services => {
                crit.critical
                    .extend(requirement_lines.iter().map(|r| format!("Implements {r}")));
                crit.critical
                    .extend(g.scenarios.iter().map(|(s, _)| s.clone()));
                crit.expected.extend(g.nfrs.iter().cloned());
                crit.nice_to_have.push(format!(
                    "Service functions carry #[implements(\"…\")] for {ids_text}"
                ));
                (
                    ("Implement", "services"),
                    "Implement the business rules in the service layer (and the data access it needs)".to_string(),
                    &settings.implementation_skill,
                    settings.implementation_timeout_seconds,
                )
            }
            Step::Handlers => {
                for e in &g.endpoints {
                    crit.critical.push(format!(
                        "`{}` is routed and answers as the API spec documents",
                        e.key()
                    ));
                    if e.auth {
                        crit.critical.push(format!(
                            "`{}` answers 401 Unauthorized without a valid bearer token (auth enforced)",
                            e.key()
                        ));
                    } else if is_sensitive(&format!("{} {}", e.path, e.purpose)) {
                        crit.critical.push(format!(
                            "`{}` is public: it validates its input and reveals no secret and no internal detail (security)",
                            e.key()
                        ));
                    }
                }
                crit.critical
                    .extend(g.scenarios.iter().map(|(s, _)| s.clone()));
                crit.expected.extend(g.nfrs.iter().cloned());
                crit.expected
                    .push("Invalid input answers 4xx with a JSON error body".into());
                crit.nice_to_have.push(format!(
                    "Handlers carry #[implements(\"…\")] for {ids_text}, and `cargo specplan check` reports no new finding"
                ));
                (
                    ("Implement", "handlers"),
                    if endpoint_list.is_empty() {
                        "Add the handlers and register their routes".to_string()
                    } else {
                        format!("Add the handlers for {endpoint_list} and register their routes")
                    },
                    &settings.implementation_skill,
                    settings.implementation_timeout_seconds,
                )
            }
            Step::Tests => {
                crit.critical.push("`cargo test` passes".into());
                crit.critical.push(format!(
                    "Every requirement of {ids_text} has a test annotated #[verifies(\"…\")]"
                ));
                for (s, err) in &g.scenarios {
                    if *err {
                        crit.expected.push(format!("Error case tested: {s}"));
                    } else {
                        crit.critical.push(format!("Tested: {s}"));
                    }
                }
                for e in g.endpoints.iter().filter(|e| e.auth) {
                    crit.expected.push(format!(
                        "Auth enforced on `{}`: a request without a valid token is tested",
                        e.key()
                    ));
                }
                (
                    ("Write", "tests"),
                    "Unit and integration tests of the acceptance criteria".to_string(),
                    &settings.testing_skill,
                    settings.testing_timeout_seconds,
                )
            }
        };
        if sensitive
            && step != Step::Tests
            && !crit
                .critical
                .iter()
                .chain(&crit.expected)
                .any(|c| is_security_criterion(c))
        {
            crit.expected.push(security_line.into());
        }
        if sensitive
            && step == Step::Tests
            && !crit
                .critical
                .iter()
                .chain(&crit.expected)
                .any(|c| is_security_criterion(c))
        {
            crit.expected
                .push("Security: auth and input validation failures are tested".into());
        }
        let mut req_text = String::new();
        if let Some(p) = &requirement_prompt(prompt) {
            req_text.push_str(p);
        }
        req_text.push_str(&requirement_lines.join("; "));
        if step == Step::Handlers && !endpoint_list.is_empty() {
            req_text.push_str(&format!("; endpoints: {endpoint_list}"));
        }
        if !g.stories.is_empty() {
            req_text.push_str(&format!("; user stories: {}", g.stories.join(", ")));
        }
        inputs.requirements = Some(req_text);
        if step == Step::Tests {
            let mut to_test: Vec<String> = built
                .iter()
                .filter(|p| p.ends_with(".rs"))
                .cloned()
                .collect();
            to_test.sort();
            to_test.dedup();
            if to_test.is_empty() {
                to_test = built.clone();
            }
            inputs.files_to_test = Some(to_test);
            inputs.test_types = Some(if g.endpoints.is_empty() {
                vec!["unit".into()]
            } else {
                vec!["unit".into(), "integration".into()]
            });
            inputs.patterns_to_follow = test_pattern(src, existing);
        } else {
            built.extend(create.iter().cloned());
            built.extend(modify.iter().cloned());
            inputs.files_to_create = Some(create.clone());
            inputs.files_to_modify = Some(modify.clone());
            inputs.patterns_to_follow = pattern(src, step, &create, &modify, existing);
        }
        let what = format!("the {} {noun} for {ids_text}", g.domain);
        let task = Task {
            task_name: format!("{verb} {what}"),
            description,
            skill_id: skill.clone(),
            task_order: order,
            dependencies: previous_critique.into_iter().collect(),
            inputs,
            validation_criteria: crit,
            timeout_seconds: timeout,
        };
        let critique_criteria = Criteria {
            critical: {
                let mut c =
                    vec!["Returns a structured verdict with actionable feedback".to_string()];
                if sensitive {
                    c.push("Security issues identified".into());
                }
                c
            },
            expected: Vec::new(),
            nice_to_have: Vec::new(),
        };
        let critique = Task {
            task_name: format!("QA: Validate {what}"),
            description: format!(
                "Review the work of task {order} against the requirements and its validation criteria"
            ),
            skill_id: settings.critique_skill.clone(),
            task_order: order + 1,
            dependencies: vec![order],
            inputs: Inputs {
                original_prompt: Some(prompt.to_string()),
                preceding_task: Some(PrecedingTask::of(&task)),
                validation_criteria: Some(task.validation_criteria.clone()),
                ..Inputs::default()
            },
            validation_criteria: critique_criteria,
            timeout_seconds: settings.critique_timeout_seconds,
        };
        previous_critique = Some(order + 1);
        tasks.push(task);
        tasks.push(critique);
    }
}

/// The prompt, when the user gave one, as the head of `requirements`.
fn requirement_prompt(prompt: &str) -> Option<String> {
    (!prompt.starts_with("Implement ")).then(|| format!("{prompt}: "))
}

/// Whether a routed or documented endpoint requires authentication: what
/// the code decides for a routed one (its extractors and middleware,
/// [`crate::routes::Auth`]); else what its document section says; else
/// what the code decides for its closest routed sibling. Where the code
/// does not say, the endpoint is planned as protected.
fn endpoint_auth(
    src: &Sources<'_>,
    path: &str,
    routed: Option<usize>,
    section: Option<(&Document, std::ops::Range<usize>)>,
) -> bool {
    let code_says = |i: usize| match src.routes.endpoints[i].auth.access {
        Access::Required => Some(true),
        Access::Optional | Access::Public => Some(false),
        Access::Unknown => None,
    };
    if let Some(decided) = routed.and_then(code_says) {
        return decided;
    }
    if let Some((doc, range)) = section {
        let text = doc.text[range].to_ascii_lowercase();
        let public = [
            "auth: public",
            "auth:** public",
            "authentication: none",
            "authentication:** none",
            "authentication | none",
            "auth: none",
            "auth:** none",
            "no authentication",
            "public endpoint",
        ];
        if public.iter().any(|p| text.contains(p)) {
            return false;
        }
        let required = [
            "authorization: bearer",
            "auth: required",
            "auth:** required",
            "authentication: required",
            "authentication:** required",
            "requires authentication",
            "bearer token",
            "authenticated",
        ];
        if required.iter().any(|p| text.contains(p)) {
            return true;
        }
    }
    if routed.is_some() {
        return true;
    }
    closest_route(src, path).is_some_and(|i| code_says(i).unwrap_or(true))
}

/// The routed endpoint whose path shares the most leading segments with
/// `path` (at least one), first in route order on a tie.
fn closest_route(src: &Sources<'_>, path: &str) -> Option<usize> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, e) in src.routes.endpoints.iter().enumerate() {
        if e.kind != routes::EndpointKind::Http {
            continue;
        }
        let common = e
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .zip(&segs)
            .take_while(|(a, b)| a == *b)
            .count();
        if common > 0 && best.is_none_or(|(c, _)| common > c) {
            best = Some((common, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Where the routes closest to `path` are registered.
fn router_file(src: &Sources<'_>, path: &str) -> Option<String> {
    if let Some(i) = closest_route(src, path) {
        return Some(src.routes.endpoints[i].file.clone());
    }
    src.layout
        .layers
        .iter()
        .flat_map(|l| &l.paths)
        .find(|p| p.ends_with("routes.rs") || p.ends_with("router.rs"))
        .cloned()
}

/// `POST /api/x` in a message's text.
fn message_endpoint(text: &str) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|w| {
        let m = w[0].trim_matches(|c: char| !c.is_ascii_alphabetic());
        (crate::spec::METHODS.contains(&m) && w[1].starts_with('/'))
            .then(|| key_of(m, w[1].trim_end_matches([',', '.', ';', ')'])))
    })
}

fn is_person(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "user", "client", "customer", "shopper", "visitor", "browser", "frontend", "admin",
        "person", "member", "buyer", "app", "owner", "guest", "caller",
    ]
    .iter()
    .any(|w| n.contains(w))
}

fn looks_like_file(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|f| f.contains('.') && !f.contains(' '))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn file_stem(path: &str) -> &str {
    let f = file_name(path);
    f.split('.').next().unwrap_or(f)
}

fn layer_folder(src: &Sources<'_>, kind: LayerKind) -> String {
    src.layout
        .layers
        .iter()
        .filter(|l| l.name == kind.name())
        .flat_map(|l| &l.paths)
        .find(|p| p.ends_with('/') && *p != "./")
        .cloned()
        .unwrap_or_else(|| kind.default_folder().to_string())
}

fn layer_of(src: &Sources<'_>, path: &str) -> Option<LayerKind> {
    src.layout
        .layer_for(path)
        .and_then(|l| LayerKind::from_text(&l.name))
}

fn resolve_file(
    src: &Sources<'_>,
    existing: &HashSet<&str>,
    name: &str,
    layer: Option<LayerKind>,
) -> String {
    let name = name.trim_start_matches("./");
    if name.contains('/') {
        return name.to_string();
    }
    let mut matches: Vec<&str> = existing
        .iter()
        .copied()
        .filter(|p| file_name(p) == name)
        .collect();
    matches.sort();
    if let Some(kind) = layer {
        let folder = layer_folder(src, kind);
        if let Some(m) = matches.iter().find(|p| p.starts_with(folder.as_str())) {
            return (*m).to_string();
        }
    }
    if let Some(m) = matches.first() {
        return (*m).to_string();
    }
    if name.ends_with(".sql") {
        let dir = src
            .stack
            .migrations
            .first()
            .map_or("migrations".to_string(), |m| m.path.clone());
        return format!("{dir}/{name}");
    }
    let kind = layer.or_else(|| LayerKind::from_text(file_stem(name)));
    match kind {
        Some(k) => format!("{}{name}", layer_folder(src, k)),
        None => format!("src/{name}"),
    }
}

fn step_of(src: &Sources<'_>, path: &str, layer: Option<LayerKind>) -> Step {
    if path.ends_with(".sql") {
        return Step::Migrations;
    }
    if let Some(k) = layer.or_else(|| layer_of(src, path)) {
        return k.step();
    }
    LayerKind::from_text(file_stem(path)).map_or(Step::Services, LayerKind::step)
}

/// The domain's file in a layer: an existing one whose name starts with the
/// domain's stem (`orders` → `order_service.rs`), else none.
fn domain_file(
    src: &Sources<'_>,
    existing: &HashSet<&str>,
    domain: &str,
    kind: LayerKind,
) -> Option<(String, bool)> {
    let has_layer = src.layout.layers.iter().any(|l| l.name == kind.name());
    if !has_layer {
        return None;
    }
    let folder = layer_folder(src, kind);
    let stem = singular(&snake(domain));
    let mut found: Vec<&str> = existing
        .iter()
        .copied()
        .filter(|p| {
            p.starts_with(folder.as_str())
                && p.ends_with(".rs")
                && !p[folder.len()..].contains('/')
                && (file_stem(p) == stem
                    || file_stem(p).starts_with(&format!("{stem}_"))
                    || file_stem(p) == snake(domain))
        })
        .collect();
    found.sort();
    found.first().map(|p| (p.to_string(), true))
}

/// An existing file of the same layer to imitate.
fn pattern(
    src: &Sources<'_>,
    step: Step,
    create: &[String],
    modify: &[String],
    existing: &HashSet<&str>,
) -> Option<String> {
    let all: Vec<&String> = create.iter().chain(modify).collect();
    if step == Step::Migrations {
        let dir = all
            .first()
            .map(|p| p.rsplit_once('/').map_or("", |(d, _)| d))?;
        let mut sql: Vec<&str> = existing
            .iter()
            .copied()
            .filter(|p| p.starts_with(dir) && p.ends_with(".sql") && !create.iter().any(|c| c == p))
            .collect();
        sql.sort();
        return sql
            .last()
            .map(|p| format!("Follow the existing migrations, e.g. {p}"));
    }
    let annotated: BTreeSet<&str> = src.annotations.iter().map(|a| a.file.as_str()).collect();
    for path in &all {
        let Some(layer) = src.layout.layer_for(path) else {
            continue;
        };
        let mut same: Vec<&str> = existing
            .iter()
            .copied()
            .filter(|p| {
                p.ends_with(".rs")
                    && !p.ends_with("mod.rs")
                    && src
                        .layout
                        .layer_for(p)
                        .is_some_and(|l| l.name == layer.name)
                    && !create.iter().any(|c| c == p)
            })
            .collect();
        same.sort_by_key(|p| (!annotated.contains(p), !modify.iter().any(|m| m == p), *p));
        if let Some(p) = same.first() {
            return Some(format!("Follow {p} ({} layer: {})", layer.name, layer.role));
        }
    }
    modify
        .first()
        .map(|p| format!("Follow the conventions of {p}"))
}

fn test_pattern(src: &Sources<'_>, existing: &HashSet<&str>) -> Option<String> {
    let mut verifying: Vec<&str> = src
        .annotations
        .iter()
        .filter(|a| a.kind == AnnKind::Verifies)
        .map(|a| a.file.as_str())
        .collect();
    verifying.sort();
    if let Some(f) = verifying.first() {
        return Some(format!("Follow the #[verifies] tests in {f}"));
    }
    let mut tests: Vec<&str> = existing
        .iter()
        .copied()
        .filter(|p| p.starts_with("tests/") && p.ends_with(".rs"))
        .collect();
    tests.sort();
    tests.first().map(|f| format!("Follow the tests in {f}"))
}

/// `AuthService` from the file's `struct …Service`, else from its name.
fn service_name(src: &Sources<'_>, path: &str) -> String {
    let text = src
        .ws
        .jail
        .read_to_string(std::path::Path::new(path), crate::source::MAX_FILE_BYTES)
        .unwrap_or_default();
    for line in text.lines() {
        let l = line
            .trim_start()
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ");
        if let Some(rest) = l.strip_prefix("struct ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.ends_with("Service") {
                return name;
            }
        }
    }
    pascal(file_stem(path))
}

/// Tables the migrations create: name → migration file.
fn existing_tables(src: &Sources<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in &src.files.files {
        if !f.rel.ends_with(".sql")
            || !src
                .stack
                .migrations
                .iter()
                .any(|m| f.rel.starts_with(&m.path))
        {
            continue;
        }
        let Ok(text) = crate::source::read_text(f) else {
            continue;
        };
        let lower = text.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(i) = rest.find("create table") {
            rest = &rest[i + "create table".len()..];
            let mut t = rest.trim_start();
            if let Some(r) = t.strip_prefix("if not exists") {
                t = r.trim_start();
            }
            let name: String = t
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '`'))
                .collect();
            let name = name
                .rsplit('.')
                .next()
                .unwrap_or("")
                .trim_matches(['"', '`'])
                .to_string();
            if !name.is_empty() {
                out.entry(name).or_insert_with(|| f.rel.clone());
            }
        }
    }
    out
}

/// `migrations/<next version>_create_<tables>.sql`, numbered after the
/// existing migrations of the first migrations directory.
fn migration_file(src: &Sources<'_>, tables: &[String]) -> Option<String> {
    let m = src.stack.migrations.first();
    let dir = m.map_or("migrations".to_string(), |m| m.path.clone());
    let tool = m.map_or("sqlx", |m| m.tool.as_str());
    let mut max: Option<(u128, usize)> = None;
    for f in &src.files.files {
        let Some(rest) = f.rel.strip_prefix(&format!("{dir}/")) else {
            continue;
        };
        let first = rest.split('/').next().unwrap_or(rest);
        let digits: String = first
            .trim_start_matches(['V', 'v', 'm'])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse::<u128>()
            && max.is_none_or(|(x, _)| n > x)
        {
            max = Some((n, digits.len()));
        }
    }
    let (next, width) = max.map_or((1, 4), |(n, w)| (n + 1, w));
    let name = format!("create_{}", tables.join("_and_"));
    Some(match tool {
        "diesel" => format!("{dir}/{next:0width$}_{name}/up.sql"),
        "refinery" => format!("{dir}/V{next}__{name}.sql"),
        _ => format!("{dir}/{next:0width$}_{name}.sql"),
    })
}

/// `ENTITY { type name PK "comment" … }` blocks of an erDiagram: the
/// entity's name and its attributes' names.
fn er_entities(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some((name, fields)) = &mut current {
            if l.starts_with('}') {
                out.push((std::mem::take(name), std::mem::take(fields)));
                current = None;
            } else {
                let mut words = l.split_whitespace();
                if let (Some(_ty), Some(field)) = (words.next(), words.next()) {
                    fields.push(field.to_string());
                }
            }
            continue;
        }
        if let Some(head) = l.strip_suffix('{') {
            let name = head.trim().split('[').next().unwrap_or("").trim();
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                current = Some((name.to_string(), Vec::new()));
            }
        }
    }
    out
}

/// External systems: the SDKs in the stack (payment, mail, object storage,
/// queues, identity providers) and the actors of the linked diagrams that
/// are not people.
fn integrations(src: &Sources<'_>, groups: &[Group]) -> Vec<String> {
    const PAYMENT: &[(&str, &str)] = &[
        ("async-stripe", "Stripe API"),
        ("stripe-rust", "Stripe API"),
        ("stripe", "Stripe API"),
        ("paypal-rs", "PayPal API"),
        ("braintree", "Braintree API"),
        ("mollie-api", "Mollie API"),
        ("adyen", "Adyen API"),
    ];
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let mut deps: Vec<&str> = src
        .ws
        .packages
        .iter()
        .flat_map(|p| p.runtime_dependencies().map(|d| d.name.as_str()))
        .collect();
    deps.sort();
    deps.dedup();
    for d in &deps {
        if let Some((_, name)) = PAYMENT.iter().find(|(c, _)| c == d) {
            push(format!("{name} ({d})"));
        }
    }
    for o in &src.stack.other {
        match o.category.as_str() {
            "email" => push(format!("Email delivery via SMTP ({})", o.name)),
            "object-storage" => push(format!("Object storage ({})", o.name)),
            _ => {}
        }
    }
    for m in &src.stack.messaging {
        push(format!("Message broker: {} ({})", m.broker, m.name));
    }
    for a in &src.stack.auth {
        if matches!(a.purpose.as_str(), "oauth" | "oidc") {
            push(format!("Identity provider via {} ({})", a.purpose, a.name));
        }
    }
    for g in groups {
        for a in &g.actors {
            push(a.clone());
        }
    }
    out
}

fn summary(src: &Sources<'_>, req: &Request, groups: &[Group]) -> String {
    let targets: Vec<String> = groups
        .iter()
        .flat_map(|g| &g.targets)
        .map(|t| {
            if t.title.is_empty() {
                t.id.clone()
            } else {
                format!("{} {}", t.id, t.title)
            }
        })
        .collect();
    let stack = {
        let mut parts: Vec<String> = src
            .stack
            .frameworks
            .iter()
            .map(|f| f.name.clone())
            .collect();
        parts.extend(src.stack.orms.iter().map(|o| o.name.clone()));
        let mut dbs: Vec<String> = src.stack.databases.iter().map(|d| d.name.clone()).collect();
        dbs.dedup();
        parts.extend(dbs);
        parts.dedup();
        parts
    };
    let mut s = String::new();
    if let Some(p) = &req.prompt {
        s.push_str(p.trim_end_matches('.'));
        s.push_str(": ");
    }
    if targets.is_empty() {
        s.push_str("every requirement in scope is implemented; nothing to plan");
    } else {
        let domains: Vec<&str> = groups.iter().map(|g| g.domain.as_str()).collect();
        s.push_str(&format!(
            "{} requirement{} of {} ({})",
            targets.len(),
            if targets.len() == 1 { "" } else { "s" },
            domains.join(", "),
            targets.join("; ")
        ));
    }
    if !stack.is_empty() {
        s.push_str(&format!("; built on {}", stack.join(", ")));
    }
    if src.layout.pattern != "unknown" {
        let title = src.layout.title().to_lowercase();
        if title.ends_with("architecture") {
            s.push_str(&format!(", {title}"));
        } else {
            s.push_str(&format!(", {title} architecture"));
        }
    }
    s
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            if prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else if *c == '-' || *c == ' ' {
            out.push('_');
        } else {
            out.push(*c);
        }
    }
    out
}

fn pascal(s: &str) -> String {
    s.split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect()
}

fn singular(s: &str) -> String {
    if let Some(stem) = s.strip_suffix("ies") {
        format!("{stem}y")
    } else if s.ends_with("sses")
        || s.ends_with("ches")
        || s.ends_with("shes")
        || s.ends_with("xes")
    {
        s[..s.len() - 2].to_string()
    } else if s.ends_with('s') && !s.ends_with("ss") {
        s[..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

fn plural(s: &str) -> String {
    if s.ends_with('s') && !s.ends_with("ss") {
        s.to_string()
    } else if s.ends_with("ss") || s.ends_with('x') || s.ends_with("ch") || s.ends_with("sh") {
        format!("{s}es")
    } else if s.ends_with('y') && !s.ends_with("ay") && !s.ends_with("ey") && !s.ends_with("oy") {
        format!("{}ies", &s[..s.len() - 1])
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("PasswordReset"), "password_reset");
        assert_eq!(snake("PASSWORD_RESET"), "password_reset");
        assert_eq!(pascal("password_reset"), "PasswordReset");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("orders"), "order");
        assert_eq!(singular("address"), "address");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("order"), "orders");
        assert_eq!(plural("password_reset"), "password_resets");
    }

    #[test]
    fn er_entities_and_messages() {
        let er = "erDiagram\n    USER ||--o{ PASSWORD_RESET : requests\n    PASSWORD_RESET {\n        uuid id PK\n        uuid user_id FK\n        string token_hash UK \"sha-256\"\n    }\n";
        assert_eq!(
            er_entities(er),
            vec![(
                "PASSWORD_RESET".to_string(),
                vec!["id".to_string(), "user_id".into(), "token_hash".into()]
            )]
        );
        assert_eq!(
            message_endpoint("POST /api/notes/{id}, with a body"),
            Some(("POST".into(), routes::path_shape("/api/notes/{x}")))
        );
        assert_eq!(message_endpoint("create(text)"), None);
    }
}
