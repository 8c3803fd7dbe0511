//! Test support: every test gets its own PostgreSQL database, cloned from a template that is migrated once per
//! migration set (and whose migrations are checked up → down → up on creation), and its own Redis key prefix.
//! Tests therefore run in parallel against the real services.

use diesel_async::{
    AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection,
    async_connection_wrapper::AsyncConnectionWrapper,
};
use diesel_migrations::MigrationHarness;
use sha2::{Digest, Sha256};
use std::path::Path;

use crate::{Hearth, Settings, db, kv, secrets};

/// The PostgreSQL server tests use (`TEST_DATABASE_URL`, else `DATABASE_URL`'s server, else the local one).
pub fn admin_url() -> String {
    let raw = std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match url::Url::parse(&raw) {
        Ok(mut url) => {
            url.set_path("/postgres");
            url.to_string()
        }
        Err(_) => raw,
    }
}

pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL")
        .or_else(|_| std::env::var("REDIS_URL"))
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn with_database(admin: &str, name: &str) -> String {
    match url::Url::parse(admin) {
        Ok(mut url) => {
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
        Err(_) => admin.to_owned(),
    }
}

/// A hash of every migration file, so that a changed migration gets a new template.
fn migrations_fingerprint() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        if let Ok(entries) = std::fs::read_dir(&d) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "sql" || e == "toml") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for f in files {
        // Relative names: two checkouts of the same migrations share one template.
        let name = f.strip_prefix(&root).unwrap_or(&f);
        hasher.update(name.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&f).unwrap_or_default());
    }
    hex::encode(&hasher.finalize()[..6])
}

async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    if let Err(e) = diesel::sql_query(sql).execute(conn).await {
        panic!("{sql}: {e}");
    }
}

/// Makes sure the template exists; returns its name.
async fn ensure_template(admin: &str) -> String {
    let name = format!("hearth_tpl_{}", migrations_fingerprint());
    let mut conn = AsyncPgConnection::establish(admin)
        .await
        .unwrap_or_else(|e| panic!("tests need PostgreSQL at {admin} (set TEST_DATABASE_URL): {e}"));
    // One process builds the template; the others wait on the lock.
    exec(&mut conn, "SELECT pg_advisory_lock(4242001)").await;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let existing: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_result(&mut conn)
        .await
        .unwrap_or(Count { n: 0 });
    if existing.n == 0 {
        sweep_stale(&mut conn).await;
        let building = format!("{name}_building");
        exec(
            &mut conn,
            &format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"),
        )
        .await;
        exec(&mut conn, &format!("CREATE DATABASE \"{building}\"")).await;
        let url = with_database(admin, &building);
        tokio::task::spawn_blocking(move || {
            let mut c = <AsyncConnectionWrapper<AsyncPgConnection> as diesel::Connection>::establish(&url)
                .unwrap_or_else(|e| panic!("{e}"));
            // up, down, up: every down.sql must revert its up.sql.
            c.run_pending_migrations(db::MIGRATIONS)
                .unwrap_or_else(|e| panic!("migrations up: {e}"));
            c.revert_all_migrations(db::MIGRATIONS)
                .unwrap_or_else(|e| panic!("migrations down: {e}"));
            c.run_pending_migrations(db::MIGRATIONS)
                .unwrap_or_else(|e| panic!("migrations up again: {e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        exec(
            &mut conn,
            &format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\""),
        )
        .await;
    }
    exec(&mut conn, "SELECT pg_advisory_unlock(4242001)").await;
    name
}

/// Drops test databases left by crashed runs (older than an hour) and templates of old migration sets.
async fn sweep_stale(conn: &mut AsyncPgConnection) {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let names: Vec<Name> = diesel::sql_query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'hearth\\_test\\_%' OR datname LIKE 'hearth\\_tpl\\_%'",
    )
    .load(conn)
    .await
    .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    for Name { datname } in names {
        let stale = match datname.strip_prefix("hearth_test_") {
            Some(rest) => rest
                .split('_')
                .next()
                .and_then(|t| t.parse::<i64>().ok())
                .is_some_and(|t| now - t > 3600),
            None => true, // an old template (this run's does not exist yet)
        };
        if stale {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"))
                .execute(conn)
                .await;
        }
    }
}

/// A database of one's own, dropped when the value is dropped.
pub struct TestDb {
    pub url: String,
    name: String,
    admin: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let admin = admin_url();
        let template = ensure_template(&admin).await;
        let name = format!(
            "hearth_test_{}_{}",
            chrono::Utc::now().timestamp(),
            hex::encode(secrets::random_bytes(5))
        );
        let mut conn = AsyncPgConnection::establish(&admin)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        exec(
            &mut conn,
            &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
        )
        .await;
        TestDb {
            url: with_database(&admin, &name),
            name,
            admin,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop runs outside any runtime we may block: do it on a thread with a runtime of its own.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(async {
                    if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                        let _ = conn
                            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .await;
                    }
                });
            }
        })
        .join();
    }
}

/// A Redis key prefix of one's own.
pub fn redis_prefix() -> String {
    format!("test:{}:", hex::encode(secrets::random_bytes(6)))
}

pub fn settings() -> Settings {
    Settings {
        base_url: "http://127.0.0.1:3999".into(),
        secret: secrets::Secret::new(secrets::random_bytes(32)),
        mail_from: "community@hearth.test".into(),
        webhooks: crate::webhooks::Config {
            allow_loopback: true,
            ..Default::default()
        },
        reads_per_minute: 60,
    }
}

/// A [`Hearth`] on a fresh database and Redis prefix, for domain tests.
pub async fn hearth() -> (Hearth, TestDb) {
    let test_db = TestDb::new().await;
    let pool = db::connect(&test_db.url, 8, std::time::Duration::from_secs(10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let kv = kv::Kv::connect(&redis_url(), &redis_prefix())
        .await
        .unwrap_or_else(|e| panic!("tests need Redis at {} (set TEST_REDIS_URL): {e}", redis_url()));
    let hearth = Hearth::new(pool, kv, settings())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (hearth, test_db)
}
