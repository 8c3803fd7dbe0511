//! Club events with limited seats. Staff create them; club members RSVP. Seats are handed out under the event's
//! row lock, so there are never more "going" than seats however many RSVP at once; the rest wait in arrival
//! order and the first in line takes a seat someone gives up. During an early-access window only members of a
//! higher tier may RSVP.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::tiers::{Tier, optional_tier};
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::UserId;
use crate::notifications::{self, NewNotification};
use crate::schema::{club_members, club_tiers, event_rsvps, events, users};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db, markdown};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg))]
pub struct Event {
    pub id: i64,
    pub title: String,
    pub description_md: String,
    pub description_html: String,
    pub place: String,
    pub link: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    pub min_tier_id: Option<i64>,
    pub early_tier_id: Option<i64>,
    pub early_until: Option<DateTime<Utc>>,
    pub going_count: i32,
    pub waitlist_count: i32,
    pub created_at: DateTime<Utc>,
}

impl Event {
    pub fn ended(&self, now: DateTime<Utc>) -> bool {
        self.ends_at <= now
    }

    pub fn full(&self) -> bool {
        self.going_count >= self.capacity
    }
}

/// A member's answer to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Going,
    Waitlisted,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RsvpStatus::Going => "going",
            RsvpStatus::Waitlisted => "waitlisted",
        }
    }

    fn parse(raw: &str) -> RsvpStatus {
        if raw == "going" {
            RsvpStatus::Going
        } else {
            RsvpStatus::Waitlisted
        }
    }
}

/// Where a member stands for an event: going, or waitlisted at a position (1 = next in line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rsvp {
    pub status: RsvpStatus,
    pub position: Option<i64>,
}

/// An event as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventView {
    pub event: Event,
    pub min_tier: Option<Tier>,
    pub early_tier: Option<Tier>,
    /// The viewer's RSVP.
    pub rsvp: Option<Rsvp>,
    /// Why the viewer cannot RSVP now (None: they can).
    pub blocked: Option<String>,
}

/// A staff member's event form. Times are RFC 3339 or `YYYY-MM-DDTHH:MM` (UTC).
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub title: String,
    pub description: String,
    pub place: String,
    pub link: String,
    pub starts_at: String,
    /// Empty: two hours after the start.
    pub ends_at: String,
    pub capacity: i64,
    /// The lowest tier that may RSVP (empty: every club member).
    pub min_tier: String,
    /// The tier (and above) that may RSVP before `early_until` (both empty: no early access).
    pub early_tier: String,
    pub early_until: String,
}

/// Parses a time from a form or the API: RFC 3339, or a `datetime-local` value taken as UTC; years 2000 to 2999.
pub fn parse_time(raw: &str) -> Result<DateTime<Utc>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is required".into());
    }
    let parsed = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
                .map(|t| t.and_utc())
        });
    match parsed {
        Some(t) if (2000..3000).contains(&chrono::Datelike::year(&t)) => Ok(t),
        Some(_) => Err("must be a date between the years 2000 and 2999".into()),
        None => Err("must be a date and time like 2026-12-01T18:30 (UTC)".into()),
    }
}

