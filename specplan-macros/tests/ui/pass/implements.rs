//! `#[implements]` on every kind of item it may sit on, with IDs defined by
//! headings and by `ID` table rows of the fixture docs. Nothing warns: the
//! attribute adds no code that lints could see.
#![deny(warnings)]

use specplan_macros::implements;

/// Signs a user in.
#[implements("FR-AUTH-01")]
pub async fn login(email: &str) -> Result<String, ()> {
    #![allow(clippy::needless_return)]
    Ok(email.to_string())
}

#[implements("FR-AUTH-02", "NFR-AUTH-01", r"NFR-AUTH-02",)]
pub struct SessionStore {
    sessions: Vec<String>,
}

#[implements("FR-AUTH-02")]
impl SessionStore {
    #[implements("FR-AUTH-04")]
    pub fn current(&self) -> Option<&str> {
        self.sessions.first().map(String::as_str)
    }

    #[implements("NFR-AUTH-02")]
    const TTL_SECS: u64 = 900;
}

#[implements("FR-ORDERS-01")]
pub trait OrderSource {
    #[implements("FR-ORDERS-01")]
    fn list(&self) -> Vec<u32>;

    #[implements("FR-ORDERS-02")]
    fn place(&self) -> u32 {
        0
    }
}

#[implements("FR-ORDERS-01")]
impl OrderSource for SessionStore {
    #[implements("FR-ORDERS-01")]
    fn list(&self) -> Vec<u32> {
        vec![1, 2]
    }
}

#[implements("FR-ORDERS-02")]
pub enum Status {
    Pending,
}

#[implements("FR-AUTH-03")]
mod registration {
    pub fn register() {}
}

#[implements("FR-AUTH-03")]
pub const MIN_PASSWORD_LEN: usize = 8;

#[implements("US-AUTH-01")]
pub type Email = String;

fn main() {
    let store = SessionStore { sessions: vec!["s".into()] };
    let _ = (store.current(), store.list(), store.place(), SessionStore::TTL_SECS);
    let _ = Status::Pending;
    let _: Email = MIN_PASSWORD_LEN.to_string();
    registration::register();
    let _ = login("a@example.com");
}
