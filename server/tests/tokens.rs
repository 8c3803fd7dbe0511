//! Personal API tokens over HTTP, as an integration holds them: scopes (never more than the owner's roles, 403
//! beyond them), expiry (401 after it), no token minted with a token, every token revoked by a new password,
//! a mentions-only token for a listening tool, and the settings page listing scopes and expiry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, created, error_code};
use domain::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "tk_mod passphrase here";

async fn token(app: &TestApp, owner: &reqwest::Client, scopes: Value, expires_at: Value) -> (i64, String) {
    let body = created(
        app.post_json(
            owner,
            "/api/v1/tokens",
            json!({"name": "integration", "scopes": scopes, "expires_at": expires_at, "current_password": PASSWORD}),
        )
        .await,
    )
    .await;
    (
        body["id"].as_i64().unwrap(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

fn bearer(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
}

#[tokio::test]
async fn scopes_limit_what_a_token_may_do() {
    let app = TestApp::spawn().await;
    let owner = app.member("tk_mod", 2, vec![Role::Moderator]).await;

    // Beyond the owner's roles, a wrong password, an expiry in the past: 400 naming the field.
    for (body, field) in [
        (
            json!({"name": "x", "scopes": ["admin"], "current_password": PASSWORD}),
            "scopes",
        ),
        (
            json!({"name": "x", "scopes": ["everything"], "current_password": PASSWORD}),
            "scopes",
        ),
        (
            json!({"name": "x", "current_password": "not my password"}),
            "current_password",
        ),
        (
            json!({"name": "x", "expires_at": "2020-01-01", "current_password": PASSWORD}),
            "expires_at",
        ),
    ] {
        let (status, _, err) = error_code(app.post_json(&owner, "/api/v1/tokens", body.clone()).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
        assert!(err["error"]["fields"][field].is_string(), "{body}: {err}");
    }

    // Read only (null scopes: the default): reads, but neither changes anything nor moderates.
    let (_, read) = token(&app, &owner, Value::Null, Value::Null).await;
    let me: Value = bearer(&app, reqwest::Method::GET, "/api/v1/me", &read)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "tk_mod");
    let res = bearer(&app, reqwest::Method::PATCH, "/api/v1/me", &read)
        .json(&json!({"display_name": "Changed"}))
        .send()
        .await
        .unwrap();
    let (status, code, body) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("write scope"));
    let res = bearer(&app, reqwest::Method::GET, "/api/v1/moderation/queue", &read)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the moderator role needs the moderation scope"
    );

    // With moderation: the queue opens.
    let (_, moderating) = token(&app, &owner, json!(["moderation"]), Value::Null).await;
    let res = bearer(
        &app,
        reqwest::Method::GET,
        "/api/v1/moderation/queue",
        &moderating,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // A token cannot mint tokens.
    let res = bearer(&app, reqwest::Method::POST, "/api/v1/tokens", &moderating)
        .json(&json!({"name": "child", "scopes": ["write"], "current_password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The list shows scopes and expiry; the settings page too.
    let listed = app.get_json(&owner, "/api/v1/tokens").await;
    let scopes: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["scopes"])
        .collect();
    assert!(scopes.contains(&&json!(["read", "moderation"])), "{listed}");
    let page = owner
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("read, moderation") && page.contains("name=\"scope_moderation\""));
    assert!(
        !page.contains("name=\"scope_admin\""),
        "only what the owner may grant is offered"
    );
}

#[tokio::test]
async fn tokens_expire_and_a_new_password_revokes_them() {
    let app = TestApp::spawn().await;
    let owner = app.member("tk_mod", 2, vec![Role::Moderator]).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let (id, expiring) = token(&app, &owner, json!(["write"]), json!(tomorrow)).await;
    let (_, lasting) = token(&app, &owner, json!(["write"]), Value::Null).await;
    let ok = |t: String| {
        let app_url = app.url("/api/v1/me");
        async move {
            reqwest::Client::new()
                .get(app_url)
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(ok(expiring.clone()).await, StatusCode::OK);
    let mut conn = domain::db::conn(app.hearth.db()).await.unwrap();
    use diesel_async::RunQueryDsl;
    diesel::sql_query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1")
        .bind::<diesel::sql_types::BigInt, _>(id)
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(ok(expiring).await, StatusCode::UNAUTHORIZED, "expired");
    assert_eq!(ok(lasting.clone()).await, StatusCode::OK);

    let res = app
        .post_json(
            &owner,
            "/api/v1/auth/password",
            json!({"current_password": PASSWORD, "new_password": "an entirely new passphrase"}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        ok(lasting).await,
        StatusCode::UNAUTHORIZED,
        "revoked by the new password"
    );
    let mail = app
        .smtp
        .wait_for(
            "tk_mod@example.com",
            "password was changed",
            std::time::Duration::from_secs(10),
        )
        .await;
    assert!(mail.data.contains("API token was revoked"), "{}", mail.data);
}

#[tokio::test]
async fn a_mentions_token_sends_mentions_and_nothing_else() {
    let app = TestApp::spawn().await;
    let staff = app.member("tk_staff", 3, vec![Role::Staff]).await;
    let body = created(
        app.post_json(
            &staff,
            "/api/v1/tokens",
            json!({"name": "listening tool", "scopes": ["mentions"], "current_password": "tk_staff passphrase here"}),
        )
        .await,
    )
    .await;
    let secret = body["token"].as_str().unwrap().to_owned();
    let mention = json!({
        "source": "twitter", "external_id": "t1", "url": "https://social.example/t1", "author_handle": "@rider",
        "text": "Loving the new saddle", "posted_at": chrono::Utc::now().to_rfc3339(), "sentiment": null,
    });
    let res = bearer(&app, reqwest::Method::POST, "/api/v1/mentions", &secret)
        .json(&mention)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = bearer(&app, reqwest::Method::GET, "/api/v1/staff/inbox", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the staff role is not in a mentions token"
    );
    let res = bearer(&app, reqwest::Method::POST, "/api/v1/topics", &secret)
        .json(&json!({"category_id": 1, "title": "Not allowed at all", "body": "Nope."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A member cannot grant it.
    let member = app.member("tk_member", 4, vec![]).await;
    let (status, _, err) = error_code(
        app.post_json(
            &member,
            "/api/v1/tokens",
            json!({"name": "x", "scopes": ["mentions"], "current_password": "tk_member passphrase here"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"]["fields"]["scopes"].is_string());
}

/// The settings page's token form without JavaScript: a plain post, errors back at their fields, and the new
/// secret shown once on the page after the redirect (never in a URL).
#[tokio::test]
async fn the_settings_form_creates_a_token_and_shows_its_secret_once() {
    let app = TestApp::spawn().await;
    let owner = app.member("tk_mod", 6, vec![Role::Moderator]).await;
    let form = |password: &str| {
        vec![
            ("name", "CRM sync".to_owned()),
            ("scope_write", "on".to_owned()),
            ("token_password", password.to_owned()),
        ]
    };
    let res = owner
        .post(app.url("/api/account/tokens/create"))
        .header(reqwest::header::REFERER, app.url("/settings"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&form("not my password"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(!back.contains("hrth_"));
    let back = if back.starts_with("http") {
        back
    } else {
        app.url(&back)
    };
    let html = owner.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains(r#"id="f-token-password-error""#),
        "the password's error sits at its field"
    );
    assert!(html.contains(r#"value="CRM sync""#), "the name typed is kept");

    let res = owner
        .post(app.url("/api/account/tokens/create"))
        .header(reqwest::header::REFERER, app.url("/settings"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&form(PASSWORD))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/settings?token=created"), "{location}");
    assert!(!location.contains("hrth_"), "the secret never travels in a URL");
    let html = owner
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = r#"class="token-secret">"#;
    let start = html.find(marker).expect("the new secret is shown") + marker.len();
    let secret: String = html[start..].chars().take_while(|c| *c != '<').collect();
    // It works, with the scopes ticked.
    let res = bearer(&app, reqwest::Method::GET, "/api/v1/me", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let listed = app.get_json(&owner, "/api/v1/tokens").await;
    assert!(listed.to_string().contains("write"), "{listed}");
    // Shown once: the next visit does not show it again.
    let html = owner
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains(&secret));
}
