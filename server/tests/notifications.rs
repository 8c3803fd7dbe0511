//! Notification e-mail over HTTP with a real SMTP server on loopback: a reply reaches the topic's author as one
//! multipart e-mail with List-Unsubscribe headers; the one-click link works without a log-in and cannot be forged;
//! preferences are read and changed over the API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, created, error_code};
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
    let cat = app.general_category(&admin).await;
    let topic: Value = app
        .post_json(
            &author,
            "/api/v1/topics",
            json!({"category_id": cat, "title": "Brake pads squeal", "body": "New pads squeal in the rain. Normal?"}),
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

    // The header's own URL, posted as a mail client does (RFC 8058): no cookie, no Origin. (The test server
    // answers for the configured base URL, http://hearth.test.)
    let query = link.split_once('?').unwrap().1.to_owned();
    let header_url = app.url(
        link.strip_prefix("http://hearth.test")
            .expect("an absolute link to the site"),
    );
    let forged = header_url.replace("t=replies", "t=mentions");
    let (status, _, _) = error_code(
        app.client()
            .post(&forged)
            .header("content-type", "application/x-www-form-urlencoded")
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
        .post(&header_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Unsubscribed"));
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
    let cat = app.general_category(&admin).await;
    let topic: Value = app
        .post_json(
            &reader,
            "/api/v1/topics",
            json!({"category_id": cat, "title": "Live updates test", "body": "Does the page update by itself?"}),
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

/// Every address's mail subjects, in arrival order.
fn subjects(app: &TestApp, who: &str) -> Vec<String> {
    app.smtp
        .to(&format!("{who}@example.com"))
        .iter()
        .map(|m| m.subject())
        .collect()
}

#[tokio::test]
async fn every_kind_of_event_reaches_the_right_members_once_by_mail_or_digest_and_rings_the_live_bell() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let author = app.member("author", 2, vec![]).await;
    let replier = app.member("replier", 3, vec![]).await;
    let named = app.member("named", 4, vec![]).await;
    let watcher = app.member("watcher", 5, vec![]).await;
    let asker = app.member("asker", 6, vec![]).await;
    let owner = app.member("owner", 7, vec![]).await;
    let staff = app.member("staffer", 8, vec![Role::Staff]).await;
    let moderator = app.member("moder", 9, vec![Role::Moderator]).await;
    let general = app.general_category(&admin).await;
    created(
        app.post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "questions", "name": "Questions"}),
        )
        .await,
    )
    .await;

    // A topic, watched by one member; a reply that names another; a reply that quotes the first.
    let topic = created(
        app.post_json(
            &author,
            "/api/v1/topics",
            json!({"category_id": general, "title": "Chain wax or oil", "body": "Which lasts longer in the rain?"}),
        )
        .await,
    )
    .await;
    let topic = topic["id"].as_i64().unwrap();
    let res = watcher
        .put(app.url(&format!("/api/v1/topics/{topic}/watch")))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let first = created(
        app.post_json(
            &replier,
            &format!("/api/v1/topics/{topic}/posts"),
            json!({"body": "Wax, and ask @named, who rides all winter."}),
        )
        .await,
    )
    .await;
    created(
        app.post_json(
            &named,
            &format!("/api/v1/topics/{topic}/posts"),
            json!({"body": "Agreed: wax lasts twice as long.", "quote_post_id": first["id"]}),
        )
        .await,
    )
    .await;
    app.smtp
        .wait_for(
            "named@example.com",
            "replier mentioned you in Chain wax or oil",
            Duration::from_secs(15),
        )
        .await;
    app.smtp
        .wait_for(
            "replier@example.com",
            "named quoted you in Chain wax or oil",
            Duration::from_secs(15),
        )
        .await;
    app.smtp
        .wait_for(
            "author@example.com",
            "named replied to your topic",
            Duration::from_secs(15),
        )
        .await;

    // A question about a product: its owner is invited, the asker hears of the answer, the answerer of acceptance.
    let bike = created(
        app.post_json(
            &admin,
            "/api/v1/products",
            json!({"name": "Lumen X2", "slug": "lumen-x2"}),
        )
        .await,
    )
    .await;
    let bike = bike["id"].as_i64().unwrap();
    let res = owner
        .put(app.url("/api/v1/me/products"))
        .json(&json!({"product_ids": [bike], "ask_me": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let q = created(
        app.post_json(
            &asker,
            "/api/v1/questions",
            json!({"title": "Anybody experience with X2 winter range?", "body": "How far in the cold?", "products": [bike]}),
        )
        .await,
    )
    .await;
    let qid = q["id"].as_i64().unwrap();
    let answer = created(
        app.post_json(
            &owner,
            &format!("/api/v1/questions/{qid}/answers"),
            json!({"body": "About 30% less at -5 °C."}),
        )
        .await,
    )
    .await;
    let aid = answer["id"].as_i64().unwrap();
    let res = app
        .post_json(&asker, &format!("/api/v1/answers/{aid}/accept"), json!({}))
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    app.smtp
        .wait_for(
            "owner@example.com",
            "You own a product this question is about",
            Duration::from_secs(15),
        )
        .await;
    let mail = app
        .smtp
        .wait_for(
            "asker@example.com",
            "New answer to your question",
            Duration::from_secs(15),
        )
        .await;
    assert!(
        mail.data.contains(&format!("/q/{qid}#answer-{aid}")),
        "links to the exact answer"
    );
    app.smtp
        .wait_for("owner@example.com", "accepted", Duration::from_secs(15))
        .await;

    // A held post that a moderator rejects: its author hears why.
    created(
        app.post_json(
            &watcher,
            &format!("/api/v1/topics/{topic}/posts"),
            json!({"body": "+1"}),
        )
        .await,
    )
    .await;
    let queue = app.get_json(&moderator, "/api/v1/moderation/queue").await;
    let item = queue["items"][0]["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{item}/reject"),
            json!({"reason": "Say what you agree with."}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    app.smtp
        .wait_for(
            "watcher@example.com",
            "A moderator rejected your post: Say what you agree with.",
            Duration::from_secs(15),
        )
        .await;

    // A club event starting within a day: a seat given up goes to the first in line, who rings live and is
    // reminded with everyone going.
    for member in [&asker, &replier] {
        let res = member
            .put(app.url("/api/v1/club/membership"))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
    }
    let starts = (chrono::Utc::now() + chrono::Duration::hours(20)).to_rfc3339();
    let event = created(
        app.post_json(
            &staff,
            "/api/v1/events",
            json!({"title": "Night ride", "starts_at": starts, "capacity": 1, "place": "HQ"}),
        )
        .await,
    )
    .await;
    let event = event["id"].as_i64().unwrap();
    let rsvp = format!("/api/v1/events/{event}/rsvp");
    for member in [&asker, &replier] {
        assert!(
            member
                .put(app.url(&rsvp))
                .send()
                .await
                .unwrap()
                .status()
                .is_success()
        );
    }
    let mut bell = replier.get(app.url("/api/v1/stream")).send().await.unwrap();
    read_events(&mut bell, Duration::from_secs(5), |s| s.contains(": connected")).await;
    assert!(
        asker
            .delete(app.url(&rsvp))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let rang = read_events(&mut bell, Duration::from_secs(8), |s| {
        s.contains("event: notification")
    })
    .await;
    let replier_id = app.get_json(&replier, "/api/v1/me").await["id"].as_i64().unwrap();
    assert!(
        rang.contains(&format!("\"user_ids\":[{replier_id}]")),
        "the bell rings for a notification made outside posting, naming only this member: {rang}"
    );
    app.smtp
        .wait_for(
            "replier@example.com",
            "A seat opened up: you are going to Night ride",
            Duration::from_secs(15),
        )
        .await;
    assert_eq!(
        domain::club::send_reminders(&app.hearth, chrono::Utc::now())
            .await
            .unwrap(),
        1,
        "only the member going"
    );
    app.smtp
        .wait_for(
            "replier@example.com",
            "Reminder: Night ride starts",
            Duration::from_secs(15),
        )
        .await;

    // Watched topics come as a daily summary, grouped by topic: nothing until it is due, then one e-mail.
    let digest_due = chrono::Utc::now() + chrono::Duration::days(2);
    let sent = domain::mail::notify::send_digests(&app.hearth, "daily", digest_due)
        .await
        .unwrap();
    assert_eq!(sent, 1, "one member has watched activity");
    let digest = app
        .smtp
        .wait_for(
            "watcher@example.com",
            "Your daily summary",
            Duration::from_secs(15),
        )
        .await;
    assert!(digest.data.contains("Chain wax or oil"), "{}", digest.data);
    assert_eq!(
        domain::mail::notify::send_digests(&app.hearth, "daily", digest_due)
            .await
            .unwrap(),
        0,
        "never twice"
    );

    // Exactly one e-mail per event and member, nothing to the ones who acted.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        subjects(&app, "author").len(),
        2,
        "two replies: {:?}",
        subjects(&app, "author")
    );
    assert_eq!(subjects(&app, "named").len(), 1, "{:?}", subjects(&app, "named"));
    assert_eq!(
        subjects(&app, "replier").len(),
        3,
        "quote, seat, reminder: {:?}",
        subjects(&app, "replier")
    );
    assert_eq!(
        subjects(&app, "owner").len(),
        2,
        "invitation, acceptance: {:?}",
        subjects(&app, "owner")
    );
    assert_eq!(subjects(&app, "asker").len(), 1, "{:?}", subjects(&app, "asker"));
    assert_eq!(
        subjects(&app, "watcher").len(),
        2,
        "the rejection and one digest, no mail per watched reply: {:?}",
        subjects(&app, "watcher")
    );
    assert!(subjects(&app, "staffer").is_empty() && subjects(&app, "moder").is_empty());
}
