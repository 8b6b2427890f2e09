//! The code scan on a large generated workspace, side by side with ripgrep.
//!
//! ```sh
//! cargo bench -p specplan-core --bench scan
//! ```
//!
//! Generates (deterministically, into a temporary directory) a workspace of
//! 12 member crates, 1,000+ Rust files and 500k+ lines: doc comments,
//! comments and strings that mention `implements(`, raw strings, nested
//! modules, impl blocks and trait impls, test modules, `macro_rules!`, with
//! annotations in about one file in five; and a `requirements.md` per domain.
//!
//! Then, in one run and alternating, times what `cargo specplan check` does
//! with the code (walk the workspace, read the documents, scan every `.rs`
//! file) and `rg -c -t rust 'implements\('` over the same tree, and reports
//! the medians, their ratio and the peak memory of this process (`VmHWM`,
//! reset before the timed runs). Loading the workspace (`cargo metadata`) is
//! timed on its own. Last, untimed, it checks the scan found every generated
//! annotation and agrees with the full `syn` walk on every file.
//!
//! Then the routed case ([`generate_routed`]): 24 crates that depend on
//! axum, 1,000+ files, 790 routes in routers spread over the crates and
//! nested by an app crate; the whole `check` against rg, and its peak
//! memory alone.
//!
//! `SPECPLAN_BENCH_CASE=table` times `check` on requirements tables of
//! 10,000 and 40,000 rows (it must grow linearly);
//! Then the documented case ([`documented_case`]): the routed workspace
//! with the documents the pipeline writes, `check` with and without the
//! rendering of every generated region (`outdated-region`).
//!
//! `SPECPLAN_BENCH_CASE=plain|routed|documented` runs one case only;
//! `SPECPLAN_BENCH_RUNS` sets the number of timed runs (default 9);
//! `SPECPLAN_BENCH_ORACLE=0` skips the comparison with the full `syn` walk.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use specplan_core::Workspace;
use specplan_core::annotations::{self, Annotation};
use specplan_core::source;

#[path = "support/workspace.rs"]
mod workspace;
use workspace::*;

/// The routed case, timed: the whole `check` and `routes` against rg, and
/// the peak memory of the check alone.
fn routed_case(runs: usize, have_rg: bool) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().unwrap();
    let (tree, routes) = generate_routed(&root);
    if let Ok(keep) = std::env::var("SPECPLAN_BENCH_KEEP") {
        // Keep a copy of the generated tree to look at.
        let _ = Command::new("cp").arg("-r").arg(&root).arg(&keep).status();
    }
    println!(
        "\n== routed: {} .rs files over {} crates that depend on axum, {} lines, {routes} routes, {} annotations",
        tree.rs_files, 25, tree.lines, tree.annotations
    );
    assert!(tree.rs_files >= 1000 && routes >= 700);
    let ws = Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
    let loaded = specplan_core::config::load(&ws).expect("the configuration loads");
    // Warm up, and check the routes are all found.
    let files = source::walk_workspace(&ws);
    let found = specplan_core::routes::extract(&ws, &files);
    assert_eq!(
        found.endpoints.len(),
        routes,
        "every generated route is found: {:?}",
        found.unresolved
    );
    drop(found);
    let peak_reset = reset_peak();
    let mut checks = Vec::new();
    let mut route_times = Vec::new();
    let mut rgs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let report =
            specplan_core::check::run(&ws, &loaded, &specplan_core::check::Options::default())
                .expect("the check runs");
        checks.push(t.elapsed());
        std::hint::black_box(report.diagnostics.len());
        if have_rg {
            let t = Instant::now();
            rg_pass(&root);
            rgs.push(t.elapsed());
        }
    }
    let peak = peak_kib();
    for _ in 0..runs {
        let files = source::walk_workspace(&ws);
        let t = Instant::now();
        std::hint::black_box(specplan_core::routes::extract(&ws, &files).endpoints.len());
        route_times.push(t.elapsed());
    }
    println!(
        "  specplan check {:>9}  (of which routes alone {})",
        ms(median(checks.clone())),
        ms(median(route_times))
    );
    if have_rg {
        println!(
            "  rg -c -t rust 'implements\\(' {:>9}",
            ms(median(rgs.clone()))
        );
        let ratio = median(checks).as_secs_f64() / median(rgs).as_secs_f64();
        println!("  ratio          {ratio:.2}× rg (whole check; target ≤ 1.5×)");
    }
    print_peak(peak, peak_reset);
}

