//! Votes (one per member and idea, retractable), following, the "did this solve your problem?" survey, and the
//! trending score. The vote count is the number of vote rows: it changes only in the transaction that adds or
//! removes a row, under the idea's row lock, so concurrent votes of many members all count and repeated votes
//! of one member count once.

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Text};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;

use super::IdeaStatus;
use super::lifecycle::{TRENDING_WEIGHT, idea_state, merged_conflict};
use crate::accounts::Actor;
use crate::forums::Viewer;
use crate::ids::TopicId;
use crate::ratelimit::{self, Limit};
use crate::schema::{idea_followers, ideas};
use crate::{DomainError, DomainResult, Hearth, db};

/// Voting pace of one member (ideas).
pub const IDEA_VOTES_PER_MINUTE: Limit = Limit::new(60, 60);

/// The viewer's vote after a vote request, and the idea's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VoteState {
    pub voted: bool,
    pub votes: i32,
}

/// Votes for an idea (`on`) or takes the vote back. Idempotent: voting twice keeps one vote, taking back a
/// vote that is not there changes nothing. Only ideas still open (new, under review, planned, in progress)
/// take votes.
pub async fn vote(hearth: &Hearth, actor: &Actor, idea: TopicId, on: bool) -> DomainResult<VoteState> {
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    crate::forums::views::topic_detail(hearth, &mut conn, &viewer, idea).await?;
    crate::moderation::vote_gate(hearth, actor).await?;
    ratelimit::hit(
        hearth.kv(),
        &format!("idea-vote:min:{}", actor.id),
        IDEA_VOTES_PER_MINUTE,
    )
    .await?;
    let voter = actor.id.0;
    conn.transaction::<VoteState, DomainError, _>(async |conn| {
        // The idea's row lock orders the votes on it and keeps a merge or a status change from interleaving.
        let (status, merged): (String, Option<i64>) = ideas::table
            .find(idea)
            .select((ideas::status, ideas::merged_into_id))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("idea"))?;
        let status = IdeaStatus::parse(&status).ok_or_else(|| DomainError::internal("unknown idea status"))?;
        if status == IdeaStatus::Merged {
            return Err(merged_conflict(merged.map(TopicId)));
        }
        if !status.is_open() {
            return Err(DomainError::conflict(
                "idea",
                format!("Voting is closed: this idea is {}.", status.label().to_lowercase()),
            ));
        }
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = Integer)]
            vote_count: i32,
        }
        let count: Count = if on {
            diesel::sql_query(
                "WITH added AS (INSERT INTO idea_votes (idea_id, user_id) VALUES ($1, $2)
                                ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING 1)
                 UPDATE ideas SET vote_count = vote_count + (SELECT count(*) FROM added)::int,
                        trending = trending + (SELECT count(*) FROM added)
                 WHERE topic_id = $1 RETURNING vote_count",
            )
            .bind::<BigInt, _>(idea.0)
            .bind::<BigInt, _>(voter)
            .get_result(conn)
            .await?
        } else {
            diesel::sql_query(format!(
                "WITH removed AS (DELETE FROM idea_votes WHERE idea_id = $1 AND user_id = $2 RETURNING created_at)
                 UPDATE ideas SET vote_count = vote_count - (SELECT count(*) FROM removed)::int,
                        trending = GREATEST(trending - (SELECT COALESCE(sum({TRENDING_WEIGHT}), 0) FROM removed), 0)
                 WHERE topic_id = $1 RETURNING vote_count"
            ))
            .bind::<BigInt, _>(idea.0)
            .bind::<BigInt, _>(voter)
            .get_result(conn)
            .await?
        };
        Ok(VoteState {
            voted: on,
            votes: count.vote_count,
        })
    })
    .await
}

