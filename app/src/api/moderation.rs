//! Moderation and listening: the queue and its decisions, flags, hiding, appeals, sanctions, the audit log, the
//! rules, accepting the policy, and the staff inbox. Forms post here without JavaScript and are redirected back.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub id: i64,
    pub kind: String,
    pub reason: String,
    pub detail: String,
    pub created: String,
    pub content_type: String,
    pub status: String,
    pub body_html: String,
    pub topic_title: String,
    pub url: String,
    pub author: String,
    pub author_id: i64,
    pub author_joined: String,
    pub author_suspended: Option<String>,
    pub author_posts: i64,
    pub author_rejected: i64,
    pub author_warnings: i64,
    pub author_flags: i64,
    /// (by, reason, note)
    pub flags: Vec<(String, String, String)>,
    pub appeal: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub allowed: bool,
    pub items: Vec<QueueEntry>,
    pub next: Option<String>,
    pub open: i64,
}

#[cfg(feature = "ssr")]
fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// The open queue, filtered (`kind`, `reason`, `ctype`), oldest first.
#[server(endpoint = "mod/queue")]
pub async fn mod_queue(
    kind: String,
    reason: String,
    ctype: String,
    after: String,
) -> Result<QueueView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    if domain::moderation::require_moderator(&actor).is_err() {
        ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
        return Ok(QueueView::default());
    }
    let opt = |s: String| (!s.trim().is_empty()).then_some(s);
    let filter = domain::moderation::QueueFilter {
        kind: opt(kind),
        reason: opt(reason),
        content_type: opt(ctype),
        after: after.trim().parse().ok(),
    };
    let page =
        domain::moderation::queue::list(&hearth, &actor, &filter, domain::moderation::queue::QUEUE_PAGE)
            .await
            .map_err(ssr::to_app_error)?;
    Ok(QueueView {
        allowed: true,
        items: page
            .items
            .into_iter()
            .map(|i| QueueEntry {
                flags: i.flags().into_iter().map(|f| (f.by, f.reason, f.note)).collect(),
                url: match i.post_number {
                    Some(n) => format!(
                        "/t/{}?page={}#post-{n}",
                        i.topic_id,
                        domain::forums::views::page_of(n)
                    ),
                    None => format!("/t/{}", i.topic_id),
                },
                id: i.id,
                kind: i.kind,
                reason: i.reason,
                detail: i.detail,
                created: day(i.created_at),
                content_type: i.content_type,
                status: i.status,
                body_html: i.body_html,
                topic_title: i.topic_title,
                author: i.author,
                author_id: i.author_id,
                author_joined: i.author_joined.format("%-d %B %Y").to_string(),
                author_suspended: i
                    .author_suspended_until
                    .filter(|t| *t > chrono::Utc::now())
                    .map(day),
                author_posts: i.author_posts,
                author_rejected: i.author_rejected,
                author_warnings: i.author_warnings,
                author_flags: i.author_flags,
                appeal: i.appeal,
            })
            .collect(),
        next: page.next.map(|n| n.to_string()),
        open: page.open,
    })
}

/// Approves or rejects a queue item (`decision` = approve | reject).
#[server(endpoint = "mod/decide")]
pub async fn decide(item_id: i64, decision: String, reason: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let result = match decision.as_str() {
        "approve" => domain::moderation::approve(&hearth, &actor, item_id, &reason).await,
        "reject" => domain::moderation::reject(&hearth, &actor, item_id, &reason).await,
        _ => Err(domain::DomainError::invalid(
            "decision",
            "must be approve or reject",
        )),
    };
    result.map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/mod?done={decision}"));
    Ok(())
}

