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

mod exempt;
mod words;

use super::eval::Layer;
use super::index::{Def, Index, ItemRef, ModLoc};
use exempt::{Exempt, exempt_matches};
use words::*;

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
    /// Its code, when it is a function of the workspace.
    pub code: Option<Code<'a>>,
    pub layers: &'a [Rc<Layer>],
}

/// A handler function of the workspace.
pub(crate) struct Code<'a> {
    /// Its module, to resolve its argument types.
    pub loc: &'a ModLoc,
    pub sig: &'a syn::Signature,
    /// The whole function's bytes in its file, to read its body.
    pub span: std::ops::Range<usize>,
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
        if let Some(Code { sig, loc, .. }) = &h.code {
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
        if let Some(Code {
            loc, span: range, ..
        }) = &h.code
            && let Some(text) = self.ix.text(loc.file)
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
                        file: self.ix.rel(loc.file).to_string(),
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
            // The trait it implements and where the block is.
            let Some((trait_name, span)) = self
                .ix
                .with_impl(loc, *idx, false, |imp| {
                    let (tr, _) = imp.trait_.as_ref()?;
                    let name = tr.segments.last()?.ident.to_string();
                    Some((name, imp.span()))
                })
                .flatten()
            else {
                continue;
            };
            if !EXTRACTOR_TRAITS.contains(&trait_name.as_str()) {
                continue;
            }
            let line = crate::scan::line_col(span).0;
            let evidence = |why: String| Evidence {
                what: format!("extractor `{}`: {why}", item.name),
                file: self.ix.rel(loc.file).to_string(),
                line,
            };
            let Some(text) = self.ix.text(loc.file) else {
                continue;
            };
            let Some(body) = text.get(span.byte_range()) else {
                continue;
            };
            let optional_impl = trait_name.starts_with("Optional");
            if let Some(w) = credential_word(body) {
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
