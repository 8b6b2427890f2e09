//! `#[verifies]` is for tests: on anything else it is an error (see the
//! README for why not a warning).
use specplan_macros::verifies;

#[verifies("FR-AUTH-01")]
fn helper() {}

#[verifies("FR-AUTH-01")]
struct Fixture;

#[verifies("FR-AUTH-01")]
impl Fixture {}

#[verifies("FR-AUTH-01")]
#[inline]
pub fn checks_login() {}

fn main() {
    helper();
    checks_login();
    let _ = Fixture;
}
