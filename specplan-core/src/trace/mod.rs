//! `cargo specplan trace`: the traceability matrix FR/NFR → user stories →
//! use cases → endpoints → code → tests, with coverage.
//!
//! [`build`] turns the spec model, the code scan and the routes into a
//! [`Matrix`]; [`markdown`], [`json`](Matrix::to_json) and [`html`] render it;
//! [`region`](markdown::region) is what `trace --write` puts in the
//! `traceability` region of each `requirements.md`; [`lock`] records the text
//! each implementation was confirmed against, so `check` can say which code
//! to re-read when a requirement changes (`stale-implementation`).
//!
//! How links are found (SPEC.md §3.2):
//! - a **story** covers a requirement when the requirement is referenced in
//!   the story's section, or on the same line as the story's ID (a row of a
//!   story–requirement table);
//! - a **use case** belongs to a requirement when it references the
//!   requirement or one of its stories, the same way;
//! - an **endpoint** belongs to a requirement when its `api-spec.md` entry
//!   lists the requirement, or its handler carries `#[implements]` naming it;
//! - **code** is every `#[implements]` naming it, **tests** every
//!   `#[verifies]`.
//!
//! Coverage counts functional requirements (SPEC.md §3.2: the coverage rules
//! apply to FRs); NFRs are in the matrix with their links, not in the
//! percentages.

pub mod html;
pub mod lock;
pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use specplan_ids::{Id, Kind as IdKindTag};

use crate::annotations::{Annotation, Kind as AnnKind};
use crate::routes::RouteSet;
use crate::spec::{DocKind, Document, IdKind, Spec};

/// The version of the JSON shape; keys may be added, never renamed.
pub const JSON_VERSION: u32 = 1;

/// The name of the generated region `trace --write` refreshes.
pub const REGION: &str = "traceability";

/// A place in a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DocLoc {
    /// Workspace-relative.
    pub file: String,
    pub line: usize,
    /// The heading anchor to link to (empty before any heading).
    pub anchor: String,
}

/// A user story or use case linked to a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Linked {
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Where it is defined; `None` when it is referenced but defined nowhere.
    pub at: Option<DocLoc>,
    /// For a use case: the requirement's stories it covers (empty when it
    /// names the requirement itself).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
}

/// Where the router serves an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routed {
    pub handler: String,
    /// The route declaration, workspace-relative.
    pub file: String,
    pub line: usize,
}

/// An endpoint linked to a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointLink {
    pub method: String,
    /// Normalised, parameters as `{name}`.
    pub path: String,
    /// Its entry in an `api-spec.md`, when documented.
    pub documented: Option<DocLoc>,
    /// The routes serving it, when routed.
    pub routed: Vec<Routed>,
}

impl EndpointLink {
    /// `POST /api/notes`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// An item carrying `#[implements]` or `#[verifies]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeItem {
    /// `login`, `AuthService::login`, `impl Store for PgStore`.
    pub item: String,
    /// `fn`, `method`, `struct`, … (SPEC.md §4).
    pub kind: &'static str,
    /// Workspace-relative.
    pub file: String,
    pub line: usize,
    /// The requirement's text changed since this item was confirmed against
    /// it (`specplan.lock`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

/// What a requirement lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gap {
    /// No `#[implements]` names it.
    Unimplemented,
    /// No `#[implements]` names it, but an endpoint its documents link it
    /// to is served: the code exists, the annotation does not
    /// (`cargo specplan annotate`).
    Unannotated,
    /// No `#[verifies]` names it.
    Unverified,
    /// No user story covers it.
    Unstoried,
    /// Code or tests were confirmed against an older text.
    Stale,
}

