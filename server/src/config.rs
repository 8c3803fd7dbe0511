//! Configuration from the environment, with local defaults. Unknown `HEARTH_*` variables are refused (a typo
//! should not silently fall back to a default); secrets never appear in `Debug` output.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use domain::secrets::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `LEPTOS_SITE_ADDR`: where to listen (port 0 picks a free port).
    pub site_addr: SocketAddr,
    /// `DATABASE_URL`
    pub database_url: String,
    /// `REDIS_URL`
    pub redis_url: String,
    /// `HEARTH_REDIS_PREFIX`: namespace of every Redis key.
    pub redis_prefix: String,
    /// `SMTP_URL`: unset in development (mail goes to `.eml` files in `mail_dir`).
    pub smtp_url: Option<String>,
    /// `HEARTH_MAIL_DIR`
    pub mail_dir: PathBuf,
    /// `HEARTH_MAIL_FROM`: the sender address of every e-mail.
    pub mail_from: String,
    /// `HEARTH_BASE_URL`: the public address of the site (links in e-mails, the origin check).
    pub base_url: String,
    /// `HEARTH_SECRET`, else a generated key kept in `HEARTH_STATE_DIR/secret`.
    pub secret: Secret,
    /// `HEARTH_SITE_ROOT` (or `LEPTOS_SITE_ROOT`): the built assets (`pkg/`).
    pub site_root: PathBuf,
    /// `HEARTH_DB_POOL`: connections per instance for requests.
    pub db_pool_size: usize,
    /// `HEARTH_DB_POOL_WAIT_MS`: how long a request waits for a connection (or an expensive read for its
    /// turn) before it is answered 503 with `Retry-After`.
    pub db_pool_wait: std::time::Duration,
    /// `HEARTH_DB_BACKGROUND_POOL`: connections of the background workers' own pool.
    pub db_background_pool_size: usize,
    /// `HEARTH_EXPENSIVE_READS`: how many expensive reads (search, similar-title suggestions, exports) run at
    /// once; the default is a quarter of `HEARTH_DB_POOL`, so that they never take the whole pool.
    pub expensive_limit: usize,
    /// `HEARTH_MAX_INFLIGHT`: requests one instance works on at once; past it, 503 at once.
    pub max_inflight: usize,
    /// `HEARTH_HTTP_WORKERS`: actix worker threads (default: one per core).
    pub http_workers: usize,
    /// `HEARTH_BACKGROUND_WORKERS` (`true`/`false`): run the mail and refresh workers in this process.
    pub background_workers: bool,
    /// `HEARTH_TRUST_PROXY`: take the client address from `X-Forwarded-For` (behind a reverse proxy only).
    pub trust_proxy: bool,
    /// `HEARTH_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `HEARTH_PAGE_CACHE_SECONDS`: how long an anonymous visitor's page is reused (0: never).
    pub page_cache_ttl: std::time::Duration,
    /// `HEARTH_WEBHOOKS_ALLOW_LOOPBACK`: development and tests only: webhooks may go to loopback receivers
    /// (over plain http too). Off by default; every other special-purpose address stays refused.
    pub webhooks_allow_loopback: bool,
    /// `HEARTH_WEBHOOK_RETRY_SECONDS`: the waits after each failed webhook attempt, comma-separated
    /// (default: the published schedule, about 3 days).
    pub webhook_retry_schedule: Vec<std::time::Duration>,
    /// `HEARTH_METRICS_TOKEN`: the bearer secret that opens `/metrics` and `/readyz` to a monitoring system.
    /// Without it they answer only direct requests from this machine (loopback, and not through a proxy).
    pub metrics_token: Option<Secret>,
    /// `HEARTH_STREAMS_TOTAL`, `HEARTH_STREAMS_PER_ADDRESS`, `HEARTH_STREAMS_PER_MEMBER`: open event streams one
    /// instance serves in all, per client address (/64 for IPv6) and per member; past them, 429.
    pub streams: StreamCaps,
    /// `HEARTH_READS_PER_MINUTE`: searches, similar-title suggestions and Markdown previews each, per member or
    /// client address and minute (default 60).
    pub reads_per_minute: u64,
}

/// Caps on open event streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCaps {
    pub total: usize,
    pub per_address: usize,
    pub per_member: usize,
    /// `HEARTH_STREAM_RECHECK_SECONDS`: how often an open stream checks that its session or token still holds
    /// and that its topic is still visible to its member (default 120); it ends when not.
    pub recheck: std::time::Duration,
}

