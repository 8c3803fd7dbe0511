// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        token_hash -> Bytea,
        token_prefix -> Text,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        scopes -> Array<Text>,
        expires_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        actor_id -> Nullable<Int8>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Int8>,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        reason -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    categories (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        description -> Text,
        position -> Int4,
        color -> Text,
        visibility -> Text,
        posting -> Text,
        topic_count -> Int4,
        post_count -> Int4,
        last_posted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        min_tier_id -> Nullable<Int8>,
    }
}

diesel::table! {
    category_watches (user_id, category_id) {
        user_id -> Int8,
        category_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    club_members (user_id) {
        user_id -> Int8,
        joined_at -> Timestamptz,
        created_at -> Timestamptz,
        tier_id -> Nullable<Int8>,
        granted_tier_id -> Nullable<Int8>,
        granted_by -> Nullable<Int8>,
        in_directory -> Bool,
    }
}

diesel::table! {
    club_perks (id) {
        id -> Int8,
        tier_id -> Int8,
        title -> Text,
        body -> Text,
        code -> Nullable<Text>,
        link -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    club_tiers (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        rank -> Int4,
        min_reputation -> Int4,
        created_at -> Timestamptz,
        description -> Text,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        purpose -> Text,
        token_hash -> Bytea,
        email -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Int8,
        kind -> Text,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
        gave_up_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        list_unsubscribe -> Nullable<Text>,
    }
}

diesel::table! {
    policy_versions (version) {
        version -> Int4,
        title -> Text,
        body_md -> Text,
        body_html -> Text,
        published_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> Int8,
        post_id -> Int8,
        editor_id -> Nullable<Int8>,
        revision -> Int4,
        title -> Nullable<Text>,
        body_md -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    posts (id) {
        id -> Int8,
        topic_id -> Int8,
        post_number -> Int4,
        author_id -> Int8,
        body_md -> Text,
        body_html -> Text,
        quote_post_id -> Nullable<Int8>,
        status -> Text,
        held_reason -> Nullable<Text>,
        edit_count -> Int4,
        edited_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
        score -> Int4,
        sentiment -> Nullable<Float4>,
    }
}

diesel::table! {
    reputation_dirty (user_id) {
        user_id -> Int8,
        marked_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    site_settings (id) {
        id -> Int2,
        name -> Text,
        tagline -> Text,
        color_primary -> Text,
        color_accent -> Text,
        logo -> Nullable<Bytea>,
        logo_content_type -> Nullable<Text>,
        logo_alt -> Text,
        version -> Int4,
        updated_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    topic_reads (user_id, topic_id) {
        user_id -> Int8,
        topic_id -> Int8,
        last_read_number -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    topic_watches (user_id, topic_id) {
        user_id -> Int8,
        topic_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    topics (id) {
        id -> Int8,
        category_id -> Int8,
        author_id -> Int8,
        title -> Text,
        status -> Text,
        held_reason -> Nullable<Text>,
        pinned_at -> Nullable<Timestamptz>,
        locked_at -> Nullable<Timestamptz>,
        next_post_number -> Int4,
        last_post_number -> Int4,
        reply_count -> Int4,
        view_count -> Int8,
        last_posted_at -> Timestamptz,
        last_poster_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
        kind -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        username -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Nullable<Text>,
        bio -> Text,
        roles -> Array<Nullable<Text>>,
        partner_label -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamptz>,
        accepted_policy_version -> Nullable<Int4>,
        accepted_policy_at -> Nullable<Timestamptz>,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        suspended_until -> Nullable<Timestamptz>,
        suspension_reason -> Nullable<Text>,
        approved_posts -> Int4,
        deletion_requested_at -> Nullable<Timestamptz>,
        deletion_due_at -> Nullable<Timestamptz>,
        deletion_removes_content -> Bool,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    post_pending_edits (post_id) {
        post_id -> Int8,
        editor_id -> Int8,
        title -> Nullable<Text>,
        body_md -> Text,
        body_html -> Text,
        held_reason -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    data_exports (id) {
        id -> Int8,
        user_id -> Int8,
        state -> Text,
        requested_at -> Timestamptz,
        leased_until -> Nullable<Timestamptz>,
        attempts -> Int4,
        ready_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        downloaded_at -> Nullable<Timestamptz>,
        archive -> Nullable<Bytea>,
        bytes -> Nullable<Int4>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    answer_comments (id) {
        id -> Int8,
        post_id -> Int8,
        author_id -> Int8,
        body_md -> Text,
        body_html -> Text,
        status -> Text,
        created_at -> Timestamptz,
        held_reason -> Nullable<Text>,
    }
}

diesel::table! {
    answer_votes (post_id, user_id) {
        post_id -> Int8,
        user_id -> Int8,
        value -> Int2,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    answerer_stats (user_id) {
        user_id -> Int8,
        accepted_answers -> Int4,
    }
}

diesel::table! {
    event_rsvps (event_id, user_id) {
        event_id -> Int8,
        user_id -> Int8,
        status -> Text,
        queue_no -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        title -> Text,
        description_md -> Text,
        description_html -> Text,
        place -> Text,
        link -> Nullable<Text>,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        capacity -> Int4,
        min_tier_id -> Nullable<Int8>,
        early_tier_id -> Nullable<Int8>,
        early_until -> Nullable<Timestamptz>,
        going_count -> Int4,
        waitlist_count -> Int4,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    idea_followers (idea_id, user_id) {
        idea_id -> Int8,
        user_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idea_status_changes (id) {
        id -> Int8,
        idea_id -> Int8,
        actor_id -> Nullable<Int8>,
        from_status -> Text,
        to_status -> Text,
        merged_into_id -> Nullable<Int8>,
        note_md -> Text,
        note_html -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idea_surveys (idea_id, user_id) {
        idea_id -> Int8,
        user_id -> Int8,
        answer -> Nullable<Text>,
        asked_at -> Timestamptz,
        answered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    idea_votes (idea_id, user_id) {
        idea_id -> Int8,
        user_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    ideas (topic_id) {
        topic_id -> Int8,
        product_id -> Nullable<Int8>,
        status -> Text,
        merged_into_id -> Nullable<Int8>,
        vote_count -> Int4,
        trending -> Float8,
        status_changed_at -> Timestamptz,
        shipped_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    member_reputation (user_id) {
        user_id -> Int8,
        points -> Int4,
        accepted_points -> Int4,
        vote_points -> Int4,
        reply_points -> Int4,
        idea_points -> Int4,
        askers_helped -> Int4,
        voters -> Int4,
        repliers -> Int4,
        ideas_adopted -> Int4,
        ideas_shipped -> Int4,
        computed_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        user_id -> Int8,
        kind -> Text,
        actor_id -> Nullable<Int8>,
        topic_id -> Nullable<Int8>,
        post_id -> Nullable<Int8>,
        title -> Text,
        url -> Text,
        dedupe_key -> Text,
        read_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        mail_state -> Text,
    }
}

diesel::table! {
    product_owners (user_id, product_id) {
        user_id -> Int8,
        product_id -> Int8,
        since -> Nullable<Date>,
        ask_me -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        parent_id -> Nullable<Int8>,
        versions -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    question_products (topic_id, product_id) {
        topic_id -> Int8,
        product_id -> Int8,
    }
}

diesel::table! {
    questions (topic_id) {
        topic_id -> Int8,
        state -> Text,
        accepted_post_id -> Nullable<Int8>,
        answer_count -> Int4,
        asked_at -> Timestamptz,
        first_answer_at -> Nullable<Timestamptz>,
        accepted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    moderation_settings (name) {
        name -> Text,
        enabled -> Bool,
        params -> Jsonb,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    flags (id) {
        id -> Int8,
        post_id -> Int8,
        flagger_id -> Int8,
        reason -> Text,
        note -> Text,
        weight -> Int4,
        outcome -> Nullable<Text>,
        resolved_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    moderation_queue (id) {
        id -> Int8,
        kind -> Text,
        post_id -> Nullable<Int8>,
        comment_id -> Nullable<Int8>,
        author_id -> Int8,
        reason -> Text,
        detail -> Text,
        state -> Text,
        resolved_by -> Nullable<Int8>,
        resolved_at -> Nullable<Timestamptz>,
        resolution -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    appeals (id) {
        id -> Int8,
        post_id -> Nullable<Int8>,
        comment_id -> Nullable<Int8>,
        author_id -> Int8,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    member_sanctions (id) {
        id -> Int8,
        user_id -> Int8,
        kind -> Text,
        until -> Nullable<Timestamptz>,
        reason -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    inbox_items (id) {
        id -> Int8,
        kind -> Text,
        topic_id -> Nullable<Int8>,
        post_id -> Nullable<Int8>,
        waiting_since -> Timestamptz,
        assigned_to -> Nullable<Int8>,
        assigned_at -> Nullable<Timestamptz>,
        first_response_at -> Nullable<Timestamptz>,
        first_responder_id -> Nullable<Int8>,
        handled_at -> Nullable<Timestamptz>,
        handled_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        mention_id -> Nullable<Int8>,
    }
}

diesel::table! {
    notification_preferences (user_id, topic) {
        user_id -> Int8,
        topic -> Text,
        delivery -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    digest_runs (user_id, period) {
        user_id -> Int8,
        period -> Text,
        last_sent_at -> Timestamptz,
    }
}

diesel::table! {
    mentions (id) {
        id -> Int8,
        source -> Text,
        external_id -> Text,
        url -> Text,
        author_handle -> Text,
        body -> Text,
        posted_at -> Timestamptz,
        sentiment -> Float4,
        status -> Text,
        held_reason -> Nullable<Text>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    talk_buckets (term, hour) {
        term -> Text,
        hour -> Timestamptz,
        mentions -> Int4,
        positive -> Int4,
        negative -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    talk_ignored_terms (term) {
        term -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    talk_queue (id) {
        id -> Int8,
        source_type -> Text,
        source_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    talk_snapshot (id) {
        id -> Int2,
        payload -> Jsonb,
        computed_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    talk_sources (source_type, source_id) {
        source_type -> Text,
        source_id -> Int8,
        hour -> Timestamptz,
        mood -> Int2,
        terms -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    talk_theme_settings (term) {
        term -> Text,
        pinned_note -> Nullable<Text>,
        pinned_at -> Nullable<Timestamptz>,
        hidden -> Bool,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    club_membership_events (id) {
        id -> Int8,
        user_id -> Int8,
        kind -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    insight_computed (day) {
        day -> Date,
        computed_at -> Timestamptz,
    }
}

diesel::table! {
    insight_days (metric, category_id, product_id, day) {
        metric -> Text,
        category_id -> Int8,
        product_id -> Int8,
        day -> Date,
        value -> Int8,
        samples -> Array<Int4>,
    }
}

diesel::table! {
    insight_state (id) {
        id -> Int2,
        checked_at -> Timestamptz,
    }
}

diesel::table! {
    page_views_daily (day, category_id) {
        day -> Date,
        category_id -> Int8,
        views -> Int8,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Int8,
        delivery_id -> Int8,
        attempted_at -> Timestamptz,
        duration_ms -> Int4,
        status_code -> Nullable<Int4>,
        error -> Nullable<Text>,
        response_body -> Text,
        outcome -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        endpoint_id -> Int8,
        event_id -> Int8,
        msg_id -> Text,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        leased_until -> Nullable<Timestamptz>,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Int8,
        url -> Text,
        description -> Text,
        event_types -> Array<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamptz>,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        include_emails -> Bool,
        failing_since -> Nullable<Timestamptz>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Int8,
        event_type -> Text,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(answer_comments -> posts (post_id));
diesel::joinable!(answer_comments -> users (author_id));
diesel::joinable!(answer_votes -> posts (post_id));
diesel::joinable!(answer_votes -> users (user_id));
diesel::joinable!(answerer_stats -> users (user_id));
diesel::joinable!(flags -> posts (post_id));
diesel::joinable!(inbox_items -> mentions (mention_id));
diesel::joinable!(inbox_items -> topics (topic_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(data_exports -> users (user_id));
diesel::joinable!(post_pending_edits -> posts (post_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_endpoints -> users (created_by));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(category_watches -> categories (category_id));
diesel::joinable!(category_watches -> users (user_id));
diesel::joinable!(categories -> club_tiers (min_tier_id));
diesel::joinable!(club_members -> club_tiers (tier_id));
diesel::joinable!(club_perks -> club_tiers (tier_id));
diesel::joinable!(event_rsvps -> events (event_id));
diesel::joinable!(event_rsvps -> users (user_id));
diesel::joinable!(club_members -> users (user_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(idea_followers -> ideas (idea_id));
diesel::joinable!(idea_followers -> users (user_id));
diesel::joinable!(idea_status_changes -> users (actor_id));
diesel::joinable!(idea_surveys -> ideas (idea_id));
diesel::joinable!(idea_surveys -> users (user_id));
diesel::joinable!(idea_votes -> ideas (idea_id));
diesel::joinable!(idea_votes -> users (user_id));
diesel::joinable!(ideas -> products (product_id));
diesel::joinable!(ideas -> topics (topic_id));
diesel::joinable!(member_reputation -> users (user_id));
diesel::joinable!(notifications -> posts (post_id));
diesel::joinable!(notifications -> topics (topic_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(post_revisions -> users (editor_id));
diesel::joinable!(posts -> topics (topic_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(product_owners -> products (product_id));
diesel::joinable!(product_owners -> users (user_id));
diesel::joinable!(question_products -> products (product_id));
diesel::joinable!(question_products -> questions (topic_id));
diesel::joinable!(questions -> posts (accepted_post_id));
diesel::joinable!(questions -> topics (topic_id));
diesel::joinable!(site_settings -> users (updated_by));
diesel::joinable!(topic_reads -> topics (topic_id));
diesel::joinable!(topic_reads -> users (user_id));
diesel::joinable!(topic_watches -> topics (topic_id));
diesel::joinable!(topic_watches -> users (user_id));
diesel::joinable!(mentions -> users (created_by));
diesel::joinable!(talk_theme_settings -> users (updated_by));
diesel::joinable!(topics -> categories (category_id));

diesel::allow_tables_to_appear_in_same_query!(
    answer_comments,
    data_exports,
    post_pending_edits,
    appeals,
    flags,
    inbox_items,
    member_sanctions,
    moderation_queue,
    moderation_settings,
    notification_preferences,
    digest_runs,
    answer_votes,
    answerer_stats,
    api_tokens,
    audit_log,
    categories,
    category_watches,
    club_members,
    club_membership_events,
    club_perks,
    club_tiers,
    email_tokens,
    event_rsvps,
    events,
    idea_followers,
    idea_status_changes,
    idea_surveys,
    idea_votes,
    ideas,
    insight_computed,
    insight_days,
    insight_state,
    mail_outbox,
    member_reputation,
    mentions,
    notifications,
    page_views_daily,
    policy_versions,
    post_revisions,
    posts,
    product_owners,
    products,
    question_products,
    questions,
    reputation_dirty,
    site_settings,
    talk_buckets,
    talk_ignored_terms,
    talk_queue,
    talk_snapshot,
    talk_sources,
    talk_theme_settings,
    topic_reads,
    topic_watches,
    topics,
    users,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
);