impl Gap {
    pub fn as_str(self) -> &'static str {
        match self {
            Gap::Unimplemented => "unimplemented",
            Gap::Unannotated => "unannotated",
            Gap::Unverified => "unverified",
            Gap::Unstoried => "unstoried",
            Gap::Stale => "stale",
        }
    }

    /// For a person: "no code implements it".
    pub fn describe(self) -> &'static str {
        match self {
            Gap::Unimplemented => "no code implements it",
            Gap::Unannotated => {
                "a handler serves its endpoint, without #[implements] (cargo specplan annotate)"
            }
            Gap::Unverified => "no test verifies it",
            Gap::Unstoried => "no user story covers it",
            Gap::Stale => "its text changed since its code was confirmed",
        }
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub id: String,
    pub kind: IdKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub at: DocLoc,
    /// Counted in the coverage (an FR).
    pub counted: bool,
    pub implemented: bool,
    pub verified: bool,
    pub storied: bool,
    /// What it lacks; only for counted requirements, in [`Gap`] order.
    pub gaps: Vec<Gap>,
    pub stories: Vec<Linked>,
    pub use_cases: Vec<Linked>,
    pub endpoints: Vec<EndpointLink>,
    pub implementations: Vec<CodeItem>,
    pub tests: Vec<CodeItem>,
}

/// Counts and percentages (rounded down: 100 only when complete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Coverage {
    /// Counted requirements (FRs).
    pub requirements: usize,
    pub implemented: usize,
    pub verified: usize,
    pub storied: usize,
    /// User stories, and those a use case references.
    pub stories: usize,
    pub stories_with_use_case: usize,
    pub percent: Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Percent {
    pub implemented: u32,
    pub verified: u32,
    pub storied: u32,
    pub stories_with_use_case: u32,
}

/// `n` of `of` in percent, rounded down; 100 for nothing to cover.
pub fn percent(n: usize, of: usize) -> u32 {
    (n * 100).checked_div(of).map_or(100, |p| p as u32)
}

impl Coverage {
    fn finish(mut self) -> Coverage {
        self.percent = Percent {
            implemented: percent(self.implemented, self.requirements),
            verified: percent(self.verified, self.requirements),
            storied: percent(self.storied, self.requirements),
            stories_with_use_case: percent(self.stories_with_use_case, self.stories),
        };
        self
    }
}

/// A domain and its coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainSummary {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Its `requirements.md`, workspace-relative, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements_doc: Option<String>,
    pub coverage: Coverage,
}

/// A requirement with gaps, for the list shown first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapEntry {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub gaps: Vec<Gap>,
}

/// The traceability matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    pub version: u32,
    /// The requirement kinds the coverage counts.
    pub counted: Vec<IdKind>,
    pub total: Coverage,
    /// In configuration order, then any other domain folder.
    pub domains: Vec<DomainSummary>,
    /// Requirements with gaps, in matrix order.
    pub gaps: Vec<GapEntry>,
    /// User stories no use case references (once the domain has use cases).
    pub stories_without_use_case: Vec<Linked>,
    /// By domain, then FR before NFR, then number.
    pub requirements: Vec<Requirement>,
}

/// What to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these domains (all when empty).
    pub domains: Vec<String>,
    /// Only requirements with gaps.
    pub uncovered: bool,
}

/// What [`build`] reads.
pub struct Inputs<'a> {
    pub spec: &'a Spec,
    pub annotations: &'a [Annotation],
    pub routes: Option<&'a RouteSet>,
    /// The configured domains, in index order: (name, prefix).
    pub domains: &'a [(String, String)],
    /// From `specplan.lock`, when there is one.
    pub lock: Option<&'a lock::Lock>,
}

fn loc(doc: &Document, range: &std::ops::Range<usize>, anchor: &str) -> DocLoc {
    DocLoc {
        file: doc.path.clone(),
        line: doc.span(range).line,
        anchor: anchor.to_string(),
    }
}

/// The line of byte `at` in `doc`.
fn line_of(doc: &Document, at: usize) -> usize {
    doc.span(&(at..at)).line
}

