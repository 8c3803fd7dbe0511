//! Forums: listings, topics, posting, editing, the team's topic tools, watching, search, categories.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryInfo {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub visibility: String,
    pub posting: String,
    pub position: i32,
    pub topic_count: i32,
    pub post_count: i32,
    pub can_post: bool,
    pub watching: bool,
    /// For club-only categories: the slug of the lowest tier that may enter (empty: every club member).
    #[serde(default)]
    pub min_tier: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicItem {
    pub id: i64,
    pub title: String,
    pub category_slug: String,
    pub category_name: String,
    pub category_color: String,
    pub author: String,
    pub author_name: String,
    pub replies: i32,
    pub views: i64,
    pub last_posted: String,
    pub last_posted_iso: String,
    pub last_poster: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    /// For signed-in members: `None` when fully read, else the number of unread posts.
    pub unread: Option<i32>,
    /// Never opened by this member.
    pub is_new: bool,
    pub pages: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicListing {
    pub pinned: Vec<TopicItem>,
    pub items: Vec<TopicItem>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteInfo {
    pub number: i32,
    pub page: i32,
    pub username: String,
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostInfo {
    pub id: i64,
    pub number: i32,
    pub author: String,
    pub author_name: String,
    pub badges: Vec<String>,
    pub body_html: String,
    pub status: String,
    pub held_reason: Option<String>,
    pub edit_count: i32,
    pub created: String,
    pub created_iso: String,
    pub quote: Option<QuoteInfo>,
    pub can_edit: bool,
    /// Written by the viewer (flag it: no; appeal it: yes, when rejected or hidden).
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicView {
    pub id: i64,
    /// `discussion` or `question`.
    pub kind: String,
    pub title: String,
    pub status: String,
    pub held_reason: Option<String>,
    pub category: CategoryInfo,
    pub pinned: bool,
    pub locked: bool,
    pub replies: i32,
    pub views: i64,
    pub page: i32,
    pub pages: i32,
    pub posts: Vec<PostInfo>,
    pub watching: bool,
    pub signed_in: bool,
    pub can_reply: bool,
    pub manages: bool,
    /// Categories a topic can move to (for the team's tools).
    pub move_targets: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHitInfo {
    pub url: String,
    pub title: String,
    pub post_number: i32,
    pub category_slug: String,
    pub category_name: String,
    pub author: String,
    pub created: String,
    pub snippet_html: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHitInfo>,
    pub next: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSourceInfo {
    pub id: i64,
    pub topic_id: i64,
    pub number: i32,
    pub body: String,
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionInfo {
    pub revision: i32,
    pub title: Option<String>,
    pub body: String,
    pub editor: Option<String>,
    pub created: String,
}

#[cfg(feature = "ssr")]
mod convert {
    use super::*;
    use chrono::{DateTime, Utc};
    use domain::forums::views::{PostView, TopicSummary, page_count, page_of};

    pub fn when(at: DateTime<Utc>) -> (String, String) {
        (at.format("%b %-d, %Y %H:%M").to_string(), at.to_rfc3339())
    }

    pub fn category(
        c: &domain::forums::Category,
        viewer: &domain::forums::Viewer,
        watching: bool,
    ) -> CategoryInfo {
        CategoryInfo {
            id: c.id.0,
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            color: c.color.clone(),
            visibility: c.visibility.clone(),
            posting: c.posting.clone(),
            position: c.position,
            topic_count: c.topic_count,
            post_count: c.post_count,
            can_post: viewer.can_start_topics(c),
            watching,
            min_tier: c.min_tier_slug.clone().unwrap_or_default(),
        }
    }

    pub fn topic(t: TopicSummary, signed_in: bool) -> TopicItem {
        let (last_posted, last_posted_iso) = when(t.last_posted_at);
        let unread = t.unread();
        TopicItem {
            id: t.id,
            pages: page_count(t.last_post_number),
            author_name: t
                .author_display_name
                .clone()
                .unwrap_or_else(|| t.author_username.clone()),
            title: t.title,
            category_slug: t.category_slug,
            category_name: t.category_name,
            category_color: t.category_color,
            author: t.author_username,
            replies: t.reply_count,
            views: t.view_count,
            last_posted,
            last_posted_iso,
            last_poster: t.last_poster_username,
            pinned: t.pinned,
            locked: t.locked,
            unread: (signed_in && unread > 0).then_some(unread),
            is_new: signed_in && t.last_read_number.is_none(),
        }
    }

    pub fn post(p: PostView, viewer: &domain::forums::Viewer) -> PostInfo {
        let (created, created_iso) = when(p.created_at);
        PostInfo {
            can_edit: viewer.user_id.is_some_and(|u| u.0 == p.author_id) || viewer.manages_topics(),
            mine: viewer.user_id.is_some_and(|u| u.0 == p.author_id),
            badges: p.author_marks().badges(),
            author_name: p
                .author_display_name
                .clone()
                .unwrap_or_else(|| p.author_username.clone()),
            quote: match (p.quote_post_number, p.quote_username, p.quote_body_md) {
                (Some(number), Some(username), Some(body)) => Some(QuoteInfo {
                    number,
                    page: page_of(number),
                    username,
                    excerpt: domain::markdown::excerpt(&body, 280),
                }),
                _ => None,
            },
            id: p.id,
            number: p.post_number,
            author: p.author_username,
            body_html: p.body_html,
            status: p.status,
            held_reason: p.held_reason,
            edit_count: p.edit_count,
            created,
            created_iso,
        }
    }
}

/// A post as pages show it.
#[cfg(feature = "ssr")]
pub(crate) fn post_info(p: domain::forums::views::PostView, viewer: &domain::forums::Viewer) -> PostInfo {
    convert::post(p, viewer)
}

#[cfg(feature = "ssr")]
fn viewer() -> domain::forums::Viewer {
    domain::forums::Viewer::of(ssr::actor().as_ref())
}

/// The categories the viewer may see.
#[server(endpoint = "forums/categories")]
pub async fn categories() -> Result<Vec<CategoryInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let list = domain::forums::list_categories(&hearth, &viewer)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(list
        .iter()
        .map(|c| convert::category(c, &viewer, false))
        .collect())
}

/// Latest topics across categories (`after`: the `next` of the previous page).
#[server(endpoint = "forums/latest")]
pub async fn latest_topics(after: Option<String>) -> Result<TopicListing, AppError> {
    use domain::forums::views::{TopicScope, list_topics, parse_cursor};
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let cursor = parse_cursor(after.as_deref()).map_err(ssr::to_app_error)?;
    let list = list_topics(&hearth, &viewer, TopicScope::Latest, cursor, 30)
        .await
        .map_err(ssr::to_app_error)?;
    let signed_in = viewer.user_id.is_some();
    Ok(TopicListing {
        pinned: Vec::new(),
        items: list
            .items
            .into_iter()
            .map(|t| convert::topic(t, signed_in))
            .collect(),
        next: list.next,
    })
}

/// A category and a page of its topics (pinned first on the first page).
#[server(endpoint = "forums/category")]
pub async fn category_page(
    slug: String,
    after: Option<String>,
) -> Result<(CategoryInfo, TopicListing), AppError> {
    use domain::forums::views::{TopicScope, list_topics, parse_cursor};
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let category = domain::forums::category_by_slug(&hearth, &viewer, &slug)
        .await
        .map_err(ssr::to_app_error)?;
    let watching = match ssr::actor() {
        Some(actor) => domain::forums::watches_category(&hearth, &actor, category.id)
            .await
            .map_err(ssr::to_app_error)?,
        None => false,
    };
    let cursor = parse_cursor(after.as_deref()).map_err(ssr::to_app_error)?;
    let list = list_topics(&hearth, &viewer, TopicScope::Category(category.id), cursor, 30)
        .await
        .map_err(ssr::to_app_error)?;
    let signed_in = viewer.user_id.is_some();
    Ok((
        convert::category(&category, &viewer, watching),
        TopicListing {
            pinned: list
                .pinned
                .into_iter()
                .map(|t| convert::topic(t, signed_in))
                .collect(),
            items: list
                .items
                .into_iter()
                .map(|t| convert::topic(t, signed_in))
                .collect(),
            next: list.next,
        },
    ))
}

/// A member's topics.
#[server(endpoint = "forums/member-topics")]
pub async fn member_topics(username: String, after: Option<String>) -> Result<TopicListing, AppError> {
    use domain::forums::views::{TopicScope, list_topics, parse_cursor};
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let Some(user) = domain::accounts::find_by_username(&hearth, &username)
        .await
        .map_err(ssr::to_app_error)?
    else {
        return Ok(TopicListing::default());
    };
    let cursor = parse_cursor(after.as_deref()).map_err(ssr::to_app_error)?;
    let list = list_topics(&hearth, &viewer, TopicScope::Author(user.id), cursor, 20)
        .await
        .map_err(ssr::to_app_error)?;
    let signed_in = viewer.user_id.is_some();
    Ok(TopicListing {
        pinned: Vec::new(),
        items: list
            .items
            .into_iter()
            .map(|t| convert::topic(t, signed_in))
            .collect(),
        next: list.next,
    })
}

/// A page of a topic. Counts the view and, for members, moves their read marker.
#[server(endpoint = "forums/topic")]
pub async fn topic_page(id: i64, page: i32) -> Result<TopicView, AppError> {
    use domain::ids::TopicId;
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let loaded = domain::forums::views::topic_page(&hearth, &viewer, TopicId(id), page.max(1))
        .await
        .map_err(ssr::to_app_error)?;
    if let Err(e) = domain::forums::view_counts::record_view(&hearth, TopicId(id)).await {
        tracing::warn!(error = %e, "view not counted");
    }
    let actor = ssr::actor();
    if let (Some(actor), Some(last)) = (&actor, loaded.posts.last()) {
        domain::forums::mark_read(&hearth, actor, TopicId(id), last.post_number)
            .await
            .map_err(ssr::to_app_error)?;
    }
    let manages = viewer.manages_topics();
    let move_targets = if manages {
        domain::forums::list_categories(&hearth, &viewer)
            .await
            .map_err(ssr::to_app_error)?
            .into_iter()
            .filter(|c| c.id != loaded.category.id)
            .map(|c| (c.id.0, c.name))
            .collect()
    } else {
        Vec::new()
    };
    let t = loaded.topic;
    Ok(TopicView {
        id: t.id,
        kind: t.kind.clone(),
        title: t.title,
        status: t.status.clone(),
        held_reason: t.held_reason,
        category: convert::category(&loaded.category, &viewer, false),
        pinned: t.pinned,
        locked: t.locked,
        replies: t.reply_count,
        views: t.view_count,
        page: loaded.page,
        pages: loaded.pages,
        posts: loaded
            .posts
            .into_iter()
            .map(|p| convert::post(p, &viewer))
            .collect(),
        watching: t.watching,
        signed_in: viewer.user_id.is_some(),
        can_reply: viewer.user_id.is_some() && (!t.locked || manages) && t.status == "published",
        manages,
        move_targets,
    })
}

#[server(endpoint = "forums/new-topic")]
pub async fn create_topic(category_id: i64, title: String, body: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::forums::NewTopicInput {
        category_id,
        title,
        body,
    };
    let (topic, _) = domain::forums::create_topic(&hearth, &actor, &input)
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[
                ("title", &input.title),
                ("body", &input.body),
                ("category_id", &input.category_id.to_string()),
            ])
        })?;
    leptos_actix::redirect(&format!("/t/{}", topic.id));
    Ok(())
}

#[server(endpoint = "forums/reply")]
pub async fn reply(topic_id: i64, body: String, quote_post_id: Option<String>) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let quote = quote_post_id
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::parse::<i64>)
        .transpose();
    let quote = quote
        .map_err(|_| ssr::to_app_error(domain::DomainError::invalid("quote_post_id", "is not a post")))?;
    let input = domain::forums::ReplyInput {
        body,
        quote_post_id: quote,
    };
    let post = domain::forums::reply(&hearth, &actor, domain::ids::TopicId(topic_id), &input)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("body", &input.body)]))?;
    leptos_actix::redirect(&format!(
        "/t/{topic_id}?page={}#post-{}",
        domain::forums::views::page_of(post.post_number),
        post.post_number
    ));
    Ok(())
}

