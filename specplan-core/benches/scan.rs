//! The code scan on a large generated workspace, side by side with ripgrep.
//!
//! ```sh
//! cargo bench -p specplan-core --bench scan
//! ```
//!
//! Generates (deterministically, into a temporary directory) a workspace of
//! 12 member crates, 1,000+ Rust files and 500k+ lines: doc comments,
//! comments and strings that mention `implements(`, raw strings, nested
//! modules, impl blocks and trait impls, test modules, `macro_rules!`, with
//! annotations in about one file in five; and a `requirements.md` per domain.
//!
//! Then, in one run and alternating, times what `cargo specplan check` does
//! with the code (walk the workspace, read the documents, scan every `.rs`
//! file) and `rg -c -t rust 'implements\('` over the same tree, and reports
//! the medians, their ratio and the peak memory of this process (`VmHWM`,
//! reset before the timed runs). Loading the workspace (`cargo metadata`) is
//! timed on its own. Last, untimed, it checks the scan found every generated
//! annotation and agrees with the full `syn` walk on every file.
//!
//! Then the routed case ([`generate_routed`]): 24 crates that depend on
//! axum, 1,000+ files, 790 routes in routers spread over the crates and
//! nested by an app crate; the whole `check` against rg, and its peak
//! memory alone.
//!
//! `SPECPLAN_BENCH_CASE=table` times `check` on requirements tables of
//! 10,000 and 40,000 rows (it must grow linearly);
//! `SPECPLAN_BENCH_CASE=plain|routed` runs one case only;
//! `SPECPLAN_BENCH_RUNS` sets the number of timed runs (default 9);
//! `SPECPLAN_BENCH_ORACLE=0` skips the comparison with the full `syn` walk.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use specplan_core::Workspace;
use specplan_core::annotations::{self, Annotation};
use specplan_core::source;

const DOMAINS: [&str; 12] = [
    "auth",
    "orders",
    "billing",
    "catalog",
    "inventory",
    "shipping",
    "users",
    "notifications",
    "search",
    "reporting",
    "payments",
    "reviews",
];
const LAYERS: [&str; 4] = ["handlers", "services", "repositories", "models"];
const FILES_PER_LAYER: usize = 21;
const FRS: usize = 20;
const NFRS: usize = 4;

/// splitmix64: small and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
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

#[derive(Default)]
struct Tree {
    files: usize,
    rs_files: usize,
    annotated_files: usize,
    lines: usize,
    bytes: usize,
    annotations: usize,
    requirements: usize,
}

fn write(root: &Path, rel: &str, text: &str, tree: &mut Tree) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    tree.files += 1;
    tree.bytes += text.len();
    tree.lines += text.lines().count();
}

/// One Rust source file being written.
struct RustFile<'r> {
    rng: &'r mut Rng,
    out: String,
    prefix: String,
    annotated: bool,
    alias: Option<&'static str>,
    annotations: usize,
    n: usize,
    /// How many comments or strings may still mention `implements(`.
    mentions: usize,
}

