//! The library behind `cargo specplan`.
//!
//! Everything that can be tested without a process lives here: loading a
//! workspace, detecting its stack, scanning its sources, and writing the
//! specification documents without ever losing a word a person wrote.

pub mod annotate;
pub mod annotations;
pub mod check;
pub mod config;
pub mod consult;
pub mod date;
pub mod detect;
pub mod diag;
pub mod domains;
pub mod inspect;
pub mod lockfile;
pub mod members;
pub(crate) mod outline;
pub mod pipeline;
pub mod plan;
pub mod region;
pub mod routes;
pub mod scaffold;
pub mod scan;
pub mod slug;
pub mod source;
pub mod spec;
pub mod sync;
pub mod templates;
pub mod trace;
pub mod workspace;
pub mod write;

pub use diag::{Diagnostic, Level, Span};
pub use workspace::{LoadError, Package, Workspace};
