//! Who may see and post where.

use super::categories::Category;
use crate::accounts::Actor;
use crate::ids::UserId;

/// The person looking at the forums: anonymous, a member, a club member, or one of the brand's team
/// (admin, staff, moderator, product).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<UserId>,
    pub team: bool,
    pub club: bool,
    /// The rank of the viewer's club tier.
    pub club_rank: Option<i32>,
    pub moderator: bool,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer::default()
    }

    pub fn of(actor: Option<&Actor>) -> Viewer {
        match actor {
            None => Viewer::anonymous(),
            Some(a) => Viewer {
                user_id: Some(a.id),
                team: !a.roles.list().is_empty(),
                club: a.club_member,
                club_rank: a.club_rank,
                moderator: a.roles.is_staff() || a.roles.is_moderator(),
            },
        }
    }

    /// Whether this viewer may see a category: public ones, club-only ones when in the club (and, where the
    /// category names a tier, at that tier or higher), team-only ones when on the team. The team sees all.
    pub fn can_see(&self, category: &Category) -> bool {
        match category.visibility.as_str() {
            "public" => true,
            "club" => {
                self.team
                    || (self.club
                        && category
                            .min_tier_rank
                            .is_none_or(|min| self.club_rank.is_some_and(|r| r >= min)))
            }
            "staff" => self.team,
            _ => false,
        }
    }

    /// Whether this viewer may start topics in a category.
    pub fn can_start_topics(&self, category: &Category) -> bool {
        self.user_id.is_some() && self.can_see(category) && (category.posting == "everyone" || self.team)
    }

    /// Staff and moderators manage topics (pin, lock, move) and see edit histories and held posts.
    pub fn manages_topics(&self) -> bool {
        self.moderator
    }
}
