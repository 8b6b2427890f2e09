//! The stable fuzz driver: runs every target (or one) over inputs mutated
//! from real seeds, each case under `catch_unwind`, and reports executions,
//! time and failures. A failing input is written to
//! `target/specplan-fuzz/<target>-<case>.bin` and the exit code is 1.
//!
//! ```text
//! cargo run --release -p specplan-fuzz -- [--target NAME] [--cases N] [--seed S]
//! cargo run --release -p specplan-fuzz -- --target NAME --replay FILE
//! cargo run --release -p specplan-fuzz -- --target NAME --corpus fuzz/corpus/NAME
//! ```

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut cases: u64 = 100_000;
    let mut seed: u64 = 0x5eed;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--cases" => cases = value().parse().unwrap_or(cases),
            "--seed" => seed = value().parse().unwrap_or(seed),
            "--target" => only = Some(value()),
            "--corpus" => {
                // Writes the seeds of one target into a folder: the
                // starting corpus of `cargo fuzz run`.
                let dir = std::path::PathBuf::from(value());
                let Some(t) = only.as_deref().and_then(specplan_fuzz::target) else {
                    eprintln!("--corpus DIR needs --target NAME before it");
                    return ExitCode::from(2);
                };
                let seeds = (t.seeds)();
                let _ = std::fs::create_dir_all(&dir);
                for (i, s) in seeds.iter().enumerate() {
                    let _ = std::fs::write(dir.join(format!("seed-{i:04}")), s);
                }
                println!("{}: {} seeds in {}", t.name, seeds.len(), dir.display());
                return ExitCode::SUCCESS;
            }
            "--replay" => {
                // Runs one input of one target, panics shown as they are.
                let file = value();
                let Some(t) = only.as_deref().and_then(specplan_fuzz::target) else {
                    eprintln!("--replay FILE needs --target NAME before it");
                    return ExitCode::from(2);
                };
                let data = std::fs::read(&file).unwrap_or_default();
                (t.run)(&data);
                println!("{}: {file} passes", t.name);
                return ExitCode::SUCCESS;
            }
            "--list" => {
                for t in specplan_fuzz::TARGETS {
                    println!("{:20} {}", t.name, t.about);
                }
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!(
                    "usage: specplan-fuzz [--target NAME] [--cases N] [--seed S] [--list] [--replay FILE] [--corpus DIR]"
                );
                return ExitCode::from(2);
            }
        }
    }
    // Panics are the findings: keep their messages short and collected.
    std::panic::set_hook(Box::new(|_| {}));
    let out_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/specplan-fuzz");
    let mut failed = false;
    for t in specplan_fuzz::TARGETS {
        if only.as_deref().is_some_and(|o| o != t.name) {
            continue;
        }
        let mut m = specplan_fuzz::mutate::Mutator::new(seed, (t.seeds)());
        let start = Instant::now();
        let mut failures = 0u64;
        for case in 0..cases {
            let input = m.next_input();
            let result = std::panic::catch_unwind(|| (t.run)(&input));
            if let Err(p) = result {
                failures += 1;
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let _ = std::fs::create_dir_all(&out_dir);
                let file = out_dir.join(format!("{}-{case}.bin", t.name));
                let _ = std::fs::write(&file, &input);
                if failures <= 3 {
                    eprintln!(
                        "{}: case {case} failed: {msg} (input: {})",
                        t.name,
                        file.display()
                    );
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:20} {cases} executions in {secs:.1} s ({:.0}/s), {failures} failures",
            t.name,
            cases as f64 / secs.max(1e-9)
        );
        failed |= failures > 0;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
