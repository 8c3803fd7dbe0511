//! The brand the community runs under: name, tagline, colours and logo, stored in one row of
//! `site_settings` and cached in every process (the cache is refreshed on change and every few seconds,
//! so an admin's edit shows on every instance without a rebuild or restart).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::db::{self, DbPool};
use crate::schema::site_settings;
use crate::{DomainError, DomainResult, FieldErrors, Hearth};

/// What every page needs of the brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    pub name: String,
    pub tagline: String,
    pub color_primary: String,
    pub color_accent: String,
    pub has_logo: bool,
    pub logo_alt: String,
    /// Bumped on every change; used to bust caches of the logo.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = site_settings, check_for_backend(diesel::pg::Pg))]
struct BrandRow {
    name: String,
    tagline: String,
    color_primary: String,
    color_accent: String,
    logo_content_type: Option<String>,
    logo_alt: String,
    version: i32,
    updated_at: DateTime<Utc>,
}

impl From<BrandRow> for Brand {
    fn from(row: BrandRow) -> Self {
        Brand {
            name: row.name,
            tagline: row.tagline,
            color_primary: row.color_primary,
            color_accent: row.color_accent,
            has_logo: row.logo_content_type.is_some(),
            logo_alt: row.logo_alt,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
}

const REFRESH_EVERY: Duration = Duration::from_secs(5);

/// The in-process copy of the brand.
pub struct BrandCache {
    current: RwLock<(Arc<Brand>, Instant)>,
}

impl BrandCache {
    pub async fn load(pool: &DbPool) -> DomainResult<BrandCache> {
        let brand = fetch(pool).await?;
        Ok(BrandCache {
            current: RwLock::new((Arc::new(brand), Instant::now())),
        })
    }

    /// The cached brand, and whether it is old enough to be refreshed.
    pub fn get(&self) -> (Arc<Brand>, bool) {
        match self.current.read() {
            Ok(guard) => (guard.0.clone(), guard.1.elapsed() >= REFRESH_EVERY),
            Err(poisoned) => (poisoned.into_inner().0.clone(), true),
        }
    }

    fn set(&self, brand: Brand) {
        if let Ok(mut guard) = self.current.write() {
            *guard = (Arc::new(brand), Instant::now());
        }
    }
}

async fn fetch(pool: &DbPool) -> DomainResult<Brand> {
    let mut conn = db::conn(pool).await?;
    let row: BrandRow = site_settings::table
        .find(1i16)
        .select(BrandRow::as_select())
        .first(&mut conn)
        .await?;
    Ok(row.into())
}

/// The brand for a page, from the in-process cache (no I/O).
pub fn current(hearth: &Hearth) -> Arc<Brand> {
    hearth.brand_cache().get().0
}

/// Reloads the cache from PostgreSQL when it is older than a few seconds; other instances' edits arrive
/// this way. The server runs it in a loop; a failed refresh keeps the cached copy.
pub async fn refresh_if_stale(hearth: &Hearth) -> DomainResult<()> {
    if hearth.brand_cache().get().1 {
        let fresh = fetch(hearth.db()).await?;
        hearth.brand_cache().set(fresh);
    }
    Ok(())
}

/// How often [`refresh_if_stale`] finds the cache stale.
pub const REFRESH_PERIOD: Duration = REFRESH_EVERY;

/// An admin's edit of the brand.
#[derive(Debug, Clone, Default)]
pub struct BrandInput {
    pub name: String,
    pub tagline: String,
    pub color_primary: String,
    pub color_accent: String,
    pub logo_alt: String,
}

/// An uploaded logo; its type is read from its bytes, not from what the browser claims.
#[derive(Debug, Clone)]
pub struct LogoUpload {
    pub bytes: Vec<u8>,
}

pub const LOGO_MAX_BYTES: usize = 256 * 1024;

struct ValidBrand {
    name: String,
    tagline: String,
    color_primary: String,
    color_accent: String,
    logo_alt: String,
}

fn validate(input: &BrandInput) -> DomainResult<ValidBrand> {
    let mut errors = FieldErrors::new();
    let name = errors
        .check("name", crate::text::line(&input.name))
        .unwrap_or_default();
    if !errors.0.contains_key("name") && !(2..=60).contains(&name.chars().count()) {
        errors.add("name", "must be 2 to 60 characters");
    }
    let tagline = errors
        .check("tagline", crate::text::line(&input.tagline))
        .unwrap_or_default();
    if tagline.chars().count() > 140 {
        errors.add("tagline", "must be at most 140 characters");
    }
    let primary = errors.check(
        "color_primary",
        parse_color(&input.color_primary).and_then(|c| {
            require_contrast(&c, "#ffffff", "white text on it")?;
            Ok(c)
        }),
    );
    let accent = errors.check(
        "color_accent",
        parse_color(&input.color_accent).and_then(|c| {
            // Links sit on every light surface of the design; the tinted notices are the darkest.
            for surface in LINK_SURFACES {
                require_contrast(&c, surface, "links on the page's light backgrounds")?;
            }
            Ok(c)
        }),
    );
    let logo_alt = errors
        .check("logo_alt", crate::text::line(&input.logo_alt))
        .unwrap_or_default();
    if logo_alt.chars().count() > 120 {
        errors.add("logo_alt", "must be at most 120 characters");
    }
    errors.into_result()?;
    Ok(ValidBrand {
        name,
        tagline,
        color_primary: primary.unwrap_or_default(),
        color_accent: accent.unwrap_or_default(),
        logo_alt,
    })
}

/// The backgrounds links appear on (style/tokens.css: surface, page, success and error notices).
const LINK_SURFACES: [&str; 4] = ["#ffffff", "#f6f6f4", "#e8f5ec", "#fdecee"];

/// Parses `#rgb` or `#rrggbb` (any case) into `#rrggbb`.
pub fn parse_color(raw: &str) -> Result<String, String> {
    let value = raw.trim().trim_start_matches('#').to_ascii_lowercase();
    let hex = match value.len() {
        3 => value.chars().flat_map(|c| [c, c]).collect(),
        6 => value,
        _ => return Err("must be a colour like #1f5f8b".into()),
    };
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("must be a colour like #1f5f8b".into());
    }
    Ok(format!("#{hex}"))
}

fn luminance(color: &str) -> f64 {
    let channel = |i: usize| -> f64 {
        let v = u8::from_str_radix(color.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// WCAG 2.x contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast_ratio(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

fn require_contrast(color: &str, against: &str, use_: &str) -> Result<(), String> {
    let ratio = contrast_ratio(color, against);
    if ratio < 4.5 {
        Err(format!(
            "is too light for {use_}: contrast {ratio:.1}:1, WCAG AA needs 4.5:1 — choose a darker shade"
        ))
    } else {
        Ok(())
    }
}

fn sniff_logo(upload: &LogoUpload) -> DomainResult<&'static str> {
    if upload.bytes.is_empty() {
        return Err(DomainError::invalid("logo", "is empty"));
    }
    if upload.bytes.len() > LOGO_MAX_BYTES {
        return Err(DomainError::invalid("logo", "must be at most 256 KB"));
    }
    let b = &upload.bytes;
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if b.starts_with(&[0xff, 0xd8, 0xff]) {
        Ok("image/jpeg")
    } else if b.len() > 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Ok("image/webp")
    } else {
        // SVG is refused: it can carry scripts.
        Err(DomainError::invalid("logo", "must be a PNG, JPEG or WebP image"))
    }
}

/// Updates the brand (admins only), with an audit entry; the cache of this process is refreshed at once.
pub async fn update(
    hearth: &Hearth,
    actor: &Actor,
    input: &BrandInput,
    logo: Option<LogoUpload>,
    remove_logo: bool,
) -> DomainResult<Brand> {
    actor.require_admin()?;
    let valid = validate(input)?;
    let logo = match logo {
        Some(upload) => Some((sniff_logo(&upload)?, upload.bytes)),
        None => None,
    };
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    let brand = conn
        .transaction::<Brand, DomainError, _>(async |conn| {
            let before: BrandRow = site_settings::table
                .find(1i16)
                .select(BrandRow::as_select())
                .for_update()
                .first(conn)
                .await?;
            let before: Brand = before.into();
            diesel::update(site_settings::table.find(1i16))
                .set((
                    site_settings::name.eq(&valid.name),
                    site_settings::tagline.eq(&valid.tagline),
                    site_settings::color_primary.eq(&valid.color_primary),
                    site_settings::color_accent.eq(&valid.color_accent),
                    site_settings::logo_alt.eq(&valid.logo_alt),
                    site_settings::version.eq(site_settings::version + 1),
                    site_settings::updated_by.eq(Some(actor_id)),
                    site_settings::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            if let Some((content_type, bytes)) = &logo {
                diesel::update(site_settings::table.find(1i16))
                    .set((
                        site_settings::logo.eq(Some(bytes)),
                        site_settings::logo_content_type.eq(Some(*content_type)),
                    ))
                    .execute(conn)
                    .await?;
            } else if remove_logo {
                diesel::update(site_settings::table.find(1i16))
                    .set((
                        site_settings::logo.eq(None::<Vec<u8>>),
                        site_settings::logo_content_type.eq(None::<String>),
                    ))
                    .execute(conn)
                    .await?;
            }
            let after: Brand = site_settings::table
                .find(1i16)
                .select(BrandRow::as_select())
                .first(conn)
                .await?
                .into();
            audit::record(
                conn,
                NewAuditEntry {
                    actor_id: Some(actor_id),
                    action: "brand.update".into(),
                    target_type: "site_settings".into(),
                    target_id: Some(1),
                    before: serde_json::to_value(&before).ok(),
                    after: serde_json::to_value(&after).ok(),
                    reason: String::new(),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    hearth.brand_cache().set(brand.clone());
    Ok(brand)
}

/// Replaces the logo (admins only; audited).
pub async fn set_logo(hearth: &Hearth, actor: &Actor, upload: LogoUpload) -> DomainResult<Brand> {
    actor.require_admin()?;
    let content_type = sniff_logo(&upload)?;
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    let size = upload.bytes.len();
    let brand = conn
        .transaction::<Brand, DomainError, _>(async |conn| {
            let after: Brand = diesel::update(site_settings::table.find(1i16))
                .set((
                    site_settings::logo.eq(Some(&upload.bytes)),
                    site_settings::logo_content_type.eq(Some(content_type)),
                    site_settings::version.eq(site_settings::version + 1),
                    site_settings::updated_by.eq(Some(actor_id)),
                    site_settings::updated_at.eq(diesel::dsl::now),
                ))
                .returning(BrandRow::as_returning())
                .get_result::<BrandRow>(conn)
                .await?
                .into();
            audit::record(
                conn,
                NewAuditEntry {
                    actor_id: Some(actor_id),
                    action: "brand.logo".into(),
                    target_type: "site_settings".into(),
                    target_id: Some(1),
                    before: None,
                    after: Some(serde_json::json!({ "content_type": content_type, "bytes": size })),
                    reason: String::new(),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    hearth.brand_cache().set(brand.clone());
    Ok(brand)
}

/// The logo's bytes and content type, when there is one.
pub async fn logo(hearth: &Hearth) -> DomainResult<Option<(Vec<u8>, String)>> {
    let mut conn = db::conn(hearth.db()).await?;
    let row: (Option<Vec<u8>>, Option<String>) = site_settings::table
        .find(1i16)
        .select((site_settings::logo, site_settings::logo_content_type))
        .first(&mut conn)
        .await?;
    Ok(match row {
        (Some(bytes), Some(content_type)) => Some((bytes, content_type)),
        _ => None,
    })
}

/// Sets the brand without an actor (seeding a demo community). Not exposed to requests.
pub async fn seed(hearth: &Hearth, input: &BrandInput) -> DomainResult<()> {
    let valid = validate(input)?;
    let mut conn = db::conn(hearth.db()).await?;
    diesel::update(site_settings::table.find(1i16))
        .set((
            site_settings::name.eq(&valid.name),
            site_settings::tagline.eq(&valid.tagline),
            site_settings::color_primary.eq(&valid.color_primary),
            site_settings::color_accent.eq(&valid.color_accent),
            site_settings::logo_alt.eq(&valid.logo_alt),
            site_settings::version.eq(site_settings::version + 1),
            site_settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(&mut conn)
        .await?;
    hearth.brand_cache().set(fetch(hearth.db()).await?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse() {
        assert_eq!(parse_color("#1F5F8B"), Ok("#1f5f8b".into()));
        assert_eq!(parse_color("abc"), Ok("#aabbcc".into()));
        assert!(parse_color("#12345").is_err());
        assert!(parse_color("#gggggg").is_err());
        assert!(parse_color("red").is_err());
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 0.01);
        assert!((contrast_ratio("#777777", "#ffffff") - 4.48).abs() < 0.01);
        assert!(require_contrast("#1f5f8b", "#ffffff", "x").is_ok());
        assert!(require_contrast("#ffcc00", "#ffffff", "x").is_err());
        // The first default accent passed on white but not on the tinted notices.
        assert!(
            LINK_SURFACES
                .iter()
                .any(|s| require_contrast("#b3541e", s, "x").is_err())
        );
        assert!(
            LINK_SURFACES
                .iter()
                .all(|s| require_contrast("#9c4312", s, "x").is_ok())
        );
    }

    #[test]
    fn validation_reports_each_field() {
        let err = validate(&BrandInput {
            name: "x".into(),
            tagline: "t".repeat(141),
            color_primary: "#ffff00".into(),
            color_accent: "nope".into(),
            logo_alt: String::new(),
        });
        let fields = match err {
            Err(e) => e.fields(),
            Ok(_) => panic!("should fail"),
        };
        for field in ["name", "tagline", "color_primary", "color_accent"] {
            assert!(fields.contains_key(field), "{field} missing in {fields:?}");
        }
    }

    #[test]
    fn svg_logos_are_refused() {
        let svg = LogoUpload {
            bytes: b"<svg onload=alert(1)>".to_vec(),
        };
        assert!(sniff_logo(&svg).is_err());
        let png = LogoUpload {
            bytes: b"\x89PNG\r\n\x1a\n rest".to_vec(),
        };
        assert_eq!(sniff_logo(&png).ok(), Some("image/png"));
    }
}
