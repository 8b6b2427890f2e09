//! The ID grammar of SPEC.md §3.2: `FR-<DOM>-<NN>`, `NFR-…`, `US-…`, `UC-…`.
//!
//! `<DOM>` is a domain prefix (upper-case ASCII letters and digits, starting
//! with a letter) and `<NN>` two or more digits. Parsing never guesses: a
//! malformed ID is an [`IdError`] that lists every problem and, when the
//! intent is clear, the corrected form.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// What an ID names, from its first part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `FR-…`, defined in `<domain>/requirements/requirements.md`.
    Fr,
    /// `NFR-…`, defined in `<domain>/requirements/requirements.md`.
    Nfr,
    /// `US-…`, defined in `<domain>/requirements/user-stories.md`.
    Us,
    /// `UC-…`, defined in `<domain>/workflows/use-cases.md`.
    Uc,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Fr, Kind::Nfr, Kind::Us, Kind::Uc];

    /// The first part of the ID: `FR`, `NFR`, `US`, `UC`.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::Fr => "FR",
            Kind::Nfr => "NFR",
            Kind::Us => "US",
            Kind::Uc => "UC",
        }
    }

    /// The kind of an exact (upper-case) tag.
    pub fn from_tag(tag: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.tag() == tag)
    }

    /// `functional requirement`, `user story`, …
    pub fn name(self) -> &'static str {
        match self {
            Kind::Fr => "functional requirement",
            Kind::Nfr => "non-functional requirement",
            Kind::Us => "user story",
            Kind::Uc => "use case",
        }
    }

    /// The document that defines IDs of this kind.
    pub fn document(self) -> DocKind {
        match self {
            Kind::Fr | Kind::Nfr => DocKind::Requirements,
            Kind::Us => DocKind::UserStories,
            Kind::Uc => DocKind::UseCases,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The per-domain documents that define IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    /// `requirements/requirements.md`: FRs and NFRs.
    Requirements,
    /// `requirements/user-stories.md`: USs.
    UserStories,
    /// `workflows/use-cases.md`: UCs.
    UseCases,
}

impl DocKind {
    pub const ALL: [DocKind; 3] = [
        DocKind::Requirements,
        DocKind::UserStories,
        DocKind::UseCases,
    ];

    /// The document's path inside its domain folder, `/`-separated.
    pub fn path_in_domain(self) -> &'static str {
        match self {
            DocKind::Requirements => "requirements/requirements.md",
            DocKind::UserStories => "requirements/user-stories.md",
            DocKind::UseCases => "workflows/use-cases.md",
        }
    }

    /// The ID kinds this document defines.
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            DocKind::Requirements => &[Kind::Fr, Kind::Nfr],
            DocKind::UserStories => &[Kind::Us],
            DocKind::UseCases => &[Kind::Uc],
        }
    }

    /// The pipeline step that writes it (`requirements`, `user-stories`,
    /// `use-cases`).
    pub fn step(self) -> &'static str {
        match self {
            DocKind::Requirements => "requirements",
            DocKind::UserStories => "user-stories",
            DocKind::UseCases => "use-cases",
        }
    }
}

/// A well-formed ID such as `FR-AUTH-01`.
///
/// Two IDs are equal when they are written the same (`FR-AUTH-01` and
/// `FR-AUTH-001` are different IDs, as they are different words in a
/// document). They sort by kind, domain, then number as a number, so
/// `FR-AUTH-02` comes before `FR-AUTH-10`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id {
    kind: Kind,
    domain: String,
    number: String,
}

