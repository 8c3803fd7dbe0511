//! "Download my data": a zip of JSON files, one per kind of thing the member did, built by a worker and handed
//! over once, through a signed link e-mailed to them, to them alone, until it expires.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::io::Write;

use crate::accounts::{Actor, sessions};
use crate::ids::UserId;
use crate::mail::{self, templates};
use crate::schema::{data_exports, users};
use crate::{DomainError, DomainResult, Hearth, brand, db};

/// One export a day per member.
pub const EXPORT_EVERY: Duration = Duration::hours(24);
/// How long the e-mailed link works.
pub const LINK_LIFETIME: Duration = Duration::hours(72);
/// How long a worker may take to build one archive before another instance takes it over.
const LEASE_SECONDS: i64 = 600;
/// Builds that failed this often are given up (the member is told on the settings page).
const MAX_ATTEMPTS: i32 = 3;
const SIGNING_PURPOSE: &str = "data-export";

/// A request for an export, as its member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = data_exports, check_for_backend(diesel::pg::Pg))]
pub struct ExportRow {
    pub id: i64,
    pub user_id: UserId,
    /// `pending`, `ready`, `downloaded`, `expired` or `failed`.
    pub state: String,
    pub requested_at: DateTime<Utc>,
    pub ready_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    pub bytes: Option<i32>,
}

impl ExportRow {
    /// When the member may ask for the next one.
    pub fn next_allowed_at(&self) -> DateTime<Utc> {
        self.requested_at + EXPORT_EVERY
    }
}

/// Asks for an archive of the actor's data. At most one a day (429 with the seconds to wait): the member's row
/// is locked while the last request is read, so that two requests at once make one export.
pub async fn request_export(hearth: &Hearth, actor: &Actor) -> DomainResult<ExportRow> {
    let mut conn = db::conn(hearth.db()).await?;
    let user = actor.id;
    let row = conn
        .transaction::<ExportRow, DomainError, _>(async |conn| {
            users::table
                .find(user)
                .select(users::id)
                .for_update()
                .first::<UserId>(conn)
                .await?;
            let last: Option<ExportRow> = latest_in(conn, user).await?;
            if let Some(last) = last {
                let wait = (last.next_allowed_at() - Utc::now()).num_seconds();
                if wait > 0 && last.state != "failed" {
                    return Err(DomainError::RateLimited {
                        retry_after: wait as u64,
                    });
                }
            }
            Ok(diesel::insert_into(data_exports::table)
                .values(data_exports::user_id.eq(user))
                .returning(ExportRow::as_returning())
                .get_result(conn)
                .await?)
        })
        .await?;
    hearth.wake_privacy();
    Ok(row)
}

