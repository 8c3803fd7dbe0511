//! "Anybody experience with …?": questions between customers, tagged with the products they are about,
//! routed to members who own those products; answers with votes, comments and one accepted answer.

mod answers;
mod products;
mod questions;

pub use answers::*;
pub use products::*;
pub use questions::*;

#[cfg(test)]
mod tests;