/// The routed workspace with the documents the pipeline writes (Steps 1–5
/// of four domains and the index): `check` with `outdated-region`, which
/// renders every generated region again, against `check` without it.
fn documented_case(runs: usize) {
    use specplan_core::pipeline::{self, GenerateOptions, Step};
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().unwrap();
    let (tree, routes) = generate_routed(&root);
    let domains = ["auth", "orders", "billing", "catalog"];
    let mut toml = String::from("[docs]\nroot = \"docs/en/specifications\"\n");
    for d in domains {
        let _ = write!(toml, "\n[[domains]]\nname = \"{d}\"\n");
    }
    std::fs::write(root.join("specplan.toml"), toml).unwrap();
    let ws = Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
    let mut loaded = specplan_core::config::load(&ws).expect("the configuration loads");
    let t = Instant::now();
    for d in domains {
        for step in Step::ALL {
            let opts = GenerateOptions {
                step: Some(step),
                force: true,
                today: "2026-01-15".into(),
                ..GenerateOptions::default()
            };
            pipeline::generate(&ws, &loaded.config, d, &opts).expect("the step is written");
        }
    }
    pipeline::index(&ws, &loaded.config, "2026-01-15").expect("the index is written");
    if let Ok(keep) = std::env::var("SPECPLAN_BENCH_KEEP") {
        let _ = Command::new("cp").arg("-r").arg(&root).arg(&keep).status();
    }
    let regions: usize = walk_md(&root.join("docs"))
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            specplan_core::region::find_regions(&text).map_or(0, |r| r.len())
        })
        .sum();
    println!(
        "\n== documented: the routed workspace ({} .rs files, {routes} routes) with Steps 1–5 of {} domains and the index ({regions} generated regions), written in {}",
        tree.rs_files,
        domains.len(),
        ms(t.elapsed())
    );
    let time = |loaded: &specplan_core::config::Loaded| {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let report =
                specplan_core::check::run(&ws, loaded, &specplan_core::check::Options::default())
                    .expect("the check runs");
            times.push(t.elapsed());
            found = report
                .diagnostics
                .iter()
                .filter(|d| d.rule == "outdated-region")
                .count();
        }
        (median(times), found)
    };
    let peak_reset = reset_peak();
    let (with, outdated) = time(&loaded);
    let peak = peak_kib();
    loaded
        .config
        .rules
        .insert("outdated-region".into(), "allow".into());
    let (without, _) = time(&loaded);
    println!(
        "  specplan check {:>9}  with outdated-region ({outdated} outdated: the documents are current)",
        ms(with)
    );
    println!(
        "  specplan check {:>9}  without it (`\"outdated-region\" = \"allow\"`)",
        ms(without)
    );
    print_peak(peak, peak_reset);
}

fn walk_md(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_md(&p));
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out
}

/// A requirements table of 10,000 and of 40,000 rows (every row a finding:
/// no code implements it): `check` must grow linearly with the document
/// (it was quadratic: every finding's line counted from the start).
fn table_case(runs: usize) {
    let mut medians = Vec::new();
    for rows in [10_000usize, 40_000] {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let root = tmp.path().canonicalize().unwrap();
        let mut tree = Tree::default();
        write(
            &root,
            "Cargo.toml",
            "[package]\nname = \"big\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            &mut tree,
        );
        write(&root, "src/main.rs", "fn main() {}\n", &mut tree);
        write(
            &root,
            "specplan.toml",
            "[[domains]]\nname = \"auth\"\n",
            &mut tree,
        );
        let mut doc = String::from(
            "# Requirements\n\n- **Version:** 0.1.0\n- **Last Updated:** 2026-01-01\n- **Status:** Draft\n\n## 1. Functional\n\n| ID | Title | Priority |\n|---|---|---|\n",
        );
        for i in 1..=rows {
            let _ = writeln!(doc, "| FR-AUTH-{i:02} | Requirement number {i} | High |");
        }
        write(
            &root,
            "docs/en/specifications/auth/requirements/requirements.md",
            &doc,
            &mut tree,
        );
        let ws =
            Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
        let loaded = specplan_core::config::load(&ws).expect("the configuration loads");
        let mut times = Vec::new();
        let mut findings = 0;
        for _ in 0..runs.min(5) {
            let t = Instant::now();
            let report =
                specplan_core::check::run(&ws, &loaded, &specplan_core::check::Options::default())
                    .expect("the check runs");
            times.push(t.elapsed());
            findings = report.diagnostics.len();
        }
        let m = median(times);
        println!(
            "  table of {rows} rows: check {} ({findings} findings)",
            ms(m)
        );
        medians.push(m.as_secs_f64());
    }
    println!(
        "  40,000 rows / 10,000 rows: {:.1}x (linear is 4x; it was 14x)",
        medians[1] / medians[0]
    );
}