async fn latest_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<Option<ExportRow>> {
    Ok(data_exports::table
        .filter(data_exports::user_id.eq(user))
        .order(data_exports::requested_at.desc())
        .select(ExportRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The actor's latest export request, if any.
pub async fn latest_export(hearth: &Hearth, actor: &Actor) -> DomainResult<Option<ExportRow>> {
    let mut conn = db::conn(hearth.db()).await?;
    latest_in(&mut conn, actor.id).await
}

/// The signed download link of an export (`/settings/export/{id}?expires=…&signature=…`).
pub fn download_path(hearth: &Hearth, id: i64, user: UserId, expires: DateTime<Utc>) -> String {
    let expires = expires.timestamp();
    let signature = hearth
        .settings()
        .secret
        .sign(SIGNING_PURPOSE, &format!("{id}.{user}.{expires}"));
    format!("/settings/export/{id}?expires={expires}&signature={signature}")
}

/// An archive handed over.
#[derive(Debug)]
pub struct Download {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Hands over an export through its link: the signature must match, the link must not have expired, the
/// caller must be the member it was made for, and it works once (the archive is then removed). A forged or
/// expired link is refused (403); a used one is a conflict (the server answers 410 Gone).
pub async fn download(
    hearth: &Hearth,
    actor: &Actor,
    id: i64,
    expires: i64,
    signature: &str,
) -> DomainResult<Download> {
    let mut conn = db::conn(hearth.db()).await?;
    let owner: Option<UserId> = data_exports::table
        .find(id)
        .select(data_exports::user_id)
        .first(&mut conn)
        .await
        .optional()?;
    let forged = || DomainError::forbidden("This download link is not valid.");
    let Some(owner) = owner else {
        return Err(forged());
    };
    if !hearth
        .settings()
        .secret
        .verify(SIGNING_PURPOSE, &format!("{id}.{owner}.{expires}"), signature)
    {
        return Err(forged());
    }
    if owner != actor.id {
        return Err(DomainError::forbidden(
            "This link belongs to another member's data: log in as that member to download it.",
        ));
    }
    if expires < Utc::now().timestamp() {
        return Err(DomainError::forbidden(
            "This download link has expired: ask for a new export in your settings.",
        ));
    }
    conn.transaction::<Download, DomainError, _>(async |conn| {
        let (state, archive, requested_at): (String, Option<Vec<u8>>, DateTime<Utc>) = data_exports::table
            .find(id)
            .select((
                data_exports::state,
                data_exports::archive,
                data_exports::requested_at,
            ))
            .for_update()
            .first(conn)
            .await?;
        let archive = match (state.as_str(), archive) {
            ("ready", Some(archive)) => archive,
            ("downloaded", _) => {
                return Err(DomainError::conflict(
                    "export",
                    "This archive was already downloaded (a link works once): ask for a new export in your \
                     settings.",
                ));
            }
            _ => {
                return Err(DomainError::conflict(
                    "export",
                    "This archive is no longer available: ask for a new export in your settings.",
                ));
            }
        };
        diesel::update(data_exports::table.find(id))
            .set((
                data_exports::state.eq("downloaded"),
                data_exports::downloaded_at.eq(diesel::dsl::now),
                data_exports::archive.eq(None::<Vec<u8>>),
            ))
            .execute(conn)
            .await?;
        Ok(Download {
            filename: format!("{}-data-{}.zip", actor.username, requested_at.format("%Y-%m-%d")),
            bytes: archive,
        })
    })
    .await
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
}

/// Builds the exports waiting, one at a time (any instance; a claim is leased), e-mails each member their
/// link, and forgets archives whose link expired. Returns how many were built.
pub async fn build_pending(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    diesel::update(
        data_exports::table
            .filter(data_exports::state.eq("ready"))
            .filter(data_exports::expires_at.lt(diesel::dsl::now)),
    )
    .set((
        data_exports::state.eq("expired"),
        data_exports::archive.eq(None::<Vec<u8>>),
    ))
    .execute(&mut conn)
    .await?;
    let mut built = 0;
    loop {
        let claimed: Option<Claimed> = diesel::sql_query(
            "UPDATE data_exports SET leased_until = now() + make_interval(secs => $1), attempts = attempts + 1
             WHERE id = (SELECT id FROM data_exports
                         WHERE state = 'pending' AND (leased_until IS NULL OR leased_until < now())
                         ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING id, user_id, attempts",
        )
        .bind::<diesel::sql_types::Double, _>(LEASE_SECONDS as f64)
        .get_result(&mut conn)
        .await
        .optional()?;
        let Some(claimed) = claimed else {
            return Ok(built);
        };
        let user = UserId(claimed.user_id);
        match build_one(hearth, &mut conn, claimed.id, user).await {
            Ok(()) => built += 1,
            Err(e) => {
                tracing::warn!(export = claimed.id, error = %e, "data export not built");
                let give_up = claimed.attempts >= MAX_ATTEMPTS;
                diesel::update(data_exports::table.find(claimed.id))
                    .set((
                        data_exports::error.eq(Some(e.public_message())),
                        data_exports::leased_until.eq(None::<DateTime<Utc>>),
                        data_exports::state.eq(if give_up { "failed" } else { "pending" }),
                    ))
                    .execute(&mut conn)
                    .await?;
                if !give_up {
                    return Ok(built);
                }
            }
        }
    }
}

async fn build_one(hearth: &Hearth, conn: &mut AsyncPgConnection, id: i64, user: UserId) -> DomainResult<()> {
    let sessions = sessions::list(hearth.kv(), user).await?;
    let archive = archive(conn, user, &sessions).await?;
    let (username, email): (String, String) = users::table
        .find(user)
        .select((users::username, users::email))
        .first(conn)
        .await?;
    let expires = Utc::now() + LINK_LIFETIME;
    let link = hearth.url(&download_path(hearth, id, user, expires));
    let brand = brand::current(hearth);
    let when = expires.format("%-d %B %Y, %H:%M UTC").to_string();
    let size = archive.len() as i32;
    conn.transaction::<(), DomainError, _>(async |conn| {
        diesel::update(data_exports::table.find(id))
            .set((
                data_exports::state.eq("ready"),
                data_exports::archive.eq(Some(&archive)),
                data_exports::bytes.eq(Some(size)),
                data_exports::ready_at.eq(diesel::dsl::now),
                data_exports::expires_at.eq(Some(expires)),
                data_exports::leased_until.eq(None::<DateTime<Utc>>),
                data_exports::error.eq(None::<String>),
            ))
            .execute(conn)
            .await?;
        mail::enqueue(
            conn,
            &templates::export_ready(&brand, &email, &username, &link, &when),
        )
        .await?;
        Ok(())
    })
    .await?;
    hearth.wake_mailer();
    Ok(())
}

#[derive(QueryableByName)]
struct Json {
    #[diesel(sql_type = Text)]
    json: String,
}

/// Each file of the archive and the query that fills it; `$1` is the member, and every query reads only rows
/// of theirs.
const FILES: &[(&str, &str)] = &[
    (
        "profile.json",
        "SELECT json_build_object(
            'id', u.id, 'username', u.username, 'display_name', u.display_name, 'email', u.email, 'bio', u.bio,
            'roles', u.roles, 'partner_label', u.partner_label, 'email_verified_at', u.email_verified_at,
            'accepted_policy_version', u.accepted_policy_version, 'accepted_policy_at', u.accepted_policy_at,
            'last_login_at', u.last_login_at, 'created_at', u.created_at, 'suspended_until', u.suspended_until,
            'suspension_reason', u.suspension_reason,
            'reputation', (SELECT row_to_json(r) FROM (SELECT points, accepted_points, vote_points, reply_points,
                    idea_points, askers_helped, computed_at FROM member_reputation WHERE user_id = u.id) r),
            'products_owned', (SELECT coalesce(json_agg(json_build_object('product', p.slug, 'name', p.name,
                    'since', o.since, 'ask_me', o.ask_me) ORDER BY p.slug), '[]')
                FROM product_owners o JOIN products p ON p.id = o.product_id WHERE o.user_id = u.id)
         )::text AS json FROM users u WHERE u.id = $1",
    ),
    (
        "preferences.json",
        "SELECT json_build_object(
            'email_notifications', (SELECT coalesce(json_agg(json_build_object('topic', topic, 'delivery', delivery,
                    'updated_at', updated_at) ORDER BY topic), '[]') FROM notification_preferences WHERE user_id = $1),
            'watched_topics', (SELECT coalesce(json_agg(json_build_object('topic_id', w.topic_id, 'title', t.title,
                    'since', w.created_at) ORDER BY w.created_at), '[]')
                FROM topic_watches w JOIN topics t ON t.id = w.topic_id WHERE w.user_id = $1),
            'watched_categories', (SELECT coalesce(json_agg(json_build_object('category', c.slug,
                    'since', w.created_at) ORDER BY w.created_at), '[]')
                FROM category_watches w JOIN categories c ON c.id = w.category_id WHERE w.user_id = $1),
            'followed_ideas', (SELECT coalesce(json_agg(json_build_object('idea_id', idea_id, 'since', created_at)
                    ORDER BY created_at), '[]') FROM idea_followers WHERE user_id = $1)
         )::text AS json",
    ),
    (
        "emails.json",
        "SELECT coalesce(json_agg(json_build_object('kind', m.kind, 'subject', m.subject, 'queued_at', m.created_at,
                'sent_at', m.sent_at) ORDER BY m.id), '[]')::text AS json
         FROM mail_outbox m JOIN users u ON lower(m.to_address) = lower(u.email) WHERE u.id = $1",
    ),
    (
        "topics.json",
        "SELECT coalesce(json_agg(json_build_object('id', t.id, 'kind', t.kind, 'title', t.title,
                'category', c.slug, 'status', t.status, 'reply_count', t.reply_count, 'created_at', t.created_at)
                ORDER BY t.id), '[]')::text AS json
         FROM topics t JOIN categories c ON c.id = t.category_id WHERE t.author_id = $1",
    ),
    (
        "posts.json",
        "SELECT coalesce(json_agg(json_build_object('id', p.id, 'topic_id', p.topic_id, 'post_number', p.post_number,
                'body', p.body_md, 'status', p.status, 'created_at', p.created_at, 'edited_at', p.edited_at,
                'revisions', (SELECT coalesce(json_agg(json_build_object('revision', r.revision, 'title', r.title,
                        'body', r.body_md, 'replaced_at', r.created_at) ORDER BY r.revision), '[]')
                    FROM post_revisions r WHERE r.post_id = p.id))
                ORDER BY p.id), '[]')::text AS json
         FROM posts p WHERE p.author_id = $1",
    ),
    (
        "questions.json",
        "SELECT coalesce(json_agg(json_build_object('id', t.id, 'title', t.title, 'state', q.state,
                'answer_count', q.answer_count, 'accepted_answer_id', q.accepted_post_id, 'asked_at', q.asked_at,
                'accepted_at', q.accepted_at,
                'products', (SELECT coalesce(json_agg(pr.slug ORDER BY pr.slug), '[]') FROM question_products qp
                    JOIN products pr ON pr.id = qp.product_id WHERE qp.topic_id = t.id))
                ORDER BY t.id), '[]')::text AS json
         FROM questions q JOIN topics t ON t.id = q.topic_id WHERE t.author_id = $1",
    ),
    (
        "answers.json",
        "SELECT coalesce(json_agg(json_build_object('id', p.id, 'question_id', p.topic_id, 'body', p.body_md,
                'score', p.score, 'accepted', q.accepted_post_id IS NOT DISTINCT FROM p.id, 'status', p.status,
                'created_at', p.created_at) ORDER BY p.id), '[]')::text AS json
         FROM posts p JOIN questions q ON q.topic_id = p.topic_id WHERE p.author_id = $1 AND p.post_number > 1",
    ),
    (
        "votes.json",
        "SELECT coalesce(json_agg(json_build_object('answer_id', post_id, 'value', value, 'created_at', created_at,
                'updated_at', updated_at) ORDER BY created_at), '[]')::text AS json
         FROM answer_votes WHERE user_id = $1",
    ),
    (
        "ideas.json",
        "SELECT coalesce(json_agg(json_build_object('id', t.id, 'title', t.title, 'status', i.status,
                'vote_count', i.vote_count, 'product', pr.slug, 'merged_into_id', i.merged_into_id,
                'created_at', i.created_at, 'shipped_at', i.shipped_at) ORDER BY t.id), '[]')::text AS json
         FROM ideas i JOIN topics t ON t.id = i.topic_id LEFT JOIN products pr ON pr.id = i.product_id
         WHERE t.author_id = $1",
    ),
    (
        "idea_votes.json",
        "SELECT json_build_object(
            'votes', (SELECT coalesce(json_agg(json_build_object('idea_id', v.idea_id, 'title', t.title,
                    'created_at', v.created_at) ORDER BY v.created_at), '[]')
                FROM idea_votes v JOIN topics t ON t.id = v.idea_id WHERE v.user_id = $1),
            'surveys', (SELECT coalesce(json_agg(json_build_object('idea_id', idea_id, 'answer', answer,
                    'asked_at', asked_at, 'answered_at', answered_at) ORDER BY asked_at), '[]')
                FROM idea_surveys WHERE user_id = $1)
         )::text AS json",
    ),
    (
        "comments.json",
        "SELECT coalesce(json_agg(json_build_object('id', id, 'answer_id', post_id, 'body', body_md,
                'status', status, 'created_at', created_at) ORDER BY id), '[]')::text AS json
         FROM answer_comments WHERE author_id = $1",
    ),
    (
        "flags.json",
        "SELECT coalesce(json_agg(json_build_object('id', id, 'post_id', post_id, 'reason', reason, 'note', note,
                'outcome', outcome, 'created_at', created_at, 'resolved_at', resolved_at) ORDER BY id), '[]')::text
                AS json
         FROM flags WHERE flagger_id = $1",
    ),
    (
        "club.json",
        "SELECT json_build_object(
            'membership', (SELECT json_build_object('joined_at', m.joined_at, 'tier', t.slug,
                    'in_directory', m.in_directory)
                FROM club_members m LEFT JOIN club_tiers t ON t.id = m.tier_id WHERE m.user_id = $1),
            'history', (SELECT coalesce(json_agg(json_build_object('kind', kind, 'at', at) ORDER BY at), '[]')
                FROM club_membership_events WHERE user_id = $1),
            'rsvps', (SELECT coalesce(json_agg(json_build_object('event_id', e.id, 'event', e.title,
                    'starts_at', e.starts_at, 'status', r.status, 'since', r.created_at) ORDER BY e.starts_at), '[]')
                FROM event_rsvps r JOIN events e ON e.id = r.event_id WHERE r.user_id = $1)
         )::text AS json",
    ),
    (
        "notifications.json",
        "SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'title', title, 'url', url,
                'read_at', read_at, 'created_at', created_at) ORDER BY id), '[]')::text AS json
         FROM notifications WHERE user_id = $1",
    ),
    (
        "tokens.json",
        "SELECT coalesce(json_agg(json_build_object('name', name, 'starts_with', token_prefix, 'scopes', scopes,
                'created_at', created_at, 'last_used_at', last_used_at, 'expires_at', expires_at,
                'revoked_at', revoked_at) ORDER BY id), '[]')::text AS json
         FROM api_tokens WHERE user_id = $1",
    ),
    (
        "moderation.json",
        "SELECT json_build_object(
            'sanctions', (SELECT coalesce(json_agg(json_build_object('kind', kind, 'until', until, 'reason', reason,
                    'created_at', created_at) ORDER BY id), '[]') FROM member_sanctions WHERE user_id = $1),
            'appeals', (SELECT coalesce(json_agg(json_build_object('post_id', post_id, 'comment_id', comment_id,
                    'body', body, 'created_at', created_at) ORDER BY id), '[]') FROM appeals WHERE author_id = $1)
         )::text AS json",
    ),
];

