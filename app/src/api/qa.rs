//! Q&A: products, ownership, questions, answers, votes, acceptance, comments, similar suggestions, and the
//! member's notifications.

use leptos::server;
use serde::{Deserialize, Serialize};

use super::forums::PostInfo;
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductInfo {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub versions: Vec<String>,
    /// For the signed-in member: whether they own it, and since when (`YYYY-MM-DD`).
    pub owned: bool,
    pub since: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductsView {
    pub products: Vec<ProductInfo>,
    pub ask_me: bool,
    pub signed_in: bool,
    pub manages: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionItem {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub answers: i32,
    pub views: i64,
    pub author: String,
    pub asked: String,
    pub asked_iso: String,
    pub products: Vec<(String, String)>,
    /// How long the first answer took ("2 h 15 min"; None: unanswered).
    pub first_answer_after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionListing {
    pub items: Vec<QuestionItem>,
    pub next: Option<String>,
    pub products: Vec<(String, String)>,
    pub signed_in: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentInfo {
    pub id: i64,
    pub author: String,
    pub body_html: String,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInfo {
    pub post: PostInfo,
    pub score: i32,
    pub my_vote: i16,
    pub accepted: bool,
    pub official: bool,
    pub owner: bool,
    pub can_vote: bool,
    pub comments: Vec<CommentInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub category_slug: String,
    pub category_name: String,
    pub category_color: String,
    pub products: Vec<(String, String)>,
    pub body: PostInfo,
    pub answers: Vec<AnswerInfo>,
    pub views: i64,
    pub asked: String,
    /// For the brand's team: how long the first answer took, or how long the question has waited.
    pub answer_timing: Option<String>,
    pub locked: bool,
    pub signed_in: bool,
    pub can_answer: bool,
    pub can_accept: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimilarInfo {
    pub url: String,
    pub title: String,
    pub kind: String,
    pub state: Option<String>,
    pub replies: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationInfo {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub read: bool,
    pub created: String,
    pub created_iso: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsView {
    pub items: Vec<NotificationInfo>,
    pub unread: i64,
    pub next: Option<i64>,
}

#[cfg(feature = "ssr")]
fn viewer() -> domain::forums::Viewer {
    domain::forums::Viewer::of(ssr::actor().as_ref())
}

#[cfg(feature = "ssr")]
fn when(at: chrono::DateTime<chrono::Utc>) -> (String, String) {
    (at.format("%b %-d, %Y %H:%M").to_string(), at.to_rfc3339())
}

/// The catalogue, with what the signed-in member owns.
#[server(endpoint = "qa/products")]
pub async fn products() -> Result<ProductsView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::actor();
    let all = domain::qa::list_products(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    let owned = match &actor {
        Some(a) => domain::qa::owned_by(&hearth, a.id)
            .await
            .map_err(ssr::to_app_error)?,
        None => Vec::new(),
    };
    Ok(ProductsView {
        ask_me: owned.iter().any(|o| o.ask_me),
        signed_in: actor.is_some(),
        manages: actor
            .as_ref()
            .is_some_and(|a| a.roles.is_admin() || a.roles.is_staff()),
        products: all
            .iter()
            .map(|p| {
                let mine = owned.iter().find(|o| o.product.id == p.id);
                ProductInfo {
                    id: p.id.0,
                    slug: p.slug.clone(),
                    name: p.name.clone(),
                    versions: p.version_list(),
                    owned: mine.is_some(),
                    since: mine.and_then(|o| o.since).map(|d| d.to_string()),
                }
            })
            .collect(),
    })
}

/// Adds a product (admins and staff), from the admin page.
#[server(endpoint = "qa/create-product")]
pub async fn create_product(name: String, slug: String, versions: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::qa::NewProductInput {
        name: name.clone(),
        slug: slug.clone(),
        parent_id: None,
        versions: versions.split(',').map(|v| v.trim().to_owned()).collect(),
    };
    domain::qa::create_product(&hearth, &actor, &input)
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[("name", &name), ("slug", &slug), ("versions", &versions)])
        })?;
    leptos_actix::redirect("/admin/products");
    Ok(())
}

/// The "I own …" form: the checked products (`owned[products][]`), their since-when (`owned[since][<id>]`),
/// and the opt-in (`owned[ask_me]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedForm {
    #[serde(default)]
    pub products: Vec<i64>,
    #[serde(default)]
    pub since: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub ask_me: Option<String>,
}

#[server(endpoint = "qa/my-products")]
pub async fn set_my_products(owned: OwnedForm) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let mut items = Vec::new();
    for id in &owned.products {
        let since = owned
            .since
            .get(&id.to_string())
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    ssr::to_app_error(domain::DomainError::invalid(
                        "since",
                        "must be a date like 2024-05-01",
                    ))
                })
            })
            .transpose()?;
        items.push((*id, since));
    }
    let ask_me = owned.ask_me.as_deref().is_some_and(|v| v == "true" || v == "on");
    domain::qa::set_owned(&hearth, &actor, &items, ask_me)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/settings/products?saved=1");
    Ok(())
}

