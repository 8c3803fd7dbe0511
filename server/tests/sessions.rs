//! The sessions page and its API: where a member is signed in (device, address, since, last seen), ending one
//! session or every other; a member's sessions are theirs only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

async fn signed_in(app: &TestApp, ip: &str, agent: &str, login: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .user_agent(agent)
        .build()
        .unwrap();
    let res = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": login, "password": format!("{login} passphrase here")}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    client
}

#[tokio::test]
async fn a_member_sees_their_devices_and_ends_one_or_every_other() {
    let app = TestApp::spawn().await;
    app.member("roaming", 2, vec![]).await; // a first session, from 127.0.0.2 without a browser name
    let laptop = signed_in(&app, "127.0.0.3", FIREFOX, "roaming").await;
    let phone = signed_in(&app, "127.0.0.4", SAFARI, "roaming").await;

    let list = app.get_json(&laptop, "/api/v1/me/sessions").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{list}");
    let current: Vec<&Value> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Firefox on Linux");
    assert_eq!(current[0]["ip"], "127.0.0.3");
    let phone_session = items.iter().find(|s| s["ip"] == "127.0.0.4").unwrap();
    assert!(
        phone_session["device"].as_str().unwrap().contains("Safari"),
        "{phone_session}"
    );
    assert!(phone_session["last_seen_at"].is_string());

    // Ending the phone's session signs the phone out, and only it.
    let id = phone_session["id"].as_str().unwrap();
    let res = laptop
        .delete(app.url(&format!("/api/v1/me/sessions/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        phone.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        laptop.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::OK
    );

    // Another member's session cannot be ended by id (nor seen).
    let other = app.member("bystander", 5, vec![]).await;
    let theirs = app.get_json(&other, "/api/v1/me/sessions").await;
    let their_id = theirs["items"][0]["id"].as_str().unwrap().to_owned();
    let res = laptop
        .delete(app.url(&format!("/api/v1/me/sessions/{their_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::OK
    );

    // The page lists the devices; its plain form ends every other session.
    let html = laptop
        .get(app.url("/settings/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Firefox on Linux") && html.contains("this device"),
        "{html}"
    );
    let res = laptop
        .post(app.url("/api/account/sessions/end-others"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, app.url("/settings/sessions"))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let list = app.get_json(&laptop, "/api/v1/me/sessions").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
}
