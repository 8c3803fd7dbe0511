//! Categories: managed by admins; public, club-only or team-only; open to everyone's topics or to the team's
//! announcements only.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::access::Viewer;
use super::inputs::parse_slug;
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::CategoryId;
use crate::schema::{categories, club_tiers};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, brand, db};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = categories, check_for_backend(diesel::pg::Pg))]
pub struct Category {
    pub id: CategoryId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub color: String,
    pub visibility: String,
    pub posting: String,
    pub topic_count: i32,
    pub post_count: i32,
    pub last_posted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// A club-only category open only from this tier up.
    pub min_tier_id: Option<i64>,
    /// That tier's rank and name (read with the category).
    #[diesel(select_expression = club_tiers::rank.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<club_tiers::rank>)]
    pub min_tier_rank: Option<i32>,
    #[diesel(select_expression = club_tiers::name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<club_tiers::name>)]
    pub min_tier_name: Option<String>,
    #[diesel(select_expression = club_tiers::slug.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<club_tiers::slug>)]
    pub min_tier_slug: Option<String>,
}

/// An admin's category form.
#[derive(Debug, Clone, Default)]
pub struct CategoryInput {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub color: String,
    pub visibility: String,
    pub posting: String,
    /// For club-only categories: the lowest tier (slug) that may enter; empty for every club member.
    pub min_tier: String,
}

struct ValidCategory {
    slug: String,
    name: String,
    description: String,
    position: i32,
    color: String,
    visibility: String,
    posting: String,
    min_tier_id: Option<i64>,
}

async fn validate(hearth: &Hearth, input: &CategoryInput) -> DomainResult<ValidCategory> {
    let mut errors = FieldErrors::new();
    let slug = errors.check("slug", parse_slug(&input.slug));
    let name = errors
        .check("name", crate::text::line(&input.name))
        .unwrap_or_default();
    if !errors.0.contains_key("name") && !(2..=60).contains(&name.chars().count()) {
        errors.add("name", "must be 2 to 60 characters");
    }
    let description = errors
        .check("description", crate::text::block(&input.description))
        .unwrap_or_default();
    if description.chars().count() > 500 {
        errors.add("description", "must be at most 500 characters");
    }
    let color = errors.check("color", brand::parse_color(&input.color));
    let visibility = input.visibility.trim();
    if !["public", "club", "staff"].contains(&visibility) {
        errors.add("visibility", "must be public, club or staff");
    }
    let posting = input.posting.trim();
    if !["everyone", "staff"].contains(&posting) {
        errors.add("posting", "must be everyone or staff");
    }
    if !(-10_000..=10_000).contains(&input.position) {
        errors.add("position", "must be between -10000 and 10000");
    }
    let min_tier_id = match crate::club::optional_tier(hearth, "min_tier", &input.min_tier).await {
        Ok(Some(_)) if visibility != "club" => {
            errors.add("min_tier", "only club-only categories take a tier");
            None
        }
        Ok(tier) => tier.map(|t| t.id),
        Err(_) => {
            errors.add("min_tier", "no such club tier");
            None
        }
    };
    errors.into_result()?;
    Ok(ValidCategory {
        slug: slug.unwrap_or_default(),
        name,
        description,
        position: input.position,
        color: color.unwrap_or_default(),
        visibility: visibility.to_owned(),
        posting: posting.to_owned(),
        min_tier_id,
    })
}

/// Every category, in order.
pub(crate) async fn all_in(conn: &mut AsyncPgConnection) -> DomainResult<Vec<Category>> {
    Ok(categories::table
        .left_join(club_tiers::table)
        .order((categories::position, categories::id))
        .select(Category::as_select())
        .load(conn)
        .await?)
}

/// How old the in-process copy of the categories may get before the refresher reloads it.
pub const CATEGORY_REFRESH: Duration = Duration::from_secs(5);

/// The categories, cached in every process (they are few and rarely change): visibility checks of every
/// listing, topic and search read them from here. Changes made by this process apply at once; other
/// processes' within [`CATEGORY_REFRESH`].
pub struct CategoryCache {
    current: RwLock<(Arc<Vec<Category>>, Instant)>,
}

impl CategoryCache {
    pub async fn load(pool: &crate::db::DbPool) -> DomainResult<CategoryCache> {
        let mut conn = db::conn(pool).await?;
        let all = all_in(&mut conn).await?;
        Ok(CategoryCache {
            current: RwLock::new((Arc::new(all), Instant::now())),
        })
    }

    fn get(&self) -> (Arc<Vec<Category>>, bool) {
        match self.current.read() {
            Ok(guard) => (guard.0.clone(), guard.1.elapsed() >= CATEGORY_REFRESH),
            Err(poisoned) => (poisoned.into_inner().0.clone(), true),
        }
    }

    fn set(&self, all: Vec<Category>) {
        if let Ok(mut guard) = self.current.write() {
            *guard = (Arc::new(all), Instant::now());
        }
    }
}

/// The cached categories.
pub(crate) fn cached(hearth: &Hearth) -> Arc<Vec<Category>> {
    hearth.category_cache().get().0
}

/// Reloads the cached categories from PostgreSQL.
pub async fn reload_categories(hearth: &Hearth) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    hearth.category_cache().set(all_in(&mut conn).await?);
    Ok(())
}

/// Reloads the cache when it is older than [`CATEGORY_REFRESH`] (the server's refresher calls this).
pub async fn refresh_categories_if_stale(hearth: &Hearth) -> DomainResult<()> {
    if hearth.category_cache().get().1 {
        reload_categories(hearth).await
    } else {
        Ok(())
    }
}

