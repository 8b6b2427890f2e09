//! The types of the spec model: what one document holds.
//!
//! Every element carries the byte range it covers in [`Document::text`]
//! (turn it into a [`Span`](crate::diag::Span) with
//! [`Span::from_bytes`](crate::diag::Span::from_bytes)). Nothing here decides
//! what is an error: a malformed ID is recorded with its parse error, a meta
//! field with whatever value it has.

use std::fmt;
use std::ops::Range;

use serde::{Serialize, Serializer};
use specplan_ids::Id;

/// Ranges serialize as `"start..end"`, one line in a snapshot.
pub(crate) fn ser_range<S: Serializer>(r: &Range<usize>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{}..{}", r.start, r.end))
}

fn ser_opt_range<S: Serializer>(r: &Option<Range<usize>>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => ser_range(r, s),
        None => s.serialize_none(),
    }
}

fn ser_ranges<S: Serializer>(rs: &[Range<usize>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(rs.iter().map(|r| format!("{}..{}", r.start, r.end)))
}

fn ser_display<T: fmt::Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Which document of the pipeline (or around it) a file is, from its path
/// under the docs root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// `<domain>/requirements/requirements.md` (Step 1).
    Requirements,
    /// `<domain>/requirements/user-stories.md` (Step 2).
    UserStories,
    /// `<domain>/requirements/api-spec.md` (Step 3).
    ApiSpec,
    /// `<domain>/workflows/use-cases.md` (Step 4).
    UseCases,
    /// `<domain>/workflows/sequence-diagram.md` (Step 5).
    SequenceDiagram,
    /// `README.md` at the docs root (Step 6).
    Index,
    /// `<domain>/README.md`.
    DomainIndex,
    /// `architecture.md` at the docs root.
    Architecture,
    /// `config.md` at the docs root.
    Config,
    /// `infrastructure.md` at the docs root.
    Infrastructure,
    /// Anything else.
    Other,
}

impl DocKind {
    /// The five pipeline documents, in order.
    pub const PIPELINE: [DocKind; 5] = [
        DocKind::Requirements,
        DocKind::UserStories,
        DocKind::ApiSpec,
        DocKind::UseCases,
        DocKind::SequenceDiagram,
    ];

    /// The pipeline step (1–5) of a per-domain document.
    pub fn step(self) -> Option<u8> {
        DocKind::PIPELINE
            .iter()
            .position(|k| *k == self)
            .map(|i| i as u8 + 1)
    }

    /// The step name used on the command line (`requirements`,
    /// `user-stories`, `api-spec`, `use-cases`, `sequence-diagram`).
    pub fn step_name(self) -> Option<&'static str> {
        Some(match self {
            DocKind::Requirements => "requirements",
            DocKind::UserStories => "user-stories",
            DocKind::ApiSpec => "api-spec",
            DocKind::UseCases => "use-cases",
            DocKind::SequenceDiagram => "sequence-diagram",
            _ => return None,
        })
    }

    /// The document's path inside its domain folder.
    pub fn path_in_domain(self) -> Option<&'static str> {
        Some(match self {
            DocKind::Requirements => "requirements/requirements.md",
            DocKind::UserStories => "requirements/user-stories.md",
            DocKind::ApiSpec => "requirements/api-spec.md",
            DocKind::UseCases => "workflows/use-cases.md",
            DocKind::SequenceDiagram => "workflows/sequence-diagram.md",
            DocKind::DomainIndex => "README.md",
            _ => return None,
        })
    }

    /// `architecture.md`, `config.md`, `infrastructure.md`.
    pub fn is_workspace_doc(self) -> bool {
        matches!(
            self,
            DocKind::Architecture | DocKind::Config | DocKind::Infrastructure
        )
    }

    /// The kind in specplan-ids' terms, for the documents that define IDs.
    pub fn ids_doc_kind(self) -> Option<specplan_ids::DocKind> {
        match self {
            DocKind::Requirements => Some(specplan_ids::DocKind::Requirements),
            DocKind::UserStories => Some(specplan_ids::DocKind::UserStories),
            DocKind::UseCases => Some(specplan_ids::DocKind::UseCases),
            _ => None,
        }
    }

    /// Whether IDs of `kind` are defined in this document.
    pub fn defines(self, kind: specplan_ids::Kind) -> bool {
        self.ids_doc_kind() == Some(kind.document())
    }
}

