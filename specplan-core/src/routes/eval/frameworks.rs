//! The builder APIs of the frameworks: axum (and utoipa-axum), actix-web,
//! Rocket, poem and poem-openapi, loco.

use std::rc::Rc;

use proc_macro2::Span;
use syn::spanned::Spanned;

use super::*;

/// Methods that turn an API into its documentation UI or spec file.
const DOC_UI_METHODS: &[&str] = &[
    "swagger_ui",
    "swagger_ui_html",
    "rapidoc",
    "rapidoc_html",
    "redoc",
    "redoc_html",
    "openapi_explorer",
    "openapi_explorer_html",
    "stoplight_elements",
    "scalar",
    "scalar_html",
    "spec_endpoint",
    "spec_endpoint_yaml",
    "spec",
    "spec_yaml",
];

/// Services that serve files or API documentation, not API endpoints.
const STATIC_SERVICES: &[&str] = &[
    "ServeDir",
    "ServeFile",
    "Files",
    "FileServer",
    "SwaggerUi",
    "Redoc",
    "RapiDoc",
    "Scalar",
    "GraphiQL",
    "GraphiQLSource",
    "StaticFiles",
    "StaticFileEndpoint",
    "StaticFilesEndpoint",
];

impl<'i> Eval<'i> {
    pub(super) fn builtin_call(
        &self,
        fr: &mut Frame,
        segs: &[String],
        c: &syn::ExprCall,
        span: Span,
    ) -> Val {
        let last = segs.last().map(String::as_str).unwrap_or("");
        let prev = if segs.len() >= 2 {
            segs[segs.len() - 2].as_str()
        } else {
            ""
        };
        let root = segs.first().map(String::as_str).unwrap_or("");
        let nargs = c.args.len();
        let fws = &self.ix.crates[fr.loc.krate].frameworks;
        let krate_has = |f: Framework| fws.contains(&f);
        match (prev, last) {
            // An empty list that routes are appended to (Rocket's
            // `let mut routes = Vec::new(); routes.append(&mut a::routes());`).
            ("Vec", "new" | "with_capacity") => {
                let vals = self.eval_args(fr, &c.args);
                self.run_opaque(fr, &vals);
                return Val::Tuple(Vec::new());
            }
            ("Router", "new" | "default") if root != "salvo" => {
                return self.new_router(fr, Framework::Axum, RKind::Plain, None, Vec::new());
            }
            ("OpenApiRouter", "new" | "default" | "with_openapi") => {
                let vals = self.eval_args(fr, &c.args);
                self.run_opaque(fr, &vals);
                return self.new_router(fr, Framework::Axum, RKind::Plain, None, Vec::new());
            }
            ("Route", "new") if nargs == 0 => {
                return self.new_router(fr, Framework::Poem, RKind::Plain, None, Vec::new());
            }
            ("Route", "new")
                if nargs == 3 && (root == "rocket" || krate_has(Framework::Rocket)) =>
            {
                // `Route::new(Method::Get, "/path", handler)`.
                let vals = self.eval_args(fr, &c.args);
                let method = method_of_val(&vals[0]).unwrap_or_else(|| "ANY".into());
                let entries = match &vals[1] {
                    Val::Str(p) => vec![Entry::Route(Rc::new(RouteEntry {
                        path: p.clone(),
                        method,
                        handler: self.as_handler(fr, &vals[2], &c.args[2]),
                        site: self.site(fr.loc.file, c.args[1].span()),
                        fw: Framework::Rocket,
                        data: None,
                    }))],
                    _ => vec![Entry::Note(self.note(
                        fr,
                        c.args[1].span(),
                        "route path built at run time",
                    ))],
                };
                return self.new_router(fr, Framework::Rocket, RKind::Plain, None, entries);
            }
            ("App", "new") if root != "tide" => {
                return self.new_router(fr, Framework::ActixWeb, RKind::Plain, None, Vec::new());
            }
            ("web" | "actix_web", "scope") | ("Scope", "new") => {
                return self.actix_prefixed(fr, c, RKind::Plain);
            }
            ("web" | "actix_web", "resource") | ("Resource", "new") => {
                return self.actix_prefixed(fr, c, RKind::ActixResource { guard: None });
            }
            ("web" | "actix_web", m) if nargs == 0 && METHODS.contains(&m) => {
                return Val::Methods(Rc::new(vec![MethodEntry {
                    method: m.to_ascii_uppercase(),
                    handler: None,
                }]));
            }
            ("web" | "actix_web", "route") if nargs == 0 => {
                return Val::Methods(Rc::new(vec![MethodEntry {
                    method: "ANY".into(),
                    handler: None,
                }]));
            }
            ("web" | "actix_web", "method") if nargs == 1 => {
                let v = self.eval_expr(fr, &c.args[0]);
                return Val::Methods(Rc::new(vec![MethodEntry {
                    method: method_of_val(&v).unwrap_or_else(|| "ANY".into()),
                    handler: None,
                }]));
            }
            ("web" | "actix_web", "to") if nargs == 1 => {
                let v = self.eval_expr(fr, &c.args[0]);
                let h = self.as_handler(fr, &v, &c.args[0]);
                return Val::Methods(Rc::new(vec![MethodEntry {
                    method: "ANY".into(),
                    handler: Some(h),
                }]));
            }
            ("rocket" | "Rocket", "build" | "ignite" | "custom") => {
                let vals = self.eval_args(fr, &c.args);
                self.run_opaque(fr, &vals);
                return self.new_router(fr, Framework::Rocket, RKind::Plain, None, Vec::new());
            }
            ("Routes", "new") => {
                return self.new_router(fr, Framework::Loco, RKind::Plain, None, Vec::new());
            }
            ("AppRoutes", "with_default_routes") => {
                let note = self.note(
                    fr,
                    span,
                    "loco's built-in routes (`/_ping`, `/_health`, …) are served but not listed",
                );
                return self.new_router(
                    fr,
                    Framework::Loco,
                    RKind::Plain,
                    None,
                    vec![Entry::Note(note)],
                );
            }
            ("AppRoutes", "empty") => {
                return self.new_router(fr, Framework::Loco, RKind::Plain, None, Vec::new());
            }
            ("OpenApiService", "new") if nargs >= 1 => {
                return self.poem_openapi_service(fr, &c.args[0]);
            }
            ("MethodRouter", "new") => return Val::Methods(Rc::new(Vec::new())),
            _ => {}
        }
        if (root == "warp"
            || (krate_has(Framework::Warp) && segs.len() <= 2 && !krate_has(Framework::Axum)))
            && let Some(v) = self.warp_call(fr, segs, c)
        {
            return v;
        }
        // axum / poem / loco method routers: `get(handler)`.
        if nargs == 1 && METHODS.contains(&last) && root != "web" && root != "actix_web" {
            let v = self.eval_expr(fr, &c.args[0]);
            let h = self.as_handler(fr, &v, &c.args[0]);
            return Val::Methods(Rc::new(vec![MethodEntry {
                method: last.to_ascii_uppercase(),
                handler: Some(h),
            }]));
        }
        if nargs == 1 && last == "any" {
            let v = self.eval_expr(fr, &c.args[0]);
            let h = self.as_handler(fr, &v, &c.args[0]);
            return Val::Methods(Rc::new(vec![MethodEntry {
                method: "ANY".into(),
                handler: Some(h),
            }]));
        }
        if nargs == 1
            && let Some(m) = last.strip_suffix("_service")
            && (METHODS.contains(&m) || m == "any")
        {
            let h = self.service_handler(fr, &c.args[0]);
            return Val::Methods(Rc::new(vec![MethodEntry {
                method: m.to_ascii_uppercase(),
                handler: Some(h),
            }]));
        }
        if nargs == 2 && (last == "on" || last == "on_service") {
            let methods = method_filter(&c.args[0]);
            let h = if last == "on" {
                let v = self.eval_expr(fr, &c.args[1]);
                self.as_handler(fr, &v, &c.args[1])
            } else {
                self.service_handler(fr, &c.args[1])
            };
            return match methods {
                Some(ms) => Val::Methods(Rc::new(
                    ms.into_iter()
                        .map(|m| MethodEntry {
                            method: m,
                            handler: Some(h.clone()),
                        })
                        .collect(),
                )),
                None => Val::Unknown(Some(self.note(
                    fr,
                    c.args[0].span(),
                    "method filter not understood",
                ))),
            };
        }
        // Wrappers that hand their argument through.
        if nargs == 1
            && (matches!(last, "Ok" | "Some" | "identity" | "ready")
                || matches!(
                    (prev, last),
                    ("Box" | "Arc" | "Rc", "new") | ("From", "from") | ("Into", "into")
                ))
        {
            return self.eval_expr(fr, &c.args[0]);
        }
        if matches!((prev, last), ("String", "from") | ("String", "new")) {
            return match c.args.first() {
                Some(a) => self.eval_expr(fr, a),
                None => Val::Str(String::new()),
            };
        }
        // Anything else: follow closures, keep the reason.
        let vals = self.eval_args(fr, &c.args);
        self.run_opaque(fr, &vals);
        let what = segs.join("::");
        if STATIC_SERVICES.iter().any(|s| segs.iter().any(|x| x == s)) {
            return Val::Static;
        }
        // A function of a module whose file does not parse.
        if segs.len() >= 2
            && let Def::Module(m) = self.ix.resolve(&fr.loc, &segs[..segs.len() - 1])
            && self.ix.parsed(m.file).is_none()
        {
            return Val::Unknown(Some(self.note(
                fr,
                span,
                format!(
                    "`{what}` is in `{}`, which does not parse: its routes are not listed",
                    self.ix.rel(m.file)
                ),
            )));
        }
        Val::Unknown(Some(self.note(
            fr,
            span,
            format!("the call to `{what}` could not be followed (outside the workspace or not a router function)"),
        )))
    }