impl Id {
    /// Parses an ID, exactly: no surrounding spaces, case-sensitive.
    pub fn parse(s: &str) -> Result<Id, IdError> {
        // Nearly every ID read is well-formed: that case is read byte by
        // byte, the full grammar (and its diagnostics) only for the rest.
        match canonical(s) {
            Some(id) => Ok(id),
            None => parse(s),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The domain prefix: `AUTH` in `FR-AUTH-01`.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The number as written: `01` in `FR-AUTH-01`.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The number's value (saturating at `u64::MAX`).
    pub fn number_value(&self) -> u64 {
        self.number.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.kind.tag(), self.domain, self.number)
    }
}

impl FromStr for Id {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Id, IdError> {
        Id::parse(s)
    }
}

impl Ord for Id {
    /// Kind, domain, the number's value, then the number as written. Plain
    /// byte comparisons: the build-time check runs it unoptimised for every
    /// lookup.
    fn cmp(&self, other: &Self) -> Ordering {
        /// The digits after the leading zeros.
        fn significant(number: &str) -> &[u8] {
            let b = number.as_bytes();
            let mut i = 0;
            while i < b.len() && b[i] == b'0' {
                i += 1;
            }
            &b[i..]
        }
        if self.kind != other.kind {
            return self.kind.cmp(&other.kind);
        }
        let by_domain = self.domain.as_bytes().cmp(other.domain.as_bytes());
        if by_domain != Ordering::Equal {
            return by_domain;
        }
        let (a, b) = (significant(&self.number), significant(&other.number));
        if a.len() != b.len() {
            return a.len().cmp(&b.len());
        }
        match a.cmp(b) {
            Ordering::Equal => self.number.as_bytes().cmp(other.number.as_bytes()),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One thing wrong with a would-be ID.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The string is empty.
    Empty,
    /// Several IDs in one string (`"FR-AUTH-01, FR-AUTH-02"`).
    SeveralIds,
    /// Spaces or other whitespace in or around the ID.
    Whitespace,
    /// The first part is not `FR`, `NFR`, `US` or `UC`.
    UnknownKind(String),
    /// The kind is right but not upper-case (`fr`).
    KindCase(String),
    /// No domain part (`FR-01`).
    MissingDomain,
    /// No number part (`FR-AUTH`).
    MissingNumber,
    /// Neither domain nor number (`FR`).
    MissingDomainAndNumber,
    /// The domain is not upper-case (`auth`).
    DomainCase(String),
    /// The domain does not start with a letter (`2FA`).
    DomainStart(String),
    /// The domain holds something else than letters and digits.
    DomainChars(String, char),
    /// More parts than kind, domain and number (`FR-ORDER-HISTORY-01`).
    TooManyParts(String),
    /// The number holds something else than digits (`1a`).
    NumberDigits(String),
    /// The number has fewer than two digits (`1`).
    NumberShort(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("it is empty"),
            Problem::SeveralIds => {
                f.write_str("it holds several IDs; write each as its own string")
            }
            Problem::Whitespace => f.write_str("an ID holds no spaces"),
            Problem::UnknownKind(k) => write!(
                f,
                "`{k}` is not an ID kind; an ID starts with `FR-`, `NFR-`, `US-` or `UC-`"
            ),
            Problem::KindCase(k) => write!(f, "the kind `{k}` must be upper-case"),
            Problem::MissingDomain => f.write_str("the domain prefix is missing"),
            Problem::MissingNumber => f.write_str("the number is missing"),
            Problem::MissingDomainAndNumber => {
                f.write_str("the domain prefix and the number are missing")
            }
            Problem::DomainCase(d) => write!(f, "the domain `{d}` must be upper-case"),
            Problem::DomainStart(d) => write!(f, "the domain `{d}` must start with a letter"),
            Problem::DomainChars(d, c) => write!(
                f,
                "the domain `{d}` may hold only letters and digits, not `{c}`"
            ),
            Problem::TooManyParts(d) => write!(
                f,
                "a domain prefix has no `-`, so `{d}` is one part too many"
            ),
            Problem::NumberDigits(n) => write!(f, "the number `{n}` must be digits only"),
            Problem::NumberShort(n) => {
                write!(f, "the number `{n}` must have at least two digits")
            }
        }
    }
}

/// Why a string is not an ID: every problem found, and the corrected form
/// when it is clear what was meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    input: String,
    problems: Vec<Problem>,
    suggestion: Option<String>,
}

impl IdError {
    /// The string that was parsed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Every problem, in the order of the parts.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The corrected ID (`FR-AUTH-01` for `fr-auth-1`), or for several IDs in
    /// one string, the strings to write instead (`"FR-AUTH-01", "FR-AUTH-02"`).
    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }

    /// What is wrong, without the input: `the domain `auth` must be
    /// upper-case and the number `1` must have at least two digits`.
    pub fn reason(&self) -> String {
        let parts: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        match parts.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        }
    }
}

impl fmt::Display for IdError {
    /// ``malformed ID `FR-auth-1`: the domain `auth` must be upper-case, and
    /// the number `1` must have at least two digits; write `FR-AUTH-01` ``
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problems == [Problem::Empty] {
            f.write_str("an ID cannot be empty; write one such as `FR-AUTH-01`")?;
            return Ok(());
        }
        write!(f, "malformed ID `{}`: {}", self.input, self.reason())?;
        match (&self.suggestion, self.problems.first()) {
            (Some(s), Some(Problem::SeveralIds)) => write!(f, ": {s}"),
            (Some(s), _) => write!(f, "; write `{s}`"),
            (None, _) => f.write_str("; the form is `FR-<DOMAIN>-<NN>`, e.g. `FR-AUTH-01`"),
        }
    }
}