impl RustFile<'_> {
    fn name(&mut self, base: &str) -> String {
        self.n += 1;
        format!("{base}{}", self.n)
    }

    fn id(&mut self) -> String {
        if self.rng.chance(15) {
            format!("NFR-{}-{:02}", self.prefix, 1 + self.rng.below(NFRS))
        } else {
            format!("FR-{}-{:02}", self.prefix, 1 + self.rng.below(FRS))
        }
    }

    /// An annotation line, with `percent` % chance in annotated files.
    fn annotation(&mut self, word: &str, percent: usize) -> String {
        if !self.annotated || !self.rng.chance(percent) {
            return String::new();
        }
        self.annotations += 1;
        let ids = if self.rng.chance(20) {
            format!("\"{}\", \"{}\"", self.id(), self.id())
        } else {
            format!("\"{}\"", self.id())
        };
        match (self.alias, self.rng.below(10)) {
            (Some(alias), 0..=3) if word == "implements" => format!("    #[{alias}({ids})]\n"),
            (_, 4) => format!("    #[specplan_macros::{word}({ids})]\n"),
            (_, 5) => format!("    #[cfg_attr(not(miri), {word}({ids}))]\n"),
            _ => format!("    #[{word}({ids})]\n"),
        }
    }

    fn doc(&mut self, what: &str) {
        let lines = 1 + self.rng.below(5);
        for i in 0..lines {
            let line = match (i, self.rng.below(12)) {
                (0, _) => format!("/// {what}."),
                (_, 0) => "/// This type implements `Display` and `Serialize`.".to_string(),
                (_, 1) => {
                    "/// # Errors\n///\n/// Returns [`Error::NotFound`] when nothing matches."
                        .to_string()
                }
                (_, 2) => {
                    "/// ```\n/// let x = build();\n/// assert!(x.is_ok());\n/// ```".to_string()
                }
                _ => format!(
                    "/// {} the {} {} when the caller asks for it.",
                    self.rng
                        .pick(&["Loads", "Stores", "Validates", "Checks", "Maps"]),
                    self.rng.pick(&["current", "pending", "cached", "remote"]),
                    self.rng
                        .pick(&["record", "session", "order", "entry", "token"])
                ),
            };
            self.out.push_str(&line);
            self.out.push('\n');
        }
    }

    fn stmt(&mut self, indent: &str) -> String {
        let v = self.name("v");
        match self.rng.below(22) {
            0 => format!("{indent}let {v} = input.len() as u64 * 3 + 1;\n"),
            1 => format!(
                "{indent}if {v}_enabled(&config) {{\n{indent}    return Err(Error::Conflict(\"{v} already exists\".to_string()));\n{indent}}}\n"
            ),
            2 => format!(
                "{indent}let {v} = match store.get(&key).await? {{\n{indent}    Some(found) => found,\n{indent}    None => return Err(Error::NotFound(format!(\"no {{key}}\"))),\n{indent}}};\n"
            ),
            3 => format!(
                "{indent}for item in items.iter().filter(|i| i.active && !i.deleted) {{\n{indent}    total += item.amount;\n{indent}}}\n"
            ),
            4 => format!(
                "{indent}let {v} = r#\"SELECT id, name, \"created_at\" FROM entries WHERE id = $1\"#;\n"
            ),
            5 => format!("{indent}tracing::info!(user_id = %id, \"loaded {v} {{}}\", count);\n"),
            6 => format!("{indent}// Keep the order of these calls: the cache is filled lazily.\n"),
            7 => format!("{indent}let {v}: Vec<_> = rows.into_iter().map(|r| r.id).collect();\n"),
            8 => format!("{indent}let {v} = |x: u32| -> u32 {{ x.saturating_mul(2) }};\n"),
            9 => format!("{indent}let {v} = ['{{', '}}', '\"', '\\''];\n"),
            10 => format!(
                "{indent}let {v} = Response {{\n{indent}    status: 200,\n{indent}    body: serde_json::json!({{ \"ok\": true }}),\n{indent}}};\n"
            ),
            11 => format!("{indent}assert!(!{v}_list().is_empty(), \"list must not be empty\");\n"),
            12 if self.mentions > 0 => {
                self.mentions -= 1;
                format!("{indent}// NOTE: implements(the retry policy) of the gateway, see docs.\n")
            }
            13 if self.mentions > 0 => {
                self.mentions -= 1;
                format!(
                    "{indent}let {v} = format!(\"{{}} implements({{}})\", kind, \"FR-X-00\");\n"
                )
            }
            14 => format!(
                "{indent}/* A block comment /* nested */ about {v} and its {{ braces }} */\n"
            ),
            15 => format!(
                "{indent}let {v} = async move {{\n{indent}    client.send(request).await\n{indent}}};\n"
            ),
            16 => format!(
                "{indent}'retry: loop {{\n{indent}    if attempts > 3 {{ break 'retry; }}\n{indent}    attempts += 1;\n{indent}}}\n"
            ),
            17 => format!("{indent}let {v} = b\"\\x00\\x01 bytes {{\";\n"),
            _ => format!("{indent}let {v} = {v}_helper(&state, id).await?;\n"),
        }
    }

    fn body(&mut self, indent: &str, min: usize, max: usize) -> String {
        let n = min + self.rng.below(max - min + 1);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(&self.stmt(indent));
        }
        s
    }

    fn method(&mut self, owner: &str, word_percent: usize) {
        let name = self.name("handle");
        self.doc(&format!("{owner}::{name}"));
        let ann = self.annotation("implements", word_percent);
        self.out.push_str(&ann);
        let sig = self.rng.pick(&[
            "(&self, id: Uuid) -> Result<Entry, Error>",
            "(&mut self, input: &str) -> Result<(), Error>",
            "<'a>(&'a self, key: &'a str) -> Option<&'a Entry>",
            "(self: Arc<Self>, req: Request) -> impl Future<Output = Result<Response, Error>>",
        ]);
        let asyncness = self
            .rng
            .pick(&["", "async ", "pub ", "pub async ", "pub(crate) "]);
        let body = self.body("        ", 2, 14);
        let _ = write!(
            self.out,
            "    {asyncness}fn {name}{sig} {{\n{body}        todo!()\n    }}\n\n"
        );
    }

    fn item(&mut self, depth: usize) {
        match self.rng.below(11) {
            0 | 1 => {
                let name = self.name("Record");
                self.doc(&format!("A {name} as stored"));
                let ann = self.annotation("implements", 25);
                self.out.push_str(&ann.replacen("    ", "", 1));
                self.out
                    .push_str("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n");
                let _ = writeln!(self.out, "pub struct {name}<'a, T = ()> {{");
                for _ in 0..2 + self.rng.below(8) {
                    let f = self.name("field");
                    let ty = self.rng.pick(&[
                        "u64",
                        "String",
                        "Option<&'a str>",
                        "Vec<T>",
                        "HashMap<String, u32>",
                    ]);
                    let _ = writeln!(self.out, "    /// The {f}.\n    pub {f}: {ty},");
                }
                self.out.push_str("}\n\n");
            }
            2..=4 => {
                let name = self.name("Service");
                let ann = self.annotation("implements", 15);
                self.out.push_str(&ann.replacen("    ", "", 1));
                let header = match self.rng.below(4) {
                    0 => format!("impl {name}"),
                    1 => format!(
                        "impl<S: Store + Send + Sync> {name}<S>\nwhere\n    S: Clone + 'static,\n"
                    ),
                    2 => format!("impl Repository for {name}"),
                    _ => format!("impl<'a> From<&'a str> for {name}"),
                };
                let _ = writeln!(self.out, "{header} {{");
                for _ in 0..2 + self.rng.below(6) {
                    self.method(&name, 45);
                }
                self.out.push_str("}\n\n");
            }
            5 | 6 => {
                let name = self.name("process");
                self.doc(&format!("Processes {name}"));
                let ann = self.annotation("implements", 40);
                self.out.push_str(&ann.replacen("    ", "", 1));
                let body = self.body("    ", 3, 20);
                let _ = write!(
                    self.out,
                    "pub async fn {name}(state: &AppState, id: Uuid) -> Result<(), Error> {{\n{body}    Ok(())\n}}\n\n"
                );
            }
            7 if depth == 0 => {
                let name = self.name("helpers");
                let _ = writeln!(self.out, "pub mod {name} {{\n    use super::*;\n");
                for _ in 0..1 + self.rng.below(3) {
                    self.item(depth + 1);
                }
                self.out.push_str("}\n\n");
            }
            8 => {
                let name = self.name("Store");
                self.doc(&format!("Storage for {name}"));
                let _ = writeln!(
                    self.out,
                    "pub trait {name}: Send + Sync {{\n    /// Loads one.\n    fn load(&self, id: Uuid) -> Result<Entry, Error>;\n\n    /// Saves one.\n    fn save(&self, e: &Entry) -> Result<(), Error> {{\n        let _ = e;\n        Ok(())\n    }}\n}}\n"
                );
            }
            9 if self.rng.chance(30) => {
                let name = self.name("route");
                let _ = writeln!(
                    self.out,
                    "macro_rules! {name} {{\n    ($(#[$m:meta])* $n:ident => $path:literal) => {{\n        $(#[$m])*\n        pub fn $n() -> &'static str {{ $path }}\n    }};\n}}\n"
                );
            }
            _ => {
                let name = self.name("QUERY");
                let _ = writeln!(
                    self.out,
                    "const {name}: &str = r#\"\n    SELECT o.id, o.total FROM orders o\n    WHERE o.user_id = $1 AND o.status <> 'cancelled'\n    ORDER BY o.created_at DESC\n\"#;\n"
                );
            }
        }
    }

    fn tests_module(&mut self) {
        self.out
            .push_str("#[cfg(test)]\nmod tests {\n    use super::*;\n\n");
        for _ in 0..2 + self.rng.below(5) {
            let name = self.name("works");
            let attr = self.rng.pick(&["#[test]", "#[tokio::test]"]);
            let _ = writeln!(self.out, "    {attr}");
            let ann = self.annotation("verifies", 70);
            self.out.push_str(&ann);
            let body = self.body("        ", 2, 8);
            let asyncness = if attr.contains("tokio") { "async " } else { "" };
            let _ = write!(
                self.out,
                "    {asyncness}fn {name}() {{\n{body}        assert_eq!(1 + 1, 2);\n    }}\n\n"
            );
        }
        self.out.push_str("}\n");
    }
}

