//! Mermaid blocks: the diagram type, and for sequence diagrams a small
//! line parser of the statements the rules need (participants, messages,
//! notes, activations, `alt`/`opt`/`loop`/… `end` nesting). Mermaid is
//! neither Markdown nor Rust, so this is hand-written; `%%` comment lines
//! and `%%{init}%%` directives are skipped, `;` ends a statement.

use std::ops::Range;

use super::document::*;
use super::ids::is_mermaid;
use super::markdown::{Flat, Node};

/// Diagram types Mermaid knows besides the ones with their own kind.
const OTHER_KNOWN: &[&str] = &[
    "gantt",
    "pie",
    "journey",
    "gitGraph",
    "mindmap",
    "timeline",
    "quadrantChart",
    "requirementDiagram",
    "sankey-beta",
    "sankey",
    "xychart-beta",
    "xychart",
    "block-beta",
    "block",
    "packet-beta",
    "packet",
    "architecture-beta",
    "kanban",
    "zenuml",
    "radar-beta",
    "treemap-beta",
    "info",
];

fn kind_of(keyword: &str) -> MermaidKind {
    match keyword {
        "sequenceDiagram" => MermaidKind::Sequence,
        "C4Context" | "C4Container" | "C4Component" | "C4Dynamic" | "C4Deployment" => {
            MermaidKind::C4
        }
        "graph" | "flowchart" | "flowchart-elk" => MermaidKind::Flowchart,
        "erDiagram" => MermaidKind::Er,
        "classDiagram" | "classDiagram-v2" => MermaidKind::Class,
        "stateDiagram" | "stateDiagram-v2" => MermaidKind::State,
        k if OTHER_KNOWN.contains(&k) => MermaidKind::OtherKnown,
        _ => MermaidKind::Unknown,
    }
}

/// The statement lines of a Mermaid text: (range in the text, trimmed
/// statement), skipping blank lines, comments, directives and front matter.
fn statements(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut in_front_matter = false;
    let mut first = true;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let t = line.trim();
        if first && t == "---" {
            in_front_matter = true;
            first = false;
            continue;
        }
        if in_front_matter {
            if t == "---" {
                in_front_matter = false;
            }
            continue;
        }
        if t.is_empty() || t.starts_with("%%") {
            continue;
        }
        first = false;
        // `;` separates statements on one line.
        let mut at = line_start + (line.len() - line.trim_start().len());
        for part in t.split(';') {
            let lead = part.len() - part.trim_start().len();
            let p = part.trim();
            if !p.is_empty() {
                out.push((at + lead..at + lead + p.len(), p));
            }
            at += part.len() + 1;
        }
    }
    out
}

pub(super) fn extract(doc: &mut Document, src: &str, root: &Node) {
    let mut blocks = Vec::new();
    root.walk(&mut |n| {
        if is_mermaid(n) {
            blocks.push(n);
        }
    });
    for block in blocks {
        let flat = Flat::of_code_block(src, block);
        doc.mermaid.push(mermaid(&flat, block.range.clone(), src));
    }
}

fn mermaid(flat: &Flat, range: Range<usize>, src: &str) -> Mermaid {
    let stmts = statements(&flat.text);
    let Some((first_range, first)) = stmts.first().cloned() else {
        return Mermaid {
            kind: MermaidKind::Empty,
            keyword: String::new(),
            direction: None,
            text: flat.text.clone(),
            keyword_range: super::markdown::trim_end(src, range.clone()),
            range: super::markdown::trim_end(src, range),
            sequence: None,
        };
    };
    let mut words = first.split_whitespace();
    let keyword = words.next().unwrap_or("").to_string();
    let kind = kind_of(&keyword);
    let direction = match kind {
        MermaidKind::Flowchart => words.next().map(str::to_string),
        _ => None,
    };
    let keyword_range = flat.src_range(first_range.start..first_range.start + keyword.len());
    let sequence = (kind == MermaidKind::Sequence).then(|| {
        let mut seq = parse_sequence(&flat.text);
        map_ranges(&mut seq, flat);
        seq
    });
    Mermaid {
        kind,
        keyword,
        direction,
        text: flat.text.clone(),
        range: super::markdown::trim_end(src, range),
        keyword_range,
        sequence,
    }
}

fn map_ranges(seq: &mut SequenceDiagram, flat: &Flat) {
    let m = |r: &mut Range<usize>| *r = flat.src_range(r.clone());
    for p in &mut seq.participants {
        m(&mut p.range);
        m(&mut p.alias_range);
        m(&mut p.file_range);
    }
    for msg in &mut seq.messages {
        m(&mut msg.range);
        m(&mut msg.from.range);
        m(&mut msg.to.range);
    }
    for u in &mut seq.uses {
        m(&mut u.range);
    }
    for b in &mut seq.blocks {
        m(&mut b.open);
        if let Some(c) = &mut b.close {
            m(c);
        }
    }
    for x in &mut seq.misplaced {
        m(&mut x.range);
    }
    for r in &mut seq.unrecognized {
        m(r);
    }
}

