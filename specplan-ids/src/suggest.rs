//! "Did you mean …?" and "where should it be defined?".

use std::path::PathBuf;

use crate::config::{Domain, Project};
use crate::id::Id;

/// Up to `max` of `candidates` closest to `id`: those at the smallest edit
/// distance (Damerau–Levenshtein on the whole ID, at most 3), IDs of the
/// same kind and domain first, then by the nearest number. `FR-AUHT-02`
/// finds `FR-AUTH-02` alone; `FR-AUTH-09` finds `FR-AUTH-04`, `FR-AUTH-03`
/// and `FR-AUTH-02` when those are the highest defined.
pub fn closest<'a>(
    id: &Id,
    candidates: impl IntoIterator<Item = &'a Id>,
    max: usize,
) -> Vec<&'a Id> {
    let target = id.to_string();
    let mut scored: Vec<(usize, bool, u64, &Id)> = candidates
        .into_iter()
        .filter(|c| *c != id)
        .filter_map(|c| {
            let d = strsim::damerau_levenshtein(&target, &c.to_string());
            (d <= 3).then(|| {
                let other_family = c.kind() != id.kind() || c.domain() != id.domain();
                (
                    d,
                    other_family,
                    c.number_value().abs_diff(id.number_value()),
                    c,
                )
            })
        })
        .collect();
    scored.sort();
    let best = scored.first().map_or(0, |s| s.0);
    scored
        .into_iter()
        .take_while(|s| s.0 == best)
        .take(max)
        .map(|(.., c)| c)
        .collect()
}

/// Where an ID should be defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// In the document of the ID's kind, in the domain with the ID's prefix.
    Document {
        domain: Domain,
        path: PathBuf,
        /// Relative to the workspace root, `/`-separated.
        rel_path: String,
        exists: bool,
    },
    /// No domain has the ID's prefix.
    UnknownPrefix {
        prefix: String,
        domains: Vec<Domain>,
    },
}

/// Where `id` should be defined, among `domains` (usually
/// [`Project::domains`]).
pub fn placement(project: &Project, domains: &[Domain], id: &Id) -> Placement {
    match domains.iter().find(|d| d.prefix == id.domain()) {
        Some(domain) => {
            let path = project.document(domain, id.kind().document());
            Placement::Document {
                domain: domain.clone(),
                rel_path: project.relative(&path),
                exists: project.jail().is_some_and(|j| j.is_file(&path)),
                path,
            }
        }
        None => Placement::UnknownPrefix {
            prefix: id.domain().to_string(),
            domains: domains.to_vec(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, ConfigSource};

    fn ids(list: &[&str]) -> Vec<Id> {
        list.iter().map(|s| Id::parse(s).unwrap()).collect()
    }

    fn shown(found: Vec<&Id>) -> Vec<String> {
        found.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn closest_prefers_typos_then_family_then_number() {
        let defined = ids(&[
            "FR-AUTH-01",
            "FR-AUTH-02",
            "FR-AUTH-04",
            "NFR-AUTH-01",
            "FR-ORDERS-01",
            "US-AUTH-09",
        ]);
        let q = Id::parse("FR-AUTH-09").unwrap();
        assert_eq!(
            shown(closest(&q, &defined, 3)),
            ["FR-AUTH-04", "FR-AUTH-02", "FR-AUTH-01"]
        );
        let q = Id::parse("FR-AUHT-02").unwrap();
        assert_eq!(shown(closest(&q, &defined, 3)), ["FR-AUTH-02"]);
        let q = Id::parse("UC-AUTH-09").unwrap();
        assert_eq!(shown(closest(&q, &defined, 3)), ["US-AUTH-09"]);
        let q = Id::parse("FR-ORDER-01").unwrap();
        assert_eq!(shown(closest(&q, &defined, 1)), ["FR-ORDERS-01"]);
        let q = Id::parse("FR-BILLING-01").unwrap();
        assert!(closest(&q, &defined, 3).is_empty());
        let q = Id::parse("FR-AUTH-01").unwrap();
        assert!(!closest(&q, &defined, 9).contains(&&q), "never itself");
    }

    #[test]
    fn placement_names_the_document_or_the_unknown_prefix() {
        let project = Project {
            root: PathBuf::from("/ws"),
            source: ConfigSource::File(PathBuf::from("/ws/specplan.toml")),
            config: Config::default(),
        };
        let domains = [Domain::new("auth"), Domain::new("order-history")];
        let p = placement(
            &project,
            &domains,
            &Id::parse("US-ORDERHISTORY-03").unwrap(),
        );
        assert_eq!(
            p,
            Placement::Document {
                domain: domains[1].clone(),
                path: PathBuf::from(
                    "/ws/docs/en/specifications/order-history/requirements/user-stories.md"
                ),
                rel_path: "docs/en/specifications/order-history/requirements/user-stories.md"
                    .into(),
                exists: false,
            }
        );
        assert_eq!(
            placement(&project, &domains, &Id::parse("FR-PAY-01").unwrap()),
            Placement::UnknownPrefix {
                prefix: "PAY".into(),
                domains: domains.to_vec()
            }
        );
    }
}
