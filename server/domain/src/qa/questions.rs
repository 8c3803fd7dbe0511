//! Asking: a question is a topic of kind `question` with its products; answering is replying to it. The hooks
//! here run inside the forums' own transactions, so a question never exists without its row and products, and
//! an answer never without its count.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::accounts::Actor;
use crate::forums::views::{Cursor, PostView, TopicDetail};
use crate::forums::{Category, NewTopicInput, PostRow, ReplyInput, Viewer};
use crate::ids::{PostId, ProductId, TopicId, UserId};
use crate::notifications::{self, NewNotification};
use crate::schema::{products, question_products, questions};
use crate::{DomainError, DomainResult, Hearth, db};

/// The slug of the category questions go to when the asker names none.
pub const DEFAULT_CATEGORY: &str = "questions";
/// At most this many owners are invited to answer one question.
pub const INVITE_LIMIT: i64 = 10;
/// Products per question.
pub const MAX_PRODUCTS: usize = 5;

/// A new question.
#[derive(Debug, Clone, Default)]
pub struct AskInput {
    pub title: String,
    pub body: String,
    /// Product ids, one to five.
    pub products: Vec<i64>,
    /// `None`: the `questions` category.
    pub category_id: Option<i64>,
}

/// Asks a question: a topic of kind `question` in the Q&A category (or the one named), with one to five
/// products. Owners of those products who opted in are invited to answer.
pub async fn ask(hearth: &Hearth, actor: &Actor, input: &AskInput) -> DomainResult<TopicId> {
    let mut product_ids: Vec<i64> = input.products.clone();
    product_ids.sort_unstable();
    product_ids.dedup();
    if product_ids.is_empty() || product_ids.len() > MAX_PRODUCTS {
        return Err(DomainError::invalid("products", "choose one to five products"));
    }
    let category_id = match input.category_id {
        Some(id) => id,
        None => {
            crate::forums::category_by_slug(hearth, &Viewer::of(Some(actor)), DEFAULT_CATEGORY)
                .await
                .map_err(|_| DomainError::invalid("category_id", "choose a category for the question"))?
                .id
                .0
        }
    };
    let mut conn = db::conn(hearth.db()).await?;
    let known: i64 = products::table
        .filter(products::id.eq_any(&product_ids))
        .count()
        .get_result(&mut conn)
        .await?;
    drop(conn);
    if known as usize != product_ids.len() {
        return Err(DomainError::invalid(
            "products",
            "choose products from the catalogue",
        ));
    }
    let topic_input = NewTopicInput {
        category_id,
        title: input.title.clone(),
        body: input.body.clone(),
    };
    let products: Vec<ProductId> = product_ids.into_iter().map(ProductId).collect();
    let (topic, _) = crate::forums::create_topic_of_kind(
        hearth,
        actor,
        &topic_input,
        crate::forums::NewTopicKind::Question(&products),
    )
    .await?;
    Ok(topic.id)
}

/// Answers a question (a reply to its topic; the forums' rules on visibility, locks and pace apply). Only
/// questions take answers this way: a discussion's replies go through [`crate::forums::reply`].
pub async fn answer(hearth: &Hearth, actor: &Actor, question: TopicId, body: &str) -> DomainResult<PostRow> {
    let mut conn = db::conn(hearth.db()).await?;
    let is_question: bool = diesel::select(diesel::dsl::exists(questions::table.find(question)))
        .get_result(&mut conn)
        .await?;
    drop(conn);
    if !is_question {
        return Err(DomainError::NotFound("question"));
    }
    let input = ReplyInput {
        body: body.to_owned(),
        quote_post_id: None,
    };
    crate::forums::reply(hearth, actor, question, &input).await
}

