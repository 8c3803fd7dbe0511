//! Hearth's UI. Pages render on the server; only islands (`#[island]`) ship to the browser as wasm.
//! Every form works as a plain HTML form post before the wasm arrives.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
// Leptos views are deeply nested types; the release build needs more room to compute their layout.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod live;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use components::{HydrationProbe, Layout};
use model::PageCtx;
use pages::{
    account, admin, club, forums, home_page::HomePage, ideas, insights, moderation,
    not_found_page::NotFoundPage, policy_page::PolicyPage, profile_page::ProfilePage, qa, talking_point,
};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let ctx = {
        ssr::set_page_csp();
        ssr::page_ctx()
    };
    #[cfg(not(feature = "ssr"))]
    let ctx = PageCtx::default();
    // Colours are validated `#rrggbb` values: safe to inline.
    let brand_css = format!(
        ":root{{--brand-primary:{};--brand-accent:{};}}",
        ctx.brand.color_primary, ctx.brand.color_accent
    );
    provide_context(ctx);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/pkg/hearth.css"/>
                <style id="brand-colors">{brand_css}</style>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let brand_name = components::escape_title(&use_context::<PageCtx>().unwrap_or_default().brand.name);
    view! {
        <Title formatter=move |page: String| if page.is_empty() { brand_name.clone() } else { format!("{page} · {brand_name}") }/>
        <HydrationProbe/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=account::SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup/check-email") view=account::CheckEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=account::VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=account::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view=account::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=account::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=account::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/sessions") view=account::SessionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account-deleted") view=account::AccountDeletedPage ssr=SsrMode::Async/>
                    <Route path=path!("/unsubscribe") view=account::UnsubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("/u/:username") view=ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/policy") view=PolicyPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=admin::AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/club") view=admin::ClubSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/webhooks") view=admin::WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/webhooks/:id") view=admin::WebhookPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/webhooks/:id/deliveries/:delivery") view=admin::WebhookDeliveryPage ssr=SsrMode::Async/>
                    <Route path=path!("/latest") view=forums::LatestPage ssr=SsrMode::Async/>
                    <Route path=path!("/c/:slug") view=forums::CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/t/:id") view=forums::TopicPage ssr=SsrMode::Async/>
                    <Route path=path!("/p/:id") view=forums::PostPermalink ssr=SsrMode::Async/>
                    <Route path=path!("/p/:id/edit") view=forums::EditPostPage ssr=SsrMode::Async/>
                    <Route path=path!("/p/:id/history") view=forums::PostHistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/new-topic") view=forums::NewTopicPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=forums::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/questions") view=qa::QuestionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/questions/ask") view=qa::AskPage ssr=SsrMode::Async/>
                    <Route path=path!("/q/:id") view=qa::QuestionPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/products") view=qa::MyProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products") view=qa::AdminProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=qa::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/ideas") view=ideas::IdeasPage ssr=SsrMode::Async/>
                    <Route path=path!("/ideas/new") view=ideas::NewIdeaPage ssr=SsrMode::Async/>
                    <Route path=path!("/ideas/:id") view=ideas::IdeaPage ssr=SsrMode::Async/>
                    <Route path=path!("/shipped") view=ideas::ShippedPage ssr=SsrMode::Async/>
                    <Route path=path!("/club") view=club::ClubPage ssr=SsrMode::Async/>
                    <Route path=path!("/club/members") view=club::DirectoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/club/events/new") view=club::NewEventPage ssr=SsrMode::Async/>
                    <Route path=path!("/events/:id") view=club::EventPage ssr=SsrMode::Async/>
                    <Route path=path!("/reputation") view=club::ReputationPage ssr=SsrMode::Async/>
                    <Route path=path!("/mod") view=moderation::QueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/mod/audit") view=moderation::AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/inbox") view=moderation::InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/rules") view=moderation::RulesPage ssr=SsrMode::Async/>
                    <Route path=path!("/talking-point") view=talking_point::TalkingPointPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/mentions") view=talking_point::MentionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/insights") view=insights::InsightsPage ssr=SsrMode::Async/>
                    <Route path=path!("/insights/:report") view=insights::InsightsPage ssr=SsrMode::Async/>

                </Routes>
            </Layout>
        </Router>
    }
}

/// The browser entry point: hydrates the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
