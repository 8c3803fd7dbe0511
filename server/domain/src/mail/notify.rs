//! Notification e-mail. Each notification row is the outbox entry of its e-mail: it is written in the event's
//! transaction with `mail_state = 'pending'`. [`mail_pending`] turns pending rows into outbox mail (sent by the mail
//! worker with retries) or marks them for a digest, by the member's preferences, under row locks with SKIP LOCKED so
//! that each row is handled exactly once even with several instances. [`send_digests`] groups the waiting rows of a
//! member into one daily or weekly message. Every message carries a signed one-click unsubscribe link.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, RunQueryDsl};
use std::collections::HashMap;

use super::{OutgoingMail, templates};
use crate::accounts::Actor;
use crate::ids::UserId;
use crate::schema::{digest_runs, mail_outbox, notification_preferences};
use crate::{DomainError, DomainResult, Hearth, db};

/// How a member wants to hear about a kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Immediately,
    Daily,
    Weekly,
    Never,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [
        Delivery::Immediately,
        Delivery::Daily,
        Delivery::Weekly,
        Delivery::Never,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Immediately => "immediately",
            Delivery::Daily => "daily",
            Delivery::Weekly => "weekly",
            Delivery::Never => "never",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::Immediately => "Immediately",
            Delivery::Daily => "Daily summary",
            Delivery::Weekly => "Weekly summary",
            Delivery::Never => "Never",
        }
    }

    pub fn parse(raw: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == raw.trim())
    }
}

/// The kinds of events a member chooses for: (key, label, default). Defaults that do not spam: what is addressed
/// to the member comes at once, activity they only watch comes as a daily summary, ideas weekly.
pub const TOPICS: [(&str, &str, Delivery); 7] = [
    (
        "replies",
        "Replies to your topics and quotes of your posts",
        Delivery::Immediately,
    ),
    ("mentions", "Mentions of you", Delivery::Immediately),
    (
        "qa",
        "Answers to your questions, accepted answers, invitations to answer",
        Delivery::Immediately,
    ),
    (
        "watching",
        "Activity in topics and categories you watch",
        Delivery::Daily,
    ),
    (
        "ideas",
        "Status changes and merges of ideas you voted for or follow",
        Delivery::Weekly,
    ),
    (
        "events",
        "Club events: seats and reminders",
        Delivery::Immediately,
    ),
    (
        "moderation",
        "Moderation decisions about your posts",
        Delivery::Immediately,
    ),
];

/// The preference topic of a notification kind.
pub fn topic_of(kind: &str) -> &'static str {
    match kind.split('.').next().unwrap_or("") {
        "qa" => "qa",
        "idea" => "ideas",
        "event" => "events",
        "moderation" => "moderation",
        _ => match kind {
            "forums.mention" => "mentions",
            "forums.reply" | "forums.quote" => "replies",
            _ => "watching",
        },
    }
}

fn label_of(topic: &str) -> &'static str {
    TOPICS
        .iter()
        .find(|(k, _, _)| *k == topic)
        .map(|(_, l, _)| *l)
        .unwrap_or("notifications")
}

fn default_of(topic: &str) -> Delivery {
    TOPICS
        .iter()
        .find(|(k, _, _)| *k == topic)
        .map(|(_, _, d)| *d)
        .unwrap_or(Delivery::Daily)
}

