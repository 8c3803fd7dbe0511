use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::category_editor::CategoryEditor;
use crate::api::admin::{AnonymiseMember, PublishPolicy, SetMemberAccess, UpdateBrand, search_members};
use crate::api::forums::{SaveCategory, categories};
use crate::api::policy::policy_history;
use crate::api::url_error;
use crate::components::{CheckboxField, Field, FormErrors, Notice, PageTitle, TextAreaField};
use crate::model::PageCtx;
use crate::pages::query_param;

/// Brand, members' roles and the acceptable use policy. Admins only.
#[component]
pub fn AdminPage() -> impl IntoView {
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    let Some(viewer) = ctx.viewer.clone() else {
        return crate::pages::login_required("/admin");
    };
    if !viewer.has_role("admin") {
        #[cfg(feature = "ssr")]
        crate::ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
        return view! {
            <PageTitle text="Not allowed"/>
            <div class="page narrow">
                <h1>"Not allowed"</h1>
                <p>"Only administrators can open this page."</p>
            </div>
        }
        .into_any();
    }
    let query = use_query_map();
    let brand_error = query.with_untracked(url_error::<UpdateBrand>);
    let access_error = query.with_untracked(url_error::<SetMemberAccess>);
    let policy_error = query.with_untracked(url_error::<PublishPolicy>);
    let logo_error = query_param("logo_error");
    let member_prefix = query_param("member").unwrap_or_default();
    let prefix = member_prefix.clone();
    let members = Resource::new_blocking(move || prefix.clone(), search_members);
    let policies = Resource::new_blocking(|| (), |_| policy_history());
    let category_list = Resource::new_blocking(|| (), |_| categories());
    let category_error = query.with_untracked(url_error::<SaveCategory>);
    let saved = query_param("saved");
    let brand = ctx.brand.clone();
    let value = |name: &str, current: &str| {
        brand_error
            .as_ref()
            .and_then(|e| e.value(name))
            .unwrap_or_else(|| current.to_owned())
    };
    let brand_field = |name: &str| brand_error.as_ref().and_then(|e| e.field(name));
    view! {
        <PageTitle text="Administration"/>
        <div class="page admin-page">
            <h1>"Administration"</h1>
            {saved.map(|what| {
                let text = match what.as_str() {
                    "brand" => "The brand is saved; every page shows it now.",
                    "logo" => "The logo is saved.",
                    "access" => "The member's roles are saved.",
                    "anonymised" => "The account is deleted: it shows as a former member now.",
                    "category" => "The category is saved.",
                    _ => "Saved.",
                };
                view! { <Notice>{text}</Notice> }
            })}
            <nav aria-label="More administration" class="card admin-links">
                <ul>
                    <li><a href="/admin/webhooks">"Webhooks"</a>" — tell your CRM, support desk and product tools what happens, signed and retried"</li>
                    <li><a href="/admin/products">"Products"</a>" — what questions and ideas are about"</li>
                    <li><a href="/admin/club">"Fan club"</a>" — tiers, perks and granting a member a tier"</li>
                    <li><a href="/admin/rules">"Moderation rules"</a></li>
                </ul>
            </nav>
            <section aria-labelledby="brand-title" class="card">
                <h2 id="brand-title">"Brand"</h2>
                <p>"Your community's name, tagline, colours and logo. Colours must keep text readable (WCAG AA contrast of 4.5:1 against white)."</p>
                <form method="post" action=UpdateBrand::url() class="form">
                    <FormErrors error=Signal::stored(brand_error.clone())/>
                    <Field name="name" label="Community name" required=true maxlength=60
                        value=value("name", &brand.name) error=brand_field("name")/>
                    <Field name="tagline" label="Tagline" maxlength=140
                        value=value("tagline", &brand.tagline) error=brand_field("tagline")/>
                    <div class="field-row">
                        <Field name="color_primary" label="Primary colour" hint="Buttons and the header, e.g. #1f5f8b"
                            value=value("color_primary", &brand.color_primary) error=brand_field("color_primary")/>
                        <span class="swatch" style=format!("background:{}", brand.color_primary) aria-hidden="true"></span>
                        <Field name="color_accent" label="Accent colour" hint="Links, e.g. #9c4312"
                            value=value("color_accent", &brand.color_accent) error=brand_field("color_accent")/>
                        <span class="swatch" style=format!("background:{}", brand.color_accent) aria-hidden="true"></span>
                    </div>
                    <Field name="logo_alt" label="Logo description" maxlength=120
                        hint="What the logo shows, for people who cannot see it. Leave empty if it only repeats the name."
                        value=value("logo_alt", &brand.logo_alt) error=brand_field("logo_alt")/>
                    {brand.has_logo.then(|| view! {
                        <CheckboxField name="remove_logo">"Remove the current logo"</CheckboxField>
                    })}
                    <button type="submit" class="button">"Save brand"</button>
                </form>
                <form method="post" action="/admin/brand/logo" enctype="multipart/form-data" class="form">
                    <h3>"Logo"</h3>
                    {logo_error.map(|e| view! { <div class="form-errors" role="alert"><p><strong>{e}</strong></p></div> })}
                    {brand.has_logo.then(|| view! {
                        <p><img src=format!("/brand/logo?v={}", brand.version) alt="Current logo" height="48"/></p>
                    })}
                    <div class="field">
                        <label for="f-logo">"Logo image"</label>
                        <p class="field-hint" id="f-logo-hint">"PNG, JPEG or WebP, at most 256 KB; shown 40 pixels high."</p>
                        <input id="f-logo" type="file" name="logo" accept="image/png,image/jpeg,image/webp" required aria-describedby="f-logo-hint"/>
                    </div>
                    <button type="submit" class="button button-secondary">"Upload logo"</button>
                </form>
            </section>

            <section aria-labelledby="categories-title" class="card" id="categories">
                <h2 id="categories-title">"Categories"</h2>
                <p>"Where topics live. Club-only categories open to fan-club members and the team; team-only ones to the team."</p>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || {
                        let category_error = category_error.clone();
                        Suspend::new(async move {
                        let list = category_list.await.unwrap_or_default();
                        view! {
                            {list.into_iter().map(|c| view! {
                                <details class="category-admin">
                                    <summary>{c.name.clone()} " · /c/" {c.slug.clone()} " · " {c.visibility.clone()}</summary>
                                    <CategoryEditor category=Some(c.clone()) error=category_error.clone()/>
                                </details>
                            }).collect_view()}
                            <CategoryEditor category=None error=category_error.clone()/>
                        }
                    })}}
                </Suspense>
            </section>

            <section aria-labelledby="members-title" class="card">
                <h2 id="members-title">"Members and roles"</h2>
                <p>"Staff answer officially; moderators work the queue; the product team harvests ideas; admins do everything. A partner label marks a partner company's people."</p>
                <form method="get" action="/admin" class="form form-inline" role="search">
                    <Field name="member" label="Find members by username" value=member_prefix.clone()/>
                    <button type="submit" class="button button-secondary">"Search"</button>
                </form>
                <FormErrors error=Signal::stored(access_error)/>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let found = members.await.unwrap_or_default();
                        if found.is_empty() {
                            return view! { <p class="muted">"No members match."</p> }.into_any();
                        }
                        view! {
                            <ul class="member-list">
                                {found.into_iter().map(|m| {
                                    let has = |r: &str| m.roles.iter().any(|x| x == r);
                                    let id = m.id;
                                    let role_box = move |role: &'static str, label: &'static str, on: bool| view! {
                                        <label class="check">
                                            <input type="checkbox" name=format!("role_{role}") value="on" checked=on/>
                                            {label}
                                        </label>
                                    };
                                    view! {
                                        <li class="member-row">
                                            <form method="post" action=SetMemberAccess::url() class="form form-inline"
                                                aria-label=format!("Roles of {}", m.username)>
                                                <input type="hidden" name="user_id" value=id.to_string()/>
                                                <p class="member-name">
                                                    <a href=format!("/u/{}", m.username)>{m.username.clone()}</a>
                                                    " · " {m.email.clone()} {(!m.verified).then_some(" · unconfirmed")}
                                                </p>
                                                <fieldset>
                                                    <legend>"Roles"</legend>
                                                    {role_box("admin", "Admin", has("admin"))}
                                                    {role_box("staff", "Staff", has("staff"))}
                                                    {role_box("moderator", "Moderator", has("moderator"))}
                                                    {role_box("product", "Product team", has("product"))}
                                                </fieldset>
                                                <label class="inline-label">"Partner label "
                                                    <input type="text" name="partner_label" maxlength="60" value=m.partner_label.clone()/>
                                                </label>
                                                <label class="inline-label">"Reason "
                                                    <input type="text" name="reason" maxlength="200"/>
                                                </label>
                                                <button type="submit" class="button button-small">"Save"</button>
                                            </form>
                                            <details class="member-delete">
                                                <summary>"Delete "{m.username.clone()}"'s account"</summary>
                                                <form method="post" action=AnonymiseMember::url() class="form form-inline"
                                                    aria-label=format!("Delete the account of {}", m.username)>
                                                    <input type="hidden" name="user_id" value=id.to_string()/>
                                                    <p>"At once: name, e-mail address, profile, products, tokens and sessions are removed; posts stay under a pseudonym unless removed too. Recorded in the audit log."</p>
                                                    <label class="inline-label">"Reason "
                                                        <input type="text" name="reason" maxlength="500" required=true/>
                                                    </label>
                                                    <label class="check">
                                                        <input type="checkbox" name="remove_content" value="on"/>
                                                        "Remove their posts too"
                                                    </label>
                                                    <button type="submit" class="button button-small button-danger">"Delete account"</button>
                                                </form>
                                            </details>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Suspense>
            </section>

            <section aria-labelledby="policy-admin-title" class="card">
                <h2 id="policy-admin-title">"Acceptable use policy"</h2>
                <p>"Publishing creates a new version; members accept it before their next post. " <a href="/policy">"See the current version and history"</a>"."</p>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || {
                        let policy_error = policy_error.clone();
                        Suspend::new(async move {
                        let current = policies.await.ok().and_then(|v| v.into_iter().next());
                        let title = policy_error.as_ref().and_then(|e| e.value("title"))
                            .or_else(|| current.as_ref().map(|p| p.title.clone())).unwrap_or_default();
                        let body = policy_error.as_ref().and_then(|e| e.value("body"))
                            .or_else(|| current.as_ref().map(|p| p.body_md.clone())).unwrap_or_default();
                        view! {
                            <form method="post" action=PublishPolicy::url() class="form">
                                <FormErrors error=Signal::stored(policy_error.clone())/>
                                <Field name="title" label="Title" required=true maxlength=120 value=title
                                    error=policy_error.as_ref().and_then(|e| e.field("title"))/>
                                <TextAreaField name="body" label="Policy text (Markdown)" required=true rows=12 value=body
                                    error=policy_error.as_ref().and_then(|e| e.field("body"))/>
                                <button type="submit" class="button">"Publish a new version"</button>
                            </form>
                        }
                    })}}
                </Suspense>
            </section>
        </div>
    }
    .into_any()
}
