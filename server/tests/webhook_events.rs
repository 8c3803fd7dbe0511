//! Every webhook event type, caused through the public API as members, the team and integrations cause them,
//! reaches a loopback receiver with the fields its payload names; members' e-mail addresses reach only the
//! endpoints allowed to receive them.
//!
//! All 18 subscribable types are caused here: member.created (sign-up, and accounts made as operators make
//! them), topic.created, post.created, question.created, question.answered, answer.accepted, idea.created,
//! idea.status_changed, idea.merged, club.member_joined, club.member_left, event.rsvp_changed,
//! moderation.post_held, moderation.decision (approved and rejected), member.sanctioned,
//! inbox.detractor_detected, inbox.item_handled and mention.created.
//!
//! Other ways to the same types are left out: moderation.post_held for a post hidden by flags (flagging needs
//! trust that only direct database writes give a new member), inbox.detractor_detected for a negative mention,
//! event.rsvp_changed for a member promoted from the waitlist, and topic.created for a held topic a moderator
//! approves.
//!
//! No sleeps: the checks run after the last action's event arrived. An endpoint's deliveries go out one at a
//! time in the order of their events, so by then every earlier event has arrived too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::receiver::Receiver;
use common::{Options, TestApp, created};
use domain::accounts::Role;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// Every type an endpoint can subscribe to.
const ALL_TYPES: [&str; 18] = [
    "member.created",
    "topic.created",
    "post.created",
    "question.created",
    "question.answered",
    "answer.accepted",
    "idea.created",
    "idea.status_changed",
    "idea.merged",
    "club.member_joined",
    "club.member_left",
    "event.rsvp_changed",
    "moderation.post_held",
    "moderation.decision",
    "member.sanctioned",
    "inbox.detractor_detected",
    "inbox.item_handled",
    "mention.created",
];

/// Clearly negative (VADER well below -0.5): a member's post like this enters the staff inbox.
const DETRACTOR: &str =
    "This is terrible. The battery died after two days and support is useless, I hate it.";

/// An app whose webhooks may reach loopback receivers, retrying after a second.
async fn spawn() -> TestApp {
    TestApp::spawn_with_vars(
        Options {
            smtp_port: None,
            page_cache_seconds: 0,
        },
        &[
            ("HEARTH_WEBHOOKS_ALLOW_LOOPBACK", "true"),
            ("HEARTH_WEBHOOK_RETRY_SECONDS", "1,1,1"),
        ],
    )
    .await
}

/// Registers an endpoint for `receiver` (as an admin).
async fn endpoint(
    app: &TestApp,
    admin: &Client,
    receiver: &Receiver,
    types: Value,
    include_emails: bool,
) -> Value {
    let hook = created(
        app.post_json(
            admin,
            "/api/v1/webhooks",
            json!({"url": receiver.url("/hook"), "event_types": types, "include_emails": include_emails}),
        )
        .await,
    )
    .await;
    assert!(hook["secret"].as_str().unwrap().starts_with("whsec_"), "{hook}");
    assert_eq!(hook["include_emails"], include_emails, "{hook}");
    assert_eq!(hook["event_types"], types, "{hook}");
    assert_eq!(hook["active"], true, "{hook}");
    hook
}

/// The JSON body of a `200 OK` response (any other status fails the test, showing the body).
async fn ok(res: Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// A member's id, from their public profile.
async fn user_id(app: &TestApp, username: &str) -> i64 {
    let profile = app
        .get_json(&app.client(), &format!("/api/v1/users/{username}"))
        .await;
    profile["id"].as_i64().unwrap_or_else(|| panic!("{profile}"))
}

/// The open held queue item of a post.
async fn held_item(app: &TestApp, moderator: &Client, post_id: i64) -> i64 {
    let queue = app
        .get_json(moderator, "/api/v1/moderation/queue?kind=held")
        .await;
    let item = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["post_id"] == post_id)
        .unwrap_or_else(|| panic!("post {post_id} is not held: {queue}"));
    item["id"].as_i64().unwrap()
}

