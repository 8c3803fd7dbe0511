//! An idea's lifecycle: new → under review → planned → in progress → shipped, or declined. Shipped and
//! declined are final but can be reopened; merged (into another idea) is final for good.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdeaStatus {
    New,
    UnderReview,
    Planned,
    InProgress,
    Shipped,
    Declined,
    Merged,
}

impl IdeaStatus {
    /// Every status an idea can be given by a status change (merging is its own action).
    pub const SETTABLE: [IdeaStatus; 6] = [
        IdeaStatus::New,
        IdeaStatus::UnderReview,
        IdeaStatus::Planned,
        IdeaStatus::InProgress,
        IdeaStatus::Shipped,
        IdeaStatus::Declined,
    ];

    pub fn parse(raw: &str) -> Option<IdeaStatus> {
        match raw.trim() {
            "new" => Some(IdeaStatus::New),
            "under_review" => Some(IdeaStatus::UnderReview),
            "planned" => Some(IdeaStatus::Planned),
            "in_progress" => Some(IdeaStatus::InProgress),
            "shipped" => Some(IdeaStatus::Shipped),
            "declined" => Some(IdeaStatus::Declined),
            "merged" => Some(IdeaStatus::Merged),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdeaStatus::New => "new",
            IdeaStatus::UnderReview => "under_review",
            IdeaStatus::Planned => "planned",
            IdeaStatus::InProgress => "in_progress",
            IdeaStatus::Shipped => "shipped",
            IdeaStatus::Declined => "declined",
            IdeaStatus::Merged => "merged",
        }
    }

    /// How the status reads on pages and in notifications.
    pub fn label(self) -> &'static str {
        match self {
            IdeaStatus::New => "New",
            IdeaStatus::UnderReview => "Under review",
            IdeaStatus::Planned => "Planned",
            IdeaStatus::InProgress => "In progress",
            IdeaStatus::Shipped => "Shipped",
            IdeaStatus::Declined => "Declined",
            IdeaStatus::Merged => "Merged",
        }
    }

    /// Still moving: members may vote, and it can go anywhere next.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            IdeaStatus::New | IdeaStatus::UnderReview | IdeaStatus::Planned | IdeaStatus::InProgress
        )
    }

    /// Whether a status change may take an idea from `self` to `to` (the same status is a no-op, handled
    /// before). Open ideas go anywhere; shipped and declined ideas only back to an open status (reopened);
    /// merged ideas nowhere, and nothing becomes merged but by a merge.
    pub fn check_move(self, to: IdeaStatus) -> Result<(), String> {
        if self == IdeaStatus::Merged {
            return Err("This idea was merged into another; it is closed.".into());
        }
        if to == IdeaStatus::Merged {
            return Err("Merging is its own action: choose the idea to merge into.".into());
        }
        if !self.is_open() && !to.is_open() {
            return Err(format!(
                "{} is final: reopen the idea (move it to an open status) first.",
                self.label()
            ));
        }
        Ok(())
    }
}

impl std::fmt::Display for IdeaStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn statuses_round_trip_and_moves_follow_the_rules() {
        for s in IdeaStatus::SETTABLE.into_iter().chain([IdeaStatus::Merged]) {
            assert_eq!(IdeaStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(IdeaStatus::parse("done"), None);
        assert!(IdeaStatus::New.check_move(IdeaStatus::Shipped).is_ok());
        assert!(IdeaStatus::Planned.check_move(IdeaStatus::UnderReview).is_ok());
        assert!(IdeaStatus::Shipped.check_move(IdeaStatus::Planned).is_ok());
        assert!(IdeaStatus::Shipped.check_move(IdeaStatus::Declined).is_err());
        assert!(IdeaStatus::Declined.check_move(IdeaStatus::Shipped).is_err());
        assert!(IdeaStatus::New.check_move(IdeaStatus::Merged).is_err());
        assert!(IdeaStatus::Merged.check_move(IdeaStatus::New).is_err());
    }
}
