//! What an attribute is on: the item's kind, its name (`Type::method` for
//! methods, `impl Trait for Type` for impls) and where the name is. Both
//! scanners describe items with these functions.

use proc_macro2::Span as PmSpan;
use syn::spanned::Spanned;
use syn::{Attribute, ForeignItem, ImplItem, Item, TraitItem, Type};

use super::{ItemKind, ItemRef, Positions};

/// The item that encloses associated items, for naming them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    /// An `impl`: its self type's name.
    Impl(String),
    /// A trait definition: its name.
    Trait(String),
}

impl Owner {
    pub(crate) fn name(&self) -> &str {
        match self {
            Owner::Impl(n) | Owner::Trait(n) => n,
        }
    }
}

fn at(kind: ItemKind, name: String, span: PmSpan, pos: &Positions) -> ItemRef {
    let s = pos.span(span);
    ItemRef {
        kind,
        name,
        line: s.line,
        column: s.column,
    }
}

/// A type's name as people write it in prose: the last path segment without
/// generics (`crate::store::PgStore<T>` → `PgStore`, `&mut Foo` → `Foo`),
/// the source text for anything else (`[u8]`, `(A, B)`).
pub(crate) fn type_name(ty: &Type, pos: &Positions) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        Type::Reference(r) => type_name(&r.elem, pos),
        Type::Paren(p) => type_name(&p.elem, pos),
        Type::Group(g) => type_name(&g.elem, pos),
        other => {
            let span = other.span();
            pos.text_of(span, span)
        }
    }
}

/// `(self type name, "impl Trait for Type")` of an impl.
pub(crate) fn impl_names(i: &syn::ItemImpl, pos: &Positions) -> (String, String) {
    let self_name = type_name(&i.self_ty, pos);
    let display = match &i.trait_ {
        Some((path, _)) => {
            let bang = if i.modifiers.polarity.is_some() {
                "!"
            } else {
                ""
            };
            let tr = path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            format!("impl {bang}{tr} for {self_name}")
        }
        None => format!("impl {self_name}"),
    };
    (self_name, display)
}

