//! A symbol index over the workspace's Rust sources, enough to follow a
//! router across functions, modules and crates.
//!
//! Modules are found from the file layout (`src/a/b.rs` and `src/a/b/mod.rs`
//! are `crate::a::b`; inline `mod x { … }` blocks are followed inside a
//! file), so a file is parsed only when something resolves into it. Paths
//! are resolved the way rustc does for the cases routers use: `crate::`,
//! `self::`, `super::`, items of the current module, `use` imports (renames,
//! groups, globs, re-exports), child modules, and the other crates of the
//! workspace by their library name.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use camino::Utf8PathBuf;
use memchr::memmem;

use crate::diag::Diagnostic;
use crate::scan::{self, Prefilter};
use crate::source::{self, Files, WalkedFile};
use crate::workspace::Workspace;

use super::Framework;

/// A crate of the workspace: one namespace per package (its library and
/// binaries share `src/`).
#[derive(Debug)]
pub(crate) struct CrateInfo {
    /// The name code uses for it: the library target's name.
    pub ident: String,
    /// Root of the module tree (`src/`).
    pub src_dir: Utf8PathBuf,
    /// The root file (`lib.rs`, else `main.rs`).
    pub root_file: Option<usize>,
    /// Other crates of the workspace this one depends on, by the name the
    /// code uses (renames honoured).
    pub deps: HashMap<String, usize>,
    /// Web frameworks among its dependencies.
    pub frameworks: BTreeSet<Framework>,
}

#[derive(Debug)]
pub(crate) struct FileEntry {
    pub walked: WalkedFile,
    pub krate: usize,
    /// Module path of the file within its crate (`[]` for a root file).
    pub module: Vec<String>,
    /// Read once: `None` until read, `Some(None)` when it could not be.
    pub text: RefCell<Option<Option<Rc<str>>>>,
}

/// A parsed file.
pub(crate) struct SrcFile {
    pub ast: syn::File,
    /// Parsed from an outline: the bodies of functions that build no
    /// router are empty here (see [`crate::outline`]).
    pub outline: bool,
    /// `use` declarations per inline-module path within the file.
    scopes: HashMap<Vec<String>, Scope>,
}

#[derive(Debug, Default, Clone)]
struct Scope {
    names: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

/// Where code is: a file, an inline module path within it, and the module
/// path within the crate that this amounts to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ModLoc {
    pub krate: usize,
    pub file: usize,
    /// Inline modules inside `file`.
    pub inline: Vec<String>,
}

/// A function: free, or in an `impl` block of `impl_ty`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FnRef {
    pub loc: ModLoc,
    pub impl_ty: Option<String>,
    /// Which `impl` block of that type in the module (several may exist).
    pub impl_idx: usize,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ItemRef {
    pub loc: ModLoc,
    pub name: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Def {
    Fn(FnRef),
    Type(ItemRef),
    Const(ItemRef),
    Module(ModLoc),
    /// Outside the workspace (or not found): the path, imports expanded.
    External(Vec<String>),
}

/// A function's parts, whatever kind of item holds it.
pub(crate) struct FnView<'a> {
    pub attrs: &'a [syn::Attribute],
    /// In an `impl Trait for Type` block (called by whoever uses the trait).
    pub in_trait_impl: bool,
    /// Attributes of the enclosing `impl` block, if any.
    pub impl_attrs: &'a [syn::Attribute],
    pub sig: &'a syn::Signature,
    pub block: &'a syn::Block,
}

/// Rust's two namespaces that paths resolve in: modules and types, and
/// fns, consts and statics (a module `home` and a fn `home` coexist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ns {
    Type,
    Value,
}

/// A name looked up in a module's namespace.
type NameKey = (ModLoc, String, Ns);

/// `impl` blocks of a type: (module, index among the module's impl blocks).
pub(crate) type ImplList = Rc<Vec<(ModLoc, usize)>>;

pub(crate) struct Index {
    pub crates: Vec<CrateInfo>,
    pub files: Vec<FileEntry>,
    by_module: HashMap<(usize, Vec<String>), usize>,
    parsed: RefCell<HashMap<usize, Option<Rc<SrcFile>>>>,
    pub diagnostics: RefCell<Vec<Diagnostic>>,
    /// Impl blocks per crate and self type name, found on demand.
    impls: RefCell<HashMap<(usize, String), ImplList>>,
    /// `(module, name)` lookups, memoised.
    resolved: RefCell<HashMap<NameKey, Option<Def>>>,
    resolving: RefCell<std::collections::HashSet<NameKey>>,
    /// Lookups made this run, against [`RESOLVE_BUDGET`].
    lookups: std::cell::Cell<usize>,
    /// Which function bodies an outline keeps (`None`: files are parsed
    /// whole).
    keep_body: Option<Box<crate::outline::KeepBody>>,
    /// Files parsed a second time, whole, because a body the outline left
    /// out was needed after all.
    pub reparsed: std::cell::Cell<usize>,
}

