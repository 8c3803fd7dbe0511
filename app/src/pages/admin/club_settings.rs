use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::club::{AddClubPerk, GrantClubTier, SaveClubTier, club_settings};
use crate::api::url_error;
use crate::components::{Field, FormErrors, Notice, PageTitle, TextAreaField};
use crate::pages::{login_required, query_param};

/// `/admin/club`: the fan club's tiers and perks (admins) and granting a member a tier (staff), with the same
/// domain functions (and audit entries) as the API.
#[component]
pub fn ClubSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let tier_error = query.with_untracked(url_error::<SaveClubTier>);
    let perk_error = query.with_untracked(url_error::<AddClubPerk>);
    let grant_error = query.with_untracked(url_error::<GrantClubTier>);
    let saved = query_param("saved");
    let data = Resource::new_blocking(|| (), |_| club_settings());
    view! {
        <PageTitle text="Fan club settings"/>
        <div class="page admin-page">
            <h1>"Fan club settings"</h1>
            {saved.map(|what| view! { <Notice>{match what.as_str() {
                "tier" => "The tier is saved; every member's tier follows its threshold now.",
                "perk" => "The perk is added.",
                "grant" => "The member's tier is saved.",
                _ => "Saved.",
            }}</Notice> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let (tier_error, perk_error, grant_error) = (tier_error.clone(), perk_error.clone(), grant_error.clone());
                    Suspend::new(async move {
                    match data.await {
                        Ok(v) if !v.allowed => view! { <p class="error" role="alert">"The club's settings are for the brand's staff."</p> }.into_any(),
                        Ok(v) => {
                            let tv = |e: &Option<crate::model::AppError>, name: &str| e.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
                            let tf = |e: &Option<crate::model::AppError>, name: &str| e.as_ref().and_then(|e| e.field(name));
                            let options = v.tiers.iter().map(|t| (t.slug.clone(), t.name.clone())).collect::<Vec<_>>();
                            view! {
                            <section class="card" aria-labelledby="tiers-title">
                                <h2 id="tiers-title">"Tiers"</h2>
                                {v.tiers.is_empty().then(|| view! { <p>"No tiers yet."</p> })}
                                <table class="data-table" data-testid="club-tiers">
                                    <caption class="visually-hidden">"Tiers, most privileged first, with their perks"</caption>
                                    <thead><tr><th scope="col">"Tier"</th><th scope="col">"Rank"</th><th scope="col">"Reputation to reach it"</th><th scope="col">"Perks"</th></tr></thead>
                                    <tbody>
                                        {v.tiers.iter().map(|t| view! {
                                            <tr>
                                                <th scope="row">{t.name.clone()} " " <code>{t.slug.clone()}</code></th>
                                                <td>{t.rank}</td>
                                                <td>{t.min_reputation}</td>
                                                <td><ul>{t.perks.iter().map(|(title, _, code, link)| view! {
                                                    <li>{title.clone()}
                                                        {code.clone().map(|c| view! { " · code " <code>{c}</code> })}
                                                        {link.clone().map(|l| view! { " · " <a href=l.clone()>{l.clone()}</a> })}</li>
                                                }).collect_view()}</ul></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            {v.admin.then(|| view! {
                                <section class="card" aria-labelledby="tier-form-title">
                                    <h2 id="tier-form-title">"Add or change a tier"</h2>
                                    <p class="muted">"A tier with an existing slug is changed; members' tiers follow the new threshold at once."</p>
                                    <form method="post" action=SaveClubTier::url() class="form">
                                        <FormErrors error=Signal::stored(tier_error.clone())/>
                                        <Field name="slug" label="Slug" value=tv(&tier_error, "slug") error=tf(&tier_error, "slug") required=true maxlength=40/>
                                        <Field name="name" label="Name" value=tv(&tier_error, "name") error=tf(&tier_error, "name") required=true maxlength=60/>
                                        <Field name="rank" label="Rank (higher is more privileged)" input_type="number" value=tv(&tier_error, "rank") error=tf(&tier_error, "rank") required=true/>
                                        <Field name="min_reputation" label="Reputation that reaches it" input_type="number" value=tv(&tier_error, "min_reputation") error=tf(&tier_error, "min_reputation") required=true/>
                                        <TextAreaField name="description" label="Description" value=tv(&tier_error, "description") error=tf(&tier_error, "description")/>
                                        <button type="submit" class="button">"Save tier"</button>
                                    </form>
                                </section>
                                <section class="card" aria-labelledby="perk-form-title">
                                    <h2 id="perk-form-title">"Add a perk"</h2>
                                    <form method="post" action=AddClubPerk::url() class="form">
                                        <FormErrors error=Signal::stored(perk_error.clone())/>
                                        <p class="field">
                                            <label for="perk-tier">"Tier"</label>
                                            <select id="perk-tier" name="tier">
                                                {options.iter().map(|(slug, name)| view! { <option value=slug.clone()>{name.clone()}</option> }).collect_view()}
                                            </select>
                                        </p>
                                        <Field name="title" label="Title" value=tv(&perk_error, "title") error=tf(&perk_error, "title") required=true maxlength=120/>
                                        <TextAreaField name="body" label="What members get" value=tv(&perk_error, "body") error=tf(&perk_error, "body")/>
                                        <Field name="code" label="Code (shown only to members who reached the tier)" value=tv(&perk_error, "code") error=tf(&perk_error, "code")/>
                                        <Field name="link" label="Link" input_type="url" value=tv(&perk_error, "link") error=tf(&perk_error, "link")/>
                                        <button type="submit" class="button">"Add perk"</button>
                                    </form>
                                </section>
                            })}
                            <section class="card" aria-labelledby="grant-form-title">
                                <h2 id="grant-form-title">"Grant a member a tier"</h2>
                                <p class="muted">"A granted tier stays when the member's reputation falls; choose “No granted tier” to take a grant back."</p>
                                <form method="post" action=GrantClubTier::url() class="form">
                                    <FormErrors error=Signal::stored(grant_error.clone())/>
                                    <Field name="username" label="Member (username)" value=tv(&grant_error, "username") error=tf(&grant_error, "username") required=true/>
                                    <p class="field">
                                        <label for="grant-tier">"Tier"</label>
                                        <select id="grant-tier" name="tier">
                                            {options.iter().map(|(slug, name)| view! { <option value=slug.clone()>{name.clone()}</option> }).collect_view()}
                                            <option value="">"No granted tier"</option>
                                        </select>
                                    </p>
                                    <Field name="reason" label="Reason (for the audit log)" value=tv(&grant_error, "reason") error=tf(&grant_error, "reason")/>
                                    <button type="submit" class="button">"Grant"</button>
                                </form>
                            </section>
                        }.into_any()
                        }
                        Err(e) if e.code == "unauthenticated" => login_required("/admin/club"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })
                }}
            </Suspense>
        </div>
    }
}