/// The payloads of this type the receiver got, each delivery once (a retry has the same `webhook-id`).
fn payloads(receiver: &Receiver, event_type: &str) -> Vec<Value> {
    let mut seen = HashSet::new();
    receiver
        .of_type(event_type)
        .into_iter()
        .filter(|r| seen.insert(r.header("webhook-id").unwrap_or_default().to_owned()))
        .map(|r| r.json())
        .collect()
}

/// The `data` of the delivered event of this type that `pick` chooses.
async fn data_of(receiver: &Receiver, event_type: &str, pick: impl Fn(&Value) -> bool) -> Value {
    receiver.wait_for_type(event_type, WAIT).await;
    let all = payloads(receiver, event_type);
    all.iter()
        .map(|p| &p["data"])
        .find(|d| pick(d))
        .cloned()
        .unwrap_or_else(|| panic!("no such {event_type} among {all:?}"))
}

/// Whether an `email` key appears anywhere in the value.
fn has_email_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("email") || map.values().any(has_email_key),
        Value::Array(items) => items.iter().any(has_email_key),
        _ => false,
    }
}

#[tokio::test]
async fn every_event_type_reaches_the_endpoint_with_its_data() {
    let app = spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::start().await;
    endpoint(&app, &admin, &receiver, json!([]), true).await;

    // The cast, made after the endpoint (each account is a member.created), each from its own address.
    let mona = app.member("mona", 2, vec![Role::Moderator]).await;
    let sam = app.member("sam", 3, vec![Role::Staff]).await;
    let pia = app.member("pia", 4, vec![Role::Product]).await;
    let rider = app.member("rider", 5, vec![]).await;
    let fan = app.member("fan", 6, vec![]).await;
    let owner = app.member("owner", 7, vec![]).await;
    // And one who signs up through the API.
    let password = app.verified_member("newbie").await;
    let newbie = app.logged_in("newbie", &password).await;
    let mona_id = user_id(&app, "mona").await;
    let sam_id = user_id(&app, "sam").await;
    let pia_id = user_id(&app, "pia").await;
    let rider_id = user_id(&app, "rider").await;

    // What the community needs first (none of it is an event).
    let general = app.general_category(&admin).await;
    for (slug, name) in [("questions", "Questions"), ("ideas", "Ideas")] {
        created(
            app.post_json(&admin, "/api/v1/categories", json!({"slug": slug, "name": name}))
                .await,
        )
        .await;
    }
    let product = created(
        app.post_json(
            &admin,
            "/api/v1/products",
            json!({"name": "Lumen X2", "slug": "lumen-x2"}),
        )
        .await,
    )
    .await;
    let product_id = product["id"].as_i64().unwrap();
    created(
        app.post_json(
            &admin,
            "/api/v1/club/tiers",
            json!({"slug": "fan", "name": "Fan", "rank": 10, "min_reputation": 0}),
        )
        .await,
    )
    .await;

    // A topic and a reply.
    let topic_body = "Share your favourite routes for wet days.";
    let topic = created(
        app.post_json(
            &rider,
            "/api/v1/topics",
            json!({"category_id": general, "title": "Riding in the rain", "body": topic_body}),
        )
        .await,
    )
    .await;
    let topic_id = topic["id"].as_i64().unwrap();
    let reply_body = "I ride along the river path when it rains.";
    let reply = created(
        app.post_json(
            &fan,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": reply_body}),
        )
        .await,
    )
    .await;
    let reply_id = reply["id"].as_i64().unwrap();

    // Two replies held as too brief: one approved (it is published then), one rejected.
    let held = created(
        app.post_json(
            &newbie,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": "good post"}),
        )
        .await,
    )
    .await;
    assert_eq!(held["status"], "pending", "{held}");
    let held_id = held["id"].as_i64().unwrap();
    let approved_item = held_item(&app, &mona, held_id).await;
    ok(app
        .post_json(
            &mona,
            &format!("/api/v1/moderation/queue/{approved_item}/approve"),
            json!({}),
        )
        .await)
    .await;
    let refused = created(
        app.post_json(
            &newbie,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": "me too"}),
        )
        .await,
    )
    .await;
    assert_eq!(refused["status"], "pending", "{refused}");
    let refused_id = refused["id"].as_i64().unwrap();
    let rejected_item = held_item(&app, &mona, refused_id).await;
    ok(app
        .post_json(
            &mona,
            &format!("/api/v1/moderation/queue/{rejected_item}/reject"),
            json!({"reason": "Use the like button instead."}),
        )
        .await)
    .await;

    // A detractor reply enters the staff inbox; staff handle it.
    let detractor = created(
        app.post_json(
            &rider,
            &format!("/api/v1/topics/{topic_id}/posts"),
            json!({"body": DETRACTOR}),
        )
        .await,
    )
    .await;
    let detractor_id = detractor["id"].as_i64().unwrap();
    let inbox = app.get_json(&sam, "/api/v1/staff/inbox?kind=detractor").await;
    let inbox_item = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["post_id"] == detractor_id)
        .unwrap_or_else(|| panic!("{inbox}"))["id"]
        .as_i64()
        .unwrap();
    ok(app
        .post_json(
            &sam,
            &format!("/api/v1/staff/inbox/{inbox_item}/handle"),
            json!({}),
        )
        .await)
    .await;

    // A question about the product, an answer, accepted by the asker.
    let question_title = "How far does the X2 go on one charge?";
    let question = created(
        app.post_json(
            &rider,
            "/api/v1/questions",
            json!({"title": question_title, "body": "Planning a long weekend tour with it.", "products": [product_id]}),
        )
        .await,
    )
    .await;
    let question_id = question["id"].as_i64().unwrap();
    let answer_body = "About 80 km on a full battery in summer.";
    let answer = created(
        app.post_json(
            &owner,
            &format!("/api/v1/questions/{question_id}/answers"),
            json!({"body": answer_body}),
        )
        .await,
    )
    .await;
    let answer_id = answer["id"].as_i64().unwrap();
    ok(rider
        .post(app.url(&format!("/api/v1/answers/{answer_id}/accept")))
        .send()
        .await
        .unwrap())
    .await;

    // An idea, planned by the product team; a duplicate with a vote, merged into it.
    let idea = created(
        app.post_json(
            &rider,
            "/api/v1/ideas",
            json!({"title": "A rain cover for the display", "body": "It would keep the screen readable in showers.", "product_id": product_id}),
        )
        .await,
    )
    .await;
    let idea_id = idea["id"].as_i64().unwrap();
    ok(app
        .post_json(
            &pia,
            &format!("/api/v1/ideas/{idea_id}/status"),
            json!({"status": "planned", "note": "On the roadmap for spring."}),
        )
        .await)
    .await;
    let duplicate = created(
        app.post_json(
            &fan,
            "/api/v1/ideas",
            json!({"title": "Display cover for rainy days", "body": "So the screen stays dry on the way."}),
        )
        .await,
    )
    .await;
    let duplicate_id = duplicate["id"].as_i64().unwrap();
    ok(owner
        .put(app.url(&format!("/api/v1/ideas/{duplicate_id}/vote")))
        .send()
        .await
        .unwrap())
    .await;
    let merged = ok(app
        .post_json(
            &pia,
            &format!("/api/v1/ideas/{duplicate_id}/merge"),
            json!({"into_id": idea_id}),
        )
        .await)
    .await;
    assert_eq!(merged["moved_votes"], 1, "{merged}");

    // The club: joining, an RSVP, leaving (which gives the seat up first).
    let joined = ok(fan.put(app.url("/api/v1/club/membership")).send().await.unwrap()).await;
    assert_eq!(joined["club_tier"], "fan", "{joined}");
    let event = created(
        app.post_json(
            &sam,
            "/api/v1/events",
            json!({"title": "Rainy day ride", "starts_at": "2031-01-15T18:30:00Z", "capacity": 10, "place": "HQ"}),
        )
        .await,
    )
    .await;
    let event_id = event["id"].as_i64().unwrap();
    let rsvp = ok(fan
        .put(app.url(&format!("/api/v1/events/{event_id}/rsvp")))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(rsvp["status"], "going", "{rsvp}");
    let res = fan
        .delete(app.url("/api/v1/club/membership"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // A warning.
    let warning = "Please keep the tone friendly.";
    ok(app
        .post_json(
            &mona,
            &format!("/api/v1/users/{rider_id}/warn"),
            json!({"reason": warning}),
        )
        .await)
    .await;

    // Last: a mention from outside (positive, so it stays out of the inbox).
    let mention_text = "Lovely bikes, and the team listens to ideas.";
    let mention = created(
        app.post_json(
            &sam,
            "/api/v1/mentions",
            json!({
                "source": "trustpilot",
                "external_id": "review-1",
                "url": "https://reviews.example/r/review-1",
                "author_handle": "Happy Rider",
                "text": mention_text,
                "posted_at": (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339(),
                "sentiment": 0.8,
            }),
        )
        .await,
    )
    .await;
    let mention_id = mention["id"].as_i64().unwrap();

    // The last event arrived, so every earlier one did.
    receiver.wait_for_type("mention.created", WAIT).await;

    // Every type, as many times as it happened; each delivery a {type, timestamp, data} envelope.
    for r in receiver.received() {
        let p = r.json();
        assert_eq!(r.path, "/hook");
        assert!(ALL_TYPES.contains(&p["type"].as_str().unwrap_or_default()), "{p}");
        assert!(p["timestamp"].as_str().unwrap().ends_with('Z'), "{p}");
        assert!(p["data"].is_object(), "{p}");
    }
    let expected = [
        // mona, sam, pia, rider, fan, owner and newbie.
        ("member.created", 7),
        // The discussion, the question and the two ideas.
        ("topic.created", 4),
        // fan's reply, newbie's approved one, rider's detractor reply and the answer (not the rejected one).
        ("post.created", 4),
        ("question.created", 1),
        ("question.answered", 1),
        ("answer.accepted", 1),
        ("idea.created", 2),
        ("idea.status_changed", 1),
        ("idea.merged", 1),
        ("club.member_joined", 1),
        ("club.member_left", 1),
        // going, then cancelled by leaving.
        ("event.rsvp_changed", 2),
        ("moderation.post_held", 2),
        ("moderation.decision", 2),
        ("member.sanctioned", 1),
        ("inbox.detractor_detected", 1),
        ("inbox.item_handled", 1),
        ("mention.created", 1),
    ];
    let named: HashSet<&str> = expected.iter().map(|(t, _)| *t).collect();
    assert_eq!(named, HashSet::from(ALL_TYPES), "every type, once in this list");
    for (event_type, n) in expected {
        receiver.wait_for_type(event_type, WAIT).await;
        let got = payloads(&receiver, event_type);
        assert_eq!(
            got.len(),
            n,
            "{event_type}: {:?}",
            got.iter().map(|p| &p["data"]).collect::<Vec<_>>()
        );
    }

    // member.created: signed up through the API (not yet verified then), with the address (this endpoint
    // may receive it); an account made with roles.
    let d = data_of(&receiver, "member.created", |d| d["username"] == "newbie").await;
    assert_eq!(d["email"], "newbie@example.com", "{d}");
    assert_eq!(d["email_verified"], false, "{d}");
    assert_eq!(d["roles"], json!(["member"]), "{d}");
    assert_eq!(d["url"], "/u/newbie", "{d}");
    assert!(d["id"].as_i64().is_some() && d["created_at"].is_string(), "{d}");
    let d = data_of(&receiver, "member.created", |d| d["username"] == "mona").await;
    assert_eq!(d["id"], mona_id, "{d}");
    assert_eq!(d["email"], "mona@example.com", "{d}");
    assert_eq!(d["email_verified"], true, "{d}");
    assert_eq!(d["roles"], json!(["member", "moderator"]), "{d}");

    // topic.created: the discussion with its first post; questions and ideas are topics too.
    let d = data_of(&receiver, "topic.created", |d| d["id"] == topic_id).await;
    assert_eq!(d["title"], "Riding in the rain", "{d}");
    assert_eq!(d["kind"], "discussion", "{d}");
    assert_eq!(d["status"], "published", "{d}");
    assert_eq!(d["category_id"], general, "{d}");
    assert_eq!(d["category_slug"], "general", "{d}");
    assert_eq!(d["url"], format!("/t/{topic_id}"), "{d}");
    assert_eq!(d["author"]["id"], rider_id, "{d}");
    assert_eq!(d["author"]["username"], "rider", "{d}");
    assert_eq!(d["author"]["email"], "rider@example.com", "{d}");
    assert_eq!(d["first_post"]["post_number"], 1, "{d}");
    assert_eq!(d["first_post"]["body"], topic_body, "{d}");
    assert_eq!(d["first_post"]["author"]["username"], "rider", "{d}");
    let d = data_of(&receiver, "topic.created", |d| d["id"] == question_id).await;
    assert_eq!(d["kind"], "question", "{d}");
    assert_eq!(d["url"], format!("/q/{question_id}"), "{d}");
    let d = data_of(&receiver, "topic.created", |d| d["id"] == idea_id).await;
    assert_eq!(d["kind"], "idea", "{d}");
    assert_eq!(d["url"], format!("/ideas/{idea_id}"), "{d}");

    // post.created: as the REST API showed the reply; the approved reply once published; the answer. The
    // rejected reply never.
    let d = data_of(&receiver, "post.created", |d| d["id"] == reply_id).await;
    assert_eq!(d["topic_id"], topic_id, "{d}");
    assert_eq!(d["post_number"], reply["post_number"], "{d}");
    assert_eq!(d["body"], reply_body, "{d}");
    assert_eq!(d["body_html"], reply["body_html"], "{d}");
    assert_eq!(d["url"], reply["url"], "{d}");
    assert_eq!(d["status"], "published", "{d}");
    assert_eq!(d["author"]["username"], "fan", "{d}");
    assert_eq!(d["author"]["email"], "fan@example.com", "{d}");
    assert_eq!(d["topic"]["id"], topic_id, "{d}");
    assert_eq!(d["topic"]["title"], "Riding in the rain", "{d}");
    assert_eq!(d["topic"]["kind"], "discussion", "{d}");
    let d = data_of(&receiver, "post.created", |d| d["id"] == held_id).await;
    assert_eq!(d["body"], "good post", "{d}");
    assert_eq!(d["status"], "published", "{d}");
    assert_eq!(d["author"]["username"], "newbie", "{d}");
    let d = data_of(&receiver, "post.created", |d| d["id"] == answer_id).await;
    assert_eq!(d["topic_id"], question_id, "{d}");
    assert_eq!(d["topic"]["kind"], "question", "{d}");
    assert!(
        payloads(&receiver, "post.created")
            .iter()
            .all(|p| p["data"]["id"] != refused_id),
        "a rejected post is never announced"
    );

    // question.created, question.answered, answer.accepted.
    let d = data_of(&receiver, "question.created", |d| d["id"] == question_id).await;
    assert_eq!(d["title"], question_title, "{d}");
    assert_eq!(d["state"], "open", "{d}");
    assert_eq!(d["products"][0]["id"], product_id, "{d}");
    assert_eq!(d["products"][0]["slug"], "lumen-x2", "{d}");
    assert_eq!(d["products"][0]["name"], "Lumen X2", "{d}");
    assert_eq!(d["category"]["slug"], "questions", "{d}");
    assert_eq!(d["author"]["username"], "rider", "{d}");
    assert_eq!(d["body"], "Planning a long weekend tour with it.", "{d}");
    assert_eq!(d["url"], format!("/q/{question_id}"), "{d}");
    let d = data_of(&receiver, "question.answered", |d| {
        d["question"]["id"] == question_id
    })
    .await;
    assert_eq!(d["answer"]["id"], answer_id, "{d}");
    assert_eq!(d["answer"]["body"], answer_body, "{d}");
    assert_eq!(d["answer"]["author"]["username"], "owner", "{d}");
    assert_eq!(d["question"]["state"], "answered", "{d}");
    assert_eq!(d["question"]["answer_count"], 1, "{d}");
    assert_eq!(d["question"]["asker"]["username"], "rider", "{d}");
    assert_eq!(d["first_answer"], true, "{d}");
    let d = data_of(&receiver, "answer.accepted", |d| d["answer"]["id"] == answer_id).await;
    assert_eq!(d["question"]["id"], question_id, "{d}");
    assert_eq!(d["question"]["state"], "accepted", "{d}");
    assert_eq!(d["accepted_answer_id"], answer_id, "{d}");
    assert_eq!(d["previous_accepted_answer_id"], Value::Null, "{d}");
    assert_eq!(d["accepted_by"]["id"], rider_id, "{d}");
    assert!(d["accepted_at"].is_string(), "{d}");

    // idea.created, idea.status_changed, idea.merged.
    let d = data_of(&receiver, "idea.created", |d| d["id"] == idea_id).await;
    assert_eq!(d["title"], "A rain cover for the display", "{d}");
    assert_eq!(d["status"], "new", "{d}");
    assert_eq!(d["votes"], 0, "{d}");
    assert_eq!(d["product"]["slug"], "lumen-x2", "{d}");
    assert_eq!(d["category"]["slug"], "ideas", "{d}");
    assert_eq!(d["author"]["username"], "rider", "{d}");
    assert_eq!(d["url"], format!("/ideas/{idea_id}"), "{d}");
    let d = data_of(&receiver, "idea.created", |d| d["id"] == duplicate_id).await;
    assert_eq!(d["product"], Value::Null, "{d}");
    assert_eq!(d["author"]["username"], "fan", "{d}");
    let d = data_of(&receiver, "idea.status_changed", |d| d["idea"]["id"] == idea_id).await;
    assert_eq!(d["from"], "new", "{d}");
    assert_eq!(d["to"], "planned", "{d}");
    assert_eq!(d["idea"]["status"], "planned", "{d}");
    assert_eq!(d["note"], "On the roadmap for spring.", "{d}");
    assert_eq!(d["by"]["id"], pia_id, "{d}");
    assert_eq!(d["by"]["username"], "pia", "{d}");
    let d = data_of(&receiver, "idea.merged", |d| d["idea"]["id"] == duplicate_id).await;
    assert_eq!(d["idea"]["status"], "merged", "{d}");
    assert_eq!(d["merged_into_id"], idea_id, "{d}");
    assert_eq!(d["merged_into"]["id"], idea_id, "{d}");
    assert_eq!(d["merged_into"]["votes"], 1, "{d}");
    assert_eq!(d["moved_votes"], 1, "{d}");
    assert_eq!(d["by"]["id"], pia_id, "{d}");

    // club.member_joined, event.rsvp_changed (going, then cancelled by leaving), club.member_left.
    let d = data_of(&receiver, "club.member_joined", |d| {
        d["member"]["username"] == "fan"
    })
    .await;
    assert_eq!(d["member"]["email"], "fan@example.com", "{d}");
    assert_eq!(d["club_tier"], "fan", "{d}");
    assert!(d["joined_at"].is_string(), "{d}");
    let d = data_of(&receiver, "event.rsvp_changed", |d| d["status"] == "going").await;
    assert_eq!(d["event"]["id"], event_id, "{d}");
    assert_eq!(d["event"]["title"], "Rainy day ride", "{d}");
    assert_eq!(d["event"]["capacity"], 10, "{d}");
    assert_eq!(d["event"]["going"], 1, "{d}");
    assert_eq!(d["previous_status"], Value::Null, "{d}");
    assert_eq!(d["member"]["username"], "fan", "{d}");
    let d = data_of(&receiver, "event.rsvp_changed", |d| d["status"] == "cancelled").await;
    assert_eq!(d["event"]["id"], event_id, "{d}");
    assert_eq!(d["event"]["going"], 0, "{d}");
    assert_eq!(d["previous_status"], "going", "{d}");
    assert_eq!(d["member"]["username"], "fan", "{d}");
    let d = data_of(&receiver, "club.member_left", |d| {
        d["member"]["username"] == "fan"
    })
    .await;
    assert!(d["left_at"].is_string(), "{d}");

    // moderation.post_held and moderation.decision, for both held replies.
    let d = data_of(&receiver, "moderation.post_held", |d| d["post_id"] == held_id).await;
    assert_eq!(d["id"], approved_item, "{d}");
    assert_eq!(d["kind"], "held", "{d}");
    assert_eq!(d["reason"], "too_brief", "{d}");
    assert_eq!(d["state"], "open", "{d}");
    assert_eq!(d["content_type"], "post", "{d}");
    assert_eq!(d["topic_id"], topic_id, "{d}");
    assert_eq!(d["author"]["username"], "newbie", "{d}");
    assert_eq!(d["author"]["email"], "newbie@example.com", "{d}");
    let d = data_of(&receiver, "moderation.post_held", |d| d["post_id"] == refused_id).await;
    assert_eq!(d["id"], rejected_item, "{d}");
    assert_eq!(d["kind"], "held", "{d}");
    let d = data_of(&receiver, "moderation.decision", |d| d["id"] == approved_item).await;
    assert_eq!(d["decision"], "approved", "{d}");
    assert_eq!(d["state"], "approved", "{d}");
    assert_eq!(d["post_id"], held_id, "{d}");
    assert_eq!(d["decided_by"]["id"], mona_id, "{d}");
    let d = data_of(&receiver, "moderation.decision", |d| d["id"] == rejected_item).await;
    assert_eq!(d["decision"], "rejected", "{d}");
    assert_eq!(d["state"], "rejected", "{d}");
    assert_eq!(d["note"], "Use the like button instead.", "{d}");
    assert_eq!(d["post_id"], refused_id, "{d}");

    // member.sanctioned.
    let d = data_of(&receiver, "member.sanctioned", |d| d["user_id"] == rider_id).await;
    assert_eq!(d["action"], "warn", "{d}");
    assert_eq!(d["reason"], warning, "{d}");
    assert_eq!(d["member"]["username"], "rider", "{d}");
    assert_eq!(d["suspended_until"], Value::Null, "{d}");
    assert_eq!(d["by"]["id"], mona_id, "{d}");

    // inbox.detractor_detected and inbox.item_handled.
    let d = data_of(&receiver, "inbox.detractor_detected", |d| {
        d["post_id"] == detractor_id
    })
    .await;
    assert_eq!(d["id"], inbox_item, "{d}");
    assert_eq!(d["kind"], "detractor", "{d}");
    assert_eq!(d["source"], "community", "{d}");
    assert_eq!(d["topic_id"], topic_id, "{d}");
    assert_eq!(d["topic_title"], "Riding in the rain", "{d}");
    assert_eq!(d["excerpt"], DETRACTOR, "{d}");
    assert!(d["sentiment"].as_f64().unwrap() <= -0.5, "{d}");
    assert_eq!(d["handled_at"], Value::Null, "{d}");
    let d = data_of(&receiver, "inbox.item_handled", |d| d["id"] == inbox_item).await;
    assert_eq!(d["post_id"], detractor_id, "{d}");
    assert_eq!(d["handled_by"], sam_id, "{d}");
    assert_eq!(d["handled_by_member"]["username"], "sam", "{d}");
    assert!(d["handled_at"].is_string(), "{d}");

    // mention.created.
    let d = data_of(&receiver, "mention.created", |d| d["id"] == mention_id).await;
    assert_eq!(d["source"], "trustpilot", "{d}");
    assert_eq!(d["external_id"], "review-1", "{d}");
    assert_eq!(d["url"], "https://reviews.example/r/review-1", "{d}");
    assert_eq!(d["author_handle"], "Happy Rider", "{d}");
    assert_eq!(d["text"], mention_text, "{d}");
    assert_eq!(d["status"], "published", "{d}");
}

#[tokio::test]
async fn addresses_reach_only_the_endpoints_allowed_to_receive_them() {
    let app = spawn().await;
    let admin = app.admin().await;
    let admin_id = user_id(&app, "the_admin").await;
    let with = Receiver::start().await;
    let without = Receiver::start().await;
    endpoint(&app, &admin, &with, json!([]), true).await;
    endpoint(
        &app,
        &admin,
        &without,
        json!(["member.created", "topic.created"]),
        false,
    )
    .await;

    // A sign-up, a topic, a reply (only the first endpoint wants those), another topic.
    app.verified_member("grace").await;
    let general = app.general_category(&admin).await;
    let new_topic = |title: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let topic = created(
                app.post_json(
                    admin,
                    "/api/v1/topics",
                    json!({"category_id": general, "title": title, "body": "Tell us what you ride and where."}),
                )
                .await,
            )
            .await;
            topic["id"].as_i64().unwrap()
        }
    };
    let first = new_topic("Welcome to the community").await;
    created(
        app.post_json(
            &admin,
            &format!("/api/v1/topics/{first}/posts"),
            json!({"body": "Start with your bike and your town."}),
        )
        .await,
    )
    .await;
    let second = new_topic("Introduce your commute").await;

    // Without addresses: its two types only, in order (the reply came before the second topic, so it would be
    // among these three), and no `email` key anywhere.
    let got = without.wait_for(3, WAIT).await;
    let bare: Vec<Value> = got.iter().map(|r| r.json()).collect();
    let types: Vec<&str> = bare.iter().map(|p| p["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["member.created", "topic.created", "topic.created"]);
    assert_eq!(bare[0]["data"]["username"], "grace");
    assert_eq!(bare[1]["data"]["id"], first);
    assert_eq!(bare[2]["data"]["id"], second);
    for (r, p) in got.iter().zip(&bare) {
        assert!(!has_email_key(p), "{p}");
        assert!(!String::from_utf8_lossy(&r.body).contains("@example.com"), "{p}");
    }
    // The rest of each member is there.
    assert_eq!(
        bare[1]["data"]["author"],
        json!({"id": admin_id, "username": "the_admin", "display_name": null})
    );
    assert_eq!(bare[1]["data"]["first_post"]["author"]["username"], "the_admin");

    // With addresses: every type, the same events with the addresses at every depth.
    let got = with.wait_for(4, WAIT).await;
    let full: Vec<Value> = got.iter().map(|r| r.json()).collect();
    let types: Vec<&str> = full.iter().map(|p| p["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["member.created", "topic.created", "post.created", "topic.created"]
    );
    assert_eq!(full[0]["data"]["username"], "grace");
    assert_eq!(full[0]["data"]["email"], "grace@example.com");
    assert_eq!(full[1]["data"]["author"]["email"], "root@example.com");
    assert_eq!(
        full[1]["data"]["first_post"]["author"]["email"],
        "root@example.com"
    );
    assert_eq!(full[2]["data"]["author"]["email"], "root@example.com");
    // Apart from the addresses, both endpoints got the same payloads of the same events.
    for (f, b) in [(&full[0], &bare[0]), (&full[1], &bare[1]), (&full[3], &bare[2])] {
        let mut redacted = f.clone();
        domain::webhooks::redact_emails(&mut redacted);
        assert_eq!(&redacted, b);
    }
}
