//! Voting on answers, accepting one, commenting. Every rule is enforced in PostgreSQL transactions: one vote
//! per member and answer (primary key), the score recomputed from the votes under the answer's row lock, and
//! one accepted answer per question (a single column, changed under the question's row lock).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::accounts::Actor;
use crate::forums::{MarkdownBody, Viewer};
use crate::ids::{PostId, TopicId, UserId};
use crate::notifications::{self, NewNotification};
use crate::ratelimit::{self, Limit};
use crate::schema::{answer_comments, answer_votes, answerer_stats, posts, questions, topics};
use crate::{DomainError, DomainResult, Hearth, db};

/// Voting pace of one member.
pub const VOTES_PER_MINUTE: Limit = Limit::new(60, 60);
/// Longest comment.
pub const COMMENT_MAX: usize = 1_000;

/// The answer a request names: a published reply of a question topic the viewer may see.
struct AnswerRef {
    post_id: PostId,
    topic_id: TopicId,
    author_id: UserId,
    asker_id: UserId,
    title: String,
}

async fn load_answer(
    hearth: &Hearth,
    conn: &mut AsyncPgConnection,
    viewer: &Viewer,
    post: PostId,
) -> DomainResult<AnswerRef> {
    let row: Option<(TopicId, i32, UserId, String, String)> = posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(post))
        .select((
            posts::topic_id,
            posts::post_number,
            posts::author_id,
            posts::status,
            topics::kind,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((topic_id, number, author_id, status, kind)) = row else {
        return Err(DomainError::NotFound("answer"));
    };
    if kind != "question" || number < 2 || status != "published" {
        return Err(DomainError::NotFound("answer"));
    }
    // Visibility of the question (club-only, team-only) decides.
    let (topic, _) = crate::forums::views::topic_detail(hearth, conn, viewer, topic_id).await?;
    Ok(AnswerRef {
        post_id: post,
        topic_id,
        author_id,
        asker_id: UserId(topic.author_id),
        title: topic.title,
    })
}

/// Votes on an answer: `1` up, `-1` down, `0` takes the vote back. One vote per member (changeable), never on
/// your own answer. Returns the answer's score: the sum of its votes in PostgreSQL.
pub async fn vote(hearth: &Hearth, actor: &Actor, post: PostId, value: i16) -> DomainResult<i32> {
    if !(-1..=1).contains(&value) {
        return Err(DomainError::invalid("value", "must be 1, -1 or 0"));
    }
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let answer = load_answer(hearth, &mut conn, &viewer, post).await?;
    if answer.author_id == actor.id {
        return Err(DomainError::forbidden("You cannot vote on your own answer."));
    }
    crate::moderation::vote_gate(hearth, actor).await?;
    ratelimit::hit(hearth.kv(), &format!("vote:min:{}", actor.id), VOTES_PER_MINUTE).await?;
    let voter = actor.id;
    conn.transaction::<i32, DomainError, _>(async |conn| {
        // The answer's row lock orders concurrent votes on it: each recount sees every committed vote.
        posts::table.find(answer.post_id).select(posts::id).for_update().first::<PostId>(conn).await?;
        if value == 0 {
            diesel::delete(answer_votes::table.find((answer.post_id, voter))).execute(conn).await?;
        } else {
            diesel::insert_into(answer_votes::table)
                .values((
                    answer_votes::post_id.eq(answer.post_id),
                    answer_votes::user_id.eq(voter),
                    answer_votes::value.eq(value),
                ))
                .on_conflict((answer_votes::post_id, answer_votes::user_id))
                .do_update()
                .set((answer_votes::value.eq(value), answer_votes::updated_at.eq(diesel::dsl::now)))
                .execute(conn)
                .await?;
        }
        #[derive(QueryableByName)]
        struct Score {
            #[diesel(sql_type = Integer)]
            score: i32,
        }
        let score: Score = diesel::sql_query(
            "UPDATE posts SET score = (SELECT COALESCE(sum(value), 0)::int FROM answer_votes WHERE post_id = $1)
             WHERE id = $1 RETURNING score",
        )
        .bind::<BigInt, _>(answer.post_id.0)
        .get_result(conn)
        .await?;
        Ok(score.score)
    })
    .await
}

/// Accepts an answer (the asker or staff). Accepting another answer moves the mark; only one answer of a
/// question is ever accepted, whatever the concurrency. The answer's author is told once.
pub async fn accept(hearth: &Hearth, actor: &Actor, post: PostId) -> DomainResult<()> {
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let answer = load_answer(hearth, &mut conn, &viewer, post).await?;
    if answer.asker_id != actor.id && !viewer.moderator {
        return Err(DomainError::forbidden(
            "Only the asker or staff can accept an answer.",
        ));
    }
    let actor_id = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| {
        let previous: Option<PostId> = questions::table
            .find(answer.topic_id)
            .select(questions::accepted_post_id)
            .for_update()
            .first(conn)
            .await?;
        if previous == Some(answer.post_id) {
            return Ok(());
        }
        diesel::sql_query(
            "UPDATE questions SET accepted_post_id = $2, state = 'accepted', accepted_at = COALESCE(accepted_at, now()),
                    updated_at = now()
             WHERE topic_id = $1",
        )
        .bind::<BigInt, _>(answer.topic_id.0)
        .bind::<BigInt, _>(answer.post_id.0)
        .execute(conn)
        .await?;
        if let Some(previous) = previous {
            let previous_author: Option<UserId> =
                posts::table.find(previous).select(posts::author_id).first(conn).await.optional()?;
            if let Some(author) = previous_author {
                diesel::update(answerer_stats::table.find(author))
                    .set(answerer_stats::accepted_answers.eq(answerer_stats::accepted_answers - 1))
                    .execute(conn)
                    .await?;
            }
        }
        diesel::insert_into(answerer_stats::table)
            .values((answerer_stats::user_id.eq(answer.author_id), answerer_stats::accepted_answers.eq(1)))
            .on_conflict(answerer_stats::user_id)
            .do_update()
            .set(answerer_stats::accepted_answers.eq(answerer_stats::accepted_answers + 1))
            .execute(conn)
            .await?;
        if answer.author_id != actor_id {
            notifications::notify_in(
                conn,
                &[NewNotification {
                    user_id: answer.author_id,
                    kind: "qa.accepted",
                    actor_id: Some(actor_id),
                    topic_id: Some(answer.topic_id),
                    post_id: Some(answer.post_id),
                    title: format!("Your answer was accepted: {}", answer.title),
                    url: format!("/q/{}#answer-{}", answer.topic_id, answer.post_id),
                    dedupe_key: format!("qa.accepted:{}", answer.post_id),
                }],
            )
            .await?;
        }
        crate::webhooks::payloads::answer_accepted(conn, answer.post_id, previous, actor_id).await?;
        Ok(())
    })
    .await
}

