//! The workspace documents `init` writes (SPEC.md §3): the specifications
//! index, `architecture.md`, `config.md` and `infrastructure.md`, rendered
//! from an [`Inspection`] through the templates.

use serde_json::{Value, json};

use crate::config::Config;
use crate::inspect::Inspection;
use crate::scan::layout;
use crate::templates::{TemplateError, Templates, mermaid_id};
use crate::workspace::Workspace;

/// A rendered document and where it goes, workspace-relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub rel: String,
    pub text: String,
}

/// The five pipeline documents of a domain, in order (SPEC.md §3).
pub const STEPS: &[(&str, &str, &str, &str)] = &[
    (
        "requirements",
        "Requirements",
        "requirements/requirements.md",
        "Stakeholders, functional/non-functional requirements, constraints",
    ),
    (
        "user-stories",
        "User Stories",
        "requirements/user-stories.md",
        "User stories with Given/When/Then acceptance criteria",
    ),
    (
        "api-spec",
        "API Specification",
        "requirements/api-spec.md",
        "API endpoints, request/response schemas, examples",
    ),
    (
        "use-cases",
        "Use Cases",
        "workflows/use-cases.md",
        "Actor-system interactions with sequence diagrams",
    ),
    (
        "sequence-diagram",
        "Sequence Diagrams",
        "workflows/sequence-diagram.md",
        "Architecture layer flows and error handling",
    ),
];

/// `../../..` from the docs root back to the workspace root.
fn up_to_root(docs_root: &str) -> String {
    let depth = docs_root
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .count();
    vec![".."; depth].join("/")
}

/// A Markdown link from a document in the docs root to `file:line` of the
/// workspace.
fn code_link(up: &str, file: &str, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("[{file}:{l}]({up}/{file}#L{l})"),
        None => format!("[{file}]({up}/{file})"),
    }
}

fn doc_meta(today: &str, prev: (&str, &str), next: (&str, &str)) -> Value {
    json!({
        "version": "0.1.0",
        "today": today,
        "status": "Draft",
        "prev": {"title": prev.0, "href": prev.1},
        "next": {"title": next.0, "href": next.1},
    })
}

fn architecture_title(pattern: &str) -> &'static str {
    match pattern {
        "layered" => "Layered",
        "mvc" => "MVC",
        "hexagonal" => "Hexagonal (ports and adapters)",
        "clean" => "Clean architecture",
        "ddd" => "Domain-driven design (DDD)",
        "modular" => "Modular",
        _ => "Not recognised",
    }
}

/// The specifications README (`init` and Step 6 `index` write the same):
/// the workspace documents and, per domain, its pipeline documents (linked
/// when they exist) and its README (when it exists).
pub fn specifications_readme(
    ws: &Workspace,
    config: &Config,
    templates: &Templates,
    today: &str,
) -> Result<Doc, TemplateError> {
    readme_of(ws, config, templates, today, false)
}

/// The three workspace documents: (title, file, description).
const WORKSPACE_DOCS: [(&str, &str, &str); 3] = [
    (
        "Architecture",
        "architecture.md",
        "Folder structure and layers",
    ),
    ("Configuration", "config.md", "Environment variables"),
    (
        "Infrastructure",
        "infrastructure.md",
        "Services, containers and ports",
    ),
];

