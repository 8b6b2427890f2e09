//! Infrastructure files: Dockerfiles, compose files, Kubernetes manifests,
//! Helm charts, `fly.toml`, `Shuttle.toml`, `Procfile`, `render.yaml` and
//! Railway.
//!
//! YAML is read with `serde_yaml_ng`, TOML with `toml`; a file that does not
//! parse is a warning naming the file and the line, and the others are still
//! read.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_yaml_ng::Value;

use super::Database;
use crate::diag::{Diagnostic, Level, Span};
use crate::lockfile::toml_diagnostic;
use crate::source::{self, Files, WalkedFile};

/// A piece of infrastructure and the file that declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Infrastructure {
    /// `docker`, `docker-compose`, `kubernetes`, `helm`, `fly`, `shuttle`,
    /// `procfile`, `render`, `railway`.
    pub name: String,
    /// Workspace-relative; for Shuttle found through dependencies, the
    /// member's `Cargo.toml`.
    pub file: String,
    /// The member, when the finding comes from its dependencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    pub details: InfraDetails,
}

/// What an infrastructure file says; empty fields are left out of JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InfraDetails {
    /// Fly app, Helm chart or Shuttle project name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Helm chart version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Base images (Dockerfile `FROM`, not earlier stages), service or
    /// container images.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// `EXPOSE`d ports, container ports, internal ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
    /// Compose services, Procfile process types, render services.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Kubernetes resources as `Kind/name`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// The crates that show it (Shuttle).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crates: Vec<String>,
}

/// A compose file and its services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComposeFile {
    pub file: String,
    /// By name.
    pub services: Vec<ComposeService>,
}

/// One compose service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ComposeService {
    pub name: String,
    /// 1-based line of the service's key, when it could be found.
    pub line: Option<usize>,
    pub image: Option<String>,
    /// The build context, for services built from source.
    pub build: Option<String>,
    /// As written: `"8080:8080"`, `"5432"`, long syntax as `published:target`.
    pub ports: Vec<String>,
    /// The names of the `environment` variables (values are left out: they
    /// may be secrets).
    pub environment: Vec<String>,
    pub env_files: Vec<String>,
    pub depends_on: Vec<String>,
}

/// Everything the infrastructure files say.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub infrastructure: Vec<Infrastructure>,
    pub compose: Vec<ComposeFile>,
    pub databases: Vec<Database>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dockerfile,
    Compose,
    HelmChart,
    Fly,
    Shuttle,
    Procfile,
    Render,
    Railway,
    /// Any other YAML file: a Kubernetes manifest if it says so.
    Yaml,
}

