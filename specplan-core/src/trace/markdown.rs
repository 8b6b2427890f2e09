//! The matrix as Markdown: the whole report (`trace`), and one domain's
//! table for the `traceability` region of its `requirements.md`
//! (`trace --write`).
//!
//! The tables never start with an `ID` header cell: in a requirements
//! document that would make every row a definition (SPEC.md §3.2).

use super::{CodeItem, Coverage, DocLoc, EndpointLink, LinkBase, Linked, Matrix, Requirement};

/// Escapes text for a table cell: `|` would split it, `<` could start
/// HTML that GitHub hides.
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// At most `max` characters, cut at a word, with `…`.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// `[ID](link)`, or the bare ID when it is defined nowhere.
fn linked(l: &Linked, base: &LinkBase, here: Option<&str>) -> String {
    match &l.at {
        Some(at) => format!("[{}]({})", l.id, doc_link(at, base, here)),
        None => l.id.clone(),
    }
}

fn doc_link(at: &DocLoc, base: &LinkBase, here: Option<&str>) -> String {
    if here == Some(at.file.as_str()) && !at.anchor.is_empty() {
        format!("#{}", at.anchor)
    } else {
        base.doc(at)
    }
}

fn code(c: &CodeItem, base: &LinkBase) -> String {
    let stale = if c.stale { " (stale)" } else { "" };
    format!(
        "[{}]({}){stale}",
        crate::templates::code(&c.item),
        base.code(&c.file, c.line)
    )
}

fn endpoint(e: &EndpointLink, base: &LinkBase, here: Option<&str>) -> String {
    let name = crate::templates::code(&e.key());
    let mut s = match &e.documented {
        Some(at) => format!("[{name}]({})", doc_link(at, base, here)),
        None => name,
    };
    if e.routed.is_empty() {
        s.push_str(" (not routed)");
    } else if e.documented.is_none() {
        s.push_str(" (undocumented)");
    }
    s
}

fn list(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.is_empty() {
        "—".to_string()
    } else {
        v.join("<br>")
    }
}

fn bar(n: usize, of: usize, pct: u32) -> String {
    format!("{n}/{of} ({pct}%)")
}

fn coverage_row(name: &str, c: &Coverage) -> String {
    format!(
        "| {name} | {} | {} | {} | {} | {} |\n",
        c.requirements,
        bar(c.implemented, c.requirements, c.percent.implemented),
        bar(c.verified, c.requirements, c.percent.verified),
        bar(c.storied, c.requirements, c.percent.storied),
        bar(
            c.stories_with_use_case,
            c.stories,
            c.percent.stories_with_use_case
        ),
    )
}

