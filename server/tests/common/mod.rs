//! The whole app over HTTP: a real server on a random port, a fresh database, its own Redis prefix and a real
//! SMTP listener on loopback.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod receiver;
pub mod smtp;

use domain::testing::{TestDb, redis_prefix, redis_url};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use server::{Application, Config};
use std::net::IpAddr;
use std::time::Duration;

pub use smtp::SmtpSink;

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub smtp: SmtpSink,
    pub hearth: domain::Hearth,
    /// The configuration, to start a second instance on the same database and Redis prefix.
    vars: Vec<(String, String)>,
    _db: TestDb,
}

/// A second app instance sharing the first one's database and Redis (for fan-out between instances).
pub struct Peer {
    pub address: String,
}

pub struct Options {
    /// `None`: a sink is started; `Some(port)`: SMTP_URL points there (nothing may listen yet).
    pub smtp_port: Option<u16>,
    /// `HEARTH_PAGE_CACHE_SECONDS` (0 in most tests, which check pages right after changing things).
    pub page_cache_seconds: u64,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Options {
            smtp_port: None,
            page_cache_seconds: 0,
        })
        .await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        TestApp::spawn_with_vars(options, &[]).await
    }

    /// Starts the app with extra (or overriding) configuration variables.
    pub async fn spawn_with_vars(options: Options, extra: &[(&str, &str)]) -> TestApp {
        let db = TestDb::new().await;
        let (smtp, smtp_port) = match options.smtp_port {
            None => {
                let sink = SmtpSink::start().await;
                let port = sink.port;
                (sink, port)
            }
            Some(port) => (SmtpSink::down(port), port),
        };
        let vars = vec![
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0".to_owned()),
            ("DATABASE_URL", db.url.clone()),
            ("REDIS_URL", redis_url()),
            ("HEARTH_REDIS_PREFIX", redis_prefix()),
            ("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("HEARTH_BASE_URL", "http://hearth.test".to_owned()),
            (
                "HEARTH_SECRET",
                "integration-test-secret-integration-test".to_owned(),
            ),
            ("HEARTH_HTTP_WORKERS", "2".to_owned()),
            (
                "HEARTH_PAGE_CACHE_SECONDS",
                options.page_cache_seconds.to_string(),
            ),
            ("HEARTH_SITE_ROOT", "target/site".to_owned()),
        ];
        let mut vars: Vec<(String, String)> = vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        for (key, value) in extra {
            vars.retain(|(k, _)| k != key);
            vars.push(((*key).to_owned(), (*value).to_owned()));
        }
        let config = Config::from_vars(vars.clone()).expect("config");
        let app = Application::build(config).await.expect("the app starts");
        let port = app.port();
        let hearth = app.hearth().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            smtp,
            hearth,
            vars,
            _db: db,
        }
    }

    /// Starts another instance of the app on the same database and Redis prefix.
    pub async fn spawn_peer(&self) -> Peer {
        self.spawn_peer_with(&[]).await
    }

    /// Another instance on the same database and Redis prefix, with some variables changed.
    pub async fn spawn_peer_with(&self, extra: &[(&str, &str)]) -> Peer {
        let mut vars = self.vars.clone();
        for (key, value) in extra {
            vars.retain(|(k, _)| k != key);
            vars.push(((*key).to_owned(), (*value).to_owned()));
        }
        let config = Config::from_vars(vars).expect("config");
        let app = Application::build(config).await.expect("the peer starts");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        Peer {
            address: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A client with a cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client whose requests come from another loopback address (127.0.0.x).
    pub fn client_from(&self, ip: &str) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(ip.parse::<IpAddr>().unwrap())
            .build()
            .unwrap()
    }

    /// The JSON body of a GET (whatever the status: tests assert on what it says).
    pub async fn get_json(&self, client: &Client, path: &str) -> Value {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, client: &Client, path: &str, body: Value) -> Response {
        client.post(self.url(path)).json(&body).send().await.unwrap()
    }

    /// Signs up through the API and confirms the address with the e-mailed token; returns the password.
    pub async fn verified_member(&self, username: &str) -> String {
        let password = format!("{username} has a passphrase");
        let email = format!("{username}@example.com");
        let client = self.client();
        let res = self
            .post_json(
                &client,
                "/api/v1/auth/signup",
                json!({"email": email, "username": username, "password": password, "accept_policy": true}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
        let mail = self
            .smtp
            .wait_for(&email, "Confirm your e-mail address", Duration::from_secs(10))
            .await;
        let res = self
            .post_json(&client, "/api/v1/auth/verify", json!({"token": mail.token()}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        password
    }

    /// A client logged in as `login`.
    pub async fn logged_in(&self, login: &str, password: &str) -> Client {
        let client = self.client();
        let res = self
            .post_json(
                &client,
                "/api/v1/auth/login",
                json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        client
    }

    /// A verified member made directly (sign-up is rate limited per address) with roles, and a client logged
    /// in as them from `127.0.0.{n}` (log-in limits are per address).
    #[allow(dead_code)]
    pub async fn member(&self, name: &str, n: u8, roles: Vec<domain::accounts::Role>) -> Client {
        let password = format!("{name} passphrase here");
        domain::accounts::create_verified(
            &self.hearth,
            &domain::accounts::NewAccount {
                email: format!("{name}@example.com"),
                username: name.into(),
                password: password.clone(),
                roles,
                display_name: None,
            },
            true,
        )
        .await
        .unwrap();
        let client = self.client_from(&format!("127.0.0.{n}"));
        let res = self
            .post_json(
                &client,
                "/api/v1/auth/login",
                json!({"login": name, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        client
    }

    /// A public category anyone may post in (`general`), made by `admin`; its id.
    pub async fn general_category(&self, admin: &Client) -> i64 {
        let cat = created(
            self.post_json(
                admin,
                "/api/v1/categories",
                json!({"slug": "general", "name": "General", "visibility": "public", "posting": "everyone"}),
            )
            .await,
        )
        .await;
        cat["id"].as_i64().unwrap()
    }

    /// An admin account (made as operators do, with the CLI's function) and a client logged in as it.
    pub async fn admin(&self) -> Client {
        domain::accounts::create_verified(
            &self.hearth,
            &domain::accounts::NewAccount {
                email: "root@example.com".into(),
                username: "the_admin".into(),
                password: "admin passphrase here".into(),
                roles: vec![domain::accounts::Role::Admin],
                display_name: None,
            },
            true,
        )
        .await
        .unwrap();
        self.logged_in("the_admin", "admin passphrase here").await
    }
}

/// The JSON body of a `201 Created` response (any other status fails the test, showing the body).
pub async fn created(res: Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The `error.code` of an error response.
pub async fn error_code(res: Response) -> (StatusCode, String, Value) {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_owned(),
        body,
    )
}