/// For each definition of `owner_kind` in documents of `doc_kind`: the IDs
/// referenced in its section, or on the line of a reference to it.
fn owned_refs(
    spec: &Spec,
    doc_kind: DocKind,
    owner_kind: IdKindTag,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for doc in spec.documents_of(doc_kind) {
        // Owner IDs (references or definitions) by line, for table rows.
        let mut owners_on_line: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for d in doc.definitions.iter().filter(|d| d.id.kind() == owner_kind) {
            owners_on_line
                .entry(line_of(doc, d.range.start))
                .or_default()
                .push(d.id.to_string());
        }
        for r in doc.references.iter().filter(|r| r.id.kind() == owner_kind) {
            owners_on_line
                .entry(line_of(doc, r.range.start))
                .or_default()
                .push(r.id.to_string());
        }
        for r in doc.references.iter().filter(|r| r.id.kind() != owner_kind) {
            let within = r
                .within
                .as_deref()
                .filter(|w| Id::parse(w).is_ok_and(|i| i.kind() == owner_kind));
            let owners: Vec<String> = match within {
                Some(w) => vec![w.to_string()],
                None => owners_on_line
                    .get(&line_of(doc, r.range.start))
                    .cloned()
                    .unwrap_or_default(),
            };
            for o in owners {
                out.entry(o).or_default().insert(r.id.to_string());
            }
        }
    }
    out
}

/// Everything the matrix is built from, read from a workspace.
pub struct Collected {
    pub spec: Spec,
    pub annotations: Vec<Annotation>,
    pub routes: RouteSet,
    pub domains: Vec<(String, String)>,
    pub lock: Option<lock::Lock>,
    /// Problems met reading the workspace (warnings): files that do not
    /// parse, an invalid lock.
    pub diagnostics: Vec<crate::diag::Diagnostic>,
}

impl Collected {
    /// Reads the documents, the annotations, the routes and the lock.
    pub fn read(ws: &crate::workspace::Workspace, config: &crate::config::Config) -> Collected {
        let files = crate::source::walk_workspace(ws);
        let domains: Vec<(String, String)> = config
            .domains
            .iter()
            .map(|d| (d.name.clone(), d.prefix()))
            .collect();
        let spec = crate::spec::load(&ws.jail, &config.docs.root(), &domains);
        let scan = crate::annotations::scan_workspace(ws, &files);
        let routes = crate::routes::extract(ws, &files);
        let mut diagnostics = Vec::new();
        let lock = match lock::Lock::load(&ws.jail) {
            Ok(l) => l,
            Err(e) => {
                diagnostics.push(e.to_diagnostic());
                None
            }
        };
        diagnostics.extend(spec.diagnostics.iter().cloned());
        diagnostics.extend(scan.diagnostics.iter().cloned());
        crate::diag::sort(&mut diagnostics);
        Collected {
            spec,
            annotations: scan.annotations,
            routes,
            domains,
            lock,
            diagnostics,
        }
    }

    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            spec: &self.spec,
            annotations: &self.annotations,
            routes: Some(&self.routes),
            domains: &self.domains,
            lock: self.lock.as_ref(),
        }
    }

    pub fn matrix(&self) -> Matrix {
        build(&self.inputs())
    }
}

/// What [`write_regions`] did to one domain's `requirements.md`.
#[derive(Debug)]
pub enum RegionOutcome {
    Updated {
        path: String,
    },
    Unchanged {
        path: String,
    },
    /// The document has no `traceability` region: nothing was written.
    NoRegion {
        path: String,
    },
    /// The domain has no `requirements.md`.
    NoDocument {
        domain: String,
    },
    Failed {
        path: String,
        error: crate::write::WriteError,
    },
}

/// The markers to paste where the matrix should go.
pub fn region_markers() -> String {
    format!("<!-- specplan:begin {REGION} -->\n<!-- specplan:end {REGION} -->")
}