impl std::error::Error for IdError {}

/// A well-formed ID, read byte by byte: `TAG-DOMAIN-NN` with an exact tag,
/// a domain of upper-case letters and digits that starts with a letter and
/// two or more digits. `None` for anything else, which [`parse`] then
/// reads with its diagnostics; [`parse`] is this function's test oracle.
fn canonical(s: &str) -> Option<Id> {
    let b = s.as_bytes();
    let (kind, tag) = match b {
        [b'F', b'R', b'-', ..] => (Kind::Fr, 2),
        [b'N', b'F', b'R', b'-', ..] => (Kind::Nfr, 3),
        [b'U', b'S', b'-', ..] => (Kind::Us, 2),
        [b'U', b'C', b'-', ..] => (Kind::Uc, 2),
        _ => return None,
    };
    let start = tag + 1;
    let mut i = start;
    if !b.get(i)?.is_ascii_uppercase() {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_uppercase() || b[i].is_ascii_digit()) {
        i += 1;
    }
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let digits = i + 1;
    if b.len() - digits < 2 {
        return None;
    }
    let mut j = digits;
    while j < b.len() {
        if !b[j].is_ascii_digit() {
            return None;
        }
        j += 1;
    }
    Some(Id {
        kind,
        domain: s[start..i].to_string(),
        number: s[digits..].to_string(),
    })
}

fn parse(s: &str) -> Result<Id, IdError> {
    let fail = |problems: Vec<Problem>, suggestion: Option<String>| IdError {
        input: s.to_string(),
        problems,
        suggestion,
    };
    if s.is_empty() {
        return Err(fail(vec![Problem::Empty], None));
    }
    if s.contains(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        let words: Vec<&str> = s
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        return Err(match words.as_slice() {
            [] => fail(vec![Problem::Empty], None),
            [one] => {
                let suggestion = match parse(one) {
                    Ok(id) => Some(id.to_string()),
                    Err(e) => e.suggestion,
                };
                fail(vec![Problem::Whitespace], suggestion)
            }
            many => {
                let quoted: Vec<String> = many
                    .iter()
                    .map(|w| {
                        let fixed = match parse(w) {
                            Ok(id) => id.to_string(),
                            Err(e) => e.suggestion.unwrap_or_else(|| (*w).to_string()),
                        };
                        format!("\"{fixed}\"")
                    })
                    .collect();
                fail(vec![Problem::SeveralIds], Some(quoted.join(", ")))
            }
        });
    }

    let parts: Vec<&str> = s.split('-').collect();
    let mut problems = Vec::new();
    let kind_part = parts[0];
    let kind = match Kind::from_tag(kind_part) {
        Some(k) => k,
        None => match Kind::from_tag(&kind_part.to_ascii_uppercase()) {
            Some(k) => {
                problems.push(Problem::KindCase(kind_part.to_string()));
                k
            }
            None => {
                let shown = if kind_part.is_empty() { s } else { kind_part };
                return Err(fail(vec![Problem::UnknownKind(shown.to_string())], None));
            }
        },
    };

    let (domain, number): (String, &str) = match parts.len() {
        1 => {
            problems.push(Problem::MissingDomainAndNumber);
            return Err(fail(problems, None));
        }
        2 => {
            let last = parts[1];
            if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
                problems.push(Problem::MissingDomain);
                return Err(fail(problems, None));
            }
            (last.to_string(), "")
        }
        3 => (parts[1].to_string(), parts[2]),
        _ => {
            let middle = &parts[1..parts.len() - 1];
            problems.push(Problem::TooManyParts(middle[1..].join("-")));
            (middle.concat(), parts[parts.len() - 1])
        }
    };

    let mut fixable = true;
    if domain.is_empty() {
        problems.push(Problem::MissingDomain);
        fixable = false;
    } else if let Some(c) = domain.chars().find(|c| !c.is_ascii_alphanumeric()) {
        problems.push(Problem::DomainChars(domain.clone(), c));
        fixable = false;
    } else if !domain.starts_with(|c: char| c.is_ascii_alphabetic()) {
        problems.push(Problem::DomainStart(domain.clone()));
        fixable = false;
    } else if domain.chars().any(|c| c.is_ascii_lowercase()) {
        problems.push(Problem::DomainCase(domain.clone()));
    }

    let mut fixed_number = number.to_string();
    if number.is_empty() {
        problems.push(Problem::MissingNumber);
        fixable = false;
    } else if !number.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(Problem::NumberDigits(number.to_string()));
        fixable = false;
    } else if number.len() < 2 {
        problems.push(Problem::NumberShort(number.to_string()));
        fixed_number = format!("0{number}");
    }

    if problems.is_empty() {
        return Ok(Id {
            kind,
            domain,
            number: number.to_string(),
        });
    }
    let suggestion = fixable.then(|| {
        format!(
            "{}-{}-{}",
            kind.tag(),
            domain.to_ascii_uppercase(),
            fixed_number
        )
    });
    Err(fail(problems, suggestion))
}