/// The H1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Title {
    pub text: String,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// A meta field the rules know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetaField {
    Version,
    LastUpdated,
    Status,
}

impl MetaField {
    /// The field a key names: `Version`, `Last Updated`, `Status` (any case,
    /// `-`, `_` or spaces between words).
    pub fn from_key(key: &str) -> Option<MetaField> {
        let norm: String = key
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match norm.as_str() {
            "version" => Some(MetaField::Version),
            "lastupdated" => Some(MetaField::LastUpdated),
            "status" => Some(MetaField::Status),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            MetaField::Version => "Version",
            MetaField::LastUpdated => "Last Updated",
            MetaField::Status => "Status",
        }
    }
}

/// The review status of a document (SPEC.md §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Status {
    Draft,
    #[serde(rename = "In Review")]
    InReview,
    Approved,
    Deprecated,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::InReview,
        Status::Approved,
        Status::Deprecated,
    ];

    /// The status a meta value begins with: one of `Draft`, `In Review`,
    /// `Approved`, `Deprecated`, alone or followed by a person's note
    /// (`Draft — note from Bob`).
    pub fn parse(s: &str) -> Option<Status> {
        Status::leading(s).map(|(status, _)| status)
    }

    /// The status a meta value begins with and the byte range of its words
    /// in `s`, so that an edit replaces only them and keeps the note after.
    pub fn leading(s: &str) -> Option<(Status, Range<usize>)> {
        let start = meta_value_start(s);
        let rest = &s[start..];
        Status::ALL.into_iter().find_map(|status| {
            let word = status.as_str();
            let after = rest.strip_prefix(word)?;
            ends_token(after).then(|| (status, start..start + word.len()))
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::InReview => "In Review",
            Status::Approved => "Approved",
            Status::Deprecated => "Deprecated",
        }
    }
}

/// Where a meta value's first token starts: after white space and the
/// Markdown that may wrap it (`` `1.0.0` ``, `*Draft*`).
fn meta_value_start(s: &str) -> usize {
    s.len()
        - s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '`' | '*' | '_'))
            .len()
}

/// Whether a token ends where `after` begins: at the end of the value or
/// before anything that is not part of a word or version.
fn ends_token(after: &str) -> bool {
    after
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '+')))
        || after.starts_with(". ")
        || after == "."
}

/// The semantic version a `Version` value begins with (`2.3.0 (see
/// changelog)` is 2.3.0) and its byte range in `s`.
pub fn leading_version(s: &str) -> Option<(semver::Version, Range<usize>)> {
    let start = meta_value_start(s);
    let rest = &s[start..];
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
        .unwrap_or(rest.len());
    let token = rest[..len].trim_end_matches('.');
    let version = semver::Version::parse(token).ok()?;
    Some((version, start..start + token.len()))
}

/// The `YYYY-MM-DD` date a `Last Updated` value begins with, and its byte
/// range in `s`.
pub fn leading_date(s: &str) -> Option<Range<usize>> {
    let start = meta_value_start(s);
    let token = s.get(start..start + 10)?;
    (crate::date::is_valid(token) && ends_token(&s[start + 10..])).then(|| start..start + 10)
}

/// One `**Key:** value` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaEntry {
    /// The key as written, without the colon.
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<MetaField>,
    /// The value's plain text as written (inline code without backticks),
    /// trimmed; may be empty.
    pub value: String,
    /// The whole line.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    /// The bold label.
    #[serde(serialize_with = "ser_range")]
    pub key_range: Range<usize>,
    /// The value; empty at the end of the label when there is none.
    #[serde(serialize_with = "ser_range")]
    pub value_range: Range<usize>,
}

/// The meta block after the H1.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Meta {
    /// From the first entry's block to the last's; `None` without entries.
    #[serde(serialize_with = "ser_opt_range")]
    pub range: Option<Range<usize>>,
    pub entries: Vec<MetaEntry>,
}

impl Meta {
    /// The (first) entry of a field.
    pub fn get(&self, field: MetaField) -> Option<&MetaEntry> {
        self.entries.iter().find(|e| e.field == Some(field))
    }

    /// The entries of a field (more than one is a duplicate).
    pub fn all(&self, field: MetaField) -> impl Iterator<Item = &MetaEntry> {
        self.entries.iter().filter(move |e| e.field == Some(field))
    }

