//! Every malformed ID is an error on its own literal, all in one build; the
//! function still compiles as written, so `main` can call it.
use specplan_macros::{implements, verifies};

#[implements("FR-auth-1", "REQ", "", "FR-AUTH-1", "fr-AUTH-01", "FR-2FA-01")]
fn login() {}

#[implements("FR-AUTH-01, FR-AUTH-02", " FR-AUTH-03", "FR-ORDER-HISTORY-01", "FR-AUTH")]
fn logout() {}

#[verifies("US-AUTH-1a")]
#[test]
fn story() {}

fn main() {
    login();
    logout();
}
