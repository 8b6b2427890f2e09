//! The compliance consultant (08): the personal data the code stores and
//! carries (emails, names, phones, addresses, birth dates, IPs, locations,
//! payment data, and credentials and free text beside them), where each is
//! stored and logged, and which of erasure, export, consent and retention
//! the code already supports.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::schema::snake;
use super::security::looks_like_sql;
use super::{Feature, Report, Snapshot, code};

/// The categories, in the order documents list them.
pub(super) const CATEGORIES: &[&str] = &[
    "Email",
    "Name",
    "Phone",
    "Address",
    "Birth date",
    "IP address",
    "Location",
    "Payment data",
    "Credentials",
    "Free text",
];

/// Owners whose bare `name` is a person's name.
fn personish(owner: &str) -> bool {
    let o = owner.to_ascii_lowercase();
    [
        "user", "customer", "account", "profile", "person", "people", "member", "employee",
        "contact", "patient", "author", "owner",
    ]
    .iter()
    .any(|w| o.contains(w))
}

/// The personal-data category of a column or field name.
pub(super) fn category(name: &str, owner: &str) -> Option<&'static str> {
    let s = snake(name).to_ascii_lowercase();
    let segs: Vec<&str> = s.split('_').filter(|x| !x.is_empty()).collect();
    let has = |w: &[&str]| segs.iter().any(|s| w.contains(s));
    if has(&["password", "passwd", "secret", "otp", "totp", "mfa", "pin"])
        || (has(&["token"]) && !has(&["type"]))
    {
        return Some("Credentials");
    }
    if has(&["email", "mail"]) {
        return Some("Email");
    }
    if has(&["ip", "ipaddr", "ipv4", "ipv6"]) || (has(&["remote"]) && has(&["addr", "address"])) {
        return Some("IP address");
    }
    if has(&["phone", "mobile", "msisdn", "telephone", "tel"]) {
        return Some("Phone");
    }
    if has(&["birth", "dob", "birthday", "birthdate"]) {
        return Some("Birth date");
    }
    if has(&[
        "card", "pan", "cvv", "cvc", "iban", "bic", "swift", "routing", "stripe", "payment",
    ]) || (has(&["account"]) && has(&["number", "no"]))
    {
        return Some("Payment data");
    }
    if has(&[
        "address", "street", "city", "postal", "postcode", "zip", "zipcode",
    ]) {
        return Some("Address");
    }
    if has(&[
        "latitude",
        "longitude",
        "lat",
        "lng",
        "lon",
        "geo",
        "geolocation",
        "location",
        "coordinates",
        "gps",
    ]) {
        return Some("Location");
    }
    let name_words = [
        "first", "last", "full", "display", "given", "family", "middle", "user", "nick", "legal",
    ];
    if (has(&["name"]) && has(&name_words))
        || has(&["surname", "username", "nickname", "firstname", "lastname"])
        || (segs == ["name"] && personish(owner))
    {
        return Some("Name");
    }
    if segs.len() == 1
        && matches!(
            segs[0],
            "notes" | "note" | "comment" | "comments" | "bio" | "message"
        )
    {
        return Some("Free text");
    }
    None
}

