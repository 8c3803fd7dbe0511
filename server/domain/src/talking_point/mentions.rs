//! Mentions: commentary about the brand from outside the community (a social listening tool, review sites,
//! the support desk), ingested through the API. Plain text (markup removed), scored for sentiment when the
//! sender gave none, screened by the moderation rules that fit outside text (blocked and watched words, link
//! promotion), idempotent by `(source, external_id)`, and counted into Talking Point once published. Clearly
//! negative published mentions enter the staff inbox as detractors.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Float4, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::moderation::rules::{self, AuthorFacts, Verdict};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db};

/// The most mentions one request carries.
pub const MAX_BATCH: usize = 500;
pub const PAGE: i64 = 50;

/// A mention as the sender describes it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MentionInput {
    pub source: String,
    pub external_id: String,
    pub url: String,
    pub author_handle: String,
    pub text: String,
    /// RFC 3339.
    pub posted_at: String,
    /// VADER-like compound score from −1 to 1; scored here when absent.
    pub sentiment: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct Mention {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = Text)]
    pub external_id: String,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub author_handle: String,
    #[diesel(sql_type = Text)]
    pub text: String,
    #[diesel(sql_type = Timestamptz)]
    pub posted_at: DateTime<Utc>,
    #[diesel(sql_type = Float4)]
    pub sentiment: f32,
    /// `published`, `pending` (held by a rule, with `held_reason`) or `hidden`.
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub held_reason: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// A parsed, screened mention ready to store.
struct Valid {
    source: String,
    external_id: String,
    url: String,
    author_handle: String,
    text: String,
    posted_at: DateTime<Utc>,
    sentiment: f32,
    status: &'static str,
    held_reason: Option<String>,
}

fn require_ingest(actor: &Actor) -> DomainResult<()> {
    let scoped = matches!(&actor.auth, crate::accounts::AuthMethod::Token { scopes, .. }
        if scopes.has(crate::accounts::api_tokens::Scope::Mentions));
    if actor.roles.is_staff() || scoped {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "Mentions are sent by the brand's staff or their integrations (a staff member's API token).",
        ))
    }
}

/// Markup removed, whitespace collapsed.
fn plain(raw: &str) -> String {
    let stripped = ammonia::Builder::empty().clean(raw).to_string();
    rules::decode(&stripped)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse(
    input: &MentionInput,
    prefix: &str,
    errors: &mut FieldErrors,
    screen: &rules::Rules,
    now: DateTime<Utc>,
) -> Option<Valid> {
    let field = |name: &str| format!("{prefix}{name}");
    let before = errors.0.len();
    let source = input.source.trim().to_lowercase();
    let source_ok = (1..=30).contains(&source.len())
        && source
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_lowercase() || c.is_ascii_digit() || (i > 0 && (c == '_' || c == '-')));
    if !source_ok {
        errors.add(
            &field("source"),
            "must be 1 to 30 lower-case letters, digits, - or _ (twitter, trustpilot, support)",
        );
    }
    let external_id = input.external_id.trim().to_owned();
    if !(1..=200).contains(&external_id.chars().count()) || external_id.chars().any(char::is_control) {
        errors.add(&field("external_id"), "must be 1 to 200 characters");
    }
    let url = input.url.trim().to_owned();
    let url_ok = url::Url::parse(&url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        && url.len() <= 2000;
    if !url_ok {
        errors.add(
            &field("url"),
            "must be an http(s) address of at most 2000 characters",
        );
    }
    let author_handle = input.author_handle.trim().to_owned();
    if !(1..=100).contains(&author_handle.chars().count()) || author_handle.chars().any(char::is_control) {
        errors.add(&field("author_handle"), "must be 1 to 100 characters");
    }
    let text = match crate::text::block(&input.text) {
        Ok(t) => plain(&t),
        Err(m) => {
            errors.add(&field("text"), m);
            String::new()
        }
    };
    if !(1..=5000).contains(&text.chars().count()) && !errors.0.contains_key(&field("text")) {
        errors.add(&field("text"), "must be 1 to 5000 characters of text");
    }
    let posted_at = match DateTime::parse_from_rfc3339(input.posted_at.trim()) {
        Ok(t) => {
            let t = t.with_timezone(&Utc);
            if t > now + chrono::Duration::minutes(5) {
                errors.add(&field("posted_at"), "must not be in the future");
            } else if t.timestamp() < 946_684_800 {
                errors.add(&field("posted_at"), "must be after 2000-01-01");
            }
            Some(t)
        }
        Err(_) => {
            errors.add(
                &field("posted_at"),
                "must be an RFC 3339 time like 2026-12-01T09:30:00Z",
            );
            None
        }
    };
    let sentiment = match input.sentiment {
        Some(s) if (-1.0..=1.0).contains(&s) => s as f32,
        Some(_) => {
            errors.add(&field("sentiment"), "must be from -1 to 1");
            0.0
        }
        None => crate::moderation::sentiment(&text),
    };
    if errors.0.len() > before {
        return None;
    }
    // Outside commentary is screened for what it says, not for how it is written: blocked and watched words
    // and link promotion apply; brevity, link counts and first-post rules (made for members) do not.
    let mut outside = screen.clone();
    outside.too_brief.enabled = false;
    outside.link_limit.enabled = false;
    outside.first_posts.enabled = false;
    outside.partner_hold.enabled = false;
    let facts = AuthorFacts {
        team: false,
        partner: false,
        trust_level: 4,
        approved_posts: i32::MAX,
    };
    let html = crate::markdown::render(&text);
    let (status, held_reason) = match rules::evaluate(&outside, &facts, &text, &html) {
        Ok(Verdict::Publish) => ("published", None),
        Ok(Verdict::Hold { reason, .. }) => (
            "pending",
            Some(format!("Held because {reason}; staff will review it.")),
        ),
        Err(_) => (
            "hidden",
            Some("Hidden because it contains a word this community does not allow.".to_owned()),
        ),
    };
    Some(Valid {
        source,
        external_id,
        url,
        author_handle,
        text,
        posted_at: posted_at.unwrap_or(now),
        sentiment,
        status,
        held_reason,
    })
}

/// The outcome of an ingest: each mention (new or as stored before) and whether it was new.
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    pub items: Vec<Mention>,
    pub created: usize,
    pub existing: usize,
}

