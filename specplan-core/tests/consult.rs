//! `consult` on fixture workspaces with planted findings: every planted
//! finding is reported, every document passes check's structure and link
//! rules, the Mermaid is valid, and a second run never loses a person's
//! words. Snapshots pin each document; review them with `cargo insta review`.

use std::path::{Path, PathBuf};

use camino::Utf8PathBuf;
use specplan_core::config::Config;
use specplan_core::consult::{self, Consultation, Options};
use specplan_core::write::{Outcome, write_document};
use specplan_core::{Level, Workspace};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/consult")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A throw-away copy of a fixture, loaded.
fn workspace(name: &str) -> (tempfile::TempDir, Workspace) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    copy_dir(&fixtures().join(name), &dir);
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), &dir).unwrap();
    (tmp, ws)
}

fn options(advisory_db: bool) -> Options {
    Options {
        today: "2026-01-15".into(),
        advisory_db: advisory_db.then(|| {
            Utf8PathBuf::from_path_buf(fixtures().join("advisory-db").canonicalize().unwrap())
                .unwrap()
        }),
        no_advisory_db: !advisory_db,
    }
}

fn doc<'a>(c: &'a Consultation, file: &str) -> &'a str {
    &c.docs
        .iter()
        .find(|d| d.info.file == file)
        .unwrap_or_else(|| panic!("no {file}"))
        .text
}

fn write_all(ws: &Workspace, c: &Consultation) -> Vec<Outcome> {
    c.docs
        .iter()
        .map(|d| write_document(&ws.jail, &ws.root.join(&d.rel), &d.text, false).unwrap())
        .collect()
}

/// Runs check's structure and link rules over the written documents.
fn check_documents(ws: &Workspace, dir: &str) -> Vec<specplan_core::Diagnostic> {
    let spec = specplan_core::spec::load::<&str, &str>(&ws.jail, dir, &[]);
    assert_eq!(spec.documents.len(), 6, "{:?}", spec.diagnostics);
    let files = specplan_core::source::walk_workspace(ws);
    let config = Config::default();
    let cx = specplan_core::check::rules::Cx {
        ws,
        config: &config,
        spec: &spec,
        files: &files,
        annotations: &[],
        routes: None,
        memo: None,
    };
    let mut out = Vec::new();
    specplan_core::check::rules::structure::check(&cx, &mut out);
    specplan_core::check::rules::links::check(&cx, &mut out);
    out
}

