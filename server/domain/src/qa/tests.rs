//! Q&A against a real PostgreSQL and Redis: asking with products, invitations, similar questions, votes under
//! concurrency, accepting under concurrency, states and filters, visibility.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::*;
use crate::accounts::{Actor, Role};
use crate::forums::tests::{account, category, join_club};
use crate::forums::{self, Category, Viewer, create_category};
use crate::ids::{PostId, TopicId};

use crate::schema::{answer_votes, notifications, posts};
use crate::{DomainError, Hearth, db, testing};

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    admin: Actor,
    staff: Actor,
    asker: Actor,
    questions: Category,
    club: Category,
    bike: Product,
    charger: Product,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
    let staff = account(&hearth, "staffer", vec![Role::Staff]).await;
    let asker = account(&hearth, "asker", vec![]).await;
    let questions = create_category(&hearth, &admin, &category("questions", "public", "everyone"))
        .await
        .unwrap();
    let club = create_category(&hearth, &admin, &category("club-qa", "club", "everyone"))
        .await
        .unwrap();
    let product = |name: &str, slug: &str| NewProductInput {
        name: name.into(),
        slug: slug.into(),
        parent_id: None,
        versions: vec!["2025".into(), "2026".into()],
    };
    let bike = create_product(&hearth, &staff, &product("Lumen X e-bike", "lumen-x"))
        .await
        .unwrap();
    let charger = create_product(&hearth, &admin, &product("Fast charger", "fast-charger"))
        .await
        .unwrap();
    World {
        hearth,
        _db: db,
        admin,
        staff,
        asker,
        questions,
        club,
        bike,
        charger,
    }
}

fn ask_input(title: &str, products: &[&Product]) -> AskInput {
    AskInput {
        title: title.into(),
        body: "Does anybody here have experience with this? Thanks for any pointers.".into(),
        products: products.iter().map(|p| p.id.0).collect(),
        category_id: None,
    }
}

async fn answer(w: &World, who: &Actor, q: TopicId, body: &str) -> PostId {
    super::answer(&w.hearth, who, q, body).await.unwrap().id
}

async fn invited_users(w: &World, q: TopicId) -> Vec<String> {
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let mut names: Vec<String> = notifications::table
        .inner_join(crate::schema::users::table.on(crate::schema::users::id.eq(notifications::user_id)))
        .filter(notifications::topic_id.eq(q))
        .filter(notifications::kind.eq("qa.invite"))
        .select(crate::schema::users::username)
        .load(&mut conn)
        .await
        .unwrap();
    names.sort();
    names
}

