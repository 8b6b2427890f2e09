//! The fast scanner against the oracle: inline cases, the fixture files of
//! `tests/fixtures/annotations/`, and random files from a small generator.

use super::scanner::{self, Candidates};
use super::*;

/// The fast path's answer; panics when it falls back.
fn fast(text: &str) -> Vec<Annotation> {
    match Candidates::find(text.as_bytes()) {
        None => Vec::new(),
        Some(c) => scanner::scan("f.rs", text, &c)
            .unwrap_or_else(|e| panic!("fast path fell back: {e:?} at {:?}", excerpt(text, e.at))),
    }
}

fn excerpt(text: &str, at: usize) -> &str {
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    &text[floor(at.saturating_sub(40))..floor((at + 40).min(text.len()))]
}

fn oracle(text: &str) -> Vec<Annotation> {
    scan_text_with_syn("f.rs", text).unwrap_or_else(|d| panic!("does not parse: {d:?}\n{text}"))
}

/// Fast == oracle, without fallback; returns the annotations.
#[track_caller]
fn same(text: &str) -> Vec<Annotation> {
    let o = oracle(text);
    let f = fast(text);
    if f != o {
        let show = |v: &[Annotation]| {
            v.iter()
                .map(|a| {
                    format!(
                        "{}:{} {:?} {} {:?} test={}",
                        a.attr.line,
                        a.attr.column,
                        a.kind,
                        a.item.name,
                        a.ids.iter().map(|i| &i.text).collect::<Vec<_>>(),
                        a.is_test
                    )
                })
                .collect::<Vec<_>>()
                .join("\n  ")
        };
        panic!(
            "fast != oracle\nfast:\n  {}\noracle:\n  {}\n--- text ---\n{text}",
            show(&f),
            show(&o)
        );
    }
    o
}

fn summary(v: &[Annotation]) -> Vec<String> {
    v.iter()
        .map(|a| {
            format!(
                "{} {} {} [{}]{}{}",
                a.kind.as_str(),
                a.item.kind.as_str(),
                a.item.name,
                a.ids
                    .iter()
                    .map(|i| i.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if a.is_test { " test" } else { "" },
                if a.arg_errors.is_empty() {
                    String::new()
                } else {
                    format!(" errors={}", a.arg_errors.len())
                }
            )
        })
        .collect()
}

#[test]
fn spellings() {
    let text = r#"
use specplan_macros::{implements, verifies as check};
use specplan_macros::implements as req;

#[implements("FR-A-01")]
fn plain() {}

#[specplan_macros::implements("FR-A-02", "NFR-A-01")]
pub async fn path() {}

#[::specplan_macros::verifies("FR-A-03",)]
fn absolute() {}

#[req("FR-A-04")]
fn alias() {}

#[check("FR-A-05")]
fn grouped_alias() {}

#[cfg_attr(test, verifies("FR-A-06"))]
fn cfg_attr() {}

#[cfg_attr(feature = "x", specplan_macros::implements("FR-A-07"), verifies("FR-A-08"))]
fn two_in_one() {}

#[cfg_attr(all(unix, test), cfg_attr(feature = "y", req("FR-A-09")))]
fn nested() {}

#[implements
    (
        "FR-A-10",
        "FR-A-11"
    )
]
fn multi_line() {}

#[implements ["FR-A-12"]]
#[implements {"FR-A-13"}]
fn other_delimiters() {}

#[cfg_attr(test, derive(Debug))]
#[derive(Clone)]
struct NotAnnotated;
"#;
    let got = same(text);
    assert_eq!(
        summary(&got),
        [
            "implements fn plain [FR-A-01]",
            "implements fn path [FR-A-02, NFR-A-01]",
            "verifies fn absolute [FR-A-03]",
            "implements fn alias [FR-A-04]",
            "verifies fn grouped_alias [FR-A-05]",
            "verifies fn cfg_attr [FR-A-06]",
            "implements fn two_in_one [FR-A-07]",
            "verifies fn two_in_one [FR-A-08]",
            "implements fn nested [FR-A-09]",
            "implements fn multi_line [FR-A-10, FR-A-11]",
            "implements fn other_delimiters [FR-A-12]",
            "implements fn other_delimiters [FR-A-13]",
        ]
    );
}

#[test]
fn alias_declared_after_use_and_unconfirmed_alias() {
    let text = r#"
#[req("FR-A-01")]
fn before() {}

mod inner {
    pub(crate) use specplan_macros::{self as sm, implements as req};
}

// implements as fake: prose in a comment
#[fake("FR-A-02")]
fn not_an_annotation() {}

macro_rules! m { () => { use specplan_macros::verifies as inmacro; } }
#[inmacro("FR-A-03")]
fn alias_only_in_a_macro() {}
"#;
    let got = same(text);
    assert_eq!(summary(&got), ["implements fn before [FR-A-01]"]);
}

#[test]
fn comments_strings_and_literals_hide_attributes() {
    let text = r####"
// #[implements("FR-X-01")]
/* #[implements("FR-X-02")] /* nested #[implements("FR-X-03")] */ still a comment
   #[implements("FR-X-04")] */
/// #[implements("FR-X-05")] in a doc comment
/** #[verifies("FR-X-06")] */
const S: &str = "#[implements(\"FR-X-07\")] \" still a string";
const R: &str = r##"#[implements("FR-X-08")] "# not the end"##;
const R2: &str = r###"
#[verifies("FR-X-09")]
"##"###;
const B: &[u8] = b"#[implements(\"FR-X-10\")]";
const BR: &[u8] = br##"#[implements("FR-X-11")]"##;
const C: &std::ffi::CStr = c"#[implements(\"FR-X-12\")]";
const CH: [char; 5] = ['"', '#', '\'', '\\', '\u{1F600}'];
const BY: [u8; 2] = [b'"', b'\''];
fn lifetimes<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str {
    'outer: loop {
        break 'outer;
    }
    let _ = "implements(";
    x
}

