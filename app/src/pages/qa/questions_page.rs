use leptos::prelude::*;

use super::state_label;
use crate::api::qa::questions;
use crate::components::PageTitle;
use crate::pages::forums::data_error;
use crate::pages::query_param;

const FILTERS: [(&str, &str); 5] = [
    ("all", "All"),
    ("unanswered", "Unanswered"),
    ("answered", "Answered"),
    ("accepted", "Accepted"),
    ("mine", "Mine"),
];

/// `/questions`: "Anybody experience with …?" — filters by state, product and "mine"; keyset pages.
#[component]
pub fn QuestionsPage() -> impl IntoView {
    let filter = query_param("filter")
        .filter(|f| FILTERS.iter().any(|(k, _)| k == f))
        .unwrap_or_else(|| "all".into());
    let product = query_param("product").unwrap_or_default();
    let after = query_param("after");
    let data = Resource::new_blocking(
        {
            let (filter, product) = (filter.clone(), product.clone());
            move || (filter.clone(), product.clone(), after.clone())
        },
        |(f, p, a)| questions(Some(f), Some(p), a),
    );
    view! {
        <PageTitle text="Questions"/>
        <div class="page">
            <header class="page-header">
                <h1>"Anybody experience with …?"</h1>
                <p class="muted">"Questions customers ask each other — answered by people who own the product."</p>
                <a class="button" href="/questions/ask">"Ask a question"</a>
            </header>
            <nav class="tabs" aria-label="Filter questions">
                <ul>
                    {FILTERS.iter().map(|(key, label)| {
                        let href = if product.is_empty() { format!("/questions?filter={key}") } else { format!("/questions?filter={key}&product={product}") };
                        view! { <li><a href=href aria-current=(filter == *key).then_some("page")>{*label}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let (filter, product) = (filter.clone(), product.clone());
                    Suspend::new(async move {
                    match data.await {
                        Ok(list) => {
                            let more = list.next.clone().map(|n| format!("/questions?filter={filter}&product={product}&after={n}"));
                            view! {
                                <form method="get" action="/questions" class="form form-inline">
                                    <input type="hidden" name="filter" value=filter.clone()/>
                                    <div class="field">
                                        <label for="q-product">"Product"</label>
                                        <select id="q-product" name="product">
                                            <option value="">"All products"</option>
                                            {list.products.iter().map(|(slug, name)| view! {
                                                <option value=slug.clone() selected=*slug == product>{name.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="submit" class="button button-secondary">"Filter"</button>
                                </form>
                                {if list.items.is_empty() {
                                    view! { <p class="muted">"No questions here yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="topic-list question-list" aria-label="Questions">
                                            {list.items.into_iter().map(|q| view! {
                                                <li class="topic-row">
                                                    <div class="topic-main">
                                                        <a class="topic-title" href=format!("/q/{}", q.id)>{q.title.clone()}</a>
                                                        <span class=format!("tag state-{}", q.state)>{state_label(&q.state)}</span>
                                                        <p class="topic-meta">
                                                            {q.products.iter().map(|(slug, name)| view! {
                                                                <a class="product-pill" href=format!("/questions?product={slug}")>{name.clone()}</a>
                                                            }).collect_view()}
                                                            " asked by " <a href=format!("/u/{}", q.author)>{q.author.clone()}</a>
                                                        </p>
                                                    </div>
                                                    <dl class="topic-stats">
                                                        <div><dt>"Answers"</dt><dd>{q.answers}</dd></div>
                                                        <div><dt>"Views"</dt><dd>{q.views}</dd></div>
                                                        <div><dt>"Asked"</dt><dd><time datetime=q.asked_iso.clone()>{q.asked.clone()}</time></dd></div>
                                                        {q.first_answer_after.clone().map(|after| view! {
                                                            <div data-testid="first-answer-after"><dt>"First answer"</dt><dd>"after " {after}</dd></div>
                                                        })}
                                                    </dl>
                                                </li>
                                            }).collect_view()}
                                        </ol>
                                    }.into_any()
                                }}
                                {more.map(|href| view! {
                                    <nav class="pager" aria-label="More questions">
                                        <a class="button button-secondary" href=href>"More questions"</a>
                                    </nav>
                                })}
                            }.into_any()
                        }
                        Err(e) => data_error(e),
                    }
                })}}
            </Suspense>
        </div>
    }
}
