//! The words and shapes that say code handles a credential: what an
//! extractor or middleware reads, whether it can turn a request away,
//! whether a name says it authenticates.

use super::Credential;

/// What a piece of code reads: the `Authorization` header, a named API key
/// header, or a session; `None` when it says none of these.
pub(super) fn credential_of(code: &str) -> Option<Credential> {
    if ["uthorization", "UTHORIZATION", "Bearer", "bearer"]
        .iter()
        .any(|w| code.contains(w))
    {
        return Some(Credential::Authorization);
    }
    // `headers.get("x-api-key")`: the literal that names the header.
    let mut rest = code;
    while let Some(i) = rest.find('"') {
        let after = &rest[i + 1..];
        let Some(end) = after.find('"') else { break };
        let lit = &after[..end];
        let l = lit.to_ascii_lowercase();
        if (l.contains("api-key") || l.contains("api_key") || l.contains("apikey"))
            && lit.len() < 40
            && lit
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Some(Credential::Header(lit.to_string()));
        }
        rest = &after[end + 1..];
    }
    ["session", "Session", "cookie", "Cookie", "get_private("]
        .iter()
        .any(|w| code.contains(w))
        .then_some(Credential::Session)
}

/// Traits whose implementors a handler takes as arguments.
pub(super) const EXTRACTOR_TRAITS: &[&str] = &[
    "FromRequest",
    "FromRequestParts",
    "OptionalFromRequestParts",
    "OptionalFromRequest",
];

/// Words in an extractor's implementation that mean it reads a credential,
/// in the order they are looked for; `false` marks those too loose for
/// middleware and handler bodies, where "token" and "session" also name
/// CSRF tokens, database sessions and the like.
pub(super) const CREDENTIAL_WORDS: &[(&str, bool)] = &[
    ("uthorization", true),
    ("UTHORIZATION", true),
    ("Bearer", true),
    ("bearer", true),
    ("jwt", true),
    ("Jwt", true),
    ("JWT", true),
    ("token", false),
    ("Token", false),
    ("session", false),
    ("Session", false),
    ("api_key", true),
    ("apikey", false),
    ("api-key", true),
    ("Api-Key", true),
    ("API-KEY", true),
    ("get_private(", true),
    ("claims", true),
    ("Claims", true),
    ("credential", false),
    ("Credential", false),
];

/// The credential word an extractor's code contains first.
pub(super) fn credential_word(code: &str) -> Option<&'static str> {
    CREDENTIAL_WORDS
        .iter()
        .map(|(w, _)| *w)
        .find(|w| code.contains(w))
}

/// Whether a line names a credential in the strict sense (middleware and
/// handler bodies).
pub(super) fn names_header_credential(line: &str) -> bool {
    CREDENTIAL_WORDS
        .iter()
        .any(|(w, strict)| *strict && line.contains(w))
}

/// Whether code reads a credential: a line naming the `Authorization`
/// header, a bearer token, a JWT or an API key, that is not a CORS
/// configuration listing the headers a browser may send
/// (`.allowed_headers(vec![header::AUTHORIZATION])`).
pub(super) fn reads_credential(code: &str) -> bool {
    code.lines().any(|line| {
        let l = line.to_ascii_lowercase();
        names_header_credential(line)
            && !l.contains("allow")
            && !l.contains("expose")
            && !l.contains("cors")
            && !l.trim_start().starts_with("//")
    })
}

/// A credential word as a reader knows it (`uthorization` matched
/// `Authorization`).
pub(super) fn shown(w: &str) -> &str {
    match w {
        "uthorization" => "Authorization",
        "UTHORIZATION" => "AUTHORIZATION",
        w => w.trim_end_matches('('),
    }
}

/// Whether code can turn a request away: it returns an error, a rocket
/// failure or forward, or answers 401 / 403.
pub(super) fn can_reject(code: &str) -> bool {
    [
        "Err(",
        "Error(",
        "Outcome::Error",
        "Outcome::Failure",
        "Outcome::Forward",
        "Forward(",
        "err_handler!",
        "nauthorized",
        "NAUTHORIZED",
        "orbidden",
        "ORBIDDEN",
        "?;",
        "?)",
        "?.",
        "? ",
        "?\n",
        "bail!",
        "ensure!",
        "reject",
    ]
    .iter()
    .any(|w| code.contains(w))
}

/// Whether a handler's body verifies a token itself: a line that decodes,
/// verifies or validates a token, a JWT or claims.
pub(super) fn checks_token(code: &str) -> bool {
    code.lines().any(|line| {
        let l = line.to_ascii_lowercase();
        (l.contains("decode") || l.contains("verify") || l.contains("validate"))
            && (l.contains("token") || l.contains("jwt") || l.contains("claims"))
            && !l.trim_start().starts_with("//")
    })
}

/// Extractors from crates the tool knows that require a caller.
pub(super) const KNOWN_REQUIRED: &[&str] = &["BearerAuth", "BasicAuth", "Identity", "RequireAuth"];

/// Middleware from crates the tool knows that authenticates.
pub(super) const KNOWN_MIDDLEWARE: &[&str] = &[
    "HttpAuthentication",
    "RequireAuthorizationLayer",
    "AsyncRequireAuthorizationLayer",
    "login_required",
    "permission_required",
    "predicate_required",
];

/// Arguments through which a handler reads the request itself.
pub(super) const RAW_REQUEST: &[&str] = &[
    "HttpRequest",
    "Request",
    "HeaderMap",
    "CookieJar",
    "PrivateCookieJar",
    "SignedCookieJar",
    "Cookies",
    "Session",
    "ServiceRequest",
];

/// Whether a name says it authenticates: `AuthUser`, `require_auth`,
/// `JwtMiddleware`, not `author` or `authors`.
pub(super) fn name_says_auth(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    let auth = l.match_indices("auth").any(|(i, _)| {
        let rest = &l[i..];
        !rest.starts_with("author") || rest.starts_with("authori")
    });
    auth || l.contains("jwt")
        || l.contains("bearer")
        || l.contains("login_required")
        || l.contains("require_login")
        || l.contains("require_user")
        || l.contains("logged_in")
        || l.contains("loggedin")
        || l.contains("current_user")
        || l.contains("currentuser")
}

/// Whether a request-scoped value a middleware sets (`ReqData<T>`,
/// `Extension<T>`) is the caller: `UserId`, `Claims`, `CurrentUser`.
pub(super) fn caller_type(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    name_says_auth(name)
        || [
            "user",
            "claims",
            "principal",
            "identity",
            "caller",
            "account",
            "session",
        ]
        .iter()
        .any(|w| l.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_auth() {
        for n in [
            "AuthUser",
            "require_auth",
            "JwtMiddleware",
            "Authentication",
            "authorize",
            "CurrentUser",
            "MaybeAuthUser",
        ] {
            assert!(name_says_auth(n), "{n}");
        }
        for n in [
            "author",
            "ArticleAuthor",
            "list_authors",
            "Pagination",
            "DbConn",
            "Host",
        ] {
            assert!(!name_says_auth(n), "{n}");
        }
    }
}
