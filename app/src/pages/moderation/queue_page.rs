use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::ModTabs;
use crate::api::moderation::{Decide, QueueEntry, SanctionMember, mod_queue};
use crate::api::url_error;
use crate::components::{FormErrors, Notice, PageTitle, SanctionForm};
use crate::pages::{login_required, query_param};

const KINDS: [(&str, &str); 5] = [
    ("", "All"),
    ("held", "Held by a rule"),
    ("edit", "Edits held by a rule"),
    ("flagged", "Flagged"),
    ("appeal", "Appeals"),
];
const REASONS: [(&str, &str); 12] = [
    ("", "Any reason"),
    ("too_brief", "Too brief"),
    ("link_limit", "Link limit"),
    ("link_promotion", "Link promotion"),
    ("words", "Watched words"),
    ("first_posts", "First posts"),
    ("partner_hold", "Partner posts"),
    ("spam", "Flag: spam"),
    ("abusive", "Flag: abusive"),
    ("off_topic", "Flag: off-topic"),
    ("other", "Flag: other"),
    ("appeal", "Appeal"),
];
const TYPES: [(&str, &str); 7] = [
    ("", "Any content"),
    ("topic", "Topics"),
    ("reply", "Replies"),
    ("question", "Questions"),
    ("answer", "Answers"),
    ("idea", "Ideas"),
    ("comment", "Comments"),
];

fn select(
    name: &'static str,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    chosen: String,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <p class="field-inline">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {options.iter().map(|(v, l)| view! { <option value=*v selected=*v == chosen.as_str()>{*l}</option> }).collect_view()}
            </select>
        </p>
    }
}

/// `/mod`: the one moderation queue — held posts, flagged content and appeals, oldest first.
#[component]
pub fn QueuePage() -> impl IntoView {
    let q = |n: &str| query_param(n).unwrap_or_default();
    let (kind, reason, ctype, after) = (q("kind"), q("reason"), q("type"), q("after"));
    let filters = (kind.clone(), reason.clone(), ctype.clone(), after);
    let data = Resource::new_blocking(move || filters.clone(), |(k, r, t, a)| mod_queue(k, r, t, a));
    let decide_error = use_query_map().with_untracked(url_error::<Decide>);
    let sanction_error = use_query_map().with_untracked(url_error::<SanctionMember>);
    let done = query_param("done");
    view! {
        <PageTitle text="Moderation queue"/>
        <div class="page mod-page">
            <h1>"Moderation"</h1>
            <ModTabs current="/mod"/>
            {done.map(|d| view! { <Notice>{match d.as_str() {
                "approve" => "Approved: it is visible to everyone.",
                "reject" => "Rejected: the author was told why.",
                _ => "Done: the member was told.",
            }}</Notice> })}
            <FormErrors error=Signal::stored(decide_error)/>
            <FormErrors error=Signal::stored(sanction_error)/>
            <form method="get" action="/mod" class="filters" aria-label="Filter the queue">
                {select("kind", "Kind", &KINDS, kind)}
                {select("reason", "Reason", &REASONS, reason)}
                {select("type", "Content", &TYPES, ctype)}
                <button type="submit" class="button button-secondary">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) if !v.allowed => view! { <p class="error" role="alert">"The queue is for moderators and staff."</p> }.into_any(),
                        Ok(v) => view! {
                            <p class="muted" data-testid="queue-open">{format!("{} open item{} in all, oldest first.", v.open, if v.open == 1 { "" } else { "s" })}</p>
                            {v.items.is_empty().then(|| view! { <p>"Nothing waits for review. "</p> })}
                            <ol class="queue">
                                {v.items.into_iter().map(|i| view! { <li><QueueCard item=i/></li> }).collect_view()}
                            </ol>
                            {v.next.map(|n| view! { <nav class="pager" aria-label="More items"><a class="button button-secondary" href=format!("/mod?after={n}")>"Older items"</a></nav> })}
                        }.into_any(),
                        Err(e) if e.code == "unauthenticated" => login_required("/mod"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn QueueCard(item: QueueEntry) -> impl IntoView {
    let i = item;
    let heading = format!("queue-item-{}", i.id);
    let kind = match i.kind.as_str() {
        "held" => "Held by a rule",
        "edit" => "Edit held by a rule",
        "flagged" => "Flagged",
        _ => "Appeal",
    };
    let id = i.id.to_string();
    let reject_id = format!("reject-reason-{}", i.id);
    view! {
        <article class="card queue-item" aria-labelledby=heading.clone()>
            <header>
                <h2 id=heading.clone()>
                    <span class="badge">{kind}</span> " " {i.content_type.clone()} " in "
                    <a href=i.url.clone()>{i.topic_title.clone()}</a>
                </h2>
                <p class="muted">"Since " {i.created.clone()} " · status " <strong>{i.status.clone()}</strong> " · reason " <code>{i.reason.clone()}</code></p>
                {(!i.detail.is_empty() && (i.kind == "held" || i.kind == "edit")).then(|| view! { <p class="notice notice-held">{i.detail.clone()}</p> })}
            </header>
            {(i.kind == "edit").then(|| view! { <p class="muted">"The edited version (the post shows its previous one until you approve):"</p> })}
            <div class="prose queue-body" inner_html=i.body_html.clone()></div>
            {(!i.flags.is_empty()).then(|| view! {
                <h3>"Flags"</h3>
                <ul class="flags">
                    {i.flags.iter().map(|(by, reason, note)| view! {
                        <li><a href=format!("/u/{by}")>{by.clone()}</a> ": " {reason.clone()} {(!note.is_empty()).then(|| format!(" — “{note}”"))}</li>
                    }).collect_view()}
                </ul>
            })}
            {i.appeal.clone().map(|a| view! { <h3>"The author's appeal"</h3><blockquote>{a}</blockquote> })}
            <dl class="author-history">
                <dt>"Author"</dt><dd><a href=format!("/u/{}", i.author)>{i.author.clone()}</a> ", joined " {i.author_joined.clone()}</dd>
                <dt>"History"</dt>
                <dd>{format!("{} published posts · {} rejected before · {} warnings · {} flags on their posts", i.author_posts, i.author_rejected, i.author_warnings, i.author_flags)}</dd>
                {i.author_suspended.clone().map(|s| view! { <dt>"Suspended"</dt><dd>"until " {s}</dd> })}
            </dl>
            <div class="queue-actions">
                <form method="post" action=Decide::url() class="inline-form">
                    <input type="hidden" name="item_id" value=id.clone()/>
                    <input type="hidden" name="decision" value="approve"/>
                    <input type="hidden" name="reason" value=""/>
                    <button type="submit" class="button">
                        {if i.kind == "flagged" { "Keep it (dismiss flags)" } else { "Approve" }}
                        <span class="visually-hidden">" item " {i.id}</span>
                    </button>
                </form>
                <form method="post" action=Decide::url() class="inline-form">
                    <input type="hidden" name="item_id" value=id.clone()/>
                    <input type="hidden" name="decision" value="reject"/>
                    <label for=reject_id.clone()>"Reason for the author"</label>
                    <input id=reject_id type="text" name="reason" required minlength="3" maxlength="500"/>
                    <button type="submit" class="button button-danger">"Reject"<span class="visually-hidden">" item " {i.id}</span></button>
                </form>
            </div>
            <SanctionForm user_id=i.author_id username=i.author.clone() key=i.id.to_string() return_to="/mod".to_owned()/>
        </article>
    }
}
