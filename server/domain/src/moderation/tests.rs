//! Moderation against a real PostgreSQL and Redis: what each rule holds (a table of texts), pending content and
//! who sees it, approval, flags and their threshold, suspensions, appeals, the audit log, rate limits, the staff
//! inbox and the policy gate.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::rules::{self, AuthorFacts, Rules, Verdict};
use super::*;
use crate::accounts::{Actor, Role};
use crate::forums::tests::{account, category};
use crate::forums::{self, Category, NewTopicInput, ReplyInput, Viewer, create_category};
use crate::ids::{PostId, TopicId};
use crate::schema::{audit_log, categories, member_reputation, posts, topics, users};
use crate::{DomainError, Hearth, db, markdown, testing};

fn verdict_of(rules: &Rules, facts: &AuthorFacts, text: &str) -> Option<&'static str> {
    match rules::evaluate(rules, facts, text, &markdown::render(text)) {
        Ok(Verdict::Publish) => None,
        Ok(Verdict::Hold { rule, .. }) => Some(rule),
        Err(_) => Some("refused"),
    }
}

#[test]
fn each_rule_holds_exactly_what_it_should() {
    let mut rules = Rules::default();
    rules.words.blocked = vec!["scamcoin".into()];
    rules.words.watched = vec!["refund now".into(), "lawyer".into()];
    rules.link_promotion.watched_domains = vec!["bit.ly".into()];
    let regular = AuthorFacts {
        trust_level: 2,
        approved_posts: 3,
        ..AuthorFacts::default()
    };
    let newcomer = AuthorFacts {
        trust_level: 0,
        ..regular.clone()
    };
    let cases: &[(&str, &AuthorFacts, Option<&str>)] = &[
        // too brief: short texts and empty phrases, whatever their case and trailing punctuation
        ("good post", &regular, Some("too_brief")),
        ("Great post!!!", &regular, Some("too_brief")),
        ("+1", &regular, Some("too_brief")),
        ("Thanks!", &regular, Some("too_brief")),
        ("thanks", &regular, Some("too_brief")),
        ("ok sure", &regular, Some("too_brief")),
        ("Thanks! Swapping the fuse fixed it for me.", &regular, None),
        ("This is a good post about brakes, which I liked.", &regular, None),
        ("Yes, it works with firmware 2.", &regular, None),
        // link limits: more than one link; any link below the trust level
        (
            "See https://example.com/a and https://example.org/b for the details.",
            &regular,
            Some("link_limit"),
        ),
        (
            "The manual has it: [page 12](https://example.com/manual) explains the reset.",
            &regular,
            None,
        ),
        (
            "The manual has it: [page 12](https://example.com/manual) explains the reset.",
            &newcomer,
            Some("link_limit"),
        ),
        (
            "Ask @someone about the reset, they know the manual well.",
            &newcomer,
            None,
        ),
        // link promotion: mostly links, or a watched domain
        (
            "Deals: https://example.com/super-cheap-bikes-now",
            &regular,
            Some("link_promotion"),
        ),
        (
            "Shortened for you, read it at [this page](https://bit.ly/x1) please.",
            &regular,
            Some("link_promotion"),
        ),
        (
            "Shortened for you, read it at [this page](https://sub.bit.ly/x1) please.",
            &regular,
            Some("link_promotion"),
        ),
        (
            "Not a watched domain: [orbit.lyon](https://orbit.lyon.example/x) is fine here.",
            &regular,
            None,
        ),
        // words: blocked refuses, watched holds, whole words only
        (
            "Buy scamcoin today and get rich quickly!",
            &regular,
            Some("refused"),
        ),
        (
            "Buy SCAMCOIN today and get rich quickly!",
            &regular,
            Some("refused"),
        ),
        ("My scamcoins are not a word on the list though.", &regular, None),
        (
            "I want a Refund   now or else, this is broken.",
            &regular,
            Some("words"),
        ),
        (
            "My lawyer will hear about this battery problem.",
            &regular,
            Some("words"),
        ),
        (
            "Lawyers are not on the list, only the exact word.",
            &regular,
            None,
        ),
    ];
    for (text, facts, expected) in cases {
        assert_eq!(verdict_of(&rules, facts, text), *expected, "{text:?}");
    }
    // First posts, and partners under the vendor posting policy.
    let mut strict = Rules::default();
    strict.first_posts.enabled = true;
    strict.first_posts.count = 2;
    strict.partner_hold.enabled = true;
    let text = "A perfectly ordinary post about tyre pressure.";
    let first = AuthorFacts {
        approved_posts: 1,
        ..regular.clone()
    };
    assert_eq!(verdict_of(&strict, &first, text), Some("first_posts"));
    assert_eq!(verdict_of(&strict, &regular, text), None, "after two approvals");
    let partner = AuthorFacts {
        partner: true,
        ..regular.clone()
    };
    assert_eq!(verdict_of(&strict, &partner, text), Some("partner_hold"));
    assert_eq!(
        verdict_of(&Rules::default(), &partner, text),
        None,
        "off by default"
    );
    // Rules that are off hold nothing.
    let mut off = Rules::default();
    off.too_brief.enabled = false;
    off.link_limit.enabled = false;
    off.link_promotion.enabled = false;
    assert_eq!(verdict_of(&off, &newcomer, "+1"), None);
    assert_eq!(
        verdict_of(&off, &newcomer, "https://a.example https://b.example"),
        None
    );
    // The reason reads as a sentence the author understands.
    let Ok(Verdict::Hold { reason, .. }) = rules::evaluate(
        &rules,
        &regular,
        "x",
        &markdown::render("See https://example.com/a and https://example.org/b, both."),
    ) else {
        panic!("held")
    };
    assert_eq!(
        reason,
        "Held because it contains more than one link; a moderator will review it."
    );
}

