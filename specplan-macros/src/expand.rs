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

pub fn expand(which: Which, args: TokenStream, item: TokenStream, env: &dyn Env) -> TokenStream {
    // The item is read (its attributes, kind and body) only when something
    // depends on it; most expansions return it as it came.
    let original = item;
    let parsed = std::cell::OnceCell::new();
    let item = || parsed.get_or_init(|| Item::parse(original.clone()));
    let mut errors = Vec::new();
    let ids = args::parse(which, args, &mut errors);
    if which == Which::Verifies {
        check_is_test(item(), env, &mut errors);
    }

    // Without a well-formed ID there is nothing to look up.
    let state = if ids.is_empty() {
        State::Off(Off::Dependency)
    } else {
        env.state()
    };
    let mut resolved: Vec<(&Id, Option<&Definition>)> = Vec::new();
    // The files to track, when the verdict depends on the workspace.
    let mut tracking: Option<&[PathBuf]> = None;
    let mut workspace = None;
    match &state {
        State::Ready(ws) => {
            for Arg { id, span } in &ids {
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

    let docs = env.docs();
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
    use super::*;
    use specplan_ids::{Docs, Form, Project};

    struct TestEnv {
        state: State,
        above: Option<Vec<String>>,
    }

    impl Env for TestEnv {
        fn state(&self) -> State {
            self.state.clone()
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
        let mut docs = Docs::default();
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
        Workspace {
            project,
            docs,
            domains: vec![specplan_ids::Domain::new("auth")],
            tracked: vec![PathBuf::from("/ws/specplan.toml")],
            git_root: None,
        }
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
