//! "Delete my account": asked for with the password, carried out after a grace period (logging in cancels it),
//! then the account is anonymised in one transaction. Admins can anonymise an account at once (audited).
//!
//! The row in `users` stays, as a pseudonym ("Former member 4821", username `former_4821`), so that threads,
//! votes, counts and every foreign key stay whole; what identifies the member is cleared from it and from
//! every other table (see [`erase_in`]).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::accounts::{Actor, Password, UserRow, sessions};
use crate::audit::{self, NewAuditEntry};
use crate::ids::{PostId, UserId};
use crate::mail::{self, templates};
use crate::schema::{
    answer_comments, api_tokens, appeals, category_watches, data_exports, digest_runs, email_tokens,
    idea_followers, notification_preferences, notifications, post_revisions, posts, product_owners,
    topic_reads, topic_watches, users,
};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, brand, db};

/// How long a member has to change their mind.
pub const GRACE: Duration = Duration::days(7);

/// What stays of a removed post.
pub const REMOVED_HTML: &str = "<p><em>This post was removed by its author.</em></p>";

/// The pseudonym an account is shown under once anonymised.
pub fn pseudonym(user: UserId) -> (String, String) {
    (format!("former_{}", user.0), format!("Former member {}", user.0))
}

/// A pending deletion, as its member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDeletion {
    pub requested_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub removes_content: bool,
}

