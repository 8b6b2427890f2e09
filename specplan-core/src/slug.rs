//! GitHub's heading anchors, so that generated tables of contents, the link
//! checker and the proc macro's rustdoc links agree with what GitHub
//! renders. The rule lives in specplan-ids, which the macro shares.

pub use specplan_ids::github_slug;

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
