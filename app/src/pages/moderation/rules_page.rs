use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::ModTabs;
use crate::api::moderation::{RulesInput, SaveRules, rules_form};
use crate::api::url_error;
use crate::components::{FormErrors, Notice, PageTitle};
use crate::pages::{login_required, query_param};

fn number(id: &'static str, label: &'static str, value: String, hint: &'static str) -> impl IntoView {
    view! {
        <p><label for=id>{label}</label> <input id=id name=format!("form[{id}]") value=value inputmode="decimal" aria-describedby=format!("{id}-hint")/>
            <span id=format!("{id}-hint") class="hint">{hint}</span></p>
    }
}

fn list(id: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! { <p><label for=id>{label}</label><textarea id=id name=format!("form[{id}]") rows="3">{value}</textarea></p> }
}

fn toggle(id: &'static str, label: &'static str, on: bool) -> impl IntoView {
    view! { <p class="check"><input type="checkbox" id=id name=format!("form[{id}]") checked=on/> <label for=id>{label}</label></p> }
}

/// `/admin/rules`: the automatic pre-moderation rules and the listening settings (admins).
#[component]
pub fn RulesPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| rules_form());
    let error = use_query_map().with_untracked(url_error::<SaveRules>);
    let saved = query_param("saved").is_some();
    view! {
        <PageTitle text="Moderation rules"/>
        <div class="page narrow mod-page">
            <h1>"Moderation rules"</h1>
            <ModTabs current="/admin/rules"/>
            {saved.then(|| view! { <Notice>"Saved. The rules apply to the next post."</Notice> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    match data.await {
                        Ok(Some(r)) => view! { <RulesEditor rules=r error=error/> }.into_any(),
                        Ok(None) => view! { <p class="error" role="alert">"Only administrators change the rules."</p> }.into_any(),
                        Err(e) if e.code == "unauthenticated" => login_required("/admin/rules"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}}
            </Suspense>
        </div>
    }
}

#[component]
fn RulesEditor(rules: RulesInput, error: Option<crate::model::AppError>) -> impl IntoView {
    let r = rules;
    view! {
        <form method="post" action=SaveRules::url() class="form rules-form">
            <FormErrors error=Signal::stored(error)/>
            <fieldset><legend>"Too brief"</legend>
                {toggle("too_brief", "Hold very short posts and empty phrases", r.too_brief.is_some())}
                {number("min_chars", "Minimum characters", r.min_chars, "Shorter posts are held.")}
                {list("phrases", "Empty phrases (one per line)", r.phrases)}
            </fieldset>
            <fieldset><legend>"Link limits"</legend>
                {toggle("link_limit", "Hold posts with too many links", r.link_limit.is_some())}
                {number("max_links", "Most links in a post", r.max_links, "More are held.")}
                {number("min_trust_level", "Trust level needed for any link", r.min_trust_level, "0 to 4; below it, any link is held.")}
            </fieldset>
            <fieldset><legend>"Link promotion"</legend>
                {toggle("link_promotion", "Hold posts that are mostly links or link to watched domains", r.link_promotion.is_some())}
                {number("max_link_share", "Largest share of linked text", r.max_link_share, "0.1 to 1.")}
                {list("watched_domains", "Watched domains (one per line)", r.watched_domains)}
            </fieldset>
            <fieldset><legend>"Blocked and watched words"</legend>
                {toggle("words", "Check words", r.words.is_some())}
                {list("blocked", "Blocked: refused with a message (one per line)", r.blocked)}
                {list("watched", "Watched: held for review (one per line)", r.watched)}
            </fieldset>
            <fieldset><legend>"New members and partners"</legend>
                {toggle("first_posts", "Hold the first posts of new members", r.first_posts.is_some())}
                {number("first_posts_count", "Posts a moderator approves first", r.first_posts_count, "1 to 20.")}
                {toggle("partner_hold", "Hold every post by partner accounts (vendor posting policy)", r.partner_hold.is_some())}
            </fieldset>
            <fieldset><legend>"Flags"</legend>
                {toggle("flags", "Hide flagged content at the threshold", r.flags.is_some())}
                {number("hide_at_weight", "Flag weight that hides", r.hide_at_weight, "Flags weigh 1 to 3 by trust level.")}
            </fieldset>
            <fieldset><legend>"Staff inbox"</legend>
                {toggle("inbox", "Fill the staff inbox", r.inbox.is_some())}
                {number("unanswered_hours", "Hours before an unanswered question enters", r.unanswered_hours, "1 to 720.")}
                {number("detractor_below", "Sentiment at or below which a post is a detractor", r.detractor_below, "-1 to 0 (VADER compound).")}
            </fieldset>
            <button type="submit" class="button">"Save the rules"</button>
        </form>
    }
}
