//! JSON Schema (2020-12) of Rust types, read from their `struct`/`enum`
//! definitions with serde's attributes honoured: `rename`, `rename_all`
//! (and its `serialize`/`deserialize` forms), `rename_all_fields`, `skip`,
//! `skip_serializing(_if)`, `default`, `flatten`, `transparent`,
//! `deny_unknown_fields`, `untagged`, `tag`, `content`; `Option<T>` is
//! optional and nullable. Types of the workspace become named definitions
//! referred to as `{"$ref": "#/schemas/Name"}`; well-known types of std,
//! chrono, time, uuid, rust_decimal, url and serde_json have fixed schemas.

use std::collections::{BTreeMap, HashMap, HashSet};

use proc_macro2::TokenTree;
use serde_json::{Map, Value, json};

use super::index::{Def, Index, ItemRef, ModLoc};

pub(crate) struct SchemaGen<'i> {
    ix: &'i Index,
    /// Definitions by name.
    pub defs: BTreeMap<String, Value>,
    /// Which type each name stands for (to tell apart types with the same
    /// short name).
    names: HashMap<String, String>,
    /// Definitions being built (recursive types refer to themselves).
    building: HashSet<String>,
}

/// Serde's container and field attributes that change the JSON shape.
#[derive(Debug, Default, Clone)]
struct Serde {
    rename: Option<String>,
    rename_all: Option<String>,
    rename_all_fields: Option<String>,
    skip: bool,
    skip_ser: bool,
    skip_de: bool,
    skip_if: bool,
    default: bool,
    flatten: bool,
    transparent: bool,
    deny_unknown: bool,
    untagged: bool,
    tag: Option<String>,
    content: Option<String>,
    with: bool,
}

fn str_lit(tokens: &[TokenTree]) -> Option<String> {
    let ts: proc_macro2::TokenStream = tokens.iter().cloned().collect();
    match syn::parse2::<syn::Lit>(ts).ok()? {
        syn::Lit::Str(s) => Some(s.value()),
        _ => None,
    }
}

fn serde_attrs(attrs: &[syn::Attribute]) -> Serde {
    let mut s = Serde::default();
    for a in attrs {
        if !a.path().is_ident("serde") {
            continue;
        }
        let Ok(list) = a.meta.require_list() else {
            continue;
        };
        let mut parts: Vec<Vec<TokenTree>> = vec![Vec::new()];
        for tt in list.tokens.clone() {
            match &tt {
                TokenTree::Punct(p) if p.as_char() == ',' => parts.push(Vec::new()),
                _ => parts.last_mut().expect("non-empty").push(tt),
            }
        }
        for part in parts {
            let Some(TokenTree::Ident(key)) = part.first() else {
                continue;
            };
            let key = key.to_string();
            // `key = "v"`, or `key(serialize = "v", …)`: the serialized form
            // is what responses show and what most APIs use both ways.
            let value = match part.get(1) {
                Some(TokenTree::Punct(p)) if p.as_char() == '=' => str_lit(&part[2..]),
                Some(TokenTree::Group(g)) => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    let mut found = None;
                    for chunk in
                        inner.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                    {
                        if let [TokenTree::Ident(k), TokenTree::Punct(eq), rest @ ..] = chunk
                            && eq.as_char() == '='
                            && (k == "serialize" || found.is_none())
                        {
                            found = str_lit(rest);
                        }
                    }
                    found
                }
                _ => None,
            };
            match key.as_str() {
                "rename" => s.rename = value,
                "rename_all" => s.rename_all = value,
                "rename_all_fields" => s.rename_all_fields = value,
                "skip" => s.skip = true,
                "skip_serializing" => s.skip_ser = true,
                "skip_deserializing" => s.skip_de = true,
                "skip_serializing_if" => s.skip_if = true,
                "default" => s.default = true,
                "flatten" => s.flatten = true,
                "transparent" => s.transparent = true,
                "deny_unknown_fields" => s.deny_unknown = true,
                "untagged" => s.untagged = true,
                "tag" => s.tag = value,
                "content" => s.content = value,
                "with" | "serialize_with" | "deserialize_with" => s.with = true,
                _ => {}
            }
        }
    }
    s
}

