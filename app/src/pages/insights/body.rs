//! The server-rendered body of `/insights/{report}`: the reports' tabs, the period picker and filters (a plain
//! GET form), the totals with their change and sparkline, every chart with the table of its numbers and CSV
//! links. Nothing of it ships as wasm; without JavaScript it is the whole page.

use std::collections::BTreeMap;

use domain::insights::report::Named;
use domain::insights::{Cell, Chart, PRESETS, Report, ReportView, Table, Total, Unit};
use leptos::prelude::*;

use super::chart::{sparkline, svg};
use crate::api::accounts::urlencode;

/// What the picker holds, as the visitor sent it (blank: not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picker {
    pub days: String,
    pub from: String,
    pub to: String,
    pub product: String,
    pub category: String,
    /// "safe": the colour-blind-safe palette.
    pub palette: String,
}

impl Picker {
    /// The query string that keeps this choice (for tabs, CSV links), without `?`.
    fn query(&self, report: Report) -> String {
        let mut parts = Vec::new();
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() {
                parts.push(format!("{k}={}", urlencode(v)));
            }
        };
        if self.from.is_empty() && self.to.is_empty() {
            push("days", &self.days);
        } else {
            push("from", &self.from);
            push("to", &self.to);
        }
        if report.by_product() {
            push("product", &self.product);
        }
        if report.by_category() {
            push("category", &self.category);
        }
        push("palette", &self.palette);
        parts.join("&")
    }
}