fn rust_file(rng: &mut Rng, domain: &str, layer: &str, annotated: bool) -> (String, usize) {
    let target_lines = 150 + rng.below(800);
    let alias = (annotated && rng.chance(15)).then_some("requirement");
    let mut f = RustFile {
        rng,
        out: String::with_capacity(target_lines * 40),
        prefix: domain.to_uppercase(),
        annotated,
        alias,
        annotations: 0,
        n: 0,
        mentions: 0,
    };
    // A few files mention the attribute in a comment or a string.
    if f.rng.chance(4) {
        f.mentions = 1 + f.rng.below(2);
    }
    let _ = writeln!(
        f.out,
        "//! The {layer} of the {domain} domain.\n//!\n//! Everything here is generated for the benchmark.\n"
    );
    f.out.push_str("use std::collections::HashMap;\nuse std::sync::Arc;\n\nuse serde::{Deserialize, Serialize};\nuse uuid::Uuid;\n");
    if annotated {
        f.out
            .push_str("use specplan_macros::{implements, verifies};\n");
        if let Some(a) = alias {
            let _ = writeln!(f.out, "use specplan_macros::implements as {a};");
        }
    }
    f.out.push('\n');
    let mut lines = f.out.lines().count();
    while lines < target_lines {
        let before = f.out.len();
        f.item(0);
        lines += f.out[before..].matches('\n').count();
    }
    if annotated || f.rng.chance(30) {
        f.tests_module();
    }
    (f.out, f.annotations)
}

