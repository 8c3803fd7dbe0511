//! The text of every e-mail: a plain-text part and an HTML part in the brand's name and colours.

use super::OutgoingMail;
use crate::brand::Brand;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Wraps paragraphs and one call-to-action button in the brand's layout.
fn layout(brand: &Brand, paragraphs: &[String], button: Option<(&str, &str)>, footer: &str) -> String {
    layout_with(brand, paragraphs, "", button, footer)
}

/// The layout with already-escaped HTML after the paragraphs (a digest's grouped lists).
fn layout_with(
    brand: &Brand,
    paragraphs: &[String],
    extra_html: &str,
    button: Option<(&str, &str)>,
    footer: &str,
) -> String {
    let name = escape_html(&brand.name);
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!(
            "<p style=\"margin:0 0 16px;font-size:16px;line-height:1.5;color:#1b1b1b\">{}</p>",
            escape_html(p)
        ));
    }
    body.push_str(extra_html);
    if let Some((label, href)) = button {
        body.push_str(&format!(
            "<p style=\"margin:24px 0\"><a href=\"{href}\" style=\"background:{bg};color:#ffffff;padding:12px 20px;\
             border-radius:6px;text-decoration:none;font-weight:600;display:inline-block\">{label}</a></p>\
             <p style=\"margin:0 0 16px;font-size:13px;color:#4a4a4a\">If the button does not work, copy this address \
             into your browser:<br><a href=\"{href}\" style=\"color:{accent};word-break:break-all\">{href}</a></p>",
            href = escape_html(href),
            label = escape_html(label),
            bg = brand.color_primary,
            accent = brand.color_accent,
        ));
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name}</title></head>\
         <body style=\"margin:0;padding:0;background:#f4f4f4;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"center\" style=\"padding:24px\">\
         <table role=\"presentation\" width=\"560\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border-radius:8px;overflow:hidden\">\
         <tr><td style=\"background:{primary};color:#ffffff;padding:16px 24px;font-size:20px;font-weight:700\">{name}</td></tr>\
         <tr><td style=\"padding:24px\">{body}</td></tr>\
         <tr><td style=\"padding:16px 24px;border-top:1px solid #e5e5e5;font-size:12px;color:#4a4a4a\">{footer}</td></tr>\
         </table></td></tr></table></body></html>",
        primary = brand.color_primary,
        footer = escape_html(footer),
    )
}

pub fn verify_email(brand: &Brand, to: &str, username: &str, link: &str) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "welcome to {}! Please confirm that this is your e-mail address.",
        brand.name
    );
    let expiry = "The link works for 48 hours. If you did not sign up, ignore this message: no account will be activated.";
    OutgoingMail {
        kind: "verify_email",
        to: to.to_owned(),
        subject: format!("Confirm your e-mail address for {}", brand.name),
        text: format!("{greeting}\n\n{intro}\n\nConfirm your address:\n{link}\n\n{expiry}\n"),
        html: layout(
            brand,
            &[greeting, intro],
            Some(("Confirm my e-mail address", link)),
            expiry,
        ),
    }
}

pub fn password_reset(brand: &Brand, to: &str, username: &str, link: &str) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "someone (hopefully you) asked to reset the password of your {} account.",
        brand.name
    );
    let expiry = "The link works for one hour and only once. If you did not ask for it, ignore this message: your password stays as it is.";
    OutgoingMail {
        kind: "password_reset",
        to: to.to_owned(),
        subject: format!("Reset your {} password", brand.name),
        text: format!("{greeting}\n\n{intro}\n\nChoose a new password:\n{link}\n\n{expiry}\n"),
        html: layout(
            brand,
            &[greeting, intro],
            Some(("Choose a new password", link)),
            expiry,
        ),
    }
}

pub fn password_changed(brand: &Brand, to: &str, username: &str, link: &str) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "the password of your {} account was just changed: every other session was logged out and every personal \
         API token was revoked (create new ones in your settings).",
        brand.name
    );
    let warn = "If this was not you, reset your password now with the link below.";
    OutgoingMail {
        kind: "password_changed",
        to: to.to_owned(),
        subject: format!("Your {} password was changed", brand.name),
        text: format!("{greeting}\n\n{intro}\n{warn}\n{link}\n"),
        html: layout(
            brand,
            &[greeting, intro, warn.into()],
            Some(("Reset my password", link)),
            "You receive this message for the security of your account.",
        ),
    }
}

