//! `cargo specplan plan`: the maker → checker task plan of `seeds/001`.
//!
//! - [`model`]: the plan as serde types, in the seed's field order;
//! - [`build`]: deriving a plan from the workspace and its specs;
//! - [`validate`]: the seed's rules over any plan file, as diagnostics;
//! - [`SCHEMA`]: the plan's JSON Schema (`specplan-core/schemas/plan.schema.json`).

pub mod build;
pub mod locate;
pub mod model;
pub mod validate;

pub use build::{PlanError, Request, Sources, build};
pub use model::*;

use crate::config::Loaded;
use crate::workspace::Workspace;

/// The seed's skill IDs and timeouts: the defaults of `[plan]`.
pub const DEFAULT_IMPLEMENTATION_SKILL: &str = "backend-development";
pub const DEFAULT_CRITIQUE_SKILL: &str = "backend-critique";
pub const DEFAULT_TESTING_SKILL: &str = "backend-testing";
pub const DEFAULT_IMPLEMENTATION_TIMEOUT: u64 = 3600;
pub const DEFAULT_CRITIQUE_TIMEOUT: u64 = 1800;
pub const DEFAULT_TESTING_TIMEOUT: u64 = 3600;

/// The JSON Schema (draft 2020-12) every plan follows.
pub const SCHEMA: &str = include_str!("../../schemas/plan.schema.json");

/// Reads the workspace (stack, layout, specs, annotations, routes) and
/// builds the plan.
pub fn run(ws: &Workspace, loaded: &Loaded, request: &Request) -> Result<Plan, PlanError> {
    let config = &loaded.config;
    let files = crate::source::walk_workspace(ws);
    let domains: Vec<(String, String)> = config
        .domains
        .iter()
        .map(|d| (d.name.clone(), d.prefix()))
        .collect();
    let spec = crate::spec::load(&ws.jail, &config.docs.root(), &domains);
    let scan = crate::annotations::scan_workspace(ws, &files);
    let routes = crate::routes::extract(ws, &files);
    let stack = crate::detect::detect(ws, &files);
    let layout = crate::scan::layout::architecture(ws, &files);
    // A lock that cannot be read only means nothing is known to be stale;
    // `check` and `trace` report it.
    let mut stale: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    if let Ok(Some(lock)) = crate::trace::lock::Lock::load(&ws.jail) {
        for p in crate::trace::lock::stale_pairs(&lock, &spec, &scan.annotations) {
            if p.kind == crate::annotations::Kind::Implements {
                stale
                    .entry(p.requirement)
                    .or_default()
                    .push(format!("`{}`", p.item_key));
            }
        }
    }
    build(
        &Sources {
            ws,
            config,
            spec: &spec,
            files: &files,
            annotations: &scan.annotations,
            routes: &routes,
            stack: &stack,
            layout: &layout,
            stale: &stale,
        },
        request,
    )
}

/// The validation options the configuration implies.
pub fn validate_options(loaded: Option<&Loaded>) -> validate::Options {
    match loaded {
        Some(l) => validate::Options {
            critique_skill: l.config.plan.critique_skill.clone(),
        },
        None => validate::Options::default(),
    }
}
