//! The plan of `seeds/001` as serde types, fields in the seed's order (the
//! workspace's `serde_json` keeps insertion order, so the output reads like
//! the seed's example).
//!
//! A task's `inputs` is one struct for the three kinds of task the seed
//! shows — implementation (`requirements`, `files_to_create`,
//! `files_to_modify`, `patterns_to_follow`), critique (`original_prompt`,
//! `preceding_task`, `validation_criteria`) and testing (`requirements`,
//! `files_to_test`, `test_types`) — with absent fields left out; the field
//! order is the union of the three, so each kind keeps the seed's order.

use serde::{Deserialize, Serialize};

/// `status` when the plan has tasks.
pub const STATUS_PLANNED: &str = "planned";
/// `status` when every requirement in scope is implemented: no task.
pub const STATUS_UP_TO_DATE: &str = "up_to_date";

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// `planned`, or `up_to_date` when there is nothing to do.
    pub status: String,
    /// `backend`.
    pub category: String,
    pub architecture: Architecture,
    pub tasks: Vec<Task>,
}

/// What the solution looks like.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Architecture {
    pub summary: String,
    pub endpoints: Vec<EndpointPlan>,
    pub data_models: Vec<DataModel>,
    /// `Name - purpose`.
    pub services: Vec<String>,
    pub external_integrations: Vec<String>,
}

/// An endpoint of the solution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointPlan {
    pub method: String,
    pub path: String,
    pub purpose: String,
    /// `required` or `public`.
    pub auth: String,
}

/// A model the solution stores or exchanges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataModel {
    pub name: String,
    pub purpose: String,
    /// The table it is stored in; `null` for a type that is only exchanged
    /// (a request or response body).
    pub table: Option<String>,
    pub key_fields: Vec<String>,
}

/// One unit of work for one skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub task_name: String,
    pub description: String,
    pub skill_id: String,
    /// From 1, in sequence.
    pub task_order: u32,
    /// Earlier tasks' `task_order`s.
    pub dependencies: Vec<u32>,
    pub inputs: Inputs,
    pub validation_criteria: Criteria,
    pub timeout_seconds: u64,
}

/// A task's inputs (see the module documentation for the three kinds).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inputs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preceding_task: Option<PrecedingTask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_to_create: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_to_modify: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_to_test: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patterns_to_follow: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_criteria: Option<Criteria>,
}

/// What a critique task validates: the task before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrecedingTask {
    pub task_order: u32,
    pub skill_id: String,
    pub task_name: String,
    pub description: String,
}

impl PrecedingTask {
    pub fn of(task: &Task) -> PrecedingTask {
        PrecedingTask {
            task_order: task.task_order,
            skill_id: task.skill_id.clone(),
            task_name: task.task_name.clone(),
            description: task.description.clone(),
        }
    }
}

/// Must-pass, should-pass and optional criteria.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Criteria {
    pub critical: Vec<String>,
    pub expected: Vec<String>,
    pub nice_to_have: Vec<String>,
}

impl Plan {
    /// Pretty JSON, as `plan` prints it.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
