//! ID definitions in the documents (SPEC.md §3.2).
//!
//! An ID is **defined** by a heading that begins with it
//! (`### FR-AUTH-01: Sign in with email`) or by the first cell of a table row
//! whose header's first cell is `ID`, in the document of its kind:
//! FRs and NFRs in `<domain>/requirements/requirements.md`, user stories in
//! `<domain>/requirements/user-stories.md`, use cases in
//! `<domain>/workflows/use-cases.md`. Every other occurrence is a reference.

use crate::lines::LineIndex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::config::{Domain, Project};
use crate::id::{DocKind, Id, IdError, Kind, leading_id_word};
use crate::slug::github_slug;

/// How an ID is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A heading that begins with the ID.
    Heading,
    /// The first cell of a row of an `ID` table.
    TableRow,
}

/// A definition found in one document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDefinition {
    pub id: Id,
    pub form: Form,
    /// 1-based line and column (in characters) of the ID.
    pub line: usize,
    pub column: usize,
    /// The words after the ID (`Sign in with email`), or for a table row the
    /// second cell; may be empty.
    pub title: String,
    /// The GitHub anchor to link to: the heading's own, or for a table row
    /// the anchor of the section that holds the table (empty before any
    /// heading).
    pub anchor: String,
}

/// Something that looks like a definition but whose ID is malformed
/// (`### FR-auth-1: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub text: String,
    pub error: IdError,
    pub line: usize,
    pub column: usize,
}

/// What one document defines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentDefinitions {
    pub definitions: Vec<LocalDefinition>,
    /// Would-be definitions with a malformed ID.
    pub malformed: Vec<Malformed>,
    /// Well-formed IDs in definition position whose kind this document
    /// does not define (a `### US-AUTH-01` in `requirements.md`).
    pub misplaced: Vec<LocalDefinition>,
}

/// How much of each definition is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detail {
    /// Everything: titles and anchors too.
    Full,
    /// Which IDs are defined, where and in what form: titles and anchors
    /// are left empty (the build-time check under rustc, which needs no
    /// more, reads every document of the workspace unoptimised).
    Ids,
}

/// Reads the definitions of one document's Markdown. `doc` says which kinds
/// it defines; any other kind in definition position goes to `misplaced`.
pub fn definitions_in(markdown: &str, doc: DocKind) -> DocumentDefinitions {
    definitions_with(markdown, doc, Detail::Full)
}

