//! The ideas board (sorted by trending, votes or recency; filtered by status, product and the voters' club
//! tier), its CSV export for the product team, and "You asked, we built". Keyset-paginated: every order has
//! its partial index, so page 50 costs what page 1 costs.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde::Serialize;

use super::csv;
use super::{IdeaStatus, is_product_team, require_product_team};
use crate::accounts::Actor;
use crate::forums::Viewer;
use crate::forums::views::Cursor;
use crate::{DomainError, DomainResult, Hearth, db};

/// How the board is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum IdeaSort {
    /// Votes of the last 30 days, each weighing half as much per week of age.
    #[default]
    Trending,
    /// Most votes (with a tier filter: most votes from that tier).
    Votes,
    /// Newest first.
    Recent,
}

impl IdeaSort {
    pub fn parse(raw: Option<&str>) -> DomainResult<IdeaSort> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "trending" => Ok(IdeaSort::Trending),
            "votes" | "top" => Ok(IdeaSort::Votes),
            "recent" | "new" => Ok(IdeaSort::Recent),
            _ => Err(DomainError::invalid("sort", "must be trending, votes or recent")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdeaSort::Trending => "trending",
            IdeaSort::Votes => "votes",
            IdeaSort::Recent => "recent",
        }
    }
}

/// Which statuses the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Every idea but merged ones.
    #[default]
    All,
    /// New, under review, planned, in progress.
    Open,
    Only(IdeaStatus),
}

impl StatusFilter {
    pub fn parse(raw: Option<&str>) -> DomainResult<StatusFilter> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "all" => Ok(StatusFilter::All),
            "open" => Ok(StatusFilter::Open),
            other => match IdeaStatus::parse(other) {
                Some(s) if s != IdeaStatus::Merged => Ok(StatusFilter::Only(s)),
                _ => Err(DomainError::invalid(
                    "status",
                    "must be all, open, new, under_review, planned, in_progress, shipped or declined",
                )),
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Open => "open",
            StatusFilter::Only(s) => s.as_str(),
        }
    }

    /// A literal condition (from the enum, never from input), so the planner sees it.
    fn sql(self) -> &'static str {
        match self {
            StatusFilter::All => "",
            StatusFilter::Open => " AND i.status IN ('new', 'under_review', 'planned', 'in_progress')",
            StatusFilter::Only(IdeaStatus::New) => " AND i.status = 'new'",
            StatusFilter::Only(IdeaStatus::UnderReview) => " AND i.status = 'under_review'",
            StatusFilter::Only(IdeaStatus::Planned) => " AND i.status = 'planned'",
            StatusFilter::Only(IdeaStatus::InProgress) => " AND i.status = 'in_progress'",
            StatusFilter::Only(IdeaStatus::Shipped) => " AND i.status = 'shipped'",
            StatusFilter::Only(IdeaStatus::Declined) => " AND i.status = 'declined'",
            StatusFilter::Only(IdeaStatus::Merged) => " AND false",
        }
    }
}

/// What a board request asks for.
#[derive(Debug, Clone, Default)]
pub struct BoardQuery {
    pub sort: IdeaSort,
    pub status: StatusFilter,
    /// A product slug.
    pub product: Option<String>,
    /// A club tier slug (product team): only ideas voted by members of that tier, with their votes.
    pub tier: Option<String>,
    pub after: Option<String>,
    pub limit: i64,
}

/// An idea as the board shows it.
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct IdeaSummary {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Integer)]
    pub votes: i32,
    /// With a tier filter: the votes of that tier's members.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub tier_votes: Option<i64>,
    #[diesel(sql_type = Double)]
    pub trending: f64,
    #[diesel(sql_type = Integer)]
    pub comment_count: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub status_changed_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub product_slug: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub product_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub my_vote: bool,
}

/// A page of the board.
#[derive(Debug, Clone, Serialize)]
pub struct IdeaList {
    pub items: Vec<IdeaSummary>,
    pub next: Option<String>,
}

