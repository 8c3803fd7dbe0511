//! Types shared by the server and the browser: what pages show and what server functions answer.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::collections::BTreeMap;

/// The signed-in member, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerInfo {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub roles: Vec<String>,
}

impl ViewerInfo {
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.username)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role || r == "admin")
    }
}

/// The brand every page wears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandInfo {
    pub name: String,
    pub tagline: String,
    pub color_primary: String,
    pub color_accent: String,
    pub has_logo: bool,
    pub logo_alt: String,
    pub version: i32,
}

impl Default for BrandInfo {
    fn default() -> Self {
        BrandInfo {
            name: "Hearth".into(),
            tagline: String::new(),
            color_primary: "#1f5f8b".into(),
            color_accent: "#9c4312".into(),
            has_logo: false,
            logo_alt: String::new(),
            version: 0,
        }
    }
}

/// What every page knows about the request: the brand and who is looking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCtx {
    pub brand: BrandInfo,
    pub viewer: Option<ViewerInfo>,
}

/// The error of a server function: a stable code, a message for people and messages per form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// What the member typed (never passwords), so that a form re-rendered after a plain post keeps it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.into(),
            message: message.into(),
            fields: BTreeMap::new(),
            values: BTreeMap::new(),
        }
    }

    /// Keeps the typed values (not passwords) for the form's next render.
    pub fn with_values(mut self, values: &[(&str, &str)]) -> Self {
        for (name, value) in values {
            self.values.insert((*name).to_owned(), (*value).to_owned());
        }
        self
    }

    pub fn value(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Errors of the plumbing rather than of the domain: what the request carried could not be read
    /// (`malformed_request`, answered 400 by the server), the network failed (`request_failed`, in the browser
    /// only), or something else broke (`internal`).
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match &value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::new(
                "request_failed",
                "Could not reach the server. Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::new(
                "malformed_request",
                "The form could not be read. Please reload the page and try again.",
            ),
            _ => AppError::new("internal", "Something went wrong. Please try again."),
        }
    }
}

/// "Download my data" on the settings page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDataInfo {
    /// The latest export: its state (`pending`, `ready`, `downloaded`, `expired`, `failed`) and when it was asked
    /// for, became ready, expires, was downloaded.
    pub export_state: Option<String>,
    pub export_requested: Option<String>,
    pub export_expires: Option<String>,
    pub export_downloaded: Option<String>,
    /// When the next export may be asked for, if not yet.
    pub next_export: Option<String>,
}

/// An API token as its owner sees it in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    pub scopes: String,
    pub expires_at: Option<String>,
    pub expired: bool,
}