/// How many `(module, name)` lookups one run may make: far more than a
/// real workspace needs (zero-to-production makes a few hundred, a
/// workspace of 1,000 files tens of thousands), and a bound on any input.
const RESOLVE_BUDGET: usize = 2_000_000;

/// Whether a package-relative path is test, bench, example or build code.
fn is_non_app_path(rel_in_pkg: &str) -> bool {
    let first = rel_in_pkg.split('/').next().unwrap_or("");
    matches!(first, "tests" | "benches" | "examples") || rel_in_pkg == "build.rs"
}

impl Index {
    pub(crate) fn new(ws: &Workspace, files: &Files) -> Index {
        let mut crates = Vec::new();
        let mut pkg_crate: HashMap<usize, usize> = HashMap::new();
        for (pi, pkg) in ws.packages.iter().enumerate() {
            let lib = pkg.targets.iter().find(|t| {
                t.kinds
                    .iter()
                    .any(|k| k.contains("lib") || k == "proc-macro")
            });
            let bin = pkg
                .targets
                .iter()
                .find(|t| t.kinds.iter().any(|k| k == "bin"));
            let ident = lib
                .map(|t| t.name.replace('-', "_"))
                .unwrap_or_else(|| pkg.name.replace('-', "_"));
            let src_dir = lib
                .or(bin)
                .and_then(|t| t.src_path.parent().map(|p| p.to_owned()))
                .unwrap_or_else(|| pkg.root().join("src"));
            let mut frameworks = BTreeSet::new();
            for dep in pkg.runtime_dependencies() {
                if let Some(fw) = Framework::of_crate(&dep.name) {
                    frameworks.insert(fw);
                }
            }
            pkg_crate.insert(pi, crates.len());
            crates.push(CrateInfo {
                ident,
                src_dir,
                root_file: None,
                deps: HashMap::new(),
                frameworks,
            });
        }
        // Path dependencies between members.
        for (pi, pkg) in ws.packages.iter().enumerate() {
            let ci = pkg_crate[&pi];
            for dep in &pkg.dependencies {
                let Some(target) = ws
                    .packages
                    .iter()
                    .position(|p| p.name == dep.name)
                    .map(|i| pkg_crate[&i])
                else {
                    continue;
                };
                let used_as = dep
                    .rename
                    .clone()
                    .unwrap_or_else(|| crates[target].ident.clone())
                    .replace('-', "_");
                crates[ci].deps.insert(used_as, target);
            }
        }
        let mut entries = Vec::new();
        let mut by_module = HashMap::new();
        let mut bin_crates: HashMap<(usize, String), usize> = HashMap::new();
        for f in scan::rust_sources(ws, files) {
            let Some(pkg) = ws.package_of(&f.abs) else {
                continue;
            };
            let Some(pi) = ws.packages.iter().position(|p| p.name == pkg.name) else {
                continue;
            };
            let rel_in_pkg = f
                .abs
                .strip_prefix(pkg.root())
                .map(|p| p.as_str().replace('\\', "/"))
                .unwrap_or_default();
            if is_non_app_path(&rel_in_pkg) {
                continue;
            }
            let ci = pkg_crate[&pi];
            let Ok(in_src) = f.abs.strip_prefix(&crates[ci].src_dir) else {
                continue;
            };
            let mut module: Vec<String> = in_src
                .with_extension("")
                .components()
                .map(|c| c.as_str().to_string())
                .collect();
            let id = entries.len();
            let is_root = matches!(module.as_slice(), [one] if one == "lib" || one == "main");
            let is_bin = module.first().is_some_and(|m| m == "bin");
            if is_root {
                module.clear();
                let is_lib = in_src.as_str() == "lib.rs";
                if is_lib || crates[ci].root_file.is_none() {
                    crates[ci].root_file = Some(id);
                    by_module.insert((ci, Vec::new()), id);
                }
            } else if !is_bin || module.len() < 2 {
                if module.last().is_some_and(|m| m == "mod") {
                    module.pop();
                }
                by_module.insert((ci, module.clone()), id);
            } else if let Some(bin) = module.get(1).cloned() {
                // `src/bin/x.rs` and `src/bin/x/…`: a crate of its own that
                // reaches the library by its name.
                let key = (ci, bin.clone());
                let bi = match bin_crates.get(&key) {
                    Some(&bi) => bi,
                    None => {
                        let mut deps = crates[ci].deps.clone();
                        deps.insert(crates[ci].ident.clone(), ci);
                        let info = CrateInfo {
                            ident: bin.replace('-', "_"),
                            src_dir: crates[ci].src_dir.join("bin").join(&bin),
                            root_file: None,
                            deps,
                            frameworks: crates[ci].frameworks.clone(),
                        };
                        crates.push(info);
                        bin_crates.insert(key, crates.len() - 1);
                        crates.len() - 1
                    }
                };
                let mut rest: Vec<String> = module[2..].to_vec();
                if matches!(rest.as_slice(), [] | [_]) && rest.first().is_none_or(|m| m == "main") {
                    rest.clear();
                    crates[bi].root_file = Some(id);
                    by_module.insert((bi, Vec::new()), id);
                } else {
                    if rest.last().is_some_and(|m| m == "mod") {
                        rest.pop();
                    }
                    by_module.insert((bi, rest.clone()), id);
                }
                entries.push(FileEntry {
                    walked: f.clone(),
                    krate: bi,
                    module: rest,
                    text: RefCell::new(None),
                });
                continue;
            }
            entries.push(FileEntry {
                walked: f.clone(),
                krate: ci,
                module,
                text: RefCell::new(None),
            });
        }
        Index {
            crates,
            files: entries,
            by_module,
            parsed: RefCell::new(HashMap::new()),
            diagnostics: RefCell::new(Vec::new()),
            impls: RefCell::new(HashMap::new()),
            resolved: RefCell::new(HashMap::new()),
            resolving: RefCell::new(std::collections::HashSet::new()),
            lookups: std::cell::Cell::new(0),
            keep_body: None,
            reparsed: std::cell::Cell::new(0),
        }
    }