fn requirements_md(domain: &str) -> String {
    let p = domain.to_uppercase();
    let mut s = format!(
        "# {domain} requirements\n\n**Version:** 0.1.0\n**Last Updated:** 2025-01-01\n**Status:** Draft\n\n## 1. Functional requirements\n\n"
    );
    for i in 1..=FRS {
        let _ = writeln!(
            s,
            "### FR-{p}-{i:02}: Requirement {i} of {domain}\n\nThe system shall do thing {i}.\n"
        );
    }
    s.push_str("## 2. Non-functional requirements\n\n");
    for i in 1..=NFRS {
        let _ = writeln!(s, "### NFR-{p}-{i:02}: Quality {i}\n\nWithin 200 ms.\n");
    }
    s
}

fn generate(root: &Path) -> Tree {
    let mut tree = Tree::default();
    let mut rng = Rng(0x5EED);
    let members: Vec<String> = DOMAINS.iter().map(|d| format!("\"crates/{d}\"")).collect();
    write(
        root,
        "Cargo.toml",
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
        &mut tree,
    );
    let mut index = 0usize;
    for domain in DOMAINS {
        write(
            root,
            &format!("crates/{domain}/Cargo.toml"),
            &format!("[package]\nname = \"{domain}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            &mut tree,
        );
        let mut lib = String::new();
        for layer in LAYERS {
            let _ = writeln!(lib, "pub mod {layer};");
            let mut modrs = String::new();
            for i in 0..FILES_PER_LAYER {
                let _ = writeln!(modrs, "pub mod {layer}_{i:02};");
                let annotated = index.is_multiple_of(5);
                index += 1;
                let (text, n) = rust_file(&mut rng, domain, layer, annotated);
                tree.annotations += n;
                tree.annotated_files += usize::from(n > 0);
                tree.rs_files += 1;
                write(
                    root,
                    &format!("crates/{domain}/src/{layer}/{layer}_{i:02}.rs"),
                    &text,
                    &mut tree,
                );
            }
            write(
                root,
                &format!("crates/{domain}/src/{layer}/mod.rs"),
                &modrs,
                &mut tree,
            );
            tree.rs_files += 1;
        }
        write(
            root,
            &format!("crates/{domain}/src/lib.rs"),
            &lib,
            &mut tree,
        );
        tree.rs_files += 1;
        write(
            root,
            &format!("docs/en/specifications/{domain}/requirements/requirements.md"),
            &requirements_md(domain),
            &mut tree,
        );
        tree.requirements += FRS + NFRS;
    }
    tree
}

/// The routed case: a backend of 24 crates that depend on axum, each with
/// a router in `routes.rs` registering the handlers of its `handlers`
/// layer (handlers in about one file in four), nested under `/api/<crate>`
/// by an `app` crate's `main`. Returns the tree and the number of routes.
fn generate_routed(root: &Path) -> (Tree, usize) {
    const CRATES: usize = 24;
    const ROUTED_FILES_PER_LAYER: usize = 11;
    const HANDLERS_PER_FILE: usize = 11;
    let mut tree = Tree::default();
    let mut rng = Rng(0xA11CE);
    let names: Vec<String> = (0..CRATES)
        .map(|i| format!("{}{}", DOMAINS[i % DOMAINS.len()], i / DOMAINS.len()))
        .collect();
    let mut members: Vec<String> = names.iter().map(|d| format!("\"crates/{d}\"")).collect();
    members.push("\"app\"".into());
    write(
        root,
        "Cargo.toml",
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
        &mut tree,
    );
    let mut routes = 0;
    let mut app_deps = String::new();
    let mut app_nests = String::new();
    for (ci, name) in names.iter().enumerate() {
        let domain = DOMAINS[ci % DOMAINS.len()];
        write(
            root,
            &format!("crates/{name}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\nserde = \"1\"\n"
            ),
            &mut tree,
        );
        let _ = writeln!(app_deps, "{name} = {{ path = \"../crates/{name}\" }}");
        let _ = writeln!(
            app_nests,
            "        .nest(\"/api/{name}\", {name}::routes::router())"
        );
        let mut lib = String::from("pub mod routes;\n");
        let mut router = String::from(
            "//! The HTTP routes of this crate.\n\nuse axum::routing::{delete, get, post, put};\nuse axum::Router;\n\nuse crate::handlers;\n\npub fn router() -> Router {\n    Router::new()\n",
        );
        for layer in LAYERS {
            let _ = writeln!(lib, "pub mod {layer};");
            let mut modrs = String::new();
            for i in 0..ROUTED_FILES_PER_LAYER {
                let _ = writeln!(modrs, "pub mod {layer}_{i:02};");
                let annotated = rng.chance(20);
                let (mut text, n) = rust_file(&mut rng, domain, layer, annotated);
                if layer == "handlers" && i % 4 == 0 {
                    text.push_str("\nuse axum::{extract::Path, Json};\n");
                    for h in 0..HANDLERS_PER_FILE {
                        let _ = write!(
                            text,
                            "\npub async fn route_{h}(Path(id): Path<u64>) -> Json<Vec<u64>> {{\n    Json(vec![id])\n}}\n"
                        );
                        let method = ["get", "post", "put", "delete"][rng.below(4)];
                        let _ = writeln!(
                            router,
                            "        .route(\"/r{i}/{h}/{{id}}\", {method}(handlers::{layer}_{i:02}::route_{h}))"
                        );
                        routes += 1;
                    }
                }
                tree.annotations += n;
                tree.annotated_files += usize::from(n > 0);
                tree.rs_files += 1;
                write(
                    root,
                    &format!("crates/{name}/src/{layer}/{layer}_{i:02}.rs"),
                    &text,
                    &mut tree,
                );
            }
            write(
                root,
                &format!("crates/{name}/src/{layer}/mod.rs"),
                &modrs,
                &mut tree,
            );
            tree.rs_files += 1;
        }
        router.push_str("}\n");
        write(
            root,
            &format!("crates/{name}/src/routes.rs"),
            &router,
            &mut tree,
        );
        write(root, &format!("crates/{name}/src/lib.rs"), &lib, &mut tree);
        tree.rs_files += 2;
    }
    write(
        root,
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\ntokio = \"1\"\n{app_deps}"
        ),
        &mut tree,
    );
    write(
        root,
        "app/src/main.rs",
        &format!(
            "#[tokio::main]\nasync fn main() {{\n    let app = axum::Router::new()\n{app_nests}        ;\n    let listener = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();\n    axum::serve(listener, app).await.unwrap();\n}}\n"
        ),
        &mut tree,
    );
    tree.rs_files += 1;
    for domain in DOMAINS {
        write(
            root,
            &format!("docs/en/specifications/{domain}/requirements/requirements.md"),
            &requirements_md(domain),
            &mut tree,
        );
        tree.requirements += FRS + NFRS;
    }
    (tree, routes)
}

