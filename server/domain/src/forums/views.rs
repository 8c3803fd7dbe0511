//! Read models of the forums, each one query: topic listings (keyset-paginated), a topic with one page of
//! posts, a member's posts. No N+1: authors, categories, quotes and read state are joined in.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::RunQueryDsl;
use serde::Serialize;

use super::PAGE_SIZE;
use super::access::Viewer;
use super::categories::{Category, category_by_id, check_visible, visible_ids};
use crate::ids::{CategoryId, TopicId, UserId};
use crate::{DomainError, DomainResult, Hearth, db};

/// A position in a listing: the sort time and the id of the last item shown. Opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at.timestamp_micros(), self.id))
    }

    /// `None` for anything that is not a cursor we made (a bad cursor is a bad request, handled by callers).
    pub fn decode(raw: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (micros, id) = text.split_once(':')?;
        Some(Cursor {
            at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: id.parse().ok()?,
        })
    }
}

/// Parses an optional cursor parameter.
pub fn parse_cursor(raw: Option<&str>) -> DomainResult<Option<Cursor>> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => Cursor::decode(r)
            .map(Some)
            .ok_or_else(|| DomainError::invalid("after", "is not a valid cursor")),
    }
}

/// A topic as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct TopicSummary {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Integer)]
    pub reply_count: i32,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    #[diesel(sql_type = Integer)]
    pub last_post_number: i32,
    #[diesel(sql_type = Timestamptz)]
    pub last_posted_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    pub pinned: bool,
    #[diesel(sql_type = Bool)]
    pub locked: bool,
    #[diesel(sql_type = BigInt)]
    pub category_id: i64,
    #[diesel(sql_type = Text)]
    pub category_slug: String,
    #[diesel(sql_type = Text)]
    pub category_name: String,
    #[diesel(sql_type = Text)]
    pub category_color: String,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub author_display_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_poster_username: Option<String>,
    /// How far the viewer has read (`None`: never opened, or anonymous).
    #[diesel(sql_type = Nullable<Integer>)]
    pub last_read_number: Option<i32>,
}

impl TopicSummary {
    /// Posts the viewer has not read yet (all of them when never opened).
    pub fn unread(&self) -> i32 {
        (self.last_post_number - self.last_read_number.unwrap_or(0)).max(0)
    }

    pub fn cursor(&self, by_creation: bool) -> Cursor {
        Cursor {
            at: if by_creation {
                self.created_at
            } else {
                self.last_posted_at
            },
            id: self.id,
        }
    }
}

const SUMMARY_SELECT: &str = "
SELECT t.id, t.title, t.status, t.reply_count, t.view_count, t.last_post_number, t.last_posted_at, t.created_at,
       t.pinned_at IS NOT NULL AS pinned, t.locked_at IS NOT NULL AS locked,
       c.id AS category_id, c.slug AS category_slug, c.name AS category_name, c.color AS category_color,
       a.username AS author_username, a.display_name AS author_display_name,
       lp.username AS last_poster_username, r.last_read_number
FROM topics t
JOIN categories c ON c.id = t.category_id
JOIN users a ON a.id = t.author_id
LEFT JOIN users lp ON lp.id = t.last_poster_id
LEFT JOIN topic_reads r ON r.topic_id = t.id AND r.user_id = $1";

/// Which topics a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicScope {
    /// Latest activity across the categories the viewer sees.
    Latest,
    /// Latest activity in one category (pinned topics come first on the first page).
    Category(CategoryId),
    /// A member's topics, newest first.
    Author(UserId),
}

/// One page of a listing and the cursor of the next.
#[derive(Debug, Clone, Serialize)]
pub struct TopicList {
    pub pinned: Vec<TopicSummary>,
    pub items: Vec<TopicSummary>,
    pub next: Option<String>,
}