/// Creates an event (staff only; audited).
pub async fn create_event(hearth: &Hearth, actor: &Actor, input: &EventInput) -> DomainResult<Event> {
    if !actor.roles.is_staff() {
        return Err(DomainError::forbidden("Only staff may create events."));
    }
    let mut errors = FieldErrors::new();
    let title = errors
        .check("title", crate::text::line(&input.title))
        .unwrap_or_default();
    if !errors.0.contains_key("title") && !(3..=150).contains(&title.chars().count()) {
        errors.add("title", "must be 3 to 150 characters");
    }
    let description = errors
        .check("description", crate::text::block(&input.description))
        .unwrap_or_default();
    if description.chars().count() > 20_000 {
        errors.add("description", "must be at most 20000 characters");
    }
    let place = errors
        .check("place", crate::text::line(&input.place))
        .unwrap_or_default();
    if place.chars().count() > 200 {
        errors.add("place", "must be at most 200 characters");
    }
    let link = errors
        .check("link", crate::text::optional_link(&input.link))
        .flatten();
    let starts_at = errors.check("starts_at", parse_time(&input.starts_at));
    let ends_at = if input.ends_at.trim().is_empty() {
        starts_at.map(|s| s + Duration::hours(2))
    } else {
        errors.check("ends_at", parse_time(&input.ends_at))
    };
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            errors.add("ends_at", "must be after the start");
        }
        if s < Utc::now() - Duration::hours(1) {
            errors.add("starts_at", "must not be in the past");
        }
    }
    if !(1..=100_000).contains(&input.capacity) {
        errors.add("capacity", "must be between 1 and 100000 seats");
    }
    let early_until = if input.early_until.trim().is_empty() {
        None
    } else {
        errors.check("early_until", parse_time(&input.early_until))
    };
    if input.early_tier.trim().is_empty() != input.early_until.trim().is_empty() {
        errors.add(
            "early_until",
            "give both the early-access tier and its end, or neither",
        );
    }
    if let (Some(until), Some(s)) = (early_until, starts_at)
        && until > s
    {
        errors.add("early_until", "must end before the event starts");
    }
    let min_tier = optional_tier(hearth, "min_tier", &input.min_tier).await;
    let early_tier = optional_tier(hearth, "early_tier", &input.early_tier).await;
    let min_tier = match min_tier {
        Ok(t) => t,
        Err(_) => {
            errors.add("min_tier", "no such club tier");
            None
        }
    };
    let early_tier = match early_tier {
        Ok(t) => t,
        Err(_) => {
            errors.add("early_tier", "no such club tier");
            None
        }
    };
    if let (Some(min), Some(early)) = (&min_tier, &early_tier)
        && early.rank <= min.rank
    {
        errors.add("early_tier", "must be higher than the tier that may RSVP");
    }
    errors.into_result()?;
    let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
        return Err(DomainError::internal("validated input missing"));
    };
    let html = markdown::render(&description);
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<Event, DomainError, _>(async |conn| {
        let event: Event = diesel::insert_into(events::table)
            .values((
                events::title.eq(&title),
                events::description_md.eq(&description),
                events::description_html.eq(&html),
                events::place.eq(&place),
                events::link.eq(link.as_deref()),
                events::starts_at.eq(starts_at),
                events::ends_at.eq(ends_at),
                events::capacity.eq(i32::try_from(input.capacity).unwrap_or(1)),
                events::min_tier_id.eq(min_tier.as_ref().map(|t| t.id)),
                events::early_tier_id.eq(early_tier.as_ref().map(|t| t.id)),
                events::early_until.eq(early_until),
                events::created_by.eq(Some(actor_id)),
            ))
            .returning(Event::as_returning())
            .get_result(conn)
            .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "event.create".into(),
                target_type: "event".into(),
                target_id: Some(event.id),
                before: None,
                after: Some(
                    serde_json::json!({"title": event.title, "capacity": event.capacity,
                    "starts_at": event.starts_at}),
                ),
                reason: String::new(),
            },
        )
        .await?;
        Ok(event)
    })
    .await
}

/// Events per listing page.
pub const EVENTS_PAGE: i64 = 20;

/// Upcoming events (not yet ended), soonest first; or past ones, latest first. Keyset-paged after
/// `(starts_at, id)` of the last one shown.
/// Whether a viewer may see where a tier-restricted event takes place (its place and link): the team, and
/// club members whose tier the event admits. Everyone sees the rest of it.
fn admits(min_rank: Option<i32>, viewer_rank: Option<i32>, team: bool) -> bool {
    match min_rank {
        None => true,
        Some(min) => team || viewer_rank.is_some_and(|r| r >= min),
    }
}

fn hide_where(event: &mut Event) {
    event.place = String::new();
    event.link = None;
}

/// Upcoming (or past) events, as `viewer` may see them: the place and link of an event whose tier the viewer
/// does not reach are left out.
pub async fn list_events(
    hearth: &Hearth,
    viewer: Option<&Actor>,
    past: bool,
    after: Option<(DateTime<Utc>, i64)>,
) -> DomainResult<Vec<Event>> {
    let mut events = list_events_unredacted(hearth, past, after).await?;
    let tiers = super::tiers::list_tiers(hearth).await?;
    let team = viewer.is_some_and(Actor::is_team);
    let rank = viewer.and_then(|a| a.club_member.then_some(a.club_rank).flatten());
    for e in &mut events {
        let min = e
            .min_tier_id
            .and_then(|id| tiers.iter().find(|t| t.id == id))
            .map(|t| t.rank);
        if !admits(min, rank, team) {
            hide_where(e);
        }
    }
    Ok(events)
}

