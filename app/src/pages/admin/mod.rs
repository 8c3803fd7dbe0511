//! Administration pages.

mod admin_page;
mod category_editor;
mod webhooks;

pub use admin_page::AdminPage;
pub use webhooks::{WebhookDeliveryPage, WebhookPage, WebhooksPage};
