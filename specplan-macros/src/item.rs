//! Just enough of the annotated item: its outer attributes, what kind of
//! item it is, its name and its body. Nothing else is parsed, so a
//! half-typed function body never breaks the attribute (and rust-analyzer
//! keeps working on it).

use proc_macro2::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};

/// What the item is, from its keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Fn,
    Struct,
    Enum,
    Union,
    Impl,
    Trait,
    Mod,
    Const,
    Static,
    Type,
    Use,
    ExternCrate,
    ExternBlock,
    MacroRules,
    /// Anything else (a macro call, something being typed).
    Other,
}

impl Kind {
    /// `a function`, `an impl block`, … for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Fn => "a function",
            Kind::Struct => "a struct",
            Kind::Enum => "an enum",
            Kind::Union => "a union",
            Kind::Impl => "an impl block",
            Kind::Trait => "a trait",
            Kind::Mod => "a module",
            Kind::Const => "a constant",
            Kind::Static => "a static",
            Kind::Type => "a type alias",
            Kind::Use => "a `use` declaration",
            Kind::ExternCrate => "an `extern crate`",
            Kind::ExternBlock => "an `extern` block",
            Kind::MacroRules => "a `macro_rules!` macro",
            Kind::Other => "this item",
        }
    }

    /// Whether the item can only stand where other items may follow it
    /// with a `const _` (a module or a block), never among the items of an
    /// impl, a trait or an `extern` block. Functions, constants and type
    /// aliases may be associated items, so they are not.
    pub fn is_module_level(self) -> bool {
        matches!(
            self,
            Kind::Struct
                | Kind::Enum
                | Kind::Union
                | Kind::Impl
                | Kind::Trait
                | Kind::Mod
                | Kind::Static
                | Kind::Use
                | Kind::ExternCrate
                | Kind::ExternBlock
                | Kind::MacroRules
        )
    }
}

/// The annotated item, split where the expansion adds to it.
pub struct Item {
    /// The outer attributes, as written (doc comments included).
    pub attrs: Vec<TokenTree>,
    /// The path of each outer attribute (`test`, `tokio::test`), as
    /// written, without spaces.
    pub attr_paths: Vec<String>,
    /// Everything after the attributes.
    pub rest: Vec<TokenTree>,
    pub kind: Kind,
    /// The keyword that names the kind (`fn`, `struct`, …), for spans.
    pub keyword: Option<Ident>,
    /// The item's name, when it has one.
    pub name: Option<Ident>,
    /// Index in `rest` of a function's body.
    pub body: Option<usize>,
}

impl Item {
    pub fn parse(tokens: TokenStream) -> Item {
        let all: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        let mut attr_paths = Vec::new();
        while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) =
            (all.get(i), all.get(i + 1))
        {
            if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
                break;
            }
            attr_paths.push(attr_path(g.stream()));
            i += 2;
        }
        let attrs = all[..i].to_vec();
        let rest = all[i..].to_vec();
        let (kind, keyword, name) = classify(&rest);
        let body = (kind == Kind::Fn)
            .then(|| match rest.last() {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                    Some(rest.len() - 1)
                }
                _ => None,
            })
            .flatten();
        Item {
            attrs,
            attr_paths,
            rest,
            kind,
            keyword,
            name,
            body,
        }
    }

    /// The span to point at for "this item is not …": its name, else its
    /// keyword, else the call site.
    pub fn name_span(&self) -> Span {
        self.name
            .as_ref()
            .or(self.keyword.as_ref())
            .map_or_else(Span::call_site, Ident::span)
    }

    /// The item again, with `doc` attributes after its own and `inject` as
    /// the first statements of a function body.
    pub fn emit(&self, doc: TokenStream, inject: TokenStream) -> TokenStream {
        let mut out: TokenStream = self.attrs.iter().cloned().collect();
        out.extend(doc);
        for (i, tt) in self.rest.iter().enumerate() {
            match tt {
                TokenTree::Group(g) if Some(i) == self.body && !inject.is_empty() => {
                    out.extend([TokenTree::Group(inject_into(g, inject.clone()))]);
                }
                other => out.extend([other.clone()]),
            }
        }
        out
    }
}

/// `tokio::test` from the tokens inside `#[…]`.
fn attr_path(stream: TokenStream) -> String {
    let mut path = String::new();
    for tt in stream {
        match tt {
            TokenTree::Ident(i) => path.push_str(&i.to_string()),
            TokenTree::Punct(p) if p.as_char() == ':' => path.push(':'),
            _ => break,
        }
    }
    path
}

