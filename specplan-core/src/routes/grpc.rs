//! tonic gRPC: the services and rpc methods of the `.proto` files the build
//! compiles, as `POST /package.Service/Method` endpoints handled by the
//! method of the `impl Service for …` block that implements them.
//!
//! The `.proto` reader is a small tokenizer and parser for what routing
//! needs: `package`, `service`, `rpc Name (stream? Req) returns (stream?
//! Resp)` with `{ option … }` bodies or `;`, comments (`//`, `/* */`) and
//! strings skipped correctly, everything else (messages, enums, options,
//! imports) stepped over by balanced braces.
//!
//! Which files: the string literals ending in `.proto` in each member's
//! `build.rs`; when a `build.rs` uses `tonic_build`/`prost_build` but names
//! no file (it globs a folder), every `.proto` file of that member.

use std::collections::BTreeSet;

use camino::Utf8PathBuf;
use serde_json::json;

use super::index::{FnRef, Index, impl_blocks, walk_modules};
use super::{Endpoint, EndpointKind, Framework, Location, TypeRef, attrs};
use crate::source::{self, Files};
use crate::workspace::Workspace;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtoFile {
    pub package: String,
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Service {
    pub name: String,
    pub line: usize,
    pub rpcs: Vec<Rpc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rpc {
    pub name: String,
    pub request: String,
    pub response: String,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str,
    Punct(char),
}

/// Tokens with their 1-based line and column.
fn tokenize(text: &str) -> Vec<(Tok, usize, usize)> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, c: char| {
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col, c);
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                {
                    let ch = chars[i];
                    advance(&mut i, &mut line, &mut col, ch);
                }
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            advance(&mut i, &mut line, &mut col, '/');
            advance(&mut i, &mut line, &mut col, '*');
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                {
                    let ch = chars[i];
                    advance(&mut i, &mut line, &mut col, ch);
                }
            }
            if i < chars.len() {
                advance(&mut i, &mut line, &mut col, '*');
                advance(&mut i, &mut line, &mut col, '/');
            }
        } else if c == '"' || c == '\'' {
            let (l, cl) = (line, col);
            advance(&mut i, &mut line, &mut col, c);
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    advance(&mut i, &mut line, &mut col, '\\');
                }
                if i < chars.len() {
                    {
                        let ch = chars[i];
                        advance(&mut i, &mut line, &mut col, ch);
                    }
                }
            }
            if i < chars.len() {
                advance(&mut i, &mut line, &mut col, c);
            }
            out.push((Tok::Str, l, cl));
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            let (l, cl) = (line, col);
            let mut s = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                s.push(chars[i]);
                {
                    let ch = chars[i];
                    advance(&mut i, &mut line, &mut col, ch);
                }
            }
            out.push((Tok::Ident(s), l, cl));
        } else {
            out.push((Tok::Punct(c), line, col));
            advance(&mut i, &mut line, &mut col, c);
        }
    }
    out
}

/// Parses the parts of a `.proto` file routing needs.
pub(crate) fn parse_proto(text: &str) -> ProtoFile {
    let toks = tokenize(text);
    let mut p = ProtoFile {
        package: String::new(),
        services: Vec::new(),
    };
    let mut i = 0;
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(s), _, _)) => Some(s.as_str()),
        _ => None,
    };
    let punct = |i: usize, c: char| matches!(toks.get(i), Some((Tok::Punct(x), _, _)) if *x == c);
    // Index after the statement or block starting at `i`.
    let skip = |mut i: usize| {
        let mut depth = 0usize;
        while i < toks.len() {
            match &toks[i].0 {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                Tok::Punct(';') if depth == 0 => return i + 1,
                _ => {}
            }
            i += 1;
        }
        i
    };
    while i < toks.len() {
        match ident(i) {
            Some("package") => {
                if let Some(name) = ident(i + 1) {
                    p.package = name.to_string();
                }
                i = skip(i);
            }
            Some("service") => {
                let Some(name) = ident(i + 1) else {
                    i = skip(i);
                    continue;
                };
                let line = toks[i].1;
                let mut svc = Service {
                    name: name.to_string(),
                    line,
                    rpcs: Vec::new(),
                };
                let mut j = i + 2;
                if !punct(j, '{') {
                    i = skip(i);
                    continue;
                }
                j += 1;
                while j < toks.len() && !punct(j, '}') {
                    if ident(j) == Some("rpc") {
                        let (line, column) = (toks[j].1, toks[j].2);
                        let name = ident(j + 1).unwrap_or("").to_string();
                        // rpc Name ( [stream] Req ) returns ( [stream] Resp )
                        let mut k = j + 2;
                        let part = |k: &mut usize| -> (bool, String) {
                            if !punct(*k, '(') {
                                return (false, String::new());
                            }
                            *k += 1;
                            let mut stream = false;
                            if ident(*k) == Some("stream") && ident(*k + 1).is_some() {
                                stream = true;
                                *k += 1;
                            }
                            let ty = ident(*k).unwrap_or("").trim_start_matches('.').to_string();
                            while *k < toks.len() && !punct(*k, ')') {
                                *k += 1;
                            }
                            *k += 1;
                            (stream, ty)
                        };
                        let (cs, req) = part(&mut k);
                        if ident(k) == Some("returns") {
                            k += 1;
                        }
                        let (ss, resp) = part(&mut k);
                        if !name.is_empty() {
                            svc.rpcs.push(Rpc {
                                name,
                                request: req,
                                response: resp,
                                client_streaming: cs,
                                server_streaming: ss,
                                line,
                                column,
                            });
                        }
                        j = skip(k);
                    } else {
                        j = skip(j);
                    }
                }
                p.services.push(svc);
                i = j + 1;
            }
            _ => i = skip(i),
        }
    }
    p
}

