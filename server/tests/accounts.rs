//! Accounts end to end over HTTP: sign-up → e-mail on a real SMTP listener → verify → log-in → /me, and the
//! ways it must refuse.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, error_code};
use reqwest::StatusCode;
use reqwest::header::{RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn signup_verification_email_verify_login_me() {
    let app = TestApp::spawn().await;
    let client = app.client();

    let res = app
        .post_json(
            &client,
            "/api/v1/auth/signup",
            json!({"email": "Ada@Example.com", "username": "ada", "password": "analytical engine", "accept_policy": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["username"], "ada");
    assert_eq!(created["email_verified"], false);
    assert_eq!(created["status"], "verification_sent");

    // Not yet: the address is unconfirmed.
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "ada", "password": "analytical engine"}),
        )
        .await;
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "email_not_verified")
    );

    let mail = app
        .smtp
        .wait_for(
            "ada@example.com",
            "Confirm your e-mail address",
            Duration::from_secs(10),
        )
        .await;
    assert!(
        mail.data.contains("http://hearth.test/verify?token="),
        "{}",
        mail.data
    );
    assert!(mail.data.contains("multipart/alternative"));
    assert!(mail.from.starts_with("community@"));

    let res = app
        .post_json(&client, "/api/v1/auth/verify", json!({"token": mail.token()}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post_json(&client, "/api/v1/auth/verify", json!({"token": mail.token()}))
        .await;
    assert_eq!(error_code(res).await.1, "validation_failed", "a token works once");

    let res = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "ADA@example.com", "password": "analytical engine"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("hearth_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("hearth_session=");
    assert_eq!(value.len(), 22, "128 random bits, base64url");

    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "ada");
    assert_eq!(me["email"], "Ada@example.com");
    assert_eq!(me["roles"], json!(["member"]));
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["reputation"], 0);
    assert!(me["club_tier"].is_null());
}

#[tokio::test]
async fn wrong_password_and_unknown_account_answer_alike() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("grace").await;
    let client = app.client();
    let wrong = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "grace", "password": "not the password"}),
        )
        .await;
    let (s1, c1, b1) = error_code(wrong).await;
    let unknown = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "nobody", "password": "not the password"}),
        )
        .await;
    let (s2, c2, b2) = error_code(unknown).await;
    assert_eq!(
        (s1, c1.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    assert_eq!((s2, c2), (s1, c1));
    assert_eq!(b1["error"]["message"], b2["error"]["message"]);
    // and the right one still works
    app.logged_in("grace", &password).await;
}

#[tokio::test]
async fn a_registered_address_is_not_revealed_and_a_taken_username_is_a_conflict() {
    let app = TestApp::spawn().await;
    app.verified_member("linus").await;
    let client = app.client();
    let res = app
        .post_json(&client, "/api/v1/auth/signup", json!({"email": "LINUS@example.com", "username": "linus2", "password": "a fine passphrase", "accept_policy": true}))
        .await;
    // A registered address is answered like a new one (sign-up does not tell who has an account); its owner
    // gets an e-mail instead, and no second account exists.
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "verification_sent");
    let mail = app
        .smtp
        .wait_for(
            "linus@example.com",
            "You already have a",
            std::time::Duration::from_secs(10),
        )
        .await;
    assert!(mail.data.contains("forgot-password"), "{}", mail.data);
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "linus2", "password": "a fine passphrase"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "no account was created");

    let res = app
        .post_json(&client, "/api/v1/auth/signup", json!({"email": "other@example.com", "username": "Linus", "password": "a fine passphrase", "accept_policy": true}))
        .await;
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["fields"]["username"].is_string());
}

#[tokio::test]
async fn weak_passwords_and_bad_fields_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for (password, needle) in [
        ("short", "at least 8"),
        ("password123", "most common"),
        ("iloveyou", "most common"),
    ] {
        let res = app
            .post_json(&client, "/api/v1/auth/signup", json!({"email": "weak@example.com", "username": "weakling", "password": password, "accept_policy": true}))
            .await;
        let (status, code, body) = error_code(res).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "validation_failed")
        );
        assert!(
            body["error"]["fields"]["password"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{body}"
        );
    }
    // Missing fields and an unaccepted policy are field errors too, all at once.
    let res = app.post_json(&client, "/api/v1/auth/signup", json!({})).await;
    let (_, _, body) = error_code(res).await;
    for field in ["email", "username", "password", "accept_policy"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.smtp.all().is_empty(), "no mail for refused sign-ups");
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "weakling", "password": "password123"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "no account was created");
}

