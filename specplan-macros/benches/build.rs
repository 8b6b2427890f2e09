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

/// Set for the bench binary run by cargo as `RUSTC_WRAPPER`: the file the
/// compile time of each benchmark crate is appended to.
const WRAP_LOG: &str = "SPECPLAN_BENCH_WRAP_LOG";

/// As cargo's `RUSTC_WRAPPER` (`<bench> <rustc> <args>…`): runs rustc and,
/// for a benchmark crate (`--crate-name bench_…`), appends
/// `<crate> <nanoseconds>` to the log.
fn wrap(log: &std::ffi::OsStr) -> ! {
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next().expect("cargo passes rustc's path");
    let rest: Vec<std::ffi::OsString> = args.collect();
    let t = Instant::now();
    let status = Command::new(rustc)
        .args(&rest)
        .status()
        .expect("rustc runs");
    let took = t.elapsed();
    let name = rest
        .windows(2)
        .find(|w| w[0] == "--crate-name")
        .and_then(|w| w[1].to_str());
    if let Some(name) = name.filter(|n| n.starts_with("bench_")) {
        use std::io::Write as _;
        let mut f = std::fs::File::options()
            .append(true)
            .create(true)
            .open(log)
            .expect("the log opens");
        writeln!(f, "{name} {}", took.as_nanos()).expect("the log is written");
    }
    std::process::exit(status.code().unwrap_or(1));
}

/// One rebuild: cargo's whole run, the compiler's run for the crate alone,
/// and a `cargo build` right after that has nothing to do (cargo's own
/// fixed cost for the crate).
#[derive(Clone, Copy)]
struct Timing {
    cargo: Duration,
    rustc: Duration,
    noop: Duration,
}

/// Touches every source file of the crate and builds it: the time of the
/// rebuild of that crate alone, through cargo and of its rustc process.
fn build(dir: &Path, target: &Path) -> Timing {
    let log = target.join("rustc-times.log");
    let _ = std::fs::remove_file(&log);
    let (cargo, rustc) = cargo_build(dir, target, &log, true);
    let (noop, _) = cargo_build(dir, target, &log, false);
    Timing { cargo, rustc, noop }
}

/// `cargo build` of the crate, after touching its sources when `touch`;
/// cargo's time and its rustc's for the crate.
fn cargo_build(dir: &Path, target: &Path, log: &Path, touch: bool) -> (Duration, Duration) {
    let _ = std::fs::remove_file(log);
    if !touch {
        let t = Instant::now();
        run_cargo(dir, target, log);
        return (t.elapsed(), Duration::ZERO);
    }
    let now = std::time::SystemTime::now();
    for e in std::fs::read_dir(dir.join("src")).unwrap().flatten() {
        let f = std::fs::File::options().write(true).open(e.path()).unwrap();
        f.set_modified(now).unwrap();
    }
    let t = Instant::now();
    run_cargo(dir, target, log);
    let took = t.elapsed();
    let logged = std::fs::read_to_string(log).unwrap_or_default();
    let nanos: u64 = logged
        .lines()
        .filter_map(|l| l.split_once(' ')?.1.parse::<u64>().ok())
        .sum();
    (took, Duration::from_nanos(nanos))
}

fn run_cargo(dir: &Path, target: &Path, log: &Path) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env_remove("SPECPLAN_BUILD_CHECK")
        .env("CARGO_INCREMENTAL", "1")
        .env(
            "RUSTC_WRAPPER",
            std::env::current_exe().expect("the bench's path"),
        )
        .env(WRAP_LOG, log)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    if let Some(log) = std::env::var_os(WRAP_LOG) {
        wrap(&log);
    }
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
    // Three shapes, each built plain, with the identity macro and with
    // specplan's: the identity build separates what any attribute macro
    // costs (the compiler hands the item over and parses it back, more for
    // a longer item) from the macro's own work.
    let shapes: [(&str, usize, usize, usize); 3] = [
        ("", 1, 1000, 2),
        ("spread-", 20, 250, 2),
        ("long-", 1, 1000, 15),
    ];
    const NAMES: [[&str; 3]; 3] = [
        ["plain", "identity", "specplan"],
        ["spread-plain", "spread-identity", "spread"],
        ["long-plain", "long-identity", "long-file"],
    ];
    let cases: Vec<Case> = shapes
        .iter()
        .zip(NAMES)
        .flat_map(|(&(_, files, per_file, body), names)| {
            [None, Some("identity"), Some("specplan")]
                .into_iter()
                .zip(names)
                .map(move |(macro_dep, name)| Case {
                    name,
                    macro_dep,
                    files,
                    per_file,
                    body,
                })
        })
        .collect();
    let dirs: Vec<PathBuf> = cases.iter().map(|c| generate(&root, c)).collect();
    let long = std::fs::read_to_string(dirs[8].join("src/lib.rs")).unwrap();
    println!(
        "crates in {}; long-file has {} lines",
        root.display(),
        long.lines().count()
    );
    // Warm: dependencies built, each crate built once.
    for d in &dirs {
        build(d, &target);
    }
    let mut times: Vec<Vec<Timing>> = vec![Vec::new(); cases.len()];
    for _ in 0..runs {
        for (i, d) in dirs.iter().enumerate() {
            times[i].push(build(d, &target));
        }
    }
    let of = |pick: fn(&Timing) -> Duration| -> Vec<f64> {
        times
            .iter()
            .map(|t| median(t.iter().map(pick).collect()).as_secs_f64())
            .collect()
    };
    let cargo = of(|t| t.cargo);
    let rustc = of(|t| t.rustc);
    let noop = of(|t| t.noop);
    println!(
        "\n{runs} runs each, medians of touch + `cargo build` (that crate only), and of the crate's rustc alone:"
    );
    for (i, c) in cases.iter().enumerate() {
        let annotations = if c.macro_dep.is_some() {
            c.files * c.per_file
        } else {
            0
        };
        println!(
            "  {:15} cargo {:>6.1} ms  rustc {:>6.1} ms  cargo with nothing to do {:>5.1} ms  ({} files, {} functions, {annotations} annotations)",
            c.name,
            cargo[i] * 1e3,
            rustc[i] * 1e3,
            noop[i] * 1e3,
            c.files,
            c.files * c.per_file,
        );
    }
    let long_lines = long.lines().count();
    let labels = [
        "1,000 in one file".to_string(),
        "5,000 over 20 files".to_string(),
        format!("1,000 in a {long_lines}-line file"),
    ];
    for (what, medians) in [
        (
            "the crate's rustc (what the attribute costs the compiler)",
            &rustc,
        ),
        (
            "`cargo build` (with cargo's own fingerprinting, which for these path dependencies walks specplan-macros' and specplan-ids' folders; a crates.io dependency is not walked)",
            &cargo,
        ),
    ] {
        println!("\n{what}:");
        println!(
            "  {:30} {:>9} {:>9} {:>12}  µs per annotation",
            "annotations", "identity", "specplan", "specplan vs"
        );
        println!(
            "  {:30} {:>9} {:>9} {:>12}  beyond identity",
            "", "vs plain", "vs plain", "identity"
        );
        for (k, label) in labels.iter().enumerate() {
            let (plain, identity, specplan) =
                (medians[3 * k], medians[3 * k + 1], medians[3 * k + 2]);
            let n = shapes[k].1 * shapes[k].2;
            println!(
                "  {label:30} {:>8.3}x {:>8.3}x {:>11.3}x  {:.1}",
                identity / plain,
                specplan / plain,
                specplan / identity,
                (specplan - identity) / n as f64 * 1e6
            );
        }
    }
}
