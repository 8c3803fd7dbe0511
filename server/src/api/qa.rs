//! Q&A over the API: products, what members own, questions, similar questions, answers, votes, acceptance,
//! comments — and the member's in-app notifications.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::forums::Viewer;
use domain::forums::views;
use domain::ids::{PostId, TopicId};
use domain::{DomainError, Hearth, notifications, qa};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::forums::{AuthorRef, CategoryResponse, PostResponse, post_view};
use super::{ApiResult, Caller};

fn viewer(caller: &Caller) -> Viewer {
    Viewer::of(caller.0.actor.as_ref())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductResponse {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub versions: Vec<String>,
}

impl From<&qa::Product> for ProductResponse {
    fn from(p: &qa::Product) -> Self {
        ProductResponse {
            id: p.id.0,
            slug: p.slug.clone(),
            name: p.name.clone(),
            parent_id: p.parent_id.map(|p| p.0),
            versions: p.version_list(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductResponse>,
    pub next: Option<String>,
}

/// The product catalogue.
#[utoipa::path(get, path = "/api/v1/products", tag = "qa", responses((status = 200, body = ProductList)))]
pub async fn list_products(hearth: web::Data<Hearth>) -> ApiResult<HttpResponse> {
    let items = qa::list_products(&hearth).await?;
    Ok(HttpResponse::Ok().json(ProductList {
        items: items.iter().map(ProductResponse::from).collect(),
        next: None,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProductRequest {
    pub name: String,
    pub slug: String,
    /// The product line it belongs to.
    pub parent_id: Option<i64>,
    pub versions: Vec<String>,
}

/// Adds a product to the catalogue (admins and staff).
#[utoipa::path(post, path = "/api/v1/products", tag = "qa", request_body = ProductRequest,
    responses((status = 201, body = ProductResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_product(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<ProductRequest>,
) -> ApiResult<HttpResponse> {
    let input = qa::NewProductInput {
        name: body.name.clone(),
        slug: body.slug.clone(),
        parent_id: body.parent_id,
        versions: body.versions.clone(),
    };
    let created = qa::create_product(&hearth, caller.actor()?, &input).await?;
    Ok(HttpResponse::Created().json(ProductResponse::from(&created)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnedResponse {
    pub product: ProductResponse,
    pub since: Option<NaiveDate>,
    pub ask_me: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnedList {
    pub items: Vec<OwnedResponse>,
    /// Whether the member may be invited to answer questions about these products.
    pub ask_me: bool,
}

fn owned_list(owned: Vec<qa::Owned>) -> OwnedList {
    OwnedList {
        ask_me: owned.iter().any(|o| o.ask_me),
        items: owned
            .iter()
            .map(|o| OwnedResponse {
                product: ProductResponse::from(&o.product),
                since: o.since,
                ask_me: o.ask_me,
            })
            .collect(),
    }
}

/// What the caller owns.
#[utoipa::path(get, path = "/api/v1/me/products", tag = "qa",
    responses((status = 200, body = OwnedList), (status = 401, body = ErrorBody)))]
pub async fn my_products(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let owned = qa::owned_by(&hearth, caller.actor()?.id).await?;
    Ok(HttpResponse::Ok().json(owned_list(owned)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OwnedRequest {
    pub product_ids: Vec<i64>,
    /// Optional since-when per product id (`{"12": "2024-05-01"}`).
    #[schema(value_type = Object)]
    pub since: std::collections::BTreeMap<String, NaiveDate>,
    /// May be invited to answer questions about these products.
    pub ask_me: bool,
}

/// Replaces what the caller owns ("I own …") and whether they may be asked about it.
#[utoipa::path(put, path = "/api/v1/me/products", tag = "qa", request_body = OwnedRequest,
    responses((status = 200, body = OwnedList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn set_my_products(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<OwnedRequest>,
) -> ApiResult<HttpResponse> {
    let owned: Vec<(i64, Option<NaiveDate>)> = body
        .product_ids
        .iter()
        .map(|id| (*id, body.since.get(&id.to_string()).copied()))
        .collect();
    let result = qa::set_owned(&hearth, caller.actor()?, &owned, body.ask_me).await?;
    Ok(HttpResponse::Ok().json(owned_list(result)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductRefResponse {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

fn product_refs(items: Vec<qa::ProductRef>) -> Vec<ProductRefResponse> {
    items
        .into_iter()
        .map(|p| ProductRefResponse {
            id: p.id,
            slug: p.slug,
            name: p.name,
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionSummaryResponse {
    pub id: i64,
    pub title: String,
    /// open, answered or accepted
    pub state: String,
    pub answer_count: i32,
    pub view_count: i64,
    pub asked_at: DateTime<Utc>,
    /// When the first answer came (null: unanswered).
    pub first_answer_at: Option<DateTime<Utc>>,
    /// Seconds from asking to the first answer (null: unanswered).
    pub time_to_first_answer_seconds: Option<i64>,
    pub last_activity_at: DateTime<Utc>,
    pub author: String,
    pub category: String,
    pub products: Vec<ProductRefResponse>,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionListResponse {
    pub items: Vec<QuestionSummaryResponse>,
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct QuestionQuery {
    /// all (default), unanswered (longest waiting first), answered, accepted
    pub filter: Option<String>,
    /// A product's id or slug.
    pub product: Option<String>,
    /// Only the caller's own questions.
    pub mine: Option<bool>,
    pub after: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<i64>,
}

/// Questions the caller may see, newest first (unanswered: longest waiting first).
#[utoipa::path(get, path = "/api/v1/questions", tag = "qa", params(QuestionQuery),
    responses((status = 200, body = QuestionListResponse), (status = 400, body = ErrorBody)))]
pub async fn list_questions(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<QuestionQuery>,
) -> ApiResult<HttpResponse> {
    let q = qa::ListQuery {
        filter: qa::QuestionFilter::parse(query.filter.as_deref())?,
        product: query.product.clone(),
        mine: query.mine.unwrap_or(false),
        after: views::parse_cursor(query.after.as_deref())?,
        limit: query.limit.unwrap_or(30),
    };
    let list = qa::list_questions(&hearth, &viewer(&caller), &q).await?;
    Ok(HttpResponse::Ok().json(QuestionListResponse {
        items: list
            .items
            .into_iter()
            .map(|s| QuestionSummaryResponse {
                products: product_refs(s.products()),
                time_to_first_answer_seconds: s.seconds_to_first_answer(),
                first_answer_at: s.first_answer_at,
                url: format!("/q/{}", s.id),
                id: s.id,
                title: s.title,
                state: s.state,
                answer_count: s.answer_count,
                view_count: s.view_count,
                asked_at: s.asked_at,
                last_activity_at: s.last_posted_at,
                author: s.author_username,
                category: s.category_slug,
            })
            .collect(),
        next: list.next,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct SimilarQuery {
    /// The title being typed.
    pub title: String,
    /// 1–20, default 5.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarResponse {
    pub id: i64,
    /// question or discussion
    pub kind: String,
    pub title: String,
    /// For questions: open, answered or accepted.
    pub state: Option<String>,
    pub reply_count: i32,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarList {
    pub items: Vec<SimilarResponse>,
}

/// Questions and topics resembling a title (trigram similarity and full text), best first.
#[utoipa::path(get, path = "/api/v1/questions/similar", tag = "qa", params(SimilarQuery),
    responses((status = 200, body = SimilarList), (status = 400, body = ErrorBody)))]
pub async fn similar(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<SimilarQuery>,
) -> ApiResult<HttpResponse> {
    domain::ratelimit::expensive_read(
        &hearth,
        "similar",
        caller.0.actor.as_ref().map(|a| a.id),
        &caller.0.client.ip,
    )
    .await?;
    let found = qa::similar(&hearth, &viewer(&caller), &query.title, query.limit.unwrap_or(5)).await?;
    Ok(HttpResponse::Ok().json(SimilarList {
        items: found
            .into_iter()
            .map(|s| SimilarResponse {
                url: s.url(),
                id: s.id,
                kind: s.kind,
                title: s.title,
                state: s.state,
                reply_count: s.reply_count,
            })
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AskRequest {
    pub title: String,
    pub body: String,
    /// Product ids, one to five.
    pub products: Vec<i64>,
    /// Default: the `questions` category.
    pub category_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: i64,
    pub author: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerResponse {
    /// The answer's post (its `id`, author, body, status …).
    #[serde(flatten)]
    pub post: PostResponse,
    /// Sum of the votes.
    pub score: i32,
    /// The caller's vote: 1, -1 or null.
    pub my_vote: Option<i16>,
    pub accepted: bool,
    /// Written by the brand's staff.
    pub official: bool,
    /// Written by an owner of one of the question's products.
    pub owner: bool,
    pub comments: Vec<CommentResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResponse {
    pub id: i64,
    pub title: String,
    /// open, answered or accepted
    pub state: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_reason: Option<String>,
    pub category: CategoryResponse,
    pub author: AuthorRef,
    pub products: Vec<ProductRefResponse>,
    pub body_html: String,
    pub locked: bool,
    pub view_count: i64,
    pub answer_count: i32,
    pub accepted_answer_id: Option<i64>,
    pub asked_at: DateTime<Utc>,
    pub first_answer_at: Option<DateTime<Utc>>,
    /// Seconds from asking to the first answer (null: unanswered).
    pub time_to_first_answer_seconds: Option<i64>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// Accepted first, then by score, then oldest.
    pub answers: Vec<AnswerResponse>,
    /// Whether the caller may accept an answer.
    pub can_accept: bool,
    pub url: String,
}

fn question_response(page: qa::QuestionPage) -> QuestionResponse {
    let id = page.topic.id;
    QuestionResponse {
        time_to_first_answer_seconds: page.question.seconds_to_first_answer(),
        url: format!("/q/{id}"),
        id,
        title: page.topic.title,
        state: page.question.state,
        status: page.topic.status,
        held_reason: page.topic.held_reason,
        category: CategoryResponse::from(&page.category),
        author: AuthorRef {
            username: page.topic.author_username,
            display_name: None,
        },
        products: product_refs(page.products),
        body_html: page.body.body_html,
        locked: page.topic.locked,
        view_count: page.topic.view_count,
        answer_count: page.question.answer_count,
        accepted_answer_id: page.question.accepted_post_id.map(|p| p.0),
        asked_at: page.question.asked_at,
        first_answer_at: page.question.first_answer_at,
        accepted_at: page.question.accepted_at,
        can_accept: page.can_accept,
        answers: page
            .answers
            .into_iter()
            .map(|a| {
                let mut post = post_view(a.post);
                post.url = format!("/q/{id}#answer-{}", post.id);
                AnswerResponse {
                    post,
                    score: a.score,
                    my_vote: a.my_vote,
                    accepted: a.accepted,
                    official: a.official,
                    owner: a.owner,
                    comments: a
                        .comments
                        .into_iter()
                        .map(|c| CommentResponse {
                            id: c.id,
                            author: c.author_username,
                            body_html: c.body_html,
                            created_at: c.created_at,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// Asks a question ("Anybody experience with …?"). Owners of its products who opted in are invited.
#[utoipa::path(post, path = "/api/v1/questions", tag = "qa", request_body = AskRequest,
    responses((status = 201, body = QuestionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn ask(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<AskRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let input = qa::AskInput {
        title: body.title.clone(),
        body: body.body.clone(),
        products: body.products.clone(),
        category_id: body.category_id,
    };
    let id = qa::ask(&hearth, actor, &input).await?;
    let page = qa::question_page(&hearth, &Viewer::of(Some(actor)), id).await?;
    Ok(HttpResponse::Created().json(question_response(page)))
}

/// A question with its answers.
#[utoipa::path(get, path = "/api/v1/questions/{id}", tag = "qa", params(("id" = i64, Path)),
    responses((status = 200, body = QuestionResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_question(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let page = qa::question_page(&hearth, &viewer(&caller), TopicId(*id)).await?;
    if let Err(e) = domain::forums::view_counts::record_view(&hearth, TopicId(*id)).await {
        tracing::warn!(error = %e, "view not counted");
    }
    Ok(HttpResponse::Ok().json(question_response(page)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AnswerRequest {
    pub body: String,
}

/// Answers a question.
#[utoipa::path(post, path = "/api/v1/questions/{id}/answers", tag = "qa", params(("id" = i64, Path)),
    request_body = AnswerRequest,
    responses((status = 201, body = PostResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn answer(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let post = qa::answer(&hearth, actor, TopicId(*id), &body.body).await?;
    let author = super::forums::PostAuthor::of_actor(&hearth, actor).await?;
    let mut response = super::forums::post_row(post, author);
    response.url = format!("/q/{}#answer-{}", *id, response.id);
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VoteRequest {
    /// 1 (up), -1 (down) or 0 (take the vote back).
    pub value: i16,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VoteResponse {
    pub score: i32,
    pub my_vote: Option<i16>,
}

/// Votes on an answer (one vote per member, changeable; not on your own).
#[utoipa::path(post, path = "/api/v1/answers/{id}/vote", tag = "qa", params(("id" = i64, Path)),
    request_body = VoteRequest,
    responses((status = 200, body = VoteResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn vote(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<VoteRequest>,
) -> ApiResult<HttpResponse> {
    let score = qa::vote(&hearth, caller.actor()?, PostId(*id), body.value).await?;
    Ok(HttpResponse::Ok().json(VoteResponse {
        score,
        my_vote: (body.value != 0).then_some(body.value),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptResponse {
    pub accepted_answer_id: i64,
}

/// Accepts an answer (the asker or staff); accepting another answer moves the mark.
#[utoipa::path(post, path = "/api/v1/answers/{id}/accept", tag = "qa", params(("id" = i64, Path)),
    responses((status = 200, body = AcceptResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn accept(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    qa::accept(&hearth, caller.actor()?, PostId(*id)).await?;
    Ok(HttpResponse::Ok().json(AcceptResponse {
        accepted_answer_id: *id,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedId {
    pub id: i64,
}

/// Comments on an answer.
#[utoipa::path(post, path = "/api/v1/answers/{id}/comments", tag = "qa", params(("id" = i64, Path)),
    request_body = AnswerRequest,
    responses((status = 201, body = CreatedId), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comment(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    let id = qa::comment(&hearth, caller.actor()?, PostId(*id), &body.body).await?;
    Ok(HttpResponse::Created().json(CreatedId { id }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationResponse>,
    pub unread: i64,
    pub next: Option<String>,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(super::forums::PageQuery),
    responses((status = 200, body = NotificationList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn notifications(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<super::forums::PageQuery>,
) -> ApiResult<HttpResponse> {
    let before = match query.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .map_err(|_| DomainError::invalid("after", "is not a valid cursor"))?,
        ),
    };
    let page = notifications::list(&hearth, caller.actor()?, before, query.limit.unwrap_or(30)).await?;
    Ok(HttpResponse::Ok().json(NotificationList {
        items: page
            .items
            .into_iter()
            .map(|n| NotificationResponse {
                id: n.id,
                kind: n.kind,
                title: n.title,
                url: n.url,
                read: n.read_at.is_some(),
                created_at: n.created_at,
            })
            .collect(),
        unread: page.unread,
        next: page.next.map(|n| n.to_string()),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReadRequest {
    /// The notifications to mark read; empty or absent: all of them.
    pub ids: Option<Vec<i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadResponse {
    pub marked: usize,
}

/// Marks notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = ReadRequest,
    responses((status = 200, body = ReadResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn mark_read(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<ReadRequest>,
) -> ApiResult<HttpResponse> {
    let ids = body.ids.as_deref().filter(|ids| !ids.is_empty());
    let marked = notifications::mark_read(&hearth, caller.actor()?, ids).await?;
    Ok(HttpResponse::Ok().json(ReadResponse { marked }))
}
