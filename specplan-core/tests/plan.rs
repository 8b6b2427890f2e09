//! `plan`: plans derived from the example backend with requirements left
//! unimplemented (snapshots), every emitted plan checked against the JSON
//! Schema and the seed's rules, the seed's own example plan, and one broken
//! plan per rule.

use std::path::{Path, PathBuf};

use specplan_core::config;
use specplan_core::plan::{self, Request, validate};
use specplan_core::workspace::Workspace;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/plan")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes each file of `from` into `to`; to a document that exists, appends
/// its sections (from its `## 1.` heading on), so the example's own
/// documents stay as they are.
fn overlay(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            overlay(&entry.path(), &target);
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        match std::fs::read_to_string(&target) {
            Ok(existing) => {
                let sections = &text[text.find("\n## 1.").map_or(0, |i| i + 1)..];
                std::fs::write(&target, format!("{}\n\n{sections}", existing.trim_end())).unwrap();
            }
            Err(_) => std::fs::write(&target, text).unwrap(),
        }
    }
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// A copy of the example backend; `edit` makes some requirements
/// unimplemented.
fn storefront(edit: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("storefront");
    copy_dir(&repo().join("examples/storefront"), &dir);
    let macros = repo().join("specplan-macros");
    replace(
        &dir,
        "Cargo.toml",
        "path = \"../../specplan-macros\"",
        &format!("path = {:?}", macros.to_string_lossy()),
    );
    if edit {
        // auth: a new requirement, documented through every step.
        overlay(&fixtures().join("storefront-overlay"), &dir);
        replace(
            &dir,
            "docs/en/specifications/auth/requirements/requirements.md",
            "## 4. Non-Functional Requirements",
            "### FR-AUTH-05: Reset a forgotten password\n\nA registered user who forgot their password requests a reset link by email\n(`POST /api/v1/auth/password-reset`) and sets a new password with the token\nfrom the link (`POST /api/v1/auth/password-reset/confirm`).\n\n## 4. Non-Functional Requirements",
        );
        // orders: a new requirement with only its requirements row, and one
        // whose annotation was dropped.
        replace(
            &dir,
            "docs/en/specifications/orders/requirements/requirements.md",
            "\n\n## 4. Non-Functional Requirements",
            "\n| FR-ORDERS-06 | Export my orders as CSV, newest first | `GET /api/v1/orders/export` | Could |\n\n## 4. Non-Functional Requirements",
        );
        replace(
            &dir,
            "src/handlers/orders.rs",
            "#[implements(\"FR-ORDERS-03\")]\n",
            "",
        );
    }
    (tmp, dir)
}

fn run(dir: &Path, request: &Request) -> plan::Plan {
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), dir).unwrap();
    let loaded = config::load(&ws).unwrap();
    plan::run(&ws, &loaded, request).unwrap()
}

