//! What each event says, built by PostgreSQL from the rows of the change in the same statement that writes the
//! outbox (one round trip; no work at all when no active endpoint wants the type). Field names follow the REST
//! API's objects; members appear as `{id, username, display_name, email}` and the address is left out for
//! endpoints that may not receive it. Every function here runs inside the transaction of its cause.

use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use super::EventType;
use crate::DomainResult;
use crate::ids::{PostId, TopicId, UserId};

/// A member as payloads carry them (`u` is a `users` row).
const MEMBER: &str = "jsonb_build_object('id', u.id, 'username', u.username, 'display_name', u.display_name, 'email', u.email)";

fn member_of(alias: &str) -> String {
    MEMBER.replace("u.", &format!("{alias}."))
}

/// A post as `PostResponse` names it (`p` a post, `t` its topic, `pa` its author).
fn post_object() -> String {
    format!(
        "jsonb_build_object('id', p.id, 'topic_id', p.topic_id, 'post_number', p.post_number, \
         'author', {author}, 'body_html', p.body_html, 'body', p.body_md, 'status', p.status, \
         'quote_post_id', p.quote_post_id, 'created_at', p.created_at, \
         'url', CASE t.kind WHEN 'question' THEN '/q/' || t.id || CASE WHEN p.post_number = 1 THEN '' ELSE '#answer-' || p.id END \
                            WHEN 'idea' THEN '/ideas/' || t.id || '#post-' || p.post_number \
                            ELSE '/t/' || t.id || '?page=' || ((p.post_number - 1) / {page} + 1) || '#post-' || p.post_number END)",
        author = member_of("pa"),
        page = crate::forums::PAGE_SIZE,
    )
}

/// A topic's reference inside other payloads (`t` a topic).
const TOPIC_REF: &str = "jsonb_build_object('id', t.id, 'title', t.title, 'kind', t.kind, 'category_id', t.category_id, \
     'url', CASE t.kind WHEN 'question' THEN '/q/' || t.id WHEN 'idea' THEN '/ideas/' || t.id ELSE '/t/' || t.id END)";

/// Writes `event` with the `data` the query `sql` computes from `$2` (an id), merged with `extra`.
async fn emit_from(
    conn: &mut AsyncPgConnection,
    event: EventType,
    sql: &str,
    id: i64,
    extra: Value,
) -> DomainResult<()> {
    let statement = format!(
        "WITH wanted AS (
             SELECT id FROM webhook_endpoints
             WHERE active AND (event_types = '{{}}' OR $1 = ANY (event_types))
         ), ev AS (
             INSERT INTO webhook_events (event_type, data)
             SELECT $1, d.data || $3 FROM ({sql}) d WHERE EXISTS (SELECT 1 FROM wanted)
             RETURNING id
         )
         INSERT INTO webhook_deliveries (endpoint_id, event_id)
         SELECT wanted.id, ev.id FROM wanted, ev"
    );
    diesel::sql_query(statement)
        .bind::<Text, _>(event.as_str())
        .bind::<BigInt, _>(id)
        .bind::<Jsonb, _>(extra)
        .execute(conn)
        .await?;
    Ok(())
}

/// A member signed up (or an operator made an account).
pub(crate) async fn member_created(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<()> {
    let sql = format!(
        "SELECT {MEMBER} || jsonb_build_object('created_at', u.created_at, 'email_verified', u.email_verified_at IS NOT NULL,
                'roles', to_jsonb(array_prepend('member', u.roles::text[])), 'url', '/u/' || u.username) AS data
         FROM users u WHERE u.id = $2"
    );
    emit_from(conn, EventType::MemberCreated, &sql, user.0, json!({})).await
}

