//! A report for a period: its totals (with the previous period of the same length and a sparkline), its charts
//! (each with the table of its numbers) and its tables — one view that the page, the API and the CSV share.
//! Everything is read from `insight_days`; nothing names a member.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::{Filter, Period, Report, require, rollup};
use crate::accounts::Actor;
use crate::ideas::csv::{plain_cell, push_record, text_cell};
use crate::{DomainError, DomainResult, Hearth, db};

/// Periods up to this many days are charted per day; longer ones per week.
pub const DAILY_UP_TO: i64 = 92;

/// Metrics kept only for the whole community (not per category or product).
const WHOLE: [&str; 19] = [
    "new_members",
    "active",
    "active_30d",
    "repliers",
    "c_joins",
    "c_leaves",
    "c_members",
    "e_events",
    "e_seats",
    "e_taken",
    "e_waitlisted",
    "m_flags",
    "m_held",
    "m_appeals",
    "m_appeal_approved",
    "m_appeal_rejected",
    "m_appeal_dismissed",
    "m_decided",
    "m_queue_open",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// 0–100.
    Percent,
    Hours,
    Days,
}

impl Unit {
    pub fn format(self, v: Option<f64>) -> String {
        let Some(v) = v else { return "—".into() };
        match self {
            Unit::Count if (v.fract()).abs() < 1e-9 => group(v as i64),
            Unit::Count => format!("{v:.1}"),
            Unit::Percent => format!("{v:.0} %"),
            Unit::Hours if v < 10.0 => format!("{v:.1} h"),
            Unit::Hours => format!("{v:.0} h"),
            Unit::Days => format!("{v:.1} days"),
        }
    }

    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Percent => "%",
            Unit::Hours => "hours",
            Unit::Days => "days",
        }
    }
}

/// 12345 → "12,345".
fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Which way is good for a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// "up", "down" or "same".
    pub direction: &'static str,
    /// "better", "worse" or "neutral".
    pub verdict: &'static str,
    /// Relative change in percent (absent when the previous value was zero or unknown).
    pub percent: Option<f64>,
    /// Said in words: "up 12 % on the previous 30 days".
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Total {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub better: Better,
    pub change: Option<Change>,
    /// The same measure per chart bucket, oldest first.
    pub spark: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Line,
    /// Bars per bucket, the series stacked.
    Stacked,
    /// Horizontal bars, one per step, each series a step.
    Funnel,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub key: &'static str,
    pub label: &'static str,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub key: &'static str,
    pub title: &'static str,
    /// A sentence a screen reader says instead of the picture.
    pub description: String,
    pub kind: ChartKind,
    pub unit: Unit,
    /// The first day of each bucket (or the name of each step).
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(Option<f64>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub key: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Chart {
    /// The chart's numbers as a table: one row per bucket (or step), one column per series.
    pub fn table(&self) -> Table {
        if self.kind == ChartKind::Funnel {
            // One row per step.
            return Table {
                key: self.key.to_owned(),
                title: self.title.to_owned(),
                columns: vec![
                    "Step".to_owned(),
                    <[String]>::first(&self.labels).cloned().unwrap_or_default(),
                ],
                rows: self
                    .series
                    .iter()
                    .map(|s| {
                        vec![
                            Cell::Text(s.label.to_owned()),
                            Cell::Number(<[Option<f64>]>::first(&s.values).copied().flatten()),
                        ]
                    })
                    .collect(),
            };
        }
        let mut columns = vec!["From".to_owned()];
        columns.extend(self.series.iter().map(|s| match self.unit.suffix() {
            "" => s.label.to_owned(),
            u => format!("{} ({u})", s.label),
        }));
        let rows = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                std::iter::once(Cell::Text(label.clone()))
                    .chain(
                        self.series
                            .iter()
                            .map(|s| Cell::Number(s.values.get(i).copied().flatten())),
                    )
                    .collect()
            })
            .collect();
        Table {
            key: self.key.to_owned(),
            title: self.title.to_owned(),
            columns,
            rows,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    pub report: Report,
    pub title: &'static str,
    pub period: Period,
    pub previous: Period,
    /// 1 (daily buckets) or 7 (weekly).
    pub bucket_days: i64,
    pub product: Option<Named>,
    pub category: Option<Named>,
    pub totals: Vec<Total>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    /// When the rollups were last computed.
    pub computed_at: Option<DateTime<Utc>>,
    /// What the filters offer (empty when the report cannot be narrowed that way).
    pub products: Vec<Named>,
    pub categories: Vec<Named>,
}

// ---- the data of a period, from the rollups ----------------------------------------------------------------

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    metric: String,
    #[diesel(sql_type = BigInt)]
    category_id: i64,
    #[diesel(sql_type = BigInt)]
    product_id: i64,
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    value: i64,
    #[diesel(sql_type = Array<Integer>)]
    samples: Vec<i32>,
}

/// The days of the current and previous period, per metric.
#[derive(Debug, Default)]
pub(crate) struct Data {
    days: HashMap<String, BTreeMap<NaiveDate, (i64, Vec<i32>)>>,
}

impl Data {
    fn iter<'a>(&'a self, m: &str, p: Period) -> impl Iterator<Item = &'a (i64, Vec<i32>)> + 'a {
        self.days
            .get(m)
            .into_iter()
            .flat_map(move |d| d.range(p.from..=p.to).map(|(_, v)| v))
    }

    pub(crate) fn sum(&self, m: &str, p: Period) -> i64 {
        self.iter(m, p).map(|(v, _)| v).sum()
    }

    /// The samples of the period, in no particular order.
    pub(crate) fn samples(&self, m: &str, p: Period) -> Vec<i32> {
        self.iter(m, p).flat_map(|(_, s)| s.iter().copied()).collect()
    }

    /// A level (members, queue size) at the end of the period: its last day's value (no row: zero).
    fn level(&self, m: &str, p: Period) -> i64 {
        self.days
            .get(m)
            .and_then(|d| d.get(&p.to))
            .map(|(v, _)| *v)
            .unwrap_or(0)
    }
}

