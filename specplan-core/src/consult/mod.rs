//! `consult`: the five backend consultants of seed 002, as real analyses of
//! the workspace, and the summary that combines them.
//!
//! | consultant | document |
//! |---|---|
//! | backend (API design) | `04-api-design.md` |
//! | database (data model) | `05-data-model.md` |
//! | stack (technology) | `06-tech-recommendations.md` |
//! | security | `07-security-requirements.md` |
//! | compliance | `08-compliance-requirements.md` |
//! | summary | `00-backend-summary.md` |
//!
//! How: the workspace is read once into a [`Snapshot`] (one walk, the Rust
//! sources parsed once into [`facts`], the routes extracted once, the stack
//! detected once, the data model read once), then the five consultants run
//! in parallel with `std::thread::scope`, each a pure function of the
//! snapshot and the feature. Each returns a template context, its key
//! decisions (the seed's "minimal return") and its findings for the summary;
//! the documents are rendered from the overridable templates in
//! `templates/consult/`. Nothing goes online.

pub mod advisories;
mod api;
mod compliance;
mod data;
pub mod facts;
pub mod schema;
mod security;
mod tech;

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Config;
use crate::detect::{self, Stack};
use crate::diag::{self, Diagnostic};
use crate::routes::{self, RouteSet};
use crate::scan::env::{self, EnvScan};
use crate::source::{self, Files};
use crate::templates::{TemplateError, Templates};
use crate::workspace::Workspace;

use facts::CodeFacts;
use schema::Schema;

/// The folder the documents go in, relative to the workspace root.
pub const OUT_DIR: &str = "planning-docs";

/// The seed's shell line, byte for byte:
/// `echo "$ARGUMENTS" | tr '[:upper:]' '[:lower:]' | tr ' ' '-' | tr -cd '[:alnum:]-'`.
///
/// In the C locale `tr` works on bytes: ASCII upper case is lowered, each
/// space becomes `-`, and every byte that is not an ASCII letter, digit or
/// `-` is deleted (so letters outside ASCII vanish, tabs and the newline
/// `echo` adds too). Runs of `-` are kept, as `tr` keeps them.
pub fn slug(feature: &str) -> String {
    feature
        .bytes()
        .map(|b| {
            if b == b' ' {
                b'-'
            } else {
                b.to_ascii_lowercase()
            }
        })
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .map(char::from)
        .collect()
}

/// The feature being planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feature {
    /// As the person wrote it.
    pub name: String,
    pub slug: String,
    /// Lower-case words that find related code: the name's words without
    /// filler, singular.
    pub keywords: Vec<String>,
}

const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "api",
    "add",
    "by",
    "feature",
    "flow",
    "for",
    "from",
    "in",
    "into",
    "new",
    "of",
    "on",
    "or",
    "support",
    "the",
    "to",
    "via",
    "with",
    "endpoint",
    "endpoints",
    "my",
    "our",
    "user's",
    "allow",
    "let",
    "can",
];

impl Feature {
    pub fn new(name: &str) -> Feature {
        let mut keywords: Vec<String> = Vec::new();
        for w in name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let w = w.to_lowercase();
            if STOPWORDS.contains(&w.as_str()) || w.len() < 2 {
                continue;
            }
            let w = singular(&w);
            if !keywords.contains(&w) {
                keywords.push(w);
            }
        }
        Feature {
            name: name.trim().to_string(),
            slug: slug(name),
            keywords,
        }
    }

    /// Whether `text` (an identifier, path or name) mentions a keyword.
    pub fn matches(&self, text: &str) -> Option<&str> {
        let t = text.to_lowercase();
        self.keywords
            .iter()
            .find(|k| t.contains(k.as_str()))
            .map(String::as_str)
    }
}

fn singular(w: &str) -> String {
    if w.len() > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

/// Everything the consultants look at, read once.
pub struct Snapshot<'a> {
    pub ws: &'a Workspace,
    pub files: Files,
    pub facts: CodeFacts,
    pub routes: RouteSet,
    pub stack: Stack,
    pub schema: Schema,
    pub env: EnvScan,
    /// The configured domains, else the proposed ones: (name, prefix).
    pub domains: Vec<String>,
}

