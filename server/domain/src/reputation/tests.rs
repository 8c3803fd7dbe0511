//! Reputation against a real PostgreSQL: what counts (distinct members helped, up-voting, replying; ideas
//! adopted), what does not (post counts, self-interaction, rings of two), the triggers that mark members for
//! recompute, and the trust-level gates.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;

use super::*;
use crate::accounts::{Actor, Role};
use crate::forums::tests::{account, category};
use crate::forums::{Category, NewTopicInput, ReplyInput, create_category, create_topic, forget_pace, reply};
use crate::ideas::tests::members;
use crate::ids::{PostId, TopicId};
use crate::qa::{AskInput, NewProductInput, Product, create_product};
use crate::schema::{answer_votes, reputation_dirty, users};
use crate::{DomainError, Hearth, db, testing};

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    admin: Actor,
    general: Category,
    questions: Category,
    bike: Product,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
    let general = create_category(&hearth, &admin, &category("general", "public", "everyone"))
        .await
        .unwrap();
    let questions = create_category(&hearth, &admin, &category("questions", "public", "everyone"))
        .await
        .unwrap();
    create_category(&hearth, &admin, &category("ideas", "public", "everyone"))
        .await
        .unwrap();
    let bike = create_product(
        &hearth,
        &admin,
        &NewProductInput {
            name: "Lumen X".into(),
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
        admin,
        general,
        questions,
        bike,
    }
}

async fn settle(hearth: &Hearth) {
    while recompute_dirty(hearth).await.unwrap() > 0 {}
}

async fn topic(w: &World, who: &Actor, title: &str) -> TopicId {
    let (t, _) = create_topic(
        &w.hearth,
        who,
        &NewTopicInput {
            category_id: w.general.id.0,
            title: title.into(),
            body: "What do you all think about this?".into(),
        },
    )
    .await
    .unwrap();
    forget_pace(&w.hearth, who.id).await.unwrap();
    t.id
}

async fn ask(w: &World, who: &Actor, title: &str) -> TopicId {
    let id = crate::qa::ask(
        &w.hearth,
        who,
        &AskInput {
            title: title.into(),
            body: "Anybody experience with this? Details inside.".into(),
            products: vec![w.bike.id.0],
            category_id: Some(w.questions.id.0),
        },
    )
    .await
    .unwrap();
    forget_pace(&w.hearth, who.id).await.unwrap();
    id
}

async fn answer(w: &World, who: &Actor, question: TopicId) -> PostId {
    let post = crate::qa::answer(
        &w.hearth,
        who,
        question,
        "Here is what worked for me, step by step.",
    )
    .await
    .unwrap();
    forget_pace(&w.hearth, who.id).await.unwrap();
    post.id
}

