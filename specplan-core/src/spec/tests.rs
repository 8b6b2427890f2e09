//! Tests of the whole model, over small documents and the fixture trees.
#![allow(clippy::type_complexity)]

use camino::{Utf8Path, Utf8PathBuf};

use super::*;

fn ctx() -> Context {
    Context::new(
        "docs/en/specifications",
        &[("auth", "AUTH"), ("orders", "ORDERS")],
    )
}

fn parse(rel: &str, text: &str) -> Document {
    parse_document(rel, text, &ctx())
}

/// `text[range]`.
fn at<'a>(doc: &'a Document, r: &std::ops::Range<usize>) -> &'a str {
    &doc.text[r.clone()]
}

fn repo() -> Utf8PathBuf {
    Utf8Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_owned()
}

#[test]
fn kinds_and_domains_from_paths() {
    let c = ctx();
    let k = |p: &str| classify(p, &c);
    assert_eq!(k("README.md"), (DocKind::Index, None));
    assert_eq!(k("architecture.md"), (DocKind::Architecture, None));
    assert_eq!(k("config.md"), (DocKind::Config, None));
    assert_eq!(k("infrastructure.md"), (DocKind::Infrastructure, None));
    assert_eq!(
        k("auth/README.md"),
        (DocKind::DomainIndex, Some("auth".into()))
    );
    assert_eq!(
        k("auth/requirements/requirements.md"),
        (DocKind::Requirements, Some("auth".into()))
    );
    assert_eq!(
        k("pay/requirements/user-stories.md"),
        (DocKind::UserStories, Some("pay".into()))
    );
    assert_eq!(
        k("auth/requirements/api-spec.md"),
        (DocKind::ApiSpec, Some("auth".into()))
    );
    assert_eq!(
        k("auth/workflows/use-cases.md"),
        (DocKind::UseCases, Some("auth".into()))
    );
    assert_eq!(
        k("auth/workflows/sequence-diagram.md"),
        (DocKind::SequenceDiagram, Some("auth".into()))
    );
    assert_eq!(k("auth/notes.md"), (DocKind::Other, Some("auth".into())));
    assert_eq!(k("misc/notes.md"), (DocKind::Other, None));
    assert_eq!(k("notes.md"), (DocKind::Other, None));
    let d = parse("auth/requirements/requirements.md", "");
    assert_eq!(
        d.path,
        "docs/en/specifications/auth/requirements/requirements.md"
    );
    assert_eq!(d.prefix.as_deref(), Some("AUTH"));
    assert_eq!(DocKind::UseCases.step(), Some(4));
    assert_eq!(DocKind::Index.step(), None);
}

const TOP: &str = "\
# Requirements: auth

- **Version:** 1.0.0
- **Last Updated:** 2026-01-02
- **Status**: In Review
- **Owner:** `team-auth`

**Previous:** [Specifications](../../README.md) | **Next:** [User Stories](user-stories.md)

## Table of Contents