/// A page of questions: `filter` all | unanswered | answered | accepted | mine; `product`: a slug.
#[server(endpoint = "qa/questions")]
pub async fn questions(
    filter: Option<String>,
    product: Option<String>,
    after: Option<String>,
) -> Result<QuestionListing, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let mine = filter.as_deref() == Some("mine");
    let query = domain::qa::ListQuery {
        filter: if mine {
            domain::qa::QuestionFilter::All
        } else {
            domain::qa::QuestionFilter::parse(filter.as_deref()).map_err(ssr::to_app_error)?
        },
        product: product.filter(|p| !p.is_empty()),
        mine,
        after: domain::forums::views::parse_cursor(after.as_deref()).map_err(ssr::to_app_error)?,
        limit: 30,
    };
    let list = domain::qa::list_questions(&hearth, &viewer, &query)
        .await
        .map_err(ssr::to_app_error)?;
    let products = domain::qa::list_products(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(QuestionListing {
        signed_in: viewer.user_id.is_some(),
        products: products.into_iter().map(|p| (p.slug, p.name)).collect(),
        items: list
            .items
            .into_iter()
            .map(|q| {
                let (asked, asked_iso) = when(q.asked_at);
                QuestionItem {
                    first_answer_after: q.seconds_to_first_answer().map(super::moderation::duration_words),
                    products: q.products().into_iter().map(|p| (p.slug, p.name)).collect(),
                    id: q.id,
                    title: q.title,
                    state: q.state,
                    answers: q.answer_count,
                    views: q.view_count,
                    author: q.author_username,
                    asked,
                    asked_iso,
                }
            })
            .collect(),
        next: list.next,
    })
}

/// Questions and topics resembling a title being typed.
#[server(endpoint = "qa/similar")]
pub async fn similar(title: String) -> Result<Vec<SimilarInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    domain::ratelimit::expensive_read(&hearth, "similar", viewer.user_id, &ssr::client().ip)
        .await
        .map_err(ssr::to_app_error)?;
    let found = domain::qa::similar(&hearth, &viewer, &title, 5)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(found
        .into_iter()
        .map(|s| SimilarInfo {
            url: s.url(),
            title: s.title,
            kind: s.kind,
            state: s.state,
            replies: s.reply_count,
        })
        .collect())
}

/// The ask form: `question[title]`, `question[body]` and every chosen product as `question[products][]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub products: Vec<i64>,
}

/// Asks a question.
#[server(endpoint = "qa/ask")]
pub async fn ask(question: AskForm) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::qa::AskInput {
        title: question.title.clone(),
        body: question.body.clone(),
        products: question.products.clone(),
        category_id: None,
    };
    let chosen = question
        .products
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let id = domain::qa::ask(&hearth, &actor, &input).await.map_err(|e| {
        ssr::to_app_error(e).with_values(&[
            ("title", &input.title),
            ("body", &input.body),
            ("products", &chosen),
        ])
    })?;
    leptos_actix::redirect(&format!("/q/{id}"));
    Ok(())
}

