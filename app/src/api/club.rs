//! The fan club: the club page (membership, tiers and perks, events), the directory, events and RSVPs, staff
//! event creation, and the public reputation formula.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerkInfo {
    pub title: String,
    pub body: String,
    pub code: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierInfo {
    pub slug: String,
    pub name: String,
    pub min_reputation: i32,
    pub description: String,
    pub reached: bool,
    pub current: bool,
    pub perks: Vec<PerkInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub tier: Option<String>,
    pub granted: Option<String>,
    pub joined: String,
    pub in_directory: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventItem {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub when_iso: String,
    pub place: String,
    pub capacity: i32,
    pub going: i32,
    pub waitlisted: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClubView {
    pub signed_in: bool,
    pub member: Option<MemberInfo>,
    pub reputation: i32,
    pub tiers: Vec<TierInfo>,
    pub events: Vec<EventItem>,
    pub staff: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventInfo {
    pub id: i64,
    pub title: String,
    pub description_html: String,
    pub place: String,
    pub link: Option<String>,
    pub when: String,
    pub starts_iso: String,
    pub ends: String,
    pub ends_iso: String,
    pub capacity: i32,
    pub going: i32,
    pub waitlisted: i32,
    pub min_tier: Option<String>,
    pub early: Option<(String, String)>,
    pub ended: bool,
    /// `going` or `waitlisted`.
    pub rsvp: Option<String>,
    pub position: Option<i64>,
    pub blocked: Option<String>,
    pub signed_in: bool,
    /// Staff see the guest list.
    pub guests: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryItem {
    pub username: String,
    pub name: String,
    pub tier: Option<String>,
    pub reputation: i32,
    pub joined: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryView {
    pub items: Vec<DirectoryItem>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelInfo {
    pub level: i32,
    pub name: String,
    /// None: the brand's team.
    pub min_reputation: Option<i32>,
    pub min_days: i64,
    pub max_links: usize,
    pub can_flag: bool,
    pub flag_weight: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormulaInfo {
    /// (credit, points, rule)
    pub credits: Vec<(String, f64, String)>,
    pub half_life_days: f64,
    pub floor: f64,
    pub levels: Vec<LevelInfo>,
    /// (name, description)
    pub badges: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
fn when(at: chrono::DateTime<chrono::Utc>) -> (String, String) {
    (at.format("%A %-d %B %Y, %H:%M UTC").to_string(), at.to_rfc3339())
}

#[cfg(feature = "ssr")]
fn event_item(e: domain::club::Event) -> EventItem {
    let (when, when_iso) = when(e.starts_at);
    EventItem {
        id: e.id,
        title: e.title,
        when,
        when_iso,
        place: e.place,
        capacity: e.capacity,
        going: e.going_count,
        waitlisted: e.waitlist_count,
    }
}

/// The club page: the viewer's membership, the tiers with their perks, upcoming events.
#[server(endpoint = "club/overview")]
pub async fn club_overview() -> Result<ClubView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::actor();
    let membership = match &actor {
        Some(a) => domain::club::membership(&hearth, a.id)
            .await
            .map_err(ssr::to_app_error)?,
        None => None,
    };
    let reputation = match &actor {
        Some(a) => {
            domain::reputation::breakdown(&hearth, a.id)
                .await
                .map_err(ssr::to_app_error)?
                .points
        }
        None => 0,
    };
    let rank = membership.as_ref().and_then(|m| m.tier.as_ref()).map(|t| t.rank);
    let team = actor.as_ref().is_some_and(|a| !a.roles.list().is_empty());
    let current = membership.as_ref().and_then(|m| m.tier.as_ref()).map(|t| t.id);
    let tiers = domain::club::tiers_with_perks(&hearth, rank, team)
        .await
        .map_err(ssr::to_app_error)?
        .into_iter()
        .map(|t| TierInfo {
            current: current == Some(t.tier.id),
            slug: t.tier.slug,
            name: t.tier.name,
            min_reputation: t.tier.min_reputation,
            description: t.tier.description,
            reached: t.reached,
            perks: t
                .perks
                .into_iter()
                .map(|p| PerkInfo {
                    title: p.title,
                    body: p.body,
                    code: p.code,
                    link: p.link,
                })
                .collect(),
        })
        .collect();
    let events = domain::club::list_events(&hearth, ssr::actor().as_ref(), false, None)
        .await
        .map_err(ssr::to_app_error)?
        .into_iter()
        .map(event_item)
        .collect();
    Ok(ClubView {
        signed_in: actor.is_some(),
        member: membership.map(|m| MemberInfo {
            tier: m.tier.map(|t| t.name),
            granted: m.granted.map(|t| t.name),
            joined: m.joined_at.format("%B %Y").to_string(),
            in_directory: m.in_directory,
        }),
        reputation,
        tiers,
        events,
        staff: actor.as_ref().is_some_and(|a| a.roles.is_staff()),
    })
}

/// Joins the club.
#[server(endpoint = "club/join")]
pub async fn join_club() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::club::join(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/club?joined=1");
    Ok(())
}

/// Leaves the club.
#[server(endpoint = "club/leave")]
pub async fn leave_club() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::club::leave(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/club?left=1");
    Ok(())
}

/// Lists the member in the directory (`listed` = "1") or not.
#[server(endpoint = "club/directory-listing")]
pub async fn set_directory_listing(listed: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::club::set_in_directory(&hearth, &actor, listed == "1")
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/club#membership");
    Ok(())
}

/// The member directory (club members and the team).
#[server(endpoint = "club/members")]
pub async fn club_members(after: Option<String>) -> Result<DirectoryView, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = domain::forums::Viewer::of(ssr::actor().as_ref());
    let cursor = domain::forums::views::parse_cursor(after.as_deref())
        .map_err(ssr::to_app_error)?
        .map(|c| (c.at, c.id));
    let items = domain::club::directory(&hearth, &viewer, cursor)
        .await
        .map_err(ssr::to_app_error)?;
    let next = (items.len() as i64 == domain::club::DIRECTORY_PAGE)
        .then(|| {
            items.last().map(|e| {
                domain::forums::views::Cursor {
                    at: e.joined_at,
                    id: e.user_id,
                }
                .encode()
            })
        })
        .flatten();
    Ok(DirectoryView {
        items: items
            .into_iter()
            .map(|e| DirectoryItem {
                name: e.display_name.unwrap_or_else(|| e.username.clone()),
                username: e.username,
                tier: e.tier,
                reputation: e.reputation,
                joined: e.joined_at.format("%B %Y").to_string(),
            })
            .collect(),
        next,
    })
}

/// One event with the viewer's RSVP; `None` when there is no such event.
#[server(endpoint = "club/event")]
pub async fn event(id: i64) -> Result<Option<EventInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::actor();
    let view = match domain::club::event_view(&hearth, actor.as_ref().map(|a| a.id), id).await {
        Ok(v) => v,
        Err(domain::DomainError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(ssr::to_app_error(e)),
    };
    let guests = match &actor {
        Some(a) if a.roles.is_staff() => Some(
            domain::club::attendees(&hearth, a, id)
                .await
                .map_err(ssr::to_app_error)?
                .into_iter()
                .map(|(u, s)| (u, s.as_str().to_owned()))
                .collect(),
        ),
        _ => None,
    };
    let e = view.event;
    let (when_text, starts_iso) = when(e.starts_at);
    let (ends, ends_iso) = when(e.ends_at);
    Ok(Some(EventInfo {
        id: e.id,
        ended: e.ended(chrono::Utc::now()),
        title: e.title,
        description_html: e.description_html,
        place: e.place,
        link: e.link,
        when: when_text,
        starts_iso,
        ends,
        ends_iso,
        capacity: e.capacity,
        going: e.going_count,
        waitlisted: e.waitlist_count,
        min_tier: view.min_tier.map(|t| t.name),
        early: view
            .early_tier
            .zip(e.early_until)
            .map(|(t, until)| (t.name, when(until).0)),
        rsvp: view.rsvp.map(|r| r.status.as_str().to_owned()),
        position: view.rsvp.and_then(|r| r.position),
        blocked: view.blocked,
        signed_in: actor.is_some(),
        guests,
    }))
}

/// RSVPs (`on` = "1") or gives the seat or place in line up.
#[server(endpoint = "club/rsvp")]
pub async fn rsvp_event(event_id: i64, on: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    if on == "1" {
        domain::club::rsvp(&hearth, &actor, event_id)
            .await
            .map_err(ssr::to_app_error)?;
    } else {
        domain::club::cancel_rsvp(&hearth, &actor, event_id)
            .await
            .map_err(ssr::to_app_error)?;
    }
    leptos_actix::redirect(&format!("/events/{event_id}#rsvp"));
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub link: String,
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    pub capacity: String,
    #[serde(default)]
    pub min_tier: String,
    #[serde(default)]
    pub early_tier: String,
    #[serde(default)]
    pub early_until: String,
}

/// Creates an event (staff).
#[server(endpoint = "club/create-event")]
pub async fn create_event(event: EventForm) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let values = [
        ("title", event.title.as_str()),
        ("description", event.description.as_str()),
        ("place", event.place.as_str()),
        ("link", event.link.as_str()),
        ("starts_at", event.starts_at.as_str()),
        ("ends_at", event.ends_at.as_str()),
        ("capacity", event.capacity.as_str()),
        ("min_tier", event.min_tier.as_str()),
        ("early_tier", event.early_tier.as_str()),
        ("early_until", event.early_until.as_str()),
    ];
    let capacity = match event.capacity.trim().parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            return Err(ssr::to_app_error(domain::DomainError::invalid(
                "capacity",
                "must be a whole number of seats",
            ))
            .with_values(&values));
        }
    };
    let created = domain::club::create_event(
        &hearth,
        &actor,
        &domain::club::EventInput {
            title: event.title.clone(),
            description: event.description.clone(),
            place: event.place.clone(),
            link: event.link.clone(),
            starts_at: event.starts_at.clone(),
            ends_at: event.ends_at.clone(),
            capacity,
            min_tier: event.min_tier.clone(),
            early_tier: event.early_tier.clone(),
            early_until: event.early_until.clone(),
        },
    )
    .await
    .map_err(|e| ssr::to_app_error(e).with_values(&values))?;
    leptos_actix::redirect(&format!("/events/{}", created.id));
    Ok(())
}

/// The tiers a staff member can choose for an event: (slug, name).
#[server(endpoint = "club/tier-choices")]
pub async fn tier_choices() -> Result<Vec<(String, String)>, AppError> {
    let hearth = ssr::hearth()?;
    Ok(domain::club::list_tiers(&hearth)
        .await
        .map_err(ssr::to_app_error)?
        .into_iter()
        .rev()
        .map(|t| (t.slug, t.name))
        .collect())
}

/// How reputation, trust levels and badges work.
#[server(endpoint = "club/reputation-formula")]
pub async fn reputation_formula() -> Result<FormulaInfo, AppError> {
    use domain::reputation::{BADGES, FORMULA, TRUST_LEVELS, points};
    Ok(FormulaInfo {
        credits: FORMULA
            .iter()
            .map(|l| (l.credit.to_owned(), l.points, l.rule.to_owned()))
            .collect(),
        half_life_days: points::HALF_LIFE_DAYS,
        floor: points::FLOOR,
        levels: TRUST_LEVELS
            .iter()
            .map(|t| LevelInfo {
                level: t.level,
                name: t.name.to_owned(),
                min_reputation: (t.min_reputation != i32::MAX).then_some(t.min_reputation),
                min_days: t.min_days,
                max_links: t.max_links,
                can_flag: t.can_flag,
                flag_weight: t.flag_weight,
            })
            .collect(),
        badges: BADGES
            .iter()
            .map(|b| (b.name.to_owned(), b.description.to_owned()))
            .collect(),
    })
}

/// A tier as the club's settings page shows it (codes included: only the team sees this page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierSettings {
    pub slug: String,
    pub name: String,
    pub rank: i32,
    pub min_reputation: i32,
    pub description: String,
    /// (title, body, code, link)
    pub perks: Vec<(String, String, Option<String>, Option<String>)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClubSettingsView {
    /// Staff may grant tiers; admins also define tiers and perks.
    pub allowed: bool,
    pub admin: bool,
    pub tiers: Vec<TierSettings>,
}

/// `/admin/club`: tiers with their perks (staff and admins).
#[server(endpoint = "club/settings")]
pub async fn club_settings() -> Result<ClubSettingsView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    if !actor.roles.is_staff() {
        ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
        return Ok(ClubSettingsView::default());
    }
    let tiers = domain::club::tiers_with_perks(&hearth, None, true)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(ClubSettingsView {
        allowed: true,
        admin: actor.roles.is_admin(),
        tiers: tiers
            .into_iter()
            .map(|t| TierSettings {
                slug: t.tier.slug,
                name: t.tier.name,
                rank: t.tier.rank,
                min_reputation: t.tier.min_reputation,
                description: t.tier.description,
                perks: t
                    .perks
                    .into_iter()
                    .map(|p| (p.title, p.body, p.code, p.link))
                    .collect(),
            })
            .collect(),
    })
}

#[cfg(feature = "ssr")]
fn whole_number(errors: &mut domain::FieldErrors, field: &str, raw: &str) -> i32 {
    match raw.trim().parse::<i32>() {
        Ok(n) => n,
        Err(_) => {
            errors.add(field, "must be a whole number");
            0
        }
    }
}

/// Creates a tier or changes the one with that slug (admins; audited).
#[server(endpoint = "club/settings/tier")]
pub async fn save_club_tier(
    slug: String,
    name: String,
    rank: String,
    min_reputation: String,
    description: String,
) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let values = [
        ("slug", slug.as_str()),
        ("name", name.as_str()),
        ("rank", rank.as_str()),
        ("min_reputation", min_reputation.as_str()),
        ("description", description.as_str()),
    ];
    let mut errors = domain::FieldErrors::new();
    let input = domain::club::TierInput {
        slug: slug.clone(),
        name: name.clone(),
        rank: whole_number(&mut errors, "rank", &rank),
        min_reputation: whole_number(&mut errors, "min_reputation", &min_reputation),
        description: description.clone(),
    };
    errors
        .into_result()
        .map_err(|e| ssr::to_app_error(e).with_values(&values))?;
    domain::club::save_tier(&hearth, &actor, &input)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&values))?;
    leptos_actix::redirect("/admin/club?saved=tier");
    Ok(())
}