    /// The status, when the field is there and its value is one of the four.
    pub fn status(&self) -> Option<Status> {
        self.get(MetaField::Status)
            .and_then(|e| Status::parse(&e.value))
    }
}

/// `Previous` or `Next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NavDirection {
    Previous,
    Next,
}

/// A `Previous` / `Next` link near the top of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NavLink {
    pub direction: NavDirection,
    /// The link's text (`Requirements`).
    pub title: String,
    pub dest: String,
    /// The link.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    /// The whole navigation line.
    #[serde(serialize_with = "ser_range")]
    pub line_range: Range<usize>,
}

/// A heading, with GitHub's anchor for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    /// Plain text (inline code without backticks, no HTML).
    pub text: String,
    /// GitHub's anchor, unique in the document (`overview`, `overview-1`).
    pub slug: String,
    /// `1` in `1. Overview`, `2.1` in `2.1 Sign in`, as written without the
    /// trailing dot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The heading line.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    /// From the heading to the next heading of the same or a higher level.
    #[serde(serialize_with = "ser_range")]
    pub section: Range<usize>,
}

impl Heading {
    /// The text after the number (`Overview` in `1. Overview`).
    pub fn title(&self) -> &str {
        split_number(&self.text).map_or(self.text.as_str(), |(_, t)| t)
    }
}

/// `("1", "Overview")` from `1. Overview`, `("2.1", "Sign in")` from
/// `2.1 Sign in`.
pub fn split_number(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let num = &text[..end];
    let rest = &text[end..];
    let valid = !num.is_empty()
        && num.starts_with(|c: char| c.is_ascii_digit())
        && !num.contains("..")
        && (rest.is_empty() || rest.starts_with(char::is_whitespace));
    valid.then(|| (num.trim_end_matches('.'), rest.trim()))
}

/// A level-2 heading and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    pub slug: String,
    #[serde(serialize_with = "ser_range")]
    pub heading_range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// A link of the Table of Contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub text: String,
    pub dest: String,
    /// Nesting: 0 for the top list.
    pub depth: usize,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

impl TocEntry {
    /// The anchor the entry points to (`1-overview` for `#1-overview`).
    pub fn anchor(&self) -> Option<&str> {
        self.dest.strip_prefix('#')
    }
}

/// The `Table of Contents` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Toc {
    #[serde(serialize_with = "ser_range")]
    pub heading_range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    pub entries: Vec<TocEntry>,
}

/// Where a link points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// `#anchor` in the same document.
    Anchor,
    /// A path relative to the document, maybe with `#anchor`.
    Relative,
    /// A path starting with `/`.
    Absolute,
    /// A URL with a scheme (`https:`, `mailto:`) or `//host`.
    External,
}

/// A link or image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub text: String,
    pub dest: String,
    pub kind: LinkKind,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub image: bool,
    /// The path part of a relative or absolute link, before `#` and `?`,
    /// as written (not percent-decoded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The part after `#`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// The workspace-relative file a relative link points to (`None` for
    /// anchors, external links, and paths that climb out of the workspace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

impl Link {
    /// A link within the repository: an anchor or a relative path.
    pub fn is_relative(&self) -> bool {
        matches!(self.kind, LinkKind::Anchor | LinkKind::Relative)
    }
}

/// A generated region (SPEC.md §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionSpan {
    pub name: String,
    /// From the begin marker to the end marker.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub inner: Range<usize>,
}

/// Why the document's regions cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionProblem {
    pub message: String,
    /// The line the problem is on.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// The diagram type of a Mermaid block, from its first keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MermaidKind {
    /// `sequenceDiagram`.
    Sequence,
    /// `C4Context`, `C4Container`, `C4Component`, `C4Dynamic`,
    /// `C4Deployment` (see [`Mermaid::keyword`]).
    C4,
    /// `graph` or `flowchart` (see [`Mermaid::direction`]).
    Flowchart,
    /// `erDiagram`.
    Er,
    /// `classDiagram`.
    Class,
    /// `stateDiagram`, `stateDiagram-v2`.
    State,
    /// Another diagram type Mermaid knows (`gantt`, `pie`, `mindmap`, …).
    OtherKnown,
    /// A first word Mermaid does not know.
    Unknown,
    /// No statement at all.
    Empty,
}