/// A page of topics, keyset-paginated (`after` is the `next` of the previous page).
pub async fn list_topics(
    hearth: &Hearth,
    viewer: &Viewer,
    scope: TopicScope,
    after: Option<Cursor>,
    limit: i64,
) -> DomainResult<TopicList> {
    let limit = limit.clamp(1, 100);
    let mut conn = db::conn(hearth.db()).await?;
    let visible = visible_ids(hearth, viewer);
    let viewer_id = viewer.user_id.map(|u| u.0);
    let (filter, order, by_creation) = match scope {
        TopicScope::Latest => (
            "t.category_id = ANY($2)",
            "t.last_posted_at DESC, t.id DESC",
            false,
        ),
        TopicScope::Category(_) => (
            "t.category_id = $3 AND t.category_id = ANY($2) AND t.pinned_at IS NULL",
            "t.last_posted_at DESC, t.id DESC",
            false,
        ),
        TopicScope::Author(_) => (
            "t.author_id = $3 AND t.category_id = ANY($2)",
            "t.created_at DESC, t.id DESC",
            true,
        ),
    };
    let sort_column = if by_creation {
        "t.created_at"
    } else {
        "t.last_posted_at"
    };
    let scope_id = match scope {
        TopicScope::Latest => 0,
        TopicScope::Category(c) => c.0,
        TopicScope::Author(u) => u.0,
    };
    let keyset = if after.is_some() {
        format!(" AND ({sort_column}, t.id) < ($4, $5)")
    } else {
        String::new()
    };
    let sql = format!(
        "{SUMMARY_SELECT} WHERE t.status = 'published' AND {filter}{keyset} ORDER BY {order} LIMIT $6"
    );
    let cursor = after.unwrap_or(Cursor {
        at: Utc::now(),
        id: 0,
    });
    let mut items: Vec<TopicSummary> = db::prepared_sql(sql)
        .bind::<Nullable<BigInt>, _>(viewer_id)
        .bind::<Array<BigInt>, _>(&visible)
        .bind::<BigInt, _>(scope_id)
        .bind::<Timestamptz, _>(cursor.at)
        .bind::<BigInt, _>(cursor.id)
        .bind::<BigInt, _>(limit + 1)
        .load(&mut conn)
        .await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|t| t.cursor(by_creation).encode())
    } else {
        None
    };
    let pinned = match (scope, after) {
        (TopicScope::Category(category), None) => {
            let sql = format!(
                "{SUMMARY_SELECT} WHERE t.status = 'published' AND t.category_id = $2 AND t.pinned_at IS NOT NULL \
                 ORDER BY t.pinned_at DESC LIMIT 10"
            );
            db::prepared_sql(sql)
                .bind::<Nullable<BigInt>, _>(viewer_id)
                .bind::<BigInt, _>(category.0)
                .load(&mut conn)
                .await?
        }
        _ => Vec::new(),
    };
    Ok(TopicList { pinned, items, next })
}

/// A topic's header as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct TopicDetail {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub held_reason: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub category_id: i64,
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Bool)]
    pub pinned: bool,
    #[diesel(sql_type = Bool)]
    pub locked: bool,
    #[diesel(sql_type = Integer)]
    pub reply_count: i32,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    #[diesel(sql_type = Integer)]
    pub last_post_number: i32,
    /// The highest number given to any post, held ones included.
    #[diesel(sql_type = Integer)]
    pub highest_post_number: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub last_posted_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    pub watching: bool,
    #[diesel(sql_type = Nullable<Integer>)]
    pub last_read_number: Option<i32>,
    /// `discussion` or `question` (questions have their own page, `/q/{id}`).
    #[diesel(sql_type = Text)]
    pub kind: String,
}

/// A post as the topic page shows it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct PostView {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub topic_id: i64,
    #[diesel(sql_type = Integer)]
    pub post_number: i32,
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub author_display_name: Option<String>,
    #[diesel(sql_type = Array<Nullable<Text>>)]
    pub author_roles: Vec<Option<String>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub author_partner_label: Option<String>,
    #[diesel(sql_type = Bool)]
    pub author_club: bool,
    /// The name of the author's club tier.
    #[diesel(sql_type = Nullable<Text>)]
    pub author_tier: Option<String>,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub held_reason: Option<String>,
    #[diesel(sql_type = Integer)]
    pub edit_count: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub edited_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub quote_post_id: Option<i64>,
    /// Sum of the votes (answers to questions).
    #[diesel(sql_type = Integer)]
    pub score: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub quote_post_number: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub quote_username: Option<String>,
    /// Plain text of the quoted post's beginning (escape it when showing it).
    #[diesel(sql_type = Nullable<Text>)]
    pub quote_body_md: Option<String>,
}

