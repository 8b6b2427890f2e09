//! End to end, in a crate that depends on specplan-macros by path:
//!
//! - cargo re-runs the build-time check when a requirements document
//!   changes, without `cargo clean`: the crate is built, its document is
//!   edited, and the next build's verdict changes;
//! - `#[verifies]` under a `#[test]` that rustc expanded first is accepted,
//!   on a helper it is an error (this needs `cargo test`, which trybuild
//!   does not run).
//!
//! The crate and its target folder live in `CARGO_TARGET_TMPDIR`, so the
//! dependencies are compiled once (about 30 s on two cores) and reused by
//! later runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const DOC: &str = "docs/en/specifications/auth/requirements/requirements.md";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn requirements(ids: &[&str]) -> String {
    let mut s = String::from("# Auth — Requirements\n\n## 1. Functional requirements\n\n");
    for id in ids {
        s.push_str(&format!("### {id}: Something the service does\n\n"));
    }
    s
}

struct Crate {
    dir: PathBuf,
    target: PathBuf,
}

impl Crate {
    fn new(name: &str, lib_rs: &str) -> Crate {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("specplan-tracking");
        let dir = base.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let macros = Path::new(env!("CARGO_MANIFEST_DIR"));
        write(
            &dir.join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\nspecplan-macros = {{ path = {:?} }}\n",
                macros.display().to_string(),
            ),
        );
        // The workspace's lock file: the same dependency versions, offline.
        std::fs::copy(macros.join("../Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        write(&dir.join("specplan.toml"), "[[domains]]\nname = \"auth\"\n");
        write(&dir.join(DOC), &requirements(&["FR-AUTH-01", "FR-AUTH-02"]));
        write(&dir.join("src/lib.rs"), lib_rs);
        Crate {
            dir,
            target: base.join("target"),
        }
    }

    fn build(&self, env: &[(&str, &str)]) -> Output {
        self.cargo(&["build"], env)
    }

    fn cargo(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(args)
            .args(["--offline", "--color", "never"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("SPECPLAN_CONFIG")
            .env_remove("SPECPLAN_BUILD_CHECK")
            .env_remove("RUSTFLAGS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run cargo")
    }

    fn edit(&self, ids: &[&str]) {
        // Make sure the edit is newer than the last build's outputs even on
        // a file system with coarse modification times.
        std::thread::sleep(Duration::from_millis(1100));
        write(&self.dir.join(DOC), &requirements(ids));
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn editing_a_document_re_runs_the_check() {
    let krate = Crate::new(
        "tracked",
        "use specplan_macros::implements;\n\n#[implements(\"FR-AUTH-02\")]\npub fn logout() {}\n",
    );

    let first = krate.build(&[]);
    assert!(first.status.success(), "first build:\n{}", stderr(&first));

    // FR-AUTH-02 is removed from the document: the next build fails on it.
    krate.edit(&["FR-AUTH-01"]);
    let second = krate.build(&[]);
    let err = stderr(&second);
    assert!(!second.status.success(), "second build passed:\n{err}");
    assert!(
        err.contains(&format!("error: `FR-AUTH-02` is not defined in {DOC}")),
        "{err}"
    );
    assert!(err.contains("= help: did you mean `FR-AUTH-01`?"), "{err}");
    assert!(err.contains("src/lib.rs:3:14"), "{err}");

    // SPECPLAN_BUILD_CHECK is tracked too: turning the check off re-runs
    // the macro, which then checks the syntax only.
    let off = krate.build(&[("SPECPLAN_BUILD_CHECK", "0")]);
    assert!(off.status.success(), "check off:\n{}", stderr(&off));

    // Defined again: the build passes again.
    krate.edit(&["FR-AUTH-01", "FR-AUTH-02"]);
    let third = krate.build(&[]);
    assert!(third.status.success(), "third build:\n{}", stderr(&third));

    // And a build with nothing changed does not compile the crate again.
    let fourth = krate.build(&[]);
    assert!(fourth.status.success());
    assert!(
        !stderr(&fourth).contains("Compiling tracked"),
        "{}",
        stderr(&fourth)
    );
}

const TESTS: &str = "\
#[cfg(test)]
mod tests {
    use specplan_macros::verifies;

    #[test]
    #[verifies(\"FR-AUTH-01\")]
    fn test_above() {}

    #[test]
    #[ignore = \"slow\"]
    // A comment between the attributes.
    #[verifies(\"FR-AUTH-01\", \"FR-AUTH-02\")]
    fn test_above_with_others() {}

    #[verifies(\"FR-AUTH-02\")]
    #[test]
    fn test_below() {}
HELPER}
";

#[test]
fn verifies_sees_a_test_attribute_expanded_before_it() {
    let helper = "\n    #[verifies(\"FR-AUTH-01\")]\n    fn helper() {}\n";
    let krate = Crate::new("verified", &TESTS.replace("HELPER", helper));
    let out = krate.cargo(&["test", "--no-run"], &[]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert_eq!(err.matches("error: `#[verifies]`").count(), 1, "{err}");
    assert!(
        err.contains(
            "error: `#[verifies]` goes on a test function, and `helper` has no `#[test]` attribute"
        ),
        "{err}"
    );

    write(&krate.dir.join("src/lib.rs"), &TESTS.replace("HELPER", ""));
    let out = krate.cargo(&["test", "--no-run"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The rustdoc line: under rustc the item comes back exactly as written (no
/// attribute added, nothing for the build to pay), under rustdoc the IDs
/// and their titles are in the item's documentation.
#[test]
fn rustdoc_shows_the_ids_and_rustc_gets_the_item_unchanged() {
    let c = Crate::new(
        "specplan-rustdoc",
        "use specplan_macros::implements;\n\n/// Signs the user out.\n#[implements(\"FR-AUTH-02\")]\npub fn logout() {}\n",
    );
    let out = c.cargo(&["doc", "--no-deps"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = c.target.join("doc/specplan_rustdoc/fn.logout.html");
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    assert!(
        html.contains("Signs the user out."),
        "the item's own docs are kept"
    );
    assert!(html.contains("FR-AUTH-02"), "the ID is in the docs: {html}");
    assert!(html.contains("Something the service does"), "and its title");
    // rustc: the same crate builds.
    let out = c.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
}
