//! Validate, then expand: the item again, unchanged, with a rustdoc line
//! naming the IDs, the errors found, and the tracking of the documents the
//! verdict was read from.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use specplan_ids::{Definition, Id, Placement};

use crate::Which;
use crate::args::{self, Arg};
use crate::context::{self, Off, State, Workspace};
use crate::item::{Item, Kind, is_test_attr};

/// What the expansion needs from the compiler and the file system, kept
/// apart so that the expansion can be unit-tested.
pub trait Env {
    /// The build-time check's view of the workspace.
    fn state(&self) -> State;
    /// The paths of the attributes written right before this one in the
    /// source, nearest first (attributes above ours that were expanded
    /// before ours, such as `#[test]`, are no longer on the item); `None`
    /// when the source cannot be read.
    fn attrs_above(&self) -> Option<Vec<String>>;
    /// `CARGO_PKG_REPOSITORY`.
    fn repository(&self) -> Option<String>;
    /// Whether the files still need tracking in this compilation: rustc
    /// records a file in the crate's dep-info once, whichever expansion
    /// includes it, so only the first expansion that can hold the tracking
    /// emits it (a thousand copies cost more than the whole check). Called
    /// only where tracking can be emitted; it records that it was.
    fn needs_tracking(&self) -> bool;
    /// Whether [`Env::needs_tracking`] would still say yes, without
    /// recording anything: the item is read for it only then.
    fn tracking_pending(&self) -> bool {
        true
    }
    /// How the rustdoc line is emitted.
    fn docs(&self) -> Docs {
        Docs::CfgAttr
    }
}

/// How the rustdoc line naming the IDs is emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Docs {
    /// Not at all: the compiler that runs the macro is rustc (or clippy),
    /// which would only parse the attributes and drop them. The item then
    /// goes back exactly as it came, and a build pays no more than for an
    /// attribute that returns its item (specplan-macros' build benchmark).
    Omit,
    /// `#[doc = "…"]`: the compiler is rustdoc.
    Plain,
    /// `#[cfg_attr(doc, doc = "…")]`: anything else (rust-analyzer's macro
    /// server, whose hover shows the docs; tests).
    CfgAttr,
}

#[cfg(test)]
pub fn expand(which: Which, args: TokenStream, item: TokenStream, env: &dyn Env) -> TokenStream {
    if unchanged(which, &|| args.to_string(), env) {
        return item;
    }
    full(which, args, item, env)
}

