//! The fan club: membership (join, leave, the opt-in directory), tiers reached by reputation or granted by
//! staff, each with perks, and events with limited seats, an early-access window and a waitlist.

pub(crate) mod events;
mod ics;
pub(crate) mod membership;
#[cfg(test)]
mod tests;
mod tiers;

pub use events::*;
pub(crate) use membership::membership_in;
pub use membership::*;
pub use tiers::*;
