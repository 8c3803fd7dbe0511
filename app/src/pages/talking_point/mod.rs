//! Talking Point (`/talking-point`, public and live) and the staff's mentions page (`/staff/mentions`).

#[cfg(feature = "ssr")]
pub mod body;
mod mentions_page;
mod talking_point_page;

pub use mentions_page::MentionsPage;
pub use talking_point_page::{LiveTalkingPoint, TalkingPointPage};