    pub(super) fn actix_prefixed(&self, fr: &mut Frame, c: &syn::ExprCall, kind: RKind) -> Val {
        let v = c.args.first().map(|a| self.eval_expr(fr, a));
        match v {
            Some(Val::Str(p)) => {
                self.new_router(fr, Framework::ActixWeb, kind, Some(p), Vec::new())
            }
            _ => {
                let span = c.args.first().map_or(c.span(), |a| a.span());
                let note = self.note(fr, span, "the path of this scope is built at run time");
                Val::Unknown(Some(note))
            }
        }
    }

    /// A tower service used as a handler (`get_service(ServeFile::new(…))`).
    pub(super) fn service_handler(&self, fr: &mut Frame, e: &syn::Expr) -> Handler {
        let v = self.eval_expr(fr, e);
        match v {
            Val::Handler(h) => h,
            _ => Handler {
                name: self.snippet(fr.loc.file, e.span()),
                fn_ref: None,
                site: self.site(fr.loc.file, e.span()),
            },
        }
    }

    // -----------------------------------------------------------------
    // Method calls.

    pub(super) fn routes_from_methods(
        &self,
        fr: &mut Frame,
        fw: Framework,
        path: &str,
        ms: &[MethodEntry],
        site: Site,
        span: Span,
    ) -> Vec<Entry> {
        let mut out = Vec::new();
        for me in ms {
            match &me.handler {
                Some(h) => out.push(Entry::Route(Rc::new(RouteEntry {
                    path: path.to_string(),
                    method: me.method.clone(),
                    handler: h.clone(),
                    site,
                    fw,
                    data: None,
                }))),
                None => out.push(Entry::Note(self.note(
                    fr,
                    span,
                    format!("{} route without a handler (`.to(…)` not found)", me.method),
                ))),
            }
        }
        out
    }

