//! Moderation and listening over the API: flags, the queue and its decisions, hiding, appeals, sanctions, the
//! rules, the audit log, accepting the policy, and the staff inbox.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::audit::{self, AuditFilter};
use domain::ids::{PostId, TopicId, UserId};
use domain::moderation::inbox::{self, InboxAction};
use domain::moderation::rules::{self, Rules};
use domain::moderation::{self, Content, QueueFilter, Sanction, queue, sanctions};
use domain::{DomainError, Hearth};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller, OptionalBody};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FlagRequest {
    /// `post` (any post: reply, answer, comment on an idea) or `topic` (its first post: a topic, question, idea).
    pub target_type: String,
    pub target_id: i64,
    /// spam, abusive, off_topic or other
    pub reason: String,
    /// Required for `other`.
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlagResponse {
    pub post_id: i64,
    /// The open flags' total weight.
    pub weight: i32,
    /// Hidden pending review.
    pub hidden: bool,
    /// The caller had flagged it before (nothing changed).
    pub repeated: bool,
}

/// Flags content (trust level 1 and above; the flag weighs by trust level; content is hidden at the threshold).
#[utoipa::path(post, path = "/api/v1/flags", tag = "moderation", request_body = FlagRequest,
    responses((status = 201, body = FlagResponse), (status = 200, body = FlagResponse, description = "Flagged before"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn flag(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<FlagRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let post = match body.target_type.as_str() {
        "post" | "reply" | "answer" | "comment" => PostId(body.target_id),
        "topic" | "question" | "idea" => moderation::first_post(&hearth, TopicId(body.target_id)).await?,
        _ => {
            return Err(DomainError::invalid("target_type", "must be post or topic").into());
        }
    };
    let outcome = moderation::flag(&hearth, actor, post, &body.reason, &body.note).await?;
    let response = FlagResponse {
        post_id: post.0,
        weight: outcome.weight,
        hidden: outcome.hidden,
        repeated: outcome.repeated,
    };
    Ok(if outcome.repeated {
        HttpResponse::Ok().json(response)
    } else {
        HttpResponse::Created().json(response)
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct QueueQuery {
    /// held, flagged or appeal
    pub kind: Option<String>,
    /// a rule (too_brief, link_limit, link_promotion, words, first_posts, partner_hold), a flag reason (spam,
    /// abusive, off_topic, other) or appeal
    pub reason: Option<String>,
    /// topic, reply, question, answer, idea or comment
    #[serde(rename = "type")]
    pub content_type: Option<String>,
    pub limit: Option<i64>,
    pub after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlagInfo {
    pub by: String,
    pub reason: String,
    pub note: String,
    pub weight: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorHistory {
    pub id: i64,
    pub username: String,
    pub joined_at: DateTime<Utc>,
    pub suspended_until: Option<DateTime<Utc>>,
    pub published_posts: i64,
    pub rejected_before: i64,
    pub warnings: i64,
    pub flags_received: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemResponse {
    pub id: i64,
    /// held, flagged or appeal
    pub kind: String,
    /// The rule or the first flag's reason.
    pub reason: String,
    /// The rule's explanation, the first flag's note, or the appeal.
    pub detail: String,
    pub created_at: DateTime<Utc>,
    /// topic, reply, question, answer, idea or comment
    pub content_type: String,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    /// The content's status now: pending, hidden, published, …
    pub status: String,
    pub body_html: String,
    pub topic_id: i64,
    pub topic_title: String,
    pub url: String,
    pub author: AuthorHistory,
    pub flags: Vec<FlagInfo>,
    pub appeal: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueResponse {
    pub items: Vec<QueueItemResponse>,
    pub next: Option<String>,
    /// Open items in all.
    pub open: i64,
}

fn cursor(raw: Option<&str>) -> Result<Option<i64>, DomainError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| DomainError::invalid("after", "is not a cursor from this list")),
    }
}

/// The open moderation queue, oldest first (moderators and staff).
#[utoipa::path(get, path = "/api/v1/moderation/queue", tag = "moderation", params(QueueQuery),
    responses((status = 200, body = QueueResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn queue_list(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<QueueQuery>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let filter = QueueFilter {
        kind: query.kind.clone(),
        reason: query.reason.clone(),
        content_type: query.content_type.clone(),
        after: cursor(query.after.as_deref())?,
    };
    let page = queue::list(&hearth, actor, &filter, query.limit.unwrap_or(queue::QUEUE_PAGE)).await?;
    Ok(HttpResponse::Ok().json(QueueResponse {
        items: page
            .items
            .into_iter()
            .map(|i| QueueItemResponse {
                flags: i
                    .flags()
                    .into_iter()
                    .map(|f| FlagInfo {
                        by: f.by,
                        reason: f.reason,
                        note: f.note,
                        weight: f.weight,
                    })
                    .collect(),
                url: match i.post_id {
                    Some(p) => format!("/t/{}?post={p}", i.topic_id),
                    None => format!("/t/{}", i.topic_id),
                },
                id: i.id,
                kind: i.kind,
                reason: i.reason,
                detail: i.detail,
                created_at: i.created_at,
                content_type: i.content_type,
                post_id: i.post_id,
                comment_id: i.comment_id,
                status: i.status,
                body_html: i.body_html,
                topic_id: i.topic_id,
                topic_title: i.topic_title,
                author: AuthorHistory {
                    id: i.author_id,
                    username: i.author,
                    joined_at: i.author_joined,
                    suspended_until: i.author_suspended_until,
                    published_posts: i.author_posts,
                    rejected_before: i.author_rejected,
                    warnings: i.author_warnings,
                    flags_received: i.author_flags,
                },
                appeal: i.appeal,
            })
            .collect(),
        next: page.next.map(|n| n.to_string()),
        open: page.open,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReasonRequest {
    /// Required to reject, hide and sanction; optional to approve. Sent to the author.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionResponse {
    pub id: i64,
    /// approved or rejected
    pub state: String,
}

/// Approves a queue item: held or appealed content is published; flagged content stays and its flags are dismissed.
#[utoipa::path(post, path = "/api/v1/moderation/queue/{id}/approve", tag = "moderation", params(("id" = i64, Path)),
    request_body(content = ReasonRequest, description = "Optional"),
    responses((status = 200, body = DecisionResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Already handled")))]
pub async fn approve(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ReasonRequest>>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let reason = body.map(|b| b.into_inner().reason).unwrap_or_default();
    queue::approve(&hearth, caller.actor()?, id, &reason).await?;
    Ok(HttpResponse::Ok().json(DecisionResponse {
        id,
        state: "approved".into(),
    }))
}

/// Rejects a queue item: the content is removed with the reason, which the author reads.
#[utoipa::path(post, path = "/api/v1/moderation/queue/{id}/reject", tag = "moderation", params(("id" = i64, Path)),
    request_body = ReasonRequest,
    responses((status = 200, body = DecisionResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reject(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    queue::reject(&hearth, caller.actor()?, id, &body.reason).await?;
    Ok(HttpResponse::Ok().json(DecisionResponse {
        id,
        state: "rejected".into(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostStatusResponse {
    pub post_id: i64,
    pub status: String,
}

/// Hides a post (moderators and staff; audited; the author is told and may appeal).
#[utoipa::path(post, path = "/api/v1/posts/{id}/hide", tag = "moderation", params(("id" = i64, Path)),
    request_body = ReasonRequest,
    responses((status = 200, body = PostStatusResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn hide(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Body<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    queue::hide_post(&hearth, caller.actor()?, PostId(id), &body.reason).await?;
    Ok(HttpResponse::Ok().json(PostStatusResponse {
        post_id: id,
        status: "hidden".into(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AppealRequest {
    /// Why it should be shown (10 to 2,000 characters).
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealResponse {
    /// The queue item the appeal opened.
    pub queue_item: i64,
}

/// Appeals a rejected or hidden post, once (its author).
#[utoipa::path(post, path = "/api/v1/posts/{id}/appeal", tag = "moderation", params(("id" = i64, Path)),
    request_body = AppealRequest,
    responses((status = 201, body = AppealResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Appealed before, or not rejected/hidden")))]
pub async fn appeal_post(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Body<AppealRequest>,
) -> ApiResult<HttpResponse> {
    let id = moderation::appeal(
        &hearth,
        caller.actor()?,
        Content::Post(PostId(path.into_inner())),
        &body.body,
    )
    .await?;
    Ok(HttpResponse::Created().json(AppealResponse { queue_item: id }))
}

/// Appeals a rejected or hidden comment on an answer, once (its author).
#[utoipa::path(post, path = "/api/v1/comments/{id}/appeal", tag = "moderation", params(("id" = i64, Path)),
    request_body = AppealRequest,
    responses((status = 201, body = AppealResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn appeal_comment(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Body<AppealRequest>,
) -> ApiResult<HttpResponse> {
    let id = moderation::appeal(
        &hearth,
        caller.actor()?,
        Content::Comment(path.into_inner()),
        &body.body,
    )
    .await?;
    Ok(HttpResponse::Created().json(AppealResponse { queue_item: id }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SanctionRequest {
    /// For suspend: a date (2026-12-31, the end of that day UTC) or an RFC 3339 time.
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionResponse {
    pub user_id: i64,
    /// warn, suspend, ban or unsuspend
    pub action: String,
    pub suspended_until: Option<DateTime<Utc>>,
}

async fn sanction_as(
    hearth: &Hearth,
    caller: &Caller,
    id: i64,
    action: &str,
    body: Option<Body<SanctionRequest>>,
) -> ApiResult<HttpResponse> {
    let action = action.to_owned();
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    let sanction = match action.as_str() {
        "suspend" => Sanction::Suspend(
            sanctions::parse_until(&body.until).map_err(|m| DomainError::invalid("until", m))?,
        ),
        "unsuspend" => Sanction::Unsuspend,
        "warn" => Sanction::Warn,
        "ban" => Sanction::Ban,
        _ => return Err(DomainError::NotFound("API route").into()),
    };
    let until = match &sanction {
        Sanction::Suspend(t) => Some(*t),
        Sanction::Ban => Some(sanctions::forever()),
        _ => None,
    };
    moderation::sanction(
        hearth,
        caller.actor()?,
        UserId(id),
        sanction.clone(),
        &body.reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(SanctionResponse {
        user_id: id,
        action,
        suspended_until: until,
    }))
}

/// Suspends a member until a time (`until` and `reason` required). Moderators and staff; only admins sanction the team. Audited; the member is told.
#[utoipa::path(post, path = "/api/v1/users/{id}/suspend", tag = "moderation", params(("id" = i64, Path)),
    request_body = SanctionRequest,
    responses((status = 200, body = SanctionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn suspend(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<SanctionRequest>>,
) -> ApiResult<HttpResponse> {
    sanction_as(&hearth, &caller, *path, "suspend", body).await
}

/// Lifts a suspension or a ban. Audited; the member is told.
#[utoipa::path(post, path = "/api/v1/users/{id}/unsuspend", tag = "moderation", params(("id" = i64, Path)),
    request_body(content = SanctionRequest, description = "Optional; the reason is kept in the audit log"),
    responses((status = 200, body = SanctionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unsuspend(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<SanctionRequest>>,
) -> ApiResult<HttpResponse> {
    sanction_as(&hearth, &caller, *path, "unsuspend", body).await
}

/// Warns a member (`reason` required). Audited; the member is told.
#[utoipa::path(post, path = "/api/v1/users/{id}/warn", tag = "moderation", params(("id" = i64, Path)),
    request_body = SanctionRequest,
    responses((status = 200, body = SanctionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn warn(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<SanctionRequest>>,
) -> ApiResult<HttpResponse> {
    sanction_as(&hearth, &caller, *path, "warn", body).await
}

/// Bans a member (`reason` required). Audited; the member is told.
#[utoipa::path(post, path = "/api/v1/users/{id}/ban", tag = "moderation", params(("id" = i64, Path)),
    request_body = SanctionRequest,
    responses((status = 200, body = SanctionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ban(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<SanctionRequest>>,
) -> ApiResult<HttpResponse> {
    sanction_as(&hearth, &caller, *path, "ban", body).await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct AuditQuery {
    /// An action or its start (`queue.`, `member.suspend`, `post.hide`).
    pub action: Option<String>,
    /// Who acted (username).
    pub actor: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    pub limit: Option<i64>,
    pub after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    #[schema(value_type = Object)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub after: Option<serde_json::Value>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditResponse {
    pub items: Vec<AuditEntryResponse>,
    pub next: Option<String>,
}

/// The audit log of every staff action, newest first, filterable (moderators, staff and admins).
#[utoipa::path(get, path = "/api/v1/moderation/audit", tag = "moderation", params(AuditQuery),
    responses((status = 200, body = AuditResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn audit_log(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let filter = AuditFilter {
        action: q.action,
        actor: q.actor,
        target_type: q.target_type,
        target_id: q.target_id,
        before: cursor(q.after.as_deref())?,
    };
    let (rows, next) = audit::search(&hearth, caller.actor()?, &filter, q.limit.unwrap_or(50)).await?;
    Ok(HttpResponse::Ok().json(AuditResponse {
        items: rows
            .into_iter()
            .map(|r| AuditEntryResponse {
                id: r.id,
                actor: r.actor,
                action: r.action,
                target_type: r.target_type,
                target_id: r.target_id,
                before: r.before,
                after: r.after,
                reason: r.reason,
                created_at: r.created_at,
            })
            .collect(),
        next: next.map(|n| n.to_string()),
    }))
}

/// The automatic rules and listening settings (moderators and staff read them; the JSON object has one key per
/// rule: too_brief, link_limit, link_promotion, words, first_posts, partner_hold, flags, inbox).
#[utoipa::path(get, path = "/api/v1/moderation/rules", tag = "moderation",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_rules(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    moderation::require_moderator(caller.actor()?)?;
    Ok(HttpResponse::Ok().json(rules::load(&hearth).await?))
}

/// Replaces the rules (admins; audited). Omitted rules and fields keep their defaults.
#[utoipa::path(put, path = "/api/v1/moderation/rules", tag = "moderation", request_body = Object,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_rules(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<Rules>,
) -> ApiResult<HttpResponse> {
    let saved = rules::save(&hearth, caller.actor()?, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResponse {
    pub accepted_version: i32,
}

/// Accepts the acceptable use policy in force (members are asked to before their next post after a change).
#[utoipa::path(post, path = "/api/v1/policy/accept", tag = "policy",
    responses((status = 200, body = AcceptedResponse), (status = 401, body = ErrorBody)))]
pub async fn accept_policy(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let version = domain::policy::accept(&hearth, caller.actor()?).await?;
    Ok(HttpResponse::Ok().json(AcceptedResponse {
        accepted_version: version,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct InboxQuery {
    /// unanswered or detractor
    pub kind: Option<String>,
    /// Only the items someone holds: `me`, `none` (nobody), a staff member's username.
    pub assignee: Option<String>,
    pub limit: Option<i64>,
    pub after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItemResponse {
    pub id: i64,
    /// unanswered (a question nobody answered) or detractor (a clearly negative post without a staff reply, or a
    /// clearly negative mention from outside the community: then `source` is set, `url` is where it was said and
    /// `topic_id` / `post_id` are 0)
    pub kind: String,
    pub topic_id: i64,
    pub topic_title: String,
    pub post_id: i64,
    pub url: String,
    pub excerpt: String,
    pub author: String,
    /// VADER compound score, −1 … 1.
    pub sentiment: Option<f32>,
    pub waiting_since: DateTime<Utc>,
    pub waiting_seconds: i64,
    pub assigned_to: Option<String>,
    /// For mentions: where it was said (twitter, trustpilot, support, …).
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxResponse {
    pub items: Vec<InboxItemResponse>,
    pub next: Option<String>,
    /// Items waiting in all.
    pub waiting: i64,
    /// Median time to the first staff response over the last 30 days.
    pub median_first_response_seconds: Option<i64>,
    /// The brand's staff and how many waiting items each holds, most loaded first.
    pub holders: Vec<HolderResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolderResponse {
    pub username: String,
    pub display_name: Option<String>,
    /// Waiting items assigned to them.
    pub holding: i64,
}

/// The staff inbox: unanswered questions and detractor posts, oldest first, with their waiting time (staff).
#[utoipa::path(get, path = "/api/v1/staff/inbox", tag = "listening", params(InboxQuery),
    responses((status = 200, body = InboxResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn inbox_list(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<InboxQuery>,
) -> ApiResult<HttpResponse> {
    let after = domain::cursor::parse(query.after.as_deref())?;
    let actor = caller.actor()?;
    let page = inbox::list_held(
        &hearth,
        actor,
        query.kind.as_deref(),
        query.assignee.as_deref(),
        after,
        query.limit.unwrap_or(inbox::INBOX_PAGE),
    )
    .await?;
    let holders = inbox::holders(&hearth, actor).await?;
    let now = Utc::now();
    Ok(HttpResponse::Ok().json(InboxResponse {
        items: page
            .items
            .into_iter()
            .map(|i| InboxItemResponse {
                waiting_seconds: i.waiting_secs(now),
                url: i.url(),
                id: i.id,
                kind: i.kind,
                topic_id: i.topic_id,
                topic_title: i.topic_title,
                post_id: i.post_id,
                excerpt: i.excerpt,
                author: i.author,
                sentiment: i.sentiment,
                waiting_since: i.waiting_since,
                assigned_to: i.assigned_to,
                source: i.source,
            })
            .collect(),
        next: page.next.map(domain::cursor::encode),
        waiting: page.waiting,
        median_first_response_seconds: page.median_first_response_secs,
        holders: holders
            .into_iter()
            .map(|h| HolderResponse {
                username: h.username,
                display_name: h.display_name,
                holding: h.holding,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxTimesResponse {
    pub id: i64,
    pub waiting_since: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub handled_at: Option<DateTime<Utc>>,
    /// Seconds from waiting to the first staff response.
    pub first_response_seconds: Option<i64>,
}

async fn inbox_do(hearth: &Hearth, caller: &Caller, id: i64, action: InboxAction) -> ApiResult<HttpResponse> {
    inbox::act(hearth, caller.actor()?, id, action).await?;
    let (waiting, first, handled) = inbox::times(hearth, id).await?;
    Ok(HttpResponse::Ok().json(InboxTimesResponse {
        id,
        waiting_since: waiting,
        first_response_at: first,
        handled_at: handled,
        first_response_seconds: first.map(|f| (f - waiting).num_seconds()),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AssignRequest {
    /// The staff member (username) to assign it to; left out: the caller.
    pub to: Option<String>,
}

/// Assigns an inbox item to a staff member (the body's `to`) or, without a body, to oneself (staff; audited;
/// another assignee is notified). Answers the item's recorded times.
#[utoipa::path(post, path = "/api/v1/staff/inbox/{id}/assign", tag = "listening", params(("id" = i64, Path)),
    request_body(content = Option<AssignRequest>, description = "Optional: whom to assign it to"),
    responses((status = 200, body = InboxTimesResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn inbox_assign(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: OptionalBody<AssignRequest>,
) -> ApiResult<HttpResponse> {
    let action = InboxAction::parse("assign", body.to.as_deref())?;
    inbox_do(&hearth, &caller, *path, action).await
}

/// Releases an inbox item: nobody holds it (staff; audited). Answers the item's recorded times.
#[utoipa::path(post, path = "/api/v1/staff/inbox/{id}/unassign", tag = "listening", params(("id" = i64, Path)),
    responses((status = 200, body = InboxTimesResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn inbox_unassign(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    inbox_do(&hearth, &caller, *path, InboxAction::Unassign).await
}

/// Marks an inbox item handled (staff; audited). Answers the item's recorded times.
#[utoipa::path(post, path = "/api/v1/staff/inbox/{id}/handle", tag = "listening", params(("id" = i64, Path)),
    responses((status = 200, body = InboxTimesResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn inbox_handle(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    inbox_do(&hearth, &caller, *path, InboxAction::Handle).await
}
