use leptos::prelude::*;

use crate::api::forums::preview;

/// A Markdown text area with a preview (rendered by the server exactly as the post will be). Without
/// JavaScript it is a plain text area inside its form.
#[island]
pub fn Composer(
    name: String,
    label: String,
    initial: String,
    error: Option<String>,
    hint: Option<String>,
) -> impl IntoView {
    let rows = 8;
    let id = format!("f-{name}");
    let (text, set_text) = signal(initial.clone());
    let (showing, set_showing) = signal(false);
    let rendered = Action::new(|body: &String| {
        let body = body.clone();
        async move { preview(body).await }
    });
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let has_error = error.is_some();
    view! {
        <div class="field composer" class:field-invalid=has_error>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <textarea
                id=id.clone()
                name=name
                rows=rows
                required=true
                maxlength="30000"
                aria-invalid=has_error.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
                on:input=move |ev| set_text.set(event_target_value(&ev))
                hidden=move || showing.get()
            >
                {initial}
            </textarea>
            <div class="composer-preview prose" hidden=move || !showing.get() aria-live="polite">
                {move || match rendered.value().get() {
                    Some(Ok(html)) => view! { <div inner_html=html></div> }.into_any(),
                    Some(Err(e)) => view! { <p class="error">{e.message}</p> }.into_any(),
                    None => view! { <p class="muted">"Rendering…"</p> }.into_any(),
                }}
            </div>
            <div class="composer-tools">
                <button
                    type="button"
                    class="button-quiet"
                    aria-controls=id
                    on:click=move |_| {
                        if !showing.get_untracked() {
                            rendered.dispatch(text.get_untracked());
                        }
                        set_showing.update(|s| *s = !*s);
                    }
                >
                    {move || if showing.get() { "Back to writing" } else { "Preview" }}
                </button>
                <span class="muted">"Markdown: **bold**, _italic_, [link](https://…), > quote, `code`, @username"</span>
            </div>
            <p class="field-error" id=error_id>{error}</p>
        </div>
    }
}
