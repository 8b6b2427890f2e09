//! Who may call an endpoint, as the code decides it.
//!
//! Three places in a backend decide whether a request needs a caller:
//!
//! - the handler's arguments: an extractor (axum `FromRequestParts`, actix
//!   and rocket `FromRequest`) whose implementation reads a credential
//!   (the `Authorization` header, a token, a session, an API key) or
//!   extracts another extractor that does; `Option<E>`, `Result<E, _>` and
//!   a type holding an `Option<E>` (`MaybeAuthUser(Option<AuthUser>)`)
//!   make it optional;
//! - middleware on the routes' routers (axum `layer` / `route_layer`,
//!   actix `wrap`, poem `with`) that authenticates, with the literal list
//!   of routes it exempts when its file declares one
//!   (`const SKIP_AUTH_ROUTES: [SkipAuthRoute; 6] = [...]`);
//! - the handler's own body, when it takes the raw request and reads a
//!   credential from it: then the tool says it cannot tell.
//!
//! Every verdict carries the places it comes from (`file:line`), so a
//! document can say why an endpoint is protected, and a person can check.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Serialize;
use syn::spanned::Spanned;

use super::eval::Layer;
use super::index::{Def, Index, ItemRef, ModLoc, impl_blocks, items_at, walk_modules};

/// Whether an endpoint needs a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// A request without a valid credential is rejected before the handler
    /// does its work.
    Required,
    /// The handler runs with or without a caller (`Option<AuthUser>`).
    Optional,
    /// Nothing in its arguments or on its routers authenticates.
    Public,
    /// The tool cannot tell (the handler reads the request itself; a gRPC
    /// or GraphQL endpoint).
    Unknown,
}

/// A place that decides an endpoint's access.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    /// What it is, for a reader: "extractor `AuthUser`".
    pub what: String,
    /// Empty when the evidence is an absence ("no extractor…").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub line: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Evidence {
    /// `extractor `AuthUser` (src/auth.rs:40)`.
    pub fn describe(&self) -> String {
        if self.file.is_empty() {
            self.what.clone()
        } else {
            format!("{} ({}:{})", self.what, self.file, self.line)
        }
    }
}

/// What a request must carry, as the code reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "name")]
pub enum Credential {
    /// The `Authorization` header (its scheme: [`crate::pipeline`]'s
    /// `auth::Scheme`).
    Authorization,
    /// Another header, by name (`x-api-key`).
    Header(String),
    /// A session cookie.
    Session,
}

/// What a piece of code reads: the `Authorization` header, a named API key
/// header, or a session; `None` when it says none of these.
fn credential_of(code: &str) -> Option<Credential> {
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

/// An endpoint's access and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Auth {
    pub access: Access,
    /// The extractor, the middleware, the exemption, or what is unknown.
    pub evidence: Vec<Evidence>,
    /// The authenticating extractor or middleware's name (`AuthUser`,
    /// `Authentication`), when one decides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// What a request must carry, when the code says
    /// (required and optional endpoints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<Credential>,
}

impl Auth {
    /// Access the tool does not read, with the reason.
    pub fn unknown(why: &str) -> Auth {
        Auth {
            access: Access::Unknown,
            evidence: vec![Evidence {
                what: why.to_string(),
                file: String::new(),
                line: 0,
            }],
            by: None,
            credential: None,
        }
    }

    /// A request must carry a credential.
    pub fn required(&self) -> bool {
        self.access == Access::Required
    }

