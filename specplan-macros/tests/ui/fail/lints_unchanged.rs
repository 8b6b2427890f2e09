//! The attributes change no lint: an unused annotated function is reported
//! by `dead_code` exactly as it would be without the attribute, and a
//! missing doc comment by `missing_docs` (the rustdoc line is only there
//! for `cargo doc`).
#![deny(dead_code, missing_docs)]
//! Crate docs.

use specplan_macros::implements;

#[implements("FR-AUTH-01")]
fn never_called() {}

#[implements("FR-AUTH-02")]
pub struct Undocumented;

fn main() {}
