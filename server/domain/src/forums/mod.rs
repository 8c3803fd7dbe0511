//! Forums: categories (public, club-only, team-only), topics, replies with quotes and mentions, edits with
//! history, pin/lock/move, watching, read state, keyset listings, full-text search and buffered view counts.

mod access;
mod categories;
mod inputs;
mod posts;
pub mod search;
pub mod seed;
mod topics;
pub mod view_counts;
pub mod views;
mod watching;

pub use access::Viewer;
pub use categories::*;
pub(crate) use inputs::parse_slug;
pub use inputs::{MarkdownBody, Title};
pub use posts::*;
pub use topics::*;
pub use watching::*;

#[cfg(test)]
pub(crate) mod tests;

/// Posts per topic page.
pub const PAGE_SIZE: i32 = 20;
