//! The OpenAPI 3 document, generated from the handlers' annotations.

use actix_web::HttpResponse;
use serde_json::Value;
use std::sync::LazyLock;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::{
    accounts, brand, club, error, forums, ideas, insights, moderation, notifications, policy, privacy, qa,
    stream, talking_point, users, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hearth API",
        version = "1",
        description = "The public API of a Hearth community. Authenticate with the session cookie from \
            POST /api/v1/auth/login or with `Authorization: Bearer <personal API token>`. Every error has the \
            shape {\"error\": {\"code\", \"message\", \"fields\"}}."
    ),
    paths(
        document,
        accounts::list_sessions, accounts::end_session, accounts::end_other_sessions,
        accounts::signup, accounts::login, accounts::logout, accounts::verify, accounts::resend_verification,
        accounts::request_password_reset, accounts::confirm_password_reset, accounts::change_password,
        accounts::me, accounts::update_me, accounts::create_token, accounts::list_tokens, accounts::revoke_token,
        privacy::request_export, privacy::get_export, privacy::delete_me, privacy::anonymise,
        users::profile, users::set_access,
        policy::current, policy::publish,
        brand::get, brand::update, brand::put_logo, brand::delete_logo,
        forums::list_categories, forums::create_category, forums::update_category, forums::category_topics,
        forums::latest, forums::member_topics, forums::get_topic, forums::topic_posts, forums::create_topic,
        forums::reply, forums::edit_post, forums::revisions, forums::pin_topic, forums::unpin_topic, forums::lock_topic, forums::unlock_topic, forums::move_topic,
        forums::merge_topic, forums::watch_topic,
        forums::watch_category, forums::search,
        qa::list_products, qa::create_product, qa::my_products, qa::set_my_products, qa::list_questions, qa::ask,
        qa::similar, qa::get_question, qa::answer, qa::vote, qa::accept, qa::comment,
        qa::notifications, qa::mark_read,
        ideas::list, ideas::export, ideas::submit, ideas::get, ideas::vote, ideas::follow, ideas::comment,
        ideas::set_status, ideas::merge, ideas::survey, ideas::shipped,
        club::tiers, club::save_tier, club::add_perk, club::get_membership, club::join, club::set_directory,
        club::leave, club::directory, club::grant, club::list_events, club::create_event, club::get_event,
        club::rsvp, club::cancel_rsvp, club::attendees, club::ics, club::formula,
        moderation::flag, moderation::queue_list, moderation::approve, moderation::reject, moderation::hide,
        moderation::appeal_post, moderation::appeal_comment, moderation::suspend, moderation::unsuspend, moderation::warn, moderation::ban,
        moderation::audit_log,
        moderation::get_rules, moderation::put_rules, moderation::accept_policy, moderation::inbox_list,
        moderation::inbox_assign, moderation::inbox_unassign, moderation::inbox_handle,
        notifications::get_preferences, notifications::put_preferences, notifications::get_preferences_alias,
        notifications::put_preferences_alias, notifications::unsubscribe, stream::stream,
        talking_point::get, talking_point::ingest, talking_point::list, talking_point::hide_mention,
        talking_point::publish_mention, talking_point::pin, talking_point::unpin, talking_point::hide,
        talking_point::unhide, talking_point::get_ignored, talking_point::put_ignored,
        insights::get, insights::csv,
        webhooks::event_types, webhooks::list, webhooks::create, webhooks::get, webhooks::update, webhooks::delete,
        webhooks::rotate_secret, webhooks::send_test, webhooks::deliveries, webhooks::delivery_detail,
        webhooks::retry,
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail)),
    modifiers(&Security),
    tags(
        (name = "meta", description = "This API's own description"),
        (name = "accounts", description = "Sign-up, log-in, sessions, passwords, tokens"),
        (name = "users", description = "Member profiles and roles"),
        (name = "policy", description = "The acceptable use policy"),
        (name = "brand", description = "The brand the community runs under"),
        (name = "forums", description = "Categories, topics, posts, search"),
        (name = "qa", description = "Products, questions, answers, votes, acceptance"),
        (name = "ideas", description = "Ideas, votes, statuses with notes, merges, the board and its export"),
        (name = "club", description = "The fan club: membership, tiers and perks, events and RSVPs, reputation"),
        (name = "moderation", description = "Flags, the moderation queue, appeals, sanctions, rules, the audit log"),
        (name = "listening", description = "The staff inbox: unanswered questions and detractor posts"),
        (name = "notifications", description = "The member's in-app notifications"),
        (name = "talking_point", description = "What customers talk about now; mentions from outside the community"),
        (name = "insights", description = "Reports for staff and the product team: health, Q&A, ideas, listening, club, moderation"),
        (name = "webhooks", description = "Signed webhooks (Standard Webhooks) to the company's systems: endpoints, secrets, the delivery log"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                domain::accounts::sessions::COOKIE_NAME,
            ))),
        );
    }
}

/// The document as served: generated once, then the optional fields of request bodies marked nullable.
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
        Value::Null
    });
    nullable_optionals(&mut doc);
    doc
});

/// This document: every `/api/v1` operation with its request, responses and errors (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

/// Request bodies take `null` for any field they do not require ([`super::Body`]): say so in their schemas (and
/// in the schemas those reference), so that a generated client may send `null` for a field it leaves unset.
fn nullable_optionals(doc: &mut Value) {
    let mut pending: Vec<String> = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for op in paths
            .values()
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
        {
            if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
                content
                    .values()
                    .for_each(|media| refs_in(&media["schema"], &mut pending));
            }
        }
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut done = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(schema) = schemas.get_mut(&name) else {
            continue;
        };
        refs_in(schema, &mut pending);
        let required: Vec<Value> = schema
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (field, property) in properties.iter_mut() {
                if !required.iter().any(|r| r.as_str() == Some(field)) {
                    make_nullable(property);
                }
            }
        }
    }
}

/// The component names a schema references (`#/components/schemas/<name>`), at any depth.
fn refs_in(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

fn make_nullable(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    let null = || serde_json::json!({"type": "null"});
    if let Some(reference) = map.remove("$ref") {
        map.insert(
            "oneOf".into(),
            Value::Array(vec![serde_json::json!({"$ref": reference}), null()]),
        );
        return;
    }
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match map.get_mut("type") {
        Some(Value::String(t)) if t.as_str() != "null" => {
            let t = Value::String(std::mem::take(t));
            map.insert("type".into(), Value::Array(vec![t, Value::String("null".into())]));
        }
        Some(Value::Array(types)) => {
            if !types.iter().any(|t| t == "null") {
                types.push(Value::String("null".into()));
            }
        }
        Some(_) => {}
        None => {
            if let Some(Value::Array(variants)) = map.get_mut("oneOf") {
                if !variants
                    .iter()
                    .any(|v| v.get("type").and_then(Value::as_str) == Some("null"))
                {
                    variants.push(null());
                }
            } else if let Some(all) = map.remove("allOf") {
                map.insert(
                    "oneOf".into(),
                    Value::Array(vec![serde_json::json!({"allOf": all}), null()]),
                );
            }
        }
    }
}