/// Comments on an answer (Markdown, at most 1,000 characters).
pub async fn comment(hearth: &Hearth, actor: &Actor, post: PostId, body: &str) -> DomainResult<i64> {
    let body = MarkdownBody::parse(body).map_err(|m| DomainError::invalid("body", m))?;
    if body.as_str().chars().count() > COMMENT_MAX {
        return Err(DomainError::invalid("body", "must be at most 1,000 characters"));
    }
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let answer = load_answer(hearth, &mut conn, &viewer, post).await?;
    let locked: bool = topics::table
        .find(answer.topic_id)
        .select(topics::locked_at.is_not_null())
        .first(&mut conn)
        .await?;
    if locked && !viewer.manages_topics() {
        return Err(DomainError::forbidden(
            "This question is locked; it takes no new comments.",
        ));
    }
    crate::forums::check_pace(hearth, actor).await?;
    let html = crate::forums::render_body(&mut conn, actor, &body).await?;
    let screened = crate::moderation::screen(&mut conn, actor, body.as_str(), &html).await?;
    conn.transaction::<i64, DomainError, _>(async |conn| {
        let id: i64 = diesel::insert_into(answer_comments::table)
            .values((
                answer_comments::post_id.eq(answer.post_id),
                answer_comments::author_id.eq(actor.id),
                answer_comments::body_md.eq(body.as_str()),
                answer_comments::body_html.eq(&html),
                answer_comments::status.eq(screened.status),
                answer_comments::held_reason.eq(&screened.held_reason),
            ))
            .returning(answer_comments::id)
            .get_result(conn)
            .await?;
        crate::moderation::after_write_in(conn, &screened, crate::moderation::Content::Comment(id), actor)
            .await?;
        Ok(id)
    })
    .await
}
