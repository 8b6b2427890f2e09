//! The database consultant (05): the schema as the code defines it, as
//! tables and an `erDiagram`, and the tables the feature touches.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::schema::{Table, mermaid_name, mermaid_type};
use super::{Feature, Report, Snapshot, cell, code};

/// Beyond this many tables the diagram shows the touched tables and their
/// neighbours only.
const DIAGRAM_LIMIT: usize = 25;

/// Why a table is touched: its name or a column mentions the feature.
pub(super) fn touched(table: &Table, feature: &Feature) -> Option<String> {
    if let Some(k) = feature.matches(&table.name) {
        return Some(format!("name mentions `{k}`"));
    }
    let cols: Vec<String> = table
        .columns
        .iter()
        .filter(|c| feature.matches(&c.name).is_some())
        .map(|c| code(&c.name))
        .collect();
    (!cols.is_empty()).then(|| {
        format!(
            "column{} {}",
            if cols.len() == 1 { "" } else { "s" },
            cols.join(", ")
        )
    })
}

/// The Mermaid `erDiagram` of `tables`.
pub(super) fn er_diagram(tables: &[&Table]) -> String {
    let mut out = String::from("erDiagram\n");
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.to_lowercase()).collect();
    for t in tables {
        out.push_str(&format!("    {} {{\n", mermaid_name(&t.name)));
        for c in &t.columns {
            let mut keys: Vec<&str> = Vec::new();
            if t.primary_key.contains(&c.name) {
                keys.push("PK");
            }
            if t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name)) {
                keys.push("FK");
            }
            if t.is_unique(&c.name) && !t.primary_key.contains(&c.name) {
                keys.push("UK");
            }
            let keys = if keys.is_empty() {
                String::new()
            } else {
                format!(" {}", keys.join(", "))
            };
            let comment = if c.nullable { "" } else { " \"not null\"" };
            out.push_str(&format!(
                "        {} {}{keys}{comment}\n",
                mermaid_type(&c.ty),
                mermaid_name(&c.name)
            ));
        }
        out.push_str("    }\n");
    }
    for t in tables {
        for fk in &t.foreign_keys {
            if !names.contains(&fk.table.to_lowercase()) {
                continue;
            }
            let nullable = fk
                .columns
                .iter()
                .any(|c| t.column(c).is_none_or(|c| c.nullable));
            let unique = fk.columns.len() == 1 && t.is_unique(&fk.columns[0]);
            let parent = if nullable { "|o" } else { "||" };
            let child = if unique { "o|" } else { "o{" };
            out.push_str(&format!(
                "    {} {parent}--{child} {} : \"{}\"\n",
                mermaid_name(&fk.table),
                mermaid_name(&t.name),
                fk.columns.join(", ").replace('"', "'")
            ));
        }
    }
    out.trim_end().to_string()
}

fn column_keys(t: &Table, col: &str) -> String {
    let mut k: Vec<String> = Vec::new();
    if t.primary_key.iter().any(|c| c == col) {
        k.push("PK".into());
    }
    for fk in t
        .foreign_keys
        .iter()
        .filter(|fk| fk.columns.iter().any(|c| c == col))
    {
        k.push(format!("FK → {}({})", fk.table, fk.ref_columns.join(", ")));
    }
    if t.is_unique(col) && !t.primary_key.iter().any(|c| c == col) {
        k.push("unique".into());
    }
    cell(&k.join(", "))
}

