//! Server functions, one module per capability. Each is thin: who is asking, parse the input, call the
//! domain, map the error. The REST API calls the same domain functions.

pub mod accounts;
pub mod admin;
pub mod club;
pub mod forums;
pub mod ideas;
pub mod insights;
pub mod moderation;
pub mod notify;
pub mod policy;
pub mod profiles;
pub mod qa;
pub mod talking_point;
pub mod webhooks;

use crate::model::AppError;
use server_fn::ServerFn;

/// The error a plain (no-JavaScript) form post of server function `S` left in the page's URL, if any.
/// Pages pass it to their form islands, so that the server's render and the browser's agree.
pub fn url_error<S: ServerFn>(query: &leptos_router::params::ParamsMap) -> Option<AppError> {
    let path = query.get_str("__path")?;
    if path != S::PATH {
        return None;
    }
    let err = query.get_str("__err")?;
    Some(server_fn::error::ServerFnUrlError::<AppError>::decode_err(err))
}
