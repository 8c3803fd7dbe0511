//! Full-text search over topic titles and posts: PostgreSQL `tsvector` columns with GIN indexes,
//! `websearch_to_tsquery`, ranked, with highlighted snippets; filtered by category and author; only what the
//! searcher may see.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde::Serialize;

use super::access::Viewer;
use super::categories::visible_ids;
use crate::mail::templates::escape_html;
use crate::{DomainError, DomainResult, Hearth, db};

/// How many matches are ranked at most (the best of them are shown). Bounds the cost of very common words.
pub const CANDIDATES: i64 = 2000;

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub q: String,
    /// A category slug.
    pub category: Option<String>,
    /// A username.
    pub author: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct SearchHit {
    #[diesel(sql_type = BigInt)]
    pub post_id: i64,
    #[diesel(sql_type = BigInt)]
    pub topic_id: i64,
    #[diesel(sql_type = Integer)]
    pub post_number: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub category_slug: String,
    #[diesel(sql_type = Text)]
    pub category_name: String,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Double)]
    pub rank: f64,
    /// Raw snippet with \u{2}…\u{3} around matches; use [`SearchHit::snippet_html`].
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

impl SearchHit {
    /// The snippet as safe HTML: the text escaped, matches in `<mark>`.
    pub fn snippet_html(&self) -> String {
        escape_html(&self.snippet)
            .replace('\u{2}', "<mark>")
            .replace('\u{3}', "</mark>")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// The offset of the next page, when there is one.
    pub next: Option<i64>,
}

/// Searches. An empty or wordless query finds nothing (not an error).
pub async fn search(hearth: &Hearth, viewer: &Viewer, query: &SearchQuery) -> DomainResult<SearchResults> {
    let q = crate::text::line(&query.q).map_err(|m| DomainError::invalid("q", m))?;
    if q.chars().count() > 200 {
        return Err(DomainError::invalid("q", "must be at most 200 characters"));
    }
    let limit = query.limit.clamp(1, 50);
    let offset = query.offset.clamp(0, CANDIDATES);
    if q.is_empty() {
        return Ok(SearchResults {
            hits: Vec::new(),
            next: None,
        });
    }
    // Search is the most expensive read: it runs on a share of the pool, so that a flood of it leaves
    // connections for every other page (503 "busy" past a short wait).
    let _turn = hearth.expensive().await?;
    let mut conn = db::conn(hearth.db()).await?;
    let mut visible = visible_ids(hearth, viewer);
    if let Some(slug) = query.category.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let wanted: Option<i64> = super::categories::cached(hearth)
            .iter()
            .find(|c| c.slug == slug.to_ascii_lowercase())
            .map(|c| c.id.0);
        visible.retain(|id| Some(*id) == wanted);
    }
    let author = query
        .author
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_lowercase);
    // Candidates: posts whose text matches, and first posts of topics whose title matches, each bounded; then
    // rank them, keep one page, and only then build snippets (ts_headline is the expensive part).
    let sql = "
WITH q AS (SELECT websearch_to_tsquery('english', $1) AS query),
author AS (SELECT id FROM users WHERE $4::text IS NOT NULL AND lower(username) = $4),
candidates AS (
    (SELECT p.id FROM posts p JOIN topics t ON t.id = p.topic_id, q
      WHERE p.search @@ q.query AND p.status = 'published' AND t.status = 'published' AND t.category_id = ANY($2)
        AND ($4::text IS NULL OR p.author_id = (SELECT id FROM author))
      LIMIT $3)
    UNION
    (SELECT p.id FROM topics t JOIN posts p ON p.topic_id = t.id AND p.post_number = 1, q
      WHERE t.search @@ q.query AND t.status = 'published' AND p.status = 'published' AND t.category_id = ANY($2)
        AND ($4::text IS NULL OR p.author_id = (SELECT id FROM author))
      LIMIT $3)
),
ranked AS (
    SELECT p.id, p.topic_id,
           ts_rank_cd(p.search, q.query) + CASE WHEN p.post_number = 1 THEN 2 * ts_rank_cd(t.search, q.query) ELSE 0 END AS rank
    FROM candidates c JOIN posts p ON p.id = c.id JOIN topics t ON t.id = p.topic_id, q
    ORDER BY rank DESC, p.id DESC
    LIMIT $5 OFFSET $6
)
SELECT p.id AS post_id, p.topic_id, p.post_number, t.title, cat.slug AS category_slug, cat.name AS category_name,
       u.username AS author_username, p.created_at, r.rank::float8 AS rank,
       ts_headline('english', p.body_md, q.query,
                   'StartSel=\u{2}, StopSel=\u{3}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet
FROM ranked r JOIN posts p ON p.id = r.id JOIN topics t ON t.id = p.topic_id
JOIN categories cat ON cat.id = t.category_id JOIN users u ON u.id = p.author_id, q
ORDER BY r.rank DESC, p.id DESC";
    let mut hits: Vec<SearchHit> = diesel::sql_query(sql)
        .bind::<Text, _>(&q)
        .bind::<Array<BigInt>, _>(&visible)
        .bind::<BigInt, _>(CANDIDATES)
        .bind::<Nullable<Text>, _>(author)
        .bind::<BigInt, _>(limit + 1)
        .bind::<BigInt, _>(offset)
        .load(&mut conn)
        .await?;
    let next = if hits.len() as i64 > limit && offset + limit < CANDIDATES {
        hits.truncate(limit as usize);
        Some(offset + limit)
    } else {
        hits.truncate(limit as usize);
        None
    };
    Ok(SearchResults { hits, next })
}
