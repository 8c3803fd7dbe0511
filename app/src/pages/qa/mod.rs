//! Q&A pages: the questions list, asking (with similar suggestions), a question with its answers, what a
//! member owns, the product catalogue (admin), and the member's notifications.

mod ask_page;
mod notifications_page;
mod products_page;
mod question_page;
mod questions_page;

pub use ask_page::{AskPage, TitleWithSuggestions};
pub use notifications_page::NotificationsPage;
pub use products_page::{AdminProductsPage, MyProductsPage};
pub(crate) use question_page::PostBody;
pub use question_page::QuestionPage;
pub use questions_page::QuestionsPage;

/// How a question's state reads.
pub(crate) fn state_label(state: &str) -> &'static str {
    match state {
        "accepted" => "Accepted answer",
        "answered" => "Answered",
        _ => "Unanswered",
    }
}
