//! GraphQL root fields (async-graphql, juniper) with their resolvers.
//!
//! The schema's root types come from `Schema::build(Q, M, S)` /
//! `Schema::new(…)` (async-graphql), `RootNode::new(…)` (juniper), or a type
//! alias `Schema<Q, M, S>` / `RootNode<'_, Q, M, S>`. Each root's fields are
//! the methods of its `#[Object]` / `#[Subscription]` / `#[graphql_object]`
//! / `#[graphql_subscription]` impl blocks (`#[graphql(skip)]` excluded,
//! `#[graphql(name = "…")]` honoured, camelCase by default), through
//! `#[derive(MergedObject)]` tuple structs. The HTTP endpoint that serves
//! the schema is an ordinary route and is found with the routers.

use std::collections::HashSet;

use serde_json::json;

use super::eval::pat_names;
use super::index::{Def, FnRef, Index, ItemRef, ModLoc, impl_blocks, items_at, walk_modules};
use super::schema::{SchemaGen, rename, type_text};
use super::{Endpoint, EndpointKind, Framework, Location, TypeRef, attrs};
use crate::scan::Prefilter;

const OPS: [&str; 3] = ["QUERY", "MUTATION", "SUBSCRIPTION"];

pub(crate) fn endpoints(ix: &Index, sg: &mut SchemaGen<'_>) -> Vec<Endpoint> {
    let filter = Prefilter::new(&["Schema", "RootNode"]);
    let mut roots: Vec<(usize, Framework, ItemRef)> = Vec::new();
    for file in ix.matching(&filter) {
        let Some(src) = ix.parsed(file) else { continue };
        let base = ix.file_loc(file);
        let mut found: Vec<(ModLoc, Framework, Vec<syn::Path>)> = Vec::new();
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
            let mut loc = base.clone();
            loc.inline = inline.to_vec();
            for item in items {
                if let syn::Item::Type(t) = item
                    && let Some((fw, paths)) = alias_roots(&t.ty)
                {
                    found.push((loc.clone(), fw, paths));
                }
            }
            struct V<'a> {
                out: &'a mut Vec<(ModLoc, Framework, Vec<syn::Path>)>,
                loc: &'a ModLoc,
            }
            impl<'ast> syn::visit::Visit<'ast> for V<'_> {
                fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}
                fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                    if let syn::Expr::Path(p) = &*c.func {
                        let segs: Vec<String> = p
                            .path
                            .segments
                            .iter()
                            .map(|s| s.ident.to_string())
                            .collect();
                        let n = segs.len();
                        let fw = match segs.get(n.wrapping_sub(2)).map(String::as_str) {
                            Some("Schema") if matches!(segs[n - 1].as_str(), "build" | "new") => {
                                Some(Framework::AsyncGraphql)
                            }
                            Some("RootNode") if segs[n - 1] == "new" => Some(Framework::Juniper),
                            _ => None,
                        };
                        if let Some(fw) = fw
                            && c.args.len() == 3
                        {
                            let paths = c
                                .args
                                .iter()
                                .map(|a| expr_type_path(a).unwrap_or_else(empty_path))
                                .collect();
                            self.out.push((self.loc.clone(), fw, paths));
                        }
                    }
                    syn::visit::visit_expr_call(self, c);
                }
            }
            for item in items {
                if matches!(item, syn::Item::Mod(_)) {
                    continue;
                }
                syn::visit::Visit::visit_item(
                    &mut V {
                        out: &mut found,
                        loc: &loc,
                    },
                    item,
                );
            }
        });
        for (loc, fw, paths) in found {
            for (i, p) in paths.iter().enumerate() {
                if p.segments.is_empty() {
                    continue;
                }
                let name = p
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if name.starts_with("Empty") {
                    continue;
                }
                let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
                if let Def::Type(t) = ix.resolve(&loc, &segs) {
                    roots.push((i, fw, t));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (op, fw, root) in roots {
        if !seen.insert((op, root.clone())) {
            continue;
        }
        fields(ix, sg, op, fw, &root, &mut out, 0);
    }
    out
}

fn empty_path() -> syn::Path {
    syn::Path {
        leading_colon: None,
        segments: syn::punctuated::Punctuated::new(),
    }
}

/// `Schema<Q, M, S>` or `RootNode<'static, Q, M, S>`.
fn alias_roots(ty: &syn::Type) -> Option<(Framework, Vec<syn::Path>)> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let fw = match seg.ident.to_string().as_str() {
        "Schema" => Framework::AsyncGraphql,
        "RootNode" => Framework::Juniper,
        _ => return None,
    };
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    let paths: Vec<syn::Path> = a
        .args
        .iter()
        .filter_map(|g| match g {
            syn::GenericArgument::Type(syn::Type::Path(tp)) => Some(tp.path.clone()),
            _ => None,
        })
        .collect();
    (paths.len() == 3).then_some((fw, paths))
}

/// The type an expression builds: `Query`, `Query::default()`,
/// `Query { … }`, `Query(…)`, `Query::new(…)`.
fn expr_type_path(e: &syn::Expr) -> Option<syn::Path> {
    match e {
        syn::Expr::Path(p) => Some(p.path.clone()),
        syn::Expr::Struct(s) => Some(s.path.clone()),
        syn::Expr::Paren(p) => expr_type_path(&p.expr),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let mut path = p.path.clone();
            let last = path.segments.last()?.ident.to_string();
            if last.chars().next().is_some_and(char::is_lowercase) && path.segments.len() > 1 {
                path.segments.pop();
                let segs: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> =
                    path.segments.iter().cloned().collect();
                path.segments = segs;
            }
            Some(path)
        }
        _ => None,
    }
}

