//! One case per rule: the clean fixture workspace `tests/fixtures/check/clean`
//! (which triggers nothing) and a copy with one edit that triggers the rule.
//! The rule's diagnostics are snapshot-tested as JSON.

use std::path::{Path, PathBuf};

use camino::Utf8PathBuf;
use specplan_core::check;
use specplan_core::config;
use specplan_core::workspace::Workspace;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/check/clean")
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

fn run(dir: &Path) -> serde_json::Value {
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), dir).unwrap();
    let loaded = config::load(&ws).unwrap();
    let report = check::run(&ws, &loaded, &check::Options::default()).unwrap();
    report.to_json()
}

enum Edit {
    /// Replace the first occurrence of a text in a file.
    Replace(&'static str, &'static str, &'static str),
    /// Write a file.
    Write(&'static str, &'static [u8]),
}
use Edit::*;

const SPECS: &str = "docs/en/specifications";

fn case(rule: &str, edits: &[Edit]) {
    case_named(rule, rule, edits);
}

fn case_named(rule: &str, name: &str, edits: &[Edit]) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    copy_dir(&fixture(), &dir);
    for e in edits {
        match e {
            Replace(file, from, to) => {
                let p = dir.join(file.replace("{specs}", SPECS));
                let text = std::fs::read_to_string(&p).unwrap();
                assert!(text.contains(from), "{file} does not contain {from:?}");
                std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
            }
            Write(file, bytes) => {
                let p = dir.join(file.replace("{specs}", SPECS));
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, bytes).unwrap();
            }
        }
    }
    let json = run(&dir);
    let mine: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect();
    assert!(!mine.is_empty(), "`{rule}` did not fire; got {json:#}");
    insta::assert_json_snapshot!(name, mine);
}

#[test]
fn the_clean_fixture_triggers_nothing() {
    let json = run(&fixture());
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");
    assert_eq!(json["summary"]["errors"], 0);
}

#[test]
fn ids() {
    case(
        "malformed-id",
        &[Replace(
            "{specs}/notes/requirements/requirements.md",
            "A small service that stores text notes.",
            "A small service that stores text notes (see FR-NOTES-1).",
        )],
    );
    case(
        "duplicate-id",
        &[Replace(
            "{specs}/notes/requirements/requirements.md",
            "## 4. Non-Functional",
            "### FR-NOTES-03: Read a note again\n\n## 4. Non-Functional",
        )],
    );
    case(
        "undefined-id",
        &[Replace(
            "{specs}/notes/requirements/user-stories.md",
            "Related requirements: FR-NOTES-02",
            "Related requirements: FR-NOTES-02, FR-NOTES-09",
        )],
    );
    case(
        "dangling-implements",
        &[Replace(
            "src/handlers/notes.rs",
            "#[implements(\"FR-NOTES-03\")]",
            "#[implements(\"FR-NOTES-03\", \"FR-NOTES-30\")]",
        )],
    );
}

#[test]
fn coverage() {
    case(
        "unimplemented-requirement",
        &[Replace(
            "src/handlers/notes.rs",
            "#[implements(\"FR-NOTES-03\")]\n",
            "",
        )],
    );
    case(
        "unverified-requirement",
        &[Replace(
            "tests/api.rs",
            "#[verifies(\"FR-NOTES-01\")]\n",
            "",
        )],
    );
    case(
        "uncovered-requirement",
        &[Replace(
            "{specs}/notes/requirements/user-stories.md",
            "FR-NOTES-01, FR-NOTES-03",
            "FR-NOTES-03",
        )],
    );
    case(
        "story-without-use-case",
        &[Replace(
            "{specs}/notes/workflows/use-cases.md",
            "Covers US-NOTES-02.",
            "Covers writing.",
        )],
    );
}

#[test]
fn endpoints() {
    case(
        "unrouted-endpoint",
        &[Replace(
            "{specs}/notes/requirements/api-spec.md",
            "## 2. Authentication Flow",
            "### DELETE /api/notes/:id\n\nDeletes a note. Related requirements: FR-NOTES-03\n\n## 2. Authentication Flow",
        )],
    );
    case(
        "undocumented-endpoint",
        &[Replace(
            "src/handlers/notes.rs",
            ".route(\"/{id}\", get(get_note))",
            ".route(\"/{id}\", get(get_note).delete(get_note))",
        )],
    );
    case(
        "endpoint-requirement-mismatch",
        &[Replace(
            "{specs}/notes/requirements/api-spec.md",
            "Lists the notes. Related requirements: FR-NOTES-01",
            "Lists the notes.",
        )],
    );
}

#[test]
fn files() {
    case(
        "missing-file",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "participant S as note_service.rs",
            "participant S as note_svc.rs",
        )],
    );
    case(
        "missing-item",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "NoteService::create`",
            "NoteService::remove`",
        )],
    );
    case("ambiguous-file", &[Write("tests/notes.rs", b"")]);
    case_named(
        "missing-file",
        "missing-file-outside-workspace",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "- `src/handlers/notes.rs::create_note`",
            "- `../../etc/passwd`",
        )],
    );
}

