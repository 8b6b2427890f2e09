//! Parsing the attribute's arguments: a comma-separated list of string
//! literals, each a well-formed ID, none twice. Every bad argument is an
//! error on that argument, and all of them are reported.

use proc_macro2::{Span, TokenStream, TokenTree};
use specplan_ids::Id;
use syn::LitStr;

use crate::Which;

/// A well-formed ID and the literal it was written in.
pub struct Arg {
    pub id: Id,
    pub span: Span,
    /// `known` found it: a document defines it.
    pub defined: bool,
}

/// The well-formed, distinct IDs; errors for everything else. `known` looks
/// an argument's text up among the IDs the documents define (a defined ID
/// needs no parsing: every expansion pays for this, unoptimised).
pub fn parse(
    which: Which,
    args: TokenStream,
    errors: &mut Vec<syn::Error>,
    known: &mut dyn FnMut(&str) -> Option<Id>,
) -> Vec<Arg> {
    let mut groups: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for tt in args {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                if groups.last().is_some_and(Vec::is_empty) {
                    errors.push(syn::Error::new(
                        p.span(),
                        "expected a requirement ID before this comma",
                    ));
                }
                groups.push(Vec::new());
            }
            _ => groups.last_mut().expect("never empty").push(tt),
        }
    }
    // A trailing comma leaves an empty last group.
    if groups.last().is_some_and(Vec::is_empty) {
        groups.pop();
    }
    if groups.is_empty() {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!(
                "`#[{name}]` needs at least one requirement ID, e.g. `#[{name}(\"FR-AUTH-01\")]`",
                name = which.name()
            ),
        ));
        return Vec::new();
    }

    let mut out: Vec<Arg> = Vec::new();
    for group in groups.into_iter().filter(|g| !g.is_empty()) {
        if let [TokenTree::Literal(l)] = group.as_slice()
            && let Some(value) = plain_string(l)
        {
            push(which, &mut out, errors, known, &value, l.span());
            continue;
        }
        let lit = match group.as_slice() {
            [TokenTree::Literal(l)] => {
                syn::parse2::<LitStr>(TokenTree::Literal(l.clone()).into()).ok()
            }
            _ => None,
        };
        let Some(lit) = lit else {
            let tokens: TokenStream = group.into_iter().collect();
            errors.push(syn::Error::new_spanned(
                &tokens,
                format!(
                    "expected a requirement ID as a string literal, e.g. `\"FR-AUTH-01\"`, found `{tokens}`"
                ),
            ));
            continue;
        };
        if !lit.suffix().is_empty() {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "unexpected suffix `{}` after the ID's string literal",
                    lit.suffix()
                ),
            ));
            continue;
        }
        push(which, &mut out, errors, known, &lit.value(), lit.span());
    }
    out
}

/// The value of a string literal written without escapes or suffix
/// (`"FR-AUTH-01"`, what every ID is), read from its text; `None` for any
/// other literal, which syn then reads in full.
fn plain_string(l: &proc_macro2::Literal) -> Option<String> {
    let mut text = l.to_string();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if inner.as_bytes().contains(&b'\\') {
        return None;
    }
    // Drop the closing quote, then the opening one.
    text.pop();
    text.remove(0);
    Some(text)
}

fn push(
    which: Which,
    out: &mut Vec<Arg>,
    errors: &mut Vec<syn::Error>,
    known: &mut dyn FnMut(&str) -> Option<Id>,
    value: &str,
    span: Span,
) {
    let (parsed, defined) = match known(value) {
        Some(id) => (Ok(id), true),
        None => (Id::parse(value), false),
    };
    match parsed {
        Ok(id) => {
            if out.iter().any(|a| a.id == id) {
                errors.push(syn::Error::new(
                    span,
                    format!("`{id}` is listed twice in this `#[{}]`", which.name()),
                ));
            } else {
                out.push(Arg { id, span, defined });
            }
        }
        Err(e) => errors.push(syn::Error::new(span, e.to_string())),
    }
}