#[implements("FR-X-13")]
fn real<'a>(s: &'a str) -> char {
    let c = '{';
    let d = '}';
    let r#type = r#"{"#;
    if s.is_empty() { c } else { d }
}
"####;
    let got = same(text);
    assert_eq!(summary(&got), ["implements fn real [FR-X-13]"]);
}

#[test]
fn items_and_their_names() {
    let text = r#"
use specplan_macros::{implements, verifies};

#[implements("FR-I-01")]
pub struct SessionStore<T> { inner: T }

#[implements("FR-I-02")]
enum State { A, B }

#[implements("FR-I-03", "NFR-I-01")]
impl<T: Clone> SessionStore<T> where T: Default {
    #[implements("FR-I-04")]
    pub fn create(&self) -> impl Iterator<Item = u8> { std::iter::empty() }

    #[implements("FR-I-05")]
    const LIMIT: usize = { 3 };

    fn helper(&self) {
        #[implements("FR-I-06")]
        fn nested_in_method() {}

        struct Local;
        #[implements("FR-I-07")]
        impl Local {
            #[implements("FR-I-08")]
            fn local_method() {}
        }
    }
}

#[implements("FR-I-09")]
impl std::fmt::Display for &'static State {
    #[implements("FR-I-10")]
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
}

#[implements("FR-I-11")]
pub trait Store: Send {
    #[implements("FR-I-12")]
    fn get(&self, k: &str) -> Option<String>;

    #[verifies("FR-I-13")]
    fn provided(&self) { let _ = self.get("x"); }

    #[implements("FR-I-14")]
    type Item;
}

#[implements("FR-I-15")]
mod handlers;

#[implements("FR-I-16")]
pub(crate) mod inline {
    #![allow(dead_code)]
    #[implements("FR-I-17")]
    pub fn inside() {}
}

#[implements("FR-I-18")]
macro_rules! my_macro { () => {}; }

#[implements("FR-I-19")]
my_macro! {}

#[implements("FR-I-20")]
static GLOBAL: u8 = 0;

#[implements("FR-I-21")]
type Alias = SessionStore<u8>;

#[implements("FR-I-22")]
extern "C" {
    #[implements("FR-I-23")]
    fn c_fn();
}

#[implements("FR-I-24")]
union U { a: u8 }

#[implements("FR-I-25")]
use std::collections::HashMap;

const _: () = {
    #[implements("FR-I-26")]
    fn in_const_block() {}
};

impl<const N: usize> Arr<{ N }> {
    #[implements("FR-I-27")]
    fn const_generic() {}
}
impl !Send for Arr<1> {}
"#;
    let got = same(text);
    assert_eq!(
        summary(&got),
        [
            "implements struct SessionStore [FR-I-01]",
            "implements enum State [FR-I-02]",
            "implements impl impl SessionStore [FR-I-03, NFR-I-01]",
            "implements method SessionStore::create [FR-I-04]",
            "implements const SessionStore::LIMIT [FR-I-05]",
            "implements fn nested_in_method [FR-I-06]",
            "implements impl impl Local [FR-I-07]",
            "implements method Local::local_method [FR-I-08]",
            "implements impl impl Display for State [FR-I-09]",
            "implements method State::fmt [FR-I-10]",
            "implements trait Store [FR-I-11]",
            "implements method Store::get [FR-I-12]",
            "verifies method Store::provided [FR-I-13]",
            "implements type Store::Item [FR-I-14]",
            "implements mod handlers [FR-I-15]",
            "implements mod inline [FR-I-16]",
            "implements fn inside [FR-I-17]",
            "implements macro my_macro [FR-I-18]",
            "implements macro-call my_macro! [FR-I-19]",
            "implements static GLOBAL [FR-I-20]",
            "implements type Alias [FR-I-21]",
            "implements extern-block extern \"C\" [FR-I-22]",
            "implements fn c_fn [FR-I-23]",
            "implements union U [FR-I-24]",
            "implements use std::collections::HashMap [FR-I-25]",
            "implements fn in_const_block [FR-I-26]",
            "implements method Arr::const_generic [FR-I-27]",
        ]
    );
}

#[test]
fn impl_headers_of_every_shape() {
    let headers = [
        "impl Plain",
        "impl<'a> From<&'a str> for Name<'a>",
        "impl<T> Trait for Box<dyn Fn(T) -> T>",
        "impl<F: Fn() -> u8, const N: usize> Holder<F, N> where F: Clone",
        "impl<T> Trait<for<'a> fn(&'a T)> for X",
        "impl dyn Trait",
        "impl<T> [T]",
        "impl (A, B)",
        "impl Trait for ::std::Thing",
        "impl Thing::<u8>",
        "unsafe impl<T: Send> Send for Wrapper<T>",
        "impl !Sync for Negative",
        "impl<const N: usize> Trait for [u8; N]",
        "impl Trait for &'static mut Referenced",
        "impl Trait for &&Twice",
        "impl Trait for r#type",
        "impl crate::Trait for super::Type",
        "impl<T> a::b::Generic<T>::Assoc",
        "impl<T: Iterator<Item = u8>> Bound<T>",
        "impl fmt::Display for Wrapper<Vec<Vec<u8>>>",
        "impl<T> Trait for fn(T) -> T",
        "impl<T> Trait for <T as Other>::Assoc",
        "impl<const N: usize> Arr<{ N }>",
        "impl<const N: usize> Pair<u8, { N + 1 }>",
        "impl Trait for dyn Other + Send",
        "impl<T>\n    Multi\n    for\n    Line<T>\nwhere\n    T: Clone,\n",
    ];
    for (i, h) in headers.iter().enumerate() {
        let text = format!(
            "#[implements(\"FR-H-{i:02}\")]\n{h} {{\n    #[implements(\"FR-M-{i:02}\")]\n    fn method(&self) {{}}\n}}\n"
        );
        let got = same(&text);
        assert_eq!(got.len(), 2, "{h}");
    }
}