/// A topic became public: `topic.created`, and `question.created` or `idea.created` for those kinds.
pub(crate) async fn topic_published(conn: &mut AsyncPgConnection, topic: TopicId) -> DomainResult<()> {
    let topic_sql = format!(
        "SELECT jsonb_build_object('id', t.id, 'title', t.title, 'kind', t.kind, 'status', t.status,
                'category_id', t.category_id, 'category_slug', c.slug, 'author', {author},
                'created_at', t.created_at, 'url', {url}, 'first_post', {post}) AS data
         FROM topics t JOIN categories c ON c.id = t.category_id JOIN users pa ON pa.id = t.author_id
         JOIN posts p ON p.topic_id = t.id AND p.post_number = 1
         WHERE t.id = $2",
        author = member_of("pa"),
        url = "CASE t.kind WHEN 'question' THEN '/q/' || t.id WHEN 'idea' THEN '/ideas/' || t.id ELSE '/t/' || t.id END",
        post = post_object(),
    );
    emit_from(conn, EventType::TopicCreated, &topic_sql, topic.0, json!({})).await?;
    let question_sql = format!(
        "SELECT jsonb_build_object('id', t.id, 'title', t.title, 'state', q.state, 'status', t.status,
                'category', jsonb_build_object('id', c.id, 'slug', c.slug, 'name', c.name), 'author', {author},
                'products', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', pr.id, 'slug', pr.slug, 'name', pr.name) ORDER BY pr.name)
                                      FROM question_products qp JOIN products pr ON pr.id = qp.product_id
                                      WHERE qp.topic_id = t.id), '[]'::jsonb),
                'body_html', p.body_html, 'body', p.body_md, 'asked_at', q.asked_at, 'url', '/q/' || t.id) AS data
         FROM topics t JOIN questions q ON q.topic_id = t.id JOIN categories c ON c.id = t.category_id
         JOIN users pa ON pa.id = t.author_id JOIN posts p ON p.topic_id = t.id AND p.post_number = 1
         WHERE t.id = $2",
        author = member_of("pa"),
    );
    emit_from(
        conn,
        EventType::QuestionCreated,
        &question_sql,
        topic.0,
        json!({}),
    )
    .await?;
    let idea_sql = format!(
        "SELECT jsonb_build_object('id', t.id, 'title', t.title, 'status', i.status, 'topic_status', t.status,
                'votes', i.vote_count, 'category', jsonb_build_object('id', c.id, 'slug', c.slug, 'name', c.name),
                'author', {author},
                'product', (SELECT jsonb_build_object('id', pr.id, 'slug', pr.slug, 'name', pr.name) FROM products pr WHERE pr.id = i.product_id),
                'body_html', p.body_html, 'body', p.body_md, 'created_at', i.created_at, 'url', '/ideas/' || t.id) AS data
         FROM topics t JOIN ideas i ON i.topic_id = t.id JOIN categories c ON c.id = t.category_id
         JOIN users pa ON pa.id = t.author_id JOIN posts p ON p.topic_id = t.id AND p.post_number = 1
         WHERE t.id = $2",
        author = member_of("pa"),
    );
    emit_from(conn, EventType::IdeaCreated, &idea_sql, topic.0, json!({})).await
}

/// A reply became public (in a discussion, as an answer or in an idea's discussion): `post.created`, and
/// `question.answered` for an answer.
pub(crate) async fn reply_published(conn: &mut AsyncPgConnection, post: PostId) -> DomainResult<()> {
    let sql = format!(
        "SELECT {post} || jsonb_build_object('topic', {topic}) AS data
         FROM posts p JOIN topics t ON t.id = p.topic_id JOIN users pa ON pa.id = p.author_id
         WHERE p.id = $2 AND p.post_number > 1",
        post = post_object(),
        topic = TOPIC_REF,
    );
    emit_from(conn, EventType::PostCreated, &sql, post.0, json!({})).await?;
    let answered = format!(
        "SELECT jsonb_build_object(
                'question', jsonb_build_object('id', t.id, 'title', t.title, 'state', q.state,
                    'answer_count', q.answer_count, 'first_answer_at', q.first_answer_at, 'url', '/q/' || t.id,
                    'asker', {asker}),
                'answer', {post},
                'first_answer', NOT EXISTS (SELECT 1 FROM posts o WHERE o.topic_id = t.id AND o.post_number > 1
                                            AND o.status = 'published' AND o.id <> p.id AND o.created_at <= p.created_at)) AS data
         FROM posts p JOIN topics t ON t.id = p.topic_id JOIN questions q ON q.topic_id = t.id
         JOIN users pa ON pa.id = p.author_id JOIN users qa ON qa.id = t.author_id
         WHERE p.id = $2 AND p.post_number > 1",
        asker = member_of("qa"),
        post = post_object(),
    );
    emit_from(conn, EventType::QuestionAnswered, &answered, post.0, json!({})).await
}

