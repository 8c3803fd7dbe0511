//! Talking Point over the API: the page's data, mentions from outside the community, and the staff's tools
//! (pin or hide a theme, the ignored terms).

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Hearth;
use domain::talking_point::{self, mentions, ranking, staff};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller};

/// One post or mention that carries a theme.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceResponse {
    /// post or mention
    pub kind: String,
    pub title: String,
    pub excerpt: String,
    /// A page of the community for posts, the original for mentions.
    pub url: String,
    pub author: String,
    /// For mentions: where it was said (twitter, trustpilot, support, …).
    pub source: Option<String>,
    pub at: DateTime<Utc>,
}

/// Shares of the theme's posts and mentions by sentiment (0 … 1; they add up to 1 when there are any).
#[derive(Debug, Serialize, ToSchema)]
pub struct SentimentShares {
    pub positive: f64,
    pub neutral: f64,
    pub negative: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeResponse {
    /// The term: a word, a two-word phrase or `product:<slug>`; use it in the staff operations' paths.
    pub key: String,
    pub label: String,
    /// word, phrase or product
    pub kind: String,
    /// The product's slug, for product themes.
    pub product: Option<String>,
    pub last_hour: i64,
    pub last_day: i64,
    /// The usual mentions in the same 24 hours of a week (mean of the last four weeks).
    pub baseline: f64,
    /// The last day against the usual level (with a floor of 2).
    pub factor: f64,
    pub positive: i64,
    pub neutral: i64,
    pub negative: i64,
    pub sentiment: SentimentShares,
    /// Mentions per day over the last 7 days, oldest first (the sparkline).
    pub series: Vec<i64>,
    /// Why it is shown, in words.
    pub reason: String,
    /// A note from the staff, when they pinned the theme.
    pub pinned_note: Option<String>,
    pub latest: Vec<VoiceResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HotResponse {
    pub topic_id: i64,
    /// discussion, question or idea
    pub kind: String,
    pub title: String,
    pub url: String,
    pub category: String,
    /// Distinct members who replied in the last 3 days.
    pub repliers: i64,
    /// Up-votes on its answers and votes for the idea in the last 3 days.
    pub votes: i64,
    pub replies: i64,
    /// (2 × repliers + votes) / (hours since the start + 2)^1.5
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeardResponse {
    /// answer (an official staff reply) or status (an idea moved)
    pub kind: String,
    pub title: String,
    pub url: String,
    pub excerpt: String,
    pub who: String,
    /// For status changes: under_review, planned, in_progress, shipped or declined.
    pub status: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingResponse {
    pub topic_id: i64,
    pub title: String,
    pub url: String,
    pub author: String,
    pub asked_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TalkingPointResponse {
    /// When the ranking was computed (null before the first time).
    pub computed_at: Option<DateTime<Utc>>,
    /// Themes rising against their usual level, pinned ones first.
    pub themes: Vec<ThemeResponse>,
    pub hot: Vec<HotResponse>,
    /// The brand's latest official answers and idea status changes.
    pub staff_answers: Vec<HeardResponse>,
    /// Public questions nobody answered yet, oldest first.
    pub waiting: Vec<WaitingResponse>,
}

fn share(part: i64, all: i64) -> f64 {
    if all > 0 {
        ((part as f64 / all as f64) * 1000.0).round() / 1000.0
    } else {
        0.0
    }
}

impl From<ranking::Snapshot> for TalkingPointResponse {
    fn from(s: ranking::Snapshot) -> Self {
        TalkingPointResponse {
            computed_at: s.computed_at,
            themes: s
                .themes
                .into_iter()
                .map(|t| {
                    let all = t.positive + t.neutral + t.negative;
                    ThemeResponse {
                        sentiment: SentimentShares {
                            positive: share(t.positive, all),
                            neutral: share(t.neutral, all),
                            negative: share(t.negative, all),
                        },
                        key: t.key,
                        label: t.label,
                        kind: t.kind,
                        product: t.product,
                        last_hour: t.last_hour,
                        last_day: t.last_day,
                        baseline: t.baseline,
                        factor: t.factor,
                        positive: t.positive,
                        neutral: t.neutral,
                        negative: t.negative,
                        series: t.spark,
                        reason: t.reason,
                        pinned_note: t.pinned_note,
                        latest: t
                            .latest
                            .into_iter()
                            .map(|v| VoiceResponse {
                                kind: v.kind,
                                title: v.title,
                                excerpt: v.excerpt,
                                url: v.url,
                                author: v.author,
                                source: v.source,
                                at: v.at,
                            })
                            .collect(),
                    }
                })
                .collect(),
            hot: s
                .hot
                .into_iter()
                .map(|h| HotResponse {
                    topic_id: h.topic_id,
                    kind: h.kind,
                    title: h.title,
                    url: h.url,
                    category: h.category,
                    repliers: h.repliers,
                    votes: h.votes,
                    replies: h.replies,
                    score: h.score,
                })
                .collect(),
            staff_answers: s
                .heard
                .into_iter()
                .map(|h| HeardResponse {
                    kind: h.kind,
                    title: h.title,
                    url: h.url,
                    excerpt: h.excerpt,
                    who: h.who,
                    status: h.status,
                    at: h.at,
                })
                .collect(),
            waiting: s
                .waiting
                .into_iter()
                .map(|w| WaitingResponse {
                    topic_id: w.topic_id,
                    title: w.title,
                    url: w.url,
                    author: w.author,
                    asked_at: w.asked_at,
                })
                .collect(),
        }
    }
}

/// What customers are talking about now (public; only public, published content counts).
#[utoipa::path(get, path = "/api/v1/talking-point", tag = "talking_point",
    responses((status = 200, body = TalkingPointResponse), (status = 503, body = ErrorBody)))]
pub async fn get(hearth: web::Data<Hearth>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(TalkingPointResponse::from(talking_point::current(&hearth).await?)))
}

/// A mention of the brand said outside the community.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MentionRequest {
    /// Where it was said: 1–30 lower-case letters, digits, - or _ (twitter, trustpilot, support).
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,29}$", example = "twitter")]
    pub source: String,
    /// Its id at the source (1–200 characters); `(source, external_id)` is unique.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: String,
    /// An http(s) address of the original (at most 2000 characters).
    #[schema(max_length = 2000, example = "https://social.example/status/1")]
    pub url: String,
    #[schema(min_length = 1, max_length = 100)]
    pub author_handle: String,
    /// Plain text (markup is removed), 1–5000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    /// RFC 3339, not in the future.
    pub posted_at: String,
    /// Compound sentiment from −1 to 1; scored by Hearth when absent or null.
    #[schema(minimum = -1.0, maximum = 1.0, nullable)]
    pub sentiment: Option<f64>,
}

