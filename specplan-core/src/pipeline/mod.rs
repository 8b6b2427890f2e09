//! The document pipeline (seeds/000, SPEC.md §3): Steps 1–5 per domain
//! behind the review gate, `approve`, `status`, and the Step 6 index.
//!
//! - [`generate`] renders one step's document from the code (routes, types,
//!   the handler → service → repository call chain) and from the earlier
//!   steps' documents, and writes it by the rules of [`crate::write`]: a new
//!   file whole, an existing one region by region, `--force` keeps the old
//!   file beside the new one.
//! - The gate: Step N is generated only when Step N−1 of the domain is
//!   `Approved` (or with `force`, which the caller says loudly).
//! - [`approve`] edits the meta block's values in place: `Status: Approved`,
//!   `Last Updated` today, and the version: `0.x` becomes `1.0.0` at the
//!   first approval, an approved document changed since (status not
//!   `Approved`) gets the next minor version; approving an approved
//!   document changes nothing.
//! - Every pipeline document carries its Previous/Next line in a
//!   `navigation` region; generating a step and `index` refresh the
//!   navigation of every document, so the links follow the documents that
//!   exist, in pipeline order across domains.

pub mod answers;
mod auth;
mod build;
pub mod calls;
pub mod examples;
pub mod sql;

use camino::{Utf8Path, Utf8PathBuf};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub use answers::Answers;
pub use build::CodeFacts;

use crate::config::{Config, DomainConfig};
use crate::scaffold::{self, Doc};
use crate::spec::{DocKind, Document, MetaField, Spec, Status};
use crate::templates::{TemplateError, Templates};
use crate::workspace::Workspace;
use crate::write::{Outcome, WriteError, write_atomic, write_document};

/// A step of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    Requirements,
    UserStories,
    ApiSpec,
    UseCases,
    SequenceDiagram,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Requirements,
        Step::UserStories,
        Step::ApiSpec,
        Step::UseCases,
        Step::SequenceDiagram,
    ];

    /// 1–5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// `requirements`, `user-stories`, `api-spec`, `use-cases`,
    /// `sequence-diagram`.
    pub fn name(self) -> &'static str {
        self.kind().step_name().unwrap_or("")
    }

    fn row(self) -> &'static (&'static str, &'static str, &'static str, &'static str) {
        &scaffold::STEPS[self as usize]
    }

    /// `User Stories`.
    pub fn title(self) -> &'static str {
        self.row().1
    }

    /// `requirements/user-stories.md`.
    pub fn path_in_domain(self) -> &'static str {
        self.row().2
    }

    pub fn description(self) -> &'static str {
        self.row().3
    }

    pub fn kind(self) -> DocKind {
        DocKind::PIPELINE[self as usize]
    }

    pub fn template(self) -> String {
        format!("{}.md.j2", self.name())
    }

    pub fn previous(self) -> Option<Step> {
        (self as usize).checked_sub(1).map(|i| Step::ALL[i])
    }

    /// A step by name (`api-spec`) or number (`3`).
    pub fn parse(s: &str) -> Option<Step> {
        let s = s.trim();
        Step::ALL
            .into_iter()
            .find(|st| st.name() == s || st.number().to_string() == s)
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why the gate holds a step back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateRefusal {
    pub domain: String,
    pub step: Step,
    pub waits_for: Step,
    /// `` `…/requirements.md` is Draft `` or `` … does not exist ``.
    pub reason: String,
}

impl std::fmt::Display for GateRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Step {} ({}) of `{}` waits for Step {} ({}) to be approved: {}",
            self.step.number(),
            self.step,
            self.domain,
            self.waits_for.number(),
            self.waits_for,
            self.reason
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("unknown domain `{domain}`; the configured domains are: {known}")]
    UnknownDomain { domain: String, known: String },
    #[error(
        "{0}; review it and run `cargo specplan approve {domain} {step}`, or pass `--force` to go past the gate",
        domain = .0.domain,
        step = .0.waits_for
    )]
    Gate(GateRefusal),
    #[error(
        "`{path}` does not exist; generate it first: `cargo specplan generate {domain} --step {step}`"
    )]
    Missing {
        path: String,
        domain: String,
        step: Step,
    },
    #[error(
        "`{path}` has no valid `{field}` in its meta block; add `- **{field}:** …` after the title"
    )]
    NoMeta { path: String, field: &'static str },
    #[error(
        "every step of `{domain}` has its document; pass `--step <STEP>` to regenerate one, or run `cargo specplan index`"
    )]
    AllGenerated { domain: String },
    #[error(transparent)]
    Answers(#[from] answers::AnswersError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The workspace, its configuration and its documents as they are now.
pub struct Project<'a> {
    pub ws: &'a Workspace,
    pub config: &'a Config,
    /// Workspace-relative docs root.
    pub docs_root: String,
    pub spec: Spec,
}

