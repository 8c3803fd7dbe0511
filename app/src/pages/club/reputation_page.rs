use leptos::prelude::*;

use crate::api::club::reputation_formula;
use crate::components::PageTitle;
use crate::pages::forums::data_error;

/// `/reputation`: the public formula, the trust levels and what they allow, the badges.
#[component]
pub fn ReputationPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| reputation_formula());
    view! {
        <PageTitle text="How reputation works"/>
        <div class="page narrow prose-page">
            <h1>"How reputation works"</h1>
            <p>"Reputation measures what others found useful — never how much you wrote. A member whose one idea drew \
                fifty follow-ups counts for more than one who posted seventy-five complaints."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(f) => view! {
                            <section aria-labelledby="formula-title">
                                <h2 id="formula-title">"The formula"</h2>
                                <table class="formula">
                                    <thead><tr><th scope="col">"Credit"</th><th scope="col">"Points"</th><th scope="col">"Counted"</th></tr></thead>
                                    <tbody>
                                        {f.credits.iter().map(|(credit, points, rule)| view! {
                                            <tr><th scope="row">{credit.clone()}</th><td>{format!("{points}")}</td><td>{rule.clone()}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <p>{format!(
                                    "Recent credit weighs more: each credit's weight halves every {} days, down to at least {}× its points. \
                                     Interactions between the same two members count once, at their latest; your own posts, votes and \
                                     replies on your own content never count. Reputation updates within seconds of a change and is \
                                     recomputed in full every day.",
                                    f.half_life_days, f.floor)}</p>
                            </section>
                            <section aria-labelledby="trust-title">
                                <h2 id="trust-title">"Trust levels"</h2>
                                <p>"Trust levels come from reputation and account age together, and unlock privileges."</p>
                                <table class="trust-levels">
                                    <thead><tr>
                                        <th scope="col">"Level"</th><th scope="col">"Needs"</th>
                                        <th scope="col">"Links per post"</th><th scope="col">"Flags"</th>
                                    </tr></thead>
                                    <tbody>
                                        {f.levels.iter().map(|l| view! {
                                            <tr>
                                                <th scope="row">{format!("{} · {}", l.level, l.name)}</th>
                                                <td>{match l.min_reputation {
                                                    Some(0) => "Everyone starts here".to_owned(),
                                                    Some(m) => format!("{m} reputation and {} days since joining", l.min_days),
                                                    None => "The brand's team".to_owned(),
                                                }}</td>
                                                <td>{l.max_links}</td>
                                                <td>{if l.can_flag { format!("Can flag (weight {})", l.flag_weight) } else { "Cannot flag yet".to_owned() }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <section aria-labelledby="badges-title">
                                <h2 id="badges-title">"Badges"</h2>
                                <dl class="badge-list">
                                    {f.badges.iter().map(|(name, about)| view! { <dt>{name.clone()}</dt><dd>{about.clone()}</dd> }).collect_view()}
                                </dl>
                            </section>
                        }.into_any(),
                        Err(e) => data_error(e),
                    }
                })}
            </Suspense>
        </div>
    }
}
