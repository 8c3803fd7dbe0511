//! The staff's hand on Talking Point: pin a theme with a public note, hide a theme, edit the ignored terms.
//! Every change is audited and takes effect at once (the snapshot is recomputed).

use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::terms::parse_key;
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::{DomainError, DomainResult, Hearth, db};

/// The most ignored terms.
pub const MAX_IGNORED: usize = 1000;

pub(crate) fn require_staff(actor: &Actor) -> DomainResult<()> {
    if actor.roles.is_staff() {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "Only the brand's staff can change Talking Point.",
        ))
    }
}

#[derive(Debug, Clone, QueryableByName, Serialize)]
pub struct ThemeSetting {
    #[diesel(sql_type = Text)]
    pub term: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub pinned_note: Option<String>,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
}

pub(crate) async fn settings_in(conn: &mut AsyncPgConnection) -> DomainResult<Vec<ThemeSetting>> {
    Ok(
        db::prepared_sql("SELECT term, pinned_note, hidden FROM talk_theme_settings ORDER BY term")
            .load(conn)
            .await?,
    )
}

pub(crate) async fn ignored_in(conn: &mut AsyncPgConnection) -> DomainResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = Text)]
        term: String,
    }
    let rows: Vec<T> = db::prepared_sql("SELECT term FROM talk_ignored_terms ORDER BY term")
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|t| t.term).collect())
}

/// What staff do to a theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeAction {
    /// Show it on top with this public note.
    Pin(String),
    Unpin,
    Hide,
    Unhide,
}

impl ThemeAction {
    fn name(&self) -> &'static str {
        match self {
            ThemeAction::Pin(_) => "pin",
            ThemeAction::Unpin => "unpin",
            ThemeAction::Hide => "hide",
            ThemeAction::Unhide => "unhide",
        }
    }
}

/// Pins, unpins, hides or shows a theme (staff; audited), then recomputes the page.
pub async fn set_theme(
    hearth: &Hearth,
    actor: &Actor,
    key: &str,
    action: ThemeAction,
) -> DomainResult<ThemeSetting> {
    require_staff(actor)?;
    let key = parse_key(key).map_err(|m| DomainError::invalid("key", m))?;
    if let ThemeAction::Pin(note) = &action {
        let note = crate::text::line(note).map_err(|m| DomainError::invalid("note", m))?;
        if !(3..=280).contains(&note.chars().count()) {
            return Err(DomainError::invalid("note", "must be 3 to 280 characters"));
        }
    }
    let note = match &action {
        ThemeAction::Pin(n) => Some(n.trim().to_owned()),
        _ => None,
    };
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    let setting = conn
        .transaction::<ThemeSetting, DomainError, _>(async |conn| {
            let before: Option<ThemeSetting> =
                diesel::sql_query("SELECT term, pinned_note, hidden FROM talk_theme_settings WHERE term = $1 FOR UPDATE")
                    .bind::<Text, _>(&key)
                    .get_result(conn)
                .await
                .optional()?;
            let (pinned, hidden) = match (&action, &before) {
                (ThemeAction::Pin(_), _) => (note.clone(), false),
                (ThemeAction::Unpin, b) => (None, b.as_ref().is_some_and(|b| b.hidden)),
                (ThemeAction::Hide, _) => (None, true),
                (ThemeAction::Unhide, b) => (b.as_ref().and_then(|b| b.pinned_note.clone()), false),
            };
            let after: ThemeSetting = diesel::sql_query(
                "INSERT INTO talk_theme_settings (term, pinned_note, pinned_at, hidden, updated_by)
                 VALUES ($1, $2, CASE WHEN $2 IS NULL THEN NULL ELSE now() END, $3, $4)
                 ON CONFLICT (term) DO UPDATE SET pinned_note = EXCLUDED.pinned_note,
                     pinned_at = CASE WHEN EXCLUDED.pinned_note IS NULL THEN NULL
                                      ELSE COALESCE(talk_theme_settings.pinned_at, now()) END,
                     hidden = EXCLUDED.hidden, updated_by = EXCLUDED.updated_by, updated_at = now()
                 RETURNING term, pinned_note, hidden",
            )
            .bind::<Text, _>(&key)
            .bind::<Nullable<Text>, _>(&pinned)
            .bind::<Bool, _>(hidden)
            .bind::<BigInt, _>(me.0)
            .get_result(conn)
            .await?;
            audit::record(
                conn,
                NewAuditEntry {
                    actor_id: Some(me),
                    action: format!("talking_point.theme.{}", action.name()),
                    target_type: "talking_point_theme".into(),
                    target_id: None,
                    before: Some(serde_json::json!({
                        "term": key,
                        "pinned_note": before.as_ref().and_then(|b| b.pinned_note.clone()),
                        "hidden": before.as_ref().is_some_and(|b| b.hidden),
                    })),
                    after: Some(serde_json::json!({ "term": key, "pinned_note": after.pinned_note, "hidden": after.hidden })),
                    reason: String::new(),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    drop(conn);
    super::refresh_now(hearth).await?;
    Ok(setting)
}

/// The ignored terms, alphabetically (staff).
pub async fn ignored_terms(hearth: &Hearth, actor: &Actor) -> DomainResult<Vec<String>> {
    require_staff(actor)?;
    let mut conn = db::conn(hearth.db()).await?;
    ignored_in(&mut conn).await
}

/// Replaces the ignored terms (staff; audited). Each is a word or two words; duplicates are merged.
pub async fn set_ignored_terms(
    hearth: &Hearth,
    actor: &Actor,
    terms: &[String],
) -> DomainResult<Vec<String>> {
    require_staff(actor)?;
    let mut clean = Vec::new();
    for (i, raw) in terms.iter().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        match parse_key(raw) {
            Ok(t) if !t.starts_with("product:") => clean.push(t),
            _ => {
                return Err(DomainError::invalid(
                    &format!("terms[{i}]"),
                    "must be a word or two words (letters and digits)",
                ));
            }
        }
    }
    clean.sort();
    clean.dedup();
    if clean.len() > MAX_IGNORED {
        return Err(DomainError::invalid(
            "terms",
            format!("at most {MAX_IGNORED} terms"),
        ));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| {
        let before = ignored_in(conn).await?;
        diesel::sql_query("DELETE FROM talk_ignored_terms WHERE NOT (term = ANY($1))")
            .bind::<Array<Text>, _>(&clean)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "INSERT INTO talk_ignored_terms (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
        )
        .bind::<Array<Text>, _>(&clean)
        .execute(conn)
        .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(me),
                action: "talking_point.ignored_terms".into(),
                target_type: "talking_point".into(),
                target_id: None,
                before: Some(serde_json::json!(before)),
                after: Some(serde_json::json!(clean)),
                reason: String::new(),
            },
        )
        .await
    })
    .await?;
    drop(conn);
    super::refresh_now(hearth).await?;
    Ok(clean)
}

/// Theme settings (staff), for the staff tools on the page.
pub async fn theme_settings(hearth: &Hearth, actor: &Actor) -> DomainResult<Vec<ThemeSetting>> {
    require_staff(actor)?;
    let mut conn = db::conn(hearth.db()).await?;
    settings_in(&mut conn).await
}
