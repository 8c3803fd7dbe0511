//! Idea pages: the board, submitting (with similar suggestions), an idea with its history, votes, comments and
//! the product team's tools, and "You asked, we built".

mod board_page;
mod idea_page;
mod new_idea_page;
mod shipped_page;

pub use board_page::IdeasPage;
pub use idea_page::IdeaPage;
pub use new_idea_page::NewIdeaPage;
pub use shipped_page::ShippedPage;

/// Every status a product team can set, in lifecycle order.
pub(crate) const STATUSES: [(&str, &str); 6] = [
    ("new", "New"),
    ("under_review", "Under review"),
    ("planned", "Planned"),
    ("in_progress", "In progress"),
    ("shipped", "Shipped"),
    ("declined", "Declined"),
];

/// How an idea's status reads.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "merged" => "Merged",
        other => STATUSES
            .iter()
            .find(|(key, _)| *key == other)
            .map(|(_, label)| *label)
            .unwrap_or("New"),
    }
}
