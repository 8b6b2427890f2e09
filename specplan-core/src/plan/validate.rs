//! `plan --validate`: the seed's rules over a plan written by hand, by an
//! AI agent, or by [`build`](super::build), as diagnostics with the JSON path
//! of the offending value in the message and its line and column in the
//! file.
//!
//! The plan is checked as a `serde_json::Value`, not deserialized into
//! [`Plan`](super::Plan): a hand-written plan with one wrong field still
//! gets every other finding.

use serde_json::{Map, Value};

use super::locate::{self, Locations};
use crate::diag::{Diagnostic, Span};

/// The rule names, stable once released.
pub const SHAPE: &str = "plan-shape";
pub const TASK_ORDER: &str = "plan-task-order";
pub const DEPENDENCY_ORDER: &str = "plan-dependency-order";
pub const MISSING_CRITIQUE: &str = "plan-missing-critique";
pub const CRITIQUE_MISMATCH: &str = "plan-critique-mismatch";
pub const MISSING_FILES: &str = "plan-missing-files";
pub const MISSING_SECURITY: &str = "plan-missing-security";
pub const STATUS: &str = "plan-status";
pub const PATH: &str = "plan-path";
pub const PUBLIC_ENDPOINT: &str = "plan-public-endpoint";
pub const INVALID_JSON: &str = "plan-invalid-json";

/// The seed's values of `status` and `category`.
pub const STATUSES: [&str; 2] = ["planned", "up_to_date"];
pub const CATEGORIES: [&str; 1] = ["backend"];

/// The fields of each object the schema closes (`additionalProperties:
/// false`).
const ROOT_FIELDS: &[&str] = &["status", "category", "architecture", "tasks"];
const ARCH_FIELDS: &[&str] = &[
    "summary",
    "endpoints",
    "data_models",
    "services",
    "external_integrations",
];
const ENDPOINT_FIELDS: &[&str] = &["method", "path", "purpose", "auth"];
const MODEL_FIELDS: &[&str] = &["name", "purpose", "table", "key_fields"];
const TASK_FIELDS: &[&str] = &[
    "task_name",
    "description",
    "skill_id",
    "task_order",
    "dependencies",
    "inputs",
    "validation_criteria",
    "timeout_seconds",
];
const CRITERIA_FIELDS: &[&str] = &["critical", "expected", "nice_to_have"];

/// Endpoints that must not be public: money, administration, access
/// rights, keys. A webhook is public by nature (its security is the
/// signature check, `plan-missing-security`).
const PROTECTED: &[&str] = &[
    "payment",
    "billing",
    "invoice",
    "refund",
    "checkout",
    "subscription",
    "charge",
    "payout",
    "admin",
    "permission",
    "role",
    "api key",
    "api-key",
    "api_key",
    "apikey",
];

/// The input keys that carry file paths.
pub const FILE_KEYS: [&str; 3] = ["files_to_create", "files_to_modify", "files_to_test"];

/// Words that make a task or endpoint security-sensitive (seed rule 4).
const SENSITIVE: &[&str] = &[
    "auth",
    "login",
    "logout",
    "sign in",
    "sign-in",
    "signin",
    "password",
    "passwd",
    "credential",
    "token",
    "secret",
    "session",
    "payment",
    "billing",
    "stripe",
    "webhook",
    "admin",
    "permission",
    "role",
    "api key",
    "api_key",
    "oauth",
];

/// Words that make a criterion a security criterion.
const SECURITY: &[&str] = &[
    "security",
    "secure",
    "auth",
    "signature",
    "permission",
    "forbidden",
    "unauthorized",
    "401",
    "403",
    "encrypt",
    "hashed",
    "hashes",
    "csrf",
    "injection",
    "sanitiz",
    "rate limit",
    "rate-limit",
    "brute",
    "leak",
    "plain text",
    "plaintext",
    "single-use",
    "least privilege",
];

