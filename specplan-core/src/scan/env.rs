//! Every environment variable the code reads, for `config.md`.
//!
//! Reads are found with `syn`: `std::env::var`/`var_os` (however they were
//! imported), `env!` and `option_env!`, `dotenvy::var`/`dotenv::var`, clap
//! arguments with `env`, `envy` structs (their fields, with the prefix),
//! `config::Environment` and figment's `Env` (a prefix, reported as a pattern
//! such as `APP_*`), and the `RUST_LOG` filters of `tracing-subscriber` and
//! `env_logger`. Around each read the method chain tells whether the code
//! falls back to a default (`.unwrap_or(…)`, `.unwrap_or_else(…)`,
//! `.unwrap_or_default()`, a `match` or `if let` with an `Err`/`else` branch)
//! or requires the variable (`?`, `.expect(…)`, `.unwrap()`).
//!
//! `.env`-style files are read as documentation of the expected variables.
//! Values are kept only for example files (`.env.example`, `.env.sample`…);
//! for a real `.env` only whether a value is present is recorded, so that no
//! secret ever reaches a generated document.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Type};

use super::{
    Imports, Parsed, Prefilter, collapse_ws, is_test_item, is_test_path, key_values, line_col,
    lit_str, macro_args, parse_filtered, rust_sources, span_text,
};
use crate::diag::{self, Diagnostic, Level, Span};
use crate::source::{self, Files, WalkedFile};
use crate::workspace::Workspace;

/// What [`env_vars`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EnvScan {
    /// Variables read at run time (and `env!` values other than cargo's),
    /// sorted by name.
    pub vars: Vec<EnvVar>,
    /// Variables cargo sets (`CARGO_PKG_VERSION`, `OUT_DIR`…) and every read
    /// in a build script, sorted by name.
    pub build_time: Vec<EnvVar>,
    /// `.env`, `.env.example`… files, sorted by path.
    pub dotenv_files: Vec<DotenvFile>,
    /// Files that could not be read or parsed, names that are not literals,
    /// `envy` structs that are not in the workspace.
    pub diagnostics: Vec<Diagnostic>,
}

/// One environment variable and every place that reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    /// The variable's name, or a pattern such as `APP_*` when the code reads
    /// every variable with a prefix.
    pub name: String,
    /// Set when `name` is a prefix pattern.
    pub pattern: bool,
    /// Some read (outside tests, when there are reads outside tests)
    /// requires the variable.
    pub required: bool,
    /// The first default a read falls back to.
    pub default: Option<String>,
    /// Sorted by file, line and column.
    pub reads: Vec<EnvRead>,
}

/// One read of a variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvRead {
    /// Workspace-relative path.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// `std::env::var`, `std::env::var_os`, `env!`, `option_env!`,
    /// `dotenvy::var`, `dotenv::var`, `clap`, `envy`, `config`, `figment`,
    /// `tracing-subscriber`, `env_logger`.
    pub how: String,
    /// The value used when the variable is not set, as written in the code
    /// (a literal's value, else the expression's text).
    pub default: Option<String>,
    /// The code fails (or does not compile, for `env!`) without it.
    pub required: bool,
    /// In test code (`tests/`, `#[cfg(test)]`, `#[test]`).
    pub test: bool,
    /// What else a reader of `config.md` needs to know (a pattern's meaning,
    /// the struct an `envy` field belongs to).
    pub note: Option<String>,
}

/// A `.env`-style file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DotenvFile {
    /// Workspace-relative path.
    pub file: String,
    /// An example file (`.env.example`, `.env.sample`, `.env.template`…),
    /// whose values are examples and are kept.
    pub example: bool,
    /// In file order.
    pub vars: Vec<DotenvVar>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DotenvVar {
    pub name: String,
    pub value_present: bool,
    /// The value, for example files only: never a real `.env`'s secrets.
    pub value: Option<String>,
    /// 1-based.
    pub line: usize,
    /// The comment lines right above the variable, joined: how the file
    /// documents it.
    pub comment: Option<String>,
}

/// Variables cargo sets for the code it compiles and for build scripts.
const CARGO_SET: &[&str] = &[
    "OUT_DIR",
    "TARGET",
    "HOST",
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
    "NUM_JOBS",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_LINKER",
    "RUSTC_WRAPPER",
    "RUSTFLAGS",
];

fn is_cargo_var(name: &str) -> bool {
    name.starts_with("CARGO_") || CARGO_SET.contains(&name)
}

/// Scans the workspace for the environment variables it reads.
pub fn env_vars(ws: &Workspace, files: &Files) -> EnvScan {
    let mut diags = Vec::new();
    let sources = rust_sources(ws, files);
    let filter = Prefilter::new(&["env", "Env"]);
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut parsed_paths = HashSet::new();
    for f in &sources {
        if let Some(p) = parse_filtered(f, &filter, &mut diags) {
            parsed_paths.insert(p.file.rel.clone());
            parsed.push(p);
        }
    }

    // Visit every file that may read the environment.
    let mut consts = Consts::default();
    for p in &parsed {
        consts.collect(&p.ast);
    }
    let mut raws = Vec::new();
    let mut envy = Vec::new();
    for p in &parsed {
        let build_script = is_build_script(ws, p.file);
        let mut v = Visitor::new(p, &consts, build_script);
        v.visit_file(&p.ast);
        raws.extend(v.raws);
        envy.extend(v.envy);
        diags.extend(v.diags);
    }

    // Names the first pass could not resolve: constants and `envy` structs
    // defined in files that never mention the environment.
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for r in &raws {
        if let NameRef::Const(c, _) = &r.name
            && consts.get(c).is_none()
        {
            wanted.insert(c.clone());
        }
        if let Some(DefaultVal::Const(c, _)) = &r.default
            && consts.get(c).is_none()
        {
            wanted.insert(c.clone());
        }
    }
    let mut structs_needed: BTreeSet<String> = envy.iter().map(|e| e.ty.clone()).collect();
    for p in &parsed {
        structs_needed.retain(|s| !defines_struct(&p.ast, s));
    }
    wanted.extend(structs_needed.iter().cloned());
    if !wanted.is_empty() {
        let names: Vec<String> = wanted.into_iter().collect();
        let second = Prefilter::new(&names);
        for f in &sources {
            if parsed_paths.contains(&f.rel) {
                continue;
            }
            if let Some(p) = parse_filtered(f, &second, &mut diags) {
                consts.collect(&p.ast);
                parsed.push(p);
            }
        }
    }

    let mut reads: Vec<(String, bool, bool, EnvRead)> = Vec::new(); // name, pattern, build, read
    for r in raws {
        let name = match &r.name {
            NameRef::Known(n) => n.clone(),
            NameRef::Const(c, text) => match consts.get(c) {
                Some(v) => v.to_string(),
                None => {
                    diags.push(
                        Diagnostic::new(
                            "env-var-name-unresolved",
                            Level::Note,
                            format!(
                                "`{}` reads the variable named by `{text}`, whose value is not a string literal in the workspace",
                                r.read.how
                            ),
                        )
                        .in_file(&r.read.file)
                        .at(Span::line_only(r.read.line, r.read.column)),
                    );
                    continue;
                }
            },
        };
        let mut read = r.read;
        read.default = match r.default {
            Some(DefaultVal::Text(t)) => Some(t),
            Some(DefaultVal::Const(c, text)) => {
                Some(consts.get(&c).map(str::to_string).unwrap_or(text))
            }
            None => None,
        };
        // Cargo's own variables matter when cargo compiles (`env!`), not to
        // whoever deploys; read at run time (`CARGO_HOME`) they are config.
        let compile_time = matches!(read.how.as_str(), "env!" | "option_env!");
        let build = r.build_script || (compile_time && is_cargo_var(&name));
        reads.push((name, r.pattern, build, read));
    }
    for req in &envy {
        reads.extend(resolve_envy(ws, req, &parsed, &consts, &mut diags));
    }

    let mut scan = EnvScan::default();
    let mut runtime: BTreeMap<(String, bool), Vec<EnvRead>> = BTreeMap::new();
    let mut build: BTreeMap<(String, bool), Vec<EnvRead>> = BTreeMap::new();
    for (name, pattern, is_build, read) in reads {
        let map = if is_build { &mut build } else { &mut runtime };
        map.entry((name, pattern)).or_default().push(read);
    }
    scan.vars = into_vars(runtime);
    scan.build_time = into_vars(build);
    scan.dotenv_files = dotenv_files(files, &mut diags);
    diag::sort(&mut diags);
    scan.diagnostics = diags;
    scan
}

