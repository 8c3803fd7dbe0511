//! Charts as SVG, drawn on the server: lines, stacked bars and a funnel. Each is an image with an accessible
//! name and description (`role="img"`, `<title>`, `<desc>`), each mark carries its exact value as a tooltip,
//! lines differ by dash as well as colour, and the colours come from CSS classes (the brand's palette, or the
//! colour-blind-safe one). The table of the same numbers is rendered beside every chart by the page.
//!
//! Hand-drawn rather than with a chart crate: plotters and poloto draw lines and bars well, but neither writes
//! per-mark titles, ARIA roles or class-styled marks, and neither has stacked bars or a funnel; the geometry
//! here is a linear scale per axis and nothing more.

use domain::insights::{Chart, ChartKind, Unit};

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 28.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// Escapes text for SVG/HTML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A round upper bound for the axis: four steps of 1, 2, 2.5 or 5 times a power of ten (whole steps for counts).
fn nice_max(max: f64, unit: Unit) -> f64 {
    let raw = if max <= 0.0 { 0.25 } else { max / 4.0 };
    let pow = 10f64.powf(raw.log10().floor());
    let mut step = 10.0 * pow;
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * pow >= raw {
            step = m * pow;
            break;
        }
    }
    if unit == Unit::Count {
        step = step.max(1.0).ceil();
    }
    step * 4.0
}

fn tick_label(v: f64, unit: Unit) -> String {
    let s = if v.fract().abs() < 1e-9 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    };
    match unit {
        Unit::Percent => format!("{s} %"),
        Unit::Hours => format!("{s} h"),
        Unit::Days => format!("{s} d"),
        Unit::Count => s,
    }
}

/// "2026-11-03" → "3 Nov".
fn short_date(label: &str) -> String {
    chrono::NaiveDate::parse_from_str(label, "%Y-%m-%d")
        .map(|d| d.format("%-d %b").to_string())
        .unwrap_or_else(|_| label.to_owned())
}

fn open(chart: &Chart, id: &str, height: f64) -> String {
    format!(
        "<svg class=\"chart chart-{kind}\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-labelledby=\"{id}-t\" aria-describedby=\"{id}-d\" \
         preserveAspectRatio=\"xMidYMid meet\"><title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{desc}</desc>",
        kind = match chart.kind {
            ChartKind::Line => "line",
            ChartKind::Stacked => "stacked",
            ChartKind::Funnel => "funnel",
        },
        title = esc(chart.title),
        desc = esc(&chart.description),
    )
}

/// The y axis: gridlines with their values.
fn axis(out: &mut String, max: f64, unit: Unit) {
    let plot_h = H - TOP - BOTTOM;
    for i in 0..=4 {
        let v = max * i as f64 / 4.0;
        let y = TOP + plot_h - plot_h * i as f64 / 4.0;
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            esc(&tick_label(v, unit))
        ));
    }
}

/// Date labels under the x axis: at most seven, evenly spread.
fn x_labels(out: &mut String, labels: &[String], x_of: impl Fn(usize) -> f64) {
    let n = labels.len();
    if n == 0 {
        return;
    }
    let every = n.div_ceil(7).max(1);
    for (i, label) in labels.iter().enumerate() {
        if i % every == 0 || i == n - 1 && n <= 7 {
            out.push_str(&format!(
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x_of(i),
                H - BOTTOM + 18.0,
                esc(&short_date(label))
            ));
        }
    }
}

fn line(chart: &Chart, id: &str) -> String {
    let mut out = open(chart, id, H);
    let n = chart.labels.len().max(1);
    let max = nice_max(
        chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .fold(0.0, f64::max),
        chart.unit,
    );
    axis(&mut out, max, chart.unit);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x_of = |i: usize| {
        if n == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |v: f64| TOP + plot_h - plot_h * (v / max);
    x_labels(&mut out, &chart.labels, x_of);
    let dots = n <= 60;
    for (si, s) in chart.series.iter().enumerate() {
        out.push_str(&format!("<g class=\"series series-{si}\">"));
        // Gaps (no value) break the line.
        let mut segment: Vec<String> = Vec::new();
        let flush = |segment: &mut Vec<String>, out: &mut String| {
            if segment.len() > 1 {
                out.push_str(&format!("<polyline points=\"{}\"/>", segment.join(" ")));
            }
            segment.clear();
        };
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => segment.push(format!("{:.1},{:.1}", x_of(i), y_of(*v))),
                None => flush(&mut segment, &mut out),
            }
        }
        flush(&mut segment, &mut out);
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let label = chart.labels.get(i).map(String::as_str).unwrap_or("");
                let r = if dots { 3.5 } else { 2.0 };
                out.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"><title>{}: {} — {}</title></circle>",
                    x_of(i),
                    y_of(*v),
                    esc(s.label),
                    esc(&short_date(label)),
                    esc(&chart.unit.format(Some(*v)))
                ));
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

fn stacked(chart: &Chart, id: &str) -> String {
    let mut out = open(chart, id, H);
    let n = chart.labels.len().max(1);
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            chart
                .series
                .iter()
                .map(|s| s.values.get(i).copied().flatten().unwrap_or(0.0).max(0.0))
                .sum()
        })
        .collect();
    let max = nice_max(totals.iter().copied().fold(0.0, f64::max), chart.unit);
    axis(&mut out, max, chart.unit);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / n as f64;
    let bar = (slot * 0.8).max(1.0);
    let x_of = |i: usize| LEFT + slot * i as f64 + slot / 2.0;
    x_labels(&mut out, &chart.labels, x_of);
    let mut base = vec![0.0; n];
    for (si, s) in chart.series.iter().enumerate() {
        out.push_str(&format!("<g class=\"series series-{si}\">"));
        for (i, below) in base.iter_mut().enumerate() {
            let v = s.values.get(i).copied().flatten().unwrap_or(0.0).max(0.0);
            if v <= 0.0 {
                continue;
            }
            let h = plot_h * v / max;
            let y = TOP + plot_h - plot_h * *below / max - h;
            *below += v;
            let label = chart.labels.get(i).map(String::as_str).unwrap_or("");
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"><title>{}: {} — {}</title></rect>",
                x_of(i) - bar / 2.0,
                esc(s.label),
                esc(&short_date(label)),
                esc(&chart.unit.format(Some(v)))
            ));
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

