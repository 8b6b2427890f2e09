//! Tests of the consultation as a whole: the slug against the seed's shell
//! line, and the documents of the planted-findings fixtures.

use super::*;

#[test]
fn slug_matches_the_seed() {
    assert_eq!(slug("Password reset"), "password-reset");
    assert_eq!(slug("  OAuth2 / SSO login!  "), "--oauth2--sso-login--");
    assert_eq!(slug("Café crème"), "caf-crme");
    assert_eq!(slug("tabs\tand_underscores"), "tabsandunderscores");
    assert_eq!(slug("Ünïcode"), "ncode");
}

/// The seed's shell pipeline, run for real where a POSIX shell is.
#[test]
fn slug_matches_the_real_shell_pipeline() {
    let inputs = [
        "Password reset",
        "  OAuth2 / SSO login!  ",
        "Café crème",
        "tabs\tand_underscores",
        "Ünïcode Straße 2FA",
        "a-b--c",
        "$HOME `x` \"q\"",
    ];
    for input in inputs {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"echo "$ARGUMENTS" | tr '[:upper:]' '[:lower:]' | tr ' ' '-' | tr -cd '[:alnum:]-'"#)
            .env("ARGUMENTS", input)
            .env("LC_ALL", "C")
            .output();
        let Ok(out) = out else {
            eprintln!("skipped: no POSIX shell");
            return;
        };
        let shell = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(slug(input), shell, "input {input:?}");
    }
}

#[test]
fn keywords() {
    let f = Feature::new("Password reset for users");
    assert_eq!(f.keywords, ["password", "reset", "user"]);
    assert_eq!(f.matches("validate_password"), Some("password"));
}
