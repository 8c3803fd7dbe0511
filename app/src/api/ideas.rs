//! Ideas: the board, submitting, an idea's page, votes, following, comments, the product team's statuses,
//! merges and export link, the shipped survey, and "You asked, we built".

use leptos::server;
use serde::{Deserialize, Serialize};

use super::forums::PostInfo;
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaItem {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub votes: i32,
    pub tier_votes: Option<i64>,
    pub comments: i32,
    pub author: String,
    pub product: Option<(String, String)>,
    pub voted: bool,
    pub created: String,
    pub created_iso: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdeaBoard {
    pub items: Vec<IdeaItem>,
    pub next: Option<String>,
    pub sort: String,
    pub status: String,
    pub product: String,
    pub tier: String,
    pub products: Vec<(String, String)>,
    pub tiers: Vec<(String, String)>,
    pub signed_in: bool,
    pub product_team: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryInfo {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub merged_into: Option<i64>,
    pub note_html: String,
    pub by: Option<String>,
    pub at: String,
    pub at_iso: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierVoters {
    pub name: String,
    pub voters: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyInfo {
    pub asked: i64,
    pub yes: i64,
    pub partly: i64,
    pub no: i64,
    pub pending: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaView {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub votes: i32,
    pub category_slug: String,
    pub category_name: String,
    pub category_color: String,
    pub product: Option<(String, String)>,
    pub body: PostInfo,
    pub comments: Vec<PostInfo>,
    pub history: Vec<HistoryInfo>,
    pub merged_into: Option<(i64, String)>,
    pub merged_here: Vec<(i64, String)>,
    pub created: String,
    pub views: i64,
    pub signed_in: bool,
    pub voted: bool,
    pub following: bool,
    /// The viewer voted for it before it shipped: asked "did this solve your problem?".
    pub survey_asked: bool,
    pub survey_answer: Option<String>,
    pub can_comment: bool,
    pub product_team: bool,
    pub voters_by_tier: Vec<TierVoters>,
    pub survey: Option<SurveyInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedItem {
    pub id: i64,
    pub title: String,
    pub shipped: String,
    pub shipped_iso: String,
    pub voters: i32,
    pub note_html: String,
    pub product: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedView {
    pub items: Vec<ShippedItem>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaFormData {
    pub products: Vec<(i64, String)>,
}

#[cfg(feature = "ssr")]
fn when(at: chrono::DateTime<chrono::Utc>) -> (String, String) {
    (at.format("%b %-d, %Y").to_string(), at.to_rfc3339())
}

/// The board: `sort` trending | votes | recent; `status`; `product` and `tier` slugs.
#[server(endpoint = "ideas/board")]
pub async fn ideas_board(
    sort: Option<String>,
    status: Option<String>,
    product: Option<String>,
    tier: Option<String>,
    after: Option<String>,
) -> Result<IdeaBoard, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::actor();
    let product_team = actor.as_ref().is_some_and(domain::ideas::is_product_team);
    let query = domain::ideas::BoardQuery {
        sort: domain::ideas::IdeaSort::parse(sort.as_deref()).map_err(ssr::to_app_error)?,
        status: domain::ideas::StatusFilter::parse(status.as_deref()).map_err(ssr::to_app_error)?,
        product: product.clone().filter(|p| !p.is_empty()),
        tier: tier.clone().filter(|t| !t.is_empty()),
        after,
        limit: 30,
    };
    let list = domain::ideas::list_ideas(&hearth, actor.as_ref(), &query)
        .await
        .map_err(ssr::to_app_error)?;
    let products = domain::qa::list_products(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    let tiers = if product_team {
        domain::club::list_tiers(&hearth)
            .await
            .map_err(ssr::to_app_error)?
    } else {
        Vec::new()
    };
    Ok(IdeaBoard {
        sort: query.sort.as_str().to_owned(),
        status: query.status.as_str().to_owned(),
        product: query.product.unwrap_or_default(),
        tier: query.tier.unwrap_or_default(),
        products: products.into_iter().map(|p| (p.slug, p.name)).collect(),
        tiers: tiers.into_iter().map(|t| (t.slug, t.name)).collect(),
        signed_in: actor.is_some(),
        product_team,
        items: list
            .items
            .into_iter()
            .map(|i| {
                let (created, created_iso) = when(i.created_at);
                IdeaItem {
                    product: i.product_slug.zip(i.product_name),
                    id: i.id,
                    title: i.title,
                    status: i.status,
                    votes: i.votes,
                    tier_votes: i.tier_votes,
                    comments: i.comment_count,
                    author: i.author_username,
                    voted: i.my_vote,
                    created,
                    created_iso,
                }
            })
            .collect(),
        next: list.next,
    })
}

/// The catalogue for the submit form.
#[server(endpoint = "ideas/form")]
pub async fn submit_form_data() -> Result<IdeaFormData, AppError> {
    let hearth = ssr::hearth()?;
    let products = domain::qa::list_products(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(IdeaFormData {
        products: products.into_iter().map(|p| (p.id.0, p.name)).collect(),
    })
}

/// The submit form: `idea[title]`, `idea[body]`, `idea[product]` (a product id or empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub product: String,
}

/// Submits an idea.
#[server(endpoint = "ideas/submit")]
pub async fn submit_idea(idea: IdeaForm) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let values = [
        ("title", idea.title.as_str()),
        ("body", idea.body.as_str()),
        ("product", idea.product.as_str()),
    ];
    let product_id = match idea.product.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            ssr::to_app_error(domain::DomainError::invalid(
                "product_id",
                "choose a product from the list",
            ))
            .with_values(&values)
        })?),
    };
    let input = domain::ideas::NewIdeaInput {
        title: idea.title.clone(),
        body: idea.body.clone(),
        product_id,
        category_id: None,
    };
    let id = domain::ideas::submit(&hearth, &actor, &input)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&values))?;
    leptos_actix::redirect(&format!("/ideas/{id}"));
    Ok(())
}

/// An idea's page. Counts the view.
#[server(endpoint = "ideas/idea")]
pub async fn idea(id: i64) -> Result<IdeaView, AppError> {
    use domain::ids::TopicId;
    let hearth = ssr::hearth()?;
    let actor = ssr::actor();
    let viewer = domain::forums::Viewer::of(actor.as_ref());
    let page = domain::ideas::idea_page(&hearth, actor.as_ref(), TopicId(id))
        .await
        .map_err(ssr::to_app_error)?;
    if let Err(e) = domain::forums::view_counts::record_view(&hearth, TopicId(id)).await {
        tracing::warn!(error = %e, "view not counted");
    }
    let signed_in = actor.is_some();
    let merged = page.idea.merged_into_id.is_some();
    let post = |p| super::forums::post_info(p, &viewer);
    let team = page.team;
    Ok(IdeaView {
        id,
        title: page.topic.title.clone(),
        status: page.idea.status.clone(),
        votes: page.idea.vote_count,
        category_slug: page.category.slug.clone(),
        category_name: page.category.name.clone(),
        category_color: page.category.color.clone(),
        product: page.idea.product_slug.clone().zip(page.idea.product_name.clone()),
        created: when(page.topic.created_at).0,
        views: page.topic.view_count,
        signed_in,
        voted: page.idea.my_vote,
        following: page.idea.following,
        survey_asked: page.idea.survey_asked,
        survey_answer: page.idea.survey_answer.clone(),
        can_comment: signed_in && !merged && (!page.topic.locked || viewer.manages_topics()),
        product_team: actor.as_ref().is_some_and(domain::ideas::is_product_team),
        merged_into: page
            .idea
            .merged_into_id
            .map(|t| (t, page.idea.merged_into_title.clone().unwrap_or_default())),
        merged_here: page.merged_here.into_iter().map(|m| (m.id, m.title)).collect(),
        history: page
            .history
            .into_iter()
            .map(|h| {
                let (at, at_iso) = when(h.created_at);
                HistoryInfo {
                    id: h.id,
                    from: h.from_status,
                    to: h.to_status,
                    merged_into: h.merged_into_id,
                    note_html: h.note_html,
                    by: h.actor_username,
                    at,
                    at_iso,
                }
            })
            .collect(),
        voters_by_tier: team
            .as_ref()
            .map(|t| {
                t.voters_by_tier
                    .iter()
                    .map(|c| TierVoters {
                        name: c.name.clone(),
                        voters: c.voters,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        survey: team.map(|t| SurveyInfo {
            asked: t.survey.asked,
            yes: t.survey.yes,
            partly: t.survey.partly,
            no: t.survey.no,
            pending: t.survey.pending(),
        }),
        body: post(page.body),
        comments: page.comments.into_iter().map(post).collect(),
    })
}

/// Where a vote from the board returns: a path on the board, else the idea.
#[cfg(feature = "ssr")]
fn back_to(back: Option<String>, idea_id: i64, anchor: &str) -> String {
    match back {
        Some(b) if b.starts_with("/ideas") && !b.starts_with("//") && !b.contains(['\\', '\r', '\n']) => b,
        _ => format!("/ideas/{idea_id}#{anchor}"),
    }
}

/// Votes for an idea (`on` = "1") or takes the vote back.
#[server(endpoint = "ideas/vote")]
pub async fn vote_idea(idea_id: i64, on: String, back: Option<String>) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::ideas::vote(&hearth, &actor, domain::ids::TopicId(idea_id), on == "1")
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&back_to(back, idea_id, "votes"));
    Ok(())
}

/// Follows an idea (`on` = "1") or stops following it.
#[server(endpoint = "ideas/follow")]
pub async fn follow_idea(idea_id: i64, on: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::ideas::follow(&hearth, &actor, domain::ids::TopicId(idea_id), on == "1")
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/ideas/{idea_id}#votes"));
    Ok(())
}

/// Comments on an idea.
#[server(endpoint = "ideas/comment")]
pub async fn comment_idea(idea_id: i64, body: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let post = domain::ideas::comment(&hearth, &actor, domain::ids::TopicId(idea_id), &body)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("body", &body)]))?;
    leptos_actix::redirect(&format!("/ideas/{idea_id}#post-{}", post.post_number));
    Ok(())
}

