//! Talking Point against a real PostgreSQL and Redis: bursts against a quiet baseline, nothing restricted ever
//! counts, ignored terms, idempotent mentions, batches that store nothing when one item is bad.

use chrono::{Duration, Utc};
use diesel_async::RunQueryDsl;

use super::mentions::{MentionInput, ingest};
use super::ranking::refresh;
use super::staff::{ThemeAction, set_ignored_terms, set_theme};
use super::{counting, current};
use crate::accounts::{Actor, Role};
use crate::forums::tests::{account, category};
use crate::forums::{NewTopicInput, ReplyInput, create_category, create_topic, reply};
use crate::{DomainError, Hearth, db, testing};

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    staff: Actor,
    members: Vec<Actor>,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let staff = account(&hearth, "tp_staff", vec![Role::Admin]).await;
    let mut members = Vec::new();
    for i in 0..4 {
        members.push(account(&hearth, &format!("tp_member{i}"), vec![]).await);
    }
    World {
        hearth,
        _db: db,
        staff,
        members,
    }
}

fn mention(id: &str, text: &str, days_ago: i64, hours_ago: i64) -> MentionInput {
    MentionInput {
        source: "twitter".into(),
        external_id: id.into(),
        url: format!("https://social.example/status/{id}"),
        author_handle: "@rider".into(),
        text: text.into(),
        posted_at: (Utc::now() - Duration::days(days_ago) - Duration::hours(hours_ago)).to_rfc3339(),
        sentiment: None,
    }
}

async fn drain_all(hearth: &Hearth) {
    while counting::drain(hearth).await.unwrap() > 0 {}
}

async fn bucket_total(hearth: &Hearth, term: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let n: N =
        diesel::sql_query("SELECT COALESCE(sum(mentions), 0)::int8 AS n FROM talk_buckets WHERE term = $1")
            .bind::<diesel::sql_types::Text, _>(term)
            .get_result(&mut conn)
            .await
            .unwrap();
    n.n
}

#[tokio::test]
async fn a_burst_rises_against_a_quiet_baseline_and_a_steady_term_does_not() {
    let w = world().await;
    let mut items = Vec::new();
    // "saddle" is talked about the same amount on the same day of each of the last four weeks and today.
    for week in 0..=4 {
        for i in 0..5 {
            items.push(mention(
                &format!("s{week}-{i}"),
                "The saddle is comfortable on long rides",
                week * 7,
                2,
            ));
        }
    }
    // "firmware update" was quiet, and today twelve people talk about it.
    items.push(mention("f-old", "Firmware update notes were fine", 7, 3));
    for i in 0..12 {
        items.push(mention(
            &format!("f{i}"),
            "The firmware update broke my display, awful",
            0,
            1,
        ));
    }
    let stored = ingest(&w.hearth, &w.staff, &items, true).await.unwrap();
    assert_eq!(stored.created, items.len());
    drain_all(&w.hearth).await;
    let snapshot = refresh(&w.hearth, Utc::now()).await.unwrap();
    let keys: Vec<&str> = snapshot.themes.iter().map(|t| t.key.as_str()).collect();
    let theme = snapshot
        .themes
        .iter()
        .find(|t| t.key == "firmware update")
        .unwrap_or_else(|| panic!("the burst is a theme: {keys:?}"));
    assert_eq!(theme.last_day, 12);
    assert!(theme.factor >= 5.0, "{theme:?}");
    assert_eq!(theme.negative, 12, "they read negative: {theme:?}");
    assert_eq!(theme.spark.len(), 7);
    assert_eq!(theme.spark[6], 12, "today's count is the last point");
    assert_eq!(theme.latest.len(), 3);
    assert!(
        theme
            .latest
            .iter()
            .all(|v| v.source.as_deref() == Some("twitter"))
    );
    assert!(theme.reason.contains("12 mentions"), "{}", theme.reason);
    assert!(
        !keys.contains(&"firmware"),
        "the phrase covers its word: {keys:?}"
    );
    assert!(
        !keys.iter().any(|k| k.contains("saddle")),
        "a steady term is not rising: {keys:?}"
    );
    // The page reads what the refresh stored.
    assert_eq!(current(&w.hearth).await.unwrap(), snapshot);
}