/// Warns, suspends, bans or lifts a suspension (`action`), from the queue, a profile or a post; comes back to
/// `return_to` (a path on this site; the queue by default).
#[server(endpoint = "mod/sanction")]
pub async fn sanction_member(
    user_id: i64,
    action: String,
    until: String,
    reason: String,
    return_to: Option<String>,
) -> Result<(), AppError> {
    use domain::moderation::{Sanction, sanctions};
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let sanction = match action.as_str() {
        "suspend" => Sanction::Suspend(
            sanctions::parse_until(&until)
                .map_err(|m| ssr::to_app_error(domain::DomainError::invalid("until", m)))?,
        ),
        "ban" => Sanction::Ban,
        "unsuspend" => Sanction::Unsuspend,
        "warn" => Sanction::Warn,
        _ => {
            return Err(ssr::to_app_error(domain::DomainError::invalid(
                "action",
                "must be warn, suspend, ban or unsuspend",
            )));
        }
    };
    domain::moderation::sanction(&hearth, &actor, domain::ids::UserId(user_id), sanction, &reason)
        .await
        .map_err(ssr::to_app_error)?;
    let back = return_to
        .filter(|r| r.starts_with('/') && !r.starts_with("//") && !r.contains(['\\', '\r', '\n']))
        .unwrap_or_else(|| "/mod".to_owned());
    let back = back.split('#').next().unwrap_or("/mod");
    let joiner = if back.contains('?') { '&' } else { '?' };
    leptos_actix::redirect(&format!("{back}{joiner}done={action}"));
    Ok(())
}

/// Flags a post.
#[server(endpoint = "mod/flag")]
pub async fn flag_post(post_id: i64, topic_id: i64, reason: String, note: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::moderation::flag(&hearth, &actor, domain::ids::PostId(post_id), &reason, &note)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/t/{topic_id}?flagged={post_id}"));
    Ok(())
}

/// Hides a post (moderators and staff).
#[server(endpoint = "mod/hide")]
pub async fn hide_post(post_id: i64, topic_id: i64, reason: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::moderation::hide_post(&hearth, &actor, domain::ids::PostId(post_id), &reason)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/t/{topic_id}?hidden={post_id}"));
    Ok(())
}

/// Appeals a rejected or hidden post (its author, once).
#[server(endpoint = "mod/appeal")]
pub async fn appeal_post(post_id: i64, topic_id: i64, body: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::moderation::appeal(
        &hearth,
        &actor,
        domain::moderation::Content::Post(domain::ids::PostId(post_id)),
        &body,
    )
    .await
    .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/t/{topic_id}?appealed={post_id}"));
    Ok(())
}

/// Accepts the policy in force.
#[server(endpoint = "policy/accept")]
pub async fn accept_policy() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::policy::accept(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/policy?accepted=1");
    Ok(())
}

