//! Every fuzz target over a few thousand mutated inputs: the properties the
//! targets assert hold, in every `cargo test`. The driver and `cargo fuzz`
//! run the same targets for millions of cases.

fn run(name: &str, cases: u64) {
    let t = specplan_fuzz::target(name).unwrap();
    let mut m = specplan_fuzz::mutate::Mutator::new(0x7e57, (t.seeds)());
    m.max_len = 4096;
    for case in 0..cases {
        let input = m.next_input();
        if std::panic::catch_unwind(|| (t.run)(&input)).is_err() {
            panic!(
                "{name}: case {case} failed on {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

#[test]
fn spec_markdown() {
    run("spec_markdown", 1500);
}

#[test]
fn id_grammar() {
    run("id_grammar", 3000);
}

#[test]
fn annotation_scanner() {
    run("annotation_scanner", 1500);
}

#[test]
fn macro_args() {
    run("macro_args", 3000);
}

#[test]
fn plan_json() {
    run("plan_json", 2000);
}

#[test]
fn config_toml() {
    run("config_toml", 3000);
}

#[test]
fn every_target_is_tested_here() {
    let src = include_str!("targets.rs");
    for t in specplan_fuzz::TARGETS {
        assert!(
            src.contains(&format!("run(\"{}\"", t.name)),
            "{} is not run",
            t.name
        );
    }
}
