//! Who may see and post where.

use crate::accounts::Actor;
use crate::ids::UserId;

/// The person looking at the forums: anonymous, a member, a club member, or one of the brand's team
/// (admin, staff, moderator, product).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<UserId>,
    pub team: bool,
    pub club: bool,
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
                moderator: a.roles.is_staff() || a.roles.is_moderator(),
            },
        }
    }

    /// Whether this viewer may see a category of this visibility.
    pub fn can_see(&self, visibility: &str) -> bool {
        match visibility {
            "public" => true,
            "club" => self.club || self.team,
            "staff" => self.team,
            _ => false,
        }
    }

    /// Whether this viewer may start topics in a category with this posting rule.
    pub fn can_start_topics(&self, visibility: &str, posting: &str) -> bool {
        self.user_id.is_some() && self.can_see(visibility) && (posting == "everyone" || self.team)
    }

    /// Staff and moderators manage topics (pin, lock, move) and see edit histories and held posts.
    pub fn manages_topics(&self) -> bool {
        self.moderator
    }
}