fn link(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn tabs(current: Report, readable: &[Report], picker: &Picker) -> impl IntoView + use<> {
    let items = readable
        .iter()
        .map(|r| {
            let href = link(&format!("/insights/{}", r.slug()), &picker.query(*r));
            let here = (*r == current).then_some("page");
            view! { <li><a href=href aria-current=here>{r.title()}</a></li> }
        })
        .collect_view();
    view! { <nav class="insights-tabs" aria-label="Reports"><ul>{items}</ul></nav> }
}

fn select(
    name: &'static str,
    label: &'static str,
    all: &'static str,
    options: &[Named],
    chosen: &str,
    error: Option<String>,
) -> impl IntoView + use<> {
    let id = format!("insights-{name}");
    let err_id = format!("{id}-error");
    let described = error.as_ref().map(|_| err_id.clone());
    let opts = options
        .iter()
        .map(|n| {
            let v = n.id.to_string();
            let selected = v == chosen;
            view! { <option value=v selected=selected>{n.name.clone()}</option> }
        })
        .collect_view();
    view! {
        <p class="field-inline">
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-invalid=error.as_ref().map(|_| "true") aria-describedby=described>
                <option value="">{all}</option>
                {opts}
            </select>
            {error.map(|e| view! { <span class="field-error" id=err_id>{e}</span> })}
        </p>
    }
}

/// The period picker and the filters; errors from a bad choice appear at their field.
fn picker_form(
    report: Report,
    picker: &Picker,
    products: &[Named],
    categories: &[Named],
    errors: &BTreeMap<String, String>,
) -> impl IntoView + use<> {
    let err = |f: &str| errors.get(f).cloned();
    let custom = !picker.from.is_empty() || !picker.to.is_empty();
    let days = if picker.days.is_empty() {
        "30".to_owned()
    } else {
        picker.days.clone()
    };
    let presets = PRESETS
        .iter()
        .map(|d| {
            let v = d.to_string();
            let selected = !custom && v == days;
            view! { <option value=v.clone() selected=selected>{format!("Last {d} days")}</option> }
        })
        .collect_view();
    let date = |name: &'static str, label: &'static str, value: String, error: Option<String>| {
        let id = format!("insights-{name}");
        let err_id = format!("{id}-error");
        let described = error.as_ref().map(|_| err_id.clone());
        view! {
            <p class="field-inline">
                <label for=id.clone()>{label}</label>
                <input id=id type="date" name=name value=value aria-invalid=error.as_ref().map(|_| "true")
                    aria-describedby=described/>
                {error.map(|e| view! { <span class="field-error" id=err_id>{e}</span> })}
            </p>
        }
    };
    let days_err = err("days");
    let days_err_id = "insights-days-error";
    view! {
        <form method="get" action=format!("/insights/{}", report.slug()) class="filters insights-picker"
            aria-label="Period and filters">
            <p class="field-inline">
                <label for="insights-days">"Period"</label>
                <select id="insights-days" name="days" aria-invalid=days_err.as_ref().map(|_| "true")
                    aria-describedby=days_err.as_ref().map(|_| days_err_id)>
                    {presets}
                </select>
                {days_err.map(|e| view! { <span class="field-error" id=days_err_id>{e}</span> })}
            </p>
            <fieldset class="insights-custom">
                <legend>"Or from – to (UTC days; both, or neither)"</legend>
                {date("from", "From", picker.from.clone(), err("from"))}
                {date("to", "To", picker.to.clone(), err("to"))}
            </fieldset>
            {report.by_product().then(|| select("product", "Product", "All products", products, &picker.product, err("product")))}
            {report.by_category().then(|| select("category", "Category", "All categories", categories, &picker.category, err("category")))}
            <p class="field-check">
                <input id="insights-palette" type="checkbox" name="palette" value="safe" checked=picker.palette == "safe"/>
                <label for="insights-palette">"Colour-blind-safe colours"</label>
            </p>
            <button type="submit" class="button">"Show"</button>
        </form>
    }
}

fn total_card(t: &Total) -> impl IntoView + use<> {
    let value = t.unit.format(t.value);
    let previous = format!("Previous period: {}", t.unit.format(t.previous));
    let (arrow, class, words) = match &t.change {
        Some(c) => (
            match c.direction {
                "up" => "▲",
                "down" => "▼",
                _ => "=",
            },
            format!("change change-{}", c.verdict),
            match c.verdict {
                "better" => format!("{} (better)", c.words),
                "worse" => format!("{} (worse)", c.words),
                _ => c.words.clone(),
            },
        ),
        None => ("", "change".to_owned(), "No comparison".to_owned()),
    };
    let spark = sparkline(t.label, t.unit, &t.spark);
    view! {
        <li class="total" data-key=t.key>
            <span class="total-label">{t.label}</span>
            <span class="total-value">{value}</span>
            <span class=class><span aria-hidden="true">{arrow}" "</span>{words}</span>
            <span class="total-previous muted">{previous}</span>
            <span class="total-spark" inner_html=spark></span>
        </li>
    }
}

fn cell_text(c: &Cell, unit: Option<Unit>) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => match unit {
            Some(u) => u.format(*n),
            None => match n {
                None => "—".into(),
                Some(v) if v.fract().abs() < 1e-9 => Unit::Count.format(Some(*v)),
                Some(v) => format!("{v:.1}"),
            },
        },
    }
}

/// A table of numbers, its caption the title; long ones scroll inside a focusable region.
fn table_view(t: &Table, unit: Option<Unit>, csv: String) -> impl IntoView + use<> {
    let head = t
        .columns
        .iter()
        .map(|c| view! { <th scope="col">{c.clone()}</th> })
        .collect_view();
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let mut cells = r.iter();
            let first = cells.next().map(|c| cell_text(c, None)).unwrap_or_default();
            let rest = cells
                .map(|c| view! { <td class="num">{cell_text(c, unit)}</td> })
                .collect_view();
            view! { <tr><th scope="row">{first}</th>{rest}</tr> }
        })
        .collect_view();
    let label = format!("{}: the numbers", t.title);
    let title = t.title.clone();
    let key = t.key.clone();
    view! {
        <div class="insights-table" tabindex="0" role="region" aria-label=label data-table=key>
            <table>
                <caption>{title}" "<a href=csv class="csv-link">"CSV"</a></caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn chart_view(c: &Chart, csv: String) -> impl IntoView + use<> {
    let id = format!("chart-{}", c.key);
    let picture = svg(c, &id);
    let line = c.kind == domain::insights::ChartKind::Line;
    let legend = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // Lines are told apart by their dash too: the legend shows it.
            let mark = if line {
                format!("<svg class=\"legend-line series-{i}\" width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\"/></svg>")
            } else {
                format!("<span class=\"swatch series-{i}\" aria-hidden=\"true\"></span>")
            };
            view! { <li><span inner_html=mark></span>{s.label}</li> }
        })
        .collect_view();
    let table = table_view(&c.table(), Some(c.unit), csv);
    view! {
        <section class="insights-chart card" aria-labelledby=format!("{id}-h")>
            <h3 id=format!("{id}-h")>{c.title}</h3>
            <div class="insights-chart-body">
                <figure>
                    <div class="chart-frame" inner_html=picture></div>
                    <figcaption>
                        <ul class="legend">{legend}</ul>
                        <p class="muted">{c.description.clone()}</p>
                    </figcaption>
                </figure>
                {table}
            </div>
        </section>
    }
}

