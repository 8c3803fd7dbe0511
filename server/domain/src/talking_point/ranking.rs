//! Ranking: which themes are rising, the hot conversations, the brand's answers and the questions waiting —
//! computed by a worker from the buckets into one snapshot row that the page reads.
//!
//! A theme rises when its mentions over the last 24 hours stand well above its usual level: the mean of the
//! same 24 hours one, two, three and four weeks earlier (the same weekday and hours), with a floor of
//! [`BASELINE_FLOOR`] so that a rare word does not explode from nothing. A theme is shown when it was mentioned
//! at least [`MIN_MENTIONS`] times and at least [`RISING_FACTOR`] times its usual level; the most surprising
//! first (mentions above the usual level, divided by the square root of the usual level).
//!
//! Hot conversations: `(2 × distinct repliers + votes, both of the last 3 days) / (hours since the start + 2)^1.5`.

use chrono::{DateTime, Datelike, Utc};
use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use crate::{DomainError, DomainResult, Hearth, db};

pub const MIN_MENTIONS: i64 = 3;
pub const RISING_FACTOR: f64 = 1.5;
pub const BASELINE_FLOOR: f64 = 2.0;
/// Themes shown at most (pinned ones come on top of these).
pub const THEMES: usize = 8;

/// One post or mention that carries a theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voice {
    /// `post` or `mention`.
    pub kind: String,
    pub title: String,
    pub excerpt: String,
    /// A page of this site for posts; the original for mentions.
    pub url: String,
    pub author: String,
    /// For mentions: where it was said (`twitter`, `trustpilot`, `support`, …).
    pub source: Option<String>,
    pub at: DateTime<Utc>,
}

/// A theme people talk about now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// The term: a word, a two-word phrase or `product:<slug>`.
    pub key: String,
    pub label: String,
    /// `word`, `phrase` or `product`.
    pub kind: String,
    /// The product's slug, for product themes.
    pub product: Option<String>,
    pub last_hour: i64,
    pub last_day: i64,
    /// The usual number of mentions in the same 24 hours of a week (mean of the last four weeks).
    pub baseline: f64,
    /// `last_day` against the usual level (floored).
    pub factor: f64,
    pub positive: i64,
    pub neutral: i64,
    pub negative: i64,
    /// Mentions per day over the last 7 days, oldest first.
    pub spark: Vec<i64>,
    /// Why it is here, in words.
    pub reason: String,
    /// A staff note shown with the theme ("We are on it: firmware 2.1 ships Friday").
    pub pinned_note: Option<String>,
    pub latest: Vec<Voice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotConversation {
    pub topic_id: i64,
    /// `discussion`, `question` or `idea`.
    pub kind: String,
    pub title: String,
    pub url: String,
    pub category: String,
    pub repliers: i64,
    pub votes: i64,
    pub replies: i64,
    pub score: f64,
}

/// The brand in the conversation: an official answer or an idea's status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heard {
    /// `answer` or `status`.
    pub kind: String,
    pub title: String,
    pub url: String,
    pub excerpt: String,
    pub who: String,
    /// For status changes: the new status (`planned`, `shipped`, …).
    pub status: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub topic_id: i64,
    pub title: String,
    pub url: String,
    pub author: String,
    pub asked_at: DateTime<Utc>,
}

/// What the page shows, as last computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Snapshot {
    pub computed_at: Option<DateTime<Utc>>,
    pub themes: Vec<Theme>,
    pub hot: Vec<HotConversation>,
    pub heard: Vec<Heard>,
    pub waiting: Vec<Waiting>,
}

/// A topic's page.
pub fn topic_url(kind: &str, topic: i64) -> String {
    match kind {
        "question" => format!("/q/{topic}"),
        "idea" => format!("/ideas/{topic}"),
        _ => format!("/t/{topic}"),
    }
}

/// A post's place on its topic's page.
pub fn post_url(kind: &str, topic: i64, post: i64, number: i32) -> String {
    match (kind, number) {
        (_, 1) => topic_url(kind, topic),
        ("question", _) => format!("/q/{topic}#answer-{post}"),
        ("idea", _) => format!("/ideas/{topic}#post-{number}"),
        _ => format!("/t/{topic}?post={post}#post-{number}"),
    }
}

