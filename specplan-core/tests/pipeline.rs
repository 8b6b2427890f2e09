//! The document pipeline end to end on a copy of the example backend:
//! Steps 1–5 for both domains behind the review gate, the index, `check`
//! with no structure errors, snapshots of every generated document, a
//! person's edits surviving regeneration, and every Mermaid block parsed by
//! the official `mermaid` package (tests/mermaid, `npm ci`).

use std::path::{Path, PathBuf};

use camino::{Utf8Path, Utf8PathBuf};
use specplan_core::config::{self, Loaded};
use specplan_core::pipeline::{self, Answers, GenerateOptions, PipelineError, Step};
use specplan_core::write::Outcome;
use specplan_core::{Level, Workspace};

const TODAY: &str = "2026-01-15";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        // The lock records texts of the committed docs, not of these.
        if name == "target" || name == "docs" || name == "specplan.lock" {
            continue;
        }
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            std::fs::copy(&p, to.join(&name)).unwrap();
        }
    }
}

/// The example backend without its docs, its path dependency on the
/// macros replaced by a version (the copy lives elsewhere).
fn storefront() -> (tempfile::TempDir, Workspace, Loaded) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("storefront");
    copy_dir(&repo().join("examples/storefront"), &root);
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replace(
        "specplan-macros = { path = \"../../specplan-macros\" }",
        "specplan-macros = \"0.1\"",
    );
    std::fs::write(&manifest, text).unwrap();
    let ws = Workspace::load(Some(&manifest), &root).unwrap();
    let loaded = config::load(&ws).unwrap();
    // What `init` writes: the workspace documents and the index.
    let inspection = specplan_core::inspect::inspect(&ws);
    for doc in
        specplan_core::scaffold::workspace_docs(&ws, &inspection, &loaded.config, TODAY).unwrap()
    {
        specplan_core::write::write_document(&ws.jail, &ws.root.join(&doc.rel), &doc.text, false)
            .unwrap();
    }
    (tmp, ws, loaded)
}

fn answers() -> Answers {
    Answers::parse(
        r#"
purpose = "Lets shoppers create an account, sign in and out, and see who they are signed in as."
role = "shopper"
base-url = "http://localhost:8080"
stakeholders = ["Shopper: signs up and signs in quickly", "Security reviewer: password storage and token lifetime"]
nfrs = ["Security: passwords are stored only as argon2id hashes"]
constraints = ["Operational: DATABASE_URL and JWT_SECRET are required"]
"#,
    )
    .unwrap()
}

fn gen_opts(step: Option<Step>, force: bool) -> GenerateOptions {
    GenerateOptions {
        step,
        answers: answers(),
        force,
        today: TODAY.into(),
    }
}

fn read(ws: &Workspace, rel: &str) -> String {
    std::fs::read_to_string(ws.root.join(rel)).unwrap()
}

/// Walks both domains through the five steps with approvals, then the index.
fn walk(ws: &Workspace, loaded: &Loaded) {
    let cfg = &loaded.config;
    for d in ["auth", "orders"] {
        for step in Step::ALL {
            let done = pipeline::generate(ws, cfg, d, &gen_opts(None, false))
                .unwrap_or_else(|e| panic!("{d} {step}: {e}"));
            assert_eq!(done.step, step);
            assert_eq!(done.outcome, Outcome::Created);
            assert!(done.forced.is_none());
            let next = step.number() < 5;
            if next {
                // The gate holds the next step until this one is approved.
                let err = pipeline::generate(ws, cfg, d, &gen_opts(None, false)).unwrap_err();
                assert!(matches!(err, PipelineError::Gate(_)), "{err}");
            }
            let a = pipeline::approve(ws, cfg, d, step, false, TODAY).unwrap();
            assert!(a.changed);
            assert_eq!(a.new_version, "1.0.0");
        }
    }
    pipeline::index(ws, cfg, TODAY).unwrap();
}

fn generated_docs(ws: &Workspace) -> Vec<String> {
    let mut out = Vec::new();
    for d in ["auth", "orders"] {
        out.push(format!("docs/en/specifications/{d}/README.md"));
        for s in Step::ALL {
            out.push(format!("docs/en/specifications/{d}/{}", s.path_in_domain()));
        }
    }
    out.push("docs/en/specifications/README.md".into());
    out.retain(|r| ws.root.join(r).is_file());
    out
}