async fn list_events_unredacted(
    hearth: &Hearth,
    past: bool,
    after: Option<(DateTime<Utc>, i64)>,
) -> DomainResult<Vec<Event>> {
    let mut conn = db::conn(hearth.db()).await?;
    let now = Utc::now();
    let mut query = events::table.select(Event::as_select()).into_boxed();
    if past {
        query = query
            .filter(events::ends_at.le(now))
            .order((events::starts_at.desc(), events::id.desc()));
        if let Some((at, id)) = after {
            query = query.filter(
                events::starts_at
                    .lt(at)
                    .or(events::starts_at.eq(at).and(events::id.lt(id))),
            );
        }
    } else {
        query = query
            .filter(events::ends_at.gt(now))
            .order((events::starts_at, events::id));
        if let Some((at, id)) = after {
            query = query.filter(
                events::starts_at
                    .gt(at)
                    .or(events::starts_at.eq(at).and(events::id.gt(id))),
            );
        }
    }
    Ok(query.limit(EVENTS_PAGE).load(&mut conn).await?)
}

async fn event_in(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> DomainResult<Event> {
    let query = events::table.find(id).select(Event::as_select());
    let found = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    found.ok_or(DomainError::NotFound("event"))
}

/// A member's club rank: `None` outside the club, `Some(None)` in the club without a tier.
async fn club_rank_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<Option<Option<i32>>> {
    Ok(club_members::table
        .left_join(club_tiers::table)
        .filter(club_members::user_id.eq(user))
        .select(club_tiers::rank.nullable())
        .first::<Option<i32>>(conn)
        .await
        .optional()?)
}

async fn tier_in(conn: &mut AsyncPgConnection, id: Option<i64>) -> DomainResult<Option<Tier>> {
    match id {
        None => Ok(None),
        Some(id) => Ok(club_tiers::table
            .find(id)
            .select(Tier::as_select())
            .first(conn)
            .await
            .optional()?),
    }
}

/// Why a member may not RSVP to an event now (None: they may).
fn blocked_reason(
    event: &Event,
    rank: Option<Option<i32>>,
    min_tier: Option<&Tier>,
    early_tier: Option<&Tier>,
    now: DateTime<Utc>,
) -> Option<String> {
    if event.ended(now) {
        return Some("This event has ended.".into());
    }
    let Some(rank) = rank else {
        return Some("Events are for members of the fan club. Join the club to RSVP.".into());
    };
    if let Some(min) = min_tier
        && rank.is_none_or(|r| r < min.rank)
    {
        return Some(format!("This event is for {} members and above.", min.name));
    }
    if let (Some(early), Some(until)) = (early_tier, event.early_until)
        && now < until
        && rank.is_none_or(|r| r < early.rank)
    {
        return Some(format!(
            "Early access: until {} UTC only {} members and above may RSVP.",
            until.format("%Y-%m-%d %H:%M"),
            early.name
        ));
    }
    None
}

async fn rsvp_in(conn: &mut AsyncPgConnection, event: i64, user: UserId) -> DomainResult<Option<Rsvp>> {
    let row: Option<(String, i64)> = event_rsvps::table
        .find((event, user))
        .select((event_rsvps::status, event_rsvps::queue_no))
        .first(conn)
        .await
        .optional()?;
    let Some((status, queue_no)) = row else {
        return Ok(None);
    };
    let status = RsvpStatus::parse(&status);
    let position = match status {
        RsvpStatus::Going => None,
        RsvpStatus::Waitlisted => Some(
            event_rsvps::table
                .filter(event_rsvps::event_id.eq(event))
                .filter(event_rsvps::status.eq("waitlisted"))
                .filter(event_rsvps::queue_no.le(queue_no))
                .count()
                .get_result(conn)
                .await?,
        ),
    };
    Ok(Some(Rsvp { status, position }))
}

/// An event with the viewer's RSVP and whether they may RSVP.
pub async fn event_view(hearth: &Hearth, viewer: Option<UserId>, id: i64) -> DomainResult<EventView> {
    let mut conn = db::conn(hearth.db()).await?;
    let mut event = event_in(&mut conn, id, false).await?;
    let min_tier = tier_in(&mut conn, event.min_tier_id).await?;
    let early_tier = tier_in(&mut conn, event.early_tier_id).await?;
    let min_rank = min_tier.as_ref().map(|t| t.rank);
    let (rsvp, blocked, shown) = match viewer {
        None => (
            None,
            Some("Sign in and join the fan club to RSVP.".to_owned()),
            admits(min_rank, None, false),
        ),
        Some(user) => {
            let rank = club_rank_in(&mut conn, user).await?;
            let team = users::table
                .find(user)
                .select(users::roles)
                .first::<Vec<Option<String>>>(&mut conn)
                .await
                .optional()?
                .is_some_and(|roles| roles.iter().any(Option::is_some));
            let rsvp = rsvp_in(&mut conn, id, user).await?;
            // A guest keeps seeing where to go, even after their tier changed.
            let shown = rsvp.is_some() || admits(min_rank, rank.flatten(), team);
            (
                rsvp,
                blocked_reason(&event, rank, min_tier.as_ref(), early_tier.as_ref(), Utc::now()),
                shown,
            )
        }
    };
    if !shown {
        hide_where(&mut event);
    }
    Ok(EventView {
        event,
        min_tier,
        early_tier,
        rsvp,
        blocked,
    })
}

/// RSVPs to an event: a seat while there is one, else the end of the waitlist. Asking again returns the
/// current answer and changes nothing.
pub async fn rsvp(hearth: &Hearth, actor: &Actor, id: i64) -> DomainResult<Rsvp> {
    actor.require_active()?;
    let mut conn = db::conn(hearth.db()).await?;
    let user = actor.id;
    conn.transaction::<Rsvp, DomainError, _>(async |conn| {
        let event = event_in(conn, id, true).await?;
        if let Some(existing) = rsvp_in(conn, id, user).await? {
            return Ok(existing);
        }
        let rank = club_rank_in(conn, user).await?;
        let min_tier = tier_in(conn, event.min_tier_id).await?;
        let early_tier = tier_in(conn, event.early_tier_id).await?;
        if let Some(reason) = blocked_reason(&event, rank, min_tier.as_ref(), early_tier.as_ref(), Utc::now())
        {
            return Err(if event.ended(Utc::now()) {
                DomainError::conflict("event", reason)
            } else {
                DomainError::forbidden(reason)
            });
        }
        let status = if event.full() {
            RsvpStatus::Waitlisted
        } else {
            RsvpStatus::Going
        };
        diesel::insert_into(event_rsvps::table)
            .values((
                event_rsvps::event_id.eq(id),
                event_rsvps::user_id.eq(user),
                event_rsvps::status.eq(status.as_str()),
            ))
            .execute(conn)
            .await?;
        let counts = match status {
            RsvpStatus::Going => diesel::update(events::table.find(id))
                .set(events::going_count.eq(events::going_count + 1))
                .execute(conn),
            RsvpStatus::Waitlisted => diesel::update(events::table.find(id))
                .set(events::waitlist_count.eq(events::waitlist_count + 1))
                .execute(conn),
        };
        counts.await?;
        crate::webhooks::payloads::rsvp_changed(conn, id, user, status.as_str(), None).await?;
        rsvp_in(conn, id, user)
            .await?
            .ok_or_else(|| DomainError::internal("RSVP missing after insert"))
    })
    .await
}

/// Gives up a seat or a place in line. A freed seat goes to the first member waiting, who is told. Cancelling
/// without an RSVP changes nothing.
pub async fn cancel_rsvp(hearth: &Hearth, actor: &Actor, id: i64) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    let user = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| cancel_rsvp_in(conn, id, user).await)
        .await
}

