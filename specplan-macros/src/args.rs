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
}

/// The well-formed, distinct IDs; errors for everything else.
pub fn parse(which: Which, args: TokenStream, errors: &mut Vec<syn::Error>) -> Vec<Arg> {
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
        match Id::parse(&lit.value()) {
            Ok(id) => {
                if out.iter().any(|a| a.id == id) {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!("`{id}` is listed twice in this `#[{}]`", which.name()),
                    ));
                } else {
                    out.push(Arg {
                        id,
                        span: lit.span(),
                    });
                }
            }
            Err(e) => errors.push(syn::Error::new(lit.span(), e.to_string())),
        }
    }
    out
}