/// Inside the transaction that creates a question topic: its row, its products, and (when it is published at
/// once) the invitations; a held question invites when a moderator publishes it.
pub(crate) async fn on_question_created(
    conn: &mut AsyncPgConnection,
    topic: TopicId,
    products: &[ProductId],
    published: bool,
) -> DomainResult<()> {
    diesel::insert_into(questions::table)
        .values(questions::topic_id.eq(topic))
        .execute(conn)
        .await?;
    let rows: Vec<_> = products
        .iter()
        .map(|p| {
            (
                question_products::topic_id.eq(topic),
                question_products::product_id.eq(*p),
            )
        })
        .collect();
    diesel::insert_into(question_products::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if published {
        invite_owners_in(conn, topic).await?;
    }
    Ok(())
}

/// Invites the owners of a published question's products who opted in and can see its category (a club
/// category: club members and the team; a staff category: the team), never the asker; those whose answers
/// were accepted before come first. Notifications (and so e-mails) go out once per question.
pub(crate) async fn invite_owners_in(conn: &mut AsyncPgConnection, topic: TopicId) -> DomainResult<()> {
    #[derive(QueryableByName)]
    struct Candidate {
        #[diesel(sql_type = BigInt)]
        user_id: i64,
        #[diesel(sql_type = BigInt)]
        asker: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        title: String,
    }
    let invited: Vec<Candidate> = diesel::sql_query(
        "SELECT po.user_id, t.author_id AS asker, t.title
         FROM topics t
         JOIN categories c ON c.id = t.category_id
         JOIN question_products qp ON qp.topic_id = t.id
         JOIN product_owners po ON po.product_id = qp.product_id AND po.ask_me AND po.user_id <> t.author_id
         JOIN users u ON u.id = po.user_id AND u.email_verified_at IS NOT NULL
         LEFT JOIN answerer_stats s ON s.user_id = po.user_id
         WHERE t.id = $1 AND t.status = 'published'
           AND (c.visibility = 'public'
                OR u.roles <> '{}'
                OR (c.visibility = 'club' AND EXISTS (SELECT 1 FROM club_members m WHERE m.user_id = u.id)))
         GROUP BY po.user_id, s.accepted_answers, t.author_id, t.title
         ORDER BY COALESCE(s.accepted_answers, 0) DESC, min(po.created_at), po.user_id
         LIMIT $2",
    )
    .bind::<BigInt, _>(topic.0)
    .bind::<BigInt, _>(INVITE_LIMIT)
    .load(conn)
    .await?;
    let notes: Vec<NewNotification> = invited
        .into_iter()
        .map(|c| NewNotification {
            user_id: UserId(c.user_id),
            kind: "qa.invite",
            actor_id: Some(UserId(c.asker)),
            topic_id: Some(topic),
            post_id: None,
            title: format!("You own a product this question is about: {}", c.title),
            url: format!("/q/{topic}"),
            dedupe_key: format!("qa.invite:{topic}"),
        })
        .collect();
    notifications::notify_in(conn, &notes).await?;
    Ok(())
}

/// Inside the transaction that adds a reply to a question topic: the answer count, the state, the time to the
/// first answer, and a notification for the asker.
pub(crate) async fn on_answer(
    conn: &mut AsyncPgConnection,
    topic: TopicId,
    title: &str,
    asker: UserId,
    answer: PostId,
    author: UserId,
) -> DomainResult<Option<i64>> {
    diesel::sql_query(
        "UPDATE questions SET answer_count = answer_count + 1,
                state = CASE WHEN state = 'open' THEN 'answered' ELSE state END,
                first_answer_at = COALESCE(first_answer_at, now()), updated_at = now()
         WHERE topic_id = $1",
    )
    .bind::<BigInt, _>(topic.0)
    .execute(conn)
    .await?;
    if author != asker {
        notifications::notify_in(
            conn,
            &[NewNotification {
                user_id: asker,
                kind: "qa.answer",
                actor_id: Some(author),
                topic_id: Some(topic),
                post_id: Some(answer),
                title: format!("New answer to your question: {title}"),
                url: format!("/q/{topic}#answer-{answer}"),
                dedupe_key: format!("qa.answer:{answer}"),
            }],
        )
        .await?;
        return Ok(Some(asker.0));
    }
    Ok(None)
}

/// A product as questions show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

fn product_refs(ids: Vec<i64>, slugs: Vec<String>, names: Vec<String>) -> Vec<ProductRef> {
    ids.into_iter()
        .zip(slugs)
        .zip(names)
        .map(|((id, slug), name)| ProductRef { id, slug, name })
        .collect()
}

/// Which questions a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum QuestionFilter {
    #[default]
    All,
    /// No answer yet, longest waiting first (the unanswered queue).
    Unanswered,
    /// Answered, none accepted.
    Answered,
    Accepted,
}

