//! `outdated-region` and `cargo specplan sync`, end to end on the real
//! binary: a fixture backend gets its complete documents from the tool, a
//! person writes between the regions, then the code changes one way at a
//! time. Each kind of drift must be reported on exactly the regions that
//! describe it, and `sync` must clear it without touching a byte outside the
//! regions.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{STEPS, copy_dir, documented_shop, specplan, specplan_ok};

const API_SPEC: &str = "docs/en/specifications/items/requirements/api-spec.md";
const PERSON: &str = "Our support team answers questions about items within a day.";

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    specplan(dir, args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    specplan_ok(dir, args)
}

/// The fixture with its complete documents (Steps 1–5 approved, the index)
/// and a person's sentence in the API specification, built once.
fn documented() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let (tmp, dir) = documented_shop(STEPS.len());
        ok(&dir, &["index"]);
        // A person's words, outside every region.
        let spec = dir.join(API_SPEC);
        let text = std::fs::read_to_string(&spec).unwrap();
        let todo = "> TODO: Versioning and compatibility policy";
        assert!(text.contains(todo), "the API spec has its TODO");
        std::fs::write(
            &spec,
            text.replacen(todo, &format!("{PERSON}\n\n{todo}"), 1),
        )
        .unwrap();
        (tmp, dir)
    });
    path
}

/// A copy of the documented fixture to change.
fn copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shop");
    copy_dir(documented(), &dir);
    (tmp, dir)
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` is in {rel}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `(document, region)` of every `outdated-region` finding of `check`.
fn outdated(dir: &Path) -> Vec<(String, String)> {
    let out = run(dir, &["check", "--format", "json", "--quiet"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check prints JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "outdated-region")
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let doc = file.rsplit('/').next().unwrap().to_string();
            let message = d["message"].as_str().unwrap();
            let region = message.split('`').nth(1).unwrap().to_string();
            (doc, region)
        })
        .collect();
    found.sort();
    found
}