/// Moves an idea to a status with a public note (product team).
#[server(endpoint = "ideas/status")]
pub async fn set_idea_status(idea_id: i64, status: String, note: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::ideas::change_status(&hearth, &actor, domain::ids::TopicId(idea_id), &status, &note)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("status", &status), ("note", &note)]))?;
    leptos_actix::redirect(&format!("/ideas/{idea_id}#history"));
    Ok(())
}

/// Merges this idea into another (product team): `into_id` is the other idea's number (`123`, `#123` or its
/// address).
#[server(endpoint = "ideas/merge")]
pub async fn merge_idea(idea_id: i64, into_id: String, note: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let values = [("into_id", into_id.as_str()), ("note", note.as_str())];
    let digits: String = into_id
        .trim()
        .trim_end_matches('/')
        .rsplit(['/', '#'])
        .next()
        .unwrap_or("")
        .to_owned();
    let target = digits.parse::<i64>().map_err(|_| {
        ssr::to_app_error(domain::DomainError::invalid(
            "into_id",
            "give the number of the idea to merge into (like 123)",
        ))
        .with_values(&values)
    })?;
    domain::ideas::merge(
        &hearth,
        &actor,
        domain::ids::TopicId(idea_id),
        domain::ids::TopicId(target),
        Some(note.as_str()),
    )
    .await
    .map_err(|e| ssr::to_app_error(e).with_values(&values))?;
    leptos_actix::redirect(&format!("/ideas/{target}"));
    Ok(())
}

/// Answers "Did this solve your problem?".
#[server(endpoint = "ideas/survey")]
pub async fn answer_idea_survey(idea_id: i64, answer: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::ideas::answer_survey(&hearth, &actor, domain::ids::TopicId(idea_id), &answer)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/ideas/{idea_id}?answered=1#survey"));
    Ok(())
}

/// "You asked, we built".
#[server(endpoint = "ideas/shipped")]
pub async fn shipped_ideas(after: Option<String>) -> Result<ShippedView, AppError> {
    let hearth = ssr::hearth()?;
    let viewer = domain::forums::Viewer::of(ssr::actor().as_ref());
    let after = domain::forums::views::parse_cursor(after.as_deref()).map_err(ssr::to_app_error)?;
    let (items, next) = domain::ideas::shipped(&hearth, &viewer, after, 30)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(ShippedView {
        items: items
            .into_iter()
            .map(|s| {
                let (shipped, shipped_iso) = when(s.shipped_at);
                ShippedItem {
                    id: s.id,
                    title: s.title,
                    shipped,
                    shipped_iso,
                    voters: s.voters,
                    note_html: s.note_html,
                    product: s.product_name,
                }
            })
            .collect(),
        next,
    })
}