/// Adds a perk to a tier (admins; audited).
#[server(endpoint = "club/settings/perk")]
pub async fn add_club_perk(
    tier: String,
    title: String,
    body: String,
    code: String,
    link: String,
) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::club::PerkInput {
        title,
        body,
        code,
        link,
    };
    domain::club::add_perk(&hearth, &actor, &tier, &input)
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[
                ("title", &input.title),
                ("body", &input.body),
                ("code", &input.code),
                ("link", &input.link),
            ])
        })?;
    leptos_actix::redirect("/admin/club?saved=perk");
    Ok(())
}

/// Grants a club member a tier, or takes a grant back with an empty tier (staff; audited).
#[server(endpoint = "club/settings/grant")]
pub async fn grant_club_tier(username: String, tier: String, reason: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let values = [
        ("username", username.as_str()),
        ("tier", tier.as_str()),
        ("reason", reason.as_str()),
    ];
    let member = domain::accounts::find_by_username(&hearth, username.trim().trim_start_matches('@'))
        .await
        .map_err(ssr::to_app_error)?
        .ok_or_else(|| {
            ssr::to_app_error(domain::DomainError::invalid("username", "no such member")).with_values(&values)
        })?;
    domain::club::grant_tier(&hearth, &actor, member.id, Some(tier.as_str()), &reason)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&values))?;
    leptos_actix::redirect("/admin/club?saved=grant");
    Ok(())
}