/// Describes a module-level or block-level item, with its attributes.
/// `None` for items `syn` keeps as raw tokens.
pub(crate) fn of_item<'a>(item: &'a Item, pos: &Positions) -> Option<(ItemRef, &'a [Attribute])> {
    let (r, attrs) = match item {
        Item::Fn(i) => (
            at(
                ItemKind::Fn,
                i.sig.ident.to_string(),
                i.sig.ident.span(),
                pos,
            ),
            &i.attrs,
        ),
        Item::Struct(i) => (
            at(ItemKind::Struct, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Enum(i) => (
            at(ItemKind::Enum, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Union(i) => (
            at(ItemKind::Union, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Trait(i) => (
            at(ItemKind::Trait, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::TraitAlias(i) => (
            at(
                ItemKind::TraitAlias,
                i.ident.to_string(),
                i.ident.span(),
                pos,
            ),
            &i.attrs,
        ),
        Item::Impl(i) => (
            at(ItemKind::Impl, impl_names(i, pos).1, i.impl_token.span, pos),
            &i.attrs,
        ),
        Item::Mod(i) => (
            at(ItemKind::Mod, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Const(i) => (
            at(ItemKind::Const, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Static(i) => (
            at(ItemKind::Static, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Type(i) => (
            at(ItemKind::Type, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        Item::Macro(i) => match &i.ident {
            Some(ident) => (
                at(ItemKind::Macro, ident.to_string(), ident.span(), pos),
                &i.attrs,
            ),
            None => (macro_call(&i.mac, pos), &i.attrs),
        },
        Item::Use(i) => {
            let span = i.tree.span();
            (
                at(ItemKind::Use, pos.text_of(span, span), span, pos),
                &i.attrs,
            )
        }
        Item::ExternCrate(i) => (
            at(
                ItemKind::ExternCrate,
                i.ident.to_string(),
                i.ident.span(),
                pos,
            ),
            &i.attrs,
        ),
        Item::ForeignMod(i) => {
            let abi = i
                .abi
                .name
                .as_ref()
                .map_or_else(|| "extern".to_string(), |n| format!("extern {}", n.token()));
            (
                at(ItemKind::ExternBlock, abi, i.abi.extern_token.span, pos),
                &i.attrs,
            )
        }
        _ => return None,
    };
    Some((r, attrs.as_slice()))
}

fn macro_call(mac: &syn::Macro, pos: &Positions) -> ItemRef {
    let first = mac.path.segments.first().map(|s| s.ident.span());
    let last = mac.path.segments.last().map(|s| s.ident.span());
    let (first, last) = match (first, last) {
        (Some(a), Some(b)) => (a, b),
        _ => (mac.bang_token.spans[0], mac.bang_token.spans[0]),
    };
    at(
        ItemKind::MacroCall,
        format!("{}!", pos.text_of(first, last)),
        first,
        pos,
    )
}

fn assoc(owner: &Owner, name: &syn::Ident) -> String {
    format!("{}::{}", owner.name(), name)
}

pub(crate) fn of_impl_item<'a>(
    item: &'a ImplItem,
    owner: &Owner,
    pos: &Positions,
) -> Option<(ItemRef, &'a [Attribute])> {
    let (r, attrs) = match item {
        ImplItem::Fn(i) => (
            at(
                ItemKind::Method,
                assoc(owner, &i.sig.ident),
                i.sig.ident.span(),
                pos,
            ),
            &i.attrs,
        ),
        ImplItem::Const(i) => (
            at(ItemKind::Const, assoc(owner, &i.ident), i.ident.span(), pos),
            &i.attrs,
        ),
        ImplItem::Type(i) => (
            at(ItemKind::Type, assoc(owner, &i.ident), i.ident.span(), pos),
            &i.attrs,
        ),
        ImplItem::Macro(i) => (macro_call(&i.mac, pos), &i.attrs),
        _ => return None,
    };
    Some((r, attrs.as_slice()))
}

pub(crate) fn of_trait_item<'a>(
    item: &'a TraitItem,
    owner: &Owner,
    pos: &Positions,
) -> Option<(ItemRef, &'a [Attribute])> {
    let (r, attrs) = match item {
        TraitItem::Fn(i) => (
            at(
                ItemKind::Method,
                assoc(owner, &i.sig.ident),
                i.sig.ident.span(),
                pos,
            ),
            &i.attrs,
        ),
        TraitItem::Const(i) => (
            at(ItemKind::Const, assoc(owner, &i.ident), i.ident.span(), pos),
            &i.attrs,
        ),
        TraitItem::Type(i) => (
            at(ItemKind::Type, assoc(owner, &i.ident), i.ident.span(), pos),
            &i.attrs,
        ),
        TraitItem::Macro(i) => (macro_call(&i.mac, pos), &i.attrs),
        _ => return None,
    };
    Some((r, attrs.as_slice()))
}

pub(crate) fn of_foreign_item<'a>(
    item: &'a ForeignItem,
    pos: &Positions,
) -> Option<(ItemRef, &'a [Attribute])> {
    let (r, attrs) = match item {
        ForeignItem::Fn(i) => (
            at(
                ItemKind::Fn,
                i.sig.ident.to_string(),
                i.sig.ident.span(),
                pos,
            ),
            &i.attrs,
        ),
        ForeignItem::Static(i) => (
            at(ItemKind::Static, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        ForeignItem::Type(i) => (
            at(ItemKind::Type, i.ident.to_string(), i.ident.span(), pos),
            &i.attrs,
        ),
        ForeignItem::Macro(i) => (macro_call(&i.mac, pos), &i.attrs),
        _ => return None,
    };
    Some((r, attrs.as_slice()))
}
