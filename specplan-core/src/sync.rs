//! Derived content never goes silently stale.
//!
//! Every generated region of every document — the workspace documents
//! `init` writes, Steps 1–5 of each domain, the READMEs of Step 6, the
//! traceability matrix, the consultants' `planning-docs/` — is rendered
//! again from the code and the documents as they are now, exactly as the
//! command that wrote it would, and compared with what the document holds.
//! `check` reports each region that differs (`outdated-region`) and
//! `cargo specplan sync` writes the fresh content back: only inside the
//! regions, atomically, never a byte outside them. A region a person froze
//! (`<!-- specplan:begin NAME frozen -->`) is neither reported nor written.
//!
//! The code is read once for all documents ([`CodeFacts`]); a domain's
//! documents are rendered with the answers its `generate` was given
//! (recorded in `specplan/answers/<domain>.toml`), so what a person
//! answered is not mistaken for drift.

use std::collections::BTreeMap;
use std::ops::Range;

use camino::Utf8Path;

use crate::config::Config;
use crate::diag::{Diagnostic, Span};
use crate::pipeline::{self, CodeFacts, Project, Step};
use crate::region::{self, Region};
use crate::workspace::Workspace;
use crate::write::{WriteError, write_atomic};

/// The rule `check` reports outdated regions under.
pub const RULE: &str = "outdated-region";

/// Which documents to look at.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this domain's documents (Steps 1–5, its README, its matrix).
    pub domain: Option<String>,
    /// `Last Updated` of the rendering (outside every region, so it never
    /// makes a region differ).
    pub today: String,
    /// A document not to render (workspace-relative): `generate` has just
    /// written it from the same facts.
    pub skip: Option<String>,
}

/// One region whose content is not what the tool would write now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outdated {
    pub region: String,
    /// No command writes this region any more: what it described is gone
    /// from the code (an endpoint renamed or removed). `sync` leaves it to a
    /// person, who deletes the section or freezes the region.
    pub orphaned: bool,
    /// The begin marker's bytes in the document as it is.
    pub begin: Range<usize>,
    /// The first lines that differ, `-` as it is, `+` as it would be.
    pub diff: Vec<String>,
    /// Lines of difference beyond those shown.
    pub more: usize,
}

/// A document with at least one outdated region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDrift {
    /// Workspace-relative path.
    pub rel: String,
    pub before: String,
    /// The document with every outdated region refreshed.
    pub after: String,
    pub outdated: Vec<Outdated>,
    /// The command that refreshes it.
    pub fix: String,
}

/// What is outdated, and what could not be looked at.
#[derive(Debug, Clone, Default)]
pub struct Drift {
    pub files: Vec<FileDrift>,
    /// Documents left alone (broken markers, unreadable answers …).
    pub diagnostics: Vec<Diagnostic>,
    /// Documents whose regions were compared.
    pub compared: usize,
}

impl Drift {
    /// Outdated regions, orphaned ones included.
    pub fn regions(&self) -> usize {
        self.files.iter().map(|f| f.outdated.len()).sum()
    }

    /// Regions no command writes any more.
    pub fn orphaned(&self) -> impl Iterator<Item = (&FileDrift, &Outdated)> {
        self.files.iter().flat_map(|f| {
            f.outdated
                .iter()
                .filter(|o| o.orphaned)
                .map(move |o| (f, o))
        })
    }

