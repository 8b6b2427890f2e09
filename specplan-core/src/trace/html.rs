//! The matrix as one self-contained HTML page: no request leaves the page
//! (inline CSS and JavaScript, no fonts, images or CDN), so it works offline
//! and as a CI artifact.
//!
//! The table is rendered here, so the page reads without JavaScript; the
//! script only filters it (text, domain, gaps only). The filter can be given
//! in the URL: `trace.html#q=login&domain=auth&gaps=1`. The matrix is also
//! embedded as JSON (`<script type="application/json"
//! id="specplan-trace-data">`, the shape of `trace --format json`) for tools.

use std::fmt::Write as _;

use super::{CodeItem, Coverage, DocLoc, EndpointLink, LinkBase, Linked, Matrix, Requirement};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` as
/// `\u` escapes, so no `</script>` or `<!--` can end it early.
pub fn script_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A link, when `href` is an `http(s)`, relative or fragment URL; any other
/// scheme (`javascript:`, `data:`) leaves the text without a link.
fn a(href: &str, text: &str) -> String {
    if safe_href(href) {
        format!("<a href=\"{}\">{}</a>", esc(href), text)
    } else {
        text.to_string()
    }
}

/// `http(s)`, or no scheme at all: a `:` only after a `/`, `?` or `#`.
fn safe_href(href: &str) -> bool {
    if href.chars().any(char::is_control) {
        return false;
    }
    let scheme_end = href.find(['/', '?', '#']).unwrap_or(href.len());
    !href[..scheme_end].contains(':') || super::is_web_url(href)
}

fn doc_link(l: &Linked, base: &LinkBase) -> String {
    match &l.at {
        Some(at) => a(&base.doc(at), &esc(&l.id)),
        None => format!("{} <span class=\"warn\">(not defined)</span>", esc(&l.id)),
    }
}

fn loc_text(at: &DocLoc) -> String {
    format!("{}:{}", at.file, at.line)
}

fn code(c: &CodeItem, base: &LinkBase) -> String {
    let stale = if c.stale {
        " <span class=\"tag stale\">stale</span>"
    } else {
        ""
    };
    format!(
        "{}{stale}<div class=\"loc\">{}:{}</div>",
        a(
            &base.code(&c.file, c.line),
            &format!("<code>{}</code>", esc(&c.item))
        ),
        esc(&c.file),
        c.line
    )
}

fn endpoint(e: &EndpointLink, base: &LinkBase) -> String {
    let name = format!("<code>{}</code>", esc(&e.key()));
    let mut s = match &e.documented {
        Some(at) => a(&base.doc(at), &name),
        None => name,
    };
    if e.routed.is_empty() {
        s.push_str(" <span class=\"tag gap\">not routed</span>");
    } else if e.documented.is_none() {
        s.push_str(" <span class=\"tag gap\">undocumented</span>");
    }
    s
}

fn cell(items: Vec<String>) -> String {
    if items.is_empty() {
        "<span class=\"none\">—</span>".to_string()
    } else {
        items.join("<br>")
    }
}

fn bar(label: &str, n: usize, of: usize, pct: u32) -> String {
    let class = match pct {
        100 => "full",
        50..=99 => "part",
        _ => "low",
    };
    format!(
        "<div class=\"bar\" title=\"{label}: {n} of {of}\"><span class=\"bar-label\">{label}</span>\
<span class=\"track\"><span class=\"fill {class}\" style=\"width:{pct}%\"></span></span>\
<span class=\"bar-num\">{pct}% <small>({n}/{of})</small></span></div>"
    )
}

fn bars(c: &Coverage) -> String {
    [
        bar(
            "Implemented",
            c.implemented,
            c.requirements,
            c.percent.implemented,
        ),
        bar("Verified", c.verified, c.requirements, c.percent.verified),
        bar("Storied", c.storied, c.requirements, c.percent.storied),
    ]
    .concat()
}