/// What a member chose, topic → delivery (topics left at their default are absent).
async fn chosen_in(
    conn: &mut diesel_async::AsyncPgConnection,
    user: UserId,
) -> DomainResult<HashMap<String, String>> {
    Ok(notification_preferences::table
        .filter(notification_preferences::user_id.eq(user))
        .select((
            notification_preferences::topic,
            notification_preferences::delivery,
        ))
        .load::<(String, String)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// A member's choice per topic (defaults where they chose nothing).
pub async fn preferences(
    hearth: &Hearth,
    actor: &Actor,
) -> DomainResult<Vec<(&'static str, &'static str, Delivery)>> {
    let mut conn = db::conn(hearth.db()).await?;
    let chosen = chosen_in(&mut conn, actor.id).await?;
    Ok(TOPICS
        .iter()
        .map(|(k, l, d)| {
            (
                *k,
                *l,
                chosen.get(*k).and_then(|c| Delivery::parse(c)).unwrap_or(*d),
            )
        })
        .collect())
}

async fn set_in(
    conn: &mut diesel_async::AsyncPgConnection,
    user: UserId,
    topic: &str,
    delivery: Delivery,
) -> DomainResult<()> {
    diesel::insert_into(notification_preferences::table)
        .values((
            notification_preferences::user_id.eq(user),
            notification_preferences::topic.eq(topic),
            notification_preferences::delivery.eq(delivery.as_str()),
        ))
        .on_conflict((notification_preferences::user_id, notification_preferences::topic))
        .do_update()
        .set((
            notification_preferences::delivery.eq(delivery.as_str()),
            notification_preferences::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets how a member hears about one topic (field errors for unknown topics or deliveries).
pub async fn set_preference(hearth: &Hearth, actor: &Actor, topic: &str, delivery: &str) -> DomainResult<()> {
    let Some((topic, _, _)) = TOPICS.iter().find(|(k, _, _)| *k == topic.trim()) else {
        return Err(DomainError::invalid("topic", "is not a kind of notification"));
    };
    let delivery = Delivery::parse(delivery)
        .ok_or_else(|| DomainError::invalid(topic, "must be immediately, daily, weekly or never"))?;
    let mut conn = db::conn(hearth.db()).await?;
    set_in(&mut conn, actor.id, topic, delivery).await
}

const UNSUBSCRIBE: &str = "unsubscribe";

/// The one-click unsubscribe address of a topic's e-mails for a member: signed, so it needs no log-in and cannot
/// be made up for someone else.
pub fn unsubscribe_link(hearth: &Hearth, user: UserId, topic: &str) -> String {
    let sig = hearth
        .settings()
        .secret
        .sign(UNSUBSCRIBE, &format!("{user}:{topic}"));
    format!(
        "{}/unsubscribe?u={user}&t={topic}&s={sig}",
        hearth.settings().base_url
    )
}

/// Turns a topic's e-mails off for the member a signed link names (no log-in). A forged or altered link is refused
/// and changes nothing.
pub async fn unsubscribe(
    hearth: &Hearth,
    user: i64,
    topic: &str,
    signature: &str,
) -> DomainResult<&'static str> {
    let invalid = || DomainError::forbidden("This unsubscribe link is not valid.");
    let known = topic == DIGESTS || TOPICS.iter().any(|(k, _, _)| *k == topic);
    if !known
        || !hearth
            .settings()
            .secret
            .verify(UNSUBSCRIBE, &format!("{user}:{topic}"), signature)
    {
        return Err(invalid());
    }
    let mut conn = db::conn(hearth.db()).await?;
    if topic == DIGESTS {
        // Every topic that comes as a summary now stops.
        let chosen = chosen_in(&mut conn, UserId(user)).await?;
        for (key, _, default) in TOPICS {
            let now = chosen
                .get(key)
                .and_then(|d| Delivery::parse(d))
                .unwrap_or(default);
            if matches!(now, Delivery::Daily | Delivery::Weekly) {
                set_in(&mut conn, UserId(user), key, Delivery::Never).await?;
            }
        }
        return Ok("summaries");
    }
    set_in(&mut conn, UserId(user), topic, Delivery::Never).await?;
    Ok(label_of(topic))
}

/// The unsubscribe "topic" of a digest: every kind that comes as a summary.
pub const DIGESTS: &str = "digests";

#[derive(Debug, QueryableByName)]
struct PendingRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    verified: bool,
}

/// Rows handled per round.
pub const PENDING_BATCH: i64 = 200;

fn absolute(hearth: &Hearth, url: &str) -> String {
    if url.starts_with("http") {
        url.to_owned()
    } else {
        format!("{}{url}", hearth.settings().base_url)
    }
}

/// Handles pending notifications: immediate ones become outbox mail, others wait for their digest, "never" (and
/// unverified addresses) are skipped. Returns how many rows were handled; wakes the mail worker when it queued mail
/// and tells the members' open pages (the live bell).
pub async fn mail_pending(hearth: &Hearth) -> DomainResult<usize> {
    let brand = crate::brand::current(hearth);
    let mut conn = db::conn(hearth.db()).await?;
    let (handled, queued, told) = conn
        .transaction::<(usize, usize, Vec<i64>), DomainError, _>(async |conn| {
            let rows: Vec<PendingRow> = diesel::sql_query(
                "SELECT n.id, n.user_id, n.kind, n.title, n.url, u.email, u.username,
                        u.email_verified_at IS NOT NULL AS verified
                   FROM (SELECT * FROM notifications WHERE mail_state = 'pending' ORDER BY id LIMIT $1
                         FOR UPDATE SKIP LOCKED) n
                   JOIN users u ON u.id = n.user_id
                  ORDER BY n.id",
            )
            .bind::<BigInt, _>(PENDING_BATCH)
            .load(conn)
            .await?;
            if rows.is_empty() {
                return Ok((0, 0, Vec::new()));
            }
            // Preferences of these members, all topics, in one query.
            let users: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
            let prefs: HashMap<(i64, String), String> = notification_preferences::table
                .filter(notification_preferences::user_id.eq_any(&users))
                .select((
                    notification_preferences::user_id,
                    notification_preferences::topic,
                    notification_preferences::delivery,
                ))
                .load::<(i64, String, String)>(conn)
                .await?
                .into_iter()
                .map(|(u, t, d)| ((u, t), d))
                .collect();
            let mut states: HashMap<&'static str, Vec<i64>> = HashMap::new();
            let mut queued = 0;
            for row in &rows {
                let topic = topic_of(&row.kind);
                let delivery = prefs
                    .get(&(row.user_id, topic.to_owned()))
                    .and_then(|d| Delivery::parse(d))
                    .unwrap_or_else(|| default_of(topic));
                let state = match (row.verified, delivery) {
                    (false, _) | (_, Delivery::Never) => "skipped",
                    (true, Delivery::Daily) => "digest_daily",
                    (true, Delivery::Weekly) => "digest_weekly",
                    (true, Delivery::Immediately) => {
                        let unsubscribe = unsubscribe_link(hearth, UserId(row.user_id), topic);
                        let mail = templates::notification(
                            &brand,
                            &row.email,
                            &row.username,
                            &row.title,
                            &absolute(hearth, &row.url),
                            &label_of(topic).to_lowercase(),
                            &unsubscribe,
                        );
                        enqueue_with_unsubscribe(conn, &mail, &unsubscribe).await?;
                        queued += 1;
                        "queued"
                    }
                };
                states.entry(state).or_default().push(row.id);
            }
            for (state, ids) in states {
                diesel::sql_query("UPDATE notifications SET mail_state = $1 WHERE id = ANY($2)")
                    .bind::<Text, _>(state)
                    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
                    .execute(conn)
                    .await?;
            }
            Ok((rows.len(), queued, users))
        })
        .await?;
    if queued > 0 {
        hearth.wake_mailer();
    }
    // Every notification reaches its member's live bell within this worker's period, whichever transaction made
    // it (approvals, idea statuses, seats, reminders); posting also rings the bell at once.
    crate::live::publish(
        hearth,
        crate::live::LiveEvent::notification(told).into_iter().collect(),
    )
    .await;
    Ok(handled)
}

async fn enqueue_with_unsubscribe(
    conn: &mut diesel_async::AsyncPgConnection,
    mail: &OutgoingMail,
    unsubscribe: &str,
) -> DomainResult<()> {
    let id = super::enqueue(conn, mail).await?;
    diesel::update(mail_outbox::table.find(id.0))
        .set(mail_outbox::list_unsubscribe.eq(Some(unsubscribe)))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, QueryableByName)]
struct DigestRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    topic_title: Option<String>,
}

fn heading_of(kind: &str) -> &'static str {
    match kind {
        "forums.reply" | "forums.quote" => "Replies and quotes",
        "forums.mention" => "Mentions",
        "forums.watching" => "In topics you watch",
        "forums.new_topic" => "New topics in categories you watch",
        k if k.starts_with("qa.") => "Questions and answers",
        k if k.starts_with("idea.") => "Ideas",
        k if k.starts_with("event.") => "Club events",
        k if k.starts_with("moderation.") => "Moderation",
        _ => "Other",
    }
}

