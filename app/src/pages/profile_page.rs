use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::forums::member_topics;
use crate::api::moderation::SanctionMember;
use crate::api::profiles::get_profile;
use crate::components::{FormErrors, Notice, PageTitle, SanctionForm, TopicList};
use crate::pages::not_found_page::NotFoundPage;

/// A member's public profile.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let username = params.with_untracked(|p| p.get("username").unwrap_or_default());
    let key = username.clone();
    let profile = Resource::new_blocking(move || key.clone(), get_profile);
    let topics = Resource::new_blocking(move || username.clone(), |u| member_topics(u, None));
    let done = crate::pages::query_param("done");
    let sanction_error = use_query_map().with_untracked(crate::api::url_error::<SanctionMember>);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
            let (done, sanction_error) = (done.clone(), sanction_error.clone());
            Suspend::new(async move {
                match profile.await {
                    Ok(Some(p)) => {
                        let name = p.display_name.clone().unwrap_or_else(|| p.username.clone());
                        let staff_roles: Vec<String> = p.roles.iter().filter(|r| *r != "member").cloned().collect();
                        view! {
                            <PageTitle text=name.clone()/>
                            <div class="page narrow profile-page">
                                <h1>{name}</h1>
                                <p class="muted">"@" {p.username.clone()} " · member since " {p.joined.clone()}</p>
                                <ul class="badges" aria-label="Roles and labels">
                                    {staff_roles.into_iter().map(|r| view! { <li class="badge">{r}</li> }).collect_view()}
                                    {p.partner_label.clone().map(|l| view! { <li class="badge badge-partner">"Partner · " {l}</li> })}
                                </ul>
                                {(!p.bio.is_empty()).then(|| view! { <p class="bio">{p.bio.clone()}</p> })}
                                {p.can_sanction.then(|| {
                                    let back = format!("/u/{}", p.username);
                                    view! {
                                        <section class="card" aria-labelledby="member-moderation" id="moderate">
                                            <h2 id="member-moderation">"Moderation"</h2>
                                            {done.clone().map(|d| view! { <Notice>{format!("Done: {d}.")}</Notice> })}
                                            <FormErrors error=Signal::stored(sanction_error.clone())/>
                                            {p.suspended_until.clone().map(|u| view! { <p data-testid="suspended-until">{format!("Suspended until {u}.")}</p> })}
                                            <SanctionForm user_id=p.user_id username=p.username.clone() key="profile".to_owned() return_to=back/>
                                        </section>
                                    }
                                })}
                                {p.standing.clone().map(|s| view! { <Standing standing=s/> })}
                                {(!p.owns.is_empty()).then(|| view! {
                                    <section aria-labelledby="member-owns">
                                        <h2 id="member-owns">"Owns"</h2>
                                        <ul class="badges">
                                            {p.owns.iter().map(|o| view! { <li class="badge">{o.clone()}</li> }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                <section aria-labelledby="member-topics">
                                    <h2 id="member-topics">"Topics"</h2>
                                    <Suspense fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            let list = topics.await.unwrap_or_default();
                                            view! { <TopicList topics=list.items label="Topics started by this member"/> }
                                        })}
                                    </Suspense>
                                </section>
                            </div>
                        }.into_any()
                    }
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                }
            })
            }}
        </Suspense>
    }
}

/// Reputation with its breakdown, trust level, club tier and badges.
#[component]
fn Standing(standing: crate::api::profiles::StandingInfo) -> impl IntoView {
    let s = standing;
    view! {
        <section class="card standing" aria-labelledby="member-standing">
            <h2 id="member-standing">"Reputation"</h2>
            <p class="standing-summary">
                <strong class="reputation" data-testid="reputation">{s.reputation}</strong>
                " points · trust level " {s.trust_level} " (" {s.trust_name.clone()} ")"
                {s.club.then(|| view! {
                    " · " <span class="badge badge-club">
                        {s.club_tier.clone().map_or_else(|| "Fan club".to_owned(), |t| format!("Fan club · {t}"))}
                    </span>
                })}
            </p>
            <table class="breakdown">
                <caption class="visually-hidden">"Where the points come from"</caption>
                <thead><tr><th scope="col">"Source"</th><th scope="col">"Points"</th><th scope="col">"From"</th></tr></thead>
                <tbody>
                    {s.breakdown.iter().map(|(what, points, detail)| view! {
                        <tr><th scope="row">{what.clone()}</th><td>{*points}</td><td>{detail.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted"><a href="/reputation">"How reputation works"</a></p>
            {(!s.badges.is_empty()).then(|| view! {
                <h3>"Badges"</h3>
                <ul class="badges earned-badges" aria-label="Badges">
                    {s.badges.iter().map(|(name, about)| view! {
                        <li class="badge badge-earned" title=about.clone()>{name.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