/// Follows an idea without voting (`on`), or stops following it. Idempotent.
pub async fn follow(hearth: &Hearth, actor: &Actor, idea: TopicId, on: bool) -> DomainResult<bool> {
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    crate::forums::views::topic_detail(hearth, &mut conn, &viewer, idea).await?;
    let (status, merged) = idea_state(&mut conn, idea).await?;
    if status == IdeaStatus::Merged && on {
        return Err(merged_conflict(merged));
    }
    if on {
        diesel::insert_into(idea_followers::table)
            .values((
                idea_followers::idea_id.eq(idea),
                idea_followers::user_id.eq(actor.id),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await?;
    } else {
        diesel::delete(idea_followers::table.find((idea.0, actor.id.0)))
            .execute(&mut conn)
            .await?;
    }
    Ok(on)
}

/// An answer to "Did this solve your problem?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyAnswer {
    Yes,
    Partly,
    No,
}

impl SurveyAnswer {
    pub fn parse(raw: &str) -> Option<SurveyAnswer> {
        match raw.trim() {
            "yes" => Some(SurveyAnswer::Yes),
            "partly" => Some(SurveyAnswer::Partly),
            "no" => Some(SurveyAnswer::No),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SurveyAnswer::Yes => "yes",
            SurveyAnswer::Partly => "partly",
            SurveyAnswer::No => "no",
        }
    }
}

/// Answers the survey of a shipped idea. Only members who were asked (its voters when it shipped) answer;
/// answering again replaces the answer.
pub async fn answer_survey(hearth: &Hearth, actor: &Actor, idea: TopicId, answer: &str) -> DomainResult<()> {
    let answer = SurveyAnswer::parse(answer)
        .ok_or_else(|| DomainError::invalid("answer", "must be yes, partly or no"))?;
    let mut conn = db::conn(hearth.db()).await?;
    let updated = diesel::sql_query(
        "UPDATE idea_surveys SET answer = $3, answered_at = now() WHERE idea_id = $1 AND user_id = $2",
    )
    .bind::<BigInt, _>(idea.0)
    .bind::<BigInt, _>(actor.id.0)
    .bind::<Text, _>(answer.as_str())
    .execute(&mut conn)
    .await?;
    if updated == 0 {
        return Err(DomainError::forbidden(
            "Only members who voted for this idea when it shipped are asked.",
        ));
    }
    Ok(())
}

/// The survey's answers so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName, Serialize)]
pub struct SurveySummary {
    #[diesel(sql_type = BigInt)]
    pub asked: i64,
    #[diesel(sql_type = BigInt)]
    pub yes: i64,
    #[diesel(sql_type = BigInt)]
    pub partly: i64,
    #[diesel(sql_type = BigInt)]
    pub no: i64,
}

impl SurveySummary {
    pub fn pending(&self) -> i64 {
        self.asked - self.yes - self.partly - self.no
    }
}

pub(crate) async fn survey_summary(
    conn: &mut diesel_async::AsyncPgConnection,
    idea: TopicId,
) -> DomainResult<SurveySummary> {
    Ok(diesel::sql_query(
        "SELECT count(*) AS asked, count(*) FILTER (WHERE answer = 'yes') AS yes,
                count(*) FILTER (WHERE answer = 'partly') AS partly, count(*) FILTER (WHERE answer = 'no') AS no
         FROM idea_surveys WHERE idea_id = $1",
    )
    .bind::<BigInt, _>(idea.0)
    .get_result(conn)
    .await?)
}

/// How often the trending scores are recomputed from the votes.
pub const TRENDING_REFRESH: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs [`refresh_trending`] unless another instance did in this period (a Redis key taken with `SET NX`
/// marks the period). Returns the ideas updated, or `None` when it was not this instance's turn.
pub async fn refresh_trending_if_due(hearth: &Hearth) -> DomainResult<Option<usize>> {
    let ttl = TRENDING_REFRESH.as_secs().saturating_sub(10);
    if !hearth
        .kv()
        .set_nx_ex("ideas:trending-refreshed", "1", ttl)
        .await?
    {
        return Ok(None);
    }
    refresh_trending(hearth).await.map(Some)
}

/// Recomputes every trending score exactly from the votes of the last 30 days (each vote weighing
/// 0.5^(age / 7 days)). Votes add to the score at once; this pass applies the decay and drops votes older
/// than 30 days. Returns the number of ideas updated.
pub async fn refresh_trending(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(diesel::sql_query(format!(
        "WITH fresh AS (
            SELECT idea_id, sum({TRENDING_WEIGHT}) AS score FROM idea_votes
            WHERE created_at > now() - interval '30 days' GROUP BY idea_id),
          target AS (
            SELECT f.idea_id, f.score FROM fresh f
            UNION ALL
            SELECT i.topic_id, 0 FROM ideas i WHERE i.trending > 0 AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.idea_id = i.topic_id))
         UPDATE ideas i SET trending = t.score FROM target t
         WHERE i.topic_id = t.idea_id AND i.status <> 'merged' AND abs(i.trending - t.score) > $1"
    ))
    .bind::<Double, _>(1e-9)
    .execute(&mut conn)
    .await?)
}