const COLUMNS: &str = "id, source, external_id, url, author_handle, body AS text, posted_at, sentiment, status, held_reason, created_at";

/// Stores mentions (staff, or a staff member's token): every item is checked first and one bad item stores
/// nothing (its errors are named `items[3].url`, or `url` for a single mention); then all are written in one
/// transaction. A repeated `(source, external_id)` changes nothing and comes back as stored.
pub async fn ingest(
    hearth: &Hearth,
    actor: &Actor,
    inputs: &[MentionInput],
    batch: bool,
) -> DomainResult<Ingested> {
    require_ingest(actor)?;
    if inputs.is_empty() {
        return Err(DomainError::invalid("items", "must hold at least one mention"));
    }
    if inputs.len() > MAX_BATCH {
        return Err(DomainError::invalid(
            "items",
            format!("at most {MAX_BATCH} mentions per request"),
        ));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let screen = rules::load_in(&mut conn).await?;
    let now = Utc::now();
    let mut errors = FieldErrors::new();
    let valid: Vec<Option<Valid>> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let prefix = if batch {
                format!("items[{i}].")
            } else {
                String::new()
            };
            parse(input, &prefix, &mut errors, &screen, now)
        })
        .collect();
    errors.into_result()?;
    let valid: Vec<Valid> = valid.into_iter().flatten().collect();
    let me = actor.id;
    let (items, created) = conn
        .transaction::<(Vec<Mention>, usize), DomainError, _>(async |conn| {
            let col = |f: fn(&Valid) -> String| valid.iter().map(f).collect::<Vec<String>>();
            let inserted: Vec<Mention> = diesel::sql_query(format!(
                "INSERT INTO mentions (source, external_id, url, author_handle, body, posted_at, sentiment, status, held_reason, created_by)
                 SELECT s, e, u, a, b, p, m, st, h, $10
                   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                               $7::real[], $8::text[], $9::text[]) AS x(s, e, u, a, b, p, m, st, h)
                 ON CONFLICT (source, external_id) DO NOTHING
                 RETURNING {COLUMNS}"
            ))
            .bind::<Array<Text>, _>(col(|v| v.source.clone()))
            .bind::<Array<Text>, _>(col(|v| v.external_id.clone()))
            .bind::<Array<Text>, _>(col(|v| v.url.clone()))
            .bind::<Array<Text>, _>(col(|v| v.author_handle.clone()))
            .bind::<Array<Text>, _>(col(|v| v.text.clone()))
            .bind::<Array<Timestamptz>, _>(valid.iter().map(|v| v.posted_at).collect::<Vec<_>>())
            .bind::<Array<Float4>, _>(valid.iter().map(|v| v.sentiment).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(col(|v| v.status.to_owned()))
            .bind::<Array<Nullable<Text>>, _>(valid.iter().map(|v| v.held_reason.clone()).collect::<Vec<_>>())
            .bind::<BigInt, _>(me.0)
            .load(conn)
            .await?;
            let created = inserted.len();
            let new_ids: Vec<i64> = inserted.iter().map(|m| m.id).collect();
            for mention in inserted.iter().filter(|m| m.status == "published") {
                crate::webhooks::payloads::mention_created(conn, mention.id).await?;
            }
            crate::moderation::inbox::note_detractor_mentions_in(conn, &new_ids).await?;
            // Every item as stored now, in the order sent (repeats included).
            let stored: Vec<Mention> = diesel::sql_query(format!(
                "SELECT {COLUMNS} FROM mentions m JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, e, o)
                   ON m.source = k.s AND m.external_id = k.e ORDER BY k.o"
            ))
            .bind::<Array<Text>, _>(col(|v| v.source.clone()))
            .bind::<Array<Text>, _>(col(|v| v.external_id.clone()))
            .load(conn)
            .await?;
            Ok((stored, created))
        })
        .await?;
    let existing = items.len().saturating_sub(created);
    Ok(Ingested {
        items,
        created,
        existing,
    })
}