impl QuestionFilter {
    pub fn parse(raw: Option<&str>) -> DomainResult<QuestionFilter> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "all" => Ok(QuestionFilter::All),
            "unanswered" => Ok(QuestionFilter::Unanswered),
            "answered" => Ok(QuestionFilter::Answered),
            "accepted" => Ok(QuestionFilter::Accepted),
            _ => Err(DomainError::invalid(
                "filter",
                "must be one of all, unanswered, answered, accepted",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionFilter::All => "all",
            QuestionFilter::Unanswered => "unanswered",
            QuestionFilter::Answered => "answered",
            QuestionFilter::Accepted => "accepted",
        }
    }
}

/// A question as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct QuestionSummary {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Integer)]
    pub answer_count: i32,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    #[diesel(sql_type = Timestamptz)]
    pub asked_at: DateTime<Utc>,
    /// When the first answer came (None: unanswered).
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub first_answer_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub last_posted_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Text)]
    pub category_slug: String,
    #[diesel(sql_type = Text)]
    pub category_name: String,
    #[diesel(sql_type = Array<BigInt>)]
    product_ids: Vec<i64>,
    #[diesel(sql_type = Array<Text>)]
    product_slugs: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    product_names: Vec<String>,
}

impl QuestionSummary {
    /// Seconds from asking to the first answer (None: unanswered).
    pub fn seconds_to_first_answer(&self) -> Option<i64> {
        seconds_between(self.asked_at, self.first_answer_at)
    }

    pub fn products(&self) -> Vec<ProductRef> {
        product_refs(
            self.product_ids.clone(),
            self.product_slugs.clone(),
            self.product_names.clone(),
        )
    }
}

/// A page of questions.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionList {
    pub items: Vec<QuestionSummary>,
    pub next: Option<String>,
}

/// What a question listing asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub filter: QuestionFilter,
    /// A product slug.
    pub product: Option<String>,
    /// Only the viewer's own questions.
    pub mine: bool,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// The products of question `q`, as three parallel arrays (one lookup per listed question).
const PRODUCTS_OF_Q: &str = "
LEFT JOIN LATERAL (
  SELECT array_agg(p.id ORDER BY p.name) AS ids, array_agg(p.slug ORDER BY p.name) AS slugs,
         array_agg(p.name ORDER BY p.name) AS names
  FROM question_products qp JOIN products p ON p.id = qp.product_id WHERE qp.topic_id = q.topic_id) pr ON true";