/// A ```` ```mermaid ```` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mermaid {
    pub kind: MermaidKind,
    /// The first word as written (`sequenceDiagram`, `C4Context`, `graph`).
    pub keyword: String,
    /// `TD`, `TB`, `BT`, `LR`, `RL` after `graph` / `flowchart`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// The block's content.
    #[serde(skip)]
    pub text: String,
    /// The whole fenced block, fences included.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    /// The first keyword (or the block when empty).
    #[serde(serialize_with = "ser_range")]
    pub keyword_range: Range<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<SequenceDiagram>,
}

/// A name in a sequence diagram statement, with its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub name: String,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// `participant H as auth_handler.rs<br/>(Presentation)` or `actor C as
/// Client`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// The name used in messages (`H`).
    pub alias: String,
    /// Declared with `actor` (a person or outside system, not a file).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub actor: bool,
    /// The text after `as`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `auth_handler.rs` from `auth_handler.rs<br/>(Presentation)` (or the
    /// whole label / alias when there is no `<br/>`), trimmed.
    pub file: String,
    /// `Presentation` from `…<br/>(Presentation)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Written `FileName<br/>(Layer)` with both parts non-empty.
    pub notation: bool,
    /// The statement's line.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub alias_range: Range<usize>,
    /// The file name's bytes (in the label, or the alias).
    #[serde(serialize_with = "ser_range")]
    pub file_range: Range<usize>,
}

/// `A->>B: text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub from: Named,
    pub to: Named,
    pub arrow: String,
    pub text: String,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// How a statement uses a participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UseKind {
    Message,
    Note,
    Activate,
    Deactivate,
    Destroy,
}

/// A participant named by a statement other than its declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantUse {
    pub name: String,
    pub by: UseKind,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// `alt`, `opt`, `loop`, `par`, `critical`, `break`, `rect`, `box` … `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeqBlock {
    pub keyword: String,
    /// The text after the keyword.
    pub label: String,
    /// 0 for a top-level block.
    pub depth: usize,
    #[serde(serialize_with = "ser_range")]
    pub open: Range<usize>,
    /// The `end` line; `None` when the diagram ends first.
    #[serde(serialize_with = "ser_opt_range")]
    pub close: Option<Range<usize>>,
}

/// A statement out of place: an `end` with no block open, or `else` /
/// `and` / `option` outside `alt` / `par` / `critical`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Misplaced {
    pub keyword: String,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// What a `sequenceDiagram` block says, line by line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SequenceDiagram {
    pub participants: Vec<Participant>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    /// Every use of a participant name outside its declaration, in order
    /// (both ends of each message, notes, activations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<ParticipantUse>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<SeqBlock>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misplaced: Vec<Misplaced>,
    /// Lines that are no sequence-diagram statement this parser knows.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "ser_ranges")]
    pub unrecognized: Vec<Range<usize>>,
}

impl SequenceDiagram {
    pub fn participant(&self, alias: &str) -> Option<&Participant> {
        self.participants.iter().find(|p| p.alias == alias)
    }
}

/// The ID kinds, serializable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum IdKind {
    #[serde(rename = "FR")]
    Fr,
    #[serde(rename = "NFR")]
    Nfr,
    #[serde(rename = "US")]
    Us,
    #[serde(rename = "UC")]
    Uc,
}

impl From<specplan_ids::Kind> for IdKind {
    fn from(k: specplan_ids::Kind) -> Self {
        match k {
            specplan_ids::Kind::Fr => IdKind::Fr,
            specplan_ids::Kind::Nfr => IdKind::Nfr,
            specplan_ids::Kind::Us => IdKind::Us,
            specplan_ids::Kind::Uc => IdKind::Uc,
        }
    }
}

/// How a definition is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefSite {
    /// A heading that begins with it.
    Heading,
    /// The first cell of a row of a table whose first header cell is `ID`.
    TableRow,
}

impl From<DefSite> for specplan_ids::Form {
    fn from(s: DefSite) -> Self {
        match s {
            DefSite::Heading => specplan_ids::Form::Heading,
            DefSite::TableRow => specplan_ids::Form::TableRow,
        }
    }
}