/// Sends the digests that are due (`daily`: a day after the last one, `weekly`: a week), one message per member
/// with their waiting notifications grouped by kind of event and then by topic. Returns how many were queued.
pub async fn send_digests(hearth: &Hearth, period: &str, now: DateTime<Utc>) -> DomainResult<usize> {
    let (state, every) = match period {
        "daily" => ("digest_daily", chrono::Duration::days(1)),
        "weekly" => ("digest_weekly", chrono::Duration::days(7)),
        _ => return Err(DomainError::internal("unknown digest period")),
    };
    let brand = crate::brand::current(hearth);
    let mut conn = db::conn(hearth.db()).await?;
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = BigInt)]
        user_id: i64,
    }
    let due: Vec<Due> = diesel::sql_query(
        "SELECT DISTINCT n.user_id FROM notifications n
           LEFT JOIN digest_runs r ON r.user_id = n.user_id AND r.period = $2
          WHERE n.mail_state = $1 AND (r.last_sent_at IS NULL OR r.last_sent_at <= $3)
          LIMIT 500",
    )
    .bind::<Text, _>(state)
    .bind::<Text, _>(period)
    .bind::<diesel::sql_types::Timestamptz, _>(now - every)
    .load(&mut conn)
    .await?;
    let mut sent = 0;
    for Due { user_id } in due {
        let queued = conn
            .transaction::<bool, DomainError, _>(async |conn| {
                let rows: Vec<DigestRow> = diesel::sql_query(
                    "SELECT n.id, n.kind, n.title, n.url, t.title AS topic_title
                       FROM (SELECT * FROM notifications WHERE user_id = $1 AND mail_state = $2
                             ORDER BY id FOR UPDATE SKIP LOCKED) n
                       LEFT JOIN topics t ON t.id = n.topic_id
                      ORDER BY n.id",
                )
                .bind::<BigInt, _>(user_id)
                .bind::<Text, _>(state)
                .load(conn)
                .await?;
                if rows.is_empty() {
                    return Ok(false);
                }
                let (email, username): (String, String) = crate::schema::users::table
                    .find(user_id)
                    .select((crate::schema::users::email, crate::schema::users::username))
                    .first(conn)
                    .await?;
                // Group by kind of event, then by topic (a topic's several updates become one line with a count).
                let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
                let mut lines: HashMap<(&str, String), (usize, String, usize)> = HashMap::new();
                for row in &rows {
                    let heading = heading_of(&row.kind);
                    let key = (
                        heading,
                        row.topic_title.clone().unwrap_or_else(|| row.title.clone()),
                    );
                    let group = match groups.iter().position(|(h, _)| h == heading) {
                        Some(g) => g,
                        None => {
                            groups.push((heading.to_owned(), Vec::new()));
                            groups.len() - 1
                        }
                    };
                    match lines.get_mut(&key) {
                        Some((_, _, count)) => *count += 1,
                        None => {
                            groups[group]
                                .1
                                .push((row.title.clone(), absolute(hearth, &row.url)));
                            lines.insert(key, (group, row.title.clone(), 1));
                        }
                    }
                }
                for ((_, topic), (group, first_title, count)) in &lines {
                    if *count > 1
                        && let Some(line) = groups[*group].1.iter_mut().find(|(t, _)| t == first_title)
                    {
                        line.0 = format!("{topic} — {count} updates");
                    }
                }
                let settings = format!("{}/settings#notifications", hearth.settings().base_url);
                let mail = templates::digest(&brand, &email, &username, period, &groups, &settings);
                let unsubscribe = unsubscribe_link(hearth, UserId(user_id), DIGESTS);
                enqueue_with_unsubscribe(conn, &mail, &unsubscribe).await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                diesel::sql_query("UPDATE notifications SET mail_state = 'digested' WHERE id = ANY($1)")
                    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
                    .execute(conn)
                    .await?;
                diesel::insert_into(digest_runs::table)
                    .values((
                        digest_runs::user_id.eq(user_id),
                        digest_runs::period.eq(period),
                        digest_runs::last_sent_at.eq(now),
                    ))
                    .on_conflict((digest_runs::user_id, digest_runs::period))
                    .do_update()
                    .set(digest_runs::last_sent_at.eq(now))
                    .execute(conn)
                    .await?;
                Ok(true)
            })
            .await?;
        if queued {
            sent += 1;
        }
    }
    if sent > 0 {
        hearth.wake_mailer();
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;
    use crate::forums::tests::{account, category};
    use crate::forums::{self, NewTopicInput, ReplyInput};
    use crate::schema::notifications;
    use crate::testing;

    async fn outbox(hearth: &Hearth) -> Vec<(String, String, Option<String>, String)> {
        let mut conn = db::conn(hearth.db()).await.unwrap();
        mail_outbox::table
            .filter(mail_outbox::kind.eq_any(["notification", "digest"]))
            .order(mail_outbox::id)
            .select((
                mail_outbox::to_address,
                mail_outbox::subject,
                mail_outbox::list_unsubscribe,
                mail_outbox::text_body,
            ))
            .load(&mut conn)
            .await
            .unwrap()
    }

    async fn states(hearth: &Hearth, user: UserId) -> Vec<String> {
        let mut conn = db::conn(hearth.db()).await.unwrap();
        notifications::table
            .filter(notifications::user_id.eq(user))
            .order(notifications::id)
            .select(notifications::mail_state)
            .load(&mut conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn preferences_decide_between_mail_now_a_digest_and_nothing() {
        let (hearth, _db) = testing::hearth().await;
        let admin = account(&hearth, "admin1", vec![Role::Admin]).await;
        let author = account(&hearth, "author1", vec![]).await;
        let other = account(&hearth, "other1", vec![]).await;
        let general = forums::create_category(&hearth, &admin, &category("general", "public", "everyone"))
            .await
            .unwrap();
        let (topic, _) = forums::create_topic(
            &hearth,
            &author,
            &NewTopicInput {
                category_id: general.id.0,
                title: "Chain wax or oil?".into(),
                body: "Which one lasts longer in the rain?".into(),
            },
        )
        .await
        .unwrap();
        let reply = |body: &'static str| {
            let (hearth, other) = (hearth.clone(), other.clone());
            async move {
                forums::reply(
                    &hearth,
                    &other,
                    topic.id,
                    &ReplyInput {
                        body: body.into(),
                        quote_post_id: None,
                    },
                )
                .await
                .unwrap()
            }
        };
        // Default for replies: immediately, one e-mail with a signed one-click unsubscribe link.
        reply("Wax, it lasts about 300 km for me.").await;
        assert_eq!(
            states(&hearth, author.id).await,
            vec!["pending"],
            "written in the event's transaction"
        );
        assert_eq!(mail_pending(&hearth).await.unwrap(), 1);
        assert_eq!(mail_pending(&hearth).await.unwrap(), 0, "handled once");
        let sent = outbox(&hearth).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "author1@example.com");
        assert!(
            sent[0]
                .1
                .contains("other1 replied to your topic Chain wax or oil?"),
            "{}",
            sent[0].1
        );
        let link = sent[0].2.clone().unwrap();
        assert!(
            sent[0].3.contains(&link) && sent[0].3.contains("/t/"),
            "{}",
            sent[0].3
        );

        // Daily: waits for the digest, which groups by topic; one digest a day.
        set_preference(&hearth, &author, "replies", "daily")
            .await
            .unwrap();
        set_preference(&hearth, &author, "replies", "hourly")
            .await
            .expect_err("a known delivery");
        set_preference(&hearth, &author, "gossip", "daily")
            .await
            .expect_err("a known topic");
        reply("Oil, but clean it every week.").await;
        reply("Wax here too, and a chain checker.").await;
        mail_pending(&hearth).await.unwrap();
        assert_eq!(
            states(&hearth, author.id).await,
            vec!["queued", "digest_daily", "digest_daily"]
        );
        let now = Utc::now();
        assert_eq!(send_digests(&hearth, "daily", now).await.unwrap(), 1);
        assert_eq!(
            send_digests(&hearth, "daily", now).await.unwrap(),
            0,
            "nothing left"
        );
        let sent = outbox(&hearth).await;
        assert_eq!(sent.len(), 2);
        assert!(sent[1].1.starts_with("Your daily summary"), "{}", sent[1].1);
        assert!(
            sent[1].3.contains("Chain wax or oil? — 2 updates"),
            "{}",
            sent[1].3
        );
        reply("A third opinion: ceramic lube.").await;
        mail_pending(&hearth).await.unwrap();
        assert_eq!(
            send_digests(&hearth, "daily", now + chrono::Duration::hours(1))
                .await
                .unwrap(),
            0,
            "a day apart"
        );
        assert_eq!(
            send_digests(&hearth, "daily", now + chrono::Duration::hours(25))
                .await
                .unwrap(),
            1
        );

        // Unsubscribing: a forged link changes nothing; the real one needs no log-in.
        let real = unsubscribe_link(&hearth, author.id, "replies");
        let sig = real.split("&s=").nth(1).unwrap().to_owned();
        assert!(
            unsubscribe(&hearth, other.id.0, "replies", &sig).await.is_err(),
            "another member's id"
        );
        assert!(
            unsubscribe(&hearth, author.id.0, "mentions", &sig).await.is_err(),
            "another topic"
        );
        assert!(
            unsubscribe(&hearth, author.id.0, "replies", "forged")
                .await
                .is_err()
        );
        let prefs = preferences(&hearth, &author).await.unwrap();
        assert!(
            prefs
                .iter()
                .any(|(t, _, d)| *t == "replies" && *d == Delivery::Daily),
            "unchanged"
        );
        unsubscribe(&hearth, author.id.0, "replies", &sig).await.unwrap();
        reply("One more reply nobody mails.").await;
        mail_pending(&hearth).await.unwrap();
        assert_eq!(
            states(&hearth, author.id).await.last().map(String::as_str),
            Some("skipped")
        );
        assert_eq!(outbox(&hearth).await.len(), 3, "no new mail");
    }

    #[test]
    fn kinds_map_to_the_topics_members_choose() {
        assert_eq!(topic_of("forums.reply"), "replies");
        assert_eq!(topic_of("forums.quote"), "replies");
        assert_eq!(topic_of("forums.mention"), "mentions");
        assert_eq!(topic_of("forums.watching"), "watching");
        assert_eq!(topic_of("forums.new_topic"), "watching");
        assert_eq!(topic_of("qa.answer"), "qa");
        assert_eq!(topic_of("idea.status"), "ideas");
        assert_eq!(topic_of("event.seat"), "events");
        assert_eq!(topic_of("moderation.rejected"), "moderation");
        assert_eq!(default_of("watching"), Delivery::Daily, "watching does not spam");
    }
}