#[test]
fn sentiment_tells_detractors_from_neutral_posts() {
    assert!(
        sentiment("This is terrible. The battery died after two days and support is useless, I hate it.")
            < -0.5
    );
    assert!(sentiment("The battery lasts about 40 km on the eco setting.").abs() < 0.3);
    assert!(sentiment("Love it, great bike, wonderful support!") > 0.5);
    assert!(sentiment("I run studded tyres from November to March, no regrets.") > 0.2);
    assert_eq!(sentiment("Which tyres do you run in snow?"), 0.0);
}

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    admin: Actor,
    staff: Actor,
    moderator: Actor,
    member: Actor,
    other: Actor,
    general: Category,
    topic: TopicId,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
    let staff = account(&hearth, "staffer", vec![Role::Staff]).await;
    let moderator = account(&hearth, "modder", vec![Role::Moderator]).await;
    let member = account(&hearth, "member1", vec![]).await;
    let other = account(&hearth, "other1", vec![]).await;
    let general = create_category(&hearth, &admin, &category("general", "public", "everyone"))
        .await
        .unwrap();
    let (topic, _) = forums::create_topic(
        &hearth,
        &staff,
        &NewTopicInput {
            category_id: general.id.0,
            title: "Welcome to the community".into(),
            body: "Tell us about your rides and ask anything.".into(),
        },
    )
    .await
    .unwrap();
    World {
        hearth,
        _db: db,
        admin,
        staff,
        moderator,
        member,
        other,
        general,
        topic: topic.id,
    }
}

async fn reply(w: &World, who: &Actor, body: &str) -> Result<forums::PostRow, DomainError> {
    forums::reply(
        &w.hearth,
        who,
        w.topic,
        &ReplyInput {
            body: body.into(),
            quote_post_id: None,
        },
    )
    .await
}

async fn counts(w: &World) -> (i32, i32, i32) {
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let (replies, last): (i32, i32) = topics::table
        .find(w.topic)
        .select((topics::reply_count, topics::last_post_number))
        .first(&mut conn)
        .await
        .unwrap();
    let posts: i32 = categories::table
        .find(w.general.id)
        .select(categories::post_count)
        .first(&mut conn)
        .await
        .unwrap();
    (replies, last, posts)
}

async fn visible_numbers(w: &World, who: Option<&Actor>) -> Vec<i32> {
    forums::views::topic_page(&w.hearth, &Viewer::of(who), w.topic, 1)
        .await
        .unwrap()
        .posts
        .iter()
        .map(|p| p.post_number)
        .collect()
}