fn kind_of(file_name: &str) -> Option<Kind> {
    let lower = file_name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    Some(match lower.as_str() {
        "dockerfile" | "containerfile" => Kind::Dockerfile,
        _ if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") => Kind::Dockerfile,
        _ if yaml && (lower.starts_with("docker-compose.") || lower.starts_with("compose.")) => {
            Kind::Compose
        }
        "chart.yaml" => Kind::HelmChart,
        "fly.toml" => Kind::Fly,
        "shuttle.toml" => Kind::Shuttle,
        "procfile" => Kind::Procfile,
        "render.yaml" => Kind::Render,
        "railway.json" | "railway.toml" => Kind::Railway,
        _ if yaml => Kind::Yaml,
        _ => return None,
    })
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Reads every infrastructure file of the workspace.
pub(super) fn scan(files: &Files) -> Found {
    let mut found = Found::default();
    let classified: Vec<(&WalkedFile, Kind)> = files
        .files
        .iter()
        .filter_map(|f| kind_of(file_name(&f.rel)).map(|k| (f, k)))
        .collect();
    // Helm templates are Go templates, not YAML: skip everything inside a chart.
    let chart_dirs: Vec<&str> = classified
        .iter()
        .filter(|(_, k)| *k == Kind::HelmChart)
        .map(|(f, _)| dir_of(&f.rel))
        .collect();
    let in_chart = |rel: &str| {
        chart_dirs
            .iter()
            .any(|d| d.is_empty() || rel.starts_with(&format!("{d}/")))
    };
    for (file, kind) in classified {
        if kind == Kind::Yaml && in_chart(&file.rel) {
            continue;
        }
        let text = match source::read_text(file) {
            Ok(t) => t,
            Err(d) => {
                found.diagnostics.push(d);
                continue;
            }
        };
        let rel = file.rel.as_str();
        let details = match kind {
            Kind::Dockerfile => Some(("docker", dockerfile(&text))),
            Kind::Compose => compose(rel, &text, &mut found).map(|d| ("docker-compose", d)),
            Kind::HelmChart => helm_chart(rel, &text, &mut found).map(|d| ("helm", d)),
            Kind::Fly => fly(rel, &text, &mut found).map(|d| ("fly", d)),
            Kind::Shuttle => shuttle(rel, &text, &mut found).map(|d| ("shuttle", d)),
            Kind::Procfile => Some(("procfile", procfile(&text))),
            Kind::Render => render_yaml(rel, &text, &mut found).map(|d| ("render", d)),
            Kind::Railway => Some(("railway", InfraDetails::default())),
            Kind::Yaml => kubernetes(rel, &text, &mut found).map(|d| ("kubernetes", d)),
        };
        if let Some((name, details)) = details {
            found.infrastructure.push(Infrastructure {
                name: name.to_string(),
                file: rel.to_string(),
                package: None,
                details,
            });
        }
    }
    found
}

// ---------------------------------------------------------------------------
// Diagnostics

fn yaml_diagnostic(err: &serde_yaml_ng::Error, text: &str, rel: &str) -> Diagnostic {
    let mut d = Diagnostic::warning("invalid-yaml", format!("could not parse `{rel}`: {err}"))
        .in_file(rel)
        .with_help("the file is skipped; the rest of the workspace is still detected");
    if let Some(loc) = err.location() {
        // libyaml counts bytes; trust the offset only when it agrees with
        // the line it reports.
        let at = loc.index();
        let span = if at <= text.len()
            && text.is_char_boundary(at)
            && crate::diag::line_col(text, at).0 == loc.line()
        {
            Span::from_bytes(text, at, at + 1)
        } else {
            Span::line_only(loc.line(), loc.column())
        };
        d = d.at(span);
    }
    d
}

fn toml_warning(err: &toml::de::Error, text: &str, rel: &str) -> Diagnostic {
    let mut d = toml_diagnostic(err, text, rel)
        .with_help("the file is skipped; the rest of the workspace is still detected");
    d.level = Level::Warning;
    d
}

fn parse_yaml(rel: &str, text: &str, found: &mut Found) -> Option<Value> {
    match serde_yaml_ng::from_str::<Value>(text) {
        Ok(mut v) => {
            // `<<: *defaults` is common in compose files; a bad merge is not
            // worth losing the file over.
            let _ = v.apply_merge();
            Some(v)
        }
        Err(e) => {
            found.diagnostics.push(yaml_diagnostic(&e, text, rel));
            None
        }
    }
}

fn parse_toml(rel: &str, text: &str, found: &mut Found) -> Option<toml::Table> {
    toml::from_str::<toml::Table>(text)
        .map_err(|e| found.diagnostics.push(toml_warning(&e, text, rel)))
        .ok()
}

/// A scalar as text (`8080`, `"8080:80"`, `true`).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

// ---------------------------------------------------------------------------
// Dockerfile

/// Base images (`FROM`, leaving out earlier stages) and `EXPOSE`d ports.
fn dockerfile(text: &str) -> InfraDetails {
    let mut details = InfraDetails::default();
    let mut stages: Vec<String> = Vec::new();
    for line in logical_lines(text) {
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else {
            continue;
        };
        let args: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
        if instruction.eq_ignore_ascii_case("FROM") {
            let Some(image) = args.first() else { continue };
            if !stages.iter().any(|s| s.eq_ignore_ascii_case(image)) {
                push_unique(&mut details.images, image.to_string());
            }
            if let [_, as_kw, alias, ..] = args.as_slice()
                && as_kw.eq_ignore_ascii_case("AS")
            {
                stages.push(alias.to_string());
            }
        } else if instruction.eq_ignore_ascii_case("EXPOSE") {
            for port in args {
                push_unique(&mut details.ports, port.to_string());
            }
        }
    }
    details
}

/// Instructions with `\` continuations joined and comments dropped.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

// ---------------------------------------------------------------------------
// Compose

/// Images whose name says which database they run: the last path segment
/// of the image (or the one before it, for `mssql/server`).
const DATABASE_IMAGES: &[(&str, &str)] = &[
    ("cassandra", "cassandra"),
    ("clickhouse-server", "clickhouse"),
    ("elasticsearch", "elasticsearch"),
    ("mariadb", "mariadb"),
    ("memcached", "memcached"),
    ("mongo", "mongodb"),
    ("mongodb", "mongodb"),
    ("mongodb-community-server", "mongodb"),
    ("mssql", "mssql"),
    ("mysql", "mysql"),
    ("neo4j", "neo4j"),
    ("opensearch", "opensearch"),
    ("postgis", "postgres"),
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("redis", "redis"),
    ("redis-stack", "redis"),
    ("redis-stack-server", "redis"),
    ("scylla", "scylladb"),
    ("surrealdb", "surrealdb"),
    ("timescaledb", "postgres"),
    ("valkey", "redis"),
];

/// The database an image runs, if its name says so.
pub(super) fn database_of_image(image: &str) -> Option<&'static str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let mut segments: Vec<&str> = without_digest.split('/').collect();
    if let Some(last) = segments.last_mut() {
        *last = last.split(':').next().unwrap_or(last);
    }
    let lookup = |name: &str| {
        let name = name.to_ascii_lowercase();
        DATABASE_IMAGES
            .binary_search_by(|(image, _)| image.cmp(&name.as_str()))
            .ok()
            .map(|i| DATABASE_IMAGES[i].1)
    };
    let n = segments.len();
    lookup(segments[n - 1]).or_else(|| (n >= 2).then(|| lookup(segments[n - 2])).flatten())
}

