//! Given/When/Then scenarios of user stories, and the curl / fetch examples
//! of use cases.
//!
//! A story is a `US` definition and its section. Its acceptance criteria are
//! the lines that begin with `Given`, `When`, `Then`, `And` or `But` (bold or
//! not, in paragraphs, list items or code blocks such as ```` ```gherkin ````),
//! and the rows of a table with `Given` / `When` / `Then` columns. Steps are
//! grouped into scenarios: a new one starts at a sub-heading, a `Scenario`
//! line or a short label ending in `:`, at a `Given` after a `When` or
//! `Then`, and at a `When` after a `Then`.

use std::ops::Range;

use super::document::*;
use super::ids::is_mermaid;
use super::markdown::{Flat, HtmlAs, Kind, Node};
use super::structure::plain;
use super::{owners, within};

fn keyword(word: &str) -> Option<StepKeyword> {
    let k = match word.to_ascii_lowercase().as_str() {
        "given" => StepKeyword::Given,
        "when" => StepKeyword::When,
        "then" => StepKeyword::Then,
        "and" => StepKeyword::And,
        "but" => StepKeyword::But,
        _ => return None,
    };
    // `Given` or `GIVEN`, not a sentence that starts with `and`.
    let cased = word.chars().next().is_some_and(char::is_uppercase)
        && (word[1..].chars().all(char::is_lowercase) || word.chars().all(char::is_uppercase));
    cased.then_some(k)
}

/// Words that make a scenario an error case.
const ERROR_WORDS: &[&str] = &[
    "error",
    "errors",
    "invalid",
    "fail",
    "fails",
    "failed",
    "failure",
    "reject",
    "rejects",
    "rejected",
    "denied",
    "deny",
    "denies",
    "expired",
    "expires",
    "unauthorized",
    "unauthorised",
    "forbidden",
    "wrong",
    "incorrect",
    "missing",
    "locked",
    "exceeds",
    "exceeded",
    "conflict",
    "duplicate",
    "unavailable",
    "timeout",
    "timed",
    "malformed",
    "blocked",
    "revoked",
    "insufficient",
    "unknown",
];

const ERROR_PHRASES: &[&str] = &["not found", "already exists", "too many", "does not exist"];

/// Whether a text speaks of an error case.
pub fn is_error_text(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| {
        ERROR_WORDS.contains(w)
            || (w.len() == 3 && w.starts_with(['4', '5']) && w.bytes().all(|b| b.is_ascii_digit()))
    }) || ERROR_PHRASES.iter().any(|p| lower.contains(p))
}

enum Line {
    /// A sub-heading or a label: starts a scenario with this title.
    Title(String, Range<usize>),
    Step(Step),
    /// A table row of steps: one whole scenario.
    Row(Option<String>, Vec<Step>, Range<usize>),
}

fn classify(text: &str, range: Range<usize>) -> Option<Line> {
    let t = text.trim();
    let first = t
        .split(|c: char| c.is_whitespace() || c == ':' || c == ',')
        .next()
        .unwrap_or("");
    if let Some(k) = keyword(first) {
        let rest = t[first.len()..].trim_start_matches(|c: char| c == ':' || c.is_whitespace());
        let steps = split_inline(k, rest, &range);
        if steps.len() > 1 && steps.iter().any(|s| s.keyword == StepKeyword::Then) {
            // `Given …, When …, Then …` on one line: a whole scenario.
            return Some(Line::Row(None, steps, range));
        }
        return Some(Line::Step(Step {
            keyword: k,
            text: rest.to_string(),
            range,
        }));
    }
    let lower = t.to_lowercase();
    if lower.contains("acceptance criteria") {
        return Some(Line::Title(String::new(), range));
    }
    let label = lower.starts_with("scenario")
        || lower.starts_with("example")
        || (t.ends_with(':') && t.chars().count() <= 80);
    label.then(|| Line::Title(t.trim_end_matches(':').trim().to_string(), range))
}