impl<'a> Snapshot<'a> {
    /// One walk; then the routes, the stack, the code facts and the
    /// environment are read side by side, and the data model from the facts.
    pub fn take(ws: &'a Workspace, config: &Config) -> Snapshot<'a> {
        let files = source::walk_workspace(ws);
        let sources = crate::scan::rust_sources(ws, &files);
        let (routes, stack, facts, env, proposed) = std::thread::scope(|s| {
            let routes = s.spawn(|| routes::extract(ws, &files));
            let stack = s.spawn(|| detect::detect(ws, &files));
            let env = s.spawn(|| env::env_vars(ws, &files));
            let domains = s.spawn(|| crate::domains::propose(ws, &files));
            let facts = facts::collect(&sources);
            (join(routes), join(stack), facts, join(env), join(domains))
        });
        let databases: Vec<String> = stack.databases.iter().map(|d| d.name.clone()).collect();
        let schema = schema::extract(&files.files, &databases, &facts);
        let domains = if config.domains.is_empty() {
            proposed.into_iter().map(|d| d.name).collect()
        } else {
            config.domains.iter().map(|d| d.name.clone()).collect()
        };
        Snapshot {
            ws,
            files,
            facts,
            routes,
            stack,
            schema,
            env,
            domains,
        }
    }

    /// Problems met reading the workspace, once each.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut d = self.ws.diagnostics.clone();
        d.extend(self.files.diagnostics.iter().cloned());
        d.extend(self.facts.diagnostics.iter().cloned());
        d.extend(self.stack.diagnostics.iter().cloned());
        d.extend(self.schema.diagnostics.iter().cloned());
        d
    }

    /// A Markdown link from a planning document to `file:line`.
    pub fn link(&self, file: &str, line: usize) -> String {
        if line == 0 {
            format!("[{file}](../../{file})")
        } else {
            format!("[{file}:{line}](../../{file}#L{line})")
        }
    }
}

/// Joins a scoped thread, passing its panic on.
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// The five documents and the summary, in the seed's order.
pub const DOCS: &[DocInfo] = &[
    DocInfo {
        file: "00-backend-summary.md",
        title: "Backend Summary",
        consultant: "summary",
        template: "consult/00-backend-summary.md.j2",
    },
    DocInfo {
        file: "04-api-design.md",
        title: "API Design",
        consultant: "backend-consultant",
        template: "consult/04-api-design.md.j2",
    },
    DocInfo {
        file: "05-data-model.md",
        title: "Data Model",
        consultant: "database-consultant",
        template: "consult/05-data-model.md.j2",
    },
    DocInfo {
        file: "06-tech-recommendations.md",
        title: "Technology Recommendations",
        consultant: "stack-consultant",
        template: "consult/06-tech-recommendations.md.j2",
    },
    DocInfo {
        file: "07-security-requirements.md",
        title: "Security Requirements",
        consultant: "security-consultant",
        template: "consult/07-security-requirements.md.j2",
    },
    DocInfo {
        file: "08-compliance-requirements.md",
        title: "Compliance Requirements",
        consultant: "compliance-consultant",
        template: "consult/08-compliance-requirements.md.j2",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocInfo {
    pub file: &'static str,
    pub title: &'static str,
    pub consultant: &'static str,
    pub template: &'static str,
}

/// What one consultant found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The template context (without `doc` and `feature`, added after).
    pub context: Value,
    /// One or two sentences: the seed's "Key decisions".
    pub key_decisions: String,
    /// Bullet points for the summary's section.
    pub summary: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub info: DocInfo,
    /// Workspace-relative path.
    pub rel: String,
    pub text: String,
    pub key_decisions: String,
}

/// The consultation: the documents 04–08, then 00.
#[derive(Debug, Clone)]
pub struct Consultation {
    pub feature: Feature,
    /// `planning-docs/<slug>`, workspace-relative.
    pub dir: String,
    pub docs: Vec<Doc>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConsultError {
    #[error(
        "the feature name `{0}` has no ASCII letter or digit, so its folder name would be empty"
    )]
    EmptySlug(String),
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// What `consult` needs besides the workspace.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `Last Updated` of new documents (`YYYY-MM-DD`).
    pub today: String,
    /// A local RustSec advisory database; `None` looks in the places
    /// `cargo audit` and `cargo deny` keep one.
    pub advisory_db: Option<camino::Utf8PathBuf>,
    /// Do not look for an advisory database at all.
    pub no_advisory_db: bool,
}