/// A configuration problem, named after the variable to fix.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

fn err(variable: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.into(),
        message: message.into(),
    }
}

const KNOWN: &[&str] = &[
    "HEARTH_REDIS_PREFIX",
    "HEARTH_MAIL_DIR",
    "HEARTH_MAIL_FROM",
    "HEARTH_BASE_URL",
    "HEARTH_SECRET",
    "HEARTH_STATE_DIR",
    "HEARTH_SITE_ROOT",
    "HEARTH_DB_POOL",
    "HEARTH_DB_POOL_WAIT_MS",
    "HEARTH_DB_BACKGROUND_POOL",
    "HEARTH_EXPENSIVE_READS",
    "HEARTH_MAX_INFLIGHT",
    "HEARTH_HTTP_WORKERS",
    "HEARTH_BACKGROUND_WORKERS",
    "HEARTH_TRUST_PROXY",
    "HEARTH_LOG_FORMAT",
    "HEARTH_PAGE_CACHE_SECONDS",
    "HEARTH_WEBHOOKS_ALLOW_LOOPBACK",
    "HEARTH_WEBHOOK_RETRY_SECONDS",
    "HEARTH_METRICS_TOKEN",
    "HEARTH_STREAMS_TOTAL",
    "HEARTH_STREAMS_PER_ADDRESS",
    "HEARTH_STREAMS_PER_MEMBER",
    "HEARTH_STREAM_RECHECK_SECONDS",
    "HEARTH_READS_PER_MINUTE",
];

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(std::env::vars().collect())
    }

    /// Reads a set of variables (tests pass their own).
    pub fn from_vars(vars: Vec<(String, String)>) -> Result<Config, ConfigError> {
        for (key, _) in &vars {
            if key.starts_with("HEARTH_") && !KNOWN.contains(&key.as_str()) {
                return Err(err(
                    key,
                    format!("is not a known setting (known: {})", KNOWN.join(", ")),
                ));
            }
        }
        let get = |key: &str| -> Option<String> {
            vars.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let site_addr: SocketAddr = get("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| {
                err(
                    "LEPTOS_SITE_ADDR",
                    format!("must be an address like 127.0.0.1:3000 ({e})"),
                )
            })?;
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/hearth".into());
        url::Url::parse(&database_url).map_err(|e| {
            err(
                "DATABASE_URL",
                format!("must be a URL like postgres://user@host:5432/hearth ({e})"),
            )
        })?;
        let redis_url = get("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into());
        url::Url::parse(&redis_url).map_err(|e| {
            err(
                "REDIS_URL",
                format!("must be a URL like redis://127.0.0.1:6379 ({e})"),
            )
        })?;
        let smtp_url = get("SMTP_URL");
        if let Some(smtp) = &smtp_url {
            url::Url::parse(smtp)
                .map_err(|e| err("SMTP_URL", format!("must be a URL like smtp://host:25 ({e})")))?;
        }
        let base_url = get("HEARTH_BASE_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_owned();
        let parsed_base = url::Url::parse(&base_url).map_err(|e| {
            err(
                "HEARTH_BASE_URL",
                format!("must be a URL like https://community.example.com ({e})"),
            )
        })?;
        if !matches!(parsed_base.scheme(), "http" | "https") {
            return Err(err("HEARTH_BASE_URL", "must start with http:// or https://"));
        }
        let state_dir = PathBuf::from(get("HEARTH_STATE_DIR").unwrap_or_else(|| ".hearth".into()));
        let secret = match get("HEARTH_SECRET") {
            Some(s) if s.len() >= 32 => Secret::from_text(&s),
            Some(_) => return Err(err("HEARTH_SECRET", "must be at least 32 characters")),
            None => load_or_create_secret(&state_dir.join("secret"))?,
        };
        let parse_bool = |key: &str, default: bool| -> Result<bool, ConfigError> {
            match get(key).as_deref() {
                None => Ok(default),
                Some("1" | "true" | "yes" | "on") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(other) => Err(err(key, format!("must be true or false, not {other:?}"))),
            }
        };
        let parse_usize = |key: &str, default: usize| -> Result<usize, ConfigError> {
            match get(key) {
                None => Ok(default),
                Some(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| err(key, "must be a positive number")),
            }
        };
        let page_cache_seconds = match get("HEARTH_PAGE_CACHE_SECONDS") {
            None => 5,
            Some(v) => v.parse::<u64>().ok().filter(|n| *n <= 3600).ok_or_else(|| {
                err(
                    "HEARTH_PAGE_CACHE_SECONDS",
                    "must be a number of seconds from 0 (off) to 3600",
                )
            })?,
        };
        let db_pool_size = parse_usize("HEARTH_DB_POOL", 16)?;
        let db_pool_wait_ms = parse_usize("HEARTH_DB_POOL_WAIT_MS", 1000)?;
        if db_pool_wait_ms > 60_000 {
            return Err(err("HEARTH_DB_POOL_WAIT_MS", "must be at most 60000 (a minute)"));
        }
        let expensive_limit = parse_usize("HEARTH_EXPENSIVE_READS", (db_pool_size / 4).max(1))?;
        if expensive_limit >= db_pool_size && db_pool_size > 1 {
            return Err(err(
                "HEARTH_EXPENSIVE_READS",
                format!(
                    "must be less than HEARTH_DB_POOL ({db_pool_size}), so that other pages keep connections"
                ),
            ));
        }
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let log_format = match get("HEARTH_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(
                    "HEARTH_LOG_FORMAT",
                    format!("must be text or json, not {other:?}"),
                ));
            }
        };
        let mail_from = get("HEARTH_MAIL_FROM").unwrap_or_else(|| {
            format!(
                "community@{}",
                parsed_base
                    .host_str()
                    .filter(|h| h.contains('.') && !h.starts_with("127."))
                    .unwrap_or("hearth.localhost")
            )
        });
        if !mail_from.contains('@') {
            return Err(err("HEARTH_MAIL_FROM", "must be an e-mail address"));
        }
        let webhook_retry_schedule = match get("HEARTH_WEBHOOK_RETRY_SECONDS") {
            None => domain::webhooks::RETRY_SCHEDULE_SECONDS
                .iter()
                .map(|s| std::time::Duration::from_secs(*s))
                .collect(),
            Some(list) => list
                .split(',')
                .map(|s| s.trim().parse::<u64>().ok().filter(|n| *n <= 7 * 86_400))
                .collect::<Option<Vec<u64>>>()
                .filter(|v| !v.is_empty() && v.len() <= 50)
                .ok_or_else(|| {
                    err(
                        "HEARTH_WEBHOOK_RETRY_SECONDS",
                        "must be 1 to 50 waits in seconds, comma-separated, e.g. 5,300,1800",
                    )
                })?
                .into_iter()
                .map(std::time::Duration::from_secs)
                .collect(),
        };
        let metrics_token = match get("HEARTH_METRICS_TOKEN") {
            None => None,
            Some(t) if t.len() >= 16 => Some(Secret::from_text(&t)),
            Some(_) => return Err(err("HEARTH_METRICS_TOKEN", "must be at least 16 characters")),
        };
        Ok(Config {
            site_addr,
            database_url,
            redis_url,
            redis_prefix: get("HEARTH_REDIS_PREFIX").unwrap_or_else(|| "hearth:".into()),
            smtp_url,
            mail_dir: PathBuf::from(get("HEARTH_MAIL_DIR").unwrap_or_else(|| "target/mail".into())),
            mail_from,
            base_url,
            secret,
            site_root: PathBuf::from(
                get("HEARTH_SITE_ROOT")
                    .or_else(|| get("LEPTOS_SITE_ROOT"))
                    .unwrap_or_else(|| "target/site".into()),
            ),
            db_pool_size,
            db_pool_wait: std::time::Duration::from_millis(db_pool_wait_ms as u64),
            db_background_pool_size: parse_usize("HEARTH_DB_BACKGROUND_POOL", 4)?,
            expensive_limit,
            max_inflight: parse_usize("HEARTH_MAX_INFLIGHT", 256)?,
            http_workers: parse_usize("HEARTH_HTTP_WORKERS", cores)?,
            background_workers: parse_bool("HEARTH_BACKGROUND_WORKERS", true)?,
            trust_proxy: parse_bool("HEARTH_TRUST_PROXY", false)?,
            log_format,
            page_cache_ttl: std::time::Duration::from_secs(page_cache_seconds),
            webhooks_allow_loopback: parse_bool("HEARTH_WEBHOOKS_ALLOW_LOOPBACK", false)?,
            webhook_retry_schedule,
            metrics_token,
            streams: StreamCaps {
                total: parse_usize("HEARTH_STREAMS_TOTAL", 10_000)?,
                // Every page a reader opens holds a stream until it is closed (noticed within ~10 s), so a
                // member clicking through pages has several at once.
                per_address: parse_usize("HEARTH_STREAMS_PER_ADDRESS", 200)?,
                per_member: parse_usize("HEARTH_STREAMS_PER_MEMBER", 50)?,
                recheck: std::time::Duration::from_secs(
                    parse_usize("HEARTH_STREAM_RECHECK_SECONDS", 120)?.max(1) as u64,
                ),
            },
            reads_per_minute: parse_usize("HEARTH_READS_PER_MINUTE", 60)? as u64,
        })
    }

    /// Whether cookies must be `Secure`.
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The origin (`scheme://host[:port]`) of the base URL.
    pub fn origin(&self) -> String {
        url::Url::parse(&self.base_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }

    pub fn domain_settings(&self) -> domain::Settings {
        domain::Settings {
            base_url: self.base_url.clone(),
            secret: self.secret.clone(),
            mail_from: self.mail_from.clone(),
            webhooks: domain::webhooks::Config {
                allow_loopback: self.webhooks_allow_loopback,
                retry_schedule: self.webhook_retry_schedule.clone(),
                timeout: domain::webhooks::delivery::TIMEOUT,
            },
            reads_per_minute: self.reads_per_minute,
        }
    }
}