/// tonic's method names: the rpc name in snake case (heck's rules:
/// `GetHTTPStatus` → `get_http_status`).
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                None => false,
                Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The `.proto` files a member's `build.rs` compiles.
fn compiled_protos(ws: &Workspace, files: &Files) -> BTreeSet<Utf8PathBuf> {
    let mut out = BTreeSet::new();
    for pkg in &ws.packages {
        let build = pkg.root().join("build.rs");
        let Ok(text) = ws
            .jail
            .read_to_string(build.as_std_path(), crate::source::MAX_FILE_BYTES)
        else {
            continue;
        };
        let mut named = Vec::new();
        if let Ok(ast) = crate::source::parse_rust_text(&text) {
            struct V<'a>(&'a mut Vec<String>);
            impl<'ast> syn::visit::Visit<'ast> for V<'_> {
                fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
                    let v = s.value();
                    if v.ends_with(".proto") {
                        self.0.push(v);
                    }
                }
                fn visit_macro(&mut self, m: &'ast syn::Macro) {
                    for tt in m.tokens.clone() {
                        if let Ok(syn::Lit::Str(s)) = syn::parse2::<syn::Lit>(tt.into()) {
                            self.visit_lit_str(&s);
                        }
                    }
                }
            }
            syn::visit::Visit::visit_file(&mut V(&mut named), &ast);
        }
        let mut found = false;
        for n in &named {
            let p = pkg.root().join(n);
            if ws.jail.is_file(p.as_std_path()) {
                out.insert(p);
                found = true;
            }
        }
        let builds_protos = [
            "tonic_build",
            "tonic_prost_build",
            "prost_build",
            "protobuf_codegen",
        ]
        .iter()
        .any(|n| text.contains(n));
        if !found && builds_protos {
            for f in &files.files {
                if f.rel.ends_with(".proto") && f.abs.starts_with(pkg.root()) {
                    out.insert(f.abs.clone());
                }
            }
        }
    }
    out
}

