use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::moderation::SanctionMember;

/// Warn, suspend, ban or lift a suspension of a member (moderators): the same form from the queue, a member's
/// profile and a post. `key` makes the field ids unique on the page; `return_to` is where to come back.
#[component]
pub fn SanctionForm(user_id: i64, username: String, key: String, return_to: String) -> impl IntoView {
    let action_id = format!("sanction-action-{key}");
    let until_id = format!("sanction-until-{key}");
    let reason_id = format!("sanction-reason-{key}");
    view! {
        <details class="sanction">
            <summary>{format!("Warn or suspend {username}")}</summary>
            <form method="post" action=SanctionMember::url() class="form">
                <input type="hidden" name="user_id" value=user_id.to_string()/>
                <input type="hidden" name="return_to" value=return_to/>
                <p>
                    <label for=action_id.clone()>"Action"</label>
                    <select id=action_id name="action">
                        <option value="warn">"Warn"</option>
                        <option value="suspend">"Suspend until the date below"</option>
                        <option value="ban">"Ban"</option>
                        <option value="unsuspend">"Lift a suspension"</option>
                    </select>
                </p>
                <p><label for=until_id.clone()>"Until (for a suspension)"</label> <input id=until_id type="date" name="until"/></p>
                <p><label for=reason_id.clone()>"Reason (the member reads it)"</label> <input id=reason_id type="text" name="reason" maxlength="500"/></p>
                <button type="submit" class="button button-secondary">"Apply"</button>
            </form>
        </details>
    }
}
