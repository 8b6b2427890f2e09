//! GitHub's heading anchors (the same rule as cargo-specplan's table of
//! contents and link checker).

/// The anchor GitHub gives a heading: lower-cased, punctuation other than
/// `-` and `_` removed, spaces turned into `-`.
pub fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::github_slug;

    #[test]
    fn matches_github() {
        assert_eq!(github_slug("1. Overview"), "1-overview");
        assert_eq!(
            github_slug("FR-AUTH-01: Sign in with email"),
            "fr-auth-01-sign-in-with-email"
        );
        assert_eq!(github_slug("3. `POST /login` (v2)"), "3-post-login-v2");
        assert_eq!(github_slug("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(github_slug("a  b"), "a--b");
    }
}
