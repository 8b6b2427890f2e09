//! Example values from JSON Schemas, and the curl and fetch calls of an
//! endpoint built from them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::routes::Endpoint;

/// A plausible value for a property, by its name and schema.
fn by_name(name: &str, schema: &Value) -> Option<Value> {
    let n = name.to_ascii_lowercase().replace('_', "");
    let ty = schema_type(schema);
    let v = match ty.as_deref() {
        Some("string") => {
            let s = if n.contains("email") {
                "alice@example.com"
            } else if n.contains("password") {
                "correct horse battery"
            } else if n == "displayname" || n == "name" || n.ends_with("name") {
                "Alice"
            } else if n.contains("currency") {
                "EUR"
            } else if n.contains("sku") {
                "MUG-001"
            } else if n.contains("token") {
                "eyJhbGciOiJIUzI1NiJ9.example.signature"
            } else if n.contains("address") {
                "1 Example Street, Springfield"
            } else if n.contains("url") {
                "https://example.com"
            } else {
                return None;
            };
            json!(s)
        }
        Some("integer") => {
            let i = if n == "page" {
                1
            } else if n.contains("perpage") || n.contains("limit") || n.contains("size") {
                20
            } else if n.contains("quantity") || n.contains("count") {
                2
            } else if n.contains("cents") || n.contains("price") || n.contains("amount") {
                1250
            } else if n.contains("expires") || n.contains("ttl") {
                900
            } else {
                return None;
            };
            json!(i)
        }
        _ => return None,
    };
    Some(v)
}

/// The non-null type of a schema (`["string", "null"]` → `string`).
fn schema_type(schema: &Value) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_string),
        _ => None,
    }
}

/// An example instance of `schema`; `$ref`s resolve in `defs`.
/// The schema name a `{"$ref": "#/schemas/Name"}` points to.
pub(crate) fn ref_name(schema: &Value) -> Option<&str> {
    let r = schema.get("$ref")?.as_str()?;
    Some(r.rsplit('/').next().unwrap_or(r))
}

pub fn example(schema: &Value, defs: &BTreeMap<String, Value>) -> Value {
    example_at(schema, defs, "", 0)
}

fn example_at(schema: &Value, defs: &BTreeMap<String, Value>, name: &str, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    if let Some(e) = schema.get("example").or_else(|| schema.get("default")) {
        return e.clone();
    }
    if let Some(key) = ref_name(schema) {
        return match defs.get(key) {
            Some(s) => example_at(s, defs, name, depth + 1),
            None => Value::Null,
        };
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(alts)) = schema.get(key)
            && let Some(alt) = alts
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
        {
            return example_at(alt, defs, name, depth + 1);
        }
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && let Some(first) = values.first()
    {
        return first.clone();
    }
    if let Some(v) = by_name(name, schema) {
        return v;
    }
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    match schema_type(schema).as_deref() {
        Some("object") => {
            let mut out = Map::new();
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (k, v) in props {
                    out.insert(k.clone(), example_at(v, defs, k, depth + 1));
                }
            } else if let Some(extra) = schema.get("additionalProperties")
                && extra.is_object()
            {
                out.insert("key".into(), example_at(extra, defs, "key", depth + 1));
            }
            Value::Object(out)
        }
        Some("array") => {
            let item = schema.get("items").cloned().unwrap_or(json!({}));
            json!([example_at(&item, defs, name, depth + 1)])
        }
        Some("string") => json!(match format {
            "uuid" => "7f1d2c3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f",
            "date-time" => "2026-01-15T12:00:00Z",
            "date" => "2026-01-15",
            "email" => "alice@example.com",
            "uri" | "url" => "https://example.com",
            _ => "string",
        }),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => Value::Null,
    }
}

/// The credential a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: <scheme> <token>`.
    Scheme(String),
    /// Another header (`x-api-key: <key>`).
    Header(String),
    /// The session cookie a sign-in set.
    Cookie,
}

/// What a client sends to an endpoint, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The full URL, path parameters filled in, with the query string.
    pub url: String,
    pub method: String,
    /// The credential sent, if one is.
    pub auth: Option<Credential>,
    /// The JSON body, pretty-printed.
    pub body: Option<String>,
}

