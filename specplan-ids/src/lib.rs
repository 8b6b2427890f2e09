//! The parts of cargo-specplan that the CLI and the `#[implements]` /
//! `#[verifies]` macros must agree on, so that they never disagree:
//!
//! - the ID grammar of SPEC.md §3.2 ([`Id::parse`], with errors that say
//!   exactly what is wrong and how to write it);
//! - finding a workspace's configuration and docs root from a directory
//!   inside it ([`Project::discover`]);
//! - reading which IDs the documents define ([`Docs::read`],
//!   [`definitions_in`]), with every file read, for build tracking;
//! - the one rule for every path the tool touches ([`confine::Jail`]);
//! - "did you mean" suggestions ([`closest`]) and where an ID belongs
//!   ([`placement`]).
//!
//! It is compiled into every build that uses the macros, so it depends only
//! on `toml` (without serde derive), `pulldown-cmark` (parser only) and
//! `strsim`.

mod config;
pub mod confine;
mod docs;
mod id;
pub mod lines;
mod slug;
mod suggest;

pub use config::{
    CONFIG_FILE, Config, ConfigError, ConfigSource, DocsConfig, Domain, Project, default_prefix,
    workspace_root,
};
pub use docs::{
    Definition, Detail, Docs, DocsError, DocumentDefinitions, Form, LocalDefinition, Malformed,
    definitions_in, definitions_with, doc_kind_of,
};
pub use id::{DocKind, Id, IdError, Kind, Problem, leading_id_word};
pub use slug::github_slug;
pub use suggest::{Placement, closest, placement};
