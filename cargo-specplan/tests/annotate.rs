//! `cargo specplan annotate` end to end: on a backend without any
//! `#[implements]`, after `init` and Step 1 proposed a requirement per
//! endpoint, the diff adds one attribute per handler, `--write` applies it
//! with insertions only, `routes` then reports the IDs, and a second run
//! has nothing to do.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{bin, copy_dir};

fn run(dir: &Path, args: &[&str]) -> Output {
    let out = bin()
        .current_dir(dir)
        .arg("specplan")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/routes")
        .join(name);
    copy_dir(&src, &dir);
    (tmp, dir)
}

fn routes_ids(dir: &Path) -> Vec<(String, Vec<String>)> {
    let out = run(dir, &["routes", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                format!(
                    "{} {}",
                    e["method"].as_str().unwrap(),
                    e["path"].as_str().unwrap()
                ),
                e["implements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn annotate_adds_what_the_requirements_imply_and_nothing_else() {
    let (_tmp, dir) = fixture("errors-axum");
    run(&dir, &["init", "--yes", "-q"]);
    let config = std::fs::read_to_string(dir.join("specplan.toml")).unwrap();
    let domains: Vec<String> = config
        .parse::<toml::Table>()
        .unwrap()
        .get("domains")
        .and_then(|d| d.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|d| d.get("name").and_then(|n| n.as_str()).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert!(!domains.is_empty(), "{config}");
    for d in &domains {
        run(&dir, &["generate", d, "--yes", "-q"]);
    }
    assert!(routes_ids(&dir).iter().all(|(_, ids)| ids.is_empty()));
    // plan does not re-plan handlers that exist: it says how to link them.
    let plan: serde_json::Value = serde_json::from_slice(&run(&dir, &["plan"]).stdout).unwrap();
    let summary = plan["architecture"]["summary"].as_str().unwrap();
    assert_eq!(plan["status"], "up_to_date", "{plan:#}");
    assert!(
        summary.contains("6 already served by existing handlers without #[implements]")
            && summary.contains("cargo specplan annotate"),
        "{summary}"
    );
    // trace says the code exists and only the link is missing.
    let gaps = |dir: &Path| -> Vec<String> {
        let trace: serde_json::Value =
            serde_json::from_slice(&run(dir, &["trace", "--format", "json"]).stdout).unwrap();
        trace["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["gaps"].as_array().unwrap().iter())
            .map(|g| g.as_str().unwrap().to_string())
            .filter(|g| g == "unannotated" || g == "unimplemented")
            .collect()
    };
    let open = gaps(&dir);
    assert_eq!(
        open.iter().filter(|g| *g == "unannotated").count(),
        6,
        "{open:?}"
    );
    assert!(!open.contains(&"unimplemented".to_string()), "{open:?}");
    let before: Vec<(PathBuf, String)> = ["src/handlers.rs", "Cargo.toml"]
        .iter()
        .map(|f| (dir.join(f), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();

    // The diff: one attribute per routed handler, the `use`, the dependency.
    let diff = String::from_utf8(run(&dir, &["annotate"]).stdout).unwrap();
    assert!(diff.contains("+++ b/src/handlers.rs"), "{diff}");
    assert!(diff.contains("+use specplan_macros::implements;"), "{diff}");
    assert!(diff.contains("+specplan-macros = "), "{diff}");
    let attrs = diff
        .lines()
        .filter(|l| l.starts_with("+#[implements(\"FR-"))
        .count();
    assert_eq!(attrs, 6, "{diff}");
    // Nothing written without --write.
    for (p, text) in &before {
        assert_eq!(&std::fs::read_to_string(p).unwrap(), text);
    }

    run(&dir, &["annotate", "--write", "-q"]);
    // Insertions only: removing the added lines gives each file back.
    for (p, text) in &before {
        let after = std::fs::read_to_string(p).unwrap();
        let kept: String = after
            .lines()
            .filter(|l| {
                !l.starts_with("#[implements(")
                    && *l != "use specplan_macros::implements;"
                    && !l.starts_with("specplan-macros = ")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(&kept, text, "{}", p.display());
    }
    let ids = routes_ids(&dir);
    assert!(ids.iter().all(|(_, ids)| ids.len() == 1), "{ids:?}");
    assert!(gaps(&dir).is_empty(), "{:?}", gaps(&dir));
    // Nothing left to do.
    let again = run(&dir, &["annotate"]);
    assert!(again.stdout.is_empty());
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to annotate"));
}