/// The asker accepted an answer.
pub(crate) async fn answer_accepted(
    conn: &mut AsyncPgConnection,
    answer: PostId,
    previous: Option<PostId>,
    by: UserId,
) -> DomainResult<()> {
    let sql = format!(
        "SELECT jsonb_build_object(
                'question', jsonb_build_object('id', t.id, 'title', t.title, 'state', q.state, 'url', '/q/' || t.id),
                'answer', {post}, 'accepted_answer_id', q.accepted_post_id, 'accepted_at', q.accepted_at) AS data
         FROM posts p JOIN topics t ON t.id = p.topic_id JOIN questions q ON q.topic_id = t.id
         JOIN users pa ON pa.id = p.author_id
         WHERE p.id = $2",
        post = post_object(),
    );
    let extra = json!({"previous_accepted_answer_id": previous.map(|p| p.0), "accepted_by": {"id": by.0}});
    emit_from(conn, EventType::AnswerAccepted, &sql, answer.0, extra).await
}

/// The product team changed an idea's status (`change` is the `idea_status_changes` row).
pub(crate) async fn idea_status_changed(conn: &mut AsyncPgConnection, change: i64) -> DomainResult<()> {
    let sql = format!(
        "SELECT jsonb_build_object(
                'idea', jsonb_build_object('id', t.id, 'title', t.title, 'status', i.status, 'votes', i.vote_count,
                                           'url', '/ideas/' || t.id),
                'id', s.id, 'from', s.from_status, 'to', s.to_status, 'note', s.note_md, 'note_html', s.note_html,
                'by', CASE WHEN u.id IS NULL THEN NULL ELSE {MEMBER} END, 'at', s.created_at) AS data
         FROM idea_status_changes s JOIN topics t ON t.id = s.idea_id JOIN ideas i ON i.topic_id = t.id
         LEFT JOIN users u ON u.id = s.actor_id
         WHERE s.id = $2"
    );
    emit_from(conn, EventType::IdeaStatusChanged, &sql, change, json!({})).await
}

/// An idea was merged into another; its votes moved.
pub(crate) async fn idea_merged(
    conn: &mut AsyncPgConnection,
    duplicate: TopicId,
    into: TopicId,
    moved_votes: i64,
    by: UserId,
) -> DomainResult<()> {
    let sql = "SELECT jsonb_build_object(
                'idea', jsonb_build_object('id', t.id, 'title', t.title, 'status', i.status, 'url', '/ideas/' || t.id),
                'merged_into', (SELECT jsonb_build_object('id', mt.id, 'title', mt.title, 'votes', mi.vote_count,
                                                          'url', '/ideas/' || mt.id)
                                FROM topics mt JOIN ideas mi ON mi.topic_id = mt.id WHERE mt.id = i.merged_into_id)) AS data
         FROM topics t JOIN ideas i ON i.topic_id = t.id WHERE t.id = $2";
    let extra = json!({"moved_votes": moved_votes, "merged_into_id": into.0, "by": {"id": by.0}});
    emit_from(conn, EventType::IdeaMerged, sql, duplicate.0, extra).await
}

