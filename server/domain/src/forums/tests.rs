//! Forums against a real PostgreSQL and Redis.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::search::{SearchQuery, search};
use super::views::{TopicScope, list_topics, parse_cursor, posts_after, topic_page};
use super::*;
use crate::accounts::{Actor, AuthMethod, NewAccount, Role, create_verified};
use crate::ids::{CategoryId, PostId, TopicId};
use crate::schema::club_members;
use crate::{DomainError, Hearth, db, testing};

pub(crate) async fn account(hearth: &Hearth, name: &str, roles: Vec<Role>) -> Actor {
    let row = create_verified(
        hearth,
        &NewAccount {
            email: format!("{name}@example.com"),
            username: name.into(),
            password: format!("{name} passphrase"),
            roles,
            display_name: None,
        },
        false,
    )
    .await
    .unwrap();
    Actor::from_row(
        &row,
        AuthMethod::Session {
            key: format!("k-{name}"),
        },
    )
}

pub(crate) async fn join_club(hearth: &Hearth, actor: Actor) -> Actor {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    diesel::insert_into(club_members::table)
        .values(club_members::user_id.eq(actor.id))
        .execute(&mut conn)
        .await
        .unwrap();
    actor.in_club(true)
}

pub(crate) fn category(slug: &str, visibility: &str, posting: &str) -> CategoryInput {
    CategoryInput {
        slug: slug.into(),
        name: format!("The {slug} category"),
        description: "About things.".into(),
        position: 0,
        color: "#1f5f8b".into(),
        visibility: visibility.into(),
        posting: posting.into(),
        min_tier: String::new(),
    }
}

fn topic(category: &Category, title: &str, body: &str) -> NewTopicInput {
    NewTopicInput {
        category_id: category.id.0,
        title: title.into(),
        body: body.into(),
    }
}

fn reply_with(body: &str) -> ReplyInput {
    ReplyInput {
        body: body.into(),
        quote_post_id: None,
    }
}

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    admin: Actor,
    staff: Actor,
    member: Actor,
    fan: Actor,
    general: Category,
    club: Category,
    team: Category,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
    let staff = account(&hearth, "staffer", vec![Role::Staff]).await;
    let member = account(&hearth, "member1", vec![]).await;
    let fan = join_club(&hearth, account(&hearth, "fan1", vec![]).await).await;
    // These tests are about forum mechanics and post terse bodies ("Body."); the brevity rule has its own tests.
    let mut rules = crate::moderation::rules::load(&hearth).await.unwrap();
    rules.too_brief.enabled = false;
    crate::moderation::rules::save(&hearth, &admin, rules)
        .await
        .unwrap();
    let general = create_category(&hearth, &admin, &category("general", "public", "everyone"))
        .await
        .unwrap();
    let club = create_category(&hearth, &admin, &category("fan-lounge", "club", "everyone"))
        .await
        .unwrap();
    let team = create_category(&hearth, &admin, &category("team-room", "staff", "everyone"))
        .await
        .unwrap();
    World {
        hearth,
        _db: db,
        admin,
        staff,
        member,
        fan,
        general,
        club,
        team,
    }
}

#[tokio::test]
async fn categories_are_admin_managed_with_field_errors() {
    let w = world().await;
    assert!(matches!(
        create_category(&w.hearth, &w.member, &category("mine", "public", "everyone")).await,
        Err(DomainError::Forbidden(_))
    ));
    let err = create_category(&w.hearth, &w.admin, &category("general", "public", "everyone"))
        .await
        .unwrap_err();
    assert!(err.fields().contains_key("slug"), "{err:?}");
    let err = create_category(&w.hearth, &w.admin, &category("-bad", "secret", "nobody"))
        .await
        .unwrap_err();
    for field in ["slug", "visibility", "posting"] {
        assert!(err.fields().contains_key(field), "{field}: {err:?}");
    }
    let mut renamed = category("general-chat", "public", "everyone");
    renamed.position = 5;
    let updated = update_category(&w.hearth, &w.admin, w.general.id, &renamed)
        .await
        .unwrap();
    assert_eq!((updated.slug.as_str(), updated.position), ("general-chat", 5));
    let anonymous = list_categories(&w.hearth, &Viewer::anonymous()).await.unwrap();
    assert_eq!(
        anonymous.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(),
        vec!["fan-lounge", "team-room", "general-chat"]
            .into_iter()
            .filter(|s| *s == "general-chat")
            .collect::<Vec<_>>()
    );
    let team = list_categories(&w.hearth, &Viewer::of(Some(&w.staff)))
        .await
        .unwrap();
    assert_eq!(team.len(), 3);
}

