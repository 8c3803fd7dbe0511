use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::ideas::{SubmitIdea, submit_form_data};
use crate::api::url_error;
use crate::components::{Composer, FormErrors, PageTitle};
use crate::model::PageCtx;
use crate::pages::forums::data_error;
use crate::pages::qa::TitleWithSuggestions;

/// `/ideas/new`: title (with similar ideas, questions and topics suggested), description, optional product.
#[component]
pub fn NewIdeaPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/ideas/new");
    }
    let error = use_query_map().with_untracked(url_error::<SubmitIdea>);
    let form = Resource::new_blocking(|| (), |_| submit_form_data());
    view! {
        <PageTitle text="Submit an idea"/>
        <div class="page narrow">
            <h1>"Submit an idea"</h1>
            <p class="muted">"The product team reads every idea; you hear back when its status changes."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let data = match form.await {
                        Ok(d) => d,
                        Err(e) => return data_error(e),
                    };
                    let value = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
                    let chosen = value("product");
                    let product_error = error.as_ref().and_then(|e| e.field("product_id"));
                    view! {
                        <form method="post" action=SubmitIdea::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <TitleWithSuggestions name="idea[title]".to_owned()
                                label="Your idea in one line".to_owned()
                                hint="8 to 140 characters. If a similar idea exists, vote for it instead.".to_owned()
                                initial=value("title") error=error.as_ref().and_then(|e| e.field("title"))/>
                            <Composer name="idea[body]".to_owned() label="Why it matters".to_owned() initial=value("body")
                                error=error.as_ref().and_then(|e| e.field("body"))
                                hint=Some("The problem it solves for you, and how you work around it today.".to_owned())/>
                            <div class="field" class:field-invalid=product_error.is_some()>
                                <label for="f-product">"Product (optional)"</label>
                                <select id="f-product" name="idea[product]"
                                    aria-describedby="f-product-error" aria-invalid=product_error.is_some().then_some("true")>
                                    <option value="">"No particular product"</option>
                                    {data.products.into_iter().map(|(id, name)| view! {
                                        <option value=id.to_string() selected=chosen == id.to_string()>{name}</option>
                                    }).collect_view()}
                                </select>
                                <p class="field-error" id="f-product-error">{product_error.clone()}</p>
                            </div>
                            <button type="submit" class="button">"Submit idea"</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}