#[test]
fn walk_all_steps_then_check_is_clean() {
    let (_tmp, ws, loaded) = storefront();
    walk(&ws, &loaded);
    let status = pipeline::status(&ws, &loaded.config);
    for d in &status.domains {
        assert!(
            d.steps
                .iter()
                .all(|s| s.status.as_deref() == Some("Approved"))
        );
        // `walk` ran the index last: what is next is keeping it honest.
        assert_eq!(d.next, "cargo specplan check");
    }
    // Without the index (or with a stale one), the index is next.
    let readme = ws.root.join("docs/en/specifications/auth/README.md");
    let kept = std::fs::read_to_string(&readme).unwrap();
    std::fs::remove_file(&readme).unwrap();
    let status = pipeline::status(&ws, &loaded.config);
    assert!(
        status
            .domains
            .iter()
            .all(|d| d.next == "cargo specplan index")
    );
    std::fs::write(&readme, kept).unwrap();
    let report = specplan_core::check::run(&ws, &loaded, &Default::default()).unwrap();
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| {
            format!(
                "{} {:?}:{:?} {}",
                d.rule,
                d.file,
                d.span.map(|s| s.line),
                d.message
            )
        })
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let structure = [
        "missing-meta",
        "missing-navigation",
        "toc-mismatch",
        "section-numbering",
        "missing-diagram",
        "invalid-mermaid",
        "missing-acceptance-criteria",
        "missing-examples",
        "participant-notation",
        "broken-link",
        "review-gate",
        "missing-file",
        "missing-item",
        "ambiguous-file",
        "undocumented-endpoint",
        "unrouted-endpoint",
        "endpoint-requirement-mismatch",
        "undefined-id",
        "duplicate-id",
        "story-without-use-case",
        "uncovered-requirement",
    ];
    let warned: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| structure.contains(&d.rule.as_str()))
        .map(|d| format!("{} {:?} {}", d.rule, d.file, d.message))
        .collect();
    assert!(warned.is_empty(), "{warned:#?}");

    // Snapshots of every generated document.
    for rel in generated_docs(&ws) {
        let name = rel
            .trim_start_matches("docs/en/specifications/")
            .replace(['/', '.'], "_");
        insta::assert_snapshot!(name, read(&ws, &rel));
    }

    // `index` again, and `init`'s README: nothing changes.
    let before: Vec<String> = generated_docs(&ws).iter().map(|r| read(&ws, r)).collect();
    let again = pipeline::index(&ws, &loaded.config, "2027-01-01").unwrap();
    assert!(
        again
            .iter()
            .all(|(_, o)| matches!(o, Outcome::Unchanged { .. })),
        "{again:?}"
    );
    let templates = specplan_core::templates::Templates::new(None);
    let readme = specplan_core::scaffold::specifications_readme(
        &ws,
        &loaded.config,
        &templates,
        "2027-01-01",
    )
    .unwrap();
    let merged = specplan_core::write::write_document(
        &ws.jail,
        &ws.root.join(&readme.rel),
        &readme.text,
        false,
    )
    .unwrap();
    assert!(matches!(merged, Outcome::Unchanged { .. }), "{merged:?}");
    let after: Vec<String> = generated_docs(&ws).iter().map(|r| read(&ws, r)).collect();
    assert_eq!(before, after);
}

#[test]
fn gate_force_and_approve() {
    let (_tmp, ws, loaded) = storefront();
    let cfg = &loaded.config;
    pipeline::generate(&ws, cfg, "auth", &gen_opts(None, false)).unwrap();
    let err = pipeline::generate(&ws, cfg, "auth", &gen_opts(Some(Step::ApiSpec), false))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Step 3 (api-spec) of `auth` waits for Step 2 (user-stories)"),
        "{err}"
    );
    // Past the gate with --force: said, and written.
    let done = pipeline::generate(&ws, cfg, "auth", &gen_opts(Some(Step::ApiSpec), true)).unwrap();
    assert!(done.forced.is_some());
    assert_eq!(done.outcome, Outcome::Created);
    // Approving Step 3 while Step 2 does not exist is refused.
    let err = pipeline::approve(&ws, cfg, "auth", Step::ApiSpec, false, TODAY).unwrap_err();
    assert!(matches!(err, PipelineError::Gate(_)), "{err}");
    let a = pipeline::approve(&ws, cfg, "auth", Step::Requirements, false, TODAY).unwrap();
    assert_eq!(
        (a.old_version.as_str(), a.new_version.as_str()),
        ("0.1.0", "1.0.0")
    );
    let text = read(&ws, &a.rel);
    assert!(text.contains("- **Status:** Approved\n"), "{text}");
    assert!(text.contains("- **Last Updated:** 2026-01-15\n"));
    // Approving again changes nothing.
    let again =
        pipeline::approve(&ws, cfg, "auth", Step::Requirements, false, "2027-01-01").unwrap();
    assert!(!again.changed);
    assert_eq!(read(&ws, &a.rel), text);
    assert!(matches!(
        pipeline::generate(&ws, cfg, "nope", &gen_opts(None, false)),
        Err(PipelineError::UnknownDomain { .. })
    ));
}