/// The README; `written_with` when the workspace documents are written in
/// the same run (`init`), so they are linked although not on disk yet.
fn readme_of(
    ws: &Workspace,
    config: &Config,
    templates: &Templates,
    today: &str,
    written_with: bool,
) -> Result<Doc, TemplateError> {
    let root = config.docs.root();
    let workspace_docs: Vec<Value> = WORKSPACE_DOCS
        .iter()
        .map(|(title, file, description)| {
            let exists = written_with
                || ws
                    .jail
                    .is_file(ws.root.join(&root).join(file).as_std_path());
            json!({"title": title, "file": file, "exists": exists, "description": description})
        })
        .collect();
    let architecture = workspace_docs[0]["exists"] == true;
    let domains: Vec<Value> = config
        .domains
        .iter()
        .map(|d| {
            let docs: Vec<Value> = STEPS
                .iter()
                .map(|(_, title, path, description)| {
                    let href = format!("{}/{path}", d.name);
                    json!({
                        "title": title,
                        "file": path.rsplit('/').next().unwrap_or(path),
                        "href": href,
                        "exists": ws.jail.is_file(ws.root.join(&root).join(&href).as_std_path()),
                        "description": description,
                    })
                })
                .collect();
            let readme = format!("{}/README.md", d.name);
            json!({
                "name": d.name,
                "prefix": d.prefix(),
                "docs": docs,
                "readme": ws.jail.is_file(ws.root.join(&root).join(&readme).as_std_path()).then_some(readme),
            })
        })
        .collect();
    // Next: the architecture when it exists, else the first document of
    // the pipeline; without either, no link that would lead nowhere.
    let first = domains.iter().find_map(|d| {
        d["docs"]
            .as_array()?
            .iter()
            .find(|x| x["exists"] == true)
            .map(|x| {
                (
                    x["title"].as_str().unwrap_or("").to_string(),
                    x["href"].as_str().unwrap_or("").to_string(),
                )
            })
    });
    let mut doc = doc_meta(
        today,
        ("Specifications", "README.md"),
        ("Architecture", "architecture.md"),
    );
    if !architecture {
        doc["next"] = match first {
            Some((title, href)) => json!({"title": title, "href": href}),
            None => Value::Null,
        };
    }
    let ctx = json!({
        "project": ws.project_name(),
        "doc": doc,
        "domains": domains,
        "workspace_docs": workspace_docs,
    });
    Ok(Doc {
        rel: format!("{root}/README.md"),
        text: templates.render("specifications-readme.md.j2", &ctx)?,
    })
}

