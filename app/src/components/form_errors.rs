use leptos::html::Div;
use leptos::prelude::*;

use crate::model::AppError;

/// The summary above a form: what went wrong, announced once (`role="alert"`) and focused, so that keyboard
/// and screen-reader users land on it. Field messages sit next to their fields (tied by
/// `aria-describedby`); this names the problem as a whole. After a plain form post the server renders it
/// with `autofocus`; in an island it takes the focus whenever a new error arrives.
#[component]
pub fn FormErrors(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let initially = error.get_untracked().is_some();
    Effect::new(move |_| {
        if error.with(Option::is_some)
            && let Some(el) = node.get()
        {
            let _ = el.focus();
        }
    });
    view! {
        <div class="form-errors" role="alert" tabindex="-1" autofocus=initially node_ref=node>
            {move || error.get().map(|e| {
                let fields = e.fields.len();
                view! {
                    <p>
                        <strong>{e.message.clone()}</strong>
                        {(fields > 0).then(|| if fields == 1 {
                            " One field needs attention.".to_owned()
                        } else {
                            format!(" {fields} fields need attention.")
                        })}
                    </p>
                }
            })}
        </div>
    }
}
