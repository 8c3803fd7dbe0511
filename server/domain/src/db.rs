//! The PostgreSQL pool and the embedded migrations.

use diesel::connection::SimpleConnection;
use diesel_async::{
    AsyncConnection, AsyncPgConnection,
    async_connection_wrapper::AsyncConnectionWrapper,
    pooled_connection::{AsyncDieselConnectionManager, deadpool},
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

use crate::{DomainError, DomainResult};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

pub type DbPool = deadpool::Pool<AsyncPgConnection>;
pub type DbConn = deadpool::Object<AsyncPgConnection>;

/// Opens a pool of `size` connections; a caller waits at most `wait` for one (then [`DomainError::Unavailable`]).
/// Fails fast (one clear message) when the server does not answer.
pub async fn connect(database_url: &str, size: usize, wait: Duration) -> DomainResult<DbPool> {
    // One real connection first, so that a wrong URL is reported now and not at the first request.
    let probe = tokio::time::timeout(Duration::from_secs(5), AsyncPgConnection::establish(database_url))
        .await
        .map_err(|_| DomainError::internal("no answer within 5 seconds"))?
        .map_err(|err| DomainError::internal(first_line(&err.to_string())))?;
    drop(probe);
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    deadpool::Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(wait))
        .create_timeout(Some(Duration::from_secs(5)))
        .runtime(::deadpool::Runtime::Tokio1)
        .build()
        .map_err(DomainError::internal)
}

/// Takes a connection from the pool.
pub async fn conn(pool: &DbPool) -> DomainResult<DbConn> {
    Ok(pool.get().await?)
}

/// Applies every pending migration; returns the versions applied. Runs on a blocking thread because
/// diesel's migration harness is synchronous.
pub async fn migrate(database_url: &str) -> DomainResult<Vec<String>> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> DomainResult<Vec<String>> {
        let mut conn = <AsyncConnectionWrapper<AsyncPgConnection> as diesel::Connection>::establish(&url)
            .map_err(|err| DomainError::internal(first_line(&err.to_string())))?;
        // Two instances starting at once must not both migrate.
        conn.batch_execute("SELECT pg_advisory_lock(727274)")
            .map_err(DomainError::internal)?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(|v| v.to_string()).collect())
            .map_err(|err| DomainError::internal(format!("migration failed: {err}")));
        let _ = conn.batch_execute("SELECT pg_advisory_unlock(727274)");
        applied
    })
    .await
    .map_err(DomainError::internal)?
}

/// Creates the database named in `database_url` when it does not exist (connecting to `postgres`).
pub async fn create_database_if_missing(database_url: &str) -> DomainResult<bool> {
    use diesel::sql_types::{Bool, Text};
    use diesel_async::RunQueryDsl;

    let mut url =
        url::Url::parse(database_url).map_err(|e| DomainError::internal(format!("DATABASE_URL: {e}")))?;
    let name = url.path().trim_start_matches('/').to_owned();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(DomainError::internal(format!(
            "DATABASE_URL names an unusual database {name:?}"
        )));
    }
    url.set_path("/postgres");
    let mut admin = AsyncPgConnection::establish(url.as_str())
        .await
        .map_err(|err| DomainError::internal(first_line(&err.to_string())))?;

    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let exists: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(&name)
            .get_result(&mut admin)
            .await?;
    if exists.exists {
        return Ok(false);
    }
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await?;
    Ok(true)
}

/// Checks that PostgreSQL answers a trivial query (readiness).
pub async fn ping(pool: &DbPool) -> DomainResult<()> {
    use diesel_async::RunQueryDsl;
    let mut conn = conn(pool).await?;
    diesel::sql_query("SELECT 1").execute(&mut conn).await?;
    Ok(())
}

/// Whether a diesel error is a unique-constraint violation, with the constraint's name.
pub fn unique_violation(err: &diesel::result::Error) -> Option<&str> {
    match err {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, info) => {
            Some(info.constraint_name().unwrap_or(""))
        }
        _ => None,
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

diesel::define_sql_function! {
    /// SQL `lower(text)`; matches the `lower(…)` unique indexes.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A raw SQL query that PostgreSQL prepares once per connection and then reuses (diesel never caches
/// `sql_query` statements, so each run would be parsed and planned again — on a busy page that planning costs
/// more than running the query). Only for fixed SQL texts with `$n` binds, never for SQL built from input.
#[derive(Debug, Clone)]
pub struct Prepared<Q>(Q);

/// Starts a [`Prepared`] query; bind its parameters with [`Prepared::bind`].
pub fn prepared_sql<'f>(
    sql: impl Into<String>,
) -> Prepared<diesel::query_builder::BoxedSqlQuery<'f, diesel::pg::Pg, diesel::query_builder::SqlQuery>> {
    Prepared(diesel::sql_query(sql).into_boxed())
}

impl<'f> Prepared<diesel::query_builder::BoxedSqlQuery<'f, diesel::pg::Pg, diesel::query_builder::SqlQuery>> {
    pub fn bind<ST, V>(self, value: V) -> Self
    where
        diesel::pg::Pg: diesel::sql_types::HasSqlType<ST>,
        V: diesel::serialize::ToSql<ST, diesel::pg::Pg> + Send + 'f,
        ST: Send + 'f,
    {
        Prepared(self.0.bind::<ST, V>(value))
    }
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>>
    diesel::query_builder::QueryFragment<diesel::pg::Pg> for Prepared<Q>
{
    fn walk_ast<'b>(
        &'b self,
        pass: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &diesel::pg::Pg) -> diesel::QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> diesel::query_builder::QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}
