//! Insights against a real PostgreSQL: each metric against a constructed history with a known answer, the
//! rollups against the raw rows, club leaves, restricted content, who may read what.

use chrono::{Duration, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Timestamptz};
use diesel_async::RunQueryDsl;

use super::report::{Cell, ReportView};
use super::rollup::{refresh_if_due, rollup_days};
use super::{Filter, Period, Report, can_read, load};
use crate::accounts::{Actor, Role};
use crate::forums::tests::{account, category};
use crate::forums::{NewTopicInput, ReplyInput, create_category, create_topic, reply};
use crate::ids::TopicId;
use crate::qa::{AskInput, NewProductInput, Product, ask, create_product};
use crate::{DomainError, Hearth, db, testing};

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    product: Actor,
    staff: Actor,
    asker: Actor,
    helper: Actor,
    bike: Product,
    charger: Product,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "in_admin", vec![Role::Admin]).await;
    let product = account(&hearth, "in_product", vec![Role::Product]).await;
    let staff = account(&hearth, "in_staff", vec![Role::Staff]).await;
    let asker = account(&hearth, "in_asker", vec![]).await;
    let helper = account(&hearth, "in_helper", vec![]).await;
    create_category(&hearth, &admin, &category("questions", "public", "everyone"))
        .await
        .unwrap();
    let new_product = |name: &str, slug: &str| NewProductInput {
        name: name.into(),
        slug: slug.into(),
        parent_id: None,
        versions: vec![],
    };
    let bike = create_product(&hearth, &admin, &new_product("Lumen X e-bike", "lumen-x"))
        .await
        .unwrap();
    let charger = create_product(&hearth, &admin, &new_product("Fast charger", "fast-charger"))
        .await
        .unwrap();
    World {
        hearth,
        _db: db,
        product,
        staff,
        asker,
        helper,
        bike,
        charger,
    }
}

async fn exec(hearth: &Hearth, sql: &str, id: i64, at: chrono::DateTime<Utc>) {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .bind::<Timestamptz, _>(at)
        .execute(&mut conn)
        .await
        .unwrap();
}

/// Moves a question (and its first post) to `at`.
async fn asked_at(w: &World, q: TopicId, at: chrono::DateTime<Utc>) {
    exec(
        &w.hearth,
        "UPDATE questions SET asked_at = $2, created_at = $2 WHERE topic_id = $1",
        q.0,
        at,
    )
    .await;
    exec(
        &w.hearth,
        "UPDATE topics SET created_at = $2 WHERE id = $1",
        q.0,
        at,
    )
    .await;
    exec(
        &w.hearth,
        "UPDATE posts SET created_at = $2 WHERE topic_id = $1 AND post_number = 1",
        q.0,
        at,
    )
    .await;
}

/// Answers a question `after` its asking, as `who`.
async fn answered(w: &World, q: TopicId, who: &Actor, at: chrono::DateTime<Utc>) {
    let post = crate::qa::answer(
        &w.hearth,
        who,
        q,
        "Yes: I had the same, the dealer swapped the controller for free.",
    )
    .await
    .unwrap();
    exec(
        &w.hearth,
        "UPDATE posts SET created_at = $2 WHERE id = $1",
        post.id.0,
        at,
    )
    .await;
    exec(
        &w.hearth,
        "UPDATE questions SET first_answer_at = $2 WHERE topic_id = $1",
        q.0,
        at,
    )
    .await;
}

async fn question(w: &World, title: &str, products: &[&Product]) -> TopicId {
    ask(
        &w.hearth,
        &w.asker,
        &AskInput {
            title: title.into(),
            body: "Does anybody here have experience with this? Thanks for any pointers.".into(),
            products: products.iter().map(|p| p.id.0).collect(),
            category_id: None,
        },
    )
    .await
    .unwrap()
}

fn total(view: &ReportView, key: &str) -> Option<f64> {
    view.totals
        .iter()
        .find(|t| t.key == key)
        .unwrap_or_else(|| panic!("no total {key}"))
        .value
}