#[tokio::test]
async fn one_post_that_drew_fifty_members_outweighs_seventy_five_posts_nobody_answered() {
    let w = world().await;
    let prolific = account(&w.hearth, "prolific", vec![]).await;
    let engaging = account(&w.hearth, "engaging", vec![]).await;
    for i in 0..75 {
        topic(&w, &prolific, &format!("Complaint number {i} about the bell")).await;
    }
    let t = topic(&w, &engaging, "Which saddle for long rides?").await;
    let crowd = members(&w.hearth, "replier", 50).await;
    for m in &crowd {
        reply(
            &w.hearth,
            m,
            t,
            &ReplyInput {
                body: "The Brooks one, no contest.".into(),
                quote_post_id: None,
            },
        )
        .await
        .unwrap();
    }
    // A second reply from the same member and the author's own replies add nothing.
    forget_pace(&w.hearth, crowd[0].id).await.unwrap();
    reply(
        &w.hearth,
        &crowd[0],
        t,
        &ReplyInput {
            body: "Also: adjust the tilt.".into(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap();
    reply(
        &w.hearth,
        &engaging,
        t,
        &ReplyInput {
            body: "Thanks all!".into(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap();

    // The replies marked the topic's author for recompute (triggers), not the prolific poster.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let marked: Vec<crate::ids::UserId> = reputation_dirty::table
        .select(reputation_dirty::user_id)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(
        marked.contains(&engaging.id) && !marked.contains(&prolific.id),
        "{marked:?}"
    );
    settle(&w.hearth).await;
    assert_eq!(
        reputation_dirty::table
            .count()
            .get_result::<i64>(&mut conn)
            .await
            .unwrap(),
        0
    );

    let a = breakdown(&w.hearth, prolific.id).await.unwrap();
    let b = breakdown(&w.hearth, engaging.id).await.unwrap();
    assert_eq!(a.points, 0, "{a:?}");
    assert_eq!((b.repliers, b.reply_points, b.points), (50, 100, 100), "{b:?}");
    assert!(a.points < b.points);
    // A full pass agrees with the incremental one.
    recompute_all(&w.hearth).await.unwrap();
    assert_eq!(breakdown(&w.hearth, engaging.id).await.unwrap(), b);
}

#[tokio::test]
async fn self_votes_and_a_ring_of_two_do_not_inflate_reputation() {
    let w = world().await;
    let asker = account(&w.hearth, "asker", vec![]).await;
    let ring_a = account(&w.hearth, "ring_a", vec![]).await;
    let ring_b = account(&w.hearth, "ring_b", vec![]).await;
    let helper = account(&w.hearth, "helper", vec![]).await;
    let mut a_answers = Vec::new();
    let mut b_answers = Vec::new();
    for i in 0..10 {
        let q = ask(&w, &asker, &format!("Battery question number {i} for owners")).await;
        a_answers.push(answer(&w, &ring_a, q).await);
        b_answers.push(answer(&w, &ring_b, q).await);
    }
    // The ring: each up-votes every answer of the other, ten times over.
    for (a, b) in a_answers.iter().zip(&b_answers) {
        crate::qa::vote(&w.hearth, &ring_a, *b, 1).await.unwrap();
        crate::qa::vote(&w.hearth, &ring_b, *a, 1).await.unwrap();
    }
    // Self-votes are refused by the service; rows that got in some other way still do not count.
    assert!(matches!(
        crate::qa::vote(&w.hearth, &ring_a, a_answers[0], 1).await,
        Err(DomainError::Forbidden(_))
    ));
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::insert_into(answer_votes::table)
        .values(
            a_answers
                .iter()
                .map(|p| {
                    (
                        answer_votes::post_id.eq(*p),
                        answer_votes::user_id.eq(ring_a.id),
                        answer_votes::value.eq(1_i16),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .on_conflict_do_nothing()
        .execute(&mut conn)
        .await
        .unwrap();
    // The helper's one answer is up-voted by three different members.
    let q = ask(&w, &asker, "Which charger works abroad?").await;
    let h = answer(&w, &helper, q).await;
    for voter in members(&w.hearth, "voter", 3).await {
        crate::qa::vote(&w.hearth, &voter, h, 1).await.unwrap();
    }
    settle(&w.hearth).await;
    let a = breakdown(&w.hearth, ring_a.id).await.unwrap();
    let b = breakdown(&w.hearth, ring_b.id).await.unwrap();
    let helped = breakdown(&w.hearth, helper.id).await.unwrap();
    assert_eq!((a.voters, a.vote_points), (1, 5), "{a:?}");
    assert_eq!((b.voters, b.vote_points), (1, 5), "{b:?}");
    assert_eq!((helped.voters, helped.vote_points), (3, 15), "{helped:?}");
    assert!(helped.points > a.points);

    // Accepted answers count per distinct asker: the same asker accepting ten of ring_a's answers is one.
    for p in &a_answers {
        crate::qa::accept(&w.hearth, &asker, *p).await.unwrap();
    }
    let other_asker = account(&w.hearth, "asker2", vec![]).await;
    let q2 = ask(&w, &other_asker, "Does the X fit a child seat?").await;
    let p2 = answer(&w, &ring_a, q2).await;
    crate::qa::accept(&w.hearth, &other_asker, p2).await.unwrap();
    // Accepting one's own answer to one's own question earns nothing.
    let q3 = ask(&w, &ring_a, "Answering my own question here").await;
    let p3 = answer(&w, &ring_a, q3).await;
    crate::qa::accept(&w.hearth, &ring_a, p3).await.unwrap();
    settle(&w.hearth).await;
    let a = breakdown(&w.hearth, ring_a.id).await.unwrap();
    assert_eq!((a.askers_helped, a.accepted_points), (2, 30), "{a:?}");
    let standing = standing(&w.hearth, ring_a.id, &ring_a.roles).await.unwrap();
    assert!(standing.badges.iter().any(|b| b.slug == "first-accepted-answer"));
    assert!(!standing.badges.iter().any(|b| b.slug == "helped-10"));
}

#[tokio::test]
async fn ideas_adopted_and_shipped_earn_their_author_points_and_a_badge() {
    let w = world().await;
    let pia = account(&w.hearth, "pia", vec![Role::Product]).await;
    let author = account(&w.hearth, "author", vec![]).await;
    let idea = crate::ideas::submit(
        &w.hearth,
        &author,
        &crate::ideas::NewIdeaInput {
            title: "A rear light that brakes brighter".into(),
            body: "When I brake the light should flash brighter for cars behind.".into(),
            product_id: None,
            category_id: None,
        },
    )
    .await
    .unwrap();
    let voters = members(&w.hearth, "fanvote", 4).await;
    for v in &voters {
        crate::ideas::vote(&w.hearth, v, idea, true).await.unwrap();
    }
    crate::ideas::vote(&w.hearth, &author, idea, true).await.unwrap();
    settle(&w.hearth).await;
    let before = breakdown(&w.hearth, author.id).await.unwrap();
    assert_eq!(
        (before.voters, before.vote_points, before.idea_points),
        (4, 20, 0),
        "{before:?}"
    );
    crate::ideas::change_status(&w.hearth, &pia, idea, "planned", "We are building this.")
        .await
        .unwrap();
    settle(&w.hearth).await;
    assert_eq!(breakdown(&w.hearth, author.id).await.unwrap().idea_points, 20);
    crate::ideas::change_status(&w.hearth, &pia, idea, "shipped", "Out in firmware 2.1.")
        .await
        .unwrap();
    settle(&w.hearth).await;
    let after = breakdown(&w.hearth, author.id).await.unwrap();
    assert_eq!(
        (after.ideas_shipped, after.idea_points, after.points),
        (1, 50, 70),
        "{after:?}"
    );
    let standing = standing(&w.hearth, author.id, &author.roles).await.unwrap();
    assert!(
        standing.badges.iter().any(|b| b.slug == "idea-shipped"),
        "{standing:?}"
    );
    let _ = w.admin;
}

#[tokio::test]
async fn old_credit_weighs_less_than_recent_credit() {
    let w = world().await;
    let author = account(&w.hearth, "author", vec![]).await;
    let t = topic(&w, &author, "Winter tyres: worth it?").await;
    let crowd = members(&w.hearth, "old", 10).await;
    for m in &crowd {
        reply(
            &w.hearth,
            m,
            t,
            &ReplyInput {
                body: "Yes, studded ones.".into(),
                quote_post_id: None,
            },
        )
        .await
        .unwrap();
    }
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    // Half of the replies were written a half-life ago.
    diesel::sql_query("UPDATE posts SET created_at = now() - interval '180 days' WHERE topic_id = $1 AND post_number BETWEEN 2 AND 6")
        .bind::<BigInt, _>(t.0)
        .execute(&mut conn)
        .await
        .unwrap();
    recompute(&w.hearth, &[author.id.0]).await.unwrap();
    let b = breakdown(&w.hearth, author.id).await.unwrap();
    assert_eq!(b.repliers, 10);
    assert_eq!(b.reply_points, 15, "5 × 2 + 5 × 2 × ½ = 15: {b:?}");
}

#[tokio::test]
async fn trust_levels_gate_links_and_flags() {
    let w = world().await;
    let newcomer = account(&w.hearth, "newcomer", vec![]).await;
    let two_links = "See [the manual](https://lumen.example/manual) and [the forum](https://forum.example).";
    let err = create_topic(
        &w.hearth,
        &newcomer,
        &NewTopicInput {
            category_id: w.general.id.0,
            title: "Useful links for riders".into(),
            body: two_links.into(),
        },
    )
    .await
    .unwrap_err();
    assert!(err.fields()["body"].contains("at most 1 link"), "{err:?}");
    let t = topic(&w, &newcomer, "One link is fine for anyone").await;
    assert!(matches!(
        flag_weight(&w.hearth, &newcomer).await,
        Err(DomainError::Forbidden(_))
    ));

    // Reputation alone does not lift a brand-new account; reputation and age do.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::sql_query("INSERT INTO member_reputation (user_id, points) VALUES ($1, 10)")
        .bind::<BigInt, _>(newcomer.id.0)
        .execute(&mut conn)
        .await
        .unwrap();
    let err = reply(
        &w.hearth,
        &newcomer,
        t,
        &ReplyInput {
            body: two_links.into(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap_err();
    assert!(err.fields().contains_key("body"), "{err:?}");
    diesel::update(users::table.find(newcomer.id))
        .set(users::created_at.eq(Utc::now() - Duration::days(3)))
        .execute(&mut conn)
        .await
        .unwrap();
    reply(
        &w.hearth,
        &newcomer,
        t,
        &ReplyInput {
            body: two_links.into(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(flag_weight(&w.hearth, &newcomer).await.unwrap(), 1);
    let six = (0..6)
        .map(|i| format!("[l{i}](https://l{i}.example)"))
        .collect::<Vec<_>>()
        .join(" ");
    forget_pace(&w.hearth, newcomer.id).await.unwrap();
    let err = reply(
        &w.hearth,
        &newcomer,
        t,
        &ReplyInput {
            body: six.clone(),
            quote_post_id: None,
        },
    )
    .await
    .unwrap_err();
    assert!(err.fields()["body"].contains("at most 5 links"), "{err:?}");
    // The team is not limited.
    reply(
        &w.hearth,
        &w.admin,
        t,
        &ReplyInput {
            body: six,
            quote_post_id: None,
        },
    )
    .await
    .unwrap();
}
