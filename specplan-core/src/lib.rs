//! The library behind `cargo specplan`.
//!
//! Everything that can be tested without a process lives here: loading a
//! workspace, detecting its stack, scanning its sources, and writing the
//! specification documents without ever losing a word a person wrote.

pub mod config;
pub mod date;
pub mod diag;
pub mod lockfile;
pub mod region;
pub mod source;
pub mod workspace;
pub mod write;

pub use diag::{Diagnostic, Level, Span};
pub use workspace::{LoadError, Package, Workspace};