/// The `traceability` region of a domain's `requirements.md` at `path`,
/// with its markers: what `trace --write` writes there.
pub fn region_text(m: &Matrix, domain: &str, path: &str) -> String {
    format!(
        "<!-- specplan:begin {REGION} -->\n{}<!-- specplan:end {REGION} -->\n",
        markdown::region(m, domain, path)
    )
}

/// `trace --write`: refreshes the `traceability` region of each domain's
/// `requirements.md` that has one. A document without the region is left
/// alone: the tool never adds to a person's file unasked.
pub fn write_regions(
    jail: &crate::workspace::Jail,
    spec: &Spec,
    m: &Matrix,
    domains: &[String],
) -> Vec<RegionOutcome> {
    let mut out = Vec::new();
    for d in &m.domains {
        if !domains.is_empty() && !domains.contains(&d.name) {
            continue;
        }
        let Some(doc) = spec.domain_document(&d.name, DocKind::Requirements) else {
            out.push(RegionOutcome::NoDocument {
                domain: d.name.clone(),
            });
            continue;
        };
        let path = doc.path.clone();
        if doc.region_error.is_none() && !doc.regions.iter().any(|r| r.name == REGION) {
            out.push(RegionOutcome::NoRegion { path });
            continue;
        }
        let generated = region_text(m, &d.name, &doc.path);
        out.push(
            match crate::write::write_document(
                jail,
                camino::Utf8Path::new(&path),
                &generated,
                false,
            ) {
                Ok(crate::write::Outcome::Updated { .. }) => RegionOutcome::Updated { path },
                Ok(_) => RegionOutcome::Unchanged { path },
                Err(error) => RegionOutcome::Failed { path, error },
            },
        );
    }
    out
}

