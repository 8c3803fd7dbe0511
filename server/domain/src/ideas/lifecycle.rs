//! Submitting an idea, commenting, and the product team's actions: status changes with a public note, and
//! merging a duplicate. Each action and its notifications are one transaction under the idea's row lock, and
//! repeating a request (a retry) changes nothing the second time and notifies nobody twice.

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::{IdeaStatus, require_product_team};
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::forums::{NewTopicInput, NewTopicKind, PostRow, ReplyInput, Viewer};
use crate::ids::{ProductId, TopicId, UserId};
use crate::schema::{idea_followers, ideas, products};
use crate::{DomainError, DomainResult, Hearth, db, markdown};

/// Longest public note on a status change.
pub const NOTE_MAX: usize = 2_000;

/// A new idea.
#[derive(Debug, Clone, Default)]
pub struct NewIdeaInput {
    pub title: String,
    pub body: String,
    pub product_id: Option<i64>,
    /// `None`: the `ideas` category.
    pub category_id: Option<i64>,
}

/// Submits an idea: a topic of kind `idea` in the ideas category (or the one named), optionally about a
/// product. The author follows it.
pub async fn submit(hearth: &Hearth, actor: &Actor, input: &NewIdeaInput) -> DomainResult<TopicId> {
    let product =
        match input.product_id {
            None => None,
            Some(id) => {
                let mut conn = db::conn(hearth.db()).await?;
                let found: Option<ProductId> = products::table
                    .find(ProductId(id))
                    .select(products::id)
                    .first(&mut conn)
                    .await
                    .optional()?;
                Some(found.ok_or_else(|| {
                    DomainError::invalid("product_id", "choose a product from the catalogue")
                })?)
            }
        };
    let category_id = match input.category_id {
        Some(id) => id,
        None => {
            crate::forums::category_by_slug(hearth, &Viewer::of(Some(actor)), super::DEFAULT_CATEGORY)
                .await
                .map_err(|_| DomainError::invalid("category_id", "choose a category for the idea"))?
                .id
                .0
        }
    };
    let topic_input = NewTopicInput {
        category_id,
        title: input.title.clone(),
        body: input.body.clone(),
    };
    let (topic, _) =
        crate::forums::create_topic_of_kind(hearth, actor, &topic_input, NewTopicKind::Idea(product)).await?;
    Ok(topic.id)
}