impl PostView {
    /// The marks beside the author's name.
    pub fn author_marks(&self) -> AuthorMarks {
        AuthorMarks {
            roles: self.author_roles.clone(),
            partner_label: self.author_partner_label.clone(),
            club: self.author_club,
            tier: self.author_tier.clone(),
        }
    }
}

/// What a post shows beside its author's name: their place on the brand's team, the partner company they
/// represent and their fan-club tier. One rule for the pages and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName, Serialize)]
pub struct AuthorMarks {
    #[diesel(sql_type = Array<Nullable<Text>>)]
    pub roles: Vec<Option<String>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub partner_label: Option<String>,
    #[diesel(sql_type = Bool)]
    pub club: bool,
    /// The name of the author's club tier.
    #[diesel(sql_type = Nullable<Text>)]
    pub tier: Option<String>,
}

impl AuthorMarks {
    /// The team role shown: staff (admins included; their posts are marked official), else moderator, else
    /// product team.
    pub fn role(&self) -> Option<crate::accounts::Role> {
        use crate::accounts::Role;
        let roles = crate::accounts::Roles::from_db(&self.roles);
        if roles.is_admin() || roles.list().contains(&Role::Staff) {
            Some(Role::Staff)
        } else {
            [Role::Moderator, Role::Product]
                .into_iter()
                .find(|r| roles.list().contains(r))
        }
    }

    /// Staff answer for the brand: their posts carry the "Official" mark.
    pub fn official(&self) -> bool {
        self.role() == Some(crate::accounts::Role::Staff)
    }

    /// The labels as the pages show them, in order.
    pub fn badges(&self) -> Vec<String> {
        use crate::accounts::Role;
        let mut out = Vec::new();
        match self.role() {
            Some(Role::Staff) => out.extend(["Staff".to_owned(), "Official".to_owned()]),
            Some(Role::Moderator) => out.push("Moderator".to_owned()),
            Some(Role::Product) => out.push("Product team".to_owned()),
            _ => {}
        }
        if let Some(p) = &self.partner_label {
            out.push(format!("Partner · {p}"));
        }
        if self.club {
            out.push(match &self.tier {
                Some(tier) => format!("Fan club · {tier}"),
                None => "Fan club".to_owned(),
            });
        }
        out
    }
}

/// The marks of one member (for a post just written, whose view was not read).
pub async fn author_marks(hearth: &Hearth, user: UserId) -> DomainResult<AuthorMarks> {
    let mut conn = db::conn(hearth.db()).await?;
    let marks: Option<AuthorMarks> = diesel::sql_query(
        "SELECT u.roles, u.partner_label, (cm.user_id IS NOT NULL) AS club, ct.name AS tier
         FROM users u
         LEFT JOIN club_members cm ON cm.user_id = u.id
         LEFT JOIN club_tiers ct ON ct.id = cm.tier_id
         WHERE u.id = $1",
    )
    .bind::<BigInt, _>(user.0)
    .get_result(&mut conn)
    .await
    .optional()?;
    marks.ok_or(DomainError::NotFound("member"))
}

/// The columns of [`PostView`] for the posts of `source` (a table or a bounded subquery), aliased `p`. Callers
/// pass a subquery that already picked the few posts wanted (with a `LIMIT`): the planner then joins authors by
/// key instead of hashing every member, whatever it guesses about the topic's size.
pub(crate) fn post_select(source: &str) -> String {
    format!("{POST_COLUMNS} FROM {source} p {POST_JOINS}")
}