/// A question page. Counts the view.
#[server(endpoint = "qa/question")]
pub async fn question(id: i64) -> Result<QuestionView, AppError> {
    use domain::ids::TopicId;
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let page = domain::qa::question_page(&hearth, &viewer, TopicId(id))
        .await
        .map_err(ssr::to_app_error)?;
    if let Err(e) = domain::forums::view_counts::record_view(&hearth, TopicId(id)).await {
        tracing::warn!(error = %e, "view not counted");
    }
    let signed_in = viewer.user_id.is_some();
    let (asked, _) = when(page.question.asked_at);
    let post = |p| super::forums::post_info(p, &viewer);
    Ok(QuestionView {
        id,
        title: page.topic.title.clone(),
        state: page.question.state.clone(),
        category_slug: page.category.slug.clone(),
        category_name: page.category.name.clone(),
        category_color: page.category.color.clone(),
        products: page
            .products
            .iter()
            .map(|p| (p.slug.clone(), p.name.clone()))
            .collect(),
        views: page.topic.view_count,
        asked,
        answer_timing: viewer
            .team
            .then(|| match page.question.seconds_to_first_answer() {
                Some(secs) => format!("First answer after {}", super::moderation::duration_words(secs)),
                None => format!(
                    "Waiting for a first answer for {}",
                    super::moderation::duration_words(
                        (chrono::Utc::now() - page.question.asked_at).num_seconds().max(0)
                    )
                ),
            }),
        locked: page.topic.locked,
        signed_in,
        can_answer: signed_in && (!page.topic.locked || viewer.manages_topics()),
        can_accept: page.can_accept,
        body: post(page.body),
        answers: page
            .answers
            .into_iter()
            .map(|a| answer_info(a, &viewer))
            .collect(),
    })
}

#[cfg(feature = "ssr")]
fn answer_info(a: domain::qa::AnswerView, viewer: &domain::forums::Viewer) -> AnswerInfo {
    let can_vote = viewer.user_id.is_some_and(|u| u.0 != a.post.author_id);
    AnswerInfo {
        score: a.score,
        my_vote: a.my_vote.unwrap_or(0),
        accepted: a.accepted,
        official: a.official,
        owner: a.owner,
        can_vote,
        comments: a
            .comments
            .into_iter()
            .map(|c| CommentInfo {
                id: c.id,
                author: c.author_username,
                body_html: c.body_html,
                created: when(c.created_at).0,
            })
            .collect(),
        post: super::forums::post_info(a.post, viewer),
    }
}

/// Answers after a post number (an open question page appends them when the live stream says one appeared).
#[server(endpoint = "qa/new-answers")]
pub async fn new_answers(question_id: i64, after: i32) -> Result<Vec<AnswerInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = viewer();
    let answers = domain::qa::answers_after(&hearth, &viewer, domain::ids::TopicId(question_id), after)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(answers.into_iter().map(|a| answer_info(a, &viewer)).collect())
}

/// Answers a question.
#[server(endpoint = "qa/answer")]
pub async fn answer(question_id: i64, body: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let post = domain::qa::answer(&hearth, &actor, domain::ids::TopicId(question_id), &body)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("body", &body)]))?;
    leptos_actix::redirect(&format!("/q/{question_id}#post-{}", post.post_number));
    Ok(())
}

/// Votes on an answer (1, -1, 0).
#[server(endpoint = "qa/vote")]
pub async fn vote_answer(question_id: i64, answer_id: i64, value: i16) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::qa::vote(&hearth, &actor, domain::ids::PostId(answer_id), value)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/q/{question_id}#answer-{answer_id}"));
    Ok(())
}

/// Accepts an answer (the asker or staff).
#[server(endpoint = "qa/accept")]
pub async fn accept_answer(question_id: i64, answer_id: i64) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::qa::accept(&hearth, &actor, domain::ids::PostId(answer_id))
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/q/{question_id}#answer-{answer_id}"));
    Ok(())
}

/// Comments on an answer.
#[server(endpoint = "qa/comment")]
pub async fn comment_answer(question_id: i64, answer_id: i64, body: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::qa::comment(&hearth, &actor, domain::ids::PostId(answer_id), &body)
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[("body", &body), ("answer_id", &answer_id.to_string())])
        })?;
    leptos_actix::redirect(&format!("/q/{question_id}#answer-{answer_id}"));
    Ok(())
}

/// The member's notifications, newest first (`before`: the `next` of the previous page).
#[server(endpoint = "notifications/list")]
pub async fn notifications(before: Option<i64>) -> Result<NotificationsView, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let page = domain::notifications::list(&hearth, &actor, before, 30)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(NotificationsView {
        unread: page.unread,
        next: page.next,
        items: page
            .items
            .into_iter()
            .map(|n| {
                let (created, created_iso) = when(n.created_at);
                NotificationInfo {
                    id: n.id,
                    title: n.title,
                    url: n.url,
                    read: n.read_at.is_some(),
                    created,
                    created_iso,
                }
            })
            .collect(),
    })
}

/// Marks every notification read.
#[server(endpoint = "notifications/read-all")]
pub async fn mark_all_read() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::notifications::mark_read(&hearth, &actor, None)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/notifications");
    Ok(())
}