/// Questions the viewer may see, newest first — or, for the unanswered queue, longest waiting first.
/// Keyset-paginated on `(asked_at, id)`.
pub async fn list_questions(
    hearth: &Hearth,
    viewer: &Viewer,
    query: &ListQuery,
) -> DomainResult<QuestionList> {
    let limit = query.limit.clamp(1, 100);
    let product: Option<i64> = match query.product.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(slug) => Some(
            super::products::product_by_ref(hearth, slug)
                .await
                .map_err(|_| DomainError::invalid("product", "must be the id or slug of a product"))?
                .id
                .0,
        ),
    };
    let mine = match (query.mine, viewer.user_id) {
        (false, _) => None,
        (true, Some(user)) => Some(user.0),
        (true, None) => return Err(DomainError::Unauthenticated),
    };
    let visible = crate::forums::visible_ids(hearth, viewer);
    let oldest_first = query.filter == QuestionFilter::Unanswered;
    // Literal conditions (from the enum, never from input) let the planner pick the matching partial index.
    let state = match query.filter {
        QuestionFilter::All => "",
        QuestionFilter::Unanswered => " AND q.state = 'open'",
        QuestionFilter::Answered => " AND q.state = 'answered'",
        QuestionFilter::Accepted => " AND q.state = 'accepted'",
    };
    let mine_filter = if mine.is_some() {
        " AND t.author_id = $2"
    } else {
        " AND $2::bigint IS NULL"
    };
    let product_filter = if product.is_some() {
        " AND EXISTS (SELECT 1 FROM question_products qp WHERE qp.topic_id = q.topic_id AND qp.product_id = $3)"
    } else {
        " AND $3::bigint IS NULL"
    };
    let (keyset, order) = if oldest_first {
        ("(q.asked_at, q.topic_id) > ($4, $5)", "q.asked_at, q.topic_id")
    } else {
        (
            "(q.asked_at, q.topic_id) < ($4, $5)",
            "q.asked_at DESC, q.topic_id DESC",
        )
    };
    let keyset = if query.after.is_some() {
        keyset
    } else {
        "$4::timestamptz IS NOT NULL AND $5::bigint IS NOT NULL"
    };
    let sql = format!(
        "SELECT t.id, t.title, q.state, q.answer_count, t.view_count, q.asked_at, q.first_answer_at,
                t.last_posted_at, t.author_id,
                a.username AS author_username, c.slug AS category_slug, c.name AS category_name,
                COALESCE(pr.ids, '{{}}') AS product_ids, COALESCE(pr.slugs, '{{}}') AS product_slugs,
                COALESCE(pr.names, '{{}}') AS product_names
         FROM questions q
         JOIN topics t ON t.id = q.topic_id
         JOIN users a ON a.id = t.author_id
         JOIN categories c ON c.id = t.category_id
         {PRODUCTS_OF_Q}
         WHERE t.status = 'published' AND t.category_id = ANY($1){state}{mine_filter}{product_filter}
           AND {keyset}
         ORDER BY {order}
         LIMIT $6"
    );
    let cursor = query.after.unwrap_or(Cursor {
        at: Utc::now(),
        id: 0,
    });
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<QuestionSummary> = db::prepared_sql(sql)
        .bind::<Array<BigInt>, _>(&visible)
        .bind::<Nullable<BigInt>, _>(mine)
        .bind::<Nullable<BigInt>, _>(product)
        .bind::<Timestamptz, _>(cursor.at)
        .bind::<BigInt, _>(cursor.id)
        .bind::<BigInt, _>(limit + 1)
        .load(&mut conn)
        .await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|q| {
            Cursor {
                at: q.asked_at,
                id: q.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(QuestionList { items, next })
}

/// Something already asked or discussed that may answer a question being typed.
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct Similar {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// `question`, `idea` or `discussion`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// A question's state (open, answered, accepted) or an idea's status.
    #[diesel(sql_type = Nullable<Text>)]
    pub state: Option<String>,
    #[diesel(sql_type = Integer)]
    pub reply_count: i32,
    #[diesel(sql_type = diesel::sql_types::Float)]
    pub rank: f32,
}

impl Similar {
    pub fn url(&self) -> String {
        if self.kind == "question" {
            format!("/q/{}", self.id)
        } else if self.kind == "idea" {
            format!("/ideas/{}", self.id)
        } else {
            format!("/t/{}", self.id)
        }
    }
}

/// Most words of a title the full-text pass combines.
const MAX_WORDS: usize = 6;
/// Full-text matches ranked per request (the best of them are suggested).
const RANKED_CANDIDATES: i64 = 200;

/// The first words of a title as `to_tsquery` operands (lexemes from `to_tsvector`, quoted).
fn quoted_words(lexemes: &[String]) -> Vec<String> {
    lexemes
        .iter()
        .take(MAX_WORDS)
        .map(|l| format!("'{}'", l.replace('\\', "").replace('\'', "''")))
        .collect()
}

/// A `to_tsquery` text matching titles that hold every word, or every word but one when there are three or
/// more: "battery range winter" → `('batteri' & 'rang') | ('batteri' & 'winter') | ('rang' & 'winter')`.
fn relaxed_query(words: &[String]) -> Option<String> {
    match words.len() {
        0 => None,
        1 | 2 => Some(words.join(" & ")),
        n => Some(
            (0..n)
                .map(|skip| {
                    let kept: Vec<&str> = words
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != skip)
                        .map(|(_, w)| w.as_str())
                        .collect();
                    format!("({})", kept.join(" & "))
                })
                .collect::<Vec<_>>()
                .join(" | "),
        ),
    }
}