fn into_vars(map: BTreeMap<(String, bool), Vec<EnvRead>>) -> Vec<EnvVar> {
    map.into_iter()
        .map(|((name, pattern), mut reads)| {
            reads.sort_by(|a, b| {
                (&a.file, a.line, a.column, &a.how).cmp(&(&b.file, b.line, b.column, &b.how))
            });
            reads.dedup();
            let any_live = reads.iter().any(|r| !r.test);
            let counted = || reads.iter().filter(move |r| !any_live || !r.test);
            let required = counted().any(|r| r.required);
            let default = counted()
                .find_map(|r| r.default.clone())
                .or_else(|| reads.iter().find_map(|r| r.default.clone()));
            EnvVar {
                name,
                pattern,
                required,
                default,
                reads,
            }
        })
        .collect()
}

fn is_build_script(ws: &Workspace, file: &WalkedFile) -> bool {
    ws.package_of(&file.abs).is_some_and(|p| {
        p.targets
            .iter()
            .any(|t| t.kinds.iter().any(|k| k == "custom-build") && t.src_path == file.abs)
            || file.abs == p.root().join("build.rs")
    })
}

// ---------------------------------------------------------------------------
// Constants: `const NAME: &str = "…";`, so that `env::var(NAME)` resolves.

#[derive(Default)]
struct Consts {
    /// `None` when two constants of that name have different values.
    map: BTreeMap<String, Option<String>>,
}

impl Consts {
    fn collect(&mut self, file: &syn::File) {
        struct V<'c>(&'c mut Consts);
        impl<'ast> Visit<'ast> for V<'_> {
            fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
                self.0.add(c.ident.to_string(), &c.expr);
            }
            fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
                self.0.add(s.ident.to_string(), &s.expr);
            }
            fn visit_impl_item_const(&mut self, c: &'ast syn::ImplItemConst) {
                self.0.add(c.ident.to_string(), &c.expr);
            }
        }
        V(self).visit_file(file);
    }

    fn add(&mut self, name: String, expr: &Expr) {
        let value = match expr {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => s.value(),
                syn::Lit::Int(i) => i.base10_digits().to_string(),
                syn::Lit::Float(f) => f.base10_digits().to_string(),
                syn::Lit::Bool(b) => b.value().to_string(),
                _ => return,
            },
            other => match lit_str(other) {
                Some((s, _)) => s,
                None => return,
            },
        };
        match self.map.get(&name) {
            Some(Some(v)) if *v != value => {
                self.map.insert(name, None);
            }
            Some(_) => {}
            None => {
                self.map.insert(name, Some(value));
            }
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).and_then(|v| v.as_deref())
    }
}

fn defines_struct(file: &syn::File, name: &str) -> bool {
    find_structs(file, name).next().is_some()
}

/// Structs named `name` anywhere in the file, inline modules included.
fn find_structs<'a>(
    file: &'a syn::File,
    name: &'a str,
) -> impl Iterator<Item = &'a syn::ItemStruct> + 'a {
    struct V<'ast>(Vec<&'ast syn::ItemStruct>);
    impl<'ast> Visit<'ast> for V<'ast> {
        fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
            self.0.push(s);
        }
    }
    let mut v = V(Vec::new());
    v.visit_file(file);
    v.0.into_iter().filter(move |s| s.ident == name)
}

// ---------------------------------------------------------------------------
// The visitor.

enum NameRef {
    Known(String),
    /// A constant's name, and the expression's text for messages.
    Const(String, String),
}

enum DefaultVal {
    Text(String),
    /// A constant's name, and the expression's text when it cannot be found.
    Const(String, String),
}

struct Raw {
    name: NameRef,
    pattern: bool,
    build_script: bool,
    default: Option<DefaultVal>,
    read: EnvRead,
}

/// An `envy::from_env::<T>()` (or `prefixed(…)`) call, to be expanded into
/// the fields of `T`.
struct EnvyReq {
    ty: String,
    prefix: String,
    file: String,
    line: usize,
    column: usize,
    test: bool,
    build_script: bool,
}

/// A postfix operation applied to a read: `.method(…)`, `?` or `.await`.
enum Op<'e> {
    Method(&'e syn::ExprMethodCall),
    Try,
    Await,
}

/// `a.b().c()?` → (`a`, [`.b()`, `.c()`, `?`]).
fn flatten_chain(mut e: &Expr) -> (&Expr, Vec<Op<'_>>) {
    let mut ops = Vec::new();
    loop {
        match e {
            Expr::MethodCall(m) => {
                ops.push(Op::Method(m));
                e = &m.receiver;
            }
            Expr::Try(t) => {
                ops.push(Op::Try);
                e = &t.expr;
            }
            Expr::Await(a) => {
                ops.push(Op::Await);
                e = &a.base;
            }
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => break,
        }
    }
    ops.reverse();
    (e, ops)
}