/// An ID defined here (SPEC.md §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    #[serde(serialize_with = "ser_display")]
    pub id: Id,
    pub site: DefSite,
    /// The words after the ID, or for a table row the second cell.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The anchor to link to: the heading's, or for a row the anchor of the
    /// section holding the table (empty before any heading).
    pub anchor: String,
    /// The ID's bytes.
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    /// What belongs to it: the heading's section, or the row.
    #[serde(serialize_with = "ser_range")]
    pub section: Range<usize>,
}

/// Where a reference was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefSite {
    /// Prose: paragraphs, headings, list items, table cells, link text.
    Text,
    /// An inline code span.
    Code,
    /// A Mermaid block (node labels, notes).
    Mermaid,
}

/// Any other occurrence of a well-formed ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    #[serde(serialize_with = "ser_display")]
    pub id: Id,
    pub site: RefSite,
    /// In definition position (a heading start, an `ID` cell) in a document
    /// that does not define its kind (`### US-AUTH-01` in requirements.md).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub misplaced_definition: bool,
    /// The innermost definition or endpoint whose section holds it
    /// (`US-AUTH-01`, `POST /auth/login`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// An ID-looking word that does not follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MalformedId {
    pub text: String,
    /// specplan-ids' message (`malformed ID `FR-auth-1`: …; write …`).
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// In definition position (a heading start, an `ID` cell) in one of the
    /// three documents that define IDs: a definition attempt, which
    /// specplan-ids reports too.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub definition: bool,
    pub site: RefSite,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// `POST /auth/login` defined in an api-spec document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Upper-case.
    pub method: String,
    /// Normalised with [`normalize_endpoint_path`](super::normalize_endpoint_path).
    pub path: String,
    /// `METHOD /path` as written.
    pub raw: String,
    pub site: DefSite,
    /// The words after the path, or for a table row the second cell.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The IDs referenced in its section or row, in order, once each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub section: Range<usize>,
}

impl Endpoint {
    /// `POST /auth/login`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// `METHOD /path` written anywhere else (prose or inline code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointRef {
    pub method: String,
    pub path: String,
    pub raw: String,
    pub site: RefSite,
    /// In definition position in a document that is not an api-spec.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub misplaced_definition: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// A path named under a "Related code" heading or label (SPEC.md §3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedCode {
    /// Workspace-relative as written (`./` dropped); for a link, the
    /// link's target resolved from the document.
    pub path: String,
    /// `42` from `#L42` or `:42`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// `login` or `AuthService::login` from `::…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The reference as written.
    pub raw: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// `Given`, `When`, `Then`, `And`, `But`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum StepKeyword {
    Given,
    When,
    Then,
    And,
    But,
}

/// One acceptance-criteria line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub keyword: StepKeyword,
    /// The line after the keyword.
    pub text: String,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// Steps from one `Given` (or `When`) to the last `Then`/`And` after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// A `Scenario:` line, a sub-heading or bold label before the steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The title or a step speaks of an error (error, invalid, fail, reject,
    /// denied, not found, expired, a 4xx/5xx status …).
    pub error_case: bool,
    pub steps: Vec<Step>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

impl Scenario {
    pub fn has(&self, keyword: StepKeyword) -> bool {
        self.steps.iter().any(|s| s.keyword == keyword)
    }
}

/// A user story (a US definition) and its acceptance criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    #[serde(serialize_with = "ser_display")]
    pub id: Id,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub section: Range<usize>,
    pub scenarios: Vec<Scenario>,
}

/// `curl` or JavaScript `fetch(`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExampleKind {
    Curl,
    Fetch,
}

/// A code block holding a curl command or a fetch call (a block with both
/// is recorded twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    pub kind: ExampleKind,
    /// The info string's first word (`bash`, `js`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
}

/// A use case (a UC definition) and its examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UseCase {
    #[serde(serialize_with = "ser_display")]
    pub id: Id,
    #[serde(serialize_with = "ser_range")]
    pub range: Range<usize>,
    #[serde(serialize_with = "ser_range")]
    pub section: Range<usize>,
    /// Code blocks in its section with a `curl` command.
    #[serde(serialize_with = "ser_ranges")]
    pub curl: Vec<Range<usize>>,
    /// Code blocks in its section with a `fetch(` call.
    #[serde(serialize_with = "ser_ranges")]
    pub fetch: Vec<Range<usize>>,
}

