//! `#[implements("FR-AUTH-01")]` and `#[verifies("FR-AUTH-01")]`: tie Rust
//! items to the requirement IDs of the specplan documents (SPEC.md §4).
//!
//! Both attributes expand to the item unchanged, plus a rustdoc line naming
//! the IDs (`#[cfg_attr(doc, doc = "…")]`, so that it shows in `cargo doc`
//! and nowhere else). At compile time they check
//!
//! - that every argument is a well-formed ID, each listed once (an error on
//!   that literal; every bad argument is reported in one build);
//! - when the crate is a workspace member and the workspace has specplan
//!   docs, that a document defines each ID (an error naming the document
//!   where it belongs and the closest defined IDs); cargo re-runs the check
//!   when one of the documents changes;
//! - for `#[verifies]`, that the item is a test function.
//!
//! With a bad argument the item still compiles as written, so the rest of
//! the crate and rust-analyzer keep working. See the crate's README for
//! `SPECPLAN_BUILD_CHECK`, `SPECPLAN_CONFIG` and the tracking limits.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use proc_macro::TokenStream;

mod args;
mod context;
mod expand;
mod item;
mod which;

use which::Which;

/// Marks an item (a handler, a service, an `impl` block…) as implementing
/// one or more requirement IDs.
///
/// ```ignore
/// #[implements("FR-AUTH-01")]
/// pub async fn login() {}
///
/// #[implements("FR-AUTH-02", "NFR-AUTH-01")]
/// impl SessionStore {}
/// ```
#[proc_macro_attribute]
pub fn implements(args: TokenStream, item: TokenStream) -> TokenStream {
    if expand::unchanged(Which::Implements, &|| args.to_string(), &Compiler) {
        return item;
    }
    expand::full(Which::Implements, args.into(), item.into(), &Compiler).into()
}

/// Marks a test as verifying one or more requirement IDs. On anything but a
/// test function (`#[test]`, `#[tokio::test]`, `#[rstest]`, …) it is an
/// error.
///
/// ```ignore
/// #[test]
/// #[verifies("FR-AUTH-01")]
/// fn login_with_valid_password() {}
/// ```
#[proc_macro_attribute]
pub fn verifies(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::full(Which::Verifies, args.into(), item.into(), &Compiler).into()
}

/// The real environment: the compiler's spans and the process's variables.
struct Compiler;

/// Whether this compiler process has emitted the tracking of the documents.
static TRACKED: AtomicBool = AtomicBool::new(false);

impl expand::Env for Compiler {
    fn state(&self) -> context::State {
        match expand::Env::docs(self) {
            // A rustc process compiles one crate, once, with one
            // environment: its state is read once, with the IDs alone (no
            // rustdoc line is written), and kept for the process.
            expand::Docs::Omit => {
                static RUSTC: OnceLock<context::State> = OnceLock::new();
                RUSTC
                    .get_or_init(|| context::current(specplan_ids::Detail::Ids))
                    .clone()
            }
            // rust-analyzer's proc-macro server serves many crates and sees
            // edits: the environment is read at every expansion.
            expand::Docs::Plain | expand::Docs::CfgAttr => {
                context::current(specplan_ids::Detail::Full)
            }
        }
    }

    fn attrs_above(&self) -> Option<Vec<String>> {
        let span = proc_macro::Span::call_site();
        let file = span.local_file()?;
        let file = if file.is_absolute() {
            file
        } else {
            std::env::current_dir().ok()?.join(file)
        };
        let src = source(file)?;
        let offset = offset_of(&src, span.line(), span.column())?;
        Some(item::attrs_before(&src, offset))
    }

    fn repository(&self) -> Option<String> {
        std::env::var("CARGO_PKG_REPOSITORY")
            .ok()
            .filter(|r| !r.is_empty())
    }

    /// A rustc process compiles one crate, and loads the macro once for it.
    fn needs_tracking(&self) -> bool {
        !TRACKED.swap(true, Ordering::Relaxed)
    }

    fn tracking_pending(&self) -> bool {
        !TRACKED.load(Ordering::Relaxed)
    }

    /// The rustdoc line only where a documentation tool reads it: the
    /// process the macro runs in says which compiler it is.
    fn docs(&self) -> expand::Docs {
        static DOCS: OnceLock<expand::Docs> = OnceLock::new();
        *DOCS.get_or_init(|| {
            let exe = std::env::current_exe().ok();
            let name = exe
                .as_deref()
                .and_then(|p| p.file_stem())
                .and_then(|s| s.to_str())
                .unwrap_or("");
            docs_for(name)
        })
    }
}

/// The doc mode for the compiler binary named `name`.
fn docs_for(name: &str) -> expand::Docs {
    match name {
        "rustc" | "clippy-driver" => expand::Docs::Omit,
        "rustdoc" => expand::Docs::Plain,
        _ => expand::Docs::CfgAttr,
    }
}

/// A source file's text, read once per process.
fn source(path: PathBuf) -> Option<Arc<str>> {
    static SOURCES: OnceLock<Mutex<HashMap<PathBuf, Option<Arc<str>>>>> = OnceLock::new();
    let mut map = SOURCES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    map.entry(path)
        .or_insert_with_key(|p| std::fs::read_to_string(p).ok().map(Arc::from))
        .clone()
}

/// The byte offset of a 1-based line and 1-based column (in characters).
fn offset_of(src: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        src.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &src[start..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

#[cfg(test)]
mod tests {
    #[test]
    fn doc_modes_by_compiler() {
        use super::{docs_for, expand::Docs};
        assert_eq!(docs_for("rustc"), Docs::Omit);
        assert_eq!(docs_for("clippy-driver"), Docs::Omit);
        assert_eq!(docs_for("rustdoc"), Docs::Plain);
        assert_eq!(docs_for("rust-analyzer-proc-macro-srv"), Docs::CfgAttr);
        assert_eq!(docs_for(""), Docs::CfgAttr);
    }

    #[test]
    fn offsets() {
        let src = "ab\n  #[x]\nü#[y]";
        assert_eq!(super::offset_of(src, 2, 3), Some(5));
        assert_eq!(&src[super::offset_of(src, 3, 2).unwrap()..], "#[y]");
        assert_eq!(super::offset_of(src, 1, 1), Some(0));
        assert_eq!(super::offset_of(src, 9, 1), None);
    }
}
