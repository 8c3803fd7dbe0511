use leptos::prelude::*;

/// Marks the document `data-hydrated="true"` once the browser has run the wasm: a probe for tests and a hook
/// for styles that need JavaScript.
#[island]
pub fn HydrationProbe() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