fn ident(tt: Option<&TokenTree>) -> Option<&Ident> {
    match tt {
        Some(TokenTree::Ident(i)) => Some(i),
        _ => None,
    }
}

fn classify(rest: &[TokenTree]) -> (Kind, Option<Ident>, Option<Ident>) {
    let mut i = 0;
    // Visibility: `pub`, `pub(crate)`, `pub(in path)`.
    if ident(rest.first()).is_some_and(|id| id == "pub") {
        i += 1;
        if let Some(TokenTree::Group(g)) = rest.get(i)
            && g.delimiter() == Delimiter::Parenthesis
        {
            i += 1;
        }
    }
    while let Some(tt) = rest.get(i) {
        let Some(word) = ident(Some(tt)) else {
            // `extern "C" fn`, `extern "C" { … }`: the ABI string.
            if matches!(tt, TokenTree::Literal(_)) {
                i += 1;
                continue;
            }
            break;
        };
        let next = ident(rest.get(i + 1));
        let kind = match word.to_string().as_str() {
            "default" | "async" | "unsafe" | "safe" => {
                i += 1;
                continue;
            }
            "const" => {
                // `const fn`, `const unsafe fn` vs `const X: T` and `const _`.
                if next.is_some_and(|n| n == "fn" || n == "unsafe" || n == "async" || n == "extern")
                {
                    i += 1;
                    continue;
                }
                Kind::Const
            }
            "extern" => {
                if next.is_some_and(|n| n == "crate") {
                    return (
                        Kind::ExternCrate,
                        Some(word.clone()),
                        ident(rest.get(i + 2)).cloned(),
                    );
                }
                let after_abi = if matches!(rest.get(i + 1), Some(TokenTree::Literal(_))) {
                    i + 2
                } else {
                    i + 1
                };
                match rest.get(after_abi) {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                        return (Kind::ExternBlock, Some(word.clone()), None);
                    }
                    _ => {
                        i = after_abi;
                        continue;
                    }
                }
            }
            "fn" => Kind::Fn,
            "struct" => Kind::Struct,
            "enum" => Kind::Enum,
            "union" => Kind::Union,
            "impl" => return (Kind::Impl, Some(word.clone()), None),
            "trait" | "auto" => {
                if word == "auto" {
                    i += 1;
                    continue;
                }
                Kind::Trait
            }
            "mod" => Kind::Mod,
            "static" => Kind::Static,
            "type" => Kind::Type,
            "use" => return (Kind::Use, Some(word.clone()), None),
            "macro_rules" => {
                let is_bang = matches!(rest.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!' && p.spacing() == Spacing::Alone);
                if is_bang {
                    return (
                        Kind::MacroRules,
                        Some(word.clone()),
                        ident(rest.get(i + 2)).cloned(),
                    );
                }
                Kind::Other
            }
            _ => Kind::Other,
        };
        let name = if kind == Kind::Other {
            None
        } else {
            // `static mut NAME`.
            let mut j = i + 1;
            if kind == Kind::Static && ident(rest.get(j)).is_some_and(|n| n == "mut") {
                j += 1;
            }
            ident(rest.get(j)).cloned()
        };
        return (kind, Some(word.clone()), name);
    }
    (Kind::Other, None, None)
}

/// `inject` as the first statements of a block, after its inner attributes
/// (`#![allow(…)]` must stay first).
fn inject_into(body: &Group, inject: TokenStream) -> Group {
    let tokens: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut i = 0;
    while let (
        Some(TokenTree::Punct(hash)),
        Some(TokenTree::Punct(bang)),
        Some(TokenTree::Group(g)),
    ) = (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
    {
        if hash.as_char() != '#' || bang.as_char() != '!' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        i += 3;
    }
    let mut stream: TokenStream = tokens[..i].iter().cloned().collect();
    stream.extend(inject);
    stream.extend(tokens[i..].iter().cloned());
    let mut group = Group::new(body.delimiter(), stream);
    group.set_span(body.span());
    group
}

/// Whether an attribute path names a test harness attribute: `test`,
/// `tokio::test`, `sqlx::test`, `test_log::test`, `rstest`, `test_case`,
/// `wasm_bindgen_test`, `quickcheck`, `proptest`…
pub fn is_test_attr(path: &str) -> bool {
    let last = path.rsplit("::").next().unwrap_or(path);
    last == "test"
        || last.starts_with("test_")
        || last.ends_with("_test")
        || matches!(
            last,
            "rstest" | "quickcheck" | "proptest" | "gtest" | "rustc_test_marker"
        )
}

/// The paths of the attributes written right before byte `offset` of a
/// source file, nearest first: for `#[test]\n#[verifies(…)]`, with `offset`
/// at `#[verifies`, `["test"]`. Line comments between them are skipped;
/// anything else ends the list.
pub fn attrs_before(src: &str, offset: usize) -> Vec<String> {
    let mut paths = Vec::new();
    let mut end = offset.min(src.len());
    while src.is_char_boundary(end) {
        let before = src[..end].trim_end();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if before[line_start..].trim_start().starts_with("//") {
            end = line_start;
            continue;
        }
        if !before.ends_with(']') {
            break;
        }
        let Some(open) = matching_open(before) else {
            break;
        };
        let hash = before[..open].trim_end();
        if !hash.ends_with('#') {
            break;
        }
        let inner = &before[open + 1..before.len() - 1];
        let path: String = inner
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | ' '))
            .filter(|c| *c != ' ')
            .collect();
        paths.push(path);
        end = hash.len() - 1;
    }
    paths
}

