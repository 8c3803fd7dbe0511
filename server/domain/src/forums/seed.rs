//! Helpers for seeding demo and benchmark data.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::accounts::Actor;
use crate::schema::club_members;
use crate::{DomainResult, Hearth, db};

/// Makes a member a fan-club member (the club capability brings joining; seeds need it now).
pub async fn join_club(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    diesel::insert_into(club_members::table)
        .values(club_members::user_id.eq(actor.id))
        .on_conflict_do_nothing()
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// Spreads a freshly seeded demo over the last `days` days, so that it reads like a community and not like one
/// minute: topics in the order they were written, replies minutes to hours apart (questions answered after hours),
/// an idea's status changes a week or more apart, votes after the idea, members who entered the club over time,
/// view counts. One transaction, deterministic (hashes of the ids); done only while every post is
/// younger than three days (so a re-run of the seed, or a real community, is never rewritten). Answers whether it
/// ran.
pub async fn spread_history(hearth: &Hearth, days: i32) -> DomainResult<bool> {
    use diesel::sql_types::Integer;
    use diesel_async::AsyncConnection;
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<bool, crate::DomainError, _>(async |conn| {
        #[derive(QueryableByName)]
        struct Fresh {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            fresh: bool,
        }
        let fresh: Fresh = diesel::sql_query(
            "SELECT COALESCE(min(created_at) > now() - interval '3 days', false) AS fresh FROM posts",
        )
        .get_result(conn)
        .await?;
        if !fresh.fresh {
            return Ok(false);
        }
        const STEPS: &[&str] = &[
            // Topics from `days` ago to two days ago, in the order they were written, at varied times of day.
            "WITH r AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM topics)
             UPDATE topics t
                SET created_at = now() - make_interval(days => $1)
                                 + (make_interval(days => $1 - 2) * r.n / greatest(r.total, 1))
                                 + make_interval(mins => (abs(hashint8(t.id)::bigint) % 600)::int)
               FROM r WHERE r.id = t.id",
            // Posts: the first when the topic was opened, each reply 20 minutes to 30 hours after the one before.
            "WITH g AS (
               SELECT p.id, t.created_at + sum(CASE WHEN p.post_number = 1 THEN interval '0'
                        ELSE make_interval(mins => (20 + abs(hashint8(p.id)::bigint) % 1780)::int) END)
                        OVER (PARTITION BY p.topic_id ORDER BY p.post_number) AS at
                 FROM posts p JOIN topics t ON t.id = p.topic_id)
             UPDATE posts p
                SET created_at = least(g.at, now() - interval '10 minutes'),
                    updated_at = least(g.at, now() - interval '10 minutes'),
                    edited_at = CASE WHEN p.edited_at IS NULL THEN NULL
                                     ELSE least(g.at + interval '2 hours', now() - interval '5 minutes') END
               FROM g WHERE g.id = p.id",
            "UPDATE post_revisions r SET created_at = p.created_at FROM posts p WHERE p.id = r.post_id",
            "UPDATE topics t
                SET last_posted_at = COALESCE(
                      (SELECT max(p.created_at) FROM posts p WHERE p.topic_id = t.id AND p.status = 'published'),
                      t.created_at),
                    updated_at = t.created_at,
                    pinned_at = CASE WHEN t.pinned_at IS NULL THEN NULL ELSE t.created_at + interval '1 hour' END,
                    view_count = CASE WHEN t.view_count < 5
                                      THEN 12 + abs(hashint8(t.id + 7)::bigint) % 380 + 9 * t.reply_count
                                      ELSE t.view_count END",
            "UPDATE questions q
                SET asked_at = t.created_at, created_at = t.created_at, updated_at = t.created_at,
                    first_answer_at = CASE WHEN q.first_answer_at IS NULL THEN NULL ELSE
                      (SELECT min(p.created_at) FROM posts p WHERE p.topic_id = q.topic_id AND p.post_number > 1) END,
                    accepted_at = CASE WHEN q.accepted_post_id IS NULL THEN NULL ELSE
                      least((SELECT p.created_at FROM posts p WHERE p.id = q.accepted_post_id) + interval '5 hours',
                            now() - interval '5 minutes') END
               FROM topics t WHERE t.id = q.topic_id",
            "UPDATE answer_votes v SET created_at = least(p.created_at + make_interval(mins => (30 + abs(hashint8(v.user_id * 31 + v.post_id)::bigint) % 2000)::int),
                                                        now() - interval '5 minutes'),
                                      updated_at = least(p.created_at + interval '30 minutes', now() - interval '5 minutes')
               FROM posts p WHERE p.id = v.post_id",
            "UPDATE answer_comments c SET created_at = least(p.created_at + interval '3 hours', now() - interval '5 minutes')
               FROM posts p WHERE p.id = c.post_id",
            // Ideas: status changes a week or more apart (the last no later than yesterday), votes after the idea.
            "UPDATE ideas i SET created_at = t.created_at FROM topics t WHERE t.id = i.topic_id",
            "WITH c AS (SELECT id, idea_id, row_number() OVER (PARTITION BY idea_id ORDER BY id) AS n FROM idea_status_changes)
             UPDATE idea_status_changes s
                SET created_at = least(i.created_at + make_interval(days => 7 * c.n::int, hours => (abs(hashint8(s.id)::bigint) % 20)::int),
                                       now() - make_interval(days => 1) + make_interval(mins => c.n::int))
               FROM c, ideas i WHERE c.id = s.id AND i.topic_id = c.idea_id",
            "UPDATE ideas i
                SET status_changed_at = COALESCE((SELECT max(s.created_at) FROM idea_status_changes s WHERE s.idea_id = i.topic_id), i.created_at),
                    shipped_at = CASE WHEN i.shipped_at IS NULL THEN NULL ELSE COALESCE(
                      (SELECT max(s.created_at) FROM idea_status_changes s WHERE s.idea_id = i.topic_id AND s.to_status = 'shipped'),
                      least(i.created_at + interval '14 days', now() - interval '1 day')) END,
                    updated_at = i.created_at",
            "UPDATE idea_votes v SET created_at = least(i.created_at + make_interval(hours => (1 + abs(hashint8(v.user_id * 17 + v.idea_id)::bigint) % 400)::int),
                                                      now() - interval '5 minutes')
               FROM ideas i WHERE i.topic_id = v.idea_id",
            // The club filled over the weeks. (Accounts keep their creation time: it decides their trust level,
            // which the demo's walkthroughs rely on — a new member's links are held.)
            "UPDATE club_members m
                SET joined_at = now() - make_interval(days => (2 + abs(hashint8(m.user_id + 3)::bigint) % greatest($1 - 3, 1))::int),
                    created_at = now() - make_interval(days => (2 + abs(hashint8(m.user_id + 3)::bigint) % greatest($1 - 3, 1))::int)",
            "UPDATE club_members SET joined_at = least(joined_at, now() - interval '1 day')",
            "UPDATE club_membership_events e SET at = m.joined_at
               FROM club_members m WHERE m.user_id = e.user_id AND e.kind = 'join'",
            // What followed the posts: flags, the queue, the staff inbox, notifications.
            "UPDATE flags f SET created_at = least(p.created_at + interval '2 hours', now() - interval '5 minutes')
               FROM posts p WHERE p.id = f.post_id",
            "UPDATE moderation_queue q SET created_at = least(p.created_at + interval '2 hours', now() - interval '5 minutes')
               FROM posts p WHERE p.id = q.post_id",
            "UPDATE inbox_items i
                SET waiting_since = p.created_at, created_at = p.created_at,
                    first_response_at = CASE WHEN i.first_response_at IS NULL THEN NULL
                                             ELSE least(p.created_at + interval '3 hours', now() - interval '5 minutes') END
               FROM posts p WHERE p.id = i.post_id",
            "UPDATE notifications n SET created_at = least(p.created_at + interval '1 minute', now() - interval '5 minutes')
               FROM posts p WHERE p.id = n.post_id",
        ];
        for step in STEPS {
            if step.contains("$1") {
                diesel::sql_query(*step).bind::<Integer, _>(days).execute(conn).await?;
            } else {
                diesel::sql_query(*step).execute(conn).await?;
            }
        }
        Ok(true)
    })
    .await
}
