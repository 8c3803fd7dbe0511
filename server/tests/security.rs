//! Findings of the security review (issue 18), each checked from outside: the `__Host-` session cookie on
//! https, `Cache-Control: no-store` on what is personal, one-time links redacted from the mail outbox once
//! sent, suspended members kept from taking part, chunked bodies bounded like announced ones, `/metrics` and
//! `/readyz` only for the machine itself or with the monitoring token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Options, TestApp, created, error_code};
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use domain::accounts::Role;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn options() -> Options {
    Options {
        smtp_port: None,
        page_cache_seconds: 0,
    }
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_only_and_a_plain_one_is_ignored() {
    let app = TestApp::spawn_with_vars(options(), &[("HEARTH_BASE_URL", "https://hearth.test")]).await;
    app.member("cookie_member", 2, vec![]).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": "cookie_member", "password": "cookie_member passphrase here"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-hearth_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    let value = cookie
        .trim_start_matches("__Host-hearth_session=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me = |header: String| {
        let url = app.url("/api/v1/me");
        async move {
            reqwest::Client::new()
                .get(url)
                .header(COOKIE, header)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(format!("__Host-hearth_session={value}")).await, StatusCode::OK);
    // The same value under the plain name (what a subdomain could plant) is not a session on https.
    assert_eq!(
        me(format!("hearth_session={value}")).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn personal_pages_and_the_api_are_never_stored_by_caches() {
    let app = TestApp::spawn().await;
    let member = app.member("cache_member", 3, vec![]).await;
    for path in ["/api/v1/me", "/settings", "/"] {
        let res = member.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[CACHE_CONTROL], "no-store", "{path}");
    }
    // The API answers anonymous callers without storing either; static assets keep their own caching.
    let res = reqwest::get(app.url("/api/v1/categories")).await.unwrap();
    assert_eq!(res.headers()[CACHE_CONTROL], "no-store");
    let res = member.get(app.url("/favicon.svg")).send().await.unwrap();
    assert_ne!(res.headers()[CACHE_CONTROL], "no-store");
}

#[derive(QueryableByName)]
struct Body {
    #[diesel(sql_type = Text)]
    text_body: String,
    #[diesel(sql_type = Text)]
    html_body: String,
}

#[tokio::test]
async fn one_time_links_leave_the_mail_outbox_once_sent() {
    let app = TestApp::spawn().await;
    app.verified_member("redacted").await;
    // The mail went out (the test read its token from the SMTP sink); the outbox no longer holds the link.
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows: Vec<Body> = diesel::sql_query(
            "SELECT text_body, html_body FROM mail_outbox WHERE kind = 'verify_email' AND sent_at IS NOT NULL",
        )
        .load(&mut conn)
        .await
        .unwrap();
        if let Some(row) = <[Body]>::first(&rows) {
            assert!(!row.text_body.contains("token="), "{}", row.text_body);
            assert!(!row.html_body.contains("token="));
            assert!(row.text_body.contains("redacted"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the verification mail was not marked sent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn suspended_members_cannot_edit_their_profile_rsvp_join_the_club_or_mint_tokens() {
    let app = TestApp::spawn().await;
    let moderator = app.member("sus_mod", 2, vec![Role::Moderator]).await;
    let staff = app.member("sus_staff", 3, vec![Role::Staff]).await;
    let member = app.member("sus_member", 4, vec![]).await;
    let event = created(
        app.post_json(
            &staff,
            "/api/v1/events",
            json!({"title": "Night ride", "starts_at": "2031-01-01T18:00:00Z", "capacity": 20}),
        )
        .await,
    )
    .await;
    let me = app.get_json(&member, "/api/v1/me").await;
    let id = me["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/users/{id}/suspend"),
            json!({"until": "2099-01-01", "reason": "Insults in three threads"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let refused = [
        member
            .patch(app.url("/api/v1/me"))
            .json(&json!({"bio": "still here"}))
            .send()
            .await
            .unwrap(),
        member
            .put(app.url(&format!("/api/v1/events/{}/rsvp", event["id"])))
            .send()
            .await
            .unwrap(),
        member
            .put(app.url("/api/v1/club/membership"))
            .send()
            .await
            .unwrap(),
        member
            .post(app.url("/api/v1/tokens"))
            .json(&json!({"name": "x", "current_password": "sus_member passphrase here"}))
            .send()
            .await
            .unwrap(),
    ];
    for res in refused {
        let url = res.url().to_string();
        let (status, _, body) = error_code(res).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{url}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("suspended"),
            "{body}"
        );
    }
    // Reading still works.
    assert_eq!(app.get_json(&member, "/api/v1/me").await["bio"], "");
}

/// Sends a chunked request of `total` bytes by hand and returns the status line's code.
async fn chunked_post(port: u16, path: &str, content_type: &str, total: usize) -> u16 {
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nAccept: application/json\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < total {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if socket.write_all(&frame).await.is_err() {
            break; // the server answered and closed: what we want to read
        }
        sent += chunk.len();
    }
    let _ = socket.write_all(b"0\r\n\r\n").await;
    let mut answer = vec![0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut answer))
        .await
        .unwrap()
        .unwrap_or(0);
    let status = String::from_utf8_lossy(&answer[..n]).into_owned();
    status
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {status:?}"))
}

#[tokio::test]
async fn chunked_bodies_are_bounded_like_announced_ones() {
    let app = TestApp::spawn().await;
    let ten_mb = 10 * 1024 * 1024;
    // A server function and the API: 413 as soon as the body passes 1 MiB.
    assert_eq!(
        chunked_post(
            app.port,
            "/api/account/login",
            "application/x-www-form-urlencoded",
            ten_mb
        )
        .await,
        413
    );
    assert_eq!(
        chunked_post(app.port, "/api/v1/auth/login", "application/json", ten_mb).await,
        413
    );
    // A small chunked body still works (and is read as usual).
    let status = chunked_post(app.port, "/api/v1/auth/login", "application/json", 0).await;
    assert_eq!(status, 400, "an empty JSON body is a bad request, not a crash");
}

#[tokio::test]
async fn metrics_and_readiness_are_for_the_machine_itself_or_the_monitoring_token() {
    // Behind a proxy every request comes from loopback: only the token opens them.
    let app = TestApp::spawn_with_vars(
        options(),
        &[
            ("HEARTH_TRUST_PROXY", "true"),
            ("HEARTH_METRICS_TOKEN", "monitoring-secret-0123456789"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    for path in ["/metrics", "/readyz"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let res = client
            .get(app.url(path))
            .bearer_auth("not-the-secret-at-all")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let res = client
            .get(app.url(path))
            .bearer_auth("monitoring-secret-0123456789")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let res = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let _: Value = client
        .get(app.url("/readyz"))
        .bearer_auth("monitoring-secret-0123456789")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
}

#[tokio::test]
async fn event_streams_are_capped_per_member_and_per_address() {
    let app = TestApp::spawn_with_vars(
        options(),
        &[
            ("HEARTH_STREAMS_PER_MEMBER", "2"),
            ("HEARTH_STREAMS_PER_ADDRESS", "3"),
        ],
    )
    .await;
    let member = app.member("streamer", 5, vec![]).await;
    let open = |client: reqwest::Client| {
        let url = app.url("/api/v1/stream?talking_point=true");
        async move { client.get(url).send().await.unwrap() }
    };
    let a = open(member.clone()).await;
    let b = open(member.clone()).await;
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let (status, code, _) = error_code(open(member.clone()).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    // The same address (127.0.0.5) anonymously: one more, then the address is full.
    let anonymous = app.client_from("127.0.0.5");
    let c = open(anonymous.clone()).await;
    assert_eq!(c.status(), StatusCode::OK);
    assert_eq!(
        open(anonymous.clone()).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not affected; a closed stream frees its place.
    assert_eq!(open(app.client_from("127.0.0.6")).await.status(), StatusCode::OK);
    // (The server notices a closed stream when a keep-alive line cannot be written: within two of them, 10 s.)
    drop(a);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let res = open(member.clone()).await;
        if res.status() == StatusCode::OK {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the closed stream's place was never freed"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn search_and_suggestions_are_rate_limited_per_member_and_address() {
    let app = TestApp::spawn_with_vars(options(), &[("HEARTH_READS_PER_MINUTE", "3")]).await;
    let member = app.member("searcher", 7, vec![]).await;
    for _ in 0..3 {
        let res = member
            .get(app.url("/api/v1/search?q=battery"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = member
        .get(app.url("/api/v1/search?q=battery"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // Suggestions have their own budget; another address is not affected.
    let res = member
        .get(app.url("/api/v1/questions/similar?title=battery+range"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .client_from("127.0.0.8")
        .get(app.url("/api/v1/search?q=battery"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_members_edit_is_screened_like_a_new_post_and_a_held_edit_keeps_the_approved_version() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.member("edit_mod", 2, vec![Role::Moderator]).await;
    let member = app.member("edit_newbie", 3, vec![]).await;
    let reader = app.member("edit_reader", 4, vec![]).await;
    let category = app.general_category(&admin).await;
    let topic = created(
        app.post_json(
            &member,
            "/api/v1/topics",
            json!({"category_id": category, "title": "Where I ride on weekends", "body": "Mostly the river path."}),
        )
        .await,
    )
    .await;
    assert_eq!(topic["status"], "published");
    let post_id = topic["first_post"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/topics/{}/posts", topic["id"]);

    // Adding a link (a new member's posts with links are held) is held for review, not published.
    let two_links = "Mostly the river path, says [this shop](https://spam.example/b).";
    let res = member
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .json(&json!({"body": two_links}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let held: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::ACCEPTED, "{held}");
    assert!(held["edit_pending"].as_str().unwrap().contains("link"), "{held}");
    assert_eq!(held["post"]["body_html"], "<p>Mostly the river path.</p>\n");
    let seen = app.get_json(&reader, &path).await;
    assert!(!seen.to_string().contains("spam.example"), "{seen}");

    // The moderator sees the edited version in the queue and approves it: now everyone sees it.
    let queue = app
        .get_json(&moderator, "/api/v1/moderation/queue?kind=edit")
        .await;
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert!(items[0]["body_html"].as_str().unwrap().contains("spam.example/b"));
    let item = items[0]["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{item}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let seen = app.get_json(&reader, &path).await;
    assert!(seen.to_string().contains("spam.example/b"), "{seen}");
    assert_eq!(seen["items"][0]["edit_count"], 1);

    // A held title change is rejected: the title and the body stay as they were.
    let res = member
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .json(&json!({"title": "Buy cheap parts at spam dot example", "body": "Mostly [more from this shop](https://spam.example/c)."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let queue = app
        .get_json(&moderator, "/api/v1/moderation/queue?kind=edit")
        .await;
    let item = queue["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        queue["items"][0]["topic_title"], "Buy cheap parts at spam dot example",
        "{queue}"
    );
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{item}/reject"),
            json!({"reason": "Please do not advertise."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let t = app
        .get_json(&reader, &format!("/api/v1/topics/{}", topic["id"]))
        .await;
    assert_eq!(t["title"], "Where I ride on weekends");
    let seen = app.get_json(&reader, &path).await;
    assert!(!seen.to_string().contains("spam.example/c"), "{seen}");
    assert_eq!(seen["items"][0]["status"], "published");
}

/// Whether the server ends a streaming response within `timeout` (keep-alive lines do not count).
async fn stream_ends(res: &mut reqwest::Response, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, res.chunk()).await {
            Ok(Ok(Some(_))) => continue,
            Ok(Ok(None)) | Ok(Err(_)) => return true,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn an_open_stream_ends_soon_after_its_session_ends_or_its_topic_is_hidden() {
    let app = TestApp::spawn_with_vars(options(), &[("HEARTH_STREAM_RECHECK_SECONDS", "1")]).await;
    let admin = app.admin().await;
    let moderator = app.member("stream_mod", 2, vec![Role::Moderator]).await;
    let member = app.member("stream_member", 3, vec![]).await;
    let category = app.general_category(&admin).await;
    let topic = created(
        app.post_json(
            &moderator,
            "/api/v1/topics",
            json!({"category_id": category, "title": "Live chat about the launch", "body": "Ask away."}),
        )
        .await,
    )
    .await;
    let mut mine = member.get(app.url("/api/v1/stream")).send().await.unwrap();
    assert_eq!(mine.status(), StatusCode::OK);
    let mut watching = app
        .client_from("127.0.0.9")
        .get(app.url(&format!("/api/v1/stream?topic={}", topic["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(watching.status(), StatusCode::OK);
    // Both stay open while nothing changes.
    assert!(!stream_ends(&mut mine, Duration::from_millis(2500)).await);

    // Logging out (from this or any device) ends the member's stream.
    let res = member.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(
        stream_ends(&mut mine, Duration::from_secs(5)).await,
        "the stream outlived its session"
    );

    // A topic hidden by a moderator ends the streams of those who may no longer see it.
    assert!(!stream_ends(&mut watching, Duration::from_millis(1500)).await);
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/posts/{}/hide", topic["first_post"]["id"]),
            json!({"reason": "Moved to the launch event page."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        stream_ends(&mut watching, Duration::from_secs(5)).await,
        "the stream outlived the topic's visibility"
    );
}