/// Splits `auth_handler.rs<br/>(Presentation)` into the file name and the
/// layer, and says whether it follows the `FileName<br/>(Layer)` notation.
/// Offsets are into `label`.
pub fn split_participant_label(label: &str) -> (Range<usize>, Option<String>, bool) {
    let lower = label.to_ascii_lowercase();
    let br = ["<br/>", "<br />", "<br>"]
        .iter()
        .filter_map(|b| lower.find(b).map(|i| (i, b.len())))
        .min();
    let Some((at, len)) = br else {
        let (lead, t) = super::markdown::trimmed(label);
        return (lead..lead + t.len(), None, false);
    };
    let (lead, file) = super::markdown::trimmed(&label[..at]);
    let after = label[at + len..].trim();
    let layer = after
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .map(str::trim);
    let notation = !file.is_empty() && layer.is_some_and(|l| !l.is_empty());
    let layer = layer.unwrap_or(after).to_string();
    (
        lead..lead + file.len(),
        (!layer.is_empty()).then_some(layer),
        notation,
    )
}

const ARROWS: &[&str] = &[
    "<<-->>", "<<->>", "-->>", "->>", "-->", "->", "--x", "-x", "--)", "-)",
];

/// The first arrow in a message line: (start, arrow).
fn find_arrow(line: &str) -> Option<(usize, &'static str)> {
    for (i, c) in line.char_indices() {
        if c != '-' && c != '<' {
            continue;
        }
        if let Some(a) = ARROWS.iter().find(|a| line[i..].starts_with(*a)) {
            return Some((i, a));
        }
    }
    None
}

/// `(trimmed, range)` of `s[r]` within the line starting at `base`.
fn named(line: &str, base: usize, r: Range<usize>) -> Named {
    let (lead, t) = super::markdown::trimmed(&line[r.clone()]);
    let t = t.trim_matches('"');
    let start = base + r.start + lead + line[r.start + lead..].find(t).unwrap_or(0);
    Named {
        name: t.to_string(),
        range: start..start + t.len(),
    }
}

/// Parses the statements of a `sequenceDiagram` (the text of the block);
/// ranges are offsets into `text`.
pub fn parse_sequence(text: &str) -> SequenceDiagram {
    let mut seq = SequenceDiagram::default();
    let mut open: Vec<usize> = Vec::new();
    for (range, line) in statements(text).into_iter().skip(1) {
        let base = range.start;
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, r)| (w, r.trim_start()));
        let rest_at = base + line.len() - rest.len();
        let word_l = word.to_ascii_lowercase();
        match word_l.as_str() {
            "participant" | "actor" | "create" => {
                let (actor, rest, rest_at) = if word_l == "create" {
                    let (w2, r2) = rest
                        .split_once(char::is_whitespace)
                        .map_or((rest, ""), |(w, r)| (w, r.trim_start()));
                    if !matches!(w2, "participant" | "actor") {
                        seq.unrecognized.push(range);
                        continue;
                    }
                    (w2 == "actor", r2, base + line.len() - r2.len())
                } else {
                    (word_l == "actor", rest, rest_at)
                };
                declare(&mut seq, range, actor, rest, rest_at);
            }
            "destroy" | "activate" | "deactivate" => {
                let by = match word_l.as_str() {
                    "destroy" => UseKind::Destroy,
                    "activate" => UseKind::Activate,
                    _ => UseKind::Deactivate,
                };
                let n = named(rest, rest_at, 0..rest.len());
                seq.uses.push(ParticipantUse {
                    name: n.name,
                    by,
                    range: n.range,
                });
            }
            "note" => {
                // note left of A: …, note over A,B: …
                let target = rest.split_once(':').map_or(rest, |(t, _)| t);
                let target_l = target.to_ascii_lowercase();
                let skip = ["left of", "right of", "over"]
                    .iter()
                    .find(|p| target_l.starts_with(*p))
                    .map(|p| p.len());
                let Some(skip) = skip else {
                    seq.unrecognized.push(range);
                    continue;
                };
                let mut at = skip;
                for part in target[skip..].split(',') {
                    let n = named(target, rest_at, at..at + part.len());
                    at += part.len() + 1;
                    if !n.name.is_empty() {
                        seq.uses.push(ParticipantUse {
                            name: n.name,
                            by: UseKind::Note,
                            range: n.range,
                        });
                    }
                }
            }
            "alt" | "opt" | "loop" | "par" | "par_over" | "critical" | "break" | "rect" | "box" => {
                open.push(seq.blocks.len());
                seq.blocks.push(SeqBlock {
                    keyword: word.to_string(),
                    label: rest.to_string(),
                    depth: open.len() - 1,
                    open: range,
                    close: None,
                });
            }
            "else" | "and" | "option" => {
                let parent = match word_l.as_str() {
                    "else" => &["alt"][..],
                    "and" => &["par", "par_over"][..],
                    _ => &["critical"][..],
                };
                let ok = open
                    .last()
                    .is_some_and(|&i| parent.contains(&seq.blocks[i].keyword.as_str()));
                if !ok {
                    seq.misplaced.push(Misplaced {
                        keyword: word.to_string(),
                        range,
                    });
                }
            }
            "end" if rest.is_empty() => match open.pop() {
                Some(i) => seq.blocks[i].close = Some(range),
                None => seq.misplaced.push(Misplaced {
                    keyword: word.to_string(),
                    range,
                }),
            },
            _ if matches!(
                word_l.trim_end_matches(':'),
                "autonumber"
                    | "title"
                    | "acctitle"
                    | "accdescr"
                    | "link"
                    | "links"
                    | "properties"
                    | "details"
            ) => {}
            _ => message(&mut seq, range, line),
        }
    }
    seq
}