/// The snapshot the page shows (empty before the first refresh).
pub async fn current(hearth: &Hearth) -> DomainResult<Snapshot> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        payload: serde_json::Value,
    }
    let mut conn = db::conn(hearth.db()).await?;
    let row: Option<Row> = db::prepared_sql("SELECT payload FROM talk_snapshot WHERE id = 1")
        .get_result(&mut conn)
        .await
        .optional()?;
    match row {
        Some(r) => serde_json::from_value(r.payload).map_err(DomainError::internal),
        None => Ok(Snapshot::default()),
    }
}

#[derive(QueryableByName)]
struct TermStats {
    #[diesel(sql_type = Text)]
    term: String,
    #[diesel(sql_type = BigInt)]
    day: i64,
    #[diesel(sql_type = BigInt)]
    last_hour: i64,
    #[diesel(sql_type = BigInt)]
    pos: i64,
    #[diesel(sql_type = BigInt)]
    neg: i64,
    #[diesel(sql_type = Double)]
    baseline: f64,
}

const STATS_SQL: &str = "
WITH recent AS (
    SELECT term, sum(mentions)::int8 AS day, sum(positive)::int8 AS pos, sum(negative)::int8 AS neg,
           COALESCE(sum(mentions) FILTER (WHERE hour > $1 - interval '1 hour'), 0)::int8 AS last_hour
      FROM talk_buckets
     WHERE hour > $1 - interval '24 hours' AND hour <= $1
     GROUP BY term
    HAVING sum(mentions) >= $2 OR term = ANY($3)
), base AS (
    SELECT b.term, sum(b.mentions)::float8 / 4 AS baseline
      FROM talk_buckets b JOIN recent r ON r.term = b.term
     WHERE (b.hour > $1 - interval '8 days' AND b.hour <= $1 - interval '7 days')
        OR (b.hour > $1 - interval '15 days' AND b.hour <= $1 - interval '14 days')
        OR (b.hour > $1 - interval '22 days' AND b.hour <= $1 - interval '21 days')
        OR (b.hour > $1 - interval '29 days' AND b.hour <= $1 - interval '28 days')
     GROUP BY b.term
)
SELECT r.term, r.day, r.last_hour, r.pos, r.neg, COALESCE(b.baseline, 0)::float8 AS baseline
  FROM recent r LEFT JOIN base b ON b.term = r.term";

fn weekday(now: DateTime<Utc>) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][now.weekday().num_days_from_monday() as usize]
}

/// A candidate with the numbers that rank it.
struct Candidate {
    stats: TermStats,
    factor: f64,
    surprise: f64,
}

/// Chooses the rising themes: not ignored (nor any word of a phrase), not hidden, most surprising first; a word
/// is left out when a rising phrase holds it and carries at least half its mentions.
fn choose(
    stats: Vec<TermStats>,
    ignored: &HashSet<String>,
    hidden: &HashSet<String>,
    pinned: &HashSet<String>,
) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = stats
        .into_iter()
        .filter(|s| !hidden.contains(&s.term))
        .filter(|s| {
            pinned.contains(&s.term)
                || !(ignored.contains(&s.term) || s.term.split(' ').any(|w| ignored.contains(w)))
        })
        .map(|s| {
            let usual = s.baseline.max(BASELINE_FLOOR);
            Candidate {
                factor: s.day as f64 / usual,
                surprise: (s.day as f64 - s.baseline) / usual.sqrt(),
                stats: s,
            }
        })
        .filter(|c| {
            pinned.contains(&c.stats.term) || (c.stats.day >= MIN_MENTIONS && c.factor >= RISING_FACTOR)
        })
        .collect();
    // Most surprising first; at equal surprise products, then phrases (more specific), then words.
    let specificity = |t: &str| {
        if t.starts_with("product:") {
            2
        } else if t.contains(' ') {
            1
        } else {
            0
        }
    };
    candidates.sort_by(|a, b| {
        b.surprise
            .total_cmp(&a.surprise)
            .then(specificity(&b.stats.term).cmp(&specificity(&a.stats.term)))
            .then(a.stats.term.cmp(&b.stats.term))
    });
    let mut chosen: Vec<Candidate> = Vec::new();
    let mut rest: Vec<Candidate> = Vec::new();
    for c in candidates {
        if pinned.contains(&c.stats.term) {
            chosen.push(c);
        } else {
            rest.push(c);
        }
    }
    // Rising phrases, to tell whether a word is just part of one (whatever their order by surprise).
    let phrases: Vec<(String, i64)> = rest
        .iter()
        .filter(|c| c.stats.term.split(' ').count() == 2)
        .map(|c| (c.stats.term.clone(), c.stats.day))
        .collect();
    let mut shown = 0;
    for c in rest {
        if shown >= THEMES {
            break;
        }
        let words: Vec<&str> = c.stats.term.split(' ').collect();
        // A word inside a rising phrase that carries at least half its mentions is left to the phrase.
        let covered = words.len() == 1
            && phrases
                .iter()
                .any(|(p, day)| p.split(' ').any(|w| w == words[0]) && day * 2 >= c.stats.day);
        if covered {
            continue;
        }
        chosen.push(c);
        shown += 1;
    }
    chosen
}

