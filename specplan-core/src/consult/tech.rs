//! The stack consultant (06): the stack as detected, with versions from
//! `Cargo.lock`; crates locked in two major versions; crates known to be
//! deprecated or unmaintained; RustSec advisories from a local database;
//! and what the feature needs that the stack has or lacks.

use std::collections::BTreeSet;

use camino::Utf8Path;
use serde_json::{Value, json};

use super::advisories::{self, Hit};
use super::{Feature, Report, Snapshot, cell, code};

/// A capability a feature may need: the words that call for it, and the
/// crates that provide it (the first is the one recommended when none is
/// there).
struct Capability {
    name: &'static str,
    triggers: &'static [&'static str],
    crates: &'static [&'static str],
    why: &'static str,
}

const CAPABILITIES: &[Capability] = &[
    Capability {
        name: "Password hashing",
        triggers: &[
            "password",
            "credential",
            "login",
            "signin",
            "signup",
            "register",
            "account",
        ],
        crates: &["argon2", "bcrypt", "scrypt", "pbkdf2", "password-hash"],
        why: "passwords are stored only as slow, salted hashes",
    },
    Capability {
        name: "Secure random tokens",
        triggers: &[
            "reset",
            "token",
            "invite",
            "invitation",
            "verify",
            "verification",
            "magic",
            "otp",
            "confirm",
            "confirmation",
            "apikey",
            "key",
        ],
        crates: &["rand", "getrandom", "ring"],
        why: "one-time tokens must come from a CSPRNG and be stored hashed",
    },
    Capability {
        name: "Email delivery",
        triggers: &[
            "reset",
            "email",
            "invite",
            "invitation",
            "verify",
            "verification",
            "notification",
            "newsletter",
            "magic",
            "confirmation",
        ],
        crates: &[
            "lettre",
            "aws-sdk-sesv2",
            "aws-sdk-ses",
            "sendgrid",
            "postmark",
        ],
        why: "the feature reaches the user by email",
    },
    Capability {
        name: "Rate limiting",
        triggers: &[
            "reset", "login", "signin", "password", "otp", "signup", "register", "auth",
        ],
        crates: &[
            "tower_governor",
            "governor",
            "actix-governor",
            "rocket-governor",
        ],
        why: "endpoints that accept secrets or send messages are abuse targets",
    },
    Capability {
        name: "Background jobs",
        triggers: &[
            "email",
            "notification",
            "export",
            "import",
            "report",
            "batch",
            "reminder",
        ],
        crates: &["apalis", "tokio-cron-scheduler"],
        why: "slow or retried work should leave the request path",
    },
    Capability {
        name: "Payments",
        triggers: &[
            "payment",
            "checkout",
            "billing",
            "subscription",
            "invoice",
            "refund",
        ],
        crates: &["async-stripe"],
        why: "card data stays with a payment provider",
    },
    Capability {
        name: "Object storage",
        triggers: &[
            "upload",
            "file",
            "image",
            "avatar",
            "attachment",
            "document",
        ],
        crates: &["aws-sdk-s3", "object_store"],
        why: "files do not belong in the database",
    },
];

fn version(snap: &Snapshot<'_>, name: &str) -> Option<String> {
    snap.ws
        .lock
        .as_ref()
        .and_then(|l| l.versions(name).first().map(|v| v.to_string()))
}

fn is_direct(snap: &Snapshot<'_>, name: &str) -> bool {
    snap.ws
        .packages
        .iter()
        .any(|p| p.dependencies.iter().any(|d| d.name == name))
}

/// Whether a member depends on this version of the crate directly.
fn is_direct_version(snap: &Snapshot<'_>, name: &str, version: &str) -> bool {
    let Ok(v) = semver::Version::parse(version) else {
        return is_direct(snap, name);
    };
    snap.ws.packages.iter().any(|p| {
        p.dependencies
            .iter()
            .any(|d| d.name == name && d.req.matches(&v))
    })
}

