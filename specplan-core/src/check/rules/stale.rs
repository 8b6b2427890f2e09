//! `stale-implementation`: code and tests confirmed against a requirement
//! text that has changed since (`specplan.lock`, see
//! [`crate::trace::lock`]). Reported at the ID string of the item's
//! attribute, with the old and the new text around their first difference.

use super::{Cx, diag};
use crate::annotations::Kind;
use crate::diag::Diagnostic;
use crate::trace::lock::{self, Lock};

/// How much of each text the note shows, in characters.
const EXCERPT: usize = 160;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let lock = match Lock::load(&cx.ws.jail) {
        Ok(Some(l)) => l,
        Ok(None) => return,
        Err(e) => {
            out.push(e.to_diagnostic());
            return;
        }
    };
    let stale = lock::stale_pairs(&lock, cx.spec, cx.annotations);
    for s in &stale {
        // The attribute(s) of this item naming the requirement.
        for a in cx
            .annotations
            .iter()
            .filter(|a| a.kind == s.kind && lock::item_key(a) == s.item_key)
        {
            let Some(id) = a.ids.iter().find(|i| i.text == s.requirement) else {
                continue;
            };
            let (what, verb) = match s.kind {
                Kind::Implements => ("implementation", "implements"),
                Kind::Verifies => ("test", "verifies"),
            };
            let (old, new) = lock::excerpts(&s.old_text, &s.new_text, EXCERPT);
            out.push(
                diag(
                    "stale-implementation",
                    format!(
                        "`{}` changed since this {what} was confirmed against it",
                        s.requirement
                    ),
                )
                .in_file(a.file.clone())
                .at(id.span)
                .with_label(format!(
                    "`{}` {verb} `{}`; re-read it against the new text",
                    a.item.name, s.requirement
                ))
                .with_note(format!("confirmed text: {old}"))
                .with_note(format!("current text:   {new}"))
                .with_help(format!(
                    "update the {what} if needed, then run `cargo specplan confirm {}`",
                    s.requirement
                )),
            );
        }
    }
}