fn funnel(chart: &Chart, id: &str) -> String {
    let rows = chart.series.len().max(1);
    let row_h = 34.0;
    let height = TOP + row_h * rows as f64 + 8.0;
    let mut out = open(chart, id, height);
    let first = chart
        .series
        .first()
        .and_then(|s| s.values.first().copied().flatten())
        .unwrap_or(0.0);
    let max = chart
        .series
        .iter()
        .filter_map(|s| s.values.first().copied().flatten())
        .fold(first, f64::max)
        .max(1.0);
    let (label_w, value_w) = (120.0, 110.0);
    let bar_w = W - label_w - value_w - RIGHT;
    for (si, s) in chart.series.iter().enumerate() {
        let v = s.values.first().copied().flatten().unwrap_or(0.0);
        let y = TOP + row_h * si as f64;
        let w = (bar_w * v / max).max(if v > 0.0 { 2.0 } else { 0.0 });
        let of_first = if first > 0.0 {
            format!(" ({:.0} % of all)", 100.0 * v / first)
        } else {
            String::new()
        };
        let value = format!("{}{of_first}", chart.unit.format(Some(v)));
        out.push_str(&format!(
            "<g class=\"series series-{si}\"><text class=\"step\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\"><title>{}: {}</title></rect>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            label_w - 8.0,
            y + row_h / 2.0 + 4.0,
            esc(s.label),
            row_h - 10.0,
            esc(s.label),
            esc(&value),
            label_w + w + 6.0,
            y + row_h / 2.0 + 4.0,
            esc(&value)
        ));
    }
    out.push_str("</svg>");
    out
}

/// The chart as an SVG element; `id` must be unique on the page.
pub fn svg(chart: &Chart, id: &str) -> String {
    match chart.kind {
        ChartKind::Line => line(chart, id),
        ChartKind::Stacked => stacked(chart, id),
        ChartKind::Funnel => funnel(chart, id),
    }
}

/// A sparkline of a total's buckets, named with its numbers.
pub fn sparkline(label: &str, unit: Unit, values: &[Option<f64>]) -> String {
    let (w, h) = (120.0, 28.0);
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let max = if max <= 0.0 { 1.0 } else { max };
    let n = values.len();
    let step = if n > 1 { w / (n - 1) as f64 } else { w };
    let mut segments: Vec<Vec<String>> = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                if let Some(last) = segments.last_mut() {
                    last.push(format!(
                        "{:.1},{:.1}",
                        i as f64 * step,
                        h - 2.0 - (v / max) * (h - 4.0)
                    ));
                }
            }
            None => segments.push(Vec::new()),
        }
    }
    let lines: String = segments
        .iter()
        .filter(|s| s.len() > 1)
        .map(|s| format!("<polyline points=\"{}\"/>", s.join(" ")))
        .collect();
    let shown: Vec<String> = values.iter().map(|v| unit.format(*v)).collect();
    let first = shown.first().cloned().unwrap_or_default();
    let last = shown.last().cloned().unwrap_or_default();
    let name = format!("{label}, trend over the period: from {first} to {last}");
    format!(
        "<svg class=\"sparkline\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">\
         <title>{}</title>{lines}</svg>",
        esc(&name),
        esc(&name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::insights::Series;

    fn chart(kind: ChartKind) -> Chart {
        Chart {
            key: "k",
            title: "Questions <asked>",
            description: "Two days".into(),
            kind,
            unit: Unit::Count,
            labels: vec!["2026-11-01".into(), "2026-11-02".into()],
            series: vec![
                Series {
                    key: "a",
                    label: "Answered",
                    values: vec![Some(3.0), None],
                },
                Series {
                    key: "b",
                    label: "Unanswered",
                    values: vec![Some(1.0), Some(2.0)],
                },
            ],
        }
    }

    #[test]
    fn charts_are_named_images_with_their_values() {
        for kind in [ChartKind::Line, ChartKind::Stacked, ChartKind::Funnel] {
            let svg = svg(&chart(kind), "c1");
            assert!(svg.contains("role=\"img\""));
            assert!(svg.contains("aria-labelledby=\"c1-t\" aria-describedby=\"c1-d\""));
            assert!(svg.contains("<title id=\"c1-t\">Questions &lt;asked&gt;</title>"));
            assert!(svg.contains("Unanswered"), "{svg}");
        }
        let stacked = svg(&chart(ChartKind::Stacked), "c2");
        assert!(stacked.contains("<title>Answered: 1 Nov — 3</title>"));
        assert_eq!(
            stacked.matches("<rect").count(),
            3,
            "no bar for the missing value"
        );
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(7.0, Unit::Count), 8.0, "steps of 2");
        assert_eq!(nice_max(23.0, Unit::Count), 40.0, "steps of 10");
        assert_eq!(nice_max(2.0, Unit::Count), 4.0, "whole steps for counts");
        assert_eq!(nice_max(0.0, Unit::Count), 4.0);
        assert_eq!(nice_max(0.0, Unit::Hours), 1.0);
        assert_eq!(nice_max(180.0, Unit::Count), 200.0);
        assert_eq!(nice_max(0.9, Unit::Percent), 1.0);
    }
}