    pub(super) fn router_op(
        &self,
        fr: &mut Frame,
        r: Rc<Router>,
        name: &str,
        m: &syn::ExprMethodCall,
    ) -> Val {
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        let file = fr.loc.file;
        if DOC_UI_METHODS.contains(&name) {
            // poem-openapi's UIs and spec endpoints, utoipa's `SwaggerUi`…
            return Val::Static;
        }
        match (r.fw, name, args.len()) {
            // -------- routes with a path and a method router.
            (
                Framework::Axum | Framework::Poem | Framework::Loco | Framework::ActixWeb,
                "route" | "at" | "add" | "route_with_tsr",
                2,
            ) => {
                let site = self.site(file, args[0].span());
                let path = self.path_arg(fr, args[0]);
                let mr = self.eval_expr(fr, args[1]);
                let entries = match (path, mr) {
                    (Ok(p), Val::Methods(ms)) => {
                        self.routes_from_methods(fr, r.fw, &p, &ms, site, args[1].span())
                    }
                    (Ok(p), Val::Handler(h)) if r.fw == Framework::Poem => {
                        vec![Entry::Route(Rc::new(RouteEntry {
                            path: p,
                            method: "ANY".into(),
                            handler: h,
                            site,
                            fw: r.fw,
                            data: None,
                        }))]
                    }
                    (Ok(p), Val::Router(inner)) => {
                        self.absorb(fr, &Val::Router(inner.clone()));
                        vec![Entry::Nest { prefix: p, inner }]
                    }
                    (Ok(p), Val::Unknown(note)) => vec![Entry::Note(note.unwrap_or_else(|| {
                        self.note(
                            fr,
                            args[1].span(),
                            format!("the handlers of `{p}` could not be followed"),
                        )
                    }))],
                    (Ok(p), _) => vec![Entry::Note(self.note(
                        fr,
                        args[1].span(),
                        format!("the handlers of `{p}` could not be followed"),
                    ))],
                    (Err(note), mr) => {
                        let handlers = match &mr {
                            Val::Methods(ms) => ms
                                .iter()
                                .map(|me| {
                                    format!(
                                        "{} {}",
                                        me.method,
                                        me.handler.as_ref().map_or("?", |h| h.name.as_str())
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                            _ => String::new(),
                        };
                        let mut n = (*note).clone();
                        if !handlers.is_empty() {
                            n.why = format!("{} (handlers: {handlers})", n.why);
                        }
                        vec![Entry::Note(Rc::new(n))]
                    }
                };
                self.extend(fr, r, entries)
            }
            (Framework::Axum, "route_service", 2) => {
                let site = self.site(file, args[0].span());
                let path = self.path_arg(fr, args[0]);
                let v = self.eval_expr(fr, args[1]);
                let entries = match (path, v) {
                    (Ok(p), Val::Methods(ms)) => {
                        self.routes_from_methods(fr, r.fw, &p, &ms, site, args[1].span())
                    }
                    (Ok(p), Val::Router(inner)) => {
                        self.absorb(fr, &Val::Router(inner.clone()));
                        vec![Entry::Nest { prefix: p, inner }]
                    }
                    (Ok(p), v) => {
                        let h = self.as_handler(fr, &v, args[1]);
                        vec![Entry::Route(Rc::new(RouteEntry {
                            path: p,
                            method: "ANY".into(),
                            handler: h,
                            site,
                            fw: r.fw,
                            data: None,
                        }))]
                    }
                    (Err(note), _) => vec![Entry::Note(note)],
                };
                self.extend(fr, r, entries)
            }
            // -------- nesting.
            (Framework::Axum | Framework::Poem, "nest" | "nest_no_strip", 2)
            | (Framework::Rocket, "mount", 2) => {
                let mut dynamic = None;
                let prefix = self.path_arg(fr, args[0]).or_else(|note| {
                    let Some((rest, what)) = self.dynamic_prefix(fr, args[0]) else {
                        return Err(note);
                    };
                    let rest = if rest.starts_with('/') {
                        rest
                    } else {
                        format!("/{rest}")
                    };
                    dynamic = Some(self.note(
                        fr,
                        args[0].span(),
                        format!(
                            "mounted under `{what}`, a prefix known only at run time: its routes are listed under `{rest}`, without it"
                        ),
                    ));
                    Ok(rest)
                });
                let inner = self.eval_expr(fr, args[1]);
                let mut entries = match (prefix, inner) {
                    (Ok(p), Val::Router(inner)) => {
                        fr.absorbed.insert(inner.id);
                        vec![Entry::Nest { prefix: p, inner }]
                    }
                    (Ok(p), Val::Tuple(vs)) => self.tuple_to_rocket(fr, &p, vs, args[1]),
                    (Ok(p), Val::Handler(h)) if r.fw == Framework::Rocket => {
                        self.rocket_routes_of(&[h], Some(&p))
                    }
                    (Ok(p), v) => self.unfollowed_entries(
                        fr,
                        v,
                        args[1],
                        &format!("the router nested at `{p}`"),
                    ),
                    (Err(note), v) => {
                        self.absorb(fr, &v);
                        vec![Entry::Note(note)]
                    }
                };
                entries.extend(dynamic.map(Entry::Note));
                self.extend(fr, r, entries)
            }
            (Framework::Axum, "nest_service", 2) => {
                let prefix = self.path_arg(fr, args[0]);
                let inner = self.eval_expr(fr, args[1]);
                match (prefix, inner) {
                    (Ok(p), Val::Router(inner)) => {
                        fr.absorbed.insert(inner.id);
                        self.extend(fr, r, vec![Entry::Nest { prefix: p, inner }])
                    }
                    // A service (static files, a tower service): not an
                    // endpoint of the API.
                    _ => Val::Router(r),
                }
            }
            (Framework::Axum | Framework::Poem, "merge", 1) => {
                let inner = self.eval_expr(fr, args[0]);
                let entries = match inner {
                    Val::Router(inner) => {
                        fr.absorbed.insert(inner.id);
                        vec![Entry::Nest {
                            prefix: String::new(),
                            inner,
                        }]
                    }
                    v => self.unfollowed_entries(fr, v, args[0], "the merged router"),
                };
                self.extend(fr, r, entries)
            }
            // utoipa-axum.
            (Framework::Axum, "routes", 1) => {
                let inner = self.eval_expr(fr, args[0]);
                let entries = match inner {
                    Val::Router(inner) => {
                        fr.absorbed.insert(inner.id);
                        vec![Entry::Nest {
                            prefix: String::new(),
                            inner,
                        }]
                    }
                    v => self.unfollowed_entries(fr, v, args[0], "the routes"),
                };
                self.extend(fr, r, entries)
            }
            (Framework::Axum, "split_for_parts", 0) => {
                Val::Tuple(vec![Val::Router(r), Val::unit()])
            }
            (Framework::Axum, n, _) if n.starts_with("typed_") => {
                let note = self.note(
                    fr,
                    m.span(),
                    "typed routes (axum-extra `TypedPath`) are not followed",
                );
                self.extend(fr, r, vec![Entry::Note(note)])
            }
            // -------- actix-web.
            (Framework::ActixWeb, "service" | "services", 1) => {
                let v = self.eval_expr(fr, args[0]);
                let entries = self.actix_service(fr, v, args[0]);
                self.extend(fr, r, entries)
            }
            (Framework::ActixWeb, "configure", 1) => {
                let v = self.eval_expr(fr, args[0]);
                let entries = self.actix_configure(fr, v, args[0]);
                self.extend(fr, r, entries)
            }
            (Framework::ActixWeb, "guard", 1) if matches!(r.kind, RKind::ActixResource { .. }) => {
                let method = self.guard_of(fr, args[0]);
                let Some(guard) = method.as_deref().and_then(static_method) else {
                    // A guard on something else (a header, a host): the
                    // methods stay as they are.
                    return Val::Router(r);
                };
                // Routes already added for any method answer this one only.
                let entries = r
                    .entries
                    .iter()
                    .map(|e| match e {
                        Entry::Route(re) if re.method == "ANY" => {
                            Entry::Route(Rc::new(RouteEntry {
                                method: guard.to_string(),
                                ..(**re).clone()
                            }))
                        }
                        other => other.clone(),
                    })
                    .collect();
                fr.absorbed.insert(r.id);
                self.new_router(
                    fr,
                    r.fw,
                    RKind::ActixResource { guard: Some(guard) },
                    r.prefix.clone(),
                    entries,
                )
            }
            (Framework::ActixWeb, "route", 1) if matches!(r.kind, RKind::ActixResource { .. }) => {
                let v = self.eval_expr(fr, args[0]);
                let site = self.site(file, m.method.span());
                let guard = match r.kind {
                    RKind::ActixResource { guard } => guard,
                    RKind::Plain => None,
                };
                let entries = match v {
                    Val::Methods(ms) => {
                        let ms = match guard {
                            Some(g) => narrowed(&ms, g),
                            None => ms,
                        };
                        self.routes_from_methods(fr, r.fw, "", &ms, site, args[0].span())
                    }
                    v => self.unfollowed_entries(fr, v, args[0], "the resource's route"),
                };
                self.extend(fr, r, entries)
            }
            (Framework::ActixWeb, "to" | "to_async", 1)
                if matches!(r.kind, RKind::ActixResource { .. }) =>
            {
                let v = self.eval_expr(fr, args[0]);
                let h = self.as_handler(fr, &v, args[0]);
                let site = self.site(file, m.method.span());
                let method = match r.kind {
                    RKind::ActixResource { guard: Some(g) } => g,
                    _ => "ANY",
                };
                let entries = vec![Entry::Route(Rc::new(RouteEntry {
                    path: String::new(),
                    method: method.into(),
                    handler: h,
                    site,
                    fw: r.fw,
                    data: None,
                }))];
                self.extend(fr, r, entries)
            }
            (Framework::ActixWeb, meth, 1)
                if matches!(r.kind, RKind::ActixResource { .. }) && METHODS.contains(&meth) =>
            {
                let v = self.eval_expr(fr, args[0]);
                let h = self.as_handler(fr, &v, args[0]);
                let site = self.site(file, m.method.span());
                let entries = vec![Entry::Route(Rc::new(RouteEntry {
                    path: String::new(),
                    method: meth.to_ascii_uppercase(),
                    handler: h,
                    site,
                    fw: r.fw,
                    data: None,
                }))];
                self.extend(fr, r, entries)
            }
            (Framework::ActixWeb, "default_service", _) => {
                self.eval_args(fr, &m.args);
                Val::Router(r)
            }
            // -------- loco.
            (Framework::Loco, "prefix", 1) => {
                let p = self.path_arg(fr, args[0]);
                match p {
                    Ok(p) => {
                        fr.absorbed.insert(r.id);
                        self.new_router(fr, r.fw, r.kind, Some(p), r.entries.clone())
                    }
                    Err(note) => self.extend(fr, r, vec![Entry::Note(note)]),
                }
            }
            (Framework::Loco, "add_route" | "add_routes", 1) => {
                let v = self.eval_expr(fr, args[0]);
                let entries = match v {
                    Val::Router(inner) => {
                        fr.absorbed.insert(inner.id);
                        vec![Entry::Nest {
                            prefix: String::new(),
                            inner,
                        }]
                    }
                    Val::Tuple(vs) => vs
                        .into_iter()
                        .map(|v| match v {
                            Val::Router(inner) => {
                                fr.absorbed.insert(inner.id);
                                vec![Entry::Nest {
                                    prefix: String::new(),
                                    inner,
                                }]
                            }
                            v => self.unfollowed_entries(fr, v, args[0], "the controller's routes"),
                        })
                        .flat_map(|e| e.into_iter())
                        .collect(),
                    v => self.unfollowed_entries(fr, v, args[0], "the controller's routes"),
                };
                self.extend(fr, r, entries)
            }
            // -------- middleware.
            (Framework::Axum, "layer" | "route_layer", 1)
            | (Framework::ActixWeb, "wrap" | "wrap_fn", 1)
            | (Framework::Poem, "with", 1) => {
                let vals = self.eval_args(fr, &m.args);
                self.run_opaque(fr, &vals);
                let layer = self.layer_of(fr, args[0], r.fw == Framework::ActixWeb);
                self.extend(fr, r, vec![Entry::Layer(layer)])
            }
            // -------- anything else keeps the router (layers, state, data,
            // fallbacks, `into_make_service`, `launch`, …).
            _ => {
                let vals = self.eval_args(fr, &m.args);
                self.run_opaque(fr, &vals);
                Val::Router(r)
            }
        }
    }

    pub(super) fn tuple_to_rocket(
        &self,
        fr: &mut Frame,
        prefix: &str,
        vs: Vec<Val>,
        e: &syn::Expr,
    ) -> Vec<Entry> {
        let mut entries = Vec::new();
        for v in vs {
            match v {
                Val::Router(inner) => {
                    fr.absorbed.insert(inner.id);
                    entries.push(Entry::Nest {
                        prefix: prefix.to_string(),
                        inner,
                    });
                }
                v => entries.extend(self.unfollowed_entries(fr, v, e, "a mounted route")),
            }
        }
        entries
    }

    pub(super) fn methods_op(
        &self,
        fr: &mut Frame,
        ms: Rc<Vec<MethodEntry>>,
        name: &str,
        m: &syn::ExprMethodCall,
    ) -> Val {
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        if args.len() == 1 && METHODS.contains(&name) {
            let v = self.eval_expr(fr, args[0]);
            let h = self.as_handler(fr, &v, args[0]);
            let mut all = (*ms).clone();
            all.push(MethodEntry {
                method: name.to_ascii_uppercase(),
                handler: Some(h),
            });
            return Val::Methods(Rc::new(all));
        }
        if args.len() == 1
            && let Some(meth) = name.strip_suffix("_service")
            && METHODS.contains(&meth)
        {
            let h = self.service_handler(fr, args[0]);
            let mut all = (*ms).clone();
            all.push(MethodEntry {
                method: meth.to_ascii_uppercase(),
                handler: Some(h),
            });
            return Val::Methods(Rc::new(all));
        }
        match (name, args.len()) {
            ("on" | "on_service", 2) => {
                let Some(methods) = method_filter(args[0]) else {
                    return Val::Methods(ms);
                };
                let v = self.eval_expr(fr, args[1]);
                let h = self.as_handler(fr, &v, args[1]);
                let mut all = (*ms).clone();
                all.extend(methods.into_iter().map(|m| MethodEntry {
                    method: m,
                    handler: Some(h.clone()),
                }));
                Val::Methods(Rc::new(all))
            }
            // actix `web::get().to(handler)`.
            ("to" | "to_async", 1) => {
                let v = self.eval_expr(fr, args[0]);
                let h = self.as_handler(fr, &v, args[0]);
                Val::Methods(Rc::new(
                    ms.iter()
                        .map(|me| MethodEntry {
                            method: me.method.clone(),
                            handler: me.handler.clone().or_else(|| Some(h.clone())),
                        })
                        .collect(),
                ))
            }
            ("guard" | "method", 1) => match self.guard_of(fr, args[0]) {
                Some(method) => Val::Methods(narrowed(&ms, &method)),
                None => Val::Methods(ms),
            },
            _ => {
                self.eval_args(fr, &m.args);
                Val::Methods(ms)
            }
        }
    }

    // -----------------------------------------------------------------
    // actix-web.

    /// The method a guard expression names (`guard::Post()`,
    /// `guard::Method(Method::GET)`, a value that is a method), if any.
    fn guard_of(&self, fr: &mut Frame, e: &syn::Expr) -> Option<String> {
        guard_method(e).or_else(|| {
            let v = self.eval_expr(fr, e);
            method_of_val(&v)
        })
    }

    pub(super) fn actix_service(&self, fr: &mut Frame, v: Val, e: &syn::Expr) -> Vec<Entry> {
        match v {
            Val::Router(inner) => {
                fr.absorbed.insert(inner.id);
                vec![Entry::Nest {
                    prefix: String::new(),
                    inner,
                }]
            }
            Val::Tuple(vs) => vs
                .into_iter()
                .flat_map(|v| self.actix_service(fr, v, e))
                .collect(),
            Val::Handler(h) => {
                let routes = h
                    .fn_ref
                    .as_ref()
                    .and_then(|f| self.ix.with_fn(f, |v, _| attrs::route_attrs(v.attrs)))
                    .unwrap_or_default();
                if routes.is_empty() {
                    return vec![Entry::Note(self.note(
                        fr,
                        e.span(),
                        format!("`{}` has no route attribute (`#[get(\"…\")]`…) the extractor could read", h.name),
                    ))];
                }
                let file = h.fn_ref.as_ref().map_or(fr.loc.file, |f| f.loc.file);
                routes
                    .into_iter()
                    .flat_map(|ar| {
                        let site = self.site(file, ar.span);
                        let h = h.clone();
                        ar.methods.into_iter().map(move |method| {
                            Entry::Route(Rc::new(RouteEntry {
                                path: ar.path.clone(),
                                method,
                                handler: h.clone(),
                                site,
                                fw: Framework::ActixWeb,
                                data: None,
                            }))
                        })
                    })
                    .collect()
            }
            v => self.unfollowed_entries(fr, v, e, "the service"),
        }
    }

    pub(super) fn actix_configure(&self, fr: &mut Frame, v: Val, e: &syn::Expr) -> Vec<Entry> {
        match v {
            Val::Handler(Handler {
                fn_ref: Some(f), ..
            }) => {
                let cfg =
                    self.new_router_rc(fr, Framework::ActixWeb, RKind::Plain, None, Vec::new());
                fr.absorbed.insert(cfg.id);
                let site = self.site(fr.loc.file, e.span());
                let out = self.call_fn(
                    &f,
                    vec![Val::Router(cfg)],
                    Some((site, self.snippet(fr.loc.file, e.span()))),
                );
                self.consumed.borrow_mut().insert(f.clone());
                match out.params.first() {
                    Some(Val::Router(inner)) => vec![Entry::Nest {
                        prefix: String::new(),
                        inner: inner.clone(),
                    }],
                    _ => match &out.value {
                        Val::Unknown(Some(n)) => vec![Entry::Note(n.clone())],
                        _ => vec![Entry::Note(self.note(
                            fr,
                            e.span(),
                            "the configuration function could not be followed",
                        ))],
                    },
                }
            }
            Val::Closure(c) => {
                let cfg = self.new_router(fr, Framework::ActixWeb, RKind::Plain, None, Vec::new());
                self.absorb(fr, &cfg);
                let param = c
                    .inputs
                    .first()
                    .map(pat_names)
                    .and_then(|n| n.into_iter().next());
                self.run_closure(fr, &c, vec![cfg]);
                match param.and_then(|p| fr.locals.get(&p).cloned()) {
                    Some(Val::Router(inner)) => {
                        fr.absorbed.insert(inner.id);
                        vec![Entry::Nest {
                            prefix: String::new(),
                            inner,
                        }]
                    }
                    _ => vec![Entry::Note(self.note(
                        fr,
                        e.span(),
                        "the configuration closure could not be followed",
                    ))],
                }
            }
            v => self.unfollowed_entries(fr, v, e, "the configuration function"),
        }
    }

    // -----------------------------------------------------------------
    // Rocket and utoipa `routes!`.

    pub(super) fn rocket_routes_of(&self, hs: &[Handler], mount: Option<&str>) -> Vec<Entry> {
        let mut entries = Vec::new();
        for h in hs {
            let Some(f) = &h.fn_ref else {
                entries.push(Entry::Note(Rc::new(Note {
                    site: h.site,
                    what: h.name.clone(),
                    why: "route function outside the workspace or not found".into(),
                })));
                continue;
            };
            let (rocket, utoipa) = self
                .ix
                .with_fn(f, |v, _| {
                    (attrs::route_attrs(v.attrs), attrs::utoipa_path(v.attrs))
                })
                .unwrap_or_default();
            let (fw, routes) = if !rocket.is_empty() {
                (Framework::Rocket, rocket)
            } else if let Some(u) = utoipa {
                (Framework::Axum, vec![u])
            } else {
                entries.push(Entry::Note(Rc::new(Note {
                    site: h.site,
                    what: h.name.clone(),
                    why: "no route attribute (`#[get(\"…\")]`, `#[utoipa::path(…)]`) on this function".into(),
                })));
                continue;
            };
            for ar in routes {
                let site = self.site(f.loc.file, ar.span);
                for method in ar.methods {
                    entries.push(Entry::Route(Rc::new(RouteEntry {
                        path: if fw == Framework::Axum && ar.path.is_empty() {
                            "/".to_string()
                        } else {
                            ar.path.clone()
                        },
                        method,
                        handler: h.clone(),
                        site,
                        fw,
                        data: ar.data.clone(),
                    })));
                }
            }
        }
        match mount {
            Some(p) => {
                let inner = Rc::new(Router {
                    id: self.id(),
                    fw: Framework::Rocket,
                    kind: RKind::Plain,
                    prefix: None,
                    entries,
                });
                vec![Entry::Nest {
                    prefix: p.to_string(),
                    inner,
                }]
            }
            None => entries,
        }
    }

    pub(super) fn macro_handlers(&self, fr: &mut Frame, mac: &syn::Macro) -> Option<Vec<Handler>> {
        let exprs = scan::macro_args(mac)?;
        Some(
            exprs
                .iter()
                .map(|e| {
                    let v = self.eval_expr(fr, e);
                    self.as_handler(fr, &v, e)
                })
                .collect(),
        )
    }

    // -----------------------------------------------------------------
    // poem-openapi.

    pub(super) fn poem_openapi_service(&self, fr: &mut Frame, api: &syn::Expr) -> Val {
        let mut types = Vec::new();
        self.api_types(fr, api, &mut types);
        let mut entries = Vec::new();
        for ty in &types {
            for (loc, idx) in self
                .ix
                .impls_of(ty.loc.krate, &ty.name, Some(ty.loc.file))
                .iter()
            {
                let Some(src) = self.ix.parsed(loc.file) else {
                    continue;
                };
                let Some(items) = items_at(&src.ast, &loc.inline) else {
                    continue;
                };
                let Some(syn::Item::Impl(imp)) = impl_blocks(items).nth(*idx) else {
                    continue;
                };
                if !attrs::has_attr(&imp.attrs, "OpenApi") {
                    continue;
                }
                let prefix = attrs::attr_str_arg(&imp.attrs, "OpenApi", "prefix_path");
                let mut routes = Vec::new();
                for item in &imp.items {
                    let syn::ImplItem::Fn(func) = item else {
                        continue;
                    };
                    let Some(ar) = attrs::oai_route(&func.attrs) else {
                        continue;
                    };
                    let f = FnRef {
                        loc: loc.clone(),
                        impl_ty: Some(ty.name.clone()),
                        impl_idx: *idx,
                        name: func.sig.ident.to_string(),
                    };
                    let site = self.site(loc.file, ar.span);
                    let h = Handler {
                        name: self.ix.fn_display(&f),
                        fn_ref: Some(f),
                        site: self.site(loc.file, func.sig.ident.span()),
                    };
                    for method in ar.methods {
                        routes.push(Entry::Route(Rc::new(RouteEntry {
                            path: ar.path.clone(),
                            method,
                            handler: h.clone(),
                            site,
                            fw: Framework::PoemOpenapi,
                            data: None,
                        })));
                    }
                }
                let inner = Rc::new(Router {
                    id: self.id(),
                    fw: Framework::PoemOpenapi,
                    kind: RKind::Plain,
                    prefix,
                    entries: routes,
                });
                entries.push(Entry::Nest {
                    prefix: String::new(),
                    inner,
                });
            }
        }
        if types.is_empty() {
            entries.push(Entry::Note(self.note(
                fr,
                api.span(),
                "the API type of this `OpenApiService` could not be followed",
            )));
        }
        self.new_router(fr, Framework::Poem, RKind::Plain, None, entries)
    }

    pub(super) fn api_types(&self, fr: &mut Frame, e: &syn::Expr, out: &mut Vec<ItemRef>) {
        match strip(e) {
            syn::Expr::Tuple(t) => t.elems.iter().for_each(|e| self.api_types(fr, e, out)),
            syn::Expr::Path(p) => {
                if let Def::Type(t) = self.resolve(fr, &p.path) {
                    out.push(t);
                } else if let Some(Val::Ty(t)) = p
                    .path
                    .get_ident()
                    .and_then(|i| fr.locals.get(&i.to_string()).cloned())
                {
                    out.push(t);
                }
            }
            syn::Expr::Struct(s) => {
                if let Def::Type(t) = self.resolve(fr, &s.path) {
                    out.push(t);
                }
            }
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = strip(&c.func) {
                    let mut path = p.path.clone();
                    // `Api::new(…)` → `Api`; `Api(…)` → `Api`.
                    if let Def::Type(t) = self.resolve(fr, &path) {
                        out.push(t);
                        return;
                    }
                    if path.segments.len() > 1 {
                        path.segments.pop();
                        let path_t = syn::Path {
                            leading_colon: path.leading_colon,
                            segments: path.segments.iter().cloned().collect(),
                        };
                        if let Def::Type(t) = self.resolve(fr, &path_t) {
                            out.push(t);
                        }
                    }
                }
            }
            syn::Expr::MethodCall(m) => self.api_types(fr, &m.receiver, out),
            _ => {}
        }
    }

    // -----------------------------------------------------------------
    // Macros.
}

/// `Method::GET`, `http::Method::POST`, `Method::Get` (Rocket) → `GET`.
pub(super) fn method_of_val(v: &Val) -> Option<String> {
    let Val::Path(p) = v else { return None };
    let last = p.last()?.to_ascii_uppercase();
    METHODS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&last))
        .then_some(last)
}