/// The `q`-quantile (0–1) of samples, interpolated between neighbours as `percentile_cont` does. Selects the
/// two neighbours in linear time (no full sort: a year of first answers is tens of thousands of samples).
pub fn percentile(samples: &[i32], q: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut v = samples.to_vec();
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, low, above) = v.select_nth_unstable(lo);
    let low = *low as f64;
    let high = if frac > 0.0 {
        above.iter().copied().min().map_or(low, f64::from)
    } else {
        low
    };
    Some(low + (high - low) * frac)
}

type Measure = Box<dyn Fn(&Data, Period) -> Option<f64> + Send + Sync>;

fn count(m: &'static str) -> Measure {
    Box::new(move |d, p| Some(d.sum(m, p) as f64))
}

fn level(m: &'static str) -> Measure {
    Box::new(move |d, p| Some(d.level(m, p) as f64))
}

fn daily_mean(m: &'static str) -> Measure {
    Box::new(move |d, p| Some(d.sum(m, p) as f64 / p.days().max(1) as f64))
}

fn share(num: &'static str, den: &'static str) -> Measure {
    Box::new(move |d, p| {
        let den = d.sum(den, p);
        (den > 0).then(|| 100.0 * d.sum(num, p) as f64 / den as f64)
    })
}

fn share_of_sum(num: &'static str, parts: &'static [&'static str]) -> Measure {
    Box::new(move |d, p| {
        let den: i64 = parts.iter().map(|m| d.sum(m, p)).sum();
        (den > 0).then(|| 100.0 * d.sum(num, p) as f64 / den as f64)
    })
}

fn hours(m: &'static str, q: f64) -> Measure {
    Box::new(move |d, p| percentile(&d.samples(m, p), q).map(|s| s / 3600.0))
}

fn days_in(m: &'static str) -> Measure {
    Box::new(move |d, p| percentile(&d.samples(m, p), 0.5).map(|s| s / 86400.0))
}

fn difference(a: &'static str, b: &'static str) -> Measure {
    Box::new(move |d, p| Some((d.sum(a, p) - d.sum(b, p)) as f64))
}

/// Average daily active members over the members active in the 30 days up to the period's end.
fn stickiness() -> Measure {
    Box::new(|d, p| {
        let monthly = d.level("active_30d", p);
        (monthly > 0).then(|| 100.0 * (d.sum("active", p) as f64 / p.days().max(1) as f64) / monthly as f64)
    })
}

/// The buckets of a period: days, or weeks from its first day (the last one may be shorter).
pub fn buckets(period: Period) -> Vec<Period> {
    let step = if period.days() <= DAILY_UP_TO { 1 } else { 7 };
    let mut out = Vec::new();
    let mut from = period.from;
    while from <= period.to {
        let to = (from + Duration::days(step - 1)).min(period.to);
        out.push(Period { from, to });
        from = to + Duration::days(1);
    }
    out
}

struct Ctx<'a> {
    data: &'a Data,
    period: Period,
    previous: Period,
    buckets: Vec<Period>,
}

impl Ctx<'_> {
    fn total(&self, key: &'static str, label: &'static str, unit: Unit, better: Better, m: Measure) -> Total {
        let value = m(self.data, self.period);
        let previous = m(self.data, self.previous);
        let spark = self.buckets.iter().map(|b| m(self.data, *b)).collect();
        Total {
            key,
            label,
            unit,
            value,
            previous,
            better,
            change: change(value, previous, better, self.period.days()),
            spark,
        }
    }

    fn series(&self, key: &'static str, label: &'static str, m: Measure) -> Series {
        Series {
            key,
            label,
            values: self.buckets.iter().map(|b| m(self.data, *b)).collect(),
        }
    }

    fn labels(&self) -> Vec<String> {
        self.buckets
            .iter()
            .map(|b| b.from.format("%Y-%m-%d").to_string())
            .collect()
    }

    fn chart(
        &self,
        key: &'static str,
        title: &'static str,
        kind: ChartKind,
        unit: Unit,
        series: Vec<Series>,
    ) -> Chart {
        let description = describe(
            title,
            kind,
            unit,
            &self.labels(),
            &series,
            self.buckets.len() > 1 && self.buckets[0].days() > 1,
        );
        Chart {
            key,
            title,
            description,
            kind,
            unit,
            labels: self.labels(),
            series,
        }
    }
}

