use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use super::state_label;
use crate::api::forums::PostInfo;
use crate::api::qa::{AcceptAnswer, Answer, AnswerInfo, CommentAnswer, QuestionView, VoteAnswer, question};
use crate::api::url_error;
use crate::components::{Composer, FormErrors, PageTitle};
use crate::model::AppError;
use crate::pages::forums::data_error;

/// The author line and body of a question, an answer, an idea or a comment.
#[component]
pub(crate) fn PostBody(post: PostInfo) -> impl IntoView {
    view! {
        <header class="post-header">
            <p>
                <a class="post-author" href=format!("/u/{}", post.author)>{post.author_name.clone()}</a>
                {post.badges.iter().map(|b| view! { <span class="badge">{b.clone()}</span> }).collect_view()}
            </p>
            <p class="post-meta">
                <time datetime=post.created_iso.clone()>{post.created.clone()}</time>
                {(post.edit_count > 0).then(|| view! { " · " <span>"edited"</span> })}
                {post.can_edit.then(|| view! { " · " <a href=format!("/p/{}/edit", post.id)>"Edit"</a> })}
            </p>
        </header>
        {(post.status != "published").then(|| view! {
            <p class="notice notice-held" role="note">
                "Held for review: only you and the moderators see it. " {post.held_reason.clone().unwrap_or_default()}
            </p>
        })}
        <div class="prose post-body" inner_html=post.body_html.clone()></div>
    }
}

/// Up, down, and back: three small forms (they work without JavaScript).
#[component]
fn Votes(question_id: i64, answer: AnswerInfo) -> impl IntoView {
    let id = answer.post.id;
    let form = move |value: i16, label: &'static str, symbol: &'static str, pressed: bool| {
        // Pressing the active button again takes the vote back.
        let sent = if pressed { 0 } else { value };
        view! {
            <form method="post" action=VoteAnswer::url() class="inline-form">
                <input type="hidden" name="question_id" value=question_id.to_string()/>
                <input type="hidden" name="answer_id" value=id.to_string()/>
                <input type="hidden" name="value" value=sent.to_string()/>
                <button type="submit" class="vote-button" aria-pressed=pressed.to_string()
                    aria-label=format!("{label} (answer by {})", answer.post.author)>{symbol}</button>
            </form>
        }
    };
    view! {
        <div class="votes" aria-label="Score">
            {answer.can_vote.then(|| form(1, "Useful", "▲", answer.my_vote == 1))}
            <span class="score" data-testid="score">{answer.score}</span>
            {answer.can_vote.then(|| form(-1, "Not useful", "▼", answer.my_vote == -1))}
        </div>
    }
}

/// What an answer card needs of its question (an island gets it as a prop, so it stays small).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Asked {
    id: i64,
    can_accept: bool,
    can_answer: bool,
}

impl Asked {
    fn of(q: &QuestionView) -> Asked {
        Asked {
            id: q.id,
            can_accept: q.can_accept,
            can_answer: q.can_answer,
        }
    }
}