pub(crate) fn endpoints(ix: &Index, ws: &Workspace, files: &Files) -> Vec<Endpoint> {
    let protos = compiled_protos(ws, files);
    let mut out = Vec::new();
    for abs in protos {
        let Some(walked) = files.files.iter().find(|f| f.abs == abs) else {
            continue;
        };
        let Ok(text) = source::read_text(walked) else {
            continue;
        };
        let proto = parse_proto(&text);
        for svc in &proto.services {
            let Some((imp_loc, idx)) = find_impl(ix, &svc.name) else {
                continue;
            };
            for rpc in &svc.rpcs {
                let method = snake_case(&rpc.name);
                let full = if proto.package.is_empty() {
                    format!("/{}/{}", svc.name, rpc.name)
                } else {
                    format!("/{}.{}/{}", proto.package, svc.name, rpc.name)
                };
                let f = FnRef {
                    loc: imp_loc.clone(),
                    impl_ty: impl_self(ix, &imp_loc, idx),
                    impl_idx: idx,
                    name: method.clone(),
                };
                let found = ix.with_fn(&f, |view, _| {
                    let mut ids = attrs::implements(view.attrs);
                    for id in attrs::implements(view.impl_attrs) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    (ids, crate::scan::line_col(view.sig.ident.span()).0)
                });
                let (implements, handler_location, handler) = match found {
                    Some((ids, line)) => (
                        ids,
                        Some(Location {
                            file: ix.rel(f.loc.file).to_string(),
                            line,
                        }),
                        ix.fn_display(&f),
                    ),
                    None => (Vec::new(), None, format!("{}::{method}", svc.name)),
                };
                let msg = |name: &str, streaming: bool| TypeRef {
                    kind: if streaming {
                        "protobuf-stream"
                    } else {
                        "protobuf"
                    }
                    .to_string(),
                    rust: name.rsplit('.').next().unwrap_or(name).to_string(),
                    schema: json!({"x-protobuf-message": name}),
                };
                out.push(Endpoint {
                    method: "POST".into(),
                    path: full,
                    handler,
                    file: walked.rel.clone(),
                    line: rpc.line,
                    framework: Framework::Tonic,
                    implements,
                    column: rpc.column,
                    kind: EndpointKind::Grpc,
                    handler_location,
                    params: Vec::new(),
                    query: None,
                    request: Some(msg(&rpc.request, rpc.client_streaming)),
                    response: Some(msg(&rpc.response, rpc.server_streaming)),
                    extractors: Vec::new(),
                    auth: super::Auth::unknown("the tool does not read how gRPC services authenticate (interceptors, metadata)"),
                    errors: Vec::new(),
 fallible: true,
                });
            }
        }
    }
    out
}

/// `impl <…>::Service for X` somewhere in the workspace.
fn find_impl(ix: &Index, service: &str) -> Option<(super::index::ModLoc, usize)> {
    let finder = memchr::memmem::Finder::new(service.as_bytes());
    for id in 0..ix.files.len() {
        let Some(text) = ix.text(id) else { continue };
        if finder.find(text.as_bytes()).is_none() || !text.contains("impl") {
            continue;
        }
        let Some(src) = ix.parsed(id) else { continue };
        let mut hit = None;
        walk_modules(&src.ast.items, &mut Vec::new(), &mut |inline, items| {
            if hit.is_some() {
                return;
            }
            for (idx, item) in impl_blocks(items).enumerate() {
                if let syn::Item::Impl(imp) = item
                    && let Some((tr, _)) = &imp.trait_
                    && tr.segments.last().is_some_and(|s| s.ident == service)
                {
                    let mut loc = ix.file_loc(id);
                    loc.inline = inline.to_vec();
                    hit = Some((loc, idx));
                    return;
                }
            }
        });
        if hit.is_some() {
            return hit;
        }
    }
    None
}

fn impl_self(ix: &Index, loc: &super::index::ModLoc, idx: usize) -> Option<String> {
    let src = ix.parsed(loc.file)?;
    let items = super::index::items_at(&src.ast, &loc.inline)?;
    match impl_blocks(items).nth(idx)? {
        syn::Item::Impl(imp) => super::index::type_name(&imp.self_ty),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_services_comments_and_options() {
        let p = parse_proto(
            r#"
syntax = "proto3";
// service Fake { rpc Nope (A) returns (B); }
package shop.orders.v1;
import "google/protobuf/empty.proto";
option java_package = "x.y";
/* a block comment with service Hidden { rpc X (A) returns (B); } */
message Order { string id = 1; message Inner { int32 x = 1; } }
enum Status { PENDING = 0; }
service OrderService {
  option deprecated = false;
  // Creates an order.
  rpc CreateOrder (CreateOrderRequest) returns (Order);
  rpc WatchOrders(stream .shop.orders.v1.Watch) returns (stream Order) {
    option (google.api.http) = { get: "/v1/orders/{id}" };
  }
  rpc GetHTTPStatus (google.protobuf.Empty) returns (Status) {}
}
"#,
        );
        assert_eq!(p.package, "shop.orders.v1");
        assert_eq!(p.services.len(), 1);
        let s = &p.services[0];
        assert_eq!(s.name, "OrderService");
        let names: Vec<_> = s.rpcs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["CreateOrder", "WatchOrders", "GetHTTPStatus"]);
        assert!(s.rpcs[1].client_streaming && s.rpcs[1].server_streaming);
        assert_eq!(s.rpcs[1].request, "shop.orders.v1.Watch");
        assert_eq!(s.rpcs[0].line, 13);
        assert_eq!(snake_case("GetHTTPStatus"), "get_http_status");
        assert_eq!(snake_case("SayHello"), "say_hello");
        assert_eq!(snake_case("ListV2Items"), "list_v2_items");
    }
}
