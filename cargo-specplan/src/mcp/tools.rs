//! The tools: each maps its arguments onto a command of the CLI and returns
//! the command's JSON as a structured result.
//!
//! A bad argument is a protocol error (`invalid params`) naming it; a
//! command that fails (a domain that does not exist, the review gate) is a
//! tool result with `isError` and the command's own message, which the
//! agent reads; `check` and `plan_validate` findings are data, not errors.

use std::path::Path;
use std::sync::Arc;

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::runner::{Output, Progress, Runner};

const STEPS: [&str; 5] = [
    "requirements",
    "user-stories",
    "api-spec",
    "use-cases",
    "sequence-diagram",
];

fn schema(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => unreachable!("tool schemas are objects"),
    }
}

fn tool(name: &'static str, description: &'static str, input: Value, read_only: bool) -> Tool {
    let annotations = ToolAnnotations::new()
        .read_only(read_only)
        .destructive(false)
        .open_world(false);
    Tool::new(name, description, schema(input)).with_annotations(annotations)
}

fn no_args() -> Value {
    json!({"type": "object", "properties": {}, "additionalProperties": false})
}

fn step_schema(description: &str) -> Value {
    json!({"type": "string", "enum": STEPS, "description": description})
}

/// Every tool, with the JSON Schema of its input.
pub fn catalogue() -> Vec<Tool> {
    let pair = json!({"oneOf": [
        {"type": "string", "description": "\"Key: value\", e.g. \"Shopper: signs in quickly\""},
        {"type": "object"}
    ]});
    vec![
        tool(
            "detect",
            "Step 0: what the workspace is built with (crates, web framework, database, ORM, API style, architecture, infrastructure), each fact with the file it was read from.",
            no_args(),
            true,
        ),
        tool(
            "routes",
            "The endpoints the code serves: method, path, handler (file:line), who may call it (auth, with evidence), the errors it answers, the requirement IDs it implements; where the server listens.",
            no_args(),
            true,
        ),
        tool(
            "status",
            "The pipeline state of every domain: each step's document, its status (Draft/Approved), version, TODO count, and the next command.",
            no_args(),
            true,
        ),
        tool(
            "init",
            "Steps 0 and 0.5: scaffold the specifications folder for the confirmed domains (architecture.md, config.md, infrastructure.md and one folder per domain), filled with what the code says. Ask the person to confirm the stack and the domains first.",
            json!({
                "type": "object",
                "properties": {
                    "domains": {"type": "array", "items": {"type": "string"}, "description": "the domains to scaffold, e.g. [\"auth\", \"orders\"]; default: the domains proposed from the code"}
                },
                "additionalProperties": false
            }),
            false,
        ),
        tool(
            "generate",
            "Steps 1-5: write a domain's next planning document behind the review gate (the previous step must be approved), filled from the code; returns the document's path and the TODOs only a person can answer, with their lines. Never replaces a document whole.",
            json!({
                "type": "object",
                "properties": {
                    "domain": {"type": "string", "description": "the domain, as configured (e.g. auth)"},
                    "step": step_schema("the step to write; default: the first whose document does not exist"),
                    "answers": {
                        "type": "object",
                        "description": "Step 1 answers the person gave; what is missing becomes a TODO",
                        "properties": {
                            "purpose": {"type": "string"},
                            "role": {"type": "string", "description": "the main user role of the stories (\"shopper\")"},
                            "base-url": {"type": "string"},
                            "stakeholders": {"type": "array", "items": pair},
                            "features": {"type": "array", "items": pair},
                            "nfrs": {"type": "array", "items": pair},
                            "constraints": {"type": "array", "items": pair}
                        },
                        "additionalProperties": false
                    }
                },
                "required": ["domain"],
                "additionalProperties": false
            }),
            false,
        ),
        tool(
            "approve",
            "Record the person's review of a step's document: Status Approved, Last Updated, Version. Call it only after the person approved the document.",
            json!({
                "type": "object",
                "properties": {
                    "domain": {"type": "string"},
                    "step": step_schema("the step whose document was reviewed")
                },
                "required": ["domain", "step"],
                "additionalProperties": false
            }),
            false,
        ),
        tool(
            "index",
            "Step 6: the specifications README index (and one README per domain for two or more domains).",
            no_args(),
            false,
        ),
        tool(
            "sync",
            "Refresh the generated regions of the documents that the code or the documents have left behind (only inside the regions; a person's words are never touched). With check: true, write nothing and list the outdated regions with what would change.",
            json!({
                "type": "object",
                "properties": {
                    "domain": {"type": "string", "description": "only this domain's documents"},
                    "check": {"type": "boolean", "description": "write nothing; list the outdated regions"}
                },
                "additionalProperties": false
            }),
            false,
        ),
        tool(
            "check",
            "Check that the documents and the code agree (the check CI runs): diagnostics with rule, level, file, line and help. Filter by file or rule.",
            json!({
                "type": "object",
                "properties": {
                    "file": {"type": "string", "description": "only diagnostics in this file (path from the workspace root)"},
                    "rule": {"type": "string", "description": "only diagnostics of this rule, e.g. undefined-id"}
                },
                "additionalProperties": false
            }),
            true,
        ),
        tool(
            "explain",
            "What a check rule means, why it matters and how to fix it; without a rule, every rule with its default level.",
            json!({
                "type": "object",
                "properties": {"rule": {"type": "string"}},
                "additionalProperties": false
            }),
            true,
        ),
        tool(
            "trace",
            "Traceability: coverage per domain, the gaps, and each requirement's chain (stories, use cases, endpoints, implementing code, verifying tests).",
            json!({
                "type": "object",
                "properties": {
                    "requirement": {"type": "string", "description": "only this requirement's chain, e.g. FR-AUTH-01"},
                    "domains": {"type": "array", "items": {"type": "string"}},
                    "gaps_only": {"type": "boolean"}
                },
                "additionalProperties": false
            }),
            true,
        ),
        tool(
            "plan",
            "The maker -> checker task plan (seed 001's JSON) for the requirements not implemented yet, or for the request in the person's words.",
            json!({
                "type": "object",
                "properties": {
                    "prompt": {"type": "string", "description": "the request in the person's words"},
                    "domains": {"type": "array", "items": {"type": "string"}},
                    "requirements": {"type": "array", "items": {"type": "string"}}
                },
                "additionalProperties": false
            }),
            true,
        ),
        tool(
            "plan_validate",
            "Check a plan against seed 001's rules and schema: diagnostics with their JSON paths. Validate every plan before returning it.",
            json!({
                "type": "object",
                "properties": {"plan": {"type": "object", "description": "the plan, as JSON"}},
                "required": ["plan"],
                "additionalProperties": false
            }),
            true,
        ),
        tool(
            "consult",
            "Seed 002: the five consultants' planning documents for a feature (API design, data model, technology, security, compliance) and their summary, under planning-docs/<feature>/, grounded in the code. Existing documents keep the person's words.",
            json!({
                "type": "object",
                "properties": {"feature": {"type": "string", "description": "e.g. \"Password reset\""}},
                "required": ["feature"],
                "additionalProperties": false
            }),
            false,
        ),
        tool(
            "annotate",
            "The #[implements] attributes the requirements imply for handlers that serve their endpoints: a diff, or applied with write.",
            json!({
                "type": "object",
                "properties": {
                    "domain": {"type": "string"},
                    "write": {"type": "boolean", "description": "apply the changes instead of returning the diff"}
                },
                "additionalProperties": false
            }),
            false,
        ),
    ]
}

