//! An attribute without IDs says nothing: an error on the attribute.
use specplan_macros::{implements, verifies};

#[implements]
fn login() {}

#[implements()]
struct Session;

#[verifies(,)]
#[test]
fn story() {}

fn main() {
    login();
    let _ = Session;
}
