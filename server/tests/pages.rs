//! Server-rendered pages and the plain-HTML (no JavaScript) form posts behind them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LOCATION, REFERER, SET_COOKIE};

#[tokio::test]
async fn pages_render_with_the_brand_landmarks_and_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/signup",
        "/login",
        "/forgot-password",
        "/policy",
        "/signup/check-email",
        "/verify?token=x",
    ] {
        let res = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        for header in [
            "x-content-type-options",
            "x-frame-options",
            "referrer-policy",
            "content-security-policy",
        ] {
            assert!(res.headers().get(header).is_some(), "{header} on {path}");
        }
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = res.text().await.unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .expect("a script nonce");
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: the hydration script carries the nonce"
        );
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{path}");
        assert!(html.contains("<html lang=\"en\""), "{path}");
        assert!(html.contains("<main id=\"main\""), "{path}");
        assert!(html.contains("Skip to content"), "{path}");
        assert!(html.contains("Hearth"), "{path}: brand name");
        assert!(html.contains("/pkg/hearth.js"), "{path}: hydration script");
    }
    let signup = reqwest::get(app.url("/signup"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(signup.contains("<label for=\"f-email\""));
    assert!(signup.contains("id=\"f-email\""));
    assert!(signup.contains("<leptos-island"), "the form is an island");
}

#[tokio::test]
async fn unknown_pages_are_404_and_private_pages_need_the_right_person() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Page not found"));
    let res = reqwest::get(app.url("/u/nobody")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let anonymous = app.client();
    for path in ["/settings", "/admin"] {
        let res = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{path}");
        assert!(
            res.headers()[LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login?next=")
        );
    }
    let password = app.verified_member("member").await;
    let member = app.logged_in("member", &password).await;
    assert_eq!(
        member.get(app.url("/admin")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let settings = member.get(app.url("/settings")).send().await.unwrap();
    assert_eq!(settings.status(), StatusCode::OK);
    assert!(settings.text().await.unwrap().contains("member@example.com"));
    let admin = app.admin().await;
    let res = admin.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Members and roles"));
    let profile = reqwest::get(app.url("/u/member")).await.unwrap();
    assert_eq!(profile.status(), StatusCode::OK);
}

#[tokio::test]
async fn plain_form_posts_log_in_and_bring_errors_back_to_the_page() {
    let app = TestApp::spawn().await;
    let password = app.verified_member("formuser").await;
    let client = app.client();

    // A failed plain post returns to the form with the error in the URL; the page shows it by the field.
    let res = client
        .post(app.url("/api/account/login"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/login"))
        .form(&[
            ("login", "formuser"),
            ("password", "wrong password!"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(back.contains("/login?") && back.contains("__err="), "{back}");
    let page = client.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("do not match an account"),
        "the error is on the page"
    );
    assert!(page.contains("value=\"formuser\""), "the typed login is kept");

    // A successful one sets the session cookie and goes where `next` says (only local paths).
    let res = client
        .post(app.url("/api/account/login"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/login"))
        .form(&[
            ("login", "formuser"),
            ("password", password.as_str()),
            ("next", "/\t/evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[LOCATION], "/");
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let home = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Log out"), "signed in");

    // Log-out through the header's form ends the session.
    let res = client
        .post(app.url("/api/account/logout"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let home = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Sign up") && !home.contains("Log out"));
}

#[tokio::test]
async fn script_requests_to_server_functions_get_error_statuses() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .post(app.url("/api/account/signup"))
        .form(&[("email", "nope"), ("username", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    for field in ["email", "username", "password", "accept_policy"] {
        assert!(body["fields"][field].is_string(), "{field}");
    }
}

fn logo_form(bytes: Vec<u8>, file_name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "logo",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
    )
}

#[tokio::test]
async fn admins_upload_a_logo_that_every_page_shows() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[7u8; 300]);

    let res = admin
        .post(app.url("/admin/brand/logo"))
        .multipart(logo_form(png.clone(), "logo.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/admin?saved=logo");
    let logo = reqwest::get(app.url("/brand/logo")).await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert!(
        logo.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(logo.bytes().await.unwrap().to_vec(), png);
    let home = reqwest::get(app.url("/")).await.unwrap().text().await.unwrap();
    assert!(home.contains("/brand/logo?v="), "the header shows the logo");

    // Scripts in SVG, oversized files and members are all refused; the logo stays.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    let res = admin
        .post(app.url("/admin/brand/logo"))
        .multipart(logo_form(svg, "logo.svg"))
        .send()
        .await
        .unwrap();
    assert!(res.headers()[LOCATION].to_str().unwrap().contains("logo_error="));
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(300 * 1024, 0);
    let res = admin
        .post(app.url("/admin/brand/logo"))
        .multipart(logo_form(huge, "big.png"))
        .send()
        .await
        .unwrap();
    assert!(res.headers()[LOCATION].to_str().unwrap().contains("256%20KB"));
    let password = app.verified_member("notadmin").await;
    let member = app.logged_in("notadmin", &password).await;
    let res = member
        .post(app.url("/admin/brand/logo"))
        .multipart(logo_form(vec![1, 2, 3], "x.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        reqwest::get(app.url("/brand/logo"))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec(),
        png
    );
}

#[tokio::test]
async fn browser_navigations_to_refused_pages_get_their_status() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    // Browsers send Accept: text/html; the status must still say what happened.
    let res = client
        .get(app.url("/u/nobody"))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = client
        .get(app.url("/t/999999"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