#[test]
fn approve_changes_only_the_values_it_owns() {
    let (_tmp, ws, loaded) = storefront();
    let cfg = &loaded.config;
    let done = pipeline::generate(&ws, cfg, "auth", &gen_opts(None, false)).unwrap();
    let path = ws.root.join(&done.rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replacen("**Status:** Draft", "**Status:** Draft — note from Bob", 1)
        .replacen(
            "**Version:** 0.1.0",
            "**Version:** 2.3.0 (see changelog)",
            1,
        )
        .replacen(
            "**Last Updated:** 2026-01-15",
            "**Last Updated:** 2026-01-15, after the workshop",
            1,
        );
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).unwrap();
    // The note does not make the value invalid for check.
    let report = specplan_core::check::run(&ws, &loaded, &Default::default()).unwrap();
    let meta: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "missing-meta" && d.file.as_deref() == Some(done.rel.as_str()))
        .collect();
    assert!(meta.is_empty(), "{meta:#?}");
    let a = pipeline::approve(&ws, cfg, "auth", Step::Requirements, false, "2026-02-01").unwrap();
    // Never lowered: 2.3.0 approved is 2.4.0, not 1.0.0.
    assert_eq!(
        (a.old_version.as_str(), a.new_version.as_str()),
        ("2.3.0 (see changelog)", "2.4.0")
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("**Status:** Approved — note from Bob\n"),
        "{after}"
    );
    assert!(
        after.contains("**Version:** 2.4.0 (see changelog)\n"),
        "{after}"
    );
    assert!(
        after.contains("**Last Updated:** 2026-02-01, after the workshop\n"),
        "{after}"
    );
    // Everything else is byte for byte what the person had.
    let norm = |s: &str| {
        s.replace("Approved — note from Bob", "X")
            .replace("Draft — note from Bob", "X")
            .replace("2.4.0 (see", "V (see")
            .replace("2.3.0 (see", "V (see")
            .replace("2026-02-01, after", "D, after")
            .replace("2026-01-15, after", "D, after")
    };
    assert_eq!(norm(&after), norm(&edited));
}

#[test]
fn edits_outside_regions_survive_regeneration() {
    let (_tmp, ws, loaded) = storefront();
    let cfg = &loaded.config;
    let done = pipeline::generate(&ws, cfg, "auth", &gen_opts(None, false)).unwrap();
    let path = ws.root.join(&done.rel);
    let original = std::fs::read_to_string(&path).unwrap();
    // A person writes between the sections and edits a requirement, and
    // vandalises a generated region.
    let edited = original
        .replace(
            "## 2. System Context\n",
            "## 2. System Context\n\nWritten by hand: the shop front is the only client.\n",
        )
        .replace(
            "### FR-AUTH-01: Register",
            "### FR-AUTH-01: Register (edited)",
        )
        .replace("Person(user, \"Shopper\"", "Person(user, \"Vandal\"");
    assert_ne!(edited, original);
    std::fs::write(&path, &edited).unwrap();
    let again =
        pipeline::generate(&ws, cfg, "auth", &gen_opts(Some(Step::Requirements), false)).unwrap();
    let Outcome::Updated { regions, .. } = &again.outcome else {
        panic!("{:?}", again.outcome);
    };
    assert!(
        regions.contains(&"system-context".to_string()),
        "{regions:?}"
    );
    let now = std::fs::read_to_string(&path).unwrap();
    assert!(now.contains("Written by hand: the shop front is the only client."));
    assert!(now.contains("### FR-AUTH-01: Register (edited)"));
    assert!(!now.contains("Vandal"));
    // Regenerating once more changes nothing.
    let third =
        pipeline::generate(&ws, cfg, "auth", &gen_opts(Some(Step::Requirements), false)).unwrap();
    assert!(
        matches!(third.outcome, Outcome::Unchanged { .. }),
        "{:?}",
        third.outcome
    );
    // --force replaces the file and keeps the old one beside it.
    let forced =
        pipeline::generate(&ws, cfg, "auth", &gen_opts(Some(Step::Requirements), true)).unwrap();
    let Outcome::Replaced { backup } = forced.outcome else {
        panic!("{:?}", forced.outcome);
    };
    assert!(
        std::fs::read_to_string(&backup)
            .unwrap()
            .contains("Written by hand")
    );
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("Written by hand")
    );
}