/// The kinds of reads a chain can start with.
enum Src<'e> {
    /// A function taking the variable's name: `std::env::var(NAME)`.
    Var { how: &'static str, arg: &'e Expr },
    /// figment's `Env::var_or(NAME, DEFAULT)`.
    VarOr {
        how: &'static str,
        arg: &'e Expr,
        default: &'e Expr,
    },
    /// A read of a fixed variable: `EnvFilter::from_default_env()`.
    Fixed {
        how: &'static str,
        name: &'static str,
    },
    /// `env!(…)` / `option_env!(…)`.
    Macro {
        how: &'static str,
        args: Vec<Expr>,
        span: proc_macro2::Span,
    },
    /// `envy::from_env::<T>()` or `envy::prefixed(P)`.
    Envy {
        prefix: Option<&'e Expr>,
        turbofish: Option<&'e Type>,
    },
    /// `config::Environment::with_prefix(P)` / `::default()`.
    ConfigEnv { prefix: Option<&'e Expr> },
    /// figment's `Env::prefixed(P)` / `Env::raw()`.
    FigmentEnv { prefix: Option<&'e Expr> },
    /// clap's builder: `Arg::new(…)…env(NAME)`.
    ClapArg,
}

/// How the code around a read treats a missing variable.
struct Fallback {
    default: Option<DefaultVal>,
    required: bool,
    /// The chain itself said so; a surrounding `match` need not be looked at.
    decided: bool,
}

/// What surrounds the chain.
enum Ctx<'e> {
    None,
    /// `match <chain> { … }`
    Match(&'e [syn::Arm]),
    /// `if let … = <chain> { … } else { … }`
    IfLet(Option<&'e Expr>),
    /// `let <pat>: <ty> = <chain> [else { … }];`
    Local {
        ty: Option<&'e Type>,
    },
}

struct Visitor<'a> {
    rel: &'a str,
    text: &'a str,
    imports: Imports,
    consts: &'a Consts,
    test_file: bool,
    test_depth: usize,
    build_script: bool,
    /// Return types of the enclosing functions (innermost last).
    fn_returns: Vec<Option<Type>>,
    /// Self types of the enclosing impls.
    impl_selfs: Vec<Option<String>>,
    /// Start positions of the chains already recorded.
    seen: HashSet<(usize, usize)>,
    raws: Vec<Raw>,
    envy: Vec<EnvyReq>,
    diags: Vec<Diagnostic>,
}

impl<'a> Visitor<'a> {
    fn new(p: &'a Parsed<'a>, consts: &'a Consts, build_script: bool) -> Self {
        Visitor {
            rel: &p.file.rel,
            text: &p.text,
            imports: Imports::of(&p.ast),
            consts,
            test_file: is_test_path(&p.file.rel),
            test_depth: 0,
            build_script,
            fn_returns: Vec::new(),
            impl_selfs: Vec::new(),
            seen: HashSet::new(),
            raws: Vec::new(),
            envy: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn in_test(&self) -> bool {
        self.test_file || self.test_depth > 0
    }

    /// The resolved path of `path`, and the glob-based alternatives when its
    /// first segment was not imported by name.
    fn candidates(&self, path: &syn::Path) -> Vec<Vec<String>> {
        let mut out = vec![self.imports.resolve(path)];
        let segs = super::path_segments(path);
        if path.leading_colon.is_none() && segs.first().is_some_and(|s| !self.imports.has(s)) {
            for g in self.imports.globs() {
                let mut full = g.clone();
                full.extend(segs.iter().cloned());
                out.push(full);
            }
        }
        out
    }

    fn classify<'e>(&self, e: &'e Expr) -> Option<Src<'e>> {
        match e {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return None;
                };
                let args: Vec<&Expr> = c.args.iter().collect();
                for segs in self.candidates(&p.path) {
                    if let Some(src) = classify_call(&segs, &p.path, &args) {
                        return Some(src);
                    }
                }
                None
            }
            Expr::Macro(m) => self.classify_macro(&m.mac),
            _ => None,
        }
    }

    fn classify_macro<'e>(&self, mac: &syn::Macro) -> Option<Src<'e>> {
        let segs = self.imports.resolve(&mac.path);
        let how = match segs.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["env"] | ["std", "env"] | ["core", "env"] => "env!",
            ["option_env"] | ["std", "option_env"] | ["core", "option_env"] => "option_env!",
            _ => return None,
        };
        Some(Src::Macro {
            how,
            args: macro_args(mac).unwrap_or_default(),
            span: mac.path.span(),
        })
    }

    /// Records the read a chain starts with, if it starts with one.
    fn chain(&mut self, whole: &Expr, ctx: Ctx<'_>) {
        let (base, ops) = flatten_chain(whole);
        let Some(src) = self.classify(base) else {
            return;
        };
        let pos = line_col(base.span());
        if !self.seen.insert(pos) {
            return;
        }
        self.record(src, pos, &ops, ctx);
    }

    fn record(&mut self, src: Src<'_>, pos: (usize, usize), ops: &[Op<'_>], ctx: Ctx<'_>) {
        let test = self.in_test();
        let base_read = |how: &str| EnvRead {
            file: self.rel.to_string(),
            line: pos.0,
            column: pos.1,
            how: how.to_string(),
            default: None,
            required: false,
            test,
            note: None,
        };
        match src {
            Src::Var { how, arg } => {
                let Some(name) = self.name_of(arg, how, pos) else {
                    return;
                };
                let fb = self.fallback(ops, &ctx);
                let read = EnvRead {
                    required: fb.required,
                    ..base_read(how)
                };
                self.push(name, false, fb.default, read);
            }
            Src::VarOr { how, arg, default } => {
                let Some(name) = self.name_of(arg, how, pos) else {
                    return;
                };
                let d = self.default_val(default);
                self.push(name, false, Some(d), base_read(how));
            }
            Src::Fixed { how, name } => {
                // Without `?`, `.unwrap()` or `.expect(…)` the filter falls
                // back to its own default when the variable is unset.
                let fb = self.fallback(ops, &ctx);
                let required = fb.decided && fb.required;
                let read = EnvRead {
                    required,
                    ..base_read(how)
                };
                self.push(NameRef::Known(name.to_string()), false, fb.default, read);
            }
            Src::Macro { how, args, span } => {
                let Some(first) = args.first() else {
                    return;
                };
                let pos = line_col(span);
                let Some(name) = self.name_of(first, how, pos) else {
                    return;
                };
                let (default, required) = if how == "env!" {
                    (None, true)
                } else {
                    let fb = self.fallback(ops, &ctx);
                    let required = fb.decided && fb.required;
                    (fb.default, required)
                };
                let read = EnvRead {
                    line: pos.0,
                    column: pos.1,
                    required,
                    ..base_read(how)
                };
                self.push(name, false, default, read);
            }
            Src::Envy { prefix, turbofish } => {
                let prefix = match prefix {
                    Some(p) => match self.string_value(p) {
                        Some(s) => s,
                        None => return,
                    },
                    None => String::new(),
                };
                let ty = turbofish
                    .or_else(|| ops.iter().find_map(from_env_turbofish))
                    .or(match &ctx {
                        Ctx::Local { ty, .. } => *ty,
                        _ => None,
                    })
                    .and_then(|t| self.type_name(t))
                    .or_else(|| {
                        let ret = self.fn_returns.last()?.as_ref()?;
                        self.type_name(ret)
                    });
                let Some(ty) = ty else {
                    self.diags.push(
                        Diagnostic::new(
                            "envy-type-unknown",
                            Level::Note,
                            "`envy` fills a struct from the environment, but which one is not written here",
                        )
                        .in_file(self.rel)
                        .at(Span::line_only(pos.0, pos.1))
                        .with_help("write the type as `envy::from_env::<Config>()` so its fields can be listed"),
                    );
                    return;
                };
                self.envy.push(EnvyReq {
                    ty,
                    prefix,
                    file: self.rel.to_string(),
                    line: pos.0,
                    column: pos.1,
                    test,
                    build_script: self.build_script,
                });
            }
            Src::ConfigEnv { prefix } => {
                let mut sep = None;
                let mut prefix_sep = None;
                let mut prefix = prefix.and_then(|p| self.string_value(p));
                for op in ops {
                    if let Op::Method(m) = op {
                        let arg = m.args.first().and_then(|a| self.string_value(a));
                        match m.method.to_string().as_str() {
                            "separator" => sep = arg,
                            "prefix_separator" => prefix_sep = arg,
                            "prefix" => prefix = arg,
                            _ => {}
                        }
                    }
                }
                let (name, mut note) = match &prefix {
                    Some(p) => {
                        let ps = prefix_sep.or(sep.clone()).unwrap_or_else(|| "_".into());
                        let name = format!("{p}{ps}*");
                        let note = format!(
                            "config::Environment: every variable named `{name}` overrides the setting of the same name (lower-cased, without the prefix)"
                        );
                        (name, note)
                    }
                    None => (
                        "*".to_string(),
                        "config::Environment without a prefix: every variable overrides the setting of the same name (lower-cased)".to_string(),
                    ),
                };
                if let Some(s) = sep {
                    note.push_str(&format!("; nested keys are separated by `{s}`"));
                }
                let read = EnvRead {
                    note: Some(note),
                    ..base_read("config")
                };
                self.push(NameRef::Known(name), true, None, read);
            }
            Src::FigmentEnv { prefix } => {
                let prefix = prefix.and_then(|p| self.string_value(p));
                let split = ops.iter().find_map(|o| match o {
                    Op::Method(m) if m.method == "split" => {
                        m.args.first().and_then(|a| self.string_value(a))
                    }
                    _ => None,
                });
                let (name, mut note) = match &prefix {
                    Some(p) => (
                        format!("{p}*"),
                        format!(
                            "figment Env::prefixed: every variable starting with `{p}` sets the key named by the rest (lower-cased)"
                        ),
                    ),
                    None => (
                        "*".to_string(),
                        "figment Env::raw: every variable sets the key of the same name (lower-cased)"
                            .to_string(),
                    ),
                };
                if let Some(s) = split {
                    note.push_str(&format!("; nested keys are separated by `{s}`"));
                }
                let read = EnvRead {
                    note: Some(note),
                    ..base_read("figment")
                };
                self.push(NameRef::Known(name), true, None, read);
            }
            Src::ClapArg => {
                let mut name = None;
                let mut default = None;
                let mut required = false;
                for op in ops {
                    let Op::Method(m) = op else { continue };
                    let first = m.args.first();
                    match m.method.to_string().as_str() {
                        "env" => {
                            if let Some(a) = first {
                                name = self.name_of(a, "clap", line_col(a.span()));
                            }
                        }
                        "default_value" | "default_value_os" => {
                            default = first.map(|a| self.default_val(a));
                        }
                        "required" => {
                            required = matches!(first, Some(Expr::Lit(l)) if matches!(&l.lit, syn::Lit::Bool(b) if b.value()));
                        }
                        _ => {}
                    }
                }
                if let Some(name) = name {
                    let read = EnvRead {
                        required: required && default.is_none(),
                        ..base_read("clap")
                    };
                    self.push(name, false, default, read);
                }
            }
        }
    }

    fn push(&mut self, name: NameRef, pattern: bool, default: Option<DefaultVal>, read: EnvRead) {
        self.raws.push(Raw {
            name,
            pattern,
            build_script: self.build_script,
            default,
            read,
        });
    }

    /// The variable's name: a literal, or a constant resolved later.
    fn name_of(&mut self, arg: &Expr, how: &str, pos: (usize, usize)) -> Option<NameRef> {
        if let Some((s, _)) = lit_str(arg) {
            return Some(NameRef::Known(s));
        }
        let mut e = arg;
        while let Expr::Reference(r) = e {
            e = &r.expr;
        }
        if let Expr::Path(p) = e
            && let Some(last) = p.path.segments.last()
        {
            let text = span_text(self.text, p.span()).unwrap_or_else(|| last.ident.to_string());
            return Some(NameRef::Const(last.ident.to_string(), text));
        }
        let text = span_text(self.text, arg.span()).unwrap_or_default();
        self.diags.push(
            Diagnostic::new(
                "env-var-name-dynamic",
                Level::Note,
                format!("`{how}` reads a variable whose name is computed: `{text}`"),
            )
            .in_file(self.rel)
            .at(Span::line_only(pos.0, pos.1))
            .with_help("list the variable in `.env.example` so that it is documented"),
        );
        None
    }

    /// A string argument (a literal or a known constant).
    fn string_value(&self, e: &Expr) -> Option<String> {
        if let Some((s, _)) = lit_str(e) {
            return Some(s);
        }
        if let Expr::Path(p) = e {
            let last = p.path.segments.last()?;
            return self.consts.get(&last.ident.to_string()).map(str::to_string);
        }
        None
    }

    /// The struct a type names: `Config`, `Self`, `Result<Config, _>`.
    fn type_name(&self, ty: &Type) -> Option<String> {
        match ty {
            Type::Path(p) => {
                let last = p.path.segments.last()?;
                let name = last.ident.to_string();
                if matches!(name.as_str(), "Result" | "Option" | "Box" | "Arc") {
                    if let syn::PathArguments::AngleBracketed(a) = &last.arguments
                        && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
                    {
                        return self.type_name(inner);
                    }
                    return None;
                }
                if name == "Self" {
                    return self.impl_selfs.last().cloned().flatten();
                }
                Some(name)
            }
            Type::Paren(p) => self.type_name(&p.elem),
            Type::Group(g) => self.type_name(&g.elem),
            _ => None,
        }
    }

    fn default_val(&self, e: &Expr) -> DefaultVal {
        match strip(e) {
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                let text = span_text(self.text, p.span()).unwrap_or_else(|| name.clone());
                match self.consts.get(&name) {
                    Some(v) => DefaultVal::Text(v.to_string()),
                    None => DefaultVal::Const(name, text),
                }
            }
            _ => DefaultVal::Text(default_text(self.text, e, self.consts)),
        }
    }

    /// What the method chain (and the code around it) does without the variable.
    fn fallback(&self, ops: &[Op<'_>], ctx: &Ctx<'_>) -> Fallback {
        let mut optional = false;
        for (i, op) in ops.iter().enumerate() {
            let m = match op {
                Op::Try => {
                    return Fallback {
                        default: None,
                        required: true,
                        decided: true,
                    };
                }
                Op::Await => continue,
                Op::Method(m) => m,
            };
            let first = m.args.first();
            let with_default = |d: Option<DefaultVal>| Fallback {
                default: d,
                required: false,
                decided: true,
            };
            match m.method.to_string().as_str() {
                "unwrap_or" | "map_or" => return with_default(first.map(|a| self.default_val(a))),
                "unwrap_or_else" | "map_or_else" => {
                    let Some(a) = first else {
                        return with_default(None);
                    };
                    let body = closure_body(a);
                    if diverges(body) {
                        return Fallback {
                            default: None,
                            required: true,
                            decided: true,
                        };
                    }
                    if let Expr::Closure(_) = strip(a) {
                        return with_default(Some(self.default_val(body)));
                    }
                    // A function called with the error: its name.
                    return with_default(Some(DefaultVal::Text(format!(
                        "{}(…)",
                        span_text(self.text, a.span()).unwrap_or_default()
                    ))));
                }
                "unwrap_or_default" => {
                    let d = if i == 0 { "" } else { "Default::default()" };
                    return with_default(Some(DefaultVal::Text(d.to_string())));
                }
                "is_ok" | "is_err" | "is_some" | "is_none" | "is_ok_and" | "is_some_and"
                | "is_none_or" | "is_err_and" => return with_default(None),
                "ok" | "or" | "or_else" => optional = true,
                "ok_or" | "ok_or_else" => optional = false,
                "expect" | "unwrap" | "unwrap_unchecked" => {
                    return Fallback {
                        default: None,
                        required: true,
                        decided: true,
                    };
                }
                _ => {}
            }
        }
        if optional {
            return Fallback {
                default: None,
                required: false,
                decided: true,
            };
        }
        match ctx {
            Ctx::Match(arms) => {
                for arm in *arms {
                    if !is_missing_pattern(&arm.pat) {
                        continue;
                    }
                    if diverges(&arm.body) {
                        return Fallback {
                            default: None,
                            required: true,
                            decided: false,
                        };
                    }
                    return Fallback {
                        default: Some(self.default_val(&arm.body)),
                        required: false,
                        decided: false,
                    };
                }
                Fallback {
                    default: None,
                    required: true,
                    decided: false,
                }
            }
            Ctx::IfLet(else_branch) => {
                let default = else_branch
                    .map(block_value)
                    .filter(|e| !diverges(e))
                    .filter(|e| !matches!(e, Expr::Block(_) | Expr::If(_)))
                    .map(|e| self.default_val(e));
                Fallback {
                    default,
                    required: else_branch.is_some_and(|e| diverges(block_value(e))),
                    decided: false,
                }
            }
            // No fallback in sight (and `let … else` diverges anyway).
            Ctx::Local { .. } | Ctx::None => Fallback {
                default: None,
                required: true,
                decided: false,
            },
        }
    }

    fn clap_field(&mut self, field: &syn::Field) {
        let Some(ident) = &field.ident else { return };
        for attr in &field.attrs {
            let p = attr.path();
            if !(p.is_ident("arg") || p.is_ident("clap")) {
                continue;
            }
            let Ok(list) = attr.meta.require_list() else {
                continue;
            };
            let kv = key_values(&list.tokens);
            let Some((_, env_val)) = kv.iter().find(|(k, _)| k == "env") else {
                continue;
            };
            let field_name = ident.to_string();
            let field_name = field_name.trim_start_matches("r#");
            let pos = line_col(attr.span());
            let name = match env_val {
                None => NameRef::Known(field_name.to_uppercase()),
                Some(e) => match self.name_of(e, "clap", pos) {
                    Some(n) => n,
                    None => continue,
                },
            };
            let mut default = None;
            let mut explicit_required = None;
            for (k, v) in &kv {
                match (k.as_str(), v) {
                    (
                        "default_value" | "default_value_os" | "default_value_t"
                        | "default_values_t" | "default_value_os_t" | "default_values",
                        Some(v),
                    ) => {
                        default = Some(self.default_val(v));
                    }
                    ("default_value_t" | "default_value_os_t", None) => {
                        default = Some(DefaultVal::Text("Default::default()".into()));
                    }
                    ("required", v) => {
                        explicit_required = Some(match v {
                            None => true,
                            Some(Expr::Lit(l)) => matches!(&l.lit, syn::Lit::Bool(b) if b.value()),
                            Some(_) => false,
                        });
                    }
                    _ => {}
                }
            }
            let optional_type = matches!(
                outer_type_name(&field.ty).as_deref(),
                Some("Option" | "bool" | "Vec")
            );
            let required = default.is_none() && explicit_required.unwrap_or(!optional_type);
            let read = EnvRead {
                file: self.rel.to_string(),
                line: pos.0,
                column: pos.1,
                how: "clap".to_string(),
                default: None,
                required,
                test: self.in_test(),
                note: Some(format!("command-line argument `{field_name}`")),
            };
            self.push(name, false, default, read);
        }
    }
}

