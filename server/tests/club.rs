//! The fan club over HTTP: joining and leaving, tiers and perks, staff grants, events with RSVPs and the
//! waitlist, the .ics file, profiles with reputation and badges, trust-level gates — and errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use domain::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn join_rsvp_waitlist_and_profile_over_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let staff = app.member("sam", 2, vec![Role::Staff]).await;
    let fan = app.member("fan", 3, vec![]).await;
    let other = app.member("other", 4, vec![]).await;
    let anonymous = app.client();

    // Tiers: admins define them; members may not.
    let res = app
        .post_json(
            &admin,
            "/api/v1/club/tiers",
            json!({"slug": "fan", "name": "Fan", "rank": 10, "min_reputation": 0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(
            &admin,
            "/api/v1/club/tiers",
            json!({"slug": "vip", "name": "VIP", "rank": 30, "min_reputation": 1000}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, code, body) = error_code(
        app.post_json(
            &fan,
            "/api/v1/club/tiers",
            json!({"slug": "mine", "name": "Mine", "rank": 1, "min_reputation": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{body}"
    );
    // Changing a tier keeps what the request leaves out; a new tier needs its rank and threshold.
    let res = app
        .post_json(
            &admin,
            "/api/v1/club/tiers",
            json!({"slug": "vip", "name": "VIP", "description": "Our best."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let kept: Value = res.json().await.unwrap();
    assert_eq!(
        (kept["rank"].as_i64(), kept["min_reputation"].as_i64()),
        (Some(30), Some(1000)),
        "{kept}"
    );
    let (status, _, body) = error_code(
        app.post_json(
            &admin,
            "/api/v1/club/tiers",
            json!({"slug": "new-tier", "name": "New"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["rank"].is_string(), "{body}");
    let res = app
        .post_json(
            &admin,
            "/api/v1/club/tiers/vip/perks",
            json!({"title": "Test rides", "code": "VIP-1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Joining: signed in; PUT is idempotent; me shows the tier.
    assert_eq!(
        anonymous
            .put(app.url("/api/v1/club/membership"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let joined: Value = fan
        .put(app.url("/api/v1/club/membership"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (joined["member"].as_bool(), joined["club_tier"].as_str()),
        (Some(true), Some("fan")),
        "{joined}"
    );
    let again = fan.put(app.url("/api/v1/club/membership")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let me = app.get_json(&fan, "/api/v1/me").await;
    assert_eq!(me["club_tier"], "fan");
    let tiers = app.get_json(&fan, "/api/v1/club/tiers").await;
    let vip = tiers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "vip")
        .unwrap()
        .clone();
    assert_eq!(
        (vip["reached"].as_bool(), vip["perks"][0]["code"].clone()),
        (Some(false), Value::Null),
        "{vip}"
    );

    // Events: staff create them with field errors for bad input.
    let (status, code, body) = error_code(
        app.post_json(
            &fan,
            "/api/v1/events",
            json!({"title": "Mine", "starts_at": "2031-01-01T10:00:00Z", "capacity": 2}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{body}"
    );
    let (status, _, body) = error_code(
        app.post_json(
            &staff,
            "/api/v1/events",
            json!({"title": "Ride", "starts_at": "soon", "capacity": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["starts_at"].is_string() && body["error"]["fields"]["capacity"].is_string(),
        "{body}"
    );
    let res = app
        .post_json(
            &staff,
            "/api/v1/events",
            json!({"title": "Night ride", "starts_at": "2031-01-15T18:30:00Z", "capacity": 1, "tier": "fan", "place": "HQ"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let event: Value = res.json().await.unwrap();
    let id = event["id"].as_i64().unwrap();
    assert_eq!(
        (
            event["capacity"].as_i64(),
            event["going"].as_i64(),
            event["waitlisted"].as_i64()
        ),
        (Some(1), Some(0), Some(0))
    );
    let listed = app.get_json(&anonymous, "/api/v1/events").await;
    assert_eq!(listed["items"][0]["id"].as_i64(), Some(id));

    // RSVPs: club members only; one seat, then the waitlist; cancelling promotes.
    let rsvp_path = format!("/api/v1/events/{id}/rsvp");
    let (status, _, _) = error_code(other.put(app.url(&rsvp_path)).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "outside the club");
    let r: Value = fan
        .put(app.url(&rsvp_path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "going");
    other
        .put(app.url("/api/v1/club/membership"))
        .send()
        .await
        .unwrap();
    let r: Value = other
        .put(app.url(&rsvp_path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["status"].as_str(), r["position"].as_i64()),
        (Some("waitlisted"), Some(1))
    );
    let view = app.get_json(&other, &format!("/api/v1/events/{id}")).await;
    assert_eq!(
        (
            view["going"].as_i64(),
            view["waitlisted"].as_i64(),
            view["rsvp"]["status"].as_str()
        ),
        (Some(1), Some(1), Some("waitlisted"))
    );
    assert_eq!(
        fan.delete(app.url(&rsvp_path)).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let view = app.get_json(&other, &format!("/api/v1/events/{id}")).await;
    assert_eq!(
        (
            view["going"].as_i64(),
            view["waitlisted"].as_i64(),
            view["rsvp"]["status"].as_str()
        ),
        (Some(1), Some(0), Some("going"))
    );
    let guests = app
        .get_json(&staff, &format!("/api/v1/events/{id}/attendees"))
        .await;
    assert_eq!(guests["items"][0]["username"], "other");
    assert_eq!(
        fan.get(app.url(&format!("/api/v1/events/{id}/attendees")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fan.put(app.url("/api/v1/events/999999/rsvp"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // The calendar file.
    let ics = anonymous
        .get(app.url(&format!("/api/v1/events/{id}/ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), StatusCode::OK);
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = ics.text().await.unwrap();
    assert!(
        text.contains("DTSTART:20310115T183000Z\r\n") && text.contains("SUMMARY:Night ride\r\n"),
        "{text}"
    );

    // Staff grant a tier (audited); the profile shows tier, reputation, trust level and badges.
    let fan_id = app.get_json(&fan, "/api/v1/me").await["id"].as_i64().unwrap();
    let res = staff
        .put(app.url(&format!("/api/v1/club/members/{fan_id}/tier")))
        .json(&json!({"tier": "vip", "reason": "Ambassador"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let profile = app.get_json(&anonymous, "/api/v1/users/fan").await;
    assert_eq!(profile["club_tier"], "vip", "{profile}");
    assert_eq!(
        (profile["reputation"].as_i64(), profile["trust_level"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(
        profile["badges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == "club-member"),
        "{profile}"
    );
    let tiers = app.get_json(&fan, "/api/v1/club/tiers").await;
    let vip = tiers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "vip")
        .unwrap()
        .clone();
    assert_eq!(vip["perks"][0]["code"], "VIP-1");

    // The directory is opt-in and for the club.
    let res = fan
        .patch(app.url("/api/v1/club/membership"))
        .json(&json!({"in_directory": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let dir = app.get_json(&other, "/api/v1/club/members").await;
    assert_eq!(dir["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        anonymous
            .get(app.url("/api/v1/club/members"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    // Leaving gives the seat up.
    assert_eq!(
        other
            .delete(app.url("/api/v1/club/membership"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let view = app.get_json(&anonymous, &format!("/api/v1/events/{id}")).await;
    assert_eq!(view["going"].as_i64(), Some(0));
    let formula = app.get_json(&anonymous, "/api/v1/reputation").await;
    assert_eq!(formula["trust_levels"][0]["max_links"].as_i64(), Some(1));
}

#[tokio::test]
async fn trust_levels_gate_links_in_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let res = app
        .post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "general", "name": "General"}),
        )
        .await;
    let category: Value = res.json().await.unwrap();
    let newcomer = app.member("newcomer", 2, vec![]).await;
    let two_links = "Read [the manual](https://lumen.example/m) and [the FAQ](https://lumen.example/faq).";
    let (status, code, body) = error_code(
        app.post_json(
            &newcomer,
            "/api/v1/topics",
            json!({"category_id": category["id"], "title": "Where to start reading", "body": two_links}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{body}"
    );
    assert!(
        body["error"]["fields"]["body"]
            .as_str()
            .unwrap()
            .contains("at most 1 link"),
        "{body}"
    );
    // Nothing was written.
    let latest = app.get_json(&newcomer, "/api/v1/topics").await;
    assert_eq!(latest["items"].as_array().unwrap().len(), 0);
    // One link is fine; the team may post more.
    let res = app
        .post_json(
            &newcomer,
            "/api/v1/topics",
            json!({"category_id": category["id"], "title": "Where to start reading", "body": "Read [the manual](https://lumen.example/m)."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(
            &admin,
            "/api/v1/topics",
            json!({"category_id": category["id"], "title": "Reading list for new riders", "body": two_links}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn club_pages_render_for_members_and_visitors() {
    let app = TestApp::spawn().await;
    let _admin = app.admin().await;
    let fan = app.member("fan", 2, vec![]).await;
    let anonymous = app.client();
    let page = anonymous.get(app.url("/club")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Fan club") && html.contains("to join the club"),
        "anonymous club page"
    );
    fan.put(app.url("/api/v1/club/membership")).send().await.unwrap();
    let html = fan
        .get(app.url("/club"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Your membership") && html.contains("Leave the club"),
        "member club page"
    );
    let html = anonymous
        .get(app.url("/reputation"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("How reputation works") && html.contains("Follow-up drawn"),
        "formula page"
    );
    let missing = anonymous.get(app.url("/events/424242")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let html = anonymous
        .get(app.url("/u/fan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Reputation") && html.contains("Club member"),
        "profile standing"
    );
}