/// The board's keyset: the sort key (as text, cast in SQL) and the idea id.
fn encode_cursor(sort: IdeaSort, idea: &IdeaSummary, tiered: bool) -> String {
    match sort {
        IdeaSort::Trending => format!("{}~{}", idea.trending, idea.id),
        IdeaSort::Votes if tiered => format!("{}~{}", idea.tier_votes.unwrap_or(0), idea.id),
        IdeaSort::Votes => format!("{}~{}", idea.votes, idea.id),
        IdeaSort::Recent => Cursor {
            at: idea.created_at,
            id: idea.id,
        }
        .encode(),
    }
}

/// `(key as text, id)`, checked so a bad cursor is a 400, never a failed cast.
fn decode_cursor(sort: IdeaSort, raw: &str) -> DomainResult<(String, i64)> {
    let bad = || DomainError::invalid("after", "is not a cursor of this listing");
    match sort {
        IdeaSort::Recent => {
            let c = Cursor::decode(raw).ok_or_else(bad)?;
            Ok((c.at.to_rfc3339(), c.id))
        }
        IdeaSort::Trending | IdeaSort::Votes => {
            let (key, id) = raw.split_once('~').ok_or_else(bad)?;
            let id: i64 = id.parse().map_err(|_| bad())?;
            if sort == IdeaSort::Trending {
                key.parse::<f64>()
                    .ok()
                    .filter(|k| k.is_finite())
                    .ok_or_else(bad)?;
            } else {
                key.parse::<i64>().map_err(|_| bad())?;
            }
            Ok((key.to_owned(), id))
        }
    }
}

/// Most ideas one export holds.
pub const EXPORT_LIMIT: i64 = 20_000;

async fn load(
    hearth: &Hearth,
    viewer: &Viewer,
    actor: Option<&Actor>,
    query: &BoardQuery,
    limit: i64,
) -> DomainResult<IdeaList> {
    let product: Option<i64> = match query.product.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(slug) => Some(
            crate::qa::product_by_ref(hearth, slug)
                .await
                .map_err(|_| DomainError::invalid("product", "must be the id or slug of a product"))?
                .id
                .0,
        ),
    };
    let tier: Option<i64> = match query.tier.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(slug) => {
            if !actor.is_some_and(is_product_team) {
                return Err(DomainError::forbidden(
                    "Only the product team filters ideas by the voters' club tier.",
                ));
            }
            Some(crate::club::tier_by_slug(hearth, slug).await?.id)
        }
    };
    let after = match query.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) => Some(decode_cursor(query.sort, raw)?),
    };
    let visible = crate::forums::visible_ids(hearth, viewer);
    let tiered = tier.is_some();
    // Tier filter: the votes of that tier's members, per idea (only ideas they voted for).
    let (tier_cte, tier_join, tier_col) = if tiered {
        (
            "WITH tv AS (SELECT v.idea_id, count(*) AS n FROM idea_votes v
                         JOIN club_members m ON m.user_id = v.user_id WHERE m.tier_id = $4 GROUP BY v.idea_id) ",
            "JOIN tv ON tv.idea_id = i.topic_id",
            "tv.n",
        )
    } else {
        ("", "", "$4::bigint")
    };
    let (key, cast) = match query.sort {
        IdeaSort::Trending => ("i.trending", "float8"),
        IdeaSort::Votes if tiered => ("tv.n", "bigint"),
        IdeaSort::Votes => ("i.vote_count", "int"),
        IdeaSort::Recent => ("i.created_at", "timestamptz"),
    };
    let keyset = if after.is_some() {
        format!("({key}, i.topic_id) < ($5::{cast}, $6)")
    } else {
        "$5::text IS NULL AND $6::bigint IS NULL".to_owned()
    };
    let product_filter = if product.is_some() {
        " AND i.product_id = $3"
    } else {
        " AND $3::bigint IS NULL"
    };
    let sql = format!(
        "{tier_cte}SELECT i.topic_id AS id, t.title, i.status, i.vote_count AS votes, {tier_col} AS tier_votes,
                i.trending, t.reply_count AS comment_count, i.created_at, i.status_changed_at,
                a.username AS author_username, p.slug AS product_slug, p.name AS product_name,
                EXISTS (SELECT 1 FROM idea_votes mv WHERE mv.idea_id = i.topic_id AND mv.user_id = $2) AS my_vote
         FROM ideas i {tier_join}
         JOIN topics t ON t.id = i.topic_id
         JOIN users a ON a.id = t.author_id
         LEFT JOIN products p ON p.id = i.product_id
         WHERE i.status <> 'merged' AND t.status = 'published' AND t.category_id = ANY($1){status}{product_filter}
           AND {keyset}
         ORDER BY {key} DESC, i.topic_id DESC
         LIMIT $7",
        status = query.status.sql(),
    );
    let (key_value, id_value) = match after {
        Some((k, id)) => (Some(k), Some(id)),
        None => (None, None),
    };
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<IdeaSummary> = db::prepared_sql(sql)
        .bind::<Array<BigInt>, _>(&visible)
        .bind::<BigInt, _>(viewer.user_id.map(|u| u.0).unwrap_or(0))
        .bind::<Nullable<BigInt>, _>(product)
        .bind::<Nullable<BigInt>, _>(tier)
        .bind::<Nullable<Text>, _>(key_value)
        .bind::<Nullable<BigInt>, _>(id_value)
        .bind::<BigInt, _>(limit + 1)
        .load(&mut conn)
        .await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|i| encode_cursor(query.sort, i, tiered))
    } else {
        None
    };
    Ok(IdeaList { items, next })
}