#[tokio::test]
async fn topics_replies_quotes_and_counters() {
    let w = world().await;
    let (t, first) = create_topic(
        &w.hearth,
        &w.member,
        &topic(
            &w.general,
            "Anybody riding the X2 in winter?",
            "How does the **battery** hold up?",
        ),
    )
    .await
    .unwrap();
    assert_eq!(first.post_number, 1);
    assert!(first.body_html.contains("<strong>battery</strong>"));
    let r1 = reply(
        &w.hearth,
        &w.fan,
        t.id,
        &reply_with("Fine down to -5 °C, @member1."),
    )
    .await
    .unwrap();
    assert_eq!(r1.post_number, 2);
    assert!(
        r1.body_html.contains(r#"href="/u/member1""#),
        "mention links: {}",
        r1.body_html
    );
    let quoting = ReplyInput {
        body: "Same here.".into(),
        quote_post_id: Some(r1.id.0),
    };
    let r2 = reply(&w.hearth, &w.staff, t.id, &quoting).await.unwrap();
    assert_eq!((r2.post_number, r2.quote_post_id), (3, Some(r1.id)));
    // a quote must come from the same topic
    let (other, other_first) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "A different topic here", "Body text."),
    )
    .await
    .unwrap();
    let bad = ReplyInput {
        body: "x y".into(),
        quote_post_id: Some(other_first.id.0),
    };
    assert!(
        reply(&w.hearth, &w.fan, t.id, &bad)
            .await
            .unwrap_err()
            .fields()
            .contains_key("quote_post_id")
    );

    let page = topic_page(&w.hearth, &Viewer::anonymous(), t.id, 1)
        .await
        .unwrap();
    assert_eq!(
        page.posts.iter().map(|p| p.post_number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(page.topic.reply_count, 2);
    assert_eq!(page.topic.last_post_number, 3);
    let quoted = &page.posts[2];
    assert_eq!(
        (quoted.quote_post_number, quoted.quote_username.as_deref()),
        (Some(2), Some("fan1"))
    );
    assert!(page.posts[1].author_club, "club members carry the badge");
    let cats = list_categories(&w.hearth, &Viewer::anonymous()).await.unwrap();
    let general = cats.iter().find(|c| c.id == w.general.id).unwrap();
    assert_eq!((general.topic_count, general.post_count), (2, 4));
    let _ = other;
}

#[tokio::test]
async fn concurrent_replies_get_distinct_consecutive_numbers() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.admin,
        &topic(&w.general, "Concurrency in practice", "Go."),
    )
    .await
    .unwrap();
    let mut authors = Vec::new();
    for i in 0..6 {
        authors.push(account(&w.hearth, &format!("racer{i}"), vec![]).await);
    }
    let replies = authors
        .iter()
        .flat_map(|a| (0..3).map(move |n| (a.clone(), n)))
        .map(|(a, n)| {
            let hearth = w.hearth.clone();
            async move {
                reply(
                    &hearth,
                    &a,
                    t.id,
                    &reply_with(&format!("reply {n} by {}", a.username)),
                )
                .await
            }
        });
    let results = futures_util::future::join_all(replies).await;
    let mut numbers: Vec<i32> = results.into_iter().map(|r| r.unwrap().post_number).collect();
    numbers.sort();
    assert_eq!(numbers, (2..=19).collect::<Vec<_>>());
    let page = topic_page(&w.hearth, &Viewer::anonymous(), t.id, 1)
        .await
        .unwrap();
    assert_eq!(page.topic.reply_count, 18);
}