/// The arguments of one call, read against the tool's schema.
struct Args<'a> {
    tool: &'a str,
    map: &'a JsonObject,
}

impl<'a> Args<'a> {
    fn new(tool: &'a str, map: &'a JsonObject, allowed: &[&str]) -> Result<Self, McpError> {
        if let Some(extra) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            let known = if allowed.is_empty() {
                "it takes no arguments".to_string()
            } else {
                format!("its arguments are {}", allowed.join(", "))
            };
            return Err(McpError::invalid_params(
                format!("`{tool}` has no argument `{extra}`: {known}"),
                None,
            ));
        }
        Ok(Args { tool, map })
    }

    fn bad(&self, key: &str, what: &str) -> McpError {
        McpError::invalid_params(format!("`{}`: `{key}` must be {what}", self.tool), None)
    }

    fn string(&self, key: &str) -> Result<Option<&'a str>, McpError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s)),
            Some(_) => Err(self.bad(key, "a non-empty string")),
        }
    }

    fn required(&self, key: &str) -> Result<&'a str, McpError> {
        self.string(key)?
            .ok_or_else(|| self.bad(key, "given (a non-empty string)"))
    }

    fn strings(&self, key: &str) -> Result<Vec<&'a str>, McpError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) if !s.trim().is_empty() => Ok(s.as_str()),
                    _ => Err(self.bad(key, "an array of non-empty strings")),
                })
                .collect(),
            Some(_) => Err(self.bad(key, "an array of non-empty strings")),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, McpError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "true or false")),
        }
    }

    fn step(&self, key: &str) -> Result<Option<&'a str>, McpError> {
        match self.string(key)? {
            Some(s) if !STEPS.contains(&s) => {
                Err(self.bad(key, &format!("one of {}", STEPS.join(", "))))
            }
            other => Ok(other),
        }
    }
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// A structured result: the JSON, and the same as text for clients that
/// read text only.
fn structured(value: Value) -> CallToolResult {
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

/// The command's own message, as a result the agent reads.
fn failed(out: &Output) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(out.message())])
}

