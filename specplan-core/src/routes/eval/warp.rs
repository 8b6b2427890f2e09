//! warp, best effort: filters composed with `path!`, `path()`, `and`,
//! `or`, method filters and `map`/`and_then` handlers. Path parameters take
//! the names of the handler's arguments (warp's own are unnamed).

use std::rc::Rc;

use syn::spanned::Spanned;

use super::*;

impl<'i> Eval<'i> {
    pub(super) fn filter(alts: Vec<Alt>) -> Val {
        Val::Filter(Rc::new(Filter { alts }))
    }

    /// An extracting filter with no path (`warp::body::json()`,
    /// `warp::query()`, a `with_db` helper).
    pub(super) fn extractor() -> Val {
        Self::filter(vec![Alt {
            extracts: vec![None],
            ..Alt::default()
        }])
    }

    pub(super) fn warp_call(
        &self,
        fr: &mut Frame,
        segs: &[String],
        c: &syn::ExprCall,
    ) -> Option<Val> {
        let last = segs.last()?.as_str();
        let prev = if segs.len() >= 2 {
            segs[segs.len() - 2].as_str()
        } else {
            ""
        };
        let site = Some(self.site(fr.loc.file, c.span()));
        let v = match (prev, last) {
            ("warp" | "filters" | "", "serve") => {
                if let Some(a) = c.args.first() {
                    match self.eval_expr(fr, a) {
                        Val::Filter(f) => self.warp_served.borrow_mut().push(f),
                        Val::Unknown(Some(n)) => {
                            self.warp_served.borrow_mut().push(Rc::new(Filter {
                                alts: vec![Alt {
                                    notes: vec![n],
                                    ..Alt::default()
                                }],
                            }))
                        }
                        _ => {}
                    }
                }
                return Some(Val::unit());
            }
            ("path", "end") => Self::filter(vec![Alt {
                site,
                ..Alt::default()
            }]),
            ("path", "param") => Self::filter(vec![Alt {
                segs: vec!["{param}".into()],
                extracts: vec![Some(0)],
                site,
                ..Alt::default()
            }]),
            ("path", "tail") => Self::filter(vec![Alt {
                segs: vec!["{*tail}".into()],
                extracts: vec![Some(0)],
                site,
                ..Alt::default()
            }]),
            ("path", "full" | "peek") => Self::extractor(),
            ("warp" | "filters", "path") | ("path", "path") => {
                let p = c.args.first().map(|a| self.eval_expr(fr, a));
                match p {
                    Some(Val::Str(s)) => Self::filter(vec![Alt {
                        segs: s
                            .split('/')
                            .filter(|x| !x.is_empty())
                            .map(String::from)
                            .collect(),
                        site,
                        ..Alt::default()
                    }]),
                    _ => Self::filter(vec![Alt {
                        notes: vec![self.note(
                            fr,
                            c.span(),
                            "path segment built at run time: the routes below it are not listed",
                        )],
                        site,
                        ..Alt::default()
                    }]),
                }
            }
            (_, m) if METHODS.contains(&m) && c.args.is_empty() => Self::filter(vec![Alt {
                methods: vec![m.to_ascii_uppercase()],
                site,
                ..Alt::default()
            }]),
            ("warp" | "filters" | "", "any") => Self::filter(vec![Alt::default()]),
            ("warp" | "filters", "method") => Self::extractor(),
            (
                "body" | "query" | "header" | "cookie" | "addr" | "ws" | "multipart" | "sse"
                | "host",
                _,
            )
            | ("warp" | "filters", "query" | "header" | "cookie" | "ws" | "multipart") => {
                self.eval_args(fr, &c.args);
                if matches!(last, "content_length_limit" | "exact" | "optional_exact") {
                    Self::filter(vec![Alt::default()])
                } else {
                    Self::extractor()
                }
            }
            ("warp", _) | ("log" | "reply" | "cors" | "filters", _) => {
                self.eval_args(fr, &c.args);
                Self::filter(vec![Alt::default()])
            }
            _ => return None,
        };
        Some(v)
    }

    pub(super) fn warp_path_macro(&self, fr: &mut Frame, mac: &syn::Macro) -> Val {
        let site = Some(self.site(fr.loc.file, mac.path.span()));
        let mut segs = Vec::new();
        let mut extracts = Vec::new();
        let mut cur = Vec::new();
        let mut parts: Vec<Vec<proc_macro2::TokenTree>> = Vec::new();
        for tt in mac.tokens.clone() {
            match &tt {
                proc_macro2::TokenTree::Punct(p) if p.as_char() == '/' => {
                    parts.push(std::mem::take(&mut cur))
                }
                _ => cur.push(tt),
            }
        }
        parts.push(cur);
        for p in parts {
            let ts: proc_macro2::TokenStream = p.into_iter().collect();
            let text = ts.to_string();
            if text.trim() == ".." || text.trim().is_empty() {
                continue;
            }
            match syn::parse2::<syn::Lit>(ts.clone()) {
                Ok(syn::Lit::Str(s)) => segs.extend(
                    s.value()
                        .split('/')
                        .filter(|x| !x.is_empty())
                        .map(String::from),
                ),
                _ => {
                    extracts.push(Some(segs.len()));
                    segs.push(format!("{{param{}}}", extracts.len()));
                }
            }
        }
        Self::filter(vec![Alt {
            segs,
            extracts,
            site,
            ..Alt::default()
        }])
    }

