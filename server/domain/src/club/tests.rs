//! The club against a real PostgreSQL and Redis: joining, tiers by threshold and by grant, tier-gated
//! categories, events under concurrent RSVPs, the waitlist and its promotions, early access, leaving.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::*;
use crate::accounts::{Actor, Role};
use crate::forums::tests::{account, category};
use crate::forums::{Viewer, category_by_slug, create_category};
use crate::ideas::tests::members;
use crate::schema::{event_rsvps, member_reputation, notifications, users};
use crate::{DomainError, Hearth, db, testing};

struct World {
    hearth: Hearth,
    _db: testing::TestDb,
    admin: Actor,
    staff: Actor,
}

async fn world() -> World {
    let (hearth, db) = testing::hearth().await;
    let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
    let staff = account(&hearth, "staff1", vec![Role::Staff]).await;
    for (slug, name, rank, min) in [
        ("fan", "Fan", 10, 0),
        ("insider", "Insider", 20, 100),
        ("vip", "VIP", 30, 1000),
    ] {
        save_tier(
            &hearth,
            &admin,
            &TierInput {
                slug: slug.into(),
                name: name.into(),
                rank,
                min_reputation: min,
                description: format!("The {name} tier."),
            },
        )
        .await
        .unwrap();
    }
    World {
        hearth,
        _db: db,
        admin,
        staff,
    }
}

/// Sets a member's reputation points directly (the reputation tests cover how points are earned).
async fn set_points(hearth: &Hearth, who: &Actor, points: i32) {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    diesel::insert_into(member_reputation::table)
        .values((
            member_reputation::user_id.eq(who.id),
            member_reputation::points.eq(points),
        ))
        .on_conflict(member_reputation::user_id)
        .do_update()
        .set(member_reputation::points.eq(points))
        .execute(&mut conn)
        .await
        .unwrap();
    crate::club::refresh_tiers_in(&mut conn, Some(&[who.id.0]))
        .await
        .unwrap();
}

/// The actor as a fresh request would load it (club membership and tier rank).
async fn reload(hearth: &Hearth, who: &Actor) -> Actor {
    let (row, club, rank) = crate::accounts::find_with_club(hearth, who.id)
        .await
        .unwrap()
        .unwrap();
    Actor::from_row(&row, who.auth.clone())
        .in_club(club)
        .with_club_rank(rank)
}

fn event_input(title: &str, capacity: i64) -> EventInput {
    EventInput {
        title: title.into(),
        description: "Meet the team, ride the prototypes.".into(),
        place: "Lumen HQ, Utrecht".into(),
        starts_at: (Utc::now() + Duration::days(10)).to_rfc3339(),
        capacity,
        ..EventInput::default()
    }
}

