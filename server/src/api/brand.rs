//! The brand the community runs under.

use super::Body;
use actix_web::{HttpResponse, web};
use domain::Hearth;
use domain::brand::{self, Brand, BrandInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiResult, Caller};

#[derive(Debug, Serialize, ToSchema)]
pub struct BrandResponse {
    pub name: String,
    pub tagline: String,
    pub color_primary: String,
    pub color_accent: String,
    /// `/brand/logo?v=<version>` when there is a logo.
    pub logo_url: Option<String>,
    pub logo_alt: String,
    pub version: i32,
}

impl From<&Brand> for BrandResponse {
    fn from(b: &Brand) -> Self {
        BrandResponse {
            name: b.name.clone(),
            tagline: b.tagline.clone(),
            color_primary: b.color_primary.clone(),
            color_accent: b.color_accent.clone(),
            logo_url: b.has_logo.then(|| format!("/brand/logo?v={}", b.version)),
            logo_alt: b.logo_alt.clone(),
            version: b.version,
        }
    }
}

/// The brand: name, tagline, colours, logo.
#[utoipa::path(get, path = "/api/v1/brand", tag = "brand", responses((status = 200, body = BrandResponse)))]
pub async fn get(hearth: web::Data<Hearth>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(BrandResponse::from(brand::current(&hearth).as_ref())))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BrandRequest {
    pub name: String,
    pub tagline: String,
    /// `#rrggbb`; white text on it must reach 4.5:1 contrast.
    pub color_primary: String,
    /// `#rrggbb`; as text on white it must reach 4.5:1 contrast.
    pub color_accent: String,
    pub logo_alt: String,
}

/// Changes the brand (admins only; audited). Every instance shows it within seconds, without a restart.
#[utoipa::path(put, path = "/api/v1/brand", tag = "brand", request_body = BrandRequest,
    responses(
        (status = 200, body = BrandResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
pub async fn update(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<BrandRequest>,
) -> ApiResult<HttpResponse> {
    let input = BrandInput {
        name: body.name.clone(),
        tagline: body.tagline.clone(),
        color_primary: body.color_primary.clone(),
        color_accent: body.color_accent.clone(),
        logo_alt: body.logo_alt.clone(),
    };
    let updated = brand::update(&hearth, caller.actor()?, &input, None, false).await?;
    Ok(HttpResponse::Ok().json(BrandResponse::from(&updated)))
}

/// Replaces the logo (admins only; audited): the image itself as the body, `Content-Type` image/png,
/// image/jpeg or image/webp (the type is sniffed from the bytes, not trusted), at most 256 KB.
#[utoipa::path(put, path = "/api/v1/brand/logo", tag = "brand",
    request_body(content = Vec<u8>, description = "The image (PNG, JPEG or WebP, at most 256 KB)",
        content_type = "image/png"),
    responses(
        (status = 200, body = BrandResponse),
        (status = 400, body = ErrorBody, description = "Not a PNG, JPEG or WebP image, or larger than 256 KB"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
pub async fn put_logo(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    if body.is_empty() {
        return Err(domain::DomainError::invalid("logo", "send the image as the request body").into());
    }
    let updated = brand::set_logo(&hearth, actor, brand::LogoUpload { bytes: body.to_vec() }).await?;
    Ok(HttpResponse::Ok().json(BrandResponse::from(&updated)))
}

/// Removes the logo (admins only; audited); the header shows the community's name alone.
#[utoipa::path(delete, path = "/api/v1/brand/logo", tag = "brand",
    responses((status = 200, body = BrandResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn delete_logo(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let current = brand::current(&hearth);
    let input = BrandInput {
        name: current.name.clone(),
        tagline: current.tagline.clone(),
        color_primary: current.color_primary.clone(),
        color_accent: current.color_accent.clone(),
        logo_alt: current.logo_alt.clone(),
    };
    let updated = brand::update(&hearth, caller.actor()?, &input, None, true).await?;
    Ok(HttpResponse::Ok().json(BrandResponse::from(&updated)))
}