/// [`cancel_rsvp`] inside the caller's transaction (leaving the club, deleting an account).
pub(crate) async fn cancel_rsvp_in(conn: &mut AsyncPgConnection, id: i64, user: UserId) -> DomainResult<()> {
    {
        let event = event_in(conn, id, true).await?;
        if event.ended(Utc::now()) {
            return Err(DomainError::conflict(
                "event",
                "This event has ended; its guest list is final.",
            ));
        }
        let removed: Option<String> = diesel::delete(event_rsvps::table.find((id, user)))
            .returning(event_rsvps::status)
            .get_result(conn)
            .await
            .optional()?;
        match removed.as_deref() {
            None => return Ok(()),
            Some("waitlisted") => {
                diesel::update(events::table.find(id))
                    .set(events::waitlist_count.eq(events::waitlist_count - 1))
                    .execute(conn)
                    .await?;
                crate::webhooks::payloads::rsvp_changed(conn, id, user, "cancelled", Some("waitlisted"))
                    .await?;
                return Ok(());
            }
            Some(_) => {}
        }
        diesel::update(events::table.find(id))
            .set(events::going_count.eq(events::going_count - 1))
            .execute(conn)
            .await?;
        crate::webhooks::payloads::rsvp_changed(conn, id, user, "cancelled", Some("going")).await?;
        let next: Option<UserId> = event_rsvps::table
            .filter(event_rsvps::event_id.eq(id))
            .filter(event_rsvps::status.eq("waitlisted"))
            .order(event_rsvps::queue_no)
            .select(event_rsvps::user_id)
            .first(conn)
            .await
            .optional()?;
        if let Some(next) = next {
            diesel::update(event_rsvps::table.find((id, next)))
                .set((
                    event_rsvps::status.eq("going"),
                    event_rsvps::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            diesel::update(events::table.find(id))
                .set((
                    events::going_count.eq(events::going_count + 1),
                    events::waitlist_count.eq(events::waitlist_count - 1),
                ))
                .execute(conn)
                .await?;
            crate::webhooks::payloads::rsvp_changed(conn, id, next, "going", Some("waitlisted")).await?;
            notifications::notify_in(
                conn,
                &[NewNotification {
                    user_id: next,
                    kind: "event.seat",
                    actor_id: None,
                    topic_id: None,
                    post_id: None,
                    title: format!("A seat opened up: you are going to {}", event.title),
                    url: format!("/events/{id}"),
                    dedupe_key: format!("event.seat:{id}:{}", Utc::now().timestamp_micros()),
                }],
            )
            .await?;
        }
        Ok(())
    }
}

/// How long before an event its guests hear about it once more.
pub const REMINDER_AHEAD: Duration = Duration::hours(24);

/// Reminds everyone going to an event that starts within [`REMINDER_AHEAD`] of `now` (and has not started): one
/// `event.reminder` notification per member and event — a member who takes a seat later in that window is
/// reminded on the next sweep, nobody twice. Several instances sweeping at once are safe (the dedupe key).
/// Returns how many members were reminded.
pub async fn send_reminders(hearth: &Hearth, now: DateTime<Utc>) -> DomainResult<usize> {
    use diesel::sql_types::Timestamptz;
    let mut conn = db::conn(hearth.db()).await?;
    Ok(diesel::sql_query(
        "INSERT INTO notifications (user_id, kind, title, url, dedupe_key)
         SELECT r.user_id, 'event.reminder',
                'Reminder: ' || e.title || ' starts ' || to_char(e.starts_at AT TIME ZONE 'UTC', 'Dy DD Mon, HH24:MI')
                    || ' UTC' || CASE WHEN e.place <> '' THEN ' (' || e.place || ')' ELSE '' END,
                '/events/' || e.id, 'event.reminder:' || e.id
           FROM events e JOIN event_rsvps r ON r.event_id = e.id AND r.status = 'going'
          WHERE e.starts_at > $1 AND e.starts_at <= $2
         ON CONFLICT (user_id, dedupe_key) DO NOTHING",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(now + REMINDER_AHEAD)
    .execute(&mut conn)
    .await?)
}

/// The upcoming events a member has an RSVP for.
pub(crate) async fn upcoming_rsvps(hearth: &Hearth, user: UserId) -> DomainResult<Vec<i64>> {
    let mut conn = db::conn(hearth.db()).await?;
    upcoming_rsvps_in(&mut conn, user).await
}

pub(crate) async fn upcoming_rsvps_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<Vec<i64>> {
    Ok(event_rsvps::table
        .inner_join(events::table)
        .filter(event_rsvps::user_id.eq(user))
        .filter(events::ends_at.gt(Utc::now()))
        .select(events::id)
        .load(conn)
        .await?)
}

/// How many events a member had a seat at that have ended (the "event attended" badge).
pub(crate) async fn events_attended_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<i64> {
    Ok(event_rsvps::table
        .inner_join(events::table)
        .filter(event_rsvps::user_id.eq(user))
        .filter(event_rsvps::status.eq("going"))
        .filter(events::ends_at.le(Utc::now()))
        .count()
        .get_result(conn)
        .await?)
}

/// Who is going and who waits, in order (staff only).
pub async fn attendees(hearth: &Hearth, actor: &Actor, id: i64) -> DomainResult<Vec<(String, RsvpStatus)>> {
    if !actor.roles.is_staff() {
        return Err(DomainError::forbidden("Only staff may see the guest list."));
    }
    let mut conn = db::conn(hearth.db()).await?;
    event_in(&mut conn, id, false).await?;
    let rows: Vec<(String, String)> = event_rsvps::table
        .inner_join(crate::schema::users::table)
        .filter(event_rsvps::event_id.eq(id))
        .order((event_rsvps::status, event_rsvps::queue_no))
        .select((crate::schema::users::username, event_rsvps::status))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(u, s)| (u, RsvpStatus::parse(&s)))
        .collect())
}

/// The event as an iCalendar file, as `viewer` may see it (no place or link for a tier they do not reach).
pub async fn event_ics(hearth: &Hearth, viewer: Option<UserId>, id: i64) -> DomainResult<String> {
    let event = event_view(hearth, viewer, id).await?.event;
    let brand = crate::brand::current(hearth);
    Ok(super::ics::calendar(
        &event,
        &brand.name,
        &hearth.url(&format!("/events/{id}")),
        hearth.settings().base_url.as_str(),
    ))
}