/// [`definitions_in`], reading only what `detail` asks for.
pub fn definitions_with(markdown: &str, doc: DocKind, detail: Detail) -> DocumentDefinitions {
    let full = detail == Detail::Full;
    let lines = LineIndex::new(markdown);
    let mut out = DocumentDefinitions::default();
    let mut slugs: BTreeMap<String, usize> = BTreeMap::new();
    let mut section_anchor = String::new();

    // The heading being read: its text and where it starts.
    let mut heading: Option<(String, usize)> = None;
    // Table state: is the first header cell `ID`; the current row's cells.
    let mut id_table = false;
    let mut cells: Vec<(String, usize)> = Vec::new();
    let mut cell: Option<(String, usize)> = None;

    // `from`: where in the Markdown the heading or cell starts; the ID is
    // the first occurrence of the word from there.
    let mut record = |text: &str, from: usize, form: Form, title: String, anchor: String| {
        let Some(word) = leading_id_word(text) else {
            return;
        };
        let start = markdown[from..].find(word).map_or(from, |i| from + i);
        let (line, column) = lines.line_col(markdown, start);
        match Id::parse(word) {
            Ok(id) => {
                let def = LocalDefinition {
                    form,
                    line,
                    column,
                    title,
                    anchor,
                    id,
                };
                if doc.kinds().contains(&def.id.kind()) {
                    out.definitions.push(def);
                } else {
                    out.misplaced.push(def);
                }
            }
            Err(error) => out.malformed.push(Malformed {
                text: word.to_string(),
                error,
                line,
                column,
            }),
        }
    };

    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some((String::new(), range.start)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((text, start)) = heading.take() {
                    if full {
                        let anchor = unique_slug(&mut slugs, &text);
                        section_anchor = anchor.clone();
                        let title = title_after_id(&text);
                        record(&text, start, Form::Heading, title, anchor);
                    } else {
                        record(&text, start, Form::Heading, String::new(), String::new());
                    }
                }
            }
            Event::Start(Tag::TableHead) => cells.clear(),
            Event::End(TagEnd::TableHead) => {
                id_table = cells
                    .first()
                    .is_some_and(|(t, _)| t.trim().eq_ignore_ascii_case("ID"));
            }
            Event::Start(Tag::TableRow) => cells.clear(),
            Event::End(TagEnd::TableRow) => {
                if id_table && let Some((first, offset)) = cells.first() {
                    let title = match cells.get(1) {
                        Some((t, _)) if full => t.trim().to_string(),
                        _ => String::new(),
                    };
                    record(
                        first,
                        *offset,
                        Form::TableRow,
                        title,
                        section_anchor.clone(),
                    );
                }
            }
            Event::End(TagEnd::Table) => id_table = false,
            Event::Start(Tag::TableCell) => cell = Some((String::new(), range.start)),
            Event::End(TagEnd::TableCell) => {
                if let Some(c) = cell.take() {
                    cells.push(c);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = heading.as_mut() {
                    text.push_str(&t);
                } else if let Some((text, _)) = cell.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((text, _)) = heading.as_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// GitHub's anchor for a heading, de-duplicated as github-slugger does:
/// a repeated slug gets `-1`, `-2`…, skipping any suffixed slug that an
/// earlier heading already took (`a`, `a`, `a-1` → `a`, `a-1`, `a-1-1`).
fn unique_slug(seen: &mut BTreeMap<String, usize>, heading: &str) -> String {
    let original = github_slug(heading);
    let mut slug = original.clone();
    while seen.contains_key(&slug) {
        let n = seen.entry(original.clone()).or_insert(0);
        *n += 1;
        slug = format!("{original}-{n}");
    }
    seen.insert(slug.clone(), 0);
    slug
}

/// `Sign in with email` from `FR-AUTH-01: Sign in with email`.
fn title_after_id(text: &str) -> String {
    let Some(word) = leading_id_word(text) else {
        return String::new();
    };
    let rest = &text.trim_start()[word.len()..];
    rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '.'))
        .trim_end()
        .to_string()
}

/// A definition with the document it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub id: Id,
    pub form: Form,
    /// The document, absolute when the project root is.
    pub path: PathBuf,
    /// The document relative to the workspace root, `/`-separated.
    pub rel_path: String,
    /// The domain whose folder holds the document.
    pub domain: String,
    pub line: usize,
    pub column: usize,
    pub title: String,
    pub anchor: String,
}

/// Every definition of a project's documents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Docs {
    /// By ID; more than one entry is a duplicate definition.
    pub definitions: BTreeMap<Id, Vec<Definition>>,
    /// Malformed would-be definitions, with their document.
    pub malformed: Vec<(String, Malformed)>,
    /// Every document read, sorted: a build that depends on the verdict
    /// must be re-run when one of these changes.
    pub files: Vec<PathBuf>,
    /// Documents looked for that do not exist.
    pub missing: Vec<PathBuf>,
    /// The domains whose documents were read.
    pub domains: Vec<Domain>,
}

/// A document that exists but cannot be read.
#[derive(Debug)]
pub struct DocsError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for DocsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not read `{}`: {}",
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for DocsError {}

/// Documents larger than this are refused (a requirements document is a
/// few hundred KiB at most).
const MAX_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;

impl Docs {
    /// Reads the definitions of every domain's three defining documents.
    pub fn read(project: &Project) -> Result<Docs, DocsError> {
        Docs::read_with(project, Detail::Full)
    }

    /// [`Docs::read`], reading only what `detail` asks for.
    pub fn read_with(project: &Project, detail: Detail) -> Result<Docs, DocsError> {
        let mut docs = Docs {
            domains: project.domains(),
            ..Docs::default()
        };
        let jail = project.jail().ok_or_else(|| DocsError {
            path: project.root.clone(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "the workspace root is gone"),
        })?;
        for domain in docs.domains.clone() {
            for kind in DocKind::ALL {
                let path = project.document(&domain, kind);
                // Documents are read only inside the workspace: a domain
                // folder that is a symlink to `/etc` is an error, not a read.
                let text = match jail.read_to_string(&path, MAX_DOCUMENT_BYTES) {
                    Ok(t) => t,
                    Err(e) if e.is_not_found() => {
                        docs.missing.push(path);
                        continue;
                    }
                    Err(e) => {
                        return Err(DocsError {
                            path,
                            error: std::io::Error::other(e.to_string()),
                        });
                    }
                };
                let rel_path = project.relative(&path);
                let found = definitions_with(&text, kind, detail);
                for d in found.definitions {
                    docs.definitions
                        .entry(d.id.clone())
                        .or_default()
                        .push(Definition {
                            id: d.id,
                            form: d.form,
                            path: path.clone(),
                            rel_path: rel_path.clone(),
                            domain: domain.name.clone(),
                            line: d.line,
                            column: d.column,
                            title: d.title,
                            anchor: d.anchor,
                        });
                }
                docs.malformed
                    .extend(found.malformed.into_iter().map(|m| (rel_path.clone(), m)));
                docs.files.push(path);
            }
        }
        docs.files.sort();
        docs.missing.sort();
        Ok(docs)
    }