#[server(endpoint = "forums/edit")]
pub async fn edit_post(post_id: i64, body: String, title: Option<String>) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::forums::EditInput { body, title };
    let done = domain::forums::edit_post(&hearth, &actor, domain::ids::PostId(post_id), &input)
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[
                ("body", &input.body),
                ("title", input.title.as_deref().unwrap_or("")),
            ])
        })?;
    let post = done.post;
    leptos_actix::redirect(&format!(
        "/t/{}?page={}{}#post-{}",
        post.topic_id,
        domain::forums::views::page_of(post.post_number),
        if done.held.is_some() { "&edit=held" } else { "" },
        post.post_number
    ));
    Ok(())
}

/// The Markdown of a post (to edit or quote it).
#[server(endpoint = "forums/post-source")]
pub async fn post_source(post_id: i64) -> Result<PostSourceInfo, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let post = domain::forums::post_source(&hearth, &viewer, domain::ids::PostId(post_id))
        .await
        .map_err(ssr::to_app_error)?;
    let title = if post.post_number == 1 {
        let page = domain::forums::views::topic_page(&hearth, &viewer, post.topic_id, 1)
            .await
            .map_err(ssr::to_app_error)?;
        Some(page.topic.title)
    } else {
        None
    };
    Ok(PostSourceInfo {
        id: post.id.0,
        topic_id: post.topic_id.0,
        number: post.post_number,
        body: post.body_md,
        title,
    })
}