/// Builds the matrix (before filtering).
pub fn build(inputs: &Inputs<'_>) -> Matrix {
    let spec = inputs.spec;
    let defs = spec.definitions_by_id();
    let def_of = |id: &str| -> Option<Linked> {
        let parsed = Id::parse(id).ok()?;
        let (doc, def) = defs.get(&parsed)?.first()?;
        Some(Linked {
            id: id.to_string(),
            title: def.title.clone(),
            at: Some(loc(doc, &def.range, &def.anchor)),
            via: Vec::new(),
        })
    };
    let linked = |id: &str| {
        def_of(id).unwrap_or_else(|| Linked {
            id: id.to_string(),
            title: String::new(),
            at: None,
            via: Vec::new(),
        })
    };

    // story → requirements it covers; use case → stories and requirements.
    let story_refs = owned_refs(spec, DocKind::UserStories, IdKindTag::Us);
    let uc_refs = owned_refs(spec, DocKind::UseCases, IdKindTag::Uc);
    let mut stories_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (us, reqs) in &story_refs {
        for r in reqs {
            stories_of
                .entry(r.as_str())
                .or_default()
                .insert(us.as_str());
        }
    }
    let mut ucs_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (uc, ids) in &uc_refs {
        for i in ids {
            ucs_of.entry(i.as_str()).or_default().insert(uc.as_str());
        }
    }

    // Endpoints: documented (by the IDs their entry lists) and routed.
    let norm = crate::routes::endpoint_key;
    let mut documented: BTreeMap<(String, String), DocLoc> = BTreeMap::new();
    let mut doc_eps_of: BTreeMap<&str, BTreeSet<(String, String)>> = BTreeMap::new();
    for (doc, ep) in spec.endpoints() {
        let k = norm(&ep.method, &ep.path);
        let anchor = doc
            .headings
            .iter()
            .rfind(|h| h.range.start <= ep.range.start)
            .map(|h| h.slug.clone())
            .unwrap_or_default();
        documented
            .entry(k.clone())
            .or_insert_with(|| loc(doc, &ep.range, &anchor));
        for id in &ep.ids {
            doc_eps_of.entry(id.as_str()).or_default().insert(k.clone());
        }
    }
    // The endpoints each requirement was proposed from ("Proposed from
    // `GET /x`", what Step 1 writes for a requirement read from the code).
    let mut proposed_of: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for doc in spec
        .documents
        .iter()
        .filter(|d| d.kind == DocKind::Requirements)
    {
        for (id, eps) in crate::pipeline::proposed_from(doc) {
            let keys = eps
                .iter()
                .filter_map(|e| e.split_once(' '))
                .map(|(m, p)| norm(m, p));
            proposed_of.entry(id).or_default().extend(keys);
        }
    }
    let mut routed: BTreeMap<(String, String), Vec<Routed>> = BTreeMap::new();
    let mut routed_eps_of: BTreeMap<&str, BTreeSet<(String, String)>> = BTreeMap::new();
    if let Some(set) = inputs.routes {
        for e in &set.endpoints {
            let k = norm(&e.method, &e.path);
            routed.entry(k.clone()).or_default().push(Routed {
                handler: e.handler.clone(),
                file: e.file.clone(),
                line: e.line,
            });
            for id in &e.implements {
                routed_eps_of
                    .entry(id.as_str())
                    .or_default()
                    .insert(k.clone());
            }
        }
    }

    // Code.
    let stale = inputs
        .lock
        .map(|l| lock::stale_pairs(l, spec, inputs.annotations))
        .unwrap_or_default();
    let stale_keys: BTreeSet<(String, AnnKind, String)> = stale
        .iter()
        .map(|s| (s.requirement.clone(), s.kind, s.item_key.clone()))
        .collect();
    let mut code_of: BTreeMap<(&str, AnnKind), Vec<CodeItem>> = BTreeMap::new();
    for a in inputs.annotations {
        for id in &a.ids {
            let key = lock::item_key(a);
            code_of
                .entry((id.text.as_str(), a.kind))
                .or_default()
                .push(CodeItem {
                    item: a.item.name.clone(),
                    kind: a.item.kind.as_str(),
                    file: a.file.clone(),
                    line: a.item.line,
                    stale: stale_keys.contains(&(id.text.clone(), a.kind, key)),
                });
        }
    }

    let domain_index = |d: Option<&str>| {
        d.and_then(|d| inputs.domains.iter().position(|(n, _)| n == d))
            .unwrap_or(usize::MAX)
    };

    let mut requirements = Vec::new();
    for (id, found) in &defs {
        if !matches!(id.kind(), IdKindTag::Fr | IdKindTag::Nfr) {
            continue;
        }
        let (doc, def) = found[0];
        let id_s = id.to_string();
        let stories: Vec<Linked> = stories_of
            .get(id_s.as_str())
            .into_iter()
            .flatten()
            .map(|us| linked(us))
            .collect();
        let mut ucs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut direct: BTreeSet<&str> = BTreeSet::new();
        for uc in ucs_of.get(id_s.as_str()).into_iter().flatten() {
            direct.insert(uc);
            ucs.entry(uc).or_default();
        }
        for s in &stories {
            for uc in ucs_of.get(s.id.as_str()).into_iter().flatten() {
                ucs.entry(uc).or_default().push(s.id.clone());
            }
        }
        let use_cases: Vec<Linked> = ucs
            .into_iter()
            .map(|(uc, via)| {
                let mut l = linked(uc);
                if !direct.contains(uc) {
                    l.via = via;
                }
                l
            })
            .collect();
        let keys: BTreeSet<(String, String)> = doc_eps_of
            .get(id_s.as_str())
            .into_iter()
            .flatten()
            .chain(routed_eps_of.get(id_s.as_str()).into_iter().flatten())
            .cloned()
            .collect();
        let endpoints: Vec<EndpointLink> = keys
            .into_iter()
            .map(|k| EndpointLink {
                documented: documented.get(&k).cloned(),
                routed: routed.get(&k).cloned().unwrap_or_default(),
                method: k.0,
                path: k.1,
            })
            .collect();
        let served = endpoints.iter().any(|e| !e.routed.is_empty())
            || proposed_of
                .get(id_s.as_str())
                .is_some_and(|keys| keys.iter().any(|k| routed.contains_key(k)));
        let code = |kind| {
            let mut v = code_of
                .get(&(id_s.as_str(), kind))
                .cloned()
                .unwrap_or_default();
            v.sort_by(|a, b| (&a.file, a.line, &a.item).cmp(&(&b.file, b.line, &b.item)));
            v.dedup();
            v
        };
        let implementations = code(AnnKind::Implements);
        let tests = code(AnnKind::Verifies);
        let counted = id.kind() == IdKindTag::Fr;
        let implemented = !implementations.is_empty();
        let verified = !tests.is_empty();
        let storied = !stories.is_empty();
        let mut gaps = Vec::new();
        if counted {
            if !implemented {
                gaps.push(if served {
                    Gap::Unannotated
                } else {
                    Gap::Unimplemented
                });
            }
            if !verified {
                gaps.push(Gap::Unverified);
            }
            if !storied {
                gaps.push(Gap::Unstoried);
            }
        }
        if implementations.iter().chain(&tests).any(|c| c.stale) {
            gaps.push(Gap::Stale);
        }
        requirements.push(Requirement {
            id: id_s,
            kind: id.kind().into(),
            domain: doc.domain.clone(),
            title: def.title.clone(),
            at: loc(doc, &def.range, &def.anchor),
            counted,
            implemented,
            verified,
            storied,
            gaps,
            stories,
            use_cases,
            endpoints,
            implementations,
            tests,
        });
    }
    requirements.sort_by(|a, b| {
        let ka = (domain_index(a.domain.as_deref()), &a.domain);
        let kb = (domain_index(b.domain.as_deref()), &b.domain);
        ka.cmp(&kb).then_with(|| {
            let ia = Id::parse(&a.id).ok();
            let ib = Id::parse(&b.id).ok();
            ia.cmp(&ib)
        })
    });

    // Stories and their use cases.
    let mut stories_without_use_case = Vec::new();
    let mut story_counts: BTreeMap<Option<String>, (usize, usize)> = BTreeMap::new();
    for (id, found) in &defs {
        if id.kind() != IdKindTag::Us {
            continue;
        }
        let (doc, _) = found[0];
        let has_uc = ucs_of.contains_key(id.to_string().as_str());
        let c = story_counts.entry(doc.domain.clone()).or_default();
        c.0 += 1;
        if has_uc {
            c.1 += 1;
        }
        let step_reached = doc
            .domain
            .as_deref()
            .is_some_and(|d| spec.domain_document(d, DocKind::UseCases).is_some());
        if !has_uc && step_reached {
            stories_without_use_case.push(linked(&id.to_string()));
        }
    }

    // Domains: configured ones first, then any other folder seen.
    let mut names: Vec<(String, Option<String>)> = inputs
        .domains
        .iter()
        .map(|(n, p)| (n.clone(), Some(p.clone())))
        .collect();
    for r in &requirements {
        if let Some(d) = &r.domain
            && !names.iter().any(|(n, _)| n == d)
        {
            names.push((d.clone(), None));
        }
    }
    let mut total = Coverage::default();
    let domains = names
        .into_iter()
        .map(|(name, prefix)| {
            let mut c = Coverage::default();
            for r in requirements
                .iter()
                .filter(|r| r.counted && r.domain.as_deref() == Some(name.as_str()))
            {
                c.requirements += 1;
                c.implemented += usize::from(r.implemented);
                c.verified += usize::from(r.verified);
                c.storied += usize::from(r.storied);
            }
            if let Some((n, with)) = story_counts.get(&Some(name.clone())) {
                c.stories = *n;
                c.stories_with_use_case = *with;
            }
            DomainSummary {
                requirements_doc: spec
                    .domain_document(&name, DocKind::Requirements)
                    .map(|d| d.path.clone()),
                name,
                prefix,
                coverage: c.finish(),
            }
        })
        .collect::<Vec<_>>();
    for r in requirements.iter().filter(|r| r.counted) {
        total.requirements += 1;
        total.implemented += usize::from(r.implemented);
        total.verified += usize::from(r.verified);
        total.storied += usize::from(r.storied);
    }
    for (n, with) in story_counts.values() {
        total.stories += n;
        total.stories_with_use_case += with;
    }
    let mut m = Matrix {
        version: JSON_VERSION,
        counted: vec![IdKind::Fr],
        total: total.finish(),
        domains,
        gaps: Vec::new(),
        stories_without_use_case,
        requirements,
    };
    m.gaps = gap_entries(&m.requirements);
    m
}