/// The turbofish of `.from_env::<T>()`.
fn from_env_turbofish<'e>(op: &Op<'e>) -> Option<&'e Type> {
    let Op::Method(m) = op else { return None };
    if m.method != "from_env" && m.method != "from_iter" {
        return None;
    }
    match m.turbofish.as_ref()?.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn classify_call<'e>(segs: &[String], path: &'e syn::Path, args: &[&'e Expr]) -> Option<Src<'e>> {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let n = s.len();
    let last = *s.last()?;
    let first_arg = args.first().copied();
    let tail2 = if n >= 2 { Some((s[n - 2], last)) } else { None };
    // std::env::var and var_os, however they were imported.
    if matches!(
        s[..],
        ["std", "env", "var" | "var_os"] | ["env", "var" | "var_os"]
    ) {
        let how = if last == "var" {
            "std::env::var"
        } else {
            "std::env::var_os"
        };
        return Some(Src::Var {
            how,
            arg: first_arg?,
        });
    }
    match s[..] {
        ["dotenvy", "var"] => {
            return Some(Src::Var {
                how: "dotenvy::var",
                arg: first_arg?,
            });
        }
        ["dotenv", "var"] => {
            return Some(Src::Var {
                how: "dotenv::var",
                arg: first_arg?,
            });
        }
        ["envy", "from_env"] => {
            let turbofish = match &path.segments.last()?.arguments {
                syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                    Some(syn::GenericArgument::Type(t)) => Some(t),
                    _ => None,
                },
                _ => None,
            };
            return Some(Src::Envy {
                prefix: None,
                turbofish,
            });
        }
        ["envy", "prefixed"] => {
            return Some(Src::Envy {
                prefix: Some(first_arg?),
                turbofish: None,
            });
        }
        ["env_logger", "init" | "try_init"] => {
            return Some(Src::Fixed {
                how: "env_logger",
                name: "RUST_LOG",
            });
        }
        _ => {}
    }
    if s.first() == Some(&"config") && s.contains(&"Environment") {
        return match last {
            "with_prefix" => Some(Src::ConfigEnv {
                prefix: Some(first_arg?),
            }),
            "default" | "new" => Some(Src::ConfigEnv { prefix: None }),
            _ => None,
        };
    }
    if s.first() == Some(&"figment") && tail2.is_some_and(|(t, _)| t == "Env") {
        return match last {
            "prefixed" => Some(Src::FigmentEnv {
                prefix: Some(first_arg?),
            }),
            "raw" => Some(Src::FigmentEnv { prefix: None }),
            "var" => Some(Src::Var {
                how: "figment",
                arg: first_arg?,
            }),
            "var_or" => Some(Src::VarOr {
                how: "figment",
                arg: first_arg?,
                default: args.get(1)?,
            }),
            _ => None,
        };
    }
    match tail2 {
        Some(("EnvFilter", "from_default_env" | "try_from_default_env")) => Some(Src::Fixed {
            how: "tracing-subscriber",
            name: "RUST_LOG",
        }),
        Some(("EnvFilter", "from_env" | "try_from_env")) => Some(Src::Var {
            how: "tracing-subscriber",
            arg: first_arg?,
        }),
        Some(("Arg", "new" | "with_name")) => Some(Src::ClapArg),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Match(m) => self.chain(&m.expr, Ctx::Match(&m.arms)),
            Expr::If(i) => {
                if let Expr::Let(l) = &*i.cond {
                    self.chain(
                        &l.expr,
                        Ctx::IfLet(i.else_branch.as_ref().map(|(_, e)| &**e)),
                    );
                }
            }
            Expr::Let(l) => self.chain(&l.expr, Ctx::IfLet(None)),
            Expr::MethodCall(_)
            | Expr::Try(_)
            | Expr::Await(_)
            | Expr::Call(_)
            | Expr::Macro(_)
            | Expr::Paren(_) => self.chain(e, Ctx::None),
            _ => {}
        }
        visit::visit_expr(self, e);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            let ty = match &l.pat {
                syn::Pat::Type(t) => Some(&*t.ty),
                _ => None,
            };
            self.chain(&init.expr, Ctx::Local { ty });
        }
        visit::visit_local(self, l);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(src) = self.classify_macro(mac) {
            let pos = line_col(mac.path.span());
            if self.seen.insert(pos) {
                self.record(src, pos, &[], Ctx::None);
            }
            return;
        }
        if mac.path.is_ident("macro_rules") {
            return;
        }
        // The arguments of `format!`, `info!`, `json!`…, when they are
        // expressions.
        if let Some(args) = macro_args(mac) {
            for a in &args {
                self.visit_expr(a);
            }
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let test = is_test_item(&f.attrs);
        self.test_depth += usize::from(test);
        self.fn_returns.push(return_type(&f.sig));
        visit::visit_item_fn(self, f);
        self.fn_returns.pop();
        self.test_depth -= usize::from(test);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let test = is_test_item(&f.attrs);
        self.test_depth += usize::from(test);
        self.fn_returns.push(return_type(&f.sig));
        visit::visit_impl_item_fn(self, f);
        self.fn_returns.pop();
        self.test_depth -= usize::from(test);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        // A closure's own return type, or none: the enclosing fn's is not it.
        self.fn_returns.push(match &c.output {
            syn::ReturnType::Type(_, t) => Some((**t).clone()),
            syn::ReturnType::Default => None,
        });
        visit::visit_expr_closure(self, c);
        self.fn_returns.pop();
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let name = match &*i.self_ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        self.impl_selfs.push(name);
        visit::visit_item_impl(self, i);
        self.impl_selfs.pop();
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = is_test_item(&m.attrs);
        self.test_depth += usize::from(test);
        visit::visit_item_mod(self, m);
        self.test_depth -= usize::from(test);
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        self.clap_field(f);
        visit::visit_field(self, f);
    }
}

