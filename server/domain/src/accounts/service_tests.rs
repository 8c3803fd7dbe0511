//! Account services against a real PostgreSQL and Redis (a fresh database per test).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::*;
use crate::schema::{audit_log, mail_outbox};
use crate::{DomainError, Hearth, db, testing};

fn client(ip: &str) -> ClientMeta {
    ClientMeta {
        ip: ip.into(),
        user_agent: "test".into(),
    }
}

fn signup_input(name: &str) -> SignupInput {
    SignupInput {
        email: format!("{name}@example.com"),
        username: name.into(),
        password: "a sturdy passphrase".into(),
        accept_policy: true,
    }
}

/// The token in the newest mail to `to` (the link's `token=` parameter).
async fn token_from_outbox(hearth: &Hearth, to: &str, kind: &str) -> String {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let text: String = mail_outbox::table
        .filter(mail_outbox::to_address.eq(to))
        .filter(mail_outbox::kind.eq(kind))
        .order(mail_outbox::id.desc())
        .select(mail_outbox::text_body)
        .first(&mut conn)
        .await
        .unwrap();
    let start = text.find("token=").unwrap() + "token=".len();
    text[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn signup_verify_login_logout() {
    let (hearth, _db) = testing::hearth().await;
    let user = signup(&hearth, &signup_input("ada"), &client("10.0.0.1"))
        .await
        .unwrap()
        .created()
        .unwrap();
    assert!(user.email_verified_at.is_none());
    assert_eq!(user.accepted_policy_version, Some(1));

    let login_input = LoginInput {
        login: "ADA@example.com".into(),
        password: "a sturdy passphrase".into(),
    };
    let err = login(&hearth, &login_input, &client("10.0.0.1"))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::EmailNotVerified), "{err:?}");

    let token = token_from_outbox(&hearth, "ada@example.com", "verify_email").await;
    let verified = verify_email(&hearth, &token).await.unwrap();
    assert!(verified.email_verified_at.is_some());
    // a token works once
    assert!(matches!(
        verify_email(&hearth, &token).await,
        Err(DomainError::Invalid(_))
    ));

    let (row, cookie) = login(&hearth, &login_input, &client("10.0.0.1")).await.unwrap();
    assert_eq!(row.id, user.id);
    let actor = actor_for_session(&hearth, &cookie).await.unwrap().unwrap();
    assert_eq!(actor.username, "ada");
    // by username too, any case
    let by_name = LoginInput {
        login: "Ada".into(),
        password: "a sturdy passphrase".into(),
    };
    assert!(login(&hearth, &by_name, &client("10.0.0.1")).await.is_ok());

    logout(&hearth, &actor).await.unwrap();
    assert!(actor_for_session(&hearth, &cookie).await.unwrap().is_none());
}

#[tokio::test]
async fn signup_reports_every_bad_field_and_changes_nothing() {
    let (hearth, _db) = testing::hearth().await;
    let bad = SignupInput {
        email: "nope".into(),
        username: "a".into(),
        password: "password".into(),
        accept_policy: false,
    };
    let err = signup(&hearth, &bad, &client("10.0.0.2")).await.unwrap_err();
    let fields = err.fields();
    for field in ["email", "username", "password", "accept_policy"] {
        assert!(fields.contains_key(field), "{field} missing: {fields:?}");
    }
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let users: i64 = crate::schema::users::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    let mails: i64 = mail_outbox::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!((users, mails), (0, 0));
}

