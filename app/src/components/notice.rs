use leptos::prelude::*;

/// A status message (saved, sent) shown after a redirect.
#[component]
pub fn Notice(#[prop(into, default = "success".into())] kind: String, children: Children) -> impl IntoView {
    view! {
        <div class=format!("notice notice-{kind}") role="status">
            {children()}
        </div>
    }
}