    /// Parses files as outlines from now on: only the bodies `keep`
    /// accepts (signature, body) are parsed.
    pub(crate) fn with_outlines(mut self, keep: Box<crate::outline::KeepBody>) -> Index {
        self.keep_body = Some(keep);
        self
    }

    /// The text of a file, read once.
    pub(crate) fn text(&self, id: usize) -> Option<Rc<str>> {
        let entry = &self.files[id];
        if let Some(t) = entry.text.borrow().as_ref() {
            return t.clone();
        }
        let text = match source::read_text(&entry.walked) {
            Ok(t) => Some(Rc::<str>::from(t)),
            Err(d) => {
                self.diagnostics.borrow_mut().push(d);
                None
            }
        };
        *entry.text.borrow_mut() = Some(text.clone());
        text
    }

    /// Whether `name` occurs as a word in the application code more than
    /// once (its definition is one occurrence).
    pub(crate) fn referenced(&self, name: &str) -> bool {
        let finder = memmem::Finder::new(name.as_bytes());
        let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut count = 0;
        for id in 0..self.files.len() {
            let Some(text) = self.text(id) else { continue };
            let bytes = text.as_bytes();
            for at in finder.find_iter(bytes) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(at + name.len()).copied();
                if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
                    count += 1;
                    if count > 1 {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Files whose bytes match `filter`.
    pub(crate) fn matching(&self, filter: &Prefilter) -> Vec<usize> {
        // Only a crate that can name a web framework can build a router:
        // one that depends on a framework, or on a member that does (and
        // may re-export it). Files of other crates are not read here; the
        // index still reaches them when a handler lives there.
        let mut can_route: Vec<bool> = self
            .crates
            .iter()
            .map(|c| !c.frameworks.is_empty())
            .collect();
        loop {
            let mut changed = false;
            for (ci, c) in self.crates.iter().enumerate() {
                if !can_route[ci] && c.deps.values().any(|&d| can_route[d]) {
                    can_route[ci] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        (0..self.files.len())
            .filter(|&id| can_route[self.files[id].krate])
            .filter(|&id| self.text(id).is_some_and(|t| filter.matches(t.as_bytes())))
            .collect()
    }

    /// The parsed file, parsed at most once; a parse error is reported once.
    pub(crate) fn parsed(&self, id: usize) -> Option<Rc<SrcFile>> {
        if let Some(p) = self.parsed.borrow().get(&id) {
            return p.clone();
        }
        let outline = self.keep_body.as_deref();
        let result = self
            .text(id)
            .and_then(|text| self.parse(id, &text, outline));
        self.parsed.borrow_mut().insert(id, result.clone());
        result
    }

    /// What was parsed so far, and how.
    pub(crate) fn parse_stats(&self) -> super::ParseStats {
        let parsed = self.parsed.borrow();
        super::ParseStats {
            parsed: parsed.len(),
            outlines: parsed.values().flatten().filter(|s| s.outline).count(),
            reparsed: self.reparsed.get(),
        }
    }

    /// The file parsed whole: the cached tree when it is, else parsed again
    /// without an outline (and cached instead), for a body that was left
    /// out and is needed after all.
    pub(crate) fn parsed_whole(&self, id: usize) -> Option<Rc<SrcFile>> {
        let cached = self.parsed(id)?;
        if !cached.outline {
            return Some(cached);
        }
        self.reparsed.set(self.reparsed.get() + 1);
        let result = self.text(id).and_then(|text| self.parse(id, &text, None));
        self.parsed.borrow_mut().insert(id, result.clone());
        result
    }

    fn parse(
        &self,
        id: usize,
        text: &str,
        keep: Option<&crate::outline::KeepBody>,
    ) -> Option<Rc<SrcFile>> {
        let outline = keep.and_then(|keep| crate::outline::blank_bodies(text, keep));
        let parsed = match &outline {
            Some(o) => source::parse_rust_text(o).or_else(|_| source::parse_rust_text(text)),
            None => source::parse_rust_text(text),
        };
        match parsed {
            Ok(ast) => {
                let scopes = collect_scopes(&ast);
                Some(Rc::new(SrcFile {
                    ast,
                    outline: outline.is_some(),
                    scopes,
                }))
            }
            Err(f) => {
                self.diagnostics
                    .borrow_mut()
                    .push(source::failure_diagnostic(&self.files[id].walked, text, &f));
                None
            }
        }
    }

    pub(crate) fn rel(&self, file: usize) -> &str {
        &self.files[file].walked.rel
    }

    pub(crate) fn file_loc(&self, file: usize) -> ModLoc {
        ModLoc {
            krate: self.files[file].krate,
            file,
            inline: Vec::new(),
        }
    }

    /// The module path of a location within its crate.
    pub(crate) fn module_path(&self, loc: &ModLoc) -> Vec<String> {
        let mut p = self.files[loc.file].module.clone();
        p.extend(loc.inline.iter().cloned());
        p
    }

    /// `crate::a::b::name` as the user would search for it, with the crate's
    /// name in front.
    pub(crate) fn display_path(&self, loc: &ModLoc, tail: &[&str]) -> String {
        let mut parts = vec![self.crates[loc.krate].ident.clone()];
        parts.extend(self.module_path(loc));
        parts.extend(tail.iter().map(|s| s.to_string()));
        parts.join("::")
    }

    pub(crate) fn fn_display(&self, f: &FnRef) -> String {
        match &f.impl_ty {
            Some(t) => self.display_path(&f.loc, &[t, &f.name]),
            None => self.display_path(&f.loc, &[&f.name]),
        }
    }

    /// The module at `path` in crate `krate`, from the file layout (a file
    /// module) possibly followed by inline modules.
    fn module_at(&self, krate: usize, path: &[String]) -> Option<ModLoc> {
        for split in (0..=path.len()).rev() {
            if let Some(&file) = self.by_module.get(&(krate, path[..split].to_vec())) {
                let loc = ModLoc {
                    krate,
                    file,
                    inline: Vec::new(),
                };
                let mut loc = loc;
                for seg in &path[split..] {
                    if !self.has_inline_mod(&loc, seg) {
                        return None;
                    }
                    loc.inline.push(seg.clone());
                }
                return Some(loc);
            }
        }
        None
    }

    fn has_inline_mod(&self, loc: &ModLoc, name: &str) -> bool {
        let Some(src) = self.parsed(loc.file) else {
            return false;
        };
        items_at(&src.ast, &loc.inline).is_some_and(|items| {
            items
                .iter()
                .any(|i| matches!(i, syn::Item::Mod(m) if m.ident == name && m.content.is_some()))
        })
    }

    pub(crate) fn crate_root(&self, krate: usize) -> Option<ModLoc> {
        self.module_at(krate, &[])
    }

    fn parent(&self, loc: &ModLoc) -> Option<ModLoc> {
        let mut path = self.module_path(loc);
        path.pop()?;
        self.module_at(loc.krate, &path)
    }

    fn child(&self, loc: &ModLoc, name: &str) -> Option<ModLoc> {
        if self.has_inline_mod(loc, name) {
            let mut l = loc.clone();
            l.inline.push(name.to_string());
            return Some(l);
        }
        let mut path = self.module_path(loc);
        path.push(name.to_string());
        self.by_module.get(&(loc.krate, path)).map(|&file| ModLoc {
            krate: loc.krate,
            file,
            inline: Vec::new(),
        })
    }

    /// Resolves a path as written at `loc`.
    ///
    /// A path is walked one segment at a time, as rustc does: the first
    /// segment is looked up in the scope of `loc`, each next one in the
    /// namespace the previous one named. Each `(module, name)` lookup is
    /// memoised, so the work is bounded by the number of names the
    /// workspace's modules declare and import, whatever `pub use` and glob
    /// chains connect them; a lookup that reaches itself again (cyclic glob
    /// re-exports) is cut there, and a work budget ends any input.
    pub(crate) fn resolve(&self, loc: &ModLoc, segs: &[String]) -> Def {
        self.resolve_path(loc, segs)
            .unwrap_or_else(|| Def::External(segs.to_vec()))
    }

    fn resolve_path(&self, loc: &ModLoc, segs: &[String]) -> Option<Def> {
        if segs.is_empty() {
            return Some(Def::Module(loc.clone()));
        }
        self.resolve_path_in(loc, segs, None)
    }

    /// Like [`Index::resolve_path`], the last segment looked up in `last`'s
    /// namespace (`None`: values first, then types).
    fn resolve_path_in(&self, loc: &ModLoc, segs: &[String], last: Option<Ns>) -> Option<Def> {
        let (first, rest) = segs.split_first()?;
        let start = match first.as_str() {
            "crate" => Def::Module(self.crate_root(loc.krate)?),
            "self" => Def::Module(loc.clone()),
            "super" => Def::Module(self.parent(loc)?),
            _ if rest.is_empty() => self.lookup_last(loc, first, last)?,
            _ => self.lookup(loc, first, Ns::Type)?,
        };
        self.walk_rest(start, rest, last)
    }

    /// A path's last name: in its namespace, or values first, then types.
    fn lookup_last(&self, loc: &ModLoc, name: &str, ns: Option<Ns>) -> Option<Def> {
        match ns {
            Some(ns) => self.lookup(loc, name, ns),
            None => self
                .lookup(loc, name, Ns::Value)
                .or_else(|| self.lookup(loc, name, Ns::Type)),
        }
    }

    /// The remaining segments of a path from what its first ones named.
    fn walk_rest(&self, start: Def, rest: &[String], last: Option<Ns>) -> Option<Def> {
        let mut cur = start;
        for (i, seg) in rest.iter().enumerate() {
            let is_last = i + 1 == rest.len();
            cur = match cur {
                Def::Module(m) => match seg.as_str() {
                    "self" => Def::Module(m),
                    "super" => Def::Module(self.parent(&m)?),
                    _ if is_last => self.lookup_last(&m, seg, last)?,
                    _ => self.lookup(&m, seg, Ns::Type)?,
                },
                Def::Type(ty) if i + 1 == rest.len() => Def::Fn(self.method_of(&ty, seg)?),
                Def::External(mut path) => {
                    path.extend(rest[i..].iter().cloned());
                    return Some(Def::External(path));
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// What `name` stands for in the module at `loc`: an item or module
    /// declared there, a `use`, another crate of the workspace, or a name
    /// a glob import brings in, in namespace `ns`. Memoised per
    /// `(module, name, namespace)`.
    fn lookup(&self, loc: &ModLoc, name: &str, ns: Ns) -> Option<Def> {
        let key = (loc.clone(), name.to_string(), ns);
        if let Some(d) = self.resolved.borrow().get(&key) {
            return d.clone();
        }
        if self.budget_spent(loc) || !self.resolving.borrow_mut().insert(key.clone()) {
            return None;
        }
        let d = self.lookup_uncached(loc, name, ns);
        self.resolving.borrow_mut().remove(&key);
        self.resolved.borrow_mut().insert(key, d.clone());
        d
    }

    /// Counts one lookup against the run's budget; once it is spent, every
    /// further lookup fails and one diagnostic says so.
    fn budget_spent(&self, loc: &ModLoc) -> bool {
        let used = self.lookups.get() + 1;
        self.lookups.set(used);
        if used == RESOLVE_BUDGET {
            self.diagnostics.borrow_mut().push(
                Diagnostic::warning(
                    "resolve-budget",
                    format!(
                        "stopped resolving paths after {RESOLVE_BUDGET} lookups (last in `{}`): what was left is reported as unresolved",
                        self.rel(loc.file)
                    ),
                )
                .in_file(self.rel(loc.file).to_string()),
            );
        }
        used >= RESOLVE_BUDGET
    }

    fn lookup_uncached(&self, loc: &ModLoc, name: &str, ns: Ns) -> Option<Def> {
        if let Some(d) = self.declared_here(loc, name, ns) {
            return Some(d);
        }
        let src = self.parsed(loc.file);
        let scope = src.as_ref().and_then(|s| s.scopes.get(&loc.inline));
        if let Some(target) = scope.and_then(|s| s.names.get(name)) {
            // A `use` imports every namespace of its target; what it names in
            // this one, else what it names at all (an external path).
            return match self.resolve_use(loc, target, Some(ns)) {
                // Not found in this namespace: when the workspace has it in
                // the other one, this namespace has nothing by that name.
                Def::External(path) => {
                    let other = match ns {
                        Ns::Type => Ns::Value,
                        Ns::Value => Ns::Type,
                    };
                    match self.resolve_use(loc, target, Some(other)) {
                        Def::External(_) => Some(Def::External(path)),
                        _ => None,
                    }
                }
                found => Some(found),
            };
        }
        if ns == Ns::Type
            && let Some(root) = self.crate_named(loc.krate, name)
        {
            return Some(Def::Module(root));
        }
        // Glob imports: only a hit inside the workspace counts.
        for base in scope.map(|s| s.globs.as_slice()).unwrap_or_default() {
            if let Def::Module(m) = self.resolve_use(loc, base, Some(Ns::Type))
                && let Some(d) = self.lookup(&m, name, ns)
                && !matches!(d, Def::External(_))
            {
                return Some(d);
            }
        }
        None
    }

    /// The root module of the crate `name` stands for in crate `krate`:
    /// itself, or a workspace crate it depends on.
    fn crate_named(&self, krate: usize, name: &str) -> Option<ModLoc> {
        let target = if self.crates[krate].ident == name {
            krate
        } else {
            *self.crates[krate].deps.get(name)?
        };
        self.crate_root(target)
    }

    /// A `use` path at `loc`: `crate::`/`self::`/`super::`, an item or
    /// module declared at `loc` (2018 uniform paths), a workspace crate, or
    /// an extern crate.
    fn resolve_use(&self, loc: &ModLoc, path: &[String], last: Option<Ns>) -> Def {
        let Some((first, rest)) = path.split_first() else {
            return Def::External(Vec::new());
        };
        let start = match first.as_str() {
            "crate" | "self" | "super" => {
                return self
                    .resolve_path_in(loc, path, last)
                    .unwrap_or_else(|| Def::External(path.to_vec()));
            }
            _ if rest.is_empty() => match last {
                Some(ns) => self.declared_here(loc, first, ns),
                None => self
                    .declared_here(loc, first, Ns::Value)
                    .or_else(|| self.declared_here(loc, first, Ns::Type)),
            },
            _ => self
                .declared_here(loc, first, Ns::Type)
                .or_else(|| self.crate_named(loc.krate, first).map(Def::Module)),
        };
        match start {
            Some(start) => self
                .walk_rest(start, rest, last)
                .unwrap_or_else(|| Def::External(path.to_vec())),
            None => Def::External(path.to_vec()),
        }
    }

    /// `name` declared in the module at `loc` in namespace `ns`: a fn,
    /// const or static (values), a type or a child module (types).
    fn declared_here(&self, loc: &ModLoc, name: &str, ns: Ns) -> Option<Def> {
        if let Some(src) = self.parsed(loc.file)
            && let Some(items) = items_at(&src.ast, &loc.inline)
        {
            let item = |loc: &ModLoc| ItemRef {
                loc: loc.clone(),
                name: name.to_string(),
            };
            for it in items {
                match (ns, it) {
                    (Ns::Value, syn::Item::Fn(f)) if f.sig.ident == name => {
                        return Some(Def::Fn(FnRef {
                            loc: loc.clone(),
                            impl_ty: None,
                            impl_idx: 0,
                            name: name.to_string(),
                        }));
                    }
                    // A unit or tuple struct is a value too (its constructor).
                    (Ns::Type, syn::Item::Struct(s)) if s.ident == name => {
                        return Some(Def::Type(item(loc)));
                    }
                    (Ns::Value, syn::Item::Struct(s))
                        if s.ident == name && !matches!(s.fields, syn::Fields::Named(_)) =>
                    {
                        return Some(Def::Type(item(loc)));
                    }
                    (Ns::Type, syn::Item::Enum(e)) if e.ident == name => {
                        return Some(Def::Type(item(loc)));
                    }
                    (Ns::Type, syn::Item::Type(t)) if t.ident == name => {
                        return Some(Def::Type(item(loc)));
                    }
                    (Ns::Type, syn::Item::Union(u)) if u.ident == name => {
                        return Some(Def::Type(item(loc)));
                    }
                    (Ns::Value, syn::Item::Const(c)) if c.ident == name => {
                        return Some(Def::Const(item(loc)));
                    }
                    (Ns::Value, syn::Item::Static(c)) if c.ident == name => {
                        return Some(Def::Const(item(loc)));
                    }
                    _ => {}
                }
            }
        }
        match ns {
            Ns::Type => self.child(loc, name).map(Def::Module),
            Ns::Value => None,
        }
    }

    /// `Type::method`: an associated fn in any `impl` block of the type in
    /// its crate (inherent or trait impls).
    pub(crate) fn method_of(&self, ty: &ItemRef, method: &str) -> Option<FnRef> {
        // Beside the type first (the usual place), then anywhere in its crate.
        self.method_in_file(ty, method, ty.loc.file).or_else(|| {
            self.impls_of(ty.loc.krate, &ty.name, Some(ty.loc.file))
                .iter()
                .find_map(|(loc, idx)| self.method_in_impl(ty, method, loc, *idx))
        })
    }

    fn method_in_file(&self, ty: &ItemRef, method: &str, file: usize) -> Option<FnRef> {
        let src = self.parsed(file)?;
        let base = self.file_loc(file);
        let mut hit = None;
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
            if hit.is_some() {
                return;
            }
            for (idx, item) in impl_blocks(items).enumerate() {
                if let syn::Item::Impl(imp) = item
                    && type_name(&imp.self_ty).as_deref() == Some(ty.name.as_str())
                {
                    let mut loc = base.clone();
                    loc.inline = inline.to_vec();
                    if let Some(f) = self.method_in_impl(ty, method, &loc, idx) {
                        hit = Some(f);
                        return;
                    }
                }
            }
        });
        hit
    }

    fn method_in_impl(
        &self,
        ty: &ItemRef,
        method: &str,
        loc: &ModLoc,
        idx: usize,
    ) -> Option<FnRef> {
        self.with_impl(loc, idx, false, |imp| {
            imp.items
                .iter()
                .any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == method))
        })?
        .then(|| FnRef {
            loc: loc.clone(),
            impl_ty: Some(ty.name.clone()),
            impl_idx: idx,
            name: method.to_string(),
        })
    }

    /// Every `impl` block of a type named `name` in crate `krate`, as
    /// (module, index among the module's impl blocks). Files that mention
    /// neither `impl` nor the name are not parsed.
    pub(crate) fn impls_of(&self, krate: usize, name: &str, first_file: Option<usize>) -> ImplList {
        let key = (krate, name.to_string());
        if let Some(v) = self.impls.borrow().get(&key) {
            return v.clone();
        }
        let finder = memmem::Finder::new(name.as_bytes());
        let mut out = Vec::new();
        let mut ids: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files[i].krate == krate)
            .collect();
        if let Some(f) = first_file {
            ids.retain(|&i| i != f);
            ids.insert(0, f);
        }
        for id in ids {
            let Some(text) = self.text(id) else { continue };
            if finder.find(text.as_bytes()).is_none() || !text.contains("impl") {
                continue;
            }
            let Some(src) = self.parsed(id) else { continue };
            let base = self.file_loc(id);
            walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
                for (idx, item) in impl_blocks(items).enumerate() {
                    if let syn::Item::Impl(imp) = item
                        && type_name(&imp.self_ty).as_deref() == Some(name)
                    {
                        let mut loc = base.clone();
                        loc.inline = inline.to_vec();
                        out.push((loc, idx));
                    }
                }
            });
        }
        let rc = Rc::new(out);
        self.impls.borrow_mut().insert(key, rc.clone());
        rc
    }

    /// Calls `f` with the function's parts (its body may be an outline's
    /// empty one: [`Index::with_fn_whole`] when the body is read).
    pub(crate) fn with_fn<R>(
        &self,
        f: &FnRef,
        cb: impl FnOnce(&FnView, &SrcFile) -> R,
    ) -> Option<R> {
        let src = self.parsed(f.loc.file)?;
        Self::view_fn(&src, f, cb)
    }

    /// [`Index::with_fn`] with the function's body as written.
    pub(crate) fn with_fn_whole<R>(
        &self,
        f: &FnRef,
        cb: impl FnOnce(&FnView, &SrcFile) -> R,
    ) -> Option<R> {
        let src = self.parsed_whole(f.loc.file)?;
        Self::view_fn(&src, f, cb)
    }

    fn view_fn<R>(src: &SrcFile, f: &FnRef, cb: impl FnOnce(&FnView, &SrcFile) -> R) -> Option<R> {
        let items = items_at(&src.ast, &f.loc.inline)?;
        let view = match &f.impl_ty {
            None => items.iter().find_map(|i| match i {
                syn::Item::Fn(func) if func.sig.ident == f.name.as_str() => Some(FnView {
                    attrs: &func.attrs,
                    in_trait_impl: false,
                    impl_attrs: &[],
                    sig: &func.sig,
                    block: &func.block,
                }),
                _ => None,
            })?,
            Some(_) => {
                let Some(syn::Item::Impl(imp)) = impl_blocks(items).nth(f.impl_idx) else {
                    return None;
                };
                imp.items.iter().find_map(|i| match i {
                    syn::ImplItem::Fn(func) if func.sig.ident == f.name.as_str() => Some(FnView {
                        attrs: &func.attrs,
                        in_trait_impl: imp.trait_.is_some(),
                        impl_attrs: &imp.attrs,
                        sig: &func.sig,
                        block: &func.block,
                    }),
                    _ => None,
                })?
            }
        };
        Some(cb(&view, src))
    }

    /// Calls `cb` with the `idx`-th `impl` block of the module at `loc`
    /// (as [`Index::impls_of`] lists them); `whole` reads its function
    /// bodies as written (an outline blanks them).
    pub(crate) fn with_impl<R>(
        &self,
        loc: &ModLoc,
        idx: usize,
        whole: bool,
        cb: impl FnOnce(&syn::ItemImpl) -> R,
    ) -> Option<R> {
        let src = if whole {
            self.parsed_whole(loc.file)?
        } else {
            self.parsed(loc.file)?
        };
        let items = items_at(&src.ast, &loc.inline)?;
        match impl_blocks(items).nth(idx)? {
            syn::Item::Impl(imp) => Some(cb(imp)),
            _ => None,
        }
    }

    /// Calls `cb` with the item named by `r`.
    pub(crate) fn with_item<R>(
        &self,
        r: &ItemRef,
        cb: impl FnOnce(&syn::Item, &SrcFile) -> R,
    ) -> Option<R> {
        let src = self.parsed(r.loc.file)?;
        let items = items_at(&src.ast, &r.loc.inline)?;
        let item = items
            .iter()
            .find(|i| item_name(i).is_some_and(|n| n == r.name))?;
        Some(cb(item, &src))
    }
}

/// The items of the inline module at `inline` inside a file.
pub(crate) fn items_at<'a>(ast: &'a syn::File, inline: &[String]) -> Option<&'a [syn::Item]> {
    let mut items: &[syn::Item] = &ast.items;
    for seg in inline {
        items = items.iter().find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == seg.as_str() => {
                m.content.as_ref().map(|(_, c)| c.as_slice())
            }
            _ => None,
        })?;
    }
    Some(items)
}