/// Whether the viewer has accepted the version in force (None: not signed in).
#[server(endpoint = "policy/status")]
pub async fn policy_status() -> Result<Option<bool>, AppError> {
    let hearth = ssr::hearth()?;
    let Some(actor) = ssr::actor() else {
        return Ok(None);
    };
    let current = domain::policy::current_version(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(Some(actor.accepted_policy_version.is_some_and(|v| v >= current)))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryInfo {
    pub id: i64,
    pub when: String,
    pub when_iso: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: String,
    pub after: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub allowed: bool,
    pub items: Vec<AuditEntryInfo>,
    pub next: Option<String>,
}

/// The audit log, newest first, filtered by action (or its start) and by who acted.
#[server(endpoint = "mod/audit")]
pub async fn audit_entries(action: String, who: String, after: String) -> Result<AuditView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    if domain::moderation::require_moderator(&actor).is_err() {
        ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
        return Ok(AuditView::default());
    }
    let opt = |s: String| (!s.trim().is_empty()).then_some(s);
    let filter = domain::audit::AuditFilter {
        action: opt(action),
        actor: opt(who),
        before: after.trim().parse().ok(),
        ..Default::default()
    };
    let (rows, next) = domain::audit::search(&hearth, &actor, &filter, 50)
        .await
        .map_err(ssr::to_app_error)?;
    let show = |v: Option<serde_json::Value>| v.map(|v| v.to_string()).unwrap_or_default();
    Ok(AuditView {
        allowed: true,
        items: rows
            .into_iter()
            .map(|r| AuditEntryInfo {
                id: r.id,
                when: day(r.created_at),
                when_iso: r.created_at.to_rfc3339(),
                actor: r.actor.unwrap_or_else(|| "system".into()),
                target: match r.target_id {
                    Some(id) => format!("{} {id}", r.target_type),
                    None => r.target_type,
                },
                action: r.action,
                before: show(r.before),
                after: show(r.after),
                reason: r.reason,
            })
            .collect(),
        next: next.map(|n| n.to_string()),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub id: i64,
    pub kind: String,
    pub topic_title: String,
    pub url: String,
    pub excerpt: String,
    pub author: String,
    pub waiting: String,
    pub since_iso: String,
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxView {
    pub allowed: bool,
    pub items: Vec<InboxEntry>,
    pub next: Option<String>,
    pub waiting: i64,
    pub median_first_response: Option<String>,
    /// The brand's staff (username, shown name) and how many waiting items each holds, most loaded first.
    pub holders: Vec<(String, String, i64)>,
    /// The signed-in staff member's username.
    pub me: String,
}

/// "3 h 20 min", "2 d 4 h", "45 min".
pub fn duration_words(secs: i64) -> String {
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    match (d, h) {
        (0, 0) => format!("{} min", m.max(1)),
        (0, h) => format!("{h} h {m} min"),
        (d, h) => format!("{d} d {h} h"),
    }
}

/// The staff inbox, oldest first.
#[server(endpoint = "staff/inbox")]
pub async fn staff_inbox(kind: String, assignee: String, after: String) -> Result<InboxView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    if !actor.roles.is_staff() {
        ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
        return Ok(InboxView::default());
    }
    let after = domain::cursor::parse(Some(&after)).map_err(ssr::to_app_error)?;
    let kind = (!kind.trim().is_empty()).then_some(kind);
    let page = domain::moderation::inbox::list_held(
        &hearth,
        &actor,
        kind.as_deref(),
        Some(assignee.as_str()),
        after,
        domain::moderation::inbox::INBOX_PAGE,
    )
    .await
    .map_err(ssr::to_app_error)?;
    let holders = domain::moderation::inbox::holders(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    let now = chrono::Utc::now();
    Ok(InboxView {
        allowed: true,
        items: page
            .items
            .into_iter()
            .map(|i| InboxEntry {
                waiting: duration_words(i.waiting_secs(now)),
                since_iso: i.waiting_since.to_rfc3339(),
                url: i.url(),
                id: i.id,
                kind: i.kind,
                topic_title: i.topic_title,
                excerpt: domain::markdown::excerpt(&i.excerpt, 240),
                author: i.author,
                assigned_to: i.assigned_to,
            })
            .collect(),
        next: page.next.map(domain::cursor::encode),
        waiting: page.waiting,
        median_first_response: page.median_first_response_secs.map(duration_words),
        holders: holders
            .into_iter()
            .map(|h| {
                let shown = h.display_name.unwrap_or_else(|| h.username.clone());
                (h.username, shown, h.holding)
            })
            .collect(),
        me: actor.username.clone(),
    })
}

/// Assigns an inbox item (to oneself, or to the staff member chosen in `to`), releases it, or marks it handled.
#[server(endpoint = "staff/inbox/act")]
pub async fn inbox_action(item_id: i64, action: String, to: Option<String>) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let action =
        domain::moderation::inbox::InboxAction::parse(&action, to.as_deref()).map_err(ssr::to_app_error)?;
    domain::moderation::inbox::act(&hearth, &actor, item_id, action)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/staff/inbox");
    Ok(())
}

/// The rules as the admin form shows them (lists one entry per line).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesInput {
    pub too_brief: Option<String>,
    pub min_chars: String,
    pub phrases: String,
    pub link_limit: Option<String>,
    pub max_links: String,
    pub min_trust_level: String,
    pub link_promotion: Option<String>,
    pub max_link_share: String,
    pub watched_domains: String,
    pub words: Option<String>,
    pub blocked: String,
    pub watched: String,
    pub first_posts: Option<String>,
    pub first_posts_count: String,
    pub partner_hold: Option<String>,
    pub flags: Option<String>,
    pub hide_at_weight: String,
    pub inbox: Option<String>,
    pub unanswered_hours: String,
    pub detractor_below: String,
}

/// The rules in force, for the admin form (admins only).
#[server(endpoint = "admin/rules")]
pub async fn rules_form() -> Result<Option<RulesInput>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    if !actor.roles.is_admin() {
        ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
        return Ok(None);
    }
    let r = domain::moderation::rules::load(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    let on = |b: bool| b.then(|| "on".to_owned());
    Ok(Some(RulesInput {
        too_brief: on(r.too_brief.enabled),
        min_chars: r.too_brief.min_chars.to_string(),
        phrases: r.too_brief.phrases.join("\n"),
        link_limit: on(r.link_limit.enabled),
        max_links: r.link_limit.max_links.to_string(),
        min_trust_level: r.link_limit.min_trust_level.to_string(),
        link_promotion: on(r.link_promotion.enabled),
        max_link_share: r.link_promotion.max_link_share.to_string(),
        watched_domains: r.link_promotion.watched_domains.join("\n"),
        words: on(r.words.enabled),
        blocked: r.words.blocked.join("\n"),
        watched: r.words.watched.join("\n"),
        first_posts: on(r.first_posts.enabled),
        first_posts_count: r.first_posts.count.to_string(),
        partner_hold: on(r.partner_hold.enabled),
        flags: on(r.flags.enabled),
        hide_at_weight: r.flags.hide_at_weight.to_string(),
        inbox: on(r.inbox.enabled),
        unanswered_hours: r.inbox.unanswered_hours.to_string(),
        detractor_below: r.inbox.detractor_below.to_string(),
    }))
}

/// Saves the rules (admins; audited). Numbers that do not parse are field errors.
#[server(endpoint = "admin/rules/save")]
pub async fn save_rules(form: RulesInput) -> Result<(), AppError> {
    use domain::moderation::rules::*;
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let mut errors = domain::FieldErrors::new();
    fn num<T: std::str::FromStr + Default>(errors: &mut domain::FieldErrors, field: &str, raw: &str) -> T {
        raw.trim().parse().unwrap_or_else(|_| {
            errors.add(field, "must be a number");
            T::default()
        })
    }
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    let rules = Rules {
        too_brief: TooBrief {
            enabled: form.too_brief.is_some(),
            min_chars: num(&mut errors, "too_brief.min_chars", &form.min_chars),
            phrases: lines(&form.phrases),
        },
        link_limit: LinkLimit {
            enabled: form.link_limit.is_some(),
            max_links: num(&mut errors, "link_limit.max_links", &form.max_links),
            min_trust_level: num(&mut errors, "link_limit.min_trust_level", &form.min_trust_level),
        },
        link_promotion: LinkPromotion {
            enabled: form.link_promotion.is_some(),
            max_link_share: num(&mut errors, "link_promotion.max_link_share", &form.max_link_share),
            watched_domains: lines(&form.watched_domains),
        },
        words: Words {
            enabled: form.words.is_some(),
            blocked: lines(&form.blocked),
            watched: lines(&form.watched),
        },
        first_posts: FirstPosts {
            enabled: form.first_posts.is_some(),
            count: num(&mut errors, "first_posts.count", &form.first_posts_count),
        },
        partner_hold: PartnerHold {
            enabled: form.partner_hold.is_some(),
        },
        flags: FlagRule {
            enabled: form.flags.is_some(),
            hide_at_weight: num(&mut errors, "flags.hide_at_weight", &form.hide_at_weight),
        },
        inbox: InboxRule {
            enabled: form.inbox.is_some(),
            unanswered_hours: num(&mut errors, "inbox.unanswered_hours", &form.unanswered_hours),
            detractor_below: num(&mut errors, "inbox.detractor_below", &form.detractor_below),
        },
    };
    errors.into_result().map_err(ssr::to_app_error)?;
    domain::moderation::rules::save(&hearth, &actor, rules)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/admin/rules?saved=1");
    Ok(())
}

/// Unread notifications of the viewer, for the bell in the header (0 when signed out).
#[server(endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let hearth = ssr::hearth()?;
    let Some(actor) = ssr::actor() else {
        return Ok(0);
    };
    domain::notifications::unread_count(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)
}
