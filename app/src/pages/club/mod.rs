//! Fan-club pages: the club (membership, tiers and perks, events), the member directory, an event with its
//! RSVP, staff event creation, and "How reputation works".

mod club_page;
mod directory_page;
mod event_page;
mod new_event_page;
mod reputation_page;

pub use club_page::ClubPage;
pub use directory_page::DirectoryPage;
pub use event_page::EventPage;
pub use new_event_page::NewEventPage;
pub use reputation_page::ReputationPage;
