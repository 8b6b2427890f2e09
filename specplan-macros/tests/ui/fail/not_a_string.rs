//! Arguments must be string literals.
use specplan_macros::implements;

#[implements(42, FR_AUTH_01, b"FR-AUTH-01", id = "FR-AUTH-01", concat!("FR-", "AUTH-01"), "FR-AUTH-01")]
fn login() {}

#[implements("FR-AUTH-01",, "FR-AUTH-02")]
fn logout() {}

fn main() {
    login();
    logout();
}