1. [Overview](#1-overview)
2. [Details](#2-details)
   - [Sub](#21-sub)

## 1. Overview

Text.

## 2. Details

### 2.1 Sub

## Appendix

## Appendix
";

#[test]
fn title_meta_navigation_toc_and_sections() {
    let d = parse("auth/requirements/requirements.md", TOP);
    let title = d.title.as_ref().unwrap();
    assert_eq!(title.text, "Requirements: auth");
    assert_eq!(at(&d, &title.range), "# Requirements: auth");

    let m = &d.meta;
    let keys: Vec<(&str, Option<MetaField>, &str)> = m
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.field, e.value.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Version", Some(MetaField::Version), "1.0.0"),
            ("Last Updated", Some(MetaField::LastUpdated), "2026-01-02"),
            ("Status", Some(MetaField::Status), "In Review"),
            ("Owner", None, "team-auth"),
        ]
    );
    let v = m.get(MetaField::Version).unwrap();
    assert_eq!(at(&d, &v.value_range), "1.0.0");
    assert_eq!(at(&d, &v.key_range), "**Version:**");
    assert_eq!(at(&d, &v.range), "**Version:** 1.0.0");
    assert_eq!(
        at(&d, &m.get(MetaField::Status).unwrap().value_range),
        "In Review"
    );
    assert_eq!(at(&d, &m.entries[3].value_range), "`team-auth`");
    assert_eq!(m.status(), Some(Status::InReview));
    assert!(at(&d, m.range.as_ref().unwrap()).starts_with("- **Version:**"));
    assert!(at(&d, m.range.as_ref().unwrap()).ends_with("`team-auth`"));

    let nav: Vec<(NavDirection, &str, &str)> = d
        .navigation
        .iter()
        .map(|n| (n.direction, n.title.as_str(), n.dest.as_str()))
        .collect();
    assert_eq!(
        nav,
        [
            (NavDirection::Previous, "Specifications", "../../README.md"),
            (NavDirection::Next, "User Stories", "user-stories.md"),
        ]
    );
    assert_eq!(
        at(&d, &d.navigation[1].range),
        "[User Stories](user-stories.md)"
    );
    assert!(at(&d, &d.navigation[0].line_range).starts_with("**Previous:**"));

    let toc = d.toc.as_ref().unwrap();
    let entries: Vec<(&str, Option<&str>, usize)> = toc
        .entries
        .iter()
        .map(|e| (e.text.as_str(), e.anchor(), e.depth))
        .collect();
    assert_eq!(
        entries,
        [
            ("Overview", Some("1-overview"), 0),
            ("Details", Some("2-details"), 0),
            ("Sub", Some("21-sub"), 1),
        ]
    );
    assert_eq!(at(&d, &toc.heading_range), "## Table of Contents");

    let sections: Vec<(Option<&str>, &str, &str)> = d
        .sections
        .iter()
        .map(|s| (s.number.as_deref(), s.title.as_str(), s.slug.as_str()))
        .collect();
    assert_eq!(
        sections,
        [
            (None, "Table of Contents", "table-of-contents"),
            (Some("1"), "Overview", "1-overview"),
            (Some("2"), "Details", "2-details"),
            (None, "Appendix", "appendix"),
            (None, "Appendix", "appendix-1"),
        ]
    );
    assert_eq!(at(&d, &d.sections[1].range), "## 1. Overview\n\nText.\n\n");
    assert!(at(&d, &d.sections[2].range).contains("### 2.1 Sub"));
    let sub = d.heading_by_slug("21-sub").unwrap();
    assert_eq!(
        (sub.level, sub.number.as_deref(), sub.title()),
        (3, Some("2.1"), "Sub")
    );
}

#[test]
fn meta_as_plain_lines_and_nav_in_link_text() {
    let text = "# T\n\n**Version:** 2.0\n**Status:** Bogus\n**Last Updated:**\n\n[← Previous: Use Cases](use-cases.md) · [Next →](x.md)\n\n## 1. A\n";
    let d = parse("auth/workflows/sequence-diagram.md", text);
    let e = &d.meta.entries;
    assert_eq!(e.len(), 3);
    assert_eq!(e[1].value, "Bogus");
    assert_eq!(d.meta.status(), None, "an invalid value is kept raw");
    assert_eq!(e[2].value, "");
    assert_eq!(e[2].value_range.start, e[2].value_range.end);
    let nav: Vec<(NavDirection, &str)> = d
        .navigation
        .iter()
        .map(|n| (n.direction, n.title.as_str()))
        .collect();
    assert_eq!(
        nav,
        [
            (NavDirection::Previous, "Use Cases"),
            (NavDirection::Next, "")
        ]
    );
    // No H1, no meta.
    let d = parse("x.md", "Some text.\n\n## 1. A\n");
    assert!(d.title.is_none());
    assert!(d.meta.entries.is_empty() && d.meta.range.is_none());
    assert!(d.toc.is_none());
}

#[test]
fn links_and_anchors() {
    let text = "# T\n\n[a](../workflows/use-cases.md#uc-auth-01) [b](#t) [c](https://x.y) ![d](img/p.png) <https://auto.link>\n\n[e][ref]\n\n[ref]: other.md\n";
    let d = parse("auth/requirements/api-spec.md", text);
    let l: Vec<(&str, LinkKind, Option<&str>, Option<&str>, Option<&str>)> = d
        .links
        .iter()
        .map(|l| {
            (
                l.text.as_str(),
                l.kind,
                l.path.as_deref(),
                l.anchor.as_deref(),
                l.resolved.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        l,
        [
            (
                "a",
                LinkKind::Relative,
                Some("../workflows/use-cases.md"),
                Some("uc-auth-01"),
                Some("docs/en/specifications/auth/workflows/use-cases.md")
            ),
            ("b", LinkKind::Anchor, None, Some("t"), None),
            ("c", LinkKind::External, None, None, None),
            (
                "d",
                LinkKind::Relative,
                Some("img/p.png"),
                None,
                Some("docs/en/specifications/auth/requirements/img/p.png")
            ),
            ("https://auto.link", LinkKind::External, None, None, None),
            (
                "e",
                LinkKind::Relative,
                Some("other.md"),
                None,
                Some("docs/en/specifications/auth/requirements/other.md")
            ),
        ]
    );
    assert!(d.links[3].image);
    assert_eq!(
        at(&d, &d.links[0].range),
        "[a](../workflows/use-cases.md#uc-auth-01)"
    );
    assert_eq!(at(&d, &d.links[5].range), "[e][ref]");
}

#[test]
fn id_definitions_references_and_malformed() {
    let text = "\
# Requirements

FR-AUTH-01 and `FR-AUTH-02`, not FR-AUTH-01x or xFR-AUTH-01, [FR-AUTH-03](#fr-auth-99-x).
Typos: FR-AUTH-1, FR-auth-02, FR-01. Words: US-based, FR-XXX-NN, <https://x.y/FR-AUTH-07>.

### FR-AUTH-01: Sign in with email

Needs NFR-AUTH-01.

### `FR-AUTH-02` — Sign out
### 3.1 FR-AUTH-04 numbered is a reference
### US-AUTH-01: misplaced
### fr-auth-5: malformed definition

| id | Requirement |
|----|-------------|
| NFR-AUTH-01 | Hashing (FR-AUTH-01) |
| see NFR-AUTH-02 | not a definition |

```text
FR-AUTH-09 in a code block is not scanned
```

```mermaid
graph TD
  A[FR-AUTH-10] --> B
```
";
    let d = parse("auth/requirements/requirements.md", text);
    let defs: Vec<(String, DefSite, &str, &str)> = d
        .definitions
        .iter()
        .map(|x| {
            (
                x.id.to_string(),
                x.site,
                x.title.as_str(),
                x.anchor.as_str(),
            )
        })
        .collect();
    assert_eq!(
        defs,
        [
            (
                "FR-AUTH-01".into(),
                DefSite::Heading,
                "Sign in with email",
                "fr-auth-01-sign-in-with-email"
            ),
            (
                "FR-AUTH-02".into(),
                DefSite::Heading,
                "Sign out",
                "fr-auth-02--sign-out"
            ),
            (
                "NFR-AUTH-01".into(),
                DefSite::TableRow,
                "Hashing (FR-AUTH-01)",
                "fr-auth-5-malformed-definition"
            ),
        ]
    );
    assert_eq!(at(&d, &d.definitions[1].range), "FR-AUTH-02");
    assert!(at(&d, &d.definitions[0].section).starts_with("### FR-AUTH-01"));
    assert!(at(&d, &d.definitions[0].section).ends_with("Needs NFR-AUTH-01.\n\n"));
    assert_eq!(
        at(&d, &d.definitions[2].section),
        "| NFR-AUTH-01 | Hashing (FR-AUTH-01) |"
    );

    let refs: Vec<(String, RefSite, bool, Option<&str>, &str)> = d
        .references
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.site,
                r.misplaced_definition,
                r.within.as_deref(),
                at(&d, &r.range),
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            (
                "FR-AUTH-01".into(),
                RefSite::Text,
                false,
                None,
                "FR-AUTH-01"
            ),
            (
                "FR-AUTH-02".into(),
                RefSite::Code,
                false,
                None,
                "FR-AUTH-02"
            ),
            (
                "FR-AUTH-03".into(),
                RefSite::Text,
                false,
                None,
                "FR-AUTH-03"
            ),
            (
                "NFR-AUTH-01".into(),
                RefSite::Text,
                false,
                Some("FR-AUTH-01"),
                "NFR-AUTH-01"
            ),
            (
                "FR-AUTH-04".into(),
                RefSite::Text,
                false,
                None,
                "FR-AUTH-04"
            ),
            ("US-AUTH-01".into(), RefSite::Text, true, None, "US-AUTH-01"),
            (
                "FR-AUTH-01".into(),
                RefSite::Text,
                false,
                Some("NFR-AUTH-01"),
                "FR-AUTH-01"
            ),
            (
                "NFR-AUTH-02".into(),
                RefSite::Text,
                false,
                None,
                "NFR-AUTH-02"
            ),
            (
                "FR-AUTH-10".into(),
                RefSite::Mermaid,
                false,
                None,
                "FR-AUTH-10"
            ),
        ]
    );

    let bad: Vec<(&str, bool, Option<&str>)> = d
        .malformed_ids
        .iter()
        .map(|m| (at(&d, &m.range), m.definition, m.suggestion.as_deref()))
        .collect();
    assert_eq!(
        bad,
        [
            ("FR-AUTH-01x", false, None),
            ("FR-AUTH-1", false, Some("FR-AUTH-01")),
            ("FR-auth-02", false, Some("FR-AUTH-02")),
            ("FR-01", false, None),
            ("fr-auth-5", true, Some("FR-AUTH-05")),
        ]
    );
    assert!(
        d.malformed_ids[1]
            .error
            .starts_with("malformed ID `FR-AUTH-1`")
    );
}

#[test]
fn definitions_only_in_the_document_of_their_kind() {
    let text =
        "# Stories\n\n### US-AUTH-01: Sign in\n\n### FR-AUTH-01: not here\n\n### fr-auth-2: typo\n";
    let d = parse("auth/requirements/user-stories.md", text);
    assert_eq!(d.definitions.len(), 1);
    assert_eq!(d.definitions[0].id.to_string(), "US-AUTH-01");
    assert!(d.references[0].misplaced_definition);
    // A malformed ID in definition position is a would-be definition.
    assert!(d.malformed_ids[0].definition);
    // Outside the defining documents headings define nothing.
    let d = parse(
        "architecture.md",
        "# A\n\n### FR-AUTH-01: x\n\n### US-East region\n",
    );
    assert!(d.definitions.is_empty());
    assert!(d.references[0].misplaced_definition);
    assert!(d.malformed_ids.is_empty(), "`US-East` is a word here");
}

#[test]
fn endpoints_with_their_ids() {
    let text = "\
# API

## 1. Endpoints

### POST /auth/login — Sign in

Implements FR-AUTH-01 and `NFR-AUTH-02`; see also FR-AUTH-01.

### `DELETE /auth/sessions/:id`

Implements FR-AUTH-02.

## 2. Catalog

| ID | Description | Requirements |
|----|-------------|--------------|
| GET /users/<id> | Show a user | FR-AUTH-03 |
| PATCH /users/{*rest} | Update | |
";
    let d = parse("auth/requirements/api-spec.md", text);
    let eps: Vec<(String, &str, DefSite, &str, Vec<&str>)> = d
        .endpoints
        .iter()
        .map(|e| {
            (
                e.key(),
                e.raw.as_str(),
                e.site,
                e.title.as_str(),
                e.ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        eps,
        [
            (
                "POST /auth/login".into(),
                "POST /auth/login",
                DefSite::Heading,
                "Sign in",
                vec!["FR-AUTH-01", "NFR-AUTH-02"]
            ),
            (
                "DELETE /auth/sessions/{id}".into(),
                "DELETE /auth/sessions/:id",
                DefSite::Heading,
                "",
                vec!["FR-AUTH-02"]
            ),
            (
                "GET /users/{id}".into(),
                "GET /users/<id>",
                DefSite::TableRow,
                "Show a user",
                vec!["FR-AUTH-03"]
            ),
            (
                "PATCH /users/{*rest}".into(),
                "PATCH /users/{*rest}",
                DefSite::TableRow,
                "Update",
                vec![]
            ),
        ]
    );
    assert_eq!(at(&d, &d.endpoints[1].range), "DELETE /auth/sessions/:id");
    assert!(d.endpoint_refs.is_empty());
    assert_eq!(d.references[0].within.as_deref(), Some("POST /auth/login"));
    // Elsewhere they are references.
    let d = parse(
        "auth/workflows/use-cases.md",
        "# UC\n\n### UC-AUTH-01: Sign in\n\nCalls `POST /auth/login` then GET /auth/me.\n\n### POST /x\n",
    );
    let refs: Vec<(&str, RefSite, bool, Option<&str>)> = d
        .endpoint_refs
        .iter()
        .map(|r| {
            (
                r.raw.as_str(),
                r.site,
                r.misplaced_definition,
                r.within.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            ("POST /auth/login", RefSite::Code, false, Some("UC-AUTH-01")),
            ("GET /auth/me", RefSite::Text, false, Some("UC-AUTH-01")),
            ("POST /x", RefSite::Text, true, None),
        ]
    );
}

#[test]
fn mermaid_blocks_and_participants() {
    let text = "\
# Flows

```mermaid
sequenceDiagram
    actor C as Client
    participant H as auth_handler.rs<br/>(Presentation)
    C->>H: POST /auth/login
    H->>S: undeclared
    alt ok
    end
```

- In a list:

  ```mermaid
  graph LR
      A --> B
  ```

```mermaid
```
";
    let d = parse("auth/workflows/sequence-diagram.md", text);
    let kinds: Vec<(MermaidKind, &str, Option<&str>)> = d
        .mermaid
        .iter()
        .map(|m| (m.kind, m.keyword.as_str(), m.direction.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            (MermaidKind::Sequence, "sequenceDiagram", None),
            (MermaidKind::Flowchart, "graph", Some("LR")),
            (MermaidKind::Empty, "", None),
        ]
    );
    assert_eq!(at(&d, &d.mermaid[1].keyword_range), "graph");
    assert!(at(&d, &d.mermaid[0].range).starts_with("```mermaid"));
    assert!(at(&d, &d.mermaid[0].range).ends_with("```"));
    let seq = d.mermaid[0].sequence.as_ref().unwrap();
    let h = seq.participant("H").unwrap();
    assert!(h.notation && !h.actor);
    assert_eq!(at(&d, &h.file_range), "auth_handler.rs");
    assert_eq!(h.layer.as_deref(), Some("Presentation"));
    assert!(seq.participant("C").unwrap().actor);
    let undeclared: Vec<&str> = seq
        .uses
        .iter()
        .filter(|u| seq.participant(&u.name).is_none())
        .map(|u| at(&d, &u.range))
        .collect();
    assert_eq!(undeclared, ["S"]);
    assert_eq!(at(&d, seq.blocks[0].close.as_ref().unwrap()), "end");
    assert_eq!(d.diagrams(MermaidKind::Flowchart).count(), 1);
    // The indented block maps back to the document too.
    let r = &d.mermaid[1];
    assert_eq!(r.text, "graph LR\n    A --> B\n");
}

#[test]
fn related_code() {
    let text = "\
# Flows

## 1. Sign in

**Related code:**

- [src/handlers/auth.rs#L20](../../../../../src/handlers/auth.rs#L20)
- `src/services/auth_service.rs::AuthService::login`
- `src/repositories/session_store.rs:42`, `login()` and the word auth.rs.

- Related code: `src/a.rs`
  - `src/b.rs::B`

Not related: `src/other.rs`.

| Step | Related code |
|------|--------------|
| 1 | `src/c.rs#L3` |

| Related code | `src/d.rs` |
|---|---|

### Related Code

- src/error.rs::ApiError and e.g. the `Dockerfile`

## 2. Next

`src/outside.rs`
";
    let d = parse("auth/workflows/sequence-diagram.md", text);
    let refs: Vec<(&str, Option<u32>, Option<&str>, &str)> = d
        .related_code
        .iter()
        .map(|r| (r.path.as_str(), r.line, r.item.as_deref(), at(&d, &r.range)))
        .collect();
    assert_eq!(
        refs,
        [
            (
                "src/handlers/auth.rs",
                Some(20),
                None,
                "[src/handlers/auth.rs#L20](../../../../../src/handlers/auth.rs#L20)"
            ),
            (
                "src/services/auth_service.rs",
                None,
                Some("AuthService::login"),
                "`src/services/auth_service.rs::AuthService::login`"
            ),
            (
                "src/repositories/session_store.rs",
                Some(42),
                None,
                "`src/repositories/session_store.rs:42`"
            ),
            ("auth.rs", None, None, "auth.rs"),
            ("src/a.rs", None, None, "`src/a.rs`"),
            ("src/b.rs", None, Some("B"), "`src/b.rs::B`"),
            ("src/c.rs", Some(3), None, "`src/c.rs#L3`"),
            ("src/d.rs", None, None, "`src/d.rs`"),
            (
                "src/error.rs",
                None,
                Some("ApiError"),
                "src/error.rs::ApiError"
            ),
            ("Dockerfile", None, None, "`Dockerfile`"),
        ]
    );
}

#[test]
fn stories_and_scenarios() {
    let text = "\
# User Stories

### US-AUTH-01: Sign in

**As a** shopper, **I want to** sign in.

#### Acceptance Criteria

**Scenario 1: Successful sign in**

- **Given** a registered shopper
- **When** they submit the right password
- **Then** they receive a token

**Scenario 2: Wrong password**

- **Given** a registered shopper
- **When** they submit a wrong password
- **Then** the API answers 401
- **And** no session is created

Given a shopper
When they sign in twice
Then both sessions live
When they sign out
Then one is left

### US-AUTH-02: Sign out

```gherkin
Scenario: Sign out
  Given a signed-in shopper
  When they sign out
  Then the session is deleted
```

| Scenario | Given | When | Then |
|----------|-------|------|------|
| Expired token | an expired token | they sign out | the API answers 401 |

### US-AUTH-03: Nothing yet
";
    let d = parse("auth/requirements/user-stories.md", text);
    let stories: Vec<(String, Vec<(Option<&str>, bool, Vec<StepKeyword>)>)> = d
        .stories
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                s.scenarios
                    .iter()
                    .map(|sc| {
                        (
                            sc.title.as_deref(),
                            sc.error_case,
                            sc.steps.iter().map(|st| st.keyword).collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    use StepKeyword::*;
    assert_eq!(
        stories,
        [
            (
                "US-AUTH-01".into(),
                vec![
                    (
                        Some("Scenario 1: Successful sign in"),
                        false,
                        vec![Given, When, Then]
                    ),
                    (
                        Some("Scenario 2: Wrong password"),
                        true,
                        vec![Given, When, Then, And]
                    ),
                    (None, false, vec![Given, When, Then]),
                    (None, false, vec![When, Then]),
                ]
            ),
            (
                "US-AUTH-02".into(),
                vec![
                    (Some("Scenario: Sign out"), false, vec![Given, When, Then]),
                    (Some("Expired token"), true, vec![Given, When, Then]),
                ]
            ),
            ("US-AUTH-03".into(), vec![]),
        ]
    );
    let step = &d.stories[0].scenarios[0].steps[0];
    assert_eq!(step.text, "a registered shopper");
    assert_eq!(at(&d, &step.range), "**Given** a registered shopper");
    let code_step = &d.stories[1].scenarios[0].steps[1];
    assert_eq!(at(&d, &code_step.range), "  When they sign out");
}

#[test]
fn use_case_examples() {
    let text = "\
# Use Cases

### UC-AUTH-01: Sign in

```bash
curl -X POST http://localhost:8080/auth/login
```

```javascript
await fetch('/auth/login', { method: 'POST' })
```

```mermaid
sequenceDiagram
    C->>H: curl 
```

### UC-AUTH-02: Sign out

No examples.
";
    let d = parse("auth/workflows/use-cases.md", text);
    let ucs: Vec<(String, usize, usize)> = d
        .use_cases
        .iter()
        .map(|u| (u.id.to_string(), u.curl.len(), u.fetch.len()))
        .collect();
    assert_eq!(
        ucs,
        [("UC-AUTH-01".into(), 1, 1), ("UC-AUTH-02".into(), 0, 0)]
    );
    assert!(at(&d, &d.use_cases[0].curl[0]).starts_with("```bash\ncurl"));
    let ex: Vec<(ExampleKind, Option<&str>, Option<&str>)> = d
        .examples
        .iter()
        .map(|e| (e.kind, e.lang.as_deref(), e.within.as_deref()))
        .collect();
    assert_eq!(
        ex,
        [
            (ExampleKind::Curl, Some("bash"), Some("UC-AUTH-01")),
            (ExampleKind::Fetch, Some("javascript"), Some("UC-AUTH-01")),
        ]
    );
}

#[test]
fn regions_and_their_errors() {
    let d = parse(
        "config.md",
        "# C\n\n<!-- specplan:begin env -->\nx\n<!-- specplan:end env -->\n",
    );
    assert_eq!(d.regions.len(), 1);
    assert_eq!(at(&d, &d.regions[0].inner), "x\n");
    assert!(d.region_error.is_none());
    let d = parse("config.md", "# C\n\n<!-- specplan:begin env -->\nx\n");
    let e = d.region_error.as_ref().unwrap();
    assert_eq!(at(&d, &e.range), "<!-- specplan:begin env -->");
    assert!(e.message.contains("no matching"), "{}", e.message);
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "\u{feff}# BOM\n",
        "#\n",
        "| ID |\n|---|\n|",
        "```mermaid\nsequenceDiagram\nparticipant\nA->>: x\n->>B\nnote\nend end\n",
        "- **Version:**\n- **:** x\n",
        "[a](<>)\n\n[b](%zz)\n",
        "### GET /\n### POST \n### FR-\n### -FR-AUTH-01\n",
        "**Related code:** `::` `src/a.rs::` `#L` [x](../../../../../../..)\n",
        "### US-AUTH-01\nGiven\nThen\nAnd\n| Given | Then |\n|--|--|\n||\n",
        "é FR-AUTH-01é ß-FR-AUTH-02 FR-AUTH-03\u{301}\r\n",
        "> - **Version:** 1\n>   **Status:** Draft\n",
    ] {
        for rel in [
            "auth/requirements/requirements.md",
            "auth/requirements/user-stories.md",
            "auth/requirements/api-spec.md",
            "auth/workflows/use-cases.md",
            "auth/workflows/sequence-diagram.md",
            "README.md",
        ] {
            let d = parse(rel, text);
            let _ = serde_json::to_string(&d).unwrap();
        }
    }
}

#[test]
fn every_prefix_of_the_fixtures_parses() {
    for doc in shop().documents {
        let text = &doc.text;
        for cut in (0..text.len())
            .step_by(7)
            .filter(|&i| text.is_char_boundary(i))
        {
            let d = parse_document(&doc.rel, &text[..cut], &ctx());
            for r in d
                .references
                .iter()
                .map(|r| &r.range)
                .chain(d.links.iter().map(|l| &l.range))
            {
                assert!(r.start <= r.end && r.end <= cut, "{} at {cut}", doc.rel);
            }
        }
    }
}

/// The fixture tree, loaded from disk.
fn shop() -> Spec {
    load(
        &crate::workspace::Jail::new(repo().join("tests/fixtures/spec/shop").as_std_path())
            .unwrap(),
        "docs/en/specifications",
        &[("auth", "AUTH")],
    )
}

#[test]
fn loads_a_docs_tree() {
    let spec = shop();
    assert!(spec.root_exists);
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    let rels: Vec<&str> = spec.documents.iter().map(|d| d.rel.as_str()).collect();
    assert_eq!(
        rels,
        [
            "README.md",
            "auth/requirements/api-spec.md",
            "auth/requirements/requirements.md",
            "auth/requirements/user-stories.md",
            "auth/workflows/sequence-diagram.md",
            "auth/workflows/use-cases.md",
        ]
    );
    let by_id = spec.definitions_by_id();
    let ids: Vec<String> = by_id.keys().map(|i| i.to_string()).collect();
    assert_eq!(
        ids,
        [
            "FR-AUTH-01",
            "FR-AUTH-02",
            "NFR-AUTH-01",
            "NFR-AUTH-02",
            "US-AUTH-01",
            "US-AUTH-02",
            "UC-AUTH-01",
            "UC-AUTH-02"
        ]
    );
    assert_eq!(spec.endpoints().count(), 3);
    let api = spec.domain_document("auth", DocKind::ApiSpec).unwrap();
    assert_eq!(
        api.meta.get(MetaField::LastUpdated).unwrap().value,
        "2026-13-45"
    );
    assert_eq!(api.meta.get(MetaField::Status).unwrap().value, "Reviewed");
    let readable: Vec<serde_json::Value> = spec.documents.iter().map(readable).collect();
    insta::assert_json_snapshot!("shop", readable);
}

/// The document as JSON with every `"start..end"` range shown as
/// `"line:column `text`"`, so that a snapshot says what each element
/// points at.
fn readable(doc: &Document) -> serde_json::Value {
    fn fix(v: &mut serde_json::Value, text: &str) {
        match v {
            serde_json::Value::String(s) => {
                let Some((a, b)) = s.split_once("..") else {
                    return;
                };
                let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) else {
                    return;
                };
                let (line, col) = crate::diag::line_col(text, a);
                let mut excerpt: String = text[a..b].chars().take(48).collect();
                if text[a..b].chars().count() > 48 {
                    excerpt.push('…');
                }
                *s = format!("{line}:{col} {}", excerpt.replace('\n', "⏎"));
            }
            serde_json::Value::Array(xs) => xs.iter_mut().for_each(|x| fix(x, text)),
            serde_json::Value::Object(m) => m.values_mut().for_each(|x| fix(x, text)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(doc).unwrap();
    fix(&mut v, &doc.text);
    v
}

/// specplan-ids' view of a document next to ours: (definitions as (id,
/// form, line, column, title, anchor), malformed words, misplaced IDs).
fn compare_with_ids(doc: &Document) {
    let Some(kind) = doc.kind.ids_doc_kind() else {
        return;
    };
    let theirs = specplan_ids::definitions_in(&doc.text, kind);
    let ours: Vec<(String, specplan_ids::Form, (usize, usize), &str, &str)> = doc
        .definitions
        .iter()
        .map(|d| {
            (
                d.id.to_string(),
                d.site.into(),
                crate::diag::line_col(&doc.text, d.range.start),
                d.title.as_str(),
                d.anchor.as_str(),
            )
        })
        .collect();
    let expected: Vec<(String, specplan_ids::Form, (usize, usize), &str, &str)> = theirs
        .definitions
        .iter()
        .map(|d| {
            (
                d.id.to_string(),
                d.form,
                (d.line, d.column),
                d.title.as_str(),
                d.anchor.as_str(),
            )
        })
        .collect();
    assert_eq!(ours, expected, "{}:\n{}", doc.path, doc.text);
    let ours_bad: Vec<&str> = doc
        .malformed_ids
        .iter()
        .filter(|m| m.definition)
        .map(|m| m.text.as_str())
        .collect();
    let theirs_bad: Vec<&str> = theirs.malformed.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(ours_bad, theirs_bad, "{}:\n{}", doc.path, doc.text);
    let misplaced: Vec<String> = doc
        .references
        .iter()
        .filter(|r| r.misplaced_definition)
        .map(|r| r.id.to_string())
        .collect();
    let theirs_misplaced: Vec<String> = theirs.misplaced.iter().map(|d| d.id.to_string()).collect();
    assert_eq!(misplaced, theirs_misplaced, "{}:\n{}", doc.path, doc.text);
}

#[test]
fn agrees_with_specplan_ids_on_odd_definitions() {
    for text in [
        "### ~~FR-AUTH-01~~ withdrawn\n",
        "### `FR-AUTH-01`: code\n### *FR-AUTH-02* emphasis\n### [FR-AUTH-03](#x) link\n",
        "Intro\n\nFR-AUTH-04 setext\n---\n\nFR-AUTH-05\nover two lines\n===\n",
        "### FR-AUTH-06<br/>html\n### <span>FR-AUTH-07</span>\n",
        "### FR-AUTH-08: a\n### FR-AUTH-08: a\n### FR-AUTH-08: b\n",
        "- ### FR-AUTH-09 in a list\n\n> ### FR-AUTH-10 quoted\n",
        "| id | x |\n|----|---|\n| `FR-AUTH-11` | t |\n| FR-AUTH-12, FR-AUTH-13 | u |\n| fr-auth-14 | v |\n",
        "| **ID** | x |\n|---|---|\n| FR-AUTH-15 | t |\n",
        "| ID |\n|---|\n| FR-AUTH-16 |\n",
        "### FR-AUTH-17-: trailing\n### FR-AUTH-18-19 too many\n### US-East region\n",
        "### UC-AUTH-01: a\n### US-AUTH-01: b\n### NFR-AUTH-01: c\n",
        "# FR-AUTH-20 as the title\n###### FR-AUTH-21 deep\n",
        "### FR-AUTH-22[^1]\n\n[^1]: a note\n",
        // (`### FR&#45;AUTH-24` is FR-AUTH-24 for both; specplan-ids then
        // points at the heading's start, we at the entity.)
        "### FR-AUTH-23 \\*escaped\\*\n",
    ] {
        for rel in [
            "auth/requirements/requirements.md",
            "auth/requirements/user-stories.md",
            "auth/workflows/use-cases.md",
        ] {
            compare_with_ids(&parse(rel, text));
        }
    }
}

/// The one known difference: a heading whose slug is another's
/// de-duplicated slug. GitHub (github-slugger) skips the taken anchor, as we
/// do; specplan-ids' counter gives both headings `a-1`.
#[test]
fn anchors_skip_taken_slugs_like_github() {
    let d = parse(
        "auth/requirements/requirements.md",
        "### FR-AUTH-08: a\n### FR-AUTH-08: a\n### FR-AUTH-08: a-1\n",
    );
    let anchors: Vec<&str> = d.definitions.iter().map(|d| d.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        ["fr-auth-08-a", "fr-auth-08-a-1", "fr-auth-08-a-1-1"]
    );
}

#[test]
fn agrees_with_specplan_ids_on_definitions() {
    let mut checked = 0;
    for (root, rel, domains) in [
        (
            "tests/fixtures/spec/shop",
            "docs/en/specifications",
            vec![("auth", "AUTH")],
        ),
        (
            "examples/storefront",
            "docs/en/specifications",
            vec![("auth", "AUTH"), ("orders", "ORDERS")],
        ),
    ] {
        let spec = load(
            &crate::workspace::Jail::new(repo().join(root).as_std_path()).unwrap(),
            rel,
            &domains,
        );
        for doc in &spec.documents {
            if doc.kind.ids_doc_kind().is_some() {
                checked += 1;
                compare_with_ids(doc);
            }
        }
    }
    assert!(checked >= 4, "{checked}");
}

/// What `init` writes (and the pipeline documents written so far): a meta
/// block, navigation, and a table of contents matching the numbered
/// sections.
#[test]
fn generated_docs_have_their_structure() {
    for (root, domains) in [
        (
            "examples/storefront",
            vec![("auth", "AUTH"), ("orders", "ORDERS")],
        ),
        (
            "tests/cmd/init-basic.out",
            vec![("books", "BOOKS"), ("authors", "AUTHORS")],
        ),
    ] {
        let spec = load(
            &crate::workspace::Jail::new(repo().join(root).as_std_path()).unwrap(),
            "docs/en/specifications",
            &domains,
        );
        assert!(spec.root_exists, "{root}");
        assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
        let mut workspace_docs = 0;
        for doc in &spec.documents {
            if doc.kind == DocKind::Other {
                continue;
            }
            let p = &doc.path;
            assert!(doc.title.is_some(), "{p}");
            for f in [
                MetaField::Version,
                MetaField::LastUpdated,
                MetaField::Status,
            ] {
                assert!(doc.meta.get(f).is_some(), "{p}: {f:?}");
            }
            assert!(doc.meta.status().is_some(), "{p}");
            assert!(
                doc.navigation
                    .iter()
                    .any(|n| n.direction == NavDirection::Next),
                "{p}"
            );
            let toc = doc.toc.as_ref().unwrap_or_else(|| panic!("{p}: no TOC"));
            let numbered: Vec<&Section> =
                doc.sections.iter().filter(|s| s.number.is_some()).collect();
            assert!(!numbered.is_empty(), "{p}");
            let anchors: Vec<&str> = toc
                .entries
                .iter()
                .filter(|e| e.depth == 0)
                .filter_map(|e| e.anchor())
                .collect();
            let slugs: Vec<&str> = numbered.iter().map(|s| s.slug.as_str()).collect();
            assert_eq!(anchors, slugs, "{p}");
            for (i, s) in numbered.iter().enumerate() {
                assert_eq!(
                    s.number.as_deref(),
                    Some((i + 1).to_string().as_str()),
                    "{p}"
                );
            }
            assert!(doc.region_error.is_none(), "{p}");
            if doc.kind.is_workspace_doc() || doc.kind == DocKind::Index {
                workspace_docs += 1;
                assert_eq!(doc.meta.status(), Some(Status::Draft), "{p}");
                assert!(!doc.regions.is_empty(), "{p}");
            }
        }
        assert_eq!(workspace_docs, 4, "{root}");
    }
}

#[test]
fn missing_root_and_unreadable_files() {
    let empty = tempfile::tempdir().unwrap();
    let spec = load(
        &crate::workspace::Jail::new(empty.path()).unwrap(),
        "docs/en/specifications",
        &[("a", "A")],
    );
    assert!(!spec.root_exists);
    assert!(spec.documents.is_empty() && spec.diagnostics.is_empty());

    let tmp = tempfile::tempdir().unwrap();
    let root = Utf8Path::from_path(tmp.path()).unwrap();
    let docs = root.join("docs/en/specifications/a/requirements");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("requirements.md"), b"# R\n\n\xff\xfe\n").unwrap();
    std::fs::write(docs.join("user-stories.md"), "# S\n").unwrap();
    std::fs::write(docs.join("notes.txt"), "not markdown").unwrap();
    let jail = crate::workspace::Jail::new(root.as_std_path()).unwrap();
    let spec = load(&jail, "./docs/en/specifications/", &[("a", "A")]);
    assert_eq!(spec.docs_root, "docs/en/specifications");
    assert_eq!(spec.documents.len(), 1);
    assert_eq!(
        spec.documents[0].path,
        "docs/en/specifications/a/requirements/user-stories.md"
    );
    assert_eq!(spec.diagnostics.len(), 1);
    assert_eq!(spec.diagnostics[0].rule, "non-utf8-file");
    assert_eq!(
        spec.diagnostics[0].file.as_deref(),
        Some("docs/en/specifications/a/requirements/requirements.md")
    );
}

#[test]
fn meta_values_keep_a_persons_note() {
    use crate::spec::{Status, leading_date, leading_version};
    assert_eq!(
        Status::leading("Draft — note from Bob"),
        Some((Status::Draft, 0..5))
    );
    assert_eq!(
        Status::leading(" `In Review`"),
        Some((Status::InReview, 2..11))
    );
    assert_eq!(Status::parse("Drafted"), None);
    assert_eq!(Status::parse("Approved."), Some(Status::Approved));
    let (v, r) = leading_version("2.3.0 (see changelog)").unwrap();
    assert_eq!((v.to_string(), r), ("2.3.0".to_string(), 0..5));
    assert_eq!(leading_version("1.0.0-rc.1, cut").unwrap().1, 0..10);
    assert!(leading_version("v2").is_none());
    assert!(leading_version("2.3").is_none());
    assert_eq!(leading_date("2026-01-15, after the workshop"), Some(0..10));
    assert_eq!(leading_date("2026-01-150"), None);
    assert_eq!(leading_date("2026-02-30"), None);
}

#[test]
fn the_action_does_not_make_an_error_case() {
    let d = parse(
        "x/requirements/user-stories.md",
        "# S\n\n### US-X-01: Reject access\n\n- Given a user, When they reject emergency access, Then the grantor is told\n- Given invalid input, When a user tries to reject emergency access, Then they receive an error\n",
    );
    let story = &d.stories[0];
    let kinds: Vec<bool> = story.scenarios.iter().map(|s| s.error_case).collect();
    assert_eq!(kinds, [false, true]);
}