/// Recomputes the snapshot at `now` and stores it. Returns it.
pub async fn refresh(hearth: &Hearth, now: DateTime<Utc>) -> DomainResult<Snapshot> {
    let mut conn = db::conn(hearth.db()).await?;
    let ignored: HashSet<String> = super::staff::ignored_in(&mut conn)
        .await?
        .into_iter()
        .chain(brand_words(hearth))
        .collect();
    let settings = super::staff::settings_in(&mut conn).await?;
    let hidden: HashSet<String> = settings
        .iter()
        .filter(|s| s.hidden)
        .map(|s| s.term.clone())
        .collect();
    let notes: HashMap<String, String> = settings
        .iter()
        .filter_map(|s| s.pinned_note.clone().map(|n| (s.term.clone(), n)))
        .collect();
    let pinned: HashSet<String> = notes.keys().cloned().collect();
    let pinned_list: Vec<String> = pinned.iter().cloned().collect();
    let stats: Vec<TermStats> = diesel::sql_query(STATS_SQL)
        .bind::<Timestamptz, _>(now)
        .bind::<BigInt, _>(MIN_MENTIONS)
        .bind::<Array<Text>, _>(&pinned_list)
        .load(&mut conn)
        .await?;
    let chosen = choose(stats, &ignored, &hidden, &pinned);
    let keys: Vec<String> = chosen.iter().map(|c| c.stats.term.clone()).collect();
    let sparks = sparklines(&mut conn, now, &keys).await?;
    let mut latest = latest_voices(&mut conn, now, &keys).await?;
    let products = product_labels(&mut conn).await?;
    let day = weekday(now);
    let themes = chosen
        .into_iter()
        .map(|c| {
            let s = c.stats;
            let (kind, product, label) = match s.term.strip_prefix("product:") {
                Some(slug) => (
                    "product",
                    Some(slug.to_owned()),
                    products.get(slug).cloned().unwrap_or_else(|| slug.to_owned()),
                ),
                None if s.term.contains(' ') => ("phrase", None, s.term.clone()),
                None => ("word", None, s.term.clone()),
            };
            let reason = if s.baseline > 0.0 {
                format!(
                    "{} mentions in the last 24 hours, {:.1}× a usual {day} ({:.1} on average over the last four weeks).",
                    s.day, c.factor, s.baseline
                )
            } else {
                format!(
                    "{} mentions in the last 24 hours; it was hardly mentioned on the same day of the last four weeks.",
                    s.day
                )
            };
            Theme {
                spark: sparks.get(&s.term).cloned().unwrap_or_else(|| vec![0; 7]),
                latest: latest.remove(&s.term).unwrap_or_default(),
                pinned_note: notes.get(&s.term).cloned(),
                key: s.term,
                label,
                kind: kind.into(),
                product,
                last_hour: s.last_hour,
                last_day: s.day,
                baseline: (s.baseline * 10.0).round() / 10.0,
                factor: (c.factor * 10.0).round() / 10.0,
                positive: s.pos,
                neutral: (s.day - s.pos - s.neg).max(0),
                negative: s.neg,
                reason,
            }
        })
        .collect();
    let snapshot = Snapshot {
        computed_at: Some(now),
        themes,
        hot: hot(&mut conn, now).await?,
        heard: heard(&mut conn).await?,
        waiting: waiting(&mut conn, now).await?,
    };
    let payload = serde_json::to_value(&snapshot).map_err(DomainError::internal)?;
    diesel::sql_query(
        "INSERT INTO talk_snapshot (id, payload, computed_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload, computed_at = EXCLUDED.computed_at",
    )
    .bind::<diesel::sql_types::Jsonb, _>(&payload)
    .bind::<Timestamptz, _>(now)
    .execute(&mut conn)
    .await?;
    Ok(snapshot)
}