fn return_type(sig: &syn::Signature) -> Option<Type> {
    match &sig.output {
        syn::ReturnType::Type(_, t) => Some((**t).clone()),
        syn::ReturnType::Default => None,
    }
}

/// `Option<…>` → `Option`.
fn outer_type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Group(g) => outer_type_name(&g.elem),
        Type::Paren(p) => outer_type_name(&p.elem),
        _ => None,
    }
}

fn strip(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => return e,
        }
    }
}

/// The body of `|_| body`, or the expression itself.
fn closure_body(e: &Expr) -> &Expr {
    match strip(e) {
        Expr::Closure(c) => block_value(&c.body),
        other => other,
    }
}

/// `{ expr }` → `expr`.
fn block_value(e: &Expr) -> &Expr {
    match strip(e) {
        Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            syn::Stmt::Expr(inner, None) => block_value(inner),
            syn::Stmt::Macro(_) => e,
            _ => e,
        },
        other => other,
    }
}

/// Code that does not produce a value: it panics, returns or exits.
fn diverges(e: &Expr) -> bool {
    match strip(e) {
        Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
            )
        }),
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) | Expr::Try(_) => true,
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let segs = super::path_segments(&p.path);
                segs.last().is_some_and(|l| l == "exit")
                    && (segs.len() == 1 || segs.iter().any(|s| s == "process"))
            }
            _ => false,
        },
        Expr::Block(b) => b.block.stmts.last().is_some_and(|s| match s {
            syn::Stmt::Expr(e, _) => diverges(e),
            syn::Stmt::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
                )
            }),
            _ => false,
        }),
        _ => false,
    }
}

/// `Err(_)`, `Err(e)`, `None`, `_`: the arm taken when the variable is missing.
fn is_missing_pattern(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Wild(_) => true,
        syn::Pat::TupleStruct(t) => t.path.segments.last().is_some_and(|s| s.ident == "Err"),
        syn::Pat::Ident(i) => i.ident == "None",
        syn::Pat::Path(pp) => pp.path.segments.last().is_some_and(|s| s.ident == "None"),
        syn::Pat::Or(o) => o.cases.iter().any(is_missing_pattern),
        _ => false,
    }
}

/// A default as a person would write it in `config.md`: a literal's value,
/// through `.to_string()`, `.into()`, `String::from(…)`, `Some(…)`; else the
/// expression's text.
fn default_text(text: &str, e: &Expr, consts: &Consts) -> String {
    literal_value(e, consts).unwrap_or_else(|| {
        span_text(text, e.span())
            .map(|s| collapse_ws(&s))
            .unwrap_or_default()
    })
}

fn literal_value(e: &Expr, consts: &Consts) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => Some(s.value()),
            syn::Lit::Int(i) => Some(i.base10_digits().to_string()),
            syn::Lit::Float(f) => Some(f.base10_digits().to_string()),
            syn::Lit::Bool(b) => Some(b.value().to_string()),
            syn::Lit::Char(c) => Some(c.value().to_string()),
            _ => None,
        },
        Expr::Reference(r) => literal_value(&r.expr, consts),
        Expr::Paren(p) => literal_value(&p.expr, consts),
        Expr::Group(g) => literal_value(&g.expr, consts),
        Expr::Block(_) => {
            let inner = block_value(e);
            if std::ptr::eq(inner, e) {
                None
            } else {
                literal_value(inner, consts)
            }
        }
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into" | "clone" | "to_str" | "as_str"
                ) =>
        {
            literal_value(&m.receiver, consts)
        }
        Expr::Call(c) if c.args.len() == 1 => {
            let Expr::Path(p) = &*c.func else { return None };
            let segs = super::path_segments(&p.path);
            let last = segs.last()?;
            if last == "from" || last == "Some" || (last == "new" && segs.len() >= 2) {
                literal_value(&c.args[0], consts)
            } else {
                None
            }
        }
        Expr::Macro(m) if m.mac.path.is_ident("format") => {
            let args = macro_args(&m.mac)?;
            match &args[..] {
                [only] => literal_value(only, consts),
                _ => None,
            }
        }
        Expr::Path(p) if p.path.segments.len() == 1 => consts
            .get(&p.path.segments[0].ident.to_string())
            .map(str::to_string),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// envy: the fields of the struct it fills.