    /// One `outdated-region` warning per region, at its begin marker.
    pub fn to_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for f in &self.files {
            for o in &f.outdated {
                let end = o.begin.end.min(f.before.len());
                let end = f.before[..end].trim_end().len().max(o.begin.start);
                let at = Span::from_bytes(&f.before, o.begin.start, end);
                if o.orphaned {
                    out.push(
                        Diagnostic::warning(
                            RULE,
                            format!(
                                "the generated region `{}` describes something the code no longer has",
                                o.region
                            ),
                        )
                        .in_file(f.rel.clone())
                        .at(at)
                        .with_label("no command generates this region any more")
                        .with_note("an endpoint, flow or item it was generated for was renamed or removed; `sync` does not delete a person's document sections")
                        .with_help("delete the section if what it describes is gone, or write `frozen` after the region's name to keep it as it is"),
                    );
                    continue;
                }
                let mut note = o.diff.join("\n");
                if o.more > 0 {
                    note.push_str(&format!(
                        "\n… and {} more changed line{}",
                        o.more,
                        if o.more == 1 { "" } else { "s" }
                    ));
                }
                out.push(
                    Diagnostic::warning(
                        RULE,
                        format!(
                            "the generated region `{}` is not what the code and documents say now",
                            o.region
                        ),
                    )
                    .in_file(f.rel.clone())
                    .at(at)
                    .with_label("generated from an older state of the workspace")
                    .with_note(format!("what `sync` would change:\n{note}"))
                    .with_help(format!(
                        "run `{}` to refresh it (only generated regions are rewritten), or write `frozen` after the region's name to keep it as it is",
                        f.fix
                    )),
                );
            }
        }
        out
    }
}

/// What a document's regions would be, from each command that writes them,
/// applied in order (the matrix last: it is `trace`'s).
#[derive(Default)]
struct Expected {
    by_file: BTreeMap<String, (Vec<String>, String)>,
}

/// The names of the regions `texts` hold.
fn generated_names(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .filter_map(|t| region::find_regions(t).ok())
        .flatten()
        .map(|r| r.name)
        .collect()
}

impl Expected {
    fn add(&mut self, rel: &str, text: String, fix: &str) {
        let entry = self
            .by_file
            .entry(rel.to_string())
            .or_insert_with(|| (Vec::new(), fix.to_string()));
        entry.0.push(text);
    }
}

/// Renders every generated region again and compares it with the
/// documents. Writes nothing.
///
/// Regions feed each other (a story table is read by the matrix), so the
/// rendering is repeated over the refreshed texts until nothing changes:
/// one `sync` leaves nothing for a second one to do.
pub fn drift(ws: &Workspace, config: &Config, options: &Options) -> Drift {
    let code = CodeFacts::gather(ws);
    let disk = Project::load(ws, config);
    drift_with(&disk, &code, options)
}

/// [`drift`] over documents and code facts the caller has already read
/// (`check` reads both for its other rules).
pub fn drift_with(disk: &Project<'_>, code: &CodeFacts, options: &Options) -> Drift {
    const ROUNDS: usize = 4;
    let (ws, config) = (disk.ws, disk.config);
    let mut out = Drift::default();
    // The documents as they are, and the consultants' (from code only).
    let mut originals: BTreeMap<String, Option<(String, Vec<Region>)>> = BTreeMap::new();
    let consulted = if options.domain.is_none() {
        consulted_docs(ws, config, &options.today, &mut out.diagnostics)
    } else {
        Vec::new()
    };
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    let mut fixes: BTreeMap<String, String> = BTreeMap::new();
    let mut generated: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for round in 0..ROUNDS {
        let project = if round == 0 {
            None
        } else {
            Some(with_texts(disk, &current))
        };
        let project = project.as_ref().unwrap_or(disk);
        let mut diags = Vec::new();
        let mut expected = expected(project, code, options, &mut diags);
        for (rel, text) in &consulted {
            expected.add(rel, text.clone(), "cargo specplan sync");
        }
        if round == 0 {
            out.diagnostics.extend(diags);
        }
        let mut next = current.clone();
        for (rel, (texts, fix)) in expected.by_file {
            let original = originals
                .entry(rel.clone())
                .or_insert_with(|| read_document(ws, &rel));
            let Some((before, _)) = original else {
                continue;
            };
            let mut after = before.clone();
            for text in &texts {
                if let Ok(m) = region::merge(&after, text) {
                    after = m.text;
                }
            }
            fixes.insert(rel.clone(), fix);
            generated.insert(rel.clone(), generated_names(&texts));
            next.insert(rel, after);
        }
        // Nothing differs from the files: no region feeds another a new
        // value, so a second round would render the same.
        let unchanged = next.iter().all(|(rel, text)| {
            originals
                .get(rel)
                .and_then(|o| o.as_ref())
                .is_some_and(|(before, _)| before == text)
        });
        if next == current || unchanged {
            current = next;
            break;
        }
        current = next;
    }
    for (rel, original) in originals {
        let Some((before, old)) = original else {
            continue;
        };
        out.compared += 1;
        let Some(after) = current.remove(&rel) else {
            continue;
        };
        let Ok(new) = region::find_regions(&after) else {
            continue;
        };
        let names = generated.remove(&rel).unwrap_or_default();
        let mut outdated = compare(&before, &old, &after, &new);
        outdated.extend(
            old.iter()
                .filter(|r| !r.frozen && !names.contains(&r.name))
                .map(|r| Outdated {
                    region: r.name.clone(),
                    orphaned: true,
                    begin: r.begin.clone(),
                    diff: Vec::new(),
                    more: 0,
                }),
        );
        outdated.sort_by_key(|o| o.begin.start);
        if !outdated.is_empty() {
            out.files.push(FileDrift {
                fix: fixes
                    .remove(&rel)
                    .unwrap_or_else(|| "cargo specplan sync".into()),
                rel,
                before,
                after,
                outdated,
            });
        }
    }
    out
}

