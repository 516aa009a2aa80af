//! Hand-written SQL with bound values, run through diesel as a prepared, cached statement
//! whose rows are read by position. The grid's queries (`media_query`) are built this way.

use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::sqlite::Sqlite;
use std::marker::PhantomData;

/// A value bound to a statement's `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Text(String),
    Int(i32),
    BigInt(i64),
}

/// SQL text with one `?` per bound value. Values from the user or the database are always
/// bound, never formatted in, so the grid has a few dozen distinct texts and each stays
/// prepared. (The one number written into the text is a page's LIMIT: SQLite plans a bound
/// LIMIT again on every run, see `media_query::page_sql`.)
pub(super) struct Sql {
    pub text: String,
    pub binds: Vec<Bind>,
}

impl Sql {
    /// As a diesel query whose rows have the SQL types `ST`, read by position.
    pub fn rows<ST>(self) -> Prepared<ST> {
        debug_assert_eq!(self.text.matches('?').count(), self.binds.len(), "{}", self.text);
        Prepared {
            sql: self,
            row: PhantomData,
        }
    }
}

/// Hand-written SQL run as a diesel query. Unlike `sql_query` it is kept in the connection's
/// prepared-statement cache (keyed by its text), and its rows are read by position
/// (`Queryable`) instead of by column name: together about a third of a page query's time.
pub(super) struct Prepared<ST> {
    sql: Sql,
    row: PhantomData<fn() -> ST>,
}

impl<ST> QueryId for Prepared<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: 'static> Query for Prepared<ST> {
    type SqlType = ST;
}

impl<ST> QueryFragment<Sqlite> for Prepared<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let mut pieces = self.sql.text.split('?');
        out.push_sql(pieces.next().unwrap_or_default());
        for (bind, piece) in self.sql.binds.iter().zip(pieces) {
            match bind {
                Bind::Text(text) => out.push_bind_param::<Text, _>(text)?,
                Bind::Int(int) => out.push_bind_param::<Integer, _>(int)?,
                Bind::BigInt(int) => out.push_bind_param::<BigInt, _>(int)?,
            }
            out.push_sql(piece);
        }
        Ok(())
    }
}

impl<ST, Conn> RunQueryDsl<Conn> for Prepared<ST> {}
