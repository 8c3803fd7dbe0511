use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use super::data_error;
use crate::api::forums::{
    ManageTopic, MergeTopic, PostInfo, Reply, TopicView, WatchTopic, post_source, topic_page,
};
use crate::api::moderation::{AppealPost, FlagPost, HidePost};
use crate::api::url_error;
use crate::components::{Composer, FormErrors, PageTitle};
use crate::pages::query_param;

/// Page links of a topic: first, previous, a window around the current page, next, last.
#[component]
fn TopicPager(id: i64, page: i32, pages: i32) -> impl IntoView {
    if pages <= 1 {
        return ().into_any();
    }
    let link = move |p: i32| format!("/t/{id}?page={p}");
    let window: Vec<i32> = ((page - 2).max(1)..=(page + 2).min(pages)).collect();
    view! {
        <nav class="pager" aria-label="Pages of this topic">
            <ul>
                {(page > 1).then(|| view! { <li><a href=link(1)>"First"</a></li><li><a href=link(page - 1) rel="prev">"Previous"</a></li> })}
                {window.into_iter().map(|p| view! {
                    <li>
                        <a href=link(p) aria-current=(p == page).then_some("page")>
                            <span class="visually-hidden">"Page "</span>{p}
                        </a>
                    </li>
                }).collect_view()}
                {(page < pages).then(|| view! { <li><a href=link(page + 1) rel="next">"Next"</a></li><li><a href=link(pages)>"Last ("{pages}")"</a></li> })}
            </ul>
        </nav>
    }
    .into_any()
}

#[component]
fn Post(
    post: PostInfo,
    topic_id: i64,
    page: i32,
    can_reply: bool,
    manages: bool,
    signed_in: bool,
) -> impl IntoView {
    let anchor = format!("post-{}", post.number);
    let heading = format!("post-{}-by", post.number);
    let held = post.status != "published";
    view! {
        <article class="post" class:post-held=held id=anchor.clone() aria-labelledby=heading.clone()>
            <header class="post-header">
                <p id=heading.clone()>
                    <a class="post-author" href=format!("/u/{}", post.author)>{post.author_name.clone()}</a>
                    {post.badges.iter().map(|b| view! { <span class="badge">{b.clone()}</span> }).collect_view()}
                </p>
                <p class="post-meta">
                    <a href=format!("/t/{topic_id}?page={page}#{anchor}") aria-label=format!("Post {} permalink", post.number)>
                        "#" {post.number}
                    </a>
                    " · " <time datetime=post.created_iso.clone()>{post.created.clone()}</time>
                    {(post.edit_count > 0).then(|| if manages {
                        view! { " · " <a href=format!("/p/{}/history", post.id)>"edited"</a> }.into_any()
                    } else {
                        view! { " · " <span>"edited"</span> }.into_any()
                    })}
                </p>
            </header>
            {held.then(|| view! {
                <p class="notice notice-held" role="note">
                    {match post.status.as_str() {
                        "pending" => "Held for review: only you and the moderators see it. ",
                        _ => "Hidden: only you and the moderators see it. ",
                    }}
                    {post.held_reason.clone().unwrap_or_default()}
                </p>
            })}
            {post.quote.clone().map(|q| view! {
                <blockquote class="quote">
                    <p class="quote-source">
                        <a href=format!("/t/{topic_id}?page={}#post-{}", q.page, q.number)>
                            "@" {q.username.clone()} " in #" {q.number}
                        </a>
                    </p>
                    <p>{q.excerpt.clone()}</p>
                </blockquote>
            })}
            <div class="prose post-body" inner_html=post.body_html.clone()></div>
            <footer class="post-actions">
                {can_reply.then(|| view! {
                    <a href=format!("/t/{topic_id}?page={page}&quote={}#reply", post.id)>
                        "Quote"<span class="visually-hidden">" post " {post.number}</span>
                    </a>
                })}
                {post.can_edit.then(|| view! {
                    <a href=format!("/p/{}/edit", post.id)>"Edit"<span class="visually-hidden">" post " {post.number}</span></a>
                })}
                <PostModeration post=post.clone() topic_id signed_in manages/>
                {(manages && !post.mine).then(|| view! {
                    <a href=format!("/u/{}#moderate", post.author)>
                        "Warn or suspend " {post.author.clone()}<span class="visually-hidden">" (post " {post.number} ")"</span>
                    </a>
                })}
            </footer>
        </article>
    }
}