/// A document's text and regions, when it exists and its regions can be
/// trusted (`check` reports the others: unreadable files, broken markers).
/// `sync` refreshes documents; it does not create them.
fn read_document(ws: &Workspace, rel: &str) -> Option<(String, Vec<Region>)> {
    let path = ws.root.join(rel);
    if !ws.jail.is_file(path.as_std_path()) {
        return None;
    }
    let text = ws
        .jail
        .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
        .ok()?;
    let regions = region::find_regions(&text).ok()?;
    Some((text, regions))
}

/// The project as it would be with `texts` (workspace-relative path →
/// text) in place of the documents on disk.
fn with_texts<'a>(disk: &Project<'a>, texts: &BTreeMap<String, String>) -> Project<'a> {
    let domains: Vec<(String, String)> = disk
        .config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect();
    let ctx = crate::spec::Context::new(&disk.docs_root, &domains);
    let mut spec = disk.spec.clone();
    for doc in &mut spec.documents {
        if let Some(text) = texts.get(&doc.path)
            && *text != doc.text
        {
            *doc = crate::spec::parse_document(&doc.rel, text, &ctx);
        }
    }
    Project {
        ws: disk.ws,
        config: disk.config,
        docs_root: disk.docs_root.clone(),
        spec,
    }
}

