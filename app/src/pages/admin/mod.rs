//! Administration pages.

mod admin_page;
mod category_editor;
mod club_settings;
mod webhooks;

pub use admin_page::AdminPage;
pub use club_settings::ClubSettingsPage;
pub use webhooks::{WebhookDeliveryPage, WebhookPage, WebhooksPage};
