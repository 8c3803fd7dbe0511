//! The fan club over HTTP: membership, tiers and perks, staff grants, the directory, events and RSVPs, and the
//! public reputation formula.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::club::{self, Event, EventView, Membership, Rsvp};
use domain::forums::{Viewer, views};
use domain::{Hearth, reputation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller};

fn viewer(caller: &Caller) -> Viewer {
    Viewer::of(caller.0.actor.as_ref())
}

/// The caller's place in the club.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipResponse {
    pub member: bool,
    /// The effective tier (slug): the higher of the granted one and the best one the reputation reaches.
    pub club_tier: Option<String>,
    pub club_tier_name: Option<String>,
    /// A tier granted by staff.
    pub granted_tier: Option<String>,
    pub joined_at: Option<DateTime<Utc>>,
    pub in_directory: bool,
}

impl From<Option<Membership>> for MembershipResponse {
    fn from(m: Option<Membership>) -> Self {
        match m {
            None => MembershipResponse {
                member: false,
                club_tier: None,
                club_tier_name: None,
                granted_tier: None,
                joined_at: None,
                in_directory: false,
            },
            Some(m) => MembershipResponse {
                member: true,
                club_tier: m.tier.as_ref().map(|t| t.slug.clone()),
                club_tier_name: m.tier.map(|t| t.name),
                granted_tier: m.granted.map(|t| t.slug),
                joined_at: Some(m.joined_at),
                in_directory: m.in_directory,
            },
        }
    }
}

/// The caller's membership.
#[utoipa::path(get, path = "/api/v1/club/membership", tag = "club",
    responses((status = 200, body = MembershipResponse), (status = 401, body = ErrorBody)))]
pub async fn get_membership(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    Ok(HttpResponse::Ok().json(MembershipResponse::from(
        club::membership(&hearth, actor.id).await?,
    )))
}