impl From<&MentionRequest> for mentions::MentionInput {
    fn from(m: &MentionRequest) -> Self {
        mentions::MentionInput {
            source: m.source.clone(),
            external_id: m.external_id.clone(),
            url: m.url.clone(),
            author_handle: m.author_handle.clone(),
            text: m.text.clone(),
            posted_at: m.posted_at.clone(),
            sentiment: m.sentiment,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MentionBatch {
    /// 1–500 mentions, stored together or not at all.
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<MentionRequest>,
}

/// One mention, or `{"items": [...]}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MentionsRequest {
    Batch(MentionBatch),
    One(MentionRequest),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentionResponse {
    pub id: i64,
    pub source: String,
    pub external_id: String,
    pub url: String,
    pub author_handle: String,
    pub text: String,
    pub posted_at: DateTime<Utc>,
    pub sentiment: f32,
    /// published, pending (held by a moderation rule) or hidden
    pub status: String,
    pub held_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<mentions::Mention> for MentionResponse {
    fn from(m: mentions::Mention) -> Self {
        MentionResponse {
            id: m.id,
            source: m.source,
            external_id: m.external_id,
            url: m.url,
            author_handle: m.author_handle,
            text: m.text,
            posted_at: m.posted_at,
            sentiment: m.sentiment,
            status: m.status,
            held_reason: m.held_reason,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentionBatchResponse {
    /// Every mention sent, as stored now, in the order sent.
    pub items: Vec<MentionResponse>,
    pub created: usize,
    /// Already stored before (a repeated source and external_id): unchanged.
    pub existing: usize,
}

/// Stores mentions from outside the community (staff, or a staff member's token). 201 when anything new was
/// stored, 200 when all were stored before (unchanged). One bad item stores nothing; its errors are named
/// `items[N].field`. The body may be up to 1 MiB.
#[utoipa::path(post, path = "/api/v1/mentions", tag = "talking_point", request_body = MentionsRequest,
    responses(
        (status = 201, description = "A new mention (one sent) or a batch with something new", body = MentionResponse),
        (status = 200, description = "Stored before, unchanged (or a batch of only such)", body = MentionBatchResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub async fn ingest(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<MentionsRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let (inputs, batch): (Vec<mentions::MentionInput>, bool) = match &*body {
        MentionsRequest::Batch(b) => (b.items.iter().map(Into::into).collect(), true),
        MentionsRequest::One(m) => (vec![m.into()], false),
    };
    let done = mentions::ingest(&hearth, actor, &inputs, batch).await?;
    let mut response = if done.created > 0 {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    if batch {
        Ok(response.json(MentionBatchResponse {
            created: done.created,
            existing: done.existing,
            items: done.items.into_iter().map(Into::into).collect(),
        }))
    } else {
        let one = done
            .items
            .into_iter()
            .next()
            .ok_or(domain::DomainError::NotFound("mention"))?;
        Ok(response.json(MentionResponse::from(one)))
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct MentionQuery {
    pub source: Option<String>,
    /// positive, neutral or negative
    pub sentiment: Option<String>,
    /// A theme key: only mentions that count toward it.
    pub theme: Option<String>,
    /// published, pending or hidden
    pub status: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentionListResponse {
    pub items: Vec<MentionResponse>,
    pub next: Option<String>,
}

/// Mentions, newest first, 50 a page (staff).
#[utoipa::path(get, path = "/api/v1/mentions", tag = "talking_point", params(MentionQuery),
    responses((status = 200, body = MentionListResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<MentionQuery>,
) -> ApiResult<HttpResponse> {
    let q = mentions::MentionQuery {
        source: query.source.clone(),
        sentiment: query.sentiment.clone(),
        theme: query.theme.clone(),
        status: query.status.clone(),
        after: domain::cursor::parse(query.after.as_deref())?,
    };
    let page = mentions::list(&hearth, caller.actor()?, &q).await?;
    Ok(HttpResponse::Ok().json(MentionListResponse {
        items: page.items.into_iter().map(Into::into).collect(),
        next: page.next.map(domain::cursor::encode),
    }))
}

/// Hides a mention: it leaves Talking Point (staff; audited).
#[utoipa::path(post, path = "/api/v1/mentions/{id}/hide", tag = "talking_point",
    params(("id" = i64, Path, description = "The mention's id")),
    responses((status = 200, body = MentionResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn hide_mention(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let m = mentions::set_status(&hearth, caller.actor()?, path.into_inner(), false).await?;
    Ok(HttpResponse::Ok().json(MentionResponse::from(m)))
}

/// Publishes a held or hidden mention (staff; audited).
#[utoipa::path(post, path = "/api/v1/mentions/{id}/publish", tag = "talking_point",
    params(("id" = i64, Path, description = "The mention's id")),
    responses((status = 200, body = MentionResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn publish_mention(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let m = mentions::set_status(&hearth, caller.actor()?, path.into_inner(), true).await?;
    Ok(HttpResponse::Ok().json(MentionResponse::from(m)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PinRequest {
    /// The public note shown with the theme, 3–280 characters.
    #[schema(min_length = 3, max_length = 280)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeSettingResponse {
    pub key: String,
    pub pinned_note: Option<String>,
    pub hidden: bool,
}

impl From<staff::ThemeSetting> for ThemeSettingResponse {
    fn from(s: staff::ThemeSetting) -> Self {
        ThemeSettingResponse {
            key: s.term,
            pinned_note: s.pinned_note,
            hidden: s.hidden,
        }
    }
}

async fn theme_action(
    hearth: &Hearth,
    caller: &Caller,
    key: &str,
    action: staff::ThemeAction,
) -> ApiResult<HttpResponse> {
    let setting = staff::set_theme(hearth, caller.actor()?, key, action).await?;
    Ok(HttpResponse::Ok().json(ThemeSettingResponse::from(setting)))
}

/// Pins a theme with a public note: it shows first, with the note (staff; audited).
#[utoipa::path(post, path = "/api/v1/talking-point/themes/{key}/pin", tag = "talking_point",
    params(("key" = String, Path, description = "A word, two words or product:<slug>")), request_body = PinRequest,
    responses((status = 200, body = ThemeSettingResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn pin(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<PinRequest>,
) -> ApiResult<HttpResponse> {
    theme_action(
        &hearth,
        &caller,
        &path,
        staff::ThemeAction::Pin(body.note.clone()),
    )
    .await
}

/// Unpins a theme (staff; audited).
#[utoipa::path(delete, path = "/api/v1/talking-point/themes/{key}/pin", tag = "talking_point",
    params(("key" = String, Path, description = "A word, two words or product:<slug>")),
    responses((status = 200, body = ThemeSettingResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn unpin(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    theme_action(&hearth, &caller, &path, staff::ThemeAction::Unpin).await
}

/// Hides a theme from Talking Point (staff; audited).
#[utoipa::path(post, path = "/api/v1/talking-point/themes/{key}/hide", tag = "talking_point",
    params(("key" = String, Path, description = "A word, two words or product:<slug>")),
    responses((status = 200, body = ThemeSettingResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn hide(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    theme_action(&hearth, &caller, &path, staff::ThemeAction::Hide).await
}

/// Shows a hidden theme again (staff; audited).
#[utoipa::path(delete, path = "/api/v1/talking-point/themes/{key}/hide", tag = "talking_point",
    params(("key" = String, Path, description = "A word, two words or product:<slug>")),
    responses((status = 200, body = ThemeSettingResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn unhide(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    theme_action(&hearth, &caller, &path, staff::ThemeAction::Unhide).await
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct IgnoredTerms {
    /// Words or two-word phrases that never make a theme (at most 1000).
    #[schema(max_items = 1000)]
    pub terms: Vec<String>,
}

/// The ignored terms (staff).
#[utoipa::path(get, path = "/api/v1/talking-point/ignored-terms", tag = "talking_point",
    responses((status = 200, body = IgnoredTerms), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_ignored(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let terms = staff::ignored_terms(&hearth, caller.actor()?).await?;
    Ok(HttpResponse::Ok().json(IgnoredTerms { terms }))
}

/// Replaces the ignored terms (staff; audited).
#[utoipa::path(put, path = "/api/v1/talking-point/ignored-terms", tag = "talking_point", request_body = IgnoredTerms,
    responses((status = 200, body = IgnoredTerms), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn put_ignored(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<IgnoredTerms>,
) -> ApiResult<HttpResponse> {
    let terms = staff::set_ignored_terms(&hearth, caller.actor()?, &body.terms).await?;
    Ok(HttpResponse::Ok().json(IgnoredTerms { terms }))
}
