//! The command line, modelled on cargo's: `cargo specplan <command>`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    findings: the check found errors (or warnings with --deny warnings)
  2    usage or configuration error: bad arguments, no Cargo.toml, invalid specplan.toml
  101  internal failure: a bug in cargo-specplan; please report it";

#[derive(Debug, Parser)]
#[command(
    name = "cargo-specplan",
    bin_name = "cargo specplan",
    version,
    about = "Keep a Rust backend's planning documents and its code honest with each other",
    styles = clap_cargo::style::CLAP_STYLING,
    after_help = EXIT_CODES,
    propagate_version = true,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path to Cargo.toml
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Coloring: auto, always, never (default from CARGO_TERM_COLOR)
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        env = "CARGO_TERM_COLOR",
        hide_env = true
    )]
    pub color: Option<Color>,
    /// Use verbose output (-vv very verbose)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Do not print cargo-style status lines or warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HumanOrJson {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Step 0: tell what the workspace is built with
    #[command(after_help = EXIT_CODES)]
    Detect(DetectArgs),
    /// The endpoints the code serves, with their handlers and requirement IDs
    #[command(after_help = EXIT_CODES)]
    Routes(RoutesArgs),
    /// Steps 0 and 0.5: confirm the stack and the domains, then scaffold the docs
    #[command(after_help = EXIT_CODES)]
    Init(InitArgs),
    /// Check that the documents and the code agree (exit 1 on errors)
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// What a check rule means, why it matters and how to fix it
    Explain(ExplainArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// rustc-style diagnostics
    Human,
    /// {"version": 1, "diagnostics": [...], "summary": {...}}
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (::error file=…)
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Exit 1 on warnings too
    Warnings,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Treat warnings as errors for the exit code
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
    /// Report only findings that are not recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
    /// Record today's findings in the baseline file (given with --baseline, or this path)
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "specplan-baseline.json")]
    pub write_baseline: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule, e.g. dangling-implements
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule with its family and default level
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: HumanOrJson,
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: HumanOrJson,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Accept the detected stack and domains without asking (for CI)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// A domain to scaffold (repeatable); replaces the proposed domains
    #[arg(long = "domain", value_name = "NAME")]
    pub domains: Vec<String>,
    /// Where the specifications go, relative to the workspace root
    /// [default: docs/<language>/specifications]
    #[arg(long, value_name = "DIR")]
    pub docs_root: Option<String>,
    /// Write the configuration to [workspace.metadata.specplan] in Cargo.toml
    /// instead of specplan.toml
    #[arg(long)]
    pub config_in_cargo: bool,
    /// Replace existing documents whole (each old file is kept as NAME.bak)
    #[arg(long)]
    pub force: bool,
}

/// Accepts both `cargo specplan …` (cargo passes `specplan` as the first
/// argument) and `cargo-specplan …`.
pub fn parse() -> Cli {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "specplan") {
        args.remove(1);
    }
    Cli::parse_from(args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