impl<'a> Project<'a> {
    pub fn load(ws: &'a Workspace, config: &'a Config) -> Project<'a> {
        let docs_root = config.docs.root();
        let domains: Vec<(String, String)> = config
            .domains
            .iter()
            .map(|d| (d.name.clone(), d.prefix()))
            .collect();
        let spec = crate::spec::load(&ws.jail, &docs_root, &domains);
        Project {
            ws,
            config,
            docs_root,
            spec,
        }
    }

    /// The project over documents already read.
    pub fn from_spec(ws: &'a Workspace, config: &'a Config, spec: Spec) -> Project<'a> {
        Project {
            ws,
            config,
            docs_root: config.docs.root(),
            spec,
        }
    }

    pub fn domain(&self, name: &str) -> Result<&'a DomainConfig, PipelineError> {
        self.config
            .domains
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| PipelineError::UnknownDomain {
                domain: name.to_string(),
                known: if self.config.domains.is_empty() {
                    "none (run `cargo specplan init`)".to_string()
                } else {
                    self.config
                        .domains
                        .iter()
                        .map(|d| format!("`{}`", d.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })
    }

    /// The document of a step, when it exists.
    pub fn doc(&self, domain: &str, step: Step) -> Option<&Document> {
        self.spec.domain_document(domain, step.kind())
    }

    /// Workspace-relative path of a step's document.
    pub fn rel(&self, domain: &str, step: Step) -> String {
        join(
            &self.docs_root,
            &format!("{domain}/{}", step.path_in_domain()),
        )
    }

    pub fn abs(&self, rel: &str) -> Utf8PathBuf {
        self.ws.root.join(rel)
    }

    pub fn templates(&self) -> Templates {
        Templates::new(crate::templates::Overrides::of(self.ws, self.config))
    }

    /// Whether Step `step` of `domain` may be generated (its previous step
    /// is approved).
    pub fn gate(&self, domain: &str, step: Step) -> Result<(), GateRefusal> {
        let Some(prev) = step.previous() else {
            return Ok(());
        };
        let reason = match self.doc(domain, prev) {
            None => format!("`{}` does not exist", self.rel(domain, prev)),
            Some(d) => match d.meta.status() {
                Some(Status::Approved) => return Ok(()),
                Some(s) => format!("`{}` is {}", d.path, s.as_str()),
                None => format!("`{}` has no valid Status", d.path),
            },
        };
        Err(GateRefusal {
            domain: domain.to_string(),
            step,
            waits_for: prev,
            reason,
        })
    }

    /// The first earlier step of `domain` that is not approved.
    fn unapproved_before(&self, domain: &str, step: Step) -> Option<GateRefusal> {
        Step::ALL[..step as usize].iter().find_map(|&prev| {
            let reason = match self.doc(domain, prev) {
                None => format!("`{}` does not exist", self.rel(domain, prev)),
                Some(d) => match d.meta.status() {
                    Some(Status::Approved) => return None,
                    Some(s) => format!("`{}` is {}", d.path, s.as_str()),
                    None => format!("`{}` has no valid Status", d.path),
                },
            };
            Some(GateRefusal {
                domain: domain.to_string(),
                step,
                waits_for: prev,
                reason,
            })
        })
    }
}

fn join(root: &str, rel: &str) -> String {
    if root.is_empty() {
        rel.to_string()
    } else {
        format!("{root}/{rel}")
    }
}