fn change(value: Option<f64>, previous: Option<f64>, better: Better, days: i64) -> Option<Change> {
    let (v, p) = (value?, previous?);
    let direction = if (v - p).abs() < 1e-9 {
        "same"
    } else if v > p {
        "up"
    } else {
        "down"
    };
    let verdict = match (better, direction) {
        (_, "same") | (Better::Neither, _) => "neutral",
        (Better::Higher, "up") | (Better::Lower, "down") => "better",
        _ => "worse",
    };
    let percent = (p.abs() > 1e-9).then(|| 100.0 * (v - p) / p.abs());
    let words = match (direction, percent) {
        ("same", _) => format!("the same as the previous {days} days"),
        (dir, Some(pc)) => format!("{dir} {:.0} % on the previous {days} days", pc.abs()),
        (dir, None) => format!("{dir} from none in the previous {days} days"),
    };
    Some(Change {
        direction,
        verdict,
        percent,
        words,
    })
}

/// The text alternative of a chart: what it shows, its range and where each series ended.
fn describe(
    title: &str,
    kind: ChartKind,
    unit: Unit,
    labels: &[String],
    series: &[Series],
    weekly: bool,
) -> String {
    if kind == ChartKind::Funnel {
        let steps: Vec<String> = series
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.label,
                    unit.format(<[Option<f64>]>::first(&s.values).copied().flatten())
                )
            })
            .collect();
        return format!("{title}: {}.", steps.join(", "));
    }
    let (Some(first), Some(last)) = (labels.first(), labels.last()) else {
        return format!("{title}: no data.");
    };
    let per = if weekly { "week" } else { "day" };
    let parts: Vec<String> = series
        .iter()
        .map(|s| {
            let known: Vec<f64> = s.values.iter().flatten().copied().collect();
            let max = known
                .iter()
                .copied()
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            let min = known
                .iter()
                .copied()
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))));
            format!(
                "{} from {} to {} per {per}, last {}",
                s.label,
                unit.format(min),
                unit.format(max),
                unit.format(s.values.last().copied().flatten())
            )
        })
        .collect();
    format!(
        "{title}, per {per} from {first} to {last}: {}. The table below has every number.",
        parts.join("; ")
    )
}

async fn load_data(
    conn: &mut AsyncPgConnection,
    metrics: &[&str],
    filter: Filter,
    from: NaiveDate,
    to: NaiveDate,
) -> DomainResult<Data> {
    let names: Vec<String> = metrics.iter().map(|m| (*m).to_owned()).collect();
    let (c, p) = (filter.category.unwrap_or(0), filter.product.unwrap_or(0));
    let rows: Vec<Row> = db::prepared_sql(
        "SELECT metric, category_id, product_id, day, value, samples FROM insight_days
         WHERE metric = ANY($1) AND category_id = $2 AND product_id = $3 AND day >= $4 AND day <= $5
         UNION ALL
         SELECT metric, category_id, product_id, day, value, samples FROM insight_days
         WHERE metric = ANY($1) AND category_id = 0 AND product_id = 0 AND day >= $4 AND day <= $5
           AND ($2 <> 0 OR $3 <> 0)",
    )
    .bind::<Array<Text>, _>(names)
    .bind::<BigInt, _>(c)
    .bind::<BigInt, _>(p)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)
    .await?;
    let mut data = Data::default();
    for r in rows {
        let whole = WHOLE.contains(&r.metric.as_str()) || r.metric.starts_with("m_held:");
        let wanted = if whole {
            r.category_id == 0 && r.product_id == 0
        } else {
            r.category_id == c && r.product_id == p
        };
        if wanted {
            data.days
                .entry(r.metric)
                .or_default()
                .insert(r.day, (r.value, r.samples));
        }
    }
    Ok(data)
}

async fn names(conn: &mut AsyncPgConnection, sql: &str) -> DomainResult<Vec<Named>> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<N> = db::prepared_sql(sql.to_owned()).load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|n| Named {
            id: n.id,
            name: n.name,
        })
        .collect())
}

async fn options_in(conn: &mut AsyncPgConnection, report: Report) -> DomainResult<(Vec<Named>, Vec<Named>)> {
    let products = if report.by_product() {
        names(conn, "SELECT id, name FROM products ORDER BY lower(name), id").await?
    } else {
        Vec::new()
    };
    let categories = if report.by_category() {
        names(conn, "SELECT id, name FROM categories ORDER BY position, id").await?
    } else {
        Vec::new()
    };
    Ok((products, categories))
}

/// What a report's filters offer: `(products, categories)`, each empty when it cannot be narrowed that way.
pub async fn filter_options(
    hearth: &Hearth,
    actor: &Actor,
    report: Report,
) -> DomainResult<(Vec<Named>, Vec<Named>)> {
    require(actor, report)?;
    let mut conn = db::conn(hearth.db()).await?;
    options_in(&mut conn, report).await
}

fn metrics_of(report: Report) -> Vec<&'static str> {
    let mut m: Vec<&'static str> = match report {
        Report::Health => vec![
            "views",
            "posts",
            "topics",
            "new_members",
            "active",
            "active_30d",
            "repliers",
            "lively_topics",
            "first_response",
        ],
        Report::Qa => vec![
            "q_asked",
            "q_answered",
            "q_answered_24h",
            "q_answered_7d",
            "q_first_staff",
            "q_first_customer",
            "q_accepted",
        ],
        Report::Ideas => vec![
            "i_created",
            "i_reached_under_review",
            "i_reached_planned",
            "i_reached_in_progress",
            "i_reached_shipped",
            "i_declined",
            "i_time_new",
            "i_time_under_review",
            "i_time_planned",
            "i_time_in_progress",
            "i_votes",
            "i_survey_yes",
            "i_survey_partly",
            "i_survey_no",
        ],
        Report::Listening => vec![
            "s_negative",
            "s_neutral",
            "s_positive",
            "d_posts",
            "d_answered",
            "d_answered_24h",
        ],
        Report::Club => vec![
            "c_joins",
            "c_leaves",
            "c_members",
            "e_events",
            "e_seats",
            "e_taken",
            "e_waitlisted",
        ],
        Report::Moderation => vec![
            "m_flags",
            "m_held",
            "m_appeals",
            "m_appeal_approved",
            "m_appeal_rejected",
            "m_appeal_dismissed",
            "m_decided",
            "m_queue_open",
        ],
    };
    if report == Report::Moderation {
        m.extend(HELD_RULES.iter().map(|(metric, _)| *metric));
    }
    m
}