/// The chain FR → US → UC → API → code → tests, one step a line.
fn chain(r: &Requirement, base: &LinkBase) -> String {
    let mut s = String::from("<ol class=\"chain\">");
    let step = |s: &mut String, name: &str, items: Vec<String>| {
        let _ = write!(s, "<li><b>{name}</b> {}</li>", cell(items));
    };
    step(
        &mut s,
        "Requirement",
        vec![format!(
            "{} <span class=\"loc\">{}</span>",
            a(&base.doc(&r.at), &esc(&r.id)),
            esc(&loc_text(&r.at))
        )],
    );
    step(
        &mut s,
        "User stories",
        r.stories.iter().map(|l| doc_link(l, base)).collect(),
    );
    step(
        &mut s,
        "Use cases",
        r.use_cases
            .iter()
            .map(|l| {
                let via = if l.via.is_empty() {
                    String::new()
                } else {
                    format!(" <small>via {}</small>", esc(&l.via.join(", ")))
                };
                format!("{}{via}", doc_link(l, base))
            })
            .collect(),
    );
    step(
        &mut s,
        "Endpoints",
        r.endpoints
            .iter()
            .map(|e| {
                let routes: Vec<String> = e
                    .routed
                    .iter()
                    .map(|h| {
                        format!(
                            " → {}",
                            a(
                                &base.code(&h.file, h.line),
                                &format!("<code>{}</code>", esc(&h.handler))
                            )
                        )
                    })
                    .collect();
                format!("{}{}", endpoint(e, base), routes.concat())
            })
            .collect(),
    );
    step(
        &mut s,
        "Code",
        r.implementations.iter().map(|c| code(c, base)).collect(),
    );
    step(
        &mut s,
        "Tests",
        r.tests.iter().map(|c| code(c, base)).collect(),
    );
    s.push_str("</ol>");
    s
}