#[tokio::test]
async fn the_session_dies_with_logout_on_the_server() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("hedy").await;
    let client = app.client();
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/login",
            json!({"login": "hedy", "password": password}),
        )
        .await;
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    let replay = |path: &'static str| {
        let cookie = cookie.clone();
        let url = app.url(path);
        async move {
            reqwest::Client::new()
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(replay("/api/v1/me").await, StatusCode::OK);
    let res = client.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(
        res.headers()
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    // The old cookie, replayed by someone who kept it, is worthless.
    assert_eq!(replay("/api/v1/me").await, StatusCode::UNAUTHORIZED);
    let (status, code, _) = error_code(client.get(app.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
}

#[tokio::test]
async fn login_throttling_answers_429_and_spares_the_owner_elsewhere() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("owner").await;
    let attacker = app.client_from("127.0.0.2");
    let mut throttled = None;
    for _ in 0..12 {
        let res = app
            .post_json(
                &attacker,
                "/api/v1/auth/login",
                json!({"login": "owner", "password": "guess guess"}),
            )
            .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = res
                .headers()
                .get(RETRY_AFTER)
                .unwrap()
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            let (_, code, _) = error_code(res).await;
            assert_eq!(code, "rate_limited");
            throttled = Some(retry);
            break;
        }
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let retry = throttled.expect("the burst is throttled");
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    // The attacker's address stays blocked even with the right password…
    let res = app
        .post_json(
            &attacker,
            "/api/v1/auth/login",
            json!({"login": "owner", "password": password}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // …while the owner, from another address, logs in.
    let owner = app.client_from("127.0.0.3");
    let res = app
        .post_json(
            &owner,
            "/api/v1/auth/login",
            json!({"login": "owner", "password": password}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn password_reset_by_email_ends_every_session() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("rosalind").await;
    let old = app.logged_in("rosalind", &password).await;
    let client = app.client();
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/password-reset",
            json!({"email": "rosalind@example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/password-reset",
            json!({"email": "nobody@example.com"}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::ACCEPTED,
        "no hint whether an account exists"
    );
    let mail = app
        .smtp
        .wait_for("rosalind@example.com", "Reset your", Duration::from_secs(10))
        .await;
    assert!(mail.data.contains("/reset-password?token="));
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": mail.token(), "password": "abc"}),
        )
        .await;
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);
    let res = app
        .post_json(
            &client,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": mail.token(), "password": "double helix photo 51"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        old.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    app.logged_in("rosalind", "double helix photo 51").await;
}

#[tokio::test]
async fn personal_api_tokens_authenticate_until_revoked() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("tokenist").await;
    let client = app.logged_in("tokenist", &password).await;
    let res = app
        .post_json(
            &client,
            "/api/v1/tokens",
            json!({"name": "", "current_password": password}),
        )
        .await;
    assert_eq!(error_code(res).await.0, StatusCode::BAD_REQUEST);
    let res = app
        .post_json(
            &client,
            "/api/v1/tokens",
            json!({"name": "CRM sync", "scopes": ["write"], "current_password": password}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let token: Value = res.json().await.unwrap();
    let secret = token["token"].as_str().unwrap().to_owned();

    let bare = reqwest::Client::new();
    let me: Value = bare
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "tokenist");
    let listed: Value = client
        .get(app.url("/api/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["name"], "CRM sync");
    assert!(
        listed["items"][0].get("token").is_none(),
        "secrets are never listed"
    );

    let res = client
        .delete(app.url(&format!("/api/v1/tokens/{}", token["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = bare
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn profile_edits_and_public_profiles() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("barbara").await;
    let client = app.logged_in("barbara", &password).await;
    let res = client
        .patch(app.url("/api/v1/me"))
        .json(&json!({"display_name": "x".repeat(51)}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = error_code(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["display_name"].is_string());
    let res = client
        .patch(app.url("/api/v1/me"))
        .json(&json!({"display_name": "Barbara L.", "bio": "Compilers."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let profile: Value = reqwest::get(app.url("/api/v1/users/BARBARA"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile["display_name"], "Barbara L.");
    assert_eq!(profile["bio"], "Compilers.");
    assert!(profile.get("email").is_none(), "e-mail addresses are private");
    assert_eq!(profile["badges"], json!([]));
    let res = reqwest::get(app.url("/api/v1/users/nobody_here")).await.unwrap();
    assert_eq!(error_code(res).await.0, StatusCode::NOT_FOUND);
}