/// To the owner of an address someone tried to sign up with: they have an account already (sign-up answers the
/// same either way, so that it does not tell who is registered).
pub fn signup_existing(brand: &Brand, to: &str, username: &str, reset_link: &str) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "someone (probably you) tried to create a {} account with this e-mail address, but it already belongs to \
         your account ({username}). Log in as usual, or reset your password if you forgot it.",
        brand.name
    );
    let warn = "If this was not you, you can ignore this message: nothing was changed.".to_owned();
    OutgoingMail {
        kind: "signup_existing",
        to: to.to_owned(),
        subject: format!("You already have a {} account", brand.name),
        text: format!("{greeting}\n\n{intro}\n{warn}\n\nReset your password: {reset_link}\n"),
        html: layout(
            brand,
            &[greeting, intro, warn],
            Some(("Reset my password", reset_link)),
            "You receive this because someone used your address to sign up.",
        ),
    }
}

/// To each admin: a webhook endpoint was disabled (410 Gone, or three days of failures).
pub fn webhook_disabled(
    brand: &Brand,
    to: &str,
    username: &str,
    url: &str,
    reason: &str,
    link: &str,
) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "{} stopped sending events to the webhook endpoint {url}.",
        brand.name
    );
    let why = format!("Why: {reason}");
    let next =
        "Events that happen from now on are not queued for it. Fix the receiver, then turn the endpoint on \
                again and send a test event; the delivery log shows what the receiver answered."
            .to_owned();
    OutgoingMail {
        kind: "webhook_disabled",
        to: to.to_owned(),
        subject: format!("[{}] A webhook endpoint was disabled", brand.name),
        text: format!("{greeting}\n\n{intro}\n{why}\n\n{next}\n{link}\n"),
        html: layout(
            brand,
            &[greeting, intro, why, next],
            Some(("Open the endpoint", link)),
            "You receive this because you administer this community.",
        ),
    }
}

/// One notification, sent immediately. `link` leads to the exact post; `unsubscribe` needs no log-in.
pub fn notification(
    brand: &Brand,
    to: &str,
    username: &str,
    title: &str,
    link: &str,
    topic_label: &str,
    unsubscribe: &str,
) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let footer = format!(
        "You get this because e-mails about {topic_label} are on in your settings. Stop them with one click: {unsubscribe}"
    );
    OutgoingMail {
        kind: "notification",
        to: to.to_owned(),
        subject: format!("[{}] {title}", brand.name),
        text: format!("{greeting}\n\n{title}\n\nRead it: {link}\n\n--\n{footer}\n"),
        html: layout(
            brand,
            &[greeting, title.to_owned()],
            Some(("Read it", link)),
            &footer,
        ),
    }
}

/// A digest: notifications grouped by kind of event, then by topic, each with its link.
pub fn digest(
    brand: &Brand,
    to: &str,
    username: &str,
    period: &str,
    groups: &[(String, Vec<(String, String)>)],
    settings_link: &str,
) -> OutgoingMail {
    let count: usize = groups.iter().map(|(_, items)| items.len()).sum();
    let greeting = format!("Hi {username},");
    let intro = format!(
        "here is your {period} summary from {}: {count} update{}.",
        brand.name,
        if count == 1 { "" } else { "s" }
    );
    let mut text = format!("{greeting}\n\n{intro}\n");
    let mut sections = String::new();
    for (heading, items) in groups {
        text.push_str(&format!("\n{heading}\n"));
        sections.push_str(&format!(
            "<h2 style=\"font-size:16px;margin:20px 0 8px;color:{}\">{}</h2><ul style=\"margin:0;padding-left:20px\">",
            brand.color_primary,
            escape_html(heading)
        ));
        for (title, link) in items {
            text.push_str(&format!("- {title}\n  {link}\n"));
            sections.push_str(&format!(
                "<li style=\"margin:0 0 8px;font-size:15px\"><a href=\"{}\" style=\"color:{}\">{}</a></li>",
                escape_html(link),
                brand.color_accent,
                escape_html(title)
            ));
        }
        sections.push_str("</ul>");
    }
    let footer = format!("Choose what you get and how often: {settings_link}");
    text.push_str(&format!("\n--\n{footer}\n"));
    let html = layout_with(brand, &[greeting, intro], &sections, None, &footer);
    OutgoingMail {
        kind: "digest",
        to: to.to_owned(),
        subject: format!("Your {period} summary from {}", brand.name),
        text,
        html,
    }
}