/// A page of the board (1–100 ideas) for anyone who may see the ideas; the tier filter is the product team's.
pub async fn list_ideas(
    hearth: &Hearth,
    actor: Option<&Actor>,
    query: &BoardQuery,
) -> DomainResult<IdeaList> {
    let limit = query.limit.clamp(1, 100);
    load(hearth, &Viewer::of(actor), actor, query, limit).await
}

/// The current view of the board as CSV (the product team and admins): every matching idea up to
/// [`EXPORT_LIMIT`], in the board's order, with the latest public note.
pub async fn export_csv(hearth: &Hearth, actor: &Actor, query: &BoardQuery) -> DomainResult<String> {
    require_product_team(actor, "export ideas")?;
    let _turn = hearth.expensive().await?;
    let mut query = query.clone();
    query.after = None;
    let list = load(
        hearth,
        &Viewer::of(Some(actor)),
        Some(actor),
        &query,
        EXPORT_LIMIT,
    )
    .await?;
    let ids: Vec<i64> = list.items.iter().map(|i| i.id).collect();
    #[derive(QueryableByName)]
    struct Note {
        #[diesel(sql_type = BigInt)]
        idea_id: i64,
        #[diesel(sql_type = Text)]
        note_md: String,
    }
    let mut conn = db::conn(hearth.db()).await?;
    let notes: Vec<Note> = diesel::sql_query(
        "SELECT DISTINCT ON (idea_id) idea_id, note_md FROM idea_status_changes
         WHERE idea_id = ANY($1) ORDER BY idea_id, id DESC",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .load(&mut conn)
    .await?;
    let notes: std::collections::HashMap<i64, String> =
        notes.into_iter().map(|n| (n.idea_id, n.note_md)).collect();
    let tiered = query.tier.as_deref().is_some_and(|t| !t.trim().is_empty());
    let mut out = String::new();
    let mut header: Vec<String> = [
        "id",
        "title",
        "status",
        "product",
        "votes",
        "trending",
        "comments",
        "author",
        "created_at",
        "status_changed_at",
        "latest_note",
        "url",
    ]
    .iter()
    .map(|h| csv::plain_cell(h))
    .collect();
    if tiered {
        header.insert(5, csv::plain_cell("tier_votes"));
    }
    csv::push_record(&mut out, &header);
    for idea in &list.items {
        let mut row = vec![
            csv::plain_cell(&idea.id.to_string()),
            csv::text_cell(&idea.title),
            csv::plain_cell(&idea.status),
            csv::text_cell(idea.product_name.as_deref().unwrap_or("")),
            csv::plain_cell(&idea.votes.to_string()),
            csv::plain_cell(&format!("{:.3}", idea.trending)),
            csv::plain_cell(&idea.comment_count.to_string()),
            csv::text_cell(&idea.author_username),
            csv::plain_cell(&idea.created_at.to_rfc3339()),
            csv::plain_cell(&idea.status_changed_at.to_rfc3339()),
            csv::text_cell(notes.get(&idea.id).map(String::as_str).unwrap_or("")),
            csv::plain_cell(&hearth.url(&format!("/ideas/{}", idea.id))),
        ];
        if tiered {
            row.insert(5, csv::plain_cell(&idea.tier_votes.unwrap_or(0).to_string()));
        }
        csv::push_record(&mut out, &row);
    }
    Ok(out)
}

/// A shipped idea on "You asked, we built".
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct ShippedIdea {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Timestamptz)]
    pub shipped_at: DateTime<Utc>,
    /// Members who voted for it.
    #[diesel(sql_type = Integer)]
    pub voters: i32,
    /// The note that came with shipping it.
    #[diesel(sql_type = Text)]
    pub note_html: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub product_name: Option<String>,
}