/// A member joined (`true`) or left the fan club.
pub(crate) async fn club_membership(
    conn: &mut AsyncPgConnection,
    user: UserId,
    joined: bool,
) -> DomainResult<()> {
    if joined {
        let sql = format!(
            "SELECT jsonb_build_object('member', {MEMBER}, 'joined_at', m.joined_at,
                    'club_tier', (SELECT ct.slug FROM club_tiers ct WHERE ct.id = COALESCE(m.granted_tier_id, m.tier_id)),
                    'in_directory', m.in_directory) AS data
             FROM club_members m JOIN users u ON u.id = m.user_id WHERE m.user_id = $2"
        );
        emit_from(conn, EventType::ClubMemberJoined, &sql, user.0, json!({})).await
    } else {
        let sql = format!(
            "SELECT jsonb_build_object('member', {MEMBER}, 'left_at', now()) AS data FROM users u WHERE u.id = $2"
        );
        emit_from(conn, EventType::ClubMemberLeft, &sql, user.0, json!({})).await
    }
}

/// A member's RSVP to an event changed: `status` is `going`, `waitlisted` or `cancelled`.
pub(crate) async fn rsvp_changed(
    conn: &mut AsyncPgConnection,
    event: i64,
    user: UserId,
    status: &str,
    previous: Option<&str>,
) -> DomainResult<()> {
    let sql = "SELECT jsonb_build_object(
                'event', jsonb_build_object('id', e.id, 'title', e.title, 'starts_at', e.starts_at, 'ends_at', e.ends_at,
                                            'capacity', e.capacity, 'going', e.going_count, 'waitlisted', e.waitlist_count,
                                            'url', '/events/' || e.id)) AS data
         FROM events e WHERE e.id = $2";
    let member_sql = format!("SELECT {MEMBER} AS m FROM users u WHERE u.id = $1");
    #[derive(diesel::QueryableByName)]
    struct M {
        #[diesel(sql_type = Jsonb)]
        m: Value,
    }
    let member: Option<M> = diesel::sql_query(member_sql)
        .bind::<BigInt, _>(user.0)
        .get_result(conn)
        .await
        .optional()?;
    let extra = json!({
        "member": member.map(|m| m.m),
        "status": status,
        "previous_status": previous,
    });
    emit_from(conn, EventType::EventRsvpChanged, sql, event, extra).await
}

/// A queue item the moderation screen or the flags opened (`item` is the `moderation_queue` row).
const QUEUE_ITEM: &str = "jsonb_build_object('id', m.id, 'kind', m.kind, 'reason', m.reason, 'detail', m.detail,
        'state', m.state, 'content_type', CASE WHEN m.comment_id IS NULL THEN 'post' ELSE 'comment' END,
        'post_id', m.post_id, 'comment_id', m.comment_id,
        'topic_id', (SELECT p.topic_id FROM posts p WHERE p.id = m.post_id),
        'author', jsonb_build_object('id', u.id, 'username', u.username, 'display_name', u.display_name, 'email', u.email),
        'created_at', m.created_at, 'url', '/mod')";

/// Content was held for moderation (pre-moderation, a rule, or enough flags).
pub(crate) async fn post_held(conn: &mut AsyncPgConnection, item: i64) -> DomainResult<()> {
    let sql = format!(
        "SELECT {QUEUE_ITEM} AS data FROM moderation_queue m JOIN users u ON u.id = m.author_id WHERE m.id = $2"
    );
    emit_from(
        conn,
        EventType::ModerationPostHeld,
        &sql,
        item,
        json!({"hidden_by_flags": false}),
    )
    .await
}

/// A post was hidden because members flagged it enough (`item` is its open flagged queue item).
pub(crate) async fn post_hidden_by_flags(conn: &mut AsyncPgConnection, post: PostId) -> DomainResult<()> {
    let sql = format!(
        "SELECT {QUEUE_ITEM} AS data FROM moderation_queue m JOIN users u ON u.id = m.author_id
         WHERE m.post_id = $2 AND m.kind = 'flagged' AND m.state = 'open'"
    );
    emit_from(
        conn,
        EventType::ModerationPostHeld,
        &sql,
        post.0,
        json!({"hidden_by_flags": true}),
    )
    .await
}

/// A moderator decided a queue item: `decision` is `approved` or `rejected`.
pub(crate) async fn moderation_decision(
    conn: &mut AsyncPgConnection,
    item: i64,
    decision: &str,
    note: &str,
    by: UserId,
) -> DomainResult<()> {
    let sql = format!(
        "SELECT {QUEUE_ITEM} AS data FROM moderation_queue m JOIN users u ON u.id = m.author_id WHERE m.id = $2"
    );
    let extra = json!({"decision": decision, "note": note, "decided_by": {"id": by.0}});
    emit_from(conn, EventType::ModerationDecision, &sql, item, extra).await
}