fn since(days_ago: i64) -> Period {
    let today = Utc::now().date_naive();
    Period {
        from: today - Duration::days(days_ago),
        to: today,
    }
}

/// The example of the issue: 4 questions — answered after 2 h, after 30 h, by staff after 1 h, never.
async fn four_questions(w: &World) -> NaiveDate {
    let day = Utc::now().date_naive() - Duration::days(3);
    let at = day.and_hms_opt(8, 0, 0).unwrap().and_utc();
    let q1 = question(w, "Anybody experience with the Lumen X controller?", &[&w.bike]).await;
    let q2 = question(
        w,
        "Anybody experience with winter range on the Lumen X?",
        &[&w.bike],
    )
    .await;
    let q3 = question(
        w,
        "Anybody experience with the fast charger and old batteries?",
        &[&w.charger],
    )
    .await;
    let q4 = question(
        w,
        "Anybody experience with roof racks for the Lumen X?",
        &[&w.bike],
    )
    .await;
    for q in [q1, q2, q3, q4] {
        asked_at(w, q, at).await;
    }
    answered(w, q1, &w.helper, at + Duration::hours(2)).await;
    answered(w, q2, &w.helper, at + Duration::hours(30)).await;
    answered(w, q3, &w.staff, at + Duration::hours(1)).await;
    day
}

