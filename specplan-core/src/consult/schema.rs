//! The data model as the code defines it.
//!
//! - **SQL migrations** (sqlx, diesel, refinery: every `.sql` file under a
//!   `migrations` folder, down/undo migrations skipped), parsed with
//!   `sqlparser` in the dialect of the detected database and applied in
//!   migration order: `CREATE TABLE`, `ALTER TABLE` (add, drop, rename and
//!   alter columns, add and drop constraints, rename the table),
//!   `CREATE INDEX`, `DROP TABLE`, `DROP INDEX`. A statement that does not
//!   parse is a diagnostic naming the file and line; the parser skips to the
//!   next `;` and goes on.
//! - **diesel** `table!` and `joinable!` macros.
//! - **sea-orm** entities: the `Model` struct of `DeriveEntityModel`.
//! - **sqlx `FromRow`** structs: matched to the table of their name, with
//!   the fields the table lacks; a table of their own when no migration
//!   defines one.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, DataType, Expr, ObjectName,
    ObjectType, ReferentialAction, RenameTableNameKind, Statement, TableConstraint,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::facts::CodeFacts;
use crate::diag::{Diagnostic, Span};
use crate::source::{self, WalkedFile};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Schema {
    /// `postgres`, `mysql`, `sqlite` or `generic`: the SQL dialect used.
    pub dialect: String,
    /// The migration files read, in the order they were applied.
    pub migrations: Vec<String>,
    /// In the order they were first defined.
    pub tables: Vec<Table>,
    /// `FromRow` structs that match no table (query projections, or tables
    /// defined elsewhere).
    pub unmatched_rows: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub name: String,
    /// `sql`, `diesel`, `sea-orm`, `sqlx FromRow`.
    pub origin: String,
    pub file: String,
    pub line: usize,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Unique constraints other than the primary key (and unique indexes).
    pub uniques: Vec<Vec<String>>,
    pub indexes: Vec<Index>,
    pub checks: usize,
    /// Rust types that map rows of the table (`models/user.rs::User`).
    pub structs: Vec<RowStruct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    /// As the schema writes it (`TIMESTAMPTZ`, `VARCHAR(255)`).
    pub ty: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: Option<String>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowStruct {
    pub name: String,
    pub file: String,
    pub line: usize,
    /// Fields with no column of that name in the table.
    pub missing_columns: Vec<String>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables
            .iter_mut()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Whether `col` alone is unique (primary key, unique constraint).
    pub fn is_unique(&self, col: &str) -> bool {
        self.primary_key == [col]
            || self.uniques.iter().any(|u| u == &[col])
            || self.indexes.iter().any(|i| i.unique && i.columns == [col])
    }
}

/// The dialect for a detected database name.
fn dialect_for(databases: &[String]) -> (&'static str, Box<dyn Dialect>) {
    for db in databases {
        match db.as_str() {
            "postgres" | "postgresql" | "cockroachdb" => {
                return ("postgres", Box::new(PostgreSqlDialect {}));
            }
            "mysql" | "mariadb" => return ("mysql", Box::new(MySqlDialect {})),
            "sqlite" => return ("sqlite", Box::new(SQLiteDialect {})),
            _ => {}
        }
    }
    ("generic", Box::new(GenericDialect {}))
}

/// Whether a workspace-relative path is an up migration in SQL.
fn is_up_migration(rel: &str) -> bool {
    let Some(i) = rel
        .find("migrations/")
        .filter(|&i| i == 0 || rel[..i].ends_with('/'))
    else {
        return false;
    };
    let sub = &rel[i + "migrations/".len()..];
    let name = sub.rsplit('/').next().unwrap_or(sub);
    name.ends_with(".sql")
        && !name.ends_with(".down.sql")
        && name != "down.sql"
        && !name.starts_with('U')
}

/// Migration order: the version number of the migration (its first run of
/// digits), then the path.
fn migration_key(rel: &str) -> (String, u128, String) {
    let i = rel.find("migrations/").unwrap_or(0);
    let dir = rel[..i].to_string();
    let sub = &rel[i + "migrations/".len()..];
    let first = sub.split('/').next().unwrap_or(sub);
    let digits: String = first
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .take(38)
        .collect();
    (dir, digits.parse().unwrap_or(0), rel.to_string())
}

/// Extracts the data model.
pub fn extract(files: &[WalkedFile], databases: &[String], facts: &CodeFacts) -> Schema {
    let (dialect_name, dialect) = dialect_for(databases);
    let mut schema = Schema {
        dialect: dialect_name.to_string(),
        ..Schema::default()
    };
    let mut migrations: Vec<&WalkedFile> =
        files.iter().filter(|f| is_up_migration(&f.rel)).collect();
    migrations.sort_by_key(|f| migration_key(&f.rel));
    for file in migrations {
        let text = match source::read_text(file) {
            Ok(t) => t,
            Err(d) => {
                schema.diagnostics.push(d);
                continue;
            }
        };
        schema.migrations.push(file.rel.clone());
        for (stmt, line) in parse_sql(&text, &file.rel, dialect.as_ref(), &mut schema) {
            apply(&mut schema, stmt, &file.rel, line);
        }
    }
    diesel(facts, &mut schema);
    sea_orm(facts, &mut schema);
    from_row(facts, &mut schema);
    schema
}

/// `… at Line: 3, Column: 5` → (3, 5).
fn error_position(message: &str) -> Option<(usize, usize)> {
    let i = message.rfind("Line: ")?;
    let rest = &message[i + 6..];
    let line: usize = rest.split(',').next()?.trim().parse().ok()?;
    let col = rest
        .split("Column: ")
        .nth(1)
        .and_then(|c| {
            c.trim()
                .trim_end_matches(|ch: char| !ch.is_ascii_digit())
                .parse()
                .ok()
        })
        .unwrap_or(1);
    Some((line, col))
}

/// Parses statement by statement, so that one that does not parse is
/// reported and skipped. Each statement comes with its first line.
fn parse_sql(
    text: &str,
    rel: &str,
    dialect: &dyn Dialect,
    schema: &mut Schema,
) -> Vec<(Statement, usize)> {
    let report = |schema: &mut Schema, e: &ParserError, at: (usize, usize)| {
        let message = match e {
            ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
            ParserError::RecursionLimitExceeded => "nested too deeply".to_string(),
        };
        let (line, column) = error_position(&message).unwrap_or(at);
        let message = message
            .rsplit_once(" at Line: ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_string();
        schema.diagnostics.push(
            Diagnostic::warning(
                "sql-parse-error",
                format!("could not parse a statement of `{rel}`: {message}"),
            )
            .in_file(rel)
            .at(Span::line_only(line, column))
            .with_help("the statement is left out of the data model; the rest of the file is read"),
        );
    };
    let mut parser = match Parser::new(dialect).try_with_sql(text) {
        Ok(p) => p,
        Err(e) => {
            report(schema, &e, (1, 1));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    loop {
        while parser.consume_token(&Token::SemiColon) {}
        let next = parser.peek_token();
        if next.token == Token::EOF {
            break;
        }
        let at = (
            next.span.start.line as usize,
            next.span.start.column as usize,
        );
        match parser.parse_statement() {
            Ok(s) => {
                out.push((s, at.0));
                // Anything before the next `;` is not part of it.
                let after = parser.peek_token();
                if !matches!(after.token, Token::SemiColon | Token::EOF) {
                    report(
                        schema,
                        &ParserError::ParserError(format!(
                            "expected end of statement, found: {} at Line: {}, Column: {}",
                            after.token, after.span.start.line, after.span.start.column
                        )),
                        at,
                    );
                    skip_statement(&mut parser);
                }
            }
            Err(e) => {
                report(schema, &e, at);
                skip_statement(&mut parser);
            }
        }
    }
    out
}

fn skip_statement(parser: &mut Parser<'_>) {
    loop {
        let t = parser.next_token();
        if matches!(t.token, Token::SemiColon | Token::EOF) {
            break;
        }
    }
}

fn object_name(n: &ObjectName) -> String {
    n.0.last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.clone())
        .unwrap_or_else(|| n.to_string())
}

fn type_text(t: &DataType) -> String {
    t.to_string()
}

fn action(a: &Option<ReferentialAction>) -> Option<String> {
    a.as_ref().map(|a| a.to_string())
}

fn index_columns(cols: &[sqlparser::ast::IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn apply(schema: &mut Schema, stmt: Statement, file: &str, line: usize) {
    match stmt {
        Statement::CreateTable(ct) => {
            let name = object_name(&ct.name);
            let mut table = Table {
                name: name.clone(),
                origin: "sql".into(),
                file: file.to_string(),
                line: ct
                    .name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map_or(line, |i| (i.span.start.line as usize).max(1)),
                columns: Vec::new(),
                primary_key: Vec::new(),
                foreign_keys: Vec::new(),
                uniques: Vec::new(),
                indexes: Vec::new(),
                checks: 0,
                structs: Vec::new(),
            };
            for c in &ct.columns {
                add_column(&mut table, c, file, line);
            }
            for tc in &ct.constraints {
                add_constraint(&mut table, tc, file, line);
            }
            schema
                .tables
                .retain(|t| !t.name.eq_ignore_ascii_case(&name));
            schema.tables.push(table);
        }
        Statement::AlterTable(at) => {
            let name = object_name(&at.name);
            let Some(table) = schema.table_mut(&name) else {
                return;
            };
            for op in &at.operations {
                alter(table, op, file, line);
            }
            if let Some(new) = at.operations.iter().find_map(|op| match op {
                AlterTableOperation::RenameTable {
                    table_name: RenameTableNameKind::As(n) | RenameTableNameKind::To(n),
                } => Some(object_name(n)),
                _ => None,
            }) {
                for t in &mut schema.tables {
                    for fk in &mut t.foreign_keys {
                        if fk.table.eq_ignore_ascii_case(&name) {
                            fk.table = new.clone();
                        }
                    }
                }
            }
        }
        Statement::CreateIndex(ci) => {
            let table_name = object_name(&ci.table_name);
            let Some(table) = schema.table_mut(&table_name) else {
                return;
            };
            table.indexes.push(Index {
                name: ci.name.as_ref().map(object_name).unwrap_or_default(),
                columns: index_columns(&ci.columns),
                unique: ci.unique,
                file: file.to_string(),
                line,
            });
        }
        Statement::Drop {
            object_type, names, ..
        } => {
            let names: Vec<String> = names.iter().map(object_name).collect();
            match object_type {
                ObjectType::Table => schema
                    .tables
                    .retain(|t| !names.iter().any(|n| n.eq_ignore_ascii_case(&t.name))),
                ObjectType::Index => {
                    for t in &mut schema.tables {
                        t.indexes
                            .retain(|i| !names.iter().any(|n| n.eq_ignore_ascii_case(&i.name)));
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
}

fn add_column(table: &mut Table, c: &sqlparser::ast::ColumnDef, file: &str, line: usize) {
    let name = c.name.value.clone();
    let mut col = Column {
        name: name.clone(),
        ty: type_text(&c.data_type),
        nullable: true,
        default: None,
        file: file.to_string(),
        line: (c.name.span.start.line as usize).max(line),
    };
    for o in &c.options {
        match &o.option {
            ColumnOption::NotNull => col.nullable = false,
            ColumnOption::Default(e) => col.default = Some(e.to_string()),
            ColumnOption::PrimaryKey(_) => {
                col.nullable = false;
                table.primary_key = vec![name.clone()];
            }
            ColumnOption::Unique(_) => table.uniques.push(vec![name.clone()]),
            ColumnOption::ForeignKey(fk) => table.foreign_keys.push(ForeignKey {
                columns: vec![name.clone()],
                table: object_name(&fk.foreign_table),
                ref_columns: fk
                    .referred_columns
                    .iter()
                    .map(|i| i.value.clone())
                    .collect(),
                on_delete: action(&fk.on_delete),
                file: file.to_string(),
                line: col.line,
            }),
            ColumnOption::Check(_) => table.checks += 1,
            _ => {}
        }
    }
    // SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT` and friends parse as
    // dialect-specific tokens; `PRIMARY KEY` is recognised above.
    table.columns.retain(|x| x.name != col.name);
    table.columns.push(col);
}

fn add_constraint(table: &mut Table, tc: &TableConstraint, file: &str, line: usize) {
    match tc {
        TableConstraint::PrimaryKey(pk) => {
            table.primary_key = index_columns(&pk.columns);
            for c in &mut table.columns {
                if table.primary_key.contains(&c.name) {
                    c.nullable = false;
                }
            }
        }
        TableConstraint::Unique(u) => table.uniques.push(index_columns(&u.columns)),
        TableConstraint::ForeignKey(fk) => table.foreign_keys.push(ForeignKey {
            columns: fk.columns.iter().map(|i| i.value.clone()).collect(),
            table: object_name(&fk.foreign_table),
            ref_columns: fk
                .referred_columns
                .iter()
                .map(|i| i.value.clone())
                .collect(),
            on_delete: action(&fk.on_delete),
            file: file.to_string(),
            line: fk
                .columns
                .first()
                .map_or(line, |i| (i.span.start.line as usize).max(line)),
        }),
        TableConstraint::Check(_) => table.checks += 1,
        TableConstraint::Index(i) => table.indexes.push(Index {
            name: i.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
            columns: index_columns(&i.columns),
            unique: false,
            file: file.to_string(),
            line,
        }),
        _ => {}
    }
}

fn alter(table: &mut Table, op: &AlterTableOperation, file: &str, line: usize) {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            add_column(table, column_def, file, line);
        }
        AlterTableOperation::DropColumn { column_names, .. } => {
            table
                .columns
                .retain(|c| !column_names.iter().any(|n| n.value == c.name));
            table.foreign_keys.retain(|fk| {
                !fk.columns
                    .iter()
                    .any(|c| column_names.iter().any(|n| &n.value == c))
            });
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            for c in &mut table.columns {
                if c.name == old_column_name.value {
                    c.name = new_column_name.value.clone();
                }
            }
            let rename = |v: &mut Vec<String>| {
                for c in v.iter_mut() {
                    if *c == old_column_name.value {
                        *c = new_column_name.value.clone();
                    }
                }
            };
            rename(&mut table.primary_key);
            for fk in &mut table.foreign_keys {
                rename(&mut fk.columns);
            }
            for u in &mut table.uniques {
                rename(u);
            }
            for i in &mut table.indexes {
                rename(&mut i.columns);
            }
        }
        AlterTableOperation::RenameTable {
            table_name: RenameTableNameKind::As(n) | RenameTableNameKind::To(n),
        } => table.name = object_name(n),
        AlterTableOperation::AddConstraint { constraint, .. } => {
            add_constraint(table, constraint, file, line);
        }
        AlterTableOperation::DropConstraint { .. } => {}
        AlterTableOperation::AlterColumn { column_name, op } => {
            let Some(c) = table
                .columns
                .iter_mut()
                .find(|c| c.name == column_name.value)
            else {
                return;
            };
            match op {
                AlterColumnOperation::SetNotNull => c.nullable = false,
                AlterColumnOperation::DropNotNull => c.nullable = true,
                AlterColumnOperation::SetDefault { value } => c.default = Some(value.to_string()),
                AlterColumnOperation::DropDefault => c.default = None,
                AlterColumnOperation::SetDataType { data_type, .. } => {
                    c.ty = type_text(data_type);
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// `Nullable<Varchar>` → (`Varchar`, true).
fn diesel_type(ty: &str) -> (String, bool) {
    let t = ty.replace(' ', "");
    match t
        .strip_prefix("Nullable<")
        .and_then(|r| r.strip_suffix('>'))
    {
        Some(inner) => (inner.to_string(), true),
        None => (t, false),
    }
}

/// diesel's `table!` and `joinable!`, read from the macros' tokens.
fn diesel(facts: &CodeFacts, schema: &mut Schema) {
    for m in facts
        .macros
        .iter()
        .filter(|m| !m.test && m.last() == "table")
    {
        let Some(t) = parse_diesel_table(&m.tokens, &m.file, m.line) else {
            continue;
        };
        if schema.table(&t.name).is_none() {
            schema.tables.push(t);
        }
    }
    for m in facts
        .macros
        .iter()
        .filter(|m| !m.test && m.last() == "joinable")
    {
        // `(posts -> users (user_id))`
        let inner = m
            .tokens
            .trim_matches(|c| matches!(c, '(' | ')' | '{' | '}' | '[' | ']'));
        let Some((child, rest)) = inner.split_once("->") else {
            continue;
        };
        let rest = rest.trim();
        let Some((parent, col)) = rest.split_once('(') else {
            continue;
        };
        let (child, parent) = (child.trim().to_string(), parent.trim().to_string());
        let col = col.trim_end_matches(')').trim().to_string();
        let pk = schema
            .table(&parent)
            .map(|p| p.primary_key.clone())
            .unwrap_or_else(|| vec!["id".into()]);
        if let Some(t) = schema.table_mut(&child)
            && !t.foreign_keys.iter().any(|fk| fk.columns == [col.clone()])
        {
            t.foreign_keys.push(ForeignKey {
                columns: vec![col],
                table: parent,
                ref_columns: pk,
                on_delete: None,
                file: m.file.clone(),
                line: m.line,
            });
        }
    }
}

fn parse_diesel_table(tokens: &str, file: &str, line: usize) -> Option<Table> {
    let body = tokens.trim();
    let body = body
        .strip_prefix(['{', '(', '['])
        .and_then(|b| b.strip_suffix(['}', ')', ']']))
        .unwrap_or(body);
    // Skip `use …;` lines and attributes before the table name.
    let mut rest = body.trim_start();
    loop {
        if rest.starts_with("use ") {
            rest = rest.split_once(';')?.1.trim_start();
        } else if rest.starts_with("#[") {
            rest = rest.split_once(']')?.1.trim_start();
        } else {
            break;
        }
    }
    let open = rest.find('(')?;
    let name = rest[..open].trim();
    let name = name.rsplit('.').next().unwrap_or(name).trim().to_string();
    let close = rest[open..].find(')')? + open;
    let pk: Vec<String> = rest[open + 1..close]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let cols_open = rest[close..].find('{')? + close;
    let cols_close = rest.rfind('}')?;
    let mut columns = Vec::new();
    for decl in rest[cols_open + 1..cols_close].split(',') {
        let decl = decl.trim();
        // Drop attributes (`#[sql_name = "…"]`) and doc comments.
        let decl = decl.rsplit(']').next().unwrap_or(decl).trim();
        let Some((col, ty)) = decl.split_once("->") else {
            continue;
        };
        let (ty, nullable) = diesel_type(ty.trim());
        columns.push(Column {
            name: col.trim().to_string(),
            ty,
            nullable,
            default: None,
            file: file.to_string(),
            line,
        });
    }
    (!name.is_empty()).then(|| Table {
        name,
        origin: "diesel".into(),
        file: file.to_string(),
        line,
        columns,
        primary_key: pk,
        foreign_keys: Vec::new(),
        uniques: Vec::new(),
        indexes: Vec::new(),
        checks: 0,
        structs: Vec::new(),
    })
}

fn strip_option(ty: &str) -> (String, bool) {
    match ty.strip_prefix("Option<").and_then(|r| r.strip_suffix('>')) {
        Some(inner) => (inner.to_string(), true),
        None => (ty.to_string(), false),
    }
}

fn sea_orm(facts: &CodeFacts, schema: &mut Schema) {
    for s in facts
        .structs
        .iter()
        .filter(|s| !s.test && s.derives("DeriveEntityModel"))
    {
        let Some(name) = s.attr_value("sea_orm", "table_name") else {
            continue;
        };
        if schema.table(&name).is_some() {
            continue;
        }
        let mut t = Table {
            name,
            origin: "sea-orm".into(),
            file: s.file.clone(),
            line: s.line,
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            uniques: Vec::new(),
            indexes: Vec::new(),
            checks: 0,
            structs: vec![RowStruct {
                name: s.name.clone(),
                file: s.file.clone(),
                line: s.line,
                missing_columns: Vec::new(),
            }],
        };
        for f in &s.fields {
            let (ty, nullable) = strip_option(&f.ty);
            let sea: Vec<&String> = f
                .attrs
                .iter()
                .filter(|a| a.starts_with("sea_orm"))
                .collect();
            if sea.iter().any(|a| a.contains("primary_key")) {
                t.primary_key.push(f.name.clone());
            }
            if sea.iter().any(|a| a.contains("unique")) {
                t.uniques.push(vec![f.name.clone()]);
            }
            t.columns.push(Column {
                name: crate::consult::facts::attr_value(&f.attrs, "sea_orm", "column_name")
                    .unwrap_or_else(|| f.name.clone()),
                ty,
                nullable,
                default: None,
                file: s.file.clone(),
                line: f.line,
            });
        }
        schema.tables.push(t);
    }
}

/// `OrderItem` → `order_item`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The table names a struct name may map to: `User` → `user`, `users`.
fn table_candidates(name: &str) -> Vec<String> {
    let base = snake(name);
    let mut out = vec![base.clone(), format!("{base}s"), format!("{base}es")];
    if let Some(stem) = base.strip_suffix('y') {
        out.push(format!("{stem}ies"));
    }
    out
}

fn from_row(facts: &CodeFacts, schema: &mut Schema) {
    let rows: Vec<_> = facts
        .structs
        .iter()
        .filter(|s| !s.test && s.derives("FromRow"))
        .collect();
    let had_tables = !schema.tables.is_empty();
    let mut own: BTreeMap<String, Table> = BTreeMap::new();
    for s in rows {
        let explicit = s
            .attr_value("sqlx", "table")
            .or_else(|| s.attr_value("diesel", "table_name"));
        let candidates = explicit.map_or_else(|| table_candidates(&s.name), |t| vec![t]);
        let found = candidates
            .iter()
            .find_map(|c| schema.table(c).map(|t| t.name.clone()));
        match found {
            Some(tname) => {
                let Some(t) = schema.table_mut(&tname) else {
                    continue;
                };
                let missing = s
                    .fields
                    .iter()
                    .filter(|f| {
                        !f.attrs
                            .iter()
                            .any(|a| a.contains("skip") || a.contains("flatten"))
                    })
                    .map(|f| {
                        crate::consult::facts::attr_value(&f.attrs, "sqlx", "rename")
                            .unwrap_or_else(|| f.name.clone())
                    })
                    .filter(|n| t.column(n).is_none())
                    .collect();
                t.structs.push(RowStruct {
                    name: s.name.clone(),
                    file: s.file.clone(),
                    line: s.line,
                    missing_columns: missing,
                });
            }
            None if had_tables => schema
                .unmatched_rows
                .push(format!("{}::{}", s.file, s.name)),
            None => {
                let name = candidates.get(1).cloned().unwrap_or_else(|| snake(&s.name));
                own.entry(name.clone()).or_insert_with(|| Table {
                    name,
                    origin: "sqlx FromRow".into(),
                    file: s.file.clone(),
                    line: s.line,
                    columns: s
                        .fields
                        .iter()
                        .map(|f| {
                            let (ty, nullable) = strip_option(&f.ty);
                            Column {
                                name: f.name.clone(),
                                ty,
                                nullable,
                                default: None,
                                file: s.file.clone(),
                                line: f.line,
                            }
                        })
                        .collect(),
                    primary_key: s
                        .fields
                        .iter()
                        .filter(|f| f.name == "id")
                        .map(|f| f.name.clone())
                        .collect(),
                    foreign_keys: Vec::new(),
                    uniques: Vec::new(),
                    indexes: Vec::new(),
                    checks: 0,
                    structs: vec![RowStruct {
                        name: s.name.clone(),
                        file: s.file.clone(),
                        line: s.line,
                        missing_columns: Vec::new(),
                    }],
                });
            }
        }
    }
    schema.tables.extend(own.into_values());
}

/// A Mermaid `erDiagram` attribute type: one word of letters, digits, `_`,
/// `-`, `(`, `)`, `[`, `]`, starting with a letter.
pub fn mermaid_type(ty: &str) -> String {
    let mut out = String::new();
    for c in ty.trim().chars() {
        match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '(' | ')' | '[' | ']') => {
                out.push(c);
            }
            ' ' | ',' | '-' | '.' if !out.ends_with('_') => out.push('_'),
            _ => {}
        }
    }
    let out = out.trim_matches('_').to_string();
    // Unbalanced parentheses would end the word early.
    let out = if out.matches('(').count() != out.matches(')').count() {
        out.replace(['(', ')'], "_")
    } else {
        out
    };
    if out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out
    } else {
        format!("t_{out}")
    }
}

/// A Mermaid `erDiagram` entity or attribute name.
pub fn mermaid_name(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id
    } else {
        format!("t_{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(sql: &str, db: &str) -> Schema {
        let mut s = Schema::default();
        let (_, d) = dialect_for(&[db.to_string()]);
        for (stmt, line) in parse_sql(sql, "migrations/1_x.sql", d.as_ref(), &mut s) {
            apply(&mut s, stmt, "migrations/1_x.sql", line);
        }
        s
    }

    #[test]
    fn tables_keys_indexes_and_alters() {
        let s = schema_of(
            "CREATE TABLE users (id UUID PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);\n\
             CREATE TABLE orders (\n  id BIGSERIAL PRIMARY KEY,\n  user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n  total NUMERIC(10, 2)\n);\n\
             CREATE UNIQUE INDEX orders_total_idx ON orders (total);\n\
             ALTER TABLE users ADD COLUMN phone TEXT;\n\
             ALTER TABLE users DROP COLUMN name;\n\
             ALTER TABLE users RENAME TO accounts;\n",
            "postgres",
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let names: Vec<_> = s.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["accounts", "orders"]);
        let users = &s.tables[0];
        let cols: Vec<_> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["id", "email", "phone"]);
        assert!(users.is_unique("email"));
        let orders = &s.tables[1];
        assert_eq!(orders.line, 2);
        assert_eq!(orders.foreign_keys[0].table, "accounts");
        assert_eq!(orders.foreign_keys[0].on_delete.as_deref(), Some("CASCADE"));
        assert_eq!(orders.foreign_keys[0].line, 4);
        assert!(!orders.column("user_id").unwrap().nullable);
        assert_eq!(orders.indexes[0].columns, ["total"]);
        assert_eq!(
            mermaid_type(&orders.column("total").unwrap().ty),
            "NUMERIC(10_2)"
        );
    }

    #[test]
    fn a_bad_statement_is_a_diagnostic_and_the_rest_is_read() {
        let s = schema_of(
            "CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (id INT PRIMARY KEY,, x INT);\nCREATE TABLE c (id INT);\n",
            "sqlite",
        );
        let names: Vec<_> = s.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(s.diagnostics.len(), 1);
        let d = &s.diagnostics[0];
        assert_eq!(d.rule, "sql-parse-error");
        assert_eq!(d.file.as_deref(), Some("migrations/1_x.sql"));
        assert_eq!(d.span.unwrap().line, 2);
    }

    #[test]
    fn migration_files_and_order() {
        assert!(is_up_migration("migrations/0001_users.up.sql"));
        assert!(!is_up_migration("migrations/0001_users.down.sql"));
        assert!(is_up_migration("db/migrations/2024-01-01-000000_x/up.sql"));
        assert!(!is_up_migration(
            "db/migrations/2024-01-01-000000_x/down.sql"
        ));
        assert!(!is_up_migration("src/not_migrations/x.sql"));
        let mut v = vec!["migrations/10_b.sql", "migrations/9_a.sql"];
        v.sort_by_key(|r| migration_key(r));
        assert_eq!(v, ["migrations/9_a.sql", "migrations/10_b.sql"]);
    }

    #[test]
    fn diesel_tables() {
        let t = parse_diesel_table(
            "{ users (id) { id -> Int4, #[sql_name = \"mail\"] email -> Varchar, bio -> Nullable<Text>, } }",
            "src/schema.rs",
            3,
        )
        .unwrap();
        assert_eq!(t.name, "users");
        assert_eq!(t.primary_key, ["id"]);
        let cols: Vec<_> = t
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty.as_str(), c.nullable))
            .collect();
        assert_eq!(
            cols,
            [
                ("id", "Int4", false),
                ("email", "Varchar", false),
                ("bio", "Text", true)
            ]
        );
    }
}