/// actix `guard::Get()` / `guard::Method(Method::GET)`.
/// The entries with `method` in place of `ANY`: what a method guard leaves.
fn narrowed(ms: &[MethodEntry], method: &str) -> Rc<Vec<MethodEntry>> {
    Rc::new(
        ms.iter()
            .map(|me| MethodEntry {
                method: if me.method == "ANY" {
                    method.to_string()
                } else {
                    me.method.clone()
                },
                handler: me.handler.clone(),
            })
            .collect(),
    )
}

/// The method a guard names, as a `'static` upper-case name.
fn static_method(m: &str) -> Option<&'static str> {
    const UPPER: [&str; 9] = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
    ];
    UPPER.into_iter().find(|u| u.eq_ignore_ascii_case(m))
}

pub(super) fn guard_method(e: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(c) = strip(e) else {
        return None;
    };
    let syn::Expr::Path(p) = strip(&c.func) else {
        return None;
    };
    let last = p.path.segments.last()?.ident.to_string();
    if METHODS.iter().any(|m| m.eq_ignore_ascii_case(&last)) {
        return Some(last.to_ascii_uppercase());
    }
    if last == "Method"
        && let Some(syn::Expr::Path(a)) = c.args.first()
    {
        let m = a
            .path
            .segments
            .last()?
            .ident
            .to_string()
            .to_ascii_uppercase();
        return METHODS
            .iter()
            .any(|x| x.eq_ignore_ascii_case(&m))
            .then_some(m);
    }
    None
}

/// axum `MethodFilter::GET`, `MethodFilter::GET.or(MethodFilter::POST)`,
/// `MethodFilter::GET | MethodFilter::POST` (0.6).
pub(super) fn method_filter(e: &syn::Expr) -> Option<Vec<String>> {
    match strip(e) {
        syn::Expr::Path(p) => {
            let last = p
                .path
                .segments
                .last()?
                .ident
                .to_string()
                .to_ascii_uppercase();
            METHODS
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&last))
                .then(|| vec![last])
        }
        syn::Expr::MethodCall(m) if m.method == "or" && m.args.len() == 1 => {
            let mut a = method_filter(&m.receiver)?;
            a.extend(method_filter(&m.args[0])?);
            a.dedup();
            Some(a)
        }
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::BitOr(_)) => {
            let mut a = method_filter(&b.left)?;
            a.extend(method_filter(&b.right)?);
            a.dedup();
            Some(a)
        }
        _ => None,
    }
}
