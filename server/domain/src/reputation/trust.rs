//! Trust levels (from reputation and account age) and the privileges they gate; badges.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;

use super::compute::{Breakdown, breakdown_in, joined_in};
use crate::accounts::{Actor, Roles};
use crate::ids::UserId;
use crate::{DomainError, DomainResult, Hearth, db};

/// One trust level and what it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrustLevel {
    pub level: i32,
    pub name: &'static str,
    /// Reputation needed.
    pub min_reputation: i32,
    /// Days since joining needed.
    pub min_days: i64,
    /// Links allowed in one post.
    pub max_links: usize,
    /// Whether the member may flag posts for moderators.
    pub can_flag: bool,
    /// How much one flag of theirs counts towards hiding a post.
    pub flag_weight: i32,
}

/// The ladder, lowest first. The brand's team (staff, moderators, product, admins) stand at the top.
pub const TRUST_LEVELS: [TrustLevel; 5] = [
    TrustLevel {
        level: 0,
        name: "New",
        min_reputation: 0,
        min_days: 0,
        max_links: 1,
        can_flag: false,
        flag_weight: 0,
    },
    TrustLevel {
        level: 1,
        name: "Member",
        min_reputation: 10,
        min_days: 2,
        max_links: 5,
        can_flag: true,
        flag_weight: 1,
    },
    TrustLevel {
        level: 2,
        name: "Regular",
        min_reputation: 100,
        min_days: 14,
        max_links: 20,
        can_flag: true,
        flag_weight: 2,
    },
    TrustLevel {
        level: 3,
        name: "Leader",
        min_reputation: 500,
        min_days: 60,
        max_links: 50,
        can_flag: true,
        flag_weight: 3,
    },
    TrustLevel {
        level: 4,
        name: "Team",
        min_reputation: i32::MAX,
        min_days: 0,
        max_links: 100,
        can_flag: true,
        flag_weight: 5,
    },
];

/// The level a member stands at.
pub fn trust_level(points: i32, joined: DateTime<Utc>, roles: &Roles, now: DateTime<Utc>) -> TrustLevel {
    if !roles.list().is_empty() {
        return TRUST_LEVELS[4];
    }
    let days = (now - joined).num_days();
    TRUST_LEVELS[..4]
        .iter()
        .rev()
        .find(|t| points >= t.min_reputation && days >= t.min_days)
        .copied()
        .unwrap_or(TRUST_LEVELS[0])
}

/// A badge a member earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

pub const BADGES: [Badge; 6] = [
    Badge {
        slug: "first-accepted-answer",
        name: "First accepted answer",
        description: "An answer of yours was accepted by the member who asked.",
    },
    Badge {
        slug: "helped-10",
        name: "Helped 10",
        description: "Answers of yours were accepted by 10 different members.",
    },
    Badge {
        slug: "helped-100",
        name: "Helped 100",
        description: "Answers of yours were accepted by 100 different members.",
    },
    Badge {
        slug: "idea-shipped",
        name: "Idea shipped",
        description: "An idea of yours shipped.",
    },
    Badge {
        slug: "club-member",
        name: "Club member",
        description: "A member of the fan club.",
    },
    Badge {
        slug: "event-attended",
        name: "Event attended",
        description: "Had a seat at a club event.",
    },
];

fn earned(b: &Breakdown, club: bool, events_attended: i64) -> Vec<Badge> {
    let checks = [
        b.askers_helped >= 1,
        b.askers_helped >= 10,
        b.askers_helped >= 100,
        b.ideas_shipped >= 1,
        club,
        events_attended >= 1,
    ];
    BADGES
        .iter()
        .zip(checks)
        .filter(|(_, ok)| *ok)
        .map(|(b, _)| *b)
        .collect()
}

/// A member's standing: reputation with breakdown, trust level, badges.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub breakdown: Breakdown,
    pub trust: TrustLevel,
    pub badges: Vec<Badge>,
}

/// A member's standing (a few indexed reads).
pub async fn standing(hearth: &Hearth, user: UserId, roles: &Roles) -> DomainResult<Standing> {
    let mut conn = db::conn(hearth.db()).await?;
    let breakdown = breakdown_in(&mut conn, user).await?;
    let joined = joined_in(&mut conn, user).await?;
    let club = crate::club::membership_in(&mut conn, user).await?.is_some();
    let attended = crate::club::events_attended_in(&mut conn, user).await?;
    Ok(Standing {
        trust: trust_level(breakdown.points, joined, roles, Utc::now()),
        badges: earned(&breakdown, club, attended),
        breakdown,
    })
}