#[server(endpoint = "forums/revisions")]
pub async fn revisions(post_id: i64) -> Result<Vec<RevisionInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let list = domain::forums::revisions(&hearth, &actor, domain::ids::PostId(post_id))
        .await
        .map_err(ssr::to_app_error)?;
    Ok(list
        .into_iter()
        .map(|r| RevisionInfo {
            revision: r.revision,
            title: r.title,
            body: r.body_md,
            editor: r.editor,
            created: convert::when(r.created_at).0,
        })
        .collect())
}

/// The team's tools: `action` is pin, unpin, lock, unlock or move (with `category_id`).
#[server(endpoint = "forums/manage")]
pub async fn manage_topic(
    topic_id: i64,
    action: String,
    category_id: Option<i64>,
    reason: Option<String>,
) -> Result<(), AppError> {
    use domain::forums::TopicAction;
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let action = match (action.as_str(), category_id) {
        ("pin", _) => TopicAction::Pin,
        ("unpin", _) => TopicAction::Unpin,
        ("lock", _) => TopicAction::Lock,
        ("unlock", _) => TopicAction::Unlock,
        ("move", Some(c)) => TopicAction::Move(domain::ids::CategoryId(c)),
        _ => {
            return Err(ssr::to_app_error(domain::DomainError::invalid(
                "action",
                "is not a topic action",
            )));
        }
    };
    let topic_id = domain::ids::TopicId(topic_id);
    domain::forums::manage_topic(&hearth, &actor, topic_id, action, reason.as_deref().unwrap_or(""))
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/t/{topic_id}"));
    Ok(())
}