fn resolve_envy(
    ws: &Workspace,
    req: &EnvyReq,
    parsed: &[Parsed],
    consts: &Consts,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, bool, bool, EnvRead)> {
    // The struct in the same file, else the same package, else anywhere.
    let pkg_of = |rel: &str| {
        parsed
            .iter()
            .find(|p| p.file.rel == rel)
            .and_then(|p| ws.package_of(&p.file.abs))
            .map(|p| p.name.clone())
    };
    let call_pkg = pkg_of(&req.file);
    let mut found: Vec<(u8, &Parsed, &syn::ItemStruct)> = Vec::new();
    for p in parsed {
        for s in find_structs(&p.ast, &req.ty) {
            let rank = if p.file.rel == req.file {
                0
            } else if ws.package_of(&p.file.abs).map(|p| p.name.clone()) == call_pkg {
                1
            } else {
                2
            };
            found.push((rank, p, s));
        }
    }
    found.sort_by(|a, b| (a.0, &a.1.file.rel).cmp(&(b.0, &b.1.file.rel)));
    let Some((_, p, s)) = found.first() else {
        diags.push(
            Diagnostic::new(
                "envy-struct-not-found",
                Level::Note,
                format!(
                    "`envy` fills `{}` from the environment, but that struct is not in the workspace",
                    req.ty
                ),
            )
            .in_file(&req.file)
            .at(Span::line_only(req.line, req.column)),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen_structs = HashSet::new();
    envy_fields(req, p, s, parsed, consts, &mut seen_structs, &mut out);
    out
}

fn envy_fields(
    req: &EnvyReq,
    p: &Parsed,
    s: &syn::ItemStruct,
    parsed: &[Parsed],
    consts: &Consts,
    seen: &mut HashSet<String>,
    out: &mut Vec<(String, bool, bool, EnvRead)>,
) {
    if !seen.insert(s.ident.to_string()) {
        return;
    }
    let syn::Fields::Named(named) = &s.fields else {
        return;
    };
    let struct_default = serde_args(&s.attrs).iter().any(|(k, _)| k == "default");
    let defaults_impl = if struct_default {
        default_impl_fields(&p.ast, &s.ident.to_string())
    } else {
        BTreeMap::new()
    };
    for field in &named.named {
        let Some(ident) = &field.ident else { continue };
        let field_name = ident.to_string().trim_start_matches("r#").to_string();
        let args = serde_args(&field.attrs);
        if args
            .iter()
            .any(|(k, _)| k == "skip" || k == "skip_deserializing")
        {
            continue;
        }
        if args.iter().any(|(k, _)| k == "flatten") {
            if let Some(inner) = outer_type_name(&field.ty) {
                let target = parsed
                    .iter()
                    .flat_map(|pp| find_structs(&pp.ast, &inner).map(move |st| (pp, st)))
                    .next();
                if let Some((pp, st)) = target {
                    envy_fields(req, pp, st, parsed, consts, seen, out);
                }
            }
            continue;
        }
        let key = args
            .iter()
            .find_map(|(k, v)| {
                (k == "rename" || k == "alias")
                    .then(|| v.as_ref().and_then(lit_str).map(|(s, _)| s))
                    .flatten()
            })
            .unwrap_or_else(|| field_name.clone());
        let name = format!("{}{}", req.prefix, key.to_uppercase());
        let mut default = None;
        let mut has_default = struct_default;
        for (k, v) in &args {
            if k != "default" {
                continue;
            }
            has_default = true;
            default = match v.as_ref().and_then(lit_str) {
                Some((path, _)) => Some(
                    default_fn_value(parsed, &path, consts).unwrap_or_else(|| format!("{path}()")),
                ),
                None => Some("Default::default()".to_string()),
            };
        }
        if default.is_none() && struct_default {
            default = defaults_impl
                .get(&field_name)
                .map(|e| default_text(&p.text, e, consts));
        }
        let optional = outer_type_name(&field.ty).as_deref() == Some("Option");
        let (line, column) = line_col(ident.span());
        let via = if req.prefix.is_empty() {
            "envy::from_env".to_string()
        } else {
            format!("envy::prefixed(\"{}\")", req.prefix)
        };
        let read = EnvRead {
            file: p.file.rel.clone(),
            line,
            column,
            how: "envy".to_string(),
            default,
            required: !optional && !has_default,
            test: req.test,
            note: Some(format!(
                "field `{field_name}` of `{}`, read by {via} at {}:{}",
                s.ident, req.file, req.line
            )),
        };
        out.push((name, false, req.build_script, read));
    }
}

/// The arguments of every `#[serde(…)]`.
fn serde_args(attrs: &[syn::Attribute]) -> Vec<(String, Option<Expr>)> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| a.meta.require_list().ok())
        .flat_map(|l| key_values(&l.tokens))
        .collect()
}

/// The field values of `impl Default for Name { fn default() -> Self { Self { … } } }`.
fn default_impl_fields(file: &syn::File, name: &str) -> BTreeMap<String, Expr> {
    struct V<'n> {
        name: &'n str,
        out: BTreeMap<String, Expr>,
    }
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
            let is_default = i
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .is_some_and(|s| s.ident == "Default");
            let self_is = matches!(&*i.self_ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == self.name));
            if !(is_default && self_is) {
                return;
            }
            for item in &i.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                if f.sig.ident != "default" {
                    continue;
                }
                if let Some(syn::Stmt::Expr(Expr::Struct(st), None)) = f.block.stmts.last() {
                    for fv in &st.fields {
                        if let syn::Member::Named(n) = &fv.member {
                            self.out.insert(n.to_string(), fv.expr.clone());
                        }
                    }
                }
            }
        }
    }
    let mut v = V {
        name,
        out: BTreeMap::new(),
    };
    v.visit_file(file);
    v.out
}

/// The value of `fn default_port() -> u16 { 8080 }`, for
/// `#[serde(default = "default_port")]`.
fn default_fn_value(parsed: &[Parsed], path: &str, consts: &Consts) -> Option<String> {
    let fn_name = path.rsplit("::").next()?;
    struct V<'n> {
        name: &'n str,
        found: Option<Expr>,
    }
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            self.check(&f.sig, &f.block);
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            self.check(&f.sig, &f.block);
        }
    }
    impl V<'_> {
        fn check(&mut self, sig: &syn::Signature, block: &syn::Block) {
            if self.found.is_none()
                && sig.ident == self.name
                && sig.inputs.is_empty()
                && let [syn::Stmt::Expr(e, None)] = &block.stmts[..]
            {
                self.found = Some(e.clone());
            }
        }
    }
    for p in parsed {
        let mut v = V {
            name: fn_name,
            found: None,
        };
        v.visit_file(&p.ast);
        if let Some(e) = v.found {
            return Some(default_text(&p.text, &e, consts));
        }
    }
    None
}

// ---------------------------------------------------------------------------
// `.env` files.

fn dotenv_kind(file_name: &str) -> Option<bool> {
    let lower = file_name.to_ascii_lowercase();
    let is_dotenv = lower == ".env"
        || lower.starts_with(".env.")
        || lower == "env.example"
        || lower == "env.sample"
        || (lower.ends_with(".env") && lower.len() > 4);
    if !is_dotenv {
        return None;
    }
    let example = [
        "example", "sample", "template", "dist", "defaults", "tmpl", "tpl",
    ]
    .iter()
    .any(|w| lower.contains(w));
    Some(example)
}

