//! Terminal output the way cargo does it: status lines on stderr
//! (`    Creating docs/…`), diagnostics rendered like rustc, colour per
//! `--color`, `CARGO_TERM_COLOR` and `NO_COLOR`, quietness per `-q`.

use std::io::{IsTerminal, Write};

use anstream::ColorChoice;
use anstyle::Style;
use clap_cargo::style::{ERROR, GOOD, NOTE, WARN};
use specplan_core::{Diagnostic, Level};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

pub struct Shell {
    verbosity: Verbosity,
    stderr_color: bool,
}

impl Shell {
    pub fn new(color: Option<crate::cli::Color>, verbosity: Verbosity) -> Shell {
        let choice = match color {
            Some(crate::cli::Color::Always) => ColorChoice::Always,
            Some(crate::cli::Color::Never) => ColorChoice::Never,
            Some(crate::cli::Color::Auto) | None => ColorChoice::Auto,
        };
        choice.write_global();
        let stderr_color = anstream::AutoStream::choice(&std::io::stderr()) != ColorChoice::Never;
        Shell {
            verbosity,
            stderr_color,
        }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// Whether prompts may be shown: both stdin and stderr are terminals.
    pub fn is_interactive(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    fn status_with(&self, style: Style, verb: &str, message: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let mut err = anstream::stderr().lock();
        let _ = writeln!(err, "{style}{verb:>12}{style:#} {message}");
    }

    /// `    Creating docs/en/specifications/config.md`
    pub fn status(&self, verb: &str, message: impl AsRef<str>) {
        self.status_with(GOOD, verb, message.as_ref());
    }

    /// A status line shown only with `-v`.
    pub fn verbose_status(&self, verb: &str, message: impl AsRef<str>) {
        if self.verbosity == Verbosity::Verbose {
            self.status_with(NOTE, verb, message.as_ref());
        }
    }

    pub fn note(&self, message: impl AsRef<str>) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let mut err = anstream::stderr().lock();
        let _ = writeln!(err, "{NOTE}note{NOTE:#}: {}", message.as_ref());
    }

    /// `warning: …`, shown even with `-q` (it says something was overridden).
    pub fn warn(&self, message: impl AsRef<str>) {
        let mut err = anstream::stderr().lock();
        let _ = writeln!(err, "{WARN}warning{WARN:#}: {}", message.as_ref());
    }

    pub fn error(&self, message: impl AsRef<str>) {
        let mut err = anstream::stderr().lock();
        let _ = writeln!(err, "{ERROR}error{ERROR:#}: {}", message.as_ref());
    }

    /// Renders diagnostics about the workspace (problems met while reading
    /// it). Errors are always shown; warnings unless `-q`.
    pub fn diagnostics(&self, root: &camino::Utf8Path, diags: &[Diagnostic]) {
        // A diagnostic may name a symlink that leads outside the workspace:
        // its snippet is read through the jail like every other file.
        let jail = specplan_core::workspace::Jail::new(root.as_std_path()).ok();
        let read = |rel: &str| {
            jail.as_ref()?
                .read_to_string(
                    std::path::Path::new(rel),
                    specplan_core::source::MAX_FILE_BYTES,
                )
                .ok()
        };
        let mut err = anstream::stderr().lock();
        for d in diags {
            if d.level != Level::Error && self.verbosity == Verbosity::Quiet {
                continue;
            }
            let text = specplan_core::diag::render_human(d, &read, self.stderr_color);
            let _ = writeln!(err, "{text}\n");
        }
    }
}
