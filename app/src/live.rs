//! Live updates in the browser: one `EventSource` on `/api/v1/stream` per listener. The browser reconnects by
//! itself and sends `Last-Event-ID`, so the server resumes without gaps. Nothing happens during server rendering.

/// Calls `on_event(kind, data)` for every `post` and `notification` event of the stream at `url`.
#[cfg(feature = "hydrate")]
pub fn listen(url: &str, on_event: impl Fn(&str, String) + 'static) {
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    let on_event = Rc::new(on_event);
    for kind in ["post", "notification"] {
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
