use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use super::{STATUSES, status_label};
use crate::api::forums::PostInfo;
use crate::api::ideas::{
    AnswerIdeaSurvey, CommentIdea, FollowIdea, IdeaView, MergeIdea, SetIdeaStatus, VoteIdea, idea,
};
use crate::api::url_error;
use crate::components::{Composer, FormErrors, PageTitle};
use crate::pages::forums::data_error;
use crate::pages::qa::PostBody;

/// Votes and following: two small forms.
#[component]
fn VoteBox(idea: IdeaView) -> impl IntoView {
    let open = matches!(
        idea.status.as_str(),
        "new" | "under_review" | "planned" | "in_progress"
    );
    view! {
        <section id="votes" class="card idea-vote-box" aria-label="Votes">
            <p class="idea-vote-total">
                <span class="vote-count" data-testid="votes">{idea.votes}</span>
                " " {if idea.votes == 1 { "vote" } else { "votes" }}
            </p>
            {if !idea.signed_in {
                view! { <p><a href=format!("/login?next=%2Fideas%2F{}", idea.id)>"Log in to vote"</a></p> }.into_any()
            } else {
                view! {
                    {open.then(|| view! {
                        <form method="post" action=VoteIdea::url() class="inline-form">
                            <input type="hidden" name="idea_id" value=idea.id.to_string()/>
                            <input type="hidden" name="on" value=if idea.voted { "0" } else { "1" }/>
                            <button type="submit" class="button" class:button-secondary=idea.voted aria-pressed=idea.voted.to_string()>
                                {if idea.voted { "Take back my vote" } else { "Vote for this idea" }}
                            </button>
                        </form>
                    })}
                    {(!open && idea.voted).then(|| view! { <p class="muted">"You voted for this idea."</p> })}
                    {idea.merged_into.is_none().then(|| view! {
                        <form method="post" action=FollowIdea::url() class="inline-form">
                            <input type="hidden" name="idea_id" value=idea.id.to_string()/>
                            <input type="hidden" name="on" value=if idea.following { "0" } else { "1" }/>
                            <button type="submit" class="button button-secondary" aria-pressed=idea.following.to_string()>
                                {if idea.following { "Stop following" } else { "Follow without voting" }}
                            </button>
                        </form>
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// "Did this solve your problem?" for members who voted before it shipped.
#[component]
fn Survey(idea: IdeaView) -> impl IntoView {
    let thanks = use_query_map().with_untracked(|q| q.get("answered").is_some());
    let current = idea.survey_answer.clone().unwrap_or_default();
    let choices = [("yes", "Yes"), ("partly", "Partly"), ("no", "No")];
    view! {
        <section id="survey" class="card survey" aria-labelledby="survey-title">
            <h2 id="survey-title">"Did this solve your problem?"</h2>
            {thanks.then(|| view! { <p class="notice notice-success" role="status">"Thank you — the product team reads every answer."</p> })}
            <form method="post" action=AnswerIdeaSurvey::url() class="form form-inline">
                <input type="hidden" name="idea_id" value=idea.id.to_string()/>
                <fieldset class="field radio-row">
                    <legend class="visually-hidden">"Your answer"</legend>
                    {choices.into_iter().map(|(value, label)| {
                        let id = format!("survey-{value}");
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="checkbox">
                                <input type="radio" id=id name="answer" value=value checked=current == value required=true/>
                                {label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">{if current.is_empty() { "Send answer" } else { "Change answer" }}</button>
            </form>
        </section>
    }
}

/// The product team's tools: status with a public note, merge, voters by tier, survey answers.
#[component]
fn TeamPanel(idea: IdeaView) -> impl IntoView {
    let query = use_query_map();
    let status_error = query.with_untracked(url_error::<SetIdeaStatus>);
    let merge_error = query.with_untracked(url_error::<MergeIdea>);
    let note = status_error
        .as_ref()
        .and_then(|e| e.value("note"))
        .unwrap_or_default();
    let chosen = status_error
        .as_ref()
        .and_then(|e| e.value("status"))
        .unwrap_or_else(|| idea.status.clone());
    let into = merge_error
        .as_ref()
        .and_then(|e| e.value("into_id"))
        .unwrap_or_default();
    let merged = idea.merged_into.is_some();
    view! {
        <section class="card team-panel" aria-labelledby="team-title">
            <h2 id="team-title">"Product team"</h2>
            {(!merged).then(|| view! {
                <form method="post" action=SetIdeaStatus::url() class="form" aria-labelledby="status-form-title">
                    <h3 id="status-form-title">"Change the status"</h3>
                    <FormErrors error=Signal::stored(status_error.clone())/>
                    <input type="hidden" name="idea_id" value=idea.id.to_string()/>
                    <div class="field" class:field-invalid=status_error.as_ref().and_then(|e| e.field("status")).is_some()>
                        <label for="f-status">"New status"</label>
                        <select id="f-status" name="status">
                            {STATUSES.iter().map(|(key, label)| view! {
                                <option value=*key selected=chosen == *key>{*label}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error">{status_error.as_ref().and_then(|e| e.field("status"))}</p>
                    </div>
                    <div class="field" class:field-invalid=status_error.as_ref().and_then(|e| e.field("note")).is_some()>
                        <label for="f-note">"Public note"</label>
                        <p class="field-hint" id="f-note-hint">"Every voter and follower reads it with the change. Markdown."</p>
                        <textarea id="f-note" name="note" rows="3" maxlength="2000" required=true
                            aria-describedby="f-note-hint f-note-error">{note}</textarea>
                        <p class="field-error" id="f-note-error">{status_error.as_ref().and_then(|e| e.field("note"))}</p>
                    </div>
                    <button type="submit" class="button">"Change status"</button>
                </form>
                <form method="post" action=MergeIdea::url() class="form" aria-labelledby="merge-form-title">
                    <h3 id="merge-form-title">"Merge into another idea"</h3>
                    <FormErrors error=Signal::stored(merge_error.clone())/>
                    <input type="hidden" name="idea_id" value=idea.id.to_string()/>
                    <div class="field" class:field-invalid=merge_error.as_ref().and_then(|e| e.field("into_id")).is_some()>
                        <label for="f-into">"Number of the idea this one duplicates"</label>
                        <input id="f-into" name="into_id" type="text" inputmode="numeric" required=true value=into
                            aria-describedby="f-into-error"/>
                        <p class="field-error" id="f-into-error">{merge_error.as_ref().and_then(|e| e.field("into_id"))}</p>
                    </div>
                    <div class="field">
                        <label for="f-merge-note">"Public note (optional)"</label>
                        <textarea id="f-merge-note" name="note" rows="2" maxlength="2000"></textarea>
                    </div>
                    <button type="submit" class="button button-secondary">"Merge"</button>
                </form>
            })}
            <h3>"Voters by club tier"</h3>
            {if idea.voters_by_tier.is_empty() {
                view! { <p class="muted">"No votes yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead><tr><th scope="col">"Tier"</th><th scope="col">"Voters"</th></tr></thead>
                        <tbody>
                            {idea.voters_by_tier.iter().map(|t| view! {
                                <tr><th scope="row">{t.name.clone()}</th><td>{t.voters}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {idea.survey.clone().filter(|s| s.asked > 0).map(|s| view! {
                <h3>"Did it solve their problem?"</h3>
                <p data-testid="survey-summary">
                    {format!("Yes {} · Partly {} · No {} · not answered {} (of {} asked)", s.yes, s.partly, s.no, s.pending, s.asked)}
                </p>
            })}
        </section>
    }
}

/// `/ideas/{id}`: an idea with its status, public history, votes, follow, comments; the survey for its voters
/// once shipped; the product team's tools.
#[component]
pub fn IdeaPage() -> impl IntoView {
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let query = use_query_map();
    let comment_error = query.with_untracked(url_error::<CommentIdea>);
    let action_error = query.with_untracked(|q| {
        url_error::<VoteIdea>(q)
            .or_else(|| url_error::<FollowIdea>(q))
            .or_else(|| url_error::<AnswerIdeaSurvey>(q))
    });
    let data = Resource::new_blocking(move || id, idea);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let (comment_error, action_error) = (comment_error.clone(), action_error.clone());
                Suspend::new(async move {
                match data.await {
                    Ok(i) => view! {
                        <PageTitle text=i.title.clone()/>
                        <div class="page topic-page idea-page">
                            <header class="topic-header">
                                <p>
                                    <a class="category-pill" href=format!("/c/{}", i.category_slug)
                                        style=format!("--pill:{}", i.category_color)>{i.category_name.clone()}</a>
                                    <span class=format!("tag idea-status status-{}", i.status) data-testid="idea-status">{status_label(&i.status)}</span>
                                </p>
                                <h1>{i.title.clone()}</h1>
                                <p class="muted">
                                    "Idea #" {i.id}
                                    {i.product.clone().map(|(slug, name)| view! {
                                        " · " <a class="product-pill" href=format!("/ideas?product={slug}")>{name}</a>
                                    })}
                                    " · submitted " {i.created.clone()} " · " {crate::pages::count(i.views, "view", "views")}
                                </p>
                            </header>
                            {i.merged_into.clone().map(|(target, title)| view! {
                                <p class="notice" role="note">
                                    "This idea was merged into " <a href=format!("/ideas/{target}")>{title}</a>
                                    ". Its votes and followers moved there; its comments stay here to read."
                                </p>
                            })}
                            <FormErrors error=Signal::stored(action_error.clone())/>
                            <div class="idea-layout">
                                <div class="idea-main">
                                    <article class="post question-body" aria-label="The idea">
                                        <PostBody post=i.body.clone()/>
                                    </article>
                                    {i.survey_asked.then(|| view! { <Survey idea=i.clone()/> })}
                                    <section id="history" aria-labelledby="history-title">
                                        <h2 id="history-title">"Status history"</h2>
                                        {if i.history.is_empty() {
                                            view! { <p class="muted">"New — the product team has not reviewed it yet."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ol class="status-history">
                                                    {i.history.iter().map(|h| view! {
                                                        <li id=format!("status-{}", h.id) class="status-change">
                                                            <p>
                                                                <span class=format!("tag idea-status status-{}", h.to)>{status_label(&h.to)}</span>
                                                                " " <span class="muted">"from " {status_label(&h.from)}
                                                                {h.by.clone().map(|b| format!(" · by {b}"))} " · "
                                                                <time datetime=h.at_iso.clone()>{h.at.clone()}</time></span>
                                                            </p>
                                                            {h.merged_into.map(|t| view! { <p>"Merged into " <a href=format!("/ideas/{t}")>{format!("idea #{t}")}</a></p> })}
                                                            <div class="prose" inner_html=h.note_html.clone()></div>
                                                        </li>
                                                    }).collect_view()}
                                                </ol>
                                            }.into_any()
                                        }}
                                    </section>
                                    {(!i.merged_here.is_empty()).then(|| view! {
                                        <section aria-labelledby="merged-title">
                                            <h2 id="merged-title">"Merged into this idea"</h2>
                                            <ul>
                                                {i.merged_here.iter().map(|(mid, title)| view! {
                                                    <li><a href=format!("/ideas/{mid}")>{title.clone()}</a></li>
                                                }).collect_view()}
                                            </ul>
                                        </section>
                                    })}
                                    <section aria-labelledby="comments-title">
                                        <h2 id="comments-title">{crate::pages::count(i.comments.len() as i64, "comment", "comments")}</h2>
                                        {i.comments.iter().cloned().map(|c| view! { <Comment post=c/> }).collect_view()}
                                        <LiveComments idea_id=i.id after=i.comments.iter().map(|c| c.number).max().unwrap_or(1)/>
                                    </section>
                                    {if i.can_comment {
                                        let typed = comment_error.as_ref().and_then(|e| e.value("body")).unwrap_or_default();
                                        view! {
                                            <section id="comment" class="card reply-box" aria-labelledby="comment-title">
                                                <h2 id="comment-title">"Add a comment"</h2>
                                                <form method="post" action=CommentIdea::url() class="form">
                                                    <FormErrors error=Signal::stored(comment_error.clone())/>
                                                    <input type="hidden" name="idea_id" value=i.id.to_string()/>
                                                    <Composer name="body".to_owned() label="Comment".to_owned() initial=typed
                                                        error=comment_error.as_ref().and_then(|e| e.field("body"))
                                                        hint=Some("How would you use it? What do you do today instead?".to_owned())/>
                                                    <button type="submit" class="button">"Comment"</button>
                                                </form>
                                            </section>
                                        }.into_any()
                                    } else if !i.signed_in {
                                        view! { <p class="card"><a href=format!("/login?next=%2Fideas%2F{}", i.id)>"Log in"</a> " or " <a href="/signup">"sign up"</a> " to vote and comment."</p> }.into_any()
                                    } else {
                                        view! { <p class="notice">"This idea takes no new comments."</p> }.into_any()
                                    }}
                                </div>
                                <aside class="idea-side">
                                    <VoteBox idea=i.clone()/>
                                    {i.product_team.then(|| view! { <TeamPanel idea=i.clone()/> })}
                                </aside>
                            </div>
                        </div>
                    }.into_any(),
                    Err(e) => data_error(e),
                }
            })}}
        </Suspense>
    }
}

/// One comment on an idea (anchored by its post number, which notifications link to).
#[component]
fn Comment(post: PostInfo) -> impl IntoView {
    let (anchor, label) = (
        format!("post-{}", post.number),
        format!("Comment by {}", post.author),
    );
    view! {
        <article class="post" id=anchor aria-label=label>
            <PostBody post/>
        </article>
    }
}

/// Comments that arrive while the idea is open (the stream says a post appeared; the island fetches what this
/// viewer may see after the last comment shown and appends it).
#[island]
fn LiveComments(idea_id: i64, after: i32) -> impl IntoView {
    let comments = RwSignal::new(Vec::<PostInfo>::new());
    Effect::new(move |_| {
        crate::live::follow_topic(
            idea_id,
            after,
            comments,
            |c: &PostInfo| c.number,
            move |since| async move {
                crate::api::forums::new_posts(idea_id, since)
                    .await
                    .unwrap_or_default()
            },
        );
    });
    view! {
        <div class="live-comments" aria-live="polite" data-testid="live-comments">
            {move || comments.get().into_iter().map(|c| view! { <Comment post=c/> }).collect_view()}
        </div>
    }
}