#[test]
fn what_syn_keeps_as_raw_tokens() {
    // A trait item with a visibility, a body-less fn in a module, a fn with
    // a body in an extern block: syn keeps them as raw tokens, so nothing in
    // them counts (rustc rejects them anyway).
    let text = r#"
trait T {
    #[implements("FR-V-01")]
    pub fn with_vis(&self) {
        #[implements("FR-V-02")]
        fn nested() {}
    }
    #[implements("FR-V-03")]
    fn fine(&self) {
        #[implements("FR-V-04")]
        fn nested_ok() {}
    }
}
#[implements("FR-V-05")]
fn no_body();
extern "C" {
    #[implements("FR-V-06")]
    fn with_body() {}
    #[implements("FR-V-07")]
    pub unsafe fn qualified();
}
impl S {
    #[implements("FR-V-08")]
    default fn specialised() {}
    #[implements("FR-V-09")]
    pub(crate) const async unsafe extern "C" fn all_of_them() {}
    #[implements("FR-V-10")]
    async extern "C" fn unusual_order() {}
}
#[implements("FR-V-11")]
pub unsafe trait Marker {}
#[implements("FR-V-12")]
unsafe impl Marker for S {}
#[implements("FR-V-13")]
pub(in crate::a) union U { a: u8 }
fn body() {
    #[implements("FR-V-14")]
    async move {};
    #[implements("FR-V-15")]
    unsafe {}
    #[implements("FR-V-16")]
    const fn in_block() {}
    #[implements("FR-V-17")]
    static S: u8 = 1;
    #[implements("FR-V-18")]
    struct Local(u8);
}
"#;
    let got = same(text);
    assert_eq!(
        summary(&got),
        [
            "implements method T::fine [FR-V-03]",
            "implements fn nested_ok [FR-V-04]",
            "implements fn qualified [FR-V-07]",
            "implements method S::specialised [FR-V-08]",
            "implements method S::all_of_them [FR-V-09]",
            "implements method S::unusual_order [FR-V-10]",
            "implements trait Marker [FR-V-11]",
            "implements impl impl Marker for S [FR-V-12]",
            "implements union U [FR-V-13]",
            "implements fn in_block [FR-V-16]",
            "implements static S [FR-V-17]",
            "implements struct Local [FR-V-18]",
        ]
    );
}

