//! Building and running the application: connections, migrations, the HTTP server and its workers.

use actix_files::Files;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use domain::{Hearth, db, kv, mail};
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_actix::{LeptosRoutes, generate_route_list};
use std::net::TcpListener;
use tokio::task::JoinHandle;

use crate::config::{Config, redact_url};
use crate::{api, brand_routes, export_routes, health, middleware, webhook_routes, workers};

/// A start-up failure, reported in one line that names the variable to set.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

/// Connects to PostgreSQL (creating the database if needed and applying migrations) and Redis.
pub async fn connect(config: &Config) -> Result<Hearth, StartupError> {
    let db_url = redact_url(&config.database_url);
    db::create_database_if_missing(&config.database_url)
        .await
        .map_err(|e| {
            let why = network_problem(&config.database_url, 5432).unwrap_or_else(|| cause(&e));
            StartupError(format!(
                "cannot reach PostgreSQL at {db_url}: {why} — start PostgreSQL or set DATABASE_URL"
            ))
        })?;
    let applied = db::migrate(&config.database_url).await.map_err(|e| {
        StartupError(format!(
            "migrating {db_url} failed: {} — check DATABASE_URL",
            cause(&e)
        ))
    })?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    let unreachable = |e: domain::DomainError| {
        StartupError(format!(
            "cannot reach PostgreSQL at {db_url}: {} — set DATABASE_URL",
            cause(&e)
        ))
    };
    let requests = db::connect(&config.database_url, config.db_pool_size, config.db_pool_wait)
        .await
        .map_err(unreachable)?;
    // Workers wait longer: nobody is waiting for them, and a connection comes free soon enough.
    let background = db::connect(
        &config.database_url,
        config.db_background_pool_size,
        std::time::Duration::from_secs(30),
    )
    .await
    .map_err(unreachable)?;
    let pools = domain::Pools {
        requests,
        background,
        expensive_limit: config.expensive_limit,
        expensive_wait: config.db_pool_wait,
    };
    let redis_url = redact_url(&config.redis_url);
    let kv = kv::Kv::connect(&config.redis_url, &config.redis_prefix)
        .await
        .map_err(|e| {
            StartupError(format!(
                "cannot reach Redis at {redis_url}: {} — start Redis or set REDIS_URL",
                cause(&e)
            ))
        })?;
    Hearth::with_pools(pools, kv, config.domain_settings())
        .await
        .map_err(|e| StartupError(format!("cannot read the site settings: {}", cause(&e))))
}

/// Why a server at `url` does not answer, when the reason is the network (nothing listens, no route).
fn network_problem(url: &str, default_port: u16) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_owned();
    let port = parsed.port().unwrap_or(default_port);
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
        .ok()?
        .next()?;
    match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)) {
        Ok(_) => None,
        Err(e) => Some(format!("nothing answers on {host}:{port} ({e})")),
    }
}

fn cause(e: &domain::DomainError) -> String {
    match e {
        domain::DomainError::Internal(cause) => cause.clone(),
        other => other.to_string(),
    }
}