/// Filters for the staff's list.
#[derive(Debug, Clone, Default)]
pub struct MentionQuery {
    pub source: Option<String>,
    /// `positive`, `neutral` or `negative`.
    pub sentiment: Option<String>,
    /// A theme key: only mentions that count toward it.
    pub theme: Option<String>,
    /// `published`, `pending` or `hidden`.
    pub status: Option<String>,
    /// The last item's (posted_at, id) of the previous page.
    pub after: Option<(DateTime<Utc>, i64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MentionPage {
    pub items: Vec<Mention>,
    pub next: Option<(DateTime<Utc>, i64)>,
}

/// Mentions newest first (staff), keyset-paginated.
pub async fn list(hearth: &Hearth, actor: &Actor, query: &MentionQuery) -> DomainResult<MentionPage> {
    super::staff::require_staff(actor)?;
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
    };
    let sentiment = blank(&query.sentiment);
    if let Some(s) = &sentiment
        && !matches!(s.as_str(), "positive" | "neutral" | "negative")
    {
        return Err(DomainError::invalid(
            "sentiment",
            "must be positive, neutral or negative",
        ));
    }
    let status = blank(&query.status);
    if let Some(s) = &status
        && !matches!(s.as_str(), "published" | "pending" | "hidden")
    {
        return Err(DomainError::invalid(
            "status",
            "must be published, pending or hidden",
        ));
    }
    let theme = match blank(&query.theme) {
        Some(t) => Some(super::terms::parse_key(&t).map_err(|m| DomainError::invalid("theme", m))?),
        None => None,
    };
    let (after_at, after_id) = query.after.unwrap_or((DateTime::<Utc>::MAX_UTC, i64::MAX));
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<Mention> = diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM mentions m
          WHERE ($1::text IS NULL OR m.source = $1)
            AND ($2::text IS NULL OR ($2 = 'positive' AND m.sentiment >= 0.05) OR ($2 = 'negative' AND m.sentiment <= -0.05)
                 OR ($2 = 'neutral' AND m.sentiment > -0.05 AND m.sentiment < 0.05))
            AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM talk_sources s WHERE s.source_type = 'mention'
                                              AND s.source_id = m.id AND s.terms @> ARRAY[$3]))
            AND ($4::text IS NULL OR m.status = $4)
            AND (m.posted_at, m.id) < ($5, $6)
          ORDER BY m.posted_at DESC, m.id DESC LIMIT $7"
    ))
    .bind::<Nullable<Text>, _>(blank(&query.source))
    .bind::<Nullable<Text>, _>(sentiment)
    .bind::<Nullable<Text>, _>(theme)
    .bind::<Nullable<Text>, _>(status)
    .bind::<Timestamptz, _>(after_at)
    .bind::<BigInt, _>(after_id)
    .bind::<BigInt, _>(PAGE + 1)
    .load(&mut conn)
    .await?;
    let next = (items.len() as i64 > PAGE).then(|| {
        items.truncate(PAGE as usize);
        items
            .last()
            .map(|m| (m.posted_at, m.id))
            .unwrap_or((after_at, after_id))
    });
    Ok(MentionPage { items, next })
}

/// Hides a mention, or publishes one that was held or hidden (staff; audited). It stops (or starts) counting.
pub async fn set_status(hearth: &Hearth, actor: &Actor, id: i64, publish: bool) -> DomainResult<Mention> {
    super::staff::require_staff(actor)?;
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    conn.transaction::<Mention, DomainError, _>(async |conn| {
        let before: Mention = diesel::sql_query(format!("SELECT {COLUMNS} FROM mentions WHERE id = $1 FOR UPDATE"))
            .bind::<BigInt, _>(id)
            .get_result(conn)
            .await
            .map_err(|e| match e {
                diesel::result::Error::NotFound => DomainError::NotFound("mention"),
                other => other.into(),
            })?;
        let status = if publish { "published" } else { "hidden" };
        let after: Mention = diesel::sql_query(format!(
            "UPDATE mentions SET status = $2, held_reason = NULL, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}"
        ))
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(status)
        .get_result(conn)
        .await?;
        if publish {
            if before.status != "published" && before.status != "hidden" {
                crate::webhooks::payloads::mention_created(conn, id).await?;
            }
            crate::moderation::inbox::note_detractor_mentions_in(conn, &[id]).await?;
        }
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(me),
                action: if publish { "mention.publish".into() } else { "mention.hide".into() },
                target_type: "mention".into(),
                target_id: Some(id),
                before: Some(serde_json::json!({ "status": before.status })),
                after: Some(serde_json::json!({ "status": after.status })),
                reason: String::new(),
            },
        )
        .await?;
        Ok(after)
    })
    .await
}