/// One Markdown document under the docs root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// Workspace-relative, `/`-separated (for diagnostics).
    pub path: String,
    /// Relative to the docs root.
    pub rel: String,
    pub kind: DocKind,
    /// The domain folder the document is in (`auth` for
    /// `auth/requirements/requirements.md`), configured or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The configured ID prefix of that domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The document's text; every range indexes it.
    #[serde(skip)]
    pub text: String,
    /// Where `text`'s lines start, built on the first span asked for.
    #[serde(skip)]
    pub lines: std::sync::OnceLock<specplan_ids::lines::LineIndex>,
    /// What each definition's section references, built on first use.
    #[serde(skip)]
    pub within_index: std::sync::OnceLock<Within>,
    /// The first H1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    pub meta: Meta,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub navigation: Vec<NavLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<Toc>,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// The level-2 headings, numbered (`## 1. Overview`) or not.
    pub sections: Vec<Section>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mermaid: Vec<Mermaid>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_error: Option<RegionProblem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<Definition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed_ids: Vec<MalformedId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoint_refs: Vec<EndpointRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_code: Vec<RelatedCode>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stories: Vec<Story>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub use_cases: Vec<UseCase>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

impl Document {
    /// The heading whose anchor is `slug`.
    pub fn heading_by_slug(&self, slug: &str) -> Option<&Heading> {
        self.headings.iter().find(|h| h.slug == slug)
    }

    /// The `Mermaid` blocks of a kind.
    pub fn diagrams(&self, kind: MermaidKind) -> impl Iterator<Item = &Mermaid> {
        self.mermaid.iter().filter(move |m| m.kind == kind)
    }

    /// References to `id` in this document.
    pub fn references_to<'a>(&'a self, id: &'a Id) -> impl Iterator<Item = &'a Reference> {
        self.references.iter().filter(move |r| &r.id == id)
    }

    /// The [`Span`](crate::diag::Span) of a range of this document.
    pub fn span(&self, range: &Range<usize>) -> crate::diag::Span {
        let lines = self
            .lines
            .get_or_init(|| specplan_ids::lines::LineIndex::new(&self.text));
        crate::diag::Span::from_bytes_indexed(&self.text, lines, range.start, range.end)
    }

    /// Where the rules point when something is missing from the whole
    /// document: the H1, else the first line.
    pub fn anchor_range(&self) -> Range<usize> {
        match &self.title {
            Some(t) => t.range.clone(),
            None => 0..self.text.find('\n').unwrap_or(self.text.len()),
        }
    }
}

/// The endpoints and IDs referenced inside each definition's or
/// endpoint's section (`Reference::within`), in order, once each: looked
/// up per definition by the generators instead of scanning every
/// reference of the document each time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Within {
    endpoints: std::collections::HashMap<String, Vec<String>>,
    ids: std::collections::HashMap<String, Vec<(specplan_ids::Kind, String)>>,
}

impl Within {
    fn of(doc: &Document) -> Within {
        let mut w = Within::default();
        for r in &doc.endpoint_refs {
            if let Some(within) = &r.within {
                let key = format!("{} {}", r.method, r.path);
                let list = w.endpoints.entry(within.clone()).or_default();
                if !list.contains(&key) {
                    list.push(key);
                }
            }
        }
        for r in &doc.references {
            if let Some(within) = &r.within {
                let id = (r.id.kind(), r.id.to_string());
                let list = w.ids.entry(within.clone()).or_default();
                if !list.contains(&id) {
                    list.push(id);
                }
            }
        }
        w
    }

    /// The endpoints (`GET /x`) the section of `id` names.
    pub fn endpoints(&self, id: &str) -> &[String] {
        self.endpoints.get(id).map_or(&[], Vec::as_slice)
    }

    /// The IDs of `kind` the section of `id` names.
    pub fn ids(&self, id: &str, kind: specplan_ids::Kind) -> impl Iterator<Item = &str> {
        self.ids
            .get(id)
            .into_iter()
            .flatten()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, s)| s.as_str())
    }
}

impl Document {
    /// What each section references ([`Within`]).
    pub fn within(&self) -> &Within {
        self.within_index.get_or_init(|| Within::of(self))
    }
}
