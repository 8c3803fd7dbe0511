//! Insights over HTTP: who may read the reports (API and pages), the CSV a spreadsheet opens, bad periods and
//! filters (400 naming the field), a product-team token as an integration holds it, page views counted from
//! real page hits, and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, Utc};
use common::{TestApp, created, error_code};
use domain::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn rollup(app: &TestApp) {
    let today = Utc::now().date_naive();
    domain::insights::rollup::rollup_days(&app.hearth, today - Duration::days(2), today)
        .await
        .unwrap();
}

/// A product with a name a spreadsheet would evaluate, and two questions about it (one answered).
async fn questions(app: &TestApp, admin: &reqwest::Client) -> i64 {
    created(
        app.post_json(
            admin,
            "/api/v1/categories",
            json!({"slug": "questions", "name": "Questions"}),
        )
        .await,
    )
    .await;
    let product = created(
        app.post_json(
            admin,
            "/api/v1/products",
            json!({"name": "=SUM(1,2) \"Pro\"", "slug": "sum-pro"}),
        )
        .await,
    )
    .await;
    let id = product["id"].as_i64().unwrap();
    let asker = app.member("in_asker", 3, vec![]).await;
    let helper = app.member("in_helper", 4, vec![]).await;
    let mut asked = Vec::new();
    for title in [
        "Anybody experience with the Pro in the rain?",
        "Anybody experience with the Pro on gravel roads?",
    ] {
        let q = created(
            app.post_json(
                &asker,
                "/api/v1/questions",
                json!({"title": title, "body": "Curious how it holds up, thanks for sharing.", "products": [id]}),
            )
            .await,
        )
        .await;
        asked.push(q["id"].as_i64().unwrap());
    }
    created(
        app.post_json(
            &helper,
            &format!("/api/v1/questions/{}/answers", asked[0]),
            json!({"body": "Works fine in the rain, I rode it all autumn."}),
        )
        .await,
    )
    .await;
    id
}