#[tokio::test]
async fn edits_keep_history_for_the_team() {
    let w = world().await;
    let (t, first) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "Original title here", "Original body."),
    )
    .await
    .unwrap();
    let edit = EditInput {
        body: "Edited body.".into(),
        title: Some("Better title here".into()),
    };
    let edited = edit_post(&w.hearth, &w.member, first.id, &edit)
        .await
        .unwrap()
        .post;
    assert_eq!((edited.edit_count, edited.body_md.as_str()), (1, "Edited body."));
    assert!(edited.edited_at.is_some());
    assert!(matches!(
        edit_post(
            &w.hearth,
            &w.fan,
            first.id,
            &EditInput {
                body: "hijack".into(),
                title: None
            }
        )
        .await,
        Err(DomainError::Forbidden(_))
    ));
    let r = reply(&w.hearth, &w.fan, t.id, &reply_with("A reply."))
        .await
        .unwrap();
    let err = edit_post(
        &w.hearth,
        &w.fan,
        r.id,
        &EditInput {
            body: "x y".into(),
            title: Some("A title for a reply".into()),
        },
    )
    .await
    .unwrap_err();
    assert!(err.fields().contains_key("title"));
    edit_post(
        &w.hearth,
        &w.staff,
        r.id,
        &EditInput {
            body: "Moderated reply.".into(),
            title: None,
        },
    )
    .await
    .unwrap();

    assert!(matches!(
        revisions(&w.hearth, &w.member, first.id).await,
        Err(DomainError::Forbidden(_))
    ));
    let history = revisions(&w.hearth, &w.staff, first.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].body_md, "Original body.");
    assert_eq!(history[0].title.as_deref(), Some("Original title here"));
    assert_eq!(history[0].editor.as_deref(), Some("member1"));
    let page = topic_page(&w.hearth, &Viewer::anonymous(), t.id, 1)
        .await
        .unwrap();
    assert_eq!(page.topic.title, "Better title here");
    assert_eq!(page.posts[0].edit_count, 1);
}

#[tokio::test]
async fn locked_topics_take_no_replies_and_the_team_pins_and_moves() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "A topic to lock up", "Body."),
    )
    .await
    .unwrap();
    assert!(matches!(
        manage_topic(&w.hearth, &w.member, t.id, TopicAction::Lock, "").await,
        Err(DomainError::Forbidden(_))
    ));
    manage_topic(&w.hearth, &w.staff, t.id, TopicAction::Lock, "heated")
        .await
        .unwrap();
    assert!(matches!(
        reply(&w.hearth, &w.fan, t.id, &reply_with("more?")).await,
        Err(DomainError::Forbidden(_))
    ));
    manage_topic(&w.hearth, &w.staff, t.id, TopicAction::Unlock, "")
        .await
        .unwrap();
    reply(&w.hearth, &w.fan, t.id, &reply_with("thanks"))
        .await
        .unwrap();

    manage_topic(&w.hearth, &w.staff, t.id, TopicAction::Pin, "")
        .await
        .unwrap();
    let listing = list_topics(
        &w.hearth,
        &Viewer::anonymous(),
        TopicScope::Category(w.general.id),
        None,
        20,
    )
    .await
    .unwrap();
    assert_eq!(
        listing.pinned.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![t.id.0]
    );
    assert!(
        listing.items.iter().all(|i| i.id != t.id.0),
        "pinned topics are listed once, on top"
    );

    let moved = manage_topic(
        &w.hearth,
        &w.staff,
        t.id,
        TopicAction::Move(w.club.id),
        "for fans",
    )
    .await
    .unwrap();
    assert_eq!(moved.category_id, w.club.id);
    assert!(
        topic_page(&w.hearth, &Viewer::anonymous(), t.id, 1)
            .await
            .is_err(),
        "now club-only"
    );
    let cats = list_categories(&w.hearth, &Viewer::of(Some(&w.admin)))
        .await
        .unwrap();
    let (general, club) = (
        cats.iter().find(|c| c.id == w.general.id).unwrap(),
        cats.iter().find(|c| c.id == w.club.id).unwrap(),
    );
    assert_eq!(
        (
            general.topic_count,
            general.post_count,
            club.topic_count,
            club.post_count
        ),
        (0, 0, 1, 2)
    );
}