fn declare(
    seq: &mut SequenceDiagram,
    range: Range<usize>,
    actor: bool,
    rest: &str,
    rest_at: usize,
) {
    // `participant A as Label`; `participant A@{ "type": "database" }`.
    let (alias_part, label) = match find_as(rest) {
        Some(i) => (&rest[..i], Some((i + 4, &rest[i + 4..]))),
        None => (rest, None),
    };
    let alias_end = alias_part.find("@{").unwrap_or(alias_part.len());
    let alias = named(rest, rest_at, 0..alias_end);
    let (label_text, file, file_range, layer, notation) = match label {
        Some((at, l)) => {
            let (lead, lt) = super::markdown::trimmed(l);
            let (lt, lead) = match lt.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(unquoted) => (unquoted, lead + 1),
                None => (lt, lead),
            };
            let (fr, layer, notation) = split_participant_label(lt);
            let off = rest_at + at + lead;
            (
                Some(lt.to_string()),
                lt[fr.clone()].to_string(),
                off + fr.start..off + fr.end,
                layer,
                notation,
            )
        }
        None => (None, alias.name.clone(), alias.range.clone(), None, false),
    };
    seq.participants.push(Participant {
        alias: alias.name,
        actor,
        label: label_text,
        file,
        layer,
        notation,
        range,
        alias_range: alias.range,
        file_range,
    });
}

/// Where ` as ` separates a participant's name from its label.
fn find_as(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    (0..b.len().saturating_sub(3)).find(|&i| {
        b[i].is_ascii_whitespace() && &b[i + 1..i + 3] == b"as" && b[i + 3].is_ascii_whitespace()
    })
}

