//! The automatic pre-moderation rules: each on or off with its parameters, edited by admins, applied the same
//! way to topics, replies, questions, answers, ideas and comments, from the UI and the API alike.
//!
//! [`evaluate`] is pure (text in, verdict out) so that a table of texts pins down exactly what each rule holds.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::schema::moderation_settings;
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TooBrief {
    pub enabled: bool,
    /// Posts whose text is shorter than this are held.
    pub min_chars: u32,
    /// Posts that say nothing but one of these are held ("good post", "+1").
    pub phrases: Vec<String>,
}

impl Default for TooBrief {
    fn default() -> Self {
        TooBrief {
            enabled: true,
            min_chars: 10,
            phrases: ["good post", "great post", "+1", "thanks!", "thanks", "me too"]
                .map(String::from)
                .to_vec(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkLimit {
    pub enabled: bool,
    /// More links than this are held.
    pub max_links: u32,
    /// Below this trust level, any link is held.
    pub min_trust_level: i32,
}

impl Default for LinkLimit {
    fn default() -> Self {
        LinkLimit {
            enabled: true,
            max_links: 1,
            min_trust_level: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkPromotion {
    pub enabled: bool,
    /// A post whose linked text is more than this share of all its text is "mostly links".
    pub max_link_share: f64,
    /// Links to these domains (or their subdomains) are held.
    pub watched_domains: Vec<String>,
}

impl Default for LinkPromotion {
    fn default() -> Self {
        LinkPromotion {
            enabled: true,
            max_link_share: 0.6,
            watched_domains: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Words {
    pub enabled: bool,
    /// Refused with a message.
    pub blocked: Vec<String>,
    /// Held for review.
    pub watched: Vec<String>,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            enabled: true,
            blocked: Vec::new(),
            watched: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FirstPosts {
    pub enabled: bool,
    /// A member's posts are held until a moderator has approved this many of them.
    pub count: u32,
}

impl Default for FirstPosts {
    fn default() -> Self {
        FirstPosts {
            enabled: false,
            count: 1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerHold {
    /// Every post by a partner account is held (a vendor posting policy).
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlagRule {
    pub enabled: bool,
    /// Published content whose open flags weigh this much is hidden pending review.
    pub hide_at_weight: i32,
}

impl Default for FlagRule {
    fn default() -> Self {
        FlagRule {
            enabled: true,
            hide_at_weight: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InboxRule {
    pub enabled: bool,
    /// A question with no answer after this many hours enters the staff inbox.
    pub unanswered_hours: i32,
    /// A post whose sentiment (VADER compound, −1…1) is at or below this is a detractor post.
    pub detractor_below: f64,
}

impl Default for InboxRule {
    fn default() -> Self {
        InboxRule {
            enabled: true,
            unanswered_hours: 24,
            detractor_below: -0.5,
        }
    }
}

/// Every rule and listening setting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    pub too_brief: TooBrief,
    pub link_limit: LinkLimit,
    pub link_promotion: LinkPromotion,
    pub words: Words,
    pub first_posts: FirstPosts,
    pub partner_hold: PartnerHold,
    pub flags: FlagRule,
    pub inbox: InboxRule,
}

/// What is known about the author when their post is screened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorFacts {
    /// The brand's team: never held.
    pub team: bool,
    pub partner: bool,
    pub trust_level: i32,
    /// Posts of theirs a moderator approved.
    pub approved_posts: i32,
}

/// What becomes of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Publish,
    /// Stored as pending with this reason, which the author reads.
    Hold {
        rule: &'static str,
        reason: String,
    },
}

fn held(rule: &'static str, why: impl std::fmt::Display) -> Verdict {
    Verdict::Hold {
        rule,
        reason: format!("Held because {why}; a moderator will review it."),
    }
}

/// Lower-case words of a text, joined by single spaces, with a space at each end (so that `" term "` finds
/// whole words and phrases).
fn word_line(text: &str) -> String {
    let mut out = String::from(" ");
    for word in text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '+'))
        .filter(|w| !w.is_empty())
    {
        out.push_str(&word.to_lowercase());
        out.push(' ');
    }
    out
}

fn find_term<'a>(line: &str, terms: &'a [String]) -> Option<&'a str> {
    terms
        .iter()
        .find(|t| {
            let term = word_line(t);
            term.trim() != "" && line.contains(&term)
        })
        .map(String::as_str)
}

/// A phrase compared loosely: lower case, whitespace collapsed, trailing punctuation dropped.
fn loose(text: &str) -> String {
    let collapsed = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    collapsed
        .trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '+')
        .trim()
        .to_owned()
}

/// The text and the links of rendered, sanitised HTML: (all text, text inside links, link targets).
/// Mentions of members are not links.
pub fn text_and_links(html: &str) -> (String, usize, Vec<String>) {
    let mut text = String::new();
    let mut link_chars = 0usize;
    let mut hrefs = Vec::new();
    let mut in_link = false;
    let mut rest = html;
    // Bare addresses that the renderer leaves as text are links too (spam rarely bothers with Markdown).
    let bare = |chunk: &str, hrefs: &mut Vec<String>| {
        let mut chars = 0;
        for word in chunk.split_whitespace() {
            let word =
                word.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '.' | '!' | '?' | ';' | '"'));
            if word.starts_with("http://") || word.starts_with("https://") || word.starts_with("www.") {
                hrefs.push(if word.starts_with("www.") {
                    format!("https://{word}")
                } else {
                    word.to_owned()
                });
                chars += word.chars().count();
            }
        }
        chars
    };
    while let Some(open) = rest.find('<') {
        let chunk = decode(&rest[..open]);
        if in_link {
            link_chars += chunk.chars().filter(|c| !c.is_whitespace()).count();
        } else {
            link_chars += bare(&chunk, &mut hrefs);
        }
        text.push_str(&chunk);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        if let Some(attrs) = tag.strip_prefix("a ") {
            if !attrs.contains("class=\"mention\"") {
                in_link = true;
                if let Some(start) = attrs.find("href=\"") {
                    let href = &attrs[start + 6..];
                    hrefs.push(decode(&href[..href.find('"').unwrap_or(href.len())]));
                }
            }
        } else if tag == "/a" {
            in_link = false;
        } else if matches!(tag, "p" | "/p" | "br" | "br /" | "li" | "/li") {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    let tail = decode(rest);
    link_chars += bare(&tail, &mut hrefs);
    text.push_str(&tail);
    (text, link_chars, hrefs)
}

/// HTML entities of sanitised text back to characters.
pub(crate) fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The host of an absolute link, lower case, without `www.`.
fn host_of(href: &str) -> Option<String> {
    let after = href.split_once("://")?.1;
    let host = after.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?.to_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_owned())
}

/// The words a body contains that the blocked list refuses, if any: a field error on `body`.
pub fn check_blocked(rules: &Rules, body_md: &str) -> DomainResult<()> {
    if !rules.words.enabled {
        return Ok(());
    }
    if let Some(word) = find_term(&word_line(body_md), &rules.words.blocked) {
        return Err(DomainError::invalid(
            "body",
            format!("contains “{word}”, which this community does not allow; please rephrase"),
        ));
    }
    Ok(())
}

/// Screens a post. Blocked words refuse it (a field error on `body`); the other rules hold it. The team is never
/// held (blocked words still apply).
pub fn evaluate(rules: &Rules, author: &AuthorFacts, body_md: &str, html: &str) -> DomainResult<Verdict> {
    check_blocked(rules, body_md)?;
    if author.team {
        return Ok(Verdict::Publish);
    }
    if rules.partner_hold.enabled && author.partner {
        return Ok(held(
            "partner_hold",
            "posts by partner accounts are reviewed before they appear",
        ));
    }
    if rules.first_posts.enabled && author.approved_posts < rules.first_posts.count as i32 {
        let n = rules.first_posts.count;
        return Ok(held(
            "first_posts",
            format!(
                "the first {} of a new member are reviewed before they appear",
                if n == 1 {
                    "post".to_owned()
                } else {
                    format!("{n} posts")
                }
            ),
        ));
    }
    let (text, link_chars, hrefs) = text_and_links(html);
    if rules.too_brief.enabled {
        let said = loose(&text);
        if let Some(phrase) = rules
            .too_brief
            .phrases
            .iter()
            .find(|p| loose(p) == said && !said.is_empty())
        {
            return Ok(held(
                "too_brief",
                format!("it only says “{phrase}” (use the vote or the like instead)"),
            ));
        }
        let length = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .count();
        if length < rules.too_brief.min_chars as usize {
            return Ok(held(
                "too_brief",
                format!(
                    "it is very brief (under {} characters)",
                    rules.too_brief.min_chars
                ),
            ));
        }
    }
    if rules.words.enabled
        && let Some(word) = find_term(&word_line(body_md), &rules.words.watched)
    {
        return Ok(held(
            "words",
            format!("it contains “{word}”, a word moderators review"),
        ));
    }
    let links = hrefs.len();
    if rules.link_limit.enabled && links > 0 {
        if links > rules.link_limit.max_links as usize {
            let max = rules.link_limit.max_links;
            return Ok(held(
                "link_limit",
                if max == 1 {
                    "it contains more than one link".to_owned()
                } else {
                    format!("it contains more than {max} links")
                },
            ));
        }
        if author.trust_level < rules.link_limit.min_trust_level {
            return Ok(held(
                "link_limit",
                format!(
                    "it contains a link, and links by members below trust level {} are reviewed",
                    rules.link_limit.min_trust_level
                ),
            ));
        }
    }
    if rules.link_promotion.enabled && links > 0 {
        for href in &hrefs {
            if let Some(host) = host_of(href) {
                let watched = rules
                    .link_promotion
                    .watched_domains
                    .iter()
                    .find(|d| host == **d || host.ends_with(&format!(".{d}")));
                if let Some(domain) = watched {
                    return Ok(held(
                        "link_promotion",
                        format!("it links to {domain}, a domain moderators review"),
                    ));
                }
            }
        }
        let all = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
        if link_chars as f64 / all as f64 > rules.link_promotion.max_link_share {
            return Ok(held("link_promotion", "it is mostly links"));
        }
    }
    Ok(Verdict::Publish)
}

/// The rules, by the name a held post records as its reason.
pub const NAMES: [&str; 8] = [
    "too_brief",
    "link_limit",
    "link_promotion",
    "words",
    "first_posts",
    "partner_hold",
    "flags",
    "inbox",
];

fn to_rows(rules: &Rules) -> DomainResult<Vec<(&'static str, bool, Value)>> {
    let Value::Object(all) = serde_json::to_value(rules).map_err(DomainError::internal)? else {
        return Err(DomainError::internal("rules are not an object"));
    };
    let mut rows = Vec::new();
    for name in NAMES {
        let Some(Value::Object(mut params)) = all.get(name).cloned() else {
            return Err(DomainError::internal("a rule is missing"));
        };
        let enabled = params.remove("enabled").and_then(|v| v.as_bool()).unwrap_or(true);
        rows.push((name, enabled, Value::Object(params)));
    }
    Ok(rows)
}

/// The rules in force (defaults for any row that is missing or unreadable).
pub async fn load_in(conn: &mut AsyncPgConnection) -> DomainResult<Rules> {
    let rows: Vec<(String, bool, Value)> = moderation_settings::table
        .select((
            moderation_settings::name,
            moderation_settings::enabled,
            moderation_settings::params,
        ))
        .load(conn)
        .await?;
    let mut all = serde_json::Map::new();
    for (name, enabled, params) in rows {
        let mut params = match params {
            Value::Object(p) => p,
            _ => serde_json::Map::new(),
        };
        params.insert("enabled".into(), Value::Bool(enabled));
        all.insert(name, Value::Object(params));
    }
    Ok(serde_json::from_value(Value::Object(all)).unwrap_or_default())
}

pub async fn load(hearth: &Hearth) -> DomainResult<Rules> {
    let mut conn = db::conn(hearth.db()).await?;
    load_in(&mut conn).await
}

fn clean_list(errors: &mut FieldErrors, field: &str, list: &[String], domains: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in list {
        let item = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if item.is_empty() {
            continue;
        }
        if item.chars().count() > 60 {
            errors.add(field, "entries must be at most 60 characters");
        }
        if domains
            && !item
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            errors.add(field, format!("“{item}” is not a domain name (example.com)"));
        }
        if !out.contains(&item) {
            out.push(item);
        }
    }
    if out.len() > 500 {
        errors.add(field, "at most 500 entries");
    }
    out
}

/// Checks and normalises rules an admin submitted (field names like `too_brief.min_chars`).
pub fn validate(mut rules: Rules) -> DomainResult<Rules> {
    let mut e = FieldErrors::new();
    if rules.too_brief.min_chars > 200 {
        e.add("too_brief.min_chars", "must be 0 to 200");
    }
    rules.too_brief.phrases = clean_list(&mut e, "too_brief.phrases", &rules.too_brief.phrases, false);
    if rules.link_limit.max_links > 50 {
        e.add("link_limit.max_links", "must be 0 to 50");
    }
    if !(0..=4).contains(&rules.link_limit.min_trust_level) {
        e.add("link_limit.min_trust_level", "must be 0 to 4");
    }
    let share = rules.link_promotion.max_link_share;
    if !(0.1..=1.0).contains(&share) || share.is_nan() {
        e.add("link_promotion.max_link_share", "must be between 0.1 and 1");
    }
    rules.link_promotion.watched_domains = clean_list(
        &mut e,
        "link_promotion.watched_domains",
        &rules.link_promotion.watched_domains,
        true,
    )
    .into_iter()
    .map(|d| d.strip_prefix("www.").unwrap_or(&d).to_owned())
    .collect();
    rules.words.blocked = clean_list(&mut e, "words.blocked", &rules.words.blocked, false);
    rules.words.watched = clean_list(&mut e, "words.watched", &rules.words.watched, false);
    if !(1..=20).contains(&rules.first_posts.count) {
        e.add("first_posts.count", "must be 1 to 20");
    }
    if !(1..=100).contains(&rules.flags.hide_at_weight) {
        e.add("flags.hide_at_weight", "must be 1 to 100");
    }
    if !(1..=720).contains(&rules.inbox.unanswered_hours) {
        e.add("inbox.unanswered_hours", "must be 1 to 720");
    }
    let below = rules.inbox.detractor_below;
    if !(-1.0..=0.0).contains(&below) || below.is_nan() {
        e.add("inbox.detractor_below", "must be between -1 and 0");
    }
    e.into_result()?;
    Ok(rules)
}

/// Replaces the rules (admins only; audited with before and after).
pub async fn save(hearth: &Hearth, actor: &Actor, rules: Rules) -> DomainResult<Rules> {
    actor.require_admin()?;
    let rules = validate(rules)?;
    let rows = to_rows(&rules)?;
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<Rules, DomainError, _>(async |conn| {
        diesel::sql_query("LOCK TABLE moderation_settings IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)
            .await?;
        let before = load_in(conn).await?;
        for (name, enabled, params) in rows {
            diesel::insert_into(moderation_settings::table)
                .values((
                    moderation_settings::name.eq(name),
                    moderation_settings::enabled.eq(enabled),
                    moderation_settings::params.eq(&params),
                    moderation_settings::updated_by.eq(Some(actor_id)),
                ))
                .on_conflict(moderation_settings::name)
                .do_update()
                .set((
                    moderation_settings::enabled.eq(enabled),
                    moderation_settings::params.eq(&params),
                    moderation_settings::updated_by.eq(Some(actor_id)),
                    moderation_settings::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
        }
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "rules.update".into(),
                target_type: "moderation_rules".into(),
                target_id: None,
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&rules).ok(),
                reason: String::new(),
            },
        )
        .await?;
        Ok(rules)
    })
    .await
}

#[cfg(test)]
mod unit {
    use super::*;

    fn member() -> AuthorFacts {
        AuthorFacts {
            trust_level: 1,
            approved_posts: 5,
            ..AuthorFacts::default()
        }
    }

    #[test]
    fn rows_round_trip() {
        let rules = Rules::default();
        let rows = to_rows(&rules).unwrap();
        assert_eq!(rows.len(), NAMES.len());
        assert!(
            rows.iter()
                .any(|(n, e, p)| *n == "first_posts" && !e && p["count"] == 1)
        );
    }

    #[test]
    fn links_and_text_are_read_from_html() {
        let html = crate::markdown::render("See [the manual](https://www.Example.com/x) and @ada.");
        let (text, link_chars, hrefs) = text_and_links(&html);
        assert!(text.contains("See the manual and"), "{text}");
        assert_eq!(link_chars, "themanual".len());
        assert_eq!(hrefs, vec!["https://www.Example.com/x"]);
        assert_eq!(host_of(&hrefs[0]).as_deref(), Some("example.com"));
    }

    #[test]
    fn validation_names_the_field() {
        let mut rules = Rules::default();
        rules.link_promotion.watched_domains = vec!["not a domain!".into()];
        rules.inbox.unanswered_hours = 0;
        let Err(DomainError::Invalid(fields)) = validate(rules) else {
            panic!("expected field errors")
        };
        assert!(fields.0.contains_key("link_promotion.watched_domains"));
        assert!(fields.0.contains_key("inbox.unanswered_hours"));
        let ok = validate(Rules {
            words: Words {
                enabled: true,
                blocked: vec!["  Scam ".into(), "scam".into()],
                watched: vec![],
            },
            ..Rules::default()
        })
        .unwrap();
        assert_eq!(ok.words.blocked, vec!["scam"]);
    }

    #[test]
    fn the_team_is_not_held() {
        let team = AuthorFacts {
            team: true,
            ..AuthorFacts::default()
        };
        let html = crate::markdown::render("+1");
        assert_eq!(
            evaluate(&Rules::default(), &team, "+1", &html).unwrap(),
            Verdict::Publish
        );
        assert!(matches!(
            evaluate(&Rules::default(), &member(), "+1", &html).unwrap(),
            Verdict::Hold {
                rule: "too_brief",
                ..
            }
        ));
    }
}
