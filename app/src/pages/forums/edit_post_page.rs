use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use super::data_error;
use crate::api::forums::{EditPost, post_source};
use crate::api::url_error;
use crate::components::{Composer, Field, FormErrors, PageTitle};
use crate::model::PageCtx;

#[component]
pub fn EditPostPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/");
    }
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let error = use_query_map().with_untracked(url_error::<EditPost>);
    let source = Resource::new_blocking(move || id, post_source);
    view! {
        <PageTitle text="Edit post"/>
        <div class="page narrow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let post = match source.await {
                        Ok(post) => post,
                        Err(e) => return data_error(e),
                    };
                    let body = error.as_ref().and_then(|e| e.value("body")).unwrap_or(post.body.clone());
                    let title = error.as_ref().and_then(|e| e.value("title")).or(post.title.clone());
                    view! {
                        <h1>"Edit post #" {post.number}</h1>
                        <p><a href=format!("/p/{}", post.id)>"Back to the post"</a></p>
                        <form method="post" action=EditPost::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <input type="hidden" name="post_id" value=post.id.to_string()/>
                            {title.map(|t| view! {
                                <Field name="title" label="Title" required=true minlength=8 maxlength=140 value=t
                                    error=error.as_ref().and_then(|e| e.field("title"))/>
                            })}
                            <Composer name="body".to_owned() label="Post".to_owned() initial=body
                                error=error.as_ref().and_then(|e| e.field("body"))
                                hint=Some("The earlier version is kept; moderators can read it.".to_owned())/>
                            <button type="submit" class="button">"Save changes"</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}