#[tokio::test]
async fn only_public_published_content_counts_before_and_after_it_is_hidden() {
    let w = world().await;
    let public = create_category(&w.hearth, &w.staff, &category("general", "public", "everyone"))
        .await
        .unwrap();
    let club = create_category(&w.hearth, &w.staff, &category("lounge", "club", "everyone"))
        .await
        .unwrap();
    let team = create_category(&w.hearth, &w.staff, &category("team", "staff", "everyone"))
        .await
        .unwrap();
    let new_topic = |cat: i64, title: &str| NewTopicInput {
        category_id: cat,
        title: title.into(),
        body: "The derailleur hanger bent on my commute, anybody seen this?".into(),
    };
    create_topic(
        &w.hearth,
        &w.staff,
        &new_topic(club.id.0, "Derailleur hanger in the lounge"),
    )
    .await
    .unwrap();
    create_topic(
        &w.hearth,
        &w.staff,
        &new_topic(team.id.0, "Derailleur hanger for the team"),
    )
    .await
    .unwrap();
    let (topic, _) = create_topic(
        &w.hearth,
        &w.members[0],
        &new_topic(public.id.0, "Derailleur hanger bent"),
    )
    .await
    .unwrap();
    // Held by the link rule: pending, never counted.
    let held = reply(
        &w.hearth,
        &w.members[1],
        topic.id,
        &ReplyInput {
            body: "Derailleur hanger parts: https://a.example/x and https://b.example/y".into(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(held.status, "pending");
    let visible = reply(
        &w.hearth,
        &w.members[2],
        topic.id,
        &ReplyInput {
            body: "Same here, my derailleur hanger snapped after a fall.".into(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap();
    drain_all(&w.hearth).await;
    assert_eq!(
        bucket_total(&w.hearth, "derailleur hanger").await,
        2,
        "the public topic and its visible reply"
    );
    assert_eq!(bucket_total(&w.hearth, "derailleur").await, 2);
    // A moderator hides the reply: it is subtracted.
    crate::moderation::hide_post(&w.hearth, &w.staff, visible.id, "off topic")
        .await
        .unwrap();
    drain_all(&w.hearth).await;
    assert_eq!(bucket_total(&w.hearth, "derailleur hanger").await, 1);
    // The category becomes club-only: nothing of it counts any more.
    let mut input = category("general", "club", "everyone");
    input.name = public.name.clone();
    crate::forums::update_category(&w.hearth, &w.staff, public.id, &input)
        .await
        .unwrap();
    drain_all(&w.hearth).await;
    assert_eq!(bucket_total(&w.hearth, "derailleur hanger").await, 0);
    assert_eq!(bucket_total(&w.hearth, "derailleur").await, 0);
    let snapshot = refresh(&w.hearth, Utc::now()).await.unwrap();
    assert!(
        snapshot.themes.iter().all(|t| !t.key.contains("derailleur")),
        "{:?}",
        snapshot.themes
    );
    assert!(snapshot.hot.iter().all(|h| h.topic_id != topic.id.0));
}

#[tokio::test]
async fn ignored_terms_never_show_and_staff_pin_and_hide_themes() {
    let w = world().await;
    let items: Vec<MentionInput> = (0..6)
        .map(|i| mention(&format!("b{i}"), "Battery range dropped after the winter", 0, 1))
        .collect();
    ingest(&w.hearth, &w.staff, &items, true).await.unwrap();
    drain_all(&w.hearth).await;
    let keys = |s: &super::Snapshot| s.themes.iter().map(|t| t.key.clone()).collect::<Vec<_>>();
    let before = refresh(&w.hearth, Utc::now()).await.unwrap();
    assert!(
        keys(&before).contains(&"battery range".to_owned()),
        "{:?}",
        keys(&before)
    );
    let mut ignored = super::staff::ignored_terms(&w.hearth, &w.staff).await.unwrap();
    assert!(
        ignored.contains(&"anybody".to_owned()),
        "starts with sensible stop words"
    );
    ignored.push("battery".into());
    set_ignored_terms(&w.hearth, &w.staff, &ignored).await.unwrap();
    let after = current(&w.hearth).await.unwrap();
    assert!(
        !keys(&after).iter().any(|k| k.split(' ').any(|w| w == "battery")),
        "neither the word nor its phrases: {:?}",
        keys(&after)
    );
    let bad = set_ignored_terms(&w.hearth, &w.staff, &["ok".into(), "drop; table".into()]).await;
    assert!(matches!(bad, Err(DomainError::Invalid(f)) if f.0.contains_key("terms[1]")));
    // Members cannot change any of it.
    let refused = set_theme(&w.hearth, &w.members[0], "winter", ThemeAction::Hide).await;
    assert!(matches!(refused, Err(DomainError::Forbidden(_))));
    // Pin with a public note; hide another theme.
    set_theme(
        &w.hearth,
        &w.staff,
        "range dropped",
        ThemeAction::Pin("We are on it: firmware 2.1 ships Friday".into()),
    )
    .await
    .unwrap();
    set_theme(&w.hearth, &w.staff, "winter", ThemeAction::Hide)
        .await
        .unwrap();
    let pinned = current(&w.hearth).await.unwrap();
    assert_eq!(pinned.themes[0].key, "range dropped", "pinned themes come first");
    assert_eq!(
        pinned.themes[0].pinned_note.as_deref(),
        Some("We are on it: firmware 2.1 ships Friday")
    );
    assert!(!keys(&pinned).contains(&"winter".to_owned()));
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let audit = crate::audit::recent(&mut conn, None, 20).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "talking_point.theme.pin"));
    assert!(audit.iter().any(|a| a.action == "talking_point.ignored_terms"));
}

#[tokio::test]
async fn mentions_are_idempotent_and_a_bad_item_stores_nothing() {
    let w = world().await;
    let one = mention("m1", "Loving the <b>new</b> app, great work", 0, 0);
    let first = ingest(&w.hearth, &w.staff, std::slice::from_ref(&one), false)
        .await
        .unwrap();
    assert_eq!((first.created, first.existing), (1, 0));
    assert_eq!(
        first.items[0].text, "Loving the new app, great work",
        "markup removed"
    );
    assert!(first.items[0].sentiment > 0.3, "scored when none was given");
    let mut changed = one.clone();
    changed.text = "Something else entirely".into();
    let again = ingest(&w.hearth, &w.staff, &[changed], false).await.unwrap();
    assert_eq!((again.created, again.existing), (0, 1));
    assert_eq!(again.items[0], first.items[0], "a repeat changes nothing");
    let mut bad = mention("m3", "Fine", 0, 0);
    bad.url = "javascript:alert(1)".into();
    let batch = vec![mention("m2", "Good ride today", 0, 0), bad];
    match ingest(&w.hearth, &w.staff, &batch, true).await {
        Err(DomainError::Invalid(fields)) => {
            assert!(fields.0.contains_key("items[1].url"), "{fields:?}");
            assert_eq!(fields.0.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let listed = super::mentions::list(&w.hearth, &w.staff, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1, "nothing of the bad batch was stored");
    let refused = ingest(
        &w.hearth,
        &w.members[0],
        &[mention("m4", "Hi there all", 0, 0)],
        false,
    )
    .await;
    assert!(matches!(refused, Err(DomainError::Forbidden(_))));
    let future = ingest(
        &w.hearth,
        &w.staff,
        &[mention("m5", "From tomorrow", -2, 0)],
        false,
    )
    .await;
    assert!(matches!(future, Err(DomainError::Invalid(f)) if f.0.contains_key("posted_at")));
    // Hidden by staff: it stops counting.
    drain_all(&w.hearth).await;
    assert_eq!(bucket_total(&w.hearth, "loving").await, 1);
    super::mentions::set_status(&w.hearth, &w.staff, first.items[0].id, false)
        .await
        .unwrap();
    drain_all(&w.hearth).await;
    assert_eq!(bucket_total(&w.hearth, "loving").await, 0);
}

#[tokio::test]
async fn the_rebuild_counts_what_the_queue_counted() {
    let w = world().await;
    let items: Vec<MentionInput> = (0..20)
        .map(|i| {
            mention(
                &format!("r{i}"),
                &format!("Chain wear number {i} after rain rides"),
                i % 5,
                i % 7,
            )
        })
        .collect();
    ingest(&w.hearth, &w.staff, &items, true).await.unwrap();
    drain_all(&w.hearth).await;
    let counted = (
        bucket_total(&w.hearth, "chain wear").await,
        bucket_total(&w.hearth, "rain rides").await,
    );
    let mut calls = 0;
    let done = counting::rebuild(&w.hearth, |_, _| calls += 1).await.unwrap();
    assert_eq!(done, 20);
    assert!(calls >= 1);
    assert_eq!(
        (
            bucket_total(&w.hearth, "chain wear").await,
            bucket_total(&w.hearth, "rain rides").await
        ),
        counted
    );
    assert_eq!(counted, (20, 20));
}

#[tokio::test]
async fn negative_mentions_reach_the_staff_inbox_as_detractors() {
    let w = world().await;
    let mut angry = mention(
        "n1",
        "Worst service ever, the charger died and nobody answers. Terrible.",
        0,
        2,
    );
    angry.sentiment = Some(-0.8);
    let mut happy = mention("n2", "Lovely ride today", 0, 1);
    happy.sentiment = Some(0.7);
    let stored = ingest(&w.hearth, &w.staff, &[angry.clone(), happy], true)
        .await
        .unwrap();
    let inbox = crate::moderation::inbox::list(&w.hearth, &w.staff, Some("detractor"), None, 30)
        .await
        .unwrap();
    assert_eq!(inbox.items.len(), 1, "{:?}", inbox.items);
    let item = &inbox.items[0];
    assert_eq!(item.source.as_deref(), Some("twitter"));
    assert_eq!(
        item.url(),
        "https://social.example/status/n1",
        "staff answer where it was said"
    );
    assert!(item.excerpt.contains("charger died"));
    // Repeating the mention adds nothing; hiding it takes it out of the inbox.
    ingest(&w.hearth, &w.staff, &[angry], false).await.unwrap();
    let again = crate::moderation::inbox::list(&w.hearth, &w.staff, None, None, 30)
        .await
        .unwrap();
    assert_eq!(again.waiting, 1);
    super::mentions::set_status(&w.hearth, &w.staff, stored.items[0].id, false)
        .await
        .unwrap();
    let after = crate::moderation::inbox::list(&w.hearth, &w.staff, None, None, 30)
        .await
        .unwrap();
    assert!(after.items.is_empty());
    // Handling works as for posts.
    crate::moderation::inbox::act(
        &w.hearth,
        &w.staff,
        item.id,
        crate::moderation::inbox::InboxAction::Handle,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn content_older_than_the_kept_weeks_neither_counts_nor_stays() {
    let w = world().await;
    ingest(
        &w.hearth,
        &w.staff,
        &[
            mention("old", "Kickstand rattle on gravel", counting::KEEP_DAYS + 5, 0),
            mention("new", "Kickstand rattle again", 0, 1),
        ],
        true,
    )
    .await
    .unwrap();
    drain_all(&w.hearth).await;
    assert_eq!(
        bucket_total(&w.hearth, "kickstand rattle").await,
        1,
        "only the recent one"
    );
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::sql_query("INSERT INTO talk_buckets (term, hour, mentions) VALUES ('kickstand rattle', now() - interval '60 days', 4)")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(bucket_total(&w.hearth, "kickstand rattle").await, 5);
    counting::prune(&w.hearth).await.unwrap();
    assert_eq!(bucket_total(&w.hearth, "kickstand rattle").await, 1);
}