fn compose(rel: &str, text: &str, found: &mut Found) -> Option<InfraDetails> {
    let root = parse_yaml(rel, text, found)?;
    if root.is_null() {
        return None;
    }
    if !root.is_mapping() {
        found.diagnostics.push(
            Diagnostic::warning(
                "invalid-compose",
                format!("`{rel}` is not a compose file: its top level is not a mapping"),
            )
            .in_file(rel),
        );
        return None;
    }
    let (services, parent) = match root.get("services") {
        Some(s) => (s.as_mapping(), Some("services")),
        // The original format: services at the top level.
        None if root.get("version").is_none() => (root.as_mapping(), None),
        None => (None, None),
    };
    let lines = key_lines(text, parent);
    let mut file = ComposeFile {
        file: rel.to_string(),
        services: Vec::new(),
    };
    for (key, service) in services.into_iter().flatten() {
        let Some(name) = scalar(key) else { continue };
        if parent.is_none() && service.get("image").is_none() && service.get("build").is_none() {
            continue;
        }
        let line = lines.iter().find(|(k, _)| *k == name).map(|(_, l)| *l);
        file.services.push(compose_service(name, line, service));
    }
    file.services.sort_by(|a, b| a.name.cmp(&b.name));
    let mut details = InfraDetails::default();
    for service in &file.services {
        details.services.push(service.name.clone());
        if let Some(image) = &service.image {
            push_unique(&mut details.images, image.clone());
            if let Some(db) = database_of_image(image) {
                found.databases.push(Database {
                    name: db.to_string(),
                    via: "docker-compose".to_string(),
                    package: None,
                    file: Some(rel.to_string()),
                });
            }
        }
    }
    details.images.sort();
    found.compose.push(file);
    Some(details)
}