const POST_COLUMNS: &str = "
SELECT p.id, p.topic_id, p.post_number, p.author_id, u.username AS author_username,
       u.display_name AS author_display_name, u.roles AS author_roles, u.partner_label AS author_partner_label,
       (cm.user_id IS NOT NULL) AS author_club, ct.name AS author_tier,
       p.body_html, p.status, p.held_reason, p.edit_count, p.edited_at, p.created_at, p.quote_post_id, p.score,
       q.post_number AS quote_post_number, qu.username AS quote_username, left(q.body_md, 600) AS quote_body_md";

const POST_JOINS: &str = "
JOIN users u ON u.id = p.author_id
LEFT JOIN club_members cm ON cm.user_id = p.author_id
LEFT JOIN club_tiers ct ON ct.id = cm.tier_id
LEFT JOIN posts q ON q.id = p.quote_post_id AND q.status = 'published'
LEFT JOIN users qu ON qu.id = q.author_id";

/// A topic with one page of its posts.
#[derive(Debug, Clone, Serialize)]
pub struct TopicPage {
    pub topic: TopicDetail,
    pub category: Category,
    pub posts: Vec<PostView>,
    pub page: i32,
    pub pages: i32,
}

/// Loads a topic the viewer may see (404 otherwise; 403 with the reason for club-only).
pub(crate) async fn topic_detail(
    hearth: &Hearth,
    conn: &mut diesel_async::AsyncPgConnection,
    viewer: &Viewer,
    topic_id: TopicId,
) -> DomainResult<(TopicDetail, Category)> {
    let detail: Option<TopicDetail> = db::prepared_sql(
        "SELECT t.id, t.title, t.status, t.held_reason, t.category_id, t.author_id, a.username AS author_username,
                t.pinned_at IS NOT NULL AS pinned, t.locked_at IS NOT NULL AS locked, t.reply_count, t.view_count,
                                t.last_post_number, t.next_post_number - 1 AS highest_post_number, t.created_at, t.last_posted_at,
                EXISTS (SELECT 1 FROM topic_watches w WHERE w.topic_id = t.id AND w.user_id = $2) AS watching,
                (SELECT r.last_read_number FROM topic_reads r WHERE r.topic_id = t.id AND r.user_id = $2) AS last_read_number,
                t.kind
         FROM topics t JOIN users a ON a.id = t.author_id
         WHERE t.id = $1",
    )
    .bind::<BigInt, _>(topic_id.0)
    .bind::<Nullable<BigInt>, _>(viewer.user_id.map(|u| u.0))
    .get_result(conn)
    .await
    .optional_domain()?;
    let detail = detail.ok_or(DomainError::NotFound("topic"))?;
    let own = viewer.user_id.is_some_and(|u| u.0 == detail.author_id);
    if detail.status != "published" && !(own || viewer.manages_topics())
        || detail.status == "deleted" && !viewer.manages_topics()
    {
        return Err(DomainError::NotFound("topic"));
    }
    let category = category_by_id(hearth, CategoryId(detail.category_id))
        .await?
        .ok_or(DomainError::NotFound("topic"))?;
    check_visible(viewer, &category, "topic")?;
    Ok((detail, category))
}

trait OptionalDomain<T> {
    fn optional_domain(self) -> DomainResult<Option<T>>;
}