/// The trust level of the member acting now.
pub(crate) async fn trust_of(conn: &mut AsyncPgConnection, actor: &Actor) -> DomainResult<TrustLevel> {
    if !actor.roles.list().is_empty() {
        return Ok(TRUST_LEVELS[4]);
    }
    let points = breakdown_in(conn, actor.id).await?.points;
    let joined = joined_in(conn, actor.id).await?;
    Ok(trust_level(points, joined, &actor.roles, Utc::now()))
}

/// Links in rendered, sanitised HTML (mentions of members are not links to elsewhere).
pub fn count_links(html: &str) -> usize {
    html.split("<a ")
        .skip(1)
        .filter(|tag| !tag.split('>').next().unwrap_or("").contains("class=\"mention\""))
        .count()
}

/// Refuses a post with more links than the author's trust level allows (field `body`).
pub(crate) async fn check_links(conn: &mut AsyncPgConnection, actor: &Actor, html: &str) -> DomainResult<()> {
    let links = count_links(html);
    if links <= TRUST_LEVELS[0].max_links {
        return Ok(());
    }
    let trust = trust_of(conn, actor).await?;
    if links > trust.max_links {
        return Err(DomainError::invalid(
            "body",
            format!(
                "At trust level {} ({}) a post may hold at most {} link{}; this one has {links}. \
                 See “How reputation works”.",
                trust.level,
                trust.name,
                trust.max_links,
                if trust.max_links == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(())
}

/// Refuses flags from members whose trust level does not allow flagging (the moderation capability calls
/// this); returns the weight of their flag.
pub async fn flag_weight(hearth: &Hearth, actor: &Actor) -> DomainResult<i32> {
    let mut conn = db::conn(hearth.db()).await?;
    let trust = trust_of(&mut conn, actor).await?;
    if !trust.can_flag {
        return Err(DomainError::forbidden(format!(
            "Flagging opens at trust level 1 ({}+ reputation, {}+ days).",
            TRUST_LEVELS[1].min_reputation, TRUST_LEVELS[1].min_days
        )));
    }
    Ok(trust.flag_weight)
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::accounts::Role;
    use chrono::Duration;

    #[test]
    fn levels_need_both_reputation_and_age() {
        let now = Utc::now();
        let none = Roles::default();
        assert_eq!(
            trust_level(1000, now, &none, now).level,
            0,
            "a new account stays new"
        );
        assert_eq!(
            trust_level(0, now - Duration::days(400), &none, now).level,
            0,
            "age alone is not enough"
        );
        assert_eq!(trust_level(10, now - Duration::days(3), &none, now).level, 1);
        assert_eq!(trust_level(150, now - Duration::days(20), &none, now).level, 2);
        assert_eq!(trust_level(150, now - Duration::days(5), &none, now).level, 1);
        assert_eq!(trust_level(600, now - Duration::days(90), &none, now).level, 3);
        assert_eq!(trust_level(0, now, &Roles::new(vec![Role::Staff]), now).level, 4);
        assert!(!trust_level(0, now, &none, now).can_flag);
    }

    #[test]
    fn badges_follow_the_breakdown() {
        let b = Breakdown {
            askers_helped: 10,
            ideas_shipped: 1,
            ..Breakdown::default()
        };
        let slugs: Vec<_> = earned(&b, true, 0).iter().map(|b| b.slug).collect();
        assert_eq!(
            slugs,
            [
                "first-accepted-answer",
                "helped-10",
                "idea-shipped",
                "club-member"
            ]
        );
        assert!(earned(&Breakdown::default(), false, 0).is_empty());
    }

    #[test]
    fn links_are_counted_in_rendered_html() {
        let html = crate::markdown::render(
            "see <https://a.example> and [b](https://b.example), [c](https://c.example)",
        );
        assert_eq!(count_links(&html), 3, "{html}");
        let known = std::collections::HashSet::from(["ada".to_owned()]);
        let html = crate::markdown::render_with_mentions("thanks @ada, see [b](https://b.example)", &known);
        assert_eq!(count_links(&html), 1, "{html}");
    }
}