/// Shipped ideas, newest first, with the shipping note and the number of voters (keyset on the ship time).
pub async fn shipped(
    hearth: &Hearth,
    viewer: &Viewer,
    after: Option<Cursor>,
    limit: i64,
) -> DomainResult<(Vec<ShippedIdea>, Option<String>)> {
    let limit = limit.clamp(1, 100);
    let visible = crate::forums::visible_ids(hearth, viewer);
    let keyset = if after.is_some() {
        "(i.shipped_at, i.topic_id) < ($2, $3)"
    } else {
        "$2::timestamptz IS NOT NULL AND $3::bigint IS NOT NULL"
    };
    let cursor = after.unwrap_or(Cursor {
        at: Utc::now(),
        id: 0,
    });
    let sql = format!(
        "SELECT i.topic_id AS id, t.title, i.shipped_at, i.vote_count AS voters,
                COALESCE(n.note_html, '') AS note_html, p.name AS product_name
         FROM ideas i
         JOIN topics t ON t.id = i.topic_id
         LEFT JOIN products p ON p.id = i.product_id
         LEFT JOIN LATERAL (SELECT note_html FROM idea_status_changes s
                            WHERE s.idea_id = i.topic_id AND s.to_status = 'shipped' ORDER BY s.id DESC LIMIT 1) n ON true
         WHERE i.status = 'shipped' AND t.status = 'published' AND t.category_id = ANY($1) AND {keyset}
         ORDER BY i.shipped_at DESC, i.topic_id DESC
         LIMIT $4"
    );
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<ShippedIdea> = db::prepared_sql(sql)
        .bind::<Array<BigInt>, _>(&visible)
        .bind::<Timestamptz, _>(cursor.at)
        .bind::<BigInt, _>(cursor.id)
        .bind::<BigInt, _>(limit + 1)
        .load(&mut conn)
        .await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|i| {
            Cursor {
                at: i.shipped_at,
                id: i.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok((items, next))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn cursors_are_checked_before_they_reach_sql() {
        assert_eq!(
            decode_cursor(IdeaSort::Trending, "3.25~17").unwrap(),
            ("3.25".to_owned(), 17)
        );
        assert!(decode_cursor(IdeaSort::Trending, "NaN~1").is_err());
        assert!(decode_cursor(IdeaSort::Votes, "1.5~1").is_err());
        assert!(decode_cursor(IdeaSort::Votes, "'; drop table ideas;--~1").is_err());
        assert!(decode_cursor(IdeaSort::Recent, "garbage").is_err());
        assert!(IdeaSort::parse(Some("hot")).is_err());
        assert_eq!(
            StatusFilter::parse(Some("planned")).unwrap(),
            StatusFilter::Only(IdeaStatus::Planned)
        );
        assert!(StatusFilter::parse(Some("merged")).is_err());
    }
}
