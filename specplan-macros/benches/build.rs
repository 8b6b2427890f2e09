//! What `#[implements]` costs a user's build, side by side.
//!
//! ```sh
//! cargo bench -p specplan-macros --bench build
//! ```
//!
//! Generates crates into `target/specplan-macros-bench/` and times `cargo
//! build` of each after touching its sources (an incremental rebuild of that
//! crate only, as a developer's edit-compile loop sees it), alternating the
//! crates run by run, and prints medians and ratios to the plain build:
//!
//! - `plain`: 1,000 small functions in one `lib.rs`, no attributes;
//! - `identity`: the same with 1,000 `#[implements]` of a proc macro that
//!   returns the item unchanged (the cost of the mechanism itself);
//! - `specplan`: the same with specplan-macros, 300 requirements in the
//!   workspace's docs, the build-time existence check on;
//! - `spread`: 5,000 specplan annotations over 20 files;
//! - `long-file`: 1,000 specplan annotations in one 20,000-line file;
//!
//! and, for the last two, the same code without attributes, so that the
//! cost per annotation is measured against its own baseline.
//!
//! `SPECPLAN_BENCH_RUNS` sets the runs per crate (default 7). Offline: the
//! crates depend only on this repository's crates and on what they already
//! depend on.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const REQUIREMENTS: usize = 300;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Unchanged files keep their timestamps: cargo's fingerprints hold.
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::write(path, text).unwrap();
}

/// A function body of a few lines, so that files have realistic length.
fn function(out: &mut String, attr: Option<&str>, i: usize, body_lines: usize) {
    if let Some(a) = attr {
        let _ = writeln!(out, "{a}");
    }
    let _ = writeln!(out, "pub fn f{i}(x: u64) -> u64 {{");
    let _ = writeln!(out, "    let mut acc = x;");
    for k in 0..body_lines {
        let _ = writeln!(
            out,
            "    acc = acc.wrapping_mul({}).wrapping_add({k});",
            k + 3
        );
    }
    let _ = writeln!(out, "    acc\n}}\n");
}

fn attr(kind: &str, i: usize) -> String {
    format!("#[{kind}(\"FR-BENCH-{:02}\")]", 1 + i % REQUIREMENTS)
}

/// One crate of the benchmark: `files` files of `per_file` functions, each
/// with `body` lines, annotated with `kind` (`None`: plain).
struct Case {
    name: &'static str,
    macro_dep: Option<&'static str>,
    files: usize,
    per_file: usize,
    body: usize,
}

fn generate(root: &Path, c: &Case) -> PathBuf {
    let dir = root.join(c.name);
    let dep = match c.macro_dep {
        Some("identity") => "identity-macros = { path = \"../identity-macros\" }".to_string(),
        Some(_) => format!(
            "specplan-macros = {{ path = \"{}\" }}",
            repo().join("specplan-macros").display()
        ),
        None => String::new(),
    };
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"bench-{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dep}\n\n[workspace]\n",
            c.name
        ),
    );
    let import = match c.macro_dep {
        Some("identity") => "use identity_macros::implements;\n",
        Some(_) => "use specplan_macros::implements;\n",
        None => "",
    };
    let mut lib = String::from("#![allow(clippy::all)]\n");
    let mut n = 0;
    for f in 0..c.files {
        let mut text = String::from(import);
        for _ in 0..c.per_file {
            let a = c.macro_dep.map(|_| attr("implements", n));
            function(&mut text, a.as_deref(), n, c.body);
            n += 1;
        }
        if c.files == 1 {
            lib.push_str(&text);
        } else {
            let _ = writeln!(lib, "pub mod m{f};");
            write(&dir.join(format!("src/m{f}.rs")), &text);
        }
    }
    write(&dir.join("src/lib.rs"), &lib);
    // The docs the existence check reads.
    let mut reqs = String::from(
        "# Requirements: bench\n\n- **Version:** 0.1.0\n- **Last Updated:** 2026-01-01\n- **Status:** Draft\n\n## 1. Functional Requirements\n\n",
    );
    for i in 1..=REQUIREMENTS {
        let _ = writeln!(
            reqs,
            "### FR-BENCH-{i:02}: Requirement {i}\n\nThe system does thing {i}.\n"
        );
    }
    write(
        &dir.join("docs/en/specifications/bench/requirements/requirements.md"),
        &reqs,
    );
    write(
        &dir.join("specplan.toml"),
        "[[domains]]\nname = \"bench\"\nprefix = \"BENCH\"\n",
    );
    dir
}