/// Joins the club (verified members; joining again changes nothing).
#[utoipa::path(put, path = "/api/v1/club/membership", tag = "club",
    responses((status = 200, body = MembershipResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn join(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let m = club::join(&hearth, actor).await?;
    Ok(HttpResponse::Ok().json(MembershipResponse::from(Some(m))))
}

/// Leaves the club; seats at upcoming events are given up.
#[utoipa::path(delete, path = "/api/v1/club/membership", tag = "club",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn leave(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    club::leave(&hearth, caller.actor()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DirectoryRequest {
    /// Whether the caller is listed in the club's member directory.
    pub in_directory: bool,
}

/// Shows or hides the caller in the member directory.
#[utoipa::path(patch, path = "/api/v1/club/membership", tag = "club", request_body = DirectoryRequest,
    responses((status = 200, body = MembershipResponse), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_directory(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<DirectoryRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    club::set_in_directory(&hearth, actor, body.in_directory).await?;
    Ok(HttpResponse::Ok().json(MembershipResponse::from(
        club::membership(&hearth, actor.id).await?,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PerkResponse {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// Shown only to members who reached the tier.
    pub code: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierResponse {
    pub slug: String,
    pub name: String,
    pub rank: i32,
    /// Reputation that reaches this tier (staff may also grant it).
    pub min_reputation: i32,
    pub description: String,
    /// Whether the caller is at this tier or higher.
    pub reached: bool,
    pub perks: Vec<PerkResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierList {
    pub items: Vec<TierResponse>,
}

/// The club's tiers with their perks, most privileged first.
#[utoipa::path(get, path = "/api/v1/club/tiers", tag = "club", responses((status = 200, body = TierList)))]
pub async fn tiers(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let v = viewer(&caller);
    let tiers = club::tiers_with_perks(&hearth, v.club_rank.filter(|_| v.club), v.team).await?;
    Ok(HttpResponse::Ok().json(TierList {
        items: tiers
            .into_iter()
            .map(|t| TierResponse {
                slug: t.tier.slug,
                name: t.tier.name,
                rank: t.tier.rank,
                min_reputation: t.tier.min_reputation,
                description: t.tier.description,
                reached: t.reached,
                perks: t
                    .perks
                    .into_iter()
                    .map(|p| PerkResponse {
                        id: p.id,
                        title: p.title,
                        body: p.body,
                        code: p.code,
                        link: p.link,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TierRequest {
    pub slug: String,
    pub name: String,
    /// Higher is more privileged. Required for a new tier; omitted: unchanged.
    pub rank: Option<i32>,
    /// Reputation that reaches the tier. Required for a new tier; omitted: unchanged.
    pub min_reputation: Option<i32>,
    /// Omitted: unchanged.
    pub description: Option<String>,
}

/// Creates a tier (201) or changes the tier with that slug (200; fields left out keep their values). Admins
/// only. Members' tiers follow the new threshold at once.
#[utoipa::path(post, path = "/api/v1/club/tiers", tag = "club", request_body = TierRequest,
    responses((status = 201, body = TierResponse), (status = 200, body = TierResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn save_tier(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<TierRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let existing = club::tier_by_slug(&hearth, &body.slug).await.ok();
    if existing.is_none() {
        let mut missing = domain::FieldErrors::new();
        if body.rank.is_none() {
            missing.add("rank", "is required for a new tier");
        }
        if body.min_reputation.is_none() {
            missing.add("min_reputation", "is required for a new tier");
        }
        missing.into_result()?;
    }
    let tier = club::save_tier(
        &hearth,
        actor,
        &club::TierInput {
            slug: body.slug.clone(),
            name: body.name.clone(),
            rank: body
                .rank
                .or(existing.as_ref().map(|t| t.rank))
                .unwrap_or_default(),
            min_reputation: body
                .min_reputation
                .or(existing.as_ref().map(|t| t.min_reputation))
                .unwrap_or_default(),
            description: body
                .description
                .clone()
                .or(existing.as_ref().map(|t| t.description.clone()))
                .unwrap_or_default(),
        },
    )
    .await?;
    let status = if existing.is_some() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::CREATED
    };
    Ok(HttpResponse::build(status).json(TierResponse {
        slug: tier.slug,
        name: tier.name,
        rank: tier.rank,
        min_reputation: tier.min_reputation,
        description: tier.description,
        reached: true,
        perks: Vec::new(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PerkRequest {
    pub title: String,
    pub body: String,
    pub code: String,
    pub link: String,
}

/// Adds a perk to a tier (admins).
#[utoipa::path(post, path = "/api/v1/club/tiers/{slug}/perks", tag = "club", params(("slug" = String, Path)),
    request_body = PerkRequest,
    responses((status = 201, body = PerkResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_perk(
    hearth: web::Data<Hearth>,
    caller: Caller,
    slug: web::Path<String>,
    body: Body<PerkRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let p = club::add_perk(
        &hearth,
        actor,
        &slug,
        &club::PerkInput {
            title: body.title.clone(),
            body: body.body.clone(),
            code: body.code.clone(),
            link: body.link.clone(),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(PerkResponse {
        id: p.id,
        title: p.title,
        body: p.body,
        code: p.code,
        link: p.link,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GrantRequest {
    /// A tier slug; empty or null takes the grant back.
    pub tier: Option<String>,
    /// Why, for the audit log.
    pub reason: String,
}

/// Grants a club member a tier (staff; audited).
#[utoipa::path(put, path = "/api/v1/club/members/{id}/tier", tag = "club", params(("id" = i64, Path)),
    request_body = GrantRequest,
    responses((status = 200, body = MembershipResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn grant(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<GrantRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let m = club::grant_tier(
        &hearth,
        actor,
        domain::ids::UserId(id.into_inner()),
        body.tier.as_deref(),
        &body.reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(MembershipResponse::from(Some(m))))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct AfterQuery {
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Past events instead of upcoming ones.
    pub past: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntryResponse {
    pub username: String,
    pub display_name: Option<String>,
    /// The name of the member's tier.
    pub club_tier_name: Option<String>,
    pub reputation: i32,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryList {
    pub items: Vec<DirectoryEntryResponse>,
    pub next: Option<String>,
}

/// The club members who chose to be listed (club members and the team only).
#[utoipa::path(get, path = "/api/v1/club/members", tag = "club", params(AfterQuery),
    responses((status = 200, body = DirectoryList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn directory(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<AfterQuery>,
) -> ApiResult<HttpResponse> {
    let after = views::parse_cursor(query.after.as_deref())?.map(|c| (c.at, c.id));
    let items = club::directory(&hearth, &viewer(&caller), after).await?;
    let next = (items.len() as i64 == club::DIRECTORY_PAGE)
        .then(|| {
            items.last().map(|e| {
                views::Cursor {
                    at: e.joined_at,
                    id: e.user_id,
                }
                .encode()
            })
        })
        .flatten();
    Ok(HttpResponse::Ok().json(DirectoryList {
        items: items
            .into_iter()
            .map(|e| DirectoryEntryResponse {
                username: e.username,
                display_name: e.display_name,
                club_tier_name: e.tier,
                reputation: e.reputation,
                joined_at: e.joined_at,
            })
            .collect(),
        next,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RsvpResponse {
    /// `going` or `waitlisted`
    pub status: String,
    /// Place in the waitlist (1 = next in line).
    pub position: Option<i64>,
}

impl From<Rsvp> for RsvpResponse {
    fn from(r: Rsvp) -> Self {
        RsvpResponse {
            status: r.status.as_str().to_owned(),
            position: r.position,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub place: String,
    pub link: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    /// Members with a seat.
    pub going: i32,
    /// Members in line for a seat.
    pub waitlisted: i32,
    /// The lowest tier (slug) that may RSVP; null: every club member.
    pub tier: Option<String>,
    /// The tier (slug) that may RSVP before `early_access_until`.
    pub early_access_tier: Option<String>,
    pub early_access_until: Option<DateTime<Utc>>,
    /// The caller's RSVP.
    pub rsvp: Option<RsvpResponse>,
    /// Why the caller cannot RSVP now; null when they can.
    pub rsvp_blocked: Option<String>,
}

fn event_response(e: Event) -> EventResponse {
    EventResponse {
        url: format!("/events/{}", e.id),
        id: e.id,
        title: e.title,
        description: e.description_md,
        description_html: e.description_html,
        place: e.place,
        link: e.link,
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        capacity: e.capacity,
        going: e.going_count,
        waitlisted: e.waitlist_count,
        tier: None,
        early_access_tier: None,
        early_access_until: e.early_until,
        rsvp: None,
        rsvp_blocked: None,
    }
}

fn event_view_response(v: EventView) -> EventResponse {
    let mut r = event_response(v.event);
    r.tier = v.min_tier.map(|t| t.slug);
    r.early_access_tier = v.early_tier.map(|t| t.slug);
    r.rsvp = v.rsvp.map(RsvpResponse::from);
    r.rsvp_blocked = v.blocked;
    r
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventResponse>,
    pub next: Option<String>,
}

/// Upcoming events, soonest first (`past=true`: past events, latest first).
#[utoipa::path(get, path = "/api/v1/events", tag = "club", params(AfterQuery),
    responses((status = 200, body = EventList), (status = 400, body = ErrorBody)))]
pub async fn list_events(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<AfterQuery>,
) -> ApiResult<HttpResponse> {
    let after = views::parse_cursor(query.after.as_deref())?.map(|c| (c.at, c.id));
    let items = club::list_events(&hearth, caller.0.actor.as_ref(), query.past, after).await?;
    let tiers = club::list_tiers(&hearth).await?;
    let slug = |id: Option<i64>| {
        id.and_then(|id| tiers.iter().find(|t| t.id == id))
            .map(|t| t.slug.clone())
    };
    let next = (items.len() as i64 == club::EVENTS_PAGE)
        .then(|| {
            items.last().map(|e| {
                views::Cursor {
                    at: e.starts_at,
                    id: e.id,
                }
                .encode()
            })
        })
        .flatten();
    Ok(HttpResponse::Ok().json(EventList {
        items: items
            .into_iter()
            .map(|e| {
                let (tier, early) = (slug(e.min_tier_id), slug(e.early_tier_id));
                let mut r = event_response(e);
                r.tier = tier;
                r.early_access_tier = early;
                r
            })
            .collect(),
        next,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EventRequest {
    pub title: String,
    /// Markdown.
    pub description: String,
    pub place: String,
    pub link: String,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` in UTC.
    pub starts_at: String,
    /// Default: two hours after the start.
    pub ends_at: String,
    pub capacity: i64,
    /// The lowest tier (slug) that may RSVP; empty: every club member.
    pub tier: String,
    /// Early access: the tier (slug, and above) that may RSVP before `early_access_until`.
    pub early_access_tier: String,
    pub early_access_until: String,
}

/// Creates an event (staff).
#[utoipa::path(post, path = "/api/v1/events", tag = "club", request_body = EventRequest,
    responses((status = 201, body = EventResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_event(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<EventRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let event = club::create_event(
        &hearth,
        actor,
        &club::EventInput {
            title: body.title.clone(),
            description: body.description.clone(),
            place: body.place.clone(),
            link: body.link.clone(),
            starts_at: body.starts_at.clone(),
            ends_at: body.ends_at.clone(),
            capacity: body.capacity,
            min_tier: body.tier.clone(),
            early_tier: body.early_access_tier.clone(),
            early_until: body.early_access_until.clone(),
        },
    )
    .await?;
    let view = club::event_view(&hearth, Some(actor.id), event.id).await?;
    Ok(HttpResponse::Created().json(event_view_response(view)))
}

/// One event with the caller's RSVP.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "club", params(("id" = i64, Path)),
    responses((status = 200, body = EventResponse), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let actor = caller.0.actor.as_ref().map(|a| a.id);
    let view = club::event_view(&hearth, actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(event_view_response(view)))
}

/// RSVPs: a seat while there is one, else a place in line. Asking again changes nothing.
#[utoipa::path(put, path = "/api/v1/events/{id}/rsvp", tag = "club", params(("id" = i64, Path)),
    responses((status = 200, body = RsvpResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn rsvp(hearth: web::Data<Hearth>, caller: Caller, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let r = club::rsvp(&hearth, actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(RsvpResponse::from(r)))
}

/// Gives up a seat (the first in line takes it) or a place in line.
#[utoipa::path(delete, path = "/api/v1/events/{id}/rsvp", tag = "club", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cancel_rsvp(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    club::cancel_rsvp(&hearth, actor, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeResponse {
    pub username: String,
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeList {
    pub items: Vec<AttendeeResponse>,
}

/// The guest list: going, then the waitlist in order (staff).
#[utoipa::path(get, path = "/api/v1/events/{id}/attendees", tag = "club", params(("id" = i64, Path)),
    responses((status = 200, body = AttendeeList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attendees(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let list = club::attendees(&hearth, actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AttendeeList {
        items: list
            .into_iter()
            .map(|(username, status)| AttendeeResponse {
                username,
                status: status.as_str().to_owned(),
            })
            .collect(),
    }))
}

/// The event as an iCalendar file.
#[utoipa::path(get, path = "/api/v1/events/{id}/ics", tag = "club", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
pub async fn ics(hearth: web::Data<Hearth>, caller: Caller, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = club::event_ics(&hearth, caller.0.actor.as_ref().map(|a| a.id), id).await?;
    Ok(ics_response(id, body))
}

fn ics_response(id: i64, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"event-{id}.ics\""),
        ))
        .body(body)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormulaLineResponse {
    pub credit: String,
    pub points: f64,
    pub rule: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrustLevelResponse {
    pub level: i32,
    pub name: String,
    pub min_reputation: Option<i32>,
    pub min_days: i64,
    pub max_links: usize,
    pub can_flag: bool,
    pub flag_weight: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormulaResponse {
    pub credits: Vec<FormulaLineResponse>,
    pub half_life_days: f64,
    pub floor: f64,
    pub trust_levels: Vec<TrustLevelResponse>,
}

/// How reputation and trust levels work (the public formula).
#[utoipa::path(get, path = "/api/v1/reputation", tag = "club", responses((status = 200, body = FormulaResponse)))]
pub async fn formula() -> HttpResponse {
    HttpResponse::Ok().json(FormulaResponse {
        credits: reputation::FORMULA
            .iter()
            .map(|l| FormulaLineResponse {
                credit: l.credit.to_owned(),
                points: l.points,
                rule: l.rule.to_owned(),
            })
            .collect(),
        half_life_days: reputation::points::HALF_LIFE_DAYS,
        floor: reputation::points::FLOOR,
        trust_levels: reputation::TRUST_LEVELS
            .iter()
            .map(|t| TrustLevelResponse {
                level: t.level,
                name: t.name.to_owned(),
                min_reputation: (t.min_reputation != i32::MAX).then_some(t.min_reputation),
                min_days: t.min_days,
                max_links: t.max_links,
                can_flag: t.can_flag,
                flag_weight: t.flag_weight,
            })
            .collect(),
    })
}
