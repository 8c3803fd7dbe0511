//! Ideas over HTTP: submitting, votes (PUT/DELETE, concurrent), the product team's statuses, merges and CSV
//! export with their permissions, notifications, the survey, "you asked, we built", the pages — and errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn put(app: &TestApp, client: &Client, path: &str) -> reqwest::Response {
    client.put(app.url(path)).send().await.unwrap()
}

async fn delete(app: &TestApp, client: &Client, path: &str) -> reqwest::Response {
    client.delete(app.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn the_idea_loop_over_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let res = app
        .post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "ideas", "name": "Ideas"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let author = app.member("author", 2, vec![]).await;
    let voter = app.member("voter", 3, vec![]).await;
    let team = app.member("pia", 4, vec![domain::accounts::Role::Product]).await;
    let anonymous = app.client();

    // Submitting: signed in, field errors for bad input.
    let res = app
        .post_json(
            &anonymous,
            "/api/v1/ideas",
            json!({"title": "A good idea here", "body": "Why."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, code, body) = error_code(
        app.post_json(&author, "/api/v1/ideas", json!({"title": "x", "body": ""}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    assert!(body["error"]["fields"]["title"].is_string() && body["error"]["fields"]["body"].is_string());
    let res = app
        .post_json(
            &author,
            "/api/v1/ideas",
            json!({"title": "Turn signals =SUM(A1) on the handlebar", "body": "Safer turns in **traffic**."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let idea: Value = res.json().await.unwrap();
    let id = idea["id"].as_i64().unwrap();
    assert_eq!(idea["status"], "new");
    assert_eq!(idea["votes"], 0);
    assert_eq!(idea["following"], true);
    assert_eq!(idea["status_history"], json!([]));
    assert!(
        idea["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>traffic</strong>")
    );

    // Votes: PUT twice counts once, DELETE takes it back; anonymous 401; unknown idea 404.
    for _ in 0..2 {
        let res = put(&app, &voter, &format!("/api/v1/ideas/{id}/vote")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.json::<Value>().await.unwrap(),
            json!({"voted": true, "votes": 1})
        );
    }
    let res = delete(&app, &voter, &format!("/api/v1/ideas/{id}/vote")).await;
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"voted": false, "votes": 0})
    );
    put(&app, &voter, &format!("/api/v1/ideas/{id}/vote")).await;
    assert_eq!(
        put(&app, &anonymous, &format!("/api/v1/ideas/{id}/vote"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        put(&app, &voter, "/api/v1/ideas/999999/vote").await.status(),
        StatusCode::NOT_FOUND
    );
    // A state change from another site is refused (CSRF).
    let res = voter
        .delete(app.url(&format!("/api/v1/ideas/{id}/vote")))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_json(&anonymous, &format!("/api/v1/ideas/{id}")).await["votes"],
        1
    );

    // Comments.
    let res = app
        .post_json(
            &voter,
            &format!("/api/v1/ideas/{id}/comments"),
            json!({"body": "Yes, for night rides."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Only the product team (and admins) change statuses, merge and export: 403 for members.
    let status_path = format!("/api/v1/ideas/{id}/status");
    let (status, _, _) = error_code(
        app.post_json(&author, &status_path, json!({"status": "planned", "note": "Yes"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = error_code(
        app.post_json(
            &voter,
            &format!("/api/v1/ideas/{id}/merge"),
            json!({"into_id": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        voter
            .get(app.url("/api/v1/ideas/export.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let (status, _, body) = error_code(
        app.post_json(&team, &status_path, json!({"status": "planned", "note": ""}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["note"].is_string());

    let res = app
        .post_json(
            &team,
            &status_path,
            json!({"status": "planned", "note": "On the roadmap for May."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"status": "planned", "changed": true, "notified": 2})
    );
    // A retry changes nothing and notifies nobody again.
    let res = app
        .post_json(
            &team,
            &status_path,
            json!({"status": "planned", "note": "On the roadmap for May."}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["changed"], false);
    let res = app
        .post_json(
            &admin,
            &status_path,
            json!({"status": "shipped", "note": "In firmware 3.2."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "admins may too");

    // The voter heard about both changes once each, and is asked the survey.
    let notes = app.get_json(&voter, "/api/v1/notifications").await;
    let titles: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "idea.status")
        .map(|n| n["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2, "{notes}");
    assert!(titles[0].starts_with("Shipped:") && titles[0].contains("did it solve your problem?"));
    let idea = app.get_json(&voter, &format!("/api/v1/ideas/{id}")).await;
    assert_eq!(idea["survey_asked"], true);
    assert_eq!(idea["survey_answer"], Value::Null);
    let history: Vec<(&str, &str)> = idea["status_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["to"].as_str().unwrap(), h["note"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        vec![
            ("planned", "On the roadmap for May."),
            ("shipped", "In firmware 3.2.")
        ]
    );
    assert!(idea.get("survey").is_none(), "the summary is the product team's");
    // Voting is closed on shipped ideas.
    assert_eq!(
        put(&app, &author, &format!("/api/v1/ideas/{id}/vote"))
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // The survey: voters only, yes / partly / no.
    let survey_path = format!("/api/v1/ideas/{id}/survey");
    let (status, _, _) = error_code(
        app.post_json(&voter, &survey_path, json!({"answer": "maybe"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = error_code(
        app.post_json(&author, &survey_path, json!({"answer": "yes"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = app
        .post_json(&voter, &survey_path, json!({"answer": "partly"}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let seen_by_team = app.get_json(&team, &format!("/api/v1/ideas/{id}")).await;
    assert_eq!(
        seen_by_team["survey"],
        json!({"asked": 1, "yes": 0, "partly": 1, "no": 0, "pending": 0})
    );
    assert_eq!(
        seen_by_team["voters_by_tier"],
        json!([{"tier": "none", "name": "Not in the club", "voters": 1}])
    );

    // "You asked, we built" — the API and the page.
    let shipped = app.get_json(&anonymous, "/api/v1/ideas/shipped").await;
    assert_eq!(shipped["items"][0]["id"], id);
    assert_eq!(shipped["items"][0]["voters"], 1);
    assert!(
        shipped["items"][0]["note_html"]
            .as_str()
            .unwrap()
            .contains("firmware 3.2")
    );
    let page = anonymous
        .get(app.url("/shipped"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Turn signals =SUM(A1) on the handlebar") && page.contains("In firmware 3.2."));

    // The export: CSV with the formula neutralised.
    let res = team
        .get(app.url("/api/v1/ideas/export.csv?sort=recent"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("id,title,status,"));
    assert!(
        csv.contains(&format!(
            "{id},Turn signals =SUM(A1) on the handlebar,shipped,,1,"
        )),
        "{csv}"
    );
    let (status, _, body) = error_code(
        team.get(app.url("/api/v1/ideas/export.csv?sort=hot"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["sort"].is_string());

    // The board and its filters; the tier filter is the product team's.
    let board = app
        .get_json(&anonymous, "/api/v1/ideas?sort=votes&status=shipped")
        .await;
    assert_eq!(board["items"][0]["id"], id);
    assert_eq!(board["items"][0]["url"], format!("/ideas/{id}"));
    let (status, _, _) = error_code(voter.get(app.url("/api/v1/ideas?tier=vip")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) =
        error_code(team.get(app.url("/api/v1/ideas?tier=nope")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["tier"].is_string());
    let (status, _, _) = error_code(
        anonymous
            .get(app.url("/api/v1/ideas?after=garbage&sort=votes"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The pages: the board, the idea (with its history), the team's tools only for the team.
    let board_page = anonymous
        .get(app.url("/ideas"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board_page.contains(&format!("href=\"/ideas/{id}\"")));
    let idea_page = voter
        .get(app.url(&format!("/ideas/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        idea_page.contains("On the roadmap for May.") && idea_page.contains("Did this solve your problem?")
    );
    assert!(!idea_page.contains("Change the status"));
    let team_page = team
        .get(app.url(&format!("/ideas/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(team_page.contains("Change the status") && team_page.contains("Voters by club tier"));
    // An idea's topic address sends to the idea page.
    let res = anonymous.get(app.url(&format!("/t/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], format!("/ideas/{id}"));
    // OpenAPI lists the ideas operations.
    let doc = app.get_json(&anonymous, "/api/v1/openapi.json").await;
    for path in [
        "/api/v1/ideas",
        "/api/v1/ideas/{id}/vote",
        "/api/v1/ideas/{id}/merge",
        "/api/v1/ideas/export.csv",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

#[tokio::test]
async fn concurrent_votes_over_http_and_a_merge_with_overlapping_voters() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.post_json(
        &admin,
        "/api/v1/categories",
        json!({"slug": "ideas", "name": "Ideas"}),
    )
    .await;
    let team = app.member("pia", 2, vec![domain::accounts::Role::Product]).await;
    let mut voters = Vec::new();
    for i in 0..12u8 {
        voters.push(app.member(&format!("crowd{i}"), 10 + i, vec![]).await);
    }
    let new_idea = |title: &'static str| {
        let (app, client) = (&app, &voters[0]);
        async move {
            let res = app
                .post_json(
                    client,
                    "/api/v1/ideas",
                    json!({"title": title, "body": "Details, details."}),
                )
                .await;
            res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let dup = new_idea("Dark mode for the companion app").await;
    let target = new_idea("A dark theme in the Lumen app").await;

    // Twelve members at once on the duplicate, the last four also on the target; one member 10 times at once.
    let dup_vote = format!("/api/v1/ideas/{dup}/vote");
    let target_vote = format!("/api/v1/ideas/{target}/vote");
    let all = futures_util::future::join_all(voters.iter().map(|c| put(&app, c, &dup_vote))).await;
    assert!(all.iter().all(|r| r.status() == StatusCode::OK));
    let repeats = futures_util::future::join_all((0..10).map(|_| put(&app, &voters[11], &target_vote))).await;
    assert!(repeats.iter().all(|r| r.status() == StatusCode::OK));
    for c in &voters[8..11] {
        put(&app, c, &format!("/api/v1/ideas/{target}/vote")).await;
    }
    assert_eq!(
        app.get_json(&team, &format!("/api/v1/ideas/{dup}")).await["votes"],
        12
    );
    assert_eq!(
        app.get_json(&team, &format!("/api/v1/ideas/{target}")).await["votes"],
        4
    );

    let merge_path = format!("/api/v1/ideas/{dup}/merge");
    let (status, _, body) =
        error_code(app.post_json(&team, &merge_path, json!({"into_id": dup})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["into_id"].is_string());
    let res = app
        .post_json(&team, &merge_path, json!({"into_id": target}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(outcome["target_votes"], 12, "four voted for both: counted once");
    assert_eq!(outcome["moved_votes"], 8);
    let merged = app.get_json(&voters[0], &format!("/api/v1/ideas/{dup}")).await;
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["merged_into"]["id"], target);
    assert_eq!(merged["votes"], 0);
    assert_eq!(
        put(&app, &voters[1], &format!("/api/v1/ideas/{dup}/vote"))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let (status, _, _) = error_code(
        app.post_json(
            &voters[1],
            &format!("/api/v1/ideas/{dup}/comments"),
            json!({"body": "Still?"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Every voter of the duplicate heard about the merge once.
    for (i, c) in voters.iter().enumerate() {
        let notes = app.get_json(c, "/api/v1/notifications").await;
        let merges = notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "idea.merged")
            .count();
        assert_eq!(merges, 1, "crowd{i}");
    }
    let res = app
        .post_json(&team, &merge_path, json!({"into_id": target}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["changed"], false);
}
