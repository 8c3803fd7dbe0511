//! Talking Point over HTTP: the mentions API as an integration sends it (a staff member's token), its refusals,
//! batches and repeats, the public JSON of the page, the staff's theme tools and the pages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, Utc};
use common::{TestApp, error_code};
use domain::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn mention(id: &str, text: &str, minutes_ago: i64) -> Value {
    json!({
        "source": "trustpilot",
        "external_id": id,
        "url": format!("https://reviews.example/r/{id}"),
        "author_handle": "Happy Rider",
        "text": text,
        "posted_at": (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339(),
        "sentiment": null,
    })
}

/// A staff member's personal API token, as an integration would hold it.
async fn staff_token(app: &TestApp) -> String {
    let staff = app.member("tp_staff", 2, vec![Role::Staff]).await;
    let res = app
        .post_json(
            &staff,
            "/api/v1/tokens",
            json!({"name": "listening tool", "scopes": ["write", "staff", "mentions"],
                   "current_password": "tp_staff passphrase here"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_mentions_api_stores_once_refuses_clearly_and_feeds_talking_point() {
    let app = TestApp::spawn().await;
    let token = staff_token(&app).await;
    let http = reqwest::Client::new();
    let post = |body: Value, bearer: Option<&str>| {
        let mut req = http.post(app.url("/api/v1/mentions")).json(&body);
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    // Who may send them.
    let (status, code, _) = error_code(post(mention("a", "Great bikes", 5), None).await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let member = app.member("tp_member", 3, vec![]).await;
    let res = member
        .post(app.url("/api/v1/mentions"))
        .json(&mention("a", "Great bikes", 5))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // One mention: 201, then the same again: 200 with the stored one, unchanged.
    let res = post(
        mention(
            "r1",
            "The firmware update drains the battery, really disappointed",
            10,
        ),
        Some(&token),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.unwrap();
    assert!(first["id"].as_i64().is_some());
    assert!(
        first["sentiment"].as_f64().unwrap() < -0.05,
        "scored when null: {first}"
    );
    assert_eq!(first["status"], "published");
    let res = post(mention("r1", "different text", 1), Some(&token))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["text"], first["text"]);

    // A clearly negative mention reaches the staff inbox, linked to where it was said.
    let mut angry = mention(
        "angry",
        "Worst support ever, nobody answers about my broken charger.",
        3,
    );
    angry["sentiment"] = json!(-0.9);
    assert_eq!(
        post(angry, Some(&token)).await.unwrap().status(),
        StatusCode::CREATED
    );
    let inbox: Value = http
        .get(app.url("/api/v1/staff/inbox?kind=detractor"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source"] == "trustpilot" && i["url"] == "https://reviews.example/r/angry")
        .unwrap_or_else(|| panic!("{inbox}"));
    assert!(item["excerpt"].as_str().unwrap().contains("broken charger"));

    // Bad input: field errors, nothing stored.
    let bad = json!({"source": "Bad Source!", "external_id": "", "url": "ftp://x", "author_handle": "x",
        "text": "hello", "posted_at": "yesterday"});
    let (status, code, body) = error_code(post(bad, Some(&token)).await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{body}"
    );
    for field in ["source", "external_id", "url", "posted_at"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let mut items: Vec<Value> = (0..5)
        .map(|i| mention(&format!("b{i}"), "The firmware update is broken", i))
        .collect();
    items[3]["posted_at"] = json!("2099-01-01T00:00:00Z");
    let (status, _, body) = error_code(post(json!({"items": items}), Some(&token)).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["items[3].posted_at"].is_string(),
        "{body}"
    );
    let listed: Value = http
        .get(app.url("/api/v1/mentions"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        2,
        "the bad batch stored nothing"
    );

    // 500 in one request; 501 are refused.
    let items: Vec<Value> = (0..500)
        .map(|i| {
            mention(
                &format!("big{i}"),
                &format!("The firmware update failed again on bike {i}"),
                i % 600,
            )
        })
        .collect();
    let res = post(json!({"items": items}), Some(&token)).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let batch: Value = res.json().await.unwrap();
    assert_eq!(
        (batch["created"].as_i64(), batch["existing"].as_i64()),
        (Some(500), Some(0))
    );
    let too_many: Vec<Value> = (0..501)
        .map(|i| mention(&format!("x{i}"), "Too many", 1))
        .collect();
    let (status, _, body) = error_code(post(json!({"items": too_many}), Some(&token)).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["fields"]["items"].is_string());

    // The staff's list pages with a cursor.
    let page: Value = http
        .get(app.url("/api/v1/mentions?sentiment=negative"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 50);
    let next = page["next"].as_str().unwrap();
    let res = http
        .get(app.url(&format!(
            "/api/v1/mentions?after={}",
            app::api::accounts::urlencode(next)
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = http
        .get(app.url("/api/v1/mentions?after=garbage"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = member.get(app.url("/api/v1/mentions")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Talking Point, as the public reads it.
    domain::talking_point::refresh_now(&app.hearth).await.unwrap();
    let tp: Value = reqwest::get(app.url("/api/v1/talking-point"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let themes = tp["themes"].as_array().unwrap();
    let theme = themes
        .iter()
        .find(|t| t["key"] == "firmware update")
        .unwrap_or_else(|| panic!("a rising theme: {tp}"));
    assert_eq!(theme["kind"], "phrase");
    assert!(theme["last_day"].as_i64().unwrap() >= 500);
    assert_eq!(theme["series"].as_array().unwrap().len(), 7);
    assert!(theme["sentiment"]["negative"].as_f64().unwrap() > 0.5, "{theme}");
    assert_eq!(theme["latest"].as_array().unwrap().len(), 3);
    assert_eq!(theme["latest"][0]["source"], "trustpilot");
    assert!(
        theme["reason"]
            .as_str()
            .unwrap()
            .contains("mentions in the last 24 hours")
    );
    for key in ["hot", "staff_answers", "waiting"] {
        assert!(tp[key].is_array(), "{key}");
    }

    // Staff pin it with a note; members cannot.
    let path = "/api/v1/talking-point/themes/firmware%20update/pin";
    let res = member
        .post(app.url(path))
        .json(&json!({"note": "We hear you"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = http
        .post(app.url(path))
        .bearer_auth(&token)
        .json(&json!({"note": "We are on it: firmware 2.1 ships Friday"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let res = http
        .post(app.url(path))
        .bearer_auth(&token)
        .json(&json!({"note": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let tp: Value = reqwest::get(app.url("/api/v1/talking-point"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tp["themes"][0]["key"], "firmware update");
    assert_eq!(
        tp["themes"][0]["pinned_note"],
        "We are on it: firmware 2.1 ships Friday"
    );
    let res = http
        .post(app.url("/api/v1/talking-point/themes/drop;table/hide"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // The ignored terms.
    let ignored: Value = http
        .get(app.url("/api/v1/talking-point/ignored-terms"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        ignored["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "anybody")
    );
    let res = http
        .put(app.url("/api/v1/talking-point/ignored-terms"))
        .bearer_auth(&token)
        .json(&json!({"terms": ["anybody", "bike"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // The pages: public Talking Point with the theme and the note, the staff's mentions page.
    let page = reqwest::get(app.url("/talking-point")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("firmware update") && html.contains("firmware 2.1 ships Friday"));
    assert!(html.contains("Add your voice"));
    assert!(html.contains("/questions/ask?title="));
    assert!(
        !html.contains("Staff: pin or hide"),
        "no staff tools for visitors"
    );
    let staff_page = app.member("tp_staff", 2, vec![Role::Staff]).await;
    let html = staff_page
        .get(app.url("/staff/mentions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Happy Rider") && html.contains("Ignored terms"));
    let res = member.get(app.url("/staff/mentions")).send().await.unwrap();
    assert!(!res.text().await.unwrap().contains("Happy Rider"));
    // Documented.
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/talking-point",
        "/api/v1/mentions",
        "/api/v1/talking-point/ignored-terms",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