/// Whether one of `words` starts a word of `text` (`auth` in "Auth
/// enforced" and "authorization", not in "NFR-AUTH-01" or "oauth_state").
fn contains_word(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    let b = lower.as_bytes();
    words.iter().any(|w| {
        lower.match_indices(w).any(|(i, _)| {
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'-'))
        })
    })
}

/// Whether a text speaks of something security-sensitive.
pub fn is_sensitive(text: &str) -> bool {
    contains_word(text, SENSITIVE)
}

/// Whether a criterion is about security.
pub fn is_security_criterion(text: &str) -> bool {
    contains_word(text, SECURITY)
}

/// What validation needs besides the plan.
#[derive(Debug, Clone)]
pub struct Options {
    /// The skill of critique tasks (`backend-critique`); any skill whose ID
    /// ends in `critique` counts too.
    pub critique_skill: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            critique_skill: super::DEFAULT_CRITIQUE_SKILL.to_string(),
        }
    }
}

/// Text that is not JSON: an invalid plan like any other (exit code 1).
pub fn parse_error(file: &str, text: &str, err: &serde_json::Error) -> Diagnostic {
    let mut d =
        Diagnostic::error(INVALID_JSON, format!("`{file}` is not JSON: {err}")).in_file(file);
    if err.line() > 0
        && let Some(start) = crate::diag::byte_offset(text, err.line(), err.column().max(1))
    {
        let end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        d = d.at(Span::from_bytes(text, start, end));
    }
    d.with_help("a plan is one JSON object; `cargo specplan plan --schema` prints its JSON Schema")
}

/// Validates the text of a plan file. `file` names it in the diagnostics.
/// `Err` when the text is not JSON.
pub fn validate_text(
    file: &str,
    text: &str,
    options: &Options,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let value: Value = serde_json::from_str(text).map_err(|e| parse_error(file, text, &e))?;
    let locations = locate::locate(text);
    let mut v = Validator {
        file,
        text,
        locations: &locations,
        options,
        out: Vec::new(),
    };
    v.plan(&value);
    let mut out = v.out;
    crate::diag::sort(&mut out);
    Ok(out)
}

/// Validates a plan value (no positions: every diagnostic names its path).
pub fn validate_value(value: &Value, options: &Options) -> Vec<Diagnostic> {
    let locations = Locations::default();
    let mut v = Validator {
        file: "",
        text: "",
        locations: &locations,
        options,
        out: Vec::new(),
    };
    v.plan(value);
    v.out
}

struct Validator<'a> {
    file: &'a str,
    text: &'a str,
    locations: &'a Locations,
    options: &'a Options,
    out: Vec<Diagnostic>,
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "the plan" } else { path }
}

/// A task of the plan, as far as it could be read.
struct TaskView<'v> {
    path: String,
    obj: &'v Map<String, Value>,
    order: Option<u64>,
    critique: bool,
}

impl<'v> TaskView<'v> {
    fn str(&self, key: &str) -> Option<&'v str> {
        self.obj.get(key).and_then(Value::as_str)
    }

    fn name(&self) -> String {
        self.str("task_name")
            .map_or_else(|| "?".to_string(), |n| format!("`{n}`"))
    }

    fn inputs(&self) -> Option<&'v Map<String, Value>> {
        self.obj.get("inputs").and_then(Value::as_object)
    }
}