pub(super) fn consult(snap: &Snapshot<'_>, feature: &Feature) -> Report {
    let schema = &snap.schema;
    let tables: Vec<Value> = schema
        .tables
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "origin": t.origin,
                "at": snap.link(&t.file, t.line),
                "primary_key": t.primary_key.join(", "),
                "columns": t.columns.iter().map(|c| json!({
                    "name": c.name,
                    "ty": code(&c.ty),
                    "null": if c.nullable { "yes" } else { "no" },
                    "default": c.default.as_deref().map_or(String::new(), code),
                    "key": column_keys(t, &c.name),
                })).collect::<Vec<_>>(),
                "foreign_keys": t.foreign_keys.iter().map(|fk| json!({
                    "columns": fk.columns.join(", "),
                    "references": format!("{}({})", fk.table, fk.ref_columns.join(", ")),
                    "on_delete": fk.on_delete.clone().unwrap_or_else(|| "NO ACTION".into()),
                    "at": snap.link(&fk.file, fk.line),
                })).collect::<Vec<_>>(),
                "indexes": t.indexes.iter().map(|i| json!({
                    "name": if i.name.is_empty() { "(unnamed)".to_string() } else { code(&i.name) },
                    "columns": cell(&i.columns.join(", ")),
                    "unique": if i.unique { "yes" } else { "no" },
                    "at": snap.link(&i.file, i.line),
                })).collect::<Vec<_>>(),
                "uniques": t.uniques.iter().map(|u| u.join(", ")).collect::<Vec<_>>(),
                "checks": t.checks,
                "structs": t.structs.iter().map(|s| json!({
                    "name": s.name,
                    "at": snap.link(&s.file, s.line),
                    "missing": s.missing_columns.iter().map(|m| code(m)).collect::<Vec<_>>().join(", "),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let touched_tables: Vec<(&Table, String)> = schema
        .tables
        .iter()
        .filter_map(|t| touched(t, feature).map(|w| (t, w)))
        .collect();
    let diagram_tables: Vec<&Table> = if schema.tables.len() <= DIAGRAM_LIMIT {
        schema.tables.iter().collect()
    } else {
        let mut keep: BTreeSet<String> = touched_tables
            .iter()
            .map(|(t, _)| t.name.to_lowercase())
            .collect();
        for t in &schema.tables {
            for fk in &t.foreign_keys {
                if keep.contains(&t.name.to_lowercase()) {
                    keep.insert(fk.table.to_lowercase());
                }
            }
        }
        let neighbours: Vec<String> = schema
            .tables
            .iter()
            .filter(|t| {
                t.foreign_keys
                    .iter()
                    .any(|fk| keep.contains(&fk.table.to_lowercase()))
            })
            .map(|t| t.name.to_lowercase())
            .collect();
        keep.extend(neighbours);
        schema
            .tables
            .iter()
            .filter(|t| keep.contains(&t.name.to_lowercase()))
            .collect()
    };
    let diagram = (!diagram_tables.is_empty()).then(|| er_diagram(&diagram_tables));
    let referencing = |name: &str| -> Vec<String> {
        schema
            .tables
            .iter()
            .flat_map(|t| {
                t.foreign_keys
                    .iter()
                    .filter(|fk| fk.table.eq_ignore_ascii_case(name))
                    .map(move |fk| {
                        format!(
                            "{}.{} (on delete {})",
                            t.name,
                            fk.columns.join(", "),
                            fk.on_delete.as_deref().unwrap_or("NO ACTION")
                        )
                    })
            })
            .collect()
    };
    let touched_ctx: Vec<Value> = touched_tables
        .iter()
        .map(|(t, why)| {
            json!({
                "name": t.name,
                "why": cell(why),
                "at": snap.link(&t.file, t.line),
                "referenced_by": cell(&referencing(&t.name).join("; ")),
                "structs": t.structs.iter().map(|s| code(&s.name)).collect::<Vec<_>>().join(", "),
            })
        })
        .collect();
    let migration_count = schema.migrations.len();
    let key = {
        let mut s = if schema.tables.is_empty() {
            "No table is defined in the code (no SQL migration, diesel `table!`, sea-orm entity or `FromRow` struct)".to_string()
        } else {
            let origins: BTreeSet<&str> = schema.tables.iter().map(|t| t.origin.as_str()).collect();
            let from = if migration_count == 0 {
                format!(
                    "defined in the code ({})",
                    origins.into_iter().collect::<Vec<_>>().join(", ")
                )
            } else {
                format!(
                    "from {} migration file{} in the {} dialect",
                    migration_count,
                    if migration_count == 1 { "" } else { "s" },
                    schema.dialect
                )
            };
            format!(
                "{} table{} ({}) {from}",
                schema.tables.len(),
                if schema.tables.len() == 1 { "" } else { "s" },
                schema
                    .tables
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        if touched_tables.is_empty() {
            s.push_str(&format!(
                "; no existing table mentions {}, so it needs new tables",
                feature.name
            ));
        } else {
            s.push_str(&format!(
                "; {} touches {}",
                feature.name,
                touched_tables
                    .iter()
                    .map(|(t, w)| format!("`{}` ({w})", t.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        s.push('.');
        s
    };
    let mut summary: Vec<String> = Vec::new();
    for t in &schema.tables {
        let fks: Vec<String> = t
            .foreign_keys
            .iter()
            .map(|fk| format!("{} → {}", fk.columns.join(", "), fk.table))
            .collect();
        summary.push(format!(
            "`{}`: {} column{}{}{}",
            t.name,
            t.columns.len(),
            if t.columns.len() == 1 { "" } else { "s" },
            if fks.is_empty() {
                String::new()
            } else {
                format!("; {}", fks.join(", "))
            },
            if touched(t, feature).is_some() {
                " — touched by the feature"
            } else {
                ""
            }
        ));
    }
    Report {
        context: json!({
            "dialect": schema.dialect,
            "migrations": schema.migrations.iter().map(|m| snap.link(m, 0)).collect::<Vec<_>>(),
            "tables": tables,
            "diagram": diagram,
            "diagram_partial": diagram_tables.len() < schema.tables.len(),
            "touched": touched_ctx,
            "unmatched_rows": schema.unmatched_rows.iter().map(|r| code(r)).collect::<Vec<_>>(),
            "diagnostics": schema.diagnostics.iter().map(|d| {
                let at = d.file.as_deref().map_or(String::new(), |f| snap.link(f, d.span.map_or(0, |s| s.line)));
                json!({"at": at, "message": cell(&d.message)})
            }).collect::<Vec<_>>(),
        }),
        key_decisions: key,
        summary,
        diagnostics: Vec::new(),
    }
}