#[tokio::test]
async fn qa_metrics_match_a_known_history() {
    let w = world().await;
    let day = four_questions(&w).await;
    rollup_days(&w.hearth, day - Duration::days(1), Utc::now().date_naive())
        .await
        .unwrap();

    let view = load(&w.hearth, &w.product, Report::Qa, since(6), Filter::default())
        .await
        .unwrap();
    assert_eq!(total(&view, "asked"), Some(4.0));
    assert_eq!(total(&view, "answered_24h"), Some(50.0));
    assert_eq!(total(&view, "answered_7d"), Some(75.0));
    assert_eq!(
        total(&view, "first_answer_median"),
        Some(2.0),
        "median first answer 2 h"
    );
    let staff_share = total(&view, "first_by_staff").unwrap();
    assert!(
        (staff_share - 100.0 / 3.0).abs() < 1e-9,
        "staff answered 1 of 3 first: {staff_share}"
    );
    assert_eq!(total(&view, "unanswered"), Some(1.0));
    // The previous period of the same length had nothing.
    let asked = view.totals.iter().find(|t| t.key == "asked").unwrap();
    assert_eq!(asked.previous, Some(0.0));
    assert_eq!(asked.change.as_ref().unwrap().direction, "up");

    // One product: the bike's three questions, one answered within 24 h.
    let bike = Filter {
        product: Some(w.bike.id.0),
        category: None,
    };
    let view = load(&w.hearth, &w.product, Report::Qa, since(6), bike)
        .await
        .unwrap();
    assert_eq!(total(&view, "asked"), Some(3.0));
    let within = total(&view, "answered_24h").unwrap();
    assert!((within - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(view.product.as_ref().unwrap().name, "Lumen X e-bike");

    // Worst answer rate first: the bike (2 of 3) before the charger (1 of 1).
    let view = load(&w.hearth, &w.product, Report::Qa, since(6), Filter::default())
        .await
        .unwrap();
    let table = view.tables.iter().find(|t| t.key == "by_product").unwrap();
    let names: Vec<&Cell> = table.rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        names,
        vec![
            &Cell::Text("Lumen X e-bike".into()),
            &Cell::Text("Fast charger".into())
        ]
    );
    assert_eq!(
        table.rows[0][3],
        Cell::Number(Some(1.0)),
        "one bike question unanswered"
    );

    // The chart's day of asking holds the four, split by outcome.
    let chart = view.charts.iter().find(|c| c.key == "questions").unwrap();
    let i = chart
        .labels
        .iter()
        .position(|l| *l == day.format("%Y-%m-%d").to_string())
        .unwrap();
    let at = |key: &str| chart.series.iter().find(|s| s.key == key).unwrap().values[i];
    assert_eq!(
        (at("within_24h"), at("later"), at("unanswered")),
        (Some(2.0), Some(1.0), Some(1.0))
    );
}

#[tokio::test]
async fn rollups_equal_the_raw_rows_for_the_same_days() {
    let w = world().await;
    four_questions(&w).await;
    let admin = account(&w.hearth, "in_admin2", vec![Role::Admin]).await;
    let general = create_category(&w.hearth, &admin, &category("general", "public", "everyone"))
        .await
        .unwrap();
    // Topics and replies spread over five days.
    for d in 0..5i64 {
        let (topic, _) = create_topic(
            &w.hearth,
            &w.helper,
            &NewTopicInput {
                category_id: general.id.0,
                title: format!("Ride report number {d} from the coast"),
                body: "We rode the coast road today; the battery held up fine.".into(),
            },
        )
        .await
        .unwrap();
        let at = Utc::now() - Duration::days(d) - Duration::hours(1);
        exec(
            &w.hearth,
            "UPDATE topics SET created_at = $2 WHERE id = $1",
            topic.id.0,
            at,
        )
        .await;
        exec(
            &w.hearth,
            "UPDATE posts SET created_at = $2 WHERE topic_id = $1",
            topic.id.0,
            at,
        )
        .await;
        // The team has no posting pace, so ten replies in a row are fine.
        for who in [&w.staff, &w.product] {
            let p = reply(
                &w.hearth,
                who,
                topic.id,
                &ReplyInput {
                    body: "Nice ride! Which tyres did you use on the gravel part?".into(),
                    quote_post_id: None,
                },
            )
            .await
            .unwrap();
            exec(
                &w.hearth,
                "UPDATE posts SET created_at = $2 WHERE id = $1",
                p.id.0,
                at + Duration::minutes(30),
            )
            .await;
        }
    }
    let today = Utc::now().date_naive();
    rollup_days(&w.hearth, today - Duration::days(7), today)
        .await
        .unwrap();

    #[derive(QueryableByName)]
    struct PerDay {
        #[diesel(sql_type = Date)]
        d: NaiveDate,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let raw_posts: Vec<PerDay> = diesel::sql_query(
        "SELECT (p.created_at AT TIME ZONE 'UTC')::date AS d, count(*) AS n FROM posts p JOIN topics t ON t.id = p.topic_id
         WHERE p.status = 'published' AND t.status = 'published' GROUP BY 1",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let raw_asked: Vec<PerDay> = diesel::sql_query(
        "SELECT (asked_at AT TIME ZONE 'UTC')::date AS d, count(*) AS n FROM questions GROUP BY 1",
    )
    .load(&mut conn)
    .await
    .unwrap();
    drop(conn);

    let period = since(7);
    let health = load(&w.hearth, &w.product, Report::Health, period, Filter::default())
        .await
        .unwrap();
    let qa = load(&w.hearth, &w.product, Report::Qa, period, Filter::default())
        .await
        .unwrap();
    let series = |view: &ReportView, chart: &str, key: &str, day: NaiveDate| {
        let c = view.charts.iter().find(|c| c.key == chart).unwrap();
        let i = c
            .labels
            .iter()
            .position(|l| *l == day.format("%Y-%m-%d").to_string())
            .unwrap();
        c.series.iter().find(|s| s.key == key).unwrap().values[i].unwrap()
    };
    assert!(raw_posts.len() >= 5);
    for r in &raw_posts {
        assert_eq!(
            series(&health, "content", "posts", r.d),
            r.n as f64,
            "posts on {}",
            r.d
        );
    }
    for r in &raw_asked {
        let c = qa.charts.iter().find(|c| c.key == "questions").unwrap();
        let i = c
            .labels
            .iter()
            .position(|l| *l == r.d.format("%Y-%m-%d").to_string())
            .unwrap();
        let sum: f64 = c.series.iter().map(|s| s.values[i].unwrap()).sum();
        assert_eq!(sum, r.n as f64, "questions asked on {}", r.d);
    }
    let all_posts: i64 = raw_posts.iter().filter(|r| r.d >= period.from).map(|r| r.n).sum();
    assert_eq!(total(&health, "posts"), Some(all_posts as f64));
    // Five topics each drew two distinct repliers: none reached three.
    assert_eq!(total(&health, "lively_topics"), Some(0.0));
    // The first response to each ride report came 30 minutes after it.
    assert_eq!(total(&health, "first_response"), Some(0.5));
}

#[tokio::test]
async fn club_joins_and_leaves_are_counted() {
    let w = world().await;
    crate::club::join(&w.hearth, &w.asker).await.unwrap();
    crate::club::join(&w.hearth, &w.helper).await.unwrap();
    crate::club::leave(&w.hearth, &w.helper.clone().in_club(true))
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    rollup_days(&w.hearth, today - Duration::days(1), today)
        .await
        .unwrap();
    let view = load(&w.hearth, &w.product, Report::Club, since(6), Filter::default())
        .await
        .unwrap();
    assert_eq!(total(&view, "joins"), Some(2.0));
    assert_eq!(
        total(&view, "leaves"),
        Some(1.0),
        "leaving deletes the membership, the event stays"
    );
    assert_eq!(total(&view, "net"), Some(1.0));
    assert_eq!(total(&view, "members"), Some(1.0));
    let tiers = view.tables.iter().find(|t| t.key == "tiers").unwrap();
    let members: f64 = tiers
        .rows
        .iter()
        .map(|r| match r[1] {
            Cell::Number(Some(n)) => n,
            _ => 0.0,
        })
        .sum();
    assert_eq!(members, 1.0);
}

#[tokio::test]
async fn restricted_content_counts_but_no_member_is_named() {
    let w = world().await;
    let admin = account(&w.hearth, "in_admin3", vec![Role::Admin]).await;
    let team = create_category(&w.hearth, &admin, &category("team-room", "staff", "staff"))
        .await
        .unwrap();
    create_topic(
        &w.hearth,
        &w.staff,
        &NewTopicInput {
            category_id: team.id.0,
            title: "Internal: the recall plan for batch 7".into(),
            body: "Only for the team: dealers are told on Monday, customers on Tuesday.".into(),
        },
    )
    .await
    .unwrap();
    four_questions(&w).await;
    let today = Utc::now().date_naive();
    rollup_days(&w.hearth, today - Duration::days(6), today)
        .await
        .unwrap();
    let all = load(&w.hearth, &w.staff, Report::Health, since(6), Filter::default())
        .await
        .unwrap();
    let team_only = Filter {
        product: None,
        category: Some(team.id.0),
    };
    let team_view = load(&w.hearth, &w.staff, Report::Health, since(6), team_only)
        .await
        .unwrap();
    assert_eq!(
        total(&team_view, "posts"),
        Some(1.0),
        "the staff-only topic counts"
    );
    assert!(total(&all, "posts").unwrap() >= 8.0);
    for report in super::Report::ALL {
        let view = load(&w.hearth, &w.staff, report, since(6), Filter::default())
            .await
            .unwrap();
        let json = serde_json::to_string(&view).unwrap();
        for private in [
            "in_asker",
            "in_helper",
            "in_staff",
            "@example.com",
            "recall plan",
            "dealer swapped",
        ] {
            assert!(!json.contains(private), "{report:?} shows {private}");
        }
    }
}

#[tokio::test]
async fn ideas_funnel_counts_every_step_an_idea_passed() {
    let w = world().await;
    let admin = account(&w.hearth, "in_admin4", vec![Role::Admin]).await;
    create_category(&w.hearth, &admin, &category("ideas", "public", "everyone"))
        .await
        .unwrap();
    let submit = |title: &'static str| {
        let hearth = w.hearth.clone();
        let asker = w.asker.clone();
        let bike = w.bike.id.0;
        async move {
            crate::ideas::submit(
                &hearth,
                &asker,
                &crate::ideas::NewIdeaInput {
                    title: title.into(),
                    body: "It would help a lot on long rides in the hills.".into(),
                    product_id: Some(bike),
                    category_id: None,
                },
            )
            .await
            .unwrap()
        }
    };
    let shipped = submit("A range display that learns my riding style").await;
    let declined = submit("A built-in coffee maker on the handlebar").await;
    let created = Utc::now() - Duration::days(5);
    for idea in [shipped, declined] {
        exec(
            &w.hearth,
            "UPDATE ideas SET created_at = $2 WHERE topic_id = $1",
            idea.0,
            created,
        )
        .await;
    }
    crate::ideas::change_status(
        &w.hearth,
        &w.product,
        shipped,
        "planned",
        "On the roadmap for spring.",
    )
    .await
    .unwrap();
    crate::ideas::change_status(&w.hearth, &w.product, shipped, "shipped", "Out in firmware 4.2.")
        .await
        .unwrap();
    crate::ideas::change_status(
        &w.hearth,
        &w.product,
        declined,
        "declined",
        "Not something we will build.",
    )
    .await
    .unwrap();
    // The shipped idea waited 2 days as new, then 1 day planned; the declined one 4 days as new.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::sql_query(
        "UPDATE idea_status_changes SET created_at = $2 + CASE to_status WHEN 'planned' THEN interval '2 days'
                                                                     WHEN 'shipped' THEN interval '3 days'
                                                                     ELSE interval '4 days' END
         WHERE idea_id = $1 OR idea_id = $3",
    )
    .bind::<BigInt, _>(shipped.0)
    .bind::<Timestamptz, _>(created)
    .bind::<BigInt, _>(declined.0)
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);
    let today = Utc::now().date_naive();
    rollup_days(&w.hearth, today - Duration::days(6), today)
        .await
        .unwrap();
    let view = load(&w.hearth, &w.product, Report::Ideas, since(6), Filter::default())
        .await
        .unwrap();
    let funnel = view.charts.iter().find(|c| c.key == "funnel").unwrap();
    let steps: Vec<(&str, Option<f64>)> = funnel.series.iter().map(|s| (s.key, s.values[0])).collect();
    assert_eq!(
        steps,
        vec![
            ("created", Some(2.0)),
            ("under_review", Some(1.0)),
            ("planned", Some(1.0)),
            ("in_progress", Some(1.0)),
            ("shipped", Some(1.0)),
            ("declined", Some(1.0)),
        ]
    );
    let table = view.tables.iter().find(|t| t.key == "funnel_steps").unwrap();
    assert_eq!(
        table.rows[0][3],
        Cell::Number(Some(3.0)),
        "2 and 4 days as new: median 3"
    );
    assert_eq!(table.rows[2][3], Cell::Number(Some(1.0)), "1 day planned");
    assert_eq!(table.rows[1][2], Cell::Number(Some(50.0)), "half went past new");
}

