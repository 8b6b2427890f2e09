//! From a parsed attribute to annotations: which paths count, `cfg_attr`,
//! aliases, and the arguments. Both scanners call this, so they agree on
//! everything but where the attributes are.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{AttrStyle, Attribute, Meta, Token};

use super::{ArgError, IdRef, Kind, Positions};
use crate::diag::Span;

/// Names a file imports the attributes as (`use …::implements as req;`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Aliases(Vec<(String, Kind)>);

impl Aliases {
    fn get_ident(&self, ident: &proc_macro2::Ident) -> Option<(Kind, &str)> {
        self.0
            .iter()
            .find(|(n, _)| ident == n)
            .map(|(n, k)| (*k, n.as_str()))
    }

    pub(crate) fn insert(&mut self, name: String, kind: Kind) {
        if name == "_" {
            return;
        }
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = kind,
            None => self.0.push((name, kind)),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<Kind> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, k)| *k)
    }

    pub(crate) fn contains(&self, name: &str, kind: Kind) -> bool {
        self.get(name) == Some(kind)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

/// The word an attribute path must end with.
pub(crate) fn kind_of_word(word: &[u8]) -> Option<Kind> {
    match word {
        b"implements" => Some(Kind::Implements),
        b"verifies" => Some(Kind::Verifies),
        _ => None,
    }
}

/// One annotation found in an item's attributes, before the item is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub kind: Kind,
    pub attr: Span,
    pub ids: Vec<IdRef>,
    pub arg_errors: Vec<ArgError>,
    /// The alias the attribute was written with, if any.
    pub alias: Option<String>,
}

fn kind_of_path(path: &syn::Path, aliases: &Aliases) -> Option<(Kind, Option<String>)> {
    if path.leading_colon.is_none()
        && path.segments.len() == 1
        && let Some((kind, name)) = aliases.get_ident(&path.segments[0].ident)
    {
        return Some((kind, Some(name.to_string())));
    }
    let last = &path.segments.last()?.ident;
    if last == "implements" {
        Some((Kind::Implements, None))
    } else if last == "verifies" {
        Some((Kind::Verifies, None))
    } else {
        None
    }
}

/// Every annotation among `attrs` (outer attributes only).
pub(crate) fn extract(attrs: &[Attribute], aliases: &Aliases, pos: &Positions) -> Vec<Found> {
    let mut out = Vec::new();
    for attr in attrs {
        if matches!(attr.style, AttrStyle::Inner(_)) {
            continue;
        }
        let span = || pos.span_between(attr.pound_token.spans[0], attr.bracket_token.span.close());
        walk(&attr.meta, &span, aliases, pos, &mut out);
    }
    out
}

fn walk(
    meta: &Meta,
    attr: &dyn Fn() -> Span,
    aliases: &Aliases,
    pos: &Positions,
    out: &mut Vec<Found>,
) {
    let path = meta.path();
    if path.is_ident("cfg_attr") {
        let Meta::List(list) = meta else { return };
        let nested = |input: ParseStream| {
            input.parse::<Meta>()?;
            input.parse::<Token![,]>()?;
            Punctuated::<Meta, Token![,]>::parse_terminated(input)
        };
        if let Ok(metas) = nested.parse2(list.tokens.clone()) {
            for m in &metas {
                walk(m, attr, aliases, pos, out);
            }
        }
        return;
    }
    let Some((kind, alias)) = kind_of_path(path, aliases) else {
        return;
    };
    let word = alias.as_deref().unwrap_or(kind.as_str()).to_string();
    let mut found = Found {
        kind,
        attr: attr(),
        ids: Vec::new(),
        arg_errors: Vec::new(),
        alias,
    };
    match meta {
        Meta::Path(p) => {
            let first = p.segments.first().map(|s| s.ident.span());
            let last = p.segments.last().map(|s| s.ident.span());
            if let (Some(a), Some(b)) = (first, last) {
                found.arg_errors.push(ArgError {
                    message: format!(
                        "no requirement ID: write the IDs in parentheses, `#[{word}(\"FR-…\")]`"
                    ),
                    span: pos.span_between(a, b),
                });
            }
        }
        Meta::NameValue(nv) => found.arg_errors.push(ArgError {
            message: format!("the IDs go in parentheses, `#[{word}(\"FR-…\")]`, not after `=`"),
            span: pos.span_between(nv.eq_token.spans[0], nv.eq_token.spans[0]),
        }),
        Meta::List(list) => args(&list.tokens, &word, list, pos, &mut found),
    }
    out.push(found);
}