/// The routed case, timed: the whole `check` and `routes` against rg, and
/// the peak memory of the check alone.
fn routed_case(runs: usize, have_rg: bool) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().unwrap();
    let (tree, routes) = generate_routed(&root);
    if let Ok(keep) = std::env::var("SPECPLAN_BENCH_KEEP") {
        // Keep a copy of the generated tree to look at.
        let _ = Command::new("cp").arg("-r").arg(&root).arg(&keep).status();
    }
    println!(
        "\n== routed: {} .rs files over {} crates that depend on axum, {} lines, {routes} routes, {} annotations",
        tree.rs_files, 25, tree.lines, tree.annotations
    );
    assert!(tree.rs_files >= 1000 && routes >= 700);
    let ws = Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
    let loaded = specplan_core::config::load(&ws).expect("the configuration loads");
    // Warm up, and check the routes are all found.
    let files = source::walk_workspace(&ws);
    let found = specplan_core::routes::extract(&ws, &files);
    assert_eq!(
        found.endpoints.len(),
        routes,
        "every generated route is found: {:?}",
        found.unresolved
    );
    drop(found);
    let peak_reset = reset_peak();
    let mut checks = Vec::new();
    let mut route_times = Vec::new();
    let mut rgs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let report =
            specplan_core::check::run(&ws, &loaded, &specplan_core::check::Options::default())
                .expect("the check runs");
        checks.push(t.elapsed());
        std::hint::black_box(report.diagnostics.len());
        if have_rg {
            let t = Instant::now();
            rg_pass(&root);
            rgs.push(t.elapsed());
        }
    }
    let peak = peak_kib();
    for _ in 0..runs {
        let files = source::walk_workspace(&ws);
        let t = Instant::now();
        std::hint::black_box(specplan_core::routes::extract(&ws, &files).endpoints.len());
        route_times.push(t.elapsed());
    }
    println!(
        "  specplan check {:>9}  (of which routes alone {})",
        ms(median(checks.clone())),
        ms(median(route_times))
    );
    if have_rg {
        println!(
            "  rg -c -t rust 'implements\\(' {:>9}",
            ms(median(rgs.clone()))
        );
        let ratio = median(checks).as_secs_f64() / median(rgs).as_secs_f64();
        println!("  ratio          {ratio:.2}× rg (whole check; target ≤ 1.5×)");
    }
    print_peak(peak, peak_reset);
}

