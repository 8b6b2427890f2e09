//! The generated workspaces of the benchmarks (shared by `scan` and the
//! language server's benchmark): deterministic, written into a directory.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

pub const DOMAINS: [&str; 12] = [
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
pub const LAYERS: [&str; 4] = ["handlers", "services", "repositories", "models"];
pub const FILES_PER_LAYER: usize = 21;
pub const FRS: usize = 20;
pub const NFRS: usize = 4;

/// splitmix64: small and deterministic.
pub struct Rng(u64);

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
pub struct Tree {
    pub files: usize,
    pub rs_files: usize,
    pub annotated_files: usize,
    pub lines: usize,
    pub bytes: usize,
    pub annotations: usize,
    pub requirements: usize,
}

pub fn write(root: &Path, rel: &str, text: &str, tree: &mut Tree) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    tree.files += 1;
    tree.bytes += text.len();
    tree.lines += text.lines().count();
}

/// One Rust source file being written.
pub struct RustFile<'r> {
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

pub fn rust_file(rng: &mut Rng, domain: &str, layer: &str, annotated: bool) -> (String, usize) {
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

pub fn requirements_md(domain: &str) -> String {
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

pub fn generate(root: &Path) -> Tree {
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
pub fn generate_routed(root: &Path) -> (Tree, usize) {
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