fn fields(
    ix: &Index,
    sg: &mut SchemaGen<'_>,
    op: usize,
    fw: Framework,
    root: &ItemRef,
    out: &mut Vec<Endpoint>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    // `#[derive(MergedObject)] struct Query(A, B);`
    let merged = ix
        .with_item(root, |item, _| match item {
            syn::Item::Struct(s)
                if s.attrs.iter().any(|a| {
                    a.path().is_ident("derive")
                        && a.meta.require_list().is_ok_and(|l| {
                            let t = l.tokens.to_string();
                            t.contains("MergedObject") || t.contains("MergedSubscription")
                        })
                }) =>
            {
                s.fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        syn::Type::Path(p) => Some(
                            p.path
                                .segments
                                .iter()
                                .map(|s| s.ident.to_string())
                                .collect(),
                        ),
                        _ => None,
                    })
                    .collect::<Vec<Vec<String>>>()
            }
            _ => Vec::new(),
        })
        .unwrap_or_default();
    for segs in merged {
        if let Def::Type(t) = ix.resolve(&root.loc, &segs) {
            fields(ix, sg, op, fw, &t, out, depth + 1);
        }
    }
    for (loc, idx) in ix
        .impls_of(root.loc.krate, &root.name, Some(root.loc.file))
        .iter()
    {
        let Some(src) = ix.parsed(loc.file) else {
            continue;
        };
        let Some(items) = items_at(&src.ast, &loc.inline) else {
            continue;
        };
        let Some(syn::Item::Impl(imp)) = impl_blocks(items).nth(*idx) else {
            continue;
        };
        let is_root = [
            "Object",
            "Subscription",
            "graphql_object",
            "graphql_subscription",
        ]
        .iter()
        .any(|n| attrs::has_attr(&imp.attrs, n));
        if !is_root || imp.trait_.is_some() {
            continue;
        }
        let rename_fields = attrs::attr_str_arg(&imp.attrs, "Object", "rename_fields");
        for it in &imp.items {
            let syn::ImplItem::Fn(func) = it else {
                continue;
            };
            let graphql_attrs: Vec<&syn::Attribute> = func
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("graphql"))
                .collect();
            let skip = graphql_attrs.iter().any(|a| {
                a.meta.require_list().is_ok_and(|l| {
                    l.tokens
                        .clone()
                        .into_iter()
                        .any(|t| t.to_string() == "skip" || t.to_string() == "ignore")
                })
            });
            if skip {
                continue;
            }
            // juniper exposes every method; async-graphql only those with a
            // `&self` receiver (the rest are helpers).
            let has_self = matches!(func.sig.inputs.first(), Some(syn::FnArg::Receiver(_)));
            if fw == Framework::AsyncGraphql && !has_self {
                continue;
            }
            let ident = func.sig.ident.to_string();
            let name = attrs::attr_str_arg(&func.attrs, "graphql", "name")
                .unwrap_or_else(|| rename(rename_fields.as_deref().unwrap_or("camelCase"), &ident));
            let f = FnRef {
                loc: loc.clone(),
                impl_ty: Some(root.name.clone()),
                impl_idx: *idx,
                name: ident.clone(),
            };
            let (line, column) = crate::scan::line_col(func.sig.ident.span());
            let mut implements = attrs::implements(&func.attrs);
            for id in attrs::implements(&imp.attrs) {
                if !implements.contains(&id) {
                    implements.push(id);
                }
            }
            let response = match &func.sig.output {
                syn::ReturnType::Type(_, ty) => Some(TypeRef {
                    kind: "graphql".into(),
                    rust: type_text(ty),
                    schema: sg.schema_of(ty, loc, &Default::default()),
                }),
                syn::ReturnType::Default => None,
            };
            let args: Vec<String> = func
                .sig
                .inputs
                .iter()
                .filter_map(|i| match i {
                    syn::FnArg::Typed(pt) => {
                        let t = type_text(&pt.ty);
                        (!t.contains("Context") && !t.contains("Executor"))
                            .then(|| format!("{}: {t}", pat_names(&pt.pat).join(", ")))
                    }
                    _ => None,
                })
                .collect();
            out.push(Endpoint {
                method: OPS[op.min(2)].to_string(),
                path: name,
                handler: ix.fn_display(&f),
                file: ix.rel(loc.file).to_string(),
                line,
                framework: fw,
                implements,
                column,
                kind: EndpointKind::Graphql,
                handler_location: Some(Location {
                    file: ix.rel(loc.file).to_string(),
                    line,
                }),
                params: Vec::new(),
                query: None,
                request: (!args.is_empty()).then(|| TypeRef {
                    kind: "graphql-arguments".into(),
                    rust: args.join(", "),
                    schema: json!({}),
                }),
                response,
                extractors: Vec::new(),
                auth: super::Auth::unknown(
                    "the tool does not read how GraphQL fields authenticate (guards, context data)",
                ),
                errors: Vec::new(),
                fallible: true,
            });
        }
    }
}
