//! The build-time check against the fixture docs (tests/fixture): an ID no
//! document defines names the document where it belongs and the closest
//! defined IDs.
use specplan_macros::{implements, verifies};

#[implements("FR-AUTH-09")]
fn refresh() {}

#[implements("FR-AUTH-01", "FR-AUHT-02")]
fn login() {}

#[implements("NFR-ORDERS-01")]
fn orders_fast() {}

#[implements("FR-PAYMENT-01", "FR-ORDER-02")]
fn pay() {}

#[verifies("UC-AUTH-01")]
#[test]
fn sign_in_flow() {}

#[implements("US-AUTH-02")]
struct Story;

fn main() {
    refresh();
    login();
    orders_fast();
    pay();
    let _ = Story;
}
