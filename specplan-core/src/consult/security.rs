//! The security consultant (07): a STRIDE threat model over the endpoints,
//! the authentication and password hashing in use, and findings with
//! `file:line`: endpoints without an auth extractor or guard, CORS, rate
//! limiting, TLS, sessions and cookies, SQL built with string formatting,
//! secrets in the source and in committed `.env` and compose files.

use serde::Serialize;
use serde_json::{Value, json};

use super::api::{auth_mechanisms, property_names};
use super::facts::{CallFact, MacroFact};
use super::{Feature, Report, Snapshot, cell, code};
use crate::routes::Access;
use crate::source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Severity {
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Finding {
    pub severity: Severity,
    /// `auth`, `cors`, `rate-limit`, `tls`, `session`, `sql-injection`,
    /// `secrets`, `hashing`.
    pub category: &'static str,
    pub file: String,
    pub line: usize,
    pub title: String,
}

/// Names that hold secrets.
pub(super) fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    // Settings about a secret are not the secret.
    let about = [
        "ttl", "expir", "lifetime", "len", "length", "min", "max", "timeout", "type", "url",
        "path", "file", "header", "rounds", "cost",
    ];
    if about.iter().any(|w| n.contains(w)) {
        return false;
    }
    [
        "secret",
        "password",
        "passwd",
        "api_key",
        "apikey",
        "private_key",
        "access_key",
        "auth_token",
        "access_token",
        "client_secret",
        "signing_key",
        "jwt_key",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Literals that are secrets whatever their name: cloud keys, private keys,
/// live API tokens.
fn secret_shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    for (p, what) in [
        ("sk_live_", "a live Stripe secret key"),
        ("rk_live_", "a live Stripe restricted key"),
        ("ghp_", "a GitHub personal access token"),
        ("github_pat_", "a GitHub personal access token"),
        ("xoxb-", "a Slack bot token"),
        ("xoxp-", "a Slack user token"),
    ] {
        if v.starts_with(p) && v.len() > p.len() + 10 {
            return Some(what);
        }
    }
    None
}

/// A literal that is the name of something (an environment variable, a
/// header) rather than a value.
fn looks_like_a_name(v: &str) -> bool {
    !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// `SELECT … FROM`, `INSERT INTO`, `UPDATE … SET`, `DELETE FROM`.
pub(super) fn looks_like_sql(s: &str) -> bool {
    let u = s.to_ascii_uppercase();
    let has = |w: &str| u.contains(w);
    (has("SELECT ") && has(" FROM "))
        || has("INSERT INTO ")
        || (has("UPDATE ") && has(" SET "))
        || has("DELETE FROM ")
}

fn format_sql(m: &MacroFact) -> bool {
    matches!(m.last(), "format" | "write" | "writeln" | "format_args")
        && m.literal
            .as_deref()
            .is_some_and(|l| looks_like_sql(l) && l.contains('{') && !l.contains("{{"))
}

fn calls_named<'a>(
    snap: &'a Snapshot<'_>,
    pred: impl Fn(&CallFact) -> bool + 'a,
) -> impl Iterator<Item = &'a CallFact> + 'a {
    snap.facts.calls.iter().filter(move |c| !c.test && pred(c))
}

fn is_public_probe(path: &str) -> bool {
    let last = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    matches!(
        last,
        "health"
            | "healthz"
            | "livez"
            | "readyz"
            | "ready"
            | "live"
            | "ping"
            | "metrics"
            | "version"
    )
}

/// Endpoints that exist to let an anonymous caller in.
fn is_sign_in_flow(path: &str) -> bool {
    path.split('/').any(|s| {
        matches!(
            s,
            "login"
                | "signin"
                | "sign-in"
                | "register"
                | "signup"
                | "sign-up"
                | "token"
                | "refresh"
                | "forgot-password"
                | "forgot"
                | "reset"
                | "password-reset"
                | "reset-password"
                | "verify"
                | "callback"
                | "oauth"
        )
    })
}

fn is_admin_path(path: &str) -> bool {
    path.split('/').any(|s| {
        matches!(
            s,
            "admin" | "internal" | "manage" | "management" | "ops" | "debug"
        )
    })
}

pub(super) fn consult(snap: &Snapshot<'_>, feature: &Feature) -> Report {
    let mut findings: Vec<Finding> = Vec::new();
    let schemas = &snap.routes.schemas;

    let trace = calls_named(snap, |c| {
        c.name.contains("TraceLayer") || c.name.ends_with("Logger::default") || c.last() == "trace"
    })
    .next()
    .map(|c| (c.file.clone(), c.line, c.name.clone()));
    let rate_crates = [
        "tower_governor",
        "governor",
        "actix-governor",
        "rocket-governor",
    ];
    let rate_limit = calls_named(snap, |c| {
        c.name.contains("Governor") || c.name.contains("RateLimit") || c.name.contains("rate_limit")
    })
    .next()
    .map(|c| (c.file.clone(), c.line))
    .or_else(|| {
        snap.ws
            .packages
            .iter()
            .find(|p| {
                p.dependencies
                    .iter()
                    .any(|d| rate_crates.contains(&d.name.as_str()))
            })
            .map(|p| (snap.ws.relative(&p.manifest_path), 0))
    });

    // STRIDE over the endpoints.
    let mut stride: Vec<Value> = Vec::new();
    let mut unauthenticated: Vec<Value> = Vec::new();
    for e in &snap.routes.endpoints {
        // Who may call it, as routes read it from the extractors, the
        // middleware and its exemptions.
        let protected = e.auth.access != Access::Public;
        let by = e.auth.by.as_deref().map(code).unwrap_or_default();
        let spoofing = match e.auth.access {
            Access::Required => format!("{by} required"),
            Access::Optional => format!("{by} optional: the handler runs without a caller too"),
            Access::Unknown => format!("TODO: not known from the code ({})", e.auth.reason()),
            Access::Public if is_public_probe(&e.path) => "public probe".to_string(),
            Access::Public if is_sign_in_flow(&e.path) => {
                "public by design (sign-in flow)".to_string()
            }
            Access::Public => "⚠ no authentication".to_string(),
        };
        let tampering = {
            let mut parts: Vec<String> = Vec::new();
            if let Some(r) = &e.request {
                let strict = snap
                    .facts
                    .struct_named(&r.rust)
                    .is_some_and(|s| s.attrs.iter().any(|a| a.contains("deny_unknown_fields")));
                parts.push(format!(
                    "typed {} {}{}",
                    r.kind,
                    code(&r.rust),
                    if strict { " (strict)" } else { "" }
                ));
            }
            if let Some(q) = &e.query {
                parts.push(format!("typed query {}", code(&q.rust)));
            }
            if e.params.iter().any(|p| p.rust.is_some()) {
                parts.push("typed path".into());
            }
            if parts.is_empty() {
                "no input".to_string()
            } else {
                parts.join(", ")
            }
        };
        let repudiation = match &trace {
            Some(_) => "request trace".to_string(),
            None => "⚠ no request log".to_string(),
        };
        let disclosure = match &e.response {
            Some(r) => {
                let sensitive: Vec<String> = property_names(schemas, &r.schema)
                    .into_iter()
                    .filter(|p| {
                        let l = p.to_ascii_lowercase();
                        l.contains("token")
                            || l.contains("password")
                            || l.contains("secret")
                            || l.contains("hash")
                    })
                    .collect();
                if sensitive.is_empty() {
                    format!("returns {}", code(&r.rust))
                } else {
                    format!(
                        "returns {} with {}",
                        code(&r.rust),
                        sensitive
                            .iter()
                            .map(|s| code(s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            }
            None => "no body".to_string(),
        };
        let dos = if rate_limit.is_some() {
            "rate limited"
        } else {
            "⚠ no rate limit"
        };
        let elevation = if is_admin_path(&e.path) && !protected {
            "⚠ admin route without a guard".to_string()
        } else if is_admin_path(&e.path) {
            "check the caller's role".to_string()
        } else if protected && !e.params.is_empty() {
            format!(
                "check the caller owns `{{{}}}`",
                e.params
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join("}`, `{")
            )
        } else {
            "—".to_string()
        };
        let related = feature.matches(&e.path).is_some()
            || feature
                .matches(e.handler.rsplit("::").next().unwrap_or(""))
                .is_some();
        stride.push(json!({
            "id": e.id(),
            "related": related,
            "s": cell(&spoofing),
            "t": cell(&tampering),
            "r": repudiation,
            "i": cell(&disclosure),
            "d": dos,
            "e": cell(&elevation),
        }));
        if !protected {
            let severity = if is_admin_path(&e.path) {
                Severity::High
            } else if is_public_probe(&e.path) || is_sign_in_flow(&e.path) {
                Severity::Info
            } else if e.method == "GET" {
                Severity::Low
            } else {
                Severity::Medium
            };
            let title = if is_admin_path(&e.path) {
                format!(
                    "`{}` is an admin route with no auth extractor or middleware",
                    e.id()
                )
            } else if is_sign_in_flow(&e.path) {
                format!(
                    "`{}` takes no auth extractor: public by design, so it needs rate limiting and uniform errors",
                    e.id()
                )
            } else {
                format!(
                    "`{}` takes no auth extractor and no auth middleware wraps it",
                    e.id()
                )
            };
            let at = e
                .handler_location
                .as_ref()
                .map_or((e.file.clone(), e.line), |l| (l.file.clone(), l.line));
            unauthenticated.push(json!({
                "id": e.id(),
                "severity": severity.as_str(),
                "at": snap.link(&at.0, at.1),
            }));
            findings.push(Finding {
                severity,
                category: "auth",
                file: at.0,
                line: at.1,
                title,
            });
        }
    }

    // Authentication and password hashing.
    let mut auth_rows: Vec<Value> = Vec::new();
    for a in &snap.stack.auth {
        auth_rows.push(json!({
            "what": format!("{} {}", a.name, a.version.clone().unwrap_or_default()).trim().to_string(),
            "purpose": a.purpose,
            "at": snap.ws.packages.iter().find(|p| p.name == a.package).map_or(String::new(), |p| snap.link(&snap.ws.relative(&p.manifest_path), 0)),
        }));
    }
    let mut hashing: Vec<Value> = Vec::new();
    for c in calls_named(snap, |c| {
        let n = &c.name;
        n.contains("Argon2")
            || n.starts_with("bcrypt::")
            || n.starts_with("scrypt::")
            || n.starts_with("pbkdf2::")
            || n.contains("Pbkdf2")
            || n.contains("Scrypt")
    }) {
        hashing.push(json!({"call": code(&c.name), "at": snap.link(&c.file, c.line)}));
    }
    for c in calls_named(snap, |c| {
        let n = c.name.to_ascii_lowercase();
        n.starts_with("md5::") || n.contains("sha1::") || n == "sha1::new" || n.starts_with("md5")
    }) {
        findings.push(Finding {
            severity: Severity::Medium,
            category: "hashing",
            file: c.file.clone(),
            line: c.line,
            title: format!(
                "`{}`: MD5/SHA-1 must never hash passwords or tokens",
                c.name
            ),
        });
    }
    let mut tokens: Vec<Value> = Vec::new();
    for c in calls_named(snap, |c| {
        c.name.starts_with("jsonwebtoken::")
            || c.args.iter().any(|a| a.starts_with("Algorithm::"))
            || c.name.ends_with("EncodingKey::from_secret")
            || c.name.ends_with("DecodingKey::from_secret")
    }) {
        tokens.push(json!({
            "call": code(&format!("{}({})", c.name, c.args.iter().filter(|a| a.starts_with("Algorithm::")).cloned().collect::<Vec<_>>().join(", "))),
            "at": snap.link(&c.file, c.line),
        }));
    }
    for c in calls_named(snap, |c| {
        c.last() == "insecure_disable_signature_validation"
    }) {
        findings.push(Finding {
            severity: Severity::High,
            category: "auth",
            file: c.file.clone(),
            line: c.line,
            title: "JWT signature validation is disabled".into(),
        });
    }

    // CORS.
    let mut cors: Vec<Value> = Vec::new();
    for c in calls_named(snap, |c| {
        c.name.contains("CorsLayer")
            || c.name.contains("Cors::")
            || matches!(
                c.last(),
                "allow_origin" | "allow_any_origin" | "allow_credentials" | "allowed_origin"
            ) && c.is_method()
    }) {
        let args = c.args.join(", ");
        let (severity, what) = match c.last() {
            "permissive" | "very_permissive" => (
                Some(Severity::High),
                format!("`{}()` allows any origin, method and header", c.name),
            ),
            "allow_any_origin" => (Some(Severity::High), "CORS allows any origin".to_string()),
            "allow_origin" if args.contains("Any") || args.contains("\"*\"") => (
                Some(Severity::High),
                format!("CORS allows any origin (`allow_origin({args})`)"),
            ),
            "allow_origin" | "allowed_origin" => (None, format!("CORS origins: `{args}`")),
            "allow_credentials" if args.contains("true") => (
                Some(Severity::Medium),
                "CORS allows credentials: the origin list must be exact".to_string(),
            ),
            _ => continue,
        };
        cors.push(json!({"what": cell(&what), "at": snap.link(&c.file, c.line)}));
        if let Some(s) = severity {
            findings.push(Finding {
                severity: s,
                category: "cors",
                file: c.file.clone(),
                line: c.line,
                title: what,
            });
        }
    }

    if rate_limit.is_none() && !snap.routes.endpoints.is_empty() {
        findings.push(Finding {
            severity: Severity::Medium,
            category: "rate-limit",
            file: String::new(),
            line: 0,
            title: "no rate limiting found (no governor crate, no rate-limit layer)".into(),
        });
    }

    // TLS.
    let mut tls: Vec<Value> = Vec::new();
    for c in calls_named(snap, |c| {
        c.name.contains("RustlsConfig")
            || matches!(
                c.last(),
                "bind_rustls" | "bind_openssl" | "rustls_config" | "bind_rustls_0_23"
            )
            || c.name.contains("TlsAcceptor")
    }) {
        tls.push(json!({"what": format!("TLS in the application: {}", code(&c.name)), "at": snap.link(&c.file, c.line)}));
    }
    if tls.is_empty() {
        for c in calls_named(snap, |c| {
            c.name.ends_with("TcpListener::bind")
                || (c.is_method() && c.last() == "bind" && c.file.ends_with("main.rs"))
        })
        .take(1)
        {
            tls.push(json!({"what": "plain TCP listener: TLS must terminate in front of the service (proxy, load balancer)", "at": snap.link(&c.file, c.line)}));
        }
    }
    for p in &snap.ws.packages {
        for d in &p.dependencies {
            let tls_features: Vec<&String> =
                d.features.iter().filter(|f| f.contains("tls")).collect();
            if !tls_features.is_empty() {
                tls.push(json!({
                    "what": format!("`{}` built with {}", d.name, tls_features.iter().map(|f| code(f)).collect::<Vec<_>>().join(", ")),
                    "at": snap.link(&snap.ws.relative(&p.manifest_path), 0),
                }));
            }
        }
    }

    // Sessions and cookies.
    let mut session: Vec<Value> = Vec::new();
    for c in calls_named(snap, |c| {
        (c.is_method()
            && matches!(
                c.last(),
                "secure"
                    | "http_only"
                    | "same_site"
                    | "with_secure"
                    | "with_http_only"
                    | "with_same_site"
                    | "with_expiry"
            ))
            || (c.is_method()
                && matches!(c.last(), "set_ex" | "expire" | "pexpire")
                && (c.file.contains("session") || c.args.iter().any(|a| a.contains("session"))))
            || c.name.contains("Cookie::build")
            || c.name.contains("Cookie::new")
            || c.name.contains("SessionManagerLayer")
    }) {
        let args = c.args.join(", ");
        let bad = match c.last() {
            "secure" | "with_secure" | "http_only" | "with_http_only" if args == "false" => {
                Some(Severity::High)
            }
            "same_site" | "with_same_site" if args.contains("None") => Some(Severity::Medium),
            _ => None,
        };
        let what = format!("{}({})", c.name.trim_start_matches('.'), args);
        session.push(json!({"what": code(&what), "at": snap.link(&c.file, c.line)}));
        if let Some(s) = bad {
            findings.push(Finding {
                severity: s,
                category: "session",
                file: c.file.clone(),
                line: c.line,
                title: format!("cookie setting `{what}`"),
            });
        }
    }
    for v in &snap.env.vars {
        let n = v.name.to_ascii_uppercase();
        if (n.contains("TTL")
            || n.contains("EXPIR")
            || n.contains("SESSION")
            || n.contains("TIMEOUT"))
            && let Some(r) = v.reads.iter().find(|r| !r.test)
        {
            session.push(json!({
                "what": format!("`{}`{}", v.name, v.default.as_deref().map_or(String::new(), |d| format!(" (default `{}`)", cell(d)))),
                "at": snap.link(&r.file, r.line),
            }));
        }
    }

    // SQL built with string formatting.
    let mut sql: Vec<Value> = Vec::new();
    for m in snap
        .facts
        .macros
        .iter()
        .filter(|m| !m.test && format_sql(m))
    {
        sql.push(json!({"what": code(&format!("{}!(\"{}\")", m.name, m.literal.as_deref().unwrap_or(""))), "at": snap.link(&m.file, m.line)}));
        findings.push(Finding {
            severity: Severity::High,
            category: "sql-injection",
            file: m.file.clone(),
            line: m.line,
            title: format!(
                "SQL built with `{}!`: bind parameters instead of formatting values in",
                m.name
            ),
        });
    }
    for c in calls_named(snap, |c| {
        c.is_method()
            && c.last() == "push_str"
            && c.args.iter().any(|a| looks_like_sql(a) && a.contains('{'))
    }) {
        sql.push(
            json!({"what": "SQL assembled with `push_str`", "at": snap.link(&c.file, c.line)}),
        );
        findings.push(Finding {
            severity: Severity::High,
            category: "sql-injection",
            file: c.file.clone(),
            line: c.line,
            title: "SQL assembled with `push_str`".into(),
        });
    }

    // Secrets.
    let mut secrets: Vec<Value> = Vec::new();
    for s in snap.facts.strings.iter().filter(|s| !s.test) {
        let by_shape = secret_shape(&s.value);
        let by_name = s.name.as_deref().is_some_and(secret_name)
            && s.value.chars().count() >= 8
            && !looks_like_a_name(&s.value)
            && !s.value.contains('{')
            && !s.value.contains(' ');
        if by_shape.is_none() && !by_name {
            continue;
        }
        let what = match (by_shape, &s.name) {
            (Some(kind), _) => format!("{kind} in the source"),
            (None, Some(n)) => format!(
                "`{n}` is set to a {}-character literal",
                s.value.chars().count()
            ),
            (None, None) => "a secret-looking literal".to_string(),
        };
        secrets.push(json!({"what": cell(&what), "at": snap.link(&s.file, s.line)}));
        findings.push(Finding {
            severity: Severity::High,
            category: "secrets",
            file: s.file.clone(),
            line: s.line,
            title: what,
        });
    }
    for f in &snap.env.dotenv_files {
        if f.example {
            continue;
        }
        let with_values: Vec<&str> = f
            .vars
            .iter()
            .filter(|v| v.value_present)
            .map(|v| v.name.as_str())
            .collect();
        let what = format!(
            "`{}` is part of the workspace (not ignored by .gitignore) with {} value{}{}",
            f.file,
            with_values.len(),
            if with_values.len() == 1 { "" } else { "s" },
            {
                let named: Vec<&&str> = with_values.iter().filter(|n| secret_name(n)).collect();
                if named.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", including {}",
                        named
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            }
        );
        secrets.push(json!({"what": cell(&what), "at": snap.link(&f.file, f.vars.first().map_or(0, |v| v.line))}));
        findings.push(Finding {
            severity: Severity::High,
            category: "secrets",
            file: f.file.clone(),
            line: f.vars.first().map_or(0, |v| v.line),
            title: what,
        });
    }
    for compose in &snap.stack.compose {
        let Some(file) = snap.files.files.iter().find(|f| f.rel == compose.file) else {
            continue;
        };
        let Ok(text) = source::read_text(file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let l = line.trim().trim_start_matches("- ");
            let Some((k, v)) = l.split_once(':').or_else(|| l.split_once('=')) else {
                continue;
            };
            let (k, v) = (k.trim(), v.trim().trim_matches('"').trim_matches('\''));
            if secret_name(k) && !v.is_empty() && !v.starts_with('$') && !k.contains(' ') {
                let what = format!(
                    "`{k}` has a literal value in `{}`; pass it from the environment or a secret store",
                    compose.file
                );
                secrets.push(json!({"what": cell(&what), "at": snap.link(&compose.file, i + 1)}));
                findings.push(Finding {
                    severity: Severity::Medium,
                    category: "secrets",
                    file: compose.file.clone(),
                    line: i + 1,
                    title: what,
                });
            }
        }
    }

    findings.sort();
    findings.dedup();
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (high, medium) = (count(Severity::High), count(Severity::Medium));
    let finding_rows: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "severity": f.severity.as_str(),
                "category": f.category,
                "title": cell(&f.title),
                "at": if f.file.is_empty() { "—".to_string() } else { snap.link(&f.file, f.line) },
            })
        })
        .collect();
    let hashing_names: Vec<String> = snap
        .stack
        .auth
        .iter()
        .filter(|a| a.purpose == "password-hashing")
        .map(|a| a.name.clone())
        .collect();
    let key = {
        let mut s = format!(
            "{} finding{} ({high} high, {medium} medium)",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        );
        let top: Vec<String> = findings
            .iter()
            .filter(|f| f.severity <= Severity::Medium)
            .take(3)
            .map(|f| {
                if f.file.is_empty() {
                    f.title.clone()
                } else {
                    format!("{} ({}:{})", f.title, f.file, f.line)
                }
            })
            .collect();
        if !top.is_empty() {
            s.push_str(&format!(": {}", top.join("; ")));
        }
        s.push('.');
        if hashing_names.is_empty() {
            s.push_str(" No password-hashing crate is used.");
        } else {
            s.push_str(&format!(
                " Passwords are hashed with {}.",
                hashing_names.join(", ")
            ));
        }
        s
    };
    let known = auth_mechanisms(snap);
    let mut summary: Vec<String> = Vec::new();
    if !known.is_empty() {
        summary.push(format!(
            "Authentication: {}",
            known
                .keys()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !hashing_names.is_empty() {
        summary.push(format!("Password hashing: {}", hashing_names.join(", ")));
    }
    for f in findings.iter().filter(|f| f.severity <= Severity::Medium) {
        summary.push(format!(
            "{} ({}): {}{}",
            f.severity.as_str(),
            f.category,
            f.title,
            if f.file.is_empty() {
                String::new()
            } else {
                format!(" — {}", snap.link(&f.file, f.line))
            }
        ));
    }
    Report {
        context: json!({
            "stride": stride,
            "auth": auth_rows,
            "extractors": known.iter().map(|(k, (f, l))| json!({"name": k, "at": snap.link(f, *l)})).collect::<Vec<_>>(),
            "hashing": hashing,
            "tokens": tokens,
            "unauthenticated": unauthenticated,
            "cors": cors,
            "rate_limit": rate_limit.map(|(f, l)| snap.link(&f, l)),
            "trace": trace.as_ref().map(|(f, l, n)| format!("{} {}", code(n), snap.link(f, *l))),
            "tls": tls,
            "session": session,
            "sql": sql,
            "secrets": secrets,
            "findings": finding_rows,
            "high": high,
            "medium": medium,
        }),
        key_decisions: key,
        summary,
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(looks_like_sql("SELECT * FROM users WHERE id = {id}"));
        assert!(looks_like_sql("delete from sessions where id = $1"));
        assert!(!looks_like_sql("selected from the list"));
        assert!(secret_name("JWT_SECRET"));
        assert!(secret_name("db_password"));
        assert_eq!(
            secret_shape("AKIAABCDEFGHIJKLMNOP"),
            Some("an AWS access key id")
        );
        assert!(looks_like_a_name("JWT_SECRET"));
        assert!(is_admin_path("/api/admin/users"));
        assert!(is_sign_in_flow("/api/v1/auth/login"));
        assert!(!secret_name("ACCESS_TOKEN_TTL_SECS"));
        assert!(is_public_probe("/health"));
    }
}