fn words(tokens: &str) -> BTreeSet<String> {
    tokens
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

const LOG_MACROS: &[&str] = &[
    "info", "warn", "error", "debug", "trace", "event", "println", "eprintln", "print", "eprint",
    "log", "dbg",
];

pub(super) fn consult(snap: &Snapshot<'_>, feature: &Feature) -> Report {
    let schema = &snap.schema;
    // category → (stored, types)
    let mut stored: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut carried: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut touched: BTreeSet<&str> = BTreeSet::new();
    for t in &schema.tables {
        let feature_table = super::data::touched(t, feature).is_some();
        for c in &t.columns {
            if let Some(cat) = category(&c.name, &t.name) {
                stored.entry(cat).or_default().push(format!(
                    "{} {}",
                    code(&format!("{}.{}", t.name, c.name)),
                    snap.link(&c.file, c.line)
                ));
                names.insert(c.name.to_ascii_lowercase(), cat);
                if feature_table {
                    touched.insert(cat);
                }
            }
        }
    }
    for s in snap.facts.structs.iter().filter(|s| !s.test) {
        if !(s.derives("Serialize")
            || s.derives("Deserialize")
            || s.derives("FromRow")
            || s.derives("Queryable")
            || s.derives("DeriveEntityModel"))
        {
            continue;
        }
        let input_or_row =
            !s.derives("Serialize") || s.derives("Deserialize") || s.derives("FromRow");
        for f in &s.fields {
            if let Some(cat) = category(&f.name, &s.name) {
                // Free text counts where a person can write it or it is kept.
                if cat == "Free text" && !input_or_row {
                    continue;
                }
                carried.entry(cat).or_default().push(format!(
                    "{} {}",
                    code(&format!("{}.{}", s.name, f.name)),
                    snap.link(&s.file, f.line)
                ));
                names.insert(f.name.to_ascii_lowercase(), cat);
            }
        }
    }
    // Logged: a log macro whose arguments name a personal-data field.
    let mut logged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut logged_rows: Vec<Value> = Vec::new();
    for m in snap
        .facts
        .macros
        .iter()
        .filter(|m| !m.test && LOG_MACROS.contains(&m.last()))
    {
        let w = words(&m.tokens);
        let hits: Vec<(&String, &&str)> = names
            .iter()
            .filter(|(n, cat)| w.contains(n.as_str()) && **cat != "Free text")
            .collect();
        if hits.is_empty() {
            continue;
        }
        for (n, cat) in &hits {
            logged.entry(**cat).or_default().push(format!(
                "{} {}",
                code(n),
                snap.link(&m.file, m.line)
            ));
        }
        logged_rows.push(json!({
            "macro": code(&format!("{}!", m.name)),
            "fields": hits.iter().map(|(n, _)| code(n)).collect::<Vec<_>>().join(", "),
            "at": snap.link(&m.file, m.line),
        }));
    }
    let inventory: Vec<Value> = CATEGORIES
        .iter()
        .filter(|c| stored.contains_key(*c) || carried.contains_key(*c))
        .map(|c| {
            json!({
                "category": c,
                "stored": stored.get(c).map_or("—".to_string(), |v| v.join("<br>")),
                "carried": carried.get(c).map_or("—".to_string(), |v| v.join("<br>")),
                "logged": logged.get(c).map_or("no".to_string(), |v| v.join("<br>")),
                "touched": touched.contains(c),
            })
        })
        .collect();

    // Data subject rights.
    let subject_tables: Vec<&str> = schema
        .tables
        .iter()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| category(&c.name, &t.name) == Some("Email"))
                || personish(&t.name)
        })
        .map(|t| t.name.as_str())
        .collect();
    let pii_tables: BTreeSet<String> = schema
        .tables
        .iter()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| category(&c.name, &t.name).is_some())
        })
        .map(|t| t.name.to_ascii_lowercase())
        .collect();
    let sql_strings: Vec<&super::facts::StringFact> = snap
        .facts
        .strings
        .iter()
        .filter(|s| !s.test && looks_like_sql(&s.value))
        .collect();
    let mut rights: Vec<Value> = Vec::new();
    // Erasure.
    let mut erasure: Vec<String> = Vec::new();
    let mut erases_subject = false;
    for s in &sql_strings {
        let u = s.value.to_ascii_lowercase();
        for t in &pii_tables {
            if u.contains(&format!("delete from {t}")) {
                erasure.push(format!("`DELETE FROM {t}` {}", snap.link(&s.file, s.line)));
                if subject_tables.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                    erases_subject = true;
                }
            }
        }
    }
    for e in &snap.routes.endpoints {
        let p = e.path.to_ascii_lowercase();
        if e.method == "DELETE"
            && ["user", "account", "me", "profile", "customer"]
                .iter()
                .any(|w| p.split('/').any(|s| s.starts_with(w)))
        {
            erasure.push(format!("`{}` {}", e.id(), snap.link(&e.file, e.line)));
            erases_subject = true;
        }
    }
    for t in &schema.tables {
        for fk in &t.foreign_keys {
            if fk.on_delete.as_deref() == Some("CASCADE")
                && subject_tables
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&fk.table))
            {
                erasure.push(format!(
                    "`{}` rows go with their `{}` (ON DELETE CASCADE) {}",
                    t.name,
                    fk.table,
                    snap.link(&fk.file, fk.line)
                ));
            }
        }
    }
    let erasure_status = if erases_subject {
        "supported"
    } else if erasure.is_empty() {
        "not found"
    } else {
        "partial"
    };
    rights.push(json!({"right": "Erasure", "status": erasure_status, "evidence": if erasure.is_empty() { "no code deletes a data subject's rows".to_string() } else { erasure.join("<br>") }}));
    // Export.
    let export: Vec<String> = snap
        .routes
        .endpoints
        .iter()
        .filter(|e| {
            let p = format!("{} {}", e.path, e.handler).to_ascii_lowercase();
            ["export", "download", "takeout", "portability"]
                .iter()
                .any(|w| p.contains(w))
        })
        .map(|e| format!("`{}` {}", e.id(), snap.link(&e.file, e.line)))
        .collect();
    rights.push(json!({"right": "Export (portability)", "status": if export.is_empty() { "not found" } else { "supported" }, "evidence": if export.is_empty() { "no export or download endpoint".to_string() } else { export.join("<br>") }}));
    // Consent.
    let consent_words = [
        "consent",
        "opt_in",
        "optin",
        "marketing",
        "terms",
        "gdpr",
        "privacy",
        "subscribed",
    ];
    let mut consent: Vec<String> = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            let n = c.name.to_ascii_lowercase();
            if consent_words.iter().any(|w| n.contains(w)) {
                consent.push(format!(
                    "{} {}",
                    code(&format!("{}.{}", t.name, c.name)),
                    snap.link(&c.file, c.line)
                ));
            }
        }
    }
    for s in snap.facts.structs.iter().filter(|s| !s.test) {
        for f in &s.fields {
            let n = f.name.to_ascii_lowercase();
            if consent_words.iter().any(|w| n.contains(w)) {
                consent.push(format!(
                    "{} {}",
                    code(&format!("{}.{}", s.name, f.name)),
                    snap.link(&s.file, f.line)
                ));
            }
        }
    }
    rights.push(json!({"right": "Consent", "status": if consent.is_empty() { "not found" } else { "supported" }, "evidence": if consent.is_empty() { "no consent, opt-in or terms-acceptance field".to_string() } else { consent.join("<br>") }}));
    // Retention.
    let mut retention: Vec<String> = Vec::new();
    let mut purges = false;
    for t in &schema.tables {
        for c in &t.columns {
            let n = c.name.to_ascii_lowercase();
            if [
                "deleted_at",
                "expires_at",
                "expiry",
                "expired_at",
                "retention",
                "purge",
                "anonymized_at",
                "anonymised_at",
            ]
            .iter()
            .any(|w| n.contains(w))
            {
                retention.push(format!(
                    "{} {}",
                    code(&format!("{}.{}", t.name, c.name)),
                    snap.link(&c.file, c.line)
                ));
            }
        }
    }
    for s in &sql_strings {
        let u = s.value.to_ascii_lowercase();
        if u.contains("delete from")
            && u.contains('<')
            && [
                "created_at",
                "updated_at",
                "expires_at",
                "now()",
                "interval",
            ]
            .iter()
            .any(|w| u.contains(w))
        {
            retention.push(format!("age-based purge {}", snap.link(&s.file, s.line)));
            purges = true;
        }
    }
    for c in snap.facts.calls.iter().filter(|c| {
        !c.test
            && c.is_method()
            && matches!(c.last(), "set_ex" | "expire" | "pexpire" | "set_ex_nx")
    }) {
        retention.push(format!(
            "time-limited key `{}` {}",
            c.last(),
            snap.link(&c.file, c.line)
        ));
    }
    let retention_status = if purges {
        "supported"
    } else if retention.is_empty() {
        "not found"
    } else {
        "partial"
    };
    rights.push(json!({"right": "Retention", "status": retention_status, "evidence": if retention.is_empty() { "no expiry column, purge job or TTL".to_string() } else { retention.join("<br>") }}));

    let categories_found: Vec<&str> = CATEGORIES
        .iter()
        .copied()
        .filter(|c| stored.contains_key(c) || carried.contains_key(c))
        .collect();
    let key = {
        let mut s = if categories_found.is_empty() {
            "No personal data found in the data model or the types".to_string()
        } else {
            format!(
                "Personal data: {}",
                categories_found
                    .iter()
                    .map(|c| {
                        let first = stored
                            .get(c)
                            .and_then(|v| v.first())
                            .or_else(|| carried.get(c).and_then(|v| v.first()))
                            .map(|x| x.split(' ').next().unwrap_or("").trim_matches('`'));
                        match first {
                            Some(f) => format!("{} ({f})", c.to_lowercase()),
                            None => c.to_lowercase(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        s.push_str(&format!(
            "; {} logged. Erasure {erasure_status}, export {}, consent {}, retention {retention_status}.",
            if logged_rows.is_empty() {
                "none of it is"
            } else {
                "some of it is"
            },
            rights[1]["status"].as_str().unwrap_or(""),
            rights[2]["status"].as_str().unwrap_or(""),
        ));
        s
    };
    let mut summary: Vec<String> = Vec::new();
    if !categories_found.is_empty() {
        summary.push(format!(
            "Personal data held: {}",
            categories_found.join(", ")
        ));
    }
    if !touched.is_empty() {
        summary.push(format!(
            "The feature touches tables holding: {}",
            touched.iter().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    for r in &rights {
        summary.push(format!(
            "{}: {}",
            r["right"].as_str().unwrap_or(""),
            r["status"].as_str().unwrap_or("")
        ));
    }
    if !logged_rows.is_empty() {
        summary.push(format!(
            "Personal data reaches the logs in {} place{}",
            logged_rows.len(),
            if logged_rows.len() == 1 { "" } else { "s" }
        ));
    }
    Report {
        context: json!({
            "inventory": inventory,
            "logged": logged_rows,
            "rights": rights,
            "subjects": subject_tables.iter().map(|t| code(t)).collect::<Vec<_>>(),
            "touched": touched.iter().copied().collect::<Vec<_>>(),
        }),
        key_decisions: key,
        summary,
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::category;

    #[test]
    fn categories() {
        assert_eq!(category("email", "users"), Some("Email"));
        assert_eq!(category("display_name", "users"), Some("Name"));
        assert_eq!(category("name", "users"), Some("Name"));
        assert_eq!(category("name", "products"), None);
        assert_eq!(category("shipping_address", "orders"), Some("Address"));
        assert_eq!(category("ip_address", "logins"), Some("IP address"));
        assert_eq!(category("lastLoginIp", "User"), Some("IP address"));
        assert_eq!(category("date_of_birth", "users"), Some("Birth date"));
        assert_eq!(category("phone_number", "users"), Some("Phone"));
        assert_eq!(category("card_last4", "payments"), Some("Payment data"));
        assert_eq!(category("latitude", "stores"), Some("Location"));
        assert_eq!(category("password_hash", "users"), Some("Credentials"));
        assert_eq!(category("token_type", "TokenResponse"), None);
        assert_eq!(category("notes", "orders"), Some("Free text"));
        assert_eq!(category("created_at", "users"), None);
        assert_eq!(category("status", "orders"), None);
    }
}
