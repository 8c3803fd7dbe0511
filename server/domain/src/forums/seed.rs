//! Helpers for seeding demo and benchmark data.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::accounts::Actor;
use crate::schema::club_members;
use crate::{DomainResult, Hearth, db};

/// Makes a member a fan-club member (the club capability brings joining; seeds need it now).
pub async fn join_club(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    diesel::insert_into(club_members::table)
        .values(club_members::user_id.eq(actor.id))
        .on_conflict_do_nothing()
        .execute(&mut conn)
        .await?;
    Ok(())
}