#[test]
fn links() {
    case(
        "broken-link",
        &[
            Replace(
                "{specs}/README.md",
                "[requirements.md](notes/requirements/requirements.md)",
                "[requirements.md](notes/requirements/requirement.md)",
            ),
            Replace(
                "{specs}/notes/requirements/requirements.md",
                "A small service that stores text notes.",
                "A small service that stores text notes ([context](#2-system-contex)).",
            ),
        ],
    );
}

#[test]
fn structure() {
    case(
        "missing-meta",
        &[
            Replace(
                "{specs}/notes/requirements/requirements.md",
                "- **Version:** 1.0.0\n",
                "",
            ),
            Replace(
                "{specs}/notes/requirements/api-spec.md",
                "2026-01-15",
                "15.01.2026",
            ),
        ],
    );
    case(
        "missing-navigation",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "**Next:** [Specifications](../../README.md)",
            "**Next:** [Requirements](../requirements/requirements.md)",
        )],
    );
    case(
        "toc-mismatch",
        &[Replace(
            "{specs}/notes/requirements/requirements.md",
            "4. [Non-Functional Requirements](#4-non-functional-requirements)\n",
            "",
        )],
    );
    case(
        "section-numbering",
        &[Replace(
            "{specs}/notes/requirements/requirements.md",
            "## 4. Non-Functional Requirements",
            "## 5. Non-Functional Requirements",
        )],
    );
    case(
        "missing-diagram",
        &[Replace(
            "{specs}/notes/requirements/requirements.md",
            "```mermaid\nC4Context",
            "```text\nC4Context",
        )],
    );
    case(
        "invalid-mermaid",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "        H-->>U: 200 OK\n    end\n",
            "        H-->>U: 200 OK\n",
        )],
    );
    case(
        "missing-acceptance-criteria",
        &[Replace(
            "{specs}/notes/requirements/user-stories.md",
            "- Given a text of 10,001 characters, When I create a note, Then I receive a 422 error and nothing is saved\n",
            "",
        )],
    );
    case(
        "missing-examples",
        &[Replace(
            "{specs}/notes/workflows/use-cases.md",
            "```js\nawait fetch",
            "```text\nawait fletch",
        )],
    );
    case(
        "broken-region",
        &[Replace(
            "{specs}/notes/requirements/requirements.md",
            "## 1.",
            "<!-- specplan:begin x -->\na\n<!-- specplan:end x -->\n<!-- specplan:begin x -->\nb\n<!-- specplan:end x -->\n\n## 1.",
        )],
    );
    case(
        "participant-notation",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "participant S as note_service.rs<br/>(Application)",
            "participant S as NoteService",
        )],
    );
    case(
        "missing-docs",
        &[Replace(
            "specplan.toml",
            "language = \"en\"",
            "language = \"en\"\nroot = \"docs/nowhere\"",
        )],
    );
}

#[test]
fn gate() {
    case(
        "review-gate",
        &[Replace(
            "{specs}/notes/workflows/sequence-diagram.md",
            "- **Status:** Draft",
            "- **Status:** Approved",
        )],
    );
}

#[test]
fn input_problems_are_reported_and_the_rest_checked() {
    case(
        "rust-parse-error",
        &[Write(
            "src/broken.rs",
            b"#[implements(\"FR-NOTES-01\")]\nfn oops( {\n",
        )],
    );
    case(
        "non-utf8-file",
        &[Write("{specs}/notes/latin1.md", b"# caf\xe9\n")],
    );
}

#[test]
fn levels_from_the_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    copy_dir(&fixture(), &dir);
    let cfg = dir.join("specplan.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        format!(
            "{text}\n[rules]\nunverified-requirement = \"error\"\nmissing-examples = \"allow\"\n"
        ),
    )
    .unwrap();
    let tests = dir.join("tests/api.rs");
    let t = std::fs::read_to_string(&tests).unwrap();
    std::fs::write(&tests, t.replace("#[verifies(\"FR-NOTES-01\")]\n", "")).unwrap();
    let uc = dir.join(SPECS).join("notes/workflows/use-cases.md");
    let t = std::fs::read_to_string(&uc).unwrap();
    std::fs::write(
        &uc,
        t.replace("```js\nawait fetch", "```text\nawait fletch"),
    )
    .unwrap();
    let json = run(&dir);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{json:#}");
    assert_eq!(diags[0]["rule"], "unverified-requirement");
    assert_eq!(diags[0]["level"], "error");
    assert_eq!(
        diags[0]["notes"][0],
        "`unverified-requirement` is set to error in specplan.toml:9"
    );
    let _ = Utf8PathBuf::new();
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/schemas/sarif-2.1.0-rtm.5.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/check/broken");
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), &dir).unwrap();
    let loaded = config::load(&ws).unwrap();
    let report = check::run(&ws, &loaded, &check::Options::default()).unwrap();
    assert!(report.errors() > 3);
    let sarif = report.to_sarif("0.1.0");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And a document the schema rejects is rejected: the validator is live.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
}