fn args(
    tokens: &TokenStream,
    word: &str,
    list: &syn::MetaList,
    pos: &Positions,
    found: &mut Found,
) {
    let mut parts: Vec<Vec<TokenTree>> = vec![Vec::new()];
    let mut commas = Vec::new();
    for tt in tokens.clone() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                commas.push(p.span());
                parts.push(Vec::new());
            }
            _ => parts.last_mut().expect("never empty").push(tt),
        }
    }
    // A trailing comma is fine.
    if parts.len() > 1 && parts.last().is_some_and(Vec::is_empty) {
        parts.pop();
    }
    let delim = list.delimiter.span();
    if parts.len() == 1 && parts[0].is_empty() {
        found.arg_errors.push(ArgError {
            message: format!("no requirement ID: write at least one, `#[{word}(\"FR-…\")]`"),
            span: pos.span_between(delim.open(), delim.close()),
        });
        return;
    }
    for (i, part) in parts.iter().enumerate() {
        match part.as_slice() {
            [] => found.arg_errors.push(ArgError {
                message: "an empty argument: two commas in a row".to_string(),
                span: pos.span(commas[i.saturating_sub(1).min(commas.len() - 1)]),
            }),
            [TokenTree::Literal(lit)] => match syn::parse2::<syn::LitStr>(tt_stream(&part[0])) {
                Ok(s) => found.ids.push(IdRef {
                    text: s.value(),
                    span: pos.span(lit.span()),
                }),
                Err(_) => found.arg_errors.push(not_a_string(part, pos)),
            },
            _ => found.arg_errors.push(not_a_string(part, pos)),
        }
    }
}

fn tt_stream(tt: &TokenTree) -> TokenStream {
    std::iter::once(tt.clone()).collect()
}

fn not_a_string(part: &[TokenTree], pos: &Positions) -> ArgError {
    let first = part[0].span();
    let last = part[part.len() - 1].span();
    ArgError {
        message: format!(
            "expected an ID string such as \"FR-AUTH-01\", found `{}`",
            pos.text_of(first, last)
        ),
        span: pos.span_between(first, last),
    }
}

/// A test attribute, or `cfg` whose predicate needs `test`.
pub(crate) fn is_test_attr(attr: &Attribute) -> bool {
    let path = attr.path();
    if path.is_ident("cfg") {
        return attr
            .parse_args_with(Meta::parse_for_cfg)
            .is_ok_and(|m| cfg_needs_test(&m));
    }
    path.segments
        .last()
        .is_some_and(|s| TEST_ATTRIBUTES.iter().any(|name| s.ident == name))
}

/// The last path segment of the attributes that make a function a test.
const TEST_ATTRIBUTES: [&str; 7] = [
    "test",
    "rstest",
    "test_case",
    "test_matrix",
    "wasm_bindgen_test",
    "quickcheck",
    "proptest",
];

/// Whether attribute text can hold a test attribute at all, a cheap test
/// before parsing: `cfg(test)` and every name in [`TEST_ATTRIBUTES`] but
/// `quickcheck` contain `test`.
pub(crate) fn may_be_test(text: &[u8]) -> bool {
    memchr::memmem::find(text, b"test").is_some()
        || memchr::memmem::find(text, b"quickcheck").is_some()
}

/// A name in [`TEST_ATTRIBUTES`].
pub(crate) fn is_test_name(name: &str) -> bool {
    TEST_ATTRIBUTES.contains(&name)
}

pub(crate) fn is_test_attrs(attrs: &[Attribute]) -> bool {
    attrs.iter().any(is_test_attr)
}

/// `test`, `all(test, …)`, `any(test, …)`; never under `not(…)`.
fn cfg_needs_test(meta: &Meta) -> bool {
    match meta {
        Meta::Path(p) => p.is_ident("test"),
        Meta::List(l) if l.path.is_ident("all") || l.path.is_ident("any") => l
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .is_ok_and(|ms| ms.iter().any(cfg_needs_test)),
        _ => false,
    }
}

trait ParseForCfg {
    fn parse_for_cfg(input: ParseStream) -> syn::Result<Meta>;
}

impl ParseForCfg for Meta {
    fn parse_for_cfg(input: ParseStream) -> syn::Result<Meta> {
        let m = input.parse::<Meta>()?;
        // `cfg(test,)` is accepted by rustc.
        let _ = input.parse::<Option<Token![,]>>()?;
        Ok(m)
    }
}