/// The words of the brand's name never make a theme by themselves.
fn brand_words(hearth: &Hearth) -> Vec<String> {
    let name = crate::brand::current(hearth).name.to_lowercase();
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_owned)
        .collect();
    let mut all = words.clone();
    if words.len() == 2 {
        all.push(words.join(" "));
    }
    all
}

async fn product_labels(conn: &mut AsyncPgConnection) -> DomainResult<HashMap<String, String>> {
    #[derive(QueryableByName)]
    struct P {
        #[diesel(sql_type = Text)]
        slug: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<P> = db::prepared_sql("SELECT slug, name FROM products")
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|p| (p.slug, p.name)).collect())
}

async fn sparklines(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    keys: &[String],
) -> DomainResult<HashMap<String, Vec<i64>>> {
    #[derive(QueryableByName)]
    struct Day {
        #[diesel(sql_type = Text)]
        term: String,
        #[diesel(sql_type = Integer)]
        days_ago: i32,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<Day> = diesel::sql_query(
        "SELECT term, floor(extract(epoch FROM $1 - hour) / 86400)::int4 AS days_ago, sum(mentions)::int8 AS n
           FROM talk_buckets WHERE term = ANY($2) AND hour > $1 - interval '7 days' AND hour <= $1
          GROUP BY 1, 2",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Array<Text>, _>(keys)
    .load(conn)
    .await?;
    let mut out: HashMap<String, Vec<i64>> = HashMap::new();
    for r in rows {
        if (0..7).contains(&r.days_ago) {
            out.entry(r.term).or_insert_with(|| vec![0; 7])[6 - r.days_ago as usize] += r.n;
        }
    }
    Ok(out)
}

async fn latest_voices(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    keys: &[String],
) -> DomainResult<HashMap<String, Vec<Voice>>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        term: String,
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        text: String,
        #[diesel(sql_type = Text)]
        url: String,
        #[diesel(sql_type = Text)]
        author: String,
        #[diesel(sql_type = Nullable<Text>)]
        source: Option<String>,
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
        #[diesel(sql_type = Nullable<Text>)]
        topic_kind: Option<String>,
        #[diesel(sql_type = BigInt)]
        topic_id: i64,
        #[diesel(sql_type = BigInt)]
        post_id: i64,
        #[diesel(sql_type = Integer)]
        post_number: i32,
    }
    // Only what counts now is in talk_sources, so nothing held, hidden or restricted can appear here.
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT k.term, s.source_type AS kind,
                COALESCE(t.title, m.source) AS title, COALESCE(p.body_md, m.body) AS text,
                COALESCE(m.url, '') AS url, COALESCE(u.username, m.author_handle) AS author,
                m.source, COALESCE(p.created_at, m.posted_at) AS at, t.kind AS topic_kind,
                COALESCE(t.id, 0) AS topic_id, COALESCE(p.id, 0) AS post_id, COALESCE(p.post_number, 0) AS post_number
           FROM unnest($2::text[]) AS k(term)
           CROSS JOIN LATERAL (
               SELECT source_type, source_id FROM talk_sources
                WHERE terms @> ARRAY[k.term] AND hour > $1 - interval '7 days'
                ORDER BY hour DESC, source_id DESC LIMIT 3) s
           LEFT JOIN posts p ON s.source_type = 'post' AND p.id = s.source_id
           LEFT JOIN topics t ON t.id = p.topic_id
           LEFT JOIN users u ON u.id = p.author_id
           LEFT JOIN mentions m ON s.source_type = 'mention' AND m.id = s.source_id
          ORDER BY k.term, at DESC",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Array<Text>, _>(keys)
    .load(conn)
    .await?;
    let mut out: HashMap<String, Vec<Voice>> = HashMap::new();
    for r in rows {
        let url = match &r.topic_kind {
            Some(kind) => post_url(kind, r.topic_id, r.post_id, r.post_number),
            None => r.url,
        };
        out.entry(r.term).or_default().push(Voice {
            kind: r.kind,
            title: r.title,
            excerpt: crate::markdown::excerpt(&r.text, 160),
            url,
            author: r.author,
            source: r.source,
            at: r.at,
        });
    }
    Ok(out)
}