#[tokio::test]
async fn tiers_follow_reputation_thresholds_and_staff_grants() {
    let w = world().await;
    let member = account(&w.hearth, "rider", vec![]).await;
    assert!(membership(&w.hearth, member.id).await.unwrap().is_none());
    let joined = join(&w.hearth, &member).await.unwrap();
    assert_eq!(
        joined.tier.as_ref().map(|t| t.slug.as_str()),
        Some("fan"),
        "the base tier needs 0 points"
    );
    assert_eq!(
        join(&w.hearth, &member).await.unwrap().joined_at,
        joined.joined_at,
        "joining twice is a no-op"
    );

    set_points(&w.hearth, &member, 99).await;
    assert_eq!(
        membership(&w.hearth, member.id)
            .await
            .unwrap()
            .unwrap()
            .tier
            .unwrap()
            .slug,
        "fan"
    );
    set_points(&w.hearth, &member, 100).await;
    assert_eq!(
        membership(&w.hearth, member.id)
            .await
            .unwrap()
            .unwrap()
            .tier
            .unwrap()
            .slug,
        "insider"
    );

    // Staff grant VIP; the grant holds while the reputation is lower, and is audited.
    assert!(matches!(
        grant_tier(&w.hearth, &member, member.id, Some("vip"), "").await,
        Err(DomainError::Forbidden(_))
    ));
    let granted = grant_tier(&w.hearth, &w.staff, member.id, Some("vip"), "Ambassador")
        .await
        .unwrap();
    assert_eq!(granted.tier.unwrap().slug, "vip");
    set_points(&w.hearth, &member, 0).await;
    assert_eq!(
        membership(&w.hearth, member.id)
            .await
            .unwrap()
            .unwrap()
            .tier
            .unwrap()
            .slug,
        "vip"
    );
    let back = grant_tier(&w.hearth, &w.staff, member.id, None, "")
        .await
        .unwrap();
    assert_eq!(back.tier.unwrap().slug, "fan");

    // Raising a threshold moves members down at once.
    set_points(&w.hearth, &member, 150).await;
    save_tier(
        &w.hearth,
        &w.admin,
        &TierInput {
            slug: "insider".into(),
            name: "Insider".into(),
            rank: 20,
            min_reputation: 200,
            description: String::new(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        membership(&w.hearth, member.id)
            .await
            .unwrap()
            .unwrap()
            .tier
            .unwrap()
            .slug,
        "fan"
    );

    // Bad tier input: field errors, nothing changed.
    let err = save_tier(
        &w.hearth,
        &w.admin,
        &TierInput {
            slug: "Bad Slug".into(),
            name: "x".into(),
            rank: -1,
            min_reputation: -5,
            description: String::new(),
        },
    )
    .await
    .unwrap_err();
    for field in ["slug", "name", "rank", "min_reputation"] {
        assert!(err.fields().contains_key(field), "{field}: {err:?}");
    }
    assert_eq!(list_tiers(&w.hearth).await.unwrap().len(), 3);
    assert!(matches!(
        save_tier(&w.hearth, &member, &TierInput::default()).await,
        Err(DomainError::Forbidden(_))
    ));

    // Granting to someone outside the club is a conflict.
    let outsider = account(&w.hearth, "outsider", vec![]).await;
    assert!(matches!(
        grant_tier(&w.hearth, &w.staff, outsider.id, Some("vip"), "").await,
        Err(DomainError::Conflict { .. })
    ));
}

#[tokio::test]
async fn only_verified_members_join_and_perk_codes_show_from_their_tier_up() {
    let w = world().await;
    let member = account(&w.hearth, "rider", vec![]).await;
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::update(users::table.find(member.id))
        .set(users::email_verified_at.eq(None::<chrono::DateTime<Utc>>))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(matches!(
        join(&w.hearth, &member).await,
        Err(DomainError::EmailNotVerified)
    ));
    assert!(membership(&w.hearth, member.id).await.unwrap().is_none());

    add_perk(
        &w.hearth,
        &w.admin,
        "vip",
        &PerkInput {
            title: "Test rides".into(),
            body: "Ride prototypes first.".into(),
            code: "VIP-2026".into(),
            link: String::new(),
        },
    )
    .await
    .unwrap();
    let err = add_perk(
        &w.hearth,
        &w.admin,
        "vip",
        &PerkInput {
            title: "x".into(),
            link: "javascript:alert(1)".into(),
            ..PerkInput::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        err.fields().contains_key("title") && err.fields().contains_key("link"),
        "{err:?}"
    );
    let as_fan = tiers_with_perks(&w.hearth, Some(10), false).await.unwrap();
    let vip = as_fan.iter().find(|t| t.tier.slug == "vip").unwrap();
    assert!(!vip.reached);
    assert_eq!(vip.perks.len(), 1);
    assert_eq!(
        vip.perks[0].code, None,
        "codes are for members who reached the tier"
    );
    let as_vip = tiers_with_perks(&w.hearth, Some(30), false).await.unwrap();
    assert_eq!(as_vip[0].perks[0].code.as_deref(), Some("VIP-2026"));
}

#[tokio::test]
async fn club_only_categories_open_to_the_tiers_they_name() {
    let w = world().await;
    let mut input = category("vip-lounge", "club", "everyone");
    input.min_tier = "vip".into();
    create_category(&w.hearth, &w.admin, &input).await.unwrap();
    let mut wrong = category("public-vip", "public", "everyone");
    wrong.min_tier = "vip".into();
    let err = create_category(&w.hearth, &w.admin, &wrong).await.unwrap_err();
    assert!(err.fields().contains_key("min_tier"), "{err:?}");

    let member = account(&w.hearth, "rider", vec![]).await;
    let outside = Viewer::of(Some(&reload(&w.hearth, &member).await));
    assert!(matches!(
        category_by_slug(&w.hearth, &outside, "vip-lounge").await,
        Err(DomainError::Forbidden(_))
    ));
    join(&w.hearth, &member).await.unwrap();
    let fan = Viewer::of(Some(&reload(&w.hearth, &member).await));
    match category_by_slug(&w.hearth, &fan, "vip-lounge").await {
        Err(DomainError::Forbidden(why)) => assert!(why.contains("VIP"), "{why}"),
        other => panic!("a Fan may not enter the VIP lounge: {other:?}"),
    }
    set_member_tier(&w.hearth, member.id, Some("vip")).await.unwrap();
    let vip = Viewer::of(Some(&reload(&w.hearth, &member).await));
    assert_eq!(
        category_by_slug(&w.hearth, &vip, "vip-lounge")
            .await
            .unwrap()
            .min_tier_name
            .as_deref(),
        Some("VIP")
    );
    let team = Viewer::of(Some(&w.staff));
    assert!(category_by_slug(&w.hearth, &team, "vip-lounge").await.is_ok());
}

#[tokio::test]
async fn a_hundred_concurrent_rsvps_for_ten_seats_seat_ten_and_queue_ninety_in_order() {
    let w = world().await;
    let event = create_event(&w.hearth, &w.staff, &event_input("Factory tour", 10))
        .await
        .unwrap();
    let crowd = members(&w.hearth, "fan", 100).await;
    for m in &crowd {
        set_member_tier(&w.hearth, m.id, None).await.unwrap();
    }
    let mut tasks = Vec::new();
    for m in crowd.clone() {
        let hearth = w.hearth.clone();
        tasks.push(tokio::spawn(async move { rsvp(&hearth, &m, event.id).await }));
    }
    let mut going = 0;
    let mut waitlisted = 0;
    for t in tasks {
        match t.await.unwrap().unwrap().status {
            RsvpStatus::Going => going += 1,
            RsvpStatus::Waitlisted => waitlisted += 1,
        }
    }
    assert_eq!((going, waitlisted), (10, 90));
    let view = event_view(&w.hearth, None, event.id).await.unwrap();
    assert_eq!((view.event.going_count, view.event.waitlist_count), (10, 90));

    // Arrival order: every seat was taken before anyone queued, and the queue positions are 1..=90.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    let rows: Vec<(i64, String, i64)> = event_rsvps::table
        .filter(event_rsvps::event_id.eq(event.id))
        .order(event_rsvps::queue_no)
        .select((event_rsvps::user_id, event_rsvps::status, event_rsvps::queue_no))
        .load::<(crate::ids::UserId, String, i64)>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|(u, s, q)| (u.0, s, q))
        .collect();
    assert!(rows[..10].iter().all(|r| r.1 == "going"));
    assert!(rows[10..].iter().all(|r| r.1 == "waitlisted"));
    let mut positions = Vec::new();
    for (user, _, _) in &rows[10..] {
        let who = crowd.iter().find(|m| m.id.0 == *user).unwrap();
        positions.push(
            event_view(&w.hearth, Some(who.id), event.id)
                .await
                .unwrap()
                .rsvp
                .unwrap()
                .position
                .unwrap(),
        );
    }
    assert_eq!(positions, (1..=90).collect::<Vec<i64>>());

    // Asking again changes nothing.
    let first_waiting = crowd.iter().find(|m| m.id.0 == rows[10].0).unwrap().clone();
    assert_eq!(
        rsvp(&w.hearth, &first_waiting, event.id).await.unwrap().position,
        Some(1)
    );
    assert_eq!(
        event_view(&w.hearth, None, event.id)
            .await
            .unwrap()
            .event
            .waitlist_count,
        90
    );

    // A seat given up goes to the first in line, who is told; a waitlisted cancellation only shortens the line.
    let seated = crowd.iter().find(|m| m.id.0 == rows[0].0).unwrap().clone();
    cancel_rsvp(&w.hearth, &seated, event.id).await.unwrap();
    cancel_rsvp(&w.hearth, &seated, event.id).await.unwrap();
    let promoted = event_view(&w.hearth, Some(first_waiting.id), event.id)
        .await
        .unwrap();
    assert_eq!(promoted.rsvp.unwrap().status, RsvpStatus::Going);
    assert_eq!(
        (promoted.event.going_count, promoted.event.waitlist_count),
        (10, 89)
    );
    let told: i64 = notifications::table
        .filter(notifications::user_id.eq(first_waiting.id))
        .filter(notifications::kind.eq("event.seat"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(told, 1);
    let second = crowd.iter().find(|m| m.id.0 == rows[11].0).unwrap();
    assert_eq!(
        event_view(&w.hearth, Some(second.id), event.id)
            .await
            .unwrap()
            .rsvp
            .unwrap()
            .position,
        Some(1)
    );
    let last = crowd.iter().find(|m| m.id.0 == rows[99].0).unwrap().clone();
    cancel_rsvp(&w.hearth, &last, event.id).await.unwrap();
    let view = event_view(&w.hearth, None, event.id).await.unwrap();
    assert_eq!((view.event.going_count, view.event.waitlist_count), (10, 88));
}

#[tokio::test]
async fn early_access_lets_only_higher_tiers_rsvp_until_it_ends() {
    let w = world().await;
    let mut input = event_input("Prototype test ride", 5);
    input.min_tier = "fan".into();
    input.early_tier = "insider".into();
    input.early_until = (Utc::now() + Duration::days(2)).to_rfc3339();
    let event = create_event(&w.hearth, &w.staff, &input).await.unwrap();
    let v = members(&w.hearth, "early", 3).await;
    let (fan, insider, outsider) = (&v[0], &v[1], &v[2]);
    set_member_tier(&w.hearth, fan.id, None).await.unwrap();
    set_member_tier(&w.hearth, insider.id, Some("insider"))
        .await
        .unwrap();

    match rsvp(&w.hearth, fan, event.id).await {
        Err(DomainError::Forbidden(why)) => assert!(why.contains("Insider"), "{why}"),
        other => panic!("a Fan may not RSVP during early access: {other:?}"),
    }
    assert!(
        event_view(&w.hearth, Some(fan.id), event.id)
            .await
            .unwrap()
            .blocked
            .is_some()
    );
    assert_eq!(
        rsvp(&w.hearth, insider, event.id).await.unwrap().status,
        RsvpStatus::Going
    );
    assert!(matches!(
        rsvp(&w.hearth, outsider, event.id).await,
        Err(DomainError::Forbidden(_))
    ));

    // When the window closes, every club member may RSVP.
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::update(crate::schema::events::table.find(event.id))
        .set(crate::schema::events::early_until.eq(Some(Utc::now() - Duration::minutes(1))))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        rsvp(&w.hearth, fan, event.id).await.unwrap().status,
        RsvpStatus::Going
    );
    assert!(matches!(
        rsvp(&w.hearth, outsider, event.id).await,
        Err(DomainError::Forbidden(_))
    ));

    // Leaving the club gives the seat up.
    leave(&w.hearth, fan).await.unwrap();
    assert!(membership(&w.hearth, fan.id).await.unwrap().is_none());
    assert_eq!(
        event_view(&w.hearth, None, event.id)
            .await
            .unwrap()
            .event
            .going_count,
        1
    );

    // Once the event is over its guest list is final: no RSVP, no cancellation.
    diesel::sql_query(
        "UPDATE events SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    assert!(matches!(
        cancel_rsvp(&w.hearth, insider, event.id).await,
        Err(DomainError::Conflict { .. })
    ));
    assert!(matches!(
        rsvp(&w.hearth, fan, event.id).await,
        Err(DomainError::Conflict { .. })
    ));
    assert_eq!(
        event_view(&w.hearth, None, event.id)
            .await
            .unwrap()
            .event
            .going_count,
        1
    );
}

#[tokio::test]
async fn events_are_staff_made_with_field_errors_and_an_ics_file() {
    let w = world().await;
    let member = account(&w.hearth, "rider", vec![]).await;
    assert!(matches!(
        create_event(&w.hearth, &member, &event_input("Mine", 3)).await,
        Err(DomainError::Forbidden(_))
    ));
    let bad = EventInput {
        title: "x".into(),
        starts_at: "next tuesday".into(),
        capacity: 0,
        min_tier: "nope".into(),
        early_tier: "vip".into(),
        ..EventInput::default()
    };
    let err = create_event(&w.hearth, &w.staff, &bad).await.unwrap_err();
    for field in ["title", "starts_at", "capacity", "min_tier", "early_until"] {
        assert!(err.fields().contains_key(field), "{field}: {err:?}");
    }
    let mut far = event_input("Far away", 3);
    far.starts_at = "+262143-01-01T00:00".into();
    assert!(
        create_event(&w.hearth, &w.staff, &far)
            .await
            .unwrap_err()
            .fields()
            .contains_key("starts_at")
    );
    far.starts_at = "3001-01-01T10:00".into();
    assert!(
        create_event(&w.hearth, &w.staff, &far)
            .await
            .unwrap_err()
            .fields()
            .contains_key("starts_at")
    );
    let mut backwards = event_input("Backwards", 3);
    backwards.ends_at = (Utc::now() + Duration::days(9)).to_rfc3339();
    assert!(
        create_event(&w.hearth, &w.staff, &backwards)
            .await
            .unwrap_err()
            .fields()
            .contains_key("ends_at")
    );
    assert!(
        list_events(&w.hearth, None, false, None)
            .await
            .unwrap()
            .is_empty()
    );

    let mut input = event_input("Winter ride; hot chocolate, after", 30);
    input.starts_at = "2031-01-15T18:30".into();
    let event = create_event(&w.hearth, &w.staff, &input).await.unwrap();
    assert_eq!(event.ends_at - event.starts_at, Duration::hours(2));
    let ics = event_ics(&w.hearth, None, event.id).await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20310115T183000Z\r\n"), "{ics}");
    assert!(ics.contains("DTEND:20310115T203000Z\r\n"), "{ics}");
    assert!(
        ics.contains("SUMMARY:Winter ride\\; hot chocolate\\, after\r\n"),
        "{ics}"
    );
    assert!(ics.trim_end().ends_with("END:VCALENDAR"));
    assert_eq!(list_events(&w.hearth, None, false, None).await.unwrap().len(), 1);
    assert!(matches!(
        event_ics(&w.hearth, None, event.id + 1).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_directory_lists_only_members_who_opted_in_and_only_to_the_club() {
    let w = world().await;
    let v = members(&w.hearth, "dir", 3).await;
    for m in &v {
        set_member_tier(&w.hearth, m.id, None).await.unwrap();
    }
    set_in_directory(&w.hearth, &v[0], true).await.unwrap();
    set_in_directory(&w.hearth, &v[2], true).await.unwrap();
    let club_viewer = Viewer::of(Some(&reload(&w.hearth, &v[1]).await));
    let listed = directory(&w.hearth, &club_viewer, None).await.unwrap();
    assert_eq!(
        listed.iter().map(|e| e.username.as_str()).collect::<Vec<_>>(),
        ["dir1", "dir3"]
    );
    assert_eq!(listed[0].tier.as_deref(), Some("Fan"));
    assert!(matches!(
        directory(&w.hearth, &Viewer::anonymous(), None).await,
        Err(DomainError::Forbidden(_))
    ));
    let outsider = account(&w.hearth, "outsider", vec![]).await;
    assert!(matches!(
        set_in_directory(&w.hearth, &outsider, true).await,
        Err(DomainError::Conflict { .. })
    ));
}

#[tokio::test]
async fn members_going_are_reminded_once_a_day_ahead_and_a_promoted_member_too() {
    let w = world().await;
    let event = create_event(&w.hearth, &w.staff, &event_input("Night ride", 2))
        .await
        .unwrap();
    let crowd = members(&w.hearth, "rider", 3).await;
    for m in &crowd {
        set_member_tier(&w.hearth, m.id, None).await.unwrap();
        rsvp(&w.hearth, m, event.id).await.unwrap();
    }
    let reminders = async |hearth: &Hearth| -> Vec<(i64, String, String)> {
        let mut conn = db::conn(hearth.db()).await.unwrap();
        notifications::table
            .filter(notifications::kind.eq("event.reminder"))
            .order(notifications::user_id)
            .select((notifications::user_id, notifications::title, notifications::url))
            .load::<(crate::ids::UserId, String, String)>(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .map(|(u, t, l)| (u.0, t, l))
            .collect()
    };
    // Ten days ahead: too early.
    assert_eq!(send_reminders(&w.hearth, Utc::now()).await.unwrap(), 0);
    // A day ahead: the two going (not the one waiting), once however often the sweep runs.
    let day_before = event.starts_at - Duration::hours(23);
    assert_eq!(send_reminders(&w.hearth, day_before).await.unwrap(), 2);
    assert_eq!(send_reminders(&w.hearth, day_before).await.unwrap(), 0);
    let sent = reminders(&w.hearth).await;
    let going: Vec<i64> = vec![crowd[0].id.0, crowd[1].id.0];
    assert_eq!(sent.iter().map(|r| r.0).collect::<Vec<_>>(), going);
    let (_, title, url) = &sent[0];
    assert!(
        title.starts_with("Reminder: Night ride starts ") && title.ends_with("UTC (Lumen HQ, Utrecht)"),
        "{title}"
    );
    assert_eq!(url, &format!("/events/{}", event.id));
    // A seat given up inside the window: the member promoted from the waitlist is reminded on the next sweep.
    cancel_rsvp(&w.hearth, &crowd[0], event.id).await.unwrap();
    assert_eq!(
        send_reminders(&w.hearth, day_before + Duration::hours(1))
            .await
            .unwrap(),
        1
    );
    let sent = reminders(&w.hearth).await;
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().any(|r| r.0 == crowd[2].id.0));
    // Once it started, nobody is reminded (even with the reminders gone, the window has passed).
    let mut conn = db::conn(w.hearth.db()).await.unwrap();
    diesel::delete(notifications::table.filter(notifications::kind.eq("event.reminder")))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        send_reminders(&w.hearth, event.starts_at + Duration::minutes(1))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn where_a_tier_event_takes_place_is_shown_only_to_those_it_admits() {
    let w = world().await;
    let mut input = event_input("Insider factory tour", 5);
    input.place = "Gate 4, Lumen factory, Utrecht".into();
    input.link = "https://meet.example/insider-tour".into();
    input.min_tier = "insider".into();
    let event = create_event(&w.hearth, &w.staff, &input).await.unwrap();
    let v = members(&w.hearth, "where", 2).await;
    let (fan, insider) = (&v[0], &v[1]);
    set_member_tier(&w.hearth, fan.id, None).await.unwrap();
    set_member_tier(&w.hearth, insider.id, Some("insider"))
        .await
        .unwrap();
    let place_for = |viewer: Option<crate::ids::UserId>| {
        let hearth = w.hearth.clone();
        async move {
            let e = event_view(&hearth, viewer, event.id).await.unwrap().event;
            (e.place, e.link)
        }
    };
    assert_eq!(place_for(None).await, (String::new(), None), "visitors");
    assert_eq!(place_for(Some(fan.id)).await, (String::new(), None), "a Fan");
    assert_eq!(
        place_for(Some(insider.id)).await.0,
        "Gate 4, Lumen factory, Utrecht"
    );
    assert!(place_for(Some(w.staff.id)).await.1.is_some(), "the team");
    let ics = event_ics(&w.hearth, Some(fan.id), event.id).await.unwrap();
    assert!(!ics.contains("Gate 4") && !ics.contains("meet.example"), "{ics}");
    let ics = event_ics(&w.hearth, Some(insider.id), event.id).await.unwrap();
    assert!(ics.contains("Gate 4"), "{ics}");
    // The list leaves it out the same way.
    let as_actor = |id: crate::ids::UserId, rank: Option<i32>| {
        let mut a = w.staff.clone();
        a.id = id;
        a.roles = crate::accounts::Roles::new(vec![]);
        a.club_member = true;
        a.club_rank = rank;
        a
    };
    let fan_actor = as_actor(fan.id, Some(10));
    let listed = list_events(&w.hearth, Some(&fan_actor), false, None)
        .await
        .unwrap();
    let e = listed.iter().find(|e| e.id == event.id).unwrap();
    assert!(e.place.is_empty() && e.link.is_none());
    let insider_actor = as_actor(insider.id, Some(20));
    let listed = list_events(&w.hearth, Some(&insider_actor), false, None)
        .await
        .unwrap();
    assert!(listed.iter().any(|e| e.id == event.id && e.link.is_some()));
    // Perk links follow the same rule.
    let tiers = tiers_with_perks(&w.hearth, Some(10), false).await.unwrap();
    assert!(
        tiers
            .iter()
            .filter(|t| !t.reached)
            .flat_map(|t| &t.perks)
            .all(|p| p.link.is_none() && p.code.is_none())
    );
}