fn gap_entries(reqs: &[Requirement]) -> Vec<GapEntry> {
    reqs.iter()
        .filter(|r| !r.gaps.is_empty())
        .map(|r| GapEntry {
            id: r.id.clone(),
            domain: r.domain.clone(),
            gaps: r.gaps.clone(),
        })
        .collect()
}

impl Matrix {
    /// The matrix restricted to some domains and/or to requirements with
    /// gaps. Coverage is that of the selected domains (all requirements of
    /// them, not only the uncovered ones).
    pub fn filtered(&self, filter: &Filter) -> Matrix {
        let keep_domain = |d: Option<&str>| {
            filter.domains.is_empty() || d.is_some_and(|d| filter.domains.iter().any(|f| f == d))
        };
        let domains: Vec<DomainSummary> = self
            .domains
            .iter()
            .filter(|d| keep_domain(Some(&d.name)))
            .cloned()
            .collect();
        let mut total = Coverage::default();
        for d in &domains {
            let c = d.coverage;
            total.requirements += c.requirements;
            total.implemented += c.implemented;
            total.verified += c.verified;
            total.storied += c.storied;
            total.stories += c.stories;
            total.stories_with_use_case += c.stories_with_use_case;
        }
        let total = if filter.domains.is_empty() {
            self.total
        } else {
            total.finish()
        };
        let requirements: Vec<Requirement> = self
            .requirements
            .iter()
            .filter(|r| keep_domain(r.domain.as_deref()))
            .filter(|r| !filter.uncovered || !r.gaps.is_empty())
            .cloned()
            .collect();
        let domain_of_story = |l: &Linked| {
            l.at.as_ref()
                .and_then(|a| {
                    self.domains
                        .iter()
                        .find(|d| a.file.contains(&format!("/{}/", d.name)))
                })
                .map(|d| d.name.as_str())
        };
        Matrix {
            version: self.version,
            counted: self.counted.clone(),
            total,
            domains,
            gaps: gap_entries(&requirements),
            stories_without_use_case: self
                .stories_without_use_case
                .iter()
                .filter(|s| filter.domains.is_empty() || keep_domain(domain_of_story(s)))
                .cloned()
                .collect(),
            requirements,
        }
    }