fn schema() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(plan::SCHEMA).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Every plan `plan` emits follows the schema and the seed's rules.
fn assert_valid(plan: &plan::Plan) -> serde_json::Value {
    let value = serde_json::to_value(plan).unwrap();
    let errors: Vec<String> = schema()
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema: {errors:#?}\n{value:#}");
    let diags = validate::validate_value(&value, &validate::Options::default());
    assert!(diags.is_empty(), "rules: {diags:#?}\n{value:#}");
    // Through the text too: the same plan, with positions.
    let text = plan.to_json_pretty();
    let diags = validate::validate_text("plan.json", &text, &validate::Options::default()).unwrap();
    assert!(diags.is_empty(), "{diags:#?}");
    value
}

#[test]
fn storefront_with_unimplemented_requirements() {
    let (_tmp, dir) = storefront(true);
    let plan = run(&dir, &Request::default());
    let value = assert_valid(&plan);
    insta::assert_json_snapshot!("storefront-unimplemented", value);
    // Deterministic: the same workspace gives the same bytes.
    assert_eq!(
        plan.to_json_pretty(),
        run(&dir, &Request::default()).to_json_pretty()
    );
}

#[test]
fn storefront_one_domain_with_a_prompt() {
    let (_tmp, dir) = storefront(true);
    let plan = run(
        &dir,
        &Request {
            domains: vec!["auth".into()],
            prompt: Some("Add password reset".into()),
            ..Request::default()
        },
    );
    let value = assert_valid(&plan);
    assert!(plan.tasks.iter().all(|t| {
        t.inputs
            .original_prompt
            .as_deref()
            .is_none_or(|p| p == "Add password reset")
    }));
    insta::assert_json_snapshot!("storefront-auth-prompt", value);
}

#[test]
fn storefront_named_requirement_is_planned_even_when_implemented() {
    let (_tmp, dir) = storefront(false);
    let plan = run(
        &dir,
        &Request {
            requirements: vec!["FR-AUTH-03".into()],
            ..Request::default()
        },
    );
    let value = assert_valid(&plan);
    insta::assert_json_snapshot!("storefront-fr-auth-03", value);
}

#[test]
fn storefront_as_shipped_is_up_to_date() {
    let (_tmp, dir) = storefront(false);
    let plan = run(&dir, &Request::default());
    assert_valid(&plan);
    assert_eq!(plan.status, plan::STATUS_UP_TO_DATE);
    assert!(plan.tasks.is_empty());
}

#[test]
fn notes_fixture_named_requirement() {
    let dir = repo().join("tests/fixtures/check/clean");
    let plan = run(&dir, &Request::default());
    assert_eq!(plan.status, plan::STATUS_UP_TO_DATE);
    let plan = run(
        &dir,
        &Request {
            requirements: vec!["FR-NOTES-02".into()],
            ..Request::default()
        },
    );
    let value = assert_valid(&plan);
    insta::assert_json_snapshot!("notes-fr-notes-02", value);
}

#[test]
fn unknown_domain_and_requirement_are_errors() {
    let (_tmp, dir) = storefront(false);
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), &dir).unwrap();
    let loaded = config::load(&ws).unwrap();
    let err = plan::run(
        &ws,
        &loaded,
        &Request {
            domains: vec!["billing".into()],
            ..Request::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no domain is named `billing`; the domains are: auth, orders"
    );
    let err = plan::run(
        &ws,
        &loaded,
        &Request {
            requirements: vec!["FR-AUTH-3".into()],
            ..Request::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("did you mean `FR-AUTH-03`?"),
        "{err}"
    );
}

#[test]
fn skills_and_timeouts_come_from_the_config() {
    let (_tmp, dir) = storefront(true);
    let path = dir.join("specplan.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[plan]\nimplementation-skill = \"rust-backend\"\ncritique-skill = \"rust-review\"\ncritique-timeout-seconds = 900\n"),
    )
    .unwrap();
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), &dir).unwrap();
    let loaded = config::load(&ws).unwrap();
    let plan = plan::run(&ws, &loaded, &Request::default()).unwrap();
    assert_eq!(plan.tasks[0].skill_id, "rust-backend");
    assert_eq!(plan.tasks[1].skill_id, "rust-review");
    assert_eq!(plan.tasks[1].timeout_seconds, 900);
    assert_eq!(plan.tasks[0].timeout_seconds, 3600);
    let options = plan::validate_options(Some(&loaded));
    let value = serde_json::to_value(&plan).unwrap();
    assert!(validate::validate_value(&value, &options).is_empty());
}

#[test]
fn the_seeds_example_plan_is_valid() {
    let text = std::fs::read_to_string(fixtures().join("seed-stripe.json")).unwrap();
    let diags =
        validate::validate_text("seed-stripe.json", &text, &validate::Options::default()).unwrap();
    assert!(diags.is_empty(), "{diags:#?}");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = schema()
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And it reads into the model, field for field.
    let plan: plan::Plan = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&plan).unwrap(), value);
}

#[test]
fn one_broken_plan_per_rule() {
    let dir = fixtures().join("invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for rule in [
        validate::SHAPE,
        validate::TASK_ORDER,
        validate::DEPENDENCY_ORDER,
        validate::MISSING_CRITIQUE,
        validate::CRITIQUE_MISMATCH,
        validate::MISSING_FILES,
        validate::MISSING_SECURITY,
    ] {
        let name = format!("{rule}.json");
        assert!(names.contains(&name), "no broken plan for {rule}");
        // Each rule is registered, so `explain` knows it.
        assert!(
            specplan_core::check::registry::find(rule).is_some(),
            "{rule}"
        );
    }
    for name in names {
        let rule = name.trim_end_matches(".json");
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let file = format!("tests/fixtures/plan/invalid/{name}");
        let diags = validate::validate_text(&file, &text, &validate::Options::default()).unwrap();
        assert!(!diags.is_empty(), "{name}: nothing found");
        assert!(
            diags.iter().all(|d| d.rule == rule),
            "{name}: only `{rule}` should fire: {diags:#?}"
        );
        let json: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| {
                let s = d.span.unwrap();
                serde_json::json!({
                    "rule": d.rule,
                    "message": d.message,
                    "file": d.file,
                    "line": s.line,
                    "column": s.column,
                    "end_line": s.end_line,
                    "end_column": s.end_column,
                    "help": d.help,
                })
            })
            .collect();
        insta::assert_json_snapshot!(format!("invalid-{rule}"), json);
    }
}