/// The reply form, with the quoted post (from `?quote=`) filled in.
#[component]
fn ReplyForm(topic: TopicView) -> impl IntoView {
    let error = use_query_map().with_untracked(url_error::<Reply>);
    let quote_id = query_param("quote").and_then(|q| q.parse::<i64>().ok());
    let quoted = Resource::new_blocking(
        move || quote_id,
        |id| async move {
            match id {
                Some(id) => post_source(id).await.ok(),
                None => None,
            }
        },
    );
    let topic_id = topic.id;
    view! {
        <section id="reply" class="card reply-box" aria-labelledby="reply-title">
            <h2 id="reply-title">"Your reply"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let quoted = quoted.await.filter(|q| q.topic_id == topic_id);
                    let typed = error.as_ref().and_then(|e| e.value("body")).unwrap_or_default();
                    view! {
                        <form method="post" action=Reply::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <input type="hidden" name="topic_id" value=topic_id.to_string()/>
                            <input type="hidden" name="quote_post_id" value=quoted.as_ref().map(|q| q.id.to_string()).unwrap_or_default()/>
                            {quoted.as_ref().map(|q| view! {
                                <p class="muted">"Quoting post #" {q.number} " — it appears above your reply with a link back. "
                                    <a href=format!("/t/{topic_id}#reply")>"Remove the quote"</a></p>
                            })}
                            <Composer name="body".to_owned() label="Reply".to_owned() initial=typed
                                error=error.as_ref().and_then(|e| e.field("body")) hint=None/>
                            <button type="submit" class="button">"Post reply"</button>
                        </form>
                    }
                })}}
            </Suspense>
        </section>
    }
}

/// Pin, lock and move: the team's tools.
#[component]
fn TeamTools(topic: TopicView) -> impl IntoView {
    let id = topic.id.to_string();
    let action_form = move |action: &'static str, label: &'static str| {
        let id = id.clone();
        view! {
            <form method="post" action=ManageTopic::url() class="inline-form">
                <input type="hidden" name="topic_id" value=id/>
                <input type="hidden" name="action" value=action/>
                <button type="submit" class="button-quiet">{label}</button>
            </form>
        }
    };
    view! {
        <details class="team-tools">
            <summary>"Team tools"</summary>
            <div class="actions">
                {if topic.pinned { action_form("unpin", "Unpin") } else { action_form("pin", "Pin to the top of the category") }}
                {if topic.locked { action_form("unlock", "Unlock") } else { action_form("lock", "Lock (no new replies)") }}
            </div>
            <form method="post" action=ManageTopic::url() class="form form-inline">
                <input type="hidden" name="topic_id" value=topic.id.to_string()/>
                <input type="hidden" name="action" value="move"/>
                <div class="field">
                    <label for="move-category">"Move to"</label>
                    <select id="move-category" name="category_id">
                        {topic.move_targets.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="move-reason">"Reason (for the audit log)"</label>
                    <input id="move-reason" name="reason" type="text" maxlength="200"/>
                </div>
                <button type="submit" class="button button-secondary">"Move topic"</button>
            </form>
            <form method="post" action=MergeTopic::url() class="form form-inline">
                <input type="hidden" name="topic_id" value=topic.id.to_string()/>
                <div class="field">
                    <label for="merge-into">"Merge into topic (number or address)"</label>
                    <input id="merge-into" name="into" type="text" required maxlength="300" placeholder="/t/123"/>
                </div>
                <div class="field">
                    <label for="merge-reason">"Reason (for the audit log)"</label>
                    <input id="merge-reason" name="reason" type="text" maxlength="200"/>
                </div>
                <button type="submit" class="button button-secondary">"Merge topic"</button>
            </form>
        </details>
    }
}

#[component]
pub fn TopicPage() -> impl IntoView {
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let page = query_param("page")
        .and_then(|p| p.parse::<i32>().ok())
        .unwrap_or(1);
    let data = Resource::new_blocking(move || (id, page), |(id, page)| topic_page(id, page));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(topic) if topic.kind == "question" || topic.kind == "idea" => {
                        // Questions and ideas have their own pages (answers by votes and acceptance; votes,
                        // statuses and notes).
                        let (target, label) = if topic.kind == "idea" {
                            (format!("/ideas/{}", topic.id), "Go to the idea")
                        } else {
                            (format!("/q/{}", topic.id), "Go to the question")
                        };
                        #[cfg(feature = "ssr")]
                        crate::ssr::redirect_page(&target);
                        view! { <p class="page narrow"><a href=target>{label}</a></p> }.into_any()
                    }
                    Ok(topic) => {
                        let live = (topic.page == topic.pages).then(|| view! {
                            <LiveReplies topic_id=topic.id after=topic.posts.last().map(|p| p.number).unwrap_or(0)
                                page=topic.page can_reply=topic.can_reply manages=topic.manages signed_in=topic.signed_in/>
                        });
                        let title = if topic.page > 1 { format!("{} (page {})", topic.title, topic.page) } else { topic.title.clone() };
                        view! {
                            <PageTitle text=title/>
                            <div class="page topic-page">
                                <header class="topic-header">
                                    <p>
                                        <a class="category-pill" href=format!("/c/{}", topic.category.slug)
                                            style=format!("--pill:{}", topic.category.color)>{topic.category.name.clone()}</a>
                                        {topic.pinned.then(|| view! { <span class="tag">"Pinned"</span> })}
                                        {topic.locked.then(|| view! { <span class="tag">"Locked"</span> })}
                                    </p>
                                    <h1>{topic.title.clone()}</h1>
                                    <p class="muted">{crate::pages::count(topic.replies as i64, "reply", "replies")} " · " {crate::pages::count(topic.views, "view", "views")}</p>
                                    {topic.signed_in.then(|| view! {
                                        <form method="post" action=WatchTopic::url() class="inline-form">
                                            <input type="hidden" name="topic_id" value=topic.id.to_string()/>
                                            <input type="hidden" name="watch" value=(!topic.watching).to_string()/>
                                            <button type="submit" class="button-quiet">
                                                {if topic.watching { "Stop watching" } else { "Watch this topic" }}
                                            </button>
                                        </form>
                                    })}
                                    {topic.manages.then(|| view! { <TeamTools topic=topic.clone()/> })}
                                </header>
                                <ModerationNotices/>
                                <TopicPager id=topic.id page=topic.page pages=topic.pages/>
                                <div class="posts">
                                    {topic.posts.iter().cloned().map(|post| view! {
                                        <Post post topic_id=topic.id page=topic.page can_reply=topic.can_reply manages=topic.manages signed_in=topic.signed_in/>
                                    }).collect_view()}
                                </div>
                                {live}
                                <TopicPager id=topic.id page=topic.page pages=topic.pages/>
                                {if topic.can_reply {
                                    view! { <ReplyForm topic=topic.clone()/> }.into_any()
                                } else if topic.locked {
                                    view! { <p class="notice">"This topic is locked: it takes no new replies."</p> }.into_any()
                                } else if !topic.signed_in {
                                    view! { <p class="card"><a href=format!("/login?next=%2Ft%2F{}", topic.id)>"Log in"</a> " or " <a href="/signup">"sign up"</a> " to reply."</p> }.into_any()
                                } else {
                                    ().into_any()
                                }}
                            </div>
                        }.into_any()
                    }
                    Err(e) => data_error(e),
                }
            })}
        </Suspense>
    }
}

