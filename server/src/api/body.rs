//! The JSON request body of an API call. Generated clients send `null` for an optional field they leave unset, so
//! a `null` member of an object means "not given": it is removed before the body is read into its type, where
//! every optional field has a default. A required field sent as `null` is then reported missing (400). The
//! OpenAPI document marks the optional fields of request bodies nullable to match (`openapi::nullable_optionals`).

use super::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

/// A request body read as JSON (limits, content type and error answers of the scope's `JsonConfig`).
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let mut value = value.await?.into_inner();
            drop_nulls(&mut value);
            serde_json::from_value(value)
                .map(Body)
                .map_err(|e| ApiError::Malformed(format!("invalid JSON ({e})")).into())
        })
    }
}

/// A request body that may be left out (an empty body reads as `T::default()`); otherwise as [`Body`].
#[derive(Debug)]
pub struct OptionalBody<T>(pub T);

impl<T> std::ops::Deref for OptionalBody<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalBody<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalBody(T::default()));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType.into());
            }
            let mut value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::Malformed(format!("invalid JSON ({e})")))?;
            drop_nulls(&mut value);
            serde_json::from_value(value)
                .map(OptionalBody)
                .map_err(|e| ApiError::Malformed(format!("invalid JSON ({e})")).into())
        })
    }
}

/// Removes every `null` member of every object (at any depth; `null` items of arrays stay).
fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::drop_nulls;
    use serde_json::json;

    #[test]
    fn null_members_go_at_every_depth_and_array_items_stay() {
        let mut v = json!({"a": null, "b": 1, "c": {"d": null, "e": [null, {"f": null, "g": 2}]}});
        drop_nulls(&mut v);
        assert_eq!(v, json!({"b": 1, "c": {"e": [null, {"g": 2}]}}));
    }
}
