//! The resources that are not documents (the routes, the trace matrix, the
//! pipeline's rules) and the three prompts.

use rmcp::ErrorData as McpError;
use rmcp::model::{
    GetPromptResult, JsonObject, Prompt, PromptArgument, PromptMessage, Resource, Role,
};
use tokio_util::sync::CancellationToken;

use super::runner::Runner;

/// Seed 000's pipeline, as this tool enforces it.
const PIPELINE: &str = include_str!("reference/pipeline.md");
/// Seed 001's plan.
const PLANNER: &str = include_str!("reference/planner.md");
/// Seed 002's consultants.
const CONSULTANTS: &str = include_str!("reference/consultants.md");

/// The resource, and the command that produces it (`None`: fixed text).
struct Fixed {
    uri: &'static str,
    name: &'static str,
    description: &'static str,
    mime: &'static str,
    command: Option<&'static [&'static str]>,
    text: &'static str,
}

const FIXED: [Fixed; 7] = [
    Fixed {
        uri: "specplan://routes",
        name: "routes",
        description: "the endpoints the code serves, with handlers, auth and errors (JSON)",
        mime: "application/json",
        command: Some(&["routes", "--format", "json"]),
        text: "",
    },
    Fixed {
        uri: "specplan://trace",
        name: "trace",
        description: "the traceability matrix: requirements to stories, use cases, endpoints, code and tests (JSON)",
        mime: "application/json",
        command: Some(&["trace", "--format", "json"]),
        text: "",
    },
    Fixed {
        uri: "specplan://reference/pipeline",
        name: "pipeline rules",
        description: "seed 000: Steps 0-6, the output layout, the review gate and the rules check enforces",
        mime: "text/markdown",
        command: None,
        text: PIPELINE,
    },
    Fixed {
        uri: "specplan://reference/planner",
        name: "planner rules",
        description: "seed 001: the maker -> checker task plan",
        mime: "text/markdown",
        command: None,
        text: PLANNER,
    },
    Fixed {
        uri: "specplan://reference/consultants",
        name: "consultants",
        description: "seed 002: the five consultants' documents",
        mime: "text/markdown",
        command: None,
        text: CONSULTANTS,
    },
    Fixed {
        uri: "specplan://reference/rules",
        name: "check rules",
        description: "every check rule with its family and default level",
        mime: "text/markdown",
        command: Some(&["explain", "--list"]),
        text: "",
    },
    Fixed {
        uri: "specplan://reference/plan-schema",
        name: "plan schema",
        description: "the JSON Schema of a plan",
        mime: "application/json",
        command: Some(&["plan", "--schema"]),
        text: "",
    },
];

pub fn fixed_resources() -> Vec<Resource> {
    FIXED
        .iter()
        .map(|f| {
            Resource::new(f.uri, f.name)
                .with_description(f.description)
                .with_mime_type(f.mime)
        })
        .collect()
}

/// The text of a resource that is not a document.
pub async fn read(
    runner: &Runner,
    uri: &str,
    cancel: &CancellationToken,
) -> Result<String, McpError> {
    let Some(fixed) = FIXED.iter().find(|f| f.uri == uri) else {
        return Err(McpError::resource_not_found(
            format!(
                "no resource `{uri}`: the resources are {}, and specplan://docs/<path> for each document",
                FIXED.iter().map(|f| f.uri).collect::<Vec<_>>().join(", ")
            ),
            None,
        ));
    };
    let Some(command) = fixed.command else {
        return Ok(fixed.text.to_string());
    };
    let argv: Vec<String> = command.iter().map(|s| (*s).to_string()).collect();
    let out = runner
        .run(&argv, None, cancel)
        .await
        .map_err(|e| McpError::internal_error(e, None))?;
    if out.code != 0 {
        return Err(McpError::internal_error(out.message(), None));
    }
    Ok(out.stdout)
}

fn argument(name: &str, description: &str, required: bool) -> PromptArgument {
    PromptArgument::new(name)
        .with_description(description)
        .with_required(required)
}