/// Every byte outside the regions of every document.
fn outside_regions(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in walk(&dir.join("docs")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let regions = specplan_core::region::find_regions(&text).unwrap();
        let mut kept = String::new();
        let mut at = 0;
        for r in &regions {
            kept.push_str(&text[at..r.inner.start]);
            at = r.inner.end;
        }
        kept.push_str(&text[at..]);
        out.push((entry, kept));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    out
}

/// Applies `change`, expects exactly `regions` outdated, syncs, and expects
/// nothing outdated and the person's words untouched.
fn drift(change: impl Fn(&Path), regions: &[(&str, &str)]) {
    drift_leaving(change, regions, &[]);
}

/// [`drift`], where the change also leaves errors only a person can fix
/// (the words outside the regions name what is gone).
fn drift_leaving(change: impl Fn(&Path), regions: &[(&str, &str)], errors: &[&str]) {
    let (_tmp, dir) = copy();
    assert_eq!(
        outdated(&dir),
        vec![],
        "the documented fixture starts current"
    );
    change(&dir);
    let expected: Vec<(String, String)> = regions
        .iter()
        .map(|(d, r)| (d.to_string(), r.to_string()))
        .collect();
    assert_eq!(outdated(&dir), expected);
    let before = outside_regions(&dir);

    let check = run(&dir, &["sync", "--check"]);
    assert_eq!(check.status.code(), Some(1), "sync --check fails on drift");
    assert_eq!(outside_regions(&dir), before, "sync --check writes nothing");

    let stderr = ok(&dir, &["sync"]);
    assert!(stderr.contains("Updating"), "{stderr}");
    assert_eq!(
        outside_regions(&dir),
        before,
        "sync writes only inside regions"
    );
    let spec = std::fs::read_to_string(dir.join(API_SPEC)).unwrap();
    assert!(spec.contains(PERSON), "the person's sentence survives");
    let check = run(&dir, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    let found: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(
        found, errors,
        "the synced documents pass the tool's own check:\n{stderr}"
    );

    // Orphaned regions stay for a person to decide; everything else is
    // current, and a second run changes nothing.
    let left: Vec<(String, String)> = outdated(&dir);
    let again = ok(&dir, &["sync"]);
    assert!(
        !again.contains("Updating"),
        "a second sync changes nothing:\n{again}"
    );
    assert_eq!(outdated(&dir), left);
    for (doc, region) in &left {
        assert!(
            again.contains(&format!(
                "the region `{region}` describes something the code no longer has"
            )),
            "{doc}: {region} is left as an orphan:\n{again}"
        );
    }
}

#[test]
fn a_new_field_of_a_response_type() {
    drift(
        |dir| {
            edit(
                dir,
                "src/handlers/items.rs",
                "    pub name: String,\n}\n\n#[derive(Deserialize)]",
                "    pub name: String, pub price_cents: u64,\n}\n\n#[derive(Deserialize)]",
            )
        },
        &[
            ("api-spec.md", "data-models"),
            ("api-spec.md", "endpoint-get-api-items-id"),
            ("api-spec.md", "endpoint-post-api-items"),
        ],
    );
}

#[test]
fn a_new_environment_variable() {
    drift(
        |dir| {
            edit(
                dir,
                "src/main.rs",
                "let _ = database_url;",
                "let _ = (database_url, std::env::var(\"STRIPE_KEY\"));",
            )
        },
        &[
            ("config.md", "config-summary"),
            ("config.md", "env-example"),
            ("config.md", "env-vars"),
        ],
    );
}

#[test]
fn a_new_compose_service() {
    drift(
        |dir| {
            let path = dir.join("docker-compose.yml");
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str("  cache:\n    image: redis:7\n");
            std::fs::write(path, text).unwrap();
        },
        &[
            ("infrastructure.md", "services"),
            ("infrastructure.md", "topology"),
            ("requirements.md", "detected-constraints"),
            ("requirements.md", "system-context"),
            ("sequence-diagram.md", "layers"),
            ("use-cases.md", "actors"),
        ],
    );
}

#[test]
fn a_handler_that_now_requires_authentication() {
    drift(
        |dir| {
            edit(
                dir,
                "src/handlers/items.rs",
                "pub async fn get_item(Path(id): Path<u64>)",
                "pub async fn get_item(_user: AuthUser, Path(id): Path<u64>)",
            )
        },
        &[
            ("api-spec.md", "api-overview"),
            ("api-spec.md", "endpoint-catalog"),
            ("api-spec.md", "endpoint-get-api-items-id"),
            ("use-cases.md", "uc-02-alternatives"),
            ("use-cases.md", "uc-02-tests"),
        ],
    );
}

#[test]
fn a_new_error_variant_a_handler_returns() {
    drift(
        |dir| {
            edit(
                dir,
                "src/error.rs",
                "    NotFound,\n",
                "    NotFound, Conflict,\n",
            );
            edit(
                dir,
                "src/error.rs",
                "ApiError::NotFound => StatusCode::NOT_FOUND.into_response(),",
                "ApiError::NotFound => StatusCode::NOT_FOUND.into_response(), ApiError::Conflict => StatusCode::CONFLICT.into_response(),",
            );
            edit(
                dir,
                "src/handlers/items.rs",
                "    Ok((StatusCode::CREATED,",
                "    if body.name.is_empty() { return Err(ApiError::Conflict); } Ok((StatusCode::CREATED,",
            );
        },
        &[
            ("api-spec.md", "endpoint-post-api-items"),
            ("api-spec.md", "error-format"),
            ("use-cases.md", "uc-01-alternatives"),
        ],
    );
}

#[test]
fn a_renamed_path_parameter() {
    drift_leaving(
        |dir| {
            edit(
                dir,
                "src/main.rs",
                "/api/items/{id}",
                "/api/items/{item_id}",
            );
            edit(
                dir,
                "src/handlers/items.rs",
                "pub async fn get_item(Path(id): Path<u64>) -> Result<Json<Item>, ApiError> {\n    if id == 0 {",
                "pub async fn get_item(Path(item_id): Path<u64>) -> Result<Json<Item>, ApiError> {\n    if item_id == 0 {",
            );
            edit(
                dir,
                "src/handlers/items.rs",
                "        id,\n",
                "        id: item_id,\n",
            );
        },
        &[
            ("api-spec.md", "endpoint-catalog"),
            ("api-spec.md", "endpoint-get-api-items-id"),
            ("requirements.md", "requirement-candidates"),
            ("requirements.md", "traceability"),
            ("sequence-diagram.md", "flow-2.2"),
            ("use-cases.md", "uc-02-alternatives"),
            ("use-cases.md", "uc-02-flow"),
            ("use-cases.md", "uc-02-tests"),
        ],
        // The heading a person wrote still names the old path.
        &["error[unrouted-endpoint]: no router serves `GET /api/items/{id}`"],
    );
}

#[test]
fn a_handler_moved_to_another_file() {
    drift(
        |dir| {
            std::fs::rename(
                dir.join("src/handlers/items.rs"),
                dir.join("src/handlers/catalog.rs"),
            )
            .unwrap();
            edit(
                dir,
                "src/handlers/mod.rs",
                "pub mod items;",
                "pub mod catalog;",
            );
            let main = std::fs::read_to_string(dir.join("src/main.rs")).unwrap();
            std::fs::write(
                dir.join("src/main.rs"),
                main.replace("handlers::items::", "handlers::catalog::"),
            )
            .unwrap();
        },
        &[
            ("api-spec.md", "auth-flow"),
            ("api-spec.md", "endpoint-catalog"),
            ("api-spec.md", "endpoint-get-api-items-id"),
            ("api-spec.md", "endpoint-post-api-items"),
            ("requirements.md", "requirement-candidates"),
            ("sequence-diagram.md", "flow-2.1"),
            ("sequence-diagram.md", "flow-2.2"),
            ("sequence-diagram.md", "related-code"),
            ("use-cases.md", "uc-01-flow"),
            ("use-cases.md", "uc-02-alternatives"),
            ("use-cases.md", "uc-02-flow"),
        ],
    );
}

#[test]
fn a_frozen_region_is_neither_reported_nor_rewritten() {
    let (_tmp, dir) = copy();
    edit(
        &dir,
        API_SPEC,
        "<!-- specplan:begin api-overview -->",
        "<!-- specplan:begin api-overview frozen -->",
    );
    edit(
        &dir,
        "src/handlers/items.rs",
        "pub async fn get_item(Path(id): Path<u64>)",
        "pub async fn get_item(_user: AuthUser, Path(id): Path<u64>)",
    );
    let found = outdated(&dir);
    assert!(!found.iter().any(|(_, r)| r == "api-overview"), "{found:?}");
    assert!(
        found.iter().any(|(_, r)| r == "endpoint-catalog"),
        "{found:?}"
    );
    let frozen = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join(API_SPEC)).unwrap();
        let regions = specplan_core::region::find_regions(&text).unwrap();
        let r = regions.iter().find(|r| r.name == "api-overview").unwrap();
        assert!(r.frozen);
        text[r.inner.clone()].to_string()
    };
    let kept = frozen(&dir);
    ok(&dir, &["sync"]);
    assert_eq!(frozen(&dir), kept);
    assert_eq!(outdated(&dir), vec![]);
}