pub(crate) fn impl_blocks(items: &[syn::Item]) -> impl Iterator<Item = &syn::Item> {
    items.iter().filter(|i| matches!(i, syn::Item::Impl(_)))
}

/// Visits the items of every (inline) module, with its inline path.
/// `#[cfg(test)]` modules are skipped.
pub(crate) fn walk_modules<'a>(
    items: &'a [syn::Item],
    path: &mut Vec<String>,
    f: &mut dyn FnMut(&[String], &'a [syn::Item]),
) {
    f(path, items);
    for item in items {
        if let syn::Item::Mod(m) = item
            && let Some((_, content)) = &m.content
            && !scan::is_test_item(&m.attrs)
        {
            path.push(m.ident.to_string());
            walk_modules(content, path, f);
            path.pop();
        }
    }
}

pub(crate) fn item_name(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Fn(f) => f.sig.ident.to_string(),
        syn::Item::Struct(s) => s.ident.to_string(),
        syn::Item::Enum(e) => e.ident.to_string(),
        syn::Item::Type(t) => t.ident.to_string(),
        syn::Item::Union(u) => u.ident.to_string(),
        syn::Item::Const(c) => c.ident.to_string(),
        syn::Item::Static(s) => s.ident.to_string(),
        syn::Item::Trait(t) => t.ident.to_string(),
        _ => return None,
    })
}