fn doc(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for a in attrs {
        if let syn::Meta::NameValue(nv) = &a.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(l) = &nv.value
            && let syn::Lit::Str(s) = &l.lit
        {
            lines.push(s.value().trim().to_string());
        }
    }
    let text = lines.join(" ").trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn words(ident: &str) -> Vec<String> {
    // snake_case or PascalCase identifier → lower-case words.
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in ident.chars() {
        if c == '_' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if c.is_uppercase() && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur.extend(c.to_lowercase());
        } else {
            cur.extend(c.to_lowercase());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// serde's `RenameRule` applied to a field (snake_case) or a variant
/// (PascalCase).
pub(crate) fn rename(rule: &str, ident: &str) -> String {
    let ident = ident.trim_start_matches("r#");
    let w = words(ident);
    match rule {
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        "PascalCase" => w.iter().map(|x| capitalize(x)).collect(),
        "camelCase" => w
            .iter()
            .enumerate()
            .map(|(i, x)| if i == 0 { x.clone() } else { capitalize(x) })
            .collect(),
        "snake_case" => w.join("_"),
        "SCREAMING_SNAKE_CASE" => w.join("_").to_uppercase(),
        "kebab-case" => w.join("-"),
        "SCREAMING-KEBAB-CASE" => w.join("-").to_uppercase(),
        _ => ident.to_string(),
    }
}

fn last_seg(path: &syn::Path) -> Option<(&syn::Ident, Vec<&syn::Type>)> {
    let seg = path.segments.last()?;
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
    Some((&seg.ident, args))
}

fn nullable(s: Value) -> Value {
    if let Some(Value::String(t)) = s.get("type") {
        let mut s = s.clone();
        s["type"] = json!([t, "null"]);
        return s;
    }
    json!({"anyOf": [s, {"type": "null"}]})
}

/// A schema for a type that is not defined in the workspace, if known.
fn well_known(name: &str, args: &[Value]) -> Option<Value> {
    Some(match name {
        "bool" => json!({"type": "boolean"}),
        "i8" | "i16" | "i32" => json!({"type": "integer", "format": "int32"}),
        "u8" | "u16" | "u32" | "NonZeroU32" | "NonZeroU16" | "NonZeroU8" => {
            json!({"type": "integer", "format": "int32", "minimum": 0})
        }
        "i64" | "isize" | "i128" => json!({"type": "integer", "format": "int64"}),
        "u64" | "usize" | "u128" | "NonZeroU64" | "NonZeroUsize" => {
            json!({"type": "integer", "format": "int64", "minimum": 0})
        }
        "f32" => json!({"type": "number", "format": "float"}),
        "f64" => json!({"type": "number", "format": "double"}),
        "String" | "str" | "char" | "PathBuf" | "Path" | "OsString" | "SecretString" => {
            json!({"type": "string"})
        }
        "Uuid" | "Ulid" => json!({"type": "string", "format": "uuid"}),
        "DateTime" | "NaiveDateTime" | "OffsetDateTime" | "PrimitiveDateTime" | "Timestamp"
        | "SystemTime" | "Zoned" => json!({"type": "string", "format": "date-time"}),
        "NaiveDate" | "Date" => json!({"type": "string", "format": "date"}),
        "NaiveTime" | "Time" => json!({"type": "string", "format": "time"}),
        "Decimal" | "BigDecimal" => json!({"type": "string", "format": "decimal"}),
        "Url" | "Uri" => json!({"type": "string", "format": "uri"}),
        "IpAddr" | "Ipv4Addr" | "Ipv6Addr" => json!({"type": "string", "format": "ip"}),
        "Value" | "JsonValue" => json!({}),
        "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "IndexSet" | "SmallVec" => {
            let mut s =
                json!({"type": "array", "items": args.first().cloned().unwrap_or(json!({}))});
            if name.ends_with("Set") {
                s["uniqueItems"] = json!(true);
            }
            s
        }
        "HashMap" | "BTreeMap" | "IndexMap" => json!({
            "type": "object",
            "additionalProperties": args.get(1).cloned().unwrap_or(json!({}))
        }),
        _ => return None,
    })
}

impl<'i> SchemaGen<'i> {
    pub(crate) fn new(ix: &'i Index) -> SchemaGen<'i> {
        SchemaGen {
            ix,
            defs: BTreeMap::new(),
            names: HashMap::new(),
            building: HashSet::new(),
        }
    }

    /// The schema of `ty` as written at `loc`, with `subst` for the generic
    /// parameters of the definition being built.
    pub(crate) fn schema_of(
        &mut self,
        ty: &syn::Type,
        loc: &ModLoc,
        subst: &HashMap<String, Value>,
    ) -> Value {
        match ty {
            syn::Type::Reference(r) => self.schema_of(&r.elem, loc, subst),
            syn::Type::Paren(p) => self.schema_of(&p.elem, loc, subst),
            syn::Type::Group(g) => self.schema_of(&g.elem, loc, subst),
            syn::Type::Slice(s) => {
                json!({"type": "array", "items": self.schema_of(&s.elem, loc, subst)})
            }
            syn::Type::Array(a) => {
                json!({"type": "array", "items": self.schema_of(&a.elem, loc, subst)})
            }
            syn::Type::Tuple(t) if t.elems.is_empty() => json!({"type": "null"}),
            syn::Type::Tuple(t) => {
                let items: Vec<Value> = t
                    .elems
                    .iter()
                    .map(|e| self.schema_of(e, loc, subst))
                    .collect();
                let n = items.len();
                json!({"type": "array", "prefixItems": items, "minItems": n, "maxItems": n})
            }
            syn::Type::Path(p) if p.qself.is_none() => self.path_schema(&p.path, loc, subst),
            _ => json!({}),
        }
    }

    fn path_schema(
        &mut self,
        path: &syn::Path,
        loc: &ModLoc,
        subst: &HashMap<String, Value>,
    ) -> Value {
        let Some((ident, args)) = last_seg(path) else {
            return json!({});
        };
        let name = ident.to_string();
        if path.segments.len() == 1
            && let Some(s) = subst.get(&name)
        {
            return s.clone();
        }
        match name.as_str() {
            "Option" => {
                return match args.first() {
                    Some(t) => nullable(self.schema_of(t, loc, subst)),
                    None => json!({}),
                };
            }
            "Box" | "Arc" | "Rc" | "Cow" | "RefCell" | "Cell" | "Mutex" | "RwLock" | "Secret" => {
                return match args.last() {
                    Some(t) => self.schema_of(t, loc, subst),
                    None => json!({"type": "string"}),
                };
            }
            _ => {}
        }
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let def = self.ix.resolve(loc, &segs);
        if let Def::Type(item) = def {
            let arg_schemas: Vec<Value> =
                args.iter().map(|t| self.schema_of(t, loc, subst)).collect();
            return self.named(
                &item,
                arg_schemas,
                args.iter().map(|t| key_text(t)).collect(),
            );
        }
        let arg_schemas: Vec<Value> = args.iter().map(|t| self.schema_of(t, loc, subst)).collect();
        well_known(&name, &arg_schemas).unwrap_or_else(|| json!({"x-rust-type": segs.join("::")}))
    }

    /// A `$ref` to the definition of a workspace type, built on first use.
    pub(crate) fn named(
        &mut self,
        item: &ItemRef,
        args: Vec<Value>,
        arg_names: Vec<String>,
    ) -> Value {
        let full = self.ix.display_path(&item.loc, &[&item.name]);
        let full_key = if arg_names.is_empty() {
            full.clone()
        } else {
            format!("{full}<{}>", arg_names.join(","))
        };
        let short = if arg_names.is_empty() {
            item.name.clone()
        } else {
            format!("{}_{}", item.name, arg_names.join("_"))
        };
        let key = match self.names.get(&short) {
            Some(owner) if *owner != full_key => {
                full_key.replace("::", ".").replace(['<', '>', ','], "_")
            }
            _ => short,
        };
        self.names
            .entry(key.clone())
            .or_insert_with(|| full_key.clone());
        let reference = json!({"$ref": format!("#/schemas/{key}")});
        if self.defs.contains_key(&key) || self.building.contains(&key) {
            return reference;
        }
        self.building.insert(key.clone());
        let def = self
            .ix
            .with_item(item, |it, _| it.clone())
            .map(|it| self.item_schema(&it, &item.loc, &args))
            .unwrap_or_else(|| json!({}));
        self.building.remove(&key);
        // A type alias or a transparent newtype is its target: no
        // definition of its own is needed, but keeping one names it.
        self.defs.insert(key, def);
        reference
    }

    fn item_schema(&mut self, item: &syn::Item, loc: &ModLoc, args: &[Value]) -> Value {
        let generics = match item {
            syn::Item::Struct(s) => &s.generics,
            syn::Item::Enum(e) => &e.generics,
            syn::Item::Type(t) => &t.generics,
            _ => return json!({}),
        };
        // Type parameters: the arguments given, else their defaults
        // (`struct Body<T = Article>`).
        let mut subst: HashMap<String, Value> = HashMap::new();
        for (i, p) in generics.type_params().enumerate() {
            let v = match (args.get(i), &p.default) {
                (Some(v), _) => v.clone(),
                (None, Some((_, d))) => self.schema_of(d, loc, &subst),
                (None, None) => json!({}),
            };
            subst.insert(p.ident.to_string(), v);
        }
        let mut schema = match item {
            syn::Item::Struct(s) => {
                let attrs = serde_attrs(&s.attrs);
                self.fields_schema(&s.fields, &attrs, attrs.rename_all.as_deref(), loc, &subst)
            }
            syn::Item::Enum(e) => self.enum_schema(e, loc, &subst),
            syn::Item::Type(t) => self.schema_of(&t.ty, loc, &subst),
            _ => json!({}),
        };
        let attrs = match item {
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            syn::Item::Type(t) => &t.attrs,
            _ => return schema,
        };
        if let (Some(d), Value::Object(m)) = (doc(attrs), &mut schema)
            && !m.contains_key("$ref")
        {
            m.insert("description".into(), Value::String(d));
        }
        schema
    }

    fn fields_schema(
        &mut self,
        fields: &syn::Fields,
        container: &Serde,
        rename_all: Option<&str>,
        loc: &ModLoc,
        subst: &HashMap<String, Value>,
    ) -> Value {
        match fields {
            syn::Fields::Unit => json!({"type": "null"}),
            syn::Fields::Unnamed(u) => {
                let live: Vec<&syn::Field> = u
                    .unnamed
                    .iter()
                    .filter(|f| !serde_attrs(&f.attrs).skip)
                    .collect();
                if live.len() == 1 {
                    self.schema_of(&live[0].ty, loc, subst)
                } else {
                    let items: Vec<Value> = live
                        .iter()
                        .map(|f| self.schema_of(&f.ty, loc, subst))
                        .collect();
                    let n = items.len();
                    json!({"type": "array", "prefixItems": items, "minItems": n, "maxItems": n})
                }
            }
            syn::Fields::Named(n) => {
                if container.transparent
                    && let Some(f) = n.named.iter().find(|f| !serde_attrs(&f.attrs).skip)
                {
                    return self.schema_of(&f.ty, loc, subst);
                }
                let mut props = Map::new();
                let mut required = Vec::new();
                let mut flattened = Vec::new();
                for f in &n.named {
                    let a = serde_attrs(&f.attrs);
                    if a.skip || (a.skip_ser && a.skip_de) {
                        continue;
                    }
                    let ident = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                    if a.flatten {
                        flattened.push(self.schema_of(&f.ty, loc, subst));
                        continue;
                    }
                    let name = a.rename.clone().unwrap_or_else(|| match rename_all {
                        Some(rule) => rename(rule, &ident),
                        None => ident.trim_start_matches("r#").to_string(),
                    });
                    let mut s = if a.with {
                        json!({})
                    } else {
                        self.schema_of(&f.ty, loc, subst)
                    };
                    if let (Some(d), Value::Object(m)) = (doc(&f.attrs), &mut s) {
                        if m.contains_key("$ref") {
                            s = json!({"allOf": [s], "description": d});
                        } else {
                            m.insert("description".into(), Value::String(d));
                        }
                    }
                    let optional = is_option(&f.ty)
                        || a.default
                        || container.default
                        || a.skip_if
                        || a.skip_ser
                        || a.skip_de;
                    if !optional {
                        required.push(Value::String(name.clone()));
                    }
                    props.insert(name, s);
                }
                let mut obj = json!({"type": "object", "properties": props});
                if !required.is_empty() {
                    obj["required"] = Value::Array(required);
                }
                if container.deny_unknown {
                    obj["additionalProperties"] = json!(false);
                }
                if flattened.is_empty() {
                    obj
                } else {
                    let mut all = vec![obj];
                    all.extend(flattened);
                    json!({"allOf": all})
                }
            }
        }
    }

    fn enum_schema(
        &mut self,
        e: &syn::ItemEnum,
        loc: &ModLoc,
        subst: &HashMap<String, Value>,
    ) -> Value {
        let c = serde_attrs(&e.attrs);
        let variants: Vec<(&syn::Variant, Serde, String)> = e
            .variants
            .iter()
            .map(|v| {
                let a = serde_attrs(&v.attrs);
                let name = a.rename.clone().unwrap_or_else(|| match &c.rename_all {
                    Some(rule) => rename(rule, &v.ident.to_string()),
                    None => v.ident.to_string(),
                });
                (v, a, name)
            })
            .filter(|(_, a, _)| !(a.skip || (a.skip_ser && a.skip_de)))
            .collect();
        let all_unit = variants
            .iter()
            .all(|(v, _, _)| matches!(v.fields, syn::Fields::Unit));
        if all_unit && c.tag.is_none() && !c.untagged {
            let names: Vec<Value> = variants
                .iter()
                .map(|(_, _, n)| Value::String(n.clone()))
                .collect();
            return json!({"type": "string", "enum": names});
        }
        let mut one_of = Vec::new();
        for (v, a, name) in &variants {
            let rule = a.rename_all.as_deref().or(c.rename_all_fields.as_deref());
            let plain = Serde::default();
            let body = |this: &mut Self| this.fields_schema(&v.fields, &plain, rule, loc, subst);
            let s = if c.untagged {
                body(self)
            } else if let Some(tag) = &c.tag {
                let tag_prop = json!({"type": "object", "properties": {tag.clone(): {"const": name}}, "required": [tag]});
                match (&c.content, &v.fields) {
                    (Some(_), syn::Fields::Unit) => tag_prop,
                    (Some(content), _) => {
                        let b = body(self);
                        json!({"type": "object", "properties": {tag.clone(): {"const": name}, content.clone(): b}, "required": [tag, content]})
                    }
                    (None, syn::Fields::Unit) => tag_prop,
                    (None, syn::Fields::Named(_)) => {
                        let mut b = body(self);
                        match b.as_object_mut() {
                            Some(obj) if obj.get("properties").is_some_and(Value::is_object) => {
                                if let Some(Value::Object(props)) = obj.get_mut("properties") {
                                    props.insert(tag.clone(), json!({"const": name}));
                                }
                                let req = obj.entry("required").or_insert(json!([]));
                                if let Value::Array(r) = req {
                                    r.insert(0, Value::String(tag.clone()));
                                }
                                b
                            }
                            _ => json!({"allOf": [tag_prop, b]}),
                        }
                    }
                    (None, _) => {
                        let b = body(self);
                        json!({"allOf": [tag_prop, b]})
                    }
                }
            } else if matches!(v.fields, syn::Fields::Unit) {
                json!({"type": "string", "const": name})
            } else {
                let b = body(self);
                json!({"type": "object", "properties": {name.clone(): b}, "required": [name], "additionalProperties": false})
            };
            let s = match (doc(&v.attrs), s) {
                (Some(d), Value::Object(mut m)) => {
                    m.insert("description".into(), Value::String(d));
                    Value::Object(m)
                }
                (_, s) => s,
            };
            one_of.push(s);
        }
        json!({"oneOf": one_of})
    }
}

/// A type as a definition-name part: last segments only, `_`-joined
/// (`Vec<model::Account>` → `Vec_Account`).
fn key_text(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Reference(r) => key_text(&r.elem),
        syn::Type::Paren(p) => key_text(&p.elem),
        syn::Type::Group(g) => key_text(&g.elem),
        syn::Type::Slice(s) => format!("Vec_{}", key_text(&s.elem)),
        syn::Type::Tuple(t) => t.elems.iter().map(key_text).collect::<Vec<_>>().join("_"),
        syn::Type::Path(p) => match last_seg(&p.path) {
            Some((ident, args)) => {
                let mut out = ident.to_string();
                for a in args {
                    out.push('_');
                    out.push_str(&key_text(a));
                }
                out
            }
            None => "T".into(),
        },
        _ => "T".into(),
    }
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// A type as text, compactly (`Vec<OrderResponse>`).
pub(crate) fn type_text(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Reference(r) => format!("&{}", type_text(&r.elem)),
        syn::Type::Paren(p) => type_text(&p.elem),
        syn::Type::Group(g) => type_text(&g.elem),
        syn::Type::Slice(s) => format!("[{}]", type_text(&s.elem)),
        syn::Type::Array(a) => format!("[{}; _]", type_text(&a.elem)),
        syn::Type::Tuple(t) => format!(
            "({})",
            t.elems.iter().map(type_text).collect::<Vec<_>>().join(", ")
        ),
        syn::Type::Path(p) => {
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| {
                    let mut out = s.ident.to_string();
                    if let syn::PathArguments::AngleBracketed(a) = &s.arguments {
                        let args: Vec<String> = a
                            .args
                            .iter()
                            .filter_map(|g| match g {
                                syn::GenericArgument::Type(t) => Some(type_text(t)),
                                syn::GenericArgument::Lifetime(l) => Some(format!("'{}", l.ident)),
                                _ => None,
                            })
                            .collect();
                        if !args.is_empty() {
                            out.push('<');
                            out.push_str(&args.join(", "));
                            out.push('>');
                        }
                    }
                    out
                })
                .collect();
            segs.join("::")
        }
        syn::Type::ImplTrait(i) => {
            let bounds: Vec<String> = i
                .bounds
                .iter()
                .filter_map(|b| match b {
                    syn::TypeParamBound::Trait(t) => Some(
                        t.path
                            .segments
                            .iter()
                            .map(|s| s.ident.to_string())
                            .collect::<Vec<_>>()
                            .join("::"),
                    ),
                    _ => None,
                })
                .collect();
            format!("impl {}", bounds.join(" + "))
        }
        syn::Type::Never(_) => "!".into(),
        syn::Type::Infer(_) => "_".into(),
        _ => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_rules_follow_serde() {
        assert_eq!(rename("camelCase", "shipping_address"), "shippingAddress");
        assert_eq!(rename("PascalCase", "shipping_address"), "ShippingAddress");
        assert_eq!(rename("kebab-case", "shipping_address"), "shipping-address");
        assert_eq!(
            rename("SCREAMING_SNAKE_CASE", "shipping_address"),
            "SHIPPING_ADDRESS"
        );
        assert_eq!(rename("snake_case", "PendingPayment"), "pending_payment");
        assert_eq!(rename("camelCase", "PendingPayment"), "pendingPayment");
        assert_eq!(rename("lowercase", "PendingPayment"), "pendingpayment");
        assert_eq!(
            rename("SCREAMING-KEBAB-CASE", "PendingPayment"),
            "PENDING-PAYMENT"
        );
        assert_eq!(rename("camelCase", "r#type"), "type");
    }
}