const HELD_RULES: [(&str, &str); 8] = [
    ("m_held:too_brief", "Too brief"),
    ("m_held:link_limit", "Too many links"),
    ("m_held:link_promotion", "Mostly links"),
    ("m_held:words", "Watched words"),
    ("m_held:first_posts", "First posts of new members"),
    ("m_held:partner_hold", "Partner posts"),
    ("m_held:flags", "Flagged by members"),
    ("m_held:inbox", "Staff inbox"),
];

/// Builds a report for the period (readers: see [`super::can_read`]).
pub async fn load(
    hearth: &Hearth,
    actor: &Actor,
    report: Report,
    period: Period,
    filter: Filter,
) -> DomainResult<ReportView> {
    require(actor, report)?;
    let previous = period.previous();
    let mut conn = db::conn(hearth.db()).await?;
    let (products, categories) = options_in(&mut conn, report).await?;
    let pick = |list: &[Named], id: Option<i64>, field: &str| -> DomainResult<Option<Named>> {
        match id {
            None => Ok(None),
            Some(id) => list
                .iter()
                .find(|n| n.id == id)
                .cloned()
                .map(Some)
                .ok_or_else(|| DomainError::invalid(field, "must be the id of a known one")),
        }
    };
    let product = pick(&products, filter.product, "product")?;
    let category = pick(&categories, filter.category, "category")?;
    let data = load_data(&mut conn, &metrics_of(report), filter, previous.from, period.to).await?;
    let ctx = Ctx {
        data: &data,
        period,
        previous,
        buckets: buckets(period),
    };
    let (totals, charts, mut tables) = match report {
        Report::Health => health(&ctx),
        Report::Qa => qa(&ctx),
        Report::Ideas => ideas(&ctx),
        Report::Listening => listening(&ctx),
        Report::Club => club(&ctx),
        Report::Moderation => moderation(&ctx),
    };
    match report {
        Report::Qa => tables.push(by_product(&mut conn, filter, period).await?),
        Report::Club => {
            tables.push(tiers(&mut conn).await?);
            tables.push(events(&mut conn, period).await?);
        }
        _ => {}
    }
    drop(conn);
    Ok(ReportView {
        report,
        title: report.title(),
        period,
        previous,
        bucket_days: if period.days() <= DAILY_UP_TO { 1 } else { 7 },
        product,
        category,
        totals,
        charts,
        tables,
        computed_at: rollup::last_computed(hearth).await?,
        products,
        categories,
    })
}

type Parts = (Vec<Total>, Vec<Chart>, Vec<Table>);

fn health(c: &Ctx) -> Parts {
    use Better::*;
    let totals = vec![
        c.total("views", "Page views", Unit::Count, Higher, count("views")),
        c.total("posts", "New posts", Unit::Count, Higher, count("posts")),
        c.total(
            "new_members",
            "New members",
            Unit::Count,
            Higher,
            count("new_members"),
        ),
        c.total(
            "daily_active",
            "Daily active members (average)",
            Unit::Count,
            Higher,
            daily_mean("active"),
        ),
        c.total(
            "monthly_active",
            "Monthly active members",
            Unit::Count,
            Higher,
            level("active_30d"),
        ),
        c.total(
            "stickiness",
            "Daily / monthly active",
            Unit::Percent,
            Higher,
            stickiness(),
        ),
        c.total(
            "lively_topics",
            "Topics with 3+ members replying",
            Unit::Count,
            Higher,
            count("lively_topics"),
        ),
        c.total(
            "repliers",
            "Members replying to others (daily average)",
            Unit::Count,
            Higher,
            daily_mean("repliers"),
        ),
        c.total(
            "first_response",
            "Median time to first response",
            Unit::Hours,
            Lower,
            hours("first_response", 0.5),
        ),
    ];
    let charts = vec![
        c.chart(
            "views",
            "Page views",
            ChartKind::Line,
            Unit::Count,
            vec![c.series("views", "Page views", count("views"))],
        ),
        c.chart(
            "content",
            "New posts and topics",
            ChartKind::Line,
            Unit::Count,
            vec![
                c.series("posts", "Posts", count("posts")),
                c.series("topics", "Topics", count("topics")),
            ],
        ),
        c.chart(
            "members",
            "Active and new members",
            ChartKind::Line,
            Unit::Count,
            vec![
                c.series("monthly_active", "Monthly active", level("active_30d")),
                c.series("daily_active", "Daily active (average)", daily_mean("active")),
                c.series("new_members", "New members", count("new_members")),
            ],
        ),
        c.chart(
            "first_response",
            "Median time to first response",
            ChartKind::Line,
            Unit::Hours,
            vec![c.series("first_response", "Median", hours("first_response", 0.5))],
        ),
    ];
    (totals, charts, Vec::new())
}