/// Merges this topic into another (the team's tools): `into` is the other topic's number or its address
/// (`/t/123`, a full URL, a link to one of its posts). Goes to the merged topic.
#[server(endpoint = "forums/merge")]
pub async fn merge_topic(topic_id: i64, into: String, reason: Option<String>) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let target = domain::forums::parse_topic_ref(&into).map_err(ssr::to_app_error)?;
    let merged = domain::forums::merge_topic(
        &hearth,
        &actor,
        domain::ids::TopicId(topic_id),
        target,
        reason.as_deref().unwrap_or(""),
    )
    .await
    .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/t/{}?merged={topic_id}", merged.id));
    Ok(())
}

#[server(endpoint = "forums/watch-topic")]
pub async fn watch_topic(topic_id: i64, watch: bool) -> Result<bool, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::forums::set_topic_watch(&hearth, &actor, domain::ids::TopicId(topic_id), watch)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(watch)
}

#[server(endpoint = "forums/watch-category")]
pub async fn watch_category(slug: String, watch: bool) -> Result<bool, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::forums::set_category_watch(&hearth, &actor, &slug, watch)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(watch)
}

#[server(endpoint = "forums/search")]
pub async fn search(
    q: String,
    category: Option<String>,
    author: Option<String>,
    offset: Option<i64>,
) -> Result<SearchPage, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    domain::ratelimit::expensive_read(&hearth, "search", viewer.user_id, &ssr::client().ip)
        .await
        .map_err(ssr::to_app_error)?;
    let query = domain::forums::search::SearchQuery {
        q,
        category,
        author,
        offset: offset.unwrap_or(0),
        limit: 20,
    };
    let results = domain::forums::search::search(&hearth, &viewer, &query)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(SearchPage {
        hits: results
            .hits
            .iter()
            .map(|h| SearchHitInfo {
                url: format!(
                    "/t/{}?page={}#post-{}",
                    h.topic_id,
                    domain::forums::views::page_of(h.post_number),
                    h.post_number
                ),
                title: h.title.clone(),
                post_number: h.post_number,
                category_slug: h.category_slug.clone(),
                category_name: h.category_name.clone(),
                author: h.author_username.clone(),
                created: convert::when(h.created_at).0,
                snippet_html: h.snippet_html(),
            })
            .collect(),
        next: results.next,
    })
}

