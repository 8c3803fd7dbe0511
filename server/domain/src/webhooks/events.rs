//! The event types a webhook endpoint can subscribe to, and the outbox they are written to.

use diesel::sql_types::{Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::DomainResult;

/// What happened. The payload's `type` is [`EventType::as_str`]; its `data` carries the same field names as
/// the REST API's objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    MemberCreated,
    TopicCreated,
    PostCreated,
    QuestionCreated,
    QuestionAnswered,
    AnswerAccepted,
    IdeaCreated,
    IdeaStatusChanged,
    IdeaMerged,
    ClubMemberJoined,
    ClubMemberLeft,
    EventRsvpChanged,
    ModerationPostHeld,
    ModerationDecision,
    MemberSanctioned,
    InboxDetractorDetected,
    InboxItemHandled,
    MentionCreated,
    MemberDeleted,
    /// Sent by "Send a test event" to one endpoint only; nobody subscribes to it.
    WebhookTest,
}

impl EventType {
    /// Every type an endpoint can subscribe to, in the order the admin page lists them.
    pub const SUBSCRIBABLE: [EventType; 19] = [
        EventType::MemberCreated,
        EventType::TopicCreated,
        EventType::PostCreated,
        EventType::QuestionCreated,
        EventType::QuestionAnswered,
        EventType::AnswerAccepted,
        EventType::IdeaCreated,
        EventType::IdeaStatusChanged,
        EventType::IdeaMerged,
        EventType::ClubMemberJoined,
        EventType::ClubMemberLeft,
        EventType::EventRsvpChanged,
        EventType::ModerationPostHeld,
        EventType::ModerationDecision,
        EventType::MemberSanctioned,
        EventType::InboxDetractorDetected,
        EventType::InboxItemHandled,
        EventType::MentionCreated,
        EventType::MemberDeleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::MemberCreated => "member.created",
            EventType::TopicCreated => "topic.created",
            EventType::PostCreated => "post.created",
            EventType::QuestionCreated => "question.created",
            EventType::QuestionAnswered => "question.answered",
            EventType::AnswerAccepted => "answer.accepted",
            EventType::IdeaCreated => "idea.created",
            EventType::IdeaStatusChanged => "idea.status_changed",
            EventType::IdeaMerged => "idea.merged",
            EventType::ClubMemberJoined => "club.member_joined",
            EventType::ClubMemberLeft => "club.member_left",
            EventType::EventRsvpChanged => "event.rsvp_changed",
            EventType::ModerationPostHeld => "moderation.post_held",
            EventType::ModerationDecision => "moderation.decision",
            EventType::MemberSanctioned => "member.sanctioned",
            EventType::InboxDetractorDetected => "inbox.detractor_detected",
            EventType::InboxItemHandled => "inbox.item_handled",
            EventType::MentionCreated => "mention.created",
            EventType::MemberDeleted => "member.deleted",
            EventType::WebhookTest => "webhook.test",
        }
    }

    pub fn parse(raw: &str) -> Option<EventType> {
        EventType::SUBSCRIBABLE
            .into_iter()
            .chain([EventType::WebhookTest])
            .find(|t| t.as_str() == raw)
    }

    /// When it is sent, for the admin page and the API's list of types.
    pub fn description(self) -> &'static str {
        match self {
            EventType::MemberCreated => "A member signed up.",
            EventType::TopicCreated => {
                "A topic was published: a discussion, a question or an idea (see data.kind)."
            }
            EventType::PostCreated => {
                "A reply was published (in a topic, a question or an idea's discussion)."
            }
            EventType::QuestionCreated => "A question was published.",
            EventType::QuestionAnswered => "A question got an answer.",
            EventType::AnswerAccepted => "The asker accepted an answer.",
            EventType::IdeaCreated => "An idea was submitted.",
            EventType::IdeaStatusChanged => "The product team changed an idea's status.",
            EventType::IdeaMerged => "An idea was merged into another.",
            EventType::ClubMemberJoined => "A member joined the fan club.",
            EventType::ClubMemberLeft => "A member left the fan club.",
            EventType::EventRsvpChanged => "A member answered, changed or cancelled an event RSVP.",
            EventType::ModerationPostHeld => "A post was held for moderation.",
            EventType::ModerationDecision => "A moderator approved or rejected held content.",
            EventType::MemberSanctioned => "A member was warned, suspended, banned or reinstated.",
            EventType::InboxDetractorDetected => "A detractor post entered the staff inbox.",
            EventType::InboxItemHandled => "A staff inbox item was handled.",
            EventType::MentionCreated => "A mention from outside the community was stored.",
            EventType::MemberDeleted => {
                "A member's account was deleted (anonymised): erase what your systems keep about data.id."
            }
            EventType::WebhookTest => "A test event an admin sent to one endpoint.",
        }
    }
}

/// Writes an event to the outbox, one delivery per active endpoint that wants it. Call it inside the
/// transaction of the change it tells about: nothing is sent for a change that rolled back, and nothing
/// committed is lost. One statement; nothing is written when no endpoint wants the type.
pub async fn emit(conn: &mut AsyncPgConnection, event: EventType, data: Value) -> DomainResult<()> {
    diesel::sql_query(
        "WITH wanted AS (
             SELECT id FROM webhook_endpoints
             WHERE active AND (event_types = '{}' OR $1 = ANY (event_types))
         ), ev AS (
             INSERT INTO webhook_events (event_type, data)
             SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM wanted)
             RETURNING id
         )
         INSERT INTO webhook_deliveries (endpoint_id, event_id)
         SELECT wanted.id, ev.id FROM wanted, ev",
    )
    .bind::<Text, _>(event.as_str())
    .bind::<Jsonb, _>(data)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes every `email` key (at any depth) for an endpoint that may not receive members' addresses.
pub fn redact_emails(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("email");
            map.values_mut().for_each(redact_emails);
        }
        Value::Array(items) => items.iter_mut().for_each(redact_emails),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_round_trip() {
        for t in EventType::SUBSCRIBABLE
            .into_iter()
            .chain([EventType::WebhookTest])
        {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert!(!t.description().is_empty());
        }
        assert_eq!(EventType::parse("topic.deleted"), None);
    }

    #[test]
    fn emails_are_removed_at_every_depth() {
        let mut v =
            json!({"author": {"id": 1, "email": "a@example.com"}, "list": [{"email": "b@x"}], "email": "c"});
        redact_emails(&mut v);
        assert_eq!(v, json!({"author": {"id": 1}, "list": [{}]}));
    }
}