/// Splits `Given a, When b, Then c` at the capitalised keywords that follow
/// a comma or semicolon.
fn split_inline(first: StepKeyword, rest: &str, range: &Range<usize>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut keyword_now = first;
    let mut start = 0;
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < rest.len() {
        if matches!(bytes[i], b',' | b';') {
            let after = rest[i + 1..].trim_start();
            let word = after
                .split(|c: char| c.is_whitespace() || c == ',')
                .next()
                .unwrap_or("");
            if let Some(k) =
                keyword(word).filter(|k| !matches!(k, StepKeyword::Given) || steps.is_empty())
            {
                steps.push(Step {
                    keyword: keyword_now,
                    text: rest[start..i].trim().to_string(),
                    range: range.clone(),
                });
                keyword_now = k;
                let skip = rest.len() - after.len() + word.len();
                start = skip;
                i = skip;
                continue;
            }
        }
        i += rest[i..].chars().next().map_or(1, char::len_utf8);
    }
    steps.push(Step {
        keyword: keyword_now,
        text: rest[start..].trim().to_string(),
        range: range.clone(),
    });
    steps
}

struct Lines<'a> {
    src: &'a str,
    section: Range<usize>,
    skip: Range<usize>,
    out: Vec<Line>,
}

impl Lines<'_> {
    fn flat_lines(&mut self, flat: &Flat) {
        for r in flat.lines() {
            let range = flat.src_range_outer(self.src, r.clone());
            if let Some(l) = classify(&flat.text[r], range) {
                self.out.push(l);
            }
        }
    }

    fn visit(&mut self, n: &Node) {
        if n.range.end <= self.section.start || n.range.start >= self.section.end {
            return;
        }
        match &n.kind {
            Kind::Heading(_) => {
                if n.range.start >= self.skip.end || n.range.end <= self.skip.start {
                    let t = plain(self.src, &n.children).text.trim().to_string();
                    let t = if t.to_lowercase().contains("acceptance criteria") {
                        String::new()
                    } else {
                        t
                    };
                    self.out.push(Line::Title(t, n.range.clone()));
                }
            }
            Kind::Paragraph => {
                let flat = Flat::of(self.src, &n.children, HtmlAs::Space);
                self.flat_lines(&flat);
            }
            Kind::CodeBlock(_) if !is_mermaid(n) => {
                let flat = Flat::of_code_block(self.src, n);
                self.flat_lines(&flat);
            }
            Kind::CodeBlock(_) | Kind::HtmlBlock => {}
            Kind::Table => self.table(n),
            _ => {
                let mut run: Vec<&Node> = Vec::new();
                for c in &n.children {
                    if c.is_inline() {
                        run.push(c);
                    } else {
                        if !run.is_empty() {
                            let flat = Flat::of(self.src, std::mem::take(&mut run), HtmlAs::Space);
                            self.flat_lines(&flat);
                        }
                        self.visit(c);
                    }
                }
                if !run.is_empty() {
                    let flat = Flat::of(self.src, run, HtmlAs::Space);
                    self.flat_lines(&flat);
                }
            }
        }
    }

    /// A table with `Given` / `When` / `Then` columns: a scenario a row.
    fn table(&mut self, t: &Node) {
        let head: Vec<String> = t
            .children
            .iter()
            .filter(|c| c.kind == Kind::TableHead)
            .flat_map(|h| h.children.iter())
            .map(|c| plain(self.src, &c.children).text.trim().to_string())
            .collect();
        let cols: Vec<(usize, StepKeyword)> = head
            .iter()
            .enumerate()
            .filter_map(|(i, h)| keyword(h).map(|k| (i, k)))
            .collect();
        if !cols.iter().any(|(_, k)| *k == StepKeyword::Then) {
            // Not a steps table: its cells may still hold step lines.
            for row in &t.children {
                for cell in &row.children {
                    let flat = Flat::of(self.src, &cell.children, HtmlAs::Space);
                    self.flat_lines(&flat);
                }
            }
            return;
        }
        let title_col = head.iter().position(|h| {
            let h = h.to_lowercase();
            h.contains("scenario") || h.contains("case") || h == "name"
        });
        for row in t.children.iter().filter(|c| c.kind == Kind::TableRow) {
            let mut steps = Vec::new();
            for (i, k) in &cols {
                if let Some(cell) = row.children.get(*i) {
                    let text = plain(self.src, &cell.children).text.trim().to_string();
                    if !text.is_empty() {
                        steps.push(Step {
                            keyword: *k,
                            text,
                            range: cell.range.clone(),
                        });
                    }
                }
            }
            let title = title_col
                .and_then(|i| row.children.get(i))
                .map(|c| plain(self.src, &c.children).text.trim().to_string())
                .filter(|t| !t.is_empty());
            if !steps.is_empty() {
                self.out.push(Line::Row(
                    title,
                    steps,
                    super::markdown::trim_end(self.src, row.range.clone()),
                ));
            }
        }
    }
}