/// The relative link from the document at `from` to `to` (both relative to
/// the same root).
pub fn relative_href(from: &str, to: &str) -> String {
    let from_parts: Vec<&str> = from.split('/').collect();
    let from_dir = &from_parts[..from_parts.len() - 1];
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

/// A navigation link: `{title, href}`.
fn link(title: String, href: String) -> Value {
    json!({"title": title, "href": href})
}

/// Previous/Next of a pipeline document, over the documents `exists` says
/// are there, across domains in configuration order; the ends link to the
/// specifications README.
fn navigation(
    domains: &[String],
    exists: &dyn Fn(&str, Step) -> bool,
    domain: &str,
    step: Step,
) -> (Value, Value) {
    let order: Vec<(&str, Step)> = domains
        .iter()
        .flat_map(|d| Step::ALL.into_iter().map(move |s| (d.as_str(), s)))
        .filter(|(d, s)| (*d == domain && *s == step) || exists(d, *s))
        .collect();
    let here = format!("{domain}/{}", step.path_in_domain());
    let to = |d: &str, s: Step| {
        let title = if d == domain {
            s.title().to_string()
        } else {
            format!("{}: {d}", s.title())
        };
        link(
            title,
            relative_href(&here, &format!("{d}/{}", s.path_in_domain())),
        )
    };
    let readme = || link("Specifications".into(), relative_href(&here, "README.md"));
    let i = order
        .iter()
        .position(|(d, s)| *d == domain && *s == step)
        .unwrap_or(0);
    let prev = match i.checked_sub(1).and_then(|j| order.get(j)) {
        Some((d, s)) => to(d, *s),
        None => readme(),
    };
    let next = match order.get(i + 1) {
        Some((d, s)) => to(d, *s),
        None => readme(),
    };
    (prev, next)
}

/// The domains in reading order, as `check` walks the pipeline: the
/// configured ones, then those with documents on disk but no
/// configuration, alphabetically.
fn reading_order(config: &Config, spec: &Spec) -> Vec<String> {
    let mut domains: Vec<String> = config.domains.iter().map(|d| d.name.clone()).collect();
    let mut extra: Vec<String> = spec
        .documents
        .iter()
        .filter(|d| d.kind.step().is_some())
        .filter_map(|d| d.domain.clone())
        .filter(|d| !domains.contains(d))
        .collect();
    extra.sort();
    extra.dedup();
    domains.extend(extra);
    domains
}

/// The navigation region of a pipeline document.
pub(crate) fn navigation_region(prev: &Value, next: &Value) -> String {
    format!(
        "<!-- specplan:begin navigation -->\n**Previous:** [{}]({}) | **Next:** [{}]({})\n<!-- specplan:end navigation -->\n",
        prev["title"].as_str().unwrap_or(""),
        prev["href"].as_str().unwrap_or(""),
        next["title"].as_str().unwrap_or(""),
        next["href"].as_str().unwrap_or(""),
    )
}

/// Rewrites the `navigation` region of every pipeline document that has
/// one; documents without the region are left alone.
pub fn refresh_navigation(
    ws: &Workspace,
    config: &Config,
) -> Result<Vec<(String, Outcome)>, PipelineError> {
    let project = Project::load(ws, config);
    let exists = |d: &str, s: Step| project.doc(d, s).is_some();
    let order = reading_order(config, &project.spec);
    let mut out = Vec::new();
    for d in &config.domains {
        for step in Step::ALL {
            let Some(doc) = project.doc(&d.name, step) else {
                continue;
            };
            if !doc.regions.iter().any(|r| r.name == "navigation") {
                continue;
            }
            let (prev, next) = navigation(&order, &exists, &d.name, step);
            let region = navigation_region(&prev, &next);
            let rel = doc.path.clone();
            let outcome = write_document(&ws.jail, &project.abs(&rel), &region, false)?;
            if matches!(outcome, Outcome::Updated { .. }) {
                out.push((rel, outcome));
            }
        }
    }
    Ok(out)
}

/// Refreshes the `traceability` region of the domains' `requirements.md`
/// with the matrix of [`crate::trace`] (what `trace --write` writes), so
/// the FR → US → UC → API → code → test links follow each new step.
pub fn refresh_traceability(
    ws: &Workspace,
    config: &Config,
    domains: &[String],
) -> Result<Vec<(String, Outcome)>, PipelineError> {
    let collected = crate::trace::Collected::read(ws, config);
    let matrix = collected.matrix();
    let mut out = Vec::new();
    for o in crate::trace::write_regions(&ws.jail, &collected.spec, &matrix, domains) {
        match o {
            crate::trace::RegionOutcome::Updated { path } => out.push((
                path,
                Outcome::Updated {
                    regions: vec![crate::trace::REGION.to_string()],
                    dropped: vec![],
                },
            )),
            crate::trace::RegionOutcome::Failed { error, .. } => return Err(error.into()),
            _ => {}
        }
    }
    Ok(out)
}

/// What only a person can still say: `TODO` markers outside code blocks.
pub fn count_todos(text: &str) -> usize {
    todos(text).len()
}

/// A `TODO` marker in a document, outside code blocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Todo {
    /// 1-based line and column (in characters) of the marker.
    pub line: usize,
    pub column: usize,
    /// The rest of its line from the marker on (`TODO: who approves refunds?`).
    pub text: String,
}