fn identity_crate(root: &Path) {
    let dir = root.join("identity-macros");
    write(
        &dir.join("Cargo.toml"),
        "[package]\nname = \"identity-macros\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n\n[workspace]\n",
    );
    write(
        &dir.join("src/lib.rs"),
        "use proc_macro::TokenStream;\n\n/// Returns the item unchanged.\n#[proc_macro_attribute]\npub fn implements(_args: TokenStream, item: TokenStream) -> TokenStream {\n    item\n}\n",
    );
}

/// Touches every source file of the crate and builds it: the time of the
/// rebuild of that crate alone.
fn build(dir: &Path, target: &Path) -> Duration {
    let now = std::time::SystemTime::now();
    for e in std::fs::read_dir(dir.join("src")).unwrap().flatten() {
        let f = std::fs::File::options().write(true).open(e.path()).unwrap();
        f.set_modified(now).unwrap();
    }
    let t = Instant::now();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env_remove("SPECPLAN_BUILD_CHECK")
        .env("CARGO_INCREMENTAL", "1")
        .output()
        .expect("cargo runs");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let runs: usize = std::env::var("SPECPLAN_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7)
        .max(1);
    let target_root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    let root = target_root.join("specplan-macros-bench");
    let target = root.join("target");
    identity_crate(&root);
    let cases = [
        Case {
            name: "plain",
            macro_dep: None,
            files: 1,
            per_file: 1000,
            body: 2,
        },
        Case {
            name: "identity",
            macro_dep: Some("identity"),
            files: 1,
            per_file: 1000,
            body: 2,
        },
        Case {
            name: "specplan",
            macro_dep: Some("specplan"),
            files: 1,
            per_file: 1000,
            body: 2,
        },
        Case {
            name: "spread-plain",
            macro_dep: None,
            files: 20,
            per_file: 250,
            body: 2,
        },
        Case {
            name: "spread",
            macro_dep: Some("specplan"),
            files: 20,
            per_file: 250,
            body: 2,
        },
        Case {
            name: "long-plain",
            macro_dep: None,
            files: 1,
            per_file: 1000,
            body: 15,
        },
        Case {
            name: "long-file",
            macro_dep: Some("specplan"),
            files: 1,
            per_file: 1000,
            body: 15,
        },
    ];
    let dirs: Vec<PathBuf> = cases.iter().map(|c| generate(&root, c)).collect();
    let long = std::fs::read_to_string(dirs[6].join("src/lib.rs")).unwrap();
    println!(
        "crates in {}; long-file has {} lines",
        root.display(),
        long.lines().count()
    );
    // Warm: dependencies built, each crate built once.
    for d in &dirs {
        build(d, &target);
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for _ in 0..runs {
        for (i, d) in dirs.iter().enumerate() {
            times[i].push(build(d, &target));
        }
    }
    let medians: Vec<f64> = times.into_iter().map(|t| median(t).as_secs_f64()).collect();
    println!("\n{runs} runs each, median of touch + `cargo build` (that crate only):");
    for (c, m) in cases.iter().zip(&medians) {
        let annotations = if c.macro_dep.is_some() {
            c.files * c.per_file
        } else {
            0
        };
        println!(
            "  {:12} {:>8.1} ms  ({} files, {} functions, {annotations} annotations)",
            c.name,
            m * 1e3,
            c.files,
            c.files * c.per_file,
        );
    }
    let per_annotation = |annotated: usize, plain: usize, n: usize| {
        (medians[annotated] - medians[plain]) / n as f64 * 1e6
    };
    println!("\nratios to the same code without attributes:");
    println!(
        "  identity macro (the mechanism)      {:.3}x",
        medians[1] / medians[0]
    );
    println!(
        "  specplan, 1,000 in one file          {:.3}x  ({:.1} µs per annotation; target ≤ 1.05x)",
        medians[2] / medians[0],
        per_annotation(2, 0, 1000)
    );
    println!(
        "  specplan, 5,000 over 20 files        {:.3}x  ({:.1} µs per annotation)",
        medians[4] / medians[3],
        per_annotation(4, 3, 5000)
    );
    println!(
        "  specplan, 1,000 in a {}-line file {:.3}x  ({:.1} µs per annotation)",
        long.lines().count(),
        medians[6] / medians[5],
        per_annotation(6, 5, 1000)
    );
}