fn parse_json(out: &Output, what: &str) -> Result<Value, McpError> {
    serde_json::from_str(&out.stdout).map_err(|e| {
        McpError::internal_error(
            format!(
                "`{what}` printed no JSON ({e}); its messages: {}",
                out.message()
            ),
            None,
        )
    })
}

/// The status lines and warnings a write command printed, for the agent.
fn log(out: &Output) -> Vec<String> {
    out.stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Runs a command for a call; a child that cannot start, or a cancelled
/// call, is an internal error.
async fn run(
    runner: &Runner,
    argv: Vec<String>,
    progress: &Progress,
    cancel: &CancellationToken,
) -> Result<Output, McpError> {
    runner
        .run(&argv, Some(progress), cancel)
        .await
        .map_err(|e| McpError::internal_error(e, None))
}

pub async fn call(
    runner: &Runner,
    root: &Path,
    name: &str,
    args: &JsonObject,
    progress: &Progress,
    cancel: &CancellationToken,
) -> Result<CallToolResult, McpError> {
    let run = |argv: Vec<String>| run(runner, argv, progress, cancel);
    match name {
        "detect" | "routes" | "status" => {
            Args::new(name, args, &[])?;
            let out = run(strs(&[name, "--format", "json"])).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            Ok(structured(parse_json(&out, name)?))
        }
        "init" => {
            let a = Args::new(name, args, &["domains"])?;
            let mut argv = strs(&["init", "--yes"]);
            for d in a.strings("domains")? {
                argv.extend(strs(&["--domain", d]));
            }
            let out = run(argv).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            let status = run(strs(&["status", "--format", "json"])).await?;
            Ok(structured(json!({
                "log": log(&out),
                "status": parse_json(&status, "status")?,
            })))
        }
        "generate" => generate(runner, root, args, progress, cancel).await,
        "approve" => {
            let a = Args::new(name, args, &["domain", "step"])?;
            let domain = a.required("domain")?;
            let step = a.step("step")?.ok_or_else(|| a.bad("step", "given"))?;
            let out = run(strs(&["approve", domain, step])).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            let status = parse_json(&run(strs(&["status", "--format", "json"])).await?, "status")?;
            Ok(structured(json!({
                "log": log(&out),
                "document": step_entry(&status, domain, step),
            })))
        }
        "index" => {
            Args::new(name, args, &[])?;
            let out = run(strs(&["index"])).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            Ok(structured(json!({"log": log(&out)})))
        }
        "sync" => {
            let a = Args::new(name, args, &["domain", "check"])?;
            let domain = a.string("domain")?;
            let mut argv = strs(&["sync"]);
            if a.flag("check")? {
                argv.push("--check".into());
            }
            if let Some(d) = domain {
                argv.extend(strs(&["--domain", d]));
            }
            let out = run(argv.clone()).await?;
            if out.code > 1 {
                return Ok(failed(&out));
            }
            // The outdated regions, structured: `check`'s findings of the rule.
            let report = parse_json(&run(strs(&["check", "--format", "json"])).await?, "check")?;
            let outdated: Vec<Value> = report["diagnostics"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter(|d| d["rule"] == specplan_core::sync::RULE)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            Ok(structured(json!({
                "log": log(&out),
                "outdated": outdated,
            })))
        }
        "check" => {
            let a = Args::new(name, args, &["file", "rule"])?;
            let (file, rule) = (a.string("file")?, a.string("rule")?);
            let out = run(strs(&["check", "--format", "json"])).await?;
            if out.code > 1 {
                return Ok(failed(&out));
            }
            let mut report = parse_json(&out, "check")?;
            if let Some(list) = report["diagnostics"].as_array_mut() {
                list.retain(|d| {
                    file.is_none_or(|f| d["file"].as_str() == Some(f))
                        && rule.is_none_or(|r| d["rule"].as_str() == Some(r))
                });
            }
            Ok(structured(report))
        }
        "explain" => {
            let a = Args::new(name, args, &["rule"])?;
            let argv = match a.string("rule")? {
                Some(rule) => strs(&["explain", rule]),
                None => strs(&["explain", "--list"]),
            };
            let out = run(argv).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            Ok(structured(json!({
                "rule": a.string("rule")?,
                "text": out.stdout,
            })))
        }
        "trace" => {
            let a = Args::new(name, args, &["requirement", "domains", "gaps_only"])?;
            let mut argv = strs(&["trace", "--format", "json"]);
            for d in a.strings("domains")? {
                argv.extend(strs(&["--domain", d]));
            }
            if a.flag("gaps_only")? {
                argv.push("--gaps".into());
            }
            let out = run(argv).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            let mut report = parse_json(&out, "trace")?;
            if let Some(id) = a.string("requirement")? {
                let found = report["requirements"]
                    .as_array()
                    .and_then(|list| list.iter().find(|r| r["id"].as_str() == Some(id)))
                    .cloned();
                let Some(chain) = found else {
                    return Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                        "no requirement `{id}` is defined in the documents traced"
                    ))]));
                };
                report = json!({"version": report["version"], "requirement": chain});
            }
            Ok(structured(report))
        }
        "plan" => {
            let a = Args::new(name, args, &["prompt", "domains", "requirements"])?;
            let mut argv = strs(&["plan"]);
            if let Some(p) = a.string("prompt")? {
                argv.extend(strs(&["--prompt", p]));
            }
            for d in a.strings("domains")? {
                argv.extend(strs(&["--domain", d]));
            }
            for r in a.strings("requirements")? {
                argv.extend(strs(&["--requirement", r]));
            }
            let out = run(argv).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            Ok(structured(parse_json(&out, "plan")?))
        }
        "plan_validate" => {
            let a = Args::new(name, args, &["plan"])?;
            let plan = match a.map.get("plan") {
                Some(p @ Value::Object(_)) => p,
                _ => return Err(a.bad("plan", "the plan as a JSON object")),
            };
            let file = tempfile::Builder::new()
                .prefix("specplan-plan-")
                .suffix(".json")
                .tempfile()
                .map_err(|e| {
                    McpError::internal_error(format!("cannot write the plan: {e}"), None)
                })?;
            std::fs::write(
                file.path(),
                serde_json::to_string_pretty(plan).unwrap_or_default(),
            )
            .map_err(|e| McpError::internal_error(format!("cannot write the plan: {e}"), None))?;
            let path = file.path().to_string_lossy().into_owned();
            let out = run(strs(&["plan", "--validate", &path, "--format", "json"])).await?;
            if out.code > 1 {
                return Ok(failed(&out));
            }
            Ok(structured(parse_json(&out, "plan --validate")?))
        }
        "consult" => {
            let a = Args::new(name, args, &["feature"])?;
            let feature = a.required("feature")?;
            let out = run(strs(&["consult", feature, "--yes"])).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            // The folder the command wrote, and each document's TODOs.
            let folder = format!("planning-docs/{}", specplan_core::consult::slug(feature));
            let mut documents = Vec::new();
            if let Ok(entries) = std::fs::read_dir(root.join(&folder)) {
                let mut names: Vec<String> = entries
                    .flatten()
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .filter(|n| n.ends_with(".md"))
                    .collect();
                names.sort();
                for n in names {
                    let path = format!("{folder}/{n}");
                    let todos = std::fs::read_to_string(root.join(&path))
                        .map(|t| specplan_core::pipeline::todos(&t))
                        .unwrap_or_default();
                    documents.push(json!({"path": path, "todos": todos}));
                }
            }
            Ok(structured(json!({
                "folder": folder,
                "documents": documents,
                "summary": out.stdout.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
                "log": log(&out),
            })))
        }
        "annotate" => {
            let a = Args::new(name, args, &["domain", "write"])?;
            let mut argv = strs(&["annotate"]);
            if let Some(d) = a.string("domain")? {
                argv.extend(strs(&["--domain", d]));
            }
            let write = a.flag("write")?;
            if write {
                argv.push("--write".into());
            }
            let out = run(argv).await?;
            if out.code != 0 {
                return Ok(failed(&out));
            }
            Ok(structured(json!({
                "written": write,
                "diff": out.stdout,
                "log": log(&out),
            })))
        }
        other => Err(McpError::invalid_params(
            format!(
                "no tool `{other}`: the tools are {}",
                catalogue()
                    .iter()
                    .map(|t| t.name.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        )),
    }
}

