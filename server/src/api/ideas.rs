//! Ideas over the API: the board, submitting, an idea with its history, votes, following, comments, the
//! product team's status changes, merges and CSV export, the shipped survey and "you asked, we built".

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Hearth;
use domain::forums::Viewer;
use domain::forums::views;
use domain::ideas;
use domain::ids::TopicId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::forums::{AuthorRef, CategoryResponse, PostResponse, post_view};
use super::{ApiResult, Caller};

#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaProduct {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaSummaryResponse {
    pub id: i64,
    pub title: String,
    /// new, under_review, planned, in_progress, shipped or declined
    pub status: String,
    /// Members who voted (the number of vote rows).
    pub votes: i32,
    /// With `tier=`: the votes of that tier's members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_votes: Option<i64>,
    /// Votes of the last 30 days, each weighing half as much per week of age.
    pub trending: f64,
    pub comment_count: i32,
    pub author: String,
    pub product: Option<IdeaProduct>,
    /// Whether the caller voted for it.
    pub voted: bool,
    pub created_at: DateTime<Utc>,
    pub status_changed_at: DateTime<Utc>,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaListResponse {
    pub items: Vec<IdeaSummaryResponse>,
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct BoardParams {
    /// trending (default), votes or recent
    pub sort: Option<String>,
    /// all (default: all but merged), open, new, under_review, planned, in_progress, shipped, declined
    pub status: Option<String>,
    /// A product's id or slug.
    pub product: Option<String>,
    /// A club tier slug (product team only): ideas voted by that tier's members, with their votes.
    pub tier: Option<String>,
    pub after: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<i64>,
}

impl BoardParams {
    fn query(&self) -> ApiResult<ideas::BoardQuery> {
        Ok(ideas::BoardQuery {
            sort: ideas::IdeaSort::parse(self.sort.as_deref())?,
            status: ideas::StatusFilter::parse(self.status.as_deref())?,
            product: self.product.clone(),
            tier: self.tier.clone(),
            after: self.after.clone(),
            limit: self.limit.unwrap_or(30),
        })
    }
}

fn summary(i: ideas::IdeaSummary) -> IdeaSummaryResponse {
    IdeaSummaryResponse {
        url: format!("/ideas/{}", i.id),
        id: i.id,
        title: i.title,
        status: i.status,
        votes: i.votes,
        tier_votes: i.tier_votes,
        trending: i.trending,
        comment_count: i.comment_count,
        author: i.author_username,
        product: i
            .product_slug
            .zip(i.product_name)
            .map(|(slug, name)| IdeaProduct { slug, name }),
        voted: i.my_vote,
        created_at: i.created_at,
        status_changed_at: i.status_changed_at,
    }
}

/// The ideas board: sorted by trending, votes or recency, filtered by status, product and (product team) the
/// voters' club tier.
#[utoipa::path(get, path = "/api/v1/ideas", tag = "ideas", params(BoardParams),
    responses((status = 200, body = IdeaListResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    hearth: web::Data<Hearth>,
    caller: Caller,
    params: web::Query<BoardParams>,
) -> ApiResult<HttpResponse> {
    let list = ideas::list_ideas(&hearth, caller.0.actor.as_ref(), &params.query()?).await?;
    Ok(HttpResponse::Ok().json(IdeaListResponse {
        items: list.items.into_iter().map(summary).collect(),
        next: list.next,
    }))
}

/// The current view of the board as CSV (RFC 4180, UTF-8; cells that look like formulas are neutralised).
/// Product team and admins.
#[utoipa::path(get, path = "/api/v1/ideas/export.csv", tag = "ideas", params(BoardParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export(
    hearth: web::Data<Hearth>,
    caller: Caller,
    params: web::Query<BoardParams>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let csv = ideas::export_csv(&hearth, actor, &params.query()?).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"ideas-{}.csv\"",
                Utc::now().format("%Y-%m-%d")
            ),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(csv))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IdeaRequest {
    pub title: String,
    /// Markdown.
    pub body: String,
    pub product_id: Option<i64>,
    /// Default: the `ideas` category.
    pub category_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeResponse {
    pub id: i64,
    pub from: String,
    pub to: String,
    /// For a merge: the idea it was merged into.
    pub merged_into_id: Option<i64>,
    /// The product team's public note (sanitised HTML) and its Markdown.
    pub note_html: String,
    pub note: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierCountResponse {
    /// A tier slug, `club` (member without a tier) or `none` (not in the club).
    pub tier: String,
    pub name: String,
    pub voters: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyResponse {
    pub asked: i64,
    pub yes: i64,
    pub partly: i64,
    pub no: i64,
    pub pending: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergedRef {
    pub id: i64,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaResponse {
    pub id: i64,
    pub title: String,
    /// new, under_review, planned, in_progress, shipped, declined or merged
    pub status: String,
    /// The topic's moderation status (published, pending …).
    pub topic_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_reason: Option<String>,
    pub votes: i32,
    pub trending: f64,
    pub category: CategoryResponse,
    pub author: AuthorRef,
    pub product: Option<IdeaProduct>,
    pub body_html: String,
    /// Oldest first; every change with its public note.
    pub status_history: Vec<StatusChangeResponse>,
    pub comments: Vec<PostResponse>,
    pub merged_into: Option<MergedRef>,
    pub merged_here: Vec<MergedRef>,
    pub voted: bool,
    pub following: bool,
    /// The caller's survey: `asked` when they voted for it before it shipped, with their answer.
    pub survey_asked: bool,
    pub survey_answer: Option<String>,
    /// Product team: voters by club tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voters_by_tier: Option<Vec<TierCountResponse>>,
    /// Product team: "did this solve your problem?" answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyResponse>,
    pub created_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub url: String,
}

fn idea_response(page: ideas::IdeaPage) -> IdeaResponse {
    let id = page.topic.id;
    let team = page.team;
    IdeaResponse {
        url: format!("/ideas/{id}"),
        id,
        title: page.topic.title,
        status: page.idea.status.clone(),
        topic_status: page.topic.status,
        held_reason: page.topic.held_reason,
        votes: page.idea.vote_count,
        trending: page.idea.trending,
        category: CategoryResponse::from(&page.category),
        author: AuthorRef {
            username: page.topic.author_username,
            display_name: None,
        },
        product: page
            .idea
            .product_slug
            .clone()
            .zip(page.idea.product_name.clone())
            .map(|(slug, name)| IdeaProduct { slug, name }),
        body_html: page.body.body_html,
        status_history: page
            .history
            .into_iter()
            .map(|h| StatusChangeResponse {
                id: h.id,
                from: h.from_status,
                to: h.to_status,
                merged_into_id: h.merged_into_id,
                note_html: h.note_html,
                note: h.note_md,
                by: h.actor_username,
                at: h.created_at,
            })
            .collect(),
        comments: page
            .comments
            .into_iter()
            .map(|c| {
                let mut post = post_view(c);
                post.url = format!("/ideas/{id}#post-{}", post.post_number);
                post
            })
            .collect(),
        merged_into: page.idea.merged_into_id.map(|target| MergedRef {
            id: target,
            title: page.idea.merged_into_title.clone().unwrap_or_default(),
            url: format!("/ideas/{target}"),
        }),
        merged_here: page
            .merged_here
            .into_iter()
            .map(|m| MergedRef {
                url: format!("/ideas/{}", m.id),
                id: m.id,
                title: m.title,
            })
            .collect(),
        voted: page.idea.my_vote,
        following: page.idea.following,
        survey_asked: page.idea.survey_asked,
        survey_answer: page.idea.survey_answer,
        voters_by_tier: team.as_ref().map(|t| {
            t.voters_by_tier
                .iter()
                .map(|c| TierCountResponse {
                    tier: c.tier.clone(),
                    name: c.name.clone(),
                    voters: c.voters,
                })
                .collect()
        }),
        survey: team.map(|t| SurveyResponse {
            asked: t.survey.asked,
            yes: t.survey.yes,
            partly: t.survey.partly,
            no: t.survey.no,
            pending: t.survey.pending(),
        }),
        created_at: page.topic.created_at,
        shipped_at: page.idea.shipped_at,
    }
}

/// Submits an idea (the author follows it).
#[utoipa::path(post, path = "/api/v1/ideas", tag = "ideas", request_body = IdeaRequest,
    responses((status = 201, body = IdeaResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn submit(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<IdeaRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let input = ideas::NewIdeaInput {
        title: body.title.clone(),
        body: body.body.clone(),
        product_id: body.product_id,
        category_id: body.category_id,
    };
    let id = ideas::submit(&hearth, actor, &input).await?;
    let page = ideas::idea_page(&hearth, Some(actor), id).await?;
    Ok(HttpResponse::Created().json(idea_response(page)))
}

/// An idea with its status history, votes and comments.
#[utoipa::path(get, path = "/api/v1/ideas/{id}", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = IdeaResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(hearth: web::Data<Hearth>, caller: Caller, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let page = ideas::idea_page(&hearth, caller.0.actor.as_ref(), TopicId(*id)).await?;
    if let Err(e) = domain::forums::view_counts::record_view(&hearth, TopicId(*id)).await {
        tracing::warn!(error = %e, "view not counted");
    }
    Ok(HttpResponse::Ok().json(idea_response(page)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VoteResponse {
    pub voted: bool,
    pub votes: i32,
}

/// Votes for an idea (`PUT`) or takes the vote back (`DELETE`); repeating either changes nothing.
#[utoipa::path(method(put, delete), path = "/api/v1/ideas/{id}/vote", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = VoteResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn vote(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let on = req.method() != actix_web::http::Method::DELETE;
    let state = ideas::vote(&hearth, caller.actor()?, TopicId(*id), on).await?;
    Ok(HttpResponse::Ok().json(VoteResponse {
        voted: state.voted,
        votes: state.votes,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowResponse {
    pub following: bool,
}

/// Follows an idea without voting (`PUT`) or stops following it (`DELETE`).
#[utoipa::path(method(put, delete), path = "/api/v1/ideas/{id}/follow", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = FollowResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn follow(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let on = req.method() != actix_web::http::Method::DELETE;
    let following = ideas::follow(&hearth, caller.actor()?, TopicId(*id), on).await?;
    Ok(HttpResponse::Ok().json(FollowResponse { following }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CommentRequest {
    /// Markdown.
    pub body: String,
}

/// Comments on an idea.
#[utoipa::path(post, path = "/api/v1/ideas/{id}/comments", tag = "ideas", params(("id" = i64, Path)),
    request_body = CommentRequest,
    responses((status = 201, body = PostResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn comment(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<CommentRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let post = ideas::comment(&hearth, actor, TopicId(*id), &body.body).await?;
    let author = super::forums::PostAuthor::of_actor(&hearth, actor).await?;
    let mut response = super::forums::post_row(post, author);
    response.url = format!("/ideas/{}#post-{}", *id, response.post_number);
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StatusRequest {
    /// new, under_review, planned, in_progress, shipped or declined
    pub status: String,
    /// The public note every voter reads with the change (Markdown, required).
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    pub status: String,
    /// `false` when the idea already had that status (a repeated request changes nothing).
    pub changed: bool,
    /// Voters and followers notified.
    pub notified: usize,
}

/// Moves an idea to another status with a public note (product team and admins). Voters and followers are
/// notified once; voters of a shipped idea are asked whether it solved their problem.
#[utoipa::path(post, path = "/api/v1/ideas/{id}/status", tag = "ideas", params(("id" = i64, Path)),
    request_body = StatusRequest,
    responses((status = 200, body = StatusResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_status(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<StatusRequest>,
) -> ApiResult<HttpResponse> {
    let outcome =
        ideas::change_status(&hearth, caller.actor()?, TopicId(*id), &body.status, &body.note).await?;
    Ok(HttpResponse::Ok().json(StatusResponse {
        status: outcome.status.as_str().to_owned(),
        changed: outcome.changed,
        notified: outcome.notified,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MergeRequest {
    /// The idea this one duplicates.
    pub into_id: i64,
    /// Optional public note (default: "Merged into …").
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeResponse {
    pub changed: bool,
    pub moved_votes: usize,
    pub target_votes: i32,
    pub notified: usize,
}

/// Merges a duplicate into another idea (product team and admins): voters and followers move (a member who
/// voted for both counts once), the duplicate closes, its comments stay readable.
#[utoipa::path(post, path = "/api/v1/ideas/{id}/merge", tag = "ideas", params(("id" = i64, Path)),
    request_body = MergeRequest,
    responses((status = 200, body = MergeResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn merge(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<MergeRequest>,
) -> ApiResult<HttpResponse> {
    let outcome = ideas::merge(
        &hearth,
        caller.actor()?,
        TopicId(*id),
        TopicId(body.into_id),
        body.note.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(MergeResponse {
        changed: outcome.changed,
        moved_votes: outcome.moved_votes,
        target_votes: outcome.target_votes,
        notified: outcome.notified,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SurveyRequest {
    /// yes, partly or no
    pub answer: String,
}

/// Answers "Did this solve your problem?" for a shipped idea (its voters, once asked; answering again
/// replaces the answer).
#[utoipa::path(post, path = "/api/v1/ideas/{id}/survey", tag = "ideas", params(("id" = i64, Path)),
    request_body = SurveyRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn survey(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<SurveyRequest>,
) -> ApiResult<HttpResponse> {
    ideas::answer_survey(&hearth, caller.actor()?, TopicId(*id), &body.answer).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShippedResponse {
    pub id: i64,
    pub title: String,
    pub shipped_at: DateTime<Utc>,
    pub voters: i32,
    pub note_html: String,
    pub product: Option<String>,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShippedList {
    pub items: Vec<ShippedResponse>,
    pub next: Option<String>,
}

/// "You asked, we built": shipped ideas, newest first, with the note and the number of voters.
#[utoipa::path(get, path = "/api/v1/ideas/shipped", tag = "ideas", params(super::forums::PageQuery),
    responses((status = 200, body = ShippedList), (status = 400, body = ErrorBody)))]
pub async fn shipped(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<super::forums::PageQuery>,
) -> ApiResult<HttpResponse> {
    let after = views::parse_cursor(query.after.as_deref())?;
    let viewer = Viewer::of(caller.0.actor.as_ref());
    let (items, next) = ideas::shipped(&hearth, &viewer, after, query.limit.unwrap_or(30)).await?;
    Ok(HttpResponse::Ok().json(ShippedList {
        items: items
            .into_iter()
            .map(|s| ShippedResponse {
                url: format!("/ideas/{}", s.id),
                id: s.id,
                title: s.title,
                shipped_at: s.shipped_at,
                voters: s.voters,
                note_html: s.note_html,
                product: s.product_name,
            })
            .collect(),
        next,
    }))
}