/// The index of the `[` that the final `]` of `text` closes, skipping
/// brackets inside string literals.
fn matching_open(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        let b = bytes[i];
        if in_string {
            if b == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b']' => depth += 1,
            b'[' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Item {
        Item::parse(src.parse().unwrap())
    }

    #[test]
    fn classifies_items() {
        let cases = [
            (
                "/// docs\n#[inline] pub async fn login(x: u8) -> u8 { x }",
                Kind::Fn,
                Some("login"),
            ),
            (
                "pub(crate) const unsafe extern \"C\" fn f() {}",
                Kind::Fn,
                Some("f"),
            ),
            ("const X: u8 = 1;", Kind::Const, Some("X")),
            ("const _: () = ();", Kind::Const, Some("_")),
            ("impl<T> Store<T> { fn a(&self) {} }", Kind::Impl, None),
            ("unsafe impl Send for S {}", Kind::Impl, None),
            ("pub struct S;", Kind::Struct, Some("S")),
            ("static mut N: u8 = 0;", Kind::Static, Some("N")),
            ("extern crate alloc;", Kind::ExternCrate, Some("alloc")),
            ("extern \"C\" { fn f(); }", Kind::ExternBlock, None),
            ("unsafe extern \"C\" { fn f(); }", Kind::ExternBlock, None),
            ("macro_rules! m { () => {} }", Kind::MacroRules, Some("m")),
            ("pub unsafe auto trait T {}", Kind::Trait, Some("T")),
            ("fn f(&self);", Kind::Fn, Some("f")),
            ("type T = u8;", Kind::Type, Some("T")),
            ("m! { }", Kind::Other, None),
            ("", Kind::Other, None),
        ];
        for (src, kind, name) in cases {
            let item = parse(src);
            assert_eq!(item.kind, kind, "{src}");
            assert_eq!(item.name.map(|n| n.to_string()).as_deref(), name, "{src}");
        }
        let item = parse("#[tokio::test] #[ignore] async fn t() { let x = ; }");
        assert_eq!(item.attr_paths, ["tokio::test", "ignore"]);
        assert_eq!(item.body, Some(item.rest.len() - 1));
        assert_eq!(parse("fn f(&self);").body, None);
        assert_eq!(parse("fn f() -> Foo<{ N }> { 1 }").body, Some(9));
    }

    #[test]
    fn injects_after_inner_attributes() {
        let item = parse("#[a] fn f() { #![allow(x)] body(); }");
        let out = item.emit(
            quote::quote!(#[doc = "d"]),
            quote::quote!(
                const _: () = ();
            ),
        );
        assert_eq!(
            out.to_string(),
            "# [a] # [doc = \"d\"] fn f () { #! [allow (x)] const _ : () = () ; body () ; }"
        );
    }

    #[test]
    fn test_attributes() {
        for p in [
            "test",
            "tokio::test",
            "::core::prelude::v1::test",
            "rstest",
            "test_case",
            "wasm_bindgen_test",
            "sqlx::test",
        ] {
            assert!(is_test_attr(p), "{p}");
        }
        for p in [
            "inline",
            "ignore",
            "serial",
            "tested",
            "doc",
            "testing::helper",
        ] {
            assert!(!is_test_attr(p), "{p}");
        }
    }

    #[test]
    fn attributes_written_before() {
        let src = "fn a() {}\n\n#[test]\n// why\n#[test_case(\"[x]\", 1)]\n  #[ignore = \"slow\"] #[verifies(\"FR-A-01\")]\nfn t() {}";
        let at = src.find("#[verifies").unwrap();
        assert_eq!(attrs_before(src, at), ["ignore", "test_case", "test"]);
        assert!(attrs_before(src, src.find("#[test]").unwrap()).is_empty());
        assert!(attrs_before("", 0).is_empty());
    }
}