    /// Every piece of evidence, for a document: `extractor `AuthUser`
    /// (src/auth.rs:40); …`.
    pub fn reason(&self) -> String {
        self.evidence
            .iter()
            .map(Evidence::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Traits whose implementors a handler takes as arguments.
const EXTRACTOR_TRAITS: &[&str] = &[
    "FromRequest",
    "FromRequestParts",
    "OptionalFromRequestParts",
    "OptionalFromRequest",
];

/// Words in an extractor's implementation that mean it reads a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "uthorization",
    "UTHORIZATION",
    "Bearer",
    "bearer",
    "jwt",
    "Jwt",
    "JWT",
    "token",
    "Token",
    "session",
    "Session",
    "api_key",
    "apikey",
    "api-key",
    "Api-Key",
    "API-KEY",
    "get_private(",
    "claims",
    "Claims",
    "credential",
    "Credential",
];

/// The stricter set for middleware and handler bodies, where "token" and
/// "session" also name CSRF tokens, database sessions and the like.
const HEADER_WORDS: &[&str] = &[
    "uthorization",
    "UTHORIZATION",
    "Bearer",
    "bearer",
    "jwt",
    "Jwt",
    "JWT",
    "api_key",
    "api-key",
    "Api-Key",
    "API-KEY",
    "get_private(",
    "claims",
    "Claims",
];

/// Whether code reads a credential: a line naming the `Authorization`
/// header, a bearer token, a JWT or an API key, that is not a CORS
/// configuration listing the headers a browser may send
/// (`.allowed_headers(vec![header::AUTHORIZATION])`).
fn reads_credential(code: &str) -> bool {
    code.lines().any(|line| {
        let l = line.to_ascii_lowercase();
        HEADER_WORDS.iter().any(|w| line.contains(w))
            && !l.contains("allow")
            && !l.contains("expose")
            && !l.contains("cors")
            && !l.trim_start().starts_with("//")
    })
}

/// A credential word as a reader knows it (`uthorization` matched
/// `Authorization`).
fn shown(w: &str) -> &str {
    match w {
        "uthorization" => "Authorization",
        "UTHORIZATION" => "AUTHORIZATION",
        w => w.trim_end_matches('('),
    }
}

/// Whether code can turn a request away: it returns an error, a rocket
/// failure or forward, or answers 401 / 403.
fn can_reject(code: &str) -> bool {
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
fn checks_token(code: &str) -> bool {
    code.lines().any(|line| {
        let l = line.to_ascii_lowercase();
        (l.contains("decode") || l.contains("verify") || l.contains("validate"))
            && (l.contains("token") || l.contains("jwt") || l.contains("claims"))
            && !l.trim_start().starts_with("//")
    })
}

/// Extractors from crates the tool knows that require a caller.
const KNOWN_REQUIRED: &[&str] = &["BearerAuth", "BasicAuth", "Identity", "RequireAuth"];

/// Middleware from crates the tool knows that authenticates.
const KNOWN_MIDDLEWARE: &[&str] = &[
    "HttpAuthentication",
    "RequireAuthorizationLayer",
    "AsyncRequireAuthorizationLayer",
    "login_required",
    "permission_required",
    "predicate_required",
];

/// Arguments through which a handler reads the request itself.
const RAW_REQUEST: &[&str] = &[
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

/// Words in a const's name that make it a list of routes exempt from
/// authentication.
const EXEMPT_WORDS: &[&str] = &[
    "SKIP",
    "IGNORE",
    "EXEMPT",
    "PUBLIC",
    "ALLOW",
    "WHITELIST",
    "UNAUTH",
    "ANONYMOUS",
    "NO_AUTH",
    "BYPASS",
    "EXCLUDE",
    "UNPROTECTED",
];

/// Whether a name says it authenticates: `AuthUser`, `require_auth`,
/// `JwtMiddleware`, not `author` or `authors`.
pub(crate) fn name_says_auth(name: &str) -> bool {
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
fn caller_type(name: &str) -> bool {
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

/// An authenticating extractor or middleware the tool found.
#[derive(Debug, Clone)]
struct Found {
    /// `AuthUser`, `Authentication`.
    name: String,
    evidence: Evidence,
    credential: Option<Credential>,
    /// A value a middleware puts in the request (`ReqData<T>`,
    /// `Extension<T>`), not an extractor that authenticates by itself.
    set_by_middleware: bool,
}

/// An extractor's verdict.
#[derive(Debug, Clone)]
enum Extracted {
    Required(Found),
    Optional(Found),
    /// Reads a credential but never rejects a request (a session
    /// accessor such as `TypedSession`): whoever uses it decides.
    Reader(Found),
}

/// A route an authenticating middleware lets through.
#[derive(Debug, Clone)]
struct Exempt {
    method: Option<String>,
    path: String,
    /// Every path under it (`WhitelistItem::prefix("/readyz")`).
    prefix: bool,
    list: String,
    file: String,
    line: usize,
}

#[derive(Debug, Clone)]
struct AuthLayer {
    found: Found,
    exempt: Vec<Exempt>,
}

/// A type of the workspace: its file, inline module and name.
type TypeKey = (usize, Vec<String>, String);

/// Memoised reading of extractors and middleware for one extraction.
pub(crate) struct AccessCx<'i> {
    ix: &'i Index,
    types: RefCell<HashMap<TypeKey, Option<Extracted>>>,
    /// Types whose verdict is being computed (a cycle reads as "no").
    busy: RefCell<HashSet<TypeKey>>,
    layers: RefCell<HashMap<*const Layer, Option<Rc<AuthLayer>>>>,
    /// Whether anything in the workspace authenticates.
    pub(crate) seen_auth: std::cell::Cell<bool>,
}

/// The input for one endpoint.
pub(crate) struct Handler<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The handler's module, to resolve its argument types.
    pub loc: Option<&'a ModLoc>,
    /// Its signature and the file it is in, when it is a function of the
    /// workspace.
    pub sig: Option<&'a syn::Signature>,
    /// The whole function's span, to read its body.
    pub body: Option<(usize, std::ops::Range<usize>)>,
    pub layers: &'a [Rc<Layer>],
}

impl<'i> AccessCx<'i> {
    pub(crate) fn new(ix: &'i Index) -> Self {
        AccessCx {
            ix,
            types: RefCell::default(),
            busy: RefCell::default(),
            layers: RefCell::default(),
            seen_auth: std::cell::Cell::new(false),
        }
    }

    /// The access of one endpoint. [`AccessCx::finish`] turns the
    /// endpoints nothing protects into public ones once the whole
    /// workspace has been seen.
    pub(crate) fn of(&self, h: &Handler<'_>) -> Auth {
        let mut optional: Option<Found> = None;
        let mut reader: Option<Found> = None;
        // `ReqData<UserId>`: a middleware sets it; the middleware on the
        // route, when there is one, says more (its credential).
        let mut set_by_middleware: Option<Found> = None;
        let mut raw = None;
        if let (Some(sig), Some(loc)) = (h.sig, h.loc) {
            for input in &sig.inputs {
                let syn::FnArg::Typed(pt) = input else {
                    continue;
                };
                match self.arg(&pt.ty, loc) {
                    Some(Extracted::Required(f)) if f.set_by_middleware => {
                        self.seen_auth.set(true);
                        set_by_middleware.get_or_insert(f);
                    }
                    Some(Extracted::Required(f)) => {
                        self.seen_auth.set(true);
                        return Auth {
                            access: Access::Required,
                            evidence: vec![f.evidence],
                            by: Some(f.name),
                            credential: f.credential,
                        };
                    }
                    Some(Extracted::Optional(f)) => {
                        self.seen_auth.set(true);
                        optional.get_or_insert(f);
                    }
                    Some(Extracted::Reader(f)) => {
                        reader.get_or_insert(f);
                    }
                    None => {
                        if let Some(n) = super::index::type_name(&pt.ty)
                            && RAW_REQUEST.contains(&n.as_str())
                        {
                            raw.get_or_insert(n);
                        }
                    }
                }
            }
        }
        // Middleware: the innermost authenticating layer that does not
        // exempt this route decides; an exemption is said.
        let mut exempted: Vec<Evidence> = Vec::new();
        for layer in h.layers.iter().rev() {
            let Some(al) = self.layer(layer) else {
                continue;
            };
            self.seen_auth.set(true);
            if let Some(x) = al
                .exempt
                .iter()
                .find(|x| exempt_matches(x, h.method, h.path))
            {
                exempted.push(Evidence {
                    what: format!(
                        "exempted from middleware `{}` by `{}` ({})",
                        al.found.name,
                        x.list,
                        x.method
                            .as_deref()
                            .map_or_else(|| x.path.clone(), |m| format!("{m} {}", x.path))
                    ),
                    file: x.file.clone(),
                    line: x.line,
                });
                continue;
            }
            if optional.is_none() {
                return Auth {
                    access: Access::Required,
                    evidence: vec![al.found.evidence.clone()],
                    by: Some(al.found.name.clone()),
                    credential: al.found.credential.clone(),
                };
            }
        }
        if let Some(f) = set_by_middleware {
            return Auth {
                access: Access::Required,
                evidence: vec![f.evidence],
                by: Some(f.name),
                credential: f.credential,
            };
        }
        if let Some(f) = optional {
            let mut evidence = vec![f.evidence];
            evidence.extend(exempted);
            return Auth {
                access: Access::Optional,
                evidence,
                by: Some(f.name),
                credential: f.credential,
            };
        }
        if !exempted.is_empty() {
            return Auth {
                access: Access::Public,
                evidence: exempted,
                by: None,
                credential: None,
            };
        }
        if let Some((file, range)) = h.body.clone()
            && let Some(text) = self.ix.text(file)
            && let Some(body) = text.get(range.clone())
        {
            let line = text[..range.start].matches('\n').count() + 1;
            let why = if let Some(f) = &reader {
                can_reject(body).then(|| {
                    format!(
                        "the handler takes `{}`, which reads a credential without rejecting a request: whether a caller is required is decided in its body",
                        f.name
                    )
                })
            } else if let Some(raw) = &raw
                && (reads_credential(body)
                    || body.contains("current_user")
                    || body.contains("identity"))
            {
                Some(format!(
                    "the handler takes `{raw}` and reads a credential in its body: whether a caller is required is decided there"
                ))
            } else {
                checks_token(body).then(|| {
                    "the handler verifies a token in its body: whether a caller is required is decided there".to_string()
                })
            };
            if let Some(what) = why {
                return Auth {
                    access: Access::Unknown,
                    evidence: vec![Evidence {
                        what,
                        file: self.ix.rel(file).to_string(),
                        line,
                    }],
                    by: None,
                    credential: None,
                };
            }
        }
        Auth {
            access: Access::Public,
            evidence: Vec::new(),
            by: None,
            credential: None,
        }
    }

    /// Once every endpoint has been read: the ones nothing protects say why
    /// they are public.
    pub(crate) fn finish(&self, auth: &mut Auth) {
        if auth.access != Access::Public || !auth.evidence.is_empty() {
            return;
        }
        auth.evidence.push(Evidence {
            what: if self.seen_auth.get() {
                "no authenticating extractor among its arguments and no authenticating middleware on its routes".to_string()
            } else {
                "the tool found nothing in the workspace that authenticates (no extractor or middleware reading a credential)".to_string()
            },
            file: String::new(),
            line: 0,
        });
    }

    /// The verdict of a handler argument's type.
    fn arg(&self, ty: &syn::Type, loc: &ModLoc) -> Option<Extracted> {
        let ty = strip(ty);
        let syn::Type::Path(tp) = ty else { return None };
        let seg = tp.path.segments.last()?;
        let name = seg.ident.to_string();
        let inner = first_type_arg(seg);
        match name.as_str() {
            "Option" | "Result" => {
                return match self.arg(inner?, loc)? {
                    Extracted::Reader(f) => Some(Extracted::Reader(f)),
                    Extracted::Required(f) | Extracted::Optional(f) => {
                        Some(Extracted::Optional(Found {
                            set_by_middleware: false,
                            evidence: Evidence {
                                what: format!(
                                    "`{name}<{}>`: the handler runs without a caller too",
                                    f.name
                                ),
                                ..f.evidence
                            },
                            name: f.name,
                            credential: f.credential,
                        }))
                    }
                };
            }
            // Set by a middleware, read by the handler: the middleware
            // decides, unless the type itself says it is the caller.
            "Extension" | "ReqData" => {
                let inner = inner?;
                let n = super::index::type_name(inner)?;
                return caller_type(&n).then(|| {
                    Extracted::Required(Found {
                        set_by_middleware: true,
                        credential: None,
                        name: n.clone(),
                        evidence: Evidence {
                            what: format!(
                                "`{name}<{n}>`: the request fails unless a middleware has set the caller"
                            ),
                            file: self.ix.rel(loc.file).to_string(),
                            line: crate::scan::line_col(ty.span()).0,
                        },
                    })
                });
            }
            "TypedHeader" | "Header" => {
                let n = inner.and_then(super::index::type_name)?;
                return (n == "Authorization").then(|| {
                    Extracted::Required(Found {
                        set_by_middleware: false,
                        credential: Some(Credential::Authorization),
                        name: format!("{name}<Authorization>"),
                        evidence: Evidence {
                            what: format!("extractor `{name}<Authorization<…>>`"),
                            file: self.ix.rel(loc.file).to_string(),
                            line: crate::scan::line_col(ty.span()).0,
                        },
                    })
                });
            }
            _ => {}
        }
        let segs = crate::scan::path_segments(&tp.path);
        match self.ix.resolve(loc, &segs) {
            Def::Type(item) => self.workspace_type(&item),
            Def::External(full) => {
                let last = full.last().map_or(name.as_str(), String::as_str);
                KNOWN_REQUIRED.contains(&last).then(|| {
                    Extracted::Required(Found {
                        set_by_middleware: false,
                        credential: match last {
                            "Identity" => Some(Credential::Session),
                            "BearerAuth" | "BasicAuth" => Some(Credential::Authorization),
                            _ => None,
                        },
                        name: last.to_string(),
                        evidence: Evidence {
                            what: format!("extractor `{}`", full.join("::")),
                            file: self.ix.rel(loc.file).to_string(),
                            line: crate::scan::line_col(ty.span()).0,
                        },
                    })
                })
            }
            _ => None,
        }
    }

    /// The verdict of an extractor type of the workspace, memoised.
    fn workspace_type(&self, item: &ItemRef) -> Option<Extracted> {
        let key = (item.loc.file, item.loc.inline.clone(), item.name.clone());
        if let Some(v) = self.types.borrow().get(&key) {
            return v.clone();
        }
        if !self.busy.borrow_mut().insert(key.clone()) {
            return None;
        }
        let v = self.read_type(item);
        self.busy.borrow_mut().remove(&key);
        self.types.borrow_mut().insert(key, v.clone());
        v
    }

    fn read_type(&self, item: &ItemRef) -> Option<Extracted> {
        // `struct MaybeAuthUser(pub Option<AuthUser>)`: optional.
        let held = self
            .ix
            .with_item(item, |it, _| match it {
                syn::Item::Struct(s) if s.fields.len() == 1 => {
                    s.fields.iter().next().map(|f| f.ty.clone())
                }
                _ => None,
            })
            .flatten();
        if let Some(ty) = held
            && let syn::Type::Path(tp) = strip(&ty)
            && let Some(seg) = tp.path.segments.last()
            && seg.ident == "Option"
            && let Some(inner) = first_type_arg(seg)
            && let Some(Extracted::Required(f) | Extracted::Optional(f)) =
                self.arg(inner, &item.loc)
        {
            let line = self
                .ix
                .with_item(item, |it, _| crate::scan::line_col(it.span()).0)
                .unwrap_or(1);
            return Some(Extracted::Optional(Found {
                set_by_middleware: false,
                name: item.name.clone(),
                credential: f.credential,
                evidence: Evidence {
                    what: format!(
                        "extractor `{}` holds an `Option<{}>`: the handler runs without a caller too",
                        item.name, f.name
                    ),
                    file: self.ix.rel(item.loc.file).to_string(),
                    line,
                },
            }));
        }
        // Its extractor impls: one that reads a credential, or extracts
        // another authenticating extractor, makes it one.
        let impls = self
            .ix
            .impls_of(item.loc.krate, &item.name, Some(item.loc.file));
        for (loc, idx) in impls.iter() {
            let Some(src) = self.ix.parsed(loc.file) else {
                continue;
            };
            let Some(items) = items_at(&src.ast, &loc.inline) else {
                continue;
            };
            let Some(syn::Item::Impl(imp)) = impl_blocks(items).nth(*idx) else {
                continue;
            };
            let Some((tr, _)) = &imp.trait_ else {
                continue;
            };
            let Some(trait_name) = tr.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            if !EXTRACTOR_TRAITS.contains(&trait_name.as_str()) {
                continue;
            }
            let line = crate::scan::line_col(imp.span()).0;
            let evidence = |why: String| Evidence {
                what: format!("extractor `{}`: {why}", item.name),
                file: self.ix.rel(loc.file).to_string(),
                line,
            };
            let Some(text) = self.ix.text(loc.file) else {
                continue;
            };
            let Some(body) = text.get(imp.span().byte_range()) else {
                continue;
            };
            let optional_impl = trait_name.starts_with("Optional");
            if let Some(w) = CREDENTIAL_WORDS.iter().find(|w| body.contains(**w)) {
                let f = Found {
                    set_by_middleware: false,
                    credential: credential_of(body),
                    name: item.name.clone(),
                    evidence: evidence(format!(
                        "its `{trait_name}` impl reads a credential (`{}`)",
                        shown(w)
                    )),
                };
                // `impl OptionalFromRequestParts for AuthUser` alone makes
                // `Option<AuthUser>` work; `AuthUser` itself still needs
                // its `FromRequestParts` impl to be required.
                if optional_impl {
                    continue;
                }
                if !can_reject(body) {
                    return Some(Extracted::Reader(Found {
                        set_by_middleware: false,
                        evidence: Evidence {
                            what: format!(
                                "extractor `{}`: its `{trait_name}` impl reads a credential (`{}`) but never rejects a request",
                                item.name,
                                shown(w)
                            ),
                            ..f.evidence
                        },
                        name: f.name,
                        credential: f.credential,
                    }));
                }
                return Some(Extracted::Required(f));
            }
            if let Some(Extracted::Required(other)) = self.extracts_another(body, loc) {
                return Some(Extracted::Required(Found {
                    set_by_middleware: false,
                    name: item.name.clone(),
                    credential: other.credential.clone(),
                    evidence: evidence(format!(
                        "its `{trait_name}` impl extracts `{}` first",
                        other.name
                    )),
                }));
            }
            if name_says_auth(&item.name) && !optional_impl && can_reject(body) {
                return Some(Extracted::Required(Found {
                    set_by_middleware: false,
                    name: item.name.clone(),
                    credential: credential_of(body),
                    evidence: evidence(format!(
                        "an extractor named as the caller (`{trait_name}` impl)"
                    )),
                }));
            }
        }
        None
    }

    /// `OrgHeaders::from_request(request)` inside another extractor's impl:
    /// the authenticating extractor it builds on.
    fn extracts_another(&self, body: &str, loc: &ModLoc) -> Option<Extracted> {
        let mut reader = None;
        for call in ["::from_request_parts(", "::from_request(", "::extract("] {
            for (at, _) in body.match_indices(call) {
                let name: String = body[..at]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if name.is_empty() || name == "Self" {
                    continue;
                }
                if let Def::Type(item) = self.ix.resolve(loc, std::slice::from_ref(&name)) {
                    match self.workspace_type(&item) {
                        Some(r @ Extracted::Required(_)) => return Some(r),
                        Some(r @ Extracted::Reader(_)) => reader = Some(r),
                        _ => {}
                    }
                }
            }
        }
        // `parts.extract::<AuthUser>()`.
        for (at, _) in body.match_indices("extract::<") {
            let rest = &body[at + "extract::<".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Def::Type(item) = self.ix.resolve(loc, std::slice::from_ref(&name)) {
                match self.workspace_type(&item) {
                    Some(r @ Extracted::Required(_)) => return Some(r),
                    Some(r @ Extracted::Reader(_)) => reader = Some(r),
                    _ => {}
                }
            }
        }
        reader
    }

    /// An authenticating middleware, with its exemptions, memoised.
    fn layer(&self, layer: &Rc<Layer>) -> Option<Rc<AuthLayer>> {
        let key = Rc::as_ptr(layer);
        if let Some(v) = self.layers.borrow().get(&key) {
            return v.clone();
        }
        let v = self.read_layer(layer).map(Rc::new);
        self.layers.borrow_mut().insert(key, v.clone());
        v
    }

    fn read_layer(&self, layer: &Layer) -> Option<AuthLayer> {
        let at = |what: String| Evidence {
            what,
            file: self.ix.rel(layer.site.file).to_string(),
            line: layer.site.line,
        };
        for part in &layer.parts {
            let (name, file, credential) = match part {
                Def::Fn(f) => {
                    let reads = self.ix.with_fn(f, |v, src| {
                        let _ = src;
                        let mut required = false;
                        let mut reader = false;
                        let mut cred = None;
                        for i in &v.sig.inputs {
                            let syn::FnArg::Typed(pt) = i else { continue };
                            match self.arg(&pt.ty, &f.loc) {
                                Some(Extracted::Required(x)) => {
                                    required = true;
                                    cred = cred.or(x.credential);
                                }
                                Some(Extracted::Reader(x)) => {
                                    reader = true;
                                    cred = cred.or(x.credential);
                                }
                                _ => {}
                            }
                        }
                        (
                            required,
                            reader,
                            cred,
                            v.sig.span().byte_range().start,
                            v.block.span().byte_range(),
                        )
                    });
                    let Some((args_auth, takes_reader, arg_cred, start, block)) = reads else {
                        continue;
                    };
                    let text = self.ix.text(f.loc.file);
                    let body = text
                        .as_deref()
                        .and_then(|t| t.get(start..block.end))
                        .unwrap_or("");
                    // A middleware that takes a session and can turn a
                    // request away (`reject_anonymous_users(session:
                    // TypedSession, …)`) authenticates.
                    let extracted = self.extracts_another(body, &f.loc);
                    let body_reads = reads_credential(body)
                        || matches!(extracted, Some(Extracted::Required(_)))
                        || ((takes_reader || matches!(extracted, Some(Extracted::Reader(_))))
                            && can_reject(body));
                    // `AuthTransform::new(keys, whitelist)`: the type names it.
                    let name = match &f.impl_ty {
                        Some(t) if name_says_auth(t) => t.clone(),
                        _ => f.name.clone(),
                    };
                    if !(args_auth || body_reads || name_says_auth(&name)) {
                        continue;
                    }
                    let extracted_cred = match extracted {
                        Some(
                            Extracted::Required(x) | Extracted::Reader(x) | Extracted::Optional(x),
                        ) => x.credential,
                        None => None,
                    };
                    let credential = credential_of(body).or(arg_cred).or(extracted_cred);
                    (name, Some(f.loc.file), credential)
                }
                Def::Type(t) => {
                    let (extractor, credential) = match self.workspace_type(t) {
                        Some(Extracted::Required(x)) => (true, x.credential),
                        _ => (false, None),
                    };
                    if !(extractor || name_says_auth(&t.name)) {
                        continue;
                    }
                    // An actix `Transform`: what its file reads.
                    let credential = credential.or_else(|| {
                        self.ix.text(t.loc.file).and_then(|text| {
                            text.lines()
                                .filter(|l| {
                                    reads_credential(l)
                                        || l.contains("session")
                                        || l.contains("Session")
                                })
                                .find_map(credential_of)
                        })
                    });
                    (t.name.clone(), Some(t.loc.file), credential)
                }
                Def::External(segs) => {
                    let Some(last) = segs.last() else { continue };
                    let known = KNOWN_MIDDLEWARE.contains(&last.as_str())
                        || (last == "ValidateRequestHeaderLayer"
                            && (layer.code.contains("bearer") || layer.code.contains("basic")));
                    if !known {
                        continue;
                    }
                    let credential = if last.ends_with("_required") {
                        Some(Credential::Session)
                    } else {
                        Some(Credential::Authorization)
                    };
                    (last.clone(), None, credential)
                }
                _ => continue,
            };
            let mut exempt = file.map(|f| self.exemptions(f)).unwrap_or_default();
            exempt.extend(self.local_exemptions(layer));
            // `Condition::new(enabled, mw)`, `ConditionEx::from_option(keys.map(…))`,
            // `option_layer(…)`: on only when configured.
            let conditional = layer.parts.iter().any(|p| {
                matches!(p, Def::External(segs) if segs.last().is_some_and(|l| {
                    matches!(l.as_str(), "Condition" | "ConditionEx" | "from_option" | "option_layer")
                }))
            });
            let when = if conditional {
                ", only when the condition it is wrapped in holds (configuration)"
            } else {
                ""
            };
            return Some(AuthLayer {
                found: Found {
                    set_by_middleware: false,
                    evidence: at(format!(
                        "middleware `{name}` on its routes (`{}`){when}",
                        layer.what
                    )),
                    name,
                    credential,
                },
                exempt,
            });
        }
        None
    }

    /// Literal lists of exempt routes in a middleware's file:
    /// `const SKIP_AUTH_ROUTES: [SkipAuthRoute; 6] = [SkipAuthRoute { path:
    /// "/api/tags", method: Method::GET }, …]`, `static PUBLIC: &[&str] =
    /// &["/health"]`.
    fn exemptions(&self, file: usize) -> Vec<Exempt> {
        let Some(src) = self.ix.parsed(file) else {
            return Vec::new();
        };
        let rel = self.ix.rel(file).to_string();
        let mut out = Vec::new();
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |_, items| {
            for item in items {
                let (ident, expr) = match item {
                    syn::Item::Const(c) => (&c.ident, &*c.expr),
                    syn::Item::Static(s) => (&s.ident, &*s.expr),
                    _ => continue,
                };
                let name = ident.to_string();
                let upper = name.to_ascii_uppercase();
                if !EXEMPT_WORDS.iter().any(|w| upper.contains(w)) {
                    continue;
                }
                for el in elements(expr) {
                    let mut lits = Lits::default();
                    syn::visit::Visit::visit_expr(&mut lits, &el);
                    let Some(path) = lits.paths.first() else {
                        continue;
                    };
                    out.push(Exempt {
                        method: lits.methods.first().cloned(),
                        path: path.clone(),
                        prefix: lits.prefix,
                        list: name.clone(),
                        file: rel.clone(),
                        line: crate::scan::line_col(el.span()).0,
                    });
                }
            }
        });
        out
    }

    /// A list built where the middleware is applied and handed to it:
    /// `let api_key_whitelist = vec![WhitelistItem::exact("/healthz"), …];
    /// … .wrap(AuthTransform::new(keys, api_key_whitelist.clone()))`.
    fn local_exemptions(&self, layer: &Layer) -> Vec<Exempt> {
        let Some(src) = self.ix.parsed(layer.site.file) else {
            return Vec::new();
        };
        let rel = self.ix.rel(layer.site.file).to_string();
        struct Lets<'a> {
            layer: &'a Layer,
            rel: &'a str,
            out: Vec<Exempt>,
        }
        impl<'ast> syn::visit::Visit<'ast> for Lets<'_> {
            fn visit_local(&mut self, l: &'ast syn::Local) {
                let ident = match &l.pat {
                    syn::Pat::Ident(i) => Some(&i.ident),
                    syn::Pat::Type(t) => match &*t.pat {
                        syn::Pat::Ident(i) => Some(&i.ident),
                        _ => None,
                    },
                    _ => None,
                };
                if let (Some(ident), Some(init)) = (ident, &l.init) {
                    let name = ident.to_string();
                    let upper = name.to_ascii_uppercase();
                    if EXEMPT_WORDS.iter().any(|w| upper.contains(w))
                        && mentions(&self.layer.code, &name)
                    {
                        for el in elements(&init.expr) {
                            let mut lits = Lits::default();
                            syn::visit::Visit::visit_expr(&mut lits, &el);
                            let Some(path) = lits.paths.first() else {
                                continue;
                            };
                            self.out.push(Exempt {
                                method: lits.methods.first().cloned(),
                                path: path.clone(),
                                prefix: lits.prefix,
                                list: name.clone(),
                                file: self.rel.to_string(),
                                line: crate::scan::line_col(el.span()).0,
                            });
                        }
                    }
                }
                syn::visit::visit_local(self, l);
            }
        }
        let mut v = Lets {
            layer,
            rel: &rel,
            out: Vec::new(),
        };
        syn::visit::Visit::visit_file(&mut v, &src.ast);
        v.out
    }
}

/// The elements of an array, slice or `vec!` expression (a reference
/// stripped).
fn elements(e: &syn::Expr) -> Vec<syn::Expr> {
    match e {
        syn::Expr::Reference(r) => elements(&r.expr),
        syn::Expr::Paren(p) => elements(&p.expr),
        syn::Expr::Group(g) => elements(&g.expr),
        syn::Expr::Array(a) => a.elems.iter().cloned().collect(),
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => m
            .mac
            .parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            .map(|p| p.into_iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// String literals that look like paths, and HTTP method names, in one
/// element of an exemption list.
#[derive(Default)]
struct Lits {
    paths: Vec<String>,
    methods: Vec<String>,
    /// Named as a prefix (`WhitelistItem::prefix("/readyz")`,
    /// `starts_with`).
    prefix: bool,
}

impl<'ast> syn::visit::Visit<'ast> for Lits {
    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        let v = l.value();
        if v.starts_with('/') {
            self.paths.push(v);
        } else if super::attrs::METHODS.contains(&v.to_ascii_lowercase().as_str()) {
            self.methods.push(v.to_ascii_uppercase());
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method.to_string().contains("prefix") || m.method == "starts_with" {
            self.prefix = true;
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if let Some(last) = p.segments.last() {
            let name = last.ident.to_string();
            if name.contains("prefix") || name == "starts_with" {
                self.prefix = true;
            }
            if super::attrs::METHODS.contains(&name.to_ascii_lowercase().as_str()) {
                self.methods.push(name.to_ascii_uppercase());
            }
        }
        syn::visit::visit_path(self, p);
    }
}

/// Whether an exempt route covers an endpoint: same method (or any), and
/// the same path segment by segment, a parameter (`{x}`, `:x`, `<x>`, `*`)
/// on either side matching any segment; a trailing `*` matches the rest.
fn exempt_matches(x: &Exempt, method: &str, path: &str) -> bool {
    if let Some(m) = &x.method
        && !m.eq_ignore_ascii_case(method)
    {
        return false;
    }
    let a: Vec<&str> = x.path.trim_end_matches('/').split('/').collect();
    let b: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let param = |s: &str| {
        (s.starts_with('{') && s.ends_with('}'))
            || s.starts_with(':')
            || (s.starts_with('<') && s.ends_with('>'))
            || s == "*"
    };
    if x.prefix {
        return b.len() >= a.len()
            && a.iter()
                .zip(&b)
                .all(|(p, q)| p == q || param(p) || param(q));
    }
    if a.last().is_some_and(|s| *s == "*" || *s == "**") && b.len() >= a.len() - 1 {
        return a[..a.len() - 1]
            .iter()
            .zip(&b)
            .all(|(p, q)| p == q || param(p) || param(q));
    }
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, q)| p == q || param(p) || param(q))
}

/// Whether code names an identifier (a whole word).
fn mentions(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

fn strip(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Reference(r) => strip(&r.elem),
        syn::Type::Paren(p) => strip(&p.elem),
        syn::Type::Group(g) => strip(&g.elem),
        _ => ty,
    }
}

fn first_type_arg(seg: &syn::PathSegment) -> Option<&syn::Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
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

    fn x(method: Option<&str>, path: &str) -> Exempt {
        Exempt {
            method: method.map(String::from),
            path: path.into(),
            prefix: false,
            list: "SKIP".into(),
            file: "m.rs".into(),
            line: 1,
        }
    }

    #[test]
    fn exemptions_match_by_segment() {
        assert!(exempt_matches(
            &x(Some("GET"), "/api/tags"),
            "GET",
            "/api/tags"
        ));
        assert!(!exempt_matches(
            &x(Some("GET"), "/api/tags"),
            "POST",
            "/api/tags"
        ));
        assert!(!exempt_matches(
            &x(Some("GET"), "/api/tags"),
            "GET",
            "/api/tags/x"
        ));
        assert!(exempt_matches(
            &x(Some("GET"), "/api/articles/{slug}"),
            "GET",
            "/api/articles/{id}"
        ));
        assert!(exempt_matches(
            &x(Some("GET"), "/api/articles/:slug"),
            "GET",
            "/api/articles/{slug}"
        ));
        assert!(exempt_matches(&x(None, "/public/*"), "PUT", "/public/a/b"));
        assert!(!exempt_matches(&x(None, "/public/*"), "PUT", "/private/a"));
        // `ANY` is not exempted by a list naming one method.
        assert!(!exempt_matches(&x(Some("GET"), "/x"), "ANY", "/x"));
    }
}