/// The status cell: ✅ for a covered requirement, else its gaps.
fn status(r: &Requirement) -> String {
    if r.gaps.is_empty() {
        if r.counted { "✅" } else { "—" }.to_string()
    } else {
        r.gaps
            .iter()
            .map(|g| g.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The matrix table of some requirements. `here` is the document the table
/// is written into, for same-document anchors.
fn table<'a>(
    reqs: impl Iterator<Item = &'a Requirement>,
    base: &LinkBase,
    here: Option<&str>,
) -> String {
    let mut out = String::from(
        "| Requirement | Status | User stories | Use cases | Endpoints | Code | Tests |\n\
         |-------------|--------|--------------|-----------|-----------|------|-------|\n",
    );
    for r in reqs {
        let title = if r.title.is_empty() {
            String::new()
        } else {
            format!(" {}", cell(&short(&r.title, 72)))
        };
        out.push_str(&format!(
            "| [{}]({}){title} | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            doc_link(&r.at, base, here),
            status(r),
            list(r.stories.iter().map(|s| linked(s, base, here))),
            list(r.use_cases.iter().map(|u| linked(u, base, here))),
            list(r.endpoints.iter().map(|e| endpoint(e, base, here))),
            list(r.implementations.iter().map(|c| code(c, base))),
            list(r.tests.iter().map(|c| code(c, base))),
        ));
    }
    out
}

/// The gaps, one line each.
fn gaps(m: &Matrix) -> String {
    let mut out = String::new();
    for g in &m.gaps {
        let what: Vec<&str> = g.gaps.iter().map(|g| g.describe()).collect();
        out.push_str(&format!("- **{}**: {}\n", g.id, what.join("; ")));
    }
    for s in &m.stories_without_use_case {
        out.push_str(&format!("- **{}**: no use case references it\n", s.id));
    }
    out
}

/// The whole report. `base` says where links point (see [`LinkBase`]).
pub fn report(m: &Matrix, base: &LinkBase) -> String {
    let mut out = String::from("# Traceability matrix\n\n");
    out.push_str(&format!(
        "Requirements → user stories → use cases → endpoints → code → tests. Coverage counts {}.\n\n",
        m.counted
            .iter()
            .map(|k| match k {
                crate::spec::IdKind::Fr => "functional requirements (FR)",
                crate::spec::IdKind::Nfr => "non-functional requirements (NFR)",
                _ => "",
            })
            .collect::<Vec<_>>()
            .join(" and ")
    ));
    out.push_str("## Gaps\n\n");
    let g = gaps(m);
    if m.requirements.is_empty() && g.is_empty() {
        out.push_str("No requirement to trace yet.\n\n");
    } else if g.is_empty() {
        out.push_str(
            "None: every requirement is implemented, verified and covered by a story.\n\n",
        );
    } else {
        out.push_str(&g);
        out.push('\n');
    }
    out.push_str("## Coverage\n\n");
    out.push_str(
        "| Domain | Requirements | Implemented | Verified | Storied | Stories with a use case |\n\
         |--------|--------------|-------------|----------|---------|-------------------------|\n",
    );
    for d in &m.domains {
        out.push_str(&coverage_row(&cell(&d.name), &d.coverage));
    }
    out.push_str(&coverage_row("**Total**", &m.total));
    let mut any = false;
    for d in &m.domains {
        let mut reqs = m.of_domain(&d.name).peekable();
        if reqs.peek().is_none() {
            continue;
        }
        any = true;
        out.push_str(&format!("\n## {}\n\n", cell(&d.name)));
        out.push_str(&table(reqs, base, None));
    }
    let others: Vec<&Requirement> = m
        .requirements
        .iter()
        .filter(|r| r.domain.is_none())
        .collect();
    if !others.is_empty() {
        any = true;
        out.push_str("\n## Outside any domain\n\n");
        out.push_str(&table(others.into_iter(), base, None));
    }
    if !any {
        out.push_str("\nNo requirement to show.\n");
    }
    out
}

/// The inside of the `traceability` region of a domain's `requirements.md`
/// at `doc` (workspace-relative): coverage, gaps, and the table, with links
/// relative to that document.
pub fn region(m: &Matrix, domain: &str, doc: &str) -> String {
    let base = LinkBase::beside(doc);
    let mut out = String::new();
    if let Some(d) = m.domains.iter().find(|d| d.name == domain) {
        let c = &d.coverage;
        out.push_str(&format!(
            "Coverage of the functional requirements: implemented {}, verified {}, covered by a user story {}.\n\n",
            bar(c.implemented, c.requirements, c.percent.implemented),
            bar(c.verified, c.requirements, c.percent.verified),
            bar(c.storied, c.requirements, c.percent.storied),
        ));
    }
    let gap_lines: Vec<String> = m
        .of_domain(domain)
        .filter(|r| !r.gaps.is_empty())
        .map(|r| {
            let what: Vec<&str> = r.gaps.iter().map(|g| g.describe()).collect();
            format!("- {}: {}\n", r.id, what.join("; "))
        })
        .collect();
    if !gap_lines.is_empty() {
        out.push_str("Gaps:\n\n");
        out.extend(gap_lines);
        out.push('\n');
    }
    let mut reqs = m.of_domain(domain).peekable();
    if reqs.peek().is_none() {
        out.push_str("No requirement is defined yet.\n");
    } else {
        out.push_str(&table(reqs, &base, Some(doc)));
    }
    out.push_str(
        "\n_Generated by `cargo specplan trace --write`; edits inside this region are replaced._\n",
    );
    out
}