/// Parses every Mermaid block with the real Mermaid parser, where the
/// test tier's node modules are installed (`npm ci --prefix tests/mermaid`).
fn validate_mermaid(files: &[PathBuf]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/mermaid");
    if !root.join("node_modules/mermaid").is_dir() {
        eprintln!("skipped: the Mermaid parser is not installed (npm ci --prefix tests/mermaid)");
        return;
    }
    let out = std::process::Command::new("node")
        .arg(root.join("validate.mjs"))
        .args(files)
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: no node");
        return;
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn planted_findings_are_reported() {
    let (_tmp, ws) = workspace("planted");
    let c = consult::consult(&ws, &Config::default(), "Password reset", &options(true)).unwrap();
    assert_eq!(c.dir, "planning-docs/password-reset");
    let files: Vec<&str> = c.docs.iter().map(|d| d.info.file).collect();
    assert_eq!(
        files,
        [
            "04-api-design.md",
            "05-data-model.md",
            "06-tech-recommendations.md",
            "07-security-requirements.md",
            "08-compliance-requirements.md",
            "00-backend-summary.md"
        ]
    );

    let security = doc(&c, "07-security-requirements.md");
    // The unauthenticated admin route.
    assert!(
        security.contains(
            "| high | auth | `DELETE /admin/users/{id}` is an admin route with no auth extractor or middleware | [src/main.rs:64]"
        ),
        "{security}"
    );
    // SQL built with format!.
    assert!(
        security.contains("| high | sql-injection | SQL built with `format!`: bind parameters instead of formatting values in | [src/main.rs:66]"),
        "{security}"
    );
    // The permissive CORS layer.
    assert!(
        security.contains("| high | cors | `CorsLayer::permissive()` allows any origin, method and header | [src/main.rs:48]"),
        "{security}"
    );
    // Secrets: the literal in the source and the committed .env.
    assert!(
        security.contains("`JWT_SECRET` is set to a 27-character literal | [src/main.rs:12]"),
        "{security}"
    );
    assert!(
        security.contains("`.env` is part of the workspace"),
        "{security}"
    );
    assert!(
        !security.contains("committed-signing-key"),
        "a secret leaked"
    );
    assert!(
        !security.contains("hard-coded-signing-key"),
        "a secret leaked"
    );

    let tech = doc(&c, "06-tech-recommendations.md");
    // The unmaintained crate, with its replacement and source.
    assert!(
        tech.contains("| `dotenv` | 0.15.0 | unmaintained | The crate is no longer maintained. | dotenvy | direct | [RUSTSEC-2021-0141](https://rustsec.org/advisories/RUSTSEC-2021-0141) |"),
        "{tech}"
    );
    assert!(
        tech.contains("| `axum` | 0.7.9, 0.8.4 | direct |"),
        "{tech}"
    );
    assert!(tech.contains("[RUSTSEC-0000-0001]"), "{tech}");

    let data = doc(&c, "05-data-model.md");
    assert!(data.contains("### `users`"));
    assert!(data.contains("| `reset_token` | `TEXT` | yes |"), "{data}");
    assert!(
        data.contains("users ||--o{ addresses : \"user_id\""),
        "{data}"
    );
    assert!(
        data.contains("users |o--o{ payments : \"user_id\""),
        "{data}"
    );
    assert!(!data.contains("### `broken`"));
    let parse = c
        .diagnostics
        .iter()
        .find(|d| d.rule == "sql-parse-error")
        .expect("the broken statement is reported");
    assert_eq!(parse.file.as_deref(), Some("migrations/0002_payments.sql"));
    assert_eq!(parse.span.unwrap().line, 11);
    assert_eq!(parse.level, Level::Warning);

    // PII columns, where they are stored and logged.
    let compliance = doc(&c, "08-compliance-requirements.md");
    for needle in [
        "`users.email`",
        "`users.phone`",
        "`users.date_of_birth`",
        "`users.last_login_ip`",
        "`addresses.street`",
        "`addresses.latitude`",
        "`payments.card_last4`",
        "| `tracing::info!` | `email` | [src/main.rs:60]",
        "| Erasure | supported |",
    ] {
        assert!(compliance.contains(needle), "{needle} in {compliance}");
    }

    insta::assert_snapshot!("planted_04", doc(&c, "04-api-design.md"));
    insta::assert_snapshot!("planted_05", data);
    insta::assert_snapshot!("planted_06", tech);
    insta::assert_snapshot!("planted_07", security);
    insta::assert_snapshot!("planted_08", compliance);
    insta::assert_snapshot!("planted_00", doc(&c, "00-backend-summary.md"));
}

#[test]
fn documents_pass_the_structure_rules_and_survive_a_rerun() {
    let (_tmp, ws) = workspace("planted");
    let c = consult::consult(&ws, &Config::default(), "Password reset", &options(false)).unwrap();
    assert!(write_all(&ws, &c).iter().all(|o| *o == Outcome::Created));
    let problems = check_documents(&ws, &c.dir);
    assert!(problems.is_empty(), "{problems:#?}");
    let paths: Vec<PathBuf> = c
        .docs
        .iter()
        .map(|d| ws.root.join(&d.rel).into_std_path_buf())
        .collect();
    validate_mermaid(&paths);

    // A person writes outside the regions; the next run keeps it.
    let api = ws.root.join(&c.docs[0].rel);
    let text = std::fs::read_to_string(&api).unwrap();
    let edited = text.replace(
        "> TODO: State the goal",
        "Callers reset a forgotten password by email.\n\n> TODO: State the goal",
    );
    std::fs::write(&api, &edited).unwrap();
    let again =
        consult::consult(&ws, &Config::default(), "Password reset", &options(false)).unwrap();
    let outcomes = write_all(&ws, &again);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Unchanged { .. })),
        "{outcomes:?}"
    );
    assert_eq!(std::fs::read_to_string(&api).unwrap(), edited);
}

#[test]
fn orm_schemas_become_the_data_model() {
    let (_tmp, ws) = workspace("orm");
    let c = consult::consult(
        &ws,
        &Config::default(),
        "Comment moderation",
        &options(false),
    )
    .unwrap();
    let data = doc(&c, "05-data-model.md");
    assert!(data.contains("### `users`"), "{data}");
    assert!(data.contains("(diesel)"), "{data}");
    assert!(data.contains("### `comments`"), "{data}");
    assert!(data.contains("(sea-orm)"), "{data}");
    assert!(data.contains("users ||--o{ posts : \"user_id\""), "{data}");
    let tech = doc(&c, "06-tech-recommendations.md");
    assert!(tech.contains("There is no `Cargo.lock`"), "{tech}");
    insta::assert_snapshot!("orm_05", data);
    let written = tempfile::tempdir().unwrap();
    let path = written.path().join("05.md");
    std::fs::write(&path, data).unwrap();
    validate_mermaid(&[path]);
}

#[test]
fn a_feature_without_ascii_letters_is_refused() {
    let (_tmp, ws) = workspace("orm");
    let err = consult::consult(&ws, &Config::default(), "ÜÖÄ !!", &options(false)).unwrap_err();
    assert!(matches!(err, consult::ConsultError::EmptySlug(_)), "{err}");
}
