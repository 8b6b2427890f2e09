//! Outlines: a Rust file with the bodies of the functions nobody will read
//! blanked out, so that `syn` parses the items (signatures, structs, enums,
//! impls, attributes) at a fraction of the cost and the tree kept is small.
//!
//! A handler file reached while resolving a router is read for its
//! handlers' signatures, never for their bodies; parsing those bodies was
//! most of the time and memory of `routes` on a large backend.
//!
//! The text keeps every byte offset and line: a blanked body keeps its
//! braces and its line breaks, everything between becomes spaces. Spans
//! from the outline therefore point into the original text. The lexer is
//! the annotation scanner's (comments, strings, raw strings, lifetimes);
//! where it gives up, there is no outline and the file is parsed whole.

use crate::annotations::scanner::{Tok, next_token, skip_group};

/// Which function bodies an outline keeps: `(signature, body)` → keep.
pub type KeepBody = dyn Fn(&[u8], &[u8]) -> bool;

/// The text with the body of every `fn` for which `keep(signature, body)`
/// is false blanked; `None` when nothing was blanked or the lexer could not
/// read the file (then it is parsed as it is). `signature` runs from `fn`
/// to the body's `{`, `body` from `{` to `}` included.
pub fn blank_bodies(text: &str, keep: &KeepBody) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut q = 0;
    // Where the current item's leading comments and attributes begin: after
    // the last `;`, `{` or `}`.
    let mut item_start = 0;
    loop {
        let (tok, s, e) = next_token(b, q).ok()?;
        match tok {
            Tok::Eof => break,
            Tok::Ident if &b[s..e] == b"fn" => {
                q = e;
                // An item or method: `fn` then its name (`fn(u8)` is a
                // pointer type; `fn $name` is inside a macro).
                let (name, _, _) = next_token(b, e).ok()?;
                if name != Tok::Ident {
                    continue;
                }
                let Some((open, close)) = body_of(b, e)? else {
                    continue;
                };
                if !keep(&b[s..open], &b[open..close]) {
                    let out = out.get_or_insert_with(|| b.to_vec());
                    blank(out, open + 1..close - 1);
                    // Its doc comments too (parsed, they are attributes
                    // with a string each): the comments between the tokens
                    // that lead to `fn`. Attributes stay.
                    let mut t = item_start;
                    while t < s {
                        let (_, ts, te) = next_token(b, t).ok()?;
                        blank(out, t..ts.min(s));
                        t = te;
                    }
                }
                q = close;
                item_start = close;
            }
            Tok::Punct(b';' | b'{' | b'}') => {
                q = e;
                item_start = e;
            }
            _ => q = e,
        }
    }
    // Only ASCII spaces replaced whole characters' bytes: still UTF-8.
    out.map(|bytes| String::from_utf8(bytes).expect("blanking keeps UTF-8"))
}

/// Spaces in place of every byte of `range` but line breaks.
fn blank(out: &mut [u8], range: std::ops::Range<usize>) {
    for byte in &mut out[range] {
        if !matches!(*byte, b'\n' | b'\r') {
            *byte = b' ';
        }
    }
}

/// From just after `fn`: the body's `{` and the end after its `}`, or
/// `Ok(None)` for a declaration without a body (`fn f();`) or a shape this
/// does not know (then nothing is blanked there). `None`: the lexer gave up.
#[allow(clippy::option_option)]
fn body_of(b: &[u8], mut r: usize) -> Option<Option<(usize, usize)>> {
    loop {
        let (tok, s, e) = next_token(b, r).ok()?;
        match tok {
            Tok::Punct(b'(' | b'[') => r = skip_group(b, s).ok()?,
            Tok::Punct(b'{') => return Some(Some((s, skip_group(b, s).ok()?))),
            Tok::Punct(b';' | b'}') | Tok::Eof => return Some(None),
            _ => r = e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::blank_bodies;

    fn never(_: &[u8], _: &[u8]) -> bool {
        false
    }

    #[test]
    fn bodies_are_blanked_offsets_and_lines_kept() {
        let text = "use x::y;\n/// Doc with fn fake() { }\n#[get(\"/x\")]\npub async fn handler(Path(id): Path<u64>) -> Result<Json<Vec<u64>>, E> {\n    let s = \"}\"; // }\n    Json(vec![id])\n}\nstruct S { f: fn(u8) -> u8, g: u8 }\ntrait T { fn m(&self); fn d(&self) { body() } }\nimpl S { fn new() -> Self { S { f: |x| x, g: 1 } } }\n";
        let out = blank_bodies(text, &never).unwrap();
        assert_eq!(out.len(), text.len());
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(out.contains("#[get(\"/x\")]\npub async fn handler(Path(id): Path<u64>) -> Result<Json<Vec<u64>>, E> {\n"));
        assert!(!out.contains("Json(vec![id])"));
        assert!(!out.contains("body()"));
        // Doc comments of a blanked fn go, other comments of the file stay.
        assert!(!out.contains("Doc with"));
        // The struct with a fn-pointer field is untouched.
        assert!(out.contains("struct S { f: fn(u8) -> u8, g: u8 }"));
        assert!(out.contains("fn m(&self);"));
        let file: syn::File = syn::parse_str(&out).unwrap();
        let full: syn::File = syn::parse_str(text).unwrap();
        assert_eq!(file.items.len(), full.items.len());
        // Spans from the outline point at the same places in the original.
        let syn::Item::Fn(f) = &file.items[1] else {
            panic!()
        };
        let r = f.sig.ident.span().byte_range();
        assert_eq!(&text[r], "handler");
    }

    #[test]
    fn kept_bodies_stay_and_nothing_blanked_is_none() {
        let text =
            "fn router() -> Router { Router::new().route(\"/\", get(h)) }\nfn h() { work() }\n";
        let keep = |sig: &[u8], body: &[u8]| {
            let has = |hay: &[u8], n: &str| hay.windows(n.len()).any(|w| w == n.as_bytes());
            has(sig, "Router") || has(body, "route(")
        };
        let out = blank_bodies(text, &keep).unwrap();
        assert!(out.contains("Router::new().route"));
        assert!(!out.contains("work()"));
        assert_eq!(blank_bodies("fn r() -> Router { x() }\n", &keep), None);
        // A file the lexer cannot read is not outlined.
        assert_eq!(blank_bodies("fn f() { \"unterminated }\n", &never), None);
    }

    #[test]
    fn agrees_with_syn_on_every_item_of_the_example() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/storefront/src");
        let mut stack = vec![root];
        let mut files = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    let Some(out) = blank_bodies(&text, &never) else {
                        continue;
                    };
                    files += 1;
                    let full: syn::File = syn::parse_str(&text).unwrap();
                    let outline: syn::File =
                        syn::parse_str(&out).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                    let names = |f: &syn::File| -> Vec<String> {
                        f.items
                            .iter()
                            .map(|i| match i {
                                syn::Item::Fn(f) => format!("fn {}", f.sig.ident),
                                syn::Item::Struct(s) => format!("struct {}", s.ident),
                                syn::Item::Impl(i) => format!("impl {}", i.items.len()),
                                other => format!("{:?}", std::mem::discriminant(other)),
                            })
                            .collect()
                    };
                    assert_eq!(names(&full), names(&outline), "{}", p.display());
                }
            }
        }
        assert!(files > 5, "{files}");
    }
}