/// Renders the workspace documents.
pub fn workspace_docs(
    ws: &Workspace,
    inspection: &Inspection,
    config: &Config,
    today: &str,
) -> Result<Vec<Doc>, TemplateError> {
    let templates = Templates::new(crate::templates::Overrides::of(ws, config));
    let root = config.docs.root();
    let up = up_to_root(&root);
    let project = ws.project_name();
    let mut docs = Vec::new();

    // README.md: the index (the same document `index` writes).
    docs.push(readme_of(ws, config, &templates, today, true)?);

    // architecture.md
    let arch = &inspection.architecture;
    let packages: Vec<Value> = ws
        .packages
        .iter()
        .map(|p| {
            let mut kinds: Vec<String> = p
                .targets
                .iter()
                .flat_map(|t| t.kinds.iter().cloned())
                .filter(|k| {
                    matches!(
                        k.as_str(),
                        "lib" | "bin" | "proc-macro" | "cdylib" | "staticlib"
                    )
                })
                .collect();
            kinds.sort();
            kinds.dedup();
            json!({
                "name": p.name,
                "kinds": kinds,
                "path": ws.relative(p.root()),
                "edition": p.edition,
            })
        })
        .collect();
    let ctx = json!({
        "project": project,
        "doc": doc_meta(today, ("Specifications", "README.md"), ("Configuration", "config.md")),
        "architecture": {"title": architecture_title(&arch.pattern), "evidence": arch.evidence},
        "tree": layout::render_tree(&inspection.folders),
        "layers": arch.layers,
        "packages": packages,
        "rust_files": inspection.rust_files,
    });
    docs.push(Doc {
        rel: format!("{root}/architecture.md"),
        text: templates.render("architecture.md.j2", &ctx)?,
    });

    // config.md
    let env = &inspection.env;
    let documented = |name: &str| {
        // Example files first: their comments and values are meant to be read.
        let mut files: Vec<_> = env.dotenv_files.iter().collect();
        files.sort_by_key(|f| !f.example);
        let comment = files
            .iter()
            .flat_map(|f| &f.vars)
            .filter(|v| v.name == name)
            .find_map(|v| v.comment.clone());
        let example = files
            .iter()
            .filter(|f| f.example)
            .flat_map(|f| &f.vars)
            .filter(|v| v.name == name)
            .find_map(|v| v.value.clone());
        (comment, example)
    };
    let vars: Vec<Value> = env
        .vars
        .iter()
        .filter(|v| v.reads.iter().any(|r| !r.test))
        .map(|v| {
            let reads: Vec<String> = v
                .reads
                .iter()
                .filter(|r| !r.test)
                .map(|r| code_link(&up, &r.file, Some(r.line)))
                .collect();
            let (description, example) = documented(&v.name);
            json!({
                "name": v.name,
                "required": v.required,
                "default": v.default,
                "description": description.map(|d| crate::templates::cell(&d)),
                "example": example.or_else(|| v.default.clone()),
                "reads": reads,
            })
        })
        .collect();
    let required = vars.iter().filter(|v| v["required"] == true).count();
    let build_time: Vec<Value> = env
        .build_time
        .iter()
        .filter(|v| v.reads.iter().any(|r| !r.test))
        .map(|v| {
            let reads: Vec<_> = v.reads.iter().filter(|r| !r.test).collect();
            json!({
                "name": v.name,
                "how": reads.first().map(|r| r.how.clone()).unwrap_or_default(),
                "reads": reads.iter().map(|r| code_link(&up, &r.file, Some(r.line))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let files: Vec<Value> = env
        .dotenv_files
        .iter()
        .map(|f| {
            let unread: Vec<&str> = f
                .vars
                .iter()
                .map(|v| v.name.as_str())
                .filter(|n| !env.vars.iter().any(|v| v.name == *n))
                .collect();
            json!({
                "file": f.file,
                "vars": f.vars.iter().map(|v| v.name.clone()).collect::<Vec<_>>(),
                "unread": unread,
            })
        })
        .collect();
    let ctx = json!({
        "project": project,
        "doc": doc_meta(today, ("Architecture", "architecture.md"), ("Infrastructure", "infrastructure.md")),
        "env": {"vars": vars, "required": required, "build_time": build_time, "files": files},
    });
    docs.push(Doc {
        rel: format!("{root}/config.md"),
        text: templates.render("config.md.j2", &ctx)?,
    });

    // infrastructure.md
    let stack = &inspection.stack;
    let services: Vec<Value> = stack
        .compose
        .iter()
        .flat_map(|f| {
            let up = up.clone();
            f.services.iter().map(move |s| {
                json!({
                    "id": mermaid_id(&s.name),
                    "name": s.name,
                    "image": s.image,
                    "build": s.build,
                    "ports": s.ports,
                    "env": s.environment,
                    "depends_on": s.depends_on,
                    "defined_in": code_link(&up, &f.file, s.line),
                })
            })
        })
        .collect();
    let dockerfiles: Vec<Value> = stack
        .infrastructure
        .iter()
        .filter(|i| i.name == "docker")
        .map(|i| json!({"file": i.file, "images": i.details.images, "expose": i.details.ports}))
        .collect();
    let deployment: Vec<String> = stack
        .infrastructure
        .iter()
        .filter(|i| !matches!(i.name.as_str(), "docker" | "docker-compose"))
        .map(|i| {
            let d = &i.details;
            let mut what: Vec<String> = Vec::new();
            if let Some(app) = &d.app {
                what.push(format!("app `{app}`"));
            }
            if !d.resources.is_empty() {
                what.push(d.resources.join(", "));
            }
            if !d.services.is_empty() {
                what.push(format!("services {}", d.services.join(", ")));
            }
            if !d.images.is_empty() {
                what.push(format!("images {}", d.images.join(", ")));
            }
            let link = code_link(&up, &i.file, None);
            if what.is_empty() {
                format!("{}: {link}", infra_title(&i.name))
            } else {
                format!("{}: {link} — {}", infra_title(&i.name), what.join("; "))
            }
        })
        .collect();
    let summary: Vec<String> = stack
        .infrastructure
        .iter()
        .map(|i| format!("{}: `{}`", infra_title(&i.name), i.file))
        .collect();
    let ctx = json!({
        "project": project,
        "doc": doc_meta(today, ("Configuration", "config.md"), ("Specifications", "README.md")),
        "infra": {"summary": summary, "services": services, "dockerfiles": dockerfiles, "deployment": deployment},
    });
    docs.push(Doc {
        rel: format!("{root}/infrastructure.md"),
        text: templates.render("infrastructure.md.j2", &ctx)?,
    });
    Ok(docs)
}

fn infra_title(name: &str) -> String {
    match name {
        "docker" => "Docker".into(),
        "docker-compose" => "Docker Compose".into(),
        "kubernetes" => "Kubernetes".into(),
        "helm" => "Helm".into(),
        "fly" => "Fly.io".into(),
        "shuttle" => "Shuttle".into(),
        "procfile" => "Procfile".into(),
        "render" => "Render".into(),
        "railway" => "Railway".into(),
        other => other.to_string(),
    }
}