#[tokio::test]
async fn who_reads_which_report() {
    let w = world().await;
    let moderator = account(&w.hearth, "in_mod", vec![Role::Moderator]).await;
    let period = since(6);
    let refused = load(&w.hearth, &w.asker, Report::Health, period, Filter::default()).await;
    assert!(matches!(refused, Err(DomainError::Forbidden(_))));
    assert!(can_read(&moderator, Report::Moderation) && can_read(&moderator, Report::Health));
    assert!(!can_read(&moderator, Report::Ideas));
    assert!(matches!(
        load(&w.hearth, &moderator, Report::Qa, period, Filter::default()).await,
        Err(DomainError::Forbidden(_))
    ));
    for report in Report::ALL {
        assert!(can_read(&w.product, report) && can_read(&w.staff, report));
    }
}

fn field<T: std::fmt::Debug>(r: Result<T, DomainError>) -> String {
    match r {
        Err(DomainError::Invalid(e)) => e.0.keys().cloned().collect::<Vec<_>>().join(","),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_periods_and_filters_name_their_field() {
    assert_eq!(field(Period::parse(Some("12"), None, None)), "days");
    assert_eq!(
        field(Period::parse(None, Some("2026-02-30"), Some("2026-03-01"))),
        "from"
    );
    assert_eq!(
        field(Period::parse(None, Some("2026-03-02"), Some("2026-03-01"))),
        "to"
    );
    assert_eq!(
        Period::parse(None, None, Some("2026-03-02")).unwrap().days(),
        30,
        "to alone: the 30 days up to it"
    );
    assert_eq!(
        Period::parse(None, Some("2026-03-02"), None).unwrap().to,
        Utc::now().date_naive()
    );
    assert_eq!(
        field(Period::parse(None, Some("2020-01-01"), Some("2026-01-01"))),
        "from"
    );
    assert_eq!(
        field(Period::parse(None, Some("x"), Some("2999-01-01"))),
        "from,to"
    );
    assert_eq!(Period::parse(Some("90"), None, None).unwrap().days(), 90);
    let w = world().await;
    assert_eq!(
        field(Filter::resolve(&w.hearth, Report::Club, Some("3"), None).await),
        "product"
    );
    assert_eq!(
        field(Filter::resolve(&w.hearth, Report::Qa, Some("no-such-product"), None).await),
        "product"
    );
    let by_slug = Filter::resolve(&w.hearth, Report::Qa, Some("lumen-x"), None)
        .await
        .unwrap();
    assert_eq!(by_slug.product, Some(w.bike.id.0), "a product by its slug");
    let by_id = Filter::resolve(&w.hearth, Report::Qa, Some(&w.charger.id.0.to_string()), None)
        .await
        .unwrap();
    assert_eq!(by_id.product, Some(w.charger.id.0));
    let unknown = Filter {
        product: Some(999_999),
        category: None,
    };
    assert_eq!(
        field(load(&w.hearth, &w.product, Report::Qa, since(6), unknown).await),
        "product"
    );
}

#[tokio::test]
async fn the_worker_rolls_up_once_and_catches_late_answers() {
    let w = world().await;
    let day = four_questions(&w).await;
    // History is the backfill's; the worker keeps up from its first run on.
    rollup_days(&w.hearth, day - Duration::days(1), Utc::now().date_naive())
        .await
        .unwrap();
    let (a, b) = tokio::join!(refresh_if_due(&w.hearth), refresh_if_due(&w.hearth));
    let ran: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(ran.len(), 1, "one of two instances runs it");
    assert!(
        refresh_if_due(&w.hearth).await.unwrap().is_none(),
        "not due again at once"
    );
    let view = load(&w.hearth, &w.product, Report::Qa, since(6), Filter::default())
        .await
        .unwrap();
    assert_eq!(total(&view, "unanswered"), Some(1.0));

    // The last question gets its answer today: the next run recomputes the day it was asked.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::sql_query("UPDATE insight_state SET checked_at = checked_at - interval '6 minutes'")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let q: Id = diesel::sql_query("SELECT id FROM topics WHERE title LIKE '%roof racks%'")
        .get_result(&mut conn)
        .await
        .unwrap();
    drop(conn);
    crate::qa::answer(
        &w.hearth,
        &w.helper,
        TopicId(q.id),
        "I use the Thule one, it fits without tools.",
    )
    .await
    .unwrap();
    assert!(refresh_if_due(&w.hearth).await.unwrap().is_some());
    let view = load(&w.hearth, &w.product, Report::Qa, since(6), Filter::default())
        .await
        .unwrap();
    assert_eq!(
        total(&view, "unanswered"),
        Some(0.0),
        "the day {day} was recomputed"
    );
}
