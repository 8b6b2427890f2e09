//! The document templates, rendered with minijinja.
//!
//! The built-in templates are embedded in the binary; a project overrides
//! any of them by putting a file of the same name in the folder named by
//! `docs.templates` in its configuration. A template, and every template it
//! includes or imports, is read only from inside that folder: an override
//! that writes `{% include "/etc/os-release" %}` gets an error, not the file.

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

/// A project's folder of template overrides, inside its workspace.
#[derive(Debug, Clone)]
pub struct Overrides {
    jail: crate::workspace::Jail,
    /// Workspace-relative (or absolute inside the workspace).
    dir: Utf8PathBuf,
}

impl Overrides {
    /// The `docs.templates` folder of a configuration, if one is set.
    pub fn of(ws: &crate::Workspace, config: &crate::config::Config) -> Option<Overrides> {
        config.docs.templates.as_ref().map(|t| Overrides {
            jail: ws.jail.clone(),
            dir: ws.root.join(t),
        })
    }

    /// The text of template `name` from the folder, `None` when it has no
    /// such file.
    fn find(&self, name: &str) -> Result<Option<String>, String> {
        let plain = !name.is_empty()
            && !name.starts_with(['/', '\\'])
            && !name.contains(['\\', ':'])
            && name
                .split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..");
        if !plain {
            return Err(format!(
                "template `{name}` is not a file name inside the templates folder `{}`",
                self.dir
            ));
        }
        let dir = self
            .jail
            .resolve(self.dir.as_std_path())
            .map_err(|e| e.to_string())?;
        let real = self
            .jail
            .resolve(self.dir.join(name).as_std_path())
            .map_err(|e| e.to_string())?;
        if !real.starts_with(&dir) {
            return Err(format!(
                "template `{name}` leads out of the templates folder `{}`",
                self.dir
            ));
        }
        match self
            .jail
            .read_to_string(&real, crate::source::MAX_FILE_BYTES)
        {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Templates {
    /// The built-in templates, overridden by files in the project's folder.
    pub fn new(overrides: Option<Overrides>) -> Templates {
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
            if let Some(overrides) = &overrides
                && let Some(text) = overrides.find(name).map_err(|message| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message)
                })?
            {
                return Ok(Some(text));
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
    use camino::Utf8Path;

    #[test]
    fn filters() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(mermaid_id("my-app"), "my_app");
        assert_eq!(mermaid_id("1st"), "n_1st");
    }

    fn overrides_in(dir: &std::path::Path) -> Overrides {
        let jail = crate::workspace::Jail::new(dir).unwrap();
        let dir = Utf8Path::from_path(jail.root()).unwrap().to_owned();
        Overrides { jail, dir }
    }

    #[test]
    fn includes_stay_in_the_templates_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("ws");
        std::fs::create_dir_all(ws.join("templates")).unwrap();
        std::fs::write(tmp.path().join("secret"), "SECRET").unwrap();
        std::fs::write(ws.join("top"), "TOP").unwrap();
        let jail = crate::workspace::Jail::new(&ws).unwrap();
        let root = Utf8Path::from_path(jail.root()).unwrap().to_owned();
        let overrides = Overrides {
            jail,
            dir: root.join("templates"),
        };
        let secret = tmp.path().join("secret");
        for include in [
            secret.to_str().unwrap(),
            "../../secret",
            "../top",
            "/etc/os-release",
        ] {
            std::fs::write(
                root.join("templates/config.md.j2"),
                format!("{{% include \"{include}\" %}}\n"),
            )
            .unwrap();
            let t = Templates::new(Some(overrides.clone()));
            let e = t
                .render("config.md.j2", &serde_json::json!({}))
                .unwrap_err();
            assert!(
                e.message.contains("templates folder"),
                "{include}: {}",
                e.message
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&secret, root.join("templates/linked.j2")).unwrap();
            std::fs::write(
                root.join("templates/config.md.j2"),
                "{% include \"linked.j2\" %}\n",
            )
            .unwrap();
            let t = Templates::new(Some(overrides.clone()));
            let e = t
                .render("config.md.j2", &serde_json::json!({}))
                .unwrap_err();
            assert!(e.message.contains("outside the workspace"), "{}", e.message);
        }
        std::fs::write(root.join("templates/part.j2"), "part").unwrap();
        std::fs::write(
            root.join("templates/config.md.j2"),
            "{% include \"part.j2\" %}\n",
        )
        .unwrap();
        let t = Templates::new(Some(overrides));
        assert_eq!(
            t.render("config.md.j2", &serde_json::json!({})).unwrap(),
            "part\n"
        );
    }

    #[test]
    fn override_dir_wins() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("config.md.j2"), "custom {{ project }}\n").unwrap();
        let t = Templates::new(Some(overrides_in(tmp.path())));
        let out = t
            .render("config.md.j2", &serde_json::json!({"project": "x"}))
            .unwrap();
        assert_eq!(out, "custom x\n");
    }

    #[test]
    fn broken_override_is_an_error_naming_the_template() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("config.md.j2"), "{% if %}\n").unwrap();
        let t = Templates::new(Some(overrides_in(tmp.path())));
        let e = t
            .render("config.md.j2", &serde_json::json!({}))
            .unwrap_err();
        assert_eq!(e.name, "config.md.j2");
        assert!(e.message.contains("line 1"), "{}", e.message);
    }
}