pub fn prompts() -> Vec<Prompt> {
    vec![
        Prompt::new(
            "backend-planning",
            Some(
                "Seed 000: plan a backend's documents domain by domain (Steps 0-6), with the person's review after each step",
            ),
            Some(vec![argument(
                "request",
                "what the person wants planned, in their words",
                false,
            )]),
        ),
        Prompt::new(
            "backend-planner",
            Some(
                "Seed 001: a maker -> checker task plan for backend work, validated before it is returned",
            ),
            Some(vec![argument(
                "request",
                "the work to plan, in the person's words",
                true,
            )]),
        ),
        Prompt::new(
            "backend-consultants",
            Some("Seed 002: the five consultants' planning documents for a feature"),
            Some(vec![argument(
                "feature",
                "the feature, e.g. \"Password reset\"",
                true,
            )]),
        ),
    ]
}

pub fn prompt(name: &str, args: Option<&JsonObject>) -> Result<GetPromptResult, McpError> {
    let get = |key: &str| {
        args.and_then(|a| a.get(key))
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let need = |key: &str| {
        get(key).ok_or_else(|| {
            McpError::invalid_params(
                format!("the prompt `{name}` needs the argument `{key}`"),
                None,
            )
        })
    };
    let (description, text) = match name {
        "backend-planning" => {
            let request = get("request")
                .map_or_else(String::new, |r| format!("\nThe person's request: {r}\n"));
            (
                "Plan the backend's documents with cargo-specplan, step by step",
                format!(
                    "You are planning a Rust backend's specification documents with the cargo-specplan tools.{request}
Read the resource specplan://reference/pipeline first. Then, in order:

1. Step 0: call `detect`. Summarise the stack for the person, with the files it was read from, and wait for their confirmation.
2. Step 0.5: propose the domains (from `detect`, `routes` and the person's description). Let the person change them; then call `init` with the confirmed `domains`.
3. For each domain, Steps 1 to 5 in order:
   - call `generate` with the domain (for Step 1, pass the `answers` the person gave: purpose, role, stakeholders, features, nfrs, constraints);
   - show the person the document at the returned `path` and each returned TODO; fill a TODO only with what the person says, editing outside the `<!-- specplan:begin … -->` regions;
   - call `check` with the document's `file` and fix what it reports;
   - stop: say \"Step N/5 complete\" and wait for the person's review. Call `approve` only when they approve it. Never skip the review.
4. Step 6: call `index`.
5. Call `check` and resolve every error; use `explain` for a rule you do not know. Finish with `status`.

Never state a fact about the code that a tool did not give you; when something cannot be derived, leave the TODO and ask."
                ),
            )
        }
        "backend-planner" => {
            let request = need("request")?;
            (
                "A validated maker -> checker task plan",
                format!(
                    "Plan this backend work as a maker -> checker task plan: {request}

Read specplan://reference/planner. Call `routes`, `trace` and `status` to see what exists: an endpoint already served is linked, not planned again. Call `plan` with `prompt` set to the request (and `domains` or `requirements` where the request names them). Review the plan against the code: real files to modify (the router, the module that holds the analogous handler), migrations for new tables, `auth` as the code does it, patterns to follow from existing code. Edit it, then call `plan_validate` with the plan and fix every error it reports; repeat until it reports none. Return the validated JSON plan only."
                ),
            )
        }
        "backend-consultants" => {
            let feature = need("feature")?;
            (
                "The five consultants' documents for a feature",
                format!(
                    "Design the feature \"{feature}\" with the five backend consultants.

Read specplan://reference/consultants. Call `consult` with the feature. Read the six documents it wrote under planning-docs/ (the resources specplan://docs/planning-docs/…), starting with 00-backend-summary.md. For each TODO, ask the person or propose an answer grounded in what the documents say the code already has; write the decisions outside the generated regions. Call `check` and fix what it reports. Finish with the summary's implementation order and the key decision of each consultant in one or two sentences."
                ),
            )
        }
        other => {
            return Err(McpError::invalid_params(
                format!(
                    "no prompt `{other}`: the prompts are backend-planning, backend-planner, backend-consultants"
                ),
                None,
            ));
        }
    };
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(description),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_need_their_arguments() {
        assert!(prompt("backend-planner", None).is_err());
        let mut args = JsonObject::new();
        args.insert("request".into(), "Build a subscription API".into());
        let p = prompt("backend-planner", Some(&args)).unwrap();
        let text = serde_json::to_string(&p).unwrap();
        assert!(text.contains("Build a subscription API"), "{text}");
        assert!(prompt("backend-planning", None).is_ok());
        assert!(prompt("nope", None).is_err());
        assert_eq!(prompts().len(), 3);
    }
}
