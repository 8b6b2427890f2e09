//! `#[verifies]` on test functions: with `#[test]` after it, or with a
//! test attribute of another crate (here a stand-in for `#[tokio::test]`).
#![deny(warnings)]

use specplan_macros::verifies;

mod tokio {
    pub use core::prelude::v1::test;
}

#[verifies("FR-AUTH-01", "NFR-AUTH-01")]
#[test]
fn login_with_valid_password() {}

#[verifies("FR-ORDERS-01")]
#[tokio::test]
fn lists_orders() {}

#[test]
#[verifies("US-AUTH-01")]
fn story() {}

fn main() {}