fn scenario(
    title: Option<String>,
    steps: Vec<Step>,
    title_range: Option<Range<usize>>,
) -> Scenario {
    let start = title_range
        .as_ref()
        .map(|r| r.start)
        .or(steps.first().map(|s| s.range.start))
        .unwrap_or(0);
    let end = steps.last().map_or(start, |s| s.range.end);
    // The situation (Given) and the outcome (Then) make an error case, not
    // the action: "When they reject the invitation, Then it is declined"
    // is the normal case of a feature named "reject" (seen on vaultwarden's
    // generated stories).
    let mut part = StepKeyword::Given;
    let error_case = title.as_deref().is_some_and(is_error_text)
        || steps.iter().any(|s| {
            if !matches!(s.keyword, StepKeyword::And | StepKeyword::But) {
                part = s.keyword;
            }
            part != StepKeyword::When && is_error_text(&s.text)
        });
    Scenario {
        title,
        error_case,
        steps,
        range: start..end,
    }
}

/// The scenario being read: its title line and steps.
struct Open {
    title: Option<(String, Range<usize>)>,
    steps: Vec<Step>,
}

impl Open {
    fn has(&self, k: StepKeyword) -> bool {
        self.steps.iter().any(|s| s.keyword == k)
    }

    fn close(self) -> Scenario {
        let (title, range) = match self.title {
            Some((t, r)) => ((!t.is_empty()).then_some(t), Some(r)),
            None => (None, None),
        };
        scenario(title, self.steps, range)
    }
}

fn group(lines: Vec<Line>) -> Vec<Scenario> {
    let mut out = Vec::new();
    let mut title: Option<(String, Range<usize>)> = None;
    let mut cur: Option<Open> = None;
    for line in lines {
        match line {
            Line::Title(t, r) => {
                out.extend(cur.take().map(Open::close));
                title = Some((t, r));
            }
            Line::Row(t, steps, r) => {
                out.extend(cur.take().map(Open::close));
                let t = t.or_else(|| title.take().map(|(t, _)| t).filter(|t| !t.is_empty()));
                let mut s = scenario(t, steps, None);
                s.range = r;
                out.push(s);
            }
            Line::Step(step) => {
                let new = match &cur {
                    None => true,
                    Some(open) => match step.keyword {
                        StepKeyword::Given => {
                            open.has(StepKeyword::When) || open.has(StepKeyword::Then)
                        }
                        StepKeyword::When => open.has(StepKeyword::Then),
                        _ => false,
                    },
                };
                if new {
                    out.extend(cur.take().map(Open::close));
                    cur = Some(Open {
                        title: title.take(),
                        steps: Vec::new(),
                    });
                }
                if let Some(open) = &mut cur {
                    open.steps.push(step);
                }
            }
        }
    }
    out.extend(cur.take().map(Open::close));
    out
}

fn code_blocks<'a>(root: &'a Node, section: &Range<usize>) -> Vec<&'a Node> {
    let mut out = Vec::new();
    root.walk(&mut |n| {
        if matches!(n.kind, Kind::CodeBlock(_))
            && !is_mermaid(n)
            && section.contains(&n.range.start)
        {
            out.push(n);
        }
    });
    out
}

fn has_curl(text: &str) -> bool {
    text.match_indices("curl").any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + 4..].chars().next();
        before.is_none_or(|c| c.is_whitespace() || matches!(c, '$' | '(' | '`' | '|' | ';' | '&'))
            && after.is_some_and(|c| c.is_whitespace() || c == '\\')
    })
}