#[test]
fn templates_are_overridable_per_project() {
    let (_tmp, ws, mut loaded) = storefront();
    let dir = ws.root.join("specplan/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("requirements.md.j2"),
        "# Ours: {{ domain.name }}\n\n{{ doc.navigation }}\n",
    )
    .unwrap();
    loaded.config.docs.templates = Some("specplan/templates".into());
    let done = pipeline::generate(&ws, &loaded.config, "auth", &gen_opts(None, false)).unwrap();
    assert!(read(&ws, &done.rel).starts_with("# Ours: auth\n"));
}

// ------------------------------------------------------------ Mermaid

/// Every ```mermaid block of a Markdown text, with its line.
fn mermaid_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Vec<&str>)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut open {
            None if line.trim() == "```mermaid" => open = Some((i + 2, Vec::new())),
            None => {}
            Some((start, body)) => {
                if line.trim() == "```" {
                    out.push((*start, body.join("\n")));
                    open = None;
                } else {
                    body.push(line);
                }
            }
        }
    }
    out
}

fn md_files(dir: &Utf8Path, out: &mut Vec<Utf8PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = Utf8PathBuf::from_path_buf(e.path()).unwrap();
        if p.is_dir() {
            md_files(&p, out);
        } else if p.extension() == Some("md") {
            out.push(p);
        }
    }
}

/// Parses every ```mermaid block of `files` with the official parser.
/// `None` (with a message) when it is not installed and this is not CI.
fn validate_mermaid(files: &[Utf8PathBuf]) -> Option<usize> {
    let dir = repo().join("tests/mermaid");
    let installed = dir.join("node_modules/mermaid/package.json").is_file();
    let node = std::process::Command::new("node").arg("--version").output();
    if !installed || node.is_err() {
        let why = "the Mermaid parser is not installed: run `npm ci --prefix tests/mermaid` (Node.js 18+)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}; CI=true requires it");
        }
        eprintln!("skipped: {why}");
        return None;
    }
    let mut diagrams = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, body) in mermaid_blocks(&text) {
            diagrams.push(serde_json::json!({"name": format!("{f}:{line}"), "text": body}));
        }
    }
    let mut child = std::process::Command::new("node")
        .arg(dir.join("validate.mjs"))
        .arg("--json")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(&diagrams).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("error")).collect();
    assert!(
        out.status.success() && failures.is_empty(),
        "Mermaid rejected {} of {} diagrams:\n{}\n{}",
        failures.len(),
        diagrams.len(),
        failures.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        diagrams.len()
    );
    Some(diagrams.len())
}

#[test]
fn every_generated_mermaid_block_parses_with_the_real_mermaid() {
    let (_tmp, ws, loaded) = storefront();
    walk(&ws, &loaded);
    let mut files: Vec<Utf8PathBuf> = generated_docs(&ws)
        .iter()
        .map(|r| ws.root.join(r))
        .collect();
    let repo = Utf8PathBuf::from_path_buf(repo()).unwrap();
    md_files(&repo.join("examples/storefront/docs"), &mut files);
    md_files(&repo.join("tests/fixtures/check/clean/docs"), &mut files);
    if let Some(n) = validate_mermaid(&files) {
        assert!(n > 20, "only {n} diagrams found");
    }
}