/// Inside the transaction that creates an idea topic: its row, and the author as its first follower.
pub(crate) async fn on_idea_created(
    conn: &mut AsyncPgConnection,
    topic: TopicId,
    author: UserId,
    product: Option<ProductId>,
) -> DomainResult<()> {
    diesel::insert_into(ideas::table)
        .values((ideas::topic_id.eq(topic), ideas::product_id.eq(product)))
        .execute(conn)
        .await?;
    diesel::insert_into(idea_followers::table)
        .values((
            idea_followers::idea_id.eq(topic),
            idea_followers::user_id.eq(author),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// An idea's status and where it was merged, if it was.
pub(crate) async fn idea_state(
    conn: &mut AsyncPgConnection,
    idea: TopicId,
) -> DomainResult<(IdeaStatus, Option<TopicId>)> {
    let row: Option<(String, Option<i64>)> = ideas::table
        .find(idea)
        .select((ideas::status, ideas::merged_into_id))
        .first(conn)
        .await
        .optional()?;
    let (status, merged) = row.ok_or(DomainError::NotFound("idea"))?;
    let status = IdeaStatus::parse(&status).ok_or_else(|| DomainError::internal("unknown idea status"))?;
    Ok((status, merged.map(TopicId)))
}

pub(crate) fn merged_conflict(into: Option<TopicId>) -> DomainError {
    match into {
        Some(target) => DomainError::conflict(
            "idea",
            format!("This idea was merged into idea #{target}; continue there."),
        ),
        None => DomainError::conflict("idea", "This idea was merged into another; it is closed."),
    }
}

/// Comments on an idea (a reply to its topic: the forums' rules on visibility, locks and pace apply).
/// Merged ideas take no comments: their conversation continues on the idea they were merged into.
pub async fn comment(hearth: &Hearth, actor: &Actor, idea: TopicId, body: &str) -> DomainResult<PostRow> {
    let mut conn = db::conn(hearth.db()).await?;
    let (status, merged) = idea_state(&mut conn, idea).await?;
    drop(conn);
    if status == IdeaStatus::Merged {
        return Err(merged_conflict(merged));
    }
    let input = ReplyInput {
        body: body.to_owned(),
        quote_post_id: None,
    };
    crate::forums::reply(hearth, actor, idea, &input).await
}

/// What a status change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusOutcome {
    /// `false` when the idea already had that status (a repeated request): nothing was written.
    pub changed: bool,
    pub status: IdeaStatus,
    /// Members notified (voters and followers, never the actor).
    pub notified: usize,
}

fn parse_note(note: &str) -> DomainResult<String> {
    let note = note.trim();
    if note.is_empty() {
        return Err(DomainError::invalid(
            "note",
            "write a public note: voters read it with the change",
        ));
    }
    if note.chars().count() > NOTE_MAX {
        return Err(DomainError::invalid("note", "must be at most 2,000 characters"));
    }
    Ok(note.to_owned())
}

/// Everyone who hears about an idea: its voters and followers, each once, never the actor. As SQL over
/// `$1` = idea, `$2` = actor.
const AUDIENCE: &str = "SELECT user_id FROM idea_votes WHERE idea_id = $1 AND user_id <> $2
                        UNION SELECT user_id FROM idea_followers WHERE idea_id = $1 AND user_id <> $2";

/// Moves an idea to another status with a public note (the product team and admins). The change, its
/// history row, its audit row and one notification per voter and follower are one transaction; voters of an
/// idea that ships are asked, once, whether it solved their problem. Asking for the status the idea already
/// has changes nothing (a retried request notifies nobody twice).
pub async fn change_status(
    hearth: &Hearth,
    actor: &Actor,
    idea: TopicId,
    status: &str,
    note: &str,
) -> DomainResult<StatusOutcome> {
    require_product_team(actor, "change an idea's status")?;
    let mut errors = crate::FieldErrors::new();
    let to = errors.check(
        "status",
        IdeaStatus::parse(status)
            .filter(|s| *s != IdeaStatus::Merged)
            .ok_or_else(|| {
                "must be one of new, under_review, planned, in_progress, shipped, declined".to_owned()
            }),
    );
    let note = errors.check(
        "note",
        parse_note(note).map_err(|e| match e {
            DomainError::Invalid(f) => f.0.into_values().next().unwrap_or_default(),
            other => other.to_string(),
        }),
    );
    errors.into_result()?;
    let (Some(to), Some(note)) = (to, note) else {
        return Err(DomainError::internal("validated input missing"));
    };
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let (topic, _) = crate::forums::views::topic_detail(hearth, &mut conn, &viewer, idea).await?;
    let note_html = markdown::render(&note);
    let actor_id = actor.id;
    conn.transaction::<StatusOutcome, DomainError, _>(async |conn| {
        let from: String = ideas::table
            .find(idea)
            .select(ideas::status)
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("idea"))?;
        let from = IdeaStatus::parse(&from).ok_or_else(|| DomainError::internal("unknown idea status"))?;
        if from == to {
            return Ok(StatusOutcome {
                changed: false,
                status: to,
                notified: 0,
            });
        }
        from.check_move(to).map_err(|m| DomainError::conflict("status", m))?;
        diesel::sql_query(
            "UPDATE ideas SET status = $2, status_changed_at = now(), updated_at = now(),
                    shipped_at = CASE WHEN $2 = 'shipped' THEN now() ELSE shipped_at END
             WHERE topic_id = $1",
        )
        .bind::<BigInt, _>(idea.0)
        .bind::<Text, _>(to.as_str())
        .execute(conn)
        .await?;
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        let change: Id = diesel::sql_query(
            "INSERT INTO idea_status_changes (idea_id, actor_id, from_status, to_status, note_md, note_html)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind::<BigInt, _>(idea.0)
        .bind::<BigInt, _>(actor_id.0)
        .bind::<Text, _>(from.as_str())
        .bind::<Text, _>(to.as_str())
        .bind::<Text, _>(&note)
        .bind::<Text, _>(&note_html)
        .get_result(conn)
        .await?;
        let (title, url) = if to == IdeaStatus::Shipped {
            (
                format!("Shipped: {} — did it solve your problem?", topic.title),
                format!("/ideas/{idea}#survey"),
            )
        } else {
            (
                format!("{}: {}", to.label(), topic.title),
                format!("/ideas/{idea}#status-{}", change.id),
            )
        };
        let notified = diesel::sql_query(format!(
            "INSERT INTO notifications (user_id, kind, actor_id, topic_id, title, url, dedupe_key)
             SELECT a.user_id, 'idea.status', $2, $1, $3, $4, $5 FROM ({AUDIENCE}) a
             ON CONFLICT (user_id, dedupe_key) DO NOTHING"
        ))
        .bind::<BigInt, _>(idea.0)
        .bind::<BigInt, _>(actor_id.0)
        .bind::<Text, _>(&title)
        .bind::<Text, _>(&url)
        .bind::<Text, _>(format!("idea.status:{}", change.id))
        .execute(conn)
        .await?;
        if to == IdeaStatus::Shipped {
            // Asked once: shipping again after a reopening asks nobody twice.
            diesel::sql_query(
                "INSERT INTO idea_surveys (idea_id, user_id) SELECT idea_id, user_id FROM idea_votes WHERE idea_id = $1
                 ON CONFLICT DO NOTHING",
            )
            .bind::<BigInt, _>(idea.0)
            .execute(conn)
            .await?;
        }
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "idea.status".into(),
                target_type: "idea".into(),
                target_id: Some(idea.0),
                before: Some(json!({ "status": from.as_str() })),
                after: Some(json!({ "status": to.as_str() })),
                reason: note.clone(),
            },
        )
        .await?;
        crate::webhooks::payloads::idea_status_changed(conn, change.id).await?;
        Ok(StatusOutcome {
            changed: true,
            status: to,
            notified,
        })
    })
    .await
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOutcome {
    /// `false` when the duplicate was already merged into that idea (a repeated request).
    pub changed: bool,
    /// Votes that moved (voters of both count once).
    pub moved_votes: usize,
    /// The target's votes after the merge.
    pub target_votes: i32,
    pub notified: usize,
}

/// The weight, now, of votes cast at `created_at` in the trending score: 0.5^(age / 7 days) within 30
/// days, nothing after.
/// (In float8: `extract` gives numeric, whose `power` is ten times slower over a month of votes.)
pub const TRENDING_WEIGHT: &str = "CASE WHEN created_at > now() - interval '30 days'
     THEN power(0.5::float8, extract(epoch FROM now() - created_at)::float8 / 604800.0::float8) ELSE 0 END";

/// Merges a duplicate into another idea (the product team and admins): the duplicate's voters and followers
/// move to the target (a member who voted for both counts once), the duplicate is closed and locked — its
/// comments stay readable, with a link to the target — and its voters and followers are told once.
pub async fn merge(
    hearth: &Hearth,
    actor: &Actor,
    duplicate: TopicId,
    into: TopicId,
    note: Option<&str>,
) -> DomainResult<MergeOutcome> {
    require_product_team(actor, "merge ideas")?;
    if duplicate == into {
        return Err(DomainError::invalid(
            "into_id",
            "an idea cannot be merged into itself",
        ));
    }
    let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(parse_note(n)?),
        None => None,
    };
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let (dup_topic, _) = crate::forums::views::topic_detail(hearth, &mut conn, &viewer, duplicate).await?;
    let (target_topic, _) = crate::forums::views::topic_detail(hearth, &mut conn, &viewer, into)
        .await
        .map_err(|_| DomainError::invalid("into_id", "no such idea"))?;
    let note = note.unwrap_or_else(|| format!("Merged into “{}”.", target_topic.title));
    let note_html = markdown::render(&note);
    let actor_id = actor.id;
    conn.transaction::<MergeOutcome, DomainError, _>(async |conn| {
        // Both rows locked, in id order (two merges of the same pair cannot deadlock).
        let rows: Vec<(i64, String, Option<i64>, i32)> = ideas::table
            .filter(ideas::topic_id.eq_any([duplicate.0, into.0]))
            .select((ideas::topic_id, ideas::status, ideas::merged_into_id, ideas::vote_count))
            .order(ideas::topic_id)
            .for_update()
            .load(conn)
            .await?;
        let find = |id: TopicId| rows.iter().find(|r| r.0 == id.0).cloned();
        let dup = find(duplicate).ok_or(DomainError::NotFound("idea"))?;
        let target = find(into).ok_or_else(|| DomainError::invalid("into_id", "no such idea"))?;
        if dup.1 == "merged" {
            if dup.2 == Some(into.0) {
                return Ok(MergeOutcome {
                    changed: false,
                    moved_votes: 0,
                    target_votes: target.3,
                    notified: 0,
                });
            }
            return Err(merged_conflict(dup.2.map(TopicId)));
        }
        if target.1 == "merged" {
            return Err(DomainError::invalid(
                "into_id",
                format!(
                    "that idea was itself merged into idea #{}; merge into that one",
                    target.2.unwrap_or_default()
                ),
            ));
        }
        // Told first, while the duplicate still has its audience.
        let notified = diesel::sql_query(format!(
            "INSERT INTO notifications (user_id, kind, actor_id, topic_id, title, url, dedupe_key)
             SELECT a.user_id, 'idea.merged', $2, $3, $4, $5, $6 FROM ({AUDIENCE}) a
             ON CONFLICT (user_id, dedupe_key) DO NOTHING"
        ))
        .bind::<BigInt, _>(duplicate.0)
        .bind::<BigInt, _>(actor_id.0)
        .bind::<BigInt, _>(into.0)
        .bind::<Text, _>(format!(
            "“{}” was merged into “{}”: your vote and follow moved with it",
            dup_topic.title, target_topic.title
        ))
        .bind::<Text, _>(format!("/ideas/{into}"))
        .bind::<Text, _>(format!("idea.merged:{duplicate}"))
        .execute(conn)
        .await?;
        let moved_votes = diesel::sql_query(
            "INSERT INTO idea_votes (idea_id, user_id, created_at)
             SELECT $2, user_id, created_at FROM idea_votes WHERE idea_id = $1
             ON CONFLICT (idea_id, user_id) DO NOTHING",
        )
        .bind::<BigInt, _>(duplicate.0)
        .bind::<BigInt, _>(into.0)
        .execute(conn)
        .await?;
        diesel::sql_query(
            "INSERT INTO idea_followers (idea_id, user_id, created_at)
             SELECT $2, user_id, created_at FROM idea_followers WHERE idea_id = $1
             ON CONFLICT (idea_id, user_id) DO NOTHING",
        )
        .bind::<BigInt, _>(duplicate.0)
        .bind::<BigInt, _>(into.0)
        .execute(conn)
        .await?;
        diesel::sql_query("DELETE FROM idea_votes WHERE idea_id = $1")
            .bind::<BigInt, _>(duplicate.0)
            .execute(conn)
            .await?;
        diesel::sql_query("DELETE FROM idea_followers WHERE idea_id = $1")
            .bind::<BigInt, _>(duplicate.0)
            .execute(conn)
            .await?;
        #[derive(QueryableByName)]
        struct Votes {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            vote_count: i32,
        }
        let votes: Votes = diesel::sql_query(format!(
            "UPDATE ideas SET vote_count = (SELECT count(*) FROM idea_votes WHERE idea_id = $1),
                    trending = (SELECT COALESCE(sum({TRENDING_WEIGHT}), 0) FROM idea_votes WHERE idea_id = $1),
                    updated_at = now()
             WHERE topic_id = $1 RETURNING vote_count"
        ))
        .bind::<BigInt, _>(into.0)
        .get_result(conn)
        .await?;
        diesel::sql_query(
            "UPDATE ideas SET status = 'merged', merged_into_id = $2, vote_count = 0, trending = 0,
                    status_changed_at = now(), updated_at = now()
             WHERE topic_id = $1",
        )
        .bind::<BigInt, _>(duplicate.0)
        .bind::<BigInt, _>(into.0)
        .execute(conn)
        .await?;
        diesel::sql_query("UPDATE topics SET locked_at = COALESCE(locked_at, now()) WHERE id = $1")
            .bind::<BigInt, _>(duplicate.0)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "INSERT INTO idea_status_changes (idea_id, actor_id, from_status, to_status, merged_into_id, note_md, note_html)
             VALUES ($1, $2, $3, 'merged', $4, $5, $6)",
        )
        .bind::<BigInt, _>(duplicate.0)
        .bind::<Nullable<BigInt>, _>(Some(actor_id.0))
        .bind::<Text, _>(&dup.1)
        .bind::<BigInt, _>(into.0)
        .bind::<Text, _>(&note)
        .bind::<Text, _>(&note_html)
        .execute(conn)
        .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "idea.merge".into(),
                target_type: "idea".into(),
                target_id: Some(duplicate.0),
                before: Some(json!({ "status": dup.1, "votes": dup.3, "target_votes": target.3 })),
                after: Some(json!({ "status": "merged", "merged_into": into.0, "target_votes": votes.vote_count })),
                reason: note.clone(),
            },
        )
        .await?;
        crate::webhooks::payloads::idea_merged(conn, duplicate, into, moved_votes as i64, actor_id).await?;
        Ok(MergeOutcome {
            changed: true,
            moved_votes,
            target_votes: votes.vote_count,
            notified,
        })
    })
    .await
}
