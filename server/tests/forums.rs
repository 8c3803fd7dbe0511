//! Forums over HTTP: categories, topics, replies, quotes, edits, lock, visibility, pagination, search, XSS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn category(app: &TestApp, admin: &Client, slug: &str, visibility: &str) -> i64 {
    let res = app
        .post_json(
            admin,
            "/api/v1/categories",
            json!({"slug": slug, "name": format!("Cat {slug}"), "visibility": visibility}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let body: Value = res.json().await.unwrap();
    body["id"].as_i64().unwrap()
}

async fn topic(app: &TestApp, client: &Client, category_id: i64, title: &str, body: &str) -> Value {
    let res = app
        .post_json(
            client,
            "/api/v1/topics",
            json!({"category_id": category_id, "title": title, "body": body}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

#[tokio::test]
async fn create_category_topic_reply_quote_edit_and_lock() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let password = app.verified_member("poster").await;
    let member = app.logged_in("poster", &password).await;
    let other_password = app.verified_member("answerer").await;
    let other = app.logged_in("answerer", &other_password).await;

    let res = app
        .post_json(
            &member,
            "/api/v1/categories",
            json!({"slug": "mine", "name": "Mine"}),
        )
        .await;
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);
    let general = category(&app, &admin, "general", "public").await;
    let cats: Value = reqwest::get(app.url("/api/v1/categories"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cats["items"][0]["slug"], "general");

    let created = topic(
        &app,
        &member,
        general,
        "Anybody experience with the X2?",
        "How is the **range**?",
    )
    .await;
    let topic_id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "published");
    assert!(
        created["first_post"]["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>range</strong>")
    );

    let res = app
        .post_json(
            &other,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": "About 60 km, @poster."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first_reply: Value = res.json().await.unwrap();
    assert_eq!(first_reply["post_number"], 2);
    assert!(
        first_reply["body_html"]
            .as_str()
            .unwrap()
            .contains("href=\"/u/poster\"")
    );
    let res = app
        .post_json(
            &member,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": "Thanks! That is exactly what I needed.", "quote_post_id": first_reply["id"]}),
        )
        .await;
    let quoting: Value = res.json().await.unwrap();
    assert_eq!(quoting["quote_post_id"], first_reply["id"]);

    // edit with history: the author may, others may not; the history is for staff
    let post_id = first_reply["id"].as_i64().unwrap();
    let res = member
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .json(&json!({"body": "hijacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);
    let res = other
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .json(&json!({"body": "About 65 km, @poster."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["edit_count"], 1);
    let res = other
        .get(app.url(&format!("/api/v1/posts/{post_id}/revisions")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);
    let history: Value = admin
        .get(app.url(&format!("/api/v1/posts/{post_id}/revisions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][0]["body"], "About 60 km, @poster.");

    let full: Value = reqwest::get(app.url(&format!("/api/v1/topics/{topic_id}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(full["posts"].as_array().unwrap().len(), 3);
    assert_eq!(full["reply_count"], 2);
    assert_eq!(full["posts"][2]["quote_post_id"], first_reply["id"]);

    // lock: members' replies are refused, the team's tools are the team's
    let res = member
        .post(app.url(&format!("/api/v1/topics/{topic_id}/lock")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);
    let res = admin
        .post(app.url(&format!("/api/v1/topics/{topic_id}/lock")))
        .json(&json!({"reason": "done"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post_json(
            &other,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": "one more"}),
        )
        .await;
    let (status, code, _) = error_code(res).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let res = admin
        .post(app.url(&format!("/api/v1/topics/{topic_id}/move")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res).await.0,
        StatusCode::BAD_REQUEST,
        "move needs a category"
    );
    let res = admin
        .post(app.url(&format!("/api/v1/topics/{topic_id}/explode")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn visibility_holds_in_lists_search_and_direct_access() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let public = category(&app, &admin, "public-talk", "public").await;
    let club = category(&app, &admin, "club-only", "club").await;
    let team = category(&app, &admin, "team-only", "staff").await;
    let t_public = topic(&app, &admin, public, "Public pedal talk", "Everyone sees pedals.").await;
    let t_club = topic(&app, &admin, club, "Club pedal secrets", "Only fans see pedals.").await;
    let t_team = topic(
        &app,
        &admin,
        team,
        "Team pedal roadmap",
        "Only the team sees pedals.",
    )
    .await;
    let password = app.verified_member("outsider").await;
    let member = app.logged_in("outsider", &password).await;
    let anonymous = Client::new();

    for client in [&anonymous, &member] {
        let latest: Value = client
            .get(app.url("/api/v1/topics"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<i64> = latest["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![t_public["id"].as_i64().unwrap()]);
        let found: Value = client
            .get(app.url("/api/v1/search?q=pedals"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
        let cats: Value = client
            .get(app.url("/api/v1/categories"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(cats["items"].as_array().unwrap().len(), 1);
        let res = client
            .get(app.url(&format!("/api/v1/topics/{}", t_club["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(res).await.0,
            StatusCode::FORBIDDEN,
            "club content says it is for the club"
        );
        let res = client
            .get(app.url(&format!("/api/v1/topics/{}", t_team["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(res).await.0,
            StatusCode::NOT_FOUND,
            "team content does not exist for others"
        );
        let res = client
            .get(app.url("/api/v1/categories/team-only/topics"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = app
        .post_json(
            &member,
            "/api/v1/topics",
            json!({"category_id": team, "title": "Let me in please", "body": "hi"}),
        )
        .await;
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["category_id"].is_string());

    // The same pages through the browser's routes.
    let res = reqwest::get(app.url(&format!("/t/{}", t_club["id"])))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("fan club"));
    assert_eq!(
        reqwest::get(app.url(&format!("/t/{}", t_team["id"])))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let home = reqwest::get(app.url("/")).await.unwrap().text().await.unwrap();
    assert!(
        home.contains("Public pedal talk")
            && !home.contains("Club pedal secrets")
            && !home.contains("Team pedal roadmap")
    );
    let admin_latest: Value = admin
        .get(app.url("/api/v1/topics"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(admin_latest["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn pagination_returns_every_item_once_while_new_posts_arrive() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let cat = category(&app, &admin, "busy", "public").await;
    let mut created = Vec::new();
    for i in 0..23 {
        created.push(
            topic(&app, &admin, cat, &format!("Busy topic number {i}"), "x y").await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let mut seen = Vec::new();
    let mut url = app.url("/api/v1/categories/busy/topics?limit=5");
    loop {
        let page: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap()),
        );
        topic(&app, &admin, cat, "Arrived while paging", "x y").await;
        match page["next"].as_str() {
            Some(next) => url = app.url(&format!("/api/v1/categories/busy/topics?limit=5&after={next}")),
            None => break,
        }
    }
    let mut earlier: Vec<i64> = seen.iter().copied().filter(|id| created.contains(id)).collect();
    assert_eq!(earlier.len(), 23);
    earlier.dedup();
    assert_eq!(earlier.len(), 23, "each exactly once");

    let t = created[0];
    for i in 0..25 {
        app.post_json(
            &admin,
            &format!("/api/v1/topics/{t}/posts"),
            json!({"body": format!("reply {i}")}),
        )
        .await;
    }
    let mut numbers = Vec::new();
    let mut after = 0;
    loop {
        let page: Value = reqwest::get(app.url(&format!("/api/v1/topics/{t}/posts?after={after}&limit=7")))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        numbers.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["post_number"].as_i64().unwrap()),
        );
        app.post_json(
            &admin,
            &format!("/api/v1/topics/{t}/posts"),
            json!({"body": "late"}),
        )
        .await;
        match page["next"].as_i64() {
            Some(n) => after = n,
            None => break,
        }
        assert!(numbers.len() < 500);
    }
    let unique: std::collections::BTreeSet<i64> = numbers.iter().copied().collect();
    assert_eq!(unique.len(), numbers.len());
    assert!((1..=26).all(|n| unique.contains(&n)));
    let res = reqwest::get(app.url("/api/v1/topics?after=garbage"))
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);
    // Links to page N work and page N+1 past the end is a 404.
    assert_eq!(
        reqwest::get(app.url(&format!("/t/{t}?page=2")))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        reqwest::get(app.url(&format!("/t/{t}?page=40")))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hostile_titles_and_bodies_come_back_inert() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let cat = category(&app, &admin, "xss", "public").await;
    let title = "</title><script>alert(\"title\")</script> pwned";
    let body = "<img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">x</a> [y](javascript:alert(3)) <b onclick=alert(4)>b</b>";
    let created = topic(&app, &admin, cat, title, body).await;
    let id = created["id"].as_i64().unwrap();
    let html = reqwest::get(app.url(&format!("/t/{id}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(\"title\")"), "titles are escaped");
    assert!(
        !html.contains("</title><script>"),
        "the document title cannot be closed by a topic title"
    );

    assert!(html.contains("&lt;script&gt;"));
    for bad in ["<img", "onerror=", "href=\"javascript", "onclick="] {
        let inside_tags = html.split('<').skip(1).any(|t| {
            t.split('>')
                .next()
                .unwrap_or("")
                .contains(bad.trim_start_matches('<'))
                && !bad.starts_with('<')
        });
        assert!(!inside_tags, "{bad} survived as markup");
    }
    assert!(!html.contains("<img src=x"));
    let listing = reqwest::get(app.url("/c/xss"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listing.contains("<script>alert"));
    let found: Value = reqwest::get(app.url("/api/v1/search?q=pwned"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let snippet = found["items"][0]["snippet_html"].as_str().unwrap_or("");
    assert!(
        !snippet.replace("<mark>", "").replace("</mark>", "").contains('<'),
        "{snippet}"
    );
}

#[tokio::test]
async fn search_api_filters_and_rejects_bad_input() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let a = category(&app, &admin, "alpha", "public").await;
    let b = category(&app, &admin, "beta", "public").await;
    topic(
        &app,
        &admin,
        a,
        "Tyre pressure for gravel",
        "Run lower tyre pressure on gravel.",
    )
    .await;
    topic(
        &app,
        &admin,
        b,
        "Tubeless tyre sealant",
        "Top up tyre sealant every few months.",
    )
    .await;
    let found: Value = reqwest::get(app.url("/api/v1/search?q=tyre"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 2);
    assert!(
        found["items"][0]["snippet_html"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
    let filtered: Value = reqwest::get(app.url("/api/v1/search?q=tyre&category=beta"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["items"][0]["title"], "Tubeless tyre sealant");
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    let nobody: Value = reqwest::get(app.url("/api/v1/search?q=tyre&author=nobody"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(nobody["items"].as_array().unwrap().len(), 0);
    let res = reqwest::get(app.url(&format!("/api/v1/search?q={}", "x".repeat(300))))
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);
    let res = reqwest::get(app.url("/api/v1/search?q=tyre&after=abc"))
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);
    let page = reqwest::get(app.url("/search?q=tyre"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tyre pressure for gravel") && page.contains("<mark>"));
}

fn csp_nonce(res: &reqwest::Response) -> String {
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    csp.split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a script nonce")
        .to_owned()
}

#[tokio::test]
async fn anonymous_pages_come_from_the_micro_cache_with_fresh_nonces_and_counted_views() {
    let app = TestApp::spawn_with(common::Options {
        smtp_port: None,
        page_cache_seconds: 60,
    })
    .await;
    let admin = app.admin().await;
    let cat = category(&app, &admin, "cached", "public").await;
    let staff_only = category(&app, &admin, "backroom", "staff").await;
    let t = topic(
        &app,
        &admin,
        cat,
        "A topic read by many visitors",
        "Popular body text",
    )
    .await;
    let id = t["id"].as_i64().unwrap();
    let path = format!("/t/{id}");

    let anon = app.client();
    let first = anon.get(app.url(&path)).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["x-hearth-cache"], "miss");
    let first_nonce = csp_nonce(&first);
    let first_html = first.text().await.unwrap();
    assert!(first_html.contains(&format!("nonce=\"{first_nonce}\"")));

    let second = anon.get(app.url(&path)).send().await.unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.headers()["x-hearth-cache"], "hit");
    let second_nonce = csp_nonce(&second);
    assert_ne!(first_nonce, second_nonce, "every response gets its own nonce");
    let second_html = second.text().await.unwrap();
    assert!(second_html.contains(&format!("nonce=\"{second_nonce}\"")));
    assert!(
        !second_html.contains(&first_nonce),
        "no trace of the cached nonce"
    );
    assert!(second_html.contains("Popular body text"));

    // Both requests counted as views.
    domain::forums::view_counts::flush(&app.hearth).await.unwrap();
    let detail: Value = anon
        .get(app.url(&format!("/api/v1/topics/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["view_count"], 2,
        "the miss and the hit both counted: {detail}"
    );

    // Signed-in members are never served nor stored from the cache: the admin sees the staff category's
    // topic listed, the anonymous visitor (even right after) does not.
    topic(
        &app,
        &admin,
        staff_only,
        "Staff eyes only, never cached",
        "Secret",
    )
    .await;
    let signed_in = admin.get(app.url("/latest")).send().await.unwrap();
    assert!(signed_in.headers().get("x-hearth-cache").is_none());
    assert!(signed_in.text().await.unwrap().contains("Staff eyes only"));
    let anonymous = anon.get(app.url("/latest")).send().await.unwrap();
    assert_eq!(anonymous.headers()["x-hearth-cache"], "miss");
    assert!(!anonymous.text().await.unwrap().contains("Staff eyes only"));

    // Error pages and the API are not cached.
    for path in ["/t/999999999", "/api/v1/categories"] {
        for _ in 0..2 {
            let res = anon.get(app.url(path)).send().await.unwrap();
            assert!(res.headers().get("x-hearth-cache").is_none(), "{path}");
        }
    }
}