/// What every command that writes regions would write now, per document.
fn expected(
    project: &Project<'_>,
    code: &CodeFacts,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Expected {
    let (ws, config) = (project.ws, project.config);
    let today = options.today.as_str();
    let wanted = |d: &str| options.domain.as_deref().is_none_or(|w| w == d);
    let whole = options.domain.is_none();
    let mut expected = Expected::default();
    let fix_all = "cargo specplan sync";
    let fix_domain = |d: &str| format!("cargo specplan sync --domain {d}");
    let render_error = |what: &str, e: &dyn std::fmt::Display| {
        Diagnostic::warning(
            "broken-region",
            format!("could not render {what} to compare its regions: {e}"),
        )
        .with_help("its generated regions are not checked for drift until this is fixed")
    };

    let has_regions = |rel: &str| {
        project
            .spec
            .documents
            .iter()
            .any(|d| d.path == rel && !d.regions.is_empty())
    };
    let root = |name: &str| {
        if project.docs_root.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", project.docs_root)
        }
    };
    // `init`: the workspace documents (and the specifications README).
    let workspace_docs = [
        "README.md",
        "architecture.md",
        "config.md",
        "infrastructure.md",
    ];
    if whole && workspace_docs.iter().any(|n| has_regions(&root(n))) {
        match crate::scaffold::workspace_docs(ws, code.inspection(), config, today) {
            Ok(docs) => {
                for d in docs {
                    expected.add(&d.rel, d.text, fix_all);
                }
            }
            Err(e) => diagnostics.push(render_error("the workspace documents", &e)),
        }
    }
    // Steps 1–5, with the answers each domain was generated with, rendered
    // on every core (the code facts are shared; each is computed once).
    let mut jobs: Vec<(
        &crate::config::DomainConfig,
        Step,
        std::sync::Arc<pipeline::Answers>,
    )> = Vec::new();
    for d in config.domains.iter().filter(|d| wanted(&d.name)) {
        let answers = match pipeline::answers::recorded(ws, &d.name) {
            Ok(a) => std::sync::Arc::new(a),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("invalid-toml", e.message.clone())
                        .in_file(e.path.clone())
                        .with_help(format!(
                            "the documents of `{}` are not checked for drift until the answers file is valid",
                            d.name
                        )),
                );
                continue;
            }
        };
        for step in Step::ALL {
            // Nothing to compare in a document without regions.
            if project
                .doc(&d.name, step)
                .is_some_and(|doc| !doc.regions.is_empty())
                && options.skip.as_deref() != Some(project.rel(&d.name, step).as_str())
            {
                jobs.push((d, step, answers.clone()));
            }
        }
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let chunk = jobs.len().div_ceil(threads).max(1);
    let rendered: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|(d, step, answers)| {
                            pipeline::render_step_with(project, code, d, *step, answers, today)
                                .map_err(|e| (project.rel(&d.name, *step), e.to_string()))
                                .map(|doc| (d.name.clone(), doc))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for r in rendered {
        match r {
            Ok((domain, doc)) => expected.add(&doc.rel, doc.text, &fix_domain(&domain)),
            Err((rel, e)) => diagnostics.push(render_error(&rel, &e)),
        }
    }
    // Step 6: the READMEs.
    match pipeline::index_docs(project, today) {
        Ok(docs) => {
            for doc in docs {
                let domain_of = doc
                    .rel
                    .strip_prefix(&format!("{}/", project.docs_root))
                    .and_then(|r| r.strip_suffix("/README.md"));
                match domain_of {
                    Some(d) if wanted(d) => expected.add(&doc.rel, doc.text, &fix_domain(d)),
                    None if whole => expected.add(&doc.rel, doc.text, fix_all),
                    _ => {}
                }
            }
        }
        Err(e) => diagnostics.push(render_error("the READMEs of `index`", &e)),
    }
    // The traceability matrix, last: the region is `trace`'s.
    let domains: Vec<(String, String)> = config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect();
    let lock = crate::trace::lock::Lock::load(&ws.jail).ok().flatten();
    let matrix = crate::trace::build(&crate::trace::Inputs {
        spec: &project.spec,
        annotations: &code.annotations,
        routes: Some(&code.routes),
        domains: &domains,
        lock: lock.as_ref(),
    });
    for d in config.domains.iter().filter(|d| wanted(&d.name)) {
        if let Some(doc) = project.doc(&d.name, Step::Requirements) {
            let text = crate::trace::region_text(&matrix, &d.name, &doc.path);
            expected.add(&doc.path, text, &fix_domain(&d.name));
        }
    }
    expected
}

/// The consultants' documents as `consult` would write them now, for each
/// `planning-docs/<slug>/` folder with the feature its documents name.
fn consulted_docs(
    ws: &Workspace,
    config: &Config,
    today: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (feature, dir) in consulted_features(ws) {
        let opts = crate::consult::Options {
            today: today.to_string(),
            advisory_db: None,
            no_advisory_db: false,
        };
        match crate::consult::consult(ws, config, &feature, &opts) {
            Ok(c) if c.dir == dir => out.extend(c.docs.into_iter().map(|d| (d.rel, d.text))),
            Ok(_) => {}
            Err(e) => diagnostics.push(
                Diagnostic::warning(
                    "broken-region",
                    format!("could not render `{dir}` to compare its regions: {e}"),
                )
                .with_help("its generated regions are not checked for drift until this is fixed"),
            ),
        }
    }
    out
}