/// The last identifier of a path type (`crate::x::Api<T>` → `Api`).
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        _ => None,
    }
}

/// `use` declarations of a file, per inline module. Uses inside function
/// bodies count for their module (an approximation: block scopes are not
/// told apart).
fn collect_scopes(ast: &syn::File) -> HashMap<Vec<String>, Scope> {
    struct V {
        path: Vec<String>,
        scopes: HashMap<Vec<String>, Scope>,
    }
    impl<'ast> syn::visit::Visit<'ast> for V {
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            self.path.push(m.ident.to_string());
            syn::visit::visit_item_mod(self, m);
            self.path.pop();
        }
        fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
            let scope = self.scopes.entry(self.path.clone()).or_default();
            add_use_tree(scope, Vec::new(), &u.tree);
        }
    }
    let mut v = V {
        path: Vec::new(),
        scopes: HashMap::new(),
    };
    syn::visit::Visit::visit_file(&mut v, ast);
    v.scopes
}

fn add_use_tree(scope: &mut Scope, prefix: Vec<String>, tree: &syn::UseTree) {
    crate::scan::for_each_import(prefix, tree, &mut |import| match import {
        crate::scan::Import::Name(name, full) => {
            scope.names.insert(name, full);
        }
        crate::scan::Import::Glob(prefix) => scope.globs.push(prefix),
    });
}

impl Index {
    /// The path a name stands for through the imports of `loc`, without
    /// resolving it into the workspace (`get` → `axum::routing::get`); glob
    /// imports of a framework are tried when nothing else names it.
    pub(crate) fn expand(&self, loc: &ModLoc, segs: &[String]) -> Vec<String> {
        let Some((first, rest)) = segs.split_first() else {
            return Vec::new();
        };
        let Some(src) = self.parsed(loc.file) else {
            return segs.to_vec();
        };
        let scope = src.scopes.get(&loc.inline);
        if let Some(target) = scope.and_then(|s| s.names.get(first)) {
            let mut full: Vec<String> = target.clone();
            full.extend(rest.iter().cloned());
            return full;
        }
        if let Some(scope) = scope {
            for base in &scope.globs {
                if base
                    .first()
                    .is_some_and(|c| Framework::of_crate(&c.replace('_', "-")).is_some())
                {
                    let mut full = base.clone();
                    full.extend(segs.iter().cloned());
                    return full;
                }
            }
        }
        segs.to_vec()
    }
}
