//! The staff's pages for what only the API could do before: merging topics from the topic page, sanctions from a
//! member's profile (and a link from their posts), the fan club's tiers, perks and grants — plain form posts, as a
//! browser without JavaScript sends them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, created};
use domain::accounts::Role;
use reqwest::Client;
use reqwest::header::{ACCEPT, LOCATION, REFERER};
use serde_json::{Value, json};

/// Posts a form as a browser does; answers the redirect's target.
async fn form(app: &TestApp, who: &Client, path: &str, from: &str, fields: &[(&str, &str)]) -> String {
    let res = who
        .post(app.url(path))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url(from))
        .form(fields)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{path}: {}", res.status());
    res.headers()[LOCATION].to_str().unwrap().to_owned()
}

async fn html(app: &TestApp, who: &Client, path: &str) -> String {
    // An error comes back to the Referer, a whole URL.
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        app.url(path)
    };
    who.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn staff_merge_topics_sanction_from_a_profile_and_run_the_club_from_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.member("moe_mod", 2, vec![Role::Moderator]).await;
    let rider = app.member("rider", 3, vec![]).await;
    let category = app.general_category(&admin).await;
    let topic = |title: &'static str| {
        let (app, rider) = (&app, &rider);
        async move {
            created(
                app.post_json(
                    rider,
                    "/api/v1/topics",
                    json!({"category_id": category, "title": title, "body": "How far does the battery go in winter?"}),
                )
                .await,
            )
            .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let original = topic("Winter range of the battery").await;
    let duplicate = topic("Battery range when it is cold").await;

    // Merge: the team tools on the topic page, naming the target by its address.
    let page = html(&app, &moderator, &format!("/t/{duplicate}")).await;
    assert!(page.contains("Merge into topic"), "the team tools offer merging");
    assert!(
        !html(&app, &rider, &format!("/t/{duplicate}"))
            .await
            .contains("Merge into topic")
    );
    let back = form(
        &app,
        &moderator,
        "/api/forums/merge",
        &format!("/t/{duplicate}"),
        &[
            ("topic_id", &duplicate.to_string()),
            ("into", "/t/0"),
            ("reason", ""),
        ],
    )
    .await;
    assert!(
        back.contains("__err="),
        "a bad target comes back as an error: {back}"
    );
    let back = form(
        &app,
        &moderator,
        "/api/forums/merge",
        &format!("/t/{duplicate}"),
        &[
            ("topic_id", &duplicate.to_string()),
            ("into", &app.url(&format!("/t/{original}?page=1#post-1"))),
            ("reason", "same question"),
        ],
    )
    .await;
    assert_eq!(back, format!("/t/{original}?merged={duplicate}"));
    let merged = app.get_json(&rider, &format!("/api/v1/topics/{original}")).await;
    assert_eq!(merged["reply_count"].as_i64(), Some(1), "{merged}");
    assert!(
        html(&app, &rider, &back)
            .await
            .contains("was merged into this one")
    );

    // Sanctions from the profile; posts link there for moderators.
    assert!(
        html(&app, &moderator, &format!("/t/{original}"))
            .await
            .contains("/u/rider#moderate")
    );
    assert!(!html(&app, &rider, "/u/rider").await.contains("Warn or suspend"));
    let profile = html(&app, &moderator, "/u/rider").await;
    assert!(
        profile.contains("Warn or suspend") && profile.contains("name=\"return_to\" value=\"/u/rider\""),
        "moderators see the form: {profile}"
    );
    let me = app.get_json(&rider, "/api/v1/me").await;
    let back = form(
        &app,
        &moderator,
        "/api/mod/sanction",
        "/u/rider",
        &[
            ("user_id", &me["id"].to_string()),
            ("action", "suspend"),
            ("until", "2031-01-01"),
            ("reason", "Repeated spam in the forums"),
            ("return_to", "/u/rider"),
        ],
    )
    .await;
    assert_eq!(back, "/u/rider?done=suspend");
    let profile = html(&app, &moderator, &back).await;
    assert!(
        profile.contains("Suspended until 2031-01-01"),
        "the profile shows the suspension"
    );
    // An outside address is not followed.
    let back = form(
        &app,
        &moderator,
        "/api/mod/sanction",
        "/u/rider",
        &[
            ("user_id", &me["id"].to_string()),
            ("action", "unsuspend"),
            ("until", ""),
            ("reason", ""),
            ("return_to", "//evil.example/"),
        ],
    )
    .await;
    assert_eq!(back, "/mod?done=unsuspend");

    // The club: tiers and perks (admins), a grant (staff).
    let page = html(&app, &rider, "/admin/club").await;
    assert!(page.contains("for the brand"), "members are refused");
    let back = form(
        &app,
        &admin,
        "/api/club/settings/tier",
        "/admin/club",
        &[
            ("slug", "insider"),
            ("name", "Insider"),
            ("rank", "ten"),
            ("min_reputation", "100"),
            ("description", ""),
        ],
    )
    .await;
    assert!(back.contains("__err="), "{back}");
    let page = html(&app, &admin, &back).await;
    assert!(
        page.contains("must be a whole number") && page.contains("value=\"Insider\""),
        "field error, typed values kept"
    );
    let back = form(
        &app,
        &admin,
        "/api/club/settings/tier",
        "/admin/club",
        &[
            ("slug", "insider"),
            ("name", "Insider"),
            ("rank", "20"),
            ("min_reputation", "100"),
            ("description", "Our regulars"),
        ],
    )
    .await;
    assert_eq!(back, "/admin/club?saved=tier");
    let back = form(
        &app,
        &admin,
        "/api/club/settings/perk",
        "/admin/club",
        &[
            ("tier", "insider"),
            ("title", "Workshop discount"),
            ("body", "10 % off"),
            ("code", "INSIDE10"),
            ("link", ""),
        ],
    )
    .await;
    assert_eq!(back, "/admin/club?saved=perk");
    let page = html(&app, &admin, "/admin/club").await;
    assert!(page.contains("Workshop discount") && page.contains("INSIDE10"));

    assert!(
        rider
            .put(app.url("/api/v1/club/membership"))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let back = form(
        &app,
        &admin,
        "/api/club/settings/grant",
        "/admin/club",
        &[
            ("username", "nobody_like_that"),
            ("tier", "insider"),
            ("reason", ""),
        ],
    )
    .await;
    assert!(
        back.contains("__err="),
        "an unknown member is a field error: {back}"
    );
    let back = form(
        &app,
        &admin,
        "/api/club/settings/grant",
        "/admin/club",
        &[
            ("username", "@rider"),
            ("tier", "insider"),
            ("reason", "Helps at every ride"),
        ],
    )
    .await;
    assert_eq!(back, "/admin/club?saved=grant");
    let membership: Value = app.get_json(&rider, "/api/v1/club/membership").await;
    assert_eq!(membership["granted_tier"], "insider", "{membership}");
    let audit = app.get_json(&admin, "/api/v1/moderation/audit?limit=100").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "topic.merge",
        "member.suspend",
        "club.tier.save",
        "club.perk.add",
        "club.tier.grant",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