/// The expansion read in full: every argument, the item where a check
/// needs it.
pub fn full(which: Which, args: TokenStream, item: TokenStream, env: &dyn Env) -> TokenStream {
    // The item is read (its attributes, kind and body) only when something
    // depends on it; most expansions return it as it came.
    let original = item;
    let parsed = std::cell::OnceCell::new();
    let item = || parsed.get_or_init(|| Item::parse(original.clone()));
    let mut errors = Vec::new();
    let docs = env.docs();
    // The workspace is read when the first argument is looked up.
    let looked_up = std::cell::OnceCell::new();
    let ids = args::parse(which, args, &mut errors, &mut |text| match looked_up
        .get_or_init(|| env.state())
    {
        State::Ready(ws) => ws.lookup(text).cloned(),
        _ => None,
    });
    if which == Which::Verifies {
        check_is_test(item(), env, &mut errors);
    }

    // Without a well-formed ID there is nothing to look up.
    let state = match looked_up.into_inner() {
        Some(state) if !ids.is_empty() => state,
        _ => State::Off(Off::Dependency),
    };
    let mut resolved: Vec<(&Id, Option<&Definition>)> = Vec::new();
    // The files to track, when the verdict depends on the workspace.
    let mut tracking: Option<&[PathBuf]> = None;
    let mut workspace = None;
    match &state {
        State::Ready(ws) => {
            for Arg { id, span, defined } in &ids {
                if *defined && docs == Docs::Omit {
                    // Defined, and no rustdoc line to show its title.
                    resolved.push((id, None));
                    continue;
                }
                match ws.docs.get(id) {
                    Some(def) => resolved.push((id, Some(def))),
                    None => {
                        errors.push(syn::Error::new(*span, undefined(ws, id)));
                        resolved.push((id, None));
                    }
                }
            }
            tracking = Some(&ws.tracked);
            workspace = Some(ws.as_ref());
        }
        State::Broken(message) => {
            if context::first_report() {
                errors.push(syn::Error::new(
                    Span::call_site(),
                    format!(
                        "{message}\n= note: requirement IDs are checked for syntax only until this is fixed; `{}=0` turns the check off",
                        context::ENV_BUILD_CHECK
                    ),
                ));
            }
            resolved.extend(ids.iter().map(|a| (&a.id, None)));
        }
        State::Off(Off::NoConfig(manifest)) => {
            resolved.extend(ids.iter().map(|a| (&a.id, None)));
            tracking = Some(manifest.as_slice());
        }
        State::Off(Off::Env | Off::Rule(_)) => {
            resolved.extend(ids.iter().map(|a| (&a.id, None)));
            tracking = Some(&[]);
        }
        State::Off(Off::Dependency | Off::NoManifestDir) => {
            resolved.extend(ids.iter().map(|a| (&a.id, None)));
        }
    }

    let doc = if resolved.is_empty() || docs == Docs::Omit {
        TokenStream::new()
    } else {
        let repo = env.repository();
        let line = doc_line(which, &resolved, workspace, repo.as_deref());
        if docs == Docs::Plain {
            quote! {
                #[doc = ""]
                #[doc = #line]
            }
        } else {
            quote! {
                #[cfg_attr(doc, doc = "")]
                #[cfg_attr(doc, doc = #line)]
            }
        }
    };

    // Tracking goes where a `const _` may stand: first thing in a function
    // body, or after an item that can only be a module or block item.
    let can_track =
        || env.tracking_pending() && (item().body.is_some() || item().kind.is_module_level());
    let tracking = match tracking {
        Some(files) if can_track() && env.needs_tracking() => track(files),
        _ => TokenStream::new(),
    };
    let (inject, after) = if tracking.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else if item().body.is_some() {
        (tracking, TokenStream::new())
    } else {
        (TokenStream::new(), tracking)
    };

    if errors.is_empty() && doc.is_empty() && inject.is_empty() && after.is_empty() {
        // Nothing to add: the item as it came, not rebuilt token by token.
        return original;
    }
    let errors = errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    });
    let mut out = errors.map(|e| e.to_compile_error()).unwrap_or_default();
    out.extend(item().emit(doc, inject));
    out.extend(after);
    out
}

/// The common case, decided from the arguments' text alone: under rustc
/// (no rustdoc line), with the documents tracked already, an
/// `#[implements]` whose arguments are plain string literals naming
/// distinct IDs that the documents define (or, with the check off, that
/// are well-formed) returns its item as it came. One call across the
/// compiler's bridge for the whole list, no token walked: a build pays
/// little more for the attribute than for one that returns its item. Any
/// other case takes the full path, which also reports what is wrong.
/// `args` prints the arguments (the compiler's own token stream's printing:
/// proc-macro2's wrapper around it costs as much again).
pub fn unchanged(which: Which, args: &dyn Fn() -> String, env: &dyn Env) -> bool {
    if which != Which::Implements || env.docs() != Docs::Omit || env.tracking_pending() {
        return false;
    }
    let text = args();
    let Some(values) = plain_literals(&text) else {
        return false;
    };
    let state = env.state();
    for (i, value) in values.iter().enumerate() {
        if values[..i].contains(value) {
            return false;
        }
        let fine = match &state {
            State::Ready(ws) => ws.lookup(value).is_some(),
            State::Off(_) => Id::parse(value).is_ok(),
            State::Broken(_) => false,
        };
        if !fine {
            return false;
        }
    }
    !values.is_empty()
}

/// The values of a comma-separated list of string literals written
/// without escapes, prefixes or suffixes (`"FR-A-01", "FR-A-02"`), as the
/// compiler prints the tokens; `None` for anything else.
fn plain_literals(text: &str) -> Option<Vec<&str>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            return Some(out);
        }
        if b[i] != b'"' {
            return None;
        }
        let start = i + 1;
        let mut end = start;
        while end < b.len() && b[end] != b'"' {
            if b[end] == b'\\' {
                return None;
            }
            end += 1;
        }
        if end == b.len() {
            return None;
        }
        out.push(&text[start..end]);
        i = end + 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            return Some(out);
        }
        if b[i] != b',' {
            return None;
        }
        i += 1;
    }
}

