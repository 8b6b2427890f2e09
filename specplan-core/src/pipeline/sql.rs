//! What a query in the code does to the database: its statement kind and
//! the tables it names, read with `sqlparser` (the same parser the data
//! model uses for migrations).

use std::ops::ControlFlow;

use sqlparser::ast::{SetExpr, Statement, visit_relations};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// A statement the code sends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SqlAccess {
    /// `SELECT`, `INSERT`, `UPDATE`, `DELETE`, or the statement's keyword.
    pub op: String,
    /// The tables it reads or writes, in the order the statement names
    /// them (CTE names left out).
    pub tables: Vec<String>,
    /// A query, or a write with `RETURNING`.
    pub returns_rows: bool,
}

/// Statements longer than this are not read (a query is a few KiB).
const MAX_SQL: usize = 64 * 1024;
/// Nor statements nested deeper than this: `sqlparser`'s recursion limit
/// does not count parentheses, and a debug build's frames are large.
const MAX_NESTING: usize = 24;

/// The deepest nesting of brackets in `sql`.
fn nesting(sql: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in sql.bytes() {
        match b {
            b'(' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The statement `sql` (its first one), in whichever of the usual dialects
/// parses it; `None` when none does.
pub fn read(sql: &str) -> Option<SqlAccess> {
    if sql.len() > MAX_SQL || sql.trim().is_empty() || nesting(sql) > MAX_NESTING {
        return None;
    }
    let dialects: [&dyn Dialect; 4] = [
        &PostgreSqlDialect {},
        &MySqlDialect {},
        &SQLiteDialect {},
        &GenericDialect {},
    ];
    let statement = dialects.iter().find_map(|d| {
        Parser::new(*d)
            .with_recursion_limit(64)
            .try_with_sql(sql)
            .ok()?
            .parse_statements()
            .ok()?
            .into_iter()
            .next()
    })?;
    let (op, returns_rows, ctes) = match &statement {
        Statement::Query(q) => {
            let ctes: Vec<&sqlparser::ast::Cte> =
                q.with.iter().flat_map(|w| w.cte_tables.iter()).collect();
            // A write inside a CTE (`with x as (insert … returning …)
            // select …`) is said along with the query.
            let mut ops: Vec<&str> = Vec::new();
            for body in ctes
                .iter()
                .map(|c| c.query.body.as_ref())
                .chain([q.body.as_ref()])
            {
                let op = body_op(body);
                if !ops.contains(&op) {
                    ops.push(op);
                }
            }
            if ops.len() > 1 {
                ops.retain(|o| *o != "SELECT");
                ops.push("SELECT");
            }
            let names = ctes.iter().map(|c| c.alias.name.value.clone()).collect();
            (ops.join(" + "), true, names)
        }
        Statement::Insert(i) => ("INSERT".to_string(), i.returning.is_some(), Vec::new()),
        Statement::Update(u) => ("UPDATE".to_string(), u.returning.is_some(), Vec::new()),
        Statement::Delete(d) => ("DELETE".to_string(), d.returning.is_some(), Vec::new()),
        other => {
            let text = other.to_string();
            let word = text
                .split_whitespace()
                .next()
                .unwrap_or("SQL")
                .to_uppercase();
            (word, false, Vec::new())
        }
    };
    let mut tables: Vec<String> = Vec::new();
    let _ = visit_relations(&statement, |name| {
        // `"user"`, `` `user` `` and `[user]` are the table `user`.
        let text: String = name
            .to_string()
            .chars()
            .filter(|c| !matches!(c, '"' | '`' | '[' | ']'))
            .collect();
        let bare = text.rsplit('.').next().unwrap_or(&text);
        if !ctes.iter().any(|c| c == bare) && !tables.contains(&text) {
            tables.push(text);
        }
        ControlFlow::<()>::Continue(())
    });
    Some(SqlAccess {
        op,
        tables,
        returns_rows,
    })
}

/// What a query body does.
fn body_op(body: &SetExpr) -> &'static str {
    match body {
        SetExpr::Insert(_) => "INSERT",
        SetExpr::Update(_) => "UPDATE",
        SetExpr::Delete(_) => "DELETE",
        _ => "SELECT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(sql: &str) -> (String, Vec<String>, bool) {
        let a = read(sql).unwrap_or_else(|| panic!("{sql}"));
        (a.op, a.tables, a.returns_rows)
    }

    #[test]
    fn statements_and_tables() {
        assert_eq!(
            seen(r#"insert into article (slug, title) values ($1, $2) returning slug"#),
            ("INSERT".into(), vec!["article".into()], true)
        );
        assert_eq!(
            seen(
                "select a.slug, u.username from article a inner join \"user\" u using (user_id) where a.slug = $1"
            ),
            ("SELECT".into(), vec!["article".into(), "user".into()], true)
        );
        assert_eq!(
            seen("UPDATE users SET bio = ? WHERE id = ?"),
            ("UPDATE".into(), vec!["users".into()], false)
        );
        assert_eq!(
            seen("delete from follow where following_user_id = $1"),
            ("DELETE".into(), vec!["follow".into()], false)
        );
        assert_eq!(
            seen(
                "with t as (select * from tag) select name from t join article_tag using (tag_id)"
            ),
            (
                "SELECT".into(),
                vec!["tag".into(), "article_tag".into()],
                true
            )
        );
        assert_eq!(
            seen("select exists(select 1 from follow where followed_user_id = $1)"),
            ("SELECT".into(), vec!["follow".into()], true)
        );
        assert_eq!(
            seen(
                "with ins as (insert into article (slug) values ($1) returning slug) select ins.slug, username from ins inner join \"user\" using (user_id)"
            ),
            (
                "INSERT + SELECT".into(),
                vec!["article".into(), "user".into()],
                true
            )
        );
        assert!(read("not sql at all").is_none());
        assert!(read("").is_none());
        // Deeply nested input is refused by the parser's limit, not a crash.
        // Deeply nested input is not read (the parser's own limit does not
        // count parentheses, and its frames are large): no stack overflow.
        for n in [40, 200, 5000] {
            let deep = format!("select {}1{}", "(".repeat(n), ")".repeat(n));
            assert!(read(&deep).is_none(), "{n}");
        }
        assert!(read(&format!("select {}1{}", "(".repeat(8), ")".repeat(8))).is_some());
    }
}