/// A requirements table of 10,000 and of 40,000 rows (every row a finding:
/// no code implements it): `check` must grow linearly with the document
/// (it was quadratic: every finding's line counted from the start).
fn table_case(runs: usize) {
    let mut medians = Vec::new();
    for rows in [10_000usize, 40_000] {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let root = tmp.path().canonicalize().unwrap();
        let mut tree = Tree::default();
        write(
            &root,
            "Cargo.toml",
            "[package]\nname = \"big\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            &mut tree,
        );
        write(&root, "src/main.rs", "fn main() {}\n", &mut tree);
        write(
            &root,
            "specplan.toml",
            "[[domains]]\nname = \"auth\"\n",
            &mut tree,
        );
        let mut doc = String::from(
            "# Requirements\n\n- **Version:** 0.1.0\n- **Last Updated:** 2026-01-01\n- **Status:** Draft\n\n## 1. Functional\n\n| ID | Title | Priority |\n|---|---|---|\n",
        );
        for i in 1..=rows {
            let _ = writeln!(doc, "| FR-AUTH-{i:02} | Requirement number {i} | High |");
        }
        write(
            &root,
            "docs/en/specifications/auth/requirements/requirements.md",
            &doc,
            &mut tree,
        );
        let ws =
            Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
        let loaded = specplan_core::config::load(&ws).expect("the configuration loads");
        let mut times = Vec::new();
        let mut findings = 0;
        for _ in 0..runs.min(5) {
            let t = Instant::now();
            let report =
                specplan_core::check::run(&ws, &loaded, &specplan_core::check::Options::default())
                    .expect("the check runs");
            times.push(t.elapsed());
            findings = report.diagnostics.len();
        }
        let m = median(times);
        println!(
            "  table of {rows} rows: check {} ({findings} findings)",
            ms(m)
        );
        medians.push(m.as_secs_f64());
    }
    println!(
        "  40,000 rows / 10,000 rows: {:.1}x (linear is 4x; it was 14x)",
        medians[1] / medians[0]
    );
}