    /// The JSON form (documented in the README): `{"version": 1, …}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The requirements of a domain.
    pub fn of_domain<'a>(&'a self, domain: &'a str) -> impl Iterator<Item = &'a Requirement> {
        self.requirements
            .iter()
            .filter(move |r| r.domain.as_deref() == Some(domain))
    }
}

/// What a path segment or fragment may hold as is: RFC 3986's unreserved
/// characters; everything else (`:`, `%`, spaces, quotes…) is encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(s: &str) -> percent_encoding::PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(s, SEGMENT)
}

/// Whether `url` may be the base of the report's code links: `http` and
/// `https` only (`--source-url "javascript:…"` would turn every link into
/// script).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Where links in a rendered report point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkBase {
    /// Relative links from a file at this workspace-relative directory
    /// (`""` for the workspace root).
    Relative(String),
    /// `{url}/{path}#L{line}`: a repository browser
    /// (`https://github.com/o/r/blob/main`).
    Url(String),
    /// `{prefix}{path}`: from a file outside the workspace (the prefix
    /// leads to the workspace root and ends in `/`).
    Prefix(String),
}

impl LinkBase {
    /// Relative to the directory holding the workspace-relative `file`.
    pub fn beside(file: &str) -> LinkBase {
        LinkBase::Relative(
            file.rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string()),
        )
    }

    /// A link to a workspace-relative `path`, with `#fragment` when given.
    /// Each segment of the path is percent-encoded, so a file named
    /// `javascript:alert(1).rs` is a relative link to that file, never a
    /// URL scheme.
    pub fn link(&self, path: &str, fragment: Option<&str>) -> String {
        let frag = fragment
            .filter(|f| !f.is_empty())
            .map_or(String::new(), |f| format!("#{}", encode(f)));
        let path = &path
            .split('/')
            .map(|segment| encode(segment).to_string())
            .collect::<Vec<_>>()
            .join("/");
        match self {
            LinkBase::Url(base) => format!("{}/{path}{frag}", base.trim_end_matches('/')),
            LinkBase::Prefix(prefix) => format!("{prefix}{path}{frag}"),
            LinkBase::Relative(dir) => {
                let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
                let to: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
                let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
                // The last component of `to` is the file: keep it even when
                // equal to a directory name of `from`.
                let common = common.min(to.len().saturating_sub(1));
                let mut parts: Vec<&str> = vec![".."; from.len() - common];
                parts.extend(&to[common..]);
                let rel = parts.join("/");
                if rel.is_empty() && !frag.is_empty() {
                    frag
                } else {
                    format!("{rel}{frag}")
                }
            }
        }
    }

    /// Links from a report written at `out` (absolute) into the workspace
    /// at `root` (absolute).
    pub fn for_output(root: &camino::Utf8Path, out: &camino::Utf8Path) -> LinkBase {
        let dir = out.parent().unwrap_or(out);
        if let Ok(rel) = dir.strip_prefix(root) {
            return LinkBase::Relative(rel.as_str().replace('\\', "/"));
        }
        let from: Vec<_> = dir.components().collect();
        let to: Vec<_> = root.components().collect();
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut prefix = "../".repeat(from.len() - common);
        for c in &to[common..] {
            prefix.push_str(c.as_str());
            prefix.push('/');
        }
        LinkBase::Prefix(prefix)
    }

    /// A link to a line of code.
    pub fn code(&self, file: &str, line: usize) -> String {
        self.link(file, Some(&format!("L{line}")))
    }

    /// A link to a place in a document.
    pub fn doc(&self, at: &DocLoc) -> String {
        self.link(&at.file, Some(&at.anchor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        let b = LinkBase::beside("docs/en/specifications/notes/requirements/requirements.md");
        assert_eq!(
            b.code("src/handlers/notes.rs", 12),
            "../../../../../src/handlers/notes.rs#L12"
        );
        assert_eq!(
            b.link(
                "docs/en/specifications/notes/requirements/user-stories.md",
                Some("us-1")
            ),
            "user-stories.md#us-1"
        );
        assert_eq!(
            b.link("docs/en/specifications/notes/workflows/use-cases.md", None),
            "../workflows/use-cases.md"
        );
        assert_eq!(
            LinkBase::Relative(String::new()).code("src/a.rs", 3),
            "src/a.rs#L3"
        );
        assert_eq!(
            LinkBase::Url("https://example.com/r/blob/main/".into()).code("src/a.rs", 3),
            "https://example.com/r/blob/main/src/a.rs#L3"
        );
        // A file named like a directory of the base.
        assert_eq!(LinkBase::Relative("a/b".into()).link("a/b", None), "../b");
    }

    #[test]
    fn percentages_round_down() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(199, 200), 99);
        assert_eq!(percent(0, 0), 100);
    }
}
