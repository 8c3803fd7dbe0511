//! Members own their data, tested as a member and a mail client would: the export holds each kind of the
//! member's data and nothing of anyone else's, and its e-mailed link works once, for them, until it expires (one
//! export a day); deleting an account waits out a grace period that logging in cancels, then leaves no personal
//! data in any table, keeps other members' threads whole and frees the address; with "remove my posts" the
//! member's replies go and their topics keep their replies; an admin can anonymise a member (audited).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, created, error_code};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

const LINK_PREFIX: &str = "http://hearth.test/settings/export/";

/// The files of a zip archive, each parsed as JSON (README.txt as a string).
fn unzip(bytes: &[u8]) -> BTreeMap<String, Value> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        let value = if name.ends_with(".json") {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
        } else {
            Value::String(text)
        };
        files.insert(name, value);
    }
    files
}

async fn post(app: &TestApp, client: &Client, path: &str, body: Value) -> Value {
    created(app.post_json(client, path, body).await).await
}

async fn put_ok(app: &TestApp, client: &Client, path: &str, body: Value) {
    let res = client.put(app.url(path)).json(&body).send().await.unwrap();
    assert!(
        res.status().is_success(),
        "PUT {path}: {}",
        res.text().await.unwrap()
    );
}

async fn user_id(app: &TestApp, client: &Client) -> i64 {
    app.get_json(client, "/api/v1/me").await["id"].as_i64().unwrap()
}

/// A topic by `me` with a reply by `other`, and a topic by `other` with a reply by `me`: (mine, their reply,
/// theirs, my reply).
async fn two_threads(
    app: &TestApp,
    me: &Client,
    other: &Client,
    category: i64,
    my_body: &str,
    my_reply_body: &str,
) -> (Value, Value, Value, Value) {
    let mine = post(
        app,
        me,
        "/api/v1/topics",
        json!({"category_id": category, "title": "Ride report from the coast", "body": my_body}),
    )
    .await;
    let their_reply = post(
        app,
        other,
        &format!("/api/v1/topics/{}/posts", mine["id"]),
        json!({"body": "Great report, thanks."}),
    )
    .await;
    let theirs = post(
        app,
        other,
        "/api/v1/topics",
        json!({"category_id": category, "title": "Chain wax or oil?", "body": "Which do you use?"}),
    )
    .await;
    let my_reply = post(
        app,
        me,
        &format!("/api/v1/topics/{}/posts", theirs["id"]),
        json!({"body": my_reply_body}),
    )
    .await;
    (mine, their_reply, theirs, my_reply)
}

/// Reputation and account age enough to flag (trust level 1).
async fn make_trusted(app: &TestApp, id: i64) {
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    diesel::sql_query("UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::sql_query(
        "INSERT INTO member_reputation (user_id, points) VALUES ($1, 50)
         ON CONFLICT (user_id) DO UPDATE SET points = 50",
    )
    .bind::<BigInt, _>(id)
    .execute(&mut conn)
    .await
    .unwrap();
}

/// The categories questions and ideas go to.
async fn boards(app: &TestApp, admin: &Client) {
    for (slug, name) in [("questions", "Questions"), ("ideas", "Ideas")] {
        post(
            app,
            admin,
            "/api/v1/categories",
            json!({"slug": slug, "name": name}),
        )
        .await;
    }
}

/// The e-mailed export link, pointed at the test server.
async fn export_link(app: &TestApp, address: &str) -> String {
    let mail = app
        .smtp
        .wait_for(address, "data is ready to download", Duration::from_secs(20))
        .await;
    mail.link(LINK_PREFIX).replace("http://hearth.test", &app.address)
}