#[tokio::test]
async fn the_catalogue_is_managed_by_the_team_with_field_errors() {
    let w = world().await;
    let input = NewProductInput {
        name: "Mine".into(),
        slug: "mine".into(),
        parent_id: None,
        versions: vec![],
    };
    assert!(matches!(
        create_product(&w.hearth, &w.asker, &input).await,
        Err(DomainError::Forbidden(_))
    ));
    let err = create_product(
        &w.hearth,
        &w.staff,
        &NewProductInput {
            name: "x".into(),
            slug: "-Bad Slug".into(),
            parent_id: Some(999_999),
            versions: vec![],
        },
    )
    .await
    .unwrap_err();
    assert!(
        err.fields().contains_key("name") && err.fields().contains_key("slug"),
        "{err:?}"
    );
    let dup = create_product(
        &w.hearth,
        &w.staff,
        &NewProductInput {
            name: "Again".into(),
            slug: "lumen-x".into(),
            parent_id: None,
            versions: vec![],
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(dup, DomainError::Conflict { .. }), "{dup:?}");
    let line = create_product(
        &w.hearth,
        &w.admin,
        &NewProductInput {
            name: "Lumen X2".into(),
            slug: "lumen-x2".into(),
            parent_id: Some(w.bike.id.0),
            versions: vec![" 1.0 ".into(), "1.0".into(), "".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(line.parent_id, Some(w.bike.id));
    assert_eq!(line.version_list(), vec!["1.0".to_owned()]);
    let all = list_products(&w.hearth).await.unwrap();
    assert_eq!(
        all.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
        vec!["fast-charger", "lumen-x", "lumen-x2"]
    );
}

#[tokio::test]
async fn asking_invites_opted_in_owners_but_never_the_asker_and_at_most_the_limit() {
    let w = world().await;
    // The asker owns the bike and opted in: never invited to their own question.
    set_owned(&w.hearth, &w.asker, &[(w.bike.id.0, None)], true)
        .await
        .unwrap();
    // An owner who did not opt in.
    let quiet = account(&w.hearth, "quiet", vec![]).await;
    set_owned(&w.hearth, &quiet, &[(w.bike.id.0, None)], false)
        .await
        .unwrap();
    // Twelve opted-in owners; the one with an accepted answer comes first.
    let mut owners = Vec::new();
    for i in 0..12 {
        let owner = account(&w.hearth, &format!("owner{i:02}"), vec![]).await;
        set_owned(
            &w.hearth,
            &owner,
            &[(
                w.bike.id.0,
                Some(chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()),
            )],
            true,
        )
        .await
        .unwrap();
        owners.push(owner);
    }
    // owner11 answered an earlier question and got accepted.
    let earlier = ask(
        &w.hearth,
        &w.asker,
        &ask_input("Earlier question about the charger", &[&w.charger]),
    )
    .await
    .unwrap();
    let a = answer(&w, &owners[11], earlier, "Use the fast charger overnight.").await;
    accept(&w.hearth, &w.asker, a).await.unwrap();

    let q = ask(
        &w.hearth,
        &w.asker,
        &ask_input("Anybody experience with the Lumen X in winter?", &[&w.bike]),
    )
    .await
    .unwrap();
    let names = invited_users(&w, q).await;
    assert_eq!(names.len(), INVITE_LIMIT as usize);
    assert!(!names.contains(&"asker".to_owned()), "never the asker");
    assert!(!names.contains(&"quiet".to_owned()), "only members who opted in");
    assert!(
        names.contains(&"owner11".to_owned()),
        "accepted answerers are favoured: {names:?}"
    );

    // Bad input changes nothing.
    for (input, field) in [
        (ask_input("Too few products here", &[]), "products"),
        (
            ask_input(
                "Too many products here",
                &[&w.bike, &w.charger, &w.bike, &w.charger, &w.bike, &w.charger],
            )
            .with_products(vec![1, 2, 3, 4, 5, 6]),
            "products",
        ),
        (
            ask_input("Unknown product here", &[]).with_products(vec![999_999]),
            "products",
        ),
        (ask_input("short", &[&w.bike]), "title"),
    ] {
        let err = ask(&w.hearth, &w.asker, &input).await.unwrap_err();
        assert!(err.fields().contains_key(field), "{field}: {err:?}");
    }
    let list = list_questions(
        &w.hearth,
        &Viewer::anonymous(),
        &ListQuery {
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[0].products()[0].slug, "lumen-x");
    assert_eq!(
        list.items[0].category_slug, w.questions.slug,
        "the default Q&A category"
    );
}

impl AskInput {
    fn with_products(mut self, ids: Vec<i64>) -> AskInput {
        self.products = ids;
        self
    }
}

#[tokio::test]
async fn similar_questions_are_found_in_any_word_order_and_respect_visibility() {
    let w = world().await;
    let q = ask(
        &w.hearth,
        &w.asker,
        &ask_input("Battery range of the Lumen X in cold winter", &[&w.bike]),
    )
    .await
    .unwrap();
    let fan = join_club(&w.hearth, account(&w.hearth, "fan1", vec![]).await).await;
    let mut secret = ask_input("Secret battery range tips for winter riders", &[&w.bike]);
    secret.category_id = Some(w.club.id.0);
    let club_q = ask(&w.hearth, &fan, &secret).await.unwrap();

    let anon = Viewer::anonymous();
    let found = similar(&w.hearth, &anon, "winter battery range", 5)
        .await
        .unwrap();
    assert_eq!(<[_]>::first(&found).map(|s| s.id), Some(q.0), "{found:?}");
    assert_eq!(found[0].url(), format!("/q/{}", q.0));
    assert!(found.iter().all(|s| s.id != club_q.0), "club-only stays hidden");
    // A typo still finds it (trigram similarity).
    let typo = similar(&w.hearth, &anon, "Batery range of the Lumen X in cold wintr", 5)
        .await
        .unwrap();
    assert_eq!(<[_]>::first(&typo).map(|s| s.id), Some(q.0), "{typo:?}");
    let as_fan = similar(&w.hearth, &Viewer::of(Some(&fan)), "winter battery range", 5)
        .await
        .unwrap();
    assert!(as_fan.iter().any(|s| s.id == club_q.0));
    assert!(similar(&w.hearth, &anon, "ab", 5).await.unwrap().is_empty());
    assert!(similar(&w.hearth, &anon, &"long ".repeat(60), 5).await.is_err());
}

#[tokio::test]
async fn votes_count_once_per_member_and_all_concurrent_voters_count() {
    let w = world().await;
    let q = ask(
        &w.hearth,
        &w.asker,
        &ask_input("Which tyres for gravel roads?", &[&w.bike]),
    )
    .await
    .unwrap();
    let answerer = account(&w.hearth, "answerer", vec![]).await;
    let a = answer(&w, &answerer, q, "The 50 mm ones are great.").await;

    // Not on your own answer; only 1, -1, 0; not on the question itself.
    assert!(matches!(
        vote(&w.hearth, &answerer, a, 1).await,
        Err(DomainError::Forbidden(_))
    ));
    assert!(
        vote(&w.hearth, &w.asker, a, 2)
            .await
            .unwrap_err()
            .fields()
            .contains_key("value")
    );
    let question_post: PostId = {
        let mut conn = db::conn(w.hearth.db()).await.unwrap();
        posts::table
            .filter(posts::topic_id.eq(q))
            .filter(posts::post_number.eq(1))
            .select(posts::id)
            .first(&mut conn)
            .await
            .unwrap()
    };
    assert!(matches!(
        vote(&w.hearth, &w.asker, question_post, 1).await,
        Err(DomainError::NotFound(_))
    ));

    // 50 members voting at once: 50 votes.
    let mut voters = Vec::new();
    for i in 0..50 {
        voters.push(account(&w.hearth, &format!("voter{i:02}"), vec![]).await);
    }
    let results = futures_util::future::join_all(voters.iter().map(|v| vote(&w.hearth, v, a, 1))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    // One member voting 20 times at once: counted once.
    let repeats = futures_util::future::join_all((0..20).map(|_| vote(&w.hearth, &w.asker, a, 1))).await;
    assert!(repeats.iter().all(Result::is_ok), "{repeats:?}");
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let rows: i64 = answer_votes::table
        .filter(answer_votes::post_id.eq(a))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, 51);
    let page = question_page(&w.hearth, &Viewer::of(Some(&w.asker)), q)
        .await
        .unwrap();
    assert_eq!(page.answers[0].score, 51);
    assert_eq!(page.answers[0].my_vote, Some(1));
    // Changing and taking back a vote.
    assert_eq!(vote(&w.hearth, &w.asker, a, -1).await.unwrap(), 49);
    assert_eq!(vote(&w.hearth, &w.asker, a, 0).await.unwrap(), 50);
    assert_eq!(vote(&w.hearth, &w.asker, a, 0).await.unwrap(), 50);
}

#[tokio::test]
async fn accepting_is_for_the_asker_or_staff_and_one_answer_at_a_time() {
    let w = world().await;
    let q = ask(
        &w.hearth,
        &w.asker,
        &ask_input("How long does the charger take?", &[&w.charger]),
    )
    .await
    .unwrap();
    let list = |filter| {
        let hearth = w.hearth.clone();
        async move {
            list_questions(
                &hearth,
                &Viewer::anonymous(),
                &ListQuery {
                    filter,
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(QuestionFilter::Unanswered).await, vec![q.0]);
    let owner = account(&w.hearth, "owner", vec![]).await;
    set_owned(&w.hearth, &owner, &[(w.charger.id.0, None)], false)
        .await
        .unwrap();
    let other = account(&w.hearth, "other", vec![]).await;
    let a1 = answer(&w, &owner, q, "About three hours from empty.").await;
    let a2 = answer(&w, &other, q, "Mine takes four hours.").await;
    let official = answer(&w, &w.staff, q, "Officially: 3.5 hours with the fast charger.").await;
    assert_eq!(list(QuestionFilter::Unanswered).await, Vec::<i64>::new());
    assert_eq!(list(QuestionFilter::Answered).await, vec![q.0]);

    // Someone else may not accept.
    assert!(matches!(
        accept(&w.hearth, &other, a1).await,
        Err(DomainError::Forbidden(_))
    ));
    // Concurrent accepts of different answers: exactly one accepted at the end.
    let outcomes =
        futures_util::future::join_all([a1, a2, official].map(|a| accept(&w.hearth, &w.asker, a))).await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let page = question_page(&w.hearth, &Viewer::anonymous(), q).await.unwrap();
    assert_eq!(page.answers.iter().filter(|a| a.accepted).count(), 1);
    assert!(page.answers[0].accepted, "the accepted answer comes first");
    assert_eq!(page.question.state, "accepted");
    assert!(page.question.first_answer_at.is_some() && page.question.accepted_at.is_some());
    // Staff can change it; marks are right.
    accept(&w.hearth, &w.staff, a1).await.unwrap();
    let page = question_page(&w.hearth, &Viewer::anonymous(), q).await.unwrap();
    let by_id = |id: PostId| page.answers.iter().find(|a| a.post.id == id.0).unwrap();
    assert!(by_id(a1).accepted && !by_id(a2).accepted);
    assert!(by_id(a1).owner && !by_id(a2).owner, "owner mark");
    assert!(by_id(official).official && !by_id(a1).official, "official mark");
    assert_eq!(list(QuestionFilter::Accepted).await, vec![q.0]);
    // The accepted author heard of it once.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let told: i64 = notifications::table
        .filter(notifications::user_id.eq(owner.id))
        .filter(notifications::kind.eq("qa.accepted"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(told, 1);
    // Comments.
    let id = comment(&w.hearth, &other, a1, "Thanks, *that* matches mine.")
        .await
        .unwrap();
    assert!(id > 0);
    assert!(comment(&w.hearth, &other, a1, &"x".repeat(1_001)).await.is_err());
    let page = question_page(&w.hearth, &Viewer::anonymous(), q).await.unwrap();
    assert_eq!(
        by_id_comments(&page, a1),
        vec!["<p>Thanks, <em>that</em> matches mine.</p>".to_owned()]
    );
    // Filters: by product and mine.
    let by_product = list_questions(
        &w.hearth,
        &Viewer::anonymous(),
        &ListQuery {
            product: Some("lumen-x".into()),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(by_product.items.is_empty());
    let mine = list_questions(
        &w.hearth,
        &Viewer::of(Some(&other)),
        &ListQuery {
            mine: true,
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(mine.items.is_empty());
    assert!(matches!(
        list_questions(
            &w.hearth,
            &Viewer::anonymous(),
            &ListQuery {
                mine: true,
                limit: 10,
                ..Default::default()
            }
        )
        .await,
        Err(DomainError::Unauthenticated)
    ));
}

fn by_id_comments(page: &QuestionPage, answer: PostId) -> Vec<String> {
    page.answers
        .iter()
        .find(|a| a.post.id == answer.0)
        .map(|a| a.comments.iter().map(|c| c.body_html.trim().to_owned()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn club_questions_stay_hidden_and_keyset_pages_cover_everything_once() {
    let w = world().await;
    let fan = join_club(&w.hearth, account(&w.hearth, "fan1", vec![]).await).await;
    let mut secret = ask_input("Club only: riding the Lumen X in snow", &[&w.bike]);
    secret.category_id = Some(w.club.id.0);
    let club_q = ask(&w.hearth, &fan, &secret).await.unwrap();
    assert!(
        question_page(&w.hearth, &Viewer::anonymous(), club_q)
            .await
            .is_err()
    );
    assert!(
        question_page(&w.hearth, &Viewer::of(Some(&fan)), club_q)
            .await
            .is_ok()
    );
    let outsider = account(&w.hearth, "outsider", vec![]).await;
    let answer_id = answer(&w, &fan, club_q, "Snow tyres help a lot.").await;
    assert!(
        vote(&w.hearth, &outsider, answer_id, 1).await.is_err(),
        "cannot vote on what you cannot see"
    );

    for i in 0..7 {
        ask(
            &w.hearth,
            &w.asker,
            &ask_input(&format!("Question number {i} about the bike"), &[&w.bike]),
        )
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = list_questions(
            &w.hearth,
            &Viewer::anonymous(),
            &ListQuery {
                after,
                limit: 3,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        seen.extend(page.items.iter().map(|i| i.id));
        match page.next {
            Some(next) => after = forums::views::parse_cursor(Some(&next)).unwrap(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
    assert!(!seen.contains(&club_q.0));
}

#[tokio::test]
async fn answers_after_a_number_are_what_a_live_page_appends_for_its_viewer() {
    let w = world().await;
    let q = ask(
        &w.hearth,
        &w.asker,
        &ask_input("Does the X hold charge in winter?", &[&w.bike]),
    )
    .await
    .unwrap();
    let rider = account(&w.hearth, "rider", vec![]).await;
    let first = answer(&w, &rider, q, "Mine loses about a third below zero.").await;
    let second = answer(&w, &w.staff, q, "Keep it indoors overnight; that helps a lot.").await;
    let anonymous = Viewer::anonymous();
    let after_first = answers_after(&w.hearth, &anonymous, q, 2).await.unwrap();
    assert_eq!(
        after_first.iter().map(|a| a.post.id).collect::<Vec<_>>(),
        vec![second.0],
        "only what came after the number"
    );
    assert!(after_first[0].official, "marks as on the page");
    let all = answers_after(&w.hearth, &Viewer::of(Some(&w.asker)), q, 0)
        .await
        .unwrap();
    assert_eq!(
        all.len(),
        2,
        "from the start: the question itself is not an answer"
    );
    assert!(all.iter().any(|a| a.post.id == first.0));
    // A question in the club category: not for anonymous viewers.
    let hidden = ask(
        &w.hearth,
        &w.staff,
        &AskInput {
            category_id: Some(w.club.id.0),
            ..ask_input("Club only: winter storage tips?", &[&w.bike])
        },
    )
    .await
    .unwrap();
    assert!(answers_after(&w.hearth, &anonymous, hidden, 0).await.is_err());
    assert_eq!(
        answers_after(&w.hearth, &Viewer::of(Some(&w.staff)), hidden, 0)
            .await
            .unwrap()
            .len(),
        0
    );
    assert!(matches!(
        answers_after(&w.hearth, &anonymous, TopicId(999_999), 0).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn invitations_go_only_to_owners_who_can_see_the_question_and_only_once_it_is_published() {
    let w = world().await;
    let outsider = account(&w.hearth, "owner_outside", vec![]).await;
    let insider = join_club(&w.hearth, account(&w.hearth, "owner_inside", vec![]).await).await;
    for owner in [&outsider, &insider] {
        set_owned(&w.hearth, owner, &[(w.bike.id.0, None)], true)
            .await
            .unwrap();
    }
    // A question in a club category: the owner outside the club cannot read it, so is not invited.
    let club_asker = join_club(&w.hearth, account(&w.hearth, "club_asker", vec![]).await).await;
    let q = ask(
        &w.hearth,
        &club_asker,
        &AskInput {
            category_id: Some(w.club.id.0),
            ..ask_input("Club only: who stores the X in a cold garage?", &[&w.bike])
        },
    )
    .await
    .unwrap();
    assert_eq!(invited_users(&w, q).await, vec!["owner_inside".to_owned()]);

    // A question moderation holds invites nobody until a moderator publishes it.
    let newcomer = account(&w.hearth, "link_newcomer", vec![]).await;
    let held = ask(
        &w.hearth,
        &newcomer,
        &AskInput {
            body:
                "Compare https://a.example/x and https://b.example/y and https://c.example/z: which battery?"
                    .into(),
            ..ask_input("Which of these three batteries fits the X?", &[&w.bike])
        },
    )
    .await
    .unwrap();
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let status: String = crate::schema::topics::table
        .find(held)
        .select(crate::schema::topics::status)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(status, "pending", "three links from a newcomer are held");
    assert!(invited_users(&w, held).await.is_empty());
    let item: i64 = crate::schema::moderation_queue::table
        .inner_join(posts::table.on(posts::id.nullable().eq(crate::schema::moderation_queue::post_id)))
        .filter(posts::topic_id.eq(held))
        .select(crate::schema::moderation_queue::id)
        .first(&mut conn)
        .await
        .unwrap();
    let moderator = account(&w.hearth, "qa_mod", vec![Role::Moderator]).await;
    crate::moderation::approve(&w.hearth, &moderator, item, "fine")
        .await
        .unwrap();
    assert_eq!(
        invited_users(&w, held).await,
        vec!["owner_inside".to_owned(), "owner_outside".to_owned()]
    );
}
