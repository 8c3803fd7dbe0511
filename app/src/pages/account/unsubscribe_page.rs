use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::notify::UnsubscribeNow;
use crate::api::url_error;
use crate::components::{FormErrors, Notice, PageTitle};
use crate::pages::query_param;

/// `/unsubscribe?u=…&t=…&s=…`: the link at the bottom of every notification e-mail. Opening it changes nothing
/// (mail scanners open links); the one button stops that kind of e-mail, without logging in.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let q = |n: &str| query_param(n).unwrap_or_default();
    let (u, t, s, done) = (q("u"), q("t"), q("s"), query_param("done"));
    let error = use_query_map().with_untracked(url_error::<UnsubscribeNow>);
    view! {
        <PageTitle text="Unsubscribe"/>
        <div class="page narrow">
            <h1>"Unsubscribe"</h1>
            {match done {
                Some(what) => view! {
                    <Notice>{format!("Done: no more e-mails about {}.", what.to_lowercase())}</Notice>
                    <p>"You can turn them back on, and choose daily or weekly summaries, in your "
                        <a href="/settings#notifications">"settings"</a> "."</p>
                }.into_any(),
                None => view! {
                    <FormErrors error=Signal::stored(error)/>
                    <p>"Stop these e-mails? You will still see notifications on the site."</p>
                    <form method="post" action=UnsubscribeNow::url() class="inline-form">
                        <input type="hidden" name="u" value=u/>
                        <input type="hidden" name="t" value=t/>
                        <input type="hidden" name="s" value=s/>
                        <button type="submit" class="button">"Unsubscribe"</button>
                    </form>
                }.into_any(),
            }}
        </div>
    }
}
