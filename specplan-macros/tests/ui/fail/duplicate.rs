//! An ID listed twice in one attribute: the second one is the error.
use specplan_macros::implements;

#[implements("FR-AUTH-01", "NFR-AUTH-01", "FR-AUTH-01", r"NFR-AUTH-01")]
fn login() {}

fn main() {
    login();
}
