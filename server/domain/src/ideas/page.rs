//! One idea as its page (and the API) shows it: status, public history with notes, votes, comments, what it
//! was merged into or what was merged into it; for the product team, voters by club tier and the survey.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde::Serialize;

use super::voting::{SurveySummary, survey_summary};
use super::{IdeaStatus, is_product_team};
use crate::accounts::Actor;
use crate::forums::views::{PostView, TopicDetail};
use crate::forums::{Category, Viewer};
use crate::ids::TopicId;
use crate::{DomainError, DomainResult, Hearth, db};

/// Most comments an idea page shows.
pub const MAX_COMMENTS: i32 = 500;

#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct IdeaRow {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub merged_into_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub merged_into_title: Option<String>,
    #[diesel(sql_type = Integer)]
    pub vote_count: i32,
    #[diesel(sql_type = Double)]
    pub trending: f64,
    #[diesel(sql_type = Timestamptz)]
    pub status_changed_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub shipped_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub product_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub product_slug: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub product_name: Option<String>,
    #[diesel(sql_type = Bool)]
    pub my_vote: bool,
    #[diesel(sql_type = Bool)]
    pub following: bool,
    /// The viewer's survey: asked (`Some`), with their answer if they gave one.
    #[diesel(sql_type = Bool)]
    pub survey_asked: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub survey_answer: Option<String>,
}

impl IdeaRow {
    pub fn status(&self) -> IdeaStatus {
        IdeaStatus::parse(&self.status).unwrap_or(IdeaStatus::New)
    }
}

/// One entry of the public status history.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct StatusChangeView {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub from_status: String,
    #[diesel(sql_type = Text)]
    pub to_status: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub merged_into_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub note_md: String,
    #[diesel(sql_type = Text)]
    pub note_html: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor_username: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// An idea merged into this one.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct MergedIdea {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
}

/// Voters of one club tier (or outside the club).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct TierCount {
    /// A tier's slug, `club` (member without a tier) or `none` (not in the club).
    #[diesel(sql_type = Text)]
    pub tier: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub voters: i64,
}

/// What only the product team sees on an idea.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamView {
    pub voters_by_tier: Vec<TierCount>,
    pub survey: SurveySummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdeaPage {
    pub topic: TopicDetail,
    pub category: Category,
    pub idea: IdeaRow,
    /// The idea's own text (post number 1).
    pub body: PostView,
    /// Comments, oldest first (at most [`MAX_COMMENTS`]).
    pub comments: Vec<PostView>,
    /// Oldest first.
    pub history: Vec<StatusChangeView>,
    pub merged_here: Vec<MergedIdea>,
    /// For the product team and admins.
    pub team: Option<TeamView>,
}

pub async fn idea_page(hearth: &Hearth, actor: Option<&Actor>, idea: TopicId) -> DomainResult<IdeaPage> {
    let viewer = Viewer::of(actor);
    let mut conn = db::conn(hearth.db()).await?;
    let (topic, category) = crate::forums::views::topic_detail(hearth, &mut conn, &viewer, idea).await?;
    let row: IdeaRow = db::prepared_sql(
        "SELECT i.status, i.merged_into_id, mt.title AS merged_into_title, i.vote_count, i.trending,
                i.status_changed_at, i.shipped_at, i.product_id, p.slug AS product_slug, p.name AS product_name,
                EXISTS (SELECT 1 FROM idea_votes v WHERE v.idea_id = i.topic_id AND v.user_id = $2) AS my_vote,
                EXISTS (SELECT 1 FROM idea_followers f WHERE f.idea_id = i.topic_id AND f.user_id = $2) AS following,
                s.user_id IS NOT NULL AS survey_asked, s.answer AS survey_answer
         FROM ideas i
         LEFT JOIN topics mt ON mt.id = i.merged_into_id
         LEFT JOIN products p ON p.id = i.product_id
         LEFT JOIN idea_surveys s ON s.idea_id = i.topic_id AND s.user_id = $2
         WHERE i.topic_id = $1",
    )
    .bind::<BigInt, _>(idea.0)
    .bind::<BigInt, _>(viewer.user_id.map(|u| u.0).unwrap_or(0))
    .get_result(&mut conn)
    .await
    .optional()?
    .ok_or(DomainError::NotFound("idea"))?;
    let mut posts =
        crate::forums::views::posts_between(&mut conn, &viewer, idea, 0, MAX_COMMENTS + 1).await?;
    if <[PostView]>::first(&posts).is_none_or(|p| p.post_number != 1) {
        return Err(DomainError::NotFound("idea"));
    }
    let body = posts.remove(0);
    let history: Vec<StatusChangeView> = db::prepared_sql(
        "SELECT s.id, s.from_status, s.to_status, s.merged_into_id, s.note_md, s.note_html,
                u.username AS actor_username, s.created_at
         FROM idea_status_changes s LEFT JOIN users u ON u.id = s.actor_id
         WHERE s.idea_id = $1 ORDER BY s.id",
    )
    .bind::<BigInt, _>(idea.0)
    .load(&mut conn)
    .await?;
    let merged_here: Vec<MergedIdea> = db::prepared_sql(
        "SELECT i.topic_id AS id, t.title FROM ideas i JOIN topics t ON t.id = i.topic_id
         WHERE i.merged_into_id = $1 ORDER BY i.topic_id",
    )
    .bind::<BigInt, _>(idea.0)
    .load(&mut conn)
    .await?;
    let team = if actor.is_some_and(is_product_team) {
        let voters_by_tier: Vec<TierCount> = diesel::sql_query(
            "SELECT COALESCE(ct.slug, CASE WHEN m.user_id IS NULL THEN 'none' ELSE 'club' END) AS tier,
                    COALESCE(ct.name, CASE WHEN m.user_id IS NULL THEN 'Not in the club' ELSE 'Club, no tier' END) AS name,
                    count(*) AS voters
             FROM idea_votes v
             LEFT JOIN club_members m ON m.user_id = v.user_id
             LEFT JOIN club_tiers ct ON ct.id = m.tier_id
             WHERE v.idea_id = $1
             GROUP BY 1, 2, COALESCE(ct.rank, CASE WHEN m.user_id IS NULL THEN -1000000 ELSE -999999 END)
             ORDER BY COALESCE(ct.rank, CASE WHEN m.user_id IS NULL THEN -1000000 ELSE -999999 END) DESC",
        )
        .bind::<BigInt, _>(idea.0)
        .load(&mut conn)
        .await?;
        Some(TeamView {
            voters_by_tier,
            survey: survey_summary(&mut conn, idea).await?,
        })
    } else {
        None
    };
    Ok(IdeaPage {
        topic,
        category,
        idea: row,
        body,
        comments: posts,
        history,
        merged_here,
        team,
    })
}