/// A URL with its password replaced, for messages.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<unparsable URL>".into(),
    }
}

fn load_or_create_secret(path: &Path) -> Result<Secret, ConfigError> {
    let var = "HEARTH_SECRET";
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(Secret::from_text(existing));
        }
    }
    let value = hex::encode(domain::secrets::random_bytes(32));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            err(
                var,
                format!("is unset and {} cannot be created: {e}", dir.display()),
            )
        })?;
    }
    write_private(path, &value).map_err(|e| {
        err(
            var,
            format!("is unset and {} cannot be written: {e}", path.display()),
        )
    })?;
    Ok(Secret::from_text(&value))
}

#[cfg(unix)]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(value.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    std::fs::write(path, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        v.push(("HEARTH_SECRET".into(), "x".repeat(40)));
        v
    }

    #[test]
    fn defaults_are_local() {
        let c = Config::from_vars(vars(&[])).unwrap();
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.base_url, "http://127.0.0.1:3000");
        assert!(c.smtp_url.is_none());
        assert!(!c.https());
        assert_eq!(c.origin(), "http://127.0.0.1:3000");
        assert_eq!(c.page_cache_ttl, std::time::Duration::from_secs(5));
        assert_eq!(c.db_pool_wait, std::time::Duration::from_secs(1));
        assert_eq!(c.expensive_limit, 4, "a quarter of the 16 pooled connections");
        let off = Config::from_vars(vars(&[("HEARTH_PAGE_CACHE_SECONDS", "0")])).unwrap();
        assert!(off.page_cache_ttl.is_zero(), "0 turns the page cache off");
    }

    #[test]
    fn unknown_hearth_variables_are_refused() {
        let e = Config::from_vars(vars(&[("HEARTH_SECERT", "typo")])).unwrap_err();
        assert_eq!(e.variable, "HEARTH_SECERT");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (key, value) in [
            ("LEPTOS_SITE_ADDR", "nope"),
            ("DATABASE_URL", "not a url"),
            ("HEARTH_BASE_URL", "ftp://x"),
            ("HEARTH_DB_POOL", "0"),
            ("HEARTH_DB_POOL_WAIT_MS", "0"),
            ("HEARTH_EXPENSIVE_READS", "16"),
            ("HEARTH_MAX_INFLIGHT", "none"),
            ("HEARTH_LOG_FORMAT", "xml"),
            ("HEARTH_PAGE_CACHE_SECONDS", "-1"),
            ("HEARTH_PAGE_CACHE_SECONDS", "forever"),
        ] {
            let e = Config::from_vars(vars(&[(key, value)])).unwrap_err();
            assert_eq!(e.variable, key);
        }
        let short = vec![("HEARTH_SECRET".to_owned(), "short".to_owned())];
        assert_eq!(Config::from_vars(short).unwrap_err().variable, "HEARTH_SECRET");
    }

    #[test]
    fn secrets_and_passwords_are_not_shown() {
        let c = Config::from_vars(vars(&[])).unwrap();
        assert!(!format!("{c:?}").contains(&"x".repeat(40)));
        assert_eq!(redact_url("postgres://u:hunter2@db/h"), "postgres://u:***@db/h");
    }
}