fn hit_row(snap: &Snapshot<'_>, h: &Hit) -> Value {
    json!({
        "name": h.name,
        "version": h.version,
        "kind": h.kind,
        "title": cell(&h.title),
        "replacement": h.replacement.as_deref().map_or(String::new(), cell),
        "id": h.id.clone().unwrap_or_default(),
        "source": h.source,
        "direct": if is_direct_version(snap, &h.name, &h.version) { "direct" } else { "transitive" },
    })
}

pub(super) fn consult(snap: &Snapshot<'_>, feature: &Feature, db: Option<&Utf8Path>) -> Report {
    let stack = &snap.stack;
    let mut rows: Vec<Value> = Vec::new();
    let v = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
    for f in &stack.frameworks {
        rows.push(json!({"role": "Framework", "name": f.name, "version": v(&f.version), "package": f.package}));
    }
    let mut dbs: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for d in &stack.databases {
        let user = d
            .package
            .clone()
            .or_else(|| d.file.clone())
            .unwrap_or_default();
        match dbs.iter_mut().find(|(n, _, _)| *n == d.name) {
            Some((_, via, users)) => {
                if !via.contains(&d.via) {
                    via.push(d.via.clone());
                }
                if !users.contains(&user) {
                    users.push(user);
                }
            }
            None => dbs.push((d.name.clone(), vec![d.via.clone()], vec![user])),
        }
    }
    for (name, via, users) in dbs {
        rows.push(json!({"role": "Database", "name": format!("{name} (via {})", via.join(", ")), "version": "—", "package": users.join("`, `")}));
    }
    for o in &stack.orms {
        rows.push(json!({"role": "ORM / query layer", "name": o.name, "version": v(&o.version), "package": o.package}));
    }
    for a in &stack.auth {
        rows.push(json!({"role": format!("Auth ({})", a.purpose), "name": a.name, "version": v(&a.version), "package": a.package}));
    }
    for m in &stack.messaging {
        rows.push(json!({"role": format!("Messaging ({})", m.broker), "name": m.name, "version": v(&m.version), "package": m.package}));
    }
    for o in &stack.other {
        rows.push(json!({"role": o.category, "name": o.name, "version": v(&o.version), "package": o.package}));
    }

    let mut capabilities: Vec<Value> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for c in CAPABILITIES {
        let Some(trigger) = feature
            .keywords
            .iter()
            .find(|k| c.triggers.contains(&k.as_str()))
        else {
            continue;
        };
        let present: Vec<String> = c
            .crates
            .iter()
            .filter_map(|name| {
                version(snap, name).map(|ver| {
                    format!(
                        "{} {ver}{}",
                        code(name),
                        if is_direct(snap, name) {
                            ""
                        } else {
                            " transitive"
                        }
                    )
                })
            })
            .collect();
        let direct = c.crates.iter().any(|n| is_direct(snap, n));
        let status = if direct {
            "present"
        } else if present.is_empty() {
            "missing"
        } else {
            "only transitive"
        };
        if !direct {
            missing.push(format!("{} (e.g. `{}`)", c.name, c.crates[0]));
        }
        capabilities.push(json!({
            "name": c.name,
            "trigger": trigger,
            "status": status,
            "found": if present.is_empty() { "—".to_string() } else { present.join(", ") },
            "suggest": if direct { String::new() } else { c.crates.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ") },
            "why": c.why,
        }));
    }

    let lock = snap.ws.lock.as_ref();
    let all_duplicates = lock.map(advisories::duplicate_majors).unwrap_or_default();
    // Platform crates (Windows, Redox) come in families, and are built only
    // on their platform: named once, not listed.
    let platform = |n: &str| n.starts_with("windows") || n.starts_with("redox");
    let platform_duplicates: Vec<String> = all_duplicates
        .iter()
        .filter(|(n, _)| platform(n))
        .map(|(n, _)| n.clone())
        .collect();
    let mut sorted_duplicates: Vec<(String, Vec<String>)> = all_duplicates
        .into_iter()
        .filter(|(n, _)| !platform(n))
        .collect();
    sorted_duplicates.sort_by_key(|(n, _)| (!is_direct(snap, n), n.clone()));
    let duplicates: Vec<Value> = sorted_duplicates
        .into_iter()
        .map(|(name, versions)| {
            json!({
                "name": name,
                "versions": versions.join(", "),
                "direct": if is_direct(snap, &name) { "direct" } else { "transitive" },
            })
        })
        .collect();
    let curated: Vec<Hit> = lock.map(advisories::curated_hits).unwrap_or_default();
    let (rustsec, db_diags, db_state) = match (db, lock) {
        (Some(db), Some(lock)) => {
            let (hits, diags) = advisories::rustsec_hits(db, lock);
            let name = db.file_name().unwrap_or("advisory-db").to_string();
            (hits, diags, json!({"found": true, "name": name}))
        }
        _ => (Vec::new(), Vec::new(), json!({"found": false})),
    };
    let mut deprecated_names: BTreeSet<String> = BTreeSet::new();
    for h in &curated {
        deprecated_names.insert(h.name.clone());
    }
    let key = {
        let mut parts: Vec<String> = Vec::new();
        let main: Vec<String> = stack
            .frameworks
            .iter()
            .map(|f| format!("{} {}", f.name, v(&f.version)))
            .chain(
                stack
                    .orms
                    .iter()
                    .map(|o| format!("{} {}", o.name, v(&o.version))),
            )
            .collect();
        if !main.is_empty() {
            parts.push(format!("Built on {}", main.join(", ")));
        }
        if !missing.is_empty() {
            parts.push(format!(
                "{} still needs {}",
                feature.name,
                missing.join(", ")
            ));
        }
        let mut counts: Vec<String> = Vec::new();
        if !duplicates.is_empty() {
            counts.push(format!(
                "{} crate{} locked in two major versions",
                duplicates.len(),
                if duplicates.len() == 1 { "" } else { "s" }
            ));
        }
        if !curated.is_empty() {
            counts.push(format!(
                "{} deprecated or unmaintained ({})",
                curated.len(),
                curated
                    .iter()
                    .map(|h| match &h.replacement {
                        Some(r) => format!("{} → {r}", h.name),
                        None => h.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        if db.is_some() {
            counts.push(format!(
                "{} RustSec advisor{}",
                rustsec.len(),
                if rustsec.len() == 1 { "y" } else { "ies" }
            ));
        } else {
            counts.push("no local RustSec database, advisories not checked".into());
        }
        parts.push(counts.join("; "));
        let parts: Vec<String> = parts
            .into_iter()
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        format!("{}.", parts.join(". "))
    };
    let mut summary: Vec<String> = Vec::new();
    for c in &capabilities {
        summary.push(format!(
            "{}: {}{}",
            c["name"].as_str().unwrap_or(""),
            c["status"].as_str().unwrap_or(""),
            match c["status"].as_str() {
                Some("present") => format!(": {}", c["found"].as_str().unwrap_or("")),
                _ => format!(" — consider {}", c["suggest"].as_str().unwrap_or("")),
            }
        ));
    }
    for h in &curated {
        summary.push(format!(
            "Replace `{}` {} ({}): {}",
            h.name,
            h.version,
            h.kind,
            h.replacement.clone().unwrap_or_default()
        ));
    }
    if !rustsec.is_empty() {
        summary.push(format!(
            "{} RustSec advisor{} affect{} locked crates",
            rustsec.len(),
            if rustsec.len() == 1 { "y" } else { "ies" },
            if rustsec.len() == 1 { "s" } else { "" }
        ));
    }
    Report {
        context: json!({
            "stack": rows,
            "lockfile": lock.is_some(),
            "locked": lock.map_or(0, |l| l.packages.len()),
            "capabilities": capabilities,
            "duplicates": duplicates,
            "platform_duplicates": platform_duplicates.len(),
            "curated": curated.iter().map(|h| hit_row(snap, h)).collect::<Vec<_>>(),
            "curated_count": advisories::curated().len(),
            "db": db_state,
            "rustsec": rustsec.iter().map(|h| hit_row(snap, h)).collect::<Vec<_>>(),
        }),
        key_decisions: key,
        summary,
        diagnostics: db_diags,
    }
}
