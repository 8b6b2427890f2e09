//! What only a person can say: the questions Step 1 asks (purpose,
//! stakeholders, features, non-functional requirements, constraints), asked
//! on a terminal by the CLI or read from an answers file in CI.
//!
//! ```toml
//! purpose = "Lets shoppers create an account and sign in."
//! role = "shopper"                         # "As a <role>, I want …"
//! base-url = "https://api.example.com"     # examples' base URL
//! stakeholders = ["Shopper: signs in quickly", { role = "Security", interest = "…" }]
//! features = ["Register an account: with email and password", { id = "FR-AUTH-02", title = "Sign in" }]
//! nfrs = ["Security: passwords hashed with argon2id", { requirement = "…", category = "Performance", measure = "p95 < 100 ms" }]
//! constraints = ["Technical: PostgreSQL 16", { kind = "Operational", constraint = "…" }]
//! ```
//! A string `"A: B"` is split at the first colon; a plain string is the
//! title (or the requirement, or the constraint) alone.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Answers {
    /// The system's purpose, a paragraph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The main user role of the stories (`shopper`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The base URL of the examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stakeholders: Vec<Pair>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nfrs: Vec<Nfr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Pair>,
}

/// `"Key: value"` or a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Pair {
    Text(String),
    Stakeholder {
        role: String,
        #[serde(default)]
        interest: String,
    },
    Constraint {
        #[serde(default)]
        kind: String,
        constraint: String,
    },
}

impl Pair {
    /// (key, value): (role, interest) or (kind, constraint).
    pub fn parts(&self, default_key: &str) -> (String, String) {
        match self {
            Pair::Text(s) => match s.split_once(':') {
                Some((k, v)) if !k.trim().is_empty() && k.len() < 40 => {
                    (k.trim().to_string(), v.trim().to_string())
                }
                _ => (default_key.to_string(), s.trim().to_string()),
            },
            Pair::Stakeholder { role, interest } => (role.clone(), interest.clone()),
            Pair::Constraint { kind, constraint } => (
                if kind.is_empty() {
                    default_key.to_string()
                } else {
                    kind.clone()
                },
                constraint.clone(),
            ),
        }
    }
}

/// A core feature: a functional requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Feature {
    Text(String),
    Full {
        #[serde(default)]
        id: Option<String>,
        title: String,
        #[serde(default)]
        description: String,
    },
}

impl Feature {
    /// (id, title, description).
    pub fn parts(&self) -> (Option<String>, String, String) {
        match self {
            Feature::Text(s) => match s.split_once(':') {
                Some((t, d)) => (None, t.trim().to_string(), d.trim().to_string()),
                None => (None, s.trim().to_string(), String::new()),
            },
            Feature::Full {
                id,
                title,
                description,
            } => (id.clone(), title.clone(), description.clone()),
        }
    }
}

/// A non-functional requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Nfr {
    Text(String),
    Full {
        requirement: String,
        #[serde(default)]
        category: String,
        #[serde(default)]
        measure: String,
    },
}

impl Nfr {
    /// (requirement, category, measure).
    pub fn parts(&self) -> (String, String, String) {
        match self {
            Nfr::Text(s) => match s.split_once(':') {
                Some((c, r)) if c.len() < 32 => {
                    (r.trim().to_string(), c.trim().to_string(), String::new())
                }
                _ => (s.trim().to_string(), String::new(), String::new()),
            },
            Nfr::Full {
                requirement,
                category,
                measure,
            } => (requirement.clone(), category.clone(), measure.clone()),
        }
    }
}

/// Where `generate` records the answers a domain's documents were written
/// with, so that later steps, `sync` and `check`'s `outdated-region` render
/// them the same way without being told again.
pub fn recorded_path(domain: &str) -> String {
    format!("specplan/answers/{domain}.toml")
}

/// Answers shared by every domain (the file the README's CI recipe passes
/// with `--answers`); a domain's recorded answers take its place.
pub const SHARED_PATH: &str = "specplan/answers.toml";