/// Peak resident memory of this process, from `/proc/self/status`.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Prints the peak memory line of a case.
fn print_peak(peak: Option<u64>, reset: bool) {
    match peak {
        Some(kib) => println!(
            "  peak memory    {:.1} MiB (VmHWM{}; target ≤ 64 MiB)",
            kib as f64 / 1024.0,
            if reset {
                ", reset before the timed runs"
            } else {
                ", whole process"
            }
        ),
        None => println!("  peak memory    unknown (no /proc/self/status)"),
    }
}

/// Resets the peak to the current resident size (Linux 4.0+).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What `check` does with the code today: walk, read the docs, scan.
fn check_pass(ws: &Workspace) -> (usize, usize, Duration, Duration, Duration) {
    let t = Instant::now();
    let files = source::walk_workspace(ws);
    let walk = t.elapsed();
    let t = Instant::now();
    let docs_root = ws.root.join("docs/en/specifications");
    let mut doc_bytes = 0;
    for f in files
        .files
        .iter()
        .filter(|f| f.rel.ends_with(".md") && f.abs.starts_with(&docs_root))
    {
        doc_bytes += source::read_text(f).map_or(0, |t| t.len());
    }
    let docs = t.elapsed();
    let t = Instant::now();
    let result = annotations::scan_workspace(ws, &files);
    let scan = t.elapsed();
    (result.annotations.len(), doc_bytes, walk, docs, scan)
}