/// `/p/{id}`: the permalink of a post, redirected to its page in its topic.
#[component]
pub fn PostPermalink() -> impl IntoView {
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let source = Resource::new_blocking(move || id, post_source);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match source.await {
                    Ok(post) => {
                        let target = format!("/t/{}?page={}#post-{}", post.topic_id, (post.number - 1) / 20 + 1, post.number);
                        #[cfg(feature = "ssr")]
                        crate::ssr::redirect_page(&target);
                        view! { <p class="page narrow"><a href=target>"Go to the post"</a></p> }.into_any()
                    }
                    Err(e) => data_error(e),
                }
            })}
        </Suspense>
    }
}

/// Flag (members, not on their own posts), hide (the team) and appeal (the author of hidden or rejected posts).
#[component]
fn PostModeration(post: PostInfo, topic_id: i64, signed_in: bool, manages: bool) -> impl IntoView {
    let n = post.number;
    let id = post.id.to_string();
    let topic = topic_id.to_string();
    let can_flag = signed_in && !post.mine && post.status == "published";
    let can_hide = manages && post.status == "published";
    let can_appeal = post.mine && (post.status == "rejected" || post.status == "hidden");
    let (flag_note, hide_reason, appeal_body) = (
        format!("flag-note-{n}"),
        format!("hide-reason-{n}"),
        format!("appeal-{n}"),
    );
    view! {
        {can_flag.then(|| view! {
            <details class="post-flag">
                <summary>"Flag"<span class="visually-hidden">" post " {n}</span></summary>
                <form method="post" action=FlagPost::url() class="form">
                    <input type="hidden" name="post_id" value=id.clone()/>
                    <input type="hidden" name="topic_id" value=topic.clone()/>
                    <fieldset>
                        <legend>"What is wrong with post " {n} "?"</legend>
                        <p class="check"><input type="radio" id=format!("flag-spam-{n}") name="reason" value="spam" required/> <label for=format!("flag-spam-{n}")>"Spam or advertising"</label></p>
                        <p class="check"><input type="radio" id=format!("flag-abusive-{n}") name="reason" value="abusive"/> <label for=format!("flag-abusive-{n}")>"Abusive or harassing"</label></p>
                        <p class="check"><input type="radio" id=format!("flag-off-{n}") name="reason" value="off_topic"/> <label for=format!("flag-off-{n}")>"Off-topic"</label></p>
                        <p class="check"><input type="radio" id=format!("flag-other-{n}") name="reason" value="other"/> <label for=format!("flag-other-{n}")>"Something else"</label></p>
                    </fieldset>
                    <p><label for=flag_note.clone()>"Note for the moderators (needed for “something else”)"</label> <input id=flag_note type="text" name="note" maxlength="500"/></p>
                    <button type="submit" class="button button-secondary">"Send flag"</button>
                </form>
            </details>
        })}
        {can_hide.then(|| view! {
            <details class="post-hide">
                <summary>"Hide"<span class="visually-hidden">" post " {n}</span></summary>
                <form method="post" action=HidePost::url() class="form">
                    <input type="hidden" name="post_id" value=id.clone()/>
                    <input type="hidden" name="topic_id" value=topic.clone()/>
                    <p><label for=hide_reason.clone()>"Reason (the author reads it)"</label> <input id=hide_reason type="text" name="reason" required minlength="3" maxlength="500"/></p>
                    <button type="submit" class="button button-danger">"Hide post " {n}</button>
                </form>
            </details>
        })}
        {can_appeal.then(|| view! {
            <details class="post-appeal">
                <summary>"Appeal"<span class="visually-hidden">" post " {n}</span></summary>
                <form method="post" action=AppealPost::url() class="form">
                    <input type="hidden" name="post_id" value=id.clone()/>
                    <input type="hidden" name="topic_id" value=topic.clone()/>
                    <p><label for=appeal_body.clone()>"Why should it be shown? (once; a moderator decides)"</label>
                        <textarea id=appeal_body name="body" rows="3" required minlength="10" maxlength="2000"></textarea></p>
                    <button type="submit" class="button button-secondary">"Send appeal"</button>
                </form>
            </details>
        })}
    }
}

