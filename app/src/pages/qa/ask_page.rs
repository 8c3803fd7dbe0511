use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::qa::{Ask, SimilarInfo, products, similar};
use crate::api::url_error;
use crate::components::{Composer, FormErrors, PageTitle};
use crate::model::PageCtx;
use crate::pages::forums::data_error;

/// The title field of the ask and idea pages. While it is typed (debounced), questions, ideas and topics with
/// similar titles are listed below it, so the writer may find an answer (or an idea to vote for) before
/// posting. Without JavaScript: a plain field.
#[island]
pub fn TitleWithSuggestions(
    name: String,
    label: String,
    hint: String,
    initial: String,
    error: Option<String>,
) -> impl IntoView {
    let (found, set_found) = signal(Vec::<SimilarInfo>::new());
    let (searched, set_searched) = signal(false);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let lookup = Action::new(|title: &String| {
        let title = title.clone();
        async move { similar(title).await }
    });
    Effect::new(move |_| {
        if let Some(result) = lookup.value().get() {
            set_found.set(result.unwrap_or_default());
            set_searched.set(true);
        }
    });
    let on_input = move |ev: leptos::ev::Event| {
        let title = event_target_value(&ev);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if title.trim().chars().count() >= 4 {
                    lookup.dispatch(title.clone());
                }
            },
            std::time::Duration::from_millis(300),
        )
        .ok();
        pending.set_value(handle);
    };
    let has_error = error.is_some();
    view! {
        <div class="field" class:field-invalid=has_error>
            <label for="f-title">{label}</label>
            <p class="field-hint" id="f-title-hint">{hint}</p>
            <input id="f-title" name=name type="text" required=true minlength="8" maxlength="140"
                value=initial autocomplete="off"
                aria-invalid=has_error.then_some("true")
                aria-describedby=if has_error { "f-title-hint f-title-error" } else { "f-title-hint" }
                on:input=on_input/>
            <p class="field-error" id="f-title-error">{error}</p>
            <div class="similar" aria-live="polite" data-testid="similar">
                {move || {
                    let items = found.get();
                    if items.is_empty() {
                        return searched.get().then(|| view! { <p class="muted">"Nothing similar yet — ask away."</p> }).into_any();
                    }
                    view! {
                        <p class="similar-title">"Already here — these may answer it, or take your vote:"</p>
                        <ul class="similar-list">
                            {items.into_iter().map(|s| view! {
                                <li>
                                    <a href=s.url.clone() target="_blank">{s.title.clone()}</a>
                                    <span class="muted">
                                        {match s.kind.as_str() { "question" => " · question", "idea" => " · idea", _ => " · discussion" }}
                                        {s.state.as_deref().map(|st| format!(" · {}", if s.kind == "idea" {
                                            crate::pages::ideas::status_label(st)
                                        } else {
                                            super::state_label(st)
                                        }))}
                                        " · " {crate::pages::count(s.replies as i64, "reply", "replies")}
                                    </span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
        </div>
    }
}

/// `/questions/ask`: title (with suggestions), body, one to five products.
#[component]
pub fn AskPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/questions/ask");
    }
    let error = use_query_map().with_untracked(url_error::<Ask>);
    // "Add your voice" on Talking Point opens this page with the theme filled in (`?title=…&product=slug`).
    let prefill_title = crate::pages::query_param("title").filter(|t| t.chars().count() <= 140);
    let prefill_product = crate::pages::query_param("product");
    let catalogue = Resource::new_blocking(|| (), |_| products());
    view! {
        <PageTitle text="Ask a question"/>
        <div class="page narrow">
            <h1>"Ask the community"</h1>
            <p class="muted">"Owners of the products you choose are invited to answer."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let (error, prefill_title, prefill_product) =
                        (error.clone(), prefill_title.clone(), prefill_product.clone());
                    Suspend::new(async move {
                    let catalogue = match catalogue.await {
                        Ok(c) => c,
                        Err(e) => return data_error(e),
                    };
                    let value = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
                    let mut chosen: Vec<i64> = value("products").split(',').filter_map(|v| v.parse().ok()).collect();
                    if error.is_none()
                        && let Some(slug) = &prefill_product
                    {
                        chosen.extend(catalogue.products.iter().filter(|p| &p.slug == slug).map(|p| p.id));
                    }
                    let title = error.as_ref().and_then(|e| e.value("title")).or(prefill_title).unwrap_or_default();
                    let products_error = error.as_ref().and_then(|e| e.field("products"));
                    view! {
                        <form method="post" action=Ask::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <TitleWithSuggestions name="question[title]".to_owned()
                                label="Anybody experience with …?".to_owned()
                                hint="Your question in one line, 8 to 140 characters.".to_owned()
                                initial=title error=error.as_ref().and_then(|e| e.field("title"))/>
                            <Composer name="question[body]".to_owned() label="Details".to_owned() initial=value("body")
                                error=error.as_ref().and_then(|e| e.field("body"))
                                hint=Some("What you want to know, what you tried, which version you have.".to_owned())/>
                            <fieldset class="field checkbox-grid" class:field-invalid=products_error.is_some()
                                aria-describedby="f-products-hint f-products-error">
                                <legend>"Products (one to five)"</legend>
                                <p class="field-hint" id="f-products-hint">"Which products is it about?"</p>
                                {catalogue.products.into_iter().map(|p| {
                                    let id = format!("f-product-{}", p.id);
                                    view! {
                                        <label for=id.clone() class="checkbox">
                                            <input type="checkbox" id=id.clone() name="question[products][]" value=p.id.to_string()
                                                checked=chosen.contains(&p.id)/>
                                            {p.name}
                                        </label>
                                    }
                                }).collect_view()}
                                <p class="field-error" id="f-products-error">{products_error.clone()}</p>
                            </fieldset>
                            <button type="submit" class="button">"Post question"</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}
