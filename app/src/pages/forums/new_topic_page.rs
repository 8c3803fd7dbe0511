use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::data_error;
use crate::api::forums::{CreateTopic, categories};
use crate::api::url_error;
use crate::components::{Composer, Field, FormErrors, PageTitle};
use crate::model::PageCtx;
use crate::pages::query_param;

/// Starting a topic: category, title, body.
#[component]
pub fn NewTopicPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/new-topic");
    }
    let error = use_query_map().with_untracked(url_error::<CreateTopic>);
    let wanted = query_param("category").unwrap_or_default();
    let list = Resource::new_blocking(|| (), |_| categories());
    view! {
        <PageTitle text="New topic"/>
        <div class="page narrow">
            <h1>"Start a topic"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let (error, wanted) = (error.clone(), wanted.clone());
                    Suspend::new(async move {
                    let cats = match list.await {
                        Ok(cats) => cats.into_iter().filter(|c| c.can_post).collect::<Vec<_>>(),
                        Err(e) => return data_error(e),
                    };
                    let chosen = error.as_ref().and_then(|e| e.value("category_id")).and_then(|v| v.parse::<i64>().ok())
                        .or_else(|| cats.iter().find(|c| c.slug == wanted).map(|c| c.id));
                    let value = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
                    let category_error = error.as_ref().and_then(|e| e.field("category_id"));
                    view! {
                        <form method="post" action=CreateTopic::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <div class="field" class:field-invalid=category_error.is_some()>
                                <label for="f-category_id">"Category"</label>
                                <select id="f-category_id" name="category_id" required
                                    aria-describedby=category_error.as_ref().map(|_| "f-category_id-error")>
                                    {cats.into_iter().map(|c| view! {
                                        <option value=c.id.to_string() selected=Some(c.id) == chosen>{c.name}</option>
                                    }).collect_view()}
                                </select>
                                <p class="field-error" id="f-category_id-error">{category_error.clone()}</p>
                            </div>
                            <Field name="title" label="Title" required=true minlength=8 maxlength=140 value=value("title")
                                hint="A question or a statement, 8 to 140 characters."
                                error=error.as_ref().and_then(|e| e.field("title"))/>
                            <Composer name="body".to_owned() label="What would you like to say?".to_owned() initial=value("body")
                                error=error.as_ref().and_then(|e| e.field("body")) hint=None/>
                            <button type="submit" class="button">"Create topic"</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}