/// To a member whose "Download my data" archive is ready: a signed link that works once, for them, until it
/// expires.
pub fn export_ready(brand: &Brand, to: &str, username: &str, link: &str, expires: &str) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "the archive of your data on {} is ready: your profile, posts and their earlier versions, questions, \
         answers, ideas, votes, comments, flags, club membership, RSVPs, notifications, sessions and tokens, as \
         JSON files in a zip.",
        brand.name
    );
    let how = format!(
        "The link works once, only while you are logged in as {username}, until {expires}. After that, ask for a \
         new export in your settings (one a day)."
    );
    OutgoingMail {
        kind: "export_ready",
        to: to.to_owned(),
        subject: format!("Your {} data is ready to download", brand.name),
        text: format!("{greeting}\n\n{intro}\n\n{how}\n\nDownload: {link}\n"),
        html: layout(
            brand,
            &[greeting, intro, how],
            Some(("Download my data", link)),
            "You receive this because you asked for your data in your settings.",
        ),
    }
}

/// To a member who asked to delete their account: when it happens, and how to stop it.
pub fn deletion_scheduled(
    brand: &Brand,
    to: &str,
    username: &str,
    due: &str,
    removes_content: bool,
    login_link: &str,
) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let what = if removes_content {
        "your name, e-mail address, profile, products, tokens and preferences will be removed, and your posts too \
         (topics you started keep their replies)"
    } else {
        "your name, e-mail address, profile, products, tokens and preferences will be removed; your posts stay, \
         under a pseudonym (\"former member\")"
    };
    let intro = format!(
        "your {} account will be deleted on {due}: {what}. Every session was logged out.",
        brand.name
    );
    let cancel =
        "Changed your mind? Log in before then and the deletion is cancelled: everything stays as it was.";
    OutgoingMail {
        kind: "deletion_scheduled",
        to: to.to_owned(),
        subject: format!("Your {} account will be deleted on {due}", brand.name),
        text: format!("{greeting}\n\n{intro}\n{cancel}\n\nLog in: {login_link}\n"),
        html: layout(
            brand,
            &[greeting, intro, cancel.into()],
            Some(("Log in to keep my account", login_link)),
            "You receive this because your account is to be deleted.",
        ),
    }
}

/// To a member who logged in during the grace period: the deletion is off.
pub fn deletion_cancelled(brand: &Brand, to: &str, username: &str) -> OutgoingMail {
    let greeting = format!("Hi {username},");
    let intro = format!(
        "you logged in to {}, so your account will not be deleted: everything stays as it was.",
        brand.name
    );
    let again = "To delete it after all, ask again in your settings.";
    OutgoingMail {
        kind: "deletion_cancelled",
        to: to.to_owned(),
        subject: format!("Your {} account will not be deleted", brand.name),
        text: format!("{greeting}\n\n{intro}\n{again}\n"),
        html: layout(
            brand,
            &[greeting, intro, again.into()],
            None,
            "You receive this for the security of your account.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Brand {
        Brand {
            name: "Lumen <Bikes>".into(),
            tagline: String::new(),
            color_primary: "#1f5f8b".into(),
            color_accent: "#9c4312".into(),
            has_logo: false,
            logo_alt: String::new(),
            version: 1,
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn verification_mail_carries_the_link_in_both_parts_and_escapes_names() {
        let mail = verify_email(
            &brand(),
            "ada@example.com",
            "ada<script>",
            "https://c.example/verify?token=abc",
        );
        assert!(mail.text.contains("https://c.example/verify?token=abc"));
        assert!(mail.html.contains("href=\"https://c.example/verify?token=abc\""));
        assert!(mail.html.contains("Lumen &lt;Bikes&gt;"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("#1f5f8b"));
        assert_eq!(mail.kind, "verify_email");
    }
}