fn check_is_test(item: &Item, env: &dyn Env, errors: &mut Vec<syn::Error>) {
    if item.kind == Kind::Other {
        // A macro call or something half-typed: nothing to say yet.
        return;
    }
    let help = "\n= help: `#[verifies]` marks the test that checks a requirement; the code that meets it takes `#[implements(…)]`";
    if item.kind != Kind::Fn {
        errors.push(syn::Error::new(
            item.name_span(),
            format!(
                "`#[verifies]` goes on a test function, not on {}{help}",
                item.kind.describe()
            ),
        ));
        return;
    }
    if item.attr_paths.iter().any(|p| is_test_attr(p)) {
        return;
    }
    let Some(above) = env.attrs_above() else {
        return;
    };
    if above.iter().any(|p| is_test_attr(p)) {
        return;
    }
    let name = item
        .name
        .as_ref()
        .map_or_else(|| "this function".to_string(), |n| format!("`{n}`"));
    errors.push(syn::Error::new(
        item.name_span(),
        format!(
            "`#[verifies]` goes on a test function, and {name} has no `#[test]` attribute (nor `#[tokio::test]`, `#[rstest]`, …){help}"
        ),
    ));
}

/// The message for an ID no document defines: where it should be, and
/// the closest defined IDs.
fn undefined(ws: &Workspace, id: &Id) -> String {
    let mut msg = match specplan_ids::placement(&ws.project, &ws.domains, id) {
        Placement::Document {
            rel_path,
            exists: true,
            ..
        } => format!("`{id}` is not defined in {rel_path}"),
        Placement::Document {
            rel_path, domain, ..
        } => format!(
            "`{id}` is not defined: {rel_path} does not exist\n= help: `cargo specplan generate {}` writes it",
            domain.name
        ),
        Placement::UnknownPrefix { prefix, domains } => {
            let known: Vec<String> = domains
                .iter()
                .map(|d| format!("`{}` ({})", d.name, d.prefix))
                .collect();
            let known = match known.as_slice() {
                [] => "no domains are configured".to_string(),
                [one] => format!("the only domain is {one}"),
                [init @ .., last] => format!("the domains are {} and {last}", init.join(", ")),
            };
            let config = ws.project.relative(ws.project.source.path());
            let near = ws.docs.closest(id, 3);
            if near.is_empty() {
                return format!(
                    "`{id}` is not defined: no domain has the prefix `{prefix}` ({known}, in {config})\n= help: fix the prefix, or add the domain to {config} (`[[domains]]` with `prefix = \"{prefix}\"`) and write its documents"
                );
            }
            format!(
                "`{id}` is not defined: no domain has the prefix `{prefix}` ({known}, in {config})"
            )
        }
    };
    let near = ws.docs.closest(id, 3);
    if !near.is_empty() {
        let near: Vec<String> = near.iter().map(|i| format!("`{i}`")).collect();
        let list = match near.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
            [] => unreachable!(),
        };
        msg.push_str(&format!("\n= help: did you mean {list}?"));
    } else if !msg.contains("= help") {
        msg.push_str(&format!(
            "\n= note: a {} is defined by a heading that begins with its ID (`### {id}: …`) or by the first cell of a row in a table whose first column is `ID`",
            id.kind().name()
        ));
    }
    msg
}

