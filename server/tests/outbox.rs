//! The mail outbox: a sign-up never waits on SMTP, and mail written while SMTP is down is delivered exactly
//! once when it returns.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Options, SmtpSink, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn mail_survives_an_smtp_outage_and_is_sent_once() {
    // A port where no SMTP server listens yet.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let app = TestApp::spawn_with(Options {
        smtp_port: Some(port),
        page_cache_seconds: 0,
    })
    .await;
    let client = app.client();
    let started = Instant::now();
    let res = app
        .post_json(&client, "/api/v1/auth/signup", json!({"email": "patient@example.com", "username": "patient", "password": "a patient passphrase", "accept_policy": true}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the request did not wait on SMTP"
    );

    // The first attempt fails (nothing listens) and is scheduled again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pending = domain::mail::pending_count(&app.hearth).await.unwrap();
    assert_eq!(pending, 1);

    let sink = SmtpSink::start_on(port).await;
    let mail = sink
        .wait_for(
            "patient@example.com",
            "Confirm your e-mail address",
            Duration::from_secs(20),
        )
        .await;
    assert!(mail.data.contains("token="));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.to("patient@example.com").len(), 1, "sent exactly once");
    assert_eq!(domain::mail::pending_count(&app.hearth).await.unwrap(), 0);
}
