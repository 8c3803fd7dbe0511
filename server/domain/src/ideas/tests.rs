//! Ideas against a real PostgreSQL and Redis: submitting, votes under concurrency, statuses with notes and
//! their notifications, merging with overlapping voters, the shipped survey, the board's orders and filters,
//! the CSV export, the trending score.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;

use super::*;
use crate::accounts::{Actor, AuthMethod, Role, UserRow};
use crate::forums::tests::{account, category};
use crate::forums::{Category, Viewer, create_category};
use crate::ids::TopicId;
use crate::qa::{NewProductInput, Product, create_product};
use crate::schema::{
    idea_followers, idea_surveys, idea_votes, ideas as ideas_t, notifications, topics, users,
};
use crate::{DomainError, Hearth, db, testing};

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    product_team: Actor,
    author: Actor,
    member: Actor,
    ideas: Category,
    bike: Product,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
    let product_team = account(&hearth, "pia", vec![Role::Product]).await;
    let author = account(&hearth, "author", vec![]).await;
    let member = account(&hearth, "member", vec![]).await;
    let ideas = create_category(&hearth, &admin, &category("ideas", "public", "everyone"))
        .await
        .unwrap();
    let bike = create_product(
        &hearth,
        &admin,
        &NewProductInput {
            name: "Lumen X e-bike".into(),
            slug: "lumen-x".into(),
            parent_id: None,
            versions: vec![],
        },
    )
    .await
    .unwrap();
    World {
        hearth,
        _db: db,
        product_team,
        author,
        member,
        ideas,
        bike,
    }
}

/// `n` verified members at once (one INSERT; no password hashing), as actors.
pub(crate) async fn members(hearth: &Hearth, prefix: &str, n: i64) -> Vec<Actor> {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    diesel::sql_query(
        "INSERT INTO users (username, email, password_hash, email_verified_at, accepted_policy_version)
         SELECT $1 || g, $1 || g || '@example.com', 'not-a-hash', now(), 1 FROM generate_series(1, $2) g",
    )
    .bind::<Text, _>(prefix)
    .bind::<BigInt, _>(n)
    .execute(&mut conn)
    .await
    .unwrap();
    let rows: Vec<UserRow> = users::table
        .filter(users::username.like(format!("{prefix}%")))
        .select(UserRow::as_select())
        .order(users::id)
        .load(&mut conn)
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            Actor::from_row(
                r,
                AuthMethod::Session {
                    key: format!("k-{}", r.username),
                },
            )
        })
        .collect()
}

async fn submit_idea(w: &World, who: &Actor, title: &str) -> TopicId {
    submit(
        &w.hearth,
        who,
        &NewIdeaInput {
            title: title.into(),
            body: "It would make my daily rides much better. Here is why, in detail.".into(),
            product_id: Some(w.bike.id.0),
            category_id: None,
        },
    )
    .await
    .unwrap()
}

async fn vote_rows(w: &World, idea: TopicId) -> (i64, i32) {
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let rows: i64 = idea_votes::table
        .filter(idea_votes::idea_id.eq(idea.0))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    let shown: i32 = ideas_t::table
        .find(idea)
        .select(ideas_t::vote_count)
        .first(&mut conn)
        .await
        .unwrap();
    (rows, shown)
}

async fn notified(w: &World, kind: &str, topic: TopicId) -> Vec<String> {
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let mut names: Vec<String> = notifications::table
        .inner_join(users::table.on(users::id.eq(notifications::user_id)))
        .filter(notifications::kind.eq(kind))
        .filter(notifications::topic_id.eq(topic))
        .select(users::username)
        .load(&mut conn)
        .await
        .unwrap();
    names.sort();
    names
}

