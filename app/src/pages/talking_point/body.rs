//! The server-rendered parts of Talking Point (the live part of the page, the staff's mentions list). They are
//! rendered to HTML on the server, so that the page, the live island's refresh and a browser without
//! JavaScript all show exactly the same; nothing of them ships as wasm.

use domain::cursor::encode as encode_cursor;
use domain::talking_point::mentions::{MentionPage, MentionQuery};
use domain::talking_point::ranking::{Snapshot, Theme};
use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::accounts::urlencode;
use crate::api::talking_point::{MentionAction, SetIgnored, ThemeAction};

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%-d %b, %H:%M UTC").to_string()
}

fn percent(part: i64, all: i64) -> i64 {
    if all > 0 { (part * 100 + all / 2) / all } else { 0 }
}

/// An inline SVG sparkline of the last 7 days, named for screen readers with its numbers.
fn sparkline(label: &str, series: &[i64]) -> impl IntoView + use<> {
    let max = series.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (w, h) = (140.0, 32.0);
    let step = w / (series.len().max(2) - 1) as f64;
    let points: String = series
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                h - 2.0 - (*v as f64 / max) * (h - 4.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let numbers = series.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let name = format!("Mentions of {label} per day over the last 7 days, oldest first: {numbers}");
    let title = name.clone();
    view! {
        <svg class="sparkline" viewBox="0 0 140 32" width="140" height="32" role="img" aria-label=name>
            <title>{title}</title>
            <polyline points=points fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
        </svg>
    }
}

fn ask_link(theme: &Theme) -> String {
    let title = match theme.kind.as_str() {
        "product" => format!("Anybody experience with the {}?", theme.label),
        _ => format!("Anybody experience with {}?", theme.label),
    };
    let mut link = format!("/questions/ask?title={}", urlencode(&title));
    if let Some(p) = &theme.product {
        link.push_str(&format!("&product={}", urlencode(p)));
    }
    link
}

fn theme_card(theme: Theme, staff: bool) -> impl IntoView {
    let heading = format!("theme-{}", theme.key.replace([' ', ':'], "-"));
    let all = theme.positive + theme.neutral + theme.negative;
    let (pos, neu, neg) = (
        percent(theme.positive, all),
        percent(theme.neutral, all),
        percent(theme.negative, all),
    );
    let mood = format!("Sentiment: {pos}% positive, {neu}% neutral, {neg}% negative");
    let key = theme.key.clone();
    let note_id = format!("{heading}-note");
    view! {
        <li>
            <article class="card theme" aria-labelledby=heading.clone() data-theme=theme.key.clone()>
                <header class="theme-head">
                    <h3 id=heading.clone()>{theme.label.clone()}
                        {(theme.kind == "product").then(|| view! { " " <span class="badge">"Product"</span> })}
                    </h3>
                    <p class="theme-figures">
                        <strong>{format!("{:.1}×", theme.factor)}</strong> " its usual level · "
                        {format!("{} in the last 24 hours · {} in the last hour", theme.last_day, theme.last_hour)}
                    </p>
                </header>
                {theme.pinned_note.clone().map(|n| view! {
                    <p class="notice theme-note"><strong>"From the team: "</strong>{n}</p>
                })}
                <div class="theme-charts">
                    {sparkline(&theme.label, &theme.spark)}
                    <div class="mood">
                        <div class="mood-bar" aria-hidden="true">
                            <span class="mood-positive" style=format!("width:{pos}%")></span>
                            <span class="mood-neutral" style=format!("width:{neu}%")></span>
                            <span class="mood-negative" style=format!("width:{neg}%")></span>
                        </div>
                        <p class="mood-text">{mood}</p>
                    </div>
                </div>
                <p class="theme-reason"><span class="visually-hidden">"Why it is here: "</span>{theme.reason.clone()}</p>
                {(!theme.latest.is_empty()).then(|| view! {
                    <ul class="voices" aria-label=format!("Latest about {}", theme.label)>
                        {theme.latest.iter().map(|v| view! {
                            <li>
                                <a href=v.url.clone()>{v.title.clone()}</a>
                                {v.source.clone().map(|s| view! { " " <span class="badge badge-source">{format!("via {s}")}</span> })}
                                <span class="muted">{format!(" · {} · {}", v.author, when(v.at))}</span>
                                <p class="voice-excerpt">{v.excerpt.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
                <p><a class="button button-secondary" href=ask_link(&theme)>"Add your voice"<span class="visually-hidden">{format!(" about {}", theme.label)}</span></a></p>
                {staff.then(|| view! {
                    <details class="theme-tools">
                        <summary>"Staff: pin or hide"<span class="visually-hidden">{format!(" {}", theme.label)}</span></summary>
                        <form method="post" action=ThemeAction::url() class="inline-form">
                            <input type="hidden" name="key" value=key.clone()/>
                            <input type="hidden" name="action" value="pin"/>
                            <label for=note_id.clone()>"Public note"</label>
                            <input id=note_id type="text" name="note" required minlength="3" maxlength="280"
                                value=theme.pinned_note.clone().unwrap_or_default()/>
                            <button type="submit" class="button">"Pin with this note"</button>
                        </form>
                        {theme.pinned_note.is_some().then(|| view! {
                            <form method="post" action=ThemeAction::url() class="inline-form">
                                <input type="hidden" name="key" value=key.clone()/>
                                <input type="hidden" name="action" value="unpin"/>
                                <input type="hidden" name="note" value=""/>
                                <button type="submit" class="button button-secondary">"Unpin"</button>
                            </form>
                        })}
                        <form method="post" action=ThemeAction::url() class="inline-form">
                            <input type="hidden" name="key" value=key.clone()/>
                            <input type="hidden" name="action" value="hide"/>
                            <input type="hidden" name="note" value=""/>
                            <button type="submit" class="button button-danger">"Hide this theme"</button>
                        </form>
                    </details>
                })}
            </article>
        </li>
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "question" => "Question",
        "idea" => "Idea",
        _ => "Discussion",
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "under_review" => "under review",
        "planned" => "planned",
        "in_progress" => "in progress",
        "shipped" => "shipped",
        "declined" => "declined",
        _ => "updated",
    }
}

/// The live part of `/talking-point` as HTML.
pub fn render(s: &Snapshot, staff: bool) -> String {
    let s = s.clone();
    let updated = s
        .computed_at
        .map(|at| format!("Updated {}.", when(at)))
        .unwrap_or_else(|| "Not computed yet: the first numbers appear within a minute.".into());
    view! {
        <p class="muted tp-updated" data-testid="tp-updated">{updated}</p>
        <section class="tp-section" aria-labelledby="tp-themes">
            <h2 id="tp-themes">"Talked about now"</h2>
            {if s.themes.is_empty() {
                view! { <p>"Nothing stands out from the usual conversation right now."</p> }.into_any()
            } else {
                view! { <ol class="themes">{s.themes.into_iter().map(|t| theme_card(t, staff)).collect_view()}</ol> }.into_any()
            }}
        </section>
        <div class="tp-columns">
            <section class="tp-section" aria-labelledby="tp-hot">
                <h2 id="tp-hot">"Hot conversations"</h2>
                {if s.hot.is_empty() { view! { <p>"Quiet for now."</p> }.into_any() } else { view! {
                    <ol class="hot">
                        {s.hot.into_iter().map(|h| view! {
                            <li>
                                <a href=h.url>{h.title}</a>
                                <span class="muted">{format!(" · {} in {} · {} repliers and {} votes in 3 days", kind_label(&h.kind), h.category, h.repliers, h.votes)}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any() }}
            </section>
            <section class="tp-section" aria-labelledby="tp-heard">
                <h2 id="tp-heard">"We heard you"</h2>
                {if s.heard.is_empty() { view! { <p>"The team's answers appear here."</p> }.into_any() } else { view! {
                    <ul class="heard">
                        {s.heard.into_iter().map(|h| {
                            let what = match &h.status {
                                Some(st) => format!("Idea {} by {}", status_label(st), h.who),
                                None => format!("Official answer by {}", h.who),
                            };
                            view! {
                                <li>
                                    <span class="badge badge-official">{what}</span> " "
                                    <a href=h.url>{h.title}</a>
                                    <span class="muted">{format!(" · {}", when(h.at))}</span>
                                    {(!h.excerpt.is_empty()).then(|| view! { <p class="voice-excerpt">{h.excerpt}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any() }}
            </section>
            <section class="tp-section" aria-labelledby="tp-waiting">
                <h2 id="tp-waiting">"Waiting for an answer"</h2>
                {if s.waiting.is_empty() { view! { <p>"Every recent question has an answer."</p> }.into_any() } else { view! {
                    <ul class="waiting">
                        {s.waiting.into_iter().map(|w| view! {
                            <li><a href=w.url>{w.title}</a><span class="muted">{format!(" · asked by {} · {}", w.author, when(w.asked_at))}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any() }}
            </section>
        </div>
    }
    .to_html()
}

fn sentiment_of(s: f32) -> &'static str {
    if s >= 0.05 {
        "positive"
    } else if s <= -0.05 {
        "negative"
    } else {
        "neutral"
    }
}

/// The staff's list of mentions and the ignored-terms editor, as HTML.
pub fn render_mentions(page: &MentionPage, ignored: &[String], query: &MentionQuery) -> String {
    let items = page.items.clone();
    let filters = format!(
        "source={}&sentiment={}&theme={}&status={}",
        urlencode(query.source.as_deref().unwrap_or("")),
        urlencode(query.sentiment.as_deref().unwrap_or("")),
        urlencode(query.theme.as_deref().unwrap_or("")),
        urlencode(query.status.as_deref().unwrap_or(""))
    );
    let next = page
        .next
        .map(|c| format!("/staff/mentions?{filters}&after={}", urlencode(&encode_cursor(c))));
    let ignored = ignored.join("\n");
    view! {
        {if items.is_empty() { view! { <p>"No mentions match."</p> }.into_any() } else { view! {
            <ol class="mentions">
                {items.into_iter().map(|m| {
                    let heading = format!("mention-{}", m.id);
                    let publish = m.status != "published";
                    view! {
                        <li>
                            <article class="card mention" aria-labelledby=heading.clone()>
                                <h2 id=heading.clone()>
                                    <span class="badge badge-source">{m.source.clone()}</span> " "
                                    <a href=m.url.clone()>{m.author_handle.clone()}</a>
                                    <span class="muted">{format!(" · {} · {} ({:+.2}) · {}", when(m.posted_at), sentiment_of(m.sentiment), m.sentiment, m.status)}</span>
                                </h2>
                                <p>{m.text.clone()}</p>
                                {m.held_reason.clone().map(|r| view! { <p class="notice notice-held">{r}</p> })}
                                <form method="post" action=MentionAction::url() class="inline-form">
                                    <input type="hidden" name="id" value=m.id.to_string()/>
                                    <input type="hidden" name="action" value=if publish { "publish" } else { "hide" }/>
                                    <button type="submit" class=if publish { "button" } else { "button button-danger" }>
                                        {if publish { "Publish" } else { "Hide" }}
                                        <span class="visually-hidden">{format!(" mention {}", m.id)}</span>
                                    </button>
                                </form>
                            </article>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }.into_any() }}
        {next.map(|n| view! { <nav class="pager" aria-label="More mentions"><a class="button button-secondary" href=n>"Older mentions"</a></nav> })}
        <section class="card" aria-labelledby="ignored-title">
            <h2 id="ignored-title">"Ignored terms"</h2>
            <form method="post" action=SetIgnored::url() class="form">
                <div class="field">
                    <label for="f-ignored">"Words or two-word phrases that never make a theme, one per line"</label>
                    <p class="field-hint" id="f-ignored-hint">"The brand's own name is always ignored."</p>
                    <textarea id="f-ignored" name="terms" rows="10" aria-describedby="f-ignored-hint">{ignored}</textarea>
                </div>
                <button type="submit" class="button">"Save ignored terms"</button>
            </form>
        </section>
    }
    .to_html()
}