fn qa(c: &Ctx) -> Parts {
    use Better::*;
    let totals = vec![
        c.total("asked", "Questions asked", Unit::Count, Higher, count("q_asked")),
        c.total(
            "answered_24h",
            "Answered within 24 hours",
            Unit::Percent,
            Higher,
            share("q_answered_24h", "q_asked"),
        ),
        c.total(
            "answered_7d",
            "Answered within 7 days",
            Unit::Percent,
            Higher,
            share("q_answered_7d", "q_asked"),
        ),
        c.total(
            "first_answer_median",
            "Median time to first answer",
            Unit::Hours,
            Lower,
            hours("q_answered", 0.5),
        ),
        c.total(
            "first_answer_p90",
            "90th percentile time to first answer",
            Unit::Hours,
            Lower,
            hours("q_answered", 0.9),
        ),
        c.total(
            "first_by_customers",
            "First answers by customers",
            Unit::Percent,
            Higher,
            share_of_sum("q_first_customer", &["q_first_customer", "q_first_staff"]),
        ),
        c.total(
            "first_by_staff",
            "First answers by staff",
            Unit::Percent,
            Neither,
            share_of_sum("q_first_staff", &["q_first_customer", "q_first_staff"]),
        ),
        c.total(
            "accepted",
            "Accepted an answer",
            Unit::Percent,
            Higher,
            share("q_accepted", "q_asked"),
        ),
        c.total(
            "unanswered",
            "Still unanswered",
            Unit::Count,
            Lower,
            difference("q_asked", "q_answered"),
        ),
    ];
    let charts = vec![
        c.chart(
            "questions",
            "Questions by how fast they were answered",
            ChartKind::Stacked,
            Unit::Count,
            vec![
                c.series("within_24h", "Answered within 24 h", count("q_answered_24h")),
                c.series(
                    "later",
                    "Answered later",
                    difference("q_answered", "q_answered_24h"),
                ),
                c.series("unanswered", "Unanswered", difference("q_asked", "q_answered")),
            ],
        ),
        c.chart(
            "first_answer",
            "Time to first answer",
            ChartKind::Line,
            Unit::Hours,
            vec![
                c.series("median", "Median", hours("q_answered", 0.5)),
                c.series("p90", "90th percentile", hours("q_answered", 0.9)),
            ],
        ),
        c.chart(
            "first_answerers",
            "Who answered first",
            ChartKind::Stacked,
            Unit::Count,
            vec![
                c.series("customers", "Customers", count("q_first_customer")),
                c.series("staff", "Staff", count("q_first_staff")),
            ],
        ),
    ];
    (totals, charts, Vec::new())
}

const FUNNEL: [(&str, &str, &str); 5] = [
    ("i_created", "New", "i_time_new"),
    ("i_reached_under_review", "Under review", "i_time_under_review"),
    ("i_reached_planned", "Planned", "i_time_planned"),
    ("i_reached_in_progress", "In progress", "i_time_in_progress"),
    ("i_reached_shipped", "Shipped", ""),
];

fn ideas(c: &Ctx) -> Parts {
    use Better::*;
    let p = c.period;
    let mut totals = vec![
        c.total(
            "created",
            "Ideas created",
            Unit::Count,
            Higher,
            count("i_created"),
        ),
        c.total("votes", "Votes", Unit::Count, Higher, count("i_votes")),
        c.total(
            "shipped",
            "Shipped (of those created)",
            Unit::Count,
            Higher,
            count("i_reached_shipped"),
        ),
        c.total(
            "declined",
            "Declined (of those created)",
            Unit::Count,
            Neither,
            count("i_declined"),
        ),
    ];
    totals.push(c.total(
        "solved",
        "Shipped ideas that solved the problem",
        Unit::Percent,
        Higher,
        share_of_sum(
            "i_survey_yes",
            &["i_survey_yes", "i_survey_partly", "i_survey_no"],
        ),
    ));
    let steps: Vec<Series> = FUNNEL
        .iter()
        .map(|(metric, label, _)| Series {
            key: metric.trim_start_matches("i_reached_").trim_start_matches("i_"),
            label,
            values: vec![Some(c.data.sum(metric, p) as f64)],
        })
        .chain(std::iter::once(Series {
            key: "declined",
            label: "Declined",
            values: vec![Some(c.data.sum("i_declined", p) as f64)],
        }))
        .collect();
    let mut funnel = c.chart(
        "funnel",
        "Ideas created in the period, by how far they got",
        ChartKind::Funnel,
        Unit::Count,
        steps,
    );
    funnel.labels = vec!["Ideas".into()];
    let votes = c.chart(
        "votes",
        "Votes on ideas",
        ChartKind::Stacked,
        Unit::Count,
        vec![c.series("votes", "Votes", count("i_votes"))],
    );
    let survey = c.chart(
        "survey",
        "Did the shipped idea solve your problem?",
        ChartKind::Stacked,
        Unit::Count,
        vec![
            c.series("yes", "Yes", count("i_survey_yes")),
            c.series("partly", "Partly", count("i_survey_partly")),
            c.series("no", "No", count("i_survey_no")),
        ],
    );
    // The funnel's table: each step, the conversion from the step before and the median time spent in it.
    let mut rows = Vec::new();
    let mut before: Option<i64> = None;
    for (metric, label, time) in FUNNEL {
        let n = c.data.sum(metric, p);
        let conversion = before.and_then(|b| (b > 0).then(|| 100.0 * n as f64 / b as f64));
        let time = if time.is_empty() {
            None
        } else {
            days_in(time)(c.data, p)
        };
        rows.push(vec![
            Cell::Text(label.into()),
            Cell::Number(Some(n as f64)),
            Cell::Number(conversion),
            Cell::Number(time),
        ]);
        before = Some(n);
    }
    let created = c.data.sum("i_created", p);
    let declined = c.data.sum("i_declined", p);
    rows.push(vec![
        Cell::Text("Declined".into()),
        Cell::Number(Some(declined as f64)),
        Cell::Number((created > 0).then(|| 100.0 * declined as f64 / created as f64)),
        Cell::Number(None),
    ]);
    let table = Table {
        key: "funnel_steps".into(),
        title: "The funnel step by step".into(),
        columns: vec![
            "Step".into(),
            "Ideas".into(),
            "Conversion from the step before (%)".into(),
            "Median time in this status (days)".into(),
        ],
        rows,
    };
    (totals, vec![funnel, votes, survey], vec![table])
}