#[test]
fn recorded_answers_are_not_drift() {
    // The base URL a person gave is recorded and used when comparing.
    let (_tmp, dir) = copy();
    std::fs::write(
        dir.join("answers.toml"),
        "base-url = \"https://api.shop.example\"\n",
    )
    .unwrap();
    ok(
        &dir,
        &[
            "generate",
            "items",
            "--step",
            "api-spec",
            "--answers",
            "answers.toml",
            "--yes",
            "--force",
        ],
    );
    let recorded = std::fs::read_to_string(dir.join("specplan/answers/items.toml")).unwrap();
    assert!(recorded.contains("https://api.shop.example"), "{recorded}");
    let spec = std::fs::read_to_string(dir.join(API_SPEC)).unwrap();
    assert!(spec.contains("https://api.shop.example"));
    assert_eq!(outdated(&dir), vec![]);
    // A broken answers file is an error that names it, not a silent default.
    std::fs::write(dir.join("specplan/answers/items.toml"), "base-url = 1\n").unwrap();
    let out = run(&dir, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("specplan/answers/items.toml"), "{stderr}");
}

#[test]
fn the_index_without_init_links_only_what_exists_and_reads_in_checks_order() {
    // No `init`: the configuration by hand, and a domain on disk that the
    // configuration does not name (check walks it after the configured ones).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shop");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sync/shop"),
        &dir,
    );
    std::fs::write(
        dir.join("specplan.toml"),
        "[docs]\nroot = \"docs/en/specifications\"\n\n[[domains]]\nname = \"items\"\n",
    )
    .unwrap();
    let zeta = dir.join("docs/en/specifications/zeta/requirements/requirements.md");
    std::fs::create_dir_all(zeta.parent().unwrap()).unwrap();
    std::fs::write(
        &zeta,
        "# Requirements: zeta\n\n- **Version:** 0.1.0\n- **Last Updated:** 2026-01-15\n- **Status:** Draft\n\n**Previous:** [API Specification: items](../../items/requirements/api-spec.md) | **Next:** [Specifications](../../README.md)\n",
    )
    .unwrap();
    for step in ["requirements", "user-stories", "api-spec"] {
        ok(&dir, &["generate", "items", "--yes"]);
        ok(&dir, &["approve", "items", step]);
    }
    ok(&dir, &["index"]);
    let readme = std::fs::read_to_string(dir.join("docs/en/specifications/README.md")).unwrap();
    assert!(!readme.contains("](architecture.md)"), "{readme}");
    assert!(
        readme.contains("`architecture.md` (not written: `cargo specplan init` writes it)"),
        "{readme}"
    );
    assert!(
        readme.contains("**Next:** [Requirements](items/requirements/requirements.md)"),
        "{readme}"
    );
    let api = std::fs::read_to_string(dir.join(API_SPEC)).unwrap();
    assert!(
        api.contains("**Next:** [Requirements: zeta](../../zeta/requirements/requirements.md)"),
        "{api}"
    );
    let check = run(&dir, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!stderr.contains("error["), "{stderr}");
    assert!(
        !stderr
            .lines()
            .any(|l| l.starts_with("warning[missing-navigation]")
                || l.contains("items/requirements") && l.contains("missing-navigation")),
        "{stderr}"
    );
}
