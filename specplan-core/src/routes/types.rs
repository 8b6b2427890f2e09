//! Request and response types of a handler, read from its signature.
//!
//! Extractors are recognised by their last path segment, so `Json<T>`,
//! `axum::Json<T>`, `web::Json<T>` and `rocket::serde::json::Json<T>` are
//! one case: `Json`/`Form`/`Query`/`Path`/`MsgPack`/`Multipart` arguments,
//! Rocket's `data = "<x>"` argument, and wrappers of them
//! (`Option<Json<T>>`, `WithRejection<Json<T>, E>`, `Valid<Json<T>>`).
//! The response is the return type with `Result`-like wrappers (any type
//! named `…Result`), `Option`, and tuples (`(StatusCode, Json<T>)`) looked
//! through.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::index::ModLoc;
use super::schema::{SchemaGen, type_text};

/// A request or response body, query string or path parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeRef {
    /// How it travels: `json`, `form`, `query`, `path`, `text`, `html`,
    /// `bytes`, `multipart`, `msgpack`, `empty`, or `body` (a type that
    /// renders itself).
    pub kind: String,
    /// The Rust type as written, without the extractor (`CreateOrderRequest`).
    pub rust: String,
    /// JSON Schema; workspace types are `{"$ref": "#/schemas/Name"}`.
    pub schema: Value,
}

/// A path parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub name: String,
    /// The Rust type, when the handler says (`Uuid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
    pub schema: Value,
}

#[derive(Default)]
pub(crate) struct SigTypes {
    pub request: Option<TypeRef>,
    pub query: Option<TypeRef>,
    pub response: Option<TypeRef>,
    /// `Path<T>`'s `T`, when there is one.
    pub path_type: Option<syn::Type>,
    /// Arguments that are neither (`State<AppState>`, `AuthUser`).
    pub extractors: Vec<String>,
    /// Rocket: argument names and types, for `<id>` parameters.
    pub args: Vec<(String, syn::Type)>,
}

fn last(ty: &syn::Type) -> Option<(String, Vec<&syn::Type>)> {
    match ty {
        syn::Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let args = match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Some((seg.ident.to_string(), args))
        }
        syn::Type::Reference(r) => last(&r.elem),
        syn::Type::Paren(p) => last(&p.elem),
        syn::Type::Group(g) => last(&g.elem),
        _ => None,
    }
}

/// The extractor kind of an argument type and the type it carries.
fn body_kind(ty: &syn::Type) -> Option<(&'static str, Option<&syn::Type>)> {
    let (name, args) = last(ty)?;
    let first = args.first().copied();
    Some(match name.as_str() {
        "Json" | "ValidatedJson" | "JsonBody" => ("json", first),
        "Form" | "ValidatedForm" | "LenientForm" => ("form", first),
        "Query" | "ValidatedQuery" | "QsQuery" => ("query", first),
        "Path" | "ValidatedPath" => ("path", first),
        "MsgPack" => ("msgpack", first),
        "Multipart" | "TypedMultipart" | "MultipartForm" => ("multipart", first),
        "Bytes" | "BytesMut" | "Payload" | "Data" => ("bytes", None),
        "Option" | "WithRejection" | "Valid" | "Validated" | "Garde" => {
            return first.and_then(body_kind);
        }
        // A project's own extractor around a body (`ValidationExtractor<T>`,
        // `ValidJson<T>`, `AppJson<T>`): what it wraps if that is known,
        // else JSON when its name says so.
        n if first.is_some() && (n.contains("Json") || n.starts_with("Valid")) => {
            return first.and_then(body_kind).or(Some(("json", first)));
        }
        _ => return None,
    })
}

fn to_ref(sg: &mut SchemaGen<'_>, kind: &str, ty: Option<&syn::Type>, loc: &ModLoc) -> TypeRef {
    match ty {
        Some(t) => TypeRef {
            kind: kind.to_string(),
            rust: type_text(t),
            schema: sg.schema_of(t, loc, &HashMap::new()),
        },
        None => TypeRef {
            kind: kind.to_string(),
            rust: String::new(),
            schema: json!({}),
        },
    }
}

