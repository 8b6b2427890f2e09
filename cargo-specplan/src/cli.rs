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
    /// The traceability matrix: requirements → stories → use cases → endpoints → code → tests
    #[command(after_help = EXIT_CODES)]
    Trace(TraceArgs),
    /// Record that code and tests were re-read against a requirement's new text (specplan.lock)
    #[command(after_help = EXIT_CODES)]
    Confirm(ConfirmArgs),
    /// The maker → checker task plan (JSON) for the requirements not implemented yet
    #[command(after_help = EXIT_CODES)]
    Plan(PlanArgs),
    /// Steps 1–5: write a domain's next planning document, behind the review gate
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Record a review: set a step's document to Approved (Status, Last Updated, Version)
    #[command(after_help = EXIT_CODES)]
    Approve(ApproveArgs),
    /// The pipeline state of every domain: steps, statuses, TODOs, what to do next
    #[command(after_help = EXIT_CODES)]
    Status(StatusArgs),
    /// Step 6: the specifications README index (and one README per domain for 2+ domains)
    #[command(after_help = EXIT_CODES)]
    Index(IndexArgs),
    /// Refresh every generated region that the code or the documents have left behind
    #[command(after_help = EXIT_CODES)]
    Sync(SyncArgs),
    /// Seed 002: the five consultants' planning docs for a feature
    #[command(after_help = EXIT_CODES)]
    Consult(ConsultArgs),
    /// Add the `#[implements]` attributes the requirements imply (a diff; `--write` applies it)
    #[command(after_help = EXIT_CODES)]
    Annotate(AnnotateArgs),
    /// What a check rule means, why it matters and how to fix it
    Explain(ExplainArgs),
    /// Serve the pipeline to coding agents: a Model Context Protocol server on stdio
    Mcp(McpArgs),
    /// Serve editors: a language server on stdio for the documents and the Rust code
    Lsp(LspArgs),
}

#[derive(Debug, Args)]
pub struct McpArgs {}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; the server always speaks over stdio
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Apply the changes instead of printing them as a diff
    #[arg(long)]
    pub write: bool,
    /// Only the requirements of this domain
    #[arg(long)]
    pub domain: Option<String>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// Markdown tables: gaps, coverage, then the matrix per domain
    Markdown,
    /// {"version": 1, "total", "domains", "gaps", "requirements", ...}
    Json,
    /// One self-contained page: coverage bars, a filterable table
    Html,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Output format [default: markdown]
    #[arg(long, value_enum)]
    pub format: Option<TraceFormat>,
    /// Write the report to FILE instead of stdout (links are made relative to it)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Only this domain (repeatable)
    #[arg(long = "domain", value_name = "NAME")]
    pub domains: Vec<String>,
    /// Only the requirements with gaps
    #[arg(long)]
    pub uncovered: bool,
    /// Link code and documents to a repository browser instead of relative
    /// paths, e.g. https://github.com/org/repo/blob/main
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
    /// Refresh the `traceability` region of each domain's requirements.md
    #[arg(long)]
    pub write: bool,
    /// Record new (requirement, item) pairs in specplan.lock; never re-confirms a stale one
    #[arg(long)]
    pub lock: bool,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The requirements whose implementations and tests were re-read, e.g. FR-AUTH-01
    #[arg(
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub ids: Vec<String>,
    /// Confirm every requirement
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Plan only this domain (repeatable)
    #[arg(long = "domain", value_name = "NAME", conflicts_with_all = ["validate", "schema"])]
    pub domains: Vec<String>,
    /// Plan this requirement, implemented or not (repeatable)
    #[arg(long = "requirement", value_name = "ID", conflicts_with_all = ["validate", "schema"])]
    pub requirements: Vec<String>,
    /// The request in your words; becomes the critiques' original_prompt
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["validate", "schema"])]
    pub prompt: Option<String>,
    /// Write the plan to FILE instead of stdout
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["validate", "schema"])]
    pub output: Option<PathBuf>,
    /// Check a plan file against the seed's rules instead (exit 1 on errors)
    #[arg(long, value_name = "FILE", conflicts_with = "schema")]
    pub validate: Option<PathBuf>,
    /// Output format of --validate
    #[arg(long, value_enum, default_value = "human", requires = "validate")]
    pub format: CheckFormat,
    /// Print the plan's JSON Schema
    #[arg(long)]
    pub schema: bool,
}

/// A step of the document pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StepArg {
    /// Step 1: requirements/requirements.md
    Requirements,
    /// Step 2: requirements/user-stories.md
    UserStories,
    /// Step 3: requirements/api-spec.md
    ApiSpec,
    /// Step 4: workflows/use-cases.md
    UseCases,
    /// Step 5: workflows/sequence-diagram.md
    SequenceDiagram,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The domain, as configured (e.g. auth)
    pub domain: String,
    /// The step to generate [default: the first whose document does not exist]
    #[arg(long, value_enum)]
    pub step: Option<StepArg>,
    /// Answers to the Step 1 questions (purpose, stakeholders, features, NFRs,
    /// constraints) from a TOML file instead of prompts
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Do not ask; what is not answered becomes a TODO
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Go past the review gate, and replace an existing document whole
    /// (the old one is kept as NAME.bak)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The domain, as configured (e.g. auth)
    pub domain: String,
    /// The step whose document was reviewed
    #[arg(value_enum)]
    pub step: StepArg,
    /// Approve even though an earlier step is not approved
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: HumanOrJson,
}

#[derive(Debug, Args)]
pub struct IndexArgs {}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Write nothing; print what is outdated and exit 1 when anything is (for CI)
    #[arg(long)]
    pub check: bool,
    /// Only this domain's documents (Steps 1–5, its README and matrix)
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConsultArgs {
    /// The feature to plan, e.g. "Password reset"
    pub feature: String,
    /// Replace existing documents whole (each old file is kept as NAME.bak)
    #[arg(long)]
    pub force: bool,
    /// Answer yes to prompts (adding planning-docs to the workspace's
    /// `exclude` when a `members` glob would take it for a package)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// A local RustSec advisory database [default: $CARGO_HOME/advisory-db,
    /// ~/.cargo/advisory-db or ~/.cargo/advisory-dbs/*]
    #[arg(long, value_name = "DIR", conflicts_with = "no_advisory_db")]
    pub advisory_db: Option<std::path::PathBuf>,
    /// Do not look for a local advisory database
    #[arg(long)]
    pub no_advisory_db: bool,
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