fn period_words(v: &ReportView) -> String {
    let per = if v.bucket_days == 1 { "per day" } else { "per week" };
    format!(
        "{} to {} ({} days, charted {per}), compared with {} to {}.",
        v.period.from.format("%-d %b %Y"),
        v.period.to.format("%-d %b %Y"),
        v.period.days(),
        v.previous.from.format("%-d %b %Y"),
        v.previous.to.format("%-d %b %Y"),
    )
}

/// The whole body of a report.
pub fn render(v: &ReportView, readable: &[Report], picker: &Picker) -> String {
    let v = v.clone();
    let query = picker.query(v.report);
    let csv = |table: Option<&str>| {
        let mut q = query.clone();
        if let Some(t) = table {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&format!("table={}", urlencode(t)));
        }
        link(&format!("/api/v1/insights/{}.csv", v.report.slug()), &q)
    };
    let narrowed: Vec<String> = [
        v.product.as_ref().map(|p| format!("product {}", p.name)),
        v.category.as_ref().map(|c| format!("category {}", c.name)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let whole = if v.report == Report::Health && v.category.is_some() {
        " Members, active members and members replying are counted for the whole community."
    } else {
        ""
    };
    let narrowed = (!narrowed.is_empty()).then(|| format!("Only {}.{whole}", narrowed.join(" and ")));
    let updated = v
        .computed_at
        .map(|at| {
            format!(
                "Numbers updated {} UTC; today's every few minutes.",
                at.format("%-d %b, %H:%M")
            )
        })
        .unwrap_or_else(|| "Not rolled up yet: the first numbers appear within a few minutes.".into());
    let totals = v.totals.iter().map(total_card).collect_view();
    let charts = v
        .charts
        .iter()
        .map(|c| chart_view(c, csv(Some(c.key))))
        .collect_view();
    let tables = v
        .tables
        .iter()
        .map(|t| {
            view! { <section class="card insights-extra">{table_view(t, None, csv(Some(&t.key)))}</section> }
        })
        .collect_view();
    let palette = if picker.palette == "safe" {
        "insights-report palette-safe"
    } else {
        "insights-report"
    };
    let all_csv = csv(None);
    view! {
        {tabs(v.report, readable, picker)}
        {picker_form(v.report, picker, &v.products, &v.categories, &BTreeMap::new())}
        <div class=palette data-testid="insights-report" data-report=v.report.slug()>
            <h2>{v.title}</h2>
            <p class="insights-period">{period_words(&v)}" "{narrowed}</p>
            <p class="muted">{updated}" "<a href=all_csv class="csv-link" download>"Download every number (CSV)"</a></p>
            <ul class="insights-totals" aria-label="Totals">{totals}</ul>
            {charts}
            {tables}
        </div>
    }
    .to_html()
}

/// The tabs and the picker with the errors of a bad choice (no numbers).
pub fn render_invalid(
    report: Report,
    readable: &[Report],
    picker: &Picker,
    products: &[Named],
    categories: &[Named],
    errors: &BTreeMap<String, String>,
) -> String {
    let summary = errors
        .iter()
        .map(|(f, m)| format!("{f}: {m}"))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        {tabs(report, readable, picker)}
        <div class="form-errors" role="alert"><p>{format!("Please check the period and filters — {summary}.")}</p></div>
        {picker_form(report, picker, products, categories, errors)}
    }
    .to_html()
}