/// Reads a handler's signature. `data` names Rocket's body argument.
pub(crate) fn sig_types(
    sg: &mut SchemaGen<'_>,
    sig: &syn::Signature,
    loc: &ModLoc,
    data: Option<&str>,
) -> SigTypes {
    let mut out = SigTypes::default();
    for input in &sig.inputs {
        let syn::FnArg::Typed(pt) = input else {
            continue;
        };
        let name = super::eval::pat_names(&pt.pat)
            .into_iter()
            .next()
            .unwrap_or_default();
        let ty = &*pt.ty;
        out.args.push((name.clone(), ty.clone()));
        if data.is_some_and(|d| d == name) {
            let r = match body_kind(ty) {
                Some((kind, inner)) => to_ref(sg, kind, inner, loc),
                None => to_ref(sg, "body", Some(ty), loc),
            };
            out.request = Some(r);
            continue;
        }
        match body_kind(ty) {
            Some(("query", inner)) => out.query = Some(to_ref(sg, "query", inner, loc)),
            Some(("path", inner)) => out.path_type = inner.cloned(),
            Some((kind, inner)) if data.is_none() => {
                out.request = Some(to_ref(sg, kind, inner, loc));
            }
            _ => {
                // A raw `String`/`Bytes` body is the last argument of an
                // axum handler; elsewhere these are path parameters.
                out.extractors.push(type_text(ty));
            }
        }
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        out.response = response_of(sg, ty, loc);
    }
    out
}

fn response_of(sg: &mut SchemaGen<'_>, ty: &syn::Type, loc: &ModLoc) -> Option<TypeRef> {
    if let syn::Type::Tuple(t) = ty {
        if t.elems.is_empty() {
            return None;
        }
        // `(StatusCode, HeaderMap, Json<T>)`: the body is the last part that
        // is one.
        return t.elems.iter().rev().find_map(|e| response_of(sg, e, loc));
    }
    if let syn::Type::ImplTrait(_) = ty {
        return None;
    }
    let (name, args) = last(ty)?;
    let first = args.first().copied();
    match name.as_str() {
        "Json" | "MsgPack" => Some(to_ref(sg, &name.to_ascii_lowercase(), first, loc)),
        "Html" => Some(to_ref(sg, "html", None, loc)),
        "String" | "str" | "PlainText" => Some(TypeRef {
            kind: "text".into(),
            rust: type_text(ty),
            schema: json!({"type": "string"}),
        }),
        "Bytes" | "Vec"
            if name == "Bytes"
                || first.is_some_and(|t| last(t).is_some_and(|(n, _)| n == "u8")) =>
        {
            Some(to_ref(sg, "bytes", None, loc))
        }
        "Option" | "Box" | "Created" | "Accepted" | "Custom" | "Valid" | "WithStatus" => {
            args.last().and_then(|t| response_of(sg, t, loc))
        }
        n if n.ends_with("Result") => first.and_then(|t| response_of(sg, t, loc)),
        "StatusCode" | "Status" | "Redirect" | "NoContent" | "HttpResponse" | "Response"
        | "Responder" | "Html5" | "Empty" => None,
        _ => {
            // A type of the workspace that renders itself (an
            // `IntoResponse`/`Responder` impl): its serialised shape is the
            // best guess of the body, and says so with kind `body`.
            let resolved = sg.schema_of(ty, loc, &HashMap::new());
            resolved.get("$ref").is_some().then(|| TypeRef {
                kind: "body".into(),
                rust: type_text(ty),
                schema: resolved,
            })
        }
    }
}

/// Schemas of the path parameters from `Path<T>`: a tuple gives one type
/// per parameter in order, a single type the only parameter, a struct its
/// fields by name.
pub(crate) fn path_params(
    sg: &mut SchemaGen<'_>,
    names: &[String],
    path_type: Option<&syn::Type>,
    rocket_args: &[(String, syn::Type)],
    loc: &ModLoc,
) -> Vec<Param> {
    let mut types: Vec<Option<&syn::Type>> = vec![None; names.len()];
    match path_type {
        Some(syn::Type::Tuple(t)) => {
            for (i, e) in t.elems.iter().enumerate() {
                if i < types.len() {
                    types[i] = Some(e);
                }
            }
        }
        Some(t) if names.len() == 1 => types[0] = Some(t),
        _ => {}
    }
    if path_type.is_none() {
        for (i, n) in names.iter().enumerate() {
            if let Some((_, t)) = rocket_args.iter().find(|(a, _)| a == n) {
                types[i] = Some(t);
            }
        }
    }
    names
        .iter()
        .zip(types)
        .map(|(name, ty)| match ty {
            Some(t) => Param {
                name: name.clone(),
                rust: Some(type_text(t)),
                schema: sg.schema_of(t, loc, &HashMap::new()),
            },
            None => Param {
                name: name.clone(),
                rust: None,
                schema: json!({"type": "string"}),
            },
        })
        .collect()
}
