use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::qa::{CreateProduct, SetMyProducts, products};
use crate::api::url_error;
use crate::components::{Field, FormErrors, Notice, PageTitle};
use crate::model::PageCtx;
use crate::pages::forums::data_error;
use crate::pages::query_param;

/// `/settings/products`: "I own …", with a since-when per product and the opt-in to be asked.
#[component]
pub fn MyProductsPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/settings/products");
    }
    let error = use_query_map().with_untracked(url_error::<SetMyProducts>);
    let saved = query_param("saved").is_some() && error.is_none();
    let data = Resource::new_blocking(|| (), |_| products());
    view! {
        <PageTitle text="My products"/>
        <div class="page narrow">
            <h1>"Products I own"</h1>
            <p class="muted">"Shown on your profile. Owners who agree are invited to answer questions about their products."</p>
            {saved.then(|| view! { <Notice>"Saved."</Notice> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let data = match data.await {
                        Ok(d) => d,
                        Err(e) => return data_error(e),
                    };
                    if data.products.is_empty() {
                        return view! { <p>"The product catalogue is empty so far."</p> }.into_any();
                    }
                    view! {
                        <form method="post" action=SetMyProducts::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <table class="table">
                                <caption class="visually-hidden">"Products"</caption>
                                <thead><tr><th scope="col">"I own"</th><th scope="col">"Since (optional)"</th></tr></thead>
                                <tbody>
                                    {data.products.into_iter().map(|p| {
                                        let check = format!("own-{}", p.id);
                                        let since = format!("since-{}", p.id);
                                        view! {
                                            <tr>
                                                <td>
                                                    <label for=check.clone() class="checkbox">
                                                        <input type="checkbox" id=check.clone() name="owned[products][]" value=p.id.to_string() checked=p.owned/>
                                                        {p.name.clone()}
                                                    </label>
                                                </td>
                                                <td>
                                                    <label for=since.clone() class="visually-hidden">{format!("Owned {} since", p.name)}</label>
                                                    <input type="date" id=since.clone() name=format!("owned[since][{}]", p.id) value=p.since.clone().unwrap_or_default()/>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <label for="f-ask_me" class="checkbox">
                                <input type="checkbox" id="f-ask_me" name="owned[ask_me]" value="true" checked=data.ask_me/>
                                "Invite me to answer questions about these products"
                            </label>
                            <button type="submit" class="button">"Save"</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}

/// `/admin/products`: the product catalogue (admins and staff add products).
#[component]
pub fn AdminProductsPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/admin/products");
    }
    let error = use_query_map().with_untracked(url_error::<CreateProduct>);
    let data = Resource::new_blocking(|| (), |_| products());
    view! {
        <PageTitle text="Product catalogue"/>
        <div class="page narrow">
            <h1>"Product catalogue"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let data = match data.await {
                        Ok(d) => d,
                        Err(e) => return data_error(e),
                    };
                    if !data.manages {
                        #[cfg(feature = "ssr")]
                        crate::ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
                        return view! { <p>"Only admins and staff manage the product catalogue."</p> }.into_any();
                    }
                    let value = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
                    view! {
                        <ul class="plain-list">
                            {data.products.iter().map(|p| view! {
                                <li><strong>{p.name.clone()}</strong> " " <code>{p.slug.clone()}</code>
                                    {(!p.versions.is_empty()).then(|| format!(" — versions: {}", p.versions.join(", ")))}</li>
                            }).collect_view()}
                        </ul>
                        <h2>"Add a product"</h2>
                        <form method="post" action=CreateProduct::url() class="form">
                            <FormErrors error=Signal::stored(error.clone())/>
                            <Field name="name" label="Name" required=true maxlength=80 value=value("name")
                                error=error.as_ref().and_then(|e| e.field("name"))/>
                            <Field name="slug" label="Slug" required=true maxlength=40 value=value("slug")
                                hint="Lower-case letters, digits and dashes: lumen-x"
                                error=error.as_ref().and_then(|e| e.field("slug"))/>
                            <Field name="versions" label="Versions (optional, comma-separated)" value=value("versions")
                                error=error.as_ref().and_then(|e| e.field("versions"))/>
                            <button type="submit" class="button">"Add product"</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}