fn listening(c: &Ctx) -> Parts {
    use Better::*;
    const MOODS: &[&str] = &["s_negative", "s_neutral", "s_positive"];
    let totals = vec![
        c.total(
            "scored",
            "Posts scored for sentiment",
            Unit::Count,
            Neither,
            Box::new(|d: &Data, p| Some(MOODS.iter().map(|m| d.sum(m, p)).sum::<i64>() as f64)),
        ),
        c.total(
            "negative",
            "Negative posts",
            Unit::Percent,
            Lower,
            share_of_sum("s_negative", MOODS),
        ),
        c.total(
            "positive",
            "Positive posts",
            Unit::Percent,
            Higher,
            share_of_sum("s_positive", MOODS),
        ),
        c.total(
            "detractors",
            "Detractor posts",
            Unit::Count,
            Lower,
            count("d_posts"),
        ),
        c.total(
            "detractor_response",
            "Median time to a staff response",
            Unit::Hours,
            Lower,
            hours("d_answered", 0.5),
        ),
        c.total(
            "detractors_24h",
            "Detractors answered within 24 hours",
            Unit::Percent,
            Higher,
            share("d_answered_24h", "d_posts"),
        ),
    ];
    let charts = vec![
        c.chart(
            "sentiment",
            "Sentiment of posts",
            ChartKind::Stacked,
            Unit::Percent,
            vec![
                c.series("negative", "Negative", share_of_sum("s_negative", MOODS)),
                c.series("neutral", "Neutral", share_of_sum("s_neutral", MOODS)),
                c.series("positive", "Positive", share_of_sum("s_positive", MOODS)),
            ],
        ),
        c.chart(
            "detractors",
            "Detractor posts and how many got a staff response within 24 hours",
            ChartKind::Line,
            Unit::Count,
            vec![
                c.series("detractors", "Detractor posts", count("d_posts")),
                c.series("answered_24h", "Answered within 24 h", count("d_answered_24h")),
            ],
        ),
    ];
    (totals, charts, Vec::new())
}

fn club(c: &Ctx) -> Parts {
    use Better::*;
    let totals = vec![
        c.total(
            "members",
            "Members at the end of the period",
            Unit::Count,
            Higher,
            level("c_members"),
        ),
        c.total("joins", "Joined", Unit::Count, Higher, count("c_joins")),
        c.total("leaves", "Left", Unit::Count, Lower, count("c_leaves")),
        c.total(
            "net",
            "Net change",
            Unit::Count,
            Higher,
            difference("c_joins", "c_leaves"),
        ),
        c.total(
            "seats",
            "Event seats offered",
            Unit::Count,
            Higher,
            count("e_seats"),
        ),
        c.total(
            "taken",
            "Event seats taken",
            Unit::Count,
            Higher,
            count("e_taken"),
        ),
        c.total(
            "waitlisted",
            "Waitlisted",
            Unit::Count,
            Neither,
            count("e_waitlisted"),
        ),
    ];
    let charts = vec![
        c.chart(
            "members",
            "Club members",
            ChartKind::Line,
            Unit::Count,
            vec![c.series("members", "Members", level("c_members"))],
        ),
        c.chart(
            "joins_leaves",
            "Joins and leaves",
            ChartKind::Line,
            Unit::Count,
            vec![
                c.series("joins", "Joined", count("c_joins")),
                c.series("leaves", "Left", count("c_leaves")),
            ],
        ),
        c.chart(
            "seats",
            "Event seats",
            ChartKind::Stacked,
            Unit::Count,
            vec![
                c.series("taken", "Taken", count("e_taken")),
                c.series("free", "Not taken", difference("e_seats", "e_taken")),
                c.series("waitlisted", "Waitlisted", count("e_waitlisted")),
            ],
        ),
    ];
    (totals, charts, Vec::new())
}

