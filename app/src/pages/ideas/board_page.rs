use leptos::prelude::*;
use server_fn::ServerFn;

use super::{STATUSES, status_label};
use crate::api::ideas::{IdeaItem, VoteIdea, ideas_board};
use crate::api::url_error;
use crate::components::{FormErrors, PageTitle};
use crate::pages::forums::data_error;
use crate::pages::query_param;

const SORTS: [(&str, &str); 3] = [
    ("trending", "Trending"),
    ("votes", "Most votes"),
    ("recent", "Newest"),
];

/// The board's address for a sort and filters.
fn board_href(sort: &str, status: &str, product: &str, tier: &str) -> String {
    let mut href = format!("/ideas?sort={sort}");
    for (name, value) in [("status", status), ("product", product), ("tier", tier)] {
        if !value.is_empty() && value != "all" {
            href.push_str(&format!("&{name}={value}"));
        }
    }
    href
}

/// The vote button of a row (a form: works without JavaScript); anonymous visitors get a log-in link.
#[component]
pub(crate) fn VoteButton(idea: IdeaItem, signed_in: bool, back: String) -> impl IntoView {
    let open = matches!(
        idea.status.as_str(),
        "new" | "under_review" | "planned" | "in_progress"
    );
    let count = view! { <span class="vote-count" data-testid="votes">{idea.votes}</span> };
    if !signed_in || !open {
        return view! {
            <div class="idea-votes">
                {count}
                <span class="muted">{if idea.votes == 1 { "vote" } else { "votes" }}</span>
            </div>
        }
        .into_any();
    }
    view! {
        <form method="post" action=VoteIdea::url() class="idea-votes">
            <input type="hidden" name="idea_id" value=idea.id.to_string()/>
            <input type="hidden" name="on" value=if idea.voted { "0" } else { "1" }/>
            <input type="hidden" name="back" value=back/>
            {count}
            <button type="submit" class="button button-small" class:button-secondary=idea.voted
                aria-pressed=idea.voted.to_string()
                aria-label=format!("{} for “{}”", if idea.voted { "Take back your vote" } else { "Vote" }, idea.title)>
                {if idea.voted { "Voted ✓" } else { "Vote" }}
            </button>
        </form>
    }
    .into_any()
}

/// `/ideas`: the board — trending, most votes or newest; filters by status and product (and, for the product
/// team, the voters' club tier, with a CSV export of the view).
#[component]
pub fn IdeasPage() -> impl IntoView {
    let sort = query_param("sort").unwrap_or_else(|| "trending".into());
    let status = query_param("status").unwrap_or_default();
    let product = query_param("product").unwrap_or_default();
    let tier = query_param("tier").unwrap_or_default();
    let after = query_param("after");
    let vote_error = leptos_router::hooks::use_query_map().with_untracked(url_error::<VoteIdea>);
    let data = Resource::new_blocking(
        {
            let key = (sort.clone(), status.clone(), product.clone(), tier.clone());
            move || (key.clone(), after.clone())
        },
        |((s, st, p, t), a)| ideas_board(Some(s), Some(st), Some(p), Some(t), a),
    );
    view! {
        <PageTitle text="Ideas"/>
        <div class="page">
            <header class="page-header">
                <h1>"Ideas"</h1>
                <p class="muted">"Tell the product team what to build next, and vote for what you need. "
                    <a href="/shipped">"See what we built from your ideas."</a></p>
                <a class="button" href="/ideas/new">"Submit an idea"</a>
            </header>
            <FormErrors error=Signal::stored(vote_error)/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(board) => {
                            let here = board_href(&board.sort, &board.status, &board.product, &board.tier);
                            let more = board.next.clone().map(|n| format!("{here}&after={n}"));
                            let export = format!(
                                "/api/v1/ideas/export.csv{}",
                                here.trim_start_matches("/ideas")
                            );
                            view! {
                                <nav class="tabs" aria-label="Order ideas">
                                    <ul>
                                        {SORTS.iter().map(|(key, label)| view! {
                                            <li><a href=board_href(key, &board.status, &board.product, &board.tier)
                                                aria-current=(board.sort == *key).then_some("page")>{*label}</a></li>
                                        }).collect_view()}
                                    </ul>
                                </nav>
                                <form method="get" action="/ideas" class="form form-inline" aria-label="Filter ideas">
                                    <input type="hidden" name="sort" value=board.sort.clone()/>
                                    <div class="field">
                                        <label for="i-status">"Status"</label>
                                        <select id="i-status" name="status">
                                            <option value="all">"All statuses"</option>
                                            <option value="open" selected=board.status == "open">"Open"</option>
                                            {STATUSES.iter().map(|(key, label)| view! {
                                                <option value=*key selected=board.status == *key>{*label}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="i-product">"Product"</label>
                                        <select id="i-product" name="product">
                                            <option value="">"All products"</option>
                                            {board.products.iter().map(|(slug, name)| view! {
                                                <option value=slug.clone() selected=*slug == board.product>{name.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    {board.product_team.then(|| view! {
                                        <div class="field">
                                            <label for="i-tier">"Voters' club tier"</label>
                                            <select id="i-tier" name="tier">
                                                <option value="">"Everyone"</option>
                                                {board.tiers.iter().map(|(slug, name)| view! {
                                                    <option value=slug.clone() selected=*slug == board.tier>{name.clone()}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    })}
                                    <button type="submit" class="button button-secondary">"Filter"</button>
                                    {board.product_team.then(|| view! {
                                        <a class="button button-secondary" href=export.clone() download="">"Export CSV"</a>
                                    })}
                                </form>
                                {if board.items.is_empty() {
                                    view! { <p class="muted">"No ideas here yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="topic-list idea-list" aria-label="Ideas">
                                            {board.items.iter().map(|i| view! {
                                                <li class="topic-row idea-row">
                                                    <VoteButton idea=i.clone() signed_in=board.signed_in back=here.clone()/>
                                                    <div class="topic-main">
                                                        <a class="topic-title" href=format!("/ideas/{}", i.id)>{i.title.clone()}</a>
                                                        <span class=format!("tag idea-status status-{}", i.status)>{status_label(&i.status)}</span>
                                                        <p class="topic-meta">
                                                            {i.product.clone().map(|(slug, name)| view! {
                                                                <a class="product-pill" href=format!("/ideas?product={slug}")>{name}</a>
                                                            })}
                                                            " by " <a href=format!("/u/{}", i.author)>{i.author.clone()}</a>
                                                            " · " <time datetime=i.created_iso.clone()>{i.created.clone()}</time>
                                                            " · " {crate::pages::count(i.comments as i64, "comment", "comments")}
                                                            {i.tier_votes.map(|n| format!(" · {n} from this tier"))}
                                                        </p>
                                                    </div>
                                                </li>
                                            }).collect_view()}
                                        </ol>
                                    }.into_any()
                                }}
                                {more.map(|href| view! {
                                    <nav class="pager" aria-label="More ideas">
                                        <a class="button button-secondary" href=href>"More ideas"</a>
                                    </nav>
                                })}
                            }.into_any()
                        }
                        Err(e) => data_error(e),
                    }
                })}
            </Suspense>
        </div>
    }
}
