//! UI tests (trybuild): what a user sees for every error the attributes
//! report, with the build-time check reading the fixture docs in
//! `tests/fixture/`.
//!
//! trybuild compiles the cases in a project of its own, so the macro cannot
//! find the fixture from `CARGO_MANIFEST_DIR`; `SPECPLAN_CONFIG` points it
//! there. The variable has to be in the environment of the compiler that
//! trybuild starts, and the crate forbids the `unsafe` that `set_var` needs,
//! so the test runs itself again with the variable set.

use std::path::Path;
use std::process::Command;

const CONFIG: &str = "SPECPLAN_CONFIG";

#[test]
fn ui() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture/specplan.toml");
    if std::env::var_os(CONFIG).as_deref() == Some(fixture.as_os_str()) {
        let t = trybuild::TestCases::new();
        t.pass("tests/ui/pass/*.rs");
        t.compile_fail("tests/ui/fail/*.rs");
        return;
    }
    let status = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["ui", "--exact", "--nocapture", "--test-threads=1"])
        .env(CONFIG, &fixture)
        .env_remove("SPECPLAN_BUILD_CHECK")
        .status()
        .expect("run the UI tests");
    assert!(status.success(), "the UI tests failed (output above)");
}