fn has_fetch(text: &str) -> bool {
    text.match_indices("fetch").any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + 5..].trim_start_matches([' ', '\t']);
        before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) && after.starts_with('(')
    })
}

pub(super) fn extract(doc: &mut Document, src: &str, root: &Node) {
    // Stories.
    for def in &doc.definitions {
        match def.id.kind() {
            specplan_ids::Kind::Us => {
                let scenarios = if def.site == DefSite::Heading {
                    let mut lines = Lines {
                        src,
                        section: def.section.clone(),
                        skip: def.section.start..def.range.end,
                        out: Vec::new(),
                    };
                    for c in &root.children {
                        lines.visit(c);
                    }
                    group(lines.out)
                } else {
                    Vec::new()
                };
                doc.stories.push(Story {
                    id: def.id.clone(),
                    range: def.range.clone(),
                    section: def.section.clone(),
                    scenarios,
                });
            }
            specplan_ids::Kind::Uc => {
                let mut uc = UseCase {
                    id: def.id.clone(),
                    range: def.range.clone(),
                    section: def.section.clone(),
                    curl: Vec::new(),
                    fetch: Vec::new(),
                };
                for block in code_blocks(root, &def.section) {
                    let text = Flat::of_code_block(src, block).text;
                    let r = super::markdown::trim_end(src, block.range.clone());
                    if has_curl(&text) {
                        uc.curl.push(r.clone());
                    }
                    if has_fetch(&text) {
                        uc.fetch.push(r);
                    }
                }
                doc.use_cases.push(uc);
            }
            _ => {}
        }
    }
    // Examples anywhere.
    let owners = owners(doc);
    for block in code_blocks(root, &(0..src.len())) {
        let text = Flat::of_code_block(src, block).text;
        let lang = match &block.kind {
            Kind::CodeBlock(Some(info)) => info.split_whitespace().next().map(str::to_string),
            _ => None,
        };
        let range = super::markdown::trim_end(src, block.range.clone());
        for (kind, yes) in [
            (ExampleKind::Curl, has_curl(&text)),
            (ExampleKind::Fetch, has_fetch(&text)),
        ] {
            if yes {
                doc.examples.push(Example {
                    kind,
                    lang: lang.clone(),
                    within: within(&owners, range.start),
                    range: range.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_words() {
        assert!(is_error_text("the password is wrong"));
        assert!(is_error_text("Then the API returns 401"));
        assert!(is_error_text("the account is not found"));
        assert!(!is_error_text("Then the user is signed in"));
        assert!(!is_error_text("Given 4000 items"));
        assert!(!is_error_text("Then terror ensues")); // whole words only
    }

    #[test]
    fn one_line_scenarios_are_split() {
        let steps = split_inline(
            StepKeyword::Given,
            "a user, When they sign in, Then they get a token; And a cookie",
            &(0..1),
        );
        let kinds: Vec<StepKeyword> = steps.iter().map(|s| s.keyword).collect();
        assert_eq!(
            kinds,
            [
                StepKeyword::Given,
                StepKeyword::When,
                StepKeyword::Then,
                StepKeyword::And
            ]
        );
        assert_eq!(steps[1].text, "they sign in");
        // A comma in plain text does not split.
        assert_eq!(
            split_inline(StepKeyword::Given, "a, b and c", &(0..1)).len(),
            1
        );
    }

    #[test]
    fn keywords() {
        assert_eq!(keyword("Given"), Some(StepKeyword::Given));
        assert_eq!(keyword("GIVEN"), Some(StepKeyword::Given));
        assert_eq!(keyword("and"), None);
        assert_eq!(keyword("Andrew"), None);
    }

    #[test]
    fn curl_and_fetch() {
        assert!(has_curl("curl -X POST http://x"));
        assert!(has_curl("$ curl \\\n -d x"));
        assert!(!has_curl("libcurl is used"));
        assert!(has_fetch("const r = await fetch('/auth/login', {"));
        assert!(has_fetch("window.fetch (url)"));
        assert!(!has_fetch("prefetch(x)"));
        assert!(!has_fetch("we fetch the data"));
    }
}
