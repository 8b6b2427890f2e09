//! The traceability matrix on fixture workspaces: Markdown and JSON
//! snapshots of the clean fixture (everything covered) and of one with gaps,
//! the `traceability` region, and the lock's stale detection.

use std::path::{Path, PathBuf};

use specplan_core::config;
use specplan_core::trace::{self, Collected, Filter, LinkBase, lock::Lock};
use specplan_core::workspace::Workspace;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel)
}

fn collect(dir: &Path) -> (Workspace, Collected) {
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")), dir).unwrap();
    let loaded = config::load(&ws).unwrap();
    let c = Collected::read(&ws, &loaded.config);
    (ws, c)
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

const ROOT: LinkBase = LinkBase::Relative(String::new());

#[test]
fn clean_fixture() {
    let (_, c) = collect(&fixture("check/clean"));
    let m = c.matrix();
    assert!(m.gaps.is_empty(), "{:#?}", m.gaps);
    assert_eq!(m.total.percent.implemented, 100);
    insta::assert_snapshot!("clean_markdown", trace::markdown::report(&m, &ROOT));
    insta::assert_json_snapshot!("clean_json", m.to_json());
}

#[test]
fn fixture_with_gaps() {
    let (_, c) = collect(&fixture("trace/gaps"));
    let m = c.matrix();
    let ids: Vec<&str> = m.gaps.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["FR-NOTES-02", "FR-NOTES-03", "FR-TAGS-01"]);
    // A story found through a story–requirement table row.
    let fr2 = m
        .requirements
        .iter()
        .find(|r| r.id == "FR-NOTES-02")
        .unwrap();
    assert_eq!(fr2.stories[0].id, "US-NOTES-02");
    // A use case found through the story it covers.
    let fr1 = m
        .requirements
        .iter()
        .find(|r| r.id == "FR-NOTES-01")
        .unwrap();
    assert_eq!(fr1.use_cases[0].id, "UC-NOTES-01");
    assert_eq!(fr1.use_cases[0].via, ["US-NOTES-01"]);
    insta::assert_snapshot!("gaps_markdown", trace::markdown::report(&m, &ROOT));
    insta::assert_json_snapshot!("gaps_json", m.to_json());

    let only = m.filtered(&Filter {
        domains: vec!["tags".into()],
        uncovered: true,
    });
    assert_eq!(only.requirements.len(), 1);
    assert_eq!(only.domains.len(), 1);
    assert_eq!(only.total.requirements, 1);
    let uncovered = m.filtered(&Filter {
        domains: vec![],
        uncovered: true,
    });
    assert_eq!(uncovered.requirements.len(), 3);
    assert_eq!(uncovered.total, m.total);
}

#[test]
fn region_links_are_relative_to_the_document() {
    let (_, c) = collect(&fixture("trace/gaps"));
    let m = c.matrix();
    let doc = "docs/en/specifications/notes/requirements/requirements.md";
    insta::assert_snapshot!("gaps_region", trace::markdown::region(&m, "notes", doc));
}

#[test]
fn write_refreshes_only_the_region() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gaps");
    copy_dir(&fixture("trace/gaps"), &dir);
    let (ws, c) = collect(&dir);
    let m = c.matrix();
    let outcomes = trace::write_regions(&ws.jail, &c.spec, &m, &[]);
    let names: Vec<String> = outcomes.iter().map(|o| format!("{o:?}")).collect();
    assert!(names[0].starts_with("Updated"), "{names:?}");
    assert!(names[1].starts_with("NoRegion"), "{names:?}");
    let req = dir.join("docs/en/specifications/notes/requirements/requirements.md");
    let after = std::fs::read_to_string(&req).unwrap();
    let before = std::fs::read_to_string(fixture(
        "trace/gaps/docs/en/specifications/notes/requirements/requirements.md",
    ))
    .unwrap();
    let (head, _) = before.split_once("<!-- specplan:begin").unwrap();
    assert!(after.starts_with(head));
    assert!(after.ends_with(
        "<!-- specplan:end traceability -->\n\nWords after the region stay as they are.\n"
    ));
    // The tags document, without the region, is untouched.
    assert_eq!(
        std::fs::read_to_string(
            dir.join("docs/en/specifications/tags/requirements/requirements.md")
        )
        .unwrap(),
        std::fs::read_to_string(fixture(
            "trace/gaps/docs/en/specifications/tags/requirements/requirements.md"
        ))
        .unwrap()
    );
    // Writing again changes nothing, and the region did not change any
    // requirement's text.
    let (ws, c2) = collect(&dir);
    let again = trace::write_regions(&ws.jail, &c2.spec, &c2.matrix(), &[]);
    assert!(format!("{:?}", again[0]).starts_with("Unchanged"));
    assert_eq!(
        trace::lock::requirement_texts(&c.spec),
        trace::lock::requirement_texts(&c2.spec)
    );
}

#[test]
fn lock_update_and_confirm() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gaps");
    copy_dir(&fixture("trace/gaps"), &dir);
    let (ws, c) = collect(&dir);
    let texts = trace::lock::requirement_texts(&c.spec);
    assert_eq!(
        texts["NFR-NOTES-01"],
        "| NFR-NOTES-01 | Listing answers within 100 ms at the 95th percentile. |"
    );
    let lock = Lock::update(None, &texts, &c.annotations);
    insta::assert_snapshot!("gaps_lock", lock.render());
    lock.save(&ws.jail).unwrap();

    // Edit a requirement: its implementation and its test are stale.
    let req = dir.join("docs/en/specifications/notes/requirements/requirements.md");
    let text = std::fs::read_to_string(&req).unwrap();
    std::fs::write(&req, text.replace("newest first", "oldest first")).unwrap();
    let (_, c) = collect(&dir);
    let stale = trace::lock::stale_pairs(c.lock.as_ref().unwrap(), &c.spec, &c.annotations);
    let keys: Vec<(&str, &str)> = stale
        .iter()
        .map(|s| (s.requirement.as_str(), s.item_key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("FR-NOTES-01", "src/handlers/notes.rs::list_notes"),
            ("FR-NOTES-01", "tests/api.rs::lists_notes_newest_first"),
        ]
    );
    let m = c.matrix();
    let fr1 = m
        .requirements
        .iter()
        .find(|r| r.id == "FR-NOTES-01")
        .unwrap();
    assert!(fr1.implementations[0].stale);
    assert_eq!(fr1.gaps, [trace::Gap::Stale]);

    // `trace --lock` does not re-confirm; `confirm` of another ID neither.
    let texts = trace::lock::requirement_texts(&c.spec);
    let relocked = Lock::update(c.lock.as_ref(), &texts, &c.annotations);
    assert_eq!(relocked, *c.lock.as_ref().unwrap());
    let other = ["FR-NOTES-02".to_string()].into_iter().collect();
    let l = Lock::confirm(c.lock.as_ref(), &texts, &c.annotations, Some(&other));
    assert_eq!(
        trace::lock::stale_pairs(&l, &c.spec, &c.annotations).len(),
        2
    );
    // Confirming it clears both.
    let ids = ["FR-NOTES-01".to_string()].into_iter().collect();
    let l = Lock::confirm(c.lock.as_ref(), &texts, &c.annotations, Some(&ids));
    assert!(trace::lock::stale_pairs(&l, &c.spec, &c.annotations).is_empty());
    assert_eq!(
        Lock::confirm(c.lock.as_ref(), &texts, &c.annotations, None),
        l
    );
}