#[tokio::test]
async fn only_the_team_reads_insights_and_members_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    questions(&app, &admin).await;
    rollup(&app).await;

    let (status, code, _) = error_code(
        app.client()
            .get(app.url("/api/v1/insights/qa"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let member = app.member("in_member", 5, vec![]).await;
    let res = member.get(app.url("/api/v1/insights/qa")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = member.get(app.url("/insights/qa")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the page refuses members too"
    );
    assert!(res.text().await.unwrap().contains("Insights are for"));
    let res = app.client().get(app.url("/insights")).send().await.unwrap();
    assert!(
        res.status().is_redirection(),
        "visitors are sent to log in: {}",
        res.status()
    );
    assert_eq!(res.headers()["location"], "/login?next=%2Finsights");

    // Moderators read the moderation (and health) report, not the product team's.
    let moderator = app.member("in_mod", 6, vec![Role::Moderator]).await;
    let res = moderator
        .get(app.url("/api/v1/insights/moderation"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = moderator
        .get(app.url("/api/v1/insights/ideas"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The product team with a personal token, as a generated client sends it.
    let product = app.member("in_product", 7, vec![Role::Product]).await;
    let token = created(
        app.post_json(
            &product,
            "/api/v1/tokens",
            json!({"name": "dashboards", "scopes": ["product"], "current_password": "in_product passphrase here"}),
        )
        .await,
    )
    .await;
    let token = token["token"].as_str().unwrap().to_owned();
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/insights/qa?days=7"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    // The contract's shape: totals and previous by key, series of points.
    assert_eq!(body["totals"]["asked"], json!(2.0), "{body}");
    assert_eq!(body["previous"]["asked"], json!(0.0));
    assert_eq!(body["totals"]["unanswered"], json!(1.0));
    let card = body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "asked")
        .unwrap();
    assert_eq!(card["change"]["direction"], "up");
    let within = body["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["chart"] == "questions" && s["key"] == "within_24h")
        .unwrap();
    assert_eq!(within["points"].as_array().unwrap().len(), 7);
    assert_eq!(
        within["points"][6]["at"],
        json!(Utc::now().date_naive().format("%Y-%m-%d").to_string())
    );
    assert_eq!(within["points"][6]["value"], json!(1.0));
    assert_eq!(body["bucket_days"], 1);
    assert_eq!(body["charts"][0]["labels"].as_array().unwrap().len(), 7);
    assert!(!body.to_string().contains("in_asker"), "no member is named");

    // The page: charts as named images, each with its table, and CSV links.
    let page = product.get(app.url("/insights/qa?days=7")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("role=\"img\"") && html.contains("<desc id=\"chart-questions-d\">"),
        "{html}"
    );
    assert!(html.contains("data-table=\"questions\""));
    assert!(html.contains("/api/v1/insights/qa.csv?days=7&amp;table=questions"));
}

#[tokio::test]
async fn the_csv_is_escaped_for_spreadsheets() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    questions(&app, &admin).await;
    rollup(&app).await;
    let product = app.member("in_product", 7, vec![Role::Product]).await;

    let res = product
        .get(app.url("/api/v1/insights/qa.csv?days=30&table=by_product"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"insights-qa-by_product-"),
        "{disposition}"
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "Product,Asked,Answered,Unanswered,Answer rate (%)");
    // Quoted (a comma and quotes inside), the formula neutralised with a leading apostrophe.
    assert_eq!(lines[1], "\"'=SUM(1,2) \"\"Pro\"\"\",2,1,1,50");

    // The whole report in long form.
    let all = product
        .get(app.url("/api/v1/insights/qa.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(all.starts_with("section,row,column,value\r\n"));
    assert!(all.contains("Totals,Questions asked,"), "{all}");
    assert!(all.contains("\"'=SUM(1,2) \"\"Pro\"\"\""));

    let (status, _, body) = error_code(
        product
            .get(app.url("/api/v1/insights/qa.csv?table=nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["table"].is_string());
}

#[tokio::test]
async fn bad_periods_and_filters_are_400_with_the_field() {
    let app = TestApp::spawn().await;
    let product = app.member("in_product", 7, vec![Role::Product]).await;
    for (query, field) in [
        ("days=12", "days"),
        ("from=2026-13-01&to=2026-12-01", "from"),
        ("from=2026-11-02&to=2026-11-01", "to"),
        ("to=2999-01-01", "to"),
        ("from=2019-01-01&to=2026-11-01", "from"),
        ("product=no-such-product", "product"),
        ("product=424242", "product"),
    ] {
        let (status, code, body) = error_code(
            product
                .get(app.url(&format!("/api/v1/insights/qa?{query}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{query}: {body}"
        );
        assert!(body["error"]["fields"][field].is_string(), "{query}: {body}");
    }
    let (status, code, body) = error_code(
        product
            .get(app.url("/api/v1/insights/club?product=3"))
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
    let res = product
        .get(app.url("/api/v1/insights/nonsense"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The page keeps the picker, with the error at its field.
    let res = product.get(app.url("/insights/qa?days=12")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"insights-days-error\""), "{html}");
    assert!(html.contains("must be 7, 30, 90 or 365"));
}

#[tokio::test]
async fn page_views_of_topics_reach_the_health_report() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let general = app.general_category(&admin).await;
    let topic = created(
        app.post_json(
            &admin,
            "/api/v1/topics",
            json!({"category_id": general, "title": "Welcome to the community", "body": "Say hello and tell us what you ride."}),
        )
        .await,
    )
    .await;
    let path = format!("/t/{}", topic["id"].as_i64().unwrap());
    for _ in 0..3 {
        assert_eq!(
            app.client().get(app.url(&path)).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    domain::forums::view_counts::flush(&app.hearth).await.unwrap();
    rollup(&app).await;
    let staff = app.member("in_staff", 8, vec![Role::Staff]).await;
    let body = app.get_json(&staff, "/api/v1/insights/health?days=7").await;
    assert_eq!(body["totals"]["views"], json!(3.0), "{body}");
    let by_category = app
        .get_json(
            &staff,
            &format!("/api/v1/insights/health?days=7&category={general}"),
        )
        .await;
    assert_eq!(by_category["category"]["name"], "General");
    assert_eq!(by_category["totals"]["posts"], json!(1.0));
    let by_slug = app
        .get_json(&staff, "/api/v1/insights/health?days=7&category=general")
        .await;
    assert_eq!(by_slug["category"]["name"], "General", "a category by its slug");
}

#[tokio::test]
async fn the_openapi_document_describes_insights() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = &doc["paths"];
    assert!(paths["/api/v1/insights/{report}"]["get"].is_object(), "{paths}");
    assert!(paths["/api/v1/insights/{report}.csv"]["get"].is_object());
    assert!(doc["components"]["schemas"]["InsightsResponse"].is_object());
    let params = paths["/api/v1/insights/{report}"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for name in ["report", "days", "from", "to", "product", "category"] {
        assert!(params.iter().any(|p| p["name"] == name), "{name}");
    }
}