async fn hot(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> DomainResult<Vec<HotConversation>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        category: String,
        #[diesel(sql_type = Integer)]
        reply_count: i32,
        #[diesel(sql_type = BigInt)]
        repliers: i64,
        #[diesel(sql_type = BigInt)]
        votes: i64,
        #[diesel(sql_type = Double)]
        score: f64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "WITH active AS (
             SELECT t.id, t.kind, t.title, t.created_at, t.reply_count, c.name AS category
               FROM topics t JOIN categories c ON c.id = t.category_id AND c.visibility = 'public'
              WHERE t.status = 'published' AND t.last_posted_at > $1 - interval '3 days'
              ORDER BY t.last_posted_at DESC LIMIT 500)
         SELECT a.id, a.kind, a.title, a.category, a.reply_count, r.repliers, v.votes,
                ((2 * r.repliers + v.votes)::float8
                   / power(greatest(extract(epoch FROM $1 - a.created_at), 0) / 3600 + 2, 1.5))::float8 AS score
           FROM active a
           CROSS JOIN LATERAL (
               SELECT count(DISTINCT p.author_id)::int8 AS repliers FROM posts p
                WHERE p.topic_id = a.id AND p.post_number > 1 AND p.status = 'published'
                  AND p.created_at > $1 - interval '3 days') r
           CROSS JOIN LATERAL (
               SELECT ((SELECT count(*) FROM answer_votes av JOIN posts ap ON ap.id = av.post_id
                         WHERE ap.topic_id = a.id AND av.value > 0 AND av.updated_at > $1 - interval '3 days')
                     + (SELECT count(*) FROM idea_votes iv WHERE iv.idea_id = a.id AND iv.created_at > $1 - interval '3 days'))::int8 AS votes) v
          WHERE r.repliers + v.votes > 0
          ORDER BY score DESC, a.id DESC LIMIT 8",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HotConversation {
            url: topic_url(&r.kind, r.id),
            topic_id: r.id,
            kind: r.kind,
            title: r.title,
            category: r.category,
            repliers: r.repliers,
            votes: r.votes,
            replies: i64::from(r.reply_count),
            score: (r.score * 1000.0).round() / 1000.0,
        })
        .collect())
}