/// Every `TODO` marker outside fenced and indented code blocks, read with
/// the CommonMark parser (inline code counts: a template may write
/// `` `TODO` `` where a value is missing).
pub fn todos(text: &str) -> Vec<Todo> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let lines = specplan_ids::lines::LineIndex::new(text);
    let mut out = Vec::new();
    let mut in_code = 0usize;
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(_) | Event::Code(_) | Event::Html(_) | Event::InlineHtml(_)
                if in_code == 0 =>
            {
                let Some(raw) = text.get(range.clone()) else {
                    continue;
                };
                for (at, _) in raw.match_indices("TODO") {
                    let offset = range.start + at;
                    let (line, column) = lines.line_col(text, offset);
                    let rest = &text[offset..];
                    let end = rest.find('\n').unwrap_or(rest.len());
                    out.push(Todo {
                        line,
                        column,
                        text: rest[..end].trim_end().to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// What `generate` needs besides the workspace.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// The step; `None` for the first step whose document does not exist.
    pub step: Option<Step>,
    pub answers: Answers,
    /// Past the gate, and an existing document replaced whole (the old one
    /// kept beside it).
    pub force: bool,
    pub today: String,
}

/// What `generate` did.
#[derive(Debug, Clone)]
pub struct Generated {
    pub step: Step,
    /// Workspace-relative.
    pub rel: String,
    pub outcome: Outcome,
    /// The gate that `force` went past.
    pub forced: Option<GateRefusal>,
    /// Other documents whose navigation or traceability region changed.
    pub navigation: Vec<(String, Outcome)>,
    /// TODO markers in the document as written.
    pub todos: usize,
}

/// The step `generate` picks when none is given: the first without a
/// document.
pub fn next_step(project: &Project<'_>, domain: &str) -> Option<Step> {
    Step::ALL
        .into_iter()
        .find(|s| project.doc(domain, *s).is_none())
}

/// Renders a step's document without writing it.
pub fn render_step(
    project: &Project<'_>,
    domain: &DomainConfig,
    step: Step,
    answers: &Answers,
    today: &str,
) -> Result<Doc, PipelineError> {
    let code = CodeFacts::gather(project.ws);
    render_step_with(project, &code, domain, step, answers, today)
}

/// [`render_step`] from code facts gathered once for many documents.
pub fn render_step_with(
    project: &Project<'_>,
    code: &CodeFacts,
    domain: &DomainConfig,
    step: Step,
    answers: &Answers,
    today: &str,
) -> Result<Doc, PipelineError> {
    let exists = |d: &str, s: Step| project.doc(d, s).is_some();
    let order = reading_order(project.config, &project.spec);
    let (prev, next) = navigation(&order, &exists, &domain.name, step);
    let facts = build::Facts::gather(project, code, domain, answers);
    let mut ctx = build::context(&facts, step);
    ctx["doc"] = json!({
        "version": "0.1.0",
        "today": today,
        "status": "Draft",
        "prev": prev,
        "next": next,
        "navigation": navigation_region(&prev, &next).trim_end(),
    });
    let text = project.templates().render(&step.template(), &ctx)?;
    Ok(Doc {
        rel: project.rel(&domain.name, step),
        text,
    })
}

/// Step 1–5 of a domain: gate, render, write, refresh the navigation.
pub fn generate(
    ws: &Workspace,
    config: &Config,
    domain: &str,
    opts: &GenerateOptions,
) -> Result<Generated, PipelineError> {
    let project = Project::load(ws, config);
    let dom = project.domain(domain)?;
    let step = match opts.step {
        Some(s) => s,
        None => next_step(&project, domain).ok_or_else(|| PipelineError::AllGenerated {
            domain: domain.to_string(),
        })?,
    };
    let forced = match project.gate(domain, step) {
        Ok(()) => None,
        Err(refusal) if opts.force => Some(refusal),
        Err(refusal) => return Err(PipelineError::Gate(refusal)),
    };
    // The answers given now, over those the domain's documents were
    // written with; recorded so later steps and `sync` use them too.
    let recorded = answers::recorded(ws, domain)?;
    let effective = recorded.overlay(&opts.answers);
    let code = CodeFacts::gather(ws);
    let doc = render_step_with(&project, &code, dom, step, &effective, &opts.today)?;
    if !opts.answers.is_empty() && effective != recorded {
        let rel = answers::recorded_path(domain);
        write_atomic(&ws.jail, &ws.root.join(&rel), &effective.to_toml(domain))?;
    }
    let path = project.abs(&doc.rel);
    let read = |path: &Utf8Path| {
        ws.jail
            .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
            .ok()
    };
    let before = read(&path);
    let mut outcome = write_document(&ws.jail, &path, &doc.text, opts.force)?;
    let mut navigation = refresh_navigation(ws, config)?;
    navigation.extend(refresh_traceability(ws, config, &[domain.to_string()])?);
    // The domain's other documents name what this step adds (an endpoint's
    // use cases, a story's flows): their regions follow, as `sync` would.
    let now = Project::load(ws, config);
    let drift = crate::sync::drift_with(
        &now,
        &code,
        &crate::sync::Options {
            domain: Some(domain.to_string()),
            today: opts.today.clone(),
            skip: Some(doc.rel.clone()),
        },
    );
    for (rel, regions) in crate::sync::apply(ws, &drift)? {
        if rel == doc.rel {
            continue;
        }
        match navigation.iter_mut().find(|(r, _)| *r == rel) {
            Some((_, Outcome::Updated { regions: had, .. })) => {
                for r in regions {
                    if !had.contains(&r) {
                        had.push(r);
                    }
                }
            }
            _ => navigation.push((
                rel,
                Outcome::Updated {
                    regions,
                    dropped: vec![],
                },
            )),
        }
    }
    let written = read(&path).unwrap_or_default();
    // The traceability region is `trace`'s: what counts is the net change.
    navigation.retain(|(rel, _)| *rel != doc.rel);
    if before.as_deref() == Some(written.as_str())
        && let Outcome::Updated { dropped, .. } = &outcome
    {
        outcome = Outcome::Unchanged {
            dropped: dropped.clone(),
        };
    }
    Ok(Generated {
        step,
        rel: doc.rel,
        outcome,
        forced,
        navigation,
        todos: count_todos(&written),
    })
}

/// What `approve` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub rel: String,
    /// False when the document was already approved.
    pub changed: bool,
    pub old_version: String,
    pub new_version: String,
    /// The gate `force` went past (an earlier step not approved).
    pub forced: Option<GateRefusal>,
}

/// The version an approval gives: `1.0.0` for a `0.x` draft, the release
/// of a pre-release (`1.2.0-rc.1` → `1.2.0`), the next minor for a changed
/// approved document. Never lower than `old`.
fn approved_version(old: &semver::Version) -> semver::Version {
    if old.major == 0 {
        semver::Version::new(1, 0, 0)
    } else if !old.pre.is_empty() {
        semver::Version::new(old.major, old.minor, old.patch)
    } else {
        semver::Version::new(old.major, old.minor + 1, 0)
    }
}

/// The edit that sets a meta value's own token to `new` and keeps a
/// person's words around it: the token `leading` finds is replaced; a value
/// without one gets `new` in front of what was written, never instead of it.
fn meta_edit(
    text: &str,
    range: &std::ops::Range<usize>,
    leading: Option<std::ops::Range<usize>>,
    new: &str,
) -> (std::ops::Range<usize>, String) {
    let written = &text[range.clone()];
    match leading {
        Some(r) => (range.start + r.start..range.start + r.end, new.to_string()),
        None if written.trim().is_empty() => {
            // An empty value sits right after the label: keep a space.
            let sep = if text[..range.start].ends_with(' ') {
                ""
            } else {
                " "
            };
            (range.clone(), format!("{sep}{new}"))
        }
        None => (range.start..range.start, format!("{new} — ")),
    }
}

/// Sets `Status: Approved`, `Last Updated` and the version of a step's
/// document, by editing those values in place (nothing else is touched).
pub fn approve(
    ws: &Workspace,
    config: &Config,
    domain: &str,
    step: Step,
    force: bool,
    today: &str,
) -> Result<Approval, PipelineError> {
    let project = Project::load(ws, config);
    project.domain(domain)?;
    let Some(doc) = project.doc(domain, step) else {
        return Err(PipelineError::Missing {
            path: project.rel(domain, step),
            domain: domain.to_string(),
            step,
        });
    };
    let forced = match project.unapproved_before(domain, step) {
        None => None,
        Some(r) if force => Some(r),
        Some(r) => {
            return Err(PipelineError::Gate(GateRefusal {
                step,
                reason: format!(
                    "{}, so Step {} cannot be approved yet",
                    r.reason,
                    step.number()
                ),
                ..r
            }));
        }
    };
    let field = |f: MetaField| {
        doc.meta.get(f).ok_or(PipelineError::NoMeta {
            path: doc.path.clone(),
            field: f.key(),
        })
    };
    let status = field(MetaField::Status)?;
    let updated = field(MetaField::LastUpdated)?;
    let version = field(MetaField::Version)?;
    let old_version = version.value.trim().to_string();
    if doc.meta.status() == Some(Status::Approved) {
        return Ok(Approval {
            rel: doc.path.clone(),
            changed: false,
            new_version: old_version.clone(),
            old_version,
            forced,
        });
    }
    let text = &doc.text;
    let value = |e: &crate::spec::MetaEntry| &text[e.value_range.clone()];
    let version_token = crate::spec::leading_version(value(version));
    let new_version = version_token
        .as_ref()
        .map_or_else(
            || semver::Version::new(1, 0, 0),
            |(v, _)| approved_version(v),
        )
        .to_string();
    let mut edits = vec![
        meta_edit(
            text,
            &status.value_range,
            crate::spec::Status::leading(value(status)).map(|(_, r)| r),
            "Approved",
        ),
        meta_edit(
            text,
            &updated.value_range,
            crate::spec::leading_date(value(updated)),
            today,
        ),
        meta_edit(
            text,
            &version.value_range,
            version_token.map(|(_, r)| r),
            &new_version,
        ),
    ];
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut text = doc.text.clone();
    for (range, value) in edits {
        text.replace_range(range, &value);
    }
    write_atomic(&project.ws.jail, &project.abs(&doc.path), &text)?;
    Ok(Approval {
        rel: doc.path.clone(),
        changed: true,
        old_version,
        new_version,
        forced,
    })
}

/// One step of one domain, as `status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepState {
    pub step: Step,
    pub number: u8,
    /// Workspace-relative.
    pub path: String,
    pub exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    pub todos: usize,
}

/// A domain's pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainState {
    pub name: String,
    pub prefix: String,
    pub steps: Vec<StepState>,
    /// What to do next, as a command line.
    pub next: String,
}