/// The ids of the categories a viewer may see (from the cache).
pub(crate) fn visible_ids(hearth: &Hearth, viewer: &Viewer) -> Vec<i64> {
    cached(hearth)
        .iter()
        .filter(|c| viewer.can_see(c))
        .map(|c| c.id.0)
        .collect()
}

/// The categories a viewer may see, in order, with fresh counts (one query; refreshes the cache too).
pub async fn list_categories(hearth: &Hearth, viewer: &Viewer) -> DomainResult<Vec<Category>> {
    let mut conn = db::conn(hearth.db()).await?;
    let all = all_in(&mut conn).await?;
    hearth.category_cache().set(all.clone());
    Ok(all.into_iter().filter(|c| viewer.can_see(c)).collect())
}

/// Refuses a category the viewer may not see: club-only says why (the club is something to join); team-only
/// pretends not to exist.
pub(crate) fn check_visible(viewer: &Viewer, category: &Category, what: &'static str) -> DomainResult<()> {
    if viewer.can_see(category) {
        Ok(())
    } else if category.visibility == "club" {
        Err(DomainError::forbidden(match &category.min_tier_name {
            Some(tier) if viewer.club => format!("This is for {tier} members of the fan club and above."),
            Some(tier) => {
                format!("This is for {tier} members of the fan club and above. Join the club to read it.")
            }
            None => "This is for members of the fan club. Join the club to read it.".to_owned(),
        }))
    } else {
        Err(DomainError::NotFound(what))
    }
}

pub async fn category_by_slug(hearth: &Hearth, viewer: &Viewer, slug: &str) -> DomainResult<Category> {
    let slug = parse_slug(slug).map_err(|_| DomainError::NotFound("category"))?;
    let cached_hit = cached(hearth).iter().find(|c| c.slug == slug).cloned();
    let category = match cached_hit {
        Some(c) => c,
        None => {
            // Created by another instance since our last refresh?
            reload_categories(hearth).await?;
            cached(hearth)
                .iter()
                .find(|c| c.slug == slug)
                .cloned()
                .ok_or(DomainError::NotFound("category"))?
        }
    };
    check_visible(viewer, &category, "category")?;
    Ok(category)
}

/// A category by id, from the cache (reloaded once when it is not there).
pub(crate) async fn category_by_id(hearth: &Hearth, id: CategoryId) -> DomainResult<Option<Category>> {
    if let Some(c) = cached(hearth).iter().find(|c| c.id == id) {
        return Ok(Some(c.clone()));
    }
    reload_categories(hearth).await?;
    Ok(cached(hearth).iter().find(|c| c.id == id).cloned())
}

pub(crate) async fn category_in(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
) -> DomainResult<Option<Category>> {
    Ok(categories::table
        .left_join(club_tiers::table)
        .filter(categories::id.eq(id))
        .select(Category::as_select())
        .first(conn)
        .await
        .optional()?)
}

fn slug_conflict(err: diesel::result::Error) -> DomainError {
    match db::unique_violation(&err) {
        Some("categories_slug_key") => DomainError::conflict("slug", "is already used by another category"),
        _ => err.into(),
    }
}

/// Creates a category (admins only; audited).
pub async fn create_category(
    hearth: &Hearth,
    actor: &Actor,
    input: &CategoryInput,
) -> DomainResult<Category> {
    actor.require_admin()?;
    let valid = validate(hearth, input).await?;
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<Category, DomainError, _>(async |conn| {
        let id: CategoryId = diesel::insert_into(categories::table)
            .values((
                categories::slug.eq(&valid.slug),
                categories::name.eq(&valid.name),
                categories::description.eq(&valid.description),
                categories::position.eq(valid.position),
                categories::color.eq(&valid.color),
                categories::visibility.eq(&valid.visibility),
                categories::posting.eq(&valid.posting),
                categories::min_tier_id.eq(valid.min_tier_id),
            ))
            .returning(categories::id)
            .get_result(conn)
            .await
            .map_err(slug_conflict)?;
        let created = category_in(conn, id)
            .await?
            .ok_or_else(|| DomainError::internal("category missing after insert"))?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "category.create".into(),
                target_type: "category".into(),
                target_id: Some(created.id.0),
                before: None,
                after: serde_json::to_value(&created).ok(),
                reason: String::new(),
            },
        )
        .await?;
        Ok(created)
    })
    .await
}

/// Changes a category (admins only; audited).
pub async fn update_category(
    hearth: &Hearth,
    actor: &Actor,
    id: CategoryId,
    input: &CategoryInput,
) -> DomainResult<Category> {
    actor.require_admin()?;
    let valid = validate(hearth, input).await?;
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<Category, DomainError, _>(async |conn| {
        let before = category_in(conn, id)
            .await?
            .ok_or(DomainError::NotFound("category"))?;
        diesel::update(categories::table.find(id))
            .set((
                categories::slug.eq(&valid.slug),
                categories::name.eq(&valid.name),
                categories::description.eq(&valid.description),
                categories::position.eq(valid.position),
                categories::color.eq(&valid.color),
                categories::visibility.eq(&valid.visibility),
                categories::posting.eq(&valid.posting),
                categories::min_tier_id.eq(valid.min_tier_id),
                categories::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await
            .map_err(slug_conflict)?;
        let after = category_in(conn, id)
            .await?
            .ok_or(DomainError::NotFound("category"))?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "category.update".into(),
                target_type: "category".into(),
                target_id: Some(id.0),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
                reason: String::new(),
            },
        )
        .await?;
        Ok(after)
    })
    .await
}
