//! Administration pages.

mod admin_page;
mod category_editor;

pub use admin_page::AdminPage;