/// A member was warned, suspended, banned or reinstated.
pub(crate) async fn member_sanctioned(
    conn: &mut AsyncPgConnection,
    member: UserId,
    action: &str,
    reason: &str,
    by: UserId,
) -> DomainResult<()> {
    let sql = format!(
        "SELECT jsonb_build_object('user_id', u.id, 'member', {MEMBER}, 'suspended_until', u.suspended_until) AS data
         FROM users u WHERE u.id = $2"
    );
    let extra = json!({"action": action, "reason": reason, "by": {"id": by.0}});
    emit_from(conn, EventType::MemberSanctioned, &sql, member.0, extra).await
}

const INBOX_ITEM: &str = "jsonb_build_object('id', i.id, 'kind', i.kind, 'topic_id', i.topic_id,
        'topic_title', (SELECT t.title FROM topics t WHERE t.id = i.topic_id), 'post_id', i.post_id,
        'mention_id', i.mention_id, 'source', CASE WHEN i.mention_id IS NULL THEN 'community' ELSE
            (SELECT mn.source FROM mentions mn WHERE mn.id = i.mention_id) END,
        'sentiment', COALESCE((SELECT p.sentiment FROM posts p WHERE p.id = i.post_id),
                              (SELECT mn.sentiment FROM mentions mn WHERE mn.id = i.mention_id)),
        'excerpt', left(COALESCE((SELECT p.body_md FROM posts p WHERE p.id = i.post_id),
                                 (SELECT mn.body FROM mentions mn WHERE mn.id = i.mention_id)), 280),
        'waiting_since', i.waiting_since, 'handled_at', i.handled_at, 'handled_by', i.handled_by,
        'url', '/staff/inbox')";

/// A detractor post or mention entered the staff inbox.
pub(crate) async fn inbox_detractor_post(conn: &mut AsyncPgConnection, post: PostId) -> DomainResult<()> {
    let sql = format!(
        "SELECT {INBOX_ITEM} AS data FROM inbox_items i WHERE i.post_id = $2 AND i.kind = 'detractor'"
    );
    emit_from(conn, EventType::InboxDetractorDetected, &sql, post.0, json!({})).await
}

/// A detractor mention entered the staff inbox (`item` is the `inbox_items` row).
pub(crate) async fn inbox_detractor_item(conn: &mut AsyncPgConnection, item: i64) -> DomainResult<()> {
    let sql = format!("SELECT {INBOX_ITEM} AS data FROM inbox_items i WHERE i.id = $2");
    emit_from(conn, EventType::InboxDetractorDetected, &sql, item, json!({})).await
}

/// A staff member marked an inbox item handled.
pub(crate) async fn inbox_handled(conn: &mut AsyncPgConnection, item: i64) -> DomainResult<()> {
    let sql = format!(
        "SELECT {INBOX_ITEM} || jsonb_build_object('handled_by_member',
                (SELECT {MEMBER} FROM users u WHERE u.id = i.handled_by)) AS data
         FROM inbox_items i WHERE i.id = $2"
    );
    emit_from(conn, EventType::InboxItemHandled, &sql, item, json!({})).await
}

/// A mention from outside was stored and published.
pub(crate) async fn mention_created(conn: &mut AsyncPgConnection, mention: i64) -> DomainResult<()> {
    let sql = "SELECT jsonb_build_object('id', mn.id, 'source', mn.source, 'external_id', mn.external_id, 'url', mn.url,
                'author_handle', mn.author_handle, 'text', mn.body, 'posted_at', mn.posted_at, 'sentiment', mn.sentiment,
                'status', mn.status, 'created_at', mn.created_at) AS data
         FROM mentions mn WHERE mn.id = $2";
    emit_from(conn, EventType::MentionCreated, sql, mention, json!({})).await
}