#[test]
fn text_that_is_not_json_is_an_error_at_its_position() {
    let text = std::fs::read_to_string(fixtures().join("not-json.json")).unwrap();
    let err =
        validate::validate_text("not-json.json", &text, &validate::Options::default()).unwrap_err();
    assert_eq!(err.rule, "plan-invalid-json");
    let s = err.span.unwrap();
    assert_eq!((s.line, s.column), (4, 1));
}

/// The seed's example plan broken one way at a time: each violation is
/// caught, once, by the rule that names it (one diagnostic per root cause).
#[test]
fn broken_plan_suite_each_violation_caught_once() {
    use serde_json::{Value, json};
    let text = std::fs::read_to_string(fixtures().join("seed-stripe.json")).unwrap();
    let valid: Value = serde_json::from_str(&text).unwrap();
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, &str, Edit)> = vec![
        ("unknown root field", validate::SHAPE, |p| {
            p["priority"] = json!(1);
        }),
        ("status outside the seed's", validate::SHAPE, |p| {
            p["status"] = json!("done");
        }),
        ("category outside the seed's", validate::SHAPE, |p| {
            p["category"] = json!("frontend");
        }),
        ("planned with no task", validate::STATUS, |p| {
            p["tasks"] = json!([]);
        }),
        ("up_to_date with tasks", validate::STATUS, |p| {
            p["status"] = json!("up_to_date");
        }),
        ("unknown architecture field", validate::SHAPE, |p| {
            p["architecture"]["notes"] = json!("x");
        }),
        ("unknown endpoint field", validate::SHAPE, |p| {
            p["architecture"]["endpoints"][0]["rate"] = json!(10);
        }),
        ("endpoint auth outside the seed's", validate::SHAPE, |p| {
            p["architecture"]["endpoints"][1]["auth"] = json!("optional");
        }),
        ("endpoint without purpose", validate::SHAPE, |p| {
            p["architecture"]["endpoints"][1]
                .as_object_mut()
                .unwrap()
                .remove("purpose");
        }),
        ("payment endpoint public", validate::PUBLIC_ENDPOINT, |p| {
            p["architecture"]["endpoints"][0]["auth"] = json!("public");
        }),
        ("unknown data model field", validate::SHAPE, |p| {
            p["architecture"]["data_models"][0]["indexes"] = json!([]);
        }),
        ("data model without key_fields", validate::SHAPE, |p| {
            p["architecture"]["data_models"][0]
                .as_object_mut()
                .unwrap()
                .remove("key_fields");
        }),
        ("unknown task field", validate::SHAPE, |p| {
            p["tasks"][2]["owner"] = json!("me");
        }),
        ("task without timeout", validate::SHAPE, |p| {
            p["tasks"][2]
                .as_object_mut()
                .unwrap()
                .remove("timeout_seconds");
        }),
        ("zero timeout", validate::SHAPE, |p| {
            p["tasks"][0]["timeout_seconds"] = json!(0);
        }),
        ("unknown criteria field", validate::SHAPE, |p| {
            // In the critique's inputs: the field is only wrong once.
            p["tasks"][3]["inputs"]["validation_criteria"]["optional"] = json!([]);
            p["tasks"][2]["validation_criteria"]["optional"] = json!([]);
        }),
        ("one task_order off by one", validate::TASK_ORDER, |p| {
            p["tasks"][2]["task_order"] = json!(4);
            p["tasks"][3]["task_order"] = json!(5);
            p["tasks"][3]["dependencies"] = json!([4]);
            p["tasks"][3]["inputs"]["preceding_task"]["task_order"] = json!(4);
        }),
        (
            "dependency on a later task",
            validate::DEPENDENCY_ORDER,
            |p| {
                p["tasks"][2]["dependencies"] = json!([2, 4]);
            },
        ),
        ("dependency on no task", validate::DEPENDENCY_ORDER, |p| {
            p["tasks"][2]["dependencies"] = json!([2, 99]);
        }),
        (
            "implementation without critique",
            validate::MISSING_CRITIQUE,
            |p| {
                p["tasks"].as_array_mut().unwrap().pop();
            },
        ),
        (
            "critique with another skill",
            validate::CRITIQUE_MISMATCH,
            |p| {
                p["tasks"][1]["skill_id"] = json!("backend-development");
            },
        ),
        (
            "critique with an empty prompt",
            validate::CRITIQUE_MISMATCH,
            |p| {
                p["tasks"][1]["inputs"]["original_prompt"] = json!(" ");
            },
        ),
        (
            "critique without a prompt",
            validate::CRITIQUE_MISMATCH,
            |p| {
                p["tasks"][3]["inputs"]
                    .as_object_mut()
                    .unwrap()
                    .remove("original_prompt");
            },
        ),
        (
            "critique of another task",
            validate::CRITIQUE_MISMATCH,
            |p| {
                p["tasks"][1]["inputs"]["preceding_task"]["task_name"] = json!("Something else");
            },
        ),
        (
            "critique with other criteria",
            validate::CRITIQUE_MISMATCH,
            |p| {
                p["tasks"][1]["inputs"]["validation_criteria"]["critical"] =
                    json!(["Endpoints work"]);
            },
        ),
        (
            "critique not depending on its task",
            validate::CRITIQUE_MISMATCH,
            |p| {
                p["tasks"][3]["dependencies"] = json!([]);
            },
        ),
        ("absolute path", validate::PATH, |p| {
            p["tasks"][0]["inputs"]["files_to_create"][0] = json!("/etc/passwd");
        }),
        ("path climbing out", validate::PATH, |p| {
            p["tasks"][0]["inputs"]["files_to_modify"][0] = json!("internal/../../x.rs");
        }),
        ("path in a home folder", validate::PATH, |p| {
            p["tasks"][2]["inputs"]["files_to_test"][0] = json!("~/tests/x.go");
        }),
        ("task without files", validate::MISSING_FILES, |p| {
            let inputs = p["tasks"][2]["inputs"].as_object_mut().unwrap();
            inputs.remove("files_to_test");
        }),
        (
            "sensitive task without security criterion",
            validate::MISSING_SECURITY,
            |p| {
                let plain = json!({"critical": ["Migration runs", "Endpoints work"], "expected": ["Input validation"], "nice_to_have": []});
                p["tasks"][0]["validation_criteria"] = plain.clone();
                p["tasks"][1]["inputs"]["validation_criteria"] = plain;
            },
        ),
    ];
    assert!(cases.len() >= 25, "{}", cases.len());
    let options = validate::Options::default();
    assert!(validate::validate_value(&valid, &options).is_empty());
    let mut rules = std::collections::BTreeSet::new();
    for (what, rule, edit) in &cases {
        let mut plan = valid.clone();
        edit(&mut plan);
        let text = serde_json::to_string_pretty(&plan).unwrap();
        let diags = validate::validate_text("plan.json", &text, &options).unwrap();
        let found: Vec<String> = diags
            .iter()
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect();
        assert_eq!(found.len(), 1, "{what}: one finding expected: {found:#?}");
        assert_eq!(diags[0].rule, *rule, "{what}: {found:#?}");
        assert!(diags[0].span.is_some(), "{what}: located in the file");
        rules.insert(*rule);
        // Every rule is known to `explain`.
        assert!(
            specplan_core::check::registry::find(rule).is_some(),
            "{rule}"
        );
    }
    // Text that is not JSON is one finding too, located.
    let broken = text.replacen("\"tasks\"", "\"tasks\" \"", 1);
    let err = validate::validate_text("plan.json", &broken, &options).unwrap_err();
    assert_eq!(err.rule, validate::INVALID_JSON);
    assert!(err.span.is_some());
    assert!(specplan_core::check::registry::find(validate::INVALID_JSON).is_some());
    assert_eq!(rules.len(), 10, "{rules:?}");
}
