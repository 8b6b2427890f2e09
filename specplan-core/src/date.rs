//! Today's date for `Last Updated`, as `YYYY-MM-DD` in local time.
//!
//! `SPECPLAN_TODAY=YYYY-MM-DD` pins it (snapshot tests, reproducible docs);
//! `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds convention) is
//! honoured next.

/// Today's date, `YYYY-MM-DD`.
pub fn today() -> String {
    if let Ok(pinned) = std::env::var("SPECPLAN_TODAY")
        && pinned.parse::<jiff::civil::Date>().is_ok()
    {
        return pinned;
    }
    if let Some(ts) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
    {
        return ts.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    }
    jiff::Zoned::now().date().to_string()
}

/// Whether `s` is a valid `YYYY-MM-DD` date.
pub fn is_valid(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn validates_dates() {
        assert!(super::is_valid("2026-11-21"));
        assert!(!super::is_valid("2026-02-30"));
        assert!(!super::is_valid("21.11.2026"));
        assert_eq!(super::today().len(), 10);
    }
}