impl Validator<'_> {
    fn push(&mut self, rule: &'static str, path: &str, message: String) -> &mut Diagnostic {
        let mut d = Diagnostic::error(rule, message);
        if !self.file.is_empty() {
            d = d.in_file(self.file);
            if let Some(r) = self.locations.range(self.text, path) {
                d = d.at(Span::from_bytes(self.text, r.start, r.end));
            }
        }
        self.out.push(d);
        self.out.last_mut().expect("just pushed")
    }

    fn expect_type(&mut self, obj: &Map<String, Value>, path: &str, key: &str, ty: Ty) -> bool {
        let p = locate::member(path, key);
        match obj.get(key) {
            None => {
                self.push(
                    SHAPE,
                    path,
                    format!("`{}` has no `{key}` ({} expected)", shown(path), ty.name()),
                )
                .help = Some(format!(
                    "add `\"{key}\"`; `cargo specplan plan --schema` prints the plan's JSON Schema"
                ));
                false
            }
            Some(v) if !ty.matches(v) => {
                self.push(
                    SHAPE,
                    &p,
                    format!("`{p}` is {}, expected {}", describe(v), ty.name()),
                );
                false
            }
            Some(_) => true,
        }
    }

    fn plan(&mut self, value: &Value) {
        let Some(root) = value.as_object() else {
            self.push(
                SHAPE,
                "",
                format!("the plan is {}, expected an object", describe(value)),
            );
            return;
        };
        self.fields(root, "", "the plan", ROOT_FIELDS);
        if self.expect_type(root, "", "status", Ty::Str) {
            self.one_of(root, "status", &STATUSES);
        }
        if self.expect_type(root, "", "category", Ty::Str) {
            self.one_of(root, "category", &CATEGORIES);
        }
        let mut sensitive_endpoint = None;
        if self.expect_type(root, "", "architecture", Ty::Obj) {
            let arch = root["architecture"].as_object().expect("checked");
            self.fields(arch, "architecture", "the architecture", ARCH_FIELDS);
            self.expect_type(arch, "architecture", "summary", Ty::Str);
            for key in ["services", "external_integrations"] {
                if self.expect_type(arch, "architecture", key, Ty::Arr) {
                    self.strings(&arch[key], &format!("architecture.{key}"));
                }
            }
            if self.expect_type(arch, "architecture", "endpoints", Ty::Arr) {
                for (i, e) in arch["endpoints"]
                    .as_array()
                    .expect("checked")
                    .iter()
                    .enumerate()
                {
                    let p = format!("architecture.endpoints[{i}]");
                    let Some(e) = self.object(e, &p) else {
                        continue;
                    };
                    self.fields(e, &p, "an endpoint", ENDPOINT_FIELDS);
                    let mut ok = true;
                    for key in ["method", "path", "purpose", "auth"] {
                        ok &= self.expect_type(e, &p, key, Ty::Str);
                    }
                    if !ok {
                        continue;
                    }
                    let auth = e["auth"].as_str().unwrap_or_default();
                    if auth != "required" && auth != "public" {
                        self.push(
                            SHAPE,
                            &format!("{p}.auth"),
                            format!("`{p}.auth` is `{auth}`, expected `required` or `public`"),
                        );
                    }
                    let text = format!(
                        "{} {}",
                        e["path"].as_str().unwrap_or_default(),
                        e["purpose"].as_str().unwrap_or_default()
                    );
                    if auth == "public"
                        && contains_word(&text, PROTECTED)
                        && !contains_word(&text, &["webhook", "webhooks", "callback"])
                    {
                        let endpoint = format!(
                            "{} {}",
                            e["method"].as_str().unwrap_or_default(),
                            e["path"].as_str().unwrap_or_default()
                        );
                        self.push(
                            PUBLIC_ENDPOINT,
                            &format!("{p}.auth"),
                            format!("`{endpoint}` handles money, administration or access rights, but `{p}.auth` is `public`"),
                        )
                        .help = Some("set `\"auth\": \"required\"`; only webhooks are public, and their tasks verify the sender's signature".into());
                    }
                    if sensitive_endpoint.is_none() && (auth == "required" || is_sensitive(&text)) {
                        sensitive_endpoint = Some(format!(
                            "{} {}",
                            e["method"].as_str().unwrap_or_default(),
                            e["path"].as_str().unwrap_or_default()
                        ));
                    }
                }
            }
            if self.expect_type(arch, "architecture", "data_models", Ty::Arr) {
                for (i, m) in arch["data_models"]
                    .as_array()
                    .expect("checked")
                    .iter()
                    .enumerate()
                {
                    let p = format!("architecture.data_models[{i}]");
                    let Some(m) = self.object(m, &p) else {
                        continue;
                    };
                    self.fields(m, &p, "a data model", MODEL_FIELDS);
                    self.expect_type(m, &p, "name", Ty::Str);
                    self.expect_type(m, &p, "purpose", Ty::Str);
                    self.expect_type(m, &p, "table", Ty::StrOrNull);
                    if self.expect_type(m, &p, "key_fields", Ty::Arr) {
                        self.strings(&m["key_fields"], &format!("{p}.key_fields"));
                    }
                }
            }
        }
        if !self.expect_type(root, "", "tasks", Ty::Arr) {
            return;
        }
        let tasks = root["tasks"].as_array().expect("checked");
        match root.get("status").and_then(Value::as_str) {
            Some("planned") if tasks.is_empty() => {
                self.push(
                    STATUS,
                    "status",
                    "`status` is `planned`, but the plan has no task".to_string(),
                )
                .help = Some(
                    "plan the work as tasks, or say `up_to_date` when there is nothing to do"
                        .into(),
                );
            }
            Some("up_to_date") if !tasks.is_empty() => {
                self.push(
                    STATUS,
                    "status",
                    format!(
                        "`status` is `up_to_date`, but the plan has {} task(s)",
                        tasks.len()
                    ),
                )
                .help = Some("a plan with tasks is `planned`".into());
            }
            _ => {}
        }
        let mut views = Vec::new();
        for (i, t) in tasks.iter().enumerate() {
            let path = format!("tasks[{i}]");
            let Some(obj) = self.object(t, &path) else {
                continue;
            };
            self.task_shape(obj, &path);
            let order = obj.get("task_order").and_then(Value::as_u64);
            let critique = self.is_critique(obj);
            views.push((
                i,
                TaskView {
                    path,
                    obj,
                    order,
                    critique,
                },
            ));
        }
        // plan-task-order: where the numbering breaks, once per break (one
        // task inserted or left out is one finding, not one per task after).
        let mut expected_next: Option<u64> = None;
        for (i, t) in &views {
            let want = *i as u64 + 1;
            let follows = expected_next.take();
            expected_next = t.order.map(|o| o + 1);
            if let Some(order) = t.order
                && order != want
                && follows != Some(order)
            {
                let p = format!("{}.task_order", t.path);
                self.push(
                    TASK_ORDER,
                    &p,
                    format!("`{p}` is {order}, expected {want}: task orders run 1, 2, 3, … in the order of the tasks"),
                )
                .help = Some("number the tasks in sequence from 1, and update the dependencies and preceding_task.task_order that name them".into());
            }
        }
        // plan-dependency-order
        let count = tasks.len() as u64;
        for (i, t) in &views {
            let own = t.order.unwrap_or(*i as u64 + 1);
            let Some(deps) = t.obj.get("dependencies").and_then(Value::as_array) else {
                continue;
            };
            for (j, d) in deps.iter().enumerate() {
                let p = format!("{}.dependencies[{j}]", t.path);
                let Some(d) = d.as_u64() else { continue };
                if d == 0 || d > count {
                    self.push(
                        DEPENDENCY_ORDER,
                        &p,
                        format!("`{p}` is {d}, but no task has that task_order (the plan has {count} task(s))"),
                    );
                } else if d >= own {
                    self.push(
                        DEPENDENCY_ORDER,
                        &p,
                        format!(
                            "`{p}` is {d}: task {own} {} a {} task; a task depends only on earlier tasks",
                            if d == own { "depends on itself, not" } else { "depends on" },
                            if d == own { "earlier" } else { "later" }
                        ),
                    )
                    .help = Some("reorder the tasks so that every dependency comes first".into());
                }
            }
        }
        // plan-missing-critique, plan-critique-mismatch
        for (k, (i, t)) in views.iter().enumerate() {
            let next = views
                .get(k + 1)
                .filter(|(j, _)| *j == i + 1)
                .map(|(_, v)| v);
            if !t.critique {
                let follows = next.is_some_and(|n| n.critique);
                if !follows {
                    let p = format!("{}.task_name", t.path);
                    let order = t.order.unwrap_or(*i as u64 + 1);
                    self.push(
                        MISSING_CRITIQUE,
                        &p,
                        format!(
                            "task {order} {} is not followed by a critique task (`{p}`)",
                            t.name()
                        ),
                    )
                    .help = Some(format!(
                        "add a task with skill_id `{}` right after it, whose inputs carry preceding_task (task {order}) and the same validation_criteria",
                        self.options.critique_skill
                    ));
                }
                continue;
            }
            let prev = k
                .checked_sub(1)
                .and_then(|pk| views.get(pk))
                .filter(|(j, _)| j + 1 == *i)
                .map(|(_, v)| v)
                .filter(|v| !v.critique);
            self.critique(t, prev);
        }
        // plan-missing-files
        for (_, t) in &views {
            if t.critique {
                continue;
            }
            let Some(inputs) = t.inputs() else { continue };
            let p = format!("{}.inputs", t.path);
            let mut any = false;
            for key in FILE_KEYS {
                let Some(list) = inputs.get(key).and_then(Value::as_array) else {
                    continue;
                };
                for (j, f) in list.iter().enumerate() {
                    match f.as_str() {
                        Some(s) if !s.trim().is_empty() => any = true,
                        _ => {
                            let fp = format!("{p}.{key}[{j}]");
                            self.push(MISSING_FILES, &fp, format!("`{fp}` is not a file path"));
                        }
                    }
                }
            }
            if !any {
                self.push(
                    MISSING_FILES,
                    &p,
                    format!(
                        "task {} names no file: `{p}` has no files_to_create, files_to_modify or files_to_test",
                        t.name()
                    ),
                )
                .help = Some("list the workspace-relative paths the task creates, changes or tests (seed rule 3)".into());
            }
        }
        // plan-missing-security
        let has_security = |t: &TaskView<'_>| {
            t.obj
                .get("validation_criteria")
                .and_then(Value::as_object)
                .is_some_and(|c| {
                    c.values()
                        .filter_map(Value::as_array)
                        .flatten()
                        .filter_map(Value::as_str)
                        .any(is_security_criterion)
                })
        };
        let implementation: Vec<&TaskView<'_>> = views
            .iter()
            .map(|(_, v)| v)
            .filter(|v| !v.critique)
            .collect();
        for t in &implementation {
            let text = [
                t.str("task_name"),
                t.str("description"),
                t.inputs()
                    .and_then(|i| i.get("requirements"))
                    .and_then(Value::as_str),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            if is_sensitive(&text) && !has_security(t) {
                let p = format!("{}.validation_criteria", t.path);
                self.push(
                    MISSING_SECURITY,
                    &p,
                    format!(
                        "task {} is security-sensitive, but `{p}` names no security check",
                        t.name()
                    ),
                )
                .help = Some("add what must hold for security, e.g. \"Auth enforced\", \"Passwords are stored hashed\", \"Webhook signature verified\" (seed rule 4)".into());
            }
        }
        if let Some(endpoint) = sensitive_endpoint
            && !implementation.is_empty()
            && !implementation.iter().any(|t| has_security(t))
        {
            let p = format!("{}.validation_criteria", implementation[0].path);
            self.push(
                MISSING_SECURITY,
                &p,
                format!("`{endpoint}` is authenticated or sensitive, but no implementation task's validation_criteria names a security check (`{p}`)"),
            )
            .help = Some("add the security criteria the endpoint needs (auth enforced, input validated, secrets never logged) to the task that builds it".into());
        }
    }

    fn critique(&mut self, t: &TaskView<'_>, prev: Option<&TaskView<'_>>) {
        let Some(prev) = prev else {
            let p = format!("{}.task_name", t.path);
            self.push(
                CRITIQUE_MISMATCH,
                &p,
                format!(
                    "critique task {} does not follow an implementation task, so it validates nothing (`{p}`)",
                    t.name()
                ),
            )
            .help = Some("put each critique task right after the task it validates".into());
            return;
        };
        let prev_order = prev.order;
        if let (Some(order), Some(deps)) = (
            prev_order,
            t.obj.get("dependencies").and_then(Value::as_array),
        ) && !deps.iter().any(|d| d.as_u64() == Some(order))
        {
            let p = format!("{}.dependencies", t.path);
            self.push(
                CRITIQUE_MISMATCH,
                &p,
                format!("`{p}` does not name task {order}, the task this critique validates"),
            );
        }
        let skill = t.str("skill_id").unwrap_or_default();
        if !skill.is_empty() && skill != self.options.critique_skill && !skill.ends_with("critique")
        {
            let p = format!("{}.skill_id", t.path);
            self.push(
                CRITIQUE_MISMATCH,
                &p,
                format!(
                    "critique task {} runs the skill `{skill}`, not the critique skill `{}`",
                    t.name(),
                    self.options.critique_skill
                ),
            )
            .help = Some(format!(
                "set `\"skill_id\": \"{}\"` (`[plan] critique-skill` in the configuration names another)",
                self.options.critique_skill
            ));
        }
        let Some(inputs) = t.inputs() else { return };
        let ip = format!("{}.inputs", t.path);
        match inputs.get("original_prompt") {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(Value::String(_)) => {
                let p = format!("{ip}.original_prompt");
                self.push(
                    CRITIQUE_MISMATCH,
                    &p,
                    format!(
                        "`{p}` is empty: the critique cannot judge the work against the request"
                    ),
                )
                .help = Some("copy the person's request, in their words".into());
            }
            _ => {
                self.push(
                    CRITIQUE_MISMATCH,
                    &ip,
                    format!("`{ip}` has no original_prompt: the critique cannot judge the work against the request"),
                );
            }
        }
        match inputs.get("preceding_task").and_then(Value::as_object) {
            None => {
                self.push(
                    CRITIQUE_MISMATCH,
                    &ip,
                    format!(
                        "`{ip}` has no preceding_task: the critique does not know what it validates"
                    ),
                )
                .help = Some(format!(
                    "add \"preceding_task\": {{\"task_order\", \"skill_id\", \"task_name\", \"description\"}} copied from {} (seed rule 7)",
                    prev.path
                ));
            }
            Some(pt) => {
                for key in ["task_order", "skill_id", "task_name", "description"] {
                    let p = format!("{ip}.preceding_task.{key}");
                    let want = prev.obj.get(key);
                    let got = pt.get(key);
                    if want.is_some() && got != want {
                        let msg = match got {
                            None => format!(
                                "`{p}` is missing; it must be {} from {}",
                                render(want),
                                prev.path
                            ),
                            Some(g) => format!(
                                "`{p}` is {}, but {}.{key} is {}",
                                render(Some(g)),
                                prev.path,
                                render(want)
                            ),
                        };
                        self.push(CRITIQUE_MISMATCH, &p, msg).help = Some(format!(
                            "copy {key} from the task being validated (seed rule 7)"
                        ));
                    }
                }
            }
        }
        let want = prev.obj.get("validation_criteria");
        match inputs.get("validation_criteria") {
            None => {
                self.push(
                    CRITIQUE_MISMATCH,
                    &ip,
                    format!(
                        "`{ip}` has no validation_criteria: copy them from {} (seed rule 8)",
                        prev.path
                    ),
                );
            }
            Some(got) if Some(got) != want => {
                let wobj = want.and_then(Value::as_object);
                let gobj = got.as_object();
                let mut reported = false;
                if let (Some(w), Some(g)) = (wobj, gobj) {
                    for key in ["critical", "expected", "nice_to_have"] {
                        if w.get(key) != g.get(key) {
                            let p = format!("{ip}.validation_criteria.{key}");
                            self.push(
                                CRITIQUE_MISMATCH,
                                &p,
                                format!("`{p}` differs from {}.validation_criteria.{key}", prev.path),
                            )
                            .help = Some("the critique checks exactly the criteria its task was given: copy them (seed rule 8)".into());
                            reported = true;
                        }
                    }
                }
                if !reported {
                    let p = format!("{ip}.validation_criteria");
                    self.push(
                        CRITIQUE_MISMATCH,
                        &p,
                        format!("`{p}` differs from {}.validation_criteria", prev.path),
                    );
                }
            }
            Some(_) => {}
        }
    }

    fn is_critique(&self, obj: &Map<String, Value>) -> bool {
        let inputs_have = obj
            .get("inputs")
            .and_then(Value::as_object)
            .is_some_and(|i| i.contains_key("preceding_task"));
        let skill = obj.get("skill_id").and_then(Value::as_str).unwrap_or("");
        let name = obj.get("task_name").and_then(Value::as_str).unwrap_or("");
        inputs_have
            || skill == self.options.critique_skill
            || skill.ends_with("critique")
            || name.trim_start().to_ascii_lowercase().starts_with("qa:")
    }

    fn task_shape(&mut self, obj: &Map<String, Value>, path: &str) {
        self.fields(obj, path, "a task", TASK_FIELDS);
        self.expect_type(obj, path, "task_name", Ty::Str);
        self.expect_type(obj, path, "description", Ty::Str);
        self.expect_type(obj, path, "skill_id", Ty::Str);
        if self.expect_type(obj, path, "task_order", Ty::Int)
            && obj["task_order"].as_u64() == Some(0)
        {
            let p = format!("{path}.task_order");
            self.push(
                TASK_ORDER,
                &p,
                format!("`{p}` is 0; task orders start at 1"),
            );
        }
        if self.expect_type(obj, path, "dependencies", Ty::Arr) {
            for (j, d) in obj["dependencies"]
                .as_array()
                .expect("checked")
                .iter()
                .enumerate()
            {
                if !Ty::Int.matches(d) {
                    let p = format!("{path}.dependencies[{j}]");
                    self.push(
                        SHAPE,
                        &p,
                        format!(
                            "`{p}` is {}, expected a task_order (an integer from 1)",
                            describe(d)
                        ),
                    );
                }
            }
        }
        if self.expect_type(obj, path, "inputs", Ty::Obj) {
            let ip = format!("{path}.inputs");
            let inputs = obj["inputs"].as_object().expect("checked");
            for key in FILE_KEYS.iter().chain(&["test_types"]) {
                if inputs.contains_key(*key) && self.expect_type(inputs, &ip, key, Ty::Arr) {
                    self.strings(&inputs[*key], &format!("{ip}.{key}"));
                }
            }
            for key in FILE_KEYS {
                for (j, f) in inputs
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if let Some(f) = f.as_str()
                        && let Some(why) = outside_workspace(f)
                    {
                        let p = format!("{ip}.{key}[{j}]");
                        self.push(PATH, &p, format!("`{p}` is `{f}`: {why}"))
                            .help = Some("name files by their path from the workspace root, e.g. `src/handlers/billing.rs`".into());
                    }
                }
            }
            if let Some(c) = inputs.get("validation_criteria") {
                // A copy of its task's criteria (`plan-critique-mismatch`
                // compares them): a wrong field is reported on the task.
                self.criteria(c, &format!("{ip}.validation_criteria"), false);
            }
            if let Some(pt) = inputs.get("preceding_task") {
                let pp = format!("{ip}.preceding_task");
                if let Some(pt) = self.object(pt, &pp) {
                    self.expect_type(pt, &pp, "task_order", Ty::Int);
                    for key in ["skill_id", "task_name", "description"] {
                        self.expect_type(pt, &pp, key, Ty::Str);
                    }
                }
            }
        }
        if obj.contains_key("validation_criteria")
            || self.expect_type(obj, path, "validation_criteria", Ty::Obj)
        {
            self.criteria(
                &obj["validation_criteria"],
                &format!("{path}.validation_criteria"),
                true,
            );
        }
        if self.expect_type(obj, path, "timeout_seconds", Ty::Int)
            && obj["timeout_seconds"].as_u64() == Some(0)
        {
            let p = format!("{path}.timeout_seconds");
            self.push(
                SHAPE,
                &p,
                format!("`{p}` is 0, expected a positive number of seconds"),
            );
        }
    }

    fn criteria(&mut self, c: &Value, path: &str, own: bool) {
        let Some(c) = self.object(c, path) else {
            return;
        };
        if own {
            self.fields(c, path, "validation criteria", CRITERIA_FIELDS);
        }
        for key in ["critical", "expected", "nice_to_have"] {
            if self.expect_type(c, path, key, Ty::Arr) {
                self.strings(&c[key], &format!("{path}.{key}"));
            }
        }
    }

    /// A field the schema does not have, where it closes the object.
    fn fields(&mut self, obj: &Map<String, Value>, path: &str, what: &str, allowed: &[&str]) {
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) {
                let p = locate::member(path, key);
                self.push(
                    SHAPE,
                    &p,
                    format!("`{p}` is not a field of {what}: its fields are {}", allowed.join(", ")),
                )
                .help = Some("remove it (the plan's JSON Schema has `additionalProperties: false` here), or fix its name".into());
            }
        }
    }

    /// A string field whose value must be one of `values`.
    fn one_of(&mut self, obj: &Map<String, Value>, key: &str, values: &[&str]) {
        let v = obj.get(key).and_then(Value::as_str).unwrap_or_default();
        if !values.contains(&v) {
            let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            self.push(
                SHAPE,
                key,
                format!("`{key}` is `{v}`, expected {}", list.join(" or ")),
            );
        }
    }

    fn object<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        if v.is_object() {
            return v.as_object();
        }
        self.push(
            SHAPE,
            path,
            format!("`{path}` is {}, expected an object", describe(v)),
        );
        None
    }

    fn strings(&mut self, v: &Value, path: &str) {
        for (j, s) in v.as_array().into_iter().flatten().enumerate() {
            if !s.is_string() {
                let p = format!("{path}[{j}]");
                self.push(
                    SHAPE,
                    &p,
                    format!("`{p}` is {}, expected a string", describe(s)),
                );
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Ty {
    Str,
    StrOrNull,
    Int,
    Arr,
    Obj,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::StrOrNull => "a string or null",
            Ty::Int => "a non-negative integer",
            Ty::Arr => "an array",
            Ty::Obj => "an object",
        }
    }

    fn matches(self, v: &Value) -> bool {
        match self {
            Ty::Str => v.is_string(),
            Ty::StrOrNull => v.is_string() || v.is_null(),
            Ty::Int => v.is_u64(),
            Ty::Arr => v.is_array(),
            Ty::Obj => v.is_object(),
        }
    }
}

/// Why a file path of a task is not a path inside the workspace.
fn outside_workspace(path: &str) -> Option<&'static str> {
    let p = path.trim();
    if p.starts_with('/') || p.starts_with('\\') {
        return Some("an absolute path; tasks name files inside the workspace");
    }
    if p.starts_with('~') {
        return Some("a path in a home folder; tasks name files inside the workspace");
    }
    let b = p.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("an absolute Windows path; tasks name files inside the workspace");
    }
    let mut depth: i64 = 0;
    for part in p.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return Some("it climbs out of the workspace with `..`");
                }
            }
            _ => depth += 1,
        }
    }
    None
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::from(s.as_str())),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn render(v: Option<&Value>) -> String {
    match v {
        None => "missing".into(),
        Some(v) => format!("`{v}`"),
    }
}
