//! Reputation: points from what others found useful, never from how much a member wrote. The formula is public
//! (the "How reputation works" page renders [`FORMULA`] and [`TRUST_LEVELS`]); every profile shows its
//! breakdown. Trust levels, derived from reputation and account age, gate privileges (links per post, flags).
//!
//! Changes to the inputs (votes, acceptances, replies, idea statuses) mark the member concerned in
//! `reputation_dirty` from database triggers, inside the change's own transaction; the reputation worker
//! recomputes them in batches of at most [`BATCH`] members. A daily full pass lets old credit fade.

mod compute;
mod trust;

#[cfg(test)]
mod tests;

pub use compute::*;
pub use trust::*;

/// Members recomputed per statement.
pub const BATCH: usize = 1_000;

/// Points for each kind of credit, at full weight.
pub mod points {
    /// Per distinct asker whose question accepted one of your answers.
    pub const ACCEPTED_PER_ASKER: f64 = 15.0;
    /// Per distinct member who up-voted any of your answers or ideas.
    pub const UPVOTE_PER_MEMBER: f64 = 5.0;
    /// Per distinct other member who replied to your topics, questions or ideas.
    pub const REPLY_PER_MEMBER: f64 = 2.0;
    /// Per idea of yours the product team planned or is building.
    pub const IDEA_ADOPTED: f64 = 20.0;
    /// Per idea of yours that shipped (instead of the planned points).
    pub const IDEA_SHIPPED: f64 = 50.0;
    /// Credit halves in weight every this many days…
    pub const HALF_LIFE_DAYS: f64 = 180.0;
    /// …but never weighs less than this.
    pub const FLOOR: f64 = 0.25;
}

/// One line of the public formula.
#[derive(Debug, Clone, Copy)]
pub struct FormulaLine {
    pub credit: &'static str,
    pub points: f64,
    pub rule: &'static str,
}

/// The formula as the public page shows it.
pub const FORMULA: [FormulaLine; 5] = [
    FormulaLine {
        credit: "Answer accepted",
        points: points::ACCEPTED_PER_ASKER,
        rule: "per distinct member whose question accepted one of your answers; a second acceptance by the \
               same asker adds nothing",
    },
    FormulaLine {
        credit: "Up-vote received",
        points: points::UPVOTE_PER_MEMBER,
        rule: "per distinct member who up-voted any of your answers or ideas; more votes from the same member \
               add nothing, votes on your own posts never count",
    },
    FormulaLine {
        credit: "Follow-up drawn",
        points: points::REPLY_PER_MEMBER,
        rule: "per distinct other member who replied to your topics, questions or ideas; your own replies and \
               further replies from the same member add nothing",
    },
    FormulaLine {
        credit: "Idea adopted",
        points: points::IDEA_ADOPTED,
        rule: "per idea of yours the product team planned or is building",
    },
    FormulaLine {
        credit: "Idea shipped",
        points: points::IDEA_SHIPPED,
        rule: "per idea of yours that shipped (instead of the adopted points)",
    },
];