/// Makes a member trusted enough to flag: reputation and account age of the wanted level.
async fn trusted(w: &World, name: &str, points: i32) -> Actor {
    let who = account(&w.hearth, name, vec![]).await;
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::update(users::table.find(who.id))
        .set(users::created_at.eq(Utc::now() - Duration::days(90)))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::insert_into(member_reputation::table)
        .values((
            member_reputation::user_id.eq(who.id),
            member_reputation::points.eq(points),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    who
}

async fn audit_actions(w: &World) -> Vec<String> {
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    audit_log::table
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn held_posts_wait_for_a_moderator_and_approval_publishes_them() {
    let w = world().await;
    let before = counts(&w).await;
    let held = reply(&w, &w.member, "good post").await.unwrap();
    assert_eq!(held.status, "pending");
    assert_eq!(
        held.held_reason.as_deref(),
        Some(
            "Held because it only says “good post” (use the vote or the like instead); a moderator will review it."
        )
    );
    assert_eq!(counts(&w).await, before, "a held post is not counted");
    assert!(
        visible_numbers(&w, Some(&w.member))
            .await
            .contains(&held.post_number),
        "its author sees it"
    );
    assert!(
        !visible_numbers(&w, Some(&w.other))
            .await
            .contains(&held.post_number),
        "others do not"
    );
    assert!(!visible_numbers(&w, None).await.contains(&held.post_number));
    assert!(
        forums::locate_post(&w.hearth, &Viewer::of(Some(&w.other)), held.id)
            .await
            .is_err(),
        "nor by its link"
    );

    // The queue shows it with the rule, for moderators only.
    assert!(matches!(
        queue::list(&w.hearth, &w.member, &QueueFilter::default(), 25).await,
        Err(DomainError::Forbidden(_))
    ));
    let page = queue::list(&w.hearth, &w.moderator, &QueueFilter::default(), 25)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let item = &page.items[0];
    assert_eq!(
        (
            item.kind.as_str(),
            item.reason.as_str(),
            item.content_type.as_str()
        ),
        ("held", "too_brief", "reply")
    );
    assert_eq!(item.author, "member1");
    let filtered = QueueFilter {
        reason: Some("link_limit".into()),
        ..QueueFilter::default()
    };
    assert!(
        queue::list(&w.hearth, &w.moderator, &filtered, 25)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(matches!(
        queue::list(
            &w.hearth,
            &w.moderator,
            &QueueFilter {
                kind: Some("bogus".into()),
                ..QueueFilter::default()
            },
            25
        )
        .await,
        Err(DomainError::Invalid(_))
    ));

    let replies_told = async |w: &World| -> i64 {
        let mut conn = db::conn(w.hearth.db()).await.unwrap();
        crate::schema::notifications::table
            .filter(crate::schema::notifications::post_id.eq(held.id))
            .filter(crate::schema::notifications::kind.eq("forums.reply"))
            .count()
            .get_result(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(replies_told(&w).await, 0, "nobody hears of a held reply");
    let hub = tokio::spawn(crate::live::run_hub(w.hearth.clone()));
    let mut live = w.hearth.live_sender().subscribe();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    approve(&w.hearth, &w.moderator, item.id, "").await.unwrap();
    let appeared = tokio::time::timeout(std::time::Duration::from_secs(3), live.recv())
        .await
        .expect("open pages hear of the approved post")
        .unwrap();
    assert_eq!(
        (appeared.kind.as_str(), appeared.post_id, appeared.post_number),
        ("post", Some(held.id.0), Some(held.post_number))
    );
    hub.abort();
    assert_eq!(
        replies_told(&w).await,
        1,
        "the topic's author hears of it once approved"
    );
    assert!(
        matches!(
            approve(&w.hearth, &w.moderator, item.id, "").await,
            Err(DomainError::Conflict { .. })
        ),
        "an item is handled once"
    );
    assert_eq!(
        counts(&w).await,
        (before.0 + 1, held.post_number, before.2 + 1),
        "counted once approved"
    );
    assert!(
        visible_numbers(&w, Some(&w.other))
            .await
            .contains(&held.post_number)
    );
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let approved: i32 = users::table
        .find(w.member.id)
        .select(users::approved_posts)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(approved, 1);

    // A held topic: invisible in listings, counted on approval.
    let (topic, post) = forums::create_topic(
        &w.hearth,
        &w.member,
        &NewTopicInput {
            category_id: w.general.id.0,
            title: "Cheap parts for everyone".into(),
            body: "Look: https://example.com/a https://example.com/b".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (topic.status.as_str(), post.status.as_str()),
        ("pending", "pending")
    );
    let latest = forums::views::list_topics(
        &w.hearth,
        &Viewer::of(Some(&w.other)),
        forums::views::TopicScope::Latest,
        None,
        50,
    )
    .await
    .unwrap();
    assert!(latest.items.iter().all(|t| t.id != topic.id.0), "not listed");
    let item = queue::list(&w.hearth, &w.moderator, &QueueFilter::default(), 25)
        .await
        .unwrap()
        .items[0]
        .id;
    reject(&w.hearth, &w.moderator, item, "")
        .await
        .expect_err("a reason is required");
    reject(&w.hearth, &w.moderator, item, "Advertising is not allowed here.")
        .await
        .unwrap();
    let status: String = topics::table
        .find(topic.id)
        .select(topics::status)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(status, "rejected");
    let actions = audit_actions(&w).await;
    assert!(
        actions.contains(&"queue.approve.held".to_owned())
            && actions.contains(&"queue.reject.held".to_owned())
    );
    // The author is told why.
    let titles: Vec<String> = crate::schema::notifications::table
        .filter(crate::schema::notifications::user_id.eq(w.member.id))
        .select(crate::schema::notifications::title)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Advertising is not allowed here.")),
        "{titles:?}"
    );
}

#[tokio::test]
async fn blocked_words_are_refused_and_nothing_is_written() {
    let w = world().await;
    let mut r = rules::load(&w.hearth).await.unwrap();
    r.words.blocked = vec!["scamcoin".into()];
    rules::save(&w.hearth, &w.member, r.clone())
        .await
        .expect_err("admins only");
    rules::save(&w.hearth, &w.admin, r).await.unwrap();
    let before = counts(&w).await;
    let Err(DomainError::Invalid(fields)) =
        reply(&w, &w.other, "Everyone should buy scamcoin right now.").await
    else {
        panic!("refused")
    };
    assert!(fields.0["body"].contains("scamcoin"));
    assert_eq!(counts(&w).await, before);
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let written: i64 = posts::table
        .filter(posts::author_id.eq(w.other.id))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(written, 0);
    assert!(audit_actions(&w).await.contains(&"rules.update".to_owned()));
}

#[tokio::test]
async fn flags_hide_content_at_the_threshold_and_a_moderator_decides() {
    let w = world().await;
    let post = reply(
        &w,
        &w.other,
        "Visit my shop for the cheapest bikes in town, every day.",
    )
    .await
    .unwrap();
    assert_eq!(post.status, "published");
    let before = counts(&w).await;
    // New members cannot flag.
    assert!(matches!(
        flag(&w.hearth, &w.member, post.id, "spam", "").await,
        Err(DomainError::Forbidden(_))
    ));
    let a = trusted(&w, "flagger1", 20).await; // level 1: weight 1
    let b = trusted(&w, "flagger2", 150).await; // level 2: weight 2
    flag(&w.hearth, &a, post.id, "bogus", "")
        .await
        .expect_err("a known reason");
    flag(&w.hearth, &a, post.id, "other", "")
        .await
        .expect_err("other needs a note");
    assert!(matches!(
        flag(&w.hearth, &w.other, post.id, "spam", "").await,
        Err(DomainError::Forbidden(_)) | Err(DomainError::Invalid(_))
    ));
    let first = flag(&w.hearth, &a, post.id, "spam", "").await.unwrap();
    assert_eq!((first.weight, first.hidden), (1, false));
    let again = flag(&w.hearth, &a, post.id, "spam", "").await.unwrap();
    assert!(again.repeated && again.weight == 1, "one flag per member");
    let second = flag(&w.hearth, &b, post.id, "spam", "selling").await.unwrap();
    assert_eq!(
        (second.weight, second.hidden),
        (3, true),
        "1 + 2 reaches the threshold of 3"
    );
    assert_eq!(
        counts(&w).await.0,
        before.0 - 1,
        "hidden content leaves the counts"
    );
    assert!(
        !visible_numbers(&w, Some(&w.member))
            .await
            .contains(&post.post_number)
    );
    assert!(
        visible_numbers(&w, Some(&w.other))
            .await
            .contains(&post.post_number),
        "its author still sees it"
    );

    let page = queue::list(
        &w.hearth,
        &w.moderator,
        &QueueFilter {
            kind: Some("flagged".into()),
            ..QueueFilter::default()
        },
        25,
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 1, "one item, however many flags");
    assert_eq!(page.items[0].flags().len(), 2);
    assert_eq!(page.items[0].status, "hidden");
    // The moderator disagrees: it comes back, flags dismissed.
    approve(
        &w.hearth,
        &w.moderator,
        page.items[0].id,
        "Not spam, a local shop.",
    )
    .await
    .unwrap();
    assert_eq!(counts(&w).await, before);
    assert!(
        visible_numbers(&w, Some(&w.member))
            .await
            .contains(&post.post_number)
    );
    assert!(
        audit_actions(&w)
            .await
            .contains(&"queue.approve.flagged".to_owned())
    );
}

#[tokio::test]
async fn concurrent_flags_cross_the_threshold_once() {
    let w = world().await;
    let post = reply(
        &w,
        &w.other,
        "A perfectly normal reply about saddles and comfort.",
    )
    .await
    .unwrap();
    let mut flaggers = Vec::new();
    for i in 0..6 {
        flaggers.push(trusted(&w, &format!("crowd{i}"), 20).await);
    }
    let results = futures_util::future::join_all(
        flaggers
            .iter()
            .map(|f| flag(&w.hearth, f, post.id, "off_topic", "")),
    )
    .await;
    assert!(results.iter().all(Result::is_ok));
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let (status, replies): (String, i32) = posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(post.id))
        .select((posts::status, topics::reply_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(status, "hidden");
    assert_eq!(replies, 0, "taken out of the count exactly once");
}

#[tokio::test]
async fn suspended_members_read_but_cannot_post_vote_or_flag() {
    let w = world().await;
    reply(&w, &w.member, "Before the suspension this is fine to post.")
        .await
        .unwrap();
    let until = Utc::now() + Duration::days(3);
    sanction(&w.hearth, &w.member, w.other.id, Sanction::Suspend(until), "spam")
        .await
        .expect_err("members cannot");
    sanction(&w.hearth, &w.moderator, w.staff.id, Sanction::Warn, "be nice")
        .await
        .expect_err("only admins sanction the team");
    sanction(
        &w.hearth,
        &w.moderator,
        w.member.id,
        Sanction::Suspend(until),
        "x",
    )
    .await
    .expect_err("a reason");
    sanction(
        &w.hearth,
        &w.moderator,
        w.member.id,
        Sanction::Suspend(until),
        "Repeated insults",
    )
    .await
    .unwrap();
    let me = reload(&w.hearth, &w.member).await;
    let Err(DomainError::Forbidden(msg)) = reply(&w, &me, "After the suspension this must be refused.").await
    else {
        panic!("refused")
    };
    assert!(
        msg.contains("suspended until") && msg.contains("Repeated insults"),
        "{msg}"
    );
    assert!(matches!(
        crate::qa::vote(&w.hearth, &me, PostId(1), 1).await,
        Err(DomainError::Forbidden(_)) | Err(DomainError::NotFound(_))
    ));
    assert!(matches!(me.require_active(), Err(DomainError::Forbidden(_))));
    visible_numbers(&w, Some(&me)).await; // reading still works
    sanction(&w.hearth, &w.moderator, w.member.id, Sanction::Unsuspend, "")
        .await
        .unwrap();
    let me = reload(&w.hearth, &w.member).await;
    reply(&w, &me, "Back again and posting politely this time.")
        .await
        .unwrap();
    sanction(
        &w.hearth,
        &w.moderator,
        w.member.id,
        Sanction::Ban,
        "Spam account",
    )
    .await
    .unwrap();
    let me = reload(&w.hearth, &w.member).await;
    let Err(DomainError::Forbidden(msg)) = reply(&w, &me, "Banned members cannot post anything.").await
    else {
        panic!("refused")
    };
    assert!(msg.contains("banned"), "{msg}");
    sanction(
        &w.hearth,
        &w.moderator,
        w.other.id,
        Sanction::Warn,
        "Stay on topic please",
    )
    .await
    .unwrap();
    let actions = audit_actions(&w).await;
    for a in ["member.suspend", "member.unsuspend", "member.ban", "member.warn"] {
        assert!(actions.contains(&a.to_owned()), "{a} in {actions:?}");
    }
}

async fn reload(hearth: &Hearth, who: &Actor) -> Actor {
    let (row, club, rank) = crate::accounts::find_with_club(hearth, who.id)
        .await
        .unwrap()
        .unwrap();
    Actor::from_row(&row, who.auth.clone())
        .in_club(club)
        .with_club_rank(rank)
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_filterable() {
    let w = world().await;
    let post = reply(&w, &w.other, "Something a moderator will hide for the test.")
        .await
        .unwrap();
    hide_post(&w.hearth, &w.moderator, post.id, "")
        .await
        .expect_err("a reason");
    hide_post(&w.hearth, &w.member, post.id, "Not allowed")
        .await
        .expect_err("moderators only");
    hide_post(
        &w.hearth,
        &w.moderator,
        post.id,
        "Personal data of another member",
    )
    .await
    .unwrap();
    forums::manage_topic(
        &w.hearth,
        &w.moderator,
        w.topic,
        forums::TopicAction::Lock,
        "cooling down",
    )
    .await
    .unwrap();
    let (rows, _) = crate::audit::search(
        &w.hearth,
        &w.moderator,
        &crate::audit::AuditFilter {
            action: Some("post.".into()),
            ..Default::default()
        },
        50,
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor.as_deref(), Some("modder"));
    assert_eq!(rows[0].reason, "Personal data of another member");
    assert_eq!(rows[0].before.as_ref().unwrap()["status"], "published");
    assert_eq!(rows[0].after.as_ref().unwrap()["status"], "hidden");
    let (by_actor, _) = crate::audit::search(
        &w.hearth,
        &w.moderator,
        &crate::audit::AuditFilter {
            actor: Some("MODDER".into()),
            ..Default::default()
        },
        50,
    )
    .await
    .unwrap();
    assert_eq!(by_actor.len(), 2, "hide and lock");
    assert!(
        crate::audit::search(&w.hearth, &w.member, &Default::default(), 50)
            .await
            .is_err()
    );
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    for sql in [
        "UPDATE audit_log SET reason = 'forged'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = diesel::sql_query(sql).execute(&mut conn).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn authors_appeal_once_and_the_appeal_enters_the_queue() {
    let w = world().await;
    let post = reply(&w, &w.other, "A reply that a moderator hides, wrongly maybe.")
        .await
        .unwrap();
    appeal(
        &w.hearth,
        &w.other,
        Content::Post(post.id),
        "Please look again, it is fine.",
    )
    .await
    .expect_err("not hidden yet");
    hide_post(&w.hearth, &w.moderator, post.id, "Looks like advertising")
        .await
        .unwrap();
    appeal(
        &w.hearth,
        &w.member,
        Content::Post(post.id),
        "I am not the author of this.",
    )
    .await
    .expect_err("author only");
    appeal(&w.hearth, &w.other, Content::Post(post.id), "short")
        .await
        .expect_err("explain");
    appeal(
        &w.hearth,
        &w.other,
        Content::Post(post.id),
        "It is my own repair shop, no links, no prices.",
    )
    .await
    .unwrap();
    assert!(matches!(
        appeal(
            &w.hearth,
            &w.other,
            Content::Post(post.id),
            "Second try, please look once more."
        )
        .await,
        Err(DomainError::Conflict { .. })
    ));
    let page = queue::list(
        &w.hearth,
        &w.moderator,
        &QueueFilter {
            kind: Some("appeal".into()),
            ..QueueFilter::default()
        },
        25,
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        page.items[0].appeal.as_deref(),
        Some("It is my own repair shop, no links, no prices.")
    );
    approve(&w.hearth, &w.moderator, page.items[0].id, "Fair enough")
        .await
        .unwrap();
    assert!(
        visible_numbers(&w, Some(&w.member))
            .await
            .contains(&post.post_number)
    );
    assert!(
        audit_actions(&w)
            .await
            .contains(&"queue.approve.appeal".to_owned())
    );
}

#[tokio::test]
async fn flagging_and_posting_are_rate_limited() {
    let w = world().await;
    let flagger = trusted(&w, "eager", 20).await;
    let mut last = Ok(());
    for i in 0..=FLAGS_PER_HOUR_MAX {
        let post = reply(&w, &w.staff, &format!("Team post number {i} for the flag limit."))
            .await
            .unwrap();
        last = flag(&w.hearth, &flagger, post.id, "off_topic", "")
            .await
            .map(|_| ());
    }
    assert!(matches!(last, Err(DomainError::RateLimited { .. })), "{last:?}");
    // Per address: many accounts behind one address share its posting pace.
    let mut refused = false;
    for i in 0..(POSTS_PER_IP_MINUTE.max + 1) {
        let who = account(&w.hearth, &format!("sock{i}"), vec![])
            .await
            .with_ip("203.0.113.9");
        if let Err(DomainError::RateLimited { retry_after }) =
            reply(&w, &who, "Another sock puppet reply with content.").await
        {
            assert!(retry_after > 0);
            refused = true;
            break;
        }
    }
    assert!(refused, "the address is limited");
}

const FLAGS_PER_HOUR_MAX: u64 = flags::FLAGS_PER_HOUR.max;

#[tokio::test]
async fn detractor_posts_and_unanswered_questions_reach_the_staff_inbox() {
    let w = world().await;
    let angry = reply(
        &w,
        &w.member,
        "This is terrible. The battery died after two days and support is useless, I hate it.",
    )
    .await
    .unwrap();
    reply(
        &w,
        &w.other,
        "The battery lasts about 40 km on the eco setting for me.",
    )
    .await
    .unwrap();
    // A happy customer (VADER's reference scores it +0.28; the old crate said −0.57, a detractor).
    reply(
        &w,
        &w.other,
        "I run studded tyres from November to March, no regrets.",
    )
    .await
    .unwrap();
    forums::create_topic(
        &w.hearth,
        &w.staff,
        &NewTopicInput {
            category_id: w.general.id.0,
            title: "Weather report for the weekend".into(),
            body: "Awful, terrible, horrible weather for riding today, sadly.".into(),
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        inbox::list(&w.hearth, &w.member, None, None, 30).await,
        Err(DomainError::Forbidden(_))
    ));
    let page = inbox::list(&w.hearth, &w.staff, None, None, 30).await.unwrap();
    assert_eq!(
        page.items.len(),
        1,
        "only the member's negative post: {:?}",
        page.items
    );
    let item = &page.items[0];
    assert_eq!((item.kind.as_str(), item.post_id), ("detractor", angry.id.0));
    inbox::act(&w.hearth, &w.staff, item.id, inbox::InboxAction::Assign)
        .await
        .unwrap();
    let page = inbox::list(&w.hearth, &w.staff, None, None, 30).await.unwrap();
    assert_eq!(page.items[0].assigned_to.as_deref(), Some("staffer"));
    // A staff reply answers it: the first response is recorded and the item leaves the list.
    reply(
        &w,
        &w.staff,
        "Sorry to hear that! I have sent you a direct message about a replacement.",
    )
    .await
    .unwrap();
    let (waiting, first, _) = inbox::times(&w.hearth, item.id).await.unwrap();
    assert!(first.is_some_and(|f| f >= waiting));
    let page = inbox::list(&w.hearth, &w.staff, None, None, 30).await.unwrap();
    assert!(page.items.is_empty());
    assert!(page.median_first_response_secs.is_some());

    // A question nobody answered for longer than the setting.
    let product = crate::qa::create_product(
        &w.hearth,
        &w.admin,
        &crate::qa::NewProductInput {
            slug: "lumen-x".into(),
            name: "Lumen X".into(),
            parent_id: None,
            versions: vec![],
        },
    )
    .await
    .unwrap();
    let asked = crate::qa::ask(
        &w.hearth,
        &w.other,
        &crate::qa::AskInput {
            title: "Anybody experience with the Lumen X rack?".into(),
            body: "Does the rear rack fit the X with fenders on?".into(),
            products: vec![product.id.0],
            category_id: Some(w.general.id.0),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        inbox::sweep(&w.hearth).await.unwrap(),
        0,
        "not yet waiting long enough"
    );
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::sql_query("UPDATE questions SET asked_at = now() - interval '30 hours' WHERE topic_id = $1")
        .bind::<diesel::sql_types::BigInt, _>(asked.0)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(inbox::sweep(&w.hearth).await.unwrap(), 1);
    assert_eq!(inbox::sweep(&w.hearth).await.unwrap(), 0, "once");
    let page = inbox::list(&w.hearth, &w.staff, Some("unanswered"), None, 30)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    inbox::act(&w.hearth, &w.staff, page.items[0].id, inbox::InboxAction::Handle)
        .await
        .unwrap();
    assert!(
        inbox::list(&w.hearth, &w.staff, None, None, 30)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let actions = audit_actions(&w).await;
    assert!(actions.contains(&"inbox.assign".to_owned()) && actions.contains(&"inbox.handle".to_owned()));
}

#[tokio::test]
async fn staff_assign_inbox_items_to_each_other_and_see_who_holds_what() {
    let w = world().await;
    let angry = reply(
        &w,
        &w.member,
        "This is terrible. The battery died after two days and support is useless, I hate it.",
    )
    .await
    .unwrap();
    let page = inbox::list(&w.hearth, &w.staff, None, None, 30).await.unwrap();
    let item = page.items.iter().find(|i| i.post_id == angry.id.0).unwrap().id;

    // Only staff may be assigned; bad actions are field errors.
    for (to, field) in [("modder", "to"), ("member1", "to"), ("nobody_here", "to")] {
        let err = inbox::act(&w.hearth, &w.staff, item, inbox::InboxAction::AssignTo(to.into()))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(f) if f.0.contains_key(field)),
            "{to}: {err:?}"
        );
    }
    assert!(matches!(
        inbox::InboxAction::parse("steal", None),
        Err(DomainError::Invalid(_))
    ));
    assert!(matches!(
        inbox::act(
            &w.hearth,
            &w.member,
            item,
            inbox::InboxAction::AssignTo("staffer".into())
        )
        .await,
        Err(DomainError::Forbidden(_))
    ));

    // The staffer gives it to the admin (on the staff too): the admin is notified once, the list says who holds it.
    let action = inbox::InboxAction::parse("assign", Some("@admin1")).unwrap();
    inbox::act(&w.hearth, &w.staff, item, action).await.unwrap();
    let page = inbox::list(&w.hearth, &w.staff, None, None, 30).await.unwrap();
    let held = page.items.iter().find(|i| i.id == item).unwrap();
    assert_eq!(held.assigned_to.as_deref(), Some("admin1"));
    let notes = crate::notifications::list(&w.hearth, &w.admin, None, 10)
        .await
        .unwrap();
    assert!(
        notes
            .items
            .iter()
            .any(|n| n.kind == "inbox.assigned" && n.title.starts_with("staffer assigned you")),
        "{:?}",
        notes.items
    );
    let holders = inbox::holders(&w.hearth, &w.staff).await.unwrap();
    assert_eq!(
        holders
            .iter()
            .map(|h| (h.username.as_str(), h.holding))
            .collect::<Vec<_>>(),
        vec![("admin1", 1), ("staffer", 0)]
    );
    assert!(matches!(
        inbox::holders(&w.hearth, &w.member).await,
        Err(DomainError::Forbidden(_))
    ));
    let admins = inbox::list_held(&w.hearth, &w.admin, None, Some("me"), None, 30)
        .await
        .unwrap();
    assert_eq!(admins.items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![item]);
    let nobodys = inbox::list_held(&w.hearth, &w.staff, None, Some("none"), None, 30)
        .await
        .unwrap();
    assert!(nobodys.items.iter().all(|i| i.id != item));

    // Released, it is nobody's again.
    inbox::act(&w.hearth, &w.admin, item, inbox::InboxAction::Unassign)
        .await
        .unwrap();
    let nobodys = inbox::list_held(&w.hearth, &w.staff, None, Some("none"), None, 30)
        .await
        .unwrap();
    assert!(nobodys.items.iter().any(|i| i.id == item));
    let actions = audit_actions(&w).await;
    assert!(actions.contains(&"inbox.assign".to_owned()) && actions.contains(&"inbox.unassign".to_owned()));
}

#[tokio::test]
async fn a_new_policy_version_must_be_accepted_before_the_next_post() {
    let w = world().await;
    crate::policy::publish(
        &w.hearth,
        &w.admin,
        "Acceptable use policy",
        "Be kind. No spam. Version two of our rules.",
    )
    .await
    .unwrap();
    let member = reload(&w.hearth, &w.member).await;
    let Err(DomainError::Forbidden(msg)) =
        reply(&w, &member, "Posting without accepting the new rules.").await
    else {
        panic!("refused")
    };
    assert!(msg.contains("/policy"), "{msg}");
    assert_eq!(crate::policy::accept(&w.hearth, &member).await.unwrap(), 2);
    let member = reload(&w.hearth, &member).await;
    reply(&w, &member, "Posting after accepting the new rules.")
        .await
        .unwrap();
}
