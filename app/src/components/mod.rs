//! Shared pieces of the UI.

mod composer;
mod field;
mod form_errors;
mod hydration_probe;
mod layout;
mod notice;
mod page_title;
mod sanction_form;
mod topic_list;

pub use composer::Composer;
pub use field::{CheckboxField, Field, TextAreaField};
pub use form_errors::FormErrors;
pub use hydration_probe::HydrationProbe;
pub use layout::Layout;
pub use notice::Notice;
pub use page_title::{PageTitle, escape_title};
pub use sanction_form::SanctionForm;
pub use topic_list::TopicList;
