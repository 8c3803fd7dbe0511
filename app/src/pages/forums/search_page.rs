use leptos::prelude::*;

use crate::components::PageTitle;

use super::data_error;
use crate::api::accounts::urlencode;
use crate::api::forums::search;
use crate::pages::query_param;

/// Full-text search over topics and replies.
#[component]
pub fn SearchPage() -> impl IntoView {
    let q = query_param("q").unwrap_or_default();
    let category = query_param("category").filter(|c| !c.is_empty());
    let author = query_param("author").filter(|a| !a.is_empty());
    let offset = query_param("offset").and_then(|o| o.parse::<i64>().ok());
    let args = (q.clone(), category.clone(), author.clone(), offset);
    let results = Resource::new_blocking(move || args.clone(), |(q, c, a, o)| search(q, c, a, o));
    let title = if q.is_empty() {
        "Search".to_owned()
    } else {
        format!("Search: {q}")
    };
    let base = format!(
        "/search?q={}{}{}",
        urlencode(&q),
        category
            .as_ref()
            .map(|c| format!("&category={}", urlencode(c)))
            .unwrap_or_default(),
        author
            .as_ref()
            .map(|a| format!("&author={}", urlencode(a)))
            .unwrap_or_default()
    );
    view! {
        <PageTitle text=title/>
        <div class="page narrow search-page">
            <h1>"Search"</h1>
            <form method="get" action="/search" role="search" class="form">
                <div class="field">
                    <label for="f-q">"Search topics and replies"</label>
                    <p class="field-hint" id="f-q-hint">"Words, \"an exact phrase\", or -word to leave out."</p>
                    <input id="f-q" type="search" name="q" value=q.clone() aria-describedby="f-q-hint" maxlength="200"/>
                </div>
                <div class="form-inline">
                    <div class="field">
                        <label for="f-category">"Category (slug)"</label>
                        <input id="f-category" type="text" name="category" value=category.clone().unwrap_or_default()/>
                    </div>
                    <div class="field">
                        <label for="f-author">"Author (username)"</label>
                        <input id="f-author" type="text" name="author" value=author.clone().unwrap_or_default()/>
                    </div>
                    <button type="submit" class="button">"Search"</button>
                </div>
            </form>
            <Suspense fallback=|| view! { <p>"Searching…"</p> }>
                {move || {
                    let (q, base) = (q.clone(), base.clone());
                    Suspend::new(async move {
                    if q.trim().is_empty() {
                        return ().into_any();
                    }
                    match results.await {
                        Ok(page) if page.hits.is_empty() => view! { <p role="status">"Nothing found for “" {q} "”."</p> }.into_any(),
                        Ok(page) => view! {
                            <p role="status" class="visually-hidden">"Results for “" {q.clone()} "”"</p>
                            <ol class="search-results" aria-label="Results">
                                {page.hits.into_iter().map(|h| view! {
                                    <li class="card search-hit">
                                        <h2><a href=h.url.clone()>{h.title.clone()}</a></h2>
                                        <p class="topic-meta">
                                            <a href=format!("/c/{}", h.category_slug)>{h.category_name.clone()}</a>
                                            " · " {if h.post_number == 1 { "topic".to_owned() } else { format!("reply #{}", h.post_number) }}
                                            " by " <a href=format!("/u/{}", h.author)>{h.author.clone()}</a> " · " {h.created.clone()}
                                        </p>
                                        <p class="snippet" inner_html=h.snippet_html.clone()></p>
                                    </li>
                                }).collect_view()}
                            </ol>
                            {page.next.map(|n| view! {
                                <nav class="pager" aria-label="More results">
                                    <a class="button button-secondary" href=format!("{base}&offset={n}")>"More results"</a>
                                </nav>
                            })}
                        }.into_any(),
                        Err(e) => data_error(e),
                    }
                })}}
            </Suspense>
        </div>
    }
}