/// Writes the refreshed documents; returns, per file, the regions written.
pub fn apply(ws: &Workspace, drift: &Drift) -> Result<Vec<(String, Vec<String>)>, WriteError> {
    let mut out = Vec::new();
    for f in drift.files.iter().filter(|f| f.after != f.before) {
        let path = ws.root.join(&f.rel);
        // The document may have changed since it was read: merge into what
        // is there now, so a word typed meanwhile is not lost.
        let now = ws
            .jail
            .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
            .map_err(|source| WriteError::Io {
                path: path.clone(),
                source: std::io::Error::other(source.to_string()),
            })?;
        let text = if now == f.before {
            f.after.clone()
        } else {
            region::merge(&now, &f.after)
                .map_err(|source| WriteError::Regions {
                    path: path.clone(),
                    source,
                })?
                .text
        };
        write_atomic(&ws.jail, Utf8Path::new(&path), &text)?;
        out.push((
            f.rel.clone(),
            f.outdated
                .iter()
                .filter(|o| !o.orphaned)
                .map(|o| o.region.clone())
                .collect(),
        ));
    }
    Ok(out)
}

/// The regions of `before` whose content differs in `after`.
fn compare(before: &str, old: &[Region], after: &str, new: &[Region]) -> Vec<Outdated> {
    const SHOWN: usize = 8;
    let mut out = Vec::new();
    for o in old {
        let Some(n) = new.iter().find(|n| n.name == o.name) else {
            continue;
        };
        let (was, now) = (&before[o.inner.clone()], &after[n.inner.clone()]);
        if was == now {
            continue;
        }
        let diff = similar::TextDiff::from_lines(was, now);
        let mut lines = Vec::new();
        for change in diff.iter_all_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => continue,
            };
            lines.push(format!(
                "{sign} {}",
                change.value().trim_end_matches(['\n', '\r'])
            ));
        }
        let more = lines.len().saturating_sub(SHOWN);
        lines.truncate(SHOWN);
        out.push(Outdated {
            region: o.name.clone(),
            orphaned: false,
            begin: o.begin.clone(),
            diff: lines,
            more,
        });
    }
    out
}

/// `(feature, folder)` of every `planning-docs/<slug>/` whose documents
/// name their feature (`- **Feature:** Password reset`).
fn consulted_features(ws: &Workspace) -> Vec<(String, String)> {
    let root = ws.root.join(crate::consult::OUT_DIR);
    let Some(entries) = ws
        .jail
        .resolve(root.as_std_path())
        .ok()
        .and_then(|real| std::fs::read_dir(real).ok())
    else {
        return Vec::new();
    };
    let mut dirs: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    dirs.sort();
    let ctx = crate::spec::Context::new("", &[] as &[(String, String)]);
    let mut out = Vec::new();
    for slug in dirs {
        let dir = format!("{}/{slug}", crate::consult::OUT_DIR);
        let feature = crate::consult::DOCS.iter().find_map(|info| {
            let rel = format!("{dir}/{}", info.file);
            let text = ws
                .jail
                .read_to_string(
                    ws.root.join(&rel).as_std_path(),
                    crate::source::MAX_FILE_BYTES,
                )
                .ok()?;
            let doc = crate::spec::parse_document(&rel, &text, &ctx);
            doc.meta
                .entries
                .iter()
                .find(|e| e.key.eq_ignore_ascii_case("feature"))
                .map(|e| e.value.clone())
                .filter(|v| !v.is_empty())
        });
        if let Some(feature) = feature {
            out.push((feature, dir));
        }
    }
    out
}