#[test]
fn not_on_items_and_inside_macros() {
    let text = r#"
struct S {
    #[implements("FR-N-01")]
    field: u8,
}
enum E {
    #[implements("FR-N-02")]
    V { #[implements("FR-N-03")] x: u8 },
}
struct T(#[implements("FR-N-04")] u8);
fn params(#[implements("FR-N-05")] x: u8) {
    #[implements("FR-N-06")]
    let y = S { field: x };
    #[implements("FR-N-07")]
    {
        let _ = y;
    }
    match x {
        #[implements("FR-N-08")]
        0 => {}
        _ => {}
    }
    let _v = vec![#[implements("FR-N-09")] 1];
    #[implements("FR-N-10")]
    println!("x");
    #[implements("FR-N-11")]
    if x > 0 { } else { }
}
macro_rules! gen {
    ($(#[$m:meta])* $name:ident) => {
        #[implements("FR-N-12")]
        fn $name() {}
    };
}
gen! {
    #[implements("FR-N-13")]
    fn generated() {}
}
"#;
    let got = same(text);
    assert!(got.is_empty(), "{:?}", summary(&got));
}

#[test]
fn macro_invocations_are_found_across_comments() {
    let text = r#"
macro_rules! m // the name, then a comment
{
    () => { #[implements("FR-NO-01")] fn a() {} };
}
m!
// a comment between the bang and the brace
{
    #[implements("FR-NO-02")]
    fn b() {}
}
fn ops(a: u8, b: u8) -> u8 {
    let c = a / !b;
    let d = a != b;
    if !d { return c; }
    while !(d) {}
    impl !Send for Negative {}
    #[implements("FR-OK-01")]
    fn nested() {}
    impl Serialize for ! {
        #[implements("FR-OK-03")]
        fn serialize(&self) {}
    }
    c
}
"#;
    assert_eq!(
        summary(&same(text)),
        [
            "implements fn nested [FR-OK-01]",
            "implements method !::serialize [FR-OK-03]"
        ]
    );
    // A block comment between the name and `!` is too odd to guess: the
    // fast path gives up and the full parse answers.
    let text = "m /* c */ !{ #[implements(\"FR-NO-03\")] fn c() {} }\n#[implements(\"FR-OK-02\")]\nfn d() {}\n";
    let c = Candidates::find(text.as_bytes()).unwrap();
    assert!(scanner::scan("f.rs", text, &c).is_err());
    assert_eq!(
        summary(&scan_text("f.rs", text).unwrap()),
        ["implements fn d [FR-OK-02]"]
    );
}

#[test]
fn positions_are_exact() {
    let text = "use specplan_macros::implements;\n\
                /// Résumé: ünïcödé before the ID\n\
                #[implements(\"FR-P-01\", /* c */ \"NFR-P-02\")] fn été() {}\n\
                #[implements(\n  r#\"FR-P-03\"#\n)]\nfn x() {}\n";
    let got = same(text);
    let spans: Vec<_> = got
        .iter()
        .flat_map(|a| a.ids.iter())
        .map(|i| {
            (
                i.text.as_str(),
                i.span.line,
                i.span.column,
                i.span.end_line,
                i.span.end_column,
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("FR-P-01", 3, 14, 3, 23),
            ("NFR-P-02", 3, 33, 3, 43),
            ("FR-P-03", 5, 3, 5, 15)
        ]
    );
    assert_eq!(
        &text[got[0].ids[1].span.start_byte..got[0].ids[1].span.end_byte],
        "\"NFR-P-02\""
    );
    assert_eq!((got[0].item.line, got[0].item.column), (3, 49));
    assert_eq!(
        (got[0].attr.line, got[0].attr.column, got[0].attr.end_column),
        (3, 1, 45)
    );
    assert_eq!((got[1].item.line, got[1].item.column), (7, 4));
}

#[test]
fn inner_attributes_are_not_annotations() {
    let text = r#"#![implements("FR-IN-01")]
mod m {
    #![implements("FR-IN-02")]
    #![cfg(test)]
    #[verifies("FR-IN-03")]
    fn f() {}
}
fn g() {
    #![verifies("FR-IN-04")]
    #[implements("FR-IN-05")]
    fn h() {}
}
"#;
    assert_eq!(
        summary(&same(text)),
        [
            "verifies fn f [FR-IN-03] test",
            "implements fn h [FR-IN-05]"
        ]
    );
}

#[test]
fn bom_and_shebang() {
    let text =
        "\u{feff}#!/usr/bin/env run-cargo-script\n#[implements(\"FR-B-01\")]\nfn main() {}\n";
    let got = same(text);
    assert_eq!(
        (got[0].ids[0].span.line, got[0].ids[0].span.column),
        (2, 14)
    );
    let text = "\u{feff}#![allow(unused)]\n#[implements(\"FR-B-01\")]\nfn main() {}\n";
    let got = same(text);
    assert_eq!(
        (got[0].ids[0].span.line, got[0].ids[0].span.column),
        (2, 14)
    );
}

#[test]
fn test_code() {
    let text = r#"
use specplan_macros::{implements, verifies};

#[implements("FR-T-01")]
fn production() {}

#[test]
#[verifies("FR-T-01")]
fn unit() {}

#[verifies("FR-T-02")]
#[tokio::test]
async fn after() {}

#[rstest::rstest]
#[verifies("FR-T-03")]
fn rs() {}

#[cfg(test)]
mod tests {
    use super::*;
    #[verifies("FR-T-04")]
    fn helper() {}

    impl Foo {
        #[verifies("FR-T-05")]
        fn in_impl() {}
    }
}

#[cfg(all(test, feature = "pg"))]
mod pg_tests {
    #[verifies("FR-T-06")]
    fn helper() {}
}

#[cfg(not(test))]
mod not_tests {
    #[implements("FR-T-07")]
    fn real() {}
}

mod inner_cfg {
    #![cfg(test)]
    #[verifies("FR-T-08")]
    fn helper() {}
}

#[test]
fn outer_test() {
    #[verifies("FR-T-09")]
    fn nested() {}
}

#[implements("FR-T-10")]
fn with_inner() {
    #![cfg(test)]
}
"#;
    let got = same(text);
    assert_eq!(
        summary(&got),
        [
            "implements fn production [FR-T-01]",
            "verifies fn unit [FR-T-01] test",
            "verifies fn after [FR-T-02] test",
            "verifies fn rs [FR-T-03] test",
            "verifies fn helper [FR-T-04] test",
            "verifies method Foo::in_impl [FR-T-05] test",
            "verifies fn helper [FR-T-06] test",
            "implements fn real [FR-T-07]",
            "verifies fn helper [FR-T-08] test",
            "verifies fn nested [FR-T-09] test",
            "implements fn with_inner [FR-T-10] test",
        ]
    );
    let text = "#![cfg(test)]\n#[verifies(\"FR-T-01\")]\nfn whole_file() {}\n";
    assert_eq!(
        summary(&same(text)),
        ["verifies fn whole_file [FR-T-01] test"]
    );
}

#[test]
fn malformed_arguments() {
    let text = r#"
#[implements]
fn no_list() {}
#[implements()]
fn empty() {}
#[implements = "FR-M-01"]
fn name_value() {}
#[implements("FR-M-02", FR_M_03, 4, concat!("FR-", "M-05"), b"FR-M-06",, "FR-M-07")]
fn mixed() {}
"#;
    let got = same(text);
    let errors: Vec<Vec<&str>> = got
        .iter()
        .map(|a| a.arg_errors.iter().map(|e| e.message.as_str()).collect())
        .collect();
    assert_eq!(
        errors,
        [
            vec!["no requirement ID: write the IDs in parentheses, `#[implements(\"FR-…\")]`"],
            vec!["no requirement ID: write at least one, `#[implements(\"FR-…\")]`"],
            vec!["the IDs go in parentheses, `#[implements(\"FR-…\")]`, not after `=`"],
            vec![
                "expected an ID string such as \"FR-AUTH-01\", found `FR_M_03`",
                "expected an ID string such as \"FR-AUTH-01\", found `4`",
                "expected an ID string such as \"FR-AUTH-01\", found `concat!(\"FR-\", \"M-05\")`",
                "expected an ID string such as \"FR-AUTH-01\", found `b\"FR-M-06\"`",
                "an empty argument: two commas in a row",
            ],
        ]
    );
    let ids: Vec<&str> = got[3].ids.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(ids, ["FR-M-02", "FR-M-07"]);
    let e = &got[3].arg_errors[2];
    assert_eq!((e.span.line, e.span.column), (8, 37));
}

#[test]
fn prose_is_not_a_candidate() {
    assert!(Candidates::find(b"/// This type implements Display.\nstruct A;\n").is_none());
    assert!(Candidates::find(b"fn reimplements() {} fn implements_x() {}").is_none());
    assert!(Candidates::find(b"#[implements(\"A\")]").is_some());
    assert!(Candidates::find(b"#[implements\n  (\"A\")]").is_some());
    assert!(Candidates::find(b"#[verifies]").is_some());
}

#[test]
fn broken_files_fall_back_and_report() {
    // Mismatched delimiters: the fast path gives up, syn reports.
    let text = "fn g() { ) }\n#[implements(\"FR-A-01\")]\nfn f() {}\n";
    let d = scan_text("src/broken.rs", text).unwrap_err();
    assert_eq!(d.rule, "rust-parse-error");
    assert_eq!(d.file.as_deref(), Some("src/broken.rs"));
    // An attribute on nothing.
    let d = scan_text("src/b.rs", "fn f() {}\n#[implements(\"FR-A-01\")]\n").unwrap_err();
    assert_eq!(d.rule, "rust-parse-error");
    // A syntax error far from the annotations does not matter to the fast
    // path, which never parses it.
    let text = "#[implements(\"FR-A-01\")]\nfn f() {}\nfn g() { let x = ; }\n";
    assert!(scan_text_with_syn("src/c.rs", text).is_err());
    let got = scan_text("src/c.rs", text).unwrap();
    assert_eq!(summary(&got), ["implements fn f [FR-A-01]"]);
}

#[test]
fn fixtures_match_the_oracle() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/annotations");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "{paths:?}");
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let got = same(&text);
        insta::assert_snapshot!(format!("fixture_{name}"), summary(&got).join("\n"));
    }
}

#[test]
fn the_example_backend_matches_the_oracle() {
    let Some((ws, files)) = crate::scan::testutil::storefront() else {
        return;
    };
    for f in crate::scan::rust_sources(&ws, &files) {
        let text = std::fs::read_to_string(&f.abs).unwrap();
        if let Some(c) = Candidates::find(text.as_bytes())
            && let Err(e) = scanner::scan(&f.rel, &text, &c)
        {
            panic!("{}: fell back: {e:?} at {:?}", f.rel, excerpt(&text, e.at));
        }
    }
    let result = scan_workspace(&ws, &files);
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    assert_eq!(result.stats.fallbacks, 0);
    for f in crate::scan::rust_sources(&ws, &files) {
        let text = std::fs::read_to_string(&f.abs).unwrap();
        let o = scan_text_with_syn(&f.rel, &text).unwrap();
        let mine: Vec<_> = result
            .annotations
            .iter()
            .filter(|a| a.file == f.rel)
            .cloned()
            .collect();
        assert_eq!(mine, o, "{}", f.rel);
    }
}

#[test]
fn scan_workspace_reads_members_in_parallel_and_reports_bad_files() {
    use crate::scan::testutil::workspace;
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("crates/a/src/m{i:02}.rs"),
                format!("#[specplan_macros::implements(\"FR-A-{i:02}\")]\npub fn f{i}() {{}}\n"),
            )
        })
        .collect();
    files.push((
        "crates/a/src/plain.rs".into(),
        "fn no_annotations() {}\n".into(),
    ));
    files.push((
        "crates/a/src/broken.rs".into(),
        "#[implements(\"FR-A-99\")]\nfn f( {}\n".into(),
    ));
    files.push((
        "fixtures/outside.rs".into(),
        "#[implements(\"FR-Z-01\")] fn z() {}".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let t = workspace(&[("crates/a", "a")], &refs);
    std::fs::write(
        t.ws.root.join("crates/a/src/latin1.rs"),
        b"// implements(\xe9\n",
    )
    .unwrap();
    let files = crate::source::walk_workspace(&t.ws);
    let r = scan_workspace(&t.ws, &files);
    let expected: Vec<_> = crate::scan::rust_sources(&t.ws, &files);
    assert_eq!(super::member_sources(&t.ws, &files), expected);
    assert_eq!(r.annotations.len(), 40);
    assert!(r.annotations.windows(2).all(|w| w[0].file < w[1].file));
    assert_eq!(r.annotations[7].ids[0].text, "FR-A-07");
    assert_eq!(r.annotations[7].file, "crates/a/src/m07.rs");
    let rules: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.file.as_deref().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [
            ("rust-parse-error", "crates/a/src/broken.rs"),
            ("non-utf8-file", "crates/a/src/latin1.rs")
        ]
    );
    assert_eq!(r.stats.files, 43);
    assert_eq!(r.stats.fallbacks, 1);
}

// ---------------------------------------------------------------------------
// Generated files

/// splitmix64: small, deterministic.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

struct Gen {
    rng: Rng,
    out: String,
    n: usize,
    aliases: Vec<(&'static str, &'static str)>,
}

impl Gen {
    fn id(&mut self) -> String {
        let dom = self.rng.pick(&["AUTH", "ORD", "PAY", "X"]);
        let kind = self.rng.pick(&["FR", "FR", "NFR"]);
        format!("{kind}-{dom}-{:02}", self.rng.below(30))
    }

    fn ids(&mut self) -> String {
        let n = 1 + self.rng.below(3);
        let mut parts: Vec<String> = (0..n)
            .map(|_| {
                let id = self.id();
                match self.rng.below(13) {
                    0 => format!("r#\"{id}\"#"),
                    12 => format!("\"{}\"", id.replace('-', "\\x2d")),
                    1 => format!("/* {id} */ \"{id}\""),
                    2 => "FR_BAD".to_string(),
                    _ => format!("\"{id}\""),
                }
            })
            .collect();
        if self.rng.chance(10) {
            parts.push(String::new());
        }
        parts.join(if self.rng.chance(20) { ",\n    " } else { ", " })
    }

    fn annotation(&mut self) -> String {
        let word = self.rng.pick(&["implements", "verifies"]);
        let ids = self.ids();
        match self.rng.below(14) {
            0 => format!("#[specplan_macros::{word}({ids})]"),
            1 => format!("#[::specplan_macros::{word}({ids})]"),
            2 => format!("#[cfg_attr(test, {word}({ids}))]"),
            3 => format!(
                "#[cfg_attr(feature = \"x\", allow(unused), specplan_macros::{word}({ids}))]"
            ),
            4 => format!("#[{word}\n    ({ids})\n]"),
            5 if !self.aliases.is_empty() => {
                let (alias, _) = self.aliases[self.rng.below(self.aliases.len())];
                format!("#[{alias}({ids})]")
            }
            6 => format!("#[{word}]"),
            7 => format!("#[{word} = \"FR-X-01\"]"),
            8 => format!("#[cfg_attr(all(test, not(miri)), cfg_attr(unix, {word}({ids})))]"),
            _ => format!("#[{word}({ids})]"),
        }
    }

    /// Attributes for an item, annotated with `percent` % chance.
    fn attrs(&mut self, percent: usize) -> String {
        let annotated = self.rng.chance(percent);
        let mut s = String::new();
        if self.rng.chance(30) {
            s.push_str("/// Docs mention #[implements(\"FR-DOC-01\")] and \"quotes\".\n");
        }
        if self.rng.chance(15) {
            s.push_str(self.rng.pick(&[
                "#[test]\n",
                "#[tokio::test]\n",
                "#[cfg(test)]\n",
                "#[inline]\n",
                "#[allow(dead_code)]\n",
                "#[cfg(feature = \"pg\")]\n",
                "#[cfg(not(test))]\n",
                "#[cfg(all(test, unix))]\n",
                "#[cfg_attr(test, test)]\n",
                "#[doc = \"#[implements(\\\"FR-DOC-02\\\")]\"]\n",
                "#[tracing::instrument(skip(a, b), fields(x = %y))]\n",
            ]));
        }
        if annotated {
            let n = 1 + self.rng.below(2);
            for _ in 0..n {
                s.push_str(&self.annotation());
                s.push('\n');
            }
        }
        if self.rng.chance(15) {
            s.push_str("#[cfg_attr(test, derive(Debug))]\n");
        }
        s
    }

    fn name(&mut self, prefix: &str) -> String {
        self.n += 1;
        format!("{prefix}{}", self.n)
    }

    fn noise(&mut self) -> String {
        match self.rng.below(9) {
            0 => "// #[implements(\"FR-C-01\")] in a comment\n".into(),
            1 => "/* block /* nested #[verifies(\"FR-C-02\")] */ #[implements(\"FR-C-03\")] */\n".into(),
            2 => "const _S: &str = \"#[implements(\\\"FR-C-04\\\")] } { \\\" \";\n".into(),
            3 => "const _R: &str = r##\"#[implements(\"FR-C-05\")] \"# } \"##;\n".into(),
            4 => "const _C: [char; 4] = ['\"', '{', '\\'', '#'];\n".into(),
            5 => "const _B: &[u8] = b\"implements(\";\n".into(),
            6 => "macro_rules! gen_m { ($(#[$m:meta])* $n:ident) => { $(#[$m])* #[implements(\"FR-C-06\")] fn $n() {} }; }\n".into(),
            7 => "/// Implements the store. implements(like this)\n/// ```\n/// #[implements(\"FR-C-07\")]\n/// ```\nconst _D: () = ();\n".into(),
            _ => "// implements, verifies and so on\n".into(),
        }
    }

    fn stmt(&mut self, depth: usize) -> String {
        match self.rng.below(16) {
            0 => "let x: u32 = 1 + 2;\n".into(),
            1 => "let s = Point { x: 1, y: if true { 2 } else { 3 } };\n".into(),
            2 => "if !flag && a != b { return; } else { let _ = 'a'; }\n".into(),
            3 => "match n { 0 => {} 1 | 2 => { let _ = \"}\"; } _ => (), }\n".into(),
            4 => "'outer: for i in 0..3 { if i == 1 { continue 'outer; } }\n".into(),
            5 => "let v = vec![1, 2, 3];\nprintln!(\"{:?} {{\", v);\n".into(),
            6 => "let f = |a: u8| -> u8 { a + 1 };\n".into(),
            7 if depth < 3 => {
                let attrs = self.attrs(70);
                let name = self.name("inner_fn");
                let body = self.body(depth + 1);
                format!("{attrs}fn {name}() {{\n{body}}}\n")
            }
            8 => format!("{}let y = 5;\n", self.annotation()),
            9 => "let closure = || {\n    let z = [0u8; 4];\n    z.len()\n};\n".into(),
            10 if depth < 3 => {
                let item = self.impl_block(depth + 1);
                format!("struct Local;\n{item}")
            }
            11 => "assert!(!matches!(n, 3), \"#[implements(\\\"x\\\")]\");\n".into(),
            12 => "let _arr: [u8; { 2 + 1 }] = [0; 3];\n".into(),
            13 => "unsafe { let _p = core::ptr::null::<u8>(); }\n".into(),
            _ => self.noise(),
        }
    }

    fn body(&mut self, depth: usize) -> String {
        let n = self.rng.below(4);
        (0..n).map(|_| self.stmt(depth)).collect()
    }

    fn fn_item(&mut self, depth: usize) -> String {
        let attrs = self.attrs(60);
        let name = self.name("func");
        let sig = self.rng.pick(&[
            "()",
            "<'a, T: Clone + 'a>(x: &'a T) -> &'a T where T: Default",
            "(flag: bool, a: u8, b: u8, n: u8)",
            "(#[allow(unused)] p: u8) -> impl Fn() -> u8",
            "<F, T>(work: F) -> Option<T>\nwhere\n    F: FnOnce() -> T + Send + 'static,\n",
        ]);
        let vis = self
            .rng
            .pick(&["", "pub ", "pub(crate) ", "pub async ", "const unsafe "]);
        let body = self.body(depth);
        let tail = if sig.contains("FnOnce") {
            "Some(work())\n"
        } else if sig.contains("&'a T") {
            "x\n"
        } else if sig.contains("impl Fn") {
            "move || p\n"
        } else {
            ""
        };
        let (vis, tail) = if sig.contains("impl Fn") && vis.contains("const") {
            ("", tail)
        } else {
            (vis, tail)
        };
        format!("{attrs}{vis}fn {name}{sig} {{\n{body}{tail}}}\n")
    }

    fn impl_block(&mut self, depth: usize) -> String {
        let attrs = self.attrs(30);
        let header = match self.rng.below(7) {
            0 => "impl Local".to_string(),
            1 => "impl<T> Holder<T> where T: Clone".to_string(),
            5 => "impl<T, U> Holder<(T, U)>\nwhere\n    T: Clone + 'static,\n    U: Send,\n"
                .to_string(),
            6 => "impl<const N: usize> Pair<u8, { N }, { N + 1 }>".to_string(),
            2 => "impl std::fmt::Display for Local".to_string(),
            3 => "impl<const N: usize> Arr<{ N }>".to_string(),
            _ => "unsafe impl Send for &'static Local".to_string(),
        };
        let mut items = String::new();
        let n = 1 + self.rng.below(3);
        for _ in 0..n {
            if header.contains("Display") {
                let a = self.attrs(60);
                items.push_str(&format!(
                    "{a}fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{ Ok(()) }}\n"
                ));
                break;
            }
            if header.contains("Send") {
                break;
            }
            match self.rng.below(4) {
                0 => {
                    let a = self.attrs(50);
                    let name = self.name("CONST");
                    items.push_str(&format!("{a}const {name}: u8 = {{ 1 }};\n"));
                }
                _ => {
                    let a = self.attrs(60);
                    let name = self.name("method");
                    let body = self.body(depth + 1);
                    items.push_str(&format!("{a}pub fn {name}(&self) {{\n{body}}}\n"));
                }
            }
        }
        format!("{attrs}{header} {{\n{items}}}\n")
    }

    fn item(&mut self, depth: usize) -> String {
        match self.rng.below(14) {
            0..=2 => self.fn_item(depth),
            3 => {
                let a = self.attrs(40);
                let name = self.name("Struct");
                let field_attr = if self.rng.chance(30) {
                    self.annotation()
                } else {
                    String::new()
                };
                format!("{a}pub struct {name}<T = u8> {{\n    {field_attr}\n    pub x: T,\n}}\n")
            }
            4 => {
                let a = self.attrs(40);
                let name = self.name("Enum");
                format!("{a}enum {name} {{ A, #[allow(unused)] B {{ x: u8 }}, C(u8) }}\n")
            }
            5 | 6 => self.impl_block(depth),
            7 => {
                let a = self.attrs(40);
                let name = self.name("Trait");
                let m1 = self.attrs(50);
                let m2 = self.attrs(50);
                format!(
                    "{a}pub trait {name}: Send {{\n{m1}fn required(&self) -> u8;\n{m2}fn provided(&self) {{ let _ = self.required(); }}\n}}\n"
                )
            }
            8 if depth < 3 => {
                let cfg = self
                    .rng
                    .pick(&["", "#[cfg(test)]\n", "#[cfg(not(test))]\n"]);
                let a = self.attrs(20);
                let name = self.name("module");
                let inner = if self.rng.chance(20) {
                    "#![allow(unused)]\n"
                } else {
                    ""
                };
                let n = 1 + self.rng.below(4);
                let items: String = (0..n).map(|_| self.item(depth + 1)).collect();
                format!("{cfg}{a}mod {name} {{\n{inner}use super::*;\n{items}}}\n")
            }
            9 => {
                let a = self.attrs(40);
                let name = self.name("CONST");
                let inner = self.fn_item(depth + 1);
                format!("{a}const {name}: () = {{\n{inner}}};\n")
            }
            10 => {
                let a = self.attrs(30);
                format!(
                    "{a}extern \"C\" {{\n{}fn {}();\n}}\n",
                    self.attrs(50),
                    self.name("c_fn")
                )
            }
            11 => {
                let a = self.attrs(30);
                let name = self.name("Alias");
                format!("{a}type {name} = Holder<u8>;\n")
            }
            12 => {
                let a = self.attrs(30);
                let name = self.name("mac");
                format!(
                    "{a}macro_rules! {name} {{ () => {{ #[implements(\"FR-M-01\")] fn in_macro() {{}} }}; }}\n"
                )
            }
            _ => self.noise(),
        }
    }

    fn file(seed: u64) -> String {
        let mut g = Gen {
            rng: Rng(seed),
            out: String::new(),
            n: 0,
            aliases: Vec::new(),
        };
        if g.rng.chance(10) {
            g.out.push_str("#![cfg(test)]\n");
        }
        if g.rng.chance(50) {
            g.out
                .push_str("use specplan_macros::{implements, verifies};\n");
        }
        if g.rng.chance(30) {
            g.aliases.push(("req", "implements"));
            let use_line = if g.rng.chance(50) {
                "use specplan_macros::implements as req;\n"
            } else {
                "use specplan_macros::{verifies as check_it, implements as req};\n"
            };
            g.aliases.push(("check_it", "verifies"));
            // Declared before or after its use: both count.
            if g.rng.chance(50) {
                g.out.push_str(use_line);
            } else {
                g.out.push_str("mod late { ");
                g.out.push_str(use_line);
                g.out.push_str("}\n");
            }
            if !use_line.contains("check_it") {
                g.aliases.pop();
            }
        }
        let n = 3 + g.rng.below(10);
        for _ in 0..n {
            let it = g.item(0);
            g.out.push_str(&it);
        }
        g.out
    }
}

#[test]
#[ignore]
fn dump_generated() {
    let seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    println!("{}", Gen::file(seed));
}

#[test]
fn generated_files_match_the_oracle() {
    let mut total = 0;
    for seed in 0..500u64 {
        let text = Gen::file(seed);
        let got = same(&text);
        total += got.len();
    }
    assert!(total > 2000, "only {total} annotations in 500 files");
}

// ---------------------------------------------------------------------------
// Real code

/// Byte offsets where syn sees an item begin (its first attribute or doc
/// comment included), outside macro bodies.
fn item_starts(file: &syn::File, text: &str) -> Vec<usize> {
    use syn::spanned::Spanned;
    struct V(Vec<usize>);
    impl V {
        fn at(&mut self, span: proc_macro2::Span) {
            self.0.push(span.byte_range().start);
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for V {
        fn visit_item(&mut self, i: &'ast syn::Item) {
            if !matches!(i, syn::Item::Verbatim(_)) {
                self.at(i.span());
            }
            syn::visit::visit_item(self, i);
        }
        fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
            if !matches!(i, syn::ImplItem::Verbatim(_)) {
                self.at(i.span());
            }
            syn::visit::visit_impl_item(self, i);
        }
        fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
            if !matches!(i, syn::TraitItem::Verbatim(_)) {
                self.at(i.span());
            }
            syn::visit::visit_trait_item(self, i);
        }
    }
    let mut v = V(Vec::new());
    syn::visit::Visit::visit_file(&mut v, file);
    let base = source_start(text);
    let mut out: Vec<usize> = v.0.into_iter().map(|s| s + base).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Every `.rs` file under `SPECPLAN_ORACLE_DIR` (e.g. the cargo registry),
/// with `#[implements(…)]` inserted before every item: the fast path must
/// agree with the oracle, without falling back.
#[test]
#[ignore = "set SPECPLAN_ORACLE_DIR to a directory of Rust sources"]
fn real_code_with_inserted_annotations_matches_the_oracle() {
    let Ok(dir) = std::env::var("SPECPLAN_ORACLE_DIR") else {
        return;
    };
    let mut paths = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let (mut files, mut inserted, mut fallbacks, mut skipped) = (0, 0, Vec::new(), 0);
    let mut mismatches = Vec::new();
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let Ok(file) = syn::parse_str::<syn::File>(&text[source_start(&text)..]) else {
            skipped += 1;
            continue;
        };
        let starts = item_starts(&file, &text);
        drop(file);
        let mut t = text.clone();
        for (i, &s) in starts.iter().enumerate().rev() {
            let a = match i % 5 {
                0 => format!("#[implements(\"FR-Z-{i:02}\")] "),
                1 => format!("#[specplan_macros::verifies(\"FR-Z-{i:02}\", r\"NFR-Z-01\")]\n"),
                2 => format!("#[cfg_attr(test, implements(\"FR-Z-{i:02}\"))] "),
                3 => format!("#[implements(\n    \"FR-Z-{i:02}\",\n)]\n"),
                _ => format!("#[cfg(test)]\n#[verifies(\"FR-Z-{i:02}\")] "),
            };
            t.insert_str(s, &a);
        }
        proc_macro2::extra::invalidate_current_thread_spans();
        files += 1;
        inserted += starts.len();
        for text in [&text, &t] {
            let Ok(o) = scan_text_with_syn("f.rs", text) else {
                skipped += 1;
                continue;
            };
            let f = match Candidates::find(text.as_bytes()) {
                None => Vec::new(),
                Some(c) => match scanner::scan("f.rs", text, &c) {
                    Ok(f) => f,
                    Err(e) => {
                        fallbacks.push(format!("{}: {e:?} {:?}", p.display(), excerpt(text, e.at)));
                        continue;
                    }
                },
            };
            if f != o {
                let first = f
                    .iter()
                    .zip(&o)
                    .position(|(a, b)| a != b)
                    .unwrap_or(f.len().min(o.len()));
                mismatches.push(format!(
                    "{}: fast {} vs oracle {}; first difference: {:?} vs {:?}",
                    p.display(),
                    f.len(),
                    o.len(),
                    f.get(first).map(|a| (&a.item.name, a.attr.line, a.is_test)),
                    o.get(first).map(|a| (&a.item.name, a.attr.line, a.is_test)),
                ));
            }
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
    eprintln!(
        "{files} files, {inserted} annotations inserted, {skipped} not parsed by syn, {} fallbacks, {} mismatches",
        fallbacks.len(),
        mismatches.len()
    );
    for f in fallbacks.iter().take(30) {
        eprintln!("fallback: {f}");
    }
    for m in mismatches.iter().take(30) {
        eprintln!("mismatch: {m}");
    }
    assert!(mismatches.is_empty());
}

/// Inputs the fuzzer (specplan-fuzz, `annotation_scanner`) found where the
/// fast scanner and the syn walk disagreed, or the scanner panicked.
#[track_caller]
fn agree(text: &str) -> Vec<Annotation> {
    let o = oracle(text);
    let scanned = super::scan_text("f.rs", text).unwrap();
    assert_eq!(scanned, o, "{text:?}");
    o
}

#[test]
fn fuzz_findings_agree_with_syn() {
    // Rust's non-ASCII white space between the path and its list.
    let found = agree("#[implements\u{2028}()]struct y{}");
    assert_eq!(found.len(), 1, "{found:?}");
    agree("#[implements(\"FR-A-01\")]\u{2029}fn f() {}\u{85}");
    // cfg_attr lists that syn does not read as attributes.
    assert!(agree("#[cfg_attr(y,implements(\"\"),e f())]fn m(){}").is_empty());
    assert!(agree("#[cfg_attr(a,a()(\"\"),verifies(\"\"))]fn h(){}").is_empty());
    agree("#[cfg_attr(a,doc = \"x\",implements(\"FR-A-01\"),b[1])]fn h(){}");
    // An attribute on nothing at the end of a block: the scanner read past
    // its frame stack (a panic) before.
    // Not a file syn parses: whatever the scan says, it does not panic.
    let _ = super::scan_text("f.rs", "{#[verifies()]}");
    let _ = super::scan_text("f.rs", "fn f() {#[verifies()]}\n");
    // An item still pending when its block closes.
    let pending = "fn f() {\n    let _ = {\n        #[implements(\"FR-A-01\")]\n        x\n    };\n}\nfn g() { match 1 { #[verifies(\"FR-A-02\")] _ => {} } }\n";
    agree(pending);
}