/// The example request for an endpoint.
pub fn request(
    e: &Endpoint,
    defs: &BTreeMap<String, Value>,
    base_url: &str,
    auth: Option<Credential>,
) -> Request {
    let mut path = e.path.clone();
    for p in &e.params {
        let value = example_at(&p.schema, defs, &p.name, 0);
        let text = match value {
            Value::String(s) if s != "string" => s,
            Value::Number(n) => n.to_string(),
            _ => "1".to_string(),
        };
        path = path.replace(&format!("{{{}}}", p.name), &text);
    }
    let mut query = Vec::new();
    if let Some(q) = &e.query
        && let Value::Object(map) = example(&q.schema, defs)
    {
        for (k, v) in map.iter().take(3) {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => continue,
                other => other.to_string(),
            };
            query.push(format!("{k}={text}"));
        }
    }
    let mut url = format!("{}{path}", base_url.trim_end_matches('/'));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    let body = e
        .request
        .as_ref()
        .filter(|r| matches!(r.kind.as_str(), "json" | "form"))
        .map(|r| example(&r.schema, defs))
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default());
    Request {
        url,
        method: e.method.clone(),
        auth,
        body,
    }
}

impl Request {
    /// `curl -X POST …` (the token read from `$TOKEN`).
    pub fn curl(&self) -> String {
        let mut parts = vec![format!("curl -i -X {} '{}'", self.method, self.url)];
        match &self.auth {
            Some(Credential::Scheme(scheme)) => {
                parts.push(format!("-H \"Authorization: {scheme} $TOKEN\""));
            }
            Some(Credential::Header(name)) => parts.push(format!("-H \"{name}: $API_KEY\"")),
            Some(Credential::Cookie) => parts.push("-H \"Cookie: $SESSION_COOKIE\"".into()),
            None => {}
        }
        if let Some(body) = &self.body {
            parts.push("-H 'Content-Type: application/json'".into());
            let compact: String = serde_json::from_str::<Value>(body)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| body.clone());
            parts.push(format!("-d '{}'", compact.replace('\'', "'\\''")));
        }
        parts.join(" \\\n  ")
    }

    /// `const response = await fetch(…)` with the same request.
    pub fn fetch(&self) -> String {
        let mut headers = Vec::new();
        if self.body.is_some() {
            headers.push("\"Content-Type\": \"application/json\"".to_string());
        }
        match &self.auth {
            Some(Credential::Scheme(scheme)) => {
                headers.push(format!("Authorization: `{scheme} ${{token}}`"));
            }
            Some(Credential::Header(name)) => headers.push(format!("\"{name}\": apiKey")),
            Some(Credential::Cookie) | None => {}
        }
        let mut opts = vec![format!("  method: \"{}\",", self.method)];
        if self.auth == Some(Credential::Cookie) {
            // The browser sends the session cookie a sign-in set.
            opts.push("  credentials: \"include\",".into());
        }
        if !headers.is_empty() {
            opts.push(format!("  headers: {{ {} }},", headers.join(", ")));
        }
        if let Some(body) = &self.body {
            let indented = body.replace('\n', "\n  ");
            opts.push(format!("  body: JSON.stringify({indented}),"));
        }
        format!(
            "const response = await fetch(\"{}\", {{\n{}\n}});\nconsole.log(response.status, await response.text());",
            self.url,
            opts.join("\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_follow_refs_names_and_formats() {
        let mut defs = BTreeMap::new();
        defs.insert(
            "User".to_string(),
            json!({"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"},
                "email": {"type": "string"},
                "displayName": {"type": ["string", "null"]},
                "status": {"$ref": "#/schemas/Status"}
            }}),
        );
        defs.insert(
            "Status".to_string(),
            json!({"type": "string", "enum": ["active", "locked"]}),
        );
        let v = example(&json!({"$ref": "#/schemas/User"}), &defs);
        assert_eq!(
            v,
            json!({"id": "7f1d2c3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f", "email": "alice@example.com", "displayName": "Alice", "status": "active"})
        );
    }
}
