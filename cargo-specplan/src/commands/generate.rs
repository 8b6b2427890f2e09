//! `cargo specplan generate <domain> [--step STEP]`: Steps 1–5, one at a
//! time behind the review gate. Step 1 asks the seed's questions on a
//! terminal (or reads `--answers FILE`).

use specplan_core::pipeline::{self, Answers, GenerateOptions, Project, Step};
use specplan_core::write::Outcome;

use super::{load_config, load_workspace};
use crate::CliError;
use crate::cli::{GenerateArgs, GlobalArgs, StepArg};
use crate::shell::Shell;

pub fn step_of(arg: StepArg) -> Step {
    match arg {
        StepArg::Requirements => Step::Requirements,
        StepArg::UserStories => Step::UserStories,
        StepArg::ApiSpec => Step::ApiSpec,
        StepArg::UseCases => Step::UseCases,
        StepArg::SequenceDiagram => Step::SequenceDiagram,
    }
}

pub fn run(global: &GlobalArgs, args: &GenerateArgs, shell: &Shell) -> Result<(), CliError> {
    let ws = load_workspace(global)?;
    let loaded = load_config(&ws)?;
    let config = &loaded.config;
    let project = Project::load(&ws, config);
    project
        .domain(&args.domain)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let step = match args.step {
        Some(s) => step_of(s),
        None => pipeline::next_step(&project, &args.domain).ok_or_else(|| {
            CliError::Usage(
                pipeline::PipelineError::AllGenerated {
                    domain: args.domain.clone(),
                }
                .to_string(),
            )
        })?,
    };
    drop(project);
    super::keep_buildable(&ws, &config.docs.root(), args.yes, shell)?;
    let mut answers = match &args.answers {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::Usage(format!("could not read `{}`: {e}", path.display()))
            })?;
            Answers::parse(&text).map_err(|e| {
                CliError::Usage(format!("invalid answers file `{}`: {e}", path.display()))
            })?
        }
        None => Answers::default(),
    };
    if step == Step::Requirements && args.answers.is_none() && !args.yes && shell.is_interactive() {
        answers = ask(&args.domain)?;
    }
    let opts = GenerateOptions {
        step: Some(step),
        answers,
        force: args.force,
        today: specplan_core::date::today(),
    };
    let done = pipeline::generate(&ws, config, &args.domain, &opts).map_err(|e| match e {
        pipeline::PipelineError::Write(w) => CliError::from(w),
        other => CliError::Usage(other.to_string()),
    })?;
    if let Some(gate) = &done.forced {
        shell.warn(format!("--force: went past the review gate: {gate}"));
    }
    match &done.outcome {
        Outcome::Created => shell.status("Creating", &done.rel),
        Outcome::Updated { regions, .. } => shell.status(
            "Updating",
            format!("{} (regions: {})", done.rel, regions.join(", ")),
        ),
        Outcome::Unchanged { .. } => shell.status("Unchanged", &done.rel),
        Outcome::Replaced { backup } => {
            shell.warn(format!(
                "--force: replaced `{}` whole; the old file is kept as `{}`",
                done.rel,
                ws.relative(backup)
            ));
        }
    }
    if let Outcome::Updated { dropped, .. } | Outcome::Unchanged { dropped } = &done.outcome {
        for name in dropped {
            shell.note(format!(
                "`{}` has no `{name}` region any more; it was removed by hand and is not brought back",
                done.rel
            ));
        }
    }
    for (rel, outcome) in &done.navigation {
        if let Outcome::Updated { regions, .. } = outcome {
            shell.status(
                "Updating",
                format!("{rel} (regions: {})", regions.join(", ")),
            );
        }
    }
    let next = match step {
        Step::SequenceDiagram => format!(
            "review it, then `cargo specplan approve {} {step}` and `cargo specplan index`",
            args.domain
        ),
        _ => format!(
            "review it, then `cargo specplan approve {} {step}` to unlock Step {}",
            args.domain,
            step.number() + 1
        ),
    };
    shell.status(
        "Finished",
        format!(
            "Step {}/5 of `{}`: {} TODO{} left for a person; {next}",
            step.number(),
            args.domain,
            done.todos,
            if done.todos == 1 { "" } else { "s" }
        ),
    );
    Ok(())
}

/// The seed's Step 1 questions, asked on the terminal. An empty answer
/// leaves a TODO in the document.
fn ask(domain: &str) -> Result<Answers, CliError> {
    let prompt_err = |e: dialoguer::Error| CliError::Usage(format!("prompt failed: {e}"));
    let input = |prompt: String| -> Result<String, CliError> {
        dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text()
            .map_err(prompt_err)
    };
    let list = |s: String| -> Vec<String> {
        s.split(';')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    eprintln!(
        "Step 1 of `{domain}`: a few questions (empty answers become TODOs; separate list items with `;`)."
    );
    let purpose = input(format!("What is the purpose of `{domain}`?"))?;
    let role = input("Who is the main user (e.g. shopper)?".into())?;
    let stakeholders = list(input("Stakeholders (Role: interest; …)".into())?);
    let features = list(input("Core features (Title: description; …)".into())?);
    let nfrs = list(input(
        "Non-functional requirements (Category: requirement; …)".into(),
    )?);
    let constraints = list(input("Constraints (Type: constraint; …)".into())?);
    Ok(Answers {
        purpose: (!purpose.trim().is_empty()).then(|| purpose.trim().to_string()),
        role: (!role.trim().is_empty()).then(|| role.trim().to_string()),
        base_url: None,
        stakeholders: stakeholders
            .into_iter()
            .map(pipeline::answers::Pair::Text)
            .collect(),
        features: features
            .into_iter()
            .map(pipeline::answers::Feature::Text)
            .collect(),
        nfrs: nfrs.into_iter().map(pipeline::answers::Nfr::Text).collect(),
        constraints: constraints
            .into_iter()
            .map(pipeline::answers::Pair::Text)
            .collect(),
    })
}
