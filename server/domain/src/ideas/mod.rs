//! Ideas that feed product development: members submit and vote, the product team reviews, plans and ships
//! with a public note each time, merges duplicates, harvests the board and exports it; every voter and
//! follower hears what happened, and voters of shipped ideas are asked whether it solved their problem.
//!
//! An idea is a topic of kind `idea` (categories, visibility, Markdown, search, edits and views are the
//! forums'); its comments are the topic's replies.

mod board;
pub mod csv;
mod lifecycle;
mod page;
mod status;
mod voting;

pub use board::*;
pub use lifecycle::*;
pub use page::*;
pub use status::IdeaStatus;
pub use voting::*;

use crate::accounts::{Actor, Role};
use crate::{DomainError, DomainResult};

/// The slug of the category ideas go to when none is named.
pub const DEFAULT_CATEGORY: &str = "ideas";

/// Status changes, merges and exports are the product team's (and admins').
pub fn is_product_team(actor: &Actor) -> bool {
    actor.roles.has(Role::Product)
}

pub(crate) fn require_product_team(actor: &Actor, what: &str) -> DomainResult<()> {
    if is_product_team(actor) {
        Ok(())
    } else {
        Err(DomainError::forbidden(format!(
            "Only the product team can {what}."
        )))
    }
}

#[cfg(test)]
pub(crate) mod tests;