#[tokio::test]
async fn duplicates_are_conflicts_on_their_field() {
    let (hearth, _db) = testing::hearth().await;
    signup(&hearth, &signup_input("grace"), &client("10.0.0.3"))
        .await
        .unwrap();
    // A registered address: answered like a new one (no enumeration), nothing created, its owner e-mailed.
    let mut same_email = signup_input("grace2");
    same_email.email = "GRACE@example.com".into();
    let outcome = signup(&hearth, &same_email, &client("10.0.0.3")).await.unwrap();
    assert!(matches!(outcome, SignupOutcome::AddressTaken), "{outcome:?}");
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let grace2: i64 = crate::schema::users::table
        .filter(crate::schema::users::username.eq("grace2"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(grace2, 0);
    let told: Vec<String> = mail_outbox::table
        .filter(mail_outbox::kind.eq("signup_existing"))
        .select(mail_outbox::to_address)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(told, vec!["grace@example.com".to_owned()]);
    let mut same_name = signup_input("Grace");
    same_name.email = "other@example.com".into();
    let err = signup(&hearth, &same_name, &client("10.0.0.3"))
        .await
        .unwrap_err();
    assert!(err.fields().contains_key("username"), "{err:?}");
}

#[tokio::test]
async fn concurrent_signups_with_one_address_create_one_account() {
    let (hearth, _db) = testing::hearth().await;
    let attempts = (0..8).map(|i| {
        let hearth = hearth.clone();
        async move {
            let mut input = signup_input(&format!("twin{i}"));
            input.email = "twin@example.com".into();
            signup(&hearth, &input, &client(&format!("10.1.0.{i}"))).await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    assert_eq!(
        results
            .iter()
            .filter(|r| matches!(r, Ok(SignupOutcome::Created(_))))
            .count(),
        1
    );
    assert!(results.iter().all(|r| matches!(
        r,
        Ok(SignupOutcome::Created(_)) | Ok(SignupOutcome::AddressTaken) | Err(DomainError::Conflict { .. })
    )));
}

#[tokio::test]
async fn login_throttling_spares_the_owner_on_another_address() {
    let (hearth, _db) = testing::hearth().await;
    let user = create_verified(
        &hearth,
        &NewAccount {
            email: "owner@example.com".into(),
            username: "owner".into(),
            password: "the owner's passphrase".into(),
            roles: vec![],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let wrong = LoginInput {
        login: "owner".into(),
        password: "guess guess".into(),
    };
    let mut limited = None;
    for _ in 0..10 {
        match login(&hearth, &wrong, &client("203.0.113.9")).await {
            Err(DomainError::InvalidCredentials) => {}
            Err(DomainError::RateLimited { retry_after }) => {
                limited = Some(retry_after);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let retry_after = limited.expect("the attacker is throttled");
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    // even the right password is refused from the attacker's address while throttled
    let right = LoginInput {
        login: "owner".into(),
        password: "the owner's passphrase".into(),
    };
    assert!(matches!(
        login(&hearth, &right, &client("203.0.113.9")).await,
        Err(DomainError::RateLimited { .. })
    ));
    // the owner elsewhere logs in
    let (row, _) = login(&hearth, &right, &client("198.51.100.7")).await.unwrap();
    assert_eq!(row.id, user.id);
}

#[tokio::test]
async fn password_reset_ends_sessions_and_works_once() {
    let (hearth, _db) = testing::hearth().await;
    create_verified(
        &hearth,
        &NewAccount {
            email: "reset@example.com".into(),
            username: "resetter".into(),
            password: "the first passphrase".into(),
            roles: vec![],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let creds = LoginInput {
        login: "resetter".into(),
        password: "the first passphrase".into(),
    };
    let (_, cookie) = login(&hearth, &creds, &client("10.0.0.5")).await.unwrap();

    // unknown addresses answer the same
    request_password_reset(&hearth, "nobody@example.com", &client("10.0.0.5"))
        .await
        .unwrap();
    request_password_reset(&hearth, "RESET@example.com", &client("10.0.0.5"))
        .await
        .unwrap();
    let token = token_from_outbox(&hearth, "reset@example.com", "password_reset").await;

    let weak = confirm_password_reset(&hearth, &token, "12345678")
        .await
        .unwrap_err();
    assert!(weak.fields().contains_key("password"));
    confirm_password_reset(&hearth, &token, "the second passphrase")
        .await
        .unwrap();
    assert!(
        actor_for_session(&hearth, &cookie).await.unwrap().is_none(),
        "old sessions end"
    );
    assert!(
        confirm_password_reset(&hearth, &token, "the third passphrase")
            .await
            .is_err(),
        "token used"
    );

    assert!(matches!(
        login(&hearth, &creds, &client("10.0.0.5")).await,
        Err(DomainError::InvalidCredentials)
    ));
    let new_creds = LoginInput {
        login: "resetter".into(),
        password: "the second passphrase".into(),
    };
    assert!(login(&hearth, &new_creds, &client("10.0.0.5")).await.is_ok());
}

#[tokio::test]
async fn change_password_keeps_this_session_only() {
    let (hearth, _db) = testing::hearth().await;
    create_verified(
        &hearth,
        &NewAccount {
            email: "cp@example.com".into(),
            username: "changer".into(),
            password: "the first passphrase".into(),
            roles: vec![],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let creds = LoginInput {
        login: "changer".into(),
        password: "the first passphrase".into(),
    };
    let (_, here) = login(&hearth, &creds, &client("10.0.0.6")).await.unwrap();
    let (_, elsewhere) = login(&hearth, &creds, &client("10.0.0.7")).await.unwrap();
    let actor = actor_for_session(&hearth, &here).await.unwrap().unwrap();

    let err = change_password(&hearth, &actor, "wrong one!", "the second passphrase")
        .await
        .unwrap_err();
    assert!(err.fields().contains_key("current_password"));
    change_password(&hearth, &actor, "the first passphrase", "the second passphrase")
        .await
        .unwrap();
    assert!(actor_for_session(&hearth, &here).await.unwrap().is_some());
    assert!(actor_for_session(&hearth, &elsewhere).await.unwrap().is_none());
    assert_eq!(token_from_outbox_kind_count(&hearth, "password_changed").await, 1);
}

async fn token_from_outbox_kind_count(hearth: &Hearth, kind: &str) -> i64 {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    mail_outbox::table
        .filter(mail_outbox::kind.eq(kind))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn roles_are_admin_only_and_audited() {
    let (hearth, _db) = testing::hearth().await;
    let admin_row = create_verified(
        &hearth,
        &NewAccount {
            email: "root@example.com".into(),
            username: "boss".into(),
            password: "admin passphrase".into(),
            roles: vec![Role::Admin],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let member_row = create_verified(
        &hearth,
        &NewAccount {
            email: "m@example.com".into(),
            username: "member1".into(),
            password: "member passphrase".into(),
            roles: vec![],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let admin = Actor::from_row(&admin_row, AuthMethod::Session { key: "k".into() });
    let member = Actor::from_row(&member_row, AuthMethod::Session { key: "k2".into() });
    let grant = |roles: Vec<Role>, partner: &str| AccessInput {
        roles,
        partner_label: partner.into(),
    };
    assert!(matches!(
        set_access(&hearth, &member, member_row.id, &grant(vec![Role::Admin], ""), "").await,
        Err(DomainError::Forbidden(_))
    ));
    let updated = set_access(
        &hearth,
        &admin,
        member_row.id,
        &grant(vec![Role::Staff], " Acme Rides "),
        "joined support",
    )
    .await
    .unwrap();
    assert_eq!(Roles::from_db(&updated.roles).names(), vec!["member", "staff"]);
    assert_eq!(updated.partner_label.as_deref(), Some("Acme Rides"));
    assert!(
        set_access(&hearth, &admin, admin_row.id, &grant(vec![], ""), "")
            .await
            .is_err(),
        "cannot demote oneself"
    );
    let found = search_members(&hearth, &admin, "MEM", None, 10).await.unwrap();
    assert_eq!(
        found.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(),
        vec!["member1"]
    );
    assert!(search_members(&hearth, &member, "", None, 10).await.is_err());

    let mut conn = db::conn(hearth.db()).await.unwrap();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::actor_id.eq(admin_row.id))
        .select(audit_log::action)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(actions, vec!["user.set_access"]);
    // the audit log refuses to be rewritten
    assert!(diesel::delete(audit_log::table).execute(&mut conn).await.is_err());
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked() {
    let (hearth, _db) = testing::hearth().await;
    let row = create_verified(
        &hearth,
        &NewAccount {
            email: "t@example.com".into(),
            username: "tokenuser".into(),
            password: "token passphrase".into(),
            roles: vec![],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let actor = Actor::from_row(&row, AuthMethod::Session { key: "k".into() });
    let new = |name: &str| api_tokens::NewToken {
        name: name.into(),
        scopes: vec!["read".into(), "write".into()],
        expires_at: None,
        current_password: "token passphrase".into(),
    };
    assert!(api_tokens::create(&hearth, &actor, &new("   ")).await.is_err());
    let (token, secret) = api_tokens::create(&hearth, &actor, &new("CRM sync"))
        .await
        .unwrap();
    assert!(secret.starts_with("hrth_"));
    let via_token = api_tokens::actor_for_token(&hearth, &secret)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(via_token.id, row.id);
    assert!(
        api_tokens::actor_for_token(&hearth, "hrth_forged")
            .await
            .unwrap()
            .is_none()
    );
    api_tokens::revoke(&hearth, &actor, token.id).await.unwrap();
    assert!(
        api_tokens::actor_for_token(&hearth, &secret)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn password_reset_works_for_a_member_without_sessions() {
    let (hearth, _db) = testing::hearth().await;
    let input = signup_input("nosession");
    signup(&hearth, &input, &client("10.0.0.8")).await.unwrap();
    request_password_reset(&hearth, "nosession@example.com", &client("10.0.0.8"))
        .await
        .unwrap();
    let token = token_from_outbox(&hearth, "nosession@example.com", "password_reset").await;
    let user = confirm_password_reset(&hearth, &token, "a brand new passphrase")
        .await
        .unwrap();
    assert!(
        user.email_verified_at.is_some(),
        "reading the reset mail proves the address"
    );
    let creds = LoginInput {
        login: "nosession".into(),
        password: "a brand new passphrase".into(),
    };
    assert!(login(&hearth, &creds, &client("10.0.0.8")).await.is_ok());
}

async fn owner_account(hearth: &Hearth) -> UserRow {
    create_verified(
        hearth,
        &NewAccount {
            email: "target@example.com".into(),
            username: "target".into(),
            password: "the real passphrase".into(),
            roles: vec![],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_parallel_burst_from_one_address_is_counted_before_it_is_checked() {
    let (hearth, _db) = testing::hearth().await;
    owner_account(&hearth).await;
    let burst = (0..60).map(|_| {
        let hearth = hearth.clone();
        async move {
            let wrong = LoginInput {
                login: "target".into(),
                password: "guess guess".into(),
            };
            login(&hearth, &wrong, &client("203.0.113.50")).await
        }
    });
    let results = futures_util::future::join_all(burst).await;
    let evaluated = results
        .iter()
        .filter(|r| matches!(r, Err(DomainError::InvalidCredentials)))
        .count();
    assert!(
        evaluated <= LOGIN_PER_ACCOUNT_AND_IP.max as usize,
        "{evaluated} passwords were checked"
    );
    let right = LoginInput {
        login: "target".into(),
        password: "the real passphrase".into(),
    };
    assert!(
        login(&hearth, &right, &client("198.51.100.1")).await.is_ok(),
        "the owner elsewhere is not locked out"
    );
}

#[tokio::test]
async fn a_distributed_attack_stops_unknown_addresses_but_not_the_owners_own() {
    let (hearth, _db) = testing::hearth().await;
    owner_account(&hearth).await;
    let right = LoginInput {
        login: "target@example.com".into(),
        password: "the real passphrase".into(),
    };
    login(&hearth, &right, &client("192.0.2.10")).await.unwrap(); // the owner's usual address
    let wrong = LoginInput {
        login: "target".into(),
        password: "guess guess".into(),
    };
    for i in 0..LOGIN_PER_ACCOUNT.max {
        let _ = login(&hearth, &wrong, &client(&format!("10.9.{}.{}", i / 200, i % 200))).await;
    }
    // A fresh address is now refused for this account…
    assert!(matches!(
        login(&hearth, &wrong, &client("10.99.0.1")).await,
        Err(DomainError::RateLimited { .. })
    ));
    // …the owner's known address is not, whichever name they log in with.
    let by_name = LoginInput {
        login: "TARGET".into(),
        password: "the real passphrase".into(),
    };
    assert!(login(&hearth, &by_name, &client("192.0.2.10")).await.is_ok());
}

#[tokio::test]
async fn every_session_stays_reachable_for_destroy_all() {
    let (hearth, _db) = testing::hearth().await;
    let user = owner_account(&hearth).await;
    let a = sessions::create(hearth.kv(), user.id, "1.1.1.1", "a")
        .await
        .unwrap();
    let b = sessions::create(hearth.kv(), user.id, "2.2.2.2", "b")
        .await
        .unwrap();
    let mut redis = hearth.kv().conn();
    let ttl: i64 = redis::cmd("TTL")
        .arg(hearth.kv().key(&format!("user_sessions:{}", user.id)))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(ttl, -1, "the index outlives any single session");
    assert_eq!(sessions::list(hearth.kv(), user.id).await.unwrap().len(), 2);
    sessions::destroy_all(hearth.kv(), user.id, None).await.unwrap();
    assert!(sessions::load(hearth.kv(), &a).await.unwrap().is_none());
    assert!(sessions::load(hearth.kv(), &b).await.unwrap().is_none());
}

#[tokio::test]
async fn nul_bytes_and_control_characters_are_field_errors() {
    let (hearth, _db) = testing::hearth().await;
    let user = owner_account(&hearth).await;
    let actor = Actor::from_row(&user, AuthMethod::Session { key: "k".into() });
    let login_err = login(
        &hearth,
        &LoginInput {
            login: "tar\0get".into(),
            password: "x".into(),
        },
        &client("1.2.3.4"),
    )
    .await
    .unwrap_err();
    assert!(login_err.fields().contains_key("login"));
    let bio = update_profile(
        &hearth,
        &actor,
        &ProfileInput {
            display_name: String::new(),
            bio: "hi\0".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(bio.fields().contains_key("bio"));
    assert!(
        api_tokens::create(
            &hearth,
            &actor,
            &api_tokens::NewToken {
                name: "bad\u{1b}name".into(),
                current_password: "the real passphrase".into(),
                ..Default::default()
            }
        )
        .await
        .unwrap_err()
        .fields()
        .contains_key("name")
    );
    assert!(find_by_username(&hearth, "tar\0get").await.unwrap().is_none());
}

#[tokio::test]
async fn a_password_reset_revokes_api_tokens() {
    let (hearth, _db) = testing::hearth().await;
    let user = owner_account(&hearth).await;
    let actor = Actor::from_row(&user, AuthMethod::Session { key: "k".into() });
    let (_, secret) = api_tokens::create(
        &hearth,
        &actor,
        &api_tokens::NewToken {
            name: "intruder's".into(),
            current_password: "the real passphrase".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    request_password_reset(&hearth, "target@example.com", &client("1.2.3.4"))
        .await
        .unwrap();
    let token = token_from_outbox(&hearth, "target@example.com", "password_reset").await;
    confirm_password_reset(&hearth, &token, "a recovered passphrase")
        .await
        .unwrap();
    assert!(
        api_tokens::actor_for_token(&hearth, &secret)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn token_scopes_expiry_and_minting_rules() {
    use api_tokens::{NewToken, Scope, check_request};
    let (hearth, _db) = testing::hearth().await;
    let row = create_verified(
        &hearth,
        &NewAccount {
            email: "mod@example.com".into(),
            username: "scoped_mod".into(),
            password: "moderator passphrase".into(),
            roles: vec![crate::accounts::Role::Moderator],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let actor = Actor::from_row(&row, AuthMethod::Session { key: "k".into() });
    let new = |scopes: &[&str], expires: Option<&str>, password: &str| NewToken {
        name: "integration".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        expires_at: expires.map(str::to_owned),
        current_password: password.into(),
    };
    // Never more than the owner's roles; a wrong password; a past expiry: field errors, nothing created.
    let err = api_tokens::create(&hearth, &actor, &new(&["admin"], None, "moderator passphrase"))
        .await
        .unwrap_err();
    assert!(err.fields().contains_key("scopes"), "{err:?}");
    let err = api_tokens::create(&hearth, &actor, &new(&["read"], None, "wrong passphrase"))
        .await
        .unwrap_err();
    assert!(err.fields().contains_key("current_password"));
    let err = api_tokens::create(
        &hearth,
        &actor,
        &new(&["read"], Some("2020-01-01"), "moderator passphrase"),
    )
    .await
    .unwrap_err();
    assert!(err.fields().contains_key("expires_at"));
    assert!(api_tokens::list(&hearth, &actor).await.unwrap().is_empty());

    // A read-only token: the owner's moderator role is not carried; changes are refused.
    let (_, read_only) = api_tokens::create(&hearth, &actor, &new(&[], None, "moderator passphrase"))
        .await
        .unwrap();
    let via = api_tokens::actor_for_token(&hearth, &read_only)
        .await
        .unwrap()
        .unwrap();
    assert!(!via.roles.is_moderator());
    assert!(check_request(&via, false, "/api/v1/me").is_ok());
    assert!(matches!(
        check_request(&via, true, "/api/v1/topics"),
        Err(DomainError::Forbidden(_))
    ));
    // A token cannot create tokens.
    let err = api_tokens::create(&hearth, &via, &new(&["read"], None, "moderator passphrase"))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)));

    // Moderation and write: the role is kept, changes are allowed.
    let err = api_tokens::create(
        &hearth,
        &actor,
        &new(
            &["write", "moderation"],
            Some("2099-01-01T00:00:00Z"),
            "moderator passphrase",
        ),
    )
    .await
    .unwrap_err();
    assert!(
        err.fields().contains_key("expires_at"),
        "more than a year ahead is refused"
    );
    let in_a_month = (chrono::Utc::now() + chrono::Duration::days(30))
        .date_naive()
        .to_string();
    let (token, moderating) = api_tokens::create(
        &hearth,
        &actor,
        &new(
            &["write", "moderation"],
            Some(&in_a_month),
            "moderator passphrase",
        ),
    )
    .await
    .unwrap();
    assert_eq!(token.scopes, vec!["read", "write", "moderation"]);
    let via = api_tokens::actor_for_token(&hearth, &moderating)
        .await
        .unwrap()
        .unwrap();
    assert!(via.roles.is_moderator());
    assert!(check_request(&via, true, "/api/v1/topics").is_ok());
    let AuthMethod::Token { scopes, .. } = &via.auth else {
        panic!("a token")
    };
    assert!(scopes.has(Scope::Moderation) && !scopes.has(Scope::Mentions));

    // Expired: not a token any more.
    let mut conn = db::conn(hearth.db()).await.unwrap();
    diesel::update(crate::schema::api_tokens::table.find(token.id))
        .set(
            crate::schema::api_tokens::expires_at.eq(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
        )
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    assert!(
        api_tokens::actor_for_token(&hearth, &moderating)
            .await
            .unwrap()
            .is_none()
    );

    // A new password revokes every token.
    change_password(&hearth, &actor, "moderator passphrase", "a brand new passphrase")
        .await
        .unwrap();
    assert!(
        api_tokens::actor_for_token(&hearth, &read_only)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn sessions_end_after_their_absolute_lifetime_sooner_for_the_team() {
    let (hearth, _db) = testing::hearth().await;
    let member = owner_account(&hearth).await;
    let staff = create_verified(
        &hearth,
        &NewAccount {
            email: "lifetime-staff@example.com".into(),
            username: "lifetime_staff".into(),
            password: "a staff passphrase here".into(),
            roles: vec![Role::Staff],
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let m = sessions::create(hearth.kv(), member.id, "1.1.1.1", "a")
        .await
        .unwrap();
    let s = sessions::create(hearth.kv(), staff.id, "1.1.1.2", "b")
        .await
        .unwrap();
    // Eight days old: the member's session lives on, the staff member's has ended (and is gone).
    for cookie in [&m, &s] {
        sessions::backdate(hearth.kv(), &sessions::key_of(cookie), now - 8 * 24 * 3600)
            .await
            .unwrap();
    }
    assert!(actor_for_session(&hearth, &m).await.unwrap().is_some());
    assert!(actor_for_session(&hearth, &s).await.unwrap().is_none());
    assert!(
        sessions::load(hearth.kv(), &s).await.unwrap().is_none(),
        "the ended session is removed"
    );
    // The team's idle lifetime is half a day.
    let s2 = sessions::create(hearth.kv(), staff.id, "1.1.1.2", "b")
        .await
        .unwrap();
    assert!(actor_for_session(&hearth, &s2).await.unwrap().is_some());
    let mut redis = hearth.kv().conn();
    let ttl: i64 = redis::cmd("TTL")
        .arg(hearth.kv().key(&format!("session:{}", sessions::key_of(&s2))))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= sessions::TEAM_IDLE_SECONDS as i64, "{ttl}");
    // Thirty-one days: the member's session has ended too, however active.
    sessions::backdate(hearth.kv(), &sessions::key_of(&m), now - 31 * 24 * 3600)
        .await
        .unwrap();
    assert!(actor_for_session(&hearth, &m).await.unwrap().is_none());
}
