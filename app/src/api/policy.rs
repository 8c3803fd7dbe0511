//! The acceptable use policy.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyInfo {
    pub version: i32,
    pub title: String,
    pub body_html: String,
    pub body_md: String,
    pub published: String,
}

/// Every version, newest first.
#[server(endpoint = "policy/history")]
pub async fn policy_history() -> Result<Vec<PolicyInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let versions = domain::policy::history(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(versions
        .into_iter()
        .map(|p| PolicyInfo {
            version: p.version,
            title: p.title,
            body_html: p.body_html,
            body_md: p.body_md,
            published: p.created_at.format("%B %-d, %Y").to_string(),
        })
        .collect())
}