/// One answer with its votes, marks, acceptance and comments. `comment_error` is a refused comment on it (from
/// the URL; the page reads it, since cards also render inside the live island, which has no router).
#[component]
fn AnswerCard(
    question: Asked,
    answer: AnswerInfo,
    #[prop(default = None)] comment_error: Option<AppError>,
) -> impl IntoView {
    let anchor = format!("answer-{}", answer.post.id);
    let heading = format!("answer-{}-by", answer.post.id);
    view! {
        <article class="post answer" class:answer-accepted=answer.accepted id=anchor aria-labelledby=heading.clone()>
            <span id=format!("post-{}", answer.post.number)></span>
            <Votes question_id=question.id answer=answer.clone()/>
            <div class="answer-main">
                <p class="answer-marks" id=heading.clone()>
                    <span class="visually-hidden">"Answer by " {answer.post.author.clone()}</span>
                    {answer.accepted.then(|| view! { <span class="tag tag-accepted">"✓ Accepted answer"</span> })}
                    {answer.official.then(|| view! { <span class="tag tag-official">"Official"</span> })}
                    {answer.owner.then(|| view! { <span class="tag tag-owner">"Owner"</span> })}
                </p>
                <PostBody post=answer.post.clone()/>
                {(question.can_accept && !answer.accepted).then(|| view! {
                    <form method="post" action=AcceptAnswer::url() class="inline-form">
                        <input type="hidden" name="question_id" value=question.id.to_string()/>
                        <input type="hidden" name="answer_id" value=answer.post.id.to_string()/>
                        <button type="submit" class="button button-secondary">"Accept this answer"</button>
                    </form>
                })}
                <section class="comments" aria-label=format!("Comments on the answer by {}", answer.post.author)>
                    {(!answer.comments.is_empty()).then(|| view! {
                        <ul class="comment-list">
                            {answer.comments.iter().map(|c| view! {
                                <li class="comment">
                                    <div class="prose" inner_html=c.body_html.clone()></div>
                                    <p class="muted">"— " <a href=format!("/u/{}", c.author)>{c.author.clone()}</a> " · " {c.created.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                    {question.can_answer.then(|| {
                        let id = format!("comment-{}", answer.post.id);
                        let has_error = comment_error.is_some();
                        view! {
                            <details open=has_error>
                                <summary>"Add a comment"</summary>
                                <form method="post" action=CommentAnswer::url() class="form">
                                    <FormErrors error=Signal::stored(comment_error.clone())/>
                                    <input type="hidden" name="question_id" value=question.id.to_string()/>
                                    <input type="hidden" name="answer_id" value=answer.post.id.to_string()/>
                                    <div class="field">
                                        <label for=id.clone()>"Comment"</label>
                                        <textarea id=id name="body" rows="2" maxlength="1000" required=true>
                                            {comment_error.as_ref().and_then(|e| e.value("body")).unwrap_or_default()}
                                        </textarea>
                                    </div>
                                    <button type="submit" class="button button-secondary">"Comment"</button>
                                </form>
                            </details>
                        }
                    })}
                </section>
            </div>
        </article>
    }
}

/// `/q/{id}`: a question, its products and state, its answers (accepted first, then by score, then oldest),
/// votes, acceptance, comments and the answer form.
#[component]
pub fn QuestionPage() -> impl IntoView {
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let answer_error = use_query_map().with_untracked(url_error::<Answer>);
    let comment_error = use_query_map().with_untracked(url_error::<CommentAnswer>);
    // A refused vote or acceptance (rate limit, permissions) comes back in the URL like a form error.
    let action_error = use_query_map()
        .with_untracked(|q| url_error::<VoteAnswer>(q).or_else(|| url_error::<AcceptAnswer>(q)));
    let data = Resource::new_blocking(move || id, question);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let (answer_error, action_error, comment_error) =
                    (answer_error.clone(), action_error.clone(), comment_error.clone());
                Suspend::new(async move {
                match data.await {
                    Ok(q) => view! {
                        <PageTitle text=q.title.clone()/>
                        <div class="page topic-page question-page">
                            <header class="topic-header">
                                <p>
                                    <a class="category-pill" href=format!("/c/{}", q.category_slug)
                                        style=format!("--pill:{}", q.category_color)>{q.category_name.clone()}</a>
                                    <span class=format!("tag state-{}", q.state) data-testid="question-state">{state_label(&q.state)}</span>
                                    {q.locked.then(|| view! { <span class="tag">"Locked"</span> })}
                                </p>
                                <h1>{q.title.clone()}</h1>
                                <p class="muted">
                                    {q.products.iter().map(|(slug, name)| view! {
                                        <a class="product-pill" href=format!("/questions?product={slug}")>{name.clone()}</a>
                                    }).collect_view()}
                                    " · asked " {q.asked.clone()} " · " {crate::pages::count(q.views, "view", "views")}
                                </p>
                                {q.answer_timing.clone().map(|timing| view! {
                                    <p class="muted" data-testid="answer-timing">{timing}</p>
                                })}
                            </header>
                            <FormErrors error=Signal::stored(action_error.clone())/>
                            <article class="post question-body" aria-label="The question">
                                <PostBody post=q.body.clone()/>
                            </article>
                            <section aria-labelledby="answers-title">
                                <h2 id="answers-title">{crate::pages::count(q.answers.len() as i64, "answer", "answers")}</h2>
                                {q.answers.iter().cloned().map(|a| {
                                    let comment_error = comment_error.clone().filter(|e| e.value("answer_id") == Some(a.post.id.to_string()));
                                    view! { <AnswerCard question=Asked::of(&q) answer=a comment_error/> }
                                }).collect_view()}
                                <LiveAnswers question=Asked::of(&q)
                                    after=q.answers.iter().map(|a| a.post.number).max().unwrap_or(1)/>
                            </section>
                            {if q.can_answer {
                                let typed = answer_error.as_ref().and_then(|e| e.value("body")).unwrap_or_default();
                                view! {
                                    <section id="answer" class="card reply-box" aria-labelledby="answer-title">
                                        <h2 id="answer-title">"Your answer"</h2>
                                        <form method="post" action=Answer::url() class="form">
                                            <FormErrors error=Signal::stored(answer_error.clone())/>
                                            <input type="hidden" name="question_id" value=q.id.to_string()/>
                                            <Composer name="body".to_owned() label="Answer".to_owned() initial=typed
                                                error=answer_error.as_ref().and_then(|e| e.field("body"))
                                                hint=Some("Share what you experienced with the product.".to_owned())/>
                                            <button type="submit" class="button">"Post answer"</button>
                                        </form>
                                    </section>
                                }.into_any()
                            } else if !q.signed_in {
                                view! { <p class="card"><a href=format!("/login?next=%2Fq%2F{}", q.id)>"Log in"</a> " or " <a href="/signup">"sign up"</a> " to answer."</p> }.into_any()
                            } else {
                                view! { <p class="notice">"This question is locked: it takes no new answers."</p> }.into_any()
                            }}
                        </div>
                    }.into_any(),
                    Err(e) => data_error(e),
                }
            })}}
        </Suspense>
    }
}

/// Answers that arrive while the question is open: the stream says a post appeared, the island fetches the answers
/// after the last one shown (what this viewer may see, with their votes) and appends them.
#[island]
fn LiveAnswers(question: Asked, after: i32) -> impl IntoView {
    let answers = RwSignal::new(Vec::<AnswerInfo>::new());
    let id = question.id;
    Effect::new(move |_| {
        crate::live::follow_topic(
            id,
            after,
            answers,
            |a: &AnswerInfo| a.post.number,
            move |since| async move { crate::api::qa::new_answers(id, since).await.unwrap_or_default() },
        );
    });
    view! {
        <div class="live-answers" aria-live="polite" data-testid="live-answers">
            {move || answers.get().into_iter().map(|answer| view! {
                <AnswerCard question=question.clone() answer/>
            }).collect_view()}
        </div>
    }
}