fn compose_service(name: String, line: Option<usize>, service: &Value) -> ComposeService {
    let mut out = ComposeService {
        name,
        line,
        image: str_of(service, "image").map(String::from),
        ..ComposeService::default()
    };
    out.build = match service.get("build") {
        Some(Value::String(context)) => Some(context.clone()),
        Some(b @ Value::Mapping(_)) => Some(str_of(b, "context").unwrap_or(".").to_string()),
        _ => None,
    };
    for port in service
        .get("ports")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let text = match port {
            Value::Mapping(_) => {
                let target = port.get("target").and_then(scalar);
                let published = port.get("published").and_then(scalar);
                match (published, target) {
                    (Some(p), Some(t)) => Some(format!("{p}:{t}")),
                    (None, t) => t,
                    (p, None) => p,
                }
            }
            other => scalar(other),
        };
        if let Some(t) = text {
            out.ports.push(t);
        }
    }
    out.environment = match service.get("environment") {
        Some(Value::Mapping(m)) => m.keys().filter_map(scalar).collect(),
        Some(Value::Sequence(s)) => s
            .iter()
            .filter_map(Value::as_str)
            .map(|kv| kv.split('=').next().unwrap_or(kv).trim().to_string())
            .filter(|k| !k.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    out.environment.sort();
    out.environment.dedup();
    out.env_files = match service.get("env_file") {
        Some(Value::String(f)) => vec![f.clone()],
        Some(Value::Sequence(s)) => s
            .iter()
            .filter_map(|e| e.as_str().or_else(|| str_of(e, "path")))
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    };
    out.depends_on = match service.get("depends_on") {
        Some(Value::Sequence(s)) => s.iter().filter_map(scalar).collect(),
        Some(Value::Mapping(m)) => m.keys().filter_map(scalar).collect(),
        _ => Vec::new(),
    };
    out.depends_on.sort();
    out.depends_on.dedup();
    out
}

/// The 1-based line of each key directly under the top-level key `parent`
/// (or of each top-level key, without one), for block-style YAML. Flow-style
/// or otherwise unusual files just get no lines.
fn key_lines(text: &str, parent: Option<&str>) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut inside = parent.is_none();
    let mut indent: Option<usize> = parent.is_none().then_some(0);
    for (i, line) in text.lines().enumerate() {
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') || content.starts_with("---") {
            continue;
        }
        let depth = line.len() - content.len();
        let key = yaml_key(content);
        if let Some(parent) = parent
            && depth == 0
        {
            inside = key.as_deref() == Some(parent);
            continue;
        }
        if !inside {
            continue;
        }
        let level = *indent.get_or_insert(depth);
        if depth == level
            && let Some(k) = key
        {
            out.push((k, i + 1));
        }
    }
    out
}

/// The key of a `key: …` line, unquoted.
fn yaml_key(content: &str) -> Option<String> {
    let (key, rest) = match content.chars().next()? {
        q @ ('"' | '\'') => {
            let end = content[1..].find(q)? + 1;
            (&content[1..end], &content[end + 1..])
        }
        _ => {
            let colon = content.find(':')?;
            (content[..colon].trim_end(), &content[colon..])
        }
    };
    let rest = rest.trim_start();
    let after = rest.strip_prefix(':')?;
    (after.is_empty() || after.starts_with(char::is_whitespace)).then(|| key.to_string())
}

// ---------------------------------------------------------------------------
// Kubernetes and Helm

/// Kinds that make a YAML document a Kubernetes manifest when its
/// `apiVersion` is not obviously Kubernetes' own (`*.k8s.io`).
const KUBERNETES_KINDS: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "CronJob",
    "DaemonSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "Ingress",
    "Job",
    "Kustomization",
    "Namespace",
    "NetworkPolicy",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Pod",
    "PodDisruptionBudget",
    "ReplicaSet",
    "Role",
    "RoleBinding",
    "Secret",
    "Service",
    "ServiceAccount",
    "StatefulSet",
];

/// Documents read from one YAML stream at most; a stream is rarely longer.
const MAX_DOCUMENTS: usize = 1000;