/// Asks to delete the actor's account (their password confirms it). In [`GRACE`] it is anonymised, with their
/// posts too when `remove_content`; until then logging in cancels it. Every session ends at once and their API
/// tokens stop working (they work again if the deletion is cancelled). The last administrator cannot leave.
pub async fn request_deletion(
    hearth: &Hearth,
    actor: &Actor,
    password_typed: &str,
    remove_content: bool,
) -> DomainResult<DateTime<Utc>> {
    let mut errors = FieldErrors::new();
    let typed = errors.check("password", Password::parse_attempt(password_typed));
    errors.into_result()?;
    let Some(typed) = typed else {
        return Err(DomainError::internal("validated input missing"));
    };
    let row = crate::accounts::confirm_password(hearth, actor, "delete-account", "password", &typed).await?;
    let mut conn = db::conn(hearth.db()).await?;
    let brand = brand::current(hearth);
    let login = hearth.url("/login");
    let due = conn
        .transaction::<DateTime<Utc>, DomainError, _>(async |conn| {
            if crate::accounts::Roles::from_db(&row.roles).is_admin() {
                let admins: i64 = users::table
                    .filter(users::roles.contains(vec![Some("admin".to_owned())]))
                    .filter(users::deleted_at.is_null())
                    .filter(users::deletion_requested_at.is_null())
                    .filter(users::id.ne(row.id))
                    .count()
                    .get_result(conn)
                    .await?;
                if admins == 0 {
                    return Err(DomainError::conflict(
                        "account",
                        "You are the only administrator: make someone else an administrator first.",
                    ));
                }
            }
            let due = Utc::now() + GRACE;
            let updated = diesel::update(
                users::table
                    .find(row.id)
                    .filter(users::deleted_at.is_null())
                    .filter(users::deletion_requested_at.is_null()),
            )
            .set((
                users::deletion_requested_at.eq(diesel::dsl::now),
                users::deletion_due_at.eq(Some(due)),
                users::deletion_removes_content.eq(remove_content),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
            if updated == 0 {
                return Err(DomainError::conflict(
                    "account",
                    "Your account is already being deleted.",
                ));
            }
            let when = due.format("%-d %B %Y").to_string();
            mail::enqueue(
                conn,
                &templates::deletion_scheduled(
                    &brand,
                    &row.email,
                    &row.username,
                    &when,
                    remove_content,
                    &login,
                ),
            )
            .await?;
            Ok(due)
        })
        .await?;
    hearth.wake_mailer();
    sessions::destroy_all(hearth.kv(), actor.id, None).await?;
    Ok(due)
}

/// A pending deletion of the member, if any.
pub async fn pending_deletion(hearth: &Hearth, user: UserId) -> DomainResult<Option<PendingDeletion>> {
    let mut conn = db::conn(hearth.db()).await?;
    type Pending = (Option<DateTime<Utc>>, Option<DateTime<Utc>>, bool);
    let found: Option<Pending> = users::table
        .find(user)
        .filter(users::deleted_at.is_null())
        .select((
            users::deletion_requested_at,
            users::deletion_due_at,
            users::deletion_removes_content,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    Ok(match found {
        Some((Some(requested_at), Some(due_at), removes_content)) => Some(PendingDeletion {
            requested_at,
            due_at,
            removes_content,
        }),
        _ => None,
    })
}

/// Cancels a pending deletion (the member logged in during the grace period) and tells them by e-mail.
/// Returns whether there was one.
pub async fn cancel_deletion(hearth: &Hearth, user: UserId) -> DomainResult<bool> {
    let mut conn = db::conn(hearth.db()).await?;
    let brand = brand::current(hearth);
    let cancelled = conn
        .transaction::<bool, DomainError, _>(async |conn| {
            let row: Option<(String, String)> = diesel::update(
                users::table
                    .find(user)
                    .filter(users::deletion_requested_at.is_not_null())
                    .filter(users::deleted_at.is_null()),
            )
            .set((
                users::deletion_requested_at.eq(None::<DateTime<Utc>>),
                users::deletion_due_at.eq(None::<DateTime<Utc>>),
                users::deletion_removes_content.eq(false),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .returning((users::email, users::username))
            .get_result(conn)
            .await
            .optional()?;
            let Some((email, username)) = row else {
                return Ok(false);
            };
            mail::enqueue(conn, &templates::deletion_cancelled(&brand, &email, &username)).await?;
            Ok(true)
        })
        .await?;
    if cancelled {
        hearth.wake_mailer();
    }
    Ok(cancelled)
}

/// Anonymises the accounts whose grace period is over, one transaction each (any instance: the rows are
/// claimed with SKIP LOCKED). Returns how many.
pub async fn erase_due(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    let mut done = 0;
    loop {
        let erased = conn
            .transaction::<Option<UserId>, DomainError, _>(async |conn| {
                let due: Option<(UserId, bool)> = users::table
                    .filter(users::deletion_due_at.le(diesel::dsl::now))
                    .filter(users::deleted_at.is_null())
                    .order(users::deletion_due_at)
                    .select((users::id, users::deletion_removes_content))
                    .for_update()
                    .skip_locked()
                    .first(conn)
                    .await
                    .optional()?;
                let Some((user, remove_content)) = due else {
                    return Ok(None);
                };
                erase_in(conn, user, remove_content).await?;
                Ok(Some(user))
            })
            .await?;
        let Some(user) = erased else {
            return Ok(done);
        };
        forget_in_redis(hearth, user).await?;
        done += 1;
    }
}

/// An administrator anonymises a member at once (with their posts when `remove_content`), with a reason for
/// the audit log (which names the pseudonym only).
pub async fn erase_now(
    hearth: &Hearth,
    admin: &Actor,
    user: UserId,
    remove_content: bool,
    reason: &str,
) -> DomainResult<String> {
    admin.require_admin()?;
    let reason = crate::text::line(reason).map_err(|e| DomainError::invalid("reason", e))?;
    if reason.chars().count() > 500 {
        return Err(DomainError::invalid("reason", "must be at most 500 characters"));
    }
    if user == admin.id {
        return Err(DomainError::conflict(
            "user",
            "Delete your own account from your settings.",
        ));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let admin_id = admin.id;
    let name = conn
        .transaction::<String, DomainError, _>(async |conn| {
            let deleted: Option<Option<DateTime<Utc>>> = users::table
                .find(user)
                .select(users::deleted_at)
                .for_update()
                .first(conn)
                .await
                .optional()?;
            match deleted {
                None => return Err(DomainError::NotFound("member")),
                Some(Some(_)) => {
                    return Err(DomainError::conflict("user", "This account was deleted already."));
                }
                Some(None) => {}
            }
            let name = erase_in(conn, user, remove_content).await?;
            audit::record(
                conn,
                NewAuditEntry {
                    actor_id: Some(admin_id),
                    action: "member.anonymise".into(),
                    target_type: "user".into(),
                    target_id: Some(user.0),
                    before: None,
                    after: Some(serde_json::json!({ "username": name, "content_removed": remove_content })),
                    reason: reason.clone(),
                },
            )
            .await?;
            Ok(name)
        })
        .await?;
    forget_in_redis(hearth, user).await?;
    Ok(name)
}

async fn forget_in_redis(hearth: &Hearth, user: UserId) -> DomainResult<()> {
    sessions::destroy_all(hearth.kv(), user, None).await?;
    let mut conn = hearth.kv().conn();
    let _: () = redis::cmd("DEL")
        .arg(hearth.kv().key(&format!("login:known:{user}")))
        .query_async(&mut conn)
        .await?;
    Ok(())
}

/// A pattern (PostgreSQL's advanced regular expressions, used case-insensitively) matching any of `words` where
/// it is not part of a longer word.
pub(crate) fn word_pattern(words: &[&str]) -> String {
    let alternatives: Vec<String> = words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == ' ' || c == '_' {
                        c.to_string()
                    } else {
                        format!("\\{c}")
                    }
                })
                .collect()
        })
        .collect();
    // Not inside a longer word ("ana" is left alone in "banana"), whatever the name begins or ends with.
    format!("(?<![[:alnum:]_])({})(?![[:alnum:]_])", alternatives.join("|"))
}

/// Anonymises a member inside the caller's transaction; returns the pseudonym's username. Idempotent.
///
/// Cleared: name, e-mail address, bio, partner label, roles, password, sessions (by the caller, in Redis),
/// API tokens, e-mail tokens, preferences, watches, follows, read state, digests, owned products, exports,
/// notifications, appeals, flag notes, seats at upcoming events and club membership, the e-mails sent to
/// them, and every copy of their name or address in other members' e-mails, the audit log, the webhook
/// outbox, Talking Point's snapshot and the moderators' notes. With `remove_content` their posts and comments
/// are emptied too: replies they wrote are removed, topics they started stay (with their replies) under the
/// pseudonym. Votes stay, counting, under the pseudonym.
pub(crate) async fn erase_in(
    conn: &mut AsyncPgConnection,
    user: UserId,
    remove_content: bool,
) -> DomainResult<String> {
    let row: UserRow = users::table
        .find(user)
        .select(UserRow::as_select())
        .for_update()
        .first(conn)
        .await?;
    let (username, display_name) = pseudonym(user);
    let deleted: Option<DateTime<Utc>> = users::table
        .find(user)
        .select(users::deleted_at)
        .first(conn)
        .await?;
    if deleted.is_some() {
        return Ok(row.username);
    }
    // The account itself first, so that whatever is written below (webhook payloads) names the pseudonym.
    diesel::update(users::table.find(user))
        .set((
            users::username.eq(&username),
            users::display_name.eq(Some(&display_name)),
            users::email.eq(format!("deleted-{}@invalid", user.0)),
            users::password_hash.eq(""),
            users::bio.eq(""),
            users::roles.eq(Vec::<Option<String>>::new()),
            users::partner_label.eq(None::<String>),
            users::last_login_at.eq(None::<DateTime<Utc>>),
            users::suspension_reason.eq(None::<String>),
            users::deletion_requested_at.eq(None::<DateTime<Utc>>),
            users::deletion_due_at.eq(None::<DateTime<Utc>>),
            users::deleted_at.eq(diesel::dsl::now),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;

    // Seats at upcoming events go to the waitlist; then out of the club.
    for event in crate::club::events::upcoming_rsvps_in(conn, user).await? {
        crate::club::events::cancel_rsvp_in(conn, event, user).await?;
    }
    crate::club::membership::leave_in(conn, user).await?;

    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(email_tokens::table.filter(email_tokens::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(notification_preferences::table.filter(notification_preferences::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(topic_watches::table.filter(topic_watches::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(category_watches::table.filter(category_watches::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(idea_followers::table.filter(idea_followers::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(topic_reads::table.filter(topic_reads::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(digest_runs::table.filter(digest_runs::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(product_owners::table.filter(product_owners::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(data_exports::table.filter(data_exports::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::sql_query("DELETE FROM post_pending_edits WHERE editor_id = $1")
        .bind::<BigInt, _>(user.0)
        .execute(conn)
        .await?;
    diesel::delete(appeals::table.filter(appeals::author_id.eq(user)))
        .execute(conn)
        .await?;
    // A flag keeps counting; its note was the member's words ("other" flags must say something), and the
    // moderation queue kept a copy of it.
    diesel::sql_query(
        "UPDATE moderation_queue q SET detail = '(removed with the account)'
         FROM flags f WHERE f.flagger_id = $1 AND f.note <> '' AND q.kind = 'flagged' AND q.post_id = f.post_id
           AND q.detail = f.note",
    )
    .bind::<BigInt, _>(user.0)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "UPDATE flags SET note = CASE WHEN reason = 'other' THEN '(removed with the account)' ELSE '' END
         WHERE flagger_id = $1 AND note <> ''",
    )
    .bind::<BigInt, _>(user.0)
    .execute(conn)
    .await?;

    if remove_content {
        remove_content_in(conn, user).await?;
    }

    // Every copy of their name or address elsewhere: whole words of the username and display name, and the
    // address, in other members' e-mails, moderators' notes, the audit log, the webhook outbox and Talking
    // Point's snapshot.
    let mut words: Vec<&str> = vec![&row.username, &row.email];
    if let Some(name) = row.display_name.as_deref() {
        words.push(name);
    }

    let pattern = word_pattern(&words);
    // The audit log's trigger lets this transaction (and only it) rewrite what entries say.
    diesel::sql_query("SELECT set_config('hearth.erasure', 'on', true)")
        .execute(conn)
        .await?;
    diesel::sql_query("DELETE FROM mail_outbox WHERE lower(to_address) = lower($1)")
        .bind::<Text, _>(&row.email)
        .execute(conn)
        .await?;
    diesel::sql_query(
        "UPDATE mail_outbox SET subject = regexp_replace(subject, $1, $2, 'gi'),
                text_body = regexp_replace(text_body, $1, $2, 'gi'),
                html_body = regexp_replace(html_body, $1, $2, 'gi')
         WHERE subject ~* $1 OR text_body ~* $1 OR html_body ~* $1",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&display_name)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "UPDATE notifications SET title = regexp_replace(title, $1, $2, 'gi') WHERE title ~* $1",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&display_name)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "UPDATE member_sanctions SET reason = regexp_replace(reason, $1, $2, 'gi') WHERE user_id = $3 AND reason ~* $1",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&username)
    .bind::<BigInt, _>(user.0)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "UPDATE moderation_queue SET detail = regexp_replace(detail, $1, $2, 'gi') WHERE detail ~* $1",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&username)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "UPDATE audit_log SET before = hearth_scrub_jsonb(before, $1, $2), after = hearth_scrub_jsonb(after, $1, $2),
                reason = regexp_replace(reason, $3, $2, 'gi')
         WHERE before::text ~* $3 OR after::text ~* $3 OR reason ~* $3",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&username)
    .bind::<Text, _>(&pattern)
    .execute(conn)
    .await?;
    // Entries about the member themself also named their partner company (an affiliation is theirs too).
    if let Some(label) = row.partner_label.as_deref() {
        diesel::sql_query(
            "UPDATE audit_log SET before = hearth_scrub_jsonb(before, $1, ''), after = hearth_scrub_jsonb(after, $1, '')
             WHERE target_type = 'user' AND target_id = $2",
        )
        .bind::<Text, _>(word_pattern(&[label]))
        .bind::<BigInt, _>(user.0)
        .execute(conn)
        .await?;
    }
    diesel::sql_query(
        "UPDATE webhook_events SET data = hearth_scrub_jsonb(data, $1, $2) WHERE data::text ~* $3",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&username)
    .bind::<Text, _>(&pattern)
    .execute(conn)
    .await?;
    // The company's systems (a CRM, a support desk) hear of it, by the id member.created gave them.
    crate::webhooks::emit(
        conn,
        crate::webhooks::EventType::MemberDeleted,
        serde_json::json!({
            "id": user.0,
            "username": username,
            "content_removed": remove_content,
            "deleted_at": Utc::now(),
        }),
    )
    .await?;
    diesel::sql_query(
        "UPDATE talk_snapshot SET payload = hearth_scrub_jsonb(payload, $1, $2) WHERE payload::text ~* $3",
    )
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&username)
    .bind::<Text, _>(&pattern)
    .execute(conn)
    .await?;
    Ok(username)
}

/// Empties the member's posts and comments: replies are removed (the counts follow), the first posts of their
/// topics stay as a note so that the replies keep their thread; earlier versions go.
async fn remove_content_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<()> {
    let replies: Vec<PostId> = posts::table
        .filter(posts::author_id.eq(user))
        .filter(posts::post_number.gt(1))
        .filter(posts::status.ne("deleted"))
        .select(posts::id)
        .load(conn)
        .await?;
    for post in replies {
        crate::moderation::queue::set_post_status_in(conn, post, "deleted", Some("removed by its author"))
            .await?;
    }
    diesel::delete(post_revisions::table.filter(
        post_revisions::post_id.eq_any(posts::table.filter(posts::author_id.eq(user)).select(posts::id)),
    ))
    .execute(conn)
    .await?;
    diesel::update(posts::table.filter(posts::author_id.eq(user)))
        .set((
            posts::body_md.eq(""),
            posts::body_html.eq(REMOVED_HTML),
            posts::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    diesel::update(answer_comments::table.filter(answer_comments::author_id.eq(user)))
        .set((
            answer_comments::status.eq("deleted"),
            answer_comments::body_md.eq(""),
            answer_comments::body_html.eq(""),
        ))
        .execute(conn)
        .await?;
    diesel::sql_query(
        "DELETE FROM talk_sources WHERE source_type = 'post'
            AND source_id IN (SELECT id FROM posts WHERE author_id = $1)",
    )
    .bind::<BigInt, _>(user.0)
    .execute(conn)
    .await?;
    Ok(())
}