/// An answers file that exists but cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid answers file `{path}`: {message}")]
pub struct AnswersError {
    pub path: String,
    pub message: String,
}

/// The answers a domain's documents were written with: its recorded file,
/// else the shared one, else none.
pub fn recorded(ws: &crate::Workspace, domain: &str) -> Result<Answers, AnswersError> {
    for rel in [recorded_path(domain), SHARED_PATH.to_string()] {
        let path = ws.root.join(&rel);
        if !ws.jail.is_file(path.as_std_path()) {
            continue;
        }
        let text = ws
            .jail
            .read_to_string(path.as_std_path(), crate::source::MAX_FILE_BYTES)
            .map_err(|e| AnswersError {
                path: rel.clone(),
                message: e.to_string(),
            })?;
        return Answers::parse(&text).map_err(|message| AnswersError { path: rel, message });
    }
    Ok(Answers::default())
}

impl Answers {
    /// `given` over `self`: each answer given replaces the recorded one.
    pub fn overlay(&self, given: &Answers) -> Answers {
        fn pick<T: Clone>(given: &[T], old: &[T]) -> Vec<T> {
            if given.is_empty() { old } else { given }.to_vec()
        }
        Answers {
            purpose: given.purpose.clone().or_else(|| self.purpose.clone()),
            role: given.role.clone().or_else(|| self.role.clone()),
            base_url: given.base_url.clone().or_else(|| self.base_url.clone()),
            stakeholders: pick(&given.stakeholders, &self.stakeholders),
            features: pick(&given.features, &self.features),
            nfrs: pick(&given.nfrs, &self.nfrs),
            constraints: pick(&given.constraints, &self.constraints),
        }
    }

    /// The text of a recorded answers file.
    pub fn to_toml(&self, domain: &str) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# The answers `cargo specplan generate {domain}` was given. Later steps,\n# `cargo specplan sync` and `check` render the documents with them; edit\n# them here and run `cargo specplan sync` to refresh the generated regions.\n{body}"
        )
    }

    /// Parses an answers file.
    pub fn parse(text: &str) -> Result<Answers, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub fn is_empty(&self) -> bool {
        *self == Answers::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_tables() {
        let a = Answers::parse(
            r#"
purpose = "P"
role = "shopper"
stakeholders = ["Shopper: signs in", { role = "Ops", interest = "uptime" }]
features = ["Register: with email", { id = "FR-AUTH-02", title = "Sign in" }]
nfrs = ["Security: argon2id", { requirement = "fast", category = "Performance", measure = "p95 < 100 ms" }]
constraints = ["Technical: Postgres", { kind = "Operational", constraint = "12-factor" }]
"#,
        )
        .unwrap();
        assert_eq!(
            a.stakeholders[0].parts("Stakeholder"),
            ("Shopper".into(), "signs in".into())
        );
        assert_eq!(
            a.stakeholders[1].parts("x"),
            ("Ops".into(), "uptime".into())
        );
        assert_eq!(
            a.features[1].parts(),
            (Some("FR-AUTH-02".into()), "Sign in".into(), String::new())
        );
        assert_eq!(a.nfrs[0].parts().1, "Security");
        assert_eq!(a.constraints[1].parts("Technical").0, "Operational");
        assert!(Answers::parse("purpos = 1").is_err());
        // What is recorded reads back the same.
        assert_eq!(Answers::parse(&a.to_toml("auth")).unwrap(), a);
    }

    #[test]
    fn given_answers_replace_recorded_ones() {
        let old = Answers::parse("role = \"shopper\"\nbase-url = \"http://a\"\nfeatures = [\"A\"]")
            .unwrap();
        let given = Answers::parse("base-url = \"http://b\"").unwrap();
        let both = old.overlay(&given);
        assert_eq!(both.role.as_deref(), Some("shopper"));
        assert_eq!(both.base_url.as_deref(), Some("http://b"));
        assert_eq!(both.features, old.features);
        assert_eq!(old.overlay(&Answers::default()), old);
    }
}
