//! The document templates, rendered with minijinja.
//!
//! The built-in templates are embedded in the binary; a project overrides
//! any of them by putting a file of the same name in the folder named by
//! `docs.templates` in its configuration.

use camino::Utf8PathBuf;
use minijinja::{Environment, Value};

use crate::slug::github_slug;

/// Built-in templates, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("_macros.j2", include_str!("../templates/_macros.j2")),
    (
        "architecture.md.j2",
        include_str!("../templates/architecture.md.j2"),
    ),
    ("config.md.j2", include_str!("../templates/config.md.j2")),
    (
        "infrastructure.md.j2",
        include_str!("../templates/infrastructure.md.j2"),
    ),
    (
        "specifications-readme.md.j2",
        include_str!("../templates/specifications-readme.md.j2"),
    ),
    (
        "domain-readme.md.j2",
        include_str!("../templates/domain-readme.md.j2"),
    ),
    (
        "requirements.md.j2",
        include_str!("../templates/requirements.md.j2"),
    ),
    (
        "user-stories.md.j2",
        include_str!("../templates/user-stories.md.j2"),
    ),
    (
        "api-spec.md.j2",
        include_str!("../templates/api-spec.md.j2"),
    ),
    (
        "use-cases.md.j2",
        include_str!("../templates/use-cases.md.j2"),
    ),
    (
        "sequence-diagram.md.j2",
        include_str!("../templates/sequence-diagram.md.j2"),
    ),
    // `consult`: seed 002's planning documents.
    (
        "consult/_head.j2",
        include_str!("../templates/consult/_head.j2"),
    ),
    (
        "consult/00-backend-summary.md.j2",
        include_str!("../templates/consult/00-backend-summary.md.j2"),
    ),
    (
        "consult/04-api-design.md.j2",
        include_str!("../templates/consult/04-api-design.md.j2"),
    ),
    (
        "consult/05-data-model.md.j2",
        include_str!("../templates/consult/05-data-model.md.j2"),
    ),
    (
        "consult/06-tech-recommendations.md.j2",
        include_str!("../templates/consult/06-tech-recommendations.md.j2"),
    ),
    (
        "consult/07-security-requirements.md.j2",
        include_str!("../templates/consult/07-security-requirements.md.j2"),
    ),
    (
        "consult/08-compliance-requirements.md.j2",
        include_str!("../templates/consult/08-compliance-requirements.md.j2"),
    ),
];

#[derive(Debug, thiserror::Error)]
#[error("template `{name}`: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

/// Inline code for a Markdown table cell: backticks that survive content
/// with backticks, and `|` escaped so the cell does not split.
pub fn code(s: &str) -> String {
    let s = s.replace('|', "\\|");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// A Mermaid node id from any name.
pub fn mermaid_id(s: &str) -> String {
    let id: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id
    } else {
        format!("n_{id}")
    }
}

/// Text safe inside a Markdown table cell.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The built-in templates, overridden by files in `override_dir`.
    pub fn new(override_dir: Option<Utf8PathBuf>) -> Templates {
        let mut env = Environment::new();
        let mut syntax = minijinja::syntax::SyntaxConfig::builder();
        syntax.keep_trailing_newline(true);
        if let Ok(syntax) = syntax.build() {
            env.set_syntax(syntax);
        }
        env.add_filter("slug", |s: String| github_slug(&s));
        env.add_filter("code", |s: String| code(&s));
        env.add_filter("cell", |s: String| cell(&s));
        env.add_filter("mermaid_id", |s: String| mermaid_id(&s));
        env.set_loader(move |name| {
            if let Some(dir) = &override_dir {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("could not read `{path}`: {e}"),
                        )
                    });
                }
            }
            Ok(BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string()))
        });
        Templates { env }
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: &serde_json::Value) -> Result<String, TemplateError> {
        let err = |e: minijinja::Error| TemplateError {
            name: name.to_string(),
            message: match e.line() {
                Some(line) => format!("line {line}: {e}"),
                None => e.to_string(),
            },
        };
        let tmpl = self.env.get_template(name).map_err(err)?;
        tmpl.render(Value::from(minijinja::value::Serde(ctx)))
            .map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(mermaid_id("my-app"), "my_app");
        assert_eq!(mermaid_id("1st"), "n_1st");
    }

    #[test]
    fn override_dir_wins() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("config.md.j2"), "custom {{ project }}\n").unwrap();
        let t = Templates::new(Some(
            Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap(),
        ));
        let out = t
            .render("config.md.j2", &serde_json::json!({"project": "x"}))
            .unwrap();
        assert_eq!(out, "custom x\n");
    }

    #[test]
    fn broken_override_is_an_error_naming_the_template() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("config.md.j2"), "{% if %}\n").unwrap();
        let t = Templates::new(Some(
            Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap(),
        ));
        let e = t
            .render("config.md.j2", &serde_json::json!({}))
            .unwrap_err();
        assert_eq!(e.name, "config.md.j2");
        assert!(e.message.contains("line 1"), "{}", e.message);
    }
}
