//! Watching topics and categories (delivery comes with notifications) and read state (unread markers).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::access::Viewer;
use super::categories::category_by_slug;
use super::topics::mark_read_in;
use crate::accounts::Actor;
use crate::ids::TopicId;
use crate::schema::{category_watches, topic_watches};
use crate::{DomainResult, Hearth, db};

/// Watches or stops watching a topic the actor can see. Idempotent.
pub async fn set_topic_watch(
    hearth: &Hearth,
    actor: &Actor,
    topic_id: TopicId,
    watch: bool,
) -> DomainResult<()> {
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    super::views::topic_detail(hearth, &mut conn, &viewer, topic_id).await?;
    if watch {
        diesel::insert_into(topic_watches::table)
            .values((
                topic_watches::user_id.eq(actor.id),
                topic_watches::topic_id.eq(topic_id),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await?;
    } else {
        diesel::delete(
            topic_watches::table
                .filter(topic_watches::user_id.eq(actor.id))
                .filter(topic_watches::topic_id.eq(topic_id)),
        )
        .execute(&mut conn)
        .await?;
    }
    Ok(())
}

/// Watches or stops watching a category the actor can see. Idempotent.
pub async fn set_category_watch(hearth: &Hearth, actor: &Actor, slug: &str, watch: bool) -> DomainResult<()> {
    let viewer = Viewer::of(Some(actor));
    let category = category_by_slug(hearth, &viewer, slug).await?;
    let mut conn = db::conn(hearth.db()).await?;
    if watch {
        diesel::insert_into(category_watches::table)
            .values((
                category_watches::user_id.eq(actor.id),
                category_watches::category_id.eq(category.id),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await?;
    } else {
        diesel::delete(
            category_watches::table
                .filter(category_watches::user_id.eq(actor.id))
                .filter(category_watches::category_id.eq(category.id)),
        )
        .execute(&mut conn)
        .await?;
    }
    Ok(())
}

/// Whether the actor watches a category.
pub async fn watches_category(
    hearth: &Hearth,
    actor: &Actor,
    category: crate::ids::CategoryId,
) -> DomainResult<bool> {
    let mut conn = db::conn(hearth.db()).await?;
    let n: i64 = category_watches::table
        .filter(category_watches::user_id.eq(actor.id))
        .filter(category_watches::category_id.eq(category))
        .count()
        .get_result(&mut conn)
        .await?;
    Ok(n > 0)
}

/// Records that the actor has read a topic up to a post number (never moves backwards).
pub async fn mark_read(hearth: &Hearth, actor: &Actor, topic_id: TopicId, up_to: i32) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    mark_read_in(&mut conn, actor.id, topic_id, up_to).await
}
