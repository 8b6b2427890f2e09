//! The reference scanner: the whole file parsed with `syn` and walked with
//! `syn::visit`. Slow (75–85 ns per byte) and simple; the fast scanner must
//! find exactly what this one finds, and falls back to it when it cannot.

use syn::visit::{self, Visit};

use super::attrs::{self, Aliases, Found};
use super::item::{self, Owner};
use super::{Annotation, ItemRef, LineIndex, Positions, source_start};
use crate::diag::Diagnostic;
use crate::source::{self, WalkedFile};

/// Finds every annotation of one file by parsing it whole. `Err` when the
/// file does not parse.
pub fn scan_text_with_syn(rel: &str, text: &str) -> Result<Vec<Annotation>, Diagnostic> {
    let base = source_start(text);
    // `text[base..]` has no BOM or shebang left: the guarded parse is
    // `syn::parse_str` there, with the nesting bound.
    let file: syn::File = source::parse_rust_text(&text[base..]).map_err(|f| {
        let walked = WalkedFile {
            abs: rel.into(),
            rel: rel.to_string(),
        };
        source::failure_diagnostic(&walked, text, &f)
    })?;
    let lines = LineIndex::new(text);
    let pos = Positions {
        base,
        lines: &lines,
    };
    let mut uses = Uses(Aliases::default());
    uses.visit_file(&file);
    let mut walker = Walker {
        rel,
        pos: &pos,
        aliases: &uses.0,
        tests: vec![attrs::is_test_attrs(&file.attrs)],
        owners: Vec::new(),
        out: Vec::new(),
    };
    walker.visit_file(&file);
    let mut out = walker.out;
    out.sort_by_key(|a| a.attr.start_byte);
    Ok(out)
}

/// `use …::implements as name;` anywhere in the file.
struct Uses(Aliases);

impl<'ast> Visit<'ast> for Uses {
    fn visit_use_rename(&mut self, r: &'ast syn::UseRename) {
        if let Some(kind) = attrs::kind_of_word(r.ident.to_string().as_bytes()) {
            self.0.insert(r.rename.to_string(), kind);
        }
    }
}

struct Walker<'a, 'i, 'p> {
    rel: &'a str,
    pos: &'p Positions<'i, 'a>,
    aliases: &'p Aliases,
    /// Whether each enclosing mod / fn / impl / trait / extern block (and the
    /// file) is test code.
    tests: Vec<bool>,
    /// The innermost `impl` or trait, while its items are visited.
    owners: Vec<Owner>,
    out: Vec<Annotation>,
}

impl Walker<'_, '_, '_> {
    fn in_test(&self) -> bool {
        self.tests.last().copied().unwrap_or(false)
    }

    fn record(&mut self, item: ItemRef, attrs: &[syn::Attribute]) -> bool {
        let is_test = self.in_test() || attrs::is_test_attrs(attrs);
        for f in attrs::extract(attrs, self.aliases, self.pos) {
            let Found {
                kind,
                attr,
                ids,
                arg_errors,
                alias: _,
            } = f;
            self.out.push(Annotation {
                kind,
                file: self.rel.to_string(),
                attr,
                ids,
                item: item.clone(),
                is_test,
                arg_errors,
            });
        }
        is_test
    }
}

impl<'ast> Visit<'ast> for Walker<'_, '_, '_> {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        let Some((r, attrs)) = item::of_item(i, self.pos) else {
            return visit::visit_item(self, i);
        };
        let is_test = self.record(r, attrs);
        // Only items that hold items in braces pass test-ness on.
        let holds_items = matches!(
            i,
            syn::Item::Fn(_)
                | syn::Item::Mod(_)
                | syn::Item::Impl(_)
                | syn::Item::Trait(_)
                | syn::Item::ForeignMod(_)
        );
        let owner = match i {
            syn::Item::Impl(imp) => Some(Owner::Impl(item::impl_names(imp, self.pos).0)),
            syn::Item::Trait(t) => Some(Owner::Trait(t.ident.to_string())),
            _ => None,
        };
        let inherited = self.in_test();
        self.tests
            .push(if holds_items { is_test } else { inherited });
        let pushed = owner.is_some();
        if let Some(o) = owner {
            self.owners.push(o);
        }
        visit::visit_item(self, i);
        if pushed {
            self.owners.pop();
        }
        self.tests.pop();
    }

    fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
        let owner = self.owners.last().cloned();
        let described = owner
            .as_ref()
            .and_then(|o| item::of_impl_item(i, o, self.pos));
        let Some((r, attrs)) = described else {
            return visit::visit_impl_item(self, i);
        };
        let is_test = self.record(r, attrs);
        let inherited = self.in_test();
        self.tests.push(if matches!(i, syn::ImplItem::Fn(_)) {
            is_test
        } else {
            inherited
        });
        // Items nested in a method body are not the impl's.
        let saved = std::mem::take(&mut self.owners);
        visit::visit_impl_item(self, i);
        self.owners = saved;
        self.tests.pop();
    }

    fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
        let owner = self.owners.last().cloned();
        let described = owner
            .as_ref()
            .and_then(|o| item::of_trait_item(i, o, self.pos));
        let Some((r, attrs)) = described else {
            return visit::visit_trait_item(self, i);
        };
        let is_test = self.record(r, attrs);
        let inherited = self.in_test();
        self.tests.push(if matches!(i, syn::TraitItem::Fn(_)) {
            is_test
        } else {
            inherited
        });
        let saved = std::mem::take(&mut self.owners);
        visit::visit_trait_item(self, i);
        self.owners = saved;
        self.tests.pop();
    }

    fn visit_foreign_item(&mut self, i: &'ast syn::ForeignItem) {
        if let Some((r, attrs)) = item::of_foreign_item(i, self.pos) {
            self.record(r, attrs);
        }
        visit::visit_foreign_item(self, i);
    }
}