const README: &str = "Your data, as JSON files (UTF-8, times in UTC):\n\
    profile.json        your account, reputation and the products you own\n\
    preferences.json    e-mail preferences, watched topics and categories, followed ideas\n\
    emails.json         the e-mails sent to you (kind, subject, when)\n\
    topics.json         topics you started (discussions, questions, ideas)\n\
    posts.json          everything you posted, each with its earlier versions\n\
    questions.json      your questions; answers.json your answers\n\
    votes.json          your votes on answers; idea_votes.json your idea votes and survey answers\n\
    ideas.json          ideas you submitted\n\
    comments.json       your comments on answers\n\
    flags.json          posts you flagged\n\
    club.json           your fan club membership, its history and your RSVPs\n\
    notifications.json  your notifications\n\
    sessions.json       where you are logged in; tokens.json your API tokens (never their secrets)\n\
    moderation.json     sanctions about you and your appeals\n";

/// The zip archive of a member's data.
pub(crate) async fn archive(
    conn: &mut AsyncPgConnection,
    user: UserId,
    sessions: &[sessions::SessionInfo],
) -> DomainResult<Vec<u8>> {
    let mut files: Vec<(&'static str, String)> = Vec::with_capacity(FILES.len() + 2);
    for (name, query) in FILES {
        let found: Json = diesel::sql_query(*query)
            .bind::<BigInt, _>(user.0)
            .get_result(conn)
            .await?;
        files.push((*name, pretty(&found.json)?));
    }
    let sessions: Vec<serde_json::Value> = sessions
        .iter()
        .map(|s| {
            serde_json::json!({
                "device": crate::accounts::device_of(&s.data.user_agent),
                "user_agent": s.data.user_agent,
                "ip": s.data.ip,
                "created_at": DateTime::from_timestamp(s.data.created_at, 0),
                "last_seen_at": DateTime::from_timestamp(s.data.last_seen.max(s.data.created_at), 0),
            })
        })
        .collect();
    files.push((
        "sessions.json",
        serde_json::to_string_pretty(&sessions).map_err(DomainError::internal)?,
    ));
    files.push(("README.txt", README.to_owned()));
    tokio::task::spawn_blocking(move || zip_files(&files))
        .await
        .map_err(DomainError::internal)?
}

fn pretty(json: &str) -> DomainResult<String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(DomainError::internal)?;
    serde_json::to_string_pretty(&value).map_err(DomainError::internal)
}

fn zip_files(files: &[(&str, String)]) -> DomainResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, body) in files {
        zip.start_file(*name, options).map_err(DomainError::internal)?;
        zip.write_all(body.as_bytes()).map_err(DomainError::internal)?;
    }
    Ok(zip.finish().map_err(DomainError::internal)?.into_inner())
}