async fn heard(conn: &mut AsyncPgConnection) -> DomainResult<Vec<Heard>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = BigInt)]
        topic_id: i64,
        #[diesel(sql_type = Text)]
        topic_kind: String,
        #[diesel(sql_type = BigInt)]
        post_id: i64,
        #[diesel(sql_type = Integer)]
        post_number: i32,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        text: String,
        #[diesel(sql_type = Text)]
        who: String,
        #[diesel(sql_type = Nullable<Text>)]
        status: Option<String>,
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "(SELECT 'answer' AS kind, t.id AS topic_id, t.kind AS topic_kind, p.id AS post_id, p.post_number, t.title,
                 p.body_md AS text, u.username AS who, NULL::text AS status, p.created_at AS at
            FROM users u
            CROSS JOIN LATERAL (SELECT * FROM posts p WHERE p.author_id = u.id AND p.status = 'published'
                                  AND p.post_number > 1 ORDER BY p.created_at DESC LIMIT 20) p
            JOIN topics t ON t.id = p.topic_id AND t.status = 'published'
            JOIN categories c ON c.id = t.category_id AND c.visibility = 'public'
           WHERE u.roles && ARRAY['staff', 'admin']::text[]
           ORDER BY p.created_at DESC LIMIT 6)
         UNION ALL
         (SELECT 'status', t.id, t.kind, 0, 1, t.title, s.note_md, COALESCE(u.username, ''), s.to_status, s.created_at
            FROM idea_status_changes s
            JOIN topics t ON t.id = s.idea_id AND t.status = 'published'
            JOIN categories c ON c.id = t.category_id AND c.visibility = 'public'
            LEFT JOIN users u ON u.id = s.actor_id
           WHERE s.to_status IN ('under_review', 'planned', 'in_progress', 'shipped', 'declined')
           ORDER BY s.id DESC LIMIT 6)
         ORDER BY at DESC LIMIT 8",
    )
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Heard {
            url: if r.kind == "status" {
                topic_url(&r.topic_kind, r.topic_id)
            } else {
                post_url(&r.topic_kind, r.topic_id, r.post_id, r.post_number)
            },
            kind: r.kind,
            title: r.title,
            excerpt: crate::markdown::excerpt(&r.text, 160),
            who: r.who,
            status: r.status,
            at: r.at,
        })
        .collect())
}

async fn waiting(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> DomainResult<Vec<Waiting>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        author: String,
        #[diesel(sql_type = Timestamptz)]
        asked_at: DateTime<Utc>,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT t.id, t.title, u.username AS author, q.asked_at
           FROM questions q
           JOIN topics t ON t.id = q.topic_id AND t.status = 'published'
           JOIN categories c ON c.id = t.category_id AND c.visibility = 'public'
           JOIN users u ON u.id = t.author_id
          WHERE q.state = 'open' AND q.answer_count = 0 AND q.asked_at > $1 - interval '30 days'
          ORDER BY q.asked_at, q.topic_id LIMIT 5",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Waiting {
            url: topic_url("question", r.id),
            topic_id: r.id,
            title: r.title,
            author: r.author,
            asked_at: r.asked_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(term: &str, day: i64, baseline: f64) -> TermStats {
        TermStats {
            term: term.into(),
            day,
            last_hour: 0,
            pos: 0,
            neg: 0,
            baseline,
        }
    }

    #[test]
    fn words_are_left_to_their_phrases() {
        let none = HashSet::new();
        let chosen = choose(
            vec![
                stat("charger", 42, 0.0),
                stat("charger recall", 40, 0.0),
                stat("recall notice", 38, 0.0),
                stat("recall", 41, 0.0),
                stat("winter tyres", 20, 0.0),
                stat("saddle", 9, 8.0),
                stat("gravel", 2, 0.0),
            ],
            &none,
            &none,
            &none,
        );
        let keys: Vec<&str> = chosen.iter().map(|c| c.stats.term.as_str()).collect();
        assert_eq!(
            keys,
            vec!["charger recall", "recall notice", "winter tyres"],
            "steady and rare terms are not rising either"
        );
    }

    #[test]
    fn ignored_hidden_and_pinned() {
        let ignored = HashSet::from(["lumen".to_owned()]);
        let hidden = HashSet::from(["winter tyres".to_owned()]);
        let pinned = HashSet::from(["quiet term".to_owned()]);
        let chosen = choose(
            vec![
                stat("lumen app", 30, 0.0),
                stat("winter tyres", 20, 0.0),
                stat("quiet term", 1, 5.0),
                stat("chain wear", 10, 0.0),
            ],
            &ignored,
            &hidden,
            &pinned,
        );
        let keys: Vec<&str> = chosen.iter().map(|c| c.stats.term.as_str()).collect();
        assert_eq!(
            keys,
            vec!["quiet term", "chain wear"],
            "pinned first even when quiet"
        );
    }
}
