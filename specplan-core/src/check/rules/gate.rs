//! `review-gate`: a step Approved while an earlier step of its domain is not.

use super::{Cx, at};
use crate::diag::Diagnostic;
use crate::spec::{DocKind, MetaField, Status};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for doc in &cx.spec.documents {
        let (Some(step), Some(domain)) = (doc.kind.step(), doc.domain.as_deref()) else {
            continue;
        };
        if doc.meta.status() != Some(Status::Approved) {
            continue;
        }
        let Some(entry) = doc.meta.get(MetaField::Status) else {
            continue;
        };
        for earlier in &DocKind::PIPELINE[..usize::from(step - 1)] {
            let name = earlier.step_name().unwrap_or("?");
            let problem = match cx.spec.domain_document(domain, *earlier) {
                None => Some(format!("`{name}` of domain `{domain}` does not exist yet")),
                Some(e) => match e.meta.status() {
                    Some(Status::Approved) => None,
                    other => Some(format!(
                        "`{}` is {}",
                        e.path,
                        other.map_or("without a valid Status".to_string(), |s| format!(
                            "`{}`",
                            s.as_str()
                        ))
                    )),
                },
            };
            if let Some(problem) = problem {
                out.push(
                    at(
                        "review-gate",
                        doc,
                        &entry.value_range,
                        format!("this step is Approved but an earlier step is not: {problem}"),
                    )
                    .with_label("approved too early")
                    .with_help(format!(
                        "review `{name}` of `{domain}` and set its Status to Approved first, or set this one back to In Review"
                    )),
                );
                break;
            }
        }
    }
}