/// `const _: () = { let _ = include_bytes!("…"); … };`: cargo re-runs the
/// check when one of the files changes (rustc lists them in the dep-info
/// file) or when one of the environment variables does.
fn track(files: &[PathBuf]) -> TokenStream {
    let files = files.iter().filter_map(|p| p.to_str());
    let check = context::ENV_BUILD_CHECK;
    let config = context::ENV_CONFIG;
    quote! {
        const _: () = {
            #( let _ = ::core::include_bytes!(#files); )*
            let _ = ::core::option_env!(#check);
            let _ = ::core::option_env!(#config);
        };
    }
}

/// The rustdoc line: `**Implements** [`FR-AUTH-01`](…): Sign in with email`.
pub fn doc_line(
    which: Which,
    ids: &[(&Id, Option<&Definition>)],
    ws: Option<&Workspace>,
    repository: Option<&str>,
) -> String {
    let git_root = ws.and_then(|w| w.git_root.as_deref());
    let entry = |id: &Id, def: Option<&Definition>| -> String {
        let Some(def) = def else {
            return format!("`{id}`");
        };
        let url = link(def, git_root, repository);
        let title = escape_markdown(&shorten(&def.title, 80));
        if title.is_empty() {
            format!("[`{id}`]({url})")
        } else {
            format!("[`{id}`]({url}): {title}")
        }
    };
    let verb = which.verb();
    match ids {
        [(id, def)] => format!("**{verb}** {}", entry(id, *def)),
        many => {
            let mut s = format!("**{verb}**\n");
            for (id, def) in many {
                s.push_str(&format!("- {}\n", entry(id, *def)));
            }
            s
        }
    }
}

/// A link to the definition: on the repository's web host when the package
/// says where that is (GitHub, GitLab) and the docs are in its git work
/// tree, else to the file on this machine.
fn link(def: &Definition, git_root: Option<&Path>, repository: Option<&str>) -> String {
    let anchor = if def.anchor.is_empty() {
        String::new()
    } else {
        format!("#{}", def.anchor)
    };
    if let (Some(repo), Some(root)) = (repository, git_root)
        && let Ok(rel) = def.path.strip_prefix(root)
    {
        let repo = repo.trim_end_matches('/').trim_end_matches(".git");
        let rel: Vec<String> = rel
            .components()
            .map(|c| percent_encode(&c.as_os_str().to_string_lossy()))
            .collect();
        let rel = rel.join("/");
        if repo.starts_with("https://github.com/") {
            return format!("{repo}/blob/HEAD/{rel}{anchor}");
        }
        if repo.starts_with("https://gitlab.com/") {
            return format!("{repo}/-/blob/HEAD/{rel}{anchor}");
        }
    }
    let path = def.path.to_string_lossy().replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}{anchor}", percent_encode(&path))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// At most `max` characters, cut at a word boundary: a table row's whole
/// requirement text is too long for a one-line summary.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Docs;
    use super::*;
    use specplan_ids::Form;
    use specplan_ids::Project;
    type IdDocs = specplan_ids::Docs;

    struct TestEnv {
        state: State,
        above: Option<Vec<String>>,
        docs: Docs,
        pending: bool,
    }

    impl Env for TestEnv {
        fn state(&self) -> State {
            self.state.clone()
        }
        fn docs(&self) -> super::Docs {
            self.docs
        }
        fn tracking_pending(&self) -> bool {
            self.pending
        }
        fn attrs_above(&self) -> Option<Vec<String>> {
            self.above.clone()
        }
        fn repository(&self) -> Option<String> {
            None
        }
        fn needs_tracking(&self) -> bool {
            true
        }
    }

    fn off() -> TestEnv {
        TestEnv {
            state: State::Off(Off::Env),
            above: Some(Vec::new()),
            docs: Docs::CfgAttr,
            pending: true,
        }
    }

    fn run(which: Which, args: &str, item: &str, env: &TestEnv) -> String {
        expand(which, args.parse().unwrap(), item.parse().unwrap(), env).to_string()
    }

    #[test]
    fn item_is_re_emitted_with_a_doc_line() {
        let out = run(
            Which::Implements,
            "\"FR-AUTH-01\"",
            "/// Logs in.\npub fn login() {}",
            &off(),
        );
        assert!(out.starts_with("# [doc = \" Logs in.\"] # [cfg_attr (doc , doc = \"\")] # [cfg_attr (doc , doc = \"**Implements** `FR-AUTH-01`\")] pub fn login () {"), "{out}");
        assert!(
            out.contains("option_env ! (\"SPECPLAN_BUILD_CHECK\")"),
            "{out}"
        );
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn bad_arguments_are_all_reported_and_the_item_survives() {
        let out = run(
            Which::Implements,
            "\"FR-auth-1\", 7, \"FR-AUTH-01\", \"FR-AUTH-01\", X",
            "impl S {}",
            &off(),
        );
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
        assert!(out.contains("impl S { }"), "{out}");
        assert!(
            out.contains("doc = \"**Implements** `FR-AUTH-01`\""),
            "{out}"
        );
    }

    #[test]
    fn verifies_wants_a_test() {
        let mut env = off();
        let out = run(Which::Verifies, "\"FR-A-01\"", "fn helper() {}", &env);
        assert!(
            out.contains("and `helper` has no `#[test]` attribute"),
            "{out}"
        );
        let out = run(
            Which::Verifies,
            "\"FR-A-01\"",
            "#[tokio::test] async fn t() {}",
            &env,
        );
        assert!(!out.contains("compile_error"), "{out}");
        let out = run(Which::Verifies, "\"FR-A-01\"", "struct S;", &env);
        assert!(out.contains("not on a struct"), "{out}");
        env.above = Some(vec!["ignore".into(), "test".into()]);
        let out = run(Which::Verifies, "\"FR-A-01\"", "fn t() {}", &env);
        assert!(!out.contains("compile_error"), "{out}");
        env.above = None;
        let out = run(Which::Verifies, "\"FR-A-01\"", "fn t() {}", &env);
        assert!(
            !out.contains("compile_error"),
            "unknown source: benefit of the doubt"
        );
    }

    fn workspace(defs: &[(&str, &str)]) -> Workspace {
        let project = Project {
            root: PathBuf::from("/ws"),
            source: specplan_ids::ConfigSource::File(PathBuf::from("/ws/specplan.toml")),
            config: Default::default(),
        };
        let mut docs = IdDocs::default();
        for (id, title) in defs {
            let id = Id::parse(id).unwrap();
            docs.definitions.insert(
                id.clone(),
                vec![Definition {
                    id,
                    form: Form::Heading,
                    path: PathBuf::from(
                        "/ws/docs/en/specifications/auth/requirements/requirements.md",
                    ),
                    rel_path: "docs/en/specifications/auth/requirements/requirements.md".into(),
                    domain: "auth".into(),
                    line: 1,
                    column: 5,
                    title: title.to_string(),
                    anchor: "fr-auth-01-sign-in".into(),
                }],
            );
        }
        docs.domains = vec![specplan_ids::Domain::new("auth")];
        Workspace::new(
            project,
            docs,
            vec![PathBuf::from("/ws/specplan.toml")],
            None,
        )
    }

    /// Under rustc (no rustdoc line) a defined ID is found by its text and
    /// the item comes back as it was; any other way of writing the literal
    /// is read in full, and an undefined ID is still an error.
    #[test]
    fn rustc_looks_ids_up_by_their_text() {
        let ws = workspace(&[("FR-AUTH-01", "Sign in"), ("FR-AUTH-02", "")]);
        let env = TestEnv {
            state: State::Ready(std::sync::Arc::new(ws)),
            above: Some(Vec::new()),
            docs: Docs::Omit,
            pending: true,
        };
        let item = "pub fn login() {}";
        for args in [
            "\"FR-AUTH-01\"",
            "\"FR-AUTH-01\", \"FR-AUTH-02\",",
            "\"FR-\\x41UTH-01\"",
            "r\"FR-AUTH-01\"",
            "r#\"FR-AUTH-02\"#",
        ] {
            let out = run(Which::Implements, args, item, &env);
            assert!(!out.contains("compile_error"), "{args}: {out}");
        }
        for (args, says) in [
            ("\"FR-AUTH-09\"", "`FR-AUTH-09` is not defined"),
            ("r\"FR-AUTH-09\"", "`FR-AUTH-09` is not defined"),
            ("\"FR-AUTH-01\", \"FR-AUTH-01\"", "listed twice"),
            ("\"fr-auth-01\"", "FR-AUTH-01"),
            ("\"FR-AUTH-01\"x", "unexpected suffix `x`"),
            (
                "b\"FR-AUTH-01\"",
                "expected a requirement ID as a string literal",
            ),
        ] {
            let out = run(Which::Implements, args, item, &env);
            assert!(
                out.contains("compile_error") && out.contains(says),
                "{args}: {out}"
            );
        }
    }

    #[test]
    fn plain_literal_lists() {
        assert_eq!(plain_literals("\"FR-A-01\""), Some(vec!["FR-A-01"]));
        assert_eq!(
            plain_literals(" \"FR-A-01\" , \"NFR-A-02\" ,"),
            Some(vec!["FR-A-01", "NFR-A-02"])
        );
        assert_eq!(plain_literals(""), Some(vec![]));
        for other in [
            "\"FR-A-01\"x",
            "r\"FR-A-01\"",
            "\"FR-\\x41-01\"",
            "\"a\",,\"b\"",
            "\"unclosed",
            "FR_A_01",
            "\"a\" \"b\"",
        ] {
            assert_eq!(plain_literals(other), None, "{other}");
        }
    }

    /// The text-only path returns the item untouched exactly when the full
    /// path would: the full path is its oracle.
    #[test]
    fn unchanged_agrees_with_the_full_path() {
        let ws = std::sync::Arc::new(workspace(&[("FR-AUTH-01", "Sign in"), ("FR-AUTH-02", "")]));
        let item = "pub fn login() {}";
        let states = [
            State::Ready(ws),
            State::Off(Off::Env),
            State::Broken("bad".into()),
        ];
        let args = [
            "\"FR-AUTH-01\"",
            "\"FR-AUTH-01\", \"FR-AUTH-02\",",
            "\"FR-AUTH-09\"",
            "\"FR-AUTH-01\", \"FR-AUTH-01\"",
            "\"fr-auth-01\"",
            "\"FR-\\x41UTH-01\"",
            "",
        ];
        let mut fast = 0;
        for state in states {
            for a in args {
                let env = TestEnv {
                    state: state.clone(),
                    above: Some(Vec::new()),
                    docs: Docs::Omit,
                    pending: false,
                };
                let tokens: TokenStream = a.parse().unwrap();
                let text = || tokens.to_string();
                let quick = unchanged(Which::Implements, &text, &env);
                let full = full(
                    Which::Implements,
                    tokens.clone(),
                    item.parse().unwrap(),
                    &env,
                )
                .to_string();
                if quick {
                    fast += 1;
                    assert_eq!(
                        full,
                        item.parse::<TokenStream>().unwrap().to_string(),
                        "{a}"
                    );
                }
                assert!(!unchanged(Which::Verifies, &text, &env));
                let pending = TestEnv {
                    pending: true,
                    ..env
                };
                assert!(!unchanged(Which::Implements, &text, &pending));
            }
        }
        // Two lists defined in the workspace, three well-formed with the
        // check off (the escaped one is read by the full path).
        assert_eq!(fast, 5);
    }

    #[test]
    fn undefined_messages() {
        let ws = workspace(&[("FR-AUTH-01", ""), ("FR-AUTH-02", "")]);
        let msg = undefined(&ws, &Id::parse("FR-AUTH-09").unwrap());
        assert_eq!(
            msg,
            "`FR-AUTH-09` is not defined: docs/en/specifications/auth/requirements/requirements.md does not exist\n= help: `cargo specplan generate auth` writes it\n= help: did you mean `FR-AUTH-02` or `FR-AUTH-01`?"
        );
        let msg = undefined(&ws, &Id::parse("US-BILLING-01").unwrap());
        assert_eq!(
            msg,
            "`US-BILLING-01` is not defined: no domain has the prefix `BILLING` (the only domain is `auth` (AUTH), in specplan.toml)\n= help: fix the prefix, or add the domain to specplan.toml (`[[domains]]` with `prefix = \"BILLING\"`) and write its documents"
        );
    }

    #[test]
    fn doc_lines_link_to_the_definition() {
        let ws = workspace(&[("FR-AUTH-01", "Sign in [v2]"), ("NFR-AUTH-01", "")]);
        let a = Id::parse("FR-AUTH-01").unwrap();
        let b = Id::parse("NFR-AUTH-01").unwrap();
        let line = doc_line(Which::Implements, &[(&a, ws.docs.get(&a))], Some(&ws), None);
        assert_eq!(
            line,
            "**Implements** [`FR-AUTH-01`](file:///ws/docs/en/specifications/auth/requirements/requirements.md#fr-auth-01-sign-in): Sign in \\[v2\\]"
        );
        let c = Id::parse("US-AUTH-01").unwrap();
        let line = doc_line(
            Which::Verifies,
            &[(&b, ws.docs.get(&b)), (&c, None)],
            Some(&ws),
            None,
        );
        assert_eq!(
            line,
            "**Verifies**\n- [`NFR-AUTH-01`](file:///ws/docs/en/specifications/auth/requirements/requirements.md#fr-auth-01-sign-in)\n- `US-AUTH-01`\n"
        );
        let def = ws.docs.get(&a).unwrap();
        assert_eq!(
            link(
                def,
                Some(Path::new("/ws")),
                Some("https://github.com/o/r.git")
            ),
            "https://github.com/o/r/blob/HEAD/docs/en/specifications/auth/requirements/requirements.md#fr-auth-01-sign-in"
        );
        assert_eq!(percent_encode("/a b/ü"), "/a%20b/%C3%BC");
        assert_eq!(
            shorten("List my orders, newest first", 20),
            "List my orders…"
        );
        assert_eq!(shorten("short", 20), "short");
    }
}