fn dotenv_files(files: &Files, diags: &mut Vec<Diagnostic>) -> Vec<DotenvFile> {
    let mut out = Vec::new();
    for f in &files.files {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        let Some(example) = dotenv_kind(name) else {
            continue;
        };
        match source::read_text(f) {
            Ok(text) => out.push(parse_dotenv(&f.rel, &text, example, diags)),
            Err(d) => diags.push(d),
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Parses `KEY=value` lines; `export`, quotes and `#` comments are understood.
pub(crate) fn parse_dotenv(
    rel: &str,
    text: &str,
    example: bool,
    diags: &mut Vec<Diagnostic>,
) -> DotenvFile {
    let lines: Vec<&str> = text.lines().collect();
    let mut vars = Vec::new();
    let mut comment: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let raw = lines[i];
        i += 1;
        let t = raw.trim();
        if t.is_empty() {
            comment.clear();
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            comment.push(c.trim());
            continue;
        }
        let above = std::mem::take(&mut comment);
        let t = t.strip_prefix("export ").map(str::trim_start).unwrap_or(t);
        let Some((key, rest)) = t.split_once('=') else {
            diags.push(dotenv_problem(rel, line_no, raw, "expected `KEY=value`"));
            continue;
        };
        let key = key.trim();
        let valid = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
        if !valid {
            diags.push(dotenv_problem(
                rel,
                line_no,
                raw,
                &format!("`{key}` is not a variable name"),
            ));
            continue;
        }
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // A quoted value, possibly over several lines.
                let mut value = String::new();
                let mut body = rest[1..].to_string();
                loop {
                    if let Some(end) = closing_quote(&body, q) {
                        value.push_str(&body[..end]);
                        break;
                    }
                    value.push_str(&body);
                    if i >= lines.len() {
                        diags.push(dotenv_problem(rel, line_no, raw, "unclosed quote"));
                        break;
                    }
                    value.push('\n');
                    body = lines[i].to_string();
                    i += 1;
                }
                value
            }
            _ => {
                let cut = rest
                    .char_indices()
                    .find(|&(j, c)| {
                        c == '#' && (j == 0 || rest[..j].ends_with(char::is_whitespace))
                    })
                    .map_or(rest.len(), |(j, _)| j);
                rest[..cut].trim().to_string()
            }
        };
        vars.push(DotenvVar {
            name: key.to_string(),
            value_present: !value.is_empty(),
            value: example.then_some(value),
            line: line_no,
            comment: Some(above.join(" ").trim().to_string()).filter(|c| !c.is_empty()),
        });
    }
    DotenvFile {
        file: rel.to_string(),
        example,
        vars,
    }
}

fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && q == '"' {
            escaped = true;
        } else if c == q {
            return Some(i);
        }
    }
    None
}