/// Peak resident memory of this process, from `/proc/self/status`.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Prints the peak memory line of a case.
fn print_peak(peak: Option<u64>, reset: bool) {
    match peak {
        Some(kib) => println!(
            "  peak memory    {:.1} MiB (VmHWM{}; target ≤ 64 MiB)",
            kib as f64 / 1024.0,
            if reset {
                ", reset before the timed runs"
            } else {
                ", whole process"
            }
        ),
        None => println!("  peak memory    unknown (no /proc/self/status)"),
    }
}

/// Resets the peak to the current resident size (Linux 4.0+).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What `check` does with the code today: walk, read the docs, scan.
fn check_pass(ws: &Workspace) -> (usize, usize, Duration, Duration, Duration) {
    let t = Instant::now();
    let files = source::walk_workspace(ws);
    let walk = t.elapsed();
    let t = Instant::now();
    let docs_root = ws.root.join("docs/en/specifications");
    let mut doc_bytes = 0;
    for f in files
        .files
        .iter()
        .filter(|f| f.rel.ends_with(".md") && f.abs.starts_with(&docs_root))
    {
        doc_bytes += source::read_text(f).map_or(0, |t| t.len());
    }
    let docs = t.elapsed();
    let t = Instant::now();
    let result = annotations::scan_workspace(ws, &files);
    let scan = t.elapsed();
    (result.annotations.len(), doc_bytes, walk, docs, scan)
}