/// Questions and topics whose titles resemble `title`, best first, only what the viewer may see. First by
/// full text — every word (or all but one) in any order, through the GIN index, ranked over a bounded set of
/// candidates; only when that finds nothing, by trigram similarity (typos, partial words), which is slower.
pub async fn similar(
    hearth: &Hearth,
    viewer: &Viewer,
    title: &str,
    limit: i64,
) -> DomainResult<Vec<Similar>> {
    let title: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.chars().count() < 4 {
        return Ok(Vec::new());
    }
    if title.chars().count() > 200 {
        return Err(DomainError::invalid("title", "must be at most 200 characters"));
    }
    let limit = limit.clamp(1, 20);
    let visible = crate::forums::visible_ids(hearth, viewer);
    // Asked on every keystroke of a title: on the expensive-read share of the pool, like search.
    let _turn = hearth.expensive().await?;
    let mut conn = db::conn(hearth.db()).await?;
    #[derive(QueryableByName)]
    struct Lexemes {
        #[diesel(sql_type = Array<Text>)]
        lexemes: Vec<String>,
    }
    let words: Lexemes = diesel::sql_query(
        "SELECT COALESCE(array_agg(l.lexeme ORDER BY l.pos), '{}') AS lexemes
         FROM (SELECT lexeme, min(p) AS pos
               FROM unnest(to_tsvector('english', $1)) AS v(lexeme, positions, weights), unnest(positions) AS p
               GROUP BY lexeme) l",
    )
    .bind::<Text, _>(&title)
    .get_result(&mut conn)
    .await?;
    let words = quoted_words(&words.lexemes);
    if let Some(query) = relaxed_query(&words) {
        let found: Vec<Similar> = diesel::sql_query(
            "SELECT t.id, t.kind, t.title, COALESCE(q.state, i.status) AS state, t.reply_count,
                    ts_rank(t.search, to_tsquery('english', $4))::real AS rank
             FROM (SELECT id FROM topics
                   WHERE search @@ to_tsquery('english', $1) AND status = 'published' AND category_id = ANY($2)
                   LIMIT $5) c
             JOIN topics t ON t.id = c.id
             LEFT JOIN questions q ON q.topic_id = t.id
             LEFT JOIN ideas i ON i.topic_id = t.id
             WHERE i.status IS DISTINCT FROM 'merged'
             ORDER BY rank DESC, t.id DESC
             LIMIT $3",
        )
        .bind::<Text, _>(&query)
        .bind::<Array<BigInt>, _>(&visible)
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(words.join(" | "))
        .bind::<BigInt, _>(RANKED_CANDIDATES)
        .load(&mut conn)
        .await?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(diesel::sql_query(
        "SELECT t.id, t.kind, t.title, COALESCE(q.state, i.status) AS state, t.reply_count,
                similarity(t.title, $1)::real AS rank
         FROM topics t
         LEFT JOIN questions q ON q.topic_id = t.id
         LEFT JOIN ideas i ON i.topic_id = t.id
         WHERE t.status = 'published' AND t.category_id = ANY($2) AND t.title % $1
           AND i.status IS DISTINCT FROM 'merged'
         ORDER BY rank DESC, t.id DESC
         LIMIT $3",
    )
    .bind::<Text, _>(&title)
    .bind::<Array<BigInt>, _>(&visible)
    .bind::<BigInt, _>(limit)
    .load(&mut conn)
    .await?)
}

/// A question's state and timings.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = questions, check_for_backend(diesel::pg::Pg))]
pub struct QuestionRow {
    pub topic_id: TopicId,
    pub state: String,
    pub accepted_post_id: Option<PostId>,
    pub answer_count: i32,
    pub asked_at: DateTime<Utc>,
    pub first_answer_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
}

impl QuestionRow {
    /// Seconds from asking to the first answer (None: unanswered).
    pub fn seconds_to_first_answer(&self) -> Option<i64> {
        seconds_between(self.asked_at, self.first_answer_at)
    }
}

/// Time to first answer, never negative (an answer imported with an earlier clock counts as at once).
fn seconds_between(asked: DateTime<Utc>, answered: Option<DateTime<Utc>>) -> Option<i64> {
    answered.map(|a| (a - asked).num_seconds().max(0))
}

/// A comment under an answer.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct CommentView {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub post_id: i64,
    #[diesel(sql_type = Text)]
    pub author_username: String,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, QueryableByName)]
