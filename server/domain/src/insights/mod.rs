//! Insights: the dashboards the company reads to see whether its community works — health, Q&A, ideas,
//! listening, the fan club and moderation — each as totals with their trend, charts and tables, for any period.
//!
//! Reports never read raw rows: [`rollup`] turns each day into rows of `insight_days` (per metric, and per
//! category and product where a report can be filtered by them), and [`report`] combines the days of a period.
//! Days are UTC days.

pub mod report;
pub mod rollup;
#[cfg(test)]
mod tests;

use chrono::{Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::accounts::{Actor, Role};
use crate::{DomainError, DomainResult, FieldErrors};

pub use report::{Cell, Chart, ChartKind, ReportView, Series, Table, Total, Unit, load, to_csv};

/// The longest period a report covers (a little more than three years).
pub const MAX_DAYS: i64 = 1100;

/// The periods offered in the picker, in days.
pub const PRESETS: [i64; 4] = [7, 30, 90, 365];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    Health,
    Qa,
    Ideas,
    Listening,
    Club,
    Moderation,
}

impl Report {
    pub const ALL: [Report; 6] = [
        Report::Health,
        Report::Qa,
        Report::Ideas,
        Report::Listening,
        Report::Club,
        Report::Moderation,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Report::Health => "health",
            Report::Qa => "qa",
            Report::Ideas => "ideas",
            Report::Listening => "listening",
            Report::Club => "club",
            Report::Moderation => "moderation",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Report::Health => "Community health",
            Report::Qa => "Questions and answers",
            Report::Ideas => "Ideas",
            Report::Listening => "Listening",
            Report::Club => "Fan club",
            Report::Moderation => "Moderation",
        }
    }

    pub fn parse(raw: &str) -> DomainResult<Report> {
        Report::ALL
            .into_iter()
            .find(|r| r.slug() == raw)
            .ok_or(DomainError::NotFound("report"))
    }

    /// Whether a report can be narrowed to one product / one category.
    pub fn by_product(self) -> bool {
        matches!(self, Report::Qa | Report::Ideas)
    }

    pub fn by_category(self) -> bool {
        matches!(
            self,
            Report::Health | Report::Qa | Report::Ideas | Report::Listening
        )
    }
}

/// Who reads which report: the product team, staff and admins every report; moderators health and moderation.
/// Members are refused; a visitor must sign in.
pub fn can_read(actor: &Actor, report: Report) -> bool {
    let roles = &actor.roles;
    roles.has(Role::Product)
        || roles.is_staff()
        || (roles.is_moderator() && matches!(report, Report::Moderation | Report::Health))
}

/// The reports an account may read, in the order the page shows them.
pub fn readable(actor: &Actor) -> Vec<Report> {
    Report::ALL.into_iter().filter(|r| can_read(actor, *r)).collect()
}

pub fn require(actor: &Actor, report: Report) -> DomainResult<()> {
    if can_read(actor, report) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "Insights are for the brand's staff, product team and moderators.",
        ))
    }
}

/// A closed range of UTC days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        let len = self.days();
        Period {
            from: self.from - Duration::days(len),
            to: self.from - Duration::days(1),
        }
    }

    pub fn last(days: i64, today: NaiveDate) -> Period {
        Period {
            from: today - Duration::days(days - 1),
            to: today,
        }
    }

    /// Parses the picker: `days` (7, 30, 90 or 365; default 30), or `from` and/or `to` (YYYY-MM-DD; `to`
    /// alone: the 30 days up to it; `from` alone: up to today; from ≤ to, not in the future, at most
    /// [`MAX_DAYS`] days). Errors name the field.
    pub fn parse(days: Option<&str>, from: Option<&str>, to: Option<&str>) -> DomainResult<Period> {
        let today = Utc::now().date_naive();
        fn blank(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let (days, from, to) = (blank(days), blank(from), blank(to));
        if from.is_some() || to.is_some() {
            let mut errors = FieldErrors::new();
            let mut date = |field: &str, raw: Option<&str>| match raw {
                None => None,
                Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                    Ok(d) if d > today => {
                        errors.add(field, "must not be in the future");
                        None
                    }
                    Ok(d) => Some(d),
                    Err(_) => {
                        errors.add(field, "must be a date like 2026-11-30");
                        None
                    }
                },
            };
            let (from_day, to_day) = (date("from", from), date("to", to));
            errors.into_result()?;
            let to_day = to_day.unwrap_or(today);
            let from_day = from_day.unwrap_or(to_day - Duration::days(29));
            if from_day > to_day {
                return Err(DomainError::invalid(
                    "to",
                    "must not be before the start of the period",
                ));
            }
            let period = Period {
                from: from_day,
                to: to_day,
            };
            if period.days() > MAX_DAYS {
                return Err(DomainError::invalid(
                    "from",
                    format!("the period can be at most {MAX_DAYS} days long"),
                ));
            }
            return Ok(period);
        }
        let days = match days {
            None => 30,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if PRESETS.contains(&n) => n,
                _ => return Err(DomainError::invalid("days", "must be 7, 30, 90 or 365")),
            },
        };
        Ok(Period::last(days, today))
    }
}

/// What a report is narrowed to (ids; `None`: all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub product: Option<i64>,
    pub category: Option<i64>,
}

impl Filter {
    /// Resolves `product` and `category`, each an id or a slug (blank: all), for a report that can be narrowed
    /// that way. Errors name the field.
    pub async fn resolve(
        hearth: &crate::Hearth,
        report: Report,
        product: Option<&str>,
        category: Option<&str>,
    ) -> DomainResult<Filter> {
        let mut conn = crate::db::conn(hearth.db()).await?;
        let product = resolve_one(&mut conn, "product", "products", product, report.by_product()).await?;
        let category = resolve_one(
            &mut conn,
            "category",
            "categories",
            category,
            report.by_category(),
        )
        .await?;
        Ok(Filter { product, category })
    }
}

async fn resolve_one(
    conn: &mut diesel_async::AsyncPgConnection,
    field: &str,
    table: &str,
    raw: Option<&str>,
    allowed: bool,
) -> DomainResult<Option<i64>> {
    use diesel::OptionalExtension;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let Some(raw) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if !allowed {
        return Err(DomainError::invalid(
            field,
            format!("this report cannot be narrowed by {field}"),
        ));
    }
    if raw.len() > 100 {
        return Err(DomainError::invalid(
            field,
            format!("must be the id or slug of a known {field}"),
        ));
    }
    let id = raw.parse::<i64>().unwrap_or(0);
    // `table` is one of two constants, never input.
    let found: Option<Id> = diesel::sql_query(format!(
        "SELECT id FROM {table} WHERE id = $1 OR slug = $2 LIMIT 1"
    ))
    .bind::<diesel::sql_types::BigInt, _>(id)
    .bind::<diesel::sql_types::Text, _>(raw)
    .get_result(conn)
    .await
    .optional()?;
    found
        .map(|f| Some(f.id))
        .ok_or_else(|| DomainError::invalid(field, format!("must be the id or slug of a known {field}")))
}