fn moderation(c: &Ctx) -> Parts {
    use Better::*;
    let totals = vec![
        c.total("flags", "Flags", Unit::Count, Neither, count("m_flags")),
        c.total(
            "held",
            "Posts held by the rules",
            Unit::Count,
            Neither,
            count("m_held"),
        ),
        c.total(
            "queue",
            "In the queue at the end of the period",
            Unit::Count,
            Lower,
            level("m_queue_open"),
        ),
        c.total(
            "decision",
            "Median time to a decision",
            Unit::Hours,
            Lower,
            hours("m_decided", 0.5),
        ),
        c.total("appeals", "Appeals", Unit::Count, Neither, count("m_appeals")),
        c.total(
            "overturned",
            "Appeals granted",
            Unit::Percent,
            Neither,
            share_of_sum(
                "m_appeal_approved",
                &["m_appeal_approved", "m_appeal_rejected", "m_appeal_dismissed"],
            ),
        ),
    ];
    let charts = vec![
        c.chart(
            "incoming",
            "Flags and held posts",
            ChartKind::Stacked,
            Unit::Count,
            vec![
                c.series("flags", "Flags", count("m_flags")),
                c.series("held", "Held posts", count("m_held")),
            ],
        ),
        c.chart(
            "queue",
            "The queue's size at the end of each day",
            ChartKind::Line,
            Unit::Count,
            vec![c.series("queue", "Open items", level("m_queue_open"))],
        ),
        c.chart(
            "decision",
            "Median time to a decision",
            ChartKind::Line,
            Unit::Hours,
            vec![c.series("decision", "Median", hours("m_decided", 0.5))],
        ),
    ];
    let p = c.period;
    let known: i64 = HELD_RULES.iter().map(|(m, _)| c.data.sum(m, p)).sum();
    let mut rows: Vec<Vec<Cell>> = HELD_RULES
        .iter()
        .map(|(m, label)| {
            vec![
                Cell::Text((*label).into()),
                Cell::Number(Some(c.data.sum(m, p) as f64)),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::Text("Other".into()),
        Cell::Number(Some((c.data.sum("m_held", p) - known) as f64)),
    ]);
    let held = Table {
        key: "held_by_rule".into(),
        title: "Posts held, by rule".into(),
        columns: vec!["Rule".into(), "Posts held".into()],
        rows,
    };
    let appeals = Table {
        key: "appeals".into(),
        title: "Appeals decided, by outcome".into(),
        columns: vec!["Outcome".into(), "Appeals".into()],
        rows: [
            ("Granted (content published)", "m_appeal_approved"),
            ("Refused (decision upheld)", "m_appeal_rejected"),
            ("Dismissed", "m_appeal_dismissed"),
        ]
        .iter()
        .map(|(label, m)| {
            vec![
                Cell::Text((*label).into()),
                Cell::Number(Some(c.data.sum(m, p) as f64)),
            ]
        })
        .collect(),
    };
    (totals, charts, vec![held, appeals])
}

/// Questions and answer rates per product, the products with the worst answer rate first.
async fn by_product(conn: &mut AsyncPgConnection, filter: Filter, p: Period) -> DomainResult<Table> {
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        asked: i64,
        #[diesel(sql_type = BigInt)]
        answered: i64,
    }
    let rows: Vec<R> = db::prepared_sql(
        "SELECT pr.name, coalesce(sum(d.value) FILTER (WHERE d.metric = 'q_asked'), 0)::bigint AS asked,
                coalesce(sum(d.value) FILTER (WHERE d.metric = 'q_answered'), 0)::bigint AS answered
         FROM insight_days d JOIN products pr ON pr.id = d.product_id
         WHERE d.metric IN ('q_asked', 'q_answered') AND d.category_id = $1 AND d.product_id <> 0
           AND ($2::bigint IS NULL OR d.product_id = $2) AND d.day >= $3 AND d.day <= $4
         GROUP BY pr.id, pr.name
         ORDER BY (coalesce(sum(d.value) FILTER (WHERE d.metric = 'q_answered'), 0)::float8
                   / greatest(1, coalesce(sum(d.value) FILTER (WHERE d.metric = 'q_asked'), 0))), pr.name",
    )
    .bind::<BigInt, _>(filter.category.unwrap_or(0))
    .bind::<Nullable<BigInt>, _>(filter.product)
    .bind::<Date, _>(p.from)
    .bind::<Date, _>(p.to)
    .load(conn)
    .await?;
    Ok(Table {
        key: "by_product".into(),
        title: "Unanswered questions by product (worst answer rate first)".into(),
        columns: vec![
            "Product".into(),
            "Asked".into(),
            "Answered".into(),
            "Unanswered".into(),
            "Answer rate (%)".into(),
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.name),
                    Cell::Number(Some(r.asked as f64)),
                    Cell::Number(Some(r.answered as f64)),
                    Cell::Number(Some((r.asked - r.answered) as f64)),
                    Cell::Number((r.asked > 0).then(|| 100.0 * r.answered as f64 / r.asked as f64)),
                ]
            })
            .collect(),
    })
}

/// Club members by tier, now (tiers are a current state, not a history).
async fn tiers(conn: &mut AsyncPgConnection) -> DomainResult<Table> {
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<R> = db::prepared_sql(
        "SELECT coalesce(t.name, 'No tier yet') AS name, count(*) AS n
         FROM club_members m LEFT JOIN club_tiers t ON t.id = coalesce(m.granted_tier_id, m.tier_id)
         GROUP BY t.name, t.rank ORDER BY t.rank NULLS FIRST",
    )
    .load(conn)
    .await?;
    Ok(Table {
        key: "tiers".into(),
        title: "Members by tier, today".into(),
        columns: vec!["Tier".into(), "Members".into()],
        rows: rows
            .into_iter()
            .map(|r| vec![Cell::Text(r.name), Cell::Number(Some(r.n as f64))])
            .collect(),
    })
}