struct AnswerRow {
    #[diesel(embed)]
    post: PostView,
    #[diesel(sql_type = Nullable<SmallInt>)]
    my_vote: Option<i16>,
    #[diesel(sql_type = Bool)]
    owner: bool,
}

/// An answer as the question page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    pub post: PostView,
    pub score: i32,
    /// The viewer's vote (1, -1) if any.
    pub my_vote: Option<i16>,
    pub accepted: bool,
    /// Written by the brand's staff (or an admin).
    pub official: bool,
    /// Written by a member who owns one of the question's products.
    pub owner: bool,
    pub comments: Vec<CommentView>,
}

/// Most answers a question page shows.
pub const MAX_ANSWERS: i64 = 200;

/// A question with its answers: accepted first, then by score, then oldest.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionPage {
    pub topic: TopicDetail,
    pub category: Category,
    pub question: QuestionRow,
    pub products: Vec<ProductRef>,
    /// The question's own text (post number 1).
    pub body: PostView,
    pub answers: Vec<AnswerView>,
    /// Whether the viewer may accept an answer (the asker or staff).
    pub can_accept: bool,
}

/// Whether an author's roles make their answers official.
pub fn is_official(roles: &[Option<String>]) -> bool {
    roles.iter().flatten().any(|r| r == "staff" || r == "admin")
}