/// Markdown rendered as it will appear (the composer's preview). Mentions are not resolved here.
#[server(endpoint = "forums/preview")]
pub async fn preview(body: String) -> Result<String, AppError> {
    let actor = ssr::require_actor()?;
    let hearth = ssr::hearth()?;
    domain::ratelimit::expensive_read(&hearth, "preview", Some(actor.id), &ssr::client().ip)
        .await
        .map_err(ssr::to_app_error)?;
    let body = domain::forums::MarkdownBody::parse(&body)
        .map_err(|m| ssr::to_app_error(domain::DomainError::invalid("body", m)))?;
    Ok(domain::markdown::render(body.as_str()))
}

/// The admin's category form (fields named `category[slug]` etc. in the HTML form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    pub id: Option<i64>,
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub position: i32,
    pub color: String,
    pub visibility: String,
    pub posting: String,
    #[serde(default)]
    pub min_tier: String,
}

#[server(endpoint = "forums/save-category")]
pub async fn save_category(category: CategoryForm) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::forums::CategoryInput {
        slug: category.slug,
        name: category.name,
        description: category.description,
        position: category.position,
        color: category.color,
        visibility: category.visibility,
        posting: category.posting,
        min_tier: category.min_tier,
    };
    let result = match category.id {
        Some(id) => {
            domain::forums::update_category(&hearth, &actor, domain::ids::CategoryId(id), &input).await
        }
        None => domain::forums::create_category(&hearth, &actor, &input).await,
    };
    result.map_err(|e| {
        ssr::to_app_error(e).with_values(&[
            ("slug", &input.slug),
            ("name", &input.name),
            ("description", &input.description),
            ("color", &input.color),
            ("id", &category.id.map(|i| i.to_string()).unwrap_or_default()),
        ])
    })?;
    leptos_actix::redirect("/admin?saved=category#categories");
    Ok(())
}

/// Posts of a topic after a number (live updates append them to an open page).
#[server(endpoint = "forums/new-posts")]
pub async fn new_posts(topic_id: i64, after: i32) -> Result<Vec<PostInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::actor();
    let viewer = domain::forums::Viewer::of(actor.as_ref());
    let (posts, _) =
        domain::forums::views::posts_after(&hearth, &viewer, domain::ids::TopicId(topic_id), after, 50)
            .await
            .map_err(ssr::to_app_error)?;
    Ok(posts.into_iter().map(|p| post_info(p, &viewer)).collect())
}
