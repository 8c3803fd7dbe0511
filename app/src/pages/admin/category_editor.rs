use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::forums::{CategoryInfo, SaveCategory};
use crate::model::AppError;

/// One category's form (an empty one creates a category). Field names follow the server function's
/// `category` argument (`category[slug]` …).
#[component]
pub fn CategoryEditor(category: Option<CategoryInfo>, error: Option<AppError>) -> impl IntoView {
    let key = category
        .as_ref()
        .map(|c| c.id.to_string())
        .unwrap_or_else(|| "new".into());
    // An error belongs to this form when its values carry this form's id.
    let error = error.filter(|e| {
        e.value("id").unwrap_or_default() == category.as_ref().map(|c| c.id.to_string()).unwrap_or_default()
    });
    let typed = |name: &str, current: String| error.as_ref().and_then(|e| e.value(name)).unwrap_or(current);
    let slug = typed(
        "slug",
        category.as_ref().map(|c| c.slug.clone()).unwrap_or_default(),
    );
    let name = typed(
        "name",
        category.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
    );
    let description = typed(
        "description",
        category
            .as_ref()
            .map(|c| c.description.clone())
            .unwrap_or_default(),
    );
    let color = typed(
        "color",
        category
            .as_ref()
            .map(|c| c.color.clone())
            .unwrap_or_else(|| "#1f5f8b".into()),
    );
    let visibility = category
        .as_ref()
        .map(|c| c.visibility.clone())
        .unwrap_or_else(|| "public".into());
    let posting = category
        .as_ref()
        .map(|c| c.posting.clone())
        .unwrap_or_else(|| "everyone".into());
    let position = category.as_ref().map(|c| c.position).unwrap_or(0);
    let min_tier = category.as_ref().map(|c| c.min_tier.clone()).unwrap_or_default();
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let id = |field: &str| format!("cat-{key}-{field}");
    let title = category
        .as_ref()
        .map(|c| format!("Edit “{}”", c.name))
        .unwrap_or_else(|| "New category".into());
    let field = |label: &'static str, field: &'static str, value: String, input: &'static str| {
        let err = field_error(field);
        let invalid = err.is_some();
        let fid = id(field);
        view! {
            <div class="field" class:field-invalid=invalid>
                <label for=fid.clone()>{label}</label>
                <input id=fid.clone() type=input name=format!("category[{field}]") value=value
                    aria-invalid=invalid.then_some("true") aria-describedby=format!("{fid}-error")/>
                <p class="field-error" id=format!("{fid}-error")>{err}</p>
            </div>
        }
    };
    view! {
        <form method="post" action=SaveCategory::url() class="form category-editor" aria-label=title.clone()>
            <h3>{title.clone()}</h3>
            {error.as_ref().map(|e| view! { <div class="form-errors" role="alert" tabindex="-1" autofocus><p><strong>{e.message.clone()}</strong></p></div> })}
            {category.as_ref().map(|c| view! { <input type="hidden" name="category[id]" value=c.id.to_string()/> })}
            <div class="field-grid">
                {field("Name", "name", name, "text")}
                {field("Slug (in the address /c/…)", "slug", slug, "text")}
                {field("Colour", "color", color, "text")}
                {field("Order (smaller first)", "position", position.to_string(), "number")}
            </div>
            {field("Description", "description", description, "text")}
            <div class="field-grid">
                <div class="field">
                    <label for=id("visibility")>"Who can see it"</label>
                    <select id=id("visibility") name="category[visibility]">
                        <option value="public" selected=visibility == "public">"Everyone"</option>
                        <option value="club" selected=visibility == "club">"Fan-club members (and the team)"</option>
                        <option value="staff" selected=visibility == "staff">"The team only"</option>
                    </select>
                </div>
                <div class="field">
                    <label for=id("posting")>"Who can start topics"</label>
                    <select id=id("posting") name="category[posting]">
                        <option value="everyone" selected=posting == "everyone">"Everyone who can see it"</option>
                        <option value="staff" selected=posting == "staff">"The team only (announcements)"</option>
                    </select>
                </div>
            </div>
            {field("Club tier from (slug, for club-only categories; empty for every club member)", "min_tier", min_tier, "text")}
            <button type="submit" class="button button-small">{if category.is_some() { "Save category" } else { "Create category" }}</button>
        </form>
    }
}
