//! End-to-end runs of the real binary on throw-away copies of fixture
//! workspaces: what a person wrote survives every run, bad input is reported
//! by file and the rest is still analysed.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{bin, copy_dir};

fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .arg("specplan")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/cmd")
        .join(format!("{name}.in"));
    copy_dir(&src, &dir);
    (tmp, dir)
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_twice_keeps_what_a_person_wrote() {
    let (_tmp, dir) = fixture("init-basic");
    let out = run(&dir, &["init", "--yes", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = dir.join("docs/en/specifications");
    let arch = docs.join("architecture.md");
    let todo = "> TODO: Describe the system in two or three sentences: what it serves, to whom, and the main constraints that shaped its structure.";
    let mine =
        "The bookshop serves the catalogue to the web shop.\n\nWe keep handlers thin on purpose.";
    let edited = read(&arch).replace(todo, mine);
    assert_ne!(
        edited,
        read(&arch),
        "the TODO paragraph is in the generated file"
    );
    std::fs::write(&arch, &edited).unwrap();

    // Nothing changed in the code: a second run changes nothing at all.
    let before: Vec<(PathBuf, String)> = [
        "README.md",
        "architecture.md",
        "config.md",
        "infrastructure.md",
    ]
    .iter()
    .map(|f| (docs.join(f), read(docs.join(f))))
    .collect();
    let config_before = read(dir.join("specplan.toml"));
    let out = run(&dir, &["init", "--yes", "-v"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (path, text) in &before {
        assert_eq!(&read(path), text, "{} changed", path.display());
    }
    assert_eq!(read(dir.join("specplan.toml")), config_before);
    assert!(
        stderr(&out).contains("Unchanged docs/en/specifications/architecture.md"),
        "{}",
        stderr(&out)
    );

    // The code changes: the generated regions follow, the person's words stay.
    let main = dir.join("src/main.rs");
    let code = read(&main).replace(
        "let port =",
        "let _key = std::env::var(\"STRIPE_API_KEY\").expect(\"STRIPE_API_KEY\");\n    let port =",
    );
    std::fs::write(&main, code).unwrap();
    let config_md = docs.join("config.md");
    let with_note = read(&config_md).replace(
        "## 2. Environment Variables\n",
        "## 2. Environment Variables\n\nSecrets come from Vault in production.\n",
    );
    std::fs::write(&config_md, &with_note).unwrap();
    let out = run(&dir, &["init", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let now = read(&config_md);
    assert!(now.contains("`STRIPE_API_KEY` | yes"), "{now}");
    assert!(
        now.contains("Secrets come from Vault in production."),
        "{now}"
    );
    assert!(
        stderr(&out).contains("Updating docs/en/specifications/config.md"),
        "{}",
        stderr(&out)
    );
    assert!(read(&arch).contains(mine));

    // --force replaces whole files and keeps the old ones beside them.
    let out = run(&dir, &["init", "--yes", "--force", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!read(&arch).contains(mine));
    assert!(read(docs.join("architecture.md.bak")).contains(mine));
}

#[test]
fn domains_from_flags_extend_the_configuration() {
    let (_tmp, dir) = fixture("init-basic");
    let out = run(
        &dir,
        &[
            "init",
            "--yes",
            "-q",
            "--domain",
            "catalog",
            "--docs-root",
            "docs/specs",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let cfg = read(dir.join("specplan.toml"));
    assert!(
        cfg.contains("name = \"catalog\"\nprefix = \"CATALOG\""),
        "{cfg}"
    );
    assert!(cfg.contains("root = \"docs/specs\""), "{cfg}");
    assert!(dir.join("docs/specs/catalog/requirements").is_dir());
    assert!(!dir.join("docs/specs/books").exists());
    // A later --domain adds to the configuration, keeping what is there.
    let edited = cfg.replace("[docs]", "# ours\n[docs]");
    std::fs::write(dir.join("specplan.toml"), &edited).unwrap();
    let out = run(&dir, &["init", "--yes", "-q", "--domain", "billing"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cfg = read(dir.join("specplan.toml"));
    let billing = "[[domains]]\nname = \"billing\"\nprefix = \"BILLING\"\n\n";
    assert_eq!(
        cfg.replace(billing, ""),
        edited,
        "only the new domain is added"
    );
    assert!(dir.join("docs/specs/billing/workflows").is_dir());
    let readme = read(dir.join("docs/specs/README.md"));
    assert!(
        readme.contains("### catalog") && readme.contains("### billing"),
        "{readme}"
    );
}

#[test]
fn config_in_cargo_writes_workspace_metadata() {
    let (_tmp, dir) = fixture("init-basic");
    let out = run(
        &dir,
        &[
            "init",
            "--yes",
            "-q",
            "--config-in-cargo",
            "--domain",
            "books",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.join("specplan.toml").exists());
    let manifest = read(dir.join("Cargo.toml"));
    assert!(
        manifest.starts_with("[package]\nname = \"bookshop\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("[[workspace.metadata.specplan.domains]]"),
        "{manifest}"
    );
    // And it is read back from there.
    let out = run(&dir, &["init", "--yes", "-v"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.join("docs/en/specifications/authors").exists());
}

#[test]
fn invalid_configuration_is_exit_2_pointing_at_the_line() {
    let (_tmp, dir) = fixture("init-basic");
    std::fs::write(
        dir.join("specplan.toml"),
        "[docs]\nlanguage = \"en\"\nrooot = \"x\"\n",
    )
    .unwrap();
    let out = run(&dir, &["init", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error[invalid-config]"), "{err}");
    assert!(err.contains("--> specplan.toml:3:1"), "{err}");
    assert!(err.contains("rooot"), "{err}");
    let out = run(&dir, &["init", "--yes", "--domain", "Not_Valid"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_files_are_reported_and_the_rest_is_analysed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let write = |rel: &str, bytes: &[u8]| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    write(
        "Cargo.toml",
        b"[workspace]\nmembers = [\"api\", \"broken\"]\n",
    );
    write("api/Cargo.toml", b"[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\n");
    write(
        "api/src/main.rs",
        b"fn main() {\n    let _ = std::env::var(\"API_TOKEN\");\n}\n",
    );
    write(
        "api/src/broken.rs",
        b"fn oops( {\n    std::env::var(\"X\")\n",
    );
    write("api/src/latin1.rs", b"// caf\xe9\nfn x() {}\n");
    write(
        "broken/Cargo.toml",
        b"[package]\nname = \"broken\"\nversion = \n",
    );
    write("broken/src/lib.rs", b"");
    // A link back to an ancestor is not followed (its target is walked at
    // its real place); a link that resolves to itself is a loop, reported.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("api/src"), dir.join("api/src/again")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("loop.rs", dir.join("api/src/loop.rs")).unwrap();
    let out = run(dir, &["detect"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(err.contains("cargo-metadata-failed"), "{err}");
    assert!(err.contains("--> broken/Cargo.toml:3"), "{err}");
    assert!(err.contains("api/src/latin1.rs"), "{err}");
    assert!(err.contains("api/src/broken.rs"), "{err}");
    #[cfg(unix)]
    assert!(err.contains("symlink-loop"), "{err}");
    assert!(stdout.contains("Framework: axum 0.8"), "{stdout}");
    assert!(!err.contains("panicked"), "{err}");
    // JSON output carries the same problems.
    let out = run(dir, &["detect", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"invalid-toml"), "{rules:?}");
    assert!(rules.contains(&"non-utf8-file"), "{rules:?}");
    assert!(rules.contains(&"rust-parse-error"), "{rules:?}");
}

#[test]
fn color_follows_the_flag_and_cargo_term_color() {
    let (_tmp, dir) = fixture("init-basic");
    let out = run(&dir, &["detect", "--color", "always"]);
    assert!(stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
    let out = bin()
        .current_dir(&dir)
        .env("CARGO_TERM_COLOR", "always")
        .args(["specplan", "detect"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains('\u{1b}'));
    let out = run(&dir, &["detect", "--color", "never"]);
    assert!(!stderr(&out).contains('\u{1b}'));
}

#[test]
fn works_as_cargo_subcommand_and_directly() {
    let (_tmp, dir) = fixture("init-basic");
    let via_cargo = run(&dir, &["detect"]);
    let direct = bin().current_dir(&dir).arg("detect").output().unwrap();
    assert!(via_cargo.status.success() && direct.status.success());
    assert_eq!(via_cargo.stdout, direct.stdout);
}
