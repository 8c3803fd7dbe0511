//! Moderation and listening pages: the queue (`/mod`), the audit log (`/mod/audit`), the staff inbox
//! (`/staff/inbox`) and the rules (`/admin/rules`).

mod audit_page;
mod inbox_page;
mod queue_page;
mod rules_page;

pub use audit_page::AuditPage;
pub use inbox_page::InboxPage;
pub use queue_page::QueuePage;
pub use rules_page::RulesPage;

use leptos::prelude::*;

/// The tabs of the moderators' area.
#[component]
fn ModTabs(current: &'static str) -> impl IntoView {
    let tab = move |href: &'static str, label: &'static str| {
        view! { <li><a href=href aria-current=(href == current).then_some("page")>{label}</a></li> }
    };
    view! {
        <nav class="tabs" aria-label="Moderation">
            <ul>{tab("/mod", "Queue")}{tab("/mod/audit", "Audit log")}{tab("/staff/inbox", "Staff inbox")}{tab("/admin/rules", "Rules")}</ul>
        </nav>
    }
}