/// The status entry of one domain's step.
fn step_entry(status: &Value, domain: &str, step: &str) -> Value {
    status["domains"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["name"].as_str() == Some(domain)))
        .and_then(|d| d["steps"].as_array())
        .and_then(|steps| steps.iter().find(|s| s["step"].as_str() == Some(step)))
        .cloned()
        .unwrap_or(Value::Null)
}

/// `generate`: the document written, and its TODOs with their lines.
async fn generate(
    runner: &Runner,
    root: &Path,
    args: &JsonObject,
    progress: &Progress,
    cancel: &CancellationToken,
) -> Result<CallToolResult, McpError> {
    let a = Args::new("generate", args, &["domain", "step", "answers"])?;
    let domain = a.required("domain")?;
    let run = |argv: Vec<String>| run(runner, argv, progress, cancel);
    let status = |out: Output| parse_json(&out, "status");
    let before = status(run(strs(&["status", "--format", "json"])).await?)?;
    // Without a step, the command writes the first whose document does
    // not exist yet (and refuses when every one exists): the same one is
    // reported.
    let given = a.step("step")?;
    let step = given
        .or_else(|| {
            STEPS
                .iter()
                .find(|s| step_entry(&before, domain, s)["exists"] == Value::Bool(false))
                .copied()
        })
        .unwrap_or("requirements")
        .to_string();
    let mut argv = strs(&["generate", domain, "--yes"]);
    if let Some(s) = given {
        argv.extend(strs(&["--step", s]));
    }
    // The answers go through the CLI's own answers file, checked here
    // first so that a wrong field is named.
    let answers_file = match a.map.get("answers") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let answers: specplan_core::pipeline::Answers =
                serde_json::from_value(value.clone())
                    .map_err(|e| a.bad("answers", &format!("Step 1 answers ({e})")))?;
            let text = toml::to_string(&answers).map_err(|e| {
                McpError::internal_error(format!("cannot write the answers: {e}"), None)
            })?;
            let file = tempfile::Builder::new()
                .prefix("specplan-answers-")
                .suffix(".toml")
                .tempfile()
                .map_err(|e| {
                    McpError::internal_error(format!("cannot write the answers: {e}"), None)
                })?;
            std::fs::write(file.path(), text).map_err(|e| {
                McpError::internal_error(format!("cannot write the answers: {e}"), None)
            })?;
            argv.push("--answers".into());
            argv.push(file.path().to_string_lossy().into_owned());
            Some(file)
        }
    };
    let out = run(argv).await?;
    drop(answers_file);
    if out.code != 0 {
        // The review gate: the CLI's way past it is not the agent's to take.
        let mut message = out.message();
        if message.contains("--force") {
            message.push_str(
                "\n= note: the MCP tools never pass the review gate: show the person the earlier step's document and call `approve` when they approve it",
            );
        }
        return Ok(CallToolResult::error(vec![ContentBlock::text(message)]));
    }
    let after = status(run(strs(&["status", "--format", "json"])).await?)?;
    let entry = step_entry(&after, domain, &step);
    let todos = entry["path"]
        .as_str()
        .and_then(|p| std::fs::read_to_string(root.join(p)).ok())
        .map(|text| specplan_core::pipeline::todos(&text))
        .unwrap_or_default();
    Ok(structured(json!({
        "domain": domain,
        "step": step,
        "path": entry["path"],
        "status": entry["status"],
        "todos": todos,
        "log": log(&out),
    })))
}