/// The ID-like word at the start of `text` (letters, digits and `-`), if
/// its first part is an ID kind in any case: `FR-AUTH-01` in
/// `FR-AUTH-01: Sign in`, `fr-auth-1` in `fr-auth-1 — Sign in`. A definition
/// reader uses it to tell an ID (or a malformed one) from a plain heading.
pub fn leading_id_word(text: &str) -> Option<&str> {
    // Byte by byte (every heading and ID-table cell of every document goes
    // through here, in the build-time check unoptimised); the word is ASCII.
    let text = text.trim_start();
    let b = text.as_bytes();
    let mut end = 0;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'-') {
        end += 1;
    }
    while end > 0 && b[end - 1] == b'-' {
        end -= 1;
    }
    let word = &b[..end];
    let dash = word.iter().position(|&c| c == b'-')?;
    let kind = &word[..dash];
    let is_tag = Kind::ALL
        .iter()
        .any(|k| kind.eq_ignore_ascii_case(k.tag().as_bytes()));
    (is_tag && dash + 1 < word.len()).then(|| &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> IdError {
        Id::parse(s).unwrap_err()
    }

    /// The byte-level reader against the full grammar, over strings built
    /// from the pieces IDs and near-IDs are made of.
    #[test]
    fn canonical_agrees_with_the_grammar() {
        let tags = ["FR", "NFR", "US", "UC", "fr", "Fr", "UX", "", "NFRR"];
        let domains = [
            "AUTH", "A2B", "2FA", "auth", "AuTH", "", "A-B", "A_B", "É", "X",
        ];
        let numbers = [
            "01",
            "1",
            "001",
            "0",
            "",
            "1a",
            "99",
            "12345678901234567890123",
        ];
        let mut checked = 0;
        for tag in tags {
            for domain in domains {
                for number in numbers {
                    for sep in ["-", "--", " -", "—"] {
                        for tail in ["", " ", "-", ",FR-A-01"] {
                            let s = format!("{tag}{sep}{domain}{sep}{number}{tail}");
                            let full = parse(&s).ok();
                            assert_eq!(canonical(&s), full, "{s:?}");
                            assert_eq!(Id::parse(&s).ok(), full, "{s:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn order_is_by_kind_domain_then_value() {
        let mut ids: Vec<Id> = [
            "US-A-01", "FR-B-02", "FR-A-10", "FR-A-002", "FR-A-02", "NFR-A-01",
        ]
        .iter()
        .map(|s| Id::parse(s).unwrap())
        .collect();
        ids.sort();
        let shown: Vec<String> = ids.iter().map(Id::to_string).collect();
        assert_eq!(
            shown,
            [
                "FR-A-002", "FR-A-02", "FR-A-10", "FR-B-02", "NFR-A-01", "US-A-01"
            ]
        );
    }

    #[test]
    fn well_formed_ids() {
        let id = Id::parse("FR-AUTH-01").unwrap();
        assert_eq!(id.kind(), Kind::Fr);
        assert_eq!(id.domain(), "AUTH");
        assert_eq!(id.number(), "01");
        assert_eq!(id.number_value(), 1);
        assert_eq!(id.to_string(), "FR-AUTH-01");
        for s in ["NFR-AUTH-01", "US-ORDERS-123", "UC-A2B-00", "FR-X-99"] {
            assert_eq!(Id::parse(s).unwrap().to_string(), s);
        }
        assert_eq!("US-AUTH-02".parse::<Id>().unwrap().kind(), Kind::Us);
    }

    #[test]
    fn ordering_is_numeric() {
        let mut ids: Vec<Id> = [
            "FR-AUTH-10",
            "US-AUTH-01",
            "FR-AUTH-02",
            "FR-AUTH-002",
            "NFR-A-01",
        ]
        .iter()
        .map(|s| Id::parse(s).unwrap())
        .collect();
        ids.sort();
        let shown: Vec<String> = ids.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "FR-AUTH-002",
                "FR-AUTH-02",
                "FR-AUTH-10",
                "NFR-A-01",
                "US-AUTH-01"
            ]
        );
        assert_ne!(
            Id::parse("FR-AUTH-02").unwrap(),
            Id::parse("FR-AUTH-002").unwrap()
        );
    }

    #[test]
    fn messages_say_exactly_what_is_wrong() {
        assert_eq!(
            err("FR-auth-1").to_string(),
            "malformed ID `FR-auth-1`: the domain `auth` must be upper-case, and the number `1` must have at least two digits; write `FR-AUTH-01`"
        );
        assert_eq!(err("FR-auth-1").suggestion(), Some("FR-AUTH-01"));
        assert_eq!(
            err("FR-AUTH-1").to_string(),
            "malformed ID `FR-AUTH-1`: the number `1` must have at least two digits; write `FR-AUTH-01`"
        );
        assert_eq!(
            err("REQ").to_string(),
            "malformed ID `REQ`: `REQ` is not an ID kind; an ID starts with `FR-`, `NFR-`, `US-` or `UC-`; the form is `FR-<DOMAIN>-<NN>`, e.g. `FR-AUTH-01`"
        );
        assert_eq!(
            err("").to_string(),
            "an ID cannot be empty; write one such as `FR-AUTH-01`"
        );
        assert_eq!(
            err("fr-AUTH-01").to_string(),
            "malformed ID `fr-AUTH-01`: the kind `fr` must be upper-case; write `FR-AUTH-01`"
        );
        assert_eq!(
            err("FR-AUTH").to_string(),
            "malformed ID `FR-AUTH`: the number is missing; the form is `FR-<DOMAIN>-<NN>`, e.g. `FR-AUTH-01`"
        );
        assert_eq!(err("FR-01").problems(), [Problem::MissingDomain]);
        assert_eq!(err("FR").problems(), [Problem::MissingDomainAndNumber]);
        assert_eq!(err("FR--01").problems(), [Problem::MissingDomain]);
        assert_eq!(err("FR-AUTH-").problems(), [Problem::MissingNumber]);
        assert_eq!(
            err("FR-2FA-01").problems(),
            [Problem::DomainStart("2FA".into())]
        );
        assert_eq!(
            err("FR-AU_TH-01").problems(),
            [Problem::DomainChars("AU_TH".into(), '_')]
        );
        assert_eq!(
            err("FR-AUTH-1a").problems(),
            [Problem::NumberDigits("1a".into())]
        );
        let e = err("FR-ORDER-HISTORY-01");
        assert_eq!(e.problems(), [Problem::TooManyParts("HISTORY".into())]);
        assert_eq!(e.suggestion(), Some("FR-ORDERHISTORY-01"));
        assert_eq!(
            err("-AUTH-01").problems(),
            [Problem::UnknownKind("-AUTH-01".into())]
        );
    }

    #[test]
    fn whitespace_and_lists() {
        let e = err(" FR-AUTH-01");
        assert_eq!(e.problems(), [Problem::Whitespace]);
        assert_eq!(e.suggestion(), Some("FR-AUTH-01"));
        let e = err("FR-AUTH-01, fr-auth-2");
        assert_eq!(e.problems(), [Problem::SeveralIds]);
        assert_eq!(
            e.to_string(),
            "malformed ID `FR-AUTH-01, fr-auth-2`: it holds several IDs; write each as its own string: \"FR-AUTH-01\", \"FR-AUTH-02\""
        );
        assert_eq!(err("   ").problems(), [Problem::Empty]);
    }

    #[test]
    fn leading_words() {
        assert_eq!(leading_id_word("FR-AUTH-01: Sign in"), Some("FR-AUTH-01"));
        assert_eq!(leading_id_word("  fr-auth-1 — x"), Some("fr-auth-1"));
        assert_eq!(leading_id_word("FR-AUTH-01-"), Some("FR-AUTH-01"));
        assert_eq!(leading_id_word("Overview"), None);
        assert_eq!(leading_id_word("FRIENDS-1"), None);
        assert_eq!(leading_id_word("US"), None);
        assert_eq!(leading_id_word("1. Overview"), None);
    }

    #[test]
    fn kinds_and_documents() {
        assert_eq!(Kind::Nfr.document(), DocKind::Requirements);
        assert_eq!(
            Kind::Uc.document().path_in_domain(),
            "workflows/use-cases.md"
        );
        assert_eq!(DocKind::Requirements.kinds(), [Kind::Fr, Kind::Nfr]);
        assert_eq!(Kind::from_tag("fr"), None);
        assert_eq!(Kind::Us.name(), "user story");
    }
}