/// What became of a flag, a hide or an appeal sent from this page (or why it was refused).
#[component]
fn ModerationNotices() -> impl IntoView {
    let query = use_query_map();
    let errors = [
        query.with_untracked(url_error::<ManageTopic>),
        query.with_untracked(url_error::<MergeTopic>),
        query.with_untracked(url_error::<FlagPost>),
        query.with_untracked(url_error::<HidePost>),
        query.with_untracked(url_error::<AppealPost>),
    ];
    let merged = query_param("merged").and_then(|m| m.parse::<i64>().ok());
    let said = if let Some(m) = merged {
        Some(format!(
            "Topic #{m} was merged into this one: its posts follow in their order."
        ))
    } else if query_param("flagged").is_some() {
        Some("Thank you: the moderators will look at the post you flagged.".to_owned())
    } else if query_param("hidden").is_some() {
        Some("The post is hidden; its author was told why and may appeal.".to_owned())
    } else if query_param("appealed").is_some() {
        Some("Your appeal is with the moderators.".to_owned())
    } else if query_param("edit").is_some_and(|e| e == "held") {
        Some(
            "Your edit waits for a moderator: until it is approved, everyone sees the post as it was."
                .to_owned(),
        )
    } else {
        None
    };
    view! {
        {said.map(|s| view! { <crate::components::Notice>{s}</crate::components::Notice> })}
        {errors.into_iter().flatten().map(|e| view! { <FormErrors error=Signal::stored(Some(e))/> }).collect_view()}
    }
}

/// Replies that arrive while the last page of a topic is open: the stream says a post appeared, the island
/// fetches the posts after the last one shown (what this viewer may see) and appends them.
#[island]
fn LiveReplies(
    topic_id: i64,
    after: i32,
    page: i32,
    can_reply: bool,
    manages: bool,
    signed_in: bool,
) -> impl IntoView {
    let live_posts = RwSignal::new(Vec::<PostInfo>::new());
    Effect::new(move |_| {
        crate::live::follow_topic(
            topic_id,
            after,
            live_posts,
            |p: &PostInfo| p.number,
            move |since| async move {
                crate::api::forums::new_posts(topic_id, since)
                    .await
                    .unwrap_or_default()
            },
        );
    });
    view! {
        <div class="posts live-posts" aria-live="polite" data-testid="live-posts">
            {move || live_posts.get().into_iter().map(|post| view! {
                <Post post topic_id page can_reply manages signed_in/>
            }).collect_view()}
        </div>
    }
}