/// `cargo specplan status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineStatus {
    pub docs_root: String,
    pub domains: Vec<DomainState>,
}

pub fn status(ws: &Workspace, config: &Config) -> PipelineStatus {
    let project = Project::load(ws, config);
    // Computed once, only when a domain has every step approved.
    let index_done = std::cell::OnceCell::new();
    let domains = config
        .domains
        .iter()
        .map(|d| {
            let steps: Vec<StepState> = Step::ALL
                .into_iter()
                .map(|s| {
                    let doc = project.doc(&d.name, s);
                    let meta = |f: MetaField| {
                        doc.and_then(|x| x.meta.get(f))
                            .map(|e| e.value.trim().to_string())
                    };
                    StepState {
                        step: s,
                        number: s.number(),
                        path: project.rel(&d.name, s),
                        exists: doc.is_some(),
                        status: meta(MetaField::Status),
                        version: meta(MetaField::Version),
                        last_updated: meta(MetaField::LastUpdated),
                        todos: doc.map_or(0, |x| count_todos(&x.text)),
                    }
                })
                .collect();
            let approved = |s: &StepState| s.status.as_deref() == Some("Approved");
            let next = match steps.iter().find(|s| !s.exists) {
                Some(missing) => match missing.step.previous() {
                    Some(p) if !approved(&steps[p as usize]) => {
                        format!("cargo specplan approve {} {p}", d.name)
                    }
                    _ => format!("cargo specplan generate {}", d.name),
                },
                None => match steps.iter().find(|s| !approved(s)) {
                    Some(s) => format!("cargo specplan approve {} {}", d.name, s.step),
                    None if *index_done.get_or_init(|| index_is_current(&project)) => {
                        "cargo specplan check".to_string()
                    }
                    None => "cargo specplan index".to_string(),
                },
            };
            DomainState {
                name: d.name.clone(),
                prefix: d.prefix(),
                steps,
                next,
            }
        })
        .collect();
    PipelineStatus {
        docs_root: project.docs_root.clone(),
        domains,
    }
}

