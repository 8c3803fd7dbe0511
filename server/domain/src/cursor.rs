//! Keyset cursors of listings ordered by a time and an id, parsed once here for every such listing.

use chrono::{DateTime, Utc};

use crate::{DomainError, DomainResult};

/// The cursor of a page ordered by a time and an id (mentions, the staff inbox): `<RFC 3339>~<id>`.
pub fn encode((at, id): (DateTime<Utc>, i64)) -> String {
    format!("{}~{id}", at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

/// Reads a cursor made by [`encode`] (empty: the first page; anything else: a field error on `after`).
pub fn parse(raw: Option<&str>) -> DomainResult<Option<(DateTime<Utc>, i64)>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || DomainError::invalid("after", "is not a cursor from this list");
    let (at, id) = raw.split_once('~').ok_or_else(bad)?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| bad())?
        .with_timezone(&Utc);
    Ok(Some((at, id.parse().map_err(|_| bad())?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = DateTime::parse_from_rfc3339("2026-12-01T09:30:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse(Some(&encode((at, 42)))).unwrap(), Some((at, 42)));
        assert_eq!(parse(Some("")).unwrap(), None);
        for bad in ["x", "2026-12-01~x", "~1", "2026-12-01T09:30:00Z~1;drop"] {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