    /// The (first) definition of an ID.
    pub fn get(&self, id: &Id) -> Option<&Definition> {
        self.definitions.get(id).and_then(|d| d.first())
    }

    pub fn is_defined(&self, id: &Id) -> bool {
        self.definitions.contains_key(id)
    }

    /// The defined IDs of one kind and domain prefix, in order.
    pub fn ids_of(&self, kind: Kind, prefix: &str) -> Vec<&Id> {
        self.definitions
            .keys()
            .filter(|id| id.kind() == kind && id.domain() == prefix)
            .collect()
    }

    /// Up to `max` defined IDs closest to `id` (see [`crate::closest`]).
    pub fn closest(&self, id: &Id, max: usize) -> Vec<&Id> {
        crate::suggest::closest(id, self.definitions.keys(), max)
    }
}

/// Whether `path` is one of the documents that define IDs
/// (`…/requirements/requirements.md` and so on), and of which kind.
pub fn doc_kind_of(path: &Path) -> Option<DocKind> {
    let s = path.to_string_lossy().replace('\\', "/");
    DocKind::ALL
        .into_iter()
        .find(|k| s.ends_with(&format!("/{}", k.path_in_domain())))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_detail_finds_what_full_finds() {
        let md = "# Reqs\n\n### FR-AUTH-01: Sign in\n\n| ID | Title |\n|----|-------|\n| FR-AUTH-02 | Sign out |\n\n```\n### FR-AUTH-03: in a fence\n```\n\n### fr-auth-4 bad\n### US-AUTH-01: misplaced\n";
        let full = definitions_in(md, DocKind::Requirements);
        let ids = definitions_with(md, DocKind::Requirements, Detail::Ids);
        let strip = |d: &DocumentDefinitions| -> Vec<(String, usize, usize)> {
            d.definitions
                .iter()
                .chain(&d.misplaced)
                .map(|x| (x.id.to_string(), x.line, x.column))
                .collect()
        };
        assert_eq!(strip(&full), strip(&ids));
        assert_eq!(full.malformed, ids.malformed);
        assert_eq!(strip(&full).len(), 3);
        assert_eq!(full.definitions[0].title, "Sign in");
        assert!(
            ids.definitions
                .iter()
                .all(|d| d.title.is_empty() && d.anchor.is_empty())
        );
    }

    use super::*;

    const REQUIREMENTS: &str = "\
# Auth requirements

## 2. Functional requirements

### FR-AUTH-01: Sign in with email

Text that mentions FR-AUTH-09 is a reference.

### FR-AUTH-02 — Sign out
### Overview of FR-AUTH-03

| ID | Requirement | Priority |
|----|-------------|----------|
| NFR-AUTH-01 | Passwords are hashed with argon2 | Must |
| **NFR-AUTH-02** | Tokens expire | Should |
| see NFR-AUTH-03 | not a definition | - |
| US-AUTH-01 | a story in the wrong document | - |

| Name | ID |
|------|----|
| FR-AUTH-04 | FR-AUTH-05 |

### fr-auth-6: Malformed
## FR-AUTH-02 — Sign out
";

    #[test]
    fn headings_and_id_tables_define() {
        let d = definitions_in(REQUIREMENTS, DocKind::Requirements);
        let ids: Vec<String> = d.definitions.iter().map(|d| d.id.to_string()).collect();
        assert_eq!(
            ids,
            [
                "FR-AUTH-01",
                "FR-AUTH-02",
                "NFR-AUTH-01",
                "NFR-AUTH-02",
                "FR-AUTH-02"
            ]
        );
        let first = &d.definitions[0];
        assert_eq!((first.line, first.column), (5, 5));
        assert_eq!(first.title, "Sign in with email");
        assert_eq!(first.anchor, "fr-auth-01-sign-in-with-email");
        assert_eq!(first.form, Form::Heading);
        assert_eq!(d.definitions[1].title, "Sign out");
        assert_eq!(d.definitions[1].anchor, "fr-auth-02--sign-out");
        assert_eq!(d.definitions[4].anchor, "fr-auth-02--sign-out-1");
        let row = &d.definitions[2];
        assert_eq!(row.form, Form::TableRow);
        assert_eq!((row.line, row.column), (14, 3));
        assert_eq!(row.title, "Passwords are hashed with argon2");
        assert_eq!(row.anchor, "overview-of-fr-auth-03");
        assert_eq!((d.definitions[3].line, d.definitions[3].column), (15, 5));
        assert_eq!(d.misplaced.len(), 1);
        assert_eq!(d.misplaced[0].id.to_string(), "US-AUTH-01");
        assert_eq!(d.malformed.len(), 1);
        assert_eq!(d.malformed[0].text, "fr-auth-6");
        assert_eq!(d.malformed[0].line, 23);
        assert_eq!(d.malformed[0].error.suggestion(), Some("FR-AUTH-06"));
    }

    #[test]
    fn anchors_skip_taken_slugs_like_github() {
        let text = "### FR-AUTH-08: a\n### FR-AUTH-08: a\n### FR-AUTH-08: a-1\n### FR-AUTH-08: a\n";
        let anchors: Vec<String> = definitions_in(text, DocKind::Requirements)
            .definitions
            .into_iter()
            .map(|d| d.anchor)
            .collect();
        assert_eq!(
            anchors,
            [
                "fr-auth-08-a",
                "fr-auth-08-a-1",
                "fr-auth-08-a-1-1",
                "fr-auth-08-a-2"
            ]
        );
    }

    #[test]
    fn stories_are_defined_in_their_own_document() {
        let text = "# Stories\n\n### US-AUTH-01: Sign in\n\n### FR-AUTH-01: not here\n";
        let d = definitions_in(text, DocKind::UserStories);
        assert_eq!(d.definitions.len(), 1);
        assert_eq!(d.definitions[0].id.to_string(), "US-AUTH-01");
        assert_eq!(d.misplaced[0].id.to_string(), "FR-AUTH-01");
    }

    #[test]
    fn setext_headings_and_code_spans() {
        let text = "Intro\n\n`FR-AUTH-07` Sign up\n-----------\n";
        let d = definitions_in(text, DocKind::Requirements);
        assert_eq!(d.definitions[0].id.to_string(), "FR-AUTH-07");
        assert_eq!(d.definitions[0].line, 3);
        assert_eq!(d.definitions[0].title, "Sign up");
    }

    #[test]
    fn reads_a_project() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(
            root.join("specplan.toml"),
            "[[domains]]\nname = \"auth\"\n[[domains]]\nname = \"orders\"\n",
        )
        .unwrap();
        let req = root.join("docs/en/specifications/auth/requirements/requirements.md");
        std::fs::create_dir_all(req.parent().unwrap()).unwrap();
        std::fs::write(&req, REQUIREMENTS).unwrap();
        let project = Project::discover(root).unwrap().unwrap();
        let docs = Docs::read(&project).unwrap();
        assert_eq!(docs.files, std::slice::from_ref(&req));
        assert_eq!(docs.missing.len(), 5);
        let id = Id::parse("FR-AUTH-02").unwrap();
        assert_eq!(docs.definitions[&id].len(), 2, "a duplicate");
        let def = docs.get(&Id::parse("FR-AUTH-01").unwrap()).unwrap();
        assert_eq!(
            def.rel_path,
            "docs/en/specifications/auth/requirements/requirements.md"
        );
        assert_eq!(def.domain, "auth");
        assert_eq!(def.path, req);
        assert_eq!(
            docs.ids_of(Kind::Nfr, "AUTH")
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>(),
            ["NFR-AUTH-01", "NFR-AUTH-02"]
        );
        assert_eq!(docs.malformed.len(), 1);
        assert_eq!(doc_kind_of(&req), Some(DocKind::Requirements));
        assert_eq!(doc_kind_of(Path::new("a/README.md")), None);
    }
}