impl PipelineStatus {
    /// `{"version": 1, "docs_root", "domains": [...]}`.
    pub fn to_json(&self) -> Value {
        json!({
            "version": 1,
            "docs_root": self.docs_root,
            "domains": self.domains,
        })
    }

    /// A table per domain and the next command.
    pub fn render_human(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if self.domains.is_empty() {
            out.push_str("No domains configured: run `cargo specplan init`.\n");
            return out;
        }
        for d in &self.domains {
            let _ = writeln!(out, "{} ({})", d.name, d.prefix);
            for s in &d.steps {
                let state = if s.exists {
                    let mut parts = vec![s.status.clone().unwrap_or_else(|| "no status".into())];
                    if let Some(v) = &s.version {
                        parts.push(format!("v{v}"));
                    }
                    if let Some(u) = &s.last_updated {
                        parts.push(u.clone());
                    }
                    if s.todos > 0 {
                        parts.push(format!(
                            "{} TODO{}",
                            s.todos,
                            if s.todos == 1 { "" } else { "s" }
                        ));
                    }
                    parts.join(", ")
                } else {
                    "not generated".to_string()
                };
                let _ = writeln!(out, "  {}. {:<17} {}", s.number, s.step.name(), state);
            }
            let _ = writeln!(out, "  next: {}", d.next);
            out.push('\n');
        }
        let _ = write!(out, "Documents under {}/", self.docs_root);
        out.push('\n');
        out
    }
}