impl<T> OptionalDomain<T> for Result<T, diesel::result::Error> {
    fn optional_domain(self) -> DomainResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(diesel::result::Error::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// How many pages a topic has.
pub fn page_count(last_post_number: i32) -> i32 {
    ((last_post_number.max(1) - 1) / PAGE_SIZE) + 1
}

/// Page `page` (1-based) of a topic: posts numbered `(page-1)*20+1 ..= page*20`, found by the
/// `(topic_id, post_number)` index whatever the page (page 1000 costs what page 1 costs).
pub async fn topic_page(
    hearth: &Hearth,
    viewer: &Viewer,
    topic_id: TopicId,
    page: i32,
) -> DomainResult<TopicPage> {
    let mut conn = db::conn(hearth.db()).await?;
    let (topic, category) = topic_detail(hearth, &mut conn, viewer, topic_id).await?;
    let pages = page_count(topic.last_post_number);
    if page < 1 || page > pages {
        return Err(DomainError::NotFound("page"));
    }
    let from = (page - 1) * PAGE_SIZE;
    let posts = posts_between(&mut conn, viewer, topic_id, from, from + PAGE_SIZE).await?;
    Ok(TopicPage {
        topic,
        category,
        posts,
        page,
        pages,
    })
}

/// Posts numbered `after+1 ..= up_to` the viewer may see, in order.
pub(crate) async fn posts_between(
    conn: &mut diesel_async::AsyncPgConnection,
    viewer: &Viewer,
    topic_id: TopicId,
    after: i32,
    up_to: i32,
) -> DomainResult<Vec<PostView>> {
    // Numbers are unique in a topic: the window holds at most `up_to - after` posts.
    let sql = format!(
        "{} ORDER BY p.post_number",
        post_select(
            "(SELECT * FROM posts WHERE topic_id = $1 AND post_number > $2 AND post_number <= $3
                AND (status = 'published' OR (status <> 'deleted' AND (author_id = $4 OR $5)))
              ORDER BY post_number LIMIT $3 - $2)"
        )
    );
    Ok(db::prepared_sql(sql)
        .bind::<BigInt, _>(topic_id.0)
        .bind::<Integer, _>(after)
        .bind::<Integer, _>(up_to)
        .bind::<BigInt, _>(viewer.user_id.map(|u| u.0).unwrap_or(0))
        .bind::<Bool, _>(viewer.manages_topics())
        .load(conn)
        .await?)
}

/// Posts after a post number, keyset-paginated (the API's `GET /topics/{id}/posts?after=N`).
pub async fn posts_after(
    hearth: &Hearth,
    viewer: &Viewer,
    topic_id: TopicId,
    after: i32,
    limit: i32,
) -> DomainResult<(Vec<PostView>, Option<i32>)> {
    let limit = limit.clamp(1, 100);
    let mut conn = db::conn(hearth.db()).await?;
    let (topic, _) = topic_detail(hearth, &mut conn, viewer, topic_id).await?;
    let after = after.max(0);
    // One query: the next `limit` visible posts by number (and one more, to know whether there is a next page),
    // however many held or hidden posts lie between them.
    let sql = format!(
        "{} ORDER BY p.post_number",
        post_select(
            "(SELECT * FROM posts WHERE topic_id = $1 AND post_number > $2
                AND (status = 'published' OR (status <> 'deleted' AND (author_id = $4 OR $5)))
              ORDER BY post_number LIMIT $3)"
        )
    );
    let mut posts: Vec<PostView> = db::prepared_sql(sql)
        .bind::<BigInt, _>(topic_id.0)
        .bind::<Integer, _>(after)
        .bind::<Integer, _>(limit + 1)
        .bind::<BigInt, _>(viewer.user_id.map(|u| u.0).unwrap_or(0))
        .bind::<Bool, _>(viewer.manages_topics())
        .load(&mut conn)
        .await?;
    let more = posts.len() as i32 > limit;
    posts.truncate(limit as usize);
    let next = match posts.last() {
        Some(last) if more && last.post_number < topic.highest_post_number => Some(last.post_number),
        _ => None,
    };
    Ok((posts, next))
}

/// The page a post number is on.
pub fn page_of(post_number: i32) -> i32 {
    ((post_number.max(1) - 1) / PAGE_SIZE) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not a cursor"), None);
        assert!(parse_cursor(Some("%%%")).is_err());
        assert_eq!(parse_cursor(Some("")).unwrap(), None);
    }

    #[test]
    fn pages() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(20), 1);
        assert_eq!(page_count(21), 2);
        assert_eq!(page_of(1), 1);
        assert_eq!(page_of(20), 1);
        assert_eq!(page_of(21), 2);
        assert_eq!(page_of(20_001), 1001);
    }
}