#[tokio::test]
async fn club_and_team_content_is_invisible_to_those_not_allowed() {
    let w = world().await;
    let (club_topic, _) = create_topic(
        &w.hearth,
        &w.fan,
        &topic(
            &w.club,
            "Early tickets for the fan ride",
            "Secret route, bring lights.",
        ),
    )
    .await
    .unwrap();
    let (team_topic, _) = create_topic(
        &w.hearth,
        &w.staff,
        &topic(&w.team, "Internal launch planning", "Secret launch lights."),
    )
    .await
    .unwrap();
    let (public_topic, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "Lights for night riding", "Which lights do you use?"),
    )
    .await
    .unwrap();
    assert!(
        create_topic(
            &w.hearth,
            &w.member,
            &topic(&w.club, "Sneaking into the club", "Hello.")
        )
        .await
        .is_err()
    );

    for (viewer, expected) in [
        (Viewer::anonymous(), vec![public_topic.id.0]),
        (Viewer::of(Some(&w.member)), vec![public_topic.id.0]),
        (Viewer::of(Some(&w.fan)), vec![public_topic.id.0, club_topic.id.0]),
        (
            Viewer::of(Some(&w.staff)),
            vec![public_topic.id.0, team_topic.id.0, club_topic.id.0],
        ),
    ] {
        let listed = list_topics(&w.hearth, &viewer, TopicScope::Latest, None, 50)
            .await
            .unwrap();
        assert_eq!(
            listed.items.iter().map(|t| t.id).collect::<Vec<_>>(),
            expected,
            "{viewer:?}"
        );
        let found = search(
            &w.hearth,
            &viewer,
            &SearchQuery {
                q: "lights".into(),
                limit: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut found_topics: Vec<i64> = found.hits.iter().map(|h| h.topic_id).collect();
        found_topics.sort();
        let mut expected = expected.clone();
        expected.sort();
        assert_eq!(found_topics, expected, "search for {viewer:?}");
    }
    // Direct access: the club says why (403), the team room does not exist (404).
    assert!(matches!(
        topic_page(&w.hearth, &Viewer::of(Some(&w.member)), club_topic.id, 1).await,
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        topic_page(&w.hearth, &Viewer::of(Some(&w.member)), team_topic.id, 1).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        reply(&w.hearth, &w.member, team_topic.id, &reply_with("hi there")).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(
        topic_page(&w.hearth, &Viewer::of(Some(&w.fan)), club_topic.id, 1)
            .await
            .is_ok()
    );
    assert!(matches!(
        category_by_slug(&w.hearth, &Viewer::anonymous(), "team-room").await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn keyset_pages_return_every_topic_once_while_new_ones_arrive() {
    let w = world().await;
    let mut created = Vec::new();
    for i in 0..25 {
        let (t, _) = create_topic(
            &w.hearth,
            &w.admin,
            &topic(&w.general, &format!("Numbered topic {i:03}"), "Body."),
        )
        .await
        .unwrap();
        created.push(t.id.0);
    }
    let viewer = Viewer::anonymous();
    let mut seen = Vec::new();
    let mut after = None;
    let mut round = 0;
    loop {
        let page = list_topics(
            &w.hearth,
            &viewer,
            TopicScope::Latest,
            parse_cursor(after.as_deref()).unwrap(),
            7,
        )
        .await
        .unwrap();
        seen.extend(page.items.iter().map(|t| t.id));
        // new activity between page loads
        create_topic(
            &w.hearth,
            &w.admin,
            &topic(&w.general, &format!("Arrived during paging {round}"), "Body."),
        )
        .await
        .unwrap();
        round += 1;
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut from_before: Vec<i64> = seen.iter().copied().filter(|id| created.contains(id)).collect();
    assert_eq!(from_before.len(), 25, "each earlier topic exactly once");
    from_before.sort();
    from_before.dedup();
    assert_eq!(from_before.len(), 25);

    // Posts of a topic by number, while replies arrive.
    let (t, _) = create_topic(
        &w.hearth,
        &w.admin,
        &topic(&w.general, "A long discussion", "Start."),
    )
    .await
    .unwrap();
    for i in 0..30 {
        reply(
            &w.hearth,
            &account(&w.hearth, &format!("speaker{i}"), vec![]).await,
            t.id,
            &reply_with(&format!("point {i}")),
        )
        .await
        .unwrap();
    }
    let mut numbers = Vec::new();
    let mut after = 0;
    loop {
        let (posts, next) = posts_after(&w.hearth, &viewer, t.id, after, 8).await.unwrap();
        numbers.extend(posts.iter().map(|p| p.post_number));
        reply(&w.hearth, &w.staff, t.id, &reply_with("arriving"))
            .await
            .unwrap();
        match next {
            Some(n) => after = n,
            None => break,
        }
        if numbers.len() > 200 {
            break;
        }
    }
    let unique: std::collections::BTreeSet<i32> = numbers.iter().copied().collect();
    assert_eq!(unique.len(), numbers.len(), "no post twice");
    assert!(
        (1..=31).all(|n| unique.contains(&n)),
        "every post that existed at the start"
    );
}

#[tokio::test]
async fn topic_pages_are_found_by_number() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.admin,
        &topic(&w.general, "A topic with pages", "Post one."),
    )
    .await
    .unwrap();
    for i in 2..=45 {
        reply(
            &w.hearth,
            &account(&w.hearth, &format!("pager{i}"), vec![]).await,
            t.id,
            &reply_with(&format!("post {i}")),
        )
        .await
        .unwrap();
    }
    let viewer = Viewer::anonymous();
    let page3 = topic_page(&w.hearth, &viewer, t.id, 3).await.unwrap();
    assert_eq!(
        (
            page3.pages,
            <[_]>::first(&page3.posts).map(|p| p.post_number),
            page3.posts.len()
        ),
        (3, Some(41), 5)
    );
    assert!(matches!(
        topic_page(&w.hearth, &viewer, t.id, 4).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        topic_page(&w.hearth, &viewer, t.id, 0).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        topic_page(&w.hearth, &viewer, TopicId(999_999), 1).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn hostile_markup_comes_back_inert() {
    let w = world().await;
    let title = "<script>alert('t')</script> title";
    let body = "<img src=x onerror=alert(1)> [x](javascript:alert(2)) <iframe src=//evil.example></iframe>";
    let (t, first) = create_topic(&w.hearth, &w.member, &topic(&w.general, title, body))
        .await
        .unwrap();
    assert_eq!(t.title, title, "titles are text; pages escape them");
    for bad in ["<img", "<script", "javascript:", "<iframe", " onerror"] {
        assert!(
            !first.body_html.to_lowercase().contains(bad) || first.body_html.contains("&lt;"),
            "{bad} in {}",
            first.body_html
        );
    }
    assert!(!first.body_html.contains("<iframe"));
    assert!(!first.body_html.contains("href=\"javascript"));
}

#[tokio::test]
async fn search_ranks_filters_and_highlights_safely() {
    let w = world().await;
    let other = create_category(&w.hearth, &w.admin, &category("repairs", "public", "everyone"))
        .await
        .unwrap();
    let (t1, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(
            &w.general,
            "Brake pads squeal in rain",
            "My <b>brake</b> pads squeal when wet < 5°C > 0°C.",
        ),
    )
    .await
    .unwrap();
    let (t2, _) = create_topic(
        &w.hearth,
        &w.fan,
        &topic(&other, "Replacing brake cables", "Cables and pads."),
    )
    .await
    .unwrap();
    reply(
        &w.hearth,
        &w.fan,
        t1.id,
        &reply_with("Clean the brake rotor with alcohol."),
    )
    .await
    .unwrap();
    let viewer = Viewer::anonymous();
    let q = |q: &str| SearchQuery {
        q: q.into(),
        limit: 10,
        ..Default::default()
    };
    let all = search(&w.hearth, &viewer, &q("brake")).await.unwrap();
    assert_eq!(all.hits.len(), 3);
    assert_eq!(all.hits[0].topic_id, t1.id.0, "title and body match ranks first");
    let snippet = all
        .hits
        .iter()
        .find(|h| h.post_number == 1 && h.topic_id == t1.id.0)
        .unwrap()
        .snippet_html();
    assert!(
        snippet.contains("<mark>brake</mark>") || snippet.contains("<mark>Brake</mark>"),
        "{snippet}"
    );
    let stripped = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !stripped.contains('<') && !stripped.contains('>'),
        "user markup is escaped in snippets: {snippet}"
    );
    let in_repairs = search(
        &w.hearth,
        &viewer,
        &SearchQuery {
            category: Some("repairs".into()),
            ..q("brake")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        in_repairs.hits.iter().map(|h| h.topic_id).collect::<Vec<_>>(),
        vec![t2.id.0]
    );
    let by_fan = search(
        &w.hearth,
        &viewer,
        &SearchQuery {
            author: Some("FAN1".into()),
            ..q("brake")
        },
    )
    .await
    .unwrap();
    assert_eq!(by_fan.hits.len(), 2);
    let phrase = search(&w.hearth, &viewer, &q("\"brake rotor\" -cables"))
        .await
        .unwrap();
    assert_eq!(phrase.hits.len(), 1);
    assert!(search(&w.hearth, &viewer, &q("")).await.unwrap().hits.is_empty());
    assert!(
        search(&w.hearth, &viewer, &q("!!! &&& |||"))
            .await
            .unwrap()
            .hits
            .is_empty()
    );
    let paged = search(
        &w.hearth,
        &viewer,
        &SearchQuery {
            limit: 2,
            ..q("brake")
        },
    )
    .await
    .unwrap();
    assert_eq!((paged.hits.len(), paged.next), (2, Some(2)));
}

#[tokio::test]
async fn views_are_buffered_in_redis_and_flushed() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "Counting the views", "Body."),
    )
    .await
    .unwrap();
    for _ in 0..3 {
        view_counts::record_view(&w.hearth, t.id).await.unwrap();
    }
    assert_eq!(view_counts::flush(&w.hearth).await.unwrap(), 3);
    assert_eq!(view_counts::flush(&w.hearth).await.unwrap(), 0, "flushed once");
    let page = topic_page(&w.hearth, &Viewer::anonymous(), t.id, 1)
        .await
        .unwrap();
    assert_eq!(page.topic.view_count, 3);
}

#[tokio::test]
async fn read_state_and_watching() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "Unread markers work", "Body."),
    )
    .await
    .unwrap();
    reply(&w.hearth, &w.staff, t.id, &reply_with("one"))
        .await
        .unwrap();
    reply(&w.hearth, &w.staff, t.id, &reply_with("two"))
        .await
        .unwrap();
    let member_view = Viewer::of(Some(&w.member));
    let listed = list_topics(&w.hearth, &member_view, TopicScope::Latest, None, 10)
        .await
        .unwrap();
    assert_eq!(
        listed.items[0].unread(),
        2,
        "the author read post 1 when writing it"
    );
    mark_read(&w.hearth, &w.member, t.id, 3).await.unwrap();
    mark_read(&w.hearth, &w.member, t.id, 1).await.unwrap();
    let listed = list_topics(&w.hearth, &member_view, TopicScope::Latest, None, 10)
        .await
        .unwrap();
    assert_eq!(listed.items[0].unread(), 0, "read state never moves back");
    let fan_view = list_topics(&w.hearth, &Viewer::of(Some(&w.fan)), TopicScope::Latest, None, 10)
        .await
        .unwrap();
    assert_eq!(fan_view.items[0].unread(), 3);

    assert!(
        topic_page(&w.hearth, &member_view, t.id, 1)
            .await
            .unwrap()
            .topic
            .watching,
        "authors watch their topics"
    );
    set_topic_watch(&w.hearth, &w.member, t.id, false).await.unwrap();
    assert!(
        !topic_page(&w.hearth, &member_view, t.id, 1)
            .await
            .unwrap()
            .topic
            .watching
    );
    set_category_watch(&w.hearth, &w.fan, "fan-lounge", true)
        .await
        .unwrap();
    assert!(watches_category(&w.hearth, &w.fan, w.club.id).await.unwrap());
    assert!(
        set_category_watch(&w.hearth, &w.member, "team-room", true)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn posting_pace_is_limited() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "Rapid fire posting", "Body."),
    )
    .await
    .unwrap();
    let mut limited = false;
    for i in 0..12 {
        match reply(&w.hearth, &w.member, t.id, &reply_with(&format!("again {i}"))).await {
            Ok(_) => {}
            Err(DomainError::RateLimited { retry_after }) => {
                assert!(retry_after <= 60);
                limited = true;
                break;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(limited);
}

#[tokio::test]
async fn permalinks_locate_posts_the_viewer_may_see() {
    let w = world().await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.fan,
        &topic(&w.club, "Club members only here", "Body."),
    )
    .await
    .unwrap();
    let r = reply(&w.hearth, &w.fan, t.id, &reply_with("second"))
        .await
        .unwrap();
    assert_eq!(
        locate_post(&w.hearth, &Viewer::of(Some(&w.fan)), r.id)
            .await
            .unwrap()
            .1,
        2
    );
    assert!(locate_post(&w.hearth, &Viewer::anonymous(), r.id).await.is_err());
    assert!(
        locate_post(&w.hearth, &Viewer::anonymous(), PostId(123_456))
            .await
            .is_err()
    );
    let _ = CategoryId(0);
}

/// (kind, recipient) of every notification about a post.
async fn told_about(hearth: &Hearth, post: PostId) -> Vec<(String, String)> {
    use crate::schema::{notifications, users};
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let mut rows: Vec<(String, String)> = notifications::table
        .inner_join(users::table.on(users::id.eq(notifications::user_id)))
        .filter(notifications::post_id.eq(post))
        .select((notifications::kind, users::username))
        .load(&mut conn)
        .await
        .unwrap();
    rows.sort();
    rows
}

#[tokio::test]
async fn replies_mentions_quotes_and_watches_notify_each_member_once() {
    let w = world().await;
    let watcher = account(&w.hearth, "watcher1", vec![]).await;
    let quoted = account(&w.hearth, "quoted1", vec![]).await;
    let (t, _) = create_topic(
        &w.hearth,
        &w.member,
        &topic(&w.general, "Tyre pressure for gravel", "What do you run?"),
    )
    .await
    .unwrap();
    set_topic_watch(&w.hearth, &watcher, t.id, true).await.unwrap();
    let q = reply(
        &w.hearth,
        &quoted,
        t.id,
        &reply_with("About 2.5 bar on mixed gravel."),
    )
    .await
    .unwrap();
    // The topic's author hears of the reply; the watcher of activity; the replier of nothing (their own post).
    assert_eq!(
        told_about(&w.hearth, q.id).await,
        vec![
            ("forums.reply".into(), "member1".into()),
            ("forums.watching".into(), "watcher1".into())
        ]
    );
    // A mention and a quote: the most specific reason wins, one notification per member.
    let r = reply(
        &w.hearth,
        &w.fan,
        t.id,
        &ReplyInput {
            body: "Agreed, @watcher1 and @member1 — and @fan1 is me.".into(),
            quote_post_id: Some(q.id.0),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        told_about(&w.hearth, r.id).await,
        vec![
            ("forums.mention".into(), "member1".into()),
            ("forums.mention".into(), "watcher1".into()),
            ("forums.quote".into(), "quoted1".into()),
        ]
    );
    // Watchers of a category hear of new topics there, not of topics they cannot see.
    set_category_watch(&w.hearth, &watcher, "general", true)
        .await
        .unwrap();
    let (t2, p2) = create_topic(
        &w.hearth,
        &w.staff,
        &topic(&w.general, "Spring service checklist", "Chain, brakes, tyres."),
    )
    .await
    .unwrap();
    assert_eq!(
        told_about(&w.hearth, p2.id).await,
        vec![("forums.new_topic".into(), "watcher1".into())]
    );
    // Mentions of someone who cannot see the club lounge tell them nothing.
    let (_, p3) = create_topic(
        &w.hearth,
        &w.fan,
        &topic(&w.club, "Club ride on Sunday", "Who joins? @watcher1"),
    )
    .await
    .unwrap();
    assert!(told_about(&w.hearth, p3.id).await.is_empty());
    let _ = t2;
}

#[tokio::test]
async fn a_fresh_demo_is_spread_over_weeks_once() {
    use crate::schema::{posts, topics};
    let w = world().await;
    let mut made = Vec::new();
    for title in [
        "First topic of the demo",
        "Second topic of the demo",
        "Third topic of the demo",
    ] {
        let (t, _) = create_topic(&w.hearth, &w.staff, &topic(&w.general, title, "Body of it."))
            .await
            .unwrap();
        for _ in 0..3 {
            reply(&w.hearth, &w.staff, t.id, &reply_with("A reply."))
                .await
                .unwrap();
        }
        made.push(t.id);
    }
    assert!(seed::spread_history(&w.hearth, 28).await.unwrap());
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let now = chrono::Utc::now();
    let mut opened = Vec::new();
    for id in &made {
        let times: Vec<chrono::DateTime<chrono::Utc>> = posts::table
            .filter(posts::topic_id.eq(id))
            .order(posts::post_number)
            .select(posts::created_at)
            .load(&mut conn)
            .await
            .unwrap();
        assert!(
            times.windows(2).all(|p| p[0] < p[1]),
            "replies follow each other: {times:?}"
        );
        assert!(
            times
                .iter()
                .all(|t| *t < now && *t > now - chrono::Duration::days(29)),
            "{times:?}"
        );
        let (created, last, views): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, i64) =
            topics::table
                .find(id)
                .select((topics::created_at, topics::last_posted_at, topics::view_count))
                .first(&mut conn)
                .await
                .unwrap();
        assert_eq!((created, last), (times[0], *times.last().unwrap()));
        assert!(views >= 12, "a believable view count");
        opened.push(created);
    }
    assert!(
        opened.windows(2).all(|o| o[0] < o[1]),
        "topics keep their order: {opened:?}"
    );
    assert!(
        opened[2] - opened[0] > chrono::Duration::days(10),
        "spread over weeks: {opened:?}"
    );
    // Once: a second run (or a community that is not fresh) is left alone.
    assert!(!seed::spread_history(&w.hearth, 28).await.unwrap());
}