/// Step 6: the specifications README (its `workspace-docs` and `domains`
/// regions, as `init` writes them) and, with two or more domains, a
/// README per domain; then the navigation of every pipeline document.
pub fn index(
    ws: &Workspace,
    config: &Config,
    today: &str,
) -> Result<Vec<(String, Outcome)>, PipelineError> {
    let project = Project::load(ws, config);
    let mut out = Vec::new();
    for doc in index_docs(&project, today)? {
        let outcome = write_document(&ws.jail, &project.abs(&doc.rel), &doc.text, false)?;
        out.push((doc.rel, outcome));
    }
    // The specifications README links the domain READMEs that exist now.
    let readme = scaffold::specifications_readme(ws, config, &project.templates(), today)?;
    let again = write_document(&ws.jail, &project.abs(&readme.rel), &readme.text, false)?;
    if let (Some((_, first)), Outcome::Updated { .. }) = (out.last_mut(), &again)
        && !matches!(first, Outcome::Created)
    {
        *first = again;
    }
    out.extend(refresh_navigation(ws, config)?);
    out.extend(refresh_traceability(ws, config, &[])?);
    Ok(out)
}

/// The READMEs Step 6 writes: with two or more domains one per domain,
/// then the specifications README.
pub fn index_docs(project: &Project<'_>, today: &str) -> Result<Vec<Doc>, PipelineError> {
    let templates = project.templates();
    let mut docs = Vec::new();
    if project.config.domains.len() >= 2 {
        for d in &project.config.domains {
            docs.push(domain_readme(project, &templates, d, today)?);
        }
    }
    docs.push(scaffold::specifications_readme(
        project.ws,
        project.config,
        &templates,
        today,
    )?);
    Ok(docs)
}

/// Whether `index` would change nothing: every README it writes exists and
/// its generated regions are what it would write now (the navigation and
/// traceability regions it refreshes are `generate`'s and `trace`'s too,
/// and their staleness is `check`'s to report).
fn index_is_current(project: &Project<'_>) -> bool {
    let ws = project.ws;
    let Ok(docs) = index_docs(project, &crate::date::today()) else {
        return false;
    };
    docs.iter().all(|doc| {
        ws.jail
            .read_to_string(
                project.abs(&doc.rel).as_std_path(),
                crate::source::MAX_FILE_BYTES,
            )
            .ok()
            .and_then(|existing| crate::region::merge(&existing, &doc.text).ok())
            .is_some_and(|m| !m.changed())
    })
}

/// `<domain>/README.md`.
fn domain_readme(
    project: &Project<'_>,
    templates: &Templates,
    d: &DomainConfig,
    today: &str,
) -> Result<Doc, PipelineError> {
    let docs: Vec<Value> = Step::ALL
        .into_iter()
        .map(|s| {
            let doc = project.doc(&d.name, s);
            let meta = |f: MetaField| {
                doc.and_then(|x| x.meta.get(f))
                    .map(|e| e.value.trim().to_string())
            };
            json!({
                "number": s.number(),
                "title": s.title(),
                "file": s.path_in_domain().rsplit('/').next(),
                "href": s.path_in_domain(),
                "exists": doc.is_some(),
                "description": s.description(),
                "status": meta(MetaField::Status),
                "version": meta(MetaField::Version),
                "last_updated": meta(MetaField::LastUpdated),
                "todos": doc.map_or(0, |x| count_todos(&x.text)),
            })
        })
        .collect();
    let first = docs
        .iter()
        .find(|x| x["exists"] == true)
        .map(|x| json!({"title": x["title"], "href": x["href"]}));
    let ctx = json!({
        "project": project.ws.project_name(),
        "domain": {"name": d.name, "prefix": d.prefix()},
        "docs": docs,
        "doc": {
            "version": "0.1.0",
            "today": today,
            "status": "Draft",
            "prev": {"title": "Specifications", "href": "../README.md"},
            "next": first.unwrap_or(json!({"title": "Specifications", "href": "../README.md"})),
        },
    });
    Ok(Doc {
        rel: join(&project.docs_root, &format!("{}/README.md", d.name)),
        text: templates.render("domain-readme.md.j2", &ctx)?,
    })
}