/// The club's events in the period, with their seats.
async fn events(conn: &mut AsyncPgConnection, p: Period) -> DomainResult<Table> {
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Date)]
        day: NaiveDate,
        #[diesel(sql_type = Integer)]
        capacity: i32,
        #[diesel(sql_type = Integer)]
        going_count: i32,
        #[diesel(sql_type = Integer)]
        waitlist_count: i32,
    }
    let rows: Vec<R> = db::prepared_sql(
        "SELECT title, (starts_at AT TIME ZONE 'UTC')::date AS day, capacity, going_count, waitlist_count FROM events
         WHERE starts_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
           AND starts_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
         ORDER BY starts_at, id LIMIT 200",
    )
    .bind::<Date, _>(p.from)
    .bind::<Date, _>(p.to)
    .load(conn)
    .await?;
    Ok(Table {
        key: "events".into(),
        title: "Events in the period".into(),
        columns: vec![
            "Event".into(),
            "Day".into(),
            "Seats".into(),
            "Taken".into(),
            "Waitlisted".into(),
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.title),
                    Cell::Text(r.day.format("%Y-%m-%d").to_string()),
                    Cell::Number(Some(r.capacity as f64)),
                    Cell::Number(Some(r.going_count as f64)),
                    Cell::Number(Some(r.waitlist_count as f64)),
                ]
            })
            .collect(),
    })
}

fn number(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(v) if v.fract().abs() < 1e-9 && v.abs() < 1e15 => format!("{}", v as i64),
        Some(v) => format!("{v:.2}"),
    }
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) => text_cell(t),
        Cell::Number(n) => plain_cell(&number(*n)),
    }
}

/// The report as CSV (RFC 4180, formula-safe). With `table` (a chart's or a table's key), that table alone,
/// its columns as the header; otherwise every number of the report in long form: `section,row,column,value`
/// (the totals, each chart's table, each table).
pub fn to_csv(view: &ReportView, table: Option<&str>) -> DomainResult<String> {
    let mut out = String::new();
    let all: Vec<Table> = view
        .charts
        .iter()
        .map(Chart::table)
        .chain(view.tables.iter().cloned())
        .collect();
    if let Some(key) = table {
        let t = all
            .iter()
            .find(|t| t.key == key)
            .ok_or_else(|| DomainError::invalid("table", "is not a table of this report"))?;
        push_record(
            &mut out,
            &t.columns.iter().map(|c| text_cell(c)).collect::<Vec<_>>(),
        );
        for row in &t.rows {
            push_record(&mut out, &row.iter().map(cell).collect::<Vec<_>>());
        }
        return Ok(out);
    }
    push_record(&mut out, &["section", "row", "column", "value"].map(String::from));
    let period = format!("{} to {}", view.period.from, view.period.to);
    let previous = format!("{} to {}", view.previous.from, view.previous.to);
    for t in &view.totals {
        for (col, v) in [(&period, t.value), (&previous, t.previous)] {
            push_record(
                &mut out,
                &[
                    plain_cell("Totals"),
                    text_cell(t.label),
                    plain_cell(col),
                    plain_cell(&number(v)),
                ],
            );
        }
    }
    for t in &all {
        for row in &t.rows {
            let label = match <[Cell]>::first(row) {
                Some(Cell::Text(s)) => s.clone(),
                _ => String::new(),
            };
            for (col, value) in t.columns.iter().zip(row.iter()).skip(1) {
                push_record(
                    &mut out,
                    &[
                        text_cell(&t.title),
                        text_cell(&label),
                        text_cell(col),
                        cell(value),
                    ],
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        assert_eq!(percentile(&[3600, 7200, 108000], 0.5), Some(7200.0));
        assert_eq!(percentile(&[108000, 3600, 7200], 0.5), Some(7200.0), "any order");
        assert_eq!(percentile(&[40, 10, 30, 20], 0.5), Some(25.0));
        assert_eq!(percentile(&[10, 20], 0.5), Some(15.0));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), Some(10.0));
    }

    #[test]
    fn long_periods_are_charted_by_week() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = Period {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
        };
        let b = buckets(p);
        assert_eq!(b.len(), 53);
        assert_eq!(b[0].days(), 7);
        assert_eq!(b[52].days(), 1);
        assert_eq!(
            buckets(Period {
                from: d("2026-11-01"),
                to: d("2026-11-30")
            })
            .len(),
            30
        );
    }

    #[test]
    fn changes_are_worded_and_judged() {
        let c = change(Some(120.0), Some(100.0), Better::Higher, 30).unwrap();
        assert_eq!((c.direction, c.verdict), ("up", "better"));
        assert_eq!(c.words, "up 20 % on the previous 30 days");
        let c = change(Some(5.0), Some(10.0), Better::Lower, 7).unwrap();
        assert_eq!((c.direction, c.verdict), ("down", "better"));
        let c = change(Some(3.0), Some(0.0), Better::Lower, 7).unwrap();
        assert_eq!((c.verdict, c.percent), ("worse", None));
        assert!(change(None, Some(1.0), Better::Higher, 7).is_none());
        assert_eq!(group(1234567), "1,234,567");
    }
}
