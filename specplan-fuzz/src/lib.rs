//! Fuzz targets for every parser that reads untrusted text: the Markdown
//! spec model, the ID grammar, the annotation scanner (checked against its
//! `syn` oracle), the macro's argument parser, the plan validator and the
//! configuration. Each target takes bytes and panics when a property
//! breaks; `cargo fuzz` (nightly, `fuzz/`) and the stable driver
//! (`cargo run --release -p specplan-fuzz`) run the same functions.

use std::str::FromStr;

pub mod mutate;

/// The macro crate's argument parser, compiled here as it is there: a
/// proc-macro crate exports only its macros.
#[path = "../../specplan-macros/src/args.rs"]
#[allow(dead_code)]
mod args;

/// The attribute kinds, from the macro crate (what `args.rs` names
/// `crate::Which`).
#[path = "../../specplan-macros/src/which.rs"]
#[allow(dead_code)]
mod which;

use which::Which;

/// A fuzz target: its name, what it reads, and the function.
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn(&[u8]),
    /// Seed inputs: real documents, sources, plans and configurations.
    pub seeds: fn() -> Vec<Vec<u8>>,
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "spec_markdown",
        about: "a specification document through the spec model, as each kind of document",
        run: spec_markdown,
        seeds: mutate::seeds::markdown,
    },
    Target {
        name: "id_grammar",
        about: "Id::parse, its round trip, and definitions in Markdown",
        run: id_grammar,
        seeds: mutate::seeds::ids,
    },
    Target {
        name: "annotation_scanner",
        about: "the fast annotation scanner against the full syn parse",
        run: annotation_scanner,
        seeds: mutate::seeds::rust,
    },
    Target {
        name: "macro_args",
        about: "the arguments of #[implements(...)] / #[verifies(...)]",
        run: macro_args,
        seeds: mutate::seeds::macro_args,
    },
    Target {
        name: "plan_json",
        about: "plan --validate on arbitrary text",
        run: plan_json,
        seeds: mutate::seeds::plans,
    },
    Target {
        name: "config_toml",
        about: "specplan.toml in the CLI's parser and the macro's",
        run: config_toml,
        seeds: mutate::seeds::configs,
    },
];

pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

const DOC_PATHS: &[&str] = &[
    "auth/requirements/requirements.md",
    "auth/requirements/user-stories.md",
    "auth/requirements/api-spec.md",
    "auth/workflows/use-cases.md",
    "auth/workflows/sequence-diagram.md",
    "README.md",
];

/// Every kind of document parses; every range it records lies on character
/// boundaries of the text and gets a span.
pub fn spec_markdown(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let ctx = specplan_core::spec::Context::new("docs/en/specifications", &[("auth", "AUTH")]);
    let rel = DOC_PATHS[data.len() % DOC_PATHS.len()];
    let doc = specplan_core::spec::parse_document(rel, text, &ctx);
    let ranges = doc
        .definitions
        .iter()
        .map(|d| d.range.clone())
        .chain(doc.references.iter().map(|r| r.range.clone()))
        .chain(doc.headings.iter().map(|h| h.range.clone()))
        .chain(doc.links.iter().map(|l| l.range.clone()));
    for r in ranges {
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "{r:?} out of the text"
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{r:?} splits a character"
        );
        let span = doc.span(&r);
        assert!(span.line >= 1 && span.end_line >= span.line);
    }
}

/// An ID that parses prints as itself and parses again to the same ID.
pub fn id_grammar(data: &[u8]) {
    let Some(text) = text(data) else { return };
    for word in text.split_whitespace().take(64) {
        if let Ok(id) = specplan_ids::Id::parse(word) {
            let printed = id.to_string();
            assert_eq!(printed, word, "an ID prints as written");
            assert_eq!(specplan_ids::Id::parse(&printed), Ok(id));
        }
    }
    let _ = specplan_ids::leading_id_word(text);
    for kind in specplan_ids::DocKind::ALL {
        let _ = specplan_ids::definitions_in(text, kind);
    }
}

/// Where the whole file parses, the fast scanner finds exactly what the
/// `syn` walk finds.
pub fn annotation_scanner(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let fast = specplan_core::annotations::scan_text("src/lib.rs", text);
    if let Ok(oracle) = specplan_core::annotations::scan_text_with_syn("src/lib.rs", text) {
        let fast = fast.expect("the file parses, so the scan cannot fail");
        assert_eq!(fast, oracle, "the fast scanner disagrees with syn");
    }
}

/// The argument parser never panics, and accepts exactly the lists of
/// distinct well-formed ID literals.
pub fn macro_args(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(tokens) = proc_macro2::TokenStream::from_str(text) else {
        return;
    };
    for which in [Which::Implements, Which::Verifies] {
        let mut errors = Vec::new();
        let ok = args::parse(which, tokens.clone(), &mut errors, &mut |_| None);
        // Looking IDs up by text (as the build does for defined ones) finds
        // the same IDs and the same errors as parsing each.
        let mut known_errors = Vec::new();
        let known = args::parse(which, tokens.clone(), &mut known_errors, &mut |t| {
            specplan_ids::Id::parse(t)
                .ok()
                .filter(|id| id.domain() == "AUTH")
        });
        let ids = |args: &[args::Arg]| -> Vec<String> {
            args.iter().map(|a| a.id.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&ok), ids(&known), "`{text}`");
        assert_eq!(errors.len(), known_errors.len(), "`{text}`");
        if errors.is_empty() {
            assert!(!ok.is_empty(), "no ID and no error for `{text}`");
            let mut seen = std::collections::HashSet::new();
            for a in &ok {
                assert!(seen.insert(a.id.to_string()), "`{}` accepted twice", a.id);
            }
        }
    }
}

/// Any text gets diagnostics or a parse error, never a panic; a plan that
/// parses is validated the same with and without positions.
pub fn plan_json(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let options = specplan_core::plan::validate_options(None);
    match specplan_core::plan::validate::validate_text("plan.json", text, &options) {
        Ok(with_positions) => {
            let value: serde_json::Value = serde_json::from_str(text).expect("it parsed");
            let without = specplan_core::plan::validate::validate_value(&value, &options);
            assert_eq!(
                with_positions.len(),
                without.len(),
                "positions changed what was found"
            );
        }
        Err(d) => assert_eq!(d.level, specplan_core::Level::Error),
    }
}

/// What the CLI accepts, the macro accepts too (they must agree on the
/// docs root and the domains).
pub fn config_toml(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let cli = specplan_core::config::parse_valid(text, "specplan.toml");
    let macro_side = specplan_ids::Config::parse(text);
    if cli.is_ok() {
        assert!(
            macro_side.is_ok(),
            "the CLI accepts what the macro rejects: {:?}",
            macro_side.err()
        );
    }
}
