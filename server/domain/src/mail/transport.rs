use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{DomainError, DomainResult};

/// One message to send: addressee, subject, both parts, and the one-click unsubscribe address if any.
#[derive(Debug, Clone, Copy)]
pub struct Letter<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub list_unsubscribe: Option<&'a str>,
}

/// Why a message could not be sent, and whether trying again can help.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// A permanent failure (a malformed address, an SMTP 5xx answer): retrying cannot help.
    pub permanent: bool,
}

impl SendError {
    fn permanent(message: impl Into<String>) -> Self {
        SendError {
            message: message.into(),
            permanent: true,
        }
    }

    fn transient(message: impl Into<String>) -> Self {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }
}

/// Where mail goes: an SMTP server, or `.eml` files in a folder (development).
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Transport {
    /// `smtp_url` as lettre reads it: `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS),
    /// `smtps://user:pass@host` (TLS). Without it, mail is written to `mail_dir`.
    pub fn new(smtp_url: Option<&str>, mail_dir: &Path) -> DomainResult<Transport> {
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| DomainError::internal(format!("SMTP_URL: {e}")))?
                    .timeout(Some(Duration::from_secs(10)))
                    .build();
                Ok(Transport::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(mail_dir).map_err(|e| {
                    DomainError::internal(format!("cannot create {}: {e}", mail_dir.display()))
                })?;
                Ok(Transport::Files(
                    AsyncFileTransport::new(mail_dir),
                    mail_dir.to_owned(),
                ))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Files(_, dir) => format!("files in {}", dir.display()),
        }
    }

    /// Sends one multipart (text + HTML) message; returns where it went.
    pub async fn send(
        &self,
        from_name: &str,
        from_address: &str,
        letter: &Letter<'_>,
    ) -> Result<String, SendError> {
        let Letter {
            to,
            subject,
            text,
            html,
            list_unsubscribe,
        } = *letter;
        let from = Mailbox::new(
            Some(from_name.to_owned()),
            from_address
                .parse()
                .map_err(|e| SendError::transient(format!("HEARTH_MAIL_FROM: {e}")))?,
        );
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::permanent(format!("the recipient address is not valid: {e}")))?;
        let mut builder = Message::builder().from(from).to(to).subject(subject);
        if let Some(url) = list_unsubscribe {
            // RFC 2369 + RFC 8058: mail clients offer "unsubscribe" and may POST to it without a log-in.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                text.to_owned(),
                html.to_owned(),
            ))
            .map_err(|e| SendError::permanent(format!("message: {e}")))?;
        match self {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok("smtp".into()),
                Err(e) if e.is_permanent() => Err(SendError::permanent(format!("smtp: {e}"))),
                Err(e) => Err(SendError::transient(format!("smtp: {e}"))),
            },
            Transport::Files(files, dir) => {
                let id = files
                    .send(message)
                    .await
                    .map_err(|e| SendError::transient(format!("mail file: {e}")))?;
                Ok(format!("{}/{id}.eml", dir.display()))
            }
        }
    }
}
