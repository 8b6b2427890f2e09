//! `cargo specplan explain <rule>` and `explain --list`.

use std::io::Write;

use specplan_core::check::registry;

use crate::CliError;
use crate::cli::ExplainArgs;

pub fn run(args: &ExplainArgs) -> Result<(), CliError> {
    let mut out = anstream::stdout().lock();
    let text = if args.list {
        let width = registry::RULES
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(0);
        let mut s = format!(
            "{:width$}  {:9}  {:7}  summary\n",
            "rule", "family", "default"
        );
        for r in registry::RULES {
            s.push_str(&format!(
                "{:width$}  {:9}  {:7}  {}\n",
                r.name,
                r.family.as_str(),
                r.default_level.as_str(),
                r.summary
            ));
        }
        s
    } else {
        let name = args.rule.as_deref().unwrap_or_default();
        let Some(r) = registry::find(name) else {
            let suggestions = registry::suggest(name);
            let hint = if suggestions.is_empty() {
                "`cargo specplan explain --list` names every rule".to_string()
            } else {
                format!("did you mean `{}`?", suggestions.join("`, `"))
            };
            return Err(CliError::Usage(format!(
                "no rule is named `{name}`; {hint}"
            )));
        };
        format!(
            "# {}\n\nFamily: {} · default level: {}\n\n{}\n\n{}\n",
            r.name,
            r.family.as_str(),
            r.default_level.as_str(),
            r.summary,
            r.explain
        )
    };
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Usage(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
