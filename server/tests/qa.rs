//! Q&A over HTTP: products, ownership, asking with invitations, similar questions, answers, votes under
//! concurrency, acceptance, filters, notifications, the question page — and the rules' errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, created, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn member(app: &TestApp, name: &str) -> Client {
    let password = app.verified_member(name).await;
    app.logged_in(name, &password).await
}

#[tokio::test]
async fn ask_answer_vote_accept_over_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let qa_category = created(
        app.post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "questions", "name": "Questions"}),
        )
        .await,
    )
    .await;
    let asker = member(&app, "asker").await;

    // The catalogue: staff and admins only, field errors for bad input.
    let (status, code, _) = error_code(
        app.post_json(
            &asker,
            "/api/v1/products",
            json!({"name": "Bike", "slug": "bike"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, _, body) = error_code(
        app.post_json(
            &admin,
            "/api/v1/products",
            json!({"name": "B", "slug": "Not a slug"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["name"].is_string() && body["error"]["fields"]["slug"].is_string(),
        "{body}"
    );
    let bike = created(
        app.post_json(
            &admin,
            "/api/v1/products",
            json!({"name": "Lumen X2", "slug": "lumen-x2", "versions": ["2026"]}),
        )
        .await,
    )
    .await;
    let bike_id = bike["id"].as_i64().unwrap();
    let products: Value = app.get_json(&app.client(), "/api/v1/products").await;
    assert_eq!(products["items"][0]["slug"], "lumen-x2");
    assert_eq!(products["items"][0]["versions"], json!(["2026"]));

    // Owners say what they own and opt in.
    let owner = member(&app, "owner").await;
    let res = owner
        .put(app.url("/api/v1/me/products"))
        .json(
            &json!({"product_ids": [bike_id], "since": {bike_id.to_string(): "2024-05-01"}, "ask_me": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let owned: Value = res.json().await.unwrap();
    assert_eq!(owned["items"][0]["since"], "2024-05-01");
    let profile: Value = app.get_json(&app.client(), "/api/v1/users/owner").await;
    assert_eq!(profile["products"], json!(["lumen-x2"]));
    let profile_html = reqwest::get(app.url("/u/owner"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        profile_html.contains("Lumen X2 (since May 2024)"),
        "the profile shows what the member owns"
    );
    let res = owner
        .put(app.url("/api/v1/me/products"))
        .json(&json!({"product_ids": [999999], "ask_me": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);

    // Asking: field errors, nothing created.
    let (status, _, body) = error_code(
        app.post_json(
            &asker,
            "/api/v1/questions",
            json!({"title": "short", "body": "", "products": []}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["products"].is_string(), "{body}");
    let anon = app.client();
    let (status, _, _) = error_code(
        app.post_json(
            &anon,
            "/api/v1/questions",
            json!({"title": "Anonymous question here", "body": "x", "products": [bike_id]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let q = created(
        app.post_json(
            &asker,
            "/api/v1/questions",
            json!({"title": "Anybody experience with X2 winter range?", "body": "How far in the cold?", "products": [bike_id]}),
        )
        .await,
    )
    .await;
    let qid = q["id"].as_i64().unwrap();
    assert_eq!(q["state"], "open");
    assert_eq!(q["category"]["id"], qa_category["id"]);
    assert_eq!(q["products"][0]["slug"], "lumen-x2");
    assert_eq!(q["answers"], json!([]));

    // The list filters by the product's id as well as its slug (objects carry the id).
    for by in [bike_id.to_string(), "lumen-x2".to_owned()] {
        let list = app
            .get_json(&anon, &format!("/api/v1/questions?product={by}"))
            .await;
        assert_eq!(list["items"][0]["id"], qid, "product={by}: {list}");
    }
    let (status, _, body) = error_code(
        anon.get(app.url("/api/v1/questions?product=999999"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["product"].is_string(), "{body}");
    let ideas = app
        .get_json(&anon, &format!("/api/v1/ideas?product={bike_id}"))
        .await;
    assert!(
        ideas["items"].is_array(),
        "ideas filter by product id too: {ideas}"
    );

    // The owner was invited (in-app).
    let notes: Value = app.get_json(&owner, "/api/v1/notifications").await;
    assert_eq!(notes["items"][0]["kind"], "qa.invite", "{notes}");
    assert_eq!(notes["items"][0]["url"], format!("/q/{qid}"));
    assert_eq!(notes["unread"], 1);

    // Similar: different word order finds it.
    let similar: Value = app
        .get_json(&anon, "/api/v1/questions/similar?title=winter%20range%20X2")
        .await;
    assert_eq!(similar["items"][0]["id"], qid, "{similar}");
    assert_eq!(similar["items"][0]["url"], format!("/q/{qid}"));

    // Answers: the owner's carries the owner mark.
    let a = created(
        app.post_json(
            &owner,
            &format!("/api/v1/questions/{qid}/answers"),
            json!({"body": "About 30% less at -5 °C."}),
        )
        .await,
    )
    .await;
    let aid = a["id"].as_i64().unwrap();
    let (status, _, body) = error_code(
        app.post_json(
            &owner,
            &format!("/api/v1/questions/{qid}/answers"),
            json!({"body": "   "}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["body"].is_string());

    // A discussion is not a question: it takes replies, not answers.
    let discussion = created(
        app.post_json(
            &asker,
            "/api/v1/topics",
            json!({"category_id": qa_category["id"], "title": "Just a discussion here", "body": "Chat."}),
        )
        .await,
    )
    .await;
    let (status, _, _) = error_code(
        app.post_json(
            &owner,
            &format!("/api/v1/questions/{}/answers", discussion["id"]),
            json!({"body": "An answer?"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Votes: 20 members at once all count; the asker voting 10 times at once counts once; not your own.
    let mut voters = Vec::new();
    for i in 0..20u8 {
        voters.push(app.member(&format!("voter{i:02}"), 10 + i, vec![]).await);
    }
    let url = app.url(&format!("/api/v1/answers/{aid}/vote"));
    let all = futures_util::future::join_all(
        voters
            .iter()
            .map(|c| c.post(&url).json(&json!({"value": 1})).send()),
    )
    .await;
    assert!(all.iter().all(|r| r.as_ref().unwrap().status() == StatusCode::OK));
    let again =
        futures_util::future::join_all((0..10).map(|_| asker.post(&url).json(&json!({"value": 1})).send()))
            .await;
    assert!(
        again
            .iter()
            .all(|r| r.as_ref().unwrap().status() == StatusCode::OK)
    );
    let (status, _, _) = error_code(owner.post(&url).json(&json!({"value": 1})).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) =
        error_code(asker.post(&url).json(&json!({"value": 5})).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let page: Value = app.get_json(&asker, &format!("/api/v1/questions/{qid}")).await;
    assert_eq!(page["answers"][0]["score"], 21, "{page}");
    assert_eq!(page["answers"][0]["my_vote"], 1);
    assert_eq!(page["answers"][0]["owner"], true);
    assert_eq!(page["answers"][0]["official"], false);
    assert_eq!(page["state"], "answered");

    // Accepting: not a stranger; the asker can.
    let accept = app.url(&format!("/api/v1/answers/{aid}/accept"));
    let (status, _, _) = error_code(voters[0].post(&accept).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = asker.post(&accept).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = app.get_json(&anon, &format!("/api/v1/questions/{qid}")).await;
    assert_eq!(page["state"], "accepted");
    assert_eq!(page["answers"][0]["accepted"], true);
    assert_eq!(page["accepted_answer_id"], aid);
    assert!(page["first_answer_at"].is_string() && page["accepted_at"].is_string());

    // Filters.
    let list = |filter: &'static str| {
        let path = format!("/api/v1/questions?filter={filter}");
        let (app, anon) = (&app, &anon);
        async move {
            let body = app.get_json(anon, &path).await;
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("accepted").await, vec![qid]);
    assert!(list("unanswered").await.is_empty());
    let (status, _, _) = error_code(
        anon.get(app.url("/api/v1/questions?filter=bogus"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = error_code(
        anon.get(app.url("/api/v1/questions/999999"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Comments, and notifications marked read.
    let c = created(
        app.post_json(
            &asker,
            &format!("/api/v1/answers/{aid}/comments"),
            json!({"body": "Thanks, that helps!"}),
        )
        .await,
    )
    .await;
    assert!(c["id"].as_i64().unwrap() > 0);
    let res = app
        .post_json(&owner, "/api/v1/notifications/read", json!({}))
        .await;
    let read: Value = res.json().await.unwrap();
    assert!(
        read["marked"].as_u64().unwrap() >= 2,
        "invite and acceptance: {read}"
    );
    let notes: Value = app.get_json(&owner, "/api/v1/notifications").await;
    assert_eq!(notes["unread"], 0);

    // The page renders the question with its marks.
    let html = anon
        .get(app.url(&format!("/q/{qid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Anybody experience with X2 winter range?"));
    assert!(html.contains("Accepted answer") && html.contains("Owner"));
    assert!(html.contains("Thanks, that helps!"));
    // Its forum address leads to the question page.
    let res = anon
        .get(app.url(&format!("/t/{qid}")))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], format!("/q/{qid}"));
    let list_html = anon
        .get(app.url("/questions?filter=accepted"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list_html.contains(&format!("/q/{qid}")));
}

/// Time to first answer: in the API (question and list), in the list of answered questions, and on the question
/// page for the brand's team only (members do not see the team's timings).
#[tokio::test]
async fn time_to_first_answer_is_shown_to_staff_and_in_answered_lists() {
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    created(
        app.post_json(
            &admin,
            "/api/v1/categories",
            json!({"slug": "questions", "name": "Questions"}),
        )
        .await,
    )
    .await;
    let bike = created(
        app.post_json(
            &admin,
            "/api/v1/products",
            json!({"name": "Lumen X2", "slug": "lumen-x2"}),
        )
        .await,
    )
    .await;
    let asker = member(&app, "asker").await;
    let helper = member(&app, "helper").await;
    let staff = app.member("sam", 9, vec![domain::accounts::Role::Staff]).await;
    let q = created(
        app.post_json(
            &asker,
            "/api/v1/questions",
            json!({"title": "Anybody experience with X2 winter range?", "body": "How far in the cold?", "products": [bike["id"]]}),
        )
        .await,
    )
    .await;
    let qid = q["id"].as_i64().unwrap();
    let page = staff
        .get(app.url(&format!("/q/{qid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Waiting for a first answer for"),
        "staff see how long it waits"
    );

    // Asked three hours and a quarter before the answer.
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    diesel::sql_query(
        "UPDATE questions SET asked_at = now() - interval '3 hours 15 minutes' WHERE topic_id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(qid)
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);
    created(
        app.post_json(
            &helper,
            &format!("/api/v1/questions/{qid}/answers"),
            json!({"body": "About 40 km at minus five with the eco setting."}),
        )
        .await,
    )
    .await;

    let api = app.get_json(&asker, &format!("/api/v1/questions/{qid}")).await;
    let secs = api["time_to_first_answer_seconds"].as_i64().unwrap();
    assert!((3 * 3600 + 15 * 60..3 * 3600 + 16 * 60).contains(&secs), "{api}");
    let listed = app.get_json(&asker, "/api/v1/questions?filter=answered").await;
    assert_eq!(
        listed["items"][0]["time_to_first_answer_seconds"].as_i64(),
        Some(secs),
        "{listed}"
    );

    let page = staff
        .get(app.url(&format!("/q/{qid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("First answer after 3 h 15 min"),
        "the team sees the timing"
    );
    let page = asker
        .get(app.url(&format!("/q/{qid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("First answer after"), "members do not");
    let list = app
        .client()
        .get(app.url("/questions?filter=answered"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("data-testid=\"first-answer-after\""), "{list}");
    assert!(
        list.contains("3 h 15 min"),
        "the list of answered questions shows it"
    );
}
