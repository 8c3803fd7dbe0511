//! The API skeleton: health, metrics, OpenAPI, the error shape for bad requests, CSRF, roles and the brand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ORIGIN, REFERER};
use serde_json::{Value, json};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("x-request-id").is_some());
    let ready: Value = reqwest::get(app.url("/readyz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready, json!({"status": "ready", "postgres": "ok", "redis": "ok"}));
    let metrics = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("hearth_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("hearth_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("hearth_db_pool_connections"));
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let res = client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = client
        .get(app.url("/healthz"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "<script>");
}

#[tokio::test]
async fn the_openapi_document_describes_the_operations() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/api/v1/auth/signup", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/auth/verify", "post"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/confirm", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/policy", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} missing");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

/// A path with its placeholders' names left out (`/topics/{}/posts`): the router and the document may name them
/// differently.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Walks every registered `/api/v1` route and fails on any the OpenAPI document does not describe (with its
/// responses), so that a new route cannot ship undocumented.
#[tokio::test]
async fn every_registered_route_is_in_the_openapi_document() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let documented: std::collections::BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .into_iter()
                .flat_map(|o| o.iter())
                .filter(|(_, op)| op["responses"].as_object().is_some_and(|r| !r.is_empty()))
                .map(move |(method, _)| (method.clone(), shape(path)))
        })
        .collect();
    let missing: Vec<String> = server::api::ROUTES
        .iter()
        .filter(|(method, path)| {
            !documented.contains(&((*method).to_owned(), shape(&format!("/api/v1{path}"))))
        })
        .map(|(method, path)| format!("{} /api/v1{path}", method.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document: {missing:#?}"
    );
    assert!(server::api::ROUTES.len() > 100);
    // One operation per action: an unknown one is not a route.
    for path in [
        "/api/v1/topics/1/frobnicate",
        "/api/v1/users/1/delete",
        "/api/v1/staff/inbox/1/ignore",
    ] {
        let res = reqwest::Client::new().post(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn bad_requests_get_the_error_shape_never_a_500() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/auth/login");

    let res = client
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body("{\"login\": ")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "malformed_request")
    );

    let res = client
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body(vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'])
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "malformed_request"),
        "invalid UTF-8"
    );

    let res = client
        .post(&url)
        .header(CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );

    let res = client
        .post(&url)
        .form(&[("login", "a"), ("password", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "form posts to the API are refused"
    );

    let big = format!("{{\"login\": \"{}\"}}", "x".repeat(70 * 1024));
    let res = client
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );

    let huge = vec![b'a'; 2 * 1024 * 1024];
    let res = client
        .post(app.url("/api/account/login"))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "the body limit covers server functions too"
    );

    let res = client
        .post(&url)
        .json(&json!({"login": 5, "password": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);

    let res = client.get(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));

    let res = client
        .delete(app.url("/api/v1/tokens/not-a-number"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("victim").await;
    let client = app.logged_in("victim", &password).await;

    // A cross-site JSON post (the API)…
    let res = client
        .post(app.url("/api/v1/tokens"))
        .header(ORIGIN, "https://evil.example")
        .json(&json!({"name": "stolen"}))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));

    // …a cross-site HTML form post to a server function, identified by Referer only…
    let res = client
        .post(app.url("/api/account/profile"))
        .header(REFERER, "https://evil.example/attack.html")
        .header("accept", "text/html")
        .form(&[("display_name", "pwned"), ("bio", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // …and a cross-site log-out are all refused, and changed nothing.
    let res = client
        .post(app.url("/api/v1/auth/logout"))
        .header(ORIGIN, "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(me["display_name"].is_null());
    let tokens: Value = client
        .get(app.url("/api/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["items"], json!([]));

    // The same requests from the site itself (or a script that names no origin) pass.
    let res = client
        .post(app.url("/api/account/profile"))
        .header(ORIGIN, app.address.clone())
        .header("accept", "text/html")
        .header(REFERER, app.url("/settings"))
        .form(&[("display_name", "Vic"), ("bio", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let res = client
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"name": "mine", "current_password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn roles_are_checked_on_the_server() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("plain").await;
    let member = app.logged_in("plain", &password).await;
    let admin = app.admin().await;
    let me: Value = member
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let member_id = me["id"].as_i64().unwrap();

    let body = json!({"name": "Hijacked", "tagline": "", "color_primary": "#123456", "color_accent": "#654321", "logo_alt": ""});
    let res = member
        .put(app.url("/api/v1/brand"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);
    let res = reqwest::Client::new()
        .put(app.url("/api/v1/brand"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::UNAUTHORIZED);
    let access = json!({"roles": ["admin"], "partner_label": "", "reason": "please"});
    let res = member
        .put(app.url(&format!("/api/v1/users/{member_id}/access")))
        .json(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);
    let res = member
        .post(app.url("/api/v1/policy"))
        .json(&json!({"title": "Mine now", "body": "Anything goes from today on."}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::FORBIDDEN);

    let res = admin
        .put(app.url(&format!("/api/v1/users/{member_id}/access")))
        .json(&json!({"roles": ["staff", "wizard"], "partner_label": "", "reason": ""}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["roles"]
            .as_str()
            .unwrap()
            .contains("wizard")
    );
    let res = admin
        .put(app.url(&format!("/api/v1/users/{member_id}/access")))
        .json(&json!({"roles": ["staff"], "partner_label": "Acme Rides", "reason": "joined support"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = member
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!(["member", "staff"]));
    assert_eq!(me["partner_label"], "Acme Rides");
}

#[tokio::test]
async fn the_brand_changes_every_page_at_once_and_refuses_unreadable_colours() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let bad = json!({"name": "Northwind", "tagline": "", "color_primary": "#ffff00", "color_accent": "#9c4312", "logo_alt": ""});
    let res = admin
        .put(app.url("/api/v1/brand"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["color_primary"]
            .as_str()
            .unwrap()
            .contains("contrast")
    );

    let good = json!({"name": "Northwind Riders", "tagline": "Pedal power", "color_primary": "#2D4A22", "color_accent": "#7a2e0e", "logo_alt": ""});
    let res = admin
        .put(app.url("/api/v1/brand"))
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = reqwest::get(app.url("/")).await.unwrap().text().await.unwrap();
    assert!(html.contains("Northwind Riders"));
    assert!(html.contains("Pedal power"));
    assert!(
        html.contains("--brand-primary:#2d4a22"),
        "colours become CSS custom properties"
    );
    let brand: Value = reqwest::get(app.url("/api/v1/brand"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(brand["color_primary"], "#2d4a22");
}

#[tokio::test]
async fn the_policy_is_public_and_versioned_by_admins() {
    let app = TestApp::spawn().await;
    let policy: Value = reqwest::get(app.url("/api/v1/policy"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(policy["version"], 1);
    let admin = app.admin().await;
    let res = admin
        .post(app.url("/api/v1/policy"))
        .json(&json!({"title": "", "body": "short"}))
        .send()
        .await
        .unwrap();
    let (_, _, body) = error_code(res).await;
    assert!(body["error"]["fields"]["title"].is_string() && body["error"]["fields"]["body"].is_string());
    let res = admin
        .post(app.url("/api/v1/policy"))
        .json(&json!({"title": "House rules", "body": "Be kind. <script>alert(1)</script> No spam, ever."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let policy: Value = reqwest::get(app.url("/api/v1/policy"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(policy["version"], 2);
    assert!(!policy["body_html"].as_str().unwrap().contains("<script"));
}

#[tokio::test]
async fn cross_site_uploads_and_opaque_origins_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let form = reqwest::multipart::Form::new().part(
        "logo",
        reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\nxxxx".to_vec()).file_name("l.png"),
    );
    let res = admin
        .post(app.url("/admin/brand/logo"))
        .header(ORIGIN, "https://evil.example")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // `Origin: null` (sandboxed frames, some redirects) names no site of ours.
    let res = admin
        .post(app.url("/api/v1/tokens"))
        .header(ORIGIN, "null")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        reqwest::get(app.url("/brand/logo")).await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "no logo was stored"
    );
}

#[tokio::test]
async fn unreadable_server_function_calls_are_400_not_500() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let password = app.verified_member("caller").await;
    let member = app.logged_in("caller", &password).await;
    // A missing argument, a number that is not one, and bytes that are not UTF-8.
    let res = client
        .post(app.url("/api/account/login"))
        .form(&[("login", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "malformed_request");
    let res = member
        .post(app.url("/api/account/tokens/revoke"))
        .form(&[("id", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = client
        .post(app.url("/api/account/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(vec![b'l', b'o', b'g', b'i', b'n', b'=', 0xff, 0xfe])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // NUL bytes are refused as field errors, never a 500 from PostgreSQL.
    let res = member
        .patch(app.url("/api/v1/me"))
        .json(&json!({"bio": "nul\u{0}byte"}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["bio"].is_string());
    let res = reqwest::get(app.url("/api/v1/users/a%00b")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// The overload seen in the benchmark (a flood of signed-in searches held every pooled connection; other
/// requests waited 10 s and got 500): a request that finds no connection is answered 503 with `Retry-After`
/// after a short wait, pages as a page and the API as JSON, and health checks keep answering.
#[tokio::test]
async fn a_busy_pool_answers_503_with_retry_after_never_500() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let size = app.hearth.db().status().max_size;
    let mut held = Vec::new();
    for _ in 0..size {
        held.push(domain::db::conn(app.hearth.db()).await.unwrap());
    }
    let res = admin.get(app.url("/api/v1/me")).send().await.unwrap();
    assert!(res.headers().get("retry-after").is_some());
    let (status, code, body) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        "{body}"
    );
    let page = admin
        .get(app.url("/latest"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.headers().get("retry-after").is_some());
    assert!(page.text().await.unwrap().contains("Temporarily unavailable"));
    let anonymous = reqwest::get(app.url("/api/v1/categories")).await.unwrap();
    assert_eq!(
        anonymous.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "anonymous reads wait the same"
    );
    let health = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    drop(held);
    let me = admin.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "the member is still signed in afterwards"
    );
}

/// Search (and the other expensive reads) run on a share of the pool: with that share taken, searches are
/// answered 503 while every other page still gets its connection.
#[tokio::test]
async fn a_flood_of_searches_leaves_connections_for_the_rest() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let searched = admin
        .get(app.url("/api/v1/search?q=brakes"))
        .send()
        .await
        .unwrap();
    assert_eq!(searched.status(), StatusCode::OK);
    let share = app.hearth.expensive().await.unwrap();
    let mut more = Vec::new();
    // The share of a 16-connection pool is 4: take the other three turns too.
    for _ in 0..3 {
        more.push(app.hearth.expensive().await.unwrap());
    }
    let res = admin
        .get(app.url("/api/v1/search?q=brakes"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("retry-after").is_some());
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    let page = admin
        .get(app.url("/search?q=brakes"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "the search page says busy too"
    );
    let me = admin.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK, "other requests are not starved");
    let latest = admin.get(app.url("/latest")).send().await.unwrap();
    assert_eq!(latest.status(), StatusCode::OK);
    drop((share, more));
    let searched = admin
        .get(app.url("/api/v1/search?q=brakes"))
        .send()
        .await
        .unwrap();
    assert_eq!(searched.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_logo_and_the_preferences_have_their_api_operations() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let res = admin
        .put(app.url("/api/v1/brand/logo"))
        .header(CONTENT_TYPE, "image/png")
        .body(png)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let brand: Value = res.json().await.unwrap();
    let logo = brand["logo_url"].as_str().unwrap().to_owned();
    let res = reqwest::get(app.url(&logo)).await.unwrap();
    assert_eq!(res.headers()[CONTENT_TYPE], "image/png");
    // An SVG (it can carry scripts) and an empty body are refused at the field.
    let res = admin
        .put(app.url("/api/v1/brand/logo"))
        .header(CONTENT_TYPE, "image/svg+xml")
        .body("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    let member = app.member("logo_member", 5, vec![]).await;
    let res = member.delete(app.url("/api/v1/brand/logo")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = admin.delete(app.url("/api/v1/brand/logo")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.unwrap()["logo_url"].is_null());

    // The contract's /me/preferences answers like /me/notification-preferences.
    let a = app.get_json(&member, "/api/v1/me/preferences").await;
    let b = app.get_json(&member, "/api/v1/me/notification-preferences").await;
    assert_eq!(a, b);
    assert!(a["items"].as_array().is_some_and(|i| !i.is_empty()), "{a}");
    let first = a["items"][0]["topic"]
        .as_str()
        .or(a["items"][0]["key"].as_str())
        .unwrap_or("replies")
        .to_owned();
    let res = member
        .put(app.url("/api/v1/me/preferences"))
        .json(&serde_json::json!({ first.clone(): "never" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{first}");
}

/// Generated clients send `null` for optional fields they leave unset: the document says every optional field of
/// a request body is nullable, and the server takes `null` as "not given" (`POST /api/v1/events` with
/// `"tier": null` was refused as invalid JSON).
#[tokio::test]
async fn optional_fields_of_request_bodies_take_null() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let admits_null = |s: &Value| {
        s["type"] == "null"
            || s["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == "null"))
            || s["oneOf"]
                .as_array()
                .is_some_and(|v| v.iter().any(|v| v["type"] == "null"))
    };
    let mut bodies = std::collections::BTreeSet::new();
    for op in doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|i| i.as_object().unwrap().values())
    {
        if let Some(r) = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() {
            bodies.insert(r.trim_start_matches("#/components/schemas/").to_owned());
        }
    }
    assert!(bodies.len() > 40, "{bodies:?}");
    let mut not_nullable = Vec::new();
    for name in &bodies {
        let schema = &schemas[name];
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            if !required.contains(&field.as_str()) && !admits_null(property) {
                not_nullable.push(format!("{name}.{field}: {property}"));
            }
        }
    }
    assert!(
        not_nullable.is_empty(),
        "optional but not nullable: {not_nullable:#?}"
    );
    let event = &schemas["EventRequest"]["properties"];
    assert!(
        admits_null(&event["tier"]) && admits_null(&event["early_access_until"]),
        "{event}"
    );

    // The server agrees: an event with its optional fields null is created, as if they were left out.
    let staff = app.member("sam", 2, vec![domain::accounts::Role::Staff]).await;
    let res = app
        .post_json(
            &staff,
            "/api/v1/events",
            json!({"title": "Night ride", "description": null, "place": null, "link": null,
                   "starts_at": "2031-01-15T18:30:00Z", "ends_at": null, "capacity": 5, "tier": null,
                   "early_access_tier": null, "early_access_until": null}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let event: Value = res.json().await.unwrap();
    assert_eq!(
        (event["capacity"].as_i64(), event["tier"].is_null()),
        (Some(5), true),
        "{event}"
    );
    // A required field given as null is missing (a field error), never a 500.
    let (status, code, body) = error_code(
        app.post_json(
            &staff,
            "/api/v1/events",
            json!({"title": null, "starts_at": null, "capacity": 5}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{body}"
    );
    assert!(body["error"]["fields"]["title"].is_string(), "{body}");
}

/// The marks the topic page shows beside an author's name (staff and official, partner, fan-club tier) are in the
/// API's post objects too: in a thread, and in the answer to writing a post.
#[tokio::test]
async fn posts_in_the_api_carry_the_authors_marks() {
    use domain::accounts::Role;
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let staff = app.member("sam", 2, vec![Role::Staff]).await;
    let partner = app.member("pat", 3, vec![]).await;
    let fan = app.member("fan", 4, vec![]).await;
    let category = app.general_category(&admin).await;
    let pat: Value = partner
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = admin
        .put(app.url(&format!("/api/v1/users/{}/access", pat["id"])))
        .json(&json!({"roles": [], "partner_label": "Acme Rides", "reason": "dealer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post_json(
            &admin,
            "/api/v1/club/tiers",
            json!({"slug": "fan", "name": "Fan", "rank": 10, "min_reputation": 0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(
        fan.put(app.url("/api/v1/club/membership"))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );

    let topic: Value = app
        .post_json(
            &fan,
            "/api/v1/topics",
            json!({"category_id": category, "title": "Winter tyres for the commuter", "body": "Which ones do you run in the snow?"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let first = &topic["first_post"]["author"];
    assert_eq!(
        (
            first["club_member"].as_bool(),
            first["club_tier"].as_str(),
            first["official"].as_bool()
        ),
        (Some(true), Some("Fan"), Some(false)),
        "{topic}"
    );
    let path = format!("/api/v1/topics/{}/posts", topic["id"]);
    let reply: Value = app
        .post_json(
            &staff,
            &path,
            json!({"body": "We recommend the studded ones from November."}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            reply["author"]["official"].as_bool(),
            reply["author"]["role"].as_str()
        ),
        (Some(true), Some("staff")),
        "{reply}"
    );
    let res = app
        .post_json(&partner, &path, json!({"body": "We stock those in every size."}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let thread = app.get_json(&app.client(), &path).await;
    let authors: Vec<(String, Value)> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["author"]["username"].as_str().unwrap().to_owned(),
                p["author"]["badges"].clone(),
            )
        })
        .collect();
    assert_eq!(
        authors,
        vec![
            ("fan".to_owned(), json!(["Fan club · Fan"])),
            ("sam".to_owned(), json!(["Staff", "Official"])),
            ("pat".to_owned(), json!(["Partner · Acme Rides"])),
        ],
        "{thread}"
    );
    assert_eq!(thread["items"][2]["author"]["partner_label"], "Acme Rides");
    assert!(thread["items"][2]["author"]["role"].is_null());
}