/// Endpoint IDs (`GET /x`) each requirement's section names, in order,
/// once each; `keep` says which references count.
fn endpoints_by_requirement(
    doc: &crate::spec::Document,
    keep: impl Fn(&crate::spec::EndpointRef) -> bool,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &doc.endpoint_refs {
        let Some(id) = &r.within else { continue };
        if !keep(r) {
            continue;
        }
        let key = format!("{} {}", r.method, r.path);
        let keys = out.entry(id.clone()).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    out
}

/// The endpoints each requirement's own words name: its section, without
/// the generated regions inside it (the candidates table under the last
/// requirement lists every endpoint of the domain).
pub(crate) fn named_endpoints(doc: &crate::spec::Document) -> BTreeMap<String, Vec<String>> {
    let regions = crate::region::find_regions(&doc.text).unwrap_or_default();
    endpoints_by_requirement(doc, |r| {
        !regions.iter().any(|g| g.inner.contains(&r.range.start))
    })
}

/// The endpoints each requirement was proposed from: those its section
/// names on a "Proposed from `METHOD /path`" line (what Step 1 writes for a
/// requirement read from the code). Only these say the handler is the
/// requirement's implementation; an endpoint merely mentioned may need new
/// behaviour.
pub(crate) fn proposed_from(doc: &crate::spec::Document) -> BTreeMap<String, Vec<String>> {
    endpoints_by_requirement(doc, |r| {
        let start = doc.text[..r.range.start].rfind('\n').map_or(0, |i| i + 1);
        doc.text[start..r.range.start].contains("Proposed from")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_by_name_and_number() {
        assert_eq!(Step::parse("api-spec"), Some(Step::ApiSpec));
        assert_eq!(Step::parse("4"), Some(Step::UseCases));
        assert_eq!(Step::parse("x"), None);
        assert_eq!(Step::UserStories.previous(), Some(Step::Requirements));
        assert_eq!(
            Step::SequenceDiagram.path_in_domain(),
            "workflows/sequence-diagram.md"
        );
        assert_eq!(Step::ApiSpec.template(), "api-spec.md.j2");
    }

    #[test]
    fn versions_on_approval() {
        let approved = |v: &str| approved_version(&semver::Version::parse(v).unwrap()).to_string();
        assert_eq!(approved("0.1.0"), "1.0.0");
        assert_eq!(approved("1.0.0"), "1.1.0");
        assert_eq!(approved("2.3.4"), "2.4.0");
        assert_eq!(approved("1.2.0-rc.1"), "1.2.0");
    }

    #[test]
    fn todos_outside_code() {
        assert_eq!(count_todos("> TODO: a\n```\nTODO\n```\nTODO: b TODO\n"), 3);
        // Indented code, a fence inside a list item, and a `TODO` word in a
        // table cell, read as CommonMark reads them.
        let doc = "# T\n\n    TODO in indented code\n\n- item\n\n  ```\n  TODO fenced\n  ```\n\n| a | b |\n|---|---|\n| x | TODO: y |\n\n`TODO` inline\n";
        let found = todos(doc);
        let at: Vec<(usize, usize)> = found.iter().map(|t| (t.line, t.column)).collect();
        assert_eq!(at, [(13, 7), (15, 2)], "{found:?}");
        assert_eq!(found[0].text, "TODO: y |");
    }

    #[test]
    fn navigation_follows_existing_documents() {
        let config = Config {
            domains: vec![
                DomainConfig {
                    name: "auth".into(),
                    prefix: None,
                },
                DomainConfig {
                    name: "orders".into(),
                    prefix: None,
                },
            ],
            ..Config::default()
        };
        let exists =
            |d: &str, s: Step| s == Step::Requirements || (d == "auth" && s == Step::UserStories);
        let spec = Spec {
            docs_root: String::new(),
            root_exists: true,
            documents: Vec::new(),
            diagnostics: Vec::new(),
        };
        let order = reading_order(&config, &spec);
        let (prev, next) = navigation(&order, &exists, "auth", Step::UserStories);
        assert_eq!(
            prev,
            json!({"title": "Requirements", "href": "requirements.md"})
        );
        assert_eq!(
            next,
            json!({"title": "Requirements: orders", "href": "../../orders/requirements/requirements.md"})
        );
        let (_, next) = navigation(&order, &exists, "orders", Step::Requirements);
        assert_eq!(
            next,
            json!({"title": "Specifications", "href": "../../README.md"})
        );
    }
}
