//! The product catalogue and what members own.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::forums::parse_slug;
use crate::ids::{ProductId, UserId};
use crate::schema::{product_owners, products};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = products, check_for_backend(diesel::pg::Pg))]
pub struct Product {
    pub id: ProductId,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<ProductId>,
    pub versions: Vec<Option<String>>,
    pub created_at: DateTime<Utc>,
}

impl Product {
    pub fn version_list(&self) -> Vec<String> {
        self.versions.iter().flatten().cloned().collect()
    }
}

/// A new catalogue entry.
#[derive(Debug, Clone, Default)]
pub struct NewProductInput {
    pub name: String,
    pub slug: String,
    pub parent_id: Option<i64>,
    pub versions: Vec<String>,
}

/// The team manages the catalogue: admins and staff.
fn manages_catalogue(actor: &Actor) -> bool {
    actor.roles.is_admin() || actor.roles.is_staff()
}

/// The whole catalogue, by name (it is small: tens to hundreds of products).
pub async fn list_products(hearth: &Hearth) -> DomainResult<Vec<Product>> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(products::table
        .order((crate::db::lower(products::name), products::id))
        .select(Product::as_select())
        .load(&mut conn)
        .await?)
}

pub async fn product_by_slug(hearth: &Hearth, slug: &str) -> DomainResult<Product> {
    let mut conn = db::conn(hearth.db()).await?;
    products::table
        .filter(products::slug.eq(slug.trim()))
        .select(Product::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("product"))
}

/// A product by its id or its slug (filters take either: every object carries the id, links carry the slug).
pub async fn product_by_ref(hearth: &Hearth, raw: &str) -> DomainResult<Product> {
    let raw = raw.trim();
    if let Ok(id) = raw.parse::<i64>() {
        let mut conn = db::conn(hearth.db()).await?;
        if let Some(found) = products::table
            .find(crate::ids::ProductId(id))
            .select(Product::as_select())
            .first(&mut conn)
            .await
            .optional()?
        {
            return Ok(found);
        }
    }
    product_by_slug(hearth, raw).await
}

/// Adds a product (admins and staff; audited).
pub async fn create_product(
    hearth: &Hearth,
    actor: &Actor,
    input: &NewProductInput,
) -> DomainResult<Product> {
    if !manages_catalogue(actor) {
        return Err(DomainError::forbidden(
            "Only admins and staff manage the product catalogue.",
        ));
    }
    let mut errors = FieldErrors::new();
    let name = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if !(2..=80).contains(&name.chars().count()) {
        errors.add("name", "must be 2 to 80 characters");
    }
    let slug = errors.check("slug", parse_slug(&input.slug));
    let mut versions = Vec::new();
    for v in &input.versions {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if v.chars().count() > 40 || v.chars().any(char::is_control) {
            errors.add("versions", "each version is at most 40 characters");
            break;
        }
        if !versions.contains(&v.to_owned()) {
            versions.push(v.to_owned());
        }
    }
    if versions.len() > 50 {
        errors.add("versions", "at most 50 versions");
    }
    errors.into_result()?;
    let Some(slug) = slug else {
        return Err(DomainError::internal("validated slug missing"));
    };
    let mut conn = db::conn(hearth.db()).await?;
    if let Some(parent) = input.parent_id {
        let exists: Option<i64> = products::table
            .find(ProductId(parent))
            .select(products::id)
            .first(&mut conn)
            .await
            .optional()?;
        if exists.is_none() {
            return Err(DomainError::invalid(
                "parent_id",
                "choose an existing product line",
            ));
        }
    }
    let actor_id = actor.id;
    let parent = input.parent_id.map(ProductId);
    conn.transaction::<Product, DomainError, _>(async |conn| {
        let created: Product = diesel::insert_into(products::table)
            .values((
                products::slug.eq(&slug),
                products::name.eq(&name),
                products::parent_id.eq(parent),
                products::versions.eq(versions.iter().map(|v| Some(v.clone())).collect::<Vec<_>>()),
            ))
            .returning(Product::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| match db::unique_violation(&e) {
                Some(_) => DomainError::conflict("slug", "a product with this slug exists"),
                None => e.into(),
            })?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "product.create".into(),
                target_type: "product".into(),
                target_id: Some(created.id.0),
                before: None,
                after: Some(serde_json::json!({"slug": created.slug, "name": created.name})),
                reason: String::new(),
            },
        )
        .await?;
        Ok(created)
    })
    .await
}

/// One product a member owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owned {
    pub product: Product,
    pub since: Option<NaiveDate>,
    pub ask_me: bool,
}

/// What a member owns, by product name.
pub async fn owned_by(hearth: &Hearth, user: UserId) -> DomainResult<Vec<Owned>> {
    let mut conn = db::conn(hearth.db()).await?;
    let rows: Vec<(Product, Option<NaiveDate>, bool)> = product_owners::table
        .inner_join(products::table)
        .filter(product_owners::user_id.eq(user))
        .order((crate::db::lower(products::name), products::id))
        .select((
            Product::as_select(),
            product_owners::since,
            product_owners::ask_me,
        ))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(product, since, ask_me)| Owned {
            product,
            since,
            ask_me,
        })
        .collect())
}

/// Most products one member can list.
pub const MAX_OWNED: usize = 50;

/// Replaces what a member owns ("I own …", with an optional since-when) and whether they may be asked about
/// it. Products not in the catalogue are refused; dates in the future too.
pub async fn set_owned(
    hearth: &Hearth,
    actor: &Actor,
    owned: &[(i64, Option<NaiveDate>)],
    ask_me: bool,
) -> DomainResult<Vec<Owned>> {
    if owned.len() > MAX_OWNED {
        return Err(DomainError::invalid("product_ids", "at most 50 products"));
    }
    let today = Utc::now().date_naive();
    if owned.iter().any(|(_, since)| since.is_some_and(|d| d > today)) {
        return Err(DomainError::invalid("since", "cannot be in the future"));
    }
    let mut ids: Vec<i64> = owned.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut conn = db::conn(hearth.db()).await?;
    let known: i64 = products::table
        .filter(products::id.eq_any(&ids))
        .count()
        .get_result(&mut conn)
        .await?;
    if known as usize != ids.len() {
        return Err(DomainError::invalid(
            "product_ids",
            "choose products from the catalogue",
        ));
    }
    let user = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| {
        diesel::delete(
            product_owners::table
                .filter(product_owners::user_id.eq(user))
                .filter(product_owners::product_id.ne_all(&ids)),
        )
        .execute(conn)
        .await?;
        for id in &ids {
            let since = owned.iter().find(|(p, _)| p == id).and_then(|(_, s)| *s);
            diesel::insert_into(product_owners::table)
                .values((
                    product_owners::user_id.eq(user),
                    product_owners::product_id.eq(ProductId(*id)),
                    product_owners::since.eq(since),
                    product_owners::ask_me.eq(ask_me),
                ))
                .on_conflict((product_owners::user_id, product_owners::product_id))
                .do_update()
                .set((product_owners::since.eq(since), product_owners::ask_me.eq(ask_me)))
                .execute(conn)
                .await?;
        }
        Ok(())
    })
    .await?;
    owned_by(hearth, user).await
}
