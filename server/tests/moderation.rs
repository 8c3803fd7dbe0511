//! Moderation and listening over HTTP: held posts and the queue, flags, sanctions, the policy gate, appeals,
//! rules, the audit log, merging topics, the staff inbox — with their permissions and errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use domain::accounts::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn topic(app: &TestApp, who: &Client, category: i64, title: &str, body: &str) -> Value {
    let res = app
        .post_json(
            who,
            "/api/v1/topics",
            json!({"category_id": category, "title": title, "body": body}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn reply(app: &TestApp, who: &Client, topic: i64, body: &str) -> reqwest::Response {
    app.post_json(
        who,
        &format!("/api/v1/topics/{topic}/posts"),
        json!({"body": body}),
    )
    .await
}

async fn post_numbers(app: &TestApp, who: &Client, topic: i64) -> Vec<i64> {
    let page = app.get_json(who, &format!("/api/v1/topics/{topic}/posts")).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["post_number"].as_i64().unwrap())
        .collect()
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    domain::schema::users::table
        .filter(domain::schema::users::username.eq(name))
        .select(domain::schema::users::id)
        .first::<i64>(&mut conn)
        .await
        .unwrap()
}

/// Reputation and account age enough to flag (trust level 1).
async fn make_trusted(app: &TestApp, name: &str) {
    let id = user_id(app, name).await;
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    diesel::sql_query("UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1")
        .bind::<diesel::sql_types::BigInt, _>(id)
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::sql_query("INSERT INTO member_reputation (user_id, points) VALUES ($1, 50)")
        .bind::<diesel::sql_types::BigInt, _>(id)
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn held_posts_the_queue_flags_and_appeals_over_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.member("mona", 2, vec![Role::Moderator]).await;
    let member = app.member("newbie", 3, vec![]).await;
    let other = app.member("reader", 4, vec![]).await;
    let cat = app.general_category(&admin).await;
    let t = topic(
        &app,
        &admin,
        cat,
        "Welcome to the community",
        "Say hello and tell us what you ride.",
    )
    .await;
    let t = t["id"].as_i64().unwrap();

    // A new member's "good post" is held, with the reason; only they (and moderators) see it.
    let res = reply(&app, &member, t, "good post").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let held: Value = res.json().await.unwrap();
    assert_eq!(held["status"], "pending");
    assert!(
        held["held_reason"]
            .as_str()
            .unwrap()
            .contains("only says “good post”"),
        "{held}"
    );
    let number = held["post_number"].as_i64().unwrap();
    assert!(post_numbers(&app, &member, t).await.contains(&number));
    assert!(!post_numbers(&app, &other, t).await.contains(&number));
    assert!(!post_numbers(&app, &app.client(), t).await.contains(&number));

    // The queue: moderators only, filterable, with the author's history.
    let (status, _, _) = error_code(
        app.client()
            .get(app.url("/api/v1/moderation/queue"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = error_code(
        member
            .get(app.url("/api/v1/moderation/queue"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, code, body) = error_code(
        moderator
            .get(app.url("/api/v1/moderation/queue?kind=nonsense"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{body}"
    );
    let queue = app
        .get_json(&moderator, "/api/v1/moderation/queue?kind=held&type=reply")
        .await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1, "{queue}");
    let item = &queue["items"][0];
    assert_eq!(item["reason"], "too_brief");
    assert_eq!(item["author"]["username"], "newbie");
    assert_eq!(item["author"]["published_posts"], 0);
    let item_id = item["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &member,
            &format!("/api/v1/moderation/queue/{item_id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{item_id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{item_id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "handled once");
    assert!(
        post_numbers(&app, &other, t).await.contains(&number),
        "approved: visible to all"
    );

    // Flags: new members cannot; trusted members can, once each; the threshold hides.
    let target = reply(
        &app,
        &other,
        t,
        "Cheapest bikes in town at my shop, come by today!",
    )
    .await;
    let target: Value = target.json().await.unwrap();
    let target_id = target["id"].as_i64().unwrap();
    let (status, _, body) = error_code(
        app.post_json(
            &member,
            "/api/v1/flags",
            json!({"target_type": "post", "target_id": target_id, "reason": "spam"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let mut flaggers = Vec::new();
    for (i, name) in ["flag_a", "flag_b", "flag_c"].iter().enumerate() {
        let c = app.member(name, 10 + i as u8, vec![]).await;
        make_trusted(&app, name).await;
        flaggers.push(c);
    }
    let (status, _, body) = error_code(
        app.post_json(
            &flaggers[0],
            "/api/v1/flags",
            json!({"target_type": "post", "target_id": target_id, "reason": "rude"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["reason"].is_string(), "{body}");
    let res = app
        .post_json(
            &flaggers[0],
            "/api/v1/flags",
            json!({"target_type": "post", "target_id": target_id, "reason": "spam"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(
            &flaggers[0],
            "/api/v1/flags",
            json!({"target_type": "post", "target_id": target_id, "reason": "spam"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "a repeated flag changes nothing");
    for f in &flaggers[1..] {
        let res = app
            .post_json(
                f,
                "/api/v1/flags",
                json!({"target_type": "post", "target_id": target_id, "reason": "spam"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let hidden_number = target["post_number"].as_i64().unwrap();
    assert!(
        !post_numbers(&app, &member, t).await.contains(&hidden_number),
        "hidden at weight 3"
    );
    let queue = app
        .get_json(&moderator, "/api/v1/moderation/queue?kind=flagged")
        .await;
    let flagged = &queue["items"][0];
    assert_eq!(flagged["flags"].as_array().unwrap().len(), 3);
    let (status, _, body) = error_code(
        app.post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{}/reject", flagged["id"]),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a reason is required");
    assert!(body["error"]["fields"]["reason"].is_string());
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/moderation/queue/{}/reject", flagged["id"]),
            json!({"reason": "Advertising"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // The author appeals once; the appeal lands in the queue.
    let res = app
        .post_json(
            &other,
            &format!("/api/v1/posts/{target_id}/appeal"),
            json!({"body": "It is a repair shop, not an ad."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(
            &other,
            &format!("/api/v1/posts/{target_id}/appeal"),
            json!({"body": "Please, once more, look again."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let queue = app
        .get_json(&moderator, "/api/v1/moderation/queue?kind=appeal")
        .await;
    assert_eq!(queue["items"][0]["appeal"], "It is a repair shop, not an ad.");

    // The audit log has every decision; it is for the team.
    let audit = app
        .get_json(&moderator, "/api/v1/moderation/audit?action=queue.")
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"queue.approve.held") && actions.contains(&"queue.reject.flagged"),
        "{actions:?}"
    );
    let (status, _, _) = error_code(
        member
            .get(app.url("/api/v1/moderation/audit"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sanctions_policy_rules_merge_and_the_staff_inbox_over_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.member("mona", 2, vec![Role::Moderator]).await;
    let staff = app.member("sam", 3, vec![Role::Staff]).await;
    let member = app.member("rider", 4, vec![]).await;
    let cat = app.general_category(&admin).await;
    let t = topic(
        &app,
        &staff,
        cat,
        "Battery questions here",
        "Ask about range, charging and care.",
    )
    .await;
    let t = t["id"].as_i64().unwrap();
    let rider = user_id(&app, "rider").await;

    // Suspension: reading works, posting does not.
    let (status, _, body) = error_code(
        app.post_json(
            &moderator,
            &format!("/api/v1/users/{rider}/suspend"),
            json!({"until": "yesterday", "reason": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["until"].is_string(), "{body}");
    let res = app
        .post_json(
            &member,
            &format!("/api/v1/users/{rider}/suspend"),
            json!({"until": "2099-01-01", "reason": "self"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/users/{rider}/suspend"),
            json!({"until": "2099-01-01", "reason": "Insults"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _, body) =
        error_code(reply(&app, &member, t, "Trying to post while suspended.").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("suspended until"),
        "{body}"
    );
    assert_eq!(
        app.get_json(&member, &format!("/api/v1/topics/{t}")).await["id"],
        t,
        "reading works"
    );
    let res = app
        .post_json(&moderator, &format!("/api/v1/users/{rider}/unsuspend"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        reply(&app, &member, t, "Back and posting about my battery range.")
            .await
            .status(),
        StatusCode::CREATED
    );

    // A new policy version: members accept it before their next post.
    let res = app
        .post_json(
            &admin,
            "/api/v1/policy",
            json!({"title": "Acceptable use policy", "body": "Be kind, stay on topic, no ads. Version 2."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, _, body) =
        error_code(reply(&app, &member, t, "Posting before accepting version two.").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("/policy"),
        "{body}"
    );
    let accepted: Value = app
        .post_json(&member, "/api/v1/policy/accept", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accepted["accepted_version"], 2);
    for who in [&admin, &staff, &moderator] {
        app.post_json(who, "/api/v1/policy/accept", json!({})).await;
    }

    // Rules: admins change them (field errors for nonsense), moderators read them.
    let rules = app.get_json(&moderator, "/api/v1/moderation/rules").await;
    assert_eq!(rules["link_limit"]["max_links"], 1, "{rules}");
    let (status, _, body) = error_code(
        app.client()
            .put(app.url("/api/v1/moderation/rules"))
            .json(&json!({"inbox": {"unanswered_hours": 0}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, body) = error_code(
        admin
            .put(app.url("/api/v1/moderation/rules"))
            .json(&json!({"inbox": {"unanswered_hours": 0}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["inbox.unanswered_hours"].is_string(),
        "{body}"
    );
    let mut changed = rules.clone();
    changed["words"]["blocked"] = json!(["scamcoin"]);
    let res = admin
        .put(app.url("/api/v1/moderation/rules"))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _, body) = error_code(reply(&app, &member, t, "Everyone buy scamcoin now!").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["body"]
            .as_str()
            .unwrap()
            .contains("scamcoin"),
        "{body}"
    );

    // The staff inbox: a detractor post enters, a staff reply answers it.
    let res = reply(
        &app,
        &member,
        t,
        "This is terrible. The battery died after two days and support is useless, I hate it.",
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, _, _) = error_code(member.get(app.url("/api/v1/staff/inbox")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let inbox = app.get_json(&staff, "/api/v1/staff/inbox").await;
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{inbox}");
    assert_eq!(items[0]["kind"], "detractor");
    assert!(items[0]["sentiment"].as_f64().unwrap() < -0.5);
    let item = items[0]["id"].as_i64().unwrap();
    let res = app
        .post_json(&staff, &format!("/api/v1/staff/inbox/{item}/assign"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Staff hand items to each other (a body naming the assignee); the inbox says who holds what.
    let assign = app.url(&format!("/api/v1/staff/inbox/{item}/assign"));
    let res = app
        .post_json(
            &staff,
            &format!("/api/v1/staff/inbox/{item}/assign"),
            json!({"to": "the_admin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let held = app
        .get_json(&staff, "/api/v1/staff/inbox?assignee=the_admin")
        .await;
    assert_eq!(held["items"][0]["assigned_to"], "the_admin", "{held}");
    assert!(
        held["holders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["username"] == "the_admin" && h["holding"] == 1),
        "{held}"
    );
    let (status, _, body) = error_code(
        app.post_json(
            &staff,
            &format!("/api/v1/staff/inbox/{item}/assign"),
            json!({"to": "rider"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["to"].is_string(), "{body}");
    // Without a body (as before): to oneself.
    assert_eq!(staff.post(&assign).send().await.unwrap().status(), StatusCode::OK);
    let mine = app.get_json(&staff, "/api/v1/staff/inbox?assignee=me").await;
    assert_eq!(mine["items"][0]["assigned_to"], "sam", "{mine}");
    let page = staff
        .get(app.url("/staff/inbox"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Who holds what") && page.contains("name=\"to\""),
        "the page offers any staff member"
    );
    assert_eq!(
        reply(
            &app,
            &staff,
            t,
            "So sorry! We are sending a replacement battery today."
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let times: Value = app
        .post_json(&staff, &format!("/api/v1/staff/inbox/{item}/handle"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(times["first_response_seconds"].as_i64().unwrap() >= 0, "{times}");
    assert!(times["handled_at"].is_string());
    assert!(
        app.get_json(&staff, "/api/v1/staff/inbox").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Merging: the team folds a duplicate into the original.
    let dup = topic(
        &app,
        &member,
        cat,
        "Battery question duplicate",
        "How far does the battery go in winter?",
    )
    .await;
    let dup = dup["id"].as_i64().unwrap();
    let res = app
        .post_json(
            &member,
            &format!("/api/v1/topics/{dup}/merge"),
            json!({"into_topic_id": t}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/topics/{dup}/merge"),
            json!({"reason": "duplicate"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post_json(
            &moderator,
            &format!("/api/v1/topics/{dup}/merge"),
            json!({"into_topic_id": t, "reason": "duplicate"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let merged = app.get_json(&member, &format!("/api/v1/topics/{t}")).await;
    let bodies: Vec<&str> = merged["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["body_html"].as_str().unwrap())
        .collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("How far does the battery go in winter?")),
        "{bodies:?}"
    );
    let (status, _, _) = error_code(
        app.client()
            .get(app.url(&format!("/api/v1/topics/{dup}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every action is in the audit log, with who and why.
    let audit = app
        .get_json(&moderator, "/api/v1/moderation/audit?actor=mona")
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["member.suspend", "member.unsuspend", "topic.merge"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let suspend = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "member.suspend")
        .unwrap();
    assert_eq!(suspend["reason"], "Insults");
}