    /// The argument names of a handler, to name warp's path parameters.
    pub(super) fn handler_arg_names(&self, v: &Val) -> Vec<String> {
        let first = |p: &syn::Pat| pat_names(p).into_iter().next().unwrap_or_default();
        match v {
            Val::Closure(c) => c.inputs.iter().map(first).collect(),
            Val::Handler(Handler {
                fn_ref: Some(f), ..
            }) => self
                .ix
                .with_fn(f, |view, _| {
                    view.sig
                        .inputs
                        .iter()
                        .filter_map(|i| match i {
                            syn::FnArg::Typed(pt) => Some(first(&pt.pat)),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    pub(super) fn warp_op(
        &self,
        fr: &mut Frame,
        f: Rc<Filter>,
        name: &str,
        m: &syn::ExprMethodCall,
    ) -> Val {
        match name {
            "and" if m.args.len() == 1 => {
                let other = self.eval_expr(fr, &m.args[0]);
                let other = match other {
                    Val::Filter(o) => o,
                    Val::Unknown(Some(n)) => Rc::new(Filter {
                        alts: vec![Alt {
                            notes: vec![n],
                            extracts: vec![None],
                            ..Alt::default()
                        }],
                    }),
                    _ => Rc::new(Filter {
                        alts: vec![Alt {
                            extracts: vec![None],
                            ..Alt::default()
                        }],
                    }),
                };
                let mut alts = Vec::new();
                for a in &f.alts {
                    for b in &other.alts {
                        let mut segs = a.segs.clone();
                        segs.extend(b.segs.iter().cloned());
                        let mut methods = a.methods.clone();
                        methods.extend(b.methods.iter().cloned());
                        let mut notes = a.notes.clone();
                        notes.extend(b.notes.iter().cloned());
                        let mut extracts = a.extracts.clone();
                        let b_route = !b.segs.is_empty() || !b.methods.is_empty();
                        let a_route = !a.segs.is_empty() || !a.methods.is_empty();
                        // `get().and(route)` takes the route's handler; a
                        // handler of a pathless filter (`with_db`) is a
                        // value it extracts.
                        let handler = if b_route && b.handler.is_some() {
                            extracts.extend(b.extracts.iter().map(|e| e.map(|i| i + a.segs.len())));
                            b.handler.clone()
                        } else if b.handler.is_some() {
                            extracts.push(None);
                            if a_route { None } else { a.handler.clone() }
                        } else {
                            extracts.extend(b.extracts.iter().map(|e| e.map(|i| i + a.segs.len())));
                            a.handler.clone()
                        };
                        alts.push(Alt {
                            segs,
                            methods,
                            handler,
                            site: a.site.or(b.site),
                            notes,
                            extracts,
                        });
                    }
                }
                Self::filter(alts)
            }
            "or" if m.args.len() == 1 => {
                let other = self.eval_expr(fr, &m.args[0]);
                let mut alts = f.alts.clone();
                match other {
                    Val::Filter(o) => alts.extend(o.alts.iter().cloned()),
                    Val::Static => {}
                    other => alts.push(Alt {
                        notes: vec![self.unfollowed(
                            fr,
                            other,
                            &m.args[0],
                            "the alternative filter",
                        )],
                        ..Alt::default()
                    }),
                }
                Self::filter(alts)
            }
            "map" | "and_then" | "then" if m.args.len() == 1 => {
                let v = self.eval_expr(fr, &m.args[0]);
                let h = self.as_handler(fr, &v, &m.args[0]);
                let names = self.handler_arg_names(&v);
                Self::filter(
                    f.alts
                        .iter()
                        .map(|a| {
                            let mut segs = a.segs.clone();
                            for (ex, name) in a.extracts.iter().zip(&names) {
                                if let Some(i) = ex
                                    && !name.is_empty()
                                    && name != "_"
                                    && let Some(seg) = segs.get_mut(*i)
                                {
                                    let name = name.trim_start_matches('_');
                                    *seg = if seg.starts_with("{*") {
                                        format!("{{*{name}}}")
                                    } else {
                                        format!("{{{name}}}")
                                    };
                                }
                            }
                            Alt {
                                segs,
                                handler: Some(h.clone()),
                                extracts: vec![None],
                                ..a.clone()
                            }
                        })
                        .collect(),
                )
            }
            _ => {
                self.eval_args(fr, &m.args);
                Val::Filter(f)
            }
        }
    }
}
