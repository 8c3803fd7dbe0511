//! Insights: a report rendered on the server for the period and filters of the page's query (the page is a
//! plain GET form, so this is all it needs).

use leptos::server;

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// The body of `/insights/{report}` as HTML: tabs, picker, totals, charts with their tables. A bad period or
/// filter renders the picker with the errors at their fields (status 400).
#[server(endpoint = "insights/html")]
pub async fn insights_html(
    report: String,
    days: String,
    from: String,
    to: String,
    product: String,
    category: String,
    palette: String,
) -> Result<String, AppError> {
    use crate::pages::insights::body::{Picker, render, render_invalid};
    use domain::DomainError;
    use domain::insights::{self, Filter, Period, Report, report::filter_options};
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let report = Report::parse(&report).map_err(ssr::to_app_error)?;
    insights::require(&actor, report).map_err(ssr::to_app_error)?;
    let readable = insights::readable(&actor);
    let picker = Picker {
        days,
        from,
        to,
        product,
        category,
        palette: if palette == "safe" { palette } else { String::new() },
    };
    let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let period = Period::parse(
        opt(&picker.days).as_deref(),
        opt(&picker.from).as_deref(),
        opt(&picker.to).as_deref(),
    );
    let filter = Filter::resolve(
        &hearth,
        report,
        opt(&picker.product).as_deref(),
        opt(&picker.category).as_deref(),
    )
    .await;
    let loaded = match (period, filter) {
        (Ok(period), Ok(filter)) => insights::load(&hearth, &actor, report, period, filter).await,
        (Err(DomainError::Invalid(mut a)), Err(DomainError::Invalid(b))) => {
            a.0.extend(b.0);
            Err(DomainError::Invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match loaded {
        Ok(view) => Ok(render(&view, &readable, &picker)),
        Err(DomainError::Invalid(errors)) => {
            ssr::set_status(actix_web::http::StatusCode::BAD_REQUEST);
            let (products, categories) = filter_options(&hearth, &actor, report)
                .await
                .map_err(ssr::to_app_error)?;
            Ok(render_invalid(
                report,
                &readable,
                &picker,
                &products,
                &categories,
                &errors.0,
            ))
        }
        Err(e) => Err(ssr::to_app_error(e)),
    }
}