fn kubernetes(rel: &str, text: &str, found: &mut Found) -> Option<InfraDetails> {
    // Cheap filter: only manifests are worth parsing; templated files are not
    // YAML until rendered.
    if !(text.contains("apiVersion") && text.contains("kind")) || text.contains("{{") {
        return None;
    }
    let mut details = InfraDetails::default();
    let documents = serde_yaml_ng::Deserializer::from_str(text).take(MAX_DOCUMENTS);
    for document in documents {
        let doc = match <Value as serde::Deserialize>::deserialize(document) {
            Ok(v) => v,
            Err(e) => {
                // After an error the stream cannot be resumed.
                found.diagnostics.push(yaml_diagnostic(&e, text, rel));
                break;
            }
        };
        let (Some(api), Some(kind)) = (str_of(&doc, "apiVersion"), str_of(&doc, "kind")) else {
            continue;
        };
        let is_k8s = api.contains("k8s.io")
            || KUBERNETES_KINDS.binary_search(&kind).is_ok()
            || kind == "List";
        if !is_k8s {
            continue;
        }
        let name = doc
            .get("metadata")
            .and_then(|m| str_of(m, "name"))
            .unwrap_or("?");
        push_unique(&mut details.resources, format!("{kind}/{name}"));
        collect_containers(&doc, &mut details);
        if kind == "Service" {
            for port in doc
                .get("spec")
                .and_then(|s| s.get("ports"))
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let p = port.get("port").and_then(scalar);
                let t = port.get("targetPort").and_then(scalar);
                let text = match (p, t) {
                    (Some(p), Some(t)) if p != t => format!("{p}:{t}"),
                    (Some(p), _) => p,
                    (None, Some(t)) => t,
                    (None, None) => continue,
                };
                push_unique(&mut details.ports, text);
            }
        }
    }
    (!details.resources.is_empty()).then_some(details)
}

/// Images and container ports of every `containers` / `initContainers`
/// list in a manifest, however deep (Deployment, CronJob, List…).
fn collect_containers(v: &Value, details: &mut InfraDetails) {
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                let is_containers = matches!(k.as_str(), Some("containers" | "initContainers"));
                if let (true, Some(list)) = (is_containers, child.as_sequence()) {
                    for c in list {
                        if let Some(image) = str_of(c, "image") {
                            push_unique(&mut details.images, image.to_string());
                        }
                        for port in c
                            .get("ports")
                            .and_then(Value::as_sequence)
                            .into_iter()
                            .flatten()
                        {
                            if let Some(p) = port.get("containerPort").and_then(scalar) {
                                push_unique(&mut details.ports, p);
                            }
                        }
                    }
                } else {
                    collect_containers(child, details);
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|c| collect_containers(c, details)),
        Value::Tagged(t) => collect_containers(&t.value, details),
        _ => {}
    }
}

fn helm_chart(rel: &str, text: &str, found: &mut Found) -> Option<InfraDetails> {
    let chart = parse_yaml(rel, text, found)?;
    Some(InfraDetails {
        app: str_of(&chart, "name").map(String::from),
        version: chart.get("version").and_then(scalar),
        ..InfraDetails::default()
    })
}

// ---------------------------------------------------------------------------
// Platforms

fn fly(rel: &str, text: &str, found: &mut Found) -> Option<InfraDetails> {
    let t = parse_toml(rel, text, found)?;
    let mut details = InfraDetails {
        app: t.get("app").and_then(|v| v.as_str()).map(String::from),
        ..InfraDetails::default()
    };
    let port = |v: &toml::Value| {
        v.get("internal_port")
            .and_then(|p| p.as_integer())
            .map(|p| p.to_string())
    };
    if let Some(p) = t.get("http_service").and_then(port) {
        push_unique(&mut details.ports, p);
    }
    for service in t
        .get("services")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(p) = port(service) {
            push_unique(&mut details.ports, p);
        }
    }
    Some(details)
}

fn shuttle(rel: &str, text: &str, found: &mut Found) -> Option<InfraDetails> {
    let t = parse_toml(rel, text, found)?;
    Some(InfraDetails {
        app: t.get("name").and_then(|v| v.as_str()).map(String::from),
        ..InfraDetails::default()
    })
}

/// The process types of a `Procfile` (`web: ./server`).
fn procfile(text: &str) -> InfraDetails {
    let mut details = InfraDetails::default();
    for line in text.lines() {
        let Some((name, _)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if !name.is_empty()
            && !name.starts_with('#')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            push_unique(&mut details.services, name.to_string());
        }
    }
    details
}