pub async fn question_page(
    hearth: &Hearth,
    viewer: &Viewer,
    topic_id: TopicId,
) -> DomainResult<QuestionPage> {
    let mut conn = db::conn(hearth.db()).await?;
    let (topic, category) = crate::forums::views::topic_detail(hearth, &mut conn, viewer, topic_id).await?;
    let question: QuestionRow = questions::table
        .find(topic_id)
        .select(QuestionRow::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("question"))?;
    #[derive(QueryableByName)]
    struct ProductRow {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        slug: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let products: Vec<ProductRow> = db::prepared_sql(
        "SELECT p.id, p.slug, p.name FROM question_products qp JOIN products p ON p.id = qp.product_id
         WHERE qp.topic_id = $1 ORDER BY p.name",
    )
    .bind::<BigInt, _>(topic_id.0)
    .load(&mut conn)
    .await?;
    let products = products
        .into_iter()
        .map(|p| ProductRef {
            id: p.id,
            slug: p.slug,
            name: p.name,
        })
        .collect();
    let first = crate::forums::views::posts_between(&mut conn, viewer, topic_id, 0, 1).await?;
    let body = first
        .into_iter()
        .next()
        .ok_or(DomainError::NotFound("question"))?;
    let answers = answers_in(
        &mut conn,
        viewer,
        topic_id,
        question.accepted_post_id.map(|p| p.0),
        1,
    )
    .await?;
    let can_accept = viewer.user_id.is_some_and(|u| u.0 == topic.author_id) || viewer.moderator;
    Ok(QuestionPage {
        topic,
        category,
        question,
        products,
        body,
        answers,
        can_accept,
    })
}

/// The answers of a question after a post number that this viewer may see (the accepted first, then by score,
/// then oldest), each with the viewer's vote and its comments.
async fn answers_in(
    conn: &mut AsyncPgConnection,
    viewer: &Viewer,
    topic_id: TopicId,
    accepted: Option<i64>,
    after: i32,
) -> DomainResult<Vec<AnswerView>> {
    let sql = format!(
        "SELECT x.*, v.value AS my_vote,
                EXISTS (SELECT 1 FROM question_products qp JOIN product_owners po ON po.product_id = qp.product_id
                        WHERE qp.topic_id = x.topic_id AND po.user_id = x.author_id) AS owner
         FROM ({}) x
         LEFT JOIN answer_votes v ON v.post_id = x.id AND v.user_id = $2
         ORDER BY (x.id = $4) DESC, x.score DESC, x.post_number",
        crate::forums::views::post_select(
            "(SELECT * FROM posts WHERE topic_id = $1 AND post_number > $6
                AND (status = 'published' OR (status <> 'deleted' AND (author_id = $2 OR $3)))
              ORDER BY (id = $4) DESC, score DESC, post_number LIMIT $5)"
        )
    );
    let rows: Vec<AnswerRow> = db::prepared_sql(sql)
        .bind::<BigInt, _>(topic_id.0)
        .bind::<BigInt, _>(viewer.user_id.map(|u| u.0).unwrap_or(0))
        .bind::<Bool, _>(viewer.manages_topics())
        .bind::<BigInt, _>(accepted.unwrap_or(0))
        .bind::<BigInt, _>(MAX_ANSWERS)
        .bind::<diesel::sql_types::Integer, _>(after)
        .load(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.post.id).collect();
    let comments: Vec<CommentView> = if ids.is_empty() {
        Vec::new()
    } else {
        db::prepared_sql(
            "SELECT c.id, c.post_id, u.username AS author_username, c.body_html, c.created_at
             FROM answer_comments c JOIN users u ON u.id = c.author_id
             WHERE c.post_id = ANY($1) AND c.status = 'published'
             ORDER BY c.post_id, c.id",
        )
        .bind::<Array<BigInt>, _>(&ids)
        .load(conn)
        .await?
    };
    Ok(rows
        .into_iter()
        .map(|r| AnswerView {
            score: r.post.score,
            my_vote: r.my_vote,
            accepted: Some(r.post.id) == accepted,
            official: is_official(&r.post.author_roles),
            owner: r.owner,
            comments: comments
                .iter()
                .filter(|c| c.post_id == r.post.id)
                .cloned()
                .collect(),
            post: r.post,
        })
        .collect())
}

/// Answers posted after `after` (a post number): what an open question page appends when the live stream says a
/// post appeared. Checks that the viewer may see the question.
pub async fn answers_after(
    hearth: &Hearth,
    viewer: &Viewer,
    topic_id: TopicId,
    after: i32,
) -> DomainResult<Vec<AnswerView>> {
    crate::forums::check_topic_visible(hearth, viewer, topic_id).await?;
    let mut conn = db::conn(hearth.db()).await?;
    let accepted: Option<Option<PostId>> = questions::table
        .find(topic_id)
        .select(questions::accepted_post_id)
        .first(&mut conn)
        .await
        .optional()?;
    let accepted = accepted.ok_or(DomainError::NotFound("question"))?;
    answers_in(&mut conn, viewer, topic_id, accepted.map(|p| p.0), after.max(1)).await
}

#[cfg(test)]
mod query_tests {
    use super::*;

    #[test]
    fn relaxed_queries_keep_all_words_or_all_but_one() {
        let words = quoted_words(&["batteri".into(), "rang".into(), "winter".into()]);
        assert_eq!(
            relaxed_query(&words).unwrap(),
            "('rang' & 'winter') | ('batteri' & 'winter') | ('batteri' & 'rang')"
        );
        assert_eq!(relaxed_query(&quoted_words(&["x2".into()])).unwrap(), "'x2'");
        assert_eq!(relaxed_query(&[]), None);
        // Quotes and backslashes cannot break out of an operand.
        assert_eq!(quoted_words(&["it's\\".into()]), vec!["'it''s'".to_owned()]);
        assert_eq!(quoted_words(&vec!["w".to_owned(); 10]).len(), MAX_WORDS);
    }
}