fn rg_available() -> bool {
    Command::new("rg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `rg -c -t rust 'implements\('`: (files matched, lines matched).
fn rg_pass(root: &Path) -> (usize, usize) {
    let out = Command::new("rg")
        .args(["-c", "-t", "rust", r"implements\("])
        .arg(root)
        .output()
        .expect("rg runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut files = 0;
    let mut lines = 0;
    for l in text.lines() {
        files += 1;
        lines += l
            .rsplit(':')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
    }
    (files, lines)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let runs: usize = std::env::var("SPECPLAN_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9)
        .max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let case = std::env::var("SPECPLAN_BENCH_CASE").unwrap_or_default();
    if case == "routed" {
        routed_case(runs, rg_available());
        return;
    }
    if case == "table" {
        table_case(runs);
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().unwrap();

    let t = Instant::now();
    let tree = generate(&root);
    println!(
        "generated in {}: {} files ({} .rs, {} with annotations), {} lines, {:.1} MiB, \
         {} annotations, {} requirements over {} domains",
        ms(t.elapsed()),
        tree.files,
        tree.rs_files,
        tree.annotated_files,
        tree.lines,
        tree.bytes as f64 / (1024.0 * 1024.0),
        tree.annotations,
        tree.requirements,
        DOMAINS.len()
    );
    assert!(tree.rs_files >= 1000 && tree.lines >= 500_000 && tree.annotations >= 2000);

    let t = Instant::now();
    let ws = Workspace::load(Some(&root.join("Cargo.toml")), &root).expect("the workspace loads");
    let load = t.elapsed();
    assert_eq!(ws.packages.len(), DOMAINS.len());
    println!("load (cargo metadata --no-deps): {}", ms(load));

    let have_rg = rg_available();
    if !have_rg {
        println!(
            "rg is not on PATH: the comparison with ripgrep is skipped (apt-get install ripgrep)"
        );
    }
    let peak_reset = reset_peak();
    // Warm the page cache and both programs.
    let (found, _, _, _, _) = check_pass(&ws);
    let rg_counts = have_rg.then(|| rg_pass(&root));
    let mut ours = Vec::new();
    let mut walks = Vec::new();
    let mut docs = Vec::new();
    let mut scans = Vec::new();
    let mut rgs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (n, _, walk, doc, scan) = check_pass(&ws);
        ours.push(t.elapsed());
        walks.push(walk);
        docs.push(doc);
        scans.push(scan);
        assert_eq!(n, found);
        if have_rg {
            let t = Instant::now();
            rg_pass(&root);
            rgs.push(t.elapsed());
        }
    }
    // The whole check, as `cargo specplan check` runs it after loading the
    // workspace: the walk, the docs, the scan, the routes and every rule.
    let loaded = specplan_core::config::load(&ws).expect("the configuration loads");
    let mut checks = Vec::new();
    let mut findings = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let report =
            specplan_core::check::run(&ws, &loaded, &specplan_core::check::Options::default())
                .expect("the check runs");
        checks.push(t.elapsed());
        findings = report.diagnostics.len();
    }
    // Where the check's time goes beyond the scan.
    let mut route_times = Vec::new();
    let mut spec_times = Vec::new();
    let domains: Vec<(String, String)> = loaded
        .config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect();
    for _ in 0..runs {
        let files = source::walk_workspace(&ws);
        let t = Instant::now();
        let routes = specplan_core::routes::extract(&ws, &files);
        route_times.push(t.elapsed());
        std::hint::black_box(routes.endpoints.len());
        let t = Instant::now();
        let spec = specplan_core::spec::load(&ws.jail, &loaded.config.docs.root(), &domains);
        spec_times.push(t.elapsed());
        std::hint::black_box(spec.documents.len());
    }
    let peak = peak_kib();

    println!("\n{runs} runs on {cores} cores, medians:");
    println!(
        "  of which        routes {}, docs (spec model) {}",
        ms(median(route_times)),
        ms(median(spec_times))
    );
    println!(
        "  specplan check {:>9}  (everything `check` does after loading: walk, docs, scan, routes, rules; {findings} findings)",
        ms(median(checks.clone()))
    );
    println!(
        "  specplan scan  {:>9}  (walk {}, docs {}, scan {})",
        ms(median(ours.clone())),
        ms(median(walks)),
        ms(median(docs)),
        ms(median(scans))
    );
    if have_rg {
        let (rg_files, rg_lines) = rg_counts.unwrap_or_default();
        let ratio = median(ours.clone()).as_secs_f64() / median(rgs.clone()).as_secs_f64();
        println!(
            "  rg -c -t rust 'implements\\(' {:>9}  ({rg_files} files, {rg_lines} lines)",
            ms(median(rgs.clone()))
        );
        println!("  ratio          {ratio:.2}× rg (scan)");
        let check_ratio = median(checks.clone()).as_secs_f64() / median(rgs.clone()).as_secs_f64();
        println!("  ratio          {check_ratio:.2}× rg (whole check; target ≤ 1.5×)");
    }
    print_peak(peak, peak_reset);

    if case != "plain" {
        routed_case(runs, have_rg);
    }

    // Correctness, untimed.
    let files = source::walk_workspace(&ws);
    let result = annotations::scan_workspace(&ws, &files);
    println!(
        "\nscan: {} annotations; {} of {} files lexed, {} fell back to syn, {} diagnostics",
        result.annotations.len(),
        result.stats.lexed,
        result.stats.files,
        result.stats.fallbacks,
        result.diagnostics.len()
    );
    assert_eq!(
        result.annotations.len(),
        tree.annotations,
        "every generated annotation is found"
    );
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    if std::env::var("SPECPLAN_BENCH_ORACLE").is_ok_and(|v| v == "0") {
        return;
    }
    let t = Instant::now();
    let mut syn_bytes = 0;
    for f in &files.files {
        if !f.rel.ends_with(".rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f.abs).unwrap();
        syn_bytes += text.len();
        let oracle = annotations::scan_text_with_syn(&f.rel, &text).expect("generated files parse");
        let mine: Vec<&Annotation> = result
            .annotations
            .iter()
            .filter(|a| a.file == f.rel)
            .collect();
        assert_eq!(mine.len(), oracle.len(), "{}", f.rel);
        assert!(mine.iter().zip(&oracle).all(|(a, b)| *a == b), "{}", f.rel);
        proc_macro2::extra::invalidate_current_thread_spans();
    }
    let full = t.elapsed();
    println!(
        "full syn walk (the oracle) of every file, one core: {} ({:.0} ns/byte); it agrees with the scan on every file",
        ms(full),
        full.as_nanos() as f64 / syn_bytes as f64
    );
}