#[tokio::test]
async fn an_export_holds_each_kind_of_the_members_data_and_its_link_works_once_for_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let general = app.general_category(&admin).await;
    boards(&app, &admin).await;
    let product = post(
        &app,
        &admin,
        "/api/v1/products",
        json!({"name": "Lumen Lamp", "slug": "lumen-lamp"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let other = app.member("bystander", 3, vec![]).await;
    let theirs = post(
        &app,
        &other,
        "/api/v1/topics",
        json!({"category_id": general, "title": "Bystander's own topic", "body": "bystander-only words here"}),
    )
    .await;
    let their_post = theirs["first_post"]["id"].as_i64().unwrap();
    let their_question = post(
        &app,
        &other,
        "/api/v1/questions",
        json!({"title": "Anybody experience with lamp mounts?", "body": "bystander asks this", "products": [product]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let their_idea = post(
        &app,
        &other,
        "/api/v1/ideas",
        json!({"title": "Bystander idea for lamps", "body": "bystander-only idea"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();

    let me = app.member("exporter", 2, vec![]).await;
    let topic = post(
        &app,
        &me,
        "/api/v1/topics",
        json!({"category_id": general, "title": "Exporter's first topic", "body": "exporter body one"}),
    )
    .await;
    let reply = post(
        &app,
        &me,
        &format!("/api/v1/topics/{}/posts", theirs["id"]),
        json!({"body": "exporter reply text"}),
    )
    .await;
    let res = me
        .patch(app.url(&format!("/api/v1/posts/{}", reply["id"])))
        .json(&json!({"body": "exporter reply edited"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let my_question = post(
        &app,
        &me,
        "/api/v1/questions",
        json!({"title": "Anybody experience with exporter lamps?", "body": "exporter question body", "products": [product]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    post(
        &app,
        &me,
        &format!("/api/v1/questions/{their_question}/answers"),
        json!({"body": "exporter answer body"}),
    )
    .await;
    let their_answer = post(
        &app,
        &other,
        &format!("/api/v1/questions/{my_question}/answers"),
        json!({"body": "bystander answers you"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post_json(
            &me,
            &format!("/api/v1/answers/{their_answer}/vote"),
            json!({"value": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    post(
        &app,
        &me,
        &format!("/api/v1/answers/{their_answer}/comments"),
        json!({"body": "exporter comment body"}),
    )
    .await;
    post(
        &app,
        &me,
        "/api/v1/ideas",
        json!({"title": "Exporter idea title here", "body": "exporter idea body"}),
    )
    .await;
    put_ok(&app, &me, &format!("/api/v1/ideas/{their_idea}/vote"), json!({})).await;
    let my_id = user_id(&app, &me).await;
    make_trusted(&app, my_id).await;
    post(
        &app,
        &me,
        "/api/v1/flags",
        json!({"target_type": "post", "target_id": their_post, "reason": "spam"}),
    )
    .await;
    put_ok(&app, &me, "/api/v1/club/membership", json!({})).await;
    let event = post(
        &app,
        &admin,
        "/api/v1/events",
        json!({"title": "Exporter night ride", "starts_at": "2031-01-01T10:00:00Z", "capacity": 5}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    put_ok(&app, &me, &format!("/api/v1/events/{event}/rsvp"), json!({})).await;
    put_ok(
        &app,
        &me,
        &format!("/api/v1/topics/{}/watch", theirs["id"]),
        json!({}),
    )
    .await;
    let token = post(
        &app,
        &me,
        "/api/v1/tokens",
        json!({"name": "exporter script", "current_password": "exporter passphrase here"}),
    )
    .await;
    let secret = token["token"].as_str().unwrap().to_owned();

    // An e-mail of theirs (it belongs in the export's e-mail history).
    let res = app
        .post_json(
            &app.client(),
            "/api/v1/auth/password-reset",
            json!({"email": "exporter@example.com"}),
        )
        .await;
    assert!(res.status().is_success());
    app.smtp
        .wait_for("exporter@example.com", "password", Duration::from_secs(10))
        .await;

    // Asked for: being built, and only one a day.
    let res = me.post(app.url("/api/v1/me/export")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let asked: Value = res.json().await.unwrap();
    assert_eq!(asked["state"], "pending");
    let res = me.post(app.url("/api/v1/me/export")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 23 * 3600 && wait <= 24 * 3600, "{wait}");

    let link = export_link(&app, "exporter@example.com").await;
    let state = app.get_json(&me, "/api/v1/me/export").await;
    assert_eq!(state["state"], "ready", "{state}");

    // The link is for this member: nobody else, and a stranger is asked to log in first.
    let res = other.get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.client().get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=%2Fsettings%2Fexport%2F")
    );
    // A link whose expiry was changed is refused.
    let forged = link.replace("expires=", "expires=1");
    assert_eq!(
        me.get(&forged).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    let res = me.get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"exporter-data-")
    );
    let bytes = res.bytes().await.unwrap();
    let files = unzip(&bytes);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for expected in [
        "README.txt",
        "answers.json",
        "club.json",
        "comments.json",
        "emails.json",
        "flags.json",
        "idea_votes.json",
        "ideas.json",
        "moderation.json",
        "notifications.json",
        "posts.json",
        "preferences.json",
        "profile.json",
        "questions.json",
        "sessions.json",
        "tokens.json",
        "topics.json",
        "votes.json",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    assert_eq!(files["profile.json"]["email"], "exporter@example.com");
    assert_eq!(files["profile.json"]["username"], "exporter");
    let topics = files["topics.json"].as_array().unwrap();
    assert!(topics.iter().any(|t| t["id"] == topic["id"]), "{topics:?}");
    let posts = files["posts.json"].as_array().unwrap();
    let edited = posts.iter().find(|p| p["id"] == reply["id"]).unwrap();
    assert_eq!(edited["body"], "exporter reply edited");
    assert_eq!(edited["revisions"][0]["body"], "exporter reply text");
    assert_eq!(files["questions.json"][0]["id"], my_question);
    assert_eq!(files["questions.json"][0]["products"], json!(["lumen-lamp"]));
    assert_eq!(files["answers.json"][0]["body"], "exporter answer body");
    assert_eq!(files["votes.json"][0]["answer_id"], their_answer);
    assert_eq!(files["ideas.json"][0]["title"], "Exporter idea title here");
    assert_eq!(files["idea_votes.json"]["votes"][0]["idea_id"], their_idea);
    assert_eq!(files["comments.json"][0]["body"], "exporter comment body");
    assert_eq!(files["flags.json"][0]["post_id"], their_post);
    assert!(files["club.json"]["membership"]["joined_at"].is_string());
    assert_eq!(files["club.json"]["rsvps"][0]["event_id"], event);
    assert_eq!(files["club.json"]["rsvps"][0]["status"], "going");
    assert!(
        files["preferences.json"]["watched_topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["topic_id"] == theirs["id"]),
        "{}",
        files["preferences.json"]
    );
    assert!(
        files["notifications.json"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "qa.answer"),
        "{}",
        files["notifications.json"]
    );
    assert!(!files["sessions.json"].as_array().unwrap().is_empty());
    assert_eq!(files["tokens.json"][0]["name"], "exporter script");
    assert!(
        files["emails.json"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "password_reset"),
        "{}",
        files["emails.json"]
    );

    // Nothing of anyone else's, and no secret.
    let everything: String = files.values().map(Value::to_string).collect();
    for foreign in [
        "bystander-only words",
        "bystander-only idea",
        "bystander@example.com",
        "bystander answers you",
    ] {
        assert!(!everything.contains(foreign), "the export holds {foreign:?}");
    }
    assert!(
        !everything.contains(&secret),
        "the export holds the token's secret"
    );

    // Once: the second download is gone.
    let res = me.get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    let state = app.get_json(&me, "/api/v1/me/export").await;
    assert_eq!(state["state"], "downloaded");

    // A day later another export may be asked for; its link stops working when it expires.
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    diesel::sql_query("UPDATE data_exports SET requested_at = now() - interval '25 hours'")
        .execute(&mut conn)
        .await
        .unwrap();
    let res = me.post(app.url("/api/v1/me/export")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let second: Value = res.json().await.unwrap();
    let id = second["id"].as_i64().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.get_json(&me, "/api/v1/me/export").await["state"] != "ready" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second export was not built"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let me_id = my_id;
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let expired = domain::privacy::download_path(&app.hearth, id, domain::ids::UserId(me_id), past);
    let res = me.get(app.url(&expired)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("expired"));
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every (table, column) of the schema that holds text (text, varchar, arrays of them, JSON) and contains any
/// of `needles`, case-insensitively.
async fn columns_holding(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_\\_%'
           AND (data_type IN ('text', 'character varying', 'jsonb', 'json')
                OR (data_type = 'ARRAY' AND udt_name IN ('_text', '_varchar')))
         ORDER BY 1, 2",
    )
    .load(&mut conn)
    .await
    .unwrap();
    assert!(
        columns.len() > 100,
        "the scan sees every text column ({})",
        columns.len()
    );
    let mut found = Vec::new();
    for c in columns {
        for needle in needles {
            let count: Count = diesel::sql_query(format!(
                "SELECT count(*) AS n FROM \"{}\" WHERE \"{}\"::text ILIKE '%' || $1 || '%'",
                c.table_name, c.column_name
            ))
            .bind::<Text, _>(*needle)
            .get_result(&mut conn)
            .await
            .unwrap();
            if count.n > 0 {
                found.push(format!("{}.{} holds {needle:?}", c.table_name, c.column_name));
            }
        }
    }
    found
}

async fn count(app: &TestApp, sql: &str, user: i64) -> i64 {
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    let c: Count = diesel::sql_query(sql)
        .bind::<BigInt, _>(user)
        .get_result(&mut conn)
        .await
        .unwrap();
    c.n
}

/// Ends the grace period of every pending deletion and runs the worker's step.
async fn grace_over(app: &TestApp) -> usize {
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    diesel::sql_query(
        "UPDATE users SET deletion_due_at = now() - interval '1 second' WHERE deletion_due_at IS NOT NULL",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    domain::privacy::erase_due(&app.hearth).await.unwrap()
}

#[tokio::test]
async fn logging_in_during_the_grace_period_cancels_a_deletion_and_restores_everything() {
    let app = TestApp::spawn().await;
    let me = app.member("wavering", 2, vec![]).await;
    let token = post(
        &app,
        &me,
        "/api/v1/tokens",
        json!({"name": "script", "current_password": "wavering passphrase here"}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = |c: &Client| c.get(app.url("/api/v1/me")).bearer_auth(&token).send();

    // A wrong password changes nothing.
    let res = me
        .delete(app.url("/api/v1/me"))
        .json(&json!({"password": "not my password at all"}))
        .send()
        .await
        .unwrap();
    let (status, code, body) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    assert!(body["error"]["fields"]["password"].is_string(), "{body}");
    assert_eq!(
        me.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Nor can a token delete the account.
    let res = app
        .client()
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .json(&json!({"password": "wavering passphrase here"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = me
        .delete(app.url("/api/v1/me"))
        .json(&json!({"password": "wavering passphrase here"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let scheduled: Value = res.json().await.unwrap();
    let due: chrono::DateTime<chrono::Utc> = scheduled["deletion_due_at"].as_str().unwrap().parse().unwrap();
    let days = (due - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "{days} hours");
    app.smtp
        .wait_for(
            "wavering@example.com",
            "will be deleted on",
            Duration::from_secs(10),
        )
        .await;
    // Logged out everywhere; the token rests.
    assert_eq!(
        me.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        bearer(&app.client()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // Logging in cancels it: the account, its token and its data are as they were.
    let again = app.logged_in("wavering", "wavering passphrase here").await;
    app.smtp
        .wait_for(
            "wavering@example.com",
            "will not be deleted",
            Duration::from_secs(10),
        )
        .await;
    let me_now = app.get_json(&again, "/api/v1/me").await;
    assert_eq!(me_now["username"], "wavering");
    assert_eq!(me_now["email"], "wavering@example.com");
    assert_eq!(bearer(&app.client()).await.unwrap().status(), StatusCode::OK);
    let id = me_now["id"].as_i64().unwrap();
    assert!(
        domain::privacy::pending_deletion(&app.hearth, domain::ids::UserId(id))
            .await
            .unwrap()
            .is_none()
    );
    // Nothing is due any more.
    assert_eq!(grace_over(&app).await, 0);
    assert_eq!(app.get_json(&again, "/api/v1/me").await["username"], "wavering");
}

#[tokio::test]
async fn after_the_grace_period_no_personal_data_is_left_and_the_address_is_free() {
    let app = TestApp::spawn_with_vars(
        common::Options {
            smtp_port: None,
            page_cache_seconds: 0,
        },
        &[("HEARTH_WEBHOOKS_ALLOW_LOOPBACK", "1")],
    )
    .await;
    let admin = app.admin().await;
    let general = app.general_category(&admin).await;
    boards(&app, &admin).await;
    // A webhook endpoint that may receive addresses: its outbox copies of the member must go too.
    post(
        &app,
        &admin,
        "/api/v1/webhooks",
        json!({"url": "http://127.0.0.1:9/crm", "include_emails": true}),
    )
    .await;
    let me = app.member("quixote_leaver", 2, vec![]).await;
    let me_id = user_id(&app, &me).await;
    let res = me
        .patch(app.url("/api/v1/me"))
        .json(&json!({"display_name": "Zebulon Quixote", "bio": "Rides a tandem to Ypres"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let other = app.member("stays_around", 3, vec![]).await;
    let waiting = app.member("waits_for_seat", 4, vec![]).await;
    let product = post(
        &app,
        &admin,
        "/api/v1/products",
        json!({"name": "Tandem", "slug": "tandem"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    put_ok(
        &app,
        &me,
        "/api/v1/me/products",
        json!({"product_ids": [product], "ask_me": true}),
    )
    .await;
    // Roles changed by an admin leave an audit entry naming the member.
    put_ok(
        &app,
        &admin,
        &format!("/api/v1/users/{me_id}/access"),
        json!({"roles": [], "partner_label": "Quixote Cycles", "reason": "partner"}),
    )
    .await;

    let (mine, their_reply, theirs, my_reply) = two_threads(
        &app,
        &me,
        &other,
        general,
        "Windy but fine.",
        "Wax, every 300 km.",
    )
    .await;
    let idea = post(
        &app,
        &other,
        "/api/v1/ideas",
        json!({"title": "Tandem-friendly bike racks", "body": "Longer racks."}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    put_ok(&app, &me, &format!("/api/v1/ideas/{idea}/vote"), json!({})).await;
    make_trusted(&app, me_id).await;
    post(
        &app,
        &me,
        "/api/v1/flags",
        json!({"target_type": "post", "target_id": their_reply["id"], "reason": "other", "note": "Zebulon thinks this is off"}),
    )
    .await;
    put_ok(
        &app,
        &me,
        &format!("/api/v1/topics/{}/watch", theirs["id"]),
        json!({}),
    )
    .await;
    put_ok(&app, &me, "/api/v1/club/membership", json!({})).await;
    put_ok(&app, &waiting, "/api/v1/club/membership", json!({})).await;
    let event = post(
        &app,
        &admin,
        "/api/v1/events",
        json!({"title": "Coast ride", "starts_at": "2031-01-01T10:00:00Z", "capacity": 1}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    put_ok(&app, &me, &format!("/api/v1/events/{event}/rsvp"), json!({})).await;
    put_ok(&app, &waiting, &format!("/api/v1/events/{event}/rsvp"), json!({})).await;
    post(
        &app,
        &me,
        "/api/v1/tokens",
        json!({"name": "quixote script", "current_password": "quixote_leaver passphrase here"}),
    )
    .await;
    let res = me.post(app.url("/api/v1/me/export")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    export_link(&app, "quixote_leaver@example.com").await;

    let res = me
        .delete(app.url("/api/v1/me"))
        .json(&json!({"password": "quixote_leaver passphrase here"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // Before the grace period ends nothing is anonymised.
    assert_eq!(domain::privacy::erase_due(&app.hearth).await.unwrap(), 0);
    assert_eq!(grace_over(&app).await, 1);

    // No column of any table holds their name, address or profile any more.
    let needles = [
        "quixote_leaver",
        "Zebulon Quixote",
        "Rides a tandem to Ypres",
        "Quixote Cycles",
        "Zebulon thinks",
    ];
    let left = columns_holding(&app, &needles).await;
    assert!(left.is_empty(), "personal data left behind: {left:#?}");
    // The account row itself, column by column.
    let profile = app
        .get_json(&app.client(), &format!("/api/v1/users/former_{me_id}"))
        .await;
    assert_eq!(profile["display_name"], format!("Former member {me_id}"));
    assert_eq!(profile["bio"], "");
    assert!(profile["partner_label"].is_null());
    for (what, sql) in [
        (
            "a real address",
            "SELECT count(*) AS n FROM users WHERE id = $1 AND email <> 'deleted-' || id || '@invalid'",
        ),
        (
            "a password",
            "SELECT count(*) AS n FROM users WHERE id = $1 AND password_hash <> ''",
        ),
        (
            "roles",
            "SELECT count(*) AS n FROM users WHERE id = $1 AND roles <> '{}'",
        ),
        (
            "a deletion time",
            "SELECT count(*) AS n FROM users WHERE id = $1 AND deleted_at IS NULL",
        ),
        (
            "tokens",
            "SELECT count(*) AS n FROM api_tokens WHERE user_id = $1",
        ),
        (
            "e-mail tokens",
            "SELECT count(*) AS n FROM email_tokens WHERE user_id = $1",
        ),
        (
            "preferences",
            "SELECT count(*) AS n FROM notification_preferences WHERE user_id = $1",
        ),
        (
            "notifications",
            "SELECT count(*) AS n FROM notifications WHERE user_id = $1",
        ),
        (
            "watches",
            "SELECT count(*) AS n FROM topic_watches WHERE user_id = $1",
        ),
        (
            "read state",
            "SELECT count(*) AS n FROM topic_reads WHERE user_id = $1",
        ),
        (
            "owned products",
            "SELECT count(*) AS n FROM product_owners WHERE user_id = $1",
        ),
        (
            "club membership",
            "SELECT count(*) AS n FROM club_members WHERE user_id = $1",
        ),
        (
            "seats",
            "SELECT count(*) AS n FROM event_rsvps WHERE user_id = $1",
        ),
        (
            "exports",
            "SELECT count(*) AS n FROM data_exports WHERE user_id = $1",
        ),
    ] {
        assert_eq!(count(&app, sql, me_id).await, 0, "the account still has {what}");
    }
    // The company's systems are told, by id and pseudonym only.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM webhook_events WHERE event_type = 'member.deleted'
               AND (data->>'id')::bigint = $1 AND data->>'username' = 'former_' || $1",
            me_id
        )
        .await,
        1
    );
    // Sessions are gone from Redis.
    assert!(
        domain::accounts::sessions::list(app.hearth.kv(), domain::ids::UserId(me_id))
            .await
            .unwrap()
            .is_empty()
    );

    // Other members' threads are whole: the member's posts stay, under the pseudonym; the vote still counts;
    // their seat went to the member waiting.
    let posts = app
        .get_json(&other, &format!("/api/v1/topics/{}/posts", mine["id"]))
        .await;
    let items = posts["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{posts}");
    assert_eq!(items[0]["author"]["username"], format!("former_{me_id}"));
    assert_eq!(items[1]["id"], their_reply["id"]);
    let posts = app
        .get_json(&other, &format!("/api/v1/topics/{}/posts", theirs["id"]))
        .await;
    assert!(
        posts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == my_reply["id"])
    );
    assert_eq!(
        app.get_json(&other, &format!("/api/v1/ideas/{idea}")).await["votes"],
        1
    );
    let seat = app.get_json(&waiting, &format!("/api/v1/events/{event}")).await;
    assert_eq!(seat["going"], 1, "{seat}");
    assert_eq!(seat["rsvp"]["status"], "going", "{seat}");

    // The old credentials are dead, and the address (and the name) can sign up again.
    let res = app
        .post_json(
            &app.client_from("127.0.0.9"),
            "/api/v1/auth/login",
            json!({"login": "quixote_leaver@example.com", "password": "quixote_leaver passphrase here"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    app.verified_member("quixote_leaver").await;
    let fresh = app
        .logged_in("quixote_leaver@example.com", "quixote_leaver has a passphrase")
        .await;
    let fresh_me = app.get_json(&fresh, "/api/v1/me").await;
    assert_ne!(fresh_me["id"], me_id);
}

#[tokio::test]
async fn removing_content_takes_the_members_replies_and_keeps_their_topics_replies() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let general = app.general_category(&admin).await;
    let me = app.member("wipes_posts", 2, vec![]).await;
    let me_id = user_id(&app, &me).await;
    let other = app.member("keeps_posting", 3, vec![]).await;
    let (mine, their_reply, theirs, my_reply) = two_threads(
        &app,
        &me,
        &other,
        general,
        "studded tyres and wool",
        "wipeable reply words",
    )
    .await;
    let res = me
        .patch(app.url(&format!("/api/v1/posts/{}", my_reply["id"])))
        .json(&json!({"body": "wipeable reply words, edited"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = me
        .delete(app.url("/api/v1/me"))
        .json(&json!({"password": "wipes_posts passphrase here", "remove_content": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(grace_over(&app).await, 1);

    // Their reply is gone from the other member's topic (and from its count).
    let posts = app
        .get_json(&other, &format!("/api/v1/topics/{}/posts", theirs["id"]))
        .await;
    let items = posts["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{posts}");
    assert_eq!(
        app.get_json(&other, &format!("/api/v1/topics/{}", theirs["id"]))
            .await["reply_count"],
        0
    );
    // Their topic stays with its replies; its first post says it was removed.
    let posts = app
        .get_json(&other, &format!("/api/v1/topics/{}/posts", mine["id"]))
        .await;
    let items = posts["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{posts}");
    assert!(
        items[0]["body_html"]
            .as_str()
            .unwrap()
            .contains("removed by its author")
    );
    assert_eq!(items[1]["id"], their_reply["id"]);
    // No word of what they wrote is left, earlier versions included.
    let left = columns_holding(&app, &["wipeable reply words", "studded tyres and wool"]).await;
    assert!(left.is_empty(), "{left:#?}");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM post_revisions r JOIN posts p ON p.id = r.post_id WHERE p.author_id = $1",
            me_id
        )
        .await,
        0
    );
}

#[tokio::test]
async fn an_admin_anonymises_a_member_at_once_and_the_audit_log_names_only_the_pseudonym() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let target = app.member("troubled_one", 2, vec![]).await;
    let target_id = user_id(&app, &target).await;
    let bystander = app.member("just_watching", 3, vec![]).await;

    let res = app
        .post_json(
            &bystander,
            &format!("/api/v1/users/{target_id}/anonymise"),
            json!({"reason": "asked by e-mail"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post_json(
            &admin,
            "/api/v1/users/999999/anonymise",
            json!({"reason": "asked by e-mail"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = app
        .post_json(
            &admin,
            &format!("/api/v1/users/{target_id}/anonymise"),
            json!({"reason": "asked by e-mail"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["username"], format!("former_{target_id}"));
    // Signed out at once; a second time is a conflict.
    assert_eq!(
        target.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .post_json(
            &admin,
            &format!("/api/v1/users/{target_id}/anonymise"),
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let audit = app
        .get_json(&admin, "/api/v1/moderation/audit?action=member.anonymise")
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["target_id"], target_id, "{audit}");
    assert_eq!(entry["reason"], "asked by e-mail");
    assert!(columns_holding(&app, &["troubled_one"]).await.is_empty());
    // Deleted members' names are reserved: nobody can sign up as one.
    let res = app
        .post_json(
            &app.client(),
            "/api/v1/auth/signup",
            json!({"email": "new@example.com", "username": "former_1", "password": "a brand new passphrase", "accept_policy": true}),
        )
        .await;
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["username"].is_string(), "{body}");
}
