//! Insights (`/insights`, `/insights/{report}`): the dashboards of staff, the product team and moderators.

#[cfg(feature = "ssr")]
pub mod body;
#[cfg(feature = "ssr")]
pub mod chart;
mod insights_page;

pub use insights_page::InsightsPage;
