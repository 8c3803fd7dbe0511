//! Forums over the API: categories, topics, posts, the team's topic tools, watching and search.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::forums::views::{self, PostView, TopicScope, TopicSummary};
use domain::forums::{self, Category, PostRow, TopicAction, TopicRow, Viewer};
use domain::ids::{CategoryId, PostId, TopicId};
use domain::{DomainError, Hearth};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller};

fn viewer(caller: &Caller) -> Viewer {
    Viewer::of(caller.0.actor.as_ref())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryResponse {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub color: String,
    /// public, club or staff
    pub visibility: String,
    /// everyone or staff
    pub posting: String,
    pub topic_count: i32,
    pub post_count: i32,
    pub last_posted_at: Option<DateTime<Utc>>,
    /// For club-only categories: the lowest club tier (slug) that may enter.
    pub min_tier: Option<String>,
    pub min_tier_name: Option<String>,
}

impl From<&Category> for CategoryResponse {
    fn from(c: &Category) -> Self {
        CategoryResponse {
            id: c.id.0,
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            position: c.position,
            color: c.color.clone(),
            visibility: c.visibility.clone(),
            posting: c.posting.clone(),
            topic_count: c.topic_count,
            post_count: c.post_count,
            last_posted_at: c.last_posted_at,
            min_tier: c.min_tier_slug.clone(),
            min_tier_name: c.min_tier_name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryResponse>,
    pub next: Option<String>,
}

/// The categories the caller may see.
#[utoipa::path(get, path = "/api/v1/categories", tag = "forums", responses((status = 200, body = CategoryList)))]
pub async fn list_categories(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let list = forums::list_categories(&hearth, &viewer(&caller)).await?;
    Ok(HttpResponse::Ok().json(CategoryList {
        items: list.iter().map(CategoryResponse::from).collect(),
        next: None,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CategoryRequest {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    /// `#rrggbb`
    pub color: String,
    /// public, club or staff
    pub visibility: String,
    /// everyone or staff
    pub posting: String,
    /// For club-only categories: the lowest club tier (slug) that may enter; empty for every club member.
    pub min_tier: String,
}

impl From<&CategoryRequest> for forums::CategoryInput {
    fn from(r: &CategoryRequest) -> Self {
        forums::CategoryInput {
            slug: r.slug.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            position: r.position,
            color: if r.color.is_empty() {
                "#1f5f8b".into()
            } else {
                r.color.clone()
            },
            visibility: if r.visibility.is_empty() {
                "public".into()
            } else {
                r.visibility.clone()
            },
            posting: if r.posting.is_empty() {
                "everyone".into()
            } else {
                r.posting.clone()
            },
            min_tier: r.min_tier.clone(),
        }
    }
}

/// Creates a category (admins).
#[utoipa::path(post, path = "/api/v1/categories", tag = "forums", request_body = CategoryRequest,
    responses((status = 201, body = CategoryResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_category(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<CategoryRequest>,
) -> ApiResult<HttpResponse> {
    let created = forums::create_category(&hearth, caller.actor()?, &(&*body).into()).await?;
    Ok(HttpResponse::Created().json(CategoryResponse::from(&created)))
}

/// Changes a category (admins).
#[utoipa::path(patch, path = "/api/v1/categories/{id}", tag = "forums", params(("id" = i64, Path)), request_body = CategoryRequest,
    responses((status = 200, body = CategoryResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn update_category(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<CategoryRequest>,
) -> ApiResult<HttpResponse> {
    let updated = forums::update_category(
        &hearth,
        caller.actor()?,
        CategoryId(id.into_inner()),
        &(&*body).into(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(CategoryResponse::from(&updated)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorRef {
    pub username: String,
    pub display_name: Option<String>,
}

/// A post's author with the marks the page shows beside the name.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostAuthor {
    pub username: String,
    pub display_name: Option<String>,
    /// Staff answering for the brand: the page marks the post "Official".
    pub official: bool,
    /// staff, moderator or product (the brand's team only; admins show as staff).
    pub role: Option<String>,
    /// The partner company the author represents.
    pub partner_label: Option<String>,
    pub club_member: bool,
    /// The name of the author's fan-club tier.
    pub club_tier: Option<String>,
    /// The labels the page shows, in its order ("Staff", "Official", "Partner · …", "Fan club · …").
    pub badges: Vec<String>,
}

impl PostAuthor {
    pub(crate) fn new(username: String, display_name: Option<String>, marks: &views::AuthorMarks) -> Self {
        PostAuthor {
            username,
            display_name,
            official: marks.official(),
            role: marks.role().map(|r| r.as_str().to_owned()),
            partner_label: marks.partner_label.clone(),
            club_member: marks.club,
            club_tier: marks.tier.clone(),
            badges: marks.badges(),
        }
    }

    /// The actor, who has just written a post.
    pub(crate) async fn of_actor(hearth: &Hearth, actor: &domain::accounts::Actor) -> ApiResult<Self> {
        let marks = views::author_marks(hearth, actor.id).await?;
        Ok(PostAuthor::new(
            actor.username.clone(),
            actor.display_name.clone(),
            &marks,
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicSummaryResponse {
    pub id: i64,
    pub title: String,
    /// published, pending, hidden or deleted
    pub status: String,
    pub category_id: i64,
    pub category_slug: String,
    pub author: AuthorRef,
    pub reply_count: i32,
    pub view_count: i64,
    pub pinned: bool,
    pub locked: bool,
    pub last_posted_at: DateTime<Utc>,
    pub last_poster: Option<String>,
    pub created_at: DateTime<Utc>,
    /// For a signed-in caller: posts not read yet.
    pub unread: Option<i32>,
    pub url: String,
}

fn summary(t: TopicSummary, signed_in: bool) -> TopicSummaryResponse {
    let unread = signed_in.then(|| t.unread());
    TopicSummaryResponse {
        url: format!("/t/{}", t.id),
        id: t.id,
        title: t.title,
        status: t.status,
        category_id: t.category_id,
        category_slug: t.category_slug,
        author: AuthorRef {
            username: t.author_username,
            display_name: t.author_display_name,
        },
        reply_count: t.reply_count,
        view_count: t.view_count,
        pinned: t.pinned,
        locked: t.locked,
        last_posted_at: t.last_posted_at,
        last_poster: t.last_poster_username,
        created_at: t.created_at,
        unread,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicListResponse {
    /// Pinned topics (first page of a category only).
    pub pinned: Vec<TopicSummaryResponse>,
    pub items: Vec<TopicSummaryResponse>,
    /// Pass as `after` for the next page; null at the end.
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct PageQuery {
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<i64>,
}

async fn topic_list(
    hearth: &Hearth,
    caller: &Caller,
    scope: TopicScope,
    query: &PageQuery,
) -> ApiResult<TopicListResponse> {
    let viewer = viewer(caller);
    let after = views::parse_cursor(query.after.as_deref())?;
    let list = views::list_topics(hearth, &viewer, scope, after, query.limit.unwrap_or(30)).await?;
    let signed_in = viewer.user_id.is_some();
    Ok(TopicListResponse {
        pinned: list.pinned.into_iter().map(|t| summary(t, signed_in)).collect(),
        items: list.items.into_iter().map(|t| summary(t, signed_in)).collect(),
        next: list.next,
    })
}

/// Latest topics across the categories the caller may see.
#[utoipa::path(get, path = "/api/v1/topics", tag = "forums", params(PageQuery),
    responses((status = 200, body = TopicListResponse), (status = 400, body = ErrorBody)))]
pub async fn latest(
    hearth: web::Data<Hearth>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(topic_list(&hearth, &caller, TopicScope::Latest, &query).await?))
}

/// Topics of a category, latest activity first (pinned topics separately on the first page).
#[utoipa::path(get, path = "/api/v1/categories/{slug}/topics", tag = "forums", params(("slug" = String, Path), PageQuery),
    responses((status = 200, body = TopicListResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn category_topics(
    hearth: web::Data<Hearth>,
    caller: Caller,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let category = forums::category_by_slug(&hearth, &viewer(&caller), &slug).await?;
    Ok(HttpResponse::Ok()
        .json(topic_list(&hearth, &caller, TopicScope::Category(category.id), &query).await?))
}

/// Topics a member started, newest first.
#[utoipa::path(get, path = "/api/v1/users/{username}/topics", tag = "forums", params(("username" = String, Path), PageQuery),
    responses((status = 200, body = TopicListResponse), (status = 404, body = ErrorBody)))]
pub async fn member_topics(
    hearth: web::Data<Hearth>,
    caller: Caller,
    username: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let user = domain::accounts::find_by_username(&hearth, &username)
        .await?
        .ok_or(DomainError::NotFound("member"))?;
    Ok(HttpResponse::Ok().json(topic_list(&hearth, &caller, TopicScope::Author(user.id), &query).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostResponse {
    pub id: i64,
    pub topic_id: i64,
    pub post_number: i32,
    pub author: PostAuthor,
    /// Sanitised HTML.
    pub body_html: String,
    /// The Markdown source (in answers to the author's own create and edit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// published, pending, hidden or deleted
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_reason: Option<String>,
    pub quote_post_id: Option<i64>,
    pub edit_count: i32,
    pub edited_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub url: String,
}

pub(crate) fn post_view(p: PostView) -> PostResponse {
    let marks = p.author_marks();
    PostResponse {
        url: format!(
            "/t/{}?page={}#post-{}",
            p.topic_id,
            views::page_of(p.post_number),
            p.post_number
        ),
        id: p.id,
        topic_id: p.topic_id,
        post_number: p.post_number,
        author: PostAuthor::new(p.author_username, p.author_display_name, &marks),
        body_html: p.body_html,
        body: None,
        status: p.status,
        held_reason: p.held_reason,
        quote_post_id: p.quote_post_id,
        edit_count: p.edit_count,
        edited_at: p.edited_at,
        created_at: p.created_at,
    }
}

pub(crate) fn post_row(p: PostRow, author: PostAuthor) -> PostResponse {
    PostResponse {
        url: format!(
            "/t/{}?page={}#post-{}",
            p.topic_id,
            views::page_of(p.post_number),
            p.post_number
        ),
        id: p.id.0,
        topic_id: p.topic_id.0,
        post_number: p.post_number,
        author,
        body_html: p.body_html,
        body: Some(p.body_md),
        status: p.status,
        held_reason: p.held_reason,
        quote_post_id: p.quote_post_id.map(|q| q.0),
        edit_count: p.edit_count,
        edited_at: p.edited_at,
        created_at: p.created_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicResponse {
    pub id: i64,
    pub title: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_reason: Option<String>,
    pub category: CategoryResponse,
    pub author: AuthorRef,
    pub pinned: bool,
    pub locked: bool,
    pub reply_count: i32,
    pub view_count: i64,
    pub created_at: DateTime<Utc>,
    pub last_posted_at: DateTime<Utc>,
    pub watching: bool,
    /// Page 1 of the posts (20 per page).
    pub posts: Vec<PostResponse>,
    pub pages: i32,
    /// Pass as `after` to `GET /topics/{id}/posts` for the posts after page 1.
    pub next: Option<i32>,
    pub url: String,
}

/// A topic with the first page of its posts.
#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "forums", params(("id" = i64, Path)),
    responses((status = 200, body = TopicResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let viewer = viewer(&caller);
    let topic_id = TopicId(id.into_inner());
    let page = views::topic_page(&hearth, &viewer, topic_id, 1).await?;
    if let Err(e) = forums::view_counts::record_view(&hearth, topic_id).await {
        tracing::warn!(error = %e, "view not counted");
    }
    let t = page.topic;
    let next = page
        .posts
        .last()
        .map(|p| p.post_number)
        .filter(|n| *n < t.highest_post_number);
    Ok(HttpResponse::Ok().json(TopicResponse {
        url: format!("/t/{}", t.id),
        id: t.id,
        title: t.title,
        status: t.status,
        held_reason: t.held_reason,
        category: CategoryResponse::from(&page.category),
        author: AuthorRef {
            username: t.author_username,
            display_name: None,
        },
        pinned: t.pinned,
        locked: t.locked,
        reply_count: t.reply_count,
        view_count: t.view_count,
        created_at: t.created_at,
        last_posted_at: t.last_posted_at,
        watching: t.watching,
        posts: page.posts.into_iter().map(post_view).collect(),
        pages: page.pages,
        next,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct PostsQuery {
    /// The post number to continue after (0 or absent: from the start).
    pub after: Option<i32>,
    /// 1–100, default 20.
    pub limit: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostList {
    pub items: Vec<PostResponse>,
    /// The post number to pass as `after` next; null at the end.
    pub next: Option<i32>,
}

/// Posts of a topic in order, keyset-paginated by post number.
#[utoipa::path(get, path = "/api/v1/topics/{id}/posts", tag = "forums", params(("id" = i64, Path), PostsQuery),
    responses((status = 200, body = PostList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn topic_posts(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PostsQuery>,
) -> ApiResult<HttpResponse> {
    let (posts, next) = views::posts_after(
        &hearth,
        &viewer(&caller),
        TopicId(id.into_inner()),
        query.after.unwrap_or(0),
        query.limit.unwrap_or(20),
    )
    .await?;
    Ok(HttpResponse::Ok().json(PostList {
        items: posts.into_iter().map(post_view).collect(),
        next,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewTopicRequest {
    pub category_id: i64,
    /// 8–140 characters.
    pub title: String,
    /// Markdown.
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTopic {
    pub id: i64,
    pub title: String,
    pub category_id: i64,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_post: PostResponse,
    pub url: String,
}

fn created_topic(topic: TopicRow, post: PostRow, author: PostAuthor) -> CreatedTopic {
    CreatedTopic {
        url: format!("/t/{}", topic.id),
        id: topic.id.0,
        title: topic.title,
        category_id: topic.category_id.0,
        status: topic.status,
        held_reason: topic.held_reason,
        created_at: topic.created_at,
        first_post: post_row(post, author),
    }
}

/// Starts a topic.
#[utoipa::path(post, path = "/api/v1/topics", tag = "forums", request_body = NewTopicRequest,
    responses((status = 201, body = CreatedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<NewTopicRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let input = forums::NewTopicInput {
        category_id: body.category_id,
        title: body.title.clone(),
        body: body.body.clone(),
    };
    let (topic, post) = forums::create_topic(&hearth, actor, &input).await?;
    let author = PostAuthor::of_actor(&hearth, actor).await?;
    Ok(HttpResponse::Created().json(created_topic(topic, post, author)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReplyRequest {
    /// Markdown.
    pub body: String,
    /// A post of the same topic to quote.
    pub quote_post_id: Option<i64>,
}

/// Replies to a topic.
#[utoipa::path(post, path = "/api/v1/topics/{id}/posts", tag = "forums", params(("id" = i64, Path)), request_body = ReplyRequest,
    responses((status = 201, body = PostResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Locked topic or not allowed", body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn reply(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<ReplyRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let input = forums::ReplyInput {
        body: body.body.clone(),
        quote_post_id: body.quote_post_id,
    };
    let post = forums::reply(&hearth, actor, TopicId(id.into_inner()), &input).await?;
    let author = PostAuthor::of_actor(&hearth, actor).await?;
    Ok(HttpResponse::Created().json(post_row(post, author)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EditRequest {
    pub body: String,
    /// Only for a topic's first post.
    pub title: Option<String>,
}

/// A member's edit that a moderation rule held: the post keeps its last approved version until a moderator
/// approves the edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditHeldResponse {
    /// Why the edit waits for review.
    pub edit_pending: String,
    /// The post as it still shows.
    pub post: PostResponse,
}

/// Edits a post (its author, or staff and moderators); the previous text is kept. A member's edit is screened
/// like a new post: 202 when a rule holds it for review (the post keeps showing its last approved version).
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "forums", params(("id" = i64, Path)), request_body = EditRequest,
    responses((status = 200, body = PostResponse), (status = 202, description = "Held for review", body = EditHeldResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn edit_post(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<EditRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let input = forums::EditInput {
        body: body.body.clone(),
        title: body.title.clone(),
    };
    let done = forums::edit_post(&hearth, actor, PostId(id.into_inner()), &input).await?;
    // A moderator may edit another member's post: the author is the post's.
    let author = match domain::accounts::find(&hearth, done.post.author_id).await? {
        Some(a) => PostAuthor::new(
            a.username,
            a.display_name,
            &views::author_marks(&hearth, a.id).await?,
        ),
        None => PostAuthor::of_actor(&hearth, actor).await?,
    };
    let response = post_row(done.post, author);
    Ok(match done.held {
        // The post as it still shows; the edit waits for a moderator.
        Some(reason) => HttpResponse::Accepted().json(EditHeldResponse {
            edit_pending: reason,
            post: response,
        }),
        None => HttpResponse::Ok().json(response),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionResponse {
    pub revision: i32,
    pub title: Option<String>,
    pub body: String,
    pub editor: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    pub items: Vec<RevisionResponse>,
    pub next: Option<String>,
}

/// Earlier versions of a post, newest first (staff and moderators).
#[utoipa::path(get, path = "/api/v1/posts/{id}/revisions", tag = "forums", params(("id" = i64, Path)),
    responses((status = 200, body = RevisionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn revisions(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let list = forums::revisions(&hearth, caller.actor()?, PostId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(RevisionList {
        items: list
            .into_iter()
            .map(|r| RevisionResponse {
                revision: r.revision,
                title: r.title,
                body: r.body_md,
                editor: r.editor,
                created_at: r.created_at,
            })
            .collect(),
        next: None,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ManageRequest {
    /// For `move`.
    pub category_id: Option<i64>,
    /// For `merge`: the topic that receives this one's posts.
    pub into_topic_id: Option<i64>,
    /// Why (kept in the audit log).
    pub reason: String,
}

/// A topic after one of the team's actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManagedTopic {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub pinned: bool,
    pub locked: bool,
    pub category_id: i64,
    pub category_slug: String,
}

/// `POST /topics/{id}/{action}` for pin, unpin, lock, unlock and move (staff and moderators; audited).
async fn manage(
    hearth: &Hearth,
    caller: &Caller,
    id: i64,
    action: &str,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    if action == "merge" {
        let into = body
            .into_topic_id
            .ok_or_else(|| DomainError::invalid("into_topic_id", "is required to merge a topic"))?;
        forums::merge_topic(hearth, caller.actor()?, TopicId(id), TopicId(into), &body.reason).await?;
        let page = views::topic_page(hearth, &viewer(caller), TopicId(into), 1).await?;
        let t = page.topic;
        return Ok(HttpResponse::Ok().json(ManagedTopic {
            id: t.id,
            title: t.title,
            status: t.status,
            pinned: t.pinned,
            locked: t.locked,
            category_id: page.category.id.0,
            category_slug: page.category.slug.clone(),
        }));
    }
    let action = match (action, body.category_id) {
        ("pin", _) => TopicAction::Pin,
        ("unpin", _) => TopicAction::Unpin,
        ("lock", _) => TopicAction::Lock,
        ("unlock", _) => TopicAction::Unlock,
        ("move", Some(c)) => TopicAction::Move(CategoryId(c)),
        ("move", None) => {
            return Err(DomainError::invalid("category_id", "is required to move a topic").into());
        }
        _ => return Err(DomainError::NotFound("API route").into()),
    };
    let actor = caller.actor()?;
    forums::manage_topic(hearth, actor, TopicId(id), action, &body.reason).await?;
    let page = views::topic_page(hearth, &viewer(caller), TopicId(id), 1).await?;

    let t = page.topic;
    Ok(HttpResponse::Ok().json(ManagedTopic {
        id: t.id,
        title: t.title,
        status: t.status,
        pinned: t.pinned,
        locked: t.locked,
        category_id: page.category.id.0,
        category_slug: page.category.slug,
    }))
}

/// Watch a topic (`PUT`) or stop (`DELETE`).
#[utoipa::path(method(put, delete), path = "/api/v1/topics/{id}/watch", tag = "forums", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn watch_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let watch = req.method() == actix_web::http::Method::PUT;
    forums::set_topic_watch(&hearth, caller.actor()?, TopicId(id.into_inner()), watch).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Watch a category (`PUT`) or stop (`DELETE`).
#[utoipa::path(method(put, delete), path = "/api/v1/categories/{slug}/watch", tag = "forums", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn watch_category(
    hearth: web::Data<Hearth>,
    caller: Caller,
    slug: web::Path<String>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let watch = req.method() == actix_web::http::Method::PUT;
    forums::set_category_watch(&hearth, caller.actor()?, &slug, watch).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct SearchParams {
    /// Words, "an exact phrase", -excluded.
    pub q: String,
    /// A category slug.
    pub category: Option<String>,
    /// A username.
    pub author: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// 1–50, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitResponse {
    pub topic_id: i64,
    pub post_id: i64,
    pub post_number: i32,
    pub title: String,
    pub category_slug: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub rank: f64,
    /// Safe HTML: the text escaped, matches in `<mark>`.
    pub snippet_html: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub items: Vec<SearchHitResponse>,
    pub next: Option<String>,
}

/// Full-text search over topics and replies the caller may see, best matches first.
#[utoipa::path(get, path = "/api/v1/search", tag = "forums", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
pub async fn search(
    hearth: web::Data<Hearth>,
    caller: Caller,
    params: web::Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let offset = match params.after.as_deref().filter(|a| !a.is_empty()) {
        None => 0,
        Some(a) => a
            .parse::<i64>()
            .map_err(|_| DomainError::invalid("after", "is not a valid cursor"))?,
    };
    let query = forums::search::SearchQuery {
        q: params.q.clone(),
        category: params.category.clone(),
        author: params.author.clone(),
        offset,
        limit: params.limit.unwrap_or(20),
    };
    domain::ratelimit::expensive_read(
        &hearth,
        "search",
        caller.0.actor.as_ref().map(|a| a.id),
        &caller.0.client.ip,
    )
    .await?;
    let results = forums::search::search(&hearth, &viewer(&caller), &query).await?;
    Ok(HttpResponse::Ok().json(SearchResponse {
        items: results
            .hits
            .iter()
            .map(|h| SearchHitResponse {
                url: format!(
                    "/t/{}?page={}#post-{}",
                    h.topic_id,
                    views::page_of(h.post_number),
                    h.post_number
                ),
                topic_id: h.topic_id,
                post_id: h.post_id,
                post_number: h.post_number,
                title: h.title.clone(),
                category_slug: h.category_slug.clone(),
                author: h.author_username.clone(),
                created_at: h.created_at,
                rank: h.rank,
                snippet_html: h.snippet_html(),
            })
            .collect(),
        next: results.next.map(|n| n.to_string()),
    }))
}

/// Pins a topic to the top of its category (moderators; audited).
#[utoipa::path(post, path = "/api/v1/topics/{id}/pin", tag = "forums", params(("id" = i64, Path)),
    request_body(content = ManageRequest, description = "Optional; `reason` is kept in the audit log"),
    responses((status = 200, body = ManagedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pin_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    manage(&hearth, &caller, *path, "pin", body).await
}

/// Unpins a topic (moderators; audited).
#[utoipa::path(post, path = "/api/v1/topics/{id}/unpin", tag = "forums", params(("id" = i64, Path)),
    request_body(content = ManageRequest, description = "Optional; `reason` is kept in the audit log"),
    responses((status = 200, body = ManagedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unpin_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    manage(&hearth, &caller, *path, "unpin", body).await
}

/// Locks a topic: it takes no new replies (moderators; audited).
#[utoipa::path(post, path = "/api/v1/topics/{id}/lock", tag = "forums", params(("id" = i64, Path)),
    request_body(content = ManageRequest, description = "Optional; `reason` is kept in the audit log"),
    responses((status = 200, body = ManagedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lock_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    manage(&hearth, &caller, *path, "lock", body).await
}

/// Unlocks a topic (moderators; audited).
#[utoipa::path(post, path = "/api/v1/topics/{id}/unlock", tag = "forums", params(("id" = i64, Path)),
    request_body(content = ManageRequest, description = "Optional; `reason` is kept in the audit log"),
    responses((status = 200, body = ManagedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    manage(&hearth, &caller, *path, "unlock", body).await
}

/// Moves a topic to another category (`category_id` required; moderators; audited).
#[utoipa::path(post, path = "/api/v1/topics/{id}/move", tag = "forums", params(("id" = i64, Path)),
    request_body(content = ManageRequest, description = "`category_id` is required"),
    responses((status = 200, body = ManagedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn move_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    manage(&hearth, &caller, *path, "move", body).await
}

/// Merges a topic into another (`into_topic_id` required): its replies move there (moderators; audited).
#[utoipa::path(post, path = "/api/v1/topics/{id}/merge", tag = "forums", params(("id" = i64, Path)),
    request_body(content = ManageRequest, description = "`into_topic_id` is required"),
    responses((status = 200, body = ManagedTopic), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn merge_topic(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Option<Body<ManageRequest>>,
) -> ApiResult<HttpResponse> {
    manage(&hearth, &caller, *path, "merge", body).await
}