fn row(r: &Requirement, base: &LinkBase) -> String {
    let gaps: Vec<&str> = r.gaps.iter().map(|g| g.as_str()).collect();
    let mut search: Vec<String> = vec![r.id.clone(), r.title.clone()];
    search.extend(r.domain.clone());
    search.extend(gaps.iter().map(|g| g.to_string()));
    search.extend(r.stories.iter().map(|l| l.id.clone()));
    search.extend(r.use_cases.iter().map(|l| l.id.clone()));
    search.extend(r.endpoints.iter().map(EndpointLink::key));
    for c in r.implementations.iter().chain(&r.tests) {
        search.push(c.item.clone());
        search.push(c.file.clone());
    }
    let status = if r.gaps.is_empty() {
        if r.counted {
            "<span class=\"tag ok\">covered</span>".to_string()
        } else {
            "<span class=\"tag\">not counted</span>".to_string()
        }
    } else {
        gaps.iter()
            .map(|g| format!("<span class=\"tag gap\">{g}</span>"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let title = if r.title.is_empty() {
        String::new()
    } else {
        format!("<div class=\"title\">{}</div>", esc(&r.title))
    };
    format!(
        "<tr class=\"req{}\" data-id=\"{}\" data-domain=\"{}\" data-gaps=\"{}\" data-search=\"{}\">\
<td class=\"id\">{}{title}<details><summary>chain</summary>{}</details></td>\
<td>{status}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        if r.gaps.is_empty() { "" } else { " has-gaps" },
        esc(&r.id),
        esc(r.domain.as_deref().unwrap_or("")),
        esc(&gaps.join(" ")),
        esc(&search.join(" ").to_lowercase()),
        a(&base.doc(&r.at), &esc(&r.id)),
        chain(r, base),
        cell(r.stories.iter().map(|l| doc_link(l, base)).collect()),
        cell(r.use_cases.iter().map(|l| doc_link(l, base)).collect()),
        cell(r.endpoints.iter().map(|e| endpoint(e, base)).collect()),
        cell(r.implementations.iter().map(|c| code(c, base)).collect()),
        cell(r.tests.iter().map(|c| code(c, base)).collect()),
    )
}

/// The page. `title` names the workspace.
pub fn page(m: &Matrix, base: &LinkBase, title: &str) -> String {
    let mut body = String::new();
    let t = &m.total;
    let _ = writeln!(
        body,
        "<header><h1>Traceability matrix <small>{}</small></h1>\
<p class=\"lede\">Requirements → user stories → use cases → endpoints → code → tests. \
Coverage counts functional requirements: {} of them, {} with gaps.</p></header>",
        esc(title),
        t.requirements,
        m.gaps.len()
    );
    body.push_str("<section class=\"coverage\"><h2>Coverage</h2><div class=\"cards\">");
    let _ = write!(
        body,
        "<div class=\"card total\"><h3>Total <small>{} requirements</small></h3>{}</div>",
        t.requirements,
        bars(t)
    );
    for d in &m.domains {
        let name = match &d.requirements_doc {
            Some(doc) => a(&base.link(doc, None), &esc(&d.name)),
            None => esc(&d.name),
        };
        let _ = write!(
            body,
            "<div class=\"card\"><h3>{name} <small>{} requirements</small></h3>{}</div>",
            d.coverage.requirements,
            bars(&d.coverage)
        );
    }
    body.push_str("</div></section>\n");

    body.push_str("<section class=\"gaps\"><h2>Gaps</h2>");
    if m.gaps.is_empty() && m.stories_without_use_case.is_empty() {
        body.push_str(
            "<p>None: every requirement is implemented, verified and covered by a story.</p>",
        );
    } else {
        body.push_str("<ul>");
        for g in &m.gaps {
            let what: Vec<&str> = g.gaps.iter().map(|g| g.describe()).collect();
            let _ = write!(
                body,
                "<li><a href=\"#req-{}\">{}</a>: {}</li>",
                esc(&g.id),
                esc(&g.id),
                esc(&what.join("; "))
            );
        }
        for s in &m.stories_without_use_case {
            let _ = write!(
                body,
                "<li>{}: no use case references it</li>",
                doc_link(s, base)
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("</section>\n");

    body.push_str(
        "<section class=\"matrix\"><h2>Matrix</h2><form class=\"filters\" role=\"search\" onsubmit=\"return false\">\
<label>Filter <input id=\"filter\" type=\"search\" placeholder=\"ID, title, endpoint, item, file…\" autocomplete=\"off\"></label>\
<label>Domain <select id=\"domain\"><option value=\"\">all</option>",
    );
    for d in &m.domains {
        let _ = write!(body, "<option value=\"{0}\">{0}</option>", esc(&d.name));
    }
    let _ = write!(
        body,
        "</select></label><label><input id=\"gaps-only\" type=\"checkbox\"> gaps only</label>\
<output id=\"shown\">{0} of {0} requirements</output></form>\n\
<table id=\"matrix\"><thead><tr><th>Requirement</th><th>Status</th><th>User stories</th><th>Use cases</th>\
<th>Endpoints</th><th>Code</th><th>Tests</th></tr></thead><tbody>\n",
        m.requirements.len()
    );
    for r in &m.requirements {
        body.push_str(&row(r, base).replacen(
            "<tr ",
            &format!("<tr id=\"req-{}\" ", esc(&r.id)),
            1,
        ));
    }
    body.push_str(
        "</tbody></table><p id=\"empty\" hidden>No requirement matches the filter.</p></section>\n",
    );

    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
<title>Traceability: {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}\
<script type=\"application/json\" id=\"specplan-trace-data\">{}</script>\n\
<script>\n{JS}</script>\n</body>\n</html>\n",
        esc(title),
        script_json(&m.to_json()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let v = serde_json::json!({"t": "</script><!-- & \u{2028}"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }

    /// A workspace file named like a script URL is a relative link to that
    /// file; any other scheme is never linked.
    #[test]
    fn links_are_web_relative_or_fragment_only() {
        let base = LinkBase::Relative(String::new());
        let href = base.code("javascript:document.title='x';<!--.rs", 3);
        assert!(!href.starts_with("javascript:"), "{href}");
        assert!(href.starts_with("javascript%3A"), "{href}");
        assert!(safe_href(&href));
        let html = a(&href, "x");
        assert!(html.starts_with("<a href=\"javascript%3A"), "{html}");
        for bad in [
            "javascript:alert(1)",
            "JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!safe_href(bad), "{bad}");
            assert_eq!(a(bad, "t"), "t");
        }
        for good in [
            "https://x.io/a#L1",
            "http://x",
            "../a/b.rs#L2",
            "#req-1",
            "a/b:c.rs",
        ] {
            assert!(safe_href(good), "{good}");
        }
        assert!(!super::super::is_web_url("javascript:alert(1)"));
        assert!(super::super::is_web_url("https://github.com/o/r/blob/main"));
    }
}
