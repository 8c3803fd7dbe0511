//! Live updates in the browser: one `EventSource` on `/api/v1/stream` per listener. The browser reconnects by
//! itself and sends `Last-Event-ID`, so the server resumes without gaps. Nothing happens during server rendering.

/// Calls `on_event(kind, data)` for every `post`, `notification` and `talking_point` event of the stream at `url`.
#[cfg(feature = "hydrate")]
pub fn listen(url: &str, on_event: impl Fn(&str, String) + 'static) {
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    let on_event = Rc::new(on_event);
    for kind in ["post", "notification", "talking_point"] {
        let handler = on_event.clone();
        let callback = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            handler(kind, event.data().as_string().unwrap_or_default());
        });
        let _ = source.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        // The listener lives as long as the page (a navigation loads a new page and closes the stream).
        callback.forget();
    }
    std::mem::forget(source);
}

/// Server rendering: no stream.
#[cfg(not(feature = "hydrate"))]
pub fn listen(_url: &str, _on_event: impl Fn(&str, String) + 'static) {}

/// Keeps `items` growing while a topic is open: each time the stream says a post appeared in `topic_id`, `fetch`
/// gets the post number of the last item shown (`after` before any) and what it returns is appended, each post
/// once (`number` reads an item's post number). Used by the topic, question and idea pages.
pub fn follow_topic<T, F, Fut>(
    topic_id: i64,
    after: i32,
    items: leptos::prelude::RwSignal<Vec<T>>,
    number: fn(&T) -> i32,
    fetch: F,
) where
    T: Send + Sync + 'static,
    F: Fn(i32) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = Vec<T>> + 'static,
{
    use leptos::prelude::{Update, WithUntracked};
    listen(&format!("/api/v1/stream?topic={topic_id}"), move |kind, _| {
        if kind != "post" {
            return;
        }
        let since = items.with_untracked(|v| v.last().map(number)).unwrap_or(after);
        let fetch = fetch.clone();
        leptos::task::spawn_local(async move {
            let more = fetch(since).await;
            items.update(|v| {
                for item in more {
                    let n = number(&item);
                    if n > since && !v.iter().any(|seen| number(seen) == n) {
                        v.push(item);
                    }
                }
            });
        });
    });
}