fn message(seq: &mut SequenceDiagram, range: Range<usize>, line: &str) {
    let base = range.start;
    let Some((at, arrow)) = find_arrow(line) else {
        seq.unrecognized.push(range);
        return;
    };
    let after = at + arrow.len();
    let (target_end, text) = match line[after..].find(':') {
        Some(i) => (after + i, line[after + i + 1..].trim().to_string()),
        None => (line.len(), String::new()),
    };
    let mut to_start = after;
    while line[to_start..target_end].starts_with(['+', '-']) {
        to_start += 1;
    }
    let from = named(line, base, 0..at);
    let to = named(line, base, to_start..target_end);
    if from.name.is_empty() || to.name.is_empty() {
        seq.unrecognized.push(range);
        return;
    }
    for n in [&from, &to] {
        seq.uses.push(ParticipantUse {
            name: n.name.clone(),
            by: UseKind::Message,
            range: n.range.clone(),
        });
    }
    seq.messages.push(Message {
        from,
        to,
        arrow: arrow.to_string(),
        text,
        range,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEQ: &str = "\
sequenceDiagram
    %% the login flow
    actor C as Client
    participant H as auth_handler.rs<br/>(Presentation)
    participant S as \"auth_service.rs<br/>(Application)\"
    participant R as UserRepo
    C->>+H: POST /auth/login
    H->>S: login(email, password)
    alt valid password
        S-->>H: Session
    else invalid
        S--xH: AuthError::InvalidCredentials
    end
    Note over H,S: checked in constant time
    loop retry
        H->>DB: query
    opt never closed
";

    #[test]
    fn participants_and_notation() {
        let seq = parse_sequence(SEQ);
        let p: Vec<(&str, bool, &str, Option<&str>, bool)> = seq
            .participants
            .iter()
            .map(|p| {
                (
                    p.alias.as_str(),
                    p.actor,
                    p.file.as_str(),
                    p.layer.as_deref(),
                    p.notation,
                )
            })
            .collect();
        assert_eq!(
            p,
            [
                ("C", true, "Client", None, false),
                ("H", false, "auth_handler.rs", Some("Presentation"), true),
                ("S", false, "auth_service.rs", Some("Application"), true),
                ("R", false, "UserRepo", None, false),
            ]
        );
        let h = &seq.participants[1];
        assert_eq!(&SEQ[h.file_range.clone()], "auth_handler.rs");
        assert_eq!(&SEQ[h.alias_range.clone()], "H");
        assert_eq!(
            &SEQ[h.range.clone()],
            "participant H as auth_handler.rs<br/>(Presentation)"
        );
        assert_eq!(
            &SEQ[seq.participants[2].file_range.clone()],
            "auth_service.rs"
        );
    }

    #[test]
    fn messages_uses_and_blocks() {
        let seq = parse_sequence(SEQ);
        let m: Vec<String> = seq
            .messages
            .iter()
            .map(|m| format!("{}{}{}: {}", m.from.name, m.arrow, m.to.name, m.text))
            .collect();
        assert_eq!(
            m,
            [
                "C->>H: POST /auth/login",
                "H->>S: login(email, password)",
                "S-->>H: Session",
                "S--xH: AuthError::InvalidCredentials",
                "H->>DB: query",
            ]
        );
        assert_eq!(&SEQ[seq.messages[0].to.range.clone()], "H");
        let notes: Vec<&str> = seq
            .uses
            .iter()
            .filter(|u| u.by == UseKind::Note)
            .map(|u| &SEQ[u.range.clone()])
            .collect();
        assert_eq!(notes, ["H", "S"]);
        let blocks: Vec<(&str, usize, bool)> = seq
            .blocks
            .iter()
            .map(|b| (b.keyword.as_str(), b.depth, b.close.is_some()))
            .collect();
        assert_eq!(
            blocks,
            [("alt", 0, true), ("loop", 0, false), ("opt", 1, false)]
        );
        assert!(seq.misplaced.is_empty());
        assert!(seq.unrecognized.is_empty(), "{:?}", seq.unrecognized);
    }

    #[test]
    fn misplaced_and_unrecognized() {
        let seq = parse_sequence(
            "sequenceDiagram\nelse\nend\nA->>B: ok; B-->>A: ok\nthis is not mermaid\n",
        );
        let kw: Vec<&str> = seq.misplaced.iter().map(|m| m.keyword.as_str()).collect();
        assert_eq!(kw, ["else", "end"]);
        assert_eq!(seq.messages.len(), 2);
        assert_eq!(seq.unrecognized.len(), 1);
    }

    #[test]
    fn labels() {
        assert_eq!(
            split_participant_label(" a.rs <br> (Domain) "),
            (1..5, Some("Domain".to_string()), true)
        );
        assert_eq!(
            split_participant_label("a.rs<br/>Domain"),
            (0..4, Some("Domain".to_string()), false)
        );
        assert_eq!(split_participant_label("Client"), (0..6, None, false));
        assert!(!split_participant_label("<br/>(Domain)").2);
    }

    #[test]
    fn kinds() {
        for (text, kind, dir) in [
            (
                "%%{init: {}}%%\ngraph TD\n  A-->B\n",
                MermaidKind::Flowchart,
                Some("TD"),
            ),
            ("flowchart LR;\n", MermaidKind::Flowchart, Some("LR;")),
            ("---\ntitle: x\n---\nerDiagram\n", MermaidKind::Er, None),
            ("C4Context\n", MermaidKind::C4, None),
            ("stateDiagram-v2\n", MermaidKind::State, None),
            ("gantt\n", MermaidKind::OtherKnown, None),
            ("grpah TD\n", MermaidKind::Unknown, None),
        ] {
            let flat_src = format!("```mermaid\n{text}```\n");
            let root = super::super::markdown::parse(&flat_src);
            let flat = Flat::of_code_block(&flat_src, &root.children[0]);
            let m = mermaid(&flat, root.children[0].range.clone(), &flat_src);
            assert_eq!(m.kind, kind, "{text}");
            assert_eq!(
                m.direction.as_deref(),
                dir.map(|d| d.trim_end_matches(';')),
                "{text}"
            );
        }
    }
}