fn dotenv_problem(rel: &str, line: usize, raw: &str, what: &str) -> Diagnostic {
    // Never echo the line: it may hold a secret.
    let _ = raw;
    Diagnostic::warning("dotenv-syntax", format!("`{rel}` line {line}: {what}"))
        .in_file(rel)
        .at(Span::line_only(line, 1))
        .with_help("each line is `KEY=value`, `export KEY=value` or a `#` comment")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::testutil::{self, TestWs};

    fn scan(files: &[(&str, &str)]) -> (TestWs, EnvScan) {
        let t = testutil::single(files);
        let s = env_vars(&t.ws, &t.files);
        (t, s)
    }

    fn var<'a>(s: &'a EnvScan, name: &str) -> &'a EnvVar {
        s.vars
            .iter()
            .find(|v| v.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:#?}", s.vars))
    }

    fn names(vars: &[EnvVar]) -> Vec<&str> {
        vars.iter().map(|v| v.name.as_str()).collect()
    }

    #[test]
    fn std_env_var_defaults_and_required() {
        let (_t, s) = scan(&[(
            "src/main.rs",
            r#"
use std::env;
use std::env::var as get;

const PORT_KEY: &str = "PORT";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::var("DATABASE_URL").expect("DATABASE_URL must be set");
    let redis = env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let port: u16 = env::var(PORT_KEY).ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let secret = get("JWT_SECRET")?;
    let level = env::var("LOG_LEVEL").unwrap_or_default();
    let home = env::var_os("HOME").is_some();
    let workers = match env::var("WORKERS") {
        Ok(w) => w,
        Err(_) => "4".to_string(),
    };
    let region = if let Ok(r) = env::var("REGION") { r } else { String::from("eu-west-1") };
    let must = env::var("MUST").unwrap_or_else(|_| panic!("MUST is required"));
    println!("{}", std::env::var("IN_MACRO").unwrap());
    Ok(())
}
"#,
        )]);
        let db = var(&s, "DATABASE_URL");
        assert!(db.required);
        assert_eq!(db.default, None);
        assert_eq!(db.reads[0].how, "std::env::var");
        assert_eq!((db.reads[0].line, db.reads[0].column), (8, 14));
        let redis = var(&s, "REDIS_URL");
        assert!(!redis.required);
        assert_eq!(redis.default.as_deref(), Some("redis://127.0.0.1:6379"));
        let port = var(&s, "PORT");
        assert!(!port.required);
        assert_eq!(port.default.as_deref(), Some("8080"));
        let secret = var(&s, "JWT_SECRET");
        assert!(secret.required);
        assert_eq!(secret.reads[0].how, "std::env::var");
        assert_eq!(var(&s, "LOG_LEVEL").default.as_deref(), Some(""));
        let home = var(&s, "HOME");
        assert!(!home.required);
        assert_eq!(home.reads[0].how, "std::env::var_os");
        assert_eq!(var(&s, "WORKERS").default.as_deref(), Some("4"));
        assert!(!var(&s, "WORKERS").required);
        assert_eq!(var(&s, "REGION").default.as_deref(), Some("eu-west-1"));
        assert!(var(&s, "MUST").required);
        assert!(var(&s, "IN_MACRO").required);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn env_macros_and_cargo_vars() {
        let (_t, s) = scan(&[(
            "src/lib.rs",
            r#"
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const SHA: &str = env!("GIT_SHA", "set by build.rs");
pub fn channel() -> &'static str { option_env!("RELEASE_CHANNEL").unwrap_or("dev") }
pub fn maybe() -> Option<&'static str> { option_env!("MAYBE") }
"#,
        )]);
        assert_eq!(names(&s.build_time), ["CARGO_PKG_VERSION"]);
        assert_eq!(s.build_time[0].reads[0].how, "env!");
        assert_eq!(names(&s.vars), ["GIT_SHA", "MAYBE", "RELEASE_CHANNEL"]);
        let sha = var(&s, "GIT_SHA");
        assert_eq!(sha.reads[0].how, "env!");
        assert!(sha.required);
        let ch = var(&s, "RELEASE_CHANNEL");
        assert_eq!(ch.reads[0].how, "option_env!");
        assert_eq!(ch.default.as_deref(), Some("dev"));
        assert!(!ch.required);
        assert!(!var(&s, "MAYBE").required);
    }

    #[test]
    fn dotenvy_clap_and_logging() {
        let (_t, s) = scan(&[(
            "src/main.rs",
            r#"
use clap::Parser;

#[derive(Parser)]
struct Cli {
    /// Where to listen.
    #[arg(long, env = "BIND_ADDR", default_value = "0.0.0.0:8080")]
    bind: String,
    #[arg(long, env)]
    database_url: String,
    #[clap(long, env = "MAX_CONN", default_value_t = 10)]
    max_conn: u32,
    #[arg(long, env = "TOKEN")]
    token: Option<String>,
    #[arg(long)]
    verbose: bool,
}

fn main() {
    let key = dotenvy::var("API_KEY").unwrap();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let arg = clap::Arg::new("config").long("config").env("APP_CONFIG").default_value("app.toml");
}
"#,
        )]);
        assert_eq!(
            names(&s.vars),
            [
                "API_KEY",
                "APP_CONFIG",
                "BIND_ADDR",
                "DATABASE_URL",
                "MAX_CONN",
                "RUST_LOG",
                "TOKEN"
            ]
        );
        let bind = var(&s, "BIND_ADDR");
        assert_eq!(bind.reads[0].how, "clap");
        assert_eq!(bind.default.as_deref(), Some("0.0.0.0:8080"));
        assert!(!bind.required);
        assert!(var(&s, "DATABASE_URL").required);
        assert_eq!(var(&s, "MAX_CONN").default.as_deref(), Some("10"));
        assert!(!var(&s, "TOKEN").required);
        assert_eq!(var(&s, "API_KEY").reads[0].how, "dotenvy::var");
        let log = var(&s, "RUST_LOG");
        assert_eq!(log.reads[0].how, "tracing-subscriber");
        assert!(!log.required);
        assert_eq!(log.default.as_deref(), Some("info"));
        let cfg = var(&s, "APP_CONFIG");
        assert_eq!(cfg.default.as_deref(), Some("app.toml"));
    }

    #[test]
    fn envy_structs_with_prefix_and_defaults() {
        let (_t, s) = scan(&[
            (
                "src/main.rs",
                r#"
mod settings;
fn main() {
    let cfg = envy::prefixed("APP_").from_env::<settings::Settings>().unwrap();
    let db: settings::Db = envy::from_env().unwrap();
}
"#,
            ),
            (
                "src/settings.rs",
                r#"
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Settings {
    pub port: u16,
    #[serde(default = "default_host")]
    pub host: String,
    #[serde(default)]
    pub debug: bool,
    pub token: Option<String>,
    #[serde(rename = "log_format")]
    pub format: String,
}

fn default_host() -> String { "localhost".into() }

#[derive(Deserialize)]
pub struct Db {
    pub database_url: String,
}
"#,
            ),
        ]);
        assert_eq!(
            names(&s.vars),
            [
                "APP_DEBUG",
                "APP_HOST",
                "APP_LOG_FORMAT",
                "APP_PORT",
                "APP_TOKEN",
                "DATABASE_URL"
            ]
        );
        let port = var(&s, "APP_PORT");
        assert!(port.required);
        assert_eq!(port.reads[0].how, "envy");
        assert_eq!(port.reads[0].file, "src/settings.rs");
        assert_eq!(port.reads[0].line, 6);
        assert!(
            port.reads[0]
                .note
                .as_deref()
                .unwrap()
                .contains("envy::prefixed(\"APP_\") at src/main.rs:4")
        );
        let host = var(&s, "APP_HOST");
        assert!(!host.required);
        assert_eq!(host.default.as_deref(), Some("localhost"));
        assert!(!var(&s, "APP_DEBUG").required);
        assert!(!var(&s, "APP_TOKEN").required);
        assert!(var(&s, "DATABASE_URL").required);
    }

    #[test]
    fn envy_struct_default_impl_and_self_return() {
        let (_t, s) = scan(&[(
            "src/config.rs",
            r#"
#[derive(serde::Deserialize)]
#[serde(default)]
pub struct Config { pub port: u16, pub name: String }

impl Default for Config {
    fn default() -> Self { Self { port: 3000, name: "svc".to_string() } }
}

impl Config {
    pub fn load() -> Result<Self, envy::Error> { envy::from_env() }
}
"#,
        )]);
        assert_eq!(names(&s.vars), ["NAME", "PORT"]);
        assert_eq!(var(&s, "PORT").default.as_deref(), Some("3000"));
        assert_eq!(var(&s, "NAME").default.as_deref(), Some("svc"));
        assert!(!var(&s, "PORT").required);
    }

    #[test]
    fn config_and_figment_prefixes_are_patterns() {
        let (_t, s) = scan(&[(
            "src/lib.rs",
            r#"
use config::{Config, Environment};
use figment::{Figment, providers::{Env, Format, Toml}};

pub fn settings() {
    let c = Config::builder()
        .add_source(Environment::with_prefix("APP").separator("__"))
        .build();
    let f = Figment::new().merge(Toml::file("App.toml")).merge(Env::prefixed("ROCKET_"));
    let port = Env::var_or("PORT", "8000");
}
"#,
        )]);
        // config uses the separator between the prefix and the key too.
        assert_eq!(names(&s.vars), ["APP__*", "PORT", "ROCKET_*"]);
        let app = var(&s, "APP__*");
        assert!(app.pattern);
        assert_eq!(app.reads[0].how, "config");
        assert!(app.reads[0].note.as_deref().unwrap().contains("`__`"));
        assert!(var(&s, "ROCKET_*").pattern);
        assert_eq!(var(&s, "ROCKET_*").reads[0].how, "figment");
        assert_eq!(var(&s, "PORT").default.as_deref(), Some("8000"));
    }

    #[test]
    fn a_file_that_does_not_parse_is_reported_and_the_rest_scanned() {
        let (_t, s) = scan(&[
            ("src/broken.rs", "fn broken( { std::env::var(\"NOPE\") }\n"),
            (
                "src/lib.rs",
                "pub fn f() -> String { std::env::var(\"OK_VAR\").unwrap() }\n",
            ),
            ("src/plain.rs", "fn nothing_here( {\n"),
        ]);
        assert_eq!(names(&s.vars), ["OK_VAR"]);
        let parse: Vec<_> = s
            .diagnostics
            .iter()
            .filter(|d| d.rule == "rust-parse-error")
            .collect();
        // The file that cannot read the environment is never parsed.
        assert_eq!(parse.len(), 1, "{:?}", s.diagnostics);
        assert_eq!(parse[0].file.as_deref(), Some("src/broken.rs"));
    }

    #[test]
    fn constants_in_other_files_and_dynamic_names() {
        let (_t, s) = scan(&[
            (
                "src/keys.rs",
                "pub const DB_KEY: &str = \"DATABASE_URL\";\n",
            ),
            (
                "src/lib.rs",
                r#"
mod keys;
use keys::DB_KEY;
pub fn f(p: &str) {
    let db = std::env::var(DB_KEY).unwrap();
    let dynamic = std::env::var(format!("{p}_URL")).ok();
}
"#,
            ),
        ]);
        assert_eq!(names(&s.vars), ["DATABASE_URL"]);
        assert!(
            s.diagnostics
                .iter()
                .any(|d| d.rule == "env-var-name-dynamic"),
            "{:?}",
            s.diagnostics
        );
    }

    #[test]
    fn test_reads_and_build_scripts() {
        let (_t, s) = scan(&[
            (
                "src/lib.rs",
                r#"
pub fn f() -> String { std::env::var("LIVE").unwrap_or_default() }
#[cfg(test)]
mod tests {
    #[test]
    fn t() { let _ = std::env::var("TEST_ONLY").unwrap(); }
}
"#,
            ),
            (
                "build.rs",
                "fn main() { let _ = std::env::var(\"PROTOC\").ok(); let _ = std::env::var(\"OUT_DIR\").unwrap(); }\n",
            ),
            (
                "tests/it.rs",
                "#[test] fn t() { std::env::var(\"IT_DB\").ok(); }\n",
            ),
        ]);
        assert_eq!(names(&s.vars), ["IT_DB", "LIVE", "TEST_ONLY"]);
        assert!(var(&s, "TEST_ONLY").reads[0].test);
        assert!(var(&s, "IT_DB").reads[0].test);
        assert!(!var(&s, "LIVE").reads[0].test);
        assert_eq!(names(&s.build_time), ["OUT_DIR", "PROTOC"]);
    }

    #[test]
    fn dotenv_files_keep_values_only_for_examples() {
        let (_t, s) = scan(&[
            ("src/lib.rs", ""),
            (
                ".env.example",
                "# Database\nDATABASE_URL=postgres://localhost/app\nexport REDIS_URL=\"redis://x\" # cache\nEMPTY=\nMULTI=\"a\nb\"\nnot a line\n",
            ),
            (".env.production", "JWT_SECRET=hunter2\n"),
        ]);
        assert_eq!(s.dotenv_files.len(), 2);
        let ex = &s.dotenv_files[0];
        assert_eq!(ex.file, ".env.example");
        assert!(ex.example);
        let got: Vec<(&str, bool, Option<&str>, usize)> = ex
            .vars
            .iter()
            .map(|v| (v.name.as_str(), v.value_present, v.value.as_deref(), v.line))
            .collect();
        assert_eq!(
            got,
            [
                ("DATABASE_URL", true, Some("postgres://localhost/app"), 2),
                ("REDIS_URL", true, Some("redis://x"), 3),
                ("EMPTY", false, Some(""), 4),
                ("MULTI", true, Some("a\nb"), 5),
            ]
        );
        let prod = &s.dotenv_files[1];
        assert!(!prod.example);
        assert_eq!(prod.vars[0].name, "JWT_SECRET");
        assert!(prod.vars[0].value_present);
        assert_eq!(prod.vars[0].value, None);
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("hunter2"));
        assert!(s.diagnostics.iter().any(|d| d.rule == "dotenv-syntax"));
    }

    #[test]
    fn storefront_env() {
        let Some((ws, files)) = testutil::storefront() else {
            return;
        };
        let s = env_vars(&ws, &files);
        let db = var(&s, "DATABASE_URL");
        assert!(db.required, "{db:#?}");
        let redis = var(&s, "REDIS_URL");
        assert!(!redis.required, "{redis:#?}");
        assert!(redis.default.is_some());
        assert!(s.build_time.iter().any(|v| v.name == "CARGO_PKG_VERSION"));
    }
}
