//! Account pages: sign-up, verification, log-in, password reset, settings.

mod account_deleted_page;
mod check_email_page;
mod forgot_password_page;
mod login_page;
mod reset_password_page;
mod sessions_page;
mod settings_page;
mod signup_page;
mod unsubscribe_page;
mod verify_page;

pub use account_deleted_page::AccountDeletedPage;
pub use check_email_page::CheckEmailPage;
pub use forgot_password_page::ForgotPasswordPage;
pub use login_page::LoginPage;
pub use reset_password_page::ResetPasswordPage;
pub use sessions_page::SessionsPage;
pub use settings_page::SettingsPage;
pub use signup_page::SignupPage;
pub use unsubscribe_page::UnsubscribePage;
pub use verify_page::VerifyPage;

use leptos::prelude::*;

use crate::model::AppError;

/// The error to show: the action's latest answer, else the one a plain form post left in the URL.
pub(crate) fn form_error<T: 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    initial: Option<AppError>,
) -> Signal<Option<AppError>> {
    Signal::derive(move || match value.get() {
        Some(Err(e)) => Some(e),
        Some(Ok(_)) => None,
        None => initial.clone(),
    })
}

/// The message of one field of a form error.
pub(crate) fn field_error(error: Signal<Option<AppError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field(name)))
}
