//! Webhooks over HTTP with a real receiver on loopback: signed by the Standard Webhooks specification and
//! verified with its reference library, retried with the same `webhook-id`, queued in order while the receiver
//! is down, disabled by `410 Gone` (the admins are e-mailed), delivered once by two instances, kept across a
//! restart; the SSRF guard refuses loopback and special addresses when the development switch is off; only
//! admins (and tokens with the admin scope) manage endpoints.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::receiver::{Receiver, Reply};
use common::{Options, TestApp, created, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn options() -> Options {
    Options {
        smtp_port: None,
        page_cache_seconds: 0,
    }
}

/// An app whose webhooks may reach loopback receivers, retrying after a second.
async fn app_with_loopback(extra: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![
        ("HEARTH_WEBHOOKS_ALLOW_LOOPBACK", "true"),
        ("HEARTH_WEBHOOK_RETRY_SECONDS", "1,1,1,1,1"),
    ];
    vars.extend_from_slice(extra);
    TestApp::spawn_with_vars(options(), &vars).await
}

async fn endpoint(app: &TestApp, admin: &reqwest::Client, url: &str, types: Value) -> Value {
    created(
        app.post_json(
            admin,
            "/api/v1/webhooks",
            json!({"url": url, "description": "CRM", "event_types": types}),
        )
        .await,
    )
    .await
}

async fn send_test(app: &TestApp, admin: &reqwest::Client, id: i64) -> i64 {
    let res = app
        .post_json(admin, &format!("/api/v1/webhooks/{id}/test"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    res.json::<Value>().await.unwrap()["delivery_id"]
        .as_i64()
        .unwrap()
}

fn verifier(secret: &str) -> standardwebhooks::Webhook {
    standardwebhooks::Webhook::new(secret).unwrap()
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_reply_reaches_the_receiver_signed_and_the_reference_library_verifies_it() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    let hook = endpoint(
        &app,
        &admin,
        &receiver.url("/hook"),
        json!(["topic.created", "post.created"]),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let category = app.general_category(&admin).await;

    let topic = created(
        app.post_json(
            &admin,
            "/api/v1/topics",
            json!({"category_id": category, "title": "Anybody experience with studded tyres?", "body": "Looking for advice on winter tyres."}),
        )
        .await,
    )
    .await;
    let topic_id = topic["id"].as_i64().unwrap();
    let reply = created(
        app.post_json(
            &admin,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": "I run studded tyres from November to March, no regrets."}),
        )
        .await,
    )
    .await;

    let got = receiver.wait_for(2, WAIT).await;
    let first = got[0].json();
    let second = got[1].json();
    // In the order they happened, with the REST API's field names.
    assert_eq!(first["type"], "topic.created");
    assert_eq!(first["data"]["id"], topic_id);
    assert_eq!(first["data"]["title"], "Anybody experience with studded tyres?");
    assert_eq!(first["data"]["author"]["username"], "the_admin");
    assert_eq!(second["type"], "post.created");
    assert_eq!(second["data"]["id"], reply["id"]);
    assert_eq!(second["data"]["topic_id"], topic_id);
    assert_eq!(
        second["data"]["body"],
        "I run studded tyres from November to March, no regrets."
    );
    // Addresses are left out unless the endpoint may receive them.
    assert!(!String::from_utf8_lossy(&got[0].body).contains("root@example.com"));
    assert!(second["timestamp"].as_str().unwrap().ends_with('Z'));

    // The specification's reference library accepts both deliveries...
    let hook_verifier = verifier(&secret);
    for r in &got {
        assert!(r.header("webhook-id").unwrap().starts_with("msg_"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        hook_verifier
            .verify(&r.body, &r.header_map())
            .expect("a valid signature");
    }
    assert_ne!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    // ...and refuses a tampered body, another secret, and an old timestamp signed properly.
    let mut tampered = got[1].body.clone();
    tampered.extend_from_slice(b" ");
    assert!(hook_verifier.verify(&tampered, &got[1].header_map()).is_err());
    assert!(
        verifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .verify(&got[1].body, &got[1].header_map())
            .is_err()
    );
    let old = chrono::Utc::now().timestamp() - 600;
    let msg_id = got[1].header("webhook-id").unwrap();
    let signature = hook_verifier.sign(msg_id, old, &got[1].body).unwrap();
    let mut headers = got[1].header_map();
    headers.insert("webhook-timestamp", old.to_string().parse().unwrap());
    headers.insert("webhook-signature", signature.parse().unwrap());
    assert!(matches!(
        hook_verifier.verify(&got[1].body, &headers),
        Err(standardwebhooks::WebhookError::TimestampTooOldError)
    ));

    // The log shows each delivery delivered after one attempt.
    let log = app
        .get_json(&admin, &format!("/api/v1/webhooks/{}/deliveries", hook["id"]))
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|d| d["state"] == "delivered" && d["attempts"] == 1),
        "{log}"
    );
}

#[tokio::test]
async fn failures_are_retried_with_the_same_id_and_every_attempt_is_logged() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    receiver.reply_with(vec![Reply::status(500), Reply::status(503)]);
    let hook = endpoint(&app, &admin, &receiver.url("/hook"), json!([])).await;
    let id = hook["id"].as_i64().unwrap();
    let delivery = send_test(&app, &admin, id).await;

    let got = receiver.wait_for(3, WAIT).await;
    let ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id").unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "the same webhook-id on every retry: {ids:?}"
    );
    assert_eq!(got[0].json()["type"], "webhook.test");
    assert_eq!(got[0].body, got[2].body, "the same body on every retry");

    let path = format!("/api/v1/webhooks/{id}/deliveries/{delivery}");
    wait_until("the third attempt is recorded", || {
        let (app, admin, path) = (&app, &admin, &path);
        async move { app.get_json(admin, path).await["state"] == "delivered" }
    })
    .await;
    let detail = app.get_json(&admin, &path).await;
    assert_eq!(detail["msg_id"], ids[0]);
    let attempts = detail["attempts"].as_array().unwrap();
    let codes: Vec<i64> = attempts
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![500, 503, 200]);
    assert_eq!(attempts[0]["outcome"], "failed");
    assert_eq!(attempts[0]["response_body"], "answer 500");
    assert_eq!(attempts[2]["outcome"], "delivered");
    assert_eq!(detail["payload"]["type"], "webhook.test");

    // "Send again" delivers it once more with the same id.
    let res = app.post_json(&admin, &format!("{path}/retry"), json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let got = receiver.wait_for(4, WAIT).await;
    assert_eq!(got[3].header("webhook-id"), Some(ids[0]));
}

#[tokio::test]
async fn a_receiver_that_is_down_keeps_its_events_queued_in_order() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    // A port nobody listens on (yet).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let hook = endpoint(&app, &admin, &format!("http://127.0.0.1:{port}/hook"), json!([])).await;
    let id = hook["id"].as_i64().unwrap();
    let mut sent = Vec::new();
    for _ in 0..3 {
        sent.push(send_test(&app, &admin, id).await);
    }
    // The head is retried; the others wait behind it untouched.
    let log_path = format!("/api/v1/webhooks/{id}/deliveries");
    wait_until("the head failed twice", || {
        let (app, admin, log_path) = (&app, &admin, &log_path);
        async move {
            let log = app.get_json(admin, log_path).await;
            log["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["attempts"].as_i64() >= Some(2))
        }
    })
    .await;
    let log = app.get_json(&admin, &log_path).await;
    let items = log["items"].as_array().unwrap();
    let by_id = |d: i64| items.iter().find(|x| x["id"] == d).unwrap().clone();
    assert!(by_id(sent[0])["attempts"].as_i64().unwrap() >= 2);
    assert!(
        by_id(sent[0])["last_error"].as_str().unwrap().contains("connect"),
        "{log}"
    );
    assert_eq!(by_id(sent[1])["attempts"], 0);
    assert_eq!(by_id(sent[2])["attempts"], 0);
    assert!(items.iter().all(|d| d["state"] == "pending"));

    // Back up: all three arrive, in the order they happened.
    let receiver = Receiver::start_on(port).await;
    let got = receiver.wait_for(3, WAIT).await;
    let msg_ids: Vec<String> = got
        .iter()
        .map(|r| r.header("webhook-id").unwrap().to_owned())
        .collect();
    let mut expected = Vec::new();
    for d in &sent {
        let detail = app
            .get_json(&admin, &format!("/api/v1/webhooks/{id}/deliveries/{d}"))
            .await;
        expected.push(detail["msg_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(msg_ids, expected);
}

#[tokio::test]
async fn gone_disables_the_endpoint_and_mails_the_admins() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    receiver.reply_with(vec![Reply::status(410)]);
    let hook = endpoint(&app, &admin, &receiver.url("/gone"), json!([])).await;
    let id = hook["id"].as_i64().unwrap();
    send_test(&app, &admin, id).await;
    receiver.wait_for(1, WAIT).await;
    let mail = app
        .smtp
        .wait_for("root@example.com", "A webhook endpoint was disabled", WAIT)
        .await;
    assert!(mail.data.contains("410"), "{}", mail.data);
    let e = app.get_json(&admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(e["active"], false);
    assert!(e["disabled_reason"].as_str().unwrap().contains("410"));
    // Disabled: nothing more is sent, nothing new is queued for it.
    send_test(&app, &admin, id).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn two_instances_deliver_each_attempt_once() {
    let app = app_with_loopback(&[]).await;
    let _peer = app.spawn_peer().await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    let other = Receiver::start().await;
    let a = endpoint(&app, &admin, &receiver.url("/a"), json!([])).await;
    let b = endpoint(&app, &admin, &other.url("/b"), json!([])).await;
    for _ in 0..15 {
        send_test(&app, &admin, a["id"].as_i64().unwrap()).await;
        send_test(&app, &admin, b["id"].as_i64().unwrap()).await;
    }
    let got_a = receiver.wait_for(15, WAIT).await;
    let got_b = other.wait_for(15, WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (got, all) in [(got_a, receiver.received()), (got_b, other.received())] {
        assert_eq!(all.len(), 15, "each delivery exactly once");
        let mut ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id").unwrap()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 15);
    }
}

#[tokio::test]
async fn the_outbox_survives_a_restart_of_the_app() {
    // An instance that queues but does not deliver (its process "dies" before the worker runs)...
    let app = app_with_loopback(&[("HEARTH_BACKGROUND_WORKERS", "false")]).await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    let hook = endpoint(&app, &admin, &receiver.url("/later"), json!([])).await;
    let id = hook["id"].as_i64().unwrap();
    send_test(&app, &admin, id).await;
    send_test(&app, &admin, id).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(receiver.received().is_empty());
    // ...and the next one to start delivers what was acknowledged, once.
    let _restarted = app
        .spawn_peer_with(&[("HEARTH_BACKGROUND_WORKERS", "true")])
        .await;
    receiver.wait_for(2, WAIT).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn rotation_signs_with_both_secrets_during_the_overlap() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    let hook = endpoint(&app, &admin, &receiver.url("/rotate"), json!([])).await;
    let id = hook["id"].as_i64().unwrap();
    let old = hook["secret"].as_str().unwrap().to_owned();
    let rotated: Value = app
        .post_json(&admin, &format!("/api/v1/webhooks/{id}/rotate-secret"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    assert!(rotated["previous_secret_until"].is_string());
    send_test(&app, &admin, id).await;
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got[0].header("webhook-signature").unwrap().split(' ').count(), 2);
    verifier(&new)
        .verify(&got[0].body, &got[0].header_map())
        .expect("the new secret verifies");
    verifier(&old)
        .verify(&got[0].body, &got[0].header_map())
        .expect("the old secret still verifies");
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let target = Receiver::start().await;
    let redirector = Receiver::start().await;
    redirector.reply_with(vec![Reply {
        status: 302,
        body: String::new(),
        headers: vec![("location".into(), target.url("/stolen"))],
    }]);
    let hook = endpoint(&app, &admin, &redirector.url("/hook"), json!([])).await;
    let id = hook["id"].as_i64().unwrap();
    let delivery = send_test(&app, &admin, id).await;
    redirector.wait_for(1, WAIT).await;
    let path = format!("/api/v1/webhooks/{id}/deliveries/{delivery}");
    wait_until("the redirect is logged", || {
        let (app, admin, path) = (&app, &admin, &path);
        async move {
            !app.get_json(admin, path).await["attempts"]
                .as_array()
                .unwrap()
                .is_empty()
        }
    })
    .await;
    let detail = app.get_json(&admin, &path).await;
    assert_eq!(detail["attempts"][0]["status_code"], 302);
    assert!(
        detail["attempts"][0]["error"]
            .as_str()
            .unwrap()
            .contains("redirects are not followed")
    );
    assert!(
        target.received().is_empty(),
        "the redirect target is never contacted"
    );
}

#[tokio::test]
async fn loopback_and_special_addresses_are_refused_without_the_development_switch() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    let mut urls = vec![
        receiver.url("/hook"),
        format!("https://127.0.0.1:{}/hook", receiver.port),
        format!("http://[::1]:{}/hook", receiver.port),
        format!("https://[::ffff:127.0.0.1]:{}/hook", receiver.port),
        "https://0.0.0.0/hook".to_owned(),
        format!("https://localhost:{}/hook", receiver.port),
        "https://169.254.169.254/latest/meta-data".to_owned(),
        "https://10.0.0.8/hook".to_owned(),
        "https://[fd00:ec2::254]/hook".to_owned(),
        "ftp://example.com/hook".to_owned(),
    ];
    // A name other than localhost that this machine resolves to loopback, when it has one.
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    if let Some(name) = hosts
        .lines()
        .filter(|l| l.starts_with("127."))
        .flat_map(|l| l.split_whitespace().skip(1))
        .find(|n| *n != "localhost" && !n.starts_with('#'))
    {
        urls.push(format!("https://{name}:{}/hook", receiver.port));
    }
    for url in urls {
        let (status, code, body) = error_code(
            app.post_json(&admin, "/api/v1/webhooks", json!({"url": url}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(code, "validation_failed");
        assert!(body["error"]["fields"]["url"].is_string(), "{url}: {body}");
    }
    assert!(receiver.received().is_empty(), "nothing ever connected");
    let list = app.get_json(&admin, "/api/v1/webhooks").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn only_admins_and_admin_tokens_manage_endpoints() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let staff = app
        .member("wh_staff", 3, vec![domain::accounts::Role::Staff])
        .await;
    let receiver = Receiver::start().await;
    let body = json!({"url": receiver.url("/x")});
    let (status, _, _) = error_code(app.post_json(&staff, "/api/v1/webhooks", body.clone()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = error_code(
        app.client()
            .get(app.url("/api/v1/webhooks"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A token of the admin without the admin scope may not; with it, it may.
    let mint = |scopes: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            let t = created(
                app.post_json(
                    admin,
                    "/api/v1/tokens",
                    json!({"name": "crm", "scopes": scopes, "current_password": "admin passphrase here"}),
                )
                .await,
            )
            .await;
            t["token"].as_str().unwrap().to_owned()
        }
    };
    let plain = mint(json!(["read", "write"])).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(&plain)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let full = mint(json!(["read", "write", "admin"])).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(&full)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // Unknown event types and a bad log filter name their field.
    let (status, _, err) = error_code(
        app.post_json(
            &admin,
            "/api/v1/webhooks",
            json!({"url": receiver.url("/y"), "event_types": ["topic.deleted"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"]["fields"]["event_types"].is_string(), "{err}");
    let list = app.get_json(&admin, "/api/v1/webhooks").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let res = admin
        .get(app.url(&format!("/api/v1/webhooks/{id}/deliveries?state=lost")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let types = app.get_json(&admin, "/api/v1/webhooks/event-types").await;
    assert_eq!(types["items"].as_array().unwrap().len(), 19);
    assert!(types["retry_schedule"].as_str().unwrap().contains("5 min"));
}

#[tokio::test]
async fn the_admin_pages_add_an_endpoint_test_it_and_show_the_log_without_javascript() {
    let app = app_with_loopback(&[]).await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    let page = admin.get(app.url("/admin/webhooks")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("No endpoints yet."));
    assert!(
        html.contains(r#"name="event_types" value="topic.created""#),
        "{html}"
    );

    // A bad URL comes back at its field, with what was typed kept.
    let res = admin
        .post(app.url("/admin/webhooks/new"))
        .form(&[
            ("url", "https://10.0.0.9/hook"),
            ("description", "Support desk"),
            ("event_types", "post.created"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with("/admin/webhooks?form=create&error="), "{back}");
    let html = admin
        .get(app.url(&back))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("private network address"),
        "the field's error is shown"
    );
    assert!(html.contains(r#"value="Support desk""#), "what was typed is kept");
    assert!(html.contains(r#"aria-invalid="true""#));

    // Two event types ticked, then a test event from the endpoint's page.
    let res = admin
        .post(app.url("/admin/webhooks/new"))
        .form(&[
            ("url", receiver.url("/desk").as_str()),
            ("description", "Support desk"),
            ("event_types", "post.created"),
            ("event_types", "question.created"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?saved=created"), "{location}");
    let id: i64 = location
        .trim_start_matches("/admin/webhooks/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let e = app.get_json(&admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(e["event_types"], json!(["post.created", "question.created"]));
    let html = admin
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(e["secret"].as_str().unwrap()),
        "the secret is on the page"
    );
    let res = admin
        .post(app.url(&format!("/admin/webhooks/{id}/test")))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    receiver.wait_for(1, WAIT).await;
    let log_path = format!("/api/v1/webhooks/{id}/deliveries");
    wait_until("the test delivery is logged", || {
        let (app, admin, log_path) = (&app, &admin, &log_path);
        async move { app.get_json(admin, log_path).await["items"][0]["state"] == "delivered" }
    })
    .await;
    let html = admin
        .get(app.url(&format!("/admin/webhooks/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("webhook.test") && html.contains("delivered"),
        "{html}"
    );
    let delivery = app.get_json(&admin, &log_path).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let html = admin
        .get(app.url(&format!("/admin/webhooks/{id}/deliveries/{delivery}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("answer 200"), "the receiver's answer is shown");
    let res = admin
        .post(app.url(&format!("/admin/webhooks/{id}/deliveries/{delivery}/retry")))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    receiver.wait_for(2, WAIT).await;

    // Members may not open the pages nor post their forms.
    let member = app.member("wh_member", 4, vec![]).await;
    let res = member.get(app.url("/admin/webhooks")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = member
        .post(app.url(&format!("/admin/webhooks/{id}/delete")))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_json(&admin, "/api/v1/webhooks").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