/// The services and databases of a Render blueprint.
fn render_yaml(rel: &str, text: &str, found: &mut Found) -> Option<InfraDetails> {
    let blueprint = parse_yaml(rel, text, found)?;
    let mut details = InfraDetails::default();
    let names: BTreeSet<String> = ["services", "databases"]
        .iter()
        .filter_map(|k| blueprint.get(*k).and_then(Value::as_sequence))
        .flatten()
        .filter_map(|s| str_of(s, "name").map(String::from))
        .collect();
    details.services = names.into_iter().collect();
    Some(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified() {
        assert_eq!(kind_of("Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("Dockerfile.worker"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("api.Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("docker-compose.override.yml"), Some(Kind::Compose));
        assert_eq!(kind_of("compose.yaml"), Some(Kind::Compose));
        assert_eq!(kind_of("Chart.yaml"), Some(Kind::HelmChart));
        assert_eq!(kind_of("deployment.yml"), Some(Kind::Yaml));
        assert_eq!(kind_of("main.rs"), None);
    }

    #[test]
    fn dockerfile_base_images_skip_stages() {
        let d = dockerfile(
            "# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM rust:1.80 AS build\nRUN cargo build \\\n  --release\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\nFROM build AS test\nexpose 8080 9090/tcp\n",
        );
        assert_eq!(d.images, ["rust:1.80", "debian:bookworm-slim"]);
        assert_eq!(d.ports, ["8080", "9090/tcp"]);
    }

    #[test]
    fn images_name_their_database() {
        assert_eq!(database_of_image("postgres:16-alpine"), Some("postgres"));
        assert_eq!(
            database_of_image("docker.io/library/redis@sha256:abc"),
            Some("redis")
        );
        assert_eq!(database_of_image("bitnami/postgresql:15"), Some("postgres"));
        assert_eq!(
            database_of_image("mcr.microsoft.com/mssql/server:2022-latest"),
            Some("mssql")
        );
        assert_eq!(database_of_image("mongo"), Some("mongodb"));
        assert_eq!(database_of_image("nginx:latest"), None);
        assert_eq!(database_of_image(""), None);
        let mut sorted = DATABASE_IMAGES.to_vec();
        sorted.sort();
        assert_eq!(sorted, DATABASE_IMAGES);
        assert!(KUBERNETES_KINDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn compose_services_with_lines() {
        let text = "\
x-env: &env
  RUST_LOG: info
services:
  # the API
  app:
    build: .
    ports: [\"8080:8080\"]
    environment:
      <<: *env
      DATABASE_URL: postgres://db
    depends_on:
      db:
        condition: service_healthy
  \"db\":
    image: postgres:16
    ports:
      - target: 5432
        published: 5433
    environment:
      - POSTGRES_PASSWORD=secret
      - POSTGRES_DB
    env_file: .env
volumes:
  data: {}
";
        let mut found = Found::default();
        let details = compose("docker-compose.yml", text, &mut found).unwrap();
        assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
        assert_eq!(details.services, ["app", "db"]);
        let file = &found.compose[0];
        let app = &file.services[0];
        assert_eq!(app.line, Some(5));
        assert_eq!(app.build.as_deref(), Some("."));
        assert_eq!(app.ports, ["8080:8080"]);
        assert_eq!(app.environment, ["DATABASE_URL", "RUST_LOG"]);
        assert_eq!(app.depends_on, ["db"]);
        let db = &file.services[1];
        assert_eq!(db.line, Some(14));
        assert_eq!(db.ports, ["5433:5432"]);
        assert_eq!(db.environment, ["POSTGRES_DB", "POSTGRES_PASSWORD"]);
        assert_eq!(db.env_files, [".env"]);
        assert_eq!(found.databases[0].name, "postgres");
    }

    #[test]
    fn broken_yaml_is_a_warning_with_a_line() {
        let mut found = Found::default();
        let text = "services:\n  app:\n    image: [unclosed\n  db: {\n";
        assert!(compose("compose.yaml", text, &mut found).is_none());
        let d = &found.diagnostics[0];
        assert_eq!(d.rule, "invalid-yaml");
        assert_eq!(d.level, Level::Warning);
        assert_eq!(d.file.as_deref(), Some("compose.yaml"));
        assert!(d.span.unwrap().line >= 3, "{d:?}");

        let mut found = Found::default();
        assert!(compose("compose.yaml", "just a string", &mut found).is_none());
        assert_eq!(found.diagnostics[0].rule, "invalid-compose");

        let mut found = Found::default();
        assert!(compose("compose.yaml", "", &mut found).is_none());
        assert!(found.diagnostics.is_empty());
    }

    #[test]
    fn kubernetes_documents() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.2
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: not-kubernetes
";
        let mut found = Found::default();
        let d = kubernetes("k8s/api.yaml", text, &mut found).unwrap();
        assert_eq!(d.resources, ["Deployment/api", "Service/api"]);
        assert_eq!(d.images, ["ghcr.io/acme/api:1.2"]);
        assert_eq!(d.ports, ["8080", "80:8080"]);

        let mut found = Found::default();
        let broken = "apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: [\n";
        let d = kubernetes("k8s/broken.yaml", broken, &mut found).unwrap();
        assert_eq!(d.resources, ["Service/?"]);
        assert_eq!(found.diagnostics.len(), 1);
        assert_eq!(found.diagnostics[0].span.unwrap().line, 6);
    }

    #[test]
    fn platform_files() {
        let mut found = Found::default();
        let d = fly(
            "fly.toml",
            "app = \"shop\"\n[http_service]\ninternal_port = 8080\n",
            &mut found,
        )
        .unwrap();
        assert_eq!(d.app.as_deref(), Some("shop"));
        assert_eq!(d.ports, ["8080"]);
        assert!(fly("fly.toml", "app = ", &mut found).is_none());
        assert_eq!(found.diagnostics[0].level, Level::Warning);
        assert_eq!(found.diagnostics[0].span.unwrap().line, 1);

        let d = procfile("web: ./target/release/api\nrelease: ./migrate\n# note: x\n");
        assert_eq!(d.services, ["web", "release"]);
    }

    #[test]
    fn yaml_keys() {
        assert_eq!(yaml_key("app:").as_deref(), Some("app"));
        assert_eq!(yaml_key("app: {}").as_deref(), Some("app"));
        assert_eq!(yaml_key("'my app':").as_deref(), Some("my app"));
        assert_eq!(yaml_key("- item"), None);
        assert_eq!(yaml_key("url: http://x"), Some("url".into()));
        assert_eq!(yaml_key("http://x"), None);
    }

    #[test]
    fn garbage_never_panics() {
        let mut inputs: Vec<String> = [
            "",
            "\u{feff}services:\n  app:\n",
            "services: ~",
            "services: [1, 2]",
            "services:\n  app: 3\n  - x\n",
            "services:\n  \"unterminated:\n",
            "services:\n  'a':\n    ports: [{published: [1]}, null, {}]\n    environment: [1, =, '']\n",
            "a: &a [*a]",
            "a: *nope",
            "<<: 1\nservices: {}",
            "x: &x {<<: *x}",
            "apiVersion: v1\nkind: List\nitems: [{kind: Pod, spec: {containers: 3}}]",
            "apiVersion: [\nkind: Deployment",
            "---\n---\n...\n---\napiVersion: v1\nkind: Service\nspec: {ports: [{port: {}}]}",
            "FROM\nFROM --x\nEXPOSE\n\\\n\\",
            "é: ü\n  ö:\n",
            ":\n:\n- :",
            "\t\tservices:\n\t app:",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        inputs.push("[".repeat(10_000));
        inputs.push("- ".repeat(5_000));
        inputs.push(format!("a: {}", "&x ".repeat(100)));
        // Deterministic noise from a YAML-ish alphabet.
        let alphabet: Vec<char> = "services:image-build ports\n\t'\"{}[],&*!|>#%@`é0123456789=<"
            .chars()
            .collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..1500 {
            let len = (state % 120) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            inputs.push(text);
        }
        for text in &inputs {
            let mut found = Found::default();
            let _ = compose("compose.yaml", text, &mut found);
            let _ = kubernetes(
                "k8s.yaml",
                &format!("apiVersion: v1\nkind: Pod\n{text}"),
                &mut found,
            );
            let _ = helm_chart("Chart.yaml", text, &mut found);
            let _ = render_yaml("render.yaml", text, &mut found);
            let _ = fly("fly.toml", text, &mut found);
            let _ = shuttle("Shuttle.toml", text, &mut found);
            let _ = dockerfile(text);
            let _ = procfile(text);
            let _ = key_lines(text, Some("services"));
            let _ = key_lines(text, None);
            for d in &found.diagnostics {
                let span = d.span.unwrap_or(Span::line_only(1, 1));
                assert!(span.line >= 1, "{d:?}");
            }
        }
    }
}