fn rg_available() -> bool {
    Command::new("rg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `rg -c -t rust 'implements\('`: (files matched, lines matched).
fn rg_pass(root: &Path) -> (usize, usize) {
    let out = Command::new("rg")
        .args(["-c", "-t", "rust", r"implements\("])
        .arg(root)
        .output()
        .expect("rg runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut files = 0;
    let mut lines = 0;
    for l in text.lines() {
        files += 1;
        lines += l
            .rsplit(':')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
    }
    (files, lines)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let runs: usize = std::env::var("SPECPLAN_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9)
        .max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let case = std::env::var("SPECPLAN_BENCH_CASE").unwrap_or_default();
    if case == "routed" {
        routed_case(runs, rg_available());
        return;
    }
    if case == "table" {
        table_case(runs);
        return;
    }
    if case == "documented" {
        documented_case(runs);
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().unwrap();

    let t = Instant::now();
    let tree = generate(&root);
    println!(
        "generated in {}: {} files ({} .rs, {} with annotations), {} lines, {:.1} MiB, \
         {} annotations, {} requirements over {} domains",
        ms(t.elapsed()),
        tree.files,
        tree.rs_files,
        tree.annotated_files,
        tree.lines,
        tree.bytes as f64 / (1024.0 * 1024.0),
        tree.annotations,
        tree.requirements,
        DOMAINS.len()
    );
    assert!(tree.rs_files >= 1000 && tree.lines >= 500_000 && tree.annotations >= 2000);

    let t = Instant::now();
    let ws = Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
    let load = t.elapsed();
    assert_eq!(ws.packages.len(), DOMAINS.len());
    println!("load (cargo metadata --no-deps): {}", ms(load));

    let have_rg = rg_available();
    if !have_rg {
        println!(
            "rg is not on PATH: the comparison with ripgrep is skipped (apt-get install ripgrep)"
        );
    }
    let peak_reset = reset_peak();
    // Warm the page cache and both programs.
    let (found, _, _, _, _) = check_pass(&ws);
    let rg_counts = have_rg.then(|| rg_pass(&root));
    let mut ours = Vec::new();
    let mut walks = Vec::new();
    let mut docs = Vec::new();
    let mut scans = Vec::new();
    let mut rgs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (n, _, walk, doc, scan) = check_pass(&ws);
        ours.push(t.elapsed());
        walks.push(walk);
        docs.push(doc);
        scans.push(scan);
        assert_eq!(n, found);
        if have_rg {
            let t = Instant::now();
            rg_pass(&root);
            rgs.push(t.elapsed());
        }
    }
    // The whole check, as `cargo specplan check` runs it after loading the
    // workspace: the walk, the docs, the scan, the routes and every rule.
    let loaded = specplan_core::config::load(&ws).expect("the configuration loads");
    let mut checks = Vec::new();
    let mut findings = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let report =
            specplan_core::check::run(&ws, &loaded, &specplan_core::check::Options::default())
                .expect("the check runs");
        checks.push(t.elapsed());
        findings = report.diagnostics.len();
    }
    // Where the check's time goes beyond the scan.
    let mut route_times = Vec::new();
    let mut spec_times = Vec::new();
    let domains: Vec<(String, String)> = loaded
        .config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect();
    for _ in 0..runs {
        let files = source::walk_workspace(&ws);
        let t = Instant::now();
        let routes = specplan_core::routes::extract(&ws, &files);
        route_times.push(t.elapsed());
        std::hint::black_box(routes.endpoints.len());
        let t = Instant::now();
        let spec = specplan_core::spec::load(&ws.jail, &loaded.config.docs.root(), &domains);
        spec_times.push(t.elapsed());
        std::hint::black_box(spec.documents.len());
    }
    let peak = peak_kib();

    println!("\n{runs} runs on {cores} cores, medians:");
    println!(
        "  of which        routes {}, docs (spec model) {}",
        ms(median(route_times)),
        ms(median(spec_times))
    );
    println!(
        "  specplan check {:>9}  (everything `check` does after loading: walk, docs, scan, routes, rules; {findings} findings)",
        ms(median(checks.clone()))
    );
    println!(
        "  specplan scan  {:>9}  (walk {}, docs {}, scan {})",
        ms(median(ours.clone())),
        ms(median(walks)),
        ms(median(docs)),
        ms(median(scans))
    );
    if have_rg {
        let (rg_files, rg_lines) = rg_counts.unwrap_or_default();
        let ratio = median(ours.clone()).as_secs_f64() / median(rgs.clone()).as_secs_f64();
        println!(
            "  rg -c -t rust 'implements\\(' {:>9}  ({rg_files} files, {rg_lines} lines)",
            ms(median(rgs.clone()))
        );
        println!("  ratio          {ratio:.2}× rg (scan)");
        let check_ratio = median(checks.clone()).as_secs_f64() / median(rgs.clone()).as_secs_f64();
        println!("  ratio          {check_ratio:.2}× rg (whole check; target ≤ 1.5×)");
    }
    print_peak(peak, peak_reset);

    if case != "plain" {
        routed_case(runs, have_rg);
        documented_case(runs);
    }

    // Correctness, untimed.
    let files = source::walk_workspace(&ws);
    let result = annotations::scan_workspace(&ws, &files);
    println!(
        "\nscan: {} annotations; {} of {} files lexed, {} fell back to syn, {} diagnostics",
        result.annotations.len(),
        result.stats.lexed,
        result.stats.files,
        result.stats.fallbacks,
        result.diagnostics.len()
    );
    assert_eq!(
        result.annotations.len(),
        tree.annotations,
        "every generated annotation is found"
    );
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    if std::env::var("SPECPLAN_BENCH_ORACLE").is_ok_and(|v| v == "0") {
        return;
    }
    let t = Instant::now();
    let mut syn_bytes = 0;
    for f in &files.files {
        if !f.rel.ends_with(".rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f.abs).unwrap();
        syn_bytes += text.len();
        let oracle = annotations::scan_text_with_syn(&f.rel, &text).expect("generated files parse");
        let mine: Vec<&Annotation> = result
            .annotations
            .iter()
            .filter(|a| a.file == f.rel)
            .collect();
        assert_eq!(mine.len(), oracle.len(), "{}", f.rel);
        assert!(mine.iter().zip(&oracle).all(|(a, b)| *a == b), "{}", f.rel);
        proc_macro2::extra::invalidate_current_thread_spans();
    }
    let full = t.elapsed();
    println!(
        "full syn walk (the oracle) of every file, one core: {} ({:.0} ns/byte); it agrees with the scan on every file",
        ms(full),
        full.as_nanos() as f64 / syn_bytes as f64
    );
}