#[tokio::test]
async fn submitting_validates_and_the_author_follows() {
    let w = world().await;
    let bad = submit(
        &w.hearth,
        &w.author,
        &NewIdeaInput {
            title: "short".into(),
            body: "x".into(),
            product_id: Some(999_999),
            category_id: None,
        },
    )
    .await
    .unwrap_err();
    assert!(bad.fields().contains_key("product_id"), "{bad:?}");
    let bad = submit(
        &w.hearth,
        &w.author,
        &NewIdeaInput {
            title: "short".into(),
            body: "".into(),
            product_id: None,
            category_id: None,
        },
    )
    .await
    .unwrap_err();
    assert!(
        bad.fields().contains_key("title") && bad.fields().contains_key("body"),
        "{bad:?}"
    );

    let id = submit_idea(&w, &w.author, "Show the battery range in the app").await;
    let page = idea_page(&w.hearth, Some(&w.author), id).await.unwrap();
    assert_eq!(page.idea.status, "new");
    assert_eq!(page.idea.vote_count, 0);
    assert!(page.idea.following && !page.idea.my_vote);
    assert_eq!(page.idea.product_slug.as_deref(), Some("lumen-x"));
    assert_eq!(page.topic.kind, "idea");
    assert_eq!(page.category.id, w.ideas.id);
    assert!(page.team.is_none());
    assert!(
        idea_page(&w.hearth, Some(&w.product_team), id)
            .await
            .unwrap()
            .team
            .is_some()
    );

    // Suggested while a similar title is typed (ideas, questions and topics alike).
    let similar = crate::qa::similar(&w.hearth, &Viewer::anonymous(), "battery range app", 5)
        .await
        .unwrap();
    assert_eq!(
        <[_]>::first(&similar).map(|s| (s.id, s.url())),
        Some((id.0, format!("/ideas/{id}")))
    );
    assert_eq!(similar[0].state.as_deref(), Some("new"));

    // Comments are replies; not on a question's answers path.
    let c = comment(&w.hearth, &w.member, id, "Yes please, and the charge time too.")
        .await
        .unwrap();
    assert_eq!(c.post_number, 2);
    let page = idea_page(&w.hearth, None, id).await.unwrap();
    assert_eq!(page.comments.len(), 1);
    assert!(matches!(
        crate::qa::answer(&w.hearth, &w.member, id, "An answer?").await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn two_hundred_voters_count_two_hundred_and_repeats_count_once() {
    let w = world().await;
    let id = submit_idea(&w, &w.author, "A rear rack for the city bike").await;
    let voters = members(&w.hearth, "voter", 200).await;
    let results = futures_util::future::join_all(voters.iter().map(|v| vote(&w.hearth, v, id, true))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(vote_rows(&w, id).await, (200, 200));

    // One member voting 20 times at once: one vote.
    let repeats = futures_util::future::join_all((0..20).map(|_| vote(&w.hearth, &w.member, id, true))).await;
    assert!(repeats.iter().all(Result::is_ok), "{repeats:?}");
    assert_eq!(vote_rows(&w, id).await, (201, 201));
    let state = repeats[0].as_ref().unwrap();
    assert!(state.voted);

    // Retracting (twice, at once) removes it once.
    let back = futures_util::future::join_all((0..5).map(|_| vote(&w.hearth, &w.member, id, false))).await;
    assert!(back.iter().all(Result::is_ok), "{back:?}");
    assert_eq!(vote_rows(&w, id).await, (200, 200));
    // Concurrent retractions and votes of many members: the count is the rows.
    let mixed = futures_util::future::join_all(
        voters
            .iter()
            .enumerate()
            .map(|(i, v)| vote(&w.hearth, v, id, i % 2 == 0)),
    )
    .await;
    assert!(mixed.iter().all(Result::is_ok));
    assert_eq!(vote_rows(&w, id).await, (100, 100));
    let page = idea_page(&w.hearth, Some(&voters[0]), id).await.unwrap();
    assert!(page.idea.my_vote);
    assert_eq!(page.idea.vote_count, 100);
    assert!(
        !idea_page(&w.hearth, Some(&voters[1]), id)
            .await
            .unwrap()
            .idea
            .my_vote
    );
}

#[tokio::test]
async fn status_changes_need_the_product_team_and_a_note_and_notify_each_voter_once() {
    let w = world().await;
    let id = submit_idea(&w, &w.author, "Let me lock the bike from the app").await;
    let voters = members(&w.hearth, "fan", 3).await;
    for v in &voters {
        vote(&w.hearth, v, id, true).await.unwrap();
    }
    let follower = &w.member;
    follow(&w.hearth, follower, id, true).await.unwrap();
    // The product team votes too: it is never notified of its own change.
    vote(&w.hearth, &w.product_team, id, true).await.unwrap();

    assert!(matches!(
        change_status(&w.hearth, &w.author, id, "planned", "We will.").await,
        Err(DomainError::Forbidden(_))
    ));
    let e = change_status(&w.hearth, &w.product_team, id, "planned", "  ")
        .await
        .unwrap_err();
    assert!(e.fields().contains_key("note"), "{e:?}");
    let e = change_status(&w.hearth, &w.product_team, id, "done", "Note")
        .await
        .unwrap_err();
    assert!(e.fields().contains_key("status"), "{e:?}");
    let e = change_status(&w.hearth, &w.product_team, id, "merged", "Note")
        .await
        .unwrap_err();
    assert!(e.fields().contains_key("status"), "{e:?}");

    let planned = change_status(
        &w.hearth,
        &w.product_team,
        id,
        "planned",
        "On the **spring** roadmap.",
    )
    .await
    .unwrap();
    assert!(planned.changed);
    assert_eq!(planned.notified, 5, "3 voters, the follower, the author");
    let expected = vec!["author", "fan1", "fan2", "fan3", "member"];
    assert_eq!(notified(&w, "idea.status", id).await, expected);
    // A retried request: nothing new, nobody told twice.
    let again = change_status(
        &w.hearth,
        &w.product_team,
        id,
        "planned",
        "On the **spring** roadmap.",
    )
    .await
    .unwrap();
    assert!(!again.changed);
    assert_eq!(notified(&w, "idea.status", id).await, expected);

    let shipped = change_status(&w.hearth, &w.product_team, id, "shipped", "In app 4.2.")
        .await
        .unwrap();
    assert_eq!(shipped.notified, 5);
    assert_eq!(notified(&w, "idea.status", id).await.len(), 10);
    // Voting is closed; shipped is final (no straight move to declined) but can be reopened.
    assert!(matches!(
        vote(&w.hearth, follower, id, true).await,
        Err(DomainError::Conflict { .. })
    ));
    assert!(matches!(
        change_status(&w.hearth, &w.product_team, id, "declined", "Changed our minds.").await,
        Err(DomainError::Conflict { .. })
    ));
    change_status(
        &w.hearth,
        &w.product_team,
        id,
        "in_progress",
        "Reopened: a bug in 4.2.",
    )
    .await
    .unwrap();
    change_status(&w.hearth, &w.product_team, id, "shipped", "Fixed in 4.3.")
        .await
        .unwrap();

    let page = idea_page(&w.hearth, None, id).await.unwrap();
    let history: Vec<(&str, &str)> = page
        .history
        .iter()
        .map(|h| (h.from_status.as_str(), h.to_status.as_str()))
        .collect();
    assert_eq!(
        history,
        vec![
            ("new", "planned"),
            ("planned", "shipped"),
            ("shipped", "in_progress"),
            ("in_progress", "shipped")
        ]
    );
    assert!(page.history[0].note_html.contains("<strong>spring</strong>"));
    assert_eq!(page.history[0].actor_username.as_deref(), Some("pia"));
    assert_eq!(page.idea.status, "shipped");
    assert!(page.idea.shipped_at.is_some());

    // Each voter asked once, even though it shipped twice.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let asked: i64 = idea_surveys::table
        .filter(idea_surveys::idea_id.eq(id.0))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(asked, 4, "the three fans and the product-team voter");
    // Every change is audited with its note.
    let audited: i64 = crate::schema::audit_log::table
        .filter(crate::schema::audit_log::action.eq("idea.status"))
        .filter(crate::schema::audit_log::target_id.eq(id.0))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(audited, 4);
}

#[tokio::test]
async fn merging_moves_voters_once_closes_the_duplicate_and_tells_its_audience() {
    let w = world().await;
    let dup = submit_idea(&w, &w.author, "Dark mode in the app please").await;
    let target = submit_idea(&w, &w.member, "A dark theme for the companion app").await;
    let v = members(&w.hearth, "rider", 4).await;
    for who in &v[0..3] {
        vote(&w.hearth, who, dup, true).await.unwrap();
    }
    for who in &v[2..4] {
        vote(&w.hearth, who, target, true).await.unwrap();
    }
    follow(&w.hearth, &v[3], dup, true).await.unwrap();
    comment(&w.hearth, &v[0], dup, "Night rides would be easier on the eyes.")
        .await
        .unwrap();

    assert!(matches!(
        merge(&w.hearth, &w.member, dup, target, None).await,
        Err(DomainError::Forbidden(_))
    ));
    assert!(
        merge(&w.hearth, &w.product_team, dup, dup, None)
            .await
            .unwrap_err()
            .fields()
            .contains_key("into_id")
    );
    assert!(
        merge(&w.hearth, &w.product_team, dup, TopicId(999_999), None)
            .await
            .unwrap_err()
            .fields()
            .contains_key("into_id")
    );

    let outcome = merge(&w.hearth, &w.product_team, dup, target, None)
        .await
        .unwrap();
    assert!(outcome.changed);
    assert_eq!(outcome.target_votes, 4, "rider3 voted for both and counts once");
    assert_eq!(vote_rows(&w, target).await, (4, 4));
    assert_eq!(vote_rows(&w, dup).await, (0, 0));
    // The duplicate's voters and followers (its author, rider4) were told, each once.
    assert_eq!(
        notified(&w, "idea.merged", target).await,
        vec!["author", "rider1", "rider2", "rider3", "rider4"]
    );
    let again = merge(&w.hearth, &w.product_team, dup, target, None)
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(notified(&w, "idea.merged", target).await.len(), 5);

    // Followers moved too: the author of the duplicate now follows the target.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let following: i64 = idea_followers::table
        .filter(idea_followers::idea_id.eq(target.0))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(following, 3, "member (author of the target), author, rider4");
    let locked: bool = topics::table
        .find(dup)
        .select(topics::locked_at.is_not_null())
        .first(&mut conn)
        .await
        .unwrap();
    assert!(locked);

    // The duplicate is closed: readable with its comment and a link, no votes, no comments, no status.
    let page = idea_page(&w.hearth, None, dup).await.unwrap();
    assert_eq!(page.idea.status, "merged");
    assert_eq!(page.idea.merged_into_id, Some(target.0));
    assert_eq!(page.comments.len(), 1);
    assert_eq!(page.history.last().map(|h| h.to_status.as_str()), Some("merged"));
    assert!(matches!(
        vote(&w.hearth, &w.member, dup, true).await,
        Err(DomainError::Conflict { .. })
    ));
    assert!(matches!(
        comment(&w.hearth, &w.member, dup, "Still want it").await,
        Err(DomainError::Conflict { .. })
    ));
    assert!(
        change_status(&w.hearth, &w.product_team, dup, "planned", "x")
            .await
            .is_err()
    );
    // Nothing merges into a merged idea.
    let other = submit_idea(&w, &w.member, "Another dark mode request").await;
    assert!(
        merge(&w.hearth, &w.product_team, other, dup, None)
            .await
            .unwrap_err()
            .fields()
            .contains_key("into_id")
    );
    let target_page = idea_page(&w.hearth, None, target).await.unwrap();
    assert_eq!(
        target_page.merged_here.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![dup.0]
    );
    // It leaves the board.
    let board = list_ideas(
        &w.hearth,
        None,
        &BoardQuery {
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(board.items.iter().all(|i| i.id != dup.0));
}

#[tokio::test]
async fn the_shipped_survey_is_answered_by_voters_and_summarised() {
    let w = world().await;
    let id = submit_idea(&w, &w.author, "Quick-release front wheel").await;
    let v = members(&w.hearth, "asked", 4).await;
    for who in &v {
        vote(&w.hearth, who, id, true).await.unwrap();
    }
    // Not asked before it ships.
    assert!(matches!(
        answer_survey(&w.hearth, &v[0], id, "yes").await,
        Err(DomainError::Forbidden(_))
    ));
    change_status(&w.hearth, &w.product_team, id, "shipped", "In the 2027 models.")
        .await
        .unwrap();
    assert!(
        answer_survey(&w.hearth, &v[0], id, "maybe")
            .await
            .unwrap_err()
            .fields()
            .contains_key("answer")
    );
    assert!(matches!(
        answer_survey(&w.hearth, &w.member, id, "yes").await,
        Err(DomainError::Forbidden(_))
    ));
    answer_survey(&w.hearth, &v[0], id, "no").await.unwrap();
    answer_survey(&w.hearth, &v[0], id, "yes").await.unwrap();
    answer_survey(&w.hearth, &v[1], id, "yes").await.unwrap();
    answer_survey(&w.hearth, &v[2], id, "partly").await.unwrap();
    let page = idea_page(&w.hearth, Some(&w.product_team), id).await.unwrap();
    let survey = page.team.unwrap().survey;
    assert_eq!(
        (
            survey.asked,
            survey.yes,
            survey.partly,
            survey.no,
            survey.pending()
        ),
        (4, 2, 1, 0, 1)
    );
    let mine = idea_page(&w.hearth, Some(&v[2]), id).await.unwrap();
    assert!(mine.idea.survey_asked);
    assert_eq!(mine.idea.survey_answer.as_deref(), Some("partly"));
    let pending = idea_page(&w.hearth, Some(&v[3]), id).await.unwrap();
    assert!(pending.idea.survey_asked && pending.idea.survey_answer.is_none());

    // "You asked, we built": newest first, with the note and the voters.
    let later = submit_idea(&w, &w.author, "Brighter rear light").await;
    change_status(&w.hearth, &w.product_team, later, "shipped", "Twice as bright.")
        .await
        .unwrap();
    let (items, next) = shipped(&w.hearth, &Viewer::anonymous(), None, 10).await.unwrap();
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![later.0, id.0]
    );
    assert!(items[1].note_html.contains("2027 models"));
    assert_eq!(items[1].voters, 4);
    assert!(next.is_none());
    let (first, next) = shipped(&w.hearth, &Viewer::anonymous(), None, 1).await.unwrap();
    assert_eq!(first[0].id, later.0);
    let cursor = crate::forums::views::parse_cursor(next.as_deref()).unwrap();
    let (second, _) = shipped(&w.hearth, &Viewer::anonymous(), cursor, 1).await.unwrap();
    assert_eq!(second[0].id, id.0);
}

async fn set_tier(w: &World, who: &Actor, tier: i64) {
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::sql_query("INSERT INTO club_members (user_id, tier_id) VALUES ($1, $2)")
        .bind::<BigInt, _>(who.id.0)
        .bind::<BigInt, _>(tier)
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_board_sorts_filters_paginates_and_breaks_down_by_tier() {
    let w = world().await;
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let vip: i64 = diesel::insert_into(crate::schema::club_tiers::table)
        .values((
            crate::schema::club_tiers::slug.eq("vip"),
            crate::schema::club_tiers::name.eq("VIP"),
            crate::schema::club_tiers::rank.eq(30),
        ))
        .returning(crate::schema::club_tiers::id)
        .get_result(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let a = submit_idea(&w, &w.author, "Idea alpha for the board").await;
    let b = submit_idea(&w, &w.author, "Idea bravo for the board").await;
    let c = submit(
        &w.hearth,
        &w.author,
        &NewIdeaInput {
            title: "Idea charlie without a product".into(),
            body: "Some detail about the idea, long enough.".into(),
            product_id: None,
            category_id: None,
        },
    )
    .await
    .unwrap();
    let v = members(&w.hearth, "boarder", 5).await;
    set_tier(&w, &v[0], vip).await;
    set_tier(&w, &v[1], vip).await;
    // a: 3 votes (1 VIP), b: 1 vote (VIP), c: 2 votes.
    for who in &v[0..1] {
        vote(&w.hearth, who, a, true).await.unwrap();
    }
    for who in &v[2..4] {
        vote(&w.hearth, who, a, true).await.unwrap();
    }
    vote(&w.hearth, &v[1], b, true).await.unwrap();
    vote(&w.hearth, &v[3], c, true).await.unwrap();
    vote(&w.hearth, &v[4], c, true).await.unwrap();

    let q = |sort: IdeaSort| BoardQuery {
        sort,
        limit: 10,
        ..Default::default()
    };
    let ids = |l: &IdeaList| l.items.iter().map(|i| i.id).collect::<Vec<_>>();
    let by_votes = list_ideas(&w.hearth, None, &q(IdeaSort::Votes)).await.unwrap();
    assert_eq!(ids(&by_votes), vec![a.0, c.0, b.0]);
    let recent = list_ideas(&w.hearth, None, &q(IdeaSort::Recent)).await.unwrap();
    assert_eq!(ids(&recent), vec![c.0, b.0, a.0]);
    let trending = list_ideas(&w.hearth, Some(&v[3]), &q(IdeaSort::Trending))
        .await
        .unwrap();
    assert_eq!(ids(&trending), vec![a.0, c.0, b.0]);
    assert_eq!(
        trending.items.iter().map(|i| i.my_vote).collect::<Vec<_>>(),
        vec![true, true, false]
    );

    // Keyset pages of one, in every order, walk the same list.
    for sort in [IdeaSort::Votes, IdeaSort::Recent, IdeaSort::Trending] {
        let mut walked = Vec::new();
        let mut after = None;
        loop {
            let page = list_ideas(
                &w.hearth,
                None,
                &BoardQuery {
                    sort,
                    after: after.clone(),
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            walked.extend(ids(&page));
            match page.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let full = list_ideas(&w.hearth, None, &q(sort)).await.unwrap();
        assert_eq!(walked, ids(&full), "{sort:?}");
    }

    // Filters: product, status.
    let bikes = list_ideas(
        &w.hearth,
        None,
        &BoardQuery {
            product: Some("lumen-x".into()),
            ..q(IdeaSort::Votes)
        },
    )
    .await
    .unwrap();
    assert_eq!(ids(&bikes), vec![a.0, b.0]);
    change_status(&w.hearth, &w.product_team, b, "planned", "Next quarter.")
        .await
        .unwrap();
    let planned = list_ideas(
        &w.hearth,
        None,
        &BoardQuery {
            status: StatusFilter::Only(IdeaStatus::Planned),
            ..q(IdeaSort::Votes)
        },
    )
    .await
    .unwrap();
    assert_eq!(ids(&planned), vec![b.0]);
    assert!(
        list_ideas(
            &w.hearth,
            None,
            &BoardQuery {
                product: Some("nope".into()),
                ..q(IdeaSort::Votes)
            }
        )
        .await
        .unwrap_err()
        .fields()
        .contains_key("product")
    );

    // The voters' tier: the product team's; VIP votes decide the order.
    let vip_query = BoardQuery {
        tier: Some("vip".into()),
        ..q(IdeaSort::Votes)
    };
    assert!(matches!(
        list_ideas(&w.hearth, Some(&w.member), &vip_query).await,
        Err(DomainError::Forbidden(_))
    ));
    let vips = list_ideas(&w.hearth, Some(&w.product_team), &vip_query)
        .await
        .unwrap();
    // One VIP vote each: ties go to the newer idea.
    assert_eq!(ids(&vips), vec![b.0, a.0]);
    assert_eq!(
        vips.items.iter().map(|i| i.tier_votes).collect::<Vec<_>>(),
        vec![Some(1), Some(1)]
    );

    let page = idea_page(&w.hearth, Some(&w.product_team), a).await.unwrap();
    let tiers: Vec<(String, i64)> = page
        .team
        .unwrap()
        .voters_by_tier
        .into_iter()
        .map(|t| (t.tier, t.voters))
        .collect();
    assert_eq!(tiers, vec![("vip".to_owned(), 1), ("none".to_owned(), 2)]);
}

#[tokio::test]
async fn the_csv_export_is_the_product_teams_and_escapes_every_cell() {
    let w = world().await;
    let risky = submit_idea(&w, &w.author, "=HYPERLINK(\"http://x\", \"click\")").await;
    let quoted = submit_idea(&w, &w.author, "Bags, racks and \"panniers\"").await;
    vote(&w.hearth, &w.member, quoted, true).await.unwrap();
    change_status(
        &w.hearth,
        &w.product_team,
        quoted,
        "planned",
        "+1 from the team, see\nnotes",
    )
    .await
    .unwrap();

    let query = BoardQuery {
        sort: IdeaSort::Votes,
        ..Default::default()
    };
    assert!(matches!(
        export_csv(&w.hearth, &w.member, &query).await,
        Err(DomainError::Forbidden(_))
    ));
    let csv = export_csv(&w.hearth, &w.product_team, &query).await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,title,status,product,votes,trending,comments,author,created_at,status_changed_at,latest_note,url"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{quoted},\"Bags, racks and \"\"panniers\"\"\",planned,Lumen X e-bike,1,"
        )),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(&format!(
        ",\"'+1 from the team, see\nnotes\",http://127.0.0.1:3999/ideas/{quoted}"
    )));
    assert!(
        csv.contains(&format!(
            "{risky},\"'=HYPERLINK(\"\"http://x\"\", \"\"click\"\")\",new,"
        )),
        "{csv}"
    );
    assert!(csv.ends_with("\r\n"));
    // The export follows the filters of the view.
    let planned_only = export_csv(
        &w.hearth,
        &w.product_team,
        &BoardQuery {
            status: StatusFilter::Only(IdeaStatus::Planned),
            ..query
        },
    )
    .await
    .unwrap();
    assert_eq!(
        planned_only.matches("\r\n").count(),
        2,
        "the header and one record (its note's line break is a bare LF)"
    );
}

#[tokio::test]
async fn trending_weighs_recent_votes_and_forgets_old_ones() {
    let w = world().await;
    let fresh = submit_idea(&w, &w.author, "Fresh idea with new votes").await;
    let old = submit_idea(&w, &w.author, "Old idea with old votes").await;
    let v = members(&w.hearth, "trend", 10).await;
    for who in &v[0..2] {
        vote(&w.hearth, who, fresh, true).await.unwrap();
    }
    for who in &v {
        vote(&w.hearth, who, old, true).await.unwrap();
    }
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    // Eight of the old idea's votes are 40 days old, two are a week old.
    diesel::sql_query(
        "UPDATE idea_votes SET created_at = now() - interval '40 days' WHERE idea_id = $1 AND user_id = ANY($2)",
    )
    .bind::<BigInt, _>(old.0)
    .bind::<diesel::sql_types::Array<BigInt>, _>(v[0..8].iter().map(|a| a.id.0).collect::<Vec<_>>())
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query(
        "UPDATE idea_votes SET created_at = now() - interval '7 days' WHERE idea_id = $1 AND user_id = ANY($2)",
    )
    .bind::<BigInt, _>(old.0)
    .bind::<diesel::sql_types::Array<BigInt>, _>(v[8..10].iter().map(|a| a.id.0).collect::<Vec<_>>())
    .execute(&mut conn)
    .await
    .unwrap();
    // One instance per period does the recompute.
    assert!(refresh_trending_if_due(&w.hearth).await.unwrap().is_some());
    assert_eq!(refresh_trending_if_due(&w.hearth).await.unwrap(), None);
    let score = |id: TopicId| ideas_t::table.find(id).select(ideas_t::trending);
    let fresh_score: f64 = score(fresh).first(&mut conn).await.unwrap();
    let old_score: f64 = score(old).first(&mut conn).await.unwrap();
    assert!((fresh_score - 2.0).abs() < 0.01, "{fresh_score}");
    assert!(
        (old_score - 1.0).abs() < 0.01,
        "two week-old votes weigh half each: {old_score}"
    );
    let trending = list_ideas(&w.hearth, None, &BoardQuery::default()).await.unwrap();
    assert_eq!(<[_]>::first(&trending.items).map(|i| i.id), Some(fresh.0));
    let by_votes = list_ideas(
        &w.hearth,
        None,
        &BoardQuery {
            sort: IdeaSort::Votes,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(<[_]>::first(&by_votes.items).map(|i| i.id), Some(old.0));
    // Taking back a week-old vote takes its weight back.
    vote(&w.hearth, &v[9], old, false).await.unwrap();
    let old_score: f64 = score(old).first(&mut conn).await.unwrap();
    assert!((old_score - 0.5).abs() < 0.01, "{old_score}");
}
