use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::accounts::Logout;
use crate::model::PageCtx;

/// The brand shell around every page: skip link, header with the brand and navigation, the page, the footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    let brand = ctx.brand.clone();
    let viewer = ctx.viewer.clone();
    let logo = brand.has_logo.then(|| {
        let alt = if brand.logo_alt.is_empty() {
            String::new()
        } else {
            brand.logo_alt.clone()
        };
        view! { <img class="brand-logo" src=format!("/brand/logo?v={}", brand.version) alt=alt height="40"/> }
    });
    let initial = brand
        .name
        .chars()
        .next()
        .unwrap_or('H')
        .to_uppercase()
        .to_string();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="site-header-inner">
                <a class="brand" href="/" aria-label=format!("{} home", brand.name)>
                    {match logo {
                        Some(img) => img.into_any(),
                        None => view! { <span class="brand-mark" aria-hidden="true">{initial}</span> }.into_any(),
                    }}
                    <span class="brand-text">
                        <span class="brand-name">{brand.name.clone()}</span>
                        {(!brand.tagline.is_empty()).then(|| view! { <span class="brand-tagline">{brand.tagline.clone()}</span> })}
                    </span>
                </a>
                // One set of links: below 52rem a "Menu" disclosure (a <details>, so it works without JavaScript)
                // folds them; wider, the same element shows them in the bar (style/components.css).
                <details class="nav-menu">
                <summary class="nav-menu-button">"Menu"</summary>
                <div class="nav-menu-panel">
                <nav class="site-nav" aria-label="Main">
                    <ul>
                        <li><a href="/">"Home"</a></li>
                        <li><a href="/latest">"Latest"</a></li>
                        <li><a href="/questions">"Questions"</a></li>
                        <li><a href="/ideas">"Ideas"</a></li>
                        <li><a href="/talking-point">"Talking Point"</a></li>
                        <li><a href="/club">"Club"</a></li>
                        <li><a href="/search">"Search"</a></li>
                    </ul>
                </nav>
                <nav class="account-nav" aria-label="Account">
                    {match viewer {
                        Some(v) => view! {
                            <ul>
                                {(v.has_role("moderator") || v.has_role("staff")).then(|| view! { <li><a href="/mod">"Moderation"</a></li> })}
                                {v.has_role("staff").then(|| view! { <li><a href="/staff/inbox">"Inbox"</a></li> })}
                                {v.has_role("staff").then(|| view! { <li><a href="/staff/mentions">"Mentions"</a></li> })}
                                {(v.has_role("staff") || v.has_role("product") || v.has_role("moderator")).then(|| view! { <li><a href="/insights">"Insights"</a></li> })}
                                {v.has_role("admin").then(|| view! { <li><a href="/admin">"Admin"</a></li> })}
                                <li><NotificationBell/></li>
                                <li><a href="/settings" class="viewer-name">{v.name().to_owned()}</a></li>
                                <li>
                                    <form method="post" action=Logout::url() class="inline-form">
                                        <button type="submit" class="button-quiet">"Log out"</button>
                                    </form>
                                </li>
                            </ul>
                        }.into_any(),
                        None => view! {
                            <ul>
                                <li><a href="/login">"Log in"</a></li>
                                <li><a href="/signup" class="button button-small">"Sign up"</a></li>
                            </ul>
                        }.into_any(),
                    }}
                </nav>
                </div>
                </details>
            </div>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>
                {brand.name.clone()}" community · "
                <a href="/policy">"Acceptable use policy"</a>
                " · Powered by Hearth"
            </p>
        </footer>
    }
}

/// The notifications link with the number of unread notifications (counted on the server).
#[component]
fn NotificationBell() -> impl IntoView {
    let unread = Resource::new(|| (), |_| crate::api::moderation::unread_notifications());
    view! {
        <Suspense fallback=|| view! { <a href="/notifications">"Notifications"</a> }>
            {move || Suspend::new(async move { view! { <LiveBell unread=unread.await.unwrap_or(0)/> } })}
        </Suspense>
    }
}

/// The bell in the browser: a new notification (from any app instance) refreshes the count without a reload.
#[island]
fn LiveBell(unread: i64) -> impl IntoView {
    let count = RwSignal::new(unread);
    Effect::new(move |_| {
        crate::live::listen("/api/v1/stream", move |kind, _| {
            if kind == "notification" {
                leptos::task::spawn_local(async move {
                    if let Ok(n) = crate::api::moderation::unread_notifications().await {
                        count.set(n);
                    }
                });
            }
        });
    });
    let label = move || match count.get() {
        0 => "Notifications, none unread".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        n => format!("Notifications, {n} unread"),
    };
    view! {
        <a href="/notifications" class="bell" aria-label=label>
            "Notifications"
            <span class="bell-count" data-testid="bell-count" aria-hidden="true" hidden=move || count.get() == 0>
                {move || count.get().min(99)}
            </span>
        </a>
    }
}