/// Runs the five consultants over a snapshot and renders the documents.
pub fn consult(
    ws: &Workspace,
    config: &Config,
    feature_name: &str,
    options: &Options,
) -> Result<Consultation, ConsultError> {
    let feature = Feature::new(feature_name);
    if feature.slug.trim_matches('-').is_empty() {
        return Err(ConsultError::EmptySlug(feature_name.to_string()));
    }
    let snap = Snapshot::take(ws, config);
    let db = if options.no_advisory_db {
        None
    } else {
        options
            .advisory_db
            .clone()
            .or_else(advisories::find_local_db)
    };
    let (api, data, tech, security, compliance) = std::thread::scope(|s| {
        let snap = &snap;
        let feature = &feature;
        let db = db.as_deref();
        let api = s.spawn(move || api::consult(snap, feature));
        let data = s.spawn(move || data::consult(snap, feature));
        let tech = s.spawn(move || tech::consult(snap, feature, db));
        let security = s.spawn(move || security::consult(snap, feature));
        let compliance = compliance::consult(snap, feature);
        (
            join(api),
            join(data),
            join(tech),
            join(security),
            compliance,
        )
    });
    let templates = Templates::new(crate::templates::Overrides::of(ws, config));
    let dir = format!("{OUT_DIR}/{}", feature.slug);
    let mut diagnostics = snap.diagnostics();
    let reports = [&api, &data, &tech, &security, &compliance];
    let mut docs = Vec::new();
    for (i, report) in reports.iter().enumerate() {
        let info = DOCS[i + 1];
        diagnostics.extend(report.diagnostics.iter().cloned());
        docs.push(render(&templates, info, &feature, &dir, options, report)?);
    }
    let summary = summary(&feature, &reports);
    docs.push(render(
        &templates, DOCS[0], &feature, &dir, options, &summary,
    )?);
    diag::sort(&mut diagnostics);
    Ok(Consultation {
        feature,
        dir,
        docs,
        diagnostics,
    })
}

fn render(
    templates: &Templates,
    info: DocInfo,
    feature: &Feature,
    dir: &str,
    options: &Options,
    report: &Report,
) -> Result<Doc, ConsultError> {
    let i = DOCS.iter().position(|d| d.file == info.file).unwrap_or(0);
    let prev = DOCS[(i + DOCS.len() - 1) % DOCS.len()];
    let next = DOCS[(i + 1) % DOCS.len()];
    let mut ctx = report.context.clone();
    if !ctx.is_object() {
        ctx = json!({});
    }
    ctx["feature"] = json!(feature);
    ctx["key_decisions"] = json!(report.key_decisions);
    ctx["doc"] = json!({
        "version": "0.1.0",
        "today": options.today,
        "status": "Draft",
        "consultant": info.consultant,
        "title": info.title,
        "prev": {"title": prev.title, "href": prev.file},
        "next": {"title": next.title, "href": next.file},
    });
    let text = templates.render(info.template, &ctx)?;
    Ok(Doc {
        info,
        rel: format!("{dir}/{}", info.file),
        text,
        key_decisions: report.key_decisions.clone(),
    })
}

/// The seed's summary: one section per consultant, then the order of work.
fn summary(feature: &Feature, reports: &[&Report; 5]) -> Report {
    let [api, data, tech, security, compliance] = reports;
    let ctx = json!({
        "api": api.summary,
        "data": data.summary,
        "tech": tech.summary,
        "security": security.summary,
        "compliance": compliance.summary,
        "decisions": [
            {"title": "API Design", "href": "04-api-design.md", "text": api.key_decisions},
            {"title": "Data Model", "href": "05-data-model.md", "text": data.key_decisions},
            {"title": "Technology Recommendations", "href": "06-tech-recommendations.md", "text": tech.key_decisions},
            {"title": "Security Requirements", "href": "07-security-requirements.md", "text": security.key_decisions},
            {"title": "Compliance Requirements", "href": "08-compliance-requirements.md", "text": compliance.key_decisions},
        ],
    });
    Report {
        context: ctx,
        key_decisions: format!(
            "Combined backend design for {}: API, data model, technology, security and compliance findings, with the implementation order.",
            feature.name
        ),
        summary: Vec::new(),
        diagnostics: Vec::new(),
    }
}

/// A Markdown table cell.
pub(crate) fn cell(s: &str) -> String {
    crate::templates::cell(s)
}

/// Inline code for a Markdown table cell.
pub(crate) fn code(s: &str) -> String {
    crate::templates::code(s)
}

#[cfg(test)]
mod tests;