fn leptos_options(config: &Config, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("hearth")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// A bound, not yet running, application.
pub struct Application {
    port: u16,
    server: Server,
    hearth: Hearth,
    workers: Vec<JoinHandle<()>>,
}

impl Application {
    /// Connects, migrates, binds the listener (port 0 picks a free one) and prepares the server.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        let hearth = connect(&config).await?;
        let transport = mail::Transport::new(config.smtp_url.as_deref(), &config.mail_dir)
            .map_err(|e| StartupError(format!("{} — check SMTP_URL", cause(&e))))?;
        let listener = TcpListener::bind(config.site_addr).map_err(|e| {
            StartupError(format!(
                "cannot listen on {}: {e} — set LEPTOS_SITE_ADDR",
                config.site_addr
            ))
        })?;
        let addr = listener.local_addr().map_err(|e| StartupError(e.to_string()))?;
        let workers = if config.background_workers {
            workers::spawn(&hearth.background(), transport.clone())
        } else {
            Vec::new()
        };
        tracing::info!(
            address = %addr,
            base_url = %config.base_url,
            mail = %transport.describe(),
            "Hearth is listening"
        );
        let server = http_server(config, hearth.clone(), listener, addr)?;
        Ok(Application {
            port: addr.port(),
            server,
            hearth,
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn hearth(&self) -> &Hearth {
        &self.hearth
    }

    /// Serves until the process is stopped (SIGINT/SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for worker in self.workers {
            worker.abort();
        }
        result
    }
}

/// The page routes, generated once per process. Generating them suppresses resource loading in the whole
/// process for a moment (leptos-rs/leptos#4773): a page that starts rendering meanwhile never finishes. One
/// server per process never meets that, but tests start many apps in one process while others serve.
fn route_list() -> Vec<leptos_actix::ActixRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_actix::ActixRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

fn http_server(
    config: Config,
    hearth: Hearth,
    listener: TcpListener,
    addr: std::net::SocketAddr,
) -> Result<Server, StartupError> {
    let options = leptos_options(&config, addr);
    let routes = route_list();
    let pkg_dir = config.site_root.join("pkg");
    let workers = config.http_workers;
    let config = web::Data::new(config);
    let open_streams = web::Data::new(api::stream::OpenStreams::default());
    let hearth_data = web::Data::new(hearth.clone());
    let page_cache = web::Data::new(middleware::page_cache::for_config(&config));
    let admission = web::Data::new(middleware::Admission::new(config.max_inflight));
    let server = HttpServer::new(move || {
        let leptos_context = {
            let hearth = hearth.clone();
            move || provide_context(hearth.clone())
        };
        let shell = {
            let options = options.clone();
            move || app::shell(options.clone())
        };
        App::new()
            .app_data(config.clone())
            .app_data(open_streams.clone())
            .app_data(hearth_data.clone())
            .app_data(page_cache.clone())
            .app_data(admission.clone())
            .app_data(web::Data::new(options.clone()))
            .wrap(from_fn(middleware::one_click_unsubscribe))
            .wrap(from_fn(middleware::context))
            .wrap(from_fn(middleware::server_fn_errors))
            .wrap(from_fn(middleware::origin_check))
            .wrap(from_fn(middleware::body_limit))
            .wrap(from_fn(middleware::admission))
            .wrap(from_fn(middleware::page_cache))
            .wrap(from_fn(middleware::security_headers))
            .wrap(Compress::default())
            .wrap(from_fn(middleware::observe))
            .route("/healthz", web::get().to(health::healthz))
            .route("/readyz", web::get().to(health::readyz))
            .route("/metrics", web::get().to(health::metrics))
            .route("/brand/logo", web::get().to(brand_routes::logo))
            .route("/admin/brand/logo", web::post().to(brand_routes::upload_logo))
            .route("/settings/export/{id}", web::get().to(export_routes::download))
            .route("/admin/webhooks/new", web::post().to(webhook_routes::create))
            .route("/admin/webhooks/{id}/save", web::post().to(webhook_routes::save))
            .route(
                "/admin/webhooks/{id}/deliveries/{delivery}/retry",
                web::post().to(webhook_routes::retry),
            )
            .route(
                "/admin/webhooks/{id}/{action}",
                web::post().to(webhook_routes::act),
            )
            .route("/favicon.svg", web::get().to(favicon))
            .configure(api::configure)
            .service(
                Files::new("/pkg", pkg_dir.clone())
                    .use_etag(true)
                    .use_last_modified(true)
                    .prefer_utf8(true),
            )
            .leptos_routes_with_context(routes.clone(), leptos_context.clone(), shell.clone())
            .default_service(leptos_actix::render_app_async_with_context(
                leptos_context,
                shell,
                leptos_router::Method::Get,
            ))
    })
    .workers(workers)
    .listen(listener)
    .map_err(|e| StartupError(format!("cannot listen on {addr}: {e}")))?
    .run();
    Ok(server)
}

/// A small favicon in the brand's primary colour.
async fn favicon(hearth: web::Data<Hearth>) -> actix_web::HttpResponse {
    let brand = domain::brand::current(&hearth);
    let initial: String = brand.name.chars().next().unwrap_or('H').to_uppercase().collect();
    let initial = domain::mail::templates::escape_html(&initial);
    actix_web::HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=300"))
        .body(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" rx=\"6\" \
             fill=\"{}\"/><text x=\"16\" y=\"22\" font-family=\"sans-serif\" font-size=\"18\" font-weight=\"700\" \
             text-anchor=\"middle\" fill=\"#fff\">{initial}</text></svg>",
            brand.color_primary
        ))
}
