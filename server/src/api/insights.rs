//! Insights over the API: each report's totals, charts and tables as JSON, or as CSV (staff, product team,
//! admins; moderators the moderation and health reports).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Hearth;
use domain::insights::{self, Filter, Period, Report, report};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct InsightsQuery {
    /// The last 7, 30, 90 or 365 days, today included (default 30). Ignored when `from` and `to` are given.
    pub days: Option<String>,
    /// First day (YYYY-MM-DD, UTC). Alone: up to today.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, UTC), not in the future. Alone: the 30 days up to it. At most 1100 days from `from`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// A product's id or slug (Q&A and ideas).
    pub product: Option<String>,
    /// A category's id or slug (health, Q&A, ideas, listening).
    pub category: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct CsvQuery {
    pub days: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub product: Option<String>,
    pub category: Option<String>,
    /// One table only (a chart's or a table's `key`), with its columns as the header. Without it, every
    /// number of the report in long form: `section,row,column,value`.
    pub table: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NamedResponse {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeResponse {
    /// up, down or same
    pub direction: String,
    /// better, worse or neutral
    pub verdict: String,
    /// Relative change in percent; null when the previous value was zero.
    pub percent: Option<f64>,
    pub words: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotalResponse {
    pub key: String,
    pub label: String,
    /// count, percent (0–100), hours or days
    pub unit: String,
    pub value: Option<f64>,
    /// The same measure over the previous period of the same length.
    pub previous: Option<f64>,
    /// higher, lower or neither: which way is good.
    pub better: String,
    pub change: Option<ChangeResponse>,
    /// The measure per bucket of the charts, oldest first.
    pub spark: Vec<Option<f64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesResponse {
    pub key: String,
    pub label: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChartResponse {
    pub key: String,
    pub title: String,
    /// The chart in words (its text alternative).
    pub description: String,
    /// line, stacked or funnel
    pub kind: String,
    pub unit: String,
    /// The first day of each bucket (YYYY-MM-DD), or the funnel's one label.
    pub labels: Vec<String>,
    pub series: Vec<SeriesResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TableResponse {
    pub key: String,
    pub title: String,
    pub columns: Vec<String>,
    /// Each row: a label (text) first, then numbers (null: no value).
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// One series of a chart, as points.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointSeriesResponse {
    /// The chart it belongs to.
    pub chart: String,
    pub key: String,
    pub label: String,
    pub unit: String,
    pub points: Vec<PointResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointResponse {
    /// The first day of the bucket (YYYY-MM-DD), or the funnel step's label.
    pub at: String,
    pub value: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InsightsResponse {
    /// health, qa, ideas, listening, club or moderation
    pub report: String,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// 1: the charts are per day; 7: per week.
    pub bucket_days: i64,
    pub product: Option<NamedResponse>,
    pub category: Option<NamedResponse>,
    /// Each total's value for the period, by key.
    pub totals: BTreeMap<String, Option<f64>>,
    /// The same for the previous period of the same length.
    pub previous: BTreeMap<String, Option<f64>>,
    /// Every chart's series as points.
    pub series: Vec<PointSeriesResponse>,
    /// The totals with their labels, units, change in words and sparklines.
    pub cards: Vec<TotalResponse>,
    pub charts: Vec<ChartResponse>,
    pub tables: Vec<TableResponse>,
    /// When the daily rollups were last computed.
    pub computed_at: Option<DateTime<Utc>>,
}

fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn named(n: report::Named) -> NamedResponse {
    NamedResponse {
        id: n.id,
        name: n.name,
    }
}

fn table(t: report::Table) -> TableResponse {
    TableResponse {
        key: t.key,
        title: t.title,
        columns: t.columns,
        rows: t
            .rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| serde_json::to_value(c).unwrap_or_default())
                    .collect()
            })
            .collect(),
    }
}

impl From<report::ReportView> for InsightsResponse {
    fn from(v: report::ReportView) -> Self {
        let totals = v.totals.iter().map(|t| (t.key.to_owned(), t.value)).collect();
        let previous = v.totals.iter().map(|t| (t.key.to_owned(), t.previous)).collect();
        let series = v
            .charts
            .iter()
            .flat_map(|c| {
                c.series.iter().map(move |s| PointSeriesResponse {
                    chart: c.key.to_owned(),
                    key: s.key.to_owned(),
                    label: s.label.to_owned(),
                    unit: name(&c.unit),
                    points: if c.kind == domain::insights::ChartKind::Funnel {
                        vec![PointResponse {
                            at: s.label.to_owned(),
                            value: s.values.first().copied().flatten(),
                        }]
                    } else {
                        c.labels
                            .iter()
                            .zip(&s.values)
                            .map(|(at, value)| PointResponse {
                                at: at.clone(),
                                value: *value,
                            })
                            .collect()
                    },
                })
            })
            .collect();
        InsightsResponse {
            totals,
            previous,
            series,
            report: v.report.slug().to_owned(),
            title: v.title.to_owned(),
            from: v.period.from,
            to: v.period.to,
            previous_from: v.previous.from,
            previous_to: v.previous.to,
            bucket_days: v.bucket_days,
            product: v.product.map(named),
            category: v.category.map(named),
            cards: v
                .totals
                .into_iter()
                .map(|t| TotalResponse {
                    key: t.key.to_owned(),
                    label: t.label.to_owned(),
                    unit: name(&t.unit),
                    value: t.value,
                    previous: t.previous,
                    better: name(&t.better),
                    change: t.change.map(|c| ChangeResponse {
                        direction: c.direction.to_owned(),
                        verdict: c.verdict.to_owned(),
                        percent: c.percent,
                        words: c.words,
                    }),
                    spark: t.spark,
                })
                .collect(),
            charts: v
                .charts
                .into_iter()
                .map(|c| ChartResponse {
                    key: c.key.to_owned(),
                    title: c.title.to_owned(),
                    description: c.description,
                    kind: name(&c.kind),
                    unit: name(&c.unit),
                    labels: c.labels,
                    series: c
                        .series
                        .into_iter()
                        .map(|s| SeriesResponse {
                            key: s.key.to_owned(),
                            label: s.label.to_owned(),
                            values: s.values,
                        })
                        .collect(),
                })
                .collect(),
            tables: v.tables.into_iter().map(table).collect(),
            computed_at: v.computed_at,
        }
    }
}

async fn view(
    hearth: &Hearth,
    caller: &Caller,
    report: &str,
    q: &InsightsQuery,
) -> ApiResult<report::ReportView> {
    let actor = caller.actor()?;
    let report = Report::parse(report)?;
    insights::require(actor, report)?;
    let period = Period::parse(q.days.as_deref(), q.from.as_deref(), q.to.as_deref())?;
    let filter = Filter::resolve(hearth, report, q.product.as_deref(), q.category.as_deref()).await?;
    Ok(insights::load(hearth, actor, report, period, filter).await?)
}

/// One report: totals with the previous period, charts (with their numbers) and tables.
#[utoipa::path(get, path = "/api/v1/insights/{report}", tag = "insights", params(
        ("report" = String, Path, description = "health, qa, ideas, listening, club or moderation"), InsightsQuery),
    responses((status = 200, body = InsightsResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<InsightsQuery>,
) -> ApiResult<HttpResponse> {
    let v = view(&hearth, &caller, &path, &q).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(InsightsResponse::from(v)))
}

/// One report as CSV (RFC 4180, UTF-8; cells that look like formulas are neutralised).
#[utoipa::path(get, path = "/api/v1/insights/{report}.csv", tag = "insights", params(
        ("report" = String, Path, description = "health, qa, ideas, listening, club or moderation"), CsvQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn csv(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<CsvQuery>,
) -> ApiResult<HttpResponse> {
    let base = InsightsQuery {
        days: q.days.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        product: q.product.clone(),
        category: q.category.clone(),
    };
    let v = view(&hearth, &caller, &path, &base).await?;
    let table = q.table.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let body = insights::to_csv(&v, table)?;
    let file = format!(
        "insights-{}{}-{}-to-{}.csv",
        v.report.slug(),
        table.map(|t| format!("-{t}")).unwrap_or_default(),
        v.period.from,
        v.period.to
    )
    .replace(
        |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_'),
        "_",
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file}\"")))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
