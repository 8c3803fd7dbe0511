//! Notification e-mail over HTTP with a real SMTP server on loopback: a reply reaches the topic's author as one
//! multipart e-mail with List-Unsubscribe headers; the one-click link works without a log-in and cannot be forged;
//! preferences are read and changed over the API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use domain::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn a_reply_is_mailed_once_with_a_one_click_unsubscribe_that_needs_no_log_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let author = app.member("author", 2, vec![]).await;
    let replier = app.member("replier", 3, vec![Role::Staff]).await;
    let cat: Value = app
        .post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "general", "name": "General", "visibility": "public", "posting": "everyone"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let topic: Value = app
        .post_json(
            &author,
            "/api/v1/topics",
            json!({"category_id": cat["id"], "title": "Brake pads squeal", "body": "New pads squeal in the rain. Normal?"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let topic = topic["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &replier,
            &format!("/api/v1/topics/{topic}/posts"),
            json!({"body": "Clean the rotor with alcohol."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let mail = app
        .smtp
        .wait_for(
            "author@example.com",
            "replier replied to your topic Brake pads squeal",
            Duration::from_secs(15),
        )
        .await;
    assert!(mail.data.contains("multipart/alternative"), "text and HTML parts");
    assert!(
        mail.data
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{}",
        mail.data
    );
    let start = mail.data.find("List-Unsubscribe: <").unwrap() + "List-Unsubscribe: <".len();
    let link: String = mail.data[start..].chars().take_while(|c| *c != '>').collect();
    assert!(link.contains("/unsubscribe?u="), "{link}");
    assert!(
        mail.data.contains(&format!("/t/{topic}")),
        "links back to the post"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.smtp.to("author@example.com").len(), 1, "exactly one e-mail");

    // The link's parameters, posted as a mail client does (RFC 8058): no cookie, no Origin.
    let query = link.split_once('?').unwrap().1.to_owned();
    let forged = query.replace("t=replies", "t=mentions");
    let (status, _, _) = error_code(
        app.client()
            .post(app.url(&format!("/api/v1/unsubscribe?{forged}")))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let prefs = app.get_json(&author, "/api/v1/me/notification-preferences").await;
    let replies = prefs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["topic"] == "replies")
        .unwrap()
        .clone();
    assert_eq!(
        replies["delivery"], "immediately",
        "a forged link changes nothing"
    );
    let res = app
        .client()
        .post(app.url(&format!("/api/v1/unsubscribe?{query}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let prefs = app.get_json(&author, "/api/v1/me/notification-preferences").await;
    let replies = prefs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["topic"] == "replies")
        .unwrap()
        .clone();
    assert_eq!(replies["delivery"], "never");

    // Preferences over the API, with field errors.
    let res = author
        .put(app.url("/api/v1/me/notification-preferences"))
        .json(&json!({"watching": "sometimes"}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["watching"].is_string(), "{body}");
    let res = author
        .put(app.url("/api/v1/me/notification-preferences"))
        .json(&json!({"watching": "weekly", "replies": "immediately"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _, _) = error_code(
        app.client()
            .get(app.url("/api/v1/me/notification-preferences"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The unsubscribe page: opening it changes nothing and shows one button.
    let page = app
        .client()
        .get(app.url(&format!("/unsubscribe?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Unsubscribe</button>"));
}

/// Reads server-sent events from a response until `done` says enough (or the timeout passes).
async fn read_events(res: &mut reqwest::Response, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while !done(&seen) {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, res.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    seen
}

#[tokio::test]
async fn a_reply_on_one_instance_reaches_a_stream_on_another_and_reconnecting_resumes() {
    let app = TestApp::spawn().await;
    let peer = app.spawn_peer().await;
    let admin = app.admin().await;
    let reader = app.member("reader", 2, vec![]).await;
    let writer = app.member("writer", 3, vec![]).await;
    let cat: Value = app
        .post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "general", "name": "General", "visibility": "public", "posting": "everyone"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let topic: Value = app
        .post_json(
            &reader,
            "/api/v1/topics",
            json!({"category_id": cat["id"], "title": "Live updates test", "body": "Does the page update by itself?"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let topic = topic["id"].as_i64().unwrap();

    // Anonymous callers need a topic; a topic they may not see is refused.
    let (status, _, _) = error_code(
        app.client()
            .get(format!("{}/api/v1/stream", peer.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The reader listens on the peer; the writer replies through the first instance.
    let mut stream = reader
        .get(format!("{}/api/v1/stream?topic={topic}", peer.address))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let hello = read_events(&mut stream, Duration::from_secs(5), |s| s.contains(": connected")).await;
    assert!(hello.starts_with("retry: 2000"), "{hello}");
    let started = tokio::time::Instant::now();
    let reply: Value = app
        .post_json(
            &writer,
            &format!("/api/v1/topics/{topic}/posts"),
            json!({"body": "Yes, this reply is live."}),
        )
        .await
        .json()
        .await
        .unwrap();
    let seen = read_events(&mut stream, Duration::from_secs(5), |s| {
        s.contains("event: post") && s.contains("event: notification")
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "arrived in {:?}: {seen}",
        started.elapsed()
    );
    assert!(seen.contains(&format!("\"post_id\":{}", reply["id"])), "{seen}");
    let last_id: String = seen
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .next_back()
        .unwrap()
        .to_owned();
    drop(stream);

    // Missed while disconnected: replayed on reconnect with Last-Event-ID, then live again.
    let missed: Value = app
        .post_json(
            &writer,
            &format!("/api/v1/topics/{topic}/posts"),
            json!({"body": "Sent while you were away."}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut stream = reader
        .get(format!("{}/api/v1/stream?topic={topic}", peer.address))
        .header("Last-Event-ID", &last_id)
        .send()
        .await
        .unwrap();
    let seen = read_events(&mut stream, Duration::from_secs(5), |s| {
        s.contains(&format!("\"post_id\":{}", missed["id"]))
    })
    .await;
    assert!(seen.contains(&format!("\"post_id\":{}", missed["id"])), "{seen}");
    assert!(
        !seen.contains(&format!("\"post_id\":{},", reply["id"])),
        "nothing twice: {seen}"
    );
}