/// The tool passes its own check: on every route fixture (one workspace per
/// framework and construct, broken ones included), what `init --yes` would
/// propose, Steps 1–5 for every domain with approvals, and the index leave
/// `check` with no error in a generated document (nor a warning only the
/// generator can cause), and every Mermaid block they hold parses with the
/// real parser.
#[test]
fn the_pipeline_on_every_route_fixture_passes_its_own_check() {
    let fixtures = repo().join("tests/fixtures/routes");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    let mut all_docs: Vec<Utf8PathBuf> = Vec::new();
    let tmp = tempfile::tempdir().unwrap();
    let mut problems: Vec<String> = Vec::new();
    for name in &names {
        let root = tmp.path().join(name);
        copy_dir(&fixtures.join(name), &root);
        let ws = Workspace::load(Some(&root.join("Cargo.toml")), &root).unwrap();
        let inspection = specplan_core::inspect::inspect(&ws);
        let mut cfg = config::load(&ws).unwrap().config;
        cfg.domains = inspection
            .domains
            .iter()
            .map(|d| specplan_core::config::DomainConfig {
                name: d.name.clone(),
                prefix: Some(d.prefix.clone()),
            })
            .collect();
        for doc in specplan_core::scaffold::workspace_docs(&ws, &inspection, &cfg, TODAY).unwrap() {
            specplan_core::write::write_document(
                &ws.jail,
                &ws.root.join(&doc.rel),
                &doc.text,
                false,
            )
            .unwrap();
        }
        let opts = GenerateOptions {
            step: None,
            answers: Answers::default(),
            force: false,
            today: TODAY.into(),
        };
        for d in cfg.domains.iter().map(|d| d.name.clone()) {
            for step in Step::ALL {
                pipeline::generate(&ws, &cfg, &d, &opts)
                    .unwrap_or_else(|e| panic!("{name}: {d} {step}: {e}"));
                pipeline::approve(&ws, &cfg, &d, step, false, TODAY).unwrap();
            }
        }
        pipeline::index(&ws, &cfg, TODAY).unwrap();
        let loaded = Loaded {
            config: cfg.clone(),
            source: config::Source::Default,
        };
        let report = specplan_core::check::run(&ws, &loaded, &Default::default()).unwrap();
        let docs_root = cfg.docs.root();
        // Rules whose findings in a generated document can only be the
        // generator's fault, whatever the code: any level.
        const OWN_FAULT: &[&str] = &[
            "broken-region",
            "missing-navigation",
            "toc-mismatch",
            "section-numbering",
            "missing-meta",
            "invalid-mermaid",
            "participant-notation",
            "missing-acceptance-criteria",
            "broken-link",
        ];
        for d in &report.diagnostics {
            let in_docs = d.file.as_deref().is_some_and(|f| f.starts_with(&docs_root));
            if in_docs && (d.level == Level::Error || OWN_FAULT.contains(&d.rule.as_str())) {
                problems.push(format!(
                    "{name}: {} {}:{} {}",
                    d.rule,
                    d.file.as_deref().unwrap_or(""),
                    d.span.map_or(0, |s| s.line),
                    d.message
                ));
            }
        }
        let mut docs = Vec::new();
        md_files(&ws.root.join(&docs_root), &mut docs);
        docs.sort();
        // No example that says nothing: a body the code gives no type is
        // written as a question for the person naming that type, never as
        // a `null` example.
        for doc in docs.iter().filter(|d| d.file_name() == Some("api-spec.md")) {
            let text = std::fs::read_to_string(doc).unwrap();
            for empty in ["```json\nnull\n```", "```json\n[\n  null\n]\n```"] {
                if text.contains(empty) {
                    problems.push(format!("{name}: {doc}: an example is only `null`"));
                }
            }
        }
        // What the API spec says of each endpoint's authentication, for the
        // fixtures built for it: extractors, middleware, exemptions.
        // And the errors of each endpoint, for the error fixtures.
        if name.starts_with("auth-") || name.starts_with("errors-") {
            let mut said = String::new();
            for doc in docs.iter().filter(|d| d.file_name() == Some("api-spec.md")) {
                let text = std::fs::read_to_string(doc).unwrap();
                let mut in_errors = false;
                for line in text.lines() {
                    if line.starts_with("**Errors**") {
                        in_errors = true;
                    } else if line.starts_with("**") || line.starts_with('#') {
                        in_errors = false;
                    }
                    if line.starts_with("### ")
                        || line.starts_with("| Authentication |")
                        || (in_errors && line.starts_with("- "))
                    {
                        said.push_str(line);
                        said.push('\n');
                    }
                }
            }
            let what = if name.starts_with("auth-") {
                "auth"
            } else {
                "errors"
            };
            insta::assert_snapshot!(format!("{name}-api-spec-{what}"), said);
        }
        all_docs.extend(docs);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    if let Some(n) = validate_mermaid(&all_docs) {
        assert!(n > 50, "only {n} diagrams found");
    }
}
